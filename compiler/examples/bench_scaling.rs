//! Compile-time scaling: parse, check and full compile of generated programs with 500 .. 20,000
//! functions, reported as ratios against the 500-function run of the same process (linear growth
//! means a 10x program takes about 10x as long) and as microseconds per function. Run by
//! bench/run.sh.
//!
//! Each timed run starts with the caches cleared, as a compile in a new process does; otherwise
//! the small programs would run from a cache the large ones cannot fit in, and the ratios would
//! measure the cache. Freeing the trees afterwards is timed on its own ("free").
use std::time::Instant;

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

/// Evicts the program's data from the CPU caches by writing a buffer larger than any of them.
struct CacheFlusher(Vec<u8>);

impl CacheFlusher {
    fn new() -> Self {
        CacheFlusher(vec![0; 256 << 20])
    }

    fn flush(&mut self) {
        for i in (0..self.0.len()).step_by(64) {
            self.0[i] = self.0[i].wrapping_add(1);
        }
        std::hint::black_box(&self.0);
    }
}

/// Parse, check and free times of the fastest of `runs` cold runs (each phase its own best).
fn phases(src: &str, runs: usize, cache: &mut CacheFlusher) -> (f64, f64, f64) {
    let mut best = (f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..runs {
        cache.flush();
        let t = Instant::now();
        let (tree, d) = covenant_compiler::parser::parse_tree(src);
        let (ast, _) = covenant_compiler::syntax::build(&tree);
        let parse = t.elapsed().as_secs_f64();
        assert!(d.is_empty());
        let t = Instant::now();
        let (checked, d) = covenant_compiler::check::check(&ast, src, Default::default());
        let check = t.elapsed().as_secs_f64();
        assert!(d.is_empty(), "{:?}", d.first());
        let t = Instant::now();
        drop((checked, ast, tree));
        let free = t.elapsed().as_secs_f64();
        best = (best.0.min(parse), best.1.min(check), best.2.min(free));
    }
    best
}

/// The fastest of a few full compiles, and the component's size.
fn compile(src: &str, runs: usize) -> (f64, usize) {
    let mut best = (f64::MAX, 0);
    for _ in 0..runs {
        let t = Instant::now();
        let c = covenant_compiler::compile(src, &Default::default());
        let size = c.component.unwrap_or_else(|| panic!("{:?}", c.diagnostics.first())).len();
        best = (best.0.min(t.elapsed().as_secs_f64()), size);
    }
    best
}

fn main() {
    // Past 5,000 the full compile is left out: wit-component's encoder makes it slow to repeat.
    let sizes = [500, 1000, 2000, 5000, 10_000, 20_000];
    let mut cache = CacheFlusher::new();
    let mut base: Option<(f64, f64, f64, f64)> = None;
    println!(
        "{:>6} {:>10} {:>7} {:>7} {:>10} {:>7} {:>7} {:>10} {:>7} {:>11} {:>7} {:>9}",
        "fns", "parse", "ratio", "us/fn", "check", "ratio", "us/fn", "free", "ratio", "compile", "ratio", "bytes"
    );
    for n in sizes {
        let src = program(n);
        let (p, c, f) = phases(&src, 5, &mut cache);
        let compiled = (n <= 5000).then(|| compile(&src, 3));
        let (bp, bc, bf, bk) = *base.get_or_insert((p, c, f, compiled.map_or(0.0, |(k, _)| k)));
        let us = |t: f64| t * 1e6 / n as f64;
        let compile = compiled.map_or(format!("{:>11} {:>7} {:>9}", "-", "-", "-"), |(k, size)| {
            format!("{:>9.1}ms {:>6.1}x {size:>9}", k * 1e3, k / bk)
        });
        println!(
            "{n:>6} {:>8.2}ms {:>6.1}x {:>7.2} {:>8.2}ms {:>6.1}x {:>7.2} {:>8.2}ms {:>6.1}x {compile}",
            p * 1e3,
            p / bp,
            us(p),
            c * 1e3,
            c / bc,
            us(c),
            f * 1e3,
            f / bf,
        );
    }
    println!("linear growth: each ratio is close to fns / 500 (2x, 4x, 10x, 20x, 40x); us/fn stays level");
}
