//! The analyzer of passages and questions in one pass: words, lower case, accents folded,
//! English stems remembered per thread ([`super::stem`]).
//!
//! Its tokens are exactly those of tantivy's chain `SimpleTokenizer` → `RemoveLongFilter(40)` →
//! `LowerCaser` → `AsciiFoldingFilter` → Snowball English stemmer (same text, positions and byte
//! offsets; the tests compare the two on tricky and on random text). The chain hands every token
//! through four filters, decodes every character and checks each token for ASCII twice; this
//! walks bytes, and only a word holding a non-ASCII character goes through tantivy's own lower
//! casing and folding. Analysing text is most of the CPU of an index build, and part of every
//! question and quote.

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Words of this many bytes or more are dropped (as `RemoveLongFilter::limit(40)` drops them):
/// no one searches for them, and they still take a position.
pub const LONGEST_WORD: usize = 40;

/// The one-pass analyzer (see the module docs).
#[derive(Clone)]
pub struct Analyzer {
    token: Token,
    /// Lower casing and folding of a word with non-ASCII characters: tantivy's own filters.
    unicode: TextAnalyzer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer {
            token: Token::default(),
            unicode: TextAnalyzer::builder(RawTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
        }
    }
}

impl Tokenizer for Analyzer {
    type TokenStream<'a> = Stream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Stream<'a> {
        self.token.reset();
        Stream {
            text,
            at: 0,
            token: &mut self.token,
            unicode: &mut self.unicode,
        }
    }
}

pub struct Stream<'a> {
    text: &'a str,
    /// Byte where the search for the next word starts.
    at: usize,
    token: &'a mut Token,
    unicode: &'a mut TextAnalyzer,
}

/// Whether the non-ASCII character at byte `i` of `text` (a char boundary) is a letter or
/// digit (what `SimpleTokenizer` keeps), and its length in bytes.
#[cold]
fn unicode_word_char(text: &str, i: usize) -> (bool, usize) {
    let c = text[i..].chars().next().expect("a char boundary");
    (c.is_alphanumeric(), c.len_utf8())
}

/// Bytes from `i` to the next one that is not an ASCII letter or digit (or the end).
fn ascii_run(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(bytes.len() - i)
}

impl Stream<'_> {
    /// The next word from `self.at`: its byte range, and whether it is all ASCII.
    fn next_word(&mut self) -> Option<(usize, usize, bool)> {
        let (text, bytes) = (self.text, self.text.as_bytes());
        let mut i = self.at;
        let start = loop {
            let Some(&b) = bytes.get(i) else {
                self.at = i;
                return None;
            };
            if b < 0x80 {
                if b.is_ascii_alphanumeric() {
                    break i;
                }
                i += 1;
            } else {
                let (keep, len) = unicode_word_char(text, i);
                if keep {
                    break i;
                }
                i += len;
            }
        };
        let mut ascii = true;
        loop {
            i += ascii_run(bytes, i);
            match bytes.get(i) {
                Some(&b) if b >= 0x80 => {
                    let (keep, len) = unicode_word_char(text, i);
                    if !keep {
                        break;
                    }
                    ascii = false;
                    i += len;
                }
                _ => break,
            }
        }
        self.at = i;
        Some((start, i, ascii))
    }
}

/// `word` lower-cased and folded by tantivy's own filters, into `out`.
#[cold]
fn fold_unicode(unicode: &mut TextAnalyzer, word: &str, out: &mut String) {
    let mut s = unicode.token_stream(word);
    if s.advance() {
        out.push_str(&s.token().text);
    }
}

impl TokenStream for Stream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            // A word too long to keep still takes its position, as with `RemoveLongFilter`.
            self.token.position = self.token.position.wrapping_add(1);
            let Some((from, to, ascii)) = self.next_word() else {
                return false;
            };
            if to - from >= LONGEST_WORD {
                continue;
            }
            let (word, t) = (&self.text[from..to], &mut *self.token);
            t.offset_from = from;
            t.offset_to = to;
            t.text.clear();
            if ascii {
                t.text.push_str(word);
                t.text.make_ascii_lowercase();
            } else {
                fold_unicode(self.unicode, word, &mut t.text);
            }
            super::stem::stem_in_place(&mut t.text);
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{Language, RemoveLongFilter, SimpleTokenizer, Stemmer};

    use super::*;

    fn tokens(a: &mut TextAnalyzer, text: &str) -> Vec<(usize, usize, usize, String)> {
        let mut ts = a.token_stream(text);
        let mut out = Vec::new();
        while ts.advance() {
            let t = ts.token();
            out.push((t.position, t.offset_from, t.offset_to, t.text.clone()));
        }
        out
    }

    fn tantivys() -> TextAnalyzer {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(LONGEST_WORD))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build()
    }

    fn ours() -> TextAnalyzer {
        TextAnalyzer::from(Analyzer::default())
    }

    #[test]
    fn same_tokens_as_tantivys_chain() {
        let text = "Repatriated repatriation REPATRIATES, café naïve border-crossers 1962 x \
                    ΟΔΟΣ Σίσυφος İstanbul ǅemal ß straße ﬁne Ⅻ ½ ٣٤ 馬 北京 \u{301}accent \
                    Ivan Petrov's   \n\tnews — “quoted” [Enlai] Zhou's \
                    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \
                    ééééééééééééééééééé éééééééééééééééééééé end";
        let expected = tokens(&mut tantivys(), text);
        assert!(expected.iter().any(|t| t.3 == "repatri"));
        assert!(expected.iter().any(|t| t.3 == "cafe"));
        let mut a = ours();
        assert_eq!(tokens(&mut a, text), expected);
        assert_eq!(
            tokens(&mut a, text),
            expected,
            "the second time, remembered"
        );
        assert_eq!(tokens(&mut a, ""), vec![]);
        assert_eq!(tokens(&mut a, " ,;- "), vec![]);
    }

    #[test]
    fn same_tokens_as_tantivys_chain_on_random_text() {
        // A deterministic generator over pieces chosen to hit every branch: ASCII words of any
        // case, digits, punctuation, accents, combining marks, other scripts, long words.
        const PIECES: &[&str] = &[
            "a",
            "Z",
            "q",
            "7",
            "ing",
            "ation",
            "ED",
            " ",
            " ",
            "\n",
            ",",
            ".",
            "-",
            "'",
            "’",
            "é",
            "Ü",
            "ß",
            "Σ",
            "ς",
            "ﬀ",
            "\u{301}",
            "馬",
            "٣",
            "Ⅳ",
            "½",
            "İ",
            "\u{a0}",
            "aaaaaaaaaa",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let (mut theirs, mut a) = (tantivys(), ours());
        let (mut folded, mut dropped) = (0, 0);
        for _ in 0..2000 {
            let len = (next() % 60) as usize;
            let text: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let expected = tokens(&mut theirs, &text);
            folded += expected.iter().filter(|t| t.2 - t.1 != t.3.len()).count();
            dropped += expected.windows(2).filter(|w| w[1].0 > w[0].0 + 1).count();
            assert_eq!(tokens(&mut a, &text), expected, "{text:?}");
        }
        assert!(
            folded > 100 && dropped > 10,
            "{folded} folded, {dropped} dropped"
        );
    }

    #[test]
    fn same_tokens_as_tantivys_chain_on_the_seeds() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let (mut theirs, mut a) = (tantivys(), ours());
        let mut n = 0;
        for f in crate::corpus::corpus_files(&dir).expect("seeds") {
            let text = std::fs::read_to_string(&f).expect("a seed");
            let expected = tokens(&mut theirs, &text);
            n += expected.len();
            assert_eq!(tokens(&mut a, &text), expected, "{}", f.display());
        }
        assert!(n > 1000, "{n} tokens in the seeds");
    }
}
