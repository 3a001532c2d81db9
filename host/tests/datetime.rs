//! DateTime against JavaScript's Date: every `dt_*` operator, `to_string` and `dt_format` on
//! instants from 1583 to 9999 (leap days, epoch edges, before 1970) must agree with Node's UTC
//! getters and toISOString; `time.now` with the host's clock.

mod common;

use covenant_host::runtime::{self, engine};
use std::io::Write;
use std::process::{Command, Stdio};
use wasmtime::component::{Component, Val};

/// Milliseconds since the epoch.
const INSTANTS: &[i64] = &[
    0,
    -1,
    1,
    999,
    -1000,
    -1001,
    86_399_999,
    86_400_000,
    951_782_400_000,     // 2000-02-29
    951_868_799_999,     // 2000-02-29T23:59:59.999
    1_709_251_199_000,   // 2024-02-29T23:59:59
    1_764_866_800_123,   // 2025-12-04
    4_107_542_399_999,   // 2100-02-28T23:59:59.999 (not a leap year)
    253_402_300_799_999, // 9999-12-31T23:59:59.999
    -2_208_988_800_000,  // 1900-01-01
    -12_219_292_800_000, // 1582-10-15
    -11_676_096_000_001, // 1599-12-31T23:59:59.999
    -62_135_596_800_000, // 0001-01-01
    -62_167_219_200_000, // 0000-01-01
    1_234_567_890_123,
    -1_234_567_890_123,
];

const FORMAT: &str = "%Y|%m|%d|%H|%M|%S|%L|%s|%a|%A|%b|%B|%F|%T|%y|%%|%q|";

fn function(name: &str, params: &[(&str, &str)], returns: &str, steps: &str) -> String {
    let params: String = params.iter().map(|(n, t)| format!("    param name=\"{n}\" type=\"{t}\"\n")).collect();
    format!(
        "snippet id=\"t.{name}\" kind=\"fn\"\nsignature\n  fn name=\"{name}\"\n{params}    returns type=\"{returns}\"\n  end\nend\nbody\n  step id=\"d\" kind=\"call\"\n    fn=\"time.from_unix_ms\"\n    arg name=\"ms\" from=\"ms\"\n    as=\"dt\"\n  end\n{steps}  step id=\"r\" kind=\"return\"\n    from=\"out\"\n    as=\"_\"\n  end\nend\nend\n\n"
    )
}

fn compute(op: &str, inputs: &[&str], as_: &str) -> String {
    let inputs: String = inputs.iter().map(|i| format!("    input var=\"{i}\"\n")).collect();
    format!("  step id=\"{as_}_\" kind=\"compute\"\n    op={op}\n{inputs}    as=\"{as_}\"\n  end\n")
}

fn program() -> String {
    let mut src = String::new();
    for op in ["dt_year", "dt_month", "dt_day", "dt_hour", "dt_minute", "dt_second", "dt_weekday", "dt_unix"] {
        src += &function(op, &[("ms", "Int")], "Int", &compute(op, &["dt"], "out"));
    }
    src += &function("iso", &[("ms", "Int")], "String", &compute("to_string", &["dt"], "out"));
    src += &function("fmt", &[("ms", "Int"), ("f", "String")], "String", &compute("dt_format", &["dt", "f"], "out"));
    for op in ["dt_add_days", "dt_add_hours", "dt_add_minutes", "dt_add_seconds"] {
        let steps = compute(op, &["dt", "n"], "later")
            + "  step id=\"u\" kind=\"call\"\n    fn=\"time.unix_ms\"\n    arg name=\"value\" from=\"later\"\n    as=\"out\"\n  end\n";
        src += &function(op, &[("ms", "Int"), ("n", "Int")], "Int", &steps);
    }
    let diff = "  step id=\"e\" kind=\"call\"\n    fn=\"time.from_unix_ms\"\n    arg name=\"ms\" from=\"other\"\n    as=\"dt2\"\n  end\n"
        .to_string()
        + &compute("dt_diff", &["dt", "dt2"], "out");
    src += &function("dt_diff", &[("ms", "Int"), ("other", "Int")], "Int", &diff);
    src
}

/// Node's answers for every instant: [year, month, day, hour, minute, second, weekday, unix, iso, format].
fn node_answers() -> Vec<Vec<serde_json::Value>> {
    let script = r#"
const [instants, format] = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const pad = (n, w) => (n < 0 ? '-' : '') + String(Math.abs(n)).padStart(w, '0');
const name = (d, o) => d.toLocaleString('en-US', { timeZone: 'UTC', ...o });
const fmt = (d) => format.replace(/%(.)/g, (_, c) => ({
  Y: pad(d.getUTCFullYear(), 4), m: pad(d.getUTCMonth() + 1, 2), d: pad(d.getUTCDate(), 2),
  H: pad(d.getUTCHours(), 2), M: pad(d.getUTCMinutes(), 2), S: pad(d.getUTCSeconds(), 2),
  L: pad(d.getUTCMilliseconds(), 3), s: String(Math.floor(d.getTime() / 1000)),
  a: name(d, { weekday: 'short' }), A: name(d, { weekday: 'long' }),
  b: name(d, { month: 'short' }), B: name(d, { month: 'long' }),
  F: d.toISOString().slice(0, 10), T: d.toISOString().slice(11, 19),
  y: pad(((d.getUTCFullYear() % 100) + 100) % 100, 2), '%': '%',
}[c] ?? '%' + c));
process.stdout.write(JSON.stringify(instants.map((ms) => {
  const d = new Date(ms);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(),
    d.getUTCSeconds(), d.getUTCDay(), Math.floor(ms / 1000), d.toISOString(), fmt(d)];
})));
"#;
    let mut child = Command::new("node")
        .args(["-e", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node must be installed (scripts/setup.sh checks for it)");
    child.stdin.take().unwrap().write_all(serde_json::json!([INSTANTS, FORMAT]).to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "node failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

struct Program {
    rt: tokio::runtime::Runtime,
    engine: wasmtime::Engine,
    component: Component,
    bytes: Vec<u8>,
}

impl Program {
    fn new(source: &str) -> Program {
        let bytes = common::compile_ok("datetime", source).component.unwrap();
        let engine = engine().unwrap();
        let component = Component::new(&engine, &bytes).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        Program { rt, engine, component, bytes }
    }

    fn call(&self, name: &str, args: &[Val]) -> Result<Val, String> {
        let (budget, grants) = (Default::default(), Default::default());
        let out = self.rt.block_on(runtime::invoke_compiled(
            &self.engine,
            &self.component,
            &self.bytes,
            name,
            args,
            &budget,
            &grants,
        ));
        out.map(|mut v| v.remove(0)).map_err(|e| format!("{e:#}"))
    }
}

fn json(v: Val) -> serde_json::Value {
    match v {
        Val::S64(n) => n.into(),
        Val::String(s) => s.into(),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn parts_and_text_agree_with_javascript() {
    let answers = node_answers();
    let p = Program::new(&program());
    let ops = ["dt-year", "dt-month", "dt-day", "dt-hour", "dt-minute", "dt-second", "dt-weekday", "dt-unix", "iso"];
    let mut failures = vec![];
    for (ms, want) in INSTANTS.iter().zip(&answers) {
        for (i, op) in ops.iter().enumerate() {
            let got = json(p.call(op, &[Val::S64(*ms)]).unwrap());
            if got != want[i] {
                failures.push(format!("{op}({ms}): got {got}, JavaScript says {}", want[i]));
            }
        }
        let got = json(p.call("fmt", &[Val::S64(*ms), Val::String(FORMAT.into())]).unwrap());
        if got != want[9] {
            failures.push(format!("dt_format({ms}): got {got}, JavaScript says {}", want[9]));
        }
    }
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn arithmetic_adds_units_and_traps_on_overflow() {
    let p = Program::new(&program());
    let day = 86_400_000i64;
    let cases = [
        ("dt-add-days", 1_709_164_800_000, 1, 1_709_164_800_000 + day),
        ("dt-add-days", 0, -365, -365 * day),
        ("dt-add-hours", 0, 25, 25 * 3_600_000),
        ("dt-add-minutes", 5, -1, 5 - 60_000),
        ("dt-add-seconds", 999, 1, 1_999),
    ];
    for (op, ms, n, want) in cases {
        assert_eq!(p.call(op, &[Val::S64(ms), Val::S64(n)]).unwrap(), Val::S64(want), "{op}({ms}, {n})");
    }
    let err = p.call("dt-add-days", &[Val::S64(0), Val::S64(i64::MAX / 1000)]).unwrap_err();
    assert!(err.contains("integer_overflow"), "{err}");
    // Whole seconds from the second instant to the first, truncated toward zero.
    assert_eq!(p.call("dt-diff", &[Val::S64(10_999), Val::S64(0)]).unwrap(), Val::S64(10));
    assert_eq!(p.call("dt-diff", &[Val::S64(0), Val::S64(10_999)]).unwrap(), Val::S64(-10));
    assert_eq!(p.call("dt-diff", &[Val::S64(day), Val::S64(-day)]).unwrap(), Val::S64(172_800));
}

#[test]
fn time_now_reads_the_host_clock() {
    let src = r#"snippet id="t.now" kind="fn"
effects
  effect datetime
end
signature
  fn name="now"
    returns type="Int"
  end
end
body
  step id="s1" kind="call"
    fn="time.now"
    as="t"
  end
  step id="s2" kind="call"
    fn="time.unix_ms"
    arg name="value" from="t"
    as="ms"
  end
  step id="s3" kind="return"
    from="ms"
    as="_"
  end
end
end
"#;
    let p = Program::new(src);
    let host = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let before = host();
    let Val::S64(got) = p.call("now", &[]).unwrap() else { panic!("not an Int") };
    let after = host();
    assert!(before <= got && got <= after, "{before} <= {got} <= {after}");
}
