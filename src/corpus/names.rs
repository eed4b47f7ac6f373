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
    /// Its words: ids into [`NameIndex::words`], at `start..start + len` of `run_words`.
    start: u32,
    len: u32,
    /// Whether a preposition stood before it.
    after_prep: bool,
    /// How many times the text holding it was added (a label used in many turns is added once).
    times: u32,
}

/// Capitalised-word runs of the documents' titles, citations, summaries and header lines, and
/// counts of every capitalised word in the whole corpus, for resolving names.
///
/// Words are kept once each ([`NameIndex::words`]) and runs refer to them by number, so that the
/// index is stored beside the search index and read back in milliseconds ([`NameIndex::encode`]):
/// an incremental update takes the changed documents' runs and counts out and puts the new ones
/// in, without reading the other documents again.
#[derive(Debug, Default)]
pub struct NameIndex {
    /// Every capitalised word seen, as written; a word's id is its place.
    words: Vec<String>,
    ids: WordMap<String, u32>,
    /// How often each word occurs in all text seen (by id).
    counts: Vec<u32>,
    /// Each word's lower-case form, as a number into `postings`.
    lower: Vec<u32>,
    lower_ids: WordMap<String, u32>,
    /// Runs holding each lower-case form.
    postings: Vec<Vec<u32>>,
    runs: Vec<Run>,
    run_words: Vec<u32>,
    /// [`NameIndex::extensions`] by (core, title), with a digest of them: the same speaker in
    /// many documents is looked up once, not once per document (which made large corpora
    /// quadratic).
    memo: Mutex<HashMap<FormsKey, (Arc<Forms>, u64)>>,
}

/// What a change to a name index may have touched ([`NameIndex::change`]): the lower-case forms
/// of the words whose names may resolve otherwise.
#[derive(Debug, Default)]
pub struct Changed {
    groups: std::collections::HashSet<u32>,
}

/// A speaker's name core and title words.
type FormsKey = (Vec<String>, Option<String>);

/// Every form of a core: (name words, weighted count, documents in ascending order), sorted.
type Forms = Vec<(Vec<String>, u32, Vec<usize>)>;

/// What one document gives the name index: the texts where it writes names out, and how often
/// each capitalised word stands in its body. An index made by adding every document's inputs in
/// turn ([`NameIndex::add_inputs`]) is the one made by reading the documents; the inputs are
/// kept beside the search index, so that an update can make the name index of the changed
/// corpus without reading the documents that did not change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameInputs {
    pub texts: Vec<NameText>,
    /// Capitalised words of the body with their counts, sorted by word.
    pub body: Vec<(String, u32)>,
}

/// A text where a document writes names out ([`NameIndex::add_times`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameText {
    /// How much a name seen here counts.
    pub weight: u32,
    /// How many times the text stands in the document (a label, once per turn).
    pub times: u32,
    pub text: String,
}

impl NameInputs {
    /// Counts the capitalised words of body texts into [`NameInputs::body`].
    pub fn count_body<'a>(&mut self, texts: impl IntoIterator<Item = &'a str>) {
        let mut counts: WordMap<&str, u32> = WordMap::default();
        for t in texts {
            for w in capitalised_words(t) {
                *counts.entry(w).or_default() += 1;
            }
        }
        let mut body: Vec<(String, u32)> = counts
            .into_iter()
            .map(|(w, n)| (w.to_string(), n))
            .collect();
        body.sort_unstable();
        self.body = body;
    }
}

/// [`NameInputs`] packed into one buffer (a few allocations instead of one per word): how a
/// survey of the corpus holds every document's inputs until the name index is made. The body
/// comes first, so that [`PackedInputs::keep_body`] can let the texts go.
#[derive(Debug, Clone, Default)]
pub struct PackedInputs {
    bytes: Vec<u8>,
    /// Where the texts start.
    texts_at: usize,
}

impl NameInputs {
    /// These inputs packed.
    pub fn pack(&self) -> PackedInputs {
        let mut bytes = Vec::new();
        put_u32(&mut bytes, self.body.len() as u32);
        for (w, n) in &self.body {
            put_str(&mut bytes, w);
            put_u32(&mut bytes, *n);
        }
        let texts_at = bytes.len();
        for t in &self.texts {
            put_u32(&mut bytes, t.weight);
            put_u32(&mut bytes, t.times);
            put_str(&mut bytes, &t.text);
        }
        bytes.shrink_to_fit();
        PackedInputs { bytes, texts_at }
    }
}

impl PackedInputs {
    /// The inputs packed (the texts are empty after [`PackedInputs::keep_body`]).
    pub fn unpack(&self) -> NameInputs {
        let mut at = 0;
        let body = self.body_from(&mut at);
        let mut texts = Vec::new();
        let mut at = self.texts_at;
        while at < self.bytes.len() {
            let weight = take_u32(&self.bytes, &mut at);
            let times = take_u32(&self.bytes, &mut at);
            let text = take_str(&self.bytes, &mut at).to_string();
            texts.push(NameText {
                weight,
                times,
                text,
            });
        }
        NameInputs { texts, body }
    }

    /// The body counts.
    pub fn body(&self) -> Vec<(String, u32)> {
        self.body_from(&mut 0)
    }

    fn body_from(&self, at: &mut usize) -> Vec<(String, u32)> {
        let n = take_u32(&self.bytes, at) as usize;
        (0..n)
            .map(|_| {
                let w = take_str(&self.bytes, at).to_string();
                (w, take_u32(&self.bytes, at))
            })
            .collect()
    }

    /// Lets the texts go, once the name index has them.
    pub fn keep_body(&mut self) {
        self.bytes.truncate(self.texts_at);
        self.bytes.shrink_to_fit();
    }

    /// The body counts packed: a u32 count, then each word (a u32 length and its UTF-8 bytes)
    /// with its u32 count, little-endian (how `names.bin` stores them).
    pub fn into_body(mut self) -> Vec<u8> {
        self.keep_body();
        self.bytes
    }
}

fn put_u32(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

/// The u32 at `*at` of bytes [`PackedInputs`] wrote.
fn take_u32(bytes: &[u8], at: &mut usize) -> u32 {
    let n = u32::from_le_bytes(bytes[*at..*at + 4].try_into().expect("4 bytes"));
    *at += 4;
    n
}

/// The string at `*at` of bytes [`PackedInputs`] wrote (from a `&str`, so UTF-8).
fn take_str<'a>(bytes: &'a [u8], at: &mut usize) -> &'a str {
    let n = take_u32(bytes, at) as usize;
    let s = std::str::from_utf8(&bytes[*at..*at + n]).expect("packed from a str");
    *at += n;
    s
}

const PREPOSITIONS: &[&str] = &["to", "of", "from", "in", "at", "into", "for", "on"];

/// What [`NameIndex::encode`] writes first.
const INDEX_MAGIC: &[u8; 8] = b"ARCHNIX1";

impl NameIndex {
    /// The id of word `w`, given one if it is new.
    fn intern(&mut self, w: &str) -> u32 {
        if let Some(&id) = self.ids.get(w) {
            return id;
        }
        let id = self.words.len() as u32;
        self.words.push(w.to_string());
        self.ids.insert(w.to_string(), id);
        self.counts.push(0);
        let lower = w.to_lowercase();
        let g = match self.lower_ids.get(&lower) {
            Some(&g) => g,
            None => {
                let g = self.postings.len() as u32;
                self.postings.push(Vec::new());
                self.lower_ids.insert(lower, g);
                g
            }
        };
        self.lower.push(g);
        id
    }

    /// The words of run `r`.
    fn words_of_run(&self, r: &Run) -> &[u32] {
        &self.run_words[r.start as usize..(r.start + r.len) as usize]
    }

    /// Counts the capitalised words of body text (it is not searched for names, only counted,
    /// so that a word found everywhere is not taken into a name).
    pub fn count(&mut self, text: &str) {
        for w in capitalised_words(text) {
            let id = self.intern(w);
            self.counts[id as usize] += 1;
        }
    }

    /// Adds document `doc`'s inputs: the same as adding its texts and counting its body.
    /// Documents are added in ascending order of `doc`.
    pub fn add_inputs(&mut self, doc: usize, inputs: &NameInputs) {
        self.add_texts(doc, &inputs.texts);
        self.add_counts(&inputs.body);
    }

    /// Adds the texts of document `doc` where names are written out.
    pub fn add_texts(&mut self, doc: usize, texts: &[NameText]) {
        for t in texts {
            self.add_times(doc, t.weight, &t.text, t.times);
        }
    }

    /// Counts capitalised words of body text, given as (word, count).
    pub fn add_counts(&mut self, counts: &[(String, u32)]) {
        for (w, n) in counts {
            let id = self.intern(w);
            self.counts[id as usize] += n;
        }
    }

    /// Takes away counts of body text added before with [`NameIndex::add_counts`].
    pub fn sub_counts(&mut self, counts: &[(String, u32)]) {
        for (w, n) in counts {
            if let Some(&id) = self.ids.get(w.as_str()) {
                let c = &mut self.counts[id as usize];
                *c = c.saturating_sub(*n);
            }
        }
    }

    /// Takes the runs of the documents `docs` out, with the counts they added (their body
    /// counts go with [`NameIndex::sub_counts`]); gives back the runs taken out with their words.
    fn take_runs(&mut self, docs: &std::collections::HashSet<usize>) -> Vec<(Run, Vec<u32>)> {
        let mut taken = Vec::new();
        if !self.runs.iter().any(|r| docs.contains(&r.doc)) {
            return taken;
        }
        let runs = std::mem::take(&mut self.runs);
        let old_words = std::mem::take(&mut self.run_words);
        for p in &mut self.postings {
            p.clear();
        }
        for r in runs {
            let words = &old_words[r.start as usize..(r.start + r.len) as usize];
            if docs.contains(&r.doc) {
                for &w in words {
                    let c = &mut self.counts[w as usize];
                    *c = c.saturating_sub(r.times);
                }
                taken.push((r, words.to_vec()));
                continue;
            }
            let start = self.run_words.len() as u32;
            self.run_words.extend_from_slice(words);
            self.push_run(Run { start, ..r });
        }
        taken
    }

    /// Adds run `r`, whose words are in `run_words` already, to the runs and postings.
    fn push_run(&mut self, r: Run) {
        let id = self.runs.len() as u32;
        for &w in &self.run_words[r.start as usize..(r.start + r.len) as usize] {
            let list = &mut self.postings[self.lower[w as usize] as usize];
            if list.last() != Some(&id) {
                list.push(id);
            }
        }
        self.runs.push(r);
    }

    /// Adds what `later` saw after what this index saw: the same index as one that had been
    /// given all of `later`'s texts after its own (documents are numbered corpus-wide, so shares
    /// of the corpus are indexed apart, on all cores, and merged in order).
    pub fn merge(&mut self, later: NameIndex) {
        let map: Vec<u32> = later.words.iter().map(|w| self.intern(w)).collect();
        for (i, n) in later.counts.iter().enumerate() {
            self.counts[map[i] as usize] += n;
        }
        for r in later.runs {
            let start = self.run_words.len() as u32;
            let words = &later.run_words[r.start as usize..(r.start + r.len) as usize];
            self.run_words
                .extend(words.iter().map(|&w| map[w as usize]));
            self.push_run(Run { start, ..r });
        }
    }

    /// Adds a text of document `doc` where names are written out; `weight` says how much a name
    /// seen here counts (document titles more than header lines).
    pub fn add(&mut self, doc: usize, weight: u32, text: &str) {
        self.add_times(doc, weight, text, 1);
    }

    /// [`NameIndex::add`] of the same text `times` times in a row, at the cost of once.
    pub fn add_times(&mut self, doc: usize, weight: u32, text: &str, times: u32) {
        let mut run: Vec<u32> = Vec::new();
        let mut after_prep = false;
        let mut prev_prep = false;
        for w in words_of(text) {
            if w.capital {
                let id = self.intern(w.text);
                self.counts[id as usize] += times;
                if run.is_empty() {
                    after_prep = prev_prep;
                }
                run.push(id);
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

    fn flush(&mut self, doc: usize, weight: u32, times: u32, run: &mut Vec<u32>, after_prep: bool) {
        if run.is_empty() {
            return;
        }
        let start = self.run_words.len() as u32;
        self.run_words.append(run);
        self.push_run(Run {
            doc,
            weight,
            start,
            len: self.run_words.len() as u32 - start,
            after_prep,
            times,
        });
    }

    /// The forms of `core` (memoized) and their digest.
    fn forms(&self, core: &[String], title: Option<&str>) -> (Arc<Forms>, u64) {
        let key = (core.to_vec(), title.map(str::to_string));
        // Documents are resolved on all cores: the lock is held only to look up and to store.
        let memo = || self.memo.lock().unwrap_or_else(PoisonError::into_inner);
        let cached = memo().get(&key).cloned();
        match cached {
            Some(f) => f,
            None => {
                let forms = self.extensions(core, title);
                let d = digest(&forms);
                let f = (Arc::new(forms), d);
                memo().insert(key, f.clone());
                f
            }
        }
    }

    /// A digest of everything [`NameIndex::resolve`] reads for `core` and `title`: where it is
    /// the same in two indexes, every document that holds the same runs resolves the same.
    pub fn forms_digest(&self, core: &[String], title: Option<&str>) -> u64 {
        if core.is_empty() {
            return 0;
        }
        self.forms(core, title).1
    }

    /// Changes the index by documents: takes `remove` away (their runs, and `sub`, the counts
    /// of their bodies) and adds `add` (document numbers with their inputs). Returns what the
    /// change may have touched ([`NameIndex::may_differ`]).
    pub fn change(
        &mut self,
        remove: &std::collections::HashSet<usize>,
        sub: &[(String, u32)],
        add: &[(usize, &NameInputs)],
    ) -> Changed {
        // Counts before the change of every word it touches (a new word had none).
        let mut before: HashMap<u32, u32> = HashMap::new();
        let known = self.words.len();
        for r in self.runs.iter().filter(|r| remove.contains(&r.doc)) {
            for &w in self.words_of_run(r) {
                before.entry(w).or_insert(self.counts[w as usize]);
            }
        }
        let existing = |ix: &NameIndex, w: &str, before: &mut HashMap<u32, u32>| {
            if let Some(&id) = ix.ids.get(w) {
                before.entry(id).or_insert(ix.counts[id as usize]);
            }
        };
        for (w, _) in sub {
            existing(self, w, &mut before);
        }
        for (_, inputs) in add {
            for t in &inputs.texts {
                for w in words_of(&t.text).iter().filter(|w| w.capital) {
                    existing(self, w.text, &mut before);
                }
            }
            for (w, _) in &inputs.body {
                existing(self, w, &mut before);
            }
        }
        let removed = self.take_runs(remove);
        self.sub_counts(sub);
        let first_added = self.runs.len();
        for (doc, inputs) in add {
            self.add_inputs(*doc, inputs);
        }
        for id in known..self.words.len() {
            before.insert(id as u32, 0);
        }
        self.touched_groups(&removed, first_added, &before)
    }

    /// The lower-case forms whose names a change may have touched: every word of a run taken
    /// away or added, and every word standing in runs beside a word whose count changed, where
    /// those runs hold enough of that word that the change may turn
    /// [`NameIndex::extensions`]'s "found (almost) only next to it" for a name starting there.
    fn touched_groups(
        &self,
        removed: &[(Run, Vec<u32>)],
        first_added: usize,
        before: &HashMap<u32, u32>,
    ) -> Changed {
        let mut groups: std::collections::HashSet<u32> = std::collections::HashSet::new();
        for (_, words) in removed {
            groups.extend(words.iter().map(|&w| self.lower[w as usize]));
        }
        for r in &self.runs[first_added..] {
            groups.extend(self.words_of_run(r).iter().map(|&w| self.lower[w as usize]));
        }
        for (&w, &t0) in before {
            let t1 = self.counts[w as usize];
            if t0 == t1 {
                continue;
            }
            // The most a name's neighbourhood can count `w` in a run: each hit of the name (at
            // most as many as its first word stands there: the most any word does) beside each
            // place `w` stands. Summed by the names' first words over the runs holding `w`.
            let mut near: HashMap<u32, u64> = HashMap::new();
            let mut add = |times: u32, words: &[u32]| {
                let here = words.iter().filter(|&&x| x == w).count() as u64;
                let mut in_run: Vec<u32> = words.iter().map(|&x| self.lower[x as usize]).collect();
                in_run.sort_unstable();
                let most = in_run
                    .chunk_by(|a, b| a == b)
                    .map(<[u32]>::len)
                    .max()
                    .unwrap_or(0) as u64;
                in_run.dedup();
                for g in in_run {
                    *near.entry(g).or_default() += u64::from(times) * most * here;
                }
            };
            for &ri in &self.postings[self.lower[w as usize] as usize] {
                let r = &self.runs[ri as usize];
                add(r.times, self.words_of_run(r));
            }
            for (r, words) in removed {
                add(r.times, words);
            }
            let floor = u64::from(t0.min(t1).max(1));
            groups.extend(
                near.into_iter()
                    .filter(|(_, n)| 2 * n >= floor)
                    .map(|(g, _)| g),
            );
        }
        Changed { groups }
    }

    /// The lower-case forms of the words in the runs of documents `docs` (for
    /// [`NameIndex::may_differ`]: the names whose forms may stand in them).
    pub fn groups_of_docs(&self, docs: &std::collections::HashSet<usize>) -> Changed {
        let groups = self
            .runs
            .iter()
            .filter(|r| docs.contains(&r.doc))
            .flat_map(|r| self.words_of_run(r).iter().map(|&w| self.lower[w as usize]))
            .collect();
        Changed { groups }
    }

    /// Whether the names of `core` may differ after the change `changed` from before it: where
    /// not, every document that kept its runs resolves it as before.
    pub fn may_differ(&self, changed: &Changed, core: &[String]) -> bool {
        core.first().is_some_and(|c| {
            self.lower_ids
                .get(c.to_lowercase().as_str())
                .is_some_and(|g| changed.groups.contains(g))
        })
    }

    /// Whether any form of `core` stands in one of the documents `docs`.
    pub fn forms_name_any(
        &self,
        core: &[String],
        title: Option<&str>,
        docs: &std::collections::HashSet<usize>,
    ) -> bool {
        !core.is_empty()
            && self
                .forms(core, title)
                .0
                .iter()
                .any(|f| f.2.iter().any(|d| docs.contains(d)))
    }

    /// Gives documents new numbers (`moved`: old → new); what was looked up before is forgotten.
    pub fn renumber(&mut self, moved: &HashMap<usize, usize>) {
        for r in &mut self.runs {
            if let Some(&n) = moved.get(&r.doc) {
                r.doc = n;
            }
        }
        self.memo
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The full name for `core` as document `doc` uses it (the speaker's title words `title`
    /// help choose): the best longer form found in that document; else the one longer form
    /// found in the whole corpus, if there is exactly one; else the core itself.
    pub fn resolve(&self, doc: usize, core: &[String], title: Option<&str>) -> String {
        if core.is_empty() {
            return String::new();
        }
        let (found, _) = self.forms(core, title);
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
        let Some(list) = self
            .lower_ids
            .get(core[0].to_lowercase().as_str())
            .map(|&g| &self.postings[g as usize])
        else {
            return Vec::new();
        };
        let text = |w: u32| self.words[w as usize].as_str();
        let mut near: HashMap<u32, u32> = HashMap::new();
        let mut hits: Vec<(usize, usize)> = Vec::new();
        for &ri in list {
            let r = &self.runs[ri as usize];
            let run = self.words_of_run(r);
            for start in find_all(run, core, &text) {
                hits.push((ri as usize, start));
                let lo = start.saturating_sub(3);
                let hi = (start + core.len() + 2).min(run.len());
                for &w in run[lo..start].iter().chain(&run[start + core.len()..hi]) {
                    *near.entry(w).or_default() += r.times;
                }
            }
        }
        let exclusive = |w: u32| -> bool {
            let t = text(w);
            if is_title_word(t) || NOT_NAME_WORDS.contains(&t.to_lowercase().as_str()) {
                return false;
            }
            let total = self.counts[w as usize].max(1);
            near.get(&w).copied().unwrap_or(0) * 2 >= total
        };
        let title_words: Vec<String> = title
            .map(|t| t.split_whitespace().map(str::to_lowercase).collect())
            .unwrap_or_default();
        let mut found: HashMap<&[u32], (u32, Vec<usize>)> = HashMap::new();
        for (ri, start) in hits {
            let r = &self.runs[ri];
            let run = self.words_of_run(r);
            // The first word of a run after "to"/"of" is a place, not a given name.
            let floor = usize::from(r.after_prep);
            let mut lo = start;
            while lo > floor && start - lo < 3 && exclusive(run[lo - 1]) {
                lo -= 1;
            }
            let mut hi = start + core.len();
            while hi < run.len() && hi - start - core.len() < 2 && exclusive(run[hi]) {
                hi += 1;
            }
            // A name standing after the speaker's own title ("Vice Minister Ji Pengfei") counts more.
            let titled = !title_words.is_empty()
                && lo >= title_words.len()
                && run[lo - title_words.len()..lo]
                    .iter()
                    .zip(&title_words)
                    .all(|(&a, b)| text(a).to_lowercase() == *b);
            let e = found.entry(&run[lo..hi]).or_default();
            e.0 += r.weight * r.times * if titled { 3 } else { 1 };
            e.1.push(r.doc);
        }
        let mut forms: Forms = found
            .into_iter()
            .map(|(k, (n, mut d))| {
                d.sort_unstable();
                d.dedup();
                (k.iter().map(|&w| text(w).to_string()).collect(), n, d)
            })
            .collect();
        forms.sort_unstable();
        forms
    }

    /// The index as bytes (words with their counts, then runs), for [`NameIndex::decode`].
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 * self.run_words.len() + 16 * self.words.len());
        out.extend_from_slice(INDEX_MAGIC);
        let put = |out: &mut Vec<u8>, v: u32| out.extend_from_slice(&v.to_le_bytes());
        put(&mut out, self.words.len() as u32);
        for (w, &n) in self.words.iter().zip(&self.counts) {
            put(&mut out, w.len() as u32);
            out.extend_from_slice(w.as_bytes());
            put(&mut out, n);
        }
        put(&mut out, self.runs.len() as u32);
        for r in &self.runs {
            out.extend_from_slice(&(r.doc as u64).to_le_bytes());
            put(&mut out, r.weight);
            put(&mut out, r.times);
            out.push(u8::from(r.after_prep));
            put(&mut out, r.len);
            for &w in self.words_of_run(r) {
                put(&mut out, w);
            }
        }
        out
    }

    /// The index [`NameIndex::encode`] wrote, or why the bytes are not one.
    pub fn decode(bytes: &[u8]) -> Result<NameIndex, &'static str> {
        let mut at = 0usize;
        let mut take = |n: usize| -> Result<&[u8], &'static str> {
            let b = bytes.get(at..at + n).ok_or("truncated")?;
            at += n;
            Ok(b)
        };
        if take(8)? != INDEX_MAGIC {
            return Err("not a name index");
        }
        let u32_of = |b: &[u8]| u32::from_le_bytes(b.try_into().expect("4 bytes"));
        let mut ix = NameIndex::default();
        let words = u32_of(take(4)?);
        for _ in 0..words {
            let n = u32_of(take(4)?) as usize;
            let w = std::str::from_utf8(take(n)?).map_err(|_| "a word is not UTF-8")?;
            let count = u32_of(take(4)?);
            let id = ix.intern(w);
            if id as usize != ix.words.len() - 1 {
                return Err("a word stands twice");
            }
            ix.counts[id as usize] = count;
        }
        let runs = u32_of(take(4)?);
        for _ in 0..runs {
            let doc = u64::from_le_bytes(take(8)?.try_into().expect("8 bytes")) as usize;
            let weight = u32_of(take(4)?);
            let times = u32_of(take(4)?);
            let after_prep = take(1)?[0] != 0;
            let len = u32_of(take(4)?);
            let start = ix.run_words.len() as u32;
            for _ in 0..len {
                let w = u32_of(take(4)?);
                if w >= words {
                    return Err("a run names a word that is not there");
                }
                ix.run_words.push(w);
            }
            ix.push_run(Run {
                doc,
                weight,
                start,
                len,
                after_prep,
                times,
            });
        }
        if at != bytes.len() {
            return Err("trailing bytes");
        }
        Ok(ix)
    }

    /// Every word with its count, by word (for comparing indexes made in different orders).
    #[cfg(test)]
    fn count_map(&self) -> std::collections::BTreeMap<String, u32> {
        self.words
            .iter()
            .cloned()
            .zip(self.counts.iter().copied())
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// Every run as (document, weight, words, after a preposition, times), in order.
    #[cfg(test)]
    fn run_list(&self) -> Vec<(usize, u32, Vec<String>, bool, u32)> {
        self.runs
            .iter()
            .map(|r| {
                let w = self
                    .words_of_run(r)
                    .iter()
                    .map(|&w| self.words[w as usize].clone())
                    .collect();
                (r.doc, r.weight, w, r.after_prep, r.times)
            })
            .collect()
    }
}

/// FNV-1a of the forms: the same on every machine and build, so a digest stored with an index
/// still means the same to the next binary.
fn digest(forms: &Forms) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (words, n, docs) in forms {
        for w in words {
            eat(w.as_bytes());
            eat(&[0]);
        }
        eat(&n.to_le_bytes());
        for d in docs {
            eat(&(*d as u64).to_le_bytes());
        }
        eat(&[0xff]);
    }
    h
}

fn find_all<'a>(run: &[u32], core: &[String], text: &impl Fn(u32) -> &'a str) -> Vec<usize> {
    if core.len() > run.len() {
        return Vec::new();
    }
    (0..=run.len() - core.len())
        .filter(|&i| {
            run[i..i + core.len()]
                .iter()
                .zip(core)
                .all(|(&a, b)| text(a).eq_ignore_ascii_case(b))
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

    #[test]
    fn packed_inputs_unpack_to_themselves_and_keep_their_body() {
        let inputs = NameInputs {
            texts: vec![
                NameText {
                    weight: 3,
                    times: 1,
                    text: "Talks of Minister Vell Oranu".into(),
                },
                NameText {
                    weight: 2,
                    times: 7,
                    text: "Oranu:".into(),
                },
            ],
            body: vec![("Oranu".into(), 4), ("Ésteve".into(), 1)],
        };
        let mut packed = inputs.pack();
        assert_eq!(packed.unpack(), inputs);
        assert_eq!(packed.body(), inputs.body);
        packed.keep_body();
        assert!(packed.unpack().texts.is_empty());
        assert_eq!(packed.body(), inputs.body);
        assert_eq!(NameInputs::default().pack().unpack(), NameInputs::default());
    }

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
        assert_eq!(once.count_map(), repeated.count_map());
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

    /// Made-up documents: (texts with their weights, body).
    fn made_up_docs() -> Vec<NameInputs> {
        let doc = |texts: &[(u32, u32, &str)], body: &str| {
            let mut i = NameInputs {
                texts: texts
                    .iter()
                    .map(|&(weight, times, t)| NameText {
                        weight,
                        times,
                        text: t.into(),
                    })
                    .collect(),
                body: Vec::new(),
            };
            i.count_body([body]);
            i
        };
        vec![
            doc(
                &[(3, 1, "Talks of Vice Minister Li Weiming and Ivan V. Petrov")],
                "Li: China is big. Petrov: China.",
            ),
            doc(
                &[(2, 4, "Petrov"), (1, 1, "Ivan Petrov of Moscow")],
                "Moscow. Moscow.",
            ),
            doc(&[(2, 3, "Li"), (2, 1, "Li Zifan")], "Li said so. China."),
            doc(&[(3, 1, "Meeting with Li Weiming")], "China. China. Li."),
            doc(
                &[(3, 1, "Minister Li Zifan to Moscow")],
                "Li Zifan and Moscow.",
            ),
        ]
    }

    #[test]
    fn a_stored_index_changed_by_documents_resolves_as_one_made_anew() {
        let docs = made_up_docs();
        let index_of = |which: &[usize]| {
            let mut ix = NameIndex::default();
            for &d in which {
                ix.add_inputs(d, &docs[d]);
            }
            ix
        };
        let before = index_of(&[0, 1, 2, 3]);
        let mut changed = NameIndex::decode(&before.encode()).unwrap();
        assert_eq!(changed.run_list(), before.run_list());
        changed.change(&[1].into_iter().collect(), &docs[1].body, &[(4, &docs[4])]);
        let anew = index_of(&[0, 2, 3, 4]);
        assert_eq!(changed.run_list(), anew.run_list());
        assert_eq!(changed.count_map(), anew.count_map());
        for (doc, core, title) in [
            (0, "Li", Some("Vice Minister")),
            (2, "Li", None),
            (4, "Li", Some("Minister")),
            (0, "Petrov", None),
            (3, "Weiming", None),
        ] {
            let core = s(&[core]);
            assert_eq!(
                changed.resolve(doc, &core, title),
                anew.resolve(doc, &core, title)
            );
            assert_eq!(
                changed.forms_digest(&core, title),
                anew.forms_digest(&core, title)
            );
        }
        // Taking a document away changes what its names resolve to, and the digest says so.
        assert_ne!(
            before.forms_digest(&s(&["Petrov"]), None),
            anew.forms_digest(&s(&["Petrov"]), None)
        );
        assert!(NameIndex::decode(&before.encode()[..20]).is_err());
    }

    #[test]
    fn a_change_says_which_names_it_may_touch() {
        let docs = made_up_docs();
        let mut before = NameIndex::default();
        for (d, i) in docs.iter().enumerate().take(4) {
            before.add_inputs(d, i);
        }
        let mut after = NameIndex::decode(&before.encode()).unwrap();
        let changed = after.change(&[1].into_iter().collect(), &docs[1].body, &[(4, &docs[4])]);
        let cores = [
            "Li", "Weiming", "Petrov", "Ivan", "Zifan", "Moscow", "China", "Talks",
        ];
        let mut touched = 0;
        for core in cores {
            let core = s(&[core]);
            for title in [None, Some("Minister")] {
                if after.may_differ(&changed, &core) {
                    touched += 1;
                } else {
                    assert_eq!(
                        after.forms_digest(&core, title),
                        before.forms_digest(&core, title),
                        "{core:?} said untouched"
                    );
                }
            }
        }
        assert!(touched > 0 && touched < 2 * cores.len(), "{touched}");
        assert!(after.may_differ(&changed, &s(&["Petrov"])));
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
        assert_eq!(first.run_list(), one.run_list());
        assert_eq!(first.count_map(), one.count_map());
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
