//! Export, digest, audit and key commands: argument parsing and printing
//! around `piigate::export` and `piigate::gate`.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use piigate::export::{Exporter, TokenSource};
use piigate::gate::token::{rfc3339, ApprovalClaims, KeySet, Op, SigningKey};

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
    #[arg(long, default_value_t = piigate::export::DEFAULT_MULTIPART_THRESHOLD)]
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
            multipart_threshold: piigate::export::DEFAULT_MULTIPART_THRESHOLD,
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
    let rt = super::runtime()?;
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
        out!("{verb} {} (started {started})", l.location);
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

pub fn cmd_digest(inputs: Vec<String>) -> Result<u8> {
    let rt = super::runtime()?;
    let (files, errors) = piigate::resolve_inputs(&inputs, &rt);
    if let Some(e) = errors.first() {
        bail!("{}: {}", e.source, e.error);
    }
    let m = rt.block_on(piigate::gate::digest::manifest_of(&files))?;
    print!("{}", m.canonical());
    out!("{}", m.digest());
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

pub fn cmd_issue(a: IssueArgs) -> Result<u8> {
    let key = SigningKey::load(&a.key)?;
    let (manifest, found) = piigate::export::approval_basis(&a.inputs, a.redact, !a.unscanned)?;
    let dest = piigate::gate::Destination::parse(&a.dest).map_err(anyhow::Error::msg)?;
    let now = time::OffsetDateTime::now_utc();
    // Offline approvals bind what the signer's scan found, as the service's
    // do; --unscanned is the signer's explicit choice not to bind content.
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
        content_digest: manifest.digest(),
        report_digest: String::new(),
        policy_version: "offline".into(),
        dest: dest.to_string(),
        ops: a.ops,
        max_objects: a.max_objects,
        max_bytes: a.max_bytes,
        redacted: a.redact,
        endpoint: match &a.endpoint {
            Some(e) => piigate::gate::dest::normalize_endpoint(e),
            None => piigate::destination_endpoint(&a.dest)?,
        },
        digest_version: piigate::gate::digest::MANIFEST_VERSION,
    };
    out!("{}", key.sign(&claims)?.expose());
    Ok(super::EXIT_OK)
}

pub fn cmd_export(a: ExportArgs) -> Result<u8> {
    let mut ex = Exporter::new(&a.to)
        .redact(a.redact)
        .multipart_threshold(a.multipart_threshold)
        .via_service(a.via_service)
        .progress(std::sync::Arc::new(Bar::default()));
    if let Some(s) = &a.server {
        ex = ex.server(s);
    }
    if let Some(k) = &a.keys {
        ex = ex.keys_file(k);
    }
    if let Some(aud) = &a.audience {
        ex = ex.audience(aud);
    }
    if let Some(l) = &a.ledger {
        ex = ex.ledger(l);
    }
    if let Some(d) = &a.audit_db {
        ex = ex.audit_db(d);
    }
    let out = ex.run(&a.inputs, &TokenSource::File(a.token_file.clone()))?;
    for o in &out.objects {
        out!("wrote {}{} ({} bytes)", out.dest, o.path, o.bytes);
    }
    if out.via_service {
        eprintln!(
            "piigate: exported {} objects through the approval service, content {}",
            out.objects.len(),
            out.content_digest
        );
    } else {
        eprintln!(
            "piigate: exported {} objects, {} bytes, content {}{}",
            out.objects.len(),
            out.bytes,
            out.content_digest,
            if out.endpoint.is_empty() {
                String::new()
            } else {
                format!(", to {}", out.endpoint)
            }
        );
    }
    Ok(super::EXIT_OK)
}

/// A progress bar on a terminal, nothing otherwise.
#[derive(Default)]
struct Bar(std::sync::OnceLock<indicatif::ProgressBar>);

impl piigate::export::ExportProgress for Bar {
    fn start(&self, total: u64) {
        let _ = self
            .0
            .set(if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                indicatif::ProgressBar::new(total)
            } else {
                indicatif::ProgressBar::hidden()
            });
    }
    fn sent(&self, n: u64) {
        if let Some(b) = self.0.get() {
            b.inc(n);
        }
    }
    fn finish(&self) {
        if let Some(b) = self.0.get() {
            b.finish_and_clear();
        }
    }
}

pub fn cmd_audit(c: AuditCommand) -> Result<u8> {
    match c {
        AuditCommand::Verify {
            db,
            keys,
            checkpoints,
        } => {
            let dir = piigate::export::audit_dir()?;
            let db = db.unwrap_or_else(|| dir.join("audit.db"));
            let keys = match keys {
                Some(k) => KeySet::load(&k)?,
                None => KeySet::load(&dir.join("audit-keys.json"))
                    .context("no --keys given and no local audit key")?,
            };
            let r = piigate::audit::verify_file(&db, &keys, checkpoints.as_deref())?;
            match &r.problem {
                None => {
                    out!(
                        "audit log intact: {} events, {} signed checkpoints, head {}",
                        r.events,
                        r.checkpoints,
                        r.head_hash
                    );
                    Ok(super::EXIT_OK)
                }
                Some(p) => {
                    out!("audit log TAMPERED: {p}");
                    Ok(super::EXIT_ERROR)
                }
            }
        }
    }
}
