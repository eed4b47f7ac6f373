//! The slash commands and their autocompletion: read the options, ask the engine, render.
//!
//! Handlers return a [`Reply`] or a [`BotError`]; they never do I/O beyond the engine and never
//! see serenity's `Context`, so the same code serves the gateway, the HTTP endpoint and
//! `archivist interact`.

use serenity::model::application::{CommandDataOption, CommandDataOptionValue};

use crate::answer::DocCard;
use crate::cite::Style;

use super::cards;
use super::commands::{self, Complete};
use super::dispatch::DispatchContext;
use super::error::BotError;
use super::limits;
use super::paging::AskQuery;
use super::render::{self, Page};
use super::response::{Choice, Message};
use super::text::{escape_fit, truncate};

/// What a handler produced: the message, whether it replaces the message a button sits on, and
/// how many results it shows (for the log line).
#[derive(Debug, Clone)]
pub struct Reply {
    pub message: Message,
    pub update: bool,
    pub results: Option<usize>,
}

impl Reply {
    pub fn new(message: Message) -> Reply {
        Reply {
            message,
            update: false,
            results: None,
        }
    }

    pub fn counted_as(mut self, n: usize) -> Reply {
        self.results = Some(n);
        self
    }
}

/// Longest value read from a short option.
const OPTION_CHARS: usize = 100;

/// One command invocation: who ran it and the options they gave.
pub struct Invocation<'a> {
    pub user: u64,
    pub options: &'a [CommandDataOption],
}

impl Invocation<'_> {
    fn value(&self, name: &str) -> Option<&CommandDataOptionValue> {
        self.options
            .iter()
            .find(|o| o.name == name)
            .map(|o| &o.value)
    }

    /// A string option with invisible characters removed and whitespace folded (so it reads
    /// back exactly from a rendered message); `None` when absent or blank.
    pub fn str(&self, name: &str) -> Option<String> {
        let raw = match self.value(name)? {
            CommandDataOptionValue::String(s) => s,
            CommandDataOptionValue::Autocomplete { value, .. } => value,
            _ => return None,
        };
        let folded = crate::search::question::clean_text(raw);
        (!folded.is_empty()).then_some(folded)
    }

    /// A short string option (a name, an id, a date): at most 100 characters are read, which
    /// is more than any of them needs and keeps the request small enough to page.
    pub fn short(&self, name: &str) -> Option<String> {
        let s: String = self.str(name)?.chars().take(OPTION_CHARS).collect();
        Some(s.trim_end().to_string())
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        match self.value(name)? {
            CommandDataOptionValue::Integer(i) => Some(*i),
            _ => None,
        }
    }

    pub fn flag(&self, name: &str) -> bool {
        matches!(
            self.value(name),
            Some(CommandDataOptionValue::Boolean(true))
        )
    }

    fn required(&self, name: &str) -> Result<String, BotError> {
        self.str(name)
            .ok_or_else(|| BotError::user(format!("Please fill in the `{name}` option.")))
    }
}

/// The document a user named, or a user error with the closest ids and titles.
fn document(ctx: &DispatchContext, id: &str) -> Result<DocCard, BotError> {
    Ok(ctx.engine.document(id)?)
}

fn query(inv: &Invocation, question_option: &str) -> Result<AskQuery, BotError> {
    let q = AskQuery {
        question: inv.required(question_option)?,
        speaker: inv.short("speaker"),
        doc: inv.short("document"),
        from: inv.short("from"),
        to: inv.short("to"),
    };
    Ok(q)
}

/// Runs `query` (after checking its document) and returns the answer with the cleaned question.
fn run(
    ctx: &DispatchContext,
    mut q: AskQuery,
    limit: usize,
    offset: usize,
) -> Result<(crate::Answer, AskQuery), BotError> {
    if let Some(d) = &q.doc {
        q.doc = Some(document(ctx, d)?.doc_id);
    }
    let answer = ctx.engine.ask(&q.request(limit, offset));
    if answer.question.trim().is_empty() {
        return Err(BotError::user(
            "Please type a question in words, e.g. `what was said about the border?`",
        ));
    }
    q.question = answer.question.clone();
    Ok((answer, q))
}

/// Renders an `/ask` page (also used by its ◀ ▶ buttons).
pub fn ask_page(
    ctx: &DispatchContext,
    q: AskQuery,
    owner: u64,
    offset: usize,
) -> Result<Reply, BotError> {
    let (answer, q) = run(ctx, q, ctx.quotes_per_page, offset)?;
    let archive = ctx.archive();
    let page = Page {
        query: &q,
        owner,
        per_page: ctx.quotes_per_page,
        archive: archive.as_deref(),
    };
    Ok(Reply::new(render::ask(&answer, &page)).counted_as(answer.results.len()))
}

/// Renders a `/search` page (also used by its ◀ ▶ buttons).
pub fn search_page(
    ctx: &DispatchContext,
    q: AskQuery,
    owner: u64,
    offset: usize,
) -> Result<Reply, BotError> {
    let (answer, q) = run(ctx, q, ctx.search_per_page, offset)?;
    let archive = ctx.archive();
    let page = Page {
        query: &q,
        owner,
        per_page: ctx.search_per_page,
        archive: archive.as_deref(),
    };
    Ok(Reply::new(render::search(&answer, &page)).counted_as(answer.results.len()))
}

pub fn ask(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    let mut reply = ask_page(ctx, query(inv, "question")?, inv.user, 0)?;
    if inv.flag("private") {
        reply.message = reply.message.ephemeral();
    }
    Ok(reply)
}

pub fn search(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    search_page(ctx, query(inv, "query")?, inv.user, 0)
}

pub fn doc(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    let card = document(ctx, &inv.required("document")?)?;
    Ok(Reply::new(cards::doc_card(&card, ctx.archive().as_deref())).counted_as(1))
}

pub fn quote(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    let card = document(ctx, &inv.required("document")?)?;
    let n = inv.int("passage").unwrap_or(-1);
    let last = card.passages.saturating_sub(1);
    let p = u32::try_from(n)
        .ok()
        .and_then(|n| ctx.engine.passage(&card.doc_id, n).ok())
        .ok_or_else(|| {
            BotError::user(format!(
                "Document `{}` has passages 0 to {last}; there is no passage {n}.",
                card.doc_id.replace('`', "")
            ))
        })?;
    Ok(Reply::new(cards::passage(&p, &card, cards::Turning::OpenReader)).counted_as(1))
}

pub fn speakers(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    let card = match inv.str("document") {
        Some(d) => Some(document(ctx, &d)?),
        None => None,
    };
    let list = ctx
        .engine
        .speakers(card.as_ref().map(|c| c.doc_id.as_str()))?;
    Ok(Reply::new(cards::speakers(&list, card.as_ref())).counted_as(list.len()))
}

pub fn cite(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    let card = document(ctx, &inv.required("document")?)?;
    if let Some(export) = inv
        .str("style")
        .as_deref()
        .and_then(crate::cite::Export::parse)
    {
        return Ok(Reply::new(super::study::cite_file(&card, export)).counted_as(1));
    }
    let style = match inv.str("style").as_deref() {
        None | Some("all") => None,
        Some(s) => Some(Style::parse(s).ok_or_else(|| {
            BotError::user(format!(
                "I don't know the citation style **{}**; pick document, chicago, mla, apa, ris \
                 or bibtex.",
                escape_fit(s, 50)
            ))
        })?),
    };
    Ok(Reply::new(cards::citations(&card, style)).counted_as(1))
}

pub fn help(ctx: &DispatchContext, _inv: &Invocation) -> Result<Reply, BotError> {
    let list: Vec<(&str, &str)> = commands::COMMANDS
        .iter()
        .map(|c| (c.name, c.description))
        .collect();
    let examples = ctx.engine.example_questions(3);
    let mut m = cards::help(
        &ctx.engine.stats(),
        &examples,
        ctx.archive().as_deref(),
        &list,
    );
    let study = crate::study::examples::examples(&ctx.engine.snapshot(), None);
    if let (Some(f), Some(e)) = (super::study::help_field(&study), m.embeds.first_mut()) {
        e.fields.push(f);
    }
    Ok(Reply::new(m))
}

/// Choices for the option being typed (`focused`), as the command table says to complete it.
pub fn autocomplete(
    ctx: &DispatchContext,
    command: &str,
    focused: &str,
    typed: &str,
) -> Vec<Choice> {
    let complete = commands::find(command)
        .and_then(|c| c.options.iter().find(|o| o.name == focused))
        .and_then(|o| o.complete);
    let fits = |s: &str| !s.is_empty() && super::text::len(s) <= limits::CHOICE;
    let mut out: Vec<Choice> = match complete {
        Some(Complete::Speaker) => ctx
            .engine
            .suggest_speakers(typed, limits::CHOICES)
            .into_iter()
            .filter(|n| fits(n))
            .map(|n| Choice {
                name: n.clone(),
                value: n,
            })
            .collect(),
        Some(Complete::Document) => ctx
            .engine
            .suggest_documents(typed, limits::CHOICES)
            .into_iter()
            .filter(|d| fits(&d.doc_id))
            .map(|d| {
                let date = d.date.map(|x| format!(" ({x})")).unwrap_or_default();
                let name = format!("{} — {}{date}", d.doc_id, d.title);
                Choice {
                    name: truncate(&name, limits::CHOICE),
                    value: d.doc_id,
                }
            })
            .collect(),
        None => Vec::new(),
    };
    out.truncate(limits::CHOICES);
    out
}
