//! HTTP API (JSON, bearer API keys). Types are shared with the CLI client.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use utoipa::OpenApi;

use super::config::{Principal, Role};
use super::store::{self, StoreError};
use super::AppState;
pub use crate::approval::{
    ErrorBody, ExportRequest, ListQuery, NewRequest, RedeemBody, RequestStatus, Review, ReviewBody,
    ReviewDecision, RevokeBody, TokenResponse,
};
use crate::gate::token::ApprovalToken;

/// An API error: status plus a reason that never carries a token or key.
pub struct ApiError(pub StatusCode, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.0.canonical_reason().unwrap_or("error").to_lowercase(),
            reason: self.1,
        };
        (self.0, Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::NotFound => StatusCode::NOT_FOUND,
            StoreError::Forbidden(_) => StatusCode::FORBIDDEN,
            StoreError::Conflict(_) => StatusCode::CONFLICT,
            StoreError::Gone(_) => StatusCode::GONE,
            StoreError::Invalid(_) => StatusCode::BAD_REQUEST,
            StoreError::Internal(m) => {
                tracing::error!("internal error: {m}");
                return ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal error".into());
            }
        };
        ApiError(code, e.to_string())
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

pub(crate) fn auth<'a>(
    st: &'a AppState,
    headers: &HeaderMap,
    roles: &[Role],
) -> ApiResult<&'a Principal> {
    st.metrics.http_requests.fetch_add(1, Ordering::Relaxed);
    let key = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            // The scheme is case-insensitive (RFC 9110); the key must not be blank.
            let (scheme, key) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| key.trim())
        })
        .filter(|k| !k.is_empty());
    let Some(p) = key.and_then(|k| st.config.authenticate(k)) else {
        st.metrics.unauthorized.fetch_add(1, Ordering::Relaxed);
        audit_refusal(st, StatusCode::UNAUTHORIZED, "anonymous", None);
        return Err(ApiError(
            StatusCode::UNAUTHORIZED,
            "a valid API key is required".into(),
        ));
    };
    if !roles.is_empty() && !roles.contains(&p.role) {
        st.metrics.forbidden.fetch_add(1, Ordering::Relaxed);
        audit_refusal(st, StatusCode::FORBIDDEN, &p.name, Some(p.role));
        return Err(ApiError(
            StatusCode::FORBIDDEN,
            format!("role {:?} may not do this", p.role),
        ));
    }
    Ok(p)
}

/// Record a 401/403 in the audit chain (never the key that was offered),
/// aggregated beyond `AuthRefusals::PER_SECOND` a second.
pub(crate) fn audit_refusal(st: &AppState, status: StatusCode, who: &str, role: Option<Role>) {
    audit_refusal_with(
        st,
        who,
        serde_json::json!({"action": "auth", "status": status.as_u16(), "role": role}),
    );
}

/// Record a refusal with its details (rate-limited like `audit_refusal`).
pub(crate) fn audit_refusal_with(st: &AppState, who: &str, mut detail: serde_json::Value) {
    let Some(suppressed) = st.auth_refusals.lock().ok().and_then(|mut a| a.admit()) else {
        return;
    };
    detail["suppressed"] = suppressed.into();
    if let Err(e) = audit_write(st, crate::audit::EventKind::Refusal, who, "", &detail) {
        tracing::error!("auditing a refused request failed: {e}");
    }
}

/// Append one event to the audit chain in its own transaction.
pub(crate) fn audit_write(
    st: &AppState,
    kind: crate::audit::EventKind,
    who: &str,
    subject: &str,
    detail: &serde_json::Value,
) -> crate::Result<()> {
    let audit = |e: rusqlite::Error| crate::Error::Audit(e.to_string());
    let mut c = st
        .db
        .lock()
        .map_err(|_| crate::Error::Audit("database lock poisoned".into()))?;
    let tx = c
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(audit)?;
    crate::audit::append(&tx, Some(&st.key), kind, who, subject, detail)?;
    tx.commit().map_err(audit)
}

/// Run blocking SQLite work off the async workers.
pub(crate) async fn db<T: Send + 'static>(
    st: &Arc<AppState>,
    f: impl FnOnce(&mut rusqlite::Connection, &AppState) -> Result<T, StoreError> + Send + 'static,
) -> ApiResult<T> {
    let st = st.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = st
            .db
            .lock()
            .map_err(|_| StoreError::Internal("database lock poisoned".into()))?;
        f(&mut conn, &st)
    })
    .await
    .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, format!("task: {e}")))?
    .map_err(ApiError::from)
}

#[utoipa::path(post, path = "/v1/export-requests", request_body = NewRequest, responses((status = 201, body = ExportRequest), (status = 400, body = ErrorBody), (status = 401), (status = 403)))]
async fn create_request(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(body): Json<NewRequest>,
) -> ApiResult<(StatusCode, Json<ExportRequest>)> {
    let p = auth(&st, &headers, &[Role::Requester, Role::Admin])?
        .name
        .clone();
    let req = db(&st, move |c, s| {
        store::create(c, &s.config, &s.key, &p, &body)
    })
    .await?;
    st.metrics.export_requests.fetch_add(1, Ordering::Relaxed);
    super::notify::send(&st, &req, super::notify::Event::Created);
    Ok((StatusCode::CREATED, Json(req)))
}

#[utoipa::path(get, path = "/v1/export-requests", params(ListQuery), responses((status = 200, body = Vec<ExportRequest>), (status = 401)))]
async fn list_requests(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Vec<ExportRequest>>> {
    auth(&st, &headers, &[])?;
    let status = match q.status.as_deref() {
        Some(s) => Some(
            s.parse::<RequestStatus>()
                .map_err(|e| ApiError(StatusCode::BAD_REQUEST, e))?,
        ),
        None => None,
    };
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let offset = q.offset.unwrap_or(0).max(0);
    Ok(Json(
        db(&st, move |c, s| {
            store::list(c, &s.key, status, limit, offset)
        })
        .await?,
    ))
}

#[utoipa::path(get, path = "/v1/export-requests/{id}", params(("id" = String, Path, description = "The export request id")), responses((status = 200, body = ExportRequest), (status = 404)))]
async fn get_request(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<ExportRequest>> {
    auth(&st, &headers, &[])?;
    Ok(Json(db(&st, move |c, s| store::get(c, &s.key, &id)).await?))
}

#[utoipa::path(post, path = "/v1/export-requests/{id}/reviews", params(("id" = String, Path, description = "The export request id")), request_body = ReviewBody, responses((status = 200, body = ExportRequest), (status = 403, description = "self-review or wrong role"), (status = 409, description = "already reviewed, or not pending")))]
async fn review(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<ReviewBody>,
) -> ApiResult<Json<ExportRequest>> {
    let p = auth(&st, &headers, &[Role::Approver, Role::Admin])?
        .name
        .clone();
    let req = db(&st, move |c, s| {
        store::review(c, &s.key, &id, &p, body.decision, &body.comment)
    })
    .await?;
    st.metrics.reviews.fetch_add(1, Ordering::Relaxed);
    if req.status != RequestStatus::Pending {
        super::notify::send(&st, &req, super::notify::Event::Decided);
    }
    Ok(Json(req))
}

#[utoipa::path(get, path = "/v1/export-requests/{id}/token", params(("id" = String, Path, description = "The export request id")), responses((status = 200, body = TokenResponse), (status = 403), (status = 409), (status = 410)))]
async fn token(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<TokenResponse>> {
    let p = auth(&st, &headers, &[Role::Requester, Role::Admin])?
        .name
        .clone();
    let t = db(&st, move |c, s| {
        store::issue_token(c, &s.config, &s.key, &id, &p)
    })
    .await?;
    st.metrics.tokens_issued.fetch_add(1, Ordering::Relaxed);
    Ok(Json(TokenResponse {
        token: t.expose().to_string(),
    }))
}

#[utoipa::path(post, path = "/v1/export-requests/{id}/revoke", params(("id" = String, Path, description = "The export request id")), request_body = RevokeBody, responses((status = 200, body = ExportRequest), (status = 409)))]
async fn revoke(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<RevokeBody>,
) -> ApiResult<Json<ExportRequest>> {
    let p = auth(&st, &headers, &[Role::Approver, Role::Admin])?
        .name
        .clone();
    let req = db(&st, move |c, s| {
        store::revoke(c, &s.key, &id, &p, &body.reason)
    })
    .await?;
    super::notify::send(&st, &req, super::notify::Event::Decided);
    Ok(Json(req))
}

#[utoipa::path(post, path = "/v1/tokens/redeem", request_body = RedeemBody, responses((status = 200), (status = 409, description = "already used"), (status = 410, description = "revoked or expired")))]
async fn redeem(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(body): Json<RedeemBody>,
) -> ApiResult<Json<serde_json::Value>> {
    let p = auth(&st, &headers, &[Role::Gate])?.name.clone();
    let token = ApprovalToken::new(body.token);
    let r = db(&st, move |c, s| {
        store::redeem(c, &s.config, &s.key, &p, &token)
    })
    .await;
    match r {
        Ok(c) => {
            st.metrics.redeemed.fetch_add(1, Ordering::Relaxed);
            Ok(Json(serde_json::json!({"redeemed": c.jti})))
        }
        Err(e) => {
            st.metrics.redeem_refused.fetch_add(1, Ordering::Relaxed);
            Err(e)
        }
    }
}

impl From<super::export::ExportError> for ApiError {
    fn from(e: super::export::ExportError) -> Self {
        match e {
            super::export::ExportError::Refused(r) => {
                ApiError(StatusCode::FORBIDDEN, r.to_string())
            }
            super::export::ExportError::Store(e) => e.into(),
        }
    }
}

/// Export through the service: verify, redeem and open a session.
#[utoipa::path(post, path = "/v1/exports", request_body = super::export::OpenExport, responses((status = 201, body = super::export::ExportSession), (status = 403, description = "refused: the reason"), (status = 400)))]
async fn open_export(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(body): Json<super::export::OpenExport>,
) -> ApiResult<(StatusCode, Json<super::export::ExportSession>)> {
    let p = auth(&st, &headers, &[Role::Gate])?.name.clone();
    let s = super::export::open(&st, &p, body).await?;
    Ok((StatusCode::CREATED, Json(s)))
}

/// Export through the service: the bytes of one approved file.
#[utoipa::path(put, path = "/v1/exports/{session}/objects/{path}", params(("session" = String, Path), ("path" = String, Path)), responses((status = 200), (status = 403, description = "refused: the reason")))]
async fn put_export_object(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((session, path)): Path<(String, String)>,
    body: axum::body::Body,
) -> ApiResult<Json<serde_json::Value>> {
    let p = auth(&st, &headers, &[Role::Gate])?.name.clone();
    let n = super::export::put_object(&st, &p, &session, &path, body).await?;
    Ok(Json(serde_json::json!({"written": path, "bytes": n})))
}

/// Export through the service: every approved file was written.
#[utoipa::path(post, path = "/v1/exports/{session}/complete", params(("session" = String, Path)), responses((status = 200), (status = 409, description = "files missing")))]
async fn complete_export(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(session): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let p = auth(&st, &headers, &[Role::Gate])?.name.clone();
    Ok(Json(super::export::complete(&st, &p, &session)?))
}

#[utoipa::path(get, path = "/v1/keys", responses((status = 200)))]
async fn keys(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
) -> ApiResult<Json<serde_json::Value>> {
    auth(&st, &headers, &[])?;
    Ok(Json(serde_json::json!({ "keys": [st.key.public_json()] })))
}

#[utoipa::path(get, path = "/v1/audit", params(ListQuery), responses((status = 200), (status = 403)))]
async fn audit_events(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Vec<crate::audit::AuditEvent>>> {
    auth(&st, &headers, &[Role::Admin])?;
    let (after, limit) = (
        q.after.unwrap_or(0),
        q.limit.unwrap_or(1000).clamp(1, 10_000),
    );
    Ok(Json(
        db(&st, move |c, _| {
            crate::audit::events(c, after, limit).map_err(StoreError::from)
        })
        .await?,
    ))
}

#[utoipa::path(get, path = "/v1/audit/checkpoint", responses((status = 200), (status = 403)))]
async fn audit_checkpoint(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
) -> ApiResult<Json<Option<crate::audit::Checkpoint>>> {
    auth(&st, &headers, &[Role::Admin])?;
    Ok(Json(
        db(&st, move |c, s| store::checkpoint(c, &s.key)).await?,
    ))
}

/// Liveness.
#[utoipa::path(get, path = "/healthz", security(()), responses((status = 200, description = "ok", content_type = "text/plain")))]
async fn healthz() -> &'static str {
    "ok"
}

/// Prometheus counters.
#[utoipa::path(get, path = "/metrics", security(()), responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
async fn metrics(State(st): State<Arc<AppState>>) -> String {
    st.metrics.render()
}

/// Every route needs a bearer API key unless it says otherwise.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
        };
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        doc.security = Some(vec![SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "piigate approval API",
        description = "Request, review and redeem export approvals."
    ),
    paths(
        create_request,
        list_requests,
        get_request,
        review,
        token,
        revoke,
        redeem,
        open_export,
        put_export_object,
        complete_export,
        keys,
        audit_events,
        audit_checkpoint,
        super::slack::actions,
        healthz,
        metrics,
        openapi
    ),
    modifiers(&BearerAuth),
    components(schemas(
        NewRequest,
        ExportRequest,
        Review,
        ReviewBody,
        ReviewDecision,
        RequestStatus,
        TokenResponse,
        RedeemBody,
        super::export::OpenExport,
        super::export::ExportSession,
        RevokeBody,
        ErrorBody
    ))
)]
pub struct ApiDoc;

/// This document.
#[utoipa::path(get, path = "/openapi.json", security(()), responses((status = 200, description = "OpenAPI 3 document")))]
async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Every error answer in the JSON error format, the framework's own
/// rejections (a malformed JSON body, a wrong method, a body too large) too.
async fn json_errors(r: Response) -> Response {
    let status = r.status();
    let is_json = r
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return r;
    }
    let (parts, body) = r.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let reason = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_lowercase()
    } else {
        text
    };
    let mut out = ApiError(status, reason).into_response();
    for (k, v) in parts.headers.iter() {
        if k != axum::http::header::CONTENT_TYPE && k != axum::http::header::CONTENT_LENGTH {
            out.headers_mut().insert(k.clone(), v.clone());
        }
    }
    out
}

/// The service's HTTP routes (API, review page, Slack actions, metrics, OpenAPI) over `state`.
pub fn router(state: Arc<AppState>) -> Router {
    let limit = state.config.body_limit;
    let timeout = Duration::from_secs(state.config.request_timeout_secs);
    Router::new()
        .route(
            "/v1/export-requests",
            post(create_request).get(list_requests),
        )
        .route("/v1/export-requests/{id}", get(get_request))
        .route("/v1/export-requests/{id}/reviews", post(review))
        .route("/v1/export-requests/{id}/token", get(token))
        .route("/v1/export-requests/{id}/revoke", post(revoke))
        .route("/v1/tokens/redeem", post(redeem))
        .route("/v1/exports", post(open_export))
        .route(
            "/v1/exports/{session}/objects/{*path}",
            axum::routing::put(put_export_object).layer(DefaultBodyLimit::disable()),
        )
        .route("/v1/exports/{session}/complete", post(complete_export))
        .route("/v1/keys", get(keys))
        .route("/v1/audit", get(audit_events))
        .route("/v1/audit/checkpoint", get(audit_checkpoint))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route(
            "/v1/integrations/slack/actions",
            post(super::slack::actions),
        )
        .merge(super::ui::router())
        .fallback(|| async { ApiError(StatusCode::NOT_FOUND, "no such route".into()) })
        .layer(axum::middleware::map_response(json_errors))
        .layer(DefaultBodyLimit::max(limit))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .with_state(state)
}
