//! Wrapping: the core module plus its world becomes a component, which must validate.

use wit_component::{ComponentEncoder, StringEncoding, embed_component_metadata};
use wit_parser::{Resolve, WorldId};

pub fn wrap(mut core: Vec<u8>, resolve: &Resolve, world: WorldId) -> Result<Vec<u8>, String> {
    embed_component_metadata(&mut core, resolve, world, StringEncoding::UTF8, false).map_err(|e| format!("{e:#}"))?;
    // Validated once, below, after the last change to the bytes.
    let component = ComponentEncoder::default()
        .module(&core)
        .map_err(|e| format!("{e:#}"))?
        .encode()
        .map_err(|e| format!("{e:#}"))?;
    let component = strip_debug_names(&component)?;
    let mut validator = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::default());
    validator.validate_all(&component).map_err(|e| format!("{e:#}"))?;
    Ok(component)
}

/// Drops the top-level `component-name` custom section: debug names only, and the largest part of
/// a small component (869 of hello world's 2,329 bytes).
fn strip_debug_names(component: &[u8]) -> Result<Vec<u8>, String> {
    let header = component.get(..8).ok_or("component too short")?;
    let mut out = header.to_vec();
    let mut reader = wasmparser::BinaryReader::new(&component[8..], 8);
    while !reader.eof() {
        let start = reader.original_position();
        let id = reader.read_u8().map_err(|e| e.to_string())?;
        let size = reader.read_var_u32().map_err(|e| e.to_string())? as usize;
        let body_start = reader.original_position();
        let body = reader.read_bytes(size).map_err(|e| e.to_string())?;
        let is_names =
            id == 0 && wasmparser::BinaryReader::new(body, body_start).read_string().ok() == Some("component-name");
        if !is_names {
            out.extend_from_slice(&component[start as usize..body_start as usize + size]);
        }
    }
    Ok(out)
}
