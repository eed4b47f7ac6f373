//! The schema's versioned migrations: the files of `migrations/` (`NNNN_name.sql`), compiled
//! into the binary and run in order before the first query, by sqlx's migrator (which records
//! each applied version with a checksum in `_sqlx_migrations`, and on PostgreSQL holds an
//! advisory lock, so replicas starting together migrate once).
//!
//! Add a migration: a new file `migrations/000N_what.sql` (SQL that SQLite and PostgreSQL both
//! accept) and a line in [`MIGRATIONS`]; a test checks the two agree. Never edit a file that has
//! shipped: the checksum would no longer match and the start-up check would refuse the database.

use std::borrow::Cow;

use futures_util::future::BoxFuture;
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

use super::{on_db, Db};

/// (version, description, SQL) of every migration, in order.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "classroom",
    include_str!("../../migrations/0001_classroom.sql"),
)];

/// The schema version this build writes (the last migration's).
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// The compiled-in migrations as a source for sqlx's migrator.
#[derive(Debug)]
struct Embedded;

impl MigrationSource<'static> for Embedded {
    fn resolve(self) -> BoxFuture<'static, Result<Vec<Migration>, BoxDynError>> {
        let migrations = MIGRATIONS
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    Cow::Borrowed(sql),
                    false,
                )
            })
            .collect();
        Box::pin(async move { Ok(migrations) })
    }
}

/// Brings the database up to [`SCHEMA_VERSION`]. Two processes starting on one SQLite file can
/// both find a migration missing and the second then fails to apply it (SQLite has no advisory
/// lock); a retry sees it applied.
pub(crate) async fn run(db: &Db) -> Result<(), sqlx::Error> {
    let m = Migrator::new(Embedded).await?;
    let mut tries = 0;
    loop {
        match on_db!(db, p => m.run(p).await) {
            Ok(()) => return Ok(()),
            Err(_) if tries < 3 => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100 * tries)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_migrations_is_compiled_in_in_order() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS
            .iter()
            .map(|(v, d, _)| format!("{v:04}_{d}.sql"))
            .collect();
        assert_eq!(files, listed);
        for (i, (v, _, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*v, i as i64 + 1, "versions are 1, 2, 3, …");
        }
    }
}
