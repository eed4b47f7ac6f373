//! Answers on the seeds: the headline question, filters, nasty input, documents, and the
//! dev-set quality thresholds.

use archivist::eval::{evaluate, read_questions, same_person};
use archivist::AskRequest;

mod common;
use common::{engine_for, export, seeds_engine};

fn ask(q: &str) -> archivist::Answer {
    seeds_engine().ask(&AskRequest {
        question: q.to_string(),
        limit: 10,
        ..Default::default()
    })
}

#[test]
fn ji_pengfei_on_repatriation_quotes_his_own_words() {
    let a = ask("what did Ji Pengfei say about repatriation");
    assert_eq!(a.searched.speakers, vec!["Ji Pengfei"]);
    assert!(a.total >= 3, "{a:?}");
    assert!(a
        .results
        .iter()
        .all(|r| r.speaker.as_deref() == Some("Ji Pengfei") && r.label.as_deref() == Some("Ji")));
    let quotes: Vec<&str> = a.results.iter().map(|r| r.quote.as_str()).collect();
    let all = quotes.join("\n");
    assert!(all.contains("repatriated every single individual"), "{all}");
    assert!(all.contains("obligated to repatriate"), "{all}");
    for r in &a.results {
        assert_eq!(r.doc_id, "121676");
        assert_eq!(r.date.as_deref(), Some("1962-06-26"));
        assert_eq!(
            r.url,
            "https://digitalarchive.wilsoncenter.org/document/121676"
        );
        assert!(
            r.text
                .contains(r.quote.trim_start_matches("… ").trim_end_matches(" …")),
            "quote is verbatim"
        );
        assert!(r.quote.chars().count() <= 420);
        for h in &r.highlights {
            assert!(
                r.quote[h[0]..h[1]].to_lowercase().starts_with("repatri"),
                "{:?}",
                &r.quote[h[0]..h[1]]
            );
        }
        assert!(!r.highlights.is_empty());
    }
}

#[test]
fn speaker_named_by_surname_label_or_any_case() {
    for q in [
        "what did chervonenko say about fraternal countries",
        "What did CHERVONENKO say about fraternal countries",
        "what did Stepan V. Chervonenko say about fraternal countries",
    ] {
        let a = ask(q);
        assert!(!a.results.is_empty(), "{q}");
        assert!(
            a.results
                .iter()
                .all(|r| r.speaker.as_deref() == Some("Stepan V. Chervonenko")),
            "{q}"
        );
    }
}

#[test]
fn a_speaker_who_never_says_it_falls_back_to_everyone() {
    let a = ask("what did Xu say about the wire fence");
    assert!(
        a.searched.speaker_relaxed
            || a.results
                .iter()
                .all(|r| r.speaker.as_deref() == Some("Xu Ming"))
    );
    assert!(!a.results.is_empty());
}

#[test]
fn document_id_and_date_narrow_the_results() {
    let a = ask("border in 118192");
    assert_eq!(a.searched.doc_id.as_deref(), Some("118192"));
    assert!(a.results.iter().all(|r| r.doc_id == "118192"));
    let a = ask("what was said about the border on 26 June");
    assert_eq!(a.searched.date.as_deref(), Some("--06-26"));
    assert!(!a.results.is_empty() && a.results.iter().all(|r| r.doc_id == "121676"));
    let a = ask("border crossings in June 1962");
    assert!(
        !a.results.is_empty()
            && a.results
                .iter()
                .all(|r| r.date.as_deref().unwrap().starts_with("1962-06"))
    );
}

#[test]
fn options_restrict_and_unknown_options_say_so() {
    let e = seeds_engine();
    let a = e.ask(&AskRequest {
        question: "send them back".into(),
        speaker: Some("yu".into()),
        ..Default::default()
    });
    assert!(
        !a.results.is_empty()
            && a.results
                .iter()
                .all(|r| r.speaker.as_deref() == Some("Yu Zhan"))
    );
    let a = e.ask(&AskRequest {
        question: "border".into(),
        speaker: Some("Nobody Atall".into()),
        ..Default::default()
    });
    assert_eq!(a.total, 0);
    assert!(
        a.suggestions.iter().any(|s| s.starts_with("speaker: ")),
        "{:?}",
        a.suggestions
    );
    let a = e.ask(&AskRequest {
        question: "border".into(),
        doc: Some("99999".into()),
        ..Default::default()
    });
    assert_eq!(a.total, 0);
    assert_eq!(a.searched.doc_id.as_deref(), Some("99999"));
}

#[test]
fn nasty_questions_get_an_answer_or_a_helpful_nothing() {
    let long = "border ".repeat(1000);
    let nasty = [
        "",
        "   ",
        "\"unclosed",
        "title:x",
        "AND OR NOT",
        "*",
        "~2",
        "^3",
        "(((",
        ")))",
        "🙂🙂",
        "مرحبا بالعالم",
        "a\u{200b}\u{200b}b",
        "@everyone",
        "<@123> <@&456>",
        "**bold** `code` ||spoiler|| > quote",
        "the of and",
        "what did say about",
        "Ji: Chervonenko:",
        "../../etc/passwd",
        "-1",
        "18446744073709551616",
        long.as_str(),
    ];
    for q in nasty {
        let a = ask(q);
        assert!(a.question.chars().count() <= 1000, "question is capped");
        if a.results.is_empty() {
            assert_eq!(a.total, 0);
            assert!(
                !a.suggestions.is_empty(),
                "nothing found for {q:?} should suggest something"
            );
        }
        for r in &a.results {
            assert!(r.quote.chars().count() <= 420);
            for h in &r.highlights {
                assert!(
                    h[0] < h[1]
                        && h[1] <= r.quote.len()
                        && r.quote.is_char_boundary(h[0])
                        && r.quote.is_char_boundary(h[1])
                );
            }
        }
    }
}

#[test]
fn paging_gives_the_next_results() {
    let e = seeds_engine();
    let first = e.ask(&AskRequest {
        question: "border".into(),
        limit: 3,
        ..Default::default()
    });
    let second = e.ask(&AskRequest {
        question: "border".into(),
        limit: 3,
        offset: 3,
        ..Default::default()
    });
    assert!(first.total > 6);
    assert_eq!(second.offset, 3);
    let ids = |a: &archivist::Answer| {
        a.results
            .iter()
            .map(|r| format!("{}#{}", r.doc_id, r.passage))
            .collect::<Vec<_>>()
    };
    assert!(ids(&first).iter().all(|i| !ids(&second).contains(i)));
}

#[test]
fn document_cards_and_unknown_ids() {
    let e = seeds_engine();
    let c = e.document("121676").unwrap();
    assert_eq!(c.translator.as_deref(), Some("Caixia Lu"));
    assert_eq!(c.passages, 29);
    assert_eq!(
        c.speakers
            .iter()
            .map(|s| (s.name.as_str(), s.turns))
            .collect::<Vec<_>>(),
        vec![
            ("Ji Pengfei", 11),
            ("Stepan V. Chervonenko", 13),
            ("Yu Zhan", 4)
        ]
    );
    for bad in [
        "12167",
        "-1",
        "99999999999999999999",
        "121 676",
        "../../etc/passwd",
        "",
    ] {
        let nf = e.document(bad).unwrap_err();
        assert!(nf.suggestions.len() <= 3, "{bad}");
    }
    assert_eq!(
        e.document("12167").unwrap_err().suggestions[0].doc_id,
        "121676"
    );
    let p = e.passage("121676", 5).unwrap();
    assert_eq!(p.speaker.as_deref(), Some("Ji Pengfei"));
    assert!(p.text.starts_with("If you had simply repatriated"));
    assert!(e.passage("121676", 999).is_err());
}

#[test]
fn speakers_autocomplete_and_stats() {
    let e = seeds_engine();
    let all = e.speakers(None).unwrap();
    assert_eq!(all[0].name, "Stepan V. Chervonenko");
    assert_eq!(all[0].turns, 31);
    assert_eq!(e.suggest_speakers("ji", 25), vec!["Ji Pengfei"]);
    assert_eq!(e.suggest_documents("1216", 25).len(), 2);
    assert_eq!(
        e.suggest_documents("memorandum submitted", 25)[0].doc_id,
        "121618"
    );
    let s = e.stats();
    assert_eq!(
        (s.documents, s.first_date.as_deref(), s.last_date.as_deref()),
        (5, Some("1962-04-26"), Some("1962-06-26"))
    );
    let examples = e.example_questions(3);
    assert!(!examples.is_empty());
    for q in examples {
        assert!(ask(&q).total > 0, "{q}");
    }
}

#[test]
fn dev_set_reaches_the_thresholds() {
    let qs = read_questions(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/dev-questions.jsonl"
    )))
    .unwrap();
    let m = evaluate(seeds_engine(), &qs, false);
    let report = format!("{:#?}", m.per_question);
    assert!(m.hit_at_1 >= 0.85, "Hit@1 {} {report}", m.hit_at_1);
    assert!(m.hit_at_3 >= 0.95, "Hit@3 {} {report}", m.hit_at_3);
    assert!(m.mrr_at_10 >= 0.90, "MRR@10 {} {report}", m.mrr_at_10);
    assert!(m.quote_at_3 >= 0.90, "quote@3 {} {report}", m.quote_at_3);
    assert!(
        (m.speaker_precision_at_3 - 1.0).abs() < 1e-9,
        "speaker@3 {} {report}",
        m.speaker_precision_at_3
    );
}

/// The second dev set: 36 questions in students' own words (paraphrases, answer types, quotes
/// that must show the answer). The floors are what the ranking reaches today, a little under, so
/// a change that loses ground fails here; the targets (0.75 / 0.90 / 0.82 / 0.85) are not
/// reached yet (README, "Answer quality").
#[test]
fn paraphrased_dev_set_holds_its_ground() {
    let qs = read_questions(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/dev-questions-more.jsonl"
    )))
    .unwrap();
    let m = evaluate(seeds_engine(), &qs, false);
    let report = format!("{:#?}", m.per_question);
    assert!(m.hit_at_1 >= 0.69, "Hit@1 {} {report}", m.hit_at_1);
    assert!(m.hit_at_3 >= 0.83, "Hit@3 {} {report}", m.hit_at_3);
    assert!(m.mrr_at_10 >= 0.78, "MRR@10 {} {report}", m.mrr_at_10);
    assert!(m.quote_at_3 >= 0.77, "quote@3 {} {report}", m.quote_at_3);
    assert!(
        m.speaker_precision_at_3 >= 0.95,
        "speaker@3 {} {report}",
        m.speaker_precision_at_3
    );
}

#[test]
fn same_person_matches_name_surname_or_label() {
    let a = ask("what did Ji Pengfei say about repatriation");
    let q = &a.results[0];
    assert!(same_person(q, "Ji Pengfei") && same_person(q, "Ji") && !same_person(q, "Yu Zhan"));
}

/// A gloss one document gives (`Oskemen [Ust-Kamenogorsk]`) makes the two spellings one search
/// term in every document: a question with either spelling finds the passages that use the other.
#[test]
fn paraphrases_can_be_turned_off() {
    fn marked_words(q: &archivist::Quote) -> Vec<&str> {
        q.highlights.iter().map(|&[s, t]| &q.quote[s..t]).collect()
    }
    let text = export(
        "900003",
        "Note on the Returnees",
        "June 1, 1970",
        "The committee agreed on the memorandum about the families before winter.",
    );
    let q = AskRequest {
        question: "did they agree on the memo about the families".into(),
        limit: 5,
        ..Default::default()
    };
    let (_dir, on) = engine_for(&[("a.txt", text.as_bytes())]);
    let a = on.ask(&q);
    assert_eq!(a.results[0].passage, 1, "{a:?}");
    let marked = marked_words(&a.results[0]);
    assert!(marked.contains(&"memorandum"), "{marked:?}");

    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("corpus")).unwrap();
    std::fs::write(dir.path().join("corpus/a.txt"), &text).unwrap();
    let off = archivist::Engine::open(archivist::EngineOptions {
        paraphrases: false,
        ..common::options(&dir.path().join("corpus"), &dir.path().join("data"))
    })
    .unwrap();
    let a = off.ask(&q);
    // Found on its other words, but "memorandum" is no longer a match for "memo".
    assert_eq!(a.results[0].passage, 1, "{a:?}");
    let marked = marked_words(&a.results[0]);
    assert!(!marked.contains(&"memorandum"), "{marked:?}");
    assert!(marked.contains(&"families"), "{marked:?}");
}

#[test]
fn a_bracketed_gloss_joins_two_spellings_of_a_name() {
    let glossed = export(
        "900001",
        "Note on the Border Towns",
        "May 3, 1970",
        "Residents of Tolqyn [Daluokan] were moved inland in the spring.",
    );
    let plain = export(
        "900002",
        "Report from the Prefecture",
        "May 9, 1970",
        "Grain was short in Daluokan all winter.\n\nThe roads to the river were closed.",
    );
    let (_dir, e) = engine_for(&[("a.txt", glossed.as_bytes()), ("b.txt", plain.as_bytes())]);
    let ask = |q: &str| {
        e.ask(&AskRequest {
            question: q.into(),
            limit: 5,
            ..Default::default()
        })
    };
    // The name alone: the document that spells it the other way is found too.
    let a = ask("Tolqyn");
    let docs: Vec<&str> = a.results.iter().map(|q| q.doc_id.as_str()).collect();
    assert_eq!(docs, ["900001", "900002"], "{a:?}");
    let other = &a.results[1];
    // The other spelling is highlighted as the word itself.
    assert!(
        other
            .highlights
            .iter()
            .any(|&[s, t]| &other.quote[s..t] == "Daluokan"),
        "{a:?}"
    );
    let a = ask("was grain short in Tolqyn");
    assert_eq!(a.results[0].doc_id, "900002", "{a:?}");
    assert!(a.results[0].quote.contains("Daluokan"), "{a:?}");
}
