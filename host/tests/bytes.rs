//! The Bytes type: every operator against Rust on edge cases (empty, out of range, 0 and 255,
//! every base64 padding), `crypto.random_bytes`, and bytes that are not UTF-8 text.

mod common;

use base64::Engine as _;
use covenant_host::runtime::{self, engine};
use wasmtime::component::Val;

/// An export per operator: name, parameters, result type, operator.
const OPS: &[(&str, &str, &str, &str)] = &[
    ("len", "b:Bytes", "Int", "bytes_len"),
    ("empty", "b:Bytes", "Bool", "bytes_is_empty"),
    ("get", "b:Bytes,i:Int", "Int", "bytes_get"),
    ("slice", "b:Bytes,s:Int,e:Int", "Bytes", "bytes_slice"),
    ("concat", "b:Bytes,c:Bytes", "Bytes", "bytes_concat"),
    ("text", "b:Bytes", "String", "bytes_to_string"),
    ("hex", "b:Bytes", "String", "bytes_to_hex"),
    ("b64", "b:Bytes", "String", "bytes_to_base64"),
    ("same", "b:Bytes,c:Bytes", "Bool", "equals"),
];

fn program() -> String {
    let mut src = String::new();
    for (name, params, ret, op) in OPS {
        let params: Vec<(&str, &str)> = params.split(',').map(|p| p.split_once(':').unwrap()).collect();
        let decls: String = params.iter().map(|(n, t)| format!("    param name=\"{n}\" type=\"{t}\"\n")).collect();
        let inputs: String = params.iter().map(|(n, _)| format!("    input var=\"{n}\"\n")).collect();
        src += &format!(
            "snippet id=\"b.{name}\" kind=\"fn\"\nsignature\n  fn name=\"{name}\"\n{decls}    returns type=\"{ret}\"\n  end\nend\nbody\n  step id=\"s1\" kind=\"compute\"\n    op={op}\n{inputs}    as=\"r\"\n  end\n  step id=\"s2\" kind=\"return\"\n    from=\"r\"\n    as=\"_\"\n  end\nend\nend\n\n"
        );
    }
    src += "snippet id=\"b.random\" kind=\"fn\"\neffects\n  effect random\nend\nsignature\n  fn name=\"random\"\n    param name=\"n\" type=\"Int\"\n    returns type=\"Bytes\"\n  end\nend\nbody\n  step id=\"s1\" kind=\"call\"\n    fn=\"crypto.random_bytes\"\n    arg name=\"length\" from=\"n\"\n    as=\"r\"\n  end\n  step id=\"s2\" kind=\"return\"\n    from=\"r\"\n    as=\"_\"\n  end\nend\nend\n";
    src
}

fn bytes(v: &[u8]) -> Val {
    Val::List(v.iter().map(|b| Val::U8(*b)).collect())
}

fn as_bytes(v: &Val) -> Vec<u8> {
    let Val::List(items) = v else { panic!("a list") };
    items.iter().map(|x| if let Val::U8(b) = x { *b } else { panic!("a u8") }).collect()
}

#[test]
fn bytes_operators_agree_with_rust() {
    let c = common::compile_ok("bytes", &program());
    assert!(c.wit.as_deref().unwrap().contains("export hex: func(b: list<u8>) -> string;"));
    let component = c.component.unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let engine = engine().unwrap();
    let budget = Default::default();
    let call = |name: &str, args: &[Val]| {
        rt.block_on(runtime::invoke(&engine, &component, name, args, &budget, &Default::default()))
            .map_err(|e| runtime::describe_error(&e, &budget))
    };
    let samples: [&[u8]; 6] = [b"", b"a", b"ab", b"abc", &[0, 15, 16, 255], "é€".as_bytes()];
    for s in samples {
        assert_eq!(call("len", &[bytes(s)]).unwrap(), [Val::S64(s.len() as i64)]);
        assert_eq!(call("empty", &[bytes(s)]).unwrap(), [Val::Bool(s.is_empty())]);
        let hex: String = s.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(call("hex", &[bytes(s)]).unwrap(), [Val::String(hex)]);
        let b64 = base64::engine::general_purpose::STANDARD.encode(s);
        assert_eq!(call("b64", &[bytes(s)]).unwrap(), [Val::String(b64)], "{s:?}");
        for (a, b) in [(-1i64, 2i64), (0, 2), (1, 100), (2, 1), (0, 0)] {
            let (lo, hi) = (a.clamp(0, s.len() as i64) as usize, b.clamp(0, s.len() as i64) as usize);
            let want: &[u8] = if hi > lo { &s[lo..hi] } else { &[] };
            let got = call("slice", &[bytes(s), Val::S64(a), Val::S64(b)]).unwrap();
            assert_eq!(as_bytes(&got[0]), want, "slice({s:?}, {a}, {b})");
        }
        for i in [0i64, 1, s.len() as i64 - 1] {
            if i >= 0 && (i as usize) < s.len() {
                assert_eq!(call("get", &[bytes(s), Val::S64(i)]).unwrap(), [Val::S64(i64::from(s[i as usize]))]);
            }
        }
        assert_eq!(
            call("get", &[bytes(s), Val::S64(s.len() as i64)]).unwrap_err(),
            "runtime error: index out of range"
        );
        assert_eq!(call("get", &[bytes(s), Val::S64(-1)]).unwrap_err(), "runtime error: index out of range");
        let joined = call("concat", &[bytes(s), bytes(b"!")]).unwrap();
        assert_eq!(as_bytes(&joined[0]), [s, b"!"].concat());
        assert_eq!(call("same", &[bytes(s), bytes(s)]).unwrap(), [Val::Bool(true)]);
    }
    assert_eq!(call("same", &[bytes(b"ab"), bytes(b"ac")]).unwrap(), [Val::Bool(false)]);
    assert_eq!(call("text", &["é€".as_bytes()].map(bytes)).unwrap(), [Val::String("é€".into())]);
    assert_eq!(call("text", &[bytes(&[0xff, 0x41])]).unwrap_err(), "runtime error: bytes not text");
    // Random bytes: the length asked for, different each time; a negative length is an error.
    let a = as_bytes(&call("random", &[Val::S64(32)]).unwrap()[0]);
    let b = as_bytes(&call("random", &[Val::S64(32)]).unwrap()[0]);
    assert_eq!((a.len(), b.len()), (32, 32));
    assert_ne!(a, b);
    assert!(as_bytes(&call("random", &[Val::S64(0)]).unwrap()[0]).is_empty());
    assert_eq!(call("random", &[Val::S64(-1)]).unwrap_err(), "runtime error: invalid range");
}
