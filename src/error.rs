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

    /// An input that the Parquet reader could not read; `source` is the
    /// reader's error.
    #[error("{input}: not a readable Parquet file: {source}")]
    Parquet {
        input: String,
        #[source]
        source: BoxError,
    },

    /// An object store (or a URL naming one) that refused or failed a call;
    /// `source` is the store's error.
    #[error("{input}: {source}")]
    ObjectStore {
        input: String,
        #[source]
        source: BoxError,
    },

    /// Arrow could not build, cast or concatenate the data named by `context`.
    #[error("{context}: {source}")]
    Arrow {
        context: String,
        #[source]
        source: arrow::error::ArrowError,
    },

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

    /// Writing the output named by `output` failed; `source` is the writer's error.
    #[error("{output}: writing failed: {source}")]
    Write {
        output: String,
        #[source]
        source: BoxError,
    },

    /// A failure piigate does not classify further, with its cause.
    #[error("{context}: {source}")]
    Internal {
        context: String,
        #[source]
        source: BoxError,
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

    /// An object store's failure for `input`: `cause` is the store's error
    /// (or a message, when piigate itself found the problem).
    pub fn object_store(input: impl Into<String>, cause: impl Into<BoxError>) -> Self {
        Error::ObjectStore {
            input: input.into(),
            source: cause.into(),
        }
    }

    /// An Arrow failure while working on `context`.
    pub fn arrow(context: impl Into<String>, source: arrow::error::ArrowError) -> Self {
        Error::Arrow {
            context: context.into(),
            source,
        }
    }

    /// Writing `output` failed.
    pub fn write(output: impl Into<String>, cause: impl Into<BoxError>) -> Self {
        Error::Write {
            output: output.into(),
            source: cause.into(),
        }
    }

    /// An unclassified failure while doing `context`, keeping its cause.
    pub fn internal(context: impl Into<String>, cause: impl Into<BoxError>) -> Self {
        Error::Internal {
            context: context.into(),
            source: cause.into(),
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

/// The cause an error keeps (`std::error::Error::source`).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

pub type Result<T, E = Error> = std::result::Result<T, E>;
