//! Redaction for `export --redact` (and the SQL functions): a documented policy
//! per column, applied to a copy of the data.
//!
//! Policy, by the most sensitive entity of a column (docs/REDACTION.md):
//! - credentials (`SECRET_TOKEN`, `AWS_ACCESS_KEY`): the value is dropped (null);
//! - HIGH: keyed hash, `h:` + 16 hex digits of HMAC-SHA256(key, value), so joins
//!   still work but the value cannot be recovered without the key;
//! - MODERATE and LOW: masked, keeping the format (`j***@e***.com`);
//! - free-text columns: only the detected spans are masked.
//!
//! Untagged columns are copied unchanged. `RedactionPlan` holds the policy
//! for one file; a [`RedactDriver`] executes it: piigate's own
//! [`NativeDriver`] here, or the DataFusion plan in the `sql` module, which
//! writes the same bytes.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::detect::{ColumnHints, Detector, Scratch};
use crate::report::{ColumnReport, Sensitivity};
use crate::rules::MaskStyle;
use crate::source::{InputFile, Location};
use crate::{Error, Result, RuleSet};

/// What happens to a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Copied unchanged.
    Keep,
    /// Every value masked, keeping the format of the column's entity.
    Mask,
    /// Only the detected spans of each value masked (free text).
    MaskSpans,
    /// Keyed hash: `h:` + 16 hex digits of HMAC-SHA256(key, value).
    Hash,
    /// Every value dropped (null).
    Drop,
}

impl Action {
    /// The names of the actions, as `parse` reads them.
    pub const NAMES: [&'static str; 5] = ["keep", "mask", "mask_spans", "hash", "drop"];

    /// The action named `name` (`keep`, `mask`, `mask_spans`, `hash`, `drop`).
    pub fn parse(name: &str) -> Option<Action> {
        Some(match name {
            "keep" => Action::Keep,
            "mask" => Action::Mask,
            "mask_spans" => Action::MaskSpans,
            "hash" => Action::Hash,
            "drop" => Action::Drop,
            _ => return None,
        })
    }

    /// The action's name.
    pub fn name(self) -> &'static str {
        match self {
            Action::Keep => "keep",
            Action::Mask => "mask",
            Action::MaskSpans => "mask_spans",
            Action::Hash => "hash",
            Action::Drop => "drop",
        }
    }
}

/// The policy for one classified column: what its entities' rules ask
/// for (`redaction` in the rule files: credentials are dropped), else
/// the detected spans of free text are masked, a HIGH column is hashed,
/// and any other tagged column masked.
pub fn action_for(rules: &RuleSet, c: &ColumnReport) -> Action {
    use crate::rules::Redaction;
    if c.entities.is_empty() {
        return Action::Keep;
    }
    let asked: Vec<Redaction> = c
        .entities
        .iter()
        .filter_map(|e| rules.redaction_of(&e.entity))
        .collect();
    if asked.contains(&Redaction::Drop) {
        return Action::Drop;
    }
    if c.entities
        .iter()
        .any(|e| e.evidence.iter().any(|x| x == "free_text"))
    {
        return Action::MaskSpans;
    }
    if asked.contains(&Redaction::Hash) || c.sensitivity == Sensitivity::High {
        Action::Hash
    } else {
        Action::Mask
    }
}

/// Keyed, deterministic pseudonym: `h:` + 16 hex digits of HMAC-SHA256.
pub fn keyed_hash(key: &[u8], value: &str) -> String {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    m.update(value.as_bytes());
    format!("h:{}", &hex::encode(m.finalize().into_bytes())[..16])
}

/// Mask every detected span of `text`, keeping the rest. `hints` are the
/// column's (`ColumnHints::from_column_name`), so that what the scan found in
/// a column is what gets masked in it.
pub fn mask_spans(
    det: &Detector,
    text: &str,
    only: Option<&str>,
    hints: &ColumnHints,
    scratch: &mut Scratch,
) -> String {
    det.detect(text, hints, scratch);
    let lead = text.len() - text.trim_start().len();
    // A rule's mask style is its entity's (resolved when the rules load).
    let mut spans: Vec<(usize, usize, MaskStyle)> = scratch
        .hits
        .iter()
        .filter(|h| only.is_none_or(|e| det.rule(h.rule).entity == e))
        .map(|h| (h.start + lead, h.end + lead, det.rule(h.rule).mask))
        .collect();
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (s, e, style) in spans {
        if s < pos {
            continue;
        }
        out.push_str(&text[pos..s]);
        out.push_str(&crate::mask::mask(style, &text[s..e]));
        pos = e;
    }
    out.push_str(&text[pos..]);
    out
}

/// What happens to one top-level field of a redacted file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPlan {
    /// The field's name in the input.
    pub name: String,
    /// What the export does with it.
    pub action: Action,
    /// The entity whose format a masked value keeps (the column's first tag).
    pub entity: String,
}

/// The redaction plan of a file: one action per top-level field, from the
/// file's scan report, and the schema the redacted copy has (rewritten
/// columns become nullable Utf8). Both drivers — piigate's own and the
/// DataFusion plan — write exactly this, so they produce the same bytes.
#[derive(Debug, Clone)]
pub struct RedactionPlan {
    /// One plan per top-level field, in the input's order.
    pub fields: Vec<FieldPlan>,
    /// The schema of the rewritten batches (hashed fields become strings; dropped fields are gone).
    pub output_schema: Arc<Schema>,
    input_schema: Arc<Schema>,
    has_key: bool,
    /// Per field, the hints its values are read with: the scan's, from
    /// the names of all the table's columns (`ColumnHints::for_table`), so
    /// that what the scan found in a column is what gets masked in it.
    hints: Vec<ColumnHints>,
}

impl RedactionPlan {
    /// Refuses, naming the column, what the policy cannot honour: a tagged
    /// leaf inside a nested (struct/list/map) field, which is not rewritten,
    /// and a column that needs a keyed hash when no key is set.
    pub fn new(
        source: &str,
        schema: &Schema,
        table: &crate::report::TableReport,
        rules: &RuleSet,
        has_key: bool,
    ) -> Result<Self> {
        let mut fields = Vec::with_capacity(schema.fields().len());
        for fl in schema.fields() {
            let name = fl.name();
            let nested_prefix = format!("{name}.");
            if let Some(c) = table
                .columns
                .iter()
                .find(|c| c.name.starts_with(&nested_prefix) && !c.entities.is_empty())
            {
                return Err(Error::input(
                    source,
                    format!(
                        "column {} holds {} inside the nested field {name}; --redact rewrites top-level columns only",
                        c.name, c.entities[0].entity
                    ),
                ));
            }
            let col = table.columns.iter().find(|c| &c.name == name);
            let action = col.map(|c| action_for(rules, c)).unwrap_or(Action::Keep);
            if action == Action::Hash && !has_key {
                return Err(Error::Config(format!(
                    "{source}: column {name} needs a keyed hash: set PIIGATE_REDACT_KEY"
                )));
            }
            let entity = col
                .and_then(|c| c.entities.first())
                .map(|e| e.entity.clone())
                .unwrap_or_default();
            fields.push(FieldPlan {
                name: name.clone(),
                action,
                entity,
            });
        }
        // The scan read every leaf column with the table's hints; a
        // top-level column is one leaf (nested ones are refused above).
        let leaves = crate::scan::leaf_columns(&RecordBatch::new_empty(Arc::new(schema.clone())));
        let paths: Vec<&str> = leaves.iter().map(|(p, _)| p.as_str()).collect();
        let people_beside = paths
            .iter()
            .any(|p| ColumnHints::from_column_name(rules, p).people_by_role);
        let hints = fields
            .iter()
            .map(|f| {
                let mut h = ColumnHints::from_column_name(rules, &f.name);
                h.people_beside = people_beside;
                h
            })
            .collect();
        Ok(RedactionPlan {
            output_schema: output_schema(schema, &fields),
            fields,
            input_schema: Arc::new(schema.clone()),
            has_key,
            hints,
        })
    }

    /// The plan with `column`'s action replaced by `action` (a caller's
    /// own policy for that column). Refuses, naming the column, an unknown
    /// top-level column, a keyed hash without a key, and `keep` for a
    /// column whose rules ask for its values to be dropped (credentials).
    pub fn with_action(mut self, source: &str, column: &str, action: Action) -> Result<Self> {
        let Some(i) = self.fields.iter().position(|f| f.name == column) else {
            return Err(Error::input(
                source,
                format!("redaction policy names {column}, which is not a top-level column"),
            ));
        };
        if action == Action::Hash && !self.has_key {
            return Err(Error::Config(format!(
                "{source}: column {column} needs a keyed hash: set PIIGATE_REDACT_KEY"
            )));
        }
        if self.fields[i].action == Action::Drop && action != Action::Drop {
            return Err(Error::input(
                source,
                format!(
                    "column {column} holds {}, whose values are always dropped; a policy cannot keep, mask or hash them",
                    self.fields[i].entity
                ),
            ));
        }
        self.fields[i].action = action;
        self.output_schema = output_schema(&self.input_schema, &self.fields);
        Ok(self)
    }

    /// One batch of the input's schema, redacted by this plan with
    /// piigate's own driver (what [`NativeDriver`] writes, in memory).
    pub fn apply(
        &self,
        batch: &RecordBatch,
        det: &Detector,
        key: Option<&RedactKey>,
    ) -> Result<RecordBatch> {
        if batch.num_columns() != self.fields.len() {
            return Err(Error::Other(format!(
                "a batch of {} columns does not fit a redaction plan of {}",
                batch.num_columns(),
                self.fields.len()
            )));
        }
        let arrays = batch
            .columns()
            .iter()
            .zip(self.fields.iter().zip(&self.hints))
            .map(|(a, (p, hints))| redact_column(a, p, hints, det, key))
            .collect::<Result<Vec<_>>>()?;
        RecordBatch::try_new(self.output_schema.clone(), arrays)
            .map_err(|e| Error::arrow("redacted batch", e))
    }
}

/// The schema of a redacted copy: kept fields as they are, rewritten ones
/// nullable Utf8.
fn output_schema(input: &Schema, fields: &[FieldPlan]) -> Arc<Schema> {
    let out: Vec<Field> = fields
        .iter()
        .zip(input.fields())
        .map(|(p, fl)| {
            if p.action == Action::Keep {
                fl.as_ref().clone()
            } else {
                Field::new(&p.name, DataType::Utf8, true)
            }
        })
        .collect();
    Arc::new(Schema::new_with_metadata(out, input.metadata().clone()))
}

/// A redaction key (`PIIGATE_REDACT_KEY`). `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct RedactKey(Vec<u8>);

impl RedactKey {
    /// A hashing key from its bytes.
    pub fn new(key: impl Into<Vec<u8>>) -> Self {
        RedactKey(key.into())
    }
    /// From `PIIGATE_REDACT_KEY`, if set and not empty.
    pub fn from_env() -> Option<Self> {
        std::env::var("PIIGATE_REDACT_KEY")
            .ok()
            .filter(|k| !k.is_empty())
            .map(RedactKey::new)
    }
    /// The key's bytes, for the code that hashes with it.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for RedactKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RedactKey(**REDACTED**)")
    }
}

/// piigate's own driver: one column of one batch.
fn redact_column(
    arr: &ArrayRef,
    plan: &FieldPlan,
    hints: &ColumnHints,
    det: &Detector,
    key: Option<&RedactKey>,
) -> Result<ArrayRef> {
    if plan.action == Action::Keep {
        return Ok(arr.clone());
    }
    let strings = arrow::compute::cast(arr, &DataType::Utf8)
        .map_err(|e| Error::arrow(format!("column {}", plan.name), e))?;
    let s = strings.as_string::<i32>();
    let mut scratch = Scratch::default();
    let style = det.rules.mask_style(&plan.entity);
    let mut out: Vec<Option<String>> = Vec::with_capacity(s.len());
    for i in 0..s.len() {
        if s.is_null(i) {
            out.push(None);
            continue;
        }
        let v = s.value(i);
        out.push(match plan.action {
            Action::Keep => Some(v.to_string()),
            Action::Drop => None,
            Action::Mask => Some(crate::mask::mask(style, v)),
            Action::MaskSpans => Some(mask_spans(det, v, None, hints, &mut scratch)),
            Action::Hash => {
                let k = key.ok_or_else(|| {
                    Error::Config(format!(
                        "column {} needs a keyed hash: set PIIGATE_REDACT_KEY",
                        plan.name
                    ))
                })?;
                Some(keyed_hash(k.expose(), v))
            }
        });
    }
    Ok(Arc::new(StringArray::from(out)))
}

/// What builds a redacted copy from a [`RedactionPlan`]: piigate's own
/// per-batch rewrite ([`NativeDriver`]) or, with the `sql` feature, a
/// DataFusion plan of the `pii_*` functions (`sql::DataFusionDriver`). Both
/// write the same bytes.
pub trait RedactDriver: Send + Sync {
    /// Writes the redacted copy of the local Parquet file `f` to `dst`.
    fn write(
        &self,
        f: &InputFile,
        plan: &RedactionPlan,
        rules: Arc<RuleSet>,
        key: Option<&RedactKey>,
        dst: &Path,
    ) -> Result<()>;
}

/// piigate's own per-batch rewrite.
#[derive(Debug, Clone, Copy, Default)]
pub struct NativeDriver;

impl RedactDriver for NativeDriver {
    fn write(
        &self,
        f: &InputFile,
        plan: &RedactionPlan,
        rules: Arc<RuleSet>,
        key: Option<&RedactKey>,
        dst: &Path,
    ) -> Result<()> {
        let Location::Local(path) = &f.location else {
            return Err(Error::input(&f.source, "only local inputs can be redacted"));
        };
        let file = std::fs::File::open(path).map_err(|e| Error::read(&f.source, e))?;
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
            .map_err(|e| Error::read(&f.source, e))?;
        let det = Detector::new(rules);
        let mut w = RedactedWriter::create(dst, plan.output_schema.clone())?;
        for b in reader.build().map_err(|e| Error::read(&f.source, e))? {
            let b = b.map_err(|e| Error::read(&f.source, e))?;
            w.push(plan.apply(&b, &det, key)?.columns().to_vec())?;
        }
        w.finish()
    }
}

/// Rows per batch handed to the Parquet writer, whatever the driver produced:
/// page boundaries depend on batch boundaries, and both drivers must write
/// the same bytes (the approval's content digest is over them).
const WRITE_BATCH_ROWS: usize = 8192;

/// Writes batches of the plan's schema to a Parquet file in fixed-size chunks.
pub(crate) struct RedactedWriter {
    schema: Arc<Schema>,
    pending: Vec<RecordBatch>,
    pending_rows: usize,
    w: parquet::arrow::ArrowWriter<std::fs::File>,
    dst: String,
}

impl RedactedWriter {
    pub(crate) fn create(dst: &Path, schema: Arc<Schema>) -> Result<Self> {
        if let Some(dir) = dst.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
        }
        let file =
            std::fs::File::create(dst).map_err(|e| Error::io(dst.display().to_string(), e))?;
        let w = parquet::arrow::ArrowWriter::try_new(file, schema.clone(), None)
            .map_err(|e| Error::write(dst.display().to_string(), e))?;
        Ok(RedactedWriter {
            schema,
            pending: Vec::new(),
            pending_rows: 0,
            w,
            dst: dst.display().to_string(),
        })
    }

    /// Takes the arrays of one batch in the plan's field order.
    pub(crate) fn push(&mut self, arrays: Vec<ArrayRef>) -> Result<()> {
        let b = RecordBatch::try_new(self.schema.clone(), arrays)
            .map_err(|e| Error::arrow(&self.dst, e))?;
        self.pending_rows += b.num_rows();
        self.pending.push(b);
        while self.pending_rows >= WRITE_BATCH_ROWS {
            self.flush(WRITE_BATCH_ROWS)?;
        }
        Ok(())
    }

    fn flush(&mut self, rows: usize) -> Result<()> {
        let all = arrow::compute::concat_batches(&self.schema, &self.pending)
            .map_err(|e| Error::arrow(&self.dst, e))?;
        self.w
            .write(&all.slice(0, rows))
            .map_err(|e| Error::write(&self.dst, e))?;
        self.pending.clear();
        self.pending_rows = all.num_rows() - rows;
        if self.pending_rows > 0 {
            self.pending.push(all.slice(rows, self.pending_rows));
        }
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<()> {
        if self.pending_rows > 0 {
            self.flush(self.pending_rows)?;
        }
        self.w.close().map_err(|e| Error::write(&self.dst, e))?;
        Ok(())
    }
}

/// Write a redacted copy of a local Parquet input to `dst`.
pub fn redact_file(
    f: &InputFile,
    dst: &Path,
    rules: Arc<RuleSet>,
    key: Option<&RedactKey>,
    driver: &dyn RedactDriver,
) -> Result<InputFile> {
    if f.format != crate::source::Format::Parquet {
        return Err(Error::input(&f.source, "--redact supports Parquet inputs"));
    }
    let report = crate::scan_without_digest(std::slice::from_ref(&f.source), rules.clone())?;
    if let Some(e) = report.errors.first() {
        return Err(Error::input(&e.source, &e.error));
    }
    let table = report
        .tables
        .into_iter()
        .next()
        .ok_or_else(|| Error::input(&f.source, "no table"))?;
    let Location::Local(path) = &f.location else {
        return Err(Error::input(&f.source, "only local inputs can be redacted"));
    };
    let file = std::fs::File::open(path).map_err(|e| Error::read(&f.source, e))?;
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| Error::read(&f.source, e))?;
    let plan = RedactionPlan::new(&f.source, reader.schema(), &table, &rules, key.is_some())?;
    drop(reader);
    driver.write(f, &plan, rules, key, dst)?;
    Ok(InputFile {
        source: dst.display().to_string(),
        relative: f.relative.clone(),
        table: f.table.clone(),
        format: f.format,
        location: Location::Local(dst.to_path_buf()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_masked_in_place() {
        let det = Detector::new(Arc::new(RuleSet::builtin().unwrap()));
        let mut s = Scratch::default();
        let out = mask_spans(
            &det,
            "mail jane.doe@example.com or call +1 (415) 555-2671",
            None,
            &ColumnHints::none(&det.rules),
            &mut s,
        );
        assert_eq!(out, "mail j***@e***.com or call +# (###) ###-####");
    }

    /// The plan reads each column with the hints the scan read it with,
    /// the table's: beside a column of people named by their role, a
    /// single given name is masked where the scan found it.
    #[test]
    fn the_plan_reads_columns_with_the_table_hints() {
        use arrow::array::{ArrayRef, StringArray};
        let rules = Arc::new(RuleSet::builtin().unwrap());
        let col = |v: &[&str]| Arc::new(StringArray::from(v.to_vec())) as ArrayRef;
        let batch = RecordBatch::try_from_iter([
            (
                "winner",
                col(&["Maria Gonzalez", "Thomas Becker", "Aisha Bello"]),
            ),
            ("eliminated", col(&["Olivia", "Marcus", "Elena"])),
        ])
        .unwrap();
        let profile = crate::Scanner::new(rules.clone())
            .scan_batches("t", "memory", [Ok(batch.clone())])
            .unwrap();
        let table = crate::classify_table(&rules, &profile, &Default::default());
        let plan = RedactionPlan::new("t", &batch.schema(), &table, &rules, false).unwrap();
        let det = Detector::new(rules.clone());
        let mut s = Scratch::default();
        assert_eq!(
            mask_spans(&det, "Olivia", None, &plan.hints[1], &mut s),
            "Oxxxxx"
        );
        // The same column alone: nothing to mask.
        let alone =
            RecordBatch::try_from_iter([("eliminated", col(&["Olivia", "Marcus"]))]).unwrap();
        let plan = RedactionPlan::new("t", &alone.schema(), &table, &rules, false).unwrap();
        assert_eq!(
            mask_spans(&det, "Olivia", None, &plan.hints[0], &mut s),
            "Olivia"
        );
    }

    #[test]
    fn keyed_hash_is_deterministic_and_keyed() {
        assert_eq!(
            keyed_hash(b"k", "536-22-8726"),
            keyed_hash(b"k", "536-22-8726")
        );
        assert_ne!(
            keyed_hash(b"k", "536-22-8726"),
            keyed_hash(b"k2", "536-22-8726")
        );
        assert!(!keyed_hash(b"k", "536-22-8726").contains("536"));
    }

    fn column(entities: &[(&str, &[&str])], sensitivity: Sensitivity) -> ColumnReport {
        ColumnReport {
            name: "c".into(),
            data_type: "Utf8".into(),
            rows_scanned: 10,
            null_count: 0,
            entities: entities
                .iter()
                .map(|(e, ev)| crate::report::EntityReport {
                    entity: e.to_string(),
                    confidence: 0.9,
                    matched_rows: 10,
                    match_ratio: 1.0,
                    evidence: ev.iter().map(|x| x.to_string()).collect(),
                    examples: vec![],
                })
                .collect(),
            sensitivity,
            skipped_values: 0,
            blank_count: 0,
        }
    }

    /// The policy comes from the rules: credentials are dropped because
    /// their rules say so, wherever they appear; a rule file may ask for a
    /// hash of a LOW entity; the rest follows sensitivity and free text.
    #[test]
    fn the_policy_follows_the_rules_redaction_field() {
        use crate::rules::RuleSetBuilder;
        let rules = RuleSet::builtin().unwrap();
        let high = Sensitivity::High;
        assert_eq!(
            action_for(&rules, &column(&[], Sensitivity::None)),
            Action::Keep
        );
        assert_eq!(
            action_for(&rules, &column(&[("SECRET_TOKEN", &["values"])], high)),
            Action::Drop
        );
        assert_eq!(
            action_for(
                &rules,
                &column(
                    &[
                        ("EMAIL", &["free_text"]),
                        ("AWS_ACCESS_KEY", &["free_text"])
                    ],
                    high
                )
            ),
            Action::Drop
        );
        assert_eq!(
            action_for(&rules, &column(&[("US_SSN", &["values"])], high)),
            Action::Hash
        );
        assert_eq!(
            action_for(
                &rules,
                &column(&[("EMAIL", &["values"])], Sensitivity::Moderate)
            ),
            Action::Mask
        );
        assert_eq!(
            action_for(
                &rules,
                &column(&[("EMAIL", &["free_text"])], Sensitivity::Moderate)
            ),
            Action::MaskSpans
        );
        let custom = RuleSetBuilder::new()
            .add_source(
                "ip.toml",
                r#"
[[rule]]
id = "office_ip"
entity = "IP_ADDRESS"
description = "test"
sensitivity = "LOW"
redaction = "hash"
patterns = ['\b10\.\d+\.\d+\.\d+\b']
score = 0.9
"#,
            )
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(
            action_for(
                &custom,
                &column(&[("IP_ADDRESS", &["values"])], Sensitivity::Low)
            ),
            Action::Hash
        );
        assert_eq!(
            action_for(
                &rules,
                &column(&[("IP_ADDRESS", &["values"])], Sensitivity::Low)
            ),
            Action::Mask
        );
    }
}
