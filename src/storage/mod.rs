//! Storage: per-server settings, answer feedback and the questions that found nothing, in a real
//! database — SQLite by default (one file in the data directory, WAL, nothing to install) or
//! PostgreSQL when `storage.url` is a `postgres://` URL (what several `serve-http` replicas
//! share). The only module that knows SQL; everything it hands out is plain data.
//!
//! ```text
//! caller (sync: dispatcher, CLI) ──call()──▶ storage runtime (own threads) ──▶ sqlx pool ──▶ DB
//!                    ▲ waits ≤ timeout          │ writes: one writer task, batched,
//!                    └──────── result ──────────┘ acknowledged only after COMMIT
//! ```
//! The [`Store`] owns a small tokio runtime of its own, so the synchronous dispatcher (which runs
//! on a blocking thread of either transport, or on no runtime at all in `archivist interact` and
//! the tests) can wait for a query without caring which runtime it is on. Writes that someone
//! waits for (a feedback press) go through one writer task ([`writer`]) that commits whatever is
//! queued in one transaction and only then answers each caller: a press is acknowledged to Discord
//! after its row is durable (WAL with `synchronous=FULL`, or PostgreSQL's commit), so killing the
//! process loses no acknowledged press, and a burst costs one commit, not one per press.
//!
//! When the database cannot be reached, nothing fails that does not have to: every call gives up
//! after `storage.timeout_ms`, the failure is logged (without the URL), further calls fail fast for
//! a few seconds ([`Breaker`]), settings fall back to the last ones read (or the defaults), and
//! answers are served as usual. Migrations ([`migrate`]) run before the first query and again
//! after a failed attempt. What is stored, and for how long: see [`privacy`] and the README.

pub mod feedback;
pub mod gaps;
pub mod migrate;
pub mod privacy;
pub mod settings;
mod writer;

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context as _, Result};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::settings::StorageSettings;

pub use feedback::{Feedback, FeedbackRow, Reason, Unanswered, Vote};
pub use gaps::{normalize_question, Gap};
pub use privacy::UserKey;
pub use settings::{GuildSettings, Layer, SettingsChange};

/// The file the SQLite database lives in, inside the data directory.
pub const SQLITE_FILE: &str = "archivist.sqlite3";

/// A pool of either back-end. Every query is written once, in SQL both accept, and run on the
/// pool at hand by [`on_db!`].
#[derive(Clone)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$p` bound to the pool (or connection) of whichever back-end `$db` is;
/// the body is type-checked once per back-end.
macro_rules! on_db {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            $crate::storage::Db::Sqlite($p) => $body,
            $crate::storage::Db::Postgres($p) => $body,
        }
    };
}
pub(crate) use on_db;

/// Why a storage call gave no answer. Logged where it happens; callers tell the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("the database is unavailable")]
    Unavailable,
}

/// Which database, for logs and `archivist settings`: never the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Sqlite(PathBuf),
    /// Host (or socket directory) and database name.
    Postgres(String),
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Backend::Sqlite(p) => write!(f, "SQLite {}", p.display()),
            Backend::Postgres(at) => write!(f, "PostgreSQL {at}"),
        }
    }
}

/// The database, shared by every request of the process (cheap to clone).
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    rt: Option<tokio::runtime::Runtime>,
    db: Db,
    backend: Backend,
    key: UserKey,
    timeout: Duration,
    retention_days: u32,
    migrated: Arc<tokio::sync::OnceCell<()>>,
    breaker: Breaker,
    writer: writer::Handle,
    /// The last settings read per server: what is used while the database is unreachable.
    last_settings: Mutex<HashMap<u64, GuildSettings>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Dropping a runtime blocks, which is refused inside another runtime; nothing here
        // needs waiting for (callers wait for their own acknowledgements).
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

/// After a failure, calls fail at once for a while instead of each waiting for the timeout.
struct Breaker {
    open_until: Mutex<Option<Instant>>,
    /// When the last failure was logged (one line per [`Breaker::PAUSE`] while it lasts).
    logged: Mutex<Option<Instant>>,
}

impl Breaker {
    const PAUSE: Duration = Duration::from_secs(3);

    fn is_open(&self) -> bool {
        let mut g = self.open_until.lock().unwrap_or_else(|e| e.into_inner());
        match *g {
            Some(t) if Instant::now() < t => true,
            Some(_) => {
                *g = None;
                false
            }
            None => false,
        }
    }

    fn trip(&self) {
        *self.open_until.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Instant::now() + Self::PAUSE);
    }

    /// Whether this failure should be logged (the first of a run of failures, then one per pause).
    fn should_log(&self) -> bool {
        let mut g = self.logged.lock().unwrap_or_else(|e| e.into_inner());
        if g.is_some_and(|t| t.elapsed() < Self::PAUSE) {
            return false;
        }
        *g = Some(Instant::now());
        true
    }
}

/// Unix seconds now.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A Discord id (a snowflake, below 2^63) as the BIGINT it is stored as.
pub(crate) fn id(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl Store {
    /// Opens the database `s.url` names (empty: SQLite in `data_dir`). Only a malformed URL or an
    /// unusable user key is an error: an unreachable database is retried at each call, and the
    /// migrations run before the first one.
    pub fn open(s: &StorageSettings, data_dir: &Path) -> Result<Store> {
        let key = UserKey::load(s.user_key.as_ref().map(|k| k.expose()), data_dir)?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("archivist-storage")
            .enable_all()
            .build()
            .context("cannot start the storage runtime")?;
        let timeout = Duration::from_millis(s.timeout_ms.max(1));
        let url = s.url.as_ref().map(|u| u.expose().trim()).unwrap_or("");
        let (db, backend) = {
            let _entered = rt.enter();
            pool(url, data_dir, timeout)?
        };
        let migrated = Arc::new(tokio::sync::OnceCell::new());
        let writer = writer::spawn(&rt, db.clone(), migrated.clone(), timeout);
        let store = Store {
            inner: Arc::new(Inner {
                rt: Some(rt),
                db,
                backend,
                key,
                timeout,
                retention_days: s.retention_days,
                migrated,
                breaker: Breaker {
                    open_until: Mutex::new(None),
                    logged: Mutex::new(None),
                },
                writer,
                last_settings: Mutex::new(HashMap::new()),
            }),
        };
        store.spawn_pruning();
        Ok(store)
    }

    /// Which database this is (no password).
    pub fn backend(&self) -> &Backend {
        &self.inner.backend
    }

    /// The keyed hash a user id is stored as.
    pub fn user_hash(&self, user: u64) -> String {
        self.inner.key.hash(user)
    }

    /// How long questions and feedback are kept, in days (0: forever).
    pub fn retention_days(&self) -> u32 {
        self.inner.retention_days
    }

    /// Runs the migrations now (they also run before the first query): `Ok` when the database
    /// is reachable and up to date.
    pub fn check(&self) -> Result<(), StoreError> {
        self.call("connect", |_| async { Ok(()) })
    }

    fn rt(&self) -> &tokio::runtime::Runtime {
        self.inner
            .rt
            .as_ref()
            .expect("the runtime lives as long as the store")
    }

    /// Runs `f` on the storage runtime after the migrations and waits at most the timeout for
    /// it. A failure is logged (as `what`) and trips the breaker.
    pub(crate) fn call<T, F>(
        &self,
        what: &'static str,
        f: impl FnOnce(Db) -> F,
    ) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, sqlx::Error>> + Send + 'static,
    {
        if self.inner.breaker.is_open() {
            return Err(StoreError::Unavailable);
        }
        let inner = self.inner.clone();
        let fut = f(self.inner.db.clone());
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let timeout = self.inner.timeout;
        self.rt().spawn(async move {
            let r = tokio::time::timeout(timeout, async {
                inner.ready().await?;
                fut.await
            })
            .await;
            let _ = tx.send(r);
        });
        let r = match rx.recv_timeout(timeout + Duration::from_millis(500)) {
            Ok(Ok(Ok(v))) => return Ok(v),
            Ok(Ok(Err(e))) => format!("{e}"),
            Ok(Err(_)) | Err(_) => format!("no answer within {} ms", timeout.as_millis()),
        };
        self.failed(what, &r);
        Err(StoreError::Unavailable)
    }

    /// Logs a failure (rate-limited) and trips the breaker.
    pub(crate) fn failed(&self, what: &str, error: &str) {
        self.inner.breaker.trip();
        if self.inner.breaker.should_log() {
            tracing::error!(
                operation = what,
                database = %self.inner.backend,
                error,
                "storage: the database is unavailable; answers go on without it"
            );
        }
    }

    /// Deletes questions and feedback older than `storage.retention_days`, now and every hour.
    fn spawn_pruning(&self) {
        if self.inner.retention_days == 0 {
            return;
        }
        let weak = Arc::downgrade(&self.inner);
        self.rt().spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(3600));
            loop {
                every.tick().await;
                let Some(inner) = weak.upgrade() else { return };
                let store = Store { inner };
                // `prune` waits on a std channel: off the runtime's own threads.
                let _ = tokio::task::spawn_blocking(move || store.prune(now())).await;
            }
        });
    }
}

impl Inner {
    /// The migrations, run once (and again after a failed attempt).
    async fn ready(&self) -> Result<(), sqlx::Error> {
        self.migrated
            .get_or_try_init(|| migrate::run(&self.db))
            .await
            .map(|_| ())
    }
}

/// The pool for `url` (lazily connected: nothing is reached yet).
fn pool(url: &str, data_dir: &Path, timeout: Duration) -> Result<(Db, Backend)> {
    if url.is_empty() || url.starts_with("sqlite:") {
        let path = match url
            .strip_prefix("sqlite://")
            .or(url.strip_prefix("sqlite:"))
        {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => data_dir.join(SQLITE_FILE),
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let opts = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(timeout.max(Duration::from_secs(1)));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(timeout)
            .connect_lazy_with(opts);
        return Ok((Db::Sqlite(pool), Backend::Sqlite(path)));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let opts = PgConnectOptions::from_str(url)
            .map_err(|_| anyhow::anyhow!("storage.url is not a valid postgres:// URL"))?;
        let at = format!(
            "{}/{}",
            opts.get_host(),
            opts.get_database().unwrap_or("(default database)")
        );
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(timeout)
            .connect_lazy_with(opts);
        return Ok((Db::Postgres(pool), Backend::Postgres(at)));
    }
    bail!(
        "storage.url must be empty (SQLite in the data directory), sqlite://FILE or \
         postgres://USER@HOST/DB"
    )
}
