//! `GET /metrics` on the HTTP interactions endpoint: Prometheus text with interactions by
//! command and outcome, latency, nothing-found and rate-limited counts, and the index in service.

mod discord_support;
mod http_support;

use discord_support::*;
use http_support::*;
use serde_json::json;

/// The value of the series `name{labels}` (labels as Prometheus prints them), if present.
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_interactions_outcomes_and_the_index() {
    archivist::metrics::install().expect("the recorder installs");
    // A rate limit of 2 commands per window: the third is refused.
    let app = spawn_app(dispatch_context(engine(), 2), default_config()).await;
    let by = "300000000000000077";
    let found = command_by("ask", &[("question", json!(BORDER))], by);
    let nothing = command_by("ask", &[("question", json!("xylophone quasar"))], by);
    assert_eq!(app.post(&found).await.status, 200);
    assert_eq!(app.post(&nothing).await.status, 200);
    assert_eq!(app.post(&found).await.status, 200);

    let m = app.get("/metrics").await;
    assert_eq!(m.status, 200);
    let t = &m.body;
    let ask_ok = r#"archivist_interactions_total{command="/ask",outcome="ok"}"#;
    assert_eq!(value(t, ask_ok), Some(2.0), "{t}");
    let limited = r#"archivist_interactions_total{command="/ask",outcome="rate_limited"}"#;
    assert_eq!(value(t, limited), Some(1.0), "{t}");
    assert_eq!(value(t, "archivist_rate_limited_total"), Some(1.0), "{t}");
    assert_eq!(
        value(t, r#"archivist_nothing_found_total{command="/ask"}"#),
        Some(1.0),
        "{t}"
    );
    assert_eq!(
        value(t, r#"archivist_interaction_seconds_count{command="/ask"}"#),
        Some(3.0),
        "{t}"
    );
    assert!(
        t.contains(r#"archivist_interaction_seconds_bucket{command="/ask",le="3"} 3"#),
        "{t}"
    );
    let stats = engine().stats();
    assert_eq!(
        value(t, "archivist_index_documents"),
        Some(stats.documents as f64)
    );
    assert_eq!(
        value(t, "archivist_index_passages"),
        Some(stats.passages as f64)
    );
    assert!(t.contains("archivist_index_version{dir=\"index-"), "{t}");
    // Nothing that names a user or a question.
    assert!(!t.contains(by) && !t.contains("xylophone"), "{t}");
}
