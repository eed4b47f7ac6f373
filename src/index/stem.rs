//! The English stemmer of the analyzer, with a memory: each thread remembers the stem of every
//! word it has stemmed.
//!
//! Snowball stemming is the dearest step of analysing text (about a quarter of an index build, and
//! most of cutting quotes), while a corpus of transcripts uses a few tens of thousands of distinct
//! words over and over. The output is the Snowball English stemmer's, the algorithm tantivy's own
//! `Stemmer` runs (the tests of [`super::tokens`], the analyzer that calls this, compare the two),
//! and the question and the passages are analysed alike because both go through
//! [`super::schema::analyzer`].

use std::cell::RefCell;

use crate::hash::WordMap;

/// Distinct words one thread remembers; past that it forgets them all and starts over, so memory
/// stays bounded whatever the corpus (~100,000 short strings: a few MB per thread).
const REMEMBERED_WORDS: usize = 100_000;

thread_local! {
    static MEMORY: RefCell<Memory> = RefCell::new(Memory::default());
}

struct Memory {
    stemmer: frostem::Stemmer,
    /// Word → its stem; `None` when the stem is the word itself (most words of a text), which
    /// then costs no copy.
    stems: WordMap<Box<str>, Option<Box<str>>>,
}

impl Default for Memory {
    fn default() -> Self {
        Memory {
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            stems: WordMap::default(),
        }
    }
}

/// Replaces `word` (lower case, folded) by its English stem, in place.
pub(super) fn stem_in_place(word: &mut String) {
    MEMORY.with(|m| {
        let mut m = m.borrow_mut();
        match m.stems.get(word.as_str()) {
            Some(None) => return,
            Some(Some(s)) => {
                word.clear();
                word.push_str(s);
                return;
            }
            None => {}
        }
        let stem = m.stemmer.stem(word);
        let other = (*stem != **word).then(|| Box::<str>::from(&*stem));
        if m.stems.len() >= REMEMBERED_WORDS {
            m.stems.clear();
        }
        m.stems.insert(word.as_str().into(), other.clone());
        if let Some(s) = other {
            word.clear();
            word.push_str(&s);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

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
