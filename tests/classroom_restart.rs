//! Over the HTTP endpoint: settings, feedback and uploads made in one run of the server are there
//! in the next (a new engine and store on the same corpus and data directories), and `/gaps`
//! delivers its CSV — Discord takes no files in the HTTP response, so the answer is deferred and
//! the CSV arrives as a `multipart/form-data` edit over REST (here: the local stand-in).

use std::sync::Arc;
use std::time::Duration;

use archivist::discord::DispatchContext;
use archivist::search::{Engine, EngineOptions};
use archivist::settings::Settings;
use archivist::storage::Store;
use serde_json::{json, Value};

mod discord_support;
mod http_support;

const GUILD: u64 = 400_000_000_000_000_001;
const QUESTION: &str = "what did Ji Pengfei say about repatriation";

fn teacher(name: &str, opts: &[(&str, Value)]) -> Value {
    let mut v = discord_support::command_by(name, opts, "300000000000000009");
    v["member"]["permissions"] = json!("32");
    v
}

async fn start(
    corpus: &std::path::Path,
    data: &std::path::Path,
    cdn: &str,
) -> http_support::TestApp {
    let engine = Arc::new(
        Engine::open(EngineOptions {
            corpus_dir: corpus.to_path_buf(),
            data_dir: data.to_path_buf(),
            canonical_base: archivist::corpus::DEFAULT_CANONICAL_BASE.into(),
            max_question_chars: 1000,
            quote_max_chars: 400,
            default_limit: 5,
            paraphrases: true,
        })
        .unwrap(),
    );
    let store = Store::open(&Settings::defaults().storage, data).unwrap();
    let mut teacher = Settings::defaults().teacher;
    teacher.cdn_hosts = vec![cdn.to_string()];
    let mut s = Settings::defaults().discord;
    s.rate_limit_commands = 1000;
    let ctx = DispatchContext::new(engine, &s)
        .with_store(store)
        .with_teacher(teacher);
    // Time enough for /add (download and re-index) on a busy machine without a deferral.
    let config = archivist::discord::http::EndpointConfig {
        defer_after: Duration::from_secs(20),
        ..http_support::default_config()
    };
    http_support::spawn_app(Arc::new(ctx), config).await
}

fn upload() -> Vec<u8> {
    b"\nJuly 1, 1962\n\n**Conversation about Zanzibar Cloves**\n\n**Citation:**\n\n\"Conversation about Zanzibar Cloves\", July 1, 1962, Wilson Center Digital Archive, TEST 1-2.\n<https://digitalarchive.wilsoncenter.org/document/lesson-cloves>\n\n**Summary:**\n\nA test document.\n\n**Contents:**\n\nTranslation - English\n\nMinister Alpha Beta (hereafter Beta): The zanzibar cloves shipment arrived late.\n"
        .to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_feedback_and_uploads_survive_a_restart_and_gaps_send_a_csv() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&corpus).unwrap();
    for e in std::fs::read_dir("seeds").unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, corpus.join(p.file_name().unwrap())).unwrap();
    }
    // The CDN stand-in.
    let body = upload();
    let served = body.clone();
    let cdn = axum::Router::new().route(
        "/attachments/lesson.md",
        axum::routing::get(move || {
            let b = served.clone();
            async move { b }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let cdn_addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, cdn).await });
    let origin = format!("http://{cdn_addr}");

    let app = start(&corpus, &data, &origin).await;
    let r = app
        .post(&teacher("settings", &[("private", json!(true))]))
        .await;
    assert!(r.body.contains("private by default"), "{}", r.body);
    let answer = app
        .post(&discord_support::command(
            "ask",
            &[("question", json!(QUESTION))],
        ))
        .await
        .json();
    assert!(discord_support::is_ephemeral(&answer), "{answer}");
    let down = discord_support::custom_id(&answer, "👎");
    let r = app
        .post(&discord_support::press(
            &answer,
            &down,
            discord_support::STUDENT,
        ))
        .await
        .json();
    assert!(
        r["data"]["content"]
            .as_str()
            .unwrap()
            .contains("is recorded"),
        "{r}"
    );
    let mut add = teacher("add", &[]);
    let url = format!("{origin}/attachments/lesson.md");
    add["data"]["options"] = json!([{"name": "file", "type": 11, "value": "700000000000000001"}]);
    add["data"]["resolved"] = json!({"attachments": {"700000000000000001": {
        "id": "700000000000000001", "filename": "lesson.md", "size": body.len(), "url": url,
        "proxy_url": url}}});
    let r = app.post(&add).await;
    assert!(
        r.body.contains("Added: Conversation about Zanzibar Cloves"),
        "{}",
        r.body
    );

    // /gaps: deferred in the HTTP response, then the CSV as a multipart edit over REST.
    let r = app.post(&teacher("gaps", &[])).await.json();
    assert_eq!(r["type"], 5, "{r}");
    assert_eq!(r["data"]["flags"], 64, "private: {r}");
    let calls = app.discord.wait_for(1, Duration::from_secs(10)).await;
    let edit = calls
        .iter()
        .find(|c| c.method == "PATCH" && c.path.ends_with("/messages/@original"))
        .unwrap_or_else(|| panic!("no edit: {calls:?}"));
    assert!(
        edit.content_type.starts_with("multipart/form-data"),
        "{}",
        edit.content_type
    );
    let raw = String::from_utf8_lossy(&edit.raw);
    assert!(raw.contains("filename=\"gaps-30d.csv\""), "{raw}");
    assert!(raw.contains(&format!("{QUESTION},1,0,1,")), "{raw}");
    drop(app);

    // Next run, same directories.
    let app = start(&corpus, &data, &origin).await;
    let r = app.post(&teacher("settings", &[])).await;
    assert!(
        r.body.contains("private by default (set for the server)"),
        "{}",
        r.body
    );
    let r = app
        .post(&discord_support::command(
            "ask",
            &[("question", json!("zanzibar cloves"))],
        ))
        .await;
    assert!(r.body.contains("zanzibar"), "{}", r.body);
    let store = Store::open(&Settings::defaults().storage, &data).unwrap();
    let rows = store.feedback_rows(GUILD).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].question, QUESTION);
}
