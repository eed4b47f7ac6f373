//! The command table: every slash command with its options, descriptions, autocompletion and
//! handler. Registration (`archivist register`, `archivist commands --json`), dispatch, autocomplete
//! and `/help` all read this one table, so they cannot disagree.

use serde_json::{json, Value};

use super::dispatch::DispatchContext;
use super::error::BotError;
use super::handlers::{self, Invocation, Reply};

/// A command handler: options in, reply out.
pub type Handler = fn(&DispatchContext, &Invocation) -> Result<Reply, BotError>;

/// Discord's application command option types used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String = 3,
    Integer = 4,
    Boolean = 5,
    Channel = 7,
    Attachment = 11,
}

/// What an option autocompletes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Complete {
    Speaker,
    Document,
    /// A scope: `all`, or document ids and collections separated by commas.
    Scope,
    /// One of this server's own uploads.
    Upload,
}

pub struct OptionSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub complete: Option<Complete>,
    /// Fixed choices: (shown name, value).
    pub choices: &'static [(&'static str, &'static str)],
    pub min: Option<i64>,
}

pub struct CommandSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub options: &'static [OptionSpec],
    pub run: Handler,
}

pub const fn opt(name: &'static str, description: &'static str, kind: Kind) -> OptionSpec {
    OptionSpec {
        name,
        description,
        kind,
        required: false,
        complete: None,
        choices: &[],
        min: None,
    }
}

pub const fn required(mut o: OptionSpec) -> OptionSpec {
    o.required = true;
    o
}

pub const fn completing(mut o: OptionSpec, c: Complete) -> OptionSpec {
    o.complete = Some(c);
    o
}

const SPEAKER: OptionSpec = completing(
    opt(
        "speaker",
        "Only what this person said (start typing a name)",
        Kind::String,
    ),
    Complete::Speaker,
);
const DOCUMENT: OptionSpec = completing(
    opt(
        "document",
        "Only this document (type its id, words of its title, or a date)",
        Kind::String,
    ),
    Complete::Document,
);
const DOCUMENT_REQUIRED: OptionSpec = required(completing(
    opt(
        "document",
        "The document (type its id, words of its title, or a date)",
        Kind::String,
    ),
    Complete::Document,
));

/// Every command the bot offers.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "ask",
        description: "Ask a question; get verbatim quotes with exact citations",
        options: &[
            required(opt(
                "question",
                "Your question, e.g. what did the ambassador say about the border?",
                Kind::String,
            )),
            SPEAKER,
            DOCUMENT,
            opt("private", "Only you see the answer", Kind::Boolean),
        ],
        run: handlers::ask,
    },
    CommandSpec {
        name: "doc",
        description: "A document's card: summary, participants, reference and citation",
        options: &[DOCUMENT_REQUIRED],
        run: handlers::doc,
    },
    CommandSpec {
        name: "search",
        description: "List the passages that match some words",
        options: &[
            required(opt("query", "Words to look for", Kind::String)),
            SPEAKER,
            DOCUMENT,
            opt(
                "from",
                "Only documents dated on or after this (1962-04, April 1962)",
                Kind::String,
            ),
            opt(
                "to",
                "Only documents dated on or before this (1962-06-30, June 1962)",
                Kind::String,
            ),
        ],
        run: handlers::search,
    },
    CommandSpec {
        name: "quote",
        description: "One passage of a document in full, with its citation",
        options: &[
            DOCUMENT_REQUIRED,
            OptionSpec {
                min: Some(0),
                ..required(opt(
                    "passage",
                    "Passage number (shown next to every quote)",
                    Kind::Integer,
                ))
            },
        ],
        run: handlers::quote,
    },
    CommandSpec {
        name: "speakers",
        description: "Who speaks in the archive or in one document, and how often",
        options: &[DOCUMENT],
        run: handlers::speakers,
    },
    CommandSpec {
        name: "cite",
        description: "How to cite a document: as the archive gives it, Chicago, MLA, APA",
        options: &[
            DOCUMENT_REQUIRED,
            OptionSpec {
                choices: &[
                    ("All styles", "all"),
                    ("As given by the archive", "document"),
                    ("Chicago", "chicago"),
                    ("MLA", "mla"),
                    ("APA", "apa"),
                    ("RIS file (Zotero, EndNote)", "ris"),
                    ("BibTeX file", "bibtex"),
                ],
                ..opt(
                    "style",
                    "Citation style (all by default), or a file for a reference manager",
                    Kind::String,
                )
            },
        ],
        run: handlers::cite,
    },
    CommandSpec {
        name: "verify",
        description: "Is a quotation really in the sources, word for word?",
        options: &[
            required(opt(
                "quote",
                "The quotation as in your essay (mark cuts with ... and additions with [ ])",
                Kind::String,
            )),
            completing(
                opt(
                    "speaker",
                    "Who you say said it (start typing a name)",
                    Kind::String,
                ),
                Complete::Speaker,
            ),
            opt("private", "Only you see the answer", Kind::Boolean),
        ],
        run: super::study::verify,
    },
    CommandSpec {
        name: "contexts",
        description: "Every use of a word or phrase, in context, in date order",
        options: &[
            required(opt(
                "term",
                "A word or phrase (repatriate also finds repatriation, repatriated)",
                Kind::String,
            )),
            SPEAKER,
            DOCUMENT,
        ],
        run: super::contexts::contexts,
    },
    CommandSpec {
        name: "trend",
        description: "Chart how often words are used, per 10,000 words, over time",
        options: &[
            required(opt(
                "terms",
                "Up to three words or phrases, separated by commas",
                Kind::String,
            )),
            OptionSpec {
                choices: &[("Each document", "document"), ("Each month", "month")],
                ..opt(
                    "per",
                    "One point per document (default) or per month",
                    Kind::String,
                )
            },
        ],
        run: super::study::trend,
    },
    CommandSpec {
        name: "help",
        description: "How to ask, example questions, and what the archive holds",
        options: &[],
        run: handlers::help,
    },
];

/// Every command: the students' and the teachers' ([`super::teacher::COMMANDS`]).
pub fn all() -> impl Iterator<Item = &'static CommandSpec> {
    COMMANDS.iter().chain(super::teacher::COMMANDS)
}

/// The command named `name`.
pub fn find(name: &str) -> Option<&'static CommandSpec> {
    all().find(|c| c.name == name)
}

/// Whether a command is for teachers (needs Manage Server).
pub fn is_teacher(spec: &CommandSpec) -> bool {
    super::teacher::COMMANDS
        .iter()
        .any(|c| std::ptr::eq(c, spec))
}

/// The registration JSON Discord expects (`PUT /applications/{id}/commands`).
pub fn registration_json() -> Value {
    Value::Array(
        all()
            .map(|c| {
                let options: Vec<Value> = c
                    .options
                    .iter()
                    .map(|o| {
                        let mut v = json!({
                            "type": o.kind as u8,
                            "name": o.name,
                            "description": o.description,
                            "required": o.required,
                        });
                        if o.complete.is_some() {
                            v["autocomplete"] = json!(true);
                        }
                        if !o.choices.is_empty() {
                            v["choices"] = o
                                .choices
                                .iter()
                                .map(|(n, val)| json!({"name": n, "value": val}))
                                .collect();
                        }
                        if let Some(m) = o.min {
                            v["min_value"] = json!(m);
                        }
                        v
                    })
                    .collect();
                let mut v = json!({
                    "type": 1,
                    "name": c.name,
                    "description": c.description,
                    "options": options,
                });
                if is_teacher(c) {
                    super::teacher::restrict_registration(&mut v);
                }
                v
            })
            .collect(),
    )
}
