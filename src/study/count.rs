//! How often a word or phrase occurs in each passage, read from the index's postings: a word's
//! term frequency, a phrase's runs of positions. `contexts` and `trend` count with this, so their
//! counts are the index's own; the lines `contexts` shows are found in the passage text with
//! the same analyzer ([`in_text`]), and a test checks that the two agree on every passage.

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EnableScoring, Query};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Searcher, SegmentReader, Term, TERMINATED};

use super::{Places, Stem};

/// One passage holding the term: where it is and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub segment: u32,
    pub doc: DocId,
    /// Catalog index of the document.
    pub doc_ord: usize,
    pub passage: u32,
    pub count: u32,
}

/// Every passage holding `term` (stems at relative positions, from [`super::term_stems`]) that
/// `filter` allows (all without one), with its count; in index order.
pub fn occurrences(
    searcher: &Searcher,
    field: tantivy::schema::Field,
    term: &[(u32, String)],
    filter: Option<&dyn Query>,
) -> tantivy::Result<Vec<Hit>> {
    if term.is_empty() {
        return Ok(Vec::new());
    }
    let weight = match filter {
        Some(q) => Some(q.weight(EnableScoring::disabled_from_searcher(searcher))?),
        None => None,
    };
    let mut out = Vec::new();
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        let Some(mut postings) = segment_postings(seg, field, term)? else {
            continue;
        };
        let Some(places) = Places::of(seg) else {
            continue;
        };
        let mut allowed = match &weight {
            Some(w) => Some(w.scorer(seg, 1.0)?),
            None => None,
        };
        let alive = seg.alive_bitset();
        let mut positions: Vec<Vec<u32>> = vec![Vec::new(); term.len()];
        let mut doc = postings[0].doc();
        while doc != TERMINATED {
            let ok = alive.is_none_or(|a| a.is_alive(doc))
                && allowed
                    .as_mut()
                    .is_none_or(|s| s.doc() <= doc && s.seek(doc) == doc);
            if ok {
                let count = count_in(&mut postings, doc, term, &mut positions);
                if count > 0 {
                    if let Some((doc_ord, passage)) = places.get(doc) {
                        out.push(Hit {
                            segment: ord as u32,
                            doc,
                            doc_ord,
                            passage,
                            count,
                        });
                    }
                }
            }
            doc = postings[0].advance();
        }
    }
    Ok(out)
}

/// The postings of each stem of `term` in one segment (`None` when one of them is absent).
fn segment_postings(
    seg: &SegmentReader,
    field: tantivy::schema::Field,
    term: &[(u32, String)],
) -> tantivy::Result<Option<Vec<SegmentPostings>>> {
    let inv = seg.inverted_index(field)?;
    let option = if term.len() == 1 {
        IndexRecordOption::WithFreqs
    } else {
        IndexRecordOption::WithFreqsAndPositions
    };
    let mut out = Vec::with_capacity(term.len());
    for (_, stem) in term {
        match inv.read_postings(&Term::from_field_text(field, stem), option)? {
            Some(p) => out.push(p),
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

/// Occurrences of `term` in `doc`, where the first stem's postings stand.
fn count_in(
    postings: &mut [SegmentPostings],
    doc: DocId,
    term: &[(u32, String)],
    positions: &mut [Vec<u32>],
) -> u32 {
    if term.len() == 1 {
        return postings[0].term_freq();
    }
    for p in postings.iter_mut().skip(1) {
        if p.doc() > doc || p.seek(doc) != doc {
            return 0;
        }
    }
    for (p, buf) in postings.iter_mut().zip(positions.iter_mut()) {
        buf.clear();
        p.positions(buf);
    }
    phrase_starts(&positions[0], &positions[1..], term)
}

/// How many positions `p` of the first stem have every other stem at `p + its offset`.
fn phrase_starts(first: &[u32], rest: &[Vec<u32>], term: &[(u32, String)]) -> u32 {
    first
        .iter()
        .filter(|&&p| {
            rest.iter()
                .zip(&term[1..])
                .all(|(ps, (off, _))| ps.binary_search(&(p + off)).is_ok())
        })
        .count() as u32
}

/// Where `term` occurs in analysed text (`stems` of [`super::analyze`]): the index in `stems`
/// of the first and last word of each occurrence. The same rule as [`occurrences`], applied to
/// the text instead of the postings.
pub fn in_text(stems: &[Stem], term: &[(u32, String)]) -> Vec<(usize, usize)> {
    let Some((_, first)) = term.first() else {
        return Vec::new();
    };
    let at = |pos: u32| stems.binary_search_by_key(&pos, |s| s.position).ok();
    stems
        .iter()
        .enumerate()
        .filter(|(_, s)| &s.stem == first)
        .filter_map(|(i, s)| {
            let mut last = i;
            for (off, stem) in &term[1..] {
                let j = at(s.position + off)?;
                if &stems[j].stem != stem {
                    return None;
                }
                last = j;
            }
            Some((i, last))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{analyze, term_stems};
    use super::*;

    #[test]
    fn finds_words_and_phrases_in_text() {
        let text = "Normal conditions, normal trade and normal conditions again; conditions.";
        let stems = analyze(text);
        let hits = in_text(&stems, &term_stems("normal conditions"));
        assert_eq!(hits.len(), 2);
        let (a, b) = hits[1];
        assert_eq!(&text[stems[a].from..stems[b].to], "normal conditions");
        assert_eq!(in_text(&stems, &term_stems("condition")).len(), 3);
        assert!(in_text(&stems, &term_stems("")).is_empty());
    }
}
