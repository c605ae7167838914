//! Witnessing the log (C2SP tlog-witness, `cosignature/v1`): the checkpoint the log serves with
//! its cosignatures, the log's background requests to its witnesses, and `maslikhat witness
//! serve`, a witness of its own for other people to run.

pub mod checkpoint;
pub mod client;
pub mod server;

pub use checkpoint::{CheckpointError, Checkpoints, Served, Witness};

use crate::domain::log::cosignature::{self, Cosigner};

/// A verifier's quorum check: `Ok` with a line to report when `note` carries at least `quorum`
/// valid cosignatures from the witnesses `vkeys`, else why not. Keys that do not parse are
/// refusals, never silently skipped.
pub fn quorum(note: &str, vkeys: &[String], quorum: usize) -> Result<String, String> {
    let cosigners = vkeys
        .iter()
        .map(|k| Cosigner::parse(k).map_err(|e| format!("witness key {k}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    if quorum > cosigners.len() {
        return Err(format!("a quorum of {quorum} needs at least {quorum} --witness keys, {} given", cosigners.len()));
    }
    let by = cosignature::cosigned_by(note, &cosigners);
    if by.len() < quorum {
        return Err(format!(
            "the checkpoint carries {} valid cosignature(s) of the {} witness(es) given, fewer than the quorum of {quorum}",
            by.len(),
            cosigners.len()
        ));
    }
    Ok(if by.is_empty() {
        "no witness cosignatures required".to_owned()
    } else {
        format!("cosigned by {} ({} of the quorum of {quorum})", by.join(", "), by.len())
    })
}
