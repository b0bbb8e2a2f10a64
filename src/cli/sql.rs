//! `piigate sql "SELECT …" --table NAME=INPUT …`

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use datafusion::prelude::SessionContext;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum SqlFormat {
    Table,
    Json,
    Parquet,
}

#[derive(Args, Debug)]
pub struct SqlArgs {
    /// The query; the pii_* functions are available.
    query: String,
    /// NAME=INPUT (file, directory or URL; Parquet, CSV or NDJSON).
    #[arg(long = "table", value_name = "NAME=INPUT")]
    tables: Vec<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: SqlFormat,
    /// Output file (required for parquet). A URL (`s3://…/out.parquet`,
    /// `file:///…`) is an export: it needs `--token-file`, and the result is
    /// written through the gate as `piigate export` writes.
    #[arg(long, short)]
    output: Option<String>,
    /// Approval token for a write: `COPY (…) TO 'URL' STORED AS PARQUET` or
    /// `--format parquet --output URL`. The result is materialised privately
    /// with the writer `--output FILE` uses and exported through the gate; the
    /// approval must cover exactly those bytes (request it for the same
    /// query's `--output FILE`).
    #[arg(long)]
    token_file: Option<std::path::PathBuf>,
    /// Approval service for the write (keys, online redemption).
    #[arg(long, env = "PIIGATE_SERVER")]
    server: Option<String>,
    /// Trusted public keys for the write, offline.
    #[arg(long)]
    keys: Option<std::path::PathBuf>,
    /// Expected token audience for the write.
    #[arg(long)]
    audience: Option<String>,
}

/// What the query's result is for.
enum Sink {
    Print,
    /// A local file, or with a token a URL exported through the gate.
    File(String),
}

fn is_url(s: &str) -> bool {
    s.contains("://")
}

/// Write batches as Parquet, the one writer for `--output FILE` and for the
/// bytes a gated write sends (so an approval of the one covers the other).
fn write_parquet(
    path: &std::path::Path,
    batches: &[datafusion::arrow::record_batch::RecordBatch],
) -> Result<()> {
    let schema = batches
        .first()
        .map(|b| b.schema())
        .context("the query returned no batches")?;
    let f = std::fs::File::create(path).with_context(|| format!("--output {}", path.display()))?;
    let mut w = parquet::arrow::ArrowWriter::try_new(f, schema, None)?;
    for b in batches {
        w.write(b)?;
    }
    w.close()?;
    Ok(())
}

fn refused(why: String) -> anyhow::Error {
    anyhow::Error::new(piigate::Error::Refused(
        piigate::gate::Refusal::OperationNotAllowed(why),
    ))
}

/// What the query did: printed or wrote locally, or left a result to export.
enum Done {
    Written,
    Export(Vec<datafusion::arrow::record_batch::RecordBatch>, String),
}

pub fn cmd_sql(a: SqlArgs) -> Result<u8> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let done = rt.block_on(async {
        let ctx = SessionContext::new();
        piigate::sql::register_all(&ctx);
        let rt2 = tokio::runtime::Handle::current();
        for t in &a.tables {
            let (name, input) = t
                .split_once('=')
                .with_context(|| format!("--table {t}: expected NAME=INPUT"))?;
            let inputs = vec![input.to_string()];
            let (files, errors) = tokio::task::block_in_place(|| {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                let _ = &rt2;
                piigate::resolve_inputs(&inputs, &rt)
            });
            if let Some(e) = errors.first() {
                bail!("{}: {}", e.source, e.error);
            }
            match files.as_slice() {
                [f] => piigate::sql::register_input(&ctx, name, f).await?,
                [] => bail!("{input}: no input"),
                _ => bail!("{input}: a table is one file; got {}", files.len()),
            }
        }
        // `piigate sql` reads. COPY … TO, INSERT, CREATE EXTERNAL TABLE and
        // SET would let a query put data anywhere without an approval, so
        // they are refused as an export without a token is. With a token,
        // COPY … TO URL is an export: its result goes through the gate.
        let plan = ctx.state().create_logical_plan(&a.query).await?;
        let read_only = datafusion::execution::context::SQLOptions::new()
            .with_allow_ddl(false)
            .with_allow_dml(false)
            .with_allow_statements(false);
        let (plan, sink) = match (read_only.verify_plan(&plan), plan) {
            (Ok(()), plan) => {
                let sink = match (&a.output, a.format) {
                    (Some(o), _) if is_url(o) && a.token_file.is_none() => {
                        return Err(refused(format!(
                            "--output {o} is an export: it needs --token-file (an approval for exactly these bytes)"
                        )))
                    }
                    (Some(o), SqlFormat::Parquet) => Sink::File(o.clone()),
                    (Some(o), _) if is_url(o) => {
                        bail!("--output {o}: a gated write is Parquet: add --format parquet")
                    }
                    (Some(o), _) => Sink::File(o.clone()),
                    (None, SqlFormat::Parquet) => bail!("--format parquet needs --output FILE"),
                    (None, _) => Sink::Print,
                };
                (plan, sink)
            }
            (Err(_), datafusion::logical_expr::LogicalPlan::Copy(c)) if a.token_file.is_some() => {
                if !c.file_type.get_ext().eq_ignore_ascii_case("parquet") || !c.partition_by.is_empty() {
                    bail!("COPY … TO '{}': a gated write is one Parquet file (STORED AS PARQUET, no PARTITIONED BY)", c.output_url);
                }
                if !is_url(&c.output_url) {
                    bail!("COPY … TO '{}': name the destination as a URL (file:///…, s3://…)", c.output_url);
                }
                ((*c.input).clone(), Sink::File(c.output_url.clone()))
            }
            (Err(e), _) => {
                let with_token = if a.token_file.is_some() {
                    "; with a token, only COPY (…) TO 'URL' STORED AS PARQUET writes"
                } else {
                    ""
                };
                return Err(refused(format!(
                    "piigate sql only reads ({}){with_token}; write query results with --format parquet --output FILE and export them with `piigate export` and an approval",
                    e.strip_backtrace()
                )));
            }
        };
        let df = ctx.execute_logical_plan(plan).await?;
        let batches = df.collect().await?;
        match (a.format, &sink) {
            (_, Sink::File(url)) if is_url(url) => {
                return Ok(Done::Export(batches, url.clone()))
            }
            (SqlFormat::Parquet, Sink::File(path)) => {
                write_parquet(std::path::Path::new(path), &batches)?;
            }
            (SqlFormat::Table, Sink::Print) | (SqlFormat::Table, Sink::File(_)) => {
                let text = datafusion::arrow::util::pretty::pretty_format_batches(&batches)?;
                match &sink {
                    Sink::File(p) => std::fs::write(p, format!("{text}\n"))?,
                    Sink::Print => out!("{text}"),
                }
            }
            (SqlFormat::Json, _) => {
                let mut w = datafusion::arrow::json::LineDelimitedWriter::new(Vec::new());
                for b in &batches {
                    w.write(b)?;
                }
                w.finish()?;
                let buf = w.into_inner();
                match &sink {
                    Sink::File(p) => std::fs::write(p, buf)?,
                    Sink::Print => super::write_stdout(&buf)?,
                }
            }
            (SqlFormat::Parquet, Sink::Print) => unreachable!("checked above"),
        }
        Ok(Done::Written)
    })?;
    let Done::Export(batches, url) = done else {
        return Ok(super::EXIT_OK);
    };
    // A gated write: materialise the result privately with the same writer,
    // then export that file through the gate, with every check `piigate
    // export` makes (digest, destination, single use, audit).
    let (parent, name) = url
        .rsplit_once('/')
        .filter(|(_, n)| !n.is_empty())
        .with_context(|| {
            format!("{url}: name the output file, such as s3://bucket/prefix/out.parquet")
        })?;
    let spool = tempfile::tempdir().context("a private directory for the result")?;
    let file = spool.path().join(name);
    write_parquet(&file, &batches)?;
    let token_file = a.token_file.clone().expect("checked above");
    super::export::cmd_export(super::export::ExportArgs::for_files(
        vec![file.display().to_string()],
        format!("{parent}/"),
        token_file,
        a.server.clone(),
        a.keys.clone(),
        a.audience.clone(),
    ))
}
