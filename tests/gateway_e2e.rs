//! The gateway adapter end to end against a stand-in Discord on loopback: the real serenity client
//! started through [`archivist::discord::gateway::run`] (what `archivist serve` runs), its REST
//! client pointed at a local stand-in with `HttpBuilder::proxy`. The stand-in's
//! `GET /api/v10/gateway` names a local websocket that speaks the gateway protocol: HELLO (op 10),
//! waits for IDENTIFY (op 2), READY, then an INTERACTION_CREATE for `/ask`. The test checks the
//! interaction callback the bot POSTs back. Nothing reaches discord.com; everything is bounded by
//! timeouts.

mod discord_support;
mod http_support;

use std::time::Duration;

use archivist::discord::gateway;
use discord_support::*;
use futures_util::{SinkExt, StreamExt};
use http_support::*;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;

/// A minimal READY that serenity accepts.
fn ready(resume_url: &str) -> Value {
    json!({
        "op": 0, "s": 1, "t": "READY",
        "d": {
            "v": 10,
            "user": {"id": BOT, "username": "Archivist", "discriminator": "0", "avatar": null,
                     "global_name": null, "bot": true, "verified": true, "mfa_enabled": false,
                     "flags": 0},
            "guilds": [],
            "session_id": "standin-session",
            "resume_gateway_url": resume_url,
            "shard": [0, 1],
            "application": {"id": "1000000000000000001", "flags": 0}
        }
    })
}

/// Serves one gateway connection: HELLO, IDENTIFY → READY + `interaction`, heartbeats acked.
/// Sends the IDENTIFY payload to `identified`.
async fn stand_in_gateway(
    listener: TcpListener,
    interaction: Value,
    identified: oneshot::Sender<Value>,
) {
    let url = format!("ws://{}", listener.local_addr().unwrap());
    let (tcp, _) = listener.accept().await.unwrap();
    let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 41250}, "s": null, "t": null});
    ws.send(Message::Text(hello.to_string())).await.unwrap();
    let mut identified = Some(identified);
    let mut seq = 1;
    while let Some(Ok(msg)) = ws.next().await {
        let Message::Text(text) = msg else { continue };
        let v: Value = serde_json::from_str(&text).unwrap();
        match v["op"].as_u64() {
            Some(2) => {
                if let Some(tx) = identified.take() {
                    let _ = tx.send(v.clone());
                }
                ws.send(Message::Text(ready(&url).to_string()))
                    .await
                    .unwrap();
                seq += 1;
                let event = json!({"op": 0, "s": seq, "t": "INTERACTION_CREATE",
                                   "d": interaction.clone()});
                ws.send(Message::Text(event.to_string())).await.unwrap();
            }
            Some(1) => {
                let ack = json!({"op": 11, "d": null, "s": null, "t": null});
                let _ = ws.send(Message::Text(ack.to_string())).await;
            }
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_adapter_answers_an_interaction_over_discords_rest_api() {
    tokio::time::timeout(Duration::from_secs(60), async {
        let ws = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws_url = format!("ws://{}", ws.local_addr().unwrap());
        let discord = StandIn::spawn(Some(ws_url)).await;
        let ask = command("ask", &[("question", json!(BORDER))]);
        let (identified_tx, identified) = oneshot::channel();
        tokio::spawn(stand_in_gateway(ws, ask.clone(), identified_tx));

        let (stop, stopped) = oneshot::channel::<()>();
        let bot = tokio::spawn(gateway::run(
            discord.http("standin-token"),
            dispatch_context(engine(), 1_000_000),
            async {
                let _ = stopped.await;
            },
        ));

        let identify = tokio::time::timeout(Duration::from_secs(20), identified)
            .await
            .expect("the bot identified within 20 s")
            .unwrap();
        // serenity 0.12 identifies with the token as its REST client holds it ("Bot …").
        assert_eq!(identify["d"]["token"], "Bot standin-token");
        assert_eq!(identify["d"]["intents"], 0);

        let callback = "/api/v10/interactions/1100000000000000001/\
                        aW50ZXJhY3Rpb246MTEwMDAwMDAwMDAwMDAwMDAwMTp0ZXN0/callback";
        let mut calls = Vec::new();
        for _ in 0..1000 {
            calls = discord.calls();
            if calls.iter().any(|c| c.path == callback) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let paths: Vec<String> = calls
            .iter()
            .map(|c| format!("{} {}", c.method, c.path))
            .collect();
        assert_eq!(
            paths.first().map(String::as_str),
            Some("GET /api/v10/gateway"),
            "{paths:?}"
        );
        let answer = calls
            .iter()
            .find(|c| c.path == callback)
            .unwrap_or_else(|| panic!("no interaction callback in {paths:?}"));
        assert_eq!(answer.method, "POST");
        let body = &answer.body;
        assert_eq!(body["type"], 4);
        assert_eq!(body["data"]["allowed_mentions"]["parse"], json!([]));
        let e = &body["data"]["embeds"][0];
        assert_eq!(e["title"], BORDER);
        assert_eq!(e["fields"].as_array().unwrap().len(), 3);
        assert!(e["fields"][0]["value"]
            .as_str()
            .unwrap()
            .contains("**border**"));
        assert_eq!(*body, run(&ask), "the same answer as the dispatcher gives");
        assert_eq!(
            calls
                .iter()
                .filter(|c| c.path.contains("/interactions/"))
                .count(),
            1,
            "one response, not deferred: {paths:?}"
        );

        stop.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(20), bot)
            .await
            .expect("the bot stops within 20 s of the shutdown signal")
            .unwrap()
            .expect("the bot stops cleanly");
    })
    .await
    .expect("the end-to-end test finished within 60 s");
}
