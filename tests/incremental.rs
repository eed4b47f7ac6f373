//! Incremental index updates answer exactly as a full rebuild of the same corpus: `ask --json`
//! over the dev questions (results, scores, quotes, totals, what was searched), the corpus
//! statistics, the speakers, autocomplete and every document card.

mod common;

use std::path::Path;

use archivist::search::Refresh;
use archivist::{AskRequest, Engine};
use common::{export, options, seeds_copy};
use serde_json::{json, Value};

fn dev_questions() -> Vec<String> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dev-questions.jsonl"),
    )
    .unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["question"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// Everything a user can see of an engine, as JSON (the build time left out).
fn everything(e: &Engine) -> Value {
    let mut questions: Vec<String> = dev_questions();
    // Questions that name a speaker the added document brings, and its words.
    questions.push("what did Wang Ming say about the grain trains".into());
    questions.push("Zhang border crossings winter".into());
    let answers: Vec<Value> = questions
        .iter()
        .flat_map(|q| {
            [5, 50].map(|limit| {
                let a = e.ask(&AskRequest {
                    question: q.clone(),
                    limit,
                    ..Default::default()
                });
                serde_json::to_value(archivist::cli::AskJson::from(&a)).unwrap()
            })
        })
        .collect();
    let mut stats = serde_json::to_value(e.stats()).unwrap();
    stats["built_at"] = Value::Null;
    let cards: Vec<Value> = e
        .doc_ids()
        .iter()
        .map(|id| serde_json::to_value(e.document(id).unwrap()).unwrap())
        .collect();
    let speakers_typed = ["", "zh", "ch", "wang"].map(|t| e.suggest_speakers(t, 25));
    let documents_typed = ["", "1962", "border", "90"]
        .map(|t| serde_json::to_value(e.suggest_documents(t, 25)).unwrap());
    json!({
        "answers": answers,
        "stats": stats,
        "speakers": serde_json::to_value(e.speakers(None).unwrap()).unwrap(),
        "autocomplete": {"speakers": speakers_typed, "documents": documents_typed},
        "cards": cards,
        "doc_ids": e.doc_ids(),
    })
}

/// Asserts that the engine answers as a fresh full build of the same corpus does.
fn assert_same_as_full_build(e: &Engine, corpus: &Path) {
    let fresh = tempfile::tempdir().unwrap();
    let (full, report) = Engine::rebuild(options(corpus, fresh.path()), &|_| {}).unwrap();
    assert!(report.changes.is_none());
    let (a, b) = (everything(e), everything(&full));
    for key in [
        "answers",
        "stats",
        "speakers",
        "autocomplete",
        "cards",
        "doc_ids",
    ] {
        assert_eq!(a[key], b[key], "{key} differ after an incremental update");
    }
}

fn updated(r: Refresh) -> archivist::index::update::Changes {
    match r {
        Refresh::Updated(rep) => rep.changes.unwrap(),
        other => panic!("expected an incremental update, got {other:?}"),
    }
}

/// A new document whose speakers share names with the seeds' (so names are resolved across
/// old and new documents) and whose words the questions ask about.
fn new_document(id: &str) -> String {
    export(
        id,
        "Record of a Conversation between Wang Ming and Zhang about Grain Trains",
        "1962",
        "Wang Ming (hereafter Wang): The grain trains cross the border in winter.\n\nZhang: \
         Border crossings in winter are many; the grain trains are late.\n\nWang: We asked \
         about the wire fence and the residents who crossed illegally.",
    )
}

#[test]
fn an_updated_index_answers_as_a_full_rebuild() {
    let (_dir, corpus, data) = seeds_copy();
    let e = Engine::open(options(&corpus, &data)).unwrap();
    let before = everything(&e);
    let seeds: Vec<_> = {
        let mut v: Vec<_> = std::fs::read_dir(&corpus)
            .unwrap()
            .map(|f| f.unwrap().path())
            .collect();
        v.sort();
        v
    };

    // Added (at the top and in a collection), changed and removed at once.
    std::fs::write(corpus.join("100_new.txt"), new_document("9000001")).unwrap();
    std::fs::create_dir_all(corpus.join("guild-7")).unwrap();
    std::fs::write(corpus.join("guild-7/lesson.md"), new_document("9000002")).unwrap();
    let changed = &seeds[2];
    let mut text = std::fs::read_to_string(changed).unwrap();
    text.push_str("\n\nZhang: The border crossings in winter must be discussed again.\n");
    std::fs::write(changed, text).unwrap();
    std::fs::remove_file(&seeds[3]).unwrap();

    let c = updated(e.refresh(false, &|_| {}).unwrap());
    assert_eq!((c.files_added, c.files_changed, c.files_removed), (2, 1, 1));
    assert!(c.documents_indexed >= 3, "{c:?}");
    assert_ne!(everything(&e)["answers"], before["answers"]);
    assert_same_as_full_build(&e, &corpus);

    // A second update on top of the first: the first added document changes again, the
    // second goes, and a file takes over a seed's id (the first file of an id wins).
    std::fs::write(
        corpus.join("100_new.txt"),
        new_document("9000001").replace("are late", "are very late"),
    )
    .unwrap();
    std::fs::remove_file(corpus.join("guild-7/lesson.md")).unwrap();
    let seed_id_file = std::fs::read_to_string(&seeds[0]).unwrap();
    std::fs::write(
        corpus.join("000_000_first.txt"),
        seed_id_file.replace(
            "Translation - English",
            "Translation - English\n\nA new first paragraph about the border.",
        ),
    )
    .unwrap();
    updated(e.refresh(false, &|_| {}).unwrap());
    assert!(
        e.stats()
            .warnings
            .iter()
            .any(|w| w.contains("duplicate document id")),
        "{:?}",
        e.stats().warnings
    );
    assert_same_as_full_build(&e, &corpus);

    // The file that took the id goes: the seed skipped for it is served again.
    std::fs::remove_file(corpus.join("000_000_first.txt")).unwrap();
    updated(e.refresh(false, &|_| {}).unwrap());
    assert!(!e
        .stats()
        .warnings
        .iter()
        .any(|w| w.contains("duplicate document id")));
    assert_same_as_full_build(&e, &corpus);

    // Nothing changed: nothing to do.
    assert!(matches!(
        e.refresh(false, &|_| {}).unwrap(),
        Refresh::Unchanged
    ));
}

#[test]
fn many_small_updates_are_merged_and_still_answer_the_same() {
    let (_dir, corpus, data) = seeds_copy();
    let e = Engine::open(options(&corpus, &data)).unwrap();
    for i in 0..archivist::index::merge::MAX_SMALL + 1 {
        std::fs::write(
            corpus.join(format!("2{i:02}_added.txt")),
            new_document(&format!("95{i:05}")),
        )
        .unwrap();
        updated(e.refresh(false, &|_| {}).unwrap());
    }
    let segments = |e: &Engine| e.snapshot().segment_count();
    let before = segments(&e);
    assert!(before > archivist::index::merge::MAX_SMALL, "{before}");
    assert!(e.merge().unwrap(), "the merge policy asks for a merge");
    assert!(segments(&e) < before);
    assert!(!e.merge().unwrap(), "nothing more to merge");
    assert_same_as_full_build(&e, &corpus);
    // Reopened from disk (a new process), the merged index answers the same too.
    let again = Engine::open(options(&corpus, &data)).unwrap();
    assert_eq!(everything(&again), everything(&e));
}

#[test]
fn index_full_rebuilds_and_a_damaged_previous_index_is_rebuilt() {
    let (_dir, corpus, data) = seeds_copy();
    let e = Engine::open(options(&corpus, &data)).unwrap();
    // The stamps of the index in service are lost: the next change rebuilds it whole.
    let dir = data.join(archivist::index::current(&data).unwrap().dir);
    std::fs::remove_file(dir.join("files.json")).unwrap();
    std::fs::write(corpus.join("100_new.txt"), new_document("9000001")).unwrap();
    assert!(matches!(
        e.refresh(false, &|_| {}).unwrap(),
        Refresh::Rebuilt(_)
    ));
    assert!(matches!(
        e.refresh(true, &|_| {}).unwrap(),
        Refresh::Rebuilt(_)
    ));
    assert_same_as_full_build(&e, &corpus);
}
