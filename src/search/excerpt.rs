//! Quotes: the best sentence or two of a passage for a question, cut at sentence boundaries
//! with "…", and the byte ranges of the words that matched (stems included).

use std::cell::RefCell;

use tantivy::tokenizer::TextAnalyzer;

use crate::index::schema::analyzer;

/// Abbreviations after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "no", "nos", "vol", "p.m", "a.m", "etc", "e.g", "i.e", "u.s",
    "u.s.s.r", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "gen", "col", "lt", "prof", "sr", "jr", "cf", "vs", "op", "ll", "d", "f", "pp", "p", "ca",
];

/// Byte ranges of the sentences of `text`. Line breaks always end a sentence.
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let end_here = match c {
            b'\n' => Some(i),
            b'.' | b'!' | b'?' => {
                // Swallow closing quotes/brackets after the mark.
                let mut j = i + 1;
                while j < b.len() && matches!(b[j], b'"' | b'\'' | b')' | b']') {
                    j += 1;
                }
                // Curly closing quote (U+201D / U+2019) is 3 bytes: E2 80 9D / E2 80 99.
                while j + 2 < b.len()
                    && b[j] == 0xE2
                    && b[j + 1] == 0x80
                    && (b[j + 2] == 0x9D || b[j + 2] == 0x99)
                {
                    j += 3;
                }
                let next_ok = j >= b.len() || b[j] == b' ' || b[j] == b'\n';
                if next_ok && !(c == b'.' && is_abbreviation(&text[start..i])) {
                    Some(j)
                } else {
                    None
                }
            }
            _ => None,
        };
        if let Some(e) = end_here {
            push_trimmed(text, start, e, &mut out);
            start = e;
            i = e.max(i + 1);
            continue;
        }
        i += 1;
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, s: usize, e: usize, out: &mut Vec<(usize, usize)>) {
    let piece = &text[s..e];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if lead + trail < piece.len() {
        out.push((s + lead, e - trail));
    }
}

fn is_abbreviation(before: &str) -> bool {
    let word = before.rsplit([' ', '\n', '(', '[']).next().unwrap_or("");
    let lw = word.to_lowercase();
    // A single capital initial (`V.`) or a known abbreviation.
    (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
        || ABBREVIATIONS.contains(&lw.as_str())
}

/// Words (as stems) that negate what follows them within [`NEGATION_REACH`] words: "do not
/// accept", "didn't accept" (`t`), "never accepted".
const NEGATORS: &[&str] = &[
    "not", "no", "never", "t", "cannot", "nor", "neither", "without",
];
/// How many words before a word a negation may stand.
const NEGATION_REACH: usize = 3;

/// Whether the word at `i` of `stems` (a text's stems in order) has a negation before it.
pub fn negated<S: AsRef<str>>(stems: &[S], i: usize) -> bool {
    stems[i.saturating_sub(NEGATION_REACH)..i]
        .iter()
        .any(|s| NEGATORS.contains(&s.as_ref()))
}

/// The analyzed words of a text: (byte start, byte end, stem).
pub fn stems(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    analyze(text, |from, to, stem| {
        out.push((from, to, stem.to_string()))
    });
    out
}

/// Runs the analyzer over `text`, calling `each` with every word's byte range and stem.
fn analyze(text: &str, mut each: impl FnMut(usize, usize, &str)) {
    thread_local! {
        // Building an analyzer costs more than analysing a sentence: one per thread. (The
        // analyzer's stemmer remembers each word's stem, see `index::stem`.)
        static ANALYZER: RefCell<TextAnalyzer> = RefCell::new(analyzer());
    }
    ANALYZER.with(|a| {
        let mut a = a.borrow_mut();
        let mut ts = a.token_stream(text);
        while ts.advance() {
            let t = ts.token();
            each(t.offset_from, t.offset_to, &t.text);
        }
    });
}

/// A word of a passage: its byte range and which of the question's stems it is, if any.
#[derive(Clone, Copy)]
struct Word {
    from: usize,
    to: usize,
    stem: Option<usize>,
}

/// A chosen excerpt.
#[derive(Debug, Clone, PartialEq)]
pub struct Excerpt {
    pub quote: String,
    pub highlights: Vec<[usize; 2]>,
}

/// Where a passage holds answers of the type the question asks for, and what holding one is
/// worth to a sentence.
#[derive(Debug, Clone, Copy, Default)]
pub struct Answers<'a> {
    /// Where they stand in the passage's text, and how surely they answer.
    pub spans: &'a [super::answer_type::Span],
    /// What holding a sure answer is worth to a sentence.
    pub weight: f32,
}

/// Picks the quote for a passage. `weights`: the query stems (each once) with their weight
/// (idf; paraphrases lower); `pairs` are stems adjacent in the question (phrase bonus);
/// `negated_only`: stems (opposites of question words) that match only after a negation;
/// `answers`: a sentence holding an answer of the type asked for gains its weight.
///
/// Three steps: score the sentences ([`Scorer`]), choose the ones that together cover the
/// question best within `max_chars` ([`choose`]), and assemble them verbatim with "…" where
/// text is left out ([`assemble`]).
pub fn excerpt(
    text: &str,
    weights: &[(String, f32)],
    pairs: &[(String, String)],
    negated_only: &[String],
    answers: &Answers,
    max_chars: usize,
) -> Excerpt {
    let sents = sentences(text);
    if sents.is_empty() {
        return Excerpt {
            quote: String::new(),
            highlights: Vec::new(),
        };
    }
    let mut scorer = Scorer::new(text, weights, pairs, negated_only, answers);
    let chosen = choose(text, &sents, &mut scorer, max_chars);
    let ex = assemble(text, &sents, &chosen, &scorer.words);
    if ex.quote.chars().count() > max_chars + 4 {
        return shorten(&ex, max_chars);
    }
    ex
}

/// What a sentence is worth to the question: the weights of the question's words in it, its
/// phrase pairs, and the answers of the asked-for type it holds. Words already shown (`known`)
/// count little, and so do repeats: a further sentence should add something. The question has
/// a handful of stems, so a word's stem is found by comparing it with each (no hashing).
struct Scorer<'a> {
    weights: &'a [(String, f32)],
    /// The passage's words in text order.
    words: Vec<Word>,
    /// Stems adjacent in the question, as indices into `weights`.
    pairs: Vec<(usize, usize)>,
    answers: &'a Answers<'a>,
    seen: Vec<bool>,
}

impl<'a> Scorer<'a> {
    fn new(
        text: &str,
        weights: &'a [(String, f32)],
        pairs: &[(String, String)],
        negated_only: &[String],
        answers: &'a Answers<'a>,
    ) -> Scorer<'a> {
        let index_of = |stem: &str| weights.iter().position(|(s, _)| s == stem);
        let mut words: Vec<Word> = Vec::new();
        let mut all: Vec<String> = Vec::new();
        analyze(text, |from, to, stem| {
            let i = index_of(stem);
            let counts =
                i.is_none() || !negated_only.iter().any(|n| n == stem) || negated(&all, all.len());
            words.push(Word {
                from,
                to,
                stem: i.filter(|_| counts),
            });
            all.push(stem.to_string());
        });
        // A pair whose stems are not both query stems can never match a word.
        let pairs = pairs
            .iter()
            .filter_map(|(a, b)| Some((index_of(a)?, index_of(b)?)))
            .collect();
        Scorer {
            weights,
            words,
            pairs,
            answers,
            seen: vec![false; weights.len()],
        }
    }

    /// The words inside byte range `(s, e)`.
    fn words_in(&self, (s, e): (usize, usize)) -> &[Word] {
        let from = self.words.partition_point(|w| w.from < s);
        let to = self.words.partition_point(|w| w.to <= e);
        &self.words[from..to.max(from)]
    }

    /// Marks the query stems that sentence `(s, e)` shows.
    fn mark_shown(&self, sent: (usize, usize), known: &mut [bool]) {
        for i in self.words_in(sent).iter().filter_map(|w| w.stem) {
            known[i] = true;
        }
    }

    /// Whether sentence `(s, e)` holds an answer of the type asked for.
    fn holds_answer(&self, (s, e): (usize, usize)) -> bool {
        self.answers.weight > 0.0
            && self
                .answers
                .spans
                .iter()
                .any(|a| a.from >= s && a.to <= e && a.strength > 0.0)
    }

    /// Whether the sentence shows something the `known` words and answers do not: a question
    /// word not yet shown, or the first answer of the type asked for.
    fn adds(&self, sent: (usize, usize), known: &[bool], answer_shown: bool) -> bool {
        self.words_in(sent)
            .iter()
            .any(|w| w.stem.is_some_and(|i| !known[i]))
            || (!answer_shown && self.holds_answer(sent))
    }

    fn score(&mut self, sent: (usize, usize), known: &[bool]) -> f32 {
        let worth = |i: usize, wt: f32, seen: bool| {
            if known[i] {
                wt * KNOWN_WORD
            } else if seen {
                wt * REPEATED_WORD
            } else {
                wt
            }
        };
        let mut seen = std::mem::take(&mut self.seen);
        seen.fill(false);
        let words = self.words_in(sent);
        let mut score = 0.0;
        for i in words.iter().filter_map(|w| w.stem) {
            score += worth(i, self.weights[i].1, seen[i]);
            seen[i] = true;
        }
        for pair in words.windows(2) {
            if let (Some(a), Some(b)) = (pair[0].stem, pair[1].stem) {
                if self.pairs.contains(&(a, b)) {
                    score += worth(a, self.weights[a].1, false);
                }
            }
        }
        self.seen = seen;
        let answer = self
            .answers
            .spans
            .iter()
            .filter(|a| a.from >= sent.0 && a.to <= sent.1)
            .map(|a| a.strength)
            .fold(0.0, f32::max);
        score + self.answers.weight * answer
    }
}

/// A word already shown by a chosen sentence counts this share of its weight again.
const KNOWN_WORD: f32 = 0.02;
/// A word's second time in the same sentence counts this share.
const REPEATED_WORD: f32 = 0.2;
/// At most this many sentences make a quote.
const QUOTE_SENTENCES: usize = 3;
/// A further sentence next to one already chosen reads on from it: its gain counts this much
/// more than that of a sentence elsewhere in the passage.
const ADJACENT_GAIN: f32 = 1.25;
/// Below this many bytes, a lone best sentence takes the one after it (or before) for context.
const SHORT_SENTENCE: usize = 150;

/// The sentences to quote, in text order: the best one (and the one after it when it is short),
/// then greedily the sentence that adds most of what is not yet shown — a question word or the
/// first answer of the type asked for — anywhere in the passage, a neighbour slightly preferred,
/// while they fit in `max_chars`. A header's lines are not prose: its best line takes the
/// other sentence of the same line, else the best other line.
fn choose(
    text: &str,
    sents: &[(usize, usize)],
    scorer: &mut Scorer,
    max_chars: usize,
) -> Vec<usize> {
    let none = vec![false; scorer.weights.len()];
    let first: Vec<f32> = sents.iter().map(|s| scorer.score(*s, &none)).collect();
    let best = best_of(0..sents.len(), |i| first[i]).unwrap_or(0);
    let len = |i: usize| sents[i].1 - sents[i].0;
    let mut chosen = vec![best];
    let mut used = len(best);
    let mut known = none;
    scorer.mark_shown(sents[best], &mut known);
    let header_like = text.contains('\n') && !text.contains("\n\n");
    if header_like {
        if let Some(s) = header_companion(text, sents, scorer, best, first[best], &known) {
            if used + len(s) + 3 <= max_chars {
                chosen.push(s);
            }
        }
        chosen.sort_unstable();
        return chosen;
    }
    // A short best sentence often only opens its point: the sentence after it comes too.
    if len(best) < SHORT_SENTENCE && best + 1 < sents.len() && used + len(best + 1) + 3 <= max_chars
    {
        used += len(best + 1) + 3;
        scorer.mark_shown(sents[best + 1], &mut known);
        chosen.push(best + 1);
    }
    while chosen.len() < QUOTE_SENTENCES {
        let answer_shown = chosen.iter().any(|&c| scorer.holds_answer(sents[c]));
        let open: Vec<usize> = (0..sents.len())
            .filter(|i| !chosen.contains(i) && used + len(*i) + 3 <= max_chars)
            .filter(|&i| scorer.adds(sents[i], &known, answer_shown))
            .collect();
        let gains: Vec<(usize, f32)> = open
            .into_iter()
            .map(|i| {
                let adjacent = chosen.iter().any(|&c| c.abs_diff(i) == 1);
                let g = scorer.score(sents[i], &known);
                (i, if adjacent { g * ADJACENT_GAIN } else { g })
            })
            .filter(|(_, g)| *g > 0.0)
            .collect();
        let Some(next) = best_of(gains.iter().map(|(i, _)| *i), |i| {
            gains.iter().find(|(j, _)| *j == i).map_or(0.0, |(_, g)| *g)
        }) else {
            break;
        };
        used += len(next) + 3;
        scorer.mark_shown(sents[next], &mut known);
        chosen.push(next);
    }
    if chosen.len() == 1 && len(best) < SHORT_SENTENCE {
        let after = (best + 1 < sents.len()).then_some(best + 1);
        if let Some(s) = after.or(best.checked_sub(1)) {
            if used + len(s) + 3 <= max_chars {
                chosen.push(s);
            }
        }
    }
    chosen.sort_unstable();
    chosen
}

/// For the best line of a header: the other sentence of the same line (a citation's reference
/// before its "Translated by …") when it holds anything, else the best other matching line.
fn header_companion(
    text: &str,
    sents: &[(usize, usize)],
    scorer: &mut Scorer,
    best: usize,
    best_score: f32,
    known: &[bool],
) -> Option<usize> {
    let same_line = |i: usize| {
        let (lo, hi) = (sents[i.min(best)].1, sents[i.max(best)].0);
        i.abs_diff(best) == 1 && !text[lo..hi].contains('\n')
    };
    let scores: Vec<f32> = sents.iter().map(|s| scorer.score(*s, known)).collect();
    let worth = |i: usize| scores[i] + if same_line(i) { best_score } else { 0.0 };
    best_of(
        (0..sents.len()).filter(|&i| i != best && scores[i] > 0.0),
        worth,
    )
}

/// The index with the highest value; the first one on ties.
fn best_of(items: impl Iterator<Item = usize>, value: impl Fn(usize) -> f32) -> Option<usize> {
    items.max_by(|&a, &b| {
        value(a)
            .partial_cmp(&value(b))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(b.cmp(&a))
    })
}

/// Joins the chosen sentences verbatim: adjacent ones as written, others with " … ", and "…"
/// where the passage goes on before or after. Highlights mark the question's words.
fn assemble(text: &str, sents: &[(usize, usize)], chosen: &[usize], words: &[Word]) -> Excerpt {
    let mut quote = String::new();
    let mut map: Vec<(usize, usize, usize)> = Vec::new(); // (quote offset, text start, text end)
    if sents[chosen[0]].0 > 0 {
        quote.push_str("… ");
    }
    for (k, &i) in chosen.iter().enumerate() {
        let (s, e) = sents[i];
        if k > 0 {
            let prev_end = sents[chosen[k - 1]].1;
            if i == chosen[k - 1] + 1 && !text[prev_end..s].contains('\n') {
                quote.push_str(&text[prev_end..s]);
            } else {
                quote.push_str(" … ");
            }
        }
        map.push((quote.len(), s, e));
        quote.push_str(&text[s..e]);
    }
    let last_end = sents[*chosen.last().expect("one chosen")].1;
    if last_end < text.trim_end().len() {
        quote.push_str(" …");
    }
    let mut highlights = Vec::new();
    for w in words.iter().filter(|w| w.stem.is_some()) {
        if let Some((qo, s, _)) = map.iter().find(|(_, s, e)| w.from >= *s && w.to <= *e) {
            highlights.push([qo + w.from - s, qo + w.to - s]);
        }
    }
    let highlights = merge(highlights, "");
    Excerpt {
        highlights: merge_gaps(&quote, highlights),
        quote,
    }
}

fn merge(h: Vec<[usize; 2]>, _: &str) -> Vec<[usize; 2]> {
    let mut h = h;
    h.sort_unstable();
    h.dedup();
    h
}

/// Joins highlights separated only by spaces (`wire fence` is one bold run).
fn merge_gaps(quote: &str, h: Vec<[usize; 2]>) -> Vec<[usize; 2]> {
    let mut out: Vec<[usize; 2]> = Vec::new();
    for r in h {
        if let Some(last) = out.last_mut() {
            if r[0] >= last[1] && quote[last[1]..r[0]].chars().all(|c| c == ' ') {
                last[1] = r[1];
                continue;
            }
        }
        out.push(r);
    }
    out
}

/// Cuts an over-long quote to about `max_chars` around its first highlight, at word boundaries.
fn shorten(ex: &Excerpt, max_chars: usize) -> Excerpt {
    let q = &ex.quote;
    let max_bytes = q
        .char_indices()
        .nth(max_chars)
        .map(|(i, _)| i)
        .unwrap_or(q.len());
    let anchor = ex.highlights.first().map(|h| h[0]).unwrap_or(0);
    let mut start = anchor.saturating_sub(max_bytes / 3);
    while !q.is_char_boundary(start) {
        start -= 1;
    }
    if start > 0 {
        start = q[..start].rfind(' ').map(|i| i + 1).unwrap_or(0);
    }
    let mut end = (start + max_bytes).min(q.len());
    while !q.is_char_boundary(end) {
        end -= 1;
    }
    if end < q.len() {
        end = q[..end].rfind(' ').filter(|&i| i > start).unwrap_or(end);
    }
    let mut quote = String::new();
    let mut shift = 0isize;
    if start > 0 && !q[start..].starts_with('…') {
        quote.push_str("… ");
        shift = "… ".len() as isize;
    }
    quote.push_str(q[start..end].trim_end());
    if end < q.len() && !quote.ends_with('…') {
        quote.push_str(" …");
    }
    let highlights = ex
        .highlights
        .iter()
        .filter(|h| h[0] >= start && h[1] <= end)
        .map(|h| {
            [
                (h[0] as isize - start as isize + shift) as usize,
                (h[1] as isize - start as isize + shift) as usize,
            ]
        })
        .collect();
    Excerpt { quote, highlights }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(words: &[&str]) -> Vec<(String, f32)> {
        words.iter().map(|s| (s.to_string(), 1.0)).collect()
    }

    #[test]
    fn sentence_split_respects_initials_and_abbreviations() {
        let t = "Ivan V. Petrov came at 5 p.m. today. He spoke! Did he? Yes.";
        let s: Vec<&str> = sentences(t).iter().map(|(a, b)| &t[*a..*b]).collect();
        assert_eq!(
            s,
            vec![
                "Ivan V. Petrov came at 5 p.m. today.",
                "He spoke!",
                "Did he?",
                "Yes."
            ]
        );
    }

    #[test]
    fn picks_the_matching_sentence_and_marks_stems() {
        let t = "We met at noon. The Soviet Union is obligated to repatriate them. Nothing else matters here at all, truly, for this long sentence that goes on and on to make it long enough to not be joined with anything else whatsoever in this test.";
        let e = excerpt(t, &w(&["repatri"]), &[], &[], &Answers::default(), 400);
        assert!(
            e.quote.contains("obligated to repatriate them."),
            "{}",
            e.quote
        );
        assert!(e.quote.starts_with("… "));
        let [s, end] = e.highlights[0];
        assert_eq!(&e.quote[s..end], "repatriate");
    }

    #[test]
    fn a_phrase_of_the_question_outweighs_its_words_apart() {
        let t = "The fence was old. The border stood far from any fence. Nothing more. \
                 They built a border fence there. Nothing else at all.";
        let pairs = [("border".to_string(), "fenc".to_string())];
        let e = excerpt(
            t,
            &w(&["border", "fenc"]),
            &pairs,
            &[],
            &Answers::default(),
            40,
        );
        assert!(e.quote.contains("built a border fence"), "{}", e.quote);
        let marked: Vec<&str> = e
            .highlights
            .iter()
            .map(|[s, e2]| &e.quote[*s..*e2])
            .collect();
        assert_eq!(marked, ["border fence"]);
        let apart = excerpt(
            t,
            &w(&["border", "fenc"]),
            &[],
            &[],
            &Answers::default(),
            40,
        );
        assert!(apart.quote.contains("stood far"), "{}", apart.quote);
    }

    #[test]
    fn a_sentence_elsewhere_that_adds_a_question_word_joins_the_quote() {
        let t = "The attitude to adopt is to send them back. After that it is our own business, \
                 which we shall handle in our own way without any help. We do not understand it. \
                 Speaking plainly, we have strong feelings about this issue.";
        let words = [("attitud".to_string(), 2.0), ("feel".to_string(), 1.0)];
        let e = excerpt(t, &words, &[], &[], &Answers::default(), 400);
        assert!(e.quote.starts_with("The attitude"), "{}", e.quote);
        assert!(e.quote.contains(" … Speaking plainly"), "{}", e.quote);
        assert!(!e.quote.contains("We do not understand"), "{}", e.quote);
        let tight = excerpt(t, &words, &[], &[], &Answers::default(), 80);
        assert!(!tight.quote.contains("feelings"), "{}", tight.quote);
    }

    #[test]
    fn an_opposite_counts_only_after_a_negation() {
        let t = "They accept the terms of trade in full for this year. The weather was fine all \
                 week long and nothing else happened there at all. We didn't accept the criticism.";
        let words = [("accept".to_string(), 1.0)];
        let e = excerpt(
            t,
            &words,
            &[],
            &["accept".to_string()],
            &Answers::default(),
            60,
        );
        assert!(e.quote.contains("didn't accept"), "{}", e.quote);
        let marked: Vec<&str> = e.highlights.iter().map(|[s, t]| &e.quote[*s..*t]).collect();
        assert_eq!(marked, ["accept"]);
        let plain = excerpt(t, &words, &[], &[], &Answers::default(), 60);
        assert!(plain.quote.starts_with("They accept"), "{}", plain.quote);
        assert!(negated(&["we", "do", "not", "accept"], 3));
        assert!(!negated(&["not", "that", "we", "ever", "accept"], 4));
    }

    #[test]
    fn long_sentences_are_cut_with_ellipsis() {
        let t = format!("{} fence {}", "word ".repeat(200), "more ".repeat(200));
        let e = excerpt(&t, &w(&["fenc"]), &[], &[], &Answers::default(), 100);
        assert!(e.quote.chars().count() <= 110, "{}", e.quote.len());
        assert!(e.quote.starts_with('…') && e.quote.ends_with('…'));
        let [s, end] = e.highlights[0];
        assert_eq!(&e.quote[s..end], "fence");
    }
}
