//! Settings: `config/default.toml` (embedded in the binary) → `config/local.toml` (optional,
//! git-ignored) → environment `ARCHIVIST__SECTION__KEY`, read into typed, validated settings.
//! Secrets (`DISCORD_TOKEN`, `DISCORD_PUBLIC_KEY`) come from the environment or the local file
//! and are redacted in `Debug`.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// The defaults, compiled in so the binary runs from any directory.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// A secret string: never printed by `Debug` or `Display`.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    /// The secret itself, for the one place that must use it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub corpus: CorpusSettings,
    pub data: DataSettings,
    pub search: SearchSettings,
    pub discord: DiscordSettings,
    pub http: HttpSettings,
    pub log: LogSettings,
    #[serde(default)]
    pub metrics: MetricsSettings,
    #[serde(default)]
    pub index: IndexSettings,
    pub storage: StorageSettings,
    pub teacher: TeacherSettings,
}

/// How indexes are built.
#[derive(Debug, Clone, Deserialize)]
pub struct IndexSettings {
    /// Memory all segment writers of a build may hold before writing segments, in MB (split
    /// among the cores that index; less memory makes more, smaller segments).
    #[serde(default = "default_writer_memory_mb")]
    pub writer_memory_mb: usize,
}

fn default_writer_memory_mb() -> usize {
    // At a million passages on two cores: a build peaks at 278 MB with 80, at 386 MB with 200,
    // and makes 6 segments instead of 2 (questions take some 0.2 ms longer; BENCHMARKS.md).
    80
}

impl Default for IndexSettings {
    fn default() -> IndexSettings {
        IndexSettings {
            writer_memory_mb: default_writer_memory_mb(),
        }
    }
}

/// Where `archivist serve` shows its metrics (`serve-http` shows them on its own listener).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MetricsSettings {
    /// Address of `GET /metrics` for `archivist serve` (e.g. `127.0.0.1:9100`); empty: none.
    #[serde(default)]
    pub listen: String,
}

impl MetricsSettings {
    pub fn listen(&self) -> Option<&str> {
        Some(self.listen.trim()).filter(|l| !l.is_empty())
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct CorpusSettings {
    pub dir: PathBuf,
    pub canonical_url_base: String,
    /// Seconds between checks for corpus changes while serving (0: never). With file events,
    /// only the index pointer is checked this often (the events tell of corpus changes).
    pub watch_secs: u64,
    /// Listen for file events in the corpus (debounced); `false`, or a network file system:
    /// scan it every `watch_secs` instead.
    #[serde(default = "yes")]
    pub watch_events: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
pub struct DataSettings {
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SearchSettings {
    pub default_limit: usize,
    pub max_question_chars: usize,
    pub quote_max_chars: usize,
    /// Whether question words also match their WordNet paraphrases (on by default).
    #[serde(default = "on")]
    pub paraphrases: bool,
}

fn on() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
pub struct DiscordSettings {
    /// Bot token (`DISCORD_TOKEN`).
    #[serde(default)]
    pub token: Option<Secret>,
    /// Application public key, hex (`DISCORD_PUBLIC_KEY`).
    #[serde(default)]
    pub public_key: Option<Secret>,
    pub application_id: u64,
    pub rate_limit_commands: u32,
    pub rate_limit_window_secs: u64,
    pub quotes_per_page: usize,
    pub search_per_page: usize,
    /// Base URL every Discord REST call goes through (a shared rate-limit proxy when several
    /// processes use one bot token); empty: Discord itself.
    #[serde(default)]
    pub proxy: String,
}

impl DiscordSettings {
    /// The REST proxy, if one is set.
    pub fn proxy(&self) -> Option<&str> {
        Some(self.proxy.trim()).filter(|p| !p.is_empty())
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct HttpSettings {
    pub listen: String,
    pub max_body_bytes: usize,
    pub timestamp_window_secs: u64,
}

/// Where settings, feedback and unanswered questions are kept (src/storage/).
#[derive(Debug, Clone, Deserialize)]
pub struct StorageSettings {
    /// Empty: SQLite in the data directory; or `sqlite://FILE`, or `postgres://…` (may hold a
    /// password: redacted).
    #[serde(default)]
    pub url: Option<Secret>,
    /// Days questions and feedback are kept (0: forever).
    pub retention_days: u32,
    /// Longest wait for the database, in milliseconds.
    pub timeout_ms: u64,
    /// The key user ids are hashed with (`ARCHIVIST_USER_KEY`); unset: made into the data
    /// directory.
    #[serde(default)]
    pub user_key: Option<Secret>,
}

/// Teacher commands: uploads with `/add`.
#[derive(Debug, Clone, Deserialize)]
pub struct TeacherSettings {
    /// Attachments are downloaded only from these origins (`https://host[:port]`).
    #[serde(deserialize_with = "list_or_commas")]
    pub cdn_hosts: Vec<String>,
    /// Largest upload, in bytes (at most 1 MB).
    pub upload_max_bytes: u64,
    /// Longest download, in seconds.
    pub download_timeout_secs: u64,
}

/// A list given as a TOML array or, from the environment, as `a,b,c`.
fn list_or_commas<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        List(Vec<String>),
        Text(String),
    }
    Ok(match Either::deserialize(d)? {
        Either::List(v) => v,
        Either::Text(t) => t
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    })
}

/// The largest upload `/add` takes, whatever the settings say.
pub const MAX_UPLOAD_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub level: String,
}

/// The secrets read from variables of their own (not `ARCHIVIST__…`).
const SECRET_VARS: [&str; 3] = ["DISCORD_TOKEN", "DISCORD_PUBLIC_KEY", "ARCHIVIST_USER_KEY"];

impl Settings {
    /// Loads defaults → `<config_dir>/local.toml` → `ARCHIVIST__…` env → `DISCORD_TOKEN` /
    /// `DISCORD_PUBLIC_KEY`, and checks the values.
    pub fn load(config_dir: &Path) -> Result<Settings> {
        Self::load_from(config_dir, std::env::vars())
    }

    /// Like [`Settings::load`] with the environment given as a lookup (for tests): the names it
    /// answers for are the process's own `ARCHIVIST__…` variables and the secrets' names.
    pub fn load_with(config_dir: &Path, env: impl Fn(&str) -> Option<String>) -> Result<Settings> {
        let names = std::env::vars()
            .map(|(k, _)| k)
            .chain(SECRET_VARS.iter().map(|k| k.to_string()));
        let vars: Vec<(String, String)> = names.filter_map(|k| env(&k).map(|v| (k, v))).collect();
        Self::load_from(config_dir, vars)
    }

    /// Like [`Settings::load`] with the environment given as its variables, so that a test can
    /// set `ARCHIVIST__…` values without touching the process's environment (which the programs
    /// other tests start inherit).
    pub fn load_from(
        config_dir: &Path,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings> {
        let vars: std::collections::HashMap<String, String> = vars.into_iter().collect();
        let env = |k: &str| vars.get(k).cloned();
        let mut b = config::Config::builder()
            .add_source(config::File::from_str(
                DEFAULT_TOML,
                config::FileFormat::Toml,
            ))
            .add_source(config::File::from(config_dir.join("local.toml")).required(false));
        let mut env_map = config::Map::new();
        for (k, v) in &vars {
            if let Some(rest) = k.strip_prefix("ARCHIVIST__") {
                env_map.insert(rest.to_lowercase().replace("__", "."), v.clone());
            }
        }
        for (key, value) in env_map {
            b = b.set_override(key, value)?;
        }
        if let Some(t) = env("DISCORD_TOKEN").filter(|t| !t.trim().is_empty()) {
            b = b.set_override("discord.token", t.trim())?;
        }
        if let Some(k) = env("DISCORD_PUBLIC_KEY").filter(|t| !t.trim().is_empty()) {
            b = b.set_override("discord.public_key", k.trim())?;
        }
        if let Some(k) = env("ARCHIVIST_USER_KEY").filter(|t| !t.trim().is_empty()) {
            b = b.set_override("storage.user_key", k.trim())?;
        }
        let s: Settings = b
            .build()
            .context("cannot read the settings")?
            .try_deserialize()
            .context("the settings are not valid")?;
        s.validate()?;
        Ok(s)
    }

    /// The defaults alone (no local file, no environment).
    pub fn defaults() -> Settings {
        config::Config::builder()
            .add_source(config::File::from_str(
                DEFAULT_TOML,
                config::FileFormat::Toml,
            ))
            .build()
            .and_then(|c| c.try_deserialize())
            .expect("the embedded defaults are valid")
    }

    fn validate(&self) -> Result<()> {
        if self.search.default_limit == 0 || self.search.default_limit > 100 {
            bail!("search.default_limit must be between 1 and 100");
        }
        if self.search.quote_max_chars < 80 {
            bail!("search.quote_max_chars must be at least 80");
        }
        if self.search.max_question_chars < 10 {
            bail!("search.max_question_chars must be at least 10");
        }
        if self.discord.rate_limit_commands == 0 || self.discord.rate_limit_window_secs == 0 {
            bail!(
                "discord.rate_limit_commands and discord.rate_limit_window_secs must be positive"
            );
        }
        if !(1..=10).contains(&self.discord.quotes_per_page)
            || !(1..=20).contains(&self.discord.search_per_page)
        {
            bail!("discord.quotes_per_page must be 1-10 and discord.search_per_page 1-20");
        }
        if !(32..=65536).contains(&self.index.writer_memory_mb) {
            bail!("index.writer_memory_mb must be between 32 and 65536");
        }
        if let Some(p) = self.discord.proxy() {
            if !(p.starts_with("http://") || p.starts_with("https://")) {
                bail!("discord.proxy must be a base URL such as http://127.0.0.1:3000, not {p:?}");
            }
        }
        if let Some(k) = &self.discord.public_key {
            let k = k.expose();
            if k.len() != 64 || !k.chars().all(|c| c.is_ascii_hexdigit()) {
                bail!("the Discord public key must be 64 hexadecimal characters");
            }
        }
        self.validate_storage()?;
        if self.http.listen.parse::<std::net::SocketAddr>().is_err() {
            bail!(
                "http.listen must be an address like 0.0.0.0:8080, not {:?}",
                self.http.listen
            );
        }
        Ok(())
    }
}

impl Settings {
    fn validate_storage(&self) -> Result<()> {
        if let Some(u) = &self.storage.url {
            let u = u.expose().trim();
            let known = ["sqlite:", "postgres://", "postgresql://"];
            if !u.is_empty() && !known.iter().any(|k| u.starts_with(k)) {
                bail!("storage.url must be empty (SQLite in the data directory), sqlite://FILE or postgres://…");
            }
        }
        if self.storage.timeout_ms == 0 {
            bail!("storage.timeout_ms must be positive");
        }
        let t = &self.teacher;
        if t.upload_max_bytes == 0 || t.upload_max_bytes > MAX_UPLOAD_BYTES {
            bail!("teacher.upload_max_bytes must be between 1 and {MAX_UPLOAD_BYTES}");
        }
        if t.download_timeout_secs == 0 {
            bail!("teacher.download_timeout_secs must be positive");
        }
        for h in &t.cdn_hosts {
            let ok = h
                .strip_prefix("https://")
                .or_else(|| h.strip_prefix("http://"))
                .is_some_and(|rest| !rest.is_empty() && !rest.contains(['/', '@', '?', '#']));
            if !ok {
                bail!("teacher.cdn_hosts entries are origins like https://cdn.discordapp.com, not {h:?}");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_and_layers_apply() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("local.toml"),
            "[search]\ndefault_limit = 7\n",
        )
        .unwrap();
        let env = |k: &str| match k {
            "DISCORD_TOKEN" => Some("tok-very-secret".to_string()),
            "DISCORD_PUBLIC_KEY" => Some("ab".repeat(32)),
            _ => None,
        };
        let s = Settings::load_with(dir.path(), env).unwrap();
        assert_eq!(s.search.default_limit, 7);
        assert_eq!(
            s.discord.token.as_ref().unwrap().expose(),
            "tok-very-secret"
        );
        let dbg = format!("{s:?}");
        assert!(!dbg.contains("tok-very-secret"), "{dbg}");
        assert!(!dbg.contains(&"ab".repeat(32)));
        assert!(dbg.contains("redacted"));
    }

    #[test]
    fn bad_values_are_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("local.toml"),
            "[search]\ndefault_limit = 0\n",
        )
        .unwrap();
        let err = Settings::load_with(dir.path(), |_| None).unwrap_err();
        assert!(format!("{err:#}").contains("default_limit"));
        let ok = Settings::load_with(tempfile::tempdir().unwrap().path(), |_| Some("zz".into()));
        assert!(format!("{:#}", ok.unwrap_err()).contains("public key"));
    }
}
