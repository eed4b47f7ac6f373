//! A speaker's role or title, as the document gives it: in an attendee line after the name
//! (`Xu Ming, Deputy Director, Soviet Union and Europe Department`) or before it (`Received by:
//! Vice Minister Liu Xiao`, `Present: Chairman of the Cabinet of Ministers Kim Il Sung, …`), in
//! the title or summary just before the name (`… and the Ambassador of the Soviet Union to China
//! Chervonenko`), else the title words of the speaker's label (`Vice Minister Ji`).

/// Header fields whose entries name participants and their roles.
pub const ATTENDEE_FIELDS: &[&str] = &[
    "attendees",
    "attendee",
    "also present",
    "present",
    "persons present",
    "participants",
    "participant",
    "participating",
    "guest",
    "guests",
    "host",
    "hosts",
    "received by",
    "receiver",
    "chinese side",
    "soviet side",
    "delegation",
];

/// Lower-case words a role may hold before a name (`Minister of Foreign Affairs`).
const ROLE_CONNECTORS: &[&str] = &["of", "the", "to", "for", "in", "at", "on"];

/// The role of `name` (a full name) in its document. `short` are shorter ways the document
/// writes it (the name cores of its labels: `Petrov` for `Ivan A. Petrov`), tried in the title
/// and summary after the full name. `others` are the document's other speakers' names (a piece
/// of an attendee line naming one of them is theirs, not a role); `texts` are the title and
/// summary; `label_title` the title words of the speaker's label.
pub fn role_of(
    name: &str,
    short: &[&str],
    others: &[&str],
    fields: &[(String, String)],
    texts: &[&str],
    label_title: Option<String>,
) -> Option<String> {
    if name.split_whitespace().count() == 0 {
        return label_title;
    }
    let attendee_values = fields
        .iter()
        .filter(|(k, _)| ATTENDEE_FIELDS.contains(&k.as_str()))
        .map(|(_, v)| v.as_str());
    for v in attendee_values {
        if let Some(role) = role_after(v, name, others).or_else(|| role_before(v, name, true)) {
            return Some(role);
        }
    }
    std::iter::once(name)
        .chain(short.iter().copied())
        .find_map(|n| texts.iter().find_map(|t| role_before(t, n, false)))
        .or(label_title)
}

/// `Name, Role, …` → the first comma piece after the name, unless it names another person.
fn role_after(value: &str, name: &str, others: &[&str]) -> Option<String> {
    if name.split_whitespace().count() < 2 {
        return None;
    }
    let at = find_word(value, name)?;
    let after = value[at + name.len()..].trim_start();
    let rest = after.strip_prefix(',')?;
    let role = rest.split([',', ';']).next().unwrap_or("").trim();
    let someone_else = others.iter().filter(|o| **o != name).any(|o| {
        o.split_whitespace()
            .any(|w| w.len() > 2 && find_word(role, w).is_some())
    });
    let capital = role.chars().next().is_some_and(char::is_uppercase);
    (!role.is_empty() && capital && !someone_else).then(|| role.to_string())
}

/// The capitalised words just before the name (`Vice Minister` Liu Xiao). In an attendee line
/// (`listed`) the role runs back to the previous separator; in running text it stops at the
/// first lower-case word that is not a connector (`of`, `the`, `to` …).
fn role_before(text: &str, name: &str, listed: bool) -> Option<String> {
    let at = find_word(text, name)?;
    let head = &text[..at];
    let start = head
        .rfind([',', ';', ':', '(', '.'])
        .map(|i| i + 1)
        .unwrap_or(0);
    let words: Vec<&str> = head[start..].split_whitespace().collect();
    let mut from = words.len();
    while from > 0 {
        let w = words[from - 1];
        let capital = w.chars().next().is_some_and(char::is_uppercase);
        if !(capital || (ROLE_CONNECTORS.contains(&w) && (listed || from < words.len()))) {
            break;
        }
        if !capital && !listed && from == 1 {
            break;
        }
        from -= 1;
    }
    // A role starts at its first title word, or the word just before one (`Polish Ambassador`,
    // `Minutes of Vice Minister` → `Vice Minister`); a run with no title word is no role.
    let words = &words[from..];
    let title = |w: &str| super::names::is_title_word(w);
    let start = (0..words.len()).find(|&i| {
        let capital = words[i].chars().next().is_some_and(char::is_uppercase);
        capital && (title(words[i]) || words.get(i + 1).is_some_and(|n| title(n)))
    })?;
    let role = words[start..].join(" ");
    let role = role.trim_end_matches([',', '\'']).trim();
    (!role.is_empty()).then(|| role.to_string())
}

/// Where `w` stands in `text` as whole words.
fn find_word(text: &str, w: &str) -> Option<usize> {
    text.match_indices(w).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + w.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(k: &str, v: &str) -> Vec<(String, String)> {
        vec![(k.to_string(), v.to_string())]
    }

    #[test]
    fn roles_after_and_before_names() {
        let xu = f(
            "also present",
            "Xu Ming, Deputy Director, Soviet Union and Europe Department",
        );
        assert_eq!(
            role_of("Xu Ming", &[], &[], &xu, &[], None).as_deref(),
            Some("Deputy Director")
        );
        let present = f(
            "present",
            "Chairman of the Cabinet of Ministers Kim Il Sung, Soviet Ambassador A. M. Puzanov",
        );
        let others = ["Kim Il Sung", "A. M. Puzanov"];
        assert_eq!(
            role_of("Kim Il Sung", &[], &others, &present, &[], None).as_deref(),
            Some("Chairman of the Cabinet of Ministers")
        );
        assert_eq!(
            role_of("A. M. Puzanov", &[], &others, &present, &[], None).as_deref(),
            Some("Soviet Ambassador")
        );
        let received = f("received by", "Vice Minister Liu Xiao");
        assert_eq!(
            role_of("Liu Xiao", &[], &[], &received, &[], None).as_deref(),
            Some("Vice Minister")
        );
        let title = "Minutes of the Meeting between Vice Minister Li Wen and the Ambassador of \
                     the Soviet Union to China Petrov";
        assert_eq!(
            role_of(
                "Ivan Petrov",
                &["Petrov"],
                &[],
                &[],
                &[title],
                Some("Ambassador".into())
            )
            .as_deref(),
            Some("Ambassador of the Soviet Union to China")
        );
        assert_eq!(
            role_of("Li Wen", &[], &[], &[], &[title], None).as_deref(),
            Some("Vice Minister")
        );
        assert_eq!(
            role_of(
                "Zhao",
                &[],
                &[],
                &[],
                &["Zhao talks to Qian."],
                Some("Comrade".into())
            )
            .as_deref(),
            Some("Comrade")
        );
        let t = "Minutes of Vice Minister Li Wen's Discussion";
        assert_eq!(
            role_of("Li Wen", &[], &[], &[], &[t], None).as_deref(),
            Some("Vice Minister")
        );
        assert_eq!(
            role_of("Li Wen", &[], &[], &[], &["Report by Li Wen"], None),
            None
        );
    }
}
