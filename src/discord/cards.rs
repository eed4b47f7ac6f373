//! Documents and passages → Discord messages: the `/doc` card, one passage (`/quote`, the reader,
//! context around a quote), the speaker list, citations and `/help`.
//!
//! Same rules as [`super::render`]: plain text is cut first, escaped, then marked up.

use crate::answer::{CorpusStats, DocCard, PassageView, SpeakerSummary};
use crate::cite::{cite, cite_passage, Style};

use super::custom_id::{Action, DocRef};
use super::limits;
use super::render::{human_date, safe_url, short_title, truncate_lines, COLOR};
use super::response::{style, ActionRow, Button, Embed, Field, Footer, Message};
use super::text::{code_block, escape, escape_fit, highlighted, len, plain, truncate};

fn field(name: &str, value: String, inline: bool) -> Field {
    Field {
        name: truncate(name, limits::FIELD_NAME),
        value,
        inline,
    }
}

fn footer(text: String) -> Option<Footer> {
    Some(Footer {
        text: plain(&truncate(&text, 500)),
    })
}

/// The document card: title linked to the source, summary, facts, participants, citation.
pub fn doc_card(card: &DocCard, archive: Option<&str>) -> Message {
    let mut fields = Vec::new();
    if let Some(d) = human_date(card.date.as_deref()) {
        fields.push(field("Date", escape(&d), true));
    }
    fields.push(field("Passages", card.passages.to_string(), true));
    for (name, v) in [
        ("Archive reference", &card.archive_ref),
        ("Translator", &card.translator),
        ("Original language", &card.original_language),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
            fields.push(field(name, escape_fit(v, 300), true));
        }
    }
    if let Some(m) = card.meeting.as_deref().filter(|m| !m.trim().is_empty()) {
        fields.push(field("Meeting", escape_fit(m, 300), true));
    }
    if !card.speakers.is_empty() {
        let lines: Vec<String> = card
            .speakers
            .iter()
            .map(|s| {
                let role = s
                    .role
                    .as_deref()
                    .map(|r| format!(", {}", escape_fit(r, 80)))
                    .unwrap_or_default();
                let turns = if s.turns == 1 { "turn" } else { "turns" };
                format!(
                    "**{}**{role} — {} {turns}",
                    escape_fit(&s.name, 80),
                    s.turns
                )
            })
            .collect();
        fields.push(field(
            "Participants",
            truncate_lines(&lines, limits::FIELD_VALUE),
            false,
        ));
    }
    let citation = cite(card, Style::Document);
    fields.push(field(
        "Citation",
        code_block(&citation, limits::FIELD_VALUE),
        false,
    ));
    let url = safe_url(&card.canonical_url).or_else(|| card.url.as_deref().and_then(safe_url));
    let embed = Embed {
        title: Some(escape_fit(&card.title, limits::TITLE)),
        description: card
            .summary
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| escape_fit(s, 1500)),
        url: url.clone(),
        color: Some(COLOR),
        fields,
        footer: footer(match archive.or(card.archive.as_deref()) {
            Some(a) => format!("Document {} · {a}", card.doc_id),
            None => format!("Document {}", card.doc_id),
        }),
        ..Default::default()
    };
    let mut buttons = vec![Button::new(
        style::PRIMARY,
        "Read",
        Action::ReadOpen {
            doc: DocRef::of(&card.doc_id),
            passage: u32::from(card.passages > 1),
        }
        .encode(),
    )];
    if let Some(u) = url {
        buttons.push(Button::link("Open in the archive", &u));
    }
    Message::embed(embed).with_row(ActionRow::new(buttons))
}

/// How a passage view's ◀ ▶ behave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turning {
    /// On a public message: open a private reader at the neighbour.
    OpenReader,
    /// In a private reader: turn this page.
    TurnPage,
}

fn speaker_of(p: &PassageView) -> String {
    match (&p.speaker, p.passage) {
        (Some(s), _) => s.clone(),
        (None, 0) => "Document header".to_string(),
        (None, _) => "Document text".to_string(),
    }
}

/// One passage in full with its citation and buttons to the passages around it.
pub fn passage(p: &PassageView, card: &DocCard, turning: Turning) -> Message {
    let last = p.of.saturating_sub(1);
    let title = format!("{} — passage {} of {last}", speaker_of(p), p.passage);
    let citation = cite_passage(card, Style::Document, p.passage, p.speaker.as_deref());
    let date = human_date(card.date.as_deref())
        .map(|d| format!(", {d}"))
        .unwrap_or_default();
    let doc_line = format!("{}{date}", short_title(&card.title));
    let embed = Embed {
        title: Some(escape_fit(&title, limits::TITLE)),
        description: Some(highlighted(&p.text, &[], 3000, true)),
        url: safe_url(&card.canonical_url),
        color: Some(COLOR),
        fields: vec![
            field("Document", escape(&doc_line), false),
            field(
                "Citation",
                code_block(&citation, limits::FIELD_VALUE),
                false,
            ),
        ],
        footer: footer(format!("Document {} · passage {}", card.doc_id, p.passage)),
        ..Default::default()
    };
    let to = |n: u32| {
        let doc = DocRef::of(&p.doc_id);
        match turning {
            Turning::OpenReader => Action::ReadOpen { doc, passage: n },
            Turning::TurnPage => Action::ReadPage { doc, passage: n },
        }
        .encode()
    };
    let prev = p.passage.saturating_sub(1);
    let next = (p.passage + 1).min(last);
    let mut buttons = vec![
        Button::new(style::SECONDARY, "◀", to(prev)).disabled(p.passage == 0),
        Button::new(style::SECONDARY, "▶", to(next)).disabled(p.passage >= last),
    ];
    if prev == next {
        // Both disabled and identical (a one-passage document): keep ids unique.
        buttons.truncate(0);
    }
    if let Some(u) = safe_url(&card.canonical_url) {
        buttons.push(Button::link("Open in the archive", &u));
    }
    Message::embed(embed).with_row(ActionRow::new(buttons))
}

/// The passages just before and after passage `n` (which is marked), privately.
pub fn context(around: &[PassageView], n: u32, card: &DocCard) -> Message {
    let per = (limits::DESCRIPTION - 100) / around.len().max(1);
    let blocks: Vec<String> = around
        .iter()
        .map(|p| {
            let mark = if p.passage == n { "▶ " } else { "" };
            let head = format!(
                "{mark}**{}** · passage {}",
                escape_fit(&speaker_of(p), 100),
                p.passage
            );
            let room = per.saturating_sub(len(&head) + 2).min(1500);
            let gap = if p.passage == around[0].passage {
                ""
            } else {
                "\n"
            };
            format!("{gap}{head}\n{}", highlighted(&p.text, &[], room, true))
        })
        .collect();
    let title = format!("Context — {}", short_title(&card.title));
    let embed = Embed {
        title: Some(escape_fit(&title, limits::TITLE)),
        description: Some(truncate_lines(&blocks, limits::DESCRIPTION)),
        url: safe_url(&card.canonical_url),
        color: Some(COLOR),
        footer: footer(format!("Document {} · around passage {n}", card.doc_id)),
        ..Default::default()
    };
    let row = ActionRow::new(vec![Button::new(
        style::SECONDARY,
        "Read from here",
        Action::ReadPage {
            doc: DocRef::of(&card.doc_id),
            passage: n,
        }
        .encode(),
    )]);
    Message::embed(embed).with_row(row).ephemeral()
}

/// Who speaks: role, in which documents, how often.
pub fn speakers(list: &[SpeakerSummary], doc: Option<&DocCard>) -> Message {
    let lines: Vec<String> = list
        .iter()
        .map(|s| {
            let role = s
                .role
                .as_deref()
                .map(|r| format!(", {}", escape_fit(r, 100)))
                .unwrap_or_default();
            let turns = if s.turns == 1 { "turn" } else { "turns" };
            let mut line = format!(
                "**{}**{role} — {} {turns}",
                escape_fit(&s.name, 80),
                s.turns
            );
            if doc.is_none() {
                let docs: Vec<String> = s
                    .documents
                    .iter()
                    .take(6)
                    .map(|(id, n)| format!("`{}` ×{n}", id.replace('`', "")))
                    .collect();
                let more = s.documents.len().saturating_sub(6);
                line.push_str(&format!(" in {}", truncate(&docs.join(", "), 400)));
                if more > 0 {
                    line.push_str(&format!(" and {more} more"));
                }
            }
            line
        })
        .collect();
    let title = match doc {
        Some(c) => format!("Speakers in {}", short_title(&c.title)),
        None => "Speakers in the archive".to_string(),
    };
    let description = if lines.is_empty() {
        "No named speakers: this is a document without speaker turns.".to_string()
    } else {
        truncate_lines(&lines, limits::DESCRIPTION)
    };
    Message::embed(Embed {
        title: Some(escape_fit(&title, limits::TITLE)),
        description: Some(description),
        color: Some(COLOR),
        footer: footer(format!(
            "{} speaker{}",
            list.len(),
            if list.len() == 1 { "" } else { "s" }
        )),
        ..Default::default()
    })
}

/// The citation of a document in one style, or in all of them.
pub fn citations(card: &DocCard, style_wanted: Option<Style>) -> Message {
    let styles: Vec<Style> = match style_wanted {
        Some(s) => vec![s],
        None => Style::ALL.to_vec(),
    };
    let fields = styles
        .into_iter()
        .map(|s| {
            field(
                s.label(),
                code_block(&cite(card, s), limits::FIELD_VALUE),
                false,
            )
        })
        .collect();
    Message::embed(Embed {
        title: Some(escape_fit(&format!("Cite: {}", card.title), limits::TITLE)),
        url: safe_url(&card.canonical_url),
        color: Some(COLOR),
        fields,
        footer: footer(format!("Document {}", card.doc_id)),
        ..Default::default()
    })
}

/// The full citations of the quotes on an `/ask` page, privately.
pub fn quote_citations(quotes: &[(DocCard, u32, Option<String>)]) -> Message {
    let quotes = &quotes[..quotes.len().min(limits::FIELDS)];
    let per = (limits::EMBEDS_TOTAL - 400) / quotes.len().max(1);
    let fields = quotes
        .iter()
        .map(|(card, n, speaker)| {
            let name = format!(
                "{} · {} · passage {n}",
                speaker.as_deref().unwrap_or("Document text"),
                short_title(&card.title)
            );
            let name = escape_fit(&name, (per / 3).min(200));
            let text = cite_passage(card, Style::Document, *n, speaker.as_deref());
            let room = per.saturating_sub(len(&name)).min(limits::FIELD_VALUE);
            field(&name, code_block(&text, room), false)
        })
        .collect();
    Message::embed(Embed {
        title: Some("Citations of these quotes".into()),
        color: Some(COLOR),
        fields,
        footer: footer("Use /cite for Chicago, MLA and APA styles".into()),
        ..Default::default()
    })
    .ephemeral()
}

/// `/help`: how to ask, example questions that work here, what the archive holds, the commands.
pub fn help(
    stats: &CorpusStats,
    examples: &[String],
    archive: Option<&str>,
    commands: &[(&str, &str)],
) -> Message {
    let mut d = vec![
        "Ask a question in plain words with `/ask`. I answer with verbatim quotes from the \
         transcripts, each with who said it, the document, its date and the passage number, \
         and a link to the source. Name a person to hear only them, or pick a `document`."
            .to_string(),
    ];
    if !examples.is_empty() {
        d.push("\n**Try for example:**".into());
        for e in examples.iter().take(3) {
            d.push(format!(
                "• `/ask question: {}`",
                plain(&truncate(&e.replace('`', ""), 200))
            ));
        }
    }
    let mut holds = format!(
        "{} documents, {} passages, {} speakers",
        stats.documents, stats.passages, stats.speakers
    );
    match (&stats.first_date, &stats.last_date) {
        (Some(a), Some(b)) if a != b => holds.push_str(&format!(
            ", dated {} to {}",
            human_date(Some(a)).unwrap_or_default(),
            human_date(Some(b)).unwrap_or_default()
        )),
        (Some(a), _) => holds.push_str(&format!(
            ", dated {}",
            human_date(Some(a)).unwrap_or_default()
        )),
        _ => {}
    }
    let cmd_lines: Vec<String> = commands
        .iter()
        .map(|(n, desc)| format!("`/{n}` — {}", escape(desc)))
        .collect();
    let title = match archive {
        Some(a) => format!("How to ask the {a}"),
        None => "How to ask the archive".to_string(),
    };
    Message::embed(Embed {
        title: Some(escape_fit(&title, limits::TITLE)),
        description: Some(truncate_lines(&d, 2500)),
        color: Some(COLOR),
        fields: vec![
            field("What is here", escape(&holds), false),
            field(
                "Commands",
                truncate_lines(&cmd_lines, limits::FIELD_VALUE),
                false,
            ),
        ],
        ..Default::default()
    })
    .ephemeral()
}
