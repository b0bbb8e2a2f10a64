//! One integration-test binary (ripgrep style), one module per area.

mod common;

mod accuracy;
#[cfg(feature = "azure")]
mod azure;
mod bad_input;
mod cli;
mod export;
mod gate_bypass;
#[cfg(feature = "server")]
mod review;
mod rule_examples;
mod scanner_api;
#[cfg(feature = "server")]
mod service;
#[cfg(feature = "sql")]
mod sql;
