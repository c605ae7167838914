//! Reads behind the Popolo and CSV exports: the normalized tables of one council (or of every
//! council) as typed read models ([`super::tables`]), a page at a time in key order, so an
//! export of any size runs in flat memory. Every function takes any connection, so an export can
//! read all its pages from one snapshot ([`super::snapshot`]).

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{StoreError, tables};
use crate::entity::{
    agenda_item, ballot, commission, convocation, council, deputy, deputy_role, document_version, mandate, party,
    party_membership, session, speech, vote_event,
};

/// Declares `$name(conn, council, after, limit)`: up to `limit` rows of `$m` whose key `$key`
/// is above `after`, of `council` when given, in key order.
macro_rules! paged {
    ($(#[$doc:meta])* $name:ident, $m:ident => $read:ident, $key:ident: $ty:ty, $council:ident) => {
        $(#[$doc])*
        pub async fn $name<C: ConnectionTrait>(
            conn: &C,
            council: Option<&str>,
            after: Option<$ty>,
            limit: u64,
        ) -> Result<Vec<tables::$read>, StoreError> {
            let mut q = $m::Entity::find();
            if let Some(c) = council {
                q = q.filter($m::Column::$council.eq(c));
            }
            if let Some(a) = after {
                q = q.filter($m::Column::$key.gt(a));
            }
            tables::all(q.order_by_asc($m::Column::$key).limit(limit).all(conn).await?)
        }
    };
}

paged!(
    /// Councils by id (`council` selects one).
    councils, council => Council, Id: String, Id
);
paged!(
    /// Deputies by id.
    deputies, deputy => Deputy, Id: String, CouncilId
);
paged!(
    /// Mandates by row id.
    mandates, mandate => Mandate, Id: i32, CouncilId
);
paged!(
    /// Party memberships by row id.
    party_memberships, party_membership => PartyMembership, Id: i32, CouncilId
);
paged!(
    /// Commissions by id.
    commissions, commission => Commission, Id: String, CouncilId
);
paged!(
    /// Roles (chairs, secretaries, commission posts, faction leaders) by row id.
    roles, deputy_role => Role, Id: i32, CouncilId
);
paged!(
    /// Sessions by id.
    sessions, session => Session, Id: String, CouncilId
);
paged!(
    /// Agenda items by id.
    agenda_items, agenda_item => AgendaItem, Id: String, CouncilId
);
paged!(
    /// Vote events by id.
    vote_events, vote_event => VoteEvent, Id: String, CouncilId
);
paged!(
    /// Speeches by id.
    speeches, speech => Speech, Id: String, CouncilId
);

/// Every party, by id (a few dozen at most).
pub async fn parties<C: ConnectionTrait>(conn: &C) -> Result<Vec<tables::Party>, StoreError> {
    tables::all(party::Entity::find().order_by_asc(party::Column::Id).all(conn).await?)
}

/// The convocations of `council`, oldest first.
pub async fn convocations<C: ConnectionTrait>(conn: &C, council: &str) -> Result<Vec<tables::Convocation>, StoreError> {
    let rows = convocation::Entity::find()
        .filter(convocation::Column::CouncilId.eq(council))
        .order_by_asc(convocation::Column::StartDate)
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The ballots of the vote events `ids`, by vote event and deputy.
pub async fn ballots_of<C: ConnectionTrait>(conn: &C, ids: &[String]) -> Result<Vec<tables::Ballot>, StoreError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    tables::all(
        ballot::Entity::find()
            .filter(ballot::Column::VoteEventId.is_in(ids.iter().map(String::as_str)))
            .order_by_asc(ballot::Column::VoteEventId)
            .order_by_asc(ballot::Column::DeputyId)
            .all(conn)
            .await?,
    )
}

/// The scheduled start of each of the sessions `ids` (vote events and speeches carry only the
/// session's date).
pub async fn session_starts<C: ConnectionTrait>(
    conn: &C,
    ids: &[String],
) -> Result<std::collections::HashMap<String, chrono::DateTime<chrono::Utc>>, StoreError> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(String, chrono::DateTime<chrono::Utc>)> = session::Entity::find()
        .select_only()
        .column(session::Column::Id)
        .column(session::Column::ScheduledStart)
        .filter(session::Column::Id.is_in(ids.iter().map(String::as_str)))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The newest change number among the documents an export of `council` is made of (its own
/// and every party's): an export's strong validator.
pub async fn change_number<C: ConnectionTrait>(conn: &C, council: &str) -> Result<i64, StoreError> {
    let row: Option<Option<i64>> = document_version::Entity::find()
        .select_only()
        .column_as(document_version::Column::Seq.max(), "seq")
        .filter(
            Condition::any()
                .add(document_version::Column::CouncilId.eq(council))
                .add(document_version::Column::Kind.eq("party")),
        )
        .into_tuple()
        .one(conn)
        .await?;
    Ok(row.flatten().unwrap_or(0))
}
