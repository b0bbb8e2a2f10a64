//! What a request's report must say, and what the server derives from it.
//!
//! A requester sends the report its scan made: the rules digest, each table's
//! columns with their entities and levels, and the summary. `piigate request`
//! sends the short form (entities as labels); the full `piigate scan --format
//! json` report is accepted too (entities as objects with a `type`). The
//! server reads it into these types, so a report of another shape is refused
//! with the field that is wrong, and then checks that its levels agree with
//! the sensitivity policy: a column holding `US_SSN` cannot say `LOW`, a table
//! cannot say less than its columns, the summary less than its tables, and the
//! summary must list every entity of every column. The request's sensitivity
//! and entities are derived from the checked report, never taken from the
//! requester's word.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::report::Sensitivity;
use crate::RuleSet;

#[derive(Debug, Deserialize)]
struct RulesRef {
    digest: String,
}

#[derive(Debug, Deserialize)]
struct Summary {
    sensitivity: Sensitivity,
    #[serde(default)]
    entities: BTreeMap<String, u64>,
}

/// An entity as `piigate request` sends it (a label) or as the full report
/// has it (an object with `type`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum EntityRef {
    Label(String),
    Full {
        #[serde(rename = "type")]
        entity: String,
    },
}

impl EntityRef {
    fn label(&self) -> &str {
        match self {
            EntityRef::Label(s) | EntityRef::Full { entity: s } => s,
        }
    }
}

#[derive(Debug, Deserialize)]
struct Column {
    name: String,
    sensitivity: Sensitivity,
    #[serde(default)]
    entities: Vec<EntityRef>,
}

#[derive(Debug, Deserialize)]
struct Table {
    name: String,
    sensitivity: Sensitivity,
    #[serde(default)]
    columns: Vec<Column>,
}

#[derive(Debug, Deserialize)]
struct Wire {
    #[serde(default)]
    schema_version: Option<u32>,
    rules: RulesRef,
    summary: Summary,
    #[serde(default)]
    tables: Vec<Table>,
}

/// A report that passed the checks, and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedReport {
    /// The digest of the rules the scan used.
    pub rules_digest: String,
    /// The highest level anywhere in the report.
    pub sensitivity: Sensitivity,
    /// Every entity label of every column, sorted.
    pub entities: Vec<String>,
}

/// Read and check `report` against the sensitivity policy of `policy` (the
/// server's rules). With `custom_rules`, labels the server's rules do not
/// know are allowed (the report's own levels stand for them); without, such a
/// label is refused.
pub fn check(
    report: &serde_json::Value,
    policy: &RuleSet,
    custom_rules: bool,
) -> Result<CheckedReport, String> {
    let w: Wire = serde_json::from_value(report.clone())
        .map_err(|e| format!("the report does not have the report's shape: {e}"))?;
    if let Some(v) = w.schema_version {
        if v != 1 {
            return Err(format!("report schema_version {v} is not supported (1 is)"));
        }
    }
    if w.rules.digest.trim().is_empty() {
        return Err("the report must name the rules it was made with (rules.digest)".into());
    }
    let known: BTreeSet<&str> = policy.rules.iter().map(|r| r.entity.as_str()).collect();
    let mut entities = BTreeSet::new();
    let mut highest = w.summary.sensitivity;
    for t in &w.tables {
        let mut table_min = Sensitivity::None;
        let mut has = BTreeSet::new();
        for c in &t.columns {
            for e in &c.entities {
                let label = e.label();
                if label.is_empty() {
                    return Err(format!(
                        "table {:?}, column {:?}: an entity without a label",
                        t.name, c.name
                    ));
                }
                let level = if known.contains(label) {
                    policy.sensitivity_of(label)
                } else if custom_rules {
                    Sensitivity::Low
                } else {
                    return Err(format!(
                        "table {:?}, column {:?}: {label:?} is not an entity of this service's rules",
                        t.name, c.name
                    ));
                };
                if c.sensitivity < level {
                    return Err(format!(
                        "table {:?}, column {:?} states {} but holds {label}, which is {}",
                        t.name,
                        c.name,
                        c.sensitivity.as_str(),
                        level.as_str()
                    ));
                }
                has.insert(label.to_string());
            }
            table_min = table_min.max(c.sensitivity);
        }
        // Entities that identify a person together (a name with a birth
        // date or a street address) raise the table as the scanner does.
        if let Some(s) = policy.combined_sensitivity(|e| has.contains(e)) {
            table_min = table_min.max(s);
        }
        if t.sensitivity < table_min {
            return Err(format!(
                "table {:?} states {} but its columns make it {}",
                t.name,
                t.sensitivity.as_str(),
                table_min.as_str()
            ));
        }
        if w.summary.sensitivity < t.sensitivity {
            return Err(format!(
                "the summary states {} but table {:?} is {}",
                w.summary.sensitivity.as_str(),
                t.name,
                t.sensitivity.as_str()
            ));
        }
        highest = highest.max(t.sensitivity);
        entities.extend(has);
    }
    if let Some(missing) = entities
        .iter()
        .find(|e| !w.summary.entities.contains_key(e.as_str()))
    {
        return Err(format!(
            "the summary does not list {missing}, which a column holds"
        ));
    }
    // Entities only the summary names still count.
    entities.extend(w.summary.entities.keys().cloned());
    Ok(CheckedReport {
        rules_digest: w.rules.digest,
        sensitivity: highest,
        entities: entities.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules() -> RuleSet {
        RuleSet::builtin().unwrap()
    }

    fn report(col_level: &str, table_level: &str, summary_level: &str) -> serde_json::Value {
        json!({
            "rules": {"digest": "sha256:x", "count": 3},
            "tables": [{"name": "t", "sensitivity": table_level, "columns": [
                {"name": "ssn", "sensitivity": col_level, "entities": ["US_SSN"]},
                {"name": "note", "sensitivity": "NONE", "entities": []}
            ]}],
            "summary": {"sensitivity": summary_level, "entities": {"US_SSN": 10}}
        })
    }

    #[test]
    fn a_consistent_report_gives_its_level_and_entities() {
        let c = check(&report("HIGH", "HIGH", "HIGH"), &rules(), false).unwrap();
        assert_eq!(c.sensitivity, Sensitivity::High);
        assert_eq!(c.entities, vec!["US_SSN".to_string()]);
        assert_eq!(c.rules_digest, "sha256:x");
    }

    #[test]
    fn levels_below_the_policy_are_refused_at_every_level() {
        let e = check(&report("LOW", "LOW", "LOW"), &rules(), false).unwrap_err();
        assert!(
            e.contains("column \"ssn\" states LOW but holds US_SSN, which is HIGH"),
            "{e}"
        );
        let e = check(&report("HIGH", "LOW", "LOW"), &rules(), false).unwrap_err();
        assert!(e.contains("table \"t\" states LOW"), "{e}");
        let e = check(&report("HIGH", "HIGH", "NONE"), &rules(), false).unwrap_err();
        assert!(e.contains("the summary states NONE"), "{e}");
    }

    #[test]
    fn a_name_with_a_birth_date_makes_the_table_high() {
        let r = json!({
            "rules": {"digest": "sha256:x"},
            "tables": [{"name": "p", "sensitivity": "MODERATE", "columns": [
                {"name": "n", "sensitivity": "MODERATE", "entities": [{"type": "PERSON_NAME", "confidence": 0.9}]},
                {"name": "d", "sensitivity": "MODERATE", "entities": [{"type": "DATE_OF_BIRTH"}]}
            ]}],
            "summary": {"sensitivity": "MODERATE", "entities": {"PERSON_NAME": 1, "DATE_OF_BIRTH": 1}}
        });
        let e = check(&r, &rules(), false).unwrap_err();
        assert!(e.contains("its columns make it HIGH"), "{e}");
    }

    #[test]
    fn shape_labels_and_summary_are_checked() {
        let e = check(
            &json!({"summary": {"sensitivity": "HIGH"}}),
            &rules(),
            false,
        )
        .unwrap_err();
        assert!(e.contains("shape"), "{e}");
        let e = check(
            &json!({"rules": {"digest": "d"}, "tables": [], "summary": {"sensitivity": "SECRET"}}),
            &rules(),
            false,
        )
        .unwrap_err();
        assert!(e.contains("shape"), "{e}");
        let mut r = report("HIGH", "HIGH", "HIGH");
        r["tables"][0]["columns"][1]["entities"] = json!(["FAVOURITE_COLOUR"]);
        r["tables"][0]["columns"][1]["sensitivity"] = json!("LOW");
        r["summary"]["entities"]["FAVOURITE_COLOUR"] = json!(1);
        let e = check(&r, &rules(), false).unwrap_err();
        assert!(e.contains("not an entity of this service's rules"), "{e}");
        assert!(
            check(&r, &rules(), true).is_ok(),
            "custom rule sets name their own"
        );
        let mut r = report("HIGH", "HIGH", "HIGH");
        r["summary"]["entities"] = json!({});
        let e = check(&r, &rules(), false).unwrap_err();
        assert!(e.contains("does not list US_SSN"), "{e}");
    }
}

/// One entity of a column, as a report shows it to a reviewer.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownEntity {
    pub label: String,
    /// Share of the scanned non-null values that held it (full reports only).
    pub match_ratio: Option<f64>,
    pub matched_rows: Option<u64>,
    /// The scanner's masked examples (full reports only).
    pub examples: Vec<String>,
}

/// A column that holds PII, as a report shows it to a reviewer.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownColumn {
    pub table: String,
    pub column: String,
    pub sensitivity: Sensitivity,
    pub entities: Vec<ShownEntity>,
}

/// The PII columns of a stored report (already checked at creation), for the
/// review page and notifications; columns without entities are left out.
/// Reads both the short form `piigate request` sends and the full report.
pub fn shown_columns(report: &serde_json::Value) -> Vec<ShownColumn> {
    let mut out = Vec::new();
    let Some(tables) = report.get("tables").and_then(|t| t.as_array()) else {
        return out;
    };
    let text = |v: &serde_json::Value, k: &str| {
        v.get(k)
            .and_then(|s| s.as_str())
            .unwrap_or_default()
            .to_string()
    };
    for t in tables {
        for c in t
            .get("columns")
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
        {
            let entities: Vec<ShownEntity> = c
                .get("entities")
                .and_then(|e| e.as_array())
                .into_iter()
                .flatten()
                .filter_map(|e| match e {
                    serde_json::Value::String(s) => Some(ShownEntity {
                        label: s.clone(),
                        match_ratio: None,
                        matched_rows: None,
                        examples: Vec::new(),
                    }),
                    serde_json::Value::Object(_) => Some(ShownEntity {
                        label: text(e, "type"),
                        match_ratio: e.get("match_ratio").and_then(|r| r.as_f64()),
                        matched_rows: e.get("matched_rows").and_then(|r| r.as_u64()),
                        examples: e
                            .get("examples")
                            .and_then(|x| x.as_array())
                            .into_iter()
                            .flatten()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .take(3)
                            .collect(),
                    }),
                    _ => None,
                })
                .collect();
            if entities.is_empty() {
                continue;
            }
            out.push(ShownColumn {
                table: text(t, "name"),
                column: text(c, "name"),
                sensitivity: c
                    .get("sensitivity")
                    .and_then(|s| serde_json::from_value(s.clone()).ok())
                    .unwrap_or_default(),
                entities,
            });
        }
    }
    out
}

/// Rows in the report's tables, when it says.
pub fn shown_rows(report: &serde_json::Value) -> Option<u64> {
    let tables = report.get("tables")?.as_array()?;
    let mut n = 0u64;
    for t in tables {
        n = n.saturating_add(t.get("rows")?.as_u64()?);
    }
    Some(n)
}
