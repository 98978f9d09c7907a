//! `gan`: the native command line of GAN Studio (see `cli.rs`). The wasm build of the crate
//! compiles this binary to an empty program, so one `cargo build --target wasm32-...` works.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
