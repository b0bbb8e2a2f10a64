//! How a rule's pattern becomes its whole-value DFA. Shared, as one file, by
//! the library (`detect::matching`) and the build script (`build.rs`), which
//! determinises the built-in rules' DFAs ahead of time: both must build the
//! same automaton, byte for byte (a test compares them).

use regex_automata::dfa::{dense, StartKind};

/// Size limits for a whole-value DFA; rules whose DFA would be larger keep
/// using the lazy one.
pub const WHOLE_DFA_LIMIT: usize = 2 << 20;

/// ASCII word boundaries and digits: identifiers are ASCII, and a Unicode `\b`
/// would keep the lazy DFA from running on non-ASCII text.
pub fn fast_pattern(p: &str) -> String {
    p.replace(r"\b", r"(?-u:\b)").replace(r"\d", "[0-9]")
}

/// The anchored dense DFA of `pattern` (already through `fast_pattern`), or
/// `None` when it would exceed `WHOLE_DFA_LIMIT`.
pub fn build_whole_dense(pattern: &str) -> Option<dense::DFA<Vec<u32>>> {
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Anchored)
                .dfa_size_limit(Some(WHOLE_DFA_LIMIT))
                .determinize_size_limit(Some(2 * WHOLE_DFA_LIMIT)),
        )
        .build(pattern)
        .ok()
}
