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
    #[default]
    None,
    Low,
    Moderate,
    High,
}

impl Sensitivity {
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub engine: Engine,
    pub rules: RulesInfo,
    pub dataset: DatasetInfo,
    pub tables: Vec<TableReport>,
    pub summary: Summary,
    pub elapsed_ms: u64,
    /// Inputs that could not be read; the rest of the report stands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<InputError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Engine {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulesInfo {
    pub digest: String,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetInfo {
    pub inputs: Vec<String>,
    pub content_digest: String,
    pub rows: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableReport {
    pub name: String,
    pub source: String,
    pub rows: u64,
    pub rows_scanned: u64,
    pub columns: Vec<ColumnReport>,
    #[serde(default)]
    pub sensitivity: Sensitivity,
    /// Values skipped with a warning (invalid UTF-8, oversized) per column are in the columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnReport {
    pub name: String,
    pub data_type: String,
    pub rows_scanned: u64,
    pub null_count: u64,
    pub entities: Vec<EntityReport>,
    pub sensitivity: Sensitivity,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skipped_values: u64,
    /// Empty strings and placeholders such as "n/a", not counted as values.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub blank_count: u64,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityReport {
    #[serde(rename = "type")]
    pub entity: String,
    pub confidence: f64,
    pub matched_rows: u64,
    pub match_ratio: f64,
    /// `values`, `checksum`, `column_name`, `context`, `free_text`, `neighbours`.
    pub evidence: Vec<String>,
    /// Masked: never a raw value.
    pub examples: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    pub sensitivity: Sensitivity,
    pub entities: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputError {
    pub source: String,
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
