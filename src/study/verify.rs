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
use similar::{capture_diff_slices_deadline, Algorithm, DiffOp};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, Query};
use tantivy::{DocAddress, Searcher, Term};

use super::words::{Gap, Quotation, Tok, INSERTION_REPLACES};
use super::{analyze, load, places_of, ranks, speaker_names, text_term, Loaded, Narrowing, Scope};
use crate::cite::{cite_passage, Style};
use crate::index::schema::name_key;
use crate::search::Snapshot;

/// Longest quotation checked, in characters (Discord's longest option is 6,000); the rest is
/// left out, with a note.
pub const MAX_QUOTE_CHARS: usize = 6000;
/// Similarity (words in common / words of the longer of quotation and stretch) from which the
/// closest passage is taken as the source of an altered quotation rather than as merely the
/// closest: a quotation with more than 3 words in 10 changed is not found.
pub const ALTERED_FROM: f32 = 0.7;
/// Passages holding every piece of a quotation, checked in date order.
const EXACT_CANDIDATES: usize = 64;
/// Passages holding its rarest words, aligned with it when it is not found as written.
const CLOSE_CANDIDATES: usize = 24;
/// Rarest words of a quotation those are searched by.
const RARE_WORDS: usize = 10;
/// Words of a run searched as a phrase, and most runs searched.
const CHUNK_WORDS: usize = 4;
const MAX_CHUNKS: usize = 12;
/// Closest passages listed.
const CLOSEST: usize = 3;

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
        closest(snap, &searcher, &q, &narrow, &mut v);
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
    fn fill_from(&mut self, snap: &Snapshot, p: &Loaded) {
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
fn keys_text(toks: &[Tok]) -> String {
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

/// Not found as written: the closest passages, and the changes when the closest is close.
fn closest(
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
    let mut aligned: Vec<(Alignment, usize, Loaded)> =
        closest_candidates(snap, searcher, q, narrow)
            .into_iter()
            .filter_map(|p| {
                let toks = super::words::tokens(&p.text);
                let (a, form) = keys
                    .iter()
                    .enumerate()
                    .filter_map(|(i, k)| Some((align(k, &toks)?, i)))
                    .max_by(|a, b| a.0.similarity.total_cmp(&b.0.similarity))?;
                Some((a, form, p))
            })
            .collect();
    aligned.sort_by(|a, b| b.0.similarity.total_cmp(&a.0.similarity));
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
fn chunks_query(snap: &Snapshot, stems: &[super::Stem]) -> Option<Box<dyn Query>> {
    let f = snap.open_index().fields;
    let runs: Vec<&[super::Stem]> = stems.chunks(CHUNK_WORDS).filter(|c| c.len() > 1).collect();
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
    stems: &[super::Stem],
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
fn align(q: &[&str], passage: &[Tok]) -> Option<Alignment> {
    let keys: Vec<&str> = passage.iter().map(|t| t.key.as_str()).collect();
    let deadline = Some(std::time::Instant::now() + std::time::Duration::from_millis(20));
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
            let last = equal.last().unwrap_or(first);
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

    fn keys(s: &str) -> Vec<String> {
        tokens(s).into_iter().map(|t| t.key).collect()
    }

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

    #[test]
    fn alignment_lists_changes_word_by_word() {
        let ptext = "Third, according to normal practices, the Soviet Union is obligated to \
                     repatriate any Chinese residents who enter the Soviet Union illegally.";
        let ptoks = tokens(ptext);
        let qtext = "the Soviet Union is required to repatriate Chinese residents who enter";
        let q = Quotation::read(qtext);
        let (qtoks, gaps) = q.joined();
        let qkeys: Vec<&str> = qtoks.iter().map(|t| t.key.as_str()).collect();
        let a = align(&qkeys, &ptoks).unwrap();
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
