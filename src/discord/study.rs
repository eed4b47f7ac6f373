//! The study tools in Discord: `/verify`, `/trend` (a chart and a CSV attached), reference
//! files for `/cite … style: ris|bibtex`, and the `/help` lines that show each tool on the
//! corpus in service (`/contexts`, which pages, is in [`super::contexts`]). Handlers read the options and call
//! [`crate::study`]; renderers turn its answers into messages within Discord's limits (plain text
//! cut first, escaped, then marked up, as in [`super::render`]).

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::answer::DocCard;
use crate::cite::Export;
use crate::study::{self, chart, Change, ChangeKind, Trend, Verdict, Verification};

use super::dispatch::DispatchContext;
use super::error::BotError;
use super::handlers::{Invocation, Reply};
use super::limits;
use super::render::{human_date, safe_url, short_title, truncate_lines, COLOR};
use super::response::{Embed, Field, File, Footer, Image, Message};
use super::text::{code_block, escape, escape_fit, highlighted, len, plain, truncate};

/// The documents this interaction may see (its server's or channel's scope, resolved in
/// [`super::place`]); `None`: the whole corpus. Every study handler asks here.
pub(super) fn scope(inv: &Invocation) -> Option<Arc<BTreeSet<String>>> {
    inv.view.scope.doc_ids().cloned()
}

pub(super) fn field(name: &str, value: String) -> Field {
    Field {
        name: truncate(name, limits::FIELD_NAME),
        value,
        inline: false,
    }
}

pub(super) fn footer(archive: Option<String>, more: &str) -> Option<Footer> {
    let text = match archive {
        Some(a) if more.is_empty() => a,
        Some(a) => format!("{more} · {a}"),
        None => more.to_string(),
    };
    (!text.is_empty()).then(|| Footer {
        text: plain(&truncate(&text, 500)),
    })
}

// ---------------------------------------------------------------------------------------------
// /verify

pub fn verify(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    let quote = inv
        .str("quote")
        .ok_or_else(|| BotError::user("Please paste the quotation into the `quote` option."))?;
    let req = study::VerifyRequest {
        quote,
        speaker: inv.short("speaker"),
    };
    let scope = scope(inv);
    let v = study::verify(&ctx.engine.snapshot(), &req, scope.as_deref());
    let n = usize::from(v.doc_id.is_some());
    let mut m = render_verification(&v, ctx.archive());
    if inv.flag("private") {
        m = m.ephemeral();
    }
    Ok(Reply::new(m).counted_as(n))
}

/// The verdict as an embed: the quotation, the verdict and whose the passage is, the source
/// (or the changes, or the closest passages) and the citation.
pub fn render_verification(v: &Verification, archive: Option<String>) -> Message {
    let title = match v.verdict {
        Verdict::Verbatim => "Verbatim: the quotation is in the sources",
        Verdict::Omissions => "Verbatim, with marked omissions or insertions",
        Verdict::Altered => "Altered: the closest passage differs",
        Verdict::NotFound => "Not found in the archive",
    };
    let mut lines = vec![escape(&v.summary())];
    if let Some(s) = v.speaker_summary() {
        lines.push(format!("**Speaker:** {}", escape(&s)));
    }
    if let Some(n) = &v.note {
        lines.push(format!("_{}_", escape_fit(n, 400)));
    }
    lines.push(format!(
        "**Your quotation:**\n{}",
        highlighted(&v.quote, &[], 1200, true)
    ));
    let mut fields = Vec::new();
    if let Some(src) = &v.source {
        let heading = source_heading(v);
        let link = v
            .url
            .as_deref()
            .and_then(safe_url)
            .map(|u| format!("\n[Read it in the source]({u})"))
            .unwrap_or_default();
        let room = limits::FIELD_VALUE - len(&link);
        fields.push(field(&heading, highlighted(src, &[], room, true) + &link));
    }
    if !v.changes.is_empty() {
        let lines: Vec<String> = v.changes.iter().map(change_line).collect();
        fields.push(field(
            "Changes, word by word",
            truncate_lines(&lines, limits::FIELD_VALUE),
        ));
    }
    if v.verdict == Verdict::NotFound && !v.closest.is_empty() {
        let room = (limits::FIELD_VALUE - 100) / v.closest.len();
        let lines: Vec<String> = v
            .closest
            .iter()
            .map(|c| {
                let who = c.speaker.as_deref().unwrap_or("no speaker");
                let head = escape_fit(
                    &format!(
                        "{} · passage {} · {who} · {:.0}% alike",
                        c.doc_id,
                        c.passage,
                        c.similarity * 100.0
                    ),
                    120,
                );
                let text = highlighted(&c.text, &[], room.saturating_sub(len(&head) + 4), true);
                format!("**{head}**\n{text}")
            })
            .collect();
        fields.push(field(
            "The closest passages",
            truncate_lines(&lines, limits::FIELD_VALUE),
        ));
    }
    if let Some(c) = &v.citation {
        fields.push(field("Citation", code_block(c, limits::FIELD_VALUE)));
    }
    Message::embed(Embed {
        title: Some(title.to_string()),
        description: Some(truncate_lines(&lines, 2400)),
        url: v.url.as_deref().and_then(safe_url),
        color: Some(COLOR),
        fields,
        footer: footer(archive, ""),
        ..Default::default()
    })
}

/// `Zhang Hanfu · Minutes of the Meeting… · June 8, 1962 · passage 2`.
fn source_heading(v: &Verification) -> String {
    let mut parts = vec![v.speaker.clone().unwrap_or_else(|| "Document text".into())];
    parts.extend(v.title.as_deref().map(short_title));
    parts.extend(human_date(v.date.as_deref()));
    parts.extend(v.passage.map(|p| format!("passage {p}")));
    escape_fit(&parts.join(" · "), 200)
}

fn change_line(c: &Change) -> String {
    let q = escape_fit(&c.quote, 200);
    let s = escape_fit(&c.source, 200);
    match c.kind {
        ChangeKind::Replaced => format!("• **{q}** where the source has **{s}**"),
        ChangeKind::Inserted => format!("• **{q}** is not in the source"),
        ChangeKind::Deleted => format!("• the source's **{s}** is left out without a mark"),
    }
}

// ---------------------------------------------------------------------------------------------
// /trend

pub fn trend(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    let typed = inv.str("terms").ok_or_else(|| {
        BotError::user("Please type up to three words or phrases in `terms`, separated by commas.")
    })?;
    let unit = inv
        .str("per")
        .and_then(|p| study::Unit::parse(&p))
        .unwrap_or_default();
    let req = study::TrendRequest {
        terms: vec![typed],
        unit,
    };
    let scope = scope(inv);
    let t = study::trend(&ctx.engine.snapshot(), &req, scope.as_deref());
    if t.terms.is_empty() {
        return Err(BotError::user(
            "Please type up to three words or phrases in `terms`, separated by commas.",
        ));
    }
    if t.documents == 0 {
        return Err(BotError::user(match unit {
            study::Unit::Month => "No document of the archive has a month in its date to chart by. Try `per: document`.",
            study::Unit::Document => "The archive has no documents to chart yet.",
        }));
    }
    let archive = ctx.archive();
    let chart = chart::draw(&t, &chart::footer(&t, archive.as_deref()))?;
    let n = t.series.iter().map(|s| s.points.len()).sum();
    Ok(Reply::new(render_trend(&t, chart.png, archive)).counted_as(n))
}

/// The chart as the embed's picture, the figures as text (for screen readers) and the CSV.
pub fn render_trend(t: &Trend, png: Vec<u8>, archive: Option<String>) -> Message {
    let alt = alt_text(t);
    let chart = File::new("trend.png", "image/png", png).described(alt);
    let csv =
        File::new("trend.csv", "text/csv", study::trend::csv(t).into_bytes()).described(format!(
            "The figures of the chart: {}",
            truncate(&chart::title(t), 900)
        ));
    let mut lines = Vec::new();
    if let Some(n) = &t.note {
        lines.push(format!("_{}_", escape_fit(n, 400)));
    }
    let room = (limits::DESCRIPTION - 600) / t.series.len().max(1);
    for s in &t.series {
        let figures: Vec<String> = s
            .points
            .iter()
            .map(|p| {
                let when = human_date(p.date.as_deref()).unwrap_or_else(|| "undated".into());
                match t.unit {
                    study::Unit::Document => format!("{} ({when}) {:.2}", p.key(), p.per_10k),
                    study::Unit::Month => format!("{when} {:.2}", p.per_10k),
                }
            })
            .collect();
        let uses = if s.total == 1 { "use" } else { "uses" };
        let text = truncate(&figures.join(" · "), room.saturating_sub(120));
        lines.push(format!(
            "**{}** — {} {uses}; per 10,000 words: {}",
            escape_fit(&s.term, 100),
            s.total,
            escape(&text)
        ));
    }
    lines.push("The figures are also in **trend.csv**, attached.".into());
    let embed = Embed {
        title: Some(escape_fit(&chart::title(t), limits::TITLE)),
        description: Some(truncate_lines(&lines, limits::DESCRIPTION - 100)),
        color: Some(COLOR),
        image: Some(Image { url: chart.url() }),
        footer: footer(None, &chart::footer(t, archive.as_deref())),
        ..Default::default()
    };
    Message::embed(embed).with_file(chart).with_file(csv)
}

/// What the chart shows, for screen readers (the attachment's description).
fn alt_text(t: &Trend) -> String {
    let per = t.unit.as_str();
    let mut s = format!(
        "Line chart of uses per 10,000 words, one point per {per} in date order, of {}.",
        t.terms.join(", ")
    );
    for series in &t.series {
        let top = series
            .points
            .iter()
            .max_by(|a, b| a.per_10k.total_cmp(&b.per_10k));
        if let Some(p) = top.filter(|p| p.count > 0) {
            s.push_str(&format!(
                " {}: highest {:.2} in {}.",
                series.term,
                p.per_10k,
                p.date.as_deref().unwrap_or(p.key())
            ));
        } else {
            s.push_str(&format!(" {}: not used.", series.term));
        }
    }
    truncate(&s, limits::FILE_DESCRIPTION)
}

// ---------------------------------------------------------------------------------------------
// /cite … style: ris|bibtex

/// A reference file for a document, attached, with a preview of it.
pub fn cite_file(card: &DocCard, export: Export) -> Message {
    let text = export.render(card);
    let name = export.file_name(card);
    let file = File::new(&name, export.content_type(), text.clone().into_bytes()).described(
        format!("{} reference for document {}", export.label(), card.doc_id),
    );
    let how = format!(
        "A **{}** file of this document is attached (`{}`): open it with Zotero, EndNote or \
         Mendeley, or drag it into your library.",
        export.label(),
        file.name
    );
    let embed = Embed {
        title: Some(escape_fit(&format!("Cite: {}", card.title), limits::TITLE)),
        description: Some(format!("{how}\n{}", code_block(&text, 2500))),
        url: safe_url(&card.canonical_url),
        color: Some(COLOR),
        footer: footer(None, &format!("Document {}", card.doc_id)),
        ..Default::default()
    };
    Message::embed(embed).with_file(file)
}

// ---------------------------------------------------------------------------------------------
// /help

/// The `/help` field showing each study tool with an example that works on this corpus.
pub fn help_field(ex: &study::examples::Examples) -> Option<Field> {
    let code = |s: &str| plain(&s.replace('`', "'"));
    let mut lines = Vec::new();
    if let Some((quote, speaker)) = &ex.verify {
        let who = speaker
            .as_deref()
            .map(|s| format!(" speaker: {}", code(s)))
            .unwrap_or_default();
        lines.push(format!(
            "• `/verify quote: {}{who}` — is a quotation really in the sources, word for word?",
            code(&truncate(quote, 200))
        ));
    }
    if let Some(w) = ex.words.first() {
        lines.push(format!(
            "• `/contexts term: {}` — every use of a word, in context",
            code(w)
        ));
    }
    if !ex.words.is_empty() {
        lines.push(format!(
            "• `/trend terms: {}` — how often, per 10,000 words, document by document",
            code(&ex.words.join(", "))
        ));
    }
    if let Some(d) = &ex.cite {
        lines.push(format!(
            "• `/cite document: {} style: ris` — a file for Zotero or EndNote",
            code(d)
        ));
    }
    (!lines.is_empty()).then(|| field("Study tools", truncate_lines(&lines, limits::FIELD_VALUE)))
}
