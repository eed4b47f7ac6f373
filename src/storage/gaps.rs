//! Gaps: the questions asked in a server that found nothing or got a 👎, grouped by the question
//! after normalisation (case, punctuation and spacing ignored), with how often and when last,
//! newest first — what `/gaps` and `archivist gaps` show a teacher, and the CSV they download.

use std::collections::HashMap;

use serde::Serialize;

use super::{id, on_db, Store, StoreError};

/// The form questions are grouped by: lower case, words of letters and digits, single spaces.
pub fn normalize_question(q: &str) -> String {
    let mut out = String::with_capacity(q.len());
    for word in q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// One question (after normalisation) that students did not get a good answer to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The latest wording asked.
    pub question: String,
    pub normalized: String,
    /// Times asked with nothing found, plus 👎 votes.
    pub count: u64,
    pub nothing_found: u64,
    pub thumbs_down: u64,
    pub wrong_passage: u64,
    pub wrong_speaker: u64,
    pub quote_cut: u64,
    /// Unix seconds.
    pub last_asked: i64,
}

/// Rows read per gaps report, at most (the retention period bounds them anyway).
const MAX_ROWS: i64 = 100_000;

impl Store {
    /// The gaps of `guild` over the `days` before `now` (Unix seconds), newest first.
    pub fn gaps(&self, guild: u64, days: u32, now: i64) -> Result<Vec<Gap>, StoreError> {
        let (g, since) = (id(guild), now - i64::from(days) * 86_400);
        type Row = (String, String, i64, Option<String>, i64);
        let rows: Vec<Row> = self.call("read gaps", move |db| async move {
            on_db!(&db, p => sqlx::query_as(
                "SELECT question, normalized, 0 AS vote, NULL AS reason, asked_at AS at \
                 FROM unanswered WHERE guild_id = $1 AND asked_at >= $2 \
                 UNION ALL \
                 SELECT question, normalized, vote, reason, updated_at AS at \
                 FROM feedback WHERE guild_id = $1 AND vote < 0 AND updated_at >= $2 \
                 ORDER BY at DESC LIMIT $3"
            )
            .bind(g)
            .bind(since)
            .bind(MAX_ROWS)
            .fetch_all(p)
            .await)
        })?;
        Ok(group(rows))
    }
}

/// Groups (question, normalized, vote, reason, at) rows, newest first.
fn group(rows: Vec<(String, String, i64, Option<String>, i64)>) -> Vec<Gap> {
    let mut by: HashMap<String, Gap> = HashMap::new();
    for (question, normalized, vote, reason, at) in rows {
        let key = if normalized.is_empty() {
            question.trim().to_string()
        } else {
            normalized.clone()
        };
        let g = by.entry(key).or_insert_with(|| Gap {
            question: question.clone(),
            normalized,
            count: 0,
            nothing_found: 0,
            thumbs_down: 0,
            wrong_passage: 0,
            wrong_speaker: 0,
            quote_cut: 0,
            last_asked: at,
        });
        if at > g.last_asked {
            g.last_asked = at;
            g.question = question;
        }
        g.count += 1;
        if vote < 0 {
            g.thumbs_down += 1;
        } else {
            g.nothing_found += 1;
        }
        match reason.as_deref() {
            Some("passage") => g.wrong_passage += 1,
            Some("speaker") => g.wrong_speaker += 1,
            Some("cut") => g.quote_cut += 1,
            _ => {}
        }
    }
    let mut out: Vec<Gap> = by.into_values().collect();
    out.sort_by(|a, b| {
        b.last_asked
            .cmp(&a.last_asked)
            .then_with(|| b.count.cmp(&a.count))
            .then_with(|| a.normalized.cmp(&b.normalized))
    });
    out
}

/// A Unix time as `2026-11-23 13:05 UTC`.
pub fn utc(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// The gaps as CSV (RFC 4180, with a header line). Cells a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`) are prefixed with `'`.
pub fn to_csv(gaps: &[Gap]) -> String {
    let mut out = String::from(
        "question,count,nothing_found,thumbs_down,wrong_passage,wrong_speaker,quote_cut_badly,last_asked\r\n",
    );
    for g in gaps {
        let cells = [
            cell(&g.question),
            g.count.to_string(),
            g.nothing_found.to_string(),
            g.thumbs_down.to_string(),
            g.wrong_passage.to_string(),
            g.wrong_speaker.to_string(),
            g.quote_cut.to_string(),
            utc(g.last_asked),
        ];
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn cell(text: &str) -> String {
    let mut t: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == ' ')
        .collect();
    if t.starts_with(['=', '+', '-', '@']) {
        t.insert(0, '\'');
    }
    if t.contains([',', '"', '\'']) || t.starts_with(' ') || t.ends_with(' ') {
        format!("\"{}\"", t.replace('"', "\"\""))
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_group_after_normalisation_newest_first() {
        assert_eq!(
            normalize_question("  What did  ZHOU say?! "),
            "what did zhou say"
        );
        let rows = vec![
            (
                "Why the border?".into(),
                "why the border".into(),
                0,
                None,
                10,
            ),
            (
                "why the BORDER".into(),
                "why the border".into(),
                -1,
                Some("speaker".into()),
                30,
            ),
            ("Who came?".into(), "who came".into(), 0, None, 20),
        ];
        let g = group(rows);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].question, "why the BORDER", "the latest wording");
        assert_eq!(
            (g[0].count, g[0].nothing_found, g[0].thumbs_down),
            (2, 1, 1)
        );
        assert_eq!((g[0].wrong_speaker, g[0].last_asked), (1, 30));
        assert_eq!(g[1].question, "Who came?");
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let g = Gap {
            question: "=HYPERLINK(\"x\"), really".into(),
            normalized: "x".into(),
            count: 2,
            nothing_found: 2,
            thumbs_down: 0,
            wrong_passage: 0,
            wrong_speaker: 0,
            quote_cut: 0,
            last_asked: 0,
        };
        let csv = to_csv(&[g]);
        let line = csv.lines().nth(1).unwrap();
        assert!(
            line.starts_with("\"'=HYPERLINK(\"\"x\"\"), really\",2,2,0,0,0,0,1970-01-01 00:00 UTC"),
            "{line}"
        );
    }
}
