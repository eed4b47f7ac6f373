//! A bounded load run against the interactions endpoint on loopback:
//! `cargo bench --bench http_load -- [--duration SECS] [--concurrency N] [--bad-every N]
//! [--postgres URL]`.
//!
//! Starts the real server (release build, seed corpus, default settings including the per-user
//! rate limit, storage on SQLite in a temporary directory — or on the PostgreSQL database at
//! `--postgres URL`) on 127.0.0.1:0 with a fresh keypair, then `--concurrency` workers send signed
//! interactions for `--duration` seconds, each from a different user id (the rate limit allows 5
//! commands per user per 10 s): five `/ask`s, then one press of 👍 on an answer (committed to
//! the database before it is acknowledged), and so on. Every interaction reads the server's
//! settings from the database. Every `--bad-every`-th request carries a bad signature
//! (signed by another key, or the body changed after signing) and must be refused with 401.
//! Reports requests/s, latency percentiles, errors and bad requests accepted. Bounded: at most
//! 300 s and 1024 workers; only 127.0.0.1.

#[path = "../tests/discord_support/mod.rs"]
mod discord_support;
#[path = "../tests/http_support/mod.rs"]
mod http_support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

struct Args {
    duration: Duration,
    concurrency: usize,
    bad_every: u64,
    log: bool,
    postgres: Option<String>,
}

/// Every this many requests, one is a press of 👍 (one press per five asks).
const PRESS_EVERY: u64 = 6;

fn args() -> Args {
    let mut a = Args {
        duration: Duration::from_secs(20),
        concurrency: 32,
        bad_every: 100,
        log: true,
        postgres: std::env::var("ARCHIVIST_BENCH_POSTGRES").ok(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut num = || -> u64 {
            it.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{k} needs a number"))
        };
        match k.as_str() {
            "--duration" => a.duration = Duration::from_secs(num().clamp(1, 300)),
            "--concurrency" => a.concurrency = num().clamp(1, 1024) as usize,
            "--bad-every" => a.bad_every = num().max(2),
            "--no-log" => a.log = false,
            "--postgres" => a.postgres = it.next(),
            _ => {} // `cargo bench` passes --bench
        }
    }
    a
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    bad_latencies_us: Vec<u32>,
    press_latencies_us: Vec<u32>,
    ok: u64,
    pressed: u64,
    errors: u64,
    bad_sent: u64,
    bad_refused: u64,
    bad_accepted: u64,
    first_error: Option<String>,
}

fn main() {
    let a = args();
    if a.log {
        // The server's log lines are formatted as in service, then thrown away.
        tracing_subscriber::fmt()
            .with_writer(std::io::sink)
            .with_env_filter("info")
            .init();
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run(a));
}

async fn run(a: Args) {
    let engine = discord_support::engine();
    let questions = engine.example_questions(8);
    assert!(!questions.is_empty(), "the corpus suggests no questions");
    // Default settings: the per-user limit is on, so every request comes from a new user.
    let dir = tempfile::tempdir().unwrap();
    let mut storage = archivist::settings::Settings::defaults().storage;
    if let Some(url) = &a.postgres {
        storage.url = Some(archivist::settings::Secret::new(url.clone()));
    }
    let store = archivist::storage::Store::open(&storage, dir.path()).unwrap();
    store.check().expect("the database answers");
    println!("storage             {}", store.backend());
    let defaults = archivist::settings::Settings::defaults().discord;
    let ctx = archivist::discord::DispatchContext::new(engine.clone(), &defaults).with_store(store);
    let app = http_support::spawn_app(Arc::new(ctx), http_support::default_config()).await;
    assert!(app.addr.ip().is_loopback());
    let app = Arc::new(app);
    let intruder = Arc::new(http_support::Keys::random());
    let counter = Arc::new(AtomicU64::new(0));
    // The dispatcher alone, one thread: the ceiling for the endpoint.
    {
        let ctx = http_support::dispatch_context(engine.clone(), 1_000_000);
        let payloads: Vec<serenity::all::Interaction> = (0..500)
            .map(|i| {
                let q = &questions[i % questions.len()];
                let v = discord_support::command("ask", &[("question", json!(q))]);
                serde_json::from_value(v).unwrap()
            })
            .collect();
        let t = Instant::now();
        for p in &payloads {
            std::hint::black_box(archivist::discord::dispatch(&ctx, p).to_json());
        }
        let per = t.elapsed() / payloads.len() as u32;
        println!(
            "dispatch alone      {:.0} µs per /ask on one thread",
            per.as_secs_f64() * 1e6
        );
    }
    // An answer whose 👍 the workers press.
    let first = discord_support::command("ask", &[("question", json!(questions[0]))]);
    let answer = app.post(&first).await.json();
    let up = Arc::new((answer.clone(), discord_support::custom_id(&answer, "👍")));
    let questions = Arc::new(questions);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(a.concurrency)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    eprintln!(
        "load: {} workers for {:?} against http://{}/interactions ({} example questions)",
        a.concurrency,
        a.duration,
        app.addr,
        questions.len()
    );
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let deadline = started + a.duration;
    let mut workers = Vec::new();
    for _ in 0..a.concurrency {
        let (app, intruder, counter, questions, client, up) = (
            app.clone(),
            intruder.clone(),
            counter.clone(),
            questions.clone(),
            client.clone(),
            up.clone(),
        );
        let bad_every = a.bad_every;
        workers.push(tokio::spawn(async move {
            let mut t = Tally::default();
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let user = (300_000_000_000_000_000u64 + n).to_string();
                let q = &questions[n as usize % questions.len()];
                let press = n % PRESS_EVERY == PRESS_EVERY - 1;
                let body = if press {
                    discord_support::press(&up.0, &up.1, &user)
                } else {
                    discord_support::command_by("ask", &[("question", json!(q))], &user)
                }
                .to_string()
                .into_bytes();
                let ts = http_support::now();
                let bad = n % bad_every == bad_every - 1;
                let (sig, body) = if !bad {
                    (app.keys.sign(&ts, &body), body)
                } else if n % 2 == 0 {
                    (intruder.sign(&ts, &body), body)
                } else {
                    let sig = app.keys.sign(&ts, &body);
                    let mut tampered = body;
                    let at = tampered.len() / 2;
                    tampered[at] = tampered[at].wrapping_add(1);
                    (sig, tampered)
                };
                let sent = Instant::now();
                let r = client
                    .post(format!("http://{}/interactions", app.addr))
                    .header("content-type", "application/json")
                    .header("X-Signature-Ed25519", sig)
                    .header("X-Signature-Timestamp", ts)
                    .body(body)
                    .send()
                    .await;
                let r = match r {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        r.text().await.map(|b| (status, b))
                    }
                    Err(e) => Err(e),
                };
                let us = sent.elapsed().as_micros().min(u32::MAX as u128) as u32;
                if bad {
                    t.bad_sent += 1;
                    t.bad_latencies_us.push(us);
                    match r {
                        Ok((401, _)) => t.bad_refused += 1,
                        Ok((s, _)) if (200..300).contains(&s) => t.bad_accepted += 1,
                        _ => t.errors += 1,
                    }
                    continue;
                }
                t.latencies_us.push(us);
                if press {
                    t.press_latencies_us.push(us);
                }
                let check = if press { recorded } else { answered };
                match r {
                    Ok((200, b)) => match check(&b) {
                        Ok(()) if press => t.pressed += 1,
                        Ok(()) => t.ok += 1,
                        Err(e) => {
                            t.errors += 1;
                            t.first_error.get_or_insert(e);
                        }
                    },
                    Ok((s, b)) => {
                        t.errors += 1;
                        t.first_error.get_or_insert(format!("{s}: {b}"));
                    }
                    Err(e) => {
                        t.errors += 1;
                        t.first_error.get_or_insert(e.to_string());
                    }
                }
            }
            t
        }));
    }
    let mut all = Tally::default();
    for w in workers {
        let t = w.await.unwrap();
        all.latencies_us.extend(t.latencies_us);
        all.bad_latencies_us.extend(t.bad_latencies_us);
        all.press_latencies_us.extend(t.press_latencies_us);
        all.ok += t.ok;
        all.pressed += t.pressed;
        all.errors += t.errors;
        all.bad_sent += t.bad_sent;
        all.bad_refused += t.bad_refused;
        all.bad_accepted += t.bad_accepted;
        if all.first_error.is_none() {
            all.first_error = t.first_error;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    all.latencies_us.sort_unstable();
    all.bad_latencies_us.sort_unstable();
    all.press_latencies_us.sort_unstable();
    let pct_of = |v: &[u32], p: f64| {
        if v.is_empty() {
            return 0.0;
        }
        v[((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1] as f64 / 1000.0
    };
    let pct = |p: f64| pct_of(&all.latencies_us, p);
    let total = all.latencies_us.len() as u64 + all.bad_sent;
    println!("duration            {elapsed:.1} s");
    println!("concurrency         {}", a.concurrency);
    println!(
        "requests            {total} ({:.0} req/s)",
        total as f64 / elapsed
    );
    println!(
        "signed requests     {} ({:.0} req/s): {} /ask answered with quotes, {} 👍 recorded",
        all.latencies_us.len(),
        all.latencies_us.len() as f64 / elapsed,
        all.ok,
        all.pressed
    );
    println!(
        "latency ms          p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0)
    );
    println!(
        "cpu                 {cpu:.1} s for server and client ({:.0} µs per request); {:.1} of {} cores",
        cpu * 1e6 / total.max(1) as f64,
        cpu / elapsed,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "press latency ms    p50 {:.2}  p99 {:.2}  max {:.2}",
        pct_of(&all.press_latencies_us, 0.50),
        pct_of(&all.press_latencies_us, 0.99),
        pct_of(&all.press_latencies_us, 1.0)
    );
    println!("errors              {}", all.errors);
    println!(
        "bad signatures      {} sent, {} refused with 401, {} accepted",
        all.bad_sent, all.bad_refused, all.bad_accepted
    );
    println!(
        "refusal latency ms  p50 {:.2}  p99 {:.2}",
        pct_of(&all.bad_latencies_us, 0.50),
        pct_of(&all.bad_latencies_us, 0.99)
    );
    if let Some(e) = all.first_error {
        println!("first error         {e}");
    }
    if all.errors > 0 || all.bad_accepted > 0 {
        std::process::exit(1);
    }
}

/// Whether a response body is an inline answer (type 4) with at least one quote, not a refusal.
fn answered(body: &str) -> Result<(), String> {
    let v: Value = serde_json::from_str(body).map_err(|e| format!("not JSON: {e}"))?;
    let fields = v["data"]["embeds"][0]["fields"]
        .as_array()
        .map_or(0, Vec::len);
    if v["type"] == 4 && fields > 0 {
        Ok(())
    } else {
        Err(format!("not an answer with quotes: {body}"))
    }
}

/// Whether a response body says the press was recorded (a private message).
fn recorded(body: &str) -> Result<(), String> {
    let v: Value = serde_json::from_str(body).map_err(|e| format!("not JSON: {e}"))?;
    let text = v["data"]["content"].as_str().unwrap_or("");
    if v["type"] == 4 && text.contains("is recorded") {
        Ok(())
    } else {
        Err(format!("press not recorded: {body}"))
    }
}

/// CPU time (user + system) this process used so far, from /proc (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses): utime and stime are 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0 // USER_HZ
}
