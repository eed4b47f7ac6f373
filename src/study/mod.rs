//! Study tools for a history class, beside question answering: is a quotation really in the
//! sources ([`verify`]), every use of a word in context ([`contexts`], Voyant's *Contexts*,
//! AntConc's *KWIC*), a word's use over time as figures and a chart ([`trend`], [`chart`]), and
//! examples of each that work on the corpus in service ([`examples`]).
//!
//! Each tool reads the engine's current [`Snapshot`] and returns plain `Serialize` data (its own
//! answer type lives in its own module); the terminal, `--json` and Discord render it. Nothing
//! here knows Discord. Every tool takes a [`Scope`]: the documents a server may see (`None`: the
//! whole corpus), so that per-server collections apply to them as to questions.
//!
//! What the tools share lives here: the analyzer with token positions (the index's own, so a
//! phrase is matched exactly as the index holds it), the filters a search is narrowed by
//! (documents, speakers), loading a passage, and the order of documents by date.

pub mod chart;
mod closest;
pub mod contexts;
mod count;
pub mod examples;
pub mod trend;
pub mod verify;
mod words;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use tantivy::columnar::ColumnValues;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery, TermSetQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Searcher, SegmentReader, TantivyDocument, Term};

use crate::index::schema::{name_key, DOC_ORD, PASSAGE};
use crate::search::{NotFound, Snapshot};

pub use contexts::{contexts, Contexts, ContextsRequest, DocCount, KwicLine};
pub use trend::{trend, Point, Series, Trend, TrendRequest, Unit};
pub use verify::{verify, Change, ChangeKind, Closest, Verdict, Verification, VerifyRequest};

/// The documents a request may see (a server's collections); `None`: the whole corpus.
pub type Scope<'a> = Option<&'a BTreeSet<String>>;

/// One analysed word: its position (as the index counts them), byte range and stem.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stem {
    pub position: u32,
    pub from: usize,
    pub to: usize,
    pub stem: String,
}

thread_local! {
    // Building an analyzer costs more than analysing a sentence: one per thread.
    static ANALYZER: RefCell<TextAnalyzer> = RefCell::new(crate::index::schema::analyzer());
}

/// The words of `text` as the index counts them.
pub(crate) fn word_count(text: &str) -> u64 {
    ANALYZER.with(|a| {
        let mut a = a.borrow_mut();
        let mut ts = a.token_stream(text);
        let mut n = 0;
        while ts.advance() {
            n += 1;
        }
        n
    })
}

/// The index's analyzer over `text`: each word with its position, byte range and stem.
pub(crate) fn analyze(text: &str) -> Vec<Stem> {
    ANALYZER.with(|a| {
        let mut a = a.borrow_mut();
        let mut ts = a.token_stream(text);
        let mut out = Vec::new();
        while ts.advance() {
            let t = ts.token();
            out.push(Stem {
                position: t.position as u32,
                from: t.offset_from,
                to: t.offset_to,
                stem: t.text.clone(),
            });
        }
        out
    })
}

/// A term as the index holds it: its stems with their positions relative to the first
/// (`normal conditions` → `[(0, "normal"), (1, "condit")]`). Empty when it has no words.
pub(crate) fn term_stems(term: &str) -> Vec<(u32, String)> {
    let stems = analyze(term);
    let first = stems.first().map_or(0, |s| s.position);
    stems
        .into_iter()
        .map(|s| (s.position - first, s.stem))
        .collect()
}

/// What a search is narrowed to: documents (by id) and speakers (by full name).
#[derive(Debug, Clone, Default)]
pub(crate) struct Narrowing {
    /// `None`: every document.
    pub docs: Option<Vec<String>>,
    pub speakers: Vec<String>,
}

impl Narrowing {
    /// The documents a request may see: the one it names (which must exist and be in scope),
    /// else the scope.
    pub fn documents(
        snap: &Snapshot,
        doc: Option<&str>,
        scope: Scope,
    ) -> Result<Narrowing, NotFound> {
        let docs = match doc.map(str::trim).filter(|d| !d.is_empty()) {
            Some(id) => {
                let card = snap.document(id)?;
                if scope.is_some_and(|s| !s.contains(&card.doc_id)) {
                    return Err(NotFound {
                        what: card.doc_id,
                        suggestions: Vec::new(),
                    });
                }
                Some(vec![card.doc_id])
            }
            None => scope.map(|s| {
                let mut v: Vec<String> = s.iter().cloned().collect();
                v.sort();
                v
            }),
        };
        Ok(Narrowing {
            docs,
            speakers: Vec::new(),
        })
    }

    /// The query matching the passages this narrowing allows; `None` when it allows all.
    pub fn query(&self, snap: &Snapshot) -> Option<Box<dyn Query>> {
        let f = snap.open_index().fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(docs) = &self.docs {
            let terms = docs.iter().map(|d| Term::from_field_text(f.doc_id, d));
            clauses.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
        }
        if !self.speakers.is_empty() {
            let keys = self
                .speakers
                .iter()
                .map(|n| Term::from_field_text(f.speaker_key, &name_key(n)));
            clauses.push((Occur::Must, Box::new(TermSetQuery::new(keys))));
        }
        match clauses.len() {
            0 => None,
            _ => Some(Box::new(BooleanQuery::new(clauses))),
        }
    }

    /// `q` within this narrowing.
    pub fn wrap(&self, snap: &Snapshot, q: Box<dyn Query>) -> Box<dyn Query> {
        match self.query(snap) {
            None => q,
            Some(filter) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, q),
                (Occur::Must, filter),
            ])),
        }
    }
}

/// The full names a speaker option names (any name, surname or label), most turns first.
pub(crate) fn speaker_names(snap: &Snapshot, typed: &str) -> Vec<String> {
    let lex = snap.lexicon();
    lex.lookup(typed)
        .into_iter()
        .map(|i| lex.names[i].clone())
        .collect()
}

/// A passage loaded from the index.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    pub doc_id: String,
    pub passage: u32,
    pub speaker: Option<String>,
    pub text: String,
}

/// The stored passage at `addr`.
pub(crate) fn load(snap: &Snapshot, searcher: &Searcher, addr: DocAddress) -> Option<Loaded> {
    let d: TantivyDocument = searcher.doc(addr).ok()?;
    let f = snap.open_index().fields;
    let text_of = |field| {
        d.get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    Some(Loaded {
        doc_id: text_of(f.doc_id)?,
        passage: d.get_first(f.passage).and_then(|v| v.as_u64()).unwrap_or(0) as u32,
        speaker: text_of(f.speaker),
        text: text_of(f.text).unwrap_or_default(),
    })
}

/// A term query on the passage text.
pub(crate) fn text_term(snap: &Snapshot, stem: &str, freqs: bool) -> Box<dyn Query> {
    let f = snap.open_index().fields;
    let option = if freqs {
        IndexRecordOption::WithFreqs
    } else {
        IndexRecordOption::Basic
    };
    Box::new(TermQuery::new(Term::from_field_text(f.text, stem), option))
}

/// The fast fields of one segment: which document (catalog index) and passage each entry is.
pub(crate) struct Places {
    doc: Arc<dyn ColumnValues<u64>>,
    passage: Arc<dyn ColumnValues<u64>>,
}

impl Places {
    pub fn of(seg: &SegmentReader) -> Option<Places> {
        let ff = seg.fast_fields();
        Some(Places {
            doc: ff.u64(DOC_ORD).ok()?.first_or_default_col(u64::MAX),
            passage: ff.u64(PASSAGE).ok()?.first_or_default_col(0),
        })
    }

    /// (catalog index of the document, passage number) of a segment's entry.
    pub fn get(&self, doc: u32) -> Option<(usize, u32)> {
        let d = self.doc.get_val(doc);
        (d != u64::MAX).then(|| (d as usize, self.passage.get_val(doc) as u32))
    }
}

/// A value worked out once per index in service (keyed by the index directory's name), for
/// what depends on the whole corpus: the documents' date order, their word counts.
pub(crate) struct PerIndex<T>(Mutex<Option<(String, Arc<T>)>>);

impl<T> PerIndex<T> {
    pub const fn new() -> PerIndex<T> {
        PerIndex(Mutex::new(None))
    }

    /// The value for `snap`'s index, made by `make` when it has none yet.
    pub fn get(&self, snap: &Snapshot, make: impl FnOnce() -> T) -> Arc<T> {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((name, v)) = slot.as_ref() {
            if name == snap.index_name() {
                return v.clone();
            }
        }
        let v = Arc::new(make());
        *slot = Some((snap.index_name().to_string(), v.clone()));
        v
    }
}

/// Each document's place in date order, by catalog index (see [`date_ranks`]), once per index.
pub(crate) fn ranks(snap: &Snapshot) -> Arc<Vec<usize>> {
    static RANKS: PerIndex<Vec<usize>> = PerIndex::new();
    RANKS.get(snap, || date_ranks(&snap.open_index().catalog.documents))
}

/// (catalog index of the document, passage number) of each address.
pub(crate) fn places_of(searcher: &Searcher, addrs: &[DocAddress]) -> Vec<Option<(usize, u32)>> {
    let mut segments: Vec<Option<Option<Places>>> = Vec::new();
    segments.resize_with(searcher.segment_readers().len(), || None);
    addrs
        .iter()
        .map(|a| {
            let places = segments
                .get_mut(a.segment_ord as usize)?
                .get_or_insert_with(|| Places::of(searcher.segment_reader(a.segment_ord)));
            places.as_ref()?.get(a.doc_id)
        })
        .collect()
}

/// Each document's place in date order (by catalog index): dated documents first, oldest
/// first, then undated ones, each group in corpus order.
pub(crate) fn date_ranks(documents: &crate::index::catalog::Records) -> Vec<usize> {
    let dates: Vec<Option<&str>> = documents.iter().map(|d| d.meta.date.as_deref()).collect();
    let mut order: Vec<usize> = (0..dates.len()).collect();
    order.sort_by(|&a, &b| {
        let (da, db) = (&dates[a], &dates[b]);
        da.is_none()
            .cmp(&db.is_none())
            .then_with(|| da.cmp(db))
            .then_with(|| a.cmp(&b))
    });
    let mut rank = vec![0; dates.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_stems_are_relative_positions() {
        assert_eq!(
            term_stems("Normal  conditions"),
            vec![(0, "normal".to_string()), (1, "condit".to_string())]
        );
        assert_eq!(term_stems(" ... "), vec![]);
        let s = term_stems("repatriated");
        assert_eq!(s, term_stems("repatriation"));
    }
}
