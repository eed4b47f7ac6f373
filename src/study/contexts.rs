//! `/contexts`, `archivist contexts`: every use of a word or phrase as keyword-in-context lines
//! (left context, the match, right context), in document date order, with the count per document.
//!
//! Matching is by stems, with the index's analyzer: `repatriate` finds repatriation and
//! repatriated; a phrase's words must follow one another. The counts come from the index's
//! postings ([`super::count::occurrences`]); the lines of the page asked for are found in those
//! passages' text with the same analyzer, so `left + match + right` is always verbatim text of
//! the passage, and a test checks the lines against the counts.

use serde::{Deserialize, Serialize};
use tantivy::DocAddress;

use super::count::{in_text, occurrences, Hit};
use super::{analyze, load, ranks, speaker_names, term_stems, Narrowing, Scope};
use crate::search::{NotFound, Snapshot};

/// Characters of context either side, by default and at most.
pub const DEFAULT_WIDTH: usize = 40;
pub const MAX_WIDTH: usize = 300;
/// Longest term read, in characters.
pub const MAX_TERM_CHARS: usize = 200;

/// What to look up.
#[derive(Debug, Clone, Default)]
pub struct ContextsRequest {
    pub term: String,
    /// Only this speaker's turns (any name, surname or label).
    pub speaker: Option<String>,
    /// Only this document.
    pub doc: Option<String>,
    /// Characters of context either side (0: [`DEFAULT_WIDTH`]).
    pub width: usize,
    /// Lines to skip (paging) and lines wanted (0: all).
    pub offset: usize,
    pub limit: usize,
}

/// Every use of a term. Field names are the `contexts --json` contract: add, don't rename.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contexts {
    /// The term as looked up (cleaned).
    pub term: String,
    /// Uses in all (every page).
    pub total: u64,
    /// Uses per document, in date order.
    pub per_document: Vec<DocCount>,
    /// The uses on this page, in date order, then passage, then place in the passage.
    pub lines: Vec<KwicLine>,
    /// Index of the first line shown among all uses.
    pub offset: usize,
    /// The speakers the uses were restricted to (full names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub speakers: Vec<String>,
    /// The document they were restricted to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How often a document uses the term.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocCount {
    pub doc_id: String,
    pub date: Option<String>,
    pub count: u64,
    pub title: String,
}

/// One use: `left + match + right` is verbatim text of the passage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KwicLine {
    pub doc_id: String,
    pub passage: u32,
    pub speaker: Option<String>,
    pub left: String,
    #[serde(rename = "match")]
    pub matched: String,
    pub right: String,
}

/// Every use of `req.term` in the passages `scope` allows. An unknown document is an error;
/// anything else (no words, an unknown speaker, no uses) is an answer that says so.
pub fn contexts(
    snap: &Snapshot,
    req: &ContextsRequest,
    scope: Scope,
) -> Result<Contexts, NotFound> {
    let cleaned = crate::search::question::clean_text(&req.term);
    let term: String = cleaned.chars().take(MAX_TERM_CHARS).collect();
    let mut narrow = Narrowing::documents(snap, req.doc.as_deref(), scope)?;
    let mut out = Contexts {
        term: term.clone(),
        total: 0,
        per_document: Vec::new(),
        lines: Vec::new(),
        offset: req.offset,
        speakers: Vec::new(),
        doc_id: req
            .doc
            .as_ref()
            .and(narrow.docs.as_ref())
            .and_then(|d| d.first().cloned()),
        note: None,
    };
    if let Some(typed) = req
        .speaker
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        narrow.speakers = speaker_names(snap, typed);
        if narrow.speakers.is_empty() {
            out.note = Some(format!("No one called {typed} speaks in the archive."));
            return Ok(out);
        }
        out.speakers = narrow.speakers.clone();
    }
    let stems = term_stems(&term);
    if stems.is_empty() {
        out.note = Some("The term has no words to look for.".into());
        return Ok(out);
    }
    let searcher = snap.open_index().reader.searcher();
    let filter = narrow.query(snap);
    let mut hits = occurrences(
        &searcher,
        snap.open_index().fields.text,
        &stems,
        filter.as_deref(),
    )
    .unwrap_or_default();
    let ranks = ranks(snap);
    hits.sort_by_key(|h| (ranks.get(h.doc_ord).copied(), h.doc_ord, h.passage));
    out.total = hits.iter().map(|h| u64::from(h.count)).sum();
    out.per_document = per_document(snap, &hits);
    let width = match req.width {
        0 => DEFAULT_WIDTH,
        w => w.min(MAX_WIDTH),
    };
    let limit = if req.limit == 0 {
        usize::MAX
    } else {
        req.limit
    };
    out.lines = page(snap, &searcher, &hits, &stems, width, req.offset, limit);
    Ok(out)
}

/// The counts per document, in the hits' (date) order.
fn per_document(snap: &Snapshot, hits: &[Hit]) -> Vec<DocCount> {
    let docs = &snap.open_index().catalog.documents;
    hits.chunk_by(|a, b| a.doc_ord == b.doc_ord)
        .filter_map(|group| {
            let d = docs.get(group[0].doc_ord)?;
            Some(DocCount {
                doc_id: d.meta.id.clone(),
                date: d.meta.date.clone(),
                count: group.iter().map(|h| u64::from(h.count)).sum(),
                title: d.meta.title.clone(),
            })
        })
        .collect()
}

/// The lines `offset..offset + limit` of all uses: only the passages they are in are loaded.
fn page(
    snap: &Snapshot,
    searcher: &tantivy::Searcher,
    hits: &[Hit],
    term: &[(u32, String)],
    width: usize,
    offset: usize,
    limit: usize,
) -> Vec<KwicLine> {
    let mut out = Vec::new();
    let mut seen = 0usize;
    for h in hits {
        let n = h.count as usize;
        if seen + n <= offset {
            seen += n;
            continue;
        }
        if out.len() >= limit {
            break;
        }
        let addr = DocAddress::new(h.segment, h.doc);
        let Some(p) = load(snap, searcher, addr) else {
            seen += n;
            continue;
        };
        let stems = analyze(&p.text);
        for (i, (a, b)) in in_text(&stems, term).into_iter().enumerate() {
            if seen + i < offset || out.len() >= limit {
                continue;
            }
            let (from, to) = (stems[a].from, stems[b].to);
            let (left, right) = context(&p.text, from, to, width);
            out.push(KwicLine {
                doc_id: p.doc_id.clone(),
                passage: p.passage,
                speaker: p.speaker.clone(),
                left: p.text[left..from].to_string(),
                matched: p.text[from..to].to_string(),
                right: p.text[to..right].to_string(),
            });
        }
        seen += n;
    }
    out
}

/// Byte offsets where the context of `text[from..to]` starts and ends: about `width`
/// characters either side, cut at a word boundary when one is near.
fn context(text: &str, from: usize, to: usize, width: usize) -> (usize, usize) {
    let before: Vec<usize> = text[..from].char_indices().map(|(i, _)| i).collect();
    let mut left = before.len().checked_sub(width).map_or(0, |k| before[k]);
    if left > 0 && !text[..left].ends_with(char::is_whitespace) {
        // Mid-word: start at the next word, if there is one before the match.
        if let Some(sp) = text[left..from].find(char::is_whitespace) {
            left += sp;
        }
        left += text[left..from].len() - text[left..from].trim_start().len();
    }
    let after: Vec<usize> = text[to..]
        .char_indices()
        .map(|(i, c)| to + i + c.len_utf8())
        .collect();
    let mut right = after
        .get(width.saturating_sub(1))
        .copied()
        .unwrap_or(text.len());
    if width == 0 {
        right = to;
    }
    if right < text.len() && !text[right..].starts_with(char::is_whitespace) {
        if let Some(sp) = text[to..right].rfind(char::is_whitespace) {
            right = to + sp;
        }
    }
    let right = to + text[to..right].trim_end().len();
    (left, right)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use tantivy::collector::DocSetCollector;
    use tantivy::query::PhraseQuery;
    use tantivy::schema::IndexRecordOption;
    use tantivy::{DocSet, Term, TERMINATED};

    fn seeds() -> (crate::search::Engine, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let engine = crate::search::Engine::open(crate::search::EngineOptions {
            corpus_dir: "seeds".into(),
            data_dir: dir.path().to_path_buf(),
            canonical_base: crate::corpus::DEFAULT_CANONICAL_BASE.into(),
            max_question_chars: 1000,
            quote_max_chars: 400,
            default_limit: 5,
            paraphrases: true,
        })
        .unwrap();
        (engine, dir)
    }

    /// The lines found in each passage's text, counted per (document, passage).
    fn lines_per_passage(snap: &Snapshot, term: &str) -> HashMap<(String, u32), u64> {
        let req = ContextsRequest {
            term: term.into(),
            ..Default::default()
        };
        let c = contexts(snap, &req, None).unwrap();
        let mut out = HashMap::new();
        for l in c.lines {
            *out.entry((l.doc_id, l.passage)).or_default() += 1;
        }
        out
    }

    /// (document, passage) of a segment's entry, through the stored fields.
    fn place(snap: &Snapshot, searcher: &tantivy::Searcher, seg: u32, doc: u32) -> (String, u32) {
        let p = super::super::load(snap, searcher, DocAddress::new(seg, doc)).unwrap();
        (p.doc_id, p.passage)
    }

    #[test]
    fn lines_found_in_the_text_are_the_postings_term_frequencies() {
        let (engine, _dir) = seeds();
        let snap = engine.snapshot();
        let searcher = snap.open_index().reader.searcher();
        let field = snap.open_index().fields.text;
        for word in [
            "repatriate",
            "border",
            "the",
            "soviet",
            "measures",
            "region",
        ] {
            let stem = &crate::study::term_stems(word)[0].1;
            let mut tf: HashMap<(String, u32), u64> = HashMap::new();
            for (ord, seg) in searcher.segment_readers().iter().enumerate() {
                let inv = seg.inverted_index(field).unwrap();
                let term = Term::from_field_text(field, stem);
                let Some(mut p) = inv
                    .read_postings(&term, IndexRecordOption::WithFreqs)
                    .unwrap()
                else {
                    continue;
                };
                while p.doc() != TERMINATED {
                    let at = place(&snap, &searcher, ord as u32, p.doc());
                    tf.insert(at, u64::from(tantivy::postings::Postings::term_freq(&p)));
                    p.advance();
                }
            }
            assert!(!tf.is_empty(), "{word}");
            assert_eq!(lines_per_passage(&snap, word), tf, "{word}");
        }
    }

    #[test]
    fn phrases_are_found_in_the_passages_a_phrase_query_finds() {
        let (engine, _dir) = seeds();
        let snap = engine.snapshot();
        let searcher = snap.open_index().reader.searcher();
        let field = snap.open_index().fields.text;
        for phrase in [
            "normal conditions",
            "Soviet Union",
            "cross the border",
            "the Soviet side",
        ] {
            let terms: Vec<Term> = crate::study::term_stems(phrase)
                .into_iter()
                .map(|(_, s)| Term::from_field_text(field, &s))
                .collect();
            let found = searcher
                .search(&PhraseQuery::new(terms), &DocSetCollector)
                .unwrap();
            let mut want: Vec<(String, u32)> = found
                .into_iter()
                .map(|a| place(&snap, &searcher, a.segment_ord, a.doc_id))
                .collect();
            want.sort();
            let mut got: Vec<(String, u32)> =
                lines_per_passage(&snap, phrase).into_keys().collect();
            got.sort();
            assert!(!want.is_empty(), "{phrase}");
            assert_eq!(got, want, "{phrase}");
        }
    }

    #[test]
    fn context_is_cut_at_words_and_stays_inside_the_text() {
        let text = "we have repeatedly expressed our opinions on this matter and we still stick";
        let from = text.find("opinions").unwrap();
        let to = from + "opinions".len();
        let (l, r) = context(text, from, to, 20);
        assert_eq!(&text[l..from], "expressed our ");
        assert_eq!(&text[to..r], " on this matter and");
        let (l, r) = context(text, 0, 2, 500);
        assert_eq!((l, r), (0, text.len()));
        let (l, r) = context("ωω opinions ωω", 5, 13, 2);
        assert!(l <= 5 && r >= 13);
    }
}
