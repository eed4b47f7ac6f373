//! Button presses: page an answer or a search, show citations or context, read a document, and
//! 👍/👎 ([`super::feedback`]).
//!
//! Everything comes from the `custom_id` ([`super::custom_id`]) and the message the button sits
//! on; nothing is kept between interactions but the votes. A document out of the server's scope
//! (it changed since the message was sent) is refused like a removed one.

use serenity::model::channel::Message as DiscordMessage;

use super::cards;
use super::custom_id::{Action, DocRef};
use super::dispatch::DispatchContext;
use super::error::BotError;
use super::feedback;
use super::handlers::{ask_page, search_page, Reply};
use super::paging::AskQuery;
use super::place::View;

/// One press: the `custom_id`, who pressed it, the message it is on, where, and (for a select
/// menu) the values picked.
pub struct Press<'a> {
    pub id: &'a str,
    pub user: u64,
    pub message: &'a DiscordMessage,
    pub view: View,
    pub values: &'a [String],
}

/// Handles one press of a button or pick in a select menu.
pub fn press(ctx: &DispatchContext, p: &Press) -> Result<Reply, BotError> {
    let (user, message, view) = (p.user, p.message, &p.view);
    let action = Action::decode(p.id).ok_or_else(|| {
        BotError::user("This button is from an older version of me; please run the command again.")
    })?;
    let update = matches!(action, Action::ReadPage { .. });
    match action {
        Action::AskPage {
            owner,
            offset,
            check,
        } => {
            only_owner(user, owner, "ask")?;
            let q = read_back(message, check, "ask")?;
            let mut r = ask_page(ctx, view, q, owner, offset)?;
            r.update = true;
            Ok(r)
        }
        Action::SearchPage {
            owner,
            offset,
            check,
        } => {
            only_owner(user, owner, "search")?;
            let q = read_back(message, check, "search")?;
            let mut r = search_page(ctx, view, q, owner, offset)?;
            r.update = true;
            Ok(r)
        }
        Action::AskCite { offset, check } => {
            let q = read_back(message, check, "ask")?;
            let (answer, _) = super::handlers::run(ctx, view, q, ctx.quotes_per_page, offset)?;
            let mut quotes = Vec::new();
            for r in &answer.results {
                quotes.push((
                    ctx.engine.document(&r.doc_id)?,
                    r.passage,
                    r.speaker.clone(),
                ));
            }
            if quotes.is_empty() {
                return Err(stale("ask"));
            }
            let n = quotes.len();
            Ok(Reply::new(cards::quote_citations(&quotes)).counted_as(n))
        }
        Action::Context { doc, passage } => {
            let id = resolve(ctx, view, &doc)?;
            let card = ctx.engine.document(&id)?;
            let around = ctx.engine.passages_around(&id, passage, 1)?;
            if around.is_empty() {
                return Err(stale("ask"));
            }
            let n = around.len();
            Ok(Reply::new(cards::context(&around, passage, &card)).counted_as(n))
        }
        Action::ContextsPage {
            owner,
            offset,
            check,
        } => {
            only_owner(user, owner, "contexts")?;
            let e = message.embeds.first().ok_or_else(|| stale("contexts"))?;
            let q = super::contexts::TermQuery::read_back(e.description.as_deref());
            if q.check() != check {
                return Err(stale("contexts"));
            }
            let scope = view.scope.doc_ids().cloned();
            let mut r = super::contexts::contexts_page(ctx, q, owner, offset, scope.as_deref())?;
            r.update = true;
            Ok(r)
        }
        Action::ReadOpen { doc, passage } | Action::ReadPage { doc, passage } => {
            let id = resolve(ctx, view, &doc)?;
            let card = ctx.engine.document(&id)?;
            let p = ctx
                .engine
                .passage(&id, passage)
                .map_err(|_| BotError::user("That passage is no longer in the archive."))?;
            let mut m = cards::passage(&p, &card, cards::Turning::TurnPage);
            if !update {
                m = m.ephemeral();
            }
            let mut r = Reply::new(m).counted_as(1);
            r.update = update;
            Ok(r)
        }
        Action::Vote { up, offset, check } => {
            let q = read_back(message, check, "ask")?;
            feedback::vote(ctx, p, q, up, offset)
        }
        Action::FeedbackReason { message } => feedback::reason(ctx, p, message),
    }
}

fn only_owner(user: u64, owner: u64, command: &str) -> Result<(), BotError> {
    if user == owner {
        Ok(())
    } else {
        Err(BotError::user(format!(
            "Only the person who asked can turn these pages. Run `/{command}` yourself to get \
             your own answer."
        )))
    }
}

pub fn stale(command: &str) -> BotError {
    BotError::user(format!(
        "I can't page this answer any more (it was cut or the archive changed). Please run \
         `/{command}` again."
    ))
}

/// The request of the answer this button sits on, if it is the one the button was made for.
fn read_back(message: &DiscordMessage, check: u32, command: &str) -> Result<AskQuery, BotError> {
    let e = message.embeds.first().ok_or_else(|| stale(command))?;
    let q = AskQuery::read_back(e.title.as_deref(), e.description.as_deref());
    if q.check() == check {
        Ok(q)
    } else {
        Err(stale(command))
    }
}

/// The id of the document a [`DocRef`] names, if it is in scope.
fn resolve(ctx: &DispatchContext, view: &View, r: &DocRef) -> Result<String, BotError> {
    let gone = || BotError::user("That document is no longer in the archive.");
    match r {
        DocRef::Id(id) if view.scope.contains(id) => Ok(id.clone()),
        DocRef::Id(_) => Err(gone()),
        DocRef::Hash(_) => ctx
            .engine
            .doc_ids()
            .into_iter()
            .find(|id| r.names(id) && view.scope.contains(id))
            .ok_or_else(gone),
    }
}
