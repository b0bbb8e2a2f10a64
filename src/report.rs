//! The scan report (`schema_version: 1`, a public contract: outside tools
//! read it) and its renderings.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Sensitivity of a column, a table or a dataset.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Sensitivity {
    /// No PII found.
    #[default]
    None,
    /// PII of low sensitivity (a MAC address, a URL).
    Low,
    /// PII that identifies a person with other data (a name, an e-mail, a phone, an IP address).
    Moderate,
    /// PII that harms on its own (national ids, card numbers, credentials).
    High,
}

impl Sensitivity {
    /// The level's name as the report writes it (`NONE`, `LOW`, `MODERATE`, `HIGH`).
    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::None => "NONE",
            Sensitivity::Low => "LOW",
            Sensitivity::Moderate => "MODERATE",
            Sensitivity::High => "HIGH",
        }
    }
}

impl std::str::FromStr for Sensitivity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_uppercase().as_str() {
            "NONE" => Ok(Sensitivity::None),
            "LOW" => Ok(Sensitivity::Low),
            "MODERATE" => Ok(Sensitivity::Moderate),
            "HIGH" => Ok(Sensitivity::High),
            _ => Err(format!(
                "unknown sensitivity level {s:?} (NONE, LOW, MODERATE, HIGH)"
            )),
        }
    }
}

impl std::fmt::Display for Sensitivity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A scan's report: what piigate found in each column of each input (the JSON of `piigate scan --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The report format's version.
    pub schema_version: u32,
    /// The program that wrote it.
    pub engine: EngineInfo,
    /// The rules it was made with.
    pub rules: RulesInfo,
    /// What was scanned.
    pub dataset: DatasetInfo,
    /// One report per input table.
    pub tables: Vec<TableReport>,
    /// The highest sensitivity and the entity counts over all tables.
    pub summary: Summary,
    /// Wall time of the scan in milliseconds.
    pub elapsed_ms: u64,
    /// Inputs that could not be read; the rest of the report stands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<InputError>,
}

/// The program that wrote a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngineInfo {
    /// `piigate`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// The rules a report was made with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulesInfo {
    /// `sha256:` digest of the rule set (what an approval binds).
    pub digest: String,
    /// How many rules ran.
    pub count: usize,
}

/// What a report covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetInfo {
    /// The inputs as the user named them.
    pub inputs: Vec<String>,
    /// `sha256:` digest of the manifest of every input byte (empty with `--no-digest`).
    pub content_digest: String,
    /// Rows over all tables.
    pub rows: u64,
    /// Bytes over all inputs.
    pub bytes: u64,
}

/// One input table's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableReport {
    /// The table's name (the input's path relative to its root, without extension).
    pub name: String,
    /// The input as the user named it.
    pub source: String,
    /// Rows in the table.
    pub rows: u64,
    /// Rows the scan looked at (fewer when sampled).
    pub rows_scanned: u64,
    /// One report per leaf column (nested fields by dotted path).
    pub columns: Vec<ColumnReport>,
    /// The highest sensitivity of its columns.
    #[serde(default)]
    pub sensitivity: Sensitivity,
    /// Values skipped with a warning (invalid UTF-8, oversized) per column are in the columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// One column's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnReport {
    /// The column's name (a dotted path for nested fields).
    pub name: String,
    /// Its Arrow data type.
    pub data_type: String,
    /// Rows the scan looked at.
    pub rows_scanned: u64,
    /// Nulls among them.
    pub null_count: u64,
    /// The entities reported, most matched first.
    pub entities: Vec<EntityReport>,
    /// The highest sensitivity of its entities.
    pub sensitivity: Sensitivity,
    /// Values skipped with a warning (invalid UTF-8, oversized).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skipped_values: u64,
    /// Empty strings and placeholders such as "n/a", not counted as values.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub blank_count: u64,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// One entity found in a column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityReport {
    /// The entity label (`EMAIL`, `US_SSN`, …).
    #[serde(rename = "type")]
    pub entity: String,
    /// How sure the decision is, from 0 to 1.
    pub confidence: f64,
    /// Rows holding the entity.
    pub matched_rows: u64,
    /// `matched_rows` over the non-null, non-blank rows scanned.
    pub match_ratio: f64,
    /// `values`, `checksum`, `column_name`, `context`, `free_text`, `neighbours`.
    pub evidence: Vec<String>,
    /// Masked: never a raw value.
    pub examples: Vec<String>,
}

/// The report's summary over all tables.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    /// The highest sensitivity found.
    pub sensitivity: Sensitivity,
    /// Per entity, the number of columns reporting it.
    pub entities: BTreeMap<String, u64>,
}

/// An input that could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputError {
    /// The input as the user named it.
    pub source: String,
    /// Why it could not be read.
    pub error: String,
}

impl Report {
    /// `sha256:` digest of the canonical JSON of the parts an approver relies on
    /// (tables, tags, sensitivity, content digest) — not timings.
    pub fn digest(&self) -> String {
        let canon = serde_json::json!({
            "schema_version": self.schema_version,
            "rules": self.rules.digest,
            "dataset": self.dataset.content_digest,
            "tables": self.tables.iter().map(|t| serde_json::json!({
                "name": t.name,
                "columns": t.columns.iter().map(|c| serde_json::json!({
                    "name": c.name,
                    "sensitivity": c.sensitivity,
                    "entities": c.entities.iter().map(|e| e.entity.clone()).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "summary": self.summary,
        });
        format!(
            "sha256:{}",
            hex::encode(Sha256::digest(
                serde_json::to_vec(&canon).unwrap_or_default()
            ))
        )
    }

    /// Entities per table and column, for tags and approvals.
    pub fn table(&self, name: &str) -> Option<&TableReport> {
        self.tables
            .iter()
            .find(|t| t.name == name || t.source == name)
    }

    /// A readable table for terminals.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        for t in &self.tables {
            let _ = writeln!(
                out,
                "{} ({} rows, {} scanned) — {}",
                t.name, t.rows, t.rows_scanned, t.sensitivity
            );
            let w = t
                .columns
                .iter()
                .map(|c| c.name.chars().count())
                .max()
                .unwrap_or(6)
                .clamp(6, 40);
            let _ = writeln!(
                out,
                "  {:<w$}  {:<9}  {:<8}  ENTITIES",
                "COLUMN", "SENSITIV.", "NULLS"
            );
            for c in &t.columns {
                let ents: Vec<String> = c
                    .entities
                    .iter()
                    .map(|e| {
                        format!(
                            "{} {:.2} ({:.0}%) e.g. {}",
                            e.entity,
                            e.confidence,
                            e.match_ratio * 100.0,
                            e.examples.first().map(String::as_str).unwrap_or("-")
                        )
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "  {:<w$}  {:<9}  {:<8}  {}",
                    truncate(&c.name, 40),
                    c.sensitivity.as_str(),
                    c.null_count,
                    if ents.is_empty() {
                        "-".to_string()
                    } else {
                        ents.join("; ")
                    }
                );
            }
            out.push('\n');
        }
        for e in &self.errors {
            let _ = writeln!(out, "error: {}: {}", e.source, e.error);
        }
        let ents: Vec<String> = self
            .summary
            .entities
            .iter()
            .map(|(k, v)| format!("{k}×{v}"))
            .collect();
        let _ = writeln!(
            out,
            "dataset: {} rows, {} bytes, sensitivity {}, entities: {} ({} ms)",
            self.dataset.rows,
            self.dataset.bytes,
            self.summary.sensitivity,
            if ents.is_empty() {
                "none".into()
            } else {
                ents.join(", ")
            },
            self.elapsed_ms
        );
        out
    }

    /// NDJSON: one line per column, then one summary line.
    pub fn to_ndjson(&self) -> String {
        let mut out = String::new();
        for t in &self.tables {
            for c in &t.columns {
                let line = serde_json::json!({"kind": "column", "table": t.name, "source": t.source, "column": c});
                out.push_str(&line.to_string());
                out.push('\n');
            }
        }
        let line = serde_json::json!({"kind": "summary", "schema_version": self.schema_version, "dataset": self.dataset, "summary": self.summary, "rules": self.rules, "errors": self.errors, "elapsed_ms": self.elapsed_ms});
        out.push_str(&line.to_string());
        out.push('\n');
        out
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
