//! Format variants real exports have, as small fixtures: plain and bold headers, CRLF, BOM, slug
//! ids, missing optional fields, cables without speakers, page breaks, label variants, and the
//! bad files that must be skipped with a warning naming the file.

use archivist::corpus::{Corpus, PassageKind, DEFAULT_CANONICAL_BASE};

fn load(files: &[(&str, &str)]) -> Corpus {
    Corpus::from_texts(files.iter().copied(), DEFAULT_CANONICAL_BASE)
}

const PLAIN: &str = "\n\nMarch 3, 1963\n\nConversation between Premier Zhou Enlai\nand Ambassador S. Antonov\n\nCitation:\n\n\"Conversation between Premier Zhou Enlai and Ambassador S. Antonov\", March 3, 1963, Wilson Center Digital Archive, AVPRF f. 0100, op. 56, d. 7, ll. 1-5. Obtained by A. Person and translated by B. Person.\n\n<https://example.org/document/cable-from-zhou-to-antonov>\n\nSummary:\n\nZhou and Antonov talk.\n\nContents:\n\nTranslation - English\n\n[...]\n\nPlace: Xihua Hall\n\nTime: 5:50 p.m.\n\nTranslator: Someone Else\n\nPremier Zhou [Enlai] : We met on the border. [...] The grain was late.\n\nS. Antonov: I regret this. The trains were\n\ndelayed by snow.\n\n(Laughter)\n\nAntonov: We will look into it.\n\nZhou: Thank you. Note: this is a sentence with a colon.\n";

#[test]
fn plain_headers_slug_ids_and_label_variants() {
    let c = load(&[("a.txt", PLAIN)]);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    let d = &c.documents[0];
    assert_eq!(d.meta.id, "cable-from-zhou-to-antonov");
    assert_eq!(
        d.meta.canonical_url,
        "https://digitalarchive.wilsoncenter.org/document/cable-from-zhou-to-antonov"
    );
    assert_eq!(
        d.meta.title,
        "Conversation between Premier Zhou Enlai and Ambassador S. Antonov"
    );
    assert_eq!(d.meta.date.as_deref(), Some("1963-03-03"));
    assert_eq!(
        d.meta.archive_ref.as_deref(),
        Some("AVPRF f. 0100, op. 56, d. 7, ll. 1-5")
    );
    assert_eq!(
        d.meta.translator.as_deref(),
        Some("B. Person"),
        "the translator of an 'Obtained by … and translated by …' sentence"
    );
    assert_eq!(d.meta.meeting.as_deref(), Some("5:50 p.m."));
    let names: Vec<(&str, u32)> = d
        .speakers
        .iter()
        .map(|s| (s.name.as_str(), s.turns))
        .collect();
    // `Premier Zhou [Enlai]` and `Zhou` are one person; `S. Antonov` and `Antonov` are one.
    assert_eq!(names, vec![("Zhou Enlai", 2), ("S. Antonov", 2)]);
    // Header words never become speakers.
    assert!(d
        .speakers
        .iter()
        .all(|s| !["Place", "Time", "Translator"].contains(&s.label.as_str())));
    // The page break inside Antonov's turn is joined; the stage direction is a note.
    assert!(d
        .passages
        .iter()
        .any(|p| p.text == "I regret this. The trains were delayed by snow."));
    assert!(d
        .passages
        .iter()
        .any(|p| p.kind == PassageKind::Note && p.text == "(Laughter)"));
}

#[test]
fn bold_headers_crlf_and_bom_read_the_same_as_plain() {
    let bold = PLAIN
        .replace("Citation:", "**Citation:**")
        .replace("Summary:", "**Summary:**")
        .replace("Contents:", "**Contents:**")
        .replace("March 3, 1963", "**March 3, 1963**");
    let crlf = format!("\u{feff}{}", bold.replace('\n', "\r\n"));
    let a = load(&[("a.txt", PLAIN)]);
    let b = load(&[("b.txt", &crlf)]);
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);
    let (da, db) = (&a.documents[0], &b.documents[0]);
    assert_eq!(da.meta.title, db.meta.title);
    assert_eq!(da.meta.date, db.meta.date);
    assert_eq!(da.meta.citation, db.meta.citation);
    assert_eq!(da.speakers, db.speakers);
    let texts = |d: &archivist::corpus::Document| {
        d.passages
            .iter()
            .map(|p| p.text.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(da), texts(db));
}

#[test]
fn missing_optional_fields_and_alias_phrasings() {
    let text = "June 1, 1962\n\n**A Memo**\n\n**Citation:**\n\n\"A Memo\", June 1, 1962, Some Archive.\n<https://x.org/document/42>\n\n**Contents:**\n\nComrade Li Xiannian (hereafter abbreviated as Li): We talk.\n\nMr. Kozlov (to be abbreviated as K): Yes.\n\nLi: Good.\n\nK: Fine.\n";
    let c = load(&[("m.txt", text)]);
    let d = &c.documents[0];
    assert_eq!(d.meta.summary, None);
    assert_eq!(d.meta.translator, None);
    assert_eq!(d.meta.original_language, None);
    assert_eq!(d.meta.archive_ref, None);
    let names: Vec<(&str, &str, u32)> = d
        .speakers
        .iter()
        .map(|s| (s.name.as_str(), s.label.as_str(), s.turns))
        .collect();
    assert_eq!(names, vec![("Li Xiannian", "Li", 2), ("Kozlov", "K", 2)]);
}

#[test]
fn cable_without_speakers_keeps_paragraphs() {
    let text = "May 2, 1962\n\nCable from the Embassy\n\nCitation:\n\n\"Cable from the Embassy\", May 2, 1962, Archive X, 1-2.\n<https://x.org/document/7>\n\nContents:\n\nTranslation - English\n\nTo: The Ministry\n\nFrom: The Embassy\n\nThe situation at the border is tense: people keep crossing.\n\nWe request instructions as soon as\n\npossible.\n\nThe Embassy\n\n2 May 1962\n";
    let c = load(&[("c.txt", text)]);
    let d = &c.documents[0];
    assert!(d.speakers.is_empty(), "{:?}", d.speakers);
    let body: Vec<&str> = d.passages[1..].iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        body,
        vec![
            "The situation at the border is tense: people keep crossing.",
            "We request instructions as soon as possible.\n\nThe Embassy\n\n2 May 1962"
        ]
    );
    assert!(d.passages[0].text.contains("To: The Ministry"));
}

#[test]
fn bad_files_are_skipped_with_the_file_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("empty.txt"), "").unwrap();
    std::fs::write(p.join("binary.txt"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    std::fs::write(p.join("latin1.txt"), b"Caf\xe9 au lait\n").unwrap();
    std::fs::write(
        p.join("body-only.txt"),
        "Ji: hello there.\n\nChervonenko: hi.\n",
    )
    .unwrap();
    std::fs::write(p.join("good.txt"), PLAIN).unwrap();
    std::fs::write(p.join("dup.txt"), PLAIN).unwrap();
    std::fs::write(p.join("notes.json"), "{}").unwrap();
    let c = Corpus::load(p, DEFAULT_CANONICAL_BASE).unwrap();
    assert_eq!(c.documents.len(), 1);
    let w = c.warnings.join("\n");
    assert!(w.contains("empty.txt: skipped: is empty"), "{w}");
    assert!(w.contains("binary.txt: skipped: is binary"), "{w}");
    assert!(w.contains("latin1.txt: skipped: is not UTF-8"), "{w}");
    assert!(
        w.contains("body-only.txt: skipped: has no recognisable header (line 1"),
        "{w}"
    );
    assert!(w.contains("good.txt: skipped: duplicate document id cable-from-zhou-to-antonov (already read from dup.txt)"), "{w}");
    assert!(!w.contains("notes.json"));
}

#[test]
fn header_only_file_is_served_as_a_card() {
    let text = "June 1, 1962\n\nA Memo\n\nCitation:\n\n\"A Memo\", June 1, 1962, Some Archive, R 1.\n<https://x.org/document/43>\n";
    let c = load(&[("h.txt", text)]);
    assert_eq!(c.documents.len(), 1);
    assert_eq!(c.documents[0].passages.len(), 1);
    assert!(c.warnings[0].contains("h.txt: has no body text"));
}

#[test]
fn subfolders_are_collections_and_hidden_or_linked_folders_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let other = PLAIN.replace("cable-from-zhou-to-antonov", "second-doc");
    let third = PLAIN.replace("cable-from-zhou-to-antonov", "hidden-doc");
    std::fs::write(p.join("top.txt"), PLAIN).unwrap();
    std::fs::create_dir_all(p.join("unit-2")).unwrap();
    std::fs::write(p.join("unit-2/lesson.md"), &other).unwrap();
    std::fs::create_dir_all(p.join(".trash")).unwrap();
    std::fs::write(p.join(".trash/old.txt"), &third).unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("linked.txt"), &third).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path(), p.join("linked")).unwrap();
    // A link to a file is a file of the corpus (a link to a folder is not followed).
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path().join("linked.txt"), p.join("alias.txt")).unwrap();
    let c = Corpus::load(p, DEFAULT_CANONICAL_BASE).unwrap();
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    let files: Vec<(&str, Option<&str>)> = c
        .documents
        .iter()
        .map(|d| {
            (
                d.meta.source_file.as_str(),
                archivist::corpus::collection_of(&d.meta.source_file),
            )
        })
        .collect();
    let mut expected = vec![("top.txt", None), ("unit-2/lesson.md", Some("unit-2"))];
    if cfg!(unix) {
        expected.insert(0, ("alias.txt", None));
    }
    assert_eq!(files, expected);
}
