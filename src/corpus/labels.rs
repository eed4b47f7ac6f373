//! Speaker labels and header fields: what opens a paragraph with `Something:`. A label is a
//! speaker's (`Vice Minister Ji (hereafter Ji):`, `Premier Zhou [Enlai]:`, `Mesyatsev:`); a field
//! is a line of a meeting record's or cable's header (`Date:`, `Received by:`, `Interpreter and
//! Recorder:`, `Copy to:`), known by its words or by its shape. Which labels are speakers is
//! decided in `body`, from the whole document.

use super::header::fold_spaces;

/// Header words of meeting records and cables: a line `Word: …` with these is never a speaker.
pub(super) const HEADER_WORDS: &[&str] = &[
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
    "abstract",
    "venue and time",
    "time and place",
    "place and time",
    "recorded",
    "recorder and interpreter",
    "interpreter and recorder",
    "note",
    "received",
    "receiver",
    "recipient",
    "recipients",
    "addressee",
    "sender",
    "author",
    "authors",
    "language",
    "original",
    "signature",
    "signed",
];

/// Headings that open a paragraph with a colon but are not people (`First:`, `Note:`).
pub(super) const NOT_PEOPLE: &[&str] = &[
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

/// Is this label key (lower case, see [`LabelInfo::key`]) a header field's name: one of the words
/// minutes and cables use, or of their shape (`… by`, `Minutes …`, `Date …`, `Copy to`)?
pub fn is_header_word(key: &str) -> bool {
    HEADER_WORDS.contains(&key)
        || key.ends_with(" to")
        || key.starts_with("copy ")
        || key.starts_with("copies ")
        || key.ends_with(" by")
        || key.starts_with("minutes ")
        || key.starts_with("date ")
        || key.starts_with("time ")
}

/// A paragraph wholly inside parentheses or brackets: an editorial or stage note.
pub fn is_note(s: &str) -> bool {
    let t = s.trim();
    (t.starts_with('(') && t.ends_with(')')) || (t.starts_with('[') && t.ends_with(']'))
}

/// Lower-case words a header field's name may hold (`Received by`, `Interpreter and Recorder`,
/// `Copy to`, `Minutes prepared by`), besides participles (`recorded`, `prepared`).
const FIELD_CONNECTORS: &[&str] = &[
    "by", "and", "to", "of", "for", "in", "on", "at", "the", "from", "with", "or", "also",
];

/// A line shaped as a header field — a short name in capitalised or sentence case, a colon, a
/// value — that is not a speaker label (whose words are all capitalised, see [`parse_label`]):
/// `Received by: Vice Minister Zhang`, `Interpreted and recorded by: X`, `Copy to: Y`. Returns
/// the field's key (lower case) and value.
pub fn field_shaped(line: &str) -> Option<(String, String)> {
    let (name, value) = line.split_once(':')?;
    let name = name.trim();
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 || name.len() > 40 {
        return None;
    }
    let first_capital = words[0].chars().next().is_some_and(char::is_uppercase);
    let letters = name
        .chars()
        .all(|c| c.is_alphabetic() || c == ' ' || c == '-');
    let lower_ok = words[1..].iter().all(|w| {
        w.chars().next().is_some_and(char::is_uppercase)
            || FIELD_CONNECTORS.contains(w)
            || w.ends_with("ed")
    });
    let has_lower = words[1..]
        .iter()
        .any(|w| w.chars().next().is_some_and(char::is_lowercase));
    (first_capital && letters && lower_ok && has_lower)
        .then(|| (LabelInfo::key(name), value.trim().to_string()))
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
    fn fields_by_their_shape() {
        for (line, key) in [
            ("Received by: Vice Minister Wang Dongfu", "received by"),
            ("Interpreter and Recorder: Li", "interpreter and recorder"),
            (
                "Interpreted and recorded by: Li",
                "interpreted and recorded by",
            ),
            ("Copy to: the Embassy", "copy to"),
            ("Minutes prepared by: Li", "minutes prepared by"),
        ] {
            let (k, _) = field_shaped(line).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(k, key);
            assert!(is_header_word(&k), "{k}");
        }
        for line in [
            "Zhang: Good.",
            "Thus, I would say: no",
            "Vice Minister Ji: x",
            "x: y",
        ] {
            assert!(field_shaped(line).is_none(), "{line}");
        }
        for k in [
            "date",
            "venue",
            "abstract",
            "guest",
            "also present",
            "level",
            "subject",
        ] {
            assert!(is_header_word(k), "{k}");
        }
    }
}
