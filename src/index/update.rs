//! Incremental updates: a changed corpus re-indexes only the documents that changed.
//!
//! An index keeps the stamps (name, size, modification time) of the files it was made from in
//! `files.json`, and the corpus-wide name index its speakers were named with, with what each
//! document gave it and asked of it, in `names.bin` ([`super::names`]). An update compares the
//! stamps with the corpus now and reads only the files added or changed (and those an earlier
//! build skipped as a duplicate id, whose holder may be gone). The stored name index loses the
//! runs and counts of the documents that went and gains those of the new ones; it says which
//! names the change may touch ([`NameIndex::change`]), and the unchanged documents that ask
//! about those names are asked again — a new file can give a speaker elsewhere a longer name,
//! and such a document is read again and re-indexed. Every other document keeps its indexed
//! passages, its serial and its catalog record byte for byte.
//!
//! The result is one new index directory, made beside the old one as a full build is: the
//! unchanged segments are hard links to the old files, each segment that lost passages gets a
//! new deletion file, the new passages go into a new segment, and `meta.json`, the catalog, the
//! names and the stamps are written anew; then the pointer is swapped, so requests keep answering
//! from the old index until then, and other processes switch at their next check.
//!
//! Answers after an update are those of a full build of the same corpus: the catalog is the one
//! a full build makes (documents in corpus order, warnings in file order, the first file of an
//! id keeping it), names resolve from the same runs and counts, and scoring leaves the deleted
//! passages out of the statistics ([`super::stats`]). Passages of re-indexed documents sit in
//! the new segment at the end, so only passages with exactly equal scores may be met in another
//! order inside tantivy; the answers' own order (score, then document id and passage) does not
//! depend on it.
//!
//! A full build happens instead when there is no usable previous index, stamps or names (first
//! build, another schema version or link base, a damaged index, an index made before
//! `names.bin`), or when so much changed that an update would cost about as much.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use tantivy::directory::TerminatingWrite;
use tantivy::fastfield::write_alive_bitset;
use tantivy::index::{SegmentComponent, SegmentMeta};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocId, DocSet, Index, SegmentReader, Term, TERMINATED};

use super::names::{Names, StoredDoc, NAMES_FILE};
use super::{
    index_docs, new_index_name, open_with_catalog, publish, schema, tantivy_docs, BuildEvent,
    BuildLock, BuildReport, Catalog, DocRecord, FileStamp, Job, OpenIndex, SCHEMA_VERSION,
};
use crate::corpus::names::{Changed, NameIndex};
use crate::corpus::{self, Document, NameKey, ParsedDocument, SkipReason};

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
    let Some(mut stored) = Names::read(&previous.dir) else {
        return Ok(None);
    };
    if !matches_catalog(&stored, &previous.catalog) {
        tracing::warn!("{NAMES_FILE} does not match the catalog: building the index whole");
        return Ok(None);
    }
    tracing::debug!(
        "update: changes found and names read in {:.3} s",
        started.elapsed().as_secs_f64()
    );
    let plan = plan(job, previous, &mut stored, &touched)?;
    let reindexed: usize = plan.add.iter().map(|(_, d)| d.passages.len()).sum();
    let total = plan.passages.max(1);
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
    let written = write_plan(previous, &stored, &tmp, plan, progress, job);
    let (bytes, speakers) = match written {
        Ok(b) => b,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    let cur = publish(
        job.data_dir,
        &tmp,
        &name,
        job.fingerprint.clone(),
        Some(&previous.name),
    )?;
    tracing::debug!(
        "update: written in {:.3} s",
        started.elapsed().as_secs_f64()
    );
    let dir = job.data_dir.join(&name);
    let ix = open_with_catalog(&dir, &cur, Catalog::open(&dir)?)?;
    progress(BuildEvent::Done);
    let report = BuildReport {
        documents: ix.catalog.documents.len(),
        passages: ix.catalog.passages,
        speakers,
        warnings: ix.catalog.warnings.clone(),
        seconds: started.elapsed().as_secs_f64(),
        bytes,
        changes: Some(changes),
    };
    Ok(Some((ix, report)))
}

/// Writes everything of the new index version into `tmp`: segments, catalog, names, stamps.
/// Returns the bytes of passage text indexed and the number of distinct speakers.
fn write_plan(
    previous: &OpenIndex,
    stored: &Names,
    tmp: &Path,
    plan: Plan,
    progress: &dyn Fn(BuildEvent),
    job: &Job,
) -> Result<(u64, usize)> {
    let Plan {
        entries,
        add,
        deleted_ids,
        warnings,
        passages,
        index,
    } = plan;
    let added: HashMap<u64, DocRecord> = add
        .iter()
        .map(|(serial, d)| (*serial, DocRecord::of(d, *serial)))
        .collect();
    let bytes = write_version(previous, tmp, add, &deleted_ids, progress)?;
    let head = Catalog {
        schema_version: SCHEMA_VERSION,
        built_at: super::now_secs(),
        documents: Default::default(),
        passages,
        warnings,
    };
    let old = &previous.catalog.documents;
    let records = entries.iter().map(|e| match e.kept {
        Some(i) => {
            let json = old.json(i).unwrap_or_default();
            (e.doc.serial, e.doc.id.as_str(), json)
        }
        None => {
            let r = &added[&e.doc.serial];
            let json = serde_json::to_vec(r).expect("a record encodes");
            (
                e.doc.serial,
                e.doc.id.as_str(),
                std::borrow::Cow::Owned(json),
            )
        }
    });
    head.write_records(tmp, records)?;
    let docs: Vec<StoredDoc> = entries.into_iter().map(|e| e.doc).collect();
    super::names::write(tmp, &docs, Some(stored), &index)?;
    write_manifest(tmp, job)?;
    Ok((bytes, super::names::distinct_speakers(&docs)))
}

/// Whether `names.bin` lists the catalog's documents (ids and serials, in order).
fn matches_catalog(stored: &Names, catalog: &Catalog) -> bool {
    let d = &catalog.documents;
    stored.docs.len() == d.len()
        && stored
            .docs
            .iter()
            .enumerate()
            .all(|(i, s)| d.id(i) == Some(s.id.as_str()) && d.serials()[i] == s.serial)
}

/// What an update does: the new catalog's documents in order, the documents to index (with
/// their serials), the ids whose old passages go, and the new catalog's warnings and totals.
struct Plan {
    entries: Vec<Entry>,
    add: Vec<(u64, Document)>,
    deleted_ids: Vec<String>,
    warnings: Vec<String>,
    passages: usize,
    /// The name index of the new corpus.
    index: NameIndex,
}

/// A document of the new catalog: its names entry, and its place in the old catalog when its
/// record is kept as it was.
struct Entry {
    doc: StoredDoc,
    kept: Option<usize>,
}

/// A document read again: its file's parse and body counts, the serial its texts carry in the
/// name index, and the serial it is indexed under (a renamed document gets a new one: its old
/// passages, deleted, keep theirs).
struct Fresh {
    parsed: ParsedDocument,
    body: Vec<(String, u32)>,
    names_serial: u64,
    serial: u64,
}

/// Compares the corpus now with the index in service, in four steps: read the changed files
/// ([`read_changed`]), change the stored name index by what came and went ([`change_names`]),
/// find the unchanged documents it now names otherwise and read them again ([`find_renamed`]),
/// and lay out the new catalog in corpus order ([`assemble`]).
fn plan(
    job: &Job,
    previous: &OpenIndex,
    stored: &mut Names,
    touched: &HashSet<String>,
) -> Result<Plan> {
    let t0 = std::time::Instant::now();
    let old_warnings = &previous.catalog.warnings;
    let read = read_changed(job, stored, touched, old_warnings);
    let present: HashSet<&str> = job.files.iter().map(|f| f.name.as_str()).collect();
    let gone: Vec<bool> = stored
        .docs
        .iter()
        .map(|d| {
            let f = d.source_file.as_str();
            touched.contains(f) || !present.contains(f) || read.lost.contains_key(f)
        })
        .collect();
    let mut names = change_names(job, stored, &gone, &read)?;
    let t_index = t0.elapsed();
    let kept_keys = find_renamed(job, stored, &gone, &mut names)?;
    let t_renamed = t0.elapsed();
    let renamed = names.fresh.len() - names.new_files;
    let plan = assemble(job, stored, &gone, &read, old_warnings, names, kept_keys);
    tracing::debug!(
        "update plan: name index {:.3} s, names checked {:.3} s ({renamed} documents renamed), catalog {:.3} s",
        t_index.as_secs_f64(),
        (t_renamed - t_index).as_secs_f64(),
        (t0.elapsed() - t_renamed).as_secs_f64()
    );
    Ok(plan)
}

/// The name index of the new corpus and the documents to resolve with it.
struct NameWork {
    index: NameIndex,
    /// What the change may have touched.
    changed: Changed,
    /// Documents to resolve and index, by file.
    fresh: HashMap<String, Fresh>,
    /// How many of them are new or changed files (the others are renamed).
    new_files: usize,
    next_serial: u64,
}

/// Takes the documents that went out of the stored name index and puts the new files' in
/// (numbered after every serial in use).
fn change_names(job: &Job, stored: &mut Names, gone: &[bool], read: &Read) -> Result<NameWork> {
    let went = || {
        stored
            .docs
            .iter()
            .zip(gone)
            .filter(|(_, g)| **g)
            .map(|(d, _)| d)
    };
    let removed: HashSet<usize> = went().map(|d| d.serial as usize).collect();
    let mut sub = Vec::new();
    for d in went() {
        sub.extend(stored.body(d)?);
    }
    let mut next_serial = stored.docs.iter().map(|d| d.serial + 1).max().unwrap_or(0);
    let mut fresh: HashMap<String, Fresh> = HashMap::new();
    let mut inputs: Vec<(usize, corpus::names::NameInputs)> = Vec::new();
    for f in job.files.iter().filter(|f| read.reread.contains(&f.name)) {
        let Some(Ok(p)) = read.files.get(&f.name) else {
            continue;
        };
        if read.lost.contains_key(&f.name) {
            continue;
        }
        let i = corpus::name_inputs(p);
        let fr = Fresh {
            parsed: p.clone(),
            body: i.body.clone(),
            names_serial: next_serial,
            serial: next_serial,
        };
        inputs.push((next_serial as usize, i));
        fresh.insert(f.name.clone(), fr);
        next_serial += 1;
    }
    let add: Vec<(usize, &corpus::names::NameInputs)> =
        inputs.iter().map(|(d, i)| (*d, i)).collect();
    let mut index = std::mem::take(&mut stored.index);
    let changed = index.change(&removed, &sub, &add);
    Ok(NameWork {
        index,
        changed,
        new_files: fresh.len(),
        fresh,
        next_serial,
    })
}

/// Asks the changed name index again what each unchanged document asked of it, where the change
/// may have touched the answer. A document with another answer is read again (into
/// `names.fresh`); the others keep their records, with the digests of the new index (returned,
/// by place in the old catalog).
fn find_renamed(
    job: &Job,
    stored: &Names,
    gone: &[bool],
    names: &mut NameWork,
) -> Result<HashMap<usize, Vec<NameKey>>> {
    let index = &names.index;
    let mut kept_keys: HashMap<usize, Vec<NameKey>> = HashMap::new();
    let mut renamed: Vec<usize> = Vec::new();
    for (i, d) in stored.docs.iter().enumerate().filter(|(i, _)| !gone[*i]) {
        let mut keys = d.keys.clone();
        let mut same = true;
        for k in keys
            .iter_mut()
            .filter(|k| index.may_differ(&names.changed, &k.core))
        {
            let digest = index.forms_digest(&k.core, k.title.as_deref());
            if digest != k.forms {
                same &= index.resolve(d.serial as usize, &k.core, k.title.as_deref()) == k.name;
                k.forms = digest;
            }
        }
        if same {
            kept_keys.insert(i, keys);
        } else {
            renamed.push(i);
        }
    }
    let paths: Vec<PathBuf> = renamed
        .iter()
        .map(|&i| job.corpus_dir.join(&stored.docs[i].source_file))
        .collect();
    let again = corpus::read_files(job.corpus_dir, &paths, job.canonical_base);
    for (&i, (name, parsed)) in renamed.iter().zip(again) {
        let parsed = parsed.map_err(|e| anyhow::anyhow!("{name} cannot be read again: {e}"))?;
        let fr = Fresh {
            parsed,
            body: stored.body(&stored.docs[i])?,
            names_serial: stored.docs[i].serial,
            serial: names.next_serial,
        };
        names.fresh.insert(name, fr);
        names.next_serial += 1;
    }
    Ok(kept_keys)
}

/// The new catalog in corpus order: each file's warnings (new for the files read, as before for
/// the others), the documents resolved anew and the records kept; then the renamed documents'
/// new serials in the name index, and the ids whose old passages go.
fn assemble(
    job: &Job,
    stored: &Names,
    gone: &[bool],
    read: &Read,
    old_warnings: &[String],
    names: NameWork,
    mut kept_keys: HashMap<usize, Vec<NameKey>>,
) -> Plan {
    let NameWork {
        mut index,
        mut fresh,
        ..
    } = names;
    let by_file: HashMap<&str, usize> = stored
        .docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.source_file.as_str(), i))
        .collect();
    let files: Vec<&str> = job.files.iter().map(|f| f.name.as_str()).collect();
    let mut warnings_of = warnings_by_file(old_warnings, &files);
    let mut entries = Vec::with_capacity(job.files.len());
    let mut add = Vec::new();
    let mut warnings = Vec::new();
    let mut passages = 0usize;
    let mut moved: HashMap<usize, usize> = HashMap::new();
    for name in files {
        if let Some(w) = read.lost.get(name) {
            warnings.push(w.clone());
        } else if let Some(r) = read.files.get(name) {
            match r {
                Err(e) => warnings.push(corpus::skip_warning(name, e)),
                Ok(p) => warnings.extend(corpus::file_warnings(name, p)),
            }
        } else {
            warnings.extend(warnings_of.remove(name).unwrap_or_default());
        }
        if let Some(fr) = fresh.remove(name) {
            let (doc, keys) = corpus::resolve(fr.names_serial as usize, fr.parsed, &index);
            if fr.names_serial != fr.serial {
                moved.insert(fr.names_serial as usize, fr.serial as usize);
            }
            passages += doc.passages.len();
            entries.push(Entry {
                doc: StoredDoc::of(fr.serial, doc.parts(), keys, fr.body),
                kept: None,
            });
            add.push((fr.serial, doc));
        } else if let Some(&i) = by_file.get(name).filter(|&&i| !gone[i]) {
            let mut doc = stored.docs[i].clone();
            doc.keys = kept_keys.remove(&i).unwrap_or_default();
            passages += doc.passages as usize;
            entries.push(Entry { doc, kept: Some(i) });
        }
    }
    renumber(&mut index, &moved, &mut entries);
    let kept: HashSet<usize> = entries.iter().filter_map(|e| e.kept).collect();
    let deleted_ids = (0..stored.docs.len())
        .filter(|i| !kept.contains(i))
        .map(|i| stored.docs[i].id.clone())
        .collect();
    Plan {
        entries,
        add,
        deleted_ids,
        warnings,
        passages,
        index,
    }
}

/// The files an update reads: their parse, by name; the files whose document is skipped because
/// an earlier file has its id, with that warning; and which files were read.
struct Read {
    files: HashMap<String, Result<ParsedDocument, SkipReason>>,
    lost: HashMap<String, String>,
    reread: HashSet<String>,
}

/// Reads the files that changed, and those an earlier build skipped as a duplicate id (the file
/// that held the id may be gone), then gives every id to the first file in corpus order that
/// has it, as a full build does.
fn read_changed(job: &Job, stored: &Names, touched: &HashSet<String>, old: &[String]) -> Read {
    const DUPLICATE: &str = ": skipped: duplicate document id ";
    let mut reread: HashSet<String> = touched.clone();
    reread.extend(
        old.iter()
            .filter_map(|w| w.find(DUPLICATE).map(|at| w[..at].to_string())),
    );
    let paths: Vec<PathBuf> = job
        .files
        .iter()
        .filter(|f| reread.contains(&f.name))
        .map(|f| job.corpus_dir.join(&f.name))
        .collect();
    let files: HashMap<String, Result<ParsedDocument, SkipReason>> =
        corpus::read_files(job.corpus_dir, &paths, job.canonical_base)
            .into_iter()
            .collect();
    let by_file: HashMap<&str, &str> = stored
        .docs
        .iter()
        .map(|d| (d.source_file.as_str(), d.id.as_str()))
        .collect();
    let mut first: HashMap<&str, &str> = HashMap::new();
    let mut lost = HashMap::new();
    for f in &job.files {
        let name = f.name.as_str();
        let id = match files.get(name) {
            Some(r) => r.as_ref().ok().map(|p| p.meta.id.as_str()),
            None => by_file.get(name).copied(),
        };
        let Some(id) = id else { continue };
        match first.get(id) {
            Some(holder) => {
                lost.insert(
                    name.to_string(),
                    corpus::duplicate_warning(name, id, holder),
                );
            }
            None => {
                first.insert(id, name);
            }
        }
    }
    Read {
        files,
        lost,
        reread,
    }
}

/// Gives the documents read again (`moved`: old serial → new) their new serials in the name
/// index, and brings the digests of every key whose forms named one of them up to date.
fn renumber(index: &mut NameIndex, moved: &HashMap<usize, usize>, entries: &mut [Entry]) {
    if moved.is_empty() {
        return;
    }
    let old: HashSet<usize> = moved.keys().copied().collect();
    // Only names whose first word stands in the moved documents' runs can name them.
    let theirs = index.groups_of_docs(&old);
    let mut stale: Vec<(usize, usize)> = Vec::new();
    for (e, entry) in entries.iter().enumerate() {
        for (k, key) in entry.doc.keys.iter().enumerate() {
            if index.may_differ(&theirs, &key.core)
                && index.forms_name_any(&key.core, key.title.as_deref(), &old)
            {
                stale.push((e, k));
            }
        }
    }
    index.renumber(moved);
    for (e, k) in stale {
        let key = &mut entries[e].doc.keys[k];
        key.forms = index.forms_digest(&key.core, key.title.as_deref());
    }
}

/// The old warnings by the file they name (`<file>: …`); the longest name that fits wins.
fn warnings_by_file(warnings: &[String], files: &[&str]) -> HashMap<String, Vec<String>> {
    let known: HashSet<&str> = files.iter().copied().collect();
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for w in warnings {
        let file = w
            .match_indices(": ")
            .map(|(at, _)| &w[..at])
            .filter(|f| known.contains(f))
            .last();
        if let Some(f) = file {
            out.entry(f.to_string()).or_default().push(w.clone());
        }
    }
    out
}

/// Writes the new index into `tmp`: the old segments (hard links), a deletion file for each
/// that loses passages, a segment of the documents to add, and `meta.json`. Returns the bytes of
/// passage text indexed.
fn write_version(
    previous: &OpenIndex,
    tmp: &Path,
    add: Vec<(u64, Document)>,
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
