//! The standard library as the compiler knows it: each function's signature, the effect it
//! performs, and the intrinsic that lowers it. Which WASI functions an intrinsic imports is the
//! single source of truth for the world's imports (see `plan`).
//!
//! Signatures are written as Covenant type text (`String | IoError`), resolved by the checker like
//! any type a user writes; the standard library's own structs (`STD_TYPES`) are declared when a
//! program first names them.

use std::borrow::Cow;

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
    WriteBytes,
    Exists,
    Mkdir,
    Remove,
    Stat,
    ReadDir,
    Copy,
    Rename,
}

/// `json.*` functions. `Is` and `As` name a case of `Json` (Null 0, Bool 1, Number 2, String 3,
/// Array 4, Object 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JsonFn {
    Parse,
    IsValid,
    Stringify,
    Format,
    Is(u32),
    As(u32),
    GetField,
    GetIndex,
}

/// `url.*` functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UrlFn {
    Parse,
    Format,
    Resolve,
}

/// `path.*` functions (Node's `path.posix`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PathFn {
    Join,
    Normalize,
    Dirname,
    Basename,
    Extname,
    IsAbsolute,
}

/// `text.regex_*` functions (JavaScript's `RegExp` semantics; the pattern is compiled with the
/// program, so it must be a literal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegexFn {
    Test,
    Match,
    Replace,
    ReplaceAll,
    Split,
}

/// `time.*` functions: DateTime values (milliseconds since the Unix epoch, UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeFn {
    /// The wall clock (`wasi:clocks/wall-clock`).
    Now,
    FromUnix,
    FromUnixMs,
    UnixMs,
}

/// Key-value operations (`std.storage.kv.*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KvOp {
    Set,
    Get,
    Delete,
    Has,
    List,
    Clear,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Intrinsic {
    /// Write the message, then a newline when `newline`.
    Write {
        stream: OutStream,
        newline: bool,
    },
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
    /// `crypto.sha256`: pure, inside the component.
    Sha256,
    /// `path.*`: pure, inside the component.
    Path(PathFn),
    /// `json.*`: pure, inside the component.
    Json(JsonFn),
    /// `url.*`: pure, inside the component.
    Url(UrlFn),
    /// `text.replace`: the first occurrence only.
    ReplaceFirst,
    /// `path.resolve`: against the initial working directory of `wasi:cli/environment`.
    PathResolve,
    /// `crypto.random_bytes`: from `wasi:random/random`.
    RandomBytes,
    /// `std.storage.kv.*` on `wasi:keyvalue/store`.
    Kv(KvOp),
    /// A call of an `extern` snippet bound to a WASI function (`CheckedProgram::externs` index).
    Extern(u32),
    /// `http.*`: one request. Its arguments are always (url, method, body, headers, content
    /// type, timeout in ms, the declared `network(host=..)` or "").
    Http,
    /// A SQL `query` step (`CheckedProgram::queries` index); its arguments are the parameters.
    Query(u32),
    /// A `transaction` step's start, commit and rollback on a database (by index).
    TxBegin(u32),
    TxCommit(u32),
    TxRollback(u32),
    /// Whether the last query or transaction operation failed (Bool).
    DbFailed,
    /// That failure as a `DbError`.
    DbError,
    /// A project query: its argument is the JSON query AST; its result `Symbol[]`.
    ProjectQuery,
    /// `text.regex_*`: pure, inside the component. The first argument is the pattern's text.
    Regex(RegexFn),
    /// `time.*`.
    Time(TimeFn),
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
    Int(i64),
    Str(&'static str),
    /// The empty `Map<String, String>`.
    NoHeaders,
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
/// runtime/std's filesystem module names stdlib.md's `dest` `dst`.
const DST: &[(&str, &str)] = &[("dst", "dest")];

const fn opt(name: &'static str, ty: &'static str, default: StdDefault) -> StdParam {
    StdParam { name, ty, default: Some(default) }
}

const URL: StdParam = p("url", "String");
const HEADERS: StdParam = opt("headers", "Map<String, String>", StdDefault::NoHeaders);
const TIMEOUT: StdParam = opt("timeout", "Int", StdDefault::Int(0));
const CONTENT_TYPE: StdParam = opt("content_type", "String", StdDefault::Str(""));
const HTTP_RESULT: &str = "Response | HttpError";

const fn http(id: &'static str, params: &'static [StdParam], doc: &'static str) -> StdFn {
    StdFn { id, params, aliases: &[], returns: HTTP_RESULT, effect: Some("network"), intrinsic: Intrinsic::Http, doc }
}

/// The parameters every `http.*` call is lowered with, in order, and each one's value when a
/// function does not take it (`method` depends on the function; see `http_method`).
pub const HTTP_ARGS: &[(&str, StdDefault)] = &[
    ("url", StdDefault::Str("")),
    ("method", StdDefault::Str("GET")),
    ("body", StdDefault::Str("")),
    ("headers", StdDefault::NoHeaders),
    ("content_type", StdDefault::Str("")),
    ("timeout", StdDefault::Int(0)),
];

/// The method of `http.get`, `http.post`, ...; `None` for `http.request`, which takes one.
pub fn http_method(id: &str) -> Option<&'static str> {
    match id {
        "http.get" => Some("GET"),
        "http.post" => Some("POST"),
        "http.put" => Some("PUT"),
        "http.delete" => Some("DELETE"),
        _ => None,
    }
}

const JSON: &[StdParam] = &[p("value", "Json")];

const fn json(
    id: &'static str,
    params: &'static [StdParam],
    returns: &'static str,
    f: JsonFn,
    doc: &'static str,
) -> StdFn {
    StdFn { id, params, aliases: &[], returns, effect: None, intrinsic: Intrinsic::Json(f), doc }
}

const fn path(
    id: &'static str,
    params: &'static [StdParam],
    returns: &'static str,
    f: PathFn,
    doc: &'static str,
) -> StdFn {
    StdFn { id, params, aliases: &[], returns, effect: None, intrinsic: Intrinsic::Path(f), doc }
}

const fn kv(
    id: &'static str,
    params: &'static [StdParam],
    returns: &'static str,
    op: KvOp,
    doc: &'static str,
) -> StdFn {
    StdFn { id, params, aliases: &[], returns, effect: Some("storage"), intrinsic: Intrinsic::Kv(op), doc }
}

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
    StdFn { id, params, aliases: DST, returns, effect: Some("filesystem"), intrinsic: Intrinsic::Fs(op), doc }
}

const PATTERN_INPUT: &[StdParam] = &[p("pattern", "String"), p("input", "String")];
const PATTERN_REPLACEMENT: &[StdParam] = &[p("pattern", "String"), p("input", "String"), p("replacement", "String")];

const fn regex(
    id: &'static str,
    params: &'static [StdParam],
    returns: &'static str,
    f: RegexFn,
    doc: &'static str,
) -> StdFn {
    StdFn { id, params, aliases: &[], returns, effect: None, intrinsic: Intrinsic::Regex(f), doc }
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
    fs(
        "fs.write_bytes",
        &[p("path", "String"), p("content", "Bytes")],
        "Unit | IoError",
        FsOp::WriteBytes,
        "Write binary data to a file, creating or replacing it",
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
    http("http.get", &[URL, HEADERS, TIMEOUT], "GET a URL"),
    http("http.post", &[URL, p("body", "String"), HEADERS, CONTENT_TYPE, TIMEOUT], "POST a body to a URL"),
    http("http.put", &[URL, p("body", "String"), HEADERS, CONTENT_TYPE, TIMEOUT], "PUT a body to a URL"),
    http("http.delete", &[URL, HEADERS, TIMEOUT], "DELETE a URL"),
    http(
        "http.request",
        &[URL, p("method", "String"), opt("body", "String", StdDefault::Str("")), HEADERS, CONTENT_TYPE, TIMEOUT],
        "Any request: method, optional body, headers, content type and timeout (ms)",
    ),
    kv("std.storage.kv.set", &[p("key", "String"), p("value", "String")], "Unit", KvOp::Set, "Store a value"),
    kv("std.storage.kv.get", &[p("key", "String")], "String?", KvOp::Get, "A stored value, or none"),
    kv("std.storage.kv.delete", &[p("key", "String")], "Unit", KvOp::Delete, "Delete a value"),
    kv("std.storage.kv.has", &[p("key", "String")], "Bool", KvOp::Has, "Whether a key holds a value"),
    kv("std.storage.kv.list", &[p("prefix", "String")], "String[]", KvOp::List, "The keys with a prefix, sorted"),
    kv(
        "std.storage.kv.clear",
        &[opt("prefix", "String", StdDefault::Str(""))],
        "Unit",
        KvOp::Clear,
        "Delete every value, or those whose keys have a prefix",
    ),
    path(
        "path.join",
        &[p("base", "String"), p("segment", "String")],
        "String",
        PathFn::Join,
        "Join two paths and normalize",
    ),
    path("path.normalize", PATH, "String", PathFn::Normalize, "Resolve `.` and `..` and repeated slashes"),
    path("path.dirname", PATH, "String", PathFn::Dirname, "The directory part of a path"),
    path("path.basename", PATH, "String", PathFn::Basename, "The last part of a path"),
    path("path.extname", PATH, "String", PathFn::Extname, "The extension of the last part, with its dot"),
    path("path.is_absolute", PATH, "Bool", PathFn::IsAbsolute, "Whether a path starts at the root"),
    json("json.parse", &[p("input", "String")], "Json | JsonError", JsonFn::Parse, "Parse JSON text"),
    json("json.is_valid", &[p("input", "String")], "Bool", JsonFn::IsValid, "Whether the text is JSON"),
    json("json.stringify", JSON, "String", JsonFn::Stringify, "Compact JSON text"),
    json(
        "json.format",
        &[p("value", "Json"), opt("indent", "String", StdDefault::Str("  "))],
        "String",
        JsonFn::Format,
        "Indented JSON text (two spaces unless `indent` says otherwise)",
    ),
    json("json.is_null", JSON, "Bool", JsonFn::Is(0), "Whether the value is null"),
    json("json.is_bool", JSON, "Bool", JsonFn::Is(1), "Whether the value is a boolean"),
    json("json.is_number", JSON, "Bool", JsonFn::Is(2), "Whether the value is a number"),
    json("json.is_string", JSON, "Bool", JsonFn::Is(3), "Whether the value is a string"),
    json("json.is_array", JSON, "Bool", JsonFn::Is(4), "Whether the value is an array"),
    json("json.is_object", JSON, "Bool", JsonFn::Is(5), "Whether the value is an object"),
    json("json.as_bool", JSON, "Bool?", JsonFn::As(1), "The boolean, or none"),
    json("json.as_number", JSON, "Float?", JsonFn::As(2), "The number, or none"),
    json("json.as_string", JSON, "String?", JsonFn::As(3), "The string, or none"),
    json(
        "json.get_field",
        &[p("obj", "Json"), p("key", "String")],
        "Json?",
        JsonFn::GetField,
        "An object's field, or none (not an object, or no such key)",
    ),
    json(
        "json.get_index",
        &[p("arr", "Json"), p("index", "Int")],
        "Json?",
        JsonFn::GetIndex,
        "An array's element, or none (not an array, or out of range)",
    ),
    StdFn {
        id: "path.resolve",
        params: PATH,
        aliases: &[],
        returns: "String",
        effect: Some("os"),
        intrinsic: Intrinsic::PathResolve,
        doc: "An absolute, normalized path: a relative one is taken from the working directory the host gives",
    },
    StdFn {
        id: "text.replace",
        params: &[p("s", "String"), p("from", "String"), p("to", "String")],
        aliases: &[],
        returns: "String",
        effect: None,
        intrinsic: Intrinsic::ReplaceFirst,
        doc: "The text with the first occurrence of `from` replaced by `to` (`text.replace_all` replaces every one)",
    },
    StdFn {
        id: "url.parse",
        params: &[p("raw", "String")],
        aliases: &[],
        returns: "Url | UrlError",
        effect: None,
        intrinsic: Intrinsic::Url(UrlFn::Parse),
        doc: "The parts of a URL (WHATWG URL parsing)",
    },
    StdFn {
        id: "url.format",
        params: &[p("url", "Url")],
        aliases: &[],
        returns: "String",
        effect: None,
        intrinsic: Intrinsic::Url(UrlFn::Format),
        doc: "A URL's text",
    },
    StdFn {
        id: "url.resolve",
        params: &[p("base", "String"), p("relative", "String")],
        aliases: &[],
        returns: "String",
        effect: None,
        intrinsic: Intrinsic::Url(UrlFn::Resolve),
        doc: "A relative reference resolved against a base URL (the relative text when either is not a URL)",
    },
    StdFn {
        id: "crypto.random_bytes",
        params: &[p("length", "Int")],
        aliases: &[],
        returns: "Bytes",
        effect: Some("random"),
        intrinsic: Intrinsic::RandomBytes,
        doc: "Cryptographically secure random bytes (a negative length is the runtime error invalid range)",
    },
    StdFn {
        id: "crypto.sha256",
        params: &[p("input", "String")],
        aliases: &[],
        returns: "String",
        effect: None,
        intrinsic: Intrinsic::Sha256,
        doc: "The SHA-256 digest of the text's UTF-8 bytes, as 64 lower-case hex digits",
    },
    regex("text.regex_test", PATTERN_INPUT, "Bool", RegexFn::Test, "Whether the pattern matches anywhere in the input"),
    regex(
        "text.regex_match",
        PATTERN_INPUT,
        "String",
        RegexFn::Match,
        "The first match as JSON `{\"matched\", \"index\" (in characters), \"groups\": [..]}`, or \"\" when none",
    ),
    regex(
        "text.regex_replace",
        PATTERN_REPLACEMENT,
        "String",
        RegexFn::Replace,
        "The input with the first match replaced (`$&`, `$1`, `$<name>`, `$$` expand as in JavaScript)",
    ),
    regex(
        "text.regex_replace_all",
        PATTERN_REPLACEMENT,
        "String",
        RegexFn::ReplaceAll,
        "The input with every match replaced",
    ),
    regex(
        "text.regex_split",
        PATTERN_INPUT,
        "String",
        RegexFn::Split,
        "The pieces between matches (and captured groups) as a JSON array of strings",
    ),
    StdFn {
        id: "time.now",
        params: &[],
        aliases: &[],
        returns: "DateTime",
        effect: Some("datetime"),
        intrinsic: Intrinsic::Time(TimeFn::Now),
        doc: "The current date and time from the host's wall clock (UTC, millisecond precision)",
    },
    StdFn {
        id: "time.from_unix",
        params: &[p("seconds", "Int")],
        aliases: &[],
        returns: "DateTime",
        effect: None,
        intrinsic: Intrinsic::Time(TimeFn::FromUnix),
        doc: "The DateTime that many seconds after 1970-01-01T00:00:00Z (before it when negative)",
    },
    StdFn {
        id: "time.from_unix_ms",
        params: &[p("ms", "Int")],
        aliases: &[],
        returns: "DateTime",
        effect: None,
        intrinsic: Intrinsic::Time(TimeFn::FromUnixMs),
        doc: "The DateTime that many milliseconds after 1970-01-01T00:00:00Z",
    },
    StdFn {
        id: "time.unix_ms",
        params: &[p("value", "DateTime")],
        aliases: &[],
        returns: "Int",
        effect: None,
        intrinsic: Intrinsic::Time(TimeFn::UnixMs),
        doc: "Milliseconds since 1970-01-01T00:00:00Z (`dt_unix` gives whole seconds)",
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
    ("FileStat", &[("size", "Int"), ("is_file", "Bool"), ("is_directory", "Bool"), ("modified", "DateTime?")]),
    ("DirEntry", &[("name", "String"), ("is_file", "Bool"), ("is_directory", "Bool")]),
    (
        "Url",
        &[
            ("protocol", "String"),
            ("host", "String"),
            ("port", "Int?"),
            ("pathname", "String"),
            ("search", "String?"),
            ("hash", "String?"),
        ],
    ),
    ("UrlError", &[("message", "String")]),
    ("Response", &[("status", "Int"), ("body", "String"), ("headers", "Map<String, String>")]),
    ("HttpError", &[("message", "String"), ("status", "Int?")]),
    // The first fields of `covenant:database/sql`'s `error` record, in its layout.
    ("DbError", &[("code", "String"), ("message", "String")]),
    // A node of the symbol graph from a project query (`data`: the node as JSON).
    ("Symbol", &[("id", "String"), ("kind", "String"), ("data", "String")]),
];

/// Standard-library functions that are operators under another name (`text.upper(s)` is the
/// `upper` operator): id, operator, and the parameters in operand order (runtime/std's names).
pub const OPERATOR_FNS: &[(&str, &str, &[&str])] = &[
    ("text.concat", "concat", &["a", "b"]),
    ("text.upper", "upper", &["s"]),
    ("text.lower", "lower", &["s"]),
    ("text.trim", "trim", &["s"]),
    ("text.trim_start", "trim_start", &["s"]),
    ("text.trim_end", "trim_end", &["s"]),
    ("text.contains", "contains", &["haystack", "needle"]),
    ("text.starts_with", "starts_with", &["s", "prefix"]),
    ("text.ends_with", "ends_with", &["s", "suffix"]),
    ("text.index_of", "index_of", &["haystack", "needle"]),
    ("text.slice", "slice", &["s", "start", "end"]),
    ("text.char_at", "char_at", &["s", "index"]),
    ("text.replace_all", "replace", &["s", "from", "to"]),
    ("text.split", "split", &["s", "delimiter"]),
    ("text.join", "join", &["parts", "separator"]),
    ("text.repeat", "repeat", &["s", "count"]),
    ("text.str_len", "str_len", &["s"]),
    ("text.byte_len", "byte_len", &["s"]),
    ("text.is_empty", "is_empty", &["s"]),
    ("text.str_reverse", "str_reverse", &["s"]),
    ("text.pad_start", "pad_start", &["s", "target_len", "fill"]),
    ("text.pad_end", "pad_end", &["s", "target_len", "fill"]),
    ("list.len", "list_len", &["list"]),
    ("list.is_empty", "list_is_empty", &["list"]),
    ("list.get", "list_get", &["list", "index"]),
    ("list.first", "list_first", &["list"]),
    ("list.last", "list_last", &["list"]),
    ("list.append", "list_append", &["list", "item"]),
    ("list.contains", "list_contains", &["list", "item"]),
    ("list.flatten", "list_flatten", &["list"]),
    ("map.get", "map_get", &["map", "key"]),
];

/// Fields as (name, type as written).
pub type StdFields = &'static [(&'static str, &'static str)];

/// The standard library's enums: name, and each variant's fields.
pub const STD_ENUMS: &[(&str, &[(&str, StdFields)])] = &[
    (
        "Json",
        &[
            ("Null", &[]),
            ("Bool", &[("value", "Bool")]),
            ("Number", &[("value", "Float")]),
            ("String", &[("value", "String")]),
            ("Array", &[("items", "Json[]")]),
            ("Object", &[("fields", "Map<String, Json>")]),
        ],
    ),
    (
        "JsonError",
        &[
            ("ParseError", &[("message", "String"), ("line", "Int"), ("column", "Int")]),
            ("InvalidType", &[("expected", "String"), ("actual", "String")]),
        ],
    ),
];

/// A library function by id; `std.text.replace` names `text.replace` (runtime/std's ids).
pub fn lookup(id: &str) -> Option<&'static StdFn> {
    let short = id.strip_prefix("std.").filter(|rest| !rest.starts_with("storage."));
    STD_FNS.iter().find(|f| f.id == id || Some(f.id) == short)
}

/// An operator under its library name (`text.upper`, or `std.text.upper`).
pub fn operator_fn(id: &str) -> Option<&'static (&'static str, &'static str, &'static [&'static str])> {
    let short = id.strip_prefix("std.");
    OPERATOR_FNS.iter().find(|(name, ..)| *name == id || Some(*name) == short)
}

/// WASI version every import targets (Wasmtime 48 and jco 1.35 implement it).
pub const WASI_VERSION: &str = "0.2.12";
/// `wasi:keyvalue` is not part of WASI 0.2.12; Wasmtime 48 implements this draft.
pub const KEYVALUE_VERSION: &str = "0.2.0-draft";

/// Other names a program may declare an effect by (LANGUAGE-DECISIONS 31): (alias, effect).
pub const EFFECT_ALIASES: &[(&str, &str)] = &[("std.storage", "storage")];

/// The canonical name of an effect as declared.
pub fn canonical_effect(name: &str) -> &str {
    EFFECT_ALIASES.iter().find(|(alias, _)| *alias == name).map_or(name, |(_, canonical)| canonical)
}

/// A function of a WIT interface that generated code calls.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WasiFn {
    /// Interface without version, e.g. `wasi:cli/stdout`.
    pub interface: Cow<'static, str>,
    /// Function name as WIT spells it, e.g. `get-stdout` or `[method]output-stream.blocking-write-and-flush`.
    pub function: Cow<'static, str>,
}

pub(crate) const fn wasi(interface: &'static str, function: &'static str) -> WasiFn {
    WasiFn { interface: Cow::Borrowed(interface), function: Cow::Borrowed(function) }
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
/// The `wasi:http` and `wasi:io` functions behind `http.*`.
pub(crate) mod http {
    use super::{WasiFn, wasi};
    const T: &str = "wasi:http/types";
    pub const FIELDS_FROM_LIST: WasiFn = wasi(T, "[static]fields.from-list");
    pub const FIELDS_ENTRIES: WasiFn = wasi(T, "[method]fields.entries");
    pub const DROP_FIELDS: WasiFn = wasi(T, "[resource-drop]fields");
    pub const NEW_REQUEST: WasiFn = wasi(T, "[constructor]outgoing-request");
    pub const SET_METHOD: WasiFn = wasi(T, "[method]outgoing-request.set-method");
    pub const SET_SCHEME: WasiFn = wasi(T, "[method]outgoing-request.set-scheme");
    pub const SET_AUTHORITY: WasiFn = wasi(T, "[method]outgoing-request.set-authority");
    pub const SET_PATH: WasiFn = wasi(T, "[method]outgoing-request.set-path-with-query");
    pub const REQUEST_BODY: WasiFn = wasi(T, "[method]outgoing-request.body");
    pub const NEW_OPTIONS: WasiFn = wasi(T, "[constructor]request-options");
    pub const SET_CONNECT_TIMEOUT: WasiFn = wasi(T, "[method]request-options.set-connect-timeout");
    pub const SET_FIRST_BYTE_TIMEOUT: WasiFn = wasi(T, "[method]request-options.set-first-byte-timeout");
    pub const SET_BETWEEN_BYTES_TIMEOUT: WasiFn = wasi(T, "[method]request-options.set-between-bytes-timeout");
    pub const BODY_WRITE: WasiFn = wasi(T, "[method]outgoing-body.write");
    pub const BODY_FINISH: WasiFn = wasi(T, "[static]outgoing-body.finish");
    pub const HANDLE: WasiFn = wasi("wasi:http/outgoing-handler", "handle");
    pub const FUTURE_SUBSCRIBE: WasiFn = wasi(T, "[method]future-incoming-response.subscribe");
    pub const FUTURE_GET: WasiFn = wasi(T, "[method]future-incoming-response.get");
    pub const DROP_FUTURE: WasiFn = wasi(T, "[resource-drop]future-incoming-response");
    pub const RESPONSE_STATUS: WasiFn = wasi(T, "[method]incoming-response.status");
    pub const RESPONSE_HEADERS: WasiFn = wasi(T, "[method]incoming-response.headers");
    pub const RESPONSE_CONSUME: WasiFn = wasi(T, "[method]incoming-response.consume");
    pub const DROP_RESPONSE: WasiFn = wasi(T, "[resource-drop]incoming-response");
    pub const INCOMING_BODY_STREAM: WasiFn = wasi(T, "[method]incoming-body.stream");
    pub const DROP_INCOMING_BODY: WasiFn = wasi(T, "[resource-drop]incoming-body");
    pub const BLOCKING_READ: WasiFn = wasi("wasi:io/streams", "[method]input-stream.blocking-read");
    pub const DROP_INPUT_STREAM: WasiFn = wasi("wasi:io/streams", "[resource-drop]input-stream");
    pub const DROP_OUTPUT_STREAM: WasiFn = wasi("wasi:io/streams", "[resource-drop]output-stream");
    pub const DROP_IO_ERROR: WasiFn = wasi("wasi:io/error", "[resource-drop]error");
    pub const POLLABLE_BLOCK: WasiFn = wasi("wasi:io/poll", "[method]pollable.block");
    pub const DROP_POLLABLE: WasiFn = wasi("wasi:io/poll", "[resource-drop]pollable");

    /// Every function a request uses, the handler first (it names the import table's row).
    pub const ALL: &[WasiFn] = &[
        HANDLE,
        FIELDS_FROM_LIST,
        FIELDS_ENTRIES,
        DROP_FIELDS,
        NEW_REQUEST,
        SET_METHOD,
        SET_SCHEME,
        SET_AUTHORITY,
        SET_PATH,
        REQUEST_BODY,
        NEW_OPTIONS,
        SET_CONNECT_TIMEOUT,
        SET_FIRST_BYTE_TIMEOUT,
        SET_BETWEEN_BYTES_TIMEOUT,
        BODY_WRITE,
        BODY_FINISH,
        FUTURE_SUBSCRIBE,
        FUTURE_GET,
        DROP_FUTURE,
        RESPONSE_STATUS,
        RESPONSE_HEADERS,
        RESPONSE_CONSUME,
        DROP_RESPONSE,
        INCOMING_BODY_STREAM,
        DROP_INCOMING_BODY,
        BLOCKING_READ,
        DROP_INPUT_STREAM,
        super::WRITE,
        DROP_OUTPUT_STREAM,
        DROP_IO_ERROR,
        POLLABLE_BLOCK,
        DROP_POLLABLE,
    ];
}

pub(crate) mod kv {
    use super::{WasiFn, wasi};
    const S: &str = "wasi:keyvalue/store";
    pub const OPEN: WasiFn = wasi(S, "open");
    pub const GET: WasiFn = wasi(S, "[method]bucket.get");
    pub const SET: WasiFn = wasi(S, "[method]bucket.set");
    pub const DELETE: WasiFn = wasi(S, "[method]bucket.delete");
    pub const EXISTS: WasiFn = wasi(S, "[method]bucket.exists");
    pub const LIST_KEYS: WasiFn = wasi(S, "[method]bucket.list-keys");
}

pub(crate) mod db {
    use super::{WasiFn, wasi};
    const S: &str = "covenant:database/sql";
    pub const OPEN: WasiFn = wasi(S, "[static]connection.open");
    pub const QUERY: WasiFn = wasi(S, "[method]connection.query");
    pub const BEGIN: WasiFn = wasi(S, "[method]connection.begin");
    pub const NEXT: WasiFn = wasi(S, "[method]rows.next");
    pub const COLUMNS: WasiFn = wasi(S, "[method]rows.columns");
    pub const ROWS_AFFECTED: WasiFn = wasi(S, "[method]rows.rows-affected");
    pub const DROP_ROWS: WasiFn = wasi(S, "[resource-drop]rows");
    pub const TX_QUERY: WasiFn = wasi(S, "[method]transaction.query");
    pub const COMMIT: WasiFn = wasi(S, "[method]transaction.commit");
    pub const ROLLBACK: WasiFn = wasi(S, "[method]transaction.rollback");
    pub const DROP_TX: WasiFn = wasi(S, "[resource-drop]transaction");
    /// What every query imports (a query in a transaction adds `TX_QUERY`).
    pub const QUERY_FNS: [WasiFn; 6] = [OPEN, QUERY, NEXT, COLUMNS, ROWS_AFFECTED, DROP_ROWS];
}

pub(crate) mod project {
    use super::{WasiFn, wasi};
    const S: &str = "covenant:project/query";
    pub const QUERY: WasiFn = wasi(S, "query");
    pub const NEXT: WasiFn = wasi(S, "[method]query-result.next");
    pub const DROP: WasiFn = wasi(S, "[resource-drop]query-result");
}

pub(crate) const WALL_CLOCK_NOW: WasiFn = wasi("wasi:clocks/wall-clock", "now");
pub(crate) const INITIAL_CWD: WasiFn = wasi("wasi:cli/environment", "initial-cwd");
pub(crate) const RANDOM_BYTES: WasiFn = wasi("wasi:random/random", "get-random-bytes");
pub(crate) const RANDOM_U64: WasiFn = wasi("wasi:random/random", "get-random-u64");

impl FsOp {
    /// The `wasi:filesystem/types` functions this operation calls (besides finding the preopens).
    fn wasi_fns(self) -> Vec<WasiFn> {
        match self {
            FsOp::ReadFile => vec![OPEN_AT, READ],
            FsOp::WriteFile | FsOp::WriteBytes => vec![OPEN_AT, WRITE_AT],
            FsOp::Exists => vec![STAT_AT],
            FsOp::Mkdir => vec![MKDIR_AT],
            FsOp::Remove => vec![STAT_AT, RMDIR_AT, UNLINK_AT],
            FsOp::Stat => vec![STAT_AT],
            FsOp::ReadDir => vec![OPEN_AT, READ_DIR, READ_DIR_ENTRY, DROP_DIR_STREAM],
            FsOp::Copy => vec![OPEN_AT, READ, WRITE_AT],
            FsOp::Rename => vec![RENAME_AT],
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
                let used = op.wasi_fns();
                let opens = used.contains(&OPEN_AT);
                fns.extend(used);
                if opens {
                    fns.push(DROP_DESCRIPTOR);
                }
                fns
            }
            Intrinsic::EnvGet => vec![GET_ENVIRONMENT],
            Intrinsic::Time(TimeFn::Now) => vec![WALL_CLOCK_NOW],
            Intrinsic::PathResolve => vec![INITIAL_CWD],
            Intrinsic::RandomInt | Intrinsic::RandomFloat => vec![RANDOM_U64],
            Intrinsic::RandomBytes => vec![RANDOM_BYTES],
            Intrinsic::Http => http::ALL.to_vec(),
            Intrinsic::Sha256
            | Intrinsic::Path(_)
            | Intrinsic::Json(_)
            | Intrinsic::Url(_)
            | Intrinsic::Regex(_)
            | Intrinsic::Time(TimeFn::FromUnix | TimeFn::FromUnixMs | TimeFn::UnixMs)
            | Intrinsic::ReplaceFirst => {
                vec![]
            }
            // The program knows what an extern or a query imports (`CheckedProgram::wasi_fns`).
            Intrinsic::Extern(_) => vec![],
            Intrinsic::Query(_) => db::QUERY_FNS.to_vec(),
            Intrinsic::TxBegin(_) => vec![db::OPEN, db::BEGIN],
            Intrinsic::TxCommit(_) => vec![db::COMMIT, db::DROP_TX],
            Intrinsic::TxRollback(_) => vec![db::ROLLBACK, db::DROP_TX],
            Intrinsic::DbFailed | Intrinsic::DbError => vec![],
            Intrinsic::ProjectQuery => vec![project::QUERY, project::NEXT, project::DROP],
            Intrinsic::Kv(op) => {
                let used = match op {
                    KvOp::Set => kv::SET,
                    KvOp::Get => kv::GET,
                    KvOp::Delete => kv::DELETE,
                    KvOp::Has => kv::EXISTS,
                    KvOp::List => kv::LIST_KEYS,
                    KvOp::Clear => return vec![kv::OPEN, kv::LIST_KEYS, kv::DELETE],
                };
                vec![kv::OPEN, used]
            }
        }
    }

    /// Whether the host hands the component lists or strings (so it must export `cabi_realloc`).
    pub fn receives_memory(self) -> bool {
        matches!(
            self,
            Intrinsic::Fs(_)
                | Intrinsic::EnvGet
                | Intrinsic::Http
                | Intrinsic::Kv(_)
                | Intrinsic::Extern(_)
                | Intrinsic::PathResolve
                | Intrinsic::RandomBytes
                | Intrinsic::Query(_)
                | Intrinsic::TxBegin(_)
                | Intrinsic::TxCommit(_)
                | Intrinsic::TxRollback(_)
                | Intrinsic::ProjectQuery
        )
    }
}
