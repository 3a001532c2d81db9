//! `crypto.sha256` against the sha2 crate on the lengths around the padding boundaries, on
//! multi-byte text and on a long input, called through an export on one instance.

mod common;

use covenant_host::runtime::{self, engine};
use sha2::{Digest, Sha256};
use wasmtime::component::Val;

const HASH: &str = r#"snippet id="d.hash" kind="fn"
signature
  fn name="hash"
    param name="text" type="String"
    returns type="String"
  end
end
body
  step id="s1" kind="call"
    fn="crypto.sha256"
    arg name="input" from="text"
    as="h"
  end
  step id="s2" kind="return"
    from="h"
    as="_"
  end
end
end
"#;

#[test]
fn sha256_matches_the_reference() {
    let c = common::compile_ok("hash", HASH);
    assert!(c.imports.is_empty(), "crypto.sha256 is pure: {:?}", c.imports);
    let bytes = c.component.unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let engine = engine().unwrap();
    // One and two blocks, and each side of where the length no longer fits the last block.
    let lengths = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129];
    let mut inputs: Vec<String> = lengths.iter().map(|n| "a".repeat(*n)).collect();
    inputs.extend(["Grüße, Covenant! 🦀".to_string(), "x".repeat(1 << 20), "\0\n\t".to_string()]);
    for text in inputs {
        let expected: String = Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        let out = rt
            .block_on(runtime::invoke(
                &engine,
                &bytes,
                "hash",
                &[Val::String(text.clone())],
                &Default::default(),
                &Default::default(),
            ))
            .unwrap();
        assert_eq!(out, [Val::String(expected)], "length {}", text.len());
    }
}
