//! The library's error type. Messages name the input; they never carry a raw
//! detected value, a token or a key.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    #[error("{file}{}: rule {}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default(), rule.as_deref().unwrap_or("-"))]
    Rules {
        file: String,
        line: Option<usize>,
        rule: Option<String>,
        message: String,
    },

    #[error("{input}: {message}")]
    Input { input: String, message: String },

    #[error("{input}: not a readable Parquet file: {message}")]
    Parquet { input: String, message: String },

    #[error("{input}: {message}")]
    ObjectStore { input: String, message: String },

    #[error("export refused: {0}")]
    Refused(#[from] crate::gate::Refusal),

    #[error("{0}")]
    Config(String),

    #[error("audit log: {0}")]
    Audit(String),

    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },

    /// The approval service answered a call with an error status; `reason`
    /// is the reason it gave.
    #[error("{call}: the approval service answered {status}: {reason}")]
    Service {
        call: String,
        status: u16,
        reason: String,
    },

    /// The approval service could not be reached, or its answer not read.
    #[error("{call}: {source}")]
    Http {
        call: String,
        #[source]
        source: reqwest::Error,
    },

    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn input(input: impl Into<String>, message: impl std::fmt::Display) -> Self {
        Error::Input {
            input: input.into(),
            message: message.to_string(),
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
