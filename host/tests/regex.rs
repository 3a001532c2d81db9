//! `text.regex_*` against JavaScript's own RegExp: every case runs in the component and in Node
//! (with the `u` flag, as Covenant matches whole characters), and the answers must agree.

mod common;

use covenant_host::runtime::{self, engine};
use std::io::Write;
use std::process::{Command, Stdio};
use wasmtime::component::Val;

/// (pattern, replacement, inputs).
const CASES: &[(&str, &str, &[&str])] = &[
    (r"\d+", "#", &["abc123def456", "none", "", "7"]),
    (r"\w+", "<$&>", &["hello world foo", "  ", "a_b-c"]),
    ("a|ab", "[$&]", &["ab", "xabx", "b"]),
    ("(a|ab)(c|bcd)(d*)", "$3$2$1", &["abcd", "abcdx", "acd"]),
    ("a*?b", "-", &["aaab", "b", "ccc"]),
    ("a{2,3}", "X", &["aaaaaaa", "a", "aa aa"]),
    ("^abc$", "Y", &["abc", "abcabc", ""]),
    (r"\bfoo\b", "bar", &["foo foo", "foobar foo", "food"]),
    (r"\B.", "_", &["abc def"]),
    ("[a-c]+", "!", &["xxbcay", "abc", "dd"]),
    ("[^a-c]+", "!", &["abxyc", "ddd"]),
    (r"[\s,]+", "|", &["a, b,,c   d", ""]),
    ("x*", "-", &["abc", "", "xx"]),
    ("", "-", &["abc", ""]),
    ("(?:)", ".", &["héllo"]),
    (".", "[$&]", &["é😀\nx"]),
    (r"(\w)\1", "<$1>", &["abccdeef", "abc"]),
    (r"(?<year>\d{4})-(?<month>\d\d)", "$<month>/$<year>", &["on 2024-03 and 1999-12", "x"]),
    ("a(?=b)", "A", &["abacab"]),
    ("a(?!b)", "A", &["abacab"]),
    ("(a)|(b)", "[$1|$2]", &["ab", "cba"]),
    ("(a*)*b", "$1", &["aab", "b", "c"]),
    ("(a*)+$", "[$1]", &["b", "aa"]),
    (r"\u{1F600}|\x41", "*", &["x😀A"]),
    ("[😀-😂]", "?", &["😁x😃"]),
    (r"(\d+)(?:px)?", "$1$$", &["10px 20 30px"]),
    ("$", "!", &["end"]),
    ("^", ">", &["start"]),
    (r"\$(\d+)\.(\d\d)", "$2 cents of $$$1 ($`|$')", &["cost: $12.50 total"]),
    ("(b)", "$0$10$01$2", &["abc"]),
    ("é+", "e", &["ééé-é"]),
    (r"\S+@\S+\.\w+", "<email>", &["mail bob@example.com or x@y.org"]),
    ("(x)?y", "[$1]", &["y xy"]),
    (r"[\d-]+", "N", &["1-2 3"]),
    ("[]", "n", &["abc"]),
    ("[^]", "n", &["a\nb"]),
    ("(?:ab|a)*c", "C", &["ababac abc"]),
    (r"\t|\n|\\", "_", &["a\tb\nc\\d"]),
];

/// The program: one function per library function, all on `pattern`.
fn program(pattern: &str) -> String {
    let lit = serde_json::to_string(pattern).unwrap();
    let f = |name: &str, callee: &str, returns: &str, replacement: bool| {
        let (param, arg) = if replacement {
            ("    param name=\"r\" type=\"String\"\n", "    arg name=\"replacement\" from=\"r\"\n")
        } else {
            ("", "")
        };
        format!(
            "snippet id=\"t.{name}\" kind=\"fn\"\nsignature\n  fn name=\"{name}\"\n    param name=\"s\" type=\"String\"\n{param}    returns type=\"{returns}\"\n  end\nend\nbody\n  step id=\"s1\" kind=\"call\"\n    fn=\"{callee}\"\n    arg name=\"pattern\" lit={lit}\n    arg name=\"input\" from=\"s\"\n{arg}    as=\"out\"\n  end\n  step id=\"s2\" kind=\"return\"\n    from=\"out\"\n    as=\"_\"\n  end\nend\nend\n\n"
        )
    };
    [
        f("test", "text.regex_test", "Bool", false),
        f("first", "std.text.regex_match", "String", false),
        f("replace", "std.text.regex_replace", "String", true),
        f("replace-all", "std.text.regex_replace_all", "String", true),
        f("split", "text.regex_split", "String", false),
    ]
    .concat()
    .replace("fn name=\"replace-all\"", "fn name=\"replace_all\"")
}

/// What Node says for every case: [test, match JSON or "", replace, replace all, split JSON].
fn node_answers() -> Vec<Vec<serde_json::Value>> {
    let script = r#"
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = [];
for (const [pattern, replacement, inputs] of cases) {
  for (const s of inputs) {
    const m = s.match(new RegExp(pattern, 'u'));
    const matched = m === null ? '' : JSON.stringify({
      matched: m[0],
      index: [...s.slice(0, m.index)].length,
      groups: m.slice(1).map(g => g === undefined ? null : g),
    });
    out.push([
      new RegExp(pattern, 'u').test(s),
      matched,
      s.replace(new RegExp(pattern, 'u'), replacement),
      s.replace(new RegExp(pattern, 'gu'), replacement),
      JSON.stringify(s.split(new RegExp(pattern, 'u')).map(x => x === undefined ? null : x)),
    ]);
  }
}
process.stdout.write(JSON.stringify(out));
"#;
    let cases: Vec<(&str, &str, &[&str])> = CASES.to_vec();
    let mut child = Command::new("node")
        .args(["-e", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node must be installed (scripts/setup.sh checks for it)");
    child.stdin.take().unwrap().write_all(serde_json::to_string(&cases).unwrap().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "node failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn regex_functions_agree_with_javascript() {
    let answers = node_answers();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let engine = engine().unwrap();
    let mut k = 0;
    let mut failures = vec![];
    for (pattern, replacement, inputs) in CASES {
        let c = common::compile_ok(pattern, &program(pattern));
        let bytes = c.component.unwrap();
        let component = wasmtime::component::Component::new(&engine, &bytes).unwrap();
        for s in *inputs {
            let want = &answers[k];
            k += 1;
            let call = |name: &str, with_r: bool| {
                let mut args = vec![Val::String(s.to_string())];
                if with_r {
                    args.push(Val::String(replacement.to_string()));
                }
                let (budget, grants) = (Default::default(), Default::default());
                let out =
                    rt.block_on(runtime::invoke_compiled(&engine, &component, &bytes, name, &args, &budget, &grants));
                match out.unwrap().as_slice() {
                    [Val::Bool(b)] => serde_json::Value::Bool(*b),
                    [Val::String(t)] => serde_json::Value::String(t.clone()),
                    other => panic!("unexpected result {other:?}"),
                }
            };
            let got = [
                call("test", false),
                call("first", false),
                call("replace", true),
                call("replace-all", true),
                call("split", false),
            ];
            for (i, name) in ["test", "match", "replace", "replace_all", "split"].iter().enumerate() {
                if got[i] != want[i] {
                    failures.push(format!("/{pattern}/ {name}({s:?}): got {}, JavaScript says {}", got[i], want[i]));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn a_pattern_must_be_a_valid_literal() {
    let bad = program("(ab");
    let c = covenant_compiler::compile(&bad, &Default::default());
    assert!(c.diagnostics.iter().any(|d| d.code == "E-REGEX-001"), "{:?}", c.diagnostics);
    let computed = program("a").replace("arg name=\"pattern\" lit=\"a\"", "arg name=\"pattern\" from=\"s\"");
    let c = covenant_compiler::compile(&computed, &Default::default());
    assert!(c.diagnostics.iter().any(|d| d.code == "E-REGEX-002"), "{:?}", c.diagnostics);
}

/// A pattern that backtracks exponentially stops with the fuel budget, not a hang.
#[test]
fn catastrophic_backtracking_ends_with_the_budget() {
    let c = common::compile_ok("evil", &program("(a*)*b"));
    let bytes = c.component.unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let engine = engine().unwrap();
    let budget = runtime::Budget { fuel: Some(50_000_000), ..Default::default() };
    let input = "a".repeat(40);
    let out =
        rt.block_on(runtime::invoke(&engine, &bytes, "test", &[Val::String(input)], &budget, &Default::default()));
    let err = format!("{:#}", out.expect_err("the budget must stop it"));
    assert!(err.contains("fuel"), "{err}");
}

/// A pattern bound once to a literal is that literal; one bound with `mut` may change, so it is
/// refused like any computed value.
#[test]
fn a_pattern_may_be_a_name_bound_once_to_a_literal() {
    let source = |mutable: &str| {
        format!(
            r##"snippet id="t.mask" kind="fn"
signature
  fn name="mask"
    param name="s" type="String"
    returns type="String"
  end
end
body
  step id="s1" kind="bind"
    {mutable}lit="\\d+"
    as="digits"
  end
  step id="s2" kind="call"
    fn="text.regex_replace_all"
    arg name="pattern" from="digits"
    arg name="input" from="s"
    arg name="replacement" lit="#"
    as="out"
  end
  step id="s3" kind="return"
    from="out"
    as="_"
  end
end
end
"##
        )
    };
    let c = common::compile_ok("bound", &source(""));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let out = rt
        .block_on(runtime::invoke(
            &engine().unwrap(),
            &c.component.unwrap(),
            "mask",
            &[Val::String("a1b22".into())],
            &Default::default(),
            &Default::default(),
        ))
        .unwrap();
    assert_eq!(out, [Val::String("a#b#".into())]);
    let c = covenant_compiler::compile(&source("mut\n    "), &Default::default());
    assert!(c.diagnostics.iter().any(|d| d.code == "E-REGEX-002"), "{:?}", c.diagnostics);
}
