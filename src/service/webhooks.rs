//! Webhooks: third-party apps subscribe to a council's changes (or every council's), of some
//! kinds of document, and are sent each change as a signed JSON POST.
//!
//! - **Signature.** `Maslikhat-Signature: t=<unix seconds>,v1=<hex>`, where `v1` is
//!   HMAC-SHA-256 under the subscription's secret of `<t>.<body>`. A receiver recomputes it
//!   and refuses a `t` too far from its clock (replay); [`verify`] does both.
//! - **Retries.** A delivery that is not answered 2xx (a redirect counts as a failure, and is
//!   never followed) is tried again after `webhook_retry_base_ms`, then twice as long each time,
//!   up to `webhook_max_attempts`; every attempt is in the delivery log.
//! - **Disabling.** After `webhook_disable_after` failed attempts in a row the subscription is
//!   disabled; its owner re-enables it by sending it again with `active: true`.
//! - **Where to.** Only the registered URL. Its host is resolved first and every address is
//!   checked (loopback, private, link-local, metadata, multicast and other non-public ranges are
//!   refused; loopback only when `webhook_allow_loopback`), and the request is sent to the
//!   address checked, so a name cannot change its answer in between.
//!
//! Deliveries are at least once: the `Maslikhat-Delivery` header carries the delivery's
//! number, which a receiver can use to drop a repeat.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{Error, Service};
use crate::domain::Violations;
use crate::store::webhooks as store;

pub use store::{DeliveryRead, WebhookRead, WebhookSpec, state};

/// The signature header.
pub const SIGNATURE: &str = "maslikhat-signature";
/// The delivery number header.
pub const DELIVERY: &str = "maslikhat-delivery";
/// The event header (`change`).
pub const EVENT: &str = "maslikhat-event";
/// How far a signature's time may be from the receiver's clock, as [`verify`] checks it.
pub const TOLERANCE_SECONDS: i64 = 300;
/// Kinds of document a subscription may name.
pub const KINDS: [&str; 5] = ["council", "party", "roster", "session_record", "public_record"];

/// HMAC-SHA-256 (RFC 2104) of `msg` under `key`.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(msg);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// The `Maslikhat-Signature` value of `body` sent at unix time `t`.
pub fn signature(secret: &str, t: i64, body: &[u8]) -> String {
    let mut msg = format!("{t}.").into_bytes();
    msg.extend_from_slice(body);
    format!("t={t},v1={}", hex::encode(hmac_sha256(secret.as_bytes(), &msg)))
}

/// Checks a delivery as a receiver should: the header parses, its time is within
/// [`TOLERANCE_SECONDS`] of `now`, and its `v1` is the HMAC of this body under `secret`.
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> Result<(), &'static str> {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => v1 = hex::decode(v).ok(),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else { return Err("the signature header does not parse") };
    if (now - t).abs() > TOLERANCE_SECONDS {
        return Err("the signature is too old or from the future (replay)");
    }
    let mut msg = format!("{t}.").into_bytes();
    msg.extend_from_slice(body);
    let want = hmac_sha256(secret.as_bytes(), &msg);
    let same = v1.len() == want.len() && v1.iter().zip(want).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if same { Ok(()) } else { Err("the signature does not match the body") }
}

/// Why an address is no place to deliver to, if it is not.
pub fn refused_address(ip: IpAddr, allow_loopback: bool) -> Option<&'static str> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    if ip.is_loopback() {
        return (!allow_loopback).then_some("a loopback address");
    }
    match ip {
        IpAddr::V4(a) => {
            let o = a.octets();
            if a.is_private() {
                Some("a private address")
            } else if a.is_link_local() {
                Some("a link-local or metadata address")
            } else if a.is_unspecified() || a.is_broadcast() || a.is_multicast() || a.is_documentation() || o[0] == 0 {
                Some("no public unicast address")
            } else if o[0] == 100 && (64..128).contains(&o[1]) {
                Some("a shared (carrier-grade NAT) address")
            } else if o[0] >= 240
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
            {
                Some("a reserved address")
            } else {
                None
            }
        }
        IpAddr::V6(a) => {
            let s = a.segments();
            if a.is_unspecified() || a.is_multicast() {
                Some("no public unicast address")
            } else if (s[0] & 0xfe00) == 0xfc00 {
                Some("a private (unique local) address, metadata services included")
            } else if (s[0] & 0xffc0) == 0xfe80 {
                Some("a link-local address")
            } else if s[0] == 0x2001 && s[1] == 0x0db8 {
                Some("a documentation address")
            } else if s[0] == 0x0064 && s[1] == 0xff9b {
                Some("a NAT64 address")
            } else {
                None
            }
        }
    }
}

/// Where `url` may be delivered to: its host, resolved, every address checked. The first
/// address, which the delivery then connects to.
pub async fn resolve(url: &str, allow_loopback: bool) -> Result<(String, SocketAddr), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("the URL does not parse: {e}"))?;
    let host = parsed.host_str().ok_or("the URL has no host")?.trim_matches(['[', ']']).to_owned();
    let port = parsed.port_or_known_default().ok_or("the URL has no port")?;
    let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| format!("{host} does not resolve: {e}"))?
        .collect();
    let first = *found.first().ok_or_else(|| format!("{host} resolves to no address"))?;
    for a in &found {
        if let Some(why) = refused_address(a.ip(), allow_loopback) {
            return Err(format!("{host} resolves to {}, {why}: not delivered", a.ip()));
        }
    }
    Ok((host, first))
}

/// The rules of a subscription's fields, as violations naming the field and rule.
pub fn check(v: &mut Violations, id: &str, spec: &WebhookSpec) {
    crate::domain::text::check_id(v, "", id);
    match reqwest::Url::parse(&spec.url) {
        Err(_) => v.push("/url", "url", "not an absolute URL"),
        Ok(u) if !matches!(u.scheme(), "https" | "http") => v.push("/url", "url_scheme", "use https (or http)"),
        Ok(u) if u.host_str().is_none() => v.push("/url", "url", "the URL has no host"),
        Ok(u) if !u.username().is_empty() || u.password().is_some() => {
            v.push("/url", "url_credentials", "put no user name or password in the URL")
        }
        Ok(u) => {
            let literal = u.host_str().unwrap_or_default().trim_matches(['[', ']']).parse::<IpAddr>().ok();
            if let Some(why) = literal.and_then(|ip| refused_address(ip, false).filter(|_| !ip.is_loopback())) {
                v.push("/url", "public_address", format!("deliveries go to public addresses only; this is {why}"));
            }
        }
    }
    if !(16..=256).contains(&spec.secret.chars().count()) {
        v.push("/secret", "length", "16 to 256 characters");
    }
    for (i, k) in spec.kinds.iter().enumerate() {
        if !KINDS.contains(&k.as_str()) {
            v.push(format!("/kinds/{i}"), "one_of", format!("one of {}", KINDS.join(", ")));
        }
    }
    if let Some(c) = &spec.council {
        crate::domain::text::check_id(v, "/council", c);
    }
}

/// One subscription, if it exists.
pub async fn get(svc: &Service, id: &str) -> Result<WebhookRead, Error> {
    store::get(&svc.db, id).await?.ok_or_else(|| Error::NotFound(format!("webhook {id}")))
}

/// Registers or replaces subscription `id` for `owner` (the caller checks ownership). A new
/// one is sent the changes published from now on. `v` holds the violations found so far.
pub async fn put(
    svc: &Service,
    id: &str,
    owner: &str,
    spec: &WebhookSpec,
    mut v: Violations,
) -> Result<(WebhookRead, bool), Error> {
    check(&mut v, id, spec);
    let v = v.into_vec();
    if !v.is_empty() {
        return Err(Error::Invalid(v));
    }
    if let Some(c) = &spec.council {
        super::councils::get(svc, c).await?;
    }
    let head = store::head_seq(&svc.db).await?;
    Ok(store::put(&svc.db, id, owner, spec, head, Utc::now()).await?)
}

/// A subscription's latest deliveries, newest first.
pub async fn deliveries(svc: &Service, id: &str, limit: u64) -> Result<Vec<DeliveryRead>, Error> {
    Ok(store::deliveries(&svc.db, id, limit).await?)
}

/// Queues, for every active subscription, the changes published since its position.
pub async fn enqueue_new(svc: &Service) -> Result<(), Error> {
    for w in store::active(&svc.db).await? {
        let filter = super::votes::ChangeFilter { council: w.council.clone(), provenance: None };
        let page = super::votes::changes(svc, w.last_seq, &filter, 200).await?;
        let Some(upto) = page.items.last().map(|m| m.seq) else { continue };
        let base = &svc.settings.public_url;
        let payloads = page
            .items
            .iter()
            .filter(|m| w.kinds.is_empty() || w.kinds.iter().any(|k| k == m.kind.as_str()))
            .map(|m| {
                let body = serde_json::json!({
                    "event": "change",
                    "webhook": w.id,
                    "change": {
                        "seq": m.seq,
                        "kind": m.kind.as_str(),
                        "id": m.doc_id,
                        "council": m.council_id,
                        "version": m.version,
                        "received_at": m.received_at,
                        "provenance": m.provenance.as_str(),
                    },
                    "changes": format!("{base}/v1/changes?since={}&limit=1", m.seq - 1),
                });
                (m.seq, body.to_string())
            })
            .collect();
        store::enqueue(&svc.db, &w.id, w.last_seq, upto, payloads, Utc::now()).await?;
    }
    Ok(())
}

/// Sends one delivery and records how it went.
async fn attempt(svc: &Service, d: DeliveryRead, w: WebhookRead) -> Result<(), Error> {
    let s = &svc.settings;
    let now = Utc::now();
    let outcome = send(s, &d, &w, now).await;
    let failed = outcome.as_ref().err().map(|(_, e)| e.clone());
    let status = match &outcome {
        Ok(st) => Some(*st),
        Err((st, _)) => *st,
    };
    let tries = u32::try_from(d.attempts).unwrap_or(0) + 1;
    let retry_at = (failed.is_some() && tries < s.webhook_max_attempts).then(|| {
        let wait = s.webhook_retry_base_ms.saturating_mul(1u64 << (tries - 1).min(30));
        now + chrono::Duration::milliseconds(i64::try_from(wait).unwrap_or(i64::MAX / 2))
    });
    let a = store::Attempt {
        status,
        error: failed,
        at: now,
        retry_at,
        disable_after: i32::try_from(s.webhook_disable_after.max(1)).unwrap_or(i32::MAX),
    };
    Ok(store::record(&svc.db, &d, &a).await?)
}

/// POSTs a delivery: its status when 2xx, or the status (if any) and why it failed.
async fn send(
    s: &crate::config::Settings,
    d: &DeliveryRead,
    w: &WebhookRead,
    now: DateTime<Utc>,
) -> Result<i32, (Option<i32>, String)> {
    let (host, addr) = resolve(&w.url, s.webhook_allow_loopback).await.map_err(|e| (None, e))?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(s.webhook_timeout_seconds.max(1)))
        .resolve(&host, addr)
        .build()
        .map_err(|e| (None, format!("no HTTP client: {e}")))?;
    let body = d.payload.clone().into_bytes();
    let resp = client
        .post(&w.url)
        .header("content-type", "application/json")
        .header("user-agent", "maslikhat-webhooks")
        .header(SIGNATURE, signature(&w.secret, now.timestamp(), &body))
        .header(DELIVERY, d.id.to_string())
        .header(EVENT, "change")
        .body(body)
        .send()
        .await
        .map_err(|e| (None, format!("no answer: {e}")))?;
    let status = i32::from(resp.status().as_u16());
    if resp.status().is_success() {
        Ok(status)
    } else if resp.status().is_redirection() {
        Err((Some(status), "a redirect, which is never followed: register the final URL".into()))
    } else {
        Err((Some(status), format!("the receiver answered {status}")))
    }
}

/// Sends every delivery that is due, side by side.
pub async fn send_due(svc: &Service) -> Result<(), Error> {
    let due = store::due(&svc.db, Utc::now(), 100).await?;
    let results = futures_util::future::join_all(due.into_iter().map(|(d, w)| attempt(svc, d, w))).await;
    results.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(())
}

/// Delivers in the background for as long as the server runs: after each publication through
/// this process, and every `change_poll_ms` (writes of other processes, retries that fall due).
pub async fn run(svc: Arc<Service>) {
    let mut woken = svc.published.subscribe();
    let poll = Duration::from_millis(svc.settings.change_poll_ms.max(100));
    loop {
        woken.borrow_and_update();
        if let Err(e) = enqueue_new(&svc).await {
            tracing::warn!(error = %e, "webhooks: could not queue new changes");
        }
        if let Err(e) = send_due(&svc).await {
            tracing::warn!(error = %e, "webhooks: could not record a delivery");
        }
        tokio::select! {
            changed = woken.changed() => if changed.is_err() { return },
            () = tokio::time::sleep(poll) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        let long_key = [0xaau8; 131];
        let mac = hmac_sha256(&long_key, b"Test Using Larger Than Block-Size Key - Hash Key First");
        assert_eq!(hex::encode(mac), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    #[test]
    fn a_signature_verifies_and_any_change_is_detected() {
        let (secret, body, t) = ("0123456789abcdef", br#"{"change":1}"#.as_slice(), 1_800_000_000);
        let sig = signature(secret, t, body);
        assert_eq!(verify(secret, &sig, body, t + 10), Ok(()));
        assert!(verify(secret, &sig, br#"{"change":2}"#, t).is_err(), "another body");
        assert!(verify("another secret!!", &sig, body, t).is_err(), "another secret");
        assert!(verify(secret, &sig.replace("t=1800000000", "t=1800000001"), body, t).is_err(), "another time");
        assert!(verify(secret, &sig, body, t + TOLERANCE_SECONDS + 1).is_err(), "a replay");
        assert!(verify(secret, "v1=00", body, t).is_err());
    }

    #[test]
    fn only_public_addresses_are_delivered_to() {
        let refused = |s: &str| refused_address(s.parse().unwrap(), false);
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "224.0.0.1",
        ] {
            assert!(refused(bad).is_some(), "{bad}");
        }
        for good in ["93.184.216.34", "2a00:1450:4001:81b::200e", "8.8.8.8"] {
            assert_eq!(refused(good), None, "{good}");
        }
        assert_eq!(refused_address("127.0.0.1".parse().unwrap(), true), None);
        assert!(refused_address("10.0.0.1".parse().unwrap(), true).is_some());
    }
}
