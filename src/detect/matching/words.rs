//! Word automata: every occurrence of a set of words in a value, ASCII
//! case-insensitive, by a direct walk of a re-tabled Aho-Corasick DFA.

use aho_corasick::MatchKind;

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
    pub(crate) fn new(patterns: &[&str]) -> std::result::Result<Words, aho_corasick::BuildError> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
