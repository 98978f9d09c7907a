//! `gan compare`: draws a checkpoint's generator for the z and labels of reference samples
//! (another framework's, e.g. PyTorch's) and prints how far its images are from theirs.

use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use burn::prelude::*;
use clap::Args;
use gan_studio::interop::samples::ReferenceSamples;

use crate::files::{named, read, read_generator};

/// `gan compare`'s flags.
#[derive(Args)]
pub struct CompareArgs {
    /// Checkpoint whose generator draws.
    #[arg(long)]
    weights: PathBuf,
    /// Reference samples: JSON with `nz`, `count`, `z`, `images` and, for the conditional
    /// models, `labels` (what tools/pytorch/*.py write).
    #[arg(long)]
    samples: PathBuf,
    /// Largest absolute difference of any pixel accepted.
    #[arg(long, default_value_t = 1e-4)]
    tolerance: f32,
}

/// Runs `gan compare`.
pub fn run(args: CompareArgs) -> Result<()> {
    let text = String::from_utf8(read(&args.samples)?)
        .map_err(|e| anyhow!(e))
        .with_context(|| named(&args.samples))?;
    let reference = ReferenceSamples::from_json(&text)
        .map_err(|e| anyhow!(e))
        .with_context(|| named(&args.samples))?;
    let device = Device::flex();
    let (checkpoint, generator) = read_generator(&args.weights, &device)?;
    let diff = reference
        .max_abs_diff(&checkpoint.model, &generator, &device)
        .map_err(|e| anyhow!(e))
        .with_context(|| named(&args.samples))?;
    println!(
        "{} images ({}; {}): max |ours - reference| = {diff:.3e} over {} values",
        reference.count,
        reference.model,
        if reference.source.is_empty() {
            "source not given"
        } else {
            &reference.source
        },
        reference.images.len()
    );
    if diff.is_nan() || diff > args.tolerance {
        bail!(
            "the images differ by {diff:.3e}, more than the tolerance {:.1e}",
            args.tolerance
        );
    }
    Ok(())
}
