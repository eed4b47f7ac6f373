//! The one writer of votes and unanswered questions: a task on the storage runtime that takes
//! whatever is queued (up to [`BATCH`] jobs), writes it in one transaction, commits, and only then
//! answers each job's caller. A burst of presses costs one commit (one fsync) rather than one
//! each, and no caller hears "recorded" before its row is durable.
//!
//! The queue is bounded ([`QUEUE`]): when it is full (the database has stalled) a new job is
//! refused at once rather than waiting. If a batch fails, its jobs are retried one by one, so one
//! bad row cannot sink the others.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, OnceCell};

use super::{migrate, on_db, Db, Store, StoreError};

/// Jobs written per transaction, at most.
const BATCH: usize = 256;
/// Jobs waiting, at most.
const QUEUE: usize = 4096;

/// One write.
#[derive(Debug, Clone)]
pub(super) enum Job {
    Vote {
        message_id: i64,
        user_hash: String,
        guild_id: i64,
        vote: i64,
        question: String,
        normalized: String,
        passages: String,
        index_version: String,
        at: i64,
    },
    Reason {
        message_id: i64,
        user_hash: String,
        reason: &'static str,
        at: i64,
    },
    Unanswered {
        interaction_id: i64,
        guild_id: i64,
        user_hash: String,
        question: String,
        normalized: String,
        index_version: String,
        at: i64,
    },
}

/// The rows a job changed, or why it failed.
type Ack = std::sync::mpsc::SyncSender<Result<u64, String>>;

struct Queued {
    job: Job,
    ack: Option<Ack>,
}

pub(super) struct Handle {
    tx: mpsc::Sender<Queued>,
}

/// Starts the writer on `rt`.
pub(super) fn spawn(
    rt: &tokio::runtime::Runtime,
    db: Db,
    migrated: Arc<OnceCell<()>>,
    timeout: Duration,
) -> Handle {
    let (tx, rx) = mpsc::channel(QUEUE);
    rt.spawn(run(rx, db, migrated, timeout));
    Handle { tx }
}

async fn run(
    mut rx: mpsc::Receiver<Queued>,
    db: Db,
    migrated: Arc<OnceCell<()>>,
    timeout: Duration,
) {
    let mut batch: Vec<Queued> = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        let jobs: Vec<&Job> = batch.iter().map(|q| &q.job).collect();
        match write(&db, &migrated, &jobs, timeout).await {
            Ok(counts) => {
                for (q, n) in batch.drain(..).zip(counts) {
                    answer(q, Ok(n));
                }
            }
            Err(e) if batch.len() == 1 => answer(batch.remove(0), Err(e)),
            Err(_) => {
                for q in batch.drain(..) {
                    let r = write(&db, &migrated, &[&q.job], timeout).await;
                    answer(q, r.map(|c| c[0]));
                }
            }
        }
    }
}

fn answer(q: Queued, r: Result<u64, String>) {
    match q.ack {
        Some(ack) => {
            let _ = ack.send(r);
        }
        None => {
            if let Err(e) = r {
                tracing::error!(error = e, "storage: a background write failed");
            }
        }
    }
}

/// Writes `jobs` in one transaction; the rows each changed.
async fn write(
    db: &Db,
    migrated: &OnceCell<()>,
    jobs: &[&Job],
    timeout: Duration,
) -> Result<Vec<u64>, String> {
    let work = async {
        migrated.get_or_try_init(|| migrate::run(db)).await?;
        on_db!(db, p => {
            let mut tx = p.begin().await?;
            let mut counts = Vec::with_capacity(jobs.len());
            for job in jobs {
                let q = match job {
                    Job::Vote { message_id, user_hash, guild_id, vote, question, normalized,
                                passages, index_version, at } => sqlx::query(
                        "INSERT INTO feedback (message_id, user_hash, guild_id, vote, reason, \
                         question, normalized, passages, index_version, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, NULL, $5, $6, $7, $8, $9, $9) \
                         ON CONFLICT (message_id, user_hash) DO UPDATE SET \
                         vote = excluded.vote, reason = NULL, question = excluded.question, \
                         normalized = excluded.normalized, passages = excluded.passages, \
                         index_version = excluded.index_version, updated_at = excluded.updated_at",
                    )
                    .bind(message_id).bind(user_hash).bind(guild_id).bind(vote)
                    .bind(question).bind(normalized).bind(passages).bind(index_version).bind(at),
                    Job::Reason { message_id, user_hash, reason, at } => sqlx::query(
                        "UPDATE feedback SET reason = $1, updated_at = $2 \
                         WHERE message_id = $3 AND user_hash = $4 AND vote < 0",
                    )
                    .bind(*reason).bind(at).bind(message_id).bind(user_hash),
                    Job::Unanswered { interaction_id, guild_id, user_hash, question, normalized,
                                      index_version, at } => sqlx::query(
                        "INSERT INTO unanswered (interaction_id, guild_id, user_hash, question, \
                         normalized, index_version, asked_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         ON CONFLICT (interaction_id) DO NOTHING",
                    )
                    .bind(interaction_id).bind(guild_id).bind(user_hash).bind(question)
                    .bind(normalized).bind(index_version).bind(at),
                };
                counts.push(q.execute(&mut *tx).await?.rows_affected());
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(counts)
        })
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(Ok(c)) => Ok(c),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no commit within {} ms", timeout.as_millis())),
    }
}

impl Store {
    /// Queues `job` and waits until it is committed (at most the timeout).
    pub(super) fn write(&self, what: &'static str, job: Job) -> Result<u64, StoreError> {
        if self.inner.breaker.is_open() {
            return Err(StoreError::Unavailable);
        }
        let (ack, done) = std::sync::mpsc::sync_channel(1);
        if self
            .inner
            .writer
            .tx
            .try_send(Queued {
                job,
                ack: Some(ack),
            })
            .is_err()
        {
            self.failed(what, "the write queue is full");
            return Err(StoreError::Unavailable);
        }
        let error = match done.recv_timeout(self.inner.timeout + Duration::from_millis(500)) {
            Ok(Ok(n)) => return Ok(n),
            Ok(Err(e)) => e,
            Err(_) => format!("no commit within {} ms", self.inner.timeout.as_millis()),
        };
        self.failed(what, &error);
        Err(StoreError::Unavailable)
    }

    /// Queues `job` without waiting; a full queue or a failed write is logged.
    pub(super) fn queue(&self, what: &'static str, job: Job) {
        if self.inner.breaker.is_open() {
            tracing::warn!(operation = what, "storage: unavailable, not recorded");
            return;
        }
        if self
            .inner
            .writer
            .tx
            .try_send(Queued { job, ack: None })
            .is_err()
        {
            self.failed(what, "the write queue is full");
        }
    }
}
