//! Teacher commands and classroom memory through the dispatcher, JSON in → JSON out: who may use
//! them, `/settings` (private answers, scope, channels), 👍/👎 and `/gaps`, `/add` and `/remove`
//! with a local stand-in for Discord's CDN, and what happens when the database is down.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use archivist::discord::DispatchContext;
use archivist::search::{Engine, EngineOptions};
use archivist::settings::{Secret, Settings};
use archivist::storage::Store;
use serde_json::{json, Value};

mod discord_support;
use discord_support::{
    autocomplete, command_by, custom_id, embed, is_ephemeral, press, run_with, visible_text, OTHER,
    STUDENT,
};

const TEACHER: &str = "300000000000000009";
const GUILD: u64 = 400_000_000_000_000_001;
/// Manage Server.
const MANAGE: &str = "32";
const QUESTION: &str = "what did Ji Pengfei say about repatriation";

/// A copy of the seeds with one document in the collection `unit-1/`, an engine, a store.
struct Class {
    _dir: tempfile::TempDir,
    corpus: PathBuf,
    data: PathBuf,
    ctx: DispatchContext,
}

fn options(corpus: &Path, data: &Path) -> EngineOptions {
    EngineOptions {
        corpus_dir: corpus.to_path_buf(),
        data_dir: data.to_path_buf(),
        canonical_base: archivist::corpus::DEFAULT_CANONICAL_BASE.into(),
        max_question_chars: 1000,
        quote_max_chars: 400,
        default_limit: 5,
        paraphrases: true,
    }
}

fn class() -> Class {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let data = dir.path().join("data");
    std::fs::create_dir_all(corpus.join("unit-1")).unwrap();
    for e in std::fs::read_dir("seeds").unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_owned();
        let to = if name.to_string_lossy().starts_with("003") {
            corpus.join("unit-1").join(name)
        } else {
            corpus.join(name)
        };
        std::fs::copy(&p, to).unwrap();
    }
    let ctx = context(
        &corpus,
        &data,
        Store::open(&Settings::defaults().storage, &data).unwrap(),
    );
    Class {
        _dir: dir,
        corpus,
        data,
        ctx,
    }
}

fn context(corpus: &Path, data: &Path, store: Store) -> DispatchContext {
    let engine = Arc::new(Engine::open(options(corpus, data)).unwrap());
    let mut s = Settings::defaults().discord;
    s.rate_limit_commands = 1_000_000;
    DispatchContext::new(engine, &s).with_store(store)
}

/// A command by `by` with the given member permissions.
fn cmd(name: &str, opts: &[(&str, Value)], by: &str, permissions: &str) -> Value {
    let mut v = command_by(name, opts, by);
    v["member"]["permissions"] = json!(permissions);
    v
}

fn teacher(name: &str, opts: &[(&str, Value)]) -> Value {
    let mut v = cmd(name, opts, TEACHER, MANAGE);
    // A channel option is type 7 (its value is the channel's id).
    for o in v["data"]["options"].as_array_mut().unwrap() {
        if o["name"] == "channel" {
            o["type"] = json!(7);
        }
    }
    v
}

fn student(name: &str, opts: &[(&str, Value)]) -> Value {
    cmd(name, opts, STUDENT, "0")
}

fn content(r: &Value) -> String {
    r["data"]["content"].as_str().unwrap_or("").to_string()
}

#[test]
fn teacher_commands_need_manage_server_and_refuse_privately() {
    let c = class();
    for name in ["settings", "gaps", "remove"] {
        let r = run_with(&c.ctx, &student(name, &[("document", json!("x"))]));
        assert!(is_ephemeral(&r), "{r}");
        assert!(content(&r).contains("Manage Server"), "{name}: {r}");
    }
    let mut dm = teacher("settings", &[]);
    dm.as_object_mut().unwrap().remove("guild_id");
    dm.as_object_mut().unwrap().remove("member");
    dm["user"] = dm_user();
    let r = run_with(&c.ctx, &dm);
    assert!(content(&r).contains("in a server"), "{r}");
    let r = run_with(&c.ctx, &teacher("settings", &[]));
    assert!(is_ephemeral(&r));
    let text = visible_text(&r);
    assert!(text.contains("public by default (default)"), "{text}");
    assert!(text.contains("all documents"), "{text}");
    // /help lists the teacher commands to a teacher only.
    let t = visible_text(&run_with(&c.ctx, &teacher("help", &[])));
    let s = visible_text(&run_with(&c.ctx, &student("help", &[])));
    assert!(t.contains("/gaps") && t.contains("/settings"), "{t}");
    assert!(!s.contains("/gaps"), "{s}");
}

fn dm_user() -> Value {
    json!({"id": TEACHER, "username": "teacher", "discriminator": "0", "global_name": null,
           "avatar": null, "public_flags": 0})
}

#[test]
fn private_by_default_unless_the_student_says_otherwise() {
    let c = class();
    let ask = || student("ask", &[("question", json!(QUESTION))]);
    assert!(!is_ephemeral(&run_with(&c.ctx, &ask())));
    let r = run_with(&c.ctx, &teacher("settings", &[("private", json!(true))]));
    assert!(visible_text(&r).contains("private by default (set for the server)"));
    assert!(is_ephemeral(&run_with(&c.ctx, &ask())));
    assert!(is_ephemeral(&run_with(
        &c.ctx,
        &student("doc", &[("document", json!("121676"))])
    )));
    let public = student(
        "ask",
        &[("question", json!(QUESTION)), ("private", json!(false))],
    );
    assert!(!is_ephemeral(&run_with(&c.ctx, &public)));
}

#[test]
fn scope_restricts_every_command_and_autocomplete() {
    let c = class();
    // The collection holds one document; find which.
    let in_unit: Vec<String> = c
        .ctx
        .engine
        .sources()
        .into_iter()
        .filter(|(_, f)| f.starts_with("unit-1/"))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(in_unit.len(), 1);
    let unit_doc = in_unit[0].clone();
    let outside = c
        .ctx
        .engine
        .doc_ids()
        .into_iter()
        .find(|d| *d != unit_doc)
        .unwrap();

    // Autocomplete offers all, the collection and documents.
    let ac = run_with(&c.ctx, &{
        let mut v = autocomplete("settings", &[], "scope", "un");
        v["member"]["permissions"] = json!(MANAGE);
        v
    });
    let values: Vec<&str> = ac["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert!(values.contains(&"unit-1"), "{ac}");
    let ac = run_with(
        &c.ctx,
        &autocomplete("settings", &[], "scope", "unit-1, 12"),
    );
    let first = ac["data"]["choices"][0]["value"].as_str().unwrap_or("");
    assert!(first.starts_with("unit-1, 12"), "{ac}");

    let r = run_with(
        &c.ctx,
        &teacher("settings", &[("scope", json!("nonsense, unit-1"))]),
    );
    assert!(content(&r).contains("nonsense"), "{r}");
    let r = run_with(&c.ctx, &teacher("settings", &[("scope", json!("unit-1"))]));
    assert!(visible_text(&r).contains("1 document"), "{r}");

    // /ask and /search answer from the scope only.
    for (name, opt) in [("ask", "question"), ("search", "query")] {
        let r = run_with(&c.ctx, &student(name, &[(opt, json!("the border"))]));
        let text = visible_text(&r);
        for id in c.ctx.engine.doc_ids() {
            if id != unit_doc {
                assert!(
                    !text.contains(&format!("/document/{id})")),
                    "{name} shows {id}: {text}"
                );
            }
        }
    }
    // /doc, /quote, /cite, /speakers refuse a document outside it.
    for (name, extra) in [
        ("doc", None),
        ("quote", Some(("passage", json!(1)))),
        ("cite", None),
    ] {
        let mut opts = vec![("document", json!(outside.clone()))];
        opts.extend(extra);
        let r = run_with(&c.ctx, &student(name, &opts));
        assert!(content(&r).contains("found no document"), "{name}: {r}");
        let mut opts = vec![("document", json!(unit_doc.clone()))];
        if name == "quote" {
            opts.push(("passage", json!(1)));
        }
        assert!(
            embed(&run_with(&c.ctx, &student(name, &opts))).is_object(),
            "{name}"
        );
    }
    let ac = run_with(&c.ctx, &autocomplete("doc", &[], "document", ""));
    let docs: Vec<&str> = ac["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(docs, [unit_doc.as_str()]);

    // A channel can have its own scope; `server` makes it follow the server again.
    let channel = "500000000000000001";
    let r = run_with(
        &c.ctx,
        &teacher(
            "settings",
            &[("scope", json!("all")), ("channel", json!(channel))],
        ),
    );
    assert!(
        visible_text(&r).contains(&format!("set for <#{channel}>")),
        "{r}"
    );
    let ac = run_with(&c.ctx, &autocomplete("doc", &[], "document", ""));
    assert!(ac["data"]["choices"].as_array().unwrap().len() > 1);
    run_with(
        &c.ctx,
        &teacher(
            "settings",
            &[("scope", json!("server")), ("channel", json!(channel))],
        ),
    );
    let ac = run_with(&c.ctx, &autocomplete("doc", &[], "document", ""));
    assert_eq!(ac["data"]["choices"].as_array().unwrap().len(), 1);
}

#[test]
fn feedback_is_recorded_and_gaps_list_what_went_wrong() {
    let c = class();
    let answer = run_with(&c.ctx, &student("ask", &[("question", json!(QUESTION))]));
    let down = custom_id(&answer, "👎");
    let up = custom_id(&answer, "👍");
    let r = run_with(&c.ctx, &press(&answer, &up, OTHER));
    assert!(is_ephemeral(&r) && content(&r).contains("👍"), "{r}");
    let r = run_with(&c.ctx, &press(&answer, &down, STUDENT));
    assert!(is_ephemeral(&r), "{r}");
    let select = &r["data"]["components"][0]["components"][0];
    assert_eq!(select["type"], 3, "{r}");
    let labels: Vec<&str> = select["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["Wrong passage", "Wrong speaker", "Quote cut badly"]
    );
    let mut pick = press(&r, select["custom_id"].as_str().unwrap(), STUDENT);
    pick["data"]["component_type"] = json!(3);
    pick["data"]["values"] = json!(["speaker"]);
    let r = run_with(&c.ctx, &pick);
    assert_eq!(r["type"], 7, "the select's message is updated: {r}");
    assert!(content(&r).contains("wrong speaker"), "{r}");

    let store = c.ctx.store.as_ref().unwrap();
    let rows = store.feedback_rows(GUILD).unwrap();
    assert_eq!(rows.len(), 2);
    let down_row = rows.iter().find(|r| r.vote < 0).unwrap();
    assert_eq!(down_row.question, QUESTION);
    assert_eq!(down_row.reason.as_deref(), Some("speaker"));
    assert!(!down_row.passages.is_empty());
    assert!(down_row.passages[0].contains('#'));
    assert_eq!(down_row.index_version, c.ctx.engine.index_version());

    // A question that finds nothing is a gap too.
    let nothing = run_with(
        &c.ctx,
        &student("ask", &[("question", json!("xqzvbtl frobnozzle"))]),
    );
    assert!(visible_text(&nothing).contains("Nothing in the archive matched"));
    let gaps = (0..50)
        .map(|_| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            run_with(&c.ctx, &teacher("gaps", &[("days", json!(7))]))
        })
        .find(|g| visible_text(g).contains("xqzvbtl"))
        .expect("the unanswered question shows in /gaps");
    let text = visible_text(&gaps);
    assert!(text.contains(QUESTION), "{text}");
    assert!(text.contains("wrong speaker 1"), "{text}");
    assert!(is_ephemeral(&gaps));
    assert_eq!(
        gaps["data"]["attachments"][0]["filename"], "gaps-7d.csv",
        "{gaps}"
    );
    // Another server sees none of it.
    let mut elsewhere = teacher("gaps", &[]);
    elsewhere["guild_id"] = json!("400000000000000002");
    assert!(visible_text(&run_with(&c.ctx, &elsewhere)).contains("None"));
}

#[test]
fn with_the_database_down_answers_go_on_and_presses_say_not_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Settings::defaults().storage;
    s.timeout_ms = 300;
    s.url = Some(Secret::new(format!(
        "postgres://nobody@localhost/none?host={}",
        dir.path().display()
    )));
    let ctx = context(
        Path::new("seeds"),
        &dir.path().join("data"),
        Store::open(&s, dir.path()).unwrap(),
    );
    let answer = run_with(&ctx, &student("ask", &[("question", json!(QUESTION))]));
    assert!(embed(&answer)["fields"]
        .as_array()
        .is_some_and(|f| !f.is_empty()));
    let r = run_with(&ctx, &press(&answer, &custom_id(&answer, "👍"), STUDENT));
    assert!(is_ephemeral(&r));
    assert!(content(&r).contains("couldn't record"), "{r}");
    let r = run_with(&ctx, &teacher("settings", &[("private", json!(true))]));
    assert!(
        is_ephemeral(&r) && content(&r).contains("can't reach my database"),
        "{r}"
    );
}

/// A stand-in for Discord's CDN on loopback: serves `files` by path, counts requests.
async fn cdn(files: Vec<(&'static str, Vec<u8>)>) -> std::net::SocketAddr {
    use axum::extract::Path as UrlPath;
    let files = Arc::new(files);
    let app = axum::Router::new().route(
        "/attachments/{name}",
        axum::routing::get(move |UrlPath(name): UrlPath<String>| {
            let files = files.clone();
            async move {
                match files.iter().find(|(n, _)| *n == name) {
                    Some((_, b)) => (axum::http::StatusCode::OK, b.clone()),
                    None => (axum::http::StatusCode::NOT_FOUND, Vec::new()),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

fn export(id: &str, title: &str, body: &str) -> Vec<u8> {
    format!(
        "\nJuly 1, 1962\n\n**{title}**\n\n**Citation:**\n\n\"{title}\", July 1, 1962, Wilson Center Digital Archive, TEST 1-2. Translated by A. Tester.\n<https://digitalarchive.wilsoncenter.org/document/{id}>\n\n**Summary:**\n\nA test document.\n\n**Original Language:**\n\nChinese\n\n**Contents:**\n\nTranslation - English\n\n{body}\n"
    )
    .into_bytes()
}

/// `/add file:` with an attachment `name` at `url` of `size` bytes.
fn add(url: &str, name: &str, size: usize) -> Value {
    let mut v = teacher("add", &[]);
    v["data"]["options"] = json!([{"name": "file", "type": 11, "value": "700000000000000001"}]);
    v["data"]["resolved"] = json!({"attachments": {"700000000000000001": {
        "id": "700000000000000001", "filename": name, "size": size, "url": url,
        "proxy_url": url, "content_type": "text/plain; charset=utf-8"
    }}});
    v
}

#[test]
fn add_downloads_checks_and_serves_a_document_to_its_server_only() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let good = export(
        "lesson-zanzibar",
        "Conversation about Zanzibar Cloves",
        "Minister Alpha Beta (hereafter Beta): The zanzibar cloves shipment arrived late.\n\nGamma Delta (hereafter Delta): We will send more cloves.",
    );
    let dup = export("121676", "A copy", "Beta: words.");
    let big = vec![b'a'; 2 * 1024 * 1024];
    let addr = rt.block_on(cdn(vec![
        ("good.txt", good.clone()),
        ("dup.txt", dup.clone()),
        ("junk.txt", b"just some words, no header\n".to_vec()),
        ("big.txt", big.clone()),
    ]));
    let mut c = class();
    c.ctx.teacher.cdn_hosts = vec![format!("http://{addr}")];
    let url = |n: &str| format!("http://{addr}/attachments/{n}");

    let r = run_with(&c.ctx, &add(&url("good.txt"), "Lesson 3.txt", good.len()));
    let text = visible_text(&r);
    assert!(is_ephemeral(&r));
    assert!(
        text.contains("Added: Conversation about Zanzibar Cloves"),
        "{text}"
    );
    assert!(
        text.contains("lesson-zanzibar") && text.contains("Alpha Beta"),
        "{text}"
    );
    assert!(c
        .corpus
        .join(format!("guild-{GUILD}/lesson-zanzibar.txt"))
        .is_file());
    let ask = student("ask", &[("question", json!("zanzibar cloves"))]);
    assert!(visible_text(&run_with(&c.ctx, &ask)).contains("zanzibar"));
    let mut other = ask.clone();
    other["guild_id"] = json!("400000000000000002");
    assert!(
        visible_text(&run_with(&c.ctx, &other)).contains("Nothing in the archive matched"),
        "another server does not see it"
    );

    // Refusals say why, and write nothing.
    let refusals = [
        (
            add(&url("dup.txt"), "dup.txt", dup.len()),
            "already has document",
        ),
        (add(&url("junk.txt"), "junk.txt", 27), "header"),
        (add(&url("big.txt"), "big.txt", 100), "larger than"),
        (add(&url("big.txt"), "big.txt", big.len()), "larger than"),
        (add(&url("good.txt"), "slides.pdf", 10), ".txt"),
        (
            add("https://evil.example/attachments/good.txt", "a.txt", 10),
            "won't download",
        ),
        (
            add(
                &format!("http://127.0.0.2:{}/attachments/good.txt", addr.port()),
                "a.txt",
                10,
            ),
            "won't download",
        ),
        (add(&url("missing.txt"), "a.txt", 10), "answered 404"),
    ];
    for (payload, why) in refusals {
        let r = run_with(&c.ctx, &payload);
        assert!(content(&r).contains(why), "{why}: {r}");
    }
    let files: Vec<_> = std::fs::read_dir(c.corpus.join(format!("guild-{GUILD}")))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");

    // /remove offers and takes out only this server's uploads.
    let ac = run_with(&c.ctx, &{
        let mut v = autocomplete("remove", &[], "document", "");
        v["member"]["permissions"] = json!(MANAGE);
        v
    });
    assert_eq!(ac["data"]["choices"][0]["value"], "lesson-zanzibar", "{ac}");
    assert_eq!(ac["data"]["choices"].as_array().unwrap().len(), 1);
    let r = run_with(&c.ctx, &teacher("remove", &[("document", json!("121676"))]));
    assert!(content(&r).contains("added no document"), "{r}");
    let r = run_with(
        &c.ctx,
        &teacher("remove", &[("document", json!("lesson-zanzibar"))]),
    );
    assert!(content(&r).contains("Removed"), "{r}");
    assert!(!c
        .corpus
        .join(format!("guild-{GUILD}/lesson-zanzibar.txt"))
        .exists());
    assert!(visible_text(&run_with(&c.ctx, &ask)).contains("Nothing in the archive matched"));
    let _ = &c.data;
}
