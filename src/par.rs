//! Work spread over the machine's cores: one ordered map over a slice, on scoped threads.
//!
//! Building an index parses every corpus file and analyses every passage; both are independent
//! per item, so they run on all cores. Kept to `std` (no thread pool crate): the work comes in a
//! few large batches, where a pool would buy nothing.

use std::thread;

/// Threads to use: the cores available, at least one.
pub fn threads() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

/// `items.iter().map(f).collect()`, with the slice cut into one contiguous chunk per core.
/// Results come back in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let n = threads().min(items.len()).max(1);
    if n == 1 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(n);
    let f = &f;
    thread::scope(|s| {
        // The calling thread does the first chunk itself: one thread fewer to start.
        let mut chunks = items.chunks(chunk);
        let first = chunks.next().unwrap_or_default();
        let handles: Vec<_> = chunks
            .map(|c| s.spawn(move || c.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out: Vec<R> = first.iter().map(f).collect();
        for h in handles {
            out.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        out
    })
}

/// [`map`] over owned items: each moves into `f`.
pub fn map_into<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let n = threads().min(items.len()).max(1);
    if n == 1 {
        return items.into_iter().map(&f).collect();
    }
    let share = items.len().div_ceil(n);
    let mut chunks: Vec<Vec<T>> = Vec::with_capacity(n);
    let mut rest = items;
    while rest.len() > share {
        let tail = rest.split_off(share);
        chunks.push(rest);
        rest = tail;
    }
    chunks.push(rest);
    let f = &f;
    thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| s.spawn(move || c.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
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
