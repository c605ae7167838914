//! Loading one council's records as the plain inputs of the metric functions.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::StoreError;
use crate::domain::metrics as m;
use crate::entity::{
    agenda_item, ballot, document, document_version, mandate, party_membership, session, speech, vote_event,
};

fn parse_enum<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

/// The newest change number and receive time among a council's documents (or all councils'
/// documents; parties carry no council and change no metric): what a cached metric must be
/// recomputed after.
pub async fn data_version(
    db: &DatabaseConnection,
    council: Option<&str>,
) -> Result<(i64, Option<DateTime<Utc>>), StoreError> {
    // Only the two columns: the row's body can be large.
    let mut q = document_version::Entity::find()
        .select_only()
        .column(document_version::Column::Seq)
        .column(document_version::Column::ReceivedAt)
        .order_by_desc(document_version::Column::Seq)
        .limit(1);
    q = match council {
        Some(c) => q.filter(document_version::Column::CouncilId.eq(c)),
        None => q.filter(document_version::Column::CouncilId.is_not_null()),
    };
    let row: Option<(i64, DateTime<Utc>)> = q.into_tuple().one(db).await?;
    Ok(row.map_or((0, None), |(seq, at)| (seq, Some(at))))
}

/// The newest change number of every council's documents, in one query (for rankings, which
/// would otherwise ask once per council).
pub async fn data_versions(db: &DatabaseConnection) -> Result<HashMap<String, i64>, StoreError> {
    let rows: Vec<(Option<String>, Option<i64>)> = document_version::Entity::find()
        .select_only()
        .column(document_version::Column::CouncilId)
        .column_as(document_version::Column::Seq.max(), "seq")
        .filter(document_version::Column::CouncilId.is_not_null())
        .group_by(document_version::Column::CouncilId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(c, s)| Some((c?, s?))).collect())
}

/// Everything the metrics need about one council, all periods (the metric functions scope it).
/// Read in one snapshot. Backfilled sessions carry declared times only; the others witnessed
/// times only (see `metrics.md`).
pub async fn load_period(db: &DatabaseConnection, council_id: &str) -> Result<m::CouncilPeriod, StoreError> {
    let mut all = load_periods(db, &[council_id.to_owned()]).await?;
    Ok(all.remove(council_id).unwrap_or_else(|| empty_period(council_id)))
}

/// The inputs of a council with no stored records.
pub fn empty_period(council_id: &str) -> m::CouncilPeriod {
    m::CouncilPeriod {
        council_id: council_id.to_owned(),
        sessions: vec![],
        agenda_items: vec![],
        vote_events: vec![],
        speeches: vec![],
        deputies: vec![],
    }
}

/// The stored rows of one council, as read.
#[derive(Default)]
struct Rows {
    sessions: Vec<session::Model>,
    items: Vec<agenda_item::Model>,
    docs: Vec<document::Model>,
    votes: Vec<vote_event::Model>,
    speeches: Vec<speech::Model>,
    mandates: Vec<mandate::Model>,
    memberships: Vec<party_membership::Model>,
}

/// [`load_period`] for several councils at once, in one snapshot and one query per table (so a
/// national ranking reads a batch of councils in a handful of queries). Councils without any
/// stored row are absent from the map.
pub async fn load_periods(
    db: &DatabaseConnection,
    councils: &[String],
) -> Result<HashMap<String, m::CouncilPeriod>, StoreError> {
    let txn = super::snapshot(db).await?;
    let db = &txn;
    let ids = || councils.iter().cloned();
    let mut rows: HashMap<String, Rows> = HashMap::new();
    for x in session::Entity::find().filter(session::Column::CouncilId.is_in(ids())).all(db).await? {
        at(&mut rows, &x.council_id).sessions.push(x);
    }
    for x in agenda_item::Entity::find().filter(agenda_item::Column::CouncilId.is_in(ids())).all(db).await? {
        at(&mut rows, &x.council_id).items.push(x);
    }
    for x in document::Entity::find().filter(document::Column::CouncilId.is_in(ids())).all(db).await? {
        at(&mut rows, &x.council_id).docs.push(x);
    }
    for x in vote_event::Entity::find().filter(vote_event::Column::CouncilId.is_in(ids())).all(db).await? {
        at(&mut rows, &x.council_id).votes.push(x);
    }
    for x in speech::Entity::find().filter(speech::Column::CouncilId.is_in(ids())).all(db).await? {
        at(&mut rows, &x.council_id).speeches.push(x);
    }
    for x in mandate::Entity::find().filter(mandate::Column::CouncilId.is_in(ids())).all(db).await? {
        at(&mut rows, &x.council_id).mandates.push(x);
    }
    for x in party_membership::Entity::find().filter(party_membership::Column::CouncilId.is_in(ids())).all(db).await? {
        at(&mut rows, &x.council_id).memberships.push(x);
    }
    // Ballots by session (indexed), in chunks that keep each query's parameter list short.
    let session_ids: Vec<String> = rows.values().flat_map(|r| r.sessions.iter().map(|s| s.id.clone())).collect();
    let mut ballots: HashMap<String, Vec<m::Ballot>> = HashMap::new();
    for chunk in session_ids.chunks(500) {
        for b in ballot::Entity::find().filter(ballot::Column::SessionId.is_in(chunk.to_vec())).all(db).await? {
            if let Some(option) = parse_enum(&b.option) {
                ballots.entry(b.vote_event_id).or_default().push(m::Ballot { deputy_id: b.deputy_id, option });
            }
        }
    }
    txn.commit().await?;
    Ok(rows.into_iter().map(|(c, r)| (c.clone(), assemble(&c, r, &mut ballots))).collect())
}

fn at<'a>(rows: &'a mut HashMap<String, Rows>, council: &str) -> &'a mut Rows {
    rows.entry(council.to_owned()).or_default()
}

/// One council's rows as metric inputs.
fn assemble(council_id: &str, r: Rows, ballots: &mut HashMap<String, Vec<m::Ballot>>) -> m::CouncilPeriod {
    let Rows { sessions, items, docs, votes, speeches, mandates, memberships } = r;
    let backfilled: HashMap<String, bool> = sessions.iter().map(|s| (s.id.clone(), s.backfilled)).collect();
    let mut docs_of_item: HashMap<String, Vec<m::PublicTime>> = HashMap::new();
    for d in docs {
        if let Some(item) = d.agenda_item_id {
            docs_of_item.entry(item).or_default().push(m::PublicTime::witnessed(d.first_public_at));
        }
    }
    let mut deputies: HashMap<String, m::Deputy> = HashMap::new();
    for md in mandates {
        deputies
            .entry(md.deputy_id.clone())
            .or_insert_with(|| m::Deputy { id: md.deputy_id.clone(), mandates: vec![], party_memberships: vec![] })
            .mandates
            .push(m::DateRange { start: md.start_date, end: md.end_date });
    }
    for pm in memberships {
        if let Some(d) = deputies.get_mut(&pm.deputy_id) {
            d.party_memberships.push(m::PartyMembership {
                party_id: pm.party_id,
                period: m::DateRange { start: pm.start_date, end: pm.end_date },
            });
        }
    }
    let is_backfilled = |sid: &str| backfilled.get(sid).copied().unwrap_or(false);
    m::CouncilPeriod {
        council_id: council_id.to_owned(),
        sessions: sessions
            .into_iter()
            .filter_map(|s| {
                Some(m::Session {
                    kind: parse_enum(&s.kind)?,
                    status: parse_enum(&s.status)?,
                    scheduled_start: s.scheduled_start,
                    scheduled_end: s.scheduled_end,
                    actual_end: s.actual_end,
                    is_open: s.is_open,
                    has_livestream: s.livestream_url.is_some(),
                    has_recording: s.recording_url.is_some(),
                    backfilled: s.backfilled,
                    agenda_first_public: if s.backfilled {
                        s.declared_notice_at.map(m::PublicTime::declared)
                    } else {
                        s.agenda_first_public_at.map(m::PublicTime::witnessed)
                    },
                    // No record declares when minutes were published, so a backfilled session's
                    // minutes component is null rather than computed from a backfill time.
                    minutes_first_public: if s.backfilled {
                        None
                    } else {
                        s.minutes_first_public_at.map(m::PublicTime::witnessed)
                    },
                    id: s.id,
                })
            })
            .collect(),
        agenda_items: items
            .into_iter()
            .map(|a| m::AgendaItem {
                documents_first_public: if is_backfilled(&a.session_id) {
                    vec![]
                } else {
                    docs_of_item.remove(&a.id).unwrap_or_default()
                },
                id: a.id,
                session_id: a.session_id,
                is_open: a.is_open,
            })
            .collect(),
        vote_events: votes
            .into_iter()
            .filter_map(|v| {
                Some(m::VoteEvent {
                    method: parse_enum(&v.method)?,
                    result: parse_enum(&v.result)?,
                    counts: v.yes_count.map(|yes| m::VoteCounts {
                        yes: yes.max(0) as u64,
                        no: v.no_count.unwrap_or(0).max(0) as u64,
                        abstain: v.abstain_count.unwrap_or(0).max(0) as u64,
                    }),
                    ballots: ballots.remove(&v.id).unwrap_or_default(),
                    id: v.id,
                    session_id: v.session_id,
                    agenda_item_id: v.agenda_item_id,
                })
            })
            .collect(),
        speeches: speeches
            .into_iter()
            .filter_map(|s| {
                Some(m::Speech {
                    role: parse_enum(&s.speaker_role)?,
                    speech_type: parse_enum(&s.speech_type)?,
                    session_id: s.session_id,
                    agenda_item_id: s.agenda_item_id,
                    deputy_id: s.deputy_id,
                    seconds: s.seconds.map(|x| x.max(0) as u64),
                })
            })
            .collect(),
        deputies: deputies.into_values().collect(),
    }
}
