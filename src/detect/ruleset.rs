//! The compiled rule set: each rule's patterns as regexes and whole-value
//! DFAs, the gates `detect` sieves rules with, and the anchor and context
//! word automata.

use std::path::Path;

use super::matching::{self, WholeDfa, Words};
use crate::report::Sensitivity;
use crate::rules::{Loaded, MaskStyle, Redaction, Rule, RuleSetBuilder};
use crate::{Error, Result};

/// Values shorter than this use the prefilter-free regexes.
pub(crate) const SHORT_VALUE: usize = 64;

impl Compiled {
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
            .get_or_init(|| matching::whole_dfa(&self.patterns[j]))
            .as_ref()
    }

    pub(crate) fn regex_at(&self, slot: usize) -> &regex_automata::meta::Regex {
        match slot.checked_sub(self.regexes.len()) {
            Some(k) => &self.regexes_short[k],
            None => &self.regexes[slot],
        }
    }
}

/// One rule's patterns, compiled.
#[derive(Debug)]
pub(crate) struct Compiled {
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
    pub(crate) patterns: Vec<String>,
    /// Per pattern: when every match holds an ASCII digit, the most bytes
    /// a match can have before its first digit (so no match starts earlier
    /// than that before the value's first digit); `None` otherwise.
    pub(crate) digit_lead: Vec<Option<usize>>,
}

/// What `detect` checks of a rule before running it, packed apart from the
/// (large, rarely touched) `Rule` and `Compiled` so that sieving every rule for a value
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
    /// Capitals in a row the value must have (0: no such need).
    pub upper_run: u32,
}

/// A numeric column named for an axis of a rule (`RuleSet::numeric_axis`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NumericAxisOf {
    /// The rule (its index).
    pub rule: usize,
    /// The largest absolute value in degrees (90 for latitude).
    pub max_abs: f64,
    /// The name has a word besides the axis (`position_lat`, `lat_e7`,
    /// `reclat`): whole numbers past the range in degrees are then
    /// positions in a scaled integer unit (`lat * 1e7`, semicircles). A bare
    /// `long` may count anything.
    pub qualified: bool,
}

/// The compiled rule set: the rules, their patterns compiled, and the
/// automata over every rule's anchors and context words.
#[derive(Debug)]
pub struct RuleSet {
    pub(crate) rules: Vec<Rule>,
    /// Per rule: its patterns compiled.
    pub(crate) compiled: Vec<Compiled>,
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

    /// The axis a numeric column is named for (see [`NumericAxisOf`]): the
    /// axis must be the name's last word after any of the rule's unit words,
    /// qualifiers (`pickup_lat`, `lat_deg`, `lat_max`), as the head of an English compound is
    /// (`latitude_band` is a code), alone or after one of the rule's glued
    /// qualifiers (`reclat`, not `furlong`); no other word of the name may
    /// make it a measure of positions (`delta_lat`, `speed_lon`).
    pub(crate) fn numeric_axis(&self, column: &str) -> Option<NumericAxisOf> {
        let words = super::column_words(column);
        self.rules.iter().enumerate().find_map(|(i, r)| {
            if r.numeric_axes.is_empty() {
                return None;
            }
            // Trailing unit words and qualifiers (`lat_center`, `lon_max`)
            // are skipped.
            let at = words.iter().rposition(|w| {
                !(r.numeric_axis_units.iter().any(|u| u == w)
                    || r.numeric_axis_prefixes.iter().any(|q| q == w))
            })?;
            let last = &words[at];
            // The axis, or the axis with one of the rule's qualifiers glued
            // in front of it (`reclat`).
            let names = |n: &String| {
                n == last
                    || last
                        .strip_suffix(n.as_str())
                        .is_some_and(|q| r.numeric_axis_prefixes.iter().any(|p| p == q))
            };
            let axis = r.numeric_axes.iter().find(|a| a.names.iter().any(names))?;
            let glued = !axis.names.iter().any(|n| n == last);
            if words
                .iter()
                .any(|w| r.numeric_axis_not.iter().any(|n| n == w))
            {
                return None;
            }
            Some(NumericAxisOf {
                rule: i,
                max_abs: axis.max_abs,
                qualified: glued || words.len() > 1,
            })
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

impl RuleSetBuilder {
    /// Validate the rules collected and compile them.
    pub fn build(self) -> Result<RuleSet> {
        let Loaded {
            rules,
            specs,
            digest,
        } = self.finish()?;
        let mut compiled = Vec::with_capacity(rules.len());
        let mut anchor_pats: Vec<(String, bool)> = Vec::new();
        let mut anchor_rule = Vec::new();
        let mut all = Vec::with_capacity(rules.len());
        for (idx, (rule, spec)) in rules.iter().zip(&specs).enumerate() {
            let mut regexes = Vec::new();
            let mut regexes_short = Vec::new();
            let mut patterns = Vec::new();
            let mut digit_lead = Vec::new();
            for p in &spec.patterns {
                let p = matching::fast_pattern(p);
                digit_lead.push(matching::digit_lead(&p));
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
                            file: rule.source.clone(),
                            line: None,
                            rule: Some(rule.id.clone()),
                            message: format!("invalid pattern: {e}"),
                        })
                };
                regexes.push(build(true)?);
                regexes_short.push(build(false)?);
                patterns.push(p);
            }
            for a in &spec.anchors {
                anchor_pats.push((a.clone(), false));
                anchor_rule.push(idx);
            }
            for a in &spec.anchors_ci {
                anchor_pats.push((a.to_lowercase(), true));
                anchor_rule.push(idx);
            }
            let mask = |run: Option<[u32; 2]>, top: u32| {
                run.map_or(0, |[a, b]| {
                    (a.min(top)..=b.min(top)).fold(0u64, |m, k| m | (1 << k))
                })
            };
            all.push(Gate {
                rule: idx as u32,
                features: spec.requires.iter().fold(0, |m, f| m | f.bit()),
                requires_hint: spec.requires_hint,
                anchored: !spec.anchors.is_empty() || !spec.anchors_ci.is_empty(),
                min_digits: spec.min_digits,
                token_run: spec.token_run.unwrap_or(0),
                digit_mask: mask(spec.digit_groups, 31) as u32,
                alnum_mask: mask(spec.alnum_run, 63),
                alnum_digit_mask: mask(spec.alnum_run_with_digit, 63),
                upper_run: spec.upper_run.unwrap_or(0),
            });
            compiled.push(Compiled {
                whole: (0..regexes.len()).map(|_| Default::default()).collect(),
                regexes,
                regexes_short,
                patterns,
                digit_lead,
            });
        }
        // Case-insensitive anchors are lower-cased and matched ASCII-case-insensitively;
        // case-sensitive ones need exact bytes. One automaton serves both: it is built
        // case-insensitive and a case-sensitive hit is re-checked (cheap, rare).
        let anchors = ascii_ci_automaton("<anchors>", anchor_pats.iter().map(|(p, _)| p.as_str()))?;
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
        let digit_free = all
            .iter()
            .filter(|g| g.min_digits == 0 && g.digit_mask == 0 && g.alnum_digit_mask == 0)
            .copied()
            .collect();
        let min_token_run = all
            .iter()
            .filter(|g| g.token_run > 0)
            .map(|g| g.token_run)
            .min()
            .unwrap_or(u32::MAX);
        Ok(RuleSet {
            rules,
            compiled,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A pattern that is not built in (a user's rule) is built when first
    /// asked for, and matches as the built-in ones do.
    #[test]
    fn user_patterns_get_a_whole_dfa_at_run_time() {
        let p = matching::fast_pattern(r"ZZ-\d{3}-QQ");
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
        let i = rules.rules.iter().position(|r| r.id == "zz_code").unwrap();
        assert_eq!(rules.rules[i].patterns, vec![r"ZZ-\d{3}-QQ".to_string()]);
        assert_eq!(rules.compiled[i].patterns, vec![p]);
        let w = rules.compiled[i].whole_dfa(0).expect("a DFA");
        assert_eq!(crate::detect::dfa_whole_match(w, b"ZZ-123-QQ"), Some(true));
        assert_eq!(crate::detect::dfa_whole_match(w, b"ZZ-12-QQ"), Some(false));
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
            for (r, m) in rules.rules.iter().zip(&rules.compiled) {
                for (j, re) in m.regexes.iter().enumerate() {
                    let Some(lead) = m.digit_lead[j] else { continue };
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
