//! The body of a document: its paragraphs ([`layout`](super::layout)), the header zone (title
//! lines, `Date:`/`Venue:`/`Attendees:` … lines, editorial notes), and then speaker turns
//! (`Label: text`, `Full Name (hereafter Label): text`) or plain paragraphs for cables and memoranda.
//!
//! Which labels are speakers is decided from the whole document ([`Speakers`]): a label that is
//! defined with an alias, or used twice, is a speaker; so is a label used once whose name the
//! document writes elsewhere or whose text speaks in the first or second person; a header field
//! (`Time:`, `Received by:` …, see [`labels`](super::labels)) never is.

use std::collections::{HashMap, HashSet};

use super::labels::{field_shaped, is_header_word, is_note, parse_label, LabelInfo, NOT_PEOPLE};
use super::layout::{paragraphs, Para};

/// What a passage of the body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// A speaker's turn.
    Turn,
    /// A paragraph of a document without speakers.
    Paragraph,
    /// An editorial or stage note in parentheses or brackets.
    Note,
}

/// One passage of the body before speakers are resolved.
#[derive(Debug, Clone)]
pub struct Unit {
    pub kind: UnitKind,
    pub label: Option<LabelInfo>,
    pub text: String,
    /// 1-based line in the file where it starts.
    pub line: usize,
}

/// The body, split.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// Title lines, meeting header lines and notes before the first turn, verbatim.
    pub header: Vec<String>,
    /// `(key, value)` of the header lines (`("attendees", "Yu Zhan, …")`).
    pub fields: Vec<(String, String)>,
    pub units: Vec<Unit>,
    /// Questionable input, with the file line it concerns.
    pub warnings: Vec<(usize, String)>,
}

/// Longest paragraph still taken for a header line when it opens with a label that is not a
/// speaker's (a long one is body text).
const MAX_HEADER_LINE: usize = 250;

/// How a paragraph opens.
#[derive(Debug, Clone)]
enum Opening {
    /// `Label (definition): rest` with a label that could be a person's.
    Label {
        label: LabelInfo,
        key: String,
        rest: String,
    },
    /// A header field (`Date: …`, `Received by: …`).
    Field {
        key: String,
        value: String,
    },
    Plain,
}

impl Opening {
    fn of(text: &str) -> Opening {
        if let Some((label, rest)) = parse_label(text) {
            let key = LabelInfo::key(&label.raw);
            if is_header_word(&key) {
                return Opening::Field { key, value: rest };
            }
            return Opening::Label { label, key, rest };
        }
        match field_shaped(text) {
            Some((key, value)) => Opening::Field { key, value },
            None => Opening::Plain,
        }
    }
}

/// The export's "Translation - English" marker line, which is not content.
fn is_marker(p: &Para) -> bool {
    let t = p.text.to_lowercase();
    (t.starts_with("translation") || t.starts_with("original") || t.starts_with("transcript"))
        && t.contains(" - ")
        && t.len() < 40
}

fn ends_sentence(s: &str) -> bool {
    let t = s
        .trim_end()
        .trim_end_matches(['"', '”', '’', '\'', ')', ']']);
    t.ends_with(['.', '!', '?', '…'])
}

/// Splits the body lines (starting at file line `first_line`) into header and passages.
/// `context` is what the document says outside its body (title, citation, summary): a label
/// whose name stands there is a person's.
pub fn parse_body(lines: &[&str], first_line: usize, context: &str) -> Body {
    let mut paras = paragraphs(lines, first_line);
    while paras.first().is_some_and(is_marker) {
        paras.remove(0);
    }
    let openings: Vec<Opening> = paras.iter().map(|p| Opening::of(&p.text)).collect();
    let speakers = Speakers::decide(&paras, &openings, context);
    let mut body = Body::default();
    let body_start = split_header(&paras, &openings, &speakers, &mut body);
    read_units(&paras, &openings, &speakers, body_start, &mut body);
    warn_unresolved_turns(&paras, &openings, &mut body);
    body
}

/// Moves the header zone — the paragraphs before the first turn that read as title, header
/// lines or notes — into `body.header` and `body.fields`; returns where the rest starts.
fn split_header(
    paras: &[Para],
    openings: &[Opening],
    speakers: &Speakers,
    body: &mut Body,
) -> usize {
    let end = speakers.first_turn.unwrap_or(paras.len());
    for (i, (p, o)) in paras.iter().zip(openings).enumerate().take(end) {
        let field = match o {
            Opening::Field { key, value } => Some((key, value)),
            Opening::Label { key, rest, .. }
                if p.text.len() < MAX_HEADER_LINE && !ends_sentence(rest) =>
            {
                Some((key, rest))
            }
            Opening::Label { .. } => return i,
            Opening::Plain if is_note(&p.text) => None,
            Opening::Plain if p.text.len() < MAX_HEADER_LINE && !ends_sentence(&p.text) => None,
            Opening::Plain => return i,
        };
        if let Some((k, v)) = field {
            body.fields.push((k.clone(), v.clone()));
        }
        body.header.push(p.text.clone());
    }
    end
}

/// Reads the paragraphs from `start` on into turns, notes and plain paragraphs.
fn read_units(
    paras: &[Para],
    openings: &[Opening],
    speakers: &Speakers,
    start: usize,
    body: &mut Body,
) {
    let mut current_label: Option<&LabelInfo> = None;
    for (i, (p, o)) in paras.iter().zip(openings).enumerate().skip(start) {
        if let Opening::Label { label, key, rest } = o {
            if speakers.is_turn(i, key) {
                current_label = Some(label);
                body.units.push(Unit {
                    kind: UnitKind::Turn,
                    label: Some(label.clone()),
                    text: rest.clone(),
                    line: p.line,
                });
                continue;
            }
        }
        if is_note(&p.text) {
            body.units.push(Unit {
                kind: UnitKind::Note,
                label: None,
                text: p.text.clone(),
                line: p.line,
            });
            continue;
        }
        match body.units.last_mut() {
            // An unlabelled paragraph after a turn continues that turn.
            Some(u) if u.kind == UnitKind::Turn => append(&mut u.text, &p.text),
            // A short closing line (signature, date) belongs to the paragraph before it.
            Some(u)
                if u.kind == UnitKind::Paragraph
                    && p.text.len() < 80
                    && !ends_sentence(&p.text) =>
            {
                append(&mut u.text, &p.text)
            }
            _ => body.units.push(Unit {
                kind: if current_label.is_some() {
                    UnitKind::Turn
                } else {
                    UnitKind::Paragraph
                },
                label: current_label.cloned(),
                text: p.text.clone(),
                line: p.line,
            }),
        }
    }
    // A turn whose label stood alone on its line takes the next paragraph as its text; one that
    // never got any text is dropped.
    body.units.retain(|u| !u.text.trim().is_empty());
}

/// Paragraphs that open like speaker turns in a document where no speaker was found are read
/// as plain text; the teacher is told where, and how to make them turns.
fn warn_unresolved_turns(paras: &[Para], openings: &[Opening], body: &mut Body) {
    if body.units.iter().any(|u| u.kind == UnitKind::Turn) {
        return;
    }
    let looks: Vec<(usize, &str)> = paras
        .iter()
        .zip(openings)
        .filter_map(|(p, o)| match o {
            Opening::Label { label, key, .. } if !NOT_PEOPLE.contains(&key.as_str()) => {
                Some((p.line, label.raw.as_str()))
            }
            _ => None,
        })
        .collect();
    if let [(line, first), _, ..] = looks[..] {
        body.warnings.push((
            line,
            format!(
                "{} paragraphs open like speaker turns (`{first}: …`) but no speaker could be told \
                 apart from a header field; they are read as plain paragraphs (write the first \
                 turn of each speaker as `Full Name (hereafter Label): …` to make them turns)",
                looks.len()
            ),
        ));
    }
}

/// Which labels of a document are speakers', and where the first turn is.
struct Speakers {
    sure: HashSet<String>,
    first_turn: Option<usize>,
}

impl Speakers {
    fn decide(paras: &[Para], openings: &[Opening], context: &str) -> Speakers {
        let mut uses: HashMap<&str, usize> = HashMap::new();
        let mut defined: HashSet<String> = HashSet::new();
        for o in openings {
            let Opening::Label { label, key, .. } = o else {
                continue;
            };
            *uses.entry(key).or_default() += 1;
            if let Some(a) = &label.alias {
                defined.insert(key.clone());
                defined.insert(LabelInfo::key(a));
            }
        }
        // A label used once needs evidence that it is a person's (looked for once per label).
        let evidence: HashSet<&str> = openings
            .iter()
            .filter_map(|o| match o {
                Opening::Label { label, key, rest }
                    if uses.get(key.as_str()) == Some(&1)
                        && !defined.contains(key)
                        && !rest.trim().is_empty()
                        && (speaks_in_person(rest) || named_in(&label.raw, context, paras)) =>
                {
                    Some(key.as_str())
                }
                _ => None,
            })
            .collect();
        // `Premier Zhou [Enlai]` then `Zhou`, `S. Antonov` then `Antonov`: labels sharing a name
        // word are one family, and a family used twice is a speaker.
        let mut family: HashMap<String, usize> = HashMap::new();
        for (key, n) in &uses {
            for w in name_words(key) {
                *family.entry(w).or_default() += n;
            }
        }
        let sure: HashSet<String> = uses
            .iter()
            .filter(|(key, &used)| {
                let fam = name_words(key)
                    .iter()
                    .map(|w| family.get(w).copied().unwrap_or(0))
                    .max()
                    .unwrap_or(0);
                let person = !NOT_PEOPLE.contains(key);
                defined.contains(**key)
                    || (person && (used.max(fam) >= 2 || evidence.contains(**key)))
            })
            .map(|(k, _)| k.to_string())
            .chain(defined.iter().cloned())
            .collect();
        let first_turn = openings
            .iter()
            .position(|o| matches!(o, Opening::Label { key, .. } if sure.contains(key)));
        Speakers { sure, first_turn }
    }

    /// Is paragraph `i`, opening with label `key`, a turn? After the first turn, any label that
    /// could be a person's is.
    fn is_turn(&self, i: usize, key: &str) -> bool {
        self.sure.contains(key)
            || (self.first_turn.is_some_and(|f| i > f) && !NOT_PEOPLE.contains(&key))
    }
}

/// The words of a label key that name (not titles, not initials).
fn name_words(key: &str) -> Vec<String> {
    let (_, core) = super::names::split_title(key);
    core.into_iter()
        .filter(|w| w.chars().count() > 2 && !w.ends_with('.'))
        .collect()
}

/// Does a turn's text speak in the first or second person (as speech does and header fields
/// do not)?
fn speaks_in_person(text: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .any(|w| {
            w == "I"
                || w.starts_with("I'")
                || w.starts_with("I’")
                || matches!(
                    w.to_ascii_lowercase().as_str(),
                    "we" | "us" | "our" | "ours" | "you" | "your" | "yours" | "me" | "my"
                )
        })
}

/// Does the document write this label's name (a word of it that is not a title) in its title,
/// citation or summary, or in a paragraph that does not open with it?
fn named_in(label: &str, context: &str, paras: &[Para]) -> bool {
    let (_, core) = super::names::split_title(label);
    let holds = |text: &str, w: &str| {
        text.match_indices(w).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + w.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    };
    core.iter()
        .filter(|w| w.chars().count() > 1 && w.chars().next().is_some_and(char::is_uppercase))
        .any(|w| {
            holds(context, w)
                || paras
                    .iter()
                    .any(|p| !p.text.starts_with(label) && holds(&p.text, w))
        })
}

fn append(text: &mut String, more: &str) {
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(more);
}

/// Cuts a text longer than `max` bytes into pieces of at most `max` bytes, at a sentence end if
/// there is one in the second half of the piece, else at a space, else anywhere (a 10 MB line
/// becomes many passages, not one that every search must read whole).
pub fn split_long(text: &str, max: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while rest.len() > max {
        let mut cut = max;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let window = &rest[..cut];
        let at = ["\n", ". ", "? ", "! "]
            .iter()
            .filter_map(|m| window.rfind(m).map(|i| i + m.len()))
            .filter(|&i| i > max / 2)
            .max()
            .or_else(|| window.rfind(' ').filter(|&i| i > 0).map(|i| i + 1))
            .unwrap_or(cut);
        out.push(rest[..at].trim_end());
        rest = rest[at..].trim_start();
    }
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_words_are_not_speakers() {
        let lines = vec![
            "Title of the Meeting",
            "",
            "Time: 29 April 1962, 5:50 p.m. - 7.50 p.m.",
            "",
            "Place: Beijing",
            "",
            "Mr. A (hereafter A): Hello there.",
            "",
            "B: Hi.",
            "",
            "A: Again.",
            "",
            "B: Fine.",
        ];
        let b = parse_body(&lines, 1, "");
        assert_eq!(b.header.len(), 3);
        assert_eq!(b.fields[0].0, "time");
        assert_eq!(b.units.len(), 4);
        assert!(b.units.iter().all(|u| u.kind == UnitKind::Turn));
    }

    #[test]
    fn consecutive_header_lines_then_turns_each_used_once() {
        let lines = vec![
            "Record of a Conversation with Ambassador Petrov",
            "Guest: Ambassador Ivan Petrov",
            "Received by: Vice Minister Li Wen",
            "Interpreter and Recorder: Zhao",
            "Time: 24 October 1962, 11:00 a.m.",
            "Abstract: The two discuss the trade agreement and the border posts at some length.",
            "Petrov: I have come here on the instructions of my government to raise the trade question.",
            "Li: We have studied your note and will reply in writing.",
        ];
        let b = parse_body(&lines, 1, "Record of a Conversation with Ambassador Petrov");
        assert_eq!(b.header.len(), 6, "{:?}", b.header);
        let keys: Vec<&str> = b.fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "guest",
                "received by",
                "interpreter and recorder",
                "time",
                "abstract"
            ]
        );
        let labels: Vec<&str> = b
            .units
            .iter()
            .map(|u| u.label.as_ref().unwrap().raw.as_str())
            .collect();
        assert_eq!(labels, ["Petrov", "Li"]);
        assert!(b.warnings.is_empty());
    }

    #[test]
    fn labels_no_speaker_explains_are_plain_paragraphs_with_a_warning() {
        let lines = vec![
            "Background Paper",
            "",
            "Grain Exports: The figures for the year stand at the level of the last.",
            "",
            "Rail Transport: The lines to the north remain closed to freight.",
        ];
        let b = parse_body(&lines, 10, "");
        assert_eq!(b.units.len(), 2);
        assert!(b.units.iter().all(|u| u.kind == UnitKind::Paragraph));
        assert_eq!(b.warnings.len(), 1);
        assert_eq!(b.warnings[0].0, 12);
    }
}

#[cfg(test)]
mod split_tests {
    #[test]
    fn long_texts_split_at_sentences_then_spaces() {
        let t = format!("{} End. {}", "word ".repeat(30), "x".repeat(300));
        let parts = super::split_long(&t, 200);
        assert!(parts.iter().all(|p| p.len() <= 200), "{parts:?}");
        assert!(parts[0].ends_with("End."));
        assert_eq!(parts.concat().replace(' ', ""), t.replace(' ', ""));
        assert_eq!(super::split_long("short", 200), vec!["short"]);
    }
}
