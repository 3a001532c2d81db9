//! Library-style exports are callable with WIT types, repeatedly (the arena is reset after each
//! call), and runtime errors are defined: named traps, never silent garbage.

mod common;

use covenant_host::runtime::{Stdio, engine, invoke, run_command_blocking};
use wasmtime::component::Val;

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
}

fn factorial_component() -> Vec<u8> {
    let source = std::fs::read_to_string(common::root().join("examples/factorial.cov")).unwrap();
    common::compile_ok("factorial", &source).component.unwrap()
}

#[test]
fn exports_return_typed_values() {
    let bytes = factorial_component();
    block_on(async {
        let engine = engine().unwrap();
        let r = invoke(&engine, &bytes, "factorial", &[Val::S64(20)], &Default::default(), &Default::default())
            .await
            .unwrap();
        assert_eq!(r, vec![Val::S64(2_432_902_008_176_640_000)]);
        let r =
            invoke(&engine, &bytes, "greet", &[Val::String("wasm ✓".into())], &Default::default(), &Default::default())
                .await
                .unwrap();
        assert_eq!(r, vec![Val::String("Hello, wasm ✓!".into())]);
    });
}

#[test]
fn an_instance_serves_many_calls_without_growing() {
    use wasmtime::component::{Component, Linker, ResourceTable};
    let bytes = factorial_component();
    block_on(async {
        let engine = engine().unwrap();
        let component = Component::new(&engine, &bytes).unwrap();
        let mut linker: Linker<State> = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker).unwrap();
        let mut store = wasmtime::Store::new(
            &engine,
            State(wasmtime_wasi::WasiCtxBuilder::new().build(), ResourceTable::new(), Limits),
        );
        // At most 2 pages: data, plus one arena page (so the test fails if the arena is never reset).
        store.limiter(|s| &mut s.2);
        // The host's engine meters fuel and epochs: give this store an unlimited budget.
        store.set_fuel(u64::MAX).unwrap();
        store.set_epoch_deadline(u64::MAX);
        let instance = linker.instantiate_async(&mut store, &component).await.unwrap();
        let greet = instance.get_func(&mut store, "greet").unwrap();
        let big = "x".repeat(10_000);
        for _ in 0..200 {
            let mut out = [Val::Bool(false)];
            greet.call_async(&mut store, &[Val::String(big.clone())], &mut out).await.unwrap();
            assert!(matches!(&out[0], Val::String(s) if s.len() == 10_008));
        }
    });
}

struct State(wasmtime_wasi::WasiCtx, wasmtime::component::ResourceTable, Limits);
impl wasmtime_wasi::WasiView for State {
    fn ctx(&mut self) -> wasmtime_wasi::WasiCtxView<'_> {
        wasmtime_wasi::WasiCtxView { ctx: &mut self.0, table: &mut self.1 }
    }
}

struct Limits;
impl wasmtime::ResourceLimiter for Limits {
    fn memory_growing(&mut self, _current: usize, desired: usize, _max: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= 2 * 65536)
    }
    fn table_growing(&mut self, _c: usize, _d: usize, _m: Option<usize>) -> wasmtime::Result<bool> {
        Ok(true)
    }
}

fn main_program(body: &str) -> String {
    format!(
        "snippet id=\"m\" kind=\"fn\"\neffects\n  effect console\nend\nsignature\n  fn name=\"main\"\n    returns type=\"Unit\"\n  end\nend\nbody\n{body}end\nend\n"
    )
}

fn run_error(source: &str) -> String {
    let c = common::compile_ok("trap", source);
    let stdio = Stdio::capture();
    format!(
        "{:#}",
        run_command_blocking(c.component.as_ref().unwrap(), &stdio, &Default::default(), &Default::default())
            .expect_err("the program must trap")
    )
}

#[test]
fn integer_overflow_is_a_named_trap() {
    let body = "  step id=\"s1\" kind=\"compute\"\n    op=mul\n    input lit=9223372036854775807\n    input lit=2\n    as=\"x\"\n  end\n";
    let err = run_error(&main_program(body));
    assert!(err.contains("runtime error: integer overflow"), "{err}");
    let body = "  step id=\"s1\" kind=\"compute\"\n    op=add\n    input lit=9223372036854775807\n    input lit=1\n    as=\"x\"\n  end\n";
    assert!(run_error(&main_program(body)).contains("runtime error: integer overflow"));
    let body =
        "  step id=\"s1\" kind=\"compute\"\n    op=neg\n    input lit=-9223372036854775808\n    as=\"x\"\n  end\n";
    assert!(run_error(&main_program(body)).contains("runtime error: integer overflow"));
}

#[test]
fn division_by_zero_is_a_named_trap() {
    let body = "  step id=\"s1\" kind=\"compute\"\n    op=div\n    input lit=1\n    input lit=0\n    as=\"x\"\n  end\n";
    let err = run_error(&main_program(body));
    assert!(err.contains("runtime error: division by zero"), "{err}");
}

#[test]
fn an_index_out_of_range_is_a_named_trap() {
    for index in ["3", "-1"] {
        let body = format!(
            "  step id=\"s1\" kind=\"bind\"\n    lit=[1, 2, 3]\n    as=\"xs\"\n  end\n  step id=\"s2\" kind=\"compute\"\n    op=list_get\n    input var=\"xs\"\n    input lit={index}\n    as=\"x\"\n  end\n"
        );
        let err = run_error(&main_program(&body));
        assert!(err.contains("runtime error: index out of range"), "{index}: {err}");
    }
}

#[test]
fn list_exports_take_and_return_lists() {
    let source = std::fs::read_to_string(common::root().join("examples/lists.cov")).unwrap();
    let bytes = common::compile_ok("lists", &source).component.unwrap();
    block_on(async {
        let engine = engine().unwrap();
        let input = Val::List(vec![Val::S64(-4), Val::S64(5)]);
        let r = invoke(&engine, &bytes, "squares", &[input], &Default::default(), &Default::default()).await.unwrap();
        assert_eq!(r, vec![Val::List(vec![Val::S64(16), Val::S64(25)])]);
        let words = Val::List(vec![Val::String("ok".into()), Val::String("✓".into())]);
        let r = invoke(&engine, &bytes, "exclaim", &[words], &Default::default(), &Default::default()).await.unwrap();
        assert_eq!(r, vec![Val::String("ok!, ✓!".into())]);
        let r = invoke(&engine, &bytes, "exclaim", &[Val::List(vec![])], &Default::default(), &Default::default())
            .await
            .unwrap();
        assert_eq!(r, vec![Val::String(String::new())]);
    });
}

/// The runtime benchmark's program computes what its Rust reference computes (bench/run.sh
/// compares their speed; this keeps the Covenant side correct in every test run).
#[test]
fn the_benchmark_program_matches_its_rust_reference() {
    let source = std::fs::read_to_string(common::root().join("bench/compute.cov")).unwrap();
    let bytes = common::compile_ok("compute", &source).component.unwrap();
    let fib = |n: i64| -> i64 {
        let (mut a, mut b) = (0i64, 1i64);
        for _ in 0..n {
            (a, b) = (b, a + b);
        }
        a
    };
    let build_string = |n: i64| (0..n).map(|i| format!("{i},")).collect::<String>().len() as i64;
    let mut seed = 42i64;
    let numbers: Vec<i64> = (0..3000)
        .map(|_| {
            seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
            seed
        })
        .collect();
    let mut sorted = numbers.clone();
    sorted.sort();
    let checksum = sorted.iter().fold(0, |c, x| (c * 31 + x) % 1_000_000_007);
    block_on(async {
        let engine = engine().unwrap();
        let list = Val::List(numbers.iter().map(|n| Val::S64(*n)).collect());
        for (name, arg, expected) in [
            ("fib", Val::S64(20), fib(20)),
            ("build-string", Val::S64(500), build_string(500)),
            ("sort-checksum", list, checksum),
        ] {
            let r = invoke(&engine, &bytes, name, &[arg], &Default::default(), &Default::default()).await.unwrap();
            assert_eq!(r, vec![Val::S64(expected)], "{name}");
        }
    });
}

/// A `types` section declares structs, enums and aliases inside a function snippet; `returns
/// collection of=` is a list and `param .. optional` an optional.
#[test]
fn types_sections_aliases_collections_and_optional_params() {
    let source = r#"
snippet id="app.labels" kind="fn"
types
  alias name="Label" type="String"
  alias name="Labels" type="List<Label>"
  struct name="Tagged"
    field name="label" type="Label"
    field name="weight" type="Int"
  end
end
signature
  fn name="labels"
    param name="items" type="List<Tagged>"
    param name="prefix" type="String" optional
    returns collection of="Label"
  end
end
body
  step id="s1" kind="match"
    on="prefix"
    case variant type="Some" bindings=("p")
      step id="s1a" kind="bind"
        from="p"
        as="start"
      end
    end
    case variant type="None"
      step id="s1b" kind="bind"
        lit=""
        as="start"
      end
    end
    as="before"
  end
  step id="s2" kind="for"
    var="item"
    in="items"
    step id="s2a" kind="compute"
      op=concat
      input var="before"
      input field="label" of="item"
      as="text"
    end
    as="out"
  end
  step id="s3" kind="return"
    from="out"
    as="_"
  end
end
end
"#;
    let c = common::compile_ok("labels", source);
    assert!(
        c.wit
            .as_deref()
            .unwrap()
            .contains("export labels: func(items: list<tagged>, prefix: option<string>) -> list<string>;"),
        "{:?}",
        c.wit
    );
    let tagged =
        |l: &str, w: i64| Val::Record(vec![("label".into(), Val::String(l.into())), ("weight".into(), Val::S64(w))]);
    block_on(async {
        let engine = engine().unwrap();
        let items = Val::List(vec![tagged("a", 1), tagged("b", 2)]);
        let some = Val::Option(Some(Box::new(Val::String("#".into()))));
        let r = invoke(
            &engine,
            c.component.as_ref().unwrap(),
            "labels",
            &[items.clone(), some],
            &Default::default(),
            &Default::default(),
        )
        .await
        .unwrap();
        assert_eq!(r, vec![Val::List(vec![Val::String("#a".into()), Val::String("#b".into())])]);
        let r = invoke(
            &engine,
            c.component.as_ref().unwrap(),
            "labels",
            &[items, Val::Option(None)],
            &Default::default(),
            &Default::default(),
        )
        .await
        .unwrap();
        assert_eq!(r, vec![Val::List(vec![Val::String("a".into()), Val::String("b".into())])]);
    });
}
