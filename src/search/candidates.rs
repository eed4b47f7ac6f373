//! Stage 3 of a question: candidates from tantivy. The plan's stems are searched with BM25
//! (each stem's term query boosted as the plan says: paraphrases below the question's own
//! words), within the speaker and document filters, with a bonus where two adjacent question
//! words stand together (`phrased`). What comes out is the best `k` passages by that score,
//! and how many passages matched in all; re-scoring is the next stage's.

use std::collections::HashMap;

use tantivy::collector::{Collector, Count};
use tantivy::query::{
    AllQuery, BitSetDocSet, BooleanQuery, BoostQuery, ConstScoreQuery, ConstScorer, EnableScoring,
    Occur, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Searcher, Term};

use super::phrased;
use super::plan::Plan;
use super::weights::{EXTRA_CANDIDATES, MIN_CANDIDATES, PHRASE_BONUS, PHRASE_SLOP};
use crate::index::schema::name_key;
use crate::index::stats::Stats;
use crate::index::Fields;

/// Passages holding a question word (summed over the words) from which a question's segments
/// are searched on all cores at once.
const SPREAD_POSTINGS: u64 = 300_000;

/// The candidates of a search.
#[derive(Default)]
pub(super) struct Candidates {
    /// How many passages matched in all.
    pub total: usize,
    /// (BM25 with phrase bonuses, address), best first.
    pub top: Vec<(f32, DocAddress)>,
}

/// Searches the plan's stems within its filters; `speaker_names` gives the full name of a
/// lexicon speaker id. Returns the best `want + EXTRA_CANDIDATES` (at least
/// `MIN_CANDIDATES`) passages and how many matched.
pub(super) fn search(
    searcher: &Searcher,
    stats: &Stats,
    f: Fields,
    plan: &Plan,
    speaker_names: &dyn Fn(usize) -> String,
    want: usize,
) -> Candidates {
    let k = (want + EXTRA_CANDIDATES).max(MIN_CANDIDATES);
    let filters = filters(f, plan, speaker_names);
    if plan.stems.is_empty() && filters.is_empty() {
        return Candidates::default();
    }
    let words: Vec<(Term, f32)> = plan
        .stems
        .iter()
        .map(|s| (Term::from_field_text(f.text, &s.stem), s.boost))
        .collect();
    let matching = within(word_query(&words), &filters);
    // One weight for counting, the top k and scoring the other candidates (making a weight
    // looks every word up in every segment).
    let Ok(weight) = matching.weight(EnableScoring::enabled_from_statistics_provider(
        stats, searcher,
    )) else {
        return Candidates::default();
    };
    let spread = plan.stems.iter().map(|s| s.doc_freq).sum::<u64>() >= SPREAD_POSTINGS;
    let run = Run {
        searcher,
        stats,
        weight: weight.as_ref(),
        spread,
        k,
    };
    // Candidates: the best by the words alone (which lets tantivy skip blocks of postings
    // that cannot enter the top: block-max WAND), and the best of the passages holding a
    // phrase, scored by words and phrases together. Between them they hold the top k of
    // words and phrases together: a passage without a phrase scores its words' score, and
    // every passage above it by that score is above it in the whole query too.
    let terms: Vec<Term> = words.iter().map(|(t, _)| t.clone()).collect();
    let Some((total, by_words)) = run.count_and_top(&terms, filters.is_empty()) else {
        return Candidates::default();
    };
    let phrases: Vec<phrased::Phrase> = plan
        .pairs
        .iter()
        .map(|&(a, b)| phrased::Phrase {
            a,
            b,
            slop: PHRASE_SLOP,
            boost: PHRASE_BONUS,
        })
        .collect();
    let Some(with_phrases) = run.phrased_top(&words, &phrases, &filters, &by_words) else {
        return Candidates::default();
    };
    Candidates {
        total,
        top: run.merge(with_phrases, by_words),
    }
}

/// The speaker and document filters of a plan.
fn filters(f: Fields, plan: &Plan, speaker_names: &dyn Fn(usize) -> String) -> Vec<Box<dyn Query>> {
    let mut filters: Vec<Box<dyn Query>> = Vec::new();
    if !plan.speakers.is_empty() {
        let keys = plan
            .speakers
            .iter()
            .map(|&i| Term::from_field_text(f.speaker_key, &name_key(&speaker_names(i))));
        filters.push(any_term(keys.collect()));
    }
    if let Some(docs) = &plan.docs {
        let keys = docs.iter().map(|d| Term::from_field_text(f.doc_id, d));
        filters.push(any_term(keys.collect()));
    }
    filters
}

/// Any of the words, each term query boosted; everything when there are no words.
fn word_query(words: &[(Term, f32)]) -> Box<dyn Query> {
    if words.is_empty() {
        return Box::new(AllQuery);
    }
    Box::new(BooleanQuery::new(
        words
            .iter()
            .map(|(t, b)| {
                let q: Box<dyn Query> = Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(t.clone(), IndexRecordOption::WithFreqs)),
                    *b,
                ));
                (Occur::Should, q)
            })
            .collect(),
    ))
}

/// A query within the filters (unwrapped when there are none, so that tantivy sees a plain
/// union of terms and can use block-max WAND).
fn within(q: Box<dyn Query>, filters: &[Box<dyn Query>]) -> Box<dyn Query> {
    if filters.is_empty() {
        return q;
    }
    let mut clauses = vec![(Occur::Must, q)];
    clauses.extend(filters.iter().map(|q| (Occur::Must, q.box_clone())));
    Box::new(BooleanQuery::new(clauses))
}

/// One search's weight over a searcher, and how many candidates it wants.
struct Run<'a> {
    searcher: &'a Searcher,
    /// Statistics of the live passages (an updated index has deleted ones).
    stats: &'a Stats<'a>,
    weight: &'a dyn Weight,
    /// Search the segments on all cores at once.
    spread: bool,
    k: usize,
}

impl Run<'_> {
    /// How many passages match, and the best `k` by the words alone.
    fn count_and_top(
        &self,
        terms: &[Term],
        unfiltered: bool,
    ) -> Option<(usize, Vec<(f32, DocAddress)>)> {
        let floor = Floor::default();
        let per_segment = each_segment(self.searcher, self.spread, |ord| {
            let seg = self.searcher.segment_reader(ord);
            // (The index is built whole and never has deleted passages; were it to have some,
            // the query's own count leaves them out.)
            let count = if unfiltered && !terms.is_empty() && !seg.has_deletes() {
                union_count(seg, terms)?
            } else {
                Count.collect_segment(self.weight, ord, seg)?
            };
            Ok::<_, tantivy::TantivyError>((count, self.top_in(ord, seg, &floor)?))
        });
        let per_segment = per_segment
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .ok()?;
        let (counts, tops): (Vec<_>, Vec<_>) = per_segment.into_iter().unzip();
        let by_words = phrased::best_of(tops.into_iter().flatten().collect(), self.k);
        Some((counts.into_iter().sum(), by_words))
    }

    /// The best `k` passages of one segment by the words alone (deleted ones left out), in no
    /// order. The search starts from `floor`, the best k-th score another segment has found so
    /// far, and raises it: a passage below it cannot enter the top k of the whole index, and
    /// block-max WAND skips the blocks of postings that cannot reach it.
    fn top_in(
        &self,
        ord: u32,
        seg: &tantivy::SegmentReader,
        floor: &Floor,
    ) -> tantivy::Result<Vec<(f32, DocAddress)>> {
        let mut heap = std::collections::BinaryHeap::<Worst>::with_capacity(self.k + 1);
        let alive = seg.alive_bitset();
        let k = self.k;
        let mut threshold = floor.below();
        self.weight
            .for_each_pruning(threshold, seg, &mut |doc, score| {
                if alive.is_some_and(|a| a.is_deleted(doc)) {
                    return threshold;
                }
                heap.push(Worst { score, doc });
                if heap.len() > k {
                    heap.pop();
                }
                // Full: a later passage of this segment must beat the k-th (an equal score loses
                // on its address); from another segment, an equal score may still win on it.
                threshold = match heap.len() == k {
                    true => {
                        let kth = heap.peek().map_or(f32::MIN, |w| w.score);
                        floor.raise(kth);
                        kth.max(floor.below())
                    }
                    false => floor.below(),
                };
                threshold
            })?;
        Ok(heap
            .into_iter()
            .map(|w| (w.score, DocAddress::new(ord, w.doc)))
            .collect())
    }

    /// The best `k` passages holding a phrase, by words and phrase bonuses together (empty
    /// without phrases).
    fn phrased_top(
        &self,
        words: &[(Term, f32)],
        phrases: &[phrased::Phrase],
        filters: &[Box<dyn Query>],
        by_words: &[(f32, DocAddress)],
    ) -> Option<Vec<(f32, DocAddress)>> {
        if phrases.is_empty() {
            return Some(Vec::new());
        }
        let search = phrased::Search {
            words,
            phrases,
            matching: self.weight,
            filters,
        };
        // The k-th best by words alone: the k-th best of the whole search scores at least
        // that (phrases only add).
        let floor = by_words
            .get(self.k - 1)
            .map(|(s, _)| *s)
            .unwrap_or(f32::MIN);
        let prepared = phrased::Prepared::new(self.searcher, self.stats, &search).ok()?;
        let found = each_segment(self.searcher, self.spread, |ord| {
            prepared.top_in(
                &search,
                ord,
                self.searcher.segment_reader(ord),
                floor,
                self.k,
            )
        });
        let found = found.into_iter().collect::<Result<Vec<_>, _>>().ok()?;
        Some(phrased::best_of(
            found.into_iter().flatten().collect(),
            self.k,
        ))
    }

    /// The phrased top and the others, which score their words: a search of the words alone,
    /// moved to each of them (the same sum in the same order for every passage, which
    /// block-max WAND's scores are not). A passage holding a phrase but not among the phrased
    /// top k is below k of them either way. Best `k`, as tantivy orders: score, then address.
    fn merge(
        &self,
        mut top: Vec<(f32, DocAddress)>,
        by_words: Vec<(f32, DocAddress)>,
    ) -> Vec<(f32, DocAddress)> {
        let mut phrased: Vec<DocAddress> = top.iter().map(|(_, a)| *a).collect();
        phrased.sort_unstable();
        let mut rest: Vec<DocAddress> = by_words
            .into_iter()
            .map(|(_, a)| a)
            .filter(|a| phrased.binary_search(a).is_err())
            .collect();
        rest.sort();
        top.extend(exact_scores(self.searcher, self.weight, &rest));
        phrased::best_of(top, self.k)
    }
}

/// The query stems each candidate passage holds, read from the index's postings. The index was
/// made from the same text by the same analyzer, so this is the set that re-tokenising the stored
/// text would give, without decompressing and stemming every candidate. One flag per (candidate,
/// stem), row by row: candidate `i`'s are `[i * stems.len()..][..stems.len()]`.
pub(super) fn stems_held(
    searcher: &Searcher,
    field: Field,
    stems: &[String],
    addrs: &[DocAddress],
) -> Vec<bool> {
    let mut out = vec![false; addrs.len() * stems.len()];
    let mut order: Vec<usize> = (0..addrs.len()).collect();
    order.sort_by_key(|&i| (addrs[i].segment_ord, addrs[i].doc_id));
    for group in order.chunk_by(|&a, &b| addrs[a].segment_ord == addrs[b].segment_ord) {
        let seg = searcher.segment_reader(addrs[group[0]].segment_ord);
        let Ok(inv) = seg.inverted_index(field) else {
            continue;
        };
        for (j, s) in stems.iter().enumerate() {
            let term = Term::from_field_text(field, s);
            let Ok(Some(mut postings)) = inv.read_postings(&term, IndexRecordOption::Basic) else {
                continue;
            };
            // Candidates in ascending doc order: each seek only moves forward.
            for &i in group {
                let d = addrs[i].doc_id;
                if postings.doc() <= d && postings.seek(d) == d {
                    out[i * stems.len() + j] = true;
                }
            }
        }
    }
    out
}

/// How many passages of a segment hold any of `terms` (one field; deleted passages included):
/// their postings, read a block of 128 at a time, set bits in a bitmap of the segment's
/// passages. This is the count of a question without filters: counting through the query's
/// scorers costs several times more per passage, and a question of common words matches a
/// quarter of a big corpus.
pub(super) fn union_count(seg: &tantivy::SegmentReader, terms: &[Term]) -> tantivy::Result<usize> {
    let Some(field) = terms.first().map(Term::field) else {
        return Ok(0);
    };
    let inv = seg.inverted_index(field)?;
    let mut bits = vec![0u64; (seg.max_doc() as usize).div_ceil(64)];
    for t in terms {
        each_posting(&inv, t, |d| bits[d as usize / 64] |= 1u64 << (d % 64))?;
    }
    Ok(bits.iter().map(|w| w.count_ones() as usize).sum())
}

/// `f` for each passage of a segment holding `term` (deleted ones included), its postings read
/// a block of 128 at a time.
fn each_posting(
    inv: &tantivy::InvertedIndexReader,
    term: &Term,
    mut f: impl FnMut(tantivy::DocId),
) -> tantivy::Result<()> {
    let Some(mut block) = inv.read_block_postings(term, IndexRecordOption::Basic)? else {
        return Ok(());
    };
    let mut left = block.doc_freq() as usize;
    while left > 0 && block.block_len() > 0 {
        let docs = &block.docs()[..block.block_len().min(left)];
        docs.iter().for_each(|&d| f(d));
        left -= docs.len();
        block.advance();
    }
    Ok(())
}

/// `f` for each segment of the searcher, in order: on all cores at once when `spread` (a big
/// index has several segments, searched independently; a small one has one).
fn each_segment<R: Send>(searcher: &Searcher, spread: bool, f: impl Fn(u32) -> R + Sync) -> Vec<R> {
    let ords: Vec<u32> = (0..searcher.segment_readers().len() as u32).collect();
    if spread {
        crate::par::map(&ords, |&ord| f(ord))
    } else {
        ords.into_iter().map(f).collect()
    }
}

/// The score `weight` gives each of `addrs` (ascending), found by moving its scorer to each: the
/// same sum, in the same order, as a search would compute. A passage the query does not match
/// scores 0.
fn exact_scores(
    searcher: &Searcher,
    weight: &dyn Weight,
    addrs: &[DocAddress],
) -> Vec<(f32, DocAddress)> {
    let mut out = Vec::with_capacity(addrs.len());
    for group in addrs.chunk_by(|a, b| a.segment_ord == b.segment_ord) {
        let seg = searcher.segment_reader(group[0].segment_ord);
        let Ok(mut scorer) = weight.scorer(seg, 1.0) else {
            continue;
        };
        for &a in group {
            if scorer.doc() <= a.doc_id && scorer.seek(a.doc_id) == a.doc_id {
                out.push((scorer.score(), a));
            }
        }
    }
    out
}

/// A passage of a segment's top k, ordered so that a max-heap's top is the one to drop first:
/// the lowest score, and of equal scores the later passage.
struct Worst {
    score: f32,
    doc: tantivy::DocId,
}

impl Ord for Worst {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then_with(|| self.doc.cmp(&other.doc))
    }
}

impl PartialOrd for Worst {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Worst {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Worst {}

/// The best k-th score any segment's search has found so far: the k-th best of the whole index
/// scores at least that. Shared by the segments' searches, on however many threads. Scores are
/// not negative, so their bits order as the scores do; 0 means none yet.
#[derive(Default)]
struct Floor(std::sync::atomic::AtomicU32);

impl Floor {
    fn raise(&self, score: f32) {
        if score > 0.0 {
            self.0
                .fetch_max(score.to_bits(), std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// The threshold a segment's search passes on: just below the floor, so that a passage
    /// scoring exactly the floor is still seen (it may win its place on its address).
    fn below(&self) -> f32 {
        match f32::from_bits(self.0.load(std::sync::atomic::Ordering::Relaxed)) {
            f if f > 0.0 => f.next_down(),
            _ => f32::MIN,
        }
    }
}

/// A filter matching documents with any of `terms`, each match scoring 1. A few terms (a
/// speaker, a surname several speakers share, a document) are term queries, read lazily; many
/// (the speakers of a role, the documents of a date range) a [`KeySet`].
fn any_term(terms: Vec<Term>) -> Box<dyn Query> {
    const FEW: usize = 16;
    let term =
        |t: Term| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::Basic)) };
    let matching: Box<dyn Query> = match terms.len() {
        0..=1 => match terms.into_iter().next() {
            Some(t) => term(t),
            None => return Box::new(tantivy::query::EmptyQuery),
        },
        2..=FEW => Box::new(BooleanQuery::new(
            terms
                .into_iter()
                .map(|t| (Occur::Should, term(t)))
                .collect(),
        )),
        _ => Box::new(KeySet::new(terms)),
    };
    Box::new(ConstScoreQuery::new(matching, 1.0))
}

/// Passages holding any of many terms of one field (the speakers of a role, the documents of a
/// date range), found by looking each term up and setting its passages in a bitmap. tantivy's
/// `TermSetQuery` walks the field's whole term dictionary instead, which at 1M passages took
/// half the time of "the ambassador …" (hundreds of speakers among tens of thousands).
///
/// A question searches its filters several times over (the count, the top k, the phrases, the
/// scores of the others): each segment's bitmap is made once and kept with the query.
#[derive(Clone)]
struct KeySet {
    terms: Vec<Term>,
    made: std::sync::Arc<std::sync::Mutex<HashMap<tantivy::index::SegmentId, tantivy::BitSet>>>,
}

impl KeySet {
    fn new(terms: Vec<Term>) -> KeySet {
        KeySet {
            terms,
            made: Default::default(),
        }
    }

    /// The passages of a segment holding any of the terms.
    fn bits(&self, seg: &tantivy::SegmentReader) -> tantivy::Result<tantivy::BitSet> {
        let made = self
            .made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&seg.segment_id())
            .cloned();
        if let Some(bits) = made {
            return Ok(bits);
        }
        let mut bits = tantivy::BitSet::with_max_value(seg.max_doc());
        if let Some(field) = self.terms.first().map(Term::field) {
            let inv = seg.inverted_index(field)?;
            for t in &self.terms {
                each_posting(&inv, t, |d| {
                    bits.insert(d);
                })?;
            }
        }
        self.made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(seg.segment_id(), bits.clone());
        Ok(bits)
    }
}

impl std::fmt::Debug for KeySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeySet")
            .field("terms", &self.terms)
            .finish()
    }
}

impl Query for KeySet {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for t in &self.terms {
            visitor(t, false);
        }
    }
}

impl Weight for KeySet {
    fn scorer(
        &self,
        seg: &tantivy::SegmentReader,
        boost: tantivy::Score,
    ) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ConstScorer::new(
            BitSetDocSet::from(self.bits(seg)?),
            boost,
        )))
    }

    fn explain(
        &self,
        seg: &tantivy::SegmentReader,
        doc: tantivy::DocId,
    ) -> tantivy::Result<tantivy::query::Explanation> {
        let mut scorer = self.scorer(seg, 1.0)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "passage {doc} holds none of the terms"
            )));
        }
        Ok(tantivy::query::Explanation::new("any of the terms", 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::TermQuery;

    /// The terms of `words` (stemmed as the index stems them) in `field`.
    fn terms_of(field: Field, words: &[&str]) -> Vec<Term> {
        let mut analyzer = crate::index::schema::analyzer();
        words
            .iter()
            .map(|w| {
                let mut tokens = analyzer.token_stream(w);
                assert!(tokens.advance());
                Term::from_field_text(field, &tokens.token().text)
            })
            .collect()
    }

    /// Passages holding any of `terms`, as tantivy's own union of term queries finds them.
    fn union_of(terms: &[Term]) -> BooleanQuery {
        BooleanQuery::new(
            terms
                .iter()
                .map(|t| {
                    let q: Box<dyn Query> =
                        Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic));
                    (Occur::Should, q)
                })
                .collect(),
        )
    }

    #[test]
    fn a_key_set_matches_what_a_union_of_its_terms_matches() {
        let (index, text) = super::super::phrased::tests::index();
        let searcher = index.reader().unwrap().searcher();
        let words = [
            "border",
            "illegally",
            "crossed",
            "night",
            "fence",
            "guards",
            "nowhere",
            "the",
            "of",
            "wire",
            "side",
            "your",
            "our",
            "people",
            "residents",
            "to",
            "and",
            "a",
            "in",
            "was",
        ];
        let terms = terms_of(text, &words);
        for n in [2, 5, terms.len()] {
            let union = union_of(&terms[..n]);
            let keys = KeySet::new(terms[..n].to_vec());
            let docs = |q: &dyn Query| {
                let mut found = searcher
                    .search(q, &TopDocs::with_limit(10_000).order_by_score())
                    .unwrap()
                    .into_iter()
                    .map(|(_, a)| a)
                    .collect::<Vec<_>>();
                found.sort();
                found
            };
            let expected = docs(&union);
            assert!(!expected.is_empty());
            assert_eq!(docs(&keys), expected, "{n} terms");
            assert_eq!(docs(any_term(terms[..n].to_vec()).as_ref()), expected);
        }
    }

    #[test]
    fn union_count_is_the_count_of_the_union_query() {
        let (index, text) = super::super::phrased::tests::index();
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);
        let sets: [&[&str]; 5] = [
            &["border"],
            &["border", "illegally"],
            &["crossed", "night", "fence", "guards"],
            &["nowhere", "border"],
            &["nowhere"],
        ];
        for words in sets {
            let terms = terms_of(text, words);
            let query = union_of(&terms);
            let expected = searcher.search(&query, &Count).unwrap();
            let ours: usize = searcher
                .segment_readers()
                .iter()
                .map(|seg| union_count(seg, &terms).unwrap())
                .sum();
            assert_eq!(ours, expected, "{words:?}");
        }
    }

    /// The top k by words, found segment by segment from a floor the segments share, is
    /// tantivy's top k: the same passages in the same order (ties included) with the same
    /// scores, on one thread or several, with and without a filter.
    #[test]
    fn the_top_k_from_a_shared_floor_is_tantivys_top_k() {
        let (index, text) = super::super::phrased::tests::index();
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);
        let stats = crate::index::stats::Stats {
            searcher: &searcher,
            deleted: &Default::default(),
            text,
        };
        let sets: [&[&str]; 4] = [
            &["border"],
            &["border", "illegally", "night"],
            &["crossed", "the", "fence", "guards", "people", "said"],
            &["we", "they"],
        ];
        for words in sets {
            let boosted: Vec<(Term, f32)> = terms_of(text, words)
                .into_iter()
                .enumerate()
                .map(|(i, t)| (t, 1.0 / (1.0 + i as f32)))
                .collect();
            let filter = vec![any_term(terms_of(text, &["fence", "night"]))];
            for filters in [Vec::new(), filter] {
                let query = within(word_query(&boosted), &filters);
                let scoring = EnableScoring::enabled_from_searcher(&searcher);
                let weight = query.weight(scoring).unwrap();
                for (k, spread) in [(1, false), (7, false), (50, true), (400, true)] {
                    let expected = searcher
                        .search(query.as_ref(), &TopDocs::with_limit(k).order_by_score())
                        .unwrap();
                    let run = Run {
                        searcher: &searcher,
                        stats: &stats,
                        weight: weight.as_ref(),
                        spread,
                        k,
                    };
                    let terms: Vec<Term> = boosted.iter().map(|(t, _)| t.clone()).collect();
                    let (_, ours) = run.count_and_top(&terms, filters.is_empty()).unwrap();
                    let what = format!("{words:?} k={k} filtered={}", !filters.is_empty());
                    let addrs = |v: &[(f32, DocAddress)]| v.iter().map(|x| x.1).collect::<Vec<_>>();
                    assert_eq!(addrs(&ours), addrs(&expected), "{what}");
                    // Block-max WAND adds a passage's scores in an order that depends on where
                    // its search started: the same score, to the last bits.
                    for (o, e) in ours.iter().zip(&expected) {
                        assert!((o.0 - e.0).abs() <= 1e-5 * e.0, "{what}: {o:?} {e:?}");
                    }
                }
            }
        }
    }
}
