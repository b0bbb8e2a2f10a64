//! Export, digest, audit and key commands.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use object_store::{ObjectStore, ObjectStoreExt};
use piigate::gate::store::{refusal_of, Approval, DecisionLog, GatedStore};
use piigate::gate::token::{
    rfc3339, ApprovalClaims, ApprovalToken, KeySet, Op, SigningKey, Verifier,
};
use piigate::gate::{LocalLedger, OnlineRedeemer, Redeemer, Refusal};

/// An export refusal, mapped to exit code 3 by `run`.
#[derive(Debug)]
pub struct Refused(pub Refusal);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}
impl std::error::Error for Refused {}

/// `~/.piigate` unless `PIIGATE_HOME` says otherwise.
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

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Local files or directories to export.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Destination URL (s3://bucket/prefix/, file:///dir/, az://…, gs://…).
    #[arg(long)]
    to: String,
    /// File holding the approval token.
    #[arg(long)]
    token_file: PathBuf,
    /// Approval service: keys are fetched from it and the token is redeemed there.
    #[arg(long, env = "PIIGATE_SERVER")]
    server: Option<String>,
    /// Trusted public keys (`{"keys": [...]}`), when verifying offline.
    #[arg(long)]
    keys: Option<PathBuf>,
    /// Expected token audience (default piigate-export; with a gate policy,
    /// the policy's).
    #[arg(long)]
    audience: Option<String>,
    /// Local single-use ledger (offline mode).
    #[arg(long)]
    ledger: Option<PathBuf>,
    /// Local audit log.
    #[arg(long)]
    audit_db: Option<PathBuf>,
    /// Write a redacted copy of tagged columns instead (the approval must cover the redacted form).
    #[arg(long)]
    redact: bool,
    /// Files larger than this go up as multipart uploads.
    #[arg(long, default_value_t = 8 * 1024 * 1024)]
    multipart_threshold: u64,
    /// Send the bytes to the approval service, which writes them with its own
    /// credentials (this process needs no write access to the destination).
    #[arg(long)]
    via_service: bool,
}

impl ExportArgs {
    /// An export of `inputs` with the defaults of the command line (for
    /// `piigate sql`'s gated writes).
    #[cfg_attr(not(feature = "sql"), allow(dead_code))]
    pub fn for_files(
        inputs: Vec<String>,
        to: String,
        token_file: PathBuf,
        server: Option<String>,
        keys: Option<PathBuf>,
        audience: Option<String>,
    ) -> ExportArgs {
        ExportArgs {
            inputs,
            to,
            token_file,
            server,
            keys,
            audience,
            ledger: None,
            audit_db: None,
            redact: false,
            multipart_threshold: 8 * 1024 * 1024,
            via_service: false,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Recompute the hash chain and check the signed checkpoints.
    Verify {
        /// The audit database (the service's SQLite file, or the local log).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Trusted public keys for checkpoints (default: the local audit key).
        #[arg(long)]
        keys: Option<PathBuf>,
        /// Signed heads copied outside the database (the service's
        /// `checkpoint_file`): finds a database rolled back behind them.
        #[arg(long)]
        checkpoints: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct GcArgs {
    /// Destination to clean up (`s3://bucket/prefix/` or `file:///dir/`).
    dest: String,
    /// Only what started longer ago than this (`90m`, `24h`, `0s`); an export
    /// still sending is younger.
    #[arg(long, default_value = "24h", value_parser = humantime::parse_duration)]
    older_than: std::time::Duration,
    /// List what would be removed, remove nothing.
    #[arg(long)]
    dry_run: bool,
}

pub fn cmd_gc(a: GcArgs) -> Result<u8> {
    let dest = piigate::gate::Destination::parse(&a.dest)
        .map_err(|m| piigate::Error::input(&a.dest, m))?;
    let rt = rt()?;
    let found = rt.block_on(piigate::gate::gc::find(&dest, a.older_than))?;
    for l in &found {
        let started = l
            .started
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let verb = if a.dry_run {
            "would remove"
        } else {
            "removing"
        };
        println!("{verb} {} (started {started})", l.location);
    }
    if a.dry_run {
        eprintln!(
            "gc: {} leftover(s) under {dest}; nothing removed (--dry-run)",
            found.len()
        );
        return Ok(super::EXIT_OK);
    }
    let n = rt.block_on(piigate::gate::gc::remove(&dest, &found))?;
    eprintln!("gc: removed {n} leftover(s) under {dest}");
    Ok(super::EXIT_OK)
}

#[derive(Args, Debug)]
pub struct KeygenArgs {
    /// Where to write the secret key (mode 0600).
    #[arg(long)]
    out: PathBuf,
    /// Where to write the public key set.
    #[arg(long)]
    public: PathBuf,
}

#[derive(Args, Debug)]
pub struct IssueArgs {
    /// Signing key file.
    #[arg(long)]
    key: PathBuf,
    /// Inputs whose content digest the token binds to (as they will be exported).
    #[arg(required = true)]
    inputs: Vec<String>,
    #[arg(long)]
    dest: String,
    #[arg(long, default_value = "offline")]
    sub: String,
    #[arg(long = "approver", default_value = "offline-admin")]
    approvers: Vec<String>,
    #[arg(long, default_value = "piigate-export")]
    audience: String,
    #[arg(long, value_delimiter = ',', default_value = "put,multipart")]
    ops: Vec<Op>,
    #[arg(long, default_value_t = 1000)]
    max_objects: u64,
    #[arg(long, default_value_t = 1 << 40)]
    max_bytes: u64,
    /// Validity in seconds.
    #[arg(long, default_value_t = 900)]
    ttl: i64,
    /// Not valid before now + this many seconds.
    #[arg(long, default_value_t = 0)]
    nbf_offset: i64,
    #[arg(long)]
    jti: Option<String>,
    /// Bind to the redacted form (as `export --redact` will write it).
    #[arg(long)]
    redact: bool,
    /// The service the destination lives on (S3 endpoint URL; for Azure
    /// `URL/ACCOUNT`). Default: the one this environment would write to.
    #[arg(long)]
    endpoint: Option<String>,
    /// Do not scan the inputs: the token binds their bytes but not their PII
    /// (for files piigate cannot read). Default: the token carries what a
    /// full scan found, and the gate refuses data that holds more.
    #[arg(long)]
    unscanned: bool,
}

fn rt() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

pub fn cmd_digest(inputs: Vec<String>) -> Result<u8> {
    let rt = rt()?;
    let (files, errors) = piigate::source::resolve_inputs(&inputs, &rt);
    if let Some(e) = errors.first() {
        bail!("{}: {}", e.source, e.error);
    }
    let m = rt.block_on(piigate::gate::digest::manifest_of(&files))?;
    print!("{}", m.canonical());
    println!("{}", m.digest());
    Ok(super::EXIT_OK)
}

pub fn cmd_keygen(a: KeygenArgs) -> Result<u8> {
    let k = SigningKey::generate()?;
    k.save(&a.out)?;
    let ks = KeySet::new([k.verifying_key()]);
    std::fs::write(&a.public, ks.to_json_string())
        .with_context(|| format!("writing {}", a.public.display()))?;
    eprintln!(
        "piigate: key {} written to {} (secret, mode 0600) and {} (public)",
        k.kid(),
        a.out.display(),
        a.public.display()
    );
    Ok(super::EXIT_OK)
}

/// The files an export writes: the inputs, or their redacted copies.
struct Prepared {
    files: Vec<piigate::source::InputFile>,
    manifest: piigate::gate::Manifest,
    /// What a full scan of `files` found (when asked for).
    content: Option<Result<piigate::gate::store::ContentFound>>,
    _tmp: Option<tempfile::TempDir>,
}

/// Resolve (and with `redact`, redact) the files an export writes and hash
/// them; with `scan`, also fully scan them — on the thread pool beside the
/// hashing, so that the check costs about the longer of the two, not both.
fn prepare(
    inputs: &[String],
    redact: bool,
    scan: bool,
    rt: &tokio::runtime::Runtime,
) -> Result<Prepared> {
    let (files, errors) = piigate::source::resolve_inputs(inputs, rt);
    if let Some(e) = errors.first() {
        bail!("{}: {}", e.source, e.error);
    }
    if files
        .iter()
        .any(|f| !matches!(f.location, piigate::source::Location::Local(_)))
    {
        bail!("export reads local files; copy remote inputs locally first");
    }
    let (files, tmp) = if redact {
        let tmp = tempfile::tempdir()?;
        let rules = Arc::new(piigate::RuleSet::builtin()?);
        let key = piigate::redact::RedactKey::from_env();
        let mut out = Vec::new();
        for f in &files {
            let dst = tmp.path().join(&f.relative);
            let nf = piigate::redact::redact_file(
                f,
                &dst,
                rules.clone(),
                key.as_ref(),
                piigate::redact::Driver::preferred(),
            )?;
            out.push(nf);
        }
        (out, Some(tmp))
    } else {
        (files, None)
    };
    if !scan {
        let manifest = piigate::gate::digest::manifest_of_local(&files)?;
        return Ok(Prepared {
            files,
            manifest,
            content: None,
            _tmp: tmp,
        });
    }
    // The content check must read the bytes the digest covers: scan (and
    // later send) a private copy made while hashing, not the inputs, which
    // their owner can rewrite between two reads.
    let (files, manifest, tmp) = match tmp {
        Some(tmp) => {
            let m = piigate::gate::digest::manifest_of_local(&files)?;
            (files, m, tmp)
        }
        None => {
            let tmp = tempfile::tempdir()?;
            let (copies, m) = piigate::gate::digest::snapshot_local(&files, tmp.path())?;
            (copies, m, tmp)
        }
    };
    let content = Some(scan_content(&files));
    Ok(Prepared {
        files,
        manifest,
        content,
        _tmp: Some(tmp),
    })
}

pub fn cmd_issue(a: IssueArgs) -> Result<u8> {
    let rt = rt()?;
    let key = SigningKey::load(&a.key)?;
    let mut p = prepare(&a.inputs, a.redact, !a.unscanned, &rt)?;
    let dest = piigate::gate::Destination::parse(&a.dest).map_err(anyhow::Error::msg)?;
    let now = time::OffsetDateTime::now_utc();
    // Offline approvals bind what the signer's scan found, as the service's
    // do; --unscanned is the signer's explicit choice not to bind content.
    let found = p.content.take().transpose()?;
    let claims = ApprovalClaims {
        sensitivity: found.as_ref().map(|f| f.sensitivity),
        entities: found.as_ref().map(|f| f.entities.iter().cloned().collect()),
        rules_digest: found.map(|f| f.rules_digest).unwrap_or_default(),
        jti: a.jti.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        iss: "piigate-offline".into(),
        sub: a.sub,
        aud: a.audience,
        iat: rfc3339(now),
        nbf: rfc3339(now + time::Duration::seconds(a.nbf_offset)),
        exp: rfc3339(now + time::Duration::seconds(a.ttl)),
        approvers: a.approvers,
        dataset_id: a.inputs.join(","),
        content_digest: p.manifest.digest(),
        report_digest: String::new(),
        policy_version: "offline".into(),
        dest: dest.to_string(),
        ops: a.ops,
        max_objects: a.max_objects,
        max_bytes: a.max_bytes,
        redacted: a.redact,
        endpoint: match &a.endpoint {
            Some(e) => piigate::gate::dest::normalize_endpoint(e),
            None => piigate::source::destination_endpoint(&a.dest)?,
        },
        digest_version: piigate::gate::digest::MANIFEST_VERSION,
    };
    println!("{}", key.sign(&claims)?.expose());
    Ok(super::EXIT_OK)
}

/// A full scan of exactly the files an export writes (the redacted copies
/// with `--redact`), with the built-in rules: what the gate compares with
/// what the approval covers. A file that cannot be scanned is an error.
fn scan_content(
    files: &[piigate::source::InputFile],
) -> Result<piigate::gate::store::ContentFound> {
    let inputs: Vec<String> = files
        .iter()
        .filter_map(|f| match &f.location {
            piigate::source::Location::Local(path) => Some(path.display().to_string()),
            _ => None,
        })
        .collect();
    // Errors name the input as the user gave it, not its private copy.
    let named = |scanned: &str| {
        inputs
            .iter()
            .position(|i| i == scanned)
            .map(|i| files[i].source.clone())
            .unwrap_or_else(|| scanned.to_string())
    };
    let rules = Arc::new(piigate::RuleSet::builtin()?);
    let report = piigate::scan_inputs(
        &inputs,
        rules,
        &piigate::ScanConfig {
            digest: false,
            ..Default::default()
        },
        &piigate::NoProgress,
    )?;
    if let Some(e) = report.errors.first() {
        bail!(
            "{}: cannot be scanned, so its content cannot be checked against the approval: {}",
            named(&e.source),
            e.error
        );
    }
    Ok(piigate::gate::store::ContentFound::of(&report))
}

/// The content digest `export` will compute for these inputs.
#[cfg(feature = "server")]
pub fn content_digest(
    inputs: &[String],
    redact: bool,
    rt: &tokio::runtime::Runtime,
) -> Result<String> {
    Ok(prepare(inputs, redact, false, rt)?.manifest.digest())
}

/// The public keys the approval service at `server` signs with.
fn server_keys(server: &str, rt: &tokio::runtime::Runtime) -> Result<KeySet> {
    let url = format!("{}/v1/keys", server.trim_end_matches('/'));
    let key = std::env::var("PIIGATE_API_KEY").unwrap_or_default();
    let text = rt
        .block_on(async {
            reqwest::Client::new()
                .get(&url)
                .bearer_auth(key)
                .send()
                .await?
                .error_for_status()?
                .text()
                .await
        })
        .map_err(|e| anyhow::anyhow!("fetching keys from {url}: {}", e.without_url()))?;
    Ok(KeySet::from_json_str(&text)?)
}

/// What an export trusts and where it redeems and records: from the
/// deployment's gate policy when there is one (flags may only narrow it),
/// otherwise from the flags (developer/offline mode).
struct Anchors {
    verifier: Verifier,
    /// Redeem online here; `None`: offline (destination marker and ledger).
    server: Option<String>,
    ledger: PathBuf,
    audit_db: PathBuf,
    audit_dir: PathBuf,
    /// Export through the service (the flag, or the policy's `via_service`).
    via_service: bool,
}

fn anchors(a: &ExportArgs, rt: &tokio::runtime::Runtime) -> Result<Anchors> {
    use piigate::gate::policy::{GatePolicy, SYSTEM_POLICY};
    let same = |x: &str, y: &str| x.trim_end_matches('/') == y.trim_end_matches('/');
    let Some(pol) = GatePolicy::system()? else {
        eprintln!(
            "piigate: no gate policy at {SYSTEM_POLICY}: the trusted keys, service and audience come from the command line (developer/offline mode)"
        );
        let keys = match (&a.keys, &a.server) {
            (Some(p), _) => KeySet::load(p)?,
            (None, Some(s)) => server_keys(s, rt)?,
            (None, None) => bail!("no trusted keys: pass --keys FILE or --server URL"),
        };
        let home = home();
        return Ok(Anchors {
            verifier: Verifier::new(
                keys,
                a.audience
                    .clone()
                    .unwrap_or_else(|| "piigate-export".into()),
            ),
            server: a.server.clone(),
            ledger: a.ledger.clone().unwrap_or_else(|| home.join("ledger.db")),
            audit_db: a.audit_db.clone().unwrap_or_else(|| home.join("audit.db")),
            audit_dir: home,
            via_service: a.via_service,
        });
    };
    let widen = |what: &str| {
        anyhow::anyhow!(
            "{what}: the gate policy {SYSTEM_POLICY} sets this; flags may narrow the policy, not replace it"
        )
    };
    if let Some(s) = &a.server {
        if !pol.server.as_deref().is_some_and(|p| same(p, s)) {
            return Err(widen(&format!("--server {s}")));
        }
    }
    if let Some(aud) = &a.audience {
        if aud != &pol.audience {
            return Err(widen(&format!("--audience {aud}")));
        }
    }
    if a.ledger.is_some() || a.audit_db.is_some() {
        return Err(widen("--ledger/--audit-db"));
    }
    let mut trusted = KeySet::default();
    if let Some(s) = &pol.server {
        trusted.extend(server_keys(s, rt)?);
    }
    if let Some(k) = &pol.keys {
        trusted.extend(KeySet::load(k)?);
    }
    let keys = match &a.keys {
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
        via_service: a.via_service || pol.via_service,
    })
}

pub fn cmd_export(a: ExportArgs) -> Result<u8> {
    let rt = rt()?;
    let anchors = anchors(&a, &rt)?;
    let audit_key = load_or_create_audit_key(&anchors.audit_dir)?;
    let audit: Arc<piigate::audit::LocalAudit> = Arc::new(piigate::audit::LocalAudit::open(
        &anchors.audit_db,
        Some(audit_key),
    )?);
    let log: Arc<dyn DecisionLog> = audit.clone();
    let refuse = |r: Refusal| -> anyhow::Error {
        let _ = log.decision(false, "export", &a.to, &r.to_string());
        anyhow::Error::new(Refused(r))
    };
    // Inputs and names first: a name that cannot be written is a usage error
    // (exit 2), found before any token is looked at, let alone spent.
    let dest = piigate::gate::Destination::parse(&a.to)
        .map_err(|e| refuse(Refusal::WrongDestination(format!("--to {}: {e}", a.to))))?;
    // The content scan is needed only when the token binds content (read
    // here without trusting it; an altered token fails verification later,
    // and an unreadable one is scanned for).
    let scan = std::fs::read_to_string(&a.token_file)
        .map(|t| piigate::gate::token::binds_content_unverified(&ApprovalToken::new(t.trim())))
        .unwrap_or(true)
        && !anchors.via_service;
    let mut p = prepare(&a.inputs, a.redact, scan, &rt)?;
    p.manifest.check_names()?;
    let token = ApprovalToken::from_file(&a.token_file).map_err(refuse)?;
    if anchors.via_service {
        let server = anchors
            .server
            .clone()
            .context("--via-service needs the approval service: --server URL")?;
        return export_via_service(&a, &server, &token, &p, &dest, &rt, &log);
    }
    let verifier = anchors.verifier.clone();
    // One parser: the store is built from the destination the gate checks,
    // and knows the service (endpoint, account) it really talks to.
    let (store, target) = piigate::source::destination_store(&dest)?;
    let redeemer: Box<dyn Redeemer> = match &anchors.server {
        Some(s) => Box::new(OnlineRedeemer::new(
            s.clone(),
            std::env::var("PIIGATE_API_KEY").unwrap_or_default(),
        )),
        // Offline: a create-only marker at the destination makes a replay fail
        // at the bucket; the local ledger keeps the history.
        None => Box::new(piigate::gate::AllOf(vec![
            Box::new(piigate::gate::DestinationMarker::new(
                store.clone(),
                dest.scheme == "file",
            )),
            Box::new(LocalLedger::open(&anchors.ledger)?),
        ])),
    };
    let inner = object_store::prefix::PrefixStore::new(store, dest.prefix_path());
    // The operations this export will use, so that the token is checked for
    // them before it is spent.
    let mut ops: Vec<Op> = p
        .manifest
        .entries
        .iter()
        .map(|e| {
            if e.size <= a.multipart_threshold {
                Op::Put
            } else {
                Op::Multipart
            }
        })
        .collect();
    ops.sort();
    ops.dedup();
    // The gate scans the exact bytes it will write, before the token is spent.
    // Files it cannot read stay unscanned: a token that binds their content
    // is then refused.
    let content = match p.content.take() {
        Some(Ok(found)) => piigate::gate::store::ContentCheck::Found(found),
        Some(Err(e)) => {
            tracing::warn!("{e:#}");
            piigate::gate::store::ContentCheck::Unscanned
        }
        None => piigate::gate::store::ContentCheck::Unscanned,
    };
    let approval = Approval {
        token,
        manifest: p.manifest.clone(),
        redacted: a.redact,
        ops,
        content,
    };
    let gated = rt
        .block_on(GatedStore::authorize(
            inner,
            &target,
            &verifier,
            redeemer.as_ref(),
            &approval,
            Some(log.clone()),
        ))
        .map_err(|r| anyhow::Error::new(Refused(r)))?;
    let total: u64 = p.manifest.total_bytes();
    let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        indicatif::ProgressBar::new(total)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut written = Vec::new();
    for (f, e) in p.files.iter().zip(&p.manifest.entries) {
        let piigate::source::Location::Local(src) = &f.location else {
            continue;
        };
        // The name as it is (Unicode, '#'): the same string the manifest holds.
        let path = object_store::path::Path::parse(&e.path)
            .with_context(|| format!("{}: cannot be written as an object name", f.source))?;
        let r = rt.block_on(upload(
            &gated,
            src,
            &path,
            e.size,
            a.multipart_threshold,
            &bar,
        ));
        match r {
            Ok(()) => written.push((path, e.size)),
            Err(err) => {
                if let Some(r) = refusal_of(&err) {
                    return Err(anyhow::Error::new(Refused(r.clone())));
                }
                let _ = audit.record(
                    "export_failed",
                    "gate",
                    &a.to,
                    serde_json::json!({"path": path.to_string(), "error": err.to_string()}),
                );
                bail!("writing {path} to {}: {err}", target.describe());
            }
        }
    }
    bar.finish_and_clear();
    audit.record("export", "gate", &a.to, serde_json::json!({"objects": written.len(), "bytes": total, "content_digest": p.manifest.digest(), "jti": gated.claims().map(|c| c.jti.clone()), "endpoint": target.endpoint}))?;
    audit.checkpoint()?;
    for (path, size) in &written {
        println!("wrote {dest}{path} ({size} bytes)");
    }
    eprintln!(
        "piigate: exported {} objects, {total} bytes, content {}{}",
        written.len(),
        p.manifest.digest(),
        if target.endpoint.is_empty() {
            String::new()
        } else {
            format!(", to {}", target.endpoint)
        }
    );
    Ok(super::EXIT_OK)
}

/// Export through the service: open a session (the service verifies and
/// redeems), stream each file, complete. No destination credentials here.
fn export_via_service(
    a: &ExportArgs,
    server: &str,
    token: &ApprovalToken,
    p: &Prepared,
    dest: &piigate::gate::Destination,
    rt: &tokio::runtime::Runtime,
    log: &Arc<dyn DecisionLog>,
) -> Result<u8> {
    let base = server.trim_end_matches('/').to_string();
    let key = std::env::var("PIIGATE_API_KEY").unwrap_or_default();
    let http = reqwest::Client::new();
    // The service's refusals are exit 3 with its reason; other failures exit 2.
    let answer = |what: &str, r: reqwest::Response| {
        let what = what.to_string();
        async move {
            let status = r.status();
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            let reason = body["reason"].as_str().unwrap_or_default().to_string();
            if status.is_success() {
                Ok(body)
            } else if status == reqwest::StatusCode::FORBIDDEN {
                let _ = log.decision(false, "export", &a.to, &reason);
                Err(anyhow::Error::new(Refused(Refusal::Service(reason))))
            } else {
                Err(anyhow::anyhow!(
                    "{what}: the approval service answered {status}: {reason}"
                ))
            }
        }
    };
    let written = rt.block_on(async {
        let r = http
            .post(format!("{base}/v1/exports"))
            .bearer_auth(&key)
            .json(&serde_json::json!({
                "token": token.expose(),
                "to": a.to,
                "manifest": p.manifest.entries,
                "redacted": a.redact,
            }))
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("approval service unreachable: {}", e.without_url()))?;
        let session = answer("opening the export", r).await?;
        let id = session["session"].as_str().unwrap_or_default().to_string();
        let mut written = Vec::new();
        for (f, e) in p.files.iter().zip(&p.manifest.entries) {
            let piigate::source::Location::Local(src) = &f.location else {
                continue;
            };
            let file = tokio::fs::File::open(src)
                .await
                .with_context(|| format!("{}: opening", f.source))?;
            let mut url = reqwest::Url::parse(&format!("{base}/v1/exports/{id}/objects/"))?;
            url.path_segments_mut()
                .map_err(|_| anyhow::anyhow!("{base}: not a base URL"))?
                .pop_if_empty()
                .extend(e.path.split('/'));
            let r = http
                .put(url)
                .bearer_auth(&key)
                .body(reqwest::Body::from(file))
                .send()
                .await
                .map_err(|x| anyhow::anyhow!("sending {}: {}", e.path, x.without_url()))?;
            answer(&format!("writing {}", e.path), r).await?;
            written.push((e.path.clone(), e.size));
        }
        let r = http
            .post(format!("{base}/v1/exports/{id}/complete"))
            .bearer_auth(&key)
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("approval service unreachable: {}", e.without_url()))?;
        answer("completing the export", r).await?;
        anyhow::Ok(written)
    })?;
    for (path, size) in &written {
        println!("wrote {dest}{path} ({size} bytes)");
    }
    eprintln!(
        "piigate: exported {} objects through the approval service, content {}",
        written.len(),
        p.manifest.digest()
    );
    Ok(super::EXIT_OK)
}

async fn upload<S: ObjectStore>(
    store: &GatedStore<S>,
    src: &std::path::Path,
    path: &object_store::path::Path,
    size: u64,
    threshold: u64,
    bar: &indicatif::ProgressBar,
) -> object_store::Result<()> {
    use tokio::io::AsyncReadExt;
    if size <= threshold {
        let data = tokio::fs::read(src)
            .await
            .map_err(|e| object_store::Error::Generic {
                store: "local",
                source: Box::new(e),
            })?;
        store.put(path, data.into()).await?;
        bar.inc(size);
        return Ok(());
    }
    let mut up = store.put_multipart(path).await?;
    let mut f = tokio::fs::File::open(src)
        .await
        .map_err(|e| object_store::Error::Generic {
            store: "local",
            source: Box::new(e),
        })?;
    let chunk = 8 * 1024 * 1024;
    let result: object_store::Result<()> = async {
        loop {
            let mut buf = Vec::with_capacity(chunk);
            let n = (&mut f)
                .take(chunk as u64)
                .read_to_end(&mut buf)
                .await
                .map_err(|e| object_store::Error::Generic {
                    store: "local",
                    source: Box::new(e),
                })?;
            if n == 0 {
                break;
            }
            up.put_part(buf.into()).await?;
            bar.inc(n as u64);
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

fn load_or_create_audit_key(dir: &std::path::Path) -> Result<SigningKey> {
    Ok(piigate::audit::load_or_create_key(dir)?)
}

pub fn cmd_audit(c: AuditCommand) -> Result<u8> {
    match c {
        AuditCommand::Verify {
            db,
            keys,
            checkpoints,
        } => {
            // The gate policy's audit directory when there is one.
            let dir = piigate::gate::GatePolicy::system()?
                .and_then(|p| p.audit_dir)
                .unwrap_or_else(home);
            let db = db.unwrap_or_else(|| dir.join("audit.db"));
            if !db.exists() {
                bail!("{}: no such audit database", db.display());
            }
            let keys = match keys {
                Some(k) => KeySet::load(&k)?,
                None => KeySet::load(&dir.join("audit-keys.json"))
                    .context("no --keys given and no local audit key")?,
            };
            let conn = rusqlite::Connection::open_with_flags(
                &db,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .with_context(|| format!("opening {}", db.display()))?;
            let mut r = piigate::audit::verify(&conn, &keys)?;
            if let (None, Some(f)) = (&r.problem, &checkpoints) {
                let text = std::fs::read_to_string(f)
                    .with_context(|| format!("reading {}", f.display()))?;
                r.problem = piigate::audit::verify_external(&conn, &keys, &text)?;
            }
            match &r.problem {
                None => {
                    println!(
                        "audit log intact: {} events, {} signed checkpoints, head {}",
                        r.events, r.checkpoints, r.head_hash
                    );
                    Ok(super::EXIT_OK)
                }
                Some(p) => {
                    println!("audit log TAMPERED: {p}");
                    Ok(super::EXIT_ERROR)
                }
            }
        }
    }
}
