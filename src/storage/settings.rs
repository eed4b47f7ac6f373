//! Per-server settings a teacher sets with `/settings`: whether answers are private by default,
//! and the scope (which documents the server sees). A channel can override either; what is not
//! set anywhere is the default (public answers, scope `all`).
//!
//! Settings are read from the database on every request — that is how several replicas on one
//! PostgreSQL see a change at the very next request — and the last ones read are kept, so that
//! while the database is unreachable each server keeps what it had (or the defaults).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{id, now, on_db, Store, StoreError};
use crate::search::scope::ScopeSpec;

/// The settings of one level: the whole server, or one channel. `None`: not set at this level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Layer {
    pub private: Option<bool>,
    /// `all` or `id,collection,…` ([`ScopeSpec::to_text`]).
    pub scope: Option<String>,
}

impl Layer {
    fn is_empty(&self) -> bool {
        self.private.is_none() && self.scope.is_none()
    }
}

/// Everything one server has set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GuildSettings {
    pub guild_id: u64,
    pub server: Layer,
    /// Channel overrides, by channel id.
    pub channels: BTreeMap<u64, Layer>,
}

/// Where a setting in force comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "from", content = "channel")]
pub enum Source {
    Default,
    Server,
    Channel(u64),
}

/// The settings that apply in one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InForce {
    pub private: bool,
    pub private_from: Source,
    pub scope: ScopeSpec,
    pub scope_from: Source,
}

impl GuildSettings {
    /// The settings that apply in `channel` (or server-wide without one).
    pub fn in_force(&self, channel: Option<u64>) -> InForce {
        let ch = channel.and_then(|c| self.channels.get(&c).map(|l| (c, l)));
        let (private, private_from) = match (
            ch.and_then(|(c, l)| l.private.map(|p| (c, p))),
            self.server.private,
        ) {
            (Some((c, p)), _) => (p, Source::Channel(c)),
            (None, Some(p)) => (p, Source::Server),
            (None, None) => (false, Source::Default),
        };
        let parse = |t: &str| ScopeSpec::parse(t).unwrap_or_default();
        let (scope, scope_from) = match (
            ch.and_then(|(c, l)| l.scope.as_deref().map(|s| (c, s))),
            self.server.scope.as_deref(),
        ) {
            (Some((c, s)), _) => (parse(s), Source::Channel(c)),
            (None, Some(s)) => (parse(s), Source::Server),
            (None, None) => (ScopeSpec::All, Source::Default),
        };
        InForce {
            private,
            private_from,
            scope,
            scope_from,
        }
    }
}

/// What `/settings` changes at one level. `None`: leave as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsChange {
    pub private: Option<bool>,
    /// `Some(Some(spec))`: set; `Some(None)`: remove this level's scope (a channel then follows
    /// the server, the server goes back to `all`).
    pub scope: Option<Option<ScopeSpec>>,
}

impl SettingsChange {
    pub fn is_empty(&self) -> bool {
        self.private.is_none() && self.scope.is_none()
    }
}

impl Store {
    /// A server's settings, read now.
    pub fn guild_settings(&self, guild: u64) -> Result<GuildSettings, StoreError> {
        let g = id(guild);
        let rows: Vec<(i64, Option<i64>, Option<String>)> =
            self.call("read settings", move |db| async move {
                on_db!(&db, p => sqlx::query_as(
                    "SELECT channel_id, private, scope FROM guild_settings WHERE guild_id = $1"
                )
                .bind(g)
                .fetch_all(p)
                .await)
            })?;
        let mut s = GuildSettings {
            guild_id: guild,
            ..Default::default()
        };
        for (channel, private, scope) in rows {
            let layer = Layer {
                private: private.map(|p| p != 0),
                scope,
            };
            if layer.is_empty() {
                continue;
            }
            if channel == 0 {
                s.server = layer;
            } else {
                s.channels.insert(channel as u64, layer);
            }
        }
        let mut last = self
            .inner
            .last_settings
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if last.len() >= 10_000 {
            last.clear();
        }
        last.insert(guild, s.clone());
        Ok(s)
    }

    /// A server's settings now, or — when the database cannot be reached — the last ones read
    /// (the defaults if none were). The flag says whether they are fresh.
    pub fn guild_settings_or_last(&self, guild: u64) -> (GuildSettings, bool) {
        match self.guild_settings(guild) {
            Ok(s) => (s, true),
            Err(_) => {
                let last = self
                    .inner
                    .last_settings
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                let s = last.get(&guild).cloned().unwrap_or(GuildSettings {
                    guild_id: guild,
                    ..Default::default()
                });
                (s, false)
            }
        }
    }

    /// Applies `change` to the server (`channel` `None`) or one channel, and returns the
    /// server's settings after it.
    pub fn change_settings(
        &self,
        guild: u64,
        channel: Option<u64>,
        change: &SettingsChange,
    ) -> Result<GuildSettings, StoreError> {
        let (g, c, at) = (id(guild), channel.map_or(0, id), now());
        let private = change.private.map(i64::from);
        let scope = change.scope.clone().map(|s| s.map(|spec| spec.to_text()));
        self.call("change settings", move |db| async move {
            on_db!(&db, p => {
                let mut tx = p.begin().await?;
                if let Some(v) = private {
                    sqlx::query(
                        "INSERT INTO guild_settings (guild_id, channel_id, private, scope, updated_at) \
                         VALUES ($1, $2, $3, NULL, $4) ON CONFLICT (guild_id, channel_id) \
                         DO UPDATE SET private = excluded.private, updated_at = excluded.updated_at",
                    )
                    .bind(g).bind(c).bind(v).bind(at)
                    .execute(&mut *tx)
                    .await?;
                }
                if let Some(v) = scope {
                    sqlx::query(
                        "INSERT INTO guild_settings (guild_id, channel_id, private, scope, updated_at) \
                         VALUES ($1, $2, NULL, $3, $4) ON CONFLICT (guild_id, channel_id) \
                         DO UPDATE SET scope = excluded.scope, updated_at = excluded.updated_at",
                    )
                    .bind(g).bind(c).bind(v).bind(at)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query(
                    "DELETE FROM guild_settings WHERE guild_id = $1 AND channel_id = $2 \
                     AND private IS NULL AND scope IS NULL",
                )
                .bind(g).bind(c)
                .execute(&mut *tx)
                .await?;
                tx.commit().await
            })
        })?;
        self.guild_settings(guild)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_channel_overrides_the_server_which_overrides_the_defaults() {
        let mut s = GuildSettings::default();
        let f = s.in_force(Some(5));
        assert_eq!((f.private, f.scope.clone()), (false, ScopeSpec::All));
        assert_eq!(
            (f.private_from, f.scope_from),
            (Source::Default, Source::Default)
        );
        s.server.private = Some(true);
        s.server.scope = Some("unit-1".into());
        s.channels.insert(
            5,
            Layer {
                private: None,
                scope: Some("900123".into()),
            },
        );
        let f = s.in_force(Some(5));
        assert!(f.private);
        assert_eq!(f.private_from, Source::Server);
        assert_eq!(f.scope, ScopeSpec::Only(vec!["900123".into()]));
        assert_eq!(f.scope_from, Source::Channel(5));
        let f = s.in_force(Some(6));
        assert_eq!(f.scope, ScopeSpec::Only(vec!["unit-1".into()]));
        assert_eq!(f.scope_from, Source::Server);
    }
}
