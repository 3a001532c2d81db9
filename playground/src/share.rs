//! Share links and autosave: the bridge to public/share.js and localStorage.
//! Nothing loaded from a link or from storage is ever run without the user clicking Run.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = covenantShare, js_name = encode)]
    fn share_encode(code: &str, version: &str) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = covenantShare, js_name = decode)]
    fn share_decode(hash: &str) -> Result<js_sys::Promise, JsValue>;
}

const STORAGE_KEY: &str = "covenant.playground.source";

fn message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// The `#v1=...` fragment for `code`.
pub async fn encode(code: &str) -> Result<String, String> {
    let promise = share_encode(code, covenant_compiler::VERSION).map_err(|e| message(&e))?;
    let v = JsFuture::from(promise).await.map_err(|e| message(&e))?;
    v.as_string().ok_or_else(|| "the share link could not be made".into())
}

/// The program in a fragment: `Ok(None)` when the fragment carries none.
pub async fn decode(hash: &str) -> Result<Option<String>, String> {
    if !hash.starts_with("#v") {
        return Ok(None);
    }
    let promise = share_decode(hash).map_err(|e| message(&e))?;
    let v = JsFuture::from(promise).await.map_err(|e| message(&e))?;
    let code = js_sys::Reflect::get(&v, &"code".into()).ok().and_then(|c| c.as_string());
    code.map(Some).ok_or_else(|| "this share link is damaged".into())
}

pub fn location_hash() -> String {
    web_sys_window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// The page's URL with `hash` as its fragment.
pub fn link_with(hash: &str) -> String {
    let base = web_sys_window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    let base = base.split('#').next().unwrap_or_default();
    format!("{base}{hash}")
}

fn web_sys_window() -> Option<leptos::web_sys::Window> {
    leptos::web_sys::window()
}

fn storage() -> Option<leptos::web_sys::Storage> {
    web_sys_window()?.local_storage().ok().flatten()
}

pub fn saved() -> Option<String> {
    storage()?.get_item(STORAGE_KEY).ok().flatten()
}

pub fn save(code: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(STORAGE_KEY, code);
    }
}
