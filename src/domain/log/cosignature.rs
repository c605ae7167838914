//! Witness cosignatures of checkpoints, `cosignature/v1` with Ed25519
//! (<https://c2sp.org/tlog-cosignature>), and the witness's side of `add-checkpoint`
//! (<https://c2sp.org/tlog-witness>): the request body, and which requests it must refuse.
//!
//! A cosignature is a signed-note signature line `— <witness name> base64(key ID || timestamp ||
//! signature)` where the key ID is `SHA-256(name || 0x0A || 0x04 || public key)[:4]`, the
//! timestamp a big-endian `u64` of POSIX seconds, and the Ed25519 signature covers
//! `"cosignature/v1\ntime <timestamp>\n"` followed by the checkpoint's note text. A cosigner's
//! verifier key is the vkey string with signature type `0x04`.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

use super::merkle::{self, Hash};
use super::note::{self, NoteError, NoteVerifier};

/// The signature type byte of Ed25519 `cosignature/v1` keys.
pub const COSIGNATURE_ALG: u8 = 0x04;
/// Most consistency proof lines an `add-checkpoint` body may carry.
pub const MAX_PROOF_LINES: usize = 63;

/// A witness's public key as a log client knows it: name, key ID and Ed25519 key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosigner {
    name: String,
    key_id: [u8; 4],
    key: VerifyingKey,
}

impl Cosigner {
    /// The cosigner of `key` under `name` (computing the key ID).
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, NoteError> {
        note::check_name(name)?;
        if key.is_weak() {
            return Err(NoteError::MalformedVerifierKey("weak (small-order) key"));
        }
        Ok(Self { name: name.to_owned(), key_id: note::key_id_for(name, COSIGNATURE_ALG, &key), key })
    }

    /// Parses a cosigner verifier key `<name>+<hex key ID>+<base64(0x04 || key)>`.
    pub fn parse(vkey: &str) -> Result<Self, NoteError> {
        let (name, stated, key) = note::parse_vkey(vkey, COSIGNATURE_ALG)?;
        let cosigner = Self::new(name, key)?;
        if cosigner.key_id != stated {
            return Err(NoteError::KeyIdMismatch);
        }
        Ok(cosigner)
    }

    /// The witness's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its verifier key string.
    pub fn vkey(&self) -> String {
        note::vkey_string(&self.name, COSIGNATURE_ALG, &self.key)
    }

    /// The timestamp of this cosigner's valid cosignature on `text` among `note`'s signature
    /// lines, if there is one. Lines of other keys are skipped; a line of this key that does not
    /// verify counts as none.
    pub fn find_in(&self, note_text: &str) -> Option<u64> {
        let (text, lines) = note::split_note(note_text).ok()?;
        lines
            .iter()
            .filter(|(n, id, _)| *n == self.name && *id == self.key_id)
            .find_map(|(_, _, blob)| self.check(text, blob))
    }

    /// Checks one cosignature blob (timestamp and signature, after the key ID) on `text`.
    fn check(&self, text: &str, blob: &[u8]) -> Option<u64> {
        let (time, sig) = blob.split_first_chunk::<8>()?;
        let timestamp = u64::from_be_bytes(*time);
        let signature = Signature::from_slice(sig).ok()?;
        let message = signed_message(text, timestamp);
        self.key.verify_strict(message.as_bytes(), &signature).ok().map(|()| timestamp)
    }
}

/// The bytes a `cosignature/v1` signature covers.
pub fn signed_message(text: &str, timestamp: u64) -> String {
    format!("cosignature/v1\ntime {timestamp}\n{text}")
}

/// A witness's signing key with its name.
pub struct CosignerKey {
    /// The witness name (its key name).
    pub name: String,
    /// The Ed25519 key.
    pub key: SigningKey,
}

impl CosignerKey {
    /// The public half as a [`Cosigner`].
    pub fn cosigner(&self) -> Result<Cosigner, NoteError> {
        Cosigner::new(&self.name, self.key.verifying_key())
    }

    /// The cosignature line (with its newline) on checkpoint text `text` at `timestamp`.
    pub fn cosign(&self, text: &str, timestamp: u64) -> String {
        let signature = self.key.sign(signed_message(text, timestamp).as_bytes());
        let mut blob = Vec::with_capacity(76);
        blob.extend_from_slice(&note::key_id_for(&self.name, COSIGNATURE_ALG, &self.key.verifying_key()));
        blob.extend_from_slice(&timestamp.to_be_bytes());
        blob.extend_from_slice(&signature.to_bytes());
        format!("\u{2014} {} {}\n", self.name, STANDARD.encode(blob))
    }

    /// The private key file text: `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x04 || seed)>`
    /// (the Go note private key layout, with the cosignature type).
    pub fn to_file_text(&self) -> String {
        let vkey = note::vkey_string(&self.name, COSIGNATURE_ALG, &self.key.verifying_key());
        let id = vkey.split('+').nth(1).unwrap_or_default();
        let mut material = vec![COSIGNATURE_ALG];
        material.extend_from_slice(self.key.as_bytes());
        format!("PRIVATE+KEY+{}+{id}+{}\n", self.name, STANDARD.encode(material))
    }

    /// Reads [`to_file_text`](Self::to_file_text)'s format back, checking the key ID.
    pub fn from_file_text(text: &str) -> Result<Self, NoteError> {
        let bad = NoteError::MalformedVerifierKey("not a PRIVATE+KEY+<name>+<id>+<key> witness key");
        let rest = text.trim().strip_prefix("PRIVATE+KEY+").ok_or(bad.clone())?;
        let mut parts = rest.splitn(3, '+');
        let (name, id, material) = (parts.next(), parts.next(), parts.next());
        let (Some(name), Some(id), Some(material)) = (name, id, material) else { return Err(bad) };
        let bytes = STANDARD.decode(material).map_err(|_| bad.clone())?;
        let (&alg, seed) = bytes.split_first().ok_or(bad.clone())?;
        if alg != COSIGNATURE_ALG {
            return Err(NoteError::UnsupportedAlgorithm(alg));
        }
        let seed: [u8; 32] = seed.try_into().map_err(|_| bad)?;
        let key = Self { name: name.to_owned(), key: SigningKey::from_bytes(&seed) };
        let cosigner = key.cosigner()?;
        if cosigner.vkey().split('+').nth(1) != Some(id) {
            return Err(NoteError::KeyIdMismatch);
        }
        Ok(key)
    }
}

/// How many of `cosigners` validly cosigned `note_text`, by name.
pub fn cosigned_by(note_text: &str, cosigners: &[Cosigner]) -> Vec<String> {
    cosigners.iter().filter(|c| c.find_in(note_text).is_some()).map(|c| c.name().to_owned()).collect()
}

/// An `add-checkpoint` request: the size the client believes the witness has, a consistency
/// proof from it, and the signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCheckpoint {
    /// `old N`.
    pub old_size: u64,
    /// The proof lines.
    pub proof: Vec<Hash>,
    /// The checkpoint note with its signatures.
    pub checkpoint: String,
}

impl AddCheckpoint {
    /// The request body.
    pub fn to_body(&self) -> String {
        let proof: String = self.proof.iter().map(|h| format!("{}\n", STANDARD.encode(h))).collect();
        format!("old {}\n{proof}\n{}", self.old_size, self.checkpoint)
    }

    /// Parses a request body.
    pub fn parse(body: &str) -> Result<Self, Refusal> {
        let bad = Refusal::BadRequest;
        let (head, checkpoint) = body.split_once("\n\n").ok_or(bad("no blank line before the checkpoint"))?;
        let mut lines = head.split('\n');
        let old =
            lines.next().and_then(|l| l.strip_prefix("old ")).ok_or(bad("the first line must be `old <size>`"))?;
        let canonical =
            !old.is_empty() && old.bytes().all(|b| b.is_ascii_digit()) && (old == "0" || !old.starts_with('0'));
        let old_size: u64 = old.parse().ok().filter(|_| canonical).ok_or(bad("the old size must be a decimal"))?;
        let proof: Vec<Hash> = lines
            .map(|l| STANDARD.decode(l).ok().and_then(|b| merkle::hash_from_slice(&b).ok()))
            .collect::<Option<_>>()
            .ok_or(bad("a proof line is not a base64 hash"))?;
        if proof.len() > MAX_PROOF_LINES {
            return Err(bad("more than 63 proof lines"));
        }
        Ok(Self { old_size, proof, checkpoint: checkpoint.to_owned() })
    }
}

/// Why a witness refuses an `add-checkpoint`, with the status code the spec gives each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// 400: the body is malformed, or the old size exceeds the checkpoint's.
    BadRequest(&'static str),
    /// 403: no signature verifies with a key the witness trusts for this origin.
    Forbidden,
    /// 404: the witness follows no log of this origin.
    UnknownLog,
    /// 409 with `text/x.tlog.size`: the old size is not the witness's latest size.
    Conflict {
        /// The size of the latest checkpoint the witness cosigned.
        latest: u64,
    },
    /// 409: the checkpoint has the witness's latest size but another root (a fork).
    Fork,
    /// 422: the consistency proof does not verify.
    Inconsistent,
}

impl Refusal {
    /// The HTTP status the spec assigns.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::Forbidden => 403,
            Self::UnknownLog => 404,
            Self::Conflict { .. } | Self::Fork => 409,
            Self::Inconsistent => 422,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadRequest(why) => write!(f, "bad request: {why}"),
            Self::Forbidden => write!(f, "no signature from a key trusted for this log"),
            Self::UnknownLog => write!(f, "unknown log origin"),
            Self::Conflict { latest } => write!(f, "the latest cosigned size is {latest}"),
            Self::Fork => write!(f, "same size as the latest cosigned checkpoint but another root"),
            Self::Inconsistent => write!(f, "the consistency proof does not verify"),
        }
    }
}

/// A checkpoint whose signature a witness has verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Its origin.
    pub origin: String,
    /// Its tree size.
    pub size: u64,
    /// Its root.
    pub root: Hash,
    /// The note text (what a cosignature covers).
    pub text: String,
}

/// Opens the request's checkpoint with the keys `keys_for(origin)` returns (`None`: unknown log).
pub fn verify_checkpoint(
    request: &AddCheckpoint,
    keys_for: impl Fn(&str) -> Option<Vec<NoteVerifier>>,
) -> Result<Verified, Refusal> {
    let (text, _) =
        note::split_note(&request.checkpoint).map_err(|_| Refusal::BadRequest("malformed checkpoint note"))?;
    let (origin, size, root) = note::parse_checkpoint(text).map_err(|_| Refusal::BadRequest("malformed checkpoint"))?;
    let keys = keys_for(&origin).ok_or(Refusal::UnknownLog)?;
    if !keys.iter().any(|k| note::open_note(&request.checkpoint, k).is_ok()) {
        return Err(Refusal::Forbidden);
    }
    if request.old_size > size {
        return Err(Refusal::BadRequest("the old size is larger than the checkpoint's"));
    }
    Ok(Verified { origin, size, root, text: text.to_owned() })
}

/// The witness's checks against its latest cosigned checkpoint of this log (`None`: never
/// cosigned one). `Ok` means it may cosign and record `checkpoint` as its latest.
pub fn check_consistency(
    request: &AddCheckpoint,
    checkpoint: &Verified,
    latest: Option<(u64, Hash)>,
) -> Result<(), Refusal> {
    let latest_size = latest.map_or(0, |(s, _)| s);
    if request.old_size != latest_size {
        return Err(Refusal::Conflict { latest: latest_size });
    }
    let Some((size, root)) = latest else {
        return if request.proof.is_empty() { Ok(()) } else { Err(Refusal::BadRequest("a proof from size 0")) };
    };
    if size == checkpoint.size {
        return if root == checkpoint.root && request.proof.is_empty() { Ok(()) } else { Err(Refusal::Fork) };
    }
    merkle::verify_consistency(size, checkpoint.size, &root, &checkpoint.root, &request.proof)
        .map_err(|_| Refusal::Inconsistent)
}

#[cfg(test)]
mod tests {
    use super::super::merkle::{consistency_proof, leaf_hash, root};
    use super::super::note::{checkpoint_body, generate_signing_key, sign_note, verifier_key_string};
    use super::*;

    fn witness() -> CosignerKey {
        CosignerKey { name: "witness.example/w1".into(), key: generate_signing_key() }
    }

    fn tree(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    #[test]
    fn a_cosignature_verifies_and_any_change_breaks_it() {
        let w = witness();
        let text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        let line = w.cosign(text, 1_679_315_147);
        let note = format!("{text}\n{line}");
        let c = Cosigner::parse(&w.cosigner().unwrap().vkey()).unwrap();
        assert_eq!(c.find_in(&note), Some(1_679_315_147));
        assert_eq!(cosigned_by(&note, std::slice::from_ref(&c)), vec!["witness.example/w1".to_owned()]);
        // Another root, another timestamp, another key under the same name: no cosignature.
        assert_eq!(c.find_in(&note.replace("20852163", "20852164")), None);
        let (_, blob) = line.trim_end().rsplit_once(' ').unwrap();
        let mut bytes = STANDARD.decode(blob).unwrap();
        bytes[11] ^= 1;
        let retimed = format!("{text}\n\u{2014} witness.example/w1 {}\n", STANDARD.encode(&bytes));
        assert_eq!(c.find_in(&retimed), None);
        let impostor = CosignerKey { name: w.name.clone(), key: generate_signing_key() };
        assert_eq!(c.find_in(&format!("{text}\n{}", impostor.cosign(text, 1))), None);
        // A plain note signature by the witness key is not a cosignature (other key ID).
        let plain = sign_note(text, &w.name, &w.key).unwrap();
        assert_eq!(c.find_in(&plain), None);
    }

    #[test]
    fn cosigner_keys_use_type_four_and_round_trip_through_files() {
        let w = witness();
        let vkey = w.cosigner().unwrap().vkey();
        // The key material is everything after the second `+`: base64 may itself contain `+`.
        assert!(STANDARD.decode(vkey.splitn(3, '+').nth(2).unwrap()).unwrap()[0] == COSIGNATURE_ALG);
        // A log key (type 0x01) is not a cosigner key and vice versa.
        assert_eq!(
            Cosigner::parse(&verifier_key_string("x", &w.key.verifying_key())),
            Err(NoteError::UnsupportedAlgorithm(1))
        );
        assert_eq!(note::parse_verifier_key(&vkey), Err(NoteError::UnsupportedAlgorithm(4)));
        let back = CosignerKey::from_file_text(&w.to_file_text()).unwrap();
        assert_eq!(back.cosigner().unwrap().vkey(), vkey);
        assert!(CosignerKey::from_file_text(&w.to_file_text().replace("w1+", "w2+")).is_err());
        assert!(CosignerKey::from_file_text("PRIVATE+KEY+x").is_err());
    }

    #[test]
    fn add_checkpoint_bodies_round_trip_and_malformed_ones_are_bad_requests() {
        let spec = "old 20852014\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\njrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n\n\
                    example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\u{2014} a b\n";
        let req = AddCheckpoint::parse(spec).unwrap();
        assert_eq!((req.old_size, req.proof.len()), (20_852_014, 2));
        assert_eq!(req.to_body(), spec);
        for bad in ["old 1\n", "old 01\n\nx", "new 1\n\nx", "old 1\nAAAA\n\nx", "old -1\n\nx", "old \n\nx"] {
            assert!(matches!(AddCheckpoint::parse(bad), Err(Refusal::BadRequest(_))), "{bad:?}");
        }
        let long = format!("old 1\n{}\nx", "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n".repeat(64));
        assert!(AddCheckpoint::parse(&long).is_err());
    }

    /// A signed checkpoint of the first `n` leaves, as an `add-checkpoint` from `old`.
    fn submit(log: &SigningKey, leaves: &[Hash], old: u64) -> AddCheckpoint {
        let n = leaves.len() as u64;
        let body = checkpoint_body("log.example/l", n, &root(leaves));
        let proof = if old == 0 || old >= n { vec![] } else { consistency_proof(leaves, old, n).unwrap() };
        AddCheckpoint { old_size: old, proof, checkpoint: sign_note(&body, "log.example/l", log).unwrap() }
    }

    #[test]
    fn the_witness_rules_give_the_spec_status_codes() {
        let log = generate_signing_key();
        let keys = |o: &str| (o == "log.example/l").then(|| vec![NoteVerifier::new(o, log.verifying_key()).unwrap()]);
        let leaves = tree(20);
        let judge = |req: &AddCheckpoint, latest: Option<(u64, Hash)>| {
            let v = verify_checkpoint(req, keys)?;
            check_consistency(req, &v, latest).map(|()| v.size)
        };
        // First contact: old 0, no proof.
        assert_eq!(judge(&submit(&log, &leaves[..5], 0), None), Ok(5));
        let at5 = Some((5, root(&leaves[..5])));
        assert_eq!(judge(&submit(&log, &leaves[..9], 5), at5), Ok(9));
        assert_eq!(judge(&submit(&log, &leaves[..5], 5), at5), Ok(5));
        // A stale old size: 409 with the latest size.
        assert_eq!(judge(&submit(&log, &leaves[..9], 0), at5), Err(Refusal::Conflict { latest: 5 }));
        // A rollback: the checkpoint is smaller than the old size the witness holds.
        assert_eq!(judge(&submit(&log, &leaves[..3], 5), at5).unwrap_err().status(), 400);
        // A fork: other leaves, same size; or a larger tree that does not extend the old one.
        let mut forked = leaves.clone();
        forked[2] = leaf_hash(b"rewritten");
        assert_eq!(judge(&submit(&log, &forked[..5], 5), at5), Err(Refusal::Fork));
        assert_eq!(judge(&submit(&log, &forked[..9], 5), at5), Err(Refusal::Inconsistent));
        // Unknown origin, and a checkpoint signed by another key.
        let other = generate_signing_key();
        assert_eq!(judge(&submit(&other, &leaves[..5], 0), None), Err(Refusal::Forbidden));
        let body = checkpoint_body("elsewhere/l", 1, &root(&leaves[..1]));
        let stranger =
            AddCheckpoint { old_size: 0, proof: vec![], checkpoint: sign_note(&body, "elsewhere/l", &log).unwrap() };
        assert_eq!(judge(&stranger, None), Err(Refusal::UnknownLog));
        for (r, code) in [(Refusal::Fork, 409), (Refusal::Inconsistent, 422), (Refusal::UnknownLog, 404)] {
            assert_eq!(r.status(), code);
        }
    }
}
