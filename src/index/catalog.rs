//! The catalog: what the index knows of each document beside its passages (metadata, speakers,
//! passage count, serial number), stored so that opening it reads almost nothing.
//!
//! `catalog.bin` is memory-mapped. Its head (schema version, build time, counts, warnings) and
//! two small columns — each document's serial number and id — are read at open; a document's
//! record is decoded the first time it is asked for and kept. A question reads the few records
//! it quotes; listing every document (autocomplete over titles, the speakers of the corpus)
//! decodes them all once. So a cold `archivist ask` on a corpus of tens of thousands of
//! documents does not parse the catalog.
//!
//! Layout (integers little-endian u64):
//! ```text
//! "ARCHCAT1" · head length · head (JSON) · n serials · n+1 id offsets · ids
//!            · n+1 record offsets · records (JSON, one per document, in catalog order)
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use super::{DocRecord, SCHEMA_VERSION};

/// The file name of the catalog in an index directory.
pub const CATALOG_FILE: &str = "catalog.bin";

const MAGIC: &[u8; 8] = b"ARCHCAT1";

/// Documents, build time and the warnings of the build.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub schema_version: u32,
    pub built_at: u64,
    pub documents: Records,
    pub passages: usize,
    pub warnings: Vec<String>,
}

/// The head of `catalog.bin`.
#[derive(Serialize, Deserialize)]
struct Head {
    schema_version: u32,
    built_at: u64,
    passages: usize,
    warnings: Vec<String>,
    documents: usize,
}

impl Catalog {
    /// The catalog of the documents of `records` and the warnings of their build, made now.
    pub(crate) fn of(records: Vec<DocRecord>, warnings: Vec<String>) -> Catalog {
        Catalog {
            schema_version: SCHEMA_VERSION,
            built_at: super::now_secs(),
            passages: records.iter().map(|d| d.passages as usize).sum(),
            warnings,
            documents: Records::from(records),
        }
    }

    /// Writes `catalog.bin` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let records = self.documents.iter().map(|d| {
            let json = serde_json::to_vec(d).expect("a record encodes");
            (d.serial, d.meta.id.as_str(), Cow::Owned(json))
        });
        self.write_records(dir, records)
    }

    /// Writes `catalog.bin` into `dir` with this catalog's head (its build time, passages and
    /// warnings) and the records given as (serial, id, stored form: [`Records::json`]), in order,
    /// whatever `documents` holds.
    pub fn write_records<'a>(
        &self,
        dir: &Path,
        records: impl Iterator<Item = (u64, &'a str, Cow<'a, [u8]>)>,
    ) -> Result<()> {
        let records: Vec<(u64, &str, Cow<[u8]>)> = records.collect();
        let head = Head {
            schema_version: self.schema_version,
            built_at: self.built_at,
            passages: self.passages,
            warnings: self.warnings.clone(),
            documents: records.len(),
        };
        let head = serde_json::to_vec(&head)?;
        let mut out: Vec<u8> = Vec::new();
        out.extend_from_slice(MAGIC);
        put(&mut out, head.len() as u64);
        out.extend_from_slice(&head);
        for (serial, _, _) in &records {
            put(&mut out, *serial);
        }
        let mut end = 0;
        put(&mut out, end);
        for (_, id, _) in &records {
            end += id.len() as u64;
            put(&mut out, end);
        }
        for (_, id, _) in &records {
            out.extend_from_slice(id.as_bytes());
        }
        let mut end = 0;
        put(&mut out, end);
        for (_, _, json) in &records {
            end += json.len() as u64;
            put(&mut out, end);
        }
        // The records are written from where they are, not copied into one buffer first.
        let failed = || format!("cannot write the catalog in {}", dir.display());
        use std::io::Write;
        let file = std::fs::File::create(dir.join(CATALOG_FILE)).with_context(failed)?;
        let mut file = std::io::BufWriter::with_capacity(1 << 20, file);
        file.write_all(&out).with_context(failed)?;
        for (_, _, json) in &records {
            file.write_all(json).with_context(failed)?;
        }
        file.flush().with_context(failed)
    }

    /// Opens `catalog.bin` in `dir` (mapped; records are decoded when first asked for).
    pub fn open(dir: &Path) -> Result<Catalog> {
        let path = dir.join(CATALOG_FILE);
        let file = std::fs::File::open(&path)
            .with_context(|| format!("no catalog in {}", dir.display()))?;
        // SAFETY: index directories are never written after they are published (updates and
        // merges make new ones), so the mapped bytes do not change under us.
        let map = unsafe { memmap2::Mmap::map(&file) }
            .with_context(|| format!("cannot map {}", path.display()))?;
        let damaged = || format!("the catalog in {} is damaged", dir.display());
        let mapped = Mapped::read(map).with_context(damaged)?;
        let head: Head = serde_json::from_slice(mapped.head()).with_context(damaged)?;
        if head.schema_version != SCHEMA_VERSION {
            bail!(
                "index schema {} is not {SCHEMA_VERSION}",
                head.schema_version
            );
        }
        if head.documents != mapped.n {
            bail!("{}: document count does not match", damaged());
        }
        Ok(Catalog {
            schema_version: head.schema_version,
            built_at: head.built_at,
            passages: head.passages,
            warnings: head.warnings,
            documents: Records::mapped(mapped),
        })
    }
}

fn put(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// The documents of a catalog, in order: in memory (a catalog just built) or decoded from the
/// mapped file as they are asked for. Cloning shares them.
#[derive(Clone, Default)]
pub struct Records(Arc<Inner>);

#[derive(Default)]
struct Inner {
    /// Shared, so that the catalog of an updated index can take the records it has in common
    /// with the one before ([`Records::adopt`]) instead of decoding them again.
    cells: Vec<OnceLock<Arc<DocRecord>>>,
    serials: Vec<u64>,
    mapped: Option<Mapped>,
}

impl std::fmt::Debug for Records {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Records({} documents)", self.len())
    }
}

impl From<Vec<DocRecord>> for Records {
    fn from(v: Vec<DocRecord>) -> Records {
        let serials = v.iter().map(|d| d.serial).collect();
        let cells = v.into_iter().map(|r| OnceLock::from(Arc::new(r))).collect();
        Records(Arc::new(Inner {
            cells,
            serials,
            mapped: None,
        }))
    }
}

impl Records {
    fn mapped(m: Mapped) -> Records {
        let serials = (0..m.n).map(|i| m.serial(i)).collect();
        Records(Arc::new(Inner {
            cells: (0..m.n).map(|_| OnceLock::new()).collect(),
            serials,
            mapped: Some(m),
        }))
    }

    pub fn len(&self) -> usize {
        self.0.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Record `i` (decoded now if it was not yet).
    pub fn get(&self, i: usize) -> Option<&DocRecord> {
        let cell = self.0.cells.get(i)?;
        if let Some(r) = cell.get() {
            return Some(r);
        }
        let m = self.0.mapped.as_ref()?;
        let r: DocRecord = match serde_json::from_slice(m.record(i)) {
            Ok(r) => r,
            Err(e) => {
                tracing::error!("catalog record {i} cannot be read: {e}");
                return None;
            }
        };
        Some(cell.get_or_init(|| Arc::new(r)))
    }

    /// Takes the records decoded in `before` (the catalog this one replaces) whose stored form
    /// this one has too, so that they are not decoded again; returns how many. Records are
    /// matched by serial number and taken only when their stored bytes are the same.
    pub fn adopt(&self, before: &Records) -> usize {
        let (Some(m), Some(old)) = (&self.0.mapped, &before.0.mapped) else {
            return 0;
        };
        let old_place: HashMap<u64, usize> = before
            .serials()
            .iter()
            .enumerate()
            .map(|(i, &s)| (s, i))
            .collect();
        let mut taken = 0;
        for (i, cell) in self.0.cells.iter().enumerate() {
            let Some(&j) = old_place.get(&self.0.serials[i]) else {
                continue;
            };
            let Some(r) = before.0.cells[j].get() else {
                continue;
            };
            if cell.get().is_none() && m.record(i) == old.record(j) && cell.set(r.clone()).is_ok() {
                taken += 1;
            }
        }
        taken
    }

    /// Decodes every record not decoded yet, on all cores (before a walk over all of them).
    pub fn decode_all(&self) {
        if self.0.mapped.is_none() {
            return;
        }
        let all: Vec<usize> = (0..self.len()).collect();
        crate::par::map(&all, |&i| {
            self.get(i);
        });
    }

    /// Every record, in order.
    pub fn iter(&self) -> impl Iterator<Item = &DocRecord> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The serial number of every record, in order, without decoding them.
    pub fn serials(&self) -> &[u64] {
        &self.0.serials
    }

    /// The stored form (JSON) of record `i`: the mapped bytes as they are, or the record
    /// encoded when the catalog is in memory.
    pub fn json(&self, i: usize) -> Option<Cow<'_, [u8]>> {
        match &self.0.mapped {
            Some(m) => (i < m.n).then(|| Cow::Borrowed(m.record(i))),
            None => Some(Cow::Owned(serde_json::to_vec(self.get(i)?).ok()?)),
        }
    }

    /// The id of record `i`, without decoding it.
    pub fn id(&self, i: usize) -> Option<&str> {
        match &self.0.mapped {
            Some(m) => (i < m.n).then(|| m.id(i)),
            None => self.get(i).map(|r| r.meta.id.as_str()),
        }
    }
}

impl std::ops::Index<usize> for Records {
    type Output = DocRecord;
    fn index(&self, i: usize) -> &DocRecord {
        self.get(i).expect("a record of the catalog")
    }
}

impl PartialEq for Records {
    fn eq(&self, other: &Records) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

/// The mapped file, with the places of its parts checked once.
struct Mapped {
    map: memmap2::Mmap,
    n: usize,
    head: std::ops::Range<usize>,
    serials: usize,
    id_ends: usize,
    ids: usize,
    record_ends: usize,
    records: usize,
}

impl Mapped {
    fn read(map: memmap2::Mmap) -> Result<Mapped> {
        let b: &[u8] = &map;
        let u64_at = |at: usize| -> Result<u64> {
            let bytes = b.get(at..at + 8).context("truncated")?;
            Ok(u64::from_le_bytes(bytes.try_into().expect("8 bytes")))
        };
        if b.get(..8) != Some(MAGIC.as_slice()) {
            bail!("not an Archivist catalog");
        }
        let head_len = u64_at(8)? as usize;
        let head = 16..16usize.checked_add(head_len).context("truncated")?;
        let h: Head = serde_json::from_slice(b.get(head.clone()).context("truncated")?)?;
        let n = h.documents;
        let serials = head.end;
        let id_ends = serials + 8 * n;
        let ids = id_ends + 8 * (n + 1);
        let ids_len = u64_at(id_ends + 8 * n)? as usize;
        let record_ends = ids + ids_len;
        let records = record_ends + 8 * (n + 1);
        let records_len = u64_at(record_ends + 8 * n)? as usize;
        if records + records_len != b.len() {
            bail!("truncated or padded");
        }
        let m = Mapped {
            map,
            n,
            head,
            serials,
            id_ends,
            ids,
            record_ends,
            records,
        };
        // Offsets must rise and stay inside their parts (checked once, so reads cannot fail).
        for (ends, len) in [(m.id_ends, ids_len), (m.record_ends, records_len)] {
            let mut last = 0;
            for i in 0..=n {
                let e = m.u64_at(ends + 8 * i) as usize;
                if e < last || e > len {
                    bail!("offsets out of order");
                }
                last = e;
            }
        }
        for i in 0..n {
            std::str::from_utf8(m.id_bytes(i)).context("an id is not UTF-8")?;
        }
        Ok(m)
    }

    fn u64_at(&self, at: usize) -> u64 {
        u64::from_le_bytes(self.map[at..at + 8].try_into().expect("8 bytes"))
    }

    fn head(&self) -> &[u8] {
        &self.map[self.head.clone()]
    }

    fn serial(&self, i: usize) -> u64 {
        self.u64_at(self.serials + 8 * i)
    }

    fn id_bytes(&self, i: usize) -> &[u8] {
        let (a, b) = (
            self.u64_at(self.id_ends + 8 * i) as usize,
            self.u64_at(self.id_ends + 8 * (i + 1)) as usize,
        );
        &self.map[self.ids + a..self.ids + b]
    }

    fn id(&self, i: usize) -> &str {
        std::str::from_utf8(self.id_bytes(i)).unwrap_or("")
    }

    fn record(&self, i: usize) -> &[u8] {
        let (a, b) = (
            self.u64_at(self.record_ends + 8 * i) as usize,
            self.u64_at(self.record_ends + 8 * (i + 1)) as usize,
        );
        &self.map[self.records + a..self.records + b]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::DocMeta;

    fn record(id: &str, serial: u64) -> DocRecord {
        DocRecord {
            meta: DocMeta {
                id: id.into(),
                title: format!("Title of {id} — “quoted”"),
                ..Default::default()
            },
            speakers: Vec::new(),
            passages: 3,
            serial,
            glosses: Vec::new(),
        }
    }

    #[test]
    fn a_written_catalog_opens_with_the_same_records() {
        let dir = tempfile::tempdir().unwrap();
        let c = Catalog {
            schema_version: SCHEMA_VERSION,
            built_at: 7,
            documents: Records::from(vec![record("a", 0), record("ü-2", 5), record("c", 2)]),
            passages: 9,
            warnings: vec!["x.txt: skipped".into()],
        };
        c.write(dir.path()).unwrap();
        let o = Catalog::open(dir.path()).unwrap();
        assert_eq!(o.documents.serials(), &[0, 5, 2]);
        assert_eq!(o.documents.id(1), Some("ü-2"));
        assert_eq!(o.documents.get(2), c.documents.get(2));
        assert_eq!(o.documents, c.documents);
        assert_eq!((o.built_at, o.passages, &o.warnings), (7, 9, &c.warnings));
        assert!(o.documents.get(3).is_none());
    }

    #[test]
    fn an_updated_catalog_takes_the_decoded_records_it_shares_with_the_one_before() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let write = |dir: &Path, records: Vec<DocRecord>| {
            let c = Catalog {
                schema_version: SCHEMA_VERSION,
                documents: Records::from(records),
                ..Default::default()
            };
            c.write(dir).unwrap();
            Catalog::open(dir).unwrap()
        };
        let before = write(
            a.path(),
            vec![record("a", 0), record("b", 1), record("c", 2)],
        );
        let mut changed = record("a", 0);
        changed.passages = 4;
        let after = write(
            b.path(),
            vec![
                changed.clone(),
                record("n", 7),
                record("c", 2),
                record("b", 1),
            ],
        );
        // Nothing decoded before: nothing to take.
        assert_eq!(after.documents.adopt(&before.documents), 0);
        before.documents.decode_all();
        // "b" and "c", whatever their places; not "a", whose record changed.
        assert_eq!(after.documents.adopt(&before.documents), 2);
        assert_eq!(after.documents.adopt(&before.documents), 0);
        let ids: Vec<&str> = after.documents.iter().map(|r| r.meta.id.as_str()).collect();
        assert_eq!(ids, ["a", "n", "c", "b"]);
        assert_eq!(after.documents[0], changed);
        assert_eq!(after.documents[3], record("b", 1));
    }

    #[test]
    fn a_damaged_catalog_does_not_open() {
        let dir = tempfile::tempdir().unwrap();
        let c = Catalog {
            schema_version: SCHEMA_VERSION,
            documents: Records::from(vec![record("a", 0)]),
            ..Default::default()
        };
        c.write(dir.path()).unwrap();
        let path = dir.path().join(CATALOG_FILE);
        let bytes = std::fs::read(&path).unwrap();
        for cut in [0, 5, 20, bytes.len() - 1] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            assert!(Catalog::open(dir.path()).is_err(), "cut at {cut}");
        }
        std::fs::write(&path, b"{\"schema_version\":3}").unwrap();
        assert!(Catalog::open(dir.path()).is_err());
    }
}
