//! `piigate._piigate`: the Python extension over the piigate library. Arrow
//! data crosses through the Arrow C data and stream interfaces (any object
//! with `__arrow_c_stream__` or `__arrow_c_array__`: pyarrow, Polars,
//! DuckDB), without a copy; the GIL is released while Rust works. The
//! Python package (`piigate/__init__.py`) wraps these functions in its
//! public API.

use std::sync::Arc;

use arrow::ffi_stream::ArrowArrayStreamReader;
use arrow::pyarrow::FromPyArrow;
use arrow::record_batch::RecordBatch;
use piigate::{RuleSet, ScanConfig, ScanOptions, Scanner, TableProfile, Thresholds};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

pyo3::create_exception!(
    _piigate,
    PiigateError,
    pyo3::exceptions::PyException,
    "An error of the piigate engine; the message names the input."
);

pyo3::create_exception!(
    _piigate,
    RustExportRefused,
    PiigateError,
    "An export the gate refused: args are (message, reason code)."
);

fn err(e: impl std::fmt::Display) -> PyErr {
    PiigateError::new_err(e.to_string())
}

fn load_rules(rules: Option<Vec<String>>) -> PyResult<Arc<RuleSet>> {
    let dirs = rules.unwrap_or_default();
    Ok(Arc::new(RuleSet::with_dirs(&dirs).map_err(err)?))
}

fn options(sample: Option<usize>, full: bool) -> ScanOptions {
    ScanOptions {
        sample: if full { None } else { sample },
        ..Default::default()
    }
}

/// The report (JSON) of files, directories, globs or object-store URLs, as
/// `piigate scan --format json` prints it.
#[pyfunction]
#[pyo3(signature = (paths, rules=None, sample=None, full=false))]
fn scan_paths(
    py: Python<'_>,
    paths: Vec<String>,
    rules: Option<Vec<String>>,
    sample: Option<usize>,
    full: bool,
) -> PyResult<String> {
    let rules = load_rules(rules)?;
    py.detach(move || {
        let cfg = ScanConfig {
            options: options(sample, full),
            // As the command line: a sample reads part of the data, so no
            // digest of all of it.
            digest: sample.is_none() || full,
            ..Default::default()
        };
        let report =
            piigate::scan_inputs(&paths, rules, &cfg, &piigate::NoProgress).map_err(err)?;
        serde_json::to_string(&report).map_err(err)
    })
}

/// Reads a stream (`__arrow_c_stream__`) or one batch (`__arrow_c_array__`)
/// into record batches.
fn batches_of(data: &Bound<'_, PyAny>) -> PyResult<Vec<RecordBatch>> {
    Ok(schema_and_batches(data)?.1)
}

/// The schema and the batches of Arrow data (the schema survives a stream
/// of no batches).
fn schema_and_batches(
    data: &Bound<'_, PyAny>,
) -> PyResult<(arrow::datatypes::SchemaRef, Vec<RecordBatch>)> {
    use arrow::record_batch::RecordBatchReader;
    if data.hasattr("__arrow_c_stream__")? {
        let reader = ArrowArrayStreamReader::from_pyarrow_bound(data)?;
        let schema = reader.schema();
        let batches = reader
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| err(format!("reading the Arrow stream: {e}")))?;
        return Ok((schema, batches));
    }
    if data.hasattr("__arrow_c_array__")? {
        let b = RecordBatch::from_pyarrow_bound(data)?;
        return Ok((b.schema(), vec![b]));
    }
    Err(pyo3::exceptions::PyTypeError::new_err(format!(
        "expected Arrow data (an object with __arrow_c_stream__ or __arrow_c_array__: a pyarrow Table or RecordBatch, a Polars DataFrame, a DuckDB relation), got {}",
        data.get_type().name()?
    )))
}

/// `data` as a pyarrow Table with the values unchanged and the tags in its
/// fields' metadata (`piigate.entities`, `piigate.sensitivity`,
/// `piigate.confidence`), the report in the schema's (`piigate.report`).
#[pyfunction]
#[pyo3(signature = (data, rules=None, name="data".to_string()))]
fn tag<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    rules: Option<Vec<String>>,
    name: String,
) -> PyResult<Bound<'py, PyAny>> {
    use arrow::pyarrow::IntoPyArrow;
    let rules = load_rules(rules)?;
    let (schema, batches) = schema_and_batches(data)?;
    let table = py.detach(|| -> PyResult<_> {
        let scanner = Scanner::new(rules.clone());
        let profile = scanner
            .scan_batches(&name, &name, batches.iter().cloned().map(Ok))
            .map_err(err)?;
        let table = piigate::classify_table(&rules, &profile, &Thresholds::default());
        let report = piigate::report_of(&rules, vec![name.clone()], vec![table.clone()]);
        let mut tagged = piigate::tag::tag_schema(&schema, &table);
        tagged.metadata.insert(
            piigate::tag::META_REPORT.into(),
            serde_json::to_string(&report).map_err(err)?,
        );
        let tagged = Arc::new(tagged);
        let batches = batches
            .iter()
            .map(|b| RecordBatch::try_new(tagged.clone(), b.columns().to_vec()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(err)?;
        arrow::pyarrow::Table::try_new(batches, tagged).map_err(err)
    })?;
    table.into_pyarrow(py)
}

/// `data` redacted by piigate's policy (the one `export --redact` applies:
/// credentials dropped, HIGH columns keyed-hashed, other tagged columns
/// masked in their format, free text masked span by span), with `policy`
/// (column → action name) overriding it column by column. The data is
/// scanned in full first. Returns the pyarrow Table and the report (JSON)
/// the policy was derived from.
#[pyfunction]
#[pyo3(signature = (data, rules=None, name="data".to_string(), key=None, policy=None))]
fn redact<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    rules: Option<Vec<String>>,
    name: String,
    key: Option<Vec<u8>>,
    policy: Option<Vec<(String, String)>>,
) -> PyResult<(Bound<'py, PyAny>, String)> {
    use arrow::pyarrow::IntoPyArrow;
    use piigate::redact::{Action, RedactKey, RedactionPlan};
    let rules = load_rules(rules)?;
    let key = match key {
        Some(k) if k.is_empty() => {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "the redaction key is empty",
            ))
        }
        Some(k) => Some(RedactKey::new(k)),
        None => RedactKey::from_env(),
    };
    let mut overrides = Vec::new();
    for (column, action) in policy.unwrap_or_default() {
        let a = Action::parse(&action).ok_or_else(|| {
            pyo3::exceptions::PyValueError::new_err(format!(
                "redaction policy for {column}: unknown action {action:?} (one of {})",
                Action::NAMES.join(", ")
            ))
        })?;
        overrides.push((column, a));
    }
    let (schema, batches) = schema_and_batches(data)?;
    let (table, report) = py.detach(|| -> PyResult<_> {
        let scanner = Scanner::new(rules.clone());
        let profile = scanner
            .scan_batches(&name, &name, batches.iter().cloned().map(Ok))
            .map_err(err)?;
        let table = piigate::classify_table(&rules, &profile, &Thresholds::default());
        let mut plan =
            RedactionPlan::new(&name, &schema, &table, &rules, key.is_some()).map_err(err)?;
        for (column, a) in &overrides {
            plan = plan.with_action(&name, column, *a).map_err(err)?;
        }
        let report = piigate::report_of(&rules, vec![name.clone()], vec![table]);
        let det = piigate::Detector::new(rules.clone());
        let out = batches
            .iter()
            .map(|b| plan.apply(b, &det, key.as_ref()))
            .collect::<piigate::Result<Vec<_>>>()
            .map_err(err)?;
        let table = arrow::pyarrow::Table::try_new(out, plan.output_schema.clone()).map_err(err)?;
        Ok((table, serde_json::to_string(&report).map_err(err)?))
    })?;
    Ok((table.into_pyarrow(py)?, report))
}

/// Every detected span of every string of `values` (an Arrow array)
/// masked, the rest kept: `piigate sql`'s `pii_mask`. `column` names the
/// column, whose name counts as a hint as in a scan.
#[pyfunction]
#[pyo3(signature = (values, rules=None, column=None))]
fn mask<'py>(
    py: Python<'py>,
    values: &Bound<'py, PyAny>,
    rules: Option<Vec<String>>,
    column: Option<String>,
) -> PyResult<Bound<'py, PyAny>> {
    use arrow::array::{Array, AsArray, StringArray};
    use arrow::pyarrow::ToPyArrow;
    let rules = load_rules(rules)?;
    let data = arrow::array::ArrayData::from_pyarrow_bound(values)?;
    let arr = arrow::array::make_array(data);
    let arr = arrow::compute::cast(&arr, &arrow::datatypes::DataType::Utf8)
        .map_err(|e| err(format!("mask takes strings: {e}")))?;
    let out = py.detach(|| {
        let det = piigate::Detector::new(rules.clone());
        let hints = match &column {
            Some(c) => piigate::ColumnHints::from_column_name(&rules, c),
            None => piigate::ColumnHints::none(&rules),
        };
        let mut scratch = piigate::Scratch::default();
        let s = arr.as_string::<i32>();
        (0..s.len())
            .map(|i| {
                (!s.is_null(i)).then(|| {
                    piigate::redact::mask_spans(&det, s.value(i), None, &hints, &mut scratch)
                })
            })
            .collect::<StringArray>()
    });
    out.to_data().to_pyarrow(py)
}

/// A scanner with its rules: profiles of Arrow data, mergeable.
#[pyclass(module = "piigate._piigate", frozen)]
struct RustScanner {
    rules: Arc<RuleSet>,
    scanner: Scanner,
}

#[pymethods]
impl RustScanner {
    #[new]
    #[pyo3(signature = (rules=None))]
    fn new(rules: Option<Vec<String>>) -> PyResult<Self> {
        let rules = load_rules(rules)?;
        Ok(RustScanner {
            scanner: Scanner::new(rules.clone()),
            rules,
        })
    }

    /// The profile (encoded) of every batch of `data`, as one table named `name`.
    fn scan<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        name: String,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let batches = batches_of(data)?;
        let bytes = py.detach(|| {
            self.scanner
                .scan_batches(&name, &name, batches.into_iter().map(Ok))
                .map(|t| t.to_bytes(&self.rules))
                .map_err(err)
        })?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// Merges encoded profiles (any order) into one.
    fn merge<'py>(&self, py: Python<'py>, profiles: Vec<Vec<u8>>) -> PyResult<Bound<'py, PyBytes>> {
        let mut out: Option<TableProfile> = None;
        for b in &profiles {
            let t = TableProfile::from_bytes(b, &self.rules).map_err(err)?;
            match &mut out {
                Some(o) => o.merge(&t),
                None => out = Some(t),
            }
        }
        let out = out.ok_or_else(|| err("no profiles to merge"))?;
        Ok(PyBytes::new(py, &out.to_bytes(&self.rules)))
    }

    /// The report (JSON) of encoded profiles, one table each.
    fn classify(&self, profiles: Vec<Vec<u8>>, inputs: Vec<String>) -> PyResult<String> {
        let mut tables = Vec::new();
        for b in &profiles {
            let t = TableProfile::from_bytes(b, &self.rules).map_err(err)?;
            tables.push(piigate::classify_table(
                &self.rules,
                &t,
                &Thresholds::default(),
            ));
        }
        let report = piigate::report_of(&self.rules, inputs, tables);
        serde_json::to_string(&report).map_err(err)
    }

    /// The digest of the scanner's rules.
    #[getter]
    fn rules_digest(&self) -> String {
        self.rules.digest().to_string()
    }
}

/// A gated export (see `piigate::Exporter`); the outcome as JSON. A refusal
/// raises `RustExportRefused(message, code)`.
#[pyfunction]
#[pyo3(signature = (paths, to, token=None, token_file=None, server=None, keys=None, audience=None, redact=false, via_service=false, api_key=None, home=None))]
#[allow(clippy::too_many_arguments)]
fn export(
    py: Python<'_>,
    paths: Vec<String>,
    to: String,
    token: Option<String>,
    token_file: Option<String>,
    server: Option<String>,
    keys: Option<String>,
    audience: Option<String>,
    redact: bool,
    via_service: bool,
    api_key: Option<String>,
    home: Option<String>,
) -> PyResult<String> {
    use piigate::export::{Exporter, TokenSource};
    let source = match (token, token_file) {
        (Some(t), None) => TokenSource::Token(piigate::gate::ApprovalToken::new(t.trim())),
        (None, Some(f)) => TokenSource::File(f.into()),
        _ => {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "give exactly one of token= and token_file=",
            ))
        }
    };
    let mut ex = Exporter::new(&to).redact(redact).via_service(via_service);
    if let Some(s) = server {
        ex = ex.server(s);
    }
    if let Some(k) = keys {
        ex = ex.keys_file(k);
    }
    if let Some(a) = audience {
        ex = ex.audience(a);
    }
    if let Some(k) = api_key {
        ex = ex.api_key(k);
    }
    if let Some(h) = home {
        ex = ex.home(h);
    }
    let out = py.detach(|| ex.run(&paths, &source));
    match out {
        Ok(o) => Ok(serde_json::json!({
            "dest": o.dest.to_string(),
            "objects": o.objects.iter().map(|w| serde_json::json!({"path": w.path, "bytes": w.bytes})).collect::<Vec<_>>(),
            "bytes": o.bytes,
            "content_digest": o.content_digest,
            "endpoint": o.endpoint,
            "via_service": o.via_service,
        })
        .to_string()),
        Err(piigate::Error::Refused(r)) => Err(RustExportRefused::new_err((
            format!("export refused: {r}"),
            r.code(),
        ))),
        Err(e) => Err(err(e)),
    }
}

/// A client of the approval service (the library's `ApprovalClient`),
/// blocking; answers are JSON.
#[pyclass(module = "piigate._piigate", frozen)]
struct RustApprovalClient {
    client: piigate::ApprovalClient,
    rt: tokio::runtime::Runtime,
}

impl RustApprovalClient {
    fn call<T: serde::Serialize + Send>(
        &self,
        py: Python<'_>,
        f: impl std::future::Future<Output = piigate::Result<T>> + Send,
    ) -> PyResult<String> {
        let out = py.detach(|| self.rt.block_on(f)).map_err(err)?;
        serde_json::to_string(&out).map_err(err)
    }
}

#[pymethods]
impl RustApprovalClient {
    #[new]
    #[pyo3(signature = (server, api_key=None))]
    fn new(server: &str, api_key: Option<String>) -> PyResult<Self> {
        let client = match api_key {
            Some(k) => piigate::ApprovalClient::new(server, k),
            None => piigate::ApprovalClient::from_env(server),
        }
        .map_err(err)?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(err)?;
        Ok(RustApprovalClient { client, rt })
    }

    #[pyo3(signature = (paths, to, reason, redact=false, dataset=None, ttl_secs=None))]
    #[allow(clippy::too_many_arguments)]
    fn request(
        &self,
        py: Python<'_>,
        paths: Vec<String>,
        to: String,
        reason: String,
        redact: bool,
        dataset: Option<String>,
        ttl_secs: Option<i64>,
    ) -> PyResult<String> {
        let mut body = py
            .detach(|| piigate::export::request_for(&paths, &to, &reason, redact))
            .map_err(err)?;
        if let Some(d) = dataset {
            body.dataset_id = d;
        }
        body.ttl_secs = ttl_secs;
        self.call(py, self.client.create_request(&body))
    }

    fn get(&self, py: Python<'_>, id: String) -> PyResult<String> {
        self.call(py, self.client.get_request(&id))
    }

    fn review(
        &self,
        py: Python<'_>,
        id: String,
        approve: bool,
        comment: String,
    ) -> PyResult<String> {
        let d = if approve {
            piigate::approval::ReviewDecision::Approve
        } else {
            piigate::approval::ReviewDecision::Deny
        };
        self.call(py, self.client.review(&id, d, &comment))
    }

    fn token(&self, py: Python<'_>, id: String) -> PyResult<String> {
        let t = py
            .detach(|| self.rt.block_on(self.client.token(&id)))
            .map_err(err)?;
        Ok(t.expose().to_string())
    }

    #[pyo3(signature = (status=None, limit=100))]
    fn list(&self, py: Python<'_>, status: Option<String>, limit: u32) -> PyResult<String> {
        let status = status
            .map(|s| s.parse::<piigate::approval::RequestStatus>())
            .transpose()
            .map_err(pyo3::exceptions::PyValueError::new_err)?;
        self.call(py, self.client.list(status, limit))
    }

    #[getter]
    fn server(&self) -> String {
        self.client.server().to_string()
    }
}

#[pymodule]
fn _piigate(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(scan_paths, m)?)?;
    m.add_function(wrap_pyfunction!(export, m)?)?;
    m.add_function(wrap_pyfunction!(tag, m)?)?;
    m.add_function(wrap_pyfunction!(mask, m)?)?;
    m.add_function(wrap_pyfunction!(redact, m)?)?;
    m.add("RustExportRefused", m.py().get_type::<RustExportRefused>())?;
    m.add_class::<RustScanner>()?;
    m.add_class::<RustApprovalClient>()?;
    m.add("PiigateError", m.py().get_type::<PiigateError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
