//! Live corpus updates, crash safety and concurrent processes on one data directory.

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use archivist::search::watch::Watcher;
use archivist::search::Refresh;
use archivist::{AskRequest, Engine};

mod common;
use common::{export, options, seeds_copy};

fn new_doc() -> String {
    export(
        "900001",
        "Conversation about the Zanzibar Cloves",
        "July 1, 1962",
        "Minister Alpha Beta (hereafter Beta): The zanzibar cloves shipment arrived late.\n\nGamma Delta (hereafter Delta): We will send more cloves.",
    )
}

#[test]
fn queries_keep_answering_across_a_live_reload() {
    let (_dir, corpus, data) = seeds_copy();
    let engine = Arc::new(Engine::open(options(&corpus, &data)).unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let (asked, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let workers: Vec<_> = (0..3)
        .map(|_| {
            let (e, stop, asked, failed) =
                (engine.clone(), stop.clone(), asked.clone(), failed.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let a = e.ask(&AskRequest {
                        question: "what did Ji Pengfei say about repatriation".into(),
                        ..Default::default()
                    });
                    asked.fetch_add(1, Ordering::Relaxed);
                    if a.results.is_empty() || a.results[0].speaker.as_deref() != Some("Ji Pengfei")
                    {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    let watcher = Watcher::spawn(engine.clone(), Duration::from_millis(100));
    std::thread::sleep(Duration::from_millis(200));
    let before = asked.load(Ordering::Relaxed);
    std::fs::write(corpus.join("new.txt"), new_doc()).unwrap();
    // The watcher picks the new file up; wait until the new document answers.
    let mut found = false;
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(50));
        let a = engine.ask(&AskRequest {
            question: "zanzibar cloves".into(),
            ..Default::default()
        });
        if a.results.first().is_some_and(|r| r.doc_id == "900001") {
            found = true;
            break;
        }
    }
    std::thread::sleep(Duration::from_millis(100));
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    drop(watcher);
    assert!(found, "the new document is answerable after the reload");
    assert!(
        asked.load(Ordering::Relaxed) > before,
        "queries ran during the reload"
    );
    assert_eq!(
        failed.load(Ordering::Relaxed),
        0,
        "no query failed across the reload"
    );
    // Removing it is picked up too.
    std::fs::remove_file(corpus.join("new.txt")).unwrap();
    assert!(matches!(
        engine.refresh(false, &|_| {}).unwrap(),
        Refresh::Updated(_)
    ));
    assert!(engine.document("900001").is_err());
    assert!(matches!(
        engine.refresh(false, &|_| {}).unwrap(),
        Refresh::Unchanged
    ));
}

#[test]
fn a_damaged_pointer_or_index_is_moved_aside_and_rebuilt() {
    let (_dir, corpus, data) = seeds_copy();
    drop(Engine::open(options(&corpus, &data)).unwrap());
    // Garbage pointer.
    std::fs::write(data.join("CURRENT"), "not json at all").unwrap();
    let e = Engine::open(options(&corpus, &data)).unwrap();
    assert_eq!(e.stats().documents, 5);
    let names: Vec<String> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().any(|n| n.starts_with("CURRENT.broken-")),
        "{names:?}"
    );
    drop(e);
    // Truncated catalog inside the index in service.
    let cur = archivist::index::current(&data).unwrap();
    std::fs::write(data.join(&cur.dir).join("catalog.bin"), "{\"schema_ver").unwrap();
    let e = Engine::open(options(&corpus, &data)).unwrap();
    assert_eq!(e.stats().documents, 5);
    assert!(data
        .join(format!("{}.broken-", cur.dir))
        .parent()
        .unwrap()
        .read_dir()
        .unwrap()
        .any(|x| x
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(&format!("{}.broken-", cur.dir))));
    drop(e);
    // An index of another schema version is not used.
    let cur = archivist::index::current(&data).unwrap();
    let cat = data.join(&cur.dir).join("catalog.bin");
    let mut bytes = std::fs::read(&cat).unwrap();
    let from = format!("\"schema_version\":{}", archivist::index::SCHEMA_VERSION);
    let at = bytes
        .windows(from.len())
        .position(|w| w == from.as_bytes())
        .expect("the catalog names its schema version");
    bytes[at + from.len() - 1] = b'0';
    std::fs::write(&cat, bytes).unwrap();
    let e = Engine::open(options(&corpus, &data)).unwrap();
    assert_ne!(archivist::index::current(&data).unwrap().dir, cur.dir);
    assert_eq!(e.stats().documents, 5);
}

#[test]
fn a_half_build_left_by_a_killed_process_is_ignored_and_cleaned() {
    let (_dir, corpus, data) = seeds_copy();
    drop(Engine::open(options(&corpus, &data)).unwrap());
    let junk = data.join(".index-1-1.building");
    std::fs::create_dir_all(&junk).unwrap();
    std::fs::write(junk.join("meta.json"), "{").unwrap();
    let e = Engine::open(options(&corpus, &data)).unwrap();
    assert_eq!(e.stats().documents, 5, "the previous index serves");
    std::fs::write(corpus.join("new.txt"), new_doc()).unwrap();
    assert!(matches!(
        e.refresh(false, &|_| {}).unwrap(),
        Refresh::Updated(_)
    ));
    assert!(!junk.exists(), "the next update removes the half build");
}

fn archivist(corpus: &std::path::Path, data: &std::path::Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_archivist"));
    c.arg("--corpus")
        .arg(corpus)
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("RUST_LOG");
    c
}

#[test]
fn sigkill_during_a_build_leaves_the_previous_index_serving() {
    let (_dir, corpus, data) = seeds_copy();
    assert!(archivist(&corpus, &data, &["index"])
        .output()
        .unwrap()
        .status
        .success());
    let served = archivist::index::current(&data).unwrap();
    // Enough documents that the build takes a while.
    let big = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(&corpus).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, big.path().join(p.file_name().unwrap())).unwrap();
    }
    let text = std::fs::read_to_string(corpus.join("003_5aeddfccd6bfb21c.txt")).unwrap();
    for i in 0..3000 {
        std::fs::write(
            big.path().join(format!("x{i}.txt")),
            text.replace("121676", &format!("7{i:05}")),
        )
        .unwrap();
    }
    let mut child = archivist(big.path(), &data, &["index"]).spawn().unwrap();
    // Parsing 34 MB takes far longer than this: the kill lands mid-build.
    std::thread::sleep(Duration::from_millis(150));
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    assert_eq!(
        archivist::index::current(&data).unwrap(),
        served,
        "the pointer still names the previous index"
    );
    let out = archivist(
        &corpus,
        &data,
        &[
            "ask",
            "--json",
            "what did Ji Pengfei say about repatriation",
        ],
    )
    .output()
    .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["results"][0]["speaker"], "Ji Pengfei");
    assert_eq!(
        archivist::index::current(&data).unwrap(),
        served,
        "no rebuild was needed"
    );
}

#[test]
fn several_processes_on_one_data_directory_all_answer() {
    let (_dir, corpus, data) = seeds_copy();
    let children: Vec<_> = (0..4)
        .map(|_| {
            archivist(&corpus, &data, &["ask", "--json", "wire fence"])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success());
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v["total"].as_u64().unwrap() > 0);
    }
    let dirs = std::fs::read_dir(&data)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("index-")
        })
        .count();
    assert!(
        dirs <= 2,
        "concurrent first uses build once (or keep one previous): {dirs}"
    );
}
