//! The English stemmer of the analyzer, with a memory: each thread remembers the stem of every
//! word it has stemmed.
//!
//! Snowball stemming is the dearest step of analysing text (about a quarter of an index build, and
//! most of cutting quotes), while a corpus of transcripts uses a few tens of thousands of distinct
//! words over and over. The output is the Snowball English stemmer's, the algorithm tantivy's own
//! `Stemmer` runs, so an index built with this filter matches one built with tantivy's, and the
//! question and the passages are analysed alike because both go through [`super::schema::analyzer`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Distinct words one thread remembers; past that it forgets them all and starts over, so memory
/// stays bounded whatever the corpus (~100,000 short strings: a few MB per thread).
const REMEMBERED_WORDS: usize = 100_000;

thread_local! {
    static MEMORY: RefCell<Memory> = RefCell::new(Memory::default());
}

struct Memory {
    stemmer: frostem::Stemmer,
    stems: HashMap<Box<str>, Box<str>, BuildHasherDefault<WordHasher>>,
}

/// A hash for short words (FxHash's multiply-rotate): the memory is looked up once per word of
/// every passage indexed, where the standard SipHash costs more than the lookup. Not for keys
/// an adversary chooses to collide; a slow corpus is the worst they could make.
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Default for Memory {
    fn default() -> Self {
        Memory {
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            stems: HashMap::default(),
        }
    }
}

/// Replaces `word` (lower case, folded) by its English stem, in place.
fn stem_in_place(word: &mut String) {
    MEMORY.with(|m| {
        let mut m = m.borrow_mut();
        if let Some(s) = m.stems.get(word.as_str()) {
            if **s != **word {
                word.clear();
                word.push_str(s);
            }
            return;
        }
        let stem: Box<str> = m.stemmer.stem(word).into();
        if m.stems.len() >= REMEMBERED_WORDS {
            m.stems.clear();
        }
        m.stems.insert(word.as_str().into(), stem.clone());
        word.clear();
        word.push_str(&stem);
    });
}

/// The token filter: English stems, remembered per thread.
#[derive(Clone, Copy, Debug, Default)]
pub struct EnglishStemmer;

impl TokenFilter for EnglishStemmer {
    type Tokenizer<T: Tokenizer> = StemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> StemmerFilter<T> {
        StemmerFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct StemmerFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for StemmerFilter<T> {
    type TokenStream<'a> = StemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemmerStream {
            tail: self.inner.token_stream(text),
        }
    }
}

pub struct StemmerStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for StemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        stem_in_place(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{
        AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
        TextAnalyzer,
    };

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

    #[test]
    fn same_tokens_as_tantivys_stemmer_first_time_and_remembered() {
        let base = || {
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(40))
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
        };
        let mut theirs = base().filter(Stemmer::new(Language::English)).build();
        let mut ours = base().filter(EnglishStemmer).build();
        let text = "Repatriated repatriation REPATRIATES, café naïve border-crossers 1962 x \
                    generously running runs ran sky skies dying lying news Ivan Petrov's";
        let expected = tokens(&mut theirs, text);
        assert!(expected.iter().any(|t| t.3 == "repatri"));
        assert_eq!(tokens(&mut ours, text), expected);
        assert_eq!(
            tokens(&mut ours, text),
            expected,
            "the second time, remembered"
        );
    }

    #[test]
    fn memory_is_bounded() {
        for i in 0..REMEMBERED_WORDS + 10 {
            let mut w = format!("word{i}s");
            stem_in_place(&mut w);
        }
        let n = MEMORY.with(|m| m.borrow().stems.len());
        assert!(n <= REMEMBERED_WORDS, "{n} words remembered");
        let mut w = "generously".to_string();
        stem_in_place(&mut w);
        assert_eq!(w, "generous");
    }
}
