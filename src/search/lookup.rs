//! Lookups beside questions: document cards, passages, speakers, autocomplete suggestions,
//! corpus statistics and example questions.

use std::collections::HashMap;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery, TermSetQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use super::snapshot::Snapshot;
use super::{AskRequest, NotFound};
use crate::answer::{CorpusStats, DocBrief, DocCard, PassageView, SpeakerSummary, SpeakerTurns};
use crate::corpus::date::PartialDate;
use crate::index::schema::name_key;
use crate::index::DocRecord;

impl Snapshot {
    /// A document's card, or the closest ids and titles.
    pub fn document(&self, id: &str) -> Result<DocCard, NotFound> {
        let r = self.find(id)?;
        let m = &r.meta;
        Ok(DocCard {
            doc_id: m.id.clone(),
            title: m.title.clone(),
            date: m.date.clone(),
            summary: m.summary.clone(),
            citation: m.citation.clone(),
            url: m.url.clone(),
            canonical_url: m.canonical_url.clone(),
            archive_ref: m.archive_ref.clone(),
            translator: m.translator.clone(),
            original_language: m.original_language.clone(),
            archive: m.archive.clone(),
            credits: m.credits.clone(),
            meeting: m.meeting.clone(),
            speakers: r
                .speakers
                .iter()
                .map(|s| SpeakerTurns {
                    name: s.name.clone(),
                    label: s.label.clone(),
                    turns: s.turns,
                    role: s.role.clone(),
                })
                .collect(),
            passages: r.passages,
            source_file: m.source_file.clone(),
        })
    }

    /// One passage in full.
    pub fn passage(&self, doc_id: &str, n: u32) -> Result<PassageView, NotFound> {
        let r = self.find(doc_id)?;
        self.views(r, Some((n, n)))
            .into_iter()
            .next()
            .ok_or_else(|| NotFound {
                what: format!("{}#{n}", r.meta.id),
                suggestions: vec![self.brief(r)],
            })
    }

    /// The document with this id, or [`NotFound`] with the closest ids and titles.
    fn find(&self, id: &str) -> Result<&DocRecord, NotFound> {
        let id = id.trim();
        self.record(id).ok_or_else(|| NotFound {
            what: id.chars().take(100).collect(),
            suggestions: self.suggest_documents(id, 3),
        })
    }

    /// The passages of a document numbered within `range` (all without one), in order.
    fn views(&self, r: &DocRecord, range: Option<(u32, u32)>) -> Vec<PassageView> {
        let f = self.ix.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.doc_id, &r.meta.id),
                IndexRecordOption::Basic,
            )),
        )];
        let (lo, hi) = range.unwrap_or((0, r.passages.saturating_sub(1)));
        if range.is_some() {
            let numbers =
                (lo..=hi.min(r.passages)).map(|i| Term::from_field_u64(f.passage, u64::from(i)));
            clauses.push((Occur::Must, Box::new(TermSetQuery::new(numbers))));
        }
        let want = (hi.saturating_sub(lo) as usize + 1).min(r.passages.max(1) as usize);
        let searcher = self.searcher();
        let top = searcher
            .search(
                &BooleanQuery::new(clauses),
                &TopDocs::with_limit(want).order_by_score(),
            )
            .unwrap_or_default();
        let mut out: Vec<PassageView> = top
            .into_iter()
            .filter_map(|(s, a)| self.hit(&searcher, a, s))
            .map(|h| PassageView {
                doc_id: h.doc_id,
                passage: h.passage,
                speaker: h.speaker,
                label: h.label,
                text: h.text,
                of: r.passages,
            })
            .collect();
        out.sort_by_key(|p| p.passage);
        out
    }

    fn brief(&self, r: &DocRecord) -> DocBrief {
        DocBrief {
            doc_id: r.meta.id.clone(),
            title: r.meta.title.clone(),
            date: r.meta.date.clone(),
        }
    }

    /// Documents matching what a user typed: id prefix, title words, or date; best first.
    /// An empty input lists documents by date.
    pub fn suggest_documents(&self, typed: &str, limit: usize) -> Vec<DocBrief> {
        let t = typed.trim().to_lowercase();
        let words: Vec<&str> = t
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .filter(|w| !w.is_empty())
            .collect();
        let mut scored: Vec<(i64, &DocRecord)> = self
            .ix
            .catalog
            .documents
            .iter()
            .filter_map(|r| {
                if t.is_empty() {
                    return Some((0, r));
                }
                let id = r.meta.id.to_lowercase();
                let title = r.meta.title.to_lowercase();
                let date = r.meta.date.clone().unwrap_or_default();
                let mut s = 0i64;
                if id == t {
                    s += 100;
                } else if id.starts_with(&t) {
                    s += 50;
                } else if id.contains(&t) {
                    s += 20;
                }
                if !words.is_empty() && words.iter().all(|w| title.contains(w)) {
                    s += 30 + words.len() as i64;
                } else {
                    s += 5 * words
                        .iter()
                        .filter(|w| w.len() > 2 && title.contains(*w))
                        .count() as i64;
                }
                if !date.is_empty()
                    && (date.starts_with(&t)
                        || PartialDate::parse(typed).is_some_and(|d| d.matches_iso(&date)))
                {
                    s += 25;
                }
                if s == 0 && t.len() >= 3 && edit_distance(&id, &t) <= 2 {
                    s += 10;
                }
                (s > 0).then_some((s, r))
            })
            .collect();
        scored.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| a.1.meta.date.cmp(&b.1.meta.date))
                .then_with(|| a.1.meta.id.cmp(&b.1.meta.id))
        });
        scored
            .into_iter()
            .take(limit)
            .map(|(_, r)| self.brief(r))
            .collect()
    }

    /// Speaker names matching what a user typed (any word's prefix); most turns first.
    pub fn suggest_speakers(&self, typed: &str, limit: usize) -> Vec<String> {
        let t = typed.trim().to_lowercase();
        let mut all = self.speakers(None).unwrap_or_default();
        all.retain(|s| {
            t.is_empty()
                || s.name.to_lowercase().starts_with(&t)
                || s.name.to_lowercase().split(' ').any(|w| w.starts_with(&t))
                || s.labels.iter().any(|l| l.to_lowercase().starts_with(&t))
        });
        all.into_iter().take(limit).map(|s| s.name).collect()
    }

    /// Speakers of one document, or of the whole corpus; most turns first. The corpus's list
    /// is made once per snapshot (autocomplete and "nothing found" ask for it often; at a
    /// million passages it reads every document record).
    pub fn speakers(&self, doc: Option<&str>) -> Result<Vec<SpeakerSummary>, NotFound> {
        match doc.map(str::trim).filter(|d| !d.is_empty()) {
            Some(id) => Ok(summarise_speakers(std::iter::once(self.find(id)?))),
            None => Ok(self
                .all_speakers
                .get_or_init(|| summarise_speakers(self.ix.catalog.documents.iter()))
                .clone()),
        }
    }

    /// All passages of a document in order (for reading and context).
    pub fn passages_of(&self, doc_id: &str) -> Result<Vec<PassageView>, NotFound> {
        Ok(self.views(self.find(doc_id)?, None))
    }

    /// What the corpus holds.
    pub fn stats(&self) -> CorpusStats {
        let c = &self.ix.catalog;
        let dates: Vec<&String> = c
            .documents
            .iter()
            .filter_map(|d| d.meta.date.as_ref())
            .collect();
        CorpusStats {
            documents: c.documents.len(),
            passages: c.passages,
            speakers: self.lexicon.names.len(),
            first_date: dates.iter().min().map(|d| d.to_string()),
            last_date: dates.iter().max().map(|d| d.to_string()),
            built_at: c.built_at,
            warnings: c.warnings.clone(),
        }
    }

    /// Segments of the index searched (an updated index has more until they are merged).
    pub fn segment_count(&self) -> usize {
        self.searcher().segment_readers().len()
    }

    /// The archive named by the documents' citations (most common), for footers.
    pub fn archive_name(&self) -> Option<String> {
        self.archive.clone()
    }

    /// The ids of every document, in corpus order.
    pub fn doc_ids(&self) -> Vec<String> {
        self.ix
            .catalog
            .documents
            .iter()
            .map(|d| d.meta.id.clone())
            .collect()
    }

    /// Passage `n` of a document with up to `k` passages either side, in order.
    pub fn passages_around(
        &self,
        doc_id: &str,
        n: u32,
        k: u32,
    ) -> Result<Vec<PassageView>, NotFound> {
        Ok(self.views(
            self.find(doc_id)?,
            Some((n.saturating_sub(k), n.saturating_add(k))),
        ))
    }

    /// Questions that work on this corpus (each checked to find something), for help texts:
    /// `what did <speaker> say about <a word they use often>`.
    pub fn example_questions(&self, n: usize) -> Vec<String> {
        let mut out = Vec::new();
        let speakers = self.speakers(None).unwrap_or_default();
        for s in speakers.iter().take(n * 2) {
            let Some((doc, _)) = s.documents.iter().max_by_key(|d| d.1) else {
                continue;
            };
            let Ok(passages) = self.passages_of(doc) else {
                continue;
            };
            let mut counts: HashMap<String, usize> = HashMap::new();
            for p in passages
                .iter()
                .filter(|p| p.speaker.as_deref() == Some(s.name.as_str()))
            {
                for w in p.text.split(|c: char| !c.is_alphabetic()) {
                    if w.len() >= 6 && w.chars().all(|c| c.is_lowercase()) {
                        *counts.entry(w.to_string()).or_default() += 1;
                    }
                }
            }
            let mut words: Vec<(String, usize)> = counts.into_iter().collect();
            words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            for (w, _) in words.into_iter().take(3) {
                let q = format!("what did {} say about {}", s.name, w);
                if self
                    .ask(&AskRequest {
                        question: q.clone(),
                        limit: 1,
                        ..Default::default()
                    })
                    .total
                    > 0
                {
                    out.push(q);
                    break;
                }
            }
            if out.len() >= n {
                break;
            }
        }
        out
    }
}

/// What the study tools (`crate::study`) read the index through: they search and count over
/// the same index, fields, catalog and speakers as questions do.
impl Snapshot {
    pub(crate) fn open_index(&self) -> &crate::index::OpenIndex {
        &self.ix
    }

    pub(crate) fn lexicon(&self) -> &super::question::Lexicon {
        &self.lexicon
    }
}

/// Levenshtein distance, for "did you mean" on ids.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The speakers of these documents, one entry per person (names compared by
/// [`name_key`]), with their labels, role, documents and turns; most turns first.
fn summarise_speakers<'a>(records: impl Iterator<Item = &'a DocRecord>) -> Vec<SpeakerSummary> {
    let mut by_name: Vec<SpeakerSummary> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for r in records {
        for s in &r.speakers {
            let i = *index.entry(name_key(&s.name)).or_insert_with(|| {
                by_name.push(SpeakerSummary {
                    name: s.name.clone(),
                    labels: Vec::new(),
                    role: s.role.clone(),
                    documents: Vec::new(),
                    turns: 0,
                });
                by_name.len() - 1
            });
            let e = &mut by_name[i];
            for l in &s.labels {
                if !e.labels.contains(l) {
                    e.labels.push(l.clone());
                }
            }
            if e.role.is_none() {
                e.role = s.role.clone();
            }
            e.documents.push((r.meta.id.clone(), s.turns));
            e.turns += s.turns;
        }
    }
    by_name.sort_by(|a, b| b.turns.cmp(&a.turns).then_with(|| a.name.cmp(&b.name)));
    by_name
}

#[cfg(test)]
mod tests {
    #[test]
    fn edit_distances() {
        assert_eq!(super::edit_distance("555123", "555231"), 2);
        assert_eq!(super::edit_distance("", "ab"), 2);
    }
}
