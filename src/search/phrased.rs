//! The passages holding a phrase of the question, best first, found without reading the word
//! positions of passages that cannot reach the top.
//!
//! Words adjacent in a question (`border crossers`) earn a passage a bonus where they stand
//! together in it. Knowing whether they do means reading word positions, the dearest part of a
//! search, and tantivy's phrase query reads them for every passage holding both words: in a big
//! corpus with common words, tens of thousands. Here each such passage is first scored by its
//! words (postings only), and its positions are read only if those words plus the largest bonus
//! it could earn reach the current k-th best. The result is the top k that the phrase query,
//! scored with the words, would give.

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    Bm25Weight, BooleanQuery, EnableScoring, Occur, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Searcher, SegmentReader, Term, TERMINATED};

/// BM25's `k1`, as tantivy scores.
const K1: f32 = 1.2;

/// A phrase: two of the words (indices into the words, in the question's order), how far apart
/// they may stand, and the weight of its bonus. Scored as tantivy's `PhraseQuery` with that slop,
/// boosted by `boost`, scores.
pub(super) struct Phrase {
    pub a: usize,
    pub b: usize,
    pub slop: u32,
    /// The bonus's weight relative to a word's BM25.
    pub boost: f32,
}

/// What the search is made of. `words`: each query stem's term and boost, in the order the
/// word query sums them; `matching`: the weight of the words within the filters (it gives a
/// passage's word score); `filters` limit the passages (each adds 1 to a score, as in
/// `matching`).
pub(super) struct Search<'a> {
    pub words: &'a [(Term, f32)],
    pub phrases: &'a [Phrase],
    pub matching: &'a dyn Weight,
    pub filters: &'a [Box<dyn Query>],
}

/// The best `k` passages holding a phrase, by words plus phrase bonuses, as (score, address) in
/// descending score then index order. `floor`: a score the k-th best passage of the whole
/// search is known to reach (the k-th best by words alone): passages that cannot reach it are
/// left out.
#[cfg(test)]
pub(super) fn top(
    searcher: &Searcher,
    s: &Search,
    floor: f32,
    k: usize,
) -> tantivy::Result<Vec<(f32, DocAddress)>> {
    let none = crate::index::stats::Deleted::default();
    let stats = crate::index::stats::Stats {
        searcher,
        deleted: &none,
        text: s.words[0].0.field(),
    };
    let p = Prepared::new(searcher, &stats, s)?;
    let mut all = Vec::new();
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        all.extend(p.top_in(s, ord as u32, seg, floor, k)?);
    }
    Ok(best_of(all, k))
}

/// The best `k` of (score, address) pairs: descending score, then index order.
pub(super) fn best_of(mut all: Vec<(f32, DocAddress)>, k: usize) -> Vec<(f32, DocAddress)> {
    all.sort_by(|a, b| {
        b.0.partial_cmp(&a.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.1.cmp(&b.1))
    });
    all.truncate(k);
    all
}

/// What a search needs in every segment, made once: weights and BM25 figures.
pub(super) struct Prepared {
    word_weight: Vec<f32>,
    phrase_weight: Vec<f32>,
    /// Each word's BM25 as its term query scores it.
    word_bm25: Vec<Bm25Weight>,
    phrase_bm25: Vec<Bm25Weight>,
    driver: Box<dyn Weight>,
}

impl Prepared {
    /// `stats`: the statistics scores are made of (those of the live passages of `searcher`).
    pub(super) fn new(
        searcher: &Searcher,
        stats: &crate::index::stats::Stats,
        s: &Search,
    ) -> tantivy::Result<Prepared> {
        let n = stats.num_docs();
        let idf = |t: &Term| -> tantivy::Result<f32> {
            let df = stats.doc_freq(t)?.min(n);
            Ok((1.0 + ((n - df) as f32 + 0.5) / (df as f32 + 0.5)).ln())
        };
        // Each word's BM25 weight (score = weight × tf factor, the factor from the passage's
        // term frequency and length); a phrase's is the sum of its words' idf, times its boost.
        let idfs: Vec<f32> = s
            .words
            .iter()
            .map(|(t, _)| idf(t))
            .collect::<tantivy::Result<_>>()?;
        Ok(Prepared {
            word_weight: s
                .words
                .iter()
                .zip(&idfs)
                .map(|((_, boost), idf)| idf * (1.0 + K1) * boost)
                .collect(),
            phrase_weight: s
                .phrases
                .iter()
                .map(|p| (idfs[p.a] + idfs[p.b]) * (1.0 + K1) * p.boost)
                .collect(),
            word_bm25: s
                .words
                .iter()
                .map(|(t, boost)| {
                    Ok(Bm25Weight::for_terms(stats, std::slice::from_ref(t))?.boost_by(*boost))
                })
                .collect::<tantivy::Result<_>>()?,
            phrase_bm25: s
                .phrases
                .iter()
                .map(|p| {
                    let terms = [s.words[p.a].0.clone(), s.words[p.b].0.clone()];
                    Ok(Bm25Weight::for_terms(stats, &terms)?.boost_by(p.boost))
                })
                .collect::<tantivy::Result<_>>()?,
            driver: driver(s).weight(EnableScoring::disabled_from_searcher(searcher))?,
        })
    }

    /// [`top`] within one segment (`ord`: its place in the searcher). Segments are independent,
    /// so they can be searched at once; the best of their results is the best overall.
    pub(super) fn top_in(
        &self,
        s: &Search,
        ord: u32,
        seg: &SegmentReader,
        floor: f32,
        k: usize,
    ) -> tantivy::Result<Vec<(f32, DocAddress)>> {
        let Prepared {
            word_weight,
            phrase_weight,
            word_bm25,
            phrase_bm25,
            driver,
        } = self;
        let filters = s.filters.len() as f32;
        let mut best: Vec<(f32, DocAddress)> = Vec::with_capacity(k + 1);
        let mut drive = driver.scorer(seg, 1.0)?;
        let mut phrases: Vec<Option<Positions>> = s
            .phrases
            .iter()
            .map(|p| Positions::open(seg, &s.words[p.a].0, &s.words[p.b].0))
            .collect::<tantivy::Result<_>>()?;
        let Some(field) = s.words.first().map(|(t, _)| t.field()) else {
            return Ok(best);
        };
        let fieldnorms = seg.get_fieldnorms_reader(field)?;
        // Each word's postings, scored as its term query scores (the same BM25 weight, the same
        // term frequency and length), without a scorer's indirections.
        let inv = seg.inverted_index(field)?;
        let mut terms: Vec<Option<SegmentPostings>> = s
            .words
            .iter()
            .map(|(t, _)| inv.read_postings(t, IndexRecordOption::WithFreqs))
            .collect::<std::io::Result<_>>()?;
        let mut words = s.matching.scorer(seg, 1.0)?;
        let mut score = vec![0.0f32; terms.len()];
        let mut doc = drive.doc();
        while doc != TERMINATED {
            for ((t, sc), bm25) in terms.iter_mut().zip(score.iter_mut()).zip(word_bm25) {
                *sc = 0.0;
                let Some(t) = t else { continue };
                if t.doc() < doc {
                    t.seek(doc);
                }
                if t.doc() == doc {
                    *sc = bm25.score(fieldnorms.fieldnorm_id(doc), t.term_freq());
                }
            }
            // The most this passage can score: its words, and for each phrase whose words it
            // holds, the phrase's weight times the smaller of the two words' tf factors (each
            // occurrence of a phrase takes one occurrence of each word, so it occurs no more
            // often than its rarer word in the passage, and the factor grows with the count).
            let mut most: f32 = score.iter().sum::<f32>() + filters;
            for (p, w) in s.phrases.iter().zip(phrase_weight) {
                if score[p.a] > 0.0 && score[p.b] > 0.0 {
                    let factor = (score[p.a] / word_weight[p.a]).min(score[p.b] / word_weight[p.b]);
                    most += w * factor;
                }
            }
            let bar = if best.len() >= k {
                floor.max(best[k - 1].0)
            } else {
                floor
            };
            // A margin for rounding: a passage is left out only when clearly below.
            if most * 1.001 + 1e-3 >= bar {
                let mut bonus = 0.0f32;
                let mut held = false;
                for ((p, pos), bm25) in s.phrases.iter().zip(phrases.iter_mut()).zip(phrase_bm25) {
                    if score[p.a] == 0.0 || score[p.b] == 0.0 {
                        continue;
                    }
                    let count = pos.as_mut().map_or(0, |pos| pos.count(doc, p.slop));
                    if count > 0 {
                        bonus += bm25.score(fieldnorms.fieldnorm_id(doc), count);
                        held = true;
                    }
                }
                if held && words.doc() <= doc && words.seek(doc) == doc {
                    let total = words.score() + bonus;
                    let addr = DocAddress::new(ord, doc);
                    let at = best
                        .iter()
                        .position(|(sc, a)| total > *sc || (total == *sc && addr < *a))
                        .unwrap_or(best.len());
                    if at < k {
                        best.insert(at, (total, addr));
                        best.truncate(k);
                    }
                }
            }
            doc = drive.advance();
        }
        Ok(best)
    }
}

/// The positions of a phrase's two words in one segment, read as tantivy's phrase scorer reads
/// them: the word with fewer passages on the left, the first word's positions shifted by one so
/// that the two line up where the words stand in order.
struct Positions {
    left: (SegmentPostings, u32),
    right: (SegmentPostings, u32),
    left_at: Vec<u32>,
    right_at: Vec<u32>,
}

impl Positions {
    /// `None` when the segment lacks either word.
    fn open(seg: &SegmentReader, a: &Term, b: &Term) -> tantivy::Result<Option<Positions>> {
        let inv = seg.inverted_index(a.field())?;
        let read = |t: &Term| inv.read_postings(t, IndexRecordOption::WithFreqsAndPositions);
        let (Some(pa), Some(pb)) = (read(a)?, read(b)?) else {
            return Ok(None);
        };
        let (left, right) = if pa.size_hint() <= pb.size_hint() {
            ((pa, 1), (pb, 0))
        } else {
            ((pb, 0), (pa, 1))
        };
        Ok(Some(Positions {
            left,
            right,
            left_at: Vec::new(),
            right_at: Vec::new(),
        }))
    }

    /// How many times the phrase occurs in `doc` (asked in ascending order).
    fn count(&mut self, doc: DocId, slop: u32) -> u32 {
        for (p, _) in [&mut self.left, &mut self.right] {
            if p.doc() < doc {
                p.seek(doc);
            }
            if p.doc() != doc {
                return 0;
            }
        }
        self.left
            .0
            .positions_with_offset(self.left.1, &mut self.left_at);
        self.right
            .0
            .positions_with_offset(self.right.1, &mut self.right_at);
        count_with_slop(&self.left_at, &self.right_at, slop)
    }
}

/// Matches of `left` positions with `right` ones at most `slop` apart, each used once: tantivy's
/// `intersection_count_with_slop` (two terms), so that counts, and scores, are the same.
fn count_with_slop(left: &[u32], right: &[u32], slop: u32) -> u32 {
    let (mut l, mut r, mut count) = (0, 0, 0);
    while l < left.len() && r < right.len() {
        let (lv, rv) = (left[l], right[r]);
        if lv.abs_diff(rv) <= slop {
            // A later left position may be closer; the last not past the right one is taken.
            while l + 1 < left.len() && left[l + 1] <= rv {
                l += 1;
            }
            count += 1;
            l += 1;
            r += 1;
        } else if lv < rv {
            l += 1;
        } else {
            r += 1;
        }
    }
    count
}

/// Passages holding both words of some phrase, within the filters (no scores).
fn driver(s: &Search) -> Box<dyn Query> {
    let both = |a: &Term, b: &Term| -> Box<dyn Query> {
        Box::new(BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(a.clone(), IndexRecordOption::Basic)) as Box<dyn Query>,
            ),
            (
                Occur::Must,
                Box::new(TermQuery::new(b.clone(), IndexRecordOption::Basic)),
            ),
        ]))
    };
    let any: Box<dyn Query> = Box::new(BooleanQuery::new(
        s.phrases
            .iter()
            .map(|p| (Occur::Should, both(&s.words[p.a].0, &s.words[p.b].0)))
            .collect(),
    ));
    if s.filters.is_empty() {
        return any;
    }
    let mut clauses = vec![(Occur::Must, any)];
    clauses.extend(s.filters.iter().map(|f| (Occur::Must, f.box_clone())));
    Box::new(BooleanQuery::new(clauses))
}

#[cfg(test)]
pub(super) mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery};
    use tantivy::schema::{Schema, TextFieldIndexing, TextOptions};
    use tantivy::{doc, Index};

    use super::*;
    use crate::index::schema::{register_analyzers, ANALYZER};

    /// 3,000 passages of 4–40 words from a small vocabulary, so that phrases, ties and long
    /// postings all occur; the same every run.
    pub(in crate::search) fn index() -> (Index, tantivy::schema::Field) {
        let mut b = Schema::builder();
        let text = b.add_text_field(
            "text",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(ANALYZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        let index = Index::create_in_ram(b.build());
        register_analyzers(&index);
        let vocab = [
            "border",
            "crossed",
            "illegally",
            "residents",
            "people",
            "the",
            "guards",
            "fence",
            "night",
            "said",
            "we",
            "they",
        ];
        let mut seed: u64 = 7;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut w = index.writer_with_num_threads(1, 20_000_000).unwrap();
        for _ in 0..3000 {
            let len = 4 + next(37);
            let words: Vec<&str> = (0..len).map(|_| vocab[next(12) as usize]).collect();
            w.add_document(doc!(text => words.join(" "))).unwrap();
            if next(500) == 0 {
                w.commit().unwrap(); // several segments
            }
        }
        w.commit().unwrap();
        (index, text)
    }

    #[test]
    fn same_top_k_as_the_phrase_query_with_or_without_a_floor() {
        let (index, field) = index();
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);
        let t = |s: &str| Term::from_field_text(field, s);
        let words = [(t("border"), 1.0), (t("cross"), 1.5), (t("illeg"), 1.0)];
        let phrase = |a: usize, b: usize| -> Box<dyn Query> {
            let mut q = PhraseQuery::new(vec![words[a].0.clone(), words[b].0.clone()]);
            q.set_slop(2);
            Box::new(BoostQuery::new(Box::new(q), 0.5))
        };
        let word_clauses = || -> Vec<(Occur, Box<dyn Query>)> {
            words
                .iter()
                .map(|(t, b)| {
                    let q = TermQuery::new(t.clone(), IndexRecordOption::WithFreqs);
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(q), *b)) as _,
                    )
                })
                .collect()
        };
        let phrases = vec![
            Phrase {
                a: 1,
                b: 0,
                slop: 2,
                boost: 0.5,
            },
            Phrase {
                a: 0,
                b: 2,
                slop: 2,
                boost: 0.5,
            },
        ];
        let k = 25;
        // What tantivy's phrase query, scored with the words, ranks first.
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, phrase(1, 0)),
                (Occur::Should, phrase(0, 2)),
            ])),
        )];
        clauses.extend(word_clauses());
        let expected = searcher
            .search(
                &BooleanQuery::new(clauses),
                &TopDocs::with_limit(k).order_by_score(),
            )
            .unwrap();
        assert_eq!(expected.len(), k);
        let matching = BooleanQuery::new(word_clauses());
        let by_words = searcher
            .search(&matching, &TopDocs::with_limit(k).order_by_score())
            .unwrap();
        let weight = matching
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap();
        let search = Search {
            words: &words,
            phrases: &phrases,
            matching: weight.as_ref(),
            filters: &[],
        };
        for floor in [f32::MIN, by_words[k - 1].0] {
            let got = top(&searcher, &search, floor, k).unwrap();
            let addrs = |v: &[(f32, DocAddress)]| v.iter().map(|x| x.1).collect::<Vec<_>>();
            assert_eq!(addrs(&got), addrs(&expected), "floor {floor}");
            for (g, e) in got.iter().zip(&expected) {
                assert!((g.0 - e.0).abs() < 1e-4 * e.0, "{g:?} vs {e:?}");
            }
        }
    }
}
