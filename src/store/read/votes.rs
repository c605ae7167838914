//! Vote events with their ballots (each voter's party and seat on the day), a deputy's voting
//! record, and speeches.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::domain::enums::{
    BallotOption, MajorityRule, Nomination, SeatType, SpeakerRole, SpeechType, VoteMethod, VoteResult, VoteStage,
};
use crate::domain::roster::period_covers;
use crate::domain::session::Counts;
use crate::entity::{ballot, deputy, mandate, party_membership, speech, vote_event};
use crate::store::paging::{Page, after, bad_cursor, cursor_part, page, split_cursor};
use crate::store::stored::At;
use crate::store::{Db, StoreError};

/// A vote event as stored now.
#[derive(Debug, Clone)]
pub struct VoteEventRead {
    /// Its id.
    pub id: String,
    /// Its session.
    pub session_id: String,
    /// Its council.
    pub council_id: String,
    /// The agenda item voted on.
    pub agenda_item_id: String,
    /// Its order within the session.
    pub position: i32,
    /// The session's local date.
    pub session_date: NaiveDate,
    /// The motion per language tag.
    pub motion: BTreeMap<String, String>,
    /// Its stage.
    pub stage: VoteStage,
    /// How it was taken.
    pub method: VoteMethod,
    /// What it needed to pass.
    pub majority_rule: MajorityRule,
    /// Seats at the time.
    pub seats: u32,
    /// Its outcome.
    pub result: VoteResult,
    /// Counts (from ballots or as stated); none when unknown.
    pub counts: Option<Counts>,
    /// A named vote with every ballot.
    pub named: bool,
    /// At least 10 % dissent among yes, no and abstain.
    pub contested: bool,
}

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
    pub vote: VoteEventRead,
}

/// A speech as stored now.
#[derive(Debug, Clone)]
pub struct SpeechRead {
    /// Its id.
    pub id: String,
    /// Its session.
    pub session_id: String,
    /// The agenda item it was on.
    pub agenda_item_id: Option<String>,
    /// Its order within the session.
    pub position: i32,
    /// The speaking deputy.
    pub deputy_id: Option<String>,
    /// A speaker who is not a deputy.
    pub speaker_name: Option<String>,
    /// In which capacity.
    pub speaker_role: SpeakerRole,
    /// What kind.
    pub speech_type: SpeechType,
    /// Its language.
    pub language: String,
    /// Its duration.
    pub seconds: Option<u32>,
    /// Its text.
    pub text: Option<String>,
    /// The session's local date.
    pub session_date: NaiveDate,
}

fn vote_read(e: vote_event::Model) -> Result<VoteEventRead, StoreError> {
    let at = At::new("vote_event", &e.id);
    let count = |column, v: Option<i32>| -> Result<u32, StoreError> { at.number(column, v.unwrap_or(0)) };
    let counts = match e.yes_count {
        None => None,
        Some(yes) => Some(Counts {
            yes: at.number("yes_count", yes)?,
            no: count("no_count", e.no_count)?,
            abstain: count("abstain_count", e.abstain_count)?,
            not_voting: count("not_voting_count", e.not_voting_count)?,
            absent: count("absent_count", e.absent_count)?,
            excused: count("excused_count", e.excused_count)?,
        }),
    };
    Ok(VoteEventRead {
        motion: at.names("motion", &e.motion)?,
        stage: at.enumeration("stage", &e.stage)?,
        method: at.enumeration("method", &e.method)?,
        majority_rule: at.enumeration("majority_rule", &e.majority_rule)?,
        seats: at.number("seats", e.seats)?,
        result: at.enumeration("result", &e.result)?,
        counts,
        id: e.id,
        session_id: e.session_id,
        council_id: e.council_id,
        agenda_item_id: e.agenda_item_id,
        position: e.position,
        session_date: e.session_date,
        named: e.named,
        contested: e.contested,
    })
}

fn ballot_option(b: &ballot::Model) -> Result<BallotOption, StoreError> {
    let row = format!("{}/{}", b.vote_event_id, b.deputy_id);
    At::new("ballot", &row).enumeration("option", &b.option)
}

fn speech_read(x: speech::Model) -> Result<SpeechRead, StoreError> {
    let at = At::new("speech", &x.id);
    Ok(SpeechRead {
        speaker_role: at.enumeration("speaker_role", &x.speaker_role)?,
        speech_type: at.enumeration("speech_type", &x.speech_type)?,
        seconds: x.seconds.map(|s| at.number("seconds", s)).transpose()?,
        id: x.id,
        session_id: x.session_id,
        agenda_item_id: x.agenda_item_id,
        position: x.position,
        deputy_id: x.deputy_id,
        speaker_name: x.speaker_name,
        language: x.language,
        text: x.body_text,
        session_date: x.session_date,
    })
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
) -> Result<Page<VoteEventRead>, StoreError> {
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
    let rows = q.all(db).await?.into_iter().map(vote_read).collect::<Result<Vec<_>, _>>()?;
    Ok(page(rows, limit, |e| format!("{}|{}", e.session_date, e.id)))
}

/// One vote event with its ballots (by deputy) and each voter's standing that day, read in one
/// snapshot.
pub async fn get_vote_event(db: &Db, id: &str) -> Result<(VoteEventRead, Vec<BallotRead>), StoreError> {
    let txn = crate::store::snapshot(db).await?;
    let e = vote_event::Entity::find_by_id(id.to_owned())
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("vote event {id}")))?;
    let ballots = ballot::Entity::find()
        .filter(ballot::Column::VoteEventId.eq(id))
        .order_by_asc(ballot::Column::DeputyId)
        .all(&txn)
        .await?;
    let deputies: Vec<String> = ballots.iter().map(|b| b.deputy_id.clone()).collect();
    let mut standing = standing_on(&txn, &deputies, e.session_date).await?;
    txn.commit().await?;
    let ballots = ballots
        .iter()
        .map(|b| {
            let (party, mandate) = standing.remove(&b.deputy_id).unwrap_or_default();
            Ok(BallotRead { deputy_id: b.deputy_id.clone(), option: ballot_option(b)?, party, mandate })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((vote_read(e)?, ballots))
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
                let row = m.id.to_string();
                let at = At::new("mandate", &row);
                Some((at.enumeration("nomination", &m.nomination)?, at.enumeration("seat_type", &m.seat_type)?))
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
    let ballots = q.all(&txn).await?;
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
        rows.push(DeputyBallotRead { option: ballot_option(b)?, party, vote: vote_read(e)? });
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
) -> Result<Page<SpeechRead>, StoreError> {
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
    let rows = q.all(db).await?.into_iter().map(speech_read).collect::<Result<Vec<_>, _>>()?;
    Ok(page(rows, limit, |s| format!("{}|{}#{}", s.session_date, s.session_id, s.position)))
}
