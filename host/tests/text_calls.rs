//! `text.replace` (the first occurrence) against Rust's `replacen(from, to, 1)`, on edge cases:
//! empty parts, no occurrence, overlapping and multi-byte text; and `path.resolve`, which reads
//! the working directory the host gives (none here, so `/`).

mod common;

use covenant_host::runtime::{self, engine};
use wasmtime::component::Val;

const REPLACE: &str = r#"snippet id="t.first" kind="fn"
signature
  fn name="first"
    param name="s" type="String"
    param name="from" type="String"
    param name="to" type="String"
    returns type="String"
  end
end
body
  step id="s1" kind="call"
    fn="text.replace"
    arg name="s" from="s"
    arg name="from" from="from"
    arg name="to" from="to"
    as="out"
  end
  step id="s2" kind="return"
    from="out"
    as="_"
  end
end
end
"#;

#[test]
fn text_replace_changes_the_first_occurrence_only() {
    let c = common::compile_ok("replace", REPLACE);
    let bytes = c.component.unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let engine = engine().unwrap();
    let cases = [
        ("a-b-c", "-", "+"),
        ("aaa", "aa", "b"),
        ("no match", "x", "y"),
        ("", "", "z"),
        ("abc", "", "z"),
        ("Grüße, Grüße", "ü", "ue"),
        ("end", "end", ""),
        ("🦀🦀", "🦀", "crab"),
    ];
    for (s, from, to) in cases {
        // Rust inserts `to` at the start for an empty `from`; the documents leave the text as it is.
        let expected = if from.is_empty() { s.to_string() } else { s.replacen(from, to, 1) };
        let args = [Val::String(s.into()), Val::String(from.into()), Val::String(to.into())];
        let out = rt
            .block_on(runtime::invoke(&engine, &bytes, "first", &args, &Default::default(), &Default::default()))
            .unwrap();
        assert_eq!(out, [Val::String(expected)], "replace({s:?}, {from:?}, {to:?})");
    }
}

const RESOLVE: &str = r#"snippet id="m" kind="fn"
effects
  effect console
  effect os
end
signature
  fn name="main"
    returns type="Unit"
  end
end
body
  step id="s1" kind="call"
    fn="path.resolve"
    arg name="path" lit="a/./b/../c/"
    as="r1"
  end
  step id="s2" kind="call"
    fn="console.println"
    arg name="message" from="r1"
    as="_"
  end
  step id="s3" kind="call"
    fn="path.resolve"
    arg name="path" lit="/x/y/../z/"
    as="r2"
  end
  step id="s4" kind="call"
    fn="console.println"
    arg name="message" from="r2"
    as="_"
  end
  step id="s5" kind="call"
    fn="path.resolve"
    arg name="path" lit=""
    as="r3"
  end
  step id="s6" kind="call"
    fn="console.println"
    arg name="message" from="r3"
    as="_"
  end
end
end
"#;

#[test]
fn path_resolve_starts_from_the_working_directory() {
    let c = common::compile_ok("resolve", RESOLVE);
    let rows: Vec<(&str, &str)> = c.imports.iter().map(|r| (r.effect.as_str(), r.interface.as_str())).collect();
    assert!(rows.contains(&("os", "wasi:cli/environment@0.2.12")), "{rows:?}");
    let stdio = covenant_host::runtime::Stdio::capture();
    covenant_host::runtime::run_command_blocking(
        c.component.as_ref().unwrap(),
        &stdio,
        &Default::default(),
        &Default::default(),
    )
    .unwrap();
    let covenant_host::runtime::Stdio::Capture { stdout, .. } = stdio else { unreachable!() };
    // Node's path.posix.resolve with the working directory `/` gives the same.
    assert_eq!(String::from_utf8_lossy(&stdout.contents()), "/a/c\n/x/z\n/\n");
}
