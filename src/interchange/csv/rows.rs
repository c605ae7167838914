//! Each table's header and the fields of one of its rows, and the writer that pages through a
//! table. The headers are written out whole (not built) so that a reader of this file sees each
//! table's columns in order.

use std::pin::Pin;

use chrono::{DateTime, SecondsFormat, Utc};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::{ExportError, PAGE, csv_row, put};
use crate::store::tables::{self as t, Names};
use crate::store::{Snapshot, StoreError, export as q};

/// A row's key, to fetch the page after it.
pub(super) trait Keyed {
    type Key: Clone;
    fn key(&self) -> Self::Key;
}

macro_rules! keyed {
    ($($t:ident: $k:ty),*) => {
        $(impl Keyed for t::$t {
            type Key = $k;
            fn key(&self) -> $k {
                self.id.clone()
            }
        })*
    };
}

keyed!(Council: String, Deputy: String, Mandate: i32, PartyMembership: i32, Session: String, AgendaItem: String,
    VoteEvent: String, Speech: String);

/// The next page of a table's rows. Boxed and `Send`, so that a table can be written from a
/// spawned task (an HTTP response body).
pub(super) type Page<'a, R> = Pin<Box<dyn Future<Output = Result<Vec<R>, StoreError>> + Send + 'a>>;

/// A table being written: the buffered text of the current page and the rows so far.
pub(super) struct Writer<'a, W> {
    pub out: &'a mut W,
    pub buf: String,
    pub rows: u64,
}

impl<W: AsyncWrite + Unpin> Writer<'_, W> {
    /// Writes `header`, then every row `fetch` returns, page after page in key order.
    pub async fn table<'a, R: Keyed>(
        &mut self,
        header: &[&str],
        fetch: impl Fn(Option<R::Key>) -> Page<'a, R>,
        row: fn(R) -> Vec<String>,
    ) -> Result<(), ExportError> {
        csv_row(&mut self.buf, header);
        let mut after = None;
        loop {
            let page = fetch(after.clone()).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.key());
            for r in page {
                csv_row(&mut self.buf, &row(r));
                self.rows += 1;
            }
            put(self.out, &mut self.buf).await?;
        }
        Ok(())
    }

    /// The ballots table: the ballots of each page of vote events.
    pub async fn ballots(&mut self, snap: &Snapshot, council: Option<&str>) -> Result<(), ExportError> {
        csv_row(&mut self.buf, BALLOT);
        let mut after = None;
        loop {
            let page = q::vote_events(snap, council, after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            let ids: Vec<String> = page.into_iter().map(|r| r.id).collect();
            for b in q::ballots_of(snap, &ids).await? {
                let option = b.option.as_str().to_owned();
                csv_row(
                    &mut self.buf,
                    &[b.vote_event_id, b.deputy_id, option, b.session_id, b.session_date.to_string()],
                );
                self.rows += 1;
            }
            put(self.out, &mut self.buf).await?;
        }
        Ok(())
    }

    /// Flushes what is left; returns the number of data rows.
    pub async fn finish(mut self) -> Result<u64, ExportError> {
        put(self.out, &mut self.buf).await?;
        self.out.flush().await?;
        Ok(self.rows)
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn o<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn ot(v: Option<DateTime<Utc>>) -> String {
    v.map(time).unwrap_or_default()
}

fn json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The four language columns and the JSON column of a names map.
fn lang_cols(m: &Names) -> [String; 5] {
    let g = |l: &str| m.get(l).cloned().unwrap_or_default();
    [g("kk"), g("kk-Latn"), g("ru"), g("en"), json(m)]
}

/// Concatenates field groups into one row.
fn cat<const N: usize>(parts: [&[String]; N]) -> Vec<String> {
    parts.concat()
}

pub(super) const COUNCIL: &[&str] = &[
    "id",
    "level",
    "parent_id",
    "kato",
    "seats",
    "website",
    "synthetic",
    "version",
    "created_at",
    "updated_at",
    "name_kk",
    "name_kk_latn",
    "name_ru",
    "name_en",
    "names_json",
];

pub(super) fn council(r: t::Council) -> Vec<String> {
    let head = [r.id, r.level.as_str().into(), o(r.parent_id), o(r.kato), r.seats.to_string(), o(r.website)];
    let tail = [r.synthetic.to_string(), r.version.to_string(), time(r.created_at), time(r.updated_at)];
    cat([&head, &tail, &lang_cols(&r.names)])
}

pub(super) const DEPUTY: &[&str] = &[
    "id",
    "council_id",
    "gender",
    "listed",
    "synthetic",
    "name_kk",
    "name_kk_latn",
    "name_ru",
    "name_en",
    "names_json",
    "given_names_json",
    "family_names_json",
    "patronymic_names_json",
    "contacts_json",
];

pub(super) fn deputy(r: t::Deputy) -> Vec<String> {
    let gender = o(r.gender.map(|g| g.as_str()));
    let head = [r.id, r.council_id, gender, r.listed.to_string(), r.synthetic.to_string()];
    let parts = [json(&r.given_names), json(&r.family_names), json(&r.patronymic_names), json(&r.contacts)];
    cat([&head, &lang_cols(&r.names), &parts])
}

pub(super) const MANDATE: &[&str] = &[
    "deputy_id",
    "council_id",
    "convocation",
    "seat_type",
    "district",
    "nomination",
    "nominating_party_id",
    "start_date",
    "end_date",
    "end_reason",
];

pub(super) fn mandate(r: t::Mandate) -> Vec<String> {
    vec![
        r.deputy_id,
        r.council_id,
        r.convocation,
        r.seat_type.as_str().into(),
        o(r.district),
        r.nomination.as_str().into(),
        o(r.nominating_party_id),
        r.start_date.to_string(),
        o(r.end_date),
        o(r.end_reason.map(|e| e.as_str())),
    ]
}

pub(super) const MEMBERSHIP: &[&str] = &["deputy_id", "council_id", "party_id", "start_date", "end_date"];

pub(super) fn membership(r: t::PartyMembership) -> Vec<String> {
    vec![r.deputy_id, r.council_id, r.party_id, r.start_date.to_string(), o(r.end_date)]
}

pub(super) const SESSION: &[&str] = &[
    "id",
    "council_id",
    "convocation",
    "number",
    "kind",
    "status",
    "scheduled_start",
    "scheduled_end",
    "actual_start",
    "actual_end",
    "place",
    "is_open",
    "livestream_url",
    "recording_url",
    "minutes_document_id",
    "declared_notice_at",
    "declared_notice_source",
    "backfilled",
    "first_received_at",
    "agenda_first_public_at",
    "minutes_first_public_at",
    "synthetic",
    "version",
];

pub(super) fn session(r: t::Session) -> Vec<String> {
    let what =
        [r.id, r.council_id, r.convocation, r.number.to_string(), r.kind.as_str().into(), r.status.as_str().into()];
    let when = [time(r.scheduled_start), ot(r.scheduled_end), ot(r.actual_start), ot(r.actual_end)];
    let how = [o(r.place), r.is_open.to_string(), o(r.livestream_url), o(r.recording_url), o(r.minutes_document_id)];
    let notice = [ot(r.declared_notice_at), o(r.declared_notice_source), r.backfilled.to_string()];
    let witnessed = [time(r.first_received_at), ot(r.agenda_first_public_at), ot(r.minutes_first_public_at)];
    cat([&what, &when, &how, &notice, &witnessed, &[r.synthetic.to_string(), r.version.to_string()]])
}

pub(super) const AGENDA_ITEM: &[&str] = &[
    "id",
    "session_id",
    "council_id",
    "position",
    "number_label",
    "title_kk",
    "title_kk_latn",
    "title_ru",
    "title_en",
    "titles_json",
    "initiator",
    "is_open",
    "result",
    "first_public_at",
    "added_late",
];

pub(super) fn agenda_item(r: t::AgendaItem) -> Vec<String> {
    let head = [r.id, r.session_id, r.council_id, r.position.to_string(), o(r.number_label)];
    let result = o(r.result.map(|x| x.as_str()));
    let tail = [r.initiator.as_str().into(), r.is_open.to_string(), result, time(r.first_public_at)];
    cat([&head, &lang_cols(&r.titles), &tail, &[r.added_late.to_string()]])
}

pub(super) const VOTE_EVENT: &[&str] = &[
    "id",
    "session_id",
    "council_id",
    "agenda_item_id",
    "position",
    "session_date",
    "motion_kk",
    "motion_kk_latn",
    "motion_ru",
    "motion_en",
    "motions_json",
    "stage",
    "method",
    "majority_rule",
    "seats",
    "result",
    "yes",
    "no",
    "abstain",
    "not_voting",
    "absent",
    "excused",
    "named",
    "contested",
];

pub(super) fn vote_event(r: t::VoteEvent) -> Vec<String> {
    let head = [r.id, r.session_id, r.council_id, r.agenda_item_id, r.position.to_string(), r.session_date.to_string()];
    let how = [r.stage.as_str(), r.method.as_str(), r.majority_rule.as_str()].map(String::from);
    let outcome = [r.seats.to_string(), r.result.as_str().into()];
    let counts: Vec<String> = match r.counts {
        Some(c) => c.by_option().iter().map(|(_, n)| n.to_string()).collect(),
        None => vec![String::new(); 6],
    };
    cat([&head, &lang_cols(&r.motion), &how, &outcome, &counts, &[r.named.to_string(), r.contested.to_string()]])
}

pub(super) const BALLOT: &[&str] = &["vote_event_id", "deputy_id", "option", "session_id", "session_date"];

pub(super) const SPEECH: &[&str] = &[
    "id",
    "session_id",
    "council_id",
    "agenda_item_id",
    "position",
    "deputy_id",
    "speaker_name",
    "speaker_role",
    "speech_type",
    "language",
    "seconds",
    "text",
    "session_date",
];

pub(super) fn speech(r: t::Speech) -> Vec<String> {
    let who = [o(r.deputy_id), o(r.speaker_name), r.speaker_role.as_str().into(), r.speech_type.as_str().into()];
    let what = [r.language, o(r.seconds), o(r.body_text), r.session_date.to_string()];
    cat([&[r.id, r.session_id, r.council_id, o(r.agenda_item_id), r.position.to_string()], &who, &what])
}
