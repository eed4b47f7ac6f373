//! The teacher tools from the shell: `archivist invite`, `settings`, `gaps`, `forget`, on the
//! SQLite database in a data directory.

use std::path::Path;
use std::process::Command;

use archivist::search::scope::ScopeSpec;
use archivist::settings::{Secret, Settings};
use archivist::storage::{Feedback, SettingsChange, Store, Vote};

const GUILD: u64 = 400_000_000_000_000_001;
const KEY: &str = "the key of this test, long enough";

fn archivist(data: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_archivist"))
        .args([
            "--data",
            data.to_str().unwrap(),
            "--config",
            data.to_str().unwrap(),
        ])
        .args(args)
        .env("ARCHIVIST_USER_KEY", KEY)
        .env_remove("ARCHIVIST__DISCORD__APPLICATION_ID")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn store(data: &Path) -> Store {
    let mut s = Settings::defaults().storage;
    s.user_key = Some(Secret::new(KEY));
    Store::open(&s, data).unwrap()
}

#[test]
fn invite_asks_for_the_fewest_scopes_and_no_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = archivist(dir.path(), &["invite", "--application-id", "123"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.trim(),
        "https://discord.com/oauth2/authorize?client_id=123&scope=applications.commands"
    );
    let (_, out, _) = archivist(
        dir.path(),
        &["invite", "--application-id", "123", "--gateway"],
    );
    assert!(
        out.contains("scope=bot+applications.commands&permissions=0"),
        "{out}"
    );
    let (code, _, err) = archivist(dir.path(), &["invite"]);
    assert_eq!(code, 1);
    assert!(err.contains("application id"), "{err}");
}

#[test]
fn settings_gaps_and_forget_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    {
        let s = store(data);
        let change = SettingsChange {
            private: Some(true),
            scope: Some(Some(ScopeSpec::parse("unit-1,121676").unwrap())),
        };
        s.change_settings(GUILD, None, &change).unwrap();
        s.record_feedback(&Feedback {
            guild_id: GUILD,
            message_id: 1,
            user_id: 42,
            vote: Vote::Down,
            question: "Why the border?".into(),
            passages: vec!["121676#3".into()],
            index_version: "index-x".into(),
            at: archivist::storage::now(),
        })
        .unwrap();
    }
    let (code, out, _) = archivist(data, &["settings", "--guild", &GUILD.to_string(), "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["in_force"]["private"], true);
    assert_eq!(v["in_force"]["scope"], "unit-1,121676");
    let (_, out, _) = archivist(data, &["settings", "--guild", &GUILD.to_string()]);
    assert!(
        out.contains("private by default (set for the server)"),
        "{out}"
    );

    let (code, out, _) = archivist(data, &["gaps", "--guild", &GUILD.to_string(), "--csv"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("question,count,"), "{out}");
    assert!(out.contains("Why the border?,1,0,1,"), "{out}");
    let (_, out, _) = archivist(data, &["gaps", "--guild", &GUILD.to_string(), "--json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()[0]["thumbs_down"],
        1
    );

    let (code, out, _) = archivist(data, &["forget", "--user", "42"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("deleted 0 questions and 1 feedback record"),
        "{out}"
    );
    let (_, out, _) = archivist(data, &["gaps", "--guild", &GUILD.to_string()]);
    assert!(out.contains("no questions"), "{out}");
}

#[test]
fn cdn_hosts_can_be_given_as_a_list_in_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let env = [(
        "ARCHIVIST__TEACHER__CDN_HOSTS".to_string(),
        "https://a.example, http://127.0.0.1:9".to_string(),
    )];
    let s = Settings::load_from(dir.path(), env).unwrap();
    assert_eq!(
        s.teacher.cdn_hosts,
        ["https://a.example", "http://127.0.0.1:9"]
    );
    std::fs::write(
        dir.path().join("local.toml"),
        "[teacher]\ncdn_hosts = [\"cdn.example\"]\n",
    )
    .unwrap();
    let e = Settings::load_with(dir.path(), |_| None).unwrap_err();
    assert!(format!("{e:#}").contains("cdn_hosts"), "{e:#}");
}
