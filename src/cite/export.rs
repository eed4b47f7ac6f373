//! A document as a file a reference manager imports (Zotero, EndNote, Mendeley, JabRef): RIS
//! as Zotero's Wilson Center Digital Archive translator reads the archive's own, and BibTeX as
//! Zotero exports a manuscript. Built from a [`DocCard`]'s fields, like the citations.

use super::{parts, sentence};
use crate::answer::DocCard;

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
    use super::super::tests::card;
    use super::*;

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
