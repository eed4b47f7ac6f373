//! Every seed in every layout a teacher may paste it in: one paragraph per line, hard-wrapped
//! lines with blank lines between paragraphs (at three widths), CRLF, and mixtures (a wrapped
//! header over a one-line-per-paragraph body, and the other way round). Each must give the same
//! card, speakers, turn counts and passages (text compared with whitespace folded) as the file
//! as it is in `seeds/`. Also: every word of a body ends up in exactly one passage.

use archivist::corpus::{Corpus, Document, PassageKind, DEFAULT_CANONICAL_BASE};

mod common;

/// The seeds as (file name, text).
fn seeds() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = archivist::corpus::corpus_files(&common::seeds_dir())
        .unwrap()
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The paragraphs of a text as it stands in the seeds: blocks between blank lines, each
/// block's lines joined with a space — except after a Markdown hard break (a line ending in
/// two spaces), which stays a line break, as a browser shows it.
fn blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        let l = line.trim();
        if l.is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur).trim_end().to_string());
            }
            continue;
        }
        if !cur.is_empty() && !cur.ends_with('\n') {
            cur.push(' ');
        }
        cur.push_str(l);
        if line.ends_with("  ") {
            cur.push('\n');
        }
    }
    if !cur.is_empty() {
        out.push(cur.trim_end().to_string());
    }
    out
}

/// Greedy wrap at `width` columns (a word longer than the width stands on its own line).
fn wrap(para: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for w in para.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + w.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines.join("\n")
}

fn one_per_line(paras: &[String]) -> String {
    paras.join("\n") + "\n"
}

fn wrapped(paras: &[String], width: usize) -> String {
    paras
        .iter()
        .map(|p| {
            p.lines()
                .map(|l| wrap(l, width))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
        + "\n"
}

/// The blocks up to and including the `Contents:` line, and the rest.
fn split_header(paras: &[String]) -> (Vec<String>, Vec<String>) {
    let at = paras
        .iter()
        .position(|p| p.trim_matches('*').trim() == "Contents:")
        .expect("a Contents: line")
        + 1;
    (paras[..at].to_vec(), paras[at..].to_vec())
}

/// Every layout of one seed text, named.
fn layouts(text: &str) -> Vec<(String, String)> {
    let paras = blocks(text);
    let (head, body) = split_header(&paras);
    let mut out = vec![
        ("one paragraph per line".to_string(), one_per_line(&paras)),
        ("CRLF".to_string(), text.replace('\n', "\r\n")),
        (
            "one paragraph per line, CRLF".to_string(),
            one_per_line(&paras).replace('\n', "\r\n"),
        ),
        (
            "wrapped header over one paragraph per line".to_string(),
            format!("{}\n{}", wrapped(&head, 72), one_per_line(&body)),
        ),
        (
            "one-line header over a wrapped body".to_string(),
            format!("{}\n{}", one_per_line(&head), wrapped(&body, 66)),
        ),
    ];
    for width in [60, 72, 80] {
        out.push((format!("wrapped at {width}"), wrapped(&paras, width)));
    }
    out.push((
        "wrapped at 72, CRLF".to_string(),
        wrapped(&paras, 72).replace('\n', "\r\n"),
    ));
    out
}

fn parse(name: &str, text: &str) -> Corpus {
    Corpus::from_texts([(name, text)], DEFAULT_CANONICAL_BASE)
}

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What must not depend on the layout, as comparable strings.
fn fields(d: &Document) -> Vec<String> {
    let m = &d.meta;
    let mut out = vec![
        format!("id {}", m.id),
        format!("title {}", m.title),
        format!("date {:?}", m.date),
        format!("citation {:?}", m.citation.as_deref().map(fold)),
        format!("url {:?}", m.url),
        format!("archive {:?}", m.archive),
        format!("archive_ref {:?}", m.archive_ref),
        format!("translator {:?}", m.translator),
        format!("summary {:?}", m.summary.as_deref().map(fold)),
        format!("credits {:?}", m.credits.as_deref().map(fold)),
        format!("language {:?}", m.original_language),
        format!("meeting {:?}", m.meeting.as_deref().map(fold)),
    ];
    for s in &d.speakers {
        out.push(format!(
            "speaker {} | label {} | labels {:?} | role {:?} | turns {}",
            s.name, s.label, s.labels, s.role, s.turns
        ));
    }
    for p in &d.passages {
        out.push(format!(
            "passage {} {:?} speaker {:?}: {}",
            p.n,
            p.kind,
            p.speaker,
            fold(&p.text)
        ));
    }
    out
}

#[test]
fn every_seed_in_every_layout_reads_as_the_original() {
    let mut failures = Vec::new();
    for (name, text) in seeds() {
        let original = parse(&name, &text);
        assert!(
            original.warnings.is_empty(),
            "{name}: {:?}",
            original.warnings
        );
        let want = fields(&original.documents[0]);
        for (layout, variant) in layouts(&text) {
            let got = parse(&name, &variant);
            if !got.warnings.is_empty() {
                failures.push(format!("{name} / {layout}: warnings {:?}", got.warnings));
            }
            let Some(d) = got.documents.first() else {
                failures.push(format!("{name} / {layout}: not read"));
                continue;
            };
            let have = fields(d);
            if have != want {
                let first = (0..want.len().max(have.len()))
                    .find(|&i| want.get(i) != have.get(i))
                    .unwrap_or(0);
                failures.push(format!(
                    "{name} / {layout}: {} fields vs {}; first difference:\n  want {:?}\n  have {:?}",
                    want.len(),
                    have.len(),
                    want.get(first),
                    have.get(first)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The words of a text as the passages must hold them: letters and digits, lower case.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Every word after `Contents:` stands in exactly one passage (as a multiset: the words of the
/// body, minus the export's marker line, equal the words of the passages after the header's
/// own citation, summary and title).
fn body_words_are_all_kept_once(name: &str, text: &str, d: &Document) -> Result<(), String> {
    let paras = blocks(text);
    let (_, body) = split_header(&paras);
    // A turn's label (`Vice Minister Ji (hereafter Ji):`) is held as its speaker, not its text.
    let is_label = |head: &str| {
        let head = head.split(" (").next().unwrap_or(head).trim();
        d.speakers
            .iter()
            .any(|s| s.labels.iter().any(|l| l == head))
    };
    let mut want: Vec<String> = body
        .iter()
        .flat_map(|p| p.lines())
        .filter(|p| !(p.starts_with("Translation -") && p.len() < 40))
        .flat_map(|p| match p.split_once(':') {
            Some((head, rest)) if is_label(head) => words(rest),
            _ => words(p),
        })
        .collect();
    let header = &d.passages[0].text;
    let mut have: Vec<String> = d
        .passages
        .iter()
        .skip(1)
        .flat_map(|p| words(&p.text))
        .collect();
    // Passage 0 starts with the citation (or title) and summary; the body's header lines follow.
    let mut head_lines = header.lines();
    let skip = 1 + usize::from(d.meta.summary.is_some());
    let body_header: Vec<&str> = head_lines.by_ref().skip(skip).collect();
    have.extend(body_header.iter().flat_map(|l| words(l)));
    want.sort();
    have.sort();
    if want == have {
        return Ok(());
    }
    let missing: Vec<&String> = want.iter().filter(|w| !have.contains(w)).take(10).collect();
    let extra: Vec<&String> = have.iter().filter(|w| !want.contains(w)).take(10).collect();
    Err(format!(
        "{name}: body has {} words, passages {}; missing {missing:?}, extra {extra:?}",
        want.len(),
        have.len()
    ))
}

#[test]
fn every_word_of_every_body_is_in_exactly_one_passage() {
    let mut failures = Vec::new();
    for (name, text) in seeds() {
        for (layout, variant) in
            std::iter::once(("original".to_string(), text.clone())).chain(layouts(&text))
        {
            let c = parse(&name, &variant);
            let d = &c.documents[0];
            if let Err(e) = body_words_are_all_kept_once(&name, &text, d) {
                failures.push(format!("{layout}: {e}"));
            }
            assert!(d
                .passages
                .iter()
                .all(|p| p.kind != PassageKind::Header || p.n == 0));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A seed as a browser's "save page" gives it: the site's navigation, a banner and a footer
/// around the document; the date, the title in `<h1>`, each header field in `<div>`s (label in
/// `<strong>`, with or without its colon), the body in `<p>`s with `<br>` for hard breaks.
/// With `canonical`, the citation's link is left out and only the page's canonical link says
/// where the document is.
fn as_saved_page(text: &str, canonical: bool, colons: bool) -> String {
    let paras = blocks(text);
    let (head, body) = split_header(&paras);
    let mut url = String::new();
    let mut h = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Document</title>\n\
         <style>body { font-family: serif }</style><script>window.dataLayer = [];</script>\n",
    );
    let mut page = String::from(
        "<body><a class=\"skip-link\" href=\"#main\">Skip to main content</a>\n\
         <header class=\"site-header\"><nav class=\"navbar\"><ul><li><a href=\"/\">Home</a></li>\
         <li><a href=\"/search\">Search the Archive</a></li><li><a href=\"/about\">About</a></li>\
         </ul></nav></header>\n<div class=\"cookie-banner\" role=\"dialog\">This site uses cookies. \
         <button>Accept</button></div>\n<main id=\"main\"><article>\n",
    );
    let mut in_field = false;
    for p in &head {
        let plain = p.replace("**", "");
        let t = plain.trim();
        if t.ends_with(':') && !t.contains(' ') || t == "Original Language:" {
            if in_field {
                page.push_str("</div></div>\n");
            }
            let label = if colons { t } else { t.trim_end_matches(':') };
            page.push_str(&format!(
                "<div class=\"field\"><div class=\"field-label\"><strong>{}</strong></div><div class=\"field-items\">\n",
                escape(label)
            ));
            in_field = true;
            continue;
        }
        if in_field {
            let (text, link) = match t.rfind("<http") {
                Some(at) => (t[..at].trim(), Some(t[at + 1..].trim_end_matches('>'))),
                None => (t, None),
            };
            if let Some(l) = link {
                url = l.to_string();
            }
            if !text.is_empty() {
                page.push_str(&format!(
                    "<p>{}</p>\n",
                    escape(text).replace('\n', "<br>\n")
                ));
            }
            if let (Some(l), false) = (link, canonical) {
                page.push_str(&format!("<p><a href=\"{l}\">{l}</a></p>\n"));
            }
        } else if archivist::corpus::date::PartialDate::parse(t).is_some() {
            page.push_str(&format!("<div class=\"date\">{}</div>\n", escape(t)));
        } else {
            page.push_str(&format!("<h1>{}</h1>\n", escape(t).replace('\n', "<br>")));
        }
    }
    page.push_str("</div></div>\n<div class=\"document-content\">\n");
    for p in &body {
        page.push_str(&format!("<p>{}</p>\n", escape(p).replace('\n', "<br>\n")));
    }
    page.push_str(
        "</div></article></main>\n<aside class=\"sidebar\"><h2>Related Documents</h2><ul>\
         <li><a href=\"/document/1\">Another Record</a></li></ul></aside>\n\
         <footer><p>Wilson Center · 1300 Pennsylvania Ave</p><p>Privacy · Terms</p></footer>\n\
         <script>track();</script></body></html>\n",
    );
    if canonical {
        h.push_str(&format!("<link rel=\"canonical\" href=\"{url}\">\n"));
    }
    h.push_str("</head>\n");
    h + &page
}

#[test]
fn every_seed_as_a_saved_web_page_reads_as_the_text() {
    let mut failures = Vec::new();
    for (k, (name, text)) in seeds().into_iter().enumerate() {
        let want = fields(&parse(&name, &text).documents[0]);
        let html_name = name.replace(".txt", ".html");
        for (canonical, colons) in [(k % 2 == 1, true), (k % 2 == 0, false)] {
            let page = as_saved_page(&text, canonical, colons);
            let got = parse(&html_name, &page);
            let Some(d) = got.documents.first() else {
                failures.push(format!("{html_name}: not read: {:?}", got.warnings));
                continue;
            };
            let have = fields(d);
            if have != want || !got.warnings.is_empty() {
                let first = (0..want.len().max(have.len()))
                    .find(|&i| want.get(i) != have.get(i))
                    .unwrap_or(0);
                failures.push(format!(
                    "{html_name} (canonical link {canonical}, colons {colons}): warnings {:?}; first difference:\n  want {:?}\n  have {:?}",
                    got.warnings,
                    want.get(first),
                    have.get(first)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A small deterministic generator (xorshift) for made-up documents.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "the",
    "border",
    "question",
    "delegation",
    "we",
    "you",
    "trade",
    "agreement",
    "grain",
    "railway",
    "consulate",
    "will",
    "study",
    "report",
    "government",
    "matter",
    "urgent",
    "soon",
    "friendly",
    "relations",
    "between",
    "our",
    "two",
    "countries",
    "must",
    "be",
    "settled",
    "according",
    "to",
    "practice",
    "[the",
    "Soviet",
    "Union]",
    "measures",
    "taken",
];

/// A made-up transcript or cable in blank-line paragraphs: (text, body paragraphs).
fn made_up(rng: &mut Rng, n: usize) -> (String, Vec<String>) {
    let people = [
        ("Ivan Petrov", "Petrov"),
        ("Li Wen", "Li"),
        ("Omar Haddad", "Haddad"),
    ];
    let transcript = !n.is_multiple_of(3);
    let mut body = vec![
        "Record of a Conversation".to_string(),
        "Time: 3 May 1961, 10:00 a.m.".to_string(),
        "Venue: The Ministry".to_string(),
    ];
    for t in 0..(3 + rng.below(12)) {
        let mut sentence = String::new();
        for s in 0..(1 + rng.below(3)) {
            let len = 4 + rng.below(30);
            let words: Vec<&str> = (0..len).map(|_| WORDS[rng.below(WORDS.len())]).collect();
            let mut s_text = words.join(" ");
            if let Some(c) = s_text.get_mut(0..1) {
                c.make_ascii_uppercase();
            }
            if s > 0 {
                sentence.push(' ');
            }
            sentence.push_str(&s_text);
            sentence.push('.');
        }
        if transcript && (t == 0 || rng.below(4) != 0) {
            let (full, label) = people[rng.below(people.len())];
            let first_use = !body
                .iter()
                .any(|p| p.contains(&format!("(hereafter {label})")));
            if first_use {
                body.push(format!("{full} (hereafter {label}): {sentence}"));
            } else {
                body.push(format!("{label}: {sentence}"));
            }
        } else {
            body.push(sentence);
        }
    }
    let head = format!(
        "May 3, 1961\n\nRecord of a Conversation number {n}\n\nCitation:\n\n\"Record of a Conversation number {n}\", May 3, 1961, Some Archive, F. {n}. Translated by A. Translator.\n<https://example.org/document/gen-{n}>\n\nContents:\n\n"
    );
    (head + &body.join("\n\n") + "\n", body)
}

#[test]
fn made_up_documents_in_every_layout_keep_every_word_once() {
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let mut failures = Vec::new();
    for n in 0..60 {
        let (text, _) = made_up(&mut rng, n);
        let original = parse("gen.txt", &text);
        assert!(
            original.warnings.is_empty(),
            "{:?}\n{text}",
            original.warnings
        );
        let want = fields(&original.documents[0]);
        for (layout, variant) in
            std::iter::once(("original".to_string(), text.clone())).chain(layouts(&text))
        {
            let c = parse("gen.txt", &variant);
            let d = &c.documents[0];
            if let Err(e) = body_words_are_all_kept_once("gen", &text, d) {
                failures.push(format!("document {n}, {layout}: {e}"));
            }
            if fields(d) != want {
                failures.push(format!("document {n}, {layout}: reads differently"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
