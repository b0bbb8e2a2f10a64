//! Every rule's own positive and negative examples.

use std::sync::Arc;

use piigate::Detector;
use piigate::RuleSet;

#[test]
fn every_rule_passes_its_own_examples() {
    let det = Detector::new(Arc::new(RuleSet::builtin().unwrap()));
    let failures = det.run_examples(None);
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_entity_label_has_a_rule() {
    let rules = RuleSet::builtin().unwrap();
    for label in piigate::ENTITY_LABELS {
        assert!(
            rules.rules().iter().any(|r| r.entity == *label),
            "no rule emits {label}"
        );
    }
    for r in rules.rules() {
        assert!(
            !r.examples.positive.is_empty() && !r.examples.negative.is_empty(),
            "rule {} needs positive and negative examples",
            r.id
        );
    }
}

#[test]
fn committed_schema_is_current() {
    let schema = piigate::json_schema();
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/schema.json"))
            .expect("rules/schema.json");
    assert_eq!(
        schema.trim(),
        committed.trim(),
        "regenerate with `piigate rules schema > rules/schema.json`"
    );
}

#[test]
fn invalid_rule_files_name_file_line_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.toml"), "[[rule]]\nid = \"my_rule\"\nentity = \"EMAIL\"\ndescription = \"x\"\nsensitivity = \"LOW\"\nscore = 0.5\npatterns = ['(unclosed']\n").unwrap();
    let err = RuleSet::with_dirs(&[dir.path()]).unwrap_err().to_string();
    assert!(
        err.contains("bad.toml") && err.contains("my_rule") && err.contains("invalid pattern"),
        "{err}"
    );

    std::fs::write(
        dir.path().join("bad.toml"),
        "[[rule]]\nid = \"x\"\nentity = \"EMAIL\"\nbogus = 1\n",
    )
    .unwrap();
    let err = RuleSet::with_dirs(&[dir.path()]).unwrap_err().to_string();
    assert!(err.contains("bad.toml:") && err.contains("bogus"), "{err}");

    std::fs::write(dir.path().join("bad.toml"), "[[rule]]\nid = \"y\"\nentity = \"NOT_A_LABEL\"\ndescription = \"x\"\nsensitivity = \"LOW\"\nscore = 0.5\npatterns = ['a']\n").unwrap();
    let err = RuleSet::with_dirs(&[dir.path()]).unwrap_err().to_string();
    assert!(err.contains("NOT_A_LABEL"), "{err}");
}

#[test]
fn user_rules_override_and_extend() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("acme.toml"),
        r#"
[[rule]]
id = "acme_employee_id"
entity = "SECRET_TOKEN"
description = "ACME badge ids"
sensitivity = "HIGH"
patterns = ['\bACME-\d{6}\b']
score = 0.9
anchors = ["ACME-"]
examples.positive = ["ACME-123456"]
examples.negative = ["ACME-12"]

[[rule]]
id = "url"
entity = "URL"
description = "switched off"
sensitivity = "LOW"
patterns = ['x']
score = 0.5
enabled = false
"#,
    )
    .unwrap();
    let rules = Arc::new(RuleSet::with_dirs(&[dir.path()]).unwrap());
    assert!(rules.get("url").is_none());
    let det = Detector::new(rules.clone());
    assert_eq!(
        det.entities_in("badge ACME-123456", None),
        vec!["SECRET_TOKEN"]
    );
    assert!(det.entities_in("https://example.com/x", None).is_empty());
    assert_ne!(rules.digest(), RuleSet::builtin().unwrap().digest());
}

/// In a paragraph, a context word counts only near the match: "dates of
/// birth" among the kinds of data a breach exposed says nothing of the
/// date of the break-in two sentences on; beside the date it does.
#[test]
fn context_words_count_near_the_match_in_long_text() {
    let det = Detector::new(Arc::new(RuleSet::builtin().unwrap()));
    let far = "The records held names, addresses and dates of birth of the \
               patients of the practice. After a long review of the office's \
               procedures and of its backups, the laptop was reported stolen \
               on December 11, 2009.";
    assert!(!det
        .entities_in(far, None)
        .contains(&"DATE_OF_BIRTH".to_string()));
    let near = "After a long review of the office's procedures and of its \
                backups, the new patient, born on December 11, 1959, was \
                registered with the practice in the autumn of that year.";
    assert!(det
        .entities_in(near, None)
        .contains(&"DATE_OF_BIRTH".to_string()));
    // A short value is near throughout.
    assert!(det
        .entities_in("Date of birth of the new patient 11/12/1959", None)
        .contains(&"DATE_OF_BIRTH".to_string()));
}
