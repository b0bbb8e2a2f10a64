//! `GatedStore<S>`: an `ObjectStore` that forwards reads and refuses every write
//! that the verified approval does not cover.
//!
//! Every trait method is implemented explicitly (no defaulted write path can
//! slip through). A write must: be an allowed operation; land under the
//! approved prefix; be one of the approved files (same relative path, same size,
//! same sha256 — checked on the bytes actually written); stay within the object
//! and byte limits; and be recorded in the audit log first. A refused or failed
//! multipart upload is aborted, so nothing partial becomes visible.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::{self, BoxStream, StreamExt};
use object_store::path::Path;
use object_store::{
    CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions, UploadPart,
};
use sha2::{Digest, Sha256};

use super::dest::Destination;
use super::digest::{Manifest, ManifestEntry};
use super::token::{ApprovalClaims, ApprovalToken, Op, Verifier};
use super::{Redeemer, Refusal};

/// Where decisions are recorded. An error refuses the action (fail closed).
pub trait DecisionLog: Send + Sync {
    fn decision(&self, allowed: bool, op: &str, path: &str, reason: &str) -> Result<(), String>;
}

impl DecisionLog for crate::audit::LocalAudit {
    fn decision(&self, allowed: bool, op: &str, path: &str, reason: &str) -> Result<(), String> {
        let kind = if allowed { "export_write" } else { "refusal" };
        self.record(
            kind,
            "gate",
            path,
            serde_json::json!({"op": op, "allowed": allowed, "reason": reason}),
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
    }
}

/// What the caller presents: the token and the manifest of the exact files it will write.
#[derive(Debug, Clone)]
pub struct Approval {
    pub token: ApprovalToken,
    pub manifest: Manifest,
}

#[derive(Debug, Default)]
struct Usage {
    objects: u64,
    bytes: u64,
    written: std::collections::HashSet<String>,
}

struct Gate {
    /// `None`: locked, every write refused with `locked`.
    claims: Option<ApprovalClaims>,
    locked: Refusal,
    root: Destination,
    approved: Option<Destination>,
    files: HashMap<String, ManifestEntry>,
    usage: Mutex<Usage>,
    log: Option<Arc<dyn DecisionLog>>,
}

impl fmt::Debug for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gate")
            .field("root", &self.root.to_string())
            .field("approved", &self.approved.as_ref().map(|d| d.to_string()))
            .field("jti", &self.claims.as_ref().map(|c| c.jti.clone()))
            .finish()
    }
}

fn denied(path: &str, r: Refusal) -> object_store::Error {
    object_store::Error::PermissionDenied {
        path: path.to_string(),
        source: Box::new(r),
    }
}

/// The refusal inside an object_store error, if the gate refused.
pub fn refusal_of(e: &object_store::Error) -> Option<&Refusal> {
    match e {
        object_store::Error::PermissionDenied { source, .. } => source.downcast_ref::<Refusal>(),
        _ => None,
    }
}

impl Gate {
    fn log(&self, allowed: bool, op: Op, path: &str, reason: &str) -> Result<(), Refusal> {
        match &self.log {
            Some(l) => l.decision(allowed, op.as_str(), path, reason).map_err(|e| {
                Refusal::RedeemFailed(format!("audit log unavailable, refusing: {e}"))
            }),
            None => Ok(()),
        }
    }

    /// Common checks for a write at `path`; returns the claims.
    fn check(&self, op: Op, path: &Path) -> Result<&ApprovalClaims, Refusal> {
        let claims = self.claims.as_ref().ok_or_else(|| self.locked.clone())?;
        if !claims.ops.contains(&op) {
            return Err(Refusal::OperationNotAllowed(format!(
                "{} is not among the approved operations",
                op.as_str()
            )));
        }
        let target = self.root.join(path).map_err(Refusal::WrongDestination)?;
        let approved = self.approved.as_ref().ok_or_else(|| self.locked.clone())?;
        if !approved.contains(&target) {
            return Err(Refusal::WrongDestination(format!(
                "{target} is outside {approved}"
            )));
        }
        Ok(claims)
    }

    /// Checks for writing a new object of `size` bytes at `path`.
    fn check_object(
        &self,
        op: Op,
        path: &Path,
        size: Option<u64>,
    ) -> Result<ManifestEntry, Refusal> {
        let claims = self.check(op, path)?;
        let entry = self.files.get(path.as_ref()).cloned().ok_or_else(|| {
            Refusal::WrongDestination(format!("{path} is not one of the approved files"))
        })?;
        if let Some(s) = size {
            if s != entry.size {
                return Err(Refusal::DigestMismatch);
            }
        }
        let u = self
            .usage
            .lock()
            .map_err(|_| Refusal::RedeemFailed("gate state poisoned".into()))?;
        if u.written.contains(path.as_ref()) {
            return Err(Refusal::LimitExceeded(format!(
                "{path} was already written under this approval"
            )));
        }
        if u.objects + 1 > claims.max_objects {
            return Err(Refusal::LimitExceeded(format!(
                "more than {} objects",
                claims.max_objects
            )));
        }
        if u.bytes + entry.size > claims.max_bytes {
            return Err(Refusal::LimitExceeded(format!(
                "more than {} bytes",
                claims.max_bytes
            )));
        }
        Ok(entry)
    }

    fn commit(&self, path: &Path, size: u64) {
        if let Ok(mut u) = self.usage.lock() {
            u.objects += 1;
            u.bytes += size;
            u.written.insert(path.to_string());
        }
    }

    /// Run a check, log the decision, and turn a refusal into an object_store error.
    fn decide<T>(&self, op: Op, path: &Path, r: Result<T, Refusal>) -> object_store::Result<T> {
        match r {
            Ok(v) => {
                self.log(true, op, path.as_ref(), "approved")
                    .map_err(|e| denied(path.as_ref(), e))?;
                Ok(v)
            }
            Err(refusal) => {
                let _ = self.log(false, op, path.as_ref(), &refusal.to_string());
                tracing::warn!(path = %path, "write refused: {refusal}");
                Err(denied(path.as_ref(), refusal))
            }
        }
    }
}

/// The gated wrapper. The inner store is private and never handed out.
pub struct GatedStore<S: ObjectStore> {
    inner: Arc<S>,
    gate: Arc<Gate>,
}

impl<S: ObjectStore> fmt::Debug for GatedStore<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatedStore")
            .field("inner", &self.inner)
            .field("gate", &self.gate)
            .finish()
    }
}

impl<S: ObjectStore> fmt::Display for GatedStore<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GatedStore({})", self.inner)
    }
}

impl<S: ObjectStore> GatedStore<S> {
    /// A store that reads through and refuses every write with `reason`
    /// (for example `Refusal::Missing` when no token was given).
    pub fn locked(inner: S, root_url: &str, reason: Refusal) -> Result<Self, Refusal> {
        let root = Destination::parse(root_url).map_err(Refusal::WrongDestination)?;
        Ok(GatedStore {
            inner: Arc::new(inner),
            gate: Arc::new(Gate {
                claims: None,
                locked: reason,
                root,
                approved: None,
                files: HashMap::new(),
                usage: Mutex::default(),
                log: None,
            }),
        })
    }

    /// Verify the approval for exactly `approval.manifest` written under
    /// `root_url` (where `inner`'s root points), redeem it once, and return the
    /// gated store. Every refusal is recorded in `log` when one is given.
    pub async fn authorize(
        inner: S,
        root_url: &str,
        verifier: &Verifier,
        redeemer: &dyn Redeemer,
        approval: &Approval,
        log: Option<Arc<dyn DecisionLog>>,
    ) -> Result<Self, Refusal> {
        let record = |allowed: bool, reason: &str| match &log {
            Some(l) => l
                .decision(allowed, "authorize", root_url, reason)
                .map_err(|e| {
                    Refusal::RedeemFailed(format!("audit log unavailable, refusing: {e}"))
                }),
            None => Ok(()),
        };
        let result = async {
            let root = Destination::parse(root_url).map_err(Refusal::WrongDestination)?;
            let digest = approval.manifest.digest();
            let claims = verifier.verify(&approval.token, &digest, &root)?;
            let total = approval.manifest.total_bytes();
            if total > claims.max_bytes {
                return Err(Refusal::LimitExceeded(format!(
                    "{total} bytes to write, {} approved",
                    claims.max_bytes
                )));
            }
            if approval.manifest.entries.len() as u64 > claims.max_objects {
                return Err(Refusal::LimitExceeded(format!(
                    "{} objects to write, {} approved",
                    approval.manifest.entries.len(),
                    claims.max_objects
                )));
            }
            redeemer.redeem(&approval.token, &claims).await?;
            let approved = Destination::parse(&claims.dest).map_err(Refusal::Malformed)?;
            Ok((root, approved, claims))
        }
        .await;
        match result {
            Ok((root, approved, claims)) => {
                record(
                    true,
                    &format!("approval {} for {}", claims.jti, claims.dataset_id),
                )?;
                let files = approval
                    .manifest
                    .entries
                    .iter()
                    .map(|e| (e.path.clone(), e.clone()))
                    .collect();
                Ok(GatedStore {
                    inner: Arc::new(inner),
                    gate: Arc::new(Gate {
                        claims: Some(claims),
                        locked: Refusal::Missing,
                        root,
                        approved: Some(approved),
                        files,
                        usage: Mutex::default(),
                        log,
                    }),
                })
            }
            Err(r) => {
                let _ = record(false, &r.to_string());
                Err(r)
            }
        }
    }

    /// The verified claims (none when locked).
    pub fn claims(&self) -> Option<&ApprovalClaims> {
        self.gate.claims.as_ref()
    }
}

fn hash_payload(p: &PutPayload) -> (u64, String) {
    let mut h = Sha256::new();
    let mut n = 0u64;
    for b in p.iter() {
        n += b.len() as u64;
        h.update(b);
    }
    (n, hex::encode(h.finalize()))
}

#[async_trait]
impl<S: ObjectStore> ObjectStore for GatedStore<S> {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> object_store::Result<PutResult> {
        let (size, sha) = hash_payload(&payload);
        let check = self
            .gate
            .check_object(Op::Put, location, Some(size))
            .and_then(|e| {
                if e.sha256 == sha {
                    Ok(e)
                } else {
                    Err(Refusal::DigestMismatch)
                }
            });
        let entry = self.gate.decide(Op::Put, location, check)?;
        let r = self.inner.put_opts(location, payload, opts).await?;
        self.gate.commit(location, entry.size);
        Ok(r)
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        let check = self.gate.check_object(Op::Multipart, location, None);
        let entry = self.gate.decide(Op::Multipart, location, check)?;
        let inner = self.inner.put_multipart_opts(location, opts).await?;
        Ok(Box::new(GatedUpload {
            inner,
            gate: self.gate.clone(),
            path: location.clone(),
            entry,
            hasher: Sha256::new(),
            bytes: 0,
            failed: None,
        }))
    }

    async fn get_opts(
        &self,
        location: &Path,
        options: GetOptions,
    ) -> object_store::Result<GetResult> {
        self.inner.get_opts(location, options).await
    }

    async fn get_ranges(
        &self,
        location: &Path,
        ranges: &[Range<u64>],
    ) -> object_store::Result<Vec<Bytes>> {
        self.inner.get_ranges(location, ranges).await
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, object_store::Result<Path>>,
    ) -> BoxStream<'static, object_store::Result<Path>> {
        // Each path is decided on its own; only approved deletes reach the inner store.
        let gate = self.gate.clone();
        let inner = self.inner.clone();
        locations
            .then(move |p| {
                let gate = gate.clone();
                let inner = inner.clone();
                async move {
                    let p = p?;
                    let check = gate.check(Op::Delete, &p).map(|_| ());
                    gate.decide(Op::Delete, &p, check)?;
                    let mut s = inner.delete_stream(stream::once(async move { Ok(p) }).boxed());
                    match s.next().await {
                        Some(r) => r,
                        None => Err(object_store::Error::Generic {
                            store: "GatedStore",
                            source: "delete produced no result".into(),
                        }),
                    }
                }
            })
            .boxed()
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        self.inner.list(prefix)
    }

    fn list_with_offset(
        &self,
        prefix: Option<&Path>,
        offset: &Path,
    ) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        self.inner.list_with_offset(prefix, offset)
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> object_store::Result<ListResult> {
        self.inner.list_with_delimiter(prefix).await
    }

    async fn copy_opts(
        &self,
        from: &Path,
        to: &Path,
        options: CopyOptions,
    ) -> object_store::Result<()> {
        let check = self
            .gate
            .check(Op::Copy, from)
            .and_then(|_| self.gate.check(Op::Copy, to))
            .map(|_| ());
        self.gate.decide(Op::Copy, to, check)?;
        self.inner.copy_opts(from, to, options).await
    }

    async fn rename_opts(
        &self,
        from: &Path,
        to: &Path,
        options: RenameOptions,
    ) -> object_store::Result<()> {
        let check = self
            .gate
            .check(Op::Rename, from)
            .and_then(|_| self.gate.check(Op::Rename, to))
            .map(|_| ());
        self.gate.decide(Op::Rename, to, check)?;
        self.inner.rename_opts(from, to, options).await
    }
}

/// A multipart upload that hashes what it sends and aborts unless the bytes
/// are exactly the approved file.
struct GatedUpload {
    inner: Box<dyn MultipartUpload>,
    gate: Arc<Gate>,
    path: Path,
    entry: ManifestEntry,
    hasher: Sha256,
    bytes: u64,
    failed: Option<Refusal>,
}

impl fmt::Debug for GatedUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatedUpload")
            .field("path", &self.path.as_ref())
            .field("bytes", &self.bytes)
            .finish()
    }
}

#[async_trait]
impl MultipartUpload for GatedUpload {
    fn put_part(&mut self, data: PutPayload) -> UploadPart {
        if let Some(r) = &self.failed {
            let e = denied(self.path.as_ref(), r.clone());
            return Box::pin(async move { Err(e) });
        }
        for b in data.iter() {
            self.hasher.update(b);
            self.bytes += b.len() as u64;
        }
        if self.bytes > self.entry.size {
            let r = Refusal::DigestMismatch;
            self.failed = Some(r.clone());
            let e = denied(self.path.as_ref(), r);
            return Box::pin(async move { Err(e) });
        }
        self.inner.put_part(data)
    }

    async fn complete(&mut self) -> object_store::Result<PutResult> {
        let sha = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let refusal = self.failed.clone().or_else(|| {
            (self.bytes != self.entry.size || sha != self.entry.sha256)
                .then_some(Refusal::DigestMismatch)
        });
        if let Some(r) = refusal {
            let _ = self
                .gate
                .log(false, Op::Multipart, self.path.as_ref(), &r.to_string());
            // Nothing partial may stay visible.
            let _ = self.inner.abort().await;
            return Err(denied(self.path.as_ref(), r));
        }
        let res = self.inner.complete().await;
        match res {
            Ok(r) => {
                self.gate.commit(&self.path, self.entry.size);
                Ok(r)
            }
            Err(e) => {
                let _ = self.inner.abort().await;
                Err(e)
            }
        }
    }

    async fn abort(&mut self) -> object_store::Result<()> {
        self.inner.abort().await
    }
}
