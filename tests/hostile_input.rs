//! Hostile corpus files and options: each case has a clear, specific outcome.

use archivist::AskRequest;

mod common;
use common::{engine_for, export, seeds_engine};

#[test]
fn hostile_corpus_files() {
    let good = export("1", "A Good Memo", "June 1, 1962", "Alpha Beta (hereafter Beta): We discussed grain.\n\nGamma: Grain is late.\n\nBeta: Indeed.\n\nGamma: Yes.");
    let huge_line = format!(
        "Alpha (hereafter Alpha): {}",
        "The border is long and the grain is late. ".repeat(250_000)
    );
    let huge = export("2", "A Huge Memo", "June 2, 1962", &huge_line);
    let crlf = export(
        "3",
        "A Windows Memo",
        "June 3, 1962",
        "Alpha (hereafter Alpha): Crlf grain.\n\nOmega: Fine.\n\nAlpha: Sure.",
    )
    .replace('\n', "\r\n");
    let bom = format!(
        "\u{feff}{}",
        export(
            "4",
            "A BOM Memo",
            "June 4, 1962",
            "Just a paragraph about bom grain."
        )
    );
    let header_only = "June 5, 1962\n\nOnly a Header\n\nCitation:\n\n\"Only a Header\", June 5, 1962, Wilson Center Digital Archive, X.\n<https://digitalarchive.wilsoncenter.org/document/5>\n";
    let time_line = export("6", "A Timed Meeting", "June 6, 1962", "Time: 5:50 p.m.\n\nPlace: Hall\n\nMr. Kappa (hereafter Kappa): Timed grain.\n\nLambda: Yes.\n\nKappa: No.");
    let brackets = export(
        "7",
        "Unbalanced (Memo",
        "June 7, 1962",
        "Kappa [Tau (hereafter Kappa): It [was ( fine grain.\n\n(Unclosed note\n\nKappa: ] ) more.",
    );
    let files: Vec<(String, Vec<u8>)> = vec![
        ("empty.txt".into(), Vec::new()),
        ("binary.txt".into(), vec![0, 1, 2, 3, 255, 0]),
        (
            "latin1.txt".into(),
            export("8", "Caf\u{e9}", "June 8, 1962", "text")
                .replace('\u{e9}', "\u{1}")
                .into_bytes()
                .into_iter()
                .map(|b| if b == 1 { 0xe9 } else { b })
                .collect(),
        ),
        (
            "body-only.txt".into(),
            b"Alpha: hello.\n\nBeta: hi.\n".to_vec(),
        ),
        ("good.txt".into(), good.clone().into_bytes()),
        ("huge.txt".into(), huge.into_bytes()),
        ("crlf.txt".into(), crlf.into_bytes()),
        ("bom.txt".into(), bom.into_bytes()),
        ("header-only.txt".into(), header_only.as_bytes().to_vec()),
        ("time.txt".into(), time_line.into_bytes()),
        ("brackets.txt".into(), brackets.into_bytes()),
        ("zz-duplicate.txt".into(), good.into_bytes()),
    ];
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let (_dir, e) = engine_for(&refs);
    let s = e.stats();
    let w = s.warnings.join("\n");
    assert!(w.contains("empty.txt: skipped: is empty"), "{w}");
    assert!(w.contains("binary.txt: skipped: is binary"), "{w}");
    assert!(w.contains("latin1.txt: skipped: is not UTF-8"), "{w}");
    assert!(
        w.contains("body-only.txt: skipped: has no recognisable header"),
        "{w}"
    );
    assert!(
        w.contains(
            "zz-duplicate.txt: skipped: duplicate document id 1 (already read from good.txt)"
        ),
        "{w}"
    );
    assert!(w.contains("header-only.txt: has no body text"), "{w}");
    assert_eq!(
        s.documents, 7,
        "good, huge, crlf, bom, header-only, time, brackets"
    );
    // The 10 MB line is served in passages of bounded size.
    let big = e.document("2").unwrap();
    assert!(big.passages > 500, "{}", big.passages);
    let p = e.passage("2", 1).unwrap();
    assert!(p.text.len() <= archivist::corpus::MAX_PASSAGE_BYTES);
    let a = e.ask(&AskRequest {
        question: "grain".into(),
        limit: 10,
        ..Default::default()
    });
    assert!(a.total > 5);
    // CRLF and BOM read like any other file.
    assert_eq!(e.document("3").unwrap().title, "A Windows Memo");
    assert_eq!(e.document("4").unwrap().title, "A BOM Memo");
    // `Time: 5:50 p.m.` and `Place:` are header lines, not speakers.
    let names: Vec<String> = e
        .document("6")
        .unwrap()
        .speakers
        .iter()
        .map(|s| s.label.clone())
        .collect();
    assert_eq!(names, vec!["Kappa", "Lambda"]);
    // Unbalanced brackets do not break parsing.
    let b = e.document("7").unwrap();
    assert_eq!(b.title, "Unbalanced (Memo");
    assert!(b.passages >= 2);
}

#[test]
fn five_thousand_documents_in_one_directory() {
    let files: Vec<(String, String)> = (0..5000)
        .map(|i| (format!("d{i:04}.txt"), export(&format!("{}", 10_000 + i), &format!("Memo number {i}"), "June 1, 1962", &format!("Speaker{} Person (hereafter Person): Topic {i} grain.\n\nOther: Reply {i}.\n\nPerson: Again.", i % 50))))
        .collect();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_bytes()))
        .collect();
    let (_dir, e) = engine_for(&refs);
    assert_eq!(e.stats().documents, 5000);
    assert!(e.stats().warnings.is_empty());
    let a = e.ask(&AskRequest {
        question: "topic 4321".into(),
        ..Default::default()
    });
    assert_eq!(a.results[0].doc_id, "14321");
}

#[test]
fn hostile_options_get_specific_answers() {
    let e = seeds_engine();
    for doc in [
        "",
        " ",
        "-1",
        "99999999999999999999999",
        "121 676",
        "../../etc/passwd",
        "<@123>",
        "🙂",
    ] {
        let a = e.ask(&AskRequest {
            question: "border".into(),
            doc: Some(doc.into()),
            ..Default::default()
        });
        if doc.trim().is_empty() {
            assert!(a.total > 0, "an empty document option is no restriction");
        } else {
            assert_eq!(a.total, 0, "{doc:?}");
            assert_eq!(a.searched.doc_id.as_deref(), Some(doc.trim()));
        }
        if !doc.trim().is_empty() {
            assert!(e.document(doc).is_err());
            assert!(e.passage(doc, 1).is_err());
            assert!(e.speakers(Some(doc)).is_err());
        }
    }
    for sp in ["@everyone", "<@&456>", "zzz", "\u{200b}"] {
        let a = e.ask(&AskRequest {
            question: "border".into(),
            speaker: Some(sp.into()),
            ..Default::default()
        });
        if sp == "\u{200b}" {
            continue;
        }
        assert_eq!(a.total, 0, "{sp:?}");
        assert!(!a.suggestions.is_empty());
    }
    // Paging far past the end is an empty page, not an error.
    let a = e.ask(&AskRequest {
        question: "border".into(),
        offset: 1_000_000,
        ..Default::default()
    });
    assert!(a.results.is_empty() && a.total > 0);
    assert!(e.suggest_documents(&"x".repeat(10_000), 25).len() <= 25);
    assert!(e.suggest_speakers("\u{202e}", 25).is_empty());
}
