//! Every weight of the ranking, in one place, each with what it does. The stages that use them:
//! [`plan`](super::plan) (what each word and paraphrase is worth), [`candidates`](super::candidates)
//! (tantivy's BM25 with phrase bonuses), [`rescore`](super::rescore) (coverage, answer type,
//! document title) and [`excerpt`](super::excerpt) (which sentences are quoted).

use crate::lexicon::Via;

/// A word of the question's topic (`… about <topic>`) against the words framing it.
pub const FOCUS_BOOST: f32 = 1.5;

/// A word the question uses only to frame itself where it might also be content (`say` after
/// the question's first words, `happened` after `what`): searched, but lightly.
pub const FRAME_WORD: f32 = 0.3;

/// Words adjacent in the question count as a phrase up to this many words apart in a passage.
pub const PHRASE_SLOP: u32 = 2;

/// A phrase's bonus, relative to the BM25 of its two words.
pub const PHRASE_BONUS: f32 = 0.5;

/// What a paraphrase is worth against the question's own word, by how it is related (and, for
/// [`SENSE_DECAY`], by how rare the sense it came through is). Always below 1: a passage that
/// holds the question's own word is never outranked for that word by one holding a paraphrase.
pub fn paraphrase_weight(via: Via, sense: u8) -> f32 {
    let base = match via {
        Via::Synonym => 0.7,
        Via::Derived => 0.7,
        Via::Similar => 0.5,
        Via::Broader => 0.45,
        Via::Opposite => 0.6,
    };
    base * SENSE_DECAY.powi(i32::from(sense))
}

/// Each rarer sense of a word makes its paraphrases this much less likely to be meant.
pub const SENSE_DECAY: f32 = 0.75;

/// A paraphrase's term query in tantivy is boosted by its weight times this: paraphrases bring
/// passages into the candidates and count towards coverage, but their BM25 should not outweigh
/// the question's own words (a word's paraphrases are many, and some are off the mark).
pub const PARAPHRASE_BM25: f32 = 0.5;

/// Paraphrases searched per question word, best first (a handful carry the meaning; more only
/// add noise and postings to read).
pub const PARAPHRASES_PER_WORD: usize = 4;

/// Opposites searched per question word besides its paraphrases (`reject` → `accept`, found
/// only after a negation).
pub const OPPOSITES_PER_WORD: usize = 2;

/// Paraphrases weaker than this are not searched.
pub const MIN_PARAPHRASE_WEIGHT: f32 = 0.2;

/// In re-scoring, a passage's BM25 is multiplied by `COVERAGE_FLOOR + coverage`, where coverage
/// is the share of the question's weight its words (or their paraphrases, at their weight) cover.
pub const COVERAGE_FLOOR: f32 = 0.5;

/// A passage holding an answer of the type the question asks for (a number for "how many", a
/// date for "when" …) scores this much more (times the strength of the answer found, 0–1).
pub const ANSWER_TYPE_BONUS: f32 = 0.8;

/// For "how many X", a number that counts something other than X ("a couple of strands" when
/// the question counts gaps) answers this much as surely as one that counts X ("ten gaps").
pub const QUANTITY_OF_OTHER: f32 = 0.5;

/// A question word the passage lacks but its document's title or summary holds counts this
/// much towards the passage's coverage (the question names the document: "per the Soviet memo").
pub const TITLE_COVER: f32 = 0.5;

/// The best candidates' scores are multiplied by `WINDOW_FLOOR + window`, where window is the
/// share of the question's weight that their best sentence (or two adjacent ones) covers: a
/// passage where the question's words stand together answers it better than one where they
/// are scattered.
pub const WINDOW_FLOOR: f32 = 0.25;

/// Candidates re-scored with their text (answer types need it): the best this many by words.
pub const RESCORE_WINDOW: usize = 40;

/// Candidates taken from tantivy beyond the page asked for.
pub const EXTRA_CANDIDATES: usize = 40;

/// Fewest candidates taken from tantivy.
pub const MIN_CANDIDATES: usize = 60;

/// In quotes, a sentence holding a sure answer of the question's type gains this share of the
/// weight of the question's weightiest word.
pub const QUOTE_ANSWER_TYPE: f32 = 0.8;

/// In quotes, a paraphrase counts at its weight times this (the question's own words show
/// best what the passage answers).
pub const QUOTE_PARAPHRASE: f32 = 0.8;
