//! Every rule's own positive and negative examples, run by the test suite and
//! `piigate rules test`.

use super::Detector;

/// Failures as "rule: positive/negative example #n" (values are rule authors'
/// own examples, not user data, but they are still not echoed).
pub fn run_examples(det: &Detector, only: Option<&str>) -> Vec<String> {
    let mut failures = Vec::new();
    for r in &det.rules.rules {
        if let Some(o) = only {
            if o != "all" && o != r.id && o != r.entity {
                continue;
            }
        }
        for (i, v) in r.examples.positive.iter().enumerate() {
            if !det.entities_in(v, None).contains(&r.entity) {
                failures.push(format!(
                    "{}: positive example #{} ({}) not detected as {}",
                    r.id,
                    i + 1,
                    det.rules.mask(&r.entity, v),
                    r.entity
                ));
            }
        }
        for (i, v) in r.examples.negative.iter().enumerate() {
            if det.entities_in(v, None).contains(&r.entity) {
                failures.push(format!(
                    "{}: negative example #{} ({}) wrongly detected as {}",
                    r.id,
                    i + 1,
                    det.rules.mask(&r.entity, v),
                    r.entity
                ));
            }
        }
    }
    failures
}
