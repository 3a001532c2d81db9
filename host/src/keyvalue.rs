//! `wasi:keyvalue/store` for `effect storage`: the default store (""), persistent by default in a
//! local JSON file (`.covenant/keyvalue.json` in the working directory, or `--kv PATH`), or in
//! memory with `--kv memory`. The file is rewritten whole (through a temporary file and a rename)
//! after every change, so a run that stops halfway leaves the last complete state.

use base64::Engine as _;
use std::collections::BTreeMap;
use std::path::PathBuf;
use wasmtime::component::{HasData, Resource, ResourceTable};

mod generated {
    wasmtime::component::bindgen!({
        path: "../wit/deps/wasi-keyvalue",
        inline: "package covenant:kvhost; world kv { import wasi:keyvalue/store@0.2.0-draft; }",
        world: "covenant:kvhost/kv",
        with: { "wasi:keyvalue/store.bucket": super::Bucket },
    });
}

use generated::wasi::keyvalue::store::{self as wit, Error, KeyResponse};

/// Where the store keeps its data. The `covenant` command's default is `DEFAULT_FILE`; a run
/// set up in code (tests, tools) keeps it in memory unless told otherwise.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum KvPlace {
    #[default]
    Memory,
    File(PathBuf),
}

pub const DEFAULT_FILE: &str = ".covenant/keyvalue.json";

/// `--kv memory` or `--kv PATH`.
pub fn parse_kv(text: &str) -> Result<KvPlace, String> {
    match text {
        "" => Err("`--kv` needs `memory` or a file path".into()),
        "memory" => Ok(KvPlace::Memory),
        path => Ok(KvPlace::File(PathBuf::from(path))),
    }
}

pub struct KvCtx {
    place: KvPlace,
    data: Option<BTreeMap<String, Vec<u8>>>,
}

impl KvCtx {
    pub fn new(place: KvPlace) -> KvCtx {
        KvCtx { place, data: None }
    }

    /// The store's contents, read from the file on first use.
    fn data(&mut self) -> Result<&mut BTreeMap<String, Vec<u8>>, Error> {
        if self.data.is_none() {
            let loaded = match &self.place {
                KvPlace::Memory => BTreeMap::new(),
                KvPlace::File(path) => match std::fs::read(path) {
                    Ok(bytes) => decode(&bytes).map_err(|e| Error::Other(format!("{}: {e}", path.display())))?,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
                    Err(e) => return Err(Error::Other(format!("{}: {e}", path.display()))),
                },
            };
            self.data = Some(loaded);
        }
        Ok(self.data.as_mut().expect("loaded above"))
    }

    fn save(&mut self) -> Result<(), Error> {
        let KvPlace::File(path) = &self.place else { return Ok(()) };
        let text = encode(self.data.as_ref().expect("saved after a change"));
        let fail = |e: std::io::Error| Error::Other(format!("{}: {e}", path.display()));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(fail)?;
        std::fs::rename(&tmp, path).map_err(fail)
    }
}

/// `{"version": 1, "values": {"key": "<base64>"}}`
fn encode(data: &BTreeMap<String, Vec<u8>>) -> String {
    let values: serde_json::Map<String, serde_json::Value> = data
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(base64::engine::general_purpose::STANDARD.encode(v))))
        .collect();
    serde_json::json!({ "version": 1, "values": values }).to_string()
}

fn decode(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let values = v["values"].as_object().ok_or("not a key-value file (no `values`)")?;
    values
        .iter()
        .map(|(k, v)| {
            let text = v.as_str().ok_or(format!("`{k}` is not base64 text"))?;
            let bytes = base64::engine::general_purpose::STANDARD.decode(text).map_err(|e| format!("`{k}`: {e}"))?;
            Ok((k.clone(), bytes))
        })
        .collect()
}

/// An open bucket (only the default store exists).
pub struct Bucket;

pub struct Kv<'a> {
    pub ctx: &'a mut KvCtx,
    pub table: &'a mut ResourceTable,
}

struct KvData;

impl HasData for KvData {
    type Data<'a> = Kv<'a>;
}

/// Keys per `list-keys` page.
const PAGE: usize = 1000;

impl wit::Host for Kv<'_> {
    fn open(&mut self, identifier: String) -> Result<Resource<Bucket>, Error> {
        if !identifier.is_empty() {
            return Err(Error::NoSuchStore);
        }
        self.table.push(Bucket).map_err(|e| Error::Other(e.to_string()))
    }
}

impl wit::HostBucket for Kv<'_> {
    fn get(&mut self, _: Resource<Bucket>, key: String) -> Result<Option<Vec<u8>>, Error> {
        Ok(self.ctx.data()?.get(&key).cloned())
    }

    fn set(&mut self, _: Resource<Bucket>, key: String, value: Vec<u8>) -> Result<(), Error> {
        self.ctx.data()?.insert(key, value);
        self.ctx.save()
    }

    fn delete(&mut self, _: Resource<Bucket>, key: String) -> Result<(), Error> {
        if self.ctx.data()?.remove(&key).is_some() {
            self.ctx.save()?;
        }
        Ok(())
    }

    fn exists(&mut self, _: Resource<Bucket>, key: String) -> Result<bool, Error> {
        Ok(self.ctx.data()?.contains_key(&key))
    }

    fn list_keys(&mut self, _: Resource<Bucket>, cursor: Option<u64>) -> Result<KeyResponse, Error> {
        let start = cursor.unwrap_or(0) as usize;
        let data = self.ctx.data()?;
        let keys: Vec<String> = data.keys().skip(start).take(PAGE).cloned().collect();
        let next = start + keys.len();
        Ok(KeyResponse { cursor: (next < data.len()).then_some(next as u64), keys })
    }

    fn drop(&mut self, bucket: Resource<Bucket>) -> wasmtime::Result<()> {
        self.table.delete(bucket)?;
        Ok(())
    }
}

pub fn add_to_linker<T: Send + 'static>(
    linker: &mut wasmtime::component::Linker<T>,
    get: fn(&mut T) -> Kv<'_>,
) -> wasmtime::Result<()> {
    wit::add_to_linker::<T, KvData>(linker, get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_format_round_trips_any_bytes() {
        let data: BTreeMap<String, Vec<u8>> =
            [("a".to_string(), b"text".to_vec()), ("b".to_string(), vec![0, 255, 10])].into_iter().collect();
        assert_eq!(decode(encode(&data).as_bytes()).unwrap(), data);
        assert!(decode(b"{}").is_err());
    }
}
