//! The engine's answers as plain data: what every renderer (terminal, JSON, Discord) draws from.
//!
//! Nothing here knows about tantivy or Discord. The field names are the `--json` data contract of
//! DESIGN.md (`ask --json`, `doc --json`); other tools read them, so add fields rather than rename.

use serde::{Deserialize, Serialize};

/// The answer to one question: the best passages, each with the excerpt shown to the user.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Answer {
    /// The question as the user typed it (after cleaning invisible characters).
    pub question: String,
    /// How many passages matched in all (results holds at most `limit` of them).
    pub total: usize,
    /// The passages shown, best first, starting at `offset`.
    pub results: Vec<Quote>,
    /// Rank of the first result among all matches (0 for the first page).
    #[serde(default)]
    pub offset: usize,
    /// What was actually searched for, so a "nothing found" can say so.
    pub searched: Searched,
    /// Hints for the user when nothing (or little) was found: known speakers, close titles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<String>,
    /// Why the results ranked as they did (only when asked for: `eval --explain`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explanation>,
}

/// How a question was read and why each result ranked where it did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Explanation {
    /// The kind of answer the question's form asks for (`quantity`, `date`, `person` …).
    pub answer_type: Option<String>,
    /// The role words that named the speakers (`soviet ambassador`), if a role did.
    pub role: Option<String>,
    /// Words dropped because they only frame the question.
    pub frame: Vec<String>,
    /// Each searched word with its weight and the paraphrases searched for it.
    pub words: Vec<WordWhy>,
    /// Per result shown, in order.
    pub results: Vec<ResultWhy>,
}

/// A searched word of the question.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct WordWhy {
    pub word: String,
    /// Its weight (idf, times the topic boost).
    pub weight: f32,
    /// The multi-word expression it starts, when the paraphrases are the expression's.
    pub expression: Option<String>,
    /// (paraphrase, how it is related, its weight relative to the word).
    pub paraphrases: Vec<(String, String, f32)>,
    /// Other spellings the documents give for it (stems), searched as the word itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spellings: Vec<String>,
}

/// Why one result ranked where it did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ResultWhy {
    pub doc_id: String,
    pub passage: u32,
    /// The BM25 score with phrase bonuses, from tantivy.
    pub bm25: f32,
    /// Share of the question's weight the passage covers (paraphrases at their weight).
    pub coverage: f32,
    /// The question's own words the passage holds.
    pub matched: Vec<String>,
    /// The paraphrases the passage holds.
    pub paraphrased: Vec<String>,
    /// Share of the question's weight its best sentence (or two adjacent ones) covers.
    pub window: f32,
    /// Whether it holds an answer of the type asked for.
    pub answer_type_found: bool,
    /// Question words found in the document's title or summary rather than the passage.
    pub title_words: Vec<String>,
}

/// One quoted passage with its citation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Quote {
    pub doc_id: String,
    /// Passage number within the document (0 is the document's header).
    pub passage: u32,
    /// Full name of the speaker, `None` for header lines and documents without speakers.
    pub speaker: Option<String>,
    /// The label the transcript uses for the speaker (`Ji`), `None` without a speaker.
    pub label: Option<String>,
    pub title: String,
    /// ISO date of the document (`1962-06-26`, or `1962-06` / `1962` when that is all it gives).
    pub date: Option<String>,
    /// Link to the source document (the canonical archive URL).
    pub url: String,
    /// The whole passage, verbatim.
    pub text: String,
    /// The excerpt shown to the user: the best sentence or two, cut with "…".
    pub quote: String,
    /// Byte ranges `[start, end)` in `quote` of the words that matched the question.
    pub highlights: Vec<[usize; 2]>,
    pub score: f32,
}

/// What the engine searched for after reading the question.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Searched {
    /// The content words searched for (question scaffolding removed).
    pub terms: Vec<String>,
    /// Speakers the answer was restricted to (full names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub speakers: Vec<String>,
    /// Set when a speaker was named but had no matching turns, so all speakers were searched.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub speaker_relaxed: bool,
    /// Document the answer was restricted to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_id: Option<String>,
    /// Date (or date prefix) the answer was narrowed to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// A document's card: everything `/doc` and `archivist doc` show.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DocCard {
    pub doc_id: String,
    pub title: String,
    pub date: Option<String>,
    pub summary: Option<String>,
    /// The citation string as the source gives it.
    pub citation: Option<String>,
    /// The URL as the source gives it.
    pub url: Option<String>,
    /// `https://digitalarchive.wilsoncenter.org/document/<id>` (base configurable).
    pub canonical_url: String,
    pub archive_ref: Option<String>,
    pub translator: Option<String>,
    pub original_language: Option<String>,
    /// The archive named in the citation (`Wilson Center Digital Archive`).
    pub archive: Option<String>,
    pub credits: Option<String>,
    /// The meeting date/time line of the body (`8 June 1962, 5:00 p.m.`), when it has one.
    pub meeting: Option<String>,
    pub speakers: Vec<SpeakerTurns>,
    /// Number of passages (header included).
    pub passages: u32,
    /// The corpus file it came from.
    pub source_file: String,
}

/// One participant of a document and how often they speak.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SpeakerTurns {
    pub name: String,
    pub label: String,
    pub turns: u32,
    /// The description the document gives (`Vice Minister`, `Deputy Director, ...`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// A speaker across the corpus: `archivist speakers`, `/speakers`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SpeakerSummary {
    pub name: String,
    /// Every label and alias seen for this person.
    pub labels: Vec<String>,
    pub role: Option<String>,
    /// (document id, turns in that document).
    pub documents: Vec<(String, u32)>,
    pub turns: u32,
}

/// One passage in full with its place in the document (`/quote`, context, reading).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PassageView {
    pub doc_id: String,
    pub passage: u32,
    pub speaker: Option<String>,
    pub label: Option<String>,
    pub text: String,
    /// Number of passages in the document, for "n of N".
    pub of: u32,
}

/// A short line for lists and autocomplete: a document's id, title and date.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DocBrief {
    pub doc_id: String,
    pub title: String,
    pub date: Option<String>,
}

/// What the loaded corpus holds (`/help`, `/healthz`, `archivist index`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CorpusStats {
    pub documents: usize,
    pub passages: usize,
    pub speakers: usize,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    /// Seconds since the Unix epoch when the index was built.
    pub built_at: u64,
    /// Files skipped while parsing, with the reason.
    pub warnings: Vec<String>,
}
