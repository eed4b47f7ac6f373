//! The real `archivist serve` binary against a stand-in Discord on loopback: REST through the
//! `discord.proxy` setting (`ARCHIVIST__DISCORD__PROXY`), the gateway websocket named by
//! `GET /gateway/bot`. READY → INTERACTION_CREATE → the interaction callback; then the stand-in
//! drops the websocket, the bot reconnects (resuming its session, or identifying again) and
//! answers the next interaction; then SIGTERM stops it cleanly. Nothing reaches discord.com;
//! every wait is bounded.

mod discord_support;
mod http_support;

use std::process::Stdio;
use std::time::Duration;

use discord_support::*;
use futures_util::{SinkExt, StreamExt};
use http_support::*;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// What the stand-in gateway saw: each connection's opening op (2 IDENTIFY or 6 RESUME).
#[derive(Debug)]
enum Seen {
    Opened(u64),
}

fn ready(url: &str) -> Value {
    json!({
        "op": 0, "s": 1, "t": "READY",
        "d": {
            "v": 10,
            "user": {"id": BOT, "username": "Archivist", "discriminator": "0", "avatar": null,
                     "global_name": null, "bot": true, "verified": true, "mfa_enabled": false,
                     "flags": 0},
            "guilds": [],
            "session_id": "standin-session",
            "resume_gateway_url": url,
            "shard": [0, 1],
            "application": {"id": "1000000000000000001", "flags": 0}
        }
    })
}

/// Serves gateway connections one after another: HELLO, then on IDENTIFY a READY (on RESUME a
/// RESUMED), then the next interaction of `interactions`; heartbeats are acked. After the first
/// connection's interaction is answered (`answered` says so), that connection is dropped.
async fn stand_in_gateway(
    listener: TcpListener,
    interactions: Vec<Value>,
    seen: mpsc::UnboundedSender<Seen>,
    mut answered: mpsc::UnboundedReceiver<()>,
) {
    let url = format!("ws://{}", listener.local_addr().unwrap());
    for (n, interaction) in interactions.into_iter().enumerate() {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        let hello = json!({"op": 10, "d": {"heartbeat_interval": 41250}, "s": null, "t": null});
        ws.send(Message::Text(hello.to_string())).await.unwrap();
        let mut seq = 1 + n as u64 * 10;
        loop {
            let msg = tokio::select! {
                m = ws.next() => m,
                _ = answered.recv(), if n == 0 => {
                    // Drop the connection without a close frame, as a network failure would.
                    break;
                }
            };
            let Some(Ok(Message::Text(text))) = msg else {
                if msg.is_none() {
                    break;
                }
                continue;
            };
            let v: Value = serde_json::from_str(&text).unwrap();
            let op = v["op"].as_u64().unwrap_or(99);
            match op {
                2 | 6 => {
                    let _ = seen.send(Seen::Opened(op));
                    let first = if op == 2 {
                        ready(&url)
                    } else {
                        json!({"op": 0, "s": seq, "t": "RESUMED", "d": {}})
                    };
                    ws.send(Message::Text(first.to_string())).await.unwrap();
                    seq += 1;
                    let event = json!({"op": 0, "s": seq, "t": "INTERACTION_CREATE",
                                       "d": interaction.clone()});
                    ws.send(Message::Text(event.to_string())).await.unwrap();
                }
                1 => {
                    let ack = json!({"op": 11, "d": null, "s": null, "t": null});
                    let _ = ws.send(Message::Text(ack.to_string())).await;
                }
                _ => {}
            }
        }
        drop(ws);
    }
    // Keep the listener until the test ends.
    std::future::pending::<()>().await;
}

/// An `/ask` interaction with its own id and token.
fn ask(id: &str, token: &str) -> Value {
    let mut v = command("ask", &[("question", json!(BORDER))]);
    v["id"] = json!(id);
    v["token"] = json!(token);
    v
}

fn callback_path(v: &Value) -> String {
    format!(
        "/api/v10/interactions/{}/{}/callback",
        v["id"].as_str().unwrap(),
        v["token"].as_str().unwrap()
    )
}

async fn wait_for_path(discord: &StandIn, path: &str, limit: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if let Some(c) = discord.calls().into_iter().find(|c| c.path == path) {
            return Some(c.body);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archivist_serve_answers_reconnects_and_stops_on_sigterm() {
    tokio::time::timeout(Duration::from_secs(120), async {
        let ws = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws_url = format!("ws://{}", ws.local_addr().unwrap());
        let discord = StandIn::spawn(Some(ws_url)).await;
        let first = ask("1100000000000000011", "first-token");
        let second = ask("1100000000000000012", "second-token");
        let (seen_tx, mut seen) = mpsc::unbounded_channel();
        let (answered_tx, answered) = mpsc::unbounded_channel();
        tokio::spawn(stand_in_gateway(
            ws,
            vec![first.clone(), second.clone()],
            seen_tx,
            answered,
        ));

        let data = tempfile::tempdir().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut bot = std::process::Command::new(env!("CARGO_BIN_EXE_archivist"))
            .arg("--config")
            .arg(root.join("config"))
            .arg("--corpus")
            .arg(root.join("seeds"))
            .arg("--data")
            .arg(data.path())
            .arg("serve")
            .env("DISCORD_TOKEN", "standin-token")
            .env(
                "ARCHIVIST__DISCORD__PROXY",
                format!("http://{}", discord.addr),
            )
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("archivist serve starts");
        let pid = bot.id() as i32;
        // Whatever happens, the child does not outlive the test.
        struct Reap(i32);
        impl Drop for Reap {
            fn drop(&mut self) {
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", &self.0.to_string()])
                    .stderr(Stdio::null())
                    .status();
            }
        }
        let _reap = Reap(pid);

        let opened = tokio::time::timeout(Duration::from_secs(60), seen.recv())
            .await
            .expect("the bot connected to the gateway within 60 s");
        assert!(matches!(opened, Some(Seen::Opened(2))), "{opened:?}");
        let body = wait_for_path(&discord, &callback_path(&first), Duration::from_secs(20))
            .await
            .expect("the first interaction is answered through the proxy");
        assert_eq!(body["type"], 4);
        assert_eq!(body["data"]["allowed_mentions"]["parse"], json!([]));
        assert_eq!(body, run(&first), "the same answer as the dispatcher gives");
        let paths: Vec<String> = discord.calls().iter().map(|c| c.path.clone()).collect();
        assert!(
            paths.iter().any(|p| p == "/api/v10/gateway/bot"),
            "the websocket came from GET /gateway/bot: {paths:?}"
        );

        // The stand-in drops the websocket; the bot comes back and answers the next one.
        answered_tx.send(()).unwrap();
        let reopened = tokio::time::timeout(Duration::from_secs(40), seen.recv())
            .await
            .expect("the bot reconnected within 40 s");
        assert!(
            matches!(reopened, Some(Seen::Opened(2 | 6))),
            "resume or identify: {reopened:?}"
        );
        let body = wait_for_path(&discord, &callback_path(&second), Duration::from_secs(20))
            .await
            .expect("the interaction after the reconnect is answered");
        assert_eq!(body["type"], 4);

        // SIGTERM: a clean stop, exit code 0.
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(st) = bot.try_wait().unwrap() {
                break st;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the bot stops within 20 s of SIGTERM"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let mut err = String::new();
        if let Some(mut e) = bot.stderr.take() {
            use std::io::Read;
            let _ = e.read_to_string(&mut err);
        }
        assert!(status.success(), "exit {status:?}; stderr: {err}");
        assert!(!err.contains("panicked"), "{err}");
    })
    .await
    .expect("the end-to-end test finished within 120 s");
}
