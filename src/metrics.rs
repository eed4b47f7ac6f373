//! Prometheus metrics for hosts: what `GET /metrics` shows (`serve-http` on its listener,
//! `serve` on `metrics.listen`), recorded with the `metrics` crate and rendered by its
//! Prometheus exporter.
//!
//! | metric | kind | labels |
//! |---|---|---|
//! | `archivist_interactions_total` | counter | `command` (`/ask`, `button page`, …), `outcome` (`ok`, `user_error`, `internal_error`, `rate_limited`, …) |
//! | `archivist_interaction_seconds` | histogram | `command` |
//! | `archivist_nothing_found_total` | counter | `command`: questions and searches that found nothing |
//! | `archivist_rate_limited_total` | counter | — |
//! | `archivist_index_documents`, `archivist_index_passages`, `archivist_index_segments` | gauges | — |
//! | `archivist_index_version` | gauge | `dir`: the index directory in service (value: its build time, Unix seconds) |
//! | `archivist_index_schema_version` | gauge | — |
//! | `archivist_index_reloads_total` | counter | `kind`: `updated`, `rebuilt`, `reopened`, `merged` |
//! | `archivist_index_reload_seconds` | histogram | `kind` |
//!
//! Nothing here names a user, a guild or a question. Until [`install`] runs (the servers call
//! it), recording costs nothing and goes nowhere.

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Latency buckets, in seconds: Discord allows 3 s before a deferral.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 3.0,
];
/// Reload buckets, in seconds.
const RELOAD_BUCKETS: &[f64] = &[0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

/// Installs the process-wide Prometheus recorder (once; later calls return the same handle).
/// `None` if another recorder was installed first.
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("archivist_interaction_seconds".into()),
                    LATENCY_BUCKETS,
                )
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full("archivist_index_reload_seconds".into()),
                        RELOAD_BUCKETS,
                    )
                })
                .and_then(|b| b.install_recorder());
            match built {
                Ok(h) => Some(h),
                Err(e) => {
                    tracing::warn!("metrics are off: {e}");
                    None
                }
            }
        })
        .as_ref()
}

/// The metrics in Prometheus's text format (empty when none are recorded).
pub fn render() -> String {
    match install() {
        Some(h) => {
            h.run_upkeep();
            h.render()
        }
        None => String::new(),
    }
}

/// One interaction answered: its command, how it ended, how many results it had (searches)
/// and how long it took.
pub fn interaction(command: &str, outcome: &'static str, results: Option<usize>, took: Duration) {
    let command = command.to_string();
    metrics::counter!("archivist_interactions_total", "command" => command.clone(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!("archivist_interaction_seconds", "command" => command.clone())
        .record(took.as_secs_f64());
    if results == Some(0) {
        metrics::counter!("archivist_nothing_found_total", "command" => command).increment(1);
    }
    if outcome == "rate_limited" {
        metrics::counter!("archivist_rate_limited_total").increment(1);
    }
}

/// The index now in service.
pub fn index_in_service(
    dir: &str,
    documents: usize,
    passages: usize,
    segments: usize,
    built_at: u64,
) {
    metrics::gauge!("archivist_index_documents").set(documents as f64);
    metrics::gauge!("archivist_index_passages").set(passages as f64);
    metrics::gauge!("archivist_index_segments").set(segments as f64);
    metrics::gauge!("archivist_index_schema_version").set(f64::from(crate::index::SCHEMA_VERSION));
    // One series per directory would pile up: the old one is set to 0 by the next call's
    // reset below, so only the directory in service reads non-zero.
    static LAST: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(old) = last.take().filter(|o| o != dir) {
        metrics::gauge!("archivist_index_version", "dir" => old).set(0.0);
    }
    metrics::gauge!("archivist_index_version", "dir" => dir.to_string()).set(built_at as f64);
    *last = Some(dir.to_string());
}

/// The index was reloaded (`kind`: updated, rebuilt, reopened, merged) in `took`.
pub fn reload(kind: &'static str, took: Duration) {
    metrics::counter!("archivist_index_reloads_total", "kind" => kind).increment(1);
    metrics::histogram!("archivist_index_reload_seconds", "kind" => kind)
        .record(took.as_secs_f64());
}

/// `GET /metrics`: the metrics in Prometheus's text format.
pub async fn endpoint() -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        render(),
    )
        .into_response()
}

/// Serves `GET /metrics` on `listener` until `shutdown` resolves (`archivist serve` with
/// `metrics.listen`).
pub async fn serve(
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let app = axum::Router::new().route("/metrics", axum::routing::get(endpoint));
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}
