//! Whole-value DFAs: the dense DFA of a pattern (built at build time for
//! the built-in rules), and its re-tabled forms that take one or two bytes
//! per step without a test per byte.

use super::dfa_build;

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
    /// What a walk from `start` (0) or `start_after_space` (1) can make of a
    /// run of digits and the byte after it (see `RunFilter`).
    pub runs: [RunFilter; 2],
    /// The bytes a walk from `start` or `start_after_space` survives as its
    /// first (bit `b` of the 256): a walk from any other byte dies at once.
    pub first: [u64; 4],
}

impl WholeDfa {
    /// Whether a walk from `start` or `start_after_space` may survive `b`
    /// as its first byte.
    #[inline]
    pub fn may_start_with(&self, b: u8) -> bool {
        self.first[b as usize / 64] >> (b % 64) & 1 != 0
    }
}

/// The longest digit run `RunFilter` answers for (longer runs are walked).
pub(crate) const RUN_FILTER_MAX: usize = 15;

/// The byte after a digit run, in the classes `RunFilter` tells apart
/// (the end of the value is class 0; a digit never follows a run).
pub(crate) fn after_run_class(next: Option<u8>) -> u8 {
    match next {
        None => 0,
        Some(b' ') => 1,
        Some(b'.') => 2,
        Some(b'-') => 3,
        Some(b'/') => 4,
        Some(b':') => 5,
        Some(b',') => 6,
        Some(b')') => 7,
        Some(b'A'..=b'Z') => 8,
        Some(b'a'..=b'z') => 9,
        Some(b'(') => 10,
        Some(b'+') => 11,
        Some(b'_') => 12,
        Some(b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) => 13,
        Some(0x80..) => 14,
        Some(_) => 15,
    }
}

/// Whether an anchored walk from one start state over a run of `n` ASCII
/// digits (any digits) and then a byte of a given class (or the end of the
/// value) can end in a match or stay alive: bit `16 * n + class`. A clear
/// bit means every such walk dies without a match, whatever the digits, so
/// it need not be taken. Worked out over the set of states any `n` digits
/// lead to; a walk that meets a match or quit state within the run, or a
/// set too large to follow, keeps its bits set (the walk is taken).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RunFilter {
    alive: [u64; 4],
}

impl RunFilter {
    fn build(
        dfa: &regex_automata::dfa::dense::DFA<Vec<u32>>,
        start: regex_automata::util::primitives::StateID,
    ) -> RunFilter {
        use regex_automata::dfa::Automaton;
        let mut f = RunFilter {
            alive: [u64::MAX; 4],
        };
        let clear = |f: &mut RunFilter, bit: usize| f.alive[bit / 64] &= !(1 << (bit % 64));
        // One byte of each (DFA byte class, class after a run) pair.
        let mut reps: Vec<(u8, u8)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for b in (0..=255u8).filter(|b| !b.is_ascii_digit()) {
            let class = after_run_class(Some(b));
            if seen.insert((dfa.byte_classes().get(b), class)) {
                reps.push((class, b));
            }
        }
        let mut set = vec![start];
        for n in 1..=RUN_FILTER_MAX {
            let mut next: Vec<regex_automata::util::primitives::StateID> = Vec::new();
            for &sid in &set {
                for d in b'0'..=b'9' {
                    let t = dfa.next_state(sid, d);
                    if !dfa.is_dead_state(t) && !next.contains(&t) {
                        next.push(t);
                    }
                }
            }
            // A match or a quit inside the run: this and longer runs are walked.
            if next.len() > 64
                || next
                    .iter()
                    .any(|&t| dfa.is_match_state(t) || dfa.is_quit_state(t))
            {
                return f;
            }
            set = next;
            for class in 0..16u8 {
                let alive = if class == 0 {
                    set.iter()
                        .any(|&t| dfa.is_match_state(dfa.next_eoi_state(t)))
                } else {
                    reps.iter().filter(|&&(c, _)| c == class).any(|&(_, b)| {
                        set.iter()
                            .any(|&t| !dfa.is_dead_state(dfa.next_state(t, b)))
                    })
                };
                if !alive {
                    clear(&mut f, 16 * n + class as usize);
                }
            }
        }
        f
    }

    /// Whether a walk over a run of `n` digits followed by a byte of
    /// `class` may match (always, for runs longer than `RUN_FILTER_MAX`).
    #[inline]
    pub(crate) fn may_match(&self, n: usize, class: u8) -> bool {
        n > RUN_FILTER_MAX || {
            let bit = 16 * n + class as usize;
            self.alive[bit / 64] >> (bit % 64) & 1 != 0
        }
    }
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

/// The whole-value DFA of `pattern` (after `fast_pattern`): a built-in
/// pattern's is deserialised from the binary, another is built; `None`
/// when it would exceed the size limit.
pub(crate) fn whole_dfa(pattern: &str) -> Option<WholeDfa> {
    let dfa = match prebuilt_whole_dfa(pattern) {
        Some(prebuilt) => prebuilt,
        None => dfa_build::build_whole_dense(pattern),
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
    let runs = [
        RunFilter::build(&dfa, start),
        RunFilter::build(&dfa, start_after_space),
    ];
    let mut first = [0u64; 4];
    for b in 0..=255u8 {
        let live = |sid| {
            let t = dfa.next_state(sid, b);
            !dfa.is_dead_state(t)
        };
        if live(start) || live(start_after_space) {
            first[b as usize / 64] |= 1 << (b % 64);
        }
    }
    Some(WholeDfa {
        dfa,
        start,
        start_after_space,
        pairs,
        single,
        spaceless,
        runs,
        first,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The DFAs determinised by build.rs are the ones the library would build
    /// now, byte for byte, for every pattern of the built-in rules; and every
    /// built-in pattern has one (so none is built while scanning).
    #[test]
    fn prebuilt_whole_dfas_are_the_runtime_ones() {
        let rules = crate::RuleSet::builtin().unwrap();
        let mut checked = 0;
        for (r, m) in rules.rules.iter().zip(&rules.compiled) {
            for p in &m.patterns {
                let prebuilt = prebuilt_whole_dfa(p)
                    .unwrap_or_else(|| panic!("{}: no build-time DFA for {p:?}", r.id));
                let now = dfa_build::build_whole_dense(p);
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
}
