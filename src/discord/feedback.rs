//! Feedback on `/ask` answers: the 👍 / 👎 row under every answer with quotes, the private
//! "what was wrong?" select a 👎 opens, and the quiet record of questions that found nothing.
//! All of it feeds `/gaps`.
//!
//! A press is answered only after its vote is committed ([`crate::storage::Store::record_feedback`]);
//! when the database is unreachable the presser is told, privately, that it could not be recorded
//! (and the failure is logged by storage). The answer itself is never touched.

use crate::storage::{self, Feedback, Reason, Unanswered, Vote};

use super::buttons::{stale, Press};
use super::custom_id::Action;
use super::dispatch::DispatchContext;
use super::error::BotError;
use super::handlers::{self, Invocation, Reply};
use super::paging::AskQuery;
use super::response::{style, ActionRow, Button, Message, SelectMenu, SelectOption};

/// What a presser is told when the vote could not be stored.
pub const NOT_RECORDED: &str = "Sorry, I couldn't record your feedback just now (my database \
                                is unavailable). The answer is unaffected; please try again later.";

/// 👍 and 👎 for the `/ask` page at `offset` whose request hashes to `check`.
pub fn buttons(offset: usize, check: u32) -> ActionRow {
    let b = |up: bool, label: &str| {
        Button::new(
            style::SECONDARY,
            label,
            Action::Vote { up, offset, check }.encode(),
        )
    };
    ActionRow::new(vec![b(true, "👍"), b(false, "👎")])
}

/// A 👍 or 👎 on the answer `q` (page at `offset`) the press `p` sits on.
pub fn vote(
    ctx: &DispatchContext,
    p: &Press,
    q: AskQuery,
    up: bool,
    offset: usize,
) -> Result<Reply, BotError> {
    let (answer, q) = handlers::run(ctx, &p.view, q, ctx.quotes_per_page, offset)?;
    if answer.results.is_empty() {
        return Err(stale("ask"));
    }
    let f = Feedback {
        guild_id: p.view.guild.unwrap_or(0),
        message_id: p.message.id.get(),
        user_id: p.user,
        vote: if up { Vote::Up } else { Vote::Down },
        question: q.question,
        passages: answer
            .results
            .iter()
            .map(|r| format!("{}#{}", r.doc_id, r.passage))
            .collect(),
        index_version: ctx.engine.index_version(),
        at: storage::now(),
    };
    let recorded = ctx
        .store
        .as_ref()
        .is_some_and(|s| s.record_feedback(&f).is_ok());
    if !recorded {
        return Ok(private(NOT_RECORDED));
    }
    if up {
        return Ok(private("Thanks! Your 👍 on this answer is recorded."));
    }
    let reasons = Reason::ALL
        .iter()
        .map(|r| SelectOption {
            label: capitalised(r.label()),
            value: r.code().to_string(),
        })
        .collect();
    let menu = SelectMenu::one_of(
        Action::FeedbackReason {
            message: f.message_id,
        }
        .encode(),
        "What was wrong? (optional)",
        reasons,
    );
    let m = Message::text("Thanks! Your 👎 is recorded. If you can, say what was wrong:")
        .with_row(ActionRow::select(menu))
        .ephemeral();
    Ok(Reply::new(m))
}

/// What was wrong, picked in the select a 👎 opened (for the answer message `message`).
pub fn reason(ctx: &DispatchContext, p: &Press, message: u64) -> Result<Reply, BotError> {
    let reason = p
        .values
        .first()
        .and_then(|v| Reason::from_code(v))
        .ok_or_else(|| BotError::user("Please pick one of the reasons in the list."))?;
    let text = match ctx
        .store
        .as_ref()
        .map(|s| s.record_reason(message, p.user, reason))
    {
        Some(Ok(true)) => format!("Thanks! Noted: {}.", reason.label()),
        Some(Ok(false)) => {
            "I no longer have your 👎 on that answer; press 👎 on it again to tell me.".to_string()
        }
        _ => NOT_RECORDED.to_string(),
    };
    let mut r = Reply::new(Message::text(text).ephemeral());
    r.update = true;
    Ok(r)
}

/// Notes an `/ask` in a server that found nothing (queued; a failure is logged by storage).
pub fn record_unanswered(ctx: &DispatchContext, inv: &Invocation) {
    let (Some(store), Some(guild)) = (&ctx.store, inv.view.guild) else {
        return;
    };
    let Some(question) = inv.str("question") else {
        return;
    };
    store.record_unanswered(&Unanswered {
        interaction_id: inv.id,
        guild_id: guild,
        user_id: inv.user,
        question,
        index_version: ctx.engine.index_version(),
        at: storage::now(),
    });
}

fn private(text: &str) -> Reply {
    Reply::new(Message::text(text).ephemeral())
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
