//! The storage module against each back-end (SQLite always; PostgreSQL when
//! `ARCHIVIST_TEST_POSTGRES` is set, as `.ci/run` does): the same tests for both.

use std::sync::Arc;
use std::time::{Duration, Instant};

use archivist::search::scope::ScopeSpec;
use archivist::settings::{Secret, Settings};
use archivist::storage::{Feedback, Reason, SettingsChange, Store, StoreError, Unanswered, Vote};

mod storage_support;
use storage_support::{backends, now, Backend};

const GUILD: u64 = 400_000_000_000_000_001;
const CHANNEL: u64 = 500_000_000_000_000_001;
const ALICE: u64 = 300_000_000_000_000_001;
const BOB: u64 = 300_000_000_000_000_002;

fn vote(message: u64, user: u64, v: Vote, question: &str) -> Feedback {
    Feedback {
        guild_id: GUILD,
        message_id: message,
        user_id: user,
        vote: v,
        question: question.into(),
        passages: vec!["121676#14".into(), "121676#15".into()],
        index_version: "index-1".into(),
        at: now(),
    }
}

fn unanswered(id: u64, user: u64, question: &str, at: i64) -> Unanswered {
    Unanswered {
        interaction_id: id,
        guild_id: GUILD,
        user_id: user,
        question: question.into(),
        index_version: "index-1".into(),
        at,
    }
}

/// Runs `test` on every back-end, naming the back-end when it fails.
fn each(test: impl Fn(&Backend, &std::path::Path)) {
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    for b in backends() {
        let dir = tempfile::tempdir().unwrap();
        eprintln!("storage test on {}", b.name());
        test(&b, dir.path());
    }
}

/// Waits until `f` holds (background writes), at most 5 s.
fn eventually(what: &str, f: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn settings_layer_and_survive_a_restart() {
    each(|b, dir| {
        let store = b.open(dir);
        assert_eq!(
            store.guild_settings(GUILD).unwrap().in_force(None).scope,
            ScopeSpec::All
        );
        let set_private = SettingsChange {
            private: Some(true),
            ..Default::default()
        };
        store.change_settings(GUILD, None, &set_private).unwrap();
        let unit = ScopeSpec::parse("unit-1, 121676").unwrap();
        let scope = SettingsChange {
            scope: Some(Some(unit.clone())),
            ..Default::default()
        };
        let s = store.change_settings(GUILD, Some(CHANNEL), &scope).unwrap();
        let here = s.in_force(Some(CHANNEL));
        assert!(
            here.private,
            "the server's private default applies in the channel"
        );
        assert_eq!(here.scope, unit);
        assert_eq!(s.in_force(Some(CHANNEL + 1)).scope, ScopeSpec::All);
        drop(store);

        let store = b.open(dir);
        let s = store.guild_settings(GUILD).unwrap();
        assert_eq!(
            s.in_force(Some(CHANNEL)).scope,
            unit,
            "kept across a restart"
        );
        assert!(s.in_force(None).private);
        // Removing the channel's scope: it follows the server again.
        let clear = SettingsChange {
            scope: Some(None),
            ..Default::default()
        };
        let s = store.change_settings(GUILD, Some(CHANNEL), &clear).unwrap();
        assert!(s.channels.is_empty(), "{s:?}");
        assert_eq!(s.in_force(Some(CHANNEL)).scope, ScopeSpec::All);
        assert!(store
            .guild_settings(GUILD + 1)
            .unwrap()
            .server
            .private
            .is_none());
    });
}

#[test]
fn votes_are_one_per_person_and_message_and_keep_what_was_shown() {
    each(|b, dir| {
        let store = b.open(dir);
        store
            .record_feedback(&vote(1, ALICE, Vote::Up, "Why the border?"))
            .unwrap();
        store
            .record_feedback(&vote(1, ALICE, Vote::Down, "Why the border?"))
            .unwrap();
        store
            .record_feedback(&vote(1, BOB, Vote::Up, "Why the border?"))
            .unwrap();
        assert!(store.record_reason(1, ALICE, Reason::WrongSpeaker).unwrap());
        assert!(
            !store.record_reason(1, BOB, Reason::QuoteCut).unwrap(),
            "a reason needs a 👎"
        );
        drop(store);
        let store = b.open(dir);
        let rows = store.feedback_rows(GUILD).unwrap();
        assert_eq!(rows.len(), 2, "{rows:?}");
        let alice = rows
            .iter()
            .find(|r| r.user_hash == store.user_hash(ALICE))
            .unwrap();
        assert_eq!(alice.vote, -1);
        assert_eq!(alice.reason.as_deref(), Some("speaker"));
        assert_eq!(alice.passages, ["121676#14", "121676#15"]);
        assert_eq!(alice.index_version, "index-1");
        assert!(
            !rows
                .iter()
                .any(|r| r.user_hash.contains(&ALICE.to_string())),
            "no raw user id is stored"
        );
    });
}

#[test]
fn gaps_group_nothing_found_and_thumbs_down_within_the_days_asked() {
    each(|b, dir| {
        let store = b.open(dir);
        let t = now();
        store.record_unanswered(&unanswered(10, ALICE, "Who was at the banquet?", t - 100));
        store.record_unanswered(&unanswered(11, BOB, "who was at the BANQUET", t - 50));
        store.record_unanswered(&unanswered(11, BOB, "who was at the BANQUET", t - 50));
        store.record_unanswered(&unanswered(12, BOB, "What about rice?", t - 20 * 86_400));
        store
            .record_feedback(&vote(2, ALICE, Vote::Down, "Why the border?"))
            .unwrap();
        store
            .record_feedback(&vote(3, ALICE, Vote::Up, "A good answer"))
            .unwrap();
        eventually("the queued questions", || {
            store.gaps(GUILD, 30, now()).is_ok_and(|g| g.len() == 3)
        });
        let g = store.gaps(GUILD, 7, now()).unwrap();
        let names: Vec<&str> = g.iter().map(|g| g.question.as_str()).collect();
        assert_eq!(
            names,
            ["Why the border?", "who was at the BANQUET"],
            "{g:?}"
        );
        assert_eq!(
            (g[1].count, g[1].nothing_found),
            (2, 2),
            "a retried delivery counts once"
        );
        assert_eq!((g[0].thumbs_down, g[0].nothing_found), (1, 0));
        assert!(store.gaps(GUILD + 1, 30, now()).unwrap().is_empty());
    });
}

#[test]
fn forget_deletes_one_persons_records_and_old_ones_are_pruned_at_start() {
    each(|b, dir| {
        // Kept forever while the rows are made, so that nothing is pruned under the test.
        let mut forever = b.settings(dir);
        forever.retention_days = 0;
        let store = Store::open(&forever, dir).unwrap();
        let t = now();
        store.record_unanswered(&unanswered(20, ALICE, "alice asks", t));
        store.record_unanswered(&unanswered(21, BOB, "bob asks", t));
        store.record_unanswered(&unanswered(22, BOB, "bob asked long ago", t - 100 * 86_400));
        store
            .record_feedback(&vote(4, ALICE, Vote::Down, "alice votes"))
            .unwrap();
        eventually("the queued questions", || {
            store.gaps(GUILD, 365, now()).is_ok_and(|g| g.len() == 4)
        });
        let d = store.forget(ALICE).unwrap();
        assert_eq!((d.questions, d.feedback), (1, 1));
        let questions = |s: &Store| -> Vec<String> {
            s.gaps(GUILD, 365, now())
                .unwrap()
                .into_iter()
                .map(|g| g.question)
                .collect()
        };
        assert_eq!(questions(&store), ["bob asks", "bob asked long ago"]);
        assert_eq!(
            store.prune(now()).unwrap().questions,
            0,
            "retention 0 keeps all"
        );
        drop(store);

        // The default 90 days: a start prunes what is older.
        let store = b.open(dir);
        assert_eq!(store.retention_days(), 90);
        eventually("the prune at start", || questions(&store) == ["bob asks"]);
        assert_eq!(store.prune(now()).unwrap().questions, 0);
    });
}

#[test]
fn a_burst_of_presses_is_all_committed() {
    each(|b, dir| {
        let store = Arc::new(b.open(dir));
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for i in 0..25u64 {
                        let f = vote(1000 + t * 100 + i, ALICE, Vote::Down, "burst");
                        store.record_feedback(&f).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(store.feedback_rows(GUILD).unwrap().len(), 200);
    });
}

#[test]
fn two_stores_on_one_database_see_each_others_settings_at_once() {
    each(|b, dir| {
        let a = b.open(dir);
        let other = tempfile::tempdir().unwrap();
        let b2 = Store::open(&b.settings(dir), other.path()).unwrap();
        let private = SettingsChange {
            private: Some(true),
            ..Default::default()
        };
        a.change_settings(GUILD, None, &private).unwrap();
        assert_eq!(b2.guild_settings(GUILD).unwrap().server.private, Some(true));
    });
}

#[test]
fn an_unreachable_database_fails_fast_and_settings_fall_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Settings::defaults().storage;
    s.timeout_ms = 300;
    // A socket directory with no server in it.
    s.url = Some(Secret::new(format!(
        "postgres://nobody@localhost/none?host={}",
        dir.path().display()
    )));
    let store = Store::open(&s, dir.path()).expect("opening does not connect");
    let started = Instant::now();
    assert_eq!(store.check(), Err(StoreError::Unavailable));
    assert_eq!(
        store.record_feedback(&vote(1, ALICE, Vote::Up, "q")),
        Err(StoreError::Unavailable)
    );
    let (fallback, fresh) = store.guild_settings_or_last(GUILD);
    assert!(!fresh);
    assert_eq!(fallback.in_force(None).scope, ScopeSpec::All);
    store.record_unanswered(&unanswered(1, ALICE, "q", now()));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "gave up within the timeout: {:?}",
        started.elapsed()
    );

    // SQLite whose file cannot be a database (a directory is in the way).
    let bad = tempfile::tempdir().unwrap();
    std::fs::create_dir(bad.path().join("db")).unwrap();
    s.url = Some(Secret::new(format!(
        "sqlite://{}",
        bad.path().join("db").display()
    )));
    let store = Store::open(&s, bad.path()).unwrap();
    assert_eq!(store.check(), Err(StoreError::Unavailable));
}

#[test]
fn storage_settings_come_from_the_settings_and_secrets_stay_out_of_logs() {
    let s = Settings::defaults().storage;
    assert_eq!(s.retention_days, 90);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("local.toml"),
        "[storage]\nurl = \"postgres://teacher:hunter2hunter2@db.example/archivist\"\n",
    )
    .unwrap();
    let env = |k: &str| (k == "ARCHIVIST_USER_KEY").then(|| "a user key long enough".to_string());
    let s = Settings::load_with(dir.path(), env).unwrap();
    let dbg = format!("{s:?}");
    assert!(!dbg.contains("hunter2"), "{dbg}");
    assert!(!dbg.contains("a user key long enough"), "{dbg}");
    assert_eq!(
        s.storage.user_key.unwrap().expose(),
        "a user key long enough"
    );
    // On a socket directory with no server: nothing is reached.
    let mut st = Settings::defaults().storage;
    st.url = Some(Secret::new(format!(
        "postgres://teacher:hunter2hunter2@localhost/archivist?host={}",
        dir.path().display()
    )));
    let store = Store::open(&st, dir.path()).unwrap();
    assert!(!store.backend().to_string().contains("hunter2"));
}
