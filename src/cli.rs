//! The command line: clap subcommands, each a thin call into the engine plus a renderer
//! (terminal text, or JSON with `--json`). Exit codes: 0 done, 1 not found / failed, 2 usage.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

use crate::answer::Answer;
use crate::index::BuildEvent;
use crate::search::{AskRequest, Engine, EngineOptions, NotFound};
use crate::settings::Settings;
use crate::terminal::{self, Style};

#[derive(Debug, Parser)]
#[command(
    name = "archivist",
    version,
    about = "Question archival transcripts: verbatim quotes with exact citations"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Corpus directory (default from settings: `seeds`).
    #[arg(long, global = true, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Data directory for the index (default from settings: `data`).
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Settings directory holding `local.toml`.
    #[arg(long, global = true, value_name = "DIR", default_value = "config")]
    pub config: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ask a question; prints quotes with speaker, document, date, passage and link.
    Ask {
        /// The question, in plain English.
        #[arg(required = true, num_args = 1..)]
        question: Vec<String>,
        /// Print the answer as JSON.
        #[arg(long)]
        json: bool,
        /// How many quotes.
        #[arg(long, short = 'n')]
        limit: Option<usize>,
        /// Only this speaker's turns (full name, surname or label).
        #[arg(long)]
        speaker: Option<String>,
        /// Only this document.
        #[arg(long = "doc")]
        doc: Option<String>,
    },
    /// Show a document's card: title, date, summary, participants, reference, citation.
    Doc {
        /// Document id (the last part of its archive URL).
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// List who speaks, in one document or the whole corpus.
    Speakers {
        #[arg(long = "doc")]
        doc: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show one passage in full.
    Quote {
        id: String,
        passage: u32,
        #[arg(long)]
        json: bool,
    },
    /// Bring the index up to date with the corpus now (only the changed documents are indexed
    /// again) and print a summary.
    Index {
        /// Rebuild the whole index from the corpus.
        #[arg(long)]
        full: bool,
    },
    /// Check documents before adding them: what is read from each file (id, title, date,
    /// reference, translator, speakers, passages) and every warning with its line. The index is
    /// not touched. Exit 0 when every file is usable, 1 when one is not.
    Check {
        /// Files or directories (a directory's .txt, .md, .html and .htm files, subfolders too).
        #[arg(required = true, value_name = "FILE|DIR")]
        paths: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Print a document's citation: as the archive gives it, and in Chicago, MLA and APA style;
    /// or a file for a reference manager (`--style ris|bibtex`, for Zotero, EndNote).
    Cite {
        /// Document id.
        id: String,
        /// One style only: document, chicago, mla or apa; or ris or bibtex.
        #[arg(long, value_parser = ["document", "chicago", "mla", "apa", "ris", "bibtex"])]
        style: Option<String>,
    },
    /// Is this quotation in the sources, word for word? Verbatim, with omissions, altered (the
    /// changes word by word) or not found (the closest passages).
    Verify(crate::study_cli::VerifyArgs),
    /// Every use of a word or phrase in context (keyword-in-context lines), in date order.
    Contexts(crate::study_cli::ContextsArgs),
    /// Uses of up to three words or phrases per 10,000 words, per document or month.
    Trend(crate::study_cli::TrendArgs),
    /// Run the Discord bot over the gateway (token from DISCORD_TOKEN) until SIGINT/SIGTERM.
    Serve {
        /// Run only these gateway shards, e.g. `0..4` (shards 0 to 3), for a bot in many servers
        /// split across processes; needs --total. Default: every shard Discord recommends.
        #[arg(long, value_name = "A..B", requires = "total")]
        shards: Option<String>,
        /// How many shards the bot has in all (with --shards).
        #[arg(long, value_name = "N", requires = "shards")]
        total: Option<u32>,
    },
    /// Answer interactions over HTTP (Discord's interactions endpoint URL; public key from
    /// DISCORD_PUBLIC_KEY) until SIGINT/SIGTERM.
    ServeHttp {
        /// Address to listen on (default from settings: http.listen, 0.0.0.0:8080).
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
    },
    /// Register the slash commands with Discord: in one guild (instant) or globally.
    #[command(group(clap::ArgGroup::new("scope").required(true).args(["guild", "global"])))]
    Register {
        /// Register in this guild (server) id only; shows up at once.
        #[arg(long, value_name = "ID")]
        guild: Option<u64>,
        /// Register for every guild (production; can take a while to show up).
        #[arg(long)]
        global: bool,
        /// Application id (default: discord.application_id from the settings).
        #[arg(long, value_name = "ID")]
        application_id: Option<u64>,
    },
    /// Print the slash command table (`--json`: the registration JSON Discord receives).
    Commands {
        #[arg(long)]
        json: bool,
    },
    /// Answer one Discord interaction: its JSON on stdin, the response JSON on stdout (offline).
    Interact {
        /// Write the response's attachments (charts, CSV, reference files) into this directory.
        #[arg(long, value_name = "DIR")]
        files: Option<PathBuf>,
    },
    /// Measure answer quality on a question file (JSON lines, see shared/eval/README.md).
    Eval {
        file: PathBuf,
        #[arg(long)]
        json: bool,
        /// List every question with its rank.
        #[arg(long, short)]
        verbose: bool,
        /// With -v: how each question was read (answer type, role, frame, paraphrases and
        /// their weights) and why each of the top results ranked (words matched, paraphrases,
        /// answer type found, title words), with the quotes shown.
        #[arg(long)]
        explain: bool,
    },
    /// Benchmark on synthetic corpora against raw tantivy and SQLite FTS5 (see BENCHMARKS.md).
    Bench(crate::bench::BenchArgs),
    /// Print the OAuth2 URL that adds the bot to a server, with the fewest scopes and permissions.
    Invite {
        /// Application id (default: discord.application_id from the settings).
        #[arg(long, value_name = "ID")]
        application_id: Option<u64>,
        /// For `archivist serve` (gateway): adds the `bot` scope, still with no permissions.
        #[arg(long)]
        gateway: bool,
    },
    /// Show a server's settings (private answers, scope, channel overrides).
    Settings {
        #[arg(long, value_name = "ID")]
        guild: u64,
        #[arg(long)]
        json: bool,
    },
    /// Questions in a server that found nothing or got a thumbs down, grouped, newest first.
    Gaps {
        #[arg(long, value_name = "ID")]
        guild: u64,
        /// How many days back.
        #[arg(long, default_value_t = 30)]
        days: u32,
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        #[arg(long)]
        csv: bool,
    },
    /// Delete every question and feedback record of one Discord user.
    Forget {
        #[arg(long, value_name = "ID")]
        user: u64,
    },
    /// Check that a running `serve-http` answers `GET /healthz` (exit 0) — for container health checks.
    Healthcheck {
        /// Address of the server.
        #[arg(default_value = "127.0.0.1:8080")]
        addr: String,
    },
}

/// Settings with the command line's overrides applied.
pub fn settings(g: &Global) -> Result<Settings> {
    let mut s = Settings::load(&g.config)?;
    if let Some(c) = &g.corpus {
        s.corpus.dir = c.clone();
    }
    if let Some(d) = &g.data {
        s.data.dir = d.clone();
    }
    Ok(s)
}

/// A progress bar on stderr for builds that take more than a second.
pub(crate) fn progress() -> impl Fn(BuildEvent) {
    use std::io::IsTerminal;
    let started = std::time::Instant::now();
    let bar = indicatif::ProgressBar::hidden();
    let tty = std::io::stderr().is_terminal();
    move |e| match e {
        BuildEvent::Start { passages } => bar.set_length(passages as u64),
        BuildEvent::Indexed { passages } => {
            if tty && bar.is_hidden() && started.elapsed().as_secs_f32() > 1.0 {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "indexing {bar:40} {pos}/{len} passages ({eta})",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
            }
            bar.set_position(passages as u64);
        }
        BuildEvent::Done => bar.finish_and_clear(),
    }
}

/// Opens the engine, building the index on first use.
pub fn open_engine(s: &Settings) -> Result<Engine> {
    let (engine, report) =
        Engine::open_with_progress(EngineOptions::from_settings(s), &progress())?;
    log_build(report);
    Ok(engine)
}

fn log_build(report: Option<crate::index::BuildReport>) {
    if let Some(r) = report {
        tracing::info!(
            documents = r.documents,
            passages = r.passages,
            seconds = r.seconds,
            "index built"
        );
    }
}

/// Runs a command; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    let s = settings(&cli.global)?;
    crate::index::set_writer_budget(s.index.writer_memory_mb << 20);
    if let Command::Bench(args) = &cli.command {
        return crate::bench::run(args, &s, &cli.global.config);
    }
    let style = Style::for_stdout();
    match cli.command {
        Command::Ask {
            question,
            json,
            limit,
            speaker,
            doc,
        } => {
            let req = AskRequest {
                question: question.join(" "),
                speaker,
                doc,
                limit: limit.unwrap_or(0),
                ..Default::default()
            };
            let (engine, a, report) =
                Engine::open_answering(EngineOptions::from_settings(&s), &req, &progress())?;
            log_build(report);
            if json {
                println!("{}", serde_json::to_string_pretty(&AskJson::from(&a))?);
            } else {
                let cite = |id: &str| {
                    engine
                        .document(id)
                        .ok()
                        .and_then(|c| c.citation.map(|t| format!("{t} {}", c.canonical_url)))
                };
                print!("{}", terminal::render_answer(&a, &cite, style));
            }
            Ok(0)
        }
        Command::Doc { id, json } => {
            let engine = open_engine(&s)?;
            match engine.document(&id) {
                Ok(card) if json => println!("{}", serde_json::to_string_pretty(&card)?),
                Ok(card) => print!("{}", terminal::render_card(&card, style)),
                Err(nf) => return Ok(not_found(&nf)),
            }
            Ok(0)
        }
        Command::Speakers { doc, json } => {
            let engine = open_engine(&s)?;
            match engine.speakers(doc.as_deref()) {
                Ok(list) if json => println!("{}", serde_json::to_string_pretty(&list)?),
                Ok(list) => print!("{}", terminal::render_speakers(&list, style)),
                Err(nf) => return Ok(not_found(&nf)),
            }
            Ok(0)
        }
        Command::Quote { id, passage, json } => {
            let engine = open_engine(&s)?;
            match engine.passage(&id, passage) {
                Ok(p) if json => println!("{}", serde_json::to_string_pretty(&p)?),
                Ok(p) => print!("{}", terminal::render_passage(&p, style)),
                Err(nf) => return Ok(not_found(&nf)),
            }
            Ok(0)
        }
        Command::Cite { id, style } => {
            let engine = open_engine(&s)?;
            let card = match engine.document(&id) {
                Ok(card) => card,
                Err(nf) => return Ok(not_found(&nf)),
            };
            if let Some(export) = style.as_deref().and_then(crate::cite::Export::parse) {
                print!("{}", export.render(&card));
                return Ok(0);
            }
            let styles: Vec<crate::cite::Style> = match style.as_deref() {
                Some(k) => crate::cite::Style::parse(k).into_iter().collect(),
                None => crate::cite::Style::ALL.to_vec(),
            };
            for st in styles {
                if style.is_none() {
                    println!("{}:", st.label());
                }
                println!("{}", crate::cite::cite(&card, st));
            }
            Ok(0)
        }
        Command::Serve { shards, total } => {
            let shards = match (shards, total) {
                (Some(r), Some(n)) => Some(crate::discord::gateway::Shards::parse(&r, n)?),
                _ => None,
            };
            crate::discord::cli::serve(&s, shards, || open_engine(&s))
        }
        Command::ServeHttp { listen } => {
            crate::discord::cli::serve_http(&s, listen, || open_engine(&s))
        }
        Command::Register {
            guild,
            global: _,
            application_id,
        } => crate::discord::cli::register(&s, guild, application_id),
        Command::Commands { json } => crate::discord::cli::commands(json),
        Command::Interact { files } => {
            crate::discord::cli::interact(&s, open_engine(&s)?, files.as_deref())
        }
        Command::Verify(args) => crate::study_cli::verify(&open_engine(&s)?, &args, style),
        Command::Contexts(args) => crate::study_cli::contexts(&open_engine(&s)?, &args, style),
        Command::Trend(args) => crate::study_cli::trend(&open_engine(&s)?, &args, style),
        Command::Index { full } => index_command(&s, full),
        Command::Check { paths, json } => {
            let reports = crate::corpus::check::check_paths(&paths, &s.corpus.canonical_url_base);
            if json {
                println!("{}", serde_json::to_string_pretty(&reports)?);
            } else {
                print!("{}", terminal::render_check(&reports, style));
            }
            Ok(if reports.iter().all(|r| r.usable) {
                0
            } else {
                1
            })
        }
        Command::Healthcheck { addr } => Ok(healthcheck(&addr)),
        Command::Invite {
            application_id,
            gateway,
        } => crate::discord::cli::invite(&s, application_id, gateway),
        Command::Settings { guild, json } => crate::discord::cli::show_settings(&s, guild, json),
        Command::Gaps {
            guild,
            days,
            json,
            csv,
        } => crate::discord::cli::gaps(&s, guild, days, json, csv),
        Command::Forget { user } => crate::discord::cli::forget(&s, user),
        Command::Eval {
            file,
            json,
            verbose,
            explain,
        } => {
            let engine = open_engine(&s)?;
            let qs = crate::eval::read_questions(&file)?;
            let m = crate::eval::evaluate(&engine, &qs, explain);
            if json {
                println!("{}", serde_json::to_string_pretty(&m)?);
                return Ok(0);
            }
            if verbose {
                for r in &m.per_question {
                    let rank = r.rank.map(|k| k.to_string()).unwrap_or_else(|| "-".into());
                    let sp = r
                        .speaker_precision
                        .map(|p| format!(" speaker@3={p:.2}"))
                        .unwrap_or_default();
                    println!(
                        "{:<5} rank={rank:<2} quote={}{sp}  {}  [{}]",
                        r.id,
                        if r.quote_hit { "yes" } else { "no " },
                        r.question,
                        r.top.join(" | ")
                    );
                    if let Some(e) = &r.explain {
                        print!("{}", terminal::render_explanation(e, &r.quotes));
                    }
                }
                println!();
            }
            println!("questions            {}", m.questions);
            println!("Hit@1                {:.2}", m.hit_at_1);
            println!("Hit@3                {:.2}", m.hit_at_3);
            println!("MRR@10               {:.2}", m.mrr_at_10);
            println!("quote@3              {:.2}", m.quote_at_3);
            println!("speaker precision@3  {:.2}", m.speaker_precision_at_3);
            Ok(0)
        }
        Command::Bench(_) => unreachable!("handled above"),
    }
}

pub(crate) fn not_found(nf: &NotFound) -> i32 {
    eprintln!("No document {:?} in the corpus.", nf.what);
    if !nf.suggestions.is_empty() {
        eprintln!("Did you mean:");
        for b in &nf.suggestions {
            eprintln!(
                "  {} — {} ({})",
                b.doc_id,
                b.title,
                b.date.as_deref().unwrap_or("undated")
            );
        }
    }
    1
}

/// `ask --json`: the DESIGN.md contract (`question`, `total`, `results`) plus what was searched.
#[derive(serde::Serialize)]
pub struct AskJson<'a> {
    pub question: &'a str,
    pub total: usize,
    pub results: &'a [crate::answer::Quote],
    pub searched: &'a crate::answer::Searched,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub suggestions: &'a [String],
}

impl<'a> From<&'a Answer> for AskJson<'a> {
    fn from(a: &'a Answer) -> Self {
        AskJson {
            question: &a.question,
            total: a.total,
            results: &a.results,
            searched: &a.searched,
            suggestions: &a.suggestions,
        }
    }
}

/// `GET /healthz` over plain HTTP/1.0 with a short timeout; 0 when it answers 200, else 1.
fn healthcheck(addr: &str) -> i32 {
    use std::io::{Read, Write};
    use std::net::ToSocketAddrs;
    let timeout = std::time::Duration::from_secs(3);
    let status = (|| -> std::io::Result<String> {
        let sa = addr
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| std::io::Error::other("no address"))?;
        let mut s = std::net::TcpStream::connect_timeout(&sa, timeout)?;
        s.set_read_timeout(Some(timeout))?;
        s.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
        let mut head = [0u8; 64];
        let n = s.read(&mut head)?;
        Ok(String::from_utf8_lossy(&head[..n]).into_owned())
    })();
    match status {
        Ok(line)
            if line.starts_with("HTTP/1.") && line.split_whitespace().nth(1) == Some("200") =>
        {
            0
        }
        Ok(line) => {
            eprintln!("unhealthy: {}", line.lines().next().unwrap_or(""));
            1
        }
        Err(e) => {
            eprintln!("unhealthy: cannot reach {addr}: {e}");
            1
        }
    }
}

/// `archivist index [--full]`: brings the index up to date (incrementally, then the merges the
/// merge policy asks for), or rebuilds it whole; prints what it did.
fn index_command(s: &Settings, full: bool) -> Result<i32> {
    let opts = EngineOptions::from_settings(s);
    let report = if full {
        Some(Engine::rebuild(opts, &progress())?.1)
    } else {
        let (engine, report) = Engine::open_with_progress(opts, &progress())?;
        if engine.merge()? {
            println!("index segments merged");
        }
        report
    };
    let Some(r) = report else {
        let st = crate::index::current(&s.data.dir);
        println!(
            "the index of {} is up to date{}",
            s.corpus.dir.display(),
            st.map(|c| format!(" ({})", c.dir)).unwrap_or_default()
        );
        return Ok(0);
    };
    match &r.changes {
        Some(c) => println!(
            "updated the index of {} in {:.2} s: {} files added, {} changed, {} removed; \
             {} documents indexed again ({} passages); now {} documents, {} passages, {} speakers",
            s.corpus.dir.display(),
            r.seconds,
            c.files_added,
            c.files_changed,
            c.files_removed,
            c.documents_indexed,
            c.passages_indexed,
            r.documents,
            r.passages,
            r.speakers
        ),
        None => println!(
            "indexed {} documents, {} passages, {} speakers from {} in {:.2} s ({:.1} MB/s)",
            r.documents,
            r.passages,
            r.speakers,
            s.corpus.dir.display(),
            r.seconds,
            r.bytes as f64 / 1e6 / r.seconds.max(1e-9)
        ),
    }
    if r.warnings.is_empty() {
        println!("no warnings");
    } else {
        println!("{} warnings:", r.warnings.len());
        for w in &r.warnings {
            println!("  {w}");
        }
    }
    Ok(0)
}
