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
    /// Output file (required for parquet).
    #[arg(long, short)]
    output: Option<std::path::PathBuf>,
}

pub fn cmd_sql(a: SqlArgs) -> Result<u8> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async {
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
                piigate::source::resolve_inputs(&inputs, &rt)
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
        // `piigate sql` reads; it never writes. COPY … TO, INSERT, CREATE
        // EXTERNAL TABLE and SET would let a query put data anywhere without an
        // approval, so they are refused as an export without a token is.
        let plan = ctx.state().create_logical_plan(&a.query).await?;
        let read_only = datafusion::execution::context::SQLOptions::new()
            .with_allow_ddl(false)
            .with_allow_dml(false)
            .with_allow_statements(false);
        if let Err(e) = read_only.verify_plan(&plan) {
            return Err(anyhow::Error::new(super::export::Refused(
                piigate::gate::Refusal::OperationNotAllowed(format!(
                    "piigate sql only reads ({}); write query results with --format parquet --output FILE and export them with `piigate export` and an approval",
                    e.strip_backtrace()
                )),
            )));
        }
        let df = ctx.execute_logical_plan(plan).await?;
        match a.format {
            SqlFormat::Table => {
                let batches = df.collect().await?;
                println!(
                    "{}",
                    datafusion::arrow::util::pretty::pretty_format_batches(&batches)?
                );
            }
            SqlFormat::Json => {
                let batches = df.collect().await?;
                let mut w = datafusion::arrow::json::LineDelimitedWriter::new(Vec::new());
                for b in &batches {
                    w.write(b)?;
                }
                w.finish()?;
                let buf = w.into_inner();
                match &a.output {
                    Some(p) => std::fs::write(p, buf)?,
                    None => std::io::Write::write_all(&mut std::io::stdout(), &buf)?,
                }
            }
            SqlFormat::Parquet => {
                let out = a
                    .output
                    .as_ref()
                    .context("--format parquet needs --output FILE")?;
                let batches = df.collect().await?;
                let schema = batches
                    .first()
                    .map(|b| b.schema())
                    .context("the query returned no batches")?;
                let f = std::fs::File::create(out)?;
                let mut w = parquet::arrow::ArrowWriter::try_new(f, schema, None)?;
                for b in &batches {
                    w.write(b)?;
                }
                w.close()?;
            }
        }
        Ok(super::EXIT_OK)
    })
}
