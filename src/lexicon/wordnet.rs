//! WordNet 3.0, shipped in the binary (`assets/wordnet/wordnet.bin`, made by
//! `tools/wordnet/build.py` from Princeton's database files; its format is documented there).
//! Nothing is parsed at start: the file is a set of sorted, offset-indexed arrays read in place,
//! so opening it costs a few slice operations and a lookup is a binary search.

use std::sync::OnceLock;

static DATA: &[u8] = include_bytes!("../../assets/wordnet/wordnet.bin");

/// Part of speech of a synset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pos {
    Noun,
    Verb,
    Adj,
    Adv,
}

/// A WordNet pointer between synsets (or between words, for the lexical ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rel {
    Hypernym = 1,
    Hyponym = 2,
    InstanceOf = 3,
    HasInstance = 4,
    SimilarTo = 5,
    AlsoSee = 6,
    VerbGroup = 7,
    Attribute = 8,
    Derivation = 9,
    Pertainym = 10,
    Participle = 11,
    /// A word of opposite meaning (`accept` / `reject`), between words.
    Antonym = 12,
}

impl Rel {
    fn from_kind(k: u32) -> Option<Rel> {
        use Rel::*;
        Some(match k {
            1 => Hypernym,
            2 => Hyponym,
            3 => InstanceOf,
            4 => HasInstance,
            5 => SimilarTo,
            6 => AlsoSee,
            7 => VerbGroup,
            8 => Attribute,
            9 => Derivation,
            10 => Pertainym,
            11 => Participle,
            12 => Antonym,
            _ => return None,
        })
    }
}

/// Synset flags: under `location` or `structure`.
pub const PLACE: u32 = 1;
/// Synset flag: under `person`.
pub const PERSON: u32 = 2;

/// One array of little-endian u32s within the file.
#[derive(Clone, Copy)]
struct U32s(&'static [u8]);

impl U32s {
    fn get(&self, i: usize) -> u32 {
        let b = &self.0[i * 4..i * 4 + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }
    fn len(&self) -> usize {
        self.0.len() / 4
    }
}

/// A list stored as offsets into a flat array: item `i` is `flat[offsets[i]..offsets[i+1]]`.
#[derive(Clone, Copy)]
struct Lists {
    offsets: U32s,
    flat: U32s,
}

impl Lists {
    fn of(&self, i: usize) -> impl Iterator<Item = u32> + '_ {
        let (a, b) = (
            self.offsets.get(i) as usize,
            self.offsets.get(i + 1) as usize,
        );
        (a..b).map(move |j| self.flat.get(j))
    }
}

/// The database, read in place.
pub struct WordNet {
    words: usize,
    word_offsets: U32s,
    word_text: &'static [u8],
    senses: Lists,
    /// Parallel to `senses.flat`: how often each sense was tagged in WordNet's concordance.
    sense_counts: U32s,
    lex: Lists,
    synset_info: U32s,
    members: Lists,
    ptrs: Lists,
    exceptions: U32s,
}

/// A word of the database (its id).
pub type WordId = u32;
/// A synset of the database (its id).
pub type SynsetId = u32;

/// The database shipped with the binary.
pub fn wordnet() -> &'static WordNet {
    static WN: OnceLock<WordNet> = OnceLock::new();
    WN.get_or_init(|| {
        WordNet::read(DATA).expect("the WordNet file shipped with the binary is valid")
    })
}

impl WordNet {
    fn read(data: &'static [u8]) -> Option<WordNet> {
        if data.get(..4)? != b"WNA2" {
            return None;
        }
        let counts = U32s(data.get(4..32)?);
        let n = |i| counts.get(i) as usize;
        let (words, synsets, lex, senses, members, ptrs, exc) =
            (n(0), n(1), n(2), n(3), n(4), n(5), n(6));
        let mut at = 32;
        let mut take = |count: usize| -> Option<U32s> {
            let s = data.get(at..at + count * 4)?;
            at += count * 4;
            Some(U32s(s))
        };
        let word_offsets = take(words + 1)?;
        let text_len = word_offsets.get(words) as usize;
        let word_text = data.get(at..at + text_len)?;
        at += text_len.div_ceil(4) * 4;
        let mut take = |count: usize| -> Option<U32s> {
            let s = data.get(at..at + count * 4)?;
            at += count * 4;
            Some(U32s(s))
        };
        let senses_list = Lists {
            offsets: take(words + 1)?,
            flat: take(senses)?,
        };
        let sense_counts = take(senses)?;
        let lex = Lists {
            offsets: take(words + 1)?,
            flat: take(lex)?,
        };
        let synset_info = take(synsets)?;
        let members = Lists {
            offsets: take(synsets + 1)?,
            flat: take(members)?,
        };
        let ptrs = Lists {
            offsets: take(synsets + 1)?,
            flat: take(ptrs)?,
        };
        let exceptions = take(exc * 2)?;
        Some(WordNet {
            words,
            word_offsets,
            word_text,
            senses: senses_list,
            sense_counts,
            lex,
            synset_info,
            members,
            ptrs,
            exceptions,
        })
    }

    /// A word's text (lower case; multi-word lemmas with spaces).
    pub fn word(&self, id: WordId) -> &'static str {
        let (a, b) = (
            self.word_offsets.get(id as usize) as usize,
            self.word_offsets.get(id as usize + 1) as usize,
        );
        std::str::from_utf8(&self.word_text[a..b]).unwrap_or("")
    }

    /// The id of a word as WordNet writes it (lower case, spaces between words).
    pub fn id(&self, word: &str) -> Option<WordId> {
        let (mut lo, mut hi) = (0usize, self.words);
        let key = word.as_bytes();
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.word(mid as u32).as_bytes().cmp(key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid as u32),
            }
        }
        None
    }

    /// A word's senses, most frequent first (all parts of speech).
    pub fn senses(&self, id: WordId) -> impl Iterator<Item = SynsetId> + '_ {
        self.senses.of(id as usize)
    }

    /// A word's senses with how often each was tagged in WordNet's concordance (0 for most rare
    /// senses), in WordNet's order.
    pub fn counted_senses(&self, id: WordId) -> impl Iterator<Item = (SynsetId, u32)> + '_ {
        let (a, b) = (
            self.senses.offsets.get(id as usize) as usize,
            self.senses.offsets.get(id as usize + 1) as usize,
        );
        (a..b).map(move |j| (self.senses.flat.get(j), self.sense_counts.get(j)))
    }

    /// Does WordNet know this word as a lemma with a meaning (not only as an inflected form)?
    pub fn has_senses(&self, id: WordId) -> bool {
        self.senses(id).next().is_some()
    }

    /// The words related to this one by lexical pointers (derivations, pertainyms …).
    pub fn lexical(&self, id: WordId) -> impl Iterator<Item = (Rel, WordId)> + '_ {
        self.lex
            .of(id as usize)
            .filter_map(|x| Some((Rel::from_kind(x >> 28)?, x & 0x0fff_ffff)))
    }

    pub fn pos(&self, s: SynsetId) -> Pos {
        match self.synset_info.get(s as usize) & 0xff {
            0 => Pos::Noun,
            1 => Pos::Verb,
            2 => Pos::Adj,
            _ => Pos::Adv,
        }
    }

    /// [`PLACE`] and [`PERSON`] flags of a synset.
    pub fn flags(&self, s: SynsetId) -> u32 {
        (self.synset_info.get(s as usize) >> 8) & 0xff
    }

    /// The lexicographer file the synset belongs to (WordNet's `lexnames`: 31
    /// verb.cognition, 32 verb.communication, 41 verb.social …).
    pub fn lexfile(&self, s: SynsetId) -> u32 {
        self.synset_info.get(s as usize) >> 16
    }

    pub fn members(&self, s: SynsetId) -> impl Iterator<Item = WordId> + '_ {
        self.members.of(s as usize)
    }

    pub fn pointers(&self, s: SynsetId) -> impl Iterator<Item = (Rel, SynsetId)> + '_ {
        self.ptrs
            .of(s as usize)
            .filter_map(|x| Some((Rel::from_kind(x >> 28)?, x & 0x0fff_ffff)))
    }

    /// The irregular base forms of an inflected word (`fled` → `flee`).
    fn exception_bases(&self, form: WordId) -> impl Iterator<Item = WordId> + '_ {
        let n = self.exceptions.len() / 2;
        let pair = move |i: usize| (self.exceptions.get(2 * i), self.exceptions.get(2 * i + 1));
        let start = {
            let (mut lo, mut hi) = (0, n);
            while lo < hi {
                let mid = (lo + hi) / 2;
                if pair(mid).0 < form {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            lo
        };
        (start..n)
            .map(pair)
            .take_while(move |(f, _)| *f == form)
            .map(|(_, b)| b)
    }

    /// The lemmas a word may be an inflection of — WordNet's "morphy": the word itself when it
    /// is a lemma, its irregular base forms, and the regular suffix rules (`steps` → `step`,
    /// `crossed` → `cross`, `bigger` → `big`) where they give a lemma. Lower-case input.
    pub fn base_forms(&self, word: &str) -> Vec<WordId> {
        let mut out: Vec<WordId> = Vec::new();
        let push = |id: WordId, out: &mut Vec<WordId>| {
            if !out.contains(&id) {
                out.push(id);
            }
        };
        if let Some(id) = self.id(word) {
            for b in self.exception_bases(id) {
                push(b, &mut out);
            }
            if self.has_senses(id) {
                push(id, &mut out);
            }
        }
        for (suffix, with) in SUFFIX_RULES {
            if let Some(stem) = word.strip_suffix(suffix) {
                if stem.is_empty() {
                    continue;
                }
                let base = format!("{stem}{with}");
                if let Some(id) = self.id(&base).filter(|&id| self.has_senses(id)) {
                    push(id, &mut out);
                }
            }
        }
        // A doubled consonant before -ed, -ing, -er, -est (`stopped`, `bigger`).
        for suffix in ["ed", "ing", "er", "est"] {
            if let Some(stem) = word.strip_suffix(suffix) {
                let b = stem.as_bytes();
                if b.len() >= 3 && b[b.len() - 1] == b[b.len() - 2] {
                    if let Some(id) = self
                        .id(&stem[..stem.len() - 1])
                        .filter(|&id| self.has_senses(id))
                    {
                        push(id, &mut out);
                    }
                }
            }
        }
        out
    }
}

/// WordNet's detachment rules for regular inflections (nouns, verbs, adjectives).
const SUFFIX_RULES: &[(&str, &str)] = &[
    ("s", ""),
    ("ses", "s"),
    ("xes", "x"),
    ("zes", "z"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("men", "man"),
    ("ies", "y"),
    ("es", "e"),
    ("es", ""),
    ("ed", "e"),
    ("ed", ""),
    ("ing", "e"),
    ("ing", ""),
    ("er", ""),
    ("est", ""),
    ("er", "e"),
    ("est", "e"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_senses_and_relations_read_in_place() {
        let wn = wordnet();
        let memo = wn.id("memo").expect("memo");
        let synonyms: Vec<&str> = wn
            .senses(memo)
            .flat_map(|s| wn.members(s))
            .map(|w| wn.word(w))
            .collect();
        assert!(synonyms.contains(&"memorandum"), "{synonyms:?}");
        let put_off = wn.id("put off").expect("multi-word lemmas");
        assert!(wn
            .senses(put_off)
            .flat_map(|s| wn.members(s))
            .any(|w| wn.word(w) == "postpone"));
        let repatriate = wn.id("repatriate").unwrap();
        assert!(wn
            .lexical(repatriate)
            .any(|(r, w)| r == Rel::Derivation && wn.word(w) == "repatriation"));
        assert!(wn.id("zzzz-not-a-word").is_none());
    }

    #[test]
    fn base_forms_undo_inflections() {
        let wn = wordnet();
        let base =
            |w: &str| -> Vec<&str> { wn.base_forms(w).into_iter().map(|i| wn.word(i)).collect() };
        assert!(base("steps").contains(&"step"));
        assert!(base("fled").contains(&"flee"));
        assert!(base("crossed").contains(&"cross"));
        assert!(base("bigger").contains(&"big"));
        assert!(base("stopped").contains(&"stop"));
        assert!(base("children").contains(&"child"));
        assert!(base("qqqq").is_empty());
    }

    #[test]
    fn places_and_people_are_flagged() {
        let wn = wordnet();
        let flagged = |w: &str, f: u32| wn.senses(wn.id(w).unwrap()).any(|s| wn.flags(s) & f != 0);
        assert!(flagged("city", PLACE));
        assert!(flagged("room", PLACE));
        assert!(flagged("diplomat", PERSON));
        assert!(!flagged("border", PERSON));
    }
}
