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
