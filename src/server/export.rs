//! Export through the service: the pipeline streams the approved bytes to
//! `piigate serve`, which writes them to the destination with credentials
//! that only the service holds. The pipeline needs no write access to the
//! destination at all, so it cannot step around the gate.
//!
//! 1. `POST /v1/exports` (gate role) with the token, the destination and the
//!    manifest: the service checks the names, finds a configured destination
//!    that covers the target, verifies the token against the manifest's
//!    digest and that destination (its endpoint included), redeems it, and
//!    opens a session holding a `GatedStore` over its own store.
//! 2. `PUT /v1/exports/{session}/objects/{path}`: the bytes of one approved
//!    file, spooled to a private file while hashed; they go to the
//!    destination only when size and sha256 are the approved ones.
//! 3. `POST /v1/exports/{session}/complete`: every approved file was written.
//!
//! Configured in `piigate.toml`:
//!
//! ```toml
//! [[destinations]]
//! url = "s3://vault/exports/"
//! endpoint = "http://127.0.0.1:9000"     # what approvals bind; "" for AWS
//! options = { aws_access_key_id = "…", aws_secret_access_key = "…", aws_region = "us-east-1" }
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::store::{self, StoreError};
use super::AppState;
pub use crate::approval::{ExportSession, OpenExport};
use crate::gate::digest::{Manifest, ManifestEntry};
use crate::gate::store::{refusal_of, Approval, DecisionLog, GatedStore, Verdict};
use crate::gate::token::{ApprovalClaims, ApprovalToken, KeySet, Op, Verifier};
use crate::gate::{Destination, Redeemer, Refusal};

/// A destination the service writes to, with its own credentials.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DestinationConfig {
    /// The prefix this entry covers (`s3://bucket/prefix/`, `az://…`, `file:///…`).
    pub url: String,
    /// The service the bucket is on, as approvals name it (`""`: the
    /// provider's public service).
    #[serde(default)]
    pub endpoint: String,
    /// object_store options (credentials, region, endpoint…). Never printed.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_token_or_credential_in_debug_output() {
        let o = OpenExport {
            token: "v4.public.secret-token".into(),
            to: "s3://b/p/".into(),
            manifest: Vec::new(),
            redacted: false,
        };
        assert!(!format!("{o:?}").contains("secret-token"));
        let d = DestinationConfig {
            url: "s3://b/p/".into(),
            endpoint: String::new(),
            options: [("aws_secret_access_key".to_string(), "hunter2".to_string())].into(),
        };
        assert!(!format!("{d:?}").contains("hunter2"));
    }
}

impl std::fmt::Debug for DestinationConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DestinationConfig")
            .field("url", &self.url)
            .field("endpoint", &self.endpoint)
            .field("options", &self.options.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Files above this size go to the destination as multipart uploads.
const MULTIPART_ABOVE: u64 = 8 * 1024 * 1024;

type Store = GatedStore<PrefixStore<Arc<dyn ObjectStore>>>;

/// One export in progress.
pub struct Session {
    store: Store,
    files: HashMap<String, ManifestEntry>,
    written: Mutex<HashSet<String>>,
    principal: String,
    to: String,
    jti: String,
    created: std::time::Instant,
}

/// Sessions in progress, by id. An hour after it opened a session is gone.
#[derive(Default)]
pub struct Sessions(Mutex<HashMap<String, Arc<Session>>>);

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Sessions({})",
            self.0.lock().map(|m| m.len()).unwrap_or(0)
        )
    }
}

const SESSION_LIFETIME: std::time::Duration = std::time::Duration::from_secs(3600);

impl Sessions {
    fn get(&self, id: &str, principal: &str) -> Result<Arc<Session>, StoreError> {
        let mut m = self
            .0
            .lock()
            .map_err(|_| StoreError::Internal("sessions poisoned".into()))?;
        m.retain(|_, s| s.created.elapsed() < SESSION_LIFETIME);
        let s = m.get(id).cloned().ok_or(StoreError::NotFound)?;
        if s.principal != principal {
            return Err(StoreError::Forbidden(
                "this export session belongs to another principal".into(),
            ));
        }
        Ok(s)
    }
}

/// Audit decisions into the service's own chain.
struct ServiceLog {
    st: Arc<AppState>,
    actor: String,
}

impl DecisionLog for ServiceLog {
    fn decision(&self, verdict: Verdict, op: &str, path: &str, reason: &str) -> crate::Result<()> {
        super::api::audit_write(
            &self.st,
            verdict.event_kind(),
            &self.actor,
            path,
            &serde_json::json!({"op": op, "allowed": verdict == Verdict::Allowed, "reason": reason, "via": "service"}),
        )
    }
}

/// Redeem in the service's own database.
struct ServiceRedeemer {
    st: Arc<AppState>,
    actor: String,
}

#[async_trait::async_trait]
impl Redeemer for ServiceRedeemer {
    async fn redeem(&self, token: &ApprovalToken, _c: &ApprovalClaims) -> Result<(), Refusal> {
        let (st, actor, token) = (self.st.clone(), self.actor.clone(), token.clone());
        let r = tokio::task::spawn_blocking(move || {
            let mut c = st
                .db
                .lock()
                .map_err(|_| StoreError::Internal("database lock poisoned".into()))?;
            store::redeem(&mut c, &st.config, &st.key, &actor, &token)
        })
        .await
        .map_err(|e| Refusal::RedeemFailed(e.to_string()))?;
        match r {
            Ok(_) => Ok(()),
            Err(StoreError::Conflict(_)) => Err(Refusal::AlreadyUsed),
            Err(StoreError::Gone(m)) if m.contains("revoked") => Err(Refusal::Revoked),
            Err(StoreError::Gone(m)) => Err(Refusal::Expired(m)),
            Err(e) => Err(Refusal::RedeemFailed(e.to_string())),
        }
    }
}

/// Why the service refused, as the API reports it (403, the refusal's text).
pub enum ExportError {
    Refused(Refusal),
    Store(StoreError),
}

impl From<StoreError> for ExportError {
    fn from(e: StoreError) -> Self {
        ExportError::Store(e)
    }
}

fn store_for(d: &DestinationConfig) -> Result<Arc<dyn ObjectStore>, StoreError> {
    let dest = Destination::parse(&d.url).map_err(StoreError::Invalid)?;
    let root = if dest.scheme == "file" {
        "file:///".to_string()
    } else {
        format!("{}://{}/", dest.scheme, dest.bucket)
    };
    let url = url::Url::parse(&root).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let (store, _) = object_store::parse_url_opts(&url, d.options.clone())
        .map_err(|e| StoreError::Internal(format!("destination {}: {e}", d.url)))?;
    Ok(Arc::from(store))
}

/// Open an export session: every check, then redemption.
pub async fn open(
    st: &Arc<AppState>,
    principal: &str,
    body: OpenExport,
) -> Result<ExportSession, ExportError> {
    let manifest = Manifest {
        entries: body.manifest,
    };
    manifest
        .check_names()
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    let to = Destination::parse(&body.to).map_err(StoreError::Invalid)?;
    let conf = st
        .config
        .destinations
        .iter()
        .find(|d| Destination::parse(&d.url).is_ok_and(|c| c.contains(&to)))
        .ok_or_else(|| {
            ExportError::Refused(Refusal::WrongDestination(format!(
                "this service writes to no configured destination that covers {to}"
            )))
        })?;
    let target = to.clone().at_endpoint(&conf.endpoint);
    let store = store_for(conf)?;
    let verifier = Verifier::new(
        KeySet::new([st.key.verifying_key()]),
        st.config.audience.clone(),
    );
    let mut ops: Vec<Op> = manifest
        .entries
        .iter()
        .map(|e| {
            if e.size > MULTIPART_ABOVE {
                Op::Multipart
            } else {
                Op::Put
            }
        })
        .collect();
    ops.sort();
    ops.dedup();
    let approval = Approval {
        token: ApprovalToken::new(body.token),
        manifest: manifest.clone(),
        redacted: body.redacted,
        ops,
        // The files are scanned one by one as they arrive (`put_object`).
        content: crate::gate::store::ContentCheck::PerObject,
    };
    let log: Arc<dyn DecisionLog> = Arc::new(ServiceLog {
        st: st.clone(),
        actor: principal.to_string(),
    });
    let redeemer = ServiceRedeemer {
        st: st.clone(),
        actor: principal.to_string(),
    };
    let gated = GatedStore::authorize(
        PrefixStore::new(store, to.prefix_path()),
        &target,
        &verifier,
        &redeemer,
        &approval,
        Some(log),
    )
    .await
    .map_err(ExportError::Refused)?;
    let jti = gated.claims().map(|c| c.jti.clone()).unwrap_or_default();
    let id = uuid::Uuid::new_v4().to_string();
    let out = ExportSession {
        session: id.clone(),
        jti: jti.clone(),
        objects: manifest.entries.len(),
        bytes: manifest.total_bytes(),
    };
    let session = Arc::new(Session {
        store: gated,
        files: manifest
            .entries
            .iter()
            .map(|e| (e.path.clone(), e.clone()))
            .collect(),
        written: Mutex::default(),
        principal: principal.to_string(),
        to: to.to_string(),
        jti,
        created: std::time::Instant::now(),
    });
    st.exports
        .0
        .lock()
        .map_err(|_| StoreError::Internal("sessions poisoned".into()))?
        .insert(id, session);
    Ok(out)
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Internal(e.to_string())
}

/// Receive one approved file and write it through the gate once it verifies.
pub async fn put_object(
    st: &Arc<AppState>,
    principal: &str,
    session: &str,
    path: &str,
    body: axum::body::Body,
) -> Result<u64, ExportError> {
    use futures::StreamExt;
    use std::io::{Read, Seek, Write};
    let s = st.exports.get(session, principal)?;
    let entry = s.files.get(path).cloned().ok_or_else(|| {
        ExportError::Refused(Refusal::WrongDestination(format!(
            "{path} is not one of the approved files"
        )))
    })?;
    // Spool privately while hashing; stop at the first byte past the approved
    // size. The spool keeps the file's extension so that it can be scanned.
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| format!(".{e}"))
        .unwrap_or_default();
    let spooled = tempfile::Builder::new()
        .suffix(&ext)
        .tempfile()
        .map_err(io)?;
    let mut spool = spooled.reopen().map_err(io)?;
    let mut h = Sha256::new();
    let mut n = 0u64;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| StoreError::Invalid(format!("reading the upload: {e}")))?;
        n += chunk.len() as u64;
        if n > entry.size {
            return Err(ExportError::Refused(Refusal::DigestMismatch));
        }
        h.update(&chunk);
        spool.write_all(&chunk).map_err(io)?;
    }
    if n != entry.size || hex::encode(h.finalize()) != entry.sha256 {
        return Err(ExportError::Refused(Refusal::DigestMismatch));
    }
    spool.flush().map_err(io)?;
    // The exact bytes are scanned with the built-in rules and compared with
    // what the approval covers, before anything is written.
    if let Some(claims) = s.store.claims().cloned() {
        if claims.entities.is_some() {
            let p = spooled.path().display().to_string();
            let found = tokio::task::spawn_blocking(move || -> crate::Result<_> {
                let rules = Arc::new(crate::RuleSet::builtin()?);
                let report = crate::scan_without_digest(&[p], rules)?;
                Ok(report)
            })
            .await
            .map_err(|e| StoreError::Internal(e.to_string()))?
            .map_err(|e| StoreError::Internal(e.to_string()))?;
            if let Some(e) = found.errors.first() {
                return Err(ExportError::Refused(Refusal::ContentExceeds(format!(
                    "{path} cannot be scanned, so its content cannot be checked: {}",
                    e.error
                ))));
            }
            crate::gate::store::ContentFound::check(
                Some(&crate::gate::store::ContentFound::of(&found)),
                &claims,
            )
            .map_err(|r| {
                let _ = ServiceLog {
                    st: st.clone(),
                    actor: principal.to_string(),
                }
                .decision(Verdict::Refused, "put", path, &r.to_string());
                ExportError::Refused(r)
            })?;
        }
    }
    spool.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
    let location = Path::parse(path).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let write = async {
        if n <= MULTIPART_ABOVE {
            let mut buf = Vec::with_capacity(n as usize);
            spool
                .read_to_end(&mut buf)
                .map_err(|e| object_store::Error::Generic {
                    store: "spool",
                    source: Box::new(e),
                })?;
            s.store.put(&location, buf.into()).await.map(|_| ())
        } else {
            let mut up = s.store.put_multipart(&location).await?;
            let r: object_store::Result<()> = async {
                loop {
                    let mut buf = Vec::with_capacity(MULTIPART_ABOVE as usize);
                    let k = (&mut spool)
                        .take(MULTIPART_ABOVE)
                        .read_to_end(&mut buf)
                        .map_err(|e| object_store::Error::Generic {
                            store: "spool",
                            source: Box::new(e),
                        })?;
                    if k == 0 {
                        break;
                    }
                    up.put_part(buf.into()).await?;
                }
                up.complete().await.map(|_| ())
            }
            .await;
            if r.is_err() {
                let _ = up.abort().await;
            }
            r
        }
    };
    match write.await {
        Ok(()) => {
            if let Ok(mut w) = s.written.lock() {
                w.insert(path.to_string());
            }
            Ok(n)
        }
        Err(e) => match refusal_of(&e) {
            Some(r) => Err(ExportError::Refused(r.clone())),
            None => Err(ExportError::Store(StoreError::Internal(format!(
                "writing {path} to {}: {e}",
                s.to
            )))),
        },
    }
}

/// Close a session: every approved file must have been written.
pub fn complete(
    st: &Arc<AppState>,
    principal: &str,
    session: &str,
) -> Result<serde_json::Value, StoreError> {
    let s = st.exports.get(session, principal)?;
    let written = s
        .written
        .lock()
        .map_err(|_| StoreError::Internal("session poisoned".into()))?
        .clone();
    let missing: Vec<&String> = s.files.keys().filter(|p| !written.contains(*p)).collect();
    if !missing.is_empty() {
        return Err(StoreError::Conflict(format!(
            "{} approved files not written yet",
            missing.len()
        )));
    }
    let bytes: u64 = s.files.values().map(|e| e.size).sum();
    {
        let mut c = st
            .db
            .lock()
            .map_err(|_| StoreError::Internal("database lock poisoned".into()))?;
        let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        crate::audit::append(
            &tx,
            Some(&st.key),
            crate::audit::EventKind::Export,
            principal,
            &s.jti,
            &serde_json::json!({"to": s.to, "objects": s.files.len(), "bytes": bytes, "via": "service"}),
        )?;
        tx.commit()?;
    }
    if let Ok(mut m) = st.exports.0.lock() {
        m.remove(session);
    }
    Ok(serde_json::json!({"objects": s.files.len(), "bytes": bytes, "to": s.to}))
}
