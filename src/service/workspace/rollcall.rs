//! Roll calls from a voting system's export: read the table, read each vote word in Kazakh,
//! Russian or English, and match each name against the deputies serving on the session date.
//!
//! The format (README, "Roll calls from spreadsheets"): one row per deputy, the deputy's name in
//! the first column and the vote in the second; further columns are ignored; a first row whose
//! second cell is not a vote word is a header. CSV may be separated by commas, semicolons (what
//! spreadsheet programs in Russian locales write) or tabs. XLSX: the first sheet, same columns.
//!
//! Nothing here stores anything: the clerk reviews the matches first.

use crate::domain::enums::BallotOption;
use crate::domain::text::fold;

/// The largest export accepted (a 50-seat council's roll call is a few kilobytes).
pub const MAX_BYTES: usize = 256 * 1024;
/// The most rows accepted.
pub const MAX_ROWS: usize = 500;

/// Why an upload was refused; nothing was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a CSV table (binary, not UTF-8, or not two columns).
    NotASpreadsheet(String),
    /// Over [`MAX_BYTES`] or [`MAX_ROWS`].
    TooLarge,
    /// A cell holds a formula (first character `=`, `+`, `@`): refused rather than guessed at.
    Formula {
        /// 1-based row.
        row: usize,
    },
    /// A vote word that is not one of the known ones.
    UnknownOption {
        /// 1-based row.
        row: usize,
        /// The word.
        word: String,
    },
    /// Two rows name the same deputy.
    Duplicate {
        /// 1-based rows.
        rows: (usize, usize),
        /// The deputy's id.
        deputy: String,
    },
    /// No rows.
    Empty,
}

impl Refusal {
    /// The stable rule name (as the API's violations carry).
    pub fn rule(&self) -> &'static str {
        match self {
            Refusal::NotASpreadsheet(_) => "not_a_spreadsheet",
            Refusal::TooLarge => "too_large",
            Refusal::Formula { .. } => "formula",
            Refusal::UnknownOption { .. } => "unknown_option",
            Refusal::Duplicate { .. } => "duplicate_deputy",
            Refusal::Empty => "empty",
        }
    }
}

/// One row of the export.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Row {
    /// 1-based row number in the file.
    pub line: usize,
    /// The name as written.
    pub name: String,
    /// The vote.
    pub option: String,
}

/// Reads a vote word (`за`, `иә`, `yes`, `қалыс қалды`, `не голосовал` …).
pub fn option(word: &str) -> Option<BallotOption> {
    let w = fold(word.trim().trim_end_matches('.'));
    let w = w.replace(['_', '-'], " ");
    Some(match w.as_str() {
        "за" | "иа" | "ия" | "жактап" | "yes" | "for" | "aye" | "y" => BallotOption::Yes,
        "против" | "жок" | "карсы" | "no" | "against" | "nay" | "n" => BallotOption::No,
        "воздержался"
        | "воздержалась"
        | "воздержались"
        | "воздержание"
        | "калыс"
        | "калыс калды"
        | "abstain"
        | "abstained"
        | "abstention" => BallotOption::Abstain,
        "не голосовал"
        | "не голосовала"
        | "не голосовали"
        | "дауыс бермеди"
        | "дауыс бермеген"
        | "not voting"
        | "did not vote"
        | "not voted" => BallotOption::NotVoting,
        "отсутствовал" | "отсутствовала" | "отсутствует" | "катыспады" | "absent" => {
            BallotOption::Absent
        }
        "по уважительной причине" | "уважительная причина" | "себепти" | "excused" => {
            BallotOption::Excused
        }
        _ => return None,
    })
}

/// Reads a CSV export into rows, or refuses it whole.
pub fn read_csv(bytes: &[u8]) -> Result<Vec<Row>, Refusal> {
    if bytes.len() > MAX_BYTES {
        return Err(Refusal::TooLarge);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Refusal::NotASpreadsheet("this is an old Excel (.xls) workbook; save it as XLSX or CSV".into()));
    }
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| Refusal::NotASpreadsheet("the file is not UTF-8 text".into()))?;
    if text.chars().any(|c| c == '\0' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))) {
        return Err(Refusal::NotASpreadsheet("the file holds binary data, not a table".into()));
    }
    let first = text.lines().next().unwrap_or_default();
    let sep = if first.contains('\t') {
        '\t'
    } else if first.contains(';') && !first.contains(',') {
        ';'
    } else {
        ','
    };
    let records = split(text, sep);
    if records.len() > MAX_ROWS {
        return Err(Refusal::TooLarge);
    }
    rows(records)
}

/// The most an XLSX file may unpack to (its parts' declared sizes): a roll call's sheet is a few
/// hundred kilobytes at most, and the limit keeps a zip bomb from filling memory.
pub const MAX_XLSX_UNPACKED: u64 = 16 * 1024 * 1024;

/// Reads an uploaded file: XLSX by its zip signature, else CSV.
pub fn read_upload(bytes: &[u8]) -> Result<Vec<Row>, Refusal> {
    if bytes.starts_with(b"PK\x03\x04") { read_xlsx(bytes) } else { read_csv(bytes) }
}

/// Reads the first sheet of an XLSX workbook. A workbook with any formula is refused: what a
/// formula shows depends on the program that computes it, and a roll call is plain values.
pub fn read_xlsx(bytes: &[u8]) -> Result<Vec<Row>, Refusal> {
    use calamine::Reader as _;
    if bytes.len() > MAX_BYTES {
        return Err(Refusal::TooLarge);
    }
    let not_one = |what: &str| Refusal::NotASpreadsheet(format!("not a readable XLSX workbook ({what})"));
    if unpacked_size(bytes).ok_or_else(|| not_one("no zip directory"))? > MAX_XLSX_UNPACKED {
        return Err(Refusal::TooLarge);
    }
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| not_one(&e.to_string()))?;
    let sheet = book.sheet_names().first().cloned().ok_or_else(|| not_one("no sheet"))?;
    let formulas = book.worksheet_formula(&sheet).map_err(|e| not_one(&e.to_string()))?;
    let first_row = formulas.start().map_or(0, |(r, _)| r as usize);
    if let Some((i, _)) = formulas.rows().enumerate().find(|(_, r)| r.iter().any(|f| !f.is_empty())) {
        return Err(Refusal::Formula { row: first_row + i + 1 });
    }
    let range = book.worksheet_range(&sheet).map_err(|e| not_one(&e.to_string()))?;
    if range.height() > MAX_ROWS {
        return Err(Refusal::TooLarge);
    }
    let start = range.start().map_or(0, |(r, _)| r as usize);
    let records =
        range.rows().enumerate().map(|(i, r)| (start + i + 1, r.iter().map(ToString::to_string).collect())).collect();
    rows(records)
}

/// The sum of the uncompressed sizes a zip's central directory declares, or `None` when the
/// file has no readable central directory.
fn unpacked_size(bytes: &[u8]) -> Option<u64> {
    let u16at = |i: usize| Some(u16::from_le_bytes(bytes.get(i..i + 2)?.try_into().ok()?));
    let u32at = |i: usize| Some(u32::from_le_bytes(bytes.get(i..i + 4)?.try_into().ok()?));
    // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
    let from = bytes.len().saturating_sub(65_557);
    let eocd = (from..bytes.len().saturating_sub(21)).rev().find(|&i| u32at(i) == Some(0x0605_4b50))?;
    let (entries, mut at) = (u16at(eocd + 10)?, u32at(eocd + 16)? as usize);
    let mut total = 0u64;
    for _ in 0..entries {
        if u32at(at)? != 0x0201_4b50 {
            return None;
        }
        total += u64::from(u32at(at + 24)?);
        at += 46 + usize::from(u16at(at + 28)?) + usize::from(u16at(at + 30)?) + usize::from(u16at(at + 32)?);
    }
    Some(total)
}

/// Turns the cells of each line into rows: the header is skipped, formulas and unknown words
/// refused.
pub fn rows(records: Vec<(usize, Vec<String>)>) -> Result<Vec<Row>, Refusal> {
    let mut out = Vec::new();
    for (i, (line, cells)) in records.into_iter().enumerate() {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if let Some(_f) = cells.iter().find(|c| c.trim_start().starts_with(['=', '+', '@'])) {
            return Err(Refusal::Formula { row: line });
        }
        if cells.len() < 2 {
            return Err(Refusal::NotASpreadsheet(format!(
                "row {line} has one column; expected the name, then the vote"
            )));
        }
        let (name, word) = (cells[0].trim(), cells[1].trim());
        if option(word).is_none() {
            if i == 0 {
                continue; // the header
            }
            return Err(Refusal::UnknownOption { row: line, word: word.chars().take(60).collect() });
        }
        if name.is_empty() || name.chars().count() > 200 {
            return Err(Refusal::NotASpreadsheet(format!("row {line} has no usable name")));
        }
        out.push(Row { line, name: name.to_owned(), option: word.to_owned() });
    }
    if out.is_empty() {
        return Err(Refusal::Empty);
    }
    Ok(out)
}

/// Splits CSV text into records of cells (RFC 4180 quoting), each with its 1-based line.
fn split(text: &str, sep: char) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let (mut cells, mut cell) = (Vec::new(), String::new());
    let (mut quoted, mut line, mut start) = (false, 1usize, 1usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => cells.push(std::mem::take(&mut cell)),
            '\r' if !quoted => {}
            '\n' if !quoted => {
                cells.push(std::mem::take(&mut cell));
                out.push((start, std::mem::take(&mut cells)));
                line += 1;
                start = line;
            }
            '\n' => {
                line += 1;
                cell.push(c);
            }
            c => cell.push(c),
        }
    }
    if !cell.is_empty() || !cells.is_empty() {
        cells.push(cell);
        out.push((start, cells));
    }
    out
}

/// A deputy who may be named: serving on the session date.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The deputy's id.
    pub id: String,
    /// Every name of the deputy (all languages and scripts).
    pub names: Vec<String>,
}

/// How one row's name matched.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Match {
    /// Exactly one deputy.
    One(String),
    /// Several deputies fit (e.g. the same initials): the clerk chooses.
    Ambiguous(Vec<String>),
    /// Nobody fits: the clerk chooses (the list is ordered by likeness).
    None(Vec<String>),
}

fn tokens(name: &str) -> Vec<String> {
    let folded = fold(&name.replace(['.', ',', '\u{a0}'], " ").replace('-', " "));
    folded.split_whitespace().map(str::to_owned).collect()
}

/// Whether `row` (as written in the export) names a deputy called `full`: the same words in any
/// order, or the family name with initials (`Иванов А.Б.`, `А. Б. Иванов`).
pub fn same_person(row: &str, full: &str) -> bool {
    let (mut r, mut f) = (tokens(row), tokens(full));
    if r.is_empty() || f.is_empty() {
        return false;
    }
    r.sort();
    f.sort();
    if r == f {
        return true;
    }
    // Initials: every whole word of the row is a word of the name, and every single letter is the
    // first letter of a different remaining word.
    let (initials, words): (Vec<String>, Vec<String>) =
        r.into_iter().partition(|t| t.chars().count() == 1 && t.chars().all(char::is_alphabetic));
    if initials.is_empty() || words.is_empty() {
        return false;
    }
    let mut rest = f;
    for w in &words {
        match rest.iter().position(|t| t == w) {
            Some(i) => {
                rest.remove(i);
            }
            None => return false,
        }
    }
    if initials.len() > rest.len() {
        return false;
    }
    for i in &initials {
        match rest.iter().position(|t| t.starts_with(i.as_str())) {
            Some(p) => {
                rest.remove(p);
            }
            None => return false,
        }
    }
    true
}

/// Matches one row's name against the candidates.
pub fn match_name(name: &str, candidates: &[Candidate]) -> Match {
    let hits: Vec<String> =
        candidates.iter().filter(|c| c.names.iter().any(|n| same_person(name, n))).map(|c| c.id.clone()).collect();
    match hits.len() {
        1 => Match::One(hits.into_iter().next().unwrap_or_default()),
        0 => {
            let mut scored: Vec<(usize, &Candidate)> = candidates
                .iter()
                .map(|c| (c.names.iter().map(|n| distance(name, n)).min().unwrap_or(usize::MAX), c))
                .collect();
            scored.sort_by_key(|(d, c)| (*d, c.id.clone()));
            Match::None(scored.into_iter().map(|(_, c)| c.id.clone()).collect())
        }
        _ => Match::Ambiguous(hits),
    }
}

/// Edit distance between the folded, word-sorted forms of two names (for ordering suggestions).
fn distance(a: &str, b: &str) -> usize {
    let norm = |s: &str| {
        let mut t = tokens(s);
        t.sort();
        t.join(" ").chars().collect::<Vec<char>>()
    };
    let (a, b) = (norm(a), norm(b));
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, names: &[&str]) -> Candidate {
        Candidate { id: id.into(), names: names.iter().map(|s| s.to_string()).collect() }
    }

    #[test]
    fn vote_words_are_read_in_three_languages() {
        assert_eq!(option("За"), Some(BallotOption::Yes));
        assert_eq!(option("иә"), Some(BallotOption::Yes));
        assert_eq!(option("ЖОҚ"), Some(BallotOption::No));
        assert_eq!(option("против"), Some(BallotOption::No));
        assert_eq!(option("қалыс қалды"), Some(BallotOption::Abstain));
        assert_eq!(option("Воздержался"), Some(BallotOption::Abstain));
        assert_eq!(option("не голосовал"), Some(BallotOption::NotVoting));
        assert_eq!(option("not voting"), Some(BallotOption::NotVoting));
        assert_eq!(option("maybe"), None);
    }

    #[test]
    fn names_match_across_case_yo_kazakh_letters_word_order_and_initials() {
        let full = "Әлиев Нұрлан Серікұлы";
        assert!(same_person("АЛИЕВ НУРЛАН СЕРИКУЛЫ", full));
        assert!(same_person("Нұрлан Әлиев Серікұлы", full));
        assert!(same_person("Әлиев Н.С.", full));
        assert!(same_person("Н. С. Алиев", full));
        assert!(same_person("Семён Фёдоров", "Семен Федоров"));
        assert!(!same_person("Әлиев Б.С.", full));
        assert!(!same_person("Әлиев", full));
    }

    #[test]
    fn one_ambiguous_or_no_match_with_the_likeliest_first() {
        let cs = [c("d1", &["Иванов Алексей"]), c("d2", &["Иванов Андрей"]), c("d3", &["Петрова Мария"])];
        assert_eq!(match_name("иванов алексей", &cs), Match::One("d1".into()));
        assert_eq!(match_name("Иванов А.", &cs), Match::Ambiguous(vec!["d1".into(), "d2".into()]));
        match match_name("Петрва Мария", &cs) {
            Match::None(order) => assert_eq!(order[0], "d3"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn csv_with_a_header_semicolons_and_quotes_is_read() {
        let rows = read_csv("Депутат;Голос\n\"Иванов; Алексей\";за\nПетрова Мария;против\n".as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "Иванов; Алексей");
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn formulas_binaries_workbooks_unknown_words_and_huge_files_are_refused() {
        assert_eq!(read_csv(b"name,vote\n=HYPERLINK(\"x\"),yes\n"), Err(Refusal::Formula { row: 2 }));
        assert!(matches!(read_upload(b"PK\x03\x04rest"), Err(Refusal::NotASpreadsheet(_))));
        assert!(matches!(read_upload(b"%PDF-1.7\n\x00\x01"), Err(Refusal::NotASpreadsheet(_))));
        assert!(matches!(read_csv(&[0xff, 0xfe, 0x00, 0x41]), Err(Refusal::NotASpreadsheet(_))));
        assert!(matches!(read_csv(b"name,vote\nA B,perhaps\n"), Err(Refusal::UnknownOption { row: 2, .. })));
        assert_eq!(read_csv(&vec![b'a'; MAX_BYTES + 1]), Err(Refusal::TooLarge));
        assert_eq!(read_csv(b"name,vote\n"), Err(Refusal::Empty));
    }
}
