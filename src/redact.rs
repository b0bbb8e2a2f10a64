//! Redaction for `export --redact` (and the SQL functions): a documented policy
//! per column, applied to a copy of the data.
//!
//! Policy, by the most sensitive entity of a column (docs/REDACTION.md):
//! - credentials (`SECRET_TOKEN`, `AWS_ACCESS_KEY`): the value is dropped (null);
//! - HIGH: keyed hash, `h:` + 16 hex digits of HMAC-SHA256(key, value), so joins
//!   still work but the value cannot be recovered without the key;
//! - MODERATE and LOW: masked, keeping the format (`j***@e***.com`);
//! - free-text columns: only the detected spans are masked.
//! Untagged columns are copied unchanged.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::detect::{ColumnHints, Detector, Scratch};
use crate::report::{ColumnReport, Sensitivity};
use crate::source::{InputFile, Location};
use crate::{Error, Result, RuleSet};

/// What happens to a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Keep,
    Mask,
    MaskSpans,
    Hash,
    Drop,
}

pub fn action_for(c: &ColumnReport) -> Action {
    if c.entities.is_empty() {
        return Action::Keep;
    }
    if c.entities
        .iter()
        .any(|e| e.entity == "SECRET_TOKEN" || e.entity == "AWS_ACCESS_KEY")
    {
        return Action::Drop;
    }
    if c.entities
        .iter()
        .any(|e| e.evidence.iter().any(|x| x == "free_text"))
    {
        return Action::MaskSpans;
    }
    if c.sensitivity == Sensitivity::High {
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

/// Mask every detected span of `text`, keeping the rest.
pub fn mask_spans(det: &Detector, text: &str, only: Option<&str>, scratch: &mut Scratch) -> String {
    let hints = ColumnHints::none(&det.rules);
    det.detect(text, &hints, scratch);
    let lead = text.len() - text.trim_start().len();
    let mut spans: Vec<(usize, usize, String)> = scratch
        .hits
        .iter()
        .filter(|h| only.is_none_or(|e| det.rule(h.rule).entity == e))
        .map(|h| {
            (
                h.start + lead,
                h.end + lead,
                det.rule(h.rule).entity.clone(),
            )
        })
        .collect();
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (s, e, ent) in spans {
        if s < pos {
            continue;
        }
        out.push_str(&text[pos..s]);
        out.push_str(&crate::mask::mask(&ent, &text[s..e]));
        pos = e;
    }
    out.push_str(&text[pos..]);
    out
}

fn redact_column(
    arr: &ArrayRef,
    col: &ColumnReport,
    det: &Detector,
    key: Option<&[u8]>,
) -> Result<ArrayRef> {
    let action = action_for(col);
    if action == Action::Keep {
        return Ok(arr.clone());
    }
    let strings = arrow::compute::cast(arr, &DataType::Utf8)
        .map_err(|e| Error::Other(format!("column {}: {e}", col.name)))?;
    let s = strings.as_string::<i32>();
    let entity = col
        .entities
        .first()
        .map(|e| e.entity.clone())
        .unwrap_or_default();
    let mut scratch = Scratch::default();
    let mut out: Vec<Option<String>> = Vec::with_capacity(s.len());
    for i in 0..s.len() {
        if s.is_null(i) {
            out.push(None);
            continue;
        }
        let v = s.value(i);
        out.push(match action {
            Action::Keep => Some(v.to_string()),
            Action::Drop => None,
            Action::Mask => Some(crate::mask::mask(&entity, v)),
            Action::MaskSpans => Some(mask_spans(det, v, None, &mut scratch)),
            Action::Hash => {
                let k = key.ok_or_else(|| {
                    Error::Config(format!(
                        "column {} needs a keyed hash: set PIIGATE_REDACT_KEY",
                        col.name
                    ))
                })?;
                Some(keyed_hash(k, v))
            }
        });
    }
    Ok(Arc::new(StringArray::from(out)))
}

/// Write a redacted copy of a local Parquet input to `dst`.
pub fn redact_file(
    f: &InputFile,
    dst: &Path,
    rules: Arc<RuleSet>,
    key: Option<&str>,
) -> Result<InputFile> {
    if f.format != crate::source::Format::Parquet {
        return Err(Error::input(&f.source, "--redact supports Parquet inputs"));
    }
    let report = crate::scan_inputs(
        &[f.source.clone()],
        rules.clone(),
        &crate::ScanConfig {
            digest: false,
            ..Default::default()
        },
        &crate::NoProgress,
    )?;
    if let Some(e) = report.errors.first() {
        return Err(Error::input(&e.source, &e.error));
    }
    let table = report
        .tables
        .into_iter()
        .next()
        .ok_or_else(|| Error::input(&f.source, "no table"))?;
    let (schema, batches) = crate::source::read_local_batches(f)?;
    let det = Detector::new(rules);
    let key = key.map(str::as_bytes);
    let cols: Vec<Option<&ColumnReport>> = schema
        .fields()
        .iter()
        .map(|fl| table.columns.iter().find(|c| &c.name == fl.name()))
        .collect();
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .zip(&cols)
        .map(|(fl, c)| match c {
            Some(c) if action_for(c) != Action::Keep => Field::new(fl.name(), DataType::Utf8, true),
            _ => fl.as_ref().clone(),
        })
        .collect();
    let out_schema = Arc::new(Schema::new(fields));
    if let Some(dir) = dst.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
    }
    let file = std::fs::File::create(dst).map_err(|e| Error::io(dst.display().to_string(), e))?;
    let mut w = parquet::arrow::ArrowWriter::try_new(file, out_schema.clone(), None)
        .map_err(|e| Error::Other(e.to_string()))?;
    for b in batches {
        let mut arrays = Vec::with_capacity(b.num_columns());
        for (i, a) in b.columns().iter().enumerate() {
            arrays.push(match cols[i] {
                Some(c) => redact_column(a, c, &det, key)?,
                None => a.clone(),
            });
        }
        let rb = RecordBatch::try_new(out_schema.clone(), arrays)
            .map_err(|e| Error::Other(e.to_string()))?;
        w.write(&rb).map_err(|e| Error::Other(e.to_string()))?;
    }
    w.close().map_err(|e| Error::Other(e.to_string()))?;
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
            &mut s,
        );
        assert_eq!(out, "mail j***@e***.com or call +# (###) ###-####");
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
}
