//! `gan export`: copies a checkpoint without its optimiser state (and, optionally, its
//! discriminator, or in 16-bit floats): the smaller files shipped to the page.

use std::path::PathBuf;

use anyhow::{Context, Result};
use burn::prelude::*;
use clap::Args;
use gan_studio::checkpoint::{Precision, record_bytes_async_as};

use crate::files::{named, read_generator, write_atomically};

/// `gan export`'s flags.
#[derive(Args)]
pub struct ExportArgs {
    /// Checkpoint to read.
    #[arg(long)]
    weights: PathBuf,
    /// Checkpoint to write.
    #[arg(long)]
    out: PathBuf,
    /// Keep only the generator (enough for the explorer, not for further training).
    #[arg(long)]
    generator_only: bool,
    /// Store the weights as 16-bit floats (half the download; loads as f32).
    #[arg(long)]
    f16: bool,
}

/// Runs `gan export`.
pub fn run(args: ExportArgs) -> Result<()> {
    // Load once to be sure the weights are sound before writing them anywhere.
    let device = Device::flex();
    let (mut checkpoint, generator) = read_generator(&args.weights, &device)?;
    let in_file = || named(&args.weights);
    checkpoint.optimizers = None;
    if args.generator_only {
        checkpoint.discriminator = None;
    }
    if args.f16 {
        checkpoint.generator =
            pollster::block_on(record_bytes_async_as(&generator, Precision::F16))
                .with_context(in_file)?;
        if checkpoint.discriminator.is_some() {
            let discriminator = checkpoint
                .load_discriminator(&device)
                .with_context(in_file)?;
            checkpoint.discriminator = Some(
                pollster::block_on(record_bytes_async_as(&discriminator, Precision::F16))
                    .with_context(in_file)?,
            );
        }
    }
    let bytes = checkpoint.to_bytes();
    write_atomically(&args.out, &bytes)?;
    println!("wrote {} ({} bytes)", args.out.display(), bytes.len());
    Ok(())
}
