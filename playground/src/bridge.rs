//! The bridge to `runner.js`, which transpiles a component with jco in the page and runs it with
//! the playground's own WASI shims.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = covenantRunner, js_name = run)]
    fn runner_run(bytes: &[u8], dirs: js_sys::Array) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = covenantRunner, js_name = stop)]
    fn runner_stop() -> Result<(), JsValue>;

    #[wasm_bindgen(catch, js_namespace = covenantRunner, js_name = download)]
    fn runner_download(bytes: &[u8], name: &str) -> Result<(), JsValue>;

    /// Resolves once runner.js has set up `window.covenantRunner` (see index.html).
    #[wasm_bindgen(thread_local_v2, js_name = covenantRunnerReady)]
    static RUNNER_READY: Option<js_sys::Promise>;

    #[wasm_bindgen(catch, js_namespace = covenantRunner, js_name = wat)]
    fn runner_wat(bytes: &[u8]) -> Result<js_sys::Promise, JsValue>;
}

/// The component as WebAssembly text, printed by wasm-tools (loaded on first use); or why not.
pub async fn wat(bytes: &[u8]) -> Result<String, String> {
    let promise = runner_wat(bytes).map_err(|e| format!("the printer is not loaded: {}", message(&e)))?;
    let text = JsFuture::from(promise).await.map_err(|e| message(&e))?;
    text.as_string().ok_or_else(|| "the printer returned no text".to_string())
}

/// Offers the compiled component as `app.wasm`.
pub fn download(bytes: &[u8]) {
    let _ = runner_download(bytes, "app.wasm");
}

/// Ends the running program, if any; its run resolves with the error "stopped".
pub fn stop() {
    let _ = runner_stop();
}

/// What a run printed and how it ended.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RunOutcome {
    pub stdout: String,
    pub stderr: String,
    /// Set when the run could not start or trapped.
    pub error: Option<String>,
    /// The program's database tables after the run, as text ("" without a database).
    pub tables: String,
    /// The HTTP requests it made, one line each.
    pub requests: String,
}

fn field(obj: &JsValue, name: &str) -> String {
    js_sys::Reflect::get(obj, &JsValue::from_str(name)).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

fn message(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
        .unwrap_or_else(|| format!("{e:?}"))
}

/// Runs a component; `dirs` are its declared filesystem paths (see `CompileView`).
pub async fn run(bytes: &[u8], dirs: &[String]) -> RunOutcome {
    // A run asked for while the page loads (an embed's `run`) waits for the runner module; the
    // promise is rejected when that module could not be loaded.
    if let Some(ready) = RUNNER_READY.with(Clone::clone)
        && let Err(e) = JsFuture::from(ready).await
    {
        return RunOutcome { error: Some(message(&e)), ..Default::default() };
    }
    let dirs: js_sys::Array = dirs.iter().map(|d| JsValue::from_str(d)).collect();
    let promise = match runner_run(bytes, dirs) {
        Ok(p) => p,
        Err(e) => {
            return RunOutcome {
                error: Some(format!("the runner is not loaded: {}", message(&e))),
                ..Default::default()
            };
        }
    };
    match JsFuture::from(promise).await {
        Ok(v) => {
            let error = field(&v, "error");
            RunOutcome {
                stdout: field(&v, "stdout"),
                stderr: field(&v, "stderr"),
                error: (!error.is_empty()).then_some(error),
                tables: field(&v, "tables"),
                requests: field(&v, "requests"),
            }
        }
        Err(e) => RunOutcome { error: Some(message(&e)), ..Default::default() },
    }
}

/// The long-lived compile worker (src/bin/compile-worker.rs, loaded by trunk's loader shim).
pub struct Compiler {
    worker: web_sys::Worker,
    /// The latest request made before the worker was ready (it would have been lost), or None
    /// once the worker is ready.
    waiting: std::rc::Rc<std::cell::RefCell<Option<js_sys::Object>>>,
    /// Who gets the answer to a format request.
    on_formatted: std::rc::Rc<std::cell::RefCell<Option<Box<dyn FnOnce(Option<String>)>>>>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl Compiler {
    /// Starts the worker; `on_result` gets each answer's request id and view.
    pub fn start(on_result: impl Fn(u64, crate::model::CompileView) + 'static) -> Result<Compiler, String> {
        let worker = web_sys::Worker::new("./compile-worker_loader.js").map_err(|e| message(&e))?;
        let waiting = std::rc::Rc::new(std::cell::RefCell::new(Some(js_sys::Object::new())));
        let (queue, to_worker) = (waiting.clone(), worker.clone());
        let on_formatted: std::rc::Rc<std::cell::RefCell<Option<Box<dyn FnOnce(Option<String>)>>>> = Default::default();
        let formatted_to = on_formatted.clone();
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let data = event.data();
            let get = |key: &str| js_sys::Reflect::get(&data, &JsValue::from_str(key)).ok();
            if get("ready").is_some_and(|v| v.is_truthy()) {
                if let Some(request) = queue.borrow_mut().take().filter(|r| js_sys::Object::keys(r).length() > 0) {
                    let _ = to_worker.post_message(&request);
                }
                return;
            }
            if let Some(formatted) = get("formatted").filter(|v| !v.is_undefined()) {
                if let Some(done) = formatted_to.borrow_mut().take() {
                    done(formatted.as_string());
                }
                return;
            }
            let id = get("id").and_then(|v| v.as_f64()).unwrap_or(0.0) as u64;
            let json = get("view").and_then(|v| v.as_string()).unwrap_or_default();
            let Ok(mut view) = serde_json::from_str::<crate::model::CompileView>(&json) else { return };
            view.component =
                get("component").filter(|v| !v.is_undefined()).map(|v| js_sys::Uint8Array::new(&v).to_vec());
            on_result(id, view);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Ok(Compiler { worker, waiting, on_formatted, _on_message: on_message })
    }

    /// Asks for the canonical layout of `source`; `done` gets it, or None when it does not parse.
    pub fn format(&self, source: &str, done: impl FnOnce(Option<String>) + 'static) {
        *self.on_formatted.borrow_mut() = Some(Box::new(done));
        let request = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&request, &JsValue::from_str("format"), &JsValue::from_str(source));
        let _ = self.worker.post_message(&request);
    }

    /// Asks for a compilation of `source`; the answer carries `id`.
    pub fn compile(&self, id: u64, source: &str) {
        let request = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&request, &JsValue::from_str("id"), &JsValue::from_f64(id as f64));
        let _ = js_sys::Reflect::set(&request, &JsValue::from_str("source"), &JsValue::from_str(source));
        let mut waiting = self.waiting.borrow_mut();
        if waiting.is_some() {
            *waiting = Some(request);
        } else {
            let _ = self.worker.post_message(&request);
        }
    }
}
