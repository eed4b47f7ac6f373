//! A fast hash for maps keyed by words: the stem memory and the name index look a word up for
//! every word of the corpus, where the standard SipHash costs more than the lookup itself.
//!
//! It is FxHash's multiply-rotate, eight bytes at a time. Not for keys an adversary chooses to
//! collide: the worst such a corpus could do is build slowly. Only maps whose iteration order
//! nothing depends on use it (iteration order follows the hash).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with [`WordHasher`].
pub type WordMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

#[derive(Default, Clone, Copy)]
pub struct WordHasher(u64);

impl WordHasher {
    fn mix(&mut self, w: u64) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Eight bytes at a time, the tail (most of a short word) as one more word.
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.mix(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let tail = chunks.remainder();
        if !tail.is_empty() {
            let mut w = [0u8; 8];
            w[..tail.len()].copy_from_slice(tail);
            self.mix(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.mix(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    fn h(s: &str) -> u64 {
        BuildHasherDefault::<WordHasher>::default().hash_one(s)
    }

    #[test]
    fn words_hash_apart_and_maps_work() {
        // Distinct short words, words differing in their tail, and prefixes of each other.
        let words = [
            "a",
            "b",
            "ab",
            "ba",
            "border",
            "borders",
            "repatri",
            "repatriation",
            "",
            "aaaaaaaa",
            "aaaaaaaab",
            "aaaaaaaa\0",
        ];
        let mut hashes: Vec<u64> = words.iter().map(|w| h(w)).collect();
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), words.len());
        assert_eq!(h("border"), h("border"));
        let mut m: WordMap<String, usize> = WordMap::default();
        for (i, w) in words.iter().enumerate() {
            m.insert(w.to_string(), i);
        }
        assert!(words.iter().enumerate().all(|(i, w)| m[*w] == i));
    }
}
