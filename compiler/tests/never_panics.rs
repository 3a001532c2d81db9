//! Thousands of mutated and random inputs: the compiler must never panic, never loop, and every
//! component it returns must validate.

use std::path::Path;

/// xorshift64*: deterministic, so a failure reproduces from its seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut out = vec![];
    for dir in ["examples", "tests/diagnostics"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "cov") {
                out.push(std::fs::read_to_string(p).unwrap());
            }
        }
    }
    out.sort();
    out
}

const FRAGMENTS: &[&str] = &[
    "end",
    "end\n",
    "step",
    " id=",
    "\"",
    "\"\"\"",
    "=",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "snippet",
    "effects",
    "body",
    "signature",
    "fn",
    "returns",
    "type=\"Unit\"",
    "\\u",
    "\\u{110000}",
    "(*",
    "*)",
    "//",
    "\n",
    "-",
    "99999999999999999999",
    "é",
    "kind=\"call\"",
    "as=\"_\"",
    "arg name=\"message\"",
    "lit=",
    "from=\"x\"",
    "mut",
    "1.5e",
    "30s",
    "\0",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut s: Vec<char> = text.chars().collect();
    for _ in 0..=rng.below(4) {
        let at = rng.below(s.len() + 1);
        match rng.below(4) {
            0 if !s.is_empty() => {
                let len = rng.below(20).min(s.len() - at.min(s.len()));
                s.drain(at.min(s.len())..at.min(s.len()) + len);
            }
            1 => {
                let frag = FRAGMENTS[rng.below(FRAGMENTS.len())];
                s.splice(at..at, frag.chars());
            }
            2 => s.insert(at, char::from_u32(rng.below(0x3000) as u32).unwrap_or('?')),
            _ if !s.is_empty() => {
                let from = rng.below(s.len());
                let len = rng.below(40).min(s.len() - from);
                let chunk: Vec<char> = s[from..from + len].to_vec();
                s.splice(at..at, chunk);
            }
            _ => {}
        }
    }
    s.into_iter().collect()
}

fn check(input: &str) {
    let c = covenant_compiler::compile(input, &Default::default());
    if let Some(bytes) = &c.component {
        wasmparser::Validator::new().validate_all(bytes).expect("every returned component validates");
        assert!(!c.has_errors());
    }
    for d in &c.diagnostics {
        assert!(d.span.start <= d.span.end && d.span.end as usize <= input.len(), "span out of range: {d:?}");
    }
    // Rendering must not panic either, whatever the spans.
    covenant_compiler::diagnostic::render(&c.diagnostics, "fuzz.cov", input, false);
    // Whatever parses formats, and formatting the result changes nothing.
    if let Ok(once) = covenant_compiler::format::format(input) {
        let twice = covenant_compiler::format::format(&once).expect("formatted text parses");
        assert_eq!(twice, once, "formatting is idempotent");
    }
}

/// Runs `work` on a thread and fails if it does not finish in time: a parser loop must fail the
/// test, not hang the suite.
fn within_a_minute(work: impl FnOnce() + Send + 'static) {
    let (done, finished) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        work();
        done.send(()).ok();
    });
    match finished.recv_timeout(std::time::Duration::from_secs(60)) {
        Ok(()) => worker.join().expect("worker"),
        // The worker panicked: join to surface its message.
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => worker.join().expect("no panic"),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => panic!("the compiler did not finish: a loop?"),
    }
}

#[test]
fn mutated_programs_never_panic() {
    within_a_minute(|| {
        let corpus = corpus();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..3000 {
            let base = &corpus[rng.below(corpus.len())];
            check(&mutate(&mut rng, base));
        }
    });
}

#[test]
fn random_token_soup_never_panics() {
    within_a_minute(|| {
        let mut rng = Rng(42);
        for _ in 0..2000 {
            let n = rng.below(60);
            let text: String = (0..n).map(|_| FRAGMENTS[rng.below(FRAGMENTS.len())]).collect::<Vec<_>>().join(" ");
            check(&text);
        }
    });
}
