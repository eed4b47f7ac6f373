//! The `archivist` binary: the JSON contracts of DESIGN.md, exit codes, first-use index build.

use std::process::Command;

fn archivist(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_archivist"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("archivist runs")
}

#[test]
fn ask_json_follows_the_contract() {
    let data = tempfile::tempdir().unwrap();
    let out = archivist(
        data.path(),
        &[
            "ask",
            "--json",
            "--limit",
            "2",
            "what did Ji Pengfei say about repatriation",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["question"], "what did Ji Pengfei say about repatriation");
    assert!(v["total"].as_u64().unwrap() >= 2);
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for key in [
        "doc_id",
        "passage",
        "speaker",
        "label",
        "title",
        "date",
        "url",
        "text",
        "quote",
        "highlights",
        "score",
    ] {
        assert!(results[0].get(key).is_some(), "missing {key}");
    }
    assert_eq!(results[0]["speaker"], "Ji Pengfei");
    assert_eq!(results[0]["label"], "Ji");
    assert!(
        data.path().join("CURRENT").exists(),
        "the index was built on first use"
    );
}

#[test]
fn doc_json_and_unknown_ids() {
    let data = tempfile::tempdir().unwrap();
    let out = archivist(data.path(), &["doc", "--json", "121676"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "doc_id",
        "title",
        "date",
        "summary",
        "citation",
        "url",
        "archive_ref",
        "translator",
        "original_language",
        "speakers",
        "passages",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["speakers"][0]["name"], "Ji Pengfei");
    assert_eq!(v["speakers"][0]["turns"], 11);
    let out = archivist(data.path(), &["doc", "12167"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("No document \"12167\"") && err.contains("121676"),
        "{err}"
    );
}

#[test]
fn plain_output_is_for_a_person_and_has_no_escape_codes_when_piped() {
    let data = tempfile::tempdir().unwrap();
    let out = archivist(
        data.path(),
        &["ask", "what did Chervonenko say about fraternal countries"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Stepan V. Chervonenko — Transcript of a Meeting"),
        "{text}"
    );
    assert!(text.contains("Cite as:"));
    assert!(!text.contains('\x1b'));
    let out = archivist(data.path(), &["ask", "zzzz qqqq"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nothing found"));
}

#[test]
fn index_prints_a_summary() {
    let data = tempfile::tempdir().unwrap();
    let out = archivist(data.path(), &["index"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("indexed 5 documents"), "{text}");
    assert!(text.contains("no warnings"));
}

/// `ask` answers from the index in service while it checks the corpus; when a file changed
/// since, that answer is dropped and the question answered from the updated index.
#[test]
fn ask_answers_from_a_corpus_changed_since_the_last_run() {
    let data = tempfile::tempdir().unwrap();
    let corpus = tempfile::tempdir().unwrap();
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    for f in std::fs::read_dir(&seeds).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, corpus.path().join(f.file_name().unwrap())).unwrap();
    }
    let corpus_arg = corpus.path().to_str().unwrap();
    let ask = |q: &str| -> serde_json::Value {
        let out = archivist(
            data.path(),
            &["--corpus", corpus_arg, "ask", "--json", "--limit", "3", q],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let before = ask("what did the camel drivers say about the saltmarsh");
    assert!(
        before["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["doc_id"] != "990001"),
        "{before}"
    );
    // Another document of the same kind: a seed with another id and a paragraph of its own.
    let seed = std::fs::read_to_string(seeds.join("000_9e68b308488a9da8.txt")).unwrap();
    let added = seed.replace("118200", "990001")
        + "\n\nThe camel drivers said the saltmarsh road was flooded for a week.\n";
    std::fs::write(corpus.path().join("added.txt"), added).unwrap();
    let after = ask("what did the camel drivers say about the saltmarsh");
    assert_eq!(after["results"][0]["doc_id"], "990001", "{after}");
}
