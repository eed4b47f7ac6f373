//! The on-disk index: a tantivy index of passages plus the catalog (document metadata and
//! speakers, [`catalog`]), built from the corpus into a fresh directory and swapped in by
//! rewriting the `CURRENT` pointer, so a crash mid-build never leaves a half index in service.
//!
//! Layout of the data directory:
//! ```text
//! data/CURRENT              {"dir": "index-…", "fingerprint": "…"} — the index in service
//! data/index-<time>-<pid>/  tantivy files, catalog.bin, files.json (the corpus files' stamps),
//!                           names.bin (the name index speakers were resolved with: names),
//!                           derived.json (the lexicon, made on first open: search::derived)
//! ```
//! The fingerprint covers the corpus files (names, sizes, modification times), the schema
//! version and the link base, so any change to them brings the index up to date on next use:
//! incrementally ([`update`]: only the changed documents are indexed again) or, when that
//! cannot be done, by a full build. Index directories are never changed once in service: an
//! update or a merge ([`merge`]) makes a new one, sharing the unchanged segment files by hard
//! links.
//!
//! A build holds the corpus's names, not its text: it surveys the files for their names, then
//! reads each again as it indexes it (`build_from`). It indexes one share of the corpus per
//! core, each into segments of its own, and lists the segments in corpus order: the index, and
//! so every answer, is the same whatever the number of cores or the threads' timing (see
//! `write_index`).

pub mod catalog;
pub mod merge;
pub mod names;
pub mod schema;
pub mod stats;
pub mod stem;
pub mod tokens;
pub mod update;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use tantivy::{doc, Directory, Index, IndexReader, ReloadPolicy, TantivyDocument};

use crate::corpus::{self, DocMeta, Document, Speaker, Survey};
pub use catalog::Catalog;
pub use schema::{Fields, SCHEMA_VERSION};

/// Bytes per compressed block of stored passages.
const DOCSTORE_BLOCKSIZE: usize = 4096;

/// What the catalog holds about one document (everything but the passages' text).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DocRecord {
    pub meta: DocMeta,
    pub speakers: Vec<Speaker>,
    pub passages: u32,
    /// The number its passages carry in the index (the `doc_ord` fast field). A full build
    /// numbers documents by their place in the catalog; an incremental update keeps the number
    /// of every document it does not re-index and gives the ones it does new numbers, so the
    /// passages already indexed stay valid while documents are inserted before them.
    #[serde(default)]
    pub serial: u64,
    /// The name variants the document gives in brackets (`Wulumuqi [Urumqi]`:
    /// [`crate::corpus::glosses`]), which the search treats as one term.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub glosses: Vec<(String, String)>,
}

impl Catalog {
    /// The catalog place of each serial number, for an index whose serials are not all places.
    fn places_by_serial(&self) -> Option<Vec<u32>> {
        let serials = self.documents.serials();
        if serials.iter().enumerate().all(|(i, &s)| s == i as u64) {
            return None;
        }
        let top = serials.iter().copied().max().unwrap_or(0);
        let mut out = vec![u32::MAX; top as usize + 1];
        for (i, &s) in serials.iter().enumerate() {
            out[s as usize] = i as u32;
        }
        Some(out)
    }
}

impl DocRecord {
    /// Its metadata, number of passages and speakers.
    pub fn parts(&self) -> (&DocMeta, u32, &[Speaker]) {
        (&self.meta, self.passages, &self.speakers)
    }

    /// The record of a document whose passages carry `serial`.
    pub fn of(d: &Document, serial: u64) -> DocRecord {
        DocRecord {
            meta: d.meta.clone(),
            speakers: d.speakers.clone(),
            passages: d.passages.len() as u32,
            serial,
            glosses: crate::corpus::glosses::glosses(d),
        }
    }
}

/// The `CURRENT` pointer file: the index directory in service and the corpus it was built from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Current {
    pub dir: String,
    pub fingerprint: String,
}

/// An opened index, ready for searching.
pub struct OpenIndex {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    pub catalog: Catalog,
    pub dir: PathBuf,
    /// Name of the index directory (`index-…`).
    pub name: String,
    /// Fingerprint of the corpus it was built from.
    pub fingerprint: String,
    /// What the deleted passages of an incrementally updated index contributed to its
    /// statistics (empty for an index built whole).
    pub deleted: stats::Deleted,
    /// The catalog place of each document serial (`None`: serials are places).
    places: Option<Vec<u32>>,
}

impl OpenIndex {
    /// BM25 statistics of the live passages of `searcher` (a searcher of this index).
    pub fn stats<'a>(&'a self, searcher: &'a tantivy::Searcher) -> stats::Stats<'a> {
        stats::Stats {
            searcher,
            deleted: &self.deleted,
            text: self.fields.text,
        }
    }

    /// The catalog place of the document whose passages carry `serial` (the `doc_ord` fast
    /// field).
    pub fn place_of(&self, serial: u64) -> Option<usize> {
        match &self.places {
            None => Some(serial as usize),
            Some(p) => p
                .get(serial as usize)
                .filter(|&&i| i != u32::MAX)
                .map(|&i| i as usize),
        }
    }
}

/// What a build did, for `archivist index`.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub documents: usize,
    pub passages: usize,
    pub speakers: usize,
    pub warnings: Vec<String>,
    pub seconds: f64,
    pub bytes: u64,
    /// For an incremental update: what changed (`None`: a full build).
    pub changes: Option<update::Changes>,
}

/// One corpus file as an index saw it: its name within the corpus, size and modification time.
/// An index keeps the stamps of the files it was made from (`files.json`), so that an update
/// re-reads only the files whose stamp changed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileStamp {
    pub name: String,
    pub size: u64,
    pub mtime_ns: u64,
}

/// The stamps of the corpus files of `corpus_dir` (those [`corpus_files`] lists), in its order.
pub fn scan(corpus_dir: &Path) -> Result<Vec<FileStamp>> {
    let files = crate::corpus::corpus_files_stated(corpus_dir)
        .with_context(|| format!("cannot read the corpus directory {}", corpus_dir.display()))?;
    // A file removed since the directory was listed is simply not there.
    let stamps = files.into_iter().filter_map(|f| {
        let md = f.metadata?;
        let mtime_ns = md
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Some(FileStamp {
            name: f.name,
            size: md.len(),
            mtime_ns,
        })
    });
    Ok(stamps.collect())
}

/// The fingerprint of a scan of the corpus ([`scan`]) and of everything else an index depends
/// on.
pub fn fingerprint_of(files: &[FileStamp], canonical_base: &str) -> String {
    // FNV-1a: stable across runs and platforms, unlike std's hasher.
    let mut h: u64 = 0xcbf29ce484222325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x100000001b3);
        }
    };
    eat(&SCHEMA_VERSION.to_le_bytes());
    eat(canonical_base.as_bytes());
    for f in files {
        eat(f.name.as_bytes());
        eat(&f.size.to_le_bytes());
        eat(&f.mtime_ns.to_le_bytes());
    }
    format!("{h:016x}-{}", files.len())
}

pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn now_nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// Opens the index in service when it is up to date with the corpus as `files` (a [`scan`] the
/// caller has just taken) found it; otherwise brings it up to date: incrementally when it can
/// ([`update`]), else by a full build (the corpus is scanned again only when another process
/// held the build lock meanwhile). `progress` is told about builds (for a progress bar).
pub fn open_or_build_scanned(
    corpus_dir: &Path,
    data_dir: &Path,
    canonical_base: &str,
    mut files: Vec<FileStamp>,
    progress: &dyn Fn(BuildEvent),
) -> Result<(OpenIndex, Option<BuildReport>)> {
    let mut fp = fingerprint_of(&files, canonical_base);
    if let Some(ix) = open_current(data_dir, &fp) {
        return Ok((ix, None));
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    let (lock, waited) = BuildLock::acquire_noting_wait(data_dir)?;
    // Another process may have built it meanwhile (from a corpus that changed again, if it held
    // the lock while this one waited); the pointer is read again either way.
    if waited {
        files = scan(corpus_dir)?;
        fp = fingerprint_of(&files, canonical_base);
    }
    if let Some(ix) = open_current(data_dir, &fp) {
        return Ok((ix, None));
    }
    let job = Job {
        corpus_dir,
        data_dir,
        canonical_base,
        files,
        fingerprint: fp,
    };
    if let Some(previous) = open_current_any(data_dir) {
        match update::update_locked(&job, &previous, progress, &lock) {
            Ok(Some(done)) => return Ok((done.0, Some(done.1))),
            Ok(None) => {}
            Err(e) => tracing::warn!("incremental update failed, building the index whole: {e:#}"),
        }
    }
    let (ix, report) = build_locked(&job, progress, &lock)?;
    Ok((ix, Some(report)))
}

/// What a build or an update works from: the corpus, the data directory, the link base and the
/// scan of the corpus taken under the build lock.
pub(crate) struct Job<'a> {
    pub corpus_dir: &'a Path,
    pub data_dir: &'a Path,
    pub canonical_base: &'a str,
    pub files: Vec<FileStamp>,
    pub fingerprint: String,
}

/// The index in service whatever corpus it was built from, if it opens (a damaged one is moved
/// aside, as [`open_current`] does). Whether it is current is the caller's to check: its
/// `fingerprint` against [`fingerprint_of`] a scan.
pub fn open_current_any(data_dir: &Path) -> Option<OpenIndex> {
    let cur = current(data_dir)?;
    open_current(data_dir, &cur.fingerprint)
}

/// The index in service, if it matches `fp` and opens. A damaged pointer or index is moved
/// aside (never deleted) with a warning, so it is rebuilt.
fn open_current(data_dir: &Path, fp: &str) -> Option<OpenIndex> {
    let ptr = data_dir.join("CURRENT");
    let text = std::fs::read_to_string(&ptr).ok()?;
    let Ok(cur) = serde_json::from_str::<Current>(&text) else {
        move_aside(&ptr, "the index pointer CURRENT is damaged or not ours");
        return None;
    };
    if cur.fingerprint != fp {
        return None;
    }
    match open_dir(&data_dir.join(&cur.dir), &cur) {
        Ok(ix) => Some(ix),
        Err(e) => {
            move_aside(
                &data_dir.join(&cur.dir),
                &format!("the index cannot be opened ({e:#})"),
            );
            None
        }
    }
}

/// Renames a damaged file or directory to `<name>.broken-<time>` and says so.
fn move_aside(path: &Path, why: &str) {
    if !path.exists() {
        return;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let to = path.with_file_name(format!("{name}.broken-{}", now_secs()));
    match std::fs::rename(path, &to) {
        Ok(()) => tracing::warn!(
            "{why}: moved {} aside to {}; rebuilding",
            path.display(),
            to.display()
        ),
        Err(e) => tracing::warn!(
            "{why}; could not move {} aside ({e}); rebuilding",
            path.display()
        ),
    }
}

/// The `CURRENT` pointer of a data directory, if it has a readable one.
pub fn current(data_dir: &Path) -> Option<Current> {
    let text = std::fs::read_to_string(data_dir.join("CURRENT")).ok()?;
    serde_json::from_str(&text).ok()
}

/// An exclusive lock on `data/build.lock`: one build at a time per data directory, across
/// processes. Readers never take it. Released when dropped (or when the process dies).
pub struct BuildLock(#[allow(dead_code)] std::fs::File);

impl BuildLock {
    pub fn acquire(data_dir: &Path) -> Result<BuildLock> {
        Ok(Self::acquire_noting_wait(data_dir)?.0)
    }

    /// The lock, and whether another process held it first (and may have changed the index).
    pub fn acquire_noting_wait(data_dir: &Path) -> Result<(BuildLock, bool)> {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(data_dir.join("build.lock"))
            .with_context(|| format!("cannot create the build lock in {}", data_dir.display()))?;
        let waited = match f.try_lock() {
            Ok(()) => false,
            Err(std::fs::TryLockError::WouldBlock) => {
                f.lock()
                    .context("cannot lock the data directory for a build")?;
                true
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).context("cannot lock the data directory for a build")
            }
        };
        Ok((BuildLock(f), waited))
    }
}

/// Progress of a build.
#[derive(Debug, Clone, Copy)]
pub enum BuildEvent {
    /// Parsing done: this many passages are to be indexed.
    Start {
        passages: usize,
    },
    /// This many passages indexed so far.
    Indexed {
        passages: usize,
    },
    Done,
}

/// Parses the corpus and builds a fresh index beside the old one, then swaps it in; returns it
/// opened.
pub fn build(
    corpus_dir: &Path,
    data_dir: &Path,
    canonical_base: &str,
    progress: &dyn Fn(BuildEvent),
) -> Result<(OpenIndex, BuildReport)> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    let lock = BuildLock::acquire(data_dir)?;
    let files = scan(corpus_dir)?;
    let job = Job {
        corpus_dir,
        data_dir,
        canonical_base,
        fingerprint: fingerprint_of(&files, canonical_base),
        files,
    };
    build_locked(&job, progress, &lock)
}

fn build_locked(
    job: &Job,
    progress: &dyn Fn(BuildEvent),
    lock: &BuildLock,
) -> Result<(OpenIndex, BuildReport)> {
    // A build reads each file twice (see `build_from`). A file removed or given another id in
    // between is seen again by a build from a new scan.
    let mut rescanned: Option<Job> = None;
    for attempt in 1.. {
        let job = rescanned.as_ref().unwrap_or(job);
        match build_from(job, progress, lock) {
            Err(e) if attempt < MAX_BUILD_ATTEMPTS && e.is::<corpus::ChangedMeanwhile>() => {
                tracing::warn!("{e:#}; reading the corpus again");
                let files = scan(job.corpus_dir)?;
                rescanned = Some(Job {
                    fingerprint: fingerprint_of(&files, job.canonical_base),
                    files,
                    ..*job
                });
            }
            done => return done,
        }
    }
    unreachable!("the attempts end in a return")
}

/// What a build keeps of each document it indexes: its catalog record (as `catalog.bin` stores
/// it) and its `names.bin` entry.
type Made = (Vec<u8>, names::StoredDoc);

/// Writes a build's `catalog.bin` (its `head`, and the `records` as stored) and `names.bin`
/// (the `stored` entries, same order, and the name index), each on a thread of its own.
fn write_catalog_and_names(
    dir: &Path,
    head: &Catalog,
    records: &[Vec<u8>],
    stored: &[names::StoredDoc],
    name_index: &corpus::names::NameIndex,
) -> Result<()> {
    std::thread::scope(|s| {
        let names = s.spawn(|| names::write(dir, stored, None, name_index));
        let entries = records.iter().zip(stored);
        let catalog_written = head.write_records(
            dir,
            entries.map(|(r, d)| (d.serial, d.id.as_str(), Cow::Borrowed(r.as_slice()))),
        );
        let names_written = names
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        catalog_written.and(names_written)
    })
}

/// Builds tried before a corpus that keeps changing under the build is an error.
const MAX_BUILD_ATTEMPTS: usize = 3;

/// Builds the index of the corpus files of `job` in bounded memory: a survey reads every file
/// for its names and lets it go ([`corpus::Survey`]); then each share of the corpus reads its
/// files again, one at a time, and indexes each document as soon as its speakers are resolved.
/// What is held is the corpus's names and the segment writers, not its text.
fn build_from(
    job: &Job,
    progress: &dyn Fn(BuildEvent),
    _lock: &BuildLock,
) -> Result<(OpenIndex, BuildReport)> {
    let Job {
        corpus_dir,
        data_dir,
        canonical_base,
        ..
    } = *job;
    let started = std::time::Instant::now();
    let paths: Vec<PathBuf> = job.files.iter().map(|f| corpus_dir.join(&f.name)).collect();
    let mut survey = Survey::of(corpus_dir, &paths, canonical_base);
    let surveyed = started.elapsed();
    for w in &survey.warnings {
        tracing::warn!("{w}");
    }
    let previous = current(data_dir).map(|c| c.dir);
    let name = new_index_name();
    let dir = data_dir.join(&name);
    let tmp = data_dir.join(format!(".{name}.building"));
    std::fs::create_dir_all(&tmp)?;
    let passages = survey.docs.iter().map(|d| d.passages).sum();
    let bytes = survey.docs.iter().map(|d| d.text_bytes).sum();
    // Each document's body counts go to its entry in `names.bin`.
    let items: Vec<(usize, Vec<u8>)> = survey.take_bodies().into_iter().enumerate().collect();
    let made: Vec<Made> = {
        let survey = &survey;
        let make = |place: usize, (i, body): (usize, Vec<u8>)| {
            let (doc, keys) = survey.document(i, canonical_base)?;
            let record = serde_json::to_vec(&DocRecord::of(&doc, place as u64))?;
            let stored = names::StoredDoc::of_packed(place as u64, doc.parts(), keys, body);
            Ok((doc, (record, stored)))
        };
        let weight = |(i, _): &(usize, Vec<u8>)| survey.docs[*i].text_bytes;
        write_index(items, weight, &make, passages, &tmp, progress, 0)?
    };
    let (records, stored): (Vec<Vec<u8>>, Vec<names::StoredDoc>) = made.into_iter().unzip();
    let head = Catalog {
        passages,
        ..Catalog::of(Vec::new(), survey.warnings)
    };
    write_catalog_and_names(&tmp, &head, &records, &stored, &survey.name_index)?;
    let speakers = names::distinct_speakers(&stored);
    drop((records, stored, survey.name_index));
    update::write_manifest(&tmp, job)?;
    let indexed = started.elapsed();
    let cur = publish(
        data_dir,
        &tmp,
        &name,
        job.fingerprint.clone(),
        previous.as_deref(),
    )?;
    // The catalog is mapped from the file just written, as any process opening the index would.
    let ix = open_with_catalog(&dir, &cur, Catalog::open(&dir)?)?;
    let mut report = BuildReport {
        documents: ix.catalog.documents.len(),
        passages: ix.catalog.passages,
        speakers,
        warnings: ix.catalog.warnings.clone(),
        seconds: 0.0,
        bytes,
        changes: None,
    };
    progress(BuildEvent::Done);
    report.seconds = started.elapsed().as_secs_f64();
    tracing::debug!(
        "build: corpus surveyed in {:.3} s, indexed in {:.3} s, swapped and opened in {:.3} s",
        surveyed.as_secs_f64(),
        (indexed - surveyed).as_secs_f64(),
        report.seconds - indexed.as_secs_f64()
    );
    Ok((ix, report))
}

/// Moves a finished index directory `tmp` into place as `name` and swaps it into service:
/// the new pointer is written beside the old one, then renamed over it (atomic on POSIX).
/// Then removes what is no longer needed (keeping `previous`, which other processes may still
/// be serving from).
pub(crate) fn publish(
    data_dir: &Path,
    tmp: &Path,
    name: &str,
    fingerprint: String,
    previous: Option<&str>,
) -> Result<Current> {
    std::fs::rename(tmp, data_dir.join(name))?;
    let cur = Current {
        dir: name.to_string(),
        fingerprint,
    };
    let ptr_tmp = data_dir.join(format!(".CURRENT.{}", std::process::id()));
    std::fs::write(&ptr_tmp, serde_json::to_vec(&cur)?)?;
    std::fs::rename(&ptr_tmp, data_dir.join("CURRENT"))?;
    remove_old(data_dir, name, previous);
    Ok(cur)
}

/// A fresh name for an index directory.
pub(crate) fn new_index_name() -> String {
    format!("index-{}-{}", now_nanos(), std::process::id())
}

/// Removes index directories no longer in service and half builds a killed process left, keeping
/// the new one and the one it replaced (processes still serving from it switch at their next
/// refresh). Called with the build lock held, so no other build is in progress.
fn remove_old(data_dir: &Path, keep: &str, previous: Option<&str>) {
    let Ok(entries) = std::fs::read_dir(data_dir) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let ours = (n.starts_with("index-") && !n.contains(".broken-"))
            || (n.starts_with(".index-") && n.ends_with(".building"));
        if ours && n != keep && Some(n.as_str()) != previous && e.path().is_dir() {
            // A reader elsewhere that still has it open keeps its mapped files until it closes.
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// A corpus document as an indexing thread makes it from one item and its place (the number its
/// passages carry), with what the caller wants kept of it once it is indexed.
type Make<'a, T, K> = dyn Fn(usize, T) -> Result<(Document, K)> + Sync + 'a;

/// Writes the tantivy index of the documents `make` gives for `items` (in corpus order: a
/// document's number is its place) into `dir`; returns what `make` kept of each, in order. `passages`: how many all the documents have, for progress.
///
/// The items are cut into contiguous shares balanced by `weight` (their bytes of text; at most
/// one share per core, each of at least `MIN_SHARE_BYTES`), and each share makes and indexes its
/// documents one at a time on its own thread, into segments of its own (tantivy's
/// `SegmentWriter`, no `IndexWriter`). `meta.json` then lists the segments in corpus order, so
/// the index is the same whatever the threads' timing: the same passages in the same order as
/// one thread would give, and equal scores always break the same way.
fn write_index<T: Send, K: Send>(
    items: Vec<T>,
    weight: impl Fn(&T) -> u64,
    make: &Make<T, K>,
    passages: usize,
    dir: &Path,
    progress: &dyn Fn(BuildEvent),
    // How many shares; 0: one per core, each of at least `MIN_SHARE_BYTES`.
    share_count: usize,
) -> Result<Vec<K>> {
    let bytes: u64 = items.iter().map(&weight).sum();
    let cores = crate::par::threads();
    let share_count = match share_count {
        0 => cores.min(bytes.div_ceil(MIN_SHARE_BYTES) as usize),
        n => n,
    };
    // Cores no share runs on help the shares: they make the documents and compress the stored
    // passages (with a share on every core, that would only add hand-overs).
    let helped = share_count < cores;
    let (schema, f) = schema::build_schema();
    let settings = tantivy::IndexSettings {
        // Small doc store blocks: a question loads ~60 candidate passages from all over the
        // index, and each load decompresses a whole block (16 KB by default).
        docstore_blocksize: DOCSTORE_BLOCKSIZE,
        docstore_compress_dedicated_thread: helped,
        ..Default::default()
    };
    let index = Index::builder()
        .schema(schema)
        .settings(settings)
        .create_in_dir(dir)?;
    schema::register_analyzers(&index);
    progress(BuildEvent::Start { passages });
    let shares = shares(items, share_count, weight);
    let indexed = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Result<Indexed<K>>> = std::thread::scope(|s| {
        // Each share holds a sender until it ends (returning or unwinding): when all are
        // dropped, the shares are done.
        let (running, done) = std::sync::mpsc::channel::<()>();
        let handles: Vec<_> = shares
            .into_iter()
            .map(|share| {
                let (index, indexed, running) = (&index, &indexed, running.clone());
                s.spawn(move || {
                    let _running = running;
                    let job = ShareJob {
                        index,
                        f: &f,
                        indexed,
                        helped,
                        share_count,
                    };
                    index_share(&job, share, make)
                })
            })
            .collect();
        drop(running);
        // This thread reports progress while the shares are indexed.
        let mut told = 0;
        let tick = std::time::Duration::from_millis(50);
        while done.recv_timeout(tick) != Err(std::sync::mpsc::RecvTimeoutError::Disconnected) {
            let now = indexed.load(std::sync::atomic::Ordering::Relaxed);
            if now != told {
                told = now;
                progress(BuildEvent::Indexed { passages: now });
            }
        }
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut segments = Vec::new();
    let mut made = Vec::new();
    for r in results {
        let (metas, kept) = r?;
        segments.extend(metas);
        made.extend(kept);
    }
    progress(BuildEvent::Indexed { passages });
    write_meta(&index, segments, passages as u64)?;
    Ok(made)
}

/// Writes tantivy's list of segments (`meta.json`), in the order given: the order of the
/// passages in the index.
pub(crate) fn write_meta(
    index: &Index,
    segments: Vec<tantivy::index::SegmentMeta>,
    opstamp: u64,
) -> Result<()> {
    let meta = tantivy::IndexMeta {
        index_settings: index.settings().clone(),
        persisted_custom_extensions: Vec::new(),
        opstamp,
        segments,
        schema: index.schema(),
        payload: None,
    };
    let mut json = serde_json::to_vec_pretty(&meta)?;
    json.push(b'\n');
    index.directory().sync_directory()?;
    index
        .directory()
        .atomic_write(Path::new(META_FILE), &json)?;
    Ok(())
}

/// tantivy's list of segments, which [`write_index`] writes itself.
const META_FILE: &str = "meta.json";

/// Least text worth a share (and so a segment) of its own. A question costs a little more on an
/// index of several segments (each is searched in turn: at 100,000 passages, `ask` p50 0.32 ms
/// with two against 0.26 ms with one), so a small corpus (this is some 2,000 documents) stays
/// one segment, and a bigger one is built on all cores (100,000 passages: 1.1 s against 1.65 s).
const MIN_SHARE_BYTES: u64 = 16 << 20;

/// Memory all segment writers of a build may hold before they write their segments, split
/// among the shares (`index.writer_memory_mb`; a smaller budget makes more, smaller segments).
static WRITER_BUDGET: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(DEFAULT_WRITER_BUDGET);
/// 40 MB per share on a 2-core machine (the `index.writer_memory_mb` default).
const DEFAULT_WRITER_BUDGET: usize = 80 << 20;
/// Least memory a segment writer gets.
const MIN_WRITER_MEMORY: usize = 16_000_000;

/// Sets the memory budget of the segment writers of every later build (bytes, all shares
/// together); from the `index.writer_memory_mb` setting.
pub fn set_writer_budget(bytes: usize) {
    WRITER_BUDGET.store(bytes, std::sync::atomic::Ordering::Relaxed);
}

/// Memory of one of `shares` segment writers before it writes a segment.
fn writer_memory(shares: usize) -> usize {
    (WRITER_BUDGET.load(std::sync::atomic::Ordering::Relaxed) / shares.max(1))
        .max(MIN_WRITER_MEMORY)
}

/// `documents` (numbered by their place in the catalog) cut into at most `n` contiguous shares
/// of about equal `weight`, in order.
fn shares<T>(items: Vec<T>, n: usize, weight: impl Fn(&T) -> u64) -> Vec<Vec<(usize, T)>> {
    let total: u64 = items.iter().map(&weight).sum();
    let per = total.div_ceil(n.max(1) as u64).max(1);
    let mut out: Vec<Vec<(usize, T)>> = vec![Vec::new()];
    let mut filled = 0u64;
    for (i, item) in items.into_iter().enumerate() {
        let w = weight(&item);
        if filled >= per && out.len() < n {
            out.push(Vec::new());
            filled = 0;
        }
        filled += w;
        out.last_mut().expect("one share at least").push((i, item));
    }
    out.retain(|s| !s.is_empty());
    out
}

/// What every share of a build indexes with.
struct ShareJob<'a> {
    index: &'a Index,
    f: &'a Fields,
    /// Passages done, for the progress bar.
    indexed: &'a std::sync::atomic::AtomicUsize,
    /// A thread of its own makes the documents, a corpus document ahead.
    helped: bool,
    share_count: usize,
}

/// A share's segments, and what `make` kept of each of its documents.
type Indexed<K> = (Vec<tantivy::index::SegmentMeta>, Vec<K>);

/// Makes and indexes one share (its items with their places) into segments, in order.
fn index_share<T: Send, K: Send>(
    job: &ShareJob,
    share: Vec<(usize, T)>,
    make: &Make<T, K>,
) -> Result<Indexed<K>> {
    let ShareJob {
        index,
        f,
        indexed,
        helped,
        share_count,
    } = *job;
    let mut kept = Vec::with_capacity(share.len());
    if !helped {
        let mut failed = None;
        let docs = made_docs(share, make, f, &mut kept, &mut failed);
        let metas = index_docs(index, docs, indexed, share_count)?;
        return match failed {
            Some(e) => Err(e),
            None => Ok((metas, kept)),
        };
    }
    std::thread::scope(|s| {
        // A few corpus documents ahead at most: the queue holds little of the corpus.
        let (tx, rx) = std::sync::mpsc::sync_channel(16);
        let maker = s.spawn(move || {
            let mut failed = None;
            for docs in made_docs(share, make, f, &mut kept, &mut failed) {
                if tx.send(docs).is_err() {
                    break; // the indexing stopped on an error
                }
            }
            (kept, failed)
        });
        let metas = index_docs(index, rx.into_iter(), indexed, share_count);
        let (kept, failed) = maker
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        match failed {
            Some(e) => Err(e),
            None => Ok((metas?, kept)),
        }
    })
}

/// The tantivy documents of each item of `share`, made in turn; what `make` kept of each goes
/// into `kept`. Stops at the first item `make` fails on, with the error
/// in `failed`.
fn made_docs<'a, T, K>(
    share: Vec<(usize, T)>,
    make: &'a Make<T, K>,
    f: &'a Fields,
    kept: &'a mut Vec<K>,
    failed: &'a mut Option<anyhow::Error>,
) -> impl Iterator<Item = Vec<TantivyDocument>> + 'a
where
    T: 'a,
{
    share
        .into_iter()
        .map_while(move |(ord, item)| match make(ord, item) {
            Ok((doc, k)) => {
                kept.push(k);
                Some(tantivy_docs(ord as u64, doc, f))
            }
            Err(e) => {
                *failed = Some(e);
                None
            }
        })
}

/// Indexes the documents `made` (each corpus document's, in order) into segments of `index`.
pub(crate) fn index_docs(
    index: &Index,
    made: impl Iterator<Item = Vec<TantivyDocument>>,
    indexed: &std::sync::atomic::AtomicUsize,
    shares: usize,
) -> Result<Vec<tantivy::index::SegmentMeta>> {
    let memory = writer_memory(shares);
    use tantivy::indexer::{AddOperation, SegmentWriter};
    let mut metas = Vec::new();
    let mut current: Option<(tantivy::index::Segment, SegmentWriter)> = None;
    let mut opstamp = 0u64;
    for docs in made {
        let (_, writer) = match &mut current {
            Some(c) => c,
            None => {
                let segment = index.new_segment();
                let writer = SegmentWriter::for_segment(memory, segment.clone())?;
                current.insert((segment, writer))
            }
        };
        let n = docs.len();
        for document in docs {
            writer.add_document(AddOperation { opstamp, document })?;
            opstamp += 1;
        }
        indexed.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        if writer.mem_usage() >= memory {
            if let Some(c) = current.take() {
                metas.extend(finish_segment(c)?);
            }
        }
    }
    if let Some(c) = current.take() {
        metas.extend(finish_segment(c)?);
    }
    Ok(metas)
}

/// Writes a segment's files; its meta, unless it holds no passage.
fn finish_segment(
    (segment, writer): (tantivy::index::Segment, tantivy::indexer::SegmentWriter),
) -> Result<Option<tantivy::index::SegmentMeta>> {
    let max_doc = writer.max_doc();
    writer.finalize()?;
    if max_doc == 0 {
        return Ok(None);
    }
    let meta = segment.with_max_doc(max_doc).meta().clone();
    meta.untrack_temp_docstore();
    Ok(Some(meta))
}

/// The tantivy documents of one corpus document (`serial`: the number its passages carry, see
/// [`DocRecord::serial`]): one per passage. The document is dropped here, so the corpus is freed
/// as it is indexed.
pub(crate) fn tantivy_docs(serial: u64, d: Document, f: &Fields) -> Vec<TantivyDocument> {
    let keys: Vec<Vec<String>> = d
        .speakers
        .iter()
        .map(|s| schema::speaker_keys(&s.name, &s.labels))
        .collect();
    d.passages
        .into_iter()
        .map(|p| {
            let mut td = doc!(
                f.doc_id => d.meta.id.as_str(),
                f.passage => u64::from(p.n),
                f.doc_ord => serial,
                f.kind => p.kind.as_str(),
                f.text => p.text.as_str(),
            );
            if let Some(i) = p.speaker {
                let s = &d.speakers[i];
                td.add_text(f.speaker, &s.name);
                td.add_text(f.label, &s.label);
                for k in &keys[i] {
                    td.add_text(f.speaker_key, k);
                }
            }
            td
        })
        .collect()
}

/// Opens an index directory written by [`build`] (`cur` is the pointer that named it).
pub fn open_dir(dir: &Path, cur: &Current) -> Result<OpenIndex> {
    open_with_catalog(dir, cur, Catalog::open(dir)?)
}

/// Opens an index directory whose catalog is already read.
pub(crate) fn open_with_catalog(dir: &Path, cur: &Current, catalog: Catalog) -> Result<OpenIndex> {
    let index = Index::open_in_dir(dir)
        .with_context(|| format!("cannot open the index in {}", dir.display()))?;
    schema::register_analyzers(&index);
    let fields = Fields::from_schema(&index.schema())?;
    let reader: IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let deleted = stats::Deleted::of(&reader.searcher(), fields.text)?;
    let places = catalog.places_by_serial();
    Ok(OpenIndex {
        index,
        reader,
        fields,
        catalog,
        dir: dir.to_path_buf(),
        name: cur.dir.clone(),
        fingerprint: cur.fingerprint.clone(),
        deleted,
        places,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Passage, PassageKind};
    use tantivy::collector::TopDocs;
    use tantivy::query::QueryParser;
    use tantivy::schema::Value;

    /// Documents of made-up passages over a small vocabulary, so that many passages tie on score.
    fn documents() -> Vec<Document> {
        const WORDS: &[&str] = &[
            "border",
            "grain",
            "trains",
            "snow",
            "river",
            "people",
            "crossed",
            "returned",
            "talks",
            "consulate",
            "the",
            "of",
            "and",
            "late",
        ];
        let mut seed = 7u64;
        let mut next = move |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        (0..60)
            .map(|d| {
                let passages = (0..1 + next(25))
                    .map(|n| Passage {
                        n: n as u32,
                        kind: PassageKind::Paragraph,
                        speaker: None,
                        text: (0..3 + next(12))
                            .map(|_| WORDS[next(WORDS.len())])
                            .collect::<Vec<_>>()
                            .join(" "),
                        line: n + 1,
                    })
                    .collect();
                Document {
                    meta: DocMeta {
                        id: format!("doc-{d}"),
                        ..Default::default()
                    },
                    speakers: Vec::new(),
                    passages,
                }
            })
            .collect()
    }

    /// (document id, passage) of every passage in index order, segment by segment; the number of
    /// segments; and the top 40 of a question as (score, document id, passage).
    type Layout = (Vec<(String, u64)>, usize, Vec<(f32, String, u64)>);

    fn build_with(shares: usize, dir: &Path) -> Layout {
        let docs = documents();
        let passages = docs.iter().map(|d| d.passages.len()).sum();
        let weight = |d: &Document| d.passages.iter().map(|p| p.text.len() as u64).sum();
        let make = |_, d: Document| Ok((d, ()));
        write_index(docs, weight, &make, passages, dir, &|_| {}, shares).unwrap();
        let index = Index::open_in_dir(dir).unwrap();
        schema::register_analyzers(&index);
        let f = Fields::from_schema(&index.schema()).unwrap();
        let searcher = index.reader().unwrap().searcher();
        let stored = |doc: TantivyDocument| {
            let id = doc
                .get_first(f.doc_id)
                .and_then(|v| v.as_str())
                .unwrap()
                .to_string();
            let n = doc.get_first(f.passage).and_then(|v| v.as_u64()).unwrap();
            (id, n)
        };
        let mut order = Vec::new();
        for (ord, seg) in searcher.segment_readers().iter().enumerate() {
            for doc in 0..seg.max_doc() {
                order.push(stored(
                    searcher
                        .doc(tantivy::DocAddress::new(ord as u32, doc))
                        .unwrap(),
                ));
            }
        }
        let q = QueryParser::for_index(&index, vec![f.text])
            .parse_query("border grain snow")
            .unwrap();
        let top = searcher
            .search(&q, &TopDocs::with_limit(40).order_by_score())
            .unwrap()
            .into_iter()
            .map(|(score, at)| {
                let (id, n) = stored(searcher.doc(at).unwrap());
                (score, id, n)
            })
            .collect();
        (order, searcher.segment_readers().len(), top)
    }

    #[test]
    fn shares_give_the_index_one_thread_gives() {
        let one = tempfile::tempdir().unwrap();
        let three = tempfile::tempdir().unwrap();
        let (order1, segments1, top1) = build_with(1, one.path());
        let (order3, segments3, top3) = build_with(3, three.path());
        assert_eq!((segments1, segments3), (1, 3));
        // Passages in corpus order, whatever the threads' timing.
        let expected: Vec<(String, u64)> = documents()
            .iter()
            .flat_map(|d| {
                d.passages
                    .iter()
                    .map(|p| (d.meta.id.clone(), u64::from(p.n)))
            })
            .collect();
        assert_eq!(order1, expected);
        assert_eq!(order3, expected);
        // The same scores, and ties broken the same way.
        assert!(
            top1.windows(2).any(|w| w[0].0 == w[1].0),
            "the test wants ties"
        );
        assert_eq!(top1, top3);
    }

    #[test]
    fn shares_are_contiguous_and_balanced() {
        let items: Vec<u64> = vec![5, 1, 1, 1, 1, 1, 5, 5];
        let cut = shares(items, 3, |w| *w);
        let places: Vec<Vec<usize>> = cut
            .iter()
            .map(|s| s.iter().map(|(i, _)| *i).collect())
            .collect();
        // 20 in all: shares of about 7, each closed once it holds 7.
        assert_eq!(places, vec![vec![0, 1, 2], vec![3, 4, 5, 6], vec![7]]);
        assert_eq!(shares(vec![1u64; 2], 5, |w| *w).len(), 2);
        assert!(shares(Vec::<u64>::new(), 2, |w| *w).is_empty());
    }

    /// A corpus big enough to be stated on all cores gives the stamps one `stat` per file gives,
    /// in name order, subfolders included; other files and hidden ones are left out.
    #[test]
    fn a_big_scan_gives_every_stamp_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("guild-1");
        std::fs::create_dir(&sub).unwrap();
        let mut expected = Vec::new();
        for i in 0..2_500 {
            let (folder, prefix) = if i % 3 == 0 {
                (&sub, "guild-1/")
            } else {
                (&dir.path().to_path_buf(), "")
            };
            let name = format!("doc-{i:05}.txt");
            std::fs::write(folder.join(&name), "x".repeat(i % 17)).unwrap();
            let md = std::fs::metadata(folder.join(&name)).unwrap();
            let mtime_ns = md
                .modified()
                .unwrap()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            expected.push(FileStamp {
                name: format!("{prefix}{name}"),
                size: md.len(),
                mtime_ns: mtime_ns as u64,
            });
        }
        std::fs::write(dir.path().join(".hidden.txt"), "x").unwrap();
        std::fs::write(dir.path().join("notes.pdf"), "x").unwrap();
        expected.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(scan(dir.path()).unwrap(), expected);
    }
}
