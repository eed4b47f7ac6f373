//! Keeping the segments of an updated index few: the merge policy, and merges.
//!
//! A full build writes a few large segments in corpus order. Each incremental update adds one
//! small segment at the end and marks passages deleted in older ones; left alone, questions
//! would search ever more segments, and deleted passages would cost space and the time to read
//! their statistics at open ([`super::stats`]). After updates, [`merge_if_needed`] applies the
//! [`plan`]:
//! - once [`MAX_SMALL`] small segments (under a sixteenth of the corpus) have piled up, each run
//!   of neighbouring small segments becomes one;
//! - a segment with a quarter or more of its passages deleted is rewritten without them;
//! - past [`MAX_SEGMENTS`], the two neighbouring segments smallest together are merged, until
//!   the count is back under it.
//!
//! Only neighbours are merged, and tantivy's merger keeps the passages' order, so the index
//! keeps its order and every answer stays the same. A merge writes a new index directory (hard
//! links for the segments it does not touch) and swaps it in like an update; the engine runs it
//! in the background after an update, while requests go on answering.

use std::ops::Range;
use std::path::Path;

use anyhow::{Context, Result};
use tantivy::directory::MmapDirectory;
use tantivy::index::{SegmentComponent, SegmentMeta};
use tantivy::Index;

use super::update::link_segment;
use super::{current, new_index_name, open_current, publish, BuildLock, OpenIndex};

/// Small segments tolerated before neighbouring ones are merged.
pub const MAX_SMALL: usize = 4;
/// Most segments an index keeps.
pub const MAX_SEGMENTS: usize = 10;
/// A segment is small below this share of the corpus's passages …
const SMALL_SHARE: u64 = 16;
/// … or below this many passages, whatever the corpus.
const SMALL_PASSAGES: u32 = 20_000;
/// Share of deleted passages (1 in this many) from which a segment is rewritten without them.
const DELETED_SHARE: u32 = 4;

/// The runs of neighbouring segments (ranges into `segments`, in order, disjoint) to merge
/// into one segment each.
pub fn plan(segments: &[(u32, u32)]) -> Vec<Range<usize>> {
    // (live passages, deleted passages) per segment.
    let total: u64 = segments.iter().map(|s| u64::from(s.0)).sum();
    let small_below = (total / SMALL_SHARE).max(u64::from(SMALL_PASSAGES));
    let small: Vec<bool> = segments
        .iter()
        .map(|s| u64::from(s.0) < small_below)
        .collect();
    let mut runs: Vec<Range<usize>> = Vec::new();
    if small.iter().filter(|s| **s).count() >= MAX_SMALL {
        let mut i = 0;
        while i < segments.len() {
            let start = i;
            while i < segments.len() && small[i] {
                i += 1;
            }
            if i - start >= 2 {
                runs.push(start..i);
            }
            i = i.max(start + 1);
        }
    }
    let in_run = |i: usize, runs: &[Range<usize>]| runs.iter().any(|r| r.contains(&i));
    for (i, s) in segments.iter().enumerate() {
        let max_doc = s.0 + s.1;
        if s.1 > 0 && s.1 * DELETED_SHARE >= max_doc && !in_run(i, &runs) {
            runs.push(i..i + 1);
        }
    }
    runs.sort_by_key(|r| r.start);
    // The count after these merges; past the cap, merge the smallest neighbouring pair.
    let mut groups: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while i < segments.len() {
        match runs.iter().find(|r| r.start == i) {
            Some(r) => {
                groups.push(r.clone());
                i = r.end;
            }
            None => {
                groups.push(i..i + 1);
                i += 1;
            }
        }
    }
    let live =
        |r: &Range<usize>| -> u64 { segments[r.clone()].iter().map(|s| u64::from(s.0)).sum() };
    while groups.len() > MAX_SEGMENTS {
        let Some(k) =
            (0..groups.len() - 1).min_by_key(|&k| live(&groups[k]) + live(&groups[k + 1]))
        else {
            break;
        };
        let merged = groups[k].start..groups[k + 1].end;
        groups.splice(k..k + 2, [merged]);
    }
    groups
        .into_iter()
        .filter(|g| g.len() > 1 || runs.contains(g))
        .collect()
}

/// Merges segments of the index in service when the policy asks for it; returns the new index
/// (swapped in), or `None` when nothing was to merge or there is no index.
pub fn merge_if_needed(data_dir: &Path) -> Result<Option<OpenIndex>> {
    let Some(cur) = current(data_dir) else {
        return Ok(None);
    };
    // Cheap check first, without the lock.
    if plan_of(&data_dir.join(&cur.dir))?.is_empty() {
        return Ok(None);
    }
    let _lock = BuildLock::acquire(data_dir)?;
    let Some(cur) = current(data_dir) else {
        return Ok(None);
    };
    let Some(previous) = open_current(data_dir, &cur.fingerprint) else {
        return Ok(None);
    };
    let metas = previous.index.load_metas()?.segments;
    let runs = plan(&counts(&metas));
    if runs.is_empty() {
        return Ok(None);
    }
    let started = std::time::Instant::now();
    let name = new_index_name();
    let tmp = data_dir.join(format!(".{name}.building"));
    std::fs::create_dir_all(&tmp)?;
    if let Err(e) = write_merged(&previous, &metas, &runs, &tmp) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let cur = publish(
        data_dir,
        &tmp,
        &name,
        previous.fingerprint.clone(),
        Some(&previous.name),
    )?;
    let ix = super::open_with_catalog(&data_dir.join(&name), &cur, previous.catalog.clone())?;
    tracing::info!(
        segments_before = metas.len(),
        segments = ix.index.searchable_segment_metas()?.len(),
        seconds = started.elapsed().as_secs_f64(),
        "index segments merged"
    );
    Ok(Some(ix))
}

fn counts(metas: &[SegmentMeta]) -> Vec<(u32, u32)> {
    metas
        .iter()
        .map(|m| (m.num_docs(), m.num_deleted_docs()))
        .collect()
}

/// The merges the policy asks for in the index directory `dir`.
fn plan_of(dir: &Path) -> Result<Vec<Range<usize>>> {
    let index = Index::open_in_dir(dir)?;
    Ok(plan(&counts(&index.load_metas()?.segments)))
}

/// Writes into `tmp` the index `previous` with each run of `runs` merged into one segment.
fn write_merged(
    previous: &OpenIndex,
    metas: &[SegmentMeta],
    runs: &[Range<usize>],
    tmp: &Path,
) -> Result<()> {
    let index = Index::builder()
        .schema(previous.index.schema())
        .settings(previous.index.settings().clone())
        .create_in_dir(tmp)?;
    let opstamp = previous.index.load_metas()?.opstamp + 1;
    let mut segments = Vec::new();
    let mut i = 0;
    while i < metas.len() {
        let Some(run) = runs.iter().find(|r| r.start == i) else {
            link_segment(&previous.dir, tmp, &metas[i], true)?;
            segments.push(metas[i].clone());
            i += 1;
            continue;
        };
        if let Some(m) = merge_run(previous, &metas[run.clone()], tmp)? {
            segments.push(m);
        }
        i = run.end;
    }
    for f in [
        super::catalog::CATALOG_FILE,
        "files.json",
        super::names::NAMES_FILE,
    ] {
        if f == super::names::NAMES_FILE && !previous.dir.join(f).exists() {
            continue; // an index made before it existed: the next update builds whole
        }
        std::fs::copy(previous.dir.join(f), tmp.join(f))
            .with_context(|| format!("cannot copy {f} into the merged index"))?;
    }
    super::write_meta(&index, segments, opstamp)
}

/// Merges neighbouring segments into one written into `tmp`; its meta (`None` when nothing of
/// them is alive).
fn merge_run(previous: &OpenIndex, run: &[SegmentMeta], tmp: &Path) -> Result<Option<SegmentMeta>> {
    if run.iter().all(|m| m.num_docs() == 0) {
        return Ok(None);
    }
    let scratch = tmp.join(".merging");
    std::fs::create_dir_all(&scratch)?;
    let segments: Vec<_> = run
        .iter()
        .map(|m| previous.index.segment(m.clone()))
        .collect();
    let merged = tantivy::indexer::merge_filtered_segments(
        &segments,
        previous.index.settings().clone(),
        vec![None; segments.len()],
        MmapDirectory::open(&scratch)?,
    )?;
    let meta = merged
        .searchable_segment_metas()?
        .into_iter()
        .next()
        .context("a merge made no segment")?;
    for c in [
        SegmentComponent::Postings,
        SegmentComponent::Positions,
        SegmentComponent::FastFields,
        SegmentComponent::FieldNorms,
        SegmentComponent::Terms,
        SegmentComponent::Store,
    ] {
        let rel = meta.relative_path(c);
        if scratch.join(&rel).exists() {
            std::fs::rename(scratch.join(&rel), tmp.join(&rel))?;
        }
    }
    drop(merged);
    std::fs::remove_dir_all(&scratch)?;
    Ok(Some(meta))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_neighbours_merge_once_there_are_enough() {
        // Two big segments of a build, then updates.
        let mut s = vec![(500_000, 0), (500_000, 0), (30, 0), (40, 0), (25, 0)];
        assert!(plan(&s).is_empty(), "three small segments are tolerated");
        s.push((35, 0));
        assert_eq!(plan(&s), vec![2..6]);
        // A big segment between small ones is not merged with them.
        let s = vec![(10, 0), (900_000, 0), (10, 0), (10, 0), (10, 0)];
        assert_eq!(plan(&s), vec![2..5]);
    }

    #[test]
    fn segments_with_many_deletions_are_rewritten() {
        let s = vec![(300_000, 100_000), (700_000, 10), (50, 0)];
        assert_eq!(plan(&s), vec![0..1]);
        assert!(plan(&[(300_000, 1000)]).is_empty());
    }

    #[test]
    fn the_number_of_segments_stays_under_the_cap() {
        let s: Vec<(u32, u32)> = (0..14).map(|i| (100_000 + i * 1000, 0)).collect();
        let runs = plan(&s);
        let after = s.len() - runs.iter().map(|r| r.len() - 1).sum::<usize>();
        assert!(after <= MAX_SEGMENTS, "{runs:?}");
        assert!(runs.iter().all(|r| r.len() >= 2));
        // The smallest neighbours go first.
        assert_eq!(runs[0], 0..2);
    }
}
