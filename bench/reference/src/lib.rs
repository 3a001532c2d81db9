//! The same algorithms as bench/compute.cov, written as a Rust programmer would, exported with the
//! canonical ABI's core names for `fib: func(n: s64) -> s64` and the others.

#[unsafe(no_mangle)]
pub extern "C" fn fib(n: i64) -> i64 {
    if n < 2 { n } else { fib(n - 1) + fib(n - 2) }
}

/// "0,1,2,...,n-1," built by appending, then its length in bytes.
#[unsafe(export_name = "build-string")]
pub extern "C" fn build_string(n: i64) -> i64 {
    use std::fmt::Write;
    let mut s = String::new();
    for i in 0..n {
        write!(s, "{i},").unwrap();
    }
    s.len() as i64
}

/// The same pseudo-random numbers as the Covenant version, sorted, folded into a checksum.
#[unsafe(export_name = "sort-checksum")]
pub extern "C" fn sort_checksum(n: i64) -> i64 {
    let mut values = Vec::new();
    let mut seed: i64 = 42;
    for _ in 0..n {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        values.push(seed);
    }
    values.sort();
    values.iter().fold(0, |check, x| (check * 31 + x) % 1_000_000_007)
}
