//! Privacy: students are often minors, so a person is stored only as a keyed hash of their
//! Discord id, questions and feedback are kept `storage.retention_days` and then deleted, and one
//! person's records can be deleted on request (`archivist forget --user ID`).
//!
//! The hash is HMAC-SHA256 of the id under a secret key, cut to 128 bits (hex). Discord ids are
//! guessable numbers, so a plain hash would be reversible by trying them; without the key the
//! stored hashes link one person's rows and nothing more. The key comes from
//! `ARCHIVIST_USER_KEY` (or `storage.user_key` in `config/local.toml`) — replicas sharing a
//! PostgreSQL database must all be given the same one — and otherwise is made once, at random,
//! into `<data>/user-key` (readable by its owner only). It is never logged, never stored in the
//! database, and `Debug` shows it redacted.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context as _, Result};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{on_db, Store, StoreError};

/// The file the generated key is kept in, inside the data directory.
pub const KEY_FILE: &str = "user-key";

/// Shortest key accepted from the environment or settings, in bytes.
const MIN_KEY_BYTES: usize = 16;

/// The secret the user hashes are keyed with.
#[derive(Clone)]
pub struct UserKey(Vec<u8>);

impl std::fmt::Debug for UserKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UserKey([redacted])")
    }
}

impl UserKey {
    /// The key given (from the environment or settings), or the one in `<data_dir>/user-key`,
    /// made there on first use.
    pub fn load(given: Option<&str>, data_dir: &Path) -> Result<UserKey> {
        if let Some(k) = given.map(str::trim).filter(|k| !k.is_empty()) {
            if k.len() < MIN_KEY_BYTES {
                bail!("ARCHIVIST_USER_KEY must be at least {MIN_KEY_BYTES} characters");
            }
            return Ok(UserKey(k.as_bytes().to_vec()));
        }
        let path = data_dir.join(KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => return Self::from_file_text(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create {}", data_dir.display()))?;
        let mut bytes = [0u8; 32];
        getrandom::getrandom(&mut bytes).context("no randomness for the user key")?;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        match create_private(&path) {
            Ok(mut f) => {
                f.write_all(hex.as_bytes())
                    .and_then(|_| f.sync_all())
                    .with_context(|| format!("cannot write {}", path.display()))?;
                tracing::info!(file = %path.display(), "made the key user ids are hashed with");
                Ok(UserKey(hex.into_bytes()))
            }
            // Another process made it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                Self::from_file_text(&text, &path)
            }
            Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
        }
    }

    fn from_file_text(text: &str, path: &Path) -> Result<UserKey> {
        let k = text.trim();
        if k.len() < MIN_KEY_BYTES {
            bail!(
                "{} is damaged (too short); restore it, or delete it to start a new key (old \
                 records then no longer match anyone)",
                path.display()
            );
        }
        Ok(UserKey(k.as_bytes().to_vec()))
    }

    /// The stored form of a Discord user id.
    pub fn hash(&self, user: u64) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        mac.update(b"archivist-user:");
        mac.update(user.to_string().as_bytes());
        let out = mac.finalize().into_bytes();
        out[..16].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A new file only its owner can read (fails if it exists).
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// What [`Store::forget`] or [`Store::prune`] deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Deleted {
    pub questions: u64,
    pub feedback: u64,
}

impl Store {
    /// Deletes every question and feedback row of one person.
    pub fn forget(&self, user: u64) -> Result<Deleted, StoreError> {
        let h = self.user_hash(user);
        self.call("forget", move |db| async move {
            on_db!(&db, p => {
                let mut tx = p.begin().await?;
                let q = sqlx::query("DELETE FROM unanswered WHERE user_hash = $1")
                    .bind(&h)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                let f = sqlx::query("DELETE FROM feedback WHERE user_hash = $1")
                    .bind(&h)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                Ok(Deleted { questions: q, feedback: f })
            })
        })
    }

    /// Deletes questions and feedback older than the retention period (as of `now`, Unix
    /// seconds); nothing when it is 0 (kept forever).
    pub fn prune(&self, now: i64) -> Result<Deleted, StoreError> {
        let days = self.retention_days();
        if days == 0 {
            return Ok(Deleted::default());
        }
        let before = now - i64::from(days) * 86_400;
        let d = self.call("prune", move |db| async move {
            on_db!(&db, p => {
                let q = sqlx::query("DELETE FROM unanswered WHERE asked_at < $1")
                    .bind(before)
                    .execute(p)
                    .await?
                    .rows_affected();
                let f = sqlx::query("DELETE FROM feedback WHERE updated_at < $1")
                    .bind(before)
                    .execute(p)
                    .await?
                    .rows_affected();
                Ok(Deleted { questions: q, feedback: f })
            })
        })?;
        if d.questions + d.feedback > 0 {
            tracing::info!(
                questions = d.questions,
                feedback = d.feedback,
                days,
                "storage: deleted records past the retention period"
            );
        }
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_made_once_and_hashes_are_keyed() {
        let dir = tempfile::tempdir().unwrap();
        let a = UserKey::load(None, dir.path()).unwrap();
        let again = UserKey::load(None, dir.path()).unwrap();
        assert_eq!(a.hash(42), again.hash(42), "the key file is reused");
        assert_eq!(a.hash(42).len(), 32);
        assert_ne!(a.hash(42), a.hash(43));
        let other = UserKey::load(Some("another key of enough length"), dir.path()).unwrap();
        assert_ne!(
            a.hash(42),
            other.hash(42),
            "a different key, different hashes"
        );
        // The hash does not show the id (a Discord id is 17–20 digits; a short id such as 42
        // stands in a random hex string one time in eight, which made this test flaky).
        let id: u64 = 312_345_678_901_234_567;
        assert!(!a.hash(id).contains(&id.to_string()));
        assert!(!a.hash(id).contains(&format!("{id:x}")));
        assert_eq!(format!("{a:?}"), "UserKey([redacted])");
        assert!(UserKey::load(Some("short"), dir.path()).is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "only the owner can read the key");
        }
    }
}
