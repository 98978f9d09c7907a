//! What `sample` and `interpolate` share: the checkpoint a picture comes from, the PNG it
//! goes to, and the check of a digit label.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use burn::prelude::*;
use clap::Args;
use gan_studio::model::{Generator, ModelConfig};

use crate::backend::BackendArg;
use crate::files::{named, read_checkpoint, write_grid_png};

/// Where a picture comes from and goes to.
#[derive(Args)]
pub struct RenderArgs {
    /// Checkpoint file.
    #[arg(long)]
    pub weights: PathBuf,
    /// Integer pixel scale of the PNG.
    #[arg(long, default_value_t = 2)]
    pub scale: usize,
    /// Output PNG.
    #[arg(long)]
    pub out: PathBuf,
    /// The backend that draws the picture.
    #[command(flatten)]
    pub compute: BackendArg,
}

impl RenderArgs {
    /// Reads the checkpoint and loads its generator on the chosen backend.
    pub fn load(&self) -> Result<(ModelConfig, Generator, Device)> {
        let checkpoint = read_checkpoint(&self.weights)?;
        let device = self.compute.device()?;
        let generator = checkpoint
            .load_generator(&device)
            .with_context(|| named(&self.weights))?;
        Ok((checkpoint.model, generator, device))
    }

    /// Writes `images` as a `rows` x `cols` grid PNG.
    pub fn write(&self, images: Tensor<4>, rows: usize, cols: usize) -> Result<()> {
        write_grid_png(images, rows, cols, self.scale, &self.out)
    }
}

/// Checks that a `--label` (or `--to-label`) is a digit.
pub fn check_digit(label: Option<u8>) -> Result<()> {
    match label {
        Some(d) if d > 9 => bail!("label must be a digit 0-9, got {d}"),
        _ => Ok(()),
    }
}
