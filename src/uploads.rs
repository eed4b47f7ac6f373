//! Documents a teacher adds from Discord (`/add`) and takes out again (`/remove`): the download,
//! the check, and the file written into the server's own collection `<corpus>/guild-<id>/`.
//! No Discord types here; the commands are in `src/discord/uploads.rs`.
//!
//! Safety, because the URL and the file name come from outside:
//! - **Download**: only from an origin listed in `teacher.cdn_hosts` (scheme, host and port must
//!   match exactly); the host's addresses are resolved once and the connection is pinned to them,
//!   and an address on a private, loopback or link-local network is refused unless the listed
//!   origin names that address itself (a local stand-in in tests); no redirects, no proxies, a
//!   timeout, and at most `teacher.upload_max_bytes` read (the declared size is checked first).
//! - **Files**: the name written is made from the document id (letters, digits, `-`, `_` only),
//!   never from the uploaded name; the collection folder must be a real folder directly in the
//!   corpus directory (not a symbolic link); the text is written to a hidden temporary file
//!   created exclusively beside it and renamed into place, so nothing outside the folder is ever
//!   opened for writing, and the index never sees half a file.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::corpus::check::check_texts;
use crate::corpus::{collection_of, SkipReason, CORPUS_EXTENSIONS};
use crate::search::scope::guild_collection;

/// Why an upload was refused, as the teacher reads it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("{0}")]
    Download(String),
    #[error("{0}")]
    Unusable(String),
    #[error("{0}")]
    Place(String),
}

/// Where and how much `/add` may download.
#[derive(Debug, Clone)]
pub struct DownloadLimits {
    /// `scheme://host[:port]` origins downloads may come from.
    pub origins: Vec<String>,
    pub max_bytes: u64,
    pub timeout: Duration,
}

/// The file types `/add` takes: those of `txt`, `md`, `html` and `htm` the corpus reads.
pub fn accepted_extension(file_name: &str) -> Option<String> {
    let ext = Path::new(file_name)
        .extension()?
        .to_str()?
        .to_ascii_lowercase();
    let wanted = ["txt", "md", "html", "htm"].contains(&ext.as_str());
    let read = CORPUS_EXTENSIONS
        .iter()
        .any(|e| e.eq_ignore_ascii_case(&ext));
    (wanted && read).then_some(ext)
}

/// The parts of an allowed URL: its origin and where to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub host: String,
    pub port: u16,
}

/// Whether `url` may be downloaded: https (or http) at an origin in `origins`, no user info.
pub fn allowed_url(url: &str, origins: &[String]) -> Result<Checked, Refused> {
    let refuse = || {
        Refused::Download(
            "That file is not on Discord's attachment servers, so I won't download it.".into(),
        )
    };
    let u = reqwest::Url::parse(url).map_err(|_| refuse())?;
    if !matches!(u.scheme(), "https" | "http") || !u.username().is_empty() || u.password().is_some()
    {
        return Err(refuse());
    }
    let host = u.host_str().ok_or_else(refuse)?.to_ascii_lowercase();
    let port = u.port_or_known_default().ok_or_else(refuse)?;
    let origin_ok = origins.iter().any(|o| match reqwest::Url::parse(o) {
        Ok(a) => {
            a.scheme() == u.scheme()
                && a.host_str().map(str::to_ascii_lowercase).as_deref() == Some(host.as_str())
                && a.port_or_known_default() == Some(port)
        }
        Err(_) => false,
    });
    if !origin_ok {
        return Err(refuse());
    }
    Ok(Checked { host, port })
}

/// Addresses no download may reach unless an origin names them outright.
fn internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v) => {
            let o = v.octets();
            v.is_loopback()
                || v.is_private()
                || v.is_link_local()
                || v.is_unspecified()
                || v.is_broadcast()
                || v.is_multicast()
                || v.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
        }
        IpAddr::V6(v) => {
            let s = v.segments();
            v.is_loopback()
                || v.is_unspecified()
                || v.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || v.to_ipv4_mapped().is_some_and(|m| internal(IpAddr::V4(m)))
        }
    }
}

/// Downloads `url` within `limits`; `declared` is the size the attachment says it has.
pub fn download(url: &str, declared: u64, limits: &DownloadLimits) -> Result<Vec<u8>, Refused> {
    let checked = allowed_url(url, &limits.origins)?;
    if declared > limits.max_bytes {
        return Err(too_big(limits.max_bytes));
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Refused::Download(format!("I could not start the download ({e}).")))?;
    rt.block_on(fetch(url, &checked, limits))
}

fn too_big(max: u64) -> Refused {
    Refused::Unusable(format!(
        "That file is larger than {} KB; documents can be up to {} KB.",
        max / 1024,
        max / 1024
    ))
}

async fn fetch(url: &str, c: &Checked, limits: &DownloadLimits) -> Result<Vec<u8>, Refused> {
    let failed = |why: &str| Refused::Download(format!("I could not download that file ({why})."));
    let literal = c.host.trim_matches(['[', ']']).parse::<IpAddr>().ok();
    let addrs: Vec<SocketAddr> = match literal {
        Some(ip) => vec![SocketAddr::new(ip, c.port)],
        None => tokio::time::timeout(
            limits.timeout,
            tokio::net::lookup_host((c.host.as_str(), c.port)),
        )
        .await
        .map_err(|_| failed("the name lookup timed out"))?
        .map_err(|_| failed("the server's name could not be looked up"))?
        .collect(),
    };
    // An origin that names an address is taken at its word; a name must not lead inside.
    if addrs.is_empty() || (literal.is_none() && addrs.iter().any(|a| internal(a.ip()))) {
        return Err(failed("the server's address is not allowed"));
    }
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(limits.timeout)
        .connect_timeout(limits.timeout)
        .resolve_to_addrs(&c.host, &addrs)
        .build()
        .map_err(|_| failed("no HTTP client"))?;
    let mut resp = client.get(url).send().await.map_err(|e| {
        failed(if e.is_timeout() {
            "it took too long"
        } else {
            "no answer"
        })
    })?;
    if !resp.status().is_success() {
        return Err(failed(&format!(
            "the server answered {}",
            resp.status().as_u16()
        )));
    }
    if resp.content_length().is_some_and(|n| n > limits.max_bytes) {
        return Err(too_big(limits.max_bytes));
    }
    let mut body = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if (body.len() + chunk.len()) as u64 > limits.max_bytes {
                    return Err(too_big(limits.max_bytes));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                return Err(failed(if e.is_timeout() {
                    "it took too long"
                } else {
                    "the transfer broke off"
                }))
            }
        }
    }
}

/// What the corpus check read from an uploaded file.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub doc_id: String,
    pub title: String,
    pub date: Option<String>,
    /// Speakers with their turns, most first.
    pub speakers: Vec<(String, u32)>,
    pub passages: usize,
    pub warnings: Vec<String>,
}

/// The corpus check on one uploaded file — `archivist check` ([`crate::corpus::check`]) on its
/// bytes, after the same byte checks a corpus file gets ([`crate::corpus::read_text`]): whether it
/// is a usable document, and what it holds.
pub fn corpus_check(
    file_name: &str,
    bytes: &[u8],
    canonical_base: &str,
) -> Result<Report, Refused> {
    let unusable = |r: String| Refused::Unusable(format!("I can't use that file: it {r}."));
    if bytes.is_empty() || std::str::from_utf8(bytes).is_ok_and(|t| t.trim().is_empty()) {
        return Err(unusable(SkipReason::Empty.to_string()));
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(unusable(SkipReason::Binary.to_string()));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| unusable(SkipReason::NotUtf8(e.valid_up_to()).to_string()))?;
    let r = check_texts([(file_name, text)], canonical_base)
        .pop()
        .expect("one report per file");
    let (Some(doc_id), Some(title), true) = (r.doc_id, r.title, r.usable) else {
        let why = r
            .warnings
            .iter()
            .find_map(|w| w.strip_prefix("skipped: "))
            .unwrap_or("is not a document in the archive's export format")
            .to_string();
        return Err(unusable(why));
    };
    let mut speakers: Vec<(String, u32)> =
        r.speakers.into_iter().map(|s| (s.name, s.turns)).collect();
    speakers.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(Report {
        doc_id,
        title,
        date: r.date,
        speakers,
        passages: r.passages,
        warnings: r.warnings,
    })
}

/// The file name an upload of document `doc_id` is kept under: the id with anything but
/// letters, digits, `-` and `_` made `-`, at most 80 characters, and the extension.
pub fn file_name(doc_id: &str, ext: &str) -> String {
    let mut stem: String = doc_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(80)
        .collect();
    stem = stem.trim_matches('-').to_string();
    if stem.is_empty() {
        stem = "document".into();
    }
    format!("{stem}.{ext}")
}

/// The server's collection folder, made if missing; refused if something else is in its place.
fn collection_dir(corpus: &Path, guild: u64) -> Result<PathBuf, Refused> {
    let place =
        |why: &str| Refused::Place(format!("I can't store documents for this server: {why}."));
    let dir = corpus.join(guild_collection(guild));
    match std::fs::symlink_metadata(&dir) {
        Ok(m) if m.file_type().is_symlink() => return Err(place("its folder is a link")),
        Ok(m) if !m.is_dir() => return Err(place("its folder is not a folder")),
        Ok(_) => {}
        Err(_) => {
            std::fs::create_dir(&dir).map_err(|e| {
                tracing::error!(dir = %dir.display(), error = %e, "cannot make a collection folder");
                place("its folder cannot be made")
            })?;
        }
    }
    let real = dir
        .canonicalize()
        .map_err(|_| place("its folder cannot be read"))?;
    let root = corpus
        .canonicalize()
        .map_err(|_| place("the corpus folder cannot be read"))?;
    if real.parent() != Some(root.as_path()) {
        return Err(place("its folder is not in the corpus folder"));
    }
    Ok(dir)
}

/// Writes `bytes` as `<corpus>/guild-<guild>/<name>` (replacing a file of that name); returns
/// the path within the corpus (`guild-<guild>/<name>`).
pub fn write(corpus: &Path, guild: u64, name: &str, bytes: &[u8]) -> Result<String, Refused> {
    use std::io::Write as _;
    let place = |why: &str| Refused::Place(format!("I could not store that document: {why}."));
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !plain {
        return Err(place("its name is not a plain file name"));
    }
    let dir = collection_dir(corpus, guild)?;
    let target = dir.join(name);
    if std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
        return Err(place("a folder has its name"));
    }
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = dir.join(format!(".upload-{}-{nanos}.tmp", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        // Renaming replaces a link of the target's name itself, never what it points to.
        std::fs::rename(&tmp, &target)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        tracing::error!(file = %target.display(), error = %e, "cannot write an upload");
        return Err(place("the file could not be written"));
    }
    Ok(format!("{}/{name}", guild_collection(guild)))
}

/// Deletes an upload of `guild` given its path within the corpus (`guild-<id>/<name>`, as a
/// document's `source_file` says); anything else is refused.
pub fn remove(corpus: &Path, guild: u64, source_file: &str) -> Result<(), Refused> {
    let refuse = || Refused::Place("That document was not added by this server.".into());
    if collection_of(source_file) != Some(guild_collection(guild).as_str()) {
        return Err(refuse());
    }
    let name = source_file.split_once('/').map(|(_, n)| n).unwrap_or("");
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(refuse());
    }
    let dir = collection_dir(corpus, guild)?;
    let path = dir.join(name);
    match std::fs::symlink_metadata(&path) {
        // A link is removed itself (remove_file never follows it); a folder is not ours.
        Ok(m) if !m.is_dir() => std::fs::remove_file(&path).map_err(|e| {
            tracing::error!(file = %path.display(), error = %e, "cannot remove an upload");
            Refused::Place("I could not remove that file.".into())
        }),
        _ => Err(refuse()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_origins_may_be_downloaded_from() {
        let origins = vec!["https://cdn.discordapp.com".to_string()];
        let ok = allowed_url(
            "https://cdn.discordapp.com/attachments/1/2/a.txt?ex=1",
            &origins,
        );
        assert_eq!(ok.unwrap().port, 443);
        for bad in [
            "http://cdn.discordapp.com/a.txt",
            "https://cdn.discordapp.com:8443/a.txt",
            "https://cdn.discordapp.com.evil.example/a.txt",
            "https://evil.example/cdn.discordapp.com/a.txt",
            "https://user@cdn.discordapp.com/a.txt",
            "file:///etc/passwd",
            "https://169.254.169.254/latest/meta-data",
            "not a url",
        ] {
            assert!(allowed_url(bad, &origins).is_err(), "{bad}");
        }
    }

    #[test]
    fn internal_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "0.0.0.0",
        ] {
            assert!(internal(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["162.159.128.233", "2606:4700::6810:1"] {
            assert!(!internal(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn file_names_come_from_the_id_only() {
        assert_eq!(file_name("900123", "txt"), "900123.txt");
        assert_eq!(file_name("../../etc/passwd", "md"), "etc-passwd.md");
        assert_eq!(file_name("..", "txt"), "document.txt");
        assert_eq!(file_name("a b/c\\d\u{0}é", "txt"), "a-b-c-d.txt");
        assert!(file_name(&"x".repeat(500), "txt").len() <= 84);
    }

    #[test]
    fn writes_stay_in_the_collection_folder() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        assert_eq!(write(&corpus, 7, "a.txt", b"x").unwrap(), "guild-7/a.txt");
        assert_eq!(std::fs::read(corpus.join("guild-7/a.txt")).unwrap(), b"x");
        for bad in ["../a.txt", "x/../../a.txt", ".hidden.txt", "", "a b.txt"] {
            assert!(write(&corpus, 7, bad, b"x").is_err(), "{bad:?}");
        }
        assert!(
            remove(&corpus, 8, "guild-7/a.txt").is_err(),
            "another server's"
        );
        assert!(remove(&corpus, 7, "guild-7/../seed.txt").is_err());
        assert!(remove(&corpus, 7, "seed.txt").is_err());
        remove(&corpus, 7, "guild-7/a.txt").unwrap();
        assert!(!corpus.join("guild-7/a.txt").exists());
        let leftovers: Vec<_> = std::fs::read_dir(corpus.join("guild-7")).unwrap().collect();
        assert!(leftovers.is_empty(), "no temporary files left");
    }

    #[cfg(unix)]
    #[test]
    fn links_cannot_lead_a_write_outside() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        let outside = dir.path().join("outside");
        std::fs::create_dir(&corpus).unwrap();
        std::fs::create_dir(&outside).unwrap();
        // The collection folder is a link elsewhere: refused.
        std::os::unix::fs::symlink(&outside, corpus.join("guild-7")).unwrap();
        assert!(write(&corpus, 7, "a.txt", b"x").is_err());
        assert!(std::fs::read_dir(&outside).unwrap().next().is_none());
        // A link in the folder with the target's name: replaced, its target untouched.
        std::fs::create_dir(corpus.join("guild-8")).unwrap();
        std::fs::write(outside.join("victim.txt"), b"keep").unwrap();
        std::os::unix::fs::symlink(outside.join("victim.txt"), corpus.join("guild-8/a.txt"))
            .unwrap();
        write(&corpus, 8, "a.txt", b"new").unwrap();
        assert_eq!(std::fs::read(outside.join("victim.txt")).unwrap(), b"keep");
        assert!(!std::fs::symlink_metadata(corpus.join("guild-8/a.txt"))
            .unwrap()
            .file_type()
            .is_symlink());
        // Removing a link removes the link only.
        std::os::unix::fs::symlink(outside.join("victim.txt"), corpus.join("guild-8/b.txt"))
            .unwrap();
        remove(&corpus, 8, "guild-8/b.txt").unwrap();
        assert_eq!(std::fs::read(outside.join("victim.txt")).unwrap(), b"keep");
    }

    #[test]
    fn the_check_says_why_a_file_is_unusable() {
        let base = crate::corpus::DEFAULT_CANONICAL_BASE;
        assert!(corpus_check("a.txt", b"", base)
            .unwrap_err()
            .to_string()
            .contains("empty"));
        assert!(corpus_check("a.txt", b"ab\0cd", base)
            .unwrap_err()
            .to_string()
            .contains("binary"));
        assert!(corpus_check("a.txt", b"\xff\xfe", base)
            .unwrap_err()
            .to_string()
            .contains("UTF-8"));
        let e = corpus_check("a.txt", b"just some words\n", base).unwrap_err();
        assert!(e.to_string().contains("header"), "{e}");
        assert_eq!(accepted_extension("Lesson.TXT").as_deref(), Some("txt"));
        assert_eq!(accepted_extension("a.pdf"), None);
        assert_eq!(accepted_extension("noext"), None);
    }
}
