//! `--invoke 'name(arg, ...)'`: the call syntax of `wasmtime run --invoke` (WAVE, the WebAssembly
//! Value Encoding), parsed and printed with the `wasm-wave` crate against the export's types, so
//! both runtimes accept and print exactly the same text.

use anyhow::{Context, Result, anyhow};
use wasm_wave::untyped::UntypedFuncCall;
use wasmtime::component::Val;
use wasmtime::component::types::Type;

/// The function name of a call such as `translate({x: 1, y: 2}, 3, -7)`.
pub fn call_name(call: &str) -> Result<String> {
    let parsed = UntypedFuncCall::parse(call.trim())
        .map_err(|e| anyhow!("{e}"))
        .context("expected `name(arguments)`, e.g. `factorial(10)`")?;
    Ok(parsed.name().to_string())
}

/// The call's arguments, typed by the export's parameter types.
pub fn call_args(call: &str, params: &[Type]) -> Result<Vec<Val>> {
    let parsed = UntypedFuncCall::parse(call.trim()).map_err(|e| anyhow!("{e}"))?;
    parsed.to_wasm_params::<Val>(params.iter()).map_err(|e| anyhow!("{e}")).with_context(|| {
        let types: Vec<String> = params.iter().map(|t| format!("{t:?}")).collect();
        format!("`{}` takes {} argument(s) ({})", parsed.name(), params.len(), types.join(", "))
    })
}

/// A value printed as `wasmtime run --invoke` prints it.
pub fn show(v: &Val) -> String {
    wasm_wave::to_string(v).unwrap_or_else(|e| format!("<{e}>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_parse_against_parameter_types() {
        assert_eq!(call_name(r#"greet("a, \"b\"", 3)"#).unwrap(), "greet");
        let args = call_args(r#"f("é\n", -3, [true, false])"#, &[Type::String, Type::S64, Type::Bool]);
        assert!(args.is_err(), "a list is not a bool");
        let args = call_args(r#"f("é\n", -3)"#, &[Type::String, Type::S64]).unwrap();
        assert_eq!(args, vec![Val::String("é\n".into()), Val::S64(-3)]);
        assert!(call_name("f(\"x)").is_err());
        assert_eq!(show(&Val::String("a\"b".into())), r#""a\"b""#);
        assert_eq!(show(&Val::Float64(2.0)), "2");
    }
}
