//! Full names for speaker labels, learned from the documents themselves.
//!
//! A label (`Ji`, `Vice Minister Zhang`, `[Ivan] Petrov`) loses its titles to give a core
//! (`Ji`, `Zhang`, `Stepan Chervonenko`). The core is then found in the documents' own text (titles,
//! summaries, attendee lines, the body) inside runs of capitalised words, and extended by the
//! neighbouring words that occur (almost) only next to it: `Ji` → `Ji Pengfei`,
//! `Chervonenko` → `Stepan V. Chervonenko`, while `China` (which stands everywhere) is not taken
//! into `China Stepan V. Chervonenko`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

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

fn words_of(text: &str) -> Vec<Word<'_>> {
    // Brackets and quotation marks separate words like spaces do.
    let mut out: Vec<Word> = Vec::new();
    for raw in text
        .split(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | '(' | ')' | '"' | '“' | '”'))
        .filter(|w| !w.is_empty())
    {
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
        let trimmed = trimmed.trim_start_matches(['-', '\'', '‘']);
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

/// Capitalised-word runs of the documents' titles, citations, summaries and header lines, and
/// counts of every capitalised word in the whole corpus, for resolving names.
#[derive(Debug, Default)]
pub struct NameIndex {
    /// (document, weight, run of capitalised words, whether a preposition stood before it).
    runs: Vec<(usize, u32, Vec<String>, bool)>,
    /// Runs holding each word (lower case).
    postings: HashMap<String, Vec<u32>>,
    /// How often each capitalised word occurs in all text seen.
    counts: HashMap<String, u32>,
    /// [`NameIndex::extensions`] by (core, title): the same speaker in many documents is looked
    /// up once, not once per document (which made large corpora quadratic).
    memo: RefCell<HashMap<FormsKey, Rc<Forms>>>,
}

/// How often each capitalised word occurs in some text: counted apart (one per thread), then
/// absorbed into the [`NameIndex`].
#[derive(Debug, Default)]
pub struct Counts(HashMap<String, u32>);

impl Counts {
    /// Counts the capitalised words of `text` (running text, not a place names are written out).
    pub fn count(&mut self, text: &str) {
        for w in words_of(text) {
            if w.capital {
                match self.0.get_mut(w.text) {
                    Some(n) => *n += 1,
                    None => {
                        self.0.insert(w.text.to_string(), 1);
                    }
                }
            }
        }
    }
}

/// A speaker's name core and title words.
type FormsKey = (Vec<String>, Option<String>);

/// Every form of a core: (name words, weighted count, documents in ascending order).
type Forms = Vec<(Vec<String>, u32, Vec<usize>)>;

const PREPOSITIONS: &[&str] = &["to", "of", "from", "in", "at", "into", "for", "on"];

impl NameIndex {
    /// Counts the capitalised words of body text (it is not searched for names, only counted,
    /// so that a word found everywhere is not taken into a name).
    /// Adds the counts of capitalised words made elsewhere ([`Counts`]).
    pub fn absorb(&mut self, counts: Counts) {
        for (w, n) in counts.0 {
            *self.counts.entry(w).or_default() += n;
        }
    }

    /// Adds a text of document `doc` where names are written out; `weight` says how much a name
    /// seen here counts (document titles more than header lines).
    pub fn add(&mut self, doc: usize, weight: u32, text: &str) {
        let mut run: Vec<String> = Vec::new();
        let mut after_prep = false;
        let mut prev_prep = false;
        for w in words_of(text) {
            if w.capital {
                *self.counts.entry(w.text.to_string()).or_default() += 1;
                if run.is_empty() {
                    after_prep = prev_prep;
                }
                run.push(w.text.to_string());
                if w.breaks_after {
                    self.flush(doc, weight, &mut run, after_prep);
                }
                prev_prep = false;
            } else {
                self.flush(doc, weight, &mut run, after_prep);
                prev_prep = PREPOSITIONS.contains(&w.text);
            }
        }
        self.flush(doc, weight, &mut run, after_prep);
    }

    fn flush(&mut self, doc: usize, weight: u32, run: &mut Vec<String>, after_prep: bool) {
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
        self.runs
            .push((doc, weight, std::mem::take(run), after_prep));
    }

    /// The full name for `core` as document `doc` uses it (the speaker's title words `title`
    /// help choose): the best longer form found in that document; else the one longer form
    /// found in the whole corpus, if there is exactly one; else the core itself.
    pub fn resolve(&self, doc: usize, core: &[String], title: Option<&str>) -> String {
        if core.is_empty() {
            return String::new();
        }
        let key = (core.to_vec(), title.map(str::to_string));
        let cached = self.memo.borrow().get(&key).cloned();
        let found = match cached {
            Some(f) => f,
            None => {
                let f = Rc::new(self.extensions(core, title));
                self.memo.borrow_mut().insert(key, f.clone());
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
            let run = &self.runs[ri as usize].2;
            for start in find_all(run, core) {
                hits.push((ri as usize, start));
                let lo = start.saturating_sub(3);
                let hi = (start + core.len() + 2).min(run.len());
                for w in run[lo..start].iter().chain(&run[start + core.len()..hi]) {
                    *near.entry(w.as_str()).or_default() += 1;
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
            let (doc, weight, run, after_prep) = &self.runs[ri];
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
            e.0 += weight * if titled { 3 } else { 1 };
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
        let mut counts = Counts::default();
        counts.count("Li: We went to China. China is big. Li: China again. China. China.");
        ix.absorb(counts);
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
