//! Reads behind bulk export: every stored document version in change order, a page at a time so
//! an export of any size runs in flat memory.

use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::StoreError;
use super::publish::VersionMeta;
use crate::entity::document_version;

/// One stored version with its canonical JSON body.
#[derive(Debug, Clone)]
pub struct StoredVersion {
    /// Its metadata.
    pub meta: VersionMeta,
    /// The canonical JSON exactly as stored (and hashed).
    pub body: String,
}

/// Which versions an export covers.
#[derive(Debug, Clone, Default)]
pub struct ExportScope {
    /// Only this council's documents, plus what they need to be re-published elsewhere: every
    /// party, and the documents of the council's parent council.
    pub council: Option<String>,
    /// The parent of `council`, when it has one.
    pub parent: Option<String>,
}

/// Up to `limit` versions with a change number above `after_seq`, in change order.
pub async fn versions_after(
    db: &DatabaseConnection,
    scope: &ExportScope,
    after_seq: i64,
    limit: u64,
) -> Result<Vec<StoredVersion>, StoreError> {
    let mut q = document_version::Entity::find().filter(document_version::Column::Seq.gt(after_seq));
    if let Some(c) = &scope.council {
        let mut cond = Condition::any()
            .add(document_version::Column::CouncilId.eq(c.as_str()))
            .add(document_version::Column::Kind.eq("party"));
        if let Some(p) = &scope.parent {
            cond = cond.add(
                Condition::all()
                    .add(document_version::Column::Kind.eq("council"))
                    .add(document_version::Column::DocId.eq(p.as_str())),
            );
        }
        q = q.filter(cond);
    }
    let rows = q.order_by_asc(document_version::Column::Seq).limit(limit).all(db).await?;
    rows.into_iter()
        .map(|m| {
            let body = m.body.clone();
            Ok(StoredVersion { meta: m.try_into()?, body })
        })
        .collect()
}

/// Whether version `version` of the document (`kind`, `id`) is stored with this SHA-256.
pub async fn has_version<C: sea_orm::ConnectionTrait>(
    db: &C,
    kind: &str,
    id: &str,
    version: i32,
    sha256: &str,
) -> Result<bool, StoreError> {
    let found = document_version::Entity::find()
        .select_only()
        .column(document_version::Column::Id)
        .filter(document_version::Column::Kind.eq(kind))
        .filter(document_version::Column::DocId.eq(id))
        .filter(document_version::Column::Version.eq(version))
        .filter(document_version::Column::Sha256.eq(sha256))
        .into_tuple::<i64>()
        .one(db)
        .await?;
    Ok(found.is_some())
}
