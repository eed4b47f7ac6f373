//! Work spread over the machine's cores: an ordered map over items, on scoped threads.
//!
//! Loading a corpus reads and parses every file, counts its names and resolves its speakers,
//! each document independent of the others; a big question searches the segments of a big index
//! at once. (Indexing runs its own threads, one per share of the corpus: see `index`.) Kept
//! to `std` (no thread pool crate): a build is a few large batches, and a question uses at most
//! one thread per segment, started only when the question is big enough to repay it.

use std::thread;

/// Threads to use: the cores available, at least one.
pub fn threads() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

/// `items.iter().map(f).collect()`, with the slice cut into one contiguous chunk per core.
/// Results come back in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let share = items.len().div_ceil(cores_for(items.len())).max(1);
    spread(items.chunks(share).collect(), |c| {
        c.iter().map(&f).collect()
    })
}

/// [`map`] over owned items: each moves into `f`.
pub fn map_into<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let share = items.len().div_ceil(cores_for(items.len())).max(1);
    let mut chunks: Vec<Vec<T>> = Vec::new();
    let mut rest = items;
    while rest.len() > share {
        let tail = rest.split_off(share);
        chunks.push(rest);
        rest = tail;
    }
    chunks.push(rest);
    spread(chunks, |c| c.into_iter().map(&f).collect())
}

/// Cores worth using for `n` items.
fn cores_for(n: usize) -> usize {
    threads().min(n).max(1)
}

/// Runs `run` on each chunk, one thread per chunk, the calling thread taking the first (one
/// thread fewer to start; a single chunk starts none), and joins the results in chunk order.
fn spread<C: Send, R: Send>(chunks: Vec<C>, run: impl Fn(C) -> Vec<R> + Sync) -> Vec<R> {
    let mut chunks = chunks.into_iter();
    let Some(first) = chunks.next() else {
        return Vec::new();
    };
    let run = &run;
    thread::scope(|s| {
        let handles: Vec<_> = chunks.map(|c| s.spawn(move || run(c))).collect();
        let mut out = run(first);
        for h in handles {
            out.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        out
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_for_any_length() {
        for len in [0, 1, 2, 3, 100, 1001] {
            let items: Vec<usize> = (0..len).collect();
            let out = super::map(&items, |x| x * 2);
            assert_eq!(
                out,
                items.iter().map(|x| x * 2).collect::<Vec<_>>(),
                "{len}"
            );
            let out = super::map_into(items.clone(), |x| x + 1);
            assert_eq!(
                out,
                items.iter().map(|x| x + 1).collect::<Vec<_>>(),
                "{len}"
            );
        }
    }
}
