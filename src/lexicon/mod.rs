//! A general lexical resource: WordNet 3.0 ([`wordnet`]), shipped inside the binary, read in
//! place. It knows English, not the corpus: which words are common English words (a label like
//! `Venue` is one, `Mesyatsev` is not), which words are places or people, and the words related
//! to a word — synonyms, derivations (`repatriate` → `repatriation`), similar adjectives
//! (`massive` → `big`), the word a phrasal verb stands for (`put off` → `postpone`), and more
//! general words (`envoy` → `representative`; not those near the top of the hierarchy, which
//! say almost nothing: `part` → `relation`, `send` → `move`). More specific words and siblings
//! under a common general word (`shocked` → `astonished`) were tried and left out: on the dev
//! questions they brought more wrong passages than right ones (`meeting` → `cross`, `nothing` →
//! `normality`).
//!
//! What a paraphrase is worth is the search's business (`search::weights`); this module only
//! says how a word is related.

pub mod wordnet;

use wordnet::{wordnet, Pos, Rel, SynsetId, WordId};

/// How a related word is related.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Via {
    /// In the same synset (`memo` / `memorandum`).
    Synonym,
    /// A morphological relative (`repatriate` / `repatriation`, `recent` / `recently`).
    Derived,
    /// A similar adjective or a verb of the same group (`massive` / `big`).
    Similar,
    /// A more general word (`envoy` → `representative`, `go back` → `return`).
    Broader,
    /// A word of opposite meaning (`reject` / `accept`): it stands for the word only where a
    /// negation comes before it (`do not accept`).
    Opposite,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Synonym => "synonym",
            Via::Derived => "derived",
            Via::Similar => "similar",
            Via::Broader => "broader",
            Via::Opposite => "opposite",
        }
    }
}

/// A word related to the one asked about.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    /// The related lemma, lower case (multi-word lemmas with spaces).
    pub word: &'static str,
    pub via: Via,
    /// The rank of the sense it came through (0: the word's most frequent sense).
    pub sense: u8,
}

/// Senses of a word looked at, per part of speech (rarer senses give more noise than help).
const SENSES: usize = 3;
/// Senses whose broader words are looked at.
const NEAR_SENSES: usize = 2;

/// Words related to `word` (lower case, one word or a multi-word lemma such as `put off`), each
/// once with its closest relation, closest first. Inflected forms are looked up by their
/// lemmas (`steps` → `step`). Unknown words give nothing.
pub fn related(word: &str) -> Vec<Related> {
    related_as(word, None)
}

/// How the question uses a word, as far as its neighbours tell: "doesn't *work*" is a verb,
/// "the *work*" is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Usage {
    Verb,
    NotVerb,
}

/// Like [`related`], through the senses that fit `usage` only (derivations come from the word
/// whatever its use).
pub fn related_as(word: &str, usage: Option<Usage>) -> Vec<Related> {
    let wn = wordnet();
    let mut out: Vec<Related> = Vec::new();
    let bases = wn.base_forms(word);
    for &base in &bases {
        for (rel, w) in wn.lexical(base) {
            if matches!(rel, Rel::Derivation | Rel::Pertainym | Rel::Participle) {
                add(&mut out, &bases, w, Via::Derived, 0);
            } else if rel == Rel::Antonym && negation_equivalent(base, w) {
                add(&mut out, &bases, w, Via::Opposite, 0);
            }
        }
        let fits = |s: SynsetId| match usage {
            None => true,
            Some(Usage::Verb) => wn.pos(s) == Pos::Verb,
            Some(Usage::NotVerb) => wn.pos(s) != Pos::Verb,
        };
        for (s, rank) in ranked_senses_where(base, fits) {
            for m in wn.members(s) {
                add(&mut out, &bases, m, Via::Synonym, rank);
            }
            for (rel, t) in wn.pointers(s) {
                let via = match rel {
                    Rel::SimilarTo | Rel::AlsoSee | Rel::VerbGroup => Via::Similar,
                    Rel::Hypernym if (rank as usize) < NEAR_SENSES && !too_general(t) => {
                        Via::Broader
                    }
                    _ => continue,
                };
                for m in wn.members(t) {
                    add(&mut out, &bases, m, via, rank);
                }
            }
        }
    }
    out.sort_by_key(|r| (r.via, r.sense));
    out
}

/// Is this a common English word (a lemma with a meaning in WordNet, or an inflection of one),
/// as opposed to a name? `Venue` is, `Kiryluk` is not.
pub fn is_common_word(word: &str) -> bool {
    let lower = word.to_lowercase();
    !wordnet().base_forms(&lower).is_empty()
}

/// Does WordNet know this word (any of its lemmas) as a place — a location or a structure?
pub fn is_place_word(word: &str) -> bool {
    has_flag(word, wordnet::PLACE)
}

/// Does WordNet know this word as a kind of person (`envoy`, `official`, `director`)?
pub fn is_person_word(word: &str) -> bool {
    has_flag(word, wordnet::PERSON)
}

fn has_flag(word: &str, flag: u32) -> bool {
    let wn = wordnet();
    let lower = word.to_lowercase();
    wn.base_forms(&lower).into_iter().any(|b| {
        ranked_senses(b)
            .filter(|(s, _)| wn.pos(*s) == Pos::Noun)
            .take(NEAR_SENSES)
            .any(|(s, _)| wn.flags(s) & flag != 0)
    })
}

/// A sense is looked at when tagged at least this share as often as the word's most frequent
/// sense (`fence` the barrier, 32 times, not `fence` the receiver of stolen goods, once).
const MIN_SENSE_SHARE: f32 = 0.2;
/// Fewer tags than this say nothing about which senses are common.
const MIN_TAGS: u32 = 3;

/// A word's senses worth looking at, with their rank (0: the most frequent). Where WordNet's
/// concordance counted the word's senses, the frequent ones in order of frequency; otherwise
/// the first [`SENSES`] of each part of speech.
fn ranked_senses(w: WordId) -> impl Iterator<Item = (SynsetId, u8)> {
    ranked_senses_where(w, |_| true)
}

/// [`ranked_senses`] among the senses that `fits` keeps.
fn ranked_senses_where(
    w: WordId,
    fits: impl Fn(SynsetId) -> bool,
) -> impl Iterator<Item = (SynsetId, u8)> {
    let wn = wordnet();
    let mut counted: Vec<(SynsetId, u32)> =
        wn.counted_senses(w).filter(|(s, _)| fits(*s)).collect();
    let max = counted.iter().map(|(_, c)| *c).max().unwrap_or(0);
    let picked: Vec<(SynsetId, u8)> = if max >= MIN_TAGS {
        counted.retain(|(_, c)| *c as f32 >= MIN_SENSE_SHARE * max as f32);
        counted.sort_by_key(|(_, c)| std::cmp::Reverse(*c));
        counted
            .into_iter()
            .take(SENSES)
            .enumerate()
            .map(|(i, (s, _))| (s, i as u8))
            .collect()
    } else {
        let mut seen = [0u8; 4];
        counted
            .into_iter()
            .filter_map(|(s, _)| {
                let p = wn.pos(s) as usize;
                let rank = seen[p];
                seen[p] = seen[p].saturating_add(1);
                ((rank as usize) < SENSES).then_some((s, rank))
            })
            .collect()
    };
    picked.into_iter()
}

/// Whether "not <opposite>" says what the word says, so that the opposite after a negation can
/// stand for it: a word and its negative form (`legal` / `illegal`, `agree` / `disagree`), or
/// two verbs of thinking, saying or dealing with others (`reject` / `accept`, `deny` / `admit`,
/// `fail` / `succeed`). Opposites of motion, change or possession are not (`rise` / `fall`,
/// `start` / `stop`, `take` / `give`: "did not fall" does not say "rose").
fn negation_equivalent(word: WordId, opposite: WordId) -> bool {
    let wn = wordnet();
    let (a, b) = (wn.word(word), wn.word(opposite));
    let negative_form = |x: &str, y: &str| {
        NEGATIVE_PREFIXES
            .iter()
            .any(|p| x.strip_prefix(p).is_some_and(|rest| rest == y))
    };
    if negative_form(a, b) || negative_form(b, a) {
        return true;
    }
    let mental_verb = |w: WordId| {
        ranked_senses(w)
            .find(|(s, _)| wn.pos(*s) == Pos::Verb)
            .is_some_and(|(s, _)| MENTAL_VERB_FILES.contains(&wn.lexfile(s)))
    };
    mental_verb(word) && mental_verb(opposite)
}

/// Prefixes that make a word's negative (`il`legal, `dis`agree, `un`friendly).
const NEGATIVE_PREFIXES: &[&str] = &["un", "in", "im", "il", "ir", "dis", "non", "non-", "mis"];

/// WordNet's lexicographer files of verbs of cognition (31), communication (32), emotion (37),
/// perception (39) and social dealings (41).
const MENTAL_VERB_FILES: &[u32] = &[31, 32, 37, 39, 41];

/// How far synset `s` stands below the top of WordNet's hierarchy: the fewest `Hypernym` (or
/// instance-of) steps to a synset that has none. `entity` is 0, `relation` 2, `flight` 6.
pub(crate) fn depth(s: SynsetId) -> usize {
    let wn = wordnet();
    let mut level = vec![s];
    for d in 0..MAX_DEPTH {
        let mut next = Vec::new();
        for &x in &level {
            let up: Vec<SynsetId> = wn
                .pointers(x)
                .filter(|(r, _)| matches!(r, Rel::Hypernym | Rel::InstanceOf))
                .map(|(_, t)| t)
                .collect();
            if up.is_empty() {
                return d;
            }
            next.extend(up);
        }
        next.sort_unstable();
        next.dedup();
        level = next;
    }
    MAX_DEPTH
}

/// A broader word this near the top of the hierarchy says almost nothing (`part` → `relation`,
/// `people` → `group`, `send` → `move`, `border` → `meet`): nouns above depth
/// [`MIN_NOUN_DEPTH`], verbs at the top of theirs.
fn too_general(s: SynsetId) -> bool {
    match wordnet().pos(s) {
        Pos::Noun => depth(s) < MIN_NOUN_DEPTH,
        Pos::Verb => depth(s) == 0,
        _ => false,
    }
}

/// Broader nouns are kept from this depth on (`personnel` for `staff` is 5, `gathering` for
/// `meeting` 4, `relation` for `part` 2).
const MIN_NOUN_DEPTH: usize = 5;

/// WordNet's hierarchy is at most this deep (nouns reach about 20).
const MAX_DEPTH: usize = 32;

fn add(out: &mut Vec<Related>, bases: &[WordId], w: WordId, via: Via, sense: u8) {
    if bases.contains(&w) {
        return;
    }
    let word = wordnet().word(w);
    match out.iter_mut().find(|r| r.word == word) {
        Some(r) if (via, sense) < (r.via, r.sense) => {
            r.via = via;
            r.sense = sense;
        }
        Some(_) => {}
        None => out.push(Related { word, via, sense }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broader_words_near_the_top_of_the_hierarchy_are_left_out() {
        let broader = |w: &str| -> Vec<&'static str> {
            related(w)
                .into_iter()
                .filter(|r| r.via == Via::Broader)
                .map(|r| r.word)
                .collect()
        };
        assert!(
            broader("staff").contains(&"personnel"),
            "{:?}",
            broader("staff")
        );
        assert!(
            !broader("part").contains(&"relation"),
            "{:?}",
            broader("part")
        );
        assert!(
            !broader("people").contains(&"group"),
            "{:?}",
            broader("people")
        );
        assert!(!broader("send").contains(&"move"), "{:?}", broader("send"));
    }

    #[test]
    fn a_verb_takes_the_paraphrases_of_its_verb_senses() {
        let words =
            |u| -> Vec<&str> { related_as("work", u).into_iter().map(|r| r.word).collect() };
        assert!(words(None).contains(&"activity"), "{:?}", words(None));
        assert!(
            !words(Some(Usage::Verb)).contains(&"activity"),
            "{:?}",
            words(Some(Usage::Verb))
        );
        assert!(words(Some(Usage::NotVerb)).contains(&"activity"));
        assert!(
            !words(Some(Usage::NotVerb)).contains(&"act"),
            "{:?}",
            words(Some(Usage::NotVerb))
        );
    }

    #[test]
    fn opposites_are_their_own_relation() {
        let opposite = |w: &str, o: &'static str| rel(w).contains(&(o, Via::Opposite));
        assert!(opposite("reject", "accept"), "{:?}", rel("reject"));
        assert!(opposite("deny", "admit"), "{:?}", rel("deny"));
        assert!(opposite("legal", "illegal"), "{:?}", rel("legal"));
        // "did not fall" does not say "rose", nor "did not stop" "started".
        for w in ["rise", "start", "take", "increase"] {
            assert!(
                !rel(w).iter().any(|(_, v)| *v == Via::Opposite),
                "{w}: {:?}",
                rel(w)
            );
        }
    }

    fn rel(word: &str) -> Vec<(&'static str, Via)> {
        related(word).into_iter().map(|r| (r.word, r.via)).collect()
    }

    fn has(word: &str, other: &str, via: Via) -> bool {
        rel(word).contains(&(other, via))
    }

    #[test]
    fn paraphrases_of_the_kinds_students_use() {
        assert!(has("memo", "memorandum", Via::Synonym));
        assert!(has("steps", "measure", Via::Synonym), "{:?}", rel("steps"));
        assert!(has("put off", "postpone", Via::Synonym));
        assert!(has("back up", "support", Via::Synonym));
        assert!(has("repatriate", "repatriation", Via::Derived));
        assert!(has("massive", "big", Via::Similar));
        assert!(has("envoy", "representative", Via::Broader));
        assert!(has("exodus", "flight", Via::Broader));
        assert!(has("go back", "return", Via::Broader));
        assert!(related("qqqq").is_empty());
        assert!(!rel("return").iter().any(|(w, _)| *w == "return"));
    }

    #[test]
    fn common_words_places_and_people() {
        for w in ["Venue", "Abstract", "Attendees", "Received", "Interpreter"] {
            assert!(is_common_word(w), "{w}");
        }
        for w in ["Kiryluk", "Sudarikov", "Qqqq"] {
            assert!(!is_common_word(w), "{w}");
        }
        assert!(is_place_word("hall") && is_place_word("cities"));
        assert!(is_person_word("officials") && is_person_word("envoy"));
        assert!(!is_place_word("grain") && !is_person_word("grain"));
    }
}
