//! The `piigate` binary: parse, call the library, map outcomes to exit codes
//! (0 ok, 1 `--fail-on` threshold reached, 2 usage/input/internal error,
//! 3 export refused).

#![forbid(unsafe_code)]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
