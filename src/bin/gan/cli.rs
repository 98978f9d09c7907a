//! The `gan` command line. Trains the shipped weights, samples grids,
//! interpolates, inspects checkpoints and benchmarks training steps. It owns files and stdout;
//! everything else comes from the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use burn::prelude::*;
use burn::tensor::Bytes;
use clap::{Args, Parser, Subcommand, ValueEnum};
use gan_studio::checkpoint::{
    Checkpoint, Precision, TrainingState, block_on, record_bytes_async, record_bytes_async_as,
};
use gan_studio::data::MnistSet;
use gan_studio::eval::{
    Classifier, ClassifierConfig, ClassifierFile, ClassifierTrainConfig, ClassifierTrainer,
    ClassifierTraining, Evaluator, accuracy,
};
use gan_studio::image::{GrayImage, grid};
use gan_studio::latent;
use gan_studio::model::{
    CdcganConfig, DcganConfig, Generator, InitScheme, MlpGanConfig, ModelConfig, trainable_params,
};
use gan_studio::train::{GanLoss, GanTrainer, StepMode, TrainConfig, ema_update, sample};
use indicatif::{ProgressBar, ProgressStyle};

/// The 10,000 shipped digits, so the CLI works from any directory.
static SHIPPED_MNIST: &[u8] = include_bytes!("../../../www/data/mnist.bin");

#[derive(Parser)]
#[command(
    name = "gan",
    version,
    about = "Train, sample and inspect GAN Studio models"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a model on the shipped MNIST digits and write a checkpoint.
    Train(TrainArgs),
    /// Write a grid of samples as a PNG.
    Sample(SampleArgs),
    /// Write a strip interpolating between two seeds (or two digits) as a PNG.
    Interpolate(InterpolateArgs),
    /// Print a checkpoint's model kind, settings, parameter counts and training state.
    Inspect {
        /// Checkpoint file.
        weights: PathBuf,
    },
    /// Time training steps (median ms per step) on a backend; prints figures, asserts nothing.
    Bench(BenchArgs),
    /// Copy a checkpoint without its optimiser state (and, optionally, its discriminator):
    /// the smaller files shipped to the page.
    Export {
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
    },
    /// Train the MNIST digit classifier that `gan eval` scores generators with.
    TrainClassifier(TrainClassifierArgs),
    /// Score a generator (or, with --real, real digits) with the classifier: label accuracy,
    /// digit coverage, confidence and the Fréchet distance to the held-out digits.
    Eval(EvalArgs),
}

/// Compute backends this build can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Backend {
    /// burn-flex: pure-Rust CPU kernels with SIMD and threads (the default).
    Flex,
    /// burn-ndarray: the older pure-Rust CPU backend (needs `--features ndarray`).
    Ndarray,
    /// burn-cpu: CubeCL kernels compiled through LLVM (needs `--features cpu`).
    Cpu,
    /// LibTorch on the CPU (needs `--features tch` and PyTorch's library).
    Tch,
    /// burn-wgpu on Vulkan (a GPU, or lavapipe on the CPU; needs `--features vulkan`).
    Vulkan,
}

#[allow(deprecated)] // ndarray and tch are deprecated in Burn 0.22 but still measured here
fn device_for(backend: Backend) -> Result<Device, String> {
    let missing = |feature: &str| {
        Err(format!(
            "this build has no {feature} backend: rebuild with `cargo build --release --features {feature}`"
        ))
    };
    match backend {
        Backend::Flex => Ok(Device::flex()),
        #[cfg(feature = "ndarray")]
        Backend::Ndarray => Ok(Device::ndarray()),
        #[cfg(not(feature = "ndarray"))]
        Backend::Ndarray => missing("ndarray"),
        #[cfg(feature = "cpu")]
        Backend::Cpu => Ok(Device::cpu()),
        #[cfg(not(feature = "cpu"))]
        Backend::Cpu => missing("cpu"),
        #[cfg(feature = "tch")]
        Backend::Tch => Ok(Device::libtorch()),
        #[cfg(not(feature = "tch"))]
        Backend::Tch => missing("tch"),
        #[cfg(feature = "vulkan")]
        Backend::Vulkan => Ok(Device::vulkan(burn::tensor::DeviceKind::DefaultDevice)),
        #[cfg(not(feature = "vulkan"))]
        Backend::Vulkan => missing("vulkan"),
    }
}

/// The model presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Preset {
    /// MLP GAN, hidden width 256.
    Mlp,
    /// DCGAN, ngf = ndf = 32.
    Dcgan,
    /// Conditional DCGAN at the course's width (ngf 128, ndf 64).
    Cdcgan,
    /// Conditional DCGAN at half width (ngf 64, ndf 32): about 4x cheaper.
    CdcganHalf,
}

#[derive(Args, Clone)]
struct ModelArgs {
    /// Model preset.
    #[arg(long, value_enum, default_value = "dcgan")]
    model: Preset,
    /// Latent size (default 100).
    #[arg(long)]
    nz: Option<usize>,
    /// Generator width: ngf for the DCGANs, hidden width for the MLP GAN.
    #[arg(long)]
    ngf: Option<usize>,
    /// Discriminator width: ndf for the DCGANs (the MLP GAN uses --ngf for both).
    #[arg(long)]
    ndf: Option<usize>,
    /// Initialisation: dcgan (N(0, 0.02)) or default (Burn's).
    #[arg(long)]
    init: Option<String>,
}

impl ModelArgs {
    fn config(&self) -> Result<ModelConfig, String> {
        let init = match &self.init {
            None => None,
            Some(name) => Some(
                InitScheme::parse(name)
                    .ok_or_else(|| format!("unknown init {name:?}: use dcgan or default"))?,
            ),
        };
        let config = match self.model {
            Preset::Mlp => {
                let mut c = MlpGanConfig::default();
                c.nz = self.nz.unwrap_or(c.nz);
                c.hidden = self.ngf.unwrap_or(c.hidden);
                c.init = init.unwrap_or(c.init);
                ModelConfig::Mlp(c)
            }
            Preset::Dcgan => {
                let mut c = DcganConfig::default();
                c.nz = self.nz.unwrap_or(c.nz);
                c.ngf = self.ngf.unwrap_or(c.ngf);
                c.ndf = self.ndf.unwrap_or(c.ndf);
                c.init = init.unwrap_or(c.init);
                ModelConfig::Dcgan(c)
            }
            Preset::Cdcgan | Preset::CdcganHalf => {
                let mut c = if self.model == Preset::Cdcgan {
                    CdcganConfig::default()
                } else {
                    CdcganConfig::half_width()
                };
                c.nz = self.nz.unwrap_or(c.nz);
                c.ngf = self.ngf.unwrap_or(c.ngf);
                c.ndf = self.ndf.unwrap_or(c.ndf);
                c.init = init.unwrap_or(c.init);
                ModelConfig::Cdcgan(c)
            }
        };
        config.validate()?;
        Ok(config)
    }
}

#[derive(Args, Clone)]
struct OptimArgs {
    /// Images per batch.
    #[arg(long, default_value_t = 64)]
    batch: usize,
    /// Generator learning rate.
    #[arg(long, default_value_t = 2e-4)]
    lr_g: f64,
    /// Discriminator learning rate.
    #[arg(long, default_value_t = 2e-4)]
    lr_d: f64,
    /// Adam beta1.
    #[arg(long, default_value_t = 0.5)]
    beta1: f32,
    /// Generator loss: non-saturating, saturating or least-squares.
    #[arg(long, default_value = "non-saturating")]
    loss: String,
    /// Seed of the weights, batch order and noise.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

impl OptimArgs {
    fn config(&self) -> Result<TrainConfig, String> {
        let loss = GanLoss::parse(&self.loss).ok_or_else(|| {
            format!(
                "unknown loss {:?}: use non-saturating, saturating or least-squares",
                self.loss
            )
        })?;
        let config = TrainConfig {
            lr_g: self.lr_g,
            lr_d: self.lr_d,
            beta1: self.beta1,
            batch_size: self.batch,
            loss,
            seed: self.seed,
            ..TrainConfig::default()
        };
        config.validate()?;
        Ok(config)
    }
}

#[derive(Args)]
struct TrainArgs {
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    optim: OptimArgs,
    /// Train until this many steps in total (a resumed run counts its earlier steps).
    #[arg(long, default_value_t = 1500)]
    steps: u64,
    /// Checkpoint to write (also rewritten every --save-every steps).
    #[arg(long)]
    out: PathBuf,
    /// Continue the run stored in this checkpoint (its model and settings win over flags).
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
    /// MNIST file (default: the copy built into this binary).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Compute backend.
    #[arg(long, value_enum, default_value = "flex")]
    backend: Backend,
    /// Also keep an exponential moving average of the generator's weights with this decay
    /// (e.g. 0.999), written to --ema-out with every checkpoint. It starts from the
    /// generator of the first step of this invocation.
    #[arg(long, requires = "ema_out")]
    ema: Option<f32>,
    /// Checkpoint for the averaged generator (with the run's discriminator and settings).
    #[arg(long, requires = "ema")]
    ema_out: Option<PathBuf>,
}

/// Where a picture comes from and goes to: shared by `sample` and `interpolate`.
#[derive(Args)]
struct RenderArgs {
    /// Checkpoint file.
    #[arg(long)]
    weights: PathBuf,
    /// Integer pixel scale of the PNG.
    #[arg(long, default_value_t = 2)]
    scale: usize,
    /// Output PNG.
    #[arg(long)]
    out: PathBuf,
    /// Compute backend.
    #[arg(long, value_enum, default_value = "flex")]
    backend: Backend,
}

impl RenderArgs {
    /// Reads the checkpoint and loads its generator on the chosen backend.
    fn load(&self) -> Result<(ModelConfig, gan_studio::model::Generator, Device), String> {
        let checkpoint = read_checkpoint(&self.weights)?;
        let device = device_for(self.backend)?;
        let generator = checkpoint
            .load_generator(&device)
            .map_err(|e| format!("{}: {e}", self.weights.display()))?;
        Ok((checkpoint.model, generator, device))
    }

    /// Writes `images` as a `rows` x `cols` grid PNG.
    fn write(&self, images: Tensor<4>, rows: usize, cols: usize) -> Result<(), String> {
        write_png(&render(images, rows, cols, self.scale)?, &self.out)
    }
}

#[derive(Args)]
struct SampleArgs {
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
    #[command(flatten)]
    render: RenderArgs,
}

#[derive(Args)]
struct InterpolateArgs {
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
    /// Conditional model: digit drawn along the path (default 0), or the start digit with --to-label.
    #[arg(long)]
    label: Option<u8>,
    /// Conditional model: interpolate the label from --label to this digit at fixed z (--from-seed).
    #[arg(long)]
    to_label: Option<u8>,
    #[command(flatten)]
    render: RenderArgs,
}

#[derive(Args)]
struct BenchArgs {
    #[command(flatten)]
    model: ModelArgs,
    /// Images per batch.
    #[arg(long, default_value_t = 64)]
    batch: usize,
    /// Timed steps.
    #[arg(long, default_value_t = 5)]
    steps: usize,
    /// Untimed warm-up steps.
    #[arg(long, default_value_t = 1)]
    warmup: usize,
    /// Also time drawing this many samples with the trained generator (0: skip).
    #[arg(long, default_value_t = 100)]
    samples: usize,
    /// Compute backend.
    #[arg(long, value_enum, default_value = "flex")]
    backend: Backend,
}

#[derive(Args)]
struct TrainClassifierArgs {
    /// Classifier file to write.
    #[arg(long)]
    out: PathBuf,
    /// Passes over the 9,001 training digits.
    #[arg(long, default_value_t = ClassifierTrainConfig::default().epochs)]
    epochs: usize,
    /// Seed of the weights, the batch order and the augmentation.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// MNIST file (default: the copy built into this binary).
    #[arg(long)]
    data: Option<PathBuf>,
}

#[derive(Args)]
struct EvalArgs {
    /// Checkpoint whose generator to score.
    #[arg(long, required_unless_present = "real", conflicts_with = "real")]
    weights: Option<PathBuf>,
    /// Score real training digits instead: the floor a perfect generator would reach.
    #[arg(long)]
    real: bool,
    /// Number of samples (or real digits) to score.
    #[arg(long, default_value_t = 1000)]
    n: usize,
    /// Seed of the latent vectors and labels (or of the choice of real digits).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Classifier file (written by `gan train-classifier`).
    #[arg(long, default_value = "weights/classifier.bpk")]
    classifier: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Train(args) => train(args),
        Command::Sample(args) => sample_grid(args),
        Command::Interpolate(args) => interpolate(args),
        Command::Inspect { weights } => inspect(&weights),
        Command::Bench(args) => bench(args),
        Command::Export {
            weights,
            out,
            generator_only,
            f16,
        } => export(&weights, &out, generator_only, f16),
        Command::TrainClassifier(args) => train_classifier(args),
        Command::Eval(args) => eval(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn load_data(path: Option<&Path>) -> Result<MnistSet, String> {
    match path {
        None => MnistSet::from_bytes(SHIPPED_MNIST).map_err(|e| e.to_string()),
        Some(path) => {
            let bytes =
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            MnistSet::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
        }
    }
}

fn read_checkpoint(path: &Path) -> Result<Checkpoint, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Checkpoint::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes via a temporary file and a rename, so an interrupted write never leaves half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn checkpoint_of(trainer: &GanTrainer) -> Result<Checkpoint, String> {
    let generator = block_on(record_bytes_async(trainer.generator())).map_err(|e| e.to_string())?;
    let discriminator =
        block_on(record_bytes_async(trainer.discriminator())).map_err(|e| e.to_string())?;
    let (optim_g, optim_d) = trainer.optimizers();
    let optim = |o: &burn::optim::ModuleOptimizer| {
        o.into_bytes()
            .map(|b| b.to_vec())
            .map_err(|e| format!("saving optimiser state: {e}"))
    };
    Ok(Checkpoint {
        model: trainer.model().clone(),
        training: Some(TrainingState {
            config: trainer.config().clone(),
            step: trainer.step(),
        }),
        generator,
        discriminator: Some(discriminator),
        optimizers: Some((optim(optim_g)?, optim(optim_d)?)),
    })
}

/// Rows and columns of a grid, and the label codes of each cell for the conditional model.
fn fixed_noise_grid(model: &ModelConfig, seed: u64) -> (Vec<f32>, Option<Vec<f32>>) {
    if model.kind().is_conditional() {
        let (z, labels) = latent::style_grid(seed, 8, model.nz());
        (z, Some(latent::one_hot(&labels)))
    } else {
        (latent::sample_z(seed, 64, model.nz()), None)
    }
}

fn render(images: Tensor<4>, rows: usize, cols: usize, scale: usize) -> Result<GrayImage, String> {
    let size = images.dims()[3];
    let values: Vec<f32> = images
        .into_data()
        .try_to_vec()
        .map_err(|e| format!("reading images: {e:?}"))?;
    grid(&values, size, rows, cols, 1)
        .and_then(|g| g.scaled(scale))
        .map_err(|e| e.to_string())
}

fn write_png(image: &GrayImage, path: &Path) -> Result<(), String> {
    let png = image.to_png().map_err(|e| e.to_string())?;
    write_atomically(path, &png)
}

fn train(args: TrainArgs) -> Result<(), String> {
    let data = load_data(args.data.as_deref())?;
    let device = device_for(args.backend)?;
    let mut trainer = match &args.resume {
        None => GanTrainer::new(args.model.config()?, args.optim.config()?, &data, &device),
        Some(path) => {
            let checkpoint = read_checkpoint(path)?;
            let state = checkpoint
                .training
                .clone()
                .ok_or_else(|| format!("{}: no training state to resume from", path.display()))?;
            let err =
                |e: gan_studio::checkpoint::CheckpointError| format!("{}: {e}", path.display());
            let generator = checkpoint.load_generator(&device).map_err(err)?;
            let discriminator = checkpoint.load_discriminator(&device).map_err(err)?;
            let mut trainer = GanTrainer::with_networks(
                checkpoint.model.clone(),
                state.config,
                generator,
                discriminator,
                state.step,
                &data,
                &device,
            );
            if let Some((g, d)) = &checkpoint.optimizers {
                let load = |bytes: &Vec<u8>| {
                    trainer
                        .new_optimizer()
                        .from_bytes(Bytes::from_bytes_vec(bytes.clone()))
                        .map_err(|e| format!("{}: optimiser state: {e}", path.display()))
                };
                let (g, d) = (load(g)?, load(d)?);
                trainer.set_optimizers(g, d);
            }
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
    eprintln!(
        "training {} ({}) for {} steps, batch {}, loss {}, seed {}, on {:?}",
        model.kind().name(),
        serde_json::to_string(&model).unwrap_or_default(),
        args.steps,
        trainer.config().batch_size,
        trainer.config().loss.name(),
        trainer.config().seed,
        args.backend
    );
    if let Some(decay) = args.ema
        && !(0.0..1.0).contains(&decay)
    {
        return Err(format!("--ema must be in [0, 1), got {decay}"));
    }
    let mut average = args.ema.map(|_| trainer.generator().valid());
    let (fixed_z, fixed_labels) = fixed_noise_grid(&model, trainer.config().seed ^ 0xF1ED);
    let save = |trainer: &GanTrainer, average: &Option<Generator>| -> Result<(), String> {
        let mut checkpoint = checkpoint_of(trainer)?;
        write_atomically(&args.out, &checkpoint.to_bytes())?;
        if let (Some(average), Some(path)) = (average, &args.ema_out) {
            // The same file with the averaged generator and no optimiser state.
            checkpoint.generator =
                block_on(record_bytes_async(average)).map_err(|e| e.to_string())?;
            checkpoint.optimizers = None;
            write_atomically(path, &checkpoint.to_bytes())?;
        }
        if let Some(dir) = &args.samples {
            let images = trainer.sample(&fixed_z, fixed_labels.as_deref());
            let rows = if fixed_labels.is_some() { 10 } else { 8 };
            let path = dir.join(format!("step-{:06}.png", trainer.step()));
            write_png(&render(images, rows, 8, 2)?, &path)?;
        }
        Ok(())
    };

    let start_step = trainer.step();
    let bar = ProgressBar::new(args.steps);
    bar.set_position(start_step);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} steps  {per_sec}  eta {eta}  {msg}")
            .expect("valid template"),
    );
    let started = Instant::now();
    let quiet_log = !std::io::IsTerminal::is_terminal(&std::io::stderr());
    while trainer.step() < args.steps {
        let losses = trainer.train_step(&data, StepMode::Both);
        if let (Some(decay), Some(avg)) = (args.ema, average.take()) {
            average = Some(ema_update(avg, trainer.generator(), decay));
        }
        let step = trainer.step();
        if step % args.log_every.max(1) == 0 || step == args.steps {
            let f = losses.read();
            if !f.is_finite(StepMode::Both) {
                bar.abandon();
                return Err(format!(
                    "training diverged at step {step}: loss_D {} loss_G {} D(x) {} D(G(z)) {}; \
                     the last checkpoint in {} is from before it",
                    f.loss_d,
                    f.loss_g,
                    f.d_real,
                    f.d_fake,
                    args.out.display()
                ));
            }
            let message = format!(
                "loss_D {:.3} loss_G {:.3} D(x) {:.3} D(G(z)) {:.3}",
                f.loss_d, f.loss_g, f.d_real, f.d_fake
            );
            if quiet_log && step % (args.log_every.max(1) * 10) == 0 {
                let rate = (step - start_step) as f64 / started.elapsed().as_secs_f64();
                eprintln!("step {step}/{} {rate:.2} step/s {message}", args.steps);
            }
            bar.set_message(message);
        }
        bar.set_position(step);
        if args.save_every > 0 && step % args.save_every == 0 {
            save(&trainer, &average)?;
        }
    }
    save(&trainer, &average)?;
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

fn parse_grid(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("grid must look like 10x10 (1 to 32 each), got {text:?}");
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

fn check_digit(label: Option<u8>) -> Result<(), String> {
    match label {
        Some(d) if d > 9 => Err(format!("label must be a digit 0-9, got {d}")),
        _ => Ok(()),
    }
}

fn sample_grid(args: SampleArgs) -> Result<(), String> {
    let (rows, cols) = parse_grid(&args.grid)?;
    check_digit(args.label)?;
    let (model, generator, device) = args.render.load()?;
    let conditional = model.kind().is_conditional();
    if !conditional && (args.label.is_some() || args.label_rows) {
        return Err(format!(
            "the {} model takes no label; --label and --label-rows need a cdcgan checkpoint",
            model.kind().name()
        ));
    }
    if args.label_rows && rows != 10 {
        return Err(format!(
            "--label-rows needs 10 rows (one per digit), got {rows}"
        ));
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

fn interpolate(args: InterpolateArgs) -> Result<(), String> {
    if !(2..=64).contains(&args.steps) {
        return Err(format!("--steps must be 2 to 64, got {}", args.steps));
    }
    check_digit(args.label)?;
    check_digit(args.to_label)?;
    let (model, generator, device) = args.render.load()?;
    let conditional = model.kind().is_conditional();
    if !conditional && (args.label.is_some() || args.to_label.is_some()) {
        return Err(format!("the {} model takes no label", model.kind().name()));
    }
    let nz = model.nz();
    let from = latent::latent_vector(args.from_seed, nz);
    let (z, codes) = match args.to_label {
        Some(to) => {
            let start = args.label.unwrap_or(0);
            let z: Vec<f32> = (0..args.steps).flat_map(|_| from.clone()).collect();
            let codes: Vec<f32> = (0..args.steps)
                .flat_map(|i| latent::mixed_label(start, to, i as f32 / (args.steps - 1) as f32))
                .collect();
            (z, Some(codes))
        }
        None => {
            let to = latent::latent_vector(args.to_seed, nz);
            let z = latent::interpolation_path(&from, &to, args.steps, args.slerp);
            let codes =
                conditional.then(|| latent::one_hot(&vec![args.label.unwrap_or(0); args.steps]));
            (z, codes)
        }
    };
    let images = sample(&generator, nz, &z, codes.as_deref(), &device);
    args.render.write(images, 1, args.steps)?;
    println!(
        "wrote {} ({} images)",
        args.render.out.display(),
        args.steps
    );
    Ok(())
}

fn inspect(path: &Path) -> Result<(), String> {
    let checkpoint = read_checkpoint(path)?;
    let device = Device::flex();
    let err = |e: gan_studio::checkpoint::CheckpointError| format!("{}: {e}", path.display());
    let generator = checkpoint.load_generator(&device).map_err(err)?;
    println!("file:          {}", path.display());
    println!("model:         {}", checkpoint.model.kind().name());
    println!(
        "config:        {}",
        serde_json::to_string(&checkpoint.model).unwrap_or_default()
    );
    println!("generator:     {} parameters", trainable_params(&generator));
    match &checkpoint.discriminator {
        Some(_) => {
            let d = checkpoint.load_discriminator(&device).map_err(err)?;
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

fn export(weights: &Path, out: &Path, generator_only: bool, f16: bool) -> Result<(), String> {
    let mut checkpoint = read_checkpoint(weights)?;
    let err = |e: gan_studio::checkpoint::CheckpointError| format!("{}: {e}", weights.display());
    // Load once to be sure the weights are sound before writing them anywhere.
    let device = Device::flex();
    let generator = checkpoint.load_generator(&device).map_err(err)?;
    checkpoint.optimizers = None;
    if generator_only {
        checkpoint.discriminator = None;
    }
    if f16 {
        let half = |module_bytes: Result<Vec<u8>, _>| module_bytes.map_err(err);
        checkpoint.generator = half(block_on(record_bytes_async_as(&generator, Precision::F16)))?;
        if checkpoint.discriminator.is_some() {
            let discriminator = checkpoint.load_discriminator(&device).map_err(err)?;
            checkpoint.discriminator = Some(half(block_on(record_bytes_async_as(
                &discriminator,
                Precision::F16,
            )))?);
        }
    }
    let bytes = checkpoint.to_bytes();
    write_atomically(out, &bytes)?;
    println!("wrote {} ({} bytes)", out.display(), bytes.len());
    Ok(())
}

fn bench(args: BenchArgs) -> Result<(), String> {
    let data = load_data(None)?;
    let device = device_for(args.backend)?;
    let model = args.model.config()?;
    let config = TrainConfig {
        batch_size: args.batch,
        ..TrainConfig::default()
    };
    config.validate()?;
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
            return Err(format!("non-finite losses at step {i}: {figures:?}"));
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
        "bench model={} backend={:?} batch={} steps={} median_ms={median:.1} min_ms={:.1} max_ms={:.1}{sampling}",
        model.kind().name(),
        args.backend,
        args.batch,
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
    let labels = trainer
        .model()
        .kind()
        .is_conditional()
        .then(|| latent::one_hot(&(0..count).map(|i| (i % 10) as u8).collect::<Vec<_>>()));
    let mut times: Vec<f64> = (0..=repeats.max(1))
        .map(|_| {
            let t = Instant::now();
            let _ = trainer.sample(&z, labels.as_deref()).into_data();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .skip(1)
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn train_classifier(args: TrainClassifierArgs) -> Result<(), String> {
    let data = load_data(args.data.as_deref())?;
    let config = ClassifierTrainConfig {
        epochs: args.epochs,
        seed: args.seed,
        ..ClassifierTrainConfig::default()
    };
    config.validate()?;
    let device = Device::flex();
    let classifier_config = ClassifierConfig::default();
    let mut trainer = ClassifierTrainer::new(classifier_config.clone(), config, &data, &device);
    let heldout = data.heldout_indices();
    eprintln!(
        "training the classifier ({}) for {} epochs on {} digits, seed {}",
        serde_json::to_string(&classifier_config).unwrap_or_default(),
        args.epochs,
        data.train_indices().len(),
        args.seed
    );
    let started = Instant::now();
    let mut heldout_accuracy = 0.0;
    for epoch in 1..=args.epochs {
        let loss = block_on(trainer.train_epoch(&data)).map_err(|e| e.to_string())?;
        if !loss.is_finite() {
            return Err(format!("training diverged in epoch {epoch}: loss {loss}"));
        }
        heldout_accuracy = block_on(accuracy(&trainer.classifier(), &data, &heldout, &device))
            .map_err(|e| e.to_string())?;
        println!(
            "epoch {epoch}/{}: train loss {loss:.4}, held-out accuracy {:.2}% ({} of {}), {:.0} s",
            args.epochs,
            100.0 * heldout_accuracy,
            (heldout_accuracy * heldout.len() as f64).round(),
            heldout.len(),
            started.elapsed().as_secs_f64()
        );
    }
    let training = ClassifierTraining {
        epochs: args.epochs,
        seed: args.seed,
        heldout_accuracy,
    };
    let file = block_on(ClassifierFile::of_classifier(
        &trainer.classifier(),
        &classifier_config,
        Some(training),
    ))
    .map_err(|e| e.to_string())?;
    let bytes = file.to_bytes();
    write_atomically(&args.out, &bytes)?;
    println!(
        "wrote {} ({} bytes) after {:.0} s; held-out accuracy {:.2}%",
        args.out.display(),
        bytes.len(),
        started.elapsed().as_secs_f64(),
        100.0 * heldout_accuracy
    );
    Ok(())
}

fn read_classifier(path: &Path, device: &Device) -> Result<(Classifier, ClassifierFile), String> {
    let bytes = std::fs::read(path).map_err(|e| {
        format!(
            "cannot read classifier {}: {e} (train one with `gan train-classifier --out {}`)",
            path.display(),
            path.display()
        )
    })?;
    let file =
        ClassifierFile::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let classifier = file
        .load(device)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((classifier, file))
}

fn eval(args: EvalArgs) -> Result<(), String> {
    let data = load_data(None)?;
    let device = Device::flex();
    let (classifier, file) = read_classifier(&args.classifier, &device)?;
    // Read the checkpoint before the slower reference pass, so a bad file fails at once.
    let model = match &args.weights {
        Some(path) => {
            let checkpoint = read_checkpoint(path)?;
            let generator = checkpoint
                .load_generator(&device)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            Some((checkpoint.model, generator))
        }
        None => None,
    };
    if let Some(training) = &file.training {
        eprintln!("classifier {}: {training}", args.classifier.display());
    }
    let evaluator =
        block_on(Evaluator::new(classifier, &data, &device)).map_err(|e| e.to_string())?;
    let report = match &model {
        Some((config, generator)) => {
            block_on(evaluator.evaluate_generator(generator, config, args.n, args.seed))
        }
        None => block_on(evaluator.evaluate_real(&data, args.n, args.seed)),
    }
    .map_err(|e| e.to_string())?;
    if args.json {
        let json = serde_json::to_string_pretty(&report)
            .map_err(|e| format!("writing the report as JSON: {e}"))?;
        println!("{json}");
    } else {
        println!("{report}");
    }
    Ok(())
}
