//! Column decision: from a `ColumnProfile` to the entities a column holds, with
//! confidence, evidence and a sensitivity level. The thresholds are documented
//! in `docs/CLASSIFICATION.md` and configurable through `Thresholds`.

use std::collections::BTreeMap;

use crate::detect::ColumnHints;
use crate::report::{ColumnReport, EntityReport, Sensitivity, TableReport};
use crate::scan::{ColumnProfile, TableProfile};
use crate::validators::{Strength, Validator};
use crate::RuleSet;

/// Decision thresholds.
#[derive(Debug, Clone)]
pub struct Thresholds {
    /// Share of a structured column's values that must validate, with no column-name support.
    pub min_ratio: f64,
    /// The same with a supporting column name.
    pub min_ratio_hinted: f64,
    /// The same for an entity with a strong check (a card's Luhn sum and
    /// issuer, an IBAN's mod 97, a CPF's two digits, an e-mail's form),
    /// which random values pass far less often than this share: a memo
    /// column with an IBAN in a third of its rows holds account numbers.
    pub min_ratio_strong: f64,
    /// In a column where validated values of several entities together reach
    /// `min_ratio`, each entity that alone explains this share is reported.
    pub min_share_mixed: f64,
    /// A column is free text when at least this share of its values is prose.
    pub free_text_share: f64,
    /// In free text: minimum rows with validated hits for checksum-backed entities…
    pub free_text_min_rows: u64,
    /// …and minimum share of rows for entities without a checksum.
    pub free_text_min_ratio_weak: f64,
    /// An entity whose matches mostly coincide with a stronger one's (a phone-shaped
    /// NHS number) is kept only if it reaches this share of the best entity's ratio.
    pub dominance: f64,
    /// Entities below this confidence are not reported.
    pub min_confidence: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_ratio: 0.5,
            min_ratio_hinted: 0.25,
            min_ratio_strong: 0.25,
            min_share_mixed: 0.1,
            free_text_share: 0.5,
            free_text_min_rows: 2,
            free_text_min_ratio_weak: 0.01,
            dominance: 0.9,
            min_confidence: 0.3,
        }
    }
}

struct Candidate {
    entity: String,
    ratio: f64,
    rows: u64,
    unambiguous: u64,
    confidence: f64,
    evidence: Vec<String>,
    examples: Vec<String>,
}

/// Decide one column, on its own (`classify_table` also weighs the names
/// of the other columns of its table).
pub fn classify_column(rules: &RuleSet, p: &ColumnProfile, t: &Thresholds) -> ColumnReport {
    decide_column(rules, p, t, &[])
}

/// Values of a column a word must have been counted in before sharing it
/// says the column names things.
const THINGS_MIN_ROWS: u64 = 20;

/// Whether the whole-value matches of the `places_against` rules among
/// `members` mostly share one word that is no name word (see
/// `RuleStats::thing_words`).
fn things(members: &[(usize, &crate::scan::RuleStats)]) -> bool {
    members.iter().any(|(_, st)| {
        st.sketched_rows >= THINGS_MIN_ROWS
            && st
                .thing_words
                .iter()
                .max()
                .is_some_and(|&m| m * 2 >= st.sketched_rows)
    })
}

/// One-word values matched whole, from this many on, with fewer than
/// `FEW_WORDS_DISTINCT` distinct values among them, are categories.
const FEW_WORDS_MIN_ROWS: u64 = 50;
const FEW_WORDS_DISTINCT: usize = 5;

/// The values the `places_against` rules among `members` matched whole
/// that are one word, for telling categories and pets from names.
struct OneWords {
    /// Values with a hit of these rules.
    rows: u64,
    /// Of those, the one-word values matched whole…
    words: u64,
    /// …the common English words among them (`RuleStats::common_word_rows`)…
    common: u64,
    /// …and how many distinct ones (at most `WORD_KEYS` are kept).
    distinct: usize,
}

impl OneWords {
    fn of(members: &[(usize, &crate::scan::RuleStats)]) -> OneWords {
        let mut keys: Vec<u64> = members
            .iter()
            .flat_map(|(_, st)| st.word_keys.iter().copied())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        OneWords {
            rows: members.iter().map(|(_, st)| st.rows).sum(),
            words: members.iter().map(|(_, st)| st.word_rows).sum(),
            common: members.iter().map(|(_, st)| st.common_word_rows).sum(),
            distinct: keys.len(),
        }
    }

    /// Mostly one-word values that repeat a few distinct ones
    /// (`FEW_WORDS_MIN_ROWS`).
    fn few(&self) -> bool {
        self.words >= FEW_WORDS_MIN_ROWS
            && self.words * 2 >= self.rows
            && self.distinct < FEW_WORDS_DISTINCT
    }

    /// Mostly one-word values, every one a common English word, that are
    /// a category's levels (`COMMON_WORDS_MIN_ROWS`).
    fn common_levels(&self) -> bool {
        let repeated = self.distinct < FEW_WORDS_DISTINCT && self.words >= 2 * self.distinct as u64;
        self.words > 0
            && self.common == self.words
            && self.words * 2 >= self.rows
            && (repeated || self.words >= COMMON_WORDS_MIN_ROWS)
    }
}

/// One-word values matched whole that are all common English words and
/// no given names (`RuleStats::common_word_rows`: "Low", "High", "White",
/// "Good") are a category's levels when they repeat — fewer than
/// `FEW_WORDS_DISTINCT` distinct ones, each about twice or more — or when
/// there are this many of them: a column of surnames holds Johnsons and
/// Garcías, which are no English words, beside its Smiths and Whites.
const COMMON_WORDS_MIN_ROWS: u64 = 20;

/// One-word values a `name` column needs, and the share of them that
/// must be common English words with no hit, for its names to be pets'
/// (`ColumnProfile::common_word_values`): lists of dog and cat names hold
/// 9–27%; columns of people's given names, surnames or nicknames 0–4.4%.
const PETS_MIN_WORDS: u64 = 20;
const PETS_COMMON_WORDS: f64 = 0.06;

/// A structured column whose own name argues against people (`county`,
/// `hotel`) is still a column of names when this share of its values are
/// matched whole as names of two words or more ("Randy Gradishar"): names
/// filed under the wrong heading. Names of places and things reach it
/// rarely ("Blue Earth", "Lake of the Woods" are no names; "Jackson" is one
/// word).
const FULL_NAMES_OVER_COLUMN_NAME: f64 = 0.8;

/// Whether the `places_against` rules among `members` matched whole, in two
/// words or more, `FULL_NAMES_OVER_COLUMN_NAME` of the column's values.
fn mostly_full_names(
    members: &[(usize, &crate::scan::RuleStats)],
    rules: &RuleSet,
    values: f64,
) -> bool {
    let multi: u64 = members
        .iter()
        .filter(|(i, _)| rules.rules[*i].places_against)
        .map(|(_, st)| st.full_rows.saturating_sub(st.word_rows))
        .max()
        .unwrap_or(0);
    multi as f64 >= FULL_NAMES_OVER_COLUMN_NAME * values
}

/// Per rule: whether the column name `name` holds one of the rule's
/// `negative_sibling_hints` as a word, or as the start of one (`windspeed`
/// for `wind`): then it argues against the rule in the other columns of its
/// table.
fn says_against(rules: &RuleSet, name: &str) -> Vec<bool> {
    let words = crate::detect::column_words(name);
    rules
        .rules
        .iter()
        .map(|r| {
            r.negative_sibling_hints.iter().any(|h| {
                words
                    .iter()
                    .any(|w| w == h || (h.len() >= 4 && w.starts_with(h.as_str())))
            })
        })
        .collect()
}

/// Decide one column; `siblings[i]`: another column of its table argues
/// against rule `i` (`says_against`; empty when the column is decided alone).
fn decide_column(
    rules: &RuleSet,
    p: &ColumnProfile,
    t: &Thresholds,
    siblings: &[bool],
) -> ColumnReport {
    let hints = ColumnHints::from_column_name(rules, &p.name);
    let own = crate::detect::column_words(&p.name);
    // A column named for whose its values are, by a hint of the rule other
    // than its weak ones (`owner_name`), is not decided by its siblings.
    let role_named = |i: usize| {
        let r = &rules.rules[i];
        own.iter()
            .any(|w| r.column_hints.contains(w) && !r.weak_column_hints.contains(w))
    };
    let against = |i: usize| siblings.get(i).copied().unwrap_or(false) && !role_named(i);
    let values = p.values.max(1) as f64;
    let free_text = p.values > 0 && (p.free_text as f64 / values) >= t.free_text_share;
    let hit_ratio = p.hit_rows as f64 / values;
    let mut by_entity: BTreeMap<String, Candidate> = BTreeMap::new();

    // Group the rules that fired by entity; decide on the entity's union counts.
    let mut groups: BTreeMap<&str, Vec<(usize, &crate::scan::RuleStats)>> = BTreeMap::new();
    for (id, st) in &p.rules {
        if let Some((idx, rule)) = rules.rules.iter().enumerate().find(|(_, r)| &r.id == id) {
            if st.rows > 0 {
                groups
                    .entry(rule.entity.as_str())
                    .or_default()
                    .push((idx, st));
            }
        }
    }
    for (entity, members) in groups {
        if p.values == 0 {
            break;
        }
        let count = p.entities.get(entity).copied().unwrap_or_default();
        let rows = count
            .rows
            .max(members.iter().map(|(_, st)| st.rows).max().unwrap_or(0));
        let ratio = rows as f64 / values;
        let member_rules: Vec<&crate::rules::Rule> =
            members.iter().map(|(i, _)| &rules.rules[*i]).collect();
        let hints_of: Vec<i8> = members.iter().map(|(i, _)| hints.get(*i)).collect();
        // Supported if any of the entity's rules is named by the column; argued
        // against if some rule's negative hint fires and none supports.
        // The other columns say the rows are things the entity is not (a
        // `name` beside `species`): that argues against it as a negative
        // hint does, in a structured column whose name does not define it.
        let by_siblings = !free_text
            && members.iter().any(|(i, _)| against(*i))
            && !hints_of.iter().any(|&h| h >= 2);
        // A column whose name says it holds something else of this shape
        // (`message_id`) is not the entity, whatever its values.
        if hints_of.iter().any(|&h| h <= -2) && !hints_of.iter().any(|&h| h > 0) {
            continue;
        }
        let hint: i8 = if by_siblings {
            -1
        } else if hints_of.iter().any(|&h| h > 0) {
            1
        } else if hints_of.iter().any(|&h| h < 0) {
            -1
        } else {
            0
        };
        // Names of places: where half or more of the values this entity's
        // rules found are wholly a city's name, the column names towns, not
        // people ("Springfield", "Jackson"), unless its name defines the
        // entity (a `surname` column of Lincolns and Clintons).
        let places: u64 = members
            .iter()
            .filter(|(i, _)| rules.rules[*i].places_against)
            .map(|(_, st)| st.place_rows)
            .sum();
        let towns_argue = if members.iter().any(|(i, _)| role_named(*i)) {
            // In a column named for people by their role (`player`,
            // `judge`), a town that is also a name of the lists ("Irving",
            // "Jackson") is taken for the name: only the other towns, found
            // as names or not, argue against people, and they must make up
            // half of the column's values.
            let name_towns: u64 = members
                .iter()
                .filter(|(i, _)| rules.rules[*i].places_against)
                .map(|(_, st)| st.place_name_rows)
                .sum();
            let other = places.saturating_sub(name_towns) + p.place_values;
            other > 0 && other * 2 >= p.values
        } else {
            // In a column whose name supports the entity, the towns must
            // also make up half of all its values: a `scientist` column
            // holds Newton and Darwin, which are towns too, beside Curie and
            // Planck, which are not.
            let towns = !hints.watch_places || (places + p.place_values) * 2 >= p.values;
            places > 0 && places * 2 >= rows && towns
        };
        if towns_argue && !hints_of.iter().any(|&h| h >= 2) {
            continue;
        }
        // Names of animals: in a column named for names (not defining them)
        // whose values are mostly one word (matched whole by this entity's
        // rules or by none), where `PETS_COMMON_WORDS` of those words are
        // unmatched common English words and no given names
        // ("Bandit", "Boots", "Shadow" beside "Bella" and "Max"), the names
        // are pets', not people's (whose columns hold under 5%).
        let one_words = OneWords::of(&members);
        let words = p.word_values + one_words.words;
        let pets = hints.watch_places
            && words >= PETS_MIN_WORDS
            && words * 2 >= p.values
            && p.common_word_values as f64 >= PETS_COMMON_WORDS * words as f64;
        if pets && !hints_of.iter().any(|&h| h >= 2) {
            continue;
        }
        // Names of things: half or more of the values this entity's rules
        // matched whole share one capitalised word that is no name word
        // ("Margherita Pizza Small", "Baker Street Station"), unless the
        // column's name defines the entity.
        if things(&members) && !hints_of.iter().any(|&h| h >= 2) {
            continue;
        }
        // Categories: in a structured column whose name does not support
        // the entity, values matched whole that are mostly one word and
        // take only a few distinct values over many rows are a category
        // whose words are also surnames (roof styles "Gable", "Mansard"),
        // not people.
        if !free_text && hint <= 0 && one_words.few() {
            continue;
        }
        // The same for a few common English words, whatever the column's
        // name says unless it defines the entity: "Low" and "High" under
        // `supervisor`, "Black" and "White" under `defendant` are levels.
        if !free_text && !hints_of.iter().any(|&h| h >= 2) && one_words.common_levels() {
            continue;
        }
        let checksum = member_rules
            .iter()
            .any(|r| r.validator != Validator::None && r.validator != Validator::SecretEntropy);
        let any_strong = member_rules
            .iter()
            .any(|r| r.validator.strength() == Strength::Strong);
        let hint_only = member_rules.iter().all(|r| r.requires_hint);
        let context_rows: u64 = members.iter().map(|(_, st)| st.context_rows).sum();
        let score = member_rules.iter().map(|r| r.score).fold(0.0f32, f32::max) as f64;
        // Identifiers whose only check is a short digit checksum (NHS mod 11,
        // SIN and NPI Luhn, TFN, Aadhaar, ABA, PESEL, Steuer-ID) pass it by
        // chance for about one number in ten: a phone number in a note
        // does; a BIC's country code passes for a third of the words in
        // capitals of its shape (a drug's name in a subject line). In free
        // text they need a context word ("NHS", "SIN", "SWIFT"), the
        // column's name, or a large share of the rows.
        let digit_checksum = member_rules.iter().all(|r| {
            matches!(
                r.validator.strength(),
                Strength::WeakDigits | Strength::WeakLetters
            )
        });
        let passes = if free_text {
            let weak = !checksum && !hint_only;
            // A column name that argues against the entity (`release_notes`
            // for IP addresses, whose version strings look like them):
            // in prose, only hits beside the rule's own context words count.
            if hint < 0 && context_rows < t.free_text_min_rows {
                continue;
            }
            rows >= t.free_text_min_rows
                && (!weak
                    || ratio >= t.free_text_min_ratio_weak
                    || context_rows >= t.free_text_min_rows)
                && (!digit_checksum
                    || hint > 0
                    || context_rows >= t.free_text_min_rows
                    || ratio >= t.min_ratio_hinted)
        } else if hint < 0 {
            // A column name that argues against the entity: only a strong
            // checksum over nearly every value overrides it, or, where the
            // name alone argues, full names in nearly every value.
            (any_strong && ratio >= 0.8)
                || (!by_siblings && mostly_full_names(&members, rules, values))
        } else {
            // A mixed column (emails and phones in one `contact` field, the
            // SSNs, NINOs and DNIs of one `national_id`): the column as a
            // whole is PII and this entity owns a fair share of it on its own.
            let whole = if hint > 0 {
                t.min_ratio_hinted
            } else {
                t.min_ratio
            };
            let mixed = hit_ratio >= whole
                && ratio >= t.min_share_mixed
                && count.unambiguous_rows as f64 / values >= t.min_share_mixed;
            ratio >= whole || (any_strong && ratio >= t.min_ratio_strong) || mixed
        };
        if !passes {
            continue;
        }
        let strength = if free_text {
            (rows as f64 / 10.0).min(1.0)
        } else {
            (ratio / 0.8).min(1.0)
        };
        let mut conf = score * (0.55 + 0.45 * strength);
        let mut evidence = vec!["values".to_string()];
        if checksum {
            evidence.push("checksum".into());
        }
        if hint > 0 {
            conf += 0.1;
            evidence.push("column_name".into());
        }
        if context_rows > 0 {
            conf += 0.05;
            evidence.push("context".into());
        }
        if free_text {
            evidence.push("free_text".into());
        }
        let mut examples: Vec<String> = members
            .iter()
            .flat_map(|(_, st)| st.examples.iter().cloned())
            .collect();
        examples.sort();
        examples.dedup();
        examples.truncate(3);
        by_entity.insert(
            entity.to_string(),
            Candidate {
                entity: entity.to_string(),
                ratio,
                rows,
                unambiguous: count.unambiguous_rows,
                confidence: conf.clamp(0.05, 0.99),
                evidence,
                examples,
            },
        );
    }

    // Ambiguity: a match that another entity explains just as well (same span) is
    // kept only if this entity is nearly as frequent as the best one.
    let best = by_entity.values().map(|c| c.ratio).fold(0.0, f64::max);
    let mut entities: Vec<EntityReport> = by_entity
        .into_values()
        .filter(|c| {
            c.ratio >= t.dominance * best
                || c.unambiguous as f64
                    >= (c.rows as f64 * 0.5)
                        .max(t.free_text_min_rows as f64)
                        .min(c.rows as f64)
        })
        .filter(|c| c.confidence >= t.min_confidence)
        .map(|c| EntityReport {
            entity: c.entity,
            confidence: round3(c.confidence),
            matched_rows: c.rows,
            match_ratio: round3(c.ratio),
            evidence: c.evidence,
            examples: c.examples,
        })
        .collect();
    entities.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(a.entity.cmp(&b.entity))
    });
    let sensitivity = entities
        .iter()
        .map(|e| rules.sensitivity_of(&e.entity))
        .max()
        .unwrap_or(Sensitivity::None);
    ColumnReport {
        name: p.name.clone(),
        data_type: p.data_type.clone(),
        rows_scanned: p.rows_scanned(),
        null_count: p.nulls,
        entities,
        sensitivity,
        skipped_values: p.skipped,
        blank_count: p.blanks,
    }
}

/// Decide every column of a table, and the table's own sensitivity: the
/// highest column level, raised to HIGH when a person's name appears with a
/// birth date or street address (together they identify someone).
pub fn classify_table(rules: &RuleSet, t: &TableProfile, th: &Thresholds) -> TableReport {
    let says: Vec<Vec<bool>> = t
        .columns
        .iter()
        .map(|c| says_against(rules, &c.name))
        .collect();
    // Per rule: the columns that argue against it.
    let against: Vec<usize> = (0..rules.len())
        .map(|i| says.iter().filter(|s| s[i]).count())
        .collect();
    let columns: Vec<ColumnReport> = t
        .columns
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let siblings: Vec<bool> = (0..rules.len())
                .map(|i| against[i] > says[k][i] as usize)
                .collect();
            decide_column(rules, c, th, &siblings)
        })
        .collect();
    let has = |e: &str| {
        columns
            .iter()
            .any(|c| c.entities.iter().any(|x| x.entity == e))
    };
    let mut sensitivity = columns
        .iter()
        .map(|c| c.sensitivity)
        .max()
        .unwrap_or(Sensitivity::None);
    if let Some(s) = rules.combined_sensitivity(has) {
        sensitivity = sensitivity.max(s);
    }
    let mut warnings = Vec::new();
    for c in &t.columns {
        if c.skipped > 0 {
            warnings.push(format!(
                "column {}: {} values skipped (not valid UTF-8)",
                c.name, c.skipped
            ));
        }
        if c.truncated > 0 {
            warnings.push(format!(
                "column {}: {} oversized values inspected only in their first part",
                c.name, c.truncated
            ));
        }
    }
    TableReport {
        name: t.name.clone(),
        source: t.source.clone(),
        rows: t.rows,
        rows_scanned: t.rows_scanned,
        columns,
        sensitivity,
        warnings,
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
