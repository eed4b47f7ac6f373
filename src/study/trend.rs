//! `/trend`, `archivist trend`: how often each of up to three words or phrases is used per
//! 10,000 words, document by document (or month by month) in date order — the figures behind
//! the chart ([`super::chart`]) and its CSV ([`csv`]).
//!
//! Uses are counted from the index's postings, as `contexts` counts them
//! ([`super::count::occurrences`]); a document's words are the words the index holds for it
//! (every passage, header included), counted once per index in service.

use serde::{Deserialize, Serialize};
use tantivy::schema::Value;
use tantivy::TantivyDocument;

use super::count::occurrences;
use super::{ranks, term_stems, word_count, Narrowing, PerIndex, Places, Scope};
use crate::search::Snapshot;

/// Terms compared in one chart, at most.
pub const MAX_TERMS: usize = 3;
/// Longest term read, in characters.
pub const MAX_TERM_CHARS: usize = 100;

/// What each point of a series stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    #[default]
    Document,
    Month,
}

impl Unit {
    pub fn parse(s: &str) -> Option<Unit> {
        match s.trim().to_lowercase().as_str() {
            "document" | "documents" | "doc" => Some(Unit::Document),
            "month" | "months" => Some(Unit::Month),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Document => "document",
            Unit::Month => "month",
        }
    }
}

/// The terms to chart and per what.
#[derive(Debug, Clone, Default)]
pub struct TrendRequest {
    pub terms: Vec<String>,
    pub unit: Unit,
}

/// The figures. Field names are the `trend --json` contract: add, don't rename.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    pub terms: Vec<String>,
    pub unit: Unit,
    pub series: Vec<Series>,
    /// Documents the figures cover.
    pub documents: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One term's figures, one point per document (or month) in date order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub term: String,
    /// Uses in all.
    pub total: u64,
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// The document (per document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_id: Option<String>,
    /// The month, `YYYY-MM` (per month).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    /// The document's date (per document), or the month.
    pub date: Option<String>,
    pub count: u64,
    /// Words of the document (or of the month's documents).
    pub words: u64,
    /// `count` per 10,000 `words`, rounded to two decimals.
    pub per_10k: f64,
}

impl Point {
    /// What the point stands for: the document id or the month.
    pub fn key(&self) -> &str {
        self.doc_id
            .as_deref()
            .or(self.month.as_deref())
            .unwrap_or("")
    }
}

/// Terms as a user types them: comma-separated (each a word or a phrase), blanks and repeats
/// dropped; the second value says how many were left out beyond [`MAX_TERMS`].
pub fn parse_terms<S: AsRef<str>>(typed: &[S]) -> (Vec<String>, usize) {
    let mut out: Vec<String> = Vec::new();
    for t in typed.iter().flat_map(|s| s.as_ref().split(',')) {
        let t: String = crate::search::question::clean_text(t)
            .chars()
            .take(MAX_TERM_CHARS)
            .collect();
        if !t.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&t)) {
            out.push(t);
        }
    }
    let extra = out.len().saturating_sub(MAX_TERMS);
    out.truncate(MAX_TERMS);
    (out, extra)
}

/// The figures for `req.terms` over the documents `scope` allows. Never fails: terms without
/// words, or no documents, give empty series and a note.
pub fn trend(snap: &Snapshot, req: &TrendRequest, scope: Scope) -> Trend {
    let (terms, extra) = parse_terms(&req.terms);
    let mut notes: Vec<String> = Vec::new();
    if extra > 0 {
        notes.push(format!(
            "Only the first {MAX_TERMS} terms are charted ({extra} left out)."
        ));
    }
    let docs = documents(snap, scope, req.unit, &mut notes);
    let searcher = snap.open_index().reader.searcher();
    let narrow = Narrowing::documents(snap, None, scope).unwrap_or_default();
    let filter = narrow.query(snap);
    let series = terms
        .iter()
        .map(|term| {
            let stems = term_stems(term);
            if stems.is_empty() {
                notes.push(format!("“{term}” has no words to count."));
            }
            let mut counts = vec![0u64; snap.open_index().catalog.documents.len()];
            let hits = occurrences(
                &searcher,
                snap.open_index().fields.text,
                &stems,
                filter.as_deref(),
            )
            .unwrap_or_default();
            for h in hits {
                if let Some(c) = counts.get_mut(h.doc_ord) {
                    *c += u64::from(h.count);
                }
            }
            series_of(term, &docs, &counts, req.unit)
        })
        .collect();
    Trend {
        terms,
        unit: req.unit,
        series,
        documents: docs.len(),
        note: (!notes.is_empty()).then(|| notes.join(" ")),
    }
}

/// A document a trend covers: catalog index, id, date, words.
struct Doc {
    ord: usize,
    id: String,
    date: Option<String>,
    words: u64,
}

/// The documents in scope that have words (and, per month, a month), in date order.
fn documents(snap: &Snapshot, scope: Scope, unit: Unit, notes: &mut Vec<String>) -> Vec<Doc> {
    let words = words_per_document(snap);
    let ranks = ranks(snap);
    let catalog = &snap.open_index().catalog.documents;
    let mut docs: Vec<Doc> = catalog
        .iter()
        .enumerate()
        .filter(|(_, d)| scope.is_none_or(|s| s.contains(&d.meta.id)))
        .map(|(i, d)| Doc {
            ord: i,
            id: d.meta.id.clone(),
            date: d.meta.date.clone(),
            words: words.get(i).copied().unwrap_or(0),
        })
        .filter(|d| d.words > 0)
        .collect();
    docs.sort_by_key(|d| ranks.get(d.ord).copied());
    if unit == Unit::Month {
        let before = docs.len();
        docs.retain(|d| d.date.as_deref().and_then(month_of).is_some());
        let left_out = before - docs.len();
        if left_out > 0 {
            notes.push(format!(
                "{left_out} document{} without a month in {} date left out.",
                if left_out == 1 { "" } else { "s" },
                if left_out == 1 { "its" } else { "their" }
            ));
        }
    }
    docs
}

/// `YYYY-MM` of an ISO date that has a month.
fn month_of(iso: &str) -> Option<String> {
    let m = iso.get(..7)?;
    (m.as_bytes().get(4) == Some(&b'-')).then(|| m.to_string())
}

/// One term's points over `docs` (in date order), per document or per month.
fn series_of(term: &str, docs: &[Doc], counts: &[u64], unit: Unit) -> Series {
    let count = |d: &Doc| counts.get(d.ord).copied().unwrap_or(0);
    let points: Vec<Point> = match unit {
        Unit::Document => docs
            .iter()
            .map(|d| point(Some(d.id.clone()), None, d.date.clone(), count(d), d.words))
            .collect(),
        Unit::Month => docs
            .chunk_by(|a, b| {
                a.date.as_deref().and_then(month_of) == b.date.as_deref().and_then(month_of)
            })
            .map(|group| {
                let month = group[0].date.as_deref().and_then(month_of);
                let c = group.iter().map(count).sum();
                let w = group.iter().map(|d| d.words).sum();
                point(None, month.clone(), month, c, w)
            })
            .collect(),
    };
    Series {
        term: term.to_string(),
        total: points.iter().map(|p| p.count).sum(),
        points,
    }
}

fn point(
    doc_id: Option<String>,
    month: Option<String>,
    date: Option<String>,
    count: u64,
    words: u64,
) -> Point {
    let per = count as f64 * 10_000.0 / words.max(1) as f64;
    Point {
        doc_id,
        month,
        date,
        count,
        words,
        per_10k: (per * 100.0).round() / 100.0,
    }
}

/// The words of each document (by catalog index), as the index's analyzer counts them; read
/// from the stored passages once per index in service.
fn words_per_document(snap: &Snapshot) -> std::sync::Arc<Vec<u64>> {
    static WORDS: PerIndex<Vec<u64>> = PerIndex::new();
    WORDS.get(snap, || {
        let ix = snap.open_index();
        let searcher = ix.reader.searcher();
        let text = ix.fields.text;
        let per_segment = crate::par::map(searcher.segment_readers(), |seg| {
            let mut out: Vec<(usize, u64)> = Vec::new();
            let (Some(places), Ok(store)) = (Places::of(seg), seg.get_store_reader(8)) else {
                return out;
            };
            let alive = seg.alive_bitset();
            for doc in 0..seg.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                let (Some((ord, _)), Ok(d)) = (places.get(doc), store.get::<TantivyDocument>(doc))
                else {
                    continue;
                };
                let n = d
                    .get_first(text)
                    .and_then(|v| v.as_str())
                    .map_or(0, word_count);
                out.push((ord, n));
            }
            out
        });
        let mut words = vec![0u64; ix.catalog.documents.len()];
        for (ord, n) in per_segment.into_iter().flatten() {
            if let Some(w) = words.get_mut(ord) {
                *w += n;
            }
        }
        words
    })
}

/// The figures as CSV: one row per term and point.
pub fn csv(t: &Trend) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = format!("term,{},date,count,words,per_10k\n", t.unit.as_str());
    for s in &t.series {
        for p in &s.points {
            out.push_str(&format!(
                "{},{},{},{},{},{:.2}\n",
                field(&s.term),
                field(p.key()),
                field(p.date.as_deref().unwrap_or("")),
                p.count,
                p.words,
                p.per_10k
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_split_at_commas_cleaned_and_capped() {
        let (t, extra) = parse_terms(&["border, repatriate ,, Border", "a b,c,d"]);
        assert_eq!(t, ["border", "repatriate", "a b"]);
        assert_eq!(extra, 2);
        assert_eq!(month_of("1962-06-08").as_deref(), Some("1962-06"));
        assert_eq!(month_of("1962"), None);
    }

    #[test]
    fn points_are_per_10000_words_and_csv_quotes_fields() {
        let p = point(Some("1".into()), None, None, 3, 4000);
        assert_eq!(p.per_10k, 7.5);
        let t = Trend {
            terms: vec!["a, b".into()],
            unit: Unit::Document,
            series: vec![Series {
                term: "a, b".into(),
                total: 3,
                points: vec![p],
            }],
            documents: 1,
            note: None,
        };
        assert_eq!(
            csv(&t),
            "term,document,date,count,words,per_10k\n\"a, b\",1,,3,4000,7.50\n"
        );
    }
}
