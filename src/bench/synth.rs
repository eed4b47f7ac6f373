//! Deterministic synthetic corpora in the seeds' format, and the questions asked of them.
//!
//! Every document copies the seeds' header layout (date line, title, `Citation:` with the quoted
//! title, `Summary:`, `Original Language:`, `Contents:`), then meeting lines and speaker turns
//! (`Title Full Name (hereafter Label): text`, later `Label: text`). Turn text is assembled from
//! the seeds' own sentences; ids, dates, titles, reference numbers and speaker names are generated
//! from a seeded pseudo-random stream, so the same size always gives the same corpus byte for byte.

use crate::corpus::date::MONTHS;
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::corpus::{Corpus, PassageKind};
use crate::search::excerpt::sentences;

/// SplitMix64: tiny, fast and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }

    /// Skewed towards small values (a few speakers and words recur a lot, most rarely).
    pub fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u * n as f64) as usize).min(n - 1)
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "ren", "vo", "lin", "ta", "mar", "so", "vel", "dor", "an", "ke", "li", "mo", "ra", "tin",
    "bor", "ze", "na", "gru", "pe", "sha", "ko", "vin", "del", "yu", "han", "ost", "ir", "ber",
    "lan", "mi", "tov", "ska", "zar", "en", "pol",
];
const TITLES: &[&str] = &[
    "Vice Minister",
    "Ambassador",
    "Deputy Director",
    "Premier",
    "Counselor",
    "First Secretary",
    "Chairman",
    "Comrade",
];
const MEETINGS: &[&str] = &[
    "Minutes of the Meeting between",
    "Transcript of a Meeting between",
    "Record of Conversation between",
    "Memorandum of Conversation between",
    "Minutes of the Talks between",
];
const VENUES: &[&str] = &[
    "Meeting Room, Ministry of Foreign Affairs",
    "Reception Room, East Block",
    "Embassy Residence",
    "Conference Hall, State Guesthouse",
];
const LANGUAGES: &[&str] = &["Chinese", "Russian", "German", "Polish", "Hungarian"];

/// Words a question never asks about (too common to say anything).
const DULL: &[&str] = &[
    "about", "which", "there", "their", "these", "those", "would", "could", "should", "shall",
    "being", "other", "after", "before", "while", "where", "whether", "because", "since", "still",
    "under", "again", "against", "always", "already", "another", "within", "without", "between",
];

/// A generated person.
#[derive(Debug, Clone)]
struct Person {
    title: &'static &'static str,
    given: String,
    surname: String,
}

impl Person {
    fn full(&self) -> String {
        format!("{} {}", self.given, self.surname)
    }
}

fn word(rng: &mut Rng, syllables: usize) -> String {
    let mut w: String = (0..syllables).map(|_| *rng.pick(SYLLABLES)).collect();
    if let Some(f) = w.get_mut(0..1) {
        f.make_ascii_uppercase();
    }
    w
}

/// The seeds' sentences (from turns and paragraphs), the material of every synthetic passage.
pub fn seed_sentences(seeds: &Path, base: &str) -> Result<Vec<String>> {
    let corpus = Corpus::load(seeds, base)?;
    let mut out = Vec::new();
    for d in &corpus.documents {
        for p in &d.passages {
            if !matches!(p.kind, PassageKind::Turn | PassageKind::Paragraph) {
                continue;
            }
            for (s, e) in sentences(&p.text) {
                let t = p.text[s..e].replace('\n', " ");
                if t.len() >= 20 {
                    out.push(t);
                }
            }
        }
    }
    anyhow::ensure!(
        !out.is_empty(),
        "no sentences found in the seeds at {}",
        seeds.display()
    );
    Ok(out)
}

/// One benchmark question and the words it is about (what the baselines search for).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BenchQuestion {
    pub question: String,
    pub terms: Vec<String>,
}

/// What a generation wrote.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Generated {
    pub documents: usize,
    pub passages: usize,
    pub bytes: u64,
    pub questions: Vec<BenchQuestion>,
    pub doc_ids: Vec<String>,
}

fn content_words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 5 && w.bytes().all(|b| b.is_ascii_lowercase()) && !DULL.contains(w))
        .collect()
}

/// Writes a corpus of about `passages` passages (headers included) into `out` (a fresh or empty
/// directory) and makes `n_questions` questions from it. `tick` is told the passages written.
pub fn generate(
    sentences: &[String],
    passages: usize,
    n_questions: usize,
    out: &Path,
    tick: &dyn Fn(usize),
) -> Result<Generated> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut rng = Rng::new(passages as u64);
    // Speakers recur across documents: about one person per five documents.
    let n_people = (passages / 150).max(12);
    let mut people: Vec<Person> = Vec::with_capacity(n_people);
    let mut surnames: HashSet<String> = HashSet::new();
    while people.len() < n_people {
        let syl = 2 + rng.below(2);
        let s = word(&mut rng, syl);
        if !surnames.insert(s.clone()) {
            continue;
        }
        people.push(Person {
            title: rng.pick(TITLES),
            given: word(&mut rng, 2),
            surname: s,
        });
    }
    let translators: Vec<String> = (0..20)
        .map(|_| format!("{} {}", word(&mut rng, 2), word(&mut rng, 3)))
        .collect();

    let mut written = 0usize;
    let mut bytes = 0u64;
    let mut documents = 0usize;
    let mut doc_ids = Vec::new();
    // Candidate questions: (speaker full name, speaker label, turn text) and plain passages.
    let mut turns_seen: Vec<(String, String, String)> = Vec::new();
    let every = (passages / (n_questions * 4).max(1)).max(1);
    while written < passages {
        let id = 200_000 + documents as u64 * 7 + rng.below(7) as u64;
        let n_speakers = 2 + rng.below(2);
        let mut who: Vec<usize> = Vec::new();
        while who.len() < n_speakers {
            let p = rng.skewed(people.len());
            if !who.contains(&p) {
                who.push(p);
            }
        }
        let year = 1950 + rng.below(30);
        let month = rng.below(12);
        let day = 1 + rng.below(28);
        let date = format!("{} {day}, {year}", MONTHS[month]);
        let (a, b) = (&people[who[0]], &people[who[1]]);
        let title = format!(
            "{} {} {} and {} {}",
            rng.pick(MEETINGS),
            a.title,
            a.full(),
            b.title,
            b.full()
        );
        let summary = format!(
            "{} and {} discuss {}",
            a.full(),
            b.full(),
            content_words(rng.pick(sentences).as_str())
                .iter()
                .take(4)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut doc = String::with_capacity(8192);
        doc.push_str(&format!("**{date}**\n\n**{title}**\n\n**Citation:**\n\n"));
        doc.push_str(&format!(
            "\"{title}\", {date}, Wilson Center Digital Archive, SYN FMA {}-{:05}-{:02}, {}-{}. Translated by {}.  \n<https://digitalarchive.wilsoncenter.org/document/{id}>\n\n",
            100 + rng.below(30),
            rng.below(100_000),
            rng.below(20),
            1 + rng.below(40),
            41 + rng.below(40),
            rng.pick(&translators)
        ));
        doc.push_str(&format!(
            "**Summary:**\n\n{summary}.\n\n**Original Language:**\n\n{}\n\n**Contents:**\n\nTranslation - English\n\n{title}\n\n",
            rng.pick(LANGUAGES)
        ));
        doc.push_str(&format!(
            "Date: {day} {} {year}, {}:00 p.m.\n\nVenue: {}\n\n",
            MONTHS[month],
            1 + rng.below(8),
            rng.pick(VENUES)
        ));
        written += 1; // the header passage
        let n_turns = (8 + rng.below(50)).min(passages.saturating_sub(written).max(2));
        let mut defined = vec![false; who.len()];
        for t in 0..n_turns {
            let k = if t < who.len() {
                t
            } else {
                rng.below(who.len())
            };
            let p = &people[who[k]];
            let n_sent = 1 + rng.below(3);
            let text: Vec<&str> = (0..n_sent).map(|_| rng.pick(sentences).as_str()).collect();
            let text = text.join(" ");
            if defined[k] {
                doc.push_str(&format!("{}: {text}\n\n", p.surname));
            } else {
                defined[k] = true;
                doc.push_str(&format!(
                    "{} {} (hereafter {}): {text}\n\n",
                    p.title,
                    p.full(),
                    p.surname
                ));
            }
            written += 1;
            if written.is_multiple_of(every) {
                turns_seen.push((p.full(), p.surname.clone(), text));
            }
        }
        let file = out.join(format!("{:07}_{id}.txt", documents));
        std::fs::File::create(&file)
            .and_then(|mut f| f.write_all(doc.as_bytes()))
            .with_context(|| format!("cannot write {}", file.display()))?;
        bytes += doc.len() as u64;
        doc_ids.push(id.to_string());
        documents += 1;
        if documents.is_multiple_of(200) {
            tick(written);
        }
    }
    tick(written);
    let questions = make_questions(&mut rng, &turns_seen, n_questions);
    Ok(Generated {
        documents,
        passages: written,
        bytes,
        questions,
        doc_ids,
    })
}

/// Four kinds of question, in turn: what a speaker (full name) said about a word of one of their
/// turns; what a speaker (surname) said about two words; two and three plain keywords.
fn make_questions(
    rng: &mut Rng,
    turns: &[(String, String, String)],
    n: usize,
) -> Vec<BenchQuestion> {
    let mut out = Vec::with_capacity(n);
    let mut tries = 0;
    while out.len() < n && !turns.is_empty() && tries < n * 50 {
        tries += 1;
        let (full, label, text) = rng.pick(turns);
        let words = content_words(text);
        let mut pick = |k: usize| -> Option<Vec<String>> {
            let mut v: Vec<String> = Vec::new();
            for _ in 0..k * 4 {
                let w = rng.pick(&words).to_string();
                if !v.contains(&w) {
                    v.push(w);
                }
                if v.len() == k {
                    return Some(v);
                }
            }
            None
        };
        if words.len() < 3 {
            continue;
        }
        let q = match out.len() % 4 {
            0 => pick(1).map(|t| (format!("what did {full} say about {}", t[0]), t)),
            1 => pick(2).map(|t| {
                (
                    format!("what did {label} say about {} and {}", t[0], t[1]),
                    t,
                )
            }),
            2 => pick(2).map(|t| (format!("{} {}", t[0], t[1]), t)),
            _ => pick(3).map(|t| (format!("who spoke about {} {} {}", t[0], t[1], t[2]), t)),
        };
        if let Some((question, terms)) = q {
            out.push(BenchQuestion { question, terms });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_parses() {
        let sents: Vec<String> = vec![
            "We have repeatedly expressed our opinions on this matter of borders.".into(),
            "The residents crossed the frontier during the spring harvest season.".into(),
            "Both governments hope normal conditions will be restored quickly.".into(),
        ];
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let ga = generate(&sents, 300, 20, a.path(), &|_| {}).unwrap();
        let gb = generate(&sents, 300, 20, b.path(), &|_| {}).unwrap();
        assert_eq!(ga.bytes, gb.bytes);
        assert_eq!(ga.doc_ids, gb.doc_ids);
        assert_eq!(ga.questions.len(), 20);
        assert!(ga.passages >= 300);
        let c = Corpus::load(a.path(), crate::corpus::DEFAULT_CANONICAL_BASE).unwrap();
        assert_eq!(c.documents.len(), ga.documents);
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        let passages: usize = c.documents.iter().map(|d| d.passages.len()).sum();
        assert_eq!(passages, ga.passages);
        // Defined speakers get their full names.
        let d = &c.documents[0];
        assert!(
            d.speakers.iter().all(|s| s.name.contains(' ')),
            "{:?}",
            d.speakers
        );
    }
}
