//! Webhooks: a third-party app registers a URL and a secret for a council's changes (or every
//! council's), and reads its delivery log. A subscriber token (or an admin's) registers; a
//! publisher's token is refused, so no app needs a credential that can publish. A subscription
//! is its registrant's (the token's subject), and only they, or an admin, may read or change it.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::auth::BearerAuth;
use super::paging::limit;
use super::payload::StrictJson;
use super::problem::Problem;
use super::responses::{Read, Refused, SubscriberRead, SubscriberWrite};
use super::{ApiTags, AppState};
use crate::auth::Role;
use crate::domain::Violations;
use crate::service::webhooks::{self as svc, DeliveryRead, WebhookRead, WebhookSpec};

/// What a subscriber registers.
#[derive(Object, Debug, Clone, serde::Deserialize)]
#[oai(rename = "WebhookDoc")]
#[serde(deny_unknown_fields)]
pub struct WebhookDoc {
    /// Where each change is POSTed (https; redirects are not followed).
    pub url: String,
    /// The HMAC-SHA-256 key of the `Maslikhat-Signature` header, 16 to 256 characters. It is
    /// never shown again.
    pub secret: String,
    /// Only this council's changes (absent: every council's).
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub council: Option<String>,
    /// Only these kinds of document: council, party, roster, session_record, public_record
    /// (absent or empty: every kind).
    #[serde(default)]
    #[oai(default)]
    pub kinds: Vec<String>,
    /// False disables it; true (the default) enables it again after it was disabled, and clears
    /// its failures.
    #[serde(default = "yes")]
    #[oai(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// A subscription as its owner sees it (without its secret).
#[derive(Object, Debug, Clone)]
pub struct WebhookView {
    /// Its id.
    pub id: String,
    /// Where deliveries go.
    pub url: String,
    /// Only this council's changes.
    #[oai(skip_serializing_if_is_none)]
    pub council: Option<String>,
    /// Only these kinds (empty: every kind).
    pub kinds: Vec<String>,
    /// False when disabled.
    pub active: bool,
    /// Failed attempts in a row.
    pub failures: i32,
    /// Why it is disabled.
    #[oai(skip_serializing_if_is_none)]
    pub disabled_reason: Option<String>,
    /// The last change number queued for it.
    pub last_seq: i64,
    /// Registered.
    pub created_at: DateTime<Utc>,
    /// Last changed by its owner.
    pub updated_at: DateTime<Utc>,
}

impl From<WebhookRead> for WebhookView {
    fn from(w: WebhookRead) -> Self {
        Self {
            id: w.id,
            url: w.url,
            council: w.council,
            kinds: w.kinds,
            active: w.active,
            failures: w.failures,
            disabled_reason: w.disabled_reason,
            last_seq: w.last_seq,
            created_at: w.created_at,
            updated_at: w.updated_at,
        }
    }
}

/// One delivery and how its attempts went.
#[derive(Object, Debug, Clone)]
pub struct DeliveryView {
    /// Its number (the `Maslikhat-Delivery` header).
    pub id: i64,
    /// The change delivered.
    pub seq: i64,
    /// `pending`, `delivered` or `failed` (given up).
    pub state: String,
    /// Attempts made.
    pub attempts: i32,
    /// When the next attempt is due (pending).
    pub next_attempt_at: DateTime<Utc>,
    /// The receiver's last HTTP status.
    #[oai(skip_serializing_if_is_none)]
    pub last_status: Option<i32>,
    /// Why the last attempt failed.
    #[oai(skip_serializing_if_is_none)]
    pub last_error: Option<String>,
    /// Queued.
    pub created_at: DateTime<Utc>,
    /// Last attempted.
    #[oai(skip_serializing_if_is_none)]
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The JSON body sent.
    pub payload: String,
}

impl From<DeliveryRead> for DeliveryView {
    fn from(d: DeliveryRead) -> Self {
        Self {
            id: d.id,
            seq: d.seq,
            state: d.state,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_status: d.last_status,
            last_error: d.last_error,
            created_at: d.created_at,
            last_attempt_at: d.last_attempt_at,
            payload: d.payload,
        }
    }
}

/// A subscription's delivery log.
#[derive(Object, Debug, Clone)]
pub struct DeliveryList {
    /// Newest first.
    pub items: Vec<DeliveryView>,
}

/// The answer to a webhook `PUT`.
#[derive(ApiResponse)]
pub enum WebhookPut {
    /// Registered.
    #[oai(status = 201)]
    Created(Json<WebhookView>),
    /// Replaced.
    #[oai(status = 200)]
    Stored(Json<WebhookView>),
}

/// Webhook operations.
pub struct WebhookApi {
    /// Shared state.
    pub state: Arc<AppState>,
}

/// The subscription `id`, when the token's holder owns it (or is an admin).
fn owned(auth: &BearerAuth, w: &WebhookRead) -> Result<(), Problem> {
    if auth.0.role == Role::Admin || (auth.0.role == Role::Subscriber && auth.0.sub == w.owner) {
        Ok(())
    } else {
        Err(Problem::forbidden("this webhook was registered by someone else"))
    }
}

#[OpenApi(prefix_path = "/v1", tag = "ApiTags::Webhooks")]
impl WebhookApi {
    /// Register or replace a webhook (a subscriber's or admin's token; it is then the subject's).
    ///
    /// Each change published after registration that matches `council` and `kinds` is POSTed
    /// to `url` as JSON, signed: `Maslikhat-Signature: t=<unix seconds>,v1=<hex HMAC-SHA-256
    /// of "<t>.<body>" under the secret>`. Refuse a `t` more than 5 minutes from your clock.
    /// A delivery not answered 2xx is retried with exponential backoff; after repeated failure
    /// the webhook is disabled, and `active: true` enables it again.
    #[oai(path = "/webhooks/:webhook", method = "put", operation_id = "put_webhook")]
    async fn put_webhook(
        &self,
        auth: BearerAuth,
        /// The webhook's id.
        #[oai(name = "webhook")]
        id: Path<String>,
        body: StrictJson<WebhookDoc>,
    ) -> Result<WebhookPut, Refused<SubscriberWrite>> {
        auth.require_subscriber()?;
        let service = &self.state.service;
        match svc::get(service, &id).await {
            Ok(w) => owned(&auth, &w)?,
            Err(crate::service::Error::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
        let d = body.0;
        let spec = WebhookSpec { url: d.url, secret: d.secret, council: d.council, kinds: d.kinds, active: d.active };
        let (w, created) = svc::put(service, &id, &auth.0.sub, &spec, Violations::new()).await?;
        Ok(if created { WebhookPut::Created(Json(w.into())) } else { WebhookPut::Stored(Json(w.into())) })
    }

    /// One webhook (its owner or an admin).
    #[oai(path = "/webhooks/:webhook", method = "get", operation_id = "get_webhook")]
    async fn get_webhook(
        &self,
        auth: BearerAuth,
        /// The webhook's id.
        #[oai(name = "webhook")]
        id: Path<String>,
    ) -> Result<Read<WebhookView>, Refused<SubscriberRead>> {
        let w = svc::get(&self.state.service, &id).await?;
        owned(&auth, &w)?;
        Ok(Read::of(w.into()))
    }

    /// A webhook's deliveries, newest first, with each attempt's outcome (its owner or an admin).
    #[oai(path = "/webhooks/:webhook/deliveries", method = "get", operation_id = "list_webhook_deliveries")]
    async fn list_webhook_deliveries(
        &self,
        auth: BearerAuth,
        /// The webhook's id.
        #[oai(name = "webhook")]
        id: Path<String>,
        /// How many (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u64>>,
    ) -> Result<Read<DeliveryList>, Refused<SubscriberRead>> {
        let n = self::limit(limit.0, self.state.service.settings.max_page_size)?;
        let w = svc::get(&self.state.service, &id).await?;
        owned(&auth, &w)?;
        let items = svc::deliveries(&self.state.service, &id, n).await?;
        Ok(Read::of(DeliveryList { items: items.into_iter().map(Into::into).collect() }))
    }
}
