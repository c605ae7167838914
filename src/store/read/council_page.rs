//! What a council's page reads, in two statements: its row with its data version (what its
//! metrics are cached under), then its deputies as counted on one day, every party's names, and
//! its latest sessions. The metrics themselves come from the metrics cache (or their own reads).
//!
//! Read apart, these were five statements and 37 rows for a district council, each statement a
//! pooled connection and a hand-off to SQLite's worker thread, each row crossing back on its own
//! and decoded column by column, although SQLite ran the queries in about 140 µs. With the
//! response cache off (scale 1, by hand, 8 December): 955 µs of server CPU a page with five
//! statements, 761–795 µs with the last three as one, 593 µs with two (issue 25). In the second,
//! each of the three reads is one column of one row: its records concatenated in the database
//! (`store::metrics::aggregate_exprs`), split here. No field can hold the separators (control
//! characters): ids, enum names and numbers, names as JSON text (which escapes every control
//! character), convocations (Roman numerals) and times as RFC 3339 text.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, QueryStatementBuilder, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend};

use super::deputies::{DeputyOnDay, covering};
use crate::domain::enums::{SessionKind, SessionStatus};
use crate::entity::{council, deputy, document_version, mandate, party, party_membership, session};
use crate::store::metrics::{aggregate_exprs, placeholder, records};
use crate::store::stored::At;
use crate::store::tables::{Council, Names};
use crate::store::{Db, StoreError};

/// A session as a council's page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionLine {
    /// Its id.
    pub id: String,
    /// Its convocation.
    pub convocation: String,
    /// Its number within the convocation.
    pub number: u32,
    /// Kind of sitting.
    pub kind: SessionKind,
    /// Where it stands.
    pub status: SessionStatus,
    /// Scheduled start.
    pub scheduled_start: DateTime<Utc>,
}

/// What [`council_page`] reads.
#[derive(Debug, Clone, PartialEq)]
pub struct CouncilPageReads {
    /// Every deputy of the council (listed or not), by id, with their seat type and party on the
    /// day by the rule of [`DeputyRead::mandate_on`](super::deputies::DeputyRead::mandate_on) and
    /// [`DeputyRead::party_on`](super::deputies::DeputyRead::party_on): of the rows covering the
    /// day, the one starting first (then the first stored).
    pub deputies: Vec<DeputyOnDay>,
    /// Every party's names, by party id.
    pub parties: Vec<(String, Names)>,
    /// The council's latest sessions, newest first (by scheduled start, then id, both descending).
    pub latest: Vec<SessionLine>,
}

/// Council `id`'s row and its data version (the newest change number and receive time among its
/// documents, as [`crate::store::metrics::data_version`] reads them), in one statement.
pub async fn council_versioned(db: &Db, id: &str) -> Result<(Council, i64, Option<DateTime<Utc>>), StoreError> {
    use sea_orm::{FromQueryResult, Iterable};

    let newest = |column: document_version::Column| {
        let mut s = Query::select();
        s.column((document_version::Entity, column))
            .from(document_version::Entity)
            .and_where(
                Expr::col((document_version::Entity, document_version::Column::CouncilId))
                    .equals((council::Entity, council::Column::Id)),
            )
            .order_by((document_version::Entity, document_version::Column::Seq), Order::Desc)
            .limit(1);
        Expr::SubQuery(None, Box::new(s.into_sub_query_statement()))
    };
    let mut q = Query::select();
    for c in council::Column::iter() {
        q.column((council::Entity, c));
    }
    q.expr_as(newest(document_version::Column::Seq), Alias::new("newest_seq"))
        .expr_as(newest(document_version::Column::ReceivedAt), Alias::new("newest_at"))
        .from(council::Entity)
        .and_where(Expr::col((council::Entity, council::Column::Id)).eq(id));
    let row = db
        .query_one_raw(db.get_database_backend().build(&q))
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("council {id}")))?;
    let seq: Option<i64> = row.try_get("", "newest_seq")?;
    let at: Option<DateTime<Utc>> = row.try_get("", "newest_at")?;
    Ok((council::Model::from_query_result(&row, "")?.try_into()?, seq.unwrap_or(0), at))
}

/// The deputies of council `council_id` on `day`, every party's names and the council's `sessions`
/// latest sessions, read in one statement (so in one snapshot).
pub async fn council_page(
    db: &Db,
    council_id: &str,
    day: NaiveDate,
    sessions: u64,
) -> Result<CouncilPageReads, StoreError> {
    let backend = db.get_database_backend();
    let sub = |s: SelectStatement| Expr::SubQuery(None, Box::new(s.into_sub_query_statement()));
    let mut q = Query::select();
    q.expr_as(sub(deputies(backend, council_id, day)), Alias::new("deputies"))
        .expr_as(sub(parties(backend)), Alias::new("parties"))
        .expr_as(sub(latest(backend, council_id, sessions)), Alias::new("sessions"));
    let row = db
        .query_one_raw(backend.build(&q))
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("council {council_id}")))?;
    let column =
        |name: &str| -> Result<String, StoreError> { Ok(row.try_get::<Option<String>>("", name)?.unwrap_or_default()) };
    Ok(CouncilPageReads {
        deputies: parse_deputies(&column("deputies")?)?,
        parties: parse_parties(&column("parties")?)?,
        latest: parse_sessions(&column("sessions")?)?,
    })
}

/// `e`, or `''` when NULL: an aggregated field may not be NULL.
fn or_none(backend: DbBackend, e: Expr) -> Expr {
    Expr::cust_with_expr(format!("coalesce({}, '')", placeholder(backend, 1)), e)
}

/// A column of the derived table `t`.
fn of(t: &'static str, c: &'static str) -> Expr {
    Expr::col((Alias::new(t), Alias::new(c)))
}

/// The council's deputies with their seat type and party on `day`, aggregated: each fact is a
/// correlated subquery ([`covering`]).
fn deputies(backend: DbBackend, council_id: &str, day: NaiveDate) -> SelectStatement {
    let mut rows = Query::select();
    rows.column((deputy::Entity, deputy::Column::Id))
        .column((deputy::Entity, deputy::Column::Names))
        .expr_as(or_none(backend, covering(mandate::Entity, "seat_type", day)), Alias::new("seat"))
        .expr_as(or_none(backend, covering(party_membership::Entity, "party_id", day)), Alias::new("party"))
        .from(deputy::Entity)
        .and_where(Expr::col((deputy::Entity, deputy::Column::CouncilId)).eq(council_id));
    let mut q = Query::select();
    q.expr(aggregate_exprs(backend, vec![of("d", "id"), of("d", "names"), of("d", "seat"), of("d", "party")]))
        .from_subquery(rows, Alias::new("d"));
    q
}

/// Every party's id and names, aggregated.
fn parties(backend: DbBackend) -> SelectStatement {
    let mut q = Query::select();
    q.expr(aggregate_exprs(
        backend,
        vec![Expr::col((party::Entity, party::Column::Id)), Expr::col((party::Entity, party::Column::Names))],
    ))
    .from(party::Entity);
    q
}

/// The council's `n` latest sessions, aggregated. The scheduled start goes as RFC 3339 text: as
/// SQLite stores it, formatted in UTC by PostgreSQL.
fn latest(backend: DbBackend, council_id: &str, n: u64) -> SelectStatement {
    let start = Expr::col((session::Entity, session::Column::ScheduledStart));
    let start = match backend {
        DbBackend::Postgres => {
            Expr::cust_with_expr(r#"to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"#, start)
        }
        _ => start,
    };
    let mut rows = Query::select();
    rows.column((session::Entity, session::Column::Id))
        .expr_as(Expr::col((session::Entity, session::Column::Number)).cast_as(Alias::new("text")), Alias::new("n"))
        .column((session::Entity, session::Column::Convocation))
        .expr_as(start, Alias::new("start"))
        .column((session::Entity, session::Column::Kind))
        .column((session::Entity, session::Column::Status))
        .from(session::Entity)
        .and_where(Expr::col((session::Entity, session::Column::CouncilId)).eq(council_id))
        .order_by((session::Entity, session::Column::ScheduledStart), Order::Desc)
        .order_by((session::Entity, session::Column::Id), Order::Desc)
        .limit(n);
    let mut q = Query::select();
    q.expr(aggregate_exprs(
        backend,
        vec![of("s", "id"), of("s", "n"), of("s", "convocation"), of("s", "start"), of("s", "kind"), of("s", "status")],
    ))
    .from_subquery(rows, Alias::new("s"));
    q
}

/// A record that does not have the fields it should.
fn short(table: &'static str, list: &str) -> StoreError {
    StoreError::corrupt(table, "(aggregate)", "fields", list)
}

fn parse_deputies(list: &str) -> Result<Vec<DeputyOnDay>, StoreError> {
    let mut out = vec![];
    for mut f in records(list) {
        let (Some(id), Some(names), Some(seat), Some(party), None) = (f.next(), f.next(), f.next(), f.next(), f.next())
        else {
            return Err(short("deputy", list));
        };
        let seat = (!seat.is_empty()).then_some(seat);
        out.push(DeputyOnDay {
            id: id.to_owned(),
            names: At::new("deputy", id).names("names", names)?,
            seat_type: At::new("mandate", id).opt_enumeration("seat_type", seat)?,
            party: (!party.is_empty()).then(|| party.to_owned()),
        });
    }
    // By id, as bytes compare (the database's order of an aggregate is unspecified).
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

fn parse_parties(list: &str) -> Result<Vec<(String, Names)>, StoreError> {
    let mut out = vec![];
    for mut f in records(list) {
        let (Some(id), Some(names), None) = (f.next(), f.next(), f.next()) else {
            return Err(short("party", list));
        };
        out.push((id.to_owned(), At::new("party", id).names("names", names)?));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

fn parse_sessions(list: &str) -> Result<Vec<SessionLine>, StoreError> {
    let mut out = vec![];
    for mut f in records(list) {
        let (Some(id), Some(number), Some(convocation), Some(start), Some(kind), Some(status), None) =
            (f.next(), f.next(), f.next(), f.next(), f.next(), f.next(), f.next())
        else {
            return Err(short("session", list));
        };
        let at = At::new("session", id);
        let number: i64 = number.parse().map_err(|_| StoreError::corrupt("session", id, "number", number))?;
        out.push(SessionLine {
            id: id.to_owned(),
            convocation: convocation.to_owned(),
            number: at.number("number", number)?,
            kind: at.enumeration("kind", kind)?,
            status: at.enumeration("status", status)?,
            scheduled_start: DateTime::parse_from_rfc3339(start)
                .map_err(|_| StoreError::corrupt("session", id, "scheduled_start", start))?
                .with_timezone(&Utc),
        });
    }
    out.sort_by(|a, b| (b.scheduled_start, &b.id).cmp(&(a.scheduled_start, &a.id)));
    Ok(out)
}
