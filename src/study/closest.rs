//! A quotation not found as written: the passages most like it, and how it differs from the
//! closest, word by word (`similar`'s diff). Used by [`super::verify`].
//!
//! Candidates come from the index ([`closest_candidates`]): the passages holding the most runs
//! of the quotation's words as phrases, and those holding its rarest words. Each is aligned
//! ([`align`]): the stretches of the passage densest in the quotation's words are diffed with
//! it and trimmed to what matched; the most similar stretch stands for the passage. Close enough
//! ([`ALTERED_FROM`]), the quotation was altered and the diff becomes [`Change`]s.

use std::time::{Duration, Instant};

use similar::{capture_diff_slices_deadline, Algorithm, DiffOp};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, Query};
use tantivy::{DocAddress, Searcher, Term};

use super::verify::{keys_text, Change, ChangeKind, Closest, Verdict, Verification};
use super::words::{Quotation, Tok};
use super::{analyze, load, text_term, Loaded, Narrowing, Stem};
use crate::search::Snapshot;

/// Similarity (words in common / words of the longer of quotation and stretch) from which the
/// closest passage is taken as the source of an altered quotation rather than as merely the
/// closest: a quotation with more than 3 words in 10 changed is not found.
pub const ALTERED_FROM: f32 = 0.7;
/// Passages taken from each kind of candidate search.
const CLOSE_CANDIDATES: usize = 24;
/// Rarest words of a quotation searched by.
const RARE_WORDS: usize = 10;
/// Words of a run searched as a phrase, and most runs searched.
const CHUNK_WORDS: usize = 4;
const MAX_CHUNKS: usize = 12;
/// Closest passages listed.
const CLOSEST: usize = 3;
/// Time allowed for aligning the candidates (a 60-word quotation takes a few milliseconds; this
/// bounds a quotation of thousands of words against long passages).
const ALIGN_TIME: Duration = Duration::from_millis(300);

/// Not found as written: the closest passages, and the changes when the closest is close.
pub(super) fn closest(
    snap: &Snapshot,
    searcher: &Searcher,
    q: &Quotation,
    narrow: &Narrowing,
    v: &mut Verification,
) {
    // The quotation with its marks read as marks, and (when it has brackets, which the source
    // may have too) as written: each passage is compared with the form closest to it.
    let mut forms = vec![q.joined()];
    if q.marked {
        forms.push((q.literal.clone(), Vec::new()));
    }
    let keys: Vec<Vec<&str>> = forms
        .iter()
        .map(|(toks, _)| toks.iter().map(|t| t.key.as_str()).collect())
        .collect();
    // Candidates come best first: past the time allowed, the rest are left out (and the diffs
    // still running are cut short by `similar`).
    let deadline = Instant::now() + ALIGN_TIME;
    let mut aligned: Vec<(Alignment, usize, Loaded)> =
        closest_candidates(snap, searcher, q, narrow)
            .into_iter()
            .take_while(|_| Instant::now() < deadline)
            .filter_map(|p| {
                let toks = super::words::tokens(&p.text);
                let (a, form) = keys
                    .iter()
                    .enumerate()
                    .filter_map(|(i, k)| Some((align(k, &toks, deadline)?, i)))
                    .max_by(|a, b| a.0.similarity.total_cmp(&b.0.similarity))?;
                Some((a, form, p))
            })
            .collect();
    // Most similar first; equals in a fixed order, whichever search found them.
    aligned.sort_by(|a, b| {
        b.0.similarity
            .total_cmp(&a.0.similarity)
            .then_with(|| (&a.2.doc_id, a.2.passage).cmp(&(&b.2.doc_id, b.2.passage)))
    });
    v.closest = aligned
        .iter()
        .take(CLOSEST)
        .map(|(a, form, p)| {
            let (from, to) = widened(&p.text, a, forms[*form].0.len());
            Closest {
                doc_id: p.doc_id.clone(),
                passage: p.passage,
                speaker: p.speaker.clone(),
                text: p.text[from..to].to_string(),
                similarity: (a.similarity * 1000.0).round() / 1000.0,
            }
        })
        .collect();
    let Some((best, form, p)) = aligned.into_iter().next() else {
        return;
    };
    if best.similarity < ALTERED_FROM {
        return;
    }
    v.verdict = Verdict::Altered;
    v.fill_from(snap, &p);
    v.source = Some(p.text[best.text_from..best.text_to].to_string());
    let ptoks = super::words::tokens(&p.text);
    let (qtoks, gaps) = &forms[form];
    v.changes = changes(
        &q.text,
        qtoks,
        gaps,
        &p.text,
        &ptoks[best.from..=best.to],
        &best.ops,
    );
}

/// The byte range of an aligned stretch widened, by as many tokens either side, to about
/// `len` tokens (what a reader needs to see why it is the closest).
fn widened(text: &str, a: &Alignment, len: usize) -> (usize, usize) {
    let toks = super::words::tokens(text);
    let have = a.to - a.from + 1;
    let add = len.saturating_sub(have).div_ceil(2);
    let from = a.from.saturating_sub(add);
    let to = (a.to + add).min(toks.len().saturating_sub(1));
    (toks[from].from, toks[to].to)
}

/// The passages most likely to hold the quotation with changes: those holding the most of its
/// runs of [`CHUNK_WORDS`] words as phrases (a changed word breaks one run, not the others;
/// each run counts 1, whatever the passage's length), and those holding its rarest words (for a
/// quotation changed so much that no run is left whole). Best first, each once.
fn closest_candidates(
    snap: &Snapshot,
    searcher: &Searcher,
    q: &Quotation,
    narrow: &Narrowing,
) -> Vec<Loaded> {
    let (toks, _) = q.joined();
    let stems = analyze(&keys_text(&toks));
    let mut addrs: Vec<DocAddress> = Vec::new();
    for query in [
        chunks_query(snap, &stems),
        rare_words_query(snap, searcher, &stems),
    ]
    .into_iter()
    .flatten()
    {
        let query = narrow.wrap(snap, query);
        let top = searcher
            .search(
                &query,
                &TopDocs::with_limit(CLOSE_CANDIDATES).order_by_score(),
            )
            .unwrap_or_default();
        for (_, a) in top {
            if !addrs.contains(&a) {
                addrs.push(a);
            }
        }
    }
    addrs
        .into_iter()
        .filter_map(|a| load(snap, searcher, a))
        .collect()
}

/// Passages scored by how many of the quotation's runs of words they hold as phrases (at most
/// [`MAX_CHUNKS`] runs, spread over the quotation).
fn chunks_query(snap: &Snapshot, stems: &[Stem]) -> Option<Box<dyn Query>> {
    let f = snap.open_index().fields;
    let runs: Vec<&[Stem]> = stems.chunks(CHUNK_WORDS).filter(|c| c.len() > 1).collect();
    if runs.is_empty() {
        return None;
    }
    let step = runs.len().div_ceil(MAX_CHUNKS);
    let clauses: Vec<(Occur, Box<dyn Query>)> = runs
        .iter()
        .step_by(step)
        .map(|run| {
            let first = run[0].position;
            let terms = run
                .iter()
                .map(|s| {
                    (
                        (s.position - first) as usize,
                        Term::from_field_text(f.text, &s.stem),
                    )
                })
                .collect();
            let phrase: Box<dyn Query> = Box::new(PhraseQuery::new_with_offset(terms));
            let one: Box<dyn Query> = Box::new(ConstScoreQuery::new(phrase, 1.0));
            (Occur::Should, one)
        })
        .collect();
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// Passages scored by BM25 over the quotation's [`RARE_WORDS`] rarest words.
fn rare_words_query(
    snap: &Snapshot,
    searcher: &Searcher,
    stems: &[Stem],
) -> Option<Box<dyn Query>> {
    let f = snap.open_index().fields;
    let mut rare: Vec<(u64, &str)> = stems
        .iter()
        .map(|s| {
            let df = searcher
                .doc_freq(&Term::from_field_text(f.text, &s.stem))
                .unwrap_or(0);
            (df, s.stem.as_str())
        })
        .filter(|(df, _)| *df > 0)
        .collect();
    rare.sort();
    rare.dedup_by(|a, b| a.1 == b.1);
    rare.truncate(RARE_WORDS);
    if rare.is_empty() {
        return None;
    }
    let words: Vec<(Occur, Box<dyn Query>)> = rare
        .iter()
        .map(|(_, s)| (Occur::Should, text_term(snap, s, true)))
        .collect();
    Some(Box::new(BooleanQuery::new(words)))
}

/// A quotation aligned with the stretch of a passage most like it.
struct Alignment {
    /// The stretch: token indexes into the passage, inclusive.
    from: usize,
    to: usize,
    text_from: usize,
    text_to: usize,
    /// The diff of the quotation's tokens (old) against the stretch's (new).
    ops: Vec<DiffOp>,
    similarity: f32,
}

/// Aligns the quotation's keys with the passage: each of the (up to three) stretches of the
/// passage densest in the quotation's words is diffed with it, trimmed to what matched and
/// diffed again; the most similar wins.
fn align(q: &[&str], passage: &[Tok], deadline: Instant) -> Option<Alignment> {
    let keys: Vec<&str> = passage.iter().map(|t| t.key.as_str()).collect();
    let deadline = Some(deadline);
    dense_windows(q, passage, 3)
        .into_iter()
        .filter_map(|(lo, hi)| {
            let ops = capture_diff_slices_deadline(Algorithm::Myers, q, &keys[lo..hi], deadline);
            let mut equal = ops.iter().filter_map(|op| match *op {
                DiffOp::Equal { new_index, len, .. } => {
                    Some((lo + new_index, lo + new_index + len - 1))
                }
                _ => None,
            });
            let first = equal.next()?;
            let last = equal.next_back().unwrap_or(first);
            let (from, to) = (first.0, last.1);
            let ops = capture_diff_slices_deadline(Algorithm::Myers, q, &keys[from..=to], deadline);
            let similarity = similarity(&ops, q.len(), to - from + 1);
            Some(Alignment {
                from,
                to,
                text_from: passage[from].from,
                text_to: passage[to].to,
                ops,
                similarity,
            })
        })
        .max_by(|a, b| a.similarity.total_cmp(&b.similarity))
}

/// Tokens in common (the diff's equal runs) / tokens of the longer side.
fn similarity(ops: &[DiffOp], a: usize, b: usize) -> f32 {
    let common: usize = ops
        .iter()
        .map(|op| match *op {
            DiffOp::Equal { len, .. } => len,
            _ => 0,
        })
        .sum();
    common as f32 / a.max(b).max(1) as f32
}

/// Up to `n` stretches of the passage (token ranges, end exclusive), about the quotation's
/// length with a margin, that hold the most of its words; they do not start within a width of
/// each other.
fn dense_windows(q: &[&str], passage: &[Tok], n: usize) -> Vec<(usize, usize)> {
    let wanted: std::collections::HashSet<&str> = q.iter().copied().collect();
    let hit: Vec<bool> = passage
        .iter()
        .map(|t| t.word && wanted.contains(t.key.as_str()))
        .collect();
    if !hit.iter().any(|h| *h) {
        return Vec::new();
    }
    let width = (q.len() + q.len() / 2 + 4).min(passage.len());
    let mut counts = Vec::with_capacity(passage.len() - width + 1);
    let mut inside = hit[..width].iter().filter(|h| **h).count();
    counts.push(inside);
    for start in 1..=passage.len() - width {
        inside += usize::from(hit[start + width - 1]);
        inside -= usize::from(hit[start - 1]);
        counts.push(inside);
    }
    let mut order: Vec<usize> = (0..counts.len()).filter(|&s| counts[s] > 0).collect();
    order.sort_by_key(|&s| (std::cmp::Reverse(counts[s]), s));
    let mut starts: Vec<usize> = Vec::new();
    for s in order {
        if starts.len() == n {
            break;
        }
        if starts.iter().all(|&t| t.abs_diff(s) >= width) {
            starts.push(s);
        }
    }
    let margin = q.len() / 4 + 2;
    starts
        .into_iter()
        .map(|s| {
            (
                s.saturating_sub(margin),
                (s + width + margin).min(passage.len()),
            )
        })
        .collect()
}

/// The diff as changes, word by word; what the quotation's own omission marks left out is not
/// a change.
fn changes(
    qtext: &str,
    qtoks: &[Tok],
    gaps: &[usize],
    ptext: &str,
    span: &[Tok],
    ops: &[DiffOp],
) -> Vec<Change> {
    let q_words = |a: usize, n: usize| -> String {
        if n == 0 {
            return String::new();
        }
        qtext[qtoks[a].from..qtoks[a + n - 1].to].to_string()
    };
    let p_words = |a: usize, n: usize| -> String {
        if n == 0 {
            return String::new();
        }
        ptext[span[a].from..span[a + n - 1].to].to_string()
    };
    // An ellipsis the quotation kept (when compared as written) marks an omission: not a change.
    let only_ellipsis = |a: usize, n: usize| {
        n > 0
            && qtoks[a..a + n]
                .iter()
                .all(|t| t.key == super::words::ELLIPSIS)
    };
    ops.iter()
        .filter_map(|op| match *op {
            DiffOp::Equal { .. } => None,
            DiffOp::Delete {
                old_index, old_len, ..
            }
            | DiffOp::Replace {
                old_index, old_len, ..
            } if only_ellipsis(old_index, old_len) => None,
            DiffOp::Delete {
                old_index, old_len, ..
            } => Some(Change {
                kind: ChangeKind::Inserted,
                quote: q_words(old_index, old_len),
                source: String::new(),
            }),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (!gaps.contains(&old_index)).then(|| Change {
                kind: ChangeKind::Deleted,
                quote: String::new(),
                source: p_words(new_index, new_len),
            }),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => Some(Change {
                kind: ChangeKind::Replaced,
                quote: q_words(old_index, old_len),
                source: p_words(new_index, new_len),
            }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::words::tokens;
    use super::*;

    #[test]
    fn alignment_lists_changes_word_by_word() {
        let ptext = "Third, according to normal practices, the Soviet Union is obligated to \
                     repatriate any Chinese residents who enter the Soviet Union illegally.";
        let ptoks = tokens(ptext);
        let qtext = "the Soviet Union is required to repatriate Chinese residents who enter";
        let q = Quotation::read(qtext);
        let (qtoks, gaps) = q.joined();
        let qkeys: Vec<&str> = qtoks.iter().map(|t| t.key.as_str()).collect();
        let a = align(&qkeys, &ptoks, Instant::now() + ALIGN_TIME).unwrap();
        assert_eq!(
            &ptext[a.text_from..a.text_to],
            "the Soviet Union is obligated to repatriate any Chinese residents who enter"
        );
        let c = changes(&q.text, &qtoks, &gaps, ptext, &ptoks[a.from..=a.to], &a.ops);
        assert_eq!(
            c,
            vec![
                Change {
                    kind: ChangeKind::Replaced,
                    quote: "required".into(),
                    source: "obligated".into()
                },
                Change {
                    kind: ChangeKind::Deleted,
                    quote: String::new(),
                    source: "any".into()
                },
            ]
        );
        assert!(a.similarity > ALTERED_FROM && a.similarity < 1.0);
    }
}
