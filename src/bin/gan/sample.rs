//! `gan sample`: draws a grid of samples from a checkpoint's generator into a PNG.

use anyhow::{Result, anyhow, bail};
use clap::Args;
use gan_studio::latent;
use gan_studio::model::sample::sample;

use crate::render::{RenderArgs, check_digit};

/// `gan sample`'s flags.
#[derive(Args)]
pub struct SampleArgs {
    /// Grid size as ROWSxCOLS, e.g. 10x10.
    #[arg(long, default_value = "8x8")]
    grid: String,
    /// Seed of the latent vectors.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Conditional model: draw only this digit.
    #[arg(long, conflicts_with = "label_rows")]
    label: Option<u8>,
    /// Conditional model: row r shows digit r, each column one z (needs 10 rows).
    #[arg(long)]
    label_rows: bool,
    /// The checkpoint, the PNG and the backend.
    #[command(flatten)]
    render: RenderArgs,
}

/// Runs `gan sample`.
pub fn run(args: SampleArgs) -> Result<()> {
    let (rows, cols) = parse_grid(&args.grid)?;
    check_digit(args.label)?;
    let (model, generator, device) = args.render.load()?;
    let conditional = model.kind().is_conditional();
    if !conditional && (args.label.is_some() || args.label_rows) {
        bail!(
            "the {} model takes no label; --label and --label-rows need a cdcgan checkpoint",
            model.kind().name()
        );
    }
    if args.label_rows && rows != 10 {
        bail!("--label-rows needs 10 rows (one per digit), got {rows}");
    }
    let count = rows * cols;
    let (z, labels) = if args.label_rows {
        let (z, digits) = latent::style_grid(args.seed, cols, model.nz());
        (z, Some(digits))
    } else {
        let z = latent::sample_z(args.seed, count, model.nz());
        let digits = conditional.then(|| {
            (0..count)
                .map(|i| args.label.unwrap_or((i % cols % 10) as u8))
                .collect::<Vec<u8>>()
        });
        (z, digits)
    };
    let codes = labels.map(|d| latent::one_hot(&d));
    let images = sample(&generator, model.nz(), &z, codes.as_deref(), &device);
    args.render.write(images, rows, cols)?;
    println!(
        "wrote {} ({rows}x{cols}, seed {})",
        args.render.out.display(),
        args.seed
    );
    Ok(())
}

/// `--grid`'s ROWSxCOLS, each 1 to 32.
fn parse_grid(text: &str) -> Result<(usize, usize)> {
    let bad = || anyhow!("grid must look like 10x10 (1 to 32 each), got {text:?}");
    let (r, c) = text.split_once(['x', 'X']).ok_or_else(bad)?;
    let (rows, cols) = (
        r.trim().parse::<usize>().map_err(|_| bad())?,
        c.trim().parse::<usize>().map_err(|_| bad())?,
    );
    if !(1..=32).contains(&rows) || !(1..=32).contains(&cols) {
        return Err(bad());
    }
    Ok((rows, cols))
}
