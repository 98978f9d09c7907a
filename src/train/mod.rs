//! Training: one D + G step and the state of a run, shared by the CLI and the page.
//!
//! Nothing here reads a tensor back: losses come out as tensors ([`StepLosses`]) that the
//! caller reads when it wants (synchronously natively, with `into_data_async` on the web).

pub mod ema;
pub mod lifecycle;
pub mod loss;

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::data::{BatchOrder, MnistSet};
use crate::latent;
use crate::model::sample::{labels_tensor, sample, z_tensor};
use crate::model::{Discriminator, Generator, ModelConfig, ModelKind};
use crate::rng::SplitMix64;
pub use ema::ema_update;
pub use lifecycle::{ResumeError, ResumeOptions, Resumed};
pub use loss::GanLoss;

/// Optimisation settings of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Generator learning rate; 2e-4 is the DCGAN paper's value.
    pub lr_g: f64,
    /// Discriminator learning rate; equal to G's by default, as in the paper.
    pub lr_d: f64,
    /// Adam β1; 0.5 instead of 0.9 damps the oscillation of the adversarial game.
    pub beta1: f32,
    /// Adam β2; 0.999 is Adam's standard.
    pub beta2: f32,
    /// Images per batch; 64 balances gradient noise and speed on small GPUs and CPUs.
    pub batch_size: usize,
    /// The generator objective; non-saturating gives G gradients while D is winning.
    pub loss: GanLoss,
    /// Seed of the initial weights, the batch order and every noise draw.
    pub seed: u64,
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
        Ok(())
    }

    fn optimizer(&self) -> ModuleOptimizer {
        AdamConfig::new()
            .with_beta_1(self.beta1)
            .with_beta_2(self.beta2)
            .with_epsilon(1e-8)
            .init()
    }
}

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

/// A batch of real images `[B, 1, H, W]` and, for the conditional model, labels `[B, 10]`.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Images in [-1, 1].
    pub images: Tensor<4>,
    /// One-hot labels (conditional model only).
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
            labels_tensor(&latent::one_hot(&digits), device)
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
            ModelKind::Dcgan | ModelKind::Cdcgan => set.push_resized_32(i, &mut pixels),
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
    /// A fresh run on `device` (autodiff is enabled on it here), weights initialised from the seed.
    pub fn new(model: ModelConfig, config: TrainConfig, data: &MnistSet, device: &Device) -> Self {
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

    /// Changes settings that need no new model (learning rates, betas, batch size, loss).
    /// Adam's betas take effect on a fresh optimiser state, so changing them resets it.
    pub fn set_config(&mut self, config: TrainConfig) {
        if config.beta1 != self.config.beta1 || config.beta2 != self.config.beta2 {
            self.optim_g = config.optimizer();
            self.optim_d = config.optimizer();
        }
        self.config = config;
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

    /// One training step on the next batch of `data`.
    pub fn train_step(&mut self, data: &MnistSet, mode: StepMode) -> StepLosses {
        let kind = self.model.kind();
        let batch_size = self.config.batch_size;
        let indices = self.order.next_batch(batch_size);
        let real = Batch::from_dataset(data, &indices, kind, &self.device);

        let mut rng = SplitMix64::new(step_seed(self.config.seed, self.step, 1));
        let nz = self.model.nz();
        let z = z_tensor(
            &latent::sample_z(rng.next_u64(), batch_size, nz),
            nz,
            &self.device,
        );
        let fake_labels = kind.is_conditional().then(|| {
            let digits = latent::random_labels(&mut rng, batch_size);
            labels_tensor(&latent::one_hot(&digits), &self.device)
        });
        let losses = self.step_on(real, z, fake_labels, mode);
        self.step += 1;
        losses
    }

    /// One step on a given real batch and noise: the core of [`GanTrainer::train_step`].
    pub fn step_on(
        &mut self,
        real: Batch,
        z: Tensor<2>,
        fake_labels: Option<Tensor<2>>,
        mode: StepMode,
    ) -> StepLosses {
        let loss = self.config.loss;
        let fake = self.generator.forward(z, fake_labels.clone()); // [B, 1, H, W]

        // (1) Update D: maximise log D(x) + log(1 - D(G(z))) (or its least-squares form)
        let (mut loss_d, mut d_real, mut d_fake) = (None, None, None);
        if mode != StepMode::GeneratorOnly {
            let real_logits = self.discriminator.forward(real.images, real.labels); // [B, 1]
            let fake_logits = self
                .discriminator
                .forward(fake.clone().detach(), fake_labels.clone()); // [B, 1]
            d_real = Some(loss.mean_output(real_logits.clone()).detach());
            d_fake = Some(loss.mean_output(fake_logits.clone()).detach());
            let loss_value = loss.discriminator(real_logits, fake_logits);
            let grads = GradientsParams::from_grads(loss_value.backward(), &self.discriminator);
            self.discriminator =
                self.optim_d
                    .step(self.config.lr_d, self.discriminator.clone(), grads);
            loss_d = Some(loss_value.detach());
        }

        // (2) Update G: maximise log D(G(z)) (non-saturating; see GanLoss for the others)
        let mut loss_g = None;
        if mode != StepMode::DiscriminatorOnly {
            // D's weights stay fixed here: without their gradients the backward pass only
            // carries the gradient through D to the fakes (a third less work in D).
            let frozen = self.discriminator.clone().no_grad();
            let fake_logits = frozen.forward(fake, fake_labels); // [B, 1]
            if d_fake.is_none() {
                d_fake = Some(loss.mean_output(fake_logits.clone()).detach());
            }
            let loss_value = loss.generator(fake_logits);
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
    /// for z `[B, nz]` and, for the conditional model, label codes `[B, 10]`.
    pub fn sample(&self, z: &[f32], labels: Option<&[f32]>) -> Tensor<4> {
        let device = self.device.clone().inner();
        sample(&self.generator.valid(), self.model.nz(), z, labels, &device)
    }
}
