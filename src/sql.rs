//! DataFusion functions (feature `sql`): detection inside SQL and DataFrame
//! plans, and classification as an ordinary aggregate.
//!
//! - `pii_entities(text) -> List<Utf8>`: labels found in a value;
//! - `pii_has(text, 'EMAIL') -> Boolean`;
//! - `pii_mask(text [, 'EMAIL']) -> Utf8`: detected spans masked, format kept;
//! - `pii_mask_as(text, 'EMAIL') -> Utf8`: the whole value masked in that format;
//! - `pii_hash(text, key) -> Utf8`: keyed, deterministic pseudonym (`h:` + 16 hex);
//! - `pii_profile(column) -> Struct{profile, entities, sensitivity}`: an
//!   aggregate whose partial state is the mergeable `ColumnProfile`, so
//!   classifying a column is a query DataFusion can split across partitions.
//!
//! All accept Utf8, LargeUtf8, Utf8View and dictionary-encoded strings, and nulls.

use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanBuilder, ListBuilder, StringArray, StringBuilder, StructArray,
};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::{DataFusionError, Result as DfResult, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, ColumnarValue, DocSection, Documentation,
    ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, TypeSignature, Volatility,
};
use datafusion::prelude::SessionContext;

use crate::classify::{classify_column, Thresholds};
use crate::detect::{ColumnHints, Detector, Scratch};
use crate::scan::{merge_columns, ColumnProfile, Scanner};
use crate::RuleSet;

const SECTION: DocSection = DocSection {
    include: true,
    label: "PII Functions",
    description: Some("piigate detection, masking and classification"),
};

fn default_rules() -> Arc<RuleSet> {
    static R: OnceLock<Arc<RuleSet>> = OnceLock::new();
    R.get_or_init(|| Arc::new(RuleSet::builtin().expect("the built-in rules compile (tested)")))
        .clone()
}

/// Every argument as a Utf8 array of `n` rows (dictionaries and views cast).
fn utf8_args(args: &ScalarFunctionArgs) -> DfResult<Vec<ArrayRef>> {
    let arrays = ColumnarValue::values_to_arrays(&args.args)?;
    arrays
        .iter()
        .map(|a| Ok(datafusion::arrow::compute::cast(a, &DataType::Utf8)?))
        .collect()
}

fn string_sig(n: &[usize]) -> Signature {
    Signature::one_of(
        n.iter().map(|&k| TypeSignature::Any(k)).collect(),
        Volatility::Immutable,
    )
}

/// `name`, `signature` and the Utf8 return type that the string-returning
/// functions share.
macro_rules! utf8_udf_basics {
    () => {
        fn name(&self) -> &str {
            self.name
        }
        fn signature(&self) -> &Signature {
            &self.sig
        }
        fn return_type(&self, _: &[DataType]) -> DfResult<DataType> {
            Ok(DataType::Utf8)
        }
    };
}

macro_rules! impl_eq_by_name {
    ($t:ty) => {
        impl PartialEq for $t {
            fn eq(&self, o: &Self) -> bool {
                self.name == o.name && Arc::ptr_eq(&self.det.rules, &o.det.rules)
            }
        }
        impl Eq for $t {}
        impl Hash for $t {
            fn hash<H: Hasher>(&self, h: &mut H) {
                self.name.hash(h);
            }
        }
    };
}

#[derive(Debug)]
struct PiiEntities {
    name: &'static str,
    det: Detector,
    sig: Signature,
}
impl_eq_by_name!(PiiEntities);

impl ScalarUDFImpl for PiiEntities {
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.sig
    }
    fn return_type(&self, _: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::List(Arc::new(Field::new(
            "item",
            DataType::Utf8,
            true,
        ))))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let a = utf8_args(&args)?;
        let s = a[0].as_string::<i32>();
        let hints = ColumnHints::none(&self.det.rules);
        let mut scratch = Scratch::default();
        let mut b = ListBuilder::new(StringBuilder::new());
        for i in 0..s.len() {
            if s.is_null(i) {
                b.append(false);
                continue;
            }
            self.det.detect(s.value(i), &hints, &mut scratch);
            let mut ents: Vec<&str> = scratch
                .hits
                .iter()
                .map(|h| self.det.rule(h.rule).entity.as_str())
                .collect();
            ents.sort_unstable();
            ents.dedup();
            for e in ents {
                b.values().append_value(e);
            }
            b.append(true);
        }
        Ok(ColumnarValue::Array(Arc::new(b.finish())))
    }
    fn documentation(&self) -> Option<&Documentation> {
        static D: OnceLock<Documentation> = OnceLock::new();
        Some(D.get_or_init(|| {
            Documentation::builder(SECTION, "The PII entity labels detected in a value (validated, masked nowhere: labels only).", "pii_entities(text)")
                .with_sql_example("SELECT pii_entities('mail jane@example.com') -- [EMAIL]")
                .with_argument("text", "A string expression (Utf8, LargeUtf8, Utf8View or a dictionary of strings).")
                .build()
        }))
    }
}

#[derive(Debug)]
struct PiiHas {
    name: &'static str,
    det: Detector,
    sig: Signature,
}
impl_eq_by_name!(PiiHas);

impl ScalarUDFImpl for PiiHas {
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.sig
    }
    fn return_type(&self, _: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Boolean)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let a = utf8_args(&args)?;
        let (s, e) = (a[0].as_string::<i32>(), a[1].as_string::<i32>());
        let hints = ColumnHints::none(&self.det.rules);
        let mut scratch = Scratch::default();
        let mut b = BooleanBuilder::with_capacity(s.len());
        for i in 0..s.len() {
            if s.is_null(i) || e.is_null(i) {
                b.append_null();
                continue;
            }
            self.det.detect(s.value(i), &hints, &mut scratch);
            let want = e.value(i);
            b.append_value(
                scratch
                    .hits
                    .iter()
                    .any(|h| self.det.rule(h.rule).entity == want),
            );
        }
        Ok(ColumnarValue::Array(Arc::new(b.finish())))
    }
    fn documentation(&self) -> Option<&Documentation> {
        static D: OnceLock<Documentation> = OnceLock::new();
        Some(D.get_or_init(|| {
            Documentation::builder(
                SECTION,
                "Whether a value holds the given entity.",
                "pii_has(text, entity)",
            )
            .with_sql_example("SELECT * FROM t WHERE pii_has(notes, 'CREDIT_CARD')")
            .with_argument("text", "A string expression.")
            .with_argument("entity", "An entity label such as 'EMAIL'.")
            .build()
        }))
    }
}

#[derive(Debug)]
struct PiiMask {
    name: &'static str,
    det: Detector,
    sig: Signature,
    /// Bound by `export --redact`'s plan: the hints of the column it masks
    /// (SQL callers get none: a value alone has no column name).
    column: Option<String>,
}

impl PartialEq for PiiMask {
    fn eq(&self, o: &Self) -> bool {
        self.name == o.name && Arc::ptr_eq(&self.det.rules, &o.det.rules) && self.column == o.column
    }
}
impl Eq for PiiMask {}
impl Hash for PiiMask {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.name.hash(h);
        self.column.hash(h);
    }
}

impl ScalarUDFImpl for PiiMask {
    utf8_udf_basics!();
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let a = utf8_args(&args)?;
        let s = a[0].as_string::<i32>();
        let only = a.get(1).map(|x| x.as_string::<i32>().clone());
        let hints = match &self.column {
            Some(c) => ColumnHints::from_column_name(&self.det.rules, c),
            None => ColumnHints::none(&self.det.rules),
        };
        let mut scratch = Scratch::default();
        let out: StringArray = (0..s.len())
            .map(|i| {
                if s.is_null(i) {
                    return None;
                }
                let e = only
                    .as_ref()
                    .and_then(|o| (!o.is_null(i)).then(|| o.value(i)));
                Some(crate::redact::mask_spans(
                    &self.det,
                    s.value(i),
                    e,
                    &hints,
                    &mut scratch,
                ))
            })
            .collect();
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
    fn documentation(&self) -> Option<&Documentation> {
        static D: OnceLock<Documentation> = OnceLock::new();
        Some(D.get_or_init(|| {
            Documentation::builder(SECTION, "The value with detected spans masked, keeping their format (j***@e***.com, ###-##-####).", "pii_mask(text [, entity])")
                .with_sql_example("SELECT pii_mask(notes) FROM tickets")
                .with_argument("text", "A string expression.")
                .with_argument("entity", "Optional: mask only this entity.")
                .build()
        }))
    }
}

/// `pii_mask_as(text, entity)`: the whole value masked in the entity's
/// format, detected or not (for columns already classified).
#[derive(Debug)]
struct PiiMaskAs {
    name: &'static str,
    rules: Arc<RuleSet>,
    sig: Signature,
}

impl PartialEq for PiiMaskAs {
    fn eq(&self, o: &Self) -> bool {
        self.name == o.name
    }
}
impl Eq for PiiMaskAs {}
impl Hash for PiiMaskAs {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.name.hash(h);
    }
}

impl ScalarUDFImpl for PiiMaskAs {
    utf8_udf_basics!();
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let a = utf8_args(&args)?;
        let (s, e) = (a[0].as_string::<i32>(), a[1].as_string::<i32>());
        let out: StringArray = (0..s.len())
            .map(|i| {
                (!s.is_null(i)).then(|| {
                    let entity = if e.is_null(i) { "" } else { e.value(i) };
                    self.rules.mask(entity, s.value(i))
                })
            })
            .collect();
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
    fn documentation(&self) -> Option<&Documentation> {
        static D: OnceLock<Documentation> = OnceLock::new();
        Some(D.get_or_init(|| {
            Documentation::builder(SECTION, "The whole value masked in the format of the given entity, whether or not it is detected: for columns already classified (export --redact uses it).", "pii_mask_as(text, entity)")
                .with_sql_example("SELECT pii_mask_as(full_name, 'PERSON_NAME') FROM customers")
                .with_argument("text", "A string expression.")
                .with_argument("entity", "The entity label whose format is kept, e.g. 'EMAIL'.")
                .build()
        }))
    }
}

#[derive(Debug)]
struct PiiHash {
    name: &'static str,
    sig: Signature,
    /// Bound by `export --redact`'s plan so that the key never appears as a
    /// literal in a plan, an `EXPLAIN` or an error (`RedactKey` redacts).
    key: Option<crate::redact::RedactKey>,
}

impl PartialEq for PiiHash {
    fn eq(&self, o: &Self) -> bool {
        self.name == o.name && self.key == o.key
    }
}
impl Eq for PiiHash {}
impl Hash for PiiHash {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.name.hash(h);
        self.key.is_some().hash(h);
    }
}

impl ScalarUDFImpl for PiiHash {
    utf8_udf_basics!();
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let a = utf8_args(&args)?;
        let s = a[0].as_string::<i32>();
        let out: StringArray = match &self.key {
            Some(key) => (0..s.len())
                .map(|i| {
                    (!s.is_null(i)).then(|| crate::redact::keyed_hash(key.expose(), s.value(i)))
                })
                .collect(),
            None => {
                let k = a[1].as_string::<i32>();
                (0..s.len())
                    .map(|i| {
                        (!s.is_null(i) && !k.is_null(i))
                            .then(|| crate::redact::keyed_hash(k.value(i).as_bytes(), s.value(i)))
                    })
                    .collect()
            }
        };
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
    fn documentation(&self) -> Option<&Documentation> {
        static D: OnceLock<Documentation> = OnceLock::new();
        Some(D.get_or_init(|| {
            Documentation::builder(SECTION, "A keyed, deterministic pseudonym of the value: 'h:' and 16 hex digits of HMAC-SHA256(key, value).", "pii_hash(text, key)")
                .with_sql_example("SELECT pii_hash(email, 'secret-key') AS email_id FROM customers")
                .with_argument("text", "A string expression.")
                .with_argument("key", "The HMAC key.")
                .build()
        }))
    }
}

/// `pii_profile(column)`: the aggregate.
#[derive(Debug)]
struct PiiProfile {
    name: &'static str,
    det: Detector,
    sig: Signature,
}
impl_eq_by_name!(PiiProfile);

fn profile_struct_fields() -> Fields {
    Fields::from(vec![
        Field::new("profile", DataType::Utf8, true),
        Field::new(
            "entities",
            DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            true,
        ),
        Field::new("sensitivity", DataType::Utf8, true),
    ])
}

impl AggregateUDFImpl for PiiProfile {
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.sig
    }
    fn return_type(&self, _: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Struct(profile_struct_fields()))
    }
    fn accumulator(&self, acc_args: AccumulatorArgs) -> DfResult<Box<dyn Accumulator>> {
        let expr = acc_args
            .exprs
            .first()
            .ok_or_else(|| DataFusionError::Plan("pii_profile takes one column".into()))?;
        let name = expr
            .as_ref()
            .downcast_ref::<datafusion::physical_expr::expressions::Column>()
            .map(|c| c.name().to_string())
            .unwrap_or_else(|| expr.to_string());
        Ok(Box::new(ProfileAcc {
            column: name,
            scanner: Scanner::new(self.det.rules.clone()),
            profiles: Vec::new(),
        }))
    }
    fn state_fields(&self, args: StateFieldsArgs) -> DfResult<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(
            format!("{}[profile]", args.name),
            DataType::Utf8,
            true,
        ))])
    }
    fn documentation(&self) -> Option<&Documentation> {
        static D: OnceLock<Documentation> = OnceLock::new();
        Some(D.get_or_init(|| {
            Documentation::builder(SECTION, "Classify a column: the merged column profile (JSON), the entities decided and the sensitivity. Nested columns give one profile per leaf path.", "pii_profile(column)")
                .with_sql_example("SELECT pii_profile(email).entities FROM customers")
                .with_argument("column", "A column of any type; strings, integers, binary, dates and nested columns are inspected.")
                .build()
        }))
    }
}

#[derive(Debug)]
struct ProfileAcc {
    column: String,
    scanner: Scanner,
    profiles: Vec<ColumnProfile>,
}

impl Accumulator for ProfileAcc {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        let a = &values[0];
        let schema = Arc::new(Schema::new(vec![Field::new(
            &self.column,
            a.data_type().clone(),
            true,
        )]));
        let b = RecordBatch::try_new(schema, vec![a.clone()])?;
        merge_columns(&mut self.profiles, self.scanner.scan_batch(&b));
        Ok(())
    }
    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        Ok(vec![ScalarValue::Utf8(Some(
            serde_json::to_string(&self.profiles)
                .map_err(|e| DataFusionError::External(Box::new(e)))?,
        ))])
    }
    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        let s = states[0].as_string::<i32>();
        for i in 0..s.len() {
            if s.is_null(i) {
                continue;
            }
            let p: Vec<ColumnProfile> = serde_json::from_str(s.value(i))
                .map_err(|e| DataFusionError::External(Box::new(e)))?;
            merge_columns(&mut self.profiles, p);
        }
        Ok(())
    }
    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        let rules = self.scanner.rules().clone();
        let reports: Vec<_> = self
            .profiles
            .iter()
            .map(|p| classify_column(&rules, p, &Thresholds::default()))
            .collect();
        let mut ents: Vec<String> = reports
            .iter()
            .flat_map(|r| r.entities.iter().map(|e| e.entity.clone()))
            .collect();
        ents.sort();
        ents.dedup();
        let sens = reports
            .iter()
            .map(|r| r.sensitivity)
            .max()
            .unwrap_or_default();
        let profile: ArrayRef = Arc::new(StringArray::from(vec![serde_json::to_string(
            &self.profiles,
        )
        .map_err(|e| DataFusionError::External(Box::new(e)))?]));
        let mut lb = ListBuilder::new(StringBuilder::new());
        for e in &ents {
            lb.values().append_value(e);
        }
        lb.append(true);
        let entities: ArrayRef = Arc::new(lb.finish());
        let sensitivity: ArrayRef = Arc::new(StringArray::from(vec![sens.as_str()]));
        let st = StructArray::try_new(
            profile_struct_fields(),
            vec![profile, entities, sensitivity],
            None,
        )?;
        Ok(ScalarValue::Struct(Arc::new(st)))
    }
    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.profiles.len() * 512
    }
}

/// The scalar functions over the given rules.
pub fn functions_with(rules: Arc<RuleSet>) -> Vec<Arc<ScalarUDF>> {
    let det = Detector::new(rules.clone());
    vec![
        Arc::new(ScalarUDF::new_from_impl(PiiEntities {
            name: "pii_entities",
            det: det.clone(),
            sig: string_sig(&[1]),
        })),
        Arc::new(ScalarUDF::new_from_impl(PiiHas {
            name: "pii_has",
            det: det.clone(),
            sig: string_sig(&[2]),
        })),
        Arc::new(ScalarUDF::new_from_impl(PiiMask {
            name: "pii_mask",
            det: det.clone(),
            sig: string_sig(&[1, 2]),
            column: None,
        })),
        Arc::new(ScalarUDF::new_from_impl(PiiMaskAs {
            name: "pii_mask_as",
            rules,
            sig: string_sig(&[2]),
        })),
        Arc::new(ScalarUDF::new_from_impl(PiiHash {
            name: "pii_hash",
            sig: string_sig(&[2]),
            key: None,
        })),
    ]
}

/// The scalar functions over the built-in rules.
pub fn functions() -> Vec<Arc<ScalarUDF>> {
    functions_with(default_rules())
}

/// The aggregate functions (`pii_profile`) with `rules`.
pub fn aggregate_functions_with(rules: Arc<RuleSet>) -> Vec<Arc<AggregateUDF>> {
    vec![Arc::new(AggregateUDF::new_from_impl(PiiProfile {
        name: "pii_profile",
        det: Detector::new(rules),
        sig: Signature::any(1, Volatility::Immutable),
    }))]
}

/// Register every piigate function (built-in rules) on a session.
pub fn register_all(ctx: &SessionContext) {
    register_all_with(ctx, default_rules());
}

/// Registers every piigate function on `ctx`, with `rules`.
pub fn register_all_with(ctx: &SessionContext, rules: Arc<RuleSet>) {
    for f in functions_with(rules.clone()) {
        ctx.register_udf(f.as_ref().clone());
    }
    for f in aggregate_functions_with(rules) {
        ctx.register_udaf(f.as_ref().clone());
    }
}

/// Register an input (file or URL) as a table, reading it as the native scan
/// does (CSV as text, NDJSON with the same inferred schema).
pub async fn register_input(
    ctx: &SessionContext,
    name: &str,
    f: &crate::source::InputFile,
) -> crate::Result<()> {
    use datafusion::prelude::{CsvReadOptions, JsonReadOptions, ParquetReadOptions};
    let err = |e: DataFusionError| crate::Error::read(&f.source, e);
    let (path, ext) = match &f.location {
        crate::source::Location::Local(p) => (
            p.display().to_string(),
            p.extension()
                .map(|e| format!(".{}", e.to_string_lossy()))
                .unwrap_or_default(),
        ),
        crate::source::Location::Remote { store, .. } => {
            let url = url::Url::parse(&f.source).map_err(|e| crate::Error::read(&f.source, e))?;
            let base = url::Url::parse(&format!(
                "{}://{}",
                url.scheme(),
                url.host_str().unwrap_or_default()
            ))
            .map_err(|e| crate::Error::read(&f.source, e))?;
            // Registered read-only: the session may read the table, and
            // every write through this store is refused (and nothing else in
            // the session holds the raw store).
            let root = crate::gate::Destination::parse(base.as_str())
                .map_err(|e| crate::Error::read(&f.source, e))?;
            let locked = crate::gate::GatedStore::locked(
                store.clone(),
                &root,
                crate::gate::Refusal::OperationNotAllowed(
                    "tables registered for SQL are read-only".into(),
                ),
                None,
            );
            ctx.runtime_env()
                .register_object_store(&base, std::sync::Arc::new(locked));
            let ext = f
                .relative
                .rsplit_once('.')
                .map(|(_, e)| format!(".{e}"))
                .unwrap_or_default();
            (f.source.clone(), ext)
        }
        crate::source::Location::Memory(_) => {
            return Err(crate::Error::input(
                &f.source,
                "an input held in memory cannot be registered as a table",
            ))
        }
    };
    match f.format {
        crate::source::Format::Parquet => ctx
            .register_parquet(
                name,
                &path,
                ParquetReadOptions {
                    file_extension: &ext,
                    ..Default::default()
                },
            )
            .await
            .map_err(err),
        crate::source::Format::Csv => {
            let schema = crate::source::text_schema(f).await?;
            ctx.register_csv(
                name,
                &path,
                CsvReadOptions::new()
                    .has_header(true)
                    .delimiter(crate::source::csv_delimiter(f))
                    .schema(&schema)
                    .file_extension(&ext),
            )
            .await
            .map_err(err)
        }
        crate::source::Format::Ndjson => {
            let schema = crate::source::text_schema(f).await?;
            ctx.register_json(
                name,
                &path,
                JsonReadOptions {
                    schema: Some(&schema),
                    file_extension: &ext,
                    ..Default::default()
                },
            )
            .await
            .map_err(err)
        }
    }
}

/// Classify one input through a DataFusion plan: `SELECT count(*), pii_profile(c1), …`.
pub async fn profile_table(
    f: &crate::source::InputFile,
    rules: Arc<RuleSet>,
) -> crate::Result<crate::scan::TableProfile> {
    // Read Parquet strings as the native reader does (Utf8, not Utf8View), so
    // both engines report the same data types.
    let cfg = datafusion::prelude::SessionConfig::new().set_bool(
        "datafusion.execution.parquet.schema_force_view_types",
        false,
    );
    let ctx = SessionContext::new_with_config(cfg);
    register_all_with(&ctx, rules);
    register_input(&ctx, "t", f).await?;
    let df = ctx
        .table("t")
        .await
        .map_err(|e| crate::Error::read(&f.source, e))?;
    let schema = df.schema().as_arrow().clone();
    let cols: Vec<String> = schema
        .fields()
        .iter()
        .map(|x| format!("pii_profile(\"{}\")", x.name().replace('"', "\"\"")))
        .collect();
    let sql = format!(
        "SELECT count(*) AS n{}{} FROM t",
        if cols.is_empty() { "" } else { ", " },
        cols.join(", ")
    );
    let batches = ctx
        .sql(&sql)
        .await
        .map_err(|e| crate::Error::read(&f.source, e))?
        .collect()
        .await
        .map_err(|e| crate::Error::read(&f.source, e))?;
    let b = batches
        .first()
        .ok_or_else(|| crate::Error::input(&f.source, "no result"))?;
    let n = datafusion::arrow::compute::cast(b.column(0), &DataType::Int64)
        .map_err(|e| crate::Error::read(&f.source, e))?;
    let rows = n
        .as_primitive::<datafusion::arrow::datatypes::Int64Type>()
        .value(0)
        .max(0) as u64;
    let mut t = crate::scan::TableProfile {
        name: f.table.clone(),
        source: f.source.clone(),
        rows,
        rows_scanned: rows,
        columns: Vec::new(),
    };
    for (i, field) in schema.fields().iter().enumerate() {
        let st = b.column(i + 1).as_struct();
        let prof = st.column(0).as_string::<i32>();
        let mut p: Vec<ColumnProfile> = if prof.is_null(0) {
            Vec::new()
        } else {
            serde_json::from_str(prof.value(0)).map_err(|e| crate::Error::Other(e.to_string()))?
        };
        if p.is_empty() {
            // No rows: the leaves with zero counts, as the native scan reports them.
            let empty = RecordBatch::new_empty(Arc::new(Schema::new(vec![field.as_ref().clone()])));
            p = crate::scan::leaf_columns(&empty)
                .into_iter()
                .map(|(n, ty)| ColumnProfile::new(n, ty))
                .collect();
        }
        merge_columns(&mut t.columns, p);
    }
    Ok(t)
}

/// `export --redact` as a DataFusion plan ([`redact_to_parquet`] on a
/// runtime of its own).
#[derive(Debug, Clone, Copy, Default)]
pub struct DataFusionDriver;

impl crate::redact::RedactDriver for DataFusionDriver {
    fn write(
        &self,
        f: &crate::source::InputFile,
        plan: &crate::redact::RedactionPlan,
        rules: Arc<RuleSet>,
        key: Option<&crate::redact::RedactKey>,
        dst: &std::path::Path,
    ) -> crate::Result<()> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| crate::Error::io("tokio runtime", e))?;
        rt.block_on(redact_to_parquet(f, plan, rules, key, dst))
    }
}

/// `export --redact` as a DataFusion plan: a projection of `pii_mask_as`,
/// `pii_mask` and `pii_hash` (with the key bound to the function, never a
/// literal in the plan) over the input, in one partition so that rows keep
/// their order, written through the same writer as the native driver.
pub async fn redact_to_parquet(
    f: &crate::source::InputFile,
    plan: &crate::redact::RedactionPlan,
    rules: Arc<RuleSet>,
    key: Option<&crate::redact::RedactKey>,
    dst: &std::path::Path,
) -> crate::Result<()> {
    use crate::redact::Action;
    use datafusion::common::Column;
    use datafusion::logical_expr::{lit, Expr};
    use futures::StreamExt;

    let cfg = datafusion::prelude::SessionConfig::new()
        .with_target_partitions(1)
        .set_bool(
            "datafusion.execution.parquet.schema_force_view_types",
            false,
        );
    let ctx = SessionContext::new_with_config(cfg);
    register_all_with(&ctx, rules.clone());
    register_input(&ctx, "t", f).await?;
    let err = |e: DataFusionError| crate::Error::read(&f.source, e);
    let df = ctx.table("t").await.map_err(err)?;
    let det = Detector::new(rules.clone());
    let mask_as = ScalarUDF::new_from_impl(PiiMaskAs {
        name: "pii_mask_as",
        rules,
        sig: string_sig(&[2]),
    });
    let hash = ScalarUDF::new_from_impl(PiiHash {
        name: "pii_hash",
        sig: string_sig(&[1]),
        key: key.cloned(),
    });
    let exprs: Vec<Expr> = plan
        .fields
        .iter()
        .map(|p| {
            let c = Expr::Column(Column::new_unqualified(p.name.clone()));
            match p.action {
                Action::Keep => c,
                Action::Drop => lit(ScalarValue::Utf8(None)).alias(&p.name),
                Action::Mask => mask_as.call(vec![c, lit(p.entity.clone())]).alias(&p.name),
                Action::MaskSpans => ScalarUDF::new_from_impl(PiiMask {
                    name: "pii_mask",
                    det: det.clone(),
                    sig: string_sig(&[1, 2]),
                    column: Some(p.name.clone()),
                })
                .call(vec![c])
                .alias(&p.name),
                Action::Hash => hash.call(vec![c]).alias(&p.name),
            }
        })
        .collect();
    let mut stream = df
        .select(exprs)
        .map_err(err)?
        .execute_stream()
        .await
        .map_err(err)?;
    let schema = plan.output_schema.clone();
    let mut w = crate::redact::RedactedWriter::create(dst, schema.clone())?;
    while let Some(b) = stream.next().await {
        let b = b.map_err(err)?;
        let arrays = b
            .columns()
            .iter()
            .zip(schema.fields())
            .map(|(a, fl)| {
                if a.data_type() == fl.data_type() {
                    Ok(a.clone())
                } else {
                    datafusion::arrow::compute::cast(a, fl.data_type())
                        .map_err(|e| crate::Error::read(&f.source, e))
                }
            })
            .collect::<crate::Result<Vec<_>>>()?;
        w.push(arrays)?;
    }
    w.finish()
}
