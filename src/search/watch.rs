//! Keeping a serving engine up to date with its corpus.
//!
//! The [`Watcher`] listens for file events in the corpus directory and its collections
//! (`notify`: inotify on Linux, FSEvents or kqueue elsewhere). Events are debounced: the engine
//! is refreshed once [`DEBOUNCE`] has passed without another event (at the latest
//! [`MAX_DELAY`] after the first of a burst, for a file written in many pieces), and the refresh
//! re-indexes only what changed ([`Engine::refresh`]). Where events are unavailable — the watch
//! cannot be set up, or the corpus is on a network file system, whose changes made on other
//! machines raise no event here — the corpus is polled every `corpus.watch_secs` instead. Either
//! way the index pointer is checked every `corpus.watch_secs`, so an index another process swapped
//! in (`archivist index` from a shell) is picked up. After an update, the merges the merge
//! policy asks for run here too, in the background of the requests. `SIGHUP` forces a full
//! rebuild.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher as _};

use super::{Engine, Refresh};

/// Quiet time after the last file event before the engine is refreshed. A file saved or copied
/// raises its events within a few milliseconds; a write that pauses longer only costs a second
/// update.
pub const DEBOUNCE: Duration = Duration::from_millis(250);
/// Longest wait after the first event of a burst that does not end.
pub const MAX_DELAY: Duration = Duration::from_secs(3);

/// How the watcher learns of corpus changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// File events, debounced.
    Events,
    /// A scan of the corpus every `every`.
    Polling,
}

/// The watching thread; stops when dropped.
pub struct Watcher {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
    mode: Mode,
    /// Kept alive for as long as events are wanted.
    _events: Option<notify::RecommendedWatcher>,
}

impl Watcher {
    /// Watches the engine's corpus: by file events where it can, else by a scan every `every`
    /// (the index pointer is checked every `every` in both cases).
    pub fn spawn(engine: Arc<Engine>, every: Duration) -> Watcher {
        Self::spawn_with(engine, every, true)
    }

    /// [`Watcher::spawn`]; `events: false` polls even where events are available.
    pub fn spawn_with(engine: Arc<Engine>, every: Duration, events: bool) -> Watcher {
        let corpus = engine.options().corpus_dir.clone();
        let (tx, rx) = channel::<()>();
        let watcher = if !events {
            None
        } else if let Some(fs) = network_file_system(&corpus) {
            tracing::info!(
                "the corpus is on a network file system ({fs}): polling it every {} s",
                every.as_secs_f32()
            );
            None
        } else {
            match listen(&corpus, tx) {
                Ok(w) => Some(w),
                Err(e) => {
                    tracing::warn!(
                        "no file events for {} ({e}); polling it every {} s",
                        corpus.display(),
                        every.as_secs_f32()
                    );
                    None
                }
            }
        };
        let mode = if watcher.is_some() {
            Mode::Events
        } else {
            Mode::Polling
        };
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::Builder::new()
            .name("corpus-watch".into())
            .spawn(move || run(&engine, &rx, every, mode, &flag))
            .expect("can start a thread");
        Watcher {
            stop,
            handle: Some(handle),
            mode,
            _events: watcher,
        }
    }

    /// Whether file events or polling tell of changes.
    pub fn mode(&self) -> Mode {
        self.mode
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

/// A recursive watch of `dir` that sends `()` on every event that may change the corpus.
fn listen(
    dir: &Path,
    tx: std::sync::mpsc::Sender<()>,
) -> notify::Result<notify::RecommendedWatcher> {
    let mut w = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        let Ok(ev) = ev else {
            // The kernel dropped events (queue overflow): look at everything.
            let _ = tx.send(());
            return;
        };
        if matters(&ev) {
            let _ = tx.send(());
        }
    })?;
    w.watch(dir, RecursiveMode::Recursive)?;
    Ok(w)
}

/// Does an event change what the corpus holds? Reads and opens do not, nor anything under a
/// hidden name (editors' swap files); what the corpus reads is `corpus_files`'s to say.
fn matters(ev: &notify::Event) -> bool {
    use notify::event::{AccessKind, AccessMode};
    let kind = match ev.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    };
    let hidden = |p: &std::path::PathBuf| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'))
    };
    kind && (ev.paths.is_empty() || !ev.paths.iter().all(hidden))
}

/// The watching loop: refreshes after a quiet [`DEBOUNCE`] following events, and every `every`
/// (a corpus scan when polling; the index pointer only, with events).
fn run(engine: &Engine, events: &Receiver<()>, every: Duration, mode: Mode, stop: &AtomicBool) {
    let tick = Duration::from_millis(50).min(every);
    let mut first: Option<Instant> = None;
    let mut last = Instant::now();
    let mut checked = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        // Wake when a burst's quiet time is up, not on the next tick after it.
        let wait = first.map_or(tick, |f| {
            let due = (last + DEBOUNCE).min(f + MAX_DELAY);
            due.saturating_duration_since(Instant::now()).min(tick)
        });
        match events.recv_timeout(wait) {
            Ok(()) => {
                last = Instant::now();
                first.get_or_insert(last);
                continue;
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => std::thread::sleep(tick),
        }
        let now = Instant::now();
        if let Some(f) = first {
            if now - last >= DEBOUNCE || now - f >= MAX_DELAY {
                first = None;
                // Events that came while refreshing are read next time round.
                refresh_and_log(engine, false);
                checked = Instant::now();
                continue;
            }
        }
        if now - checked >= every {
            checked = now;
            match mode {
                Mode::Polling => refresh_and_log(engine, false),
                Mode::Events => {
                    if let Err(e) = engine.reopen_if_moved() {
                        tracing::warn!(
                            "could not switch to the index another process built: {e:#}"
                        );
                    }
                }
            }
        }
    }
}

/// The network file system type `dir` is on, if any (Linux: from `/proc/mounts`).
fn network_file_system(dir: &Path) -> Option<String> {
    const NETWORK: &[&str] = &[
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "afs",
        "ceph",
        "glusterfs",
        "fuse.sshfs",
        "fuse.rclone",
        "lustre",
        "gpfs",
    ];
    let dir = std::fs::canonicalize(dir).ok()?;
    let mounts = std::fs::read_to_string("/proc/mounts").ok()?;
    let mut best: Option<(usize, String)> = None;
    for line in mounts.lines() {
        let mut parts = line.split_whitespace();
        let (_, Some(at), Some(fs)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let at = at.replace("\\040", " ");
        if dir.starts_with(&at) && best.as_ref().is_none_or(|(n, _)| at.len() > *n) {
            best = Some((at.len(), fs.to_string()));
        }
    }
    best.map(|(_, fs)| fs)
        .filter(|fs| NETWORK.contains(&fs.as_str()))
}

/// Refreshes the engine and logs what happened; errors are logged, the old index keeps serving.
/// After an incremental update, merges what the merge policy asks for.
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

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};

    fn ev(kind: EventKind, path: &str) -> notify::Event {
        notify::Event::new(kind).add_path(path.into())
    }

    #[test]
    fn writes_count_and_reads_and_hidden_files_do_not() {
        assert!(matters(&ev(
            EventKind::Create(CreateKind::File),
            "/c/a.txt"
        )));
        assert!(matters(&ev(
            EventKind::Modify(ModifyKind::Any),
            "/c/g/a.md"
        )));
        assert!(matters(&ev(
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            "/c/a.txt"
        )));
        assert!(!matters(&ev(
            EventKind::Access(AccessKind::Read),
            "/c/a.txt"
        )));
        assert!(!matters(&ev(
            EventKind::Modify(ModifyKind::Any),
            "/c/.a.txt.swp"
        )));
    }

    #[test]
    fn a_local_directory_is_not_a_network_file_system() {
        assert_eq!(network_file_system(&std::env::temp_dir()), None);
    }
}
