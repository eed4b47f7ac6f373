//! Name variants a document gives itself: a bracketed gloss after a name, as translators write
//! them — `Wulumuqi [Urumqi]`, `Jeong Pung-gye [Jong Phung Gye]` — says the two spellings name
//! the same place or person. [`glosses`] finds them in a document's passages at index time; the
//! search treats the two spellings as one search term (`crate::search::derived`), so a student
//! who types either finds the passages that use the other.
//!
//! Brackets also hold editorial insertions that are not variants: `[sic]`, `[...]`, a name
//! completed (`Vice Minister Zhang [Hanfu's]`), a pronoun explained (`told China
//! [Chervonenko]`), a title named (`the Ambassador [Stepan]`). A pair is kept only when it has
//! the shape of a gloss: both sides capitalised words with as many parts (at most
//! [`MAX_WORDS`] words), no digits, no possessive, the name before the bracket not an English word
//! (WordNet's, [`crate::lexicon::is_common_word`]), and the bracket not naming one of the
//! document's speakers the words before it do not name.

use super::{Document, Speaker};

/// The most words on either side of a gloss.
pub const MAX_WORDS: usize = 4;

/// The longest bracket read as a gloss, in bytes.
const MAX_BRACKET: usize = 80;

/// The (name, gloss) pairs of `doc`, in order of first appearance, each once.
pub fn glosses(doc: &Document) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for p in &doc.passages {
        for pair in in_text(&p.text) {
            if !insertion(&pair, &doc.speakers) && !out.contains(&pair) {
                out.push(pair);
            }
        }
    }
    out
}

/// The pairs of `text` that have the shape of a gloss (speakers not yet considered).
fn in_text(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(open) = text[rest..].find('[').map(|i| rest + i) {
        let Some(close) = text[open..].find(']').map(|i| open + i) else {
            break;
        };
        rest = close + 1;
        let inner = text[open + 1..close].trim();
        if inner.is_empty() || inner.len() > MAX_BRACKET {
            continue;
        }
        let gloss: Vec<&str> = inner.split_whitespace().collect();
        if gloss.len() > MAX_WORDS || !gloss.iter().all(|w| name_word(w)) {
            continue;
        }
        let before: Vec<&str> = text[..open].split_whitespace().collect();
        // The name is the run of words before the bracket with as many parts as the gloss
        // (`Pung-gye` and `Phung Gye` both have two).
        let Some(k) = (1..=MAX_WORDS.min(before.len()))
            .find(|&k| parts(&before[before.len() - k..]) == parts(&gloss))
        else {
            continue;
        };
        let name = &before[before.len() - k..];
        if !name.iter().all(|w| name_word(w)) {
            continue;
        }
        // `Vice Minister [Zhang Hanfu]`, `China [Chervonenko]`: a title or an English word
        // explained, not a name spelled another way.
        if name.iter().any(|w| crate::lexicon::is_common_word(w)) {
            continue;
        }
        let (name, gloss) = (name.join(" "), gloss.join(" "));
        if !name.eq_ignore_ascii_case(&gloss) {
            out.push((name, gloss));
        }
    }
    out
}

/// How many parts some words have, counting the pieces of hyphenated ones.
fn parts(words: &[&str]) -> usize {
    words.iter().map(|w| w.split('-').count()).sum()
}

/// A word that can be part of a name: capitalised, letters with inner hyphens or apostrophes,
/// not a possessive, not `sic`.
fn name_word(w: &str) -> bool {
    let mut chars = w.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    first.is_uppercase()
        && w.chars()
            .all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '’')
        && !w.ends_with('-')
        && !w.ends_with("'s")
        && !w.ends_with("’s")
        && !w.eq_ignore_ascii_case("sic")
}

/// Whether the bracket names (part of) a speaker that the words before it do not stand for: a
/// name completed or a reference explained, not another spelling.
fn insertion((name, gloss): &(String, String), speakers: &[Speaker]) -> bool {
    let words = |s: &str| -> Vec<String> { s.split_whitespace().map(str::to_lowercase).collect() };
    let (name, gloss) = (words(name), words(gloss));
    speakers.iter().any(|s| {
        let known: Vec<String> = std::iter::once(s.name.as_str())
            .chain(s.labels.iter().map(String::as_str))
            .flat_map(words)
            .collect();
        let names_it = |ws: &[String]| ws.iter().all(|w| known.contains(w));
        names_it(&gloss) && (!names_it(&name) || name.iter().any(|w| gloss.contains(w)))
            || (names_it(&name) && names_it(&gloss))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        in_text(text)
    }

    fn p(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn glosses_after_names_are_read() {
        assert_eq!(
            pairs("people in Daluokan [Tolqyn] and Baishan [Aqtoghay] County left"),
            [p("Daluokan", "Tolqyn"), p("Baishan", "Aqtoghay")]
        );
        assert_eq!(
            pairs("Kim Pak Hyon-chol [Bak Hyeon Cheol] said"),
            [p("Pak Hyon-chol", "Bak Hyeon Cheol")]
        );
    }

    #[test]
    fn editorial_brackets_are_not_glosses() {
        for t in [
            "Comrade Pa-li-ko-fu [sic], Director",
            "Extremely Urgent [...]",
            "told China [Kovalenko] that",
            "the Vice Minister [Wang Dongfu] said",
            "Vice Minister Wang [Dongfu's] reply",
            "on 29 April [1962]",
            "the [Soviet] side",
            "an unclosed [bracket",
            "Ambassador [Pavel]",
        ] {
            assert_eq!(pairs(t), [], "{t}");
        }
    }

    #[test]
    fn a_bracket_naming_a_speaker_is_an_insertion() {
        let wang = Speaker {
            name: "Wang Dongfu".into(),
            label: "Wang".into(),
            labels: vec!["Wang".into()],
            role: None,
            turns: 1,
        };
        let ri = Speaker {
            name: "Ri Song-gye".into(),
            label: "Ri".into(),
            labels: vec!["Ri".into()],
            role: None,
            turns: 1,
        };
        let speakers = [wang, ri];
        assert!(insertion(&p("Wang", "Dongfu"), &speakers));
        assert!(insertion(&p("Kiryluk", "Wang Dongfu"), &speakers));
        assert!(!insertion(
            &p("Pak Hyon-chol", "Bak Hyeon Cheol"),
            &speakers
        ));
        assert!(!insertion(&p("Daluokan", "Tolqyn"), &speakers));
    }
}
