//! Archivist: answers questions about archival transcripts with verbatim quotes and citations.
pub mod answer;
pub mod bench;
pub mod cite;
pub mod corpus;
pub mod discord;
pub mod hash;
pub mod index;
pub mod lexicon;
pub mod metrics;
pub mod par;
pub mod search;
pub mod settings;
pub mod storage;
pub mod study;
pub mod uploads;

pub use answer::{Answer, DocCard, Quote};
pub use search::{AskRequest, Engine, EngineOptions, NotFound};
pub mod cli;
pub mod eval;
pub mod study_cli;
pub mod terminal;
