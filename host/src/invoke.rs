//! `--invoke 'name(arg, ...)'`: the call syntax of `wasmtime run --invoke` (WAVE) for the value
//! types Covenant exports (s64, f64, bool, string), parsed against the export's parameter types.

use anyhow::{Context, Result, bail};
use wasmtime::component::Val;
use wasmtime::component::types::Type;

/// Splits `name(a, "b, c", 3)` into the name and the argument texts.
pub fn split_call(call: &str) -> Result<(String, Vec<String>)> {
    let call = call.trim();
    let open = call.find('(').context("expected `name(arguments)`, e.g. `factorial(10)`")?;
    let inner = call[open + 1..].strip_suffix(')').context("the call must end with `)`")?;
    let mut args = vec![];
    let (mut current, mut quoted, mut escaped, mut depth) = (String::new(), false, false, 0usize);
    for c in inner.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth = depth.saturating_sub(1),
            ',' if !quoted && depth == 0 => {
                args.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if quoted {
        bail!("unterminated string in the arguments");
    }
    if !current.trim().is_empty() || !args.is_empty() {
        args.push(current.trim().to_string());
    }
    Ok((call[..open].trim().to_string(), args))
}

pub fn parse_arg(text: &str, ty: &Type) -> Result<Val> {
    Ok(match ty {
        Type::S64 => Val::S64(text.parse().with_context(|| format!("`{text}` is not an s64"))?),
        Type::Float64 => Val::Float64(text.parse().with_context(|| format!("`{text}` is not an f64"))?),
        Type::Bool => match text {
            "true" => Val::Bool(true),
            "false" => Val::Bool(false),
            _ => bail!("`{text}` is not a bool (true or false)"),
        },
        Type::String => Val::String(serde_json::from_str(text).with_context(|| format!("`{text}` is not a quoted string"))?),
        Type::List(list) => {
            let items: Vec<serde_json::Value> = serde_json::from_str(text).with_context(|| format!("`{text}` is not a list like [1, 2]"))?;
            let elem = list.ty();
            Val::List(items.iter().map(|i| parse_arg(&i.to_string(), &elem)).collect::<Result<_>>()?)
        }
        other => bail!("arguments of type {other:?} are not supported by --invoke yet"),
    })
}

/// A result printed as `wasmtime run --invoke` prints it.
pub fn show(v: &Val) -> String {
    match v {
        Val::S64(n) => n.to_string(),
        Val::Float64(x) => format!("{x:?}"),
        Val::Bool(b) => b.to_string(),
        Val::String(s) => serde_json::to_string(s).expect("strings serialize"),
        Val::List(items) => format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join(", ")),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_split_respecting_quotes() {
        let (name, args) = split_call(r#"greet("a, \"b\"", 3)"#).unwrap();
        assert_eq!(name, "greet");
        assert_eq!(args, vec![r#""a, \"b\"""#, "3"]);
        assert_eq!(split_call("f()").unwrap().1, Vec::<String>::new());
        assert_eq!(split_call(r#"f([1, 2], ["a,b"])"#).unwrap().1, vec!["[1, 2]", r#"["a,b"]"#]);
        assert!(split_call("f(\"x)").is_err());
    }

    #[test]
    fn arguments_parse_by_type() {
        assert_eq!(parse_arg("-3", &Type::S64).unwrap(), Val::S64(-3));
        assert_eq!(parse_arg("\"é\\n\"", &Type::String).unwrap(), Val::String("é\n".into()));
        assert!(parse_arg("x", &Type::Bool).is_err());
        assert_eq!(show(&Val::String("a\"b".into())), r#""a\"b""#);
    }
}
