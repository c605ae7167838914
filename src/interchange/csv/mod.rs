//! The CSV package of a council (or of every council): one RFC 4180 table per [`Table`], a
//! header row, CRLF line ends, fields quoted when they hold a comma, a quote or a line break
//! (quotes doubled). Names and titles get one column per common language (kk, kk-Latn, ru, en)
//! and one with every language as JSON. Tables are written a page of rows at a time from one
//! snapshot, so memory stays flat whatever their size; the same writer feeds a directory
//! (`maslikhat export --csv`) and an HTTP response (`GET …/export/csv/{table}`).

mod rows;

use std::path::Path;

use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::progress_bar;
use crate::store::{self, Snapshot, StoreError, export as q};

/// Rows read per query.
pub const PAGE: u64 = 500;

/// The tables of the CSV package, in the order they are written.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::Display,
)]
#[strum(serialize_all = "snake_case")]
pub enum Table {
    /// `councils.csv`.
    Councils,
    /// `deputies.csv`.
    Deputies,
    /// `mandates.csv`.
    Mandates,
    /// `party_memberships.csv`.
    PartyMemberships,
    /// `sessions.csv`.
    Sessions,
    /// `agenda_items.csv`.
    AgendaItems,
    /// `vote_events.csv`.
    VoteEvents,
    /// `ballots.csv`.
    Ballots,
    /// `speeches.csv`.
    Speeches,
}

impl Table {
    /// Every table, in the order the package writes them.
    pub const ALL: &'static [Table] = <Table as strum::VariantArray>::VARIANTS;

    /// The table's name (`vote_events`), also its file's stem and its path segment over HTTP.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The table named `name`, or an error listing the tables there are.
    pub fn named(name: &str) -> Result<Table, ExportError> {
        name.parse().map_err(|_| ExportError::UnknownTable(name.chars().take(40).collect()))
    }
}

fn table_list() -> String {
    Table::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing failed (or the reader went away).
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The database failed, or the council does not exist.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A CSV table that does not exist.
    #[error("unknown table {0}; the tables are {tables}", tables = table_list())]
    UnknownTable(String),
}

/// Appends one CSV record (RFC 4180: CRLF, quoted where needed).
///
/// A text that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or
/// a carriage return) gets a leading `'` inside quotes, as OWASP's "CSV Injection" advises, so
/// opening an export never runs what a publisher typed; a plain number such as `-3` stays as it
/// is, since a spreadsheet reads it as the number it is.
pub fn csv_row<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let f = f.as_ref();
        let formula = f.starts_with(['=', '+', '-', '@', '\t', '\r']) && f.parse::<f64>().is_err();
        if formula || f.contains([',', '"', '\n', '\r']) {
            out.push('"');
            if formula {
                out.push('\'');
            }
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out.push_str("\r\n");
}

/// Writes `buf` to `out` and empties it.
pub(crate) async fn put<W: AsyncWrite + Unpin>(out: &mut W, buf: &mut String) -> std::io::Result<()> {
    out.write_all(buf.as_bytes()).await?;
    buf.clear();
    Ok(())
}

/// Writes the CSV table `table` (of `council`, or of every council) to `out`. Returns the number
/// of data rows.
pub async fn write_csv<W: AsyncWrite + Unpin>(
    snap: &Snapshot,
    table: Table,
    council: Option<&str>,
    out: &mut W,
) -> Result<u64, ExportError> {
    let mut w = rows::Writer { out, buf: String::new(), rows: 0 };
    let c = council;
    match table {
        Table::Councils => w.table(rows::COUNCIL, |a| Box::pin(q::councils(snap, c, a, PAGE)), rows::council).await,
        Table::Deputies => w.table(rows::DEPUTY, |a| Box::pin(q::deputies(snap, c, a, PAGE)), rows::deputy).await,
        Table::Mandates => w.table(rows::MANDATE, |a| Box::pin(q::mandates(snap, c, a, PAGE)), rows::mandate).await,
        Table::PartyMemberships => {
            w.table(rows::MEMBERSHIP, |a| Box::pin(q::party_memberships(snap, c, a, PAGE)), rows::membership).await
        }
        Table::Sessions => w.table(rows::SESSION, |a| Box::pin(q::sessions(snap, c, a, PAGE)), rows::session).await,
        Table::AgendaItems => {
            w.table(rows::AGENDA_ITEM, |a| Box::pin(q::agenda_items(snap, c, a, PAGE)), rows::agenda_item).await
        }
        Table::VoteEvents => {
            w.table(rows::VOTE_EVENT, |a| Box::pin(q::vote_events(snap, c, a, PAGE)), rows::vote_event).await
        }
        Table::Ballots => w.ballots(snap, c).await,
        Table::Speeches => w.table(rows::SPEECH, |a| Box::pin(q::speeches(snap, c, a, PAGE)), rows::speech).await,
    }?;
    w.finish().await
}

/// Writes every table of the CSV package into `dir` (`{table}.csv`), of `council` or of every
/// council, from one snapshot. Returns the rows of each table.
pub async fn csv_package(
    db: &store::Db,
    dir: &Path,
    council: Option<&str>,
    progress: bool,
) -> Result<Vec<(Table, u64)>, ExportError> {
    tokio::fs::create_dir_all(dir).await?;
    let snap = store::snapshot(db).await.map_err(StoreError::from)?;
    if let Some(c) = council {
        store::councils::load_council(&snap, c).await?;
    }
    let pb = progress_bar(progress, Some(Table::ALL.len() as u64), "tables");
    let mut counts = Vec::new();
    for &table in Table::ALL {
        pb.set_message(table.as_str());
        let file = tokio::fs::File::create(dir.join(format!("{table}.csv"))).await?;
        let mut w = tokio::io::BufWriter::new(file);
        let n = write_csv(&snap, table, council, &mut w).await?;
        w.shutdown().await?;
        counts.push((table, n));
        pb.inc(1);
    }
    pb.finish_and_clear();
    snap.commit().await.map_err(StoreError::from)?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_named_by_its_file_stem_and_an_unknown_name_lists_the_tables() {
        assert_eq!(Table::named("party_memberships").ok(), Some(Table::PartyMemberships));
        assert_eq!(Table::VoteEvents.as_str(), "vote_events");
        assert_eq!(Table::ALL.first(), Some(&Table::Councils));
        let e = Table::named("passwords").expect_err("unknown").to_string();
        assert!(e.contains("passwords") && e.ends_with("ballots, speeches"), "{e}");
    }

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        let mut out = String::new();
        csv_row(&mut out, &["a", "b,c", "say \"hi\"", "line\r\nbreak", ""]);
        assert_eq!(out, "a,\"b,c\",\"say \"\"hi\"\"\",\"line\r\nbreak\",\r\n");
    }

    #[test]
    fn a_text_a_spreadsheet_would_run_as_a_formula_is_neutralised_and_numbers_are_kept() {
        let mut out = String::new();
        csv_row(
            &mut out,
            &["=HYPERLINK(\"http://evil.example/x\",\"x\")", "+1", "-3", "-2.5", "@SUM(A1)", "\tx", "a=b"],
        );
        assert_eq!(
            out,
            "\"'=HYPERLINK(\"\"http://evil.example/x\"\",\"\"x\"\")\",+1,-3,-2.5,\"'@SUM(A1)\",\"'\tx\",a=b\r\n"
        );
    }
}
