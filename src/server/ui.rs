//! The review page: server-rendered HTML for approvers, no JavaScript.
//!
//! A reviewer signs in with their own API key, which is exchanged for a
//! session cookie (HttpOnly, SameSite=Strict, Secure when `public_url` is
//! https); the key itself is never stored in the browser. Every form carries
//! a CSRF token bound to the session (the sign-in form one bound to a
//! short-lived cookie), every value is escaped by the templates, and every
//! page is sent with a Content-Security-Policy that allows no script at all.
//! Reviews go through the same store function as the API: no self-review,
//! one review per approver, the policy's number of approvals, every action
//! and refusal audited.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup, DOCTYPE};
use sha2::{Digest, Sha256};

use super::api::{audit_refusal_with, audit_write, db, ExportRequest, RequestStatus};
use super::api::{ReviewDecision, ReviewDecision::Approve};
use super::config::Role;
use super::report::{shown_columns, shown_rows};
use super::store;
use super::AppState;

const SESSION_COOKIE: &str = "piigate_session";
const LOGIN_COOKIE: &str = "piigate_login";
/// Longest comment accepted.
const COMMENT_MAX: usize = 2000;

/// Signed-in reviewers, by the sha256 of their session id (the id itself
/// lives only in the browser's cookie).
#[derive(Default)]
pub struct Sessions(Mutex<HashMap<[u8; 32], Session>>);

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map(|m| m.len()).unwrap_or(0);
        write!(f, "Sessions({n})")
    }
}

#[derive(Clone)]
struct Session {
    principal: String,
    role: Role,
    csrf: String,
    expires: Instant,
}

fn random_token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

fn session_key(id: &str) -> [u8; 32] {
    Sha256::digest(id.as_bytes()).into()
}

fn ct_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

impl Sessions {
    fn create(&self, principal: &str, role: Role, ttl: Duration) -> (String, Session) {
        let id = random_token();
        let s = Session {
            principal: principal.to_string(),
            role,
            csrf: random_token(),
            expires: Instant::now() + ttl,
        };
        if let Ok(mut m) = self.0.lock() {
            let now = Instant::now();
            m.retain(|_, s| s.expires > now);
            m.insert(session_key(&id), s.clone());
        }
        (id, s)
    }

    fn get(&self, id: &str) -> Option<Session> {
        let m = self.0.lock().ok()?;
        m.get(&session_key(id))
            .filter(|s| s.expires > Instant::now())
            .cloned()
    }

    fn remove(&self, id: &str) {
        if let Ok(mut m) = self.0.lock() {
            m.remove(&session_key(id));
        }
    }
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn secure(st: &AppState) -> bool {
    st.config
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"))
}

fn set_cookie(st: &AppState, name: &str, value: &str, path: &str, max_age: u64) -> HeaderValue {
    let mut c =
        format!("{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict");
    if secure(st) {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// The page's answer, with the headers every page carries.
fn page_response(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response()
}

fn redirect(to: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/ui/requests")),
        )],
    )
        .into_response()
}

/// Strict headers on every page of the review UI: no script, no framing,
/// forms only to this origin, nothing cached.
async fn security_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

const STYLE: &str = r#"
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1c2330;background:#f5f6f8}
header{background:#1c2330;color:#fff;padding:.7em 1.5em;display:flex;justify-content:space-between;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:600}
header form{display:inline;margin:0}
main{max-width:1100px;margin:1.5em auto;padding:0 1.5em}
h1{font-size:1.45em;margin:.2em 0 .6em}
h2{font-size:1.1em;margin:1.6em 0 .5em}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #d8dce3;padding:.35em .6em;text-align:left;vertical-align:top}
th{background:#eef0f4;font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3em 1.2em;background:#fff;padding:1em;border:1px solid #d8dce3}
dt{font-weight:600;color:#4a5568}
dd{margin:0;overflow-wrap:anywhere}
code{font:13px ui-monospace,monospace;overflow-wrap:anywhere}
.badge{display:inline-block;padding:.1em .55em;border-radius:.8em;font-size:.85em;font-weight:600;background:#e2e8f0}
.HIGH{background:#fed7d7;color:#822727}.MODERATE{background:#feebc8;color:#7b341e}.LOW{background:#fefcbf;color:#744210}.NONE{background:#e2e8f0}
.pending{background:#bee3f8;color:#2a4365}.approved,.token_issued{background:#c6f6d5;color:#22543d}.denied,.revoked,.expired{background:#fed7d7;color:#822727}
.note{background:#fff;border-left:4px solid #4a5568;padding:.6em 1em}
.error{background:#fff5f5;border-left:4px solid #c53030;padding:.6em 1em}
textarea{width:100%;min-height:5em;font:inherit;box-sizing:border-box}
button{font:inherit;padding:.45em 1.3em;margin:.5em .6em 0 0;border:0;border-radius:.3em;cursor:pointer}
.approve{background:#2f855a;color:#fff}.deny{background:#c53030;color:#fff}.plain{background:#e2e8f0}
form.filter{margin-bottom:1em}
input[type=password],input[type=text],select{font:inherit;padding:.3em}
"#;

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

fn layout(title: &str, who: Option<&Session>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · piigate" }
                link rel="stylesheet" href="/ui/static/style.css";
            }
            body {
                header {
                    a href="/ui/requests" { "piigate · export reviews" }
                    @if let Some(s) = who {
                        span {
                            "Signed in as " strong { (s.principal) } " "
                            form method="post" action="/ui/logout" {
                                input type="hidden" name="csrf" value=(s.csrf);
                                button.plain type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

fn error_page(status: StatusCode, who: Option<&Session>, message: &str) -> Response {
    page_response(
        status,
        layout(
            "Refused",
            who,
            html! {
                h1 { (status.canonical_reason().unwrap_or("Error")) }
                p.error { (message) }
                p { a href="/ui/requests" { "Back to the requests" } }
            },
        ),
    )
}

/// `1099511627776` as "1 TiB", `1500` as "1500 bytes": a limit a reviewer can read.
fn binary_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut unit = None;
    let mut v = bytes as f64;
    for u in UNITS {
        if v < 1024.0 {
            break;
        }
        v /= 1024.0;
        unit = Some(u);
    }
    match unit {
        None => format!("{bytes} bytes"),
        Some(u) if v.fract() == 0.0 => format!("{v:.0} {u}"),
        Some(u) => format!("{v:.1} {u}"),
    }
}

/// The signed-in reviewer, or the answer that sends them to sign in.
fn session(st: &AppState, headers: &HeaderMap, next: &str) -> Result<Session, Box<Response>> {
    st.metrics.http_requests.fetch_add(1, Ordering::Relaxed);
    match cookie(headers, SESSION_COOKIE).and_then(|id| st.ui_sessions.get(id)) {
        Some(s) => Ok(s),
        None => {
            let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
            Err(Box::new(redirect(&format!("/ui/login?next={next}"))))
        }
    }
}

/// A same-site path under /ui to return to after signing in; anything else
/// (another host, `//host`, a backslash) goes to the list.
fn safe_next(next: Option<&String>) -> String {
    match next {
        Some(n)
            if n.starts_with("/ui/")
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.contains("://")
                && !n.chars().any(|c| c.is_control()) =>
        {
            n.clone()
        }
        _ => "/ui/requests".into(),
    }
}

async fn login_page(
    State(st): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    st.metrics.http_requests.fetch_add(1, Ordering::Relaxed);
    login_form(&st, StatusCode::OK, &safe_next(q.get("next")), None)
}

fn login_form(st: &AppState, status: StatusCode, next: &str, error: Option<&str>) -> Response {
    let csrf = random_token();
    let mut r = page_response(
        status,
        layout(
            "Sign in",
            None,
            html! {
                h1 { "Sign in to review exports" }
                @if let Some(e) = error { p.error { (e) } }
                p { "Use your own approver API key. It is exchanged for a session cookie and not kept in the browser." }
                form method="post" action="/ui/login" {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="next" value=(next);
                    label for="api_key" { "API key " }
                    input #api_key type="password" name="api_key" autocomplete="off" required;
                    " "
                    button.approve #sign_in type="submit" { "Sign in" }
                }
            },
        ),
    );
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(st, LOGIN_COOKIE, &csrf, "/ui/login", 600),
    );
    r
}

async fn login(State(st): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    st.metrics.http_requests.fetch_add(1, Ordering::Relaxed);
    let f = form(&body);
    let next = safe_next(f.get("next"));
    let csrf_ok = match (cookie(&headers, LOGIN_COOKIE), f.get("csrf")) {
        (Some(c), Some(v)) => ct_eq(c, v),
        _ => false,
    };
    if !csrf_ok {
        audit_refusal_with(
            &st,
            "anonymous",
            serde_json::json!({"action": "ui_sign_in", "reason": "bad or missing CSRF token"}),
        );
        return login_form(
            &st,
            StatusCode::FORBIDDEN,
            &next,
            Some("The sign-in form expired. Try again."),
        );
    }
    let key = f.get("api_key").map(|k| k.trim()).unwrap_or_default();
    let Some(p) = (!key.is_empty())
        .then(|| st.config.authenticate(key))
        .flatten()
    else {
        st.metrics.unauthorized.fetch_add(1, Ordering::Relaxed);
        audit_refusal_with(
            &st,
            "anonymous",
            serde_json::json!({"action": "ui_sign_in", "status": 401}),
        );
        return login_form(
            &st,
            StatusCode::UNAUTHORIZED,
            &next,
            Some("That is not a valid API key."),
        );
    };
    if !matches!(p.role, Role::Approver | Role::Admin) {
        st.metrics.forbidden.fetch_add(1, Ordering::Relaxed);
        audit_refusal_with(
            &st,
            &p.name,
            serde_json::json!({"action": "ui_sign_in", "status": 403, "role": p.role}),
        );
        return login_form(
            &st,
            StatusCode::FORBIDDEN,
            &next,
            Some("The review page is for approvers and admins."),
        );
    }
    let ttl = st.config.ui_session_ttl_secs.max(60);
    // Fail closed: no session without its audit event.
    if let Err(e) = audit_write(
        &st,
        crate::audit::EventKind::UiSignIn,
        &p.name,
        "",
        &serde_json::json!({"role": p.role}),
    ) {
        tracing::error!("auditing a sign-in failed: {e}");
        return error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            "The sign-in could not be audited, so it was refused.",
        );
    }
    let (id, _) = st
        .ui_sessions
        .create(&p.name, p.role, Duration::from_secs(ttl));
    let mut r = redirect(&next);
    let h = r.headers_mut();
    h.append(
        header::SET_COOKIE,
        set_cookie(&st, SESSION_COOKIE, &id, "/ui", ttl),
    );
    h.append(
        header::SET_COOKIE,
        set_cookie(&st, LOGIN_COOKIE, "", "/ui/login", 0),
    );
    r
}

async fn logout(State(st): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let s = match session(&st, &headers, "/ui/requests") {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let f = form(&body);
    if !f.get("csrf").is_some_and(|v| ct_eq(v, &s.csrf)) {
        return csrf_refused(&st, &s, "ui_sign_out");
    }
    if let Some(id) = cookie(&headers, SESSION_COOKIE) {
        st.ui_sessions.remove(id);
    }
    if let Err(e) = audit_write(
        &st,
        crate::audit::EventKind::UiSignOut,
        &s.principal,
        "",
        &serde_json::json!({}),
    ) {
        tracing::error!("auditing a sign-out failed: {e}");
    }
    let mut r = redirect("/ui/login");
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&st, SESSION_COOKIE, "", "/ui", 0),
    );
    r
}

fn csrf_refused(st: &AppState, s: &Session, action: &str) -> Response {
    st.metrics.forbidden.fetch_add(1, Ordering::Relaxed);
    audit_refusal_with(
        st,
        &s.principal,
        serde_json::json!({"action": action, "reason": "bad or missing CSRF token"}),
    );
    error_page(
        StatusCode::FORBIDDEN,
        Some(s),
        "This form was not sent from the review page (CSRF token missing or wrong). Reload the page and try again.",
    )
}

fn badge(class: &str, text: &str) -> Markup {
    html! { span class={ "badge " (class) } { (text) } }
}

fn approvals(req: &ExportRequest) -> usize {
    req.reviews.iter().filter(|r| r.decision == Approve).count()
}

async fn list(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let s = match session(&st, &headers, "/ui/requests") {
        Ok(s) => s,
        Err(r) => return *r,
    };
    // Pending by default; "all" for every status.
    let status_param = q
        .get("status")
        .map(String::as_str)
        .unwrap_or("pending")
        .to_string();
    let status = match status_param.as_str() {
        "all" => None,
        other => match other.parse::<RequestStatus>() {
            Ok(s) => Some(s),
            Err(e) => return error_page(StatusCode::BAD_REQUEST, Some(&s), &e),
        },
    };
    let needle = q
        .get("q")
        .map(|t| t.trim().to_lowercase())
        .unwrap_or_default();
    let reqs = match db(&st, move |c, s| store::list(c, &s.key, status, 1000, 0)).await {
        Ok(r) => r,
        Err(e) => return error_page(e.0, Some(&s), &e.1),
    };
    let shown: Vec<&ExportRequest> = reqs
        .iter()
        .filter(|r| {
            needle.is_empty()
                || [&r.dataset_id, &r.requester, &r.dest, &r.id, &r.reason]
                    .iter()
                    .any(|f| f.to_lowercase().contains(&needle))
        })
        .collect();
    let statuses = [
        "pending",
        "approved",
        "denied",
        "token_issued",
        "revoked",
        "expired",
        "all",
    ];
    page_response(
        StatusCode::OK,
        layout(
            "Export requests",
            Some(&s),
            html! {
                h1 { "Export requests" }
                form.filter method="get" action="/ui/requests" {
                    label for="status" { "Status " }
                    select #status name="status" {
                        @for v in statuses {
                            option value=(v) selected[v == status_param] { (v) }
                        }
                    }
                    " "
                    label for="q" { "Search " }
                    input #q type="text" name="q" value=(needle) placeholder="dataset, requester, destination";
                    " "
                    button.plain type="submit" { "Filter" }
                }
                @if shown.is_empty() {
                    p.note { "No requests match." }
                } @else {
                    table #requests {
                        thead { tr { th { "Dataset" } th { "Requester" } th { "Sensitivity" } th { "Destination" } th { "Approvals" } th { "Status" } th { "Created" } th { "Expires" } } }
                        tbody {
                            @for r in &shown {
                                tr {
                                    td { a href={ "/ui/requests/" (r.id) } { (r.dataset_id) } }
                                    td { (r.requester) }
                                    td { (badge(r.sensitivity.as_str(), r.sensitivity.as_str())) }
                                    td { code { (r.dest) } }
                                    td { (approvals(r)) " of " (r.approvals_needed) }
                                    td { (badge(r.status.as_str(), r.status.as_str())) }
                                    td { (r.created_at) }
                                    td { (r.expires_at) }
                                }
                            }
                        }
                    }
                }
            },
        ),
    )
}

fn detail_page(s: &Session, req: &ExportRequest, flash: Option<&str>) -> Markup {
    let got = approvals(req);
    let columns = req.report.as_ref().map(shown_columns).unwrap_or_default();
    let rows = req.report.as_ref().and_then(shown_rows);
    let own = req.requester == s.principal;
    let reviewed = req.reviews.iter().any(|r| r.approver == s.principal);
    let can_review = req.status == RequestStatus::Pending && !own && !reviewed;
    let ops: Vec<&str> = req.ops.iter().map(|o| o.as_str()).collect();
    layout(
        &format!("Request {}", req.id),
        Some(s),
        html! {
            p { a href="/ui/requests" { "← All requests" } }
            h1 { "Export of " (req.dataset_id) " " (badge(req.status.as_str(), req.status.as_str())) }
            @if let Some(f) = flash { p.note #flash { (f) } }
            dl #facts {
                dt { "Requested by" } dd #requester { (req.requester) }
                dt { "Reason" } dd #reason { (req.reason) }
                dt { "Destination" } dd { code #dest { (req.dest) } @if !req.endpoint.is_empty() { " on " code { (req.endpoint) } } }
                dt { "Operations" } dd { (ops.join(", ")) }
                dt { "Limits" } dd { "at most " (req.max_objects) " objects and " (binary_size(req.max_bytes)) }
                dt { "Redacted" } dd { @if req.redacted { "yes: the export writes redacted copies" } @else { "no" } }
                dt { "Dataset digest" } dd { code { (req.content_digest) } }
                dt { "Rows" } dd { @if let Some(n) = rows { (n) } @else { "not stated" } }
                dt { "Sensitivity" } dd { (badge(req.sensitivity.as_str(), req.sensitivity.as_str())) }
                dt { "Approvals" } dd #approvals { (got) " of " (req.approvals_needed) @if req.status == RequestStatus::Pending { " (" (req.approvals_needed.saturating_sub(got as u32)) " still needed)" } }
                dt { "Created" } dd { (req.created_at) }
                dt { "Expires" } dd { (req.expires_at) }
                dt { "Request id" } dd { code { (req.id) } }
            }
            h2 { "What the scan found" }
            @if columns.is_empty() {
                p.note { "The report lists no column with personal data." }
            } @else {
                table #report {
                    thead { tr { th { "Table" } th { "Column" } th { "Sensitivity" } th { "Entity" } th { "Match ratio" } th { "Matched rows" } th { "Masked examples" } } }
                    tbody {
                        @for c in &columns {
                            @for e in &c.entities {
                                tr {
                                    td { (c.table) }
                                    td { code { (c.column) } }
                                    td { (badge(c.sensitivity.as_str(), c.sensitivity.as_str())) }
                                    td { (e.label) }
                                    td { @if let Some(r) = e.match_ratio { (format!("{:.1}%", r * 100.0)) } @else { "–" } }
                                    td { @if let Some(n) = e.matched_rows { (n) } @else { "–" } }
                                    td { @for x in &e.examples { code { (x) } br; } }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "Reviews" }
            @if req.reviews.is_empty() {
                p.note { "No reviews yet." }
            } @else {
                table #reviews {
                    thead { tr { th { "Reviewer" } th { "Decision" } th { "Comment" } th { "At" } } }
                    tbody {
                        @for r in &req.reviews {
                            tr { td { (r.approver) } td { (r.decision.as_str()) } td { (r.comment) } td { (r.at) } }
                        }
                    }
                }
            }
            h2 { "Your review" }
            @if can_review {
                form #review method="post" action={ "/ui/requests/" (req.id) "/review" } {
                    input type="hidden" name="csrf" value=(s.csrf);
                    label for="comment" { "Comment (required: what you checked)" }
                    textarea #comment name="comment" required maxlength=(COMMENT_MAX) {}
                    button.approve #approve type="submit" name="decision" value="approve" { "Approve" }
                    button.deny #deny type="submit" name="decision" value="deny" { "Deny" }
                }
            } @else if own {
                p.note { "This is your own request: someone else must review it." }
            } @else if reviewed {
                p.note { "You have reviewed this request." }
            } @else {
                p.note { "This request is " (req.status.as_str()) ": there is nothing to review." }
            }
        },
    )
}

async fn detail(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let next = format!(
        "/ui/requests/{}",
        url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()
    );
    let s = match session(&st, &headers, &next) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let req = match db(&st, move |c, s| store::get(c, &s.key, &id)).await {
        Ok(r) => r,
        Err(e) => return error_page(e.0, Some(&s), &e.1),
    };
    let flash = match q.get("done").map(String::as_str) {
        Some("approve") => Some("Your approval was recorded."),
        Some("deny") => Some("Your denial was recorded."),
        _ => None,
    };
    page_response(StatusCode::OK, detail_page(&s, &req, flash))
}

async fn review(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let s = match session(&st, &headers, "/ui/requests") {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let f = form(&body);
    if !f.get("csrf").is_some_and(|v| ct_eq(v, &s.csrf)) {
        return csrf_refused(&st, &s, "review");
    }
    if !matches!(s.role, Role::Approver | Role::Admin) {
        return error_page(StatusCode::FORBIDDEN, Some(&s), "Only approvers review.");
    }
    let decision = match f.get("decision").map(String::as_str) {
        Some("approve") => ReviewDecision::Approve,
        Some("deny") => ReviewDecision::Deny,
        _ => return error_page(StatusCode::BAD_REQUEST, Some(&s), "Choose Approve or Deny."),
    };
    let comment = f
        .get("comment")
        .map(|c| c.trim().to_string())
        .unwrap_or_default();
    if comment.is_empty() || comment.chars().count() > COMMENT_MAX {
        return error_page(
            StatusCode::BAD_REQUEST,
            Some(&s),
            &format!(
                "A review needs a comment of 1 to {COMMENT_MAX} characters: say what you checked."
            ),
        );
    }
    let who = s.principal.clone();
    let rid = id.clone();
    let r = db(&st, move |c, st| {
        store::review(c, &st.key, &rid, &who, decision, &comment)
    })
    .await;
    match r {
        Ok(req) => {
            st.metrics.reviews.fetch_add(1, Ordering::Relaxed);
            if req.status != RequestStatus::Pending {
                super::notify::send(&st, &req, super::notify::Event::Decided);
            }
            let id: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
            redirect(&format!("/ui/requests/{id}?done={}", decision.as_str()))
        }
        Err(e) => {
            if e.0 == StatusCode::FORBIDDEN {
                st.metrics.forbidden.fetch_add(1, Ordering::Relaxed);
            }
            error_page(e.0, Some(&s), &e.1)
        }
    }
}

/// The review page's routes, under `/ui`.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/ui", get(|| async { redirect("/ui/requests") }))
        .route("/ui/", get(|| async { redirect("/ui/requests") }))
        .route("/ui/login", get(login_page).post(login))
        .route("/ui/logout", post(logout))
        .route("/ui/requests", get(list))
        .route("/ui/requests/{id}", get(detail))
        .route("/ui/requests/{id}/review", post(review))
        .route("/ui/static/style.css", get(style))
        .layer(axum::middleware::map_response(security_headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_binary_sizes() {
        assert_eq!(binary_size(0), "0 bytes");
        assert_eq!(binary_size(1023), "1023 bytes");
        assert_eq!(binary_size(1024), "1 KiB");
        assert_eq!(binary_size(1536), "1.5 KiB");
        assert_eq!(binary_size(1 << 40), "1 TiB");
        assert_eq!(binary_size(5 * (1 << 30) + (1 << 29)), "5.5 GiB");
    }

    #[test]
    fn only_paths_under_ui_are_followed_after_sign_in() {
        for bad in [
            "https://evil.example/",
            "//evil.example/ui/",
            "/ui\\..",
            "/api",
            "/ui/x\n",
        ] {
            assert_eq!(safe_next(Some(&bad.to_string())), "/ui/requests", "{bad:?}");
        }
        assert_eq!(
            safe_next(Some(&"/ui/requests/abc".to_string())),
            "/ui/requests/abc"
        );
        assert_eq!(safe_next(None), "/ui/requests");
    }
}
