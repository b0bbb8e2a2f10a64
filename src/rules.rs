//! Rules as data: detector declarations in TOML, validated and compiled once.
//!
//! The built-in set is `rules/*.toml`, embedded in the binary. `--rules DIR`
//! adds the `*.toml` files of DIR; a rule with the id of an existing one
//! replaces it, and `enabled = false` switches one off.

use std::collections::BTreeMap;
use std::path::Path;

use aho_corasick::MatchKind;
use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::detect::validators::Validator;
use crate::report::Sensitivity;
use crate::{Error, Result};

/// The built-in rule files, embedded at compile time.
pub const BUILTIN_RULES: &[(&str, &str)] = &[
    ("rules/contact.toml", include_str!("../rules/contact.toml")),
    (
        "rules/financial.toml",
        include_str!("../rules/financial.toml"),
    ),
    (
        "rules/national_ids.toml",
        include_str!("../rules/national_ids.toml"),
    ),
    ("rules/network.toml", include_str!("../rules/network.toml")),
    ("rules/secrets.toml", include_str!("../rules/secrets.toml")),
];

/// Every entity label a rule may emit (a public contract; never renamed).
pub const ENTITY_LABELS: &[&str] = &[
    "EMAIL",
    "PHONE",
    "CREDIT_CARD",
    "US_SSN",
    "US_ITIN",
    "US_PASSPORT",
    "US_DRIVER_LICENSE",
    "US_BANK_ROUTING",
    "US_NPI",
    "IBAN",
    "SWIFT_BIC",
    "IP_ADDRESS",
    "MAC_ADDRESS",
    "PERSON_NAME",
    "STREET_ADDRESS",
    "DATE_OF_BIRTH",
    "UK_NINO",
    "UK_NHS",
    "DE_TAX_ID",
    "ES_NIF",
    "IT_FISCAL_CODE",
    "FR_INSEE",
    "PL_PESEL",
    "IN_AADHAAR",
    "IN_PAN",
    "BR_CPF",
    "CA_SIN",
    "AU_TFN",
    "SG_NRIC",
    "CRYPTO_WALLET",
    "AWS_ACCESS_KEY",
    "SECRET_TOKEN",
    "URL",
    "GEO_COORDINATE",
    "VIN",
];

/// One rule file: `[[rule]]` tables.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// Named lists of column-name words that several rules share through
    /// `column_hint_groups` (`government_id = ["nationalid", "taxref", …]`).
    /// A group defined in several files holds the words of all of them, so a
    /// rule directory can add its own language's words to a built-in group.
    #[serde(default)]
    pub hint_groups: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
}

/// What `export --redact` does with a column that holds a rule's entity,
/// when the rule says (otherwise: a keyed hash for HIGH columns, a
/// format-keeping mask for the others, the detected spans in free text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Redaction {
    /// The value is removed (null): credentials, which no mask makes safe.
    Drop,
    /// A keyed hash (`h:` + 16 hex digits of HMAC-SHA256): joins still work.
    Hash,
    /// A format-keeping mask (`j***@e***.com`).
    Mask,
}

/// How the examples of a rule's entity are masked in reports, `pii_mask`
/// and `export --redact` (whatever the style, no raw value is shown).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MaskStyle {
    /// Digits become `#`, letters `x`/`X`, separators stay: `###-##-####`.
    #[default]
    Shape,
    /// The shape, with each word's first letter kept: `J*** S****` as `Jxxx Sxxxx`.
    Initials,
    /// The local part's and the host's first letters and the top-level
    /// domain: `j***@e***.com`.
    Email,
    /// The scheme and the host's shape with initials; the path hidden.
    Url,
    /// Not even a shape: three characters (a well-known prefix at most) and
    /// the length, for credentials.
    Prefix,
}

/// Numbers in a column named for one axis of this entity: a latitude
/// column holds any number of at most 90 in absolute value.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NumericAxis {
    /// Column-name words for the axis (the name's last word, after any
    /// unit words: `pickup_lat`, `lat_deg`).
    pub names: Vec<String>,
    /// The largest absolute value a position on the axis has.
    pub max_abs: f64,
}

/// Which engine finds candidates for a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DetectorKind {
    /// Regular expressions in `patterns`, then the `validator`.
    #[default]
    Regex,
    /// Dictionary lookup of given names and surnames (aho-free token lookup).
    PersonName,
    /// Calendar dates in a plausible birth range.
    DateOfBirth,
}

/// Cheap character features of a value, used as rule gates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    Upper,
    Lower,
    Alpha,
    Space,
    LetterDigit,
    DigitLetter,
    At,
    Colon,
    Comma,
    Dot,
    /// Four or more consecutive ASCII capitals.
    UpperWord,
    /// Five or more `:` or five or more `-`, or two or more `.` (MAC address layouts).
    MacSeparators,
    /// An `=` or a `:` (key = value).
    Assign,
    /// A `.` between two digits (`10.0.0.1`, `48.8584`).
    DigitDotDigit,
    /// A digit, then at most one letter and a comma, then whitespace, then a
    /// capital letter (`12 Main`, `221B Baker`, `5, Elm`): where an English
    /// street address starts. Any non-ASCII byte counts as whitespace here.
    NumberThenCapital,
}

impl Feature {
    pub const fn bit(self) -> u16 {
        match self {
            Feature::Upper => 1,
            Feature::Lower => 2,
            Feature::Alpha => 4,
            Feature::Space => 8,
            Feature::LetterDigit => 16,
            Feature::DigitLetter => 32,
            Feature::At => 64,
            Feature::Colon => 128,
            Feature::Comma => 256,
            Feature::Dot => 512,
            Feature::UpperWord => 1024,
            Feature::MacSeparators => 2048,
            Feature::Assign => 4096,
            Feature::DigitDotDigit => 8192,
            Feature::NumberThenCapital => 16384,
        }
    }
}

/// Positive and negative examples, run by the test suite and `piigate rules test`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Values the rule must find.
    #[serde(default)]
    pub positive: Vec<String>,
    /// Values the rule must not find.
    #[serde(default)]
    pub negative: Vec<String>,
}

/// A rule as written in a TOML file.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable identifier, `[a-z0-9_]+`.
    pub id: String,
    /// One of the entity labels (`piigate rules schema` lists them).
    pub entity: String,
    pub description: String,
    /// Sensitivity of a column holding this entity.
    pub sensitivity: Sensitivity,
    #[serde(default)]
    pub detector: DetectorKind,
    /// Regular expressions (Rust `regex` syntax), unanchored.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Checksum or structural validator applied to every candidate.
    #[serde(default = "default_validator")]
    pub validator: Validator,
    /// Base confidence of one validated match, 0..1.
    pub score: f32,
    /// Literal strings one of which must occur in a value before the patterns run.
    #[serde(default)]
    pub anchors: Vec<String>,
    /// Like `anchors`, matched case-insensitively.
    #[serde(default)]
    pub anchors_ci: Vec<String>,
    /// Minimum number of ASCII digits in a value before the patterns run.
    #[serde(default)]
    pub min_digits: u32,
    /// Inclusive range of digit counts one number in the value must have (a run
    /// of digit groups joined by up to two of ` -./()`), before the patterns run.
    #[serde(default)]
    pub digit_groups: Option<[u32; 2]>,
    /// Inclusive range of lengths an ASCII alphanumeric run in the value must have.
    #[serde(default)]
    pub alnum_run: Option<[u32; 2]>,
    /// The same, counting only runs that contain a digit.
    #[serde(default)]
    pub alnum_run_with_digit: Option<[u32; 2]>,
    /// Minimum length of a token run (ASCII letters, digits, `_`, `-` and `.`)
    /// the value must have: vendor keys like `xoxb-1234567890` and JWTs, which
    /// ordinary words are too short to pass.
    #[serde(default)]
    pub token_run: Option<u32>,
    /// Character features the value must have: upper, lower, alpha, space,
    /// letter_digit (a letter directly followed by a digit), digit_letter, at
    /// (`@`), colon, comma, dot, upper_word (four capitals in a row),
    /// mac_separators, assign (`=` or `:`), digit_dot_digit (a `.` between
    /// two digits), number_then_capital (a digit, at most a letter and a
    /// comma, whitespace, then a capital: `12 Main`).
    #[serde(default)]
    pub requires: Vec<Feature>,
    /// Words near a match (same value) that support it; whole words only.
    #[serde(default)]
    pub context: Vec<String>,
    /// Words that, standing directly before a match in running text (after
    /// spaces, `:`, `=` or `#`), say it is something else: `version` or
    /// `firmware` before a dotted quad. ASCII letters, case-insensitive,
    /// whole words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub negative_context: Vec<String>,
    /// Column-name words that support this entity; whole words only.
    #[serde(default)]
    pub column_hints: Vec<String>,
    /// Hint groups (`hint_groups` of any rule file) whose words are column
    /// hints of this rule too: a column named for a government identifier
    /// in general (`national_id`, `tax_ref`) supports every national ID.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub column_hint_groups: Vec<String>,
    /// Column-name words that argue against it.
    #[serde(default)]
    pub negative_column_hints: Vec<String>,
    /// Column names (one word, or two adjacent words joined: `last_name` is
    /// `lastname`) that say the column holds this entity and nothing else;
    /// they are column hints too. Under one, a person-name rule takes any
    /// value of capitalised letter words as a name, without the
    /// dictionaries (a surname column of names they do not list).
    #[serde(default)]
    pub defining_column_hints: Vec<String>,
    /// No checksum exists: matches count only with a column hint or context word.
    #[serde(default)]
    pub requires_hint: bool,
    /// A context word counts only as the match's label, directly before it
    /// with a `:`, `=` or `-` (`address: Unter den Linden 77`, `adresse -
    /// Dvořákova 12`), not anywhere in the value: the word is also ordinary
    /// prose ("please address Ticket 4411", "an address by the CEO at 9").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub context_labels: bool,
    /// Whole values that are a city's name (GeoNames' cities of 15,000
    /// people or more: "Springfield", "Jackson") are counted apart; a column
    /// where they are half or more of this rule's whole-value hits names
    /// places, not this entity (unless its name defines the entity:
    /// `surname`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub places_against: bool,
    /// What `export --redact` does with a column holding this entity (the
    /// default follows the column's sensitivity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redaction: Option<Redaction>,
    /// How its matches are masked where they are shown (report examples,
    /// `pii_mask`, masked redaction); the default keeps only the shape.
    #[serde(default, skip_serializing_if = "is_shape")]
    pub mask: MaskStyle,
    /// Entity labels that identify a person together with this rule's
    /// entity: a table holding both is HIGH, whatever its columns' own
    /// levels (a name with a date of birth or a street address).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifies_with: Vec<String>,
    /// Its matches may start right after a country calling code (`+46 536
    /// 22 8726`): phone numbers. Other rules' matches there are a phone's
    /// digits, not their entity, and are dropped.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub follows_country_code: bool,
    /// Typed date and timestamp columns (Arrow `Date32`, `Date64`,
    /// `Timestamp`) whose name hints this rule are checked against it, as
    /// text columns are: a `birth_date` column of dates.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub typed_dates: bool,
    /// Numeric columns (floats, integers, numbers written as text) named for
    /// one of these axes take every in-range value as this entity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub numeric_axes: Vec<NumericAxis>,
    /// Words for a unit or datum that may follow an axis name and are
    /// skipped when looking for it (`deg`, `wgs84`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub numeric_axis_units: Vec<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub examples: Examples,
}

fn default_validator() -> Validator {
    Validator::None
}
fn yes() -> bool {
    true
}
fn is_shape(m: &MaskStyle) -> bool {
    *m == MaskStyle::Shape
}

/// A rule ready to run: patterns compiled, words normalised.
#[derive(Debug)]
pub struct Rule {
    /// The rule's id (`us_ssn`), unique in a rule set.
    pub id: String,
    /// The entity label it reports (`US_SSN`).
    pub entity: String,
    /// What it finds, in words.
    pub description: String,
    /// How sensitive a column holding its entity is.
    pub sensitivity: Sensitivity,
    pub(crate) detector: DetectorKind,
    /// Compiled with regex-automata's meta engine so each worker keeps its own cache.
    pub(crate) regexes: Vec<regex_automata::meta::Regex>,
    /// The same patterns without a literal prefilter, for short values
    /// (below `SHORT_VALUE` bytes), where setting up the prefilter costs more
    /// than it skips.
    pub(crate) regexes_short: Vec<regex_automata::meta::Regex>,
    /// Per pattern, a fully compiled DFA for anchored whole-value checks (the
    /// column memo), built on first use; `None` if it would be too large.
    pub(crate) whole: Vec<std::sync::OnceLock<Option<WholeDfa>>>,
    /// The patterns as compiled (ASCII word boundaries and digits).
    pub patterns: Vec<String>,
    /// Per pattern: when every match holds an ASCII digit, the most bytes
    /// a match can have before its first digit (so no match starts earlier
    /// than that before the value's first digit); `None` otherwise.
    pub(crate) digit_lead: Vec<Option<usize>>,
    /// The check a match must pass (checksums, ranges).
    pub validator: Validator,
    pub(crate) score: f32,
    pub(crate) min_digits: u32,
    /// Bit k set: a number with k digits (k ≥ 31 → bit 31) lets the rule run; 0 = no gate.
    pub(crate) digit_mask: u32,
    /// Bit k set: an alphanumeric run of length k (k ≥ 63 → bit 63); 0 = no gate.
    pub(crate) alnum_mask: u64,
    pub(crate) alnum_digit_mask: u64,
    /// Minimum token-run length (0: no gate).
    pub(crate) token_run: u32,
    pub(crate) features: u16,
    /// Has literal anchors (registered in the rule set's anchor automaton).
    pub(crate) anchored: bool,
    pub(crate) context: Vec<String>,
    /// Lower-cased words that reject a match they stand directly before.
    pub(crate) negative_context: Vec<String>,
    /// The context words, compiled once for substring search.
    pub(crate) column_hints: Vec<String>,
    pub(crate) negative_column_hints: Vec<String>,
    pub(crate) defining_column_hints: Vec<String>,
    pub(crate) requires_hint: bool,
    /// Context words count only directly before a match.
    pub(crate) context_labels: bool,
    /// Whole values that are city names argue against this rule.
    pub(crate) places_against: bool,
    /// What `export --redact` does with a column of this entity.
    pub redaction: Option<Redaction>,
    /// How its matches are masked where they are shown.
    pub mask: MaskStyle,
    /// Entities that identify a person together with this one.
    pub(crate) identifies_with: Vec<String>,
    /// Its matches may start right after a country calling code.
    pub(crate) follows_country_code: bool,
    /// Typed date columns named for this rule are checked against it.
    pub(crate) typed_dates: bool,
    /// Numeric columns named for one of these axes hold this entity.
    pub(crate) numeric_axes: Vec<NumericAxis>,
    /// Unit words skipped after an axis name.
    pub(crate) numeric_axis_units: Vec<String>,
    /// Values it must find and values it must not (`rules test`).
    pub examples: Examples,
    /// The rule file it came from.
    pub source: String,
}

/// A dense DFA that only answers anchored searches.
/// A compiled whole-value DFA and its anchored start state (computed once;
/// asking the DFA for it per value costs more than a short walk).
#[derive(Debug)]
pub(crate) struct WholeDfa {
    pub dfa: regex_automata::dfa::dense::DFA<Vec<u32>>,
    pub start: regex_automata::util::primitives::StateID,
    /// The anchored start state after a byte that is neither a word byte nor
    /// a line terminator (a space, a comma, a bracket): where most
    /// matches inside a value start.
    pub start_after_space: regex_automata::util::primitives::StateID,
    /// The same automaton re-tabled to take two bytes per step (when small
    /// enough), for whole-value answers.
    pub pairs: Option<PairDfa>,
    /// Otherwise, re-tabled by single bytes (no special-state test per byte).
    pub single: Option<OneDfa>,
    /// No walk that reads a space reaches a live state: a value the walk
    /// accepts (`Some(true)`) holds no space.
    pub spaceless: bool,
}

/// A DFA re-tabled by single byte classes, for the whole-value answers of
/// DFAs whose pair table would be too large (e-mail, street addresses):
/// states numbered and stored as `PairDfa` does (0 dead, 1 quit, both
/// absorbing; premultiplied), so a step is one add and one load, with no
/// special-state test per byte as the dense DFA's walk needs.
#[derive(Debug)]
pub(crate) struct OneDfa {
    classes: [u8; 256],
    /// log2 of the row length (the classes rounded up to a power of two).
    shift: u32,
    table: Vec<u32>,
    /// Per state index: reaching the end of the value here is a match.
    accept: Vec<bool>,
    start: u32,
}

/// Larger single-step tables are not built (the dense walk is used).
const ONE_TABLE_LIMIT: usize = 1 << 18;

impl OneDfa {
    pub(crate) fn build(
        dfa: &regex_automata::dfa::dense::DFA<Vec<u32>>,
        start: regex_automata::util::primitives::StateID,
    ) -> Option<OneDfa> {
        use regex_automata::dfa::Automaton;
        use regex_automata::util::primitives::StateID;
        let (classes, reps) = class_reps(dfa);
        let shift = reps.len().next_power_of_two().trailing_zeros();
        let row = 1usize << shift;
        let mut numbering = Numbering::default();
        let mut number = |sid: StateID, ids: &mut Vec<StateID>| numbering.number(dfa, sid, ids);
        let mut ids: Vec<StateID> = Vec::new();
        let start_ix = number(start, &mut ids);
        // Rows for dead and quit first (absorbing), then the states in the
        // order a breadth-first walk from the start finds them.
        let mut table: Vec<u32> = Vec::new();
        for fixed in 0..2u32 {
            table.extend(std::iter::repeat_n(fixed << shift, row));
        }
        let mut done = 0;
        while done < ids.len() {
            if (ids.len() + 2) * row > ONE_TABLE_LIMIT {
                return None;
            }
            let sid = ids[done];
            done += 1;
            for c in 0..row {
                let next = reps
                    .get(c)
                    .map_or(0, |&b| number(dfa.next_state(sid, b), &mut ids));
                table.push(next << shift);
            }
        }
        let accept = end_accepts(dfa, &ids);
        // The walk indexes without bounds checks: every entry must start a
        // whole row inside the table (and every class is below the row length).
        if table
            .iter()
            .chain([&(start_ix << shift)])
            .any(|&t| t as usize + (1 << shift) > table.len())
            || classes.iter().any(|&c| (c as usize) >= 1 << shift)
        {
            return None;
        }
        Some(OneDfa {
            classes,
            shift,
            table,
            accept,
            start: start_ix << shift,
        })
    }

    /// Whether the anchored leftmost-first match covers all of `hay`; `None`
    /// if the DFA gave up on a quit byte.
    #[inline]
    #[allow(unsafe_code)]
    pub(crate) fn whole_match(&self, hay: &[u8]) -> Option<bool> {
        let mut s = self.start as usize;
        let quit = 1usize << self.shift;
        let (table, classes) = (self.table.as_ptr(), &self.classes);
        // The column of the byte's class is found apart from the state, so
        // that the chain from one state to the next is a single load with
        // the state as its index (no add on it).
        // SAFETY: `s` is the start or a table entry, each of which begins a
        // row inside the table, and a class is below the row length
        // (checked in `build`), so `class + s` is in bounds.
        let step = |s: usize, b: u8| unsafe {
            *column(table, classes[b as usize] as usize).add(s) as usize
        };
        // Dead and quit are absorbing: look every four bytes (a value tried
        // against the wrong address layout dies within a few), and the walk
        // of the rest is a chain of loads without a test between them.
        let mut quads = hay.chunks_exact(4);
        for q in quads.by_ref() {
            s = step(step(step(step(s, q[0]), q[1]), q[2]), q[3]);
            if s <= quit {
                break;
            }
        }
        if s > quit {
            for &b in quads.remainder() {
                s = step(s, b);
            }
        }
        match s {
            0 => Some(false),
            x if x == quit => None,
            x => Some(self.accept[x >> self.shift]),
        }
    }
}

/// The address of column `c` of a transition table: worked out from the
/// input bytes alone, apart from the state, and hidden from the optimiser
/// so that it does not fold `c` into the state's index (which would put an
/// add back on the chain of loads: 10% slower walks of the single-step
/// tables, measured in-process on the 500k file's e-mail and street values).
///
/// # Safety
/// `c` must be below the table's row length.
#[inline(always)]
#[allow(unsafe_code)]
unsafe fn column(table: *const u32, c: usize) -> *const u32 {
    #[allow(unused_mut)]
    let mut at = table as usize + c * 4;
    // An empty instruction the optimiser cannot see through (no memory,
    // no stack): `at` stays a register of its own.
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the template is empty; it reads and writes only `at`.
    unsafe {
        std::arch::asm!("/* {0} */", inout(reg) at, options(pure, nomem, nostack, preserves_flags));
    }
    table.with_addr(at)
}

/// A DFA that reads two bytes per transition: a value's walk is a chain of
/// dependent table loads, so halving the steps halves the wait. Built from
/// the dense DFA by following every pair of byte classes from every state;
/// it answers only "does the anchored leftmost-first match end exactly at the
/// end of the value", as `dfa_whole_match` does.
///
/// States are numbered from 0 (dead) and 1 (quit; both absorbing) and
/// stored premultiplied by the row length, so a step is one add and one load.
#[derive(Debug)]
pub(crate) struct PairDfa {
    classes: [u8; 256],
    /// log2 of the row length for one byte class (classes rounded up to a
    /// power of two); a pair's column is `c1 << shift | c2`.
    shift: u32,
    /// Per premultiplied state and pair of classes: the premultiplied next state.
    two: Vec<u32>,
    /// Per premultiplied state and single class (for an odd last byte).
    one: Vec<u32>,
    /// Per state index: reaching the end of the value here is a match.
    accept: Vec<bool>,
    start: u32,
}

/// A DFA's byte class of every byte, and one byte of each class.
fn class_reps(dfa: &regex_automata::dfa::dense::DFA<Vec<u32>>) -> ([u8; 256], Vec<u8>) {
    let bc = dfa.byte_classes();
    let mut classes = [0u8; 256];
    let mut reps: Vec<u8> = Vec::new();
    for b in 0..=255u8 {
        let c = bc.get(b);
        classes[b as usize] = c;
        if c as usize == reps.len() {
            reps.push(b);
        }
    }
    (classes, reps)
}

/// Whether no state reachable from `start` moves to a live state on a
/// space (every such step is dead or quit).
fn reads_no_space(
    dfa: &regex_automata::dfa::dense::DFA<Vec<u32>>,
    start: regex_automata::util::primitives::StateID,
) -> bool {
    use regex_automata::dfa::Automaton;
    let (_, reps) = class_reps(dfa);
    let live = |s| !dfa.is_dead_state(s) && !dfa.is_quit_state(s);
    let mut seen = std::collections::HashSet::from([start]);
    let mut todo = vec![start];
    while let Some(sid) = todo.pop() {
        if live(dfa.next_state(sid, b' ')) {
            return false;
        }
        for &b in &reps {
            let next = dfa.next_state(sid, b);
            if live(next) && seen.insert(next) {
                todo.push(next);
            }
        }
    }
    true
}

/// State numbers for a re-tabled DFA: 0 dead, 1 quit, then the states in
/// the order they are met (appended to `ids`).
#[derive(Default)]
struct Numbering {
    index: std::collections::HashMap<regex_automata::util::primitives::StateID, u32>,
}

impl Numbering {
    fn number(
        &mut self,
        dfa: &regex_automata::dfa::dense::DFA<Vec<u32>>,
        sid: regex_automata::util::primitives::StateID,
        ids: &mut Vec<regex_automata::util::primitives::StateID>,
    ) -> u32 {
        use regex_automata::dfa::Automaton;
        if dfa.is_dead_state(sid) {
            return 0;
        }
        if dfa.is_quit_state(sid) {
            return 1;
        }
        *self.index.entry(sid).or_insert_with(|| {
            ids.push(sid);
            (ids.len() + 1) as u32
        })
    }
}

/// Per state number: reaching the end of the value there is a match.
fn end_accepts(
    dfa: &regex_automata::dfa::dense::DFA<Vec<u32>>,
    ids: &[regex_automata::util::primitives::StateID],
) -> Vec<bool> {
    use regex_automata::dfa::Automaton;
    let mut accept = vec![false; ids.len() + 2];
    for (s, &sid) in ids.iter().enumerate() {
        accept[s + 2] = dfa.is_match_state(dfa.next_eoi_state(sid));
    }
    accept
}

/// Larger pair tables are not built (the walk would wait on L2 instead).
const PAIR_TABLE_LIMIT: usize = 1 << 16;

impl PairDfa {
    pub(crate) fn build(
        dfa: &regex_automata::dfa::dense::DFA<Vec<u32>>,
        start: regex_automata::util::primitives::StateID,
    ) -> Option<PairDfa> {
        use regex_automata::dfa::Automaton;
        use regex_automata::util::primitives::StateID;
        let (classes, reps) = class_reps(dfa);
        let k = reps.len();
        let shift = k.next_power_of_two().trailing_zeros();
        let row2 = 1usize << (2 * shift);
        // BFS over the states reachable from the start by whole pairs and by
        // single bytes.
        let mut numbering = Numbering::default();
        let mut number = |sid: StateID, ids: &mut Vec<StateID>| numbering.number(dfa, sid, ids);
        let mut ids: Vec<StateID> = Vec::new();
        let start_ix = number(start, &mut ids);
        let mut one_ix: Vec<u32> = Vec::new();
        let mut two_ix: Vec<u32> = Vec::new();
        let mut done = 0;
        while done < ids.len() {
            let sid = ids[done];
            done += 1;
            if (ids.len() + 2) * row2 > PAIR_TABLE_LIMIT {
                return None;
            }
            for c1 in 0..(1usize << shift) {
                let mid = reps.get(c1).map(|&b| dfa.next_state(sid, b));
                one_ix.push(mid.map_or(0, |m| number(m, &mut ids)));
            }
            for c1 in 0..(1usize << shift) {
                for c2 in 0..(1usize << shift) {
                    let next = match (reps.get(c1), reps.get(c2)) {
                        (Some(&b1), Some(&b2)) => {
                            let mid = dfa.next_state(sid, b1);
                            if dfa.is_dead_state(mid) {
                                0
                            } else if dfa.is_quit_state(mid) {
                                1
                            } else {
                                number(dfa.next_state(mid, b2), &mut ids)
                            }
                        }
                        _ => 0,
                    };
                    two_ix.push(next);
                }
            }
        }
        let n = ids.len() + 2;
        // The last states found may have pushed the table past the limit.
        if n * row2 > PAIR_TABLE_LIMIT {
            return None;
        }
        let row1 = 1usize << shift;
        // Rows for dead and quit (absorbing) first, then the states in order.
        let mut one = Vec::with_capacity(n * row2);
        let mut two = Vec::with_capacity(n * row2);
        for fixed in 0..2u32 {
            one.extend(std::iter::repeat_n((fixed as usize * row2) as u32, row2));
            two.extend(std::iter::repeat_n((fixed as usize * row2) as u32, row2));
        }
        for s in 0..ids.len() {
            let r1 = &one_ix[s * row1..(s + 1) * row1];
            one.extend(r1.iter().map(|&x| (x as usize * row2) as u32));
            one.extend(std::iter::repeat_n(0, row2 - row1));
            two.extend(
                two_ix[s * row2..(s + 1) * row2]
                    .iter()
                    .map(|&x| (x as usize * row2) as u32),
            );
        }
        let accept = end_accepts(dfa, &ids);
        // The walk indexes without bounds checks: every entry must start a
        // whole row inside both tables (and every class is below `row1`).
        if two.len() != one.len()
            || two
                .iter()
                .chain(&one)
                .chain([&(start_ix * row2 as u32)])
                .any(|&t| t as usize + row2 > two.len())
            || classes.iter().any(|&c| (c as usize) >= row1)
        {
            return None;
        }
        Some(PairDfa {
            classes,
            shift,
            two,
            one,
            accept,
            start: start_ix * row2 as u32,
        })
    }

    /// Whether the anchored leftmost-first match covers all of `hay`; `None`
    /// if the DFA gave up on a quit byte.
    #[inline]
    #[allow(unsafe_code)]
    pub(crate) fn whole_match(&self, hay: &[u8]) -> Option<bool> {
        let mut s = self.start as usize;
        let quit = 1usize << (2 * self.shift);
        let step = |s: usize, p: &[u8]| {
            let c = (self.classes[p[0] as usize] as usize) << self.shift
                | self.classes[p[1] as usize] as usize;
            // SAFETY: `s` is the start or an entry of `two`, each of which
            // begins a row of `row2` entries inside it, and `c` is below
            // `row2` (both checked in `build`). As in `OneDfa`, the column
            // is found apart from the state: one load per step.
            unsafe { *column(self.two.as_ptr(), c).add(s) as usize }
        };
        // Sixteen pairs at a time with no test between them; dead and quit
        // are absorbing, so they are looked for once a block, to stop early
        // on long values that went wrong at the start. The tail (most
        // values are shorter than a block) needs no test at all.
        let mut blocks = hay.chunks_exact(32);
        for block in &mut blocks {
            for p in block.chunks_exact(2) {
                s = step(s, p);
            }
            if s <= quit {
                break;
            }
        }
        let pairs = blocks.remainder().chunks_exact(2);
        let last = pairs.remainder().first().copied();
        if s > quit {
            for p in pairs {
                s = step(s, p);
            }
        }
        if let Some(b) = last {
            s = self.one[s + self.classes[b as usize] as usize] as usize;
        }
        match s {
            0 => Some(false),
            x if x == quit => None,
            x => Some(self.accept[x >> (2 * self.shift)]),
        }
    }
}

// `WHOLE_DFA_INDEX`: the built-in patterns' DFAs, determinised by build.rs.
include!(concat!(env!("OUT_DIR"), "/whole_dfas.rs"));

/// The DFAs of `WHOLE_DFA_INDEX`, at an 8-byte boundary as
/// `DFA::from_bytes` needs (4 for its `u32` table).
#[repr(C, align(8))]
struct Aligned<B: ?Sized>(B);

static WHOLE_DFA_BYTES: &Aligned<[u8]> =
    &Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/whole_dfas.bin")));

/// The build-time DFA of `pattern` (after `fast_pattern`): `None` when the
/// pattern is not a built-in one or its bytes do not deserialise (then the
/// caller builds it), `Some(None)` when its DFA exceeds the size limit.
fn prebuilt_whole_dfa(pattern: &str) -> Option<Option<regex_automata::dfa::dense::DFA<Vec<u32>>>> {
    let &(_, off, len) = WHOLE_DFA_INDEX.iter().find(|(p, _, _)| *p == pattern)?;
    if len == 0 {
        return Some(None);
    }
    let bytes = WHOLE_DFA_BYTES.0.get(off..off + len)?;
    // `from_bytes` checks the table (every transition a valid state), so a
    // corrupt or foreign-endian blob is refused, not trusted.
    let (dfa, _) = regex_automata::dfa::dense::DFA::from_bytes(bytes).ok()?;
    Some(Some(dfa.to_owned()))
}

/// Values shorter than this use the prefilter-free regexes.
pub(crate) const SHORT_VALUE: usize = 64;

impl Rule {
    /// The cache slot of pattern `j` for a value of `len` bytes: `j` for the
    /// prefiltered regex, `regexes.len() + j` for the prefilter-free one.
    pub(crate) fn regex_slot(&self, j: usize, len: usize) -> usize {
        if len < SHORT_VALUE {
            self.regexes.len() + j
        } else {
            j
        }
    }

    /// The whole-value DFA of pattern `j`, compiled the first time it is
    /// asked for (a built-in pattern's is deserialised from the binary).
    pub(crate) fn whole_dfa(&self, j: usize) -> Option<&WholeDfa> {
        self.whole[j]
            .get_or_init(|| {
                let dfa = match prebuilt_whole_dfa(&self.patterns[j]) {
                    Some(prebuilt) => prebuilt,
                    None => crate::dfa_build::build_whole_dense(&self.patterns[j]),
                }?;
                use regex_automata::dfa::Automaton;
                let config = regex_automata::util::start::Config::new()
                    .anchored(regex_automata::Anchored::Yes)
                    .look_behind(None);
                let start = dfa.start_state(&config).ok()?;
                let start_after_space = dfa.start_state(&config.look_behind(Some(b' '))).ok()?;
                let pairs = PairDfa::build(&dfa, start);
                let single = if pairs.is_none() {
                    OneDfa::build(&dfa, start)
                } else {
                    None
                };
                let spaceless = reads_no_space(&dfa, start);
                Some(WholeDfa {
                    dfa,
                    start,
                    start_after_space,
                    pairs,
                    single,
                    spaceless,
                })
            })
            .as_ref()
    }

    pub(crate) fn regex_at(&self, slot: usize) -> &regex_automata::meta::Regex {
        match slot.checked_sub(self.regexes.len()) {
            Some(k) => &self.regexes_short[k],
            None => &self.regexes[slot],
        }
    }
}

/// What `detect` checks of a rule before running it, packed apart from the
/// (large, rarely touched) `Rule` so that sieving every rule for a value
/// reads a few cache lines.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Gate {
    pub rule: u32,
    pub features: u16,
    pub requires_hint: bool,
    pub anchored: bool,
    pub min_digits: u32,
    pub token_run: u32,
    pub digit_mask: u32,
    pub alnum_mask: u64,
    pub alnum_digit_mask: u64,
}

impl Gate {
    fn of((i, r): (usize, &Rule)) -> Gate {
        Gate {
            rule: i as u32,
            features: r.features,
            requires_hint: r.requires_hint,
            anchored: r.anchored,
            min_digits: r.min_digits,
            token_run: r.token_run,
            digit_mask: r.digit_mask,
            alnum_mask: r.alnum_mask,
            alnum_digit_mask: r.alnum_digit_mask,
        }
    }
}

/// The compiled rule set: rules plus one automaton over every rule's anchors.
#[derive(Debug)]
pub struct RuleSet {
    pub(crate) rules: Vec<Rule>,
    /// The gates of the rules that can pass them on a value without digits
    /// (most free text and names): the only ones `detect` looks at for such
    /// values.
    pub(crate) digit_free: Vec<Gate>,
    /// The gates of every rule, in order.
    pub(crate) all: Vec<Gate>,
    /// The shortest token run any rule asks for (`u32::MAX`: none does).
    pub(crate) min_token_run: u32,
    /// Anchor automaton over literal anchors; pattern index → rule index.
    pub(crate) anchors: Option<Words>,
    pub(crate) anchor_rule: Vec<usize>,
    /// Context-word automaton (ASCII words, case-insensitive); pattern → rule.
    /// Whether any anchored rule exists (the anchor pass runs only for them).
    /// Entity labels in use, and each rule's index into them.
    pub(crate) entities: Vec<String>,
    pub(crate) rule_entity: Vec<usize>,
    /// Per rule: whole values that are city names are counted apart
    /// (`places_against`; kept here, hot, for the per-value count).
    pub(crate) places_against: Vec<bool>,
    /// Per anchor pattern: (text, matched case-insensitively).
    pub(crate) anchor_case: Vec<(String, bool)>,
    /// The rules that need a hint: a value holding one of their context
    /// words may keep such a rule's hit without a column hint.
    pub(crate) hint_rules: Vec<u32>,
    /// Every rule's context words (lower-cased), for the lower-cased value;
    /// pattern → the rules that list the word.
    pub(crate) context: Option<Words>,
    pub(crate) context_rules: Vec<Vec<u32>>,
    digest: String,
}

impl RuleSet {
    /// The embedded built-in rules.
    pub fn builtin() -> Result<RuleSet> {
        RuleSetBuilder::new().builtin()?.build()
    }

    /// Built-ins plus every `*.toml` in each directory (later files override by id).
    pub fn with_dirs<P: AsRef<Path>>(dirs: &[P]) -> Result<RuleSet> {
        let mut b = RuleSetBuilder::new().builtin()?;
        for d in dirs {
            b = b.dir(d.as_ref())?;
        }
        b.build()
    }

    /// How many rules the set holds.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// The rules, in the order the detector runs them.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether the set holds no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The sensitivity a table holding the entities `has` says it holds
    /// reaches by their combination (a rule's `identifies_with`): HIGH when
    /// a rule's entity is there with one it identifies a person with.
    pub(crate) fn combined_sensitivity(&self, has: impl Fn(&str) -> bool) -> Option<Sensitivity> {
        self.rules
            .iter()
            .any(|r| {
                !r.identifies_with.is_empty()
                    && has(&r.entity)
                    && r.identifies_with.iter().any(|e| has(e))
            })
            .then_some(Sensitivity::High)
    }

    /// How values of `entity` are masked: the style its rules give (the
    /// first that is not the plain shape), or the shape.
    pub fn mask_style(&self, entity: &str) -> MaskStyle {
        self.rules
            .iter()
            .find(|r| r.entity == entity)
            .map(|r| r.mask)
            .unwrap_or_default()
    }

    /// `value`, a match of `entity`, masked in the entity's style.
    pub fn mask(&self, entity: &str, value: &str) -> String {
        crate::mask::mask(self.mask_style(entity), value)
    }

    /// The redaction a rule of `entity` asks for, the strongest when
    /// several do (drop, then hash, then mask).
    pub fn redaction_of(&self, entity: &str) -> Option<Redaction> {
        let rank = |r: Redaction| match r {
            Redaction::Drop => 0,
            Redaction::Hash => 1,
            Redaction::Mask => 2,
        };
        self.rules
            .iter()
            .filter(|r| r.entity == entity)
            .filter_map(|r| r.redaction)
            .min_by_key(|&r| rank(r))
    }

    /// The rule and the largest absolute value of a numeric column named
    /// for one of a rule's axes: the axis must be the name's last word
    /// after any of the rule's unit words (`pickup_lat`, `lat_deg`), as the
    /// head of an English compound is (`latitude_band` is a code).
    pub(crate) fn numeric_axis(&self, column: &str) -> Option<(usize, f64)> {
        let words = crate::detect::column_words(column);
        self.rules.iter().enumerate().find_map(|(i, r)| {
            if r.numeric_axes.is_empty() {
                return None;
            }
            let last = words
                .iter()
                .rev()
                .find(|w| !r.numeric_axis_units.iter().any(|u| u == *w))?;
            r.numeric_axes
                .iter()
                .find(|a| a.names.iter().any(|n| n == last))
                .map(|a| (i, a.max_abs))
        })
    }

    /// `sha256:` digest over the canonical JSON of the rule specs.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The sensitivity policy: the highest level any rule gives this entity.
    pub fn sensitivity_of(&self, entity: &str) -> Sensitivity {
        self.rules
            .iter()
            .filter(|r| r.entity == entity)
            .map(|r| r.sensitivity)
            .max()
            .unwrap_or(Sensitivity::Low)
    }
}

/// Collects rule files, then validates and compiles them once.
#[derive(Debug, Default)]
pub struct RuleSetBuilder {
    specs: BTreeMap<String, (RuleSpec, String)>,
    order: Vec<String>,
    hint_groups: BTreeMap<String, Vec<String>>,
}

impl RuleSetBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn builtin(mut self) -> Result<Self> {
        for (name, text) in BUILTIN_RULES {
            self = self.add_source(name, text)?;
        }
        Ok(self)
    }

    pub fn dir(mut self, dir: &Path) -> Result<Self> {
        let rd = std::fs::read_dir(dir).map_err(|e| Error::Rules {
            file: dir.display().to_string(),
            line: None,
            rule: None,
            message: e.to_string(),
        })?;
        let mut files: Vec<_> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).map_err(|e| Error::Rules {
                file: f.display().to_string(),
                line: None,
                rule: None,
                message: e.to_string(),
            })?;
            self = self.add_source(&f.display().to_string(), &text)?;
        }
        Ok(self)
    }

    /// Parse one rule file's text; errors name the file, the line and the rule id.
    pub fn add_source(mut self, file: &str, text: &str) -> Result<Self> {
        let parsed: RuleFile = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            Error::Rules {
                file: file.to_string(),
                line,
                rule: rule_id_before(text, e.span().map(|s| s.start)),
                message: e.message().to_string(),
            }
        })?;
        for (name, words) in parsed.hint_groups {
            let group = self.hint_groups.entry(name).or_default();
            for w in words {
                if !group.contains(&w) {
                    group.push(w);
                }
            }
        }
        for spec in parsed.rule {
            let line = text
                .find(&format!("id = \"{}\"", spec.id))
                .map(|p| text[..p].lines().count() + 1);
            validate_spec(&spec).map_err(|message| Error::Rules {
                file: file.to_string(),
                line,
                rule: Some(spec.id.clone()),
                message,
            })?;
            if !self.specs.contains_key(&spec.id) {
                self.order.push(spec.id.clone());
            }
            let src = match line {
                Some(l) => format!("{file}:{l}"),
                None => file.to_string(),
            };
            self.specs.insert(spec.id.clone(), (spec, src));
        }
        Ok(self)
    }

    pub fn build(self) -> Result<RuleSet> {
        let mut rules = Vec::new();
        let mut anchor_pats: Vec<(String, bool)> = Vec::new();
        let mut anchor_rule = Vec::new();
        let mut canon = Vec::new();

        for id in &self.order {
            let (spec, src) = &self.specs[id];
            if !spec.enabled {
                continue;
            }
            // Groups are expanded here, so the digest covers their words.
            let mut spec = spec.clone();
            for g in std::mem::take(&mut spec.column_hint_groups) {
                let words = self.hint_groups.get(&g).ok_or_else(|| Error::Rules {
                    file: src.clone(),
                    line: None,
                    rule: Some(spec.id.clone()),
                    message: format!(
                        "unknown hint group {g:?} (no rule file defines it in [hint_groups])"
                    ),
                })?;
                for w in words {
                    if !spec.column_hints.contains(w) {
                        spec.column_hints.push(w.clone());
                    }
                }
            }
            let spec = &spec;
            canon.push(serde_json::to_value(spec).unwrap_or_default());
            let mut regexes = Vec::new();
            let mut regexes_short = Vec::new();
            let mut patterns = Vec::new();
            let mut digit_lead = Vec::new();
            for p in &spec.patterns {
                let p = crate::dfa_build::fast_pattern(p);
                patterns.push(p.clone());
                digit_lead.push(
                    regex_automata::util::syntax::parse(&p)
                        .ok()
                        .and_then(|h| DigitReach::of(&h).lead()),
                );
                let build = |prefilter: bool| {
                    regex_automata::meta::Regex::builder()
                        .configure(
                            regex_automata::meta::Config::new()
                                .nfa_size_limit(Some(1 << 22))
                                .hybrid_cache_capacity(1 << 22)
                                .auto_prefilter(prefilter),
                        )
                        .build(&p)
                        .map_err(|e| Error::Rules {
                            file: src.clone(),
                            line: None,
                            rule: Some(spec.id.clone()),
                            message: format!("invalid pattern: {e}"),
                        })
                };
                regexes.push(build(true)?);
                regexes_short.push(build(false)?);
            }
            let idx = rules.len();
            for a in &spec.anchors {
                anchor_pats.push((a.clone(), false));
                anchor_rule.push(idx);
            }
            for a in &spec.anchors_ci {
                anchor_pats.push((a.to_lowercase(), true));
                anchor_rule.push(idx);
            }

            let norm = |v: &Vec<String>| v.iter().map(|w| normalise_word(w)).collect::<Vec<_>>();
            rules.push(Rule {
                id: spec.id.clone(),
                entity: spec.entity.clone(),
                description: spec.description.clone(),
                sensitivity: spec.sensitivity,
                detector: spec.detector,
                whole: (0..regexes.len()).map(|_| Default::default()).collect(),
                regexes,
                regexes_short,
                digit_lead,
                patterns,
                validator: spec.validator,
                score: spec.score,
                min_digits: spec.min_digits,
                digit_mask: spec.digit_groups.map_or(0, |[a, b]| {
                    (a.min(31)..=b.min(31)).fold(0u32, |m, k| m | (1 << k))
                }),
                alnum_mask: spec.alnum_run.map_or(0, |[a, b]| {
                    (a.min(63)..=b.min(63)).fold(0u64, |m, k| m | (1 << k))
                }),
                alnum_digit_mask: spec.alnum_run_with_digit.map_or(0, |[a, b]| {
                    (a.min(63)..=b.min(63)).fold(0u64, |m, k| m | (1 << k))
                }),
                token_run: spec.token_run.unwrap_or(0),
                features: spec.requires.iter().fold(0, |m, f| m | f.bit()),
                anchored: !spec.anchors.is_empty() || !spec.anchors_ci.is_empty(),
                context: spec.context.iter().map(|w| w.to_lowercase()).collect(),
                negative_context: spec
                    .negative_context
                    .iter()
                    .map(|w| w.to_lowercase())
                    .collect(),
                column_hints: norm(&spec.column_hints),
                negative_column_hints: norm(&spec.negative_column_hints),
                defining_column_hints: norm(&spec.defining_column_hints),
                requires_hint: spec.requires_hint,
                context_labels: spec.context_labels,
                places_against: spec.places_against,
                redaction: spec.redaction,
                mask: spec.mask,
                identifies_with: spec.identifies_with.clone(),
                follows_country_code: spec.follows_country_code,
                typed_dates: spec.typed_dates,
                numeric_axes: spec
                    .numeric_axes
                    .iter()
                    .map(|a| NumericAxis {
                        names: a.names.iter().map(|n| n.to_lowercase()).collect(),
                        max_abs: a.max_abs,
                    })
                    .collect(),
                numeric_axis_units: spec
                    .numeric_axis_units
                    .iter()
                    .map(|u| u.to_lowercase())
                    .collect(),
                examples: spec.examples.clone(),
                source: src.clone(),
            });
        }
        // Case-insensitive anchors are lower-cased and matched ASCII-case-insensitively;
        // case-sensitive ones need exact bytes. One automaton serves both: it is built
        // case-insensitive and a case-sensitive hit is re-checked (cheap, rare).
        let anchors = ascii_ci_automaton("<anchors>", anchor_pats.iter().map(|(p, _)| p.as_str()))?;
        let digest = format!(
            "sha256:{}",
            hex::encode(Sha256::digest(
                serde_json::to_vec(&canon).unwrap_or_default()
            ))
        );
        let hint_rules = (0..rules.len() as u32)
            .filter(|&i| rules[i as usize].requires_hint)
            .collect();
        // Every rule's context words, lower-cased, in one automaton that runs
        // over the lower-cased value; each word maps to the rules that list it.
        let mut context_words: Vec<&str> = Vec::new();
        let mut context_rules: Vec<Vec<u32>> = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            for w in &r.context {
                match context_words.iter().position(|x| x == w) {
                    Some(k) => context_rules[k].push(i as u32),
                    None => {
                        context_words.push(w);
                        context_rules.push(vec![i as u32]);
                    }
                }
            }
        }
        // Built ASCII-case-insensitive: an ASCII value is searched as it is,
        // which finds what the lower-cased value would.
        let context = ascii_ci_automaton("<context words>", context_words.iter().copied())?;
        let places_against = rules.iter().map(|r| r.places_against).collect();
        let mut entities: Vec<String> = Vec::new();
        let rule_entity = rules
            .iter()
            .map(|r| match entities.iter().position(|e| e == &r.entity) {
                Some(i) => i,
                None => {
                    entities.push(r.entity.clone());
                    entities.len() - 1
                }
            })
            .collect();
        // One mask style per entity: a rule without one takes its
        // entity's (so a rule set shows an entity's values one way).
        let styles: Vec<MaskStyle> = rules
            .iter()
            .map(|r| {
                rules
                    .iter()
                    .filter(|o| o.entity == r.entity)
                    .map(|o| o.mask)
                    .find(|&m| m != MaskStyle::Shape)
                    .unwrap_or_default()
            })
            .collect();
        for (r, m) in rules.iter_mut().zip(styles) {
            r.mask = m;
        }
        let all: Vec<Gate> = rules.iter().enumerate().map(Gate::of).collect();
        let digit_free = all
            .iter()
            .filter(|g| g.min_digits == 0 && g.digit_mask == 0 && g.alnum_digit_mask == 0)
            .copied()
            .collect();
        let min_token_run = rules
            .iter()
            .filter(|r| r.token_run > 0)
            .map(|r| r.token_run)
            .min()
            .unwrap_or(u32::MAX);
        Ok(RuleSet {
            rules,
            digit_free,
            all,
            min_token_run,
            anchors,
            anchor_rule,
            anchor_case: anchor_pats,
            hint_rules,
            context,
            context_rules,
            entities,
            rule_entity,
            places_against,
            digest,
        })
    }
}

/// An ASCII-case-insensitive automaton over `patterns` (`None` if there
/// are none); `what` names it in the error.
fn ascii_ci_automaton<'a>(
    what: &str,
    patterns: impl IntoIterator<Item = &'a str>,
) -> Result<Option<Words>> {
    let patterns: Vec<&str> = patterns.into_iter().collect();
    if patterns.is_empty() {
        return Ok(None);
    }
    Words::new(&patterns).map(Some).map_err(|e| Error::Rules {
        file: what.into(),
        line: None,
        rule: None,
        message: e.to_string(),
    })
}

/// An Aho-Corasick automaton over a set of words (ASCII case-insensitive,
/// every occurrence, overlapping), re-tabled for a direct walk: these
/// automata run on every candidate value, mostly short ones, where the
/// library's search loop (its overlapping state, prefilter and match
/// bookkeeping) costs several times the two loads a byte needs here.
///
/// States are numbered with the match states first and stored premultiplied
/// by the row length, so a step is one add and one load, and "is this a
/// match state" one comparison.
#[derive(Debug)]
pub(crate) struct Words {
    classes: [u8; 256],
    shift: u32,
    table: Vec<u32>,
    /// Premultiplied states below this are match states.
    match_limit: usize,
    /// Per match state (index): the words that end there.
    matches: Vec<Vec<u32>>,
    /// Per word: its length in bytes.
    lens: Vec<u32>,
    /// The longest word's length.
    max_len: usize,
    start: usize,
}

impl Words {
    fn new(patterns: &[&str]) -> std::result::Result<Words, aho_corasick::BuildError> {
        use aho_corasick::automaton::{Automaton, StateID};
        let dfa = aho_corasick::dfa::Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .start_kind(aho_corasick::StartKind::Unanchored)
            .build(patterns)?;
        let no = aho_corasick::Anchored::No;
        let start = dfa
            .start_state(no)
            .expect("an unanchored DFA has an unanchored start state");
        // Every reachable state, by a walk over all bytes.
        let mut ids: Vec<StateID> = vec![start];
        let mut seen = std::collections::HashMap::from([(start, 0usize)]);
        let mut k = 0;
        while k < ids.len() {
            let sid = ids[k];
            for b in 0..=255u8 {
                let next = dfa.next_state(no, sid, b);
                seen.entry(next).or_insert_with(|| {
                    ids.push(next);
                    ids.len() - 1
                });
            }
            k += 1;
        }
        // Byte classes: bytes with the same next state from every state.
        let mut classes = [0u8; 256];
        let mut reps: Vec<u8> = Vec::new();
        let mut by_column: std::collections::HashMap<Vec<StateID>, u8> = Default::default();
        for b in 0..=255u8 {
            let column: Vec<StateID> = ids.iter().map(|&s| dfa.next_state(no, s, b)).collect();
            let n = by_column.len();
            let class = *by_column.entry(column).or_insert_with(|| {
                reps.push(b);
                n as u8
            });
            classes[b as usize] = class;
        }
        // Match states first.
        let is_match = |s: StateID| dfa.is_special(s) && dfa.is_match(s);
        let mut order: Vec<StateID> = ids.iter().copied().filter(|&s| is_match(s)).collect();
        let n_match = order.len();
        order.extend(ids.iter().copied().filter(|&s| !is_match(s)));
        let index: std::collections::HashMap<StateID, usize> =
            order.iter().enumerate().map(|(i, &s)| (s, i)).collect();
        let shift = reps.len().next_power_of_two().trailing_zeros();
        let row = 1usize << shift;
        let mut table = vec![0u32; order.len() * row];
        for (i, &sid) in order.iter().enumerate() {
            for (c, &b) in reps.iter().enumerate() {
                table[i * row + c] = (index[&dfa.next_state(no, sid, b)] << shift) as u32;
            }
        }
        // The walk indexes without bounds checks: the start and every entry
        // begin a whole row inside the table; classes are below the row length.
        assert!(
            table
                .iter()
                .map(|&t| t as usize)
                .chain([index[&start] << shift])
                .all(|t| t + row <= table.len())
                && classes.iter().all(|&c| (c as usize) < row),
            "word automaton tables out of shape"
        );
        let matches = order[..n_match]
            .iter()
            .map(|&s| {
                (0..dfa.match_len(s))
                    .map(|k| dfa.match_pattern(s, k).as_u32())
                    .collect()
            })
            .collect();
        Ok(Words {
            classes,
            shift,
            table,
            match_limit: n_match << shift,
            matches,
            lens: patterns.iter().map(|p| p.len() as u32).collect(),
            max_len: patterns.iter().map(|p| p.len()).max().unwrap_or(0),
            start: index[&start] << shift,
        })
    }

    /// The state after byte `b` in state `s`.
    #[inline(always)]
    #[allow(unsafe_code)]
    fn step(&self, s: usize, b: u8) -> usize {
        // SAFETY: `s` is the start or a table entry, each of which begins a
        // row inside the table, and a class is below the row length
        // (asserted in `new`).
        unsafe {
            *self
                .table
                .get_unchecked(s + self.classes[b as usize] as usize) as usize
        }
    }

    /// From byte `i` in state `s`: the position after the next byte that
    /// enters a match state, and that state.
    #[inline]
    fn next_match(&self, hay: &[u8], mut i: usize, mut s: usize) -> Option<(usize, usize)> {
        while i < hay.len() {
            s = self.step(s, hay[i]);
            i += 1;
            if s < self.match_limit {
                return Some((i, s));
            }
        }
        None
    }

    /// Every occurrence of every word in `hay`, as `(word, start, end)`, in
    /// no particular order.
    ///
    /// A walk is a chain of loads, each waiting on the one before; a long
    /// value (free text) is walked as two halves side by side, whose chains
    /// do not wait on each other. The second half's walk starts `max_len`
    /// bytes before the middle: the automaton's state after a byte is the
    /// longest suffix of what was read that begins a word, never longer than
    /// the longest word, so from the middle on that walk is in the state
    /// the whole walk would be in, and it reports the words that end after
    /// the middle (the first half's walk, the others).
    #[inline]
    pub(crate) fn each(&self, hay: &[u8], mut f: impl FnMut(usize, usize, usize)) {
        let n = hay.len();
        if n < 2 * self.max_len + SPLIT_WALK_MIN {
            let (mut i, mut s) = (0, self.start);
            while let Some((e, next)) = self.next_match(hay, i, s) {
                self.report(next, e, &mut f);
                (i, s) = (e, next);
            }
            return;
        }
        // The first walk reads [0, mid), the second [from, n): about as many
        // bytes each.
        let mid = (n + self.max_len) / 2;
        let from = mid - self.max_len;
        let limit = self.match_limit;
        let (mut a, mut b) = (self.start, self.start);
        let (first, second) = (&hay[..mid], &hay[from..]);
        for (i, (&x, &y)) in first.iter().zip(second).enumerate() {
            a = self.step(a, x);
            b = self.step(b, y);
            if a < limit {
                self.report(a, i + 1, &mut f);
            }
            if b < limit && from + i + 1 > mid {
                self.report(b, from + i + 1, &mut f);
            }
        }
        // The second walk's last bytes (it reads one more when the lengths differ).
        for (i, &y) in second.iter().enumerate().skip(first.len()) {
            b = self.step(b, y);
            if b < limit && from + i + 1 > mid {
                self.report(b, from + i + 1, &mut f);
            }
        }
    }

    /// The words of match state `s` (premultiplied), ending at `e`.
    #[inline]
    fn report(&self, s: usize, e: usize, f: &mut impl FnMut(usize, usize, usize)) {
        for &pid in &self.matches[s >> self.shift] {
            f(pid as usize, e - self.lens[pid as usize] as usize, e);
        }
    }
}

/// Values at least this much longer than twice an automaton's longest word
/// are walked in two halves (see `Words::each`).
const SPLIT_WALK_MIN: usize = 16;

/// What a pattern's matches hold of ASCII digits: whether every match has
/// one, at most how many bytes come before the first, and at most how long a
/// match is (`None`: unbounded).
#[derive(Debug, Clone, Copy, PartialEq)]
struct DigitReach {
    must: bool,
    pre: Option<usize>,
    max: Option<usize>,
}

impl DigitReach {
    fn of(h: &regex_syntax::hir::Hir) -> DigitReach {
        use regex_syntax::hir::{Class, HirKind};
        let add = |a: Option<usize>, b: Option<usize>| a.zip(b).map(|(a, b)| a + b);
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => DigitReach {
                must: false,
                pre: None,
                max: Some(0),
            },
            HirKind::Literal(l) => DigitReach {
                must: l.0.iter().any(u8::is_ascii_digit),
                pre: l.0.iter().position(u8::is_ascii_digit),
                max: Some(l.0.len()),
            },
            HirKind::Class(Class::Unicode(c)) => DigitReach {
                must: c
                    .ranges()
                    .iter()
                    .all(|r| r.start().is_ascii_digit() && r.end().is_ascii_digit()),
                pre: Some(0),
                max: Some(
                    c.ranges()
                        .iter()
                        .map(|r| r.end().len_utf8())
                        .max()
                        .unwrap_or(0),
                ),
            },
            HirKind::Class(Class::Bytes(c)) => DigitReach {
                must: c
                    .ranges()
                    .iter()
                    .all(|r| r.start().is_ascii_digit() && r.end().is_ascii_digit()),
                pre: Some(0),
                max: Some(1),
            },
            HirKind::Capture(c) => DigitReach::of(&c.sub),
            HirKind::Repetition(r) => {
                let sub = DigitReach::of(&r.sub);
                DigitReach {
                    must: r.min >= 1 && sub.must,
                    pre: sub.pre,
                    max: r.max.and_then(|m| sub.max.map(|x| x * m as usize)),
                }
            }
            HirKind::Concat(xs) => {
                let mut out = DigitReach {
                    must: false,
                    pre: None,
                    max: Some(0),
                };
                for x in xs.iter().map(DigitReach::of) {
                    if x.must && !out.must {
                        out.must = true;
                        out.pre = add(out.max, x.pre);
                    }
                    out.max = add(out.max, x.max);
                }
                out
            }
            HirKind::Alternation(xs) => {
                let all: Vec<DigitReach> = xs.iter().map(DigitReach::of).collect();
                let must = all.iter().all(|x| x.must);
                DigitReach {
                    must,
                    pre: if must {
                        all.iter().try_fold(0, |m, x| x.pre.map(|p| m.max(p)))
                    } else {
                        None
                    },
                    max: all.iter().try_fold(0, |m, x| x.max.map(|p| m.max(p))),
                }
            }
        }
    }

    /// The bound on the bytes before a match's first digit, when every
    /// match has one.
    fn lead(self) -> Option<usize> {
        if self.must {
            self.pre
        } else {
            None
        }
    }
}

/// The id of the last `[[rule]]` that starts before `pos`, for error messages.
fn rule_id_before(text: &str, pos: Option<usize>) -> Option<String> {
    let head = &text[..pos.unwrap_or(text.len()).min(text.len())];
    let start = head.rfind("[[rule]]")?;
    let re = Regex::new(r#"(?m)^\s*id\s*=\s*"([^"]+)""#).ok()?;
    re.captures(&text[start..]).map(|c| c[1].to_string())
}

fn validate_spec(spec: &RuleSpec) -> std::result::Result<(), String> {
    if spec.id.is_empty()
        || !spec
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err("id must be non-empty [a-z0-9_]".into());
    }
    if !ENTITY_LABELS.contains(&spec.entity.as_str()) {
        return Err(format!(
            "unknown entity label {:?} (`piigate rules schema` lists the labels)",
            spec.entity
        ));
    }
    if !(0.0..=1.0).contains(&spec.score) {
        return Err("score must be within 0..1".into());
    }
    if spec.detector == DetectorKind::Regex && spec.patterns.is_empty() {
        return Err("a regex rule needs at least one pattern".into());
    }
    if let Some(w) = spec
        .negative_context
        .iter()
        .find(|w| w.is_empty() || !w.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        return Err(format!(
            "negative_context word {w:?} must be ASCII letters only"
        ));
    }
    if spec.requires_hint
        && spec.column_hints.is_empty()
        && spec.column_hint_groups.is_empty()
        && spec.context.is_empty()
    {
        return Err("requires_hint needs column_hints or context words".into());
    }
    Ok(())
}

/// Lower-case and strip separators, so `E-Mail`, `e_mail` and `email` compare equal.
pub fn normalise_word(w: &str) -> String {
    w.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// JSON Schema for rule files (committed as `rules/schema.json`).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(RuleFile);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The DFAs determinised by build.rs are the ones the library would build
    /// now, byte for byte, for every pattern of the built-in rules; and every
    /// built-in pattern has one (so none is built while scanning).
    #[test]
    fn prebuilt_whole_dfas_are_the_runtime_ones() {
        let rules = RuleSet::builtin().unwrap();
        let mut checked = 0;
        for r in &rules.rules {
            for p in &r.patterns {
                let prebuilt = prebuilt_whole_dfa(p)
                    .unwrap_or_else(|| panic!("{}: no build-time DFA for {p:?}", r.id));
                let now = crate::dfa_build::build_whole_dense(p);
                // The serialised form, without the alignment padding that
                // `to_bytes_little_endian` puts in front (it depends on where
                // the buffer was allocated).
                let bytes = |d: regex_automata::dfa::dense::DFA<Vec<u32>>| {
                    let (b, pad) = d.to_bytes_little_endian();
                    b[pad..].to_vec()
                };
                assert_eq!(prebuilt.map(bytes), now.map(bytes), "{}: {p:?}", r.id);
                checked += 1;
            }
        }
        assert!(checked >= 50, "only {checked} patterns");
        // The English street pattern, the largest, is among them.
        assert!(WHOLE_DFA_INDEX.iter().any(|&(_, _, len)| len > 1 << 20));
    }

    /// A rule file can add words to a built-in hint group, and every rule of
    /// the group takes them; a group nobody defines is an error that names
    /// the rule.
    #[test]
    fn hint_groups_are_shared_and_extended_by_rule_files() {
        let user = r#"
[hint_groups]
government_id = ["henkilotunnus"]
"#;
        let rules = RuleSetBuilder::new()
            .builtin()
            .unwrap()
            .add_source("user.toml", user)
            .unwrap()
            .build()
            .unwrap();
        for id in ["uk_nino", "us_ssn", "es_nif"] {
            let r = rules.get(id).unwrap();
            assert!(r.column_hints.iter().any(|w| w == "nationalid"), "{id}");
            assert!(r.column_hints.iter().any(|w| w == "henkilotunnus"), "{id}");
        }
        assert!(!rules
            .get("us_passport")
            .unwrap()
            .column_hints
            .iter()
            .any(|w| w == "nationalid"));
        // The digest covers the group's words.
        assert_ne!(rules.digest(), RuleSet::builtin().unwrap().digest());

        let bad = r#"
[[rule]]
id = "my_id"
entity = "US_SSN"
description = "x"
sensitivity = "HIGH"
patterns = ['\bX\d{5}\b']
score = 0.5
column_hint_groups = ["no_such_group"]
"#;
        let err = RuleSetBuilder::new()
            .add_source("mine.toml", bad)
            .unwrap()
            .build()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("my_id") && err.contains("no_such_group"),
            "{err}"
        );
    }

    /// A pattern that is not built in (a user's rule) is built when first
    /// asked for, and matches as the built-in ones do.
    #[test]
    fn user_patterns_get_a_whole_dfa_at_run_time() {
        let p = crate::dfa_build::fast_pattern(r"ZZ-\d{3}-QQ");
        assert!(prebuilt_whole_dfa(&p).is_none());
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("user.toml"),
            r#"
[[rule]]
id = "zz_code"
entity = "EMAIL"
description = "a test code"
sensitivity = "LOW"
patterns = ['ZZ-\d{3}-QQ']
score = 0.5
"#,
        )
        .unwrap();
        let rules = RuleSet::with_dirs(&[dir.path().to_path_buf()]).unwrap();
        let r = rules.rules.iter().find(|r| r.id == "zz_code").unwrap();
        assert_eq!(r.patterns, vec![p]);
        let w = r.whole_dfa(0).expect("a DFA");
        assert_eq!(crate::detect::dfa_whole_match(w, b"ZZ-123-QQ"), Some(true));
        assert_eq!(crate::detect::dfa_whole_match(w, b"ZZ-12-QQ"), Some(false));
    }

    fn library_matches(words: &[&str], hay: &str) -> Vec<(usize, usize, usize)> {
        let ac = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(words)
            .unwrap();
        let mut v: Vec<_> = ac
            .find_overlapping_iter(hay)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        v.sort();
        v
    }

    proptest::proptest! {
        /// The direct walk finds exactly the occurrences the library's
        /// overlapping search finds: nested, overlapping and repeated
        /// words, any ASCII case, and non-ASCII bytes around them.
        #[test]
        fn words_walk_finds_what_the_library_finds(
            hay in "[abcAB éÉ.-]{0,90}",
            words in proptest::collection::vec("[abcé]{1,4}", 1..6),
        ) {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            let w = Words::new(&words).unwrap();
            let mut mine = Vec::new();
            w.each(hay.as_bytes(), |p, s, e| mine.push((p, s, e)));
            mine.sort();
            let theirs = library_matches(&words, &hay);
            proptest::prop_assert_eq!(mine, theirs);
        }
    }

    fn lead(p: &str) -> Option<usize> {
        DigitReach::of(&regex_automata::util::syntax::parse(p).unwrap()).lead()
    }

    #[test]
    fn digit_lead_bounds_the_bytes_before_the_first_digit() {
        assert_eq!(lead(r"(?-u:\b)[0-9]{4}"), Some(0));
        assert_eq!(lead(r"(?:\+|\()?[0-9]{3}"), Some(1));
        assert_eq!(lead(r"abc[0-9]"), Some(3));
        assert_eq!(lead(r"é[0-9]"), Some(2));
        assert_eq!(lead(r"(?:ab|c)[0-9]|[0-9]{2}"), Some(2));
        assert_eq!(lead(r"x{1,3}[0-9]"), Some(3));
        // Unbounded before the digit, or a match without one: no bound.
        assert_eq!(lead(r"\s*[0-9]"), None);
        assert_eq!(lead(r"[0-9]?x"), None);
        assert_eq!(lead(r"[0-9]+|abc"), None);
        assert_eq!(lead(r"[0-9a]{4}"), None);
    }

    proptest::proptest! {
        /// No match of a built-in pattern starts more than its lead before
        /// the value's first digit: the searches that start there miss none.
        #[test]
        fn no_match_starts_before_its_digit_lead(
            hay in "[a-zA-Z +()#:.,-]{0,30}[0-9]{1,4}[ a-z0-9.()+/-]{0,30}",
        ) {
            static RULES: std::sync::LazyLock<RuleSet> =
                std::sync::LazyLock::new(|| RuleSet::builtin().unwrap());
            let rules = &*RULES;
            let fd = hay.bytes().position(|b| b.is_ascii_digit()).unwrap();
            for r in &rules.rules {
                for (j, re) in r.regexes.iter().enumerate() {
                    let Some(lead) = r.digit_lead[j] else { continue };
                    for m in re.find_iter(hay.as_str()) {
                        proptest::prop_assert!(
                            m.start() + lead >= fd,
                            "{} pattern {j} matched {:?} in {hay:?}", r.id, m.range()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn builtin_context_words_are_found_in_any_case() {
        let rules = RuleSet::builtin().unwrap();
        let ac = rules.context.as_ref().unwrap();
        let mut found = Vec::new();
        ac.each(b"Ship to ADDRESS: 12 x", |p, s, e| found.push((p, s, e)));
        assert!(
            found.iter().any(|&(_, s, e)| (s, e) == (8, 15)),
            "{found:?}"
        );
    }
}
