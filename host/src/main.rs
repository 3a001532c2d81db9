//! `covenant`: compile, inspect and run Covenant programs as WASI 0.2 components.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use covenant_host::runtime::{self, Exit, Stdio};
use covenant_host::source::{self, Format};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "covenant", version = covenant_compiler::VERSION, about = "Compile and run Covenant programs as WASI 0.2 components")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Target {
    /// A WASI 0.2 component.
    Wasi,
}

#[derive(Subcommand)]
enum Command {
    /// Compile a .cov file to a component.
    Compile {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "wasi")]
        target: Target,
        /// Output path (default: the input with .wasm).
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Check a .cov file and report diagnostics without producing output.
    Check {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Print the WIT world the program compiles to.
    Wit {
        file: PathBuf,
        /// Print the import table (effect, interface, functions, source) instead.
        #[arg(long)]
        imports: bool,
    },
    /// Compile (if given a .cov file) and run a program on the Wasmtime host.
    Run { file: PathBuf },
}

fn main() -> ExitCode {
    match real_main() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn real_main() -> Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Compile { file, target: Target::Wasi, output, format } => {
            let c = source::compile_file(&file, format, color())?;
            let out = output.unwrap_or_else(|| file.with_extension("wasm"));
            let bytes = c.component.context("no component produced")?;
            std::fs::write(&out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
            if format == Format::Human {
                eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { file, format } => {
            let text = source::read(&file)?;
            let c = covenant_compiler::compile(&text, &Default::default());
            source::report(&c, &file, &text, format, color());
            Ok(if c.has_errors() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
        Command::Wit { file, imports } => {
            let text = source::read(&file)?;
            let c = covenant_compiler::compile(&text, &Default::default());
            if c.has_errors() {
                source::report(&c, &file, &text, Format::Human, color());
                bail!("could not compile {}", file.display());
            }
            if imports {
                print_imports(&c, &text);
            } else {
                print!("{}", c.wit.unwrap_or_default());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Run { file } => {
            let bytes = load_component(&file)?;
            match runtime::run_command_blocking(&bytes, &Stdio::Inherit)? {
                Exit::Ok => Ok(ExitCode::SUCCESS),
                Exit::Failed => Ok(ExitCode::FAILURE),
            }
        }
    }
}

fn load_component(file: &Path) -> Result<Vec<u8>> {
    if file.extension().is_some_and(|e| e == "wasm") {
        return std::fs::read(file).with_context(|| format!("cannot read {}", file.display()));
    }
    let c = source::compile_file(file, Format::Human, color())?;
    c.component.context("no component produced")
}

fn print_imports(c: &covenant_compiler::Compilation, text: &str) {
    let index = covenant_compiler::span::LineIndex::new(text);
    println!("{:<10} {:<28} {:<45} source", "effect", "interface", "functions");
    for row in &c.imports {
        let at = index.line_col(row.span.start);
        println!("{:<10} {:<28} {:<45} {}:{}", row.effect, row.interface, row.functions.join(", "), at.line, at.column);
    }
}
