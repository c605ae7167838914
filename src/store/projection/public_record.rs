//! A record compiled from public sources: one row holding its current version.

use super::Logged;
use crate::domain::public_record::{PublicRecord, sort_key};
use crate::entity::public_record as row;

/// The row of public record version `v`.
pub fn public_record(v: &Logged, doc: &PublicRecord) -> row::Model {
    row::Model {
        id: v.doc_id.to_owned(),
        council_slug: doc.council.slug.clone(),
        level: doc.council.level.as_str().to_owned(),
        session_date: doc.date,
        sort_date: sort_key(doc),
        body: v.body.to_owned(),
        version: v.version,
        seq: v.seq,
        received_at: v.received_at,
        provenance: v.provenance.as_str().to_owned(),
    }
}
