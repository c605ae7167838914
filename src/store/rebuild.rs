//! `maslikhat rebuild`: recreate every served table from the stored versions, replaying them in
//! change order through the projection's writes, with their own receive times (so witnessed
//! times come out as they were). One transaction: readers see the old tables or the new ones.

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

use super::StoreError;
use super::projection::{self, Document, Logged};
use crate::entity::{
    agenda_item, ballot, commission, convocation, council, deputy, deputy_role, document, document_version, mandate,
    party, party_membership, public_record, search_entry, session, session_debate_tally, session_deputy_tally, speech,
    vote_event,
};

/// Versions read at a time: the replay runs in flat memory whatever the size of the history.
const PAGE: u64 = 500;

/// Empties every served table, children before parents.
async fn clear<C: ConnectionTrait>(db: &C) -> Result<(), StoreError> {
    ballot::Entity::delete_many().exec(db).await?;
    session_deputy_tally::Entity::delete_many().exec(db).await?;
    session_debate_tally::Entity::delete_many().exec(db).await?;
    vote_event::Entity::delete_many().exec(db).await?;
    speech::Entity::delete_many().exec(db).await?;
    document::Entity::delete_many().exec(db).await?;
    agenda_item::Entity::delete_many().exec(db).await?;
    session::Entity::delete_many().exec(db).await?;
    deputy_role::Entity::delete_many().exec(db).await?;
    commission::Entity::delete_many().exec(db).await?;
    mandate::Entity::delete_many().exec(db).await?;
    party_membership::Entity::delete_many().exec(db).await?;
    deputy::Entity::delete_many().exec(db).await?;
    convocation::Entity::delete_many().exec(db).await?;
    // Councils point at their parents: delete those nobody points at, until none are left.
    let mut councils: Vec<(String, Option<String>)> = council::Entity::find()
        .select_only()
        .columns([council::Column::Id, council::Column::ParentId])
        .into_tuple()
        .all(db)
        .await?;
    while !councils.is_empty() {
        let parents: HashSet<String> = councils.iter().filter_map(|(_, p)| p.clone()).collect();
        let (leaves, rest): (Vec<_>, Vec<_>) = councils.into_iter().partition(|(id, _)| !parents.contains(id));
        if leaves.is_empty() {
            break;
        }
        let ids: Vec<String> = leaves.into_iter().map(|(id, _)| id).collect();
        council::Entity::delete_many().filter(council::Column::Id.is_in(ids)).exec(db).await?;
        councils = rest;
    }
    party::Entity::delete_many().exec(db).await?;
    search_entry::Entity::delete_many().exec(db).await?;
    public_record::Entity::delete_many().exec(db).await?;
    Ok(())
}

/// Recreates every served table from the stored versions. Returns how many were replayed.
#[tracing::instrument(skip_all)]
pub async fn rebuild(db: &DatabaseConnection) -> Result<u64, StoreError> {
    let txn = db.begin().await?;
    clear(&txn).await?;
    // Each council's `synthetic` flag as of the version being replayed.
    let mut synthetic: HashMap<String, bool> = HashMap::new();
    let mut replayed = 0u64;
    let mut after = i64::MIN;
    loop {
        let page = document_version::Entity::find()
            .filter(document_version::Column::Seq.gt(after))
            .order_by_asc(document_version::Column::Seq)
            .limit(PAGE)
            .all(&txn)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for v in &page {
            let logged = Logged::stored(v)?;
            let doc = projection::parse(&logged)?;
            if let Document::Council(c) = &doc {
                synthetic.insert(v.doc_id.clone(), c.synthetic);
            }
            let council = v.council_id.as_deref().and_then(|c| synthetic.get(c)).copied().unwrap_or(false);
            projection::write::apply(&txn, &logged, &doc, council).await?;
            replayed += 1;
        }
    }
    txn.commit().await?;
    Ok(replayed)
}
