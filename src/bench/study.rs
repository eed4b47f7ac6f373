//! The study tools under load (`bench --worker study`): `verify` on 60-word quotations cut
//! from the corpus's own passages (as they stand, with an omission, with a word changed, and
//! reversed — invented), `contexts` and `trend` on the benchmark's question words. Latencies
//! per tool, and the verdicts counted, so a run also shows that the verdicts hold at this size.
//! The target: `verify` p99 ≤ 50 ms on 100 thousand passages.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::synth::Generated;
use super::Lat;
use crate::search::Engine;
use crate::study::{self, ContextsRequest, TrendRequest, Unit, VerifyRequest};

/// Words in each quotation.
pub const QUOTE_WORDS: usize = 60;
/// Passages quotations are cut from (spread over the corpus).
const QUOTED_PASSAGES: usize = 150;

/// What the study worker measured (latencies in microseconds).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StudyFigures {
    /// Every `verify` call, all kinds of quotation together.
    pub verify: Lat,
    /// Per kind of quotation (`exact`, `omission`, `changed`, `invented`).
    pub verify_by_kind: BTreeMap<String, Lat>,
    /// Per kind, how many got the verdict expected of it, and how many there were.
    pub verdicts_right: BTreeMap<String, (usize, usize)>,
    pub contexts: Lat,
    /// The first `trend` (counts every document's words once per index), in ms.
    pub trend_first_ms: f64,
    pub trend: Lat,
}

/// A quotation to check and the verdict it should get.
struct Quotation {
    kind: &'static str,
    text: String,
    expect: study::Verdict,
}

/// Quotations of [`QUOTE_WORDS`] words cut from passages spread over the corpus.
fn quotations(engine: &Engine, gen: &Generated) -> Vec<Quotation> {
    let mut out = Vec::new();
    let step = (gen.doc_ids.len() / QUOTED_PASSAGES).max(1);
    for id in gen.doc_ids.iter().step_by(step) {
        let Ok(passages) = engine.passages_of(id) else {
            continue;
        };
        let Some(p) = passages
            .iter()
            .find(|p| p.passage > 0 && p.text.split_whitespace().count() >= QUOTE_WORDS)
        else {
            continue;
        };
        let words: Vec<&str> = p.text.split_whitespace().take(QUOTE_WORDS).collect();
        // A word changed near the middle, outside brackets (a bracket in a quotation is the
        // writer's own insertion, so a change there is no change to the source).
        let mut depth = 0i32;
        let outside: Vec<bool> = words
            .iter()
            .map(|w| {
                let before = depth;
                depth += w.matches('[').count() as i32 - w.matches(']').count() as i32;
                before == 0 && depth == 0 && w.chars().all(char::is_alphabetic)
            })
            .collect();
        let Some(k) = (0..QUOTE_WORDS / 2)
            .flat_map(|d| [QUOTE_WORDS / 2 + d, QUOTE_WORDS / 2 - d])
            .find(|&k| outside[k])
        else {
            continue;
        };
        let mut changed = words.clone();
        changed[k] = "xylophone";
        let mut reversed = words.clone();
        reversed.reverse();
        let half = QUOTE_WORDS / 2;
        out.extend([
            Quotation {
                kind: "exact",
                text: words.join(" "),
                expect: study::Verdict::Verbatim,
            },
            Quotation {
                kind: "omission",
                text: format!(
                    "{} ... {}",
                    words[..half - 5].join(" "),
                    words[half + 5..].join(" ")
                ),
                expect: study::Verdict::Omissions,
            },
            Quotation {
                kind: "changed",
                text: changed.join(" "),
                expect: study::Verdict::Altered,
            },
            Quotation {
                kind: "invented",
                text: reversed.join(" "),
                expect: study::Verdict::NotFound,
            },
        ]);
    }
    out
}

/// Runs the tools `rounds` times over the quotations and the questions' words (one warm-up,
/// in which the verdicts are counted; `wrong`, when given, is told each wrong one).
pub fn measure(
    engine: &Engine,
    gen: &Generated,
    rounds: usize,
    wrong: &mut dyn FnMut(&str, &study::Verification),
) -> StudyFigures {
    let snap = engine.snapshot();
    let quotes = quotations(engine, gen);
    let started = Instant::now();
    let first = study::trend(
        &snap,
        &TrendRequest {
            terms: vec!["border".into()],
            unit: Unit::Month,
        },
        None,
    );
    std::hint::black_box(first);
    let trend_first_ms = started.elapsed().as_secs_f64() * 1e3;

    let mut right: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, Vec<Duration>> = BTreeMap::new();
    let mut all = Vec::new();
    for round in 0..=rounds.max(1) {
        for q in &quotes {
            let req = VerifyRequest {
                quote: q.text.clone(),
                speaker: None,
            };
            let t = Instant::now();
            let v = study::verify(&snap, &req, None);
            let el = t.elapsed();
            if round == 0 {
                let e = right.entry(q.kind.to_string()).or_default();
                e.0 += usize::from(v.verdict == q.expect);
                e.1 += 1;
                if v.verdict != q.expect {
                    wrong(q.kind, &v);
                }
                continue;
            }
            all.push(el);
            by_kind.entry(q.kind.to_string()).or_default().push(el);
        }
    }
    let terms: Vec<String> = gen
        .questions
        .iter()
        .filter_map(|q| q.terms.first().cloned())
        .take(100)
        .collect();
    let (mut contexts, mut trend) = (Vec::new(), Vec::new());
    for _ in 0..rounds.max(1) {
        for term in &terms {
            let req = ContextsRequest {
                term: term.clone(),
                limit: 10,
                ..Default::default()
            };
            let t = Instant::now();
            std::hint::black_box(study::contexts(&snap, &req, None).ok());
            contexts.push(t.elapsed());
            let req = TrendRequest {
                terms: vec![term.clone()],
                unit: Unit::Document,
            };
            let t = Instant::now();
            std::hint::black_box(study::trend(&snap, &req, None));
            trend.push(t.elapsed());
        }
    }
    StudyFigures {
        verify: Lat::of(all),
        verify_by_kind: by_kind.into_iter().map(|(k, v)| (k, Lat::of(v))).collect(),
        verdicts_right: right,
        contexts: Lat::of(contexts),
        trend_first_ms,
        trend: Lat::of(trend),
    }
}
