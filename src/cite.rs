//! Citations of documents and passages in the document's own form and in Chicago, MLA and APA
//! style, built from a [`DocCard`]'s fields, and the same document as a file a reference
//! manager imports ([`Export`]: RIS, BibTeX). Plain text, no Discord or terminal markup: the
//! Discord layer and the CLI both use it.

use crate::answer::DocCard;
use crate::corpus::date::MONTHS;

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
fn parts(iso: &str) -> Option<(u32, Option<usize>, Option<u32>)> {
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
fn sentence(s: &str) -> String {
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

/// A file for a reference manager (Zotero, EndNote, Mendeley, JabRef).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    /// RIS, as Zotero's Wilson Center Digital Archive translator reads the archive's own files.
    Ris,
    /// BibTeX (`@unpublished`, as Zotero exports a manuscript).
    Bibtex,
}

impl Export {
    pub const ALL: [Export; 2] = [Export::Ris, Export::Bibtex];

    /// The name used on the command line and in option values.
    pub fn key(self) -> &'static str {
        match self {
            Export::Ris => "ris",
            Export::Bibtex => "bibtex",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Export::Ris => "RIS",
            Export::Bibtex => "BibTeX",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Export::Ris => "ris",
            Export::Bibtex => "bib",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Export::Ris => "application/x-research-info-systems",
            Export::Bibtex => "application/x-bibtex",
        }
    }

    pub fn parse(s: &str) -> Option<Export> {
        match s.trim().to_lowercase().as_str() {
            "ris" => Some(Export::Ris),
            "bibtex" | "bib" => Some(Export::Bibtex),
            _ => None,
        }
    }

    /// The file's name: the document id made safe for file systems, and the extension.
    pub fn file_name(self, card: &DocCard) -> String {
        let stem: String = card
            .doc_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .take(80)
            .collect();
        format!("{stem}.{}", self.extension())
    }

    /// The document as this kind of file.
    pub fn render(self, card: &DocCard) -> String {
        match self {
            Export::Ris => ris(card),
            Export::Bibtex => bibtex(card),
        }
    }
}

/// The archive reference with the translation credit after it, as the archive's own records
/// give a manuscript's location (`PRC FMA 118-01765-03, 24-26. Translated by 7Brands.`).
fn archive_location(card: &DocCard) -> Option<String> {
    let reference = card
        .archive_ref
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let translated = card
        .translator
        .as_deref()
        .map(|t| sentence(&format!("Translated by {}", t.trim())));
    match (reference, translated) {
        (Some(r), Some(t)) => Some(format!("{} {t}", sentence(r))),
        (Some(r), None) => Some(r.to_string()),
        (None, t) => t,
    }
}

/// One line of a field: line breaks folded into spaces.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The document as an RIS record, the way Zotero's Wilson Center Digital Archive translator
/// imports the archive's own `.ris` files: a manuscript (`TY  - MANSCPT`), its title, date
/// (`DA` in full, `PY` the year), summary (`AB`), archive (`DB`), archive location (`AN`, with
/// the translation credit), original language (`LA`) and link (`UR`). The translator is also
/// a creator, under `A4`, the tag Zotero's RIS translator reads as "translator" (it reads `A2` as
/// an editor or series editor, which a manuscript does not have). No `AU`: the corpus does not
/// say who wrote a document. Lines end in CR LF, as the RIS specification has them.
pub fn ris(card: &DocCard) -> String {
    let mut lines: Vec<(&str, String)> = vec![("TY", "MANSCPT".into())];
    lines.push(("TI", one_line(&card.title)));
    if let Some((y, m, d)) = card.date.as_deref().and_then(parts) {
        let two = |n: Option<u32>| n.map(|n| format!("{n:02}")).unwrap_or_default();
        lines.push((
            "DA",
            format!("{y}/{}/{}/", two(m.map(|m| m as u32)), two(d)),
        ));
        lines.push(("PY", y.to_string()));
    }
    if let Some(t) = card.translator.as_deref().filter(|t| !t.trim().is_empty()) {
        lines.push(("A4", one_line(t)));
    }
    if let Some(s) = card.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        lines.push(("AB", one_line(s)));
    }
    if let Some(a) = card.archive.as_deref().filter(|a| !a.trim().is_empty()) {
        lines.push(("DB", one_line(a)));
    }
    if let Some(loc) = archive_location(card) {
        lines.push(("AN", one_line(&loc)));
    }
    if let Some(l) = card
        .original_language
        .as_deref()
        .filter(|l| !l.trim().is_empty())
    {
        lines.push(("LA", one_line(l)));
    }
    lines.push(("UR", card.canonical_url.trim().to_string()));
    lines.push(("ER", String::new()));
    lines
        .into_iter()
        .map(|(tag, v)| format!("{tag}  - {v}\r\n"))
        .collect()
}

/// `s` with BibTeX's special characters escaped.
fn bib_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            c => out.push(c),
        }
    }
    out
}

const BIB_MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// The document as a BibTeX entry (`@unpublished`, as Zotero exports a manuscript), with
/// biblatex's `date` and `translator` beside BibTeX's `year` and `month`; the archive and its
/// reference go in `note`. The title is braced so its capitals are kept.
pub fn bibtex(card: &DocCard) -> String {
    let key: String = card
        .doc_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(60)
        .collect();
    let mut fields: Vec<(&str, String)> =
        vec![("title", format!("{{{}}}", bib_escape(&card.title)))];
    if let Some((y, m, _)) = card.date.as_deref().and_then(parts) {
        fields.push((
            "date",
            format!("{{{}}}", card.date.as_deref().unwrap_or_default()),
        ));
        fields.push(("year", format!("{{{y}}}")));
        if let Some(m) = m {
            fields.push(("month", BIB_MONTHS[m - 1].to_string()));
        }
    }
    if let Some(t) = card.translator.as_deref().filter(|t| !t.trim().is_empty()) {
        fields.push(("translator", format!("{{{}}}", bib_escape(t))));
    }
    let note: Vec<String> = [archive_location(card), card.archive.clone()]
        .into_iter()
        .flatten()
        .map(|s| bib_escape(&s))
        .collect();
    if !note.is_empty() {
        fields.push(("note", format!("{{{}}}", note.join(" "))));
    }
    if let Some(s) = card.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        fields.push(("abstract", format!("{{{}}}", bib_escape(s))));
    }
    if let Some(l) = card
        .original_language
        .as_deref()
        .filter(|l| !l.trim().is_empty())
    {
        fields.push(("language", format!("{{{}}}", bib_escape(l))));
    }
    fields.push(("url", format!("{{{}}}", one_line(&card.canonical_url))));
    let body: Vec<String> = fields
        .into_iter()
        .map(|(k, v)| format!("  {k} = {v}"))
        .collect();
    format!("@unpublished{{doc{key},\n{}\n}}\n", body.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> DocCard {
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

    #[test]
    fn ris_is_a_manuscript_record_zotero_reads() {
        let mut c = card();
        c.summary = Some("Two sides\ndebate.".into());
        c.original_language = Some("Chinese".into());
        let r = ris(&c);
        assert_eq!(
            r,
            "TY  - MANSCPT\r\nTI  - Minutes of a Meeting\r\nDA  - 1962/06/08/\r\nPY  - 1962\r\n\
             A4  - Jane Roe\r\nAB  - Two sides debate.\r\nDB  - Digital Archive\r\n\
             AN  - FMA 118-01765-03, 24-26. Translated by Jane Roe.\r\nLA  - Chinese\r\n\
             UR  - https://example.org/document/1\r\nER  - \r\n"
        );
        c.date = Some("1962-09".into());
        c.translator = None;
        let r = ris(&c);
        assert!(r.contains("DA  - 1962/09//\r\n"), "{r}");
        assert!(r.contains("AN  - FMA 118-01765-03, 24-26\r\n"), "{r}");
        assert!(!r.contains("A4"));
        assert_eq!(Export::parse(" RIS "), Some(Export::Ris));
        assert_eq!(Export::Ris.file_name(&c), "1.ris");
    }

    #[test]
    fn bibtex_escapes_and_braces() {
        let mut c = card();
        c.title = "Cable #3: 50% & {more}".into();
        let b = bibtex(&c);
        assert!(
            b.starts_with("@unpublished{doc1,\n  title = {Cable \\#3: 50\\% \\& \\{more\\}},\n"),
            "{b}"
        );
        assert!(
            b.contains("  date = {1962-06-08},\n  year = {1962},\n  month = jun,\n"),
            "{b}"
        );
        assert!(b.contains("  translator = {Jane Roe},\n"), "{b}");
        assert!(
            b.contains(
                "  note = {FMA 118-01765-03, 24-26. Translated by Jane Roe. Digital Archive},\n"
            ),
            "{b}"
        );
        assert!(
            b.ends_with("  url = {https://example.org/document/1}\n}\n"),
            "{b}"
        );
    }
}
