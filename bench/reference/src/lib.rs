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

/// The list sorted, folded into a checksum. The list arrives through the canonical ABI: its memory
/// was allocated by `cabi_realloc` below, with the layout a `Vec<i64>` of that length has.
#[unsafe(export_name = "sort-checksum")]
pub extern "C" fn sort_checksum(ptr: *mut i64, len: usize) -> i64 {
    let mut values = if len == 0 { Vec::new() } else { unsafe { Vec::from_raw_parts(ptr, len, len) } };
    values.sort();
    values.iter().fold(0, |check, x| (check * 31 + x) % 1_000_000_007)
}

/// The JSON text parsed and written back compactly (serde_json), then its length in bytes.
#[unsafe(export_name = "json-roundtrip")]
pub extern "C" fn json_roundtrip(ptr: *mut u8, len: usize) -> i64 {
    let text = if len == 0 { String::new() } else { unsafe { String::from_raw_parts(ptr, len, len) } };
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(value) => value.to_string().len() as i64,
        Err(_) => -1,
    }
}

/// The canonical ABI's allocator, on Rust's global allocator.
#[unsafe(no_mangle)]
pub extern "C" fn cabi_realloc(old: *mut u8, old_size: usize, align: usize, new_size: usize) -> *mut u8 {
    use std::alloc::{Layout, alloc, realloc};
    unsafe {
        if old_size == 0 {
            if new_size == 0 { align as *mut u8 } else { alloc(Layout::from_size_align_unchecked(new_size, align)) }
        } else {
            realloc(old, Layout::from_size_align_unchecked(old_size, align), new_size)
        }
    }
}
