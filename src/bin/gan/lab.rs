//! `gan lab`: a 2-D lab run without the page: trains a preset (or settings given as JSON)
//! and prints the losses, the KL and JS divergence and the modes covered every few steps,
//! then the speed of a step and of a view on this machine's CPU.

use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use clap::Args;
use gan_studio::lab::presets::{all, find};
use gan_studio::lab::{LabConfig, LabTrainer, Lipschitz, PlaneData};
use gan_studio::train::StepFigures;

/// `gan lab`'s flags.
#[derive(Args)]
pub struct LabArgs {
    /// The preset (`gan lab --list` names them); its step mode (both, D only, G only) too.
    #[arg(long, default_value = "ring")]
    preset: String,
    /// Which of a two-pane preset's runs (0 or 1).
    #[arg(long, default_value_t = 0)]
    pane: usize,
    /// The whole lab config as JSON, instead of the preset's (the page's settings).
    #[arg(long)]
    settings: Option<String>,
    /// Overrides the seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Overrides the batch size.
    #[arg(long)]
    batch: Option<usize>,
    /// Keeps the WGAN critic Lipschitz with WGAN-GP's gradient penalty of this weight λ
    /// (the paper's is 10) instead of weight clipping; the run's loss must be the WGAN's.
    #[arg(long, value_name = "LAMBDA")]
    gradient_penalty: Option<f64>,
    /// Steps to train.
    #[arg(long, default_value_t = 2000)]
    steps: u64,
    /// Print a line every this many steps.
    #[arg(long, default_value_t = 250)]
    every: u64,
    /// List the presets and exit.
    #[arg(long)]
    list: bool,
    /// Print what the page's lab form reads (wasm `labOptions()`: defaults, menus, ranges,
    /// presets) as JSON and exit.
    #[arg(long)]
    options_json: bool,
}

/// Runs `gan lab`.
pub fn run(args: LabArgs) -> Result<()> {
    if args.options_json {
        println!("{}", gan_studio::lab::options_json());
        return Ok(());
    }
    if args.list {
        for preset in all() {
            println!(
                "{:<30} {} (steps: {})",
                preset.name, preset.title, preset.mode
            );
        }
        return Ok(());
    }
    let preset = find(&args.preset).ok_or_else(|| {
        let names: Vec<_> = all().iter().map(|p| p.name).collect();
        anyhow!(
            "no lab preset {:?}; the presets: {}",
            args.preset,
            names.join(", ")
        )
    })?;
    let mut config: LabConfig =
        match &args.settings {
            Some(json) => serde_json::from_str(json).context("--settings")?,
            None => preset.panes.get(args.pane).cloned().ok_or_else(|| {
                anyhow!("preset {} has {} panes", preset.name, preset.panes.len())
            })?,
        };
    config.seed = args.seed.unwrap_or(config.seed);
    config.batch_size = args.batch.unwrap_or(config.batch_size);
    if let Some(weight) = args.gradient_penalty {
        if !config.loss.is_wasserstein() {
            return Err(anyhow!(
                "--gradient-penalty is for the WGAN loss; this run's is {} (try --preset \
                 wgan-clip-vs-gp)",
                config.loss.name()
            ));
        }
        config.lipschitz = Lipschitz::GradientPenalty;
        config.penalty_weight = weight;
    }
    let data = PlaneData::new(config.data, &[]).map_err(|e| anyhow!(e))?;
    println!("lab: {}", serde_json::to_string(&config)?);
    let mode = preset.step_mode();
    let mut run =
        LabTrainer::new(config, data, &burn::prelude::Device::flex()).map_err(|e| anyhow!(e))?;
    let (mut train_s, mut view_s, mut views) = (0.0, 0.0, 0);
    let every = args.every.max(1);
    while run.step() < args.steps {
        let start = Instant::now();
        let mut last = None;
        for _ in 0..every.min(args.steps - run.step()) {
            last = Some(run.train_step(mode));
        }
        let figures: StepFigures = last.expect("at least one step").read();
        train_s += start.elapsed().as_secs_f64();
        let start = Instant::now();
        let view = run.view().read().map_err(|e| anyhow!(e))?;
        view_s += start.elapsed().as_secs_f64();
        views += 1;
        let modes = view.modes.map_or(String::new(), |(covered, of)| {
            format!(" modes {covered}/{of}")
        });
        let off_plane = view
            .fake
            .chunks_exact(2)
            .filter(|p| !p.iter().all(|v| v.abs() <= 1.0))
            .count();
        println!(
            "step {:>6} loss_D {:.3} loss_G {:.3} KL {:.3} JS {:.3}{modes} off-plane {off_plane}",
            run.step(),
            figures.loss_d,
            figures.loss_g,
            view.kl,
            view.js
        );
    }
    println!(
        "speed: {:.0} steps/s ({:.2} ms per step at batch {}), {:.2} ms per view",
        run.step() as f64 / train_s,
        1e3 * train_s / run.step() as f64,
        run.config().batch_size,
        1e3 * view_s / views as f64
    );
    Ok(())
}
