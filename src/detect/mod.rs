//! Value detectors: from one string value to validated hits.
//!
//! Cost per value is kept near the cost of reading it:
//! 1. one pass over the bytes computes a shape: digit count, feature bits, the
//!    digit counts of the numbers in it, the lengths of its alphanumeric runs;
//! 2. one Aho-Corasick pass finds the literal anchors of anchored rules;
//! 3. rules whose gates fail (anchor, digit counts, run lengths, features) are
//!    skipped — most values leave one or two candidate rules, often none;
//! 4. only those rules run their patterns, and each candidate is validated.
//!    Context words are searched (a second Aho-Corasick pass) only when a rule
//!    that needs them is still a candidate.

pub mod dob;
mod examples;
// Every `unsafe` block of the crate is in here.
#[allow(unsafe_code)]
pub(crate) mod matching;
pub mod names;
mod ruleset;

use std::sync::Arc;

use matching::bytes;
pub(crate) use matching::bytes::trim_value;
pub use ruleset::RuleSet;
pub(crate) use ruleset::{Compiled, Gate, SHORT_VALUE};

use crate::rules::{normalise_word, DetectorKind, Rule};
use crate::validators;

/// A validated match inside one value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Index into the rule set.
    pub rule: usize,
    /// Byte offset of the match in the (trimmed) value.
    pub start: usize,
    /// Byte offset just past the match.
    pub end: usize,
    /// The match is the whole (trimmed) value.
    pub full: bool,
    /// A context word of the rule occurs in the same value.
    pub context: bool,
}

impl Hit {
    /// Rule `rule` matched all of a value `len` bytes long.
    fn whole(rule: usize, len: usize) -> Self {
        Hit {
            rule,
            start: 0,
            end: len,
            full: true,
            context: false,
        }
    }
}

/// What the column name says about each rule: +1 supports, +2 names the
/// entity itself (a defining column hint), -1 argues against.
#[derive(Debug, Clone)]
pub struct ColumnHints {
    pub(crate) per_rule: Vec<i8>,
    /// The name supports (without defining) a rule whose whole-value hits
    /// that are towns argue against it: the column's values that are towns
    /// are counted (`ColumnProfile::place_values`), hit or not.
    pub(crate) watch_places: bool,
    /// Another column of the table names people by their role (`winner`,
    /// `first_name`, `player`): a value that is one capitalised given name
    /// ("Urvashi", "Keith") is a name here too, though the column's own name
    /// says nothing (`eliminated`). Pets and flowers have given names too,
    /// so nowhere else.
    pub(crate) people_beside: bool,
    /// The name names people by their role (`names_people_by_role`).
    pub(crate) people_by_role: bool,
    /// The name says birth (supports a date-of-birth rule): eight digits
    /// may be a date (`dob::digits_are_date`), which other rules can match
    /// whole too, so the column memo leaves such values to `detect`.
    pub(crate) dates_in_digits: bool,
}

/// Words for the person a value belongs to, after another word of a
/// column's name (`account_holder`, `order_customer`, `policy_owner`).
const POSSESSORS: &[&str] = &[
    "holder",
    "holders",
    "owner",
    "owners",
    "customer",
    "client",
    "user",
    "member",
    "employee",
    "patient",
    "person",
    "applicant",
    "contact",
    "subscriber",
];

impl ColumnHints {
    /// No hint for any rule (a value without a column).
    pub fn none(rules: &RuleSet) -> Self {
        ColumnHints {
            per_rule: vec![0; rules.len()],
            watch_places: false,
            people_beside: false,
            people_by_role: false,
            dates_in_digits: false,
        }
    }

    /// The hints of every column of a table, from all its (leaf) column
    /// names: each column's own, and whether another column names people
    /// by their role (`ColumnHints::people_beside`).
    pub fn for_table<S: AsRef<str>>(rules: &RuleSet, names: &[S]) -> Vec<Self> {
        let mut hints: Vec<ColumnHints> = names
            .iter()
            .map(|n| ColumnHints::from_column_name(rules, n.as_ref()))
            .collect();
        let people = hints.iter().any(|h| h.people_by_role);
        if people {
            for h in &mut hints {
                h.people_beside = true;
            }
        }
        hints
    }

    /// Hints from a (possibly dotted) column path, matched on whole words.
    pub fn from_column_name(rules: &RuleSet, name: &str) -> Self {
        Self::from_name(rules, name, false)
    }

    /// Hints from the key of a `key=value` pair inside a value: as a column
    /// name's, except that a key that both argues against a rule and names
    /// it (`card_id: 4111 1111 1111 1111`) says nothing either way.
    pub(crate) fn from_key(rules: &RuleSet, key: &str) -> Self {
        Self::from_name(rules, key, true)
    }

    fn from_name(rules: &RuleSet, name: &str, key: bool) -> Self {
        let words = column_words(name);
        let joined: String = words.concat();
        // Two or three adjacent words joined (`employee_national_id` holds
        // `nationalid`, `tax_id_number` holds `taxid` and `idnumber`).
        let runs: Vec<String> = (2..=3)
            .flat_map(|n| words.windows(n).map(|w| w.concat()))
            .collect();
        let matches = |hint: &str| {
            words.iter().any(|w| {
                w == hint || (hint.len() >= 4 && w.len() > hint.len() && w.starts_with(hint))
            }) || joined == hint
                || runs.iter().any(|r| r == hint)
        };
        // A negative word followed by a word for a person says whose the
        // value is, not what it is: `account_holder_ssn` is the SSN of an
        // account's holder, `order_customer_phone` the customer's phone.
        let argues = |hint: &str| {
            words.iter().enumerate().any(|(i, w)| {
                (w == hint || (hint.len() >= 4 && w.len() > hint.len() && w.starts_with(hint)))
                    && !words
                        .get(i + 1)
                        .is_some_and(|n| POSSESSORS.contains(&n.as_str()))
            }) || joined == hint
                || runs.iter().any(|r| r == hint)
        };
        // A defining hint is a whole word or two adjacent words joined
        // ("last_name", "customerLastName"), never a prefix.
        let defines = |hint: &str| {
            words.iter().any(|w| w == hint)
                || words.windows(2).any(|p| {
                    p[0].len() + p[1].len() == hint.len()
                        && hint.starts_with(&p[0][..])
                        && hint.ends_with(&p[1][..])
                })
        };
        let per_rule = rules
            .rules
            .iter()
            .map(|r| {
                if r.defining_negative_column_hints
                    .iter()
                    .any(|h| words.iter().any(|w| w == h) || runs.iter().any(|r| r == h))
                {
                    -2
                } else if r.negative_column_hints.iter().any(|h| argues(h)) {
                    if key
                        && (r.defining_column_hints.iter().any(|h| defines(h))
                            || r.column_hints.iter().any(|h| matches(h)))
                    {
                        0
                    } else {
                        -1
                    }
                } else if r.defining_column_hints.iter().any(|h| defines(h)) {
                    2
                } else if r.column_hints.iter().any(|h| matches(h)) {
                    1
                } else {
                    0
                }
            })
            .collect::<Vec<i8>>();
        let watch_places = per_rule
            .iter()
            .zip(&rules.places_against)
            .any(|(&h, &p)| p && h == 1);
        let dates_in_digits = rules
            .rules
            .iter()
            .zip(&per_rule)
            .any(|(r, &h)| r.detector == DetectorKind::DateOfBirth && h > 0);
        ColumnHints {
            people_by_role: names_people_by_role(rules, &words, &per_rule),
            per_rule,
            watch_places,
            people_beside: false,
            dates_in_digits,
        }
    }

    /// How the names finder reads this column's values for rule `rule`.
    pub(crate) fn name_hint(&self, rule: usize) -> names::NameHint {
        match self.get(rule) {
            2.. => names::NameHint::Named,
            1 if self.people_by_role => names::NameHint::Role,
            1 => names::NameHint::Hinted,
            0 if self.people_beside => names::NameHint::Beside,
            _ => names::NameHint::None,
        }
    }

    /// Whether the column memo may answer `text` (trimmed): not eight
    /// digits in a column whose name says birth (see `dates_in_digits`).
    #[inline]
    pub(crate) fn memo_may_answer(&self, text: &str) -> bool {
        !(self.dates_in_digits && dob::eight_digits(text.as_bytes()))
    }

    /// What the column says about rule `rule`: 2 it names the entity, 1
    /// supports it, 0 nothing, -1 argues against it.
    pub fn get(&self, rule: usize) -> i8 {
        self.per_rule.get(rule).copied().unwrap_or(0)
    }
}

/// Whether a column of the name `words` (with the hints `per_rule`) names
/// people by their role: a name that defines a person's name
/// (`first_name`, `surname`), or a word of the name rule's hints other than
/// its weak ones (`winner`, `player`, `customer`; not `name`, which
/// products and places have too).
fn names_people_by_role(rules: &RuleSet, words: &[String], per_rule: &[i8]) -> bool {
    rules.rules.iter().zip(per_rule).any(|(r, &h)| {
        r.detector == DetectorKind::PersonName
            && (h >= 2
                || (h == 1
                    && words
                        .iter()
                        .any(|w| r.column_hints.contains(w) && !r.weak_column_hints.contains(w))))
    })
}

/// Split a column path into lower-case words: `customerEmail_2.addr` → customer, email, addr.
pub fn column_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_alphabetic() {
            if c.is_uppercase() && prev_lower && !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            cur.extend(c.to_lowercase());
            prev_lower = c.is_lowercase();
        } else {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
        .into_iter()
        .map(|w| normalise_word(&w))
        .filter(|w| !w.is_empty())
        .collect()
}

/// One pass over the bytes: counts, feature bits, and the digit-count and
/// alphanumeric-run-length masks that gate rules.
#[derive(Debug, Clone, Copy)]
struct Shape {
    /// `alnum_mask` and `UpperWord` not computed yet (digit-free values).
    runs_pending: bool,
    /// While the runs are pending: four capitals in a row were looked for
    /// and are not there.
    no_upper_word: bool,
    /// Capital-like bytes (ASCII capitals and every non-ASCII byte): an
    /// upper bound on the capitalised words, for the names finder's early exit.
    caplike: u32,
    digits: u32,
    features: u16,
    digit_mask: u32,
    alnum_mask: u64,
    alnum_digit_mask: u64,
    /// The longest token run; `u32::MAX`: not measured yet; 0 when the first
    /// pass found no run as long as the shortest any rule asks for (every
    /// rule's `token_run` is at least that, so 0 answers them all).
    token_run: u32,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            runs_pending: false,
            no_upper_word: false,
            caplike: 0,
            digits: 0,
            features: 0,
            digit_mask: 0,
            alnum_mask: 0,
            alnum_digit_mask: 0,
            token_run: u32::MAX,
        }
    }
}

/// The longest run of ASCII letters, digits, `_`, `-` and `.`.
fn longest_token_run(b: &[u8]) -> u32 {
    let (mut run, mut best) = (0u32, 0u32);
    for &c in b {
        let tok = bytes::TOKEN_BYTE[c as usize] as u32;
        run = (run + 1) * tok;
        best = best.max(run);
    }
    best
}

/// Alphanumeric run lengths and `UpperWord` of a digit-free value; from 64
/// bytes on, 64 bytes at a time: the letters and capitals as bit masks,
/// then run by run.
fn digit_free_runs(b: &[u8], sh: &mut Shape) {
    use crate::rules::Feature;
    if b.len() < SHORT_VALUE {
        return digit_free_runs_bytes(b, sh);
    }
    // The letters (capitals) that end the previous block and continue here.
    let (mut run, mut uppers) = (0u32, 0u32);
    for block in b.chunks(64) {
        let n = block.len() as u32;
        let m = bytes::word_masks(block);
        let mut pos = 0u32;
        while pos < n {
            let rest = m.alpha >> pos;
            let gap = rest.trailing_zeros().min(n - pos);
            if gap > 0 {
                if run > 0 {
                    sh.alnum_mask |= 1 << run.min(63);
                    run = 0;
                }
                pos += gap;
                if pos >= n {
                    break;
                }
            }
            // `rest` shifted in zeros from the top: the ones end inside the word.
            let ones = (!(m.alpha >> pos)).trailing_zeros().min(n - pos);
            run += ones;
            pos += ones;
        }
        if upper_word_in(m.upper, n, &mut uppers) {
            sh.features |= Feature::UpperWord.bit();
        }
    }
    if run > 0 {
        sh.alnum_mask |= 1 << run.min(63);
    }
    sh.runs_pending = false;
}

/// Whether `b` holds four ASCII capitals in a row (`UpperWord`), from the
/// capitals' bit masks, 64 bytes at a time.
fn has_upper_word(b: &[u8]) -> bool {
    // The capitals that end the previous block.
    let mut uppers = 0u32;
    for block in b.chunks(64) {
        if upper_word_in(bytes::upper_mask(block), block.len() as u32, &mut uppers) {
            return true;
        }
    }
    false
}

/// Whether a block of `n` bytes whose capitals are the bits of `u` holds
/// four capitals in a row, inside it or across its start (`carry`: the
/// capitals that end the previous block); `carry` becomes those that end
/// this one.
fn upper_word_in(u: u64, n: u32, carry: &mut u32) -> bool {
    let found = u & (u >> 1) & (u >> 2) & (u >> 3) != 0 || *carry + u.trailing_ones().min(n) >= 4;
    *carry = if u.trailing_ones() >= n {
        *carry + n
    } else {
        (u << (64 - n)).leading_ones()
    };
    found
}

/// The byte-by-byte form of `digit_free_runs`, for short values (and the
/// reference the mask walk is tested against).
fn digit_free_runs_bytes(b: &[u8], sh: &mut Shape) {
    use crate::rules::Feature;
    let mut run = 0u32;
    let mut uppers = 0u32;
    for &c in b {
        if c.is_ascii_alphabetic() {
            run += 1;
        } else if run > 0 {
            sh.alnum_mask |= 1 << run.min(63);
            run = 0;
        }
        uppers = if c.is_ascii_uppercase() {
            uppers + 1
        } else {
            0
        };
        if uppers == 4 {
            sh.features |= Feature::UpperWord.bit();
        }
    }
    if run > 0 {
        sh.alnum_mask |= 1 << run.min(63);
    }
    sh.runs_pending = false;
}

/// The shape of a value. One table-driven first pass gives the feature bits,
/// the digit count and the capital-like bytes; a value without digits (most
/// free text, names) stops there, and its alphanumeric runs and upper-case
/// words, which few rules gate on, are computed only when such a rule asks
/// (`Shape::admits_lazy`). Values with digits take the general pass, which
/// also tracks number groups.
fn shape(s: &str, token_floor: u32) -> Shape {
    let mut sh = shape_of(s, token_floor);
    use crate::rules::Feature;
    if sh.features & Feature::Colon.bit() != 0 && has_hex_colons(s.as_bytes()) {
        sh.features |= Feature::HexColons.bit();
    }
    // The byte passes count separators; where they are enough, whether
    // they stand as in a MAC address decides (a log line's dots and
    // colons seldom do).
    if sh.features & Feature::MacSeparators.bit() != 0 && !has_mac_layout(s.as_bytes()) {
        sh.features &= !Feature::MacSeparators.bit();
    }
    sh
}

/// Whether `b` holds six hex pairs joined by `:` or `-` (`00:1a:2b:3c:4d:5e`)
/// or three groups of four hex digits joined by `.` (`001a.2b3c.4d5e`): the
/// MAC rule's layouts, without their word boundaries or the separators'
/// consistency, so that no value it could match is left out.
fn has_mac_layout(b: &[u8]) -> bool {
    has_mac_layout_in::<MAC_LAYOUT_SCAN_MIN>(b)
}

/// Values this long or longer (prose, where separators are sparse) find
/// their separators with `memchr`; shorter ones (a log line, dense with
/// dots and colons) look at every byte.
const MAC_LAYOUT_SCAN_MIN: usize = 256;

/// `has_mac_layout`, reading the separators by `memchr` from `SCAN_MIN`
/// bytes on (the byte loop is the reference it is tested against).
fn has_mac_layout_in<const SCAN_MIN: usize>(b: &[u8]) -> bool {
    let hex =
        |i: usize, n: usize| i + n <= b.len() && b[i..i + n].iter().all(u8::is_ascii_hexdigit);
    let pairs = |i: usize| {
        i >= 2
            && hex(i - 2, 2)
            && (0..5).all(|k| {
                let at = i + 3 * k;
                matches!(b.get(at), Some(b':' | b'-')) && hex(at + 1, 2)
            })
    };
    let quads = |i: usize| {
        i >= 4 && hex(i - 4, 4) && hex(i + 1, 4) && b.get(i + 5) == Some(&b'.') && hex(i + 6, 4)
    };
    if b.len() >= SCAN_MIN {
        return memchr::memchr_iter(b'.', b).any(quads)
            || memchr::memchr2_iter(b':', b'-', b).any(pairs);
    }
    b.iter().enumerate().any(|(i, &c)| match c {
        b':' | b'-' => pairs(i),
        b'.' => quads(i),
        _ => false,
    })
}

/// Whether two `:` stand with at most four ASCII hex digits between them,
/// and the value holds a `::` or seven colons (`Feature::HexColons`): what
/// an IPv6 address in full (eight groups) or compressed form needs. A
/// time of day ("12/Mar/2026:00:53:32") has neither.
fn has_hex_colons(b: &[u8]) -> bool {
    // A `::` or seven colons, from one pass over the colons.
    let (mut n, mut prev, mut double) = (0, None, false);
    for i in memchr::memchr_iter(b':', b) {
        n += 1;
        if prev == Some(i.wrapping_sub(1)) {
            double = true;
            break;
        }
        if n == 7 {
            break;
        }
        prev = Some(i);
    }
    if !double && n < 7 {
        return false;
    }
    let mut i = 0;
    while let Some(k) = b[i..].iter().position(|&c| c == b':') {
        let start = i + k + 1;
        let mut j = start;
        while j < b.len() && j - start < 4 && b[j].is_ascii_hexdigit() {
            j += 1;
        }
        if b.get(j) == Some(&b':') {
            return true;
        }
        i = start;
    }
    false
}

/// `shape` without `Feature::HexColons`.
fn shape_of(s: &str, token_floor: u32) -> Shape {
    let b = s.as_bytes();
    let first = bytes::first_pass(b, token_floor);
    // No run reaches the shortest any rule asks for: known to be short.
    let token_run = if first.long_token { u32::MAX } else { 0 };
    if first.digits == 0 {
        return Shape {
            runs_pending: true,
            caplike: first.caplike,
            features: first.features,
            token_run,
            ..Shape::default()
        };
    }
    let mut sh = if b.len() >= MASKED_SHAPE_MIN {
        shape_general_masks(b, first.features, first.digits)
    } else {
        shape_general(b)
    };
    sh.caplike = first.caplike;
    sh.token_run = token_run;
    sh
}

fn shape_general(b: &[u8]) -> Shape {
    shape_general_with::<true>(b)
}

/// Values with digits this long or longer take `shape_general_masks`.
const MASKED_SHAPE_MIN: usize = 48;

/// `shape_general` from class masks of 64 bytes at a time
/// (`bytes::shape_masks`): the transitions that gate rules are shifts and
/// ANDs of the masks, and the runs of digits and of letters and digits are
/// walked run by run instead of byte by byte. `features` and `digits` are
/// the first pass's (the byte features, `MacSeparators`, the digit count).
/// A log line or a paragraph holds a few dozen runs and hundreds of bytes.
fn shape_general_masks(b: &[u8], features: u16, digits: u32) -> Shape {
    use crate::rules::Feature;
    let mut sh = Shape {
        digits,
        features,
        ..Shape::default()
    };
    // `x` shifted up by `k` bytes, the top bytes of the block before
    // coming in at the bottom.
    fn shl(x: u64, before: u64, k: u32) -> u64 {
        (x << k) | (before >> (64 - k))
    }
    let mut prev = bytes::ShapeMasks::default();
    let mut prev_s123 = 0u64; // where `NumberThenCapital` is at 1, 2 or 3
    let mut space_carry = false; // a seeded run of spaces reaches the next block
                                 // The number being read (as in `shape_general`: at most 8 groups).
    let mut groups = [0u32; 8];
    let mut ng = 0usize;
    let mut prev_end = 0usize;
    let mut open_digits: Option<(usize, bool)> = None;
    let mut open_alnum: Option<(usize, bool)> = None;
    let is_sep = |c: u8| matches!(c, b' ' | b'-' | b'.' | b'/' | b'(' | b')');
    let mut digit_run = |s: usize, e: usize, sh: &mut Shape| {
        if ng > 0 {
            let gap = &b[prev_end..s];
            if gap.len() > 2 || !gap.iter().all(|&c| is_sep(c)) {
                flush_groups(&groups, ng, &mut sh.digit_mask);
                ng = 0;
            }
        }
        let len = (e - s) as u32;
        if ng < 8 {
            groups[ng] = len;
            ng += 1;
        } else if e < b.len() {
            // (`shape_general` drops a ninth group that ends the value.)
            groups[7] += len;
        }
        prev_end = e;
    };
    let alnum_run = |s: usize, e: usize, digit: bool, sh: &mut Shape| {
        let bit = 1u64 << (e - s).min(63);
        sh.alnum_mask |= bit;
        if digit {
            sh.alnum_digit_mask |= bit;
        }
    };
    for (k, block) in b.chunks(64).enumerate() {
        let base = 64 * k;
        let m = bytes::shape_masks(block);
        let (d, a, u) = (m.digit, m.alpha, m.upper);
        let (dp, ap) = (shl(d, prev.digit, 1), shl(a, prev.alpha, 1));
        if a & dp != 0 {
            sh.features |= Feature::DigitLetter.bit();
        }
        if d & ap != 0 {
            sh.features |= Feature::LetterDigit.bit();
        }
        if d & shl(m.dot, prev.dot, 1) & shl(d, prev.digit, 2) != 0 {
            sh.features |= Feature::DigitDotDigit.bit();
        }
        if u & shl(u, prev.upper, 1) & shl(u, prev.upper, 2) & shl(u, prev.upper, 3) != 0 {
            sh.features |= Feature::UpperWord.bit();
        }
        // `NumberThenCapital`: a digit, a letter after it or not, a comma
        // after those or not, then whitespace (or non-ASCII bytes) and a
        // capital. The runs of whitespace entered from such a start are
        // found by adding their first bytes to the whitespace mask: the
        // carry runs to the byte after each run.
        let s12 = d | (a & dp);
        let s123 = s12 | (m.comma & shl(s12, prev_s123, 1));
        let seeds = m.space_like & shl(s123, prev_s123, 1);
        let (sum, c1) = m.space_like.overflowing_add(seeds);
        let (sum, c2) = sum.overflowing_add(space_carry as u64);
        space_carry = c1 || c2;
        if (sum ^ m.space_like) & !m.space_like & u != 0 {
            sh.features |= Feature::NumberThenCapital.bit();
        }
        each_run(d, 0, base, &mut open_digits, |s, e, _| {
            digit_run(s, e, &mut sh)
        });
        each_run(a | d, d, base, &mut open_alnum, |s, e, x| {
            alnum_run(s, e, x, &mut sh)
        });
        prev = m;
        prev_s123 = s123;
    }
    if let Some((s, _)) = open_digits {
        digit_run(s, b.len(), &mut sh);
    }
    if let Some((s, x)) = open_alnum {
        alnum_run(s, b.len(), x, &mut sh);
    }
    if ng > 0 {
        flush_groups(&groups, ng, &mut sh.digit_mask);
    }
    sh
}

/// Every contiguous span of a number's groups: "4111 1111 1111 1111 2024"
/// still offers 16.
fn flush_groups(groups: &[u32; 8], ng: usize, mask: &mut u32) {
    for i in 0..ng {
        let mut sum = 0;
        for g in &groups[i..ng] {
            sum += g;
            *mask |= 1 << sum.min(31);
        }
    }
}

/// The runs of set bits of `m`, a block of 64 bytes from `base`, as
/// `f(start, end, any bit of flag in the run)`; a run that reaches the
/// block's last bit stays `open` for the next block (and is the caller's to
/// end after the last).
#[inline]
fn each_run(
    mut m: u64,
    flag: u64,
    base: usize,
    open: &mut Option<(usize, bool)>,
    mut f: impl FnMut(usize, usize, bool),
) {
    let low = |n: u32| if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
    if let Some((s, x)) = *open {
        let lead = m.trailing_ones();
        let x = x || flag & low(lead) != 0;
        if lead == 64 {
            *open = Some((s, x));
            return;
        }
        f(s, base + lead as usize, x);
        *open = None;
        m &= !low(lead);
    }
    while m != 0 {
        let s = m.trailing_zeros();
        let len = (m >> s).trailing_ones();
        let x = (flag >> s) & low(len) != 0;
        if s + len == 64 {
            *open = Some((base + s as usize, x));
            return;
        }
        f(base + s as usize, base + (s + len) as usize, x);
        m &= !(low(len) << s);
    }
}

/// `shape_general`; with `SKIP_QUIET`, runs of lower-case letters and
/// spaces outside any number are stepped through in a short loop (there only
/// the word lengths and two features move: no digit group is open, no
/// address start is pending, no capitals or separators are counted), and so
/// is the rest of a run of digits (only the counts grow).
/// Without it, every byte takes the full step (the reference it is tested
/// against).
#[inline(always)]
fn shape_general_with<const SKIP_QUIET: bool>(b: &[u8]) -> Shape {
    use crate::rules::Feature;
    let mut sh = Shape::default();
    // Digit groups of the current number (at most 8 tracked).
    let mut groups = [0u32; 8];
    let mut ng = 0usize;
    let mut cur = 0u32; // digits in the current group
    let mut seps = 0u32; // separators since the last digit
    let mut alnum = 0u32;
    let mut alnum_digit = false;
    let (mut prev, mut prev2) = (0u8, 0u8);
    // `NumberThenCapital`: 1 after a digit, 2 after its letter, 3 after a
    // comma, 4 in the whitespace that follows (0: none of these).
    let mut ntc = 0u8;
    let mut uppers = 0u32;
    let (mut colons, mut dashes, mut dots) = (0u32, 0u32, 0u32);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if SKIP_QUIET
            && cur == 0
            && ng == 0
            && (ntc == 0 || ntc == 4)
            && (c == b' ' || c.is_ascii_lowercase())
        {
            while i < b.len() {
                let c = b[i];
                if c == b' ' {
                    sh.features |= Feature::Space.bit();
                    if alnum > 0 {
                        sh.alnum_mask |= 1 << alnum.min(63);
                        if alnum_digit {
                            sh.alnum_digit_mask |= 1 << alnum.min(63);
                        }
                        alnum = 0;
                        alnum_digit = false;
                    }
                } else if c.is_ascii_lowercase() {
                    sh.features |= Feature::Alpha.bit() | Feature::Lower.bit();
                    alnum += 1;
                    ntc = 0;
                } else {
                    break;
                }
                prev2 = prev;
                prev = c;
                i += 1;
            }
            uppers = 0;
            continue;
        }
        if SKIP_QUIET && c.is_ascii_digit() && prev.is_ascii_digit() {
            // Inside a run of digits only the counts grow: the group is
            // open, the separators were reset, `NumberThenCapital` is at 1,
            // and a digit adds no feature of its own.
            let start = i;
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let k = (i - start) as u32;
            sh.digits += k;
            cur += k;
            alnum += k;
            prev2 = if k >= 2 { b[i - 2] } else { prev };
            prev = b[i - 1];
            continue;
        }
        i += 1;
        colons += (c == b':') as u32;
        dashes += (c == b'-') as u32;
        dots += (c == b'.') as u32;
        if c.is_ascii_uppercase() {
            uppers += 1;
            if uppers == 4 {
                sh.features |= Feature::UpperWord.bit();
            }
        } else {
            uppers = 0;
        }
        let is_digit = c.is_ascii_digit();
        let is_alpha = c.is_ascii_alphabetic();
        if is_digit {
            sh.digits += 1;
            if cur == 0 && seps > 0 && seps <= 2 && ng > 0 {
                // continues the same number after a short separator run
            } else if cur == 0 && ng > 0 {
                flush_groups(&groups, ng, &mut sh.digit_mask);
                ng = 0;
            }
            cur += 1;
            seps = 0;
        } else {
            if cur > 0 {
                if ng < 8 {
                    groups[ng] = cur;
                    ng += 1;
                } else {
                    groups[7] += cur;
                }
                cur = 0;
            }
            if matches!(c, b' ' | b'-' | b'.' | b'/' | b'(' | b')') && ng > 0 {
                seps += 1;
            } else if ng > 0 {
                flush_groups(&groups, ng, &mut sh.digit_mask);
                ng = 0;
                seps = 0;
            }
        }
        if is_alpha || is_digit {
            alnum += 1;
            alnum_digit |= is_digit;
        } else if alnum > 0 {
            sh.alnum_mask |= 1 << alnum.min(63);
            if alnum_digit {
                sh.alnum_digit_mask |= 1 << alnum.min(63);
            }
            alnum = 0;
            alnum_digit = false;
        }
        sh.features |= bytes::byte_features(c);
        if is_alpha && prev.is_ascii_digit() {
            sh.features |= Feature::DigitLetter.bit();
        } else if is_digit && prev.is_ascii_alphabetic() {
            sh.features |= Feature::LetterDigit.bit();
        } else if is_digit && prev == b'.' && prev2.is_ascii_digit() {
            sh.features |= Feature::DigitDotDigit.bit();
        }
        let space_like = c.is_ascii_whitespace() || c >= 0x80;
        ntc = match (ntc, c) {
            (_, b'0'..=b'9') => 1,
            (1, b'A'..=b'Z' | b'a'..=b'z') => 2,
            (1 | 2, b',') => 3,
            (1..=4, _) if space_like => 4,
            (4, b'A'..=b'Z') => {
                sh.features |= Feature::NumberThenCapital.bit();
                0
            }
            _ => 0,
        };
        prev2 = prev;
        prev = c;
    }
    if colons >= 5 || dashes >= 5 || dots >= 2 {
        sh.features |= Feature::MacSeparators.bit();
    }
    if cur > 0 && ng < 8 {
        groups[ng] = cur;
        ng += 1;
    }
    if ng > 0 {
        flush_groups(&groups, ng, &mut sh.digit_mask);
    }
    if alnum > 0 {
        sh.alnum_mask |= 1 << alnum.min(63);
        if alnum_digit {
            sh.alnum_digit_mask |= 1 << alnum.min(63);
        }
    }
    sh
}

impl Shape {
    /// The feature bits a gate's required features are first checked
    /// against: four capitals in a row are assumed possible while the run
    /// pass is pending and there are four capital-like bytes (the exact
    /// check follows in `admits_lazy`).
    fn have(&self) -> u16 {
        self.features
            | if self.runs_pending && self.caplike >= 4 && !self.no_upper_word {
                crate::rules::Feature::UpperWord.bit()
            } else {
                0
            }
    }

    /// `admits`, computing the pending run masks only for a rule that gates
    /// on them and passes every other gate.
    fn admits_lazy(&mut self, r: &Gate, b: &[u8]) -> bool {
        use crate::rules::Feature;
        if self.runs_pending {
            let upper_word = Feature::UpperWord.bit();
            // Four capitals in a row need four capital-like bytes.
            if r.features & upper_word != 0 && self.caplike < 4 {
                return false;
            }
            let others = self.digits >= r.min_digits
                && (r.digit_mask == 0 || self.digit_mask & r.digit_mask != 0)
                && (r.alnum_digit_mask == 0 || self.alnum_digit_mask & r.alnum_digit_mask != 0)
                && ((self.features | upper_word) & r.features) == r.features;
            if !others {
                return false;
            }
            if r.alnum_mask == 0 && r.features & upper_word == 0 {
                return true;
            }
            // Four capitals in a row are looked for on their own first (a
            // few mask operations): prose with capitals has none, and then
            // the run lengths are not needed for this rule.
            if r.features & upper_word != 0 && b.len() >= SHORT_VALUE {
                if self.no_upper_word {
                    return false;
                }
                if !has_upper_word(b) {
                    self.no_upper_word = true;
                    return false;
                }
            }
            digit_free_runs(b, self);
        }
        self.admits(r)
    }

    /// Whether `b` has a run of at least `min` ASCII letters, digits, `_`,
    /// `-` or `.`. The first pass already knows whether any run reaches the
    /// shortest length a rule asks for (most values: none does); only the
    /// others are measured, once.
    fn has_token_run(&mut self, min: u32, b: &[u8]) -> bool {
        if self.token_run == u32::MAX {
            self.token_run = longest_token_run(b);
        }
        self.token_run >= min
    }

    fn admits(&self, r: &Gate) -> bool {
        debug_assert!(!self.runs_pending);
        self.digits >= r.min_digits
            && (r.digit_mask == 0 || self.digit_mask & r.digit_mask != 0)
            && (r.alnum_mask == 0 || self.alnum_mask & r.alnum_mask != 0)
            && (r.alnum_digit_mask == 0 || self.alnum_digit_mask & r.alnum_digit_mask != 0)
            && (self.features & r.features) == r.features
    }
    fn alpha(&self) -> bool {
        self.features & crate::rules::Feature::Alpha.bit() != 0
    }
    fn upper(&self) -> bool {
        self.features & crate::rules::Feature::Upper.bit() != 0
    }
}

/// Scratch buffers reused across values (one per worker).
///
/// Its buffers hold the last values a worker looked at (lower-cased, split
/// into words), so its `Debug` shows only their sizes.
#[derive(Default)]
pub struct Scratch {
    anchor_hit: Vec<bool>,
    /// Regex rules that passed their gates for this value.
    candidates: Vec<usize>,
    /// Per rule, per pattern: this worker's regex cache (no shared pool).
    caches: Vec<Vec<regex_automata::meta::Cache>>,
    lower: String,
    /// Per rule: a context word of the rule is in the value.
    context: Vec<bool>,
    /// The names finder's word spans and results.
    name_tokens: Vec<(usize, usize)>,
    name_spans: Vec<(usize, usize, bool)>,
    /// Where each run of ASCII digits starts in the value (filled when a
    /// rule first asks, see `digit_runs_filled`).
    digit_starts: Vec<DigitRun>,
    /// The union of those runs' `DigitRun::admit`.
    digit_admit: u64,
    /// Per `RunAdmit` bit: the runs (of the first 64) that admit it.
    runs_of: Vec<u64>,
    /// Spans of one pattern found by the anchored walks, before they count.
    spans: Vec<(usize, usize)>,
    /// The hints of the keys that matches stood after (`key_before`).
    keys: KeyHints,
    /// The hits of the last value `detect` looked at.
    pub hits: Vec<Hit>,
}

/// The hints of keys, as of column names, kept for the keys seen last (a
/// log's or a JSON column's values repeat their keys).
#[derive(Default)]
struct KeyHints(Vec<(String, ColumnHints)>);

impl KeyHints {
    /// How many keys are kept.
    const KEEP: usize = 32;

    fn hints(&mut self, rules: &RuleSet, key: &str) -> &ColumnHints {
        let at = match self.0.iter().position(|(k, _)| k == key) {
            Some(at) => at,
            None => {
                if self.0.len() == Self::KEEP {
                    self.0.remove(0);
                }
                let hints = ColumnHints::from_key(rules, key);
                self.0.push((key.to_string(), hints));
                self.0.len() - 1
            }
        };
        &self.0[at].1
    }
}

/// The key before a match at `s` in a `key=value`, `key: value` or JSON
/// `"key": "value"` pair: the span of its bytes (ASCII letters, digits,
/// `_`, `-`, `.`, at least one letter), or `None` when no such key stands
/// right before the match.
fn key_before(b: &[u8], s: usize) -> Option<(usize, usize)> {
    let mut e = s;
    if e > 0 && matches!(b[e - 1], b'"' | b'\'') {
        e -= 1;
    }
    while e > 0 && b[e - 1] == b' ' {
        e -= 1;
    }
    if e == 0 || !matches!(b[e - 1], b'=' | b':') {
        return None;
    }
    e -= 1;
    while e > 0 && b[e - 1] == b' ' {
        e -= 1;
    }
    if e > 0 && matches!(b[e - 1], b'"' | b'\'') {
        e -= 1;
    }
    let mut k = e;
    while k > 0 && (b[k - 1].is_ascii_alphanumeric() || matches!(b[k - 1], b'_' | b'-' | b'.')) {
        k -= 1;
    }
    (k < e && b[k..e].iter().any(u8::is_ascii_alphabetic)).then_some((k, e))
}

/// Whether `b` may hold a key for a person's name: the name keys that
/// `Detector::keyed_names` looks at hold `name` in some case.
fn may_hold_name_key(b: &[u8]) -> bool {
    memchr::memchr2_iter(b'm', b'M', b).any(|i| {
        i > 0 && b[i - 1] | 0x20 == b'a' && b.get(i + 1).is_some_and(|&c| c | 0x20 == b'e')
    })
}

/// Each string value of a key in `b`: JSON's and YAML's `"key": "value"`,
/// `key='value'`, and `key=value` of a log line (up to the next `key=`,
/// `&`, `,`, `;` or line end), as `f(key, value)` byte spans.
fn each_keyed_value(b: &[u8], mut f: impl FnMut((usize, usize), (usize, usize))) {
    for p in memchr::memchr2_iter(b':', b'=', b) {
        let mut v = p + 1;
        while v < b.len() && b[v] == b' ' {
            v += 1;
        }
        if v >= b.len() {
            break;
        }
        let (s, e) = if matches!(b[v], b'"' | b'\'') {
            let Some(n) = memchr::memchr(b[v], &b[v + 1..]) else {
                continue;
            };
            (v + 1, v + 1 + n)
        } else if b[p] == b'=' {
            // Unquoted: words up to the next word that is a key.
            let mut e = v;
            while e < b.len() && !matches!(b[e], b'&' | b',' | b';' | b'"' | b'\n' | b'\r') {
                if b[e] == b' ' {
                    let next = &b[e + 1..];
                    let word = next.iter().position(|&c| c == b' ').unwrap_or(next.len());
                    if next[..word].contains(&b'=') {
                        break;
                    }
                }
                e += 1;
            }
            (v, e)
        } else {
            continue;
        };
        if s < e {
            if let Some(key) = key_before(b, s) {
                f(key, (s, e));
            }
        }
    }
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scratch")
            .field("candidates", &self.candidates.len())
            .field("caches", &self.caches.len())
            .field("hits", &self.hits.len())
            .finish_non_exhaustive()
    }
}

impl Scratch {
    /// The name finder's token buffer.
    pub(crate) fn name_tokens(&mut self) -> &mut Vec<(usize, usize)> {
        &mut self.name_tokens
    }

    /// The rules that passed their gates for the last value (for profiling).
    #[doc(hidden)]
    pub fn candidates(&self) -> &[usize] {
        &self.candidates
    }
}

/// The few rules that most recently matched whole values of a column, most
/// recent first (formats alternate: English and German street addresses),
/// and, per layout (`layout_key`), the entry that last explained a value
/// of that layout: in a column of mixed layouts a value tries its own
/// layout's entry first instead of walking the recent ones in turn.
#[derive(Debug, Clone, Copy)]
pub struct Memo(
    [Option<MemoEntry>; 4],
    QuietTails,
    [Option<MemoEntry>; LAYOUTS],
    /// Bumped when an entry is learnt or a layout's entry changes (see
    /// `Memo::version`).
    u32,
    /// How often its entries explain the values tried against them.
    MemoRate,
);

/// How a column's memo is doing. Where its entries explain few of the
/// values tried against them (an id column whose entries were learnt from
/// the odd number that passes a short checksum), trying them first costs
/// more than it saves: the memo is set aside for a while and values go
/// straight to `detect` (which gives the same hits; the memo is a shortcut
/// to them), then it is tried again.
#[derive(Debug, Default, Clone, Copy)]
struct MemoRate {
    tried: u16,
    explained: u16,
    /// Values left before the memo is tried again (0: it is in use).
    cold_left: u16,
}

/// Values a memo is judged on, the fewest of them it must explain to stay
/// in use, and how many values it is then set aside for.
const MEMO_WINDOW: u16 = 64;
const MEMO_MIN_EXPLAINED: u16 = 32;
const MEMO_COLD: u16 = 1024;

impl Default for Memo {
    fn default() -> Self {
        Memo(
            [None; 4],
            QuietTails::default(),
            [None; LAYOUTS],
            0,
            MemoRate::default(),
        )
    }
}

/// How many layouts `layout_key` tells apart.
const LAYOUTS: usize = 64;

/// A value's layout, from where its letters, digits and separators are:
/// the class of its first byte and of the first byte after its first
/// space (a digit, an upper-case letter, anything else, or no space), and
/// whether it ends in a digit and holds a comma. "4821 Maple Avenue",
/// "12 rue de la Paix", "Hauptstraße 12", "Calle Mayor, 12" and "482 Oak
/// Street, Boston" each have their own. `text` is not empty.
#[inline]
fn layout_key(text: &[u8]) -> usize {
    let class = |c: u8| {
        if c.is_ascii_digit() {
            0
        } else if c.is_ascii_uppercase() {
            1
        } else {
            2
        }
    };
    // Short values (nearly all of a structured column) from bit masks;
    // the general searches set up more than they save on them.
    let (space, comma) = if text.len() <= 64 {
        let (sp, co) = bytes::spaces_commas(text);
        ((sp != 0).then(|| sp.trailing_zeros() as usize), co != 0)
    } else {
        (
            memchr::memchr(b' ', text),
            memchr::memchr(b',', text).is_some(),
        )
    };
    let first = class(text[0]);
    let second = match space {
        Some(i) if i + 1 < text.len() => class(text[i + 1]),
        _ => 3,
    };
    let last_digit = text[text.len() - 1].is_ascii_digit() as usize;
    first | second << 2 | last_digit << 4 | (comma as usize) << 5
}

/// How many tails `QuietTails` keeps, and the longest it keeps.
const QUIET_TAILS: usize = 16;
const QUIET_TAIL_MAX: usize = 31;

/// Tails of the memo's prefix form (", Boston") that held nothing, the
/// most recent sixteen: the detector's answer on a tail depends only on the
/// tail and the column, so a tail seen again (cities repeat) is not searched
/// again. Only tails that held no hit are kept.
///
/// Each is kept zero-padded in four words with its length in the last
/// byte, so that a lookup compares words (no call per slot); no tail holds a
/// zero byte, so no two tails share a key.
#[derive(Debug, Default, Clone, Copy)]
struct QuietTails {
    keys: [[u64; 4]; QUIET_TAILS],
    next: u8,
}

impl QuietTails {
    /// `t` as it is kept, if it can be.
    #[inline]
    fn key(t: &[u8]) -> Option<[u64; 4]> {
        let n = t.len();
        if n == 0 || n > QUIET_TAIL_MAX {
            return None;
        }
        let mut b = [0u8; 32];
        b[..n].copy_from_slice(t);
        b[31] = n as u8;
        Some(std::array::from_fn(|i| {
            u64::from_le_bytes(b[8 * i..8 * i + 8].try_into().expect("8 bytes"))
        }))
    }

    #[inline]
    fn contains(&self, t: &[u8]) -> bool {
        Self::key(t).is_some_and(|k| self.keys.contains(&k))
    }

    fn insert(&mut self, t: &[u8]) {
        let Some(key) = Self::key(t) else { return };
        let k = self.next as usize;
        self.keys[k] = key;
        self.next = ((k + 1) % QUIET_TAILS) as u8;
    }
}

/// The rules whose full matches made up one earlier value: the first is
/// tried anchored on the next value; if it matches, the others are checked
/// the same way (an address column's values are matched whole by both the
/// English street rule and the hinted one).
///
/// With `tail`, the rules matched a prefix of the value and the rest was a
/// digit-free tail after a comma that held nothing ("12 Main St, Boston").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MemoEntry {
    rules: [u16; 3],
    n: u8,
    tail: bool,
}

impl MemoEntry {
    fn rules(&self) -> &[u16] {
        &self.rules[..self.n as usize]
    }
}

/// A column's memo entry whose rules can all answer a whole value without
/// a regex search: rules of up to `FAST_PATTERNS` patterns that all have
/// compiled whole-value DFAs (e-mail, card numbers, IPs, phone numbers, street
/// addresses), and person names. The values of a structured column are then
/// answered by `matches` without the rest of `memo_first`, with the rules'
/// lookups done once per run of values, not per value.
pub(crate) struct FastEntry<'a> {
    /// The entry's rules, in its order: the first `n`.
    rules: [usize; 3],
    fast: [FastRule<'a>; 3],
    n: usize,
    /// All of them have one entity (then the hits of any of them on one
    /// value count as `count_span` counts them).
    one_entity: bool,
    /// No value that the first rule matches holds a space.
    spaceless: bool,
}

/// How one rule of a `FastEntry` answers a whole value.
#[derive(Clone, Copy)]
enum FastRule<'a> {
    Dfas {
        /// The DFAs of the rule's patterns, the first `n`, in pattern order.
        dfas: [&'a matching::WholeDfa; FAST_PATTERNS],
        n: usize,
        validator: validators::Validator,
    },
    Name {
        names: &'a names::Names,
        hint: names::NameHint,
    },
    /// A birth date that is the whole value, read in one pass.
    Date,
}

/// Rules of more patterns than this have no fast form (the European street
/// rule has five).
const FAST_PATTERNS: usize = 6;

impl FastRule<'_> {
    /// `whole_value_match` of this rule: the patterns tried in order, the
    /// first that matches and validates answers; `None` when a DFA gave up
    /// (then the meta regex would decide, which the caller leaves to
    /// `record`).
    #[inline(always)]
    fn matches(&self, text: &str, tokens: &mut Vec<(usize, usize)>) -> Option<bool> {
        match *self {
            FastRule::Dfas {
                ref dfas,
                n,
                validator,
            } => {
                for dfa in &dfas[..n] {
                    if dfa_whole_match(dfa, text.as_bytes())? && validator.check(text) {
                        return Some(true);
                    }
                }
                Some(false)
            }
            FastRule::Name { names, hint } => Some(names.whole_name(text, hint, tokens)),
            FastRule::Date => Some(dob::whole(text)),
        }
    }

    /// No value that `matches` holds a space.
    fn spaceless(&self) -> bool {
        match self {
            FastRule::Dfas { dfas, n, .. } => dfas[..*n].iter().all(|d| d.spaceless),
            FastRule::Name { .. } | FastRule::Date => false,
        }
    }
}

impl FastEntry<'_> {
    /// Which of the entry's rules match all of `text` and validate (bit
    /// `k` for its `k`-th rule), as `memo_first` answers it, when the first
    /// does and nothing gave up; `None` otherwise (then the caller asks
    /// `record`).
    #[inline(always)]
    pub fn matches(&self, text: &str, tokens: &mut Vec<(usize, usize)>) -> Option<u8> {
        if !self.fast[0].matches(text, tokens)? {
            return None;
        }
        if self.n == 1 {
            return Some(1);
        }
        let mut matched = 1u8;
        for k in 1..self.n {
            if self.fast[k].matches(text, tokens)? {
                matched |= 1 << k;
            }
        }
        Some(matched)
    }

    /// The rule of bit `k`.
    #[inline(always)]
    pub fn rule(&self, k: usize) -> usize {
        self.rules[k]
    }

    /// Whether hits of several of its rules on one value are counted as
    /// one span (else such a value is left to `record`).
    #[inline(always)]
    pub fn one_entity(&self) -> bool {
        self.one_entity
    }

    /// No value that `matches` holds a space (its first rule reads none).
    #[inline(always)]
    pub fn spaceless(&self) -> bool {
        self.spaceless
    }
}

/// `memo_first` for the entries that have a `FastEntry`, per column memo:
/// the one entry of a column of one kind of value, or per layout for a
/// column of several (phone numbers of several countries).
pub(crate) enum FastForm<'a> {
    One(FastEntry<'a>),
    /// Per layout, 0 (no fast form) or one more than its entry's index:
    /// the memo's entries are rebuilt into this whenever the memo changes,
    /// which a column of mixed layouts does often, so only the entries
    /// that exist are built.
    Layouts {
        slot: [u8; LAYOUTS],
        entries: Vec<FastEntry<'a>>,
    },
}

impl FastForm<'_> {
    /// The entry `memo_first` would try first on `text` (not empty), when
    /// it has a fast form.
    #[inline(always)]
    pub fn get(&self, text: &[u8]) -> Option<&FastEntry<'_>> {
        match self {
            FastForm::One(f) => Some(f),
            FastForm::Layouts { slot, entries } => match slot[layout_key(text)] {
                0 => None,
                k => entries.get(k as usize - 1),
            },
        }
    }
}

/// What `Detector::memo_first` made of a value.
enum FirstMemo {
    /// The first entry tried (the value's layout's, or the most recent)
    /// matched the whole value with its first rule.
    Whole(WholeMemo),
    /// That entry is a whole-value entry and did not match: go on with the
    /// others (`detect_memo_from` with it as `tried`).
    Missed(MemoEntry),
    /// Not tried (no entry, a prefix entry, or an empty value).
    Untried,
}

/// The rules of a memo entry that matched a whole value: bit `k` of
/// `matched` for `rules[k]` (bit 0 always set).
pub(crate) struct WholeMemo {
    pub rules: [u16; 3],
    pub matched: u8,
}

impl WholeMemo {
    /// The one rule, when only one matched.
    #[inline]
    pub fn single(&self) -> Option<usize> {
        (self.matched == 1).then_some(self.rules[0] as usize)
    }

    /// The hits `detect_memo` reports for it, in rule order.
    pub fn hits_into(&self, text: &str, hits: &mut Vec<Hit>) {
        hits.clear();
        for (k, &ri) in self.rules.iter().enumerate() {
            if self.matched & (1 << k) != 0 {
                hits.push(Hit::whole(ri as usize, text.len()));
            }
        }
    }
}

impl Memo {
    /// What `Detector::detect_in_column` does to the memo for a value in
    /// which nothing is found (no entry explains it, none is learnt): the
    /// value is counted against the memo's rate, or towards its return
    /// when it is set aside.
    pub(crate) fn nothing_found(&mut self) {
        if !self.cold() && self.0[0].is_some() {
            self.rate(false);
        }
    }

    fn promote(&mut self, slot: usize) {
        self.0[..=slot].rotate_right(1);
    }
    fn remember(&mut self, entry: MemoEntry) {
        if let Some(p) = self.0.iter().position(|x| *x == Some(entry)) {
            self.promote(p);
        } else {
            self.0.rotate_right(1);
            self.0[0] = Some(entry);
            self.3 = self.3.wrapping_add(1);
        }
    }

    fn set_layout(&mut self, layout: usize, entry: MemoEntry) {
        if self.2[layout] != Some(entry) {
            self.2[layout] = Some(entry);
            self.3 = self.3.wrapping_add(1);
        }
    }

    /// Counts a value tried against the entries; a memo that explains too
    /// few goes cold (its fast form too: the version changes).
    #[inline]
    fn rate(&mut self, explained: bool) {
        let r = &mut self.4;
        r.tried += 1;
        r.explained += explained as u16;
        if r.tried == MEMO_WINDOW {
            if r.explained < MEMO_MIN_EXPLAINED {
                r.cold_left = MEMO_COLD;
                self.3 = self.3.wrapping_add(1);
            }
            let r = &mut self.4;
            r.tried = 0;
            r.explained = 0;
        }
    }

    /// Whether the memo is set aside now.
    #[cfg(test)]
    pub(crate) fn is_cold(&self) -> bool {
        self.4.cold_left > 0
    }

    /// A value its fast form explained (see `Detector::fast_form`).
    #[inline]
    pub(crate) fn explained_fast(&mut self) {
        self.rate(true);
    }

    /// Whether the memo is set aside (see `MemoRate`); counts the value.
    #[inline]
    fn cold(&mut self) -> bool {
        if self.4.cold_left == 0 {
            return false;
        }
        self.4.cold_left -= 1;
        if self.4.cold_left == 0 {
            // In use again: its fast form may come back.
            self.3 = self.3.wrapping_add(1);
        }
        true
    }

    /// Whether values of more than one kind were explained (only then do
    /// layouts pay for their key).
    #[inline]
    fn mixed(&self) -> bool {
        self.0[1].is_some()
    }

    /// Changes whenever what `Detector::fast_form` depends on may have: an
    /// entry learnt (the only entry of a column of one kind, and whether
    /// there are several), or a layout's entry changed. (Not when recent
    /// entries only change places: a column of several kinds has its fast
    /// forms from its layouts' entries alone.) A scan asks for a new fast
    /// form only when this changed.
    #[inline]
    pub(crate) fn version(&self) -> u32 {
        self.3
    }
}

/// The compiled detectors: rule set plus dictionaries.
#[derive(Debug, Clone)]
pub struct Detector {
    pub(crate) rules: Arc<RuleSet>,
    names: Arc<names::Names>,
    /// The shape of a value of `n` ASCII digits and nothing else, and the
    /// rules that can match it (see `DigitRuns`); worked out the first time
    /// such a value is seen.
    digit_runs: Arc<std::sync::OnceLock<DigitRuns>>,
    /// Which digit patterns a walk from a run's first digit can match at
    /// all (see `RunAdmit`); worked out the first time a value's runs are.
    run_admit: Arc<std::sync::OnceLock<RunAdmit>>,
}

/// The longest all-digit value whose shape and gates are worked out in
/// advance: longer than any identifier a rule looks for.
const DIGIT_RUN_MAX: usize = 48;

/// What `detect` would work out for a value that is a run of `n` ASCII
/// digits, for every `n` up to `DIGIT_RUN_MAX`: the ids, amounts and
/// numbers of integer columns, and bare-digit strings.
///
/// - The shape of such a value depends only on `n` (every digit is in the
///   same byte classes), so its first pass and the sieve over every rule's
///   gates are done once, here.
/// - A match inside a run of digits that is not all of it is glued to a
///   digit and fails its token boundary, so only whole-value matches count.
///   Each regex rule's whole-value DFAs then tell, for each length and each
///   first two digits, whether any run of digits can match at all: a phone
///   pattern that needs a `+` or `00` in front never runs on `2612345`, and
///   a person-name rule never runs on digits.
#[derive(Debug)]
struct DigitRuns {
    shapes: Vec<Shape>,
    /// Per length: the gates that pass, each with the first-two-digit
    /// values (bit `10 * d0 + d1`) under which its rule can match.
    gates: Vec<Vec<DigitGate>>,
}

/// Per length of a run of digits, `digit_run_prefixes`' two bit sets.
type RunPrefixes = Vec<(u128, u128)>;

/// A gate a run of digits passes, and the first-two-digit values (bit
/// `10 * d0 + d1`) under which its rule can match such a run.
///
/// And the first-two-digit values under which its rule's DFAs match every
/// such run (only the validator is left to run).
type DigitGate = (Gate, u128, u128);

impl DigitRuns {
    fn new(rules: &RuleSet) -> Self {
        let mut shapes = Vec::new();
        let mut passing = Vec::new();
        for n in 0..=DIGIT_RUN_MAX {
            let text = "0".repeat(n);
            let mut sh = shape(&text, rules.min_token_run);
            let have = sh.have();
            let pass: Vec<_> = rules
                .all
                .iter()
                .filter(|g| gate_passes(&mut sh, have, g, text.as_bytes()))
                .copied()
                .collect();
            shapes.push(sh);
            passing.push(pass);
        }
        // Which runs each of those rules can match (their DFAs are built
        // here, the others' are not).
        let mut reach: Vec<Option<Option<RunPrefixes>>> = vec![None; rules.rules.len()];
        let gates = passing
            .into_iter()
            .enumerate()
            .map(|(n, pass)| {
                pass.into_iter()
                    .filter_map(|g| {
                        let r = &rules.rules[g.rule as usize];
                        let m = &rules.compiled[g.rule as usize];
                        let by_len =
                            reach[g.rule as usize].get_or_insert_with(|| match r.detector {
                                DetectorKind::Regex => digit_run_prefixes(m),
                                // Names are words: no run of digits is one.
                                DetectorKind::PersonName => Some(vec![(0, 0); DIGIT_RUN_MAX + 1]),
                                DetectorKind::DateOfBirth => None,
                            });
                        let (prefixes, always) = by_len.as_ref().map_or((u128::MAX, 0), |b| b[n]);
                        (prefixes != 0).then_some((g, prefixes, always))
                    })
                    .collect()
            })
            .collect();
        DigitRuns { shapes, gates }
    }

    /// The shape, passing gates and first-two-digit key of `b`, when it is
    /// a run of ASCII digits short enough to have been worked out.
    #[inline]
    fn of(&self, b: &[u8]) -> Option<(Shape, &[DigitGate], u32)> {
        if b.is_empty() || b.len() > DIGIT_RUN_MAX || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let key = match b {
            [d0, d1, ..] => 10 * (d0 - b'0') as u32 + (d1 - b'0') as u32,
            _ => 0,
        };
        Some((self.shapes[b.len()], &self.gates[b.len()], key))
    }
}

/// For regex rule `r`, per length `n` up to `DIGIT_RUN_MAX`: the first two
/// digits (bit `10 * d0 + d1`; every bit for `n` < 2) under which some run
/// of `n` digits is matched whole by one of its patterns. `None` when a
/// pattern has no whole-value DFA (then every run must be tried).
fn digit_run_prefixes(m: &Compiled) -> Option<RunPrefixes> {
    use regex_automata::dfa::Automaton;
    use std::collections::HashMap;
    let mut out = vec![(0u128, 0u128); DIGIT_RUN_MAX + 1];
    for j in 0..m.regexes.len() {
        let w = m.whole_dfa(j)?;
        let dfa = &w.dfa;
        // The states digits lead to from the start, numbered.
        let mut ids: HashMap<regex_automata::util::primitives::StateID, usize> = HashMap::new();
        let mut states = vec![w.start];
        ids.insert(w.start, 0);
        let mut next: Vec<[Option<usize>; 10]> = Vec::new();
        let mut k = 0;
        while k < states.len() {
            let mut row = [None; 10];
            for (d, slot) in row.iter_mut().enumerate() {
                let t = dfa.next_state(states[k], b'0' + d as u8);
                if dfa.is_quit_state(t) {
                    return None;
                }
                if dfa.is_dead_state(t) {
                    continue;
                }
                let id = *ids.entry(t).or_insert_with(|| {
                    states.push(t);
                    states.len() - 1
                });
                *slot = Some(id);
            }
            next.push(row);
            k += 1;
        }
        // can[m][s]: from state s, some m more digits end in a match.
        let mut can = vec![states
            .iter()
            .map(|&s| dfa.is_match_state(dfa.next_eoi_state(s)))
            .collect::<Vec<bool>>()];
        // all[m][s]: from state s, every m more digits end in a match.
        let mut all = vec![can[0].clone()];
        // The next row: some (or every) digit leads to a state true in `prev`.
        let row = |prev: &[bool], every: bool| -> Vec<bool> {
            let live = |x: &Option<usize>| x.is_some_and(|x| prev[x]);
            next.iter()
                .map(|t| {
                    if every {
                        t.iter().all(live)
                    } else {
                        t.iter().any(live)
                    }
                })
                .collect()
        };
        for m in 1..=DIGIT_RUN_MAX {
            let r = row(&can[m - 1], false);
            can.push(r);
            let r = row(&all[m - 1], true);
            all.push(r);
        }
        out[0].0 |= can[0][0] as u128 * u128::MAX;
        out[1].0 |= can[1][0] as u128 * u128::MAX;
        out[0].1 |= all[0][0] as u128 * u128::MAX;
        out[1].1 |= all[1][0] as u128 * u128::MAX;
        for (n, (bits, always)) in out.iter_mut().enumerate().skip(2) {
            for d0 in 0..10 {
                let Some(a) = next[0][d0] else { continue };
                for (d1, t) in next[a].iter().enumerate() {
                    if t.is_some_and(|b| can[n - 2][b]) {
                        *bits |= 1 << (10 * d0 + d1);
                    }
                    if t.is_some_and(|b| all[n - 2][b]) {
                        *always |= 1 << (10 * d0 + d1);
                    }
                }
            }
        }
    }
    Some(out)
}

/// Whether the gate `(g, prefixes)` of a run of digits with first-two-digit
/// key `key` lets its rule run in this column: the rule can match such a
/// run, and has the hint it needs.
#[inline(always)]
fn digit_gate_wakes(g: &Gate, prefixes: u128, key: u32, hints: &ColumnHints) -> bool {
    prefixes >> key & 1 != 0 && !(g.requires_hint && hints.get(g.rule as usize) <= 0)
}

/// No gate of a run of digits with first-two-digit key `key` lets its rule
/// run in this column (see `Detector::quiet_digit_run`).
#[inline]
fn quiet(gates: &[DigitGate], key: u32, hints: &ColumnHints) -> bool {
    !gates
        .iter()
        .any(|&(g, prefixes, _)| digit_gate_wakes(&g, prefixes, key, hints))
}

/// The cheap look before `DigitRuns::of`: short enough, and a digit at
/// both ends (street addresses and most phones stop here).
#[inline(always)]
fn may_be_digit_run(b: &[u8]) -> bool {
    b.len() <= DIGIT_RUN_MAX
        && b.first().is_some_and(u8::is_ascii_digit)
        && b.last().is_some_and(u8::is_ascii_digit)
}

/// Whether gate `g`'s shape tests pass on a value of shape `sh` and bytes
/// `b`: required features (`have`, see `Shape::have`) and digit count
/// first, then the token run, which is measured once per
/// value and spares free text the run-length pass, then the rest.
#[inline(always)]
fn gate_passes(sh: &mut Shape, have: u16, g: &Gate, b: &[u8]) -> bool {
    if have & g.features != g.features || sh.digits < g.min_digits {
        return false;
    }
    !((g.token_run > 0 && !sh.has_token_run(g.token_run, b))
        || !sh.admits_lazy(g, b)
        || (g.upper_run > 0 && !has_upper_run(b, g.upper_run)))
}

/// Whether `b` holds `k` ASCII capitals in a row (from the capitals mask,
/// 64 bytes at a time; asked only of a value that passed every other gate
/// of a rule that needs it).
fn has_upper_run(b: &[u8], k: u32) -> bool {
    // The capitals that end the previous block.
    let mut carry = 0u32;
    for block in b.chunks(64) {
        let (u, n) = (bytes::upper_mask(block), block.len() as u32);
        let mut x = u;
        for i in 1..k.min(64) {
            x &= u >> i;
        }
        if x != 0 || carry + u.trailing_ones().min(n) >= k {
            return true;
        }
        carry = if u.trailing_ones() >= n {
            carry + n
        } else {
            (u << (64 - n)).leading_ones()
        };
    }
    false
}

impl Detector {
    /// The detectors of `rules`, with the built-in name dictionaries.
    pub fn new(rules: Arc<RuleSet>) -> Self {
        Detector {
            digit_runs: Default::default(),
            run_admit: Default::default(),
            rules,
            names: Arc::new(names::Names::builtin()),
        }
    }

    /// Find the validated hits in `value`, into `scratch.hits`.
    pub fn detect(&self, value: &str, hints: &ColumnHints, scratch: &mut Scratch) {
        self.detect_with::<true>(value, hints, scratch)
    }

    /// Whether `text` (trimmed) is a run of digits that no rule can match
    /// in this column: no rule passes its gates, can match a run of its
    /// length and first two digits, and has the hint it needs. `detect`
    /// finds nothing in such a value, and the scanner does not call it.
    #[inline]
    pub(crate) fn quiet_digit_run(&self, text: &str, hints: &ColumnHints) -> bool {
        let b = text.as_bytes();
        if !may_be_digit_run(b) {
            return false;
        }
        let Some((_, gates, key)) = self.digit_runs().of(b) else {
            return false;
        };
        quiet(gates, key, hints)
    }

    /// `quiet_digit_run` of the decimal digits of `v`, without writing
    /// them out: their count and first two digits are all it reads.
    #[inline]
    pub(crate) fn quiet_number(&self, v: u64, hints: &ColumnHints) -> bool {
        let n = v.checked_ilog10().map_or(1, |l| l as usize + 1);
        if n > DIGIT_RUN_MAX {
            return false;
        }
        let key = if n >= 2 {
            (v / 10u64.pow(n as u32 - 2)) as u32
        } else {
            0
        };
        quiet(&self.digit_runs().gates[n], key, hints)
    }

    /// Whether `digits` (the decimal digits of a number, as an integer
    /// column's values are written out) hold nothing in this column: each
    /// rule that can match a run of their length and first two digits fails
    /// its whole-value DFAs or its validator. `detect` runs the same checks
    /// on such a value (and no others: a match inside a run of digits is
    /// glued to a digit), so it would find nothing either. `false` when a
    /// rule may hit, or a DFA cannot answer: then the value is recorded.
    pub(crate) fn digits_hold_nothing(&self, digits: &str, hints: &ColumnHints) -> bool {
        let b = digits.as_bytes();
        let Some((_, gates, key)) = self.digit_runs().of(b) else {
            return false;
        };
        for &(g, prefixes, always) in gates {
            if !digit_gate_wakes(&g, prefixes, key, hints) {
                continue;
            }
            let i = g.rule as usize;
            let r = &self.rules.rules[i];
            match r.detector {
                DetectorKind::Regex => {
                    let whole = always >> key & 1 != 0
                        || match whole_digits_match(&self.rules.compiled[i], b) {
                            Some(w) => w,
                            None => return false,
                        };
                    if whole && r.validator.check(digits) {
                        return false;
                    }
                }
                // A run of digits holds a date only when it is eight
                // digits of one (`dob::find`: every other form has a
                // separator or a space).
                DetectorKind::DateOfBirth => {
                    if dob::digits_are_date(digits) {
                        return false;
                    }
                }
                DetectorKind::PersonName => return false,
            }
        }
        true
    }

    /// The names that are values of keys for a name (rule `rule`, the
    /// person-name rule), judged as whole values of a column named as the
    /// key is, added to `scratch.hits` where no hit covers them yet.
    #[inline(never)]
    fn keyed_names(&self, text: &str, rule: usize, scratch: &mut Scratch) {
        let b = text.as_bytes();
        if !may_hold_name_key(b) {
            return;
        }
        let Scratch {
            hits,
            keys,
            name_tokens,
            ..
        } = scratch;
        each_keyed_value(b, |(k0, k1), (s, e)| {
            let value = text[s..e].trim();
            if value.is_empty() || value.len() > 96 {
                return;
            }
            let s = s + (text[s..e].len() - text[s..e].trim_start().len());
            let e = s + value.len();
            if hits.iter().any(|h| h.start < e && s < h.end) {
                return;
            }
            let hints = keys.hints(&self.rules, &text[k0..k1]);
            if hints.get(rule) > 0
                && self
                    .names
                    .whole_name(value, hints.name_hint(rule), name_tokens)
            {
                hits.push(Hit {
                    rule,
                    start: s,
                    end: e,
                    full: false,
                    context: false,
                });
            }
        });
    }

    /// The digit-run tables, worked out the first time they are needed.
    #[inline]
    fn digit_runs(&self) -> &DigitRuns {
        self.digit_runs.get_or_init(|| DigitRuns::new(&self.rules))
    }

    fn run_admit(&self) -> &RunAdmit {
        self.run_admit.get_or_init(|| RunAdmit::new(&self.rules))
    }

    /// `detect`; without `DIGIT_RUNS`, runs of digits take the general
    /// path (the reference the shortcut is tested against).
    #[inline(always)]
    fn detect_with<const DIGIT_RUNS: bool>(
        &self,
        value: &str,
        hints: &ColumnHints,
        scratch: &mut Scratch,
    ) {
        scratch.hits.clear();
        let text = trim_value(value);
        if text.is_empty() {
            return;
        }
        let rules = &self.rules;
        let n = rules.rules.len();
        let bytes = text.as_bytes();

        // The rules that pass their gates; only they run. A value without
        // digits only looks at the rules that can pass without them; a value
        // that is all digits (an id, a number column) has its shape and the
        // gates it passes worked out already.
        scratch.candidates.clear();
        let mut anchored = false;
        let mut needs_context = false;
        let digit_run = if DIGIT_RUNS && may_be_digit_run(bytes) {
            self.digit_runs().of(bytes)
        } else {
            None
        };
        let mut sh;
        // Rules (bit per rule index, the first 128) whose DFAs match the
        // whole run of digits whatever its digits after the first two.
        let mut whole_run = 0u128;
        if let Some((shape, gates, key)) = digit_run {
            sh = shape;
            for &(g, prefixes, always) in gates {
                if !digit_gate_wakes(&g, prefixes, key, hints) {
                    continue;
                }
                if always >> key & 1 != 0 && g.rule < 128 {
                    whole_run |= 1 << g.rule;
                }
                anchored |= g.anchored;
                scratch.candidates.push(g.rule as usize);
            }
        } else {
            sh = shape(text, rules.min_token_run);
            let gates = if sh.digits == 0 {
                &rules.digit_free
            } else {
                &rules.all
            };
            let have = sh.have();
            for g in gates {
                if !gate_passes(&mut sh, have, g, bytes) {
                    continue;
                }
                let i = g.rule as usize;
                // A rule that needs a hint, in a column without one, can only be saved
                // by a context word inside the value (checked on its hits, below).
                if g.requires_hint && hints.get(i) <= 0 {
                    if !sh.alpha() {
                        continue;
                    }
                    needs_context = true;
                }
                anchored |= g.anchored;
                scratch.candidates.push(i);
            }
        }
        // Anchored rules need one of their literals: one Aho-Corasick pass,
        // only when such a rule is still a candidate.
        if anchored {
            scratch.anchor_hit.clear();
            scratch.anchor_hit.resize(n, false);
            if let Some(ac) = &rules.anchors {
                let hit = &mut scratch.anchor_hit;
                ac.each(bytes, |pid, s, e| {
                    let (pat, ci) = &rules.anchor_case[pid];
                    if *ci || &bytes[s..e] == pat.as_bytes() {
                        hit[rules.anchor_rule[pid]] = true;
                    }
                });
            }
            let hit = &scratch.anchor_hit;
            scratch
                .candidates
                .retain(|&i| !rules.all[i].anchored || hit[i]);
        }
        // A rule that needs a hint, in a column without one, keeps a hit only
        // with one of its context words in the value: look them up once, before
        // its patterns run, rather than searching for hits that would be dropped.
        let mut context_marked = false;
        if needs_context {
            mark_context(rules, text, &mut scratch.lower, &mut scratch.context);
            context_marked = true;
            let context = &scratch.context;
            scratch
                .candidates
                .retain(|&i| !rules.rules[i].requires_hint || hints.get(i) > 0 || context[i]);
        }
        // Where the value's first digit is (looked for once, when a rule
        // whose matches all hold a digit asks): no such match starts more
        // than its pattern's lead before it, so the search starts there.
        let mut first_digit: Option<Option<usize>> = None;
        let mut digit_runs_filled = false;
        for k in 0..scratch.candidates.len() {
            let i = scratch.candidates[k];
            let r = &rules.rules[i];
            let m = &rules.compiled[i];
            match r.detector {
                DetectorKind::Regex => {
                    // In a run of digits, a match that does not span the
                    // whole run is glued to a digit and fails its token
                    // boundary: only the whole value can be a hit, and the
                    // compiled whole-value DFA says whether it is one.
                    if digit_run.is_some() {
                        let whole = if i < 128 && whole_run >> i & 1 != 0 {
                            Some(true)
                        } else {
                            whole_digits_match(m, bytes)
                        };
                        if let Some(whole) = whole {
                            if whole && r.validator.check(text) {
                                scratch.hits.push(Hit::whole(i, text.len()));
                            }
                            continue;
                        }
                    }
                    for j in 0..m.regexes.len() {
                        // A pattern whose matches all hold a digit and
                        // whose DFA is compiled: walk it anchored only at
                        // the token starts just before each run of digits,
                        // instead of searching the whole value (short values
                        // are searched: there the search costs no more).
                        if let Some((lead, whole)) = m.digit_lead[j]
                            .filter(|_| text.len() >= SHORT_VALUE)
                            .and_then(|lead| Some((lead, m.whole_dfa(j)?)))
                        {
                            let admit = self.run_admit();
                            if !digit_runs_filled {
                                scratch.digit_admit =
                                    fill_digit_starts(bytes, admit, &mut scratch.digit_starts);
                                runs_by_pattern(&scratch.digit_starts, &mut scratch.runs_of);
                                digit_runs_filled = true;
                            }
                            let bit = admit.bits[i][j];
                            let runs = &scratch.digit_starts;
                            let walked = if lead == 0 && bit != 0 && runs.len() <= 64 {
                                // Only from the runs that admit the pattern.
                                if scratch.digit_admit & bit == 0 {
                                    continue;
                                }
                                let set = scratch.runs_of[bit.trailing_zeros() as usize];
                                walk_at_admitted_runs(whole, text, runs, set, &mut scratch.spans)
                            } else {
                                walk_at_digit_runs::<true>(
                                    whole,
                                    text,
                                    lead,
                                    runs,
                                    bit,
                                    &mut scratch.spans,
                                )
                            };
                            if walked {
                                for &(s, e) in &scratch.spans {
                                    keep_match(r, i, text, s, e, &mut scratch.hits);
                                }
                                continue;
                            }
                        }
                        let at = match m.digit_lead[j] {
                            Some(lead) => {
                                let fd = *first_digit.get_or_insert_with(|| {
                                    bytes.iter().position(u8::is_ascii_digit)
                                });
                                // No digit: no match at all.
                                let Some(fd) = fd else { continue };
                                let mut at = fd.saturating_sub(lead);
                                while !text.is_char_boundary(at) {
                                    at -= 1;
                                }
                                at
                            }
                            None => 0,
                        };
                        // What is left to search decides whether the
                        // prefilter pays.
                        let slot = m.regex_slot(j, text.len() - at);
                        ensure_cache(scratch, rules, i, slot);
                        let re = m.regex_at(slot);
                        let mut at = at;
                        while at < text.len() {
                            let input = regex_automata::Input::new(text).range(at..);
                            let Some(m) = re.search_with(&mut scratch.caches[i][slot], &input)
                            else {
                                break;
                            };
                            let (s, e) = (m.start(), m.end());
                            at = if e > s { e } else { e + 1 };
                            while at < text.len() && !text.is_char_boundary(at) {
                                at += 1;
                            }
                            if e > s {
                                keep_match(r, i, text, s, e, &mut scratch.hits);
                            }
                        }
                    }
                }
                DetectorKind::PersonName => {
                    // A name written as one identifier ("maria_gonzalez",
                    // "AnaSouza"), in any column.
                    if sh.alpha() && self.names.run_together(text) {
                        scratch.hits.push(Hit::whole(i, text.len()));
                    // Unhinted names are capitalised; lower-case text needs a name column.
                    } else if sh.upper() || (sh.alpha() && (hints.get(i) > 0 || !text.is_ascii())) {
                        self.names.find_counted(
                            text,
                            hints.name_hint(i),
                            sh.caplike as usize,
                            &mut scratch.name_tokens,
                            &mut scratch.name_spans,
                        );
                        for &(s, e, full) in &scratch.name_spans {
                            scratch.hits.push(Hit {
                                rule: i,
                                start: s,
                                end: e,
                                full,
                                context: false,
                            });
                        }
                        // The value of a key for a name (`"customer_name":
                        // "Zhang Wei"`, `user_name=Dmitri Volkov`) is judged
                        // as a value of a column of that name.
                        if sh.features & crate::rules::Feature::Assign.bit() != 0 {
                            self.keyed_names(text, i, scratch);
                        }
                    }
                }
                DetectorKind::DateOfBirth => {
                    if sh.digits >= 4 {
                        for (s, e, full) in dob::find(text) {
                            scratch.hits.push(Hit {
                                rule: i,
                                start: s,
                                end: e,
                                full,
                                context: false,
                            });
                        }
                    }
                }
            }
        }
        if scratch.hits.is_empty() {
            return;
        }

        // Context words (whole words, case-insensitive), only where one can be:
        // not around a match that is the whole value.
        if scratch
            .hits
            .iter()
            .any(|h| !h.full && !rules.rules[h.rule].context.is_empty())
        {
            if !context_marked {
                mark_context(rules, text, &mut scratch.lower, &mut scratch.context);
            }
            for h in scratch.hits.iter_mut() {
                let r = &rules.rules[h.rule];
                h.context = !h.full
                    && scratch.context[h.rule]
                    && (!r.context_labels || labelled_by(text, h.start, &r.context))
                    && context_near(text, h.start, h.end, &r.context);
            }
        }
        // A match that is the value of a key (`request_id=554971726795`,
        // `"order_no": "415-555-2671"`, `Ticket: (415) 555-2671`) is what
        // the key says, as a column's values are what the column's name
        // says: a key that argues against the rule drops the hit.
        if scratch.hits.iter().any(|h| !h.full) {
            let keys = &mut scratch.keys;
            scratch.hits.retain(|h| {
                h.full
                    || key_before(bytes, h.start)
                        .is_none_or(|(k, e)| keys.hints(rules, &text[k..e]).get(h.rule) >= 0)
            });
            if scratch.hits.is_empty() {
                return;
            }
        }
        // Hint-only rules (and in running text the rules that need their
        // context there): drop the hit unless the column or the value says so.
        let prose = text.len() > PROSE_BYTES;
        scratch.hits.retain(|h| {
            let r = &rules.rules[h.rule];
            !(r.requires_hint || (prose && r.context_in_prose))
                || hints.get(h.rule) > 0
                || h.context
        });
        resolve_overlaps(&mut scratch.hits);
    }

    /// `detect` with a per-column memo: when recent values were wholly matched
    /// by one to three rules (an address is matched whole by the English and
    /// the hinted street rules), the first of them is tried anchored on the
    /// whole value with a compiled DFA. If it matches and validates, the others
    /// are checked the same way and nothing else runs (a value that is entirely
    /// an email holds nothing else). Free text and partial matches never take
    /// this path; they go through the full `detect`, and so do values that the
    /// memo's rules do not match.
    #[cfg(test)]
    pub(crate) fn detect_memo(
        &self,
        value: &str,
        hints: &ColumnHints,
        scratch: &mut Scratch,
        memo: &mut Memo,
    ) {
        let text = trim_value(value);
        if !hints.memo_may_answer(text) {
            self.detect(value, hints, scratch);
            return;
        }
        let tried = match self.memo_first(text, hints, scratch, memo) {
            FirstMemo::Whole(m) => {
                m.hits_into(text, &mut scratch.hits);
                return;
            }
            FirstMemo::Missed(e) => Some(e),
            FirstMemo::Untried => None,
        };
        self.detect_memo_from(value, hints, scratch, memo, tried);
    }

    /// What a value of a column holds, by way of the column's memo: the
    /// rule that alone matches the whole value, when one does (no hit list
    /// is built: nearly every value of a structured column), or `None` with
    /// the hits in `scratch.hits` (possibly none). `text` is `value`
    /// trimmed; the memo learns from the value.
    #[inline(always)]
    pub(crate) fn detect_in_column(
        &self,
        value: &str,
        text: &str,
        hints: &ColumnHints,
        scratch: &mut Scratch,
        memo: &mut Memo,
    ) -> Option<usize> {
        if memo.cold() || !hints.memo_may_answer(text) {
            if self.quiet_digit_run(text, hints) {
                scratch.hits.clear();
            } else {
                self.detect(value, hints, scratch);
            }
            return None;
        }
        // The memo's most recent entry first (inlined).
        let tried = match self.memo_first(text, hints, scratch, memo) {
            FirstMemo::Whole(m) => {
                memo.rate(true);
                if let Some(ri) = m.single() {
                    return Some(ri);
                }
                m.hits_into(text, &mut scratch.hits);
                return None;
            }
            FirstMemo::Missed(e) => Some(e),
            FirstMemo::Untried => None,
        };
        // A run of digits that no rule can match in this column (an id)
        // holds nothing, and no memo entry can match it either: skip the
        // search. (Looked at only after the memo's first entry, which
        // answers a structured column's values sooner.)
        if self.quiet_digit_run(text, hints) {
            scratch.hits.clear();
            return None;
        }
        let had_entries = memo.0[0].is_some();
        let explained = self.detect_memo_from(value, hints, scratch, memo, tried);
        if had_entries {
            memo.rate(explained);
        }
        None
    }

    /// The fast form of `memo_first` for this memo in a column of these
    /// hints, when it has one (see `FastForm`).
    pub(crate) fn fast_form(&self, memo: &Memo, hints: &ColumnHints) -> Option<FastForm<'_>> {
        if memo.4.cold_left > 0 {
            return None;
        }
        let recent = memo.0[0]?;
        if !memo.mixed() {
            return self.fast_entry(recent, hints).map(FastForm::One);
        }
        // Each layout's entry, which `memo_first` picks. (A layout without
        // one has no fast form: `memo_first` would try the most recent
        // entry, which changes more often than the fast form is rebuilt.)
        let mut slot = [0u8; LAYOUTS];
        let mut entries = Vec::new();
        for (l, e) in memo.2.iter().enumerate() {
            if let Some(f) = e.and_then(|e| self.fast_entry(e, hints)) {
                entries.push(f);
                slot[l] = entries.len() as u8;
            }
        }
        (!entries.is_empty()).then_some(FastForm::Layouts { slot, entries })
    }

    /// The fast form of one memo entry (see `FastEntry`).
    fn fast_entry(&self, entry: MemoEntry, hints: &ColumnHints) -> Option<FastEntry<'_>> {
        if entry.tail || entry.n == 0 {
            return None;
        }
        let n = entry.n as usize;
        let rules = entry.rules.map(usize::from);
        // Slots past `n` keep a copy of the first rule's; they are never read.
        let first = self.fast_rule(rules[0], hints)?;
        let mut fast = [first; 3];
        for k in 1..n {
            fast[k] = self.fast_rule(rules[k], hints)?;
        }
        let entity = self.rules.rule_entity[rules[0]];
        Some(FastEntry {
            rules,
            fast,
            n,
            one_entity: rules[..n]
                .iter()
                .all(|&ri| self.rules.rule_entity[ri] == entity),
            spaceless: first.spaceless(),
        })
    }

    /// How rule `ri` answers a whole value without a regex search, if it can.
    fn fast_rule(&self, ri: usize, hints: &ColumnHints) -> Option<FastRule<'_>> {
        let r = &self.rules.rules[ri];
        let m = &self.rules.compiled[ri];
        match r.detector {
            DetectorKind::Regex => {
                let n = m.regexes.len();
                if !(1..=FAST_PATTERNS).contains(&n) {
                    return None;
                }
                let first = m.whole_dfa(0)?;
                let mut dfas = [first; FAST_PATTERNS];
                for (j, d) in dfas.iter_mut().enumerate().take(n).skip(1) {
                    *d = m.whole_dfa(j)?;
                }
                Some(FastRule::Dfas {
                    dfas,
                    n,
                    validator: r.validator,
                })
            }
            DetectorKind::PersonName => Some(FastRule::Name {
                names: &self.names,
                hint: hints.name_hint(ri),
            }),
            DetectorKind::DateOfBirth => Some(FastRule::Date),
        }
    }

    /// The first memo entry on the trimmed value, when it is a whole-value
    /// entry: the common case of a structured column, kept small enough to
    /// inline into the caller's loop. That entry is the most recent one,
    /// or, once the column has shown more than one kind of value, the one
    /// that last explained a value of this value's layout. (Neither needs
    /// promotion.)
    #[inline]
    fn memo_first(
        &self,
        text: &str,
        hints: &ColumnHints,
        scratch: &mut Scratch,
        memo: &Memo,
    ) -> FirstMemo {
        let Some(mut entry) = memo.0[0] else {
            return FirstMemo::Untried;
        };
        if text.is_empty() {
            return FirstMemo::Untried;
        }
        if memo.mixed() {
            if let Some(e) = memo.2[layout_key(text.as_bytes())] {
                entry = e;
            }
        }
        if entry.tail {
            return FirstMemo::Untried;
        }
        match self.whole_entry(entry, text, hints, scratch) {
            Some(m) => FirstMemo::Whole(m),
            None => FirstMemo::Missed(entry),
        }
    }

    /// Which rules of a whole-value memo entry match all of `text`; `None`
    /// when its first rule does not (then the entry does not apply).
    #[inline(always)]
    fn whole_entry(
        &self,
        entry: MemoEntry,
        text: &str,
        hints: &ColumnHints,
        scratch: &mut Scratch,
    ) -> Option<WholeMemo> {
        if !self.whole_value_match(entry.rules[0] as usize, text, hints, scratch) {
            return None;
        }
        let mut matched = 1u8;
        for k in 1..entry.n as usize {
            if self.whole_value_match(entry.rules[k] as usize, text, hints, scratch) {
                matched |= 1 << k;
            }
        }
        Some(WholeMemo {
            rules: entry.rules,
            matched,
        })
    }

    /// `detect_memo` after `memo_first`: the value's layout's entry (unless
    /// it is `tried`, the one `memo_first` tried and that did not match),
    /// then the other entries, most recent first.
    #[inline(never)]
    fn detect_memo_from(
        &self,
        value: &str,
        hints: &ColumnHints,
        scratch: &mut Scratch,
        memo: &mut Memo,
        tried: Option<MemoEntry>,
    ) -> bool {
        let text = trim_value(value);
        // The layout is worked out only where there is a memo to consult or
        // a value to learn from (not for free text, which never learns).
        let layout = (!text.is_empty() && memo.0[0].is_some()).then(|| layout_key(text.as_bytes()));
        if let Some(layout) = layout {
            let own = memo.2[layout].filter(|&e| Some(e) != tried);
            let slots = memo.0;
            let order = own.into_iter().chain(
                slots
                    .into_iter()
                    .flatten()
                    .filter(|&e| Some(e) != tried && Some(e) != own),
            );
            for entry in order {
                let explained = if entry.tail {
                    match self.memo_tail(entry, text, hints, scratch, &mut memo.1) {
                        TailMemo::Done => true,
                        TailMemo::NoMatch => false,
                        TailMemo::Detect => break,
                    }
                } else if let Some(m) = self.whole_entry(entry, text, hints, scratch) {
                    m.hits_into(text, &mut scratch.hits);
                    true
                } else {
                    false
                };
                if explained {
                    memo.set_layout(layout, entry);
                    if let Some(slot) = memo.0.iter().position(|&x| x == Some(entry)) {
                        memo.promote(slot);
                    }
                    return true;
                }
            }
        }
        self.detect(value, hints, scratch);
        // Learn from a value that is wholly explained by at most three rules'
        // full matches (a date of birth only as a whole value, see below),
        // or by matches of one prefix followed by an empty tail (", Boston").
        let h = &scratch.hits;
        if h.is_empty() || h.len() > 3 {
            return false;
        }
        let tail = !h[0].full;
        if tail {
            let e = h[0].end;
            if h.iter().any(|x| x.start != 0 || x.end != e) || !plain_tail(text, e) {
                return false;
            }
        } else if h.iter().any(|x| !x.full) {
            return false;
        }
        let mut entry = MemoEntry {
            rules: [0; 3],
            n: 0,
            tail,
        };
        for x in h {
            let r = &self.rules.rules[x.rule];
            // A date learns only as a whole value that `dob::whole` reads
            // (what the entry is then checked with); a date found by the
            // pattern depends on what follows it (a time of day).
            if (r.detector == DetectorKind::DateOfBirth && !dob::whole(text))
                || (tail && r.detector != DetectorKind::Regex)
                || (r.requires_hint && hints.get(x.rule) <= 0)
                || x.rule > u16::MAX as usize
            {
                return false;
            }
            if !entry.rules().contains(&(x.rule as u16)) {
                entry.rules[entry.n as usize] = x.rule as u16;
                entry.n += 1;
            }
        }
        memo.remember(entry);
        memo.set_layout(layout.unwrap_or_else(|| layout_key(text.as_bytes())), entry);
        false
    }

    /// The memo's prefix form: the entry's first rule must match a prefix
    /// that ends before a plain tail, the tail must hold no hits of its own,
    /// and then the hits are what `detect` gives such a value: the prefix for
    /// each entry rule that matches exactly it (a shorter match would have
    /// been dropped as contained; a longer one sends the value to `detect`),
    /// with context words looked up in the whole value. A value with a context
    /// word of a rule that needs a hint goes to `detect`, which may keep
    /// that rule's hit.
    fn memo_tail(
        &self,
        entry: MemoEntry,
        text: &str,
        hints: &ColumnHints,
        scratch: &mut Scratch,
        quiet: &mut QuietTails,
    ) -> TailMemo {
        let first = entry.rules[0] as usize;
        let Some(e) = self.prefix_match(first, text, scratch) else {
            return TailMemo::NoMatch;
        };
        if e == text.len() || !plain_tail(text, e) {
            return TailMemo::NoMatch;
        }
        let mut rules = [0usize; 3];
        let mut n = 0;
        for (k, &ri) in entry.rules().iter().enumerate() {
            let ri = ri as usize;
            let end = if k == 0 {
                Some(e)
            } else {
                self.prefix_match(ri, text, scratch)
            };
            match end {
                Some(x) if x == e => {
                    rules[n] = ri;
                    n += 1;
                }
                Some(x) if x > e => return TailMemo::Detect,
                _ => {}
            }
        }
        // The context words in the whole value, in one pass. A context word
        // of a rule that needs a hint could keep that rule's hit in `detect`
        // (an unhinted "address"): let `detect` decide.
        mark_context(&self.rules, text, &mut scratch.lower, &mut scratch.context);
        if self
            .rules
            .hint_rules
            .iter()
            .any(|&ri| scratch.context[ri as usize])
        {
            return TailMemo::Detect;
        }
        let context = rules.map(|ri| scratch.context[ri]);
        // The tail on its own: anything in it sends the value to `detect`.
        // A tail that held nothing before holds nothing now.
        let tail = &text[e..];
        if quiet.contains(tail.as_bytes()) {
            scratch.hits.clear();
        } else {
            self.detect(tail, hints, scratch);
            if !scratch.hits.is_empty() {
                return TailMemo::Detect;
            }
            quiet.insert(tail.as_bytes());
        }
        for (&ri, &context) in rules[..n].iter().zip(&context) {
            scratch.hits.push(Hit {
                rule: ri,
                start: 0,
                end: e,
                full: false,
                context,
            });
        }
        TailMemo::Done
    }

    /// The end of rule `ri`'s longest validated match that starts the value
    /// (leftmost-first per pattern, as `detect` finds it), if any.
    fn prefix_match(&self, ri: usize, text: &str, scratch: &mut Scratch) -> Option<usize> {
        let r = &self.rules.rules[ri];
        let m = &self.rules.compiled[ri];
        if r.detector != DetectorKind::Regex {
            return None;
        }
        let mut best: Option<usize> = None;
        for j in 0..m.regexes.len() {
            let end = match m
                .whole_dfa(j)
                .and_then(|dfa| dfa_prefix_match(dfa, text.as_bytes()))
            {
                Some(end) => end,
                None => {
                    let slot = m.regex_slot(j, text.len());
                    ensure_cache(scratch, &self.rules, ri, slot);
                    let re = m.regex_at(slot);
                    let input =
                        regex_automata::Input::new(text).anchored(regex_automata::Anchored::Yes);
                    re.search_with(&mut scratch.caches[ri][slot], &input)
                        .map(|m| m.end())
                }
            };
            if let Some(e) = end {
                if e > 0
                    && best.is_none_or(|b| e > b)
                    && token_boundary(text, 0, e)
                    && r.validator.check(&text[..e])
                {
                    best = Some(e);
                }
            }
        }
        best
    }

    /// Whether rule `ri` matches all of `text` and validates.
    #[inline]
    fn whole_value_match(
        &self,
        ri: usize,
        text: &str,
        hints: &ColumnHints,
        scratch: &mut Scratch,
    ) -> bool {
        // The common case inlined: one pattern with a compiled DFA.
        let r = &self.rules.rules[ri];
        let m = &self.rules.compiled[ri];
        if r.detector == DetectorKind::Regex && m.regexes.len() == 1 {
            if let Some(dfa) = m.whole_dfa(0) {
                if let Some(m) = dfa_whole_match(dfa, text.as_bytes()) {
                    return m && r.validator.check(text);
                }
            }
        }
        self.whole_value_match_general(ri, text, hints, scratch)
    }

    /// `whole_value_match` for every kind of rule.
    #[inline(never)]
    fn whole_value_match_general(
        &self,
        ri: usize,
        text: &str,
        hints: &ColumnHints,
        scratch: &mut Scratch,
    ) -> bool {
        let r = &self.rules.rules[ri];
        let m = &self.rules.compiled[ri];
        match r.detector {
            DetectorKind::Regex => {
                for j in 0..m.regexes.len() {
                    // The compiled DFA answers in a few instructions per byte
                    // with the same leftmost-first end as the meta regex; it
                    // gives up (Err) only on a quit byte, and then the meta
                    // regex decides.
                    if let Some(dfa) = m.whole_dfa(j) {
                        match dfa_whole_match(dfa, text.as_bytes()) {
                            Some(true) => {
                                if r.validator.check(text) {
                                    return true;
                                }
                                continue;
                            }
                            Some(false) => continue,
                            None => {}
                        }
                    }
                    let slot = m.regex_slot(j, text.len());
                    ensure_cache(scratch, &self.rules, ri, slot);
                    let re = m.regex_at(slot);
                    let input =
                        regex_automata::Input::new(text).anchored(regex_automata::Anchored::Yes);
                    if let Some(m) = re.search_with(&mut scratch.caches[ri][slot], &input) {
                        if m.end() == text.len() && r.validator.check(text) {
                            return true;
                        }
                    }
                }
                false
            }
            DetectorKind::PersonName => {
                self.names
                    .whole_name(text, hints.name_hint(ri), &mut scratch.name_tokens)
            }
            DetectorKind::DateOfBirth => dob::whole(text),
        }
    }

    /// Convenience for tests and `rules test`: entities found in one value.
    pub fn entities_in(&self, value: &str, column: Option<&str>) -> Vec<String> {
        let hints = match column {
            Some(c) => ColumnHints::from_column_name(&self.rules, c),
            None => ColumnHints::none(&self.rules),
        };
        let mut scratch = Scratch::default();
        self.detect(value, &hints, &mut scratch);
        let mut out: Vec<String> = scratch
            .hits
            .iter()
            .map(|h| self.rules.rules[h.rule].entity.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The name dictionaries it matches with.
    pub(crate) fn names(&self) -> &names::Names {
        &self.names
    }

    /// Rule `i` of the detector's rule set (a [`Hit`]'s `rule`).
    pub fn rule(&self, i: usize) -> &Rule {
        &self.rules.rules[i]
    }

    /// Every rule's own examples run through the detector (`piigate rules
    /// test`): the failures as "rule: positive/negative example #n", for
    /// every rule or only `only` (a rule id or an entity; "all" is every
    /// rule).
    pub fn run_examples(&self, only: Option<&str>) -> Vec<String> {
        examples::run_examples(self, only)
    }
}

/// Whether the anchored leftmost-first match of `dfa` on `hay` ends at its
/// end: walk the transitions byte by byte; dying early means the preferred
/// match (if any) ended before the end. `None` if the DFA gave up (a quit
/// byte), and the caller asks the meta regex instead.
/// Whether any pattern of regex rule `r` matches all of `hay` (its
/// leftmost-first match from the start ends at the end), by the compiled
/// whole-value DFAs; `None` when a pattern has no such DFA or it gave up.
fn whole_digits_match(m: &Compiled, hay: &[u8]) -> Option<bool> {
    let mut any = false;
    for j in 0..m.regexes.len() {
        any |= dfa_whole_match(m.whole_dfa(j)?, hay)?;
    }
    Some(any)
}

pub(crate) fn dfa_whole_match(whole: &matching::WholeDfa, hay: &[u8]) -> Option<bool> {
    match (&whole.pairs, &whole.single) {
        (Some(p), _) => p.whole_match(hay),
        (None, Some(o)) => o.whole_match(hay),
        (None, None) => dense_whole_match(whole, hay),
    }
}

/// `dfa_whole_match` on the dense DFA itself, one byte per step.
fn dense_whole_match(whole: &matching::WholeDfa, hay: &[u8]) -> Option<bool> {
    use regex_automata::dfa::Automaton;
    let dfa = &whole.dfa;
    let mut sid = whole.start;
    for &b in hay {
        sid = dfa.next_state(sid, b);
        if dfa.is_special_state(sid) {
            if dfa.is_dead_state(sid) {
                return Some(false);
            }
            if dfa.is_quit_state(sid) {
                return None;
            }
        }
    }
    let eoi = dfa.next_eoi_state(sid);
    Some(dfa.is_match_state(eoi))
}

/// The end of the leftmost-first match anchored at the start of `hay`, by
/// walking the compiled DFA (match states are delayed by one byte); `None`
/// if the DFA gave up on a quit byte.
fn dfa_prefix_match(whole: &matching::WholeDfa, hay: &[u8]) -> Option<Option<usize>> {
    use regex_automata::dfa::Automaton;
    let dfa = &whole.dfa;
    let mut sid = whole.start;
    let mut last = None;
    for (i, &b) in hay.iter().enumerate() {
        sid = dfa.next_state(sid, b);
        if dfa.is_special_state(sid) {
            if dfa.is_match_state(sid) {
                last = Some(i);
            } else if dfa.is_dead_state(sid) {
                return Some(last);
            } else if dfa.is_quit_state(sid) {
                return None;
            }
        }
    }
    if dfa.is_match_state(dfa.next_eoi_state(sid)) {
        last = Some(hay.len());
    }
    Some(last)
}

/// The tail after a prefix match that the memo's prefix form accepts: a
/// comma, then no digits.
fn plain_tail(text: &str, e: usize) -> bool {
    let t = text.as_bytes()[e..].trim_ascii_start();
    t.first() == Some(&b',') && !t.iter().any(u8::is_ascii_digit)
}

/// What the memo's prefix form decided.
enum TailMemo {
    /// The hits are in `scratch.hits`.
    Done,
    /// This entry does not apply; try the next.
    NoMatch,
    /// Run the full detector.
    Detect,
}

/// Make sure this worker holds a regex cache for cache slot `slot` of rule
/// `ri` (see `Rule::regex_slot`).
#[inline]
fn ensure_cache(scratch: &mut Scratch, rules: &RuleSet, ri: usize, slot: usize) {
    if scratch.caches.get(ri).is_some_and(|c| c.len() > slot) {
        return;
    }
    create_caches(scratch, rules, ri, slot);
}

/// `ensure_cache`'s first time for a rule's regex (out of line: once per
/// scratch, rule and slot).
#[cold]
#[inline(never)]
fn create_caches(scratch: &mut Scratch, rules: &RuleSet, ri: usize, slot: usize) {
    if scratch.caches.len() < rules.rules.len() {
        scratch.caches.resize_with(rules.rules.len(), Vec::new);
    }
    let m = &rules.compiled[ri];
    while scratch.caches[ri].len() <= slot {
        let c = m.regex_at(scratch.caches[ri].len()).create_cache();
        scratch.caches[ri].push(c);
    }
}

/// The value lower-cased into `out` (ASCII without decoding characters).
fn lower_into(text: &str, out: &mut String) {
    out.clear();
    if text.is_ascii() {
        out.push_str(text);
        out.make_ascii_lowercase();
    } else if text.contains('\u{3a3}') {
        // A capital sigma lower-cases by its place in the word, which only
        // `str::to_lowercase` knows.
        out.push_str(&text.to_lowercase());
    } else {
        // Character by character into the reused buffer (no allocation per
        // value): the same as `str::to_lowercase` without a sigma.
        // (ASCII characters take the cheap path: `char::to_lowercase` on
        // each costs 21 more instructions per street row in callgrind.)
        for c in text.chars() {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
}

/// Mark in `out` (one flag per rule) the rules that have a context word as a
/// whole word in the value, case-insensitively: one automaton pass for
/// every rule. An ASCII value is searched as it is (the automaton ignores
/// ASCII case); any other is lower-cased into `lower` first.
fn mark_context(rules: &RuleSet, text: &str, lower: &mut String, out: &mut Vec<bool>) {
    out.clear();
    out.resize(rules.rules.len(), false);
    let Some(ac) = &rules.context else { return };
    let mut mark = |pid: usize| {
        for &r in &rules.context_rules[pid] {
            out[r as usize] = true;
        }
    };
    if text.is_ascii() {
        let b = text.as_bytes();
        ac.each(b, |pid, s, e| {
            let before = s == 0 || !b[s - 1].is_ascii_alphanumeric();
            let after = e == b.len() || !b[e].is_ascii_alphanumeric();
            if before && after {
                mark(pid);
            }
        });
        return;
    }
    lower_into(text, lower);
    let lower = lower.as_str();
    ac.each(lower.as_bytes(), |pid, s, e| {
        let before = lower[..s]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after = lower[e..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if before && after {
            mark(pid);
        }
    });
}

/// Bytes on each side of a match within which a context word must stand in
/// a long value: in a paragraph, "dates of birth" in one sentence says
/// nothing of the date of the break-in two sentences later.
const CONTEXT_REACH: usize = 64;

/// A value longer than this is running text for `context_in_prose` rules
/// (twice the context reach: a context word anywhere in a shorter value is
/// near its match).
const PROSE_BYTES: usize = 2 * CONTEXT_REACH;

/// Whether one of the (lower-case) context `words` stands as a whole word
/// within `CONTEXT_REACH` bytes of the match `s..e`. A value of at most
/// twice that length is near throughout (its flag from `mark_context`
/// stands).
fn context_near(text: &str, s: usize, e: usize, words: &[String]) -> bool {
    if text.len() <= 2 * CONTEXT_REACH {
        return true;
    }
    let mut a = s.saturating_sub(CONTEXT_REACH);
    while !text.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (e + CONTEXT_REACH).min(text.len());
    while !text.is_char_boundary(b) {
        b += 1;
    }
    let window = text[a..b].to_lowercase();
    words.iter().any(|w| {
        window.match_indices(w.as_str()).any(|(i, _)| {
            let before = window[..i].chars().next_back();
            let after = window[i + w.len()..].chars().next();
            before.is_none_or(|c| !c.is_alphanumeric())
                && after.is_none_or(|c| !c.is_alphanumeric())
        })
    })
}

/// Whether the match at `s` is labelled by one of the (lower-case) context
/// `words`: the word, a `:`, `=` or `-`, then the match ("home address:
/// Unter den Linden 77", "dirección - Calle Mayor 3"). Without the
/// separator the word is as likely a verb ("please address Ticket 4411").
fn labelled_by(text: &str, s: usize, words: &[String]) -> bool {
    let Some(head) = text[..s]
        .trim_end()
        .strip_suffix([':', '=', '-', '\u{2013}'])
    else {
        return false;
    };
    let lower = head.trim_end().to_lowercase();
    words.iter().any(|w| {
        lower.strip_suffix(w.as_str()).is_some_and(|rest| {
            rest.chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
        })
    })
}

/// Whether the match `s..e`, all letters, has a word in capitals beside it:
/// the word before it (across spaces, or a comma and spaces) or the word
/// after it (across spaces only: what follows a comma is another part of
/// the value, as the column memo's prefix form reads it). A word in
/// capitals has two letters or more, all upper-case; one of the rule's
/// (lower-case) context `words` does not count.
fn capitals_beside(text: &str, s: usize, e: usize, words: &[String]) -> bool {
    let m = &text[s..e];
    if !m.bytes().all(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    let capitals = |w: &str| {
        w.chars().count() >= 2
            && w.chars().all(|c| c.is_alphabetic() && !c.is_lowercase())
            && !words.iter().any(|x| x.eq_ignore_ascii_case(w))
    };
    let not_letter = |c: char| !c.is_alphabetic();
    // A neighbour counts only across a separator (spaces; before it, a comma).
    let before = text[..s].trim_end_matches(' ');
    let before = before
        .strip_suffix(',')
        .map_or(before, |b| b.trim_end_matches(' '));
    let after = text[e..].trim_start_matches(' ');
    let word_before = (before.len() < s).then(|| before.rsplit(not_letter).next());
    let word_after = (after.len() < text.len() - e).then(|| after.split(not_letter).next());
    word_before
        .into_iter()
        .chain(word_after)
        .flatten()
        .any(capitals)
}

/// Whether the match at `s` follows a country calling code (`+46 123 45
/// 6789`, `+1-555…`, `(+44) 20…`) or an area code in brackets (`(60)
/// 98575-1004`, `(030) 123 45 6789`): then it is the rest of a phone
/// number, whatever else its digits look like (an SSN's 3-2-4, an ITIN).
fn after_dialling_code(text: &str, s: usize) -> bool {
    let b = &text.as_bytes()[..s];
    let mut e = b.len();
    if e > 0 && matches!(b[e - 1], b' ' | b'-' | b'.') {
        e -= 1;
    }
    let bracket = e > 0 && b[e - 1] == b')';
    if bracket {
        e -= 1;
    }
    if e == b.len() {
        return false;
    }
    let mut d = e;
    while d > 0 && b[d - 1].is_ascii_digit() {
        d -= 1;
    }
    let n = e - d;
    let before = d.checked_sub(1).map(|p| b[p]);
    (before == Some(b'+') && (1..=4).contains(&n))
        || (bracket && before == Some(b'(') && (2..=5).contains(&n))
}

/// Whether the word directly before `s` (skipping spaces and one `:`,
/// `=`, `#` or `.`) is one of `words` (lower-case), compared ASCII
/// case-insensitively: "version 8.10.23.58", "firmware: 4.1.18.109",
/// "tel. 446 68 1800"; or the word before a linking word that stands
/// there ("firmware to 4.1.18.109", "version is 8.10.23.58").
fn preceded_by(text: &str, s: usize, words: &[String]) -> bool {
    if words.is_empty() {
        return false;
    }
    let b = &text.as_bytes()[..s];
    let mut end = b.len();
    for _ in 0..2 {
        let Some((w, e)) = word_before(b, end) else {
            return false;
        };
        let word = &b[w..e];
        if words
            .iter()
            .any(|x| x.as_bytes().eq_ignore_ascii_case(word))
        {
            return true;
        }
        if !LINKING_WORDS
            .iter()
            .any(|x| x.as_bytes().eq_ignore_ascii_case(word))
        {
            return false;
        }
        end = w;
    }
    false
}

/// Words that may stand between a negative context word and the match it
/// argues against ("upgraded firmware to …", "the version is …").
const LINKING_WORDS: &[&str] = &["to", "is", "was", "now", "for", "of", "as"];

/// The whole word that ends `b[..end]`, after spaces and one `:`, `=`, `#`
/// or `.`: its start and end; `None` when none does (a number, a word
/// glued to digits: "x9version").
fn word_before(b: &[u8], end: usize) -> Option<(usize, usize)> {
    let mut e = end;
    while e > 0 && b[e - 1] == b' ' {
        e -= 1;
    }
    if e > 0 && matches!(b[e - 1], b':' | b'=' | b'#' | b'.') {
        e -= 1;
        while e > 0 && b[e - 1] == b' ' {
            e -= 1;
        }
    }
    let mut w = e;
    while w > 0 && b[w - 1].is_ascii_alphabetic() {
        w -= 1;
    }
    // A whole word: not the tail of a longer token ("x9version").
    if w == e || (w > 0 && b[w - 1].is_ascii_alphanumeric()) {
        return None;
    }
    Some((w, e))
}

/// Keeps match `s..e` of rule `i`'s pattern as a hit when it stands on
/// token boundaries, validates, has none of the rule's negative context
/// words right before it, and is not a hit of the rule already (another of
/// its patterns found the same span).
fn keep_match(
    r: &crate::rules::Rule,
    i: usize,
    text: &str,
    s: usize,
    e: usize,
    hits: &mut Vec<Hit>,
) {
    if !token_boundary(text, s, e)
        || !r.validator.check(&text[s..e])
        || preceded_by(text, s, &r.negative_context)
        || (!r.follows_country_code && after_dialling_code(text, s))
        || (r.alone_in_capitals && capitals_beside(text, s, e, &r.context))
        || hits
            .iter()
            .any(|h| h.rule == i && h.start == s && h.end == e)
    {
        return;
    }
    hits.push(Hit {
        rule: i,
        start: s,
        end: e,
        full: s == 0 && e == text.len(),
        context: false,
    });
}

/// The start and the preceding digit's end of every run of ASCII digits in
/// `b`: `(start, end of the previous run)` (0 for the first run), how a
/// walk from its first digit starts (`DigitRun::at`) and the patterns such
/// a walk can match (`DigitRun::admit`). Returns the union of the runs'
/// `admit`.
fn fill_digit_starts(b: &[u8], admit: &RunAdmit, out: &mut Vec<DigitRun>) -> u64 {
    out.clear();
    let mut prev_end = 0u32;
    let mut any = 0u64;
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let at = match start.checked_sub(1).map(|p| b[p]) {
                _ if !token_start(b, start) => RunStart::No,
                None => RunStart::Value,
                Some(p) if p != b'\n' && p != b'\r' && p < 0x80 => RunStart::AfterSpace,
                Some(_) => RunStart::Other,
            };
            let len = (i - start).min(u8::MAX as usize) as u8;
            let after = matching::after_run_class(b.get(i).copied());
            let bits = admit.of(at, len, after);
            any |= bits;
            out.push(DigitRun {
                start: start as u32,
                prev_end,
                len,
                after,
                at,
                admit: bits,
            });
            prev_end = i as u32;
        } else {
            i += 1;
        }
    }
    any
}

/// Per pattern bit, the runs (bit `r` for `runs[r]`, the first 64) whose
/// `admit` holds it.
fn runs_by_pattern(runs: &[DigitRun], out: &mut Vec<u64>) {
    out.clear();
    out.resize(64, 0);
    for (r, run) in runs.iter().take(64).enumerate() {
        let mut m = run.admit;
        while m != 0 {
            out[m.trailing_zeros() as usize] |= 1 << r;
            m &= m - 1;
        }
    }
}

/// For the digit patterns of a rule set (each with a bit, up to 64 of
/// them), which can match from the first digit of a run, by how the walk
/// starts, the run's length and the byte after it: the run filters of all
/// patterns in one table, so that a run is looked up once per value
/// instead of once per pattern.
#[derive(Debug)]
struct RunAdmit {
    /// Per rule, per pattern: its bit (0 for a pattern without one: not a
    /// digit pattern with a whole-value DFA, or past the 64th).
    bits: Vec<Vec<u64>>,
    /// Per (start 0 or 1 as `WholeDfa::runs`, run length, class after):
    /// the patterns whose run filter lets the walk go on.
    table: Vec<u64>,
}

impl RunAdmit {
    const LENS: usize = matching::RUN_FILTER_MAX + 1;

    fn new(rules: &RuleSet) -> Self {
        let mut table = vec![0u64; 2 * Self::LENS * 16];
        let mut next = 0;
        let bits = rules
            .compiled
            .iter()
            .map(|m| {
                (0..m.patterns.len())
                    .map(|j| {
                        let Some(whole) = m.digit_lead[j].and_then(|_| m.whole_dfa(j)) else {
                            return 0;
                        };
                        if next == 64 {
                            return 0;
                        }
                        let bit = 1u64 << next;
                        next += 1;
                        for (k, filter) in whole.runs.iter().enumerate() {
                            for n in 0..Self::LENS {
                                for class in 0..16u8 {
                                    if filter.may_match(n, class) {
                                        table[(k * Self::LENS + n) * 16 + class as usize] |= bit;
                                    }
                                }
                            }
                        }
                        bit
                    })
                    .collect()
            })
            .collect();
        RunAdmit { bits, table }
    }

    /// The patterns a walk from the first digit of a run can match.
    #[inline]
    fn of(&self, at: RunStart, len: u8, after: u8) -> u64 {
        let k = match at {
            RunStart::No => return 0,
            RunStart::Other => return u64::MAX,
            RunStart::Value => 0,
            RunStart::AfterSpace => 1,
        };
        if len as usize >= Self::LENS {
            return u64::MAX;
        }
        self.table[(k * Self::LENS + len as usize) * 16 + (after & 15) as usize]
    }
}

/// A run of ASCII digits in a value, for `walk_at_digit_runs`.
#[derive(Debug, Clone, Copy)]
struct DigitRun {
    /// Its first byte.
    start: u32,
    /// The end of the run before it (0 for the first).
    prev_end: u32,
    /// Its length (at most 255).
    len: u8,
    /// The class of the byte after it (`matching::after_run_class`).
    after: u8,
    /// How a walk from its first digit starts: the same for every pattern,
    /// so worked out once per value, not once per pattern.
    at: RunStart,
    /// The patterns (`RunAdmit` bits) that such a walk can match.
    admit: u64,
}

/// Where a run of digits stands, for a walk from its first digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RunStart {
    /// Not where a token may start (`token_start`): no walk.
    No,
    /// At the start of the value (the DFA's start state, run filter 0).
    Value,
    /// After an ASCII byte that ends no line (`start_after_space`, run
    /// filter 1).
    AfterSpace,
    /// After a non-ASCII byte or a line end: the start state is looked up.
    Other,
}

/// The leftmost-first matches of a pattern whose every match holds a digit,
/// at most `lead` bytes after its start: a match that counts starts where a
/// token may start (`token_start`), at most `lead` bytes before the first
/// digit it holds, so only those positions are walked, each with its own
/// anchored DFA walk, and a match hides the starts it covers (as a search
/// of the whole value would). Spans go to `out`; `false` if the DFA gave up
/// (a quit byte), and the caller searches the value instead. With
/// `FILTER`, walks from a run's first digit that its `RunFilter` rules out
/// are not taken (without: the reference the filter is tested against).
fn walk_at_digit_runs<const FILTER: bool>(
    whole: &matching::WholeDfa,
    text: &str,
    lead: usize,
    runs: &[DigitRun],
    bit: u64,
    out: &mut Vec<(usize, usize)>,
) -> bool {
    out.clear();
    let b = text.as_bytes();
    let dfa = &whole.dfa;
    let mut free = 0usize;
    for run in runs {
        let (d, prev_end) = (run.start as usize, run.prev_end);
        // The match's first digit is this run's first: it starts after the
        // previous run.
        let lo = d.saturating_sub(lead).max(prev_end as usize).max(free);
        for s in lo..d + 1 {
            if s < free {
                continue;
            }
            let sid = if FILTER && s == d {
                // From the run's first digit: where it stands was worked
                // out with the runs, and a walk that dies within the run or
                // on the byte after it, whatever the digits, is not taken.
                let may = |k: usize| {
                    if bit != 0 {
                        run.admit & bit != 0
                    } else {
                        whole.runs[k].may_match(run.len as usize, run.after)
                    }
                };
                match run.at {
                    RunStart::No => continue,
                    RunStart::Value if may(0) => Some(whole.start),
                    RunStart::AfterSpace if may(1) => Some(whole.start_after_space),
                    RunStart::Other => start_state(whole, b[s - 1]),
                    _ => continue,
                }
            } else {
                // Before the run: a byte the walk dies on at once is not
                // walked from (only after ASCII, where the start is one of
                // the two the set is of).
                if FILTER
                    && s < d
                    && !whole.may_start_with(b[s])
                    && s.checked_sub(1)
                        .is_none_or(|p| b[p] < 0x80 && b[p] != b'\n' && b[p] != b'\r')
                {
                    continue;
                }
                if !text.is_char_boundary(s) || !token_start(b, s) {
                    continue;
                }
                match s.checked_sub(1).map(|p| b[p]) {
                    None => Some(whole.start),
                    Some(p) if p != b'\n' && p != b'\r' && p < 0x80 => {
                        Some(whole.start_after_space)
                    }
                    Some(p) => start_state(whole, p),
                }
            };
            let Some(Some(e)) = sid.map(|sid| walk_from(dfa, b, s, sid)) else {
                return false;
            };
            if e > s {
                out.push((s, e));
                free = e;
            }
        }
    }
    true
}

/// `walk_at_digit_runs` for a pattern whose matches start at their first
/// digit (lead 0), walked only from the runs in `set` (bit `r` for
/// `runs[r]`): the runs whose `admit` has the pattern's bit.
fn walk_at_admitted_runs(
    whole: &matching::WholeDfa,
    text: &str,
    runs: &[DigitRun],
    mut set: u64,
    out: &mut Vec<(usize, usize)>,
) -> bool {
    out.clear();
    let b = text.as_bytes();
    let mut free = 0usize;
    while set != 0 {
        let run = &runs[set.trailing_zeros() as usize];
        set &= set - 1;
        let s = run.start as usize;
        if s < free {
            continue;
        }
        let sid = match run.at {
            RunStart::No => continue,
            RunStart::Value => Some(whole.start),
            RunStart::AfterSpace => Some(whole.start_after_space),
            RunStart::Other => start_state(whole, b[s - 1]),
        };
        let Some(Some(e)) = sid.map(|sid| walk_from(&whole.dfa, b, s, sid)) else {
            return false;
        };
        if e > s {
            out.push((s, e));
            free = e;
        }
    }
    true
}

/// The end of the leftmost-first (longest as the DFA is built) match of an
/// anchored walk of `dfa` from state `sid` at `s`: `Some(s)` for none,
/// `None` if the DFA gave up (a quit byte).
#[inline]
fn walk_from(
    dfa: &regex_automata::dfa::dense::DFA<Vec<u32>>,
    b: &[u8],
    s: usize,
    mut sid: regex_automata::util::primitives::StateID,
) -> Option<usize> {
    use regex_automata::dfa::Automaton;
    let mut last = s;
    for (k, &c) in b[s..].iter().enumerate() {
        sid = dfa.next_state(sid, c);
        if dfa.is_special_state(sid) {
            if dfa.is_match_state(sid) {
                last = s + k;
            } else if dfa.is_dead_state(sid) {
                return Some(last);
            } else if dfa.is_quit_state(sid) {
                return None;
            }
        }
    }
    if dfa.is_match_state(dfa.next_eoi_state(sid)) {
        last = b.len();
    }
    Some(last)
}

/// The anchored start state of `whole` after the byte `p` (`None` if the
/// DFA cannot give one).
fn start_state(
    whole: &matching::WholeDfa,
    p: u8,
) -> Option<regex_automata::util::primitives::StateID> {
    use regex_automata::dfa::Automaton;
    let config = regex_automata::util::start::Config::new()
        .anchored(regex_automata::Anchored::Yes)
        .look_behind(Some(p));
    whole.dfa.start_state(&config).ok()
}

/// Whether a match may start at `s` as far as the bytes before it go (the
/// left half of `token_boundary`).
#[inline]
fn token_start(b: &[u8], s: usize) -> bool {
    if s == 0 {
        return true;
    }
    let joiner = |c: u8| matches!(c, b'-' | b'_' | b'/' | b'.' | b'+');
    let p = b[s - 1];
    if p.is_ascii_alphanumeric() || (p == b'_') {
        return false;
    }
    if joiner(p) && s >= 2 && b[s - 2].is_ascii_alphanumeric() {
        return false;
    }
    // Digits right after a `+` are a phone number's country code and
    // what follows it ("+351 99 8519 8498" holds no SSN), whatever
    // stands before the `+`.
    if p == b'+' && s < b.len() && b[s].is_ascii_digit() {
        return false;
    }
    // "rv:1.9.6.20" in a browser's user agent is a version, not an address.
    if p == b':' && s >= 3 && b[s - 3..s - 1].eq_ignore_ascii_case(b"rv") {
        return false;
    }
    true
}

/// A match must stand as its own token: not glued to letters or digits, nor to
/// a joiner (`-`, `_`, `/`, `.`) that continues a longer token such as
/// `INV-123456789` or a UUID group.
fn token_boundary(text: &str, s: usize, e: usize) -> bool {
    let b = text.as_bytes();
    let joiner = |c: u8| matches!(c, b'-' | b'_' | b'/' | b'.' | b'+');
    if !token_start(b, s) {
        return false;
    }
    if e < b.len() {
        let n = b[e];
        if n.is_ascii_alphanumeric() || n == b'_' {
            return false;
        }
        if joiner(n) && e + 1 < b.len() && b[e + 1].is_ascii_alphanumeric() {
            return false;
        }
    }
    // The patterns' word boundaries are ASCII: a match may start or end
    // beside a letter outside ASCII, inside a word ("MÜLLERSTRASSE" holds
    // no SWIFT code "LLERSTRASSE"). Letters of the alphabets written with
    // spaces between words glue; CJK text, which has none, does not.
    let glued = |c: Option<char>| c.is_some_and(spaced_letter);
    !(b.get(s.wrapping_sub(1)).is_some_and(|&p| p >= 0x80) && glued(text[..s].chars().next_back())
        || b.get(e).is_some_and(|&n| n >= 0x80) && glued(text[e..].chars().next()))
}

/// A letter outside ASCII of an alphabet written with spaces between
/// words: Latin (Latin-1 and Extended-A/B), Greek, Cyrillic.
fn spaced_letter(c: char) -> bool {
    matches!(c, '\u{00C0}'..='\u{024F}' | '\u{0370}'..='\u{04FF}')
        && c != '\u{00D7}'
        && c != '\u{00F7}'
        && c.is_alphabetic()
}

/// Drop hits that lie strictly inside a longer hit (a phone-shaped run inside an
/// IBAN); hits over the same span are all kept so the column can decide.
fn resolve_overlaps(hits: &mut Vec<Hit>) {
    if hits.len() < 2 {
        return;
    }
    let snapshot = hits.clone();
    hits.retain(|h| {
        !snapshot
            .iter()
            .any(|o| o.start <= h.start && o.end >= h.end && (o.end - o.start) > (h.end - h.start))
    });
}

#[cfg(test)]
mod tests {

    /// A rule's gates only spare work: every value that one of its patterns
    /// matches whole and its validator accepts passes them. The column memo
    /// answers whole values with the patterns alone, so a gate that rejected
    /// such a value would make a column's counts depend on which values
    /// share a batch. Values are generated from each pattern.
    #[test]
    fn gates_admit_every_whole_match_of_their_patterns() {
        use proptest::strategy::{Strategy, ValueTree};
        let rules = Arc::new(RuleSet::builtin().unwrap());
        let det = Detector::new(rules.clone());
        let mut scratch = Scratch::default();
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let mut failures = Vec::new();
        let mut checked = 0;
        for (ri, r) in rules.rules.iter().enumerate() {
            if r.detector != DetectorKind::Regex {
                continue;
            }
            let hints = ColumnHints::from_column_name(
                &rules,
                &r.column_hints.first().cloned().unwrap_or_default(),
            );
            let gate = rules
                .all
                .iter()
                .find(|g| g.rule as usize == ri)
                .copied()
                .unwrap();
            for p in &rules.compiled[ri].patterns {
                // Word boundaries are zero-width: the generator cannot place them.
                let Ok(gen) = proptest::string::string_regex(&p.replace("\\b", "")) else {
                    continue;
                };
                for _ in 0..300 {
                    let v = gen.new_tree(&mut runner).unwrap().current();
                    let text = trim_value(&v);
                    // Whitespace other than ASCII's (U+3000 between the
                    // words of an address) is outside what the gates model.
                    if text.is_empty()
                        || text.len() != v.len()
                        || text.chars().any(|c| c.is_whitespace() && !c.is_ascii())
                    {
                        continue;
                    }
                    if !det.whole_value_match(ri, text, &hints, &mut scratch) {
                        continue;
                    }
                    checked += 1;
                    let mut sh = shape(text, rules.min_token_run);
                    let have = sh.have();
                    if !gate_passes(&mut sh, have, &gate, text.as_bytes()) {
                        failures.push(format!("{}: {text:?}", r.id));
                        break;
                    }
                }
            }
        }
        assert!(checked > 1000, "only {checked} values checked");
        assert!(
            failures.is_empty(),
            "gates reject whole matches: {failures:#?}"
        );
    }
    use super::*;
    use proptest::strategy::Strategy as _;

    /// Every rule's two-bytes-a-step table answers as the dense DFA it was
    /// built from, on values near the rules' own shapes and on noise.
    #[test]
    fn pair_tables_agree_with_their_dfas() {
        use proptest::strategy::{Strategy, ValueTree};
        let rules = RuleSet::builtin().expect("rules");
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let noise = "[0-9a-fA-Z .:@_+()/,-\u{e9}\u{df}]{0,40}";
        let long_noise = "[0-9a-fA-Z .:@_+()/,-\u{e9}\u{df}]{30,100}";
        let (mut tables, mut singles) = (0, 0);
        for (ri, r) in rules.rules.iter().enumerate() {
            let mut samples: Vec<String> = r
                .examples
                .positive
                .iter()
                .chain(&r.examples.negative)
                .cloned()
                .collect();
            for _ in 0..400 {
                samples.push(noise.new_tree(&mut runner).expect("value").current());
            }
            // Values of one or more 32-byte blocks and a tail (the pair walk
            // looks for dead and quit states once a block): noise, and
            // examples with noise after them (dead only after a block).
            for _ in 0..100 {
                samples.push(long_noise.new_tree(&mut runner).expect("value").current());
            }
            for e in &r.examples.positive {
                let tail = long_noise.new_tree(&mut runner).expect("value").current();
                samples.push(format!("{e}{tail}"));
            }
            // Examples with one byte changed, dropped or doubled.
            for e in r.examples.positive.clone() {
                for at in 0..e.len() {
                    let mut b = e.clone().into_bytes();
                    b[at] = b"0aZ -."[at % 6];
                    samples.extend(String::from_utf8(b).ok());
                    samples.extend(
                        e.get(..at)
                            .map(|h| h.to_string() + &e[at..].chars().skip(1).collect::<String>()),
                    );
                }
                samples.push(e.repeat(2));
            }
            let m = &rules.compiled[ri];
            for j in 0..m.patterns.len() {
                let Some(w) = m.whole_dfa(j) else { continue };
                if let Some(p) = &w.pairs {
                    tables += 1;
                    for v in &samples {
                        assert_eq!(
                            p.whole_match(v.as_bytes()),
                            dense_whole_match(w, v.as_bytes()),
                            "rule {} pattern {j} on {v:?}",
                            r.id
                        );
                    }
                }
                if let Some(o) = &w.single {
                    singles += 1;
                    for v in &samples {
                        assert_eq!(
                            o.whole_match(v.as_bytes()),
                            dense_whole_match(w, v.as_bytes()),
                            "rule {} pattern {j} (single-step table) on {v:?}",
                            r.id
                        );
                    }
                }
            }
        }
        assert!(tables >= 20, "only {tables} pair tables were built");
        assert!(singles >= 5, "only {singles} single-step tables were built");
    }

    /// A value whose words are parted only by line breaks (a multi-line
    /// cell) passes the gates of the rules that need a space, in short
    /// values and in the long ones that the vector passes read:
    /// "Hauptstraße\n5" is an address as "Hauptstraße 5" is.
    #[test]
    fn line_breaks_part_words_as_spaces_do() {
        let det = Detector::new(Arc::new(RuleSet::builtin().unwrap()));
        let long = format!("{}\nHauptstraße\n5", "Lieferung".repeat(16));
        for v in [
            "Hauptstraße\n5",
            "Calle\nMayor\n12",
            "Kurt-Zahn-Gasse\r\n8",
            long.as_str(),
        ] {
            let found = det.entities_in(v, Some("address"));
            assert!(found.contains(&"STREET_ADDRESS".to_string()), "{v:?}");
            let spaced = v.replace("\r\n", " ").replace('\n', " ");
            assert_eq!(found, det.entities_in(&spaced, Some("address")), "{v:?}");
        }
    }

    proptest::proptest! {
        /// The digit-free fast path computes exactly what the general one does.
        #[test]
        fn shape_fast_path_agrees(v in "[ -/:-~\\u{e0}-\\u{ff}\\u{4e00}]{0,80}") {
            // An upper bound is all the names finder's early exit needs.
            proptest::prop_assert!(shape(&v, 15).caplike as usize >= names::capitalised_words(&v));
            // (`shape` adds `HexColons` on top, which the general pass does not compute.)
            let mut a = shape_of(&v, 15);
            proptest::prop_assert!(a.runs_pending);
        digit_free_runs(v.as_bytes(), &mut a);
        let b = shape_general(v.as_bytes());
            proptest::prop_assert_eq!(
                (a.digits, a.features, a.digit_mask, a.alnum_mask, a.alnum_digit_mask),
                (b.digits, b.features, b.digit_mask, b.alnum_mask, b.alnum_digit_mask)
            );
        }
    }

    proptest::proptest! {
        /// Run by run over 64-byte blocks gives what byte by byte gives,
        /// with words and runs of capitals across the blocks' edges.
        #[test]
        fn digit_free_runs_agree_with_the_byte_walk(
            v in proptest::prop_oneof![
                "[a-zA-Z .,\u{e9}]{0,300}",
                "([A-Z]{0,70}[a-z]{0,70} ?){0,4}",
            ]
        ) {
            let (mut a, mut b) = (Shape::default(), Shape::default());
            digit_free_runs(v.as_bytes(), &mut a);
            digit_free_runs_bytes(v.as_bytes(), &mut b);
            proptest::prop_assert_eq!((a.alnum_mask, a.features), (b.alnum_mask, b.features));
            let upper = b.features & crate::rules::Feature::UpperWord.bit() != 0;
            proptest::prop_assert_eq!(has_upper_word(v.as_bytes()), upper);
        }
    }

    proptest::proptest! {
        /// The mask pass gives the byte walk's shape on values of every
        /// length around the 64-byte blocks: numbers in groups, words,
        /// capitals after numbers, runs across the blocks' edges.
        #[test]
        fn masked_shape_agrees_with_the_byte_walk(
            v in proptest::prop_oneof![
                "[a-c A-C0-9.,:/()\\-@=\t\u{e9}\u{4e00}]{0,200}",
                "([0-9]{0,70}[ .\\-/]{0,3}[a-zA-Z]{0,70}[, \t]{0,70}){0,4}",
                "([A-Z]{0,6}[0-9 ]{0,12}[a-z ]{0,20}){0,12}",
                "[a-z ]{0,60}([0-9]{1,3}[ .\\-/()]{1,3}){0,12}[0-9]{0,3}",
            ]
        ) {
            let b = v.as_bytes();
            let first = bytes::first_pass(b, 15);
            let a = shape_general_masks(b, first.features, first.digits);
            let r = shape_general_with::<false>(b);
            proptest::prop_assert_eq!(format!("{a:?}"), format!("{r:?}"));
        }
    }

    proptest::proptest! {
        /// Every IPv6 address, in any form Rust writes or in full, passes
        /// the IPv6 gate, alone or in a line of text.
        #[test]
        fn the_hex_colons_gate_passes_every_ipv6_address(
            bits in proptest::num::u128::ANY,
            zeros in 0u32..8,
            before in "[a-z =\\[]{0,12}",
        ) {
            // Runs of zero groups, which the compressed form folds into `::`.
            let bits = bits & !((1u128 << (16 * zeros)) - 1);
            let a = std::net::Ipv6Addr::from(bits);
            let full = a.segments().map(|g| format!("{g:x}")).join(":");
            for v in [a.to_string(), full] {
                let text = format!("{before}{v} - - [12/Mar/2026:00:53:32 +0000]");
                proptest::prop_assert!(has_hex_colons(v.as_bytes()), "{}", v);
                proptest::prop_assert!(has_hex_colons(text.as_bytes()), "{}", text);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn trim_value_is_trim(v in "[ \t\n\u{a0}\u{2003}a-z!~\u{7f}\u{1}]{0,6}") {
            proptest::prop_assert_eq!(trim_value(&v), v.trim());
        }
    }

    proptest::proptest! {
        /// Stepping through runs of lower-case letters and spaces changes no
        /// part of the shape.
        #[test]
        fn shape_stepping_through_quiet_runs_agrees(
            v in "[a-e A-C0-9.,:/()\\-@=\u{e9}\u{4e00}]{0,90}",
        ) {
            let (a, b) = (
                shape_general_with::<true>(v.as_bytes()),
                shape_general_with::<false>(v.as_bytes()),
            );
            proptest::prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
        }
    }

    #[test]
    fn defining_hints_are_whole_words_or_adjacent_pairs() {
        let rules = RuleSet::builtin().unwrap();
        let name = rules
            .rules
            .iter()
            .position(|r| r.id == "person_name")
            .unwrap();
        let hint = |c: &str| ColumnHints::from_column_name(&rules, c).get(name);
        for c in [
            "surname",
            "last_name",
            "customerLastName",
            "FIRST_NAME",
            "nachname",
            "prénom",
        ] {
            assert_eq!(hint(c), 2, "{c}");
        }
        // Hints, but not names of a name: one known word still decides.
        for c in ["name", "customer", "account_holder", "surnames_count_x"] {
            assert!(hint(c) < 2, "{c}");
        }
        assert_eq!(hint("company_name"), -1);
    }

    #[test]
    fn column_words_split_camel_and_separators() {
        assert_eq!(
            column_words("customerEmail_2.addr"),
            vec!["customer", "email", "addr"]
        );
        assert_eq!(column_words("DOB"), vec!["dob"]);
    }

    proptest::proptest! {
        /// A date that `dob::whole` reads (the memo's fast form of a date
        /// column) is, for `detect`, one full date-of-birth hit and nothing
        /// of another entity, whatever else the column's name hints: the
        /// memo answers such a value with the date alone.
        #[test]
        fn whole_dates_are_dates_of_birth_and_nothing_else(
            y in 1900i32..=2026,
            m in 1u32..=12,
            d in 1u32..=28,
            form in 0usize..9,
            sep in 0usize..3,
            pad in proptest::bool::ANY,
        ) {
            const MONTHS: [&str; 12] = ["January", "February", "March", "April", "May",
                "June", "July", "August", "September", "October", "November", "December"];
            let s = ["-", "/", "."][sep];
            let two = |x: u32| if pad { format!("{x:02}") } else { x.to_string() };
            let (mon, abbr) = (MONTHS[m as usize - 1], &MONTHS[m as usize - 1][..3]);
            let v = match form {
                0 => format!("{y}{s}{}{s}{}", two(m), two(d)),
                1 => format!("{}{s}{}{s}{y}", two(d), two(m)),
                2 => format!("{}{s}{}{s}{y}", two(m), two(d)),
                3 => format!("{d} {abbr} {y}"),
                4 => format!("{}. {mon} {y}", two(d)),
                5 => format!("{mon} {d}, {y}"),
                6 => format!("{abbr}. {d} {y}"),
                7 => format!("{} {}, {y}", abbr.to_uppercase(), two(d)),
                _ => format!("{mon} {d}th {y}"),
            };
            proptest::prop_assert!(dob::whole(&v), "{v:?}");
            let rules = Arc::new(RuleSet::builtin().unwrap());
            let det = Detector::new(rules.clone());
            let dob = rules.rules.iter().position(|r| r.id == "date_of_birth").unwrap();
            let mut scratch = Scratch::default();
            for column in ["date_of_birth", "dob", "phone_dob", "ssn_birthdate",
                "tax_id_birth_date", "ip_dob", "card_dob", "account_birthday"] {
                let hints = ColumnHints::from_column_name(&rules, column);
                det.detect(&v, &hints, &mut scratch);
                let hits: Vec<_> = scratch.hits.iter().map(|h| (h.rule, h.start, h.end, h.full)).collect();
                proptest::prop_assert_eq!(&hits, &vec![(dob, 0, v.len(), true)], "{:?} in {}", v, column);
            }
        }

        /// Dates among the memo's values (see `memo_agrees_with_detect`) in
        /// a date column: the same hits as `detect`, value by value.
        #[test]
        fn memo_agrees_with_detect_on_dates(
            picks in proptest::collection::vec((0usize..10, 1u32..9999), 1..60),
        ) {
            let rules = Arc::new(RuleSet::builtin().unwrap());
            let det = Detector::new(rules.clone());
            let hints = ColumnHints::from_column_name(&rules, "birth_date");
            let mut scratch_a = Scratch::default();
            let mut scratch_b = Scratch::default();
            let mut memo = Memo::default();
            for (kind, n) in picks {
                let (y, m, d) = (1900 + n % 140, 1 + n % 13, 1 + n % 32);
                let v = match kind {
                    0 => format!("{y}-{m:02}-{d:02}"),
                    1 => format!("{d}.{m}.{y}"),
                    2 => format!("{m}/{d}/{y}"),
                    3 => format!("{d} Mar {y}"),
                    4 => format!("{y}{m:02}{d:02}"),
                    5 => format!("{y}-{m:02}-{d:02} 10:{:02}", n % 60),
                    6 => format!("{y}-{m:02}-{d:02}T00:00:00Z"),
                    7 => format!("born {d}/{m}/{y}"),
                    8 => format!("{n}"),
                    _ => format!("{y}.{m}.{d}.{}", n % 256),
                };
                det.detect(&v, &hints, &mut scratch_a);
                det.detect_memo(&v, &hints, &mut scratch_b, &mut memo);
                let key = |h: &Hit| (h.rule, h.start, h.end, h.full, h.context);
                let a: Vec<_> = scratch_a.hits.iter().map(key).collect();
                let b: Vec<_> = scratch_b.hits.iter().map(key).collect();
                proptest::prop_assert_eq!(a, b, "value {:?}", v);
            }
        }

        /// The memo (whole and prefix forms) finds the same entities that
        /// `detect` finds, whatever order values of different shapes come in,
        /// and never a hit that `detect` does not give. (It may report fewer
        /// rules of one entity: after "1 rue de la Paix" taught it the French
        /// rule, "Hauptstraße 1" is matched by that rule alone, although the
        /// hinted street rule would match it too.)
        #[test]
        fn memo_agrees_with_detect(
            picks in proptest::collection::vec((0usize..24, 0usize..6, 1u32..9999), 1..60),
            hinted in proptest::bool::ANY,
        ) {
            let rules = Arc::new(RuleSet::builtin().unwrap());
            let det = Detector::new(rules.clone());
            let hints = if hinted {
                ColumnHints::from_column_name(&rules, "street_address")
            } else {
                ColumnHints::none(&rules)
            };
            let names = ["Main", "Oak", "Madison", "Kelly", "Victoria", "Elm"];
            let tails = [", Boston", ", Kelly Springs", ", New York", ", MANCHESTER",
                ", Jane Smith", ", address Lane", ", call +1 415 555 0100", ", Apt 5",
                ", jane@example.com", ",", ", Zürich", " Boston"];
            let mut scratch_a = Scratch::default();
            let mut scratch_b = Scratch::default();
            let mut memo = Memo::default();
            for (kind, w, n) in picks {
                let name = names[w];
                let v = match kind {
                    0..=11 => format!("{n} {name} Street{}", tails[kind]),
                    12 => format!("{n} {name} Ave"),
                    13 => format!("{n} {name} St."),
                    14 => format!("Hauptstraße {}", n % 200),
                    15 => format!("{n} rue de la Paix"),
                    16 => format!("Calle Mayor, {}", n % 300),
                    17 => format!("{name}.{n}@example.com"),
                    18 => "4111 1111 1111 1111".to_string(),
                    19 => format!("{n} {name} Road, {}", names[(w + 1) % 6]),
                    20 => format!("{n} {name} Lane, street of {name}"),
                    21 => format!("{n} {name} Blvd, {name} {name}"),
                    22 => format!("{n}"),
                    _ => format!("{n} {name} Way, {}", tails[n as usize % tails.len()]),
                };
                det.detect(&v, &hints, &mut scratch_a);
                det.detect_memo(&v, &hints, &mut scratch_b, &mut memo);
                let key = |h: &Hit| (h.rule, h.start, h.end, h.full, h.context);
                let a: Vec<_> = scratch_a.hits.iter().map(key).collect();
                let b: Vec<_> = scratch_b.hits.iter().map(key).collect();
                for h in &b {
                    proptest::prop_assert!(a.contains(h), "value {:?}: {:?} not in {:?}", v, h, a);
                }
                let entities = |hits: &[Hit]| {
                    let mut e: Vec<_> = hits.iter().map(|h| rules.rule_entity[h.rule]).collect();
                    e.sort();
                    e.dedup();
                    e
                };
                proptest::prop_assert_eq!(
                    entities(&scratch_a.hits),
                    entities(&scratch_b.hits),
                    "value {:?}",
                    v
                );
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(64))]
        /// Values that are all digits (ids, numbers from integer columns)
        /// take a shortcut: shape and gates worked out per length, and the
        /// whole-value DFAs instead of searches. It must find what the
        /// general path finds, in hinted and unhinted columns, for numbers
        /// that validate (cards, SSNs, routing numbers, phones) and not.
        #[test]
        fn digit_runs_agree_with_the_general_path(
            values in proptest::collection::vec(
                proptest::prop_oneof![
                    "[0-9]{1,24}",
                    "[1-9][0-9]{8}",
                    "[0-9]{40,60}",
                    proptest::sample::select(vec![
                        "4111111111111111", "5500005555555559", "378282246310005",
                        "536227706", "123456789", "078051120", "011000015", "021000021",
                        "4155550100", "14155550100", "447911123456", "9434765919",
                        "046454286", "19800101", "01011980", "2612345", "0",
                    ]).prop_map(|s: &str| s.to_string()),
                ],
                1..40,
            ),
            column in proptest::sample::select(vec![
                "customer_id", "ssn", "phone", "card_number", "routing_number",
                "date_of_birth", "tax_id", "nhs_number", "aadhaar", "sin", "c17",
            ]),
        ) {
            let rules = Arc::new(RuleSet::builtin().unwrap());
            let det = Detector::new(rules.clone());
            let hints = ColumnHints::from_column_name(&rules, column);
            let (mut a, mut b) = (Scratch::default(), Scratch::default());
            for v in &values {
                det.detect_with::<true>(v, &hints, &mut a);
                det.detect_with::<false>(v, &hints, &mut b);
                let key = |h: &Hit| (h.rule, h.start, h.end, h.full, h.context);
                let x: Vec<_> = a.hits.iter().map(key).collect();
                let y: Vec<_> = b.hits.iter().map(key).collect();
                proptest::prop_assert_eq!(x, y, "value {:?} in column {}", v, column);
                // A run the scanner skips is one the general path finds nothing in.
                if det.quiet_digit_run(trim_value(v), &hints) {
                    proptest::prop_assert!(b.hits.is_empty(), "value {:?} in column {}", v, column);
                }
                // An integer is judged from its value as from its digits.
                if let Ok(n) = v.parse::<u64>() {
                    proptest::prop_assert_eq!(
                        det.quiet_number(n, &hints),
                        det.quiet_digit_run(&n.to_string(), &hints),
                        "number {} in column {}", n, column
                    );
                }
            }
        }
    }

    #[test]
    fn digit_runs_find_numbers_stored_as_digits() {
        let rules = Arc::new(RuleSet::builtin().unwrap());
        let det = Detector::new(rules.clone());
        let mut scratch = Scratch::default();
        let found = |col: &str, v: &str, scratch: &mut Scratch| -> Vec<String> {
            det.detect(v, &ColumnHints::from_column_name(&rules, col), scratch);
            scratch
                .hits
                .iter()
                .map(|h| rules.rules[h.rule].entity.clone())
                .collect()
        };
        assert_eq!(
            found("c1", "4111111111111111", &mut scratch),
            ["CREDIT_CARD"]
        );
        assert!(found("c1", "4111111111111112", &mut scratch).is_empty());
        assert!(found("ssn", "536227706", &mut scratch).contains(&"US_SSN".to_string()));
        assert!(found("ssn", "000227706", &mut scratch).is_empty());
        assert!(found("customer_id", "2612345", &mut scratch).is_empty());
    }

    /// The token-run gate lets the shortest tokens its rules accept through,
    /// in running text and with no digits at all, and stops ordinary prose.
    #[test]
    fn token_run_gate_keeps_the_shortest_tokens() {
        let rules = Arc::new(RuleSet::builtin().unwrap());
        let det = Detector::new(rules.clone());
        let hints = ColumnHints::none(&rules);
        let mut scratch = Scratch::default();
        let mut found = |v: &str| {
            det.detect(v, &hints, &mut scratch);
            scratch
                .hits
                .iter()
                .map(|h| rules.rules[h.rule].id.clone())
                .collect::<Vec<_>>()
        };
        for v in [
            "slack token xoxb-1234567890 for the bot",
            "slack token xoxb-abcdefghij, rotate it",
            "key=glpat-abcdefghijKLMNOPQRST",
        ] {
            assert!(found(v).contains(&"vendor_api_key".to_string()), "{v}");
        }
        // A short JWT (header {"alg":1}) that the old alphanumeric-run gate refused.
        let jwt = "auth eyJhbGciOjF9.eyJzdWI.abcdefgh done";
        assert!(found(jwt).contains(&"jwt".to_string()));
        assert!(found("Refund requested, the package arrived damaged.").is_empty());
        assert_eq!(longest_token_run(b"a xoxb-1234567890."), 16);
        assert_eq!(longest_token_run(b""), 0);
        assert_eq!(longest_token_run(b"ab cd"), 2);
    }

    #[test]
    fn whole_word_hints_only() {
        let rules = RuleSet::builtin().unwrap();
        let h = ColumnHints::from_column_name(&rules, "public_record");
        let dl = rules
            .rules
            .iter()
            .position(|r| r.id == "us_driver_license")
            .unwrap();
        assert_eq!(h.get(dl), 0, "'lic' must not fire inside 'public'");
        let h = ColumnHints::from_column_name(&rules, "ship_date");
        let ip = rules.rules.iter().position(|r| r.id == "ipv4").unwrap();
        assert_eq!(h.get(ip), 0, "'ip' must not fire inside 'ship'");
        let h = ColumnHints::from_column_name(&rules, "customer_phone_number");
        let ph = rules
            .rules
            .iter()
            .position(|r| r.id == "phone_formatted")
            .unwrap();
        assert_eq!(h.get(ph), 1);
    }

    #[test]
    fn digit_dot_digit_needs_digits_on_both_sides() {
        let has =
            |v: &str| shape(v, u32::MAX).features & crate::rules::Feature::DigitDotDigit.bit() != 0;
        assert!(has("from 10.0.0.1 at noon"));
        assert!(has("48.8584, 2.2945"));
        assert!(!has("call +1 415-555-2671."));
        assert!(!has("v. 3.x and 4."));
        assert!(!has(".5 and 7."));
    }

    #[test]
    fn number_then_capital_is_where_an_english_address_starts() {
        let has = |v: &str| {
            shape(v, u32::MAX).features & crate::rules::Feature::NumberThenCapital.bit() != 0
        };
        for yes in [
            "12 Main St",
            "ship to 221B Baker Street, London",
            "5, Elm Road",
            "42 W Elm St.",
            "9\t\u{a0}Kings Way",
        ] {
            assert!(has(yes), "{yes:?}");
        }
        for no in [
            "call +1 415-555-2671 today",
            "card 4111 1111 1111 1111",
            "12 main st",
            "12Main St",
            "Order 12 shipped",
            "12AB Main",
        ] {
            assert!(!has(no), "{no:?}");
        }
    }

    #[test]
    fn mac_layouts_pass_the_mac_gate_and_log_lines_do_not() {
        let mac = crate::rules::Feature::MacSeparators.bit();
        for yes in [
            "00:1A:2B:3C:4D:5E",
            "device 001a.2b3c.4d5e",
            "hw=aa-bb-cc-dd-ee-ff;",
        ] {
            assert!(shape(yes, u32::MAX).features & mac != 0, "{yes}");
        }
        for no in [
            r#"190.204.72.143 - - [12/Mar/2026:15:31:34 +0000] "GET /a.b.c HTTP/1.1" 200"#,
            "2026-12-06T08:51:01.123-05:00 a-b-c-d-e-f",
            "fe80::1ff:fe23:4567:890a",
            "1.2.3.4",
        ] {
            assert!(shape(no, u32::MAX).features & mac == 0, "{no}");
        }
    }

    proptest::proptest! {
        /// Finding the separators by `memchr` gives what the byte loop
        /// gives, in prose and in runs of hex and separators.
        #[test]
        fn the_mac_layout_scan_agrees_with_the_byte_loop(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    "[a-z ]{1,40}\\. ",
                    "[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){0,6}",
                    "[0-9a-f]{4}(\\.[0-9a-f]{4}){0,3}",
                    "[:.\\-]{1,3}",
                ],
                0..40,
            ),
        ) {
            let v = parts.concat();
            let b = v.as_bytes();
            proptest::prop_assert_eq!(has_mac_layout_in::<0>(b), has_mac_layout_in::<{ usize::MAX }>(b));
        }
    }

    proptest::proptest! {
        /// The MAC gate leaves out no value the MAC rule's patterns match.
        #[test]
        fn the_mac_gate_is_a_superset_of_the_mac_patterns(
            head in "[0-9a-g:. -]{0,6}",
            groups in proptest::collection::vec(
                proptest::prop_oneof![
                    8 => "[0-9a-fA-F]{2}",
                    2 => "[0-9a-fA-F]{4}",
                    1 => "[0-9a-fA-F]{1,5}",
                ],
                3..8,
            ),
            seps in proptest::collection::vec(
                proptest::prop_oneof![4 => ":", 4 => "-", 2 => "\\.", 1 => " "],
                7,
            ),
            tail in "[0-9a-g:. -]{0,6}",
        ) {
            let mut v = head;
            for (g, s) in groups.iter().zip(&seps) {
                v.push_str(g);
                v.push_str(s);
            }
            v.pop();
            v.push_str(&tail);
            let rules = crate::RuleSet::builtin().unwrap();
            let rule = rules.get("mac").unwrap();
            let matched = rule.patterns.iter().any(|p| {
                regex_automata::meta::Regex::new(p).unwrap().is_match(v.as_str())
            });
            if matched {
                proptest::prop_assert!(has_mac_layout(v.as_bytes()), "{v:?}");
            }
        }
    }

    #[test]
    fn hex_colons_gate_ipv6_and_pass_no_json() {
        for yes in [
            "::1",
            "::ffff",
            "fe80::abcd",
            "2001:db8:85a3::8a2e:370:7334",
            "ip=FE80::1FF:FE23:4567:890A",
            "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            "at 10:00:: done",
            // Seven colons, none doubled.
            "1:2:3:4:5:6:7:8",
        ] {
            assert!(has_hex_colons(yes.as_bytes()), "{yes}");
            let features = shape(yes, u32::MAX).features;
            assert!(
                features & crate::rules::Feature::HexColons.bit() != 0,
                "{yes}"
            );
        }
        for no in [
            r#"{"v":4,"sku":"SKU-437651","ok":true}"#,
            "https://example.com:8443/x",
            "key: value, other: thing",
            "10:00",
            "a:12345:b",
            "12:30:45",
            // Six colons, none doubled; and a colon at the very start.
            "a:b:c:d:e:f:g",
            ":1:2",
            r#"1.2.3.4 - - [12/Mar/2026:00:53:32 +0000] "GET /a:b HTTP/1.1""#,
            "",
        ] {
            assert!(!has_hex_colons(no.as_bytes()), "{no}");
        }
        // The IPv6 rule is not a candidate in a JSON blob, and still finds
        // an address beside one.
        let rules = Arc::new(RuleSet::builtin().unwrap());
        let det = Detector::new(rules.clone());
        let hints = ColumnHints::none(&rules);
        let mut scratch = Scratch::default();
        let ipv6 = rules.rules.iter().position(|r| r.id == "ipv6").unwrap();
        det.detect(
            r#"{"v":4,"sku":"SKU-437651","ok":true}"#,
            &hints,
            &mut scratch,
        );
        assert!(!scratch.candidates().contains(&ipv6));
        det.detect(
            r#"{"v":4,"ip":"fe80::1ff:fe23:4567:890a"}"#,
            &hints,
            &mut scratch,
        );
        assert!(scratch.hits.iter().any(|h| h.rule == ipv6));
    }

    /// Text in capitals holds words shaped like a BIC (four letters, a
    /// country code, two more): beside another word in capitals such a word
    /// is text, in any language; alone, or beside the rule's context words,
    /// lower-case text or digits, it is still a code.
    #[test]
    fn words_in_capitals_beside_capitals_are_not_codes() {
        let rules = Arc::new(RuleSet::builtin().unwrap());
        let det = Detector::new(rules);
        let bic = |v: &str| det.entities_in(v, None).contains(&"SWIFT_BIC".to_string());
        for v in [
            "RUA DAS ESTRADAS 12",
            "AVENIDA PAULISTA, 348",
            "AVENIDAS NOVAS, LISBOA",
            "VIA DELLE ESTRADAS",
            "PAULISTA FC",
            "ON THE ESTRADAS",
            "ZONA AVENIDAS",
        ] {
            assert!(!bic(v), "{v}");
        }
        for v in [
            "DEUTDEFF",
            "BIC DEUTDEFF",
            "SWIFT: COBADEFF",
            "pay to COBADEFF, ref 12",
            "COBADEFF, FRANKFURT",
            "BNPAFRPP 75009",
            "the code is BNPAFRPPXXX now",
            "DEUTDEFF500 BANK",
        ] {
            assert!(bic(v), "{v}");
        }
    }

    /// The digits after a phone number's country code or its area code in
    /// brackets are the rest of the phone number, not a national id, even
    /// where the phone number as a whole is not valid.
    #[test]
    fn the_rest_of_a_phone_number_is_no_id() {
        let rules = Arc::new(RuleSet::builtin().unwrap());
        let det = Detector::new(rules);
        let found = |v: &str, e: &str| det.entities_in(v, None).contains(&e.to_string());
        for (v, e) in [
            ("Call me back on (60) 98575-1004 please.", "US_ITIN"),
            ("Rückruf unter (0151) 219-09-9998", "US_SSN"),
            ("tel (415) 219 09 9998 ext 2", "US_SSN"),
            ("Contacto: +55 (21) 91278-1234", "US_ITIN"),
            ("whatsapp +46 219-09-9998", "US_SSN"),
        ] {
            assert!(!found(v, e), "{e} in {v:?}");
        }
        for (v, e) in [
            ("ITIN (US) 912-78-1234", "US_ITIN"),
            ("ITIN: 912-78-1234", "US_ITIN"),
            ("case (1) 219-09-9998", "US_SSN"),
            ("SSN 219-09-9998 (2) copies", "US_SSN"),
        ] {
            assert!(found(v, e), "{e} missed in {v:?}");
        }
    }

    /// An identifier written in groups uses one separator throughout, or
    /// none: two numbers side by side (an access log's status and size,
    /// "301 84123"; a count and a code) or a group left unseparated
    /// ("130 692544") are no SIN, TFN, SSN, ITIN, NHS, Aadhaar or Steuer-ID,
    /// whatever their checksum says. Each value below holds the digits of a
    /// valid number, found in its own layouts.
    #[test]
    fn numbers_side_by_side_are_no_identifier() {
        let rules = Arc::new(RuleSet::builtin().unwrap());
        let det = Detector::new(rules);
        let found = |v: &str, e: &str| det.entities_in(v, None).contains(&e.to_string());
        let cases: [(&str, &[&str], &[&str]); 7] = [
            (
                "AU_TFN",
                &["123 456 782", "123456782", "TFN 123 456 782 on file"],
                &[
                    "123 456782",
                    "123456 782",
                    "\"GET /a HTTP/1.1\" 123 456782 \"-\"",
                ],
            ),
            (
                "CA_SIN",
                &["130 692 544", "130-692-544", "130692544"],
                &["130 692544", "130692 544", "130-692 544", "130 692-544"],
            ),
            (
                "US_SSN",
                &["536-22-8726", "536 22 8726"],
                &["536-22 8726", "536 22-8726"],
            ),
            (
                "US_ITIN",
                &["912-70-1234", "912 70 1234", "912701234"],
                &["912-70 1234", "91270-1234", "912 701234"],
            ),
            (
                "UK_NHS",
                &["943 476 5919", "943-476-5919", "9434765919"],
                &["943 4765919", "943476 5919", "943-476 5919"],
            ),
            (
                "IN_AADHAAR",
                &["2341 2341 2346", "2341-2341-2346", "234123412346"],
                &["2341 23412346", "23412341 2346", "2341-2341 2346"],
            ),
            (
                "DE_TAX_ID",
                &["86 095 742 719", "86095742719"],
                &["86095 742 719", "86 095742719", "86 095 742719"],
            ),
        ];
        for (entity, laid_out, side_by_side) in cases {
            for v in laid_out {
                assert!(found(v, entity), "{entity} missed in {v:?}");
            }
            for v in side_by_side {
                assert!(!found(v, entity), "{entity} in {v:?}");
            }
        }
    }

    /// A number that is the value of a key is what its key says: ids,
    /// order, ticket and tracking numbers in log lines, JSON and notes are
    /// no phones or SSNs, however they are written; under a key for the
    /// entity, or no key, they are.
    #[test]
    fn a_key_says_what_its_value_is() {
        let rules = Arc::new(RuleSet::builtin().unwrap());
        let det = Detector::new(rules);
        let found = |v: &str, e: &str| det.entities_in(v, None).contains(&e.to_string());
        for (v, e) in [
            (
                "level=info msg=\"call back\" request_id=554971726795 took=3ms",
                "PHONE",
            ),
            ("msg=\"mobile login\" session_id=4155552671", "PHONE"),
            ("{\"order_no\": \"415-555-2671\", \"qty\": 2}", "PHONE"),
            ("Ticket: (415) 555-2671, call the desk", "PHONE"),
            ("tracking_number=212 736 5000 shipped", "PHONE"),
            ("{\"invoice\": \"219 09 9998\"}", "US_SSN"),
            ("account_ref: 219-09-9998 (closed)", "US_SSN"),
            ("level=info request_id=503801813067 took=3ms", "CREDIT_CARD"),
            // Ids of requests, sessions, traces and jobs are no national
            // identifiers, whatever their checksum says.
            ("level=warn request_id=762491441231 took=2ms", "IN_AADHAAR"),
            ("trace_id=130692544 span_id=77", "CA_SIN"),
            ("session_id: 943 476 5919", "UK_NHS"),
            ("{\"transaction_id\": \"123456782\"}", "AU_TFN"),
            ("job_id=86095742719 queued", "DE_TAX_ID"),
        ] {
            assert!(!found(v, e), "{e} in {v:?}");
        }
        for (v, e) in [
            ("level=info msg=\"sms sent\" phone=+44 7700 900123", "PHONE"),
            ("{\"mobile\": \"(415) 555-2671\", \"qty\": 2}", "PHONE"),
            ("call me on (415) 555-2671 after five", "PHONE"),
            ("Tel.: 212-736-5000", "PHONE"),
            ("customer_phone=415-555-2671 order=99812", "PHONE"),
            ("{\"ssn\": \"219-09-9998\"}", "US_SSN"),
            ("holder ssn: 219-09-9998", "US_SSN"),
            ("paid with 503801813067 at the desk", "CREDIT_CARD"),
            ("aadhaar 762491441231", "IN_AADHAAR"),
            ("{\"sin\": \"130692544\"}", "CA_SIN"),
            // A key that names the entity and argues against it says nothing.
            ("card_id: 4111 1111 1111 1111", "CREDIT_CARD"),
            ("order_phone: 415-555-2671", "PHONE"),
        ] {
            assert!(found(v, e), "{e} missed in {v:?}");
        }
    }

    /// The value of a key for a person's name (JSON, quoted and unquoted
    /// `key=value`) is judged as a value of a column of that name, in
    /// any language the lists hold; under keys for things, or for no
    /// name, it is not, and words that name no one stay no name.
    #[test]
    fn a_key_for_a_name_makes_its_value_a_name() {
        let rules = Arc::new(RuleSet::builtin().unwrap());
        let det = Detector::new(rules);
        let found = |v: &str| {
            det.entities_in(v, None)
                .contains(&"PERSON_NAME".to_string())
        };
        for v in [
            "{\"customer_name\": \"Zhang Wei\", \"plan\": \"pro\"}",
            "{\"first_name\": \"Ayşe\", \"last_name\": \"Demir\"}",
            "level=info msg=\"login ok\" user_name=Dmitri Volkov ip=10.1.2.3",
            "full_name='Oluwaseun Bakare' plan=pro",
            "{\"contact\": {\"display_name\": \"Bella\"}}",
        ] {
            assert!(found(v), "no name in {v:?}");
        }
        for v in [
            "{\"product_name\": \"Zhang Wei Tea\"}",
            "{\"hostname\": \"Maria\"}",
            "{\"company_name\": \"Kwame Mensah Ltd\"}",
            "{\"name\": \"Premium Plan\", \"price\": 10}",
            "{\"name\": \"Paris\"}",
            "{\"username\": \"jsmith\"}",
            "{\"plan\": \"Zhang Wei\"}",
        ] {
            assert!(!found(v), "a name in {v:?}");
        }
    }

    /// A match that starts or ends beside a letter outside ASCII of an
    /// alphabet written with spaces (Latin, Greek, Cyrillic) is part of a
    /// longer word; beside CJK text, which has no spaces, it is not.
    #[test]
    fn matches_inside_words_with_letters_outside_ascii_are_not_hits() {
        let rules = Arc::new(RuleSet::builtin().unwrap());
        let det = Detector::new(rules);
        let found = |v: &str, e: &str| det.entities_in(v, None).contains(&e.to_string());
        for v in [
            "MÜLLERSTRASSE",
            "BÄCKERSTRASSE 5",
            "Lieferung an ZÜRICHBERG",
            "ΑΘΗΝΑDEUTDEFF",
            "ЩDEUTDEFF",
        ] {
            assert!(!found(v, "SWIFT_BIC"), "{v}");
        }
        assert!(!found("Rückruf unter 030 1234567ß", "PHONE"));
        for (v, e) in [
            ("Ζήτα DEUTDEFF", "SWIFT_BIC"),
            ("Wir überweisen an DEUTDEFF500", "SWIFT_BIC"),
            ("Rückruf unter 030 1234567 möglich", "PHONE"),
            ("电话+86 138 1234 5678", "PHONE"),
            ("Überseeallee 12", "STREET_ADDRESS"),
        ] {
            assert!(found(v, e), "{v}");
        }
    }

    #[test]
    fn boundaries_reject_glued_tokens() {
        let v = ["version".to_string(), "firmware".to_string()];
        assert!(preceded_by("version 8.10.23.58", 8, &v));
        assert!(preceded_by("Firmware: 4.1.18.109", 10, &v));
        assert!(preceded_by("VERSION=8.10.23.58", 8, &v));
        assert!(preceded_by("see firmware. 4.1.18.109", 14, &v));
        assert!(!preceded_by("from 8.10.23.58", 5, &v));
        assert!(!preceded_by("8.10.23.58", 0, &v));
        assert!(!preceded_by("subversion 8.10.23.58", 11, &v));
        assert!(!preceded_by("version 2 at 8.10.23.58", 13, &v));
        // Across one linking word, not two, and not across another word.
        let at = |t: &str| t.find(|c: char| c.is_ascii_digit()).unwrap();
        for yes in [
            "upgraded firmware to 4.1.18.109",
            "the version is 8.10.23.58",
            "Version: now 8.10.23.58",
            "firmware as 4.1.18.109",
        ] {
            assert!(preceded_by(yes, at(yes), &v), "{yes:?}");
        }
        for no in [
            "version of the host is 8.10.23.58",
            "firmware to to 4.1.18.109",
            "login from 8.10.23.58",
            "the firmware server 4.1.18.109",
            "connection from host to 10.1.2.3",
        ] {
            assert!(!preceded_by(no, at(no), &v), "{no:?}");
        }
        assert!(!token_boundary("INV-536228726", 4, 13));
        assert!(token_boundary("ssn: 536228726", 5, 14));
        assert!(token_boundary("call 555-1234.", 5, 13));
        assert!(!token_boundary("(X11; rv:1.9.6.20) Gecko", 9, 17));
        assert!(token_boundary("ip:10.9.6.20", 3, 12));
        // After the `+` of a country code: part of a phone number.
        assert!(!token_boundary("Contact: +351 99 8519 8498", 10, 21));
        assert!(!token_boundary("+351 99 8519 8498", 1, 12));
        assert!(token_boundary("Contact: +351 99 8519 8498", 9, 26));
    }

    proptest::proptest! {
        /// Capitals in a row found from the masks, across the 64-byte
        /// blocks' edges, are those a byte walk finds.
        #[test]
        fn upper_runs_agree_with_the_byte_walk(
            v in "([A-Z]{0,9}[a-z0-9 ]{0,3}){0,30}",
            k in 5u32..9,
        ) {
            let mut run = 0u32;
            let mut longest = 0u32;
            for c in v.bytes() {
                run = if c.is_ascii_uppercase() { run + 1 } else { 0 };
                longest = longest.max(run);
            }
            proptest::prop_assert_eq!(has_upper_run(v.as_bytes(), k), longest >= k, "{:?}", v);
        }
    }

    proptest::proptest! {
        /// Walks left out by the digit-run filters change no match: every
        /// built-in pattern with a whole-value DFA finds the same spans with
        /// and without them, in values of digit runs and separators.
        #[test]
        fn run_filters_leave_out_no_match(
            v in proptest::prop_oneof![
                "([0-9]{1,17}[ .:/,()+_a-zA-Z-]{0,2}){1,6}",
                "([0-9]{1,12}([ .:/,()+_a-zA-Z\n\u{e9}\u{4e00}-]{0,4}|[a-z ]{5,20})){1,8}",
                "([a-z]{0,3} ?\\(?\\+?[0-9]{1,4}\\)?[ .-]?){1,5}",
            ],
        ) {
            static RULES: std::sync::LazyLock<RuleSet> =
                std::sync::LazyLock::new(|| RuleSet::builtin().unwrap());
            static ADMIT: std::sync::LazyLock<RunAdmit> =
                std::sync::LazyLock::new(|| RunAdmit::new(&RULES));
            let mut runs = Vec::new();
            let any = fill_digit_starts(v.as_bytes(), &ADMIT, &mut runs);
            let mut runs_of = Vec::new();
            runs_by_pattern(&runs, &mut runs_of);
            let (mut with, mut by_pattern, mut without) = (Vec::new(), Vec::new(), Vec::new());
            for (i, (r, m)) in RULES.rules.iter().zip(&RULES.compiled).enumerate() {
                for j in 0..m.patterns.len() {
                    let (Some(lead), Some(whole)) = (m.digit_lead[j], m.whole_dfa(j)) else {
                        continue;
                    };
                    let bit = ADMIT.bits[i][j];
                    proptest::prop_assert!(bit != 0, "{} pattern {} has no bit", r.id, j);
                    let a = walk_at_digit_runs::<true>(whole, &v, lead, &runs, bit, &mut with);
                    let c = walk_at_digit_runs::<true>(whole, &v, lead, &runs, 0, &mut by_pattern);
                    let b = walk_at_digit_runs::<false>(whole, &v, lead, &runs, 0, &mut without);
                    proptest::prop_assert_eq!((a, c), (b, b));
                    proptest::prop_assert_eq!(&with, &without, "{} pattern {} on {:?}", r.id, j, v);
                    proptest::prop_assert_eq!(&by_pattern, &without);
                    // A pattern that no run admits walks nowhere from a
                    // first digit (what `detect` skips), and one that starts
                    // there needs the admitting runs only.
                    if lead == 0 && any & bit == 0 {
                        proptest::prop_assert!(without.is_empty(), "{} on {:?}", r.id, v);
                    }
                    if lead == 0 && runs.len() <= 64 {
                        let set = runs_of[bit.trailing_zeros() as usize];
                        let d = walk_at_admitted_runs(whole, &v, &runs, set, &mut with);
                        proptest::prop_assert_eq!(d, b);
                        proptest::prop_assert_eq!(&with, &without, "{} admitted on {:?}", r.id, v);
                    }
                }
            }
        }
    }

    /// The same on every built-in rule's examples, written around text.
    #[test]
    fn run_filters_leave_out_no_match_in_the_rule_examples() {
        let rules = RuleSet::builtin().unwrap();
        let mut values = Vec::new();
        for r in &rules.rules {
            for e in r.examples.positive.iter().chain(&r.examples.negative) {
                values.push(e.clone());
                values.push(format!("see {e}, then (x) {e} end"));
            }
        }
        let admit = RunAdmit::new(&rules);
        let (mut runs, mut with, mut without) = (Vec::new(), Vec::new(), Vec::new());
        let mut runs_of = Vec::new();
        let mut walked = 0;
        for v in &values {
            let any = fill_digit_starts(v.as_bytes(), &admit, &mut runs);
            runs_by_pattern(&runs, &mut runs_of);
            for (i, (r, m)) in rules.rules.iter().zip(&rules.compiled).enumerate() {
                for j in 0..m.patterns.len() {
                    let (Some(lead), Some(whole)) = (m.digit_lead[j], m.whole_dfa(j)) else {
                        continue;
                    };
                    let bit = admit.bits[i][j];
                    let a = walk_at_digit_runs::<true>(whole, v, lead, &runs, bit, &mut with);
                    let b = walk_at_digit_runs::<false>(whole, v, lead, &runs, 0, &mut without);
                    assert_eq!(a, b);
                    assert_eq!(with, without, "{} pattern {} on {:?}", r.id, j, v);
                    if lead == 0 && any & bit == 0 {
                        assert!(without.is_empty(), "{} on {:?}", r.id, v);
                    }
                    walked += with.len();
                    if lead == 0 {
                        let set = runs_of[bit.trailing_zeros() as usize];
                        assert!(walk_at_admitted_runs(whole, v, &runs, set, &mut with));
                        assert_eq!(with, without, "{} admitted on {:?}", r.id, v);
                    }
                }
            }
        }
        assert!(walked > 100, "{walked} matches");
    }
}
