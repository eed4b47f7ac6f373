//! Full names for speaker labels, learned from the documents themselves.
//!
//! A label (`Ji`, `Vice Minister Zhang`, `[Ivan] Petrov`) loses its titles to give a core
//! (`Ji`, `Zhang`, `Stepan Chervonenko`). The core is then found in the documents' own text (titles,
//! summaries, attendee lines, the body) inside runs of capitalised words, and extended by the
//! neighbouring words that occur (almost) only next to it: `Ji` → `Ji Pengfei`,
//! `Chervonenko` → `Stepan V. Chervonenko`, while `China` (which stands everywhere) is not taken
//! into `China Stepan V. Chervonenko`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::hash::WordMap;

/// Words of rank and office that precede names; stripped from labels, never part of a name.
const TITLE_WORDS: &[&str] = &[
    "vice",
    "minister",
    "deputy",
    "director",
    "section",
    "ambassador",
    "soviet",
    "chinese",
    "premier",
    "chairman",
    "comrade",
    "comrades",
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "miss",
    "dr",
    "dr.",
    "president",
    "secretary",
    "general",
    "first",
    "second",
    "third",
    "counselor",
    "counsellor",
    "consul",
    "foreign",
    "affairs",
    "head",
    "chief",
    "marshal",
    "prime",
    "party",
    "committee",
    "department",
    "division",
    "bureau",
    "envoy",
    "attaché",
    "attache",
    "chargé",
    "charge",
    "d'affaires",
    "commander",
    "colonel",
    "major",
    "lieutenant",
    "captain",
    "admiral",
    "governor",
    "mayor",
    "senator",
    "representative",
    "delegate",
    "leader",
    "member",
    "acting",
    "assistant",
    "undersecretary",
    "under-secretary",
    "vice-premier",
    "vice-minister",
    "vice-chairman",
    "vice-president",
    "king",
    "queen",
    "prince",
    "sir",
    "lord",
    "madame",
    "mme",
    "mme.",
    "herr",
    "frau",
    "professor",
    "prof",
    "prof.",
    "secretary-general",
    "commissar",
    "councillor",
    "officer",
    "official",
    "interpreter",
    "american",
    "british",
    "french",
    "german",
    "japanese",
    "korean",
    "vietnamese",
    "indian",
    "mongolian",
    "polish",
    "czechoslovak",
    "hungarian",
    "romanian",
    "bulgarian",
    "albanian",
    "cuban",
    "east",
    "west",
    "north",
    "south",
    "senior",
    "junior",
    "political",
    "military",
    "economic",
    "cultural",
    "embassy",
    "ministry",
    "state",
    "council",
    "central",
    "executive",
    "standing",
    "people's",
    "peoples",
    "chairwoman",
    "the",
];

/// Capitalised words that start sentences or clauses and are never names.
const NOT_NAME_WORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "and",
    "but",
    "or",
    "i",
    "we",
    "you",
    "he",
    "she",
    "it",
    "they",
    "this",
    "that",
    "these",
    "those",
    "in",
    "on",
    "at",
    "of",
    "to",
    "for",
    "with",
    "from",
    "by",
    "as",
    "if",
    "when",
    "what",
    "why",
    "how",
    "who",
    "yes",
    "no",
    "now",
    "then",
    "there",
    "here",
    "our",
    "your",
    "my",
    "his",
    "her",
    "their",
    "its",
    "not",
    "so",
    "all",
    "some",
    "minutes",
    "meeting",
    "transcript",
    "memorandum",
    "reply",
    "report",
    "reporting",
    "discussion",
    "talks",
    "conversation",
    "union",
    "government",
    "republic",
];

pub fn is_title_word(w: &str) -> bool {
    TITLE_WORDS.contains(&w.to_lowercase().as_str())
}

/// A label without brackets, split into its title words and its name core.
/// `Premier Zhou [Enlai]` → (`Premier`, [`Zhou`, `Enlai`]).
pub fn split_title(label: &str) -> (Option<String>, Vec<String>) {
    let words: Vec<String> = label
        .replace(['[', ']'], " ")
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| c == ',' || c == '"').to_string())
        .filter(|w| !w.is_empty())
        .collect();
    let n_title = words.iter().take_while(|w| is_title_word(w)).count();
    if n_title == words.len() {
        return (None, words);
    }
    let title = (n_title > 0).then(|| words[..n_title].join(" "));
    (title, words[n_title..].to_vec())
}

/// One word of running text: its bare form and whether a run of names may go on after it.
#[derive(Debug, Clone)]
struct Word<'a> {
    text: &'a str,
    capital: bool,
    /// Punctuation after it (comma, colon, period that is not an initial, possessive) ends a run.
    breaks_after: bool,
}

/// Does `c` separate words? Whitespace, and brackets and quotation marks, which separate words
/// like spaces do.
const fn separates(c: char) -> bool {
    c.is_whitespace() || matches!(c, '[' | ']' | '(' | ')' | '"' | '“' | '”')
}

/// The non-empty pieces of `text` between separators ([`separates`]): what
/// `text.split(separates).filter(|w| !w.is_empty())` gives, without decoding every character
/// (ASCII, nearly all of the text, is looked up by its byte).
fn raw_words(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    // Length of the separator starting at byte `i`, or 0.
    let sep_len = move |i: usize| -> usize {
        let b = bytes[i];
        if b < 0x80 {
            return usize::from(ASCII_SEPARATOR[usize::from(b)]);
        }
        // Only the first byte of a character starts one; continuation bytes are 0x80..0xC0.
        if b < 0xC0 {
            return 0;
        }
        match text[i..].chars().next() {
            Some(c) if separates(c) => c.len_utf8(),
            _ => 0,
        }
    };
    let mut pos = 0;
    std::iter::from_fn(move || {
        loop {
            if pos >= bytes.len() {
                return None;
            }
            match sep_len(pos) {
                0 => break,
                n => pos += n,
            }
        }
        let start = pos;
        pos += 1;
        while pos < bytes.len() && sep_len(pos) == 0 {
            pos += 1;
        }
        Some(&text[start..pos])
    })
}

/// The ASCII separators of [`separates`], by byte.
const ASCII_SEPARATOR: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = separates(b as u8 as char);
        b += 1;
    }
    t
};

/// A piece of text between separators as a word: possessive and trailing punctuation off
/// (an initial such as `V.` keeps its period). Returns the word and whether punctuation ended
/// it; the word is empty when the piece was punctuation only.
fn bare_word(raw: &str) -> (&str, bool) {
    let mut w = raw;
    let mut breaks = false;
    for suffix in ["'s", "’s", "s'", "s’"] {
        if let Some(s) = w.strip_suffix(suffix) {
            w = if suffix.starts_with('s') {
                &w[..w.len() - suffix.len() + 1]
            } else {
                s
            };
            breaks = true;
        }
    }
    let is_initial =
        w.len() == 2 && w.ends_with('.') && w.chars().next().is_some_and(char::is_uppercase);
    let trimmed = if is_initial {
        w
    } else {
        w.trim_end_matches(['.', ',', ';', ':', '!', '?', '-'])
    };
    if trimmed.len() != w.len() {
        breaks = true;
    }
    (trimmed.trim_start_matches(['-', '\'', '‘']), breaks)
}

fn words_of(text: &str) -> Vec<Word<'_>> {
    let mut out: Vec<Word> = Vec::new();
    for raw in raw_words(text) {
        let (trimmed, breaks) = bare_word(raw);
        if trimmed.is_empty() {
            // Punctuation standing alone ends the run before it.
            if let Some(last) = out.last_mut() {
                last.breaks_after = true;
            }
            continue;
        }
        let capital = trimmed.chars().next().is_some_and(char::is_uppercase);
        out.push(Word {
            text: trimmed,
            capital,
            breaks_after: breaks,
        });
    }
    out
}

/// The capitalised words of `text`, as [`words_of`] finds them. A word is capitalised when the
/// first character after any leading `-`, `'`, `‘` of its piece is upper case, so the other
/// pieces are passed over without taking them apart.
fn capitalised_words(text: &str) -> impl Iterator<Item = &str> {
    raw_words(text).filter_map(|raw| {
        let first = raw.trim_start_matches(['-', '\'', '‘']).chars().next()?;
        if !first.is_uppercase() {
            return None;
        }
        let (w, _) = bare_word(raw);
        w.chars()
            .next()
            .is_some_and(char::is_uppercase)
            .then_some(w)
    })
}

/// A run of capitalised words in a text of a document.
#[derive(Debug, Clone, PartialEq)]
struct Run {
    doc: usize,
    /// How much a name seen here counts.
    weight: u32,
    words: Vec<String>,
    /// Whether a preposition stood before it.
    after_prep: bool,
    /// How many times the text holding it was added (a label used in many turns is added once).
    times: u32,
}

/// Capitalised-word runs of the documents' titles, citations, summaries and header lines, and
/// counts of every capitalised word in the whole corpus, for resolving names.
#[derive(Debug, Default)]
pub struct NameIndex {
    runs: Vec<Run>,
    /// Runs holding each word (lower case).
    postings: WordMap<String, Vec<u32>>,
    /// How often each capitalised word occurs in all text seen.
    counts: WordMap<String, u32>,
    /// [`NameIndex::extensions`] by (core, title): the same speaker in many documents is looked
    /// up once, not once per document (which made large corpora quadratic).
    memo: Mutex<HashMap<FormsKey, Arc<Forms>>>,
}

/// A speaker's name core and title words.
type FormsKey = (Vec<String>, Option<String>);

/// Every form of a core: (name words, weighted count, documents in ascending order).
type Forms = Vec<(Vec<String>, u32, Vec<usize>)>;

const PREPOSITIONS: &[&str] = &["to", "of", "from", "in", "at", "into", "for", "on"];

impl NameIndex {
    /// Counts the capitalised words of body text (it is not searched for names, only counted,
    /// so that a word found everywhere is not taken into a name).
    pub fn count(&mut self, text: &str) {
        for w in capitalised_words(text) {
            match self.counts.get_mut(w) {
                Some(n) => *n += 1,
                None => {
                    self.counts.insert(w.to_string(), 1);
                }
            }
        }
    }

    /// Adds what `later` saw after what this index saw: the same index as one that had been
    /// given all of `later`'s texts after its own (documents are numbered corpus-wide, so shares
    /// of the corpus are indexed apart, on all cores, and merged in order).
    pub fn merge(&mut self, later: NameIndex) {
        let offset = self.runs.len() as u32;
        self.runs.extend(later.runs);
        for (w, list) in later.postings {
            self.postings
                .entry(w)
                .or_default()
                .extend(list.into_iter().map(|id| id + offset));
        }
        for (w, n) in later.counts {
            *self.counts.entry(w).or_default() += n;
        }
    }

    /// Adds a text of document `doc` where names are written out; `weight` says how much a name
    /// seen here counts (document titles more than header lines).
    pub fn add(&mut self, doc: usize, weight: u32, text: &str) {
        self.add_times(doc, weight, text, 1);
    }

    /// [`NameIndex::add`] of the same text `times` times in a row, at the cost of once.
    pub fn add_times(&mut self, doc: usize, weight: u32, text: &str, times: u32) {
        let mut run: Vec<String> = Vec::new();
        let mut after_prep = false;
        let mut prev_prep = false;
        for w in words_of(text) {
            if w.capital {
                *self.counts.entry(w.text.to_string()).or_default() += times;
                if run.is_empty() {
                    after_prep = prev_prep;
                }
                run.push(w.text.to_string());
                if w.breaks_after {
                    self.flush(doc, weight, times, &mut run, after_prep);
                }
                prev_prep = false;
            } else {
                self.flush(doc, weight, times, &mut run, after_prep);
                prev_prep = PREPOSITIONS.contains(&w.text);
            }
        }
        self.flush(doc, weight, times, &mut run, after_prep);
    }

    fn flush(
        &mut self,
        doc: usize,
        weight: u32,
        times: u32,
        run: &mut Vec<String>,
        after_prep: bool,
    ) {
        if run.is_empty() {
            return;
        }
        let id = self.runs.len() as u32;
        for w in run.iter() {
            let list = self.postings.entry(w.to_lowercase()).or_default();
            if list.last() != Some(&id) {
                list.push(id);
            }
        }
        self.runs.push(Run {
            doc,
            weight,
            words: std::mem::take(run),
            after_prep,
            times,
        });
    }

    /// The full name for `core` as document `doc` uses it (the speaker's title words `title`
    /// help choose): the best longer form found in that document; else the one longer form
    /// found in the whole corpus, if there is exactly one; else the core itself.
    pub fn resolve(&self, doc: usize, core: &[String], title: Option<&str>) -> String {
        if core.is_empty() {
            return String::new();
        }
        let key = (core.to_vec(), title.map(str::to_string));
        // Documents are resolved on all cores: the lock is held only to look up and to store.
        let memo = || self.memo.lock().unwrap_or_else(PoisonError::into_inner);
        let cached = memo().get(&key).cloned();
        let found = match cached {
            Some(f) => f,
            None => {
                let f = Arc::new(self.extensions(core, title));
                memo().insert(key, f.clone());
                f
            }
        };
        let local = found
            .iter()
            .filter(|c| c.2.binary_search(&doc).is_ok() && c.0.len() > core.len())
            .max_by(|a, b| {
                (a.1, a.0.len())
                    .cmp(&(b.1, b.0.len()))
                    .then_with(|| b.0.cmp(&a.0))
            });
        if let Some(best) = local {
            return best.0.join(" ");
        }
        // Corpus-wide: only when every longer form is one name (`Stepan Chervonenko` and
        // `Stepan V. Chervonenko` are one; `Zhang Hanfu` and `Zhang Zifan` are two).
        let longer: Vec<&Vec<String>> = found
            .iter()
            .filter(|c| c.0.len() > core.len())
            .map(|c| &c.0)
            .collect();
        if let Some(longest) = longer.iter().max_by_key(|c| c.len()) {
            if longer.iter().all(|c| is_subsequence(c, longest)) {
                return longest.join(" ");
            }
        }
        core.join(" ")
    }

    /// Every form of `core` in the indexed texts: (name words, weighted count, documents).
    fn extensions(&self, core: &[String], title: Option<&str>) -> Forms {
        let Some(list) = self.postings.get(&core[0].to_lowercase()) else {
            return Vec::new();
        };
        let mut near: HashMap<&str, u32> = HashMap::new();
        let mut hits: Vec<(usize, usize)> = Vec::new();
        for &ri in list {
            let Run {
                words: run, times, ..
            } = &self.runs[ri as usize];
            for start in find_all(run, core) {
                hits.push((ri as usize, start));
                let lo = start.saturating_sub(3);
                let hi = (start + core.len() + 2).min(run.len());
                for w in run[lo..start].iter().chain(&run[start + core.len()..hi]) {
                    *near.entry(w.as_str()).or_default() += times;
                }
            }
        }
        let exclusive = |w: &str| -> bool {
            if is_title_word(w) || NOT_NAME_WORDS.contains(&w.to_lowercase().as_str()) {
                return false;
            }
            let total = self.counts.get(w).copied().unwrap_or(0).max(1);
            near.get(w).copied().unwrap_or(0) * 2 >= total
        };
        let title_words: Vec<String> = title
            .map(|t| t.split_whitespace().map(str::to_lowercase).collect())
            .unwrap_or_default();
        let mut found: HashMap<Vec<String>, (u32, Vec<usize>)> = HashMap::new();
        for (ri, start) in hits {
            let Run {
                doc,
                weight,
                words: run,
                after_prep,
                times,
            } = &self.runs[ri];
            // The first word of a run after "to"/"of" is a place, not a given name.
            let floor = usize::from(*after_prep);
            let mut lo = start;
            while lo > floor && start - lo < 3 && exclusive(&run[lo - 1]) {
                lo -= 1;
            }
            let mut hi = start + core.len();
            while hi < run.len() && hi - start - core.len() < 2 && exclusive(&run[hi]) {
                hi += 1;
            }
            // A name standing after the speaker's own title ("Vice Minister Ji Pengfei") counts more.
            let titled = !title_words.is_empty()
                && lo >= title_words.len()
                && run[lo - title_words.len()..lo]
                    .iter()
                    .zip(&title_words)
                    .all(|(a, b)| a.to_lowercase() == *b);
            let e = found.entry(run[lo..hi].to_vec()).or_default();
            e.0 += weight * times * if titled { 3 } else { 1 };
            // Runs are added document by document, so a form's documents come in order.
            if e.1.last() != Some(doc) {
                e.1.push(*doc);
            }
        }
        found.into_iter().map(|(k, (n, d))| (k, n, d)).collect()
    }
}

fn find_all(run: &[String], core: &[String]) -> Vec<usize> {
    if core.len() > run.len() {
        return Vec::new();
    }
    (0..=run.len() - core.len())
        .filter(|&i| {
            run[i..i + core.len()]
                .iter()
                .zip(core)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
        })
        .collect()
}

/// Is `a` contained in `b` in order (`Stepan Chervonenko` in `Stepan V. Chervonenko`)?
fn is_subsequence(a: &[String], b: &[String]) -> bool {
    let mut it = b.iter();
    a.iter().all(|x| it.any(|y| y == x))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    /// Texts with every kind of separator, multi-byte letters, possessives and initials.
    const TRICKY: &[&str] = &[
        "",
        "   ",
        "Li Weiming's [Vice Minister] (hereafter Li): “We” said \"no\".",
        "Ivan V. Petrov\u{a0}and\u{2003}Ş. Öztürk\u{3000}met—at\tthe\r\nKremlin's gate…",
        "-'Hello' ‘Quoted’ s' Jones’ — . , ; Ñandú Élan émigré [...] [“x”]",
        "a\u{85}B\u{2028}C\u{205f}D\u{1680}E  F.G. H. I-",
        "日本 Ω Ωmega ωmega (Σ) x",
    ];

    #[test]
    fn words_split_as_the_standard_split_does() {
        for text in TRICKY {
            let std: Vec<&str> = text.split(separates).filter(|w| !w.is_empty()).collect();
            assert_eq!(raw_words(text).collect::<Vec<_>>(), std, "{text:?}");
        }
    }

    #[test]
    fn capitalised_words_are_those_words_of_finds() {
        for text in TRICKY {
            let all: Vec<&str> = words_of(text)
                .into_iter()
                .filter(|w| w.capital)
                .map(|w| w.text)
                .collect();
            assert_eq!(capitalised_words(text).collect::<Vec<_>>(), all, "{text:?}");
        }
        assert_eq!(
            capitalised_words("Ivan V. Petrov's men and 'Ji' met -Zhou").collect::<Vec<_>>(),
            ["Ivan", "V.", "Petrov", "Ji'", "Zhou"]
        );
    }

    #[test]
    fn a_text_added_many_times_at_once_counts_as_often() {
        let texts = [
            (0, 3, "Talks of Vice Minister Li Weiming and Ivan Petrov"),
            (0, 2, "Minister Li Weiming"),
            (1, 2, "Li Zifan"),
            (1, 2, "Li"),
        ];
        let mut once = NameIndex::default();
        let mut repeated = NameIndex::default();
        for (d, w, t) in texts {
            once.add_times(d, w, t, 5);
            for _ in 0..5 {
                repeated.add(d, w, t);
            }
        }
        once.count("Li Weiming. Petrov Petrov.");
        repeated.count("Li Weiming. Petrov Petrov.");
        assert_eq!(once.counts, repeated.counts);
        for (doc, core, title) in [
            (0, "Li", Some("Vice Minister")),
            (1, "Li", None),
            (0, "Petrov", None),
        ] {
            assert_eq!(
                once.extensions(&s(&[core]), title)
                    .into_iter()
                    .collect::<std::collections::BTreeSet<_>>(),
                repeated
                    .extensions(&s(&[core]), title)
                    .into_iter()
                    .collect::<std::collections::BTreeSet<_>>(),
                "{core} in {doc}"
            );
            assert_eq!(
                once.resolve(doc, &s(&[core]), title),
                repeated.resolve(doc, &s(&[core]), title)
            );
        }
    }

    #[test]
    fn merged_shares_resolve_as_one_index() {
        let texts = [
            (
                0,
                3,
                "Meeting of Vice Minister Li Weiming with Ivan V. Petrov",
            ),
            (1, 1, "Petrov: We asked Ivan Petrov."),
            (2, 2, "Li Weiming and China"),
            (3, 1, "Petrov said"),
        ];
        let body = ["China is big. China again.", "Li: China. China."];
        let mut one = NameIndex::default();
        for (d, w, t) in texts {
            one.add(d, w, t);
        }
        for b in body {
            one.count(b);
        }
        let mut first = NameIndex::default();
        let mut second = NameIndex::default();
        for (d, w, t) in texts {
            if d < 2 { &mut first } else { &mut second }.add(d, w, t);
        }
        first.count(body[0]);
        second.count(body[1]);
        first.merge(second);
        assert_eq!(first.runs, one.runs);
        assert_eq!(first.postings, one.postings);
        assert_eq!(first.counts, one.counts);
        for (doc, core) in [(0, "Li"), (2, "Li"), (1, "Petrov"), (3, "Petrov")] {
            assert_eq!(
                first.resolve(doc, &s(&[core]), None),
                one.resolve(doc, &s(&[core]), None)
            );
        }
    }

    #[test]
    fn titles_come_off_labels() {
        assert_eq!(
            split_title("Vice Minister Ji"),
            (Some("Vice Minister".into()), s(&["Ji"]))
        );
        assert_eq!(
            split_title("Premier Zhou [Enlai]"),
            (Some("Premier".into()), s(&["Zhou", "Enlai"]))
        );
        assert_eq!(split_title("[Ivan] Petrov"), (None, s(&["Ivan", "Petrov"])));
        assert_eq!(split_title("Ambassador"), (None, s(&["Ambassador"])));
    }

    #[test]
    fn names_extend_by_exclusive_neighbours() {
        let mut ix = NameIndex::default();
        ix.add(0, 3, "Meeting between Vice Minister Li Weiming and the Ambassador of the Soviet Union to China Ivan V. Petrov");
        ix.add(1, 1, "Petrov: We asked Ivan Petrov. The Union.");
        ix.add(2, 1, "Petrov said");
        ix.count("Li: We went to China. China is big. Li: China again. China. China.");
        assert_eq!(
            ix.resolve(0, &s(&["Li"]), Some("Vice Minister")),
            "Li Weiming"
        );
        assert_eq!(ix.resolve(0, &s(&["Petrov"]), None), "Ivan V. Petrov");
        assert_eq!(ix.resolve(1, &s(&["Petrov"]), None), "Ivan Petrov");
        // Only the corpus knows the longer name: it is taken because it is the only one.
        assert_eq!(ix.resolve(2, &s(&["Petrov"]), None), "Ivan V. Petrov");
        assert_eq!(ix.resolve(1, &s(&["Nobody"]), None), "Nobody");
    }
}
