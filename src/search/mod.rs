//! The engine: questions → [`Answer`]s, ids → [`DocCard`]s, and the lookups every front end needs
//! (passages, speakers, autocomplete, corpus stats). Renderers only ever see `crate::answer` types.
//!
//! The [`Engine`] holds the current [`Snapshot`] of the index and swaps in a new one when the
//! corpus changes ([`Engine::refresh`]): the new index is built beside the old one, and requests keep
//! answering from the old snapshot until the swap. Ranking lives in [`snapshot`] (phrases in
//! `phrased`), quotes in [`excerpt`], question reading in [`question`], the other lookups in
//! [`lookup`].

pub mod answer_type;
mod candidates;
pub mod derived;
pub mod excerpt;
pub mod lookup;
pub mod people;
mod phrased;
mod plan;
pub mod question;
mod rescore;
pub mod scope;
pub mod snapshot;
pub mod watch;
pub mod weights;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use anyhow::Result;

use crate::answer::{Answer, CorpusStats, DocBrief, DocCard, PassageView, SpeakerSummary};
use crate::index::{self, BuildEvent, BuildReport};
use crate::settings::Settings;
pub use snapshot::{Snapshot, MAX_LIMIT};

/// Where the engine finds its corpus and index, and its limits.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub corpus_dir: PathBuf,
    pub data_dir: PathBuf,
    pub canonical_base: String,
    pub max_question_chars: usize,
    pub quote_max_chars: usize,
    pub default_limit: usize,
    /// Whether question words also match their WordNet paraphrases (`search.paraphrases`).
    pub paraphrases: bool,
}

impl EngineOptions {
    pub fn from_settings(s: &Settings) -> EngineOptions {
        EngineOptions {
            corpus_dir: s.corpus.dir.clone(),
            data_dir: s.data.dir.clone(),
            canonical_base: s.corpus.canonical_url_base.clone(),
            max_question_chars: s.search.max_question_chars,
            quote_max_chars: s.search.quote_max_chars,
            default_limit: s.search.default_limit,
            paraphrases: s.search.paraphrases,
        }
    }
}

/// A question with its options (`/ask`, `/search`, `archivist ask`).
#[derive(Debug, Clone, Default)]
pub struct AskRequest {
    pub question: String,
    /// Restrict to this speaker (any name, surname or label).
    pub speaker: Option<String>,
    /// Restrict to this document id.
    pub doc: Option<String>,
    /// Only documents dated on or after / on or before these dates (`1962-06`, `June 1962`).
    pub from: Option<String>,
    pub to: Option<String>,
    /// Results wanted (0 = the default).
    pub limit: usize,
    /// Results to skip (paging).
    pub offset: usize,
    /// Say why the results ranked as they did (`Answer::explain`).
    pub explain: bool,
    /// Only these documents (a server's scope, [`scope::DocScope::doc_ids`]); `None`: all.
    pub within: Option<Arc<BTreeSet<String>>>,
}

/// A document id that is not in the corpus, with the closest ones.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("no document {what:?} in the corpus")]
pub struct NotFound {
    pub what: String,
    pub suggestions: Vec<DocBrief>,
}

/// The engine: one per process, shared by every request (`Arc<Engine>`).
pub struct Engine {
    opts: EngineOptions,
    current: RwLock<Arc<Snapshot>>,
    /// One refresh at a time in this process.
    refreshing: Mutex<()>,
    /// Resolved server scopes of the index in service.
    scopes: scope::ScopeCache,
}

/// The index in service, opened while the corpus was scanned, and what ran on it.
type Opened<T> = (Snapshot, T);

/// What [`Engine::refresh`] did.
#[derive(Debug)]
pub enum Refresh {
    /// The index in service is up to date.
    Unchanged,
    /// Another process had built a newer index; it is now in service here.
    Reopened,
    /// The documents that changed were re-indexed and the result swapped in
    /// (`BuildReport::changes` says what changed).
    Updated(BuildReport),
    /// The index was rebuilt from the corpus and swapped in.
    Rebuilt(BuildReport),
}

/// Tells the metrics which index is in service (from the catalog's head: no record is read).
fn in_service(s: &Snapshot) {
    let c = &s.ix.catalog;
    crate::metrics::index_in_service(
        s.index_name(),
        c.documents.len(),
        c.passages,
        s.segment_count(),
        c.built_at,
    );
}

impl Engine {
    /// Opens the index for `opts.corpus_dir`, building it first when missing or out of date.
    pub fn open(opts: EngineOptions) -> Result<Engine> {
        Self::open_with_progress(opts, &|_| {}).map(|(e, _)| e)
    }

    /// Like [`Engine::open`], reporting build progress; says whether (and what) it built.
    pub fn open_with_progress(
        opts: EngineOptions,
        progress: &dyn Fn(BuildEvent),
    ) -> Result<(Engine, Option<BuildReport>)> {
        Self::open_then(opts, progress, |_| ()).map(|(e, report, _)| (e, report))
    }

    /// [`Engine::open_with_progress`] for one question (`archivist ask`): the index in service
    /// answers it while the corpus is checked, and that answer stands when the index is current;
    /// otherwise the question is answered once the index is brought up to date.
    pub fn open_answering(
        opts: EngineOptions,
        req: &AskRequest,
        progress: &dyn Fn(BuildEvent),
    ) -> Result<(Engine, Answer, Option<BuildReport>)> {
        let (engine, report, early) = Self::open_then(opts, progress, |s| s.ask(req))?;
        let answer = early.unwrap_or_else(|| engine.ask(req));
        Ok((engine, answer, report))
    }

    /// Opens the engine; `first` runs on the index in service while the corpus is scanned, and
    /// its result is returned when that index is current.
    fn open_then<T>(
        opts: EngineOptions,
        progress: &dyn Fn(BuildEvent),
        first: impl FnOnce(&Snapshot) -> T,
    ) -> Result<(Engine, Option<BuildReport>, Option<T>)> {
        let (files, in_service) = Self::scan_while_opening(&opts, first)?;
        let fp = index::fingerprint_of(&files, &opts.canonical_base);
        if let Some((s, done)) = in_service.filter(|(s, _)| s.ix.fingerprint == fp) {
            return Ok((Self::with(s, opts), None, Some(done)));
        }
        let (ix, report) = index::open_or_build_scanned(
            &opts.corpus_dir,
            &opts.data_dir,
            &opts.canonical_base,
            files,
            progress,
        )?;
        Ok((
            Self::with(Snapshot::new(ix, opts.clone()), opts),
            report,
            None,
        ))
    }

    /// Scans the corpus and, meanwhile, opens the index in service, whatever corpus it was
    /// built from, and runs `first` on it. At scale the scan (tens of thousands of `stat`s) is
    /// most of a cold start, and opening (catalog, lexicon, segments) and a first question much
    /// of the rest; the index in service is nearly always the current one, and when it is not
    /// the caller drops it and updates.
    fn scan_while_opening<T>(
        opts: &EngineOptions,
        first: impl FnOnce(&Snapshot) -> T,
    ) -> Result<(Vec<index::FileStamp>, Option<Opened<T>>)> {
        std::thread::scope(|s| {
            let scan = std::thread::Builder::new()
                .name("scan".into())
                .spawn_scoped(s, || index::scan(&opts.corpus_dir))?;
            let in_service = index::open_current_any(&opts.data_dir).map(|ix| {
                let snap = Snapshot::new(ix, opts.clone());
                let done = first(&snap);
                (snap, done)
            });
            let files = scan
                .join()
                .map_err(|_| anyhow::anyhow!("the corpus scan failed"))??;
            Ok((files, in_service))
        })
    }

    /// Rebuilds the index from the corpus now, then opens it.
    pub fn rebuild(
        opts: EngineOptions,
        progress: &dyn Fn(BuildEvent),
    ) -> Result<(Engine, BuildReport)> {
        let (ix, report) = index::build(
            &opts.corpus_dir,
            &opts.data_dir,
            &opts.canonical_base,
            progress,
        )?;
        Ok((Self::with(Snapshot::new(ix, opts.clone()), opts), report))
    }

    fn with(s: Snapshot, opts: EngineOptions) -> Engine {
        in_service(&s);
        Engine {
            opts,
            current: RwLock::new(Arc::new(s)),
            refreshing: Mutex::new(()),
            scopes: Default::default(),
        }
    }

    pub fn options(&self) -> &EngineOptions {
        &self.opts
    }

    /// The snapshot in service now; it stays valid however long the caller keeps it.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn swap(&self, s: Snapshot) {
        in_service(&s);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(s);
    }

    /// Brings the engine up to date with the corpus: reopens an index another process swapped in,
    /// re-indexes the documents whose files were added, changed or removed (or rebuilds the
    /// index whole when it cannot be updated, and always with `force`). Queries keep answering
    /// from the old snapshot until the new one is swapped in; on failure the old one stays in
    /// service.
    pub fn refresh(&self, force: bool, progress: &dyn Fn(BuildEvent)) -> Result<Refresh> {
        let started = std::time::Instant::now();
        let r = self.refresh_now(force, progress)?;
        let kind = match &r {
            Refresh::Unchanged => None,
            Refresh::Reopened => Some("reopened"),
            Refresh::Updated(_) => Some("updated"),
            Refresh::Rebuilt(_) => Some("rebuilt"),
        };
        if let Some(k) = kind {
            crate::metrics::reload(k, started.elapsed());
        }
        Ok(r)
    }

    /// The snapshot of an index that follows the one in service: it takes the catalog records
    /// the two have in common, decoded already, instead of decoding them again (at a million
    /// passages that was half of what making the new snapshot took).
    fn successor(&self, ix: index::OpenIndex) -> Snapshot {
        let taken = ix
            .catalog
            .documents
            .adopt(&self.snapshot().ix.catalog.documents);
        tracing::debug!("snapshot: {taken} catalog records taken from the one before");
        Snapshot::new(ix, self.opts.clone())
    }

    fn refresh_now(&self, force: bool, progress: &dyn Fn(BuildEvent)) -> Result<Refresh> {
        let _one = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
        let o = &self.opts;
        if force {
            let (ix, report) =
                index::build(&o.corpus_dir, &o.data_dir, &o.canonical_base, progress)?;
            self.swap(self.successor(ix));
            return Ok(Refresh::Rebuilt(report));
        }
        // One scan of the corpus serves the check and the update.
        let files = index::scan(&o.corpus_dir)?;
        let fp = index::fingerprint_of(&files, &o.canonical_base);
        if let Some(cur) = index::current(&o.data_dir).filter(|c| c.fingerprint == fp) {
            if cur.dir == self.snapshot().index_name() {
                return Ok(Refresh::Unchanged);
            }
            if let Ok(ix) = index::open_dir(&o.data_dir.join(&cur.dir), &cur) {
                self.swap(self.successor(ix));
                return Ok(Refresh::Reopened);
            }
        }
        let (ix, report) = index::open_or_build_scanned(
            &o.corpus_dir,
            &o.data_dir,
            &o.canonical_base,
            files,
            progress,
        )?;
        self.swap(self.successor(ix));
        Ok(match report {
            None => Refresh::Reopened,
            Some(r) if r.changes.is_some() => Refresh::Updated(r),
            Some(r) => Refresh::Rebuilt(r),
        })
    }

    /// Switches to the index another process swapped in, when the pointer names another index
    /// than the one in service (reads the pointer only, not the corpus); whether it did.
    pub fn reopen_if_moved(&self) -> Result<bool> {
        let o = &self.opts;
        let Some(cur) = index::current(&o.data_dir) else {
            return Ok(false);
        };
        if cur.dir == self.snapshot().index_name() {
            return Ok(false);
        }
        let _one = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
        let ix = index::open_dir(&o.data_dir.join(&cur.dir), &cur)?;
        self.swap(Snapshot::new(ix, o.clone()));
        Ok(true)
    }

    /// "The corpus changed, update now": [`Engine::refresh`] (incremental), then the merges the
    /// merge policy asks for. For callers that just wrote a corpus file and want it searchable
    /// (e.g. a teacher adding a document); a server's watcher does the same on its own.
    pub fn update(&self) -> Result<Refresh> {
        let r = self.refresh(false, &|_| {})?;
        if let Err(e) = self.merge() {
            tracing::warn!("could not merge index segments: {e:#}");
        }
        Ok(r)
    }

    /// Merges index segments when the merge policy asks for it ([`index::merge`]) and swaps the
    /// result in; whether it did. Answers do not change. Runs in the background after updates.
    pub fn merge(&self) -> Result<bool> {
        let _one = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
        let started = std::time::Instant::now();
        match index::merge::merge_if_needed(&self.opts.data_dir)? {
            Some(ix) => {
                self.swap(Snapshot::new(ix, self.opts.clone()));
                crate::metrics::reload("merged", started.elapsed());
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Answers a question. Never fails: odd input gives an empty answer that says what was searched.
    pub fn ask(&self, req: &AskRequest) -> Answer {
        self.snapshot().ask(req)
    }

    /// A document's card, or the closest ids and titles.
    pub fn document(&self, id: &str) -> Result<DocCard, NotFound> {
        self.snapshot().document(id)
    }

    /// One passage in full.
    pub fn passage(&self, doc_id: &str, n: u32) -> Result<PassageView, NotFound> {
        self.snapshot().passage(doc_id, n)
    }

    /// All passages of a document in order.
    pub fn passages_of(&self, doc_id: &str) -> Result<Vec<PassageView>, NotFound> {
        self.snapshot().passages_of(doc_id)
    }

    /// Documents matching what a user typed (id, title words, date), best first.
    pub fn suggest_documents(&self, typed: &str, limit: usize) -> Vec<DocBrief> {
        self.snapshot().suggest_documents(typed, limit)
    }

    /// Speaker names matching what a user typed, most turns first.
    pub fn suggest_speakers(&self, typed: &str, limit: usize) -> Vec<String> {
        self.snapshot().suggest_speakers(typed, limit)
    }

    /// Speakers of one document, or of the whole corpus; most turns first.
    pub fn speakers(&self, doc: Option<&str>) -> Result<Vec<SpeakerSummary>, NotFound> {
        self.snapshot().speakers(doc)
    }

    /// What the corpus holds.
    pub fn stats(&self) -> CorpusStats {
        self.snapshot().stats()
    }

    /// The archive the documents' citations name most often.
    pub fn archive_name(&self) -> Option<String> {
        self.snapshot().archive_name()
    }

    /// The ids of every document, in corpus order.
    pub fn doc_ids(&self) -> Vec<String> {
        self.snapshot().doc_ids()
    }

    /// Passage `n` of a document with up to `k` passages either side, in order.
    pub fn passages_around(
        &self,
        doc_id: &str,
        n: u32,
        k: u32,
    ) -> Result<Vec<PassageView>, NotFound> {
        self.snapshot().passages_around(doc_id, n, k)
    }

    /// Questions that work on this corpus, for help texts.
    pub fn example_questions(&self, n: usize) -> Vec<String> {
        self.snapshot().example_questions(n)
    }
}
