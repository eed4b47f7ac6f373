//! The slash commands and their autocompletion: read the options, ask the engine, render.
//!
//! Handlers return a [`Reply`] or a [`BotError`]; they never see serenity's `Context` (their only
//! I/O is the engine and, for settings and feedback, storage — both synchronous and bounded in
//! time), so the same code serves the gateway, the HTTP endpoint and `archivist interact`. Every
//! document a handler shows or takes must be in the server's scope ([`document`]).

use serenity::model::application::{
    CommandDataOption, CommandDataOptionValue, CommandDataResolved,
};

use crate::answer::DocCard;
use crate::cite::Style;

use super::cards;
use super::commands::{self, Complete};
use super::dispatch::DispatchContext;
use super::error::BotError;
use super::feedback;
use super::limits;
use super::paging::AskQuery;
use super::place::View;
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

/// One command invocation: who ran it, where, and the options they gave.
pub struct Invocation<'a> {
    pub user: u64,
    pub options: &'a [CommandDataOption],
    /// The interaction's id.
    pub id: u64,
    /// The server and channel, and the settings in force there.
    pub view: View,
    /// Attachments (and other objects) the options refer to.
    pub resolved: Option<&'a CommandDataResolved>,
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

    /// A boolean option as given, `None` when left out.
    pub fn explicit_flag(&self, name: &str) -> Option<bool> {
        match self.value(name)? {
            CommandDataOptionValue::Boolean(b) => Some(*b),
            _ => None,
        }
    }

    /// A channel option's id.
    pub fn channel(&self, name: &str) -> Option<u64> {
        match self.value(name)? {
            CommandDataOptionValue::Channel(c) => Some(c.get()),
            _ => None,
        }
    }

    /// An attachment option, from the resolved data.
    pub fn attachment(&self, name: &str) -> Option<&serenity::model::channel::Attachment> {
        match self.value(name)? {
            CommandDataOptionValue::Attachment(a) => self.resolved?.attachments.get(a),
            _ => None,
        }
    }

    pub fn required(&self, name: &str) -> Result<String, BotError> {
        self.str(name)
            .ok_or_else(|| BotError::user(format!("Please fill in the `{name}` option.")))
    }
}

/// The document a user named, if this server's scope holds it; otherwise a user error with the
/// closest ids and titles in scope.
pub fn document(ctx: &DispatchContext, view: &View, id: &str) -> Result<DocCard, BotError> {
    match ctx.engine.document(id) {
        Ok(card) if view.scope.contains(&card.doc_id) => Ok(card),
        Ok(_) => Err(crate::search::NotFound {
            what: id.trim().chars().take(100).collect(),
            suggestions: in_scope_documents(ctx, view, id, 3),
        }
        .into()),
        Err(mut nf) => {
            nf.suggestions.retain(|d| view.scope.contains(&d.doc_id));
            if nf.suggestions.is_empty() && view.scope.restricts() {
                nf.suggestions = in_scope_documents(ctx, view, id, 3);
            }
            Err(nf.into())
        }
    }
}

/// Documents in scope matching what a user typed, best first.
pub fn in_scope_documents(
    ctx: &DispatchContext,
    view: &View,
    typed: &str,
    limit: usize,
) -> Vec<crate::answer::DocBrief> {
    if !view.scope.restricts() {
        return ctx.engine.suggest_documents(typed, limit);
    }
    let mut out = ctx.engine.suggest_documents(typed, usize::MAX);
    out.retain(|d| view.scope.contains(&d.doc_id));
    out.truncate(limit);
    out
}

/// Speaker names in scope matching what a user typed, most turns first.
fn in_scope_speakers(ctx: &DispatchContext, view: &View, typed: &str, limit: usize) -> Vec<String> {
    if !view.scope.restricts() {
        return ctx.engine.suggest_speakers(typed, limit);
    }
    let names = ctx.engine.suggest_speakers(typed, usize::MAX);
    let speakers = ctx.engine.speakers(None).unwrap_or_default();
    names
        .into_iter()
        .filter(|n| {
            speakers
                .iter()
                .any(|s| &s.name == n && s.documents.iter().any(|(d, _)| view.scope.contains(d)))
        })
        .take(limit)
        .collect()
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
pub fn run(
    ctx: &DispatchContext,
    view: &View,
    mut q: AskQuery,
    limit: usize,
    offset: usize,
) -> Result<(crate::Answer, AskQuery), BotError> {
    if let Some(d) = &q.doc {
        q.doc = Some(document(ctx, view, d)?.doc_id);
    }
    let mut req = q.request(limit, offset);
    req.within = view.scope.doc_ids().cloned();
    let mut answer = ctx.engine.ask(&req);
    if view.scope.restricts() {
        answer.suggestions = scoped_suggestions(ctx, view, answer.suggestions);
    }
    if answer.question.trim().is_empty() {
        return Err(BotError::user(
            "Please type a question in words, e.g. `what was said about the border?`",
        ));
    }
    q.question = answer.question.clone();
    Ok((answer, q))
}

/// The hints of a "nothing found" that stay within scope: example questions that find something
/// in scope, speakers who speak in scope, documents in scope; general advice as it is.
fn scoped_suggestions(ctx: &DispatchContext, view: &View, hints: Vec<String>) -> Vec<String> {
    let speakers = ctx.engine.speakers(None).unwrap_or_default();
    let speaks_in_scope = |name: &str| {
        speakers
            .iter()
            .any(|s| s.name == name && s.documents.iter().any(|(d, _)| view.scope.contains(d)))
    };
    hints
        .into_iter()
        .filter(|h| {
            if let Some(q) = h.strip_prefix("e.g. \"").and_then(|r| r.strip_suffix('"')) {
                let req = crate::search::AskRequest {
                    question: q.to_string(),
                    limit: 1,
                    within: view.scope.doc_ids().cloned(),
                    ..Default::default()
                };
                return ctx.engine.ask(&req).total > 0;
            }
            if let Some(name) = h.strip_prefix("speaker: ") {
                return speaks_in_scope(name);
            }
            match h.split_once(" — ") {
                Some((id, _)) if ctx.engine.document(id).is_ok() => view.scope.contains(id),
                _ => true,
            }
        })
        .collect()
}

/// Renders an `/ask` page (also used by its ◀ ▶ buttons).
pub fn ask_page(
    ctx: &DispatchContext,
    view: &View,
    q: AskQuery,
    owner: u64,
    offset: usize,
) -> Result<Reply, BotError> {
    let (answer, q) = run(ctx, view, q, ctx.quotes_per_page, offset)?;
    let archive = ctx.archive();
    let page = Page {
        query: &q,
        owner,
        per_page: ctx.quotes_per_page,
        archive: archive.as_deref(),
    };
    let mut message = render::ask(&answer, &page);
    if !answer.results.is_empty() {
        message = message.with_row(feedback::buttons(offset, q.check()));
    }
    Ok(Reply::new(message).counted_as(answer.results.len()))
}

/// Renders a `/search` page (also used by its ◀ ▶ buttons).
pub fn search_page(
    ctx: &DispatchContext,
    view: &View,
    q: AskQuery,
    owner: u64,
    offset: usize,
) -> Result<Reply, BotError> {
    let (answer, q) = run(ctx, view, q, ctx.search_per_page, offset)?;
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
    let mut reply = ask_page(ctx, &inv.view, query(inv, "question")?, inv.user, 0)?;
    if reply.results == Some(0) {
        feedback::record_unanswered(ctx, inv);
    }
    if inv.flag("private") {
        reply.message = reply.message.ephemeral();
    }
    Ok(reply)
}

pub fn search(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    search_page(ctx, &inv.view, query(inv, "query")?, inv.user, 0)
}

pub fn doc(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    let card = document(ctx, &inv.view, &inv.required("document")?)?;
    Ok(Reply::new(cards::doc_card(&card, ctx.archive().as_deref())).counted_as(1))
}

pub fn quote(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    let card = document(ctx, &inv.view, &inv.required("document")?)?;
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
        Some(d) => Some(document(ctx, &inv.view, &d)?),
        None => None,
    };
    let mut list = ctx
        .engine
        .speakers(card.as_ref().map(|c| c.doc_id.as_str()))?;
    if inv.view.scope.restricts() {
        for s in &mut list {
            s.documents.retain(|(d, _)| inv.view.scope.contains(d));
            s.turns = s.documents.iter().map(|(_, n)| n).sum();
        }
        list.retain(|s| !s.documents.is_empty());
    }
    Ok(Reply::new(cards::speakers(&list, card.as_ref())).counted_as(list.len()))
}

pub fn cite(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    let card = document(ctx, &inv.view, &inv.required("document")?)?;
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

pub fn help(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    let mut list: Vec<(&str, &str)> = commands::COMMANDS
        .iter()
        .map(|c| (c.name, c.description))
        .collect();
    let teacher = inv.view.manager && inv.view.guild.is_some();
    if teacher {
        list.extend(
            super::teacher::COMMANDS
                .iter()
                .map(|c| (c.name, c.description)),
        );
    }
    let mut examples = ctx
        .engine
        .example_questions(if inv.view.scope.restricts() { 6 } else { 3 });
    if inv.view.scope.restricts() {
        let hints: Vec<String> = examples.iter().map(|q| format!("e.g. \"{q}\"")).collect();
        examples = scoped_suggestions(ctx, &inv.view, hints)
            .into_iter()
            .filter_map(|h| Some(h.strip_prefix("e.g. \"")?.strip_suffix('"')?.to_string()))
            .take(3)
            .collect();
    }
    let mut m = cards::help(
        &ctx.engine.stats(),
        &examples,
        ctx.archive().as_deref(),
        &list,
    );
    let scope = inv.view.scope.doc_ids().cloned();
    let study = crate::study::examples::examples(&ctx.engine.snapshot(), scope.as_deref());
    if let (Some(f), Some(e)) = (super::study::help_field(&study), m.embeds.first_mut()) {
        e.fields.push(f);
    }
    Ok(Reply::new(m))
}

/// Choices for the option being typed (`focused`), as the command table says to complete it.
pub fn autocomplete(
    ctx: &DispatchContext,
    view: &View,
    command: &str,
    focused: &str,
    typed: &str,
) -> Vec<Choice> {
    let complete = commands::find(command)
        .and_then(|c| c.options.iter().find(|o| o.name == focused))
        .and_then(|o| o.complete);
    let fits = |s: &str| !s.is_empty() && super::text::len(s) <= limits::CHOICE;
    let mut out: Vec<Choice> = match complete {
        Some(Complete::Speaker) => in_scope_speakers(ctx, view, typed, limits::CHOICES)
            .into_iter()
            .filter(|n| fits(n))
            .map(|n| Choice {
                name: n.clone(),
                value: n,
            })
            .collect(),
        Some(Complete::Document) => in_scope_documents(ctx, view, typed, limits::CHOICES)
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
        Some(Complete::Scope) => super::teacher::complete_scope(ctx, view, typed),
        Some(Complete::Upload) => super::uploads::complete_upload(ctx, view, typed),
        None => Vec::new(),
    };
    out.truncate(limits::CHOICES);
    out
}
