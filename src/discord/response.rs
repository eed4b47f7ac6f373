//! Discord's interaction response JSON as plain serde types: what the dispatcher returns and both
//! transports send (the gateway through serenity's HTTP client, the HTTP endpoint as its body).
//!
//! Plain structs rather than serenity's builders, so the renderer and the tests can look inside a
//! reply (is it ephemeral? how long is this field?) and so the same value can become the body of
//! an "edit original response" after a deferral. Every message carries
//! `allowed_mentions: {"parse": []}`: nothing the bot sends can ping anyone.
//!
//! A message may carry files ([`File`]: a chart, a CSV, a reference file). The JSON then lists
//! them as `attachments` (`{id, filename, description}`) and the bytes travel beside it in a
//! `multipart/form-data` body ([`super::upload`]), the only way Discord takes files.

use serde::Serialize;

/// Interaction response types (Discord's `InteractionCallbackType`).
pub mod kind {
    pub const PONG: u8 = 1;
    pub const MESSAGE: u8 = 4;
    pub const DEFERRED_MESSAGE: u8 = 5;
    pub const DEFERRED_UPDATE: u8 = 6;
    pub const UPDATE_MESSAGE: u8 = 7;
    pub const AUTOCOMPLETE: u8 = 8;
}

/// Message flag: only the user who interacted sees the message.
pub const EPHEMERAL: u64 = 1 << 6;

/// One interaction response: `{"type": 4, "data": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Response {
    #[serde(rename = "type")]
    pub kind: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<ResponseData>,
}

/// The `data` of a response: a message, autocomplete choices, or the flags of a deferral.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ResponseData {
    Message(Message),
    Choices { choices: Vec<Choice> },
    Flags { flags: u64 },
}

impl Response {
    pub fn pong() -> Response {
        Response {
            kind: kind::PONG,
            data: None,
        }
    }

    /// A new message in reply (type 4).
    pub fn message(m: Message) -> Response {
        Response {
            kind: kind::MESSAGE,
            data: Some(ResponseData::Message(m)),
        }
    }

    /// Replaces the message the pressed button belongs to (type 7).
    pub fn update(m: Message) -> Response {
        Response {
            kind: kind::UPDATE_MESSAGE,
            data: Some(ResponseData::Message(m)),
        }
    }

    pub fn choices(choices: Vec<Choice>) -> Response {
        Response {
            kind: kind::AUTOCOMPLETE,
            data: Some(ResponseData::Choices { choices }),
        }
    }

    /// "Thinking…" now, the message later (type 5), private when `ephemeral`.
    pub fn deferred(ephemeral: bool) -> Response {
        Response {
            kind: kind::DEFERRED_MESSAGE,
            data: Some(ResponseData::Flags {
                flags: if ephemeral { EPHEMERAL } else { 0 },
            }),
        }
    }

    /// Acknowledges a button press now, the message update later (type 6).
    pub fn deferred_update() -> Response {
        Response {
            kind: kind::DEFERRED_UPDATE,
            data: None,
        }
    }

    /// The message this response carries, if any.
    pub fn message_data(&self) -> Option<&Message> {
        match &self.data {
            Some(ResponseData::Message(m)) => Some(m),
            _ => None,
        }
    }

    /// The files the response's message carries (none for other responses).
    pub fn files(&self) -> &[File] {
        self.message_data().map_or(&[], |m| m.files.as_slice())
    }

    pub fn is_ephemeral(&self) -> bool {
        self.message_data()
            .is_some_and(|m| m.flags & EPHEMERAL != 0)
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("responses always serialize")
    }
}

/// A message: content, embeds, buttons, files. `embeds` and `components` are always sent, so an
/// update clears what the old message had.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Message {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    pub embeds: Vec<Embed>,
    pub components: Vec<ActionRow>,
    pub allowed_mentions: AllowedMentions,
    #[serde(skip_serializing_if = "is_zero")]
    pub flags: u64,
    /// Files sent with the message; serialized as Discord's `attachments` (their bytes are not
    /// in the JSON).
    #[serde(
        rename = "attachments",
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "attachments"
    )]
    pub files: Vec<File>,
}

/// A file sent with a message.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// The file name Discord shows (and `attachment://<name>` refers to): letters, digits, `-`,
    /// `_` and `.` only.
    pub name: String,
    /// Alt text for screen readers.
    pub description: Option<String>,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl File {
    /// A file; the name is made safe (other characters become `_`).
    pub fn new(name: &str, content_type: &str, bytes: Vec<u8>) -> File {
        let safe: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .take(100)
            .collect();
        File {
            name: if safe.is_empty() { "file".into() } else { safe },
            description: None,
            content_type: content_type.to_string(),
            bytes,
        }
    }

    pub fn described(mut self, alt: String) -> File {
        self.description = Some(alt);
        self
    }

    /// `attachment://<name>`: how an embed shows this file.
    pub fn url(&self) -> String {
        format!("attachment://{}", self.name)
    }
}

/// `attachments: [{"id": 0, "filename": …, "description": …}, …]`, in the order of the files
/// (the id is the index of the `files[n]` part that holds the bytes).
fn attachments<S: serde::Serializer>(files: &[File], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(files.len()))?;
    for (i, f) in files.iter().enumerate() {
        let mut v = serde_json::json!({"id": i, "filename": f.name});
        if let Some(d) = &f.description {
            v["description"] = serde_json::json!(d);
        }
        seq.serialize_element(&v)?;
    }
    seq.end()
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Message {
    pub fn text(content: impl Into<String>) -> Message {
        Message {
            content: Some(content.into()),
            ..Default::default()
        }
    }

    pub fn embed(e: Embed) -> Message {
        Message {
            embeds: vec![e],
            ..Default::default()
        }
    }

    pub fn ephemeral(mut self) -> Message {
        self.flags |= EPHEMERAL;
        self
    }

    pub fn with_row(mut self, row: ActionRow) -> Message {
        if !row.components.is_empty() {
            self.components.push(row);
        }
        self
    }

    pub fn with_file(mut self, file: File) -> Message {
        self.files.push(file);
        self
    }
}

/// `{"parse": []}`: no `@everyone`, role or user mention in the text pings anyone.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AllowedMentions {
    pub parse: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Embed {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footer: Option<Footer>,
    /// A picture shown in the embed (`attachment://<file>` for a file sent with the message).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Image {
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Footer {
    pub text: String,
}

/// A row of up to five buttons, or one select menu.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ActionRow {
    #[serde(rename = "type")]
    pub kind: u8,
    pub components: Vec<Component>,
}

/// What a row holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Component {
    Button(Button),
    Select(SelectMenu),
}

impl ActionRow {
    pub fn new(buttons: Vec<Button>) -> ActionRow {
        ActionRow {
            kind: 1,
            components: buttons.into_iter().map(Component::Button).collect(),
        }
    }

    pub fn select(menu: SelectMenu) -> ActionRow {
        ActionRow {
            kind: 1,
            components: vec![Component::Select(menu)],
        }
    }
}

/// A string select menu (type 3): pick one of up to 25 options.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SelectMenu {
    #[serde(rename = "type")]
    pub kind: u8,
    pub custom_id: String,
    pub placeholder: String,
    pub options: Vec<SelectOption>,
    pub min_values: u8,
    pub max_values: u8,
}

impl SelectMenu {
    /// Pick exactly one of `options`.
    pub fn one_of(custom_id: String, placeholder: &str, options: Vec<SelectOption>) -> SelectMenu {
        SelectMenu {
            kind: 3,
            custom_id,
            placeholder: placeholder.to_string(),
            options,
            min_values: 1,
            max_values: 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SelectOption {
    pub label: String,
    pub value: String,
}

/// Button styles.
pub mod style {
    pub const PRIMARY: u8 = 1;
    pub const SECONDARY: u8 = 2;
    pub const LINK: u8 = 5;
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Button {
    #[serde(rename = "type")]
    pub kind: u8,
    pub style: u8,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
}

impl Button {
    pub fn new(style: u8, label: &str, custom_id: String) -> Button {
        Button {
            kind: 2,
            style,
            label: label.to_string(),
            custom_id: Some(custom_id),
            url: None,
            disabled: false,
        }
    }

    pub fn link(label: &str, url: &str) -> Button {
        Button {
            kind: 2,
            style: style::LINK,
            label: label.to_string(),
            custom_id: None,
            url: Some(url.to_string()),
            disabled: false,
        }
    }

    pub fn disabled(mut self, yes: bool) -> Button {
        self.disabled = yes;
        self
    }
}

/// One autocomplete choice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    pub name: String,
    pub value: String,
}
