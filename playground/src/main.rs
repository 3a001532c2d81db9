//! The Covenant playground: the compiler runs in the page, the component runs in the browser.

mod app;
mod bridge;
mod embed;
mod gallery {
    include!(concat!(env!("OUT_DIR"), "/gallery.rs"));
}
mod model;
mod share;
mod wit_highlight;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
