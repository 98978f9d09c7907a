//! `gan export`: copies a checkpoint without its optimiser state (and, optionally, its
//! discriminator, or in 16-bit floats): the smaller files shipped to the page; or, with
//! `--safetensors`, writes its generator for PyTorch (see `weights/README.md`).

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use burn::prelude::*;
use clap::Args;
use gan_studio::checkpoint::{Precision, record_bytes_async_as};
use gan_studio::interop::safetensors::{export_generator, layout};

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
    /// Write the generator as SafeTensors with the keys of the course's PyTorch layers (an
    /// nn.Sequential's "0.weight", "1.running_mean", ...; the conditional DCGAN's z, y and
    /// main sequentials), for PyTorch's load_state_dict.
    #[arg(long, conflicts_with_all = ["generator_only", "f16"])]
    safetensors: bool,
}

/// Runs `gan export`.
pub fn run(args: ExportArgs) -> Result<()> {
    // Load once to be sure the weights are sound before writing them anywhere.
    let device = Device::flex();
    let (mut checkpoint, generator) = read_generator(&args.weights, &device)?;
    let in_file = || named(&args.weights);
    if args.safetensors {
        if args.out.extension().is_some_and(|e| e == "bpk") {
            bail!(
                "--safetensors writes a .safetensors file, not {}",
                args.out.display()
            );
        }
        let bytes = export_generator(&checkpoint.model, &generator).with_context(in_file)?;
        write_atomically(&args.out, &bytes)?;
        println!(
            "wrote {} ({} bytes; {} generator, {} layout)",
            args.out.display(),
            bytes.len(),
            checkpoint.model.kind().name(),
            layout(checkpoint.model.kind())
        );
        return Ok(());
    }
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
