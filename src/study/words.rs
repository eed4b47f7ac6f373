//! Words and marks as a quotation is compared with its source, and how a quotation is read.
//!
//! Comparing is word for word, after normalising only what a quotation may honestly change:
//! case, curly and straight quotes, the kinds of dash, whitespace and line breaks. Every word is
//! one token (a run of letters and digits) and every other mark another, so a changed comma
//! is a change. Three dots (also spaced, `. . .`) and `…` are one token, the ellipsis.
//!
//! A quotation is read twice ([`Quotation::read`]): as written (the source may itself hold
//! brackets and ellipses), and with its editorial marks: `...`, `…`, `[...]` mark omissions
//! (any text of the passage may stand there), `[the Soviet Union]` an insertion (which may stand
//! for a few words of the source, or none), and a bracket inside a word (`[T]he`, `ask[ed]`) a
//! letter changed, so the word is compared without its brackets.

/// The ellipsis token, whichever way it was written.
pub const ELLIPSIS: &str = "…";

/// At most this many words of the source an insertion (`[…]` with words) may stand for.
pub const INSERTION_REPLACES: usize = 6;

/// One word or mark with its byte range in the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    pub from: usize,
    pub to: usize,
    /// What is compared: the word lower-cased, or the mark normalised.
    pub key: String,
    pub word: bool,
    /// Whitespace (or the start of the text) comes right before it.
    pub spaced: bool,
}

/// The normal form of a mark: curly quotes straight, every dash a hyphen.
fn mark_key(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
        c => c,
    }
}

/// The words and marks of `text`, in order.
pub fn tokens(text: &str) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
    let mut i = 0;
    let mut spaced = true;
    while i < chars.len() {
        let (from, c) = chars[i];
        if c.is_whitespace() {
            spaced = true;
            i += 1;
            continue;
        }
        let (len, key, word) = if c.is_alphanumeric() {
            let n = chars[i..]
                .iter()
                .take_while(|(_, c)| c.is_alphanumeric())
                .count();
            let w: String = chars[i..i + n].iter().map(|(_, c)| *c).collect();
            (n, w.to_lowercase(), true)
        } else if let Some(n) = dots(&chars[i..]) {
            (n, ELLIPSIS.to_string(), false)
        } else if c == '\u{2026}' {
            (1, ELLIPSIS.to_string(), false)
        } else if mark_key(c) == '-' {
            let n = chars[i..]
                .iter()
                .take_while(|(_, c)| mark_key(*c) == '-')
                .count();
            (n, "-".to_string(), false)
        } else {
            (1, mark_key(c).to_string(), false)
        };
        out.push(Tok {
            from,
            to: end_of(i + len),
            key,
            word,
            spaced,
        });
        spaced = false;
        i += len;
    }
    out
}

/// The length (in chars) of an ellipsis written with dots at the start of `chars`: three or more
/// dots, each maybe after one space (`...`, `. . .`, `....`).
fn dots(chars: &[(usize, char)]) -> Option<usize> {
    let mut n = 0;
    let mut used = 0;
    let mut i = 0;
    while i < chars.len() {
        match chars[i].1 {
            '.' => {
                n += 1;
                i += 1;
                used = i;
            }
            ' ' if n > 0 && chars.get(i + 1).is_some_and(|c| c.1 == '.') => i += 1,
            _ => break,
        }
    }
    (n >= 3).then_some(used)
}

/// What may stand between two pieces of a quotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// The first piece.
    Start,
    /// Marked omission: any text of the passage.
    Omission,
    /// Bracketed insertion: up to [`INSERTION_REPLACES`] words of the source, or none.
    Insertion,
}

/// A run of a quotation that must stand in the source word for word.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub gap: Gap,
    pub toks: Vec<Tok>,
    /// After an insertion: the bracket as written (`[`, its words, `]`), which may also stand in
    /// the source as it is (transcripts bracket their own editorial words).
    pub bracket: Vec<Tok>,
}

/// A quotation as read for checking.
#[derive(Debug, Clone, PartialEq)]
pub struct Quotation {
    /// The text checked: cleaned, without the quotation marks around it or the full stop after.
    pub text: String,
    /// Its tokens as written.
    pub literal: Vec<Tok>,
    /// The pieces between its editorial marks (one piece when it has none).
    pub pieces: Vec<Piece>,
    /// Whether it has editorial marks (omissions or insertions).
    pub marked: bool,
    /// The bracketed insertions, as written.
    pub insertions: Vec<String>,
}

/// Quotation marks a quotation may be wrapped in.
const WRAPPERS: &[char] = &[
    '"', '\'', '\u{201C}', '\u{201D}', '\u{2018}', '\u{2019}', '\u{201E}', '\u{00AB}', '\u{00BB}',
];

impl Quotation {
    /// Reads a quotation (already cleaned of invisible characters).
    pub fn read(raw: &str) -> Quotation {
        let text = trim_edges(raw).to_string();
        let literal = tokens(&text);
        let (pieces, insertions) = pieces(&text, &literal);
        let marked = pieces.len() > 1
            || pieces.iter().any(|p| p.gap != Gap::Start)
            || !insertions.is_empty()
            || literal.len() != pieces.iter().map(|p| p.toks.len()).sum::<usize>();
        Quotation {
            text,
            literal,
            pieces,
            marked,
            insertions,
        }
    }

    /// Whether there is any word to look for.
    pub fn has_words(&self) -> bool {
        self.literal.iter().any(|t| t.word)
    }

    /// The pieces' tokens one after the other, with the index (into that list) where each piece
    /// after the first starts: the quotation as compared when it is not found as it stands.
    pub fn joined(&self) -> (Vec<Tok>, Vec<usize>) {
        let mut toks = Vec::new();
        let mut starts = Vec::new();
        for p in &self.pieces {
            if !toks.is_empty() {
                starts.push(toks.len());
            }
            toks.extend(p.toks.iter().cloned());
        }
        (toks, starts)
    }
}

/// Drops what wraps a quotation in an essay: the quotation marks around it, an ellipsis at
/// either end, the comma or full stop that closes the sentence it was put in.
fn trim_edges(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let before = s.len();
        s = s.trim_matches(|c: char| c.is_whitespace() || WRAPPERS.contains(&c));
        for marker in ["[...]", "[\u{2026}]", "...", "\u{2026}", ". . ."] {
            s = s.trim_start_matches(marker).trim_end_matches(marker);
        }
        s = s.trim_end_matches(['.', ',', ';', ':']);
        s = s.trim_start_matches([',', ';', ':']);
        if s.len() == before {
            return s;
        }
    }
}

/// The pieces of a quotation between its editorial marks, and its insertions' text.
fn pieces(text: &str, toks: &[Tok]) -> (Vec<Piece>, Vec<String>) {
    let mut out = vec![Piece {
        gap: Gap::Start,
        toks: Vec::new(),
        bracket: Vec::new(),
    }];
    let mut insertions = Vec::new();
    let mut i = 0;
    let cut = |out: &mut Vec<Piece>, gap: Gap, bracket: &[Tok]| {
        if out.last().is_some_and(|p| p.toks.is_empty()) {
            let last = out.last_mut().expect("checked");
            // Two marks in a row: an omission wins over an insertion.
            if last.gap != Gap::Start && (gap == Gap::Omission || last.gap == Gap::Insertion) {
                last.gap = gap;
                last.bracket.clear();
            }
            return;
        }
        out.push(Piece {
            gap,
            toks: Vec::new(),
            bracket: bracket.to_vec(),
        });
    };
    while i < toks.len() {
        let t = &toks[i];
        if t.key == ELLIPSIS {
            cut(&mut out, Gap::Omission, &[]);
            i += 1;
            continue;
        }
        let close = (t.key == "[")
            .then(|| toks[i + 1..].iter().position(|x| x.key == "]"))
            .flatten()
            .map(|k| i + 1 + k);
        let Some(close) = close else {
            out.last_mut().expect("one piece").toks.push(t.clone());
            i += 1;
            continue;
        };
        let inner = &toks[i + 1..close];
        let glued_left = !t.spaced && i > 0 && toks[i - 1].word;
        let glued_right = toks.get(close + 1).is_some_and(|n| !n.spaced && n.word);
        if inner.len() == 1 && inner[0].key == ELLIPSIS {
            cut(&mut out, Gap::Omission, &[]);
        } else if (glued_left || glued_right) && inner.iter().all(|x| x.word) {
            // `[T]he`, `ask[ed]`: one word, compared without its brackets.
            let piece = &mut out.last_mut().expect("one piece").toks;
            let mut word = Tok {
                from: t.from,
                to: toks[close].to,
                key: inner.iter().map(|x| x.key.as_str()).collect(),
                word: true,
                spaced: t.spaced,
            };
            if glued_left {
                if let Some(prev) = piece.pop() {
                    word.key = prev.key + &word.key;
                    word.from = prev.from;
                    word.spaced = prev.spaced;
                }
            }
            let mut next = close + 1;
            if glued_right {
                let n = &toks[close + 1];
                word.key.push_str(&n.key);
                word.to = n.to;
                next += 1;
            }
            piece.push(word);
            i = next;
            continue;
        } else {
            insertions.push(text[t.from..toks[close].to].to_string());
            cut(&mut out, Gap::Insertion, &toks[i..=close]);
        }
        i = close + 1;
    }
    // Marks at either end stand for nothing.
    while out.len() > 1 && out.last().is_some_and(|p| p.toks.is_empty()) {
        out.pop();
    }
    if out.len() > 1 && out[0].toks.is_empty() {
        out.remove(0);
        out[0].gap = Gap::Start;
    }
    (out, insertions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(t: &[Tok]) -> Vec<&str> {
        t.iter().map(|t| t.key.as_str()).collect()
    }

    #[test]
    fn normalises_case_quotes_dashes_and_spaces() {
        let a = tokens("The \u{201C}Union\u{2019}s\u{201D} reply \u{2014} at\n  once");
        let b = tokens("the \"union's\" reply -- at once");
        assert_eq!(keys(&a), keys(&b));
        assert_eq!(keys(&tokens("wait. . . and…")), ["wait", "…", "and", "…"]);
        let t = tokens("ab, c");
        assert_eq!((t[1].from, t[1].to, t[2].spaced), (2, 3, true));
    }

    #[test]
    fn reads_omissions_insertions_and_glued_brackets() {
        let q = Quotation::read("\u{201C}[T]he Soviet Union [...] is obligated to repatriate [them] any Chinese residents.\u{201D}");
        assert!(q.marked);
        assert_eq!(q.pieces.len(), 3);
        assert_eq!(keys(&q.pieces[0].toks), ["the", "soviet", "union"]);
        assert_eq!(q.pieces[1].gap, Gap::Omission);
        assert_eq!(
            keys(&q.pieces[1].toks),
            ["is", "obligated", "to", "repatriate"]
        );
        assert_eq!(q.pieces[2].gap, Gap::Insertion);
        assert_eq!(keys(&q.pieces[2].toks), ["any", "chinese", "residents"]);
        assert_eq!(q.insertions, ["[them]"]);
        assert_eq!(
            q.text.chars().last(),
            Some('s'),
            "the closing full stop is dropped"
        );

        let plain = Quotation::read("we appreciate such efforts");
        assert!(!plain.marked);
        assert_eq!(plain.pieces[0].toks, plain.literal);

        let ends = Quotation::read("... we appreciate such efforts ...");
        assert!(!ends.marked, "{ends:?}");
        assert!(!Quotation::read("?!").has_words());
    }
}
