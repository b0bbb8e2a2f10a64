//! The matching machinery, and the only module of the crate with `unsafe`
//! code: automata over bytes (whole-value DFAs re-tabled for one or two
//! bytes per step, word automata), SIMD byte classification, the build-time
//! DFAs, and reading string arrays without per-value bounds checks.
//!
//! Every `unsafe` block states why it holds, and each fast form has a
//! scalar or library reference that property tests hold it to: `bytes`
//! against its scalar loop, `Words` against aho-corasick's own search, the
//! re-tabled DFAs against the dense DFA they were built from.
//!
//! It turns patterns and words into automata and runs them; of rules it
//! knows only the byte features a rule may require (`rules::Feature`).
//! `detect::ruleset` compiles rules with it, and `validators` uses its byte
//! classes.

pub(crate) mod bytes;
mod dfa;
// Shared with build.rs, which includes the file by path.
pub(crate) mod dfa_build;
mod pattern;
mod strings;
mod words;

pub(crate) use dfa::{after_run_class, whole_dfa, WholeDfa, RUN_FILTER_MAX};
pub(crate) use dfa_build::fast_pattern;
pub(crate) use pattern::digit_lead;
pub(crate) use strings::each_valid_run;
pub(crate) use words::Words;
