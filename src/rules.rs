//! Rules as data: detector declarations in TOML, parsed and validated.
//!
//! This module knows nothing of matching: `detect` compiles the rules it
//! loads into a `RuleSet`.
//!
//! The built-in set is `rules/*.toml`, embedded in the binary. `--rules DIR`
//! adds the `*.toml` files of DIR; a rule with the id of an existing one
//! replaces it, and `enabled = false` switches one off.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::report::Sensitivity;
use crate::validators::Validator;
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
    /// Two `:` with at most four hex digits between them, and a `::` or
    /// seven `:` in the value (`fe80::1`, `2001:db8:0:0:0:0:0:1`): every
    /// IPv6 address has them; a time of day (`12:30:45`) and `"v":4,"k":`
    /// do not.
    HexColons,
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
            Feature::HexColons => 32768,
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
    /// Minimum number of ASCII capitals in a row the value must have (more
    /// than the four of `upper_word`): a bank code's six letters, which
    /// `HTTP` and `POST` in a log line are too short to give.
    #[serde(default)]
    pub upper_run: Option<u32>,
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
    /// Column names (one word, or two or three adjacent words joined:
    /// `message_id` is `messageid`, `in_reply_to` `inreplyto`) that say the column holds something else written in
    /// this entity's shape: a message's id is written as an address
    /// (`<9627.1029933001@munnari.OZ.AU>`). Unlike a negative hint, no share
    /// of valid matches overrides them; they are negative hints too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub defining_negative_column_hints: Vec<String>,
    /// Words in the names of other columns of the table that say what its
    /// rows are, and that they are not of this entity: a `name` column
    /// beside `species` and `breed` names pets, beside `max_wind` storms.
    /// They argue against the rule in a structured column whose own name
    /// does not define the entity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub negative_sibling_hints: Vec<String>,
    /// Column hints that say nothing of whose the value is (`name`): a
    /// column supported by no other of its hints is open to
    /// `negative_sibling_hints` (a `name` column is, an `owner_name` not).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weak_column_hints: Vec<String>,
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
    /// A match of letters only counts where no other word in capitals
    /// stands beside it (the word before it, or the word after it across
    /// spaces): text in capitals (`AVENIDA PAULISTA`, `RUA DAS ESTRADAS`)
    /// holds words shaped like codes. The rule's context words beside it
    /// (`BIC DEUTDEFF`) do not count as such words.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub alone_in_capitals: bool,
    /// In running text (a value longer than 128 bytes) a match counts only
    /// where the column is named for the rule or one of its context words
    /// stands within reach, as a hint-only rule's does: a word in capitals
    /// shaped like a code in an e-mail or a mail server's trace line
    /// ("PROPECIA", "HARDCORE", "id NLZTAG1Q") is no code. A short value
    /// ("pay to COBADEFF, ref 12") needs neither.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub context_in_prose: bool,
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
    /// Qualifiers written glued to an axis name in one word (`reclat`,
    /// `pickuplon`, `centlat`): such a word names the axis too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub numeric_axis_prefixes: Vec<String>,
    /// Words that make a column named for an axis a measure of positions
    /// rather than a position (`delta_lat`, `lon_error`, `speed_long`):
    /// such a column is not one of the axis.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub numeric_axis_not: Vec<String>,
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
    /// The patterns, as written in the rule file.
    pub patterns: Vec<String>,
    /// The check a match must pass (checksums, ranges).
    pub validator: Validator,
    pub(crate) score: f32,
    /// Lower-cased words that support a match in the same value.
    pub(crate) context: Vec<String>,
    /// Lower-cased words that reject a match they stand directly before.
    pub(crate) negative_context: Vec<String>,
    /// Normalised words of column names that support the rule.
    pub(crate) column_hints: Vec<String>,
    pub(crate) negative_column_hints: Vec<String>,
    /// Column names that say the column holds something else of this shape.
    pub(crate) defining_negative_column_hints: Vec<String>,
    pub(crate) negative_sibling_hints: Vec<String>,
    pub(crate) weak_column_hints: Vec<String>,
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
    /// A match of letters only counts with no word in capitals beside it.
    pub(crate) alone_in_capitals: bool,
    /// In running text a match counts only with a hint or context word.
    pub(crate) context_in_prose: bool,
    /// Typed date columns named for this rule are checked against it.
    pub(crate) typed_dates: bool,
    /// Numeric columns named for one of these axes hold this entity.
    pub(crate) numeric_axes: Vec<NumericAxis>,
    /// Unit words skipped after an axis name.
    pub(crate) numeric_axis_units: Vec<String>,
    /// Qualifiers that may be glued in front of an axis name.
    pub(crate) numeric_axis_prefixes: Vec<String>,
    /// Words that make an axis column a measure of positions.
    pub(crate) numeric_axis_not: Vec<String>,
    /// Values it must find and values it must not (`rules test`).
    pub examples: Examples,
    /// The rule file it came from.
    pub source: String,
}

/// Collects rule files and validates them; `build` (in `detect`) compiles them.
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

    /// The enabled rules in order, their hint groups expanded, with the
    /// digest of their canonical specs.
    pub(crate) fn finish(self) -> Result<Loaded> {
        let mut rules = Vec::new();
        let mut specs = Vec::new();
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
            canon.push(serde_json::to_value(&spec).unwrap_or_default());
            rules.push(Rule::of(&spec, src));
            specs.push(spec);
        }
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
        let digest = format!(
            "sha256:{}",
            hex::encode(Sha256::digest(
                serde_json::to_vec(&canon).unwrap_or_default()
            ))
        );
        Ok(Loaded {
            rules,
            specs,
            digest,
        })
    }
}

/// Validated rules, ready to compile.
pub(crate) struct Loaded {
    /// The enabled rules, in order.
    pub rules: Vec<Rule>,
    /// Their specs (hint groups expanded), for what only matching needs.
    pub specs: Vec<RuleSpec>,
    /// `sha256:` over the canonical JSON of `specs`.
    pub digest: String,
}

impl Rule {
    /// The rule of a validated spec from `src` (`file:line`).
    fn of(spec: &RuleSpec, src: &str) -> Rule {
        let norm = |v: &Vec<String>| v.iter().map(|w| normalise_word(w)).collect::<Vec<_>>();
        Rule {
            id: spec.id.clone(),
            entity: spec.entity.clone(),
            description: spec.description.clone(),
            sensitivity: spec.sensitivity,
            detector: spec.detector,
            patterns: spec.patterns.clone(),
            validator: spec.validator,
            score: spec.score,
            context: spec.context.iter().map(|w| w.to_lowercase()).collect(),
            negative_context: spec
                .negative_context
                .iter()
                .map(|w| w.to_lowercase())
                .collect(),
            column_hints: norm(&spec.column_hints),
            negative_column_hints: norm(&spec.negative_column_hints),
            defining_negative_column_hints: norm(&spec.defining_negative_column_hints),
            negative_sibling_hints: norm(&spec.negative_sibling_hints),
            weak_column_hints: norm(&spec.weak_column_hints),
            defining_column_hints: norm(&spec.defining_column_hints),
            requires_hint: spec.requires_hint,
            context_labels: spec.context_labels,
            places_against: spec.places_against,
            redaction: spec.redaction,
            mask: spec.mask,
            identifies_with: spec.identifies_with.clone(),
            follows_country_code: spec.follows_country_code,
            alone_in_capitals: spec.alone_in_capitals,
            context_in_prose: spec.context_in_prose,
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
            numeric_axis_prefixes: spec
                .numeric_axis_prefixes
                .iter()
                .map(|u| u.to_lowercase())
                .collect(),
            numeric_axis_not: spec
                .numeric_axis_not
                .iter()
                .map(|u| u.to_lowercase())
                .collect(),
            examples: spec.examples.clone(),
            source: src.to_string(),
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

    /// A rule file can add words to a built-in hint group, and every rule of
    /// the group takes them; a group nobody defines is an error that names
    /// the rule.
    #[test]
    fn hint_groups_are_shared_and_extended_by_rule_files() {
        let user = r#"
[hint_groups]
government_id = ["henkilotunnus"]
"#;
        let loaded = RuleSetBuilder::new()
            .builtin()
            .unwrap()
            .add_source("user.toml", user)
            .unwrap()
            .finish()
            .unwrap();
        let get = |id: &str| loaded.rules.iter().find(|r| r.id == id).unwrap();
        for id in ["uk_nino", "us_ssn", "es_nif"] {
            let r = get(id);
            assert!(r.column_hints.iter().any(|w| w == "nationalid"), "{id}");
            assert!(r.column_hints.iter().any(|w| w == "henkilotunnus"), "{id}");
        }
        assert!(!get("us_passport")
            .column_hints
            .iter()
            .any(|w| w == "nationalid"));
        // The digest covers the group's words.
        let builtin = RuleSetBuilder::new().builtin().unwrap().finish().unwrap();
        assert_ne!(loaded.digest, builtin.digest);

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
        let err = match RuleSetBuilder::new()
            .add_source("mine.toml", bad)
            .unwrap()
            .finish()
        {
            Ok(_) => panic!("an unknown hint group was accepted"),
            Err(e) => e.to_string(),
        };
        assert!(
            err.contains("my_id") && err.contains("no_such_group"),
            "{err}"
        );
    }
}
