//! Saved web pages (`.html`, `.htm`) → the same plain text a teacher would paste, which then goes
//! through the one parser. The page is read by a real HTML parser (html5ever, through `scraper`);
//! block elements become paragraphs (a blank line between them), `<br>` a line break, inline
//! elements (`<strong>Citation:</strong>`, `<a>`) run on in their paragraph, and what is not the
//! document — scripts, styles, forms, navigation, site headers and footers, cookie banners — is
//! dropped. When the citation carries no link, the page's canonical address (`<link
//! rel="canonical">` or `og:url`) is put after it, since the document id comes from that URL.

use scraper::node::Node;
use scraper::{ElementRef, Html};

/// Elements whose content is never part of the document.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "nav", "footer", "form", "button", "select",
    "option", "svg", "iframe", "object", "canvas", "menu", "dialog",
];

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "aside",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "pre",
    "address",
    "figure",
    "figcaption",
    "hr",
    "details",
    "summary",
    "fieldset",
    "center",
];

/// Words in an element's `class`, `id` or `role` that mark page furniture rather than content
/// (common web conventions, not any one site's).
const FURNITURE: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "footer",
    "site-footer",
    "site-header",
    "masthead",
    "sidebar",
    "cookie",
    "cookies",
    "banner",
    "share",
    "social",
    "skip",
    "visually-hidden",
    "sr-only",
    "pagination",
    "search",
    "dialog",
    "alert",
    "modal",
    "popup",
];

/// Is this file name a saved web page?
pub fn is_html_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".html") || lower.ends_with(".htm")
}

/// Does this text look like HTML markup (a page saved under another extension)?
pub fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start()
        .chars()
        .take(200)
        .collect::<String>()
        .to_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html")
}

/// The text of a page: paragraphs separated by blank lines, lines by `\n`.
pub fn page_text(html: &str) -> String {
    let doc = Html::parse_document(html);
    let mut out = Text::default();
    for child in doc.tree.root().children() {
        if let Some(el) = ElementRef::wrap(child) {
            walk(el, &mut out);
        }
    }
    let mut paras = out.finish();
    if let Some(url) = canonical_url(&doc) {
        add_url_to_citation(&mut paras, &url);
    }
    paras.join("\n\n") + "\n"
}

/// Paragraphs being collected: the finished ones and the one being written.
#[derive(Default)]
struct Text {
    paras: Vec<String>,
    cur: String,
}

impl Text {
    /// Text runs on in the paragraph; whitespace (newlines included) is one space, as a
    /// browser shows it.
    fn push_text(&mut self, s: &str) {
        let space = |cur: &mut String| {
            if !cur.is_empty() && !cur.ends_with([' ', '\n']) {
                cur.push(' ');
            }
        };
        if s.starts_with(char::is_whitespace) {
            space(&mut self.cur);
        }
        for (i, piece) in s.split_whitespace().enumerate() {
            if i > 0 {
                self.cur.push(' ');
            }
            self.cur.push_str(piece);
        }
        if s.ends_with(char::is_whitespace) {
            space(&mut self.cur);
        }
    }

    fn line_break(&mut self) {
        let t = self.cur.trim_end_matches(' ').len();
        self.cur.truncate(t);
        if !self.cur.is_empty() {
            self.cur.push('\n');
        }
    }

    fn end_paragraph(&mut self) {
        let p = self
            .cur
            .lines()
            .map(str::trim)
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string();
        if !p.is_empty() {
            self.paras.push(p);
        }
        self.cur.clear();
    }

    fn finish(mut self) -> Vec<String> {
        self.end_paragraph();
        self.paras
    }
}

fn walk(el: ElementRef, out: &mut Text) {
    let name = el.value().name();
    if SKIPPED.contains(&name) || is_furniture(&el) {
        return;
    }
    if name == "br" {
        out.line_break();
        return;
    }
    let block = BLOCKS.contains(&name);
    if block {
        out.end_paragraph();
    }
    for child in el.children() {
        match child.value() {
            Node::Text(t) => out.push_text(t),
            Node::Element(_) => {
                if let Some(e) = ElementRef::wrap(child) {
                    walk(e, out);
                }
            }
            _ => {}
        }
    }
    if block {
        out.end_paragraph();
    }
}

fn is_furniture(el: &ElementRef) -> bool {
    let v = el.value();
    if v.attr("hidden").is_some() || v.attr("aria-hidden") == Some("true") {
        return true;
    }
    let marked = |attr: &str| {
        v.attr(attr).is_some_and(|a| {
            a.split(|c: char| c.is_whitespace() || c == '_' || c == '-')
                .any(|w| FURNITURE.contains(&w.to_ascii_lowercase().as_str()))
        })
    };
    marked("class") || marked("id") || marked("role")
}

/// The page's own address: `<link rel="canonical">`, else `<meta property="og:url">`.
fn canonical_url(doc: &Html) -> Option<String> {
    doc.tree.root().descendants().find_map(|n| {
        let e = n.value().as_element()?;
        let href = match e.name() {
            "link"
                if e.attr("rel")
                    .is_some_and(|r| r.eq_ignore_ascii_case("canonical")) =>
            {
                e.attr("href")
            }
            "meta" if e.attr("property") == Some("og:url") => e.attr("content"),
            _ => None,
        }?;
        let href = href.trim();
        (href.starts_with("http://") || href.starts_with("https://")).then(|| href.to_string())
    })
}

/// Puts `url` after the citation's text when neither the `Citation:` paragraph nor the one after
/// it holds a link.
fn add_url_to_citation(paras: &mut Vec<String>, url: &str) {
    let Some(at) = paras.iter().position(|p| {
        p.trim_start_matches('*')
            .to_ascii_lowercase()
            .starts_with("citation")
    }) else {
        return;
    };
    let value_at = if paras[at].trim_end_matches(['*', ':', ' ']).len() <= "citation".len() {
        at + 1
    } else {
        at
    };
    let linked = paras[at..=value_at.min(paras.len() - 1)]
        .iter()
        .any(|p| p.contains("http://") || p.contains("https://"));
    if !linked {
        paras.insert((value_at + 1).min(paras.len()), format!("<{url}>"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_breaks_labels_and_furniture() {
        let page = r#"<!DOCTYPE html><html><head><title>T</title><style>p{}</style>
            <link rel="canonical" href="https://example.org/document/77"></head>
            <body><nav><a href="/">Home</a> | <a href="/x">Search</a></nav>
            <div class="cookie-banner cookie">We use cookies</div>
            <main><h1>A Cable</h1>
            <div><strong>Citation:</strong></div><div>"A Cable", 1962, Some Archive.</div>
            <p>Date: 1 May<br>Place: Here</p>
            <p>Li: We <em>will</em> see.</p><script>var x = 1;</script></main>
            <footer>© the site</footer></body></html>"#;
        let t = page_text(page);
        assert_eq!(
            t,
            "A Cable\n\nCitation:\n\n\"A Cable\", 1962, Some Archive.\n\n<https://example.org/document/77>\n\nDate: 1 May\nPlace: Here\n\nLi: We will see.\n"
        );
        assert!(looks_like_html(page));
        assert!(is_html_name("x.HTM") && !is_html_name("x.txt"));
    }

    #[test]
    fn odd_markup_gives_text_not_a_crash() {
        for page in [
            "",
            "<",
            "<p>unclosed <b>bold",
            "<<>>&amp;&bogus;",
            "<table><tr><td>a<td>b",
        ] {
            let _ = page_text(page);
        }
        assert_eq!(page_text("<p>a &amp; b</p>"), "a & b\n");
    }
}
