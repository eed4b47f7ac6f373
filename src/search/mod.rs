//! The engine: questions → [`Answer`]s, ids → [`DocCard`]s, and the lookups every front end needs
//! (passages, speakers, autocomplete, corpus stats). Renderers only ever see `crate::answer` types.
//!
//! Ranking: BM25 over passages (English stems) with phrase boosts for words adjacent in the
//! question, then the top candidates are re-scored by how many of the question's words they hold
//! (weighted by rarity), and the quote is the best sentence or two of each ([`excerpt`]).

pub mod excerpt;
pub mod question;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use anyhow::Result;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
    TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::DocSet;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::answer::{
    Answer, CorpusStats, DocBrief, DocCard, PassageView, Quote, Searched, SpeakerSummary,
    SpeakerTurns,
};
use crate::corpus::date::PartialDate;
use crate::index::schema::name_key;
use crate::index::{self, BuildEvent, BuildReport, DocRecord, OpenIndex};
use crate::settings::Settings;
use question::{clean_question, understand, Lexicon};

/// Where the engine finds its corpus and index, and its limits.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub corpus_dir: PathBuf,
    pub data_dir: PathBuf,
    pub canonical_base: String,
    pub max_question_chars: usize,
    pub quote_max_chars: usize,
    pub default_limit: usize,
}

impl EngineOptions {
    pub fn from_settings(s: &Settings) -> EngineOptions {
        EngineOptions {
            corpus_dir: s.corpus.dir.clone(),
            data_dir: s.data.dir.clone(),
            canonical_base: s.corpus.canonical_url_base.clone(),
            max_question_chars: s.search.max_question_chars,
            quote_max_chars: s.search.quote_max_chars,
            default_limit: s.search.default_limit,
        }
    }
}

/// A question with its options (`/ask`, `/search`, `archivist ask`).
#[derive(Debug, Clone, Default)]
pub struct AskRequest {
    pub question: String,
    /// Restrict to this speaker (any name, surname or label).
    pub speaker: Option<String>,
    /// Restrict to this document id.
    pub doc: Option<String>,
    /// Only documents dated on or after / on or before these dates (`1962-06`, `June 1962`).
    pub from: Option<String>,
    pub to: Option<String>,
    /// Results wanted (0 = the default).
    pub limit: usize,
    /// Results to skip (paging).
    pub offset: usize,
}

/// A document id that is not in the corpus, with the closest ones.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("no document {what:?} in the corpus")]
pub struct NotFound {
    pub what: String,
    pub suggestions: Vec<DocBrief>,
}

/// The engine: one per process, shared by every request.
pub struct Engine {
    ix: OpenIndex,
    lexicon: Lexicon,
    by_id: HashMap<String, usize>,
    opts: EngineOptions,
}

/// Weight of the question's topic words ("… about <topic>") against the words framing it.
const FOCUS_BOOST: f32 = 1.5;
/// Words adjacent in the question count as a phrase up to this many words apart in a passage.
const PHRASE_SLOP: u32 = 2;

/// The largest page of results one request may ask for.
pub const MAX_LIMIT: usize = 50;

impl Engine {
    /// Opens the index for `opts.corpus_dir`, building it first when missing or out of date.
    pub fn open(opts: EngineOptions) -> Result<Engine> {
        Self::open_with_progress(opts, &|_| {}).map(|(e, _)| e)
    }

    /// Like [`Engine::open`], reporting build progress; says whether (and what) it built.
    pub fn open_with_progress(
        opts: EngineOptions,
        progress: &dyn Fn(BuildEvent),
    ) -> Result<(Engine, Option<BuildReport>)> {
        let (ix, report) = index::open_or_build(
            &opts.corpus_dir,
            &opts.data_dir,
            &opts.canonical_base,
            progress,
        )?;
        Ok((Self::from_index(ix, opts), report))
    }

    /// Rebuilds the index from the corpus now, then opens it.
    pub fn rebuild(
        opts: EngineOptions,
        progress: &dyn Fn(BuildEvent),
    ) -> Result<(Engine, BuildReport)> {
        let report = index::build(
            &opts.corpus_dir,
            &opts.data_dir,
            &opts.canonical_base,
            progress,
        )?;
        let (ix, _) = index::open_or_build(
            &opts.corpus_dir,
            &opts.data_dir,
            &opts.canonical_base,
            progress,
        )?;
        Ok((Self::from_index(ix, opts), report))
    }

    fn from_index(ix: OpenIndex, opts: EngineOptions) -> Engine {
        let mut lexicon = Lexicon::default();
        let mut by_id = HashMap::new();
        for (i, d) in ix.catalog.documents.iter().enumerate() {
            by_id.insert(d.meta.id.clone(), i);
            for s in &d.speakers {
                lexicon.add(&s.name, &s.labels);
            }
        }
        Engine {
            ix,
            lexicon,
            by_id,
            opts,
        }
    }

    pub fn options(&self) -> &EngineOptions {
        &self.opts
    }

    fn searcher(&self) -> Searcher {
        self.ix.reader.searcher()
    }

    fn record(&self, id: &str) -> Option<&DocRecord> {
        self.by_id.get(id).map(|&i| &self.ix.catalog.documents[i])
    }

    /// Answers a question. Never fails: odd input gives an empty answer that says what was searched.
    pub fn ask(&self, req: &AskRequest) -> Answer {
        let question = clean_question(&req.question, self.opts.max_question_chars);
        let limit = if req.limit == 0 {
            self.opts.default_limit
        } else {
            req.limit.min(MAX_LIMIT)
        };
        let offset = req.offset.min(10_000);
        let u = understand(&question, &self.lexicon, &|w| self.by_id.contains_key(w));
        let mut searched = Searched {
            terms: u.terms.clone(),
            ..Default::default()
        };
        let mut answer = Answer {
            question: question.clone(),
            total: 0,
            results: Vec::new(),
            offset,
            searched: Searched::default(),
            suggestions: Vec::new(),
        };

        // Speaker: an explicit option wins; otherwise a speaker the question asks about.
        let mut speakers: Vec<usize> = Vec::new();
        if let Some(name) = req
            .speaker
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            speakers = self.lexicon.lookup(name);
            if speakers.is_empty() {
                searched.speakers = vec![name.to_string()];
                answer.searched = searched;
                answer.suggestions = self.speaker_suggestions(name);
                return answer;
            }
        } else if u.speech {
            speakers = u.speakers.clone();
        }
        searched.speakers = speakers
            .iter()
            .map(|&i| self.lexicon.names[i].clone())
            .collect();

        // Documents: an explicit id, an id in the question, a date, a date range.
        let doc = req
            .doc
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .or(u.doc_id.clone());
        if let Some(d) = &doc {
            if !self.by_id.contains_key(d) {
                searched.doc_id = Some(d.clone());
                answer.searched = searched;
                answer.suggestions = self
                    .suggest_documents(d, 3)
                    .into_iter()
                    .map(|b| format!("{} — {}", b.doc_id, b.title))
                    .collect();
                return answer;
            }
            searched.doc_id = Some(d.clone());
        }
        let mut doc_set: Option<Vec<String>> = doc.map(|d| vec![d]);
        let mut terms = u.terms.clone();
        if let Some(date) = u.date {
            let hits: Vec<String> = self.docs_where(|r| date_matches(&date, r)).collect();
            if hits.is_empty() || doc_set.is_some() {
                terms.extend(u.date_words.iter().cloned());
            } else {
                searched.date = Some(date.to_string());
                doc_set = Some(hits);
            }
        }
        if req.from.is_some() || req.to.is_some() {
            let from = req.from.as_deref().and_then(PartialDate::parse);
            let to = req.to.as_deref().and_then(PartialDate::parse);
            let in_range: Vec<String> = self
                .docs_where(|r| in_date_range(r.meta.date.as_deref(), from, to))
                .collect();
            doc_set = Some(match doc_set {
                Some(ds) => ds.into_iter().filter(|d| in_range.contains(d)).collect(),
                None => in_range,
            });
            searched.date = Some(format!(
                "{} – {}",
                from.map(|d| d.to_string()).unwrap_or_default(),
                to.map(|d| d.to_string()).unwrap_or_default()
            ));
        }
        searched.terms = terms.clone();

        let mut focus = u.focus.clone();
        focus.resize(terms.len(), false);
        let mut plan = Plan {
            terms,
            focus,
            adjacent: u.adjacent.clone(),
            speakers: speakers.clone(),
            docs: doc_set.clone(),
        };
        let mut found = self.run(&plan, offset + limit);
        // A speaker named in the question who never speaks of this: search everyone.
        if found.total == 0 && !speakers.is_empty() && req.speaker.is_none() {
            plan.speakers.clear();
            plan.terms.extend(
                speakers
                    .iter()
                    .flat_map(|&i| self.lexicon.names[i].split_whitespace().map(str::to_string)),
            );
            found = self.run(&plan, offset + limit);
            if found.total > 0 {
                searched.speaker_relaxed = true;
            }
        }
        // A date no passage of that day matches: search all dates, with the date as words.
        if found.total == 0
            && searched.date.is_some()
            && req.from.is_none()
            && req.to.is_none()
            && u.date.is_some()
        {
            plan.docs = req.doc.clone().or(u.doc_id.clone()).map(|d| vec![d]);
            plan.terms.extend(u.date_words.iter().cloned());
            searched.date = None;
            found = self.run(&plan, offset + limit);
        }
        answer.total = found.total;
        answer.results = found
            .hits
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|h| self.quote(h, &found.weights, &found.pairs))
            .collect();
        if answer.total == 0 {
            answer.suggestions = self.nothing_found_suggestions(&searched);
        }
        answer.searched = searched;
        answer
    }

    fn docs_where<'a>(
        &'a self,
        f: impl Fn(&DocRecord) -> bool + 'a,
    ) -> impl Iterator<Item = String> + 'a {
        self.ix
            .catalog
            .documents
            .iter()
            .filter(move |r| f(r))
            .map(|r| r.meta.id.clone())
    }

    /// Runs a search plan: candidates by BM25 (+ phrases), re-scored by coverage.
    fn run(&self, plan: &Plan, want: usize) -> Found {
        let searcher = self.searcher();
        let f = self.ix.fields;
        let mut stems: Vec<String> = Vec::new();
        let mut boost: HashMap<String, f32> = HashMap::new();
        let mut term_stems: Vec<Vec<String>> = Vec::new();
        let framed = plan.focus.iter().any(|f| *f) && plan.focus.iter().any(|f| !*f);
        for (i, t) in plan.terms.iter().enumerate() {
            let s: Vec<String> = excerpt::stems(t).into_iter().map(|(_, _, s)| s).collect();
            let focus = framed && plan.focus.get(i).copied().unwrap_or(false);
            let b = if focus { FOCUS_BOOST } else { 1.0 };
            for x in &s {
                if !stems.contains(x) {
                    stems.push(x.clone());
                }
                let e = boost.entry(x.clone()).or_insert(b);
                *e = e.max(b);
            }
            term_stems.push(s);
        }
        let n_docs = searcher.num_docs().max(1) as f32;
        let weights: HashMap<String, f32> = stems
            .iter()
            .map(|s| {
                let df = searcher
                    .doc_freq(&Term::from_field_text(f.text, s))
                    .unwrap_or(0) as f32;
                (
                    s.clone(),
                    boost[s] * (1.0 + (n_docs - df + 0.5) / (df + 0.5)).ln(),
                )
            })
            .collect();
        let pairs: Vec<(String, String)> = plan
            .adjacent
            .iter()
            .filter_map(|&(a, b)| {
                Some((
                    term_stems.get(a)?.last()?.clone(),
                    term_stems.get(b)?.first()?.clone(),
                ))
            })
            .collect();

        let mut filters: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !plan.speakers.is_empty() {
            let keys = plan
                .speakers
                .iter()
                .map(|&i| Term::from_field_text(f.speaker_key, &name_key(&self.lexicon.names[i])));
            filters.push((Occur::Must, any_term(keys.collect())));
        }
        if let Some(docs) = &plan.docs {
            let keys = docs.iter().map(|d| Term::from_field_text(f.doc_id, d));
            filters.push((Occur::Must, any_term(keys.collect())));
        }
        let scoped = !filters.is_empty();
        let matching: Box<dyn Query> = if stems.is_empty() {
            if !scoped {
                return Found::default();
            }
            Box::new(AllQuery)
        } else {
            let mut should: Vec<(Occur, Box<dyn Query>)> = stems
                .iter()
                .map(|s| {
                    let q: Box<dyn Query> = Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(
                            Term::from_field_text(f.text, s),
                            IndexRecordOption::WithFreqsAndPositions,
                        )),
                        boost[s],
                    ));
                    (Occur::Should, q)
                })
                .collect();
            for (a, b) in &pairs {
                if a == b {
                    continue;
                }
                let mut pq = PhraseQuery::new(vec![
                    Term::from_field_text(f.text, a),
                    Term::from_field_text(f.text, b),
                ]);
                pq.set_slop(PHRASE_SLOP);
                should.push((Occur::Should, Box::new(BoostQuery::new(Box::new(pq), 0.5))));
            }
            Box::new(BooleanQuery::new(should))
        };
        let mut clauses = vec![(Occur::Must, matching)];
        clauses.extend(filters);
        let query = BooleanQuery::new(clauses);
        let k = (want + 40).max(60);
        let Ok((top, total)) =
            searcher.search(&query, &(TopDocs::with_limit(k).order_by_score(), Count))
        else {
            return Found::default();
        };
        let total_weight: f32 = weights.values().sum::<f32>().max(1e-6);
        let addrs: Vec<DocAddress> = top.iter().map(|(_, a)| *a).collect();
        let held = stems_held(&searcher, f.text, &stems, &addrs);
        let mut hits: Vec<Hit> = top
            .into_iter()
            .zip(held)
            .filter_map(|((score, addr), present)| {
                Some((self.hit(&searcher, addr, score)?, present))
            })
            .map(|(mut h, present)| {
                if !stems.is_empty() {
                    let covered: f32 = weights
                        .iter()
                        .filter(|(s, _)| present.contains(String::as_str(s)))
                        .map(|(_, w)| w)
                        .sum();
                    h.score *= 0.5 + covered / total_weight;
                } else {
                    // No words to rank by: a speaker's or a document's passages in order.
                    h.score = 1.0 / (1.0 + h.passage as f32);
                }
                h
            })
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .partial_cmp(&a.score)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| (&a.doc_id, a.passage).cmp(&(&b.doc_id, b.passage)))
        });
        Found {
            total,
            hits,
            weights,
            pairs,
        }
    }

    fn hit(&self, searcher: &Searcher, addr: DocAddress, score: f32) -> Option<Hit> {
        let d: TantivyDocument = searcher.doc(addr).ok()?;
        let f = self.ix.fields;
        let text_of = |field| {
            d.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        Some(Hit {
            doc_id: text_of(f.doc_id)?,
            passage: d.get_first(f.passage).and_then(|v| v.as_u64()).unwrap_or(0) as u32,
            speaker: text_of(f.speaker),
            label: text_of(f.label),
            text: text_of(f.text).unwrap_or_default(),
            score,
        })
    }

    fn quote(&self, h: Hit, weights: &HashMap<String, f32>, pairs: &[(String, String)]) -> Quote {
        let ex = excerpt::excerpt(&h.text, weights, pairs, self.opts.quote_max_chars);
        let rec = self.record(&h.doc_id);
        Quote {
            title: rec.map(|r| r.meta.title.clone()).unwrap_or_default(),
            date: rec.and_then(|r| r.meta.date.clone()),
            url: rec
                .map(|r| r.meta.canonical_url.clone())
                .unwrap_or_default(),
            doc_id: h.doc_id,
            passage: h.passage,
            speaker: h.speaker,
            label: h.label,
            text: h.text,
            quote: ex.quote,
            highlights: ex.highlights,
            score: (h.score * 1000.0).round() / 1000.0,
        }
    }

    fn speaker_suggestions(&self, typed: &str) -> Vec<String> {
        let mut names = self.suggest_speakers(typed, 5);
        if names.is_empty() {
            names = self.suggest_speakers("", 5);
        }
        names.into_iter().map(|n| format!("speaker: {n}")).collect()
    }

    fn nothing_found_suggestions(&self, s: &Searched) -> Vec<String> {
        let mut out = Vec::new();
        if s.terms.is_empty() {
            out.push("ask about a subject, e.g. what someone said about a topic".to_string());
        } else if s.terms.len() > 3 {
            out.push("try fewer or more common words".to_string());
        }
        if !s.speakers.is_empty() || s.doc_id.is_some() || s.date.is_some() {
            out.push("try without the speaker, document or date restriction".to_string());
        }
        out.extend(
            self.example_questions(2)
                .into_iter()
                .map(|q| format!("e.g. \"{q}\"")),
        );
        out
    }

    /// A document's card, or the closest ids and titles.
    pub fn document(&self, id: &str) -> Result<DocCard, NotFound> {
        let id = id.trim();
        let Some(r) = self.record(id) else {
            return Err(NotFound {
                what: id.chars().take(100).collect(),
                suggestions: self.suggest_documents(id, 3),
            });
        };
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
        let doc_id = doc_id.trim();
        let Some(r) = self.record(doc_id) else {
            return Err(NotFound {
                what: doc_id.chars().take(100).collect(),
                suggestions: self.suggest_documents(doc_id, 3),
            });
        };
        let f = self.ix.fields;
        let q = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.doc_id, doc_id),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>,
            ),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.passage, u64::from(n)),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        let searcher = self.searcher();
        let hit = searcher
            .search(&q, &TopDocs::with_limit(1).order_by_score())
            .ok()
            .and_then(|v| v.into_iter().next())
            .and_then(|(s, a)| self.hit(&searcher, a, s));
        match hit {
            Some(h) => Ok(PassageView {
                doc_id: h.doc_id,
                passage: h.passage,
                speaker: h.speaker,
                label: h.label,
                text: h.text,
                of: r.passages,
            }),
            None => Err(NotFound {
                what: format!("{doc_id}#{n}"),
                suggestions: vec![self.brief(r)],
            }),
        }
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

    /// Speakers of one document, or of the whole corpus; most turns first.
    pub fn speakers(&self, doc: Option<&str>) -> Result<Vec<SpeakerSummary>, NotFound> {
        let records: Vec<&DocRecord> = match doc.map(str::trim).filter(|d| !d.is_empty()) {
            Some(id) => vec![self.record(id).ok_or_else(|| NotFound {
                what: id.chars().take(100).collect(),
                suggestions: self.suggest_documents(id, 3),
            })?],
            None => self.ix.catalog.documents.iter().collect(),
        };
        let mut by_name: Vec<SpeakerSummary> = Vec::new();
        for r in records {
            for s in &r.speakers {
                let i = match by_name
                    .iter()
                    .position(|x| name_key(&x.name) == name_key(&s.name))
                {
                    Some(i) => i,
                    None => {
                        by_name.push(SpeakerSummary {
                            name: s.name.clone(),
                            labels: Vec::new(),
                            role: s.role.clone(),
                            documents: Vec::new(),
                            turns: 0,
                        });
                        by_name.len() - 1
                    }
                };
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
        Ok(by_name)
    }

    /// All passages of a document in order (for reading and context).
    pub fn passages_of(&self, doc_id: &str) -> Result<Vec<PassageView>, NotFound> {
        let r = self.record(doc_id.trim()).ok_or_else(|| NotFound {
            what: doc_id.chars().take(100).collect(),
            suggestions: self.suggest_documents(doc_id, 3),
        })?;
        let f = self.ix.fields;
        let q = TermQuery::new(
            Term::from_field_text(f.doc_id, &r.meta.id),
            IndexRecordOption::Basic,
        );
        let searcher = self.searcher();
        let top = searcher
            .search(
                &q,
                &TopDocs::with_limit(r.passages.max(1) as usize).order_by_score(),
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
        Ok(out)
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

    /// The archive named by the documents' citations (most common), for footers.
    pub fn archive_name(&self) -> Option<String> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for d in &self.ix.catalog.documents {
            if let Some(a) = &d.meta.archive {
                *counts.entry(a.as_str()).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .max_by_key(|(a, n)| (*n, std::cmp::Reverse(*a)))
            .map(|(a, _)| a.to_string())
    }

    /// Questions that work on this corpus (each checked to find something), for help texts:
    /// "what did <speaker> say about <a word they use often>".
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

/// A search to run.
struct Plan {
    terms: Vec<String>,
    /// Per term: part of the question's topic (weighs more, when the question also has other words).
    focus: Vec<bool>,
    adjacent: Vec<(usize, usize)>,
    speakers: Vec<usize>,
    docs: Option<Vec<String>>,
}

#[derive(Default)]
struct Found {
    total: usize,
    hits: Vec<Hit>,
    weights: HashMap<String, f32>,
    pairs: Vec<(String, String)>,
}

struct Hit {
    doc_id: String,
    passage: u32,
    speaker: Option<String>,
    label: Option<String>,
    text: String,
    score: f32,
}

/// The query stems each candidate passage holds, read from the index's postings. The index was
/// made from the same text by the same analyzer, so this is the set that re-tokenising the stored
/// text would give, without decompressing and stemming every candidate.
fn stems_held<'a>(
    searcher: &Searcher,
    field: Field,
    stems: &'a [String],
    addrs: &[DocAddress],
) -> Vec<HashSet<&'a str>> {
    let mut out = vec![HashSet::new(); addrs.len()];
    let mut order: Vec<usize> = (0..addrs.len()).collect();
    order.sort_by_key(|&i| (addrs[i].segment_ord, addrs[i].doc_id));
    for group in order.chunk_by(|&a, &b| addrs[a].segment_ord == addrs[b].segment_ord) {
        let seg = searcher.segment_reader(addrs[group[0]].segment_ord);
        let Ok(inv) = seg.inverted_index(field) else {
            continue;
        };
        for s in stems {
            let term = Term::from_field_text(field, s);
            let Ok(Some(mut postings)) = inv.read_postings(&term, IndexRecordOption::Basic) else {
                continue;
            };
            // Candidates in ascending doc order: each seek only moves forward.
            for &i in group {
                let d = addrs[i].doc_id;
                if postings.doc() <= d && postings.seek(d) == d {
                    out[i].insert(s.as_str());
                }
            }
        }
    }
    out
}

/// A filter matching documents with any of `terms`, each match scoring 1 like a `TermSetQuery`
/// (whose single-term case adds its constant score), without building an FST for one term.
fn any_term(terms: Vec<Term>) -> Box<dyn Query> {
    if let [t] = &terms[..] {
        Box::new(ConstScoreQuery::new(
            Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic)),
            1.0,
        ))
    } else {
        Box::new(TermSetQuery::new(terms))
    }
}

/// Does a question's date name this document (its date, or its meeting's date)?
fn date_matches(d: &PartialDate, r: &DocRecord) -> bool {
    r.meta.date.as_deref().is_some_and(|iso| d.matches_iso(iso))
        || r.meta
            .meeting
            .as_deref()
            .and_then(meeting_date)
            .is_some_and(|m| d.matches_iso(&m.to_string()))
}

/// The date at the start of a meeting line (`8 June 1962, 5:00 p.m.`).
fn meeting_date(line: &str) -> Option<PartialDate> {
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    PartialDate::parse_words(&words)
        .map(|(d, _)| d)
        .filter(|d| d.year.is_some())
}

fn in_date_range(iso: Option<&str>, from: Option<PartialDate>, to: Option<PartialDate>) -> bool {
    let Some(iso) = iso else {
        return from.is_none() && to.is_none();
    };
    let key = |d: PartialDate, end: bool| -> String {
        format!(
            "{:04}-{:02}-{:02}",
            d.year.unwrap_or(if end { 9999 } else { 0 }),
            d.month.unwrap_or(if end { 12 } else { 1 }),
            d.day.unwrap_or(if end { 31 } else { 1 })
        )
    };
    let Some(doc) = PartialDate::parse(iso) else {
        return false;
    };
    let (lo, hi) = (key(doc, false), key(doc, true));
    from.is_none_or(|f| hi >= key(f, false)) && to.is_none_or(|t| lo <= key(t, true))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_ranges_and_distances() {
        let p = |s: &str| PartialDate::parse(s);
        assert!(in_date_range(Some("1962-06-08"), p("June 1962"), None));
        assert!(!in_date_range(Some("1962-04-29"), p("June 1962"), None));
        assert!(in_date_range(Some("1962-04-29"), None, p("1962-05")));
        assert_eq!(edit_distance("555123", "555231"), 2);
        assert_eq!(
            meeting_date("8 June 1962, 5:00 p.m.").unwrap().to_string(),
            "1962-06-08"
        );
    }
}
