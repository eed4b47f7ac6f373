//! `/verify`, `archivist verify`: is this quotation in the sources, word for word?
//!
//! A quotation is read ([`Quotation::read`]), then checked in stages, each a function:
//! 1. [`exact_candidates`]: the passages holding every piece of it as a phrase (the index's
//!    positions, so this finds a quotation among a hundred thousand passages at once);
//! 2. [`find_exact`]: in each, in date order, the quotation as written (`verbatim`) or its pieces
//!    in order with what its marks allow between them (`omissions`);
//! 3. otherwise [`closest_candidates`] (the passages holding its rarest words) aligned word by
//!    word with `similar`'s diff ([`align`]): close enough, the quotation was `altered` and the
//!    changes are listed; else `not_found`, with the three closest passages.
//!
//! With a speaker, the verdict also says whether the passage is theirs. Odd input (one word, only
//! punctuation, a very long quotation) gets a verdict and a note, never an error.

use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query};
use tantivy::{DocAddress, Searcher, Term};

use super::words::{Gap, Quotation, Tok, INSERTION_REPLACES};
use super::{analyze, load, places_of, ranks, speaker_names, text_term, Loaded, Narrowing, Scope};
use crate::cite::{cite_passage, Style};
use crate::index::schema::name_key;
use crate::search::Snapshot;

/// Longest quotation checked, in characters (Discord's longest option is 6,000); the rest is
/// left out, with a note.
pub const MAX_QUOTE_CHARS: usize = 6000;
pub use super::closest::ALTERED_FROM;
/// Passages holding every piece of a quotation, checked in date order.
const EXACT_CANDIDATES: usize = 64;

/// A quotation to check, and who it is said to be by.
#[derive(Debug, Clone, Default)]
pub struct VerifyRequest {
    pub quote: String,
    pub speaker: Option<String>,
}

/// The verdict on a quotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// It stands in one passage, word for word.
    Verbatim,
    /// It stands in one passage with marked omissions and/or bracketed insertions, each piece
    /// word for word, in order.
    Omissions,
    /// The closest passage differs: see the changes.
    Altered,
    /// Nothing close: see the closest passages.
    NotFound,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Verbatim => "verbatim",
            Verdict::Omissions => "omissions",
            Verdict::Altered => "altered",
            Verdict::NotFound => "not_found",
        }
    }
}

/// How the quotation differs from its source at one place, seen from the quotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// The source's words (`source`) are given as other words (`quote`).
    Replaced,
    /// The quotation has words (`quote`) the source does not.
    Inserted,
    /// The quotation leaves out words of the source (`source`) without marking it.
    Deleted,
}

/// One change, word by word.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// The words as the quotation has them (empty for a deletion).
    pub quote: String,
    /// The words as the source has them, verbatim (empty for an insertion).
    pub source: String,
}

/// A passage close to the quotation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Closest {
    pub doc_id: String,
    pub passage: u32,
    pub speaker: Option<String>,
    /// The stretch of the passage that matches the quotation best, widened to about the
    /// quotation's length, verbatim.
    pub text: String,
    /// Words (and marks) in common / those of the longer of quotation and stretch, 0 to 1
    /// (rounded to 3 decimals).
    pub similarity: f32,
}

/// The answer to `verify`. Field names are the `verify --json` contract: add, don't rename.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    pub verdict: Verdict,
    /// The quotation as checked (cleaned; quotation marks and a closing full stop removed).
    pub quote: String,
    /// The passage it stands in (or, when altered, the closest one); `None` when not found.
    pub doc_id: Option<String>,
    pub passage: Option<u32>,
    /// The passage's speaker (`None` for header lines and documents without speakers).
    pub speaker: Option<String>,
    /// The speaker the quotation was attributed to, as the corpus names them (or as typed,
    /// when no one of that name speaks in it).
    pub claimed_speaker: Option<String>,
    /// Whether the passage is the claimed speaker's; `None` without a speaker or a passage.
    pub speaker_matches: Option<bool>,
    /// The matched span of the passage, verbatim (from the first matched word to the last).
    pub source: Option<String>,
    pub changes: Vec<Change>,
    pub closest: Vec<Closest>,
    /// The passage's citation (the archive's form), when there is a passage.
    pub citation: Option<String>,
    pub title: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
    /// Something the reader should know about how the quotation was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A passage and the byte range of it that matched.
struct Found {
    passage: Loaded,
    verdict: Verdict,
    text_from: usize,
    text_to: usize,
}

/// Checks a quotation against the passages `scope` allows. Never fails.
pub fn verify(snap: &Snapshot, req: &VerifyRequest, scope: Scope) -> Verification {
    let cleaned = crate::search::question::clean_text(&req.quote);
    let mut note = None;
    let cut: String = cleaned.chars().take(MAX_QUOTE_CHARS).collect();
    if cut.len() < cleaned.len() {
        note = Some(format!(
            "Only the first {MAX_QUOTE_CHARS} characters of the quotation were checked."
        ));
    }
    let q = Quotation::read(&cut);
    let mut v = Verification::empty(&q.text, note);
    if !q.has_words() {
        v.note = Some("The quotation has no words to look for.".into());
        return with_speaker(snap, v, req.speaker.as_deref());
    }
    let Ok(narrow) = Narrowing::documents(snap, None, scope) else {
        return with_speaker(snap, v, req.speaker.as_deref());
    };
    let searcher = snap.open_index().reader.searcher();
    let exact = exact_candidates(snap, &searcher, &q, &narrow);
    if let Some(found) = exact.into_iter().find_map(|p| find_exact(&q, p)) {
        v.fill_from(snap, &found.passage);
        v.verdict = found.verdict;
        v.source = Some(found.passage.text[found.text_from..found.text_to].to_string());
    } else {
        super::closest::closest(snap, &searcher, &q, &narrow, &mut v);
    }
    with_speaker(snap, v, req.speaker.as_deref())
}

impl Verification {
    /// What the verdict says, in one plain sentence.
    pub fn summary(&self) -> String {
        let place = match (&self.doc_id, self.passage) {
            (Some(d), Some(p)) => {
                let who = self
                    .speaker
                    .as_deref()
                    .map(|s| format!(", {s}"))
                    .unwrap_or_default();
                format!("document {d}, passage {p}{who}")
            }
            _ => String::new(),
        };
        match self.verdict {
            Verdict::Verbatim => format!("Verbatim: it stands word for word in {place}."),
            Verdict::Omissions => {
                format!("With omissions: each piece stands word for word, in order, in {place}.")
            }
            Verdict::Altered => format!("Altered: the closest passage, {place}, differs."),
            Verdict::NotFound if self.closest.is_empty() => {
                "Not found: no passage of the archive holds its words.".to_string()
            }
            Verdict::NotFound => "Not found: nothing in the archive is close to it.".to_string(),
        }
    }

    /// Whose the passage is, when a speaker was named (`The passage is Zhang Hanfu's, not
    /// Chervonenko's.`).
    pub fn speaker_summary(&self) -> Option<String> {
        let claimed = self.claimed_speaker.as_deref()?;
        Some(match (self.speaker_matches, self.speaker.as_deref()) {
            (Some(true), _) => format!("The passage is {claimed}'s."),
            (Some(false), Some(s)) => format!("The passage is {s}'s, not {claimed}'s."),
            (Some(false), None) => {
                format!("The passage has no speaker, so it is not {claimed}'s.")
            }
            (None, _) => format!("Not found, so not shown to be {claimed}'s."),
        })
    }

    fn empty(quote: &str, note: Option<String>) -> Verification {
        Verification {
            verdict: Verdict::NotFound,
            quote: quote.to_string(),
            doc_id: None,
            passage: None,
            speaker: None,
            claimed_speaker: None,
            speaker_matches: None,
            source: None,
            changes: Vec::new(),
            closest: Vec::new(),
            citation: None,
            title: None,
            date: None,
            url: None,
            note,
        }
    }

    /// Sets the passage, its speaker, citation, title, date and link.
    pub(super) fn fill_from(&mut self, snap: &Snapshot, p: &Loaded) {
        self.doc_id = Some(p.doc_id.clone());
        self.passage = Some(p.passage);
        self.speaker = p.speaker.clone();
        if let Ok(card) = snap.document(&p.doc_id) {
            self.citation = Some(cite_passage(
                &card,
                Style::Document,
                p.passage,
                p.speaker.as_deref(),
            ));
            self.title = Some(card.title.clone());
            self.date = card.date.clone();
            self.url = Some(card.canonical_url.clone());
        }
    }
}

/// Says whether the passage is the claimed speaker's.
fn with_speaker(snap: &Snapshot, mut v: Verification, speaker: Option<&str>) -> Verification {
    let Some(typed) = speaker.map(str::trim).filter(|s| !s.is_empty()) else {
        return v;
    };
    let names = speaker_names(snap, typed);
    v.claimed_speaker = Some(names.first().cloned().unwrap_or_else(|| typed.to_string()));
    if names.is_empty() {
        let no_one = format!("No one called {typed} speaks in the archive.");
        v.note = Some(match v.note.take() {
            Some(n) => format!("{n} {no_one}"),
            None => no_one,
        });
    }
    if v.doc_id.is_some() {
        let theirs = v
            .speaker
            .as_deref()
            .is_some_and(|s| names.iter().any(|n| name_key(n) == name_key(s)));
        v.speaker_matches = Some(theirs);
    }
    v
}

/// The passages holding every piece of the quotation as a phrase, in date order.
fn exact_candidates(
    snap: &Snapshot,
    searcher: &Searcher,
    q: &Quotation,
    narrow: &Narrowing,
) -> Vec<Loaded> {
    let f = snap.open_index().fields;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for piece in &q.pieces {
        let text = keys_text(&piece.toks);
        let stems = analyze(&text);
        let Some(first) = stems.first().map(|s| s.position) else {
            continue;
        };
        let query: Box<dyn Query> = if stems.len() == 1 {
            text_term(snap, &stems[0].stem, false)
        } else {
            let terms = stems
                .iter()
                .map(|s| {
                    let pos = (s.position - first) as usize;
                    (pos, Term::from_field_text(f.text, &s.stem))
                })
                .collect();
            Box::new(PhraseQuery::new_with_offset(terms))
        };
        clauses.push((Occur::Must, query));
    }
    if clauses.is_empty() {
        return Vec::new();
    }
    let query = narrow.wrap(snap, Box::new(BooleanQuery::new(clauses)));
    let top = searcher
        .search(
            &query,
            &TopDocs::with_limit(EXACT_CANDIDATES).order_by_score(),
        )
        .unwrap_or_default();
    let addrs: Vec<DocAddress> = top.into_iter().map(|(_, a)| a).collect();
    in_date_order(snap, searcher, &addrs)
}

/// Loads passages in date order (then document, then passage number).
fn in_date_order(snap: &Snapshot, searcher: &Searcher, addrs: &[DocAddress]) -> Vec<Loaded> {
    let ranks = ranks(snap);
    let mut keyed: Vec<((usize, usize, u32), DocAddress)> = places_of(searcher, addrs)
        .into_iter()
        .zip(addrs)
        .filter_map(|(place, &a)| {
            let (doc, passage) = place?;
            Some((
                (ranks.get(doc).copied().unwrap_or(usize::MAX), doc, passage),
                a,
            ))
        })
        .collect();
    keyed.sort_by_key(|(k, _)| *k);
    keyed
        .into_iter()
        .filter_map(|(_, a)| load(snap, searcher, a))
        .collect()
}

/// The tokens' keys as text, for the analyzer (which sees the same words in them).
pub(super) fn keys_text(toks: &[Tok]) -> String {
    toks.iter()
        .map(|t| t.key.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The quotation in this passage: as written, else piece by piece.
fn find_exact(q: &Quotation, passage: Loaded) -> Option<Found> {
    let toks = super::words::tokens(&passage.text);
    let keys: Vec<&str> = toks.iter().map(|t| t.key.as_str()).collect();
    let literal: Vec<&str> = q.literal.iter().map(|t| t.key.as_str()).collect();
    let (verdict, from, to) = if let Some(s) = find_run(&keys, &literal, 0, usize::MAX) {
        (Verdict::Verbatim, s, s + literal.len() - 1)
    } else if q.marked {
        let spans = find_pieces(&toks, q)?;
        (Verdict::Omissions, spans[0].0, spans[spans.len() - 1].1)
    } else {
        return None;
    };
    Some(Found {
        text_from: toks[from].from,
        text_to: toks[to].to,
        passage,
        verdict,
    })
}

fn keys_of(toks: &[Tok]) -> Vec<&str> {
    toks.iter().map(|t| t.key.as_str()).collect()
}

/// The first start `s` in `lo..=hi` (and within `hay`) where `needle` stands.
fn find_run(hay: &[&str], needle: &[&str], lo: usize, hi: usize) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    let last = (hay.len() - needle.len()).min(hi);
    (lo..=last).find(|&s| hay[s..s + needle.len()] == *needle)
}

/// Each piece's span (token indexes, inclusive), in order, with what the marks allow between
/// them (an insertion stands for at most [`INSERTION_REPLACES`] words of the source, marks not
/// counted); backtracks over where each piece stands.
fn find_pieces(hay: &[Tok], q: &Quotation) -> Option<Vec<(usize, usize)>> {
    struct Hay<'a> {
        keys: Vec<&'a str>,
        /// Words before each token.
        words: Vec<usize>,
    }
    let mut words = Vec::with_capacity(hay.len() + 1);
    let mut n = 0;
    for t in hay {
        words.push(n);
        n += usize::from(t.word);
    }
    words.push(n);
    let hay = Hay {
        keys: hay.iter().map(|t| t.key.as_str()).collect(),
        words,
    };
    type Keys<'a> = Vec<&'a str>;
    let pieces: Vec<(Gap, Keys, Keys)> = q
        .pieces
        .iter()
        .map(|p| (p.gap, keys_of(&p.toks), keys_of(&p.bracket)))
        .collect();
    fn place(
        hay: &Hay,
        pieces: &[(Gap, Keys, Keys)],
        after: usize,
        out: &mut Vec<(usize, usize)>,
    ) -> bool {
        let Some(((gap, needle, bracket), rest)) = pieces.split_first() else {
            return true;
        };
        // The bracket as written may stand in the source itself, right there.
        let literal = after + bracket.len();
        if *gap == Gap::Insertion
            && !bracket.is_empty()
            && hay.keys.get(after..literal) == Some(&bracket[..])
            && hay.keys.get(literal..literal + needle.len()) == Some(&needle[..])
        {
            out.push((literal, literal + needle.len() - 1));
            if place(hay, rest, literal + needle.len(), out) {
                return true;
            }
            out.pop();
        }
        let (lo, hi) = match gap {
            Gap::Start => (0, usize::MAX),
            Gap::Omission => (after, usize::MAX),
            Gap::Insertion => {
                let limit = hay.words[after.min(hay.keys.len())] + INSERTION_REPLACES;
                let hi = (after..hay.keys.len())
                    .take_while(|&s| hay.words[s] <= limit)
                    .last()
                    .unwrap_or(after);
                (after, hi)
            }
        };
        let mut from = lo;
        while let Some(s) = find_run(&hay.keys, needle, from, hi) {
            out.push((s, s + needle.len() - 1));
            if place(hay, rest, s + needle.len(), out) {
                return true;
            }
            out.pop();
            from = s + 1;
        }
        false
    }
    let mut out = Vec::new();
    place(&hay, &pieces, 0, &mut out).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::super::words::tokens;
    use super::*;

    #[test]
    fn pieces_stand_in_order_with_what_marks_allow() {
        let p = "First, the Soviet Union has taken certain measures recently, as you mention in \
                 the document. We have noticed this and we appreciate such efforts.";
        let hay = tokens(p);
        let q = Quotation::read("the Soviet Union has taken [...] measures recently");
        assert!(find_pieces(&hay, &q).is_some());
        let q = Quotation::read("we appreciate such efforts ... the Soviet Union");
        assert!(find_pieces(&hay, &q).is_none(), "pieces out of order");
        let q = Quotation::read("[Moscow] has taken certain measures");
        assert!(find_pieces(&hay, &q).is_some(), "a leading insertion");
        let q = Quotation::read("the Soviet Union [the USSR] certain measures");
        assert!(
            find_pieces(&hay, &q).is_some(),
            "an insertion for two words"
        );
        let q = Quotation::read("the Soviet Union [the USSR] we appreciate");
        assert!(
            find_pieces(&hay, &q).is_none(),
            "an insertion cannot stand for a whole sentence"
        );
        let with_brackets =
            tokens("It is [The Ministry of Foreign Affairs, Beijing] that reports.");
        let q = Quotation::read("It is [the ministry] that reports");
        assert!(
            find_pieces(&with_brackets, &q).is_some(),
            "brackets and commas of the source are not counted as words"
        );
    }
}
