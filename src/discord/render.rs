//! Answers → Discord messages: the `/ask` answer (quotes as fields, buttons to page, cite and see
//! the context) and the compact `/search` list, plus "nothing found" that says what was searched.
//!
//! Every string is cut as plain text and escaped before markdown is added, within budgets that
//! keep each embed under Discord's limits (see [`super::limits`]); the dispatcher checks again.

use crate::answer::{Answer, Quote};
use crate::cite::{format_date, Style};

use super::custom_id::{Action, DocRef};
use super::limits;
use super::paging::AskQuery;
use super::response::{style, ActionRow, Button, Embed, Field, Footer, Message};
use super::text::{escape_fit, highlighted, len, plain, truncate};

/// The colour of the bot's embeds.
pub const COLOR: u32 = 0x8a_6d_3b;
/// Room kept free under the 6000 total, for footers and rounding.
const TOTAL_BUDGET: usize = limits::EMBEDS_TOTAL - 200;

/// Who asked, which page, how many per page: what the buttons need.
pub struct Page<'a> {
    pub query: &'a AskQuery,
    pub owner: u64,
    pub per_page: usize,
    pub archive: Option<&'a str>,
}

/// A title shortened for headings (`Minutes of the Meeting between…`).
pub fn short_title(title: &str) -> String {
    truncate(title, 60)
}

/// A human date (`June 8, 1962`), or nothing.
pub fn human_date(iso: Option<&str>) -> Option<String> {
    iso.map(|d| format_date(Some(d), Style::Chicago))
}

/// A URL safe to put in a markdown link or a button (characters that would end the link are
/// percent-encoded or dropped), or `None` when it is not http(s).
pub fn safe_url(url: &str) -> Option<String> {
    let url = url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) || len(url) > limits::URL {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            ' ' => out.push_str("%20"),
            '<' | '>' | '"' | '`' | '\\' | '|' => {}
            c if c.is_whitespace() || c.is_control() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

/// `Speaker · Short title · June 8, 1962 · passage 14`, escaped, within `max`.
pub fn quote_heading(q: &Quote, max: usize) -> String {
    let who = match (&q.speaker, q.passage) {
        (Some(s), _) => s.as_str(),
        (None, 0) => "Document header",
        (None, _) => "Document text",
    };
    let mut parts = vec![who.to_string(), short_title(&q.title)];
    parts.extend(human_date(q.date.as_deref()));
    parts.push(format!("passage {}", q.passage));
    escape_fit(&parts.join(" · "), max)
}

/// `1–3 of 12 · Archive`.
fn footer(answer: &Answer, shown: usize, archive: Option<&str>) -> Footer {
    let mut text = format!(
        "{}–{} of {}",
        answer.offset + 1,
        answer.offset + shown,
        answer.total
    );
    if let Some(a) = archive {
        text.push_str(" · ");
        text.push_str(&truncate(a, 200));
    }
    Footer { text: plain(&text) }
}

/// The description lines of a request plus any note about how it was read.
fn request_lines(answer: &Answer, query: &AskQuery) -> Vec<String> {
    let mut lines = query.lines();
    if answer.searched.speaker_relaxed {
        lines.push(format!(
            "_No turns by {} matched, so these are from all speakers._",
            escape_fit(&answer.searched.speakers.join(", "), 200)
        ));
    }
    lines
}

/// The `/ask` answer: quotes with highlights, ◀ ▶ Cite Context.
pub fn ask(answer: &Answer, page: &Page) -> Message {
    if answer.results.is_empty() {
        return nothing_found(answer, page.query, page.archive);
    }
    let title = page.query.title();
    let description = request_lines(answer, page.query).join("\n");
    let footer = footer(answer, answer.results.len(), page.archive);
    let used = len(&title) + len(&description) + len(&footer.text);
    let per = (TOTAL_BUDGET.saturating_sub(used) / answer.results.len())
        .min(limits::FIELD_NAME + limits::FIELD_VALUE);
    let fields = answer
        .results
        .iter()
        .map(|q| {
            let name = quote_heading(q, (per / 5).clamp(20, limits::FIELD_NAME));
            let link = safe_url(&q.url)
                .map(|u| format!("\n[Read it in the source]({u})"))
                .unwrap_or_default();
            let room = per
                .saturating_sub(len(&name) + len(&link))
                .min(limits::FIELD_VALUE - len(&link));
            let value = highlighted(&q.quote, &q.highlights, room, true) + &link;
            Field {
                name,
                value,
                inline: false,
            }
        })
        .collect();
    let embed = Embed {
        title: Some(title),
        description: (!description.is_empty()).then_some(description),
        color: Some(COLOR),
        fields,
        footer: Some(footer),
        ..Default::default()
    };
    let check = page.query.check();
    let offset = answer.offset;
    let first = &answer.results[0];
    let mut buttons = prev_next(answer, page.per_page, |offset| Action::AskPage {
        owner: page.owner,
        offset,
        check,
    });
    buttons.extend([
        Button::new(
            style::PRIMARY,
            "Cite",
            Action::AskCite { offset, check }.encode(),
        ),
        Button::new(
            style::SECONDARY,
            "Context",
            Action::Context {
                doc: DocRef::of(&first.doc_id),
                passage: first.passage,
            }
            .encode(),
        ),
    ]);
    Message::embed(embed).with_row(ActionRow::new(buttons))
}

/// ◀ and ▶ for a page of `answer`; `action` makes the button's action for an offset.
fn prev_next(answer: &Answer, per_page: usize, action: impl Fn(usize) -> Action) -> Vec<Button> {
    let (offset, shown) = (answer.offset, answer.results.len());
    vec![
        Button::new(
            style::SECONDARY,
            "◀",
            action(offset.saturating_sub(per_page)).encode(),
        )
        .disabled(offset == 0),
        Button::new(
            style::SECONDARY,
            "▶",
            action(offset + per_page.max(shown)).encode(),
        )
        .disabled(offset + shown >= answer.total),
    ]
}

/// The `/search` list: more results per page, one short line and snippet each.
pub fn search(answer: &Answer, page: &Page) -> Message {
    if answer.results.is_empty() {
        return nothing_found(answer, page.query, page.archive);
    }
    let mut lines = request_lines(answer, page.query);
    let head = len(&lines.join("\n"));
    let per = (limits::DESCRIPTION - 50).saturating_sub(head) / answer.results.len();
    for (i, q) in answer.results.iter().enumerate() {
        let heading = format!(
            "**{}.** {}",
            answer.offset + i + 1,
            quote_heading(q, (per / 3).min(200))
        );
        let link = safe_url(&q.url)
            .map(|u| format!(" · [source]({u})"))
            .unwrap_or_default();
        let room = per.saturating_sub(len(&heading) + len(&link) + 2).min(300);
        let snippet = highlighted(&q.quote, &q.highlights, room, true);
        lines.push(format!("{heading}{link}\n{snippet}"));
    }
    let embed = Embed {
        title: Some(page.query.title()),
        description: Some(lines.join("\n")),
        color: Some(COLOR),
        footer: Some(footer(answer, answer.results.len(), page.archive)),
        ..Default::default()
    };
    let check = page.query.check();
    let row = ActionRow::new(prev_next(answer, page.per_page, |offset| {
        Action::SearchPage {
            owner: page.owner,
            offset,
            check,
        }
    }));
    Message::embed(embed).with_row(row)
}

/// Nothing matched: what was searched, and what may work instead.
pub fn nothing_found(answer: &Answer, query: &AskQuery, archive: Option<&str>) -> Message {
    let s = &answer.searched;
    let mut searched = Vec::new();
    if !s.terms.is_empty() {
        let words: Vec<String> = s.terms.iter().take(20).map(|t| escape_fit(t, 60)).collect();
        searched.push(format!("the words {}", words.join(", ")));
    }
    if !s.speakers.is_empty() {
        searched.push(format!(
            "turns by {}",
            escape_fit(&s.speakers.join(", "), 200)
        ));
    }
    if let Some(d) = &s.doc_id {
        searched.push(format!("document {}", escape_fit(d, 100)));
    }
    if let Some(d) = &s.date {
        searched.push(format!("the date {}", escape_fit(d, 60)));
    }
    let mut lines = request_lines(answer, query);
    if answer.offset > 0 && answer.total > 0 {
        lines.push(format!(
            "There are no more results: all {} are on the earlier pages.",
            answer.total
        ));
    } else if searched.is_empty() {
        lines.push("I found no words to search for in that question.".to_string());
    } else {
        lines.push(format!(
            "Nothing in the archive matched. I searched for {}.",
            searched.join("; ")
        ));
    }
    if !answer.suggestions.is_empty() {
        lines.push("\n**You could try:**".to_string());
        for sug in answer.suggestions.iter().take(8) {
            lines.push(format!("• {}", escape_fit(sug, 200)));
        }
    }
    lines.push("\nType `/help` for how to ask and example questions.".to_string());
    let description = truncate_lines(&lines, limits::DESCRIPTION);
    Message::embed(Embed {
        title: Some(query.title()),
        description: Some(description),
        color: Some(COLOR),
        footer: archive.map(|a| Footer {
            text: plain(&truncate(a, 200)),
        }),
        ..Default::default()
    })
}

/// Joins whole lines while they fit in `max`; says how many were left out.
pub fn truncate_lines(lines: &[String], max: usize) -> String {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        let more = format!("\n… and {} more", lines.len() - i);
        let sep = usize::from(!out.is_empty());
        if len(&out) + sep + len(l) + len(&more) > max && i + 1 < lines.len()
            || len(&out) + sep + len(l) > max
        {
            if len(&out) + len(&more) <= max {
                out.push_str(&more);
            }
            break;
        }
        if sep == 1 {
            out.push('\n');
        }
        out.push_str(l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_cannot_break_out_of_a_link() {
        assert_eq!(
            safe_url(" https://x.org/a (b)[c]<d> ").as_deref(),
            Some("https://x.org/a%20%28b%29%5Bc%5Dd")
        );
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(
            safe_url(&format!("https://x.org/{}", "a".repeat(600))),
            None
        );
    }

    #[test]
    fn truncate_lines_keeps_whole_lines_and_counts_the_rest() {
        let lines: Vec<String> = (0..10).map(|i| format!("line {i}")).collect();
        let out = truncate_lines(&lines, 30);
        assert!(len(&out) <= 30, "{out}");
        assert!(out.starts_with("line 0\nline 1"));
        assert!(out.ends_with("more"), "{out}");
        assert_eq!(truncate_lines(&lines[..2], 100), "line 0\nline 1");
    }
}
