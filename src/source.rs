//! Inputs: files, directories, globs and object-store URLs resolved to
//! [`InputFile`]s, and read into record batches for a [`BatchConsumer`]
//! (the scanner is one): Parquet (sync reader for local files, parallel over
//! row groups; async reader over `object_store` for URLs), CSV and NDJSON
//! through arrow's own readers, with the schema [`text_schema`] gives (the
//! SQL tables are registered with it too).

use std::io::{BufReader, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use futures::{StreamExt, TryStreamExt};
use object_store::ObjectStore;
use parquet::arrow::arrow_reader::{
    ArrowReaderOptions, ParquetRecordBatchReaderBuilder, RowSelection, RowSelector,
};
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

use crate::report::InputError;
use crate::{Error, Result};

/// How an input is read, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Apache Parquet (`.parquet`, `.pq`, `.parq`).
    Parquet,
    /// Delimited text (`.csv`; `.tsv` is tab-separated), with a header row.
    Csv,
    /// Newline-delimited JSON (`.ndjson`, `.jsonl`, `.json`).
    Ndjson,
}

impl Format {
    /// The format of a path or URL, from its extension.
    pub fn from_path(p: &str) -> Option<Format> {
        let l = p.to_ascii_lowercase();
        if l.ends_with(".parquet") || l.ends_with(".pq") || l.ends_with(".parq") {
            Some(Format::Parquet)
        } else if l.ends_with(".csv") || l.ends_with(".tsv") {
            Some(Format::Csv)
        } else if l.ends_with(".ndjson") || l.ends_with(".jsonl") || l.ends_with(".json") {
            Some(Format::Ndjson)
        } else {
            None
        }
    }
}

/// Where an input's bytes are.
#[derive(Clone)]
pub enum Location {
    /// A local file.
    Local(PathBuf),
    /// An object in an object store.
    Remote {
        /// The store.
        store: Arc<dyn ObjectStore>,
        /// The object's path in it.
        path: object_store::path::Path,
        /// Its size in bytes.
        size: u64,
    },
    /// Bytes held in memory: an export's private snapshot of a local file,
    /// so that what is hashed, scanned and sent is one buffer.
    Memory(bytes::Bytes),
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Local(p) => write!(f, "Local({})", p.display()),
            Location::Remote { path, size, .. } => write!(f, "Remote({path}, {size} bytes)"),
            Location::Memory(b) => write!(f, "Memory({} bytes)", b.len()),
        }
    }
}

/// One resolved input file.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// As the user named it (path or URL).
    pub source: String,
    /// Path relative to the root the user gave (directory or URL prefix).
    pub relative: String,
    /// `relative` without its extension: the table name in reports.
    pub table: String,
    /// How it is read.
    pub format: Format,
    /// Where it is.
    pub location: Location,
}

fn table_name(relative: &str) -> String {
    match relative.rfind('.') {
        Some(p) if p > 0 && !relative[p..].contains('/') => relative[..p].to_string(),
        _ => relative.to_string(),
    }
}

fn is_url(s: &str) -> bool {
    [
        "s3://", "gs://", "az://", "abfs://", "abfss://", "file://", "s3a://", "azure://", "gcs://",
    ]
    .iter()
    .any(|p| s.starts_with(p))
}

/// Build an object store for a URL. S3 settings come from the usual `AWS_*`
/// environment variables (`AWS_ENDPOINT`, `AWS_ALLOW_HTTP`, ...).
pub fn store_for_url(url: &str) -> Result<(Arc<dyn ObjectStore>, object_store::path::Path)> {
    let parsed = url::Url::parse(url).map_err(|e| Error::read_as(url, "not a valid URL", e))?;
    let err = |m: String| Error::object_store(url.to_string(), m);
    match parsed.scheme() {
        "file" => {
            let p = parsed.to_file_path().map_err(|_| err("not a local file URL".into()))?;
            let store = object_store::local::LocalFileSystem::new();
            let path = object_store::path::Path::from_absolute_path(&p).map_err(|e| err(e.to_string()))?;
            Ok((Arc::new(store), path))
        }
        #[cfg(feature = "s3")]
        "s3" | "s3a" => {
            let store = object_store::aws::AmazonS3Builder::from_env().with_url(url).build().map_err(|e| err(e.to_string()))?;
            let path = object_store::path::Path::from_url_path(parsed.path()).map_err(|e| err(e.to_string()))?;
            Ok((Arc::new(store), path))
        }
        #[cfg(feature = "azure")]
        "az" | "abfs" | "abfss" | "azure" => {
            let store = object_store::azure::MicrosoftAzureBuilder::from_env().with_url(url).build().map_err(|e| err(e.to_string()))?;
            let path = object_store::path::Path::from_url_path(parsed.path()).map_err(|e| err(e.to_string()))?;
            Ok((Arc::new(store), path))
        }
        #[cfg(feature = "gcp")]
        "gs" | "gcs" => {
            let store = object_store::gcp::GoogleCloudStorageBuilder::from_env().with_url(url).build().map_err(|e| err(e.to_string()))?;
            let path = object_store::path::Path::from_url_path(parsed.path()).map_err(|e| err(e.to_string()))?;
            Ok((Arc::new(store), path))
        }
        other => Err(err(format!("scheme {other}:// is not supported by this build (enable the matching Cargo feature: s3, azure, gcp)"))),
    }
}

/// The service a destination would be written to from this process's
/// environment: the S3 endpoint requests go to (`AWS_ENDPOINT_URL_S3`,
/// `AWS_ENDPOINT`; empty for AWS itself), for Azure the endpoint and account
/// (`URL/ACCOUNT`, Azurite's when `AZURE_STORAGE_USE_EMULATOR`), empty for
/// GCS and local files. Read from the same builders `destination_store` uses.
pub fn destination_endpoint_of(dest: &crate::gate::Destination) -> String {
    let endpoint = match dest.scheme.as_str() {
        #[cfg(feature = "s3")]
        "s3" => {
            use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
            let b = AmazonS3Builder::from_env();
            b.get_config_value(&AmazonS3ConfigKey::S3Endpoint)
                .or_else(|| b.get_config_value(&AmazonS3ConfigKey::Endpoint))
                .unwrap_or_default()
        }
        #[cfg(feature = "azure")]
        "az" => {
            use object_store::azure::{AzureConfigKey, MicrosoftAzureBuilder};
            let b = MicrosoftAzureBuilder::from_env();
            let emulator = b
                .get_config_value(&AzureConfigKey::UseEmulator)
                .is_some_and(|v| {
                    matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on")
                });
            let account = b
                .get_config_value(&AzureConfigKey::AccountName)
                .unwrap_or_else(|| {
                    if emulator {
                        "devstoreaccount1".into()
                    } else {
                        String::new()
                    }
                });
            let url = if emulator {
                std::env::var("AZURITE_BLOB_STORAGE_URL")
                    .unwrap_or_else(|_| "http://127.0.0.1:10000".into())
            } else {
                b.get_config_value(&AzureConfigKey::Endpoint)
                    .unwrap_or_else(|| format!("https://{account}.blob.core.windows.net"))
            };
            format!("{}/{account}", crate::gate::dest::normalize_endpoint(&url))
        }
        _ => String::new(),
    };
    crate::gate::dest::normalize_endpoint(&endpoint)
}

/// The store an export writes to, built from the one parsed `Destination`
/// (the same reading the gate checks), rooted at the bucket (or `/` for
/// `file://`). The returned destination carries the service it really is on
/// (`destination_endpoint_of`), so the gate refuses when that is not the one
/// the approval names.
pub fn destination_store(
    dest: &crate::gate::Destination,
) -> Result<(Arc<dyn ObjectStore>, crate::gate::Destination)> {
    let err = |m: String| Error::object_store(dest.to_string(), m);
    let target = dest.clone().at_endpoint(&destination_endpoint_of(dest));
    let store: Arc<dyn ObjectStore> = match dest.scheme.as_str() {
        "file" => Arc::new(object_store::local::LocalFileSystem::new()),
        #[cfg(feature = "s3")]
        "s3" => Arc::new(
            object_store::aws::AmazonS3Builder::from_env()
                .with_bucket_name(&dest.bucket)
                .build()
                .map_err(|e| err(e.to_string()))?,
        ),
        #[cfg(feature = "azure")]
        "az" => Arc::new(
            object_store::azure::MicrosoftAzureBuilder::from_env()
                .with_container_name(&dest.bucket)
                .build()
                .map_err(|e| err(e.to_string()))?,
        ),
        #[cfg(feature = "gcp")]
        "gs" => Arc::new(
            object_store::gcp::GoogleCloudStorageBuilder::from_env()
                .with_bucket_name(&dest.bucket)
                .build()
                .map_err(|e| err(e.to_string()))?,
        ),
        other => {
            return Err(err(format!(
                "scheme {other}:// is not supported by this build (enable the matching Cargo feature: s3, azure, gcp)"
            )))
        }
    };
    Ok((store, target))
}

/// `destination_endpoint_of` for a destination URL.
pub fn destination_endpoint(url: &str) -> Result<String> {
    let d = crate::gate::Destination::parse(url).map_err(|e| Error::input(url, e))?;
    Ok(destination_endpoint_of(&d))
}

/// Resolve user inputs to files. Problems are returned per input, not fatal.
pub fn resolve_inputs(
    inputs: &[String],
    rt: &tokio::runtime::Runtime,
) -> (Vec<InputFile>, Vec<InputError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        let r = if is_url(input) {
            rt.block_on(resolve_url(input))
        } else {
            resolve_local(input)
        };
        match r {
            Ok(f) if f.is_empty() => errors.push(InputError {
                source: input.clone(),
                error: "no Parquet, CSV or NDJSON files found".into(),
            }),
            Ok(f) => files.extend(f),
            Err(e) => errors.push(InputError {
                source: input.clone(),
                error: e.to_string(),
            }),
        }
    }
    (files, errors)
}

fn resolve_local(input: &str) -> Result<Vec<InputFile>> {
    let has_glob = input.contains(['*', '?', '[']);
    if has_glob {
        let base: PathBuf = Path::new(input)
            .components()
            .take_while(|c| !c.as_os_str().to_string_lossy().contains(['*', '?', '[']))
            .collect();
        let base = if base.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            base
        };
        let glob = globset::Glob::new(input)
            .map_err(|e| Error::read_as(input, "invalid glob", e))?
            .compile_matcher();
        let mut out = Vec::new();
        for e in walkdir::WalkDir::new(&base)
            .sort_by_file_name()
            .into_iter()
            .filter_map(|e| e.ok())
        {
            let p = e.path();
            if e.file_type().is_file() && glob.is_match(p) {
                if let Some(fmt) = Format::from_path(&p.to_string_lossy()) {
                    let rel = p
                        .strip_prefix(&base)
                        .unwrap_or(p)
                        .to_string_lossy()
                        .replace('\\', "/");
                    out.push(InputFile {
                        source: p.display().to_string(),
                        table: table_name(&rel),
                        relative: rel,
                        format: fmt,
                        location: Location::Local(p.to_path_buf()),
                    });
                }
            }
        }
        return Ok(out);
    }
    let path = Path::new(input);
    let meta = std::fs::metadata(path).map_err(|e| Error::read(input, e))?;
    if meta.is_dir() {
        let mut out = Vec::new();
        for e in walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_map(|e| e.ok())
        {
            if !e.file_type().is_file() {
                continue;
            }
            let p = e.path();
            if let Some(fmt) = Format::from_path(&p.to_string_lossy()) {
                let rel = p
                    .strip_prefix(path)
                    .unwrap_or(p)
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push(InputFile {
                    source: p.display().to_string(),
                    table: table_name(&rel),
                    relative: rel,
                    format: fmt,
                    location: Location::Local(p.to_path_buf()),
                });
            }
        }
        Ok(out)
    } else {
        let fmt = Format::from_path(input).unwrap_or(Format::Parquet);
        let rel = path
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_else(|| input.to_string());
        Ok(vec![InputFile {
            source: input.to_string(),
            table: table_name(&rel),
            relative: rel,
            format: fmt,
            location: Location::Local(path.to_path_buf()),
        }])
    }
}

async fn resolve_url(input: &str) -> Result<Vec<InputFile>> {
    let (store, path) = store_for_url(input)?;
    let err = |e: object_store::Error| Error::object_store(input, e);
    // A single object, or a prefix to list.
    if let Some(fmt) = Format::from_path(path.as_ref()) {
        let meta = object_store::ObjectStoreExt::head(store.as_ref(), &path)
            .await
            .map_err(err)?;
        let rel = path.filename().unwrap_or(path.as_ref()).to_string();
        return Ok(vec![InputFile {
            source: input.to_string(),
            table: table_name(&rel),
            relative: rel,
            format: fmt,
            location: Location::Remote {
                store,
                path,
                size: meta.size,
            },
        }]);
    }
    let prefix = if path.as_ref().is_empty() {
        None
    } else {
        Some(&path)
    };
    let mut metas: Vec<_> = store.list(prefix).try_collect().await.map_err(err)?;
    metas.sort_by(|a, b| a.location.cmp(&b.location));
    let mut out = Vec::new();
    let base = path.as_ref().trim_end_matches('/');
    for m in metas {
        let loc = m.location.as_ref().to_string();
        let Some(fmt) = Format::from_path(&loc) else {
            continue;
        };
        let rel = loc
            .strip_prefix(base)
            .unwrap_or(&loc)
            .trim_start_matches('/')
            .to_string();
        let src = format!("{}/{}", input.trim_end_matches('/'), rel);
        out.push(InputFile {
            source: src,
            table: table_name(&rel),
            relative: rel,
            format: fmt,
            location: Location::Remote {
                store: store.clone(),
                path: m.location,
                size: m.size,
            },
        });
    }
    Ok(out)
}

/// Deterministic block sample: `n` rows of `total`, in blocks spread over the
/// whole range (one per stratum, at a seeded offset), so the sample sees the
/// head, the middle and the tail while decoding only a few pages per block.
pub fn sample_ranges(total: u64, n: u64, seed: u64) -> Vec<(u64, u64)> {
    if n >= total {
        return vec![(0, total)];
    }
    let blocks = (n / 256).clamp(1, 1024);
    let len = (n / blocks).max(1);
    let stratum = total / blocks;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(blocks as usize);
    for b in 0..blocks {
        let start = b * stratum;
        let room = stratum.saturating_sub(len);
        let off = if room > 0 { rng.gen_range(0..=room) } else { 0 };
        out.push((start + off, (start + off + len).min(total)));
    }
    out
}

/// The part of `ranges` that falls in a row group, as a `RowSelection`.
fn selection_for(ranges: &[(u64, u64)], rg_start: u64, rg_rows: u64) -> Option<RowSelection> {
    let rg_end = rg_start + rg_rows;
    let mut sel = Vec::new();
    let mut pos = rg_start;
    for &(s, e) in ranges {
        let (s, e) = (s.max(rg_start), e.min(rg_end));
        if s >= e {
            continue;
        }
        if s > pos {
            sel.push(RowSelector::skip((s - pos) as usize));
        }
        sel.push(RowSelector::select((e - s) as usize));
        pos = e;
    }
    if sel.is_empty() {
        return None;
    }
    if pos < rg_end {
        sel.push(RowSelector::skip((rg_end - pos) as usize));
    }
    Some(sel.into())
}

fn parquet_err(input: &str, e: impl Into<crate::error::BoxError>) -> Error {
    Error::Parquet {
        input: input.to_string(),
        source: e.into(),
    }
}

/// Decoded bytes a batch may hold: with two batches in flight per thread
/// (one scanned, the next decoded), memory stays flat however wide a table
/// is. A narrow table keeps the configured batch size.
const BATCH_BYTES: u64 = 24 << 20;

/// Rows per batch for a row group of `bytes` uncompressed bytes and `rows`
/// rows: at most `configured`, at most `BATCH_BYTES` of data, at least 1024.
fn batch_rows(configured: usize, bytes: u64, rows: u64) -> usize {
    let per_row = (bytes / rows.max(1)).max(1);
    let fit = (BATCH_BYTES / per_row).max(1024);
    configured.min(fit as usize).max(1)
}

/// How much of an input a read takes, and in what batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// About this many rows: spread over the whole input for Parquet (row
    /// ranges chosen with `seed`), the first ones for CSV and NDJSON, which
    /// have no row count up front. `None`: every row.
    pub sample: Option<usize>,
    /// The seed of a sample's row ranges.
    pub seed: u64,
    /// Rows per batch, at most (wide rows get fewer, see `batch_rows`).
    pub batch_size: usize,
}

/// What a read hands its record batches to. Reading knows nothing of what
/// is done with them; the scanner is one consumer. Batches of one input may
/// be consumed on several threads at once, each thread into its own
/// accumulator; the accumulators are then combined.
pub trait BatchConsumer: Sync {
    /// What consuming some of an input's batches builds up.
    type Acc: Default + Send;
    /// Takes one batch into `acc`.
    fn consume(&self, batch: &RecordBatch, acc: &mut Self::Acc);
    /// Adds `other`, built from other batches of the same input, to `into`.
    fn combine(&self, into: &mut Self::Acc, other: Self::Acc);
}

/// What a read of one input produced.
#[derive(Debug)]
pub struct Read<A> {
    /// The input's rows, read or not (Parquet knows them up front; for CSV
    /// and NDJSON they are the rows read).
    pub rows: u64,
    /// The rows read and consumed.
    pub rows_read: u64,
    /// The Arrow schema of the batches, also when there were none.
    pub schema: Arc<Schema>,
    /// What the consumer built from them.
    pub acc: A,
}

/// Read one resolved input and hand its batches to `consumer`: local
/// Parquet by row groups in parallel (each row group's next batch decoded
/// while the current one is consumed), remote Parquet through the async
/// reader, CSV and NDJSON through arrow's readers.
pub fn read_input<C: BatchConsumer>(
    f: &InputFile,
    opts: &ReadOptions,
    consumer: &C,
    rt: &tokio::runtime::Runtime,
) -> Result<Read<C::Acc>> {
    match (&f.location, f.format) {
        (Location::Local(p), Format::Parquet) => read_parquet(
            f,
            || std::fs::File::open(p).map_err(|e| Error::read(&f.source, e)),
            opts,
            consumer,
        ),
        (Location::Memory(b), Format::Parquet) => read_parquet(f, || Ok(b.clone()), opts, consumer),
        (Location::Memory(b), fmt) => {
            read_text(f, fmt, std::io::Cursor::new(b.clone()), opts, consumer)
        }
        (Location::Local(p), fmt) => {
            let file = std::fs::File::open(p).map_err(|e| Error::read(&f.source, e))?;
            read_text(f, fmt, file, opts, consumer)
        }
        (Location::Remote { store, path, size }, Format::Parquet) => rt.block_on(
            read_remote_parquet(f, store.clone(), path.clone(), *size, opts, consumer),
        ),
        (Location::Remote { store, path, .. }, fmt) => {
            let bytes = rt.block_on(fetch(f, store.as_ref(), path))?;
            read_text(f, fmt, std::io::Cursor::new(bytes), opts, consumer)
        }
    }
}

/// The whole of a remote object (text inputs are read in one piece).
async fn fetch(
    f: &InputFile,
    store: &dyn ObjectStore,
    path: &object_store::path::Path,
) -> Result<bytes::Bytes> {
    async {
        object_store::ObjectStoreExt::get(store, path)
            .await?
            .bytes()
            .await
    }
    .await
    .map_err(|e| Error::object_store(&f.source, e))
}

/// A Parquet file on local disk or in memory (`open` gives a reader of its
/// bytes, once per row group): row groups in parallel, batches streamed.
fn read_parquet<C, R>(
    f: &InputFile,
    open: impl Fn() -> Result<R> + Sync,
    opts: &ReadOptions,
    consumer: &C,
) -> Result<Read<C::Acc>>
where
    C: BatchConsumer,
    R: parquet::file::reader::ChunkReader + 'static,
{
    let file = open()?;
    let reader_opts = ArrowReaderOptions::new().with_page_index_policy(
        parquet::file::metadata::PageIndexPolicy::from(opts.sample.is_some()),
    );
    let builder = ParquetRecordBatchReaderBuilder::try_new_with_options(file, reader_opts)
        .map_err(|e| parquet_err(&f.source, e))?;
    let meta = builder.metadata().clone();
    // The Arrow schema the reader produces (the embedded one when the writer stored it).
    let schema = builder.schema().clone();
    let total: u64 = meta.file_metadata().num_rows().max(0) as u64;
    let ranges = opts
        .sample
        .map(|n| sample_ranges(total, n as u64, opts.seed));
    let mut starts = Vec::new();
    let mut at = 0u64;
    for rg in meta.row_groups() {
        starts.push((at, rg.num_rows().max(0) as u64));
        at += rg.num_rows().max(0) as u64;
    }
    let parts: Vec<Result<(u64, C::Acc)>> = starts
        .par_iter()
        .enumerate()
        .map(|(i, &(start, rows))| {
            let sel = match &ranges {
                Some(r) => match selection_for(r, start, rows) {
                    Some(s) => Some(s),
                    None => return Ok((0, C::Acc::default())),
                },
                None => None,
            };
            let file = open()?;
            let reader_opts = ArrowReaderOptions::new().with_page_index_policy(
                parquet::file::metadata::PageIndexPolicy::from(sel.is_some()),
            );
            let mut b = ParquetRecordBatchReaderBuilder::try_new_with_options(file, reader_opts)
                .map_err(|e| parquet_err(&f.source, e))?
                .with_row_groups(vec![i])
                .with_batch_size(batch_rows(
                    opts.batch_size,
                    meta.row_group(i).total_byte_size().max(0) as u64,
                    rows,
                ));
            if let Some(s) = sel {
                b = b.with_row_selection(s);
            }
            let mut reader = b.build().map_err(|e| parquet_err(&f.source, e))?;
            let mut acc = C::Acc::default();
            let mut read = 0u64;
            // A pipeline: the next batch is decoded while this one is
            // consumed, so that a thread that would wait for the decoder
            // (the last row group has no other to work on) works instead.
            let mut next = reader.next();
            while let Some(batch) = next {
                let batch = batch.map_err(|e| parquet_err(&f.source, e))?;
                read += batch.num_rows() as u64;
                let (n, ()) = rayon::join(|| reader.next(), || consumer.consume(&batch, &mut acc));
                next = n;
            }
            Ok((read, acc))
        })
        .collect();
    let mut out = Read {
        rows: total,
        rows_read: 0,
        schema,
        acc: C::Acc::default(),
    };
    for p in parts {
        let (read, acc) = p?;
        out.rows_read += read;
        consumer.combine(&mut out.acc, acc);
    }
    Ok(out)
}

/// All columns as text: scanning wants the raw characters (leading zeros, `+`).
fn csv_schema(
    input: &str,
    reader: &mut (impl std::io::Read + Seek),
    delimiter: u8,
) -> Result<Schema> {
    let fmt = arrow::csv::reader::Format::default()
        .with_header(true)
        .with_delimiter(delimiter);
    let (schema, _) = fmt
        .infer_schema(&mut *reader, Some(1))
        .map_err(|e| Error::read_as(input, "not readable as CSV", e))?;
    reader.rewind().map_err(|e| Error::io(input, e))?;
    Ok(Schema::new(
        schema
            .fields()
            .iter()
            .map(|f| Field::new(f.name(), DataType::Utf8, true))
            .collect::<Vec<_>>(),
    ))
}

/// The field delimiter of a CSV input: a tab for `.tsv`, else a comma.
pub fn csv_delimiter(f: &InputFile) -> u8 {
    if f.relative.to_ascii_lowercase().ends_with(".tsv") {
        b'\t'
    } else {
        b','
    }
}

/// NDJSON's schema: inferred from the first 1,000 lines.
fn ndjson_schema(input: &str, r: &mut (impl std::io::Read + Seek)) -> Result<Schema> {
    let (schema, _) =
        arrow::json::reader::infer_json_schema_from_seekable(BufReader::new(&mut *r), Some(1000))
            .map_err(|e| Error::read_as(input, "not readable as NDJSON", e))?;
    r.rewind().map_err(|e| Error::io(input, e))?;
    Ok(schema)
}

/// The schema a text input (CSV, TSV, NDJSON) is read with, by piigate's
/// own readers and by DataFusion's (`sql`) alike: CSV columns as text,
/// NDJSON's inferred from its first 1,000 lines. Local files are opened,
/// remote ones fetched.
#[cfg(feature = "sql")]
pub(crate) async fn text_schema(f: &InputFile) -> Result<Schema> {
    fn of(f: &InputFile, mut r: impl std::io::Read + Seek) -> Result<Schema> {
        match f.format {
            Format::Csv => csv_schema(&f.source, &mut r, csv_delimiter(f)),
            Format::Ndjson => ndjson_schema(&f.source, &mut r),
            Format::Parquet => Err(Error::input(&f.source, "Parquet carries its own schema")),
        }
    }
    match &f.location {
        Location::Local(p) => of(
            f,
            std::fs::File::open(p).map_err(|e| Error::read(&f.source, e))?,
        ),
        Location::Remote { store, path, .. } => of(
            f,
            std::io::Cursor::new(fetch(f, store.as_ref(), path).await?),
        ),
        Location::Memory(b) => of(f, std::io::Cursor::new(b.clone())),
    }
}

/// CSV (TSV) or NDJSON from a reader; a sample takes the first rows.
fn read_text<C: BatchConsumer>(
    f: &InputFile,
    fmt: Format,
    mut r: impl std::io::Read + Seek,
    opts: &ReadOptions,
    consumer: &C,
) -> Result<Read<C::Acc>> {
    let batch_size = opts.batch_size.min(16_384);
    let src = f.source.clone();
    let (schema, batches): (Arc<Schema>, Box<dyn Iterator<Item = Result<RecordBatch>>>) = match fmt
    {
        Format::Csv => {
            let delim = csv_delimiter(f);
            let schema = Arc::new(csv_schema(&f.source, &mut r, delim)?);
            let reader = arrow::csv::ReaderBuilder::new(schema.clone())
                .with_header(true)
                .with_delimiter(delim)
                .with_batch_size(batch_size)
                .build(BufReader::new(r))
                .map_err(|e| Error::read_as(&f.source, "not readable as CSV", e))?;
            (
                schema,
                Box::new(reader.map(move |b| b.map_err(|e| Error::read_as(&src, "CSV", e)))),
            )
        }
        Format::Ndjson => {
            let schema = Arc::new(ndjson_schema(&f.source, &mut r)?);
            let reader = arrow::json::ReaderBuilder::new(schema.clone())
                .with_batch_size(batch_size)
                .build(BufReader::new(r))
                .map_err(|e| Error::read_as(&f.source, "not readable as NDJSON", e))?;
            (
                schema,
                Box::new(reader.map(move |b| b.map_err(|e| Error::read_as(&src, "NDJSON", e)))),
            )
        }
        Format::Parquet => return Err(Error::input(&f.source, "Parquet is not a text format")),
    };
    let cap = opts.sample.map(|n| n as u64).unwrap_or(u64::MAX);
    let mut out = Read {
        rows: 0,
        rows_read: 0,
        schema,
        acc: C::Acc::default(),
    };
    for b in batches {
        let b = b?;
        let take = (cap - out.rows_read).min(b.num_rows() as u64) as usize;
        let b = if take < b.num_rows() {
            b.slice(0, take)
        } else {
            b
        };
        out.rows_read += b.num_rows() as u64;
        consumer.consume(&b, &mut out.acc);
        if out.rows_read >= cap {
            break;
        }
    }
    out.rows = out.rows_read;
    Ok(out)
}

// ParquetObjectReader is deprecated in parquet 59 in favour of a hand-written AsyncFileReader;
// it is still the maintained object_store bridge and does what we need.
#[allow(deprecated)]
async fn read_remote_parquet<C: BatchConsumer>(
    f: &InputFile,
    store: Arc<dyn ObjectStore>,
    path: object_store::path::Path,
    size: u64,
    opts: &ReadOptions,
    consumer: &C,
) -> Result<Read<C::Acc>> {
    use parquet::arrow::async_reader::{ParquetObjectReader, ParquetRecordBatchStreamBuilder};
    let reader = ParquetObjectReader::new(store, path).with_file_size(size);
    let reader_opts = ArrowReaderOptions::new().with_page_index_policy(
        parquet::file::metadata::PageIndexPolicy::from(opts.sample.is_some()),
    );
    let builder = ParquetRecordBatchStreamBuilder::new_with_options(reader, reader_opts)
        .await
        .map_err(|e| parquet_err(&f.source, e))?;
    let meta = builder.metadata().clone();
    let schema = builder.schema().clone();
    let total = meta.file_metadata().num_rows().max(0) as u64;
    let mut b = builder.with_batch_size(opts.batch_size);
    if let Some(n) = opts.sample {
        let ranges = sample_ranges(total, n as u64, opts.seed);
        if let Some(sel) = selection_for(&ranges, 0, total) {
            b = b.with_row_selection(sel);
        }
    }
    let mut stream = b.build().map_err(|e| parquet_err(&f.source, e))?;
    let mut out = Read {
        rows: total,
        rows_read: 0,
        schema,
        acc: C::Acc::default(),
    };
    while let Some(batch) = stream.next().await {
        let batch = batch.map_err(|e| parquet_err(&f.source, e))?;
        out.rows_read += batch.num_rows() as u64;
        // Consuming is CPU work: keep it off the async executor's worker.
        tokio::task::block_in_place(|| consumer.consume(&batch, &mut out.acc));
    }
    Ok(out)
}

/// Read every batch of a local input (for `tag` and `export --redact`).
pub fn read_local_batches(f: &InputFile) -> Result<(Arc<Schema>, Vec<RecordBatch>)> {
    let Location::Local(p) = &f.location else {
        return Err(Error::input(
            &f.source,
            "only local inputs can be rewritten",
        ));
    };
    match f.format {
        Format::Parquet => {
            let file = std::fs::File::open(p).map_err(|e| Error::read(&f.source, e))?;
            let b = ParquetRecordBatchReaderBuilder::try_new(file)
                .map_err(|e| parquet_err(&f.source, e))?;
            let schema = b.schema().clone();
            let r = b.build().map_err(|e| parquet_err(&f.source, e))?;
            let batches = r
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| parquet_err(&f.source, e))?;
            Ok((schema, batches))
        }
        _ => Err(Error::input(
            &f.source,
            "only Parquet inputs can be rewritten",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_input_keeps_its_cause() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone.parquet");
        let f = InputFile {
            source: "gone.parquet".into(),
            relative: "gone.parquet".into(),
            table: "gone".into(),
            format: Format::Parquet,
            location: Location::Local(missing),
        };
        let e = read_local_batches(&f).unwrap_err();
        assert!(e.to_string().starts_with("gone.parquet: "), "{e}");
        let cause = std::error::Error::source(&e).expect("a cause");
        let io = cause
            .downcast_ref::<std::io::Error>()
            .expect("the io error");
        assert_eq!(io.kind(), std::io::ErrorKind::NotFound);

        // A CSV that the reader rejects: the message says what was being
        // done, the cause is the reader's own error.
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, "a,b\n1,2\n1,2,3\n").unwrap();
        let f = InputFile {
            source: "bad.csv".into(),
            relative: "bad.csv".into(),
            table: "bad".into(),
            format: Format::Csv,
            location: Location::Local(bad),
        };
        let consumer = Collect;
        let rt = crate::runtime().unwrap();
        let opts = ReadOptions {
            sample: None,
            seed: 0,
            batch_size: 1024,
        };
        let e = read_input(&f, &opts, &consumer, &rt).expect_err("a ragged CSV is refused");
        assert!(e.to_string().starts_with("bad.csv: "), "{e}");
        assert!(std::error::Error::source(&e).is_some(), "{e:?}");
    }

    struct Collect;
    impl BatchConsumer for Collect {
        type Acc = u64;
        fn consume(&self, b: &RecordBatch, acc: &mut u64) {
            *acc += b.num_rows() as u64;
        }
        fn combine(&self, a: &mut u64, b: u64) {
            *a += b;
        }
    }

    #[test]
    fn batches_of_wide_tables_hold_a_bounded_number_of_bytes() {
        // Narrow: the configured size stands.
        assert_eq!(batch_rows(65_536, 200 * 1_000_000, 1_000_000), 65_536);
        // 200 columns of ~8 bytes and some strings: fewer rows per batch,
        // about BATCH_BYTES of data each.
        let rows = batch_rows(65_536, 2_000 * 262_144, 262_144);
        assert!(
            rows < 65_536 && rows as u64 * 2_000 <= BATCH_BYTES,
            "{rows}"
        );
        // Absurdly wide rows still get 1024-row batches; empty groups are fine.
        assert_eq!(batch_rows(65_536, 10 << 30, 1_000), 1024);
        assert_eq!(batch_rows(65_536, 0, 0), 65_536);
        assert_eq!(batch_rows(100, 10 << 30, 1_000), 100);
    }

    #[test]
    fn sample_spreads_over_the_whole_range() {
        let r = sample_ranges(1_000_000, 10_000, 7);
        let rows: u64 = r.iter().map(|(s, e)| e - s).sum();
        assert!((9_000..=10_000).contains(&rows));
        assert!(r.first().unwrap().0 < 100_000);
        assert!(r.last().unwrap().1 > 900_000);
        assert_eq!(
            r,
            sample_ranges(1_000_000, 10_000, 7),
            "deterministic for a seed"
        );
        assert_eq!(sample_ranges(10, 100, 1), vec![(0, 10)]);
    }

    #[test]
    fn selection_covers_row_group_exactly() {
        let sel = selection_for(&[(5, 10), (20, 30)], 0, 25).unwrap();
        let total: usize = Vec::<RowSelector>::from(sel)
            .iter()
            .map(|s| s.row_count)
            .sum();
        assert_eq!(total, 25);
    }

    #[test]
    fn table_names_drop_extension() {
        assert_eq!(table_name("sub/customers.parquet"), "sub/customers");
        assert_eq!(table_name("noext"), "noext");
    }
}
