//! `archivist verify`, `contexts`, `trend` and `cite --style ris|bibtex`: the JSON contracts of
//! issue 14 (every key, exactly), the chart file, the text for a person, exit codes.

use std::process::Command;

use serde_json::Value;

fn archivist(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_archivist"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .output()
        .expect("archivist runs")
}

fn json_of(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort();
    k
}

#[test]
fn verify_json_follows_the_contract() {
    let data = tempfile::tempdir().unwrap();
    let v = json_of(&archivist(
        data.path(),
        &[
            "verify",
            "--json",
            "--speaker",
            "Chervonenko",
            "The Soviet Union is required to repatriate these people based on normal practice.",
        ],
    ));
    for k in [
        "verdict",
        "doc_id",
        "passage",
        "speaker",
        "speaker_matches",
        "source",
        "changes",
        "closest",
        "citation",
    ] {
        assert!(v.get(k).is_some(), "{k} in {v:#}");
    }
    assert_eq!(v["verdict"], "altered");
    assert_eq!(v["doc_id"], "121676");
    assert_eq!(v["speaker_matches"], false);
    assert_eq!(keys(&v["changes"][0]), ["kind", "quote", "source"]);
    assert_eq!(v["changes"][0]["kind"], "replaced");

    let v = json_of(&archivist(
        data.path(),
        &[
            "verify",
            "--json",
            "Soviet refugees will be given new homes on the moon",
        ],
    ));
    assert_eq!(v["verdict"], "not_found");
    assert_eq!(v["speaker_matches"], Value::Null);
    assert_eq!(
        keys(&v["closest"][0]),
        ["doc_id", "passage", "similarity", "speaker", "text"]
    );

    let text = archivist(
        data.path(),
        &[
            "verify",
            "It is against international practices to refuse repatriation",
        ],
    );
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.starts_with("Verbatim: it stands word for word in document 118200, passage 2"),
        "{text}"
    );
}

#[test]
fn verify_reads_a_long_quotation_from_stdin() {
    use std::io::Write;
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_archivist"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("--data")
        .arg(data.path())
        .args(["verify", "--json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("the Soviet Union is obligated to repatriate\nthese people".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(json_of(&out)["verdict"], "verbatim");
}

#[test]
fn contexts_json_follows_the_contract() {
    let data = tempfile::tempdir().unwrap();
    let c = json_of(&archivist(
        data.path(),
        &["contexts", "--json", "--width", "25", "repatriate"],
    ));
    assert_eq!(c["term"], "repatriate");
    assert_eq!(c["total"], 8);
    assert_eq!(
        keys(&c["per_document"][0]),
        ["count", "date", "doc_id", "title"]
    );
    assert_eq!(
        keys(&c["lines"][0]),
        ["doc_id", "left", "match", "passage", "right", "speaker"]
    );
    assert_eq!(c["lines"].as_array().unwrap().len(), 8);
    let text = archivist(data.path(), &["contexts", "--width", "25", "repatriate"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.starts_with("8 uses of \u{201c}repatriate\u{201d} in 2 documents\n"),
        "{text}"
    );
    // The matches stand in one column.
    let cols: Vec<usize> = text
        .lines()
        .filter(|l| l.contains("#"))
        .map(|l| l.find(" repatri").unwrap())
        .collect();
    assert!(
        cols.len() == 8 && cols.windows(2).all(|w| w[0] == w[1]),
        "{text}"
    );
    let out = archivist(data.path(), &["contexts", "--doc", "12167", "border"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Did you mean"));
}

#[test]
fn trend_json_and_chart() {
    let data = tempfile::tempdir().unwrap();
    let png = data.path().join("chart.png");
    let csv = data.path().join("figures.csv");
    let t = json_of(&archivist(
        data.path(),
        &[
            "trend",
            "--json",
            "--png",
            png.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
            "repatriate",
            "border",
        ],
    ));
    assert_eq!(t["terms"], serde_json::json!(["repatriate", "border"]));
    assert_eq!(t["unit"], "document");
    assert_eq!(keys(&t["series"][0]), ["points", "term", "total"]);
    assert_eq!(
        keys(&t["series"][0]["points"][0]),
        ["count", "date", "doc_id", "per_10k", "words"]
    );
    let bytes = std::fs::read(&png).unwrap();
    let info = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap()
        .info()
        .clone();
    assert!(info.width >= 800 && info.height >= 400);
    let figures = std::fs::read_to_string(&csv).unwrap();
    for p in t["series"][1]["points"].as_array().unwrap() {
        let row = format!(
            "border,{},{},{},{},{:.2}\n",
            p["doc_id"].as_str().unwrap(),
            p["date"].as_str().unwrap(),
            p["count"],
            p["words"],
            p["per_10k"].as_f64().unwrap()
        );
        assert!(figures.contains(&row), "{row} in {figures}");
    }
    let m = json_of(&archivist(
        data.path(),
        &["trend", "--json", "--per", "month", "border"],
    ));
    assert_eq!(m["series"][0]["points"][0]["month"], "1962-04");
}

#[test]
fn cite_writes_ris_and_bibtex() {
    let data = tempfile::tempdir().unwrap();
    let ris = archivist(data.path(), &["cite", "121676", "--style", "ris"]);
    let ris = String::from_utf8(ris.stdout).unwrap();
    assert!(ris.starts_with("TY  - MANSCPT\r\n"));
    assert!(ris.contains("A4  - Caixia Lu\r\n"));
    assert!(ris.ends_with("ER  - \r\n"));
    let bib = archivist(data.path(), &["cite", "121676", "--style", "bibtex"]);
    assert!(String::from_utf8(bib.stdout)
        .unwrap()
        .starts_with("@unpublished{doc121676,"));
}
