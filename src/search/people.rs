//! The speakers of the corpus by every way a question may name them: full names, labels,
//! name words (`Ji`, `Ji Pengfei`, `Vice Minister Ji`), and the words of their roles and titles
//! (`the Soviet ambassador`, `the vice minister`), all read from the documents.

use std::collections::{HashMap, HashSet};

use crate::index::schema::name_key;

/// Speakers of the corpus by every way a question may name them. Kept beside the index for cold
/// starts (`search::derived`): every field is stored, so new fields need only be serializable.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Lexicon {
    /// Full names, index = speaker id.
    pub names: Vec<String>,
    /// Lower-case name phrase (full name, label, name word) → speaker ids.
    keys: HashMap<String, Vec<usize>>,
    /// `name_key` of each full name → speaker id (so that adding a speaker is not a scan).
    ids: HashMap<String, usize>,
    max_words: usize,
    /// Per speaker id: the lower-case words of their roles and label titles, in singular form
    /// (`ambassador`, `soviet`, `union`).
    roles: Vec<HashSet<String>>,
    /// Every word of any role.
    role_words: HashSet<String>,
}

impl Lexicon {
    /// Adds a speaker (full name and labels); the same full name is one speaker. Adding the same
    /// name and labels again changes nothing.
    pub fn add(&mut self, name: &str, labels: &[String]) {
        let name_k = name_key(name);
        let id = match self.ids.get(&name_k) {
            Some(&i) => i,
            None => {
                self.names.push(name.to_string());
                self.ids.insert(name_k.clone(), self.names.len() - 1);
                self.names.len() - 1
            }
        };
        let mut keys = vec![name_k];
        for l in labels {
            keys.push(name_key(l));
            let (title, core) = crate::corpus::names::split_title(l);
            keys.push(name_key(&core.join(" ")));
            if let Some(t) = title {
                self.add_role_words(id, &t);
            }
        }
        for w in name_key(name).split(' ') {
            if w.chars().count() > 1 && !w.ends_with('.') {
                keys.push(w.to_string());
            }
        }
        for k in keys {
            if k.is_empty() {
                continue;
            }
            self.max_words = self.max_words.max(k.split(' ').count());
            let e = self.keys.entry(k).or_default();
            if !e.contains(&id) {
                e.push(id);
            }
        }
    }

    /// Adds what a speaker's role says (`Ambassador of the Soviet Union to China`) to the ways
    /// a question may name them.
    pub fn add_role(&mut self, name: &str, role: &str) {
        if let Some(&id) = self.ids.get(&name_key(name)) {
            self.add_role_words(id, role);
        }
    }

    fn add_role_words(&mut self, id: usize, role: &str) {
        if self.roles.len() <= id {
            self.roles.resize_with(id + 1, HashSet::new);
        }
        for w in role_words_of(role) {
            self.role_words.insert(w.clone());
            self.roles[id].insert(w);
        }
    }

    /// Is this (lower-case) word part of some speaker's role?
    pub fn is_role_word(&self, word: &str) -> bool {
        self.role_words.contains(&singular(word))
    }

    /// The speakers whose roles hold every one of these words (`soviet ambassador`).
    pub fn by_role(&self, words: &[&str]) -> Vec<usize> {
        if words.is_empty() {
            return Vec::new();
        }
        (0..self.roles.len())
            .filter(|&i| words.iter().all(|w| self.roles[i].contains(&singular(w))))
            .collect()
    }

    /// The speakers a lower-case name phrase names exactly (full name, label, name word).
    pub fn ids_of(&self, phrase: &str) -> Option<&Vec<usize>> {
        self.keys.get(phrase)
    }

    /// The most words a name phrase has.
    pub fn max_words(&self) -> usize {
        self.max_words
    }

    /// Speaker ids for a name as a user may type it (`ji`, `Ji Pengfei`, `Vice Minister Ji`).
    pub fn lookup(&self, name: &str) -> Vec<usize> {
        let key = name_key(name);
        if let Some(ids) = self.keys.get(&key) {
            return ids.clone();
        }
        // The full name typed without an initial or title: every word must be in one name.
        let words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return Vec::new();
        }
        (0..self.names.len())
            .filter(|&i| {
                let nk = name_key(&self.names[i]);
                let have: Vec<&str> = nk.split(' ').collect();
                words.iter().all(|w| have.contains(w))
            })
            .collect()
    }
}

/// The words of a role, lower case and singular, without the little ones (`of`, `the`).
fn role_words_of(role: &str) -> Vec<String> {
    role.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 2 && !matches!(*w, "the" | "and" | "for"))
        .map(|w| singular(&w.to_lowercase()))
        .collect()
}

/// A word without a plural `s` (`soviets` → `soviet`, `ministries` → `ministry`).
fn singular(w: &str) -> String {
    if let Some(stem) = w.strip_suffix("ies").filter(|s| s.len() > 2) {
        return format!("{stem}y");
    }
    match w.strip_suffix('s') {
        Some(stem) if stem.len() > 2 && !stem.ends_with('s') => stem.to_string(),
        _ => w.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_a_speaker_again_changes_nothing() {
        let labels = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut once = Lexicon::default();
        once.add("Ivan A. Petrov", &labels(&["Petrov", "Comrade Petrov"]));
        once.add("Li Wen", &labels(&["Vice Minister Li"]));
        let mut twice = once.clone();
        twice.add("Ivan A. Petrov", &labels(&["Petrov", "Comrade Petrov"]));
        twice.add("Li Wen", &labels(&["Vice Minister Li"]));
        assert_eq!(twice, once);
        twice.add("Li Wen", &labels(&["Old Li"]));
        assert_ne!(twice, once, "a new label is a new way to name him");
        assert_eq!(twice.lookup("old li"), vec![1]);
    }

    #[test]
    fn speakers_by_their_roles() {
        let mut l = Lexicon::default();
        l.add("Ivan Petrov", &["Ambassador Petrov".to_string()]);
        l.add_role("Ivan Petrov", "Ambassador of the Soviet Union to China");
        l.add("Li Wen", &["Vice Minister Li".to_string()]);
        assert_eq!(l.by_role(&["soviet", "ambassador"]), vec![0]);
        assert_eq!(l.by_role(&["soviets"]), vec![0]);
        assert_eq!(l.by_role(&["vice", "minister"]), vec![1]);
        assert!(l.by_role(&["chinese", "ambassador"]).is_empty());
        assert!(l.is_role_word("ministers") && !l.is_role_word("grain"));
    }
}
