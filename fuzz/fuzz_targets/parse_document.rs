//! Fuzz target: any bytes as a corpus file must parse or be skipped with a reason, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = archivist::corpus::parse_document("fuzz.txt", text, archivist::corpus::DEFAULT_CANONICAL_BASE);
    // The whole pipeline, names resolved across two copies with different ids.
    let other = text.replacen("/document/", "/document/x", 1);
    let c = archivist::corpus::Corpus::from_texts(
        [("a.txt", text), ("b.txt", other.as_str())],
        archivist::corpus::DEFAULT_CANONICAL_BASE,
    );
    for d in &c.documents {
        for p in &d.passages {
            assert!(p.speaker.is_none_or(|s| s < d.speakers.len()));
        }
    }
});
