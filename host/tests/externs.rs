//! Extern snippets bound to WASI functions: a list of pairs arrives as a Map, the seed's own
//! `http.get` extern is the standard library's implementation, and an extern's effect is what a
//! caller must declare.

mod common;

use covenant_host::grants::Grants;
use covenant_host::runtime::{Exit, Stdio, run_command_blocking};

const ENVIRONMENT: &str = r#"snippet id="sys.environment" kind="extern"
effects
  effect os
end
signature
  fn name="environment"
    returns type="Map<String, String>"
  end
end
metadata
  wasi_interface="wasi:cli/environment"
  wasi_function="get-environment"
end
end

snippet id="app.main" kind="fn"
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
    fn="sys.environment"
    as="env"
  end
  step id="s2" kind="compute"
    op=map_keys
    input var="env"
    as="names"
  end
  step id="s3" kind="compute"
    op=list_sort
    input var="names"
    as="sorted"
  end
  step id="s4" kind="compute"
    op=join
    input var="sorted"
    input lit=","
    as="text"
  end
  step id="s5" kind="call"
    fn="console.println"
    arg name="message" from="text"
    as="_"
  end
  step id="s6" kind="compute"
    op=map_get
    input var="env"
    input lit="GREETING"
    as="greeting"
  end
  step id="s7" kind="call"
    fn="console.println"
    arg name="message" from="greeting"
    as="_"
  end
end
end
"#;

fn run(source: &str, grants: &Grants) -> String {
    let c = common::compile_ok("externs", source);
    let stdio = Stdio::capture();
    let exit = run_command_blocking(c.component.as_ref().unwrap(), &stdio, &Default::default(), grants).unwrap();
    assert_eq!(exit, Exit::Ok);
    let Stdio::Capture { stdout, .. } = stdio else { unreachable!() };
    String::from_utf8(stdout.contents().to_vec()).unwrap()
}

#[test]
fn a_list_of_pairs_arrives_as_a_map() {
    let env = vec![("GREETING".to_string(), "grüß dich".to_string()), ("B".to_string(), "2".to_string())];
    let out = run(ENVIRONMENT, &Grants { env, ..Default::default() });
    assert_eq!(out, "B,GREETING\ngrüß dich\n");
    let c = common::compile_ok("externs", ENVIRONMENT);
    let row = c.imports.iter().find(|r| r.interface == "wasi:cli/environment@0.2.12").expect("the extern's import");
    assert_eq!((row.effect.as_str(), row.functions.as_slice()), ("os", &["get-environment".to_string()][..]));
}

#[test]
fn the_seeds_http_get_extern_is_the_standard_librarys() {
    // As WASI_INTEGRATION.md writes it ("Extern Snippet Compatibility").
    let seed = r#"snippet id="http.get" kind="extern"

effects
  effect network
end

signature
  fn name="get"
    param name="url" type="String"
    returns union
      type="Response"
      type="HttpError"
    end
  end
end

metadata
  contract="undici.request@6"
  platform="node"
  wasi_interface="wasi:http/outgoing-handler"
  wasi_function="handle"
end

end

snippet id="app.status" kind="fn"
effects
  effect network
end
signature
  fn name="status"
    param name="url" type="String"
    returns type="Int"
  end
end
body
  step id="s1" kind="call"
    fn="http.get"
    arg name="url" from="url"
    as="r"
  end
  step id="s2" kind="match"
    on="r"
    case variant type="Ok" bindings=("resp")
      step id="s2a" kind="return"
        field="status" of="resp"
        as="_"
      end
    end
    case variant type="Err"
      step id="s2b" kind="return"
        lit=0
        as="_"
      end
    end
    as="_"
  end
end
end
"#;
    let c = common::compile_ok("seed", seed);
    assert_eq!(c.imports[0].interface, "wasi:http/outgoing-handler@0.2.12");
    assert_eq!(c.imports[0].effect, "network");
    // A caller without the effect is told to declare it.
    let pure = seed.replace(
        "snippet id=\"app.status\" kind=\"fn\"\neffects\n  effect network\nend\n",
        "snippet id=\"app.status\" kind=\"fn\"\n",
    );
    let c = covenant_compiler::compile(&pure, &Default::default());
    assert!(c.diagnostics.iter().any(|d| d.code == "E-EFFECT-001"), "{:?}", c.diagnostics);
}

/// An `extern-abstract` with implementations per platform (runtime/std's shape): the WASI one
/// binds it; a standard-library id without a binding is the library's own.
const ABSTRACT: &str = r#"snippet id="sys.rand" kind="extern-abstract"
effects
  effect random
end
signature
  fn name="rand"
    returns type="Int"
  end
end
end

snippet id="sys.rand.node" kind="extern-impl"
implements="sys.rand"
platform="node"
metadata
  contract="crypto.randomInt"
end
end

snippet id="sys.rand.wasi" kind="extern-impl"
implements="sys.rand"
platform="wasi"
metadata
  wasi_interface="wasi:random/random"
  wasi_function="get-random-u64"
end
end

snippet id="path.join" kind="extern-abstract"
signature
  fn name="join"
    param name="base" type="String"
    param name="segment" type="String"
    returns type="String"
  end
end
end

snippet id="app.main" kind="fn"
effects
  effect console
  effect random
end
signature
  fn name="main"
    returns type="Unit"
  end
end
body
  step id="s1" kind="call"
    fn="sys.rand"
    as="r"
  end
  step id="s2" kind="call"
    fn="path.join"
    arg name="base" lit="/a"
    arg name="segment" lit="../b"
    as="p"
  end
  step id="s3" kind="call"
    fn="console.println"
    arg name="message" from="p"
    as="_"
  end
  step id="s4" kind="compute"
    op=not_equals
    input var="r"
    input lit=0
    as="nz"
  end
  step id="s5" kind="compute"
    op=to_string
    input var="nz"
    as="t"
  end
  step id="s6" kind="call"
    fn="console.println"
    arg name="message" from="t"
    as="_"
  end
end
end
"#;

#[test]
fn extern_abstract_calls_use_the_wasi_implementation() {
    assert_eq!(run(ABSTRACT, &Grants::default()), "/b\ntrue\n");
    let c = common::compile_ok("abstract", ABSTRACT);
    let interfaces: Vec<&str> = c.imports.iter().map(|r| r.interface.as_str()).collect();
    assert!(interfaces.contains(&"wasi:random/random@0.2.12"), "{interfaces:?}");
    // Without the WASI implementation, a call has nothing to call.
    let start = ABSTRACT.find("snippet id=\"sys.rand.wasi\"").unwrap();
    let end = start + ABSTRACT[start..].find("\nend\n\n").unwrap() + 5;
    let without = format!("{}{}", &ABSTRACT[..start], &ABSTRACT[end..]);
    let c = covenant_compiler::compile(&without, &Default::default());
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["E-EXTERN-002"], "{:?}", c.diagnostics);
}

/// runtime/std writes the library in Covenant: its own declarations of the library's types, its
/// externs with stdlib.md's parameter names (`msg`), and a one-member union. A program that does
/// the same compiles, and the library's functions accept the values of its declared types.
const LIBRARY_STYLE: &str = r#"snippet id="json.Json" kind="enum"
signature
  enum name="Json"
    variant name="Null"
    end
    variant name="Bool"
      field name="value" type="Bool"
    end
    variant name="Number"
      field name="value" type="Float"
    end
    variant name="String"
      field name="value" type="String"
    end
    variant name="Array"
      field name="items" type="Json[]"
    end
    variant name="Object"
      field name="fields" type="Map<String, Json>"
    end
  end
end
end

snippet id="json.stringify" kind="extern-abstract"
signature
  fn name="stringify"
    param name="value" type="Json"
    returns type="String"
  end
end
end

snippet id="console.println" kind="extern"
effects
  effect console
end
signature
  fn name="println"
    param name="msg" type="String"
    returns type="Unit"
  end
end
end

snippet id="os.env_get" kind="extern"
effects
  effect os
end
signature
  fn name="env_get"
    param name="name" type="String"
    returns union
      type="String" optional
    end
  end
end
end

snippet id="app.main" kind="fn"
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
    fn="json.parse"
    arg name="input" lit="[2.5, null]"
    as="parsed"
  end
  step id="s2" kind="match"
    on="parsed"
    case variant type="Json" bindings=("value")
      step id="s2a" kind="call"
        fn="json.stringify"
        arg name="value" from="value"
        as="text"
      end
      step id="s2b" kind="call"
        fn="console.println"
        arg name="msg" from="text"
        as="_"
      end
    end
    case variant type="JsonError"
      step id="s2c" kind="call"
        fn="console.println"
        arg name="msg" lit="not JSON"
        as="_"
      end
    end
    as="_"
  end
  step id="s4" kind="call"
    fn="os.env_get"
    arg name="name" lit="MISSING"
    as="missing"
  end
  step id="s5" kind="match"
    on="missing"
    case variant type="Some" bindings=("v")
      step id="s6" kind="call"
        fn="console.println"
        arg name="msg" from="v"
        as="_"
      end
    end
    case variant type="None"
      step id="s7" kind="call"
        fn="console.println"
        arg name="msg" lit="unset"
        as="_"
      end
    end
    as="_"
  end
end
end
"#;

#[test]
fn the_library_written_in_covenant_is_the_librarys_own() {
    assert_eq!(run(LIBRARY_STYLE, &Grants::default()), "[2.5,null]\nunset\n");
    // runtime/std's filesystem module calls stdlib.md's `dest` `dst`.
    let copy = r#"snippet id="fs.copy" kind="extern-abstract"
effects
  effect filesystem
end
signature
  fn name="copy"
    param name="src" type="String"
    param name="dst" type="String"
    returns union
      type="Unit"
      type="IoError"
    end
  end
end
end
"#;
    let c = covenant_compiler::compile(copy, &Default::default());
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    let c = covenant_compiler::compile(&copy.replace("\"dst\"", "\"target\""), &Default::default());
    assert!(c.diagnostics.iter().any(|d| d.code == "E-EXTERN-001"), "{:?}", c.diagnostics);
    // A declaration that differs from the library's is a type of its own: the extern no longer fits.
    let other = LIBRARY_STYLE.replacen("variant name=\"Null\"", "variant name=\"Nothing\"", 1);
    let c = covenant_compiler::compile(&other, &Default::default());
    let codes: Vec<&str> = c.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code).collect();
    assert!(codes.contains(&"E-EXTERN-001"), "{:?}", c.diagnostics);
}
