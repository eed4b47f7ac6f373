//! Citations of documents and passages in the document's own form and in Chicago, MLA and APA
//! style, built from a [`DocCard`]'s fields, and the same document as a file a reference
//! manager imports ([`Export`]: RIS, BibTeX). Plain text, no Discord or terminal markup: the
//! Discord layer and the CLI both use it.

mod export;

use crate::answer::DocCard;
use crate::corpus::date::MONTHS;

pub use export::{bibtex, ris, Export};

/// A citation style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// The citation exactly as the source document gives it.
    Document,
    /// Chicago Manual of Style, bibliography entry.
    Chicago,
    /// MLA, 9th edition, works-cited entry.
    Mla,
    /// APA, 7th edition, reference entry.
    Apa,
}

impl Style {
    pub const ALL: [Style; 4] = [Style::Document, Style::Chicago, Style::Mla, Style::Apa];

    /// The name used on the command line and in option values.
    pub fn key(self) -> &'static str {
        match self {
            Style::Document => "document",
            Style::Chicago => "chicago",
            Style::Mla => "mla",
            Style::Apa => "apa",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Style::Document => "As given by the archive",
            Style::Chicago => "Chicago",
            Style::Mla => "MLA",
            Style::Apa => "APA",
        }
    }

    pub fn parse(s: &str) -> Option<Style> {
        Style::ALL
            .into_iter()
            .find(|st| st.key().eq_ignore_ascii_case(s.trim()))
    }
}

const MLA_MONTHS: [&str; 12] = [
    "Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.",
];

/// (year, month 1-12, day) from an ISO date or prefix (`1962-06-08`, `1962-06`, `1962`).
pub(crate) fn parts(iso: &str) -> Option<(u32, Option<usize>, Option<u32>)> {
    let mut it = iso.split('-');
    let y = it.next()?.parse().ok()?;
    let m = it
        .next()
        .and_then(|m| m.parse::<usize>().ok())
        .filter(|m| (1..=12).contains(m));
    let d = it
        .next()
        .and_then(|d| d.parse().ok())
        .filter(|_| m.is_some());
    Some((y, m, d))
}

/// The date in a style's form, or `n.d.` when the document has none.
pub fn format_date(iso: Option<&str>, style: Style) -> String {
    let Some((y, m, d)) = iso.and_then(parts) else {
        return "n.d.".to_string();
    };
    match (style, m, d) {
        (Style::Mla, Some(m), Some(d)) => format!("{d} {} {y}", MLA_MONTHS[m - 1]),
        (Style::Mla, Some(m), None) => format!("{} {y}", MLA_MONTHS[m - 1]),
        (Style::Apa, Some(m), Some(d)) => format!("{y}, {} {d}", MONTHS[m - 1]),
        (Style::Apa, Some(m), None) => format!("{y}, {}", MONTHS[m - 1]),
        (_, Some(m), Some(d)) => format!("{} {d}, {y}", MONTHS[m - 1]),
        (_, Some(m), None) => format!("{} {y}", MONTHS[m - 1]),
        (_, None, _) => y.to_string(),
    }
}

/// `s` ending in a full stop (unless it already ends in punctuation).
pub(crate) fn sentence(s: &str) -> String {
    let s = s.trim();
    if s.ends_with(['.', '?', '!']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

/// Title with a closing full stop inside the quotation marks, as Chicago and MLA want it.
fn quoted_title(t: &str) -> String {
    format!("\u{201c}{}\u{201d}", sentence(t))
}

/// The document's citation in `style`.
pub fn cite(card: &DocCard, style: Style) -> String {
    let url = card.canonical_url.as_str();
    let archive = card.archive.as_deref();
    let reference = card.archive_ref.as_deref();
    let translator = card.translator.as_deref();
    let mut out: Vec<String> = Vec::new();
    match style {
        Style::Document => {
            if let Some(c) = &card.citation {
                return c.trim().to_string();
            }
            return cite(card, Style::Chicago);
        }
        Style::Chicago => {
            out.push(quoted_title(&card.title));
            out.push(sentence(&format_date(card.date.as_deref(), style)));
            out.extend(reference.map(sentence));
            out.extend(archive.map(sentence));
            out.extend(translator.map(|t| sentence(&format!("Translated by {t}"))));
            out.push(sentence(url));
        }
        Style::Mla => {
            out.push(quoted_title(&card.title));
            if let Some(t) = translator {
                out.push(format!("Translated by {t},"));
            }
            out.push(sentence(&format_date(card.date.as_deref(), style)));
            let host_part: Vec<&str> = [archive, reference].into_iter().flatten().collect();
            let bare = url
                .trim_start_matches("https://")
                .trim_start_matches("http://");
            if host_part.is_empty() {
                out.push(sentence(bare));
            } else {
                out.push(sentence(&format!("{}, {bare}", host_part.join(", "))));
            }
        }
        Style::Apa => {
            let mut title = card.title.trim().trim_end_matches('.').to_string();
            if let Some(t) = translator {
                title.push_str(&format!(" ({t}, Trans.)"));
            }
            out.push(sentence(&title));
            out.push(format!("({}).", format_date(card.date.as_deref(), style)));
            let src: Vec<&str> = [reference, archive].into_iter().flatten().collect();
            if !src.is_empty() {
                out.push(sentence(&src.join(", ")));
            }
            out.push(url.to_string());
        }
    }
    out.join(" ")
}

/// A passage's citation: the document's in `style`, then the passage (and who speaks in it).
pub fn cite_passage(card: &DocCard, style: Style, passage: u32, speaker: Option<&str>) -> String {
    let who = speaker.map(|s| format!(" ({s})")).unwrap_or_default();
    format!("{} Passage {passage}{who}.", sentence(&cite(card, style)))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn card() -> DocCard {
        DocCard {
            doc_id: "1".into(),
            title: "Minutes of a Meeting".into(),
            date: Some("1962-06-08".into()),
            summary: None,
            citation: None,
            url: None,
            canonical_url: "https://example.org/document/1".into(),
            archive_ref: Some("FMA 118-01765-03, 24-26".into()),
            translator: Some("Jane Roe".into()),
            original_language: None,
            archive: Some("Digital Archive".into()),
            credits: None,
            meeting: None,
            speakers: vec![],
            passages: 3,
            source_file: "x.txt".into(),
        }
    }

    #[test]
    fn styles_use_the_fields() {
        let c = card();
        assert_eq!(
            cite(&c, Style::Chicago),
            "\u{201c}Minutes of a Meeting.\u{201d} June 8, 1962. FMA 118-01765-03, 24-26. \
             Digital Archive. Translated by Jane Roe. https://example.org/document/1."
        );
        assert_eq!(
            cite(&c, Style::Mla),
            "\u{201c}Minutes of a Meeting.\u{201d} Translated by Jane Roe, 8 June 1962. \
             Digital Archive, FMA 118-01765-03, 24-26, example.org/document/1."
        );
        assert_eq!(
            cite(&c, Style::Apa),
            "Minutes of a Meeting (Jane Roe, Trans.). (1962, June 8). FMA 118-01765-03, 24-26, \
             Digital Archive. https://example.org/document/1"
        );
        assert_eq!(cite(&c, Style::Document), cite(&c, Style::Chicago));
        assert!(cite_passage(&c, Style::Apa, 4, Some("Li Weiming"))
            .ends_with("Passage 4 (Li Weiming)."));
        assert_eq!(format_date(None, Style::Apa), "n.d.");
        assert_eq!(format_date(Some("1962-09"), Style::Mla), "Sept. 1962");
        assert_eq!(Style::parse("MLA"), Some(Style::Mla));
    }
}
