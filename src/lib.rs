//! piigate: find the PII in Arrow and Parquet data, tag the columns, and keep
//! data from reaching external object storage without a human's approval.
//!
//! The types a user needs are at the crate root; the modules hold the
//! details. Four front doors:
//!
//! **Scan a file** (Parquet, CSV, NDJSON; local paths or object-store URLs
//! through [`scan_inputs`]):
//!
//! ```
//! use std::sync::Arc;
//! let rules = Arc::new(piigate::RuleSet::builtin()?);
//! let table = piigate::scan_parquet("fixtures/data/customers.parquet", rules)?;
//! let email = table.columns.iter().find(|c| c.name == "email").unwrap();
//! assert_eq!(email.entities[0].entity, "EMAIL");
//! assert_eq!(table.sensitivity, piigate::Sensitivity::High);
//! # Ok::<(), piigate::Error>(())
//! ```
//!
//! **Scan record batches from a pipeline and merge the profiles** (a
//! [`ColumnProfile`] merges in any order, so partitions can be scanned
//! apart and combined):
//!
//! ```
//! use std::sync::Arc;
//! use arrow::array::{ArrayRef, StringArray};
//! use arrow::record_batch::RecordBatch;
//! let rules = Arc::new(piigate::RuleSet::builtin()?);
//! let scanner = piigate::Scanner::new(rules.clone());
//! let part = |v: Vec<&str>| {
//!     let a: ArrayRef = Arc::new(StringArray::from(v));
//!     RecordBatch::try_from_iter([("contact", a)]).unwrap()
//! };
//! let mut profile = scanner.scan_batch(&part(vec!["ana.silva@example.com", "li.wei@example.net"]));
//! let other = scanner.scan_batch(&part(vec!["jo.park@example.org", "sam@example.com"]));
//! profile[0].merge(&other[0]);
//! let column = piigate::classify_column(&rules, &profile[0], &piigate::Thresholds::default());
//! assert_eq!(column.entities[0].entity, "EMAIL");
//! # Ok::<(), piigate::Error>(())
//! ```
//!
//! **Request approval** from the approval service (`piigate serve`) with
//! [`ApprovalClient`]; a reviewer who is not the requester approves, and
//! the requester fetches the single-use token:
//!
//! ```no_run
//! # async fn f() -> piigate::Result<()> {
//! let inputs = vec!["out/customers.parquet".to_string()];
//! let request = piigate::export::request_for(&inputs, "s3://vault/exports/", "quarterly share", false)?;
//! let etl = piigate::ApprovalClient::new("https://piigate.internal", "requester-key")?;
//! let created = etl.create_request(&request).await?;
//! // … reviewers approve on the review page, in Slack, or with `piigate review` …
//! let token = etl.token(&created.id).await?;
//! # Ok(()) }
//! ```
//!
//! **Export through the gate** with [`Exporter`]: it hashes and scans the
//! exact bytes, verifies and redeems the token, writes (aborting any
//! partial upload) and audits; a refusal is [`Error::Refused`]. An ETL job
//! that writes through its own `ObjectStore` wraps it in [`GatedStore`]
//! instead.
//!
//! ```no_run
//! use piigate::export::{Exporter, TokenSource};
//! let done = Exporter::new("s3://vault/exports/")
//!     .server("https://piigate.internal")
//!     .run(&["out/customers.parquet".into()], &TokenSource::File("approval.tok".into()));
//! match done {
//!     Ok(out) => println!("wrote {} objects", out.objects.len()),
//!     Err(piigate::Error::Refused(why)) => eprintln!("refused: {why}"),
//!     Err(e) => return Err(e),
//! }
//! # Ok::<(), piigate::Error>(())
//! ```

// `unsafe` is denied everywhere but in the places that allow it by name:
// the SIMD byte classes (`detect::bytes`), the transition-table walks of
// `rules` and the scanner's unchecked string reads; each has a scalar or
// checked reference that property tests hold it to.
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod approval;
pub mod audit;
mod classify;
mod detect;
mod error;
pub mod export;
pub mod gate;
mod mask;
pub mod redact;
mod report;
mod rules;
mod scan;
#[cfg(feature = "server")]
pub mod server;
mod source;
#[cfg(feature = "sql")]
pub mod sql;
pub mod tag;
pub mod validators;

use std::sync::Arc;
use std::time::Instant;

pub use approval::ApprovalClient;
pub use classify::{classify_column, classify_table, Thresholds};
pub use detect::{ColumnHints, Detector, Hit, RuleSet, Scratch};
pub use error::{BoxError, Error, Result};
pub use export::{ExportOutcome, Exporter};
pub use gate::{Approval, GatedStore, Refusal, Verifier};
pub use report::{
    ColumnReport, DatasetInfo, EngineInfo, EntityReport, InputError, Report, RulesInfo,
    Sensitivity, Summary, TableReport,
};
pub use rules::{json_schema, Examples, Redaction, Rule, ENTITY_LABELS};
pub use scan::{ColumnProfile, EntityCount, RuleStats, ScanOptions, Scanner, TableProfile};
pub use source::{destination_endpoint, resolve_inputs, Format, InputFile, Location};

/// Which engine drives a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// piigate's own readers, parallel over row groups and columns.
    #[default]
    Native,
    /// A DataFusion plan: `SELECT count(*), pii_profile(col), …` (feature `sql`).
    DataFusion,
}

/// Everything a scan of several inputs needs.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    /// How rows are read and sampled.
    pub options: ScanOptions,
    /// When a column's entity is reported.
    pub thresholds: Thresholds,
    /// Compute the content digest of the inputs (hashes every byte).
    pub digest: bool,
    /// Which engine reads and scans.
    pub engine: Engine,
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            options: ScanOptions::default(),
            thresholds: Thresholds::default(),
            digest: true,
            engine: Engine::Native,
        }
    }
}

/// Progress callbacks; the binary renders them with indicatif.
pub trait Progress: Send + Sync {
    /// `inputs` inputs were resolved; the scan starts.
    fn start(&self, _inputs: usize) {}
    /// The input `source` has been scanned (or failed).
    fn input_done(&self, _source: &str) {}
}

/// No progress output.
pub struct NoProgress;
impl Progress for NoProgress {}

/// Scan inputs (files, directories, globs, URLs) and build the report. A bad
/// input is listed in `report.errors` and does not lose the others.
pub fn scan_inputs(
    inputs: &[String],
    rules: Arc<RuleSet>,
    cfg: &ScanConfig,
    progress: &dyn Progress,
) -> Result<Report> {
    let started = Instant::now();
    let rt = runtime()?;
    let (files, errors) = source::resolve_inputs(inputs, &rt);
    let mut report = scan_resolved(inputs, &files, errors, rules, cfg, progress, &rt)?;
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// [`scan_inputs`] of inputs already resolved to `files` (`errors`: those
/// that could not be).
fn scan_resolved(
    inputs: &[String],
    files: &[source::InputFile],
    mut errors: Vec<report::InputError>,
    rules: Arc<RuleSet>,
    cfg: &ScanConfig,
    progress: &dyn Progress,
    rt: &tokio::runtime::Runtime,
) -> Result<Report> {
    progress.start(files.len());
    let scanner = Scanner::new(rules.clone()).with_options(cfg.options.clone());
    // The content digest reads every byte of every input once more. Local
    // files are hashed on the scan's thread pool beside the scan, not after
    // it: the hash is a sequential pass that keeps one core busy, and the
    // scan's row-group tasks fill the other core meanwhile (a 5M-row file:
    // 3.06 s → 2.8 s wall). Remote objects are hashed after the scan, by
    // streaming them, as before.
    let hash_local = || -> Vec<Option<Result<(u64, String)>>> {
        files
            .iter()
            .map(|f| match &f.location {
                source::Location::Local(p) => Some(gate::digest::hash_file(p)),
                source::Location::Memory(b) => Some(Ok(gate::digest::hash_bytes(b))),
                source::Location::Remote { .. } => None,
            })
            .collect()
    };
    let scan_all = || {
        let mut tables = Vec::new();
        let mut ok = Vec::new();
        let mut errors = Vec::new();
        for (i, f) in files.iter().enumerate() {
            match scan_one(&scanner, f, &rules, cfg, rt) {
                Ok(t) => {
                    tables.push(classify::classify_table(&rules, &t, &cfg.thresholds));
                    ok.push(i);
                }
                Err(e) => {
                    tracing::warn!(input = %f.source, "skipped: {e}");
                    errors.push(report::InputError {
                        source: f.source.clone(),
                        error: e.to_string(),
                    });
                }
            }
            progress.input_done(&f.source);
        }
        (tables, ok, errors)
    };
    let ((tables, ok, scan_errors), mut hashed) = if cfg.digest {
        rayon::join(scan_all, hash_local)
    } else {
        (scan_all(), Vec::new())
    };
    errors.extend(scan_errors);
    let (content_digest, bytes) = if cfg.digest && !ok.is_empty() {
        let ok_files: Vec<_> = ok.iter().map(|&i| files[i].clone()).collect();
        let ok_hashed = ok.iter().map(|&i| hashed[i].take()).collect();
        let m = rt.block_on(gate::digest::manifest_with(&ok_files, ok_hashed))?;
        (m.digest(), m.total_bytes())
    } else {
        (String::new(), 0)
    };
    let mut report = report_of(&rules, inputs.to_vec(), tables);
    report.dataset.content_digest = content_digest;
    report.dataset.bytes = bytes;
    report.errors = errors;
    Ok(report)
}

/// Every row of `files` (resolved already: an export's private snapshot)
/// scanned with `rules`, without the content digest.
pub(crate) fn scan_files_without_digest(
    files: &[source::InputFile],
    rules: Arc<RuleSet>,
    rt: &tokio::runtime::Runtime,
) -> Result<Report> {
    let inputs: Vec<String> = files.iter().map(|f| f.source.clone()).collect();
    let cfg = ScanConfig {
        digest: false,
        ..Default::default()
    };
    scan_resolved(&inputs, files, Vec::new(), rules, &cfg, &NoProgress, rt)
}

/// Every row of `inputs` scanned with `rules`, without the content digest
/// (the callers that need one compute it over the exact bytes they send):
/// what the export gate, approval requests and redaction compare and act on.
pub(crate) fn scan_without_digest(inputs: &[String], rules: Arc<RuleSet>) -> Result<Report> {
    scan_inputs(
        inputs,
        rules,
        &ScanConfig {
            digest: false,
            ..Default::default()
        },
        &NoProgress,
    )
}

/// The report of tables classified with `rules` (no content digest, no
/// timing): what a scan of record batches from a pipeline, or of profiles
/// merged from a cluster, reports.
pub fn report_of(rules: &RuleSet, inputs: Vec<String>, tables: Vec<TableReport>) -> Report {
    let mut summary = report::Summary::default();
    for t in &tables {
        summary.sensitivity = summary.sensitivity.max(t.sensitivity);
        for c in &t.columns {
            for e in &c.entities {
                *summary.entities.entry(e.entity.clone()).or_default() += 1;
            }
        }
    }
    Report {
        schema_version: 1,
        engine: report::EngineInfo {
            name: "piigate".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        rules: report::RulesInfo {
            digest: rules.digest().to_string(),
            count: rules.len(),
        },
        dataset: report::DatasetInfo {
            inputs,
            content_digest: String::new(),
            rows: tables.iter().map(|t| t.rows).sum(),
            bytes: 0,
        },
        tables,
        summary,
        elapsed_ms: 0,
        errors: Vec::new(),
    }
}

/// Scan one resolved input with the configured engine.
fn scan_one(
    scanner: &Scanner,
    f: &source::InputFile,
    #[allow(unused_variables)] rules: &Arc<RuleSet>,
    cfg: &ScanConfig,
    rt: &tokio::runtime::Runtime,
) -> Result<TableProfile> {
    match cfg.engine {
        Engine::Native => scanner.scan_input(f, rt),
        #[cfg(feature = "sql")]
        Engine::DataFusion => {
            if cfg.options.sample.is_some() {
                Err(Error::Config(
                    "--sample is not supported with --engine datafusion".into(),
                ))
            } else {
                rt.block_on(sql::profile_table(f, rules.clone()))
            }
        }
        #[cfg(not(feature = "sql"))]
        Engine::DataFusion => Err(Error::Config(
            "this build has no DataFusion engine (enable the `sql` feature)".into(),
        )),
    }
}

/// One call: scan a local Parquet file fully and classify it.
pub fn scan_parquet(path: impl AsRef<std::path::Path>, rules: Arc<RuleSet>) -> Result<TableReport> {
    let p = path.as_ref();
    let rt = runtime()?;
    let (files, errors) = source::resolve_inputs(&[p.display().to_string()], &rt);
    if let Some(e) = errors.into_iter().next() {
        return Err(Error::input(e.source, e.error));
    }
    let f = files
        .into_iter()
        .next()
        .ok_or_else(|| Error::input(p.display().to_string(), "no input"))?;
    let scanner = Scanner::new(rules.clone());
    let t = scanner.scan_input(&f, &rt)?;
    Ok(classify::classify_table(&rules, &t, &Thresholds::default()))
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io("tokio runtime", e))
}
