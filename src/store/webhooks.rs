//! Webhook subscriptions and their delivery log: delivery state owned by the subscriber, not
//! derived from the record (see `migrations/…_webhooks.rs`).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

use super::{Db, StoreError};
use crate::entity::{document_version, webhook, webhook_delivery};

/// States of a delivery.
pub mod state {
    /// Waiting for its next attempt.
    pub const PENDING: &str = "pending";
    /// The receiver answered 2xx.
    pub const DELIVERED: &str = "delivered";
    /// Every attempt failed; no more will be made.
    pub const FAILED: &str = "failed";
}

/// A subscription as stored.
#[derive(Debug, Clone)]
pub struct WebhookRead {
    /// Its id, chosen by its owner.
    pub id: String,
    /// Who registered it (the token's subject).
    pub owner: String,
    /// Where deliveries go.
    pub url: String,
    /// The HMAC key of its signatures.
    pub secret: String,
    /// Only this council's changes (none: every council's).
    pub council: Option<String>,
    /// Only these kinds of document (empty: every kind).
    pub kinds: Vec<String>,
    /// The last change number queued for it.
    pub last_seq: i64,
    /// False once disabled (by its owner, or after repeated failure).
    pub active: bool,
    /// Failed attempts since the last success.
    pub failures: i32,
    /// Why it was disabled.
    pub disabled_reason: Option<String>,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When it was last changed by its owner.
    pub updated_at: DateTime<Utc>,
}

impl From<webhook::Model> for WebhookRead {
    fn from(m: webhook::Model) -> Self {
        Self {
            kinds: serde_json::from_str(&m.kinds).unwrap_or_default(),
            id: m.id,
            owner: m.owner,
            url: m.url,
            secret: m.secret,
            council: m.council_id,
            last_seq: m.last_seq,
            active: m.active,
            failures: m.failures,
            disabled_reason: m.disabled_reason,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// What an owner registers.
#[derive(Debug, Clone)]
pub struct WebhookSpec {
    /// Where deliveries go.
    pub url: String,
    /// The HMAC key.
    pub secret: String,
    /// Only this council's changes.
    pub council: Option<String>,
    /// Only these kinds of document (empty: all).
    pub kinds: Vec<String>,
    /// Active (true re-enables a disabled subscription and clears its failures).
    pub active: bool,
}

/// One delivery and its attempts.
#[derive(Debug, Clone)]
pub struct DeliveryRead {
    /// Its number.
    pub id: i64,
    /// Its subscription.
    pub webhook: String,
    /// The change delivered.
    pub seq: i64,
    /// The JSON body sent.
    pub payload: String,
    /// One of [`state`].
    pub state: String,
    /// Attempts made.
    pub attempts: i32,
    /// When the next attempt is due (pending only).
    pub next_attempt_at: DateTime<Utc>,
    /// The receiver's last HTTP status.
    pub last_status: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When it was last attempted.
    pub last_attempt_at: Option<DateTime<Utc>>,
}

impl From<webhook_delivery::Model> for DeliveryRead {
    fn from(m: webhook_delivery::Model) -> Self {
        Self {
            id: m.id,
            webhook: m.webhook_id,
            seq: m.seq,
            payload: m.payload,
            state: m.state,
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
            last_status: m.last_status,
            last_error: m.last_error,
            created_at: m.created_at,
            last_attempt_at: m.last_attempt_at,
        }
    }
}

/// The log's last change number (0 when nothing is published).
pub async fn head_seq(db: &Db) -> Result<i64, StoreError> {
    let last = document_version::Entity::find().order_by_desc(document_version::Column::Seq).limit(1).one(db).await?;
    Ok(last.map_or(0, |m| m.seq))
}

/// One subscription.
pub async fn get(db: &Db, id: &str) -> Result<Option<WebhookRead>, StoreError> {
    Ok(webhook::Entity::find_by_id(id.to_owned()).one(db).await?.map(Into::into))
}

/// Registers or replaces a subscription. A new one starts after `head` (the log's last change
/// number now): it is sent what is published from now on. Returns it and whether it is new.
pub async fn put(
    db: &Db,
    id: &str,
    owner: &str,
    spec: &WebhookSpec,
    head: i64,
    now: DateTime<Utc>,
) -> Result<(WebhookRead, bool), StoreError> {
    let kinds = serde_json::to_string(&spec.kinds).unwrap_or_else(|_| "[]".into());
    let txn = db.begin().await?;
    let existing = webhook::Entity::find_by_id(id.to_owned()).one(&txn).await?;
    let created = existing.is_none();
    let model = match existing {
        None => {
            webhook::ActiveModel {
                id: Set(id.to_owned()),
                owner: Set(owner.to_owned()),
                url: Set(spec.url.clone()),
                secret: Set(spec.secret.clone()),
                council_id: Set(spec.council.clone()),
                kinds: Set(kinds),
                last_seq: Set(head),
                active: Set(spec.active),
                failures: Set(0),
                disabled_reason: Set((!spec.active).then(|| "disabled by its owner".to_owned())),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?
        }
        Some(m) => {
            let was_active = m.active;
            let mut a = m.into_active_model();
            a.url = Set(spec.url.clone());
            a.secret = Set(spec.secret.clone());
            a.council_id = Set(spec.council.clone());
            a.kinds = Set(kinds);
            a.active = Set(spec.active);
            a.updated_at = Set(now);
            if spec.active && !was_active {
                a.failures = Set(0);
                a.disabled_reason = Set(None);
            } else if !spec.active && was_active {
                a.disabled_reason = Set(Some("disabled by its owner".to_owned()));
            }
            a.update(&txn).await?
        }
    };
    txn.commit().await?;
    Ok((model.into(), created))
}

/// Every active subscription.
pub async fn active(db: &Db) -> Result<Vec<WebhookRead>, StoreError> {
    let rows = webhook::Entity::find()
        .filter(webhook::Column::Active.eq(true))
        .order_by_asc(webhook::Column::Id)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Queues `deliveries` (change number, body) for `webhook` and moves its position to `upto`, in
/// one transaction, unless another node moved it first (then nothing is queued).
pub async fn enqueue(
    db: &Db,
    webhook: &str,
    from: i64,
    upto: i64,
    deliveries: Vec<(i64, String)>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let txn = db.begin().await?;
    let moved = webhook::Entity::update_many()
        .col_expr(webhook::Column::LastSeq, Expr::value(upto))
        .filter(webhook::Column::Id.eq(webhook))
        .filter(webhook::Column::LastSeq.eq(from))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 1 {
        for (seq, payload) in deliveries {
            webhook_delivery::ActiveModel {
                webhook_id: Set(webhook.to_owned()),
                seq: Set(seq),
                payload: Set(payload),
                state: Set(state::PENDING.to_owned()),
                attempts: Set(0),
                next_attempt_at: Set(now),
                last_status: Set(None),
                last_error: Set(None),
                created_at: Set(now),
                last_attempt_at: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Pending deliveries due by `now` of active subscriptions, oldest first, with their
/// subscription.
pub async fn due(db: &Db, now: DateTime<Utc>, limit: u64) -> Result<Vec<(DeliveryRead, WebhookRead)>, StoreError> {
    let rows = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::State.eq(state::PENDING))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .order_by_asc(webhook_delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut out = vec![];
    for d in rows {
        if let Some(w) = webhook::Entity::find_by_id(d.webhook_id.clone()).one(db).await?
            && w.active
        {
            out.push((d.into(), w.into()));
        }
    }
    Ok(out)
}

/// How an attempt ended.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The receiver's status, when it answered.
    pub status: Option<i32>,
    /// Why it failed (none: delivered).
    pub error: Option<String>,
    /// When it was made.
    pub at: DateTime<Utc>,
    /// When to try again, if it failed and attempts remain (none: give up).
    pub retry_at: Option<DateTime<Utc>>,
    /// Disable the subscription after this many failed attempts in a row.
    pub disable_after: i32,
}

/// Records an attempt on `delivery` and its subscription's failure count, disabling the
/// subscription when the count reaches `disable_after`.
pub async fn record(db: &Db, delivery: &DeliveryRead, a: &Attempt) -> Result<(), StoreError> {
    let txn = db.begin().await?;
    let Some(d) = webhook_delivery::Entity::find_by_id(delivery.id).one(&txn).await? else {
        return Ok(());
    };
    let mut dm = d.into_active_model();
    dm.attempts = Set(delivery.attempts + 1);
    dm.last_status = Set(a.status);
    dm.last_error = Set(a.error.clone());
    dm.last_attempt_at = Set(Some(a.at));
    match (&a.error, a.retry_at) {
        (None, _) => dm.state = Set(state::DELIVERED.to_owned()),
        (Some(_), Some(at)) => dm.next_attempt_at = Set(at),
        (Some(_), None) => dm.state = Set(state::FAILED.to_owned()),
    }
    dm.update(&txn).await?;
    if let Some(w) = webhook::Entity::find_by_id(delivery.webhook.clone()).one(&txn).await? {
        let failures = if a.error.is_some() { w.failures + 1 } else { 0 };
        let mut wm = w.into_active_model();
        wm.failures = Set(failures);
        if failures >= a.disable_after {
            wm.active = Set(false);
            wm.disabled_reason = Set(Some(format!(
                "{failures} failed attempts in a row; the last: {}",
                a.error.as_deref().unwrap_or("")
            )));
        }
        wm.update(&txn).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// A subscription's deliveries, newest first.
pub async fn deliveries(db: &Db, webhook: &str, limit: u64) -> Result<Vec<DeliveryRead>, StoreError> {
    let rows = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::WebhookId.eq(webhook))
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}
