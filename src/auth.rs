//! Signing keys and tokens: Ed25519 key files, JWT issuing and checking (EdDSA, algorithm
//! pinned, key chosen by `kid`). HTTP glue lives in `api::auth`; revocation in `store`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Who may do what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages councils, parties and keys; may publish for any council.
    Admin,
    /// Publishes the documents of one council.
    Publisher,
    /// A third-party app: registers webhooks (and owns them), publishes nothing.
    Subscriber,
}

/// The claims of a maslikhat token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// Issuer; must equal the configured issuer.
    pub iss: String,
    /// Audience; must equal the configured audience.
    pub aud: String,
    /// Who the token was issued to (recorded as the publisher of each version).
    pub sub: String,
    /// Expiry (Unix seconds).
    pub exp: i64,
    /// Not valid before (Unix seconds).
    pub nbf: i64,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Unique token id, for revocation.
    pub jti: String,
    /// Admin or publisher.
    pub role: Role,
    /// For publishers: the only council they may publish for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub council: Option<String>,
}

/// One Ed25519 key pair with its id.
pub struct KeyPair {
    /// `YYYYMMDD-` plus 8 hex digits of SHA-256 of the public key: sorts by creation date.
    pub kid: String,
    /// The private key.
    pub signing: SigningKey,
}

impl KeyPair {
    /// The public half.
    pub fn verifying(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }
}

/// Why a key operation failed.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// File system trouble.
    #[error("key file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A key file that is not a PKCS#8 Ed25519 key.
    #[error("key file {0} is not a PKCS#8 Ed25519 private key")]
    Malformed(PathBuf),
    /// No key to sign with.
    #[error("no signing key in {0}; run `maslikhat keys generate`")]
    NoKey(PathBuf),
}

/// All keys of a deployment: the newest signs, all verify (so keys can rotate).
pub struct KeyRing {
    keys: BTreeMap<String, KeyPair>,
}

fn kid_for(vk: &VerifyingKey, date: chrono::NaiveDate) -> String {
    let digest = Sha256::digest(vk.as_bytes());
    let hex = hex::encode(&digest[..4]);
    format!("{}-{hex}", date.format("%Y%m%d"))
}

impl KeyRing {
    /// Reads every `*.key` file (PKCS#8 DER, base64) in `dir`. A missing folder is an empty ring.
    pub fn load(dir: &Path) -> Result<Self, KeyError> {
        let mut keys = BTreeMap::new();
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self { keys }),
            Err(source) => {
                return Err(KeyError::Io { path: dir.into(), source });
            }
        };
        for entry in entries {
            let path = entry.map_err(|source| KeyError::Io { path: dir.into(), source })?.path();
            if path.extension().is_none_or(|e| e != "key") {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|source| KeyError::Io { path: path.clone(), source })?;
            let der = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|_| KeyError::Malformed(path.clone()))?;
            let signing = SigningKey::from_pkcs8_der(&der).map_err(|_| KeyError::Malformed(path.clone()))?;
            let kid = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .ok_or_else(|| KeyError::Malformed(path.clone()))?;
            keys.insert(kid.clone(), KeyPair { kid, signing });
        }
        Ok(Self { keys })
    }

    /// A ring with no keys (it verifies nothing).
    pub fn empty() -> Self {
        Self { keys: BTreeMap::new() }
    }

    /// Generates a new key, writes it to `dir/<kid>.key` (mode 0600) and returns its id.
    pub fn generate(dir: &Path) -> Result<String, KeyError> {
        let io = |source| KeyError::Io { path: dir.into(), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        let signing = SigningKey::generate(&mut rand_core::OsRng);
        let kid = kid_for(&signing.verifying_key(), chrono::Utc::now().date_naive());
        let der = signing.to_pkcs8_der().map_err(|_| KeyError::Malformed(dir.into()))?;
        let path = dir.join(format!("{kid}.key"));
        let text = base64::engine::general_purpose::STANDARD.encode(der.as_bytes());
        write_private(&path, &text).map_err(|source| KeyError::Io { path: path.clone(), source })?;
        Ok(kid)
    }

    /// Loads `dir`, generating a first key when there is none (used by `serve` on the embedded
    /// default so that a fresh clone works; production deployments provide their keys).
    pub fn load_or_generate(dir: &Path) -> Result<Self, KeyError> {
        let ring = Self::load(dir)?;
        if !ring.keys.is_empty() {
            return Ok(ring);
        }
        Self::generate(dir)?;
        Self::load(dir)
    }

    /// The key that signs new tokens: the newest.
    pub fn active(&self) -> Option<&KeyPair> {
        self.keys.values().next_back()
    }

    /// The key with `kid`.
    pub fn get(&self, kid: &str) -> Option<&KeyPair> {
        self.keys.get(kid)
    }

    /// Every key, oldest first.
    pub fn all(&self) -> impl Iterator<Item = &KeyPair> {
        self.keys.values()
    }
}

/// Writes a new private key file, readable by its owner only, never over an existing file.
pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// Where the tokens come from and who they are for.
#[derive(Debug, Clone)]
pub struct TokenPolicy {
    /// Expected `iss`.
    pub issuer: String,
    /// Expected `aud`.
    pub audience: String,
}

/// Why a token was refused. The message is safe to show to the caller.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    /// Not three base64url parts, or the header is not JSON.
    #[error("the token is malformed")]
    Malformed,
    /// Not `EdDSA`.
    #[error("the token's algorithm is not EdDSA")]
    Algorithm,
    /// No `kid`, or one this server does not know.
    #[error("the token's key id is unknown")]
    UnknownKey,
    /// The signature does not verify.
    #[error("the token's signature is invalid")]
    Signature,
    /// Past `exp`.
    #[error("the token has expired")]
    Expired,
    /// Before `nbf`.
    #[error("the token is not valid yet")]
    NotYetValid,
    /// Wrong `iss`.
    #[error("the token's issuer is not accepted here")]
    Issuer,
    /// Wrong `aud`.
    #[error("the token's audience is not this API")]
    Audience,
    /// A required claim is missing or has the wrong type.
    #[error("the token lacks a required claim: {0}")]
    Claims(String),
    /// Listed as revoked.
    #[error("the token has been revoked")]
    Revoked,
}

/// Issues a signed token.
pub fn issue(
    keys: &KeyRing,
    policy: &TokenPolicy,
    sub: &str,
    role: Role,
    council: Option<String>,
    lifetime: chrono::Duration,
) -> Result<(String, Claims), KeyError> {
    let key = keys.active().ok_or_else(|| KeyError::NoKey(PathBuf::new()))?;
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        iss: policy.issuer.clone(),
        aud: policy.audience.clone(),
        sub: sub.to_owned(),
        exp: now + lifetime.num_seconds(),
        nbf: now - 5,
        iat: now,
        jti: uuid::Uuid::new_v4().to_string(),
        role,
        council,
    };
    Ok((sign(key, &claims)?, claims))
}

/// Signs arbitrary claims with `key` (tests use this to build expired or foreign tokens).
pub fn sign<C: Serialize>(key: &KeyPair, claims: &C) -> Result<String, KeyError> {
    let der = key.signing.to_pkcs8_der().map_err(|_| KeyError::Malformed(PathBuf::new()))?;
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(key.kid.clone());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_ed_der(der.as_bytes()))
        .map_err(|_| KeyError::Malformed(PathBuf::new()))
}

/// Verifies a token's header, signature and registered claims. Revocation is checked by the
/// caller against the database.
pub fn verify(keys: &KeyRing, policy: &TokenPolicy, token: &str) -> Result<Claims, TokenError> {
    use jsonwebtoken::errors::ErrorKind;
    let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
    if header.alg != Algorithm::EdDSA {
        return Err(TokenError::Algorithm);
    }
    let key = header.kid.as_deref().and_then(|k| keys.get(k)).ok_or(TokenError::UnknownKey)?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_issuer(&[&policy.issuer]);
    validation.set_audience(&[&policy.audience]);
    validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
    validation.validate_nbf = true;
    validation.leeway = 30;
    let decoding = DecodingKey::from_ed_der(key.verifying().as_bytes());
    jsonwebtoken::decode::<Claims>(token, &decoding, &validation).map(|d| d.claims).map_err(|e| match e.kind() {
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::ImmatureSignature => TokenError::NotYetValid,
        ErrorKind::InvalidIssuer => TokenError::Issuer,
        ErrorKind::InvalidAudience => TokenError::Audience,
        ErrorKind::InvalidSignature => TokenError::Signature,
        ErrorKind::InvalidAlgorithm => TokenError::Algorithm,
        ErrorKind::MissingRequiredClaim(c) => TokenError::Claims(c.clone()),
        ErrorKind::Json(_) => TokenError::Claims("role, jti or council".into()),
        _ => TokenError::Malformed,
    })
}

/// The public key in JWK form (`OKP`, `Ed25519`), for `list_log_keys` and clients.
pub fn public_x(key: &KeyPair) -> String {
    URL_SAFE_NO_PAD.encode(key.verifying().as_bytes())
}
