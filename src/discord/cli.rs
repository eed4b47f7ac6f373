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

use super::commands::{self, registration_json};
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

/// Opens the database of the settings (SQLite in the data directory by default) and says which;
/// an unreachable database is logged, not fatal: answers are served without it.
pub fn open_store(s: &Settings) -> Result<crate::storage::Store> {
    let store = crate::storage::Store::open(&s.storage, &s.data.dir)?;
    match store.check() {
        Ok(()) => tracing::info!(database = %store.backend(), "storage ready"),
        Err(_) => tracing::error!(
            database = %store.backend(),
            "storage unreachable at start; answering without it until it is back"
        ),
    }
    Ok(store)
}

/// The dispatcher's context with storage and the teacher settings.
fn context(s: &Settings, engine: Arc<Engine>) -> Result<DispatchContext> {
    Ok(DispatchContext::new(engine, &s.discord)
        .with_store(open_store(s)?)
        .with_teacher(s.teacher.clone()))
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
    let ctx = Arc::new(context(s, engine.clone())?);
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
    let ctx = Arc::new(context(s, engine.clone())?);
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
    for c in commands::all() {
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
    let ctx = context(s, Arc::new(engine))?;
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

/// `archivist invite`: the OAuth2 URL that adds the bot to a server with the least it needs.
/// Slash commands answer through their interaction, which needs no permission in the channel:
/// `applications.commands` is all the HTTP endpoint needs; the gateway (`serve`) also needs the
/// `bot` scope to connect, with no permissions.
pub fn invite(s: &Settings, application_id: Option<u64>, gateway: bool) -> Result<i32> {
    let app = application_id.unwrap_or(s.discord.application_id);
    if app == 0 {
        bail!("no application id: pass --application-id or set ARCHIVIST__DISCORD__APPLICATION_ID");
    }
    println!("{}", invite_url(app, gateway));
    if !gateway {
        eprintln!(
            "(for `archivist serve`, over the gateway, use `archivist invite --gateway`: it adds \
             the bot scope)"
        );
    }
    Ok(0)
}

/// The invite URL for application `app`.
pub fn invite_url(app: u64, gateway: bool) -> String {
    let scope = if gateway {
        "bot+applications.commands&permissions=0"
    } else {
        "applications.commands"
    };
    format!("https://discord.com/oauth2/authorize?client_id={app}&scope={scope}")
}

fn unavailable(store: &crate::storage::Store) -> Result<i32> {
    eprintln!("error: the database ({}) is unavailable", store.backend());
    Ok(1)
}

/// `archivist settings --guild ID [--json]`: a server's settings from the shell.
pub fn show_settings(s: &Settings, guild: u64, json: bool) -> Result<i32> {
    let store = crate::storage::Store::open(&s.storage, &s.data.dir)?;
    let Ok(g) = store.guild_settings(guild) else {
        return unavailable(&store);
    };
    let f = g.in_force(None);
    if json {
        let v = serde_json::json!({
            "guild_id": guild.to_string(),
            "in_force": {"private": f.private, "scope": f.scope.to_text()},
            "server": g.server,
            "channels": g.channels.iter().map(|(c, l)| (c.to_string(), l)).collect::<std::collections::BTreeMap<_, _>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(0);
    }
    let from = |set: bool| if set { "set for the server" } else { "default" };
    println!("server {guild} ({})", store.backend());
    println!(
        "  answers  {} by default ({})",
        if f.private { "private" } else { "public" },
        from(g.server.private.is_some())
    );
    println!(
        "  scope    {} ({})",
        super::place::describe_scope(&f.scope),
        from(g.server.scope.is_some())
    );
    for (c, l) in &g.channels {
        let mut parts = Vec::new();
        if let Some(p) = l.private {
            parts.push(format!("answers {}", if p { "private" } else { "public" }));
        }
        if let Some(sc) = &l.scope {
            parts.push(format!("scope {sc}"));
        }
        println!("  channel {c}: {}", parts.join(", "));
    }
    Ok(0)
}

/// `archivist gaps --guild ID [--days N] [--json|--csv]`: what `/gaps` shows.
pub fn gaps(s: &Settings, guild: u64, days: u32, json: bool, csv: bool) -> Result<i32> {
    let store = crate::storage::Store::open(&s.storage, &s.data.dir)?;
    let Ok(list) = store.gaps(guild, days.max(1), crate::storage::now()) else {
        return unavailable(&store);
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&list)?);
    } else if csv {
        print!("{}", crate::storage::gaps::to_csv(&list));
    } else if list.is_empty() {
        println!("no questions without a good answer in the last {days} days");
    } else {
        for g in &list {
            println!(
                "{:>4}×  {}  (nothing found {}, thumbs down {}; last {})",
                g.count,
                g.question,
                g.nothing_found,
                g.thumbs_down,
                crate::storage::gaps::utc(g.last_asked)
            );
        }
    }
    Ok(0)
}

/// `archivist forget --user ID`: deletes one person's questions and feedback.
pub fn forget(s: &Settings, user: u64) -> Result<i32> {
    let store = crate::storage::Store::open(&s.storage, &s.data.dir)?;
    let Ok(d) = store.forget(user) else {
        return unavailable(&store);
    };
    println!(
        "deleted {} question{} and {} feedback record{} of that user",
        d.questions,
        if d.questions == 1 { "" } else { "s" },
        d.feedback,
        if d.feedback == 1 { "" } else { "s" }
    );
    Ok(0)
}
