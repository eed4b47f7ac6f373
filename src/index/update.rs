//! Incremental updates: a changed corpus re-indexes only the documents that changed.
//!
//! An index keeps the stamps (name, size, modification time) of the files it was made from in
//! `files.json`. An update compares them with the corpus now and re-reads the corpus (speaker
//! names are resolved across all documents, so one new file can rename a speaker elsewhere:
//! every document is resolved again, exactly as a full build does). A document keeps its
//! indexed passages when its file is unchanged and its record (metadata, speakers, passage
//! count) is the same as before; every other document's old passages are deleted and its new
//! ones indexed into a new segment. The result is one new index directory, made beside the old
//! one as a full build is: the unchanged segments are hard links to the old files, each segment
//! that lost passages gets a new deletion file, and `meta.json`, the catalog and the stamps are
//! written anew; then the pointer is swapped, so requests keep answering from the old index
//! until then, and other processes switch at their next check.
//!
//! Answers after an update are those of a full build of the same corpus: the catalog is the one
//! a full build makes (documents in corpus order, each with the serial number its passages
//! carry), and scoring leaves the deleted passages out of the statistics ([`super::stats`]).
//! Passages of re-indexed documents sit in the new segment at the end, so only passages with
//! exactly equal scores may be met in another order inside tantivy; the answers' own order
//! (score, then document id and passage) does not depend on it.
//!
//! A full build happens instead when there is no usable previous index or stamps (first build,
//! another schema version or link base, a damaged index), or when so much changed that an
//! update would cost about as much.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use tantivy::directory::TerminatingWrite;
use tantivy::fastfield::write_alive_bitset;
use tantivy::index::{SegmentComponent, SegmentMeta};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocId, DocSet, Index, SegmentReader, Term, TERMINATED};

use super::{
    index_docs, new_index_name, open_with_catalog, publish, schema, tantivy_docs, BuildEvent,
    BuildLock, BuildReport, Catalog, DocRecord, FileStamp, Job, OpenIndex, SCHEMA_VERSION,
};
use crate::corpus::Corpus;

/// Where an index keeps the stamps of its corpus files.
const MANIFEST_FILE: &str = "files.json";

/// Re-indexing more than this share of the passages costs about what a full build does: then
/// the index is built whole (which also leaves it without deleted passages).
const MAX_REINDEXED_SHARE: f64 = 0.5;
/// … unless they are this few (a small corpus is quick to update either way).
const MIN_FULL_BUILD: usize = 20_000;

/// What an incremental update changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    pub files_added: usize,
    pub files_changed: usize,
    pub files_removed: usize,
    /// Documents whose passages were indexed anew (new, changed, or renamed speakers).
    pub documents_indexed: usize,
    /// Documents whose old passages were deleted (changed or gone).
    pub documents_deleted: usize,
    /// Passages indexed anew.
    pub passages_indexed: usize,
}

/// `files.json`: what an index was made from.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    schema_version: u32,
    canonical_base: String,
    files: Vec<FileStamp>,
}

/// Writes the stamps of `job`'s corpus into the index directory `dir`.
pub(crate) fn write_manifest(dir: &Path, job: &Job) -> Result<()> {
    let m = Manifest {
        schema_version: SCHEMA_VERSION,
        canonical_base: job.canonical_base.to_string(),
        files: job.files.clone(),
    };
    std::fs::write(dir.join(MANIFEST_FILE), serde_json::to_vec(&m)?)
        .with_context(|| format!("cannot write {MANIFEST_FILE} in {}", dir.display()))
}

fn read_manifest(dir: &Path) -> Option<Manifest> {
    serde_json::from_slice(&std::fs::read(dir.join(MANIFEST_FILE)).ok()?).ok()
}

/// The corpus files added, changed and removed since the index in `previous_dir` was made, or
/// `None` when that index cannot be updated (no stamps, another schema or link base).
fn file_changes(previous_dir: &Path, job: &Job) -> Option<(HashSet<String>, Changes)> {
    let old = read_manifest(previous_dir)?;
    if old.schema_version != SCHEMA_VERSION || old.canonical_base != job.canonical_base {
        return None;
    }
    let before: HashMap<&str, &FileStamp> =
        old.files.iter().map(|f| (f.name.as_str(), f)).collect();
    let now: HashSet<&str> = job.files.iter().map(|f| f.name.as_str()).collect();
    let mut changes = Changes::default();
    let mut touched = HashSet::new();
    for f in &job.files {
        match before.get(f.name.as_str()) {
            Some(b) if *b == f => continue,
            Some(_) => changes.files_changed += 1,
            None => changes.files_added += 1,
        }
        touched.insert(f.name.clone());
    }
    changes.files_removed = old
        .files
        .iter()
        .filter(|f| !now.contains(f.name.as_str()))
        .count();
    Some((touched, changes))
}

/// Brings the index in service (`previous`) up to date with `job`'s corpus by re-indexing only
/// what changed, and swaps the result in. `None` when a full build should be made instead.
pub(crate) fn update_locked(
    job: &Job,
    previous: &OpenIndex,
    progress: &dyn Fn(BuildEvent),
    _lock: &BuildLock,
) -> Result<Option<(OpenIndex, BuildReport)>> {
    let started = std::time::Instant::now();
    let Some((touched, mut changes)) = file_changes(&previous.dir, job) else {
        return Ok(None);
    };
    let corpus = Corpus::load(job.corpus_dir, job.canonical_base)?;
    for w in &corpus.warnings {
        if !previous.catalog.warnings.contains(w) {
            tracing::warn!("{w}");
        }
    }
    let plan = plan(&previous.catalog, corpus, &touched);
    let reindexed: usize = plan.add.iter().map(|(_, d)| d.passages.len()).sum();
    let total = plan.catalog.passages.max(1);
    if reindexed > MIN_FULL_BUILD && reindexed as f64 > MAX_REINDEXED_SHARE * total as f64 {
        tracing::info!(
            passages = reindexed,
            "most of the corpus changed: building the index whole"
        );
        return Ok(None);
    }
    changes.documents_indexed = plan.add.len();
    changes.documents_deleted = plan.deleted_ids.len();
    changes.passages_indexed = reindexed;

    let name = new_index_name();
    let tmp = job.data_dir.join(format!(".{name}.building"));
    std::fs::create_dir_all(&tmp)?;
    let written = write_version(previous, &tmp, plan.add, &plan.deleted_ids, progress);
    let bytes = match written {
        Ok(b) => b,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    let catalog = plan.catalog;
    super::write_catalog(&tmp, &catalog)?;
    write_manifest(&tmp, job)?;
    let cur = publish(
        job.data_dir,
        &tmp,
        &name,
        job.fingerprint.clone(),
        Some(&previous.name),
    )?;
    let report = BuildReport {
        documents: catalog.documents.len(),
        passages: catalog.passages,
        speakers: super::speaker_count(&catalog),
        warnings: catalog.warnings.clone(),
        seconds: 0.0,
        bytes,
        changes: Some(changes),
    };
    let ix = open_with_catalog(&job.data_dir.join(&name), &cur, catalog)?;
    progress(BuildEvent::Done);
    let report = BuildReport {
        seconds: started.elapsed().as_secs_f64(),
        ..report
    };
    Ok(Some((ix, report)))
}

/// What an update does: the new catalog, the documents to index (with their serials), and the
/// ids whose old passages go.
struct Plan {
    catalog: Catalog,
    add: Vec<(u64, crate::corpus::Document)>,
    deleted_ids: Vec<String>,
}

/// Compares the corpus read now with the catalog in service. A document keeps its passages (and
/// serial) when its file is not among `touched` and its record is what it was.
fn plan(old: &Catalog, corpus: Corpus, touched: &HashSet<String>) -> Plan {
    let by_id: HashMap<&str, &DocRecord> = old
        .documents
        .iter()
        .map(|r| (r.meta.id.as_str(), r))
        .collect();
    let mut next_serial = old
        .documents
        .iter()
        .map(|r| r.serial + 1)
        .max()
        .unwrap_or(0);
    let mut kept: HashSet<String> = HashSet::new();
    let mut records = Vec::with_capacity(corpus.documents.len());
    let mut add = Vec::new();
    let passages = corpus.documents.iter().map(|d| d.passages.len()).sum();
    for d in corpus.documents {
        let same = by_id.get(d.meta.id.as_str()).filter(|r| {
            !touched.contains(&d.meta.source_file)
                && r.meta == d.meta
                && r.speakers == d.speakers
                && r.passages as usize == d.passages.len()
        });
        match same {
            Some(r) => {
                records.push(DocRecord::of(&d, r.serial));
                kept.insert(d.meta.id.clone());
            }
            None => {
                records.push(DocRecord::of(&d, next_serial));
                add.push((next_serial, d));
                next_serial += 1;
            }
        }
    }
    let deleted_ids = old
        .documents
        .iter()
        .filter(|r| !kept.contains(&r.meta.id))
        .map(|r| r.meta.id.clone())
        .collect();
    Plan {
        catalog: Catalog {
            schema_version: SCHEMA_VERSION,
            built_at: super::now_secs(),
            documents: records.into(),
            passages,
            warnings: corpus.warnings,
        },
        add,
        deleted_ids,
    }
}

/// Writes the new index into `tmp`: the old segments (hard links), a deletion file for each
/// that loses passages, a segment of the documents to add, and `meta.json`. Returns the bytes of
/// passage text indexed.
fn write_version(
    previous: &OpenIndex,
    tmp: &Path,
    add: Vec<(u64, crate::corpus::Document)>,
    deleted_ids: &[String],
    progress: &dyn Fn(BuildEvent),
) -> Result<u64> {
    let index = Index::builder()
        .schema(previous.index.schema())
        .settings(previous.index.settings().clone())
        .create_in_dir(tmp)?;
    schema::register_analyzers(&index);
    let old_meta = previous.index.load_metas()?;
    let opstamp = old_meta.opstamp + 1;
    let searcher = previous.reader.searcher();
    let mut segments: Vec<SegmentMeta> = Vec::new();
    for meta in &old_meta.segments {
        let seg = searcher
            .segment_readers()
            .iter()
            .find(|s| s.segment_id() == meta.id())
            .context("the index in service lists a segment it has not opened")?;
        let gone = live_passages_of(seg, previous.fields.doc_id, deleted_ids)?;
        if gone.is_empty() {
            link_segment(&previous.dir, tmp, meta, true)?;
            segments.push(meta.clone());
            continue;
        }
        let deleted = meta.num_deleted_docs() + gone.len() as u32;
        if deleted >= meta.max_doc() {
            continue; // nothing of it is left
        }
        link_segment(&previous.dir, tmp, meta, false)?;
        let mut alive = BitSet::with_max_value_and_full(meta.max_doc());
        for d in (0..meta.max_doc()).filter(|&d| !is_alive(seg, d)) {
            alive.remove(d);
        }
        for d in gone {
            alive.remove(d);
        }
        let with_deletes = meta.clone().with_delete_meta(deleted, opstamp);
        with_deletes.untrack_temp_docstore();
        let mut w = index
            .segment(with_deletes.clone())
            .open_write(SegmentComponent::Delete)?;
        write_alive_bitset(&alive, &mut w)?;
        w.terminate()?;
        segments.push(with_deletes);
    }
    let bytes: u64 = add
        .iter()
        .flat_map(|(_, d)| d.passages.iter().map(|p| p.text.len() as u64))
        .sum();
    progress(BuildEvent::Start {
        passages: add.iter().map(|(_, d)| d.passages.len()).sum(),
    });
    let indexed = AtomicUsize::new(0);
    let f = previous.fields;
    segments.extend(index_docs(
        &index,
        add.into_iter()
            .map(|(serial, d)| tantivy_docs(serial, d, &f)),
        &indexed,
        1,
    )?);
    progress(BuildEvent::Indexed {
        passages: indexed.load(Ordering::Relaxed),
    });
    super::write_meta(&index, segments, opstamp)?;
    Ok(bytes)
}

/// The live passages of a segment that belong to any of the documents `ids`.
fn live_passages_of(seg: &SegmentReader, doc_id: Field, ids: &[String]) -> Result<Vec<DocId>> {
    let inv = seg.inverted_index(doc_id)?;
    let mut out = Vec::new();
    for id in ids {
        let term = Term::from_field_text(doc_id, id);
        let Some(mut postings) = inv.read_postings(&term, IndexRecordOption::Basic)? else {
            continue;
        };
        while postings.doc() != TERMINATED {
            if is_alive(seg, postings.doc()) {
                out.push(postings.doc());
            }
            postings.advance();
        }
    }
    Ok(out)
}

fn is_alive(seg: &SegmentReader, doc: DocId) -> bool {
    seg.alive_bitset().is_none_or(|a| a.is_alive(doc))
}

/// The files a segment is made of.
const SEGMENT_FILES: &[SegmentComponent] = &[
    SegmentComponent::Postings,
    SegmentComponent::Positions,
    SegmentComponent::FastFields,
    SegmentComponent::FieldNorms,
    SegmentComponent::Terms,
    SegmentComponent::Store,
];

/// Makes the files of segment `meta` in `from` appear in `to` (hard links: no copy; a copy
/// where the file system has none). `with_deletes`: its deletion file too.
pub(crate) fn link_segment(
    from: &Path,
    to: &Path,
    meta: &SegmentMeta,
    with_deletes: bool,
) -> Result<()> {
    let mut parts: Vec<SegmentComponent> = SEGMENT_FILES.to_vec();
    if with_deletes && meta.has_deletes() {
        parts.push(SegmentComponent::Delete);
    }
    for c in parts {
        let rel = meta.relative_path(c);
        let src = from.join(&rel);
        if !src.exists() {
            continue;
        }
        let dst = to.join(&rel);
        if std::fs::hard_link(&src, &dst).is_err() {
            std::fs::copy(&src, &dst)
                .with_context(|| format!("cannot copy {} into the new index", src.display()))?;
        }
    }
    Ok(())
}
