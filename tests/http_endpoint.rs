//! The interactions endpoint over real HTTP: the server on port 0, requests signed with a test
//! keypair exactly as Discord signs them, payloads shaped as Discord sends them. Every command,
//! autocomplete and a button answer exactly what the dispatcher answers; every rejection path
//! answers its status and does no work.

mod discord_support;
mod http_support;

use std::time::Duration;

use discord_support::*;
use http_support::*;
use serde_json::{json, Value};

async fn app() -> TestApp {
    spawn_app(dispatch_context(engine(), 1_000_000), default_config()).await
}

#[tokio::test]
async fn ping_is_answered_with_pong() {
    let app = app().await;
    let mut ping = command("help", &[]);
    ping["type"] = json!(1);
    ping.as_object_mut().unwrap().remove("data");
    let r = app.post(&ping).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"type": 1}));
}

#[tokio::test]
async fn every_command_answers_inline_as_the_dispatcher_does() {
    let app = app().await;
    let commands = [
        command("ask", &[("question", json!(BORDER))]),
        command(
            "ask",
            &[("question", json!(BORDER)), ("private", json!(true))],
        ),
        command("doc", &[("document", json!("121676"))]),
        command("search", &[("query", json!("border"))]),
        command(
            "quote",
            &[("document", json!("121676")), ("passage", json!(2))],
        ),
        command("speakers", &[]),
        command("cite", &[("document", json!("121676"))]),
        command("help", &[]),
    ];
    for c in &commands {
        let r = app.post(c).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let got = r.json();
        assert_eq!(got, run(c), "{}", c["data"]["name"]);
        assert_eq!(got["type"], 4, "answered inline, not deferred");
        assert_eq!(got["data"]["allowed_mentions"]["parse"], json!([]));
        assert!(app.discord.calls().is_empty(), "nothing sent over REST");
    }
    let ask = app.post(&commands[0]).await.json();
    assert!(embed(&ask)["fields"][0]["value"]
        .as_str()
        .unwrap()
        .contains("**border**"));
}

#[tokio::test]
async fn autocomplete_and_buttons_go_through_the_same_dispatcher() {
    let app = app().await;
    let ac = autocomplete("doc", &[], "document", "12167");
    let r = app.post(&ac).await.json();
    assert_eq!(r["type"], 8);
    assert!(!r["data"]["choices"].as_array().unwrap().is_empty());
    assert_eq!(r, run(&ac));

    let ask = app
        .post(&command("ask", &[("question", json!(BORDER))]))
        .await
        .json();
    let next = press(&ask, &custom_id(&ask, "▶"), STUDENT);
    let r = app.post(&next).await.json();
    assert_eq!(r["type"], 7, "the button updates its message");
    assert!(footer(&r).starts_with("4–6 of "), "{}", footer(&r));
    assert_eq!(r, run(&next));
}

#[tokio::test]
async fn a_slow_answer_is_deferred_and_delivered_over_rest() {
    let mut config = default_config();
    config.defer_after = Duration::ZERO;
    let app = spawn_app(dispatch_context(engine(), 1_000_000), config).await;
    let r = app
        .post(&command("ask", &[("question", json!(BORDER))]))
        .await;
    assert_eq!(
        r.json(),
        json!({"type": 5, "data": {"flags": 0}}),
        "deferred in public: thinking…"
    );
    let calls = app.discord.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(calls.len(), 1, "{calls:?}");
    let c = &calls[0];
    assert_eq!(c.method, "PATCH");
    assert_eq!(
        c.path,
        "/api/v10/webhooks/1000000000000000001/aW50ZXJhY3Rpb246MTEwMDAwMDAwMDAwMDAwMDAwMTp0ZXN0/messages/@original"
    );
    assert_eq!(c.body["embeds"][0]["title"], BORDER);
    assert_eq!(c.body["allowed_mentions"]["parse"], json!([]));
}

#[tokio::test]
async fn health_shows_the_corpus_in_service() {
    let app = app().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status, 200);
    let h = r.json();
    let s = engine().stats();
    assert_eq!(h["status"], "ok");
    assert_eq!(h["documents"], s.documents);
    assert_eq!(h["passages"], s.passages);
    assert_eq!(h["speakers"], s.speakers);
    assert_eq!(h["built_at"], s.built_at);
    assert!(h["index_age_secs"].as_u64().unwrap() < 24 * 3600);
    assert!(s.documents > 0 && s.passages > 0);
}

fn ask_body() -> Vec<u8> {
    command("ask", &[("question", json!(BORDER))])
        .to_string()
        .into_bytes()
}

type Headers = Vec<(&'static str, String)>;

/// Headers for `body` signed by `keys` at `ts`.
fn signed(keys: &Keys, ts: &str, body: &[u8]) -> Headers {
    vec![
        ("X-Signature-Ed25519", keys.sign(ts, body)),
        ("X-Signature-Timestamp", ts.to_string()),
    ]
}

#[tokio::test]
async fn unsigned_and_badly_signed_requests_are_refused_with_401() {
    // A rate limit of one command: had any refused request reached the dispatcher, the last
    // (valid) one would be rate limited.
    let app = spawn_app(dispatch_context(engine(), 1), default_config()).await;
    let body = ask_body();
    let ts = now();
    let good = signed(&app.keys, &ts, &body);
    let other = Keys::random();
    let mut tampered = body.clone();
    let at = tampered.len() - 3;
    tampered[at] ^= 1;
    let stale = (ts.parse::<u64>().unwrap() - 301).to_string();
    let future = (ts.parse::<u64>().unwrap() + 301).to_string();
    let sig = |h: &[(&str, String)]| h[0].1.clone();
    let cases: Vec<(&str, Vec<u8>, Headers)> = vec![
        ("no headers", body.clone(), vec![]),
        (
            "no signature",
            body.clone(),
            vec![("X-Signature-Timestamp", ts.clone())],
        ),
        (
            "no timestamp",
            body.clone(),
            vec![("X-Signature-Ed25519", sig(&good))],
        ),
        (
            "signature not hex",
            body.clone(),
            vec![
                ("X-Signature-Ed25519", "zz".repeat(64)),
                ("X-Signature-Timestamp", ts.clone()),
            ],
        ),
        (
            "signature too short",
            body.clone(),
            vec![
                ("X-Signature-Ed25519", sig(&good)[..64].to_string()),
                ("X-Signature-Timestamp", ts.clone()),
            ],
        ),
        ("wrong key", body.clone(), signed(&other, &ts, &body)),
        ("tampered body", tampered, good.clone()),
        (
            "timestamp changed after signing",
            body.clone(),
            vec![
                ("X-Signature-Ed25519", sig(&good)),
                (
                    "X-Signature-Timestamp",
                    (ts.parse::<u64>().unwrap() - 1).to_string(),
                ),
            ],
        ),
        (
            "stale timestamp (replay)",
            body.clone(),
            signed(&app.keys, &stale, &body),
        ),
        (
            "timestamp from the future",
            body.clone(),
            signed(&app.keys, &future, &body),
        ),
        (
            "timestamp not a number",
            body.clone(),
            signed(&app.keys, "yesterday", &body),
        ),
    ];
    for (what, body, headers) in cases {
        let r = app.post_raw(body, &headers).await;
        assert_eq!(r.status, 401, "{what}: {}", r.body);
        assert!(!r.body.contains("border"), "{what}: no work done");
    }
    let r = app.post_raw(body, &good).await.json();
    assert_eq!(r["type"], 4);
    assert_eq!(
        embed(&r)["title"],
        BORDER,
        "the one valid request was the first to reach the dispatcher: {r}"
    );
    assert!(app.discord.calls().is_empty());
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = app().await;
    let mut c = command("ask", &[("question", json!(BORDER))]);
    c["padding"] = json!("x".repeat(64 * 1024));
    let body = c.to_string().into_bytes();
    assert!(body.len() > 65536);
    let r = app
        .post_raw(body.clone(), &signed(&app.keys, &now(), &body))
        .await;
    assert_eq!(r.status, 413);
    // Just under the limit is fine.
    c["padding"] = json!("x".repeat(60 * 1024));
    let r = app.post(&c).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn signed_bodies_that_are_not_interactions_are_refused_with_400() {
    let app = app().await;
    let r = app.post_signed(b"this is not json").await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("not JSON"), "{}", r.body);

    for kind in [json!(99), json!(0), json!("2"), Value::Null] {
        let mut c = command("ask", &[("question", json!(BORDER))]);
        c["type"] = kind.clone();
        let r = app.post(&c).await;
        assert_eq!(r.status, 400, "type {kind}");
        assert!(r.body.contains("unknown interaction type"), "{}", r.body);
    }
    let r = app.post(&json!({"type": 2, "id": "not a snowflake"})).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("not a Discord interaction"), "{}", r.body);
}

#[tokio::test]
async fn other_routes_and_methods_are_not_found() {
    let app = app().await;
    assert_eq!(app.get("/interactions").await.status, 405);
    assert_eq!(app.get("/").await.status, 404);
}

#[tokio::test]
async fn the_server_stops_listening_when_told() {
    let keys = Keys::random();
    let app = archivist::discord::http::router(
        dispatch_context(engine(), 1_000_000),
        archivist::discord::http::verifier(&keys.public_hex()).unwrap(),
        default_config(),
        std::sync::Arc::new(serenity::all::Http::new("")),
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (addr, server) =
        archivist::discord::http::spawn("127.0.0.1:0".parse().unwrap(), app, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    let health = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("stopped within 10 s")
        .unwrap()
        .unwrap();
    assert!(
        reqwest::get(format!("http://{addr}/healthz"))
            .await
            .is_err(),
        "no longer listening"
    );
}

/// `archivist serve-http` as a process: serves, and exits 0 on SIGTERM.
#[cfg(unix)]
#[test]
fn serve_http_runs_and_exits_cleanly_on_sigterm() {
    use std::process::{Command, Stdio};
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let data = tempfile::tempdir().unwrap();
    let keys = Keys::random();
    let child = Command::new(env!("CARGO_BIN_EXE_archivist"))
        .args(["--corpus", "seeds", "--data"])
        .arg(data.path())
        .args(["serve-http", "--listen", &format!("127.0.0.1:{port}")])
        .env("DISCORD_PUBLIC_KEY", keys.public_hex())
        .env("ARCHIVIST__CORPUS__WATCH_SECS", "0")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let healthy = rt.block_on(async {
        for _ in 0..300 {
            if let Ok(r) = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await {
                return r.status().as_u16();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        0
    });
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert_eq!(healthy, 200, "{log}");
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(
        log.contains("serving Discord interactions over HTTP"),
        "{log}"
    );
    assert!(log.contains("shutting down"), "{log}");
    assert!(!log.contains(&keys.public_hex()), "the key is never logged");
}
