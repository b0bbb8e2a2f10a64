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

/// What the gate decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The action goes ahead.
    Allowed,
    /// The action is refused.
    Refused,
}

impl Verdict {
    /// The audit event that records a decision with this verdict.
    pub fn event_kind(self) -> crate::audit::EventKind {
        match self {
            Verdict::Allowed => crate::audit::EventKind::ExportWrite,
            Verdict::Refused => crate::audit::EventKind::Refusal,
        }
    }
}

/// Where decisions are recorded. An error refuses the action (fail closed).
pub trait DecisionLog: Send + Sync {
    /// Records that `op` (`put`, `authorize`, `export`…) on `path` was
    /// decided `verdict`, for `reason`.
    fn decision(&self, verdict: Verdict, op: &str, path: &str, reason: &str) -> crate::Result<()>;
}

impl DecisionLog for crate::audit::LocalAudit {
    fn decision(&self, verdict: Verdict, op: &str, path: &str, reason: &str) -> crate::Result<()> {
        self.record(
            verdict.event_kind(),
            "gate",
            path,
            serde_json::json!({"op": op, "allowed": verdict == Verdict::Allowed, "reason": reason}),
        )
        .map(|_| ())
    }
}

fn verdict(allowed: bool) -> Verdict {
    if allowed {
        Verdict::Allowed
    } else {
        Verdict::Refused
    }
}

/// What the caller presents: the token, the manifest of the exact files it
/// will write, and whether those files are the redacted form.
#[derive(Debug, Clone)]
pub struct Approval {
    /// The approval token.
    pub token: ApprovalToken,
    /// The manifest of the exact files that will be written.
    pub manifest: Manifest,
    /// The files are the redacted copy (`export --redact`): the token must say so.
    pub redacted: bool,
    /// The operations the writer will use, checked before redemption. Empty:
    /// at least one of put and multipart.
    pub ops: Vec<Op>,
    /// What a full scan of the exact files found. Required when the token
    /// binds its content (`entities`): the gate refuses data that holds more.
    pub content: ContentCheck,
}

/// How the content of the files is checked against the approval.
#[derive(Debug, Clone, Default)]
pub enum ContentCheck {
    /// Not scanned: refused when the token binds the content.
    #[default]
    Unscanned,
    /// A full scan of the exact files, before redemption.
    Found(ContentFound),
    /// The writer scans each object as it arrives and calls
    /// `ContentFound::check` itself before writing it (export through the
    /// service, where the bytes arrive after redemption).
    PerObject,
}

/// What a full scan of the files to be written found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentFound {
    /// The highest sensitivity found.
    pub sensitivity: crate::report::Sensitivity,
    /// The entities found.
    pub entities: std::collections::BTreeSet<String>,
    /// The digest of the rules the scan used.
    pub rules_digest: String,
}

impl ContentFound {
    /// From a scan report.
    pub fn of(report: &crate::report::Report) -> ContentFound {
        ContentFound {
            sensitivity: report.summary.sensitivity,
            entities: report.summary.entities.keys().cloned().collect(),
            rules_digest: report.rules.digest.clone(),
        }
    }

    /// Refuse content beyond what `claims` approved (when they bind it).
    pub fn check(found: Option<&ContentFound>, claims: &ApprovalClaims) -> Result<(), Refusal> {
        let Some(approved) = &claims.entities else {
            return Ok(());
        };
        let found = found.ok_or_else(|| {
            Refusal::ContentExceeds(
                "the approval binds the data's PII, and these files were not scanned".into(),
            )
        })?;
        if !claims.rules_digest.is_empty() && claims.rules_digest != found.rules_digest {
            return Err(Refusal::ContentExceeds(format!(
                "the approval's report used rules {}, this gate has {}: the content cannot be compared",
                claims.rules_digest, found.rules_digest
            )));
        }
        let extra: Vec<&String> = found
            .entities
            .iter()
            .filter(|e| !approved.contains(e))
            .collect();
        if !extra.is_empty() {
            return Err(Refusal::ContentExceeds(format!(
                "the data holds {} that the approval does not cover",
                extra
                    .iter()
                    .map(|e| e.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let level = claims.sensitivity.unwrap_or_default();
        if found.sensitivity > level {
            return Err(Refusal::ContentExceeds(format!(
                "the data is {}, the approval covers {}",
                found.sensitivity.as_str(),
                level.as_str()
            )));
        }
        Ok(())
    }
}

impl Approval {
    /// An approval of `manifest` with `token`, for plain (not redacted) files, not yet scanned.
    pub fn new(token: ApprovalToken, manifest: Manifest) -> Self {
        Approval {
            token,
            manifest,
            redacted: false,
            ops: Vec::new(),
            content: ContentCheck::Unscanned,
        }
    }
}

#[derive(Debug, Default)]
struct Usage {
    objects: u64,
    bytes: u64,
    /// Objects written (and verified) under this approval.
    written: std::collections::HashSet<String>,
    /// Paths with a write in flight: a second write to one of them is refused
    /// until the first one ends.
    claimed: std::collections::HashSet<String>,
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
            .field("root", &self.root.describe())
            .field("approved", &self.approved.as_ref().map(|d| d.describe()))
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

/// `target` lies under `approved` (same service, whole segments) and, on a
/// local disk, no component of its path is a symbolic link: a link planted
/// anywhere on the way would send the bytes elsewhere.
fn within(approved: &Destination, target: &Destination) -> Result<(), Refusal> {
    if !approved.contains(target) {
        return Err(Refusal::WrongDestination(format!(
            "{} is outside {}",
            target.describe(),
            approved.describe()
        )));
    }
    target
        .check_no_symlinks()
        .map_err(Refusal::WrongDestination)
}

/// Object tags, attributes (content type, user metadata…) are not part of an
/// approval: a way to carry data beside the approved bytes.
fn plain_options(
    tags: &object_store::TagSet,
    attributes: &object_store::Attributes,
) -> Result<(), Refusal> {
    if !tags.encoded().is_empty() {
        return Err(Refusal::OperationNotAllowed(
            "object tags are not part of the approval".into(),
        ));
    }
    if !attributes.is_empty() {
        return Err(Refusal::OperationNotAllowed(
            "object attributes and user metadata are not part of the approval".into(),
        ));
    }
    Ok(())
}

impl Gate {
    fn log(&self, allowed: bool, op: Op, path: &str, reason: &str) -> Result<(), Refusal> {
        match &self.log {
            Some(l) => l
                .decision(verdict(allowed), op.as_str(), path, reason)
                .map_err(|e| Refusal::AuditUnavailable(e.to_string())),
            None => Ok(()),
        }
    }

    fn need(claims: &ApprovalClaims, op: Op) -> Result<(), Refusal> {
        if claims.ops.contains(&op) {
            Ok(())
        } else {
            Err(Refusal::OperationNotAllowed(format!(
                "{} is not among the approved operations",
                op.as_str()
            )))
        }
    }

    /// Common checks for a write at `path`; returns the claims.
    fn check(&self, op: Op, path: &Path) -> Result<&ApprovalClaims, Refusal> {
        let claims = self.claims.as_ref().ok_or_else(|| self.locked.clone())?;
        Self::need(claims, op)?;
        let target = self.root.join(path).map_err(Refusal::WrongDestination)?;
        let approved = self.approved.as_ref().ok_or_else(|| self.locked.clone())?;
        within(approved, &target)?;
        Ok(claims)
    }

    /// Claim `path` for one new object of `size` bytes, within the limits.
    /// The claim holds until `commit` or `release`, so two concurrent writes
    /// to one path cannot both pass.
    fn claim(&self, claims: &ApprovalClaims, path: &Path, size: u64) -> Result<(), Refusal> {
        let mut u = self
            .usage
            .lock()
            .map_err(|_| Refusal::RedeemFailed("gate state poisoned".into()))?;
        if u.written.contains(path.as_ref()) || u.claimed.contains(path.as_ref()) {
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
        if u.bytes + size > claims.max_bytes {
            return Err(Refusal::LimitExceeded(format!(
                "more than {} bytes",
                claims.max_bytes
            )));
        }
        u.objects += 1;
        u.bytes += size;
        u.claimed.insert(path.to_string());
        Ok(())
    }

    /// Checks for writing a new object of `size` bytes at `path`; claims it.
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
        self.claim(claims, path, entry.size)?;
        Ok(entry)
    }

    /// The write at `path` landed: it counts as written.
    fn commit(&self, path: &Path) {
        if let Ok(mut u) = self.usage.lock() {
            u.claimed.remove(path.as_ref());
            u.written.insert(path.to_string());
        }
    }

    /// The write at `path` did not land: give back its claim.
    fn release(&self, path: &Path, size: u64) {
        if let Ok(mut u) = self.usage.lock() {
            if u.claimed.remove(path.as_ref()) {
                u.objects = u.objects.saturating_sub(1);
                u.bytes = u.bytes.saturating_sub(size);
            }
        }
    }

    /// An object this approval wrote and verified (a copy or rename source).
    fn written_entry(&self, path: &Path) -> Result<u64, Refusal> {
        let u = self
            .usage
            .lock()
            .map_err(|_| Refusal::RedeemFailed("gate state poisoned".into()))?;
        if !u.written.contains(path.as_ref()) {
            return Err(Refusal::WrongDestination(format!(
                "{path} was not written under this approval"
            )));
        }
        drop(u);
        Ok(self.files.get(path.as_ref()).map(|e| e.size).unwrap_or(0))
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
    /// (for example `Refusal::Missing` when no token was given). Refusals are
    /// recorded in `log` when one is given.
    pub fn locked(
        inner: S,
        root: &Destination,
        reason: Refusal,
        log: Option<Arc<dyn DecisionLog>>,
    ) -> Self {
        GatedStore {
            inner: Arc::new(inner),
            gate: Arc::new(Gate {
                claims: None,
                locked: reason,
                root: root.clone(),
                approved: None,
                files: HashMap::new(),
                usage: Mutex::default(),
                log,
            }),
        }
    }

    /// Verify the approval for exactly `approval.manifest` written under
    /// `root` (where `inner`'s root points, on the service `root.endpoint`
    /// names), redeem it once, and return the gated store. Every check that
    /// can refuse runs before redemption, so a refused export never burns
    /// the token. Every decision is recorded in `log` when one is given.
    pub async fn authorize(
        inner: S,
        root: &Destination,
        verifier: &Verifier,
        redeemer: &dyn Redeemer,
        approval: &Approval,
        log: Option<Arc<dyn DecisionLog>>,
    ) -> Result<Self, Refusal> {
        let root_url = root.describe();
        let record = |allowed: bool, reason: &str| match &log {
            Some(l) => l
                .decision(verdict(allowed), "authorize", &root_url, reason)
                .map_err(|e| Refusal::AuditUnavailable(e.to_string())),
            None => Ok(()),
        };
        let result = async {
            approval
                .manifest
                .check_names()
                .map_err(|e| Refusal::Malformed(e.to_string()))?;
            let digest = approval.manifest.digest();
            let claims = verifier.verify(&approval.token, &digest, root)?;
            if claims.redacted != approval.redacted {
                return Err(Refusal::OperationNotAllowed(if claims.redacted {
                    "the approval covers the redacted form only: use --redact".into()
                } else {
                    "the approval covers the data as it is, not a redacted copy".into()
                }));
            }
            match &approval.content {
                ContentCheck::Unscanned => ContentFound::check(None, &claims)?,
                ContentCheck::Found(f) => ContentFound::check(Some(f), &claims)?,
                ContentCheck::PerObject => {}
            }
            let missing = if approval.ops.is_empty() {
                (!approval.manifest.entries.is_empty()
                    && !claims
                        .ops
                        .iter()
                        .any(|o| matches!(o, Op::Put | Op::Multipart)))
                .then_some(Op::Put)
            } else {
                approval
                    .ops
                    .iter()
                    .copied()
                    .find(|o| !claims.ops.contains(o))
            };
            if let Some(op) = missing {
                return Err(Refusal::OperationNotAllowed(format!(
                    "{} is not among the approved operations",
                    op.as_str()
                )));
            }
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
            let approved = Destination::parse(&claims.dest)
                .map_err(Refusal::Malformed)?
                .at_endpoint(&claims.endpoint);
            // Every object's full destination, links included, before the token is spent.
            for e in &approval.manifest.entries {
                let p = Path::parse(&e.path).map_err(|x| Refusal::Malformed(x.to_string()))?;
                within(
                    &approved,
                    &root.join(&p).map_err(Refusal::WrongDestination)?,
                )?;
            }
            redeemer.redeem(&approval.token, &claims).await?;
            Ok((approved, claims))
        }
        .await;
        match result {
            Ok((approved, claims)) => {
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
                        root: root.clone(),
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
        let check = plain_options(&opts.tags, &opts.attributes).and_then(|_| {
            let e = self.gate.check_object(Op::Put, location, Some(size))?;
            if e.sha256 == sha {
                Ok(e)
            } else {
                self.gate.release(location, e.size);
                Err(Refusal::DigestMismatch)
            }
        });
        let entry = self.gate.decide(Op::Put, location, check)?;
        match self.inner.put_opts(location, payload, opts).await {
            Ok(r) => {
                self.gate.commit(location);
                Ok(r)
            }
            Err(e) => {
                self.gate.release(location, entry.size);
                Err(e)
            }
        }
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        let check = plain_options(&opts.tags, &opts.attributes)
            .and_then(|_| self.gate.check_object(Op::Multipart, location, None));
        let entry = self.gate.decide(Op::Multipart, location, check)?;
        // Parts are spooled to a private local file, outside the destination,
        // and sent only once the whole object verifies.
        let spool = match tempfile::tempfile() {
            Ok(f) => f,
            Err(e) => {
                self.gate.release(location, entry.size);
                return Err(object_store::Error::Generic {
                    store: "GatedStore",
                    source: Box::new(e),
                });
            }
        };
        Ok(Box::new(GatedUpload {
            inner: self.inner.clone(),
            opts: Some(opts),
            gate: self.gate.clone(),
            path: location.clone(),
            entry,
            hasher: Sha256::new(),
            bytes: 0,
            spool: Some(spool),
            failed: None,
            done: false,
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
                    // Only what this approval is about: its approved file names
                    // (an older copy being replaced) or what it wrote itself;
                    // each delete counts as an object.
                    let check = gate.check(Op::Delete, &p).and_then(|claims| {
                        let ours =
                            gate.files.contains_key(p.as_ref()) || gate.written_entry(&p).is_ok();
                        if !ours {
                            return Err(Refusal::WrongDestination(format!(
                                "{p} is neither an approved file nor written under this approval"
                            )));
                        }
                        let mut u = gate
                            .usage
                            .lock()
                            .map_err(|_| Refusal::RedeemFailed("gate state poisoned".into()))?;
                        if u.objects + 1 > claims.max_objects {
                            return Err(Refusal::LimitExceeded(format!(
                                "more than {} objects",
                                claims.max_objects
                            )));
                        }
                        u.objects += 1;
                        u.written.remove(p.as_ref());
                        Ok(())
                    });
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
        // A copy makes a new object: of verified bytes only (an object this
        // approval wrote), under the approved prefix, within the limits.
        let check = self.gate.check(Op::Copy, from).and_then(|_| {
            let size = self.gate.written_entry(from)?;
            let claims = self.gate.check(Op::Copy, to)?;
            self.gate.claim(claims, to, size)?;
            Ok(size)
        });
        let size = self.gate.decide(Op::Copy, to, check)?;
        match self.inner.copy_opts(from, to, options).await {
            Ok(()) => {
                self.gate.commit(to);
                Ok(())
            }
            Err(e) => {
                self.gate.release(to, size);
                Err(e)
            }
        }
    }

    async fn rename_opts(
        &self,
        from: &Path,
        to: &Path,
        options: RenameOptions,
    ) -> object_store::Result<()> {
        // A rename deletes its source: it needs the delete operation too, and
        // moves only an object this approval wrote.
        let check = self.gate.check(Op::Rename, from).and_then(|claims| {
            Gate::need(claims, Op::Delete).map_err(|_| {
                Refusal::OperationNotAllowed(
                    "rename deletes its source: delete is not among the approved operations".into(),
                )
            })?;
            self.gate.written_entry(from)?;
            self.gate.check(Op::Rename, to)?;
            let u = self
                .gate
                .usage
                .lock()
                .map_err(|_| Refusal::RedeemFailed("gate state poisoned".into()))?;
            if u.written.contains(to.as_ref()) || u.claimed.contains(to.as_ref()) {
                return Err(Refusal::LimitExceeded(format!(
                    "{to} was already written under this approval"
                )));
            }
            Ok(())
        });
        self.gate.decide(Op::Rename, to, check)?;
        self.inner.rename_opts(from, to, options).await?;
        if let Ok(mut u) = self.gate.usage.lock() {
            u.written.remove(from.as_ref());
            u.written.insert(to.to_string());
        }
        Ok(())
    }
}

/// A multipart upload that hashes and spools what it is given, and sends it
/// to the destination only after the whole object is exactly the approved
/// file: unverified bytes never reach the destination, not even as parts.
struct GatedUpload<S: ObjectStore> {
    inner: Arc<S>,
    opts: Option<PutMultipartOptions>,
    gate: Arc<Gate>,
    path: Path,
    entry: ManifestEntry,
    hasher: Sha256,
    bytes: u64,
    spool: Option<std::fs::File>,
    failed: Option<Refusal>,
    done: bool,
}

impl<S: ObjectStore> fmt::Debug for GatedUpload<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatedUpload")
            .field("path", &self.path.as_ref())
            .field("bytes", &self.bytes)
            .finish()
    }
}

/// The part size used to send a verified spool.
const SEND_PART: usize = 8 * 1024 * 1024;

impl<S: ObjectStore> GatedUpload<S> {
    fn fail(&mut self, r: Refusal) -> object_store::Error {
        if self.failed.is_none() {
            let _ = self
                .gate
                .log(false, Op::Multipart, self.path.as_ref(), &r.to_string());
            self.gate.release(&self.path, self.entry.size);
            self.spool = None;
        }
        self.failed = Some(r.clone());
        denied(self.path.as_ref(), r)
    }

    /// Send the verified spool as a multipart upload; abort it on any error.
    async fn send(&mut self, mut spool: std::fs::File) -> object_store::Result<PutResult> {
        use std::io::{Read, Seek};
        let io = |e: std::io::Error| object_store::Error::Generic {
            store: "GatedStore",
            source: Box::new(e),
        };
        spool.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
        let mut up = self
            .inner
            .put_multipart_opts(&self.path, self.opts.take().unwrap_or_default())
            .await?;
        let mut sha = Sha256::new();
        let r: object_store::Result<PutResult> = async {
            loop {
                let mut buf = Vec::with_capacity(SEND_PART);
                let n = (&mut spool)
                    .take(SEND_PART as u64)
                    .read_to_end(&mut buf)
                    .map_err(io)?;
                if n == 0 {
                    break;
                }
                sha.update(&buf);
                up.put_part(buf.into()).await?;
            }
            // The spool is private, but a disk can fail: check what was sent.
            if hex::encode(sha.finalize()) != self.entry.sha256 {
                return Err(denied(self.path.as_ref(), Refusal::DigestMismatch));
            }
            up.complete().await
        }
        .await;
        if r.is_err() {
            let _ = up.abort().await;
        }
        r
    }
}

#[async_trait]
impl<S: ObjectStore> MultipartUpload for GatedUpload<S> {
    fn put_part(&mut self, data: PutPayload) -> UploadPart {
        if let Some(r) = self.failed.clone() {
            let e = denied(self.path.as_ref(), r);
            return Box::pin(async move { Err(e) });
        }
        if self.done {
            let e = self.fail(Refusal::Malformed("part after complete".into()));
            return Box::pin(async move { Err(e) });
        }
        let n: u64 = data.iter().map(|b| b.len() as u64).sum();
        if self.bytes + n > self.entry.size {
            let e = self.fail(Refusal::DigestMismatch);
            return Box::pin(async move { Err(e) });
        }
        let mut write = || -> std::io::Result<()> {
            use std::io::Write;
            let f = self
                .spool
                .as_mut()
                .ok_or_else(|| std::io::Error::other("the upload's spool is gone"))?;
            for b in data.iter() {
                f.write_all(b)?;
            }
            Ok(())
        };
        if let Err(e) = write() {
            self.gate.release(&self.path, self.entry.size);
            self.spool = None;
            self.failed = Some(Refusal::RedeemFailed("spooling the upload failed".into()));
            let e = object_store::Error::Generic {
                store: "GatedStore",
                source: Box::new(e),
            };
            return Box::pin(async move { Err(e) });
        }
        for b in data.iter() {
            self.hasher.update(b);
        }
        self.bytes += n;
        Box::pin(async { Ok(()) })
    }

    async fn complete(&mut self) -> object_store::Result<PutResult> {
        if let Some(r) = self.failed.clone() {
            return Err(denied(self.path.as_ref(), r));
        }
        self.done = true;
        let sha = hex::encode(std::mem::take(&mut self.hasher).finalize());
        if self.bytes != self.entry.size || sha != self.entry.sha256 {
            return Err(self.fail(Refusal::DigestMismatch));
        }
        let spool = self
            .spool
            .take()
            .ok_or_else(|| object_store::Error::Generic {
                store: "GatedStore",
                source: "the upload's spool is gone".into(),
            })?;
        match self.send(spool).await {
            Ok(r) => {
                self.gate.commit(&self.path);
                Ok(r)
            }
            Err(e) => {
                self.gate.release(&self.path, self.entry.size);
                self.failed = Some(Refusal::RedeemFailed("upload failed".into()));
                Err(e)
            }
        }
    }

    async fn abort(&mut self) -> object_store::Result<()> {
        // Nothing was sent before verification, so there is nothing to abort
        // at the destination; give back the claim.
        if self.failed.is_none() && !self.done {
            self.gate.release(&self.path, self.entry.size);
            self.failed = Some(Refusal::RedeemFailed("aborted".into()));
        }
        self.spool = None;
        Ok(())
    }
}
