//! Append-only audit log in SQLite: a hash chain (each row's hash covers its
//! content and the previous row's hash) with signed checkpoints of the head.
//!
//! `verify` recomputes the chain and reports the first edited, deleted,
//! inserted or reordered event, and checks every checkpoint's signature and
//! head. Appends happen inside the caller's transaction, so an action and its
//! event commit together or not at all (fail closed).

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::gate::token::{KeySet, SigningKey};
use crate::{Error, Result};

/// Genesis "previous hash".
pub const GENESIS: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
/// A checkpoint is signed every this many events.
pub const CHECKPOINT_EVERY: i64 = 32;

/// Domain separation: the head and the checkpoints sign different messages,
/// so a checkpoint's signature can never stand in for the head's.
pub const HEAD_PURPOSE: &str = "piigate-audit-head-v1";
/// The purpose string a checkpoint's signature is over (domain separation from the head's).
pub const CHECKPOINT_PURPOSE: &str = "piigate-audit-checkpoint-v1";

pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS audit_events (
    seq INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    ts TEXT NOT NULL,
    kid TEXT NOT NULL,
    signature TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_checkpoints (
    seq INTEGER PRIMARY KEY,
    head_hash TEXT NOT NULL,
    ts TEXT NOT NULL,
    kid TEXT NOT NULL,
    signature TEXT NOT NULL
);
";

/// One event of the hash-chained audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Its position in the chain, from 1.
    pub seq: i64,
    /// When it was written (RFC 3339).
    pub ts: String,
    /// request, review, token_issued, redeem, refusal, revoke, expiry, export, ...
    pub kind: String,
    /// The principal who acted (`service` for the service's own steps).
    pub actor: String,
    /// What it concerns (a request id, an export, a destination).
    pub subject: String,
    /// JSON; never raw values, tokens or keys.
    pub detail: serde_json::Value,
    /// The hash of the event before it (the chain).
    pub prev_hash: String,
    /// This event's hash, over `prev_hash` and its fields.
    pub hash: String,
}

/// A signed statement that the chain had `head_hash` at `seq`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The event it covers the chain up to.
    pub seq: i64,
    /// The hash of that event.
    pub head_hash: String,
    /// When it was signed (RFC 3339).
    pub ts: String,
    /// The id of the signing key.
    pub kid: String,
    /// The signature (Ed25519, base64url) over the purpose and the fields above.
    pub signature: String,
}

pub(crate) fn event_hash(
    prev: &str,
    seq: i64,
    ts: &str,
    kind: &str,
    actor: &str,
    subject: &str,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [prev, &seq.to_string(), ts, kind, actor, subject, detail] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    format!("sha256:{}", hex::encode(h.finalize()))
}

fn now() -> String {
    crate::gate::token::rfc3339(time::OffsetDateTime::now_utc())
}

/// What an audit event records. Stored as its `as_str` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// An export request was made.
    Request,
    /// A reviewer approved or denied a request.
    Review,
    /// The requester fetched the approval token.
    TokenIssued,
    /// A gate spent a single-use approval.
    Redeem,
    /// An admin revoked an approval.
    Revoke,
    /// A request expired unreviewed.
    Expiry,
    /// An export finished: every object written.
    Export,
    /// The gate allowed one write.
    ExportWrite,
    /// An export failed after it was allowed (nothing partial stays).
    ExportFailed,
    /// A call, a write or an export was refused.
    Refusal,
    /// A reviewer signed in to the review page.
    UiSignIn,
    /// A reviewer signed out of the review page.
    UiSignOut,
}

impl EventKind {
    /// The name stored in the log and shown by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Request => "request",
            EventKind::Review => "review",
            EventKind::TokenIssued => "token_issued",
            EventKind::Redeem => "redeem",
            EventKind::Revoke => "revoke",
            EventKind::Expiry => "expiry",
            EventKind::Export => "export",
            EventKind::ExportWrite => "export_write",
            EventKind::ExportFailed => "export_failed",
            EventKind::Refusal => "refusal",
            EventKind::UiSignIn => "ui_sign_in",
            EventKind::UiSignOut => "ui_sign_out",
        }
    }
}

impl std::str::FromStr for EventKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s {
            "request" => EventKind::Request,
            "review" => EventKind::Review,
            "token_issued" => EventKind::TokenIssued,
            "redeem" => EventKind::Redeem,
            "revoke" => EventKind::Revoke,
            "expiry" => EventKind::Expiry,
            "export" => EventKind::Export,
            "export_write" => EventKind::ExportWrite,
            "export_failed" => EventKind::ExportFailed,
            "refusal" => EventKind::Refusal,
            "ui_sign_in" => EventKind::UiSignIn,
            "ui_sign_out" => EventKind::UiSignOut,
            other => return Err(format!("unknown audit event kind {other:?}")),
        })
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn db_err(e: rusqlite::Error) -> Error {
    Error::Audit(e.to_string())
}

/// Create the tables if needed.
pub fn init(conn: &Connection) -> Result<()> {
    conn.execute_batch(SCHEMA).map_err(db_err)
}

/// Append one event inside `tx`; signs a checkpoint every `CHECKPOINT_EVERY` events.
pub fn append(
    tx: &Transaction<'_>,
    key: Option<&SigningKey>,
    kind: EventKind,
    actor: &str,
    subject: &str,
    detail: &serde_json::Value,
) -> Result<AuditEvent> {
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(db_err)?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let ts = now();
    let detail_s = serde_json::to_string(detail).map_err(|e| Error::Audit(e.to_string()))?;
    let hash = event_hash(&prev, seq, &ts, kind.as_str(), actor, subject, &detail_s);
    tx.execute(
        "INSERT INTO audit_events (seq, ts, kind, actor, subject, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![seq, ts, kind.as_str(), actor, subject, detail_s, prev, hash],
    )
    .map_err(db_err)?;
    if let Some(k) = key {
        // The signed head moves with every event, so cutting events off the end
        // is detected; periodic checkpoints keep a signed history.
        let msg = serde_json::to_vec(
            &serde_json::json!({"purpose": HEAD_PURPOSE, "seq": seq, "head_hash": hash, "ts": ts}),
        )
        .map_err(|e| Error::Audit(e.to_string()))?;
        let sig = k.sign_message(&msg)?;
        tx.execute(
            "INSERT INTO audit_head (id, seq, head_hash, ts, kid, signature) VALUES (1, ?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, head_hash = excluded.head_hash, ts = excluded.ts, kid = excluded.kid, signature = excluded.signature",
            params![seq, hash, ts, k.kid(), sig],
        )
        .map_err(db_err)?;
        if seq % CHECKPOINT_EVERY == 0 {
            checkpoint_tx(tx, k)?;
        }
    }
    Ok(AuditEvent {
        seq,
        ts,
        kind: kind.as_str().into(),
        actor: actor.into(),
        subject: subject.into(),
        detail: detail.clone(),
        prev_hash: prev,
        hash,
    })
}

/// Sign the current head.
pub fn checkpoint_tx(tx: &Transaction<'_>, key: &SigningKey) -> Result<Option<Checkpoint>> {
    let head: Option<(i64, String)> = tx
        .query_row(
            "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(db_err)?;
    let Some((seq, head_hash)) = head else {
        return Ok(None);
    };
    let ts = now();
    let msg = serde_json::to_vec(
        &serde_json::json!({"purpose": CHECKPOINT_PURPOSE, "seq": seq, "head_hash": head_hash, "ts": ts}),
    )
    .map_err(|e| Error::Audit(e.to_string()))?;
    let signature = key.sign_message(&msg)?;
    tx.execute("INSERT OR REPLACE INTO audit_checkpoints (seq, head_hash, ts, kid, signature) VALUES (?1, ?2, ?3, ?4, ?5)", params![seq, head_hash, ts, key.kid(), signature]).map_err(db_err)?;
    Ok(Some(Checkpoint {
        seq,
        head_hash,
        ts,
        kid: key.kid().to_string(),
        signature,
    }))
}

/// Up to `limit` events after sequence number `after`, in order.
pub fn events(conn: &Connection, after: i64, limit: i64) -> Result<Vec<AuditEvent>> {
    let mut st = conn.prepare("SELECT seq, ts, kind, actor, subject, detail, prev_hash, hash FROM audit_events WHERE seq > ?1 ORDER BY seq LIMIT ?2").map_err(db_err)?;
    let rows = st
        .query_map(params![after, limit], |r| {
            let detail: String = r.get(5)?;
            Ok(AuditEvent {
                seq: r.get(0)?,
                ts: r.get(1)?,
                kind: r.get(2)?,
                actor: r.get(3)?,
                subject: r.get(4)?,
                detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
                prev_hash: r.get(6)?,
                hash: r.get(7)?,
            })
        })
        .map_err(db_err)?;
    rows.collect::<std::result::Result<Vec<_>, _>>()
        .map_err(db_err)
}

/// The newest signed checkpoint, if any.
pub fn latest_checkpoint(conn: &Connection) -> Result<Option<Checkpoint>> {
    conn.query_row("SELECT seq, head_hash, ts, kid, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1", [], |r| {
        Ok(Checkpoint { seq: r.get(0)?, head_hash: r.get(1)?, ts: r.get(2)?, kid: r.get(3)?, signature: r.get(4)? })
    })
    .optional()
    .map_err(db_err)
}

/// Outcome of `verify`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// Events checked.
    pub events: i64,
    /// Checkpoints checked.
    pub checkpoints: i64,
    /// The hash of the last event (the chain's head).
    pub head_hash: String,
    /// The first problem found; `None` means the log is intact.
    pub problem: Option<String>,
}

/// Whether the chain proves that request `id` was approved: a `request` event
/// for it, `approve` reviews from at least its `approvals_needed` distinct
/// approvers other than the requester, and no `deny` or `revoke`. The request
/// table's status is state the chain must back; an edit of that table alone
/// proves nothing.
pub fn approval_proof(conn: &Connection, id: &str) -> Result<std::result::Result<(), String>> {
    let mut st = conn
        .prepare("SELECT kind, actor, detail FROM audit_events WHERE subject = ?1 ORDER BY seq")
        .map_err(db_err)?;
    let rows = st
        .query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(db_err)?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(db_err)?;
    let mut requester = None;
    let mut needed = 0u64;
    let mut approvers = std::collections::BTreeSet::new();
    for (kind, actor, detail) in rows {
        let d: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
        match kind.parse::<EventKind>().ok() {
            Some(EventKind::Request) => {
                requester = Some(actor);
                needed = d["approvals_needed"].as_u64().unwrap_or(u64::MAX);
            }
            Some(EventKind::Review) if d["decision"] == "deny" => {
                return Ok(Err(format!("request {id}: the chain records a deny")))
            }
            Some(EventKind::Review)
                if d["decision"] == "approve" && requester.as_deref() != Some(actor.as_str()) =>
            {
                approvers.insert(actor);
            }
            Some(EventKind::Revoke) => {
                return Ok(Err(format!("request {id}: the chain records a revocation")))
            }
            _ => {}
        }
    }
    if requester.is_none() {
        return Ok(Err(format!("request {id}: the chain has no request event")));
    }
    if (approvers.len() as u64) < needed.max(1) {
        return Ok(Err(format!(
            "request {id}: the chain records {} of the {needed} approvals needed",
            approvers.len()
        )));
    }
    Ok(Ok(()))
}

/// Requests whose stored status says approved (or token issued) but whose
/// approval the chain does not prove. Empty where there is no request table.
fn unproven_requests(conn: &Connection) -> Result<Option<String>> {
    let has: bool = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'requests'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(db_err)?
        > 0;
    if !has {
        return Ok(None);
    }
    let mut st = conn
        .prepare("SELECT id FROM requests WHERE status IN ('approved', 'token_issued') ORDER BY id")
        .map_err(db_err)?;
    let ids = st
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(db_err)?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(db_err)?;
    for id in ids {
        if let Err(why) = approval_proof(conn, &id)? {
            return Ok(Some(format!(
                "request state edited outside the chain: {why} but is stored as approved"
            )));
        }
    }
    Ok(None)
}

/// Recompute the chain and check the checkpoints against trusted keys; where
/// the database holds export requests, check that the chain proves every
/// stored approval.
pub fn verify(conn: &Connection, keys: &KeySet) -> Result<VerifyReport> {
    let mut r = verify_chain(conn, keys)?;
    if r.problem.is_none() {
        r.problem = unproven_requests(conn)?;
    }
    Ok(r)
}

/// Recompute the chain and check the checkpoints against trusted keys.
pub fn verify_chain(conn: &Connection, keys: &KeySet) -> Result<VerifyReport> {
    let mut st = conn.prepare("SELECT seq, ts, kind, actor, subject, detail, prev_hash, hash FROM audit_events ORDER BY seq").map_err(db_err)?;
    let mut rows = st.query([]).map_err(db_err)?;
    let mut expected_seq = 1i64;
    let mut prev = GENESIS.to_string();
    let mut hashes: Vec<String> = Vec::new();
    let mut problem = None;
    while let Some(r) = rows.next().map_err(db_err)? {
        let seq: i64 = r.get(0).map_err(db_err)?;
        let (ts, kind, actor, subject, detail, prev_hash, hash): (
            String,
            String,
            String,
            String,
            String,
            String,
            String,
        ) = (
            r.get(1).map_err(db_err)?,
            r.get(2).map_err(db_err)?,
            r.get(3).map_err(db_err)?,
            r.get(4).map_err(db_err)?,
            r.get(5).map_err(db_err)?,
            r.get(6).map_err(db_err)?,
            r.get(7).map_err(db_err)?,
        );
        if seq != expected_seq {
            problem = Some(if seq > expected_seq {
                format!("event {expected_seq} is missing (deleted): the next event is {seq}")
            } else {
                format!("event {seq} appears out of order")
            });
            break;
        }
        if prev_hash != prev {
            problem = Some(format!("event {seq}: previous-hash link is broken (an event before it was edited, inserted or reordered)"));
            break;
        }
        if event_hash(&prev_hash, seq, &ts, &kind, &actor, &subject, &detail) != hash {
            problem = Some(format!(
                "event {seq}: content does not match its hash (edited)"
            ));
            break;
        }
        prev = hash.clone();
        hashes.push(hash);
        expected_seq += 1;
    }
    drop(rows);
    let n = hashes.len() as i64;
    let mut cps = 0;
    if problem.is_none() {
        let mut st = conn
            .prepare(
                "SELECT seq, head_hash, ts, kid, signature FROM audit_checkpoints ORDER BY seq",
            )
            .map_err(db_err)?;
        let list = st
            .query_map([], |r| {
                Ok(Checkpoint {
                    seq: r.get(0)?,
                    head_hash: r.get(1)?,
                    ts: r.get(2)?,
                    kid: r.get(3)?,
                    signature: r.get(4)?,
                })
            })
            .map_err(db_err)?
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(db_err)?;
        for c in list {
            cps += 1;
            let Some(k) = keys.get(&c.kid) else {
                problem = Some(format!(
                    "checkpoint at event {}: signed by unknown key {}",
                    c.seq, c.kid
                ));
                break;
            };
            let Some(payload) = k.verify_message(&c.signature) else {
                problem = Some(format!(
                    "checkpoint at event {}: signature does not verify",
                    c.seq
                ));
                break;
            };
            let signed: serde_json::Value = serde_json::from_slice(&payload).unwrap_or_default();
            if signed["purpose"].as_str() != Some(CHECKPOINT_PURPOSE) {
                problem = Some(format!(
                    "checkpoint at event {}: the signature is not a checkpoint's",
                    c.seq
                ));
                break;
            }
            if signed["seq"].as_i64() != Some(c.seq)
                || signed["head_hash"].as_str() != Some(c.head_hash.as_str())
            {
                problem = Some(format!(
                    "checkpoint at event {}: row differs from what was signed",
                    c.seq
                ));
                break;
            }
            if c.seq > n {
                problem = Some(format!("checkpoint at event {} but the log ends at event {n} (events deleted from the end)", c.seq));
                break;
            }
            if hashes[(c.seq - 1) as usize] != c.head_hash {
                problem = Some(format!("checkpoint at event {}: the chain head differs from the signed head (rewritten)", c.seq));
                break;
            }
        }
    }
    if problem.is_none() {
        let head = signed_head(conn)?;
        problem = match head {
            None if n > 0 => Some("the signed head is missing".into()),
            None => None,
            Some(h) => {
                match keys
                    .get(&h.kid)
                    .and_then(|k| k.verify_message(&h.signature))
                {
                    None => Some("the signed head does not verify".into()),
                    Some(payload) => {
                        let signed: serde_json::Value =
                            serde_json::from_slice(&payload).unwrap_or_default();
                        if signed["purpose"].as_str() != Some(HEAD_PURPOSE) {
                            Some("the head's signature is not a head signature (a checkpoint copied over the head: rolled back)".into())
                        } else if signed["seq"].as_i64() != Some(h.seq)
                            || signed["head_hash"].as_str() != Some(h.head_hash.as_str())
                        {
                            Some("the head row differs from what was signed".into())
                        } else if h.seq > n {
                            Some(format!("the signed head is event {} but the log ends at event {n} (events deleted from the end)", h.seq))
                        } else if h.seq < n {
                            Some(format!("events after the signed head (event {}) were added without the key", h.seq))
                        } else if h.head_hash != prev {
                            Some("the last event differs from the signed head".into())
                        } else {
                            None
                        }
                    }
                }
            }
        };
    }
    Ok(VerifyReport {
        events: n,
        checkpoints: cps,
        head_hash: prev,
        problem,
    })
}

/// The local audit key in `dir` (`audit-key.json`, its public half in
/// `audit-keys.json`), created atomically on first use: a new key is written
/// to a private temporary file and hard-linked into place, which fails if
/// another process got there first; then that key is used. Concurrent first
/// runs therefore all sign with one key.
pub fn load_or_create_key(dir: &Path) -> Result<SigningKey> {
    let shown = dir.display().to_string();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(&shown, e))?;
    let p = dir.join("audit-key.json");
    if !p.exists() {
        let k = SigningKey::generate()?;
        let tmp = tempfile::Builder::new()
            .prefix(".audit-key")
            .tempfile_in(dir)
            .map_err(|e| Error::io(&shown, e))?;
        k.save(tmp.path())?;
        match std::fs::hard_link(tmp.path(), &p) {
            // Linked only once written: whoever won, the file is complete.
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Error::io(p.display().to_string(), e)),
        }
    }
    let k = SigningKey::load(&p)?;
    // The public half, replaced atomically (every process writes the same text).
    let public = dir.join("audit-keys.json");
    let ks = crate::gate::KeySet::new([k.verifying_key()]);
    let mut tmp = tempfile::Builder::new()
        .prefix(".audit-keys")
        .tempfile_in(dir)
        .map_err(|e| Error::io(&shown, e))?;
    std::io::Write::write_all(&mut tmp, ks.to_json_string().as_bytes())
        .map_err(|e| Error::io(&shown, e))?;
    tmp.persist(&public)
        .map_err(|e| Error::io(public.display().to_string(), e.error))?;
    Ok(k)
}

/// The signed head row, if any.
pub fn signed_head(conn: &Connection) -> Result<Option<Checkpoint>> {
    conn.query_row(
        "SELECT seq, head_hash, ts, kid, signature FROM audit_head WHERE id = 1",
        [],
        |r| {
            Ok(Checkpoint {
                seq: r.get(0)?,
                head_hash: r.get(1)?,
                ts: r.get(2)?,
                kid: r.get(3)?,
                signature: r.get(4)?,
            })
        },
    )
    .optional()
    .map_err(db_err)
}

/// Verifies the audit database at `db` (opened read-only, so verifying
/// changes nothing) with `keys`; when the chain is intact and
/// `checkpoints` names the file the service copies its signed heads to,
/// also that the database was not rolled back behind the newest of them.
pub fn verify_file(db: &Path, keys: &KeySet, checkpoints: Option<&Path>) -> Result<VerifyReport> {
    if !db.exists() {
        return Err(Error::Audit(format!(
            "{}: no such audit database",
            db.display()
        )));
    }
    let conn = Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| Error::internal(format!("opening {}", db.display()), e))?;
    let mut r = verify(&conn, keys)?;
    if let (None, Some(f)) = (&r.problem, checkpoints) {
        let text = std::fs::read_to_string(f).map_err(|e| Error::io(f.display().to_string(), e))?;
        r.problem = verify_external(&conn, keys, &text)?;
    }
    Ok(r)
}

/// Check the database against signed heads copied outside it (one JSON
/// `Checkpoint` a line, as `piigate serve` writes its `checkpoint_file`):
/// each must verify as a head signature, and the database must still hold
/// that event with that hash. A database rolled back behind the newest copy,
/// even to an older copy whose own signatures verify, fails here.
pub fn verify_external(conn: &Connection, keys: &KeySet, lines: &str) -> Result<Option<String>> {
    for (i, line) in lines
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let n = i + 1;
        let Ok(c) = serde_json::from_str::<Checkpoint>(line) else {
            return Ok(Some(format!(
                "external checkpoint line {n} is not a checkpoint"
            )));
        };
        let Some(payload) = keys
            .get(&c.kid)
            .and_then(|k| k.verify_message(&c.signature))
        else {
            return Ok(Some(format!(
                "external checkpoint line {n} does not verify"
            )));
        };
        let signed: serde_json::Value = serde_json::from_slice(&payload).unwrap_or_default();
        if signed["purpose"].as_str() != Some(HEAD_PURPOSE)
            || signed["seq"].as_i64() != Some(c.seq)
            || signed["head_hash"].as_str() != Some(c.head_hash.as_str())
        {
            return Ok(Some(format!(
                "external checkpoint line {n} differs from what was signed"
            )));
        }
        let hash: Option<String> = conn
            .query_row(
                "SELECT hash FROM audit_events WHERE seq = ?1",
                [c.seq],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_err)?;
        match hash {
            None => {
                return Ok(Some(format!(
                    "rolled back: the external checkpoint has event {} and the database does not",
                    c.seq
                )))
            }
            Some(h) if h != c.head_hash => {
                return Ok(Some(format!(
                    "event {} differs from the external checkpoint (rewritten or rolled back)",
                    c.seq
                )))
            }
            Some(_) => {}
        }
    }
    Ok(None)
}

/// A standalone audit log file (the CLI's local log when no service is used).
pub struct LocalAudit {
    conn: std::sync::Mutex<Connection>,
    key: Option<SigningKey>,
}

impl std::fmt::Debug for LocalAudit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LocalAudit")
    }
}

impl LocalAudit {
    /// Opens (or creates) the audit database at `path`; `key` signs its head and checkpoints.
    pub fn open(path: &Path, key: Option<SigningKey>) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
        }
        let conn =
            Connection::open(path).map_err(|e| Error::Audit(format!("{}: {e}", path.display())))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(db_err)?;
        init(&conn)?;
        Ok(LocalAudit {
            conn: std::sync::Mutex::new(conn),
            key,
        })
    }

    /// Append one event (own transaction). An error means the caller must not act.
    pub fn record(
        &self,
        kind: EventKind,
        actor: &str,
        subject: &str,
        detail: serde_json::Value,
    ) -> Result<AuditEvent> {
        let mut c = self
            .conn
            .lock()
            .map_err(|_| Error::Audit("lock poisoned".into()))?;
        let tx = c
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db_err)?;
        let ev = append(&tx, self.key.as_ref(), kind, actor, subject, &detail)?;
        tx.commit().map_err(db_err)?;
        Ok(ev)
    }

    /// Sign the current head now.
    pub fn checkpoint(&self) -> Result<Option<Checkpoint>> {
        let Some(k) = &self.key else { return Ok(None) };
        let mut c = self
            .conn
            .lock()
            .map_err(|_| Error::Audit("lock poisoned".into()))?;
        let tx = c
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db_err)?;
        let cp = checkpoint_tx(&tx, k)?;
        tx.commit().map_err(db_err)?;
        Ok(cp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_with(n: usize) -> (tempfile::TempDir, std::path::PathBuf, KeySet) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("audit.db");
        let k = SigningKey::generate().unwrap();
        let ks = KeySet::new([k.verifying_key()]);
        let log = LocalAudit::open(&p, Some(k)).unwrap();
        for i in 0..n {
            log.record(
                EventKind::Export,
                "alice",
                &format!("req-{i}"),
                serde_json::json!({"i": i}),
            )
            .unwrap();
        }
        log.checkpoint().unwrap();
        (dir, p, ks)
    }

    #[test]
    fn intact_log_verifies() {
        let (_d, p, ks) = log_with(40);
        let r = verify(&Connection::open(&p).unwrap(), &ks).unwrap();
        assert_eq!(r.problem, None);
        assert_eq!(r.events, 40);
        assert_eq!(r.checkpoints, 2);
    }

    #[test]
    fn edits_deletes_reorders_and_truncation_are_found() {
        let cases: &[(&str, &str)] = &[
            ("UPDATE audit_events SET actor = 'mallory' WHERE seq = 5", "event 5"),
            ("DELETE FROM audit_events WHERE seq = 7", "event 7 is missing"),
            ("UPDATE audit_events SET seq = 100 WHERE seq = 3; UPDATE audit_events SET seq = 3 WHERE seq = 4; UPDATE audit_events SET seq = 4 WHERE seq = 100", "event 3"),
            ("DELETE FROM audit_events WHERE seq > 35", "ends at event 35"),
            ("UPDATE audit_checkpoints SET head_hash = 'sha256:00' WHERE seq = 32", "checkpoint at event 32"),
        ];
        for (sql, needle) in cases {
            let (_d, p, ks) = log_with(40);
            let c = Connection::open(&p).unwrap();
            c.execute_batch(sql).unwrap();
            let r = verify(&c, &ks).unwrap();
            let msg = r.problem.unwrap_or_default();
            assert!(msg.contains(needle), "{sql}: {msg}");
        }
    }

    #[test]
    fn a_rollback_to_a_checkpoint_is_found() {
        // Cut the log back to checkpoint 32 and make that checkpoint the head.
        let (_d, p, ks) = log_with(40);
        let c = Connection::open(&p).unwrap();
        c.execute_batch(
            "DELETE FROM audit_events WHERE seq > 32;
             DELETE FROM audit_checkpoints WHERE seq > 32;
             UPDATE audit_head SET (seq, head_hash, ts, kid, signature) =
               (SELECT seq, head_hash, ts, kid, signature FROM audit_checkpoints WHERE seq = 32);",
        )
        .unwrap();
        let r = verify(&c, &ks).unwrap();
        let msg = r.problem.unwrap_or_default();
        assert!(msg.contains("rolled back"), "{msg}");
    }

    #[test]
    fn a_rewritten_chain_fails_on_its_checkpoint() {
        // Recomputing every hash after an edit is not enough: the signed head differs.
        let (_d, p, ks) = log_with(40);
        let c = Connection::open(&p).unwrap();
        c.execute(
            "UPDATE audit_events SET actor = 'mallory' WHERE seq = 2",
            [],
        )
        .unwrap();
        let rows = events(&c, 0, 1000).unwrap();
        let mut prev = GENESIS.to_string();
        for e in rows {
            let d = serde_json::to_string(&e.detail).unwrap();
            let h = event_hash(&prev, e.seq, &e.ts, &e.kind, &e.actor, &e.subject, &d);
            c.execute(
                "UPDATE audit_events SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
                params![prev, h, e.seq],
            )
            .unwrap();
            prev = h;
        }
        let r = verify(&c, &ks).unwrap();
        assert!(r.problem.unwrap_or_default().contains("checkpoint"));
    }
}

#[cfg(test)]
mod key_tests {
    use super::*;

    #[test]
    fn concurrent_first_uses_create_one_key() {
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let n = 16;
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(n));
            let kids: Vec<String> = (0..n)
                .map(|_| {
                    let (dir, barrier) = (dir.path().to_path_buf(), barrier.clone());
                    std::thread::spawn(move || {
                        barrier.wait();
                        load_or_create_key(&dir).unwrap().kid().to_string()
                    })
                })
                .collect::<Vec<_>>()
                .into_iter()
                .map(|h| h.join().unwrap())
                .collect();
            assert!(kids.iter().all(|k| k == &kids[0]), "{kids:?}");
            let on_disk = SigningKey::load(&dir.path().join("audit-key.json")).unwrap();
            assert_eq!(on_disk.kid(), kids[0]);
            let public = KeySet::load(&dir.path().join("audit-keys.json")).unwrap();
            assert!(public.get(&kids[0]).is_some());
        }
    }
}
