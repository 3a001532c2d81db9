//! Budgets from metadata: a runaway call ends with a named error within the `timeout` (or the
//! fuel a `cost_hint` allows), and a program that wants more memory than `max_memory` stops with
//! `out of memory`, never a hang or a crash of the host.

mod common;

use covenant_host::runtime::Budget;
use std::time::{Duration, Instant};

/// `main` (with `metadata`) prints fib(`n`) of the recursive definition.
fn program(metadata: &str, n: u32) -> String {
    format!(
        r#"snippet id="app.fib" kind="fn"
signature
  fn name="fib"
    param name="n" type="Int"
    returns type="Int"
  end
end
body
  step id="s1" kind="compute"
    op=less
    input var="n"
    input lit=2
    as="small"
  end
  step id="s2" kind="if"
    condition="small"
    then
      step id="s2a" kind="return"
        from="n"
        as="_"
      end
    end
    as="_"
  end
  step id="s3" kind="compute"
    op=sub
    input var="n"
    input lit=1
    as="a"
  end
  step id="s4" kind="compute"
    op=sub
    input var="n"
    input lit=2
    as="b"
  end
  step id="s5" kind="call"
    fn="app.fib"
    arg name="n" from="a"
    as="x"
  end
  step id="s6" kind="call"
    fn="app.fib"
    arg name="n" from="b"
    as="y"
  end
  step id="s7" kind="compute"
    op=add
    input var="x"
    input var="y"
    as="sum"
  end
  step id="s8" kind="return"
    from="sum"
    as="_"
  end
end
end

snippet id="app.main" kind="fn"
effects
  effect console
end
signature
  fn name="main"
    returns type="Unit"
  end
end
body
  step id="s1" kind="call"
    fn="app.fib"
    arg name="n" lit={n}
    as="f"
  end
  step id="s2" kind="compute"
    op=to_string
    input var="f"
    as="text"
  end
  step id="s3" kind="call"
    fn="console.println"
    arg name="message" from="text"
    as="_"
  end
end
metadata
{metadata}
end
end
"#
    )
}

fn run(source: &str, budget: &Budget) -> Result<String, String> {
    common::run_program("program", source, budget, &Default::default())
}

#[test]
fn a_runaway_call_ends_within_its_timeout_metadata() {
    let start = Instant::now();
    let err = run(&program("  timeout=300ms", 60), &Budget::default()).unwrap_err();
    assert!(err.contains("runtime error: timeout") || err.contains("runtime error: out of fuel"), "{err}");
    // 300 ms, plus compiling and starting: far below what fib(60) would take (hours).
    assert!(start.elapsed() < Duration::from_secs(10), "took {:?}", start.elapsed());
}

#[test]
fn a_cost_hint_gives_a_fuel_budget() {
    let err = run(&program("  cost_hint=cheap", 60), &Budget::default()).unwrap_err();
    assert!(err.contains("runtime error: out of fuel"), "{err}");
    // Within the budget, the same program runs.
    assert_eq!(run(&program("  cost_hint=cheap", 15), &Budget::default()).unwrap(), "610\n");
}

#[test]
fn the_command_line_overrides_the_metadata() {
    let budget = Budget { fuel: Some(u64::MAX), timeout: Some(Duration::from_secs(600)), ..Default::default() };
    assert_eq!(run(&program("  cost_hint=cheap", 25), &budget).unwrap(), "75025\n");
}

#[test]
fn memory_beyond_the_limit_is_out_of_memory() {
    let source = r#"snippet id="app.main" kind="fn"
effects
  effect console
end
signature
  fn name="main"
    returns type="Unit"
  end
end
body
  step id="s1" kind="compute"
    op=repeat
    input lit="0123456789"
    input lit=10000000
    as="big"
  end
  step id="s2" kind="compute"
    op=str_len
    input var="big"
    as="n"
  end
  step id="s3" kind="compute"
    op=to_string
    input var="n"
    as="text"
  end
  step id="s4" kind="call"
    fn="console.println"
    arg name="message" from="text"
    as="_"
  end
end
end
"#;
    let small = Budget { max_memory: Some(16 << 20), ..Default::default() };
    let err = run(source, &small).unwrap_err();
    assert!(err.contains("runtime error: out of memory"), "{err}");
    assert_eq!(run(source, &Budget::default()).unwrap(), "100000000\n");
}
