//! Answer types: what kind of thing a question asks for, read from its form ("how many" → a
//! quantity, "when" → a date, "who" → a person …), and where a text holds one. A passage — and
//! a sentence to quote — holding an answer of the type asked for ranks ahead of one that only
//! repeats the question's words.

use crate::corpus::date::month_number;

/// What a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerType {
    /// "how many", "how much": a number or a quantity word.
    Quantity,
    /// "how long": a number of days, weeks, years …
    Duration,
    /// "when", "what date", "which day": a date.
    Date,
    /// "what time", "what time of day": a clock time or a part of the day.
    Time,
    /// "who", "which official": a person's name.
    Person,
    /// "where", "which city": a place.
    Place,
    /// "why": a reason.
    Reason,
    /// "what would happen if …", "what if …": a consequence, said as a condition ("if you do
    /// nothing, the situation will become more serious").
    Consequence,
}

impl AnswerType {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerType::Quantity => "quantity",
            AnswerType::Duration => "duration",
            AnswerType::Date => "date",
            AnswerType::Time => "time",
            AnswerType::Person => "person",
            AnswerType::Place => "place",
            AnswerType::Reason => "reason",
            AnswerType::Consequence => "consequence",
        }
    }
}

/// Words that start a question before its question word ("and when …", "so why …").
const LEADS: &[&str] = &["and", "so", "but", "then", "ok", "okay", "also"];

/// The answer type a question's form asks for, from its lower-case words; `None` for questions
/// about what was said or done. `is_person` and `is_place` tell whether a noun names a kind of
/// person or place ("which official …", "which city …").
pub fn of_question(
    words: &[&str],
    is_person: &dyn Fn(&str) -> bool,
    is_place: &dyn Fn(&str) -> bool,
) -> Option<AnswerType> {
    of_form(words, is_person, is_place).or_else(|| asks_consequence(words))
}

/// "… would happen if …", "what will happen if", "what if": wherever it stands in the question
/// ("what did X warn would happen if …").
fn asks_consequence(words: &[&str]) -> Option<AnswerType> {
    let modal = |w: &str| matches!(w, "would" | "will" | "could" | "might");
    let happen = words.windows(2).any(|p| modal(p[0]) && is_happen(p[1]));
    let what_if = words.windows(2).any(|p| p == ["what", "if"]);
    (happen || what_if).then_some(AnswerType::Consequence)
}

/// The verb a consequence question asks with: its frame, not its subject.
pub fn is_happen(w: &str) -> bool {
    matches!(w, "happen" | "happens" | "happened")
}

/// The answer type the question's first words ask for ("how many", "when", "which city").
fn of_form(
    words: &[&str],
    is_person: &dyn Fn(&str) -> bool,
    is_place: &dyn Fn(&str) -> bool,
) -> Option<AnswerType> {
    let start = words.iter().take_while(|w| LEADS.contains(w)).count();
    let w = &words[start.min(words.len())..];
    let at = |i: usize| w.get(i).copied().unwrap_or("");
    let (first, second, third) = (at(0), at(1), at(2));
    // "for how long", "since when", "with whom", "from where": the question word after a
    // preposition asks what it asks alone.
    if WH_PREPOSITIONS.contains(&first)
        && matches!(
            second,
            "how" | "when" | "where" | "who" | "whom" | "whose" | "why"
        )
    {
        return of_form(&w[1..], is_person, is_place);
    }
    let time_words = ["time", "hour"];
    Some(match first {
        "how" => match second {
            "many" | "much" => {
                if time_words.contains(&third) || is_unit(third) {
                    AnswerType::Duration
                } else {
                    AnswerType::Quantity
                }
            }
            "long" | "soon" => AnswerType::Duration,
            // A distance is a number of units.
            "far" => AnswerType::Quantity,
            "come" => AnswerType::Reason,
            _ => return None,
        },
        "when" => AnswerType::Date,
        "why" => AnswerType::Reason,
        "where" => AnswerType::Place,
        "who" | "whom" | "whose" => AnswerType::Person,
        // "what caused the flight", "what led to the talks": a cause is a reason.
        "what" if CAUSE_VERBS.contains(&second) => AnswerType::Reason,
        p if matches!(p, "what" | "which")
            || (WH_PREPOSITIONS.contains(&p) && matches!(second, "what" | "which")) =>
        {
            // "what time", "which day of", "on what date", "what city": the noun phrase after
            // the question word, up to a verb or preposition; its head (the last noun that
            // tells a type) decides: "which foreign ministry official" asks for a person.
            let phrase = match p {
                "what" | "which" => asked_noun_phrase(&w[1..], true),
                _ => asked_noun_phrase(&w[2..], false),
            };
            return phrase
                .iter()
                .take(NOUN_PHRASE)
                .take_while(|n| !AUXILIARIES.contains(n) && !PHRASE_ENDS.contains(n))
                .filter_map(|n| noun_type(n, is_person, is_place))
                .last();
        }
        _ => return None,
    })
}

/// Verbs after "what" that ask for a cause.
const CAUSE_VERBS: &[&str] = &[
    "caused",
    "causes",
    "cause",
    "led",
    "leads",
    "prompted",
    "prompts",
    "triggered",
    "triggers",
    "made",
    "drove",
];

/// Prepositions a question word may follow ("for how long", "since when", "to whom").
const WH_PREPOSITIONS: &[&str] = &[
    "for", "since", "until", "till", "by", "to", "from", "with", "of", "at", "on", "in",
];

/// The words after "what"/"which" that hold the noun telling the answer's type. Right after the
/// question word a copula and an article are passed over ("what *was the* date of …"; only
/// there: `copula` is false after a preposition, "on what date"), and "the name of" hands the
/// type to what is named ("what is the name of the interpreter" asks for a person).
fn asked_noun_phrase<'s, 'a>(after: &'s [&'a str], copula: bool) -> &'s [&'a str] {
    let mut rest = after;
    if copula {
        if let ["was" | "is" | "were" | "are", tail @ ..] = rest {
            rest = tail;
        }
    }
    let articles = |r: &'s [&'a str]| match r {
        ["the" | "a" | "an", tail @ ..] => tail,
        _ => r,
    };
    rest = articles(rest);
    if let ["name" | "names", "of", tail @ ..] = rest {
        rest = articles(tail);
    }
    rest
}

/// Nouns that only name the kind of answer asked for when they follow the question word
/// ("what time of day", "which date", "how many days"): they are the question's frame, not
/// its subject.
const TYPE_NOUNS: &[&str] = &[
    "time", "hour", "date", "day", "days", "year", "years", "month", "months", "week", "weeks",
    "hours", "minutes",
];

/// Positions of the words that only name the answer type, when the question's form is "what /
/// which / how many <type noun> [of <type noun>] …": "what time of day did …" gives `time`,
/// `of`, `day`. A type noun elsewhere ("what did they do that day") is content.
pub fn type_words(words: &[&str]) -> Vec<usize> {
    let start = words.iter().take_while(|w| LEADS.contains(w)).count();
    if let Some(["what", v, ..]) = words.get(start..) {
        if CAUSE_VERBS.contains(v) {
            // "what *caused* …" asks why: the verb is frame, like "why".
            return vec![start + 1];
        }
    }
    let after = match words.get(start..) {
        Some([p, "what" | "which", ..]) if WH_PREPOSITIONS.contains(p) => start + 2,
        Some(["what" | "which", ..]) => {
            // Past a copula and an article, as the type is read ("what was the date of …").
            let rest = &words[start + 1..];
            start + 1 + rest.len() - asked_noun_phrase(rest, true).len()
        }
        Some(["how", "many" | "much" | "long", ..]) => start + 2,
        Some([p, "how", "many" | "much" | "long", ..]) if WH_PREPOSITIONS.contains(p) => start + 3,
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    let mut i = after;
    while let Some(w) = words.get(i) {
        let of_type = *w == "of" && words.get(i + 1).is_some_and(|n| TYPE_NOUNS.contains(n));
        if !(TYPE_NOUNS.contains(w) || of_type) {
            break;
        }
        out.push(i);
        i += 1;
    }
    out
}

/// What "how many X" counts: the words of X, the noun phrase after "how many" / "how much"
/// (lower case, up to [`NOUN_PHRASE`] words, ending at a verb such as "were"), when the question
/// has that form. "how many chinese border posts met …" counts chinese, border, posts (the
/// phrase's head is not known without parsing; a number before any of them counts it).
pub fn counted_words(words: &[&str]) -> Vec<String> {
    let start = words.iter().take_while(|w| LEADS.contains(w)).count();
    match words.get(start..) {
        Some(["how", "many" | "much", rest @ ..]) => rest
            .iter()
            .take(NOUN_PHRASE)
            .take_while(|w| !AUXILIARIES.contains(w))
            .map(|w| w.to_string())
            .collect(),
        _ => Vec::new(),
    }
}

/// Words after a number looked at for the noun it counts ("ten gaps", "ten more gaps", "one of
/// the gaps").
const COUNTED_WITHIN: usize = 3;

/// Quantities that count something else than the `counted` stems answer "how many <counted>"
/// less surely: their strength is multiplied by `other`. `stems`: the text's words ([`super::excerpt::stems`]).
pub fn weigh_by_counted(
    stems: &[(usize, usize, String)],
    spans: &mut [Span],
    counted: &[String],
    other: f32,
) {
    for span in spans.iter_mut() {
        let counts_it = stems
            .iter()
            .filter(|(from, _, _)| *from >= span.to)
            .take(COUNTED_WITHIN)
            .any(|(_, _, st)| counted.contains(st));
        if !counts_it {
            span.strength *= other;
        }
    }
}

/// Verbs that end the noun phrase after "which"/"what".
const AUXILIARIES: &[&str] = &[
    "did", "does", "do", "was", "were", "is", "are", "has", "had", "have", "will", "would", "can",
    "could", "should",
];

/// Prepositions that end the noun phrase after "which"/"what" ("which day of the week").
const PHRASE_ENDS: &[&str] = &[
    "of", "in", "on", "at", "to", "for", "with", "from", "by", "about", "after", "before",
];

/// Words after "which"/"what" looked at for the noun that tells the type.
const NOUN_PHRASE: usize = 4;

/// The answer type a noun after "which"/"what" asks for, if it tells one.
fn noun_type(
    n: &str,
    is_person: &dyn Fn(&str) -> bool,
    is_place: &dyn Fn(&str) -> bool,
) -> Option<AnswerType> {
    Some(match n {
        "time" | "hour" => AnswerType::Time,
        "date" | "day" | "year" | "month" | "week" => AnswerType::Date,
        "number" | "amount" => AnswerType::Quantity,
        "reason" | "reasons" | "cause" => AnswerType::Reason,
        n if !n.is_empty() && is_person(n) => AnswerType::Person,
        n if !n.is_empty() && is_place(n) => AnswerType::Place,
        _ => return None,
    })
}

const UNITS: &[&str] = &[
    "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks",
    "month", "months", "year", "years", "decade", "decades", "night", "nights",
];

fn is_unit(w: &str) -> bool {
    UNITS.contains(&w)
}

const NUMBER_WORDS: &[&str] = &[
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "dozen",
    "dozens",
    "several",
    "half",
    "a few",
    "numerous",
    "couple",
];

const PARTS_OF_DAY: &[&str] = &[
    "morning",
    "afternoon",
    "evening",
    "noon",
    "midday",
    "midnight",
    "night",
    "dawn",
    "dusk",
    "tonight",
    "o'clock",
];

const DAY_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "yesterday",
    "today",
    "tomorrow",
];

const REASON_MARKERS: &[&str] = &[
    "because",
    "since",
    "due to",
    "owing to",
    "so that",
    "in order to",
    "so as to",
    "therefore",
    "thus",
    "reason",
    "as a result",
    "caused by",
    "in view of",
    "given that",
    "for fear",
    "hence",
    "that is why",
    "which is why",
    "arguing that",
    "on the grounds",
    "on the excuse",
    "under the pretext",
    "in the hope",
    "the purpose",
];

/// Field names whose value is a place or a time.
const PLACE_FIELDS: &[&str] = &["venue", "place", "location", "site"];
const TIME_FIELDS: &[&str] = &["time", "date", "date and time"];

/// An answer found in a text: its byte range and how surely it answers (a header line
/// `Venue: …` surely answers "where", `… to China` less so).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub from: usize,
    pub to: usize,
    pub strength: f32,
}

/// A header line (`Venue:`, `Time:`) answering the question's type.
const FIELD_STRENGTH: f32 = 1.5;

/// What a text must hold for each type, as the answers found in `text`.
/// `is_name` tells whether a capitalised word (not at a sentence start) is a person's name
/// (a known speaker or a word that is no common English word); `is_place` whether a word is a
/// kind of place.
pub fn find(
    text: &str,
    t: AnswerType,
    is_name: &dyn Fn(&str) -> bool,
    is_place: &dyn Fn(&str) -> bool,
) -> Vec<Span> {
    let words = words_with_offsets(text);
    let lower: Vec<String> = words.iter().map(|(_, _, w)| w.to_lowercase()).collect();
    let mut out = Vec::new();
    let field_line = |fields: &[&str], out: &mut Vec<Span>| {
        for (start, line) in line_starts(text) {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            if fields.contains(&name.trim().to_lowercase().as_str()) && !value.trim().is_empty() {
                out.push(Span {
                    from: start,
                    to: start + line.len(),
                    strength: FIELD_STRENGTH,
                });
            }
        }
    };
    for (i, (s, e, w)) in words.iter().enumerate() {
        let l = lower[i].as_str();
        let next = lower.get(i + 1).map(String::as_str).unwrap_or("");
        let prev = if i > 0 { lower[i - 1].as_str() } else { "" };
        let number = is_number(l);
        let strength: f32 = match t {
            AnswerType::Quantity => sure(number && !is_year(l) && month_number(next).is_none()),
            AnswerType::Duration => sure(
                (number || l == "a" || l == "few")
                    && (is_unit(next)
                        || is_unit(lower.get(i + 2).map(String::as_str).unwrap_or(""))),
            ),
            AnswerType::Date => {
                let month = month_number(w).is_some()
                    && w.chars().next().is_some_and(char::is_uppercase)
                    && l.len() > 2;
                if month {
                    1.0
                } else if DAY_WORDS.contains(&l) {
                    0.7
                } else if is_year(l) {
                    0.5
                } else {
                    0.0
                }
            }
            AnswerType::Time => {
                let clock = (l.contains(':') && l.chars().all(|c| c.is_ascii_digit() || c == ':'))
                    || l == "a.m"
                    || l == "p.m";
                if clock {
                    1.0
                } else if PARTS_OF_DAY.contains(&l) {
                    0.8
                } else {
                    0.0
                }
            }
            AnswerType::Person => {
                let capital = w.chars().next().is_some_and(char::is_uppercase);
                sure(capital && !sentence_start(text, *s) && is_name(w))
            }
            AnswerType::Place => {
                let before_prev = if i > 1 { lower[i - 2].as_str() } else { "" };
                let prep = if matches!(prev, "the" | "a" | "an") {
                    before_prev
                } else {
                    prev
                };
                place_strength(prep, w, &|w| is_place(w))
            }
            AnswerType::Reason | AnswerType::Consequence => 0.0,
        };
        if strength > 0.0 {
            out.push(Span {
                from: *s,
                to: *e,
                strength,
            });
        }
    }
    match t {
        AnswerType::Reason => markers(text, REASON_MARKERS, &mut out),
        AnswerType::Consequence => markers(text, CONDITION_MARKERS, &mut out),
        AnswerType::Place => field_line(PLACE_FIELDS, &mut out),
        AnswerType::Time => field_line(TIME_FIELDS, &mut out),
        _ => {}
    }
    out.sort_by_key(|a| (a.from, a.to));
    out.dedup_by_key(|a| (a.from, a.to));
    out
}

/// Spans of the marker phrases (`because`, `if`) in `text`, as whole words; `since` (often a
/// time, not a reason) counts half.
fn markers(text: &str, list: &[&str], out: &mut Vec<Span>) {
    // ASCII lower case keeps every byte offset (the markers are ASCII).
    let lower_text = text.to_ascii_lowercase();
    for m in list {
        for (at, _) in lower_text.match_indices(m) {
            let before = lower_text[..at].chars().next_back();
            let after = lower_text[at + m.len()..].chars().next();
            if !before.is_some_and(char::is_alphanumeric)
                && !after.is_some_and(char::is_alphanumeric)
            {
                let strength = if *m == "since" { 0.5 } else { 1.0 };
                out.push(Span {
                    from: at,
                    to: at + m.len(),
                    strength,
                });
            }
        }
    }
}

/// Words that state a condition and so the consequence that follows it.
const CONDITION_MARKERS: &[&str] = &["if", "unless", "otherwise", "or else", "as long as"];

fn sure(hit: bool) -> f32 {
    if hit {
        1.0
    } else {
        0.0
    }
}

/// How surely a word after a preposition names the place asked about: where something is
/// (`in`, `at`) more than where something goes (`to`, `from`), a kind of place (`rear`, `hall`)
/// more than a name that may be a country or a person.
fn place_strength(prep: &str, word: &str, is_place: &dyn Fn(&str) -> bool) -> f32 {
    let capital = word.chars().next().is_some_and(char::is_uppercase);
    let kind = !capital && is_place(&word.to_lowercase());
    match prep {
        "in" | "at" | "near" if capital || kind => 1.0,
        "to" | "from" | "into" | "toward" | "towards" if kind => 0.7,
        "to" | "from" | "into" | "toward" | "towards" if capital => 0.4,
        _ => 0.0,
    }
}

fn is_number(l: &str) -> bool {
    (l.chars().next().is_some_and(|c| c.is_ascii_digit())
        && l.chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.'))
        || NUMBER_WORDS.contains(&l)
}

fn is_year(l: &str) -> bool {
    l.len() == 4
        && l.chars().all(|c| c.is_ascii_digit())
        && (l.starts_with('1') || l.starts_with('2'))
}

/// Does the word at byte `at` start a sentence (or a line)?
fn sentence_start(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches([' ', '"', '“', '(', '[']);
    before.is_empty() || before.ends_with(['.', '!', '?', '\n', ':'])
}

/// The words of a text with their byte ranges (letters, digits, and `:`/`.`/`'` inside them).
fn words_with_offsets(text: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let b = text.as_bytes();
    for (i, c) in text.char_indices() {
        let inner = matches!(c, ':' | '.' | '\'' | '’' | '-')
            && start.is_some()
            && text[i + c.len_utf8()..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric);
        if c.is_alphanumeric() || inner {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((s, i, &text[s..i]));
        }
    }
    if let Some(s) = start {
        out.push((s, b.len(), &text[s..]));
    }
    out
}

fn line_starts(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    text.split('\n').map(move |l| {
        let s = at;
        at += l.len() + 1;
        (s, l)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Option<AnswerType> {
        let words: Vec<&str> = s.split_whitespace().collect();
        of_question(&words, &|w| w == "official", &|w| {
            matches!(w, "city" | "ministry")
        })
    }

    #[test]
    fn the_nouns_that_name_the_answer_type_are_frame() {
        let w = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        let at = |s: &str| {
            let words = w(s);
            let refs: Vec<&str> = words.iter().map(String::as_str).collect();
            type_words(&refs)
        };
        assert_eq!(at("what time of day did he ask to meet"), [1, 2, 3]);
        assert_eq!(at("on which date was it signed"), [2]);
        assert_eq!(at("since which year has it been open"), [2]);
        assert_eq!(at("how many days did it last"), [2]);
        assert_eq!(at("for how many days did it last"), [3]);
        assert_eq!(at("what was the date of the memo"), [3]);
        assert!(at("what did they do that day").is_empty());
        assert_eq!(at("what caused the flight"), [1]);
        assert!(at("did they meet that day").is_empty());
    }

    #[test]
    fn how_many_counts_the_noun_after_it() {
        assert_eq!(counted_words(&["how", "many", "gaps", "were"]), ["gaps"]);
        assert_eq!(
            counted_words(&["so", "how", "much", "border", "grain", "was", "sold"]),
            ["border", "grain"]
        );
        assert!(counted_words(&["how", "many", "were", "there"]).is_empty());
        assert!(counted_words(&["how", "long"]).is_empty());
        let text = "They used a couple of trucks. More than ten gaps were opened.";
        let mut spans = find(text, AnswerType::Quantity, &|_| false, &|_| false);
        weigh_by_counted(
            &super::super::excerpt::stems(text),
            &mut spans,
            &["gap".to_string()],
            0.5,
        );
        let strength = |w: &str| {
            spans
                .iter()
                .find(|s| &text[s.from..s.to] == w)
                .map(|s| s.strength)
        };
        assert_eq!(strength("ten"), Some(1.0));
        assert_eq!(strength("couple"), Some(0.5));
    }

    #[test]
    fn types_from_question_forms() {
        assert_eq!(q("how many gaps were opened"), Some(AnswerType::Quantity));
        assert_eq!(q("how many days did it last"), Some(AnswerType::Duration));
        assert_eq!(q("how long would they wait"), Some(AnswerType::Duration));
        assert_eq!(q("what time did the meeting start"), Some(AnswerType::Time));
        assert_eq!(q("on what date did they meet"), Some(AnswerType::Date));
        assert_eq!(q("when did they meet"), Some(AnswerType::Date));
        assert_eq!(q("and why did they leave"), Some(AnswerType::Reason));
        assert_eq!(
            q("what did the minister warn would happen if they did nothing"),
            Some(AnswerType::Consequence)
        );
        assert_eq!(q("what if the talks failed"), Some(AnswerType::Consequence));
        assert_eq!(q("what happened at the border"), None);
        assert_eq!(q("who translated the cable"), Some(AnswerType::Person));
        assert_eq!(q("which official sat in"), Some(AnswerType::Person));
        assert_eq!(
            q("which foreign ministry official also sat in"),
            Some(AnswerType::Person)
        );
        assert_eq!(q("which day of the meeting"), Some(AnswerType::Date));
        assert_eq!(q("which city did they visit"), Some(AnswerType::Place));
        assert_eq!(q("where did they meet"), Some(AnswerType::Place));
        assert_eq!(q("what did he say about grain"), None);
        // A preposition before the question word; a copula and an article after it.
        assert_eq!(
            q("for how long were the gaps open"),
            Some(AnswerType::Duration)
        );
        assert_eq!(q("since when have people crossed"), Some(AnswerType::Date));
        assert_eq!(q("with whom did he talk"), Some(AnswerType::Person));
        assert_eq!(q("from where did they come"), Some(AnswerType::Place));
        assert_eq!(q("how far did they go"), Some(AnswerType::Quantity));
        assert_eq!(q("what was the date of the memo"), Some(AnswerType::Date));
        assert_eq!(
            q("what is the number of crossers"),
            Some(AnswerType::Quantity)
        );
        assert_eq!(
            q("what was the name of the official"),
            Some(AnswerType::Person)
        );
        assert_eq!(q("what is the name of the city"), Some(AnswerType::Place));
        assert_eq!(q("what was the soviet position"), None);
        assert_eq!(q("what was the name of the document"), None);
        assert_eq!(q("what was said about the date"), None);
        assert_eq!(q("what caused the flight"), Some(AnswerType::Reason));
        assert_eq!(q("what led to the talks"), Some(AnswerType::Reason));
        assert_eq!(q("to which city did they go"), Some(AnswerType::Place));
        assert_eq!(q("in the city what did they do"), None);
        assert_eq!(q(""), None);
    }

    fn found(text: &str, t: AnswerType) -> Vec<&str> {
        find(text, t, &|w| w == "Kraus" || w == "Charles", &|w| {
            w == "rear"
        })
        .into_iter()
        .map(|a| &text[a.from..a.to])
        .collect()
    }

    #[test]
    fn answers_in_text() {
        let t = "They opened more than ten gaps and 3 posts on 22 April 1962.";
        assert_eq!(found(t, AnswerType::Quantity), ["ten", "3"]);
        assert_eq!(found(t, AnswerType::Date), ["April", "1962"]);
        assert_eq!(
            found("postpone it for two or three days", AnswerType::Duration),
            ["three"]
        );
        assert_eq!(
            found("Date: 8 June 1962, 5:00 p.m.", AnswerType::Time),
            ["Date: 8 June 1962, 5:00 p.m.", "5:00", "p.m"]
        );
        assert_eq!(found("earlier this morning", AnswerType::Time), ["morning"]);
        assert_eq!(
            found("Translated by Charles Kraus.", AnswerType::Person),
            ["Charles", "Kraus"]
        );
        assert_eq!(
            found("Charles came.", AnswerType::Person),
            Vec::<&str>::new()
        );
        assert_eq!(
            found("you sent them to the rear", AnswerType::Place),
            ["rear"]
        );
        assert_eq!(
            found("you sent the rear", AnswerType::Place),
            Vec::<&str>::new()
        );
        assert_eq!(
            found("sent them to rear areas", AnswerType::Place),
            ["rear"]
        );
        assert_eq!(
            found("Venue: Reception Room\nOther", AnswerType::Place),
            ["Venue: Reception Room"]
        );
        assert_eq!(
            found("It failed because of snow.", AnswerType::Reason),
            ["because"]
        );
        assert!(found("Becauseless", AnswerType::Reason).is_empty());
        assert_eq!(
            found(
                "If you do nothing, it will get worse. Iffy.",
                AnswerType::Consequence
            ),
            ["If"]
        );
    }
}
