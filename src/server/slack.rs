//! Approve / Deny from Slack: `POST /v1/integrations/slack/actions`.
//!
//! Slack signs each interaction with the app's signing secret
//! (`X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" +
//! body))`, `X-Slack-Request-Timestamp`). The service refuses a request that
//! is unsigned, signed with another secret, more than five minutes from now,
//! or a replay of one already accepted; it then maps the Slack user to a
//! principal through the explicit `[slack.users]` table (anyone else is
//! refused) and applies exactly the API's rules through the same store
//! function: no self-review, one review per approver, roles, the policy's
//! approvals. Requests at or above `slack.review_page_required_from` (HIGH by
//! default) are refused here: a chat identity is only the chat workspace's
//! word, weaker than the reviewer's own key.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::api::{audit_refusal_with, db, ApiError, ApiResult, RequestStatus, ReviewDecision};
use super::config::Role;
use super::notify::{self, Event};
use super::store;
use super::AppState;

/// How far a request's timestamp may be from now, in seconds.
pub const MAX_SKEW_SECS: i64 = 300;

/// Why a Slack request was not accepted as Slack's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the request is not signed (X-Slack-Signature and X-Slack-Request-Timestamp)")]
    Unsigned,
    #[error("the request timestamp is more than five minutes from now")]
    Stale,
    #[error("the signature does not match the signing secret")]
    Mismatch,
    #[error("this signed request was already used")]
    Replayed,
}

/// Check a Slack request signature (v0) over the raw body, in constant
/// time; `now` in Unix seconds.
pub fn verify(
    secret: &str,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<i64, SignatureError> {
    let (Some(ts), Some(sig)) = (timestamp, signature) else {
        return Err(SignatureError::Unsigned);
    };
    let ts: i64 = ts.trim().parse().map_err(|_| SignatureError::Unsigned)?;
    if (now - ts).abs() > MAX_SKEW_SECS {
        return Err(SignatureError::Stale);
    }
    let sig = sig
        .trim()
        .strip_prefix("v0=")
        .and_then(|h| hex::decode(h).ok())
        .ok_or(SignatureError::Mismatch)?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| SignatureError::Mismatch)?;
    mac.update(format!("v0:{ts}:").as_bytes());
    mac.update(body);
    mac.verify_slice(&sig)
        .map_err(|_| SignatureError::Mismatch)?;
    Ok(ts)
}

/// The signature `verify` accepts, for a client (and tests) to sign with.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("v0:{timestamp}:").as_bytes());
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// Signed requests accepted within the last `MAX_SKEW_SECS` (by digest of
/// their signature): the same request sent again is refused.
#[derive(Debug, Default)]
pub struct ReplayGuard(Mutex<HashMap<[u8; 32], i64>>);

impl ReplayGuard {
    /// True the first time this signature is seen.
    pub fn first_use(&self, signature: &str, ts: i64, now: i64) -> bool {
        let Ok(mut seen) = self.0.lock() else {
            return false;
        };
        seen.retain(|_, t| now - *t <= 2 * MAX_SKEW_SECS);
        seen.insert(Sha256::digest(signature.as_bytes()).into(), ts)
            .is_none()
    }
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn refuse(st: &AppState, code: StatusCode, who: &str, reason: &str) -> ApiError {
    if code == StatusCode::UNAUTHORIZED {
        st.metrics.unauthorized.fetch_add(1, Ordering::Relaxed);
    } else if code == StatusCode::FORBIDDEN {
        st.metrics.forbidden.fetch_add(1, Ordering::Relaxed);
    }
    audit_refusal_with(
        st,
        who,
        serde_json::json!({"action": "slack", "status": code.as_u16(), "reason": reason}),
    );
    ApiError(code, reason.to_string())
}

/// Slack's interaction: a form field `payload` holding JSON.
fn action_of(body: &[u8]) -> Option<(String, ReviewDecision, String)> {
    let payload = url::form_urlencoded::parse(body)
        .find(|(k, _)| k == "payload")
        .map(|(_, v)| v.into_owned())?;
    let v: serde_json::Value = serde_json::from_str(&payload).ok()?;
    if v["type"] != "block_actions" {
        return None;
    }
    let user = v["user"]["id"].as_str()?.to_string();
    let a = v["actions"].as_array()?.first()?;
    let decision = match a["action_id"].as_str()? {
        "piigate_approve" => ReviewDecision::Approve,
        "piigate_deny" => ReviewDecision::Deny,
        _ => return None,
    };
    let id = a["value"].as_str()?.to_string();
    Some((user, decision, id))
}

#[utoipa::path(post, path = "/v1/integrations/slack/actions", security(()),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "Slack's interaction payload (`payload=` JSON), signed with the app's signing secret"),
    params(
        ("X-Slack-Signature" = String, Header, description = "v0=HMAC-SHA256 of v0:timestamp:body"),
        ("X-Slack-Request-Timestamp" = String, Header, description = "Unix seconds; at most five minutes from now"),
    ),
    responses((status = 200, description = "the review was recorded"), (status = 400, body = super::api::ErrorBody), (status = 401, description = "unsigned, forged, stale or replayed", body = super::api::ErrorBody), (status = 403, description = "unknown Slack user, self-review, or a level reviewed on the page only", body = super::api::ErrorBody), (status = 404, description = "Slack actions are not configured"), (status = 409, body = super::api::ErrorBody)))]
pub async fn actions(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<serde_json::Value>> {
    st.metrics.http_requests.fetch_add(1, Ordering::Relaxed);
    let Some(cfg) = st.config.slack.clone() else {
        return Err(ApiError(
            StatusCode::NOT_FOUND,
            "Slack actions are not configured".into(),
        ));
    };
    let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let signature = h("x-slack-signature");
    let ts = verify(
        cfg.signing_secret.expose(),
        h("x-slack-request-timestamp"),
        signature,
        &body,
        now(),
    )
    .map_err(|e| refuse(&st, StatusCode::UNAUTHORIZED, "slack", &e.to_string()))?;
    if !st
        .slack_seen
        .first_use(signature.unwrap_or_default(), ts, now())
    {
        return Err(refuse(
            &st,
            StatusCode::UNAUTHORIZED,
            "slack",
            &SignatureError::Replayed.to_string(),
        ));
    }
    let Some((user, decision, id)) = action_of(&body) else {
        return Err(ApiError(
            StatusCode::BAD_REQUEST,
            "not a piigate Approve/Deny action".into(),
        ));
    };
    let Some(principal) = cfg
        .users
        .get(&user)
        .and_then(|name| st.config.principal(name))
        .cloned()
    else {
        return Err(refuse(
            &st,
            StatusCode::FORBIDDEN,
            &format!("slack:{user}"),
            "this Slack user is not mapped to a reviewer",
        ));
    };
    if !matches!(principal.role, Role::Approver | Role::Admin) {
        return Err(refuse(
            &st,
            StatusCode::FORBIDDEN,
            &principal.name,
            "only approvers review",
        ));
    }
    let rid = id.clone();
    let req = db(&st, move |c, s| store::get(c, &s.key, &rid)).await?;
    if !notify::slack_may_review(&st, &req) {
        return Err(refuse(
            &st,
            StatusCode::FORBIDDEN,
            &principal.name,
            &format!(
                "{} requests are reviewed on the review page, not from Slack",
                req.sensitivity.as_str()
            ),
        ));
    }
    let who = principal.name.clone();
    let comment = format!("from Slack (user {user})");
    let r = db(&st, move |c, s| {
        store::review(c, &s.key, &id, &who, decision, &comment)
    })
    .await;
    let req = match r {
        Ok(req) => req,
        Err(e) => {
            if e.0 == StatusCode::FORBIDDEN {
                st.metrics.forbidden.fetch_add(1, Ordering::Relaxed);
            }
            return Err(e);
        }
    };
    st.metrics.reviews.fetch_add(1, Ordering::Relaxed);
    if req.status != RequestStatus::Pending {
        notify::send(&st, &req, Event::Decided);
    }
    Ok(Json(serde_json::json!({
        "response_type": "ephemeral",
        "replace_original": false,
        "text": format!("{} recorded: the request is {}", decision.as_str(), req.status.as_str()),
    })))
}
