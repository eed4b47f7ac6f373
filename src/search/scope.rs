//! Scope: which documents a server (or one of its channels) sees.
//!
//! A teacher writes a scope as `all` or a comma-separated list of document ids and *collection*
//! names (a collection is a subfolder of the corpus directory: `crate::corpus::collection_of`).
//! [`ScopeSpec`] is that text, parsed; [`Engine::scope`] resolves it against the catalog in
//! service into a [`DocScope`]: the set of document ids a request may see, which `/ask` and
//! `/search` pass to the engine ([`super::AskRequest::within`]) and every other command checks
//! ([`DocScope::contains`]). Study tools take the same set ([`DocScope::doc_ids`]).
//!
//! One rule holds whatever the spec says: a server's own uploads live in the collection
//! `guild-<id>` ([`guild_collection`]), and the uploads of one server are never visible to
//! another (nor in direct messages). Resolved scopes are cached per index, so a request pays for
//! a set lookup, not a walk over the catalog.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use super::Engine;
use crate::corpus::collection_of;

/// The collection a server's uploads go to.
pub fn guild_collection(guild: u64) -> String {
    format!("{GUILD_PREFIX}{guild}")
}

/// Collections named `guild-<digits>` hold one server's uploads.
const GUILD_PREFIX: &str = "guild-";

/// The server whose uploads a collection holds, if it is such a collection.
pub fn collection_guild(collection: &str) -> Option<u64> {
    let digits = collection.strip_prefix(GUILD_PREFIX)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Longest scope text kept (Discord options are at most 6000 characters; a scope is a list).
pub const MAX_SCOPE_CHARS: usize = 2000;

/// A scope as a teacher writes it: `all`, or document ids and collection names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum ScopeSpec {
    #[default]
    All,
    /// Document ids and collection names, in the order given, each once.
    Only(Vec<String>),
}

impl ScopeSpec {
    /// Reads `all` or `a, b, c` (blank entries ignored); an empty list is an error.
    pub fn parse(text: &str) -> Result<ScopeSpec, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Ok(ScopeSpec::All);
        }
        if text.chars().count() > MAX_SCOPE_CHARS {
            return Err(format!("a scope is at most {MAX_SCOPE_CHARS} characters"));
        }
        let mut names: Vec<String> = Vec::new();
        for n in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if !names.iter().any(|x| x == n) {
                names.push(n.to_string());
            }
        }
        if names.is_empty() {
            return Err("name `all`, or document ids and collections separated by commas".into());
        }
        Ok(ScopeSpec::Only(names))
    }

    /// The text it was read from, normalised (`all` or `a,b,c`): what is stored.
    pub fn to_text(&self) -> String {
        match self {
            ScopeSpec::All => "all".to_string(),
            ScopeSpec::Only(names) => names.join(","),
        }
    }
}

/// The documents one request may see. Cheap to clone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocScope {
    /// `None`: every document (no server's uploads exist that this one may not see).
    only: Option<Arc<BTreeSet<String>>>,
}

impl DocScope {
    /// Every document: the command line, and servers when no uploads are hidden from them.
    pub fn everything() -> DocScope {
        DocScope { only: None }
    }

    /// Exactly these documents.
    pub fn of(ids: impl IntoIterator<Item = String>) -> DocScope {
        DocScope {
            only: Some(Arc::new(ids.into_iter().collect())),
        }
    }

    /// Whether document `id` is in scope.
    pub fn contains(&self, id: &str) -> bool {
        self.only.as_ref().is_none_or(|s| s.contains(id))
    }

    /// The document ids in scope, or `None` when every document is: what the engine and the
    /// study tools restrict a search to.
    pub fn doc_ids(&self) -> Option<&Arc<BTreeSet<String>>> {
        self.only.as_ref()
    }

    /// Whether some documents are out of scope.
    pub fn restricts(&self) -> bool {
        self.only.is_some()
    }
}

/// `docs` (what a search is restricted to, `None` for everything) within `within` (a server's
/// scope, `None` for everything).
pub fn restrict(
    docs: Option<Vec<String>>,
    within: Option<&Arc<BTreeSet<String>>>,
) -> Option<Vec<String>> {
    let Some(within) = within else {
        return docs;
    };
    Some(match docs {
        Some(d) => d.into_iter().filter(|x| within.contains(x)).collect(),
        None => within.iter().cloned().collect(),
    })
}

/// Resolved scopes by (server, spec).
type Resolved = HashMap<(Option<u64>, ScopeSpec), DocScope>;

/// Resolved scopes of the index in service (named by the first field).
#[derive(Default)]
pub(super) struct ScopeCache {
    entries: Mutex<(String, Resolved)>,
}

/// Cached scopes past this many are dropped (each server has one or a few).
const CACHE_ENTRIES: usize = 4096;

/// What a spec names that the corpus does not have, for the teacher to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownNames(pub Vec<String>);

impl Engine {
    /// The documents `guild` (a server id; `None` in direct messages) sees under `spec`.
    pub fn scope(&self, spec: &ScopeSpec, guild: Option<u64>) -> DocScope {
        let snapshot = self.snapshot();
        let index = snapshot.index_name().to_string();
        let key = (guild, spec.clone());
        {
            let cache = self
                .scopes
                .entries
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if cache.0 == index {
                if let Some(s) = cache.1.get(&key) {
                    return s.clone();
                }
            }
        }
        let resolved = resolve(&self.sources(), spec, guild);
        let mut cache = self
            .scopes
            .entries
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if cache.0 != index || cache.1.len() >= CACHE_ENTRIES {
            *cache = (index, HashMap::new());
        }
        cache.1.insert(key, resolved.clone());
        resolved
    }

    /// The names in `spec` that are neither a document nor a collection `guild` may see.
    pub fn check_scope(&self, spec: &ScopeSpec, guild: Option<u64>) -> Result<(), UnknownNames> {
        let ScopeSpec::Only(names) = spec else {
            return Ok(());
        };
        let sources = self.sources();
        let unknown: Vec<String> = names
            .iter()
            .filter(|n| {
                !sources.iter().any(|(id, file)| {
                    visible(file, guild) && (id == *n || collection_of(file) == Some(n.as_str()))
                })
            })
            .cloned()
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(UnknownNames(unknown))
        }
    }

    /// The collections `guild` may see, with how many documents each holds, by name.
    pub fn collections(&self, guild: Option<u64>) -> Vec<(String, usize)> {
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        for (_, file) in self.sources() {
            if let Some(c) = collection_of(&file).filter(|_| visible(&file, guild)) {
                *counts.entry(c.to_string()).or_default() += 1;
            }
        }
        counts.into_iter().collect()
    }

    /// Every document's id and source file (its path within the corpus), in corpus order.
    pub fn sources(&self) -> Vec<(String, String)> {
        self.snapshot()
            .ix
            .catalog
            .documents
            .iter()
            .map(|d| (d.meta.id.clone(), d.meta.source_file.clone()))
            .collect()
    }

    /// The index in service, as feedback records it (`index-…`).
    pub fn index_version(&self) -> String {
        self.snapshot().index_name().to_string()
    }
}

/// Whether a file may be seen from `guild` at all: not another server's upload.
fn visible(source_file: &str, guild: Option<u64>) -> bool {
    match collection_of(source_file).and_then(collection_guild) {
        Some(owner) => Some(owner) == guild,
        None => true,
    }
}

fn resolve(sources: &[(String, String)], spec: &ScopeSpec, guild: Option<u64>) -> DocScope {
    let hidden = sources.iter().any(|(_, f)| !visible(f, guild));
    match spec {
        ScopeSpec::All if !hidden => DocScope::everything(),
        ScopeSpec::All => DocScope::of(
            sources
                .iter()
                .filter(|(_, f)| visible(f, guild))
                .map(|(id, _)| id.clone()),
        ),
        ScopeSpec::Only(names) => DocScope::of(
            sources
                .iter()
                .filter(|(id, f)| {
                    visible(f, guild)
                        && names
                            .iter()
                            .any(|n| n == id || collection_of(f) == Some(n.as_str()))
                })
                .map(|(id, _)| id.clone()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Vec<(String, String)> {
        [
            ("1", "a.txt"),
            ("2", "unit-1/b.txt"),
            ("3", "unit-1/deep/c.txt"),
            ("4", "guild-7/mine.txt"),
            ("5", "guild-8/theirs.txt"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
    }

    fn ids(s: &DocScope) -> Vec<String> {
        s.doc_ids()
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    #[test]
    fn specs_parse_and_print_back() {
        assert_eq!(ScopeSpec::parse(" ALL "), Ok(ScopeSpec::All));
        let s = ScopeSpec::parse("unit-1, 900123,,unit-1 ").unwrap();
        assert_eq!(s, ScopeSpec::Only(vec!["unit-1".into(), "900123".into()]));
        assert_eq!(s.to_text(), "unit-1,900123");
        assert!(ScopeSpec::parse(" , ").is_err());
        assert!(ScopeSpec::parse(&"x".repeat(MAX_SCOPE_CHARS + 1)).is_err());
    }

    #[test]
    fn other_servers_uploads_are_never_in_scope() {
        let all = resolve(&sources(), &ScopeSpec::All, Some(7));
        assert_eq!(ids(&all), ["1", "2", "3", "4"]);
        let dm = resolve(&sources(), &ScopeSpec::All, None);
        assert_eq!(ids(&dm), ["1", "2", "3"]);
        let named = ScopeSpec::parse("guild-8, 5, unit-1").unwrap();
        assert_eq!(ids(&resolve(&sources(), &named, Some(7))), ["2", "3"]);
        let plain: Vec<(String, String)> = sources().into_iter().take(3).collect();
        assert!(!resolve(&plain, &ScopeSpec::All, Some(7)).restricts());
        assert!(resolve(&plain, &ScopeSpec::All, Some(7)).contains("2"));
    }

    #[test]
    fn only_digits_make_a_guild_collection() {
        assert_eq!(collection_guild("guild-42"), Some(42));
        assert_eq!(collection_guild("guild-"), None);
        assert_eq!(collection_guild("guild-4x"), None);
        assert_eq!(collection_guild("unit-1"), None);
        assert_eq!(guild_collection(42), "guild-42");
    }
}
