//! The request behind a paged `/ask` or `/search` reply, written into the message and read back
//! from it when a button is pressed (see [`super::custom_id`] for why).
//!
//! The embed title is the question; lines `**Question:**`, `**Speaker:**`, `**Document:**`,
//! `**From:**`, `**To:**` at the top of the description hold what the title cannot (a question
//! too long for a title) and the options given. All values are escaped with
//! [`super::text::escape`], which [`super::text::unescape`] reverses exactly.

use crate::search::AskRequest;

use super::custom_id::hash32;
use super::text::{escape, escape_fit, len, unescape};

/// Longest escaped question a title holds; longer ones also go in a `Question:` line.
const TITLE_MAX: usize = super::limits::TITLE;
/// Longest escaped question line: room for a 1000-character question (the default
/// `search.max_question_chars`) even if every character needs escaping. A longer one is cut and
/// cannot be paged (the check fails and the user is asked to run the command again).
const QUESTION_LINE_MAX: usize = 2100;
/// Longest escaped option line: options are read up to 100 characters.
const OPTION_MAX: usize = 250;

/// What was asked: the question and the options that narrow it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AskQuery {
    pub question: String,
    pub speaker: Option<String>,
    pub doc: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

const KEYS: [&str; 4] = ["Speaker", "Document", "From", "To"];

impl AskQuery {
    fn options(&self) -> [&Option<String>; 4] {
        [&self.speaker, &self.doc, &self.from, &self.to]
    }

    /// A hash of the whole request, carried in the buttons' `custom_id`.
    pub fn check(&self) -> u32 {
        let mut s = self.question.clone();
        for o in self.options() {
            s.push('\u{1f}');
            s.push_str(o.as_deref().unwrap_or(""));
        }
        hash32(&s)
    }

    pub fn request(&self, limit: usize, offset: usize) -> AskRequest {
        AskRequest {
            question: self.question.clone(),
            speaker: self.speaker.clone(),
            doc: self.doc.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            limit,
            offset,
            ..Default::default()
        }
    }

    /// The embed title: the question, escaped (cut when it is too long).
    pub fn title(&self) -> String {
        if self.question.trim().is_empty() {
            return "(no question)".into();
        }
        escape_fit(&self.question, TITLE_MAX)
    }

    /// The description lines that carry the rest of the request.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if len(&escape(&self.question)) > TITLE_MAX {
            out.push(format!(
                "**Question:** {}",
                escape_fit(&self.question, QUESTION_LINE_MAX)
            ));
        }
        for (key, v) in KEYS.iter().zip(self.options()) {
            if let Some(v) = v {
                out.push(format!("**{key}:** {}", escape_fit(v, OPTION_MAX)));
            }
        }
        out
    }

    /// Reads the request back from a message's embed title and description.
    pub fn read_back(title: Option<&str>, description: Option<&str>) -> AskQuery {
        let mut q = AskQuery {
            question: title.map(unescape).unwrap_or_default(),
            ..Default::default()
        };
        for line in description.unwrap_or_default().lines() {
            let Some(rest) = line.strip_prefix("**") else {
                continue;
            };
            let Some((key, value)) = rest.split_once(":** ") else {
                continue;
            };
            let plain = unescape(value);
            let value = Some(plain.clone());
            match key {
                "Question" => q.question = plain,
                "Speaker" => q.speaker = value,
                "Document" => q.doc = value,
                "From" => q.from = value,
                "To" => q.to = value,
                _ => {}
            }
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_it_wrote() {
        for question in [
            "what did **Zhang** say about `borders`? @everyone <@123>".to_string(),
            "why ".repeat(200),
        ] {
            let q = AskQuery {
                question,
                speaker: Some("Li_Weiming".into()),
                doc: None,
                from: Some("1962-06".into()),
                to: None,
            };
            let desc = q.lines().join("\n") + "\n> a quote line\n**Note:** not a key";
            let back = AskQuery::read_back(Some(&q.title()), Some(&desc));
            assert_eq!(back, q);
            assert_eq!(back.check(), q.check());
        }
    }
}
