//! Running the `gan` binary as a user would, shared by the command-line tests.

use std::process::{Command, Output};

/// Runs `gan` with `args`.
pub fn gan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gan"))
        .args(args)
        .output()
        .expect("the gan binary runs")
}

/// Runs `gan` with `args`, expects success and returns its standard output.
pub fn ok(args: &[&str]) -> String {
    let out = gan(args);
    assert!(
        out.status.success(),
        "gan {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `gan` with `args`, expects it to fail with exit status 1 (an error it reports,
/// not a crash) and returns its standard error.
pub fn fails(args: &[&str]) -> String {
    let out = gan(args);
    assert!(!out.status.success(), "gan {args:?} should fail");
    assert_eq!(out.status.code(), Some(1), "gan {args:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}
