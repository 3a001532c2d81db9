//! Compile-time scaling: parse, check and full compile of generated programs with 500 .. 20,000
//! functions, reported as ratios against the 500-function run of the same process (linear growth
//! means a 10x program takes about 10x as long). Run by bench/run.sh.
use std::time::{Duration, Instant};

/// A program of `n` functions, each calling the previous one and doing a little arithmetic.
fn program(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let call = if i == 0 {
            "  step id=\"s2\" kind=\"bind\"\n    lit=1\n    as=\"prev\"\n  end\n".to_string()
        } else {
            format!(
                "  step id=\"s2\" kind=\"call\"\n    fn=\"gen.f{}\"\n    arg name=\"x\" from=\"x\"\n    as=\"prev\"\n  end\n",
                i - 1
            )
        };
        s.push_str(&format!(
            "snippet id=\"gen.f{i}\" kind=\"fn\"\nsignature\n  fn name=\"f{i}\"\n    param name=\"x\" type=\"Int\"\n    returns type=\"Int\"\n  end\nend\nbody\n  step id=\"s1\" kind=\"compute\"\n    op=add\n    input var=\"x\"\n    input lit={i}\n    as=\"y\"\n  end\n{call}  step id=\"s3\" kind=\"compute\"\n    op=add\n    input var=\"y\"\n    input var=\"prev\"\n    as=\"z\"\n  end\n  step id=\"s4\" kind=\"return\"\n    from=\"z\"\n    as=\"_\"\n  end\nend\nend\n\n"
        ));
    }
    s
}

/// The fastest of a few runs: the least disturbed by the rest of the machine.
fn best(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .expect("runs > 0")
}

fn main() {
    // Past 5,000 the full compile is left out: wit-component's encoder makes it slow to repeat.
    let sizes = [500, 1000, 2000, 5000, 10_000, 20_000];
    let mut base: Option<(f64, f64, f64)> = None;
    println!(
        "{:>6} {:>12} {:>8} {:>9} {:>12} {:>8} {:>9} {:>12} {:>8} {:>10}",
        "fns", "parse", "ratio", "us/fn", "check", "ratio", "us/fn", "compile", "ratio", "bytes"
    );
    for n in sizes {
        let src = program(n);
        let parse = best(5, || {
            let (tree, d) = covenant_compiler::parser::parse_tree(&src);
            assert!(d.is_empty());
            std::hint::black_box(covenant_compiler::syntax::build(&tree));
        });
        let (tree, _) = covenant_compiler::parser::parse_tree(&src);
        let (ast, _) = covenant_compiler::syntax::build(&tree);
        let check = best(5, || {
            let (c, d) = covenant_compiler::check::check(&ast, &src, Default::default());
            assert!(d.is_empty(), "{:?}", d.first());
            std::hint::black_box(c);
        });
        let (p, c) = (parse.as_secs_f64(), check.as_secs_f64());
        let per_fn = |t: f64| t * 1e6 / n as f64;
        let compiled = (n <= 5000).then(|| {
            let mut size = 0;
            let compile = best(3, || {
                let c = covenant_compiler::compile(&src, &Default::default());
                size = c.component.unwrap_or_else(|| panic!("{:?}", c.diagnostics.first())).len();
            });
            (compile.as_secs_f64(), size)
        });
        let (bp, bc, bk) = *base.get_or_insert((p, c, compiled.map_or(0.0, |(k, _)| k)));
        let compile = compiled.map_or(format!("{:>12} {:>8} {:>10}", "-", "-", "-"), |(k, size)| {
            format!("{:>10.2}ms {:>7.1}x {size:>10}", k * 1e3, k / bk)
        });
        println!(
            "{n:>6} {:>10.2}ms {:>7.1}x {:>9.1} {:>10.2}ms {:>7.1}x {:>9.2} {compile}",
            p * 1e3,
            p / bp,
            per_fn(p),
            c * 1e3,
            c / bc,
            per_fn(c),
        );
    }
    println!("linear growth: each ratio is close to fns / 500 (2x, 4x, 10x, 20x, 40x); us/fn stays level");
}
