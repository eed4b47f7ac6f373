//! Where an interaction happens and what applies there: the server and channel, whether the
//! person may manage the server (teacher commands), and the server's settings in force — the
//! documents in scope and whether answers are private by default.
//!
//! The settings are read from storage for every interaction in a server (so replicas agree at
//! once); when storage cannot be reached, the last settings read (or the defaults) apply and
//! the answer goes out as usual.

use serenity::model::application::{CommandInteraction, ComponentInteraction};
use serenity::model::guild::Member;
use serenity::model::permissions::Permissions;

use crate::search::scope::{DocScope, ScopeSpec};
use crate::storage::settings::InForce;
use crate::storage::GuildSettings;

use super::dispatch::DispatchContext;

/// The place of one interaction and the settings in force there.
#[derive(Debug, Clone)]
pub struct View {
    pub guild: Option<u64>,
    pub channel: Option<u64>,
    /// The member has Manage Server (or Administrator) here.
    pub manager: bool,
    /// Everything the server has set (default when outside a server or storage is down).
    pub settings: GuildSettings,
    /// Whether `settings` were read just now (false: storage unreachable, last known used).
    pub fresh: bool,
    pub in_force: InForce,
    /// The documents this interaction may see.
    pub scope: DocScope,
}

impl View {
    /// Outside any server, with no settings: what `archivist interact` without a guild and
    /// direct messages get.
    pub fn nowhere(ctx: &DispatchContext) -> View {
        ctx.view(None, None, false)
    }

    /// Whether answers here are private unless the student says otherwise.
    pub fn private(&self) -> bool {
        self.in_force.private
    }
}

/// Manage Server (`MANAGE_GUILD`) or Administrator, from the member the interaction carries.
pub fn manages(member: Option<&Member>) -> bool {
    member
        .and_then(|m| m.permissions)
        .is_some_and(|p| p.intersects(Permissions::MANAGE_GUILD | Permissions::ADMINISTRATOR))
}

impl DispatchContext {
    /// The view for an interaction at `guild` / `channel`.
    pub fn view(&self, guild: Option<u64>, channel: Option<u64>, manager: bool) -> View {
        let (settings, fresh) = match (guild, &self.store) {
            (Some(g), Some(store)) => store.guild_settings_or_last(g),
            (g, _) => (
                GuildSettings {
                    guild_id: g.unwrap_or(0),
                    ..Default::default()
                },
                guild.is_none(),
            ),
        };
        let in_force = settings.in_force(channel);
        let scope = self.engine.scope(&in_force.scope, guild);
        View {
            guild,
            channel,
            manager,
            settings,
            fresh,
            in_force,
            scope,
        }
    }

    pub fn command_view(&self, ci: &CommandInteraction) -> View {
        self.view(
            ci.guild_id.map(|g| g.get()),
            Some(ci.channel_id.get()),
            manages(ci.member.as_deref()),
        )
    }

    pub fn component_view(&self, ci: &ComponentInteraction) -> View {
        self.view(
            ci.guild_id.map(|g| g.get()),
            Some(ci.channel_id.get()),
            manages(ci.member.as_ref()),
        )
    }
}

/// A scope as shown to a teacher: `all documents` or the names.
pub fn describe_scope(spec: &ScopeSpec) -> String {
    match spec {
        ScopeSpec::All => "all documents".to_string(),
        ScopeSpec::Only(names) => names.join(", "),
    }
}
