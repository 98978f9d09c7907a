//! Training: one D + G step and the state of a run, shared by the CLI and the page.
//!
//! Nothing here reads a tensor back: losses come out as tensors ([`StepLosses`]) that the
//! caller reads when it wants (synchronously natively, with `into_data_async` on the web).

pub mod auxiliary;
pub mod balance;
pub mod batch;
pub mod clip;
pub mod config;
pub mod ema;
pub mod figures;
pub mod loss;
pub mod penalty;

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;

use crate::data::sets::DataSet;
use crate::data::{BatchOrder, MnistSet};
use crate::latent;
use crate::model::sample::{codes_for, codes_tensor, sample, z_tensor};
use crate::model::{Discriminator, Generator, ModelConfig};
use crate::rng::SplitMix64;
pub use batch::{Batch, real_images};
pub use config::{MAX_D_STEPS, OptimizerKind, TRAIN_LIMITS, TrainConfig, TrainLimits};
pub use ema::ema_update;
pub use figures::{StepFigures, StepLosses, read_steps_async};
pub use loss::GanLoss;

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
    pub(crate) model: ModelConfig,
    pub(crate) config: TrainConfig,
    pub(crate) generator: Generator,
    pub(crate) discriminator: Discriminator,
    pub(crate) optim_g: ModuleOptimizer,
    pub(crate) optim_d: ModuleOptimizer,
    pub(crate) step: u64,
    pub(crate) order: BatchOrder,
    /// An equilibrium loss's balance k_t `[1]` (BEGAN's), on the device; `None` for the
    /// other losses.
    pub(crate) balance: Option<Tensor<1>>,
    /// The data set the run learns.
    pub(crate) data_set: &'static DataSet,
    pub(crate) device: Device,
}

/// What one discriminator or generator update draws: a real batch, noise, the codes G is
/// given and, for a gradient penalty, where between each real and generated image it is
/// taken.
struct Inputs {
    real: Batch,
    z: Tensor<2>,
    fake_codes: Option<Tensor<2>>,
    /// ε `[B]` in [0, 1): x̂ = εx + (1 − ε)G(z), drawn only when the run has a penalty.
    epsilon: Option<Tensor<1>>,
}

impl GanTrainer {
    /// A fresh run on `device` (autodiff is enabled on it here), weights initialised from the
    /// seed. The model is made fit for the loss first ([`GanLoss::adapt`]: `wgan-sn`
    /// trains the DCGAN's critic under spectral normalisation).
    pub fn new(model: ModelConfig, config: TrainConfig, data: &MnistSet, device: &Device) -> Self {
        let model = config.loss.adapt(model);
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
        let parts = (generator, discriminator);
        Self::from_parts(model, config, parts, 0, order, data.data_set(), &device)
    }

    /// A run of the given networks at `step` with its batch order where it stands, and fresh
    /// optimisers (see [`GanTrainer::resume`] for a run from a checkpoint).
    pub(crate) fn from_parts(
        model: ModelConfig,
        config: TrainConfig,
        (generator, discriminator): (Generator, Discriminator),
        step: u64,
        order: BatchOrder,
        data_set: &'static DataSet,
        device: &Device,
    ) -> Self {
        let device = device.clone().autodiff();
        // valid() then train(): plain tensors first, then tracked leaves on the autodiff device,
        // whichever device the networks were built or loaded on.
        let generator = generator.valid().train();
        let discriminator = discriminator.valid().train();
        let balance = config
            .loss
            .is_equilibrium()
            .then(|| balance::initial(&device));
        Self {
            optim_g: config.optimizer(),
            optim_d: config.optimizer(),
            model,
            config,
            generator,
            discriminator,
            step,
            order,
            balance,
            data_set,
            device,
        }
    }

    /// The data set the run learns.
    pub fn data_set(&self) -> &'static DataSet {
        self.data_set
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
        config.check_model(&self.model)?;
        if config.optimizer_differs(&self.config) {
            self.optim_g = config.optimizer();
            self.optim_d = config.optimizer();
        }
        if config.loss.is_equilibrium() != self.balance.is_some() {
            self.balance = config
                .loss
                .is_equilibrium()
                .then(|| balance::initial(&self.device));
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
            let inputs = self.next_inputs(data, update);
            let this_mode = if last {
                mode
            } else {
                StepMode::DiscriminatorOnly
            };
            losses = Some(self.step_on(inputs, this_mode));
        }
        self.step += 1;
        losses.expect("a step makes at least one update")
    }

    /// The next real batch, and noise (and the codes G is given) for update `update` of
    /// this step: every draw a function of the seed, the step and the update.
    fn next_inputs(&mut self, data: &MnistSet, update: usize) -> Inputs {
        let kind = self.model.kind();
        let batch_size = self.config.batch_size;
        let indices = self.order.next_batch(batch_size);
        let real = Batch::from_dataset(data, &indices, &self.model, &self.device);
        let stream = 1 + 2 * update as u64; // update 0 draws what a one-update step always did
        let mut rng = SplitMix64::new(step_seed(self.config.seed, self.step, stream));
        let nz = self.model.nz();
        let z = z_tensor(
            &self.model.prior().sample(rng.next_u64(), batch_size, nz),
            nz,
            &self.device,
        );
        let digits = latent::random_labels(&mut rng, batch_size);
        let continuous = kind
            .has_latent_codes()
            .then(|| latent::random_continuous(&mut rng, batch_size));
        let fake_codes = codes_for(kind, &digits, continuous.as_deref())
            .map(|codes| codes_tensor(&codes, kind.code_size(), &self.device));
        let epsilon = self.config.gradient_penalty.map(|_| {
            let values: Vec<f32> = (0..batch_size).map(|_| rng.next_f64() as f32).collect();
            Tensor::from_data(TensorData::new(values, [batch_size]), &self.device)
        });
        Inputs {
            real,
            z,
            fake_codes,
            epsilon,
        }
    }

    /// One update on given inputs: the core of [`GanTrainer::train_step`].
    fn step_on(&mut self, inputs: Inputs, mode: StepMode) -> StepLosses {
        let Inputs {
            real,
            z,
            fake_codes,
            epsilon,
        } = inputs;
        let loss = self.config.loss;
        let kind = self.model.kind();
        // A discriminator that reads the digit (the conditional DCGAN's) gets it beside the
        // image.
        let fake_labels = kind
            .info()
            .discriminator_reads_labels
            .then(|| fake_codes.clone())
            .flatten();
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
        let (mut penalty, mut convergence) = (None, None);
        if mode != StepMode::GeneratorOnly {
            let real_scores =
                self.discriminator
                    .scores(kind, real.images.clone(), real.labels.clone()); // [B, 1] + heads
            let fake_scores =
                self.discriminator
                    .scores(kind, fake.clone().detach(), fake_labels.clone()); // [B, 1] + heads
            d_real = Some(loss.mean_output(real_scores.logits.clone()).detach());
            d_fake = Some(loss.mean_output(fake_scores.logits.clone()).detach());
            let mut loss_value = loss.discriminator(
                real_scores.logits.clone(),
                fake_scores.logits.clone(),
                self.balance.clone(),
            );
            if let (Some(weight), Some(epsilon)) = (self.config.gradient_penalty, epsilon) {
                // λ·E[(‖∇D(x̂)‖₂ − 1)²] at x̂ = εx + (1 − ε)G(z), the input gradient written
                // out by the critic so that autodiff differentiates the penalty exactly
                let between = penalty::interpolates(real.images, fake.clone().detach(), epsilon);
                let gradient = self
                    .discriminator
                    .input_gradient(between)
                    .expect("a gradient penalty is checked to have a critic that gives one"); // [B, 1, H, W]
                let term = penalty::gradient_penalty(gradient, weight);
                penalty = Some(term.clone().detach());
                loss_value = loss_value + term;
            }
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
            if let (Some(k), Some(real), Some(fake)) = (self.balance.take(), &d_real, &d_fake) {
                let gamma = self.config.gamma.unwrap_or(balance::GAMMA);
                let (k, measure) = balance::update(k, real.clone(), fake.clone(), gamma);
                self.balance = Some(k);
                convergence = Some(measure);
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
            penalty,
            balance: self.balance.clone(),
            convergence,
        }
    }

    /// Images from this run's generator in inference mode (BatchNorm running statistics),
    /// for z `[B, nz]` and, for the models that take one, codes `[B, code size]`.
    pub fn sample(&self, z: &[f32], codes: Option<&[f32]>) -> Tensor<4> {
        let device = self.device.clone().inner();
        sample(&self.generator.valid(), &self.model, z, codes, &device)
    }
}
