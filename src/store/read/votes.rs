//! Vote events with their ballots (each voter's party and seat on the day), a deputy's voting
//! record, and speeches.

use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::domain::enums::{BallotOption, Nomination, SeatType, VoteMethod, VoteResult};
use crate::entity::{ballot, deputy, speech, vote_event};
use crate::store::paging::{Page, after, bad_cursor, cursor_part, page, split_cursor};
use crate::store::tables::{Names, Speech, VoteEvent, all};
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
    /// The vote event it was cast in, as far as a voting record shows it.
    pub vote: VoteLine,
}

/// What a line of a deputy's voting record shows of the vote event: six of its twenty columns,
/// so a page of ballots copies and decodes no more than it serves (issue 25).
#[derive(Debug, Clone)]
pub struct VoteLine {
    /// The vote event's id.
    pub id: String,
    /// Its session.
    pub session_id: String,
    /// The session's date.
    pub session_date: NaiveDate,
    /// The agenda item voted on.
    pub agenda_item_id: String,
    /// The motion per language tag.
    pub motion: Names,
    /// Result.
    pub result: VoteResult,
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
/// statement (so in one snapshot) as one row: the event's columns and its ballots concatenated
/// (`store::metrics::aggregate_exprs`), each with the voter's party and mandate that day from
/// correlated subqueries (of several rows covering the day, the first stored: the lowest id).
/// One round trip instead of six (a transaction around four reads): with the response cache
/// off, the round trips were most of the read's time (issue 25). One row instead of one per
/// ballot, each repeating the event's twenty columns (its motion too), which the driver copied
/// out every time.
pub async fn get_vote_event(db: &Db, id: &str) -> Result<(VoteEvent, Vec<BallotRead>), StoreError> {
    use sea_orm::sea_query::{Alias, ExprTrait, Query, QueryStatementBuilder};
    use sea_orm::{FromQueryResult, Iterable};

    use crate::store::metrics::{aggregate_exprs, placeholder, records};
    use crate::store::stored::At;

    let backend = db.get_database_backend();
    let voter = || Expr::col((ballot::Entity, ballot::Column::DeputyId));
    let day = || Expr::col((vote_event::Entity, vote_event::Column::SessionDate));
    let or_none = |e: Expr| Expr::cust_with_expr(format!("coalesce({}, '')", placeholder(backend, 1)), e);
    let mut ballots = Query::select();
    ballots
        .expr(aggregate_exprs(
            backend,
            vec![
                voter(),
                Expr::col((ballot::Entity, ballot::Column::Option)),
                or_none(on_the_day("party_membership", "party_id", voter(), day())),
                or_none(on_the_day("mandate", "nomination", voter(), day())),
                or_none(on_the_day("mandate", "seat_type", voter(), day())),
            ],
        ))
        .from(ballot::Entity)
        .and_where(
            Expr::col((ballot::Entity, ballot::Column::VoteEventId))
                .equals((vote_event::Entity, vote_event::Column::Id)),
        );
    let mut q = Query::select();
    for c in vote_event::Column::iter() {
        q.column((vote_event::Entity, c));
    }
    q.expr_as(Expr::SubQuery(None, Box::new(ballots.into_sub_query_statement())), Alias::new("ballots"))
        .from(vote_event::Entity)
        .and_where(Expr::col((vote_event::Entity, vote_event::Column::Id)).eq(id));
    let row =
        db.query_one_raw(backend.build(&q)).await?.ok_or_else(|| StoreError::NotFound(format!("vote event {id}")))?;
    let event = VoteEvent::try_from(vote_event::Model::from_query_result(&row, "")?)?;
    let list = row.try_get::<Option<String>>("", "ballots")?.unwrap_or_default();
    let mut ballots = vec![];
    for mut f in records(&list) {
        let (Some(deputy_id), Some(option), Some(party), Some(nomination), Some(seat)) =
            (f.next(), f.next(), f.next(), f.next(), f.next())
        else {
            return Err(StoreError::Corrupt {
                table: "ballot",
                row: id.to_owned(),
                column: "deputy_id",
                value: list.chars().take(200).collect(),
            });
        };
        let at = At::new("ballot", deputy_id);
        let option = at.enumeration("option", option)?;
        let mandate = if nomination.is_empty() || seat.is_empty() {
            None
        } else {
            let at = At::new("mandate", deputy_id);
            Some((at.enumeration("nomination", nomination)?, at.enumeration("seat_type", seat)?))
        };
        let party = (!party.is_empty()).then(|| party.to_owned());
        ballots.push(BallotRead { deputy_id: deputy_id.to_owned(), option, party, mandate });
    }
    // By deputy id, as bytes compare (the database's order of an aggregate is unspecified).
    ballots.sort_by(|a, b| a.deputy_id.cmp(&b.deputy_id));
    Ok((event, ballots))
}

/// Column `col` of the row of `table` (`party_membership` or `mandate`) that covers day `day`
/// for deputy `deputy`, as a correlated subquery: of several, the first stored (the lowest id),
/// none when none covers it.
fn on_the_day(table: &'static str, col: &'static str, deputy: Expr, day: Expr) -> Expr {
    use sea_orm::sea_query::{Alias, ExprTrait, Order, Query, QueryStatementBuilder, SelectStatement};
    let c = |name: &'static str| Expr::col((Alias::new(table), Alias::new(name)));
    let mut s: SelectStatement = Query::select();
    s.expr(c(col))
        .from(Alias::new(table))
        .and_where(c("deputy_id").eq(deputy))
        .and_where(c("start_date").lte(day.clone()))
        .and_where(c("end_date").is_null().or(c("end_date").gte(day)))
        .order_by((Alias::new(table), Alias::new("id")), Order::Asc)
        .limit(1);
    Expr::SubQuery(None, Box::new(s.into_sub_query_statement()))
}

/// A deputy's ballots by session date, then vote event, each with the vote it was cast in and
/// the deputy's party that day (of several memberships covering it, the first stored). Read in
/// one statement (so in one snapshot): the deputy's row, left-joined to the page of their
/// ballots after the cursor and to each ballot's vote event. One round trip instead of six (a
/// transaction around four reads), most of the read's time with the response cache off
/// (issue 25).
pub async fn list_deputy_ballots(
    db: &Db,
    deputy_id: &str,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<DeputyBallotRead>, StoreError> {
    use sea_orm::sea_query::{Alias, ExprTrait, JoinType, Order, Query};

    use crate::store::stored::At;

    // The page itself, limited before anything is joined to it: a deputy's ballots after the
    // cursor, in the order of the index on (deputy_id, session_date), so that a page costs the
    // same for a deputy with ten ballots as for one with thousands.
    let mut ballots = Query::select();
    ballots
        .columns([
            ballot::Column::DeputyId,
            ballot::Column::VoteEventId,
            ballot::Column::SessionDate,
            ballot::Column::Option,
        ])
        .from(ballot::Entity)
        .and_where(Expr::col((ballot::Entity, ballot::Column::DeputyId)).eq(deputy_id));
    if let Some(c) = cursor {
        let (d, id) = split_cursor(c)?;
        let d: NaiveDate = cursor_part(d)?;
        ballots.cond_where(after(ballot::Column::SessionDate, d, ballot::Column::VoteEventId, id));
    }
    ballots
        .order_by((ballot::Entity, ballot::Column::SessionDate), Order::Asc)
        .order_by((ballot::Entity, ballot::Column::VoteEventId), Order::Asc)
        .limit(limit.saturating_add(1));
    let b = Alias::new("page");
    let col = |c: &'static str| Expr::col((b.clone(), Alias::new(c)));
    let mut q = Query::select();
    q.columns([
        (vote_event::Entity, vote_event::Column::Id),
        (vote_event::Entity, vote_event::Column::SessionId),
        (vote_event::Entity, vote_event::Column::SessionDate),
        (vote_event::Entity, vote_event::Column::AgendaItemId),
        (vote_event::Entity, vote_event::Column::Motion),
        (vote_event::Entity, vote_event::Column::Result),
    ]);
    let voter = Expr::col((deputy::Entity, deputy::Column::Id));
    q.expr_as(col("option"), Alias::new("ballot_option"))
        .expr_as(on_the_day("party_membership", "party_id", voter, col("session_date")), Alias::new("ballot_party"))
        .from(deputy::Entity)
        .join_subquery(
            JoinType::LeftJoin,
            ballots,
            b.clone(),
            col("deputy_id").equals((deputy::Entity, deputy::Column::Id)),
        )
        .left_join(
            vote_event::Entity,
            Expr::col((vote_event::Entity, vote_event::Column::Id)).equals((b.clone(), Alias::new("vote_event_id"))),
        )
        .and_where(Expr::col((deputy::Entity, deputy::Column::Id)).eq(deputy_id))
        .order_by((b.clone(), Alias::new("session_date")), Order::Asc)
        .order_by((b, Alias::new("vote_event_id")), Order::Asc);
    let rows = db.query_all_raw(db.get_database_backend().build(&q)).await?;
    if rows.is_empty() {
        return Err(StoreError::NotFound(format!("deputy {deputy_id}")));
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        // The one row of a deputy without (further) ballots has none of a ballot's columns.
        let Some(option) = r.try_get::<Option<String>>("", "ballot_option")? else { continue };
        let Some(id) = r.try_get::<Option<String>>("", "id")? else { continue };
        let at = At::new("vote_event", &id);
        let vote = VoteLine {
            session_id: r.try_get("", "session_id")?,
            session_date: r.try_get("", "session_date")?,
            agenda_item_id: r.try_get("", "agenda_item_id")?,
            motion: at.names("motion", &r.try_get::<String>("", "motion")?)?,
            result: at.enumeration("result", &r.try_get::<String>("", "result")?)?,
            id,
        };
        let option = At::new("ballot", &vote.id).enumeration("option", &option)?;
        out.push(DeputyBallotRead { option, party: r.try_get("", "ballot_party")?, vote });
    }
    Ok(page(out, limit, |r| format!("{}|{}", r.vote.session_date, r.vote.id)))
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
