//! Command-line interface. Thin: every command is a library call.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use piigate::{RuleSet, ScanConfig, Sensitivity};

/// `println!` through `write_stdout`: a closed standard output is a
/// `StdoutError` (a quiet exit), not a panic; to be used with `?` semantics
/// inside functions that return `anyhow::Result`.
macro_rules! out {
    ($($t:tt)*) => {
        $crate::cli::write_stdout(format!("{}\n", format_args!($($t)*)).as_bytes())?
    };
}

mod export;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "sql")]
mod sql;

pub const EXIT_OK: u8 = 0;
pub const EXIT_FOUND: u8 = 1;
pub const EXIT_ERROR: u8 = 2;
pub const EXIT_REFUSED: u8 = 3;

#[derive(Parser, Debug)]
#[command(
    name = "piigate",
    version,
    about = "Find PII in Arrow/Parquet data, tag columns, and gate exports behind human approval"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Classify the PII in every column and print or write the report.
    Scan(ScanArgs),
    /// Copy Parquet data unchanged, with tags in Arrow field metadata and the report in key-value metadata.
    Tag(TagArgs),
    /// Verify the approval token for this data and destination, then write; otherwise refuse (exit 3).
    Export(export::ExportArgs),
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        command: export::AuditCommand,
    },
    /// Find and remove what interrupted exports left at a destination: incomplete S3 multipart uploads, local staging files.
    Gc(export::GcArgs),
    /// Generate a signing key pair for approval tokens (offline mode and tests).
    Keygen(export::KeygenArgs),
    /// Issue a token offline with a local signing key (air-gapped use and tests; normally the service issues them).
    IssueToken(export::IssueArgs),
    /// Run the approval API.
    #[cfg(feature = "server")]
    Serve(service::ServeArgs),
    /// Request approval to export data (scans it and sends the report and digest).
    #[cfg(feature = "server")]
    Request(service::RequestArgs),
    /// Approve or deny an export request.
    #[cfg(feature = "server")]
    Review(service::ReviewArgs),
    /// Fetch the token of an approved request (once).
    #[cfg(feature = "server")]
    Token(service::TokenArgs),
    /// List export requests.
    #[cfg(feature = "server")]
    Requests(service::ListArgs),
    /// Run SQL over files with the pii_* functions (DataFusion).
    #[cfg(feature = "sql")]
    Sql(sql::SqlArgs),
    /// Print the sha256 of an API key read from stdin (for piigate.toml).
    HashKey,
    /// Inspect and try rules.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Print the content digest (manifest hash) of inputs.
    Digest {
        #[arg(required = true)]
        inputs: Vec<String>,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Table,
    Json,
    Ndjson,
}

#[derive(Args, Debug)]
struct CommonScan {
    /// Extra rule directories (`*.toml`); rules with an existing id replace it.
    #[arg(long = "rules", value_name = "DIR")]
    rules: Vec<PathBuf>,
    /// Sample about N rows per input, in seeded blocks across the whole file.
    #[arg(long, value_name = "N", conflicts_with = "full")]
    sample: Option<usize>,
    /// Scan every row (the default).
    #[arg(long)]
    full: bool,
    /// Seed for `--sample`.
    #[arg(long, default_value_t = 0x5eed)]
    seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(Args, Debug)]
struct ScanArgs {
    /// Files, directories, globs, or s3:// gs:// az:// file:// URLs.
    #[arg(required = true)]
    inputs: Vec<String>,
    #[command(flatten)]
    common: CommonScan,
    /// Output format (default: table on a terminal, JSON otherwise).
    #[arg(long, value_enum)]
    format: Option<OutputFormat>,
    /// Write the report here instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Exit 1 when the dataset's sensitivity is at or above LEVEL (NONE, LOW, MODERATE, HIGH).
    #[arg(long, value_name = "LEVEL")]
    fail_on: Option<Sensitivity>,
    /// Read and decode only, run no detector: the speed baseline.
    #[arg(long)]
    decode_only: bool,
    /// Skip the content digest (it reads every byte; `--sample` skips it by default).
    #[arg(long)]
    no_digest: bool,
    /// native (default) or datafusion (a DataFusion plan with pii_profile; feature `sql`).
    #[arg(long, value_enum, default_value = "native")]
    engine: EngineArg,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum EngineArg {
    Native,
    Datafusion,
}

#[derive(Args, Debug)]
struct TagArgs {
    input: String,
    #[arg(long, short)]
    output: PathBuf,
    #[command(flatten)]
    common: CommonScan,
}

#[derive(Subcommand, Debug)]
enum RulesCommand {
    /// List the rules: id, entity, validator, source.
    List {
        #[arg(long = "rules", value_name = "DIR")]
        rules: Vec<PathBuf>,
    },
    /// Run the detectors on one value; with no value, run every rule's own examples.
    Test {
        /// Rule id (or entity label) to test, or `all`.
        id: Option<String>,
        value: Option<String>,
        /// Pretend the value sits in a column with this name.
        #[arg(long)]
        column: Option<String>,
        #[arg(long = "rules", value_name = "DIR")]
        rules: Vec<PathBuf>,
    },
    /// Print the JSON Schema of rule files.
    Schema,
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_ERROR } else { EXIT_OK });
        }
    };
    init_tracing();
    match dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => ExitCode::from(report_error(&e)),
    }
}

/// Writing the command's own output to standard output failed.
#[derive(Debug, thiserror::Error)]
#[error("writing to standard output: {0}")]
pub(crate) struct StdoutError(#[source] pub std::io::Error);

/// Write `bytes` to standard output; a failure is a `StdoutError`.
pub(crate) fn write_stdout(bytes: &[u8]) -> Result<()> {
    std::io::stdout()
        .lock()
        .write_all(bytes)
        .map_err(|e| StdoutError(e).into())
}

/// Say what failed, and the exit code for it. A refusal anywhere in the
/// chain is exit 3, with its reason. A reader of our standard output that
/// went away (`piigate scan … | head`) ends the command quietly, exit 0;
/// any other broken pipe (a destination or a service that closed the
/// connection during an upload) is a failure like any other.
fn report_error(e: &anyhow::Error) -> u8 {
    if let Some(r) = e
        .chain()
        .find_map(|c| match c.downcast_ref::<piigate::Error>() {
            Some(piigate::Error::Refused(r)) => Some(r),
            _ => None,
        })
    {
        eprintln!("piigate: export refused: {r}");
        return EXIT_REFUSED;
    }
    if e.chain().any(|c| {
        c.downcast_ref::<StdoutError>()
            .is_some_and(|s| s.0.kind() == std::io::ErrorKind::BrokenPipe)
    }) {
        return EXIT_OK;
    }
    eprintln!("piigate: error: {e:#}");
    EXIT_ERROR
}

/// The one tokio runtime a command drives the library's async calls with.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PIIGATE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

fn load_rules(dirs: &[PathBuf]) -> Result<Arc<RuleSet>> {
    Ok(Arc::new(RuleSet::with_dirs(dirs)?))
}

fn set_threads(n: Option<usize>) {
    if let Some(n) = n {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
}

fn dispatch(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Scan(a) => cmd_scan(a),
        Command::Tag(a) => cmd_tag(a),
        Command::Digest { inputs } => export::cmd_digest(inputs),
        Command::Export(a) => export::cmd_export(a),
        Command::Audit { command } => export::cmd_audit(command),
        Command::Gc(a) => export::cmd_gc(a),
        Command::Keygen(a) => export::cmd_keygen(a),
        Command::IssueToken(a) => export::cmd_issue(a),
        Command::Rules { command } => cmd_rules(command),
        #[cfg(feature = "server")]
        Command::Serve(a) => service::cmd_serve(a),
        #[cfg(feature = "server")]
        Command::Request(a) => service::cmd_request(a),
        #[cfg(feature = "server")]
        Command::Review(a) => service::cmd_review(a),
        #[cfg(feature = "server")]
        Command::Token(a) => service::cmd_token(a),
        #[cfg(feature = "server")]
        Command::Requests(a) => service::cmd_list(a),
        #[cfg(feature = "sql")]
        Command::Sql(a) => sql::cmd_sql(a),
        Command::HashKey => {
            let mut s = String::new();
            std::io::stdin().read_line(&mut s)?;
            if s.trim().is_empty() {
                anyhow::bail!("hash-key: the key on standard input is empty; an empty key cannot authenticate");
            }
            use sha2::Digest;
            out!("{}", hex::encode(sha2::Sha256::digest(s.trim().as_bytes())));
            Ok(EXIT_OK)
        }
    }
}

struct Bar(indicatif::ProgressBar);
impl piigate::Progress for Bar {
    fn start(&self, n: usize) {
        self.0.set_length(n as u64);
    }
    fn input_done(&self, source: &str) {
        self.0.set_message(source.to_string());
        self.0.inc(1);
    }
}

fn progress() -> Box<dyn piigate::Progress> {
    if std::io::stderr().is_terminal() {
        let pb = indicatif::ProgressBar::new(0);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed}] {pos}/{len} inputs {wide_msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        Box::new(Bar(pb))
    } else {
        Box::new(piigate::NoProgress)
    }
}

fn scan_config(c: &CommonScan, decode_only: bool, digest: bool) -> ScanConfig {
    let mut cfg = ScanConfig::default();
    cfg.options.sample = if c.full { None } else { c.sample };
    cfg.options.seed = c.seed;
    cfg.options.decode_only = decode_only;
    cfg.digest = digest;
    cfg
}

fn cmd_scan(a: ScanArgs) -> Result<u8> {
    set_threads(a.common.threads);
    let rules = load_rules(&a.common.rules)?;
    let digest = !a.no_digest && a.common.sample.is_none() && !a.decode_only;
    let mut cfg = scan_config(&a.common, a.decode_only, digest);
    cfg.engine = match a.engine {
        EngineArg::Native => piigate::Engine::Native,
        EngineArg::Datafusion => piigate::Engine::DataFusion,
    };
    let report = piigate::scan_inputs(&a.inputs, rules, &cfg, progress().as_ref())?;
    let format = a
        .format
        .unwrap_or(if a.output.is_none() && std::io::stdout().is_terminal() {
            OutputFormat::Table
        } else {
            OutputFormat::Json
        });
    let text = match format {
        OutputFormat::Table => report.to_table(),
        OutputFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        OutputFormat::Ndjson => report.to_ndjson(),
    };
    match &a.output {
        Some(p) => std::fs::write(p, text).with_context(|| format!("writing {}", p.display()))?,
        None => write_stdout(text.as_bytes())?,
    }
    for e in &report.errors {
        eprintln!("piigate: error: {}: {}", e.source, e.error);
    }
    if report.tables.is_empty() && !report.errors.is_empty() {
        return Ok(EXIT_ERROR);
    }
    if let Some(level) = a.fail_on {
        if report.summary.sensitivity >= level && report.summary.sensitivity > Sensitivity::None {
            eprintln!(
                "piigate: dataset sensitivity {} is at or above --fail-on {}",
                report.summary.sensitivity, level
            );
            return Ok(EXIT_FOUND);
        }
    }
    Ok(if report.errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_ERROR
    })
}

fn cmd_tag(a: TagArgs) -> Result<u8> {
    set_threads(a.common.threads);
    let rules = load_rules(&a.common.rules)?;
    let cfg = scan_config(&a.common, false, true);
    let report = piigate::tag::tag_parquet(&a.input, &a.output, rules, &cfg)?;
    let tagged: usize = report
        .tables
        .iter()
        .flat_map(|t| &t.columns)
        .filter(|c| !c.entities.is_empty())
        .count();
    eprintln!(
        "piigate: wrote {} ({} tagged columns, sensitivity {})",
        a.output.display(),
        tagged,
        report.summary.sensitivity
    );
    Ok(EXIT_OK)
}

fn cmd_rules(c: RulesCommand) -> Result<u8> {
    match c {
        RulesCommand::Schema => {
            out!("{}", piigate::json_schema());
            Ok(EXIT_OK)
        }
        RulesCommand::List { rules } => {
            let rs = load_rules(&rules)?;
            out!(
                "{:<22} {:<18} {:<9} {:<14} SOURCE",
                "ID",
                "ENTITY",
                "SENSITIV.",
                "VALIDATOR"
            );
            for r in rs.rules() {
                out!(
                    "{:<22} {:<18} {:<9} {:<14} {}",
                    r.id,
                    r.entity,
                    r.sensitivity.as_str(),
                    format!("{:?}", r.validator).to_lowercase(),
                    r.source
                );
            }
            out!("{} rules, digest {}", rs.len(), rs.digest());
            Ok(EXIT_OK)
        }
        RulesCommand::Test {
            id,
            value,
            column,
            rules,
        } => {
            let rs = load_rules(&rules)?;
            let det = piigate::Detector::new(rs.clone());
            if let Some(v) = value {
                let found = det.entities_in(&v, column.as_deref());
                let want = id.as_deref().filter(|i| *i != "all");
                let entity = want.map(|w| {
                    rs.get(w)
                        .map(|r| r.entity.clone())
                        .unwrap_or_else(|| w.to_string())
                });
                // The value itself is the user's own input; we print only labels.
                out!(
                    "{}",
                    if found.is_empty() {
                        "no entities".to_string()
                    } else {
                        found.join(", ")
                    }
                );
                return Ok(match entity {
                    Some(e) if !found.contains(&e) => EXIT_FOUND,
                    _ => EXIT_OK,
                });
            }
            let failures = det.run_examples(id.as_deref());
            for f in &failures {
                out!("FAIL {f}");
            }
            out!("{} rules checked, {} failures", rs.len(), failures.len());
            Ok(if failures.is_empty() {
                EXIT_OK
            } else {
                EXIT_FOUND
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_closed_standard_output_ends_a_command_quietly() {
        let pipe = || std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        // The reader of our output went away (`piigate scan … | head`).
        let quiet = anyhow::Error::from(StdoutError(pipe())).context("printing the report");
        assert_eq!(report_error(&quiet), EXIT_OK);
        // A destination that closed the connection during an upload.
        let upload =
            anyhow::Error::from(pipe()).context("writing big.parquet to s3://big/exports/");
        assert_eq!(report_error(&upload), EXIT_ERROR);
        // Standard output failing otherwise.
        let full = anyhow::Error::from(StdoutError(std::io::Error::other("no space left")));
        assert_eq!(report_error(&full), EXIT_ERROR);
    }
}
