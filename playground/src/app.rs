//! The page: editor, world, import table, diagnostics, Run/Stop and output, gallery, share link.

use crate::bridge::{self, RunOutcome};
use crate::gallery::EXAMPLES;
use crate::model::CompileView;
use crate::share;
use leptos::html::Textarea;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

/// How long typing must pause before the program is compiled again.
const COMPILE_DEBOUNCE: Duration = Duration::from_millis(60);

#[component]
pub fn App() -> impl IntoView {
    // What the editor starts with: a shared program (decoded below), else the autosaved one,
    // else hello world. Neither a shared nor a restored program is ever run automatically.
    let hash = share::location_hash();
    let from_link = hash.starts_with("#v");
    let embed = crate::embed::options();
    let embedded = embed.is_some();
    let embed = embed.unwrap_or_default();
    // An embedded program neither restores nor overwrites the autosaved one.
    let restored = if from_link || embedded { None } else { share::saved() };
    let initial = match (&restored, from_link) {
        (_, true) => String::new(),
        (Some(code), _) => code.clone(),
        (None, _) => EXAMPLES[0].1.to_string(),
    };
    let (source, set_source) = signal(initial);
    let (notice, set_notice) = signal(if restored.is_some() {
        "Restored your last program from this browser. It runs only when you click Run.".to_string()
    } else {
        String::new()
    });
    // Autosave starts once the initial program is settled, so a slow link never overwrites it.
    let (settled, set_settled) = signal(!from_link);
    // Set when an embed with `run` has its program: the reader clicked Run on the embedding page.
    let (run_when_ready, set_run_when_ready) = signal(false);
    if from_link {
        let run_on_load = embed.run;
        spawn_local(async move {
            match share::decode(&hash).await {
                Ok(Some(code)) => {
                    set_source.set(code);
                    if run_on_load {
                        set_run_when_ready.set(true);
                    } else if !embedded {
                        set_notice.set("Loaded a shared program. It runs only when you click Run.".into());
                    }
                }
                Ok(None) => {}
                Err(e) => set_notice.set(format!("Could not open the shared program: {e}. The editor is empty.")),
            }
            set_settled.set(true);
        });
    }
    Effect::new(move |_| {
        let code = source.get();
        if settled.get() && !embedded {
            share::save(&code);
        }
    });

    // The share link follows the text; an older encoding finishing late is dropped.
    let (share_link, set_share_link) = signal(String::new());
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let code = source.get();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        spawn_local(async move {
            if let Ok(hash) = share::encode(&code).await {
                if generation.get_value() == mine {
                    set_share_link.set(share::link_with(&hash));
                }
            }
        });
    });

    // Compilation happens in the compile worker: every edit is sent after a short pause in typing,
    // and only the answer to the latest request is shown. Until it arrives, Run waits.
    let (view_model, set_view_model) = signal(CompileView::default());
    let (pending, set_pending) = signal(true);
    let (notice_worker, set_notice_worker) = signal(String::new());
    let latest = StoredValue::new(0u64);
    // Answers received, for the status line (tests wait on it).
    let (compiles, set_compiles) = signal(0u64);
    let compiler = StoredValue::new_local(
        bridge::Compiler::start(move |id, view| {
            if id == latest.get_value() {
                set_view_model.set(view);
                set_pending.set(false);
                set_compiles.update(|n| *n += 1);
            }
        })
        .map_err(|e| set_notice_worker.set(format!("The compiler could not start: {e}")))
        .ok(),
    );
    let debounce = StoredValue::new_local(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let code = source.get();
        latest.update_value(|n| *n += 1);
        let id = latest.get_value();
        set_pending.set(true);
        if let Some(handle) = debounce.get_value() {
            handle.clear();
        }
        let send = move || {
            compiler.with_value(|c| {
                if let Some(c) = c {
                    c.compile(id, &code);
                }
            })
        };
        if id == 1 {
            send();
        } else {
            debounce.set_value(set_timeout_with_handle(send, COMPILE_DEBOUNCE).ok());
        }
    });
    let (output, set_output) = signal(RunOutcome::default());
    let (running, set_running) = signal(false);
    // Counts finished runs, so a run with the same output as the last one is still visible.
    let (runs, set_runs) = signal(0u32);
    // The component as WAT, printed when the pane is open (the printer loads on first use).
    let (wat_open, set_wat_open) = signal(false);
    let (wat, set_wat) = signal(String::new());
    Effect::new(move |_| {
        if !wat_open.get() {
            return;
        }
        let Some(bytes) = view_model.with(|v| v.component.clone()) else {
            set_wat.set("(no component: fix the diagnostics first)".into());
            return;
        };
        spawn_local(async move {
            let text = bridge::wat(&bytes).await.unwrap_or_else(|e| format!("(could not print the component: {e})"));
            // A newer component may have arrived meanwhile; only the current one's text is shown.
            if view_model.with_untracked(|v| v.component.as_deref() == Some(&bytes[..])) {
                set_wat.set(text);
            }
        });
    });
    let editor: NodeRef<Textarea> = NodeRef::new();

    let run = move || {
        if running.get_untracked() {
            return;
        }
        // The editor's latest text is still compiling: run it as soon as it is ready.
        if pending.get_untracked() {
            set_run_when_ready.set(true);
            return;
        }
        let model = view_model.get_untracked();
        let Some(bytes) = model.component else { return };
        let dirs = model.filesystem_roots;
        set_running.set(true);
        set_output.set(RunOutcome::default());
        spawn_local(async move {
            let outcome = bridge::run(&bytes, &dirs).await;
            set_output.set(outcome);
            set_runs.update(|n| *n += 1);
            set_running.set(false);
        });
    };
    Effect::new(move |_| {
        if run_when_ready.get() && !pending.get() && view_model.with(|v| v.component.is_some()) {
            set_run_when_ready.set(false);
            run();
        }
    });
    // Format: the canonical layout of `covenant fmt`, computed by the compile worker.
    let format = move || {
        let code = source.get_untracked();
        compiler.with_value(|c| {
            if let Some(c) = c {
                c.format(&code, move |formatted| match formatted {
                    Some(text) => set_source.set(text),
                    None => set_notice.set("Format needs a program without syntax errors.".into()),
                });
            }
        });
    };
    let copy_link = move || {
        let link = share_link.get_untracked();
        if let Some(w) = leptos::web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&link);
        }
        set_notice.set("Share link copied.".into());
    };
    let _keys = window_event_listener(leptos::ev::keydown, move |ev| {
        // `code`, not `key`: Alt changes the character a key gives on some layouts.
        if ev.shift_key() && ev.alt_key() && ev.code() == "KeyF" && !embed.readonly {
            ev.prevent_default();
            format();
            return;
        }
        if !(ev.ctrl_key() || ev.meta_key()) {
            return;
        }
        match ev.key().as_str() {
            "Enter" => {
                ev.prevent_default();
                run();
            }
            "s" | "S" => {
                ev.prevent_default();
                copy_link();
            }
            _ => {}
        }
    });
    // Selects a span in the textarea; the editor (editor.js), when loaded, follows `covenant-jump`.
    let jump_to = move |start: u32, end: u32| {
        if let Some(area) = editor.get() {
            let _ = area.focus();
            let _ = area.set_selection_range(start, end.max(start));
            if let Ok(event) = leptos::web_sys::Event::new("covenant-jump") {
                let _ = area.dispatch_event(&event);
            }
        }
    };

    view! {
        <header class:embedded=embedded>
            <h1 class="chrome">"Covenant playground"</h1>
            <label class="gallery chrome">"Example "
                <select id="examples" on:change=move |ev| {
                    let name = event_target_value(&ev);
                    if let Some((_, text)) = EXAMPLES.iter().find(|(n, _)| *n == name) {
                        set_source.set(text.to_string());
                    }
                }>
                    {gallery_groups().into_iter().map(|(topic, names)| view! {
                        <optgroup label=topic>
                            {names.into_iter().map(|name| view! { <option value=name>{name}</option> }).collect_view()}
                        </optgroup>
                    }).collect_view()}
                </select>
            </label>
            <span class="version">"compiler " {covenant_compiler::VERSION}</span>
            <button id="run" title="Run (Ctrl/Cmd+Enter)" on:click=move |_| run()
                disabled=move || running.get() || pending.get() || view_model.with(|v| v.component.is_none())>
                {move || if running.get() { "Running…" } else { "Run" }}
            </button>
            <button id="stop" class="secondary" on:click=move |_| bridge::stop() disabled=move || !running.get()>
                "Stop"
            </button>
            <button id="format" class="secondary chrome" title="Format (Shift+Alt+F)" disabled={embed.readonly}
                on:click=move |_| format()>
                "Format"
            </button>
            <button id="download" class="secondary chrome" title="Download the component (.wasm)"
                disabled=move || pending.get() || view_model.with(|v| v.component.is_none())
                on:click=move |_| view_model.with_untracked(|v| if let Some(c) = &v.component { bridge::download(c) })>
                "Download .wasm"
            </button>
            <span id="status" class="status" data-compiles=move || compiles.get()>{move || if pending.get() {
                "compiling…".to_string()
            } else {
                view_model.with(|v| {
                    let size = v.component.as_ref().map(|c| format!(", {} bytes", c.len())).unwrap_or_default();
                    format!("compiled in {:.2} ms{size}", v.millis)
                })
            }}</span>
            <label class="share chrome">"Share "
                <input id="share" readonly title="Copy with Ctrl/Cmd+S" prop:value=move || share_link.get()
                    on:focus=move |ev| {
                        use leptos::wasm_bindgen::JsCast;
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    }/>
            </label>
        </header>
        <p id="notice" class="notice">{move || notice.get()}{move || notice_worker.get()}</p>
        <main class:embedded=embedded>
            <section class="editor-pane">
                <h2>"Source"</h2>
                <textarea id="editor" node_ref=editor spellcheck="false" aria-label="Covenant source"
                    readonly={embed.readonly}
                    prop:value=move || source.get()
                    on:input=move |ev| set_source.set(event_target_value(&ev))></textarea>
            </section>
            <section class="side">
                <div class="pane" hidden={embedded && !embed.shows("world")}>
                <h2>"World"</h2>
                <pre id="world">{move || view_model.with(|v| crate::wit_highlight::pieces(&v.wit).into_iter().map(|(class, text)| match class {
                    Some(class) => view! { <span class=class>{text}</span> }.into_any(),
                    None => text.into_any(),
                }).collect_view())}</pre>
                </div>
                <div class="pane" hidden={embedded && !embed.shows("imports")}>
                <h2>"Imports"</h2>
                <table id="imports">
                    <thead><tr><th>"effect"</th><th>"interface"</th><th>"functions"</th><th>"line"</th></tr></thead>
                    <tbody>
                        {move || view_model.with(|v| v.imports.iter().map(|r| {
                            let (start, end) = (r.start16, r.end16);
                            view! {
                            <tr title="Go to the source" on:click=move |_| jump_to(start, end)>
                                <td>{r.effect.clone()}</td>
                                <td>{r.interface.clone()}</td>
                                <td>{r.functions.clone()}</td>
                                <td>{r.line}</td>
                            </tr>
                        }}).collect_view())}
                    </tbody>
                </table>
                </div>
                <div class="pane" hidden={embedded && !embed.shows("exports")}>
                <h2>"Exports"</h2>
                <table id="exports">
                    <thead><tr><th>"export"</th><th>"function"</th><th>"line"</th></tr></thead>
                    <tbody>
                        {move || view_model.with(|v| v.exports.iter().map(|e| {
                            let (start, end) = (e.start16, e.end16);
                            view! {
                                <tr title="Go to the source" on:click=move |_| jump_to(start, end)>
                                    <td>{e.name.clone()}</td>
                                    <td>{e.function.clone()}</td>
                                    <td>{e.line}</td>
                                </tr>
                            }
                        }).collect_view())}
                    </tbody>
                </table>
                </div>
                <div class="pane" hidden={embedded && !embed.shows("diagnostics")}>
                <h2>"Diagnostics"</h2>
                <ul id="diagnostics">
                    {move || view_model.with(|v| v.diagnostics.iter().map(|d| {
                        let (start, end) = (d.start16, d.end16);
                        view! {
                            <li class=d.severity.clone() title="Go to the source" on:click=move |_| jump_to(start, end)
                                data-from=start data-to=end data-severity=d.severity.clone() data-message=d.message.clone()>
                                <span class="code">{d.code.clone()}</span>" "
                                <span class="where">{format!("{}:{}", d.line, d.column)}</span>" "
                                <span class="message">{d.message.clone()}</span>
                                {d.help.clone().map(|h| view! { <div class="help">"help: " {h}</div> })}
                            </li>
                        }
                    }).collect_view())}
                </ul>
                </div>
                <details id="wat-pane" hidden={embedded && !embed.shows("wat")} on:toggle=move |ev| {
                    use leptos::wasm_bindgen::JsCast;
                    let open = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlDetailsElement>().ok()).is_some_and(|d| d.open());
                    set_wat_open.set(open);
                }>
                    <summary>"Component as WAT"</summary>
                    <pre id="wat">{move || wat.get()}</pre>
                </details>
                <pre id="rendered" class="rendered" hidden={embedded}>{move || view_model.with(|v| v.rendered.clone())}</pre>
                <div class="pane" hidden={embedded && !embed.shows("output")}>
                <h2>"Output"</h2>
                <pre id="output" data-runs=move || runs.get()>{move || output.with(|o| o.stdout.clone())}</pre>
                <pre id="stderr" class="stderr">{move || output.with(|o| o.stderr.clone())}</pre>
                <pre id="run-error" class="error">{move || output.with(|o| o.error.clone().unwrap_or_default())}</pre>
                <pre id="tables" class="tables" title="the database's tables after the run">
                    {move || output.with(|o| o.tables.clone())}
                </pre>
                <pre id="requests" class="requests" title="the HTTP requests the program made">
                    {move || output.with(|o| o.requests.clone())}
                </pre>
                </div>
            </section>
        </main>
    }
}

/// The gallery's topics, in order; an example not listed here still appears, under "More".
const TOPICS: &[(&str, &[&str])] = &[
    (
        "Basics",
        &[
            "hello",
            "greeting",
            "arithmetic",
            "factorial",
            "fibonacci",
            "match",
            "enums",
            "optionals",
            "records",
            "results",
            "unions",
            "lists",
            "maps",
            "trees",
            "generics",
        ],
    ),
    ("Text and data", &["text", "regex", "json", "urls", "paths", "dates"]),
    ("Effects", &["files", "storage", "database", "api", "random", "timers", "externs", "project"]),
];

/// Every example once, grouped by topic.
fn gallery_groups() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut groups: Vec<(&str, Vec<&str>)> = TOPICS
        .iter()
        .map(|(topic, names)| {
            (*topic, names.iter().copied().filter(|n| EXAMPLES.iter().any(|(e, _)| e == n)).collect())
        })
        .collect();
    let listed = |name: &str| TOPICS.iter().any(|(_, names)| names.contains(&name));
    let more: Vec<&str> = EXAMPLES.iter().map(|(n, _)| *n).filter(|n| !listed(n)).collect();
    if !more.is_empty() {
        groups.push(("More", more));
    }
    groups
}
