//! The Covenant host: loads `.cov` sources and components and runs them on Wasmtime.
//! All IO of the project lives here (and in the playground's JS shims), never in the compiler.

pub mod database;
pub mod grants;
pub mod invoke;
pub mod keyvalue;
pub mod metering;
pub mod net;
pub mod project;
pub mod runtime;
pub mod source;
