//! The metadata header of an export: date and title lines, then `Label:` sections (`Citation:`,
//! `Summary:`, `Credits:`, `Original Language:`, `Contents:` …), bold or plain, values inline or on
//! the following lines. Everything after `Contents:` is the body, handed back as lines.

use super::date::PartialDate;

/// Section labels that open the metadata header; the first one seen ends the title.
const KNOWN_SECTIONS: &[&str] = &[
    "citation",
    "summary",
    "credits",
    "original language",
    "contents",
    "associated people & organizations",
    "associated people and organizations",
    "associated places",
    "associated topics",
    "subjects discussed",
    "record id",
    "original archive",
    "source",
    "authors",
    "author",
    "language",
    "rights",
    "keywords",
    "original classification",
    "document type",
];

/// What the header says about a document, before the body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Header {
    pub date_line: Option<String>,
    pub title: Option<String>,
    pub citation: Option<String>,
    pub url: Option<String>,
    pub summary: Option<String>,
    pub credits: Option<String>,
    pub original_language: Option<String>,
    /// 1-based line number where the body starts (after `Contents:`), if there is one.
    pub body_start: Option<usize>,
}

/// Removes Markdown bold/italic markers and the trailing spaces of a hard line break.
pub fn strip_markup(line: &str) -> String {
    // Most lines have no markup: no search-and-copy for them.
    if !line.contains("**") && !line.contains("__") {
        return line.trim().to_string();
    }
    line.replace("**", "").replace("__", "").trim().to_string()
}

/// A line that is only `Label:` or `Label: value`, with the label in the header vocabulary or,
/// once the sections have started, any short capitalised label.
fn section_label(line: &str, sections_started: bool) -> Option<(String, String)> {
    // A known section's name alone on its line, without the colon (as a web page's field
    // labels are often copied).
    let bare = line.trim().to_lowercase();
    if KNOWN_SECTIONS.contains(&bare.as_str()) {
        return Some((bare, String::new()));
    }
    let (label, rest) = line.split_once(':')?;
    let label = label.trim();
    if label.is_empty() || label.len() > 40 || label.contains("//") {
        return None;
    }
    let key = label.to_lowercase();
    let known = KNOWN_SECTIONS.contains(&key.as_str());
    let plausible = sections_started
        && rest.trim().is_empty()
        && label.chars().next().is_some_and(char::is_uppercase)
        && label
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '&' || c == '-');
    (known || plausible).then(|| (key, rest.trim().to_string()))
}

/// Joins the lines of a section value into one string; paragraphs are separated by a blank line.
fn join_value(lines: &[String]) -> Option<String> {
    let mut paras: Vec<String> = Vec::new();
    let mut cur = String::new();
    for l in lines {
        if l.is_empty() {
            if !cur.is_empty() {
                paras.push(std::mem::take(&mut cur));
            }
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(l);
        }
    }
    if !cur.is_empty() {
        paras.push(cur);
    }
    let v = paras.join("\n\n");
    (!v.trim().is_empty()).then_some(v)
}

/// Splits a citation value into its text and the URL (`<https://…>` or a bare `https://…`).
fn split_url(value: &str) -> (String, Option<String>) {
    let mut url = None;
    let mut text = String::new();
    for word in value.split_whitespace() {
        let w = word.trim_start_matches('<').trim_end_matches('>');
        if url.is_none() && (w.starts_with("http://") || w.starts_with("https://")) {
            url = Some(w.to_string());
            continue;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(word);
    }
    (text, url)
}

/// Reads the header from the file's lines (already without BOM and `\r`).
pub fn parse_header(lines: &[&str]) -> Header {
    let mut h = Header::default();
    let mut title_lines: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    let mut value: Vec<String> = Vec::new();
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();

    for (i, raw) in lines.iter().enumerate() {
        let line = strip_markup(raw);
        if let Some((key, inline)) = section_label(&line, current.is_some()) {
            if let Some(k) = current.take() {
                sections.push((k, std::mem::take(&mut value)));
            }
            if key == "contents" {
                h.body_start = Some(i + 2);
                break;
            }
            if !inline.is_empty() {
                value.push(inline);
            }
            current = Some(key);
            continue;
        }
        match &current {
            Some(_) => value.push(line),
            None => {
                if !line.is_empty() {
                    title_lines.push(line)
                }
            }
        }
    }
    if let Some(k) = current.take() {
        sections.push((k, value));
    }

    // Date and title: a line that is wholly a date is the date; the rest wrap into the title.
    let mut title_parts = Vec::new();
    for l in title_lines {
        if h.date_line.is_none() && PartialDate::parse(&l).is_some() {
            h.date_line = Some(l);
        } else {
            title_parts.push(l);
        }
    }
    if !title_parts.is_empty() {
        h.title = Some(fold_spaces(&title_parts.join(" ")));
    }

    for (key, lines) in sections {
        let Some(v) = join_value(&lines) else {
            continue;
        };
        match key.as_str() {
            "citation" => {
                let (text, url) = split_url(&v);
                h.citation = (!text.is_empty()).then(|| fold_spaces(&text));
                h.url = url;
            }
            "summary" => h.summary = Some(v),
            "credits" => h.credits = Some(v),
            "original language" | "language" => h.original_language = Some(v),
            _ => {
                if h.url.is_none() {
                    h.url = split_url(&v).1;
                }
            }
        }
    }
    h
}

/// Collapses runs of whitespace to one space.
pub fn fold_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Fields read out of a citation string:
/// `"Title", June 8, 1962, Wilson Center Digital Archive, PRC FMA 118-01765-03, 24-26. Translated by X.`
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CitationParts {
    pub title: Option<String>,
    pub date: Option<PartialDate>,
    pub archive: Option<String>,
    pub archive_ref: Option<String>,
    pub translator: Option<String>,
}

/// Sentences that may follow the archive reference in a citation.
const CITATION_TAILS: &[&str] = &[
    ". Translated",
    ". Translation",
    ". Obtained",
    ". Contributed",
    ". Included",
    ". Edited",
    ". Transcribed",
    ". Original",
    ". Donated",
];

pub fn parse_citation(citation: &str) -> CitationParts {
    let mut p = CitationParts::default();
    let c = citation.trim();
    let mut rest = c;
    // The title in straight or curly quotes.
    for (open, close) in [('"', '"'), ('“', '”')] {
        if let Some(after) = rest.strip_prefix(open) {
            if let Some(end) = after.find(close) {
                p.title = Some(fold_spaces(after[..end].trim_end_matches(',')));
                rest = after[end + close.len_utf8()..].trim_start_matches([',', ' ']);
            }
            break;
        }
    }
    // Then comma-separated parts: the date, the archive, the reference.
    let tail_at = CITATION_TAILS
        .iter()
        .filter_map(|t| rest.find(t))
        .min()
        .unwrap_or(rest.len());
    let head = &rest[..tail_at];
    let parts: Vec<&str> = head.split(", ").collect();
    let mut i = 0;
    // Dates are written "June 8, 1962": rejoin pieces until they parse.
    for take in (1..=2).rev() {
        if parts.len() >= take {
            let cand = parts[..take].join(", ");
            if let Some(d) = PartialDate::parse(&cand) {
                p.date = Some(d);
                i = take;
                break;
            }
        }
    }
    if let Some(pos) = parts[i..].iter().position(|s| s.contains("Archive")) {
        p.archive = Some(parts[i + pos].trim().to_string());
        let r = parts[i + pos + 1..].join(", ");
        let r = r.trim().trim_end_matches('.').trim();
        if !r.is_empty() {
            p.archive_ref = Some(r.to_string());
        }
    }
    p.translator = translator_in(c);
    p
}

/// The translator a citation names: `Translated by X`, `Obtained by W and translated by X`,
/// `Translated for the Wilson Center by X`, `Translation by X` — the name up to the end of
/// the sentence.
pub fn translator_in(citation: &str) -> Option<String> {
    let lower = citation.to_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("translat").map(|i| i + from) {
        from = at + "translat".len();
        let word_start = at == 0 || !lower[..at].ends_with(|c: char| c.is_alphanumeric());
        let rest = &lower[from..];
        let Some(tail) = rest.strip_prefix("ed").or_else(|| rest.strip_prefix("ion")) else {
            continue;
        };
        if !word_start {
            continue;
        }
        // "… for the Wilson Center by X": the agent follows the first " by " of the sentence.
        let sentence_end = tail.find(". ").unwrap_or(tail.len());
        let Some(by) = tail[..sentence_end]
            .find(" by ")
            .filter(|&b| b == 0 || tail[..b].trim_start().starts_with("for "))
        else {
            continue;
        };
        let start = citation.len() - tail.len() + by + " by ".len();
        let name = &citation[start..];
        let name = name[..sentence_end_after_initials(name)]
            .trim()
            .trim_end_matches('.')
            .trim();
        if !name.is_empty() {
            return Some(name.to_string());
        }
    }
    None
}

/// Where the sentence that `s` starts ends: the first ". " not after an initial (`A. B. Person.`).
fn sentence_end_after_initials(s: &str) -> usize {
    let mut from = 0;
    while let Some(at) = s[from..].find(". ").map(|i| i + from) {
        let word = s[..at].rsplit(' ').next().unwrap_or("");
        let initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
        if !initial {
            return at;
        }
        from = at + 2;
    }
    s.len()
}

/// The document id: the last path segment of the citation URL (numeric or slug).
pub fn id_from_url(url: &str) -> Option<String> {
    let no_query = url.split(['?', '#']).next().unwrap_or(url);
    let seg = no_query.trim_end_matches('/').rsplit('/').next()?;
    let ok = !seg.is_empty()
        && !seg.contains(':')
        && seg
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.');
    ok.then(|| seg.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citation_fields() {
        let c = parse_citation("\"Minutes of a Meeting\", June 8, 1962, Wilson Center Digital Archive, PRC FMA 118-01765-03, 24-26. Translated by 7Brands.");
        assert_eq!(c.title.as_deref(), Some("Minutes of a Meeting"));
        assert_eq!(c.date.unwrap().to_string(), "1962-06-08");
        assert_eq!(c.archive.as_deref(), Some("Wilson Center Digital Archive"));
        assert_eq!(
            c.archive_ref.as_deref(),
            Some("PRC FMA 118-01765-03, 24-26")
        );
        assert_eq!(c.translator.as_deref(), Some("7Brands"));
        let bare = parse_citation("\"T\", 1962, Some Archive, X 1.");
        assert_eq!(bare.archive_ref.as_deref(), Some("X 1"));
        assert_eq!(bare.translator, None);
    }

    #[test]
    fn translator_variants() {
        let t = |c: &str| translator_in(c);
        assert_eq!(
            t("\"T\", 1962, A Archive, R 1. Translated by Caixia Lu.").as_deref(),
            Some("Caixia Lu")
        );
        assert_eq!(
            t("\"T\", 1962, A Archive, R 1. Obtained by Dai Chaowu and translated by 7Brands.")
                .as_deref(),
            Some("7Brands")
        );
        assert_eq!(
            t("\"T\", 1962, A Archive, R 1. Translated for the Wilson Center by Gary Goldberg.")
                .as_deref(),
            Some("Gary Goldberg")
        );
        assert_eq!(
            t("R 1. Translation by A. B. Person.").as_deref(),
            Some("A. B. Person")
        );
        assert_eq!(t("\"Translation of a Note\", 1962, Archive, R 1."), None);
        assert_eq!(t("Untranslated by design. Nothing"), None);
        let c = parse_citation("\"A Cable\", August 1962, History and Public Policy Program Digital Archive, AVPRF f. 5, op. 1. Translated by X.");
        assert_eq!(
            c.archive.as_deref(),
            Some("History and Public Policy Program Digital Archive")
        );
        assert_eq!(c.date.unwrap().to_string(), "1962-08");
        assert_eq!(c.archive_ref.as_deref(), Some("AVPRF f. 5, op. 1"));
    }

    #[test]
    fn ids_from_urls() {
        assert_eq!(
            id_from_url("https://a.org/document/555123").as_deref(),
            Some("555123")
        );
        assert_eq!(
            id_from_url("https://a.org/document/cable-from-x/").as_deref(),
            Some("cable-from-x")
        );
        assert_eq!(
            id_from_url("https://a.org/document/5?x=1").as_deref(),
            Some("5")
        );
        assert_eq!(id_from_url("https://"), None);
    }
}
