//! `gan interpolate`: draws a strip of images along a path between two latent vectors (or,
//! for the conditional model, between two digits) into a PNG.

use anyhow::{Result, bail};
use clap::Args;
use gan_studio::latent;
use gan_studio::model::sample::{codes_for, sample};

use crate::render::{RenderArgs, check_digit};

/// `gan interpolate`'s flags.
#[derive(Args)]
pub struct InterpolateArgs {
    /// Seed of the first latent vector.
    #[arg(long, default_value_t = 0)]
    from_seed: u64,
    /// Seed of the last latent vector.
    #[arg(long, default_value_t = 1)]
    to_seed: u64,
    /// Number of images, endpoints included.
    #[arg(long, default_value_t = 10)]
    steps: usize,
    /// Spherical instead of linear interpolation.
    #[arg(long)]
    slerp: bool,
    /// Conditional models (InfoGAN: its categorical code): digit drawn along the path
    /// (default 0), or the start digit with --to-label.
    #[arg(long)]
    label: Option<u8>,
    /// Conditional model: interpolate the label from --label to this digit at fixed z (--from-seed).
    #[arg(long)]
    to_label: Option<u8>,
    /// The checkpoint, the PNG and the backend.
    #[command(flatten)]
    render: RenderArgs,
}

/// Runs `gan interpolate`.
pub fn run(args: InterpolateArgs) -> Result<()> {
    if !(2..=64).contains(&args.steps) {
        bail!("--steps must be 2 to 64, got {}", args.steps);
    }
    check_digit(args.label)?;
    check_digit(args.to_label)?;
    let (model, generator, device) = args.render.load()?;
    let kind = model.kind();
    if kind.code_size() == 0 && (args.label.is_some() || args.to_label.is_some()) {
        bail!("the {} model takes no label", kind.name());
    }
    let nz = model.nz();
    let from = model.prior().sample(args.from_seed, 1, nz);
    let (z, codes) = match args.to_label {
        Some(to) => {
            let start = args.label.unwrap_or(0);
            let z: Vec<f32> = (0..args.steps).flat_map(|_| from.clone()).collect();
            // The mixed digit (InfoGAN: categorical code), any continuous codes at 0.
            let codes: Vec<f32> = (0..args.steps)
                .flat_map(|i| {
                    let mut code =
                        latent::mixed_label(start, to, i as f32 / (args.steps - 1) as f32).to_vec();
                    code.resize(kind.code_size(), 0.0);
                    code
                })
                .collect();
            (z, Some(codes))
        }
        None => {
            let to = model.prior().sample(args.to_seed, 1, nz);
            let z = latent::interpolation_path(&from, &to, args.steps, args.slerp);
            let codes = codes_for(kind, &vec![args.label.unwrap_or(0); args.steps], None);
            (z, codes)
        }
    };
    let images = sample(&generator, &model, &z, codes.as_deref(), &device);
    args.render.write(images, 1, args.steps)?;
    println!(
        "wrote {} ({} images)",
        args.render.out.display(),
        args.steps
    );
    Ok(())
}
