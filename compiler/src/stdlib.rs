//! The standard library as the compiler knows it: each function's signature, the effect it
//! performs, and the intrinsic that lowers it. Which WASI functions an intrinsic imports is the
//! single source of truth for the world's imports (see `plan`).
//!
//! Signatures are written as Covenant type text (`String | IoError`), resolved by the checker like
//! any type a user writes; the standard library's own structs (`STD_TYPES`) are declared when a
//! program first names them.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutStream {
    Stdout,
    Stderr,
}

/// Filesystem operations (`fs.*`), each one runtime helper over `wasi:filesystem`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FsOp {
    ReadFile,
    WriteFile,
    Exists,
    Mkdir,
    Remove,
    Stat,
    ReadDir,
    Copy,
    Rename,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Intrinsic {
    /// Write the message, then a newline when `newline`.
    Write { stream: OutStream, newline: bool },
    /// Pause for a number of milliseconds (on the monotonic clock).
    Delay,
    /// A filesystem operation. Its last argument is the declared `filesystem(path=..)` of the
    /// calling function ("" when it names none), which the component checks before the host does.
    Fs(FsOp),
    /// `os.env_get`: one variable of `wasi:cli/environment`.
    EnvGet,
    /// `random.int`: uniform in [min, max], from `wasi:random/random`.
    RandomInt,
    /// `random.float`: uniform in [0, 1).
    RandomFloat,
}

/// A parameter: name, type as written, and the literal used when an optional one is not given.
pub struct StdParam {
    pub name: &'static str,
    pub ty: &'static str,
    pub default: Option<StdDefault>,
}

#[derive(Clone, Copy, Debug)]
pub enum StdDefault {
    Bool(bool),
}

pub struct StdFn {
    pub id: &'static str,
    pub params: &'static [StdParam],
    /// Other documented names for parameters: (alias, parameter).
    pub aliases: &'static [(&'static str, &'static str)],
    pub returns: &'static str,
    /// The effect a caller must declare; `None` for pure functions.
    pub effect: Option<&'static str>,
    pub intrinsic: Intrinsic,
    pub doc: &'static str,
}

const fn p(name: &'static str, ty: &'static str) -> StdParam {
    StdParam { name, ty, default: None }
}

const MESSAGE: &[StdParam] = &[p("message", "String")];
/// stdlib.md names the console parameter `msg`; LANGUAGE-DECISIONS 2 rules `message`. Both are accepted.
const MSG: &[(&str, &str)] = &[("msg", "message")];
const PATH: &[StdParam] = &[p("path", "String")];
const SRC_DEST: &[StdParam] = &[p("src", "String"), p("dest", "String")];

const fn console(id: &'static str, stream: OutStream, newline: bool, doc: &'static str) -> StdFn {
    StdFn {
        id,
        params: MESSAGE,
        aliases: MSG,
        returns: "Unit",
        effect: Some("console"),
        intrinsic: Intrinsic::Write { stream, newline },
        doc,
    }
}

const fn fs(
    id: &'static str,
    params: &'static [StdParam],
    returns: &'static str,
    op: FsOp,
    doc: &'static str,
) -> StdFn {
    StdFn { id, params, aliases: &[], returns, effect: Some("filesystem"), intrinsic: Intrinsic::Fs(op), doc }
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
        params: &[p("ms", "Int")],
        aliases: &[],
        returns: "Unit",
        effect: Some("timers"),
        intrinsic: Intrinsic::Delay,
        doc: "Pause execution for a number of milliseconds",
    },
    fs("fs.read_file", PATH, "String | IoError", FsOp::ReadFile, "Read a whole file as UTF-8 text"),
    fs(
        "fs.write_file",
        &[p("path", "String"), p("content", "String")],
        "Unit | IoError",
        FsOp::WriteFile,
        "Write text to a file, creating or replacing it",
    ),
    fs("fs.exists", PATH, "Bool", FsOp::Exists, "Whether a file or directory exists at the path"),
    fs(
        "fs.mkdir",
        &[p("path", "String"), StdParam { name: "recursive", ty: "Bool", default: Some(StdDefault::Bool(false)) }],
        "Unit | IoError",
        FsOp::Mkdir,
        "Create a directory (and its missing parents when `recursive`)",
    ),
    fs("fs.remove", PATH, "Unit | IoError", FsOp::Remove, "Delete a file or an empty directory"),
    fs("fs.stat", PATH, "FileStat | IoError", FsOp::Stat, "Size and kind of a file or directory"),
    fs("fs.read_dir", PATH, "List<DirEntry> | IoError", FsOp::ReadDir, "The entries of a directory"),
    fs("fs.copy", SRC_DEST, "Unit | IoError", FsOp::Copy, "Copy a file"),
    fs("fs.rename", SRC_DEST, "Unit | IoError", FsOp::Rename, "Rename or move a file or directory"),
    StdFn {
        id: "os.env_get",
        params: &[p("name", "String")],
        aliases: &[],
        returns: "String?",
        effect: Some("os"),
        intrinsic: Intrinsic::EnvGet,
        doc: "An environment variable, or none when it is not set",
    },
    StdFn {
        id: "random.int",
        params: &[p("min", "Int"), p("max", "Int")],
        aliases: &[],
        returns: "Int",
        effect: Some("random"),
        intrinsic: Intrinsic::RandomInt,
        doc: "A random Int from min to max (both included), from the host's secure source",
    },
    StdFn {
        id: "random.float",
        params: &[],
        aliases: &[],
        returns: "Float",
        effect: Some("random"),
        intrinsic: Intrinsic::RandomFloat,
        doc: "A random Float at least 0 and below 1",
    },
];

/// The standard library's structs: name and fields (name, type as written). A program may use
/// them by name; a program that declares a type of the same name keeps its own.
pub const STD_TYPES: &[(&str, &[(&str, &str)])] = &[
    ("IoError", &[("message", "String"), ("code", "String")]),
    ("FileStat", &[("size", "Int"), ("is_file", "Bool"), ("is_directory", "Bool")]),
    ("DirEntry", &[("name", "String"), ("is_file", "Bool"), ("is_directory", "Bool")]),
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

const fn wasi(interface: &'static str, function: &'static str) -> WasiFn {
    WasiFn { interface, function }
}

const WRITE: WasiFn = wasi("wasi:io/streams", "[method]output-stream.blocking-write-and-flush");
const FS_TYPES: &str = "wasi:filesystem/types";
pub(crate) const GET_DIRECTORIES: WasiFn = wasi("wasi:filesystem/preopens", "get-directories");
pub(crate) const DROP_DESCRIPTOR: WasiFn = wasi(FS_TYPES, "[resource-drop]descriptor");
pub(crate) const OPEN_AT: WasiFn = wasi(FS_TYPES, "[method]descriptor.open-at");
pub(crate) const READ: WasiFn = wasi(FS_TYPES, "[method]descriptor.read");
pub(crate) const WRITE_AT: WasiFn = wasi(FS_TYPES, "[method]descriptor.write");
pub(crate) const STAT_AT: WasiFn = wasi(FS_TYPES, "[method]descriptor.stat-at");
pub(crate) const MKDIR_AT: WasiFn = wasi(FS_TYPES, "[method]descriptor.create-directory-at");
pub(crate) const RMDIR_AT: WasiFn = wasi(FS_TYPES, "[method]descriptor.remove-directory-at");
pub(crate) const UNLINK_AT: WasiFn = wasi(FS_TYPES, "[method]descriptor.unlink-file-at");
pub(crate) const RENAME_AT: WasiFn = wasi(FS_TYPES, "[method]descriptor.rename-at");
pub(crate) const READ_DIR: WasiFn = wasi(FS_TYPES, "[method]descriptor.read-directory");
pub(crate) const READ_DIR_ENTRY: WasiFn = wasi(FS_TYPES, "[method]directory-entry-stream.read-directory-entry");
pub(crate) const DROP_DIR_STREAM: WasiFn = wasi(FS_TYPES, "[resource-drop]directory-entry-stream");
pub(crate) const GET_ENVIRONMENT: WasiFn = wasi("wasi:cli/environment", "get-environment");
pub(crate) const RANDOM_U64: WasiFn = wasi("wasi:random/random", "get-random-u64");

impl FsOp {
    /// The `wasi:filesystem/types` functions this operation calls (besides finding the preopens).
    fn wasi_fns(self) -> &'static [WasiFn] {
        match self {
            FsOp::ReadFile => &[OPEN_AT, READ],
            FsOp::WriteFile => &[OPEN_AT, WRITE_AT],
            FsOp::Exists => &[STAT_AT],
            FsOp::Mkdir => &[MKDIR_AT],
            FsOp::Remove => &[STAT_AT, RMDIR_AT, UNLINK_AT],
            FsOp::Stat => &[STAT_AT],
            FsOp::ReadDir => &[OPEN_AT, READ_DIR, READ_DIR_ENTRY, DROP_DIR_STREAM],
            FsOp::Copy => &[OPEN_AT, READ, WRITE_AT],
            FsOp::Rename => &[RENAME_AT],
        }
    }

    /// Whether the operation takes two paths (`src`, `dest`).
    pub fn two_paths(self) -> bool {
        matches!(self, FsOp::Copy | FsOp::Rename)
    }
}

impl Intrinsic {
    pub fn wasi_fns(self) -> Vec<WasiFn> {
        match self {
            Intrinsic::Write { stream: OutStream::Stdout, .. } => vec![wasi("wasi:cli/stdout", "get-stdout"), WRITE],
            Intrinsic::Write { stream: OutStream::Stderr, .. } => vec![wasi("wasi:cli/stderr", "get-stderr"), WRITE],
            Intrinsic::Delay => vec![
                wasi("wasi:clocks/monotonic-clock", "subscribe-duration"),
                wasi("wasi:io/poll", "[method]pollable.block"),
                wasi("wasi:io/poll", "[resource-drop]pollable"),
            ],
            Intrinsic::Fs(op) => {
                let mut fns = vec![GET_DIRECTORIES];
                fns.extend(op.wasi_fns().iter().cloned());
                if op.wasi_fns().contains(&OPEN_AT) {
                    fns.push(DROP_DESCRIPTOR);
                }
                fns
            }
            Intrinsic::EnvGet => vec![GET_ENVIRONMENT],
            Intrinsic::RandomInt | Intrinsic::RandomFloat => vec![RANDOM_U64],
        }
    }

    /// Whether the host hands the component lists or strings (so it must export `cabi_realloc`).
    pub fn receives_memory(self) -> bool {
        matches!(self, Intrinsic::Fs(_) | Intrinsic::EnvGet)
    }
}
