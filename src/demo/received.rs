//! When each invented document was "received": part of the invented history, so that for one
//! seed the whole database, the log's root hash included, is the same from run to run.
//!
//! - parties: the day before the 2023 election; a council: the day after it (its term start);
//! - a roster: the day after its latest dated event (a mandate, membership or role starting or
//!   ending), or the term start;
//! - a held session of a council that announces its sessions: first its agenda (with the draft
//!   decisions it has ready), ahead of the sitting by the council's notice lead time, then the
//!   whole record (votes, speeches, and minutes if any) after the sitting, from one day to two
//!   months later depending on how promptly the council publishes minutes. The server witnesses
//!   both, so the openness metrics use witnessed times for these sessions;
//! - a held session of a council that does not: only the whole record, after the sitting, which
//!   makes it *backfilled* (its declared notice, if any, is what the metrics use);
//!   A backfilled record may declare when its documents and minutes became public (see
//!   [`declare_times`]), which is what the metrics use for it;
//! - a planned session: its agenda, ahead of the sitting by the council's notice lead time;
//! - nothing later than the end of the last day of history (`until`, 23:59:59 in UTC+5).

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};

use super::rng::Rng;
use super::roster::{NoticeStyle, Profile, term_start};
use crate::domain::enums::{DocumentKind, SessionKind, SessionStatus};
use crate::domain::roster::Roster;
use crate::domain::session::{DeclaredTime, SessionRecord, local_date};

/// `date` at `h`:00 in Kazakhstan (UTC+5), as UTC.
fn local(date: NaiveDate, h: u32) -> DateTime<Utc> {
    let t = date.and_time(NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default());
    Utc.from_utc_datetime(&t) - Duration::hours(5)
}

/// The last instant of invented history.
pub fn cap(until: NaiveDate) -> DateTime<Utc> {
    local(until, 0) + Duration::days(1) - Duration::seconds(1)
}

/// When the parties' documents were received.
pub fn party(until: NaiveDate) -> DateTime<Utc> {
    local(term_start() - Duration::days(2), 12).min(cap(until))
}

/// When a council's document was received.
pub fn council(until: NaiveDate) -> DateTime<Utc> {
    local(term_start(), 10).min(cap(until))
}

/// When a council's roster (as of `until`) was received.
pub fn roster(r: &Roster, until: NaiveDate) -> DateTime<Utc> {
    let dates = r
        .deputies
        .iter()
        .flat_map(|d| {
            let m = d.mandates.iter().flat_map(|m| [Some(m.start_date), m.end_date]);
            let p = d.party_memberships.iter().flat_map(|p| [Some(p.start_date), p.end_date]);
            m.chain(p).collect::<Vec<_>>()
        })
        .chain(r.roles.iter().flat_map(|x| [Some(x.start_date), x.end_date]))
        .flatten()
        .filter(|d| *d <= until);
    let latest = dates.max().unwrap_or_else(term_start).max(term_start());
    local(latest + Duration::days(1), 9).min(cap(until))
}

/// When a session record was received.
pub fn session(seed: u64, id: &str, s: &SessionRecord, profile: &Profile, until: NaiveDate) -> DateTime<Utc> {
    let mut rng = Rng::derive(seed, &format!("{id}/received"));
    let jitter = Duration::minutes(rng.range(0, 8 * 60).into());
    if s.status == SessionStatus::Planned {
        return ahead(&mut rng, s, profile).min(cap(until));
    }
    let end = s.actual_end.or(s.scheduled_end).unwrap_or(s.scheduled_start);
    let days = match (s.minutes_document.is_some(), profile.minutes) {
        (false, _) => rng.range(1, 10),
        (true, m) if m >= 1.0 => rng.range(1, 8),
        (true, m) if m >= 0.95 => rng.range(3, 20),
        (true, m) if m >= 0.8 => rng.range(5, 35),
        (true, _) => rng.range(10, 60),
    };
    let at = local(local_date(end) + Duration::days(days.into()), 9) + jitter;
    at.max(end + Duration::minutes(30)).min(cap(until)).max(end)
}

/// When an agenda is sent ahead of the sitting, by the council's notice style.
fn ahead(rng: &mut Rng, s: &SessionRecord, profile: &Profile) -> DateTime<Utc> {
    let lead = match profile.notice {
        _ if s.kind == SessionKind::Extraordinary => rng.range(1, 3),
        NoticeStyle::Early => rng.range(10, 20),
        NoticeStyle::Mixed => rng.range(2, 14),
        NoticeStyle::Late | NoticeStyle::Never => rng.range(1, 4),
    };
    s.scheduled_start - Duration::days(lead.into()) - Duration::minutes(rng.range(0, 8 * 60).into())
}

/// The agenda a council that announces its sessions publishes ahead of a held session, and when;
/// `None` for councils that never announce (and, by chance, a few sessions of the others).
/// It is the record as known before the sitting: planned, with its agenda and the draft
/// decisions ready by then (all of them in councils that announce early, fewer in the others),
/// and nothing that only the sitting produces.
pub fn agenda_ahead(
    seed: u64,
    id: &str,
    s: &SessionRecord,
    profile: &Profile,
    until: NaiveDate,
) -> Option<(SessionRecord, DateTime<Utc>)> {
    let mut rng = Rng::derive(seed, &format!("{id}/ahead"));
    if s.status != SessionStatus::Held || profile.notice == NoticeStyle::Never || !rng.chance(0.9) {
        return None;
    }
    let at = ahead(&mut rng, s, profile);
    if at > cap(until) {
        return None;
    }
    let ready = match profile.notice {
        NoticeStyle::Early => 1.0,
        NoticeStyle::Mixed => 0.7,
        _ => 0.3,
    };
    let mut early = s.clone();
    early.status = SessionStatus::Planned;
    early.actual_start = None;
    early.actual_end = None;
    early.recording_url = None;
    early.minutes_document = None;
    early.vote_events.clear();
    early.speeches.clear();
    for item in &mut early.agenda {
        item.result = None;
    }
    early.documents.retain(|d| match d.kind {
        DocumentKind::Agenda => true,
        DocumentKind::DraftDecision | DocumentKind::ExplanatoryNote => rng.chance(ready),
        _ => false,
    });
    Some((early, at))
}

/// Declares, in a record received only at `received` (after the sitting: backfilled), when
/// each document and the minutes became public, as a council with its own web archive would:
/// the agenda and the drafts with the declared notice (or, without one, a few days after the
/// sitting), decisions and other papers after the sitting, the minutes shortly before the record
/// was sent. A council declares them with the chance of its profile, and now and then forgets
/// one document, so every kind of backfilled record occurs.
pub fn declare_times(
    seed: u64,
    council: &str,
    id: &str,
    s: &mut SessionRecord,
    profile: &Profile,
    received: DateTime<Utc>,
) {
    let mut rng = Rng::derive(seed, &format!("{id}/declared"));
    if s.status != SessionStatus::Held || !rng.chance(profile.declares_times) {
        return;
    }
    let end = s.actual_end.or(s.scheduled_end).unwrap_or(s.scheduled_start);
    let notice = s.declared_notice.as_ref().map(|n| n.published_at);
    for d in &mut s.documents {
        let hours = |rng: &mut Rng, lo: u32, hi: u32| Duration::hours(rng.range(lo, hi).into());
        let at = match (d.kind, notice) {
            (DocumentKind::Agenda | DocumentKind::DraftDecision | DocumentKind::ExplanatoryNote, Some(n)) => {
                n + hours(&mut rng, 0, 12)
            }
            (DocumentKind::Agenda | DocumentKind::DraftDecision | DocumentKind::ExplanatoryNote, None) => {
                end + hours(&mut rng, 24, 5 * 24)
            }
            (DocumentKind::Minutes, _) => (received - hours(&mut rng, 1, 48)).max(end),
            _ => end + hours(&mut rng, 24, 10 * 24),
        };
        if rng.chance(0.97) {
            d.declared_public = Some(DeclaredTime {
                published_at: at.min(received),
                source_url: format!("{}/{council}/archive/{}", super::sessions::DEMO_HOST, d.id),
            });
        }
    }
}
