//! The library's error type. Messages name the input; they never carry a raw
//! detected value, a token or a key.

use thiserror::Error;

/// Everything that can go wrong in piigate; each message names what it concerns.
#[derive(Debug, Error)]
pub enum Error {
    /// A rule file that does not load.
    #[error("{file}{}: rule {}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default(), rule.as_deref().unwrap_or("-"))]
    Rules {
        /// The file.
        file: String,
        /// The line, when known.
        line: Option<usize>,
        /// The rule's id, when known.
        rule: Option<String>,
        /// What is wrong.
        message: String,
    },

    /// An input that cannot be used as given (missing, unsupported, malformed).
    #[error("{input}: {message}")]
    Input {
        /// The input as the user named it.
        input: String,
        /// What is wrong with it.
        message: String,
    },

    /// An input that could not be opened or read; `source` is the cause
    /// (the operating system's, the URL parser's, the CSV or JSON reader's).
    #[error("{input}: {}{source}", context.map(|c| format!("{c}: ")).unwrap_or_default())]
    Read {
        /// The input as the user named it.
        input: String,
        /// What was being done, when the cause does not say (`not readable as CSV`).
        context: Option<&'static str>,
        /// The cause.
        #[source]
        source: BoxError,
    },

    /// An input that the Parquet reader could not read; `source` is the
    /// reader's error.
    #[error("{input}: not a readable Parquet file: {source}")]
    Parquet {
        /// The input as the user named it.
        input: String,
        /// The reader's error.
        #[source]
        source: BoxError,
    },

    /// An object store (or a URL naming one) that refused or failed a call;
    /// `source` is the store's error.
    #[error("{input}: {source}")]
    ObjectStore {
        /// The input or URL.
        input: String,
        /// The store's error.
        #[source]
        source: BoxError,
    },

    /// Arrow could not build, cast or concatenate the data named by `context`.
    #[error("{context}: {source}")]
    Arrow {
        /// What was being built.
        context: String,
        /// Arrow's error.
        #[source]
        source: arrow::error::ArrowError,
    },

    /// The gate refused the export; the reason says why (exit code 3).
    #[error("export refused: {0}")]
    Refused(#[from] crate::gate::Refusal),

    /// A configuration or policy that is missing or invalid.
    #[error("{0}")]
    Config(String),

    /// The audit log could not be written or read.
    #[error("audit log: {0}")]
    Audit(String),

    /// A file or socket operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, and on what.
        context: String,
        /// The operating system's error.
        source: std::io::Error,
    },

    /// The approval service answered a call with an error status; `reason`
    /// is the reason it gave.
    #[error("{call}: the approval service answered {status}: {reason}")]
    Service {
        /// The call (`POST /v1/requests`).
        call: String,
        /// The HTTP status.
        status: u16,
        /// The service's reason.
        reason: String,
    },

    /// The approval service could not be reached, or its answer not read.
    #[error("{call}: {source}")]
    Http {
        /// The call.
        call: String,
        /// The HTTP client's error.
        #[source]
        source: reqwest::Error,
    },

    /// Writing the output named by `output` failed; `source` is the writer's error.
    #[error("{output}: writing failed: {source}")]
    Write {
        /// The output (a path or URL).
        output: String,
        /// The writer's error.
        #[source]
        source: BoxError,
    },

    /// A failure piigate does not classify further, with its cause.
    #[error("{context}: {source}")]
    Internal {
        /// What was being done.
        context: String,
        /// The underlying error.
        #[source]
        source: BoxError,
    },

    /// Anything else, described.
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// A `Read` error: `input` could not be read because of `source`.
    pub fn read(input: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Error::Read {
            input: input.into(),
            context: None,
            source: source.into(),
        }
    }

    /// A `Read` error while doing `context` (`not readable as CSV`).
    pub fn read_as(
        input: impl Into<String>,
        context: &'static str,
        source: impl Into<BoxError>,
    ) -> Self {
        Error::Read {
            input: input.into(),
            context: Some(context),
            source: source.into(),
        }
    }

    /// An `Input` error for `input` with `message`.
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

    /// An `Io` error while doing `context`.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

/// The cause an error keeps (`std::error::Error::source`).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
