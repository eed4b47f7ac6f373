//! Transcript openings in shapes the seeds do not have (tests/data/openings): consecutive header
//! lines straight into turns, a title and subtitle then bare labels used once, one paragraph per
//! line, an e-mail hard-wrapped at 70 columns. Every speaker must be the person the document
//! names, with the right turn count and role; `archivist check` reports them.

use archivist::corpus::check::{check_paths, FileReport};
use archivist::corpus::DEFAULT_CANONICAL_BASE;

fn openings() -> Vec<FileReport> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/openings");
    check_paths(&[dir], DEFAULT_CANONICAL_BASE)
}

fn speakers(r: &FileReport) -> Vec<(&str, Option<&str>, u32)> {
    r.speakers
        .iter()
        .map(|s| (s.name.as_str(), s.role.as_deref(), s.turns))
        .collect()
}

#[test]
fn every_opening_is_read_with_its_speakers() {
    let reports = openings();
    assert_eq!(reports.len(), 4);
    for r in &reports {
        assert!(r.usable && r.warnings.is_empty(), "{r:?}");
    }
    let by = |file: &str| {
        reports
            .iter()
            .find(|r| r.file.ends_with(file))
            .unwrap_or_else(|| panic!("{file}"))
    };
    let a = by("a_consecutive_header.txt");
    assert_eq!(
        speakers(a),
        [
            ("Kwesi Armah", Some("Ghanaian Ambassador to China"), 2),
            ("Liu Xiao", Some("Vice Minister"), 2)
        ]
    );
    // Guest, Received by, Interpreter, Recorded by, Time, Location, Abstract: the header.
    assert_eq!(a.passages, 5);
    assert_eq!(a.translator.as_deref(), Some("Linda Park"));
    let b = by("b_title_subtitle_bare_labels.txt");
    assert_eq!(
        speakers(b),
        [
            ("Sudarikov", Some("Soviet Counselor"), 2),
            ("Wang Yu", Some("Deputy Director"), 1)
        ]
    );
    assert_eq!(b.date.as_deref(), Some("1962-08"));
    assert_eq!(b.translator.as_deref(), Some("Gary Goldberg"));
    let c = by("c_one_per_line.txt");
    assert_eq!(
        speakers(c),
        [
            ("Kiryluk", Some("Polish Ambassador"), 3),
            ("Zhou Enlai", Some("Premier"), 2),
            ("Luo Guibo", Some("Vice Foreign Minister"), 1)
        ]
    );
    assert_eq!(c.translator.as_deref(), Some("Anna Nowak"));
    let d = by("d_wrapped_email.txt");
    assert_eq!(
        speakers(d),
        [
            (
                "Kim Il Sung",
                Some("Chairman of the Cabinet of Ministers"),
                2
            ),
            ("A. M. Puzanov", Some("Soviet Ambassador"), 1),
            ("S. P. Lazarev", Some("Counselor of the Embassy"), 1)
        ]
    );
}

#[test]
fn check_exits_one_when_a_file_is_not_usable_and_prints_json() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("notes.txt");
    std::fs::write(&bad, "Just some notes without a header.\n").unwrap();
    let good = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/openings/c_one_per_line.txt");
    let run = |args: &[&std::path::Path]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_archivist"))
            .arg("check")
            .arg("--json")
            .args(args)
            .output()
            .unwrap()
    };
    let ok = run(&[&good]);
    assert_eq!(ok.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(json[0]["doc_id"], "990103");
    assert_eq!(
        json[0]["speakers"][0]["labels"][1],
        "Polish Ambassador Kiryluk"
    );
    let mixed = run(&[&good, &bad]);
    assert_eq!(mixed.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&mixed.stdout).unwrap();
    assert_eq!(json[1]["usable"], false);
    assert!(json[1]["warnings"][0]
        .as_str()
        .unwrap()
        .contains("has no recognisable header (line 1"));
}
