//! Revoked token ids (`jti`): a refused token stays refused on every node.

use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use super::{Db, StoreError};
use crate::entity::revoked_token;

/// True when `jti` has been revoked.
pub async fn is_revoked(db: &Db, jti: &str) -> Result<bool, StoreError> {
    Ok(revoked_token::Entity::find_by_id(jti.to_owned()).one(db).await?.is_some())
}

/// Revokes `jti` (idempotent).
pub async fn revoke(db: &Db, jti: &str, reason: Option<String>) -> Result<(), StoreError> {
    if revoked_token::Entity::find_by_id(jti.to_owned()).one(db).await?.is_none() {
        revoked_token::ActiveModel {
            jti: Set(jti.to_owned()),
            revoked_at: Set(chrono::Utc::now()),
            reason: Set(reason),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
