//! Effect parameters narrow capabilities (DESIGN.md): a caller may call a function whose effect is
//! covered by its own. `filesystem(path=..)` covers the same path and everything below it, by
//! whole path components (`/data` does not cover `/database`); `network(host=..)` covers that host
//! (`*.example.com` its subdomains); `database(readonly=true)` does not cover a database effect
//! that may write. An effect without parameters covers every use of that effect.

use super::*;
use crate::ast::EffectDecl;

/// The text of an effect parameter, if given.
fn param<'e>(e: &'e EffectDecl, key: &str) -> Option<&'e LitValue> {
    e.params.iter().find(|a| a.key.value == key).map(|a| &a.value.value)
}

fn text(v: Option<&LitValue>) -> Option<&str> {
    match v {
        Some(LitValue::Str(s) | LitValue::Word(s)) => Some(s),
        _ => None,
    }
}

/// Path components; `None` for a path that climbs (`..`), which nothing but an unrestricted
/// effect covers.
fn components(path: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    if parts.contains(&"..") { None } else { Some(parts) }
}

/// The declared `path=` of a `filesystem` effect, normalized as the component normalizes the
/// paths it is given: `./data/` is `data`, `.` stays `.`, an absolute path keeps its leading `/`.
/// A declared path that climbs (`..`) covers nothing: it becomes a text no path equals.
pub(super) fn path_param(e: &EffectDecl) -> Option<String> {
    let path = text(param(e, "path"))?;
    let Some(parts) = components(path) else { return Some("\0".into()) };
    let joined = parts.join("/");
    Some(match (path.starts_with('/'), joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    })
}

/// The declared `host=` of a `network` effect, in lower case (hosts compare case-insensitively).
/// `database(readonly=true)`.
pub(super) fn readonly_param(e: &EffectDecl) -> bool {
    matches!(param(e, "readonly"), Some(LitValue::Bool(true)))
}

pub(super) fn host_param(e: &EffectDecl) -> Option<String> {
    text(param(e, "host")).map(str::to_ascii_lowercase)
}

/// Whether the caller's declaration of an effect covers the callee's. `None` when it does; else why not.
pub(super) fn uncovered(caller: &EffectDecl, callee: &EffectDecl) -> Option<String> {
    match caller.name.value.as_str() {
        "filesystem" => {
            // No path: every path is covered (`None`).
            let outer = text(param(caller, "path"))?;
            let inner = text(param(callee, "path"));
            let covered = match (components(outer), inner.and_then(components)) {
                (Some(o), Some(i)) => i.starts_with(&o),
                _ => false,
            };
            (!covered).then(|| format!("path `{}` is not inside `{outer}`", inner.unwrap_or("(any)")))
        }
        "network" => {
            // No host: every host is covered.
            let outer = text(param(caller, "host"))?;
            let inner = text(param(callee, "host"));
            let covered = inner.is_some_and(|i| {
                i.eq_ignore_ascii_case(outer)
                    || outer
                        .strip_prefix("*.")
                        .is_some_and(|d| i.to_ascii_lowercase().ends_with(&format!(".{}", d.to_ascii_lowercase())))
            });
            (!covered).then(|| format!("host `{}` is not `{outer}`", inner.unwrap_or("(any)")))
        }
        "database" => {
            let readonly = |e: &EffectDecl| matches!(param(e, "readonly"), Some(LitValue::Bool(true)));
            (readonly(caller) && !readonly(callee))
                .then(|| "it may write, and this function's database access is read-only".to_string())
        }
        _ => None,
    }
}
