//! Button presses: page an answer or a search, show citations or context, read a document.
//!
//! Everything comes from the `custom_id` ([`super::custom_id`]) and the message the button sits
//! on; nothing is stored between interactions.

use serenity::model::channel::Message as DiscordMessage;

use super::cards;
use super::custom_id::{Action, DocRef};
use super::dispatch::DispatchContext;
use super::error::BotError;
use super::handlers::{ask_page, search_page, Reply};
use super::paging::AskQuery;

/// Handles the button whose `custom_id` is `id`, pressed by `user` on `message`.
pub fn press(
    ctx: &DispatchContext,
    id: &str,
    user: u64,
    message: &DiscordMessage,
) -> Result<Reply, BotError> {
    let action = Action::decode(id).ok_or_else(|| {
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
            let mut r = ask_page(ctx, q, owner, offset)?;
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
            let mut r = search_page(ctx, q, owner, offset)?;
            r.update = true;
            Ok(r)
        }
        Action::AskCite { offset, check } => {
            let q = read_back(message, check, "ask")?;
            let answer = ctx.engine.ask(&q.request(ctx.quotes_per_page, offset));
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
            let id = resolve(ctx, &doc)?;
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
            let mut r = super::contexts::contexts_page(ctx, q, owner, offset, None)?;
            r.update = true;
            Ok(r)
        }
        Action::ReadOpen { doc, passage } | Action::ReadPage { doc, passage } => {
            let id = resolve(ctx, &doc)?;
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

fn stale(command: &str) -> BotError {
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

/// The id of the document a [`DocRef`] names.
fn resolve(ctx: &DispatchContext, r: &DocRef) -> Result<String, BotError> {
    let gone = || BotError::user("That document is no longer in the archive.");
    match r {
        DocRef::Id(id) => Ok(id.clone()),
        DocRef::Hash(_) => ctx
            .engine
            .doc_ids()
            .into_iter()
            .find(|id| r.names(id))
            .ok_or_else(gone),
    }
}
