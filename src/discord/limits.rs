//! Discord's size limits, and a checker that reads a response or the command table as the JSON
//! Discord would receive and lists every limit it breaks.
//!
//! The renderer builds within these limits; the dispatcher runs [`violations`] on every response
//! before it leaves (a violation is a bug: it is logged and the user gets an apology instead of a
//! payload Discord would refuse with 400), and the tests run it on every rendered reply.

use serde_json::Value;

use super::text::len;

pub const CONTENT: usize = 2000;
pub const EMBEDS: usize = 10;
pub const TITLE: usize = 256;
pub const DESCRIPTION: usize = 4096;
pub const FIELDS: usize = 25;
pub const FIELD_NAME: usize = 256;
pub const FIELD_VALUE: usize = 1024;
pub const FOOTER: usize = 2048;
pub const EMBEDS_TOTAL: usize = 6000;
pub const BUTTONS_PER_ROW: usize = 5;
pub const ROWS: usize = 5;
pub const CUSTOM_ID: usize = 100;
pub const BUTTON_LABEL: usize = 80;
pub const URL: usize = 512;
pub const CHOICES: usize = 25;
pub const CHOICE: usize = 100;
pub const DESCRIPTION_COMMAND: usize = 100;
pub const NAME_COMMAND: usize = 32;
pub const OPTIONS: usize = 25;
/// Files on one message, and their bytes together (the upload limit Discord gives bots by
/// default, as interactions carry it in `attachment_size_limit`).
pub const FILES: usize = 10;
pub const FILES_BYTES: usize = 10 * 1024 * 1024;
pub const FILE_NAME: usize = 100;
pub const FILE_DESCRIPTION: usize = 1024;

fn str_len(v: &Value, key: &str) -> usize {
    v.get(key).and_then(Value::as_str).map_or(0, len)
}

fn check(out: &mut Vec<String>, what: &str, n: usize, max: usize) {
    if n > max {
        out.push(format!("{what} is {n} long, limit {max}"));
    }
}

/// Every limit the interaction response `v` breaks (empty when Discord would accept it).
pub fn violations(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let kind = v.get("type").and_then(Value::as_u64).unwrap_or(0);
    let data = v.get("data");
    match kind {
        1 | 6 => {}
        5 => {}
        4 | 7 => match data {
            Some(d) => message(d, &mut out),
            None => out.push("message response without data".into()),
        },
        8 => {
            let choices = data
                .and_then(|d| d.get("choices"))
                .and_then(Value::as_array);
            let Some(choices) = choices else {
                out.push("autocomplete response without choices".into());
                return out;
            };
            check(&mut out, "choices", choices.len(), CHOICES);
            for (i, c) in choices.iter().enumerate() {
                for key in ["name", "value"] {
                    let n = str_len(c, key);
                    check(&mut out, &format!("choice {i} {key}"), n, CHOICE);
                    if n == 0 {
                        out.push(format!("choice {i} {key} is empty"));
                    }
                }
            }
        }
        other => out.push(format!("unknown response type {other}")),
    }
    out
}

/// The limits of one message payload.
pub fn message(d: &Value, out: &mut Vec<String>) {
    if d.get("allowed_mentions") != Some(&serde_json::json!({"parse": []})) {
        out.push("allowed_mentions does not parse nothing".into());
    }
    let content = str_len(d, "content");
    check(out, "content", content, CONTENT);
    let embeds = d.get("embeds").and_then(Value::as_array);
    let embeds = embeds.map(Vec::as_slice).unwrap_or_default();
    if content == 0 && embeds.is_empty() {
        out.push("message with neither content nor embeds".into());
    }
    check(out, "embeds", embeds.len(), EMBEDS);
    let mut total = 0;
    for (i, e) in embeds.iter().enumerate() {
        let title = str_len(e, "title");
        let desc = str_len(e, "description");
        check(out, &format!("embed {i} title"), title, TITLE);
        check(out, &format!("embed {i} description"), desc, DESCRIPTION);
        check(out, &format!("embed {i} url"), str_len(e, "url"), URL);
        let footer = e.get("footer").map_or(0, |f| str_len(f, "text"));
        check(out, &format!("embed {i} footer"), footer, FOOTER);
        total += title + desc + footer;
        let fields = e.get("fields").and_then(Value::as_array);
        let fields = fields.map(Vec::as_slice).unwrap_or_default();
        check(out, &format!("embed {i} fields"), fields.len(), FIELDS);
        for (j, f) in fields.iter().enumerate() {
            let (name, value) = (str_len(f, "name"), str_len(f, "value"));
            check(out, &format!("embed {i} field {j} name"), name, FIELD_NAME);
            check(
                out,
                &format!("embed {i} field {j} value"),
                value,
                FIELD_VALUE,
            );
            if name == 0 || value == 0 {
                out.push(format!("embed {i} field {j} is empty"));
            }
            total += name + value;
        }
        if title + desc + footer == 0 && fields.is_empty() {
            out.push(format!("embed {i} is empty"));
        }
    }
    check(out, "all embeds together", total, EMBEDS_TOTAL);
    attachments(d, embeds, out);
    let rows = d.get("components").and_then(Value::as_array);
    let rows = rows.map(Vec::as_slice).unwrap_or_default();
    check(out, "rows", rows.len(), ROWS);
    let mut ids = std::collections::HashSet::new();
    for (i, r) in rows.iter().enumerate() {
        let buttons = r.get("components").and_then(Value::as_array);
        let buttons = buttons.map(Vec::as_slice).unwrap_or_default();
        check(
            out,
            &format!("row {i} buttons"),
            buttons.len(),
            BUTTONS_PER_ROW,
        );
        if buttons.is_empty() {
            out.push(format!("row {i} is empty"));
        }
        for b in buttons {
            check(out, "button label", str_len(b, "label"), BUTTON_LABEL);
            match b.get("custom_id").and_then(Value::as_str) {
                Some(id) => {
                    check(out, &format!("custom_id {id:?}"), len(id), CUSTOM_ID);
                    if !ids.insert(id.to_string()) {
                        out.push(format!("custom_id {id:?} used twice"));
                    }
                }
                None => check(out, "button url", str_len(b, "url"), URL),
            }
        }
    }
}

/// The `attachments` of a message payload: at most ten, each named, with a short description,
/// and every `attachment://` picture of its embeds one of them.
fn attachments(d: &Value, embeds: &[Value], out: &mut Vec<String>) {
    let list = d.get("attachments").and_then(Value::as_array);
    let list = list.map(Vec::as_slice).unwrap_or_default();
    check(out, "attachments", list.len(), FILES);
    let mut names = Vec::new();
    for (i, a) in list.iter().enumerate() {
        let name = a.get("filename").and_then(Value::as_str).unwrap_or("");
        if name.is_empty() {
            out.push(format!("attachment {i} has no filename"));
        }
        check(
            out,
            &format!("attachment {i} filename"),
            len(name),
            FILE_NAME,
        );
        let desc = str_len(a, "description");
        check(
            out,
            &format!("attachment {i} description"),
            desc,
            FILE_DESCRIPTION,
        );
        if a.get("id").and_then(Value::as_u64) != Some(i as u64) {
            out.push(format!("attachment {i} does not have id {i}"));
        }
        names.push(name);
    }
    for (i, e) in embeds.iter().enumerate() {
        let url = e
            .pointer("/image/url")
            .and_then(Value::as_str)
            .unwrap_or("");
        if let Some(file) = url.strip_prefix("attachment://") {
            if !names.contains(&file) {
                out.push(format!("embed {i} shows {url}, which is not attached"));
            }
        } else {
            check(out, &format!("embed {i} image url"), len(url), URL);
        }
    }
}

/// Every limit the files of a message break (their bytes are not in its JSON).
pub fn file_violations(m: &super::response::Message) -> Vec<String> {
    let mut out = Vec::new();
    check(&mut out, "files", m.files.len(), FILES);
    let bytes: usize = m.files.iter().map(|f| f.bytes.len()).sum();
    check(&mut out, "bytes of the files together", bytes, FILES_BYTES);
    for f in &m.files {
        if f.bytes.is_empty() {
            out.push(format!("file {} is empty", f.name));
        }
    }
    out
}

/// Every limit the command registration JSON (an array of commands) breaks.
pub fn command_violations(commands: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let valid_name = |n: &str| {
        !n.is_empty()
            && n.len() <= NAME_COMMAND
            && n.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    };
    for c in commands.as_array().map(Vec::as_slice).unwrap_or_default() {
        let name = c.get("name").and_then(Value::as_str).unwrap_or_default();
        if !valid_name(name) {
            out.push(format!("command name {name:?} is not valid"));
        }
        let d = str_len(c, "description");
        check(
            &mut out,
            &format!("/{name} description"),
            d,
            DESCRIPTION_COMMAND,
        );
        let options = c.get("options").and_then(Value::as_array);
        let options = options.map(Vec::as_slice).unwrap_or_default();
        check(
            &mut out,
            &format!("/{name} options"),
            options.len(),
            OPTIONS,
        );
        let mut optional_seen = false;
        for o in options {
            let oname = o.get("name").and_then(Value::as_str).unwrap_or_default();
            if !valid_name(oname) {
                out.push(format!("/{name} option name {oname:?} is not valid"));
            }
            let d = str_len(o, "description");
            check(
                &mut out,
                &format!("/{name} {oname} description"),
                d,
                DESCRIPTION_COMMAND,
            );
            if d == 0 {
                out.push(format!("/{name} {oname} has no description"));
            }
            let required = o.get("required").and_then(Value::as_bool).unwrap_or(false);
            if required && optional_seen {
                out.push(format!("/{name} {oname}: required after optional"));
            }
            optional_seen |= !required;
        }
    }
    out
}

/// Last line of defence for the 6000-character total: drops trailing fields (noting how many in
/// the footer) until the embeds fit. The renderers budget so this should never trigger; returns
/// whether it did.
pub fn shrink_to_fit(m: &mut super::response::Message) -> bool {
    let total = |m: &super::response::Message| -> usize {
        m.embeds
            .iter()
            .map(|e| {
                e.title.as_deref().map_or(0, len)
                    + e.description.as_deref().map_or(0, len)
                    + e.footer.as_ref().map_or(0, |f| len(&f.text))
                    + e.fields
                        .iter()
                        .map(|f| len(&f.name) + len(&f.value))
                        .sum::<usize>()
            })
            .sum()
    };
    let mut dropped = 0;
    while total(m) > EMBEDS_TOTAL {
        let Some(e) = m.embeds.iter_mut().rev().find(|e| !e.fields.is_empty()) else {
            break;
        };
        e.fields.pop();
        dropped += 1;
        if let Some(f) = e.footer.as_mut() {
            f.text = format!("{dropped} more not shown");
        }
    }
    dropped > 0
}
