//! The Discord layer: slash commands, buttons and autocomplete over the engine.
//!
//! ```text
//! gateway (serenity) ─┐                                     ┌─ render / cards (Answer → embeds)
//! HTTP endpoint ──────┼─ dispatch (Interaction → Response) ─┼─ handlers / buttons (engine calls)
//! archivist interact ─┘                                     └─ commands (the one command table)
//! ```
//! [`dispatch::dispatch`] is the only entry: a serenity `Interaction` (deserialized from the JSON
//! Discord sends) in, a [`response::Response`] that serializes exactly as Discord's interaction
//! response out. It does no network I/O, so tests run it as JSON in → JSON out. Paging is
//! stateless ([`custom_id`]); every response is checked against Discord's limits ([`limits`]) and
//! allows no mentions.
//!
//! Running the bot:
//! ```text
//! archivist commands --json                      # the registration JSON, offline
//! DISCORD_TOKEN=… archivist register --guild ID  # instant, for a test server
//! DISCORD_TOKEN=… archivist register --global    # production (needs discord.application_id)
//! DISCORD_TOKEN=… archivist serve                # gateway bot; SIGINT/SIGTERM stop it
//! DISCORD_PUBLIC_KEY=… archivist serve-http --listen 0.0.0.0:8080
//!                                                # interactions endpoint URL: POST /interactions
//! archivist interact < interaction.json          # one interaction → response JSON, offline
//! ```
//! Limits: commands are rate limited per user (`discord.rate_limit_commands` per
//! `discord.rate_limit_window_secs`), button presses separately with three times that.

pub mod buttons;
pub mod cards;
pub mod cli;
pub mod commands;
pub mod contexts;
pub mod custom_id;
pub mod dispatch;
pub mod error;
pub mod feedback;
pub mod gateway;
pub mod handlers;
pub mod http;
pub mod limits;
pub mod paging;
pub mod place;
pub mod ratelimit;
pub mod render;
pub mod response;
pub mod study;
pub mod teacher;
pub mod text;
pub mod upload;
pub mod uploads;

pub use dispatch::{dispatch, dispatch_json, DispatchContext};
pub use response::Response;
