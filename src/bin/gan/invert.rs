//! `gan invert`: "Find z". Finds the latent vector from which a checkpoint's generator draws
//! a given digit (a PNG, or a held-out digit of the shipped set), prints the pixel error as
//! Adam goes, and saves the point (`--out z.json`, which `gan sample --z` draws). With
//! `--eval-heldout N` it measures instead: the mean error over N held-out digits, for each
//! checkpoint given, against the best of 1,000 random z.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use gan_studio::eval::inversion::{HeldoutPlan, invert_heldout, spread_heldout};
use gan_studio::image::grid;
use gan_studio::invert::{Inversion, InversionConfig, LatentPoint};
use gan_studio::model::ModelConfig;
use gan_studio::picture::{dataset_target, digit_from_gray, to_model_resolution};
use pollster::block_on;

use crate::backend::BackendArg;
use crate::data_args::learned_data;
use crate::files::{named, read, read_generator, write_atomically};
use crate::render::check_digit;

/// `gan invert`'s flags.
#[derive(Args)]
pub struct InvertArgs {
    /// Checkpoint whose generator to invert (with --eval-heldout, one or more).
    #[arg(long, required = true, num_args = 1..)]
    weights: Vec<PathBuf>,
    /// A PNG of one digit, any size (white on black as MNIST, or dark on light: a light
    /// background is inverted); a picture that is not 28x28 is cropped, scaled and centred as
    /// MNIST's digits were.
    #[arg(long, conflicts_with_all = ["heldout", "eval_heldout"], required_unless_present_any = ["heldout", "eval_heldout"])]
    image: Option<PathBuf>,
    /// Held-out digit I (0 to 998) of the shipped set (`www/data/mnist.bin`).
    #[arg(long, conflicts_with = "eval_heldout")]
    heldout: Option<usize>,
    /// Measure instead: invert N held-out digits (as many of each digit) with each checkpoint and
    /// print the mean pixel error against the best of --baseline random z, as a table.
    #[arg(long, value_name = "N")]
    eval_heldout: Option<usize>,
    /// Conditional models: the digit to draw (with --heldout, the digit's own by default);
    /// InfoGAN: its categorical code. Without it the random starts choose.
    #[arg(long)]
    label: Option<u8>,
    /// Adam steps.
    #[arg(long, default_value_t = 500)]
    steps: usize,
    /// Print the error every this many steps.
    #[arg(long, default_value_t = 100)]
    every: usize,
    /// Where to save the point found (JSON: model, z, label, codes, error).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also write the target and its reconstruction side by side as a PNG.
    #[arg(long)]
    png: Option<PathBuf>,
    /// Integer pixel scale of --png.
    #[arg(long, default_value_t = 4)]
    scale: usize,
    /// Adam's learning rate on z.
    #[arg(long, default_value_t = InversionConfig::default().learning_rate)]
    lr: f64,
    /// Weight λ of the prior term λ·mean(z²).
    #[arg(long, default_value_t = InversionConfig::default().prior_weight)]
    prior: f64,
    /// Random z tried before the descent; the best one starts it.
    #[arg(long, default_value_t = InversionConfig::default().starts)]
    starts: usize,
    /// Random z of --eval-heldout's baseline.
    #[arg(long, default_value_t = 1000)]
    baseline: usize,
    /// Seed of the random starts.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// The backend that computes.
    #[command(flatten)]
    compute: BackendArg,
}

/// Runs `gan invert`.
pub fn run(args: InvertArgs) -> Result<()> {
    check_digit(args.label)?;
    if args.steps > 100_000 {
        bail!("--steps must be at most 100000, got {}", args.steps);
    }
    let config = InversionConfig {
        learning_rate: args.lr,
        prior_weight: args.prior,
        starts: args.starts,
        seed: args.seed,
    };
    config.validate()?;
    match args.eval_heldout {
        Some(count) => eval_heldout(&args, count, &config),
        None => invert_one(&args, &config),
    }
}

/// Inverts one picture or held-out digit.
fn invert_one(args: &InvertArgs, config: &InversionConfig) -> Result<()> {
    let [weights] = args.weights.as_slice() else {
        bail!("invert one picture with one checkpoint (--eval-heldout takes several)");
    };
    if args.out.is_none() && args.png.is_none() {
        bail!("say where the result goes: --out z.json and/or --png picture.png");
    }
    let device = args.compute.device()?;
    let (checkpoint, generator) = read_generator(weights, &device)?;
    let model = checkpoint.model.clone();
    let kind = model.kind();
    if args.label.is_some() && kind.code_size() == 0 {
        bail!("the {} model takes no label", kind.name());
    }
    let (target, label, source) = match (&args.image, args.heldout) {
        (Some(path), _) => {
            let digit = read_digit_png(path)?;
            let label = args.label.filter(|_| kind.code_size() > 0);
            (
                to_model_resolution(model.image_size(), &digit),
                label,
                path.display().to_string(),
            )
        }
        (None, Some(i)) => {
            let data = learned_data(&checkpoint)?;
            let heldout = data.heldout_indices();
            let &index = heldout.get(i).ok_or_else(|| {
                anyhow!(
                    "--heldout must be 0 to {}, got {i}",
                    heldout.len().saturating_sub(1)
                )
            })?;
            let digit = data.label(index);
            eprintln!("held-out digit {i}: dataset index {index}, a {digit}");
            let label = args
                .label
                .or(kind.is_conditional().then_some(digit))
                .filter(|_| kind.code_size() > 0);
            (
                dataset_target(model.image_size(), &data, index),
                label,
                format!("held-out digit {i} (dataset index {index}, a {digit})"),
            )
        }
        (None, None) => bail!("give --image, --heldout or --eval-heldout"),
    };
    let started = Instant::now();
    let mut inversion = block_on(Inversion::start(
        &generator,
        &model,
        &target,
        &[label],
        config,
        &device,
    ))?;
    let start_error = inversion.start_errors()[0];
    println!(
        "step 0: error {start_error:.5} (best of {} random z{})",
        config.starts,
        match inversion.labels()[0] {
            Some(l) if label.is_none() => format!(", label {l} chosen"),
            _ => String::new(),
        }
    );
    let every = args.every.max(1);
    let mut progress = block_on(inversion.progress())?;
    while inversion.steps() < args.steps {
        let now = every.min(args.steps - inversion.steps());
        progress = block_on(inversion.step(now))?;
        println!(
            "step {}: error {:.5} (objective {:.5})",
            progress.steps, progress.errors[0], progress.objectives[0]
        );
    }
    let error = progress.errors[0];
    println!(
        "error {error:.5} after {} steps ({:.1} s), from {start_error:.5} at the best random start",
        progress.steps,
        started.elapsed().as_secs_f64()
    );
    if let Some(out) = &args.out {
        let mut point = LatentPoint::from_progress(kind, &progress, 0);
        point.start_error = Some(start_error);
        point.target = Some(source);
        let json = serde_json::to_string_pretty(&point)?;
        write_atomically(out, json.as_bytes())?;
        println!("wrote {}", out.display());
    }
    if let Some(png) = &args.png {
        let side = model.image_size();
        let mut both = target.to_vec();
        both.extend_from_slice(&progress.images);
        let image = grid(&both, side, 1, 2, 1).and_then(|g| g.scaled(args.scale))?;
        write_atomically(png, &image.to_png()?)?;
        println!("wrote {} (target | reconstruction)", png.display());
    }
    Ok(())
}

/// The digit in the PNG at `path`, as 784 values in [-1, 1].
fn read_digit_png(path: &Path) -> Result<Vec<f32>> {
    let (width, height, grey) = decode_grey_png(&read(path)?).with_context(|| named(path))?;
    digit_from_gray(width, height, &grey).with_context(|| named(path))
}

/// A PNG's width, height and grey levels. Colour is reduced to luminance; transparency is
/// laid over the background that contrasts with the opaque strokes (white behind dark ink,
/// black behind light ink), so a drawing on a transparent canvas keeps its strokes.
fn decode_grey_png(bytes: &[u8]) -> Result<(usize, usize, Vec<u8>)> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().context("not a PNG")?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| anyhow!("the PNG is too large"))?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).context("unreadable PNG")?;
    buf.truncate(info.buffer_size());
    let (width, height) = (info.width as usize, info.height as usize);
    let channels = info.color_type.samples();
    let luminance = |px: &[u8]| -> f32 {
        match px.len() {
            1 | 2 => f32::from(px[0]),
            _ => 0.299 * f32::from(px[0]) + 0.587 * f32::from(px[1]) + 0.114 * f32::from(px[2]),
        }
    };
    let has_alpha = matches!(channels, 2 | 4);
    let pixels: Vec<&[u8]> = buf.chunks_exact(channels).collect();
    let grey = if has_alpha {
        let opaque: Vec<f32> = pixels
            .iter()
            .filter(|px| px[channels - 1] > 127)
            .map(|px| luminance(px))
            .collect();
        let dark_ink =
            opaque.is_empty() || opaque.iter().sum::<f32>() / (opaque.len() as f32) < 127.5;
        let background = if dark_ink { 255.0 } else { 0.0 };
        pixels
            .iter()
            .map(|px| {
                let alpha = f32::from(px[channels - 1]) / 255.0;
                (luminance(px) * alpha + background * (1.0 - alpha)).round() as u8
            })
            .collect()
    } else {
        pixels
            .iter()
            .map(|px| luminance(px).round() as u8)
            .collect()
    };
    Ok((width, height, grey))
}

/// `--eval-heldout`: the table of mean errors, one row per checkpoint.
fn eval_heldout(args: &InvertArgs, count: usize, config: &InversionConfig) -> Result<()> {
    if !(1..=999).contains(&count) {
        bail!("--eval-heldout takes 1 to 999 digits, got {count}");
    }
    let device = args.compute.device()?;
    // The held-out items are the first checkpoint's data set's; every checkpoint must have
    // learned it.
    let (first, _) = read_generator(&args.weights[0], &device)?;
    let data = learned_data(&first)?;
    let plan = HeldoutPlan {
        indices: spread_heldout(&data, count),
        steps: args.steps,
        baseline_draws: args.baseline,
    };
    println!(
        "{} held-out digits (as many of each digit, spread over the 999), {} Adam steps at lr {}, prior λ {}, from the best of {} random z (seed {}); baseline: the best of {} random z. Pixel error: mean squared difference in [-1, 1] at the model's resolution.",
        plan.indices.len(),
        plan.steps,
        config.learning_rate,
        config.prior_weight,
        config.starts,
        config.seed,
        plan.baseline_draws
    );
    println!();
    println!(
        "| model | best of {} random z | best of {} (start) | after {} steps | inverted / random | time |",
        plan.baseline_draws, config.starts, plan.steps
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for path in &args.weights {
        let started = Instant::now();
        let (checkpoint, generator) = read_generator(path, &device)?;
        if checkpoint.data_set != data.data_set().name {
            bail!(
                "{}: it learned {}, the first checkpoint {}",
                named(path),
                checkpoint.data_set,
                data.data_set().name
            );
        }
        let result = block_on(invert_heldout(
            &generator,
            &checkpoint.model,
            &data,
            &plan,
            config,
            &device,
        ))
        .with_context(|| named(path))?;
        let baseline = result.baseline.mean_error();
        let start = mean(&result.start_errors);
        let inverted = result.inverted.mean_error();
        println!(
            "| {} | {baseline:.4} | {start:.4} | {inverted:.4} | {:.2} | {:.0} s |",
            name_of(path, &checkpoint.model),
            inverted / baseline,
            started.elapsed().as_secs_f64()
        );
        std::io::stdout().flush()?;
    }
    Ok(())
}

fn mean(values: &[f32]) -> f32 {
    values.iter().sum::<f32>() / values.len().max(1) as f32
}

/// The row name of a checkpoint: its file stem and its model kind.
fn name_of(path: &Path, model: &ModelConfig) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem == model.kind().name() {
        format!("`{stem}`")
    } else {
        format!("`{stem}` ({})", model.kind().name())
    }
}
