//! Inversion ("Find z"): the latent vector (and code) from which a generator draws a given
//! digit.
//!
//! The objective, for each target image x (at the model's resolution, in [-1, 1]):
//!
//! ```text
//! minimise over z:  mean_pixels (G(z, c) − x)²  +  λ · mean(z²)
//! ```
//!
//! - the first term is the pixel error that [`InversionProgress::errors`] reports (MSE on
//!   the 28x28 flat image for the MLP GAN, on 32x32 for the convolutional models);
//! - the second is a small Gaussian prior (λ = [`InversionConfig::prior_weight`]): without it
//!   z may wander to norms that G never saw in training, where it draws the target's pixels
//!   but nothing else looks like a digit;
//! - c is fixed: the digit's one-hot for the conditional models (cdcgan, acgan), InfoGAN's
//!   categorical code. A target without a label (a conditional model, or InfoGAN whose
//!   categories are not digits) takes the code of its best random start. InfoGAN's two
//!   continuous codes are optimised beside z (they are in the prior term too).
//!
//! The descent starts from the best of [`InversionConfig::starts`] random (z, code) draws
//! ([`best_random`], which also gives the "best of N random z" baseline) and runs Adam on z
//! alone: G is frozen in inference mode (BatchNorm's running statistics, no gradients of its
//! weights), and z is the only parameter of a one-tensor module the optimiser updates. The
//! objective sums over the targets, so each target's z moves exactly as if it were inverted
//! alone (Adam is element-wise) while a batch of targets shares every pass.
//!
//! Nothing here blocks on the device: [`Inversion::advance`] queues steps and
//! [`Inversion::progress`] reads the figures back with one asynchronous transfer, so the page
//! can draw the reconstruction as it converges ([`Inversion::step`] does both).
//!
//! Beside it: where a descent starts ([`start`]), a saved point ([`point`]); the targets'
//! preparation is [`crate::picture`]'s and the held-out benchmark [`crate::eval::inversion`]'s.

pub mod point;
pub mod start;

pub use point::LatentPoint;
pub use start::{RandomBest, best_random};
use start::{check_targets, mean};

use burn::module::{Module, Param};
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::latent::{self, CONTINUOUS_CODES, DIGITS};
use crate::model::sample::{codes_for, codes_tensor};
use crate::model::{Generator, ModelConfig, ModelKind};
use crate::picture::pixels_per_image;

/// The most steps one [`Inversion::advance`] call may queue.
pub const MAX_STEPS_PER_CALL: usize = 10_000;

/// Why an inversion (or a picture for one) cannot be made.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum InvertError {
    /// The targets are not whole images of the model's size.
    #[error(
        "{got} target values are not a whole number of {per_image}-pixel images (the {model} model's)"
    )]
    BadTargets {
        /// Values given.
        got: usize,
        /// Pixels per image at the model's resolution.
        per_image: usize,
        /// The model's name.
        model: &'static str,
    },
    /// One label (or `None`) per target is needed.
    #[error("{labels} labels for {targets} targets")]
    LabelCount {
        /// Labels given.
        labels: usize,
        /// Targets given.
        targets: usize,
    },
    /// A label that is not a digit (or an InfoGAN category 0-9).
    #[error("label {0} is not a digit 0-9")]
    BadLabel(u8),
    /// A setting out of its range.
    #[error("{0}")]
    BadSetting(String),
    /// A saved latent point that does not fit the model.
    #[error("the latent file does not fit this model: {0}")]
    BadLatent(String),
    /// Reading a tensor from the device failed.
    #[error("reading from the device failed: {0}")]
    Read(String),
}

/// How an inversion runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InversionConfig {
    /// Adam's learning rate on z: 0.05 moves a unit-variance z by a few percent per step, so
    /// a few hundred steps cross the distance from a random start and still settle.
    pub learning_rate: f64,
    /// λ, the weight of the prior term mean(z²): at 0.01 a typical z (mean(z²) ≈ 1) costs
    /// about a tenth of a good reconstruction's pixel error, enough to keep z at plausible
    /// norms without pulling the reconstruction off its target.
    pub prior_weight: f64,
    /// Random (z, code) candidates per target before the descent; the best one starts it.
    /// 64 cost less than a few steps and spare the descent most poor basins.
    pub starts: usize,
    /// Seed of the candidates (the same seed, the same inversion).
    pub seed: u64,
}

impl Default for InversionConfig {
    fn default() -> Self {
        Self {
            learning_rate: 0.05,
            prior_weight: 0.01,
            starts: 64,
            seed: 0,
        }
    }
}

impl InversionConfig {
    /// Checks that every setting is usable; the error names the bad one.
    pub fn validate(&self) -> Result<(), InvertError> {
        let bad = |text: String| Err(InvertError::BadSetting(text));
        if !(self.learning_rate > 0.0 && self.learning_rate <= 10.0) {
            return bad(format!(
                "the learning rate must be in (0, 10], got {}",
                self.learning_rate
            ));
        }
        if !(0.0..=100.0).contains(&self.prior_weight) {
            return bad(format!(
                "the prior weight must be in [0, 100], got {}",
                self.prior_weight
            ));
        }
        if !(1..=100_000).contains(&self.starts) {
            return bad(format!(
                "the random starts must be 1 to 100000, got {}",
                self.starts
            ));
        }
        Ok(())
    }
}

/// Reads a tensor back as `f32` values with one asynchronous transfer.
pub(crate) async fn read<const D: usize>(tensor: Tensor<D>) -> Result<Vec<f32>, InvertError> {
    tensor
        .into_data_async()
        .await
        .map_err(|e| InvertError::Read(format!("{e:?}")))?
        .try_to_vec()
        .map_err(|e| InvertError::Read(format!("{e:?}")))
}

/// The one trained tensor of an inversion: each target's z, then (InfoGAN) its continuous
/// codes, `[n, nz + trained codes]`.
#[derive(Module, Debug)]
struct Latent {
    values: Param<Tensor<2>>,
}

/// An inversion under way: the frozen generator, each target's z (and codes) and Adam's
/// state. Build one with [`Inversion::start`], then call [`Inversion::step`] (or
/// [`Inversion::advance`] and [`Inversion::progress`]) as often as wanted.
pub struct Inversion {
    model: ModelConfig,
    /// The generator in inference mode, frozen, on the autodiff device.
    generator: Generator,
    latent: Latent,
    /// The fixed part of the codes: the digits' (or categories') one-hots `[n, 10]`.
    one_hot: Option<Tensor<2>>,
    /// The targets `[n, pixels]`.
    targets: Tensor<2>,
    optimizer: ModuleOptimizer,
    config: InversionConfig,
    labels: Vec<Option<u8>>,
    start_errors: Vec<f32>,
    steps: usize,
}

/// Where an inversion stands, read back from the device.
#[derive(Debug, Clone, PartialEq)]
pub struct InversionProgress {
    /// Adam steps taken.
    pub steps: usize,
    /// Each target's pixel error: mean squared difference of G(z) and the target, in [-1, 1]
    /// units, at the model's resolution.
    pub errors: Vec<f32>,
    /// Each target's objective: the error plus λ · mean(z²).
    pub objectives: Vec<f32>,
    /// Each target's z, row-major `[n, nz]`.
    pub z: Vec<f32>,
    /// Each target's codes `[n, code size]` (the one-hot, InfoGAN's codes); `None` for a
    /// model without codes.
    pub codes: Option<Vec<f32>>,
    /// Each target's label (digit, or InfoGAN category); `None` for a model without codes.
    pub labels: Vec<Option<u8>>,
    /// The reconstructions G(z), row-major `[n, side, side]`, in [-1, 1].
    pub images: Vec<f32>,
    /// Side of the images (28 or 32).
    pub side: usize,
}

impl InversionProgress {
    /// The mean of [`InversionProgress::errors`].
    pub fn mean_error(&self) -> f32 {
        mean(&self.errors)
    }
}

/// The tensors of an inversion's state, queued but not yet read: [`Snapshot::read`] reads
/// them back (so the page can let go of the inversion while it waits).
pub struct Snapshot {
    /// `[n, pixels | error | objective | latent values]`.
    values: Tensor<2>,
    steps: usize,
    nz: usize,
    pixels: usize,
    side: usize,
    kind: ModelKind,
    labels: Vec<Option<u8>>,
}

impl Inversion {
    /// Starts inverting `targets` (`[n, pixels]` at the model's resolution, in [-1, 1]; see
    /// [`to_model_resolution`], [`digit_from_gray`]) with `generator` of `model`, on
    /// `device` (autodiff is enabled on it here). `labels` has one entry per target: the digit
    /// of a conditional model, InfoGAN's category, or `None` to let the random starts choose
    /// it (ignored for models without codes). Runs the random starts ([`best_random`]).
    pub async fn start(
        generator: &Generator,
        model: &ModelConfig,
        targets: &[f32],
        labels: &[Option<u8>],
        config: &InversionConfig,
        device: &Device,
    ) -> Result<Self, InvertError> {
        config.validate()?;
        let kind = model.kind();
        let n = check_targets(kind, model.image_size(), targets, labels)?;
        let plain_device = device.clone().inner();
        let plain = generator.valid().to_device(&plain_device);
        let best = best_random(
            &plain,
            model,
            targets,
            labels,
            config.starts,
            config.seed,
            &plain_device,
        )
        .await?;

        let autodiff = device.clone().autodiff();
        // Inference mode (BatchNorm's running statistics), then frozen on the autodiff
        // device: its weights take no gradient and its BatchNorm stays in inference mode.
        let frozen = plain.train().freeze();
        let nz = model.nz();
        let trained = if kind.has_latent_codes() {
            CONTINUOUS_CODES
        } else {
            0
        };
        let mut values = Vec::with_capacity(n * (nz + trained));
        for t in 0..n {
            values.extend_from_slice(&best.z[t * nz..(t + 1) * nz]);
            if trained > 0 {
                values.extend_from_slice(&best.continuous[t]);
            }
        }
        let values = Tensor::<2>::from_data(TensorData::new(values, [n, nz + trained]), &autodiff);
        let one_hot = (kind.code_size() > 0).then(|| {
            let digits: Vec<u8> = best.labels.iter().map(|l| l.unwrap_or(0)).collect();
            codes_tensor(&latent::one_hot(&digits), DIGITS, &autodiff)
        });
        let targets = Tensor::<2>::from_data(
            TensorData::new(targets.to_vec(), [n, pixels_per_image(model.image_size())]),
            &autodiff,
        );
        Ok(Self {
            model: model.clone(),
            generator: frozen,
            latent: Latent {
                values: Param::from_tensor(values),
            },
            one_hot,
            targets,
            optimizer: AdamConfig::new().with_epsilon(1e-8).init(),
            config: config.clone(),
            labels: best.labels,
            start_errors: best.errors,
            steps: 0,
        })
    }

    /// The pixel errors of the random starts, one per target.
    pub fn start_errors(&self) -> &[f32] {
        &self.start_errors
    }

    /// The label each target is drawn with (given, or chosen by the random starts).
    pub fn labels(&self) -> &[Option<u8>] {
        &self.labels
    }

    /// Adam steps taken so far.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// The settings.
    pub fn config(&self) -> &InversionConfig {
        &self.config
    }

    /// Per-target (pixel error, objective) `[n, 1]` each, and the latent values they come from.
    fn objective(&self, values: Tensor<2>) -> (Tensor<2>, Tensor<2>, Tensor<4>) {
        let [n, width] = values.dims();
        let nz = self.model.nz();
        let z = values.clone().slice([0..n, 0..nz]); // [n, nz]
        let codes = self.one_hot.clone().map(|one_hot| {
            if width > nz {
                let continuous = values.clone().slice([0..n, nz..width]); // [n, 2]
                Tensor::cat(vec![one_hot, continuous], 1) // [n, 12]
            } else {
                one_hot // [n, 10]
            }
        });
        let images = self.generator.forward(z, codes); // [n, 1, H, W]
        let flat = images
            .clone()
            .reshape([n, pixels_per_image(self.model.image_size())]); // [n, P]
        let errors = (flat - self.targets.clone()).powi_scalar(2).mean_dim(1); // [n, 1]
        let prior = values.powi_scalar(2).mean_dim(1); // [n, 1]
        let objectives = errors.clone() + prior * self.config.prior_weight; // [n, 1]
        (errors, objectives, images)
    }

    /// Queues `steps` Adam steps on z (at most [`MAX_STEPS_PER_CALL`]); nothing is read back.
    pub fn advance(&mut self, steps: usize) -> Result<(), InvertError> {
        if steps > MAX_STEPS_PER_CALL {
            return Err(InvertError::BadSetting(format!(
                "at most {MAX_STEPS_PER_CALL} steps per call, got {steps}"
            )));
        }
        for _ in 0..steps {
            let (_, objectives, _) = self.objective(self.latent.values.val());
            // A sum over the targets: each one's gradient is its own objective's.
            let loss = objectives.sum(); // [1]
            let grads = GradientsParams::from_grads(loss.backward(), &self.latent);
            self.latent =
                self.optimizer
                    .step(self.config.learning_rate, self.latent.clone(), grads);
            self.steps += 1;
        }
        Ok(())
    }

    /// The current state's tensors, queued for reading ([`Snapshot::read`]).
    pub fn snapshot(&self) -> Snapshot {
        let values = self.latent.values.val().detach(); // [n, nz + trained]
        let (errors, objectives, images) = self.objective(values.clone());
        let [n, _] = values.dims();
        let pixels = pixels_per_image(self.model.image_size());
        let all = Tensor::cat(
            vec![images.reshape([n, pixels]), errors, objectives, values],
            1,
        ); // [n, P + 2 + nz + trained]
        Snapshot {
            values: all.detach(),
            steps: self.steps,
            nz: self.model.nz(),
            pixels,
            side: self.model.image_size(),
            kind: self.model.kind(),
            labels: self.labels.clone(),
        }
    }

    /// Reads the current state back ([`Inversion::snapshot`] then [`Snapshot::read`]).
    pub async fn progress(&self) -> Result<InversionProgress, InvertError> {
        self.snapshot().read().await
    }

    /// Takes `steps` Adam steps and reads the state back: the step-wise call the page
    /// animates with.
    pub async fn step(&mut self, steps: usize) -> Result<InversionProgress, InvertError> {
        self.advance(steps)?;
        self.progress().await
    }
}

impl Snapshot {
    /// Reads the state back with one asynchronous transfer.
    pub async fn read(self) -> Result<InversionProgress, InvertError> {
        let [n, width] = self.values.dims();
        let values = read(self.values).await?;
        let (pixels, nz) = (self.pixels, self.nz);
        let mut progress = InversionProgress {
            steps: self.steps,
            errors: Vec::with_capacity(n),
            objectives: Vec::with_capacity(n),
            z: Vec::with_capacity(n * nz),
            codes: None,
            labels: self.labels,
            images: Vec::with_capacity(n * pixels),
            side: self.side,
        };
        let mut continuous = Vec::new();
        for row in values.chunks_exact(width) {
            progress.images.extend_from_slice(&row[..pixels]);
            progress.errors.push(row[pixels]);
            progress.objectives.push(row[pixels + 1]);
            progress
                .z
                .extend_from_slice(&row[pixels + 2..pixels + 2 + nz]);
            if self.kind.has_latent_codes() {
                let c = &row[pixels + 2 + nz..];
                continuous.push([c[0], c[1]]);
            }
        }
        if self.kind.code_size() > 0 {
            let digits: Vec<u8> = progress.labels.iter().map(|l| l.unwrap_or(0)).collect();
            let continuous = self
                .kind
                .has_latent_codes()
                .then_some(continuous.as_slice());
            progress.codes = codes_for(self.kind, &digits, continuous);
        }
        Ok(progress)
    }
}
