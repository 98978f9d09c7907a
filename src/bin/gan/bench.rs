//! `gan bench`: times training steps (and drawing samples) on a backend and prints the
//! figures; asserts nothing.

use std::time::Instant;

use anyhow::{Result, bail};
use clap::Args;
use gan_studio::latent;
use gan_studio::model::sample::codes_for;
use gan_studio::train::{GanTrainer, StepMode};

use crate::backend::BackendArg;
use crate::files::load_data;
use crate::model_args::{ModelArgs, OptimArgs};

/// `gan bench`'s flags.
#[derive(Args)]
pub struct BenchArgs {
    /// The model to time.
    #[command(flatten)]
    model: ModelArgs,
    /// Its training settings (default: the preset's), the loss and batch size among them.
    #[command(flatten)]
    optim: OptimArgs,
    /// Timed steps.
    #[arg(long, default_value_t = 5)]
    steps: usize,
    /// Untimed warm-up steps.
    #[arg(long, default_value_t = 1)]
    warmup: usize,
    /// Also time drawing this many samples with the trained generator (0: skip).
    #[arg(long, default_value_t = 100)]
    samples: usize,
    /// The backend to time.
    #[command(flatten)]
    compute: BackendArg,
}

/// Runs `gan bench`.
pub fn run(args: BenchArgs) -> Result<()> {
    let data = load_data(None)?;
    let device = args.compute.device()?;
    let config = args.optim.apply(args.model.preset().train)?;
    let model = args.model.config(&config)?;
    let mut trainer = GanTrainer::new(model.clone(), config, &data, &device);
    let mut times = Vec::with_capacity(args.steps);
    for i in 0..args.warmup + args.steps {
        let t = Instant::now();
        // Reading the losses waits for the device, so the time covers the whole step.
        let figures = trainer.train_step(&data, StepMode::Both).read();
        if i >= args.warmup {
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        if !figures.is_finite(StepMode::Both) {
            bail!("non-finite losses at step {i}: {figures:?}");
        }
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let sampling = if args.samples > 0 {
        format!(
            " sample_ms={:.1}",
            bench_sampling(&trainer, args.samples, args.steps)
        )
    } else {
        String::new()
    };
    println!(
        "bench model={} loss={} backend={:?} batch={} steps={} median_ms={median:.1} min_ms={:.1} max_ms={:.1}{sampling}",
        model.kind().name(),
        trainer.config().loss.name(),
        args.compute.backend,
        trainer.config().batch_size,
        args.steps,
        times[0],
        times[times.len() - 1]
    );
    Ok(())
}

/// Median ms of drawing `count` samples (inference mode, read back) over `repeats` draws,
/// after one untimed draw.
fn bench_sampling(trainer: &GanTrainer, count: usize, repeats: usize) -> f64 {
    let nz = trainer.model().nz();
    let z = latent::sample_z(0, count, nz);
    let digits: Vec<u8> = (0..count).map(|i| (i % 10) as u8).collect();
    let codes = codes_for(trainer.model().kind(), &digits, None);
    let mut times: Vec<f64> = (0..=repeats.max(1))
        .map(|_| {
            let t = Instant::now();
            let _ = trainer.sample(&z, codes.as_deref()).into_data();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .skip(1)
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}
