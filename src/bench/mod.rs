//! `archivist bench`: synthetic corpora of 10 thousand, 100 thousand and 1 million passages,
//! and for each size the engine's index build, `ask` and `doc` latency, peak memory, index size
//! and cold start, against two baselines on the same passages and questions: a plain BM25
//! search on the same tantivy index ([`rawtantivy`]) and SQLite FTS5 ([`fts5`], with the `bench`
//! feature).
//!
//! The study tools (`verify`, `contexts`, `trend`) are timed on the same corpora ([`study`]).
//!
//! The orchestrator runs each measurement that needs a clean process in a child (`bench --worker
//! build|serve`, the same binary), so peak RSS is the child's own and cold starts spawn the real
//! binary. Children print one JSON line on stdout.

#[cfg(feature = "bench")]
pub mod fts5;
pub mod rawtantivy;
pub mod study;
pub mod synth;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Args;
use serde::{Deserialize, Serialize};

use crate::search::{AskRequest, Engine, EngineOptions};
use crate::settings::Settings;
use synth::Generated;

/// Bump when the generator changes: corpora kept from earlier runs are made again.
const SYNTH_VERSION: u32 = 1;
/// Results per question, for the engine and both baselines.
const LIMIT: usize = 5;

#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// Corpus sizes in passages.
    #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
    pub sizes: Vec<usize>,
    /// Where corpora, indexes and the FTS5 databases go (kept between runs; default: a folder in
    /// the system's temporary directory). Never the seeds.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Questions per size (at least 200).
    #[arg(long, default_value_t = 240)]
    pub questions: usize,
    /// Timed passes over the questions (after one warm-up pass).
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Cold starts of `archivist ask` timed per size.
    #[arg(long, default_value_t = 7)]
    pub cold_runs: usize,
    /// Make the corpora again even when kept from an earlier run.
    #[arg(long)]
    pub fresh: bool,
    #[arg(long, hide = true)]
    pub worker: Option<String>,
    #[arg(long, hide = true)]
    pub dir: Option<PathBuf>,
    /// With `--worker ask`: write every answer as a JSON line here (to check that an engine
    /// change keeps the results); with `--worker study`, every wrong verdict.
    #[arg(long, hide = true)]
    pub dump: Option<PathBuf>,
}

/// What the build worker measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BuildFigures {
    pub seconds: f64,
    pub passages: usize,
    pub documents: usize,
    pub speakers: usize,
    pub warnings: usize,
    pub peak_rss_kb: u64,
    /// Of `seconds`: reading and parsing the corpus alone (`Corpus::load`, timed on its own).
    #[serde(default)]
    pub parse_seconds: f64,
}

/// What the serve worker measured (latencies in microseconds).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ServeFigures {
    pub open_ms: f64,
    pub ask: Lat,
    /// `ask` with `search.paraphrases = false`, timed in the same rounds.
    #[serde(default)]
    pub ask_plain: Option<Lat>,
    pub doc: Lat,
    pub raw: Lat,
    pub fts5: Option<Lat>,
    /// VmHWM after opening, a warm-up pass and the `doc` lookups, before any baseline ran.
    pub serve_peak_rss_kb: u64,
    /// Questions with at least one quote.
    pub answered: usize,
    pub questions: usize,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Lat {
    pub p50_us: f64,
    pub p99_us: f64,
    pub mean_us: f64,
    pub n: usize,
}

impl Lat {
    fn of(mut v: Vec<Duration>) -> Lat {
        if v.is_empty() {
            return Lat::default();
        }
        v.sort();
        let at = |q: f64| v[((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1];
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        Lat {
            p50_us: us(at(0.50)),
            p99_us: us(at(0.99)),
            mean_us: v.iter().map(|d| us(*d)).sum::<f64>() / v.len() as f64,
            n: v.len(),
        }
    }
}

/// Everything measured for one size.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SizeFigures {
    pub passages: usize,
    pub documents: usize,
    pub corpus_mb: f64,
    pub build: BuildFigures,
    pub build_mb_s: f64,
    pub index_mb: f64,
    pub serve: ServeFigures,
    pub cold_p50_ms: f64,
    pub cold_max_ms: f64,
    pub fts5_build_s: Option<f64>,
    pub fts5_mb: Option<f64>,
    /// One document added, changed and removed while serving.
    #[serde(default)]
    pub update: Option<UpdateFigures>,
    /// The study tools (absent in results from before they were measured).
    #[serde(default)]
    pub study: Option<study::StudyFigures>,
}

/// What the update worker measured: from writing (or removing) a corpus file to `ask` answering
/// from the change, with a serving engine and its watcher (file events, debounce included).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UpdateFigures {
    pub add_ms: f64,
    pub change_ms: f64,
    pub remove_ms: f64,
    /// Peak RSS of the serving process across the three updates.
    pub peak_rss_kb: u64,
}

/// `archivist bench`: runs the orchestrator, or a worker when `--worker` is given.
pub fn run(args: &BenchArgs, s: &Settings, config_dir: &Path) -> Result<i32> {
    match args.worker.as_deref() {
        Some("build") => return worker_build(args, s),
        Some("serve") => return worker_serve(args, s),
        Some("parse") => return worker_parse(args, s),
        Some("ask") => return worker_ask(args, s),
        Some("update") => return worker_update(args, s),
        Some("study") => return worker_study(args, s),
        Some(w) => bail!("unknown bench worker {w:?}"),
        None => {}
    }
    if args.questions < 200 {
        bail!("--questions must be at least 200");
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("archivist-bench"));
    let seeds = std::fs::canonicalize(&s.corpus.dir).unwrap_or(s.corpus.dir.clone());
    if let Ok(o) = std::fs::canonicalize(&out) {
        if o.starts_with(&seeds) {
            bail!("--out must not be inside the seeds directory");
        }
    }
    let sentences = synth::seed_sentences(&s.corpus.dir, &s.corpus.canonical_url_base)?;
    eprintln!(
        "bench: {} seed sentences from {}; output in {}",
        sentences.len(),
        s.corpus.dir.display(),
        out.display()
    );
    let mut all = Vec::new();
    for &size in &args.sizes {
        let f = bench_size(
            args,
            s,
            config_dir,
            &sentences,
            size,
            &out.join(size.to_string()),
        )?;
        all.push(f);
        // Print the table so far: a long run shows results as they come.
        eprintln!("{}", table(&all));
    }
    println!("{}", table(&all));
    std::fs::write(out.join("results.json"), serde_json::to_vec_pretty(&all)?)?;
    eprintln!("figures saved in {}", out.join("results.json").display());
    Ok(0)
}

fn bench_size(
    args: &BenchArgs,
    s: &Settings,
    config_dir: &Path,
    sentences: &[String],
    size: usize,
    dir: &Path,
) -> Result<SizeFigures> {
    let corpus = dir.join("corpus");
    let gen_file = dir.join("generated.json");
    let marker = format!("v{SYNTH_VERSION}-{size}-{}", args.questions);
    let kept: Option<Generated> = (!args.fresh)
        .then(|| std::fs::read(dir.join(".done")).ok())
        .flatten()
        .filter(|m| m == marker.as_bytes())
        .and_then(|_| std::fs::read(&gen_file).ok())
        .and_then(|b| serde_json::from_slice(&b).ok());
    let gen = match kept {
        Some(g) => {
            eprintln!("[{size}] corpus kept from an earlier run");
            g
        }
        None => {
            if dir.exists() {
                std::fs::remove_dir_all(dir)?;
            }
            let started = Instant::now();
            let bar = bar(started, size, "generating");
            let g = synth::generate(sentences, size, args.questions, &corpus, &|n| {
                bar(n);
            })?;
            std::fs::write(&gen_file, serde_json::to_vec(&g)?)?;
            std::fs::write(dir.join(".done"), &marker)?;
            eprintln!(
                "[{size}] generated {} documents, {} passages, {:.1} MB in {:.1} s",
                g.documents,
                g.passages,
                g.bytes as f64 / 1e6,
                started.elapsed().as_secs_f64()
            );
            g
        }
    };

    eprintln!("[{size}] building the index");
    let mut build: BuildFigures = worker(config_dir, "build", dir, true)?;
    let parsed: BuildFigures = worker(config_dir, "parse", dir, true)?;
    build.parse_seconds = parsed.parse_seconds;
    let corpus_mb = gen.bytes as f64 / 1e6;
    let index_mb = dir_bytes(&dir.join("data")) as f64 / 1e6;

    #[cfg(feature = "bench")]
    let (fts5_build_s, fts5_mb) = {
        eprintln!("[{size}] building the FTS5 database");
        let c = crate::corpus::Corpus::load(&corpus, &s.corpus.canonical_url_base)?;
        let db = dir.join("fts5.db");
        let (_, secs) = fts5::Fts5::build(&c, &db)?;
        (Some(secs), Some(std::fs::metadata(&db)?.len() as f64 / 1e6))
    };
    #[cfg(not(feature = "bench"))]
    let (fts5_build_s, fts5_mb) = {
        let _ = s;
        (None, None)
    };

    eprintln!("[{size}] serving {} questions", gen.questions.len());
    let serve: ServeFigures = worker(config_dir, "serve", dir, false)?;

    eprintln!("[{size}] the study tools: verify, contexts, trend");
    let study: study::StudyFigures = worker(config_dir, "study", dir, false)?;

    eprintln!("[{size}] cold starts of `archivist ask`");
    let (cold_p50_ms, cold_max_ms) = cold_starts(args, config_dir, dir, &gen)?;

    eprintln!("[{size}] one document added, changed and removed while serving");
    let update: UpdateFigures = worker(config_dir, "update", dir, true)?;
    Ok(SizeFigures {
        passages: gen.passages,
        documents: gen.documents,
        corpus_mb,
        build_mb_s: corpus_mb / build.seconds.max(1e-9),
        build,
        index_mb,
        serve,
        cold_p50_ms,
        cold_max_ms,
        fts5_build_s,
        fts5_mb,
        update: Some(update),
        study: Some(study),
    })
}

/// A progress line on stderr for work that takes more than a second (terminal only).
fn bar(started: Instant, len: usize, what: &'static str) -> impl Fn(usize) {
    use std::io::IsTerminal;
    let bar = indicatif::ProgressBar::hidden();
    bar.set_length(len as u64);
    let tty = std::io::stderr().is_terminal();
    move |n| {
        if tty && bar.is_hidden() && started.elapsed().as_secs_f32() > 1.0 {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_style(
                indicatif::ProgressStyle::with_template(&format!(
                    "{what} {{bar:40}} {{pos}}/{{len}} passages ({{eta}})"
                ))
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
        }
        bar.set_position(n as u64);
        if n >= len {
            bar.finish_and_clear();
        }
    }
}

/// Runs `archivist bench --worker <what> --dir <dir>` and reads its JSON line.
fn worker<T: for<'de> Deserialize<'de>>(
    config_dir: &Path,
    what: &str,
    dir: &Path,
    show_stderr: bool,
) -> Result<T> {
    let out = Command::new(std::env::current_exe()?)
        .arg("--config")
        .arg(config_dir)
        .args(["bench", "--worker", what, "--dir"])
        .arg(dir)
        .stdin(Stdio::null())
        .stderr(if show_stderr {
            Stdio::inherit()
        } else {
            Stdio::piped()
        })
        .output()
        .with_context(|| format!("cannot start the {what} worker"))?;
    if !out.status.success() {
        bail!(
            "the {what} worker failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let line = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(line.trim()).with_context(|| format!("the {what} worker printed {line:?}"))
}

fn options_for(dir: &Path, s: &Settings) -> EngineOptions {
    let mut o = EngineOptions::from_settings(s);
    o.corpus_dir = dir.join("corpus");
    o.data_dir = dir.join("data");
    o
}

fn generated(dir: &Path) -> Result<Generated> {
    let b = std::fs::read(dir.join("generated.json"))
        .with_context(|| format!("no generated corpus in {}", dir.display()))?;
    Ok(serde_json::from_slice(&b)?)
}

/// Peak resident memory of this process so far (VmHWM), in KiB; 0 where /proc is missing.
pub fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn worker_build(args: &BenchArgs, s: &Settings) -> Result<i32> {
    let dir = args.dir.as_deref().context("--dir is required")?;
    let data = dir.join("data");
    if data.exists() {
        std::fs::remove_dir_all(&data)?;
    }
    let opts = options_for(dir, s);
    let started = Instant::now();
    let (_, r) = Engine::rebuild(opts, &crate::cli::progress())?;
    let f = BuildFigures {
        seconds: started.elapsed().as_secs_f64(),
        passages: r.passages,
        documents: r.documents,
        speakers: r.speakers,
        warnings: r.warnings.len(),
        peak_rss_kb: peak_rss_kb(),
        parse_seconds: 0.0,
    };
    println!("{}", serde_json::to_string(&f)?);
    Ok(0)
}

fn worker_parse(args: &BenchArgs, s: &Settings) -> Result<i32> {
    let dir = args.dir.as_deref().context("--dir is required")?;
    let started = Instant::now();
    let c = crate::corpus::Corpus::load(&dir.join("corpus"), &s.corpus.canonical_url_base)?;
    let f = BuildFigures {
        parse_seconds: started.elapsed().as_secs_f64(),
        documents: c.documents.len(),
        peak_rss_kb: peak_rss_kb(),
        ..Default::default()
    };
    println!("{}", serde_json::to_string(&f)?);
    Ok(0)
}

/// For profiling (`valgrind --tool=callgrind --toggle-collect='*Engine::ask*'`): only the
/// engine's `ask` over every question, `--rounds` times.
fn worker_ask(args: &BenchArgs, s: &Settings) -> Result<i32> {
    let dir = args.dir.as_deref().context("--dir is required")?;
    let gen = generated(dir)?;
    let engine = Engine::open(options_for(dir, s))?;
    let mut n = 0;
    let mut dump = match &args.dump {
        Some(p) => Some(std::io::BufWriter::new(std::fs::File::create(p)?)),
        None => None,
    };
    // Warm (one untimed pass), then timed: what a profile of `ask` alone sees, and which
    // questions are the slow ones.
    for q in &gen.questions {
        engine.ask(&ask_request(&q.question));
    }
    let mut times: Vec<(Duration, &str)> = Vec::new();
    for _ in 0..args.rounds.max(1) {
        for q in &gen.questions {
            let t = Instant::now();
            let a = engine.ask(&ask_request(&q.question));
            times.push((t.elapsed(), &q.question));
            n += a.results.len();
            if let Some(w) = dump.as_mut() {
                use std::io::Write;
                writeln!(
                    w,
                    "{}",
                    serde_json::to_string(&crate::cli::AskJson::from(&a))?
                )?;
            }
        }
        dump = None;
    }
    let lat = Lat::of(times.iter().map(|t| t.0).collect());
    times.sort_by_key(|t| std::cmp::Reverse(t.0));
    times.truncate(5);
    let slowest: Vec<(f64, &str)> = times
        .iter()
        .map(|(d, q)| (d.as_secs_f64() * 1e6, *q))
        .collect();
    println!(
        "{}",
        serde_json::json!({"results": n, "ask": lat, "slowest_us": slowest})
    );
    Ok(0)
}

/// Adds a document to the corpus, changes it, removes it, with a serving engine and its watcher;
/// each time, how long until `ask` answers from the change.
fn worker_update(args: &BenchArgs, s: &Settings) -> Result<i32> {
    let dir = args.dir.as_deref().context("--dir is required")?;
    let gen = generated(dir)?;
    let opts = options_for(dir, s);
    let corpus = opts.corpus_dir.clone();
    let engine = std::sync::Arc::new(Engine::open(opts)?);
    let _watcher = crate::search::watch::Watcher::spawn(
        engine.clone(),
        Duration::from_secs(s.corpus.watch_secs.max(1)),
    );
    // A copy of the first document under a new id, holding a word no other passage has.
    let first = crate::corpus::corpus_files(&corpus)?
        .into_iter()
        .next()
        .context("an empty corpus")?;
    let template = std::fs::read_to_string(&first)?;
    let old_id = gen.doc_ids.first().context("no documents")?;
    let new_id = "990000001";
    let with_word = |w: &str| {
        template.replace(old_id.as_str(), new_id).replace(
            "Translation - English",
            &format!("Translation - English\n\nThe {w} arrived at the border."),
        )
    };
    let file = corpus.join("zz-bench-update.txt");
    // With a common word beside the new one, the question always finds passages (an answer
    // that finds nothing lists suggestions, which costs more than the question at this size).
    let finds = |w: &str| {
        engine
            .ask(&ask_request(&format!("{w} border")))
            .results
            .iter()
            .any(|r| r.doc_id == new_id)
    };
    let wait = |w: &str, present: bool| -> Result<f64> {
        let t = Instant::now();
        while finds(w) != present {
            if t.elapsed() > Duration::from_secs(300) {
                bail!("the update of {w:?} was not visible within 300 s");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        Ok(t.elapsed().as_secs_f64() * 1e3)
    };
    let result = (|| -> Result<UpdateFigures> {
        std::fs::write(&file, with_word("quillworts"))?;
        let add_ms = wait("quillworts", true)?;
        std::fs::write(&file, with_word("zebrawoods"))?;
        let change_ms = wait("zebrawoods", true)?;
        std::fs::remove_file(&file)?;
        let remove_ms = wait("zebrawoods", false)?;
        Ok(UpdateFigures {
            add_ms,
            change_ms,
            remove_ms,
            peak_rss_kb: peak_rss_kb(),
        })
    })();
    let _ = std::fs::remove_file(&file);
    let f = result?;
    println!("{}", serde_json::to_string(&f)?);
    Ok(0)
}

/// `verify`, `contexts` and `trend` on the corpus (see [`study`]); also runnable on its own on a
/// corpus kept from an earlier run: `archivist bench --worker study --dir <out>/<size>`.
fn worker_study(args: &BenchArgs, s: &Settings) -> Result<i32> {
    let dir = args.dir.as_deref().context("--dir is required")?;
    let gen = generated(dir)?;
    let engine = Engine::open(options_for(dir, s))?;
    let mut dump = match &args.dump {
        Some(p) => Some(std::io::BufWriter::new(std::fs::File::create(p)?)),
        None => None,
    };
    // With --dump: every wrong verdict as a JSON line, to see why.
    let mut wrong = |kind: &str, v: &crate::study::Verification| {
        if let Some(w) = dump.as_mut() {
            use std::io::Write;
            let line = serde_json::json!({"kind": kind, "verification": v});
            let _ = writeln!(w, "{line}");
        }
    };
    let f = study::measure(&engine, &gen, args.rounds, &mut wrong);
    println!("{}", serde_json::to_string(&f)?);
    Ok(0)
}

fn ask_request(question: &str) -> AskRequest {
    AskRequest {
        question: question.to_string(),
        limit: LIMIT,
        ..Default::default()
    }
}

fn worker_serve(args: &BenchArgs, s: &Settings) -> Result<i32> {
    let dir = args.dir.as_deref().context("--dir is required")?;
    let gen = generated(dir)?;
    let opts = options_for(dir, s);
    let started = Instant::now();
    let engine = Engine::open(opts)?;
    let open_ms = started.elapsed().as_secs_f64() * 1e3;
    // Warm-up pass (also: how many questions find something).
    let answered = gen
        .questions
        .iter()
        .filter(|q| !engine.ask(&ask_request(&q.question)).results.is_empty())
        .count();
    let ids: Vec<&String> = gen
        .doc_ids
        .iter()
        .step_by((gen.doc_ids.len() / 200).max(1))
        .collect();
    let mut doc_t = Vec::new();
    for _ in 0..args.rounds.max(1) {
        for id in &ids {
            let t = Instant::now();
            let card = engine.document(id);
            doc_t.push(t.elapsed());
            anyhow::ensure!(card.is_ok(), "document {id} not found");
        }
    }
    let serve_peak_rss_kb = peak_rss_kb();

    // The same index searched on the question's own words only: what paraphrases cost.
    let plain = Engine::open(EngineOptions {
        paraphrases: false,
        ..options_for(dir, s)
    })?;
    for q in &gen.questions {
        plain.ask(&ask_request(&q.question));
    }
    let raw = rawtantivy::Raw::open(&dir.join("data"))?;
    let raw_searcher = raw.searcher();
    #[cfg(feature = "bench")]
    let fts = {
        let c = rusqlite::Connection::open_with_flags(
            dir.join("fts5.db"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )?;
        fts5::Fts5::from_connection(c)
    };
    for q in &gen.questions {
        raw.search(&raw_searcher, &q.terms, LIMIT);
        #[cfg(feature = "bench")]
        fts.search(&q.terms, LIMIT)?;
    }
    // Timed rounds, the three interleaved question by question so that noise from other work
    // on the machine falls on all of them alike.
    let (mut ask_t, mut plain_t, mut raw_t) = (Vec::new(), Vec::new(), Vec::new());
    #[cfg(feature = "bench")]
    let mut fts_t = Vec::new();
    for _ in 0..args.rounds.max(1) {
        for q in &gen.questions {
            let t = Instant::now();
            let a = engine.ask(&ask_request(&q.question));
            ask_t.push(t.elapsed());
            std::hint::black_box(a);
            let t = Instant::now();
            std::hint::black_box(plain.ask(&ask_request(&q.question)));
            plain_t.push(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(raw.search(&raw_searcher, &q.terms, LIMIT));
            raw_t.push(t.elapsed());
            #[cfg(feature = "bench")]
            {
                let t = Instant::now();
                std::hint::black_box(fts.search(&q.terms, LIMIT)?);
                fts_t.push(t.elapsed());
            }
        }
    }
    #[cfg(feature = "bench")]
    let fts5 = Some(Lat::of(fts_t));
    #[cfg(not(feature = "bench"))]
    let fts5 = None;
    let f = ServeFigures {
        open_ms,
        ask: Lat::of(ask_t),
        ask_plain: Some(Lat::of(plain_t)),
        doc: Lat::of(doc_t),
        raw: Lat::of(raw_t),
        fts5,
        serve_peak_rss_kb,
        answered,
        questions: gen.questions.len(),
    };
    println!("{}", serde_json::to_string(&f)?);
    Ok(0)
}

/// Spawns the real `archivist ask` on the existing index: one untimed run, then `cold_runs`
/// timed; (median ms, max ms). (No peak RSS here: `wait4` would count the pages this big
/// process had when it forked the child.)
fn cold_starts(
    args: &BenchArgs,
    config_dir: &Path,
    dir: &Path,
    gen: &Generated,
) -> Result<(f64, f64)> {
    let exe = std::env::current_exe()?;
    let mut times = Vec::new();
    for i in 0..=args.cold_runs {
        let q = &gen.questions[i % gen.questions.len()].question;
        let t = Instant::now();
        let child = Command::new(&exe)
            .arg("--config")
            .arg(config_dir)
            .arg("--corpus")
            .arg(dir.join("corpus"))
            .arg("--data")
            .arg(dir.join("data"))
            .args(["ask", "--json", "-n", "5", q])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let out = child.wait_with_output()?;
        let el = t.elapsed();
        if !out.status.success() {
            bail!("`archivist ask {q:?}` failed on {}", dir.display());
        }
        if i > 0 {
            times.push(el.as_secs_f64() * 1e3);
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    Ok((times[times.len() / 2], times[times.len() - 1]))
}

fn dir_bytes(p: &Path) -> u64 {
    let Ok(rd) = std::fs::read_dir(p) else {
        return 0;
    };
    rd.flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// The figures as a Markdown table, one column per size.
pub fn table(all: &[SizeFigures]) -> String {
    let ms = |us: f64| format!("{:.3}", us / 1e3);
    let mb = |kb: u64| format!("{:.0}", kb as f64 / 1024.0);
    fn opt(o: Option<String>) -> String {
        o.unwrap_or_else(|| "n/a".into())
    }
    type Row<'a> = (&'a str, Box<dyn Fn(&SizeFigures) -> String>);
    let rows: Vec<Row> =
        vec![
            ("passages", Box::new(|f| f.passages.to_string())),
            ("documents", Box::new(|f| f.documents.to_string())),
            (
                "corpus text (MB)",
                Box::new(|f| format!("{:.1}", f.corpus_mb)),
            ),
            (
                "index build (s)",
                Box::new(|f| format!("{:.2}", f.build.seconds)),
            ),
            (
                "index build (MB/s)",
                Box::new(|f| format!("{:.1}", f.build_mb_s)),
            ),
            (
                "peak RSS, build (MB)",
                Box::new(move |f| mb(f.build.peak_rss_kb)),
            ),
            (
                "index size on disk (MB)",
                Box::new(|f| format!("{:.1}", f.index_mb)),
            ),
            (
                "engine open in process (ms)",
                Box::new(|f| format!("{:.1}", f.serve.open_ms)),
            ),
            ("`ask` p50 (ms)", Box::new(move |f| ms(f.serve.ask.p50_us))),
            ("`ask` p99 (ms)", Box::new(move |f| ms(f.serve.ask.p99_us))),
            (
                "`ask` p99 without paraphrases (ms)",
                Box::new(move |f| opt(f.serve.ask_plain.as_ref().map(|l| ms(l.p99_us)))),
            ),
            (
                "raw tantivy p50 (ms)",
                Box::new(move |f| ms(f.serve.raw.p50_us)),
            ),
            (
                "raw tantivy p99 (ms)",
                Box::new(move |f| ms(f.serve.raw.p99_us)),
            ),
            (
                "FTS5 p50 (ms)",
                Box::new(move |f| opt(f.serve.fts5.as_ref().map(|l| ms(l.p50_us)))),
            ),
            (
                "FTS5 p99 (ms)",
                Box::new(move |f| opt(f.serve.fts5.as_ref().map(|l| ms(l.p99_us)))),
            ),
            (
                "ours / raw, p50",
                Box::new(|f| format!("{:.2}", f.serve.ask.p50_us / f.serve.raw.p50_us.max(1e-9))),
            ),
            (
                "ours / raw, p99",
                Box::new(|f| format!("{:.2}", f.serve.ask.p99_us / f.serve.raw.p99_us.max(1e-9))),
            ),
            (
                "ours / FTS5, p50",
                Box::new(|f| {
                    opt(f
                        .serve
                        .fts5
                        .as_ref()
                        .map(|l| format!("{:.2}", f.serve.ask.p50_us / l.p50_us.max(1e-9))))
                }),
            ),
            (
                "ours / FTS5, p99",
                Box::new(|f| {
                    opt(f
                        .serve
                        .fts5
                        .as_ref()
                        .map(|l| format!("{:.2}", f.serve.ask.p99_us / l.p99_us.max(1e-9))))
                }),
            ),
            ("`doc` p50 (ms)", Box::new(move |f| ms(f.serve.doc.p50_us))),
            ("`doc` p99 (ms)", Box::new(move |f| ms(f.serve.doc.p99_us))),
            (
                "peak RSS, serving (MB)",
                Box::new(move |f| mb(f.serve.serve_peak_rss_kb)),
            ),
            (
                "cold `archivist ask` p50 (ms)",
                Box::new(|f| format!("{:.0}", f.cold_p50_ms)),
            ),
            (
                "cold `archivist ask` max (ms)",
                Box::new(|f| format!("{:.0}", f.cold_max_ms)),
            ),
            (
                "add / change / remove a document, visible after (ms)",
                Box::new(|f| {
                    opt(f.update.as_ref().map(|u| {
                        format!("{:.0} / {:.0} / {:.0}", u.add_ms, u.change_ms, u.remove_ms)
                    }))
                }),
            ),
            (
                "slowest of the three / full build",
                Box::new(|f| {
                    opt(f.update.as_ref().map(|u| {
                        let worst = u.add_ms.max(u.change_ms).max(u.remove_ms);
                        format!("{:.3}", worst / 1e3 / f.build.seconds.max(1e-9))
                    }))
                }),
            ),
            (
                "peak RSS, serving with updates (MB)",
                Box::new(move |f| opt(f.update.as_ref().map(|u| mb(u.peak_rss_kb)))),
            ),
            (
                "questions answered",
                Box::new(|f| format!("{}/{}", f.serve.answered, f.serve.questions)),
            ),
            (
                "`verify` p50 (ms), 60-word quotations",
                Box::new(move |f| opt(f.study.as_ref().map(|st| ms(st.verify.p50_us)))),
            ),
            (
                "`verify` p99 (ms), 60-word quotations",
                Box::new(move |f| opt(f.study.as_ref().map(|st| ms(st.verify.p99_us)))),
            ),
            (
                "`verify` verdicts right",
                Box::new(|f| {
                    opt(f.study.as_ref().map(|st| {
                        let (r, n) = st
                            .verdicts_right
                            .values()
                            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
                        format!("{r}/{n}")
                    }))
                }),
            ),
            (
                "`contexts` p50 / p99 (ms)",
                Box::new(move |f| {
                    opt(f.study.as_ref().map(|st| {
                        format!("{} / {}", ms(st.contexts.p50_us), ms(st.contexts.p99_us))
                    }))
                }),
            ),
            (
                "`trend` p50 / p99 (ms)",
                Box::new(move |f| {
                    opt(f
                        .study
                        .as_ref()
                        .map(|st| format!("{} / {}", ms(st.trend.p50_us), ms(st.trend.p99_us))))
                }),
            ),
            (
                "first `trend`, word counts (ms)",
                Box::new(move |f| {
                    opt(f
                        .study
                        .as_ref()
                        .map(|st| format!("{:.0}", st.trend_first_ms)))
                }),
            ),
            (
                "FTS5 build (s)",
                Box::new(move |f| opt(f.fts5_build_s.map(|s| format!("{s:.1}")))),
            ),
            (
                "FTS5 database (MB)",
                Box::new(move |f| opt(f.fts5_mb.map(|s| format!("{s:.1}")))),
            ),
        ];
    let mut out = String::from("| |");
    for f in all {
        out.push_str(&format!(" {} |", f.passages));
    }
    out.push_str("\n|---|");
    for _ in all {
        out.push_str("---:|");
    }
    for (name, get) in &rows {
        out.push_str(&format!("\n| {name} |"));
        for f in all {
            out.push_str(&format!(" {} |", get(f)));
        }
    }
    out
}
