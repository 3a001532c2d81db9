//! The compile worker: the compiler runs here, off the page's thread, for the whole visit.
//! Once loaded it says `{ready: true}`; then a message `{id, source}` is answered with
//! `{id, view (JSON of CompileView), component}`, and the page keeps only the answer to its latest
//! request; `{format: source}` is answered with `{formatted}` (`covenant fmt`'s layout).

#[path = "../model.rs"]
mod model;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

fn set(target: &js_sys::Object, key: &str, value: JsValue) {
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), &value);
}

fn main() {
    console_error_panic_hook::set_once();
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let data = event.data();
        let get = |key: &str| js_sys::Reflect::get(&data, &JsValue::from_str(key)).ok();
        // `{format: source}` asks for the canonical layout (null when the text does not parse).
        if let Some(source) = get("format").and_then(|v| v.as_string()) {
            let reply = js_sys::Object::new();
            let formatted = covenant_compiler::format::format(&source).ok();
            set(&reply, "formatted", formatted.map_or(JsValue::NULL, |t| JsValue::from_str(&t)));
            let _ = reply_to.post_message(&reply);
            return;
        }
        let id = get("id").and_then(|v| v.as_f64()).unwrap_or(0.0);
        let source = get("source").and_then(|v| v.as_string()).unwrap_or_default();
        let view = model::compile_view(&source);
        let reply = js_sys::Object::new();
        set(&reply, "id", id.into());
        set(&reply, "view", serde_json::to_string(&view).unwrap_or_default().into());
        if let Some(component) = &view.component {
            set(&reply, "component", js_sys::Uint8Array::from(&component[..]).into());
        }
        let _ = reply_to.post_message(&reply);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Messages that arrived while the module loaded had no handler: the page waits for this.
    let ready = js_sys::Object::new();
    set(&ready, "ready", true.into());
    let _ = scope.post_message(&ready);
}
