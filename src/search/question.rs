//! Question understanding: a question in plain English → the content words to search, the
//! speakers it asks about (and whether it asks what they *said*), a document id and a date.
//!
//! Nothing here can fail: any input gives a (possibly empty) [`Understood`].

use std::sync::OnceLock;

use super::answer_type::{self, AnswerType};
pub use super::people::Lexicon;
use crate::corpus::date::PartialDate;

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
    // Negated auxiliaries typed without their apostrophe, and what `n't` leaves of them.
    "dont",
    "doesnt",
    "didnt",
    "isnt",
    "wasnt",
    "arent",
    "werent",
    "hasnt",
    "havent",
    "hadnt",
    "couldnt",
    "wouldnt",
    "shouldnt",
    "wont",
    "cant",
    "aint",
    "don",
    "doesn",
    "didn",
    "isn",
    "wasn",
    "aren",
    "weren",
    "hasn",
    "haven",
    "hadn",
    "couldn",
    "wouldn",
    "shouldn",
    "mustn",
    "needn",
    "either",
    "neither",
    "per",
    "yes",
    "really",
    "actually",
    "ever",
    "kind",
    "sort",
];

/// Verbs that frame a question ("what did X say about …", "did China mention …"): dropped
/// where they frame it — among the question's first words, or just before `about`, `that` … —
/// and searched like any word elsewhere.
const FRAME_VERBS: &[&str] = &[
    "say",
    "said",
    "says",
    "saying",
    "tell",
    "told",
    "tells",
    "telling",
    "mention",
    "mentioned",
    "mentions",
    "talk",
    "talked",
    "talks",
    "speak",
    "spoke",
    "spoken",
    "explain",
    "explained",
    "describe",
    "described",
    "think",
    "thought",
    "feel",
    "felt",
    "know",
    "show",
    "find",
    "quote",
    "quotes",
];

/// Nouns that frame a question ("Zhang's view on …", "his position about …").
const FRAME_NOUNS: &[&str] = &[
    "opinion",
    "view",
    "views",
    "position",
    "stance",
    "statement",
    "statements",
    "remarks",
    "comments",
];

/// Words after which a frame verb or noun introduces the question's subject.
const FRAME_FOLLOWERS: &[&str] = &[
    "about",
    "on",
    "regarding",
    "concerning",
    "of",
    "that",
    "to",
    "when",
    "how",
    "why",
    "if",
    "whether",
    "toward",
    "towards",
];

/// How many of a question's first words may be its frame ("what did the ambassador say").
const FRAME_SPAN: usize = 5;

/// Words that only ever frame a question.
const ALWAYS_FRAME: &[&str] = &[
    "regarding",
    "concerning",
    "according",
    "document",
    "documents",
    "transcript",
    "transcripts",
    "corpus",
    "archive",
];

/// Shorthand students type, and the word it stands for.
const SHORTHAND: &[(&str, &str)] = &[
    ("ppl", "people"),
    ("govt", "government"),
    ("gov", "government"),
    ("dept", "department"),
    ("intl", "international"),
    ("mtg", "meeting"),
    ("msg", "message"),
    ("info", "information"),
    ("bc", "because"),
    ("cuz", "because"),
    ("thru", "through"),
    ("abt", "about"),
    ("tho", "though"),
    ("u", "you"),
    ("ur", "your"),
    ("yrs", "years"),
    ("yr", "year"),
    ("approx", "approximately"),
    ("amb", "ambassador"),
];

/// Particles of phrasal verbs (`put off`, `stir … up`, `go back`).
const PARTICLES: &[&str] = &[
    "up", "off", "back", "out", "down", "in", "over", "on", "away", "into", "around", "along",
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

pub(super) fn is_stopword(w: &str) -> bool {
    static LIST: WordList = WordList::new(STOPWORDS);
    LIST.contains(w)
}

fn is_frame_verb(w: &str) -> bool {
    static LIST: WordList = WordList::new(FRAME_VERBS);
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
                    let written = SHORTHAND.iter().find(|(s, _)| *s == lower).map(|(_, w)| *w);
                    let text = std::mem::take(&mut cur);
                    out.push(match written {
                        Some(w) => Word {
                            text: w.to_string(),
                            lower: w.to_string(),
                            possessive: false,
                        },
                        None => Word {
                            text,
                            lower,
                            possessive: false,
                        },
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

/// What a question asks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Understood {
    /// Content words, in question order (original spelling; shorthand such as `ppl` written out).
    pub terms: Vec<String>,
    /// Whether each term is in the question's topic (`… about <topic>`), which weighs more than
    /// the words that frame it.
    pub focus: Vec<bool>,
    /// Pairs of terms adjacent in the question (indexes into `terms`), for phrase boosts.
    pub adjacent: Vec<(usize, usize)>,
    /// Multi-word expressions of the question that are one word of English (`put off`, `go
    /// back`, `stir … up`): the term they start at and the expression, as WordNet writes it.
    pub expressions: Vec<(usize, String)>,
    /// Speakers named, by name or by role (lexicon ids).
    pub speakers: Vec<usize>,
    /// The role words that named speakers (`soviet ambassador`), if a role did.
    pub role: Option<String>,
    /// The question asks what they said: restrict to their turns.
    pub speech: bool,
    pub doc_id: Option<String>,
    pub date: Option<PartialDate>,
    /// The words the date was written with, searched as text when no document has the date.
    pub date_words: Vec<String>,
    /// What kind of answer the question's form asks for.
    pub answer_type: Option<AnswerType>,
    /// The words of what "how many X" counts (lower case).
    pub counted: Vec<String>,
    /// Words dropped because they only frame the question (`say`, `according`).
    pub frame: Vec<String>,
    /// Per term: a word whose paraphrases would mislead — a name (capitalised inside the
    /// question and no common English word). Verbs of speech kept as content (`warn`, `ask`)
    /// do take paraphrases (`ask` → `request`): measured on the dev sets, holding them literal
    /// lost answers and won none.
    pub literal: Vec<bool>,
    /// Per term: used as a verb or not, when the word before it tells ([`usage_after`]).
    pub usage: Vec<Option<crate::lexicon::Usage>>,
}

/// Reads a question. `is_doc_id` says whether a word is a document id of the corpus.
pub fn understand(q: &str, lexicon: &Lexicon, is_doc_id: &dyn Fn(&str) -> bool) -> Understood {
    let mut u = Understood::default();
    let text = take_doc_id(q, is_doc_id, &mut u);
    let words = words_of(&text);
    let lower: Vec<&str> = words.iter().map(|w| w.lower.as_str()).collect();
    let mut used = vec![false; words.len()];
    find_date(&words, &lower, &mut used, &mut u);
    let dated = used.clone();
    find_speakers(&words, &lower, lexicon, &mut used, &mut u);
    find_role(&lower, lexicon, &mut used, &mut u);
    if !u.speakers.is_empty() && words.iter().any(|w| is_speech_word(&w.lower)) {
        u.speech = true;
    }
    u.answer_type =
        answer_type::of_question(&lower, &|w| crate::lexicon::is_person_word(w), &|w| {
            crate::lexicon::is_place_word(w)
        });
    u.counted = answer_type::counted_words(&lower);
    // Names stay searchable unless they became a speaker restriction; dates unless they
    // became a date filter.
    let mut skip: Vec<bool> = (0..words.len())
        .map(|i| used[i] && (u.speech || dated[i]))
        .collect();
    // "what time of day …": the words that name the answer type are frame, not subject.
    if let Some(t) = u.answer_type {
        let happen = (0..lower.len())
            .filter(|&i| t == AnswerType::Consequence && answer_type::is_happen(lower[i]));
        for i in answer_type::type_words(&lower).into_iter().chain(happen) {
            if !skip[i] {
                skip[i] = true;
                u.frame.push(words[i].text.clone());
            }
        }
    }
    collect_terms(&words, &skip, &mut u);
    u
}

/// Takes a document id out of the question (ids may be slugs with hyphens: whitespace words
/// are looked at first).
fn take_doc_id(q: &str, is_doc_id: &dyn Fn(&str) -> bool, u: &mut Understood) -> String {
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
    text
}

/// Dates ("26 June", "June 1962", "8 June 1962", "1962-06-26" arrives as three words).
fn find_date(words: &[Word], lower: &[&str], used: &mut [bool], u: &mut Understood) {
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
}

/// Speakers named in the question, longest name phrases first; whether the question asks what
/// they said.
fn find_speakers(
    words: &[Word],
    lower: &[&str],
    lexicon: &Lexicon,
    used: &mut [bool],
    u: &mut Understood,
) {
    let mut n = lexicon.max_words().min(4);
    while n >= 1 {
        let mut i = 0;
        while i + n <= words.len() {
            if used[i..i + n].iter().any(|u| *u) {
                i += 1;
                continue;
            }
            let phrase = lower[i..i + n].join(" ");
            let Some(ids) = lexicon.ids_of(&phrase) else {
                i += 1;
                continue;
            };
            // A name that is also a common word ("He", "Long") must be written capitalised.
            let common = n == 1 && (is_stopword(&phrase) || is_frame_verb(&phrase));
            let capital = words[i].text.chars().next().is_some_and(char::is_uppercase);
            if common && !capital {
                i += 1;
                continue;
            }
            for id in ids {
                if !u.speakers.contains(id) {
                    u.speakers.push(*id);
                }
            }
            if words[i + n - 1].possessive || names_the_subject(lower, i) {
                u.speech = true;
            }
            for x in &mut used[i..i + n] {
                *x = true;
            }
            i += n;
        }
        n -= 1;
    }
}

/// "Ji Pengfei on repatriation": a name (or role) that is the subject, not the object of a
/// preposition ("meeting with Zhang"), in a question that does not ask for a fact ("who met
/// Zhang"), asks about what they said.
fn names_the_subject(lower: &[&str], at: usize) -> bool {
    let object = at > 0 && OBJECT_MARKERS.contains(&lower[at - 1]);
    let asks_fact = lower.first().is_some_and(|w| FACT_QUESTIONS.contains(w));
    !object && !asks_fact
}

/// Speakers named by their role ("the Soviet ambassador", "the vice minister"): a run of the
/// words the speakers' roles use, holding a word for a kind of person.
fn find_role(lower: &[&str], lexicon: &Lexicon, used: &mut [bool], u: &mut Understood) {
    if !u.speakers.is_empty() {
        return;
    }
    let mut i = 0;
    while i < lower.len() {
        let run = (i..lower.len())
            .take_while(|&j| !used[j] && !is_stopword(lower[j]) && lexicon.is_role_word(lower[j]))
            .count();
        let words = &lower[i..i + run];
        let person = words.iter().any(|w| crate::lexicon::is_person_word(w));
        let ids = if person {
            lexicon.by_role(words)
        } else {
            Vec::new()
        };
        // A role after a preposition ("reviewed by the vice minister") is not who speaks.
        let at = i.saturating_sub(usize::from(i > 0 && lower[i - 1] == "the"));
        let object = at > 0 && OBJECT_MARKERS.contains(&lower[at - 1]);
        if !ids.is_empty() && !object {
            u.speakers = ids;
            u.role = Some(words.join(" "));
            if names_the_subject(lower, at) {
                u.speech = true;
            }
            for x in &mut used[i..i + run] {
                *x = true;
            }
            return;
        }
        i += run.max(1);
    }
}

/// Is word `i` only the question's frame: a frame verb among its first words or just before
/// its subject ("what did X say about"), a frame noun before one ("Zhang's view on"),
/// `happened` after `what`, or a word that never holds content (`according`)?
fn is_frame(lower: &[&str], i: usize) -> bool {
    let w = lower[i];
    let next = lower.get(i + 1).copied();
    let followed = next.is_none_or(|n| FRAME_FOLLOWERS.contains(&n));
    if ALWAYS_FRAME.contains(&w) {
        return true;
    }
    if is_frame_verb(w) {
        return i < FRAME_SPAN || followed;
    }
    if FRAME_NOUNS.contains(&w) {
        return next.is_some_and(|n| FRAME_FOLLOWERS.contains(&n));
    }
    if matches!(w, "happen" | "happened" | "happens") {
        return lower[..i].iter().rev().take(2).any(|p| *p == "what");
    }
    false
}

/// A stopword written with a capital inside a name ("He Long", "An Ziwen") is part of the name.
fn is_name_part(words: &[Word], i: usize) -> bool {
    let capital = |w: &Word| w.text.chars().next().is_some_and(char::is_uppercase);
    let all_caps = words
        .iter()
        .all(|w| !w.text.chars().any(char::is_lowercase));
    i > 0
        && !all_caps
        && capital(&words[i])
        && words
            .get(i + 1)
            .is_some_and(|n| capital(n) && !is_stopword(&n.lower))
}

/// The content words: everything but stopwords, the frame, and what `skip` marks; their focus,
/// adjacency, and the multi-word expressions they start.
fn collect_terms(words: &[Word], skip: &[bool], u: &mut Understood) {
    let lower: Vec<&str> = words.iter().map(|w| w.lower.as_str()).collect();
    let topic_from = words
        .iter()
        .rposition(|w| TOPIC_MARKERS.contains(&w.lower.as_str()));
    let mut prev_term: Option<usize> = None;
    for (i, w) in words.iter().enumerate() {
        let frame = is_frame(&lower, i);
        let stop = is_stopword(&w.lower) && !is_name_part(words, i);
        if skip[i] || stop || frame || u.doc_id.as_deref() == Some(w.text.as_str()) {
            if frame && !skip[i] {
                u.frame.push(w.text.clone());
            }
            if !is_stopword(&w.lower) {
                prev_term = None;
            }
            continue;
        }
        let idx = u.terms.len();
        if let Some(e) = expression_at(&lower, i) {
            u.expressions.push((idx, e));
        }
        u.terms.push(w.text.clone());
        u.focus.push(topic_from.is_some_and(|t| i > t));
        let capital = i > 0 && w.text.chars().next().is_some_and(char::is_uppercase);
        let name = capital && !crate::lexicon::is_common_word(&w.lower);
        u.literal.push(name);
        u.usage
            .push(i.checked_sub(1).and_then(|p| usage_after(lower[p])));
        if let Some(p) = prev_term {
            u.adjacent.push((p, idx));
        }
        prev_term = Some(idx);
    }
}

/// How the word after `prev` is used: after a negation ("doesn't *work*", "never *came*") a
/// verb; after a determiner or possessive ("the *work*", "their *steps*") a noun or adjective.
/// (Not after "to", "did" or "would": in a question those often stand before a noun.)
fn usage_after(prev: &str) -> Option<crate::lexicon::Usage> {
    use crate::lexicon::Usage;
    const NEGATIONS: &[&str] = &[
        "not",
        "never",
        "doesnt",
        "didnt",
        "dont",
        "wont",
        "wouldnt",
        "cant",
        "couldnt",
        "shouldnt",
        "isnt",
        "wasnt",
        "doesn't",
        "didn't",
        "don't",
        "won't",
        "wouldn't",
        "can't",
        "couldn't",
        "shouldn't",
        "cannot",
    ];
    const DETERMINERS: &[&str] = &[
        "the", "a", "an", "this", "that", "these", "those", "their", "his", "her", "its", "our",
        "your", "my", "every", "each", "any", "some",
    ];
    if NEGATIONS.contains(&prev) {
        Some(Usage::Verb)
    } else if DETERMINERS.contains(&prev) {
        Some(Usage::NotVerb)
    } else {
        None
    }
}

/// The multi-word expression of English starting at word `i`, if any: the word (as its
/// lemma) with the next word (`put off`, `go back`, `border guard`), or with a particle two
/// words on (`stir others up`).
fn expression_at(lower: &[&str], i: usize) -> Option<String> {
    let wn = crate::lexicon::wordnet::wordnet();
    let mut heads: Vec<&str> = wn
        .base_forms(lower[i])
        .into_iter()
        .map(|b| wn.word(b))
        .collect();
    if heads.is_empty() {
        heads.push(lower[i]);
    }
    let known = |e: &str| wn.id(e).is_some_and(|id| wn.has_senses(id));
    for head in heads {
        if let Some(next) = lower.get(i + 1) {
            let e = format!("{head} {next}");
            if known(&e) {
                return Some(e);
            }
        }
        if let Some(p) = lower.get(i + 2).filter(|p| PARTICLES.contains(p)) {
            let e = format!("{head} {p}");
            if known(&e) {
                return Some(e);
            }
        }
    }
    None
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
    fn word_lists_hold_exactly_their_words() {
        for list in [STOPWORDS, FRAME_VERBS, SPEECH_WORDS] {
            let words = WordList::new(list);
            assert!(list.iter().all(|w| words.contains(w)));
            for w in ["", "zzz", "border", "Said", "the "] {
                assert_eq!(words.contains(w), list.contains(&w), "{w:?}");
            }
        }
        assert!(is_stopword("the") && !is_stopword("border"));
    }

    #[test]
    fn the_word_before_tells_a_verb_from_a_noun() {
        use crate::lexicon::Usage;
        let u = understand("why doesnt the old fence work", &lex(), &|_| false);
        assert_eq!(u.terms, ["old", "fence", "work"]);
        assert_eq!(u.usage, [Some(Usage::NotVerb), None, None]);
        let u = understand("they did not work on the fence", &lex(), &|_| false);
        assert_eq!(u.terms, ["work", "fence"]);
        assert_eq!(u.usage, [Some(Usage::Verb), Some(Usage::NotVerb)]);
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
