//! Running out of memory ends the run with an error that says so, not an abort.
//!
//! Rust aborts the process when an allocation fails (under `ulimit -v`, a cgroup limit
//! without overcommit, or a huge record): exit 134 and a one-line note from the runtime.
//! Failing allocations cannot be made recoverable on stable Rust, but the binary's
//! allocator can say what happened and how to avoid it, and exit like every other error
//! (code 2). Outputs are written atomically, so nothing half-written is left under an
//! output's name; the temporary file is removed by the next run writing there.

use std::alloc::{GlobalAlloc, Layout, System};

/// The system allocator, reporting a failed allocation before exiting.
pub struct Reporting;

// SAFETY: every call is forwarded to `System` unchanged; only a null result is acted on.
unsafe impl GlobalAlloc for Reporting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            out_of_memory(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            out_of_memory(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            out_of_memory(new_size);
        }
        p
    }
}

/// Writes the message with no allocation (there is no memory to format one) and exits.
#[cold]
fn out_of_memory(bytes: usize) -> ! {
    let mut buf = [0u8; 512];
    let mut n = 0;
    let mut put = |s: &[u8]| {
        let k = s.len().min(buf.len() - n);
        buf[n..n + k].copy_from_slice(&s[..k]);
        n += k;
    };
    put(b"wirematch: error: out of memory: an allocation of ");
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut v = bytes;
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    put(&digits[i..]);
    put(b" bytes failed. Raise the memory limit, or under a cgroup's limit run with \
          --memory-budget SIZE below it (an address-space limit, ulimit -v, counts the \
          files --memory-budget maps too). No output file was replaced.\n");
    #[cfg(unix)]
    // SAFETY: writes our own buffer to standard error, then exits without unwinding or
    // running destructors (which might allocate).
    unsafe {
        libc::write(2, buf.as_ptr().cast(), n);
        libc::_exit(2);
    }
    #[cfg(not(unix))]
    std::process::abort();
}
