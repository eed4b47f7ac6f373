//! Files over both transports, against a stand-in for Discord's REST API on loopback that keeps
//! every request body: the HTTP endpoint defers a `/trend` and sends the chart and CSV with the
//! webhook edit as `multipart/form-data`; the gateway's outbox sends them with the interaction
//! response itself. The multipart bodies are read part by part. And `archivist interact
//! --files DIR` writes a response's files into DIR.

mod discord_support;
mod http_support;

use std::sync::Arc;
use std::time::Duration;

use archivist::discord::dispatch::{deferral, dispatch};
use archivist::discord::gateway::{deliver, RestOutbox};
use discord_support::*;
use http_support::*;
use serde_json::{json, Value};
use serenity::model::application::Interaction;

const TOKEN_PATH: &str = "aW50ZXJhY3Rpb246MTEwMDAwMDAwMDAwMDAwMDAwMTp0ZXN0";

fn trend_command() -> Value {
    command("trend", &[("terms", json!("repatriate, border"))])
}

/// The files of a multipart message body: the payload names them, the parts hold them.
fn check_trend_upload(call: &Call) {
    assert!(
        call.content_type
            .starts_with("multipart/form-data; boundary="),
        "{}",
        call.content_type
    );
    let parts = call.parts();
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["payload_json", "files[0]", "files[1]"]);
    let payload = call.payload();
    let message = payload.get("data").unwrap_or(&payload);
    assert_eq!(
        message["embeds"][0]["image"]["url"],
        "attachment://trend.png"
    );
    assert_eq!(message["allowed_mentions"], json!({"parse": []}));
    assert_eq!(
        message["attachments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (
                a["id"].as_u64().unwrap(),
                a["filename"].as_str().unwrap().to_string()
            ))
            .collect::<Vec<_>>(),
        [(0, "trend.png".to_string()), (1, "trend.csv".to_string())]
    );
    assert_eq!(parts[1].filename.as_deref(), Some("trend.png"));
    assert_eq!(parts[1].content_type.as_deref(), Some("image/png"));
    let png = png::Decoder::new(std::io::Cursor::new(parts[1].body.clone()))
        .read_info()
        .expect("files[0] is a PNG");
    assert!(png.info().width >= 800 && png.info().height >= 400);
    assert_eq!(parts[2].filename.as_deref(), Some("trend.csv"));
    let csv = String::from_utf8(parts[2].body.clone()).unwrap();
    assert!(
        csv.starts_with("term,document,date,count,words,per_10k\nrepatriate,"),
        "{csv}"
    );
}

#[tokio::test]
async fn the_http_endpoint_defers_and_sends_files_with_the_webhook_edit() {
    let app = spawn_app(dispatch_context(engine(), 1_000_000), default_config()).await;
    let r = app.post(&trend_command()).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        json!({"type": 5, "data": {"flags": 0}}),
        "deferred: the body cannot carry files"
    );
    let calls = app.discord.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(calls.len(), 1, "{calls:?}");
    let c = &calls[0];
    assert_eq!(c.method, "PATCH");
    assert_eq!(
        c.path,
        format!("/api/v10/webhooks/1000000000000000001/{TOKEN_PATH}/messages/@original")
    );
    check_trend_upload(c);

    // Answers without files still come back inline.
    let r = app
        .post(&command("cite", &[("document", json!("118200"))]))
        .await;
    assert_eq!(r.json()["type"], 4);
}

#[tokio::test]
async fn the_http_endpoint_sends_a_reference_file() {
    let app = spawn_app(dispatch_context(engine(), 1_000_000), default_config()).await;
    let r = app
        .post(&command(
            "cite",
            &[("document", json!("118200")), ("style", json!("ris"))],
        ))
        .await;
    assert_eq!(r.json()["type"], 5);
    let calls = app.discord.wait_for(1, Duration::from_secs(20)).await;
    let parts = calls[0].parts();
    assert_eq!(parts[1].filename.as_deref(), Some("118200.ris"));
    assert!(parts[1].body.starts_with(b"TY  - MANSCPT\r\n"));
}

#[tokio::test]
async fn the_gateway_sends_files_with_the_interaction_response() {
    let discord = StandIn::spawn(None).await;
    let interaction: Interaction = serde_json::from_value(trend_command()).unwrap();
    let out = RestOutbox::new(Arc::new(discord.http("")), &interaction);
    let defer = deferral(&interaction);
    let i = interaction.clone();
    deliver(&out, defer, Duration::from_secs(10), move || {
        dispatch(ctx(), &i)
    })
    .await
    .unwrap();
    let calls = discord.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].method, "POST");
    assert_eq!(
        calls[0].path,
        format!("/api/v10/interactions/1100000000000000001/{TOKEN_PATH}/callback")
    );
    assert_eq!(calls[0].payload()["type"], 4);
    check_trend_upload(&calls[0]);

    // Deferred (no time allowed): the edit carries the files.
    let discord = StandIn::spawn(None).await;
    let out = RestOutbox::new(Arc::new(discord.http("")), &interaction);
    let i = interaction.clone();
    deliver(&out, deferral(&interaction), Duration::ZERO, move || {
        dispatch(ctx(), &i)
    })
    .await
    .unwrap();
    let calls = discord.calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[0].body, json!({"type": 5, "data": {"flags": 0}}));
    assert_eq!(calls[1].method, "PATCH");
    check_trend_upload(&calls[1]);
}

#[test]
fn interact_writes_the_files_into_a_directory() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_archivist"))
        .args(["--data"])
        .arg(data.path())
        .args(["interact", "--files"])
        .arg(files.path().join("out"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(trend_command().to_string().as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let response: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(response["data"]["attachments"][0]["filename"], "trend.png");
    let png = std::fs::read(files.path().join("out/trend.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let csv = std::fs::read_to_string(files.path().join("out/trend.csv")).unwrap();
    assert!(csv.starts_with("term,document,"));
}
