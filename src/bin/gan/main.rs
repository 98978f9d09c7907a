//! `gan`: the native command line of GAN Studio (see `cli.rs`). The wasm build of the crate
//! compiles this binary to an empty program, so one `cargo build --target wasm32-...` works.

// The parser and dispatch.
#[cfg(not(target_arch = "wasm32"))]
mod cli;

// One module per command.
#[cfg(not(target_arch = "wasm32"))]
mod bench;
#[cfg(not(target_arch = "wasm32"))]
mod compare;
#[cfg(not(target_arch = "wasm32"))]
mod convert;
#[cfg(not(target_arch = "wasm32"))]
mod eval;
#[cfg(not(target_arch = "wasm32"))]
mod export;
#[cfg(not(target_arch = "wasm32"))]
mod import;
#[cfg(not(target_arch = "wasm32"))]
mod inspect;
#[cfg(not(target_arch = "wasm32"))]
mod interpolate;
#[cfg(not(target_arch = "wasm32"))]
mod invert;
#[cfg(not(target_arch = "wasm32"))]
mod lab;
#[cfg(not(target_arch = "wasm32"))]
mod neighbours;
#[cfg(not(target_arch = "wasm32"))]
mod presets;
#[cfg(not(target_arch = "wasm32"))]
mod sample;
#[cfg(not(target_arch = "wasm32"))]
mod train;
#[cfg(not(target_arch = "wasm32"))]
mod train_classifier;

// What several commands share.
#[cfg(not(target_arch = "wasm32"))]
mod backend;
#[cfg(not(target_arch = "wasm32"))]
mod data_args;
#[cfg(not(target_arch = "wasm32"))]
mod files;
#[cfg(not(target_arch = "wasm32"))]
mod model_args;
#[cfg(not(target_arch = "wasm32"))]
mod render;
#[cfg(not(target_arch = "wasm32"))]
mod tensorboard;

/// Runs the command line (see `cli.rs`).
#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    keep_freed_memory();
    quiet_on_closed_pipe();
    cli::main()
}

/// Ends the program quietly, as other command-line tools do, when what reads its output
/// goes away (`gan inspect x.bpk | head -3`): Rust ignores SIGPIPE, so `println!` would panic
/// on the closed pipe instead.
#[cfg(all(target_os = "linux", target_env = "gnu", not(target_arch = "wasm32")))]
fn quiet_on_closed_pipe() {
    // SAFETY: restores the default disposition of one signal before any other thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Elsewhere (no libc dependency here) the default stays.
#[cfg(not(any(all(target_os = "linux", target_env = "gnu"), target_arch = "wasm32")))]
fn quiet_on_closed_pipe() {}

/// Tells glibc's allocator to keep freed memory for reuse instead of handing it back to the
/// kernel. A training step allocates and frees the same multi-megabyte tensor buffers again
/// and again; by default glibc maps each one afresh (and the kernel zeroes its pages), which
/// took a tenth of a DCGAN step's CPU time.
#[cfg(all(target_os = "linux", target_env = "gnu", not(target_arch = "wasm32")))]
fn keep_freed_memory() {
    // 32 MiB is the largest threshold glibc accepts on 64-bit; trimming waits for 1 GiB.
    const MMAP_THRESHOLD: libc::c_int = 32 << 20;
    const TRIM_THRESHOLD: libc::c_int = 1 << 30;
    // SAFETY: mallopt only sets allocator parameters; it is called before any other thread
    // starts, and a refused setting (return 0) leaves glibc's default, which is still correct.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
    }
}

/// Nothing to tune outside glibc.
#[cfg(not(any(all(target_os = "linux", target_env = "gnu"), target_arch = "wasm32")))]
fn keep_freed_memory() {}

/// The wasm build's empty program.
#[cfg(target_arch = "wasm32")]
fn main() {}
