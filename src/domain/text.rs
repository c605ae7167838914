//! Strings as the rules want them: trimmed, NFC-normalized, bounded, free of control characters;
//! identifiers; multilingual names; URLs; and the search folding for Kazakh and Russian.

use std::collections::BTreeMap;

use unicode_general_category::{GeneralCategory, get_general_category};
use unicode_normalization::UnicodeNormalization;

use super::violation::{Violations, join};

/// Longest single-line string (names, titles, places), in characters.
pub const MAX_LINE: usize = 1000;
/// Longest free text (a document's or speech's text), in characters.
pub const MAX_TEXT: usize = 200_000;
/// Longest URL, in bytes.
pub const MAX_URL: usize = 2048;

/// Trims and NFC-normalizes `raw`, then checks it is non-empty and not only invisible
/// characters, at most `max` characters, and free of characters that hide or fake text (see
/// [`forbidden_char`]). Records a violation and returns `None` when not.
pub fn clean(v: &mut Violations, path: &str, raw: &str, max: usize, multiline: bool) -> Option<String> {
    let s: String = raw.trim().nfc().collect();
    if s.chars().all(|c| c.is_whitespace() || get_general_category(c) == GeneralCategory::Format) {
        v.push(path, "non_empty", "must not be empty or only white space or invisible characters");
        return None;
    }
    let count = s.chars().count();
    if count > max {
        v.push(path, "max_length", format!("is {count} characters long; the limit is {max}"));
        return None;
    }
    if let Some((c, what)) = s.chars().find_map(|c| forbidden_char(c, multiline).map(|what| (c, what))) {
        let rule = if c.is_control() { "no_control_characters" } else { "no_invisible_characters" };
        v.push(path, rule, format!("contains U+{:04X}, {what}; remove it", c as u32));
        return None;
    }
    Some(s)
}

/// Why `c` may not appear in a text, if it may not. Single-line texts (names, titles, places)
/// refuse every control, format (zero-width joiners and spaces, byte order marks, direction
/// overrides), line or paragraph separator, private-use and unassigned character: each one
/// hides, reorders or breaks what a reader sees. Multi-line texts keep line breaks and tabs,
/// and format characters (emoji sequences, soft hyphens), but refuse other controls and the
/// noncharacters U+FDD0–U+FDEF and U+xFFFE/U+xFFFF.
pub fn forbidden_char(c: char, multiline: bool) -> Option<&'static str> {
    let noncharacter = ('\u{FDD0}'..='\u{FDEF}').contains(&c) || (c as u32) & 0xFFFE == 0xFFFE;
    let what = match get_general_category(c) {
        GeneralCategory::Control if multiline && matches!(c, '\n' | '\t' | '\r') => return None,
        GeneralCategory::Control => "a control character",
        _ if noncharacter => "a noncharacter",
        _ if multiline => return None,
        GeneralCategory::Format => "an invisible format character",
        GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator => {
            "a line break (single-line texts have none)"
        }
        GeneralCategory::PrivateUse => "a private-use character",
        GeneralCategory::Unassigned => "an unassigned code point",
        _ => return None,
    };
    Some(what)
}

/// Like [`clean`] for optional fields: `None` stays `None`.
pub fn clean_opt(v: &mut Violations, path: &str, raw: Option<&str>, max: usize, multiline: bool) -> Option<String> {
    raw.and_then(|r| clean(v, path, r, max, multiline))
}

/// [`is_valid_id`] as a regular expression, for the OpenAPI document's `pattern`.
pub const ID_PATTERN: &str = "^[a-z0-9][a-z0-9._-]{0,63}$";

/// Checks a publisher-chosen identifier: 1–64 characters of `a-z 0-9 . _ -`, starting with a
/// letter or digit. Ids appear in URLs, so nothing else is allowed.
pub fn is_valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && b[0].is_ascii_alphanumeric()
        && !b[0].is_ascii_uppercase()
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'_' | b'-'))
}

/// Records a violation when `id` is not a valid identifier.
pub fn check_id(v: &mut Violations, path: &str, id: &str) -> bool {
    let ok = is_valid_id(id);
    if !ok {
        v.push(
            path,
            "id_format",
            "ids are 1 to 64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit",
        );
    }
    ok
}

/// Checks a language tag of the forms we store: `kk`, `ru`, `en`, `kk-Latn`, `kk-Cyrl`, `en-GB`.
pub fn is_valid_lang(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let lang_ok = parts.next().is_some_and(|l| (2..=3).contains(&l.len()) && l.bytes().all(|c| c.is_ascii_lowercase()));
    lang_ok
        && parts.all(|p| {
            (p.len() == 4 && p.as_bytes()[0].is_ascii_uppercase() && p[1..].bytes().all(|c| c.is_ascii_lowercase()))
                || (p.len() == 2 && p.bytes().all(|c| c.is_ascii_uppercase()))
        })
}

/// Names or titles per language tag, each cleaned. Requires at least one entry.
pub fn lang_map(
    v: &mut Violations,
    path: &str,
    raw: &BTreeMap<String, String>,
    max: usize,
) -> BTreeMap<String, String> {
    if raw.is_empty() {
        v.push(path, "non_empty", "give at least one language, e.g. {\"kk\": …, \"ru\": …}");
    }
    let mut out = BTreeMap::new();
    for (tag, value) in raw {
        let p = join(path, tag);
        if !is_valid_lang(tag) {
            v.push(&p, "language_tag", "keys are language tags such as kk, kk-Latn, ru or en");
            continue;
        }
        if let Some(s) = clean(v, &p, value, max, false) {
            if let Some(word) = mixed_script_word(&s) {
                v.push(
                    &p,
                    "mixed_script",
                    format!("the word '{word}' mixes Latin and Cyrillic letters (a look-alike spelling)"),
                );
                continue;
            }
            out.insert(tag.clone(), s);
        }
    }
    out
}

/// The first word that mixes Latin and Cyrillic letters, if any. Such words are how look-alike
/// names are forged (a Latin `a` or `o` inside a Cyrillic name) and never occur in honest
/// Kazakh or Russian spelling, whose Latin and Cyrillic forms are separate language tags.
pub fn mixed_script_word(s: &str) -> Option<&str> {
    let is_latin = |c: char| c.is_alphabetic() && (c as u32) < 0x0250;
    let is_cyrillic = |c: char| ('\u{0400}'..='\u{052F}').contains(&c);
    s.split(|c: char| !c.is_alphabetic()).find(|w| w.chars().any(is_latin) && w.chars().any(is_cyrillic))
}

/// Optional per-language map (e.g. given names): empty is fine.
pub fn lang_map_opt(
    v: &mut Violations,
    path: &str,
    raw: Option<&BTreeMap<String, String>>,
    max: usize,
) -> BTreeMap<String, String> {
    match raw {
        Some(m) if !m.is_empty() => lang_map(v, path, m, max),
        _ => BTreeMap::new(),
    }
}

/// An http(s) URL without white space, bounded in length.
pub fn url(v: &mut Violations, path: &str, raw: &str) -> Option<String> {
    let s = raw.trim();
    let lower = s.to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let host_ok = s.split_once("://").is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'));
    if !scheme_ok || !host_ok {
        v.push(path, "http_url", "must be an absolute http:// or https:// URL");
        return None;
    }
    if s.len() > MAX_URL {
        v.push(path, "max_length", format!("URLs are limited to {MAX_URL} bytes"));
        return None;
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        v.push(path, "http_url", "URLs must not contain white space or control characters");
        return None;
    }
    Some(s.to_owned())
}

/// Optional URL.
pub fn url_opt(v: &mut Violations, path: &str, raw: Option<&str>) -> Option<String> {
    raw.and_then(|r| url(v, path, r))
}

/// Folds a string for search: lower case, Kazakh-specific Cyrillic letters to the Russian
/// look-alikes that Russian sources substitute (қ→к, ү→у, і→и …), ё→е, and diacritics of the
/// Kazakh Latin alphabets to their base letters. Apply it to both the stored key and the query.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        // Combining marks (accents, breves, cedillas) go, so á, ǵ, ı̆ fold to their base letters.
        if ('\u{0300}'..='\u{036F}').contains(&c) {
            continue;
        }
        for l in c.to_lowercase() {
            let f = match l {
                'қ' => 'к',
                'ғ' => 'г',
                'ү' | 'ұ' => 'у',
                'і' => 'и',
                'ң' => 'н',
                'ө' => 'о',
                'ә' => 'а',
                'һ' => 'х',
                'ё' => 'е',
                'й' => 'и',
                'ı' => 'i',
                other => other,
            };
            out.push(f);
        }
    }
    // NFD split ё into е + U+0308 and й into и + U+0306; both marks are dropped above.
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The search key of a set of names: every name folded, separated by a newline.
pub fn search_key<'a>(names: impl IntoIterator<Item = &'a String>) -> String {
    names.into_iter().map(|n| fold(n)).collect::<Vec<_>>().join("\n")
}

/// Dates outside 1990–2100 are typing errors (maslikhats were founded in 1994), and refusing
/// them keeps year −1 or 99999 out of every comparison.
pub fn check_date(v: &mut Violations, path: &str, date: chrono::NaiveDate) {
    use chrono::Datelike;
    if !(1990..=2100).contains(&date.year()) {
        v.push(path, "date_range", "dates fall between 1990 and 2100");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_makes_kazakh_and_russian_spellings_meet() {
        assert_eq!(fold("Қарағанды"), fold("Караганды"));
        assert_eq!(fold("Өскемен"), fold("Оскемен"));
        assert_eq!(fold("Шымкент ҚАЛАСЫ"), "шымкент каласы");
        assert_eq!(fold("Алматы"), fold("АЛМАТЫ"));
        assert_eq!(fold("Ёлка"), "елка");
        assert_eq!(fold("Qaraǵandy"), "qaragandy");
        assert_ne!(fold("Астана"), fold("Актау"));
    }

    #[test]
    fn clean_trims_normalizes_and_bounds() {
        let mut v = Violations::new();
        assert_eq!(clean(&mut v, "/a", "  e\u{301}  ", 10, false).as_deref(), Some("é"));
        assert!(clean(&mut v, "/b", "   ", 10, false).is_none());
        assert!(clean(&mut v, "/c", "abc\u{7}", 10, false).is_none());
        assert!(clean(&mut v, "/d", "abcdefghijk", 10, false).is_none());
        let rules: Vec<_> = v.into_vec().into_iter().map(|x| (x.path, x.rule)).collect();
        assert_eq!(
            rules,
            [("/b".into(), "non_empty"), ("/c".into(), "no_control_characters"), ("/d".into(), "max_length")]
        );
    }

    #[test]
    fn single_line_texts_refuse_invisible_and_separator_characters() {
        for (raw, rule) in [
            ("\u{200D}", "non_empty"),
            ("\u{200D}\u{FEFF} \u{200B}", "non_empty"),
            ("Сессия\u{2028}вторая", "no_invisible_characters"),
            ("Сес\u{2029}сия", "no_invisible_characters"),
            ("\u{FEFF}Сессия", "no_invisible_characters"),
            ("Сес\u{200D}сия", "no_invisible_characters"),
            ("Сессия\u{202E}ресми", "no_invisible_characters"),
            ("Сессия \u{FFFF}", "no_invisible_characters"),
            ("Сессия \u{E000}", "no_invisible_characters"),
            ("Сес\u{85}сия", "no_control_characters"),
        ] {
            let mut v = Violations::new();
            assert!(clean(&mut v, "/t", raw, 100, false).is_none(), "{raw:?} is refused");
            let got: Vec<_> = v.into_vec().into_iter().map(|x| x.rule).collect();
            assert_eq!(got, [rule], "{raw:?}");
        }
        let mut v = Violations::new();
        assert_eq!(
            clean(&mut v, "/t", "Бюджет\u{A0}2024 — «Ақ жол»", 100, false).as_deref(),
            Some("Бюджет\u{A0}2024 — «Ақ жол»")
        );
        // Free text keeps line breaks and format characters, but not noncharacters or only-invisible text.
        assert!(
            clean(&mut v, "/t", "Первая строка\nвторая\u{2028}третья, пере\u{AD}нос 👩\u{200D}💻", 100, true).is_some()
        );
        assert!(v.is_empty());
        assert!(clean(&mut v, "/t", "текст \u{FFFE}", 100, true).is_none());
        assert!(clean(&mut v, "/t", "\u{200D}\n\u{200B}", 100, true).is_none());
        assert_eq!(v.into_vec().len(), 2);
    }

    #[test]
    fn look_alike_words_are_found() {
        assert_eq!(mixed_script_word("Алмаtы қаласы"), Some("Алмаtы"));
        assert_eq!(mixed_script_word("Аsтана"), Some("Аsтана"));
        assert_eq!(mixed_script_word("Алматы қаласы"), None);
        assert_eq!(mixed_script_word("Almaty qalasy"), None);
        assert_eq!(mixed_script_word("IT-компания «KazMunayGas»"), None);
    }

    #[test]
    fn ids_and_language_tags() {
        assert!(is_valid_id("almaty-city"));
        assert!(is_valid_id("d.042_x"));
        assert!(!is_valid_id("../etc"));
        assert!(!is_valid_id("Almaty"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id(&"a".repeat(65)));
        assert!(is_valid_lang("kk-Latn"));
        assert!(is_valid_lang("ru"));
        assert!(!is_valid_lang("KK"));
        assert!(!is_valid_lang("kk_latn"));
    }

    #[test]
    fn urls_must_be_http() {
        let mut v = Violations::new();
        assert!(url(&mut v, "/u", "https://maslihat.kz/a").is_some());
        assert!(url(&mut v, "/u", "javascript:alert(1)").is_none());
        assert!(url(&mut v, "/u", "ftp://x").is_none());
        assert!(url(&mut v, "/u", "https://a b").is_none());
        assert_eq!(v.into_vec().len(), 3);
    }
}
