//! Scan Arrow batches from your own pipeline and classify the columns.
//! `cargo run --example scan_batches`

use std::sync::Arc;

use arrow::array::{ArrayRef, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use piigate::classify_column;
use piigate::{RuleSet, Scanner, Thresholds};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rules = Arc::new(RuleSet::builtin()?);
    let scanner = Scanner::new(rules.clone());
    let schema = Arc::new(Schema::new(vec![
        Field::new("contact", DataType::Utf8, true),
        Field::new("note", DataType::Utf8, true),
    ]));

    // Two batches, as a stream would deliver them; profiles merge.
    let batch =
        |contacts: Vec<&str>, notes: Vec<&str>| -> Result<RecordBatch, arrow::error::ArrowError> {
            let c: ArrayRef = Arc::new(StringArray::from(contacts));
            let n: ArrayRef = Arc::new(StringArray::from(notes));
            RecordBatch::try_new(schema.clone(), vec![c, n])
        };
    let mut profiles = scanner.scan_batch(&batch(
        vec!["ana.silva@example.com", "+44 20 7946 0958"],
        vec!["shipped", "refund sent"],
    )?);
    for (p, q) in profiles.iter_mut().zip(scanner.scan_batch(&batch(
        vec!["li.wei@example.net", "(212) 736-5000"],
        vec!["call back", "ok"],
    )?)) {
        p.merge(&q);
    }
    for p in &profiles {
        let c = classify_column(&rules, p, &Thresholds::default());
        let tags: Vec<String> = c
            .entities
            .iter()
            .map(|e| {
                format!(
                    "{} ({:.0}%, e.g. {})",
                    e.entity,
                    e.match_ratio * 100.0,
                    e.examples.join(", ")
                )
            })
            .collect();
        println!("{:<8} {:<9} {}", c.name, c.sensitivity, tags.join("; "));
    }
    Ok(())
}
