//! Text for Discord: length as Discord counts it, truncation at a sentence or word, markdown
//! escaping with mentions neutralised, and bold highlights inside block quotes.
//!
//! Everything here works on plain text first and adds markdown last, so a cut never lands inside
//! `**…**` or a code block. Lengths are counted in UTF-16 code units, which is never less than
//! what Discord counts, so staying under a limit here stays under it there.

/// Length of `s` as counted against Discord's limits (UTF-16 code units, an upper bound).
pub fn len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The largest char boundary `b` with `len(&s[..b]) <= max`.
fn prefix_within(s: &str, max: usize) -> usize {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return i;
        }
    }
    s.len()
}

/// Where to cut `s` so that the kept part plus the returned suffix fits in `max`: at the end of a
/// sentence, else at a word, else inside a long word. `None` when `s` fits as it is.
pub fn cut_point(s: &str, max: usize) -> Option<(usize, &'static str)> {
    if len(s) <= max {
        return None;
    }
    if max < 3 {
        return Some((0, if max == 0 { "" } else { "…" }));
    }
    let b = prefix_within(s, max - 2);
    let head = &s[..b];
    let floor = b / 2;
    let sentence = head
        .char_indices()
        .filter(|&(i, c)| {
            matches!(c, '.' | '!' | '?' | '。' | '！' | '？')
                && s[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_whitespace)
        })
        .map(|(i, c)| i + c.len_utf8())
        .next_back();
    if let Some(p) = sentence.filter(|&p| p >= floor && p > 0) {
        return Some((p, " …"));
    }
    if let Some(p) = head.rfind(char::is_whitespace).filter(|&p| p >= floor) {
        let kept = head[..p].trim_end_matches(|c: char| c.is_whitespace() || ",;:".contains(c));
        if !kept.is_empty() {
            return Some((kept.len(), "…"));
        }
    }
    Some((prefix_within(s, max - 1), "…"))
}

/// Plain text cut to at most `max` units at a sentence or word, with an ellipsis when cut.
pub fn truncate(s: &str, max: usize) -> String {
    match cut_point(s, max) {
        None => s.to_string(),
        Some((b, suffix)) => format!("{}{suffix}", &s[..b]),
    }
}

/// Escapes markdown as it is written, keeping track of where lines start.
struct Escaper {
    out: String,
    /// Nothing but whitespace yet on this line.
    line_start: bool,
    /// Nothing but digits yet on this line (a `1.` list marker may follow).
    digits_only: bool,
}

impl Default for Escaper {
    fn default() -> Self {
        Escaper {
            out: String::new(),
            line_start: true,
            digits_only: false,
        }
    }
}

impl Escaper {
    fn push_raw(&mut self, s: &str) {
        self.out.push_str(s);
        if !s.is_empty() {
            self.line_start = false;
            self.digits_only = false;
        }
    }

    fn push_text(&mut self, s: &str) {
        for c in s.chars() {
            match c {
                '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '<' | '[' | ']' | '#' => {
                    self.out.push('\\');
                    self.out.push(c);
                }
                '-' | '+' if self.line_start => {
                    self.out.push('\\');
                    self.out.push(c);
                }
                '.' | ')' if self.digits_only => {
                    self.out.push('\\');
                    self.out.push(c);
                }
                '@' => self.out.push_str("@\u{200B}"),
                // Invisible direction overrides could reorder the markdown around the text.
                '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {}
                _ => self.out.push(c),
            }
            if c == '\n' {
                self.line_start = true;
                self.digits_only = false;
            } else if c.is_whitespace() {
                self.digits_only = false;
            } else if c.is_ascii_digit() && (self.line_start || self.digits_only) {
                self.line_start = false;
                self.digits_only = true;
            } else {
                self.line_start = false;
                self.digits_only = false;
            }
        }
    }
}

/// `s` with Discord markdown escaped and `@`-mentions neutralised (`@everyone` shows, pings no one).
pub fn escape(s: &str) -> String {
    let mut e = Escaper::default();
    e.push_text(s);
    e.out
}

/// `s` for places Discord shows without markdown (footers): mentions neutralised, nothing else.
pub fn plain(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .flat_map(|c| {
            let zw = (c == '@').then_some('\u{200B}');
            std::iter::once(c).chain(zw)
        })
        .collect()
}

/// Reverses [`escape`] (for reading back text this bot rendered itself).
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '@' => {
                out.push('@');
                if chars.peek() == Some(&'\u{200B}') {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Escaped `s`, cut (as plain text, before escaping) so the escaped result fits in `max`.
pub fn escape_fit(s: &str, max: usize) -> String {
    fit(max, |budget| match cut_point(s, budget) {
        None => escape(s),
        Some((b, suffix)) => format!("{}{suffix}", escape(&s[..b])),
    })
}

/// Renders with a shrinking plain-text budget until the rendered text fits in `max`.
pub fn fit(max: usize, render: impl Fn(usize) -> String) -> String {
    let mut budget = max;
    loop {
        let out = render(budget);
        let l = len(&out);
        if l <= max {
            return out;
        }
        if budget == 0 {
            return String::new();
        }
        budget = budget.saturating_sub((l - max).max(1));
    }
}

/// Sorted, merged highlight ranges that lie on char boundaries of `text`, trimmed of whitespace
/// and split at line breaks (bold must open and close on one line).
fn clean_ranges(text: &str, ranges: &[[usize; 2]]) -> Vec<(usize, usize)> {
    let mut v: Vec<(usize, usize)> = ranges
        .iter()
        .map(|r| (r[0], r[1].min(text.len())))
        .filter(|&(a, b)| a < b && text.is_char_boundary(a) && text.is_char_boundary(b))
        .collect();
    v.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in v {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let mut out = Vec::new();
    for (a, b) in merged {
        let mut start = a;
        for (i, c) in text[a..b].char_indices() {
            if c == '\n' {
                out.push((start, a + i));
                start = a + i + 1;
            }
        }
        out.push((start, b));
    }
    out.into_iter()
        .filter_map(|(a, b)| {
            let seg = &text[a..b];
            let lead = seg.len() - seg.trim_start().len();
            let trail = seg.len() - seg.trim_end().len();
            (lead + trail < seg.len()).then_some((a + lead, b - trail))
        })
        .collect()
}

/// `text` escaped, with the byte `ranges` in bold, cut as plain text so the result fits in `max`;
/// with `quote`, every line is a block quote (`> `).
pub fn highlighted(text: &str, ranges: &[[usize; 2]], max: usize, quote: bool) -> String {
    let ranges = clean_ranges(text, ranges);
    fit(max, |budget| {
        let (end, suffix) = cut_point(text, budget).unwrap_or((text.len(), ""));
        let kept = &text[..end];
        let mut e = Escaper::default();
        let mut at = 0;
        for &(a, b) in &ranges {
            if a >= end {
                break;
            }
            let b = b.min(end);
            e.push_text(&kept[at..a]);
            e.push_raw("**");
            e.push_text(&kept[a..b]);
            e.push_raw("**");
            at = b;
        }
        e.push_text(&kept[at..]);
        e.push_raw(suffix);
        if quote {
            block_quote(&e.out)
        } else {
            e.out
        }
    })
}

/// Every line of `s` as a block quote.
pub fn block_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("> ");
        out.push_str(line);
    }
    out
}

/// `s` in a code block, cut as plain text to fit `max`; backticks that would close it are replaced.
/// Text is otherwise kept exact (for pasting): Discord shows mentions in code blocks as literal
/// text, and `allowed_mentions` stops any ping.
pub fn code_block(s: &str, max: usize) -> String {
    let safe = s.replace('`', "ˋ");
    format!("```\n{}\n```", truncate(&safe, max.saturating_sub(8)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_sentence_then_word_and_fits() {
        let s = "One sentence here. Another one that goes on and on and on.";
        assert_eq!(truncate(s, 30), "One sentence here. …");
        assert_eq!(truncate("alpha beta gamma delta", 15), "alpha beta…");
        assert_eq!(truncate("short", 10), "short");
        let long = "x".repeat(50);
        assert_eq!(len(&truncate(&long, 10)), 10);
        assert_eq!(truncate("🙂🙂🙂🙂🙂🙂", 5), "🙂🙂…");
    }

    #[test]
    fn escapes_markdown_and_mentions_reversibly() {
        let s = "@everyone **bold** `code` ||spoiler|| > quote <@123> # head\n- item\n1. one";
        let e = escape(s);
        assert!(!e.contains("@everyone"));
        assert!(e.contains("\\*\\*bold\\*\\*"));
        assert!(e.contains("\\<@\u{200B}123\\>"));
        assert!(e.contains("\n\\- item\n1\\. one"));
        assert_eq!(unescape(&e), s);
    }

    #[test]
    fn bold_is_never_cut_open() {
        let text = "The border question is urgent. We ask the Soviet side to return the residents.";
        let at = |w: &str| {
            let i = text.find(w).unwrap();
            [i, i + w.len()]
        };
        let hl = [at("border question"), at("residents"), at("question")];
        let full = highlighted(text, &hl, 500, true);
        assert_eq!(
            full,
            "> The **border question** is urgent. We ask the Soviet side to return the **residents**."
        );
        for max in 5..full.len() {
            let cut = highlighted(text, &hl, max, true);
            assert!(len(&cut) <= max, "{max}: {cut}");
            assert_eq!(cut.matches("**").count() % 2, 0, "{cut}");
        }
    }
}
