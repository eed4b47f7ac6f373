//! `names.bin`: the corpus-wide name index ([`NameIndex`]) of an index's documents, and how
//! each document took part in it, kept so that an incremental update ([`super::update`]) can
//! resolve speakers in the changed corpus without reading the files that did not change.
//!
//! Per document, in catalog order: its id, serial, file and passage count; the questions it
//! asked the name index, with their answers and the digest of what the answer was read from
//! ([`NameKey`]); its speakers' names; and the capitalised-word counts of its body, which an
//! update needs only for the documents it takes away, so they are stored behind a length and
//! decoded on demand. Then the name index itself, its documents numbered by serial.
//!
//! Layout (integers little-endian, strings as a u32 length and UTF-8 bytes):
//! ```text
//! "ARCHNAM2" · u32 documents · documents · name index (NameIndex::encode, to the end)
//! document: id · u64 serial · file · u32 passages
//!           · u32 keys · (u32 words · word… · u8 has title · [title] · name · u64 digest)…
//!           · u32 speakers · name… · u32 body bytes · (u32 words · (word, u32 count)…)
//! ```
//! A file that is missing or does not decode means the index cannot be updated: it is built
//! whole instead (as for an index made before this file existed).

use std::ops::Range;
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};

use crate::corpus::names::NameIndex;
use crate::corpus::{DocMeta, NameKey, Speaker};

/// The file name in an index directory.
pub const NAMES_FILE: &str = "names.bin";

const MAGIC: &[u8; 8] = b"ARCHNAM2";

/// One document's entry.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDoc {
    pub id: String,
    pub serial: u64,
    pub source_file: String,
    pub passages: u32,
    pub keys: Vec<NameKey>,
    pub speakers: Vec<String>,
    /// Its body counts: given ([`StoredDoc::of`]), given as `names.bin` stores them
    /// ([`StoredDoc::of_packed`]), or where they are in the file read.
    body: Body,
}

#[derive(Debug, Clone, PartialEq)]
enum Body {
    Given(Vec<(String, u32)>),
    Packed(Vec<u8>),
    Stored(Range<usize>),
}

impl StoredDoc {
    /// The entry of a document (its metadata, passages and speakers), indexed under `serial`,
    /// with the keys its speakers were named by and its body counts.
    pub fn of(
        serial: u64,
        (meta, passages, speakers): (&DocMeta, u32, &[Speaker]),
        keys: Vec<NameKey>,
        body: Vec<(String, u32)>,
    ) -> Self {
        StoredDoc {
            id: meta.id.clone(),
            serial,
            source_file: meta.source_file.clone(),
            passages,
            keys,
            speakers: speakers.iter().map(|s| s.name.clone()).collect(),
            body: Body::Given(body),
        }
    }

    /// [`StoredDoc::of`] with the body counts packed as `names.bin` stores them (a count, then
    /// each word and its count: [`crate::corpus::names::PackedInputs::into_body`]).
    pub fn of_packed(
        serial: u64,
        parts: (&DocMeta, u32, &[Speaker]),
        keys: Vec<NameKey>,
        body: Vec<u8>,
    ) -> Self {
        StoredDoc {
            body: Body::Packed(body),
            ..StoredDoc::of(serial, parts, keys, Vec::new())
        }
    }
}

/// `names.bin` read back.
pub struct Names {
    pub docs: Vec<StoredDoc>,
    pub index: NameIndex,
    bytes: Vec<u8>,
}

impl Names {
    /// Reads `names.bin` of the index directory `dir`; `None` when it is missing or damaged.
    pub fn read(dir: &Path) -> Option<Names> {
        let bytes = std::fs::read(dir.join(NAMES_FILE)).ok()?;
        match decode(bytes) {
            Ok(n) => Some(n),
            Err(e) => {
                tracing::warn!("{} in {}: {e:#}", NAMES_FILE, dir.display());
                None
            }
        }
    }

    /// The body counts of `doc`.
    pub fn body(&self, doc: &StoredDoc) -> Result<Vec<(String, u32)>> {
        match &doc.body {
            Body::Given(b) => Ok(b.clone()),
            Body::Packed(b) => counts(&mut Reader::new(b)),
            Body::Stored(r) => counts(&mut Reader::new(&self.bytes[r.clone()])),
        }
    }
}

/// Writes `names.bin` into `dir`: `docs` in catalog order (the bodies of entries read from a
/// file come from `from`) and the name index.
pub fn write(
    dir: &Path,
    docs: &[StoredDoc],
    from: Option<&Names>,
    index: &NameIndex,
) -> Result<()> {
    use std::io::Write;
    let path = dir.join(NAMES_FILE);
    let failed = || format!("cannot write {NAMES_FILE} in {}", dir.display());
    let file = std::fs::File::create(&path).with_context(failed)?;
    // Written as it is made, an entry at a time: a corpus's names are not held twice.
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut w = Writer::default();
    w.bytes.extend_from_slice(MAGIC);
    w.u32(docs.len() as u32);
    for d in docs {
        entry(&mut w, d, from)?;
        out.write_all(&w.bytes).with_context(failed)?;
        w.bytes.clear();
    }
    out.write_all(&index.encode()).with_context(failed)?;
    out.flush().with_context(failed)
}

/// Writes one document's entry.
fn entry(w: &mut Writer, d: &StoredDoc, from: Option<&Names>) -> Result<()> {
    w.str(&d.id);
    w.u64(d.serial);
    w.str(&d.source_file);
    w.u32(d.passages);
    w.u32(d.keys.len() as u32);
    for k in &d.keys {
        w.strs(&k.core);
        match &k.title {
            Some(t) => {
                w.bytes.push(1);
                w.str(t);
            }
            None => w.bytes.push(0),
        }
        w.str(&k.name);
        w.u64(k.forms);
    }
    w.strs(&d.speakers);
    let raw = match &d.body {
        Body::Given(b) => {
            let mut bw = Writer::default();
            bw.counts(b);
            std::borrow::Cow::Owned(bw.bytes)
        }
        Body::Packed(b) => std::borrow::Cow::Borrowed(b.as_slice()),
        Body::Stored(r) => {
            let f = from.context("a stored entry written without its file")?;
            std::borrow::Cow::Borrowed(&f.bytes[r.clone()])
        }
    };
    w.u32(raw.len() as u32);
    w.bytes.extend_from_slice(&raw);
    Ok(())
}

/// How many distinct speaker names the entries give.
pub fn distinct_speakers(docs: &[StoredDoc]) -> usize {
    let mut speakers: Vec<&str> = docs
        .iter()
        .flat_map(|d| d.speakers.iter().map(String::as_str))
        .collect();
    speakers.sort_unstable();
    speakers.dedup();
    speakers.len()
}

fn decode(bytes: Vec<u8>) -> Result<Names> {
    let mut r = Reader::new(&bytes);
    if r.take(8)? != MAGIC {
        bail!("not an Archivist names file");
    }
    let n = r.u32()? as usize;
    let mut docs = Vec::with_capacity(n.min(1 << 20));
    for _ in 0..n {
        docs.push(stored_doc(&mut r)?);
    }
    let index = NameIndex::decode(&bytes[r.at..]).map_err(|e| anyhow!("name index: {e}"))?;
    Ok(Names { docs, index, bytes })
}

fn stored_doc(r: &mut Reader) -> Result<StoredDoc> {
    let id = r.str()?;
    let serial = r.u64()?;
    let source_file = r.str()?;
    let passages = r.u32()?;
    let keys = (0..r.u32()?)
        .map(|_| {
            let core = r.strs()?;
            let title = match r.take(1)?[0] {
                0 => None,
                _ => Some(r.str()?),
            };
            Ok(NameKey {
                core,
                title,
                name: r.str()?,
                forms: r.u64()?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let speakers = r.strs()?;
    let len = r.u32()? as usize;
    let start = r.at;
    r.take(len)?;
    Ok(StoredDoc {
        id,
        serial,
        source_file,
        passages,
        keys,
        speakers,
        body: Body::Stored(start..start + len),
    })
}

fn counts(r: &mut Reader) -> Result<Vec<(String, u32)>> {
    (0..r.u32()?).map(|_| Ok((r.str()?, r.u32()?))).collect()
}

#[derive(Default)]
struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.bytes.extend_from_slice(s.as_bytes());
    }
    fn strs(&mut self, v: &[String]) {
        self.u32(v.len() as u32);
        for s in v {
            self.str(s);
        }
    }
    fn counts(&mut self, v: &[(String, u32)]) {
        self.u32(v.len() as u32);
        for (w, n) in v {
            self.str(w);
            self.u32(*n);
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.at.checked_add(n).context("truncated")?;
        let b = self.bytes.get(self.at..end).context("truncated")?;
        self.at = end;
        Ok(b)
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into()?))
    }
    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into()?))
    }
    fn str(&mut self) -> Result<String> {
        let n = self.u32()? as usize;
        Ok(std::str::from_utf8(self.take(n)?)?.to_string())
    }
    fn strs(&mut self) -> Result<Vec<String>> {
        (0..self.u32()?).map(|_| self.str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Document;

    fn doc(id: &str, body: &[(&str, u32)]) -> (Document, Vec<NameKey>, Vec<(String, u32)>) {
        let d = Document {
            meta: DocMeta {
                id: id.into(),
                source_file: format!("{id}.txt"),
                ..DocMeta::default()
            },
            speakers: vec![Speaker {
                name: "Li Weiming".into(),
                label: "Li".into(),
                labels: vec!["Li".into()],
                role: None,
                turns: 2,
            }],
            passages: Vec::new(),
        };
        let keys = vec![NameKey {
            core: vec!["Li".into()],
            title: Some("Minister".into()),
            name: "Li Weiming".into(),
            forms: 42,
        }];
        let body = body.iter().map(|(w, n)| (w.to_string(), *n)).collect();
        (d, keys, body)
    }

    #[test]
    fn a_written_file_reads_back_and_copies_itself() {
        let dir = tempfile::tempdir().unwrap();
        let mut index = NameIndex::default();
        index.add(0, 3, "Minister Li Weiming");
        index.add(7, 1, "Li");
        let docs: Vec<StoredDoc> = [
            (0, doc("a", &[("China", 3), ("Li", 2)])),
            (7, doc("b", &[])),
        ]
        .into_iter()
        .map(|(serial, (d, keys, body))| StoredDoc::of(serial, d.parts(), keys, body))
        .collect();
        write(dir.path(), &docs, None, &index).unwrap();
        let back = Names::read(dir.path()).unwrap();
        assert_eq!(back.docs.len(), 2);
        for (a, b) in docs.iter().zip(&back.docs) {
            assert_eq!(
                (&a.id, a.serial, &a.source_file),
                (&b.id, b.serial, &b.source_file)
            );
            assert_eq!((&a.keys, &a.speakers), (&b.keys, &b.speakers));
            assert_eq!(back.body(b).unwrap(), back.body(a).unwrap());
        }
        assert_eq!(back.index.encode(), index.encode());
        // Entries read back are written out again with their bodies copied.
        let again = tempfile::tempdir().unwrap();
        write(again.path(), &back.docs, Some(&back), &back.index).unwrap();
        assert_eq!(
            std::fs::read(again.path().join(NAMES_FILE)).unwrap(),
            std::fs::read(dir.path().join(NAMES_FILE)).unwrap()
        );
    }

    #[test]
    fn packed_body_counts_are_stored_as_given_ones() {
        let dir = tempfile::tempdir().unwrap();
        let (d, keys, body) = doc("a", &[("Oranu", 3), ("Vell", 1)]);
        let inputs = crate::corpus::names::NameInputs {
            texts: Vec::new(),
            body: body.clone(),
        };
        let packed = StoredDoc::of_packed(4, d.parts(), keys.clone(), inputs.pack().into_body());
        let given = StoredDoc::of(5, d.parts(), keys, body.clone());
        write(dir.path(), &[packed, given], None, &NameIndex::default()).unwrap();
        let back = Names::read(dir.path()).unwrap();
        assert_eq!(back.body(&back.docs[0]).unwrap(), body);
        assert_eq!(back.body(&back.docs[1]).unwrap(), body);
    }

    #[test]
    fn a_damaged_file_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let (d, keys, body) = doc("a", &[("China", 3)]);
        let docs = [StoredDoc::of(0, d.parts(), keys, body)];
        write(dir.path(), &docs, None, &NameIndex::default()).unwrap();
        let p = dir.path().join(NAMES_FILE);
        let bytes = std::fs::read(&p).unwrap();
        std::fs::write(&p, &bytes[..bytes.len() - 3]).unwrap();
        assert!(Names::read(dir.path()).is_none());
        assert!(Names::read(&dir.path().join("nowhere")).is_none());
    }
}
