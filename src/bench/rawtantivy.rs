//! The floor: a plain BM25 `TopDocs` search of the question's terms on the engine's own index,
//! with the stored text of the hits loaded (what any bot must show), and nothing else — no
//! question understanding, no re-scoring, no excerpts.

use std::path::Path;

use anyhow::{Context, Result};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{IndexReader, Searcher, TantivyDocument, Term};

use crate::index::{self, schema::Fields};
use crate::search::excerpt::stems;

/// The index in service under `data_dir`, opened read-only.
pub struct Raw {
    reader: IndexReader,
    fields: Fields,
}

impl Raw {
    pub fn open(data_dir: &Path) -> Result<Raw> {
        let cur = index::current(data_dir)
            .with_context(|| format!("no index in {} (CURRENT missing)", data_dir.display()))?;
        let ix = index::open_dir(&data_dir.join(&cur.dir), &cur)?;
        Ok(Raw {
            reader: ix.reader,
            fields: ix.fields,
        })
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Top `k` passages for `terms` by BM25 (any term); returns how many texts were loaded.
    pub fn search(&self, searcher: &Searcher, terms: &[String], k: usize) -> usize {
        let f = self.fields;
        let clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .flat_map(|t| stems(t).into_iter().map(|(_, _, s)| s))
            .map(|s| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(f.text, &s),
                    IndexRecordOption::WithFreqs,
                ));
                (Occur::Should, q)
            })
            .collect();
        let q = BooleanQuery::new(clauses);
        let Ok(top) = searcher.search(&q, &TopDocs::with_limit(k).order_by_score()) else {
            return 0;
        };
        top.into_iter()
            .filter_map(|(_, a)| searcher.doc::<TantivyDocument>(a).ok())
            .filter(|d| d.get_first(f.text).and_then(|v| v.as_str()).is_some())
            .count()
    }
}
