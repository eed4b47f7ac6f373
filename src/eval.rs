//! Answer-quality evaluation over a question set (`archivist eval FILE`), as
//! `shared/eval/README.md` defines it: Hit@1, Hit@3, MRR@10, quote@3, speaker precision@3.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::answer::{Answer, Explanation, Quote};
use crate::search::{AskRequest, Engine};

/// One line of the question file.
#[derive(Debug, Clone, Deserialize)]
pub struct EvalQuestion {
    pub id: String,
    pub question: String,
    #[serde(default)]
    pub speaker: Option<String>,
    pub gold: Vec<String>,
}

/// How one question fared.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionResult {
    pub id: String,
    pub question: String,
    /// 1-based rank of the first hit in the top 10.
    pub rank: Option<usize>,
    pub quote_hit: bool,
    /// Share of the top 3 by the asked-about speaker (questions with a speaker only).
    pub speaker_precision: Option<f64>,
    /// (doc_id#passage, speaker) of the top 3, for reading failures.
    pub top: Vec<String>,
    /// The quotes shown for the top 3.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub quotes: Vec<String>,
    /// Why the results ranked as they did (with `explain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explanation>,
}

/// The metrics over a question set.
#[derive(Debug, Clone, Serialize)]
pub struct Metrics {
    pub questions: usize,
    pub hit_at_1: f64,
    pub hit_at_3: f64,
    pub mrr_at_10: f64,
    pub quote_at_3: f64,
    pub speaker_precision_at_3: f64,
    pub per_question: Vec<QuestionResult>,
}

/// Reads a JSON-lines question file; a bad line is an error naming its number.
pub fn read_questions(path: &std::path::Path) -> Result<Vec<EvalQuestion>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .with_context(|| format!("{}:{}: not a question object", path.display(), i + 1))
        })
        .collect()
}

/// Whitespace runs folded to one space, lower case.
fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn contains_gold(text: &str, gold: &[String]) -> bool {
    let t = fold(text);
    gold.iter().any(|g| t.contains(&fold(g)))
}

/// Is this quote by the person the question names (full name, surname or label)?
pub fn same_person(q: &Quote, asked: &str) -> bool {
    let asked = fold(asked);
    let asked_words: Vec<&str> = asked.split(' ').filter(|w| w.len() > 1).collect();
    let mut names: Vec<String> = Vec::new();
    names.extend(q.speaker.as_deref().map(fold));
    names.extend(q.label.as_deref().map(fold));
    names.iter().any(|n| {
        *n == asked
            || n.split(' ').any(|w| asked_words.contains(&w))
            || asked_words.contains(&n.as_str())
    })
}

/// Scores one answer against its question.
pub fn score(q: &EvalQuestion, a: &Answer) -> QuestionResult {
    let rank = a
        .results
        .iter()
        .take(10)
        .position(|r| contains_gold(&r.text, &q.gold))
        .map(|i| i + 1);
    let top3 = &a.results[..a.results.len().min(3)];
    let quote_hit = top3.iter().any(|r| contains_gold(&r.quote, &q.gold));
    let speaker_precision = q.speaker.as_deref().map(|s| {
        if top3.is_empty() {
            0.0
        } else {
            top3.iter().filter(|r| same_person(r, s)).count() as f64 / top3.len() as f64
        }
    });
    QuestionResult {
        id: q.id.clone(),
        question: q.question.clone(),
        rank,
        quote_hit,
        speaker_precision,
        top: top3
            .iter()
            .map(|r| {
                format!(
                    "{}#{} {}",
                    r.doc_id,
                    r.passage,
                    r.speaker.as_deref().unwrap_or("-")
                )
            })
            .collect(),
        quotes: top3.iter().map(|r| r.quote.clone()).collect(),
        explain: a.explain.clone(),
    }
}

/// Runs every question through the engine (top 10) and computes the metrics; with `explain`,
/// each result says why it ranked.
pub fn evaluate(engine: &Engine, questions: &[EvalQuestion], explain: bool) -> Metrics {
    let per: Vec<QuestionResult> = questions
        .iter()
        .map(|q| {
            let a = engine.ask(&AskRequest {
                question: q.question.clone(),
                limit: 10,
                explain,
                ..Default::default()
            });
            score(q, &a)
        })
        .collect();
    let n = per.len().max(1) as f64;
    let share =
        |f: &dyn Fn(&QuestionResult) -> bool| per.iter().filter(|r| f(r)).count() as f64 / n;
    let with_speaker: Vec<f64> = per.iter().filter_map(|r| r.speaker_precision).collect();
    Metrics {
        questions: per.len(),
        hit_at_1: share(&|r| r.rank == Some(1)),
        hit_at_3: share(&|r| r.rank.is_some_and(|k| k <= 3)),
        mrr_at_10: per
            .iter()
            .map(|r| r.rank.map(|k| 1.0 / k as f64).unwrap_or(0.0))
            .sum::<f64>()
            / n,
        quote_at_3: share(&|r| r.quote_hit),
        speaker_precision_at_3: if with_speaker.is_empty() {
            1.0
        } else {
            with_speaker.iter().sum::<f64>() / with_speaker.len() as f64
        },
        per_question: per,
    }
}
