//! Keeping a serving engine up to date: a background thread polls the corpus (file names, sizes,
//! modification times) and the index pointer every few seconds and refreshes the engine when
//! either changed; `SIGHUP` forces a rebuild. Requests keep answering from the old snapshot while
//! a new index is built beside it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::{Engine, Refresh};

/// The polling thread; stops when dropped.
pub struct Watcher {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Watcher {
    /// Checks every `every` whether the corpus or the index in service changed.
    pub fn spawn(engine: Arc<Engine>, every: Duration) -> Watcher {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::Builder::new()
            .name("corpus-watch".into())
            .spawn(move || {
                let tick = Duration::from_millis(50).min(every);
                let mut waited = Duration::ZERO;
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(tick);
                    waited += tick;
                    if waited < every {
                        continue;
                    }
                    waited = Duration::ZERO;
                    refresh_and_log(&engine, false);
                }
            })
            .expect("can start a thread");
        Watcher {
            stop,
            handle: Some(handle),
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Refreshes the engine and logs what happened; errors are logged, the old index keeps serving.
pub fn refresh_and_log(engine: &Engine, force: bool) {
    match engine.refresh(force, &|_| {}) {
        Ok(Refresh::Unchanged) => {}
        Ok(Refresh::Reopened) => tracing::info!("switched to the index another process built"),
        Ok(Refresh::Updated(r)) => {
            let c = r.changes.clone().unwrap_or_default();
            tracing::info!(
                files_added = c.files_added,
                files_changed = c.files_changed,
                files_removed = c.files_removed,
                documents_indexed = c.documents_indexed,
                passages_indexed = c.passages_indexed,
                seconds = r.seconds,
                "corpus changed: index updated and swapped in"
            );
            if let Err(e) = engine.merge() {
                tracing::warn!("could not merge index segments: {e:#}");
            }
        }
        Ok(Refresh::Rebuilt(r)) => tracing::info!(
            documents = r.documents,
            passages = r.passages,
            warnings = r.warnings.len(),
            seconds = r.seconds,
            "corpus changed: index rebuilt and swapped in"
        ),
        Err(e) => {
            tracing::error!("could not refresh the index, still serving the previous one: {e:#}")
        }
    }
}

/// Rebuilds the index on every `SIGHUP` until the process ends (Unix only).
pub async fn rebuild_on_sighup(engine: Arc<Engine>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP; use `archivist index` to rebuild");
            return;
        };
        while hup.recv().await.is_some() {
            tracing::info!("SIGHUP: rebuilding the index");
            let e = engine.clone();
            let _ = tokio::task::spawn_blocking(move || refresh_and_log(&e, true)).await;
        }
    }
    #[cfg(not(unix))]
    {
        let _ = engine;
        std::future::pending::<()>().await;
    }
}
