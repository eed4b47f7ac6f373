//! Secrets never reach the logs: `serve-http` started with a bot token and a public key, at the
//! most verbose log level, answering a signed request, prints neither.

use std::process::{Command, Stdio};
use std::time::Duration;

mod http_support;
use http_support::{now, Keys};

#[cfg(unix)]
#[test]
fn startup_and_requests_log_neither_token_nor_key() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let data = tempfile::tempdir().unwrap();
    let keys = Keys::random();
    let token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GsEcRt.this-is-the-secret-bot-token";
    let child = Command::new(env!("CARGO_BIN_EXE_archivist"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--data"])
        .arg(data.path())
        .args(["serve-http", "--listen", &format!("127.0.0.1:{port}")])
        .env("DISCORD_TOKEN", token)
        .env("DISCORD_PUBLIC_KEY", keys.public_hex())
        .env("ARCHIVIST__CORPUS__WATCH_SECS", "0")
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (health, ping) = rt.block_on(async {
        let client = reqwest::Client::new();
        let mut health = 0;
        for _ in 0..300 {
            if let Ok(r) = client
                .get(format!("http://127.0.0.1:{port}/healthz"))
                .send()
                .await
            {
                health = r.status().as_u16();
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let body = br#"{"type":1,"id":"1","application_id":"1","token":"t","version":1}"#;
        let ts = now();
        let r = client
            .post(format!("http://127.0.0.1:{port}/interactions"))
            .header("X-Signature-Ed25519", keys.sign(&ts, body))
            .header("X-Signature-Timestamp", ts)
            .header("content-type", "application/json")
            .body(body.to_vec())
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        (health, r)
    });
    // The container health check command agrees.
    let hc = Command::new(env!("CARGO_BIN_EXE_archivist"))
        .args(["healthcheck", &format!("127.0.0.1:{port}")])
        .status()
        .unwrap();
    assert!(hc.success());
    assert!(Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    let out = child.wait_with_output().unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!((health, ping), (200, 200), "{log}");
    assert!(log.len() > 200, "trace logging produced output: {log}");
    assert!(!log.contains(token), "the token was logged");
    assert!(
        !log.contains("this-is-the-secret"),
        "part of the token was logged"
    );
    assert!(
        !log.contains(&keys.public_hex()),
        "the public key was logged"
    );
}

#[test]
fn settings_debug_redacts_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let key = "ab".repeat(32);
    let s = archivist::settings::Settings::load_with(dir.path(), |k| match k {
        "DISCORD_TOKEN" => Some("tok-very-secret".into()),
        "DISCORD_PUBLIC_KEY" => Some(key.clone()),
        _ => None,
    })
    .unwrap();
    let dbg = format!("{s:?} {s:#?}");
    assert!(
        !dbg.contains("tok-very-secret") && !dbg.contains(&key),
        "{dbg}"
    );
}
