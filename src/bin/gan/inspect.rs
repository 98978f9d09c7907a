//! `gan inspect`: prints a checkpoint's model kind, settings, parameter counts and training
//! state.

use std::path::PathBuf;

use anyhow::{Context, Result};
use burn::prelude::*;
use clap::Args;
use gan_studio::model::trainable_params;

use crate::files::{named, read_generator};

/// `gan inspect`'s arguments.
#[derive(Args)]
pub struct InspectArgs {
    /// Checkpoint file.
    weights: PathBuf,
}

/// Runs `gan inspect`.
pub fn run(args: InspectArgs) -> Result<()> {
    let path = &args.weights;
    let device = Device::flex();
    let (checkpoint, generator) = read_generator(path, &device)?;
    println!("file:          {}", path.display());
    println!("model:         {}", checkpoint.model.kind().name());
    println!("data set:      {}", checkpoint.data_set);
    println!(
        "config:        {}",
        serde_json::to_string(&checkpoint.model).unwrap_or_default()
    );
    println!("generator:     {} parameters", trainable_params(&generator));
    match &checkpoint.discriminator {
        Some(_) => {
            let d = checkpoint
                .load_discriminator(&device)
                .with_context(|| named(path))?;
            println!("discriminator: {} parameters", trainable_params(&d));
        }
        None => println!("discriminator: not stored (generator-only checkpoint)"),
    }
    match &checkpoint.training {
        Some(state) => println!(
            "training:      step {}, {}",
            state.step,
            serde_json::to_string(&state.config).unwrap_or_default()
        ),
        None => println!("training:      no training state"),
    }
    println!(
        "optimiser:     {}",
        if checkpoint.optimizers.is_some() {
            "stored"
        } else {
            "not stored"
        }
    );
    Ok(())
}
