//! Shared by the storage tests: the back-ends every storage test runs against — SQLite always,
//! PostgreSQL when `ARCHIVIST_TEST_POSTGRES` holds a database URL (`.ci/run` starts a throw-away
//! cluster and sets it). With `ARCHIVIST_REQUIRE_POSTGRES=1` (set by `.ci/run`) a missing URL
//! fails the tests instead of leaving PostgreSQL out; without it, leaving it out is said on
//! stderr every time.
#![allow(dead_code)]

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use archivist::settings::{Secret, Settings, StorageSettings};
use archivist::storage::Store;

/// One back-end to run a test against.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    /// A fresh, empty database's URL.
    Postgres(String),
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// The storage settings for this back-end (SQLite: in `data`).
    pub fn settings(&self, data: &Path) -> StorageSettings {
        let mut s = Settings::defaults().storage;
        s.url = match self {
            Backend::Sqlite => Some(Secret::new(format!(
                "sqlite://{}",
                data.join("archivist.sqlite3").display()
            ))),
            Backend::Postgres(url) => Some(Secret::new(url.clone())),
        };
        s
    }

    /// A store on this back-end with its user key in `data`.
    pub fn open(&self, data: &Path) -> Store {
        Store::open(&self.settings(data), data).expect("the store opens")
    }
}

/// The PostgreSQL server's URL, if there is one to test against.
pub fn postgres_url() -> Option<String> {
    let url = std::env::var("ARCHIVIST_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.trim().is_empty());
    if url.is_none() {
        let required = std::env::var("ARCHIVIST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "ARCHIVIST_REQUIRE_POSTGRES=1 but ARCHIVIST_TEST_POSTGRES is not set"
        );
        eprintln!(
            "NOTE: PostgreSQL not tested here (set ARCHIVIST_TEST_POSTGRES to a database URL, \
             or run .ci/run, which starts one)"
        );
    }
    url
}

/// SQLite, and PostgreSQL (a new database) when there is a server.
pub fn backends() -> Vec<Backend> {
    let mut out = vec![Backend::Sqlite];
    if let Some(url) = postgres_url() {
        out.push(Backend::Postgres(fresh_database(&url)));
    }
    out
}

/// Makes a new, empty database on the server of `url`; returns its URL.
pub fn fresh_database(url: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let name = format!(
        "t_{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000,
        N.fetch_add(1, Ordering::Relaxed)
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(url)
            .await
            .expect("the test PostgreSQL server answers");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut c)
            .await
            .expect("a test database can be made");
    });
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    if query.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{query}")
    }
}

/// Unix seconds now.
pub fn now() -> i64 {
    archivist::storage::now()
}
