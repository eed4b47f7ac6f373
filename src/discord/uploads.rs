//! `/add file` and `/remove document`: a teacher adds a document to the server's own collection
//! (`<corpus>/guild-<id>/`) from a Discord attachment, or takes one of them out. The download,
//! check and file handling are [`crate::uploads`]; here the options are read, the index is
//! brought up to date ([`crate::search::Engine::refresh`]) and the outcome is shown: what was read
//! (id, title, date, speakers, passages, warnings) or why the file was refused.

use std::time::Duration;

use crate::search::scope::guild_collection;
use crate::uploads::{self, DownloadLimits, Refused, Report};

use super::dispatch::DispatchContext;
use super::error::BotError;
use super::handlers::{Invocation, Reply};
use super::limits;
use super::place::View;
use super::render::COLOR;
use super::response::{Choice, Embed, Field, Message};
use super::text::{escape_fit, truncate};

fn refused(r: Refused) -> BotError {
    BotError::user(escape_fit(&r.to_string(), 1500))
}

/// `/add file`.
pub fn add(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    let guild = inv
        .view
        .guild
        .ok_or_else(|| BotError::user("Use this in a server."))?;
    let file = inv
        .attachment("file")
        .ok_or_else(|| BotError::user("Please attach the document in the `file` option."))?;
    let ext = uploads::accepted_extension(&file.filename).ok_or_else(|| {
        BotError::user(format!(
            "I can add `.txt`, `.md` or `.html` documents ({} here), not **{}**.",
            crate::corpus::CORPUS_EXTENSIONS
                .iter()
                .map(|e| format!(".{e}"))
                .collect::<Vec<_>>()
                .join(", "),
            escape_fit(&file.filename, 100)
        ))
    })?;
    let t = &ctx.teacher;
    let limits = DownloadLimits {
        origins: t.cdn_hosts.clone(),
        max_bytes: t.upload_max_bytes,
        timeout: Duration::from_secs(t.download_timeout_secs),
    };
    let bytes = uploads::download(&file.url, u64::from(file.size), &limits).map_err(refused)?;
    let opts = ctx.engine.options();
    let probe = format!("{}/upload.{ext}", guild_collection(guild));
    let report = uploads::corpus_check(&probe, &bytes, &opts.canonical_base).map_err(refused)?;
    // An id the archive already has elsewhere would be skipped as a duplicate: refuse it.
    let own = guild_collection(guild);
    let existing = ctx.engine.document(&report.doc_id).ok();
    if let Some(card) = &existing {
        if crate::corpus::collection_of(&card.source_file) != Some(own.as_str()) {
            return Err(BotError::user(format!(
                "The archive already has document `{}`, so I can't add another with that id.",
                report.doc_id.replace('`', "")
            )));
        }
    }
    let name = uploads::file_name(&report.doc_id, &ext);
    let source = uploads::write(&opts.corpus_dir, guild, &name, &bytes).map_err(refused)?;
    // The same document added before under another extension: the old file goes.
    if let Some(card) = existing.filter(|c| c.source_file != source) {
        let _ = uploads::remove(&opts.corpus_dir, guild, &card.source_file);
    }
    refresh(ctx)?;
    let served = ctx
        .engine
        .document(&report.doc_id)
        .is_ok_and(|c| c.source_file == source);
    tracing::info!(guild, doc = %report.doc_id, bytes = bytes.len(), served, "document added");
    let mut warnings: Vec<String> = report
        .warnings
        .iter()
        .map(|w| w.replace(&probe, &source))
        .collect();
    warnings.extend(
        ctx.engine
            .stats()
            .warnings
            .into_iter()
            .filter(|w| w.starts_with(&source)),
    );
    if !served {
        warnings.push("the index did not take it; see the warnings".into());
    }
    Ok(Reply::new(added_card(&report, &source, &warnings).ephemeral()).counted_as(1))
}

fn refresh(ctx: &DispatchContext) -> Result<(), BotError> {
    ctx.engine
        .refresh(false, &|_| {})
        .map(|_| ())
        .map_err(|e| BotError::Internal(e.context("re-indexing after an upload")))
}

fn added_card(r: &Report, source: &str, warnings: &[String]) -> Message {
    let speakers = if r.speakers.is_empty() {
        "none (paragraphs without speakers)".to_string()
    } else {
        r.speakers
            .iter()
            .map(|(n, t)| format!("{} ({t})", escape_fit(n, 80)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut fields = vec![
        field("Document id", format!("`{}`", r.doc_id.replace('`', ""))),
        field(
            "Date",
            r.date.clone().unwrap_or_else(|| "none given".into()),
        ),
        field("Passages", r.passages.to_string()),
        field("Speakers (turns)", truncate(&speakers, limits::FIELD_VALUE)),
    ];
    if !warnings.is_empty() {
        let w: Vec<String> = warnings
            .iter()
            .map(|w| format!("• {}", escape_fit(w, 300)))
            .collect();
        fields.push(field(
            "Warnings",
            super::render::truncate_lines(&w, limits::FIELD_VALUE),
        ));
    }
    Message::embed(Embed {
        title: Some(truncate(&format!("Added: {}", r.title), limits::TITLE)),
        description: Some(format!(
            "Stored as `{}`. This server can now ask about it (unless its scope leaves it out); \
             other servers don't see it. `/remove` takes it out.",
            source.replace('`', "")
        )),
        color: Some(COLOR),
        fields,
        ..Default::default()
    })
}

fn field(name: &str, value: String) -> Field {
    Field {
        name: name.into(),
        value: escape_fit(&value, limits::FIELD_VALUE),
        inline: false,
    }
}

/// `/remove document`: one of this server's uploads.
pub fn remove(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    let guild = inv
        .view
        .guild
        .ok_or_else(|| BotError::user("Use this in a server."))?;
    let id = inv.required("document")?;
    let own = guild_collection(guild);
    let card = ctx
        .engine
        .document(&id)
        .ok()
        .filter(|c| crate::corpus::collection_of(&c.source_file) == Some(own.as_str()))
        .ok_or_else(|| {
            BotError::user(format!(
                "This server added no document **{}**. Start typing in the `document` option to \
                 pick one of its own.",
                escape_fit(&id, 100)
            ))
        })?;
    uploads::remove(&ctx.engine.options().corpus_dir, guild, &card.source_file).map_err(refused)?;
    refresh(ctx)?;
    tracing::info!(guild, doc = %card.doc_id, "document removed");
    let m = Message::text(format!(
        "Removed **{}** (`{}`): it is no longer in this server's archive.",
        escape_fit(&card.title, 200),
        card.doc_id.replace('`', "")
    ));
    Ok(Reply::new(m.ephemeral()).counted_as(1))
}

/// Autocomplete: this server's own uploads matching what is typed.
pub fn complete_upload(ctx: &DispatchContext, view: &View, typed: &str) -> Vec<Choice> {
    let Some(guild) = view.guild else {
        return Vec::new();
    };
    let own = guild_collection(guild);
    let mine: Vec<String> = ctx
        .engine
        .sources()
        .into_iter()
        .filter(|(_, f)| crate::corpus::collection_of(f) == Some(own.as_str()))
        .map(|(id, _)| id)
        .collect();
    ctx.engine
        .suggest_documents(typed, usize::MAX)
        .into_iter()
        .filter(|d| mine.contains(&d.doc_id) && super::text::len(&d.doc_id) <= limits::CHOICE)
        .take(limits::CHOICES)
        .map(|d| Choice {
            name: truncate(&format!("{} — {}", d.doc_id, d.title), limits::CHOICE),
            value: d.doc_id,
        })
        .collect()
}
