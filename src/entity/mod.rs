//! sea-orm entities, one module per table. Rows never leave `store/`.

pub mod agenda_item;
pub mod ballot;
pub mod commission;
pub mod convocation;
pub mod council;
pub mod deputy;
pub mod deputy_role;
pub mod document;
pub mod document_version;
pub mod log_cosignature;
pub mod log_entry;
pub mod log_identity;
pub mod log_lease;
pub mod log_tile_hash;
pub mod log_witness;
pub mod mandate;
pub mod party;
pub mod party_membership;
pub mod public_record;
pub mod revoked_token;
pub mod search_entry;
pub mod session;
pub mod speech;
pub mod vote_event;
pub mod write_head;
