//! `archivist check`: what the parser reads from files a teacher is about to add — id, title,
//! date, reference, translator, speakers with their labels and turns, passages, and every
//! warning with its line — without touching the index. The files are read together, as a corpus
//! of their own (speaker names are resolved across them), exactly as the index would read them.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{corpus_files, corpus_name, read_text, Corpus, Document};

/// What was read from one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReport {
    /// The file as given (a directory's files by their path within it).
    pub file: String,
    /// Whether the file gives a document the index would serve.
    pub usable: bool,
    pub doc_id: Option<String>,
    pub title: Option<String>,
    pub date: Option<String>,
    pub archive_ref: Option<String>,
    pub translator: Option<String>,
    pub speakers: Vec<SpeakerReport>,
    /// Passages, the header (passage 0) included.
    pub passages: usize,
    /// Every warning about this file (`line N: …` where a line is known).
    pub warnings: Vec<String>,
}

/// A speaker as read from one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeakerReport {
    pub name: String,
    pub labels: Vec<String>,
    pub role: Option<String>,
    pub turns: u32,
}

/// Checks files and directories (each directory's corpus files, subfolders included).
/// A path that cannot be read gets a report saying so.
pub fn check_paths(paths: &[PathBuf], canonical_base: &str) -> Vec<FileReport> {
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut unreadable: Vec<FileReport> = Vec::new();
    for path in paths {
        for (name, file) in files_of(path) {
            match file.and_then(|f| read_text(&f).map_err(|e| e.to_string())) {
                Ok(t) => texts.push((name, t)),
                Err(e) => unreadable.push(skipped(&name, format!("skipped: {e}"))),
            }
        }
    }
    let mut reports = check_texts(
        texts.iter().map(|(n, t)| (n.as_str(), t.as_str())),
        canonical_base,
    );
    reports.extend(unreadable);
    reports
}

/// Checks (file name, text) pairs read together; one report per pair, in order.
pub fn check_texts<'a>(
    texts: impl IntoIterator<Item = (&'a str, &'a str)>,
    canonical_base: &str,
) -> Vec<FileReport> {
    let texts: Vec<(&str, &str)> = texts.into_iter().collect();
    let corpus = Corpus::from_texts(texts.iter().copied(), canonical_base);
    texts
        .iter()
        .map(|(name, _)| {
            let warnings = warnings_of(&corpus, name);
            match corpus
                .documents
                .iter()
                .find(|d| d.meta.source_file == *name)
            {
                Some(d) => report(name, d, warnings),
                None => FileReport {
                    warnings,
                    ..skipped(name, String::new())
                },
            }
        })
        .collect()
}

/// The files a path names: itself, or a directory's corpus files.
fn files_of(path: &Path) -> Vec<(String, Result<PathBuf, String>)> {
    let shown = path.display().to_string();
    if !path.is_dir() {
        return vec![(shown, Ok(path.to_path_buf()))];
    }
    match corpus_files(path) {
        Ok(files) if files.is_empty() => vec![(
            shown,
            Err("holds no .txt, .md, .html or .htm files".to_string()),
        )],
        Ok(files) => files
            .into_iter()
            .map(|f| {
                (
                    format!("{}/{}", shown.trim_end_matches('/'), corpus_name(path, &f)),
                    Ok(f),
                )
            })
            .collect(),
        Err(e) => vec![(shown, Err(format!("cannot be read: {e}")))],
    }
}

/// The corpus's warnings about one file, without the file name they start with.
fn warnings_of(corpus: &Corpus, name: &str) -> Vec<String> {
    let prefix = format!("{name}: ");
    corpus
        .warnings
        .iter()
        .filter_map(|w| w.strip_prefix(&prefix))
        .map(str::to_string)
        .collect()
}

fn report(name: &str, d: &Document, warnings: Vec<String>) -> FileReport {
    let m = &d.meta;
    FileReport {
        file: name.to_string(),
        usable: true,
        doc_id: Some(m.id.clone()),
        title: Some(m.title.clone()),
        date: m.date.clone(),
        archive_ref: m.archive_ref.clone(),
        translator: m.translator.clone(),
        speakers: d
            .speakers
            .iter()
            .map(|s| SpeakerReport {
                name: s.name.clone(),
                labels: s.labels.clone(),
                role: s.role.clone(),
                turns: s.turns,
            })
            .collect(),
        passages: d.passages.len(),
        warnings,
    }
}

fn skipped(name: &str, why: String) -> FileReport {
    FileReport {
        file: name.to_string(),
        usable: false,
        doc_id: None,
        title: None,
        date: None,
        archive_ref: None,
        translator: None,
        speakers: Vec::new(),
        passages: 0,
        warnings: if why.is_empty() {
            Vec::new()
        } else {
            vec![why]
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_file_is_reported_not_usable_with_its_reason() {
        let good = "June 1, 1962\n\nA Memo\n\nCitation:\n\n\"A Memo\", June 1, 1962, Some Archive, R 1.\n<https://x.org/document/43>\n\nContents:\n\nThe text of the memo, which goes on.\n";
        let r = check_texts([("a.txt", good), ("b.txt", "just words")], "https://x/");
        assert!(r[0].usable && r[0].warnings.is_empty(), "{:?}", r[0]);
        assert_eq!(r[0].doc_id.as_deref(), Some("43"));
        assert_eq!(r[0].passages, 2);
        assert!(!r[1].usable);
        assert!(r[1].warnings[0].starts_with("skipped: has no recognisable header"));
    }
}
