//! The real `archivist serve-http` binary with its database: a burst of 👍 presses cut short by
//! kill -9 loses no press the server acknowledged (SQLite, and PostgreSQL when
//! `ARCHIVIST_TEST_POSTGRES` is set), and two servers on one PostgreSQL see each other's settings
//! at the very next request. Everything is on loopback; REST calls the binary might make are sent
//! to a closed local port (proxy), never to Discord.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use archivist::settings::{Secret, Settings};
use archivist::storage::Store;
use serde_json::{json, Value};

mod discord_support;
mod http_support;
mod storage_support;
use http_support::Keys;

const GUILD: u64 = 400_000_000_000_000_001;
const QUESTION: &str = "what did Ji Pengfei say about repatriation";
/// The same key in every server of a test, as replicas sharing a database must have.
const USER_KEY: &str = "a test key shared by the replicas";

struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `archivist serve-http` on 127.0.0.1 (any port) over `corpus`, with `data` and the
/// database `url` (empty: SQLite in `data`).
fn serve(keys: &Keys, corpus: &Path, data: &Path, url: &str) -> Server {
    let config = data.with_extension("config");
    std::fs::create_dir_all(&config).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_archivist"))
        .args([
            "--corpus",
            corpus.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ])
        .args([
            "--config",
            config.to_str().unwrap(),
            "serve-http",
            "--listen",
            "127.0.0.1:0",
        ])
        .env("DISCORD_PUBLIC_KEY", keys.public_hex())
        .env_remove("DISCORD_TOKEN")
        .env("ARCHIVIST__STORAGE__URL", url)
        .env("ARCHIVIST_USER_KEY", USER_KEY)
        .env("ARCHIVIST__CORPUS__WATCH_SECS", "0")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        // Anything sent to Discord's REST API goes to a closed local port instead.
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("ALL_PROXY", "http://127.0.0.1:9")
        .env_remove("NO_PROXY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let plain = strip_ansi(&line);
            if let Some(rest) = plain.split("listen=").nth(1) {
                let addr = rest.split_whitespace().next().unwrap_or("").to_string();
                let _ = tx.send(addr);
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("the server says where it listens")
        .parse()
        .unwrap();
    Server { child, addr }
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut esc = false;
    for c in s.chars() {
        match (esc, c) {
            (false, '\u{1b}') => esc = true,
            (true, 'm') => esc = false,
            (true, _) => {}
            (false, c) => out.push(c),
        }
    }
    out
}

/// POSTs an interaction signed with `keys`; (status, body JSON or Null).
async fn post(
    client: &reqwest::Client,
    keys: &Keys,
    addr: SocketAddr,
    v: &Value,
) -> Option<(u16, Value)> {
    let body = v.to_string().into_bytes();
    let ts = http_support::now();
    let sig = keys.sign(&ts, &body);
    let r = client
        .post(format!("http://{addr}/interactions"))
        .header("content-type", "application/json")
        .header("X-Signature-Ed25519", sig)
        .header("X-Signature-Timestamp", ts)
        .body(body)
        .send()
        .await
        .ok()?;
    let status = r.status().as_u16();
    let text = r.text().await.ok()?;
    Some((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

fn corpus_copy(dir: &Path) -> std::path::PathBuf {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for e in std::fs::read_dir("seeds").unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, corpus.join(p.file_name().unwrap())).unwrap();
    }
    corpus
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .no_proxy()
        .build()
        .unwrap()
}

/// A burst of presses from distinct users, the server killed with SIGKILL in the middle; every
/// press it acknowledged is in the database afterwards.
fn kill_during_a_burst(url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus_copy(dir.path());
    let data = dir.path().join("data");
    let keys = Arc::new(Keys::random());
    let mut server = serve(&keys, &corpus, &data, url);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let addr = server.addr;
    let answer = rt
        .block_on(post(
            &client(),
            &keys,
            addr,
            &discord_support::command("ask", &[("question", json!(QUESTION))]),
        ))
        .expect("the server answers");
    assert_eq!(answer.0, 200, "{answer:?}");
    let up = discord_support::custom_id(&answer.1, "👍");

    let acked: Arc<Mutex<Vec<u64>>> = Arc::default();
    let (sent, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let killed = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..8u64)
        .map(|w| {
            let (keys, answer, up) = (keys.clone(), answer.1.clone(), up.clone());
            let (acked, sent, failed, killed) =
                (acked.clone(), sent.clone(), failed.clone(), killed.clone());
            rt.spawn(async move {
                let client = client();
                for i in 0..400u64 {
                    let user = 310_000_000_000_000_000 + w * 1000 + i;
                    let press = discord_support::press(&answer, &up, &user.to_string());
                    sent.fetch_add(1, Ordering::Relaxed);
                    match post(&client, &keys, addr, &press).await {
                        Some((200, v))
                            if v["data"]["content"]
                                .as_str()
                                .is_some_and(|c| c.contains("is recorded")) =>
                        {
                            acked.lock().unwrap().push(user)
                        }
                        Some((200, v)) => panic!("a press was answered but not recorded: {v}"),
                        _ => {
                            failed.fetch_add(1, Ordering::Relaxed);
                            if killed.load(Ordering::Relaxed) {
                                return;
                            }
                        }
                    }
                }
            })
        })
        .collect();
    // Kill it once presses are flowing.
    let started = Instant::now();
    while acked.lock().unwrap().len() < 150 && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    server.child.kill().unwrap();
    killed.store(true, Ordering::Relaxed);
    server.child.wait().unwrap();
    rt.block_on(async {
        for w in workers {
            w.await.unwrap();
        }
    });
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 150,
        "presses were acknowledged before the kill: {}",
        acked.len()
    );
    assert!(
        failed.load(Ordering::Relaxed) > 0,
        "the kill cut the burst short"
    );

    // Every acknowledged press is there (read with the same key and database).
    let mut s = Settings::defaults().storage;
    s.url = Some(Secret::new(url.to_string()));
    s.user_key = Some(Secret::new(USER_KEY.to_string()));
    let store = Store::open(&s, &data).unwrap();
    let rows = store.feedback_rows(GUILD).unwrap();
    let stored: std::collections::HashSet<String> = rows.into_iter().map(|r| r.user_hash).collect();
    let lost: Vec<&u64> = acked
        .iter()
        .filter(|u| !stored.contains(&store.user_hash(**u)))
        .collect();
    eprintln!(
        "{}: {} presses sent, {} acknowledged, {} stored, {} failed after the kill, {} lost",
        store.backend(),
        sent.load(Ordering::Relaxed),
        acked.len(),
        stored.len(),
        failed.load(Ordering::Relaxed),
        lost.len()
    );
    assert!(lost.is_empty(), "acknowledged presses lost: {lost:?}");
}

#[test]
fn kill_9_loses_no_acknowledged_press_on_sqlite() {
    kill_during_a_burst("");
}

#[test]
fn kill_9_loses_no_acknowledged_press_on_postgres() {
    let Some(url) = storage_support::postgres_url() else {
        return;
    };
    kill_during_a_burst(&storage_support::fresh_database(&url));
}

#[test]
fn two_servers_on_one_postgres_see_each_others_settings_at_the_next_request() {
    let Some(url) = storage_support::postgres_url() else {
        return;
    };
    let url = storage_support::fresh_database(&url);
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus_copy(dir.path());
    let keys = Keys::random();
    let a = serve(&keys, &corpus, &dir.path().join("a"), &url);
    let b = serve(&keys, &corpus, &dir.path().join("b"), &url);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let c = client();
    let teacher = |private: bool| {
        let mut v = discord_support::command_by(
            "settings",
            &[("private", json!(private))],
            "300000000000000009",
        );
        v["member"]["permissions"] = json!("32");
        v
    };
    let ask = discord_support::command("ask", &[("question", json!(QUESTION))]);
    let private = |r: &(u16, Value)| discord_support::is_ephemeral(&r.1);
    rt.block_on(async {
        let r = post(&c, &keys, b.addr, &ask).await.unwrap();
        assert!(!private(&r), "public by default: {r:?}");
        let r = post(&c, &keys, a.addr, &teacher(true)).await.unwrap();
        assert!(r.1.to_string().contains("private by default"), "{r:?}");
        let r = post(&c, &keys, b.addr, &ask).await.unwrap();
        assert!(private(&r), "B sees A's setting at once: {r:?}");
        post(&c, &keys, b.addr, &teacher(false)).await.unwrap();
        let r = post(&c, &keys, a.addr, &ask).await.unwrap();
        assert!(!private(&r), "A sees B's setting at once: {r:?}");
    });
}
