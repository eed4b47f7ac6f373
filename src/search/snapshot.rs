//! A snapshot of the index and the retrieval over it: question → candidates (BM25 with phrase
//! boosts, filters for speaker, document and date) → re-scored by coverage → quotes.
//!
//! A snapshot never changes; the [`super::Engine`] swaps in a new one when the corpus changes, and
//! requests in flight finish on the one they started with.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::columnar::ColumnValues;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, Occur, Query, Scorer,
    TermQuery, TermSetQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, DocSet, Searcher, TantivyDocument, Term};

use super::question::{clean_question, understand, Lexicon};
use super::{excerpt, phrased};
use super::{AskRequest, EngineOptions};
use crate::answer::{Answer, Quote, Searched};
use crate::corpus::date::PartialDate;
use crate::index::schema::{name_key, DOC_ORD, PASSAGE};
use crate::index::{DocRecord, OpenIndex};

/// One opened index with what questions are read against (speakers, document ids).
pub struct Snapshot {
    pub(super) ix: OpenIndex,
    pub(super) lexicon: Lexicon,
    pub(super) by_id: HashMap<String, usize>,
    pub(super) opts: EngineOptions,
    /// The archive the citations name most often, read once.
    pub(super) archive: Option<String>,
}

/// Weight of the question's topic words (`… about <topic>`) against the words framing it.
const FOCUS_BOOST: f32 = 1.5;
/// Words adjacent in the question count as a phrase up to this many words apart in a passage.
const PHRASE_SLOP: u32 = 2;
/// Passages holding a question word (summed over the words) from which a question's segments
/// are searched on all cores at once.
const SPREAD_POSTINGS: u64 = 300_000;
/// A phrase's bonus, relative to the BM25 of its two words.
const PHRASE_BONUS: f32 = 0.5;

/// The largest page of results one request may ask for.
pub const MAX_LIMIT: usize = 50;

impl Snapshot {
    pub(super) fn new(ix: OpenIndex, opts: EngineOptions) -> Snapshot {
        let started = std::time::Instant::now();
        // Ids from the catalog's id column: no record is decoded.
        let docs = &ix.catalog.documents;
        let by_id: HashMap<String, usize> = (0..docs.len())
            .filter_map(|i| Some((docs.id(i)?.to_string(), i)))
            .collect();
        let super::derived::Derived { lexicon, archive } =
            super::derived::Derived::load_or_make(&ix);
        tracing::debug!(
            "snapshot: lexicon of {} speakers ready in {:.3} s",
            lexicon.names.len(),
            started.elapsed().as_secs_f64()
        );
        Snapshot {
            ix,
            lexicon,
            archive,
            by_id,
            opts,
        }
    }

    pub fn options(&self) -> &EngineOptions {
        &self.opts
    }
    /// The name of the index directory in service (`index-…`).
    pub fn index_name(&self) -> &str {
        &self.ix.name
    }

    pub(super) fn searcher(&self) -> Searcher {
        self.ix.reader.searcher()
    }

    pub(super) fn record(&self, id: &str) -> Option<&DocRecord> {
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
        if let Some(searcher) = &found.searcher {
            answer.results = found
                .hits
                .iter()
                .skip(offset)
                .take(limit)
                .filter_map(|c| self.hit(searcher, c.addr, c.score))
                .map(|h| self.quote(h, &found.weights, &found.pairs))
                .collect();
        }
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
    fn run(&self, plan: &Plan, want: usize) -> Found<'_> {
        let searcher = self.searcher();
        let f = self.ix.fields;
        // The question's stems, each once, and each one's boost (the largest of its terms').
        let mut stems: Vec<String> = Vec::new();
        let mut boost: Vec<f32> = Vec::new();
        let mut term_stems: Vec<Vec<String>> = Vec::new();
        let framed = plan.focus.iter().any(|f| *f) && plan.focus.iter().any(|f| !*f);
        for (i, t) in plan.terms.iter().enumerate() {
            let s: Vec<String> = excerpt::stems(t).into_iter().map(|(_, _, s)| s).collect();
            let focus = framed && plan.focus.get(i).copied().unwrap_or(false);
            let b = if focus { FOCUS_BOOST } else { 1.0 };
            for x in &s {
                match stems.iter().position(|y| y == x) {
                    Some(i) => boost[i] = boost[i].max(b),
                    None => {
                        stems.push(x.clone());
                        boost.push(b);
                    }
                }
            }
            term_stems.push(s);
        }
        // Statistics of the live passages (an updated index has deleted ones).
        let stats = self.ix.stats(&searcher);
        let n_docs = stats.num_docs().max(1) as f32;
        let dfs: Vec<u64> = stems
            .iter()
            .map(|s| {
                stats
                    .doc_freq(&Term::from_field_text(f.text, s))
                    .unwrap_or(0)
            })
            .collect();
        // Each stem's weight (in the order of `stems`): its boost times its idf.
        let weights: Vec<(String, f32)> = stems
            .iter()
            .zip(&boost)
            .zip(&dfs)
            .map(|((s, b), &df)| {
                let df = df as f32;
                (s.clone(), b * (1.0 + (n_docs - df + 0.5) / (df + 0.5)).ln())
            })
            .collect();
        // Passages holding a question word: past this many, an index of several segments is
        // searched on all cores at once (below it, starting threads costs more than it saves).
        let spread = dfs.iter().sum::<u64>() >= SPREAD_POSTINGS;
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
        // A query within the filters (unwrapped when there are none, so that tantivy sees a
        // plain union of terms and can use block-max WAND).
        let with = |q: Box<dyn Query>| -> Box<dyn Query> {
            if filters.is_empty() {
                return q;
            }
            let mut clauses = vec![(Occur::Must, q)];
            clauses.extend(filters.iter().map(|(o, q)| (*o, q.box_clone())));
            Box::new(BooleanQuery::new(clauses))
        };
        let word_clauses: Vec<(Occur, Box<dyn Query>)> = stems
            .iter()
            .zip(&boost)
            .map(|(s, &b)| {
                let q: Box<dyn Query> = Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.text, s),
                        IndexRecordOption::WithFreqs,
                    )),
                    b,
                ));
                (Occur::Should, q)
            })
            .collect();
        let phrases: Vec<phrased::Phrase> = pairs
            .iter()
            .filter(|(a, b)| a != b)
            .filter_map(|(a, b)| {
                Some(phrased::Phrase {
                    a: stems.iter().position(|s| s == a)?,
                    b: stems.iter().position(|s| s == b)?,
                    slop: PHRASE_SLOP,
                    boost: PHRASE_BONUS,
                })
            })
            .collect();
        // What matches: any of the words (a phrase holds two of them), within the filters.
        let matching: Box<dyn Query> = if stems.is_empty() {
            if filters.is_empty() {
                return Found::default();
            }
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::new(
                word_clauses
                    .iter()
                    .map(|(o, q)| (*o, q.box_clone()))
                    .collect(),
            ))
        };
        let matching = with(matching);
        let k = (want + 40).max(60);
        // One weight for counting, the top k and scoring the other candidates (making a weight
        // looks every word up in every segment).
        let Ok(weight) = matching.weight(EnableScoring::enabled_from_statistics_provider(
            &stats, &searcher,
        )) else {
            return Found::default();
        };
        let by_score = TopDocs::with_limit(k).order_by_score();
        let terms: Vec<Term> = stems
            .iter()
            .map(|s| Term::from_field_text(f.text, s))
            .collect();
        let per_segment = each_segment(&searcher, spread, |ord| {
            let seg = searcher.segment_reader(ord);
            // (The index is built whole and never has deleted passages; were it to have some,
            // the query's own count leaves them out.)
            let count = if filters.is_empty() && !terms.is_empty() && !seg.has_deletes() {
                union_count(seg, &terms)?
            } else {
                Count.collect_segment(weight.as_ref(), ord, seg)?
            };
            Ok::<_, tantivy::TantivyError>((
                count,
                by_score.collect_segment(weight.as_ref(), ord, seg)?,
            ))
        });
        let Ok(per_segment) = per_segment.into_iter().collect::<Result<Vec<_>, _>>() else {
            return Found::default();
        };
        let (counts, tops): (Vec<_>, Vec<_>) = per_segment.into_iter().unzip();
        let total: usize = counts.into_iter().sum();
        // Candidates: the best by the words alone (which lets tantivy skip blocks of postings
        // that cannot enter the top: block-max WAND), and the best of the passages holding a
        // phrase, scored by words and phrases together. Between them they hold the top k of
        // words and phrases together: a passage without a phrase scores its words' score, and
        // every passage above it by that score is above it in the whole query too.
        let Ok(by_words) = by_score.merge_fruits(tops) else {
            return Found::default();
        };
        // (score, address) of every candidate, each once.
        let mut top: Vec<(f32, DocAddress)> = Vec::new();
        if !phrases.is_empty() {
            let words: Vec<(Term, f32)> = stems
                .iter()
                .zip(&boost)
                .map(|(s, &b)| (Term::from_field_text(f.text, s), b))
                .collect();
            let filters: Vec<Box<dyn Query>> = filters.iter().map(|(_, q)| q.box_clone()).collect();
            let search = phrased::Search {
                words: &words,
                phrases: &phrases,
                matching: weight.as_ref(),
                filters: &filters,
            };
            // The k-th best by words alone: the k-th best of the whole search scores at least
            // that (phrases only add).
            let floor = if by_words.len() >= k {
                by_words[k - 1].0
            } else {
                f32::MIN
            };
            let Ok(prepared) = phrased::Prepared::new(&searcher, &stats, &search) else {
                return Found::default();
            };
            let found = each_segment(&searcher, spread, |ord| {
                prepared.top_in(&search, ord, searcher.segment_reader(ord), floor, k)
            });
            let Ok(found) = found.into_iter().collect::<Result<Vec<_>, _>>() else {
                return Found::default();
            };
            top = phrased::best_of(found.into_iter().flatten().collect(), k);
        }
        // The others score their words: a search of the words alone, moved to each of them
        // (the same sum in the same order for every passage, which block-max WAND's scores are
        // not). A passage holding a phrase but not among the phrased top k is below k of them
        // either way.
        let mut phrased: Vec<DocAddress> = top.iter().map(|(_, a)| *a).collect();
        phrased.sort_unstable();
        let mut rest: Vec<DocAddress> = by_words
            .into_iter()
            .map(|(_, a)| a)
            .filter(|a| phrased.binary_search(a).is_err())
            .collect();
        rest.sort();
        top.extend(exact_scores(&searcher, weight.as_ref(), &rest));
        // As tantivy's top k orders: score, then index order.
        top.sort_by(|a, b| {
            b.0.partial_cmp(&a.0)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.1.cmp(&b.1))
        });
        top.truncate(k);
        let total_weight: f32 = weights.iter().map(|(_, w)| w).sum::<f32>().max(1e-6);
        let addrs: Vec<DocAddress> = top.iter().map(|(_, a)| *a).collect();
        let held = stems_held(&searcher, f.text, &stems, &addrs);
        let places = self.places(&searcher, &addrs);
        let mut hits: Vec<Candidate> = top
            .into_iter()
            .zip((0..).map(|i| &held[i * stems.len()..][..stems.len()]))
            .zip(places)
            .filter_map(|(((score, addr), present), place)| {
                let (doc, passage) = place?;
                let score = if stems.is_empty() {
                    // No words to rank by: a speaker's or a document's passages in order.
                    1.0 / (1.0 + passage as f32)
                } else {
                    let covered: f32 = weights
                        .iter()
                        .zip(present)
                        .filter(|(_, &p)| p)
                        .map(|((_, w), _)| w)
                        .sum();
                    score * (0.5 + covered / total_weight)
                };
                let doc_id = self.ix.catalog.documents.get(doc)?.meta.id.as_str();
                Some(Candidate {
                    addr,
                    score,
                    doc_id,
                    passage,
                })
            })
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .partial_cmp(&a.score)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| (a.doc_id, a.passage).cmp(&(b.doc_id, b.passage)))
        });
        Found {
            total,
            hits,
            weights,
            pairs,
            searcher: Some(searcher),
        }
    }

    /// (catalog index of the document, passage number) of each address, from the fast fields
    /// (the document's serial number, mapped to its place).
    fn places(&self, searcher: &Searcher, addrs: &[DocAddress]) -> Vec<Option<(usize, u32)>> {
        type Columns = Option<(Arc<dyn ColumnValues<u64>>, Arc<dyn ColumnValues<u64>>)>;
        let mut columns: Vec<Option<Columns>> = vec![None; searcher.segment_readers().len()];
        addrs
            .iter()
            .map(|a| {
                let cols = columns[a.segment_ord as usize].get_or_insert_with(|| {
                    let ff = searcher.segment_reader(a.segment_ord).fast_fields();
                    let doc = ff.u64(DOC_ORD).ok()?.first_or_default_col(u64::MAX);
                    let passage = ff.u64(PASSAGE).ok()?.first_or_default_col(0);
                    Some((doc, passage))
                });
                let (doc, passage) = cols.as_ref()?;
                let d = doc.get_val(a.doc_id);
                let place = (d != u64::MAX).then(|| self.ix.place_of(d)).flatten()?;
                Some((place, passage.get_val(a.doc_id) as u32))
            })
            .collect()
    }

    pub(super) fn hit(&self, searcher: &Searcher, addr: DocAddress, score: f32) -> Option<Hit> {
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

    fn quote(&self, h: Hit, weights: &[(String, f32)], pairs: &[(String, String)]) -> Quote {
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
struct Found<'a> {
    total: usize,
    /// Ranked; only the page shown is loaded from the document store.
    hits: Vec<Candidate<'a>>,
    /// Each query stem (once) with its weight.
    weights: Vec<(String, f32)>,
    pairs: Vec<(String, String)>,
    /// The searcher the addresses belong to.
    searcher: Option<Searcher>,
}

/// A ranked passage before its text is loaded.
struct Candidate<'a> {
    addr: DocAddress,
    score: f32,
    doc_id: &'a str,
    passage: u32,
}

pub(super) struct Hit {
    pub(super) doc_id: String,
    pub(super) passage: u32,
    pub(super) speaker: Option<String>,
    pub(super) label: Option<String>,
    pub(super) text: String,
    pub(super) score: f32,
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

pub(super) fn in_date_range(
    iso: Option<&str>,
    from: Option<PartialDate>,
    to: Option<PartialDate>,
) -> bool {
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

/// The query stems each candidate passage holds, read from the index's postings. The index was
/// made from the same text by the same analyzer, so this is the set that re-tokenising the stored
/// text would give, without decompressing and stemming every candidate. One flag per (candidate,
/// stem), row by row: candidate `i`'s are `[i * stems.len()..][..stems.len()]`.
fn stems_held(
    searcher: &Searcher,
    field: Field,
    stems: &[String],
    addrs: &[DocAddress],
) -> Vec<bool> {
    let mut out = vec![false; addrs.len() * stems.len()];
    let mut order: Vec<usize> = (0..addrs.len()).collect();
    order.sort_by_key(|&i| (addrs[i].segment_ord, addrs[i].doc_id));
    for group in order.chunk_by(|&a, &b| addrs[a].segment_ord == addrs[b].segment_ord) {
        let seg = searcher.segment_reader(addrs[group[0]].segment_ord);
        let Ok(inv) = seg.inverted_index(field) else {
            continue;
        };
        for (j, s) in stems.iter().enumerate() {
            let term = Term::from_field_text(field, s);
            let Ok(Some(mut postings)) = inv.read_postings(&term, IndexRecordOption::Basic) else {
                continue;
            };
            // Candidates in ascending doc order: each seek only moves forward.
            for &i in group {
                let d = addrs[i].doc_id;
                if postings.doc() <= d && postings.seek(d) == d {
                    out[i * stems.len() + j] = true;
                }
            }
        }
    }
    out
}

/// How many passages of a segment hold any of `terms` (one field; deleted passages included):
/// their postings, read a block of 128 at a time, set bits in a bitmap of the segment's
/// passages. This is the count of a question without filters: counting through the query's
/// scorers costs several times more per passage, and a question of common words matches a
/// quarter of a big corpus.
pub(super) fn union_count(seg: &tantivy::SegmentReader, terms: &[Term]) -> tantivy::Result<usize> {
    let Some(field) = terms.first().map(Term::field) else {
        return Ok(0);
    };
    let inv = seg.inverted_index(field)?;
    let mut bits = vec![0u64; (seg.max_doc() as usize).div_ceil(64)];
    for t in terms {
        let Some(mut block) = inv.read_block_postings(t, IndexRecordOption::Basic)? else {
            continue;
        };
        let mut left = block.doc_freq() as usize;
        while left > 0 && block.block_len() > 0 {
            let docs = &block.docs()[..block.block_len().min(left)];
            for &d in docs {
                bits[d as usize / 64] |= 1u64 << (d % 64);
            }
            left -= docs.len();
            block.advance();
        }
    }
    Ok(bits.iter().map(|w| w.count_ones() as usize).sum())
}

/// `f` for each segment of the searcher, in order: on all cores at once when `spread` (a big
/// index has several segments, searched independently; a small one has one).
fn each_segment<R: Send>(searcher: &Searcher, spread: bool, f: impl Fn(u32) -> R + Sync) -> Vec<R> {
    let ords: Vec<u32> = (0..searcher.segment_readers().len() as u32).collect();
    if spread {
        crate::par::map(&ords, |&ord| f(ord))
    } else {
        ords.into_iter().map(f).collect()
    }
}

/// The score `weight` gives each of `addrs` (ascending), found by moving its scorer to each: the
/// same sum, in the same order, as a search would compute. A passage the query does not match
/// scores 0.
fn exact_scores(
    searcher: &Searcher,
    weight: &dyn Weight,
    addrs: &[DocAddress],
) -> Vec<(f32, DocAddress)> {
    let mut out = Vec::with_capacity(addrs.len());
    for group in addrs.chunk_by(|a, b| a.segment_ord == b.segment_ord) {
        let seg = searcher.segment_reader(group[0].segment_ord);
        let Ok(mut scorer) = weight.scorer(seg, 1.0) else {
            continue;
        };
        for &a in group {
            if scorer.doc() <= a.doc_id && scorer.seek(a.doc_id) == a.doc_id {
                out.push((scorer.score(), a));
            }
        }
    }
    out
}

/// A filter matching documents with any of `terms`, each match scoring 1 like a `TermSetQuery`.
/// A few terms (a speaker, a surname several speakers share, a document) are term queries:
/// a `TermSetQuery` builds an FST of its terms on every search, which costs more than the
/// search itself when there are few; many terms (the documents of a date range) keep it.
fn any_term(terms: Vec<Term>) -> Box<dyn Query> {
    const FEW: usize = 16;
    let term =
        |t: Term| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::Basic)) };
    let matching: Box<dyn Query> = match terms.len() {
        0..=1 => match terms.into_iter().next() {
            Some(t) => term(t),
            None => return Box::new(TermSetQuery::new(Vec::<Term>::new())),
        },
        2..=FEW => Box::new(BooleanQuery::new(
            terms
                .into_iter()
                .map(|t| (Occur::Should, term(t)))
                .collect(),
        )),
        _ => return Box::new(TermSetQuery::new(terms)),
    };
    Box::new(ConstScoreQuery::new(matching, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_count_is_the_count_of_the_union_query() {
        let (index, text) = super::super::phrased::tests::index();
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);
        let sets: [&[&str]; 5] = [
            &["border"],
            &["border", "illegally"],
            &["crossed", "night", "fence", "guards"],
            &["nowhere", "border"],
            &["nowhere"],
        ];
        let stem = |w: &str| {
            let mut analyzer = crate::index::schema::analyzer();
            let mut tokens = analyzer.token_stream(w);
            assert!(tokens.advance());
            tokens.token().text.clone()
        };
        for words in sets {
            let terms: Vec<Term> = words
                .iter()
                .map(|w| Term::from_field_text(text, &stem(w)))
                .collect();
            let query = BooleanQuery::new(
                terms
                    .iter()
                    .map(|t| {
                        let q: Box<dyn Query> =
                            Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic));
                        (Occur::Should, q)
                    })
                    .collect(),
            );
            let expected = searcher.search(&query, &Count).unwrap();
            let ours: usize = searcher
                .segment_readers()
                .iter()
                .map(|seg| union_count(seg, &terms).unwrap())
                .sum();
            assert_eq!(ours, expected, "{words:?}");
        }
    }

    #[test]
    fn date_ranges() {
        let p = |s: &str| PartialDate::parse(s);
        assert!(in_date_range(Some("1962-06-08"), p("June 1962"), None));
        assert!(!in_date_range(Some("1962-04-29"), p("June 1962"), None));
        assert!(in_date_range(Some("1962-04-29"), None, p("1962-05")));
        assert_eq!(
            meeting_date("8 June 1962, 5:00 p.m.").unwrap().to_string(),
            "1962-06-08"
        );
    }
}
