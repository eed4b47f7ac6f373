//! Shared by the `discord_*` tests: one engine on the seed corpus per test binary, and builders
//! for interaction payloads shaped exactly as Discord sends them (deserialized by serenity).
#![allow(dead_code)]

use std::sync::{Arc, OnceLock};

use archivist::discord::limits::violations;
use archivist::discord::DispatchContext;
use archivist::search::{Engine, EngineOptions};
use archivist::settings::Settings;
use serde_json::{json, Value};
use serenity::model::application::Interaction;

pub const STUDENT: &str = "300000000000000001";
pub const OTHER: &str = "300000000000000002";
pub const BOT: &str = "100000000000000001";

pub fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<(Arc<Engine>, tempfile::TempDir)> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let engine = Engine::open(EngineOptions {
                corpus_dir: "seeds".into(),
                data_dir: dir.path().to_path_buf(),
                canonical_base: archivist::corpus::DEFAULT_CANONICAL_BASE.into(),
                max_question_chars: 1000,
                quote_max_chars: 400,
                default_limit: 5,
                paraphrases: true,
            })
            .unwrap();
            (Arc::new(engine), dir)
        })
        .0
        .clone()
}

/// A dispatch context with a rate limit high enough never to trigger.
pub fn ctx() -> &'static DispatchContext {
    static CTX: OnceLock<DispatchContext> = OnceLock::new();
    CTX.get_or_init(|| {
        let mut s = Settings::defaults().discord;
        s.rate_limit_commands = 1_000_000;
        DispatchContext::new(engine(), &s)
    })
}

fn user(id: &str) -> Value {
    json!({
        "id": id, "username": format!("student{}", &id[id.len() - 1..]), "discriminator": "0",
        "global_name": "A Student", "avatar": null, "public_flags": 0
    })
}

fn envelope(kind: u8, data: Value, by: &str) -> Value {
    json!({
        "id": "1100000000000000001",
        "application_id": "1000000000000000001",
        "type": kind,
        "data": data,
        "guild_id": "400000000000000001",
        "channel_id": "500000000000000001",
        "channel": {"id": "500000000000000001", "type": 0, "name": "history-class",
                    "guild_id": "400000000000000001", "permissions": "2248473465835073"},
        "member": {
            "user": user(by), "roles": [], "joined_at": "2025-09-01T12:00:00.000000+00:00",
            "premium_since": null, "deaf": false, "mute": false, "flags": 0, "pending": false,
            "nick": null, "avatar": null, "permissions": "2248473465835073",
            "communication_disabled_until": null
        },
        "token": "aW50ZXJhY3Rpb246MTEwMDAwMDAwMDAwMDAwMDAwMTp0ZXN0",
        "version": 1,
        "app_permissions": "2248473465835073",
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": "400000000000000001"},
        "context": 0,
        "attachment_size_limit": 10485760
    })
}

fn option_type(v: &Value) -> u8 {
    match v {
        Value::Bool(_) => 5,
        Value::Number(_) => 4,
        _ => 3,
    }
}

fn options(opts: &[(&str, Value)]) -> Vec<Value> {
    opts.iter()
        .map(|(n, v)| json!({"name": n, "type": option_type(v), "value": v}))
        .collect()
}

/// A slash command (type 2 APPLICATION_COMMAND) by the student.
pub fn command(name: &str, opts: &[(&str, Value)]) -> Value {
    command_by(name, opts, STUDENT)
}

pub fn command_by(name: &str, opts: &[(&str, Value)], by: &str) -> Value {
    envelope(
        2,
        json!({"id": "1200000000000000001", "name": name, "type": 1, "options": options(opts),
               "guild_id": "400000000000000001"}),
        by,
    )
}

/// Autocomplete (type 4) while typing `focused` = `typed`, with the other options already filled.
pub fn autocomplete(name: &str, opts: &[(&str, Value)], focused: &str, typed: &str) -> Value {
    let mut o = options(opts);
    o.push(json!({"name": focused, "type": 3, "value": typed, "focused": true}));
    envelope(
        4,
        json!({"id": "1200000000000000001", "name": name, "type": 1, "options": o}),
        STUDENT,
    )
}

/// A button press (type 3 MESSAGE_COMPONENT) on the message a response created.
pub fn press(response: &Value, custom_id: &str, by: &str) -> Value {
    let data = &response["data"];
    let message = json!({
        "id": "600000000000000001",
        "channel_id": "500000000000000001",
        "author": {"id": BOT, "username": "Archivist", "discriminator": "0", "avatar": null,
                   "bot": true, "public_flags": 0},
        "content": data["content"].as_str().unwrap_or(""),
        "timestamp": "2026-11-23T13:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": data["embeds"].as_array().cloned().unwrap_or_default().into_iter().map(|mut e| {
            e["type"] = json!("rich");
            e
        }).collect::<Vec<_>>(),
        "pinned": false,
        "type": 20,
        "flags": data["flags"].as_u64().unwrap_or(0),
        "components": data["components"].clone(),
    });
    let mut v = envelope(3, json!({"custom_id": custom_id, "component_type": 2}), by);
    v["message"] = message;
    v
}

/// Dispatches a payload as Discord sends it; asserts the response breaks no limit.
pub fn run(payload: &Value) -> Value {
    run_with(ctx(), payload)
}

pub fn run_with(ctx: &DispatchContext, payload: &Value) -> Value {
    let interaction: Interaction = serde_json::from_value(payload.clone())
        .unwrap_or_else(|e| panic!("serenity could not read the payload: {e}"));
    let response = archivist::discord::dispatch(ctx, &interaction).to_json();
    let problems = violations(&response);
    assert!(problems.is_empty(), "{problems:?}\n{response:#}");
    response
}

/// The custom ids of a response's buttons, by label.
pub fn button(response: &Value, label: &str) -> Value {
    response["data"]["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["components"].as_array().cloned().unwrap_or_default())
        .find(|b| b["label"] == label)
        .unwrap_or_else(|| panic!("no button {label:?} in {response:#}"))
}

pub fn embed(response: &Value) -> &Value {
    &response["data"]["embeds"][0]
}

/// All text a user can see in a response.
pub fn visible_text(response: &Value) -> String {
    let mut out = String::new();
    let d = &response["data"];
    if let Some(c) = d["content"].as_str() {
        out.push_str(c);
    }
    for e in d["embeds"].as_array().into_iter().flatten() {
        for k in ["title", "description"] {
            out.push('\n');
            out.push_str(e[k].as_str().unwrap_or(""));
        }
        for f in e["fields"].as_array().into_iter().flatten() {
            out.push('\n');
            out.push_str(f["name"].as_str().unwrap_or(""));
            out.push('\n');
            out.push_str(f["value"].as_str().unwrap_or(""));
        }
        out.push('\n');
        out.push_str(e["footer"]["text"].as_str().unwrap_or(""));
    }
    out
}

pub const EPHEMERAL: u64 = 64;
/// A question with several pages of answers on the seed corpus.
pub const BORDER: &str = "what did Chervonenko say about the border?";

pub fn is_ephemeral(r: &Value) -> bool {
    r["data"]["flags"].as_u64().unwrap_or(0) & EPHEMERAL != 0
}

pub fn footer(r: &Value) -> String {
    embed(r)["footer"]["text"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

pub fn custom_id(r: &Value, label: &str) -> String {
    button(r, label)["custom_id"].as_str().unwrap().to_string()
}
