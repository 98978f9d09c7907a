//! `gan train`: trains a model (or continues a run) on the MNIST digits and writes its
//! checkpoints, an averaged generator and progress grids as it goes.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use burn::prelude::*;
use clap::Args;
use gan_studio::checkpoint::record_bytes_async;
use gan_studio::lifecycle::ResumeOptions;
use gan_studio::model::Generator;
use gan_studio::preset::{ProgressGrid, preset_of_run, progress_grid};
use gan_studio::train::{GanTrainer, StepMode, ema_update};
use indicatif::{ProgressBar, ProgressStyle};

use crate::backend::BackendArg;
use crate::data_args::{DataArgs, named_data_set};
use crate::files::{grid_image, named, read_checkpoint, write_atomically};
use crate::model_args::{ModelArgs, OptimArgs};
use crate::tensorboard::EventWriter;
use gan_studio::data::sets::MNIST;
use gan_studio::train::figures::FIGURES;
use std::cell::RefCell;

/// `gan train`'s flags.
#[derive(Args)]
pub struct TrainArgs {
    /// The model to train (ignored with --resume, which keeps the file's).
    #[command(flatten)]
    model: ModelArgs,
    /// The training settings.
    #[command(flatten)]
    optim: OptimArgs,
    /// Train until this many steps in total (a resumed run counts its earlier steps);
    /// default: the preset's.
    #[arg(long)]
    steps: Option<u64>,
    /// Checkpoint to write (also rewritten every --save-every steps).
    #[arg(long)]
    out: PathBuf,
    /// Continue the run stored in this checkpoint: its model, step and seed; its training
    /// settings except those given as flags.
    #[arg(long)]
    resume: Option<PathBuf>,
    /// Write the checkpoint (and a progress grid, with --samples) every N steps; 0 = only at the end.
    #[arg(long, default_value_t = 250)]
    save_every: u64,
    /// Directory for progress grids from a fixed noise (step-NNNNNN.png).
    #[arg(long)]
    samples: Option<PathBuf>,
    /// Read the losses (and check they are finite) every N steps.
    #[arg(long, default_value_t = 10)]
    log_every: u64,
    /// Also write TensorBoard event files into this directory: every figure read (each
    /// --log-every steps) as a scalar, and the progress grid (each --save-every steps) as an
    /// image, for `tensorboard --logdir`.
    #[arg(long)]
    log: Option<PathBuf>,
    /// The data set, and where its images are.
    #[command(flatten)]
    data: DataArgs,
    /// The backend to train on.
    #[command(flatten)]
    compute: BackendArg,
    /// Also keep an exponential moving average of the generator's weights with this decay
    /// (e.g. 0.999), written to --ema-out with every checkpoint. It starts from the
    /// generator of the first step of this invocation.
    #[arg(long, requires = "ema_out")]
    ema: Option<f32>,
    /// Checkpoint for the averaged generator (with the run's discriminator and settings).
    #[arg(long, requires = "ema")]
    ema_out: Option<PathBuf>,
}

/// Runs `gan train`.
pub fn run(args: TrainArgs) -> Result<()> {
    let device = args.compute.device()?;
    let resumed = match &args.resume {
        Some(path) => Some((path, read_checkpoint(path)?)),
        None => None,
    };
    // A resumed run goes on with the data set it learned, unless told otherwise.
    let default_set = match &resumed {
        Some((_, checkpoint)) => named_data_set(&checkpoint.data_set)?,
        None => &MNIST,
    };
    let data = args.data.load(default_set)?;
    // A resumed run reads the shipped file unless --data names its images again: say which.
    eprintln!(
        "data: {}, {} training images from {}",
        data.data_set().title,
        data.train_indices().len(),
        args.data.source()
    );
    let mut trainer = match resumed {
        None => {
            let config = args.optim.apply(args.model.preset().train)?;
            GanTrainer::new(args.model.config(&config)?, config, &data, &device)
        }
        Some((path, checkpoint)) => {
            let saved = checkpoint.training_or_default().config;
            let options = ResumeOptions {
                config: Some(args.optim.apply(saved)?),
                restore_optimizers: true,
            };
            let trainer = GanTrainer::resume(&checkpoint, options, &data, &device)
                .with_context(|| named(path))?
                .trainer;
            eprintln!(
                "resuming {} at step {} from {}",
                trainer.model().kind().name(),
                trainer.step(),
                path.display()
            );
            trainer
        }
    };
    let model = trainer.model().clone();
    let preset = preset_of_run(&model, Some(trainer.config().loss));
    let steps = args.steps.unwrap_or(preset.steps);
    if steps <= trainer.step() {
        bail!(
            "--steps is the step to train until: it must be more than the run's {} (got {steps})",
            trainer.step()
        );
    }
    eprintln!(
        "training {} ({}) for {} steps with {} on {:?}",
        model.kind().name(),
        serde_json::to_string(&model).unwrap_or_default(),
        steps,
        serde_json::to_string(trainer.config()).unwrap_or_default(),
        args.compute.backend
    );
    if let Some(decay) = args.ema
        && !(0.0..1.0).contains(&decay)
    {
        bail!("--ema must be in [0, 1), got {decay}");
    }
    let mut average = args.ema.map(|_| trainer.generator().valid());
    let fixed = progress_grid(&model, trainer.config().seed, preset.progress_cols);
    let events = args
        .log
        .as_deref()
        .map(EventWriter::create)
        .transpose()?
        .map(RefCell::new);
    let save = |trainer: &GanTrainer, average: &Option<Generator>| -> Result<()> {
        let mut checkpoint = pollster::block_on(trainer.to_checkpoint(true))?;
        write_atomically(&args.out, &checkpoint.to_bytes())?;
        if let (Some(average), Some(path)) = (average, &args.ema_out) {
            // The same file with the averaged generator and no optimiser state.
            checkpoint.generator = pollster::block_on(record_bytes_async(average))?;
            checkpoint.optimizers = None;
            write_atomically(path, &checkpoint.to_bytes())?;
        }
        if args.samples.is_some() || events.is_some() {
            let ProgressGrid {
                rows,
                cols,
                z,
                codes,
            } = &fixed;
            let grid = grid_image(trainer.sample(z, codes.as_deref()), *rows, *cols, 2)?;
            let png = grid.to_png()?;
            if let Some(dir) = &args.samples {
                let path = dir.join(format!("step-{:06}.png", trainer.step()));
                write_atomically(&path, &png)?;
            }
            if let Some(events) = &events {
                let mut events = events.borrow_mut();
                let (width, height) = (grid.width as u32, grid.height as u32);
                events.image(trainer.step(), "samples", width, height, &png)?;
                events.flush()?;
            }
        }
        Ok(())
    };

    let start_step = trainer.step();
    let bar = ProgressBar::new(steps);
    bar.set_position(start_step);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} steps  {per_sec}  eta {eta}  {msg}")
            .expect("valid template"),
    );
    let started = Instant::now();
    let quiet_log = !std::io::IsTerminal::is_terminal(&std::io::stderr());
    while trainer.step() < steps {
        let losses = trainer.train_step(&data, StepMode::Both);
        if let (Some(decay), Some(avg)) = (args.ema, average.take()) {
            average = Some(ema_update(avg, trainer.generator(), decay));
        }
        let step = trainer.step();
        if step % args.log_every.max(1) == 0 || step == steps {
            let f = losses.read();
            if !f.is_finite(StepMode::Both) {
                bar.abandon();
                bail!(
                    "training diverged at step {step}: loss_D {} loss_G {} D(x) {} D(G(z)) {}; \
                     the last checkpoint in {} is from before it",
                    f.loss_d,
                    f.loss_g,
                    f.d_real,
                    f.d_fake,
                    args.out.display()
                );
            }
            let message = format!(
                "loss_D {:.3} loss_G {:.3} D(x) {:.3} D(G(z)) {:.3}{}",
                f.loss_d,
                f.loss_g,
                f.d_real,
                f.d_fake,
                f.extra_words()
            );
            if quiet_log && step % (args.log_every.max(1) * 10) == 0 {
                let rate = (step - start_step) as f64 / started.elapsed().as_secs_f64();
                eprintln!("step {step}/{} {rate:.2} step/s {message}", steps);
            }
            bar.set_message(message);
            if let Some(events) = &events {
                let values: Vec<(&str, f32)> = FIGURES
                    .iter()
                    .map(|figure| figure.key)
                    .zip(f.values())
                    .collect();
                events.borrow_mut().scalars(step, &values)?;
            }
        }
        bar.set_position(step);
        if args.save_every > 0 && step % args.save_every == 0 {
            save(&trainer, &average)?;
        }
    }
    if args.save_every == 0 || !trainer.step().is_multiple_of(args.save_every) {
        save(&trainer, &average)?; // the last step, unless the loop just saved it
    }
    bar.finish();
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "done: {} steps in {secs:.1} s ({:.2} step/s); wrote {}",
        trainer.step() - start_step,
        (trainer.step() - start_step) as f64 / secs.max(1e-9),
        args.out.display()
    );
    Ok(())
}
