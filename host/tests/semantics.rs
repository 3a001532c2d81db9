//! Differential checks of numeric and string semantics: every compute operator, compiled into an
//! export, is called with edge values (i64 min/max, NaN, infinities, signed zeros, empty and
//! multi-byte strings) and compared with a reference written in Rust from LANGUAGE-DECISIONS.
//! `None` from a reference means the operation must stop with a named runtime error.

mod common;

use covenant_host::runtime::engine;
use wasmtime::component::{Component, Instance, Linker, ResourceTable, Val};

struct State(wasmtime_wasi::WasiCtx, ResourceTable);
impl wasmtime_wasi::WasiView for State {
    fn ctx(&mut self) -> wasmtime_wasi::WasiCtxView<'_> {
        wasmtime_wasi::WasiCtxView { ctx: &mut self.0, table: &mut self.1 }
    }
}

/// One compiled program with an export per operator, and a live instance of it. A trap ends an
/// instance, so the next call gets a fresh one.
struct Harness {
    rt: tokio::runtime::Runtime,
    engine: wasmtime::Engine,
    component: Component,
    linker: Linker<State>,
    live: Option<(wasmtime::Store<State>, Instance)>,
}

impl Harness {
    fn new(source: &str) -> Harness {
        let bytes = common::compile_ok("semantics", source).component.unwrap();
        let engine = engine().unwrap();
        let component = Component::new(&engine, &bytes).unwrap();
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        Harness { rt, engine, component, linker, live: None }
    }

    /// Calls an export; `Err` carries the trap's text.
    fn call(&mut self, name: &str, args: &[Val]) -> Result<Val, String> {
        if self.live.is_none() {
            let mut store = wasmtime::Store::new(
                &self.engine,
                State(wasmtime_wasi::WasiCtxBuilder::new().build(), ResourceTable::new()),
            );
            store.set_fuel(u64::MAX).unwrap();
            store.set_epoch_deadline(u64::MAX);
            let instance = self.rt.block_on(self.linker.instantiate_async(&mut store, &self.component)).unwrap();
            self.live = Some((store, instance));
        }
        let (store, instance) = self.live.as_mut().unwrap();
        let func = instance.get_func(&mut *store, name).unwrap_or_else(|| panic!("no export {name}"));
        let mut out = [Val::Bool(false)];
        match self.rt.block_on(func.call_async(&mut *store, args, &mut out)) {
            Ok(()) => Ok(out[0].clone()),
            Err(e) => {
                self.live = None;
                Err(format!("{e:?}"))
            }
        }
    }
}

/// A program with one export `op-<name>` per (export name, operator, parameter types, result type).
fn program(ops: &[(&str, &str, &[&str], &str)]) -> String {
    let mut src = String::new();
    for (name, op, params, ret) in ops {
        let names = ["a", "b", "c"];
        let params_src: String =
            params.iter().zip(names).map(|(t, n)| format!("    param name=\"{n}\" type=\"{t}\"\n")).collect();
        let inputs: String = params.iter().zip(names).map(|(_, n)| format!("    input var=\"{n}\"\n")).collect();
        src.push_str(&format!(
            "snippet id=\"t.{name}\" kind=\"fn\"\nsignature\n  fn name=\"op_{name}\"\n{params_src}    returns type=\"{ret}\"\n  end\nend\nbody\n  step id=\"s1\" kind=\"compute\"\n    op={op}\n{inputs}    as=\"r\"\n  end\n  step id=\"s2\" kind=\"return\"\n    from=\"r\"\n    as=\"_\"\n  end\nend\nend\n\n"
        ));
    }
    src
}

const INTS: &[i64] = &[
    0,
    1,
    -1,
    2,
    -2,
    3,
    -7,
    10,
    63,
    64,
    1 << 32,
    -(1 << 32),
    1_000_000_007,
    i64::MAX,
    i64::MIN,
    i64::MAX - 1,
    i64::MIN + 1,
];

fn floats() -> Vec<f64> {
    vec![
        0.0,
        -0.0,
        0.5,
        -0.5,
        1.5,
        -2.5,
        2.5,
        0.49999999999999994,
        1e300,
        -1e300,
        5e-324,
        3.7,
        -3.7,
        9.2e18,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ]
}

fn same_float(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

fn check_int(h: &mut Harness, name: &str, args: &[i64], expected: Option<i64>, trap: &str) {
    let vals: Vec<Val> = args.iter().map(|a| Val::S64(*a)).collect();
    let got = h.call(&format!("op-{}", name.replace('_', "-")), &vals);
    match (expected, got) {
        (Some(e), Ok(Val::S64(g))) => assert_eq!(g, e, "{name}{args:?}"),
        (None, Err(text)) => assert!(text.contains(trap), "{name}{args:?} should trap with {trap}, got: {text}"),
        (e, g) => panic!("{name}{args:?}: expected {e:?}, got {g:?}"),
    }
}

#[test]
fn integer_operators_match_the_reference() {
    type IntOp = fn(i64, i64) -> Option<i64>;
    let binary: &[(&str, &str, IntOp, &str)] = &[
        ("add", "add", |a, b| a.checked_add(b), "covenant_error_integer_overflow"),
        ("sub", "sub", |a, b| a.checked_sub(b), "covenant_error_integer_overflow"),
        ("mul", "mul", |a, b| a.checked_mul(b), "covenant_error_integer_overflow"),
        // div truncates toward zero; mod has the dividend's sign; zero divisors and MIN / -1 trap.
        ("div", "div", |a, b| a.checked_div(b), ""),
        // MIN mod -1 is 0 (the remainder exists although the quotient overflows).
        ("mod", "mod", |a, b| if b == 0 { None } else { Some(a.wrapping_rem(b)) }, ""),
        ("min", "min", |a, b| Some(a.min(b)), ""),
        ("max", "max", |a, b| Some(a.max(b)), ""),
        ("bit_and", "bit_and", |a, b| Some(a & b), ""),
        ("bit_or", "bit_or", |a, b| Some(a | b), ""),
        ("bit_xor", "bit_xor", |a, b| Some(a ^ b), ""),
        ("bit_shl", "bit_shl", |a, b| Some(a.wrapping_shl(b as u32 & 63)), ""),
        ("bit_shr", "bit_shr", |a, b| Some(a.wrapping_shr(b as u32 & 63)), ""),
        ("bit_ushr", "bit_ushr", |a, b| Some(((a as u64) >> (b as u64 & 63)) as i64), ""),
    ];
    type UnaryOp = fn(i64) -> Option<i64>;
    let unary: &[(&str, &str, UnaryOp, &str)] = &[
        ("neg", "neg", |a| a.checked_neg(), "covenant_error_integer_overflow"),
        ("abs", "abs", |a| a.checked_abs(), "covenant_error_integer_overflow"),
        ("sign", "sign", |a| Some(a.signum()), ""),
        ("bit_not", "bit_not", |a| Some(!a), ""),
    ];
    let mut ops: Vec<(&str, &str, &[&str], &str)> =
        binary.iter().map(|(n, o, _, _)| (*n, *o, &["Int", "Int"][..], "Int")).collect();
    ops.extend(unary.iter().map(|(n, o, _, _)| (*n, *o, &["Int"][..], "Int")));
    ops.push(("pow", "pow", &["Int", "Int"], "Int"));
    ops.push(("clamp", "clamp", &["Int", "Int", "Int"], "Int"));
    let mut h = Harness::new(&program(&ops));
    for &(name, _, f, trap) in binary {
        for &a in INTS {
            for &b in INTS {
                check_int(&mut h, name, &[a, b], f(a, b), trap);
            }
        }
    }
    for &(name, _, f, trap) in unary {
        for &a in INTS {
            check_int(&mut h, name, &[a], f(a), trap);
        }
    }
    for &a in INTS {
        for e in [-1i64, 0, 1, 2, 3, 10, 62, 63, 64] {
            let expected = if e < 0 { None } else { a.checked_pow(e as u32) };
            let trap = if e < 0 { "covenant_error_negative_exponent" } else { "covenant_error_integer_overflow" };
            // 0^huge, 1^huge and (-1)^huge do not overflow.
            check_int(&mut h, "pow", &[a, e], expected, trap);
        }
        check_int(&mut h, "clamp", &[a, -5, 1 << 40], Some(a.clamp(-5, 1 << 40)), "");
    }
}

#[test]
fn float_operators_match_the_reference() {
    type FloatOp = fn(f64, f64) -> f64;
    let binary: &[(&str, FloatOp)] = &[
        ("add", |a, b| a + b),
        ("sub", |a, b| a - b),
        ("mul", |a, b| a * b),
        ("div", |a, b| a / b),
        // NaN propagates through min and max (IEEE 754-2019 minimum/maximum), and -0 < +0.
        ("min", |a, b| {
            if a.is_nan() || b.is_nan() {
                f64::NAN
            } else if a == b {
                if a.is_sign_negative() { a } else { b }
            } else {
                a.min(b)
            }
        }),
        ("max", |a, b| {
            if a.is_nan() || b.is_nan() {
                f64::NAN
            } else if a == b {
                if a.is_sign_positive() { a } else { b }
            } else {
                a.max(b)
            }
        }),
    ];
    type FloatUnary = fn(f64) -> f64;
    let unary: &[(&str, FloatUnary)] = &[
        ("neg", |a| -a),
        ("abs", f64::abs),
        ("floor", f64::floor),
        ("ceil", f64::ceil),
        ("trunc", f64::trunc),
        // Ties away from zero, as Rust's f64::round.
        ("round", f64::round),
        ("sqrt", f64::sqrt),
        // Zeros and NaN keep themselves.
        ("sign", |a| {
            if a > 0.0 {
                1.0
            } else if a < 0.0 {
                -1.0
            } else {
                a
            }
        }),
    ];
    let mut ops: Vec<(String, &str, &[&str], &str)> =
        binary.iter().map(|(o, _)| (format!("f_{o}"), *o, &["Float", "Float"][..], "Float")).collect();
    ops.extend(unary.iter().map(|(o, _)| (format!("f_{o}"), *o, &["Float"][..], "Float")));
    ops.push(("f_to_int".into(), "to_int", &["Float"], "Int"));
    ops.push(("f_pow".into(), "pow", &["Float", "Int"], "Float"));
    ops.push(("f_less".into(), "less", &["Float", "Float"], "Bool"));
    ops.push(("f_equals".into(), "equals", &["Float", "Float"], "Bool"));
    let refs: Vec<(&str, &str, &[&str], &str)> = ops.iter().map(|(n, o, p, r)| (n.as_str(), *o, *p, *r)).collect();
    let mut h = Harness::new(&program(&refs));
    let fl = floats();
    let as_f = |v: Result<Val, String>| match v {
        Ok(Val::Float64(x)) => x,
        other => panic!("expected a float, got {other:?}"),
    };
    for (o, f) in binary {
        for &a in &fl {
            for &b in &fl {
                let got = as_f(h.call(&format!("op-f-{o}"), &[Val::Float64(a), Val::Float64(b)]));
                assert!(same_float(got, f(a, b)), "{o}({a:?}, {b:?}) = {got:?}, expected {:?}", f(a, b));
            }
        }
    }
    for (o, f) in unary {
        for &a in &fl {
            let got = as_f(h.call(&format!("op-f-{o}"), &[Val::Float64(a)]));
            assert!(same_float(got, f(a)), "{o}({a:?}) = {got:?}, expected {:?}", f(a));
        }
    }
    for &a in &fl {
        for &b in &fl {
            assert_eq!(
                h.call("op-f-less", &[Val::Float64(a), Val::Float64(b)]),
                Ok(Val::Bool(a < b)),
                "less({a}, {b})"
            );
            assert_eq!(
                h.call("op-f-equals", &[Val::Float64(a), Val::Float64(b)]),
                Ok(Val::Bool(a == b)),
                "equals({a}, {b})"
            );
        }
        // to_int truncates toward zero and stops on NaN and values outside Int.
        let fits =
            a.is_finite() && a.trunc() >= -9_223_372_036_854_775_808.0 && a.trunc() < 9_223_372_036_854_775_808.0;
        match h.call("op-f-to-int", &[Val::Float64(a)]) {
            Ok(Val::S64(n)) => assert!(fits && n == a.trunc() as i64, "to_int({a}) = {n}"),
            Err(_) => assert!(!fits, "to_int({a}) trapped"),
            other => panic!("{other:?}"),
        }
        for e in [-3i64, -1, 0, 1, 2, 7] {
            let got = as_f(h.call("op-f-pow", &[Val::Float64(a), Val::S64(e)]));
            let expected = a.powi(e as i32);
            // Square-and-multiply may differ from powi in the last bit for large exponents; these are exact.
            assert!(
                same_float(got, expected) || (got - expected).abs() <= expected.abs() * 1e-15,
                "pow({a}, {e}) = {got}, expected {expected}"
            );
        }
    }
}

const STRINGS: &[&str] =
    &["", "a", "ab", "b", "A", "é", "e\u{301}", "日本語", "🙂x", "a\u{0}b", "Z", "z", "  padded \t", "aaa"];

#[test]
fn string_operators_match_the_reference() {
    let ops: &[(&str, &str, &[&str], &str)] = &[
        ("s_len", "str_len", &["String"], "Int"),
        ("s_bytes", "byte_len", &["String"], "Int"),
        ("s_concat", "concat", &["String", "String"], "String"),
        ("s_equals", "equals", &["String", "String"], "Bool"),
        ("s_less", "less", &["String", "String"], "Bool"),
        ("s_greater_eq", "greater_eq", &["String", "String"], "Bool"),
        ("s_contains", "contains", &["String", "String"], "Bool"),
        ("s_starts", "starts_with", &["String", "String"], "Bool"),
        ("s_ends", "ends_with", &["String", "String"], "Bool"),
        ("s_index_of", "index_of", &["String", "String"], "Int"),
        ("s_upper", "upper", &["String"], "String"),
        ("s_lower", "lower", &["String"], "String"),
        ("s_trim", "trim", &["String"], "String"),
        ("s_trim_start", "trim_start", &["String"], "String"),
        ("s_trim_end", "trim_end", &["String"], "String"),
        ("s_reverse", "str_reverse", &["String"], "String"),
        ("s_empty", "is_empty", &["String"], "Bool"),
        ("s_repeat", "repeat", &["String", "Int"], "String"),
        ("s_char_at", "char_at", &["String", "Int"], "String"),
        ("s_slice", "slice", &["String", "Int", "Int"], "String"),
        ("s_replace", "replace", &["String", "String", "String"], "String"),
        ("s_split", "split", &["String", "String"], "List<String>"),
        ("s_pad_start", "pad_start", &["String", "Int", "String"], "String"),
        ("s_pad_end", "pad_end", &["String", "Int"], "String"),
    ];
    let mut h = Harness::new(&program(ops));
    for &a in STRINGS {
        let s = |v: &str| Val::String(v.into());
        assert_eq!(h.call("op-s-len", &[s(a)]), Ok(Val::S64(a.chars().count() as i64)), "str_len({a:?})");
        assert_eq!(h.call("op-s-bytes", &[s(a)]), Ok(Val::S64(a.len() as i64)), "byte_len({a:?})");
        for &b in STRINGS {
            assert_eq!(h.call("op-s-concat", &[s(a), s(b)]), Ok(Val::String(format!("{a}{b}"))));
            assert_eq!(h.call("op-s-equals", &[s(a), s(b)]), Ok(Val::Bool(a == b)), "equals({a:?}, {b:?})");
            // Rust orders strings by bytes, which for UTF-8 is code point order.
            assert_eq!(h.call("op-s-less", &[s(a), s(b)]), Ok(Val::Bool(a < b)), "less({a:?}, {b:?})");
            assert_eq!(h.call("op-s-greater-eq", &[s(a), s(b)]), Ok(Val::Bool(a >= b)), "greater_eq({a:?}, {b:?})");
            assert_eq!(h.call("op-s-contains", &[s(a), s(b)]), Ok(Val::Bool(a.contains(b))), "contains({a:?}, {b:?})");
            assert_eq!(
                h.call("op-s-starts", &[s(a), s(b)]),
                Ok(Val::Bool(a.starts_with(b))),
                "starts_with({a:?}, {b:?})"
            );
            assert_eq!(h.call("op-s-ends", &[s(a), s(b)]), Ok(Val::Bool(a.ends_with(b))), "ends_with({a:?}, {b:?})");
            // A character index, or -1.
            let index = a.find(b).map_or(-1, |byte| a[..byte].chars().count() as i64);
            assert_eq!(h.call("op-s-index-of", &[s(a), s(b)]), Ok(Val::S64(index)), "index_of({a:?}, {b:?})");
            let parts: Vec<Val> = if b.is_empty() {
                a.chars().map(|c| Val::String(c.to_string())).collect()
            } else {
                a.split(b).map(|p| Val::String(p.into())).collect()
            };
            assert_eq!(h.call("op-s-split", &[s(a), s(b)]), Ok(Val::List(parts)), "split({a:?}, {b:?})");
            for w in ["", "-", "日本"] {
                let expected = if b.is_empty() { a.to_string() } else { a.replace(b, w) };
                assert_eq!(
                    h.call("op-s-replace", &[s(a), s(b), s(w)]),
                    Ok(Val::String(expected)),
                    "replace({a:?}, {b:?}, {w:?})"
                );
            }
        }
        let space = |c: char| c == ' ' || ('\t'..='\r').contains(&c);
        let text = |v: String| Ok(Val::String(v));
        assert_eq!(h.call("op-s-upper", &[s(a)]), text(a.to_ascii_uppercase()), "upper({a:?})");
        assert_eq!(h.call("op-s-lower", &[s(a)]), text(a.to_ascii_lowercase()), "lower({a:?})");
        assert_eq!(h.call("op-s-trim", &[s(a)]), text(a.trim_matches(space).into()), "trim({a:?})");
        assert_eq!(h.call("op-s-trim-start", &[s(a)]), text(a.trim_start_matches(space).into()), "trim_start({a:?})");
        assert_eq!(h.call("op-s-trim-end", &[s(a)]), text(a.trim_end_matches(space).into()), "trim_end({a:?})");
        assert_eq!(h.call("op-s-reverse", &[s(a)]), text(a.chars().rev().collect()), "str_reverse({a:?})");
        assert_eq!(h.call("op-s-empty", &[s(a)]), Ok(Val::Bool(a.is_empty())), "is_empty({a:?})");
        let chars: Vec<char> = a.chars().collect();
        let n = chars.len() as i64;
        for k in [-1i64, 0, 1, 2, 3, 100, i64::MAX, i64::MIN] {
            let repeated = if k <= 0 || k > 100 { None } else { Some(a.repeat(k as usize)) };
            if let Some(r) = repeated {
                assert_eq!(h.call("op-s-repeat", &[s(a), Val::S64(k)]), text(r), "repeat({a:?}, {k})");
            } else if k <= 0 {
                assert_eq!(h.call("op-s-repeat", &[s(a), Val::S64(k)]), text(String::new()), "repeat({a:?}, {k})");
            }
            match h.call("op-s-char-at", &[s(a), Val::S64(k)]) {
                Ok(v) => assert!(
                    k >= 0 && k < n && v == Val::String(chars[k as usize].to_string()),
                    "char_at({a:?}, {k}) = {v:?}"
                ),
                Err(e) => assert!(
                    (k < 0 || k >= n) && e.contains("covenant_error_index_out_of_range"),
                    "char_at({a:?}, {k}): {e}"
                ),
            }
            for e in [-1i64, 0, 1, 2, 5, i64::MAX] {
                // Both ends are clamped to the string; an end before the start gives "".
                let start = k.clamp(0, n);
                let end = e.clamp(start, n);
                let expected: String = chars[start as usize..end as usize].iter().collect();
                assert_eq!(
                    h.call("op-s-slice", &[s(a), Val::S64(k), Val::S64(e)]),
                    text(expected),
                    "slice({a:?}, {k}, {e})"
                );
            }
            let missing = k.saturating_sub(n);
            for fill in ["*", "ab"] {
                let pad = if missing > 0 && k < 100 { fill.repeat(missing as usize) } else { String::new() };
                if k < 100 {
                    assert_eq!(
                        h.call("op-s-pad-start", &[s(a), Val::S64(k), s(fill)]),
                        text(format!("{pad}{a}")),
                        "pad_start({a:?}, {k}, {fill:?})"
                    );
                }
            }
            if k < 100 {
                let pad = " ".repeat(missing.max(0) as usize);
                assert_eq!(
                    h.call("op-s-pad-end", &[s(a), Val::S64(k)]),
                    text(format!("{a}{pad}")),
                    "pad_end({a:?}, {k})"
                );
            }
        }
    }
}

fn ints(v: &[i64]) -> Val {
    Val::List(v.iter().map(|x| Val::S64(*x)).collect())
}

fn strs(v: &[&str]) -> Val {
    Val::List(v.iter().map(|x| Val::String((*x).into())).collect())
}

#[test]
fn list_operators_match_the_reference() {
    let ops: &[(&str, &str, &[&str], &str)] = &[
        ("l_first", "list_first", &["List<Int>"], "Int"),
        ("l_last", "list_last", &["List<Int>"], "Int"),
        ("l_reverse", "list_reverse", &["List<Int>"], "List<Int>"),
        ("l_slice", "list_slice", &["List<Int>", "Int", "Int"], "List<Int>"),
        ("l_take", "list_take", &["List<Int>", "Int"], "List<Int>"),
        ("l_drop", "list_drop", &["List<Int>", "Int"], "List<Int>"),
        ("l_prepend", "list_prepend", &["List<Int>", "Int"], "List<Int>"),
        ("l_append", "list_append", &["List<Int>", "Int"], "List<Int>"),
        ("l_contains", "list_contains", &["List<Int>", "Int"], "Bool"),
        ("l_index_of", "list_index_of", &["List<Int>", "Int"], "Int"),
        ("l_sort", "list_sort", &["List<Int>"], "List<Int>"),
        ("l_dedup", "list_dedup", &["List<Int>"], "List<Int>"),
        ("l_get", "list_get", &["List<Int>", "Int"], "Int"),
        ("l_concat", "list_concat", &["List<Int>", "List<Int>"], "List<Int>"),
        ("ls_sort", "list_sort", &["List<String>"], "List<String>"),
        ("ls_dedup", "list_dedup", &["List<String>"], "List<String>"),
        ("ls_index_of", "list_index_of", &["List<String>", "String"], "Int"),
        ("ls_reverse", "list_reverse", &["List<String>"], "List<String>"),
        ("lf_sort", "list_sort", &["List<Float>"], "List<Float>"),
        ("ll_flatten", "list_flatten", &["List<List<Int>>"], "List<Int>"),
    ];
    let mut h = Harness::new(&program(ops));
    let lists: Vec<Vec<i64>> = vec![
        vec![],
        vec![5],
        vec![3, 1, 2],
        vec![2, 2, 1, 2, 1],
        vec![i64::MAX, i64::MIN, 0, -1, 1, i64::MIN],
        (0..100).map(|i| (i * 7919) % 101 - 50).collect(),
    ];
    for l in &lists {
        let n = l.len() as i64;
        let mut first = |name: &str, v: Option<&i64>| match (h.call(name, &[ints(l)]), v) {
            (Ok(Val::S64(g)), Some(e)) => assert_eq!(g, *e, "{name}({l:?})"),
            (Err(t), None) => assert!(t.contains("covenant_error_empty_list"), "{t}"),
            (g, e) => panic!("{name}({l:?}): {g:?} vs {e:?}"),
        };
        first("op-l-first", l.first());
        first("op-l-last", l.last());
        let rev: Vec<i64> = l.iter().rev().copied().collect();
        assert_eq!(h.call("op-l-reverse", &[ints(l)]), Ok(ints(&rev)));
        let mut sorted = l.clone();
        sorted.sort();
        assert_eq!(h.call("op-l-sort", &[ints(l)]), Ok(ints(&sorted)), "sort({l:?})");
        let mut seen = vec![];
        for x in l {
            if !seen.contains(x) {
                seen.push(*x);
            }
        }
        assert_eq!(h.call("op-l-dedup", &[ints(l)]), Ok(ints(&seen)), "dedup({l:?})");
        for k in [-1i64, 0, 1, 2, 5, 1000, i64::MIN, i64::MAX] {
            let c = |x: i64, lo: i64| x.clamp(lo, n.max(lo)) as usize;
            let take = &l[..c(k, 0)];
            let drop = &l[c(k, 0)..];
            assert_eq!(h.call("op-l-take", &[ints(l), Val::S64(k)]), Ok(ints(take)), "take({l:?}, {k})");
            assert_eq!(h.call("op-l-drop", &[ints(l), Val::S64(k)]), Ok(ints(drop)), "drop({l:?}, {k})");
            for e in [-3i64, 0, 2, 3, i64::MAX] {
                let start = k.clamp(0, n);
                let end = e.clamp(start, n);
                assert_eq!(
                    h.call("op-l-slice", &[ints(l), Val::S64(k), Val::S64(e)]),
                    Ok(ints(&l[start as usize..end as usize])),
                    "slice({l:?}, {k}, {e})"
                );
            }
            let mut pre = vec![k];
            pre.extend(l);
            assert_eq!(h.call("op-l-prepend", &[ints(l), Val::S64(k)]), Ok(ints(&pre)));
            let mut app = l.clone();
            app.push(k);
            assert_eq!(h.call("op-l-append", &[ints(l), Val::S64(k)]), Ok(ints(&app)));
            assert_eq!(h.call("op-l-contains", &[ints(l), Val::S64(k)]), Ok(Val::Bool(l.contains(&k))));
            let index = l.iter().position(|x| *x == k).map_or(-1, |i| i as i64);
            assert_eq!(h.call("op-l-index-of", &[ints(l), Val::S64(k)]), Ok(Val::S64(index)));
            match h.call("op-l-get", &[ints(l), Val::S64(k)]) {
                Ok(Val::S64(v)) => assert!(k >= 0 && k < n && v == l[k as usize]),
                Err(t) => assert!((k < 0 || k >= n) && t.contains("covenant_error_index_out_of_range"), "{t}"),
                other => panic!("{other:?}"),
            }
        }
        for m in &lists {
            let joined: Vec<i64> = l.iter().chain(m).copied().collect();
            assert_eq!(h.call("op-l-concat", &[ints(l), ints(m)]), Ok(ints(&joined)));
        }
    }
    let all: Vec<i64> = lists.iter().flatten().copied().collect();
    let nested = Val::List(lists.iter().map(|l| ints(l)).collect());
    assert_eq!(h.call("op-ll-flatten", &[nested]), Ok(ints(&all)));
    let words = ["pear", "", "apple", "Äpfel", "apple", "zebra", "Zebra", "日本", "a"];
    let mut sorted = words.to_vec();
    sorted.sort();
    assert_eq!(h.call("op-ls-sort", &[strs(&words)]), Ok(strs(&sorted)));
    assert_eq!(
        h.call("op-ls-dedup", &[strs(&words)]),
        Ok(strs(&["pear", "", "apple", "Äpfel", "zebra", "Zebra", "日本", "a"]))
    );
    assert_eq!(h.call("op-ls-index-of", &[strs(&words), Val::String("apple".into())]), Ok(Val::S64(2)));
    assert_eq!(h.call("op-ls-index-of", &[strs(&words), Val::String("kiwi".into())]), Ok(Val::S64(-1)));
    let rev: Vec<&str> = words.iter().rev().copied().collect();
    assert_eq!(h.call("op-ls-reverse", &[strs(&words)]), Ok(strs(&rev)));
    // Floats sort ascending with NaN last; -0.0 and 0.0 keep their order (the sort is stable).
    let floats = [3.5, f64::NAN, -0.0, f64::NEG_INFINITY, 0.0, 1e-300, f64::INFINITY, -2.0];
    let got = h.call("op-lf-sort", &[Val::List(floats.iter().map(|f| Val::Float64(*f)).collect())]).unwrap();
    let Val::List(got) = got else { panic!() };
    let got: Vec<f64> = got.iter().map(|v| if let Val::Float64(f) = v { *f } else { panic!() }).collect();
    let expected = [f64::NEG_INFINITY, -2.0, -0.0, 0.0, 1e-300, 3.5, f64::INFINITY, f64::NAN];
    assert!(got.iter().zip(&expected).all(|(a, b)| same_float(*a, *b)), "{got:?}");
}

/// Appends grow the latest allocation in place; a second append to the same prefix must copy, so
/// values that share a prefix never see each other's elements.
#[test]
fn appends_to_a_shared_prefix_stay_independent() {
    let source = r#"
snippet id="t.branches" kind="fn"
signature
  fn name="branches"
    param name="a" type="List<Int>"
    param name="s" type="String"
    returns type="List<String>"
  end
end
body
  step id="s1" kind="compute"
    op=list_append
    input var="a"
    input lit=3
    as="b"
  end
  step id="s2" kind="compute"
    op=list_append
    input var="a"
    input lit=4
    as="c"
  end
  step id="s3" kind="compute"
    op=list_append
    input var="b"
    input lit=5
    as="d"
  end
  step id="s4" kind="compute"
    op=concat
    input var="s"
    input lit="!"
    as="t"
  end
  step id="s5" kind="compute"
    op=concat
    input var="s"
    input lit="?"
    as="u"
  end
  step id="s6" kind="compute"
    op=concat
    input var="t"
    input lit="!"
    as="v"
  end
  step id="s7" kind="compute"
    op=to_string
    input lit=0
    as="zero"
  end
  step id="s8" kind="construct"
    collection
      item from="t"
      item from="u"
      item from="v"
    end
    as="texts"
  end
  step id="s9" kind="compute"
    op=list_len
    input var="b"
    as="nb"
  end
  step id="s10" kind="compute"
    op=list_len
    input var="d"
    as="nd"
  end
  step id="s11" kind="compute"
    op=list_last
    input var="c"
    as="lc"
  end
  step id="s12" kind="compute"
    op=list_last
    input var="b"
    as="lb"
  end
  step id="s13" kind="compute"
    op=list_concat
    input var="b"
    input var="c"
    as="bc"
  end
  step id="s14" kind="compute"
    op=list_append
    input var="bc"
    input var="nb"
    as="e"
  end
  step id="s15" kind="compute"
    op=list_append
    input var="e"
    input var="nd"
    as="f"
  end
  step id="s16" kind="compute"
    op=list_append
    input var="f"
    input var="lc"
    as="g"
  end
  step id="s17" kind="compute"
    op=list_append
    input var="g"
    input var="lb"
    as="h"
  end
  step id="s18" kind="for"
    var="x"
    in="h"
    step id="s18a" kind="compute"
      op=to_string
      input var="x"
      as="digits"
    end
    as="shown"
  end
  step id="s19" kind="compute"
    op=join
    input var="shown"
    input lit=","
    as="line"
  end
  step id="s20" kind="compute"
    op=list_append
    input var="texts"
    input var="line"
    as="all"
  end
  step id="s21" kind="compute"
    op=list_append
    input var="all"
    input var="zero"
    as="result"
  end
  step id="s22" kind="return"
    from="result"
    as="_"
  end
end
end
"#;
    let mut h = Harness::new(source);
    let got = h.call("branches", &[ints(&[1, 2]), Val::String("s".into())]).unwrap();
    // b = [1,2,3], c = [1,2,4], d = [1,2,3,5]; h = b ++ c ++ [len b, len d, last c, last b]
    assert_eq!(got, strs(&["s!", "s?", "s!!", "1,2,3,1,2,4,3,4,4,3", "0"]));
}

/// LANGUAGE-DECISIONS 12 from Rust's shortest round-trip digits: plain notation for decimal
/// exponents -6..=20 (always with a `.`), otherwise `d.ddde-7` / `1e21`.
fn float_text(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap();
    let exp: i32 = exp.parse().unwrap();
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x == 0.0 {
        return format!("{sign}0.0");
    }
    let n = digits.len() as i32;
    let k = exp + 1;
    let body = if !(-6..=20).contains(&exp) {
        let frac = if n > 1 { format!(".{}", &digits[1..]) } else { String::new() };
        format!("{}{frac}e{exp}", &digits[..1])
    } else if k <= 0 {
        format!("0.{}{digits}", "0".repeat((-k) as usize))
    } else if k >= n {
        format!("{digits}{}.0", "0".repeat((k - n) as usize))
    } else {
        format!("{}.{}", &digits[..k as usize], &digits[k as usize..])
    };
    format!("{sign}{body}")
}

#[test]
fn floats_print_as_the_shortest_text_that_reads_back() {
    let mut h = Harness::new(&program(&[("f_text", "to_string", &["Float"], "String")]));
    let mut values = floats();
    values.extend([
        1.0,
        2.0,
        0.1,
        0.2,
        0.3,
        1.0 / 3.0,
        100.0,
        1e20,
        1e21,
        1e-6,
        1e-7,
        123456789.125,
        9007199254740993.0,
        f64::MAX,
        f64::MIN_POSITIVE,
        2.225_073_858_507_201e-308,
        5e-324,
        1.7976931348623157e308,
        4.35,
        0.000123,
        1e23,
        8.41e21,
        5e-7,
    ]);
    values.extend((-30..30).map(|e| 10f64.powi(e)));
    values.extend((-1074..1024).step_by(7).map(|e| 2f64.powi(e)));
    // Random bit patterns: every exponent and mantissa shape.
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..3000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        values.push(f64::from_bits(seed));
    }
    for x in values {
        let expected = float_text(x);
        let got = h.call("op-f-text", &[Val::Float64(x)]);
        assert_eq!(got, Ok(Val::String(expected.clone())), "to_string({x:e}) (bits {:#x})", x.to_bits());
        // And it reads back.
        if x.is_finite() {
            assert_eq!(expected.parse::<f64>().unwrap().to_bits(), x.to_bits());
        }
    }
}

#[test]
fn parse_int_reads_a_sign_and_digits_or_stops() {
    let mut h = Harness::new(&program(&[("parse", "parse_int", &["String"], "Int")]));
    let cases = [
        "0",
        "-0",
        "+7",
        "007",
        "42",
        "-42",
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999",
        "",
        "-",
        "+",
        " 1",
        "1 ",
        "1_000",
        "0x10",
        "1.5",
        "٣",
        "--1",
        "+-1",
    ];
    for text in cases {
        // Well-formed: an optional sign, then ASCII digits (LANGUAGE-DECISIONS 18).
        let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
        let well_formed = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
        match h.call("op-parse", &[Val::String(text.into())]) {
            Ok(Val::S64(n)) => assert_eq!(Some(n), text.parse::<i64>().ok(), "parse_int({text:?})"),
            Err(e) if !well_formed => assert!(e.contains("covenant_error_invalid_number"), "parse_int({text:?}): {e}"),
            Err(e) => assert!(
                text.parse::<i64>().is_err() && e.contains("covenant_error_integer_overflow"),
                "parse_int({text:?}): {e}"
            ),
            other => panic!("{other:?}"),
        }
    }
}

fn map_val(entries: &[(&str, i64)]) -> Val {
    Val::List(entries.iter().map(|(k, v)| Val::Tuple(vec![Val::String((*k).into()), Val::S64(*v)])).collect())
}

/// Maps keep insertion order; inserting an existing key replaces its value in place; the right-hand
/// map of a merge wins (LANGUAGE-DECISIONS 17).
#[test]
fn map_operators_match_an_ordered_reference() {
    let ops: &[(&str, &str, &[&str], &str)] = &[
        ("m_get", "map_get", &["Map<String, Int>", "String"], "Int"),
        ("m_has", "map_has", &["Map<String, Int>", "String"], "Bool"),
        ("m_insert", "map_insert", &["Map<String, Int>", "String", "Int"], "Map<String, Int>"),
        ("m_remove", "map_remove", &["Map<String, Int>", "String"], "Map<String, Int>"),
        ("m_merge", "map_merge", &["Map<String, Int>", "Map<String, Int>"], "Map<String, Int>"),
        ("m_keys", "map_keys", &["Map<String, Int>"], "List<String>"),
        ("m_values", "map_values", &["Map<String, Int>"], "List<Int>"),
        ("m_len", "map_len", &["Map<String, Int>"], "Int"),
        ("m_empty", "map_is_empty", &["Map<String, Int>"], "Bool"),
    ];
    let mut h = Harness::new(&program(ops));
    let maps: Vec<Vec<(&str, i64)>> =
        vec![vec![], vec![("a", 1)], vec![("b", 2), ("a", 1), ("é", -3)], vec![("a", 10), ("z", 26)]];
    let insert = |m: &[(&'static str, i64)], k: &'static str, v: i64| {
        let mut out = m.to_vec();
        match out.iter_mut().find(|(key, _)| *key == k) {
            Some(e) => e.1 = v,
            None => out.push((k, v)),
        }
        out
    };
    for m in &maps {
        assert_eq!(h.call("op-m-len", &[map_val(m)]), Ok(Val::S64(m.len() as i64)));
        assert_eq!(h.call("op-m-empty", &[map_val(m)]), Ok(Val::Bool(m.is_empty())));
        let keys: Vec<&str> = m.iter().map(|(k, _)| *k).collect();
        let values: Vec<i64> = m.iter().map(|(_, v)| *v).collect();
        assert_eq!(h.call("op-m-keys", &[map_val(m)]), Ok(strs(&keys)));
        assert_eq!(h.call("op-m-values", &[map_val(m)]), Ok(ints(&values)));
        for k in ["a", "b", "é", "q", ""] {
            let found = m.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
            assert_eq!(h.call("op-m-has", &[map_val(m), Val::String(k.into())]), Ok(Val::Bool(found.is_some())));
            match (h.call("op-m-get", &[map_val(m), Val::String(k.into())]), found) {
                (Ok(Val::S64(v)), Some(e)) => assert_eq!(v, e),
                (Err(t), None) => assert!(t.contains("covenant_error_missing_key"), "{t}"),
                (g, e) => panic!("map_get({m:?}, {k:?}): {g:?} vs {e:?}"),
            }
            assert_eq!(
                h.call("op-m-insert", &[map_val(m), Val::String(k.into()), Val::S64(99)]),
                Ok(map_val(&insert(m, k, 99))),
                "insert({m:?}, {k:?})"
            );
            let removed: Vec<(&str, i64)> = m.iter().filter(|(key, _)| *key != k).copied().collect();
            assert_eq!(
                h.call("op-m-remove", &[map_val(m), Val::String(k.into())]),
                Ok(map_val(&removed)),
                "remove({m:?}, {k:?})"
            );
        }
        for other in &maps {
            let merged = other.iter().fold(m.clone(), |acc, (k, v)| insert(&acc, k, *v));
            assert_eq!(
                h.call("op-m-merge", &[map_val(m), map_val(other)]),
                Ok(map_val(&merged)),
                "merge({m:?}, {other:?})"
            );
        }
    }
}

/// Addition and subtraction with a constant operand use a one-comparison overflow test; it must
/// agree with the general one at every edge.
#[test]
fn arithmetic_with_constant_operands_matches_the_reference() {
    let constants = [0i64, 1, -1, 2, -2, 1000, i64::MAX, i64::MIN, i64::MAX - 1, i64::MIN + 1];
    let mut src = String::new();
    for (i, c) in constants.iter().enumerate() {
        for op in ["add", "sub"] {
            src.push_str(&format!(
                "snippet id=\"t.{op}{i}\" kind=\"fn\"\nsignature\n  fn name=\"op_{op}_c{i}\"\n    param name=\"a\" type=\"Int\"\n    returns type=\"Int\"\n  end\nend\nbody\n  step id=\"s1\" kind=\"compute\"\n    op={op}\n    input var=\"a\"\n    input lit={c}\n    as=\"r\"\n  end\n  step id=\"s2\" kind=\"return\"\n    from=\"r\"\n    as=\"_\"\n  end\nend\nend\n\n"
            ));
        }
    }
    let mut h = Harness::new(&src);
    for (i, &c) in constants.iter().enumerate() {
        for &a in INTS {
            check_int(&mut h, &format!("add_c{i}"), &[a], a.checked_add(c), "covenant_error_integer_overflow");
            check_int(&mut h, &format!("sub_c{i}"), &[a], a.checked_sub(c), "covenant_error_integer_overflow");
        }
    }
}

/// `equals` and `not_equals` compare structs, enums, optionals, unions, lists and maps by value.
#[test]
fn structural_equality_compares_values_not_addresses() {
    let types = r#"
snippet id="t.P" kind="struct"
signature
  struct name="P"
    field name="flag" type="Bool"
    field name="name" type="String"
    field name="tags" type="List<String>"
  end
end
end

snippet id="t.S" kind="enum"
signature
  enum name="S"
    variant name="Empty"
    variant name="One"
      field name="p" type="P"
    end
    variant name="Many"
      field name="xs" type="List<Int>"
      field name="f" type="Float"
    end
  end
end
end
"#;
    let ops: &[(&str, &str, &[&str], &str)] = &[
        ("eq_p", "equals", &["P", "P"], "Bool"),
        ("ne_s", "not_equals", &["S", "S"], "Bool"),
        ("eq_opt", "equals", &["Int?", "Int?"], "Bool"),
        ("eq_lists", "equals", &["List<List<String>>", "List<List<String>>"], "Bool"),
        ("eq_maps", "equals", &["Map<String, Int>", "Map<String, Int>"], "Bool"),
    ];
    let mut h = Harness::new(&format!("{types}\n{}", program(ops)));
    let p = |flag: bool, name: &str, tags: &[&str]| {
        Val::Record(vec![
            ("flag".into(), Val::Bool(flag)),
            ("name".into(), Val::String(name.into())),
            ("tags".into(), strs(tags)),
        ])
    };
    let ps = [
        p(true, "a", &[]),
        p(false, "a", &[]),
        p(true, "b", &[]),
        p(true, "a", &["x"]),
        p(true, "a", &["x", "y"]),
        p(true, "é", &["x"]),
    ];
    for (i, a) in ps.iter().enumerate() {
        for (j, b) in ps.iter().enumerate() {
            assert_eq!(h.call("op-eq-p", &[a.clone(), b.clone()]), Ok(Val::Bool(i == j)), "{a:?} == {b:?}");
        }
    }
    let many = |xs: &[i64], f: f64| {
        Val::Variant(
            "many".into(),
            Some(Box::new(Val::Record(vec![("xs".into(), ints(xs)), ("f".into(), Val::Float64(f))]))),
        )
    };
    let ss = [
        Val::Variant("empty".into(), None),
        Val::Variant("one".into(), Some(Box::new(ps[0].clone()))),
        Val::Variant("one".into(), Some(Box::new(ps[3].clone()))),
        many(&[], 1.0),
        many(&[1, 2], 1.0),
        many(&[1, 2], 1.5),
    ];
    for (i, a) in ss.iter().enumerate() {
        for (j, b) in ss.iter().enumerate() {
            assert_eq!(h.call("op-ne-s", &[a.clone(), b.clone()]), Ok(Val::Bool(i != j)), "{a:?} != {b:?}");
        }
    }
    // NaN payloads are unequal, as Floats are.
    assert_eq!(h.call("op-ne-s", &[many(&[], f64::NAN), many(&[], f64::NAN)]), Ok(Val::Bool(true)));
    let opts = [Val::Option(None), Val::Option(Some(Box::new(Val::S64(0)))), Val::Option(Some(Box::new(Val::S64(1))))];
    for (i, a) in opts.iter().enumerate() {
        for (j, b) in opts.iter().enumerate() {
            assert_eq!(h.call("op-eq-opt", &[a.clone(), b.clone()]), Ok(Val::Bool(i == j)));
        }
    }
    let nested = |v: &[&[&str]]| Val::List(v.iter().map(|l| strs(l)).collect());
    let lists = [nested(&[]), nested(&[&[]]), nested(&[&["a"]]), nested(&[&["a"], &[]]), nested(&[&["a", "b"]])];
    for (i, a) in lists.iter().enumerate() {
        for (j, b) in lists.iter().enumerate() {
            assert_eq!(h.call("op-eq-lists", &[a.clone(), b.clone()]), Ok(Val::Bool(i == j)));
        }
    }
    let maps = [
        map_val(&[]),
        map_val(&[("a", 1)]),
        map_val(&[("a", 2)]),
        map_val(&[("b", 1)]),
        map_val(&[("a", 1), ("b", 2)]),
        map_val(&[("b", 2), ("a", 1)]),
    ];
    for (i, a) in maps.iter().enumerate() {
        for (j, b) in maps.iter().enumerate() {
            // The same entries in another order are the same map (the last two).
            let same = i == j || (i >= 4 && j >= 4);
            assert_eq!(h.call("op-eq-maps", &[a.clone(), b.clone()]), Ok(Val::Bool(same)), "{a:?} == {b:?}");
        }
    }
}

/// parse_float against Rust's correctly rounded `str::parse::<f64>`: every double's shortest and
/// long forms, halfway cases, subnormals, overflow and underflow, and malformed text.
#[test]
fn parse_float_rounds_correctly() {
    let mut h = Harness::new(&program(&[("pf", "parse_float", &["String"], "Float")]));
    let mut texts: Vec<String> = [
        "0", "-0", "0.0", "1", "+1.5", "-2.5e-3", "1e21", "1E21", "1e+21", ".5", "5.", "007.25", "0.1", "0.2", "0.30000000000000004",
        "9007199254740993", "9007199254740995", "2.2250738585072011e-308", "2.2250738585072012e-308", "4.9e-324", "2.4703282292062327e-324",
        "2.4703282292062328e-324", "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e309", "1e-400", "123456789012345678901234567890",
        "0.000000000000000000000000000001", "1e100000000", "1e-100000000", "inf", "-inf", "NaN", "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for _ in 0..1500 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let x = f64::from_bits(seed);
        if x.is_finite() {
            texts.push(format!("{x:e}"));
            texts.push(format!("{x:.25e}"));
            texts.push(format!("{x}"));
        }
    }
    for text in &texts {
        let expected: f64 = text.parse().unwrap_or_else(|_| panic!("{text} parses in Rust"));
        match h.call("op-pf", &[Val::String(text.clone())]) {
            Ok(Val::Float64(got)) => {
                assert!(same_float(got, expected), "parse_float({text:?}) = {got:e}, expected {expected:e}")
            }
            other => panic!("parse_float({text:?}): {other:?}"),
        }
    }
    for bad in
        ["", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "1,5", " 1", "1 ", "0x10", "--1", "1e5.5", "infinity", "nan"]
    {
        let got = h.call("op-pf", &[Val::String(bad.into())]);
        assert!(
            matches!(&got, Err(e) if e.contains("covenant_error_invalid_number")),
            "parse_float({bad:?}) = {got:?}"
        );
    }
}

/// Int lists sort by radix (one pass per byte position that varies); other element types merge.
/// Both against Rust's sort, on numbers of every size and sign.
#[test]
fn sorting_large_lists_matches_the_reference() {
    let mut h = Harness::new(&program(&[("sort_ints", "list_sort", &["List<Int>"], "List<Int>")]));
    let mut seed = 0x1234_5678_9ABC_DEF1u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for shape in 0..4 {
        let values: Vec<i64> = (0..5000)
            .map(|_| {
                let r = next() as i64;
                match shape {
                    0 => r,                // every byte varies
                    1 => r % 1000,         // small, both signs
                    2 => (r & 0xFF) << 40, // one middle byte varies
                    _ => 7,                // all equal
                }
            })
            .collect();
        let mut sorted = values.clone();
        sorted.sort();
        assert_eq!(h.call("op-sort-ints", &[ints(&values)]), Ok(ints(&sorted)), "shape {shape}");
    }
}

/// Sets hold distinct values in insertion order; a list given where a set is expected drops its
/// repeats; equality ignores order.
#[test]
fn set_operators_match_an_ordered_reference() {
    let ops: &[(&str, &str, &[&str], &str)] = &[
        ("st_has", "set_has", &["Set<String>", "String"], "Bool"),
        ("st_add", "set_add", &["Set<String>", "String"], "Set<String>"),
        ("st_remove", "set_remove", &["Set<String>", "String"], "Set<String>"),
        ("st_union", "set_union", &["Set<String>", "Set<String>"], "Set<String>"),
        ("st_intersect", "set_intersect", &["Set<String>", "Set<String>"], "Set<String>"),
        ("st_diff", "set_diff", &["Set<String>", "Set<String>"], "Set<String>"),
        ("st_sym", "set_symmetric_diff", &["Set<String>", "Set<String>"], "Set<String>"),
        ("st_subset", "set_is_subset", &["Set<String>", "Set<String>"], "Bool"),
        ("st_superset", "set_is_superset", &["Set<String>", "Set<String>"], "Bool"),
        ("st_eq", "equals", &["Set<String>", "Set<String>"], "Bool"),
        ("st_len", "set_len", &["Set<String>"], "Int"),
        ("st_list", "set_to_list", &["Set<String>"], "List<String>"),
        ("st_from_ints", "set_to_list", &["List<Int>"], "List<Int>"),
    ];
    let mut h = Harness::new(&program(ops));
    let sets: Vec<Vec<&str>> = vec![vec![], vec!["a"], vec!["b", "a"], vec!["a", "b", "c"], vec!["é", "a"]];
    let has = |s: &[&str], x: &str| s.contains(&x);
    for a in &sets {
        assert_eq!(h.call("op-st-len", &[strs(a)]), Ok(Val::S64(a.len() as i64)));
        assert_eq!(h.call("op-st-list", &[strs(a)]), Ok(strs(a)));
        for x in ["a", "b", "z", "é"] {
            assert_eq!(h.call("op-st-has", &[strs(a), Val::String(x.into())]), Ok(Val::Bool(has(a, x))));
            let mut added = a.clone();
            if !has(a, x) {
                added.push(x);
            }
            assert_eq!(h.call("op-st-add", &[strs(a), Val::String(x.into())]), Ok(strs(&added)), "add({a:?}, {x})");
            let removed: Vec<&str> = a.iter().copied().filter(|y| *y != x).collect();
            assert_eq!(
                h.call("op-st-remove", &[strs(a), Val::String(x.into())]),
                Ok(strs(&removed)),
                "remove({a:?}, {x})"
            );
        }
        for b in &sets {
            fn only<'s>(x: &[&'s str], y: &[&str]) -> Vec<&'s str> {
                x.iter().copied().filter(|v| !y.contains(v)).collect()
            }
            let union: Vec<&str> = a.iter().copied().chain(only(b, a)).collect();
            let inter: Vec<&str> = a.iter().copied().filter(|v| b.contains(v)).collect();
            let sym: Vec<&str> = only(a, b).into_iter().chain(only(b, a)).collect();
            assert_eq!(h.call("op-st-union", &[strs(a), strs(b)]), Ok(strs(&union)), "union({a:?}, {b:?})");
            assert_eq!(h.call("op-st-intersect", &[strs(a), strs(b)]), Ok(strs(&inter)));
            assert_eq!(h.call("op-st-diff", &[strs(a), strs(b)]), Ok(strs(&only(a, b))));
            assert_eq!(h.call("op-st-sym", &[strs(a), strs(b)]), Ok(strs(&sym)));
            let subset = a.iter().all(|v| b.contains(v));
            let superset = b.iter().all(|v| a.contains(v));
            assert_eq!(h.call("op-st-subset", &[strs(a), strs(b)]), Ok(Val::Bool(subset)));
            assert_eq!(h.call("op-st-superset", &[strs(a), strs(b)]), Ok(Val::Bool(superset)));
            assert_eq!(
                h.call("op-st-eq", &[strs(a), strs(b)]),
                Ok(Val::Bool(subset && superset)),
                "equals({a:?}, {b:?})"
            );
        }
    }
    // A set passed in with repeats keeps the first of each.
    assert_eq!(h.call("op-st-len", &[strs(&["a", "b", "a"])]), Ok(Val::S64(2)));
    assert_eq!(h.call("op-st-list", &[strs(&["b", "a", "b"])]), Ok(strs(&["b", "a"])));
    // set_to_list of a list: the list becomes a set first (repeats dropped, first occurrences kept).
    assert_eq!(h.call("op-st-from-ints", &[ints(&[3, 1, 3, 2, 1])]), Ok(ints(&[3, 1, 2])));
}

/// `for` over a map and `map_entries` give the entries in insertion order, as structs with `key`
/// and `value`.
#[test]
fn maps_iterate_their_entries_in_order() {
    let source = r#"
snippet id="t.describe" kind="fn"
signature
  fn name="describe"
    param name="m" type="Map<String, Int>"
    returns type="String"
  end
end
body
  step id="s1" kind="for"
    var="entry"
    in="m"
    step id="s1a" kind="compute"
      op=to_string
      input field="value" of="entry"
      as="digits"
    end
    step id="s1b" kind="compute"
      op=concat
      input field="key" of="entry"
      input var="digits"
      as="pair"
    end
    as="pairs"
  end
  step id="s2" kind="compute"
    op=join
    input var="pairs"
    input lit=","
    as="text"
  end
  step id="s3" kind="return"
    from="text"
    as="_"
  end
end
end

snippet id="t.entries" kind="fn"
signature
  fn name="entries"
    param name="m" type="Map<String, Int>"
    returns type="List<MapEntry<String, Int>>"
  end
end
body
  step id="s1" kind="compute"
    op=map_entries
    input var="m"
    as="e"
  end
  step id="s2" kind="return"
    from="e"
    as="_"
  end
end
end
"#;
    let c = common::compile_ok("entries", source);
    assert!(c.wit.as_deref().unwrap().contains("record string-int-entry { key: string, value: s64 }"), "{:?}", c.wit);
    let mut h = Harness::new(source);
    let m = map_val(&[("b", 2), ("a", 1), ("é", -3)]);
    assert_eq!(h.call("describe", std::slice::from_ref(&m)), Ok(Val::String("b2,a1,é-3".into())));
    let entry =
        |k: &str, v: i64| Val::Record(vec![("key".into(), Val::String(k.into())), ("value".into(), Val::S64(v))]);
    assert_eq!(h.call("entries", &[m]), Ok(Val::List(vec![entry("b", 2), entry("a", 1), entry("é", -3)])));
}
