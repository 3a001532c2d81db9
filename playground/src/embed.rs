//! `?embed` mode, for iframes in documentation pages (public/embed.js makes them): no gallery,
//! share link or download; `readonly` keeps the editor read-only; `panes=world,imports,
//! diagnostics,wat,output` chooses the panes (default: output only); `run` runs the program once
//! it is loaded, because the reader clicked Run on the embedding page. The embedded program never
//! touches the autosaved one.

/// The options of an embedded playground.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Embed {
    pub readonly: bool,
    pub panes: Vec<String>,
    pub run: bool,
}

impl Embed {
    /// Whether the pane `name` is shown.
    pub fn shows(&self, name: &str) -> bool {
        self.panes.iter().any(|p| p == name)
    }
}

/// The embed options in a query string (`?embed&readonly&panes=output,world&run`), or `None` when
/// the page is not embedded.
pub fn parse(search: &str) -> Option<Embed> {
    let mut embed = None;
    let mut options = Embed { panes: vec!["output".into()], ..Default::default() };
    for part in search.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        match key {
            "embed" => embed = Some(()),
            "readonly" => options.readonly = true,
            "run" => options.run = true,
            "panes" => options.panes = value.split(',').filter(|p| !p.is_empty()).map(str::to_string).collect(),
            _ => {}
        }
    }
    embed.map(|_| options)
}

/// This page's embed options.
pub fn options() -> Option<Embed> {
    let search = leptos::web_sys::window()?.location().search().ok()?;
    parse(&search)
}
