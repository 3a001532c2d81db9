//! `random.*` on wasi:random/random: every draw in range, all values of a small range appear
//! about equally often, the extreme range works, and an empty range is a named runtime error.

mod common;

use covenant_host::runtime::{self, Budget, engine};
use wasmtime::component::Val;

const DRAWS: &str = r#"snippet id="r.draws" kind="fn"
effects
  effect random
end
signature
  fn name="draws"
    param name="times" type="Int[]"
    param name="min" type="Int"
    param name="max" type="Int"
    returns type="Int[]"
  end
end
body
  step id="s1" kind="for"
    var="t" in="times"
    step id="s1a" kind="call"
      fn="random.int"
      arg name="min" from="min"
      arg name="max" from="max"
      as="d"
    end
    as="d"
  end
  step id="s2" kind="return"
    from="d"
    as="_"
  end
end
end

snippet id="r.unit" kind="fn"
effects
  effect random
end
signature
  fn name="unit"
    returns type="Float"
  end
end
body
  step id="s1" kind="call"
    fn="random.float"
    as="x"
  end
  step id="s2" kind="return"
    from="x"
    as="_"
  end
end
end
"#;

fn draws(bytes: &[u8], n: usize, min: i64, max: i64) -> Result<Vec<i64>, String> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let engine = engine().unwrap();
    let times = Val::List((0..n as i64).map(Val::S64).collect());
    let budget = Budget::default();
    let out = rt
        .block_on(runtime::invoke(
            &engine,
            bytes,
            "draws",
            &[times, Val::S64(min), Val::S64(max)],
            &budget,
            &Default::default(),
        ))
        .map_err(|e| runtime::describe_error(&e, &budget))?;
    let Val::List(items) = &out[0] else { panic!("a list") };
    Ok(items.iter().map(|v| if let Val::S64(n) = v { *n } else { panic!("an s64") }).collect())
}

#[test]
fn draws_are_in_range_and_uniform() {
    let c = common::compile_ok("draws", DRAWS);
    let bytes = c.component.unwrap();
    let dice = draws(&bytes, 60_000, 1, 6).unwrap();
    let mut counts = [0usize; 6];
    for d in &dice {
        assert!((1..=6).contains(d), "{d} is not a die");
        counts[(*d - 1) as usize] += 1;
    }
    // Each face 10,000 times on average; 9,400..10,600 is more than 6 standard deviations.
    for (face, n) in counts.iter().enumerate() {
        assert!((9_400..=10_600).contains(n), "face {} came {n} times: {counts:?}", face + 1);
    }
    // The whole Int range, and a one-value range.
    let wide = draws(&bytes, 1000, i64::MIN, i64::MAX).unwrap();
    assert!(wide.iter().any(|x| *x < 0) && wide.iter().any(|x| *x > 0), "both signs over the full range");
    assert_eq!(draws(&bytes, 5, -3, -3).unwrap(), [-3; 5]);
    // Repeated draws differ (the chance that 1000 draws from 2^64 collide is negligible).
    let mut sorted = wide.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), wide.len());
}

#[test]
fn an_empty_range_is_a_named_error() {
    let c = common::compile_ok("draws", DRAWS);
    assert_eq!(draws(&c.component.unwrap(), 1, 5, 4).unwrap_err(), "runtime error: invalid range");
}

#[test]
fn floats_are_in_the_unit_interval() {
    let c = common::compile_ok("draws", DRAWS);
    let bytes = c.component.unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let engine = engine().unwrap();
    let mut sum = 0.0;
    for _ in 0..200 {
        let out = rt
            .block_on(runtime::invoke(&engine, &bytes, "unit", &[], &Default::default(), &Default::default()))
            .unwrap();
        let Val::Float64(x) = out[0] else { panic!("an f64") };
        assert!((0.0..1.0).contains(&x), "{x}");
        sum += x;
    }
    // The mean of 200 uniform draws is within 0.1 of 0.5 (about 4.9 standard deviations).
    assert!((sum / 200.0 - 0.5).abs() < 0.1, "mean {}", sum / 200.0);
}
