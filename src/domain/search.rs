//! Search keys: one normalization for what is indexed and what is asked, so a name written in
//! Kazakh Cyrillic, its Russian spelling and its Latin transliteration meet, and an inflected
//! Russian or Kazakh word meets its other forms.
//!
//! Each word goes through three steps:
//!
//! 1. [`text::fold`]: lower case, Kazakh letters to their Russian look-alikes (қ→к, ү→у, і→и),
//!    diacritics of the Latin alphabets dropped; the folding the council and deputy lists use.
//! 2. A *skeleton* in ASCII: Cyrillic transliterated (ж→zh, ш→sh, х→h, ы→y), Latin variants
//!    made to agree (q→k, x→h, j→zh, ş→sh, w→u), `y` and `i` merged, doubled letters single. So
//!    «Жақсыбеков», «Жаксыбеков», «Zhaqsybekov» and «Jaqsybekov» share one skeleton.
//! 3. For the query only, a light stemmer on the skeleton: the longest common Russian or Kazakh
//!    ending stripped while at least four letters remain (бюджету → `biuzhet`, бюджетін →
//!    `biuzhe`). Query words are matched as *prefixes* of the indexed words, so a stem finds
//!    every inflection that starts with it (бюджета, бюджетом, бюджетный), and initials («Н.»,
//!    «N. A.») find names. The index keeps whole words: an ending stripped from a stored word
//!    could make two inflections of it disagree (бюджета → `biuzhe`, бюджету → `biuzhet`),
//!    whereas a stripped query only ever matches more. Stemming the skeleton rather than the
//!    Cyrillic word is what makes a Latin query meet a Cyrillic name.
//!
//! Both engines index the same keys (SQLite FTS5 and PostgreSQL `to_tsvector('simple', …)`),
//! so a query finds the same rows on either. A query is only ever words: quotes, `*`,
//! `NEAR`, `OR`, `--` are split away as punctuation or kept as plain words, never passed to
//! either engine's query language.

use super::text;

/// Longest query, in characters; the rest is ignored.
pub const MAX_QUERY: usize = 200;
/// Most words of a query that count.
pub const MAX_QUERY_WORDS: usize = 8;

/// Endings stripped from a skeleton, longest first: Russian noun and adjective case endings and
/// Kazakh case, plural and possessive suffixes, as they look after transliteration.
/// [`stem`] tries the longest first.
const ENDINGS: &[&str] = &[
    "iami", "iah", "ami", "ogo", "ego", "omu", "emu", "imi", "ih", "ia", "ie", "iu", "oi", "ei", "om", "em", "am",
    "ah", "ov", "ev", "nin", "din", "tin", "nan", "nen", "dan", "den", "tan", "ten", "lar", "ler", "dar", "der", "tar",
    "ter", "sina", "sine", "sin", "ina", "ine", "na", "ne", "in", "si", "ga", "ge", "ke", "da", "de", "ta", "te", "a",
    "o", "e", "i", "u",
];

/// Letters a stem keeps at least.
const MIN_STEM: usize = 4;

/// The ASCII skeleton of one folded word.
fn skeleton(folded: &str) -> String {
    let mut s = String::with_capacity(folded.len() * 2);
    for c in folded.chars() {
        let t: &str = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' | 'ы' | 'y' => "i",
            'к' | 'q' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' | 'w' => "u",
            'ф' => "f",
            'х' | 'x' => "h",
            'ц' => "ts",
            'ч' => "ch",
            'ш' | 'щ' => "sh",
            'ъ' | 'ь' => "",
            'ю' => "iu",
            'я' => "ia",
            'j' => "zh",
            c if c.is_ascii_alphanumeric() => {
                s.push(c);
                continue;
            }
            // Other scripts' letters stay as they are: still one word, matched exactly.
            c if c.is_alphanumeric() => {
                s.push(c);
                continue;
            }
            _ => "",
        };
        s.push_str(t);
    }
    let s = s.replace("kh", "h").replace("dzh", "zh");
    // Doubled letters single: Russian «Алла» and Latin «Ala», «ии» and «ий» meet.
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !out.ends_with(c) || c.is_ascii_digit() {
            out.push(c);
        }
    }
    out
}

/// Strips one ending when at least [`MIN_STEM`] letters remain.
fn stem(word: &str) -> &str {
    if word.chars().any(|c| c.is_ascii_digit()) {
        return word;
    }
    let mut endings = ENDINGS.to_vec();
    endings.sort_by_key(|e| std::cmp::Reverse(e.len()));
    for e in endings {
        if let Some(s) = word.strip_suffix(e)
            && s.chars().count() >= MIN_STEM
        {
            return s;
        }
    }
    word
}

/// Letters that Kazakh Latin alphabets write with a cedilla and that `fold` would reduce to a
/// different sound (ş is sh, not s; ç is ch, not c).
fn latin_digraphs(s: &str) -> String {
    s.chars()
        .flat_map(|c| match c {
            'ş' | 'Ş' => ['s', 'h'].into_iter().take(2),
            'ç' | 'Ç' => ['c', 'h'].into_iter().take(2),
            other => [other, ' '].into_iter().take(1),
        })
        .collect()
}

/// The words of `s`, each split at anything that is not a letter or digit.
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

/// The indexed words of a text: each word folded and skeletonized, in order.
pub fn terms(s: &str) -> Vec<String> {
    let pre = latin_digraphs(s);
    words(&text::fold(&pre)).map(skeleton).filter(|t| !t.is_empty()).collect()
}

/// The indexed key of some texts: their terms, space-separated.
pub fn key<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for t in texts {
        for term in terms(t) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&term);
        }
    }
    out
}

/// A whole name as one normalized line, for the exact-name boost: `\n` + terms + `\n`.
pub fn exact_line(name: &str) -> String {
    format!("\n{}\n", terms(name).join(" "))
}

/// What a citizen typed, reduced to terms every one of which must match (as a prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The stems, each `[a-z0-9]` or other letters, never an operator; each must begin a word.
    pub terms: Vec<String>,
    /// The words as typed (skeletons, unstemmed), for the exact-name match.
    words: Vec<String>,
}

impl Query {
    /// Parses free text. Never fails: text with no words is a query with no terms.
    pub fn parse(raw: &str) -> Self {
        let bounded: String = raw.chars().take(MAX_QUERY).collect();
        let words = self::terms(&bounded);
        let mut terms: Vec<String> = vec![];
        for t in words.iter().map(|w| stem(w).to_owned()) {
            if !terms.contains(&t) {
                terms.push(t);
            }
        }
        terms.truncate(MAX_QUERY_WORDS);
        Query { terms, words }
    }

    /// True when nothing is left to look for.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The whole query as [`exact_line`] writes a name.
    pub fn exact(&self) -> String {
        format!("\n{}\n", self.words.join(" "))
    }

    /// The FTS5 match expression: each term quoted (terms hold no quote) as a prefix, all
    /// required.
    pub fn fts5(&self) -> String {
        self.terms.iter().map(|t| format!("\"{t}\"*")).collect::<Vec<_>>().join(" AND ")
    }

    /// The PostgreSQL `to_tsquery('simple', …)` text: each term quoted as a prefix, all required.
    pub fn tsquery(&self) -> String {
        self.terms.iter().map(|t| format!("'{t}':*")).collect::<Vec<_>>().join(" & ")
    }

    /// True when `word` (any script) matches a term of the query: what to highlight.
    pub fn matches_word(&self, word: &str) -> bool {
        let folded = text::fold(&latin_digraphs(word));
        words(&folded).any(|w| {
            let s = skeleton(w);
            self.terms.iter().any(|t| s.starts_with(t.as_str()))
        })
    }
}

/// A piece of a displayed text, marked when it is a matched word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The text, exactly as stored (escape it when rendering).
    pub text: String,
    /// True for a word the query matched.
    pub hit: bool,
}

/// Splits `s` into runs of matched words and other text. Around the first hit, at most
/// `window` characters are kept (with «…» where cut); `None` keeps everything.
pub fn highlight(q: &Query, s: &str, window: Option<usize>) -> Vec<Segment> {
    let s = match window {
        Some(w) if s.chars().count() > w => excerpt(q, s, w),
        _ => s.to_owned(),
    };
    let mut out: Vec<Segment> = vec![];
    let mut push = |text: &str, hit: bool| match out.last_mut() {
        Some(last) if last.hit == hit => last.text.push_str(text),
        _ => out.push(Segment { text: text.to_owned(), hit }),
    };
    let mut rest = s.as_str();
    while !rest.is_empty() {
        let start = rest.find(|c: char| c.is_alphanumeric()).unwrap_or(rest.len());
        if start > 0 {
            push(&rest[..start], false);
            rest = &rest[start..];
            continue;
        }
        let end = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
        let word = &rest[..end];
        push(word, q.matches_word(word));
        rest = &rest[end..];
    }
    out
}

/// About `w` characters of `s` around its first matched word.
fn excerpt(q: &Query, s: &str, w: usize) -> String {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut first = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i].1.is_alphanumeric() {
            let mut j = i;
            while j < chars.len() && chars[j].1.is_alphanumeric() {
                j += 1;
            }
            let end = chars.get(j).map_or(s.len(), |c| c.0);
            if q.matches_word(&s[chars[i].0..end]) {
                first = i;
                break;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    let from = first.saturating_sub(w / 3);
    let to = (from + w).min(chars.len());
    let byte = |k: usize| chars.get(k).map_or(s.len(), |c| c.0);
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(&s[byte(from)..byte(to)]);
    if to < chars.len() {
        out.push('…');
    }
    out
}

/// What a search entry finds.
pub mod kind {
    /// A council.
    pub const COUNCIL: &str = "council";
    /// A deputy.
    pub const DEPUTY: &str = "deputy";
    /// An agenda item.
    pub const AGENDA_ITEM: &str = "agenda_item";
    /// A decision (or a draft decision) published with a session.
    pub const DECISION: &str = "decision";
    /// A motion put to the vote.
    pub const MOTION: &str = "motion";
    /// A speech's text.
    pub const SPEECH: &str = "speech";
    /// Every kind, in the order results are grouped.
    pub const ALL: [&str; 6] = [COUNCIL, DEPUTY, AGENDA_ITEM, DECISION, MOTION, SPEECH];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Query {
        Query::parse(s)
    }

    #[test]
    fn kazakh_russian_and_latin_spellings_of_a_name_share_terms() {
        let kk = terms("Жақсыбеков Нұрлан Әбілұлы");
        assert_eq!(terms("Жаксыбеков Нурлан Абилулы"), kk);
        assert_eq!(terms("Zhaksybekov Nurlan Abiluly"), kk);
        assert_eq!(terms("Jaqsybekov Nurlan Äbilulı"), kk);
        assert_eq!(terms("Şymkent"), terms("Шымкент"));
        assert_eq!(terms("Qaraǵandy"), terms("Қарағанды"));
    }

    /// True when every inflection in `forms`, indexed, is found by querying each of them.
    fn meet(forms: &[&str]) {
        for asked in forms {
            let q = q(asked);
            for stored in forms {
                let t = &terms(stored)[0];
                assert!(t.starts_with(&q.terms[0]), "{asked} ({:?}) finds {stored} ({t})", q.terms);
            }
        }
    }

    #[test]
    fn inflected_words_are_found_by_each_other() {
        meet(&["бюджет", "бюджета", "бюджету", "бюджетом", "бюджете", "бюджетін", "бюджеттің"]);
        meet(&["утверждении", "утверждение", "утверждения"]);
        meet(&["мосты", "моста", "мост"]);
        meet(&["каласы", "каласына", "қаласының"]);
    }

    #[test]
    fn query_syntax_of_either_engine_is_only_words() {
        for raw in ["\"", "*", "NEAR", "OR", "--", "a\" OR 1=1 --", "') & !(", "NEAR(a b, 2)", ":* | !x"] {
            let p = q(raw);
            for t in &p.terms {
                assert!(t.chars().all(char::is_alphanumeric), "{raw:?} gives {t:?}");
            }
            assert!(!p.fts5().contains("\"\""), "{raw:?}");
        }
        assert!(q("  -- \" * ").is_empty());
        assert_eq!(q("near").terms, ["near"]);
    }

    #[test]
    fn initials_are_prefix_terms() {
        assert_eq!(q("Н. А. Жаксыбеков").terms[..2], ["n", "a"]);
        assert!(terms("Нурлан")[0].starts_with(&q("Н.").terms[0]));
        assert_eq!(q("Жаксыбеков Нурлан").exact(), exact_line("Жақсыбеков Нұрлан"));
    }

    #[test]
    fn highlight_marks_matched_words_and_keeps_the_rest() {
        let segs = highlight(&q("бюджет"), "Об утверждении бюджета района", None);
        let hits: Vec<_> = segs.iter().filter(|s| s.hit).map(|s| s.text.as_str()).collect();
        assert_eq!(hits, ["бюджета"]);
        let joined: String = segs.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, "Об утверждении бюджета района");
        let long = format!("{} бюджет {}", "слово ".repeat(100), "конец ".repeat(100));
        let cut: String = highlight(&q("бюджет"), &long, Some(80)).iter().map(|s| s.text.as_str()).collect();
        assert!(cut.contains("бюджет") && cut.starts_with('…') && cut.chars().count() < 90, "{cut}");
    }
}
