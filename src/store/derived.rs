//! Tables of metric inputs that a migration has just created (named in `derived_fill`): each is
//! filled from every session's current stored version by the projection's own code, and its
//! name removed, in the transaction of the start-up migration, before anything is served. So a
//! database that held sessions before such a table existed serves the same metrics as one that
//! has published them since (issue 25: an empty table would make rankings silently wrong).
//!
//! `council` is named when a migration adds a column the projection derives from each council's
//! document (its served JSON): every council row is rewritten from its current stored version.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::StoreError;
use super::batch::insert_all;
use super::projection::{self, Document, Logged};
use super::version::DocKind;
use crate::entity::{council, document_version, session, session_debate_tally, session_deputy_tally};

/// Sessions filled at a time: the fill runs in flat memory whatever the size of the history.
const PAGE: u64 = 500;

/// The tables this server knows how to fill, each derived from session records alone.
pub const FILLABLE: &[&str] = &["session_deputy_tally", "session_debate_tally", "council"];

/// Fills every table `derived_fill` names and removes the names. Returns the tables filled (none
/// when nothing was pending, or another node filled them first). Run inside the migration's
/// transaction.
pub async fn fill_pending<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, StoreError> {
    let select = Query::select().column(Alias::new("table_name")).from(Alias::new("derived_fill")).to_owned();
    let mut pending = vec![];
    for row in db.query_all(&select).await? {
        pending.push(row.try_get::<String>("", "table_name")?);
    }
    let mut filled = vec![];
    for table in pending {
        if !FILLABLE.contains(&table.as_str()) {
            return Err(StoreError::BadRequest(format!(
                "derived_fill names the table {table}, which this server cannot fill: start the version whose \
                 migration named it"
            )));
        }
        let delete = Query::delete()
            .from_table(Alias::new("derived_fill"))
            .and_where(Expr::col(Alias::new("table_name")).eq(table.as_str()))
            .to_owned();
        if db.execute(&delete).await?.rows_affected() > 0 {
            filled.push(table);
        }
    }
    if filled.iter().any(|t| t == "council") {
        let councils = fill_councils(db).await?;
        tracing::info!(councils, "wrote every council's derived columns from its stored version");
    }
    // One pass fills every per-session table, whichever of them were named.
    if filled.iter().any(|t| t != "council") {
        let (sessions, rows) = fill_session_aggregates(db).await?;
        tracing::info!(tables = ?filled, sessions, rows, "filled new tables of metric inputs from the stored session records");
    }
    Ok(filled)
}

/// Rewrites every council's row from its current stored version ([`projection::council`]), its
/// creation time kept. Returns the councils written.
async fn fill_councils<C: ConnectionTrait>(db: &C) -> Result<u64, StoreError> {
    let rows: Vec<(String, i32, DateTime<Utc>)> = council::Entity::find()
        .select_only()
        .columns([council::Column::Id, council::Column::Version, council::Column::CreatedAt])
        .into_tuple()
        .all(db)
        .await?;
    let current: HashMap<String, (i32, DateTime<Utc>)> = rows.into_iter().map(|(id, v, c)| (id, (v, c))).collect();
    let mut written = 0;
    let versions = document_version::Entity::find()
        .filter(document_version::Column::Kind.eq(DocKind::Council.as_str()))
        .all(db)
        .await?;
    for v in versions {
        let Some(&(version, created)) = current.get(&v.doc_id) else { continue };
        if version != v.version {
            continue;
        }
        let logged = Logged::stored(&v)?;
        let Document::Council(doc) = projection::parse(&logged)? else { continue };
        let rows = projection::council(&logged, &doc, Some(created)).map_err(StoreError::Invalid)?;
        council::Entity::update_many()
            .col_expr(council::Column::Served, Expr::value(rows.council.served))
            .filter(council::Column::Id.eq(v.doc_id.as_str()))
            .exec(db)
            .await?;
        written += 1;
    }
    Ok(written)
}

/// Replaces the rows of the per-session aggregate tables with those each session's current
/// stored version implies ([`projection::session_aggregates`]). Returns the sessions read and
/// the rows written.
async fn fill_session_aggregates<C: ConnectionTrait>(db: &C) -> Result<(u64, u64), StoreError> {
    session_deputy_tally::Entity::delete_many().exec(db).await?;
    session_debate_tally::Entity::delete_many().exec(db).await?;
    let (mut sessions, mut rows) = (0u64, 0u64);
    let mut after = String::new();
    loop {
        let page: Vec<(String, i32)> = session::Entity::find()
            .select_only()
            .columns([session::Column::Id, session::Column::Version])
            .filter(session::Column::Id.gt(after.as_str()))
            .order_by_asc(session::Column::Id)
            .limit(PAGE)
            .into_tuple()
            .all(db)
            .await?;
        let Some((last, _)) = page.last() else { break };
        after = last.clone();
        let current: HashMap<String, i32> = page.into_iter().collect();
        let versions = document_version::Entity::find()
            .filter(document_version::Column::Kind.eq(DocKind::SessionRecord.as_str()))
            .filter(document_version::Column::DocId.is_in(current.keys().cloned()))
            .all(db)
            .await?;
        let (mut tallies, mut debates) = (vec![], vec![]);
        for v in versions.iter().filter(|v| current.get(&v.doc_id) == Some(&v.version)) {
            let logged = Logged::stored(v)?;
            let Document::Session(doc) = projection::parse(&logged)? else { continue };
            let derived = projection::session_aggregates(&logged, &doc).map_err(StoreError::Invalid)?;
            sessions += 1;
            tallies.extend(derived.deputy_tallies.into_iter().map(session_deputy_tally::ActiveModel::from));
            debates.push(session_debate_tally::ActiveModel::from(derived.debate_tally));
        }
        rows += (tallies.len() + debates.len()) as u64;
        insert_all(db, tallies).await?;
        insert_all(db, debates).await?;
    }
    Ok((sessions, rows))
}
