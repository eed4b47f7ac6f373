//! The Discord subcommands of the binary: `interact` answers an interaction from stdin through
//! the same dispatcher as the bot, offline; `commands --json` prints the registration JSON;
//! `serve` and `register` refuse to start without a token and never print it; `cite` prints the
//! citation styles the Discord `/cite` command shows.

mod discord_support;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

fn archivist(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> (i32, String, String) {
    let data = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_archivist"));
    cmd.args(["--corpus", "seeds", "--data"])
        .arg(data.path())
        .args(args)
        .env_remove("DISCORD_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn interact_answers_one_interaction_offline() {
    let payload = discord_support::command(
        "ask",
        &[(
            "question",
            json!("what did Ji Pengfei say about the fence?"),
        )],
    );
    let (code, out, err) = archivist(&["interact"], &payload.to_string(), &[]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["type"], 4);
    assert_eq!(v["data"]["allowed_mentions"], json!({"parse": []}));
    assert!(v["data"]["embeds"][0]["fields"][0]["name"]
        .as_str()
        .unwrap()
        .starts_with("Ji Pengfei"));
    // The same as the library's dispatcher gives.
    assert_eq!(v, discord_support::run(&payload));

    let (code, _, err) = archivist(&["interact"], "{not json", &[]);
    assert_eq!(code, 2);
    assert!(err.contains("not a Discord interaction"), "{err}");
}

#[test]
fn commands_json_is_the_registration_table() {
    let (code, out, _) = archivist(&["commands", "--json"], "", &[]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v, archivist::discord::commands::registration_json());
}

#[test]
fn serve_and_register_need_a_token_and_never_print_it() {
    for args in [vec!["serve"], vec!["register", "--guild", "1"]] {
        let (code, out, err) = archivist(&args, "", &[]);
        assert_eq!(code, 1, "{args:?}");
        assert!(err.contains("DISCORD_TOKEN"), "{err}");
        assert!(out.is_empty());
    }
    // With a token but no application id, register stops before any network call.
    let secret = "very-secret-token-value";
    let (code, out, err) = archivist(&["register", "--global"], "", &[("DISCORD_TOKEN", secret)]);
    assert_eq!(code, 1);
    assert!(err.contains("application_id"), "{err}");
    assert!(!err.contains(secret) && !out.contains(secret));
}

#[test]
fn cite_prints_every_style_or_one() {
    let (code, out, _) = archivist(&["cite", "121676"], "", &[]);
    assert_eq!(code, 0);
    for label in ["As given by the archive:", "Chicago:", "MLA:", "APA:"] {
        assert!(out.contains(label), "{out}");
    }
    let (code, out, _) = archivist(&["cite", "121676", "--style", "mla"], "", &[]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1);
    assert!(
        out.contains("Translated by Caixia Lu, 26 June 1962."),
        "{out}"
    );
    let (code, _, err) = archivist(&["cite", "12167"], "", &[]);
    assert_eq!(code, 1);
    assert!(err.contains("121676"), "{err}");
}
