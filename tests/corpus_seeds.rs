//! Each seed document parsed and checked field by field.

use archivist::corpus::{Corpus, Document, PassageKind, DEFAULT_CANONICAL_BASE};

mod common;

fn corpus() -> Corpus {
    Corpus::load(&common::seeds_dir(), DEFAULT_CANONICAL_BASE).unwrap()
}

fn doc<'a>(c: &'a Corpus, id: &str) -> &'a Document {
    c.get(id).unwrap_or_else(|| panic!("seed {id} parsed"))
}

fn speakers(d: &Document) -> Vec<(String, String, u32)> {
    d.speakers
        .iter()
        .map(|s| (s.name.clone(), s.label.clone(), s.turns))
        .collect()
}

fn s(name: &str, label: &str, turns: u32) -> (String, String, u32) {
    (name.to_string(), label.to_string(), turns)
}

#[test]
fn all_five_seeds_parse_without_warnings() {
    let c = corpus();
    assert_eq!(c.documents.len(), 5);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn transcript_121676() {
    let c = corpus();
    let d = doc(&c, "121676");
    let m = &d.meta;
    assert_eq!(m.title, "Transcript of a Meeting between Vice Minister Ji Pengfei and the Ambassador of the Soviet Union to China Stepan V. Chervonenko");
    assert_eq!(m.date.as_deref(), Some("1962-06-26"));
    assert_eq!(
        m.archive_ref.as_deref(),
        Some("PRC FMA 118-01765-04, 45-49")
    );
    assert_eq!(m.translator.as_deref(), Some("Caixia Lu"));
    assert_eq!(m.archive.as_deref(), Some("Wilson Center Digital Archive"));
    assert_eq!(m.original_language.as_deref(), Some("Chinese"));
    assert_eq!(m.meeting.as_deref(), Some("26 June 1962, 4:00 p.m."));
    assert_eq!(
        m.url.as_deref(),
        Some("https://digitalarchive.wilsoncenter.org/document/121676")
    );
    assert_eq!(
        m.canonical_url,
        "https://digitalarchive.wilsoncenter.org/document/121676"
    );
    assert!(m
        .summary
        .as_deref()
        .unwrap()
        .starts_with("Ji Pengfei and Stepan Chervonenko spar"));
    assert_eq!(
        speakers(d),
        vec![
            s("Ji Pengfei", "Ji", 11),
            s("Stepan V. Chervonenko", "Chervonenko", 13),
            s("Yu Zhan", "Yu", 4)
        ]
    );
    // The page break inside Ji's turn is joined: "continues to / harbor those".
    let ji3 = &d.passages[3];
    assert_eq!(ji3.kind, PassageKind::Turn);
    assert!(
        ji3.text
            .contains("If the Soviet Union continues to harbor those who have fled"),
        "{}",
        ji3.text
    );
    // The header passage holds the meeting lines, which are not speakers.
    let header = &d.passages[0];
    assert_eq!(header.kind, PassageKind::Header);
    assert!(header.text.contains("Minutes: Xia Daosheng"));
    assert!(header.text.contains("[Not reviewed by Vice Minister Ji]"));
    assert!(d.speakers.iter().all(
        |s| !["Date", "Venue", "Attendees", "Interpreter", "Minutes"].contains(&s.label.as_str())
    ));
}

#[test]
fn minutes_118192_with_hereinafter_and_broken_quote() {
    let c = corpus();
    let d = doc(&c, "118192");
    assert_eq!(d.meta.title, "Minutes of Vice Minister Zhang Hanfu's Discussion with Soviet Ambassador to China Chervonenko");
    assert_eq!(d.meta.date.as_deref(), Some("1962-04-29"));
    assert_eq!(
        d.meta.archive_ref.as_deref(),
        Some("PRC FMA 118-01764-05, 29-38")
    );
    assert_eq!(d.meta.translator.as_deref(), Some("7Brands"));
    assert_eq!(
        d.meta.url.as_deref(),
        Some("https://wilson-center-digital-archive.dvincitest.com/document/118192")
    );
    assert_eq!(
        d.meta.meeting.as_deref(),
        Some("29 April 1962, 5:50 p.m. - 7.50 p.m.")
    );
    assert_eq!(
        speakers(d),
        vec![
            s("Stepan V. Chervonenko", "Chervonenko", 15),
            s("Zhang Hanfu", "Zhang", 16),
            s("Xu Ming", "Xu", 2)
        ]
    );
    assert_eq!(d.speakers[2].role.as_deref(), Some("Deputy Director"));
    // The stage direction is its own passage, attributed to no one.
    let note = d
        .passages
        .iter()
        .find(|p| p.text.starts_with("(The Soviet Ambassador presented"))
        .unwrap();
    assert_eq!(note.kind, PassageKind::Note);
    assert_eq!(note.speaker, None);
    // Three page breaks in this file split sentences; each is joined.
    let all: String = d
        .passages
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for joined in [
        "I'm not sure whether you know",
        "How is this not encouragement",
        "on 28 March of this year",
    ] {
        assert!(all.contains(joined), "{joined}");
    }
}

#[test]
fn minutes_118200_bold_headers_and_wrapped_title() {
    let c = corpus();
    let d = doc(&c, "118200");
    assert_eq!(d.meta.title, "Minutes of the Meeting between Vice Minister Zhang Hanfu and the Ambassador of the Soviet Union to China Chervonenko");
    assert_eq!(d.meta.date.as_deref(), Some("1962-06-08"));
    assert_eq!(
        d.meta.archive_ref.as_deref(),
        Some("PRC FMA 118-01765-03, 24-26")
    );
    assert_eq!(
        d.meta.url.as_deref(),
        Some("https://digitalarchive.umd.edu/document/118200")
    );
    assert_eq!(
        speakers(d),
        vec![
            s("Stepan V. Chervonenko", "Chervonenko", 3),
            s("Zhang Hanfu", "Zhang", 3)
        ]
    );
    assert!(d.passages[0].text.contains("Minutes Prepared: Zhang Zifan"));
    // Zhang's "First … Second … Finally" paragraphs continue his turn.
    let zhang = d
        .passages
        .iter()
        .find(|p| p.text.starts_with("I will report to our government"))
        .unwrap();
    assert!(zhang.text.contains("Finally, we agree on the proposals"));
}

#[test]
fn cable_118188_has_no_speakers() {
    let c = corpus();
    let d = doc(&c, "118188");
    assert_eq!(d.meta.title, "Reporting the Contents of Vice Minister Zhang Hanfu's Discussion with the Soviet Ambassador on 24 April 1962");
    assert_eq!(d.meta.date.as_deref(), Some("1962-04-26"));
    assert_eq!(d.meta.translator.as_deref(), Some("Charles Kraus"));
    assert_eq!(
        d.meta.archive_ref.as_deref(),
        Some("PRC FMA 118-01154-07, 11-12")
    );
    assert!(d.speakers.is_empty(), "{:?}", d.speakers);
    assert!(d.passages[1..]
        .iter()
        .all(|p| p.kind == PassageKind::Paragraph));
    assert!(d.passages[0].text.contains("Level: Extremely Urgent"));
    // The signature lines close the last paragraph rather than standing alone.
    assert!(d.passages.last().unwrap().text.ends_with("26 April 1962"));
}

#[test]
fn memorandum_121618_page_break_and_paragraphs() {
    let c = corpus();
    let d = doc(&c, "121618");
    assert_eq!(
        d.meta.title,
        "Memorandum Submitted by the Ambassador of the Soviet Union to Zhang Hanfu on 8 June 1962"
    );
    assert_eq!(d.meta.date.as_deref(), Some("1962-06-08"));
    assert_eq!(
        d.meta.archive_ref.as_deref(),
        Some("PRC FMA 118-01765-03, 27-28")
    );
    assert!(d.speakers.is_empty());
    assert_eq!(d.passages.len(), 7);
    assert!(d.passages[6].text.starts_with(
        "We expect that normal order will be restored at our border through our mutual efforts and that such"
    ));
}

#[test]
fn passage_ids_are_stable_and_numbered_from_the_header() {
    let c = corpus();
    for d in &c.documents {
        for (i, p) in d.passages.iter().enumerate() {
            assert_eq!(p.n as usize, i, "{}#{}", d.meta.id, p.n);
        }
        assert_eq!(d.passages[0].kind, PassageKind::Header);
    }
}
