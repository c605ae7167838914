//! Reads of the transparency log, the operator's audit, and rebuilding the normalized tables
//! from the stored versions.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

use super::StoreError;
use super::publish::{DocKind, VersionMeta, leaf_time};
use crate::domain::log::merkle::{self, Hash};
use crate::domain::log::{self as tlog, canonical};
use crate::entity::{
    agenda_item, ballot, commission, convocation, council, deputy, deputy_role, document, document_version, log_entry,
    mandate, party, party_membership, session, speech, vote_event, write_head,
};

/// The committed size of the log and its root.
pub async fn head<C: ConnectionTrait>(db: &C) -> Result<(u64, Hash), StoreError> {
    let h = write_head::Entity::find_by_id(1).one(db).await?.ok_or_else(|| StoreError::NotFound("log head".into()))?;
    let frontier: Vec<Hash> = h
        .frontier
        .split(',')
        .filter(|x| !x.is_empty())
        .filter_map(canonical::from_hex)
        .filter_map(|b| merkle::hash_from_slice(&b).ok())
        .collect();
    Ok((h.log_size.max(0) as u64, tlog::frontier_root(&frontier)))
}

/// The leaf hashes of the first `size` entries.
pub async fn leaf_hashes<C: ConnectionTrait>(db: &C, size: u64) -> Result<Vec<Hash>, StoreError> {
    let rows = log_entry::Entity::find()
        .filter(log_entry::Column::Idx.lt(size as i64))
        .order_by_asc(log_entry::Column::Idx)
        .all(db)
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| canonical::from_hex(&r.leaf_hash))
        .filter_map(|b| merkle::hash_from_slice(&b).ok())
        .collect())
}

/// A log entry with the version it logs.
#[derive(Debug, Clone)]
pub struct EntryRead {
    /// Its index.
    pub index: i64,
    /// The exact leaf data (canonical JSON) that was hashed.
    pub leaf_data: String,
    /// The version, with the entry's leaf hash (hex).
    pub version: VersionMeta,
}

/// Entries `[start, end)` with their versions.
pub async fn entries(db: &DatabaseConnection, start: u64, end: u64) -> Result<Vec<EntryRead>, StoreError> {
    let entries = log_entry::Entity::find()
        .filter(log_entry::Column::Idx.gte(start as i64))
        .filter(log_entry::Column::Idx.lt(end as i64))
        .order_by_asc(log_entry::Column::Idx)
        .all(db)
        .await?;
    let ids: Vec<i64> = entries.iter().map(|e| e.version_id).collect();
    let versions: HashMap<i64, document_version::Model> = document_version::Entity::find()
        .filter(document_version::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    Ok(entries
        .into_iter()
        .filter_map(|e| {
            versions.get(&e.version_id).cloned().map(|v| {
                let mut version = VersionMeta::from(v);
                version.leaf_hash = Some(e.leaf_hash);
                EntryRead { index: e.idx, leaf_data: e.leaf_data, version }
            })
        })
        .collect())
}

/// The stored canonical JSON of the version at log `index`, byte for byte.
pub async fn entry_body(db: &DatabaseConnection, index: u64) -> Result<String, StoreError> {
    let e = log_entry::Entity::find_by_id(index as i64)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("log entry {index}")))?;
    let v = document_version::Entity::find_by_id(e.version_id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("version of log entry {index}")))?;
    Ok(v.body)
}

/// One thing `audit` found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Which table and row.
    pub row: String,
    /// What does not match.
    pub problem: String,
}

/// What `audit` checked and found.
#[derive(Debug, Default)]
pub struct AuditReport {
    /// Log entries checked.
    pub entries: u64,
    /// Normalized rows compared with their documents.
    pub rows_compared: u64,
    /// Everything that did not match.
    pub findings: Vec<Finding>,
}

/// Recomputes every leaf from the stored versions, the tree root from the leaves, and compares
/// the normalized vote tables with the documents they were derived from.
pub async fn audit(db: &DatabaseConnection) -> Result<AuditReport, StoreError> {
    let mut report = AuditReport::default();
    let entries = log_entry::Entity::find().order_by_asc(log_entry::Column::Idx).all(db).await?;
    let versions: HashMap<i64, document_version::Model> =
        document_version::Entity::find().all(db).await?.into_iter().map(|v| (v.id, v)).collect();
    let mut leaves = vec![];
    for (expected, e) in entries.iter().enumerate() {
        report.entries += 1;
        let row = format!("log_entry {}", e.idx);
        if e.idx != expected as i64 {
            report.findings.push(Finding {
                row: row.clone(),
                problem: format!("index {} where {expected} was expected (a gap)", e.idx),
            });
        }
        let recomputed_leaf = merkle::leaf_hash(e.leaf_data.as_bytes());
        if canonical::to_hex(&recomputed_leaf) != e.leaf_hash {
            report
                .findings
                .push(Finding { row: row.clone(), problem: "leaf_hash is not SHA-256(0x00 || leaf_data)".into() });
        }
        leaves.push(recomputed_leaf);
        let Some(v) = versions.get(&e.version_id) else {
            report.findings.push(Finding { row, problem: "its document version is missing".into() });
            continue;
        };
        let vrow = format!("document_version {} ({} {} v{})", v.id, v.kind, v.doc_id, v.version);
        let body_sha = canonical::sha256_hex(v.body.as_bytes());
        if body_sha != v.sha256 {
            report
                .findings
                .push(Finding { row: vrow.clone(), problem: "the stored body no longer hashes to its sha256".into() });
        }
        let expected_data = tlog::leaf_data(
            e.idx as u64,
            v.council_id.as_deref(),
            &v.kind,
            &v.doc_id,
            i64::from(v.version),
            &leaf_time(v.received_at),
            &body_sha,
        );
        if expected_data.as_deref().ok() != Some(e.leaf_data.as_str()) {
            report
                .findings
                .push(Finding { row: vrow, problem: format!("does not match the leaf data of log entry {}", e.idx) });
        }
    }
    let (size, root) = head(db).await?;
    if size != leaves.len() as u64 || root != merkle::root(&leaves) {
        report.findings.push(Finding {
            row: "write_head".into(),
            problem: "the stored tree size or root differs from the one recomputed from the leaves".into(),
        });
    }
    audit_ballots(db, &mut report).await?;
    Ok(report)
}

/// Compares the ballots served from the normalized tables with the current session documents.
async fn audit_ballots(db: &DatabaseConnection, report: &mut AuditReport) -> Result<(), StoreError> {
    let mut latest: BTreeMap<String, document_version::Model> = BTreeMap::new();
    for v in document_version::Entity::find()
        .filter(document_version::Column::Kind.eq(DocKind::SessionRecord.as_str()))
        .all(db)
        .await?
    {
        if latest.get(&v.doc_id).is_none_or(|cur| cur.version < v.version) {
            latest.insert(v.doc_id.clone(), v);
        }
    }
    let stored: HashMap<(String, String), String> =
        ballot::Entity::find().all(db).await?.into_iter().map(|b| ((b.vote_event_id, b.deputy_id), b.option)).collect();
    let mut expected: HashMap<(String, String), String> = HashMap::new();
    for v in latest.values() {
        let Ok(doc) = serde_json::from_str::<crate::domain::session::SessionRecord>(&v.body) else {
            report.findings.push(Finding {
                row: format!("document_version {}", v.id),
                problem: "the body is not a session record".into(),
            });
            continue;
        };
        for e in &doc.vote_events {
            for b in &e.ballots {
                expected.insert((e.id.clone(), b.deputy.clone()), b.option.as_str().to_owned());
            }
        }
    }
    for (key, option) in &expected {
        report.rows_compared += 1;
        match stored.get(key) {
            Some(o) if o == option => {}
            Some(o) => report.findings.push(Finding {
                row: format!("ballot ({}, {})", key.0, key.1),
                problem: format!("is '{o}' but the logged record says '{option}'"),
            }),
            None => report
                .findings
                .push(Finding { row: format!("ballot ({}, {})", key.0, key.1), problem: "is missing".into() }),
        }
    }
    for key in stored.keys().filter(|k| !expected.contains_key(*k)) {
        report
            .findings
            .push(Finding { row: format!("ballot ({}, {})", key.0, key.1), problem: "is in no logged record".into() });
    }
    Ok(())
}

/// Recreates every normalized table from the stored versions, replaying them in change order
/// with their own receive times (so witnessed times come out as they were). One transaction.
pub async fn rebuild(db: &DatabaseConnection) -> Result<u64, StoreError> {
    use crate::domain::council::{Council, Party};
    use crate::domain::roster::Roster;
    use crate::domain::session::SessionRecord;
    let txn = db.begin().await?;
    ballot::Entity::delete_many().exec(&txn).await?;
    vote_event::Entity::delete_many().exec(&txn).await?;
    speech::Entity::delete_many().exec(&txn).await?;
    document::Entity::delete_many().exec(&txn).await?;
    agenda_item::Entity::delete_many().exec(&txn).await?;
    session::Entity::delete_many().exec(&txn).await?;
    deputy_role::Entity::delete_many().exec(&txn).await?;
    commission::Entity::delete_many().exec(&txn).await?;
    mandate::Entity::delete_many().exec(&txn).await?;
    party_membership::Entity::delete_many().exec(&txn).await?;
    deputy::Entity::delete_many().exec(&txn).await?;
    convocation::Entity::delete_many().exec(&txn).await?;
    // Children before parents: councils point at their parents.
    let mut councils = council::Entity::find().all(&txn).await?;
    while !councils.is_empty() {
        let parents: std::collections::HashSet<String> = councils.iter().filter_map(|c| c.parent_id.clone()).collect();
        let (leaves, rest): (Vec<_>, Vec<_>) = councils.into_iter().partition(|c| !parents.contains(&c.id));
        if leaves.is_empty() {
            break;
        }
        let ids: Vec<String> = leaves.into_iter().map(|c| c.id).collect();
        council::Entity::delete_many().filter(council::Column::Id.is_in(ids)).exec(&txn).await?;
        councils = rest;
    }
    party::Entity::delete_many().exec(&txn).await?;
    super::public_records::clear(&txn).await?;
    let versions = document_version::Entity::find().order_by_asc(document_version::Column::Seq).all(&txn).await?;
    let bad = |v: &document_version::Model| {
        StoreError::Db(sea_orm::DbErr::Custom(format!(
            "version {} of {} {} does not parse",
            v.version, v.kind, v.doc_id
        )))
    };
    let mut synthetic: HashMap<String, bool> = HashMap::new();
    for v in &versions {
        let council_id = v.council_id.clone().unwrap_or_default();
        match v.kind.as_str() {
            "council" => {
                let doc: Council = serde_json::from_str(&v.body).map_err(|_| bad(v))?;
                synthetic.insert(v.doc_id.clone(), doc.synthetic);
                super::councils::apply_council(&txn, &v.doc_id, &doc, v.received_at, v.version).await?;
            }
            "party" => {
                let doc: Party = serde_json::from_str(&v.body).map_err(|_| bad(v))?;
                super::councils::apply_party(&txn, &v.doc_id, &doc, v.received_at, v.version).await?;
            }
            "roster" => {
                let doc: Roster = serde_json::from_str(&v.body).map_err(|_| bad(v))?;
                let syn = synthetic.get(&council_id).copied().unwrap_or(false);
                super::councils::apply_roster(&txn, &council_id, &doc, syn, v.received_at).await?;
            }
            "session_record" => {
                let doc: SessionRecord = serde_json::from_str(&v.body).map_err(|_| bad(v))?;
                let syn = synthetic.get(&council_id).copied().unwrap_or(false) || v.provenance == "synthetic";
                super::sessions::apply_session(
                    &txn,
                    &council_id,
                    &v.doc_id,
                    &doc,
                    syn,
                    v.received_at,
                    v.version,
                    v.seq,
                )
                .await?;
            }
            "public_record" => {
                let doc: crate::domain::public_record::PublicRecord =
                    serde_json::from_str(&v.body).map_err(|_| bad(v))?;
                super::public_records::apply_public_record(
                    &txn,
                    &v.doc_id,
                    &doc,
                    &v.body,
                    v.version,
                    v.seq,
                    v.received_at,
                    &v.provenance,
                )
                .await?;
            }
            other => return Err(StoreError::Db(sea_orm::DbErr::Custom(format!("unknown document kind {other}")))),
        }
    }
    txn.commit().await?;
    Ok(versions.len() as u64)
}
