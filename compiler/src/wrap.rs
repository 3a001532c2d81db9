//! Wrapping: the core module plus its world becomes a component, which must validate.

use wit_component::{ComponentEncoder, StringEncoding, embed_component_metadata};
use wit_parser::{Resolve, WorldId};

pub fn wrap(mut core: Vec<u8>, resolve: &Resolve, world: WorldId) -> Result<Vec<u8>, String> {
    embed_component_metadata(&mut core, resolve, world, StringEncoding::UTF8, false).map_err(|e| format!("{e:#}"))?;
    let component = ComponentEncoder::default()
        .validate(true)
        .module(&core)
        .map_err(|e| format!("{e:#}"))?
        .encode()
        .map_err(|e| format!("{e:#}"))?;
    let mut validator = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::default());
    validator.validate_all(&component).map_err(|e| format!("{e:#}"))?;
    Ok(component)
}
