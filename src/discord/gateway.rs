//! The gateway transport: a serenity client whose `interaction_create` hands every interaction to
//! [`super::dispatch::dispatch`] and sends back what it returns; plus registering the command
//! table. The only file here that talks to Discord.
//!
//! The dispatcher runs on a blocking thread ([`deliver`]). If it has not answered within
//! [`DEFER_AFTER`], the interaction is deferred ("thinking…") and the answer is delivered by
//! editing the deferred response (Discord allows 3 s for the first response, 15 minutes for the
//! edit). [`Outbox`] is the seam: Discord's HTTP API here, a recorder in the tests. A response
//! with files goes out as a multipart body ([`super::upload`]); an outbox whose first response
//! cannot carry files (the HTTP endpoint's, which is an HTTP response body) defers first and
//! sends them with the edit.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context as _, Result};
use serenity::all::{
    ApplicationId, ClientBuilder, Context, EventHandler, GatewayIntents, GuildId, Http,
    Interaction, InteractionId, Ready,
};
use serenity::async_trait;

use super::commands::registration_json;
use super::dispatch::{after_deferral, deferral, dispatch, Delivery, DispatchContext};
use super::limits::command_violations;
use super::response::{Message, Response};
use super::upload::{self, Target};

/// How long an answer may take before the interaction is deferred.
pub const DEFER_AFTER: Duration = Duration::from_millis(1500);

struct Handler {
    ctx: Arc<DispatchContext>,
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _: Context, ready: Ready) {
        tracing::info!(
            bot = %ready.user.name,
            guilds = ready.guilds.len(),
            "connected to the Discord gateway"
        );
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        if let Err(e) = respond(ctx.http.clone(), self.ctx.clone(), interaction.clone()).await {
            tracing::error!(
                interaction = %interaction.id(),
                error = format!("{e:#}"),
                "could not send the response"
            );
        }
    }
}

/// Where responses to one interaction go: Discord's HTTP API in production, a recorder in tests.
#[async_trait]
pub trait Outbox: Sync {
    /// The first (and possibly only) response: `POST /interactions/{id}/{token}/callback`.
    async fn respond(&self, r: &Response) -> Result<()>;
    /// Replaces the deferred response: `PATCH /webhooks/{app}/{token}/messages/@original`.
    async fn edit_original(&self, m: &Message) -> Result<()>;
    /// A new message after the first: `POST /webhooks/{app}/{token}`.
    async fn follow_up(&self, m: &Message) -> Result<()>;
    /// Removes the deferred response: `DELETE /webhooks/{app}/{token}/messages/@original`.
    async fn delete_original(&self) -> Result<()>;
    /// Whether the first response may carry files (else a response with files is deferred and
    /// its files go with the edit).
    fn files_in_first_response(&self) -> bool {
        true
    }
}

/// Discord's REST API as the [`Outbox`] of one interaction (also used by the HTTP endpoint for
/// what follows a deferral).
pub struct RestOutbox {
    http: Arc<Http>,
    id: InteractionId,
    token: String,
}

impl RestOutbox {
    /// The outbox for `interaction`; sets the application id the webhook routes need.
    pub fn new(http: Arc<Http>, interaction: &Interaction) -> RestOutbox {
        if http.application_id().is_none() {
            http.set_application_id(interaction.application_id());
        }
        RestOutbox {
            http,
            id: interaction.id(),
            token: interaction.token().to_string(),
        }
    }
}

impl RestOutbox {
    /// The application the webhook routes are under (set from the interaction in [`Self::new`]).
    fn application(&self) -> Result<serenity::all::ApplicationId> {
        self.http
            .application_id()
            .context("no application id for the interaction webhook")
    }

    /// Sends a message with files to `target` as a multipart body.
    async fn upload(
        &self,
        target: Target<'_>,
        payload: serde_json::Value,
        m: &Message,
    ) -> Result<()> {
        upload::send(&self.http, target, &payload, &m.files).await
    }
}

#[async_trait]
impl Outbox for RestOutbox {
    async fn respond(&self, r: &Response) -> Result<()> {
        if let Some(m) = r.message_data().filter(|m| !m.files.is_empty()) {
            let target = Target::Callback {
                interaction: self.id,
                token: &self.token,
            };
            return self
                .upload(target, r.to_json(), m)
                .await
                .context("create the interaction response with files");
        }
        self.http
            .create_interaction_response(self.id, &self.token, r, vec![])
            .await
            .context("create the interaction response")
    }
    async fn edit_original(&self, m: &Message) -> Result<()> {
        if !m.files.is_empty() {
            let target = Target::EditOriginal {
                application: self.application()?,
                token: &self.token,
            };
            return self
                .upload(target, serde_json::to_value(m)?, m)
                .await
                .context("edit the deferred response with files");
        }
        self.http
            .edit_original_interaction_response(&self.token, m, vec![])
            .await
            .map(|_| ())
            .context("edit the deferred response")
    }
    async fn follow_up(&self, m: &Message) -> Result<()> {
        if !m.files.is_empty() {
            let target = Target::FollowUp {
                application: self.application()?,
                token: &self.token,
            };
            return self
                .upload(target, serde_json::to_value(m)?, m)
                .await
                .context("send a follow-up message with files");
        }
        self.http
            .create_followup_message(&self.token, m, vec![])
            .await
            .map(|_| ())
            .context("send a follow-up message")
    }
    async fn delete_original(&self) -> Result<()> {
        self.http
            .delete_original_interaction_response(&self.token)
            .await
            .context("delete the deferred response")
    }
}

/// Runs the dispatcher for one interaction and delivers its response, deferring if it is slow.
async fn respond(
    http: Arc<Http>,
    dctx: Arc<DispatchContext>,
    interaction: Interaction,
) -> Result<()> {
    let out = RestOutbox::new(http, &interaction);
    let defer = deferral(&interaction);
    deliver(&out, defer, DEFER_AFTER, move || {
        dispatch(&dctx, &interaction)
    })
    .await
}

/// Runs `job` on a blocking thread; sends its response at once if it is ready within `after`,
/// otherwise sends `defer` first and then the response as an edit or a follow-up. A response
/// with files the outbox cannot send first is deferred too.
pub async fn deliver(
    out: &impl Outbox,
    defer: Option<Response>,
    after: Duration,
    job: impl FnOnce() -> Response + Send + 'static,
) -> Result<()> {
    let mut job = tokio::task::spawn_blocking(job);
    let fallback = defer.clone();
    let early = match defer {
        // No time allowed: always defer (a timeout of zero would still take an answer that
        // happens to be ready, which makes the choice a race).
        Some(d) if after.is_zero() => Err(d),
        Some(d) => tokio::time::timeout(after, &mut job).await.map_err(|_| d),
        None => Ok((&mut job).await),
    };
    match early {
        Ok(response) => {
            let response = response.context("the dispatcher failed")?;
            match fallback {
                Some(d) if !response.files().is_empty() && !out.files_in_first_response() => {
                    out.respond(&d).await?;
                    deliver_after(out, &d, response).await
                }
                _ => out.respond(&response).await,
            }
        }
        Err(deferred) => {
            out.respond(&deferred).await?;
            let response = job.await.context("the dispatcher failed")?;
            deliver_after(out, &deferred, response).await
        }
    }
}

/// Delivers `response` after `deferred` was sent.
async fn deliver_after(out: &impl Outbox, deferred: &Response, response: Response) -> Result<()> {
    match after_deferral(deferred, response) {
        Delivery::EditOriginal(m) => out.edit_original(&m).await,
        Delivery::Followup(m) => out.follow_up(&m).await,
        Delivery::Replace(m) => {
            out.delete_original().await?;
            out.follow_up(&m).await
        }
        Delivery::Nothing => Ok(()),
    }
}

/// A REST client for `token`; through `proxy` (a base URL such as `http://127.0.0.1:3000`)
/// when given. A proxy shared by several processes keeps the rate limits for all of them, so
/// this process's own rate limiter is then off.
pub fn rest_client(token: &str, proxy: Option<&str>) -> Http {
    let b = serenity::all::HttpBuilder::new(token);
    match proxy {
        Some(p) => b
            .proxy(p.trim_end_matches('/'))
            .ratelimiter_disabled(true)
            .build(),
        None => b.build(),
    }
}

/// Which gateway shards a process runs: `range` of `total` (Discord splits a bot's guilds
/// among `total` shards by guild id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shards {
    pub range: std::ops::Range<u32>,
    pub total: u32,
}

impl Shards {
    /// `A..B` (shards A up to but not including B) of `total`.
    pub fn parse(range: &str, total: u32) -> Result<Shards> {
        let (a, b) = range
            .split_once("..")
            .context("--shards is a range such as 0..4 (shards 0, 1, 2 and 3)")?;
        let parse = |x: &str| -> Result<u32> {
            x.trim()
                .parse()
                .with_context(|| format!("{x:?} in --shards is not a shard number"))
        };
        let (a, b) = (parse(a)?, parse(b)?);
        if a >= b || b > total {
            bail!(
                "--shards {a}..{b} must be a non-empty range within --total {total} (0..{total})"
            );
        }
        Ok(Shards { range: a..b, total })
    }
}

/// Connects to the gateway and answers interactions until SIGINT or SIGTERM: all the shards
/// Discord recommends (`GET /gateway/bot`), or the given range of them.
pub async fn serve(
    token: &str,
    ctx: Arc<DispatchContext>,
    proxy: Option<&str>,
    shards: Option<Shards>,
) -> Result<()> {
    run_shards(rest_client(token, proxy), ctx, shutdown_signal(), shards).await
}

/// [`serve`] with the REST client given (e.g. `HttpBuilder::proxy` to a stand-in Discord, whose
/// `GET /gateway/bot` names the websocket to connect to) and stopping when `shutdown` resolves.
pub async fn run(
    http: Http,
    ctx: Arc<DispatchContext>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    run_shards(http, ctx, shutdown, None).await
}

/// [`run`] for a range of shards (`None`: as many as Discord recommends).
pub async fn run_shards(
    http: Http,
    ctx: Arc<DispatchContext>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    shards: Option<Shards>,
) -> Result<()> {
    let mut client = ClientBuilder::new_with_http(http, GatewayIntents::empty())
        .event_handler(Handler { ctx })
        .await
        .context("cannot create the Discord client")?;
    let manager = client.shard_manager.clone();
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down");
        manager.shutdown_all().await;
    });
    let started = match &shards {
        Some(s) => {
            tracing::info!(shards = ?s.range, total = s.total, "starting gateway shards");
            client.start_shard_range(s.range.clone(), s.total).await
        }
        None => client.start_autosharded().await,
    };
    started.context("the Discord gateway connection failed")?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Where to register the commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One guild: instant, for development.
    Guild(u64),
    /// Every guild: for production (may take a while to show up).
    Global,
}

/// Registers (replaces) the command table; returns how many commands Discord now has.
pub async fn register(token: &str, application_id: u64, scope: Scope) -> Result<usize> {
    if application_id == 0 {
        bail!("discord.application_id is not set (config/local.toml or ARCHIVIST__DISCORD__APPLICATION_ID)");
    }
    let json = registration_json();
    let problems = command_violations(&json);
    if !problems.is_empty() {
        bail!(
            "the command table breaks Discord's limits: {}",
            problems.join("; ")
        );
    }
    let http = Http::new(token);
    http.set_application_id(ApplicationId::new(application_id));
    let registered = match scope {
        Scope::Guild(g) => http
            .create_guild_commands(GuildId::new(g), &json)
            .await
            .with_context(|| format!("cannot register the commands in guild {g}"))?,
        Scope::Global => http
            .create_global_commands(&json)
            .await
            .context("cannot register the global commands")?,
    };
    Ok(registered.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    #[async_trait]
    impl Outbox for Recorder {
        async fn respond(&self, r: &Response) -> Result<()> {
            self.0.lock().unwrap().push(format!("respond {}", r.kind));
            Ok(())
        }
        async fn edit_original(&self, m: &Message) -> Result<()> {
            let text = m.content.clone().unwrap_or_default();
            self.0.lock().unwrap().push(format!("edit {text}"));
            Ok(())
        }
        async fn follow_up(&self, m: &Message) -> Result<()> {
            self.0
                .lock()
                .unwrap()
                .push(format!("follow-up {}", m.flags));
            Ok(())
        }
        async fn delete_original(&self) -> Result<()> {
            self.0.lock().unwrap().push("delete".into());
            Ok(())
        }
    }

    fn answer(delay_ms: u64) -> impl FnOnce() -> Response + Send + 'static {
        move || {
            std::thread::sleep(Duration::from_millis(delay_ms));
            Response::message(Message::text("answer"))
        }
    }

    #[tokio::test]
    async fn quick_answers_go_out_at_once_slow_ones_are_deferred_then_edited() {
        let out = Recorder::default();
        let defer = Some(Response::deferred(false));
        let after = Duration::from_millis(100);
        deliver(&out, defer.clone(), after, answer(0))
            .await
            .unwrap();
        assert_eq!(*out.0.lock().unwrap(), ["respond 4"]);

        let out = Recorder::default();
        deliver(&out, defer, after, answer(300)).await.unwrap();
        assert_eq!(*out.0.lock().unwrap(), ["respond 5", "edit answer"]);

        let out = Recorder::default();
        let private_error = || Response::message(Message::text("no").ephemeral());
        let ack = Some(Response::deferred_update());
        deliver(&out, ack, Duration::ZERO, move || {
            std::thread::sleep(Duration::from_millis(50));
            private_error()
        })
        .await
        .unwrap();
        assert_eq!(*out.0.lock().unwrap(), ["respond 6", "follow-up 64"]);

        let out = Recorder::default();
        deliver(&out, None, Duration::ZERO, answer(50))
            .await
            .unwrap();
        assert_eq!(
            *out.0.lock().unwrap(),
            ["respond 4"],
            "autocomplete is never deferred"
        );
    }
}
