//! The gated export workflow: [`Exporter`] resolves the files, redacts them
//! when asked, hashes (and scans) the exact bytes it will send, verifies and
//! redeems the approval, writes through [`GatedStore`] (multipart uploads
//! aborted on failure) or through the approval service, and records every
//! decision in the audit log. The `piigate export` command is this type
//! plus argument parsing and printing.
#![warn(missing_docs)]

use std::path::PathBuf;
use std::sync::Arc;

use object_store::{ObjectStore, ObjectStoreExt};

use crate::approval::{ApprovalClient, NewRequest, OpenExport};
use crate::audit::LocalAudit;
use crate::gate::policy::{GatePolicy, SYSTEM_POLICY};
use crate::gate::store::{refusal_of, Approval, ContentCheck, ContentFound, DecisionLog, Verdict};
use crate::gate::token::{ApprovalToken, KeySet, Op, Verifier};
use crate::gate::{
    Destination, GatedStore, LocalLedger, Manifest, OnlineRedeemer, Redeemer, Refusal,
};
use crate::source::{InputFile, Location};
use crate::{Error, Result};

/// The default multipart threshold: larger files go up in 8 MiB parts.
pub const DEFAULT_MULTIPART_THRESHOLD: u64 = 8 * 1024 * 1024;

/// Up to this many bytes in all, the files of an export whose content is
/// checked are held in memory while they are hashed, scanned and sent;
/// above it they are copied to a private temporary directory instead.
pub const DEFAULT_MEMORY_SNAPSHOT_LIMIT: u64 = 512 * 1024 * 1024;

/// `~/.piigate` unless `PIIGATE_HOME` says otherwise: the local ledger,
/// audit log and audit key of developer/offline mode.
pub fn home() -> PathBuf {
    std::env::var_os("PIIGATE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("."))
                .join(".piigate")
        })
}

/// Where the local audit log lives: the gate policy's `audit_dir`, or
/// piigate's home directory without a policy. It holds `audit.db` and
/// `audit-keys.json` (the public half of the key that signs it).
pub fn audit_dir() -> Result<std::path::PathBuf> {
    Ok(GatePolicy::system()?
        .and_then(|p| p.audit_dir)
        .unwrap_or_else(home))
}

/// Where the approval token comes from.
#[derive(Clone)]
pub enum TokenSource {
    /// A file holding the token (read only after the inputs were checked).
    File(PathBuf),
    /// The token itself.
    Token(ApprovalToken),
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenSource::File(p) => write!(f, "File({})", p.display()),
            TokenSource::Token(_) => f.write_str("Token(**REDACTED**)"),
        }
    }
}

impl TokenSource {
    /// The token, or the refusal of a missing or unreadable one.
    fn read(&self) -> std::result::Result<ApprovalToken, Refusal> {
        match self {
            TokenSource::File(p) => ApprovalToken::from_file(p),
            TokenSource::Token(t) => Ok(t.clone()),
        }
    }

    /// Whether the token binds what the data holds, read without verifying
    /// it: an altered token fails verification later, and one that cannot
    /// be read is taken to bind content.
    fn binds_content(&self) -> bool {
        match self {
            TokenSource::File(p) => std::fs::read_to_string(p)
                .map(|t| {
                    crate::gate::token::binds_content_unverified(&ApprovalToken::new(t.trim()))
                })
                .unwrap_or(true),
            TokenSource::Token(t) => crate::gate::token::binds_content_unverified(t),
        }
    }
}

/// Told how many bytes an export has sent (the command line draws a bar).
pub trait ExportProgress: Send + Sync {
    /// The export is about to send `total` bytes.
    fn start(&self, _total: u64) {}
    /// `n` more bytes were sent.
    fn sent(&self, _n: u64) {}
    /// Every byte was sent.
    fn finish(&self) {}
}

struct NoExportProgress;
impl ExportProgress for NoExportProgress {}

/// One object an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenObject {
    /// The object's path below the destination prefix.
    pub path: String,
    /// Its size.
    pub bytes: u64,
}

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct ExportOutcome {
    /// The destination prefix, as approved.
    pub dest: Destination,
    /// What was written, in manifest order.
    pub objects: Vec<WrittenObject>,
    /// The bytes of every object.
    pub bytes: u64,
    /// The content digest of what was written (the approval's).
    pub content_digest: String,
    /// The service written to (S3 endpoint, Azure account); empty for the
    /// provider's public service.
    pub endpoint: String,
    /// The approval service wrote the objects with its own credentials.
    pub via_service: bool,
}

/// A gated export of local files to one destination.
///
/// Where trust comes from: with a gate policy installed
/// (`/etc/piigate/gate.toml`), its keys, service and audience; the
/// options may narrow it, never widen it. Without one, from the options
/// (developer/offline mode).
///
/// ```no_run
/// use piigate::export::{Exporter, TokenSource};
/// let outcome = Exporter::new("s3://bucket/exports/")
///     .server("https://piigate.internal:8443")
///     .run(&["out/part-0.parquet".into()], &TokenSource::File("approval.token".into()))?;
/// println!("wrote {} objects, {} bytes", outcome.objects.len(), outcome.bytes);
/// # Ok::<(), piigate::Error>(())
/// ```
///
/// `run` blocks (it drives its own runtime); from async code call it in
/// `tokio::task::spawn_blocking`.
pub struct Exporter {
    to: String,
    server: Option<String>,
    keys: Option<PathBuf>,
    audience: Option<String>,
    ledger: Option<PathBuf>,
    audit_db: Option<PathBuf>,
    redact: bool,
    multipart_threshold: u64,
    memory_snapshot_limit: u64,
    via_service: bool,
    progress: Arc<dyn ExportProgress>,
    api_key: Option<String>,
    home: Option<PathBuf>,
}

impl std::fmt::Debug for Exporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exporter")
            .field("to", &self.to)
            .field("server", &self.server)
            .field("keys", &self.keys)
            .field("redact", &self.redact)
            .field("via_service", &self.via_service)
            .field("api_key", &self.api_key.as_ref().map(|_| "**REDACTED**"))
            .finish_non_exhaustive()
    }
}

impl Exporter {
    /// An export to the destination URL `to` (`s3://bucket/prefix/`,
    /// `file:///dir/`, `az://…`, `gs://…`).
    pub fn new(to: impl Into<String>) -> Self {
        Exporter {
            to: to.into(),
            server: None,
            keys: None,
            audience: None,
            ledger: None,
            audit_db: None,
            redact: false,
            multipart_threshold: DEFAULT_MULTIPART_THRESHOLD,
            memory_snapshot_limit: DEFAULT_MEMORY_SNAPSHOT_LIMIT,
            via_service: false,
            progress: Arc::new(NoExportProgress),
            api_key: None,
            home: None,
        }
    }

    /// The API key for the approval service (gate role); default
    /// `PIIGATE_API_KEY`.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The directory of the local ledger, audit log and audit key in
    /// developer/offline mode (default [`home`]).
    pub fn home(mut self, dir: impl Into<PathBuf>) -> Self {
        self.home = Some(dir.into());
        self
    }

    fn client(&self, server: &str) -> Result<ApprovalClient> {
        match &self.api_key {
            Some(k) => ApprovalClient::new(server, k.clone()),
            None => ApprovalClient::from_env(server),
        }
    }

    /// The approval service: keys come from it and the token is redeemed
    /// there (the API key is read from `PIIGATE_API_KEY`).
    pub fn server(mut self, url: impl Into<String>) -> Self {
        self.server = Some(url.into());
        self
    }

    /// Trusted public keys (`{"keys": [...]}`) for verifying offline.
    pub fn keys_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.keys = Some(path.into());
        self
    }

    /// The token audience to expect (default `piigate-export`).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// The local single-use ledger of offline mode (default in [`home`]).
    pub fn ledger(mut self, path: impl Into<PathBuf>) -> Self {
        self.ledger = Some(path.into());
        self
    }

    /// The local audit log (default in [`home`]).
    pub fn audit_db(mut self, path: impl Into<PathBuf>) -> Self {
        self.audit_db = Some(path.into());
        self
    }

    /// Write redacted copies of the tagged columns; the approval must
    /// cover the redacted form.
    pub fn redact(mut self, on: bool) -> Self {
        self.redact = on;
        self
    }

    /// Files larger than this go up as multipart uploads.
    pub fn multipart_threshold(mut self, bytes: u64) -> Self {
        self.multipart_threshold = bytes;
        self
    }

    /// When the content is checked, hold the files in memory (hashed,
    /// scanned and sent from one buffer) if they come to at most `bytes` in
    /// all; above that, copy them to a private temporary directory. Default
    /// [`DEFAULT_MEMORY_SNAPSHOT_LIMIT`]; 0 always copies.
    pub fn memory_snapshot_limit(mut self, bytes: u64) -> Self {
        self.memory_snapshot_limit = bytes;
        self
    }

    /// Send the bytes to the approval service, which writes them with its
    /// own credentials (this process needs no write access).
    pub fn via_service(mut self, on: bool) -> Self {
        self.via_service = on;
        self
    }

    /// Report the bytes sent to `p`.
    pub fn progress(mut self, p: Arc<dyn ExportProgress>) -> Self {
        self.progress = p;
        self
    }

    /// Exports `inputs` (local files, directories, globs) under the
    /// approval `token`. A refusal is [`Error::Refused`], recorded in the
    /// audit log; nothing is left half-written.
    pub fn run(&self, inputs: &[String], token: &TokenSource) -> Result<ExportOutcome> {
        let rt = crate::runtime()?;
        let anchors = self.anchors(&rt)?;
        let audit_key = crate::audit::load_or_create_key(&anchors.audit_dir)?;
        let audit = Arc::new(LocalAudit::open(&anchors.audit_db, Some(audit_key))?);
        let log: Arc<dyn DecisionLog> = audit.clone();
        let refuse = |r: Refusal| -> Error {
            let _ = log.decision(Verdict::Refused, "export", &self.to, &r.to_string());
            Error::Refused(r)
        };
        // Inputs and names first: a name that cannot be written is a usage
        // error, found before any token is looked at, let alone spent.
        let dest = Destination::parse(&self.to)
            .map_err(|e| refuse(Refusal::WrongDestination(format!("--to {}: {e}", self.to))))?;
        // The content scan is needed only when the token binds content.
        let scan = !anchors.via_service && token.binds_content();
        let mut p = prepare(inputs, self.redact, scan, self.memory_snapshot_limit, &rt)?;
        p.manifest.check_names()?;
        let token = token.read().map_err(refuse)?;
        if anchors.via_service {
            let server = anchors.server.clone().ok_or_else(|| {
                Error::Config("--via-service needs the approval service: --server URL".into())
            })?;
            return self.via_service_run(&server, &token, &p, dest, &rt, &log);
        }
        // One parser: the store is built from the destination the gate
        // checks, and knows the service (endpoint, account) it talks to.
        let (store, target) = crate::source::destination_store(&dest)?;
        let redeemer: Box<dyn Redeemer> = match &anchors.server {
            Some(s) => Box::new(OnlineRedeemer::new(self.client(s)?)),
            // Offline: a create-only marker at the destination makes a replay
            // fail at the bucket; the local ledger keeps the history.
            None => Box::new(crate::gate::AllOf(vec![
                Box::new(crate::gate::DestinationMarker::new(
                    store.clone(),
                    dest.scheme == "file",
                )),
                Box::new(LocalLedger::open(&anchors.ledger)?),
            ])),
        };
        let inner = object_store::prefix::PrefixStore::new(store, dest.prefix_path());
        // The operations this export will use, so that the token is checked
        // for them before it is spent.
        let mut ops: Vec<Op> = p
            .manifest
            .entries
            .iter()
            .map(|e| {
                if e.size <= self.multipart_threshold {
                    Op::Put
                } else {
                    Op::Multipart
                }
            })
            .collect();
        ops.sort();
        ops.dedup();
        // The gate scans the exact bytes it will write, before the token is
        // spent. Files it cannot read stay unscanned: a token that binds
        // their content is then refused.
        let content = match p.content.take() {
            Some(Ok(found)) => ContentCheck::Found(found),
            Some(Err(e)) => {
                tracing::warn!("{e}");
                ContentCheck::Unscanned
            }
            None => ContentCheck::Unscanned,
        };
        let approval = Approval {
            token,
            manifest: p.manifest.clone(),
            redacted: self.redact,
            ops,
            content,
        };
        let gated = rt
            .block_on(GatedStore::authorize(
                inner,
                &target,
                &anchors.verifier,
                redeemer.as_ref(),
                &approval,
                Some(log.clone()),
            ))
            .map_err(Error::Refused)?;
        let total = p.manifest.total_bytes();
        self.progress.start(total);
        let mut written = Vec::new();
        for (f, e) in p.files.iter().zip(&p.manifest.entries) {
            // The name as it is (Unicode, '#'): the string the manifest holds.
            let path = object_store::path::Path::parse(&e.path).map_err(|err| {
                Error::input(
                    &f.source,
                    format!("cannot be written as an object name: {err}"),
                )
            })?;
            let r = rt.block_on(upload(
                &gated,
                &f.location,
                &path,
                e.size,
                self.multipart_threshold,
                self.progress.as_ref(),
            ));
            if let Err(err) = r {
                if let Some(r) = refusal_of(&err) {
                    return Err(Error::Refused(r.clone()));
                }
                let _ = audit.record(
                    crate::audit::EventKind::ExportFailed,
                    "gate",
                    &self.to,
                    serde_json::json!({"path": path.to_string(), "error": err.to_string()}),
                );
                return Err(Error::object_store(
                    format!("writing {path} to {}", target.describe()),
                    err,
                ));
            }
            written.push(WrittenObject {
                path: path.to_string(),
                bytes: e.size,
            });
        }
        self.progress.finish();
        audit.record(
            crate::audit::EventKind::Export,
            "gate",
            &self.to,
            serde_json::json!({"objects": written.len(), "bytes": total, "content_digest": p.manifest.digest(), "jti": gated.claims().map(|c| c.jti.clone()), "endpoint": target.endpoint}),
        )?;
        audit.checkpoint()?;
        Ok(ExportOutcome {
            dest,
            objects: written,
            bytes: total,
            content_digest: p.manifest.digest(),
            endpoint: target.endpoint.clone(),
            via_service: false,
        })
    }

    /// Export through the service: open a session (the service verifies and
    /// redeems), stream each file, complete. No destination credentials
    /// here. The service's refusals are refusals with its reason.
    fn via_service_run(
        &self,
        server: &str,
        token: &ApprovalToken,
        p: &Prepared,
        dest: Destination,
        rt: &tokio::runtime::Runtime,
        log: &Arc<dyn DecisionLog>,
    ) -> Result<ExportOutcome> {
        let client = self.client(server)?;
        let logged = |r: Result<()>| {
            if let Err(Error::Refused(reason)) = &r {
                let _ = log.decision(Verdict::Refused, "export", &self.to, &reason.to_string());
            }
            r
        };
        let total = p.manifest.total_bytes();
        self.progress.start(total);
        let written = rt.block_on(async {
            let open = OpenExport {
                token: token.expose().to_string(),
                to: self.to.clone(),
                manifest: p.manifest.entries.clone(),
                redacted: self.redact,
            };
            let session = client.open_export(&open).await;
            let session = match session {
                Ok(s) => s.session,
                Err(e) => return logged(Err(e)).map(|_| Vec::new()),
            };
            let mut written = Vec::new();
            for (f, e) in p.files.iter().zip(&p.manifest.entries) {
                let body = match &f.location {
                    Location::Local(src) => reqwest::Body::from(
                        tokio::fs::File::open(src)
                            .await
                            .map_err(|err| Error::io(format!("{}: opening", f.source), err))?,
                    ),
                    Location::Memory(b) => reqwest::Body::from(b.clone()),
                    Location::Remote { .. } => {
                        return Err(Error::input(&f.source, "not a local file"));
                    }
                };
                logged(client.put_export_object(&session, &e.path, body).await)?;
                self.progress.sent(e.size);
                written.push(WrittenObject {
                    path: e.path.clone(),
                    bytes: e.size,
                });
            }
            logged(client.complete_export(&session).await)?;
            Ok(written)
        })?;
        self.progress.finish();
        Ok(ExportOutcome {
            dest,
            objects: written,
            bytes: total,
            content_digest: p.manifest.digest(),
            endpoint: String::new(),
            via_service: true,
        })
    }

    /// What this export trusts and where it redeems and records.
    fn anchors(&self, rt: &tokio::runtime::Runtime) -> Result<Anchors> {
        let same = |x: &str, y: &str| x.trim_end_matches('/') == y.trim_end_matches('/');
        let server_keys = |s: &str| rt.block_on(self.client(s)?.keys());
        let Some(pol) = GatePolicy::system()? else {
            // The policy is read once, here; without one the caller chose
            // the anchors (developer/offline mode), and the log says so.
            tracing::warn!(
                "no gate policy at {SYSTEM_POLICY}: the trusted keys, service and audience come from the caller (developer/offline mode)"
            );
            let keys = match (&self.keys, &self.server) {
                (Some(p), _) => KeySet::load(p)?,
                (None, Some(s)) => server_keys(s)?,
                (None, None) => {
                    return Err(Error::Config(
                        "no trusted keys: pass --keys FILE or --server URL".into(),
                    ))
                }
            };
            let home = self.home.clone().unwrap_or_else(home);
            return Ok(Anchors {
                verifier: Verifier::new(
                    keys,
                    self.audience
                        .clone()
                        .unwrap_or_else(|| "piigate-export".into()),
                ),
                server: self.server.clone(),
                ledger: self
                    .ledger
                    .clone()
                    .unwrap_or_else(|| home.join("ledger.db")),
                audit_db: self
                    .audit_db
                    .clone()
                    .unwrap_or_else(|| home.join("audit.db")),
                audit_dir: home,
                via_service: self.via_service,
            });
        };
        let widen = |what: &str| {
            Error::Config(format!(
                "{what}: the gate policy {SYSTEM_POLICY} sets this; flags may narrow the policy, not replace it"
            ))
        };
        if let Some(s) = &self.server {
            if !pol.server.as_deref().is_some_and(|p| same(p, s)) {
                return Err(widen(&format!("--server {s}")));
            }
        }
        if let Some(aud) = &self.audience {
            if aud != &pol.audience {
                return Err(widen(&format!("--audience {aud}")));
            }
        }
        if self.ledger.is_some() || self.audit_db.is_some() || self.home.is_some() {
            return Err(widen("--ledger/--audit-db"));
        }
        let mut trusted = KeySet::default();
        if let Some(s) = &pol.server {
            trusted.extend(server_keys(s)?);
        }
        if let Some(k) = &pol.keys {
            trusted.extend(KeySet::load(k)?);
        }
        let keys = match &self.keys {
            Some(p) => {
                let narrowed = KeySet::load(p)?;
                if !narrowed.is_subset_of(&trusted) {
                    return Err(widen(&format!(
                        "--keys {}: holds a key the policy does not trust",
                        p.display()
                    )));
                }
                narrowed
            }
            None => trusted,
        };
        let mut verifier = Verifier::new(keys, pol.audience.clone());
        verifier.skew = time::Duration::seconds(pol.clock_skew_secs);
        verifier.max_lifetime = time::Duration::seconds(pol.max_token_lifetime_secs);
        let dir = pol.audit_dir.clone().unwrap_or_else(home);
        Ok(Anchors {
            verifier,
            server: pol.server.clone(),
            ledger: dir.join("ledger.db"),
            audit_db: dir.join("audit.db"),
            audit_dir: dir,
            via_service: self.via_service || pol.via_service,
        })
    }
}

/// What an export trusts and where it redeems and records: from the
/// deployment's gate policy when there is one, otherwise from the options.
struct Anchors {
    verifier: Verifier,
    /// Redeem online here; `None`: offline (destination marker and ledger).
    server: Option<String>,
    ledger: PathBuf,
    audit_db: PathBuf,
    audit_dir: PathBuf,
    via_service: bool,
}

/// The files an export writes: the inputs, or their redacted copies.
struct Prepared {
    files: Vec<InputFile>,
    manifest: Manifest,
    /// What a full scan of `files` found (when asked for).
    content: Option<Result<ContentFound>>,
    _tmp: Option<tempfile::TempDir>,
}

/// Resolve (and with `redact`, redact) the files an export writes and hash
/// them; with `scan`, also fully scan them — on the thread pool beside the
/// hashing, so that the check costs about the longer of the two, not both.
/// The scan and the upload must read the bytes the digest covers, not the
/// inputs, which their owner can rewrite between two reads: with `scan`,
/// the files are read once into memory when they come to at most
/// `memory_limit` bytes, else copied into a private directory while hashed.
fn prepare(
    inputs: &[String],
    redact: bool,
    scan: bool,
    memory_limit: u64,
    rt: &tokio::runtime::Runtime,
) -> Result<Prepared> {
    let (files, errors) = crate::source::resolve_inputs(inputs, rt);
    if let Some(e) = errors.into_iter().next() {
        return Err(Error::input(e.source, e.error));
    }
    if files
        .iter()
        .any(|f| !matches!(f.location, Location::Local(_)))
    {
        return Err(Error::Config(
            "export reads local files; copy remote inputs locally first".into(),
        ));
    }
    let (files, tmp) = if redact {
        let tmp =
            tempfile::tempdir().map_err(|e| Error::io("creating a temporary directory", e))?;
        let rules = Arc::new(crate::RuleSet::builtin()?);
        let key = crate::redact::RedactKey::from_env();
        let mut out = Vec::new();
        for f in &files {
            let dst = tmp.path().join(&f.relative);
            out.push(crate::redact::redact_file(
                f,
                &dst,
                rules.clone(),
                key.as_ref(),
                redaction_driver(),
            )?);
        }
        (out, Some(tmp))
    } else {
        (files, None)
    };
    if !scan {
        let manifest = crate::gate::digest::manifest_of_local(&files)?;
        return Ok(Prepared {
            files,
            manifest,
            content: None,
            _tmp: tmp,
        });
    }
    if tmp.is_none() && local_size(&files) <= memory_limit {
        let files = crate::gate::digest::snapshot_memory(&files)?;
        let (manifest, content) = rayon::join(
            || crate::gate::digest::manifest_of_local(&files),
            || scan_content(&files, rt),
        );
        return Ok(Prepared {
            manifest: manifest?,
            files,
            content: Some(content),
            _tmp: None,
        });
    }
    let (files, manifest, tmp) = match tmp {
        Some(tmp) => {
            let m = crate::gate::digest::manifest_of_local(&files)?;
            (files, m, tmp)
        }
        None => {
            let tmp =
                tempfile::tempdir().map_err(|e| Error::io("creating a temporary directory", e))?;
            let (copies, m) = crate::gate::digest::snapshot_local(&files, tmp.path())?;
            (copies, m, tmp)
        }
    };
    let content = Some(scan_content(&files, rt));
    Ok(Prepared {
        files,
        manifest,
        content,
        _tmp: Some(tmp),
    })
}

/// The driver of `export --redact`: the DataFusion plan of the `pii_*`
/// functions when the build has them, so that the export runs the same
/// functions as `piigate sql`; both drivers write identical bytes.
fn redaction_driver() -> &'static dyn crate::redact::RedactDriver {
    #[cfg(feature = "sql")]
    {
        &crate::sql::DataFusionDriver
    }
    #[cfg(not(feature = "sql"))]
    {
        &crate::redact::NativeDriver
    }
}

/// A full scan of exactly the files an export writes (the redacted copies
/// with `redact`), with the built-in rules: what the gate compares with
/// what the approval covers. A file that cannot be scanned is an error.
fn scan_content(files: &[InputFile], rt: &tokio::runtime::Runtime) -> Result<ContentFound> {
    let rules = Arc::new(crate::RuleSet::builtin()?);
    // The snapshots keep the name the user gave, which errors show.
    let report = crate::scan_files_without_digest(files, rules, rt)?;
    if let Some(e) = report.errors.first() {
        return Err(Error::input(
            &e.source,
            format!(
                "cannot be scanned, so its content cannot be checked against the approval: {}",
                e.error
            ),
        ));
    }
    Ok(ContentFound::of(&report))
}

/// The content digest an export of `inputs` will bind (of their redacted
/// form with `redact`): what an approval request names.
pub fn content_digest(inputs: &[String], redact: bool) -> Result<String> {
    let rt = crate::runtime()?;
    Ok(prepare(inputs, redact, false, 0, &rt)?.manifest.digest())
}

/// A request for approval to export `inputs` to `to`, for
/// [`ApprovalClient::create_request`]: the report the reviewers judge (the
/// PII columns with their match ratios and masked examples, never a raw
/// value), the content digest an export will bind, and the service the
/// destination lives on as this environment reaches it (`AWS_ENDPOINT`, the
/// Azure account…). The dataset id is the inputs; the operations put and
/// multipart.
pub fn request_for(inputs: &[String], to: &str, reason: &str, redact: bool) -> Result<NewRequest> {
    let rules = Arc::new(crate::RuleSet::builtin()?);
    let report = crate::scan_without_digest(inputs, rules)?;
    if let Some(e) = report.errors.first() {
        return Err(Error::input(&e.source, &e.error));
    }
    let summary = serde_json::json!({
        "tables": report.tables.iter().map(|t| serde_json::json!({
            "name": t.name, "sensitivity": t.sensitivity, "rows": t.rows,
            "columns": t.columns.iter().filter(|c| !c.entities.is_empty()).map(|c| serde_json::json!({"name": c.name, "sensitivity": c.sensitivity, "entities": c.entities})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "summary": report.summary,
        "rules": report.rules,
    });
    Ok(NewRequest {
        endpoint: crate::source::destination_endpoint(to)?,
        dataset_id: inputs.join(","),
        content_digest: content_digest(inputs, redact)?,
        report: Some(summary),
        sensitivity: report.summary.sensitivity,
        dest: to.to_string(),
        ops: vec![Op::Put, Op::Multipart],
        reason: reason.to_string(),
        ttl_secs: None,
        max_objects: None,
        max_bytes: None,
        redacted: redact,
    })
}

/// What an approval of `inputs` binds: the manifest of the bytes an export
/// will write and, with `scan`, what a full scan of them finds (offline
/// token issuing).
pub fn approval_basis(
    inputs: &[String],
    redact: bool,
    scan: bool,
) -> Result<(Manifest, Option<ContentFound>)> {
    let rt = crate::runtime()?;
    let p = prepare(inputs, redact, scan, DEFAULT_MEMORY_SNAPSHOT_LIMIT, &rt)?;
    Ok((p.manifest, p.content.transpose()?))
}

/// The bytes of the local files among `files` (what reading them into
/// memory would hold); a file whose size cannot be read counts as too large.
fn local_size(files: &[InputFile]) -> u64 {
    files
        .iter()
        .map(|f| match &f.location {
            Location::Local(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(u64::MAX),
            _ => u64::MAX,
        })
        .fold(0u64, u64::saturating_add)
}

async fn upload<S: ObjectStore>(
    store: &GatedStore<S>,
    src: &Location,
    path: &object_store::path::Path,
    size: u64,
    threshold: u64,
    progress: &dyn ExportProgress,
) -> object_store::Result<()> {
    use tokio::io::AsyncReadExt;
    let local = |e: std::io::Error| object_store::Error::Generic {
        store: "local",
        source: Box::new(e),
    };
    let chunk = 8 * 1024 * 1024;
    if size <= threshold {
        let data = match src {
            Location::Local(p) => bytes::Bytes::from(tokio::fs::read(p).await.map_err(local)?),
            Location::Memory(b) => b.clone(),
            Location::Remote { .. } => return Err(not_local()),
        };
        store.put(path, data.into()).await?;
        progress.sent(size);
        return Ok(());
    }
    let mut up = store.put_multipart(path).await?;
    let result: object_store::Result<()> = async {
        match src {
            Location::Local(p) => {
                let mut f = tokio::fs::File::open(p).await.map_err(local)?;
                loop {
                    let mut buf = Vec::with_capacity(chunk);
                    let n = (&mut f)
                        .take(chunk as u64)
                        .read_to_end(&mut buf)
                        .await
                        .map_err(local)?;
                    if n == 0 {
                        break;
                    }
                    up.put_part(buf.into()).await?;
                    progress.sent(n as u64);
                }
            }
            // Parts are slices of the snapshot: nothing is copied.
            Location::Memory(b) => {
                for at in (0..b.len()).step_by(chunk) {
                    let part = b.slice(at..b.len().min(at + chunk));
                    let n = part.len() as u64;
                    up.put_part(part.into()).await?;
                    progress.sent(n);
                }
            }
            Location::Remote { .. } => return Err(not_local()),
        }
        up.complete().await.map(|_| ())
    }
    .await;
    if result.is_err() {
        // Nothing partial may stay visible.
        let _ = up.abort().await;
    }
    result
}

/// An export reads local files (or its snapshot of them) only.
fn not_local() -> object_store::Error {
    object_store::Error::NotSupported {
        source: "export reads local files; copy remote inputs locally first".into(),
    }
}
