//! Examples of the study tools that work on the corpus in service, for `/help`: a sentence
//! someone really said (to `/verify`), words the documents use often (to see in `/contexts` and
//! to chart with `/trend`), a document to `/cite`. Everything is read from the corpus; nothing
//! is written in here.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::Scope;
use crate::search::excerpt::sentences;
use crate::search::Snapshot;

/// Documents read for example words (the oldest first).
const DOCUMENTS_READ: usize = 5;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Examples {
    /// A sentence of a passage, and who said it (`None` for a paragraph without a speaker).
    pub verify: Option<(String, Option<String>)>,
    /// Words used often, in several documents when there are several: the first for
    /// `/contexts`, the first two for `/trend`.
    pub words: Vec<String>,
    /// A document id to cite.
    pub cite: Option<String>,
}

/// Examples for the corpus in service, from the documents `scope` allows.
pub fn examples(snap: &Snapshot, scope: Scope) -> Examples {
    let docs: Vec<String> = snap
        .suggest_documents("", usize::MAX)
        .into_iter()
        .map(|d| d.doc_id)
        .filter(|id| scope.is_none_or(|s| s.contains(id)))
        .take(DOCUMENTS_READ)
        .collect();
    Examples {
        verify: sentence(snap, &docs, scope),
        words: frequent_words(snap, docs.iter().map(String::as_str), 2),
        cite: docs.first().cloned(),
    }
}

/// A plain sentence (8 to 18 words, no brackets or quotation marks) said by the speaker with
/// the most turns, or of any paragraph of `docs` when no one speaks.
fn sentence(snap: &Snapshot, docs: &[String], scope: Scope) -> Option<(String, Option<String>)> {
    let speakers = snap.speakers(None).unwrap_or_default();
    let plain = |s: &str| {
        let words = s.split_whitespace().count();
        (8..=18).contains(&words) && !s.contains(['[', ']', '"', '\u{201c}', '(', '…'])
    };
    let from = |doc: &str, who: Option<&str>| -> Option<String> {
        let passages = snap.passages_of(doc).ok()?;
        passages
            .iter()
            .filter(|p| p.passage > 0 && p.speaker.as_deref() == who)
            .flat_map(|p| {
                sentences(&p.text)
                    .into_iter()
                    .map(|(a, b)| p.text[a..b].to_string())
                    .collect::<Vec<_>>()
            })
            .find(|s| plain(s))
    };
    for s in speakers.iter().take(3) {
        let mut theirs: Vec<(String, u32)> = s
            .documents
            .iter()
            .filter(|d| scope.is_none_or(|sc| sc.contains(&d.0)))
            .cloned()
            .collect();
        theirs.sort_by_key(|d| std::cmp::Reverse(d.1));
        for (doc, _) in theirs.iter().take(2) {
            if let Some(q) = from(doc, Some(&s.name)) {
                return Some((q, Some(s.name.clone())));
            }
        }
    }
    docs.iter().find_map(|d| from(d, None)).map(|q| (q, None))
}

/// The `n` lower-case words of seven letters or more used most in these documents, those used
/// in most documents first.
fn frequent_words<'a>(
    snap: &Snapshot,
    docs: impl Iterator<Item = &'a str>,
    n: usize,
) -> Vec<String> {
    let mut uses: HashMap<String, (HashSet<String>, usize)> = HashMap::new();
    for doc in docs {
        for p in snap.passages_of(doc).unwrap_or_default() {
            if p.passage == 0 {
                continue;
            }
            for w in p.text.split(|c: char| !c.is_alphabetic()) {
                if w.chars().count() >= 7 && w.chars().all(char::is_lowercase) {
                    let e = uses.entry(w.to_string()).or_default();
                    e.0.insert(doc.to_string());
                    e.1 += 1;
                }
            }
        }
    }
    let mut words: Vec<(String, usize, usize)> = uses
        .into_iter()
        .map(|(w, (docs, count))| (w, docs.len(), count))
        .collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    words.into_iter().take(n).map(|(w, _, _)| w).collect()
}
