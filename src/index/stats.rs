//! BM25 statistics that leave deleted passages out, so that an index updated in place scores
//! every passage exactly as a full rebuild of the same corpus would.
//!
//! An incremental update ([`super::update`]) marks the passages of changed documents deleted in
//! their old segments and adds the new ones in a segment of their own. tantivy's own statistics
//! still count the deleted passages (a term's document frequency and a field's token count are
//! read from the segment's term dictionary, written once), which would shift every score a
//! little. [`Deleted`] holds what the deleted passages contributed — their tokens and the terms
//! they hold, found by running the index's analyzer over their stored text when the index is
//! opened — and [`Stats`] subtracts it. Deleted passages are few (the merge policy rewrites a
//! segment once many of its passages are deleted, see [`super::merge`]), so this costs little.

use std::collections::HashMap;

use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, Value};
use tantivy::tokenizer::TokenStream;
use tantivy::{DocId, Searcher, TantivyDocument, Term};

/// Longest token tantivy indexes; longer ones are dropped, so they are not counted either.
const MAX_TOKEN_LEN: usize = u16::MAX as usize - 5;

/// What the deleted passages of an index contributed to the `text` field's statistics.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Deleted {
    /// Deleted passages.
    pub passages: u64,
    /// Their tokens.
    pub tokens: u64,
    /// Per term (as indexed): how many deleted passages hold it.
    pub doc_freq: HashMap<String, u64>,
}

impl Deleted {
    /// Reads the deleted passages of every segment of `searcher` (none in an index built whole).
    pub fn of(searcher: &Searcher, text: Field) -> tantivy::Result<Deleted> {
        let mut out = Deleted::default();
        let mut analyzer = super::schema::analyzer();
        for seg in searcher.segment_readers() {
            let Some(alive) = seg.alive_bitset() else {
                continue;
            };
            let store = seg.get_store_reader(1)?;
            for doc in (0..seg.max_doc()).filter(|&d: &DocId| alive.is_deleted(d)) {
                let d: TantivyDocument = store.get(doc)?;
                let body = d.get_first(text).and_then(|v| v.as_str()).unwrap_or("");
                out.add(&mut analyzer, body);
            }
        }
        Ok(out)
    }

    /// Counts one deleted passage's text.
    fn add(&mut self, analyzer: &mut tantivy::tokenizer::TextAnalyzer, body: &str) {
        self.passages += 1;
        let mut terms: Vec<String> = Vec::new();
        let mut stream = analyzer.token_stream(body);
        while stream.advance() {
            let t = &stream.token().text;
            if t.len() > MAX_TOKEN_LEN {
                continue;
            }
            self.tokens += 1;
            terms.push(t.clone());
        }
        terms.sort_unstable();
        terms.dedup();
        for t in terms {
            *self.doc_freq.entry(t).or_default() += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.passages == 0
    }
}

/// The statistics of the live passages of a searcher: what a freshly built index of the same
/// passages would report. Pass it to `EnableScoring::enabled_from_statistics_provider`.
pub struct Stats<'a> {
    pub searcher: &'a Searcher,
    pub deleted: &'a Deleted,
    pub text: Field,
}

impl Stats<'_> {
    /// Live passages holding `term`.
    pub fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let all = self.searcher.doc_freq(term)?;
        if self.deleted.is_empty() || term.field() != self.text {
            return Ok(all);
        }
        let gone = term
            .value()
            .as_str()
            .and_then(|s| self.deleted.doc_freq.get(s))
            .copied()
            .unwrap_or(0);
        Ok(all.saturating_sub(gone))
    }

    /// Live passages.
    pub fn num_docs(&self) -> u64 {
        self.searcher.num_docs()
    }
}

impl Bm25StatisticsProvider for Stats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let all = Bm25StatisticsProvider::total_num_tokens(self.searcher, field)?;
        Ok(if field == self.text {
            all.saturating_sub(self.deleted.tokens)
        } else {
            all
        })
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.searcher.num_docs())
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        Stats::doc_freq(self, term)
    }
}
