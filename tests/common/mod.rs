#![allow(dead_code)]
pub mod gen;

use std::collections::BTreeMap;

use piigate::Report;

#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Column-level evaluation: one decision per (table, column, entity).
pub struct Evaluation {
    pub per_entity: BTreeMap<String, Counts>,
    pub micro: Counts,
    /// "table.column: +FOUND -MISSED" lines.
    pub mistakes: Vec<String>,
}

pub fn evaluate(report: &Report, truth: &gen::Truth) -> Evaluation {
    let mut per_entity: BTreeMap<String, Counts> = BTreeMap::new();
    let mut micro = Counts::default();
    let mut mistakes = Vec::new();
    for t in &report.tables {
        let expected_cols = truth.get(&t.name).cloned().unwrap_or_default();
        for c in &t.columns {
            let expected: Vec<String> = expected_cols.get(&c.name).cloned().unwrap_or_default();
            let found: Vec<String> = c.entities.iter().map(|e| e.entity.clone()).collect();
            let mut line = Vec::new();
            for e in &found {
                let k = per_entity.entry(e.clone()).or_default();
                if expected.contains(e) {
                    k.tp += 1;
                    micro.tp += 1;
                } else {
                    k.fp += 1;
                    micro.fp += 1;
                    line.push(format!("+{e}"));
                }
            }
            for e in &expected {
                if !found.contains(e) {
                    per_entity.entry(e.clone()).or_default().fn_ += 1;
                    micro.fn_ += 1;
                    line.push(format!("-{e}"));
                }
            }
            if !line.is_empty() {
                mistakes.push(format!("{}.{}: {}", t.name, c.name, line.join(" ")));
            }
        }
    }
    Evaluation {
        per_entity,
        micro,
        mistakes,
    }
}

/// Claims of an approval of `manifest` for `dest` and `ops`, valid for five
/// minutes, binding no content (set `sensitivity`, `entities` and
/// `rules_digest` to bind it).
pub fn claims_for(
    manifest: &piigate::gate::Manifest,
    dest: &str,
    ops: Vec<piigate::gate::Op>,
) -> piigate::gate::token::ApprovalClaims {
    let now = time::OffsetDateTime::now_utc();
    piigate::gate::token::ApprovalClaims {
        jti: uuid::Uuid::new_v4().to_string(),
        iss: "test".into(),
        sub: "alice".into(),
        aud: "piigate-export".into(),
        iat: piigate::gate::token::rfc3339(now),
        nbf: piigate::gate::token::rfc3339(now),
        exp: piigate::gate::token::rfc3339(now + time::Duration::minutes(5)),
        approvers: vec!["bob".into()],
        dataset_id: "ds".into(),
        content_digest: manifest.digest(),
        report_digest: String::new(),
        policy_version: "1".into(),
        dest: dest.into(),
        ops,
        max_objects: 2,
        max_bytes: 1 << 30,
        redacted: false,
        endpoint: String::new(),
        digest_version: piigate::gate::digest::MANIFEST_VERSION,
        sensitivity: None,
        entities: None,
        rules_digest: String::new(),
    }
}
