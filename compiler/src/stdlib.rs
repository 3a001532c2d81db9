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
    /// Pause for a number of milliseconds (on the monotonic clock).
    Delay,
}

pub struct StdFn {
    pub id: &'static str,
    pub params: &'static [(&'static str, Type)],
    /// Other documented names for parameters: (alias, parameter).
    pub aliases: &'static [(&'static str, &'static str)],
    pub returns: Type,
    pub effect: &'static str,
    pub intrinsic: Intrinsic,
    pub doc: &'static str,
}

const MESSAGE: &[(&str, Type)] = &[("message", Type::String)];
/// stdlib.md names the console parameter `msg`; LANGUAGE-DECISIONS 2 rules `message`. Both are accepted.
const MSG: &[(&str, &str)] = &[("msg", "message")];

const fn console(id: &'static str, stream: OutStream, newline: bool, doc: &'static str) -> StdFn {
    StdFn {
        id,
        params: MESSAGE,
        aliases: MSG,
        returns: Type::Unit,
        effect: "console",
        intrinsic: Intrinsic::Write { stream, newline },
        doc,
    }
}

pub const STD_FNS: &[StdFn] = &[
    console("console.println", OutStream::Stdout, true, "Print a message to stdout followed by a newline"),
    console("console.print", OutStream::Stdout, false, "Print a message to stdout without a trailing newline"),
    console("console.info", OutStream::Stdout, true, "Print an informational message to stdout"),
    console("console.debug", OutStream::Stdout, true, "Print a debugging message to stdout"),
    console("console.warn", OutStream::Stderr, true, "Print a warning to stderr"),
    console("console.error", OutStream::Stderr, true, "Print a message to stderr followed by a newline"),
    StdFn {
        id: "timers.delay",
        params: &[("ms", Type::Int)],
        aliases: &[],
        returns: Type::Unit,
        effect: "timers",
        intrinsic: Intrinsic::Delay,
        doc: "Pause execution for a number of milliseconds",
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

const WRITE: WasiFn =
    WasiFn { interface: "wasi:io/streams", function: "[method]output-stream.blocking-write-and-flush" };

impl Intrinsic {
    pub fn wasi_fns(self) -> Vec<WasiFn> {
        match self {
            Intrinsic::Write { stream: OutStream::Stdout, .. } => {
                vec![WasiFn { interface: "wasi:cli/stdout", function: "get-stdout" }, WRITE]
            }
            Intrinsic::Write { stream: OutStream::Stderr, .. } => {
                vec![WasiFn { interface: "wasi:cli/stderr", function: "get-stderr" }, WRITE]
            }
            Intrinsic::Delay => vec![
                WasiFn { interface: "wasi:clocks/monotonic-clock", function: "subscribe-duration" },
                WasiFn { interface: "wasi:io/poll", function: "[method]pollable.block" },
                WasiFn { interface: "wasi:io/poll", function: "[resource-drop]pollable" },
            ],
        }
    }
}
