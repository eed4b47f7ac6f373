//! The tantivy schema: field handles kept in one struct, the English analyzer registered on
//! every open, and the speaker keys a passage is filtered by.

use anyhow::Result;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::Index;

/// Bump when the schema, the analyzer, the parser's output or anything else stored beside the
/// index (the catalog's form, the lexicon and the other data derived from it) changes: the index
/// is rebuilt whole.
pub const SCHEMA_VERSION: u32 = 4;

/// Fast field: the document's serial number, which the catalog maps to its place
/// ([`super::DocRecord::serial`]; ranking reads it instead of the stored document id, so only
/// the passages shown are loaded).
pub const DOC_ORD: &str = "doc_ord";
/// Fast field: the passage number.
pub const PASSAGE: &str = "passage";

/// Name of the analyzer of the `text` field.
pub const ANALYZER: &str = "archivist_en";

/// Handles of every field, taken once from the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub doc_id: Field,
    pub passage: Field,
    pub doc_ord: Field,
    pub kind: Field,
    pub speaker: Field,
    pub label: Field,
    /// Lower-case full name, labels and name words: what a speaker filter matches.
    pub speaker_key: Field,
    pub text: Field,
}

pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_opts = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let f = Fields {
        doc_id: b.add_text_field("doc_id", STRING | STORED),
        passage: b.add_u64_field(PASSAGE, INDEXED | STORED | FAST),
        doc_ord: b.add_u64_field(DOC_ORD, FAST),
        kind: b.add_text_field("kind", STRING | STORED),
        speaker: b.add_text_field("speaker", STORED),
        label: b.add_text_field("label", STORED),
        speaker_key: b.add_text_field("speaker_key", STRING),
        text: b.add_text_field("text", text_opts),
    };
    (b.build(), f)
}

impl Fields {
    pub fn from_schema(s: &Schema) -> Result<Fields> {
        Ok(Fields {
            doc_id: s.get_field("doc_id")?,
            passage: s.get_field(PASSAGE)?,
            doc_ord: s.get_field(DOC_ORD)?,
            kind: s.get_field("kind")?,
            speaker: s.get_field("speaker")?,
            label: s.get_field("label")?,
            speaker_key: s.get_field("speaker_key")?,
            text: s.get_field("text")?,
        })
    }
}

/// The analyzer for passage text and questions alike: words, lower case, accents folded,
/// English stems (`repatriated`, `repatriation` → `repatri`), remembered per thread
/// ([`super::stem`]).
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::from(super::tokens::Analyzer::default())
}

pub fn register_analyzers(index: &Index) {
    index.tokenizers().register(ANALYZER, analyzer());
}

/// Normalises a name or label for matching: brackets dropped, lower case, spaces folded.
pub fn name_key(s: &str) -> String {
    s.replace(['[', ']'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The keys a passage by this speaker is found under: the full name (the identity used by
/// filters), each label, and each word of the name.
pub fn speaker_keys(name: &str, labels: &[String]) -> Vec<String> {
    let mut keys = vec![name_key(name)];
    keys.extend(labels.iter().map(|l| name_key(l)));
    keys.extend(
        name_key(name)
            .split(' ')
            .filter(|w| w.len() > 1)
            .map(str::to_string),
    );
    keys.sort();
    keys.dedup();
    keys
}
