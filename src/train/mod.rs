//! Training: one D + G step and the state of a run, shared by the CLI and the page.
//!
//! Nothing here reads a tensor back: losses come out as tensors ([`StepLosses`]) that the
//! caller reads when it wants (synchronously natively, with `into_data_async` on the web).

pub mod auxiliary;
pub mod clip;
pub mod ema;
pub mod lifecycle;
pub mod loss;

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer, RmsPropConfig};
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::data::{BatchOrder, MnistSet};
use crate::latent;
use crate::model::sample::{codes_for, codes_tensor, sample, z_tensor};
use crate::model::{Discriminator, Generator, ModelConfig, ModelKind};
use crate::rng::SplitMix64;
pub use ema::ema_update;
pub use lifecycle::{ResumeError, ResumeOptions, Resumed};
pub use loss::GanLoss;

/// The optimiser that updates both networks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    /// Adam with the run's betas: the DCGAN paper's choice.
    #[default]
    Adam,
    /// RMSprop (smoothing 0.99, no momentum): the original WGAN's, whose critic a momentum
    /// optimiser made unstable.
    Rmsprop,
}

impl OptimizerKind {
    /// Every optimiser, in the order menus and `--help` list them.
    pub const ALL: &'static [OptimizerKind] = &[OptimizerKind::Adam, OptimizerKind::Rmsprop];

    /// The name used on the command line and in checkpoints.
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Adam => "adam",
            OptimizerKind::Rmsprop => "rmsprop",
        }
    }

    /// Parses a name from [`OptimizerKind::name`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|o| o.name() == name)
    }
}

fn one() -> usize {
    1
}

/// Optimisation settings of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Generator learning rate; 2e-4 is the DCGAN paper's value.
    pub lr_g: f64,
    /// Discriminator learning rate; equal to G's by default, as in the paper.
    pub lr_d: f64,
    /// Adam β1; 0.5 instead of 0.9 damps the oscillation of the adversarial game.
    pub beta1: f64,
    /// Adam β2; 0.999 is Adam's standard.
    pub beta2: f64,
    /// Images per batch; 64 balances gradient noise and speed on small GPUs and CPUs.
    pub batch_size: usize,
    /// The generator objective; non-saturating gives G gradients while D is winning.
    pub loss: GanLoss,
    /// Seed of the initial weights, the batch order and every noise draw.
    pub seed: u64,
    /// The optimiser of both networks (files from before it was a setting used Adam).
    #[serde(default)]
    pub optimizer: OptimizerKind,
    /// Discriminator updates per training step (each on its own batch), the last one
    /// followed by the generator's; 1 for the standard GAN, 5 for the WGANs, whose critic
    /// must be near its optimum for its estimate of the distance to mean anything.
    #[serde(default = "one")]
    pub d_steps: usize,
    /// After each discriminator update, every one of its weights is clipped to
    /// [−clip, clip]: the original WGAN's way to keep the critic Lipschitz (0.01 there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clip: Option<f64>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            lr_g: 2e-4,
            lr_d: 2e-4,
            beta1: 0.5,
            beta2: 0.999,
            batch_size: 64,
            loss: GanLoss::NonSaturating,
            seed: 1,
            optimizer: OptimizerKind::Adam,
            d_steps: 1,
            clip: None,
        }
    }
}

impl TrainConfig {
    /// Checks ranges; returns a message naming the bad setting.
    pub fn validate(&self) -> Result<(), String> {
        for (name, lr) in [("lr_g", self.lr_g), ("lr_d", self.lr_d)] {
            if !(lr.is_finite() && lr > 0.0 && lr <= 1.0) {
                return Err(format!("{name} must be in (0, 1], got {lr}"));
            }
        }
        for (name, beta) in [("beta1", self.beta1), ("beta2", self.beta2)] {
            if !(0.0..1.0).contains(&beta) {
                return Err(format!("{name} must be in [0, 1), got {beta}"));
            }
        }
        if !(1..=1024).contains(&self.batch_size) {
            return Err(format!(
                "batch size must be 1 to 1024, got {}",
                self.batch_size
            ));
        }
        if !(1..=MAX_D_STEPS).contains(&self.d_steps) {
            return Err(format!(
                "D steps per step must be 1 to {MAX_D_STEPS}, got {}",
                self.d_steps
            ));
        }
        if let Some(clip) = self.clip
            && !(clip.is_finite() && clip > 0.0 && clip <= 1.0)
        {
            return Err(format!("clip must be in (0, 1], got {clip}"));
        }
        Ok(())
    }

    /// These settings with the ones `loss` was published with, where it has its own: the
    /// original WGAN's RMSprop at 5e-5, 5 critic updates per step and clipping at 0.01;
    /// for WGAN with spectral normalisation WGAN-GP's Adam at 1e-4 with betas (0, 0.9) and 5
    /// critic updates. Other losses keep these settings (and no clipping).
    pub fn with_loss(self, loss: GanLoss) -> Self {
        let base = Self { loss, ..self };
        match loss {
            GanLoss::WganClip => Self {
                optimizer: OptimizerKind::Rmsprop,
                lr_g: 5e-5,
                lr_d: 5e-5,
                d_steps: 5,
                clip: Some(0.01),
                ..base
            },
            GanLoss::WganSn => Self {
                optimizer: OptimizerKind::Adam,
                lr_g: 1e-4,
                lr_d: 1e-4,
                beta1: 0.0,
                beta2: 0.9,
                d_steps: 5,
                clip: None,
                ..base
            },
            _ => Self { clip: None, ..base },
        }
    }

    /// Whether `other` needs a fresh optimiser state (another optimiser, or other betas,
    /// which take effect on a fresh state).
    fn optimizer_differs(&self, other: &Self) -> bool {
        (self.optimizer, self.beta1, self.beta2) != (other.optimizer, other.beta1, other.beta2)
    }

    fn optimizer(&self) -> ModuleOptimizer {
        match self.optimizer {
            OptimizerKind::Adam => AdamConfig::new()
                .with_beta_1(self.beta1 as f32)
                .with_beta_2(self.beta2 as f32)
                .with_epsilon(1e-8)
                .init(),
            OptimizerKind::Rmsprop => RmsPropConfig::new()
                .with_alpha(0.99)
                .with_momentum(0.0)
                .with_epsilon(1e-8)
                .init(),
        }
    }
}

/// The most discriminator updates a step may take.
pub const MAX_D_STEPS: usize = 10;

/// Which networks a step updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepMode {
    /// D then G: a normal training step.
    Both,
    /// Only the discriminator.
    DiscriminatorOnly,
    /// Only the generator.
    GeneratorOnly,
}

/// A batch of real images `[B, 1, H, W]` and, for the models that take a digit, labels
/// `[B, 10]`.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Images in [-1, 1].
    pub images: Tensor<4>,
    /// One-hot labels (conditional DCGAN and ACGAN only).
    pub labels: Option<Tensor<2>>,
}

impl Batch {
    /// Builds the batch of `indices` from the dataset, shaped for `kind`.
    pub fn from_dataset(
        set: &MnistSet,
        indices: &[usize],
        kind: ModelKind,
        device: &Device,
    ) -> Self {
        let size = kind.image_size();
        let pixels = real_images(set, indices, kind);
        let images = Tensor::from_data(
            TensorData::new(pixels, [indices.len(), 1, size, size]),
            device,
        );
        let labels = kind.is_conditional().then(|| {
            let digits: Vec<u8> = indices.iter().map(|&i| set.label(i)).collect();
            codes_tensor(&latent::one_hot(&digits), latent::DIGITS, device)
        });
        Self { images, labels }
    }
}

/// The digits `indices` of `set` as a model of `kind` sees them, `[n, size, size]` row-major
/// in [-1, 1]: flat 28x28 for the MLP GAN, resized to 32x32 for the others.
pub fn real_images(set: &MnistSet, indices: &[usize], kind: ModelKind) -> Vec<f32> {
    let size = kind.image_size();
    let mut pixels = Vec::with_capacity(indices.len() * size * size);
    for &i in indices {
        match kind {
            ModelKind::Mlp => set.push_flat_28(i, &mut pixels),
            _ => set.push_resized_32(i, &mut pixels),
        }
    }
    pixels
}

/// What one step measured, still on the device (read them when you want them).
#[derive(Debug, Clone)]
pub struct StepLosses {
    /// Discriminator loss, if D was updated.
    pub loss_d: Option<Tensor<1>>,
    /// Generator loss, if G was updated.
    pub loss_g: Option<Tensor<1>>,
    /// Mean D output on the real batch (probability, or raw score for LSGAN), if D was updated.
    pub d_real: Option<Tensor<1>>,
    /// Mean D output on the fakes, before the D update.
    pub d_fake: Tensor<1>,
}

/// The same figures read back as numbers (NaN where a network was not updated).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepFigures {
    /// Discriminator loss.
    pub loss_d: f32,
    /// Generator loss.
    pub loss_g: f32,
    /// Mean D(x).
    pub d_real: f32,
    /// Mean D(G(z)).
    pub d_fake: f32,
}

impl StepFigures {
    /// Whether every figure that was measured is finite (a diverged run is not).
    pub fn is_finite(&self, mode: StepMode) -> bool {
        let d_ok =
            mode == StepMode::GeneratorOnly || (self.loss_d.is_finite() && self.d_real.is_finite());
        let g_ok = mode == StepMode::DiscriminatorOnly || self.loss_g.is_finite();
        d_ok && g_ok && self.d_fake.is_finite()
    }
}

impl StepLosses {
    /// Reads the figures synchronously (native backends only; on the web use
    /// [`StepLosses::read_async`]).
    pub fn read(self) -> StepFigures {
        let read = |t: Option<Tensor<1>>| t.map_or(f32::NAN, |t| t.into_scalar::<f32>());
        StepFigures {
            loss_d: read(self.loss_d),
            loss_g: read(self.loss_g),
            d_real: read(self.d_real),
            d_fake: self.d_fake.into_scalar::<f32>(),
        }
    }

    /// Reads the figures with one asynchronous transfer (works on every backend, wasm too).
    pub async fn read_async(self) -> Result<StepFigures, String> {
        let mut figures = read_steps_async(vec![self]).await?;
        Ok(figures.remove(0))
    }

    /// The four figures as one tensor `[4]`: loss D, loss G, D(x), D(G(z)) (NaN if not measured).
    fn stacked(self) -> Tensor<1> {
        let device = self.d_fake.device();
        let or_nan =
            |t: Option<Tensor<1>>| t.unwrap_or_else(|| Tensor::full([1], f32::NAN, &device));
        Tensor::cat(
            vec![
                or_nan(self.loss_d),
                or_nan(self.loss_g),
                or_nan(self.d_real),
                self.d_fake,
            ],
            0,
        ) // [4]
    }
}

/// Reads the figures of many steps with one asynchronous transfer, so a chunk of training
/// steps costs the page a single wait for the device.
pub async fn read_steps_async(steps: Vec<StepLosses>) -> Result<Vec<StepFigures>, String> {
    if steps.is_empty() {
        return Ok(Vec::new());
    }
    let stacked: Vec<Tensor<1>> = steps.into_iter().map(StepLosses::stacked).collect();
    let data = Tensor::cat(stacked, 0) // [4 * steps]
        .into_data_async()
        .await
        .map_err(|e| format!("reading the losses failed: {e:?}"))?;
    let values: Vec<f32> = data
        .try_to_vec()
        .map_err(|e| format!("reading the losses failed: {e:?}"))?;
    Ok(values
        .chunks_exact(4)
        .map(|v| StepFigures {
            loss_d: v[0],
            loss_g: v[1],
            d_real: v[2],
            d_fake: v[3],
        })
        .collect())
}

/// Mixes a seed and a step into an independent seed for that step's noise.
fn step_seed(seed: u64, step: u64, stream: u64) -> u64 {
    let mut rng = SplitMix64::new(seed ^ stream.wrapping_mul(0xA24B_AED4_963E_E407));
    rng.next_u64() ^ step.wrapping_mul(0x9FB2_1C65_1E98_DF25)
}

/// A training run: both networks, their optimisers, the step counter and the data order.
///
/// Every random draw is a function of `(seed, step)`, so a run resumed from a checkpoint
/// sees the same batches and noise as one that never stopped.
pub struct GanTrainer {
    model: ModelConfig,
    config: TrainConfig,
    generator: Generator,
    discriminator: Discriminator,
    optim_g: ModuleOptimizer,
    optim_d: ModuleOptimizer,
    step: u64,
    order: BatchOrder,
    device: Device,
}

impl GanTrainer {
    /// A fresh run on `device` (autodiff is enabled on it here), weights initialised from the
    /// seed. The model is made fit for the loss first ([`ModelConfig::for_loss`]: `wgan-sn`
    /// trains the DCGAN's critic under spectral normalisation).
    pub fn new(model: ModelConfig, config: TrainConfig, data: &MnistSet, device: &Device) -> Self {
        let model = model.for_loss(config.loss);
        let device = device.clone().autodiff();
        let (generator, discriminator) =
            crate::model::init::seeded_init(&device, config.seed, || {
                let generator = model.init_generator(&device);
                let discriminator = model.init_discriminator(&device);
                crate::model::init::materialize(&generator);
                crate::model::init::materialize(&discriminator);
                (generator, discriminator)
            });
        let order = BatchOrder::new(data.train_indices(), config.seed);
        Self::from_parts(model, config, generator, discriminator, 0, order, &device)
    }

    /// A run of the given networks at `step` with its batch order where it stands, and fresh
    /// optimisers (see [`GanTrainer::resume`] for a run from a checkpoint).
    fn from_parts(
        model: ModelConfig,
        config: TrainConfig,
        generator: Generator,
        discriminator: Discriminator,
        step: u64,
        order: BatchOrder,
        device: &Device,
    ) -> Self {
        let device = device.clone().autodiff();
        // valid() then train(): plain tensors first, then tracked leaves on the autodiff device,
        // whichever device the networks were built or loaded on.
        let generator = generator.valid().train();
        let discriminator = discriminator.valid().train();
        Self {
            optim_g: config.optimizer(),
            optim_d: config.optimizer(),
            model,
            config,
            generator,
            discriminator,
            step,
            order,
            device,
        }
    }

    /// The model's kind and settings.
    pub fn model(&self) -> &ModelConfig {
        &self.model
    }

    /// The optimisation settings.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// Changes settings that need no new model (learning rates, betas, optimiser, batch
    /// size, D steps, clipping, loss). Another optimiser or other betas start the optimiser
    /// state afresh. A loss that needs another critic than the run's (spectral
    /// normalisation) is refused: that needs a new run.
    pub fn set_config(&mut self, config: TrainConfig) -> Result<(), String> {
        config.validate()?;
        self.model.check_loss(config.loss)?;
        if config.optimizer_differs(&self.config) {
            self.optim_g = config.optimizer();
            self.optim_d = config.optimizer();
        }
        self.config = config;
        Ok(())
    }

    /// Steps taken so far.
    pub fn step(&self) -> u64 {
        self.step
    }

    /// The generator being trained (on the autodiff device).
    pub fn generator(&self) -> &Generator {
        &self.generator
    }

    /// The discriminator being trained (on the autodiff device).
    pub fn discriminator(&self) -> &Discriminator {
        &self.discriminator
    }

    /// One training step: `config.d_steps` discriminator updates (each on the next batch of
    /// `data` and fresh noise), the last one followed by the generator's update. A
    /// D-only or G-only step is one update of that network. Returns the last update's
    /// figures.
    pub fn train_step(&mut self, data: &MnistSet, mode: StepMode) -> StepLosses {
        let updates = if mode == StepMode::Both {
            self.config.d_steps
        } else {
            1
        };
        let mut losses = None;
        for update in 0..updates {
            let last = update + 1 == updates;
            let (real, z, fake_labels) = self.next_inputs(data, update);
            let this_mode = if last {
                mode
            } else {
                StepMode::DiscriminatorOnly
            };
            losses = Some(self.step_on(real, z, fake_labels, this_mode));
        }
        self.step += 1;
        losses.expect("a step makes at least one update")
    }

    /// The next real batch, and noise (and the codes G is given) for update `update` of
    /// this step: every draw a function of the seed, the step and the update.
    fn next_inputs(
        &mut self,
        data: &MnistSet,
        update: usize,
    ) -> (Batch, Tensor<2>, Option<Tensor<2>>) {
        let kind = self.model.kind();
        let batch_size = self.config.batch_size;
        let indices = self.order.next_batch(batch_size);
        let real = Batch::from_dataset(data, &indices, kind, &self.device);
        let stream = 1 + 2 * update as u64; // update 0 draws what a one-update step always did
        let mut rng = SplitMix64::new(step_seed(self.config.seed, self.step, stream));
        let nz = self.model.nz();
        let z = z_tensor(
            &latent::sample_z(rng.next_u64(), batch_size, nz),
            nz,
            &self.device,
        );
        let digits = latent::random_labels(&mut rng, batch_size);
        let continuous = kind
            .has_latent_codes()
            .then(|| latent::random_continuous(&mut rng, batch_size));
        let fake_codes = codes_for(kind, &digits, continuous.as_deref())
            .map(|codes| codes_tensor(&codes, kind.code_size(), &self.device));
        (real, z, fake_codes)
    }

    /// One step on a given real batch, noise and codes (see [`ModelKind::code_size`]): the
    /// core of [`GanTrainer::train_step`].
    pub fn step_on(
        &mut self,
        real: Batch,
        z: Tensor<2>,
        fake_codes: Option<Tensor<2>>,
        mode: StepMode,
    ) -> StepLosses {
        let loss = self.config.loss;
        let kind = self.model.kind();
        // The conditional DCGAN's discriminator reads the digit beside the image.
        let fake_labels = kind.is_conditional().then(|| fake_codes.clone()).flatten();
        let fake = if mode == StepMode::DiscriminatorOnly {
            // G untracked: a graph of its forward pass that no backward pass consumes would
            // stay in the autodiff graph, and D-only steps would slow down one after another
            self.generator
                .clone()
                .no_grad()
                .forward(z, fake_codes.clone())
        } else {
            self.generator.forward(z, fake_codes.clone())
        }; // [B, 1, H, W]

        // (1) Update D: maximise log D(x) + log(1 - D(G(z))) (or the loss's own form), plus
        // ACGAN's and InfoGAN's terms on their heads
        let (mut loss_d, mut d_real, mut d_fake) = (None, None, None);
        if mode != StepMode::GeneratorOnly {
            let real_scores = self
                .discriminator
                .scores(kind, real.images, real.labels.clone()); // [B, 1] + heads
            let fake_scores =
                self.discriminator
                    .scores(kind, fake.clone().detach(), fake_labels.clone()); // [B, 1] + heads
            d_real = Some(loss.mean_output(real_scores.logits.clone()).detach());
            d_fake = Some(loss.mean_output(fake_scores.logits.clone()).detach());
            let mut loss_value =
                loss.discriminator(real_scores.logits.clone(), fake_scores.logits.clone());
            if let Some(term) = auxiliary::discriminator_term(
                kind,
                &real_scores,
                real.labels.as_ref(),
                &fake_scores,
                fake_codes.as_ref(),
            ) {
                loss_value = loss_value + term;
            }
            let grads = GradientsParams::from_grads(loss_value.backward(), &self.discriminator);
            self.discriminator =
                self.optim_d
                    .step(self.config.lr_d, self.discriminator.clone(), grads);
            if let Some(limit) = self.config.clip {
                self.discriminator = clip::clip_weights(self.discriminator.clone(), limit as f32);
            }
            loss_d = Some(loss_value.detach());
        }

        // (2) Update G: maximise log D(G(z)) (non-saturating; see GanLoss for the others)
        let mut loss_g = None;
        if mode != StepMode::DiscriminatorOnly {
            // D's weights stay fixed here: without their gradients the backward pass only
            // carries the gradient through D to the fakes (a third less work in D).
            let frozen = self.discriminator.clone().no_grad();
            let fake_scores = frozen.scores(kind, fake, fake_labels); // [B, 1] + heads
            if d_fake.is_none() {
                d_fake = Some(loss.mean_output(fake_scores.logits.clone()).detach());
            }
            let mut loss_value = loss.generator(fake_scores.logits.clone());
            if let Some(term) = auxiliary::generator_term(kind, &fake_scores, fake_codes.as_ref()) {
                loss_value = loss_value + term;
            }
            let grads = GradientsParams::from_grads(loss_value.backward(), &self.generator);
            self.generator = self
                .optim_g
                .step(self.config.lr_g, self.generator.clone(), grads);
            loss_g = Some(loss_value.detach());
        }

        StepLosses {
            loss_d,
            loss_g,
            d_real,
            d_fake: d_fake.expect("a step measures D on the fakes"),
        }
    }

    /// Images from this run's generator in inference mode (BatchNorm running statistics),
    /// for z `[B, nz]` and, for the models that take one, codes `[B, code size]`.
    pub fn sample(&self, z: &[f32], codes: Option<&[f32]>) -> Tensor<4> {
        let device = self.device.clone().inner();
        sample(&self.generator.valid(), &self.model, z, codes, &device)
    }
}
