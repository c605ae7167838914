//! Vote events with their ballots (each voter's party and seat on the day), a deputy's voting
//! record, and speeches.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::domain::enums::{BallotOption, Nomination, SeatType, VoteMethod, VoteResult};
use crate::domain::roster::period_covers;
use crate::entity::{ballot, deputy, mandate, party_membership, speech, vote_event};
use crate::store::paging::{Page, after, bad_cursor, cursor_part, page, split_cursor};
use crate::store::tables::{Ballot, Mandate, Speech, VoteEvent, all};
use crate::store::{Db, StoreError};

/// A ballot with the voter's standing on the vote's date.
#[derive(Debug, Clone)]
pub struct BallotRead {
    /// The deputy.
    pub deputy_id: String,
    /// Their ballot.
    pub option: BallotOption,
    /// Their party that day; none means non-partisan.
    pub party: Option<String>,
    /// Their mandate that day: how it was won and the seat type.
    pub mandate: Option<(Nomination, SeatType)>,
}

/// One line of a deputy's voting record.
#[derive(Debug, Clone)]
pub struct DeputyBallotRead {
    /// Their ballot.
    pub option: BallotOption,
    /// Their party that day; none means non-partisan.
    pub party: Option<String>,
    /// The vote event it was cast in.
    pub vote: VoteEvent,
}

/// Filters of [`list_vote_events`].
#[derive(Debug, Default, Clone)]
pub struct VoteFilter {
    /// Only this council.
    pub council: Option<String>,
    /// Only this session.
    pub session: Option<String>,
    /// On or after this date.
    pub from: Option<NaiveDate>,
    /// On or before this date.
    pub to: Option<NaiveDate>,
    /// Only this result.
    pub result: Option<VoteResult>,
    /// Only this method.
    pub method: Option<VoteMethod>,
    /// Only contested (true) or uncontested (false) votes.
    pub contested: Option<bool>,
}

/// Vote events by session date, then id.
pub async fn list_vote_events(
    db: &Db,
    f: &VoteFilter,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<VoteEvent>, StoreError> {
    let mut q = vote_event::Entity::find()
        .order_by_asc(vote_event::Column::SessionDate)
        .order_by_asc(vote_event::Column::Id)
        .limit(limit.saturating_add(1));
    if let Some(c) = &f.council {
        q = q.filter(vote_event::Column::CouncilId.eq(c.as_str()));
    }
    if let Some(s) = &f.session {
        q = q.filter(vote_event::Column::SessionId.eq(s.as_str()));
    }
    if let Some(d) = f.from {
        q = q.filter(vote_event::Column::SessionDate.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(vote_event::Column::SessionDate.lte(d));
    }
    if let Some(r) = f.result {
        q = q.filter(vote_event::Column::Result.eq(r.as_str()));
    }
    if let Some(m) = f.method {
        q = q.filter(vote_event::Column::Method.eq(m.as_str()));
    }
    if let Some(c) = f.contested {
        q = q.filter(vote_event::Column::Contested.eq(c));
    }
    if let Some(c) = cursor {
        let (d, id) = split_cursor(c)?;
        let d: NaiveDate = cursor_part(d)?;
        q = q.filter(after(vote_event::Column::SessionDate, d, vote_event::Column::Id, id));
    }
    let rows = all(q.all(db).await?)?;
    Ok(page(rows, limit, |e| format!("{}|{}", e.session_date, e.id)))
}

/// One vote event with its ballots (by deputy) and each voter's standing that day, read in one
/// snapshot.
pub async fn get_vote_event(db: &Db, id: &str) -> Result<(VoteEvent, Vec<BallotRead>), StoreError> {
    let txn = crate::store::snapshot(db).await?;
    let e = vote_event::Entity::find_by_id(id.to_owned())
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("vote event {id}")))?;
    let ballots: Vec<Ballot> = all(ballot::Entity::find()
        .filter(ballot::Column::VoteEventId.eq(id))
        .order_by_asc(ballot::Column::DeputyId)
        .all(&txn)
        .await?)?;
    let deputies: Vec<String> = ballots.iter().map(|b| b.deputy_id.clone()).collect();
    let mut standing = standing_on(&txn, &deputies, e.session_date).await?;
    txn.commit().await?;
    let ballots = ballots
        .into_iter()
        .map(|b| {
            let (party, mandate) = standing.remove(&b.deputy_id).unwrap_or_default();
            BallotRead { deputy_id: b.deputy_id, option: b.option, party, mandate }
        })
        .collect();
    Ok((VoteEvent::try_from(e)?, ballots))
}

/// A deputy's party and mandate on a date.
type Standing = (Option<String>, Option<(Nomination, SeatType)>);

/// For each deputy, their party on `date` (none when non-partisan) and their mandate's
/// nomination and seat type.
async fn standing_on<C: ConnectionTrait>(
    db: &C,
    deputies: &[String],
    date: NaiveDate,
) -> Result<HashMap<String, Standing>, StoreError> {
    let memberships = party_membership::Entity::find()
        .filter(party_membership::Column::DeputyId.is_in(deputies.to_vec()))
        .all(db)
        .await?;
    let mandates = mandate::Entity::find().filter(mandate::Column::DeputyId.is_in(deputies.to_vec())).all(db).await?;
    let mut out = HashMap::new();
    for d in deputies {
        let party = memberships
            .iter()
            .find(|m| &m.deputy_id == d && period_covers(m.start_date, m.end_date, date))
            .map(|m| m.party_id.clone());
        let seat = match mandates.iter().find(|m| &m.deputy_id == d && period_covers(m.start_date, m.end_date, date)) {
            None => None,
            Some(m) => {
                let m = Mandate::try_from(m.clone())?;
                Some((m.nomination, m.seat_type))
            }
        };
        out.insert(d.clone(), (party, seat));
    }
    Ok(out)
}

/// A deputy's ballots by session date, then vote event, each with the vote it was cast in and
/// the deputy's party that day.
pub async fn list_deputy_ballots(
    db: &Db,
    deputy_id: &str,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<DeputyBallotRead>, StoreError> {
    let txn = crate::store::snapshot(db).await?;
    if deputy::Entity::find_by_id(deputy_id.to_owned()).one(&txn).await?.is_none() {
        return Err(StoreError::NotFound(format!("deputy {deputy_id}")));
    }
    let memberships =
        party_membership::Entity::find().filter(party_membership::Column::DeputyId.eq(deputy_id)).all(&txn).await?;
    let mut q = ballot::Entity::find()
        .filter(ballot::Column::DeputyId.eq(deputy_id))
        .order_by_asc(ballot::Column::SessionDate)
        .order_by_asc(ballot::Column::VoteEventId)
        .limit(limit.saturating_add(1));
    if let Some(c) = cursor {
        let (d, id) = split_cursor(c)?;
        let d: NaiveDate = cursor_part(d)?;
        q = q.filter(after(ballot::Column::SessionDate, d, ballot::Column::VoteEventId, id));
    }
    let ballots: Vec<Ballot> = all(q.all(&txn).await?)?;
    let ids: Vec<String> = ballots.iter().map(|b| b.vote_event_id.clone()).collect();
    let mut events: HashMap<String, vote_event::Model> = vote_event::Entity::find()
        .filter(vote_event::Column::Id.is_in(ids))
        .all(&txn)
        .await?
        .into_iter()
        .map(|e| (e.id.clone(), e))
        .collect();
    txn.commit().await?;
    let mut rows = vec![];
    for b in &ballots {
        let Some(e) = events.remove(&b.vote_event_id) else { continue };
        let party = memberships
            .iter()
            .find(|m| period_covers(m.start_date, m.end_date, b.session_date))
            .map(|m| m.party_id.clone());
        rows.push(DeputyBallotRead { option: b.option, party, vote: VoteEvent::try_from(e)? });
    }
    Ok(page(rows, limit, |r| format!("{}|{}", r.vote.session_date, r.vote.id)))
}

/// Filters of [`list_speeches`].
#[derive(Debug, Default, Clone)]
pub struct SpeechFilter {
    /// Only this session.
    pub session: Option<String>,
    /// Only on this agenda item.
    pub agenda_item: Option<String>,
    /// Only this deputy's.
    pub deputy: Option<String>,
}

/// Speeches by session date, session and position.
pub async fn list_speeches(
    db: &Db,
    f: &SpeechFilter,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<Speech>, StoreError> {
    let mut q = speech::Entity::find()
        .order_by_asc(speech::Column::SessionDate)
        .order_by_asc(speech::Column::SessionId)
        .order_by_asc(speech::Column::Position)
        .limit(limit.saturating_add(1));
    if let Some(s) = &f.session {
        q = q.filter(speech::Column::SessionId.eq(s.as_str()));
    }
    if let Some(i) = &f.agenda_item {
        q = q.filter(speech::Column::AgendaItemId.eq(i.as_str()));
    }
    if let Some(d) = &f.deputy {
        q = q.filter(speech::Column::DeputyId.eq(d.as_str()));
    }
    if let Some(c) = cursor {
        // date|session|position, flattened as date|session#position to keep one separator.
        let (d, rest) = split_cursor(c)?;
        let (s, pos) = rest.rsplit_once('#').ok_or_else(bad_cursor)?;
        let d: NaiveDate = cursor_part(d)?;
        let pos: i32 = cursor_part(pos)?;
        let later_in_day = after(speech::Column::SessionId, s, speech::Column::Position, pos);
        let same_day = Condition::all().add(speech::Column::SessionDate.eq(d)).add(later_in_day);
        q = q.filter(Condition::any().add(speech::Column::SessionDate.gt(d)).add(same_day));
    }
    let rows = all(q.all(db).await?)?;
    Ok(page(rows, limit, |s| format!("{}|{}#{}", s.session_date, s.session_id, s.position)))
}
