//! The body of a document: paragraphs (with page-break splits joined again), the header zone
//! (title lines, `Date:`/`Venue:`/`Attendees:` … lines, editorial notes), and then speaker turns
//! (`Label: text`, `Full Name (hereafter Label): text`) or plain paragraphs for cables and memoranda.
//!
//! Which labels are speakers is decided from the whole document: a label that is defined with an
//! alias, or used twice, is a speaker; a header word (`Time:`, `Place:` …) never is.

use super::header::{fold_spaces, strip_markup};

/// Header words of meeting records and cables: a line `Word: …` with these is never a speaker.
const HEADER_WORDS: &[&str] = &[
    "date",
    "time",
    "date and time",
    "venue",
    "place",
    "location",
    "site",
    "attendees",
    "attendee",
    "also present",
    "present",
    "persons present",
    "participants",
    "participant",
    "participating",
    "interpreter",
    "interpreters",
    "interpretation",
    "translator",
    "translators",
    "translation",
    "recorder",
    "recorders",
    "record",
    "minutes",
    "minutes prepared",
    "minutes taken",
    "note taker",
    "notetaker",
    "note-taker",
    "guest",
    "guests",
    "host",
    "hosts",
    "to",
    "from",
    "cc",
    "copy",
    "copies",
    "copies to",
    "level",
    "contents",
    "content",
    "subject",
    "re",
    "regarding",
    "classification",
    "classified",
    "secret",
    "top secret",
    "priority",
    "urgency",
    "source",
    "number",
    "no",
    "ref",
    "reference",
    "file",
    "distribution",
    "attachment",
    "attachments",
    "enclosure",
    "enclosures",
    "summary",
    "topic",
    "topics",
    "agenda",
    "duration",
    "occasion",
    "dispatched",
    "sent",
    "received",
    "drafted",
    "approved",
    "signed",
    "transcript",
    "memorandum",
    "telegram",
    "cable",
    "chinese side",
    "soviet side",
    "our side",
    "their side",
    "other side",
    "on our side",
    "on their side",
    "delegation",
];

/// Headings that open a paragraph with a colon but are not people (`First:`, `Note:`).
const NOT_PEOPLE: &[&str] = &[
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "firstly",
    "secondly",
    "thirdly",
    "finally",
    "lastly",
    "last",
    "moreover",
    "however",
    "therefore",
    "thus",
    "also",
    "note",
    "notes",
    "nb",
    "p.s",
    "ps",
    "conclusion",
    "example",
    "for example",
    "in conclusion",
    "in addition",
    "comment",
    "comments",
    "remarks",
    "editor's note",
    "translator's note",
    "appendix",
    "attachment",
];

/// Lower-case words allowed inside a speaker label (`Zhou of the Foreign Ministry` is not, but
/// `Charles de Gaulle` and `Ludwig van Beethoven` are).
const LABEL_CONNECTORS: &[&str] = &[
    "de", "van", "von", "der", "den", "del", "della", "da", "di", "du", "la", "le", "al", "bin",
    "ibn", "y", "dos", "das",
];

/// A paragraph's `Label (definition):` opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelInfo {
    /// The label as written, without the definition (`Vice Minister Ji`, `Premier Zhou [Enlai]`).
    pub raw: String,
    /// The alias a definition introduces (`Ji` from `(hereafter Ji)`).
    pub alias: Option<String>,
}

impl LabelInfo {
    /// The key labels are compared by: brackets dropped, spaces folded, lower case.
    pub fn key(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for w in s.split(|c: char| c.is_whitespace() || c == '[' || c == ']') {
            if w.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
        if out.is_ascii() {
            out.make_ascii_lowercase();
            out
        } else {
            out.to_lowercase()
        }
    }
}

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
}

/// A paragraph with the file line it starts on.
#[derive(Debug, Clone)]
struct Para {
    text: String,
    line: usize,
}

/// Splits lines into paragraphs at blank lines, joining wrapped lines with a space, and joins
/// paragraphs a page break split (no closing punctuation, next one starts lower-case).
fn paragraphs(lines: &[&str], first_line: usize) -> Vec<Para> {
    let mut out: Vec<Para> = Vec::new();
    let mut cur: Option<Para> = None;
    for (i, raw) in lines.iter().enumerate() {
        let line = strip_markup(raw);
        if line.is_empty() {
            if let Some(p) = cur.take() {
                out.push(p);
            }
            continue;
        }
        match &mut cur {
            Some(p) => {
                p.text.push(' ');
                p.text.push_str(&line);
            }
            None => {
                cur = Some(Para {
                    text: line,
                    line: first_line + i,
                })
            }
        }
    }
    if let Some(p) = cur.take() {
        out.push(p);
    }
    let mut joined: Vec<Para> = Vec::new();
    for p in out {
        if is_elision(&p.text) {
            continue;
        }
        if let Some(prev) = joined.last_mut() {
            if page_break_between(&prev.text, &p.text) {
                prev.text.push(' ');
                prev.text.push_str(&p.text);
                continue;
            }
        }
        joined.push(p);
    }
    joined
}

/// `[...]`, `[…]`, `...` alone: an elision marker, not content.
fn is_elision(s: &str) -> bool {
    s.chars()
        .all(|c| matches!(c, '[' | ']' | '.' | '…' | ' ' | '(' | ')'))
}

/// Does a page break split a sentence between these paragraphs?
pub fn page_break_between(prev: &str, next: &str) -> bool {
    let Some(last) = prev.trim_end().chars().last() else {
        return false;
    };
    let Some(first) = next.trim_start().chars().next() else {
        return false;
    };
    let open_end = last.is_alphanumeric() || last == ',';
    if !open_end {
        return false;
    }
    if first.is_lowercase() {
        return true;
    }
    // "… talked with Comrade" / "Chervonenko said …": a dangling connector word.
    let last_word = prev.split_whitespace().last().unwrap_or("");
    matches!(
        last_word,
        "of" | "the"
            | "to"
            | "a"
            | "an"
            | "and"
            | "or"
            | "in"
            | "on"
            | "by"
            | "for"
            | "with"
            | "from"
            | "at"
            | "that"
    ) && first.is_uppercase()
}

/// Reads `Label (definition): rest` at the start of a paragraph.
pub fn parse_label(text: &str) -> Option<(LabelInfo, String)> {
    let colon = text.find(':')?;
    if colon > 160 {
        return None;
    }
    let head = text[..colon].trim_end();
    let rest = text[colon + 1..].trim_start().to_string();
    let (name_part, def) = match head.strip_suffix(')') {
        Some(h) => {
            let open = h.rfind('(')?;
            (h[..open].trim_end(), Some(&h[open + 1..]))
        }
        None => (head, None),
    };
    if !label_words_ok(name_part) {
        return None;
    }
    let alias = def.and_then(alias_from_definition);
    if alias.is_none() && def.is_some_and(|d| d.len() >= 40) {
        return None;
    }
    Some((
        LabelInfo {
            raw: fold_spaces(name_part),
            alias,
        },
        rest,
    ))
}

/// Is this a plausible speaker label: 1–7 capitalised words (initials, brackets, hyphens fine)?
fn label_words_ok(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty() || words.len() > 7 || s.len() > 80 {
        return false;
    }
    if !s.chars().all(|c| {
        c.is_alphabetic() || matches!(c, ' ' | '.' | '\'' | '’' | '-' | '[' | ']') || c.is_mark()
    }) {
        return false;
    }
    words.iter().enumerate().all(|(i, w)| {
        let bare = w.trim_start_matches('[').trim_end_matches(']');
        match bare.chars().next() {
            Some(c) if c.is_uppercase() => true,
            Some(_) => i > 0 && LABEL_CONNECTORS.contains(&bare),
            None => false,
        }
    })
}

trait IsMark {
    fn is_mark(&self) -> bool;
}
impl IsMark for char {
    /// Combining marks (accents written as separate code points).
    fn is_mark(&self) -> bool {
        matches!(*self as u32, 0x0300..=0x036F)
    }
}

/// The alias a parenthesised definition introduces:
/// `hereafter Ji`, `hereinafter referred to as "Chervonenko"`, `hereafter abbreviated as Z`,
/// `to be abbreviated as Z`, and the broken-quote `hereinafter referred to as "Xu`.
pub fn alias_from_definition(def: &str) -> Option<String> {
    let lower = def.to_lowercase();
    let markers = [
        "hereinafter",
        "hereafter",
        "to be abbreviated",
        "abbreviated",
        "referred to",
        "called",
        "below",
    ];
    let start = markers
        .iter()
        .filter_map(|m| lower.find(m).map(|i| i + m.len()))
        .max()?;
    let mut rest = def[start..].trim_start_matches([' ', ',']);
    for lead in ["referred to", "abbreviated", "called", "as", "to as"] {
        if rest.to_lowercase().starts_with(lead) {
            rest = rest[lead.len()..].trim_start_matches([' ', ',', ':']);
        }
    }
    let alias = rest
        .trim()
        .trim_matches(|c: char| matches!(c, '"' | '“' | '”' | '\'' | '‘' | '’' | ',' | '.'));
    let alias = fold_spaces(alias);
    (!alias.is_empty() && label_words_ok(&alias)).then_some(alias)
}

fn is_header_word(key: &str) -> bool {
    HEADER_WORDS.contains(&key)
        || key.ends_with(" by")
        || key.starts_with("minutes ")
        || key.starts_with("date ")
        || key.starts_with("time ")
}

/// A paragraph wholly inside parentheses or brackets: an editorial or stage note.
fn is_note(s: &str) -> bool {
    let t = s.trim();
    (t.starts_with('(') && t.ends_with(')')) || (t.starts_with('[') && t.ends_with(']'))
}

fn ends_sentence(s: &str) -> bool {
    let t = s
        .trim_end()
        .trim_end_matches(['"', '”', '’', '\'', ')', ']']);
    t.ends_with(['.', '!', '?', '…'])
}

/// Splits the body lines (starting at file line `first_line`) into header and passages.
pub fn parse_body(lines: &[&str], first_line: usize) -> Body {
    let mut paras = paragraphs(lines, first_line);
    // The export's "Translation - English" marker line is not content.
    while paras.first().is_some_and(|p| {
        let t = p.text.to_lowercase();
        (t.starts_with("translation") || t.starts_with("original") || t.starts_with("transcript"))
            && t.contains(" - ")
            && t.len() < 40
    }) {
        paras.remove(0);
    }

    // First pass: labels, their definitions and how often each is used.
    let labels: Vec<Option<(LabelInfo, String)>> =
        paras.iter().map(|p| parse_label(&p.text)).collect();
    let keys: Vec<Option<String>> = labels
        .iter()
        .map(|l| l.as_ref().map(|(l, _)| LabelInfo::key(&l.raw)))
        .collect();
    let mut uses: std::collections::HashMap<String, usize> = Default::default();
    let mut defined: std::collections::HashSet<String> = Default::default();
    for (label, key) in labels.iter().zip(&keys) {
        let (Some((l, _)), Some(key)) = (label, key) else {
            continue;
        };
        *uses.entry(key.clone()).or_default() += 1;
        if let Some(a) = &l.alias {
            defined.insert(key.clone());
            defined.insert(LabelInfo::key(a));
            *uses.entry(LabelInfo::key(a)).or_default() += 0;
        }
    }
    // `Premier Zhou [Enlai]` then `Zhou`, `S. Antonov` then `Antonov`: labels sharing a name
    // word are one family, and a family used twice is a speaker.
    let name_words = |key: &str| -> Vec<String> {
        let (_, core) = super::names::split_title(key);
        core.into_iter()
            .filter(|w| w.chars().count() > 2 && !w.ends_with('.'))
            .collect()
    };
    let mut family: std::collections::HashMap<String, usize> = Default::default();
    for (key, n) in &uses {
        if !is_header_word(key) {
            for w in name_words(key) {
                *family.entry(w).or_default() += n;
            }
        }
    }
    let sure_speaker = |key: &str| -> bool {
        let used = uses.get(key).copied().unwrap_or(0);
        let fam = name_words(key)
            .iter()
            .map(|w| family.get(w).copied().unwrap_or(0))
            .max()
            .unwrap_or(0);
        !is_header_word(key)
            && (defined.contains(key) || (used.max(fam) >= 2 && !NOT_PEOPLE.contains(&key)))
    };
    // Every label's key is used: whether it is surely a speaker, worked out once per key.
    let sure: std::collections::HashMap<&str, bool> =
        uses.keys().map(|k| (k.as_str(), sure_speaker(k))).collect();
    let sure_speaker = |key: &str| sure.get(key).copied().unwrap_or_else(|| sure_speaker(key));
    let first_turn = keys
        .iter()
        .position(|k| k.as_deref().is_some_and(sure_speaker));

    let mut body = Body::default();
    let mut in_header = true;
    let mut current_label: Option<LabelInfo> = None;
    for (i, p) in paras.iter().enumerate() {
        let label = labels[i].as_ref();
        let key = &keys[i];
        let speaker = key.as_deref().is_some_and(|k| {
            sure_speaker(k)
                || (first_turn.is_some_and(|f| i > f)
                    && !is_header_word(k)
                    && !NOT_PEOPLE.contains(&k))
        });
        if in_header {
            let header_like = match (label.zip(key.as_ref()), speaker) {
                (Some(_), true) => false,
                (Some(((_, rest), k)), false) => {
                    body.fields.push((k.clone(), rest.clone()));
                    true
                }
                (None, _) => is_note(&p.text) || (p.text.len() < 250 && !ends_sentence(&p.text)),
            };
            if header_like && first_turn.is_none_or(|f| i < f) {
                body.header.push(p.text.clone());
                continue;
            }
            if label.is_some() && !speaker {
                // A header-looking line after the header zone: keep the field, treat as text.
                body.fields.pop();
            }
            in_header = false;
        }
        if speaker {
            let (l, rest) = label.expect("speaker implies label");
            current_label = Some(l.clone());
            body.units.push(Unit {
                kind: UnitKind::Turn,
                label: Some(l.clone()),
                text: rest.clone(),
                line: p.line,
            });
            continue;
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
            _ => match &current_label {
                Some(l) => body.units.push(Unit {
                    kind: UnitKind::Turn,
                    label: Some(l.clone()),
                    text: p.text.clone(),
                    line: p.line,
                }),
                None => body.units.push(Unit {
                    kind: UnitKind::Paragraph,
                    label: None,
                    text: p.text.clone(),
                    line: p.line,
                }),
            },
        }
    }
    // A turn whose label stood alone on its line takes the next paragraph as its text; one that
    // never got any text is dropped.
    body.units.retain(|u| !u.text.trim().is_empty());
    body
}

fn append(text: &mut String, more: &str) {
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(more);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_definitions() {
        let (l, rest) = parse_label("Vice Minister Ji (hereafter Ji): I invited").unwrap();
        assert_eq!(l.raw, "Vice Minister Ji");
        assert_eq!(l.alias.as_deref(), Some("Ji"));
        assert_eq!(rest, "I invited");
        let (l, _) =
            parse_label("Deputy Section Director Xu Ming (hereinafter referred to as \"Xu): T")
                .unwrap();
        assert_eq!(l.alias.as_deref(), Some("Xu"));
        let (l, _) =
            parse_label("Soviet Ambassador Petrov (hereinafter referred to as \"Petrov\"): x")
                .unwrap();
        assert_eq!(l.alias.as_deref(), Some("Petrov"));
        let (l, _) = parse_label("Premier Zhou [Enlai] : x").unwrap();
        assert_eq!(l.raw, "Premier Zhou [Enlai]");
        let (l, _) = parse_label("Mr. Smith (to be abbreviated as S): x").unwrap();
        assert_eq!(l.alias.as_deref(), Some("S"));
        assert!(parse_label("Thus, I would say: no").is_none());
        assert!(parse_label("As for the border: no").is_none());
        assert!(parse_label("Time: 5:50 p.m.").is_some());
        assert!(parse_label("No colon here").is_none());
    }

    #[test]
    fn page_breaks() {
        assert!(page_break_between(
            "If the Soviet Union continues to",
            "harbor those"
        ));
        assert!(page_break_between("I'm not sure", "whether you know"));
        assert!(!page_break_between("It ended.", "and then"));
        assert!(!page_break_between("Title line", "Date: 8 June"));
    }

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
        let b = parse_body(&lines, 1);
        assert_eq!(b.header.len(), 3);
        assert_eq!(b.fields[0].0, "time");
        assert_eq!(b.units.len(), 4);
        assert!(b.units.iter().all(|u| u.kind == UnitKind::Turn));
    }
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
