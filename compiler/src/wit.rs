//! The WIT packages every world may use, compiled into the binary (no filesystem access), and
//! the resolution of a planned world against them.

use std::sync::OnceLock;
use wit_parser::{PackageId, Resolve, UnresolvedPackageGroup, WorldId};

/// Packages in dependency order: each one uses only those before it.
const PACKAGES: &[(&str, &str)] = &[
    ("wit/deps/wasi-io/package.wit", include_str!("../../wit/deps/wasi-io/package.wit")),
    ("wit/deps/wasi-clocks/package.wit", include_str!("../../wit/deps/wasi-clocks/package.wit")),
    ("wit/deps/wasi-random/package.wit", include_str!("../../wit/deps/wasi-random/package.wit")),
    ("wit/deps/wasi-filesystem/package.wit", include_str!("../../wit/deps/wasi-filesystem/package.wit")),
    ("wit/deps/wasi-sockets/package.wit", include_str!("../../wit/deps/wasi-sockets/package.wit")),
    ("wit/deps/wasi-cli/package.wit", include_str!("../../wit/deps/wasi-cli/package.wit")),
    ("wit/deps/wasi-http/package.wit", include_str!("../../wit/deps/wasi-http/package.wit")),
    ("wit/deps/wasi-keyvalue/package.wit", include_str!("../../wit/deps/wasi-keyvalue/package.wit")),
    ("wit/covenant-database.wit", include_str!("../../wit/covenant-database.wit")),
    ("wit/covenant-project.wit", include_str!("../../wit/covenant-project.wit")),
];

fn push(resolve: &mut Resolve, path: &str, text: &str) -> Result<PackageId, String> {
    let group = UnresolvedPackageGroup::parse(path, text).map_err(|(_, e)| format!("{e}"))?;
    resolve.push_group(group).map_err(|e| format!("{e:#}"))
}

/// The vendored packages, parsed and resolved once per process: they never change, and resolving
/// them is most of a small program's compile time. Cloning the result is much cheaper.
fn base() -> Result<&'static Resolve, String> {
    static BASE: OnceLock<Result<Resolve, String>> = OnceLock::new();
    BASE.get_or_init(|| {
        let mut resolve = Resolve::default();
        for (path, text) in PACKAGES {
            push(&mut resolve, path, text)?;
        }
        Ok(resolve)
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// The vendored packages (every WASI interface a program may name).
pub fn vendored() -> Result<&'static Resolve, String> {
    base()
}

/// Parses the planned world (WIT text) together with every vendored package.
pub fn resolve_world(world_wit: &str, world_name: &str) -> Result<(Resolve, WorldId), String> {
    let mut resolve = base()?.clone();
    let pkg = push(&mut resolve, "world.wit", world_wit)?;
    let world = resolve.select_world(&[pkg], Some(world_name)).map_err(|e| format!("{e:#}"))?;
    Ok((resolve, world))
}

/// Interface names (with version) that a resolved world imports, sorted.
pub fn world_imports(resolve: &Resolve, world: WorldId) -> Vec<String> {
    keys(resolve, resolve.worlds[world].imports.keys())
}

/// Names that a resolved world exports, sorted.
pub fn world_exports(resolve: &Resolve, world: WorldId) -> Vec<String> {
    keys(resolve, resolve.worlds[world].exports.keys())
}

fn keys<'a>(resolve: &Resolve, keys: impl Iterator<Item = &'a wit_parser::WorldKey>) -> Vec<String> {
    let mut names: Vec<String> = keys.map(|k| resolve.name_world_key(k)).collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_vendored_package_resolves() {
        let (resolve, world) =
            super::resolve_world("package t:t;\nworld w { import covenant:database/sql; }\n", "w").unwrap();
        assert_eq!(super::world_imports(&resolve, world), vec!["covenant:database/sql"]);
    }
}
