//! Question understanding: a question in plain English → the content words to search, the
//! speakers it asks about (and whether it asks what they *said*), a document id and a date.
//!
//! Nothing here can fail: any input gives a (possibly empty) [`Understood`].

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::corpus::date::PartialDate;
use crate::index::schema::name_key;

/// Words that carry no content in a question.
const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "if",
    "of",
    "at",
    "by",
    "for",
    "with",
    "about",
    "against",
    "between",
    "into",
    "through",
    "during",
    "before",
    "after",
    "above",
    "below",
    "to",
    "from",
    "up",
    "down",
    "in",
    "out",
    "on",
    "off",
    "over",
    "under",
    "again",
    "further",
    "then",
    "once",
    "here",
    "there",
    "when",
    "where",
    "why",
    "how",
    "all",
    "any",
    "both",
    "each",
    "few",
    "more",
    "most",
    "other",
    "some",
    "such",
    "no",
    "nor",
    "not",
    "only",
    "own",
    "same",
    "so",
    "than",
    "too",
    "very",
    "can",
    "will",
    "just",
    "should",
    "now",
    "is",
    "am",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
    "doing",
    "done",
    "i",
    "me",
    "my",
    "myself",
    "we",
    "our",
    "ours",
    "you",
    "your",
    "yours",
    "he",
    "him",
    "his",
    "she",
    "her",
    "hers",
    "it",
    "its",
    "they",
    "them",
    "their",
    "theirs",
    "what",
    "which",
    "who",
    "whom",
    "whose",
    "this",
    "that",
    "these",
    "those",
    "would",
    "could",
    "as",
    "until",
    "while",
    "also",
    "ever",
    "s",
    "t",
    "d",
    "ll",
    "re",
    "ve",
    "m",
    "let",
    "lets",
    "please",
    "any",
    "anything",
    "something",
    "thing",
    "things",
    "much",
    "many",
    "way",
];

/// Words that frame a question ("what did X say about …") rather than name its subject.
const SCAFFOLD: &[&str] = &[
    "say",
    "said",
    "says",
    "saying",
    "tell",
    "told",
    "tells",
    "telling",
    "regarding",
    "concerning",
    "according",
    "mention",
    "mentioned",
    "mentions",
    "talk",
    "talked",
    "talks",
    "speak",
    "spoke",
    "spoken",
    "show",
    "find",
    "quote",
    "quotes",
    "explain",
    "explained",
    "describe",
    "described",
    "think",
    "thought",
    "feel",
    "felt",
    "opinion",
    "view",
    "views",
    "position",
    "stance",
    "statement",
    "statements",
    "document",
    "documents",
    "transcript",
    "corpus",
    "archive",
    "know",
    "happen",
    "happened",
];

/// Words after which a name is an object ("the meeting with Zhang"), not the speaker asked about.
const OBJECT_MARKERS: &[&str] = &[
    "with",
    "between",
    "and",
    "to",
    "by",
    "from",
    "of",
    "about",
    "for",
    "against",
    "toward",
    "towards",
    "than",
    "met",
    "meet",
    "meeting",
    "visited",
    "received",
    "on",
    "in",
    "at",
    "regarding",
    "concerning",
    "whom",
    "the",
];

/// First words of questions about facts of a document rather than what someone said.
const FACT_QUESTIONS: &[&str] = &["who", "whom", "when", "where", "which"];

/// Words after which a question names its topic.
const TOPIC_MARKERS: &[&str] = &["about", "regarding", "concerning", "on"];

/// Words that make a question about what someone said, so a named speaker restricts the answer.
const SPEECH_WORDS: &[&str] = &[
    "say",
    "said",
    "says",
    "saying",
    "tell",
    "told",
    "tells",
    "argue",
    "argued",
    "argues",
    "claim",
    "claimed",
    "claims",
    "state",
    "stated",
    "states",
    "mention",
    "mentioned",
    "respond",
    "responded",
    "reply",
    "replied",
    "answer",
    "answered",
    "think",
    "thought",
    "thinks",
    "believe",
    "believed",
    "insist",
    "insisted",
    "propose",
    "proposed",
    "suggest",
    "suggested",
    "complain",
    "complained",
    "accuse",
    "accused",
    "explain",
    "explained",
    "warn",
    "warned",
    "deny",
    "denied",
    "ask",
    "asked",
    "admit",
    "admitted",
    "agree",
    "agreed",
    "object",
    "objected",
    "express",
    "expressed",
    "view",
    "views",
    "opinion",
    "position",
    "stance",
    "according",
    "remark",
    "remarked",
    "comment",
    "commented",
    "describe",
    "described",
    "raise",
    "raised",
    "demand",
    "demanded",
    "request",
    "requested",
    "promise",
    "promised",
    "point",
    "pointed",
    "speak",
    "spoke",
    "talk",
    "talked",
    "feel",
    "felt",
    "want",
    "wanted",
    "wants",
    "refuse",
    "refused",
    "reiterate",
    "reiterated",
    "repeat",
    "repeated",
    "emphasize",
    "emphasized",
    "stress",
    "stressed",
    "criticize",
    "criticized",
    "blame",
    "blamed",
    "react",
    "reacted",
    "words",
];

/// A fixed list of words, sorted once, so that looking a word up is a binary search and not a
/// scan of the list (every word of every question is looked up in several).
struct WordList {
    list: &'static [&'static str],
    sorted: OnceLock<Vec<&'static str>>,
}

impl WordList {
    const fn new(list: &'static [&'static str]) -> WordList {
        WordList {
            list,
            sorted: OnceLock::new(),
        }
    }

    fn contains(&self, word: &str) -> bool {
        let sorted = self.sorted.get_or_init(|| {
            let mut v = self.list.to_vec();
            v.sort_unstable();
            v
        });
        sorted.binary_search(&word).is_ok()
    }
}

fn is_stopword(w: &str) -> bool {
    static LIST: WordList = WordList::new(STOPWORDS);
    LIST.contains(w)
}

fn is_scaffold(w: &str) -> bool {
    static LIST: WordList = WordList::new(SCAFFOLD);
    LIST.contains(w)
}

fn is_speech_word(w: &str) -> bool {
    static LIST: WordList = WordList::new(SPEECH_WORDS);
    LIST.contains(w)
}

/// Invisible characters that change nothing a reader sees (zero-width, bidi controls, BOM).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{ad}')
        || (c.is_control() && c != '\n' && c != '\t')
}

/// Text as a user typed it, made safe to echo and match: invisible characters (zero-width,
/// direction overrides, controls) removed and whitespace folded to single spaces.
pub fn clean_text(s: &str) -> String {
    let visible: String = s.chars().filter(|c| !is_invisible(*c)).collect();
    visible.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The question as it will be echoed: [`clean_text`], at most `max_chars` characters.
pub fn clean_question(q: &str, max_chars: usize) -> String {
    // Cap before cleaning too, so a megabyte of input costs no more than a page.
    let head: String = q.chars().take(max_chars.saturating_mul(4)).collect();
    clean_text(&head).chars().take(max_chars).collect()
}

/// A word of the question with its place.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    lower: String,
    /// Followed by a possessive `'s`.
    possessive: bool,
}

fn words_of(q: &str) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = q.chars().collect();
    let mut i = 0;
    while i <= chars.len() {
        let c = chars.get(i).copied();
        match c {
            Some(c) if c.is_alphanumeric() => cur.push(c),
            _ => {
                if !cur.is_empty() {
                    let lower = cur.to_lowercase();
                    out.push(Word {
                        text: std::mem::take(&mut cur),
                        lower,
                        possessive: false,
                    });
                }
                // `Ji's` → `Ji` + possessive.
                if matches!(c, Some('\'') | Some('’'))
                    && matches!(chars.get(i + 1), Some('s') | Some('S'))
                    && !chars.get(i + 2).is_some_and(|c| c.is_alphanumeric())
                {
                    if let Some(last) = out.last_mut() {
                        last.possessive = true;
                    }
                    i += 1;
                }
            }
        }
        i += 1;
    }
    out
}

/// Speakers of the corpus by every way a question may name them. Kept beside the index for cold
/// starts (`search::derived`): every field is stored, so new fields need only be serializable.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Lexicon {
    /// Full names, index = speaker id.
    pub names: Vec<String>,
    /// Lower-case name phrase (full name, label, name word) → speaker ids.
    keys: HashMap<String, Vec<usize>>,
    /// `name_key` of each full name → speaker id (so that adding a speaker is not a scan).
    ids: HashMap<String, usize>,
    max_words: usize,
}

impl Lexicon {
    /// Adds a speaker (full name and labels); the same full name is one speaker. Adding the same
    /// name and labels again changes nothing.
    pub fn add(&mut self, name: &str, labels: &[String]) {
        let name_k = name_key(name);
        let id = match self.ids.get(&name_k) {
            Some(&i) => i,
            None => {
                self.names.push(name.to_string());
                self.ids.insert(name_k.clone(), self.names.len() - 1);
                self.names.len() - 1
            }
        };
        let mut keys = vec![name_k];
        for l in labels {
            keys.push(name_key(l));
            let (_, core) = crate::corpus::names::split_title(l);
            keys.push(name_key(&core.join(" ")));
        }
        for w in name_key(name).split(' ') {
            if w.chars().count() > 1 && !w.ends_with('.') {
                keys.push(w.to_string());
            }
        }
        for k in keys {
            if k.is_empty() {
                continue;
            }
            self.max_words = self.max_words.max(k.split(' ').count());
            let e = self.keys.entry(k).or_default();
            if !e.contains(&id) {
                e.push(id);
            }
        }
    }

    /// Speaker ids for a name as a user may type it (`ji`, `Ji Pengfei`, `Vice Minister Ji`).
    pub fn lookup(&self, name: &str) -> Vec<usize> {
        let key = name_key(name);
        if let Some(ids) = self.keys.get(&key) {
            return ids.clone();
        }
        // The full name typed without an initial or title: every word must be in one name.
        let words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return Vec::new();
        }
        (0..self.names.len())
            .filter(|&i| {
                let nk = name_key(&self.names[i]);
                let have: Vec<&str> = nk.split(' ').collect();
                words.iter().all(|w| have.contains(w))
            })
            .collect()
    }
}

/// What a question asks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Understood {
    /// Content words, in question order (original spelling).
    pub terms: Vec<String>,
    /// Whether each term is in the question's topic (`… about <topic>`), which weighs more than
    /// the words that frame it.
    pub focus: Vec<bool>,
    /// Pairs of terms adjacent in the question (indexes into `terms`), for phrase boosts.
    pub adjacent: Vec<(usize, usize)>,
    /// Speakers named (lexicon ids).
    pub speakers: Vec<usize>,
    /// The question asks what they said: restrict to their turns.
    pub speech: bool,
    pub doc_id: Option<String>,
    pub date: Option<PartialDate>,
    /// The words the date was written with, searched as text when no document has the date.
    pub date_words: Vec<String>,
}

/// Reads a question. `is_doc_id` says whether a word is a document id of the corpus.
pub fn understand(q: &str, lexicon: &Lexicon, is_doc_id: &dyn Fn(&str) -> bool) -> Understood {
    let mut u = Understood::default();
    // Document ids may be slugs with hyphens: look at whitespace words first.
    let mut text = q.to_string();
    for raw in q.split_whitespace() {
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '_');
        if !w.is_empty()
            && (w.contains('-') || w.chars().all(|c| c.is_ascii_digit()))
            && is_doc_id(w)
        {
            u.doc_id = Some(w.to_string());
            text = text.replacen(w, " ", 1);
            break;
        }
    }
    let words = words_of(&text);
    let mut used = vec![false; words.len()];

    // Dates ("26 June", "June 1962", "8 June 1962", "1962-06-26" arrives as three words).
    let lower: Vec<&str> = words.iter().map(|w| w.lower.as_str()).collect();
    let mut i = 0;
    while i < words.len() {
        if let Some((d, n)) = PartialDate::parse_words(&lower[i..]) {
            let meaningful = d.month.is_some() && (d.day.is_some() || d.year.is_some());
            if meaningful && u.date.is_none() {
                u.date = Some(d);
                for (j, w) in words.iter().enumerate().skip(i).take(n) {
                    used[j] = true;
                    u.date_words.push(w.text.clone());
                }
                i += n;
                continue;
            }
        }
        i += 1;
    }

    let dated = used.clone();
    // Speakers: longest name phrases first.
    let mut n = lexicon.max_words.min(4);
    while n >= 1 {
        let mut i = 0;
        while i + n <= words.len() {
            if used[i..i + n].iter().any(|u| *u) {
                i += 1;
                continue;
            }
            let phrase = lower[i..i + n].join(" ");
            if let Some(ids) = lexicon.keys.get(&phrase) {
                // A name that is also a common word ("He", "Long") must be written capitalised.
                let common = n == 1 && (is_stopword(&phrase) || is_scaffold(&phrase));
                let capital = words[i].text.chars().next().is_some_and(char::is_uppercase);
                if !common || capital {
                    for id in ids {
                        if !u.speakers.contains(id) {
                            u.speakers.push(*id);
                        }
                    }
                    if words[i + n - 1].possessive {
                        u.speech = true;
                    }
                    // "Ji Pengfei on repatriation": a name that is the subject, not the object
                    // of a preposition ("meeting with Zhang"), asks about what they said.
                    let object = i > 0 && OBJECT_MARKERS.contains(&lower[i - 1]);
                    let asks_fact = lower.first().is_some_and(|w| FACT_QUESTIONS.contains(w));
                    if !object && !asks_fact {
                        u.speech = true;
                    }
                    for x in &mut used[i..i + n] {
                        *x = true;
                    }
                    i += n;
                    continue;
                }
            }
            i += 1;
        }
        n -= 1;
    }
    if !u.speakers.is_empty() && words.iter().any(|w| is_speech_word(&w.lower)) {
        u.speech = true;
    }

    // Content words. Names stay searchable unless they became a speaker restriction.
    let topic_from = words
        .iter()
        .rposition(|w| TOPIC_MARKERS.contains(&w.lower.as_str()));
    let mut prev_term: Option<usize> = None;
    for (i, w) in words.iter().enumerate() {
        let skip = (used[i] && (u.speech || dated[i]))
            || is_stopword(&w.lower)
            || is_scaffold(&w.lower)
            || (u.doc_id.as_deref() == Some(w.text.as_str()));
        if skip {
            if !is_stopword(&w.lower) {
                prev_term = None;
            }
            continue;
        }
        let idx = u.terms.len();
        u.terms.push(w.text.clone());
        u.focus.push(topic_from.is_some_and(|t| i > t));
        if let Some(p) = prev_term {
            u.adjacent.push((p, idx));
        }
        prev_term = Some(idx);
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        let mut l = Lexicon::default();
        l.add("Li Weiming", &["Li".into(), "Vice Minister Li".into()]);
        l.add("Ivan V. Petrov", &["Petrov".into()]);
        l.add("He Long", &["He".into()]);
        l
    }

    #[test]
    fn adding_a_speaker_again_changes_nothing() {
        let labels = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut once = Lexicon::default();
        once.add("Ivan A. Petrov", &labels(&["Petrov", "Comrade Petrov"]));
        once.add("Li Wen", &labels(&["Vice Minister Li"]));
        let mut twice = once.clone();
        twice.add("Ivan A. Petrov", &labels(&["Petrov", "Comrade Petrov"]));
        twice.add("Li Wen", &labels(&["Vice Minister Li"]));
        assert_eq!(twice, once);
        twice.add("Li Wen", &labels(&["Old Li"]));
        assert_ne!(twice, once, "a new label is a new way to name him");
        assert_eq!(twice.lookup("old li"), vec![1]);
    }

    #[test]
    fn word_lists_hold_exactly_their_words() {
        for list in [STOPWORDS, SCAFFOLD, SPEECH_WORDS] {
            let words = WordList::new(list);
            assert!(list.iter().all(|w| words.contains(w)));
            for w in ["", "zzz", "border", "Said", "the "] {
                assert_eq!(words.contains(w), list.contains(&w), "{w:?}");
            }
        }
        assert!(is_stopword("the") && !is_stopword("border"));
    }

    #[test]
    fn speech_questions_restrict_to_the_speaker() {
        let u = understand(
            "what did Li Weiming say about repatriation",
            &lex(),
            &|_| false,
        );
        assert_eq!(u.speakers, vec![0]);
        assert!(u.speech);
        assert_eq!(u.terms, vec!["repatriation"]);
        let u = understand("What's Petrov's view on the fence?", &lex(), &|_| false);
        assert_eq!(u.speakers, vec![1]);
        assert!(u.speech);
        assert_eq!(u.terms, vec!["fence"]);
    }

    #[test]
    fn a_name_as_subject_asks_what_they_said() {
        let u = understand("Li Weiming on repatriation", &lex(), &|_| false);
        assert!(u.speech);
        assert_eq!(u.terms, vec!["repatriation"]);
        let u = understand("the memorandum sent to Li about grain", &lex(), &|_| false);
        assert!(!u.speech);
    }

    #[test]
    fn names_without_speech_stay_search_terms() {
        let u = understand(
            "who prepared the minutes of the June 8 meeting with Li",
            &lex(),
            &|_| false,
        );
        assert!(!u.speech);
        assert_eq!(u.date.unwrap().to_string(), "--06-08");
        assert_eq!(u.terms, vec!["prepared", "minutes", "meeting", "Li"]);
    }

    #[test]
    fn common_words_are_not_names_unless_capitalised() {
        let u = understand("what did he say about it", &lex(), &|_| false);
        assert!(u.speakers.is_empty());
        let u = understand("what did He say about it", &lex(), &|_| false);
        assert_eq!(u.speakers, vec![2]);
    }

    #[test]
    fn document_ids_and_odd_input() {
        let u = understand("border in 555123", &lex(), &|w| w == "555123");
        assert_eq!(u.doc_id.as_deref(), Some("555123"));
        assert_eq!(u.terms, vec!["border"]);
        for q in [
            "",
            "   ",
            "\"unclosed",
            "AND OR NOT",
            "(((",
            "*",
            "~2 ^3",
            "🙂",
            "title:x",
        ] {
            let _ = understand(q, &lex(), &|_| false);
        }
        assert_eq!(clean_question("a\u{200b}b  \u{202e}c", 100), "ab c");
        assert_eq!(clean_question(&"x".repeat(5000), 10).len(), 10);
    }
}
