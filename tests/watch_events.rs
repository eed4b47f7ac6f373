//! The watcher: file events (debounced) make a new, changed or removed corpus file searchable
//! without polling, in subfolders made after it started too; polling still works where events
//! are off.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use archivist::search::watch::{Mode, Watcher, DEBOUNCE};
use archivist::{AskRequest, Engine};
use common::{export, options, seeds_copy};

fn doc(id: &str, word: &str) -> String {
    export(
        id,
        "Memorandum on Spice Trade",
        "1962-07-01",
        &format!("The {word} shipments left Zanzibar in July.\n\nThe {word} prices rose."),
    )
}

/// Waits (at most 10 s) until `word` finds document `id` first (or, with `None`, finds no
/// passage of the removed document `gone`: a paraphrase may still find another one).
fn wait_for(e: &Engine, word: &str, id: Option<&str>) -> Duration {
    wait_until(e, word, id, "")
}

fn wait_until(e: &Engine, word: &str, id: Option<&str>, gone: &str) -> Duration {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        let a = e.ask(&AskRequest {
            question: word.to_string(),
            ..Default::default()
        });
        let first = a.results.first().map(|r| r.doc_id.as_str());
        let found_gone = a.results.iter().any(|r| r.doc_id == gone);
        if first == id || (id.is_none() && !gone.is_empty() && !found_gone) {
            return started.elapsed();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{word}: {id:?} not seen within 10 s");
}

#[test]
fn file_events_update_the_index_without_polling() {
    let (_dir, corpus, data) = seeds_copy();
    let e = Arc::new(Engine::open(options(&corpus, &data)).unwrap());
    // Polling once an hour: anything seen sooner came from file events.
    let w = Watcher::spawn(e.clone(), Duration::from_secs(3600));
    assert_eq!(w.mode(), Mode::Events);
    std::fs::write(corpus.join("new.txt"), doc("900101", "clove")).unwrap();
    let took = wait_for(&e, "clove", Some("900101"));
    assert!(took >= DEBOUNCE * 4 / 5, "debounced: {took:?}");
    // A collection made after the watcher started.
    std::fs::create_dir_all(corpus.join("guild-9")).unwrap();
    std::fs::write(corpus.join("guild-9/added.md"), doc("900102", "nutmeg")).unwrap();
    wait_for(&e, "nutmeg", Some("900102"));
    // Changed, then removed.
    std::fs::write(corpus.join("new.txt"), doc("900101", "cardamom")).unwrap();
    wait_for(&e, "cardamom", Some("900101"));
    std::fs::remove_file(corpus.join("guild-9/added.md")).unwrap();
    wait_until(&e, "nutmeg", None, "900102");
    // Hidden files (an editor's swap file) change nothing.
    let name = e.snapshot().index_name().to_string();
    std::fs::write(corpus.join(".new.txt.swp"), "junk").unwrap();
    std::thread::sleep(Duration::from_millis(900));
    assert_eq!(e.snapshot().index_name(), name);
}

#[test]
fn polling_finds_changes_where_events_are_off() {
    let (_dir, corpus, data) = seeds_copy();
    let e = Arc::new(Engine::open(options(&corpus, &data)).unwrap());
    let w = Watcher::spawn_with(e.clone(), Duration::from_millis(100), false);
    assert_eq!(w.mode(), Mode::Polling);
    std::fs::write(corpus.join("new.txt"), doc("900201", "saffron")).unwrap();
    wait_for(&e, "saffron", Some("900201"));
}
