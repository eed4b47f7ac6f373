//! One error type for the Discord layer: *user* mistakes (shown privately, short and helpful)
//! versus *internal* failures (logged with context; the user sees a short apology, never details).

use crate::search::NotFound;

use super::text::{escape, escape_fit};

/// Why a command could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    /// The user can fix this; the text (markdown-safe) is shown to them privately.
    #[error("{0}")]
    User(String),
    /// Our fault; logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The apology shown for internal errors.
pub const APOLOGY: &str =
    "Sorry, something went wrong on my side while answering that. Please try again in a moment.";

impl BotError {
    /// A user error from text that is already markdown-safe.
    pub fn user(msg: impl Into<String>) -> BotError {
        BotError::User(msg.into())
    }
}

impl From<NotFound> for BotError {
    fn from(nf: NotFound) -> BotError {
        BotError::User(not_found_text(&nf))
    }
}

/// "No document X. Did you mean: …" with the closest ids and titles.
pub fn not_found_text(nf: &NotFound) -> String {
    let mut s = format!(
        "I found no document **{}** in the archive.",
        escape_fit(&nf.what, 100)
    );
    if nf.suggestions.is_empty() {
        s.push_str(" Start typing in the `document` option to pick one from the list.");
    } else {
        s.push_str(" Did you mean:");
        for d in &nf.suggestions {
            s.push_str(&format!(
                "\n• `{}` — {}{}",
                d.doc_id.replace('`', ""),
                escape_fit(&d.title, 120),
                d.date
                    .as_deref()
                    .map(|x| format!(" ({})", escape(x)))
                    .unwrap_or_default()
            ));
        }
    }
    s
}
