//! What a snapshot derives from the catalog to read questions against — the speaker lexicon and
//! the archive the citations name most — made by one function ([`Derived::of`]) and kept beside
//! the index (`derived.json`), so that a cold start reads it instead of walking every record.
//!
//! The file is a cache: it names the catalog it was made from (build time, documents) and the
//! binary that made it (size and modification time of the executable), and anything that does
//! not match — another build, another binary, a file that does not parse because the types
//! gained fields — is made again with [`Derived::of`] and written back. So a change to how the
//! lexicon is made needs nothing here: a new binary remakes it.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::question::Lexicon;
use crate::index::{Catalog, OpenIndex};

const DERIVED_FILE: &str = "derived.json";

/// Data derived from a catalog for reading questions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Derived {
    pub lexicon: Lexicon,
    /// The archive the documents' citations name most often.
    pub archive: Option<String>,
    /// Spellings the documents give as the same name, by stem: each stem's other stems.
    #[serde(default)]
    pub variants: HashMap<String, Vec<String>>,
}

/// `derived.json`: the data and what it was made from.
#[derive(Serialize, Deserialize)]
struct Stored {
    binary: String,
    built_at: u64,
    documents: usize,
    derived: Derived,
}

impl Derived {
    /// Everything derived from `catalog` (reads every record).
    pub fn of(catalog: &Catalog) -> Derived {
        catalog.documents.decode_all();
        let mut lexicon = Lexicon::default();
        // The same speaker, labelled the same way, recurs in many documents: adding them again
        // changes nothing, so each is added once.
        let mut added: HashSet<(&str, &[String], Option<&str>)> = HashSet::new();
        for d in catalog.documents.iter() {
            for s in &d.speakers {
                if added.insert((s.name.as_str(), s.labels.as_slice(), s.role.as_deref())) {
                    lexicon.add(&s.name, &s.labels);
                    if let Some(r) = &s.role {
                        lexicon.add_role(&s.name, r);
                    }
                }
            }
        }
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for d in catalog.documents.iter() {
            if let Some(a) = &d.meta.archive {
                *counts.entry(a.as_str()).or_default() += 1;
            }
        }
        let archive = counts
            .into_iter()
            .max_by_key(|(a, n)| (*n, std::cmp::Reverse(*a)))
            .map(|(a, _)| a.to_string());
        Derived {
            lexicon,
            archive,
            variants: variants(catalog),
        }
    }

    /// The derived data of an opened index: read from its directory when it was made there from
    /// this catalog by this binary, else made now (and stored for the next start).
    pub fn load_or_make(ix: &OpenIndex) -> Derived {
        let binary = binary_id();
        let path = ix.dir.join(DERIVED_FILE);
        let matches = |s: &Stored| {
            s.binary == binary
                && s.built_at == ix.catalog.built_at
                && s.documents == ix.catalog.documents.len()
        };
        if let Some(s) = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Stored>(&b).ok())
            .filter(matches)
        {
            return s.derived;
        }
        let started = std::time::Instant::now();
        let derived = Derived::of(&ix.catalog);
        let made = started.elapsed();
        let stored = Stored {
            binary,
            built_at: ix.catalog.built_at,
            documents: ix.catalog.documents.len(),
            derived,
        };
        // A read-only data directory only costs the next start the same work again.
        let _ = store(&ix.dir, &stored);
        tracing::debug!(
            "derived: made in {:.3} s, stored in {:.3} s",
            made.as_secs_f64(),
            (started.elapsed() - made).as_secs_f64()
        );
        stored.derived
    }
}

/// The documents' glosses ([`crate::corpus::glosses`]) as stem variants: the two sides of a
/// gloss have as many words, and the words pair in order (`Jeong Pung-gye [Jong Phung Gye]`:
/// jeong and jong, pung and phung), so each stem maps to the stems it stands beside.
fn variants(catalog: &Catalog) -> HashMap<String, Vec<String>> {
    let stems = |s: &str| -> Vec<String> {
        super::excerpt::stems(s)
            .into_iter()
            .map(|(_, _, st)| st)
            .collect()
    };
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    let mut link = |a: &str, b: &str| {
        let v = out.entry(a.to_string()).or_default();
        if a != b && !v.iter().any(|x| x == b) {
            v.push(b.to_string());
        }
    };
    for d in catalog.documents.iter() {
        for (name, gloss) in &d.glosses {
            let (a, b) = (stems(name), stems(gloss));
            if a.len() != b.len() {
                continue;
            }
            for (x, y) in a.iter().zip(&b) {
                link(x, y);
                link(y, x);
            }
        }
    }
    out.retain(|_, v| !v.is_empty());
    out
}

/// Writes the file beside the index atomically (several processes may share the directory).
fn store(dir: &Path, s: &Stored) -> std::io::Result<()> {
    let tmp = dir.join(format!(".{DERIVED_FILE}.{}", std::process::id()));
    std::fs::write(&tmp, serde_json::to_vec(s)?)?;
    std::fs::rename(&tmp, dir.join(DERIVED_FILE))
}

/// The running binary, as its size and modification time: another build of Archivist may
/// derive differently.
fn binary_id() -> String {
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let t = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            format!("{}-{t}-{}", m.len(), crate::index::SCHEMA_VERSION)
        })
        .unwrap_or_default()
}
