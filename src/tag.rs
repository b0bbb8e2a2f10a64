//! `piigate tag`: copy Parquet data with values unchanged, tags in Arrow field
//! metadata (`piigate.entities`, `piigate.sensitivity`, `piigate.confidence`)
//! and the whole report in Parquet key-value metadata (`piigate.report`).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use arrow::datatypes::{Field, Schema};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use crate::report::{ColumnReport, Report};
use crate::{Error, Result, RuleSet, ScanConfig};

/// Field metadata key: the entity labels of the column, comma-separated.
pub const META_ENTITIES: &str = "piigate.entities";
/// Field metadata key: the column's sensitivity.
pub const META_SENSITIVITY: &str = "piigate.sensitivity";
/// Field metadata key: the confidence of the strongest entity.
pub const META_CONFIDENCE: &str = "piigate.confidence";
/// Schema metadata key: the whole report as JSON.
pub const META_REPORT: &str = "piigate.report";

/// Tag a field (top-level columns; nested leaves tag their top-level parent with
/// the union of their entities, path-qualified).
fn tag_field(f: &Field, cols: &[ColumnReport]) -> Field {
    let own: Vec<&ColumnReport> = cols
        .iter()
        .filter(|c| c.name == *f.name() || c.name.starts_with(&format!("{}.", f.name())))
        .collect();
    let mut md: HashMap<String, String> = f.metadata().clone();
    let mut ents: Vec<String> = Vec::new();
    for c in &own {
        for e in &c.entities {
            let label = if c.name == *f.name() {
                e.entity.clone()
            } else {
                format!("{}:{}", &c.name[f.name().len() + 1..], e.entity)
            };
            if !ents.contains(&label) {
                ents.push(label);
            }
        }
    }
    let sens = own.iter().map(|c| c.sensitivity).max().unwrap_or_default();
    let conf = own
        .iter()
        .flat_map(|c| c.entities.iter().map(|e| e.confidence))
        .fold(0.0, f64::max);
    md.insert(
        META_ENTITIES.into(),
        serde_json::to_string(&ents).unwrap_or_default(),
    );
    md.insert(META_SENSITIVITY.into(), sens.as_str().into());
    md.insert(META_CONFIDENCE.into(), format!("{conf:.3}"));
    f.clone().with_metadata(md)
}

/// `schema` with the tags of `table` (a report of data of this schema) in
/// its fields' metadata, and the table's sensitivity in the schema's: what
/// `piigate tag` writes, for Arrow data held in memory.
pub fn tag_schema(schema: &Schema, table: &crate::report::TableReport) -> Schema {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| tag_field(f, &table.columns))
        .collect();
    let mut smd = schema.metadata().clone();
    smd.insert(
        "piigate.sensitivity".into(),
        table.sensitivity.as_str().into(),
    );
    Schema::new_with_metadata(fields, smd)
}

/// Scan `input` (a local Parquet file), then write `output` with the same
/// values, tagged. Written to a temporary file and renamed: never half-written.
pub fn tag_parquet(
    input: &str,
    output: &Path,
    rules: Arc<RuleSet>,
    cfg: &ScanConfig,
) -> Result<Report> {
    let report = crate::scan_inputs(&[input.to_string()], rules, cfg, &crate::NoProgress)?;
    if let Some(e) = report.errors.first() {
        return Err(Error::input(&e.source, &e.error));
    }
    let table = report
        .tables
        .first()
        .ok_or_else(|| Error::input(input, "no table"))?;
    let rt = crate::runtime()?;
    let (files, _) = crate::source::resolve_inputs(&[input.to_string()], &rt);
    let f = files
        .first()
        .ok_or_else(|| Error::input(input, "no input"))?;
    let (schema, batches) = crate::source::read_local_batches(f)?;
    let tagged = Arc::new(tag_schema(&schema, table));
    let report_json = serde_json::to_string(&report).map_err(|e| Error::Other(e.to_string()))?;
    let props = WriterProperties::builder()
        .set_key_value_metadata(Some(vec![KeyValue::new(
            META_REPORT.to_string(),
            report_json,
        )]))
        .build();
    let dir = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| Error::io(output.display().to_string(), e))?;
    {
        let mut w = ArrowWriter::try_new(
            tmp.as_file()
                .try_clone()
                .map_err(|e| Error::io(output.display().to_string(), e))?,
            tagged.clone(),
            Some(props),
        )
        .map_err(|e| Error::write(output.display().to_string(), e))?;
        for b in batches {
            let b = RecordBatch::try_new(tagged.clone(), b.columns().to_vec())
                .map_err(|e| Error::arrow(output.display().to_string(), e))?;
            w.write(&b)
                .map_err(|e| Error::write(output.display().to_string(), e))?;
        }
        w.close()
            .map_err(|e| Error::write(output.display().to_string(), e))?;
    }
    tmp.persist(output)
        .map_err(|e| Error::io(output.display().to_string(), e.error))?;
    Ok(report)
}
