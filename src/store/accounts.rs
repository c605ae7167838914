//! Workspace accounts, their browser sessions and their drafts (issue 18).
//!
//! Secrets are stored only as SHA-256 hashes: the one-time sign-in token an admin hands out, and
//! the session cookie it is exchanged for. A leaked database row therefore signs nobody in. A
//! sign-in token works once (its expiry is cleared when redeemed) and only until it expires; its
//! hash stays until the account's next link, so a used or expired link still names its account
//! (for the per-account sign-in limit, see `api::limits`); a session
//! works until it expires, its account is revoked, or its holder signs out.
//!
//! Drafts are private working copies of a document (the same JSON body the API takes). They are
//! never served, never logged, and publishing one goes through the store's `put_*` functions like
//! any API write.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use rand_core::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use sha2::{Digest, Sha256};

use super::StoreError;
use crate::entity::{publisher_account, publisher_session, workspace_draft};

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    /// Creates and revokes accounts; may open any council's workspace.
    Admin,
    /// A council's clerk: publishes that council's roster and session records.
    Council,
    /// A monitor or journalist: publishes public-sources records for any council.
    Monitor,
}

impl AccountKind {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Admin => "admin",
            AccountKind::Council => "council",
            AccountKind::Monitor => "monitor",
        }
    }

    /// Parses a stored or typed name.
    pub fn parse(s: &str) -> Option<Self> {
        [AccountKind::Admin, AccountKind::Council, AccountKind::Monitor].into_iter().find(|k| k.as_str() == s)
    }
}

/// An account as the workspace sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Stable id (also recorded as the publisher of each version it publishes).
    pub id: String,
    /// The person's name as the admin typed it.
    pub name: String,
    /// What it may do.
    pub kind: AccountKind,
    /// For council accounts: the only council it may publish for.
    pub council: Option<String>,
    /// When the admin revoked it.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Account {
    /// True when this account may publish the council's own records (roster, sessions).
    pub fn may_publish_for(&self, council: &str) -> bool {
        self.revoked_at.is_none()
            && match self.kind {
                AccountKind::Admin => true,
                AccountKind::Council => self.council.as_deref() == Some(council),
                AccountKind::Monitor => false,
            }
    }
}

/// A signed-in browser session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Whose.
    pub account: Account,
    /// The token every form of this session must carry.
    pub csrf: String,
    /// The session's cookie hash (to sign out).
    pub id_hash: String,
}

fn account(m: publisher_account::Model) -> Result<Account, StoreError> {
    let kind = AccountKind::parse(&m.kind)
        .ok_or_else(|| super::version::corrupt(format!("publisher_account {}", m.id), "unknown kind"))?;
    Ok(Account { id: m.id, name: m.name, kind, council: m.council_id, revoked_at: m.revoked_at })
}

/// 32 random bytes, URL-safe base64.
pub fn random_token() -> String {
    use base64::Engine as _;
    let mut b = [0u8; 32];
    rand_core::OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// SHA-256 (hex) of a secret.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Creates an account and returns it with its first one-time sign-in token.
pub async fn create_account(
    db: &DatabaseConnection,
    name: &str,
    kind: AccountKind,
    council: Option<&str>,
    link_ttl: Duration,
) -> Result<(Account, String), StoreError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(StoreError::BadRequest("an account needs a name of 1 to 200 printable characters".into()));
    }
    let council = match (kind, council.map(str::trim).filter(|c| !c.is_empty())) {
        (AccountKind::Council, Some(c)) => {
            super::councils::load_council(db, c).await?;
            Some(c.to_owned())
        }
        (AccountKind::Council, None) => {
            return Err(StoreError::BadRequest("a council account needs its council".into()));
        }
        (_, _) => None,
    };
    let id = format!("acct-{}", uuid::Uuid::new_v4().simple());
    let token = random_token();
    publisher_account::ActiveModel {
        id: Set(id.clone()),
        name: Set(name.to_owned()),
        kind: Set(kind.as_str().to_owned()),
        council_id: Set(council),
        created_at: Set(now()),
        revoked_at: Set(None),
        sign_in_hash: Set(Some(hash(&token))),
        sign_in_expires_at: Set(Some(now() + link_ttl)),
    }
    .insert(db)
    .await?;
    Ok((get_account(db, &id).await?, token))
}

/// A fresh one-time sign-in token for an existing, unrevoked account (the old one stops working).
pub async fn new_sign_in(db: &DatabaseConnection, id: &str, link_ttl: Duration) -> Result<String, StoreError> {
    let a = get_account(db, id).await?;
    if a.revoked_at.is_some() {
        return Err(StoreError::BadRequest(format!("account {id} is revoked")));
    }
    let token = random_token();
    publisher_account::ActiveModel {
        id: Set(id.to_owned()),
        sign_in_hash: Set(Some(hash(&token))),
        sign_in_expires_at: Set(Some(now() + link_ttl)),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(token)
}

/// One account.
pub async fn get_account(db: &DatabaseConnection, id: &str) -> Result<Account, StoreError> {
    let m = publisher_account::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("account {id}")))?;
    account(m)
}

/// Every account, oldest first.
pub async fn list_accounts(db: &DatabaseConnection) -> Result<Vec<Account>, StoreError> {
    publisher_account::Entity::find()
        .order_by_asc(publisher_account::Column::CreatedAt)
        .order_by_asc(publisher_account::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(account)
        .collect()
}

/// Revokes an account: its sessions end at once and its sign-in token stops working.
pub async fn revoke_account(db: &DatabaseConnection, id: &str) -> Result<(), StoreError> {
    get_account(db, id).await?;
    publisher_account::ActiveModel {
        id: Set(id.to_owned()),
        revoked_at: Set(Some(now())),
        sign_in_expires_at: Set(None),
        ..Default::default()
    }
    .update(db)
    .await?;
    publisher_session::Entity::delete_many().filter(publisher_session::Column::AccountId.eq(id)).exec(db).await?;
    Ok(())
}

/// The account a sign-in token belongs to: its current link, whether fresh, used or expired, and
/// whether or not the account was revoked. `None` for a token no account's latest link matches.
pub async fn sign_in_owner(db: &DatabaseConnection, token: &str) -> Result<Option<String>, StoreError> {
    Ok(publisher_account::Entity::find()
        .filter(publisher_account::Column::SignInHash.eq(hash(token.trim())))
        .one(db)
        .await?
        .map(|m| m.id))
}

/// Exchanges a one-time sign-in token for a session: returns the cookie value (shown once, stored
/// hashed). `None` when the token is unknown, used, expired or its account revoked.
pub async fn redeem(
    db: &DatabaseConnection,
    token: &str,
    session_ttl: Duration,
) -> Result<Option<(String, SignedIn)>, StoreError> {
    let Some(m) = publisher_account::Entity::find()
        .filter(publisher_account::Column::SignInHash.eq(hash(token.trim())))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let fresh = m.sign_in_expires_at.is_some_and(|e| e > Utc::now());
    if m.revoked_at.is_some() || !fresh {
        return Ok(None);
    }
    // Used once: its expiry is cleared before the session exists, so a replay finds it stale.
    let cleared = publisher_account::Entity::update_many()
        .col_expr(
            publisher_account::Column::SignInExpiresAt,
            sea_orm::sea_query::Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(publisher_account::Column::Id.eq(m.id.clone()))
        .filter(publisher_account::Column::SignInHash.eq(hash(token.trim())))
        .filter(publisher_account::Column::SignInExpiresAt.is_not_null())
        .exec(db)
        .await?;
    if cleared.rows_affected != 1 {
        return Ok(None);
    }
    let cookie = random_token();
    let csrf = random_token();
    publisher_session::ActiveModel {
        id_hash: Set(hash(&cookie)),
        account_id: Set(m.id.clone()),
        csrf: Set(csrf.clone()),
        created_at: Set(now()),
        expires_at: Set(now() + session_ttl),
    }
    .insert(db)
    .await?;
    let signed = SignedIn { account: account(m)?, csrf, id_hash: hash(&cookie) };
    Ok(Some((cookie, signed)))
}

/// The live session a cookie names, if any: unexpired, and its account not revoked.
pub async fn session(db: &DatabaseConnection, cookie: &str) -> Result<Option<SignedIn>, StoreError> {
    let id_hash = hash(cookie);
    let Some(s) = publisher_session::Entity::find_by_id(id_hash.clone()).one(db).await? else {
        return Ok(None);
    };
    if s.expires_at <= Utc::now() {
        publisher_session::Entity::delete_by_id(id_hash).exec(db).await?;
        return Ok(None);
    }
    let a = get_account(db, &s.account_id).await?;
    if a.revoked_at.is_some() {
        return Ok(None);
    }
    Ok(Some(SignedIn { account: a, csrf: s.csrf, id_hash }))
}

/// Ends a session.
pub async fn sign_out(db: &DatabaseConnection, id_hash: &str) -> Result<(), StoreError> {
    publisher_session::Entity::delete_by_id(id_hash.to_owned()).exec(db).await?;
    Ok(())
}

/// A draft's body, if one is kept.
pub async fn get_draft(db: &DatabaseConnection, id: &str) -> Result<Option<String>, StoreError> {
    Ok(workspace_draft::Entity::find_by_id(id.to_owned()).one(db).await?.map(|d| d.body))
}

/// Keeps a draft (replacing the previous one of the same id).
pub async fn put_draft(
    db: &DatabaseConnection,
    id: &str,
    council: &str,
    body: &str,
    by: &str,
) -> Result<(), StoreError> {
    let row = workspace_draft::ActiveModel {
        id: Set(id.to_owned()),
        council_id: Set(council.to_owned()),
        body: Set(body.to_owned()),
        updated_by: Set(by.to_owned()),
        updated_at: Set(now()),
    };
    if workspace_draft::Entity::find_by_id(id.to_owned()).one(db).await?.is_some() {
        row.update(db).await?;
    } else {
        row.insert(db).await?;
    }
    Ok(())
}

/// Drops a draft (after it was published).
pub async fn delete_draft(db: &DatabaseConnection, id: &str) -> Result<(), StoreError> {
    workspace_draft::Entity::delete_by_id(id.to_owned()).exec(db).await?;
    Ok(())
}
