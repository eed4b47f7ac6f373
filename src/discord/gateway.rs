//! The gateway transport: a serenity client whose `interaction_create` hands every interaction to
//! [`super::dispatch::dispatch`] and sends back what it returns; plus registering the command
//! table. The only file here that talks to Discord.
//!
//! The dispatcher runs on a blocking thread. If it has not answered within [`DEFER_AFTER`], the
//! interaction is deferred ("thinking…") and the answer is delivered by editing the deferred
//! response (Discord allows 3 s for the first response, 15 minutes for the edit).

use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context as _, Result};
use serenity::all::{
    ApplicationId, Client, Context, EventHandler, GatewayIntents, GuildId, Http, Interaction, Ready,
};
use serenity::async_trait;

use super::commands::registration_json;
use super::dispatch::{after_deferral, deferral, dispatch, Delivery, DispatchContext};
use super::limits::command_violations;

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
        if let Err(e) = respond(&ctx.http, self.ctx.clone(), interaction.clone()).await {
            tracing::error!(
                interaction = %interaction.id(),
                error = format!("{e:#}"),
                "could not send the response"
            );
        }
    }
}

/// Runs the dispatcher for one interaction and delivers its response, deferring if it is slow.
async fn respond(http: &Http, dctx: Arc<DispatchContext>, interaction: Interaction) -> Result<()> {
    let (id, token) = (interaction.id(), interaction.token().to_string());
    let owned = interaction.clone();
    let mut job = tokio::task::spawn_blocking(move || dispatch(&dctx, &owned));
    let early = match deferral(&interaction) {
        Some(d) => tokio::time::timeout(DEFER_AFTER, &mut job)
            .await
            .map_err(|_| d),
        None => Ok((&mut job).await),
    };
    match early {
        Ok(response) => {
            let response = response.context("the dispatcher failed")?;
            http.create_interaction_response(id, &token, &response, vec![])
                .await
                .context("create response")?;
        }
        Err(deferred) => {
            http.create_interaction_response(id, &token, &deferred, vec![])
                .await
                .context("defer")?;
            let response = job.await.context("the dispatcher failed")?;
            match after_deferral(&deferred, response) {
                Delivery::EditOriginal(m) => {
                    http.edit_original_interaction_response(&token, &m, vec![])
                        .await
                        .context("edit the deferred response")?;
                }
                Delivery::Followup(m) => {
                    http.create_followup_message(&token, &m, vec![])
                        .await
                        .context("follow up")?;
                }
                Delivery::Nothing => {}
            }
        }
    }
    Ok(())
}

/// Connects to the gateway and answers interactions until SIGINT or SIGTERM.
pub async fn serve(token: &str, ctx: Arc<DispatchContext>) -> Result<()> {
    let mut client = Client::builder(token, GatewayIntents::empty())
        .event_handler(Handler { ctx })
        .await
        .context("cannot create the Discord client")?;
    let shards = client.shard_manager.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        shards.shutdown_all().await;
    });
    client
        .start()
        .await
        .context("the Discord gateway connection failed")?;
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
