//! The alternative a bot author would most likely pick: SQLite FTS5 with `bm25()` ranking over
//! the same passages (rusqlite, bundled SQLite), Porter stemming like the engine's analyzer.

use std::path::Path;

use anyhow::Result;
use rusqlite::{params, Connection};

use crate::corpus::Corpus;

pub struct Fts5 {
    conn: Connection,
}

impl Fts5 {
    /// A database built earlier (opened read-only by the serving worker).
    pub fn from_connection(conn: Connection) -> Fts5 {
        Fts5 { conn }
    }

    /// Builds `db` (replacing it) from every passage of `corpus`; returns it and the seconds taken.
    pub fn build(corpus: &Corpus, db: &Path) -> Result<(Fts5, f64)> {
        let started = std::time::Instant::now();
        if db.exists() {
            std::fs::remove_file(db)?;
        }
        let mut conn = Connection::open(db)?;
        conn.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
             CREATE VIRTUAL TABLE p USING fts5(text, doc_id UNINDEXED, passage UNINDEXED,
                                               tokenize = 'porter unicode61');",
        )?;
        let tx = conn.transaction()?;
        {
            let mut ins =
                tx.prepare("INSERT INTO p (text, doc_id, passage) VALUES (?1, ?2, ?3)")?;
            for d in &corpus.documents {
                for p in &d.passages {
                    ins.execute(params![p.text, d.meta.id, p.n])?;
                }
            }
        }
        tx.commit()?;
        conn.execute_batch("INSERT INTO p(p) VALUES('optimize');")?;
        Ok((Fts5 { conn }, started.elapsed().as_secs_f64()))
    }

    /// Top `k` passages for `terms` (any term) by `bm25()`, texts loaded; returns how many.
    pub fn search(&self, terms: &[String], k: usize) -> Result<usize> {
        let expr = terms
            .iter()
            .map(|t| format!("\"{}\"", t.replace('"', "")))
            .collect::<Vec<_>>()
            .join(" OR ");
        let mut st = self.conn.prepare_cached(
            "SELECT doc_id, passage, text FROM p WHERE p MATCH ?1 ORDER BY bm25(p) LIMIT ?2",
        )?;
        let rows = st.query_map(params![expr, k as i64], |r| r.get::<_, String>(2))?;
        let mut n = 0;
        for r in rows {
            r?;
            n += 1;
        }
        Ok(n)
    }
}
