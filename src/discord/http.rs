//! The HTTP transport: Discord's "interactions endpoint URL" (`archivist serve-http`), an axum
//! server that receives every interaction as a signed `POST /interactions`.
//!
//! Each request is checked before any work is done: the body size (413 over
//! `http.max_body_bytes`), the `X-Signature-Ed25519` signature over `X-Signature-Timestamp` +
//! raw body with the application's public key (serenity's [`Verifier`]), and the timestamp's age
//! (older than `http.timestamp_window_secs`: replay, refused). Any signature or timestamp failure
//! is a bare 401. A verified body that is not JSON, or not an interaction of a known type, is a
//! 400. Everything else goes to the same dispatcher as the gateway
//! ([`super::dispatch::dispatch`]) through [`super::gateway::deliver`]: the answer is the HTTP
//! response body when it is ready within [`DEFER_AFTER`]; otherwise the body is the deferral and
//! the answer follows over Discord's REST API (edit or follow-up, with the interaction token).
//! An answer with files (a chart, a reference file) is always deferred that way: the HTTP
//! response body cannot carry files, the webhook edit takes them as `multipart/form-data`.
//!
//! `GET /healthz` answers 200 with the corpus in service (documents, passages, speakers, index
//! age). One log line per HTTP request (method, path, status, latency); the dispatcher adds its
//! own line per interaction. SIGINT/SIGTERM stop accepting and drain in-flight requests.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, Result};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response as HttpResponse};
use axum::routing::{get, post};
use axum::{Json, Router};
use serenity::all::{Http, Interaction};
use serenity::async_trait;
use serenity::interactions_endpoint::Verifier;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::dispatch::{deferral, dispatch, DispatchContext};
use super::gateway::{deliver, Outbox, RestOutbox, DEFER_AFTER};
use super::response::{Message, Response};

/// The interaction types Discord sends (PING, APPLICATION_COMMAND, MESSAGE_COMPONENT,
/// APPLICATION_COMMAND_AUTOCOMPLETE, MODAL_SUBMIT).
const KNOWN_TYPES: [u64; 5] = [1, 2, 3, 4, 5];

/// What the endpoint checks requests against.
#[derive(Clone, Debug)]
pub struct EndpointConfig {
    /// Largest body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How old a signature timestamp may be (either way, for clock skew).
    pub timestamp_window: Duration,
    /// How long an answer may take before the interaction is deferred.
    pub defer_after: Duration,
}

impl EndpointConfig {
    pub fn from_settings(s: &crate::settings::HttpSettings) -> EndpointConfig {
        EndpointConfig {
            max_body_bytes: s.max_body_bytes,
            timestamp_window: Duration::from_secs(s.timestamp_window_secs),
            defer_after: DEFER_AFTER,
        }
    }
}

struct AppState {
    ctx: Arc<DispatchContext>,
    verifier: Verifier,
    config: EndpointConfig,
    /// Discord's REST API, for answers delivered after a deferral.
    rest: Arc<Http>,
}

/// The verifier for a public key given as 64 hex characters.
pub fn verifier(public_key_hex: &str) -> Result<Verifier> {
    let hex = public_key_hex.trim();
    anyhow::ensure!(
        hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()),
        "the Discord public key must be 64 hexadecimal characters"
    );
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)?;
    }
    Verifier::try_new(bytes).map_err(|_| anyhow::anyhow!("the Discord public key is not valid"))
}

/// The endpoint's routes. `rest` delivers answers that come after a deferral (its token may be
/// empty: interaction webhooks are authorised by the interaction token).
pub fn router(
    ctx: Arc<DispatchContext>,
    verifier: Verifier,
    config: EndpointConfig,
    rest: Arc<Http>,
) -> Router {
    let limit = config.max_body_bytes;
    let state = Arc::new(AppState {
        ctx,
        verifier,
        config,
        rest,
    });
    Router::new()
        .route("/interactions", post(interactions))
        .route("/healthz", get(healthz))
        .route("/metrics", get(crate::metrics::endpoint))
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` resolves, then drains in-flight requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .context("the HTTP server failed")
}

/// Binds `addr` (port 0: any free port) and serves in the background; returns the bound address
/// and the server task. For tests and the load run.
pub async fn spawn(
    addr: SocketAddr,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(SocketAddr, tokio::task::JoinHandle<Result<()>>)> {
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let bound = listener.local_addr()?;
    Ok((bound, tokio::spawn(serve(listener, app, shutdown))))
}

/// One structured line per HTTP request.
async fn log_request(req: Request, next: Next) -> HttpResponse {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let response = next.run(req).await;
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        latency_us = started.elapsed().as_micros() as u64,
        "http request"
    );
    response
}

fn unauthorized(why: &'static str) -> HttpResponse {
    tracing::warn!(reason = why, "refused an unverified request");
    (StatusCode::UNAUTHORIZED, "invalid request signature").into_response()
}

fn bad_request(why: String) -> HttpResponse {
    tracing::warn!(reason = %why, "refused a request");
    (StatusCode::BAD_REQUEST, why).into_response()
}

/// Seconds since the Unix epoch.
fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Whether a signature timestamp (unix seconds) is within `window` of now.
fn fresh(timestamp: &str, window: Duration) -> bool {
    let Ok(ts) = timestamp.trim().parse::<u64>() else {
        return false;
    };
    now_secs().abs_diff(ts) <= window.as_secs()
}

async fn interactions(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> HttpResponse {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(signature), Some(timestamp)) = (
        header("x-signature-ed25519"),
        header("x-signature-timestamp"),
    ) else {
        return unauthorized("missing signature headers");
    };
    if state.verifier.verify(signature, timestamp, &body).is_err() {
        return unauthorized("bad signature");
    }
    if !fresh(timestamp, state.config.timestamp_window) {
        return unauthorized("stale timestamp");
    }

    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return bad_request(format!("the body is not JSON: {e}")),
    };
    match value.get("type").and_then(|t| t.as_u64()) {
        Some(t) if KNOWN_TYPES.contains(&t) => {}
        other => {
            tracing::warn!(kind = ?other, "unknown interaction type");
            return bad_request(format!("unknown interaction type {other:?}"));
        }
    }
    let interaction: Interaction = match serde_json::from_value(value) {
        Ok(i) => i,
        Err(e) => return bad_request(format!("not a Discord interaction: {e}")),
    };
    if let Interaction::Ping(_) = interaction {
        return Json(Response::pong()).into_response();
    }

    let (first_tx, first_rx) = oneshot::channel();
    let out = EndpointOutbox {
        first: Mutex::new(Some(first_tx)),
        rest: RestOutbox::new(state.rest.clone(), &interaction),
    };
    let defer = deferral(&interaction);
    let id = interaction.id();
    let ctx = state.ctx.clone();
    let after = state.config.defer_after;
    // The delivery runs apart from this request: after a deferral it goes on (edit or follow-up
    // over REST) once the HTTP response has been sent.
    tokio::spawn(async move {
        if let Err(e) = deliver(&out, defer, after, move || dispatch(&ctx, &interaction)).await {
            tracing::error!(interaction = %id, error = format!("{e:#}"), "could not deliver the response");
        }
    });
    match first_rx.await {
        Ok(r) => Json(r).into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "no response").into_response(),
    }
}

/// The first response goes back as the HTTP response body; later ones over REST.
struct EndpointOutbox {
    first: Mutex<Option<oneshot::Sender<Response>>>,
    rest: RestOutbox,
}

#[async_trait]
impl Outbox for EndpointOutbox {
    async fn respond(&self, r: &Response) -> Result<()> {
        let tx = self
            .first
            .lock()
            .map_err(|_| anyhow::anyhow!("poisoned"))?
            .take()
            .context("responded twice")?;
        // Discord takes no files in the HTTP response body: a message with files is deferred
        // there, and arrives as an edit over REST (which takes them).
        let with_files = r
            .message_data()
            .filter(|m| !m.files.is_empty() && r.kind == super::response::kind::MESSAGE);
        if let Some(m) = with_files {
            tx.send(Response::deferred(r.is_ephemeral()))
                .map_err(|_| anyhow::anyhow!("the HTTP request went away"))?;
            return self
                .rest
                .edit_original(&Message {
                    flags: 0,
                    ..m.clone()
                })
                .await;
        }
        tx.send(r.clone())
            .map_err(|_| anyhow::anyhow!("the HTTP request went away"))
    }
    async fn edit_original(&self, m: &Message) -> Result<()> {
        self.rest.edit_original(m).await
    }
    async fn follow_up(&self, m: &Message) -> Result<()> {
        self.rest.follow_up(m).await
    }
    async fn delete_original(&self) -> Result<()> {
        self.rest.delete_original().await
    }
    /// The first response is the HTTP response body, which is JSON: files go with the edit that
    /// follows a deferral, as a multipart body over REST.
    fn files_in_first_response(&self) -> bool {
        false
    }
}

/// `GET /healthz`: the corpus in service.
async fn healthz(State(state): State<Arc<AppState>>) -> HttpResponse {
    let s = state.ctx.engine.stats();
    Json(serde_json::json!({
        "status": "ok",
        "documents": s.documents,
        "passages": s.passages,
        "speakers": s.speakers,
        "built_at": s.built_at,
        "index_age_secs": now_secs().saturating_sub(s.built_at),
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_outside_the_window_are_stale() {
        let w = Duration::from_secs(300);
        let now = now_secs();
        assert!(fresh(&now.to_string(), w));
        assert!(fresh(&(now - 299).to_string(), w));
        assert!(!fresh(&(now - 301).to_string(), w));
        assert!(!fresh(&(now + 301).to_string(), w));
        assert!(!fresh("yesterday", w));
        assert!(!fresh("", w));
    }

    #[test]
    fn public_keys_must_be_64_hex() {
        assert!(verifier(&"zz".repeat(32)).is_err());
        assert!(verifier("abcd").is_err());
        // A valid point (RFC 8032 test vector 1's public key).
        assert!(
            verifier("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a").is_ok()
        );
    }
}
