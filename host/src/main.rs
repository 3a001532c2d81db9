//! `covenant`: compile, inspect and run Covenant programs as WASI 0.2 components.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use covenant_host::grants;
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
    /// Print a .cov file in its canonical layout (indentation by block, one blank line at most,
    /// no trailing spaces); idempotent, and the program's tree is unchanged.
    Fmt {
        file: PathBuf,
        /// Rewrite the file in place instead of printing it.
        #[arg(long)]
        write: bool,
        /// Print nothing; fail when the file is not in its canonical layout.
        #[arg(long, conflicts_with = "write")]
        check: bool,
    },
    /// Measure how much fuel this machine runs per millisecond (the metering calibration).
    Calibrate,
    /// Compile (if given a .cov file) and run a program on the Wasmtime host.
    Run {
        file: PathBuf,
        /// Call an export instead of `main`, e.g. --invoke 'factorial(10)' (wasmtime's syntax).
        #[arg(long)]
        invoke: Option<String>,
        /// Fuel budget (about one unit per wasm instruction); when absent, from the function's
        /// `timeout` or `cost_hint` metadata, else unlimited.
        #[arg(long)]
        fuel: Option<u64>,
        /// Wall-clock limit, e.g. 500ms, 5s, 2m; when absent, the function's `timeout` metadata,
        /// else unlimited.
        #[arg(long, value_parser = parse_duration)]
        timeout: Option<std::time::Duration>,
        /// The most linear memory the program may use, in MiB (default 1024).
        #[arg(long, value_name = "MIB")]
        max_memory: Option<u64>,
        /// Grant a directory, HOST::GUEST (e.g. ./data::/data), narrowed to the program's
        /// declared `filesystem(path=..)`. Repeatable.
        #[arg(long = "dir", value_name = "HOST::GUEST", value_parser = grants::parse_dir)]
        dirs: Vec<grants::DirGrant>,
        /// Pass an environment variable, NAME=VALUE (or NAME for the host's value). Repeatable.
        #[arg(long = "env", value_name = "NAME=VALUE", value_parser = grants::parse_env)]
        env: Vec<(String, String)>,
        /// Send requests for HOST to ADDRESS instead (HOST=ADDRESS:PORT, like curl's --resolve);
        /// HOST must still be one the program declares. Repeatable.
        #[arg(long = "resolve", value_name = "HOST=ADDRESS", value_parser = covenant_host::net::parse_resolve)]
        resolve: Vec<(String, String)>,
        /// Where a declared database is, NAME=URL (NAME: its snippet id or the id's last
        /// segment; URL: postgres://, mysql://, sqlite:PATH). Repeatable.
        #[arg(long = "db", value_name = "NAME=URL", value_parser = covenant_host::database::parse_db)]
        db: Vec<(String, String)>,
        /// Where `std.storage.kv` keeps its data: a JSON file, or `memory` for this run only.
        /// Print how long compiling and running took, on standard error.
        #[arg(long)]
        timings: bool,
        #[arg(long = "kv", value_name = "PATH|memory", default_value = covenant_host::keyvalue::DEFAULT_FILE,
              value_parser = covenant_host::keyvalue::parse_kv)]
        kv: covenant_host::keyvalue::KvPlace,
    },
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
        Command::Fmt { file, write, check } => {
            let text = source::read(&file)?;
            let formatted = match covenant_compiler::format::format(&text) {
                Ok(formatted) => formatted,
                Err(diagnostics) => {
                    let name = file.display().to_string();
                    eprint!("{}", covenant_compiler::diagnostic::render(&diagnostics, &name, &text, color()));
                    bail!("{} does not parse, so it was not formatted", file.display());
                }
            };
            if check {
                if formatted != text {
                    eprintln!("{} is not formatted: run `covenant fmt --write {}`", file.display(), file.display());
                    return Ok(ExitCode::FAILURE);
                }
            } else if write {
                if formatted != text {
                    std::fs::write(&file, &formatted).with_context(|| format!("writing {}", file.display()))?;
                }
            } else {
                print!("{formatted}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Calibrate => {
            use covenant_host::metering::{CALIBRATION_N, FUEL_PER_MS, calibrate};
            // The best of a few runs: the machine's speed, not its other work.
            let mut best: Option<(u64, std::time::Duration)> = None;
            for _ in 0..5 {
                let (fuel, took) = calibrate()?;
                if best.is_none_or(|(_, t)| took < t) {
                    best = Some((fuel, took));
                }
            }
            let (fuel, took) = best.context("no calibration run")?;
            let per_ms = fuel as f64 / took.as_secs_f64() / 1000.0;
            println!("fib({CALIBRATION_N}): {fuel} fuel in {took:?}: {per_ms:.0} fuel per ms");
            println!("built-in calibration: {FUEL_PER_MS} fuel per ms (ratio {:.2})", per_ms / FUEL_PER_MS as f64);
            Ok(ExitCode::SUCCESS)
        }
        Command::Run { file, invoke, fuel, timeout, max_memory, dirs, env, db, timings, kv, resolve } => {
            let started = std::time::Instant::now();
            let (bytes, declared) = load_component(&file)?;
            let loaded = started.elapsed();
            let roots = declared.as_ref().map(|d| d.roots.clone());
            let hosts = declared.as_ref().map(|d| d.hosts.clone());
            let budget = runtime::Budget { fuel, timeout, max_memory: max_memory.map(|m| m << 20) };
            let mut net = covenant_host::net::AllowList::for_program(hosts.as_deref());
            net.resolve = resolve;
            let mut granted = grants::Grants { dirs: vec![], env, net, db, kv };
            for dir in grants::narrow(&dirs, roots.as_deref())? {
                if dir.host.is_dir() {
                    granted.dirs.push(dir);
                } else {
                    eprintln!("note: {} does not exist, so {} is not granted", dir.host.display(), dir.guest);
                }
            }
            let running = std::time::Instant::now();
            let report = |outcome: &str| {
                if timings {
                    let what = if file.extension().is_some_and(|e| e == "wasm") { "read" } else { "compiled" };
                    eprintln!("timings: {what} in {loaded:.1?}, ran in {:.1?} ({outcome})", running.elapsed());
                }
            };
            let code = match invoke {
                None => match runtime::run_command_blocking(&bytes, &Stdio::Inherit, &budget, &granted) {
                    Ok(Exit::Ok) => ExitCode::SUCCESS,
                    Ok(Exit::Failed) => ExitCode::FAILURE,
                    Err(e) => {
                        report("stopped");
                        return Err(e);
                    }
                },
                Some(call) => match invoke_export(&bytes, &call, &budget, &granted) {
                    Ok(values) => {
                        for v in values {
                            println!("{}", covenant_host::invoke::show(&v));
                        }
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        report("stopped");
                        return Err(e);
                    }
                },
            };
            report("finished");
            Ok(code)
        }
    }
}

fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (n, unit) = text.split_at(split);
    let n: u64 = n.parse().map_err(|_| format!("`{text}` is not a duration like 500ms, 5s or 2m"))?;
    let ms = match unit {
        "ms" => n,
        "s" | "" => n * 1000,
        "m" => n * 60_000,
        _ => return Err(format!("unknown unit `{unit}`: use ms, s or m")),
    };
    Ok(std::time::Duration::from_millis(ms))
}

fn invoke_export(
    bytes: &[u8],
    call: &str,
    budget: &runtime::Budget,
    granted: &grants::Grants,
) -> Result<Vec<wasmtime::component::Val>> {
    let name = covenant_host::invoke::call_name(call)?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async {
        let engine = runtime::engine().map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let params = runtime::export_params(&engine, bytes, &name).map_err(|e| anyhow::anyhow!("{e}"))?;
        let args = covenant_host::invoke::call_args(call, &params)?;
        // The function's metadata gives the budget the command line does not.
        let budget = &covenant_host::metering::budget_for(bytes, &name.replace('-', "_"), budget);
        runtime::invoke(&engine, bytes, &name, &args, budget, granted)
            .await
            .map_err(|e| anyhow::anyhow!(runtime::describe_error(&e, budget)))
    })
}

/// What a program declares it will touch (known when it is compiled from source).
struct Declared {
    roots: Vec<String>,
    hosts: Vec<String>,
}

/// The component, and (when compiled from source) the directories and hosts it declares.
fn load_component(file: &Path) -> Result<(Vec<u8>, Option<Declared>)> {
    if file.extension().is_some_and(|e| e == "wasm") {
        let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        // A Covenant component carries what it declares; another component gets the grants as given.
        let declared = grants::declared_in(&bytes).map(|(roots, hosts)| Declared { roots, hosts });
        return Ok((bytes, declared));
    }
    let c = source::compile_file(file, Format::Human, color())?;
    let declared = Declared { roots: c.filesystem_roots.clone(), hosts: c.network_hosts.clone() };
    Ok((c.component.context("no component produced")?, Some(declared)))
}

fn print_imports(c: &covenant_compiler::Compilation, text: &str) {
    let index = covenant_compiler::span::LineIndex::new(text);
    // Columns as wide as their longest entry, so every row lines up.
    let rows: Vec<[String; 4]> = c
        .imports
        .iter()
        .map(|row| {
            let at = index.line_col(row.span.start);
            [row.effect.clone(), row.interface.clone(), row.functions.join(", "), format!("{}:{}", at.line, at.column)]
        })
        .collect();
    let header = ["effect", "interface", "functions", "source"].map(String::from);
    let width = |i: usize| rows.iter().chain([&header]).map(|r| r[i].len()).max().unwrap_or(0);
    let (w0, w1, w2) = (width(0), width(1), width(2));
    for r in [&header].into_iter().chain(&rows) {
        println!("{:<w0$} {:<w1$} {:<w2$} {}", r[0], r[1], r[2], r[3]);
    }
}
