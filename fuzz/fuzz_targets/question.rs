//! Fuzz target: any question must be read (cleaned, understood) and any quote cut without panic,
//! with highlights on character boundaries inside the quote.
#![no_main]

use archivist::search::excerpt::{excerpt, stems, Answers};
use archivist::search::question::{clean_question, understand, Lexicon};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut lex = Lexicon::default();
    lex.add("Alpha Beta", &["Beta".to_string(), "Vice Minister Beta".to_string()]);
    lex.add("He Long", &["He".to_string()]);
    let q = clean_question(text, 1000);
    let u = understand(&q, &lex, &|w| w == "123");
    // Each question stem once, in question order (as the engine passes them).
    let mut weights: Vec<(String, f32)> = Vec::new();
    for (_, _, s) in u.terms.iter().flat_map(|t| stems(t)) {
        if !weights.iter().any(|(w, _)| *w == s) {
            weights.push((s, 1.0));
        }
    }
    // The question itself as a passage: quotes must stay within limits whatever it holds.
    // The first stem counts only after a negation (as an opposite of a question word does).
    let negated: Vec<String> = weights.first().map(|(s, _)| s.clone()).into_iter().collect();
    let e = excerpt(text, &weights, &[], &negated, &Answers::default(), 120);
    for h in &e.highlights {
        assert!(h[0] < h[1] && h[1] <= e.quote.len());
        assert!(e.quote.is_char_boundary(h[0]) && e.quote.is_char_boundary(h[1]));
    }
});
