//! C2SP signed notes (<https://c2sp.org/signed-note>) with Ed25519 keys, and
//! transparency-log checkpoints (<https://c2sp.org/tlog-checkpoint>).
//!
//! A signed note is a text ending in a newline, a blank line, then one or
//! more signature lines `— <key name> <base64(key ID || signature)>\n`
//! (U+2014 em dash, space). The Ed25519 signature covers the text including
//! its final newline. The 4-byte key ID is
//! `SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4]`.
//!
//! A verifier key is shared as the text
//! `<name>+<8 hex digits of key ID>+<base64(0x01 || public key)>`, the format
//! of Go's `golang.org/x/mod/sumdb/note`, so our checkpoints can be checked by
//! the Go tooling and witnesses of the transparency-dev ecosystem.
//!
//! A checkpoint is a note whose text is `<origin>\n<tree size>\n<base64
//! root hash>\n` (optionally followed by extension lines).
//!
//! Base64 is the standard alphabet with padding (RFC 4648 §4) throughout.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::merkle::Hash;

/// Signature type identifier byte for Ed25519 in signed notes.
pub const ED25519_ALG: u8 = 0x01;

/// Maximum number of signature lines [`open_note`] reads before refusing a
/// note (the spec requires accepting at least 16; Go's reference accepts
/// up to 100).
pub const MAX_SIGNATURES: usize = 100;

/// The prefix of every signature line: U+2014 em dash and a space.
const SIG_PREFIX: &str = "\u{2014} ";

/// Why a note, key or checkpoint was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteError {
    /// A key name is empty or contains a Unicode space, `+` or a control
    /// character.
    InvalidKeyName,
    /// The text to sign is not a valid note text (empty, not ending in a
    /// newline, or containing a control character other than newline).
    InvalidText(&'static str),
    /// The signed note does not follow the signed-note syntax.
    MalformedNote(&'static str),
    /// The verifier key string does not follow the
    /// `<name>+<hex id>+<base64 key>` syntax, or its key is not a valid,
    /// non-weak Ed25519 public key.
    MalformedVerifierKey(&'static str),
    /// The verifier key uses a signature type other than Ed25519 (`0x01`).
    UnsupportedAlgorithm(u8),
    /// The key ID in a verifier key string does not match its name and key.
    KeyIdMismatch,
    /// A signature line from the verifier's key (same name and key ID) does
    /// not verify: the note has been tampered with and is rejected whole.
    InvalidSignature,
    /// The note carries no signature from the verifier's key.
    NoVerifiableSignature,
    /// The note text is not a valid tlog checkpoint.
    MalformedCheckpoint(&'static str),
}

impl fmt::Display for NoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidKeyName => {
                write!(f, "invalid key name: must be non-empty, without spaces, '+' or control characters")
            }
            Self::InvalidText(why) => write!(f, "invalid note text: {why}"),
            Self::MalformedNote(why) => write!(f, "malformed signed note: {why}"),
            Self::MalformedVerifierKey(why) => write!(f, "malformed verifier key: {why}"),
            Self::UnsupportedAlgorithm(alg) => {
                write!(f, "unsupported signature type 0x{alg:02x} (only Ed25519 0x01)")
            }
            Self::KeyIdMismatch => write!(f, "verifier key ID does not match its name and key"),
            Self::InvalidSignature => write!(f, "note signature does not verify"),
            Self::NoVerifiableSignature => {
                write!(f, "note has no signature from the expected key")
            }
            Self::MalformedCheckpoint(why) => write!(f, "malformed checkpoint: {why}"),
        }
    }
}

impl std::error::Error for NoteError {}

/// A parsed verifier key: the key name, its 4-byte key ID and the Ed25519
/// public key, as produced by [`parse_verifier_key`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    key_id: [u8; 4],
    key: VerifyingKey,
}

impl NoteVerifier {
    /// Builds a verifier for `name` and `key` directly (computing the key
    /// ID), e.g. from the log's own signing key.
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, NoteError> {
        check_name(name)?;
        if key.is_weak() {
            return Err(NoteError::MalformedVerifierKey("weak (small-order) key"));
        }
        Ok(Self { name: name.to_owned(), key_id: key_id(name, &key), key })
    }

    /// The key name (conventionally the log's origin).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 4-byte key ID (big-endian as it appears in signatures).
    pub fn key_id(&self) -> [u8; 4] {
        self.key_id
    }

    /// The Ed25519 public key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }
}

/// Generates a fresh Ed25519 signing key from the operating system's
/// random number generator.
pub fn generate_signing_key() -> SigningKey {
    SigningKey::generate(&mut rand_core::OsRng)
}

/// The signed-note key ID of an Ed25519 key:
/// `SHA-256(name || 0x0A || 0x01 || public key)[:4]`.
pub fn key_id(name: &str, key: &VerifyingKey) -> [u8; 4] {
    key_id_for(name, ED25519_ALG, key)
}

/// The key ID of `key` under `name` for signature type `alg`:
/// `SHA-256(name || 0x0A || alg || public key)[:4]`.
pub(crate) fn key_id_for(name: &str, alg: u8, key: &VerifyingKey) -> [u8; 4] {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([b'\n', alg]);
    hasher.update(key.as_bytes());
    let digest = hasher.finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

/// The checkpoint note text `"<origin>\n<tree_size>\n<base64(root)>\n"`.
///
/// `origin` should be a schema-less URL such as `example.kz/log`; it must be
/// non-empty and hold no newline or other control character, otherwise
/// [`sign_note`] refuses the text and [`parse_checkpoint`] cannot read it.
pub fn checkpoint_body(origin: &str, tree_size: u64, root: &Hash) -> String {
    format!("{origin}\n{tree_size}\n{}\n", STANDARD.encode(root))
}

/// Signs `body` with `key` under the key name `name` and returns the signed
/// note: `body`, a blank line, and the signature line
/// `"— <name> <base64(key ID || signature)>\n"`.
///
/// Refuses (rather than producing a note nobody can open) a body that is
/// empty, does not end in a newline or contains a control character other
/// than newline, and an invalid key name.
pub fn sign_note(body: &str, name: &str, key: &SigningKey) -> Result<String, NoteError> {
    check_name(name)?;
    if body.is_empty() {
        return Err(NoteError::InvalidText("empty"));
    }
    if !body.ends_with('\n') {
        return Err(NoteError::InvalidText("does not end with a newline"));
    }
    if has_forbidden_control(body) {
        return Err(NoteError::InvalidText("contains a control character other than newline"));
    }
    let signature = key.sign(body.as_bytes());
    let mut blob = Vec::with_capacity(4 + Signature::BYTE_SIZE);
    blob.extend_from_slice(&key_id(name, &key.verifying_key()));
    blob.extend_from_slice(&signature.to_bytes());
    Ok(format!("{body}\n{SIG_PREFIX}{name} {}\n", STANDARD.encode(blob)))
}

/// The verifier key string `"<name>+<hex key ID>+<base64(0x01 || key)>"`
/// that clients configure to check our notes.
pub fn verifier_key_string(name: &str, key: &VerifyingKey) -> String {
    vkey_string(name, ED25519_ALG, key)
}

/// `"<name>+<hex key ID>+<base64(alg || key)>"` for signature type `alg`.
pub(crate) fn vkey_string(name: &str, alg: u8, key: &VerifyingKey) -> String {
    let id = key_id_for(name, alg, key);
    let mut material = Vec::with_capacity(33);
    material.push(alg);
    material.extend_from_slice(key.as_bytes());
    format!("{name}+{:02x}{:02x}{:02x}{:02x}+{}", id[0], id[1], id[2], id[3], STANDARD.encode(material))
}

/// Parses a verifier key string (see [`verifier_key_string`]), checking the
/// name, that the type is Ed25519, that the key is a valid non-weak point,
/// and that the stated key ID matches the name and key.
pub fn parse_verifier_key(text: &str) -> Result<NoteVerifier, NoteError> {
    let (name, stated, key) = parse_vkey(text, ED25519_ALG)?;
    let verifier = NoteVerifier::new(name, key)?;
    if verifier.key_id != stated {
        return Err(NoteError::KeyIdMismatch);
    }
    Ok(verifier)
}

/// Splits a verifier key string of signature type `alg` into its name, stated key ID and
/// Ed25519 key, checking the syntax, the type and that the key is a valid point (the caller
/// compares the stated ID with the one the name and key give).
pub(crate) fn parse_vkey(text: &str, alg: u8) -> Result<(&str, [u8; 4], VerifyingKey), NoteError> {
    // The name holds no '+', the hex ID neither; the base64 key may.
    let (name, rest) = text.split_once('+').ok_or(NoteError::MalformedVerifierKey("missing '+' separators"))?;
    let (id_hex, key_b64) = rest.split_once('+').ok_or(NoteError::MalformedVerifierKey("missing '+' separators"))?;
    check_name(name)?;
    if id_hex.len() != 8 || !id_hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(NoteError::MalformedVerifierKey("key ID must be 8 hex digits"));
    }
    let stated =
        u32::from_str_radix(id_hex, 16).map_err(|_| NoteError::MalformedVerifierKey("key ID must be 8 hex digits"))?;
    let material = STANDARD.decode(key_b64).map_err(|_| NoteError::MalformedVerifierKey("key is not valid base64"))?;
    let (&found, key_bytes) = material.split_first().ok_or(NoteError::MalformedVerifierKey("empty key"))?;
    if found != alg {
        return Err(NoteError::UnsupportedAlgorithm(found));
    }
    let key_bytes: [u8; 32] =
        key_bytes.try_into().map_err(|_| NoteError::MalformedVerifierKey("Ed25519 key must be 32 bytes"))?;
    let key = VerifyingKey::from_bytes(&key_bytes)
        .map_err(|_| NoteError::MalformedVerifierKey("not a valid Ed25519 public key"))?;
    if key.is_weak() {
        return Err(NoteError::MalformedVerifierKey("weak (small-order) key"));
    }
    Ok((name, stated.to_be_bytes(), key))
}

/// Checks a signed note against `verifier` and returns its text (the body,
/// including its final newline).
///
/// Follows the signed-note rules: the note must be free of control
/// characters other than newline; the text ends at the last blank line;
/// every following line must be a well-formed signature line (at most
/// [`MAX_SIGNATURES`]); lines from other keys (a different name or key ID)
/// are ignored; every line from the verifier's key must verify (strict
/// Ed25519), otherwise the whole note is rejected; and at least one must be
/// present.
pub fn open_note(note: &str, verifier: &NoteVerifier) -> Result<String, NoteError> {
    let (text, signatures) = split_note(note)?;
    let mut verified = false;
    for (name, id, signature) in signatures {
        if name != verifier.name || id != verifier.key_id {
            continue; // unknown key: ignored per the spec
        }
        let signature = Signature::from_slice(&signature).map_err(|_| NoteError::InvalidSignature)?;
        verifier.key.verify_strict(text.as_bytes(), &signature).map_err(|_| NoteError::InvalidSignature)?;
        verified = true;
    }
    if verified { Ok(text.to_owned()) } else { Err(NoteError::NoVerifiableSignature) }
}

/// One signature line of a note: the key name, the 4-byte key ID and the rest of the blob.
pub type SignatureLine<'a> = (&'a str, [u8; 4], Vec<u8>);

/// Splits a signed note into its text (ending at the last blank line, its final newline
/// included) and its signature lines, checking the syntax: no control character other than
/// newline, at least one and at most [`MAX_SIGNATURES`] well-formed signature lines.
pub fn split_note(note: &str) -> Result<(&str, Vec<SignatureLine<'_>>), NoteError> {
    if has_forbidden_control(note) {
        return Err(NoteError::MalformedNote("contains a control character other than newline"));
    }
    let split = note.rfind("\n\n").ok_or(NoteError::MalformedNote("no blank line before signatures"))?;
    let (text, sigs) = (&note[..=split], &note[split + 2..]);
    if sigs.is_empty() {
        return Err(NoteError::MalformedNote("no signature lines"));
    }
    if !sigs.ends_with('\n') {
        return Err(NoteError::MalformedNote("does not end with a newline"));
    }
    let lines: Vec<&str> = sigs.split_terminator('\n').collect();
    if lines.len() > MAX_SIGNATURES {
        return Err(NoteError::MalformedNote("too many signatures"));
    }
    Ok((text, lines.into_iter().map(parse_signature_line).collect::<Result<_, _>>()?))
}

/// Splits one signature line (without its newline) into key name, key ID
/// and signature bytes (for a cosignature, the timestamp and the signature).
pub fn parse_signature_line(line: &str) -> Result<SignatureLine<'_>, NoteError> {
    let rest = line.strip_prefix(SIG_PREFIX).ok_or(NoteError::MalformedNote("signature line must start with '— '"))?;
    let (name, b64) = rest.split_once(' ').ok_or(NoteError::MalformedNote("signature line lacks a signature"))?;
    check_name(name).map_err(|_| NoteError::MalformedNote("invalid key name in signature"))?;
    let blob = STANDARD.decode(b64).map_err(|_| NoteError::MalformedNote("signature is not valid base64"))?;
    if blob.len() < 5 {
        return Err(NoteError::MalformedNote("signature too short"));
    }
    let id = [blob[0], blob[1], blob[2], blob[3]];
    Ok((name, id, blob[4..].to_vec()))
}

/// Parses a checkpoint note text into `(origin, tree size, root hash)`.
///
/// The text must be at least three non-empty lines, each ending in a newline:
/// the origin; the tree size in ASCII decimal without leading zeros (`0` for
/// the empty tree) that fits in a u64; and the standard-base64 32-byte root
/// hash. Any further lines are extension lines: they must be non-empty, and
/// are otherwise ignored (the spec makes them opaque; our logs write none).
pub fn parse_checkpoint(body: &str) -> Result<(String, u64, Hash), NoteError> {
    let lines = body.strip_suffix('\n').ok_or(NoteError::MalformedCheckpoint("does not end with a newline"))?;
    let mut lines = lines.split('\n');
    let origin = lines.next().unwrap_or_default();
    if origin.is_empty() {
        return Err(NoteError::MalformedCheckpoint("empty origin"));
    }
    if has_forbidden_control(origin) {
        return Err(NoteError::MalformedCheckpoint("control character in origin"));
    }
    let size_line = lines.next().ok_or(NoteError::MalformedCheckpoint("missing tree size"))?;
    let canonical_decimal = !size_line.is_empty()
        && size_line.bytes().all(|b| b.is_ascii_digit())
        && (size_line == "0" || !size_line.starts_with('0'));
    if !canonical_decimal {
        return Err(NoteError::MalformedCheckpoint("tree size must be decimal without leading zeros"));
    }
    let size: u64 = size_line.parse().map_err(|_| NoteError::MalformedCheckpoint("tree size out of range"))?;
    let root_line = lines.next().ok_or(NoteError::MalformedCheckpoint("missing root hash"))?;
    let root_bytes =
        STANDARD.decode(root_line).map_err(|_| NoteError::MalformedCheckpoint("root hash is not valid base64"))?;
    let root: Hash =
        root_bytes.as_slice().try_into().map_err(|_| NoteError::MalformedCheckpoint("root hash must be 32 bytes"))?;
    if lines.any(str::is_empty) {
        return Err(NoteError::MalformedCheckpoint("empty extension line"));
    }
    Ok((origin.to_owned(), size, root))
}

/// Key names: non-empty, no Unicode whitespace, no `+`, no control character.
pub(crate) fn check_name(name: &str) -> Result<(), NoteError> {
    let bad = |c: char| c.is_whitespace() || c == '+' || c.is_control();
    if name.is_empty() || name.chars().any(bad) { Err(NoteError::InvalidKeyName) } else { Ok(()) }
}

/// True if `text` holds an ASCII control character (below U+0020) other
/// than newline.
fn has_forbidden_control(text: &str) -> bool {
    text.bytes().any(|b| b < 0x20 && b != b'\n')
}

#[cfg(test)]
mod tests {
    use super::super::merkle::{empty_root, leaf_hash, root};
    use super::*;

    // Reference vector from Go's golang.org/x/mod/sumdb/note documentation
    // and tests (also used by the signed_note Rust crate): key
    // "PeterNeumann", private key seed in `GO_SKEY` (0x01 || seed).
    const GO_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const GO_SKEY_MATERIAL: &str = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const GO_TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                           then you don't know what your problem is.\n";
    const GO_SIG_LINE: &str =
        "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    fn go_signing_key() -> SigningKey {
        let material = STANDARD.decode(GO_SKEY_MATERIAL).unwrap();
        assert_eq!(material[0], ED25519_ALG);
        SigningKey::from_bytes(&material[1..].try_into().unwrap())
    }

    fn go_note() -> String {
        format!("{GO_TEXT}\n{GO_SIG_LINE}")
    }

    #[test]
    fn go_reference_key_id_and_verifier_key() {
        let verifier = parse_verifier_key(GO_VKEY).unwrap();
        assert_eq!(verifier.name(), "PeterNeumann");
        assert_eq!(verifier.key_id(), [0xc7, 0x4f, 0x20, 0xa3]);
        // Key ID computed from scratch matches the published one.
        let sk = go_signing_key();
        assert_eq!(key_id("PeterNeumann", &sk.verifying_key()), [0xc7, 0x4f, 0x20, 0xa3]);
        assert_eq!(verifier.verifying_key(), &sk.verifying_key());
        assert_eq!(verifier_key_string("PeterNeumann", &sk.verifying_key()), GO_VKEY);
    }

    #[test]
    fn go_reference_signature_reproduced_and_opened() {
        // Ed25519 is deterministic: we must produce Go's note byte for byte.
        let note = sign_note(GO_TEXT, "PeterNeumann", &go_signing_key()).unwrap();
        assert_eq!(note, go_note());
        let verifier = parse_verifier_key(GO_VKEY).unwrap();
        assert_eq!(open_note(&go_note(), &verifier).unwrap(), GO_TEXT);
    }

    #[test]
    fn round_trip_with_fresh_key() {
        let sk = generate_signing_key();
        let name = "maslikhat.example.kz/almaty";
        let vkey = verifier_key_string(name, &sk.verifying_key());
        let verifier = parse_verifier_key(&vkey).unwrap();
        assert_eq!(verifier, NoteVerifier::new(name, sk.verifying_key()).unwrap());
        let body = "hello\n\nwith a blank line inside\n";
        let note = sign_note(body, name, &sk).unwrap();
        assert!(note.starts_with(body));
        assert!(note.contains("\n\n\u{2014} maslikhat.example.kz/almaty "));
        assert_eq!(open_note(&note, &verifier).unwrap(), body);
    }

    #[test]
    fn tampering_rejected() {
        let verifier = parse_verifier_key(GO_VKEY).unwrap();
        let note = go_note();
        // Tampered body.
        let bad = note.replace("cryptography", "cryptographY");
        assert_eq!(open_note(&bad, &verifier), Err(NoteError::InvalidSignature));
        // Every single-character change to the signature base64 (other than
        // ones that keep the same decoded bytes, which STANDARD refuses).
        let sig_start = note.rfind(' ').unwrap() + 1;
        let sig_end = note.len() - 1;
        for i in sig_start..sig_end {
            let mut bytes = note.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let tampered = String::from_utf8(bytes).unwrap();
            assert!(open_note(&tampered, &verifier).is_err(), "position {i}");
        }
        // Different key with the same name: its signature is ignored, so no
        // verifiable signature remains.
        let other = generate_signing_key();
        let forged = sign_note(GO_TEXT, "PeterNeumann", &other).unwrap();
        assert_eq!(open_note(&forged, &verifier), Err(NoteError::NoVerifiableSignature));
        // Same name and key ID as the verifier but a wrong signature: reject,
        // even if a valid signature follows.
        let good_blob = &GO_SIG_LINE[GO_SIG_LINE.rfind(' ').unwrap() + 1..GO_SIG_LINE.len() - 1];
        let mut blob = STANDARD.decode(good_blob).unwrap();
        blob[10] ^= 1;
        let bad_line = format!("— PeterNeumann {}\n", STANDARD.encode(&blob));
        let doubled = format!("{GO_TEXT}\n{bad_line}{GO_SIG_LINE}");
        assert_eq!(open_note(&doubled, &verifier), Err(NoteError::InvalidSignature));
    }

    #[test]
    fn unknown_signatures_ignored() {
        let verifier = parse_verifier_key(GO_VKEY).unwrap();
        let witness = generate_signing_key();
        let cosigned = sign_note(GO_TEXT, "witness.example", &witness).unwrap();
        let witness_line = &cosigned[GO_TEXT.len() + 1..];
        let note = format!("{GO_TEXT}\n{witness_line}{GO_SIG_LINE}");
        assert_eq!(open_note(&note, &verifier).unwrap(), GO_TEXT);
        let witness_verifier = NoteVerifier::new("witness.example", witness.verifying_key()).unwrap();
        assert_eq!(open_note(&note, &witness_verifier).unwrap(), GO_TEXT);
    }

    #[test]
    fn malformed_notes_rejected() {
        let verifier = parse_verifier_key(GO_VKEY).unwrap();
        let note = go_note();
        let cases = [
            GO_TEXT.to_string(),                               // no signatures
            note.trim_end_matches('\n').to_string(),           // no final newline
            note.replace('\u{2014}', "--"),                    // wrong dash
            note.replace("— PeterNeumann ", "— PeterNeumann"), // no space
            note.replace("— PeterNeumann ", "—  PeterNeumann "),
            note.replace("x08go", "x08g!"), // bad base64
            note.replace("AM=\n", "AM\n"),  // missing padding
            note.replace("then", "th\ten"), // control character
            note.replace("then", "th\ren"),
            format!("{note}\n"),                         // trailing blank line
            format!("{GO_TEXT}\n— PeterNeumann AAAA\n"), // too short
            format!("{GO_TEXT}\n\n{GO_SIG_LINE}"),       // split at last blank line
        ];
        for (i, case) in cases.iter().enumerate() {
            assert!(open_note(case, &verifier).is_err(), "case {i}: {case:?}");
        }
        let many = format!("{GO_TEXT}\n{}", GO_SIG_LINE.repeat(MAX_SIGNATURES + 1));
        assert_eq!(open_note(&many, &verifier), Err(NoteError::MalformedNote("too many signatures")));
        assert_eq!(open_note(&format!("{GO_TEXT}\n{}", GO_SIG_LINE.repeat(3)), &verifier).unwrap(), GO_TEXT);
    }

    #[test]
    fn sign_note_refuses_bad_input() {
        let sk = go_signing_key();
        assert_eq!(sign_note("", "a", &sk), Err(NoteError::InvalidText("empty")));
        assert!(matches!(sign_note("no newline", "a", &sk), Err(NoteError::InvalidText(_))));
        assert!(matches!(sign_note("tab\there\n", "a", &sk), Err(NoteError::InvalidText(_))));
        for name in ["", "a b", "a+b", "a\nb", "a\u{2003}b"] {
            assert_eq!(sign_note("x\n", name, &sk), Err(NoteError::InvalidKeyName), "{name:?}");
        }
    }

    #[test]
    fn verifier_key_parsing_rejects_manglings() {
        assert!(parse_verifier_key(GO_VKEY).is_ok());
        // Go's test: every proper substring and every single-byte increment
        // of a valid key must be refused.
        let b = GO_VKEY.as_bytes();
        for i in 0..=b.len() {
            for j in i + 1..=b.len() {
                if (i != 0 || j != b.len())
                    && let Ok(s) = std::str::from_utf8(&b[i..j])
                {
                    assert!(parse_verifier_key(s).is_err(), "{s}");
                }
            }
        }
        for i in 0..b.len() {
            let mut m = b.to_vec();
            m[i] = m[i].wrapping_add(1);
            if let Ok(s) = std::str::from_utf8(&m) {
                assert!(parse_verifier_key(s).is_err(), "{s}");
            }
        }
        assert_eq!(
            parse_verifier_key("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
            Err(NoteError::KeyIdMismatch)
        );
        assert_eq!(
            parse_verifier_key("PeterNeumann+c74f20a3+AhpjZAcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
            Err(NoteError::UnsupportedAlgorithm(2))
        );
        // Uppercase hex ID is accepted (as Go does).
        assert!(parse_verifier_key(&GO_VKEY.replace("c74f20a3", "C74F20A3")).is_ok());
        // A small-order (weak) key is refused: the identity point.
        let mut identity = vec![ED25519_ALG, 1];
        identity.extend_from_slice(&[0u8; 31]);
        let weak = format!("weak+00000000+{}", STANDARD.encode(identity));
        assert!(matches!(parse_verifier_key(&weak), Err(NoteError::MalformedVerifierKey(_))));
    }

    #[test]
    fn checkpoint_round_trip() {
        let sk = generate_signing_key();
        let origin = "maslikhat.example.kz/log";
        let root: Hash = root(&[leaf_hash(b"x")]);
        let body = checkpoint_body(origin, 1, &root);
        assert_eq!(body, format!("{origin}\n1\n{}\n", STANDARD.encode(root)));
        let note = sign_note(&body, origin, &sk).unwrap();
        let verifier = parse_verifier_key(&verifier_key_string(origin, &sk.verifying_key())).unwrap();
        let opened = open_note(&note, &verifier).unwrap();
        assert_eq!(parse_checkpoint(&opened).unwrap(), (origin.to_string(), 1, root));
        let empty = empty_root();
        assert_eq!(checkpoint_body("o", 0, &empty), "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
        assert_eq!(parse_checkpoint(&checkpoint_body("o", u64::MAX, &empty)).unwrap().1, u64::MAX);
    }

    #[test]
    fn checkpoint_spec_example_parses() {
        // The example from c2sp.org/tlog-checkpoint.
        let body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        let (origin, size, root) = parse_checkpoint(body).unwrap();
        assert_eq!(origin, "example.com/behind-the-sofa");
        assert_eq!(size, 20_852_163);
        assert_eq!(STANDARD.encode(root), "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
        // Non-empty extension lines are allowed and ignored.
        assert!(parse_checkpoint(&format!("{body}ext one\next two\n")).is_ok());
    }

    #[test]
    fn malformed_checkpoints_rejected() {
        let root = STANDARD.encode([0u8; 32]);
        let cases = [
            format!("o\n1\n{root}"),    // no final newline
            format!("\n1\n{root}\n"),   // empty origin
            format!("o\n01\n{root}\n"), // leading zero
            format!("o\n+1\n{root}\n"), // sign
            format!("o\n-1\n{root}\n"),
            format!("o\n 1\n{root}\n"),
            format!("o\n\n{root}\n"),                          // empty size
            format!("o\n18446744073709551616\n{root}\n"),      // overflow
            "o\n1\n".to_string(),                              // missing root
            "o\n1\nAAAA\n".to_string(),                        // short root
            format!("o\n1\n{}\n", root.trim_end_matches('=')), // bad padding
            format!("o\n1\n{root}\n\n"),                       // empty extension line
            format!("o\n1\n{root}\nx\n\ny\n"),
            "o\n".to_string(),
            String::new(),
        ];
        for (i, case) in cases.iter().enumerate() {
            assert!(matches!(parse_checkpoint(case), Err(NoteError::MalformedCheckpoint(_))), "case {i}: {case:?}");
        }
    }

    #[test]
    fn errors_display() {
        assert_eq!(NoteError::NoVerifiableSignature.to_string(), "note has no signature from the expected key");
        assert_eq!(
            NoteError::UnsupportedAlgorithm(2).to_string(),
            "unsupported signature type 0x02 (only Ed25519 0x01)"
        );
    }
}
