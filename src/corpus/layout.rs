//! Lines → paragraphs, whatever the layout the text came in. Teachers paste documents in many
//! shapes: blank lines between paragraphs (the archive's export), one paragraph per line (a web
//! page copied into an editor), lines hard-wrapped at 60–80 columns (a PDF or an e-mail), and
//! mixtures of these. Where a paragraph ends is inferred from the text itself:
//!
//! - a blank line always ends a paragraph;
//! - a line that starts a new unit — a speaker turn or header field (`Label: …`), a note wholly in
//!   parentheses — after a line that ends a clause (or is not full) starts a paragraph;
//! - a line ending in a Markdown hard break (two spaces) continues its paragraph;
//! - otherwise a line break continues the paragraph only when the text is hard-wrapped and the
//!   line is *full*: the next word would not have fitted on it ([`wrap_width`]);
//! - finally a paragraph that stops mid-sentence and one that goes on in lower case (a page
//!   break) are joined again ([`page_break_between`]).

use super::header::strip_markup;
use super::labels::{field_shaped, is_note, parse_label};

/// Lines longer than this are paragraphs, not wrapped lines: no text is wrapped wider.
const MAX_WRAP_WIDTH: usize = 100;

/// Narrower than this, lines are not taken for a wrapped text (a column of short lines is a
/// list, not prose).
const MIN_WRAP_WIDTH: usize = 40;

/// A paragraph with the file line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Para {
    pub text: String,
    pub line: usize,
}

/// One line, cleaned: Markdown emphasis removed, trimmed; whether it ended in a hard break.
struct Line {
    text: String,
    hard_break: bool,
}

/// Splits lines (the first is file line `first_line`) into paragraphs; see the module doc.
pub fn paragraphs(lines: &[&str], first_line: usize) -> Vec<Para> {
    let cleaned: Vec<Line> = lines
        .iter()
        .map(|raw| {
            let raw = raw.trim_end_matches('\r');
            Line {
                text: strip_markup(raw),
                hard_break: raw.ends_with("  ") || raw.ends_with('\\'),
            }
        })
        .collect();
    let width = wrap_width(&cleaned);
    let mut out: Vec<Para> = Vec::new();
    let mut open = false;
    for (i, line) in cleaned.iter().enumerate() {
        if line.text.is_empty() {
            open = false;
            continue;
        }
        let text = line.text.trim_end_matches('\\').trim_end();
        let continues = open
            && i > 0
            && continues_paragraph(&cleaned[i - 1], text, width)
            && out.last().is_some();
        match out.last_mut() {
            Some(p) if continues => {
                p.text.push(' ');
                p.text.push_str(text);
            }
            _ => out.push(Para {
                text: text.to_string(),
                line: first_line + i,
            }),
        }
        open = true;
    }
    join_page_breaks(out)
}

/// Does `next` go on the paragraph whose last line is `prev` (no blank line between)?
fn continues_paragraph(prev: &Line, next: &str, width: Option<usize>) -> bool {
    let prev_text = prev.text.trim_end_matches('\\').trim_end();
    let full = width.is_some_and(|w| is_full(prev_text, next, w));
    if starts_unit(next) && (ends_clause(prev_text) || !full) {
        return false;
    }
    prev.hard_break || full
}

/// Would the first word of `next` not have fitted on `line` at `width` columns?
fn is_full(line: &str, next: &str, width: usize) -> bool {
    let first = next.split_whitespace().next().unwrap_or("");
    // A little slack: wrapping tools count columns in different ways (tabs, wide characters).
    line.chars().count() + 1 + first.chars().count() + 2 > width
}

/// The width a text is hard-wrapped at, if it is: most of its lines are at most
/// [`MAX_WRAP_WIDTH`] long, and the width is the length nine lines in ten stay within.
/// `None` for text with a paragraph per line (or too little text to tell).
pub fn wrap_width(lines: &[impl AsRef<str>]) -> Option<usize> {
    let mut lens: Vec<usize> = lines
        .iter()
        .map(|l| l.as_ref().chars().count())
        .filter(|&n| n > 0)
        .collect();
    if lens.len() < 3 {
        return None;
    }
    let long = lens.iter().filter(|&&n| n > MAX_WRAP_WIDTH).count();
    if long * 10 > lens.len() {
        return None;
    }
    lens.sort_unstable();
    let w = lens[(lens.len() * 9 / 10).min(lens.len() - 1)];
    (MIN_WRAP_WIDTH..=MAX_WRAP_WIDTH).contains(&w).then_some(w)
}

impl AsRef<str> for Line {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

/// Does this line open a unit of its own: a labelled turn or header field, or a note?
fn starts_unit(line: &str) -> bool {
    parse_label(line).is_some() || field_shaped(line).is_some() || is_note(line)
}

/// Does a line end a clause (so that what follows may be a new paragraph)?
fn ends_clause(s: &str) -> bool {
    let t = s
        .trim_end()
        .trim_end_matches(['"', '”', '’', '\'', '*', '_']);
    // Not `]` or `-`: a bracketed insertion or a hyphen may stand anywhere in a sentence.
    t.ends_with(['.', '!', '?', '…', ':', ';', ')'])
}

/// Drops lone elision markers and joins paragraphs that a page break split.
fn join_page_breaks(paras: Vec<Para>) -> Vec<Para> {
    let mut joined: Vec<Para> = Vec::new();
    for p in paras {
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
pub fn is_elision(s: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[&str]) -> Vec<String> {
        paragraphs(lines, 1).into_iter().map(|p| p.text).collect()
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
    fn one_paragraph_per_line() {
        let lines = [
            "Date: 8 June 1962",
            "Venue: Meeting Room",
            "Mr. A (hereafter A): I asked to see you today about the matter we discussed at length in the previous meeting last week.",
            "B: Fine.",
            "We will study it and reply to you in due course, after consulting our government on every point you raised.",
        ];
        assert_eq!(texts(&lines).len(), 5);
    }

    #[test]
    fn wrapped_lines_are_joined_until_a_short_line_or_a_new_turn() {
        let lines = [
            "Mr. A (hereafter A): I asked to see you today about the matter we",
            "discussed at length in the previous meeting last week, and I hope",
            "that we can settle it.",
            "",
            "B: Fine. We will study it and reply to you in due course, after",
            "consulting our government.",
            "A: Thank you.",
        ];
        assert_eq!(
            texts(&lines),
            vec![
                "Mr. A (hereafter A): I asked to see you today about the matter we discussed at length in the previous meeting last week, and I hope that we can settle it.",
                "B: Fine. We will study it and reply to you in due course, after consulting our government.",
                "A: Thank you.",
            ]
        );
    }

    #[test]
    fn hard_breaks_keep_a_title_together_and_elisions_go() {
        let lines = ["A Title That  ", "Wraps", "", "[...]", "", "Text."];
        assert_eq!(texts(&lines), vec!["A Title That Wraps", "Text."]);
    }

    #[test]
    fn widths() {
        let long = "x".repeat(150);
        assert_eq!(wrap_width(&[long.as_str(), "a", &long, &long]), None);
        let l70 = "y".repeat(70);
        let l60 = "y".repeat(60);
        assert_eq!(wrap_width(&[&l70, &l60, &l70, "end."]), Some(70));
        assert_eq!(wrap_width(&["a", "b", "c"]), None);
    }
}
