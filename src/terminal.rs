//! The terminal renderer: answers, cards and speaker lists as text for a person, wrapped to the
//! terminal's width, with matched words in bold yellow on a TTY and plain otherwise.

use std::fmt::Write as _;

use crate::answer::{Answer, DocCard, PassageView, SpeakerSummary};

/// How to draw: width and whether ANSI styles may be used.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub width: usize,
    pub color: bool,
}

impl Style {
    /// Styles for standard output: colour only on a terminal (and not with NO_COLOR).
    pub fn for_stdout() -> Style {
        use std::io::IsTerminal;
        let tty = std::io::stdout().is_terminal();
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(100usize);
        Style {
            width: width.clamp(40, 160),
            color: tty && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    /// The same width without colour.
    fn plain(self) -> Style {
        Style {
            color: false,
            ..self
        }
    }

    fn bold(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn dim(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[2m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// Wraps `text` at `width` with `indent`; byte ranges in `marks` are drawn highlighted.
pub fn wrap(text: &str, width: usize, indent: &str, marks: &[[usize; 2]], style: Style) -> String {
    let mut out = String::new();
    for (li, line) in split_keep_offsets(text).into_iter().enumerate() {
        if li > 0 {
            out.push('\n');
        }
        let (line_start, line) = line;
        let mut col = 0;
        out.push_str(indent);
        let mut first = true;
        for (ws, word) in words_with_offsets(line) {
            let start = line_start + ws;
            let end = start + word.len();
            let wlen = word.chars().count();
            if !first && col + 1 + wlen + indent.len() > width {
                out.push('\n');
                out.push_str(indent);
                col = 0;
            } else if !first {
                out.push(' ');
                col += 1;
            }
            let marked = marks.iter().any(|m| m[0] < end && m[1] > start);
            if marked && style.color {
                out.push_str(&format!("\x1b[1;33m{word}\x1b[0m"));
            } else {
                out.push_str(word);
            }
            col += wlen;
            first = false;
        }
    }
    out
}

fn split_keep_offsets(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            out.push((start, &text[start..i]));
            start = i + 1;
        }
    }
    out.push((start, &text[start..]));
    out
}

fn words_with_offsets(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in line.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, &line[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &line[s..]));
    }
    out
}

/// The answer as a person reads it: each quote labelled, then the citations.
pub fn render_answer(
    a: &Answer,
    citations: &dyn Fn(&str) -> Option<String>,
    style: Style,
) -> String {
    let mut out = String::new();
    let s = &a.searched;
    if a.results.is_empty() {
        let _ = writeln!(out, "Nothing found for “{}”.", a.question);
        let _ = writeln!(out, "{}", style.dim(&searched_line(a)));
        for hint in &a.suggestions {
            let _ = writeln!(out, "  try: {hint}");
        }
        return out;
    }
    let shown = format!(
        "{}–{} of {}",
        a.offset + 1,
        a.offset + a.results.len(),
        a.total
    );
    let _ = writeln!(
        out,
        "{} {}",
        style.bold(&format!("“{}”", a.question)),
        style.dim(&format!("({shown})"))
    );
    let _ = writeln!(out, "{}", style.dim(&searched_line(a)));
    if s.speaker_relaxed {
        let _ = writeln!(
            out,
            "{}",
            style.dim(&format!(
                "({} never speaks of this; showing all speakers)",
                s.speakers.join(", ")
            ))
        );
    }
    let mut cited: Vec<&str> = Vec::new();
    for (i, q) in a.results.iter().enumerate() {
        let who = q.speaker.clone().unwrap_or_else(|| {
            if q.passage == 0 {
                "Document header".into()
            } else {
                "Document text".into()
            }
        });
        let _ = writeln!(out);
        // The heading wraps like the quote; the number and speaker stand out.
        let lead = format!("[{}] {}", a.offset + i + 1, who);
        let heading = format!(
            "{lead} — {}{}, passage {}",
            q.title,
            q.date
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default(),
            q.passage
        );
        let wrapped = wrap(&heading, style.width, "", &[], style.plain());
        match wrapped.strip_prefix(&lead) {
            Some(rest) => writeln!(out, "{}{rest}", style.bold(&lead)),
            None => writeln!(out, "{wrapped}"),
        }
        .ok();
        let _ = writeln!(
            out,
            "{}",
            wrap(
                &format!("“{}”", q.quote),
                style.width,
                "    ",
                &shift(&q.highlights, "“".len()),
                style
            )
        );
        let _ = writeln!(
            out,
            "    {}",
            style.dim(&format!("{} · {}#{}", q.url, q.doc_id, q.passage))
        );
        if !cited.contains(&q.doc_id.as_str()) {
            cited.push(&q.doc_id);
        }
    }
    let _ = writeln!(out, "\n{}", style.bold("Cite as:"));
    for id in cited {
        if let Some(c) = citations(id) {
            let _ = writeln!(out, "{}", wrap(&c, style.width, "  ", &[], style));
        }
    }
    out
}

fn shift(h: &[[usize; 2]], by: usize) -> Vec<[usize; 2]> {
    h.iter().map(|r| [r[0] + by, r[1] + by]).collect()
}

/// One line saying what was searched: words, speaker, document, date.
pub fn searched_line(a: &Answer) -> String {
    let s = &a.searched;
    let mut parts = Vec::new();
    if s.terms.is_empty() {
        parts.push("searched: no content words".to_string());
    } else {
        parts.push(format!("searched: {}", s.terms.join(", ")));
    }
    if !s.speakers.is_empty() {
        parts.push(format!("speaker: {}", s.speakers.join(" or ")));
    }
    if let Some(d) = &s.doc_id {
        parts.push(format!("document: {d}"));
    }
    if let Some(d) = &s.date {
        parts.push(format!("date: {d}"));
    }
    parts.join(" · ")
}

/// A document card.
pub fn render_card(c: &DocCard, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        wrap(&c.title, style.width, "", &[], style.plain())
    );
    let _ = writeln!(
        out,
        "{}",
        style.dim(&format!(
            "Document {} · {} · {} passages",
            c.doc_id,
            c.date.as_deref().unwrap_or("undated"),
            c.passages
        ))
    );
    let field = |out: &mut String, name: &str, v: Option<&str>| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            let _ = writeln!(out, "{}", style.bold(&format!("{name}:")));
            let _ = writeln!(out, "{}", wrap(v, style.width, "  ", &[], style));
        }
    };
    field(&mut out, "Summary", c.summary.as_deref());
    if !c.speakers.is_empty() {
        let _ = writeln!(out, "{}", style.bold("Participants:"));
        for s in &c.speakers {
            let role = s
                .role
                .as_deref()
                .map(|r| format!(", {r}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} ({}{}) — {} turns",
                s.name, s.label, role, s.turns
            );
        }
    }
    field(&mut out, "Meeting", c.meeting.as_deref());
    field(&mut out, "Archive reference", c.archive_ref.as_deref());
    field(&mut out, "Translator", c.translator.as_deref());
    field(
        &mut out,
        "Original language",
        c.original_language.as_deref(),
    );
    field(&mut out, "Source", Some(&c.canonical_url));
    if c.url.as_deref().is_some_and(|u| u != c.canonical_url) {
        field(&mut out, "Source as given", c.url.as_deref());
    }
    field(&mut out, "Citation", c.citation.as_deref());
    out
}

/// The speakers list.
pub fn render_speakers(list: &[SpeakerSummary], style: Style) -> String {
    let mut out = String::new();
    if list.is_empty() {
        out.push_str("No speakers: these documents have no speaker turns.\n");
    }
    for s in list {
        let role = s
            .role
            .as_deref()
            .map(|r| format!(" — {r}"))
            .unwrap_or_default();
        let _ = writeln!(out, "{}{}", style.bold(&s.name), role);
        let docs: Vec<String> = s
            .documents
            .iter()
            .map(|(d, n)| format!("{d} ({n})"))
            .collect();
        let _ = writeln!(
            out,
            "  labels: {} · {} turns in {}",
            s.labels.join(", "),
            s.turns,
            docs.join(", ")
        );
    }
    out
}

/// One passage in full.
pub fn render_passage(p: &PassageView, style: Style) -> String {
    let who = p.speaker.as_deref().unwrap_or("(no speaker)");
    format!(
        "{} {}#{} of {}\n{}\n",
        style.bold(who),
        p.doc_id,
        p.passage,
        p.of,
        wrap(&p.text, style.width, "  ", &[], style)
    )
}

/// What `archivist check` read from each file.
pub fn render_check(reports: &[crate::corpus::check::FileReport], style: Style) -> String {
    let mut out = String::new();
    for r in reports {
        let verdict = if r.usable { "usable" } else { "NOT USABLE" };
        let _ = writeln!(out, "{}", style.bold(&format!("{} — {verdict}", r.file)));
        if let (Some(id), Some(title)) = (&r.doc_id, &r.title) {
            let _ = writeln!(
                out,
                "  document {id} · {} · {} passages",
                r.date.as_deref().unwrap_or("undated"),
                r.passages
            );
            let _ = writeln!(
                out,
                "{}",
                wrap(title, style.width, "  ", &[], style.plain())
            );
            let _ = writeln!(
                out,
                "  archive reference: {} · translator: {}",
                r.archive_ref.as_deref().unwrap_or("—"),
                r.translator.as_deref().unwrap_or("—")
            );
            if r.speakers.is_empty() {
                let _ = writeln!(out, "  speakers: none (read as paragraphs)");
            }
            for s in &r.speakers {
                let role = s
                    .role
                    .as_deref()
                    .map(|r| format!(", {r}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  speaker {}{role} — {} turns, labelled {}",
                    s.name,
                    s.turns,
                    s.labels.join(" / ")
                );
            }
        }
        for w in &r.warnings {
            let _ = writeln!(
                out,
                "{}",
                wrap(&format!("warning: {w}"), style.width, "  ", &[], style)
            );
        }
    }
    let bad = reports.iter().filter(|r| !r.usable).count();
    let _ = writeln!(
        out,
        "{} files checked: {} usable, {bad} not usable, {} warnings",
        reports.len(),
        reports.len() - bad,
        reports.iter().map(|r| r.warnings.len()).sum::<usize>()
    );
    out
}

/// Why the results of one question ranked as they did (`archivist eval -v --explain`).
pub fn render_explanation(e: &crate::answer::Explanation, quotes: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "      read: answer type {} · role {} · frame [{}]",
        e.answer_type.as_deref().unwrap_or("-"),
        e.role.as_deref().unwrap_or("-"),
        e.frame.join(", ")
    );
    for w in &e.words {
        let paras: Vec<String> = w
            .spellings
            .iter()
            .map(|s| format!("{s} (spelling 1.00)"))
            .chain(
                w.paraphrases
                    .iter()
                    .map(|(p, via, wt)| format!("{p} ({via} {wt:.2})")),
            )
            .collect();
        let _ = writeln!(
            out,
            "      word {} {:.2}{}: {}",
            w.word,
            w.weight,
            w.expression
                .as_deref()
                .map(|x| format!(" as \"{x}\""))
                .unwrap_or_default(),
            if paras.is_empty() {
                "-".to_string()
            } else {
                paras.join(", ")
            }
        );
    }
    for (i, r) in e.results.iter().take(3).enumerate() {
        let _ = writeln!(
            out,
            "      #{} {}#{} bm25 {:.2} coverage {:.2} window {:.2}{} matched [{}] paraphrased [{}]{}",
            i + 1,
            r.doc_id,
            r.passage,
            r.bm25,
            r.coverage,
            r.window,
            if r.answer_type_found {
                " answer-type"
            } else {
                ""
            },
            r.matched.join(" "),
            r.paraphrased.join(" "),
            if r.title_words.is_empty() {
                String::new()
            } else {
                format!(" title [{}]", r.title_words.join(" "))
            }
        );
        if let Some(q) = quotes.get(i) {
            let short: String = q.chars().take(160).collect();
            let _ = writeln!(out, "         “{short}”");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_words_and_marks_only_on_color() {
        let plain = Style {
            width: 20,
            color: false,
        };
        let w = wrap(
            "one two three four five six seven",
            20,
            "  ",
            &[[4, 7]],
            plain,
        );
        assert!(w.lines().all(|l| l.chars().count() <= 20), "{w}");
        assert!(!w.contains('\x1b'));
        let color = Style {
            width: 80,
            color: true,
        };
        let w = wrap("one two three", 80, "", &[[4, 7]], color);
        assert!(w.contains("\x1b[1;33mtwo\x1b[0m"));
    }
}
