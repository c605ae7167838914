//! Names and ids of the Popolo import: a name's language by its script, repairs of words that
//! mix scripts, pseudo-parties, EveryPolitician's `names.csv`, and the ids made from source ids.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::import::PopoloError;
use crate::domain::text;

/// The language tag of a name by its letters: `kk` (Kazakh-only Cyrillic letters), `ru` (other
/// Cyrillic), `en` (Latin).
pub fn script_lang(name: &str) -> &'static str {
    const KK: &str = "ӘәҒғҚқҢңӨөҰұҮүҺһІі";
    if name.chars().any(|c| KK.contains(c)) {
        "kk"
    } else if name.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)) {
        "ru"
    } else {
        "en"
    }
}

/// Latin letters that look like Cyrillic ones, and their Cyrillic twins.
const LOOK_ALIKES: [(char, char); 22] = [
    ('A', 'А'),
    ('B', 'В'),
    ('C', 'С'),
    ('E', 'Е'),
    ('H', 'Н'),
    ('I', 'І'),
    ('K', 'К'),
    ('M', 'М'),
    ('O', 'О'),
    ('P', 'Р'),
    ('T', 'Т'),
    ('X', 'Х'),
    ('Y', 'У'),
    ('a', 'а'),
    ('c', 'с'),
    ('e', 'е'),
    ('i', 'і'),
    ('o', 'о'),
    ('p', 'р'),
    ('x', 'х'),
    ('y', 'у'),
    ('k', 'к'),
];

/// Repairs words that mix Latin and Cyrillic letters (a typing slip in the source, such as a
/// Latin `C` opening `Cерік`): each such word takes its majority script, look-alike letters
/// swapped. `None` when a word cannot be repaired that way.
fn one_script(name: &str) -> Option<String> {
    if text::mixed_script_word(name).is_none() {
        return Some(name.to_owned());
    }
    let words: Vec<String> = name
        .split(' ')
        .map(|w| {
            if text::mixed_script_word(w).is_none() {
                return w.to_owned();
            }
            let cyr = w.chars().filter(|c| ('\u{0400}'..='\u{052F}').contains(c)).count();
            let lat = w.chars().filter(|c| c.is_ascii_alphabetic()).count();
            // Kazakh letters without a Latin look-alike, in a Latin word, get their Latin spelling.
            const KK_LATIN: [(char, char); 9] = [
                ('қ', 'q'),
                ('ұ', 'u'),
                ('ү', 'u'),
                ('ә', 'a'),
                ('ғ', 'g'),
                ('ң', 'n'),
                ('ө', 'o'),
                ('һ', 'h'),
                ('ы', 'y'),
            ];
            w.chars()
                .map(|c| {
                    let twin = LOOK_ALIKES
                        .iter()
                        .find(|(l, k)| if cyr >= lat { *l == c } else { *k == c })
                        .map(|(l, k)| if cyr >= lat { *k } else { *l });
                    let latin = (cyr < lat).then(|| KK_LATIN.iter().find(|(k, _)| *k == c).map(|(_, l)| *l)).flatten();
                    twin.or(latin).unwrap_or(c)
                })
                .collect()
        })
        .collect();
    let fixed = words.join(" ");
    text::mixed_script_word(&fixed).is_none().then_some(fixed)
}

/// Adds `name` to `names` under its `lang` (or its script's), unless a spelling differing only
/// in case is already there. A spelling mixing scripts is repaired when a look-alike letter is
/// the cause, else left out.
pub(super) fn add_name(names: &mut BTreeMap<String, String>, name: &str, lang: Option<&str>) {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let Some(name) = one_script(&name) else { return };
    if let Some(l) = lang.filter(|l| text::is_valid_lang(l))
        && !name.is_empty()
    {
        // The source says which language: two languages may well spell a name alike.
        names.entry(l.to_owned()).or_insert(name);
        return;
    }
    if name.is_empty() || names.values().any(|n| n.to_lowercase() == name.to_lowercase()) {
        return;
    }
    let tag = {
        let l = script_lang(&name);
        if l == "ru" && names.contains_key("ru") && !names.contains_key("kk") { "kk" } else { l }
    };
    names.entry(tag.to_owned()).or_insert(name);
}

pub(super) fn is_pseudo_party(name: &str) -> bool {
    let n = name.trim().to_lowercase();
    [
        "independent",
        "independents",
        "non-partisan",
        "nonpartisan",
        "none",
        "unknown",
        "беспартийный",
        "самовыдвиженец",
        "партиясыз",
        "өзін-өзі ұсынған",
    ]
    .contains(&n.as_str())
}

/// A Roman numeral for 1..=39.
pub(super) fn roman(n: u32) -> Option<String> {
    const ONES: [&str; 10] = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"];
    (1..40).contains(&n).then(|| format!("{}{}", "X".repeat((n / 10) as usize), ONES[(n % 10) as usize]))
}

pub(super) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(60).collect()
}

/// An id here for the source id `src` (kept when valid), else `{prefix}-{last segment}`, else a
/// hash.
pub(super) fn local_id(prefix: &str, src: &str) -> String {
    if text::is_valid_id(src) && !src.bytes().all(|b| b.is_ascii_digit()) {
        return src.to_owned();
    }
    let tail = src.trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_ascii_lowercase();
    let plain = format!("{prefix}-{tail}");
    if text::is_valid_id(&plain) {
        plain
    } else {
        format!("{}-{}", prefix.chars().take(48).collect::<String>(), crate::interchange::short_hash(src))
    }
}

/// EveryPolitician's `names.csv`: every spelling of each person, grouped by its id.
pub(super) fn read_names(path: &Path) -> Result<HashMap<String, Vec<String>>, PopoloError> {
    let text = std::fs::read_to_string(path)?;
    let mut by_id: HashMap<String, Vec<String>> = HashMap::new();
    for line in text.lines().skip(1) {
        // `name,id`; a name holding a comma is quoted.
        let (name, id) = match line.rsplit_once(',') {
            Some((n, i)) => (n.trim().trim_matches('"').replace("\"\"", "\""), i.trim().to_owned()),
            None => continue,
        };
        by_id.entry(id).or_default().push(name);
    }
    let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
    for names in by_id.into_values() {
        for n in &names {
            by_name.insert(n.clone(), names.clone());
        }
    }
    Ok(by_name)
}
