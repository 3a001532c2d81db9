//! The compile worker: the compiler runs here, off the page's thread, for the whole visit.
//! Once loaded it says `{ready: true}`; then a message `{id, source}` is answered with
//! `{id, view (JSON of CompileView), component}`, and the page keeps only the answer to its latest
//! request; `{format: source}` is answered with `{formatted}` (`covenant fmt`'s layout).

#[path = "../model.rs"]
mod model;

use covenant_compiler::span::LineIndex;
use covenant_compiler::{Options, compile, diagnostic};
use model::{CompileView, DiagnosticView, ExportView, ImportView};
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
        let view = compile_view(&source);
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

/// `performance.now()`: sub-millisecond, unlike `Date.now()`.
fn now() -> f64 {
    let perf = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).ok();
    perf.and_then(|p| {
        let now = js_sys::Reflect::get(&p, &"now".into()).ok()?;
        js_sys::Function::from(now).call0(&p).ok()?.as_f64()
    })
    .unwrap_or_else(js_sys::Date::now)
}

/// Compiles and summarizes what the page shows.
fn compile_view(source: &str) -> CompileView {
    let start = now();
    let c = compile(source, &Options::default());
    let millis = now() - start;
    let index = LineIndex::new(source);
    let utf16 = |byte: u32| source.get(..byte as usize).map_or(0, |t| t.encode_utf16().count() as u32);
    let diagnostics = c
        .diagnostics
        .iter()
        .map(|d| {
            let at = index.line_col(d.span.start);
            DiagnosticView {
                start16: utf16(d.span.start),
                end16: utf16(d.span.end),
                code: d.code.to_string(),
                severity: format!("{:?}", d.severity).to_lowercase(),
                message: d.message.clone(),
                line: at.line,
                column: at.column,
                help: d.help.clone(),
            }
        })
        .collect();
    let imports = c
        .imports
        .iter()
        .map(|r| ImportView {
            effect: r.effect.clone(),
            interface: r.interface.clone(),
            functions: r.functions.join(", "),
            line: index.line_col(r.span.start).line,
            start16: utf16(r.span.start),
            end16: utf16(r.span.end),
        })
        .collect();
    let exports = c
        .exports
        .iter()
        .map(|e| ExportView {
            name: e.name.clone(),
            function: e.function.clone(),
            line: index.line_col(e.span.start).line,
            start16: utf16(e.span.start),
            end16: utf16(e.span.end),
        })
        .collect();
    CompileView {
        wit: c.wit.clone().unwrap_or_default(),
        imports,
        exports,
        rendered: diagnostic::render(&c.diagnostics, "main.cov", source, false),
        diagnostics,
        filesystem_roots: c.filesystem_roots,
        component: c.component,
        millis,
    }
}
