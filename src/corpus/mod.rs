//! The corpus: text files → [`Document`]s with metadata, speakers and numbered passages.
//!
//! A file is read in two steps: [`parse_document`] reads one file on its own (header, body,
//! labels), then [`Corpus::load`] resolves every label to a full name with what all the documents
//! say ([`names`]). A file that cannot be read, or has no recognisable header, is skipped with a
//! warning naming the file and the reason; the rest is served.
//!
//! [`Corpus::load`] holds the whole corpus at once. An index build reads it in bounded memory
//! instead: a [`Survey`] reads every file for its names and lets the text go, then each document
//! is read again and resolved when it is indexed ([`Survey::document`]); the documents are the
//! same.

pub mod body;
pub mod check;
pub mod date;
pub mod glosses;
pub mod header;
pub mod html;
pub mod labels;
pub mod layout;
pub mod names;
pub mod roles;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fs::Metadata;
use std::path::{Path, PathBuf};

use body::UnitKind;
use date::PartialDate;
use header::{fold_spaces, id_from_url, parse_citation, parse_header};
use labels::LabelInfo;
use serde::{Deserialize, Serialize};

/// Where links to documents point by default: `<base><id>`.
pub const DEFAULT_CANONICAL_BASE: &str = "https://digitalarchive.wilsoncenter.org/document/";

/// Longest passage; a longer turn or paragraph is cut into several (at sentence ends).
pub const MAX_PASSAGE_BYTES: usize = 16 * 1024;

/// Largest file read; anything bigger is not a transcript export.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Metadata of one document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocMeta {
    pub id: String,
    pub title: String,
    /// ISO (possibly partial) date of the document.
    pub date: Option<String>,
    pub citation: Option<String>,
    pub url: Option<String>,
    pub canonical_url: String,
    pub archive: Option<String>,
    pub archive_ref: Option<String>,
    pub translator: Option<String>,
    pub summary: Option<String>,
    pub credits: Option<String>,
    pub original_language: Option<String>,
    /// The body's `Date:`/`Time:` line: when the meeting took place.
    pub meeting: Option<String>,
    /// File name within the corpus directory.
    pub source_file: String,
}

/// Someone who speaks in a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    /// Full name, resolved from the documents (`Ji Pengfei`).
    pub name: String,
    /// The label the transcript mostly uses (`Ji`).
    pub label: String,
    /// Every label and alias used for this speaker in the document.
    pub labels: Vec<String>,
    /// Title or role (`Vice Minister`, or the attendee line's description).
    pub role: Option<String>,
    pub turns: u32,
}

/// What a passage is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PassageKind {
    /// Passage 0: citation, summary, title lines and meeting header lines.
    Header,
    Turn,
    Paragraph,
    Note,
}

impl PassageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PassageKind::Header => "header",
            PassageKind::Turn => "turn",
            PassageKind::Paragraph => "paragraph",
            PassageKind::Note => "note",
        }
    }
}

/// One passage: a speaker turn, a paragraph, or the header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// Number within the document; the stable id is `<doc_id>#<n>`.
    pub n: u32,
    pub kind: PassageKind,
    /// Index into the document's `speakers`.
    pub speaker: Option<usize>,
    pub text: String,
    /// 1-based line of the file where it starts.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub meta: DocMeta,
    pub speakers: Vec<Speaker>,
    pub passages: Vec<Passage>,
}

impl Document {
    /// Its metadata, number of passages and speakers.
    pub fn parts(&self) -> (&DocMeta, u32, &[Speaker]) {
        (&self.meta, self.passages.len() as u32, &self.speakers)
    }
}

/// A document as read from its file, before names are resolved across the corpus.
#[derive(Debug, Clone)]
pub struct ParsedDocument {
    pub meta: DocMeta,
    header_text: Vec<String>,
    fields: Vec<(String, String)>,
    units: Vec<body::Unit>,
    /// Questionable input the parse met, with the file line it concerns.
    pub warnings: Vec<(usize, String)>,
}

/// Why a file was skipped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SkipReason {
    #[error("cannot be read: {0}")]
    Unreadable(String),
    #[error("is empty")]
    Empty,
    #[error("is binary, not text")]
    Binary,
    #[error("is not UTF-8 text (invalid byte at offset {0}); save it as UTF-8")]
    NotUtf8(usize),
    #[error("is larger than {} MB", MAX_FILE_BYTES / 1024 / 1024)]
    TooLarge,
    #[error(
        "has no recognisable header (line {0}: expected a title, `Citation:` and a document URL)"
    )]
    NoHeader(usize),
}

/// Parses one file's text. `file` is the name used in warnings and `source_file`.
pub fn parse_document(
    file: &str,
    text: &str,
    canonical_base: &str,
) -> Result<ParsedDocument, SkipReason> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(SkipReason::Empty);
    }
    // A saved web page is read as the text a browser shows.
    let page;
    let text = if html::is_html_name(file) || html::looks_like_html(text) {
        page = html::page_text(text);
        page.as_str()
    } else {
        text
    };
    // Most files have no carriage returns: no copy of them.
    let normalized: std::borrow::Cow<str> = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        text.into()
    };
    let lines: Vec<&str> = normalized.split('\n').collect();
    let h = parse_header(&lines);
    let first_content = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(0) + 1;

    let cit = h
        .citation
        .as_deref()
        .map(parse_citation)
        .unwrap_or_default();
    let id = h.url.as_deref().and_then(id_from_url);
    let Some(id) = id else {
        return Err(SkipReason::NoHeader(first_content));
    };
    let title = h.title.clone().or(cit.title.clone());
    let Some(title) = title else {
        return Err(SkipReason::NoHeader(first_content));
    };
    let date = h
        .date_line
        .as_deref()
        .and_then(PartialDate::parse)
        .or(cit.date)
        .filter(PartialDate::is_complete_year)
        .map(|d| d.to_string());

    let context = [Some(&title), h.citation.as_ref(), h.summary.as_ref()]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n");
    let b = match h.body_start {
        Some(start) if start <= lines.len() => {
            body::parse_body(&lines[start - 1..], start, &context)
        }
        _ => body::Body::default(),
    };
    let (fields, header_text, units, warnings) = (b.fields, b.header, b.units, b.warnings);
    let meeting = fields
        .iter()
        .find(|(k, _)| k == "date" || k == "time" || k == "date and time")
        .map(|(_, v)| v.clone());
    let meta = DocMeta {
        canonical_url: format!("{canonical_base}{id}"),
        id,
        title,
        date,
        citation: h.citation,
        url: h.url,
        archive: cit.archive,
        archive_ref: cit.archive_ref,
        translator: cit.translator,
        summary: h.summary,
        credits: h.credits,
        original_language: h.original_language,
        meeting,
        source_file: file.to_string(),
    };
    Ok(ParsedDocument {
        meta,
        header_text,
        fields,
        units,
        warnings,
    })
}

/// Reads a file's bytes as corpus text, or says why not.
pub fn read_text(path: &Path) -> Result<String, SkipReason> {
    let meta = std::fs::metadata(path).map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(SkipReason::TooLarge);
    }
    let bytes = std::fs::read(path).map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    if bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(SkipReason::Binary);
    }
    String::from_utf8(bytes).map_err(|e| SkipReason::NotUtf8(e.utf8_error().valid_up_to()))
}

/// File extensions read as corpus documents (any case).
pub const CORPUS_EXTENSIONS: &[&str] = &["txt", "md", "html", "htm"];

/// How deep [`corpus_files`] looks into subfolders (collections) of the corpus directory.
const MAX_COLLECTION_DEPTH: usize = 4;

/// The corpus files of a directory and its subfolders (each subfolder is a *collection*):
/// files with a [`CORPUS_EXTENSIONS`] extension, sorted by their path within `dir`. Hidden files
/// and folders are ignored, and folders reached through a symbolic link are not entered (a link
/// cannot pull files from elsewhere into the corpus, nor loop).
pub fn corpus_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    Ok(listed(dir, false)?.into_iter().map(|f| f.path).collect())
}

/// A corpus file as [`corpus_files_stated`] lists it.
#[derive(Debug)]
pub struct Listed {
    /// Its [`corpus_name`], made while listing.
    pub name: String,
    pub path: PathBuf,
    /// `None`: not asked for, or gone since listed.
    pub metadata: Option<Metadata>,
}

/// [`corpus_files`] with each file's name and metadata. The metadata is read through the
/// listing's directory handle, by name within its folder: stating 30,000 files by their whole
/// paths walked every path again and was most of a cold `ask`.
pub fn corpus_files_stated(dir: &Path) -> std::io::Result<Vec<Listed>> {
    listed(dir, true)
}

/// Files from which [`corpus_files_stated`] reads their metadata on all cores at once (a
/// `stat` is a few microseconds, and tens of thousands of them were most of a cold `ask`).
const SPREAD_STATS: usize = 2_000;

fn listed(dir: &Path, stat: bool) -> std::io::Result<Vec<Listed>> {
    let mut found = Vec::new();
    walk(dir, "", 0, &mut found)?;
    found.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    if !stat {
        return Ok(found.into_iter().map(|f| f.unstated()).collect());
    }
    Ok(match found.len() >= SPREAD_STATS {
        true => crate::par::map_into(found, Found::stated),
        false => found.into_iter().map(Found::stated).collect(),
    })
}

/// A corpus file as the directory listing gave it.
struct Found {
    name: String,
    path: PathBuf,
    /// Its directory entry, whose metadata is read through the directory's handle (`None`: a
    /// symbolic link, whose target's metadata is wanted).
    entry: Option<std::fs::DirEntry>,
}

impl Found {
    fn stated(self) -> Listed {
        let metadata = match &self.entry {
            Some(e) => e.metadata().ok(),
            None => std::fs::metadata(&self.path).ok(),
        };
        Listed {
            metadata,
            ..self.unstated()
        }
    }

    fn unstated(self) -> Listed {
        Listed {
            name: self.name,
            path: self.path,
            metadata: None,
        }
    }
}

/// Lists the corpus files of `dir`, whose name within the corpus is `rel` (empty at the top).
fn walk(dir: &Path, rel: &str, depth: usize, out: &mut Vec<Found>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)?.filter_map(Result::ok) {
        let file_name = entry.file_name();
        // A name that is not UTF-8 is left out like a hidden one: no warning or citation
        // could name it.
        let Some(own) = file_name.to_str().filter(|n| !n.starts_with('.')) else {
            continue;
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let name = match rel {
            "" => own.to_string(),
            _ => format!("{rel}/{own}"),
        };
        let path = entry.path();
        if kind.is_dir() {
            if depth < MAX_COLLECTION_DEPTH {
                // An unreadable subfolder is left out; the rest of the corpus is served.
                let _ = walk(&path, &name, depth + 1, out);
            }
            continue;
        }
        let wanted = Path::new(own)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| CORPUS_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)));
        // The entry's type comes with the directory listing; only a symbolic link needs a
        // `stat` to tell whether it leads to a file (at 30,000 files that stat was a quarter
        // of a cold `ask`).
        let link = kind.is_symlink();
        if wanted && (kind.is_file() || (link && path.is_file())) {
            out.push(Found {
                name,
                path,
                entry: (!link).then_some(entry),
            });
        }
    }
    Ok(())
}

/// A corpus file's name as warnings and `source_file` give it: its path within the corpus
/// directory, with `/` between folders (`guild-42/lesson-3.txt`).
pub fn corpus_name(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    // A plain relative path (what listing the directory gives) is its name already: no copy
    // per component (a cold `ask` names and sorts every file of the corpus).
    if let Some(r) = rel.to_str() {
        let plain = std::path::MAIN_SEPARATOR == '/'
            && !r.split('/').any(|c| c.is_empty() || c == "." || c == "..");
        if plain {
            return r.to_string();
        }
    }
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// The collection a corpus file belongs to: the subfolder of the corpus directory it is in
/// (`guild-42` for `guild-42/lesson-3.txt`), `None` for a file at the top.
pub fn collection_of(source_file: &str) -> Option<&str> {
    source_file.split_once('/').map(|(c, _)| c)
}

/// The whole corpus, parsed and with speakers resolved.
#[derive(Debug, Default)]
pub struct Corpus {
    pub documents: Vec<Document>,
    /// What each document (same order) gave the name index and how its speakers were named.
    pub names: Vec<DocNames>,
    /// The name index of all the documents, each numbered by its place.
    pub name_index: names::NameIndex,
    /// One line per skipped file or questionable input, naming the file; in file order.
    pub warnings: Vec<String>,
}

/// A corpus file read and parsed on its own: its name within the corpus and its document, or
/// why it was skipped.
pub type ReadFile = (String, Result<ParsedDocument, SkipReason>);

/// How a document took part in naming speakers: its inputs to the name index and, for each
/// speaker named through it, the name core and title words asked with and the name found. An
/// incremental update asks again with the changed name index; a document whose answers differ
/// is resolved anew (a new file can give a speaker elsewhere a longer name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocNames {
    pub inputs: names::NameInputs,
    pub keys: Vec<NameKey>,
}

/// One question a document asked the name index ([`names::NameIndex::resolve`]) and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameKey {
    pub core: Vec<String>,
    pub title: Option<String>,
    pub name: String,
    /// [`names::NameIndex::forms_digest`] of the core and title when it was asked: while the
    /// digest stays the same, so does the answer.
    pub forms: u64,
}

impl Corpus {
    /// Reads every corpus file of `dir`. Only a missing or unreadable directory is an error.
    pub fn load(dir: &Path, canonical_base: &str) -> anyhow::Result<Corpus> {
        use anyhow::Context;
        let files = corpus_files(dir)
            .with_context(|| format!("cannot read the corpus directory {}", dir.display()))?;
        Ok(Corpus::from_parsed(read_files(dir, &files, canonical_base)))
    }

    /// Builds the corpus from (file name, text) pairs, in order. Files are parsed on all cores.
    pub fn from_texts<'a>(
        texts: impl IntoIterator<Item = (&'a str, &'a str)>,
        canonical_base: &str,
    ) -> Corpus {
        let texts: Vec<(&str, &str)> = texts.into_iter().collect();
        let results = crate::par::map(&texts, |(name, text)| {
            (name.to_string(), parse_document(name, text, canonical_base))
        });
        Corpus::from_parsed(results)
    }

    /// Builds the corpus from files read and parsed, in corpus order: the first file with an id
    /// keeps it, and every name is resolved with what all the documents say.
    pub fn from_parsed(files: Vec<ReadFile>) -> Corpus {
        let (parsed, warnings) = served(files, |p| &p.meta.id, file_warnings);
        let inputs = crate::par::map(&parsed, name_inputs);
        let index = name_index(&inputs, |i| Cow::Borrowed(i));
        let resolved = crate::par::map_into(parsed.into_iter().enumerate().collect(), |(i, p)| {
            resolve(i, p, &index)
        });
        let (documents, keys): (Vec<Document>, Vec<Vec<NameKey>>) = resolved.into_iter().unzip();
        let names = inputs
            .into_iter()
            .zip(keys)
            .map(|(inputs, keys)| DocNames { inputs, keys })
            .collect();
        Corpus {
            documents,
            names,
            name_index: index,
            warnings,
        }
    }

    pub fn get(&self, id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.meta.id == id)
    }
}

/// The first pass of a corpus read in bounded memory: every file read and parsed for what it
/// gives the name index and then let go. [`Survey::document`] reads one again and resolves its
/// speakers with the name index of them all, so a build can index the documents one at a time
/// (holding the corpus's names, not its text). The documents are the ones [`Corpus::from_parsed`]
/// gives for the same files, in the same order, with the same warnings.
#[derive(Debug, Default)]
pub struct Survey {
    /// The files whose documents are served, in corpus order: a document's number is its place.
    pub docs: Vec<Surveyed>,
    /// The name index of all the documents.
    pub name_index: names::NameIndex,
    /// One line per skipped file or questionable input, naming the file; in file order.
    pub warnings: Vec<String>,
}

/// One served file as the survey saw it.
#[derive(Debug)]
pub struct Surveyed {
    pub path: PathBuf,
    /// Its name within the corpus.
    pub name: String,
    pub id: String,
    /// Its passages and their bytes of text.
    pub passages: usize,
    pub text_bytes: u64,
    /// What it gave the name index (only its body counts once the index is made).
    pub inputs: names::PackedInputs,
}

/// A file that no longer reads as the document the survey saw (it was removed, or its id
/// changed, while the index was built).
#[derive(Debug, thiserror::Error)]
#[error("{0} changed while the index was built ({1})")]
pub struct ChangedMeanwhile(pub String, pub String);

impl Survey {
    /// Surveys the corpus files `files` of `dir` (in corpus order) on all cores.
    pub fn of(dir: &Path, files: &[PathBuf], canonical_base: &str) -> Survey {
        let seen = crate::par::map(files, |path| {
            let name = corpus_name(dir, path);
            let parsed = read_text(path).and_then(|t| parse_document(&name, &t, canonical_base));
            let seen = parsed.map(|p| {
                let (passages, text_bytes) = passage_sizes(&p);
                let doc = Surveyed {
                    path: path.clone(),
                    name: name.clone(),
                    inputs: name_inputs(&p).pack(),
                    passages,
                    text_bytes,
                    id: p.meta.id.clone(),
                };
                let warnings = file_warnings(&name, &p);
                (doc, warnings)
            });
            (name, seen)
        });
        let (docs, warnings) = served(seen, |(d, _)| &d.id, |_, (_, w)| w.clone());
        let mut docs: Vec<Surveyed> = docs.into_iter().map(|(d, _)| d).collect();
        let name_index = name_index(&docs, |d| Cow::Owned(d.inputs.unpack()));
        for d in &mut docs {
            d.inputs.keep_body();
        }
        Survey {
            docs,
            name_index,
            warnings,
        }
    }

    /// Each document's body counts, packed ([`names::PackedInputs::into_body`]), taken out of
    /// the survey.
    pub fn take_bodies(&mut self) -> Vec<Vec<u8>> {
        let inputs = self.docs.iter_mut().map(|d| std::mem::take(&mut d.inputs));
        inputs.map(names::PackedInputs::into_body).collect()
    }

    /// Document `i` read again, with its speakers resolved, and the questions it asked the name
    /// index.
    pub fn document(
        &self,
        i: usize,
        canonical_base: &str,
    ) -> Result<(Document, Vec<NameKey>), ChangedMeanwhile> {
        let s = &self.docs[i];
        let changed = |why: String| ChangedMeanwhile(s.name.clone(), why);
        let p = read_text(&s.path)
            .and_then(|t| parse_document(&s.name, &t, canonical_base))
            .map_err(|e| changed(e.to_string()))?;
        if p.meta.id != s.id {
            return Err(changed(format!("its document id is now {}", p.meta.id)));
        }
        Ok(resolve(i, p, &self.name_index))
    }
}

/// The text of a document's first passage: its citation (or title), summary and header lines.
fn header_passage_text(p: &ParsedDocument) -> String {
    let mut lines: Vec<String> = Vec::new();
    lines.push(
        p.meta
            .citation
            .clone()
            .unwrap_or_else(|| p.meta.title.clone()),
    );
    if let Some(s) = &p.meta.summary {
        lines.push(fold_spaces(s));
    }
    lines.extend(p.header_text.iter().cloned());
    lines.join("\n")
}

/// How many passages a parsed document makes ([`resolve`] numbers them) and their bytes of text.
fn passage_sizes(p: &ParsedDocument) -> (usize, u64) {
    let pieces: usize = p
        .units
        .iter()
        .map(|u| match u.text.len() > MAX_PASSAGE_BYTES {
            true => body::split_long(&u.text, MAX_PASSAGE_BYTES).len(),
            false => 1,
        })
        .sum();
    let bytes: usize = p.units.iter().map(|u| u.text.len()).sum();
    let header = header_passage_text(p).len();
    (1 + pieces, (header + bytes) as u64)
}

/// Reads and parses the corpus files `files` of `dir` on all cores (each file's text is let go
/// once parsed), in their order.
pub fn read_files(dir: &Path, files: &[PathBuf], canonical_base: &str) -> Vec<ReadFile> {
    crate::par::map(files, |path| {
        let name = corpus_name(dir, path);
        let parsed = read_text(path).and_then(|t| parse_document(&name, &t, canonical_base));
        (name, parsed)
    })
}

/// The documents served of files read in corpus order (name, document or why not), with the
/// warnings in file order: a file that could not be read is skipped, and so is one whose
/// document id an earlier file has (the first keeps it). `id` gives a document's id, `warnings`
/// the warnings of the file it came from.
fn served<T>(
    files: Vec<(String, Result<T, SkipReason>)>,
    id: impl Fn(&T) -> &String,
    warnings_of: impl Fn(&str, &T) -> Vec<String>,
) -> (Vec<T>, Vec<String>) {
    let mut warnings = Vec::new();
    let mut docs = Vec::new();
    let mut first: HashMap<String, String> = HashMap::new();
    for (name, result) in files {
        match result {
            Ok(d) => {
                if let Some(f) = first.get(id(&d)) {
                    warnings.push(duplicate_warning(&name, id(&d), f));
                    continue;
                }
                warnings.extend(warnings_of(&name, &d));
                first.insert(id(&d).clone(), name);
                docs.push(d);
            }
            Err(e) => warnings.push(skip_warning(&name, &e)),
        }
    }
    (docs, warnings)
}

/// The warning for a file that is skipped.
pub fn skip_warning(name: &str, why: &SkipReason) -> String {
    format!("{name}: skipped: {why}")
}

/// The warning for a file skipped because an earlier file (`first`) has its document id.
pub fn duplicate_warning(name: &str, id: &str, first: &str) -> String {
    format!("{name}: skipped: duplicate document id {id} (already read from {first})")
}

/// The warnings of a file whose document is served: an empty body, questionable lines.
pub fn file_warnings(name: &str, p: &ParsedDocument) -> Vec<String> {
    let mut out = Vec::new();
    if p.units.is_empty() {
        out.push(format!(
            "{name}: has no body text after its header; only its card is served"
        ));
    }
    for (line, w) in &p.warnings {
        out.push(format!("{name}: line {line}: {w}"));
    }
    out
}

/// What a document gives the name index: the places names are written out (title, citation,
/// summary, header lines, labels) and the capitalised words of its body.
pub fn name_inputs(p: &ParsedDocument) -> names::NameInputs {
    let text = |weight: u32, times: u32, t: &str| names::NameText {
        weight,
        times,
        text: t.to_string(),
    };
    let mut texts = vec![text(3, 1, &p.meta.title)];
    texts.extend(p.meta.citation.as_deref().map(|c| text(1, 1, c)));
    texts.extend(p.meta.summary.as_deref().map(|s| text(2, 1, s)));
    texts.extend(p.header_text.iter().map(|h| text(2, 1, h)));
    // A label recurs in every turn of its speaker: each is added once, as often as used.
    let mut labels: Vec<(&str, u32)> = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for l in p.units.iter().filter_map(|u| u.label.as_ref()) {
        let k = *seen.entry(&l.raw).or_insert_with(|| {
            labels.push((&l.raw, 0));
            labels.len() - 1
        });
        labels[k].1 += 1;
    }
    texts.extend(labels.into_iter().map(|(raw, n)| text(2, n, raw)));
    let mut inputs = names::NameInputs {
        texts,
        body: Vec::new(),
    };
    inputs.count_body(p.units.iter().map(|u| u.text.as_str()));
    inputs
}

/// The name index of documents given by `inputs` of each item, numbered by their place. Shares
/// are indexed on all cores and merged in order, which gives the index one pass would.
fn name_index<T: Sync>(
    items: &[T],
    inputs: impl Fn(&T) -> Cow<names::NameInputs> + Sync,
) -> names::NameIndex {
    let share = items.len().div_ceil(crate::par::threads()).max(1);
    let chunks: Vec<(usize, &[T])> = items
        .chunks(share)
        .enumerate()
        .map(|(k, c)| (k * share, c))
        .collect();
    let mut parts = crate::par::map(&chunks, |&(first, docs)| {
        let mut ix = names::NameIndex::default();
        for (i, d) in (first..).zip(docs) {
            ix.add_inputs(i, &inputs(d));
        }
        ix
    })
    .into_iter();
    let mut ix = parts.next().unwrap_or_default();
    for part in parts {
        ix.merge(part);
    }
    ix
}

/// Groups a document's labels into speakers, names them, and numbers its passages; with the
/// questions it asked the name index ([`DocNames::keys`]). `doc_index` is the document's number
/// in `names`.
pub fn resolve(
    doc_index: usize,
    p: ParsedDocument,
    names: &names::NameIndex,
) -> (Document, Vec<NameKey>) {
    // Speaker groups: label keys → group index. Definitions join the long label and the alias.
    let mut groups: Vec<Group> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for u in p.units.iter().filter(|u| u.kind == UnitKind::Turn) {
        let l = u.label.as_ref().expect("turns have labels");
        let key = LabelInfo::key(&l.raw);
        let alias_key = l.alias.as_deref().map(LabelInfo::key);
        let g = by_key
            .get(&key)
            .or_else(|| alias_key.as_ref().and_then(|a| by_key.get(a)))
            .copied()
            .unwrap_or_else(|| {
                groups.push(Group::default());
                groups.len() - 1
            });
        let grp = &mut groups[g];
        by_key.insert(key, g);
        if let Some(a) = alias_key {
            by_key.insert(a, g);
            grp.alias = l.alias.clone();
            grp.long = Some(l.raw.clone());
        }
        *grp.uses.entry(l.raw.clone()).or_default() += 1;
        grp.turns += 1;
    }
    // `Antonov` after `S. Antonov`, `Zhou` after `Premier Zhou [Enlai]`: a label whose name words
    // all stand in exactly one other speaker's name is that speaker.
    let cores: Vec<Vec<String>> = groups
        .iter()
        .map(|g| names::split_title(&g.naming_label()).1)
        .collect();
    let mut merged_into: Vec<Option<usize>> = vec![None; groups.len()];
    for (i, core) in cores.iter().enumerate() {
        if groups[i].alias.is_some() {
            continue;
        }
        let hosts: Vec<usize> = (0..groups.len())
            .filter(|&j| {
                j != i && cores[j].len() > core.len() && core.iter().all(|w| cores[j].contains(w))
            })
            .collect();
        if let [host] = hosts[..] {
            merged_into[i] = Some(host);
        }
    }
    for i in 0..groups.len() {
        if let Some(h) = merged_into[i] {
            let g = std::mem::take(&mut groups[i]);
            for (k, v) in g.uses {
                *groups[h].uses.entry(k).or_default() += v;
            }
            groups[h].turns += g.turns;
        }
    }
    let mut index_of: Vec<Option<usize>> = vec![None; groups.len()];
    let mut speakers = Vec::new();
    let mut keys = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        if merged_into[i].is_some() {
            continue;
        }
        let (title, core) = names::split_title(&g.naming_label());
        let name = names.resolve(doc_index, &core, title.as_deref());
        if !core.is_empty() {
            keys.push(NameKey {
                forms: names.forms_digest(&core, title.as_deref()),
                core,
                title: title.clone(),
                name: name.clone(),
            });
        }
        let name = if name.is_empty() {
            g.naming_label()
        } else {
            name
        };
        let mut labels: Vec<String> = g.uses.keys().cloned().collect();
        if let Some(a) = &g.alias {
            labels.retain(|l| l != a);
            labels.insert(0, a.clone());
        }
        let label = g.alias.clone().unwrap_or_else(|| {
            g.uses
                .iter()
                .max_by_key(|(k, v)| (**v, std::cmp::Reverse(k.len())))
                .map(|(k, _)| k.clone())
                .unwrap_or_default()
        });
        index_of[i] = Some(speakers.len());
        speakers.push(Speaker {
            name,
            label,
            labels,
            // Filled in below, once every speaker has a name.
            role: title,
            turns: g.turns,
        });
    }
    for i in 0..groups.len() {
        if let Some(h) = merged_into[i] {
            index_of[i] = index_of[h];
        }
    }
    let names: Vec<String> = speakers.iter().map(|s| s.name.clone()).collect();
    let others: Vec<&str> = names.iter().map(String::as_str).collect();
    let texts: Vec<&str> = std::iter::once(p.meta.title.as_str())
        .chain(p.meta.summary.as_deref())
        .collect();
    for s in &mut speakers {
        let short: Vec<String> = s
            .labels
            .iter()
            .map(|l| names::split_title(l).1.join(" "))
            .filter(|c| !c.is_empty() && *c != s.name)
            .collect();
        let short: Vec<&str> = short.iter().map(String::as_str).collect();
        s.role = roles::role_of(&s.name, &short, &others, &p.fields, &texts, s.role.take());
    }

    let mut passages = vec![Passage {
        n: 0,
        kind: PassageKind::Header,
        speaker: None,
        text: header_passage_text(&p),
        line: 1,
    }];
    for u in p.units {
        let (kind, speaker) = match u.kind {
            UnitKind::Turn => {
                let l = u.label.as_ref().expect("turns have labels");
                let g = by_key.get(&LabelInfo::key(&l.raw)).copied();
                (PassageKind::Turn, g.and_then(|g| index_of[g]))
            }
            UnitKind::Paragraph => (PassageKind::Paragraph, None),
            UnitKind::Note => (PassageKind::Note, None),
        };
        let pieces = body::split_long(&u.text, MAX_PASSAGE_BYTES);
        if let [whole] = pieces[..] {
            if whole.len() == u.text.len() {
                // The unit is one passage (nearly always): its text is moved, not copied.
                passages.push(Passage {
                    n: passages.len() as u32,
                    kind,
                    speaker,
                    text: u.text,
                    line: u.line,
                });
                continue;
            }
        }
        for piece in pieces {
            passages.push(Passage {
                n: passages.len() as u32,
                kind,
                speaker,
                text: piece.to_string(),
                line: u.line,
            });
        }
    }
    let doc = Document {
        meta: p.meta,
        speakers,
        passages,
    };
    (doc, keys)
}

#[derive(Debug, Default)]
struct Group {
    alias: Option<String>,
    /// The label of the definition (`Vice Minister Ji`).
    long: Option<String>,
    uses: BTreeMap<String, u32>,
    turns: u32,
}

impl Group {
    /// The label that says most about the name: the definition's, else the longest used.
    fn naming_label(&self) -> String {
        self.long
            .clone()
            .or_else(|| self.uses.keys().max_by_key(|k| k.len()).cloned())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A corpus folder: the project's seed documents, a copy of one (a duplicate id) and a file
    /// with no header.
    fn seeds_and_strays() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let files = corpus_files(&seeds).unwrap();
        for f in &files {
            std::fs::copy(f, dir.path().join(f.file_name().unwrap())).unwrap();
        }
        std::fs::copy(&files[0], dir.path().join("zz-copy.txt")).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "nothing but a line\n").unwrap();
        dir
    }

    #[test]
    fn a_survey_then_each_document_gives_what_a_whole_load_gives() {
        let dir = seeds_and_strays();
        let base = DEFAULT_CANONICAL_BASE;
        let whole = Corpus::load(dir.path(), base).unwrap();
        let files = corpus_files(dir.path()).unwrap();
        let survey = Survey::of(dir.path(), &files, base);
        assert_eq!(survey.warnings, whole.warnings);
        assert_eq!(whole.warnings.len(), 2, "{:?}", whole.warnings);
        assert_eq!(survey.docs.len(), whole.documents.len());
        assert_eq!(survey.name_index.encode(), whole.name_index.encode());
        for (i, doc) in whole.documents.iter().enumerate() {
            // Once the name index has them, a survey keeps only the body counts.
            assert_eq!(survey.docs[i].inputs.body(), whole.names[i].inputs.body);
            let (again, keys) = survey.document(i, base).unwrap();
            assert_eq!(&again, doc);
            assert_eq!(keys, whole.names[i].keys);
            assert_eq!(survey.docs[i].passages, doc.passages.len());
            let text: usize = doc.passages.iter().map(|p| p.text.len()).sum();
            assert_eq!(survey.docs[i].text_bytes, text as u64);
        }
    }

    #[test]
    fn a_file_gone_or_given_another_id_after_the_survey_is_named() {
        let dir = seeds_and_strays();
        let base = DEFAULT_CANONICAL_BASE;
        let files = corpus_files(dir.path()).unwrap();
        let survey = Survey::of(dir.path(), &files, base);
        std::fs::remove_file(&survey.docs[0].path).unwrap();
        let e = survey.document(0, base).unwrap_err();
        assert_eq!(e.0, survey.docs[0].name);
        let other = std::fs::read_to_string(&survey.docs[2].path).unwrap();
        std::fs::write(&survey.docs[1].path, other).unwrap();
        let e = survey.document(1, base).unwrap_err().to_string();
        assert!(e.contains("document id is now"), "{e}");
        assert!(survey.document(2, base).is_ok());
    }

    #[test]
    fn a_file_is_named_by_its_path_within_the_corpus_with_slashes() {
        let dir = Path::new("/srv/corpus");
        let cases = [
            ("/srv/corpus/a.txt", "a.txt"),
            ("/srv/corpus/guild-42/lesson 3.md", "guild-42/lesson 3.md"),
            ("/srv/corpus/guild-42//x.txt", "guild-42/x.txt"),
            ("/srv/corpus/./guild-42/./x.txt", "guild-42/x.txt"),
            ("/srv/corpus/a./b.txt", "a./b.txt"),
        ];
        for (path, name) in cases {
            assert_eq!(corpus_name(dir, Path::new(path)), name, "{path}");
        }
    }
}
