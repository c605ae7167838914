//! Witnessing the log (C2SP tlog-witness, `cosignature/v1`): the checkpoint the log serves with
//! its cosignatures, the log's background requests to its witnesses, and `maslikhat witness
//! serve`, a witness of its own for other people to run.

pub mod checkpoint;
pub mod client;

pub use checkpoint::{CheckpointError, Checkpoints, Served, Witness};
