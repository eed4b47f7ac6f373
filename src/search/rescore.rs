//! Stage 4 of a question: re-scoring the candidates. Each candidate's BM25 is weighed by how
//! much of the question it covers — each question word counts fully when the passage holds it,
//! at its paraphrase's weight when it holds only a paraphrase, and in part when only the
//! document's title or summary holds it (the question names the document: "per the Soviet
//! memo") — and, when the question asks for a kind of answer (a number, a date, a person …),
//! by whether the passage holds one.

use std::collections::{HashMap, HashSet};

use tantivy::{DocAddress, Searcher};

use super::answer_type::{self, AnswerType, Span};
use super::candidates::{stems_held, Candidates};
use super::excerpt;
use super::plan::Plan;
use super::snapshot::{Hit, Snapshot};
use super::weights::{
    ANSWER_TYPE_BONUS, COVERAGE_FLOOR, QUANTITY_OF_OTHER, RESCORE_WINDOW, TITLE_COVER, WINDOW_FLOOR,
};
use crate::answer::ResultWhy;

/// A candidate, re-scored.
pub(super) struct Ranked {
    pub addr: DocAddress,
    pub score: f32,
    pub doc: usize,
    pub passage: u32,
    /// The passage, when re-scoring had to read it (answer types).
    pub hit: Option<Hit>,
    /// Answers of the type asked for, in the passage's text.
    pub answers: Vec<Span>,
    pub why: ResultWhy,
}

/// Re-scores and orders the candidates.
pub(super) fn rescore(
    snap: &Snapshot,
    searcher: &Searcher,
    plan: &Plan,
    found: Candidates,
) -> Vec<Ranked> {
    let stems: Vec<String> = plan.stems.iter().map(|s| s.stem.clone()).collect();
    let addrs: Vec<DocAddress> = found.top.iter().map(|(_, a)| *a).collect();
    let held = stems_held(searcher, snap.ix.fields.text, &stems, &addrs);
    let places = snap.places(searcher, &addrs);
    let mut titles = TitleStems::default();
    let mut ranked: Vec<Ranked> = found
        .top
        .into_iter()
        .zip((0..).map(|i| &held[i * stems.len()..][..stems.len()]))
        .zip(places)
        .filter_map(|(((bm25, addr), present), place)| {
            let (doc, passage) = place?;
            let mut why = ResultWhy {
                doc_id: snap.ix.catalog.documents.get(doc)?.meta.id.clone(),
                passage,
                bm25,
                ..Default::default()
            };
            let score = if stems.is_empty() {
                // No words to rank by: a speaker's or a document's passages in order.
                1.0 / (1.0 + passage as f32)
            } else {
                let title = titles.of(snap, doc);
                why.coverage = coverage(plan, present, title, &mut why);
                bm25 * (COVERAGE_FLOOR + why.coverage)
            };
            Some(Ranked {
                addr,
                score,
                doc,
                passage,
                hit: None,
                answers: Vec::new(),
                why,
            })
        })
        .collect();
    order(&mut ranked, snap);
    if !stems.is_empty() {
        read_the_best(snap, searcher, plan, &mut ranked);
        order(&mut ranked, snap);
    }
    ranked
}

/// Reads the best [`RESCORE_WINDOW`] candidates and weighs each by its best sentence window
/// (where the question's words stand together, the passage answers) and, when the question asks
/// for a kind of answer, by whether it holds one near the question's words.
fn read_the_best(snap: &Snapshot, searcher: &Searcher, plan: &Plan, ranked: &mut [Ranked]) {
    let stems: HashSet<&str> = plan.stems.iter().map(|s| s.stem.as_str()).collect();
    let is_name = |w: &str| {
        let lower = w.to_lowercase();
        snap.lexicon.ids_of(&lower).is_some() || !crate::lexicon::is_common_word(&lower)
    };
    let is_place = |w: &str| crate::lexicon::is_place_word(w);
    for r in ranked.iter_mut().take(RESCORE_WINDOW) {
        let Some(hit) = snap.hit(searcher, r.addr, r.score) else {
            continue;
        };
        // The passage's sentences and words, read once for the window and the answers.
        let sentences = excerpt::sentences(&hit.text);
        let words = excerpt::stems(&hit.text);
        r.why.window = best_window(plan, &sentences, &words);
        r.score *= WINDOW_FLOOR + r.why.window;
        if let Some(t) = plan.answer_type {
            let mut found = answer_type::find(&hit.text, t, &is_name, &is_place);
            if t == AnswerType::Quantity && !plan.counted.is_empty() {
                answer_type::weigh_by_counted(&words, &mut found, &plan.counted, QUANTITY_OF_OTHER);
            }
            r.answers = near_question_words(&hit.text, found, &stems, &sentences, &words);
            let strength = r.answers.iter().map(|a| a.strength).fold(0.0, f32::max);
            if strength > 0.0 {
                r.score *= 1.0 + ANSWER_TYPE_BONUS * strength.min(1.0);
                r.why.answer_type_found = true;
            }
        }
        r.hit = Some(hit);
    }
}

/// The largest share of the question's weight that one sentence, or two adjacent ones, of
/// the text cover (each word once, a paraphrase at its weight, an opposite only after a
/// negation).
fn best_window(plan: &Plan, sentences: &[(usize, usize)], words: &[(usize, usize, String)]) -> f32 {
    if sentences.is_empty() {
        return 0.0;
    }
    let n_words = plan.words.len();
    let mut per_sentence = vec![0.0f32; sentences.len() * n_words];
    let mut k = 0;
    let stems: Vec<&str> = words.iter().map(|(_, _, s)| s.as_str()).collect();
    for (i, (from, _, stem)) in words.iter().enumerate() {
        while k + 1 < sentences.len() && *from >= sentences[k].1 {
            k += 1;
        }
        let found = plan.stems.iter().find(|s| &s.stem == stem);
        if let Some(s) = found.filter(|s| !s.negated || excerpt::negated(&stems, i)) {
            let cell = &mut per_sentence[k * n_words + s.word];
            *cell = cell.max(s.paraphrase.unwrap_or(1.0));
        }
    }
    let total: f32 = plan.words.iter().map(|w| w.weight).sum::<f32>().max(1e-6);
    let covered = |rows: &[usize]| -> f32 {
        plan.words
            .iter()
            .enumerate()
            .map(|(w, pw)| {
                let c = rows
                    .iter()
                    .map(|&r| per_sentence[r * n_words + w])
                    .fold(0.0, f32::max);
                pw.weight * c
            })
            .sum::<f32>()
            / total
    };
    (0..sentences.len())
        .map(|i| {
            if i + 1 < sentences.len() {
                covered(&[i, i + 1])
            } else {
                covered(&[i])
            }
        })
        .fold(0.0, f32::max)
}

/// The share of the question's weight a passage covers. `present`: which of the plan's stems
/// the passage holds; `title`: the stems of its document's title and summary.
fn coverage(plan: &Plan, present: &[bool], title: &HashSet<String>, why: &mut ResultWhy) -> f32 {
    let mut covered = vec![0.0f32; plan.words.len()];
    let mut in_title = vec![0.0f32; plan.words.len()];
    for (s, &p) in plan.stems.iter().zip(present) {
        let worth = s.paraphrase.unwrap_or(1.0);
        // An opposite counts only after a negation, which presence alone does not tell: the
        // sentence window ([`best_window`]) reads it.
        if p && !s.negated {
            covered[s.word] = covered[s.word].max(worth);
            match s.paraphrase {
                None => why.matched.push(s.stem.clone()),
                Some(_) => why.paraphrased.push(s.stem.clone()),
            }
        }
        if title.contains(&s.stem) {
            in_title[s.word] = in_title[s.word].max(worth);
        }
    }
    let total: f32 = plan.words.iter().map(|w| w.weight).sum::<f32>().max(1e-6);
    let mut sum = 0.0;
    for (i, w) in plan.words.iter().enumerate() {
        let from_title = TITLE_COVER * in_title[i];
        if from_title > covered[i] {
            why.title_words.push(w.text.clone());
        }
        sum += w.weight * covered[i].max(from_title);
    }
    sum / total
}

/// Best first; equal scores in document and passage order.
fn order(ranked: &mut [Ranked], snap: &Snapshot) {
    let id = |r: &Ranked| snap.ix.catalog.documents[r.doc].meta.id.as_str();
    ranked.sort_by(|a, b| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| (id(a), a.passage).cmp(&(id(b), b.passage)))
    });
}

/// The answers that stand in a sentence holding a question word, or next to one (an answer far
/// from what the question asks about answers something else); a header line (`Venue: …`)
/// answers on its own.
fn near_question_words(
    text: &str,
    answers: Vec<Span>,
    stems: &HashSet<&str>,
    sentences: &[(usize, usize)],
    words: &[(usize, usize, String)],
) -> Vec<Span> {
    if answers.is_empty() {
        return answers;
    }
    let sentence_of = |at: usize| sentences.iter().position(|&(s, e)| at >= s && at < e);
    let asked: Vec<usize> = words
        .iter()
        .filter(|(_, _, st)| stems.contains(st.as_str()))
        .filter_map(|(from, _, _)| sentence_of(*from))
        .collect();
    answers
        .into_iter()
        .filter(|a| {
            let line = text[..a.from].rfind('\n').map(|i| i + 1).unwrap_or(0);
            let span = &text[a.from..a.to];
            let field = text[line..].starts_with(span) && span.contains(':');
            field || sentence_of(a.from).is_some_and(|k| asked.iter().any(|&q| q.abs_diff(k) <= 1))
        })
        .collect()
}

/// The stems of each document's title and summary, made when first needed.
#[derive(Default)]
struct TitleStems(HashMap<usize, HashSet<String>>);

impl TitleStems {
    fn of(&mut self, snap: &Snapshot, doc: usize) -> &HashSet<String> {
        self.0.entry(doc).or_insert_with(|| {
            let Some(r) = snap.ix.catalog.documents.get(doc) else {
                return HashSet::new();
            };
            let mut text = r.meta.title.clone();
            if let Some(s) = &r.meta.summary {
                text.push(' ');
                text.push_str(s);
            }
            excerpt::stems(&text)
                .into_iter()
                .map(|(_, _, s)| s)
                .collect()
        })
    }
}
