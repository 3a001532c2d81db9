//! The page: editor, world, import table, diagnostics, Run and output.

use crate::bridge::{self, RunOutcome};
use crate::gallery::EXAMPLES;
use crate::model::{CompileView, compile_view};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn App() -> impl IntoView {
    let (source, set_source) = signal(EXAMPLES[0].1.to_string());
    let view_model: Memo<CompileView> = Memo::new(move |_| compile_view(&source.get()));
    let (output, set_output) = signal(RunOutcome::default());
    let (running, set_running) = signal(false);
    // Counts finished runs, so a run with the same output as the last one is still visible.
    let (runs, set_runs) = signal(0u32);

    let run = move |_| {
        let Some(bytes) = view_model.get_untracked().component else { return };
        set_running.set(true);
        set_output.set(RunOutcome::default());
        spawn_local(async move {
            let outcome = bridge::run(&bytes).await;
            set_output.set(outcome);
            set_runs.update(|n| *n += 1);
            set_running.set(false);
        });
    };

    view! {
        <header>
            <h1>"Covenant playground"</h1>
            <label class="gallery">"Example "
                <select id="examples" on:change=move |ev| {
                    let name = event_target_value(&ev);
                    if let Some((_, text)) = EXAMPLES.iter().find(|(n, _)| *n == name) {
                        set_source.set(text.to_string());
                    }
                }>
                    {EXAMPLES.iter().map(|(name, _)| view! { <option value=*name>{*name}</option> }).collect_view()}
                </select>
            </label>
            <span class="version">"compiler " {covenant_compiler::VERSION}</span>
            <button id="run" on:click=run
                disabled=move || running.get() || view_model.with(|v| v.component.is_none())>
                {move || if running.get() { "Running…" } else { "Run" }}
            </button>
            <button id="stop" class="secondary" on:click=move |_| bridge::stop() disabled=move || !running.get()>
                "Stop"
            </button>
            <span id="status" class="status">{move || view_model.with(|v| {
                let size = v.component.as_ref().map(|c| format!(", {} bytes", c.len())).unwrap_or_default();
                format!("compiled in {:.2} ms{size}", v.millis)
            })}</span>
        </header>
        <main>
            <section class="editor-pane">
                <h2>"Source"</h2>
                <textarea id="editor" spellcheck="false" aria-label="Covenant source"
                    prop:value=move || source.get()
                    on:input=move |ev| set_source.set(event_target_value(&ev))></textarea>
            </section>
            <section class="side">
                <h2>"World"</h2>
                <pre id="world">{move || view_model.with(|v| v.wit.clone())}</pre>
                <h2>"Imports"</h2>
                <table id="imports">
                    <thead><tr><th>"effect"</th><th>"interface"</th><th>"functions"</th><th>"line"</th></tr></thead>
                    <tbody>
                        {move || view_model.with(|v| v.imports.iter().map(|r| view! {
                            <tr>
                                <td>{r.effect.clone()}</td>
                                <td>{r.interface.clone()}</td>
                                <td>{r.functions.clone()}</td>
                                <td>{r.line}</td>
                            </tr>
                        }).collect_view())}
                    </tbody>
                </table>
                <h2>"Diagnostics"</h2>
                <ul id="diagnostics">
                    {move || view_model.with(|v| v.diagnostics.iter().map(|d| view! {
                        <li class=d.severity.clone()>
                            <span class="code">{d.code.clone()}</span>" "
                            <span class="where">{format!("{}:{}", d.line, d.column)}</span>" "
                            <span class="message">{d.message.clone()}</span>
                            {d.help.clone().map(|h| view! { <div class="help">"help: " {h}</div> })}
                        </li>
                    }).collect_view())}
                </ul>
                <pre id="rendered" class="rendered">{move || view_model.with(|v| v.rendered.clone())}</pre>
                <h2>"Output"</h2>
                <pre id="output" data-runs=move || runs.get()>{move || output.with(|o| o.stdout.clone())}</pre>
                <pre id="stderr" class="stderr">{move || output.with(|o| o.stderr.clone())}</pre>
                <pre id="run-error" class="error">{move || output.with(|o| o.error.clone().unwrap_or_default())}</pre>
            </section>
        </main>
    }
}
