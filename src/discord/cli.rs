//! The Discord subcommands of `archivist`: `serve` (gateway bot), `serve-http` (interactions
//! endpoint), `register` (upload the command
//! table), `commands` (print it) and `interact` (one interaction JSON on stdin → the response
//! JSON on stdout, offline, through the same dispatcher the bot uses).

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::search::watch::{rebuild_on_sighup, Watcher};
use crate::search::Engine;
use crate::settings::Settings;

use super::commands::{registration_json, COMMANDS};
use super::dispatch::{dispatch_json, DispatchContext};
use super::gateway::{self, Scope};
use super::http;

/// The bot token from `DISCORD_TOKEN` (or the settings), or a clear error. Never logged.
fn token(s: &Settings) -> Result<String> {
    match &s.discord.token {
        Some(t) if !t.expose().trim().is_empty() => Ok(t.expose().trim().to_string()),
        _ => {
            bail!("no Discord bot token: set DISCORD_TOKEN (or discord.token in config/local.toml)")
        }
    }
}

/// The corpus watcher of a server (none when `corpus.watch_secs` is 0).
fn watcher(s: &Settings, engine: &Arc<Engine>) -> Option<Watcher> {
    (s.corpus.watch_secs > 0).then(|| {
        Watcher::spawn_with(
            engine.clone(),
            Duration::from_secs(s.corpus.watch_secs),
            s.corpus.watch_events,
        )
    })
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// `archivist serve`: answers interactions over the gateway until SIGINT/SIGTERM; `shards`: the
/// shard range this process runs (`None`: all that Discord recommends).
pub fn serve(
    s: &Settings,
    shards: Option<gateway::Shards>,
    open: impl FnOnce() -> Result<Engine>,
) -> Result<i32> {
    let token = token(s)?;
    let metrics_at: Option<std::net::SocketAddr> = match s.metrics.listen() {
        Some(l) => Some(l.parse().with_context(|| {
            format!("metrics.listen must be an address like 127.0.0.1:9100, not {l:?}")
        })?),
        None => None,
    };
    crate::metrics::install();
    let engine = Arc::new(open()?);
    let _watcher = watcher(s, &engine);
    let ctx = Arc::new(DispatchContext::new(engine.clone(), &s.discord));
    let stats = engine.stats();
    tracing::info!(
        documents = stats.documents,
        passages = stats.passages,
        "serving Discord interactions over the gateway"
    );
    runtime()?.block_on(async move {
        tokio::spawn(rebuild_on_sighup(engine));
        if let Some(addr) = metrics_at {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on {addr} for metrics"))?;
            tracing::info!(listen = %listener.local_addr()?, "metrics at GET /metrics");
            tokio::spawn(crate::metrics::serve(listener, gateway::shutdown_signal()));
        }
        gateway::serve(&token, ctx, s.discord.proxy(), shards).await
    })?;
    Ok(0)
}

/// `archivist serve-http`: answers interactions posted to `/interactions` (Discord's
/// interactions endpoint URL) until SIGINT/SIGTERM. Needs the application's public key
/// (`DISCORD_PUBLIC_KEY`); the bot token is optional (answers after a deferral are sent with the
/// interaction token).
pub fn serve_http(
    s: &Settings,
    listen: Option<String>,
    open: impl FnOnce() -> Result<Engine>,
) -> Result<i32> {
    let key = match &s.discord.public_key {
        Some(k) => http::verifier(k.expose())?,
        None => bail!(
            "no Discord public key: set DISCORD_PUBLIC_KEY (or discord.public_key in config/local.toml)"
        ),
    };
    let listen = listen.unwrap_or_else(|| s.http.listen.clone());
    crate::metrics::install();
    let addr: std::net::SocketAddr = listen.parse().with_context(|| {
        format!("--listen must be an address like 0.0.0.0:8080, not {listen:?}")
    })?;
    let engine = Arc::new(open()?);
    let _watcher = watcher(s, &engine);
    let ctx = Arc::new(DispatchContext::new(engine.clone(), &s.discord));
    let rest = Arc::new(gateway::rest_client(
        s.discord.token.as_ref().map_or("", |t| t.expose().trim()),
        s.discord.proxy(),
    ));
    if s.discord.application_id != 0 {
        rest.set_application_id(serenity::all::ApplicationId::new(s.discord.application_id));
    }
    let app = http::router(ctx, key, http::EndpointConfig::from_settings(&s.http), rest);
    let stats = engine.stats();
    runtime()?.block_on(async move {
        tokio::spawn(rebuild_on_sighup(engine));
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        tracing::info!(
            listen = %listener.local_addr()?,
            documents = stats.documents,
            passages = stats.passages,
            "serving Discord interactions over HTTP"
        );
        let shutdown = async {
            gateway::shutdown_signal().await;
            tracing::info!("shutting down: finishing the requests in flight");
        };
        http::serve(listener, app, shutdown).await?;
        tracing::info!("stopped");
        anyhow::Ok(())
    })?;
    Ok(0)
}

/// `archivist register`: uploads the command table to one guild or globally.
pub fn register(s: &Settings, guild: Option<u64>, application_id: Option<u64>) -> Result<i32> {
    let token = token(s)?;
    let scope = guild.map_or(Scope::Global, Scope::Guild);
    let app = application_id.unwrap_or(s.discord.application_id);
    let n = runtime()?.block_on(gateway::register(&token, app, scope))?;
    match scope {
        Scope::Guild(g) => println!("registered {n} commands in guild {g} (available now)"),
        Scope::Global => println!("registered {n} global commands (may take a while to appear)"),
    }
    Ok(0)
}

/// `archivist commands`: the command table, as registration JSON or as a list.
pub fn commands(json: bool) -> Result<i32> {
    if json {
        println!("{}", serde_json::to_string_pretty(&registration_json())?);
        return Ok(0);
    }
    for c in COMMANDS {
        let opts: Vec<String> = c
            .options
            .iter()
            .map(|o| {
                if o.required {
                    o.name.to_string()
                } else {
                    format!("[{}]", o.name)
                }
            })
            .collect();
        println!("/{} {}\n    {}", c.name, opts.join(" "), c.description);
    }
    Ok(0)
}

/// `archivist interact`: one interaction (JSON, as Discord sends it) on stdin, the response JSON
/// on stdout; with `files`, the response's attachments are written into that directory. Exit
/// code 2 when stdin is not an interaction.
pub fn interact(s: &Settings, engine: Engine, files: Option<&std::path::Path>) -> Result<i32> {
    let mut body = String::new();
    std::io::stdin()
        .read_to_string(&mut body)
        .context("cannot read stdin")?;
    let ctx = DispatchContext::new(Arc::new(engine), &s.discord);
    match dispatch_json(&ctx, &body) {
        Ok(r) => {
            if let Some(dir) = files {
                write_files(dir, r.files())?;
            }
            println!("{}", serde_json::to_string_pretty(&r)?);
            Ok(0)
        }
        Err(e) => {
            eprintln!("error: stdin is not a Discord interaction: {e}");
            Ok(2)
        }
    }
}

/// Writes attachments into `dir` (made if missing) under their names; says so on stderr.
fn write_files(dir: &std::path::Path, files: &[super::response::File]) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the directory {}", dir.display()))?;
    for f in files {
        let path = dir.join(&f.name);
        std::fs::write(&path, &f.bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {} ({} bytes)", path.display(), f.bytes.len());
    }
    Ok(())
}
