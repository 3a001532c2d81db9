//! The standard library as the compiler knows it: each function's signature, the effect it
//! performs, and the intrinsic that lowers it. Which WASI functions an intrinsic imports is the
//! single source of truth for the world's imports (see `plan`).

use crate::types::Type;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutStream {
    Stdout,
    Stderr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Intrinsic {
    /// Write the message, then a newline when `newline`.
    Write { stream: OutStream, newline: bool },
}

pub struct StdFn {
    pub id: &'static str,
    pub params: &'static [(&'static str, Type)],
    pub returns: Type,
    pub effect: &'static str,
    pub intrinsic: Intrinsic,
    pub doc: &'static str,
}

const MESSAGE: &[(&str, Type)] = &[("message", Type::String)];

pub const STD_FNS: &[StdFn] = &[
    StdFn {
        id: "console.println",
        params: MESSAGE,
        returns: Type::Unit,
        effect: "console",
        intrinsic: Intrinsic::Write { stream: OutStream::Stdout, newline: true },
        doc: "Print a message to stdout followed by a newline",
    },
    StdFn {
        id: "console.print",
        params: MESSAGE,
        returns: Type::Unit,
        effect: "console",
        intrinsic: Intrinsic::Write { stream: OutStream::Stdout, newline: false },
        doc: "Print a message to stdout without a trailing newline",
    },
    StdFn {
        id: "console.error",
        params: MESSAGE,
        returns: Type::Unit,
        effect: "console",
        intrinsic: Intrinsic::Write { stream: OutStream::Stderr, newline: true },
        doc: "Print a message to stderr followed by a newline",
    },
];

pub fn lookup(id: &str) -> Option<&'static StdFn> {
    STD_FNS.iter().find(|f| f.id == id)
}

/// WASI version every import targets (Wasmtime 48 and jco 1.35 implement it).
pub const WASI_VERSION: &str = "0.2.12";

/// A function of a WIT interface that generated code calls.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WasiFn {
    /// Interface without version, e.g. `wasi:cli/stdout`.
    pub interface: &'static str,
    /// Function name as WIT spells it, e.g. `get-stdout` or `[method]output-stream.blocking-write-and-flush`.
    pub function: &'static str,
}

const WRITE: WasiFn = WasiFn { interface: "wasi:io/streams", function: "[method]output-stream.blocking-write-and-flush" };

impl Intrinsic {
    pub fn wasi_fns(self) -> Vec<WasiFn> {
        match self {
            Intrinsic::Write { stream: OutStream::Stdout, .. } => {
                vec![WasiFn { interface: "wasi:cli/stdout", function: "get-stdout" }, WRITE]
            }
            Intrinsic::Write { stream: OutStream::Stderr, .. } => {
                vec![WasiFn { interface: "wasi:cli/stderr", function: "get-stderr" }, WRITE]
            }
        }
    }
}
