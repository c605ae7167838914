//! What the log keeps about its identity and its witnesses: the origin fixed at creation,
//! witnesses' cosignatures, each witness's state as the log knows it, and the lease that lets
//! one API node at a time ask the witnesses.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::StoreError;
use crate::domain::log::canonical;
use crate::domain::log::merkle::Hash;
use crate::entity::{log_cosignature, log_identity, log_lease, log_witness};

/// The log's origin. The first call on a log stores `configured`; every later call returns
/// what was stored, whatever `configured` says then.
pub async fn origin<C: ConnectionTrait>(db: &C, configured: &str) -> Result<String, StoreError> {
    if let Some(row) = log_identity::Entity::find_by_id(1).one(db).await? {
        return Ok(row.origin);
    }
    log_identity::Entity::insert(log_identity::ActiveModel {
        id: Set(1),
        origin: Set(configured.to_owned()),
        created_at: Set(Utc::now()),
    })
    .on_conflict(OnConflict::column(log_identity::Column::Id).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    // Two nodes starting at once: whichever inserted first decided.
    let row = log_identity::Entity::find_by_id(1).one(db).await?;
    Ok(row.map_or_else(|| configured.to_owned(), |r| r.origin))
}

/// A stored cosignature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosignature {
    /// The witness's name.
    pub witness: String,
    /// The signature line, with its newline.
    pub line: String,
}

/// The cosignatures stored for the checkpoint of `size` leaves and root `root`.
pub async fn cosignatures<C: ConnectionTrait>(db: &C, size: u64, root: &Hash) -> Result<Vec<Cosignature>, StoreError> {
    Ok(log_cosignature::Entity::find()
        .filter(log_cosignature::Column::TreeSize.eq(size as i64))
        .filter(log_cosignature::Column::RootHash.eq(canonical::to_hex(root)))
        .order_by_asc(log_cosignature::Column::Witness)
        .all(db)
        .await?
        .into_iter()
        .map(|r| Cosignature { witness: r.witness, line: r.line })
        .collect())
}

/// The checkpoints (size, root) with at least `quorum` stored cosignatures, largest first, at
/// most `limit`.
pub async fn cosigned<C: ConnectionTrait>(db: &C, quorum: u64, limit: u64) -> Result<Vec<(u64, Hash)>, StoreError> {
    use sea_orm::sea_query::{Expr, ExprTrait as _};
    let rows: Vec<(i64, String)> = log_cosignature::Entity::find()
        .select_only()
        .columns([log_cosignature::Column::TreeSize, log_cosignature::Column::RootHash])
        .group_by(log_cosignature::Column::TreeSize)
        .group_by(log_cosignature::Column::RootHash)
        .having(Expr::col(log_cosignature::Column::Witness).count().gte(quorum as i64))
        .order_by_desc(log_cosignature::Column::TreeSize)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(size, hex)| {
            let root = canonical::from_hex(&hex)?;
            Some((size as u64, root.try_into().ok()?))
        })
        .collect())
}

/// Stores a witness's cosignature (a second one for the same checkpoint replaces nothing).
pub async fn add_cosignature<C: ConnectionTrait>(
    db: &C,
    size: u64,
    root: &Hash,
    witness: &str,
    line: &str,
    signed_at: u64,
) -> Result<(), StoreError> {
    log_cosignature::Entity::insert(log_cosignature::ActiveModel {
        tree_size: Set(size as i64),
        root_hash: Set(canonical::to_hex(root)),
        witness: Set(witness.to_owned()),
        line: Set(line.to_owned()),
        signed_at: Set(i64::try_from(signed_at).unwrap_or(i64::MAX)),
        received_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([
            log_cosignature::Column::TreeSize,
            log_cosignature::Column::RootHash,
            log_cosignature::Column::Witness,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// How many cosignatures are stored (a node notices new ones by this moving).
pub async fn cosignature_count<C: ConnectionTrait>(db: &C) -> Result<u64, StoreError> {
    Ok(log_cosignature::Entity::find().count(db).await?)
}

/// What the log knows of one witness.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WitnessState {
    /// The size of the latest checkpoint it cosigned for this log, as far as the log knows.
    pub cosigned_size: u64,
    /// Failed requests since the last success.
    pub failures: u32,
    /// Not to be asked before this time (backoff).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The last failure, for operators.
    pub last_error: Option<String>,
}

/// The state of witness `name` (the default for one never asked).
pub async fn witness_state<C: ConnectionTrait>(db: &C, name: &str) -> Result<WitnessState, StoreError> {
    Ok(log_witness::Entity::find_by_id(name.to_owned())
        .one(db)
        .await?
        .map(|r| WitnessState {
            cosigned_size: r.cosigned_size.max(0) as u64,
            failures: r.failures.max(0) as u32,
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
        })
        .unwrap_or_default())
}

/// Saves the state of witness `name`.
pub async fn save_witness_state<C: ConnectionTrait>(db: &C, name: &str, s: &WitnessState) -> Result<(), StoreError> {
    let row = log_witness::ActiveModel {
        witness: Set(name.to_owned()),
        cosigned_size: Set(s.cosigned_size as i64),
        failures: Set(i32::try_from(s.failures).unwrap_or(i32::MAX)),
        next_attempt_at: Set(s.next_attempt_at),
        last_error: Set(s.last_error.clone()),
        updated_at: Set(Utc::now()),
    };
    log_witness::Entity::insert(row)
        .on_conflict(
            OnConflict::column(log_witness::Column::Witness)
                .update_columns([
                    log_witness::Column::CosignedSize,
                    log_witness::Column::Failures,
                    log_witness::Column::NextAttemptAt,
                    log_witness::Column::LastError,
                    log_witness::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Takes or renews lease `name` for `holder` until `until`, if it is free, expired or already
/// `holder`'s. True when `holder` holds it now. One statement each way, so two nodes racing for
/// it cannot both win.
pub async fn take_lease<C: ConnectionTrait>(
    db: &C,
    name: &str,
    holder: &str,
    until: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let now = Utc::now();
    let renewed = log_lease::Entity::update_many()
        .col_expr(log_lease::Column::Holder, holder.into())
        .col_expr(log_lease::Column::ExpiresAt, until.into())
        .filter(log_lease::Column::Name.eq(name))
        .filter(
            sea_orm::Condition::any()
                .add(log_lease::Column::Holder.eq(holder))
                .add(log_lease::Column::ExpiresAt.lt(now)),
        )
        .exec(db)
        .await?;
    if renewed.rows_affected == 1 {
        return Ok(true);
    }
    let inserted = log_lease::Entity::insert(log_lease::ActiveModel {
        name: Set(name.to_owned()),
        holder: Set(holder.to_owned()),
        expires_at: Set(until),
    })
    .on_conflict(OnConflict::column(log_lease::Column::Name).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}
