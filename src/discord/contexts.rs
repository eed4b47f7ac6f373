//! `/contexts` in Discord: every use of a term as keyword-in-context lines in a code block (the
//! matches in one column), the counts per document, ten lines a page turned with ◀ ▶. Paging
//! is stateless: the request is written into the message ([`TermQuery`]) and read back from it
//! when a button is pressed, checked against the hash in the button's `custom_id`
//! ([`super::custom_id`]); only the asker may turn the pages.

use std::collections::BTreeSet;

use crate::study::{self, Contexts};

use super::custom_id::{hash32, Action};
use super::dispatch::DispatchContext;
use super::error::BotError;
use super::handlers::{Invocation, Reply};
use super::limits;
use super::render::{human_date, short_title, truncate_lines, COLOR};
use super::response::{style, ActionRow, Button, Embed, Message};
use super::study::{field, footer, scope};
use super::text::{code_block, escape_fit, len, unescape};

/// Keyword-in-context lines per page.
pub const LINES_PER_PAGE: usize = 10;
/// Characters of context either side in Discord (code blocks wrap on narrow screens).
const KWIC_WIDTH: usize = 26;

/// The request behind a paged `/contexts` list, written into the message as `**Term:**`,
/// `**Speaker:**` and `**Document:**` lines and read back from them when a button is pressed
/// (see [`super::custom_id`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermQuery {
    pub term: String,
    pub speaker: Option<String>,
    pub doc: Option<String>,
}

/// Longest escaped value of a `Term:`/`Speaker:`/`Document:` line (values are read up to 100
/// characters, so even all escaped they fit).
const LINE_MAX: usize = 250;

impl TermQuery {
    pub fn check(&self) -> u32 {
        hash32(&format!(
            "contexts\u{1f}{}\u{1f}{}\u{1f}{}",
            self.term,
            self.speaker.as_deref().unwrap_or(""),
            self.doc.as_deref().unwrap_or("")
        ))
    }

    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!("**Term:** {}", escape_fit(&self.term, LINE_MAX))];
        if let Some(s) = &self.speaker {
            out.push(format!("**Speaker:** {}", escape_fit(s, LINE_MAX)));
        }
        if let Some(d) = &self.doc {
            out.push(format!("**Document:** {}", escape_fit(d, LINE_MAX)));
        }
        out
    }

    pub fn read_back(description: Option<&str>) -> TermQuery {
        let mut q = TermQuery::default();
        for line in description.unwrap_or_default().lines() {
            let Some((key, value)) = line.strip_prefix("**").and_then(|r| r.split_once(":** "))
            else {
                continue;
            };
            let value = unescape(value);
            match key {
                "Term" => q.term = value,
                "Speaker" => q.speaker = Some(value),
                "Document" => q.doc = Some(value),
                _ => {}
            }
        }
        q
    }
}

pub fn contexts(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    let term = inv
        .short("term")
        .ok_or_else(|| BotError::user("Please type a word or phrase in the `term` option."))?;
    let q = TermQuery {
        term,
        speaker: inv.short("speaker"),
        doc: inv.short("document"),
    };
    let scope = scope(inv);
    contexts_page(ctx, q, inv.user, 0, scope.as_deref())
}

/// A page of a `/contexts` list (also for its ◀ ▶ buttons), within `scope`.
pub fn contexts_page(
    ctx: &DispatchContext,
    mut q: TermQuery,
    owner: u64,
    offset: usize,
    scope: Option<&BTreeSet<String>>,
) -> Result<Reply, BotError> {
    let req = study::ContextsRequest {
        term: q.term.clone(),
        speaker: q.speaker.clone(),
        doc: q.doc.clone(),
        width: KWIC_WIDTH,
        offset,
        limit: LINES_PER_PAGE,
    };
    let c = study::contexts(&ctx.engine.snapshot(), &req, scope)?;
    if c.term.trim().is_empty() {
        return Err(BotError::user(
            "Please type a word or phrase in the `term` option.",
        ));
    }
    q.term = c.term.clone();
    if let Some(d) = &c.doc_id {
        q.doc = Some(d.clone());
    }
    let n = c.lines.len();
    Ok(Reply::new(render_contexts(&c, &q, owner, ctx.archive())).counted_as(n))
}

/// The page: what was looked up, the counts per document, the lines in a code block, ◀ ▶.
pub fn render_contexts(
    c: &Contexts,
    q: &TermQuery,
    owner: u64,
    archive: Option<String>,
) -> Message {
    let mut lines = q.lines();
    if let Some(n) = &c.note {
        lines.push(format!("_{}_", escape_fit(n, 300)));
    }
    let docs = c.per_document.len();
    lines.push(format!(
        "**{} use{}** in {docs} document{}{}",
        c.total,
        if c.total == 1 { "" } else { "s" },
        if docs == 1 { "" } else { "s" },
        if c.speakers.is_empty() {
            String::new()
        } else {
            format!(", by {}", escape_fit(&c.speakers.join(", "), 200))
        }
    ));
    if c.total == 0 && c.note.is_none() {
        lines.push(
            "Nothing in the archive uses it. Try another form of the word, or fewer words.".into(),
        );
    }
    let head = truncate_lines(&lines, 1200);
    let block = kwic_block(c, limits::DESCRIPTION - len(&head) - 10);
    let description = if block.is_empty() {
        head
    } else {
        format!("{head}\n{block}")
    };
    let mut fields = Vec::new();
    if !c.per_document.is_empty() {
        let per: Vec<String> = c
            .per_document
            .iter()
            .map(|d| {
                let date = human_date(d.date.as_deref()).unwrap_or_else(|| "undated".into());
                format!(
                    "`{}` {} — {}",
                    d.doc_id.replace('`', ""),
                    escape_fit(&format!("{date}, {}", short_title(&d.title)), 120),
                    d.count
                )
            })
            .collect();
        fields.push(field(
            "Uses per document, in date order",
            truncate_lines(&per, limits::FIELD_VALUE),
        ));
    }
    let shown = c.lines.len();
    let range = if shown == 0 {
        String::new()
    } else {
        format!("Uses {}–{} of {}", c.offset + 1, c.offset + shown, c.total)
    };
    let embed = Embed {
        title: Some(escape_fit(
            &format!("Contexts of \u{201c}{}\u{201d}", c.term),
            limits::TITLE,
        )),
        description: Some(description),
        color: Some(COLOR),
        fields,
        footer: footer(archive, &range),
        ..Default::default()
    };
    let check = q.check();
    let action = |offset| Action::ContextsPage {
        owner,
        offset,
        check,
    };
    let total = c.total as usize;
    let row = if total > LINES_PER_PAGE {
        ActionRow::new(vec![
            Button::new(
                style::SECONDARY,
                "◀",
                action(c.offset.saturating_sub(LINES_PER_PAGE)).encode(),
            )
            .disabled(c.offset == 0),
            Button::new(
                style::SECONDARY,
                "▶",
                action(c.offset + LINES_PER_PAGE).encode(),
            )
            .disabled(c.offset + shown >= total),
        ])
    } else {
        ActionRow::default()
    };
    Message::embed(embed).with_row(row)
}

/// The page's lines in a code block: for each passage a line naming it, then its uses with
/// the matches in one column.
fn kwic_block(c: &Contexts, max: usize) -> String {
    if c.lines.is_empty() {
        return String::new();
    }
    let flat = |s: &str| -> String {
        s.chars()
            .map(|ch| if ch.is_whitespace() { ' ' } else { ch })
            .collect()
    };
    let mut text = String::new();
    let mut last: Option<(&str, u32)> = None;
    for l in &c.lines {
        if last != Some((l.doc_id.as_str(), l.passage)) {
            let who = l.speaker.as_deref().unwrap_or("no speaker");
            text.push_str(&format!("{} #{} · {who}\n", l.doc_id, l.passage));
            last = Some((l.doc_id.as_str(), l.passage));
        }
        let left = flat(&l.left);
        let left: String = {
            let n = left.chars().count();
            left.chars().skip(n.saturating_sub(KWIC_WIDTH)).collect()
        };
        let right: String = flat(&l.right).chars().take(KWIC_WIDTH).collect();
        text.push_str(&format!(
            "  {:>w$}  {}  {}\n",
            left,
            flat(&l.matched),
            right.trim_end(),
            w = KWIC_WIDTH
        ));
    }
    code_block(text.trim_end(), max)
}
