//! `gan import`: a generator from a PyTorch state dict, written as a generator-only
//! checkpoint that `gan sample` and the page read.

use std::path::PathBuf;

use crate::data_args::DataArgs;
use anyhow::{Context, Result};
use burn::prelude::*;
use burn_store::pytorch_reader::PytorchReader;
use clap::Args;
use gan_studio::data::sets::MNIST;
use gan_studio::interop::pytorch::{ImportError, ImportSettings, StateDict, import_generator};
use gan_studio::preset::preset;

use crate::files::{named, read, write_atomically};
use crate::model_args::preset_names;

/// `gan import`'s flags.
#[derive(Args)]
pub struct ImportArgs {
    /// A PyTorch generator's state dict, saved with `torch.save(G.state_dict(), path)`.
    #[arg(long)]
    pytorch: PathBuf,
    /// The architecture the file holds (the course's layers; its modules may be named
    /// anyhow: they are mapped by order and shape).
    #[arg(long, value_parser = preset_names())]
    model: String,
    /// Latent size (default: read from the file's shapes).
    #[arg(long)]
    nz: Option<usize>,
    /// Generator width: ngf for the DCGANs, the hidden width for the MLP GAN (default: read
    /// from the file's shapes).
    #[arg(long)]
    ngf: Option<usize>,
    /// Discriminator width recorded in the checkpoint (default: the preset's; no
    /// discriminator is imported).
    #[arg(long)]
    ndf: Option<usize>,
    /// The data set the generator learned (recorded in the checkpoint; default: MNIST).
    #[command(flatten)]
    data: DataArgs,
    /// Checkpoint to write (generator only).
    #[arg(long)]
    out: PathBuf,
}

/// Runs `gan import`.
pub fn run(args: ImportArgs) -> Result<()> {
    let path = &args.pytorch;
    let in_file = || named(path);
    let bytes = read(path)?;
    let reader = PytorchReader::new(path)
        .map_err(|e| ImportError::Read(e.to_string()))
        .with_context(in_file)?;
    let state = StateDict::read(&reader, &bytes).with_context(in_file)?;
    let preset = preset(&args.model).expect("clap accepts only preset names");
    let settings = ImportSettings {
        nz: args.nz,
        ngf: args.ngf,
        ndf: args.ndf,
    };
    let device = Device::flex();
    let imported =
        import_generator(preset.model, settings, &state, &device).with_context(in_file)?;

    println!(
        "read {}: {} tensors{}",
        path.display(),
        state.tensors.len() + state.ignored.len(),
        match state.ignored.len() {
            0 => String::new(),
            n => format!(" ({n} num_batches_tracked ignored)"),
        }
    );
    for note in &imported.notes {
        println!("note: {note}");
    }
    println!("mapping (file -> {}):", preset.name);
    let width = imported
        .mapping
        .iter()
        .map(|m| format!("{} {:?}", m.from, m.shape).len())
        .max()
        .unwrap_or(0);
    for m in &imported.mapping {
        let from = format!("{} {:?}", m.from, m.shape);
        let how = if m.transposed { " (transposed)" } else { "" };
        println!("  {from:<width$}  -> {}{how}", m.to);
    }

    let data_set = args.data.data_set(&MNIST)?;
    let checkpoint = pollster::block_on(imported.checkpoint(data_set)).with_context(in_file)?;
    // Load it back, as `gan sample` will, before writing it anywhere.
    checkpoint
        .load_generator(&device)
        .context("the imported checkpoint does not load")?;
    let bytes = checkpoint.to_bytes();
    write_atomically(&args.out, &bytes)?;
    println!(
        "wrote {} ({} bytes, generator only: {})",
        args.out.display(),
        bytes.len(),
        serde_json::to_string(&imported.model).expect("a model config serialises")
    );
    Ok(())
}
