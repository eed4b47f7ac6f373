//! Shared by the HTTP endpoint tests, the gateway end-to-end test and the load run: a test
//! keypair that signs requests exactly as Discord does, `spawn_app()` (the real server on port 0),
//! and a stand-in for Discord's REST API on loopback that records what it is sent.
#![allow(dead_code)]

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use archivist::discord::http::{self, EndpointConfig};
use archivist::discord::DispatchContext;
use archivist::search::Engine;
use archivist::settings::Settings;
use axum::extract::{Request, State};
use axum::Router;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};
use serenity::all::{Http, HttpBuilder};
use tokio::sync::oneshot;

/// An application keypair made from random bytes for one test run.
pub struct Keys {
    pub signing: SigningKey,
}

impl Keys {
    pub fn random() -> Keys {
        let mut seed = [0u8; 32];
        for (i, chunk) in seed.chunks_mut(8).enumerate() {
            let mut h = RandomState::new().build_hasher();
            h.write_usize(i);
            h.write_u128(
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap()
                    .as_nanos(),
            );
            chunk.copy_from_slice(&h.finish().to_le_bytes());
        }
        Keys {
            signing: SigningKey::from_bytes(&seed),
        }
    }

    /// The public key as Discord shows it in the developer portal: 64 hex characters.
    pub fn public_hex(&self) -> String {
        hex(self.signing.verifying_key().as_bytes())
    }

    /// `X-Signature-Ed25519`: the signature over timestamp bytes + body bytes, in hex.
    pub fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        let msg = [timestamp.as_bytes(), body].concat();
        hex(&self.signing.sign(&msg).to_bytes())
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Unix seconds now, as `X-Signature-Timestamp` carries it.
pub fn now() -> String {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string()
}

/// A dispatch context over `engine` with the default settings but `rate_limit_commands`.
pub fn dispatch_context(engine: Arc<Engine>, rate_limit_commands: u32) -> Arc<DispatchContext> {
    let mut s = Settings::defaults().discord;
    s.rate_limit_commands = rate_limit_commands;
    Arc::new(DispatchContext::new(engine, &s))
}

/// The endpoint's settings as shipped (64 KiB, 5 minutes, defer after 1.5 s).
pub fn default_config() -> EndpointConfig {
    EndpointConfig::from_settings(&Settings::defaults().http)
}

/// A running endpoint.
pub struct TestApp {
    pub addr: SocketAddr,
    pub keys: Keys,
    pub client: reqwest::Client,
    /// Everything the server sent to Discord's REST API (after deferrals).
    pub discord: StandIn,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// Starts the real server on 127.0.0.1:0 with a fresh keypair; REST calls go to a stand-in.
pub async fn spawn_app(ctx: Arc<DispatchContext>, config: EndpointConfig) -> TestApp {
    let keys = Keys::random();
    let discord = StandIn::spawn(None).await;
    let verifier = http::verifier(&keys.public_hex()).unwrap();
    let app = http::router(ctx, verifier, config, Arc::new(discord.http("")));
    let (stop, stopped) = oneshot::channel::<()>();
    let (addr, _task) = http::spawn("127.0.0.1:0".parse().unwrap(), app, async {
        let _ = stopped.await;
    })
    .await
    .unwrap();
    TestApp {
        addr,
        keys,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap(),
        discord,
        stop: Some(stop),
    }
}

/// A response: status and body.
pub struct Reply {
    pub status: u16,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// POSTs `body` to `/interactions` with the given headers (name, value).
    pub async fn post_raw(&self, body: Vec<u8>, headers: &[(&str, String)]) -> Reply {
        let mut req = self
            .client
            .post(self.url("/interactions"))
            .header("content-type", "application/json")
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        let r = req.send().await.expect("the server answers");
        Reply {
            status: r.status().as_u16(),
            body: r.text().await.unwrap(),
        }
    }

    /// POSTs `body` signed as Discord signs it, with the current time.
    pub async fn post_signed(&self, body: &[u8]) -> Reply {
        let ts = now();
        let sig = self.keys.sign(&ts, body);
        self.post_raw(
            body.to_vec(),
            &[("X-Signature-Ed25519", sig), ("X-Signature-Timestamp", ts)],
        )
        .await
    }

    /// An interaction as Discord sends it.
    pub async fn post(&self, interaction: &Value) -> Reply {
        self.post_signed(interaction.to_string().as_bytes()).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        Reply {
            status: r.status().as_u16(),
            body: r.text().await.unwrap(),
        }
    }
}

/// One request Discord's REST API received.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub path: String,
    /// The body as JSON (`Null` when it is not JSON, e.g. multipart).
    pub body: Value,
    pub content_type: String,
    pub raw: Vec<u8>,
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Call {
    /// The parts of a multipart body, read strictly as RFC 7578 lays them out (panics on
    /// anything else, so a malformed body fails the test).
    pub fn parts(&self) -> Vec<Part> {
        let boundary = self
            .content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap_or_else(|| panic!("not multipart: {:?}", self.content_type));
        let delimiter = format!("--{boundary}");
        let closing = format!("--{boundary}--\r\n");
        assert!(
            self.raw.ends_with(closing.as_bytes()),
            "no closing delimiter"
        );
        let find = |hay: &[u8], needle: &[u8], from: usize| {
            hay[from..]
                .windows(needle.len())
                .position(|w| w == needle)
                .map(|i| i + from)
        };
        let mut parts = Vec::new();
        let mut at = 0;
        assert!(self.raw.starts_with(delimiter.as_bytes()));
        loop {
            at += delimiter.len();
            if self.raw[at..].starts_with(b"--") {
                break;
            }
            assert!(self.raw[at..].starts_with(b"\r\n"));
            at += 2;
            let head_end = find(&self.raw, b"\r\n\r\n", at).expect("part headers");
            let head = String::from_utf8(self.raw[at..head_end].to_vec()).unwrap();
            let next =
                find(&self.raw, format!("\r\n{delimiter}").as_bytes(), head_end).expect("part end");
            let body = self.raw[head_end + 4..next].to_vec();
            let mut part = Part {
                name: String::new(),
                filename: None,
                content_type: None,
                body,
            };
            for line in head.split("\r\n") {
                let (k, v) = line.split_once(": ").expect("header line");
                match k.to_ascii_lowercase().as_str() {
                    "content-disposition" => {
                        for attr in v.split("; ").skip(1) {
                            let (a, val) = attr.split_once('=').unwrap();
                            let val = val.trim_matches('"').to_string();
                            match a {
                                "name" => part.name = val,
                                "filename" => part.filename = Some(val),
                                _ => {}
                            }
                        }
                    }
                    "content-type" => part.content_type = Some(v.to_string()),
                    _ => {}
                }
            }
            parts.push(part);
            at = next + 2;
        }
        parts
    }

    /// The `payload_json` part of a multipart body, as JSON.
    pub fn payload(&self) -> Value {
        let part = self
            .parts()
            .into_iter()
            .find(|p| p.name == "payload_json")
            .expect("a payload_json part");
        serde_json::from_slice(&part.body).unwrap()
    }
}

/// A stand-in for Discord's REST API on loopback (serenity reaches it through
/// `HttpBuilder::proxy`): records every call and answers like Discord. `GET /api/v10/gateway` and
/// `/gateway/bot` name `gateway_url` (the stand-in gateway) when given.
#[derive(Clone)]
pub struct StandIn {
    pub addr: SocketAddr,
    pub calls: Arc<Mutex<Vec<Call>>>,
}

impl StandIn {
    pub async fn spawn(gateway_url: Option<String>) -> StandIn {
        let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
        let state = (calls.clone(), gateway_url);
        let app = Router::new().fallback(record).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        StandIn { addr, calls }
    }

    /// A serenity REST client that talks to this stand-in instead of discord.com.
    pub fn http(&self, token: &str) -> Http {
        HttpBuilder::new(token)
            .proxy(format!("http://{}", self.addr))
            .ratelimiter_disabled(true)
            .build()
    }

    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// Waits (at most `limit`) until `n` calls were recorded.
    pub async fn wait_for(&self, n: usize, limit: Duration) -> Vec<Call> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let calls = self.calls();
            if calls.len() >= n || tokio::time::Instant::now() > deadline {
                return calls;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

type StandInState = (Arc<Mutex<Vec<Call>>>, Option<String>);

async fn record(
    State((calls, gateway)): State<StandInState>,
    req: Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = axum::body::to_bytes(req.into_body(), 16 << 20)
        .await
        .unwrap_or_default();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    calls.lock().unwrap().push(Call {
        method: method.clone(),
        path: path.clone(),
        body,
        content_type,
        raw: bytes.to_vec(),
    });
    let url = gateway.unwrap_or_else(|| "ws://127.0.0.1:9".into());
    match (method.as_str(), path.as_str()) {
        ("GET", "/api/v10/gateway") => axum::Json(json!({ "url": url })).into_response(),
        ("GET", "/api/v10/gateway/bot") => axum::Json(json!({
            "url": url, "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0,
                                    "max_concurrency": 1}
        }))
        .into_response(),
        (_, p) if p.ends_with("/callback") => axum::http::StatusCode::NO_CONTENT.into_response(),
        ("DELETE", _) => axum::http::StatusCode::NO_CONTENT.into_response(),
        _ => axum::Json(message()).into_response(),
    }
}

/// A message as Discord returns it from webhook edits and follow-ups.
fn message() -> Value {
    json!({
        "id": "600000000000000002",
        "channel_id": "500000000000000001",
        "author": {"id": "100000000000000001", "username": "Archivist", "discriminator": "0",
                   "avatar": null, "bot": true, "public_flags": 0},
        "content": "",
        "timestamp": "2026-11-23T13:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "type": 20,
        "flags": 0,
        "components": []
    })
}
