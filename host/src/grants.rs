//! What a run may touch: directories (`--dir HOST::GUEST`, as the wasmtime CLI spells it) and
//! environment variables (`--env NAME=VALUE`). For a Covenant program the host narrows each
//! directory to the paths the program declares with `filesystem(path=..)`: a grant of `/data`
//! to a program that declares `/data/reports` preopens only `reports` below it.

use anyhow::{Result, bail};
use std::path::PathBuf;

/// One directory made visible to the guest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirGrant {
    pub host: PathBuf,
    /// The guest's name for it (a preopen name): `/data`, `.`, `notes`.
    pub guest: String,
}

#[derive(Clone, Debug, Default)]
pub struct Grants {
    pub dirs: Vec<DirGrant>,
    pub env: Vec<(String, String)>,
    /// The hosts HTTP requests may reach.
    pub net: crate::net::AllowList,
    /// `--db NAME=URL`: where a declared database really is.
    pub db: Vec<(String, String)>,
    /// Where `wasi:keyvalue` keeps its data.
    pub kv: crate::keyvalue::KvPlace,
}

/// `HOST::GUEST`, or `HOST` (the same path inside).
pub fn parse_dir(text: &str) -> Result<DirGrant, String> {
    let (host, guest) = text.split_once("::").unwrap_or((text, text));
    if host.is_empty() || guest.is_empty() {
        return Err(format!("`{text}` is not HOST::GUEST, e.g. ./data::/data"));
    }
    Ok(DirGrant { host: PathBuf::from(host), guest: guest.to_string() })
}

/// `NAME=VALUE`, or `NAME` (the host's own value).
pub fn parse_env(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        Some(_) => Err(format!("`{text}` is not NAME=VALUE")),
        None => std::env::var(text).map(|v| (text.to_string(), v)).map_err(|_| format!("`{text}` is not set here")),
    }
}

/// A path's components as the component normalizes them; `None` when it climbs with `..`.
fn components(path: &str) -> Option<(bool, Vec<&str>)> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    if parts.contains(&"..") { None } else { Some((path.starts_with('/'), parts)) }
}

fn join((absolute, parts): &(bool, Vec<&str>)) -> String {
    match (absolute, parts.is_empty()) {
        (true, _) => format!("/{}", parts.join("/")),
        (false, true) => ".".to_string(),
        (false, false) => parts.join("/"),
    }
}

/// The preopens for a program that declares `roots` (see `Compilation::filesystem_roots`): each
/// grant narrowed to the declared paths inside it. `None` for `roots` (a component without
/// its source) keeps the grants as given.
pub fn narrow(dirs: &[DirGrant], roots: Option<&[String]>) -> Result<Vec<DirGrant>> {
    let Some(roots) = roots else { return Ok(dirs.to_vec()) };
    if roots.iter().any(String::is_empty) {
        return Ok(dirs.to_vec());
    }
    let mut out: Vec<DirGrant> = vec![];
    for grant in dirs {
        let Some(g) = components(&grant.guest) else { bail!("--dir guest path `{}` climbs with `..`", grant.guest) };
        for root in roots {
            let Some(r) = components(root) else { continue };
            if g.0 != r.0 {
                continue;
            }
            let narrowed = if r.1.starts_with(&g.1) {
                // The declared path is inside the grant: preopen just it.
                let below: PathBuf = r.1[g.1.len()..].iter().collect();
                DirGrant { host: grant.host.join(below), guest: join(&r) }
            } else if g.1.starts_with(&r.1) {
                // The grant is inside the declared path: it is narrower already.
                DirGrant { host: grant.host.clone(), guest: join(&g) }
            } else {
                continue;
            };
            if !out.contains(&narrowed) {
                out.push(narrowed);
            }
        }
    }
    Ok(out)
}

/// The capabilities a compiled component declares (its `covenant:capabilities` section):
/// (filesystem roots, network hosts). `None` for a component without the section, whose grants
/// stay as given.
pub fn declared_in(component: &[u8]) -> Option<(Vec<String>, Vec<String>)> {
    let value = capabilities(component)?;
    let list = |key: &str| -> Vec<String> {
        value[key].as_array().map_or(vec![], |a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
    };
    Some((list("filesystem"), list("network")))
}

/// The `covenant:capabilities` section of a component, parsed.
pub fn capabilities(component: &[u8]) -> Option<serde_json::Value> {
    for payload in wasmparser::Parser::new(0).parse_all(component) {
        if let Ok(wasmparser::Payload::CustomSection(s)) = payload
            && s.name() == covenant_compiler::CAPABILITIES_SECTION
        {
            return serde_json::from_slice(s.data()).ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(host: &str, guest: &str) -> DirGrant {
        DirGrant { host: PathBuf::from(host), guest: guest.into() }
    }

    #[test]
    fn grants_narrow_to_declared_paths() {
        let dirs = [grant("/srv/d", "/data")];
        let roots = |r: &[&str]| r.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // Inside: only the declared subdirectory.
        assert_eq!(
            narrow(&dirs, Some(&roots(&["/data/reports"]))).unwrap(),
            [grant("/srv/d/reports", "/data/reports")]
        );
        // The same path, and a wider declaration, keep the grant.
        assert_eq!(narrow(&dirs, Some(&roots(&["/data"]))).unwrap(), [grant("/srv/d", "/data")]);
        assert_eq!(narrow(&dirs, Some(&roots(&["/"]))).unwrap(), [grant("/srv/d", "/data")]);
        // A sibling that shares a prefix of characters, not of components: nothing.
        assert!(narrow(&dirs, Some(&roots(&["/database"]))).unwrap().is_empty());
        // Relative declarations do not match absolute grants.
        assert!(narrow(&dirs, Some(&roots(&["data"]))).unwrap().is_empty());
        assert_eq!(narrow(&[grant("/w", ".")], Some(&roots(&["./out/"]))).unwrap(), [grant("/w/out", "out")]);
        // No declared path, or no source: as given.
        assert_eq!(narrow(&dirs, Some(&roots(&[""]))).unwrap(), dirs);
        assert_eq!(narrow(&dirs, None).unwrap(), dirs);
    }

    #[test]
    fn dir_and_env_arguments() {
        assert_eq!(parse_dir("./d::/data").unwrap(), grant("./d", "/data"));
        assert_eq!(parse_dir("/tmp").unwrap(), grant("/tmp", "/tmp"));
        assert!(parse_dir("::/x").is_err());
        assert_eq!(parse_env("A=b=c").unwrap(), ("A".into(), "b=c".into()));
        assert!(parse_env("=x").is_err());
    }
}
