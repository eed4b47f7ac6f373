//! Dates as the documents and questions write them (`June 8, 1962`, `8 June 1962`, `1962-06-08`,
//! `June 1962`, `26 June`), read into a partial date that prints as ISO (`1962-06-08`, `1962-06`).

use std::fmt;

/// A date with optional month and day; the year may be unknown in questions (`26 June`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: Option<u16>,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// Month names as written in English dates, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The month a word names (`June`, `jun`, `Sept.`), 1-based.
pub fn month_number(word: &str) -> Option<u8> {
    // Compared without case and without a lower-case copy (every word of a question is tried).
    let w = word.trim_end_matches('.').as_bytes();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .map(|m| m.as_bytes())
        .position(|m| {
            m.len() >= w.len()
                && m[..w.len()].eq_ignore_ascii_case(w)
                && (m.len() == w.len() || w.len() == 3 || w.eq_ignore_ascii_case(b"sept"))
        })
        .map(|i| i as u8 + 1)
}

fn day_number(word: &str) -> Option<u8> {
    let w = word.trim_end_matches(',');
    let digits = w
        .strip_suffix("st")
        .or_else(|| w.strip_suffix("nd"))
        .or_else(|| w.strip_suffix("rd"))
        .or_else(|| w.strip_suffix("th"))
        .unwrap_or(w);
    let d: u8 = digits.parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

fn year_number(word: &str) -> Option<u16> {
    let w = word.trim_end_matches([',', '.']);
    if w.len() != 4 {
        return None;
    }
    let y: u16 = w.parse().ok()?;
    (1000..=2999).contains(&y).then_some(y)
}

impl PartialDate {
    /// Reads a whole string as a date: `June 8, 1962`, `8 June 1962`, `1962-06-08`, `June 1962`,
    /// `1962`, `26 June`. Anything else (extra words) is `None`.
    pub fn parse(text: &str) -> Option<PartialDate> {
        let t = text.trim().trim_end_matches('.');
        if let Some(d) = Self::parse_iso(t) {
            return Some(d);
        }
        let unglued = unglue(t);
        let words: Vec<&str> = unglued
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .collect();
        let (date, used) = Self::parse_words(&words)?;
        (used == words.len()).then_some(date)
    }

    fn parse_iso(t: &str) -> Option<PartialDate> {
        // Two or three parts, the first of four characters.
        let mut parts = t.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next());
        if parts.next().is_some() || y.len() != 4 {
            return None;
        }
        let year = year_number(y)?;
        let month: u8 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
        let day = match d {
            Some(d) => Some(d.parse::<u8>().ok().filter(|d| (1..=31).contains(d))?),
            None => None,
        };
        Some(PartialDate {
            year: Some(year),
            month: Some(month),
            day,
        })
    }

    /// Reads a date at the start of `words`; returns it and how many words it used.
    pub fn parse_words(words: &[&str]) -> Option<(PartialDate, usize)> {
        let w = |i: usize| words.get(i).copied();
        if let Some(d) = w(0).and_then(Self::parse_iso) {
            return Some((d, 1));
        }
        // Month [day] [year]
        if let Some(month) = w(0).and_then(month_number) {
            let mut used = 1;
            let day = w(1).and_then(day_number);
            if day.is_some() {
                used += 1;
            }
            let year = w(used).and_then(year_number);
            if year.is_some() {
                used += 1;
            }
            if day.is_none() && year.is_none() {
                return None;
            }
            return Some((
                PartialDate {
                    year,
                    month: Some(month),
                    day,
                },
                used,
            ));
        }
        // Day Month [year]
        if let (Some(day), Some(month)) = (w(0).and_then(day_number), w(1).and_then(month_number)) {
            let year = w(2).and_then(year_number);
            let used = if year.is_some() { 3 } else { 2 };
            return Some((
                PartialDate {
                    year,
                    month: Some(month),
                    day: Some(day),
                },
                used,
            ));
        }
        if let Some(year) = w(0).and_then(year_number) {
            return Some((
                PartialDate {
                    year: Some(year),
                    month: None,
                    day: None,
                },
                1,
            ));
        }
        None
    }

    /// Does a document dated `iso` (`1962-06-08`) fall within this (partial) date?
    pub fn matches_iso(&self, iso: &str) -> bool {
        let Some(doc) = PartialDate::parse_iso(iso).or_else(|| {
            year_number(iso).map(|y| PartialDate {
                year: Some(y),
                month: None,
                day: None,
            })
        }) else {
            return false;
        };
        let same = |a: Option<u16>, b: Option<u16>| a.is_none() || a == b;
        same(self.year, doc.year)
            && same(self.month.map(u16::from), doc.month.map(u16::from))
            && same(self.day.map(u16::from), doc.day.map(u16::from))
    }

    /// Has a year (so it prints as ISO).
    pub fn is_complete_year(&self) -> bool {
        self.year.is_some()
    }
}

/// Puts a space where a day or year is glued to a month name (`17August 1962`, `August17`), as
/// text copied from a page whose markup stood between them comes out.
fn unglue(t: &str) -> std::borrow::Cow<'_, str> {
    let glued = t.split_whitespace().any(|w| glue_point(w).is_some());
    if !glued {
        return t.into();
    }
    let mut out = String::with_capacity(t.len() + 4);
    for (i, w) in t.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match glue_point(w) {
            Some(at) => {
                out.push_str(&w[..at]);
                out.push(' ');
                out.push_str(&w[at..]);
            }
            None => out.push_str(w),
        }
    }
    out.into()
}

/// Where a word of digits and a month name (either way round) joins, if it is one.
fn glue_point(w: &str) -> Option<usize> {
    let w = w.trim_end_matches([',', '.']);
    let at = w.find(|c: char| c.is_ascii_digit())?;
    let (head, tail) = if at == 0 {
        let letters = w.find(|c: char| !c.is_ascii_digit())?;
        (&w[..letters], &w[letters..])
    } else {
        (&w[..at], &w[at..])
    };
    let (digits, letters) = if at == 0 { (head, tail) } else { (tail, head) };
    let ok = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && month_number(letters).is_some();
    ok.then_some(head.len())
}

impl fmt::Display for PartialDate {
    /// ISO when the year is known (`1962-06-08`, `1962-06`, `1962`); otherwise `--06-26` style.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.year {
            Some(y) => write!(f, "{y:04}")?,
            None => write!(f, "-")?,
        }
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_formats_documents_use() {
        let iso = |s: &str| PartialDate::parse(s).map(|d| d.to_string());
        assert_eq!(iso("June 8, 1962").as_deref(), Some("1962-06-08"));
        assert_eq!(iso("8 June 1962").as_deref(), Some("1962-06-08"));
        assert_eq!(iso("1962-06-26").as_deref(), Some("1962-06-26"));
        assert_eq!(iso("June 1962").as_deref(), Some("1962-06"));
        assert_eq!(iso("Sept. 3, 1962").as_deref(), Some("1962-09-03"));
        assert_eq!(iso("26 June").as_deref(), Some("--06-26"));
        assert_eq!(iso("1962").as_deref(), Some("1962"));
        assert_eq!(iso("Minutes of the Meeting"), None);
        assert_eq!(iso("June 8, 1962 and more"), None);
        assert_eq!(iso("May"), None);
        assert_eq!(iso("August 1962").as_deref(), Some("1962-08"));
        assert_eq!(iso("17August 1962").as_deref(), Some("1962-08-17"));
        assert_eq!(iso("August17, 1962").as_deref(), Some("1962-08-17"));
        assert_eq!(iso("17th August 1962").as_deref(), Some("1962-08-17"));
    }

    #[test]
    fn month_names_full_short_and_any_case() {
        let m = |w: &str| month_number(w);
        assert_eq!(m("June"), Some(6));
        assert_eq!(m("jun"), Some(6));
        assert_eq!(m("JUN."), Some(6));
        assert_eq!(m("Sept."), Some(9));
        assert_eq!(m("sep"), Some(9));
        assert_eq!(m("decem"), None, "a prefix longer than three letters");
        assert_eq!(m("ju"), None);
        assert_eq!(m("junes"), None);
        assert_eq!(m("maybe"), None);
        assert_eq!(m("Mäy"), None);
        for (i, name) in MONTHS.iter().enumerate() {
            assert_eq!(m(&name.to_uppercase()), Some(i as u8 + 1));
        }
        assert!(PartialDate::parse("1962-06-08-01").is_none());
        assert!(PartialDate::parse("62-06-08").is_none());
    }

    #[test]
    fn partial_dates_match_documents_within_them() {
        let june_26 = PartialDate::parse("26 June").unwrap();
        assert!(june_26.matches_iso("1962-06-26"));
        assert!(!june_26.matches_iso("1962-06-08"));
        let june = PartialDate::parse("June 1962").unwrap();
        assert!(june.matches_iso("1962-06-08"));
        assert!(!june.matches_iso("1962-04-29"));
        assert!(!june.matches_iso("garbage"));
    }
}
