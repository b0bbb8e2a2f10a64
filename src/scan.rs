//! Scanning Arrow data: walk every column of a `RecordBatch` (nested fields as
//! dotted paths), run the detectors, and aggregate a mergeable `ColumnProfile`.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{DataType, Field, TimeUnit};
use arrow::record_batch::RecordBatch;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::detect::{ColumnHints, Detector, Scratch};
use crate::mask::mask;
use crate::RuleSet;

/// How a scan reads and samples.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// `None`: every row. `Some(n)`: about `n` rows, sampled deterministically
    /// in blocks spread over the whole input.
    pub sample: Option<usize>,
    /// Seed of the sample's choice of blocks (same seed, same rows).
    pub seed: u64,
    /// Rows per decoded batch.
    pub batch_size: usize,
    /// Only the first this-many bytes of a value are inspected.
    pub max_value_bytes: usize,
    /// Read and decode, but run no detector (the speed baseline).
    pub decode_only: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            sample: None,
            seed: 0x5eed,
            batch_size: 65_536,
            max_value_bytes: 64 * 1024,
            decode_only: false,
        }
    }
}

/// Values of a part of a column whose words `RuleStats::thing_words` counts.
const SKETCH_ROWS: u64 = 512;
/// Buckets of `RuleStats::thing_words` (at most 64: a value marks each once).
const THING_BUCKETS: usize = 64;
/// Distinct one-word values `RuleStats::word_keys` keeps (the smallest
/// hashes): enough to tell a handful of categories from a column of names.
pub(crate) const WORD_KEYS: usize = 8;

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Per-rule counts in one column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleStats {
    /// Values with at least one validated hit.
    pub rows: u64,
    /// Values that are entirely one match.
    pub full_rows: u64,
    /// Values whose hit shares its span with no other entity's hit.
    pub unambiguous_rows: u64,
    /// Values with a context word of the rule next to the hit.
    pub context_rows: u64,
    /// Values that are wholly a city's name, for rules with `places_against`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub place_rows: u64,
    /// Of those, the values whose every word is a name word (given name or
    /// surname: "Jackson", "Irving"): in a column named for people by their
    /// role, these are taken for names.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub place_name_rows: u64,
    /// For rules with `places_against`, of the first values it matched
    /// whole (`SKETCH_ROWS` per part of a column): per bucket of a hash of
    /// the word, the values holding a capitalised word that is no name word
    /// ("Pizza" in "Margherita Pizza Small"). Names of things share such a
    /// word; people's names do not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thing_words: Vec<u64>,
    /// The values `thing_words` looked at.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sketched_rows: u64,
    /// For rules with `places_against`: the values it matched whole that
    /// are one word ("Gable", "Kowalczyk")…
    #[serde(default, skip_serializing_if = "is_zero")]
    pub word_rows: u64,
    /// …and the smallest hashes of their distinct values (at most
    /// `WORD_KEYS`; the same whatever the order of reading): a column of
    /// categories that are also surnames (roof styles: "Gable",
    /// "Mansard") repeats a few; one of surnames does not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub word_keys: Vec<u64>,
    /// Of `word_rows`, those that are common English words and no given
    /// name ("Low", "White": `Names::common_word`), counted while every one
    /// so far was: a column of such words is a category's levels, not
    /// surnames ("Johnson" is no English word).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub common_word_rows: u64,
    /// Masked examples (never raw), at most three: those of the values with
    /// the smallest hashes, so every reading order and engine picks the same.
    pub examples: Vec<String>,
    /// The hashes that chose `examples`, in the same order.
    #[serde(default)]
    pub example_keys: Vec<u64>,
}

impl RuleStats {
    /// Count one value (`weight` times) with this rule's hit `raw`, whose
    /// (full, context, unambiguous) flags are given. Examples: the values
    /// with the three smallest hashes, whatever the order of reading; only
    /// those are masked (masking every hit would cost more than detecting it).
    // Inlined: it runs for nearly every value, and a call costs more than
    // its body on the one-hit path.
    #[inline(always)]
    fn count(
        &mut self,
        weight: u64,
        (full, context, unambiguous): (bool, bool, bool),
        places_against: bool,
        rule: &crate::rules::Rule,
        raw: &str,
        names: &crate::detect::names::Names,
    ) {
        let key = example_key(raw);
        if places_against && full {
            if crate::detect::names::is_place_name(raw) {
                self.place_rows += weight;
                if names.name_words_only(raw) {
                    self.place_name_rows += weight;
                }
            }
            if !raw.trim().contains(char::is_whitespace) {
                // Looked up only while every one-word value was common:
                // after the first that is not, the count cannot reach
                // `word_rows` again.
                if self.common_word_rows == self.word_rows && names.common_word(raw) {
                    self.common_word_rows += weight;
                }
                self.word_rows += weight;
                add_word_key(&mut self.word_keys, key);
            }
            if self.sketched_rows < SKETCH_ROWS {
                if self.thing_words.is_empty() {
                    self.thing_words = vec![0; THING_BUCKETS];
                }
                let mut seen = 0u64;
                names.thing_words(raw, |h| {
                    let b = (h % THING_BUCKETS as u64) as usize;
                    if seen & (1 << b) == 0 {
                        seen |= 1 << b;
                        self.thing_words[b] += weight;
                    }
                });
                self.sketched_rows += weight;
            }
        }
        self.rows += weight;
        self.full_rows += weight * full as u64;
        self.context_rows += weight * context as u64;
        self.unambiguous_rows += weight * unambiguous as u64;
        // The rule's entity is read only for a kept example: the `Rule` is
        // large and cold, and most values keep none.
        add_example(&mut self.example_keys, &mut self.examples, key, || {
            mask(rule.mask, raw)
        });
    }

    fn merge(&mut self, o: &RuleStats) {
        self.rows += o.rows;
        self.full_rows += o.full_rows;
        self.unambiguous_rows += o.unambiguous_rows;
        self.context_rows += o.context_rows;
        self.place_rows += o.place_rows;
        self.place_name_rows += o.place_name_rows;
        if !o.thing_words.is_empty() {
            self.thing_words.resize(THING_BUCKETS, 0);
            for (a, b) in self.thing_words.iter_mut().zip(&o.thing_words) {
                *a += b;
            }
        }
        self.sketched_rows += o.sketched_rows;
        self.word_rows += o.word_rows;
        self.common_word_rows += o.common_word_rows;
        for &k in &o.word_keys {
            add_word_key(&mut self.word_keys, k);
        }
        for (k, e) in o.example_keys.iter().zip(&o.examples) {
            add_example(&mut self.example_keys, &mut self.examples, *k, || e.clone());
        }
    }
}

/// Everything the classifier needs to know about a column. Mergeable across
/// batches, row groups and files.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ColumnProfile {
    /// The column's name (a dotted path for nested fields).
    pub name: String,
    /// Its Arrow data type.
    pub data_type: String,
    /// Non-null values inspected.
    pub values: u64,
    /// Null values seen.
    pub nulls: u64,
    /// Values not inspected (invalid UTF-8 in a Binary column).
    pub skipped: u64,
    /// Empty strings and placeholders ("n/a", "null", "-", …): neither counted as
    /// values nor as matches, so they do not dilute a column's match ratio.
    #[serde(default)]
    pub blanks: u64,
    /// Values cut to `max_value_bytes` before inspection.
    pub truncated: u64,
    /// Values that look like prose (four or more words, or 40+ characters with spaces).
    pub free_text: u64,
    /// Values with any validated hit.
    pub hit_rows: u64,
    /// Values without any hit that are wholly a town's name, in a column
    /// whose name supports a rule with `places_against` (a `scientist`
    /// column of Newtons and Curies names people; a `name` column of
    /// Springfields and Jacksons, towns).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub place_values: u64,
    /// In such a column, the values of one word without any hit…
    #[serde(default, skip_serializing_if = "is_zero")]
    pub word_values: u64,
    /// …and of those, the common English words that no list holds as a
    /// given name (`Names::common_word`): pets are called "Bandit",
    /// "Boots" and "Shadow" beside "Bella"; people seldom are.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub common_word_values: u64,
    /// Per rule id.
    pub rules: BTreeMap<String, RuleStats>,
    /// Per entity label: values with a hit of any of its rules (the union).
    #[serde(default)]
    pub entities: BTreeMap<String, EntityCount>,
}

/// Per-entity union counts of one column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct EntityCount {
    /// Rows where the entity was found.
    pub rows: u64,
    /// Rows where it was the only reading of the span.
    pub unambiguous_rows: u64,
}

impl ColumnProfile {
    /// An empty profile of a column.
    pub fn new(name: impl Into<String>, data_type: impl Into<String>) -> Self {
        ColumnProfile {
            name: name.into(),
            data_type: data_type.into(),
            ..Default::default()
        }
    }

    /// Adds another part's counts (profiles merge in any order).
    pub fn merge(&mut self, o: &ColumnProfile) {
        self.values += o.values;
        self.nulls += o.nulls;
        self.skipped += o.skipped;
        self.blanks += o.blanks;
        self.truncated += o.truncated;
        self.free_text += o.free_text;
        self.hit_rows += o.hit_rows;
        self.place_values += o.place_values;
        self.word_values += o.word_values;
        self.common_word_values += o.common_word_values;
        for (k, v) in &o.rules {
            self.rules.entry(k.clone()).or_default().merge(v);
        }
        for (k, v) in &o.entities {
            let e = self.entities.entry(k.clone()).or_default();
            e.rows += v.rows;
            e.unambiguous_rows += v.unambiguous_rows;
        }
    }

    /// Rows the profile covers: values, nulls, skipped and blanks.
    pub fn rows_scanned(&self) -> u64 {
        self.values + self.nulls + self.skipped + self.blanks
    }
}

/// Profiles of one table (file), in schema order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TableProfile {
    /// The table's name.
    pub name: String,
    /// The input it was read from.
    pub source: String,
    /// Rows in the input.
    pub rows: u64,
    /// Rows actually inspected.
    pub rows_scanned: u64,
    /// One profile per leaf column.
    pub columns: Vec<ColumnProfile>,
}

/// The name and version of the profile encoding ([`TableProfile::to_bytes`]).
pub const PROFILE_FORMAT: &str = "piigate-profile";
pub const PROFILE_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct EncodedProfile {
    format: String,
    version: u32,
    /// The digest of the rules the profile was made with: profiles of
    /// different rules do not merge.
    rules: String,
    table: TableProfile,
}

impl TableProfile {
    /// A stable, versioned encoding (JSON: format, version, the rules'
    /// digest, the profile), for shipping profiles between processes (a
    /// cluster's executors and its driver). Counts and masked examples
    /// only, never a raw value.
    pub fn to_bytes(&self, rules: &RuleSet) -> Vec<u8> {
        serde_json::to_vec(&EncodedProfile {
            format: PROFILE_FORMAT.into(),
            version: PROFILE_VERSION,
            rules: rules.digest().to_string(),
            table: self.clone(),
        })
        .unwrap_or_default()
    }

    /// Reads [`to_bytes`](Self::to_bytes)' encoding; refuses another
    /// format, a newer version, or a profile made with other rules.
    pub fn from_bytes(bytes: &[u8], rules: &RuleSet) -> crate::Result<TableProfile> {
        let bad = |m: String| crate::Error::input("profile", m);
        let e: EncodedProfile = serde_json::from_slice(bytes)
            .map_err(|e| bad(format!("not a piigate profile: {e}")))?;
        if e.format != PROFILE_FORMAT {
            return Err(bad(format!(
                "not a piigate profile (format {:?})",
                e.format
            )));
        }
        if e.version != PROFILE_VERSION {
            return Err(bad(format!(
                "profile version {} (this piigate reads version {PROFILE_VERSION})",
                e.version
            )));
        }
        if e.rules != rules.digest() {
            return Err(bad(format!(
                "made with other rules ({}; these are {})",
                e.rules,
                rules.digest()
            )));
        }
        Ok(e.table)
    }

    /// Merge another profile of the same table shape (by column name).
    pub fn merge(&mut self, o: &TableProfile) {
        self.rows += o.rows;
        self.rows_scanned += o.rows_scanned;
        for c in &o.columns {
            match self.columns.iter_mut().find(|x| x.name == c.name) {
                Some(x) => x.merge(c),
                None => self.columns.push(c.clone()),
            }
        }
    }
}

/// Per-task counters indexed by rule and entity (no string keys on the hot path),
/// folded into a `ColumnProfile` when the task ends.
#[derive(Debug, Default)]
struct Acc {
    rules: Vec<RuleStats>,
    entities: Vec<EntityCount>,
    /// The rule that last matched a whole value of this column (see `Detector::detect_in_column`).
    memo: crate::detect::Memo,
}

impl Acc {
    fn new(rules: &RuleSet) -> Self {
        Acc {
            rules: vec![RuleStats::default(); rules.len()],
            entities: vec![EntityCount::default(); rules.entities.len()],
            memo: Default::default(),
        }
    }

    fn flush(self, rules: &RuleSet, p: &mut ColumnProfile) {
        for (i, st) in self.rules.into_iter().enumerate() {
            if st.rows > 0 {
                p.rules
                    .entry(rules.rules[i].id.clone())
                    .or_default()
                    .merge(&st);
            }
        }
        for (i, e) in self.entities.into_iter().enumerate() {
            if e.rows > 0 {
                let x = p.entities.entry(rules.entities[i].clone()).or_default();
                x.rows += e.rows;
                x.unambiguous_rows += e.unambiguous_rows;
            }
        }
    }
}

/// The distinct values of a task's column gathered with their rows, so that
/// a column of few distinct values (codes, categories, the names of a few
/// places) has each looked at once, weighted by its rows, as a dictionary
/// column has. Past `DISTINCT_MAX` distinct values the column is not of that
/// kind: the gathered values are given back in the order they came, and
/// every later value is the caller's to look at.
struct Gather<'a> {
    seen: Vec<(&'a str, u64)>,
    index: rustc_hash::FxHashMap<&'a str, usize>,
    on: bool,
}

impl<'a> Gather<'a> {
    fn new(on: bool) -> Self {
        Gather {
            seen: Vec::new(),
            index: Default::default(),
            on,
        }
    }

    /// Takes `n` rows of `v`; `false` if the caller looks at them now
    /// (after `give` has had the gathered values, the first time).
    #[inline]
    fn take(&mut self, v: &'a str, n: u64, give: &mut impl FnMut(&'a str, u64)) -> bool {
        if !self.on {
            return false;
        }
        if let Some(&k) = self.index.get(v) {
            self.seen[k].1 += n;
            return true;
        }
        if self.seen.len() < DISTINCT_MAX {
            self.index.insert(v, self.seen.len());
            self.seen.push((v, n));
            return true;
        }
        self.on = false;
        for (v, n) in self.seen.drain(..) {
            give(v, n);
        }
        false
    }

    /// Gives the values still gathered, in the order they came.
    fn finish(self, give: &mut impl FnMut(&'a str, u64)) {
        for (v, n) in self.seen {
            give(v, n);
        }
    }
}

/// A leaf column of a batch: dotted path and values.
struct Leaf {
    path: String,
    array: ArrayRef,
}

fn flatten(prefix: &str, field: &Field, array: &ArrayRef, out: &mut Vec<Leaf>) {
    let path = if prefix.is_empty() {
        field.name().to_string()
    } else {
        format!("{prefix}.{}", field.name())
    };
    match array.data_type() {
        DataType::Struct(fields) => {
            let s = array.as_struct();
            for (i, f) in fields.iter().enumerate() {
                flatten(&path, f, s.column(i), out);
            }
        }
        DataType::List(f)
        | DataType::LargeList(f)
        | DataType::FixedSizeList(f, _)
        | DataType::ListView(f)
        | DataType::LargeListView(f) => {
            let values = match array.data_type() {
                DataType::List(_) => array.as_list::<i32>().values().clone(),
                DataType::LargeList(_) => array.as_list::<i64>().values().clone(),
                DataType::FixedSizeList(_, _) => array.as_fixed_size_list().values().clone(),
                _ => return,
            };
            // List elements are reported under the list's own path.
            let child = Field::new(field.name(), f.data_type().clone(), true);
            flatten(prefix, &child, &values, out);
        }
        DataType::Map(_, _) => {
            let m = array.as_map();
            flatten(
                &path,
                &Field::new("key", m.keys().data_type().clone(), true),
                m.keys(),
                out,
            );
            flatten(
                &path,
                &Field::new("value", m.values().data_type().clone(), true),
                m.values(),
                out,
            );
        }
        _ => out.push(Leaf {
            path,
            array: array.clone(),
        }),
    }
}

/// The flattened leaf paths and types of a schema, in order.
pub fn leaf_columns(batch: &RecordBatch) -> Vec<(String, String)> {
    let mut leaves = Vec::new();
    for (f, a) in batch.schema().fields().iter().zip(batch.columns()) {
        flatten("", f, a, &mut leaves);
    }
    leaves
        .into_iter()
        .map(|l| (l.path, type_name(l.array.data_type())))
        .collect()
}

pub fn type_name(t: &DataType) -> String {
    match t {
        DataType::Dictionary(k, v) => format!("Dictionary({k}, {v})"),
        other => format!("{other}"),
    }
}

/// Scans batches: detectors plus per-column aggregation, in parallel.
#[derive(Clone)]
pub struct Scanner {
    detector: Detector,
    opts: ScanOptions,
    /// Idle per-worker scratch space (regex caches, whose lazy DFAs fill up
    /// as values are scanned): kept across batches so that no task starts
    /// with cold caches.
    idle: Arc<std::sync::Mutex<Vec<Scratch>>>,
}

/// The rule count and options; not the compiled automata (pages of them),
/// nor the idle scratch space, which held values.
impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("rules", &self.detector.rules.len())
            .field("opts", &self.opts)
            .finish_non_exhaustive()
    }
}

/// A scratch taken from the scanner's idle list, given back when dropped.
struct PooledScratch<'a> {
    idle: &'a std::sync::Mutex<Vec<Scratch>>,
    scratch: Scratch,
}

impl<'a> PooledScratch<'a> {
    fn take(idle: &'a std::sync::Mutex<Vec<Scratch>>) -> Self {
        let scratch = idle
            .lock()
            .ok()
            .and_then(|mut v| v.pop())
            .unwrap_or_default();
        PooledScratch { idle, scratch }
    }
}

impl Drop for PooledScratch<'_> {
    fn drop(&mut self) {
        if let Ok(mut v) = self.idle.lock() {
            v.push(std::mem::take(&mut self.scratch));
        }
    }
}

/// Rows per parallel task inside one column.
const CHUNK: usize = 16 * 1024;

/// The most distinct values of a task's string or binary column gathered
/// to be looked at once each (see `Gather`).
const DISTINCT_MAX: usize = 256;

impl Scanner {
    /// A scanner with `rules` and default options.
    pub fn new(rules: Arc<RuleSet>) -> Self {
        Scanner {
            detector: Detector::new(rules),
            opts: ScanOptions::default(),
            idle: Default::default(),
        }
    }

    /// The same scanner with other options.
    pub fn with_options(mut self, opts: ScanOptions) -> Self {
        self.opts = opts;
        self
    }

    /// How it reads and samples.
    pub fn options(&self) -> &ScanOptions {
        &self.opts
    }

    /// Read one resolved input (`crate::source`) and profile every batch:
    /// the columns in the input's schema order, also when it has no rows.
    pub fn scan_input(
        &self,
        f: &crate::source::InputFile,
        rt: &tokio::runtime::Runtime,
    ) -> crate::Result<TableProfile> {
        let opts = crate::source::ReadOptions {
            sample: self.opts.sample,
            seed: self.opts.seed,
            batch_size: self.opts.batch_size,
        };
        let read = crate::source::read_input(f, &opts, self, rt)?;
        let empty = RecordBatch::new_empty(read.schema);
        let mut columns: Vec<ColumnProfile> = leaf_columns(&empty)
            .into_iter()
            .map(|(n, ty)| ColumnProfile::new(n, ty))
            .collect();
        merge_columns(&mut columns, read.acc);
        Ok(TableProfile {
            name: f.table.clone(),
            source: f.source.clone(),
            rows: read.rows,
            rows_scanned: read.rows_read,
            columns,
        })
    }

    /// The rules it runs.
    pub fn rules(&self) -> &Arc<RuleSet> {
        &self.detector.rules
    }

    /// Its detector (the same rules, one value at a time).
    pub fn detector(&self) -> &Detector {
        &self.detector
    }

    /// Profile every leaf column of `batch`. Columns and row chunks run in parallel.
    pub fn scan_batch(&self, batch: &RecordBatch) -> Vec<ColumnProfile> {
        let mut leaves = Vec::new();
        for (f, a) in batch.schema().fields().iter().zip(batch.columns()) {
            flatten("", f, a, &mut leaves);
        }
        let paths: Vec<&str> = leaves.iter().map(|l| l.path.as_str()).collect();
        let hints = ColumnHints::for_table(&self.detector.rules, &paths);
        let mut tasks = Vec::new();
        for (i, l) in leaves.iter().enumerate() {
            let len = l.array.len();
            // Dictionaries are scanned once over their values; do not split them.
            if matches!(l.array.data_type(), DataType::Dictionary(_, _)) || len <= CHUNK {
                tasks.push((i, 0, len));
            } else {
                let mut off = 0;
                while off < len {
                    tasks.push((i, off, CHUNK.min(len - off)));
                    off += CHUNK;
                }
            }
        }
        let partials: Vec<(usize, ColumnProfile)> = tasks
            .into_par_iter()
            .map_init(
                || PooledScratch::take(&self.idle),
                |pooled, (i, off, len)| {
                    let scratch = &mut pooled.scratch;
                    let l = &leaves[i];
                    let arr = if off == 0 && len == l.array.len() {
                        l.array.clone()
                    } else {
                        l.array.slice(off, len)
                    };
                    let mut p = ColumnProfile::new(&l.path, type_name(l.array.data_type()));
                    let mut acc = Acc::new(&self.detector.rules);
                    self.scan_array(&arr, &l.path, &hints[i], &mut p, scratch, &mut acc);
                    acc.flush(&self.detector.rules, &mut p);
                    (i, p)
                },
            )
            .collect();
        let mut out: Vec<ColumnProfile> = leaves
            .iter()
            .map(|l| ColumnProfile::new(&l.path, type_name(l.array.data_type())))
            .collect();
        for (i, p) in partials {
            out[i].merge(&p);
        }
        out
    }

    /// Profile a whole table from an iterator of batches.
    pub fn scan_batches<I>(
        &self,
        name: &str,
        source: &str,
        batches: I,
    ) -> crate::Result<TableProfile>
    where
        I: IntoIterator<Item = crate::Result<RecordBatch>>,
    {
        let mut t = TableProfile {
            name: name.into(),
            source: source.into(),
            ..Default::default()
        };
        for b in batches {
            let b = b?;
            t.rows += b.num_rows() as u64;
            t.rows_scanned += b.num_rows() as u64;
            let cols = self.scan_batch(&b);
            merge_columns(&mut t.columns, cols);
        }
        Ok(t)
    }

    fn record(
        &self,
        value: &str,
        weight: u64,
        hints: &ColumnHints,
        p: &mut ColumnProfile,
        scratch: &mut Scratch,
        acc: &mut Acc,
    ) {
        let memo = &mut acc.memo;
        let mut v = value;
        if v.len() > self.opts.max_value_bytes {
            let mut cut = self.opts.max_value_bytes;
            while !v.is_char_boundary(cut) {
                cut -= 1;
            }
            v = &v[..cut];
            p.truncated += weight;
        }
        let text = crate::detect::trim_value(v);
        if is_placeholder_trimmed(text) {
            p.blanks += weight;
            return;
        }
        p.values += weight;
        if is_free_text(v) {
            p.free_text += weight;
        }
        if self.opts.decode_only {
            return;
        }
        let rules = &self.detector.rules;
        if let Some(ri) = self
            .detector
            .detect_in_column(v, text, hints, scratch, memo)
        {
            p.hit_rows += weight;
            count_span(acc, &self.detector, weight, text, [(ri, true, false)]);
            return;
        }
        if scratch.hits.is_empty() {
            // (A town's name starts with a letter: ids and numbers are not looked up.)
            if hints.watch_places && !text.as_bytes()[0].is_ascii_digit() {
                if crate::detect::names::is_place_name(text) {
                    p.place_values += weight;
                } else if !text.bytes().any(|c| c.is_ascii_whitespace()) {
                    p.word_values += weight;
                    if self.detector.names().common_word(text) {
                        p.common_word_values += weight;
                    }
                }
            }
            return;
        }
        p.hit_rows += weight;
        let hits = &scratch.hits;
        // Hits of one entity on one span (nearly every value of a
        // structured column has one hit; an address matched whole by the
        // English and the hinted street rule has two): each is its rule's
        // only hit, no other entity overlaps it, and the entity counts once.
        let h0 = &hits[0];
        if hits.iter().enumerate().all(|(k, h)| {
            h.start == h0.start
                && h.end == h0.end
                && rules.rule_entity[h.rule] == rules.rule_entity[h0.rule]
                && hits[..k].iter().all(|o| o.rule != h.rule)
        }) {
            count_span(
                acc,
                &self.detector,
                weight,
                &text[h0.start..h0.end],
                hits.iter().map(|h| (h.rule, h.full, h.context)),
            );
            return;
        }
        // Two readings of one span (a phone-shaped NHS number): where the
        // value holds a context word of one entity and not of the other,
        // the context decides ("NHS no 943 476 5919" is an NHS number).
        let decided = |m: &crate::detect::Hit| {
            !m.context
                && hits.iter().any(|o| {
                    o.context
                        && rules.rule_entity[o.rule] != rules.rule_entity[m.rule]
                        && o.start < m.end
                        && m.start < o.end
                })
        };
        let drop: Option<Vec<bool>> = (hits.iter().any(|h| h.context) && hits.iter().any(decided))
            .then(|| hits.iter().map(decided).collect());
        if let Some(drop) = drop {
            let mut i = 0;
            scratch.hits.retain(|_| {
                i += 1;
                !drop[i - 1]
            });
        }
        let hits = &scratch.hits;
        for (k, h) in hits.iter().enumerate() {
            // One count per value and rule (and per value and entity), however many hits.
            if hits[..k].iter().any(|o| o.rule == h.rule) {
                continue;
            }
            let ent = rules.rule_entity[h.rule];
            let mut full = false;
            let mut ctx = false;
            let mut unambiguous = false;
            for m in hits.iter().filter(|o| o.rule == h.rule) {
                full |= m.full;
                ctx |= m.context;
                unambiguous |= !hits.iter().any(|o| {
                    rules.rule_entity[o.rule] != ent && o.start < m.end && m.start < o.end
                });
            }
            if !hits[..k].iter().any(|o| rules.rule_entity[o.rule] == ent) {
                let any_unamb = hits
                    .iter()
                    .filter(|o| rules.rule_entity[o.rule] == ent)
                    .any(|m| {
                        !hits.iter().any(|o| {
                            rules.rule_entity[o.rule] != ent && o.start < m.end && m.start < o.end
                        })
                    });
                let e = &mut acc.entities[ent];
                e.rows += weight;
                e.unambiguous_rows += weight * any_unamb as u64;
            }
            acc.rules[h.rule].count(
                weight,
                (full, ctx, unambiguous),
                rules.places_against[h.rule],
                &rules.rules[h.rule],
                &text[h.start..h.end],
                self.detector.names(),
            );
        }
    }

    /// The memo's fast form, when this scan has one (not in decode-only).
    fn fast_form(&self, acc: &Acc, hints: &ColumnHints) -> Option<crate::detect::FastForm<'_>> {
        if self.opts.decode_only {
            return None;
        }
        self.detector.fast_form(&acc.memo, hints)
    }

    /// `record` of a value that the memo's fast form matches whole, when
    /// nothing before the memo in `record` applies to it (it is not cut,
    /// trimmed or a placeholder); `false`, with nothing counted, otherwise.
    /// Counts what `record` counts for such a value.
    #[inline(always)]
    fn record_fast(
        &self,
        form: &crate::detect::FastForm<'_>,
        v: &str,
        weight: u64,
        p: &mut ColumnProfile,
        scratch: &mut Scratch,
        acc: &mut Acc,
    ) -> bool {
        let b = v.as_bytes();
        let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
            return false;
        };
        // As `trim_value`'s fast case: both ends visible ASCII, nothing trimmed.
        let visible = |c: u8| (b'!'..0x80).contains(&c);
        if b.len() > self.opts.max_value_bytes
            || !visible(first)
            || !visible(last)
            || is_placeholder_trimmed(v)
        {
            return false;
        }
        let Some(f) = form.get(b) else {
            return false;
        };
        let Some(matched) = f.matches(v, scratch.name_tokens()) else {
            return false;
        };
        // Several of the entry's rules matched: counted here when they are
        // of one entity (two street rules), as `record` counts them.
        if matched != 1 && !f.one_entity() {
            return false;
        }
        p.values += weight;
        // A value the rule matches whole holds no space when its DFA reads
        // none (nothing was trimmed), so it is no free text.
        if !f.spaceless() && is_free_text(v) {
            p.free_text += weight;
        }
        p.hit_rows += weight;
        if matched == 1 {
            count_span(acc, &self.detector, weight, v, [(f.rule(0), true, false)]);
        } else {
            let hits = (0..3)
                .filter(|k| matched & (1 << k) != 0)
                .map(|k| (f.rule(k), true, false));
            count_span(acc, &self.detector, weight, v, hits);
        }
        true
    }

    fn record_rule(
        &self,
        rule_id: &str,
        entity: &str,
        shown: &str,
        weight: u64,
        p: &mut ColumnProfile,
    ) {
        self.record_rule_keyed(
            rule_id,
            entity,
            example_key(shown),
            || shown.to_string(),
            weight,
            p,
        );
    }

    /// `record_rule` with the value's example key worked out already; the
    /// value is written out only if it becomes an example.
    fn record_rule_keyed(
        &self,
        rule_id: &str,
        entity: &str,
        key: u64,
        shown: impl FnOnce() -> String,
        weight: u64,
        p: &mut ColumnProfile,
    ) {
        p.values += weight;
        p.hit_rows += weight;
        if !p.rules.contains_key(rule_id) {
            p.rules.insert(rule_id.to_string(), RuleStats::default());
        }
        let st = p.rules.get_mut(rule_id).expect("inserted above");
        st.rows += weight;
        st.full_rows += weight;
        st.unambiguous_rows += weight;
        if !p.entities.contains_key(entity) {
            p.entities
                .insert(entity.to_string(), EntityCount::default());
        }
        let e = p.entities.get_mut(entity).expect("inserted above");
        e.rows += weight;
        e.unambiguous_rows += weight;
        add_example(&mut st.example_keys, &mut st.examples, key, || {
            self.detector.rules.mask(entity, &shown())
        });
    }

    fn scan_array(
        &self,
        arr: &ArrayRef,
        path: &str,
        hints: &ColumnHints,
        p: &mut ColumnProfile,
        scratch: &mut Scratch,
        acc: &mut Acc,
    ) {
        let nulls = arr.logical_null_count() as u64;
        p.nulls += nulls;
        let valid = |i: usize| !arr.is_null(i);
        // Coordinates written as text (CSV, NDJSON) in a latitude or
        // longitude column are judged as the float column they are, when
        // nearly all of them parse as numbers.
        if matches!(
            arr.data_type(),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        ) && self.detector.rules.numeric_axis(path).is_some()
            && !self.opts.decode_only
        {
            if let (Ok(f), Ok(text)) = (
                arrow::compute::cast(arr, &DataType::Float64),
                arrow::compute::cast(arr, &DataType::Utf8),
            ) {
                let text = text.as_string::<i32>();
                let f = f.as_primitive::<arrow::datatypes::Float64Type>();
                // What does not parse as a number: degrees, minutes and
                // seconds are read as such; placeholders are blanks, the
                // rest values.
                let (mut blanks, mut other) = (0u64, 0u64);
                let mut degrees: Vec<Option<f64>> = Vec::with_capacity(arr.len());
                for i in 0..arr.len() {
                    if f.is_valid(i) {
                        degrees.push(Some(f.value(i)));
                    } else if text.is_valid(i) {
                        let v = crate::detect::trim_value(text.value(i));
                        match crate::validators::parse_dms(v).or_else(|| decimal_comma(v)) {
                            Some(d) => degrees.push(Some(d)),
                            None => {
                                if is_placeholder_trimmed(v) {
                                    blanks += 1;
                                } else {
                                    other += 1;
                                }
                                degrees.push(None);
                            }
                        }
                    } else {
                        degrees.push(None);
                    }
                }
                let f: ArrayRef = Arc::new(arrow::array::Float64Array::from(degrees));
                let parsed = (f.len() - f.logical_null_count()) as u64;
                if parsed > 0 && parsed >= 9 * other {
                    self.scan_float(&f, path, hints, p);
                    p.blanks += blanks;
                    p.values += other;
                    return;
                }
            }
        }
        macro_rules! strings {
            ($a:expr) => {{
                // The typed array's own null check (inlined), not the
                // dynamically dispatched one.
                let a = $a;
                // A structured column's values through its memo's fast
                // form while it has one, the others through `record`
                // (which is what changes the memo).
                let mut version = acc.memo.version();
                let mut fast = self.fast_form(acc, hints);
                let mut one = |v: &str, n: u64| {
                    if fast.as_ref().is_some_and(|f| {
                        hints.memo_may_answer(v) && self.record_fast(f, v, n, p, scratch, acc)
                    }) {
                        acc.memo.explained_fast();
                    } else {
                        self.record(v, n, hints, p, scratch, acc);
                        if acc.memo.version() != version {
                            version = acc.memo.version();
                            fast = self.fast_form(acc, hints);
                        }
                    }
                };
                // Few distinct values: each looked at once (`Gather`).
                let mut gather = Gather::new(!self.opts.decode_only);
                crate::detect::matching::each_valid_run(a, |v, n| {
                    if !gather.take(v, n, &mut one) {
                        one(v, n);
                    }
                });
                gather.finish(&mut one);
            }};
        }
        match arr.data_type() {
            DataType::Utf8 => strings!(arr.as_string::<i32>()),
            DataType::LargeUtf8 => strings!(arr.as_string::<i64>()),
            DataType::Utf8View => strings!(arr.as_string_view()),
            DataType::Binary | DataType::LargeBinary | DataType::BinaryView => {
                let get = |i: usize| -> &[u8] {
                    match arr.data_type() {
                        DataType::Binary => arr.as_binary::<i32>().value(i),
                        DataType::LargeBinary => arr.as_binary::<i64>().value(i),
                        _ => arr.as_binary_view().value(i),
                    }
                };
                let mut one = |v: &str, n: u64| self.record(v, n, hints, p, scratch, acc);
                let mut gather = Gather::new(!self.opts.decode_only);
                let mut skipped = 0;
                for i in 0..arr.len() {
                    if valid(i) {
                        match std::str::from_utf8(get(i)) {
                            Ok(s) => {
                                if !gather.take(s, 1, &mut one) {
                                    one(s, 1);
                                }
                            }
                            Err(_) => skipped += 1,
                        }
                    }
                }
                gather.finish(&mut one);
                p.skipped += skipped;
            }
            DataType::Dictionary(_, _) => {
                let d = arr.as_any_dictionary();
                let values = d.values();
                let keys = d.normalized_keys();
                let mut counts = vec![0u64; values.len()];
                for (i, &k) in keys.iter().enumerate() {
                    if valid(i) && k < counts.len() {
                        counts[k] += 1;
                    }
                }
                // Each distinct value is inspected once and weighted by its key count.
                let string_at = |k: usize| -> Option<&str> {
                    match values.data_type() {
                        DataType::Utf8 => Some(values.as_string::<i32>().value(k)),
                        DataType::LargeUtf8 => Some(values.as_string::<i64>().value(k)),
                        DataType::Utf8View => Some(values.as_string_view().value(k)),
                        _ => None,
                    }
                };
                for (k, &c) in counts.iter().enumerate() {
                    if c == 0 {
                        continue;
                    }
                    if values.is_null(k) {
                        continue; // already counted by the logical null count
                    }
                    match string_at(k) {
                        Some(v) => self.record(v, c, hints, p, scratch, acc),
                        None => {
                            // Non-string dictionary values: scan the one value, then weight it.
                            let mut tmp = ColumnProfile::default();
                            let mut tacc = Acc::new(&self.detector.rules);
                            self.scan_array(
                                &values.slice(k, 1),
                                path,
                                hints,
                                &mut tmp,
                                scratch,
                                &mut tacc,
                            );
                            tacc.flush(&self.detector.rules, &mut tmp);
                            scale(&mut tmp, c);
                            p.merge(&ColumnProfile { nulls: 0, ..tmp });
                        }
                    }
                }
            }
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64 => {
                // Every integer type widens to i64 but u64, which keeps its
                // own type (a cast would turn values above i64::MAX into nulls).
                let target = if arr.data_type() == &DataType::UInt64 {
                    DataType::UInt64
                } else {
                    DataType::Int64
                };
                // Whole degrees in a latitude or longitude column.
                if self.detector.rules.numeric_axis(path).is_some() && !self.opts.decode_only {
                    if let Ok(f) = arrow::compute::cast(arr, &DataType::Float64) {
                        self.scan_float(&f, path, hints, p);
                        return;
                    }
                }
                let Ok(wide) = arrow::compute::cast(arr, &target) else {
                    p.values += (arr.len() as u64).saturating_sub(nulls);
                    return;
                };
                let mut buf = itoa::Buffer::new();
                let checked = self.opts.max_value_bytes >= 20 && !self.opts.decode_only;
                // Fewer than 7 digits: no identifier rule can fire (phones,
                // SSNs, cards all need more).
                macro_rules! ints {
                    ($a:expr, $small:expr, $quiet:expr) => {{
                        let a = $a;
                        for i in 0..a.len() {
                            if a.is_null(i) {
                                continue;
                            }
                            let v = a.value(i);
                            if $small(v) || $quiet(v) {
                                p.values += 1;
                                continue;
                            }
                            let digits = buf.format(v);
                            // A number whose rules all fail their checks is
                            // counted as `record` counts it, without its other
                            // steps (the memo's bookkeeping included).
                            if checked && self.detector.digits_hold_nothing(digits, hints) {
                                acc.memo.nothing_found();
                                p.values += 1;
                                continue;
                            }
                            self.record(digits, 1, hints, p, scratch, acc);
                        }
                    }};
                }
                // A number that no rule can match in this column (its digit
                // count and first two digits say so) is counted as a value
                // without being written out: it is neither blank, free text
                // nor longer than the inspected prefix.
                let quiet = |v: u64| self.detector.quiet_number(v, hints);
                let whole = self.opts.max_value_bytes >= 20;
                if target == DataType::UInt64 {
                    ints!(
                        wide.as_primitive::<arrow::datatypes::UInt64Type>(),
                        |v: u64| v < 1_000_000,
                        |v: u64| whole && quiet(v)
                    )
                } else {
                    ints!(
                        wide.as_primitive::<arrow::datatypes::Int64Type>(),
                        |v: i64| v.unsigned_abs() < 1_000_000,
                        |v: i64| whole && v > 0 && quiet(v as u64)
                    )
                }
            }
            DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) => {
                self.scan_temporal(arr, hints, p)
            }
            DataType::Float32 | DataType::Float64 => self.scan_float(arr, path, hints, p),
            _ => p.values += (arr.len() as u64).saturating_sub(nulls),
        }
    }

    /// Typed dates: a birth date only in a column whose name says so.
    fn scan_temporal(&self, arr: &ArrayRef, hints: &ColumnHints, p: &mut ColumnProfile) {
        let rules = &self.detector.rules;
        let nonnull = (arr.len() - arr.logical_null_count()) as u64;
        let dob = rules.rules.iter().position(|r| r.typed_dates);
        let Some(dob) = dob.filter(|&i| hints.get(i) > 0 && !self.opts.decode_only) else {
            p.values += nonnull;
            return;
        };
        let id = rules.rules[dob].id.clone();
        let entity = rules.rules[dob].entity.clone();
        let (days, secs): (Vec<Option<i64>>, Vec<Option<i64>>) = match arr.data_type() {
            DataType::Date32 => arr
                .as_primitive::<arrow::datatypes::Date32Type>()
                .iter()
                .map(|v| (v.map(i64::from), Some(0)))
                .unzip(),
            DataType::Date64 => arr
                .as_primitive::<arrow::datatypes::Date64Type>()
                .iter()
                .map(|v| {
                    (
                        v.map(|ms| ms.div_euclid(86_400_000)),
                        v.map(|ms| ms.rem_euclid(86_400_000)),
                    )
                })
                .unzip(),
            DataType::Timestamp(unit, _) => {
                let per_sec: i64 = match unit {
                    TimeUnit::Second => 1,
                    TimeUnit::Millisecond => 1_000,
                    TimeUnit::Microsecond => 1_000_000,
                    TimeUnit::Nanosecond => 1_000_000_000,
                };
                let a = arrow::compute::cast(arr, &DataType::Int64).ok();
                match a {
                    Some(a) => a
                        .as_primitive::<arrow::datatypes::Int64Type>()
                        .iter()
                        .map(|v| {
                            (
                                v.map(|x| x.div_euclid(per_sec * 86_400)),
                                v.map(|x| x.rem_euclid(per_sec * 86_400)),
                            )
                        })
                        .unzip(),
                    None => return,
                }
            }
            _ => return,
        };
        for (d, s) in days.into_iter().zip(secs) {
            let Some(d) = d else { continue };
            let (y, m, dd) = civil_from_days(d);
            if s == Some(0) && crate::detect::dob::valid_ymd(y, m, dd) {
                self.record_rule(&id, &entity, &format!("{y:04}-{m:02}-{dd:02}"), 1, p);
            } else {
                p.values += 1;
            }
        }
    }

    /// Float columns: only those named for a rule's numeric axis (latitude,
    /// longitude), by column name and range.
    fn scan_float(&self, arr: &ArrayRef, path: &str, _hints: &ColumnHints, p: &mut ColumnProfile) {
        let nonnull = (arr.len() - arr.logical_null_count()) as u64;
        let rules = &self.detector.rules;
        let Some(axis) = rules.numeric_axis(path).filter(|_| !self.opts.decode_only) else {
            p.values += nonnull;
            return;
        };
        let Ok(a) = arrow::compute::cast(arr, &DataType::Float64) else {
            return;
        };
        let r = &rules.rules[axis.rule];
        // The example key of each value as shown (`{:.4}`), by its bits:
        // positions repeat (an airport's, a store's), and writing a float
        // out to four decimals exactly costs more than the rest of its check.
        let mut keys: rustc_hash::FxHashMap<u64, u64> = Default::default();
        for v in a
            .as_primitive::<arrow::datatypes::Float64Type>()
            .iter()
            .flatten()
        {
            // In range: a position, however coarse (whole degrees of a
            // historical map, one decimal of a wildlife survey); or, in a
            // column named for positions beyond doubt, a whole number in a
            // scaled unit.
            if in_degrees(v, axis.max_abs) || (axis.qualified && scaled_position(v, axis.max_abs)) {
                if keys.len() >= 1 << 16 {
                    keys.clear();
                }
                let key = *keys
                    .entry(v.to_bits())
                    .or_insert_with(|| example_key(&format!("{v:.4}")));
                self.record_rule_keyed(&r.id, &r.entity, key, || format!("{v:.4}"), 1, p);
            } else {
                p.values += 1;
            }
        }
    }
}

/// A value within `max_abs` degrees.
fn in_degrees(v: f64, max_abs: f64) -> bool {
    v.is_finite() && v.abs() <= max_abs
}

/// A whole number that is a position within `max_abs` degrees in one of the
/// integer units devices and formats store: degrees × 10⁵, 10⁶ or 10⁷
/// (OpenStreetMap, `latitudeE7`) or semicircles (2³¹ per 180°, Garmin FIT).
/// The widest of them, semicircles, bounds them all.
fn scaled_position(v: f64, max_abs: f64) -> bool {
    v.is_finite() && v.fract() == 0.0 && v.abs() <= max_abs / 180.0 * 2f64.powi(31)
}

/// A number written with a decimal comma ("52,52").
fn decimal_comma(s: &str) -> Option<f64> {
    let (a, b) = s.split_once(',')?;
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    let a_digits = a.strip_prefix('-').unwrap_or(a);
    (digits(a_digits) && digits(b))
        .then(|| format!("{a}.{b}").parse().ok())
        .flatten()
}

/// Count one value whose hits all cover `raw` and belong to one entity:
/// `(rule, full, context)` per hit, each rule once. Every hit is
/// unambiguous (no other entity overlaps it) and the entity counts once.
#[inline(always)]
fn count_span(
    acc: &mut Acc,
    det: &Detector,
    weight: u64,
    raw: &str,
    hits: impl IntoIterator<Item = (usize, bool, bool)>,
) {
    let rules = &det.rules;
    let mut hits = hits.into_iter().peekable();
    let Some(&(first, _, _)) = hits.peek() else {
        return;
    };
    let e = &mut acc.entities[rules.rule_entity[first]];
    e.rows += weight;
    e.unambiguous_rows += weight;
    for (ri, full, context) in hits {
        acc.rules[ri].count(
            weight,
            (full, context, true),
            rules.places_against[ri],
            &rules.rules[ri],
            raw,
            det.names(),
        );
    }
}

fn example_key(raw: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    raw.hash(&mut h);
    h.finish()
}

/// Keep the examples of the three smallest keys; `make` masks only when kept.
/// The usual answer, "not kept", is inlined.
#[inline(always)]
fn add_example(
    keys: &mut Vec<u64>,
    list: &mut Vec<String>,
    key: u64,
    make: impl FnOnce() -> String,
) {
    if keys.len() >= 3 && keys.last().is_some_and(|&l| key >= l) {
        return;
    }
    insert_example(keys, list, key, make);
}

/// Keep `key` among the `WORD_KEYS` smallest distinct ones.
fn add_word_key(keys: &mut Vec<u64>, key: u64) {
    if keys.len() >= WORD_KEYS && keys.last().is_some_and(|&l| key >= l) {
        return;
    }
    if let Err(pos) = keys.binary_search(&key) {
        keys.insert(pos, key);
        keys.truncate(WORD_KEYS);
    }
}

#[inline(never)]
fn insert_example(
    keys: &mut Vec<u64>,
    list: &mut Vec<String>,
    key: u64,
    make: impl FnOnce() -> String,
) {
    if let Err(pos) = keys.binary_search(&key) {
        keys.insert(pos, key);
        list.insert(pos, make());
        keys.truncate(3);
        list.truncate(3);
    }
}

fn scale(p: &mut ColumnProfile, c: u64) {
    p.values *= c;
    p.skipped *= c;
    p.blanks *= c;
    p.truncated *= c;
    p.free_text *= c;
    p.hit_rows *= c;
    for e in p.entities.values_mut() {
        e.rows *= c;
        e.unambiguous_rows *= c;
    }
    for s in p.rules.values_mut() {
        s.rows *= c;
        s.full_rows *= c;
        s.unambiguous_rows *= c;
        s.context_rows *= c;
        s.word_rows *= c;
    }
}

/// The scanner is what reading hands its batches to: per-column profiles,
/// merged across threads.
impl crate::source::BatchConsumer for Scanner {
    type Acc = Vec<ColumnProfile>;

    fn consume(&self, batch: &RecordBatch, acc: &mut Vec<ColumnProfile>) {
        merge_columns(acc, self.scan_batch(batch));
    }

    fn combine(&self, into: &mut Vec<ColumnProfile>, other: Vec<ColumnProfile>) {
        merge_columns(into, other);
    }
}

pub(crate) fn merge_columns(into: &mut Vec<ColumnProfile>, cols: Vec<ColumnProfile>) {
    if into.is_empty() {
        *into = cols;
        return;
    }
    for c in cols {
        match into.iter_mut().find(|x| x.name == c.name) {
            Some(x) => x.merge(&c),
            None => into.push(c),
        }
    }
}

/// Values that stand for "no value" (compared without case).
const PLACEHOLDERS: &[&str] = &[
    "n/a",
    "na",
    "null",
    "none",
    "nil",
    "-",
    "--",
    "?",
    "unknown",
    "nan",
    "redacted",
    "tbd",
    "not provided",
    "not available",
    "xxx",
    "<null>",
    "(null)",
];

#[cfg(test)]
fn is_placeholder(v: &str) -> bool {
    is_placeholder_trimmed(crate::detect::trim_value(v))
}

/// `t`: the value trimmed (`detect::trim_value`).
#[inline]
fn is_placeholder_trimmed(t: &str) -> bool {
    // Every placeholder starts with one of these bytes (any case): most
    // values are let through after one look at their first byte.
    t.len() <= 13
        && (t.is_empty()
            || (matches!(
                t.as_bytes()[0] | 0x20,
                b'n' | b'u' | b'r' | b't' | b'x' | b'-' | b'?' | b'<' | b'('
            ) && PLACEHOLDERS.iter().any(|p| t.eq_ignore_ascii_case(p))))
}

/// Running text: three spaces, or one in a value of 40 bytes or more, and
/// a word whose first letter is lower case, other than the small words
/// titles write in lower case (`is_title_small_word`: "and", "of"). Words
/// that all begin with a capital (or with no letter) but for those are a
/// title or a proper name however long ("Ted Stevens Anchorage
/// International Airport", "123 Main Street Apt 4", "Introduction to
/// American Indian Studies", "Carrot Cake with Lime and Cream Cheese
/// Icing"), judged whole as structured values are.
fn is_free_text(v: &str) -> bool {
    // A mailbox ("Ayn Rand Institute Media <davidh@aynrand.org>") is a
    // name and an address, not prose: its display name alone is judged.
    let v = match v.strip_suffix('>').and_then(|h| h.rfind('<')) {
        Some(lt) if !v[lt..].contains(' ') && v[lt..].contains('@') => &v[..lt],
        _ => v,
    };
    // Only "none, one, or three and more" matters: stop at the third space
    // (counted by SIMD compares; a byte loop cost ~50 instructions on a
    // 25-byte e-mail address).
    let spaces = crate::detect::matching::bytes::spaces_up_to(v.as_bytes(), 3);
    (spaces >= 3 || (v.len() >= 40 && spaces >= 1)) && has_lowercase_word(v)
}

/// Whether `w` (a word, ASCII punctuation after it aside) is one of the
/// words that titles and names of things write in lower case: articles,
/// conjunctions, short prepositions, and the particles of other languages.
fn is_title_small_word(w: &[u8]) -> bool {
    let end = w
        .iter()
        .rposition(|c| !c.is_ascii_punctuation())
        .map_or(0, |e| e + 1);
    matches!(
        &w[..end],
        b"a" | b"an"
            | b"and"
            | b"as"
            | b"at"
            | b"but"
            | b"by"
            | b"da"
            | b"das"
            | b"de"
            | b"del"
            | b"der"
            | b"des"
            | b"di"
            | b"do"
            | b"dos"
            | b"du"
            | b"e"
            | b"en"
            | b"et"
            | b"for"
            | b"from"
            | b"in"
            | b"la"
            | b"le"
            | b"les"
            | b"nor"
            | b"of"
            | b"on"
            | b"or"
            | b"the"
            | b"to"
            | b"und"
            | b"via"
            | b"vs"
            | b"with"
    )
}

/// Whether a word of `v` (split at whitespace) has a lower-case first
/// letter (`"qty":` counts: the quote is no letter) and is no small word
/// of titles (`is_title_small_word`).
fn has_lowercase_word(v: &str) -> bool {
    let b = v.as_bytes();
    let mut from = 0;
    loop {
        match first_lowercase_word(&b[from..]) {
            None => return false,
            Some(LowerWord::BeyondAscii) => {
                // Text with characters beyond ASCII, by chars.
                // As in ASCII, the word starts at its first letter (after
                // digits and marks: "1a" is the small word "a").
                return v.split_whitespace().any(|w| {
                    let w = w.trim_start_matches(|c: char| !c.is_alphabetic());
                    w.chars().next().is_some_and(char::is_lowercase)
                        && !is_title_small_word(w.as_bytes())
                });
            }
            Some(LowerWord::At(i)) => {
                // A small word has at most four letters and a few marks
                // after them: look no further than eight bytes.
                let at = from + i;
                let word = &b[at..b.len().min(at + 8)];
                let Some(n) = word.iter().position(u8::is_ascii_whitespace) else {
                    return word.len() == 8 || !is_title_small_word(word);
                };
                if !is_title_small_word(&word[..n]) {
                    return true;
                }
                from = at + n;
            }
        }
    }
}

/// What `first_lowercase_word` found first.
enum LowerWord {
    /// A word that starts with a lower-case letter, at this byte.
    At(usize),
    /// A byte beyond ASCII (the caller reads the text by chars).
    BeyondAscii,
}

/// Where the first word of ASCII `b` that starts with a lower-case letter
/// starts (after whitespace, or after marks that are no letter: `"qty"`),
/// or the first byte beyond ASCII; `None` if there is neither.
#[inline]
fn first_lowercase_word(b: &[u8]) -> Option<LowerWord> {
    let mut looking = true;
    for (i, &c) in b.iter().enumerate() {
        if c.is_ascii_whitespace() {
            looking = true;
        } else if c >= 0x80 {
            return Some(LowerWord::BeyondAscii);
        } else if looking {
            if c.is_ascii_lowercase() {
                return Some(LowerWord::At(i));
            }
            looking = !c.is_ascii_uppercase();
        }
    }
    None
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Free text is three spaces, or one in a value of 40 bytes or more,
        /// and a word that begins in lower case and is no small word of
        /// titles.
        #[test]
        fn free_text_counts_spaces(v in "[aBéÉ1 \t]{0,300}") {
            let spaces = v.bytes().filter(|&c| c == b' ').count();
            // A word that starts with "a" or "é" (digits before it aside),
            // unless it is the small word "a" of titles.
            let lower = v.split([' ', '\t']).any(|w| {
                let w = w.trim_start_matches('1');
                w.starts_with(['a', 'é']) && w != "a"
            });
            proptest::prop_assert_eq!(
                is_free_text(&v),
                (spaces >= 3 || (v.len() >= 40 && spaces >= 1)) && lower
            );
        }
    }

    /// Titles and names of things keep articles, conjunctions and short
    /// prepositions in lower case and are no running text; a sentence has
    /// other words in lower case, in any language.
    #[test]
    fn titles_are_no_running_text() {
        for v in [
            "Introduction to American Indian Studies",
            "Calculus for Life Sciences Students",
            "Carrot Cake with Lime and Cream Cheese Icing",
            "Re: Meeting with Finance on Tuesday",
            "The Lord of the Rings: The Return of the King",
            "Chicken and Mushroom Pie",
            "Museo del Prado de la Ciudad",
            "Gesellschaft der Musikfreunde und Kunst",
            "A Tale of Two Cities, or, the Story Of Us",
        ] {
            assert!(!is_free_text(v), "{v}");
        }
        for v in [
            "Please call me back about the invoice",
            "Meeting moved to Tuesday, bring the slides",
            "Lime and cream cheese icing on a carrot cake",
            "Der Kunde hat angerufen und möchte einen Rückruf",
            "o cliente ligou e pediu um retorno",
            "Ça marche, merci pour la réponse rapide",
        ] {
            assert!(is_free_text(v), "{v}");
        }
    }

    /// Values of structured columns and what breaks them: padding,
    /// placeholders, near misses, other kinds, non-ASCII, free text.
    const STRUCTURED: [&[&str]; 7] = [
        &[
            "jane.doe@example.com",
            "o'brien+news@mail.example.co.uk",
            "MAX.MUSTERMANN@WEB.DE",
            " jane@example.org",
            "jane@example.org\t",
            "bob@@example.com",
            "a@b.c",
            "josé@example.com",
            "x.y@exämple.de",
            "first.last.with.a.long.local.part@example.com",
        ],
        &[
            "4111111111111111",
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "4111111111111112",
            "5500 0000 0000 0004",
            "0000 0000 0000 0000",
        ],
        &[
            "192.168.1.20",
            "10.0.0.1",
            "999.1.1.1",
            "DE89370400440532013000",
            "DE89 3704 0044 0532 0130 00",
            "GB82WEST12345698765432",
        ],
        &[
            "(415) 555-2671",
            "+44 20 7946 0958",
            "+49 151 23456789",
            "030 1234567",
            "+33 1 23 45 67 89",
            "795.242.2058",
            "123-456-7890",
            "+91 98765 43210",
            "+1 415-555-2671 ext. 12",
        ],
        &[
            "4821 Maple Avenue",
            "Hauptstraße 12",
            "12 rue de la Paix",
            "Calle Mayor, 12",
            "482 Oak Street, Boston",
            "Via Roma 3",
            "1600 Pennsylvania Ave NW",
            "Maple Avenue",
        ],
        &[
            "Jane Doe",
            "José García",
            "Mary-Jane O'Neil",
            "Dr. John Smith",
            "Smith",
            "jane doe",
            "Blue Ocean Ltd",
            "Renée Müller-Lüdenscheidt",
        ],
        &[
            "1960-06-04",
            "21.12.1932",
            "7/10/1940",
            "23 Jul 1970",
            "June 28, 1953",
            "19410822",
            "1985-03-12 10:22",
            "2024-02-30",
            "31/12/1899",
            "4. November 2003",
        ],
    ];
    /// The column of each group of `STRUCTURED` (names give rules hints).
    const COLUMNS: [&str; 7] = [
        "contact",
        "card",
        "value",
        "phone",
        "address",
        "customer",
        "date_of_birth",
    ];
    const OTHERS: &[&str] = &[
        "",
        "n/a",
        "NULL",
        "  ",
        "call me at jane@example.org please",
        "Jane Doe",
        "+1 415 555 0100",
        "the card 4111 1111 1111 1111 was declined",
        "12345",
    ];

    /// The same values as a string column (scanned through the memo's fast
    /// form where it applies) and as a binary one (always through
    /// `record`): every count and example of the profile must agree.
    fn fast_form_agrees(picks: &[(usize, u8)], max_value_bytes: usize) {
        use arrow::array::{BinaryArray, StringArray};
        let values = pick_values(picks);
        let scanner =
            Scanner::new(Arc::new(RuleSet::builtin().unwrap())).with_options(ScanOptions {
                max_value_bytes,
                ..Default::default()
            });
        let scan = |a: ArrayRef| {
            let column = COLUMNS[picks[0].0 % COLUMNS.len()];
            let batch = RecordBatch::try_from_iter([(column, a)]).unwrap();
            let mut p = scanner.scan_batch(&batch).remove(0);
            p.data_type.clear();
            p
        };
        let text = scan(Arc::new(StringArray::from(values.clone())));
        let bytes = scan(Arc::new(BinaryArray::from_iter_values(
            values.iter().map(|v| v.as_bytes()),
        )));
        assert_eq!(text, bytes, "{values:?}");
        // Something was inspected, unless every pick is blank or a null word.
        if values.iter().any(|v| !OTHERS[..4].contains(v)) {
            assert!(text.values > 0, "{values:?}");
        }
    }

    /// A column scanned as one array (runs and few distinct values looked
    /// at once, weighted by their rows) counts what its rows count looked at
    /// one by one, each in its own batch (no memo, nothing gathered): the
    /// rows, blanks and free text, and per entity the rows found.
    fn counts_as_rows_one_by_one(picks: &[(usize, u8)]) {
        use arrow::array::StringArray;
        let values = pick_values(picks);
        let scanner = Scanner::new(Arc::new(RuleSet::builtin().unwrap()));
        let column = COLUMNS[picks[0].0 % COLUMNS.len()];
        let scan = |values: Vec<&str>| {
            let a: ArrayRef = Arc::new(StringArray::from(values));
            let batch = RecordBatch::try_from_iter([(column, a)]).unwrap();
            scanner.scan_batch(&batch).remove(0)
        };
        let whole = scan(values.clone());
        let mut each = ColumnProfile::new(column, "");
        for v in &values {
            each.merge(&scan(vec![v]));
        }
        let counts = |p: &ColumnProfile| {
            let entities: Vec<(String, u64)> = p
                .entities
                .iter()
                .map(|(e, c)| (e.clone(), c.rows))
                .collect();
            (p.values, p.blanks, p.free_text, p.hit_rows, entities)
        };
        assert_eq!(counts(&whole), counts(&each), "{values:?}");
    }

    fn pick_values(picks: &[(usize, u8)]) -> Vec<&'static str> {
        picks
            .iter()
            .map(|&(g, x)| {
                let group = STRUCTURED[g % STRUCTURED.len()];
                if x < 200 {
                    group[x as usize % group.len()]
                } else {
                    OTHERS[x as usize % OTHERS.len()]
                }
            })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Runs of one kind of value (so that the memo holds one entry and
        /// the fast form applies) broken by anything else.
        #[test]
        fn memo_fast_form_counts_as_record_does(
            group in 0usize..7,
            picks in proptest::collection::vec(0u8..=255, 1..400),
            short in proptest::bool::ANY,
        ) {
            let picks: Vec<(usize, u8)> = picks.into_iter().map(|x| (group, x)).collect();
            // A small limit cuts the longer values (as `record` counts them).
            fast_form_agrees(&picks, if short { 24 } else { 64 * 1024 });
        }

        /// Runs of equal values in a row (a sorted or clustered column),
        /// looked at once per run in a string column, count as the same
        /// rows looked at one by one in a binary column.
        #[test]
        fn runs_of_equal_values_count_as_their_rows(
            group in 0usize..7,
            picks in proptest::collection::vec((0u8..=255, 1usize..6), 1..120),
            short in proptest::bool::ANY,
        ) {
            let picks: Vec<(usize, u8)> = picks
                .into_iter()
                .flat_map(|(x, n)| std::iter::repeat_n((group, x), n))
                .collect();
            fast_form_agrees(&picks, if short { 24 } else { 64 * 1024 });
            counts_as_rows_one_by_one(&picks);
        }

        /// A column of few distinct values in any order (looked at once
        /// each in a string column) counts as its rows looked at one by one;
        /// so does one with more distinct values than are gathered.
        #[test]
        fn few_distinct_values_count_as_their_rows(
            group in 0usize..7,
            picks in proptest::collection::vec(0u8..12, 1..600),
            spread in proptest::bool::ANY,
        ) {
            let picks: Vec<(usize, u8)> = picks
                .into_iter()
                .enumerate()
                // Spread: values beyond the gathered count, then the few again.
                .map(|(i, x)| (group, if spread && i % 2 == 0 { (i % 200) as u8 } else { x }))
                .collect();
            fast_form_agrees(&picks, 64 * 1024);
            counts_as_rows_one_by_one(&picks);
        }
    }

    /// A 16-digit Visa-shaped number with its Luhn digit, from `n`.
    fn luhn_card(n: u64) -> i64 {
        let body = 400_000_000_000_000 + n % 100_000_000_000_000; // 15 digits
        (0..10)
            .map(|c| body * 10 + c)
            .find(|x| crate::validators::luhn_card(&x.to_string()))
            .expect("one check digit passes") as i64
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// An integer column counts what `record` counts of each value's
        /// digits in turn (numbers too short or too quiet for any rule
        /// aside): the numbers that every rule's checks reject are counted
        /// without `record`, and the memo that the others teach is kept as
        /// `record` keeps it.
        #[test]
        fn integer_columns_count_as_their_digits_recorded(
            picks in proptest::collection::vec((0u8..7, proptest::num::u64::ANY), 1..300),
            column in 0usize..6,
        ) {
            use arrow::array::Int64Array;
            let column = ["id", "card_number", "sin", "tax_file_number", "routing", "amount"][column];
            let values: Vec<i64> = picks
                .iter()
                .map(|&(kind, n)| match kind {
                    0 => (n % 1_000_000) as i64,
                    1 => (1_000_000 + n % 9_000_000) as i64,
                    2 => (10_000_000 + n % 90_000_000) as i64,
                    3 => (100_000_000 + n % 900_000_000) as i64,
                    4 => luhn_card(n),
                    5 => (n >> 1) as i64,
                    _ => -((n % 1_000_000_000_000) as i64),
                })
                .collect();
            let scanner = Scanner::new(Arc::new(RuleSet::builtin().unwrap()));
            let batch = RecordBatch::try_from_iter([(
                column,
                Arc::new(Int64Array::from(values.clone())) as ArrayRef,
            )])
            .unwrap();
            let got = scanner.scan_batch(&batch).remove(0);
            let hints = ColumnHints::from_column_name(scanner.rules(), column);
            let mut want = ColumnProfile::new(column, got.data_type.clone());
            let mut acc = Acc::new(scanner.rules());
            let mut scratch = Scratch::default();
            for &v in &values {
                if v.unsigned_abs() < 1_000_000
                    || (v > 0 && scanner.detector.quiet_number(v as u64, &hints))
                {
                    want.values += 1;
                    continue;
                }
                scanner.record(&v.to_string(), 1, &hints, &mut want, &mut scratch, &mut acc);
            }
            acc.flush(scanner.rules(), &mut want);
            proptest::prop_assert_eq!(got, want, "{:?}", values);
        }
    }

    /// A column whose memo explains few values (ids where the odd number
    /// passes a short checksum) sets it aside, and back again; the values
    /// and hits it counts are those `detect` alone gives, value by value.
    /// (Per rule, a memo entry counts its own rules only: a number that two
    /// checksums pass is counted for the entry's rule where the memo
    /// explains it, so per-rule counts are compared within a tolerance.)
    #[test]
    fn a_memo_that_explains_little_is_set_aside_without_changing_counts() {
        use arrow::array::StringArray;
        let values: Vec<String> = (0..5000u64)
            .map(|i| (100_000_000 + i * 7_919).to_string())
            .chain((0..300).map(|i| format!("4111 1111 1111 {:04}", i)))
            .collect();
        let scanner = Scanner::new(Arc::new(RuleSet::builtin().unwrap()));
        let mut scratch = Scratch::default();
        for column in ["account_id", "tax_ref", "notes"] {
            let hints = ColumnHints::from_column_name(scanner.rules(), column);
            // Set aside after a window of values it mostly fails to explain.
            let mut acc = Acc::new(scanner.rules());
            let mut p = ColumnProfile::new(column, "Utf8");
            for v in &values[..200] {
                scanner.record(v, 1, &hints, &mut p, &mut scratch, &mut acc);
            }
            assert!(acc.memo.is_cold(), "{column}");
            let batch = RecordBatch::try_from_iter([(
                column,
                Arc::new(StringArray::from(values.clone())) as ArrayRef,
            )])
            .unwrap();
            let got = scanner.scan_batch(&batch).remove(0);
            // Each value on its own: a fresh memo, so `detect` decides it.
            let mut want = ColumnProfile::new(column, got.data_type.clone());
            for v in &values {
                let mut acc = Acc::new(scanner.rules());
                let mut p = ColumnProfile::new(column, got.data_type.clone());
                scanner.record(v, 1, &hints, &mut p, &mut scratch, &mut acc);
                acc.flush(scanner.rules(), &mut p);
                want.merge(&p);
            }
            assert!(got.hit_rows > 0, "{column}");
            assert_eq!(
                (got.values, got.hit_rows, got.free_text),
                (want.values, want.hit_rows, want.free_text),
                "{column}"
            );
            assert_eq!(
                got.rules.keys().collect::<Vec<_>>(),
                want.rules.keys().collect::<Vec<_>>(),
                "{column}"
            );
            for (id, w) in &want.rules {
                let g = got.rules[id].rows as f64;
                assert!(
                    (g - w.rows as f64).abs() <= 0.05 * w.rows as f64,
                    "{column} {id}: {g} against {}",
                    w.rows
                );
            }
        }
    }

    #[test]
    fn memo_fast_form_is_taken_and_agrees_on_a_clean_column() {
        // Every value of one kind: the fast form answers all but the first.
        let picks: Vec<(usize, u8)> = (0..500).map(|i| (1, (i % 2) as u8 * 4)).collect();
        fast_form_agrees(&picks, 64 * 1024);
        let scanner = Scanner::new(Arc::new(RuleSet::builtin().unwrap()));
        let mut acc = Acc::new(scanner.rules());
        let hints = ColumnHints::from_column_name(scanner.rules(), "contact");
        let mut p = ColumnProfile::new("contact", "Utf8");
        let mut scratch = Scratch::default();
        scanner.record(
            "4111111111111111",
            1,
            &hints,
            &mut p,
            &mut scratch,
            &mut acc,
        );
        let fast = scanner
            .fast_form(&acc, &hints)
            .expect("a fast form after one card number");
        assert!(matches!(fast, crate::detect::FastForm::One(_)));
        assert!(scanner.record_fast(&fast, "5500000000000004", 1, &mut p, &mut scratch, &mut acc));
        assert!(!scanner.record_fast(&fast, "4111111111111112", 1, &mut p, &mut scratch, &mut acc));
        assert!(!scanner.record_fast(
            &fast,
            " 4111111111111111",
            1,
            &mut p,
            &mut scratch,
            &mut acc
        ));
        assert_eq!((p.values, p.hit_rows), (2, 2));
        // Phone numbers of several layouts: a fast form per layout.
        let mut acc = Acc::new(scanner.rules());
        for v in ["(415) 555-2671", "+44 20 7946 0958", "joe@example.com"] {
            scanner.record(v, 1, &hints, &mut p, &mut scratch, &mut acc);
        }
        let fast = scanner
            .fast_form(&acc, &hints)
            .expect("a fast form per layout");
        assert!(matches!(fast, crate::detect::FastForm::Layouts { .. }));
        assert!(scanner.record_fast(&fast, "(212) 736-5000", 1, &mut p, &mut scratch, &mut acc));
        assert!(scanner.record_fast(&fast, "+44 20 7946 0959", 1, &mut p, &mut scratch, &mut acc));
        // Names, and street addresses that two rules match whole.
        for (column, first, next) in [
            ("customer", "Jane Doe", "John Smith"),
            ("address", "4821 Maple Avenue", "17 Oak Street"),
            ("date_of_birth", "1960-06-04", "21.12.1932"),
            ("date_of_birth", "23 Jul 1970", "4 Nov 2003"),
        ] {
            let hints = ColumnHints::from_column_name(scanner.rules(), column);
            let mut acc = Acc::new(scanner.rules());
            let mut p = ColumnProfile::new(column, "Utf8");
            scanner.record(first, 1, &hints, &mut p, &mut scratch, &mut acc);
            let fast = scanner.fast_form(&acc, &hints).expect(column);
            assert!(
                scanner.record_fast(&fast, next, 1, &mut p, &mut scratch, &mut acc),
                "{next}"
            );
            let mut slow = ColumnProfile::new(column, "Utf8");
            let mut slow_acc = Acc::new(scanner.rules());
            for v in [first, next] {
                scanner.record(v, 1, &hints, &mut slow, &mut scratch, &mut slow_acc);
            }
            acc.flush(scanner.rules(), &mut p);
            slow_acc.flush(scanner.rules(), &mut slow);
            assert_eq!(p, slow, "{column}");
        }
    }

    #[test]
    fn placeholders_in_any_case_and_padding() {
        for p in PLACEHOLDERS {
            assert!(is_placeholder(p), "{p}");
            assert!(is_placeholder(&format!("  {}\t", p.to_uppercase())), "{p}");
        }
        for v in ["", "   ", "Nancy", "n/a/b", "4111", "tbd later", "x"] {
            assert_eq!(is_placeholder(v), v.trim().is_empty(), "{v:?}");
        }
    }

    #[test]
    fn coordinate_columns_by_axis_unit_and_language() {
        let rules = RuleSet::builtin().unwrap();
        for (name, want) in [
            ("lat", Some(90.0)),
            ("pickup_lat", Some(90.0)),
            ("lat_deg", Some(90.0)),
            ("latitude_dd", Some(90.0)),
            ("LAT_WGS84", Some(90.0)),
            ("decimalLongitude", Some(180.0)),
            ("lon_decimal", Some(180.0)),
            ("breitengrad", Some(90.0)),
            ("laengengrad", Some(180.0)),
            ("latitud", Some(90.0)),
            ("longitudine", Some(180.0)),
            ("szerokosc", Some(90.0)),
            ("reclat", Some(90.0)),
            ("reclong", Some(180.0)),
            ("pickuplon", Some(180.0)),
            ("INTPTLAT", Some(90.0)),
            ("INTPTLONG", Some(180.0)),
            ("centLat", Some(90.0)),
            ("gpslng_deg", Some(180.0)),
            ("lat_center", Some(90.0)),
            ("lon_max", Some(180.0)),
            ("latitude_start_deg", Some(90.0)),
            ("lng_dest", Some(180.0)),
            // The hemisphere the positive numbers are in.
            ("Latitude (N)", Some(90.0)),
            ("lat_n", Some(90.0)),
            ("Longitude (W)", Some(180.0)),
            ("lon_east", Some(180.0)),
            ("furlong", None),
            ("flat", None),
            ("salon", None),
            ("colon", None),
            ("belong", None),
            ("lat_zone", None),
            ("longitude_bucket", None),
            ("deg", None),
            ("decimal_places", None),
            ("delta_long", None),
            ("lat_error", None),
            ("diff_lat", None),
            ("lon_sd", None),
            ("speed_lon", None),
            ("lat_offset", None),
            ("max", None),
            ("center_start", None),
            ("long_term_min", None),
        ] {
            let got = rules.numeric_axis(name).map(|a| {
                assert_eq!(rules.rules[a.rule].entity, "GEO_COORDINATE", "{name}");
                a.max_abs
            });
            assert_eq!(got, want, "{name}");
        }
        // Named for positions beyond doubt (scaled whole numbers count), or
        // by the bare axis word.
        for (name, qualified) in [
            ("lat", false),
            ("long", false),
            ("latitude", false),
            ("position_lat", true),
            ("latitudeE7", true),
            ("lon_e6", true),
            ("reclat", true),
            ("lat_deg", true),
        ] {
            assert_eq!(
                rules.numeric_axis(name).map(|a| a.qualified),
                Some(qualified),
                "{name}"
            );
        }
    }

    #[test]
    fn degrees_minutes_and_seconds() {
        let near = |s: &str, want: f64| {
            let got = crate::validators::parse_dms(s).unwrap_or(f64::NAN);
            assert!((got - want).abs() < 1e-4, "{s}: {got}");
        };
        near("40°26′46″N", 40.0 + 26.0 / 60.0 + 46.0 / 3600.0);
        near("73°58'W", -(73.0 + 58.0 / 60.0));
        near("33° 52' 10\" S", -(33.0 + 52.0 / 60.0 + 10.0 / 3600.0));
        near("-122.5°", -122.5);
        near("51°", 51.0);
        near("27.5N", 27.5);
        near("79.0 W", -79.0);
        near("S 33.87", -33.87);
        near("151.2e", 151.2);
        assert_eq!(decimal_comma("52,52"), Some(52.52));
        assert_eq!(decimal_comma("-4,5"), Some(-4.5));
        assert_eq!(decimal_comma("1,2,3"), None);
        assert_eq!(decimal_comma("a,5"), None);
        for bad in [
            "40",
            "N",
            "40°75'N",
            "forty°",
            "40°26′46″X",
            "",
            "1e5N",
            "N-",
            "12.5.3W",
            "Seen",
        ] {
            assert_eq!(crate::validators::parse_dms(bad), None, "{bad}");
        }
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(5_548), (1985, 3, 11));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
