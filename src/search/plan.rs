//! Stage 2 of a question: what to search. The question as read ([`super::question`]) becomes a
//! [`Plan`]: each question word with its weight (idf, topic boost) and its paraphrases from the
//! lexical resource ([`crate::lexicon`]), kept only where the corpus holds them and weighed
//! below the word itself; the stems tantivy searches, each once; the pairs of stems that earn a
//! phrase bonus; the speaker and document filters and the answer type.

use std::collections::HashMap;
use std::sync::Mutex;

use tantivy::Term as TantivyTerm;

use crate::index::stats::Stats;

use super::answer_type::AnswerType;
use super::excerpt;
use super::question::is_stopword;
use super::weights::{
    paraphrase_weight, FOCUS_BOOST, MIN_PARAPHRASE_WEIGHT, OPPOSITES_PER_WORD,
    PARAPHRASES_PER_WORD, PARAPHRASE_BM25,
};
use crate::lexicon::{self, Usage, Via};

/// A word to search, as the question reading hands it over.
#[derive(Debug, Clone)]
pub(super) struct Term {
    pub text: String,
    /// In the question's topic (`… about <topic>`).
    pub focus: bool,
    /// Whether to search its paraphrases too (not for names and date words).
    pub paraphrase: bool,
    /// The multi-word expression it starts (`put off`), whose paraphrases stand for it.
    pub expression: Option<String>,
    /// Whether the question uses it as a verb or not, when its neighbours tell.
    pub usage: Option<Usage>,
}

/// A question word in the plan.
#[derive(Debug, Clone)]
pub(super) struct PlanWord {
    pub text: String,
    /// Its weight: topic boost times idf.
    pub weight: f32,
    pub expression: Option<String>,
    /// (paraphrase, relation, weight relative to the word) — the ones searched.
    pub paraphrases: Vec<(String, Via, f32)>,
    /// Other spellings of it the documents give (stems), searched as the word itself.
    pub spellings: Vec<String>,
}

/// A stem tantivy searches.
#[derive(Debug, Clone)]
pub(super) struct QueryStem {
    pub stem: String,
    /// The boost of its term query (BM25 brings the idf).
    pub boost: f32,
    /// Its weight for coverage and quotes: boost times idf, for a paraphrase capped at its word's.
    pub weight: f32,
    /// The question word it stands for (index into [`Plan::words`]).
    pub word: usize,
    /// `None` for the word's own stem; a paraphrase's relative weight otherwise.
    pub paraphrase: Option<f32>,
    /// An opposite of the word (`accept` for `reject`): it counts only where a negation stands
    /// before it ([`excerpt::negated`]).
    pub negated: bool,
    /// Passages holding it.
    pub doc_freq: u64,
}

/// What to search.
#[derive(Debug, Clone, Default)]
pub(super) struct Plan {
    pub words: Vec<PlanWord>,
    pub stems: Vec<QueryStem>,
    /// Stems adjacent in the question (indices into `stems`), for phrase bonuses.
    pub pairs: Vec<(usize, usize)>,
    pub speakers: Vec<usize>,
    pub docs: Option<Vec<String>>,
    pub answer_type: Option<AnswerType>,
    /// The stems of what "how many X" counts.
    pub counted: Vec<String>,
}

impl Plan {
    /// The stems of adjacent question words, as stem pairs.
    pub fn stem_pairs(&self) -> Vec<(String, String)> {
        self.pairs
            .iter()
            .map(|&(a, b)| (self.stems[a].stem.clone(), self.stems[b].stem.clone()))
            .collect()
    }
}

/// The paraphrases of words the corpus holds, remembered per snapshot (the same words recur in
/// questions, and finding them costs a few hundred lookups).
pub(super) struct ParaphraseCache {
    /// `false`: no word has paraphrases (`search.paraphrases = false`).
    enabled: bool,
    found: Mutex<HashMap<WordInUse, Vec<Paraphrase>>>,
}

/// A question word (or expression) and how the question uses it: what paraphrases are found for.
type WordInUse = (String, Option<Usage>);

impl ParaphraseCache {
    pub(super) fn new(enabled: bool) -> ParaphraseCache {
        ParaphraseCache {
            enabled,
            found: Mutex::default(),
        }
    }
}

/// A paraphrase present in the corpus.
#[derive(Debug, Clone)]
pub(super) struct Paraphrase {
    word: String,
    stem: String,
    via: Via,
    weight: f32,
    doc_freq: u64,
}

/// Words remembered at most (then the memory starts again).
const CACHE_WORDS: usize = 20_000;

/// Related words looked at per question word (closest first) before giving up.
const LOOKED_AT: usize = 80;

/// Makes the plan for `terms` (adjacent pairs as indices into `terms`).
pub(super) fn make(
    stats: &Stats,
    field: tantivy::schema::Field,
    cache: &ParaphraseCache,
    variants: &HashMap<String, Vec<String>>,
    terms: &[Term],
    adjacent: &[(usize, usize)],
) -> Plan {
    let n_docs = stats.num_docs().max(1) as f32;
    let idf = |df: u64| {
        let df = df as f32;
        (1.0 + (n_docs - df + 0.5) / (df + 0.5)).ln()
    };
    let doc_freq = |stem: &str| {
        stats
            .doc_freq(&TantivyTerm::from_field_text(field, stem))
            .unwrap_or(0)
    };
    let framed = terms.iter().any(|t| t.focus) && terms.iter().any(|t| !t.focus);
    let own: Vec<Vec<String>> = terms
        .iter()
        .map(|t| {
            excerpt::stems(&t.text)
                .into_iter()
                .map(|(_, _, s)| s)
                .collect()
        })
        .collect();
    // The other spellings the documents give for a word's stems, searched as the word itself
    // (`Urumqi` finds `Wulumuqi`).
    let spelled: Vec<Vec<String>> = own
        .iter()
        .map(|stems| {
            let mut out: Vec<String> = Vec::new();
            for v in stems
                .iter()
                .flat_map(|s| variants.get(s).into_iter().flatten())
            {
                if !stems.contains(v) && !out.contains(v) {
                    out.push(v.clone());
                }
            }
            out
        })
        .collect();
    let mut plan = Plan::default();
    let mut first_stem: Vec<Option<usize>> = Vec::new();
    let mut last_stem: Vec<Option<usize>> = Vec::new();
    for (i, t) in terms.iter().enumerate() {
        let boost = if framed && t.focus { FOCUS_BOOST } else { 1.0 };
        let own_idf = own[i].iter().map(|s| idf(doc_freq(s))).fold(0.0, f32::max);
        plan.words.push(PlanWord {
            text: t.text.clone(),
            weight: boost * own_idf,
            expression: t.expression.clone(),
            paraphrases: Vec::new(),
            spellings: spelled[i].clone(),
        });
        // The word's own stems and the other spellings the documents give count alike.
        let as_own = |s: &String| {
            let df = doc_freq(s);
            QueryStem {
                stem: s.clone(),
                boost,
                weight: boost * idf(df),
                word: i,
                paraphrase: None,
                negated: false,
                doc_freq: df,
            }
        };
        let idx: Vec<usize> = own[i]
            .iter()
            .map(|s| add_stem(&mut plan.stems, as_own(s)))
            .collect();
        first_stem.push(idx.first().copied());
        last_stem.push(idx.last().copied());
        for v in &spelled[i] {
            add_stem(&mut plan.stems, as_own(v));
        }
        if !t.paraphrase {
            continue;
        }
        let source = t
            .expression
            .clone()
            .unwrap_or_else(|| t.text.to_lowercase());
        let all_own: Vec<&String> = own.iter().chain(&spelled).flatten().collect();
        let (opposites, related): (Vec<Paraphrase>, Vec<Paraphrase>) = paraphrases(
            cache,
            &source,
            t.usage.filter(|_| t.expression.is_none()),
            &doc_freq,
        )
        .into_iter()
        .filter(|p| !all_own.contains(&&p.stem))
        .partition(|p| p.via == Via::Opposite);
        let searched = related
            .into_iter()
            .take(PARAPHRASES_PER_WORD)
            .chain(opposites.into_iter().take(OPPOSITES_PER_WORD));
        for p in searched {
            let p_idf = idf(p.doc_freq);
            let cap = (own_idf / p_idf).min(1.0);
            let stem = QueryStem {
                stem: p.stem.clone(),
                boost: boost * p.weight * cap * PARAPHRASE_BM25,
                weight: boost * p.weight * p_idf.min(own_idf),
                word: i,
                paraphrase: Some(p.weight),
                negated: p.via == Via::Opposite,
                doc_freq: p.doc_freq,
            };
            add_stem(&mut plan.stems, stem);
            plan.words[i].paraphrases.push((p.word, p.via, p.weight));
        }
    }
    plan.pairs = adjacent
        .iter()
        .filter_map(|&(a, b)| Some((last_stem.get(a).copied()??, first_stem.get(b).copied()??)))
        .filter(|(a, b)| a != b)
        .collect();
    plan
}

/// Adds a stem once: a stem already there keeps the larger boost, and a word's own stem wins
/// over a paraphrase. Returns its index.
fn add_stem(stems: &mut Vec<QueryStem>, new: QueryStem) -> usize {
    if let Some(i) = stems.iter().position(|s| s.stem == new.stem) {
        let old = &stems[i];
        let own_wins = new.paraphrase.is_none() && old.paraphrase.is_some();
        let same_kind = new.paraphrase.is_some() == old.paraphrase.is_some();
        if own_wins || (same_kind && new.boost > old.boost) {
            stems[i] = new;
        }
        return i;
    }
    stems.push(new);
    stems.len() - 1
}

/// The paraphrases of a word (or expression) that the corpus holds, best first, each stem once.
fn paraphrases(
    cache: &ParaphraseCache,
    word: &str,
    usage: Option<Usage>,
    doc_freq: &dyn Fn(&str) -> u64,
) -> Vec<Paraphrase> {
    if !cache.enabled {
        return Vec::new();
    }
    let key = (word.to_string(), usage);
    if let Some(found) = cache
        .found
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
    {
        return found.clone();
    }
    let own: Vec<String> = excerpt::stems(word)
        .into_iter()
        .map(|(_, _, s)| s)
        .collect();
    let mut found: Vec<Paraphrase> = Vec::new();
    let mut related = lexicon::related_as(word, usage);
    related.sort_by(|a, b| {
        paraphrase_weight(b.via, b.sense)
            .partial_cmp(&paraphrase_weight(a.via, a.sense))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    for r in related.into_iter().take(LOOKED_AT) {
        let weight = paraphrase_weight(r.via, r.sense);
        if weight < MIN_PARAPHRASE_WEIGHT || r.word.contains(' ') || is_stopword(r.word) {
            continue;
        }
        let stems = excerpt::stems(r.word);
        let [(_, _, stem)] = &stems[..] else {
            continue;
        };
        if own.contains(stem) || found.iter().any(|f| &f.stem == stem) {
            continue;
        }
        let df = doc_freq(stem);
        if df > 0 {
            found.push(Paraphrase {
                word: r.word.to_string(),
                stem: stem.clone(),
                via: r.via,
                weight,
                doc_freq: df,
            });
        }
    }
    let mut map = cache.found.lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= CACHE_WORDS {
        map.clear();
    }
    map.insert(key, found.clone());
    found
}
