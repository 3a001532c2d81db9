//! `std.storage.kv` on the host's `wasi:keyvalue/store`: persistent in a file across runs (the
//! `covenant` command's default), or in memory for one run.

mod common;

use covenant_host::grants::Grants;
use covenant_host::keyvalue::KvPlace;

/// Counts its runs in the key `visits`, printing the count.
const VISITS: &str = r#"snippet id="app.main" kind="fn"
effects
  effect storage
  effect console
end
signature
  fn name="main"
    returns type="Unit"
  end
end
body
  step id="s1" kind="call"
    fn="std.storage.kv.get"
    arg name="key" lit="visits"
    as="seen"
  end
  step id="s2" kind="match"
    on="seen"
    case variant type="Some" bindings=("text")
      step id="s2a" kind="compute"
        op=parse_int
        input var="text"
        as="before"
      end
      step id="s2b" kind="compute"
        op=add
        input var="before"
        input lit=1
        as="count"
      end
    end
    case variant type="None"
      step id="s2c" kind="bind"
        lit=1
        as="count"
      end
    end
    as="count"
  end
  step id="s3" kind="compute"
    op=to_string
    input var="count"
    as="line"
  end
  step id="s4" kind="call"
    fn="std.storage.kv.set"
    arg name="key" lit="visits"
    arg name="value" from="line"
    as="_"
  end
  step id="s5" kind="call"
    fn="console.println"
    arg name="message" from="line"
    as="_"
  end
end
end
"#;

fn run(grants: &Grants) -> String {
    common::run_program("visits", VISITS, &Default::default(), grants).unwrap()
}

#[test]
fn a_file_store_keeps_values_across_runs() {
    let scratch = common::Scratch::new("kv-file");
    let file = scratch.0.join("nested/kv.json");
    let grants = Grants { kv: KvPlace::File(file.clone()), ..Default::default() };
    assert_eq!(run(&grants), "1\n");
    assert_eq!(run(&grants), "2\n");
    assert_eq!(run(&grants), "3\n");
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    // "3" in base64.
    assert_eq!(saved["values"]["visits"], "Mw==");
}

#[test]
fn a_memory_store_starts_empty_each_run() {
    let grants = Grants { kv: KvPlace::Memory, ..Default::default() };
    assert_eq!(run(&grants), "1\n");
    assert_eq!(run(&grants), "1\n");
}

#[test]
fn a_damaged_file_is_a_named_error_not_a_crash() {
    let scratch = common::Scratch::new("kv-damaged");
    let file = scratch.0.join("kv.json");
    std::fs::write(&file, "not json").unwrap();
    let grants = Grants { kv: KvPlace::File(file), ..Default::default() };
    let err = common::run_program("visits", VISITS, &Default::default(), &grants).unwrap_err();
    assert!(err.contains("storage failed"), "{err}");
}
