//! What students tell the bot about its answers: 👍/👎 on an `/ask` answer (with, for a 👎, what
//! was wrong), and the questions that found nothing. Both feed `/gaps`.
//!
//! A vote is one row per person and answer message: pressing again changes it. It keeps the
//! question, the passages the answer showed (`<doc>#<n>`, as JSON) and the index they came from.
//! Votes are acknowledged only once committed ([`super::writer`]); questions that found nothing
//! are queued and written in the background (nobody waits on them; a failure is logged).

use serde::Serialize;

use super::gaps::normalize_question;
use super::writer::Job;
use super::{id, now, on_db, Store, StoreError};

/// 👍 or 👎.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Vote {
    Up,
    Down,
}

impl Vote {
    pub(crate) fn value(self) -> i64 {
        match self {
            Vote::Up => 1,
            Vote::Down => -1,
        }
    }
}

/// What was wrong with an answer, as a 👎 asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Reason {
    WrongPassage,
    WrongSpeaker,
    QuoteCut,
}

impl Reason {
    pub const ALL: [Reason; 3] = [Reason::WrongPassage, Reason::WrongSpeaker, Reason::QuoteCut];

    /// The stored code (also the select menu's value).
    pub fn code(self) -> &'static str {
        match self {
            Reason::WrongPassage => "passage",
            Reason::WrongSpeaker => "speaker",
            Reason::QuoteCut => "cut",
        }
    }

    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// As a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Reason::WrongPassage => "wrong passage",
            Reason::WrongSpeaker => "wrong speaker",
            Reason::QuoteCut => "quote cut badly",
        }
    }
}

/// One press of 👍 or 👎 (the user id is hashed before it is stored).
#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    pub guild_id: u64,
    /// The answer message the buttons are on.
    pub message_id: u64,
    pub user_id: u64,
    pub vote: Vote,
    pub question: String,
    /// The passages the answer showed, `<doc_id>#<n>`, best first.
    pub passages: Vec<String>,
    pub index_version: String,
    /// Unix seconds.
    pub at: i64,
}

/// An `/ask` that found nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct Unanswered {
    pub interaction_id: u64,
    pub guild_id: u64,
    pub user_id: u64,
    pub question: String,
    pub index_version: String,
    pub at: i64,
}

/// A stored vote, as read back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedbackRow {
    pub message_id: u64,
    pub user_hash: String,
    pub vote: i64,
    pub reason: Option<String>,
    pub question: String,
    pub passages: Vec<String>,
    pub index_version: String,
    pub updated_at: i64,
}

impl Store {
    /// Stores a vote; returns once it is committed.
    pub fn record_feedback(&self, f: &Feedback) -> Result<(), StoreError> {
        let job = Job::Vote {
            message_id: id(f.message_id),
            user_hash: self.user_hash(f.user_id),
            guild_id: id(f.guild_id),
            vote: f.vote.value(),
            normalized: normalize_question(&f.question),
            question: f.question.clone(),
            passages: serde_json::to_string(&f.passages).unwrap_or_else(|_| "[]".into()),
            index_version: f.index_version.clone(),
            at: f.at,
        };
        self.write("record feedback", job).map(|_| ())
    }

    /// Adds what was wrong to a person's 👎 on a message; `false` when there is no such 👎.
    pub fn record_reason(
        &self,
        message_id: u64,
        user_id: u64,
        reason: Reason,
    ) -> Result<bool, StoreError> {
        let job = Job::Reason {
            message_id: id(message_id),
            user_hash: self.user_hash(user_id),
            reason: reason.code(),
            at: now(),
        };
        self.write("record feedback", job).map(|n| n > 0)
    }

    /// Queues a question that found nothing; does not wait (a failure is logged).
    pub fn record_unanswered(&self, u: &Unanswered) {
        let job = Job::Unanswered {
            interaction_id: id(u.interaction_id),
            guild_id: id(u.guild_id),
            user_hash: self.user_hash(u.user_id),
            normalized: normalize_question(&u.question),
            question: u.question.clone(),
            index_version: u.index_version.clone(),
            at: u.at,
        };
        self.queue("record a question that found nothing", job);
    }

    /// A server's votes, newest first.
    pub fn feedback_rows(&self, guild: u64) -> Result<Vec<FeedbackRow>, StoreError> {
        type Row = (
            i64,
            String,
            i64,
            Option<String>,
            String,
            String,
            String,
            i64,
        );
        let g = id(guild);
        let rows: Vec<Row> = self.call("read feedback", move |db| async move {
            on_db!(&db, p => sqlx::query_as(
                "SELECT message_id, user_hash, vote, reason, question, passages, index_version, \
                 updated_at FROM feedback WHERE guild_id = $1 \
                 ORDER BY updated_at DESC, message_id DESC"
            )
            .bind(g)
            .fetch_all(p)
            .await)
        })?;
        Ok(rows
            .into_iter()
            .map(|r| FeedbackRow {
                message_id: r.0 as u64,
                user_hash: r.1,
                vote: r.2,
                reason: r.3,
                question: r.4,
                passages: serde_json::from_str(&r.5).unwrap_or_default(),
                index_version: r.6,
                updated_at: r.7,
            })
            .collect())
    }
}
