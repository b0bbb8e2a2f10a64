//! SQLite storage for the approval service: schema migrations and every state
//! change in one transaction with its audit event.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::config::Config;
use super::workflow;
use crate::approval::{ExportRequest, NewRequest, RequestStatus, Review, ReviewDecision};
use crate::audit;
use crate::gate::token::{rfc3339, ApprovalClaims, ApprovalToken, Op, SigningKey};
use crate::report::Sensitivity;
use crate::{Error, Result};

/// Schema migrations, applied in order; `PRAGMA user_version` records the last.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE requests (
        id TEXT PRIMARY KEY,
        requester TEXT NOT NULL,
        dataset_id TEXT NOT NULL,
        content_digest TEXT NOT NULL,
        report_digest TEXT NOT NULL,
        report TEXT NOT NULL,
        sensitivity TEXT NOT NULL,
        dest TEXT NOT NULL,
        ops TEXT NOT NULL,
        max_objects INTEGER NOT NULL,
        max_bytes INTEGER NOT NULL,
        redacted INTEGER NOT NULL,
        reason TEXT NOT NULL,
        status TEXT NOT NULL,
        approvals_needed INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE TABLE reviews (
        request_id TEXT NOT NULL REFERENCES requests(id),
        approver TEXT NOT NULL,
        decision TEXT NOT NULL,
        comment TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (request_id, approver)
    );
    CREATE TABLE tokens (
        jti TEXT PRIMARY KEY REFERENCES requests(id),
        issued_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        redeemed_at TEXT,
        revoked_at TEXT
    );",
    audit::SCHEMA,
    "ALTER TABLE requests ADD COLUMN endpoint TEXT NOT NULL DEFAULT '';",
];

/// Service errors, mapped to HTTP statuses by the API layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Gone(String),
    #[error("{0}")]
    Invalid(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Internal(e.to_string())
    }
}
impl From<workflow::Refused> for StoreError {
    fn from(r: workflow::Refused) -> Self {
        match r {
            workflow::Refused::Forbidden(m) => StoreError::Forbidden(m),
            workflow::Refused::Conflict(m) => StoreError::Conflict(m),
            workflow::Refused::Gone(m) => StoreError::Gone(m),
        }
    }
}

impl From<Error> for StoreError {
    fn from(e: Error) -> Self {
        StoreError::Internal(e.to_string())
    }
}

pub fn open(path: &Path) -> Result<Connection> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
    }
    let mut conn =
        Connection::open(path).map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(|e| Error::internal("approval database", e))?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(|e| Error::internal("approval database", e))?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(|e| Error::internal("approval database", e))?;
    migrate(&mut conn)?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| Error::internal("approval database", e))?;
    for (i, m) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn
            .transaction()
            .map_err(|e| Error::internal("approval database", e))?;
        tx.execute_batch(m)
            .map_err(|e| Error::Config(format!("migration {}: {e}", i + 1)))?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(|e| Error::internal("approval database", e))?;
        tx.commit()
            .map_err(|e| Error::internal("approval database", e))?;
    }
    Ok(())
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

fn immediate(conn: &mut Connection) -> std::result::Result<Transaction<'_>, StoreError> {
    Ok(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
}

fn row_to_request(r: &rusqlite::Row<'_>) -> rusqlite::Result<ExportRequest> {
    let ops: String = r.get("ops")?;
    let report: String = r.get("report")?;
    let sens: String = r.get("sensitivity")?;
    let status: String = r.get("status")?;
    Ok(ExportRequest {
        id: r.get("id")?,
        requester: r.get("requester")?,
        dataset_id: r.get("dataset_id")?,
        content_digest: r.get("content_digest")?,
        report_digest: r.get("report_digest")?,
        report: serde_json::from_str(&report).unwrap_or_default(),
        sensitivity: sens.parse().unwrap_or(Sensitivity::High),
        dest: r.get("dest")?,
        endpoint: r.get("endpoint")?,
        ops: serde_json::from_str(&ops).unwrap_or_default(),
        max_objects: r.get::<_, i64>("max_objects")? as u64,
        max_bytes: r.get::<_, i64>("max_bytes")? as u64,
        redacted: r.get::<_, i64>("redacted")? != 0,
        reason: r.get("reason")?,
        status: status.parse().unwrap_or(RequestStatus::Pending),
        approvals_needed: r.get::<_, i64>("approvals_needed")? as u32,
        created_at: r.get("created_at")?,
        expires_at: r.get("expires_at")?,
        reviews: Vec::new(),
    })
}

fn load(tx: &Connection, id: &str) -> std::result::Result<ExportRequest, StoreError> {
    let mut req = tx
        .query_row("SELECT * FROM requests WHERE id = ?1", [id], row_to_request)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let mut st = tx.prepare(
        "SELECT approver, decision, comment, at FROM reviews WHERE request_id = ?1 ORDER BY at",
    )?;
    req.reviews = st
        .query_map([id], |r| {
            let d: String = r.get(1)?;
            Ok(Review {
                approver: r.get(0)?,
                decision: if d == "approve" {
                    ReviewDecision::Approve
                } else {
                    ReviewDecision::Deny
                },
                comment: r.get(2)?,
                at: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(req)
}

/// Records a refused step (`action` by `actor` on `subject`, and why) in
/// the audit chain and commits it: a refusal is audited even though the
/// step changes nothing.
fn audit_refusal(
    tx: Transaction<'_>,
    key: &SigningKey,
    actor: &str,
    subject: &str,
    action: &str,
    reason: &str,
) -> std::result::Result<(), StoreError> {
    audit::append(
        &tx,
        Some(key),
        crate::audit::EventKind::Refusal,
        actor,
        subject,
        &serde_json::json!({"action": action, "reason": reason}),
    )?;
    tx.commit()?;
    Ok(())
}

/// Expire a pending request whose time has passed (in the caller's transaction).
fn expire_if_due(
    tx: &Transaction<'_>,
    key: &SigningKey,
    req: &mut ExportRequest,
) -> std::result::Result<(), StoreError> {
    if let Some(expired) = workflow::expiry(req, now()) {
        tx.execute(
            "UPDATE requests SET status = 'expired' WHERE id = ?1",
            [&req.id],
        )?;
        audit::append(
            tx,
            Some(key),
            crate::audit::EventKind::Expiry,
            "service",
            &req.id,
            &serde_json::json!({"was": req.status.as_str()}),
        )?;
        req.status = expired;
    }
    Ok(())
}

/// The built-in rules (built once): the sensitivity policy reports are
/// checked against, and the digest accepted when `rules_digests` is empty.
fn builtin_rules() -> std::result::Result<&'static crate::RuleSet, StoreError> {
    static RULES: std::sync::OnceLock<crate::RuleSet> = std::sync::OnceLock::new();
    if let Some(r) = RULES.get() {
        return Ok(r);
    }
    let r = crate::RuleSet::builtin()?;
    Ok(RULES.get_or_init(|| r))
}

/// Check a request's report and derive what it needs (see `server::report`).
fn checked_report(
    cfg: &Config,
    report: &serde_json::Value,
) -> std::result::Result<super::report::CheckedReport, StoreError> {
    let checked = super::report::check(report, builtin_rules()?, !cfg.rules_digests.is_empty())
        .map_err(StoreError::Invalid)?;
    let accepted = if cfg.rules_digests.is_empty() {
        checked.rules_digest == builtin_rules()?.digest()
    } else {
        cfg.rules_digests.contains(&checked.rules_digest)
    };
    if !accepted {
        return Err(StoreError::Invalid(format!(
            "the report was made with rules {}, which this service does not approve (rules_digests)",
            checked.rules_digest
        )));
    }
    Ok(checked)
}

pub fn create(
    conn: &mut Connection,
    cfg: &Config,
    key: &SigningKey,
    requester: &str,
    new: &NewRequest,
) -> std::result::Result<ExportRequest, StoreError> {
    if new.reason.trim().is_empty() {
        return Err(StoreError::Invalid("a reason is required".into()));
    }
    if !new.content_digest.starts_with("sha256:") {
        return Err(StoreError::Invalid(
            "content_digest must be sha256:…".into(),
        ));
    }
    let dest = crate::gate::Destination::parse(&new.dest).map_err(StoreError::Invalid)?;
    let ttl = new
        .ttl_secs
        .unwrap_or(cfg.request_ttl_secs)
        .clamp(60, cfg.request_ttl_secs.max(60));
    let ops = if new.ops.is_empty() {
        vec![Op::Put, Op::Multipart]
    } else {
        new.ops.clone()
    };
    let id = uuid::Uuid::new_v4().to_string();
    let created = now();
    // The server decides what the request needs, from the report; the
    // declared level must agree with it.
    let report = new.report.as_ref().ok_or_else(|| {
        StoreError::Invalid(
            "a scan report is required: the server derives the sensitivity from it".into(),
        )
    })?;
    let derived = checked_report(cfg, report)?.sensitivity;
    if new.sensitivity != derived {
        return Err(StoreError::Invalid(format!(
            "the declared sensitivity {} contradicts the report ({})",
            new.sensitivity.as_str(),
            derived.as_str()
        )));
    }
    let needed = cfg.approvals_needed(derived);
    let report_digest = new
        .report
        .as_ref()
        .map(|r| {
            format!(
                "sha256:{}",
                hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
                    serde_json::to_vec(r).unwrap_or_default()
                ))
            )
        })
        .unwrap_or_default();
    let tx = immediate(conn)?;
    tx.execute(
        "INSERT INTO requests (id, requester, dataset_id, content_digest, report_digest, report, sensitivity, dest, ops, max_objects, max_bytes, redacted, reason, status, approvals_needed, created_at, expires_at, endpoint)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'pending', ?14, ?15, ?16, ?17)",
        params![
            id,
            requester,
            new.dataset_id,
            new.content_digest,
            report_digest,
            serde_json::to_string(&new.report).unwrap_or_default(),
            new.sensitivity.as_str(),
            dest.to_string(),
            serde_json::to_string(&ops).unwrap_or_default(),
            new.max_objects.unwrap_or(1000) as i64,
            new.max_bytes.unwrap_or(1 << 40).min(i64::MAX as u64) as i64,
            new.redacted as i64,
            new.reason,
            needed,
            rfc3339(created),
            rfc3339(created + time::Duration::seconds(ttl)),
            crate::gate::dest::normalize_endpoint(&new.endpoint),
        ],
    )?;
    audit::append(
        &tx,
        Some(key),
        crate::audit::EventKind::Request,
        requester,
        &id,
        &serde_json::json!({"dataset_id": new.dataset_id, "content_digest": new.content_digest, "dest": dest.to_string(), "endpoint": crate::gate::dest::normalize_endpoint(&new.endpoint), "sensitivity": new.sensitivity, "approvals_needed": needed}),
    )?;
    let req = load(&tx, &id)?;
    tx.commit()?;
    Ok(req)
}

pub fn get(
    conn: &mut Connection,
    key: &SigningKey,
    id: &str,
) -> std::result::Result<ExportRequest, StoreError> {
    let tx = immediate(conn)?;
    let mut req = load(&tx, id)?;
    expire_if_due(&tx, key, &mut req)?;
    tx.commit()?;
    Ok(req)
}

/// One page of requests, newest first: expiry is applied to the requests that
/// can still expire, then `limit` rows from `offset` are loaded.
pub fn list(
    conn: &mut Connection,
    key: &SigningKey,
    status: Option<RequestStatus>,
    limit: i64,
    offset: i64,
) -> std::result::Result<Vec<ExportRequest>, StoreError> {
    let tx = immediate(conn)?;
    let live: Vec<String> = {
        let mut st =
            tx.prepare("SELECT id FROM requests WHERE status IN ('pending', 'approved')")?;
        let rows = st
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows
    };
    for id in live {
        let mut r = load(&tx, &id)?;
        expire_if_due(&tx, key, &mut r)?;
    }
    let ids: Vec<String> = {
        let mut st = tx.prepare(
            "SELECT id FROM requests WHERE (?1 IS NULL OR status = ?1)
             ORDER BY created_at DESC, id LIMIT ?2 OFFSET ?3",
        )?;
        let rows = st
            .query_map(params![status.map(|s| s.as_str()), limit, offset], |r| {
                r.get::<_, String>(0)
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows
    };
    let out = ids
        .iter()
        .map(|id| load(&tx, id))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    tx.commit()?;
    Ok(out)
}

/// Record a review. The requester can never review their own request; one
/// approver counts once; one deny ends it; enough distinct approvals approve it.
pub fn review(
    conn: &mut Connection,
    key: &SigningKey,
    id: &str,
    approver: &str,
    decision: ReviewDecision,
    comment: &str,
) -> std::result::Result<ExportRequest, StoreError> {
    let tx = immediate(conn)?;
    let mut req = load(&tx, id)?;
    expire_if_due(&tx, key, &mut req)?;
    let (new_status, approvals) = match workflow::review(&req, approver, decision) {
        Ok(next) => next,
        Err(refused) => {
            audit_refusal(tx, key, approver, id, "review", &refused.audit_reason())?;
            return Err(workflow::Refused::from(refused).into());
        }
    };
    let at = rfc3339(now());
    tx.execute("INSERT INTO reviews (request_id, approver, decision, comment, at) VALUES (?1, ?2, ?3, ?4, ?5)", params![id, approver, decision.as_str(), comment, at])?;
    tx.execute(
        "UPDATE requests SET status = ?1 WHERE id = ?2",
        params![new_status.as_str(), id],
    )?;
    audit::append(
        &tx,
        Some(key),
        crate::audit::EventKind::Review,
        approver,
        id,
        &serde_json::json!({"decision": decision.as_str(), "approvals": approvals, "needed": req.approvals_needed, "status": new_status.as_str()}),
    )?;
    let req = load(&tx, id)?;
    tx.commit()?;
    Ok(req)
}

/// Issue the token of an approved request to its requester — once.
pub fn issue_token(
    conn: &mut Connection,
    cfg: &Config,
    key: &SigningKey,
    id: &str,
    caller: &str,
) -> std::result::Result<ApprovalToken, StoreError> {
    let tx = immediate(conn)?;
    let mut req = load(&tx, id)?;
    expire_if_due(&tx, key, &mut req)?;
    let refuse =
        |tx: Transaction<'_>, e: StoreError| -> std::result::Result<ApprovalToken, StoreError> {
            audit_refusal(tx, key, caller, id, "token", &e.to_string())?;
            Err(e)
        };
    if let Err(refused) = workflow::token(&req, caller) {
        return refuse(tx, refused.into());
    }
    // The stored status is not enough: the chain must be intact and prove
    // the approval (an edit of the requests table proves nothing).
    let ks = crate::gate::KeySet::new([key.verifying_key()]);
    let report = audit::verify_chain(&tx, &ks)?;
    if let Some(p) = report.problem {
        return refuse(
            tx,
            StoreError::Forbidden(format!(
                "the audit log does not verify ({p}): no token is issued"
            )),
        );
    }
    if let Err(why) = audit::approval_proof(&tx, id)? {
        return refuse(
            tx,
            StoreError::Forbidden(format!(
                "the audit chain does not prove the approval: {why}"
            )),
        );
    }
    // What the approvers saw, derived again from the stored report: the token
    // binds it, and the gate refuses data that holds more.
    let approved = match req.report.as_ref() {
        Some(r) => checked_report(cfg, r),
        None => Err(StoreError::Invalid("the request has no report".into())),
    };
    let approved = match approved {
        Ok(a) => a,
        Err(e) => {
            return refuse(
                tx,
                StoreError::Forbidden(format!("no token is issued: {e}")),
            )
        }
    };
    let issued = now();
    let exp = issued + time::Duration::seconds(cfg.token_ttl_secs);
    let claims = ApprovalClaims {
        jti: req.id.clone(),
        iss: cfg.issuer.clone(),
        sub: req.requester.clone(),
        aud: cfg.audience.clone(),
        iat: rfc3339(issued),
        nbf: rfc3339(issued),
        exp: rfc3339(exp),
        approvers: req
            .reviews
            .iter()
            .filter(|r| r.decision == ReviewDecision::Approve)
            .map(|r| r.approver.clone())
            .collect(),
        dataset_id: req.dataset_id.clone(),
        content_digest: req.content_digest.clone(),
        report_digest: req.report_digest.clone(),
        policy_version: cfg.policy_version.clone(),
        dest: req.dest.clone(),
        ops: req.ops.clone(),
        max_objects: req.max_objects,
        max_bytes: req.max_bytes,
        redacted: req.redacted,
        endpoint: req.endpoint.clone(),
        digest_version: crate::gate::digest::MANIFEST_VERSION,
        sensitivity: Some(approved.sensitivity),
        entities: Some(approved.entities),
        rules_digest: approved.rules_digest,
    };
    let token = key.sign(&claims)?;
    // The primary key on jti makes a second issue impossible even under races.
    tx.execute(
        "INSERT INTO tokens (jti, issued_at, expires_at) VALUES (?1, ?2, ?3)",
        params![req.id, rfc3339(issued), rfc3339(exp)],
    )
    .map_err(|_| StoreError::Conflict("the token was already issued".into()))?;
    tx.execute(
        "UPDATE requests SET status = 'token_issued' WHERE id = ?1",
        [id],
    )?;
    audit::append(
        &tx,
        Some(key),
        crate::audit::EventKind::TokenIssued,
        caller,
        id,
        &serde_json::json!({"exp": rfc3339(exp), "kid": key.kid()}),
    )?;
    tx.commit()?;
    Ok(token)
}

/// Single-use redemption by the gate.
pub fn redeem(
    conn: &mut Connection,
    cfg: &Config,
    key: &SigningKey,
    caller: &str,
    token: &ApprovalToken,
) -> std::result::Result<ApprovalClaims, StoreError> {
    let tx = immediate(conn)?;
    let result = (|| {
        let ut =
            pasetors::token::UntrustedToken::<pasetors::Public, pasetors::version4::V4>::try_from(
                token.expose(),
            )
            .map_err(|_| StoreError::Invalid("malformed token".into()))?;
        let claims: ApprovalClaims = serde_json::from_slice(ut.untrusted_payload())
            .map_err(|_| StoreError::Invalid("malformed claims".into()))?;
        // Verify against our own key, bound to the digest the token claims.
        let ks = crate::gate::KeySet::new([key.verifying_key()]);
        let mut v = crate::gate::Verifier::new(ks, cfg.audience.clone());
        v.skew = time::Duration::seconds(60);
        let dest = crate::gate::Destination::parse(&claims.dest)
            .map_err(StoreError::Invalid)?
            .at_endpoint(&claims.endpoint);
        v.verify(token, &claims.content_digest, &dest)
            .map_err(|r| match r {
                crate::gate::Refusal::Expired(_) => StoreError::Gone("expired".into()),
                other => StoreError::Invalid(other.to_string()),
            })?;
        let row: Option<(Option<String>, Option<String>)> = tx
            .query_row(
                "SELECT redeemed_at, revoked_at FROM tokens WHERE jti = ?1",
                [&claims.jti],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match workflow::redeem(row.as_ref().map(|(r, v)| (r.as_deref(), v.as_deref()))) {
            Ok(()) => Ok(claims),
            Err(workflow::RedeemRefused::Unknown) => Err(StoreError::NotFound),
            Err(workflow::RedeemRefused::Revoked) => Err(StoreError::Gone("revoked".into())),
            Err(workflow::RedeemRefused::AlreadyUsed) => {
                Err(StoreError::Conflict("already used".into()))
            }
        }
    })();
    match result {
        Ok(claims) => {
            tx.execute(
                "UPDATE tokens SET redeemed_at = ?1 WHERE jti = ?2 AND redeemed_at IS NULL",
                params![rfc3339(now()), claims.jti],
            )?;
            audit::append(
                &tx,
                Some(key),
                crate::audit::EventKind::Redeem,
                caller,
                &claims.jti,
                &serde_json::json!({"dest": claims.dest, "content_digest": claims.content_digest}),
            )?;
            tx.commit()?;
            Ok(claims)
        }
        Err(e) => {
            audit_refusal(tx, key, caller, "", "redeem", &e.to_string())?;
            Err(e)
        }
    }
}

pub fn revoke(
    conn: &mut Connection,
    key: &SigningKey,
    id: &str,
    caller: &str,
    reason: &str,
) -> std::result::Result<ExportRequest, StoreError> {
    let tx = immediate(conn)?;
    let req = load(&tx, id)?;
    workflow::revoke(&req)?;
    let at = rfc3339(now());
    tx.execute("UPDATE requests SET status = 'revoked' WHERE id = ?1", [id])?;
    tx.execute(
        "UPDATE tokens SET revoked_at = ?1 WHERE jti = ?2",
        params![at, id],
    )?;
    audit::append(
        &tx,
        Some(key),
        crate::audit::EventKind::Revoke,
        caller,
        id,
        &serde_json::json!({"reason": reason}),
    )?;
    let req = load(&tx, id)?;
    tx.commit()?;
    Ok(req)
}

pub fn checkpoint(
    conn: &mut Connection,
    key: &SigningKey,
) -> std::result::Result<Option<audit::Checkpoint>, StoreError> {
    let tx = immediate(conn)?;
    let c = audit::checkpoint_tx(&tx, key)?;
    tx.commit()?;
    Ok(c)
}
