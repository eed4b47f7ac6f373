//! A snapshot of the index and the answering of questions over it, stage by stage:
//!
//! 1. read the question ([`super::question::understand`]): content words, speakers named or
//!    described by role, document, date, answer type, expressions;
//! 2. plan ([`super::plan`]): weights, paraphrases the corpus holds, filters;
//! 3. candidates from tantivy ([`super::candidates`]): BM25 with phrase bonuses;
//! 4. re-score ([`super::rescore`]): coverage, the document's title, answer types;
//! 5. quotes ([`super::excerpt`]): the sentences that best show the answer.
//!
//! A snapshot never changes; the [`super::Engine`] swaps in a new one when the corpus changes, and
//! requests in flight finish on the one they started with.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::columnar::ColumnValues;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::candidates;
use super::excerpt;
use super::plan::{self, ParaphraseCache, Plan};
use super::question::{clean_question, understand, Lexicon, Understood};
use super::rescore::{self, Ranked};
use super::weights::{QUOTE_ANSWER_TYPE, QUOTE_PARAPHRASE};
use super::{AskRequest, EngineOptions};
use crate::answer::{Answer, Explanation, Quote, Searched, WordWhy};
use crate::corpus::date::PartialDate;
use crate::index::schema::{DOC_ORD, PASSAGE};
use crate::index::{DocRecord, OpenIndex};

/// One opened index with what questions are read against (speakers, document ids).
pub struct Snapshot {
    pub(super) ix: OpenIndex,
    pub(super) lexicon: Lexicon,
    pub(super) by_id: HashMap<String, usize>,
    pub(super) opts: EngineOptions,
    /// The archive the citations name most often, read once.
    pub(super) archive: Option<String>,
    /// Name spellings the documents give as one ([`super::derived::Derived::variants`]).
    variants: HashMap<String, Vec<String>>,
    /// Paraphrases of question words found in this index, remembered.
    paraphrases: ParaphraseCache,
    /// The corpus's speakers, summarised when first asked for ([`Snapshot::speakers`]).
    pub(super) all_speakers: std::sync::OnceLock<Vec<crate::answer::SpeakerSummary>>,
}

/// The largest page of results one request may ask for.
pub const MAX_LIMIT: usize = 50;

/// What a search is restricted to.
#[derive(Debug, Clone, Default)]
struct Filters {
    speakers: Vec<usize>,
    docs: Option<Vec<String>>,
    /// The server's scope ([`AskRequest::within`]), applied after the checks on the others.
    within: Option<std::sync::Arc<std::collections::BTreeSet<String>>>,
}

/// A search's outcome: the plan it ran and the ranked passages.
struct Outcome {
    plan: Plan,
    total: usize,
    ranked: Vec<Ranked>,
}

impl Snapshot {
    pub(super) fn new(ix: OpenIndex, opts: EngineOptions) -> Snapshot {
        let started = std::time::Instant::now();
        // Ids from the catalog's id column: no record is decoded.
        let docs = &ix.catalog.documents;
        let by_id: HashMap<String, usize> = (0..docs.len())
            .filter_map(|i| Some((docs.id(i)?.to_string(), i)))
            .collect();
        let super::derived::Derived {
            lexicon,
            archive,
            variants,
        } = super::derived::Derived::load_or_make(&ix);
        tracing::debug!(
            "snapshot: lexicon of {} speakers ready in {:.3} s",
            lexicon.names.len(),
            started.elapsed().as_secs_f64()
        );
        Snapshot {
            ix,
            lexicon,
            archive,
            variants,
            by_id,
            paraphrases: ParaphraseCache::new(opts.paraphrases),
            all_speakers: std::sync::OnceLock::new(),
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
        let mut answer = Answer {
            question,
            total: 0,
            results: Vec::new(),
            offset,
            searched: Searched {
                terms: u.terms.clone(),
                ..Default::default()
            },
            suggestions: Vec::new(),
            explain: None,
        };
        let mut terms = terms_of(&u);
        let filters = match self.filters(req, &u, &mut answer.searched, &mut terms) {
            Ok(f) => f,
            Err(suggestions) => {
                answer.suggestions = suggestions;
                return answer;
            }
        };
        answer.searched.terms = terms.iter().map(|t| t.text.clone()).collect();
        let searcher = self.searcher();
        let want = offset + limit;
        let mut found = self.search(&searcher, &terms, &u, &filters, want);
        // A speaker named in the question who never speaks of this: search everyone.
        if found.total == 0 && !filters.speakers.is_empty() && req.speaker.is_none() {
            let mut wider = terms.clone();
            wider.extend(filters.speakers.iter().flat_map(|&i| {
                self.lexicon.names[i]
                    .split_whitespace()
                    .map(plain_term)
                    .collect::<Vec<_>>()
            }));
            let everyone = Filters {
                speakers: Vec::new(),
                ..filters.clone()
            };
            found = self.search(&searcher, &wider, &u, &everyone, want);
            if found.total > 0 {
                answer.searched.speaker_relaxed = true;
            }
        }
        // A date no passage of that day matches: search all dates, with the date as words.
        if found.total == 0
            && answer.searched.date.is_some()
            && req.from.is_none()
            && req.to.is_none()
            && u.date.is_some()
        {
            let mut dated = terms.clone();
            dated.extend(u.date_words.iter().map(|w| plain_term(w)));
            let any_date = Filters {
                docs: req.doc.clone().or(u.doc_id.clone()).map(|d| vec![d]),
                speakers: found.plan.speakers.clone(),
                within: req.within.clone(),
            };
            answer.searched.date = None;
            found = self.search(&searcher, &dated, &u, &any_date, want);
        }
        answer.total = found.total;
        answer.results = self.quotes(&searcher, &found, offset, limit);
        if answer.total == 0 {
            answer.suggestions = self.nothing_found_suggestions(&answer.searched);
        }
        if req.explain {
            answer.explain = Some(explain(&u, &found, offset, limit));
        }
        answer
    }

    /// The speaker and document restrictions of a request, and date words to search where no
    /// document has the date. `Err` holds the suggestions for an unknown speaker or document.
    fn filters(
        &self,
        req: &AskRequest,
        u: &Understood,
        searched: &mut Searched,
        terms: &mut Vec<plan::Term>,
    ) -> Result<Filters, Vec<String>> {
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
                return Err(self.speaker_suggestions(name));
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
            searched.doc_id = Some(d.clone());
            if !self.by_id.contains_key(d) {
                return Err(self
                    .suggest_documents(d, 3)
                    .into_iter()
                    .map(|b| format!("{} — {}", b.doc_id, b.title))
                    .collect());
            }
        }
        let mut docs: Option<Vec<String>> = doc.map(|d| vec![d]);
        if let Some(date) = u.date {
            let hits: Vec<String> = self.docs_where(|r| date_matches(&date, r)).collect();
            if hits.is_empty() || docs.is_some() {
                terms.extend(u.date_words.iter().map(|w| plain_term(w)));
            } else {
                searched.date = Some(date.to_string());
                docs = Some(hits);
            }
        }
        if req.from.is_some() || req.to.is_some() {
            let from = req.from.as_deref().and_then(PartialDate::parse);
            let to = req.to.as_deref().and_then(PartialDate::parse);
            let in_range: Vec<String> = self
                .docs_where(|r| in_date_range(r.meta.date.as_deref(), from, to))
                .collect();
            docs = Some(match docs {
                Some(ds) => ds.into_iter().filter(|d| in_range.contains(d)).collect(),
                None => in_range,
            });
            searched.date = Some(format!(
                "{} – {}",
                from.map(|d| d.to_string()).unwrap_or_default(),
                to.map(|d| d.to_string()).unwrap_or_default()
            ));
        }
        Ok(Filters {
            speakers,
            docs,
            within: req.within.clone(),
        })
    }

    /// Plans, searches and re-scores: stages 2 to 4.
    fn search(
        &self,
        searcher: &Searcher,
        terms: &[plan::Term],
        u: &Understood,
        filters: &Filters,
        want: usize,
    ) -> Outcome {
        // Statistics of the live passages (an updated index has deleted ones).
        let stats = self.ix.stats(searcher);
        let mut plan = plan::make(
            &stats,
            self.ix.fields.text,
            &self.paraphrases,
            &self.variants,
            terms,
            &u.adjacent,
        );
        plan.speakers = filters.speakers.clone();
        plan.docs = filters.docs.clone();
        plan.answer_type = u.answer_type;
        plan.counted = excerpt::stems(&u.counted.join(" "))
            .into_iter()
            .map(|(_, _, st)| st)
            .collect();
        if plan.stems.is_empty() && plan.speakers.is_empty() && plan.docs.is_none() {
            return Outcome {
                plan,
                total: 0,
                ranked: Vec::new(),
            };
        }
        plan.docs = super::scope::restrict(plan.docs.take(), filters.within.as_ref());
        let names = |i: usize| self.lexicon.names[i].clone();
        let found = candidates::search(searcher, &stats, self.ix.fields, &plan, &names, want);
        let total = found.total;
        let ranked = rescore::rescore(self, searcher, &plan, found);
        Outcome {
            plan,
            total,
            ranked,
        }
    }

    /// Stage 5: the page of results, each with its quote.
    fn quotes(
        &self,
        searcher: &Searcher,
        found: &Outcome,
        offset: usize,
        limit: usize,
    ) -> Vec<Quote> {
        let weights: Vec<(String, f32)> = found
            .plan
            .stems
            .iter()
            .map(|s| {
                let w = if s.paraphrase.is_some() {
                    s.weight * QUOTE_PARAPHRASE
                } else {
                    s.weight
                };
                (s.stem.clone(), w)
            })
            .collect();
        let pairs = found.plan.stem_pairs();
        let negated_only: Vec<String> = found
            .plan
            .stems
            .iter()
            .filter(|s| s.negated)
            .map(|s| s.stem.clone())
            .collect();
        let answer_weight = QUOTE_ANSWER_TYPE * weights.iter().map(|(_, w)| *w).fold(0.0, f32::max);
        found
            .ranked
            .iter()
            .skip(offset)
            .take(limit)
            .filter_map(|r| {
                let hit = match &r.hit {
                    Some(h) => Hit {
                        score: r.score,
                        ..h.clone()
                    },
                    None => self.hit(searcher, r.addr, r.score)?,
                };
                let answers = excerpt::Answers {
                    spans: &r.answers,
                    weight: answer_weight,
                };
                Some(self.quote(hit, &weights, &pairs, &negated_only, &answers))
            })
            .collect()
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

    /// (catalog index of the document, passage number) of each address, from the fast fields
    /// (the document's serial number, mapped to its place).
    pub(super) fn places(
        &self,
        searcher: &Searcher,
        addrs: &[DocAddress],
    ) -> Vec<Option<(usize, u32)>> {
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

    fn quote(
        &self,
        h: Hit,
        weights: &[(String, f32)],
        pairs: &[(String, String)],
        negated_only: &[String],
        answers: &excerpt::Answers,
    ) -> Quote {
        let ex = excerpt::excerpt(
            &h.text,
            weights,
            pairs,
            negated_only,
            answers,
            self.opts.quote_max_chars,
        );
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

/// The question's content words as the plan takes them.
fn terms_of(u: &Understood) -> Vec<plan::Term> {
    u.terms
        .iter()
        .enumerate()
        .map(|(i, t)| plan::Term {
            text: t.clone(),
            focus: u.focus.get(i).copied().unwrap_or(false),
            paraphrase: !u.literal.get(i).copied().unwrap_or(false),
            usage: u.usage.get(i).copied().flatten(),
            expression: u
                .expressions
                .iter()
                .find(|(at, _)| *at == i)
                .map(|(_, e)| e.clone()),
        })
        .collect()
}

/// A word searched as it is: a name, a date word.
fn plain_term(w: &str) -> plan::Term {
    plan::Term {
        text: w.to_string(),
        focus: false,
        paraphrase: false,
        expression: None,
        usage: None,
    }
}

/// Why the page of results ranked as it did.
fn explain(u: &Understood, found: &Outcome, offset: usize, limit: usize) -> Explanation {
    Explanation {
        answer_type: u.answer_type.map(|t| t.as_str().to_string()),
        role: u.role.clone(),
        frame: u.frame.clone(),
        words: found
            .plan
            .words
            .iter()
            .map(|w| WordWhy {
                word: w.text.clone(),
                weight: (w.weight * 1000.0).round() / 1000.0,
                expression: w.expression.clone(),
                paraphrases: w
                    .paraphrases
                    .iter()
                    .map(|(p, via, wt)| {
                        (
                            p.clone(),
                            via.as_str().to_string(),
                            (wt * 1000.0).round() / 1000.0,
                        )
                    })
                    .collect(),
                spellings: w.spellings.clone(),
            })
            .collect(),
        results: found
            .ranked
            .iter()
            .skip(offset)
            .take(limit)
            .map(|r| r.why.clone())
            .collect(),
    }
}

/// A passage loaded from the index.
#[derive(Debug, Clone)]
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

#[cfg(test)]
mod tests {
    use super::*;

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
