//! Teacher commands: `/settings` (private answers by default, the scope of a server or channel),
//! `/gaps` (what students did not get a good answer to, with a CSV), and `/add` / `/remove`
//! ([`super::uploads`]). Their table is here, apart from the students' ([`super::commands`]);
//! registration, dispatch and `/help` read both.
//!
//! Each needs the Manage Server permission, read from the member the interaction carries
//! (Discord also hides them from others: they register with `default_member_permissions`);
//! anyone else gets a private refusal. Replies are always private.

use serde_json::{json, Value};

use crate::search::scope::ScopeSpec;
use crate::storage::gaps::{to_csv, utc};
use crate::storage::settings::{InForce, Source};
use crate::storage::{GuildSettings, SettingsChange};

use super::commands::{completing, opt, required, CommandSpec, Complete, Kind, OptionSpec};
use super::dispatch::DispatchContext;
use super::error::BotError;
use super::handlers::{Invocation, Reply};
use super::limits;
use super::place::{describe_scope, View};
use super::render::{truncate_lines, COLOR};
use super::response::{Choice, Embed, Field, File, Footer, Message};
use super::text::{escape_fit, truncate};

/// Discord's MANAGE_GUILD permission bit, as registration wants it.
const MANAGE_GUILD: &str = "32";

/// Days `/gaps` looks back without `days`.
const GAPS_DAYS: i64 = 30;

/// The teacher commands.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "settings",
        description: "Teachers: private answers and which documents this server or a channel sees",
        options: &[
            opt(
                "private",
                "Answers private by default (students can still choose private:false)",
                Kind::Boolean,
            ),
            completing(
                opt(
                    "scope",
                    "all, or document ids and collections, comma-separated (server: follow the server)",
                    Kind::String,
                ),
                Complete::Scope,
            ),
            opt(
                "channel",
                "Set or show these for one channel instead of the whole server",
                Kind::Channel,
            ),
        ],
        run: settings,
    },
    CommandSpec {
        name: "gaps",
        description: "Teachers: questions that found nothing or got a 👎, with a CSV of them all",
        options: &[OptionSpec {
            min: Some(1),
            ..opt("days", "How many days back (30 by default)", Kind::Integer)
        }],
        run: gaps,
    },
    CommandSpec {
        name: "add",
        description: "Teachers: add a document (.txt, .md or .html, up to 1 MB) for this server",
        options: &[required(opt(
            "file",
            "The document, in the archive's export format",
            Kind::Attachment,
        ))],
        run: super::uploads::add,
    },
    CommandSpec {
        name: "remove",
        description: "Teachers: take out a document this server added",
        options: &[required(completing(
            opt("document", "One of this server's added documents", Kind::String),
            Complete::Upload,
        ))],
        run: super::uploads::remove,
    },
];

/// Marks a teacher command's registration: hidden from members without Manage Server, and not
/// offered in direct messages.
pub fn restrict_registration(v: &mut Value) {
    v["default_member_permissions"] = json!(MANAGE_GUILD);
    v["dm_permission"] = json!(false);
    v["contexts"] = json!([0]);
}

/// Refuses a teacher command to anyone without Manage Server, and outside a server.
pub fn allowed(inv: &Invocation) -> Result<(), BotError> {
    if inv.view.guild.is_none() {
        return Err(BotError::user(
            "Teacher commands work in a server, not in direct messages.",
        ));
    }
    if !inv.view.manager {
        return Err(BotError::user(
            "Only members with the **Manage Server** permission can use teacher commands. Ask \
             your teacher or a server admin.",
        ));
    }
    Ok(())
}

fn unavailable() -> BotError {
    BotError::user(
        "I can't reach my database right now, so I can't read or change that. Answers still \
         work; please try again in a while.",
    )
}

/// `/settings`: shows, or changes and then shows, the settings of the server or a channel.
pub fn settings(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    let guild = inv.view.guild.ok_or_else(unavailable)?;
    let channel = inv.channel("channel");
    let change = settings_change(ctx, inv, channel)?;
    let store = ctx.store.as_ref().ok_or_else(unavailable)?;
    let (after, changed) = if change.is_empty() {
        let s = store.guild_settings(guild).map_err(|_| unavailable())?;
        (s, false)
    } else {
        let s = store
            .change_settings(guild, channel, &change)
            .map_err(|_| unavailable())?;
        tracing::info!(guild, channel = channel.unwrap_or(0), "settings changed");
        (s, true)
    };
    let here = channel.or(inv.view.channel);
    Ok(Reply::new(
        settings_card(ctx, &after, here, changed).ephemeral(),
    ))
}

/// What the options ask to change; a scope naming nothing this server has is refused.
fn settings_change(
    ctx: &DispatchContext,
    inv: &Invocation,
    channel: Option<u64>,
) -> Result<SettingsChange, BotError> {
    let scope = match inv.str("scope") {
        None => None,
        Some(t) if channel.is_some() && t.trim().eq_ignore_ascii_case("server") => Some(None),
        Some(t) => {
            let spec = ScopeSpec::parse(&t).map_err(|e| {
                BotError::user(format!(
                    "That scope cannot be used: {}.",
                    escape_fit(&e, 200)
                ))
            })?;
            if let Err(unknown) = ctx.engine.check_scope(&spec, inv.view.guild) {
                return Err(BotError::user(format!(
                    "I don't know {}: neither a document id nor a collection here. Start typing \
                     in the `scope` option to pick from the list.",
                    escape_fit(&unknown.0.join(", "), 300)
                )));
            }
            Some(match (spec, channel) {
                (ScopeSpec::All, None) => None,
                (spec, _) => Some(spec),
            })
        }
    };
    Ok(SettingsChange {
        private: inv.explicit_flag("private"),
        scope,
    })
}

fn source(s: Source) -> String {
    match s {
        Source::Default => "default".into(),
        Source::Server => "set for the server".into(),
        Source::Channel(c) => format!("set for <#{c}>"),
    }
}

/// The settings in force in `channel`, the server's own, and every channel override.
fn settings_card(
    ctx: &DispatchContext,
    s: &GuildSettings,
    channel: Option<u64>,
    changed: bool,
) -> Message {
    let f: InForce = s.in_force(channel);
    let docs = ctx.engine.scope(&f.scope, Some(s.guild_id));
    let count = docs
        .doc_ids()
        .map_or_else(|| ctx.engine.stats().documents, |d| d.len());
    let mut fields = vec![
        Field {
            name: "Answers".into(),
            value: format!(
                "{} by default ({})",
                if f.private { "private" } else { "public" },
                source(f.private_from)
            ),
            inline: false,
        },
        Field {
            name: "Scope".into(),
            value: truncate(
                &format!(
                    "{} — {count} document{} ({})",
                    escape_fit(&describe_scope(&f.scope), 700),
                    if count == 1 { "" } else { "s" },
                    source(f.scope_from)
                ),
                limits::FIELD_VALUE,
            ),
            inline: false,
        },
    ];
    let overrides: Vec<String> = s
        .channels
        .iter()
        .map(|(c, l)| {
            let mut parts = Vec::new();
            if let Some(p) = l.private {
                parts.push(if p { "private" } else { "public" }.to_string());
            }
            if let Some(sc) = &l.scope {
                let spec = ScopeSpec::parse(sc).unwrap_or_default();
                parts.push(format!("scope {}", escape_fit(&describe_scope(&spec), 150)));
            }
            format!("<#{c}>: {}", parts.join(", "))
        })
        .collect();
    if !overrides.is_empty() {
        fields.push(Field {
            name: "Channels with their own settings".into(),
            value: truncate_lines(&overrides, limits::FIELD_VALUE),
            inline: false,
        });
    }
    let title = if changed {
        "Settings saved — now in force here"
    } else {
        "Settings in force here"
    };
    Message::embed(Embed {
        title: Some(title.into()),
        description: Some(
            "Change them with `/settings private:` and `/settings scope:` (add `channel:` for \
             one channel; `scope: server` makes a channel follow the server again)."
                .into(),
        ),
        color: Some(COLOR),
        fields,
        ..Default::default()
    })
}

/// `/gaps [days]`: the questions of this server that found nothing or got a 👎, newest first,
/// and all of them as a CSV attachment.
pub fn gaps(ctx: &DispatchContext, inv: &Invocation) -> Result<Reply, BotError> {
    let guild = inv.view.guild.ok_or_else(unavailable)?;
    let store = ctx.store.as_ref().ok_or_else(unavailable)?;
    let kept = i64::from(store.retention_days());
    let mut days = inv.int("days").unwrap_or(GAPS_DAYS).max(1);
    if kept > 0 {
        days = days.min(kept);
    }
    let list = store
        .gaps(guild, days as u32, crate::storage::now())
        .map_err(|_| unavailable())?;
    let title = format!(
        "Questions without a good answer — last {days} day{}",
        if days == 1 { "" } else { "s" }
    );
    if list.is_empty() {
        let m = Message::embed(Embed {
            title: Some(title),
            description: Some(
                "None: every question found something, and no answer got a 👎.".into(),
            ),
            color: Some(COLOR),
            ..Default::default()
        });
        return Ok(Reply::new(m.ephemeral()).counted_as(0));
    }
    let lines: Vec<String> = list.iter().map(gap_line).collect();
    let n = list.len();
    let m = Message::embed(Embed {
        title: Some(title),
        description: Some(truncate_lines(&lines, limits::DESCRIPTION)),
        color: Some(COLOR),
        footer: Some(Footer {
            text: format!(
                "{n} question{} · all of them in the attached CSV · questions are kept {}",
                if n == 1 { "" } else { "s" },
                if kept > 0 {
                    format!("{kept} days")
                } else {
                    "without limit".to_string()
                }
            ),
        }),
        ..Default::default()
    })
    .with_file(File::new(
        &format!("gaps-{days}d.csv"),
        "text/csv",
        to_csv(&list).into_bytes(),
    ))
    .ephemeral();
    Ok(Reply::new(m).counted_as(n))
}

/// `**3×** why the border? — last 2026-11-23 13:05 UTC · nothing found 2 · 👎 1 (wrong speaker)`.
fn gap_line(g: &crate::storage::Gap) -> String {
    let mut parts = vec![format!("last {}", utc(g.last_asked))];
    if g.nothing_found > 0 {
        parts.push(format!("nothing found {}", g.nothing_found));
    }
    if g.thumbs_down > 0 {
        let mut why = Vec::new();
        for (n, what) in [
            (g.wrong_passage, "wrong passage"),
            (g.wrong_speaker, "wrong speaker"),
            (g.quote_cut, "quote cut badly"),
        ] {
            if n > 0 {
                why.push(format!("{what} {n}"));
            }
        }
        let why = if why.is_empty() {
            String::new()
        } else {
            format!(" ({})", why.join(", "))
        };
        parts.push(format!("👎 {}{why}", g.thumbs_down));
    }
    format!(
        "**{}×** {} — {}",
        g.count,
        escape_fit(&g.question, 200),
        parts.join(" · ")
    )
}

/// Autocomplete for a scope: the entry being typed (after the last comma) completed to a
/// collection or a document this server may see; `all` first when nothing is typed.
pub fn complete_scope(ctx: &DispatchContext, view: &View, typed: &str) -> Vec<Choice> {
    let (before, fragment) = match typed.rfind(',') {
        Some(i) => (
            format!("{}, ", typed[..i].trim_end()),
            typed[i + 1..].trim(),
        ),
        None => (String::new(), typed.trim()),
    };
    let frag = fragment.to_lowercase();
    let mut out = Vec::new();
    let mut push = |value: String, name: String| {
        if super::text::len(&value) <= limits::CHOICE && out.len() < limits::CHOICES {
            out.push(Choice {
                name: truncate(&name, limits::CHOICE),
                value,
            });
        }
    };
    if before.is_empty() && "all".starts_with(&frag) {
        push("all".into(), "all — every document".into());
    }
    for (c, n) in ctx.engine.collections(view.guild) {
        if c.to_lowercase().contains(&frag) {
            push(
                format!("{before}{c}"),
                format!(
                    "{before}{c} (collection, {n} document{})",
                    if n == 1 { "" } else { "s" }
                ),
            );
        }
    }
    let visible = ctx.engine.scope(&ScopeSpec::All, view.guild);
    let mut docs = ctx.engine.suggest_documents(fragment, usize::MAX);
    docs.retain(|d| visible.contains(&d.doc_id));
    for d in docs.into_iter().take(limits::CHOICES) {
        push(
            format!("{before}{}", d.doc_id),
            format!("{before}{} — {}", d.doc_id, d.title),
        );
    }
    out
}
