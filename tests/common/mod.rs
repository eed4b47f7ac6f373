//! Helpers shared by the integration tests: an engine over the seeds (or given texts) with its
//! index in a temporary directory.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use archivist::{Engine, EngineOptions};

pub fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

pub fn options(corpus: &Path, data: &Path) -> EngineOptions {
    EngineOptions {
        corpus_dir: corpus.to_path_buf(),
        data_dir: data.to_path_buf(),
        canonical_base: archivist::corpus::DEFAULT_CANONICAL_BASE.to_string(),
        max_question_chars: 1000,
        quote_max_chars: 400,
        default_limit: 5,
        paraphrases: true,
    }
}

/// One engine over the seeds per test binary.
pub fn seeds_engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    let (_, e) = ENGINE.get_or_init(|| {
        let data = tempfile::tempdir().expect("temp dir");
        let e = Engine::open(options(&seeds_dir(), data.path())).expect("the seeds index builds");
        (data, e)
    });
    e
}

/// An engine over the given (file name, text) corpus; keep the returned dirs alive.
pub fn engine_for(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for (name, bytes) in files {
        std::fs::write(corpus.join(name), bytes).unwrap();
    }
    let e = Engine::open(options(&corpus, &dir.path().join("data"))).expect("index builds");
    (dir, e)
}

/// A corpus file in the archive's export format.
pub fn export(id: &str, title: &str, date: &str, body: &str) -> String {
    format!(
        "\n{date}\n\n**{title}**\n\n**Citation:**\n\n\"{title}\", {date}, Wilson Center Digital Archive, TEST 1-2. Translated by A. Tester.\n<https://digitalarchive.wilsoncenter.org/document/{id}>\n\n**Summary:**\n\nA test document.\n\n**Original Language:**\n\nChinese\n\n**Contents:**\n\nTranslation - English\n\n{body}\n"
    )
}

/// A corpus directory holding a copy of the seeds, in a temp dir (returned to keep it alive).
pub fn seeds_copy() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for e in std::fs::read_dir(seeds_dir()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, corpus.join(p.file_name().unwrap())).unwrap();
    }
    let data = dir.path().join("data");
    (dir, corpus, data)
}
