//! Button `custom_id`s: everything a button press needs, in at most 100 characters, so paging is
//! stateless: it works after a restart and on any replica, with nothing stored.
//!
//! Formats (`<ref>` is a document id, or `#` + 8 hex digits of its FNV hash when the id is long
//! or holds other characters than `[A-Za-z0-9_-]`; `<check>` is 8 hex digits of the hash of the
//! whole request):
//! - `ap:<owner>:<offset>:<check>` — page of an `/ask` answer; `ac:<offset>:<check>` — its
//!   citations; `sp:<owner>:<offset>:<check>` — page of a `/search` list. The question does not
//!   fit, so it is read back from the message the button sits on (its embed title, or the
//!   `Question:` line when the title had to be cut, and the `Speaker:`/`Document:`/`From:`/`To:`
//!   lines). `<check>` proves the read-back request is the one answered; if not, the user is
//!   asked to run the command again instead of getting the wrong page.
//! - `cx:<ref>/<n>` — context around passage n; `ro:<ref>/<n>` — open a private reader at
//!   passage n; `rd:<ref>/<n>` — turn the reader's page to passage n.
//! - `kp:<owner>:<offset>:<check>` — page of a `/contexts` list; the term and options are read
//!   back from the message's `Term:`/`Speaker:`/`Document:` lines ([`super::contexts`]), checked
//!   against `<check>` as for `/ask`.
//! - `fb:u:<offset>:<check>` / `fb:d:<offset>:<check>` — 👍 / 👎 on the `/ask` page at `offset`.
//!   The question is read back from the message as for `ap` (and `<check>` must match, or the
//!   press is refused as stale); the passages shown are found again from it. The vote is stored
//!   per person and message id, so pressing again changes it rather than counting twice.
//! - `fr:<message id>` — the private "what was wrong?" select a 👎 opens; its value is a
//!   [`crate::storage::Reason`] code, stored with that person's 👎 on that message.

use super::limits::CUSTOM_ID;

/// A document named in a `custom_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocRef {
    Id(String),
    Hash(u32),
}

impl DocRef {
    pub fn of(id: &str) -> DocRef {
        let plain = !id.is_empty()
            && id.len() <= 24
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if plain {
            DocRef::Id(id.to_string())
        } else {
            DocRef::Hash(hash32(id))
        }
    }

    /// Does this reference name document `id`?
    pub fn names(&self, id: &str) -> bool {
        match self {
            DocRef::Id(s) => s == id,
            DocRef::Hash(h) => *h == hash32(id),
        }
    }

    fn encode(&self) -> String {
        match self {
            DocRef::Id(s) => s.clone(),
            DocRef::Hash(h) => format!("#{h:08x}"),
        }
    }

    fn decode(s: &str) -> Option<DocRef> {
        match s.strip_prefix('#') {
            Some(h) if h.len() == 8 => u32::from_str_radix(h, 16).ok().map(DocRef::Hash),
            Some(_) => None,
            None if !s.is_empty() => Some(DocRef::Id(s.to_string())),
            None => None,
        }
    }
}

/// What a button does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    AskPage {
        owner: u64,
        offset: usize,
        check: u32,
    },
    AskCite {
        offset: usize,
        check: u32,
    },
    SearchPage {
        owner: u64,
        offset: usize,
        check: u32,
    },
    Context {
        doc: DocRef,
        passage: u32,
    },
    ReadOpen {
        doc: DocRef,
        passage: u32,
    },
    ReadPage {
        doc: DocRef,
        passage: u32,
    },
    ContextsPage {
        owner: u64,
        offset: usize,
        check: u32,
    },
    Vote {
        up: bool,
        offset: usize,
        check: u32,
    },
    FeedbackReason {
        message: u64,
    },
}

impl Action {
    pub fn encode(&self) -> String {
        let s = match self {
            Action::AskPage {
                owner,
                offset,
                check,
            } => format!("ap:{owner}:{offset}:{check:08x}"),
            Action::AskCite { offset, check } => format!("ac:{offset}:{check:08x}"),
            Action::SearchPage {
                owner,
                offset,
                check,
            } => format!("sp:{owner}:{offset}:{check:08x}"),
            Action::Context { doc, passage } => format!("cx:{}/{passage}", doc.encode()),
            Action::ReadOpen { doc, passage } => format!("ro:{}/{passage}", doc.encode()),
            Action::ReadPage { doc, passage } => format!("rd:{}/{passage}", doc.encode()),
            Action::ContextsPage {
                owner,
                offset,
                check,
            } => format!("kp:{owner}:{offset}:{check:08x}"),
            Action::Vote { up, offset, check } => {
                format!("fb:{}:{offset}:{check:08x}", if *up { 'u' } else { 'd' })
            }
            Action::FeedbackReason { message } => format!("fr:{message}"),
        };
        debug_assert!(s.len() <= CUSTOM_ID, "{s}");
        s
    }

    pub fn decode(s: &str) -> Option<Action> {
        let (kind, rest) = s.split_once(':')?;
        let parts: Vec<&str> = rest.split(':').collect();
        let hex = |h: &str| u32::from_str_radix(h, 16).ok();
        let doc_n = |r: &str| -> Option<(DocRef, u32)> {
            let (d, n) = r.rsplit_once('/')?;
            Some((DocRef::decode(d)?, n.parse().ok()?))
        };
        Some(match (kind, parts.as_slice()) {
            ("ap", [o, off, c]) => Action::AskPage {
                owner: o.parse().ok()?,
                offset: off.parse().ok()?,
                check: hex(c)?,
            },
            ("ac", [off, c]) => Action::AskCite {
                offset: off.parse().ok()?,
                check: hex(c)?,
            },
            ("sp", [o, off, c]) => Action::SearchPage {
                owner: o.parse().ok()?,
                offset: off.parse().ok()?,
                check: hex(c)?,
            },
            ("cx", [r]) => {
                let (doc, passage) = doc_n(r)?;
                Action::Context { doc, passage }
            }
            ("ro", [r]) => {
                let (doc, passage) = doc_n(r)?;
                Action::ReadOpen { doc, passage }
            }
            ("rd", [r]) => {
                let (doc, passage) = doc_n(r)?;
                Action::ReadPage { doc, passage }
            }
            ("kp", [o, off, c]) => Action::ContextsPage {
                owner: o.parse().ok()?,
                offset: off.parse().ok()?,
                check: hex(c)?,
            },
            ("fb", [v, off, c]) => Action::Vote {
                up: match *v {
                    "u" => true,
                    "d" => false,
                    _ => return None,
                },
                offset: off.parse().ok()?,
                check: hex(c)?,
            },
            ("fr", [m]) => Action::FeedbackReason {
                message: m.parse().ok()?,
            },
            _ => return None,
        })
    }
}

/// FNV-1a, folded to 32 bits: stable across processes, versions and machines (unlike std's hasher).
pub fn hash32(s: &str) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h ^ (h >> 32)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_within_100_chars() {
        let long = "cable-from-the-foreign-ministry-to-the-embassy-in-moscow-about-the-border";
        let actions = [
            Action::AskPage {
                owner: u64::MAX,
                offset: 99_999,
                check: u32::MAX,
            },
            Action::AskCite {
                offset: 3,
                check: 7,
            },
            Action::SearchPage {
                owner: 1,
                offset: 8,
                check: 0,
            },
            Action::Context {
                doc: DocRef::of("555123"),
                passage: 14,
            },
            Action::ReadOpen {
                doc: DocRef::of(long),
                passage: 1,
            },
            Action::ReadPage {
                doc: DocRef::of("a b:c/d"),
                passage: u32::MAX,
            },
            Action::ContextsPage {
                owner: u64::MAX,
                offset: 99_999,
                check: 1,
            },
            Action::Vote {
                up: false,
                offset: 99_999,
                check: u32::MAX,
            },
            Action::FeedbackReason { message: u64::MAX },
        ];
        for a in actions {
            let s = a.encode();
            assert!(s.len() <= 100, "{s}");
            assert_eq!(Action::decode(&s), Some(a));
        }
        assert!(DocRef::of(long).names(long));
        assert_eq!(Action::decode("zz:1"), None);
        assert_eq!(Action::decode("ap:x:1:2"), None);
    }
}
