//! A lab run: the two networks, their optimisers, the step, and the views the page draws
//! (generated points, D's field over the plane, G's manifold, D's gradient on each point).
//!
//! A step is the image models' step on points: k D updates, each on its own batch, then one
//! G update with D held fixed, every loss from [`GanLoss`] (the WGAN critic clipped, or its
//! loss with WGAN-GP's gradient penalty, which the reported D loss includes). Nothing here reads a tensor
//! back until [`PendingView::read`] (synchronous, native) or [`PendingView::read_async`].

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer, SgdConfig};
use burn::prelude::*;

use super::data::PlaneData;
use super::measure::{Density, modes_covered};
use super::net::PlaneNet;
use super::{LabConfig, OptimizerKind, OptimizerSettings};
use crate::model::init::{materialize, seeded_init};
use crate::rng::SplitMix64;
use crate::train::clip::clip_weights;
use crate::train::penalty::{gradient_penalty, interpolates};
use crate::train::{StepLosses, StepMode};

/// Generated points drawn each frame (the same z every frame, so points move smoothly).
pub const DISPLAY_POINTS: usize = 1024;
/// Generated points that get a gradient arrow: the first of the displayed ones.
pub const ARROW_POINTS: usize = 256;
/// Cells per side of D's heatmap.
pub const HEATMAP_SIDE: usize = 40;
/// Real points drawn by the page and measured against.
const REAL_DISPLAY_POINTS: usize = 1024;
/// Real points behind the real density of the KL and JS measure.
const REAL_DENSITY_POINTS: usize = 8192;
/// z per side of the manifold's grid for 2-D noise, and the points of its curve for 1-D.
const MANIFOLD_SIDE_2D: usize = 21;
const MANIFOLD_SIDE_1D: usize = 101;

/// Streams of the run's random draws: one generator each, all from the run's seed.
const STREAM_BATCHES: u64 = 1;
const STREAM_DISPLAY_Z: u64 = 2;
const STREAM_REAL_DISPLAY: u64 = 3;
const STREAM_REAL_DENSITY: u64 = 4;
/// The gradient penalty's ε: a stream of its own, so a run with the penalty sees the same
/// batches and z as one with clipping from the same seed.
const STREAM_PENALTY: u64 = 5;

fn stream(seed: u64, stream: u64) -> SplitMix64 {
    SplitMix64::new(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// `values` as rows of `columns` numbers on `device`.
fn rows_tensor(values: Vec<f32>, columns: usize, device: &Device) -> Tensor<2> {
    let rows = values.len() / columns;
    Tensor::from_data(TensorData::new(values, [rows, columns]), device)
}

fn optimizer(settings: OptimizerSettings) -> ModuleOptimizer {
    match settings.kind {
        OptimizerKind::Adam => AdamConfig::new()
            .with_beta_1(0.5)
            .with_beta_2(0.999)
            .with_epsilon(1e-8)
            .init(),
        OptimizerKind::Sgd => SgdConfig::new().init(),
    }
}

/// A lab run.
pub struct LabTrainer {
    config: LabConfig,
    data: PlaneData,
    generator: PlaneNet,
    discriminator: PlaneNet,
    optim_g: ModuleOptimizer,
    optim_d: ModuleOptimizer,
    step: u64,
    batches: SplitMix64,
    /// ε of the gradient penalty's points.
    mixing: SplitMix64,
    /// The fixed inputs of every view.
    view_inputs: ViewInputs,
    /// The real points the page draws `[REAL_DISPLAY_POINTS, 2]`.
    real_points: Vec<f32>,
    real_density: Density,
    /// The autodiff device the networks train on.
    device: Device,
}

impl LabTrainer {
    /// A fresh run of `config` (validated) on `data` on `device` (autodiff is enabled on it
    /// here), its weights drawn from the seed.
    pub fn new(config: LabConfig, data: PlaneData, device: &Device) -> Result<Self, String> {
        config.validate()?;
        let device = device.clone().autodiff();
        let (generator, discriminator) = seeded_init(&device, config.seed, || {
            let generator = config.generator.init(config.noise_dim, 2, &device);
            let discriminator = config.discriminator.init(2, 1, &device);
            materialize(&generator);
            materialize(&discriminator);
            (generator, discriminator)
        });
        let seed = config.seed;
        let view_inputs = ViewInputs::new(&config, &device.clone().inner());
        let real_points = data.sample(&mut stream(seed, STREAM_REAL_DISPLAY), REAL_DISPLAY_POINTS);
        let real_density =
            Density::of(&data.sample(&mut stream(seed, STREAM_REAL_DENSITY), REAL_DENSITY_POINTS));
        Ok(Self {
            optim_g: optimizer(config.optimizer_g),
            optim_d: optimizer(config.optimizer_d),
            batches: stream(seed, STREAM_BATCHES),
            mixing: stream(seed, STREAM_PENALTY),
            config,
            data,
            generator,
            discriminator,
            step: 0,
            view_inputs,
            real_points,
            real_density,
            device,
        })
    }

    /// The run's settings.
    pub fn config(&self) -> &LabConfig {
        &self.config
    }

    /// Steps taken so far.
    pub fn step(&self) -> u64 {
        self.step
    }

    /// The real points the page draws, `[n, 2]` row-major.
    pub fn real_points(&self) -> &[f32] {
        &self.real_points
    }

    fn noise(&mut self) -> Tensor<2> {
        let (batch, dim) = (self.config.batch_size, self.config.noise_dim);
        let z = self.config.noise.sample(&mut self.batches, batch, dim);
        rows_tensor(z, dim, &self.device)
    }

    fn generate(&self, z: Tensor<2>) -> Tensor<2> {
        self.generator.forward(z, self.config.generator.activation) // [B, 2]
    }

    fn score(&self, discriminator: &PlaneNet, points: Tensor<2>) -> Tensor<2> {
        discriminator.forward(points, self.config.discriminator.activation) // [B, 1]
    }

    /// WGAN-GP's penalty on D, weight·mean (‖∇D(x̂)‖ − 1)², at points x̂ = εx + (1 − ε)G(z)
    /// between `real` and `fake` `[B, 2]`, one ε ~ U[0, 1] each.
    fn penalty(&mut self, real: Tensor<2>, fake: Tensor<2>, weight: f64) -> Tensor<1> {
        let batch = real.dims()[0];
        let epsilon: Vec<f32> = (0..batch).map(|_| self.mixing.next_f64() as f32).collect();
        let epsilon = Tensor::from_data(TensorData::new(epsilon, [batch]), &self.device); // [B]
        let points = interpolates(real, fake, epsilon); // [B, 2]
        let activation = self.config.discriminator.activation;
        let gradient = self.discriminator.input_gradient(points, activation); // [B, 2]
        gradient_penalty(gradient, weight) // [1]
    }

    /// One training step: `mode` [`StepMode::Both`] makes the configured k D updates then
    /// one G update; the other modes make one update of their network only.
    pub fn train_step(&mut self, mode: StepMode) -> StepLosses {
        let loss = self.config.loss;
        let d_updates = match mode {
            StepMode::Both => self.config.d_steps,
            StepMode::DiscriminatorOnly => 1,
            StepMode::GeneratorOnly => 0,
        };
        let (mut loss_d, mut d_real, mut d_fake, mut penalty) = (None, None, None, None);
        // (1) Update D: maximise log D(x) + log(1 − D(G(z))) (or the loss's own form)
        for _ in 0..d_updates {
            let real = self.data.sample(&mut self.batches, self.config.batch_size);
            let real = rows_tensor(real, 2, &self.device); // [B, 2]
            let z = self.noise(); // [B, noise_dim]
            // G untracked: a graph of its forward pass that no backward pass consumes would
            // stay in the autodiff graph, and D-only runs would slow down step after step
            let fake = self
                .generator
                .clone()
                .no_grad()
                .forward(z, self.config.generator.activation); // [B, 2]
            let real_scores = self.score(&self.discriminator, real.clone()); // [B, 1]
            let fake_scores = self.score(&self.discriminator, fake.clone()); // [B, 1]
            d_real.get_or_insert_with(|| loss.mean_output(real_scores.clone()).detach());
            d_fake.get_or_insert_with(|| loss.mean_output(fake_scores.clone()).detach());
            let mut value = loss.discriminator(real_scores, fake_scores, None);
            if let Some(weight) = self.config.gradient_penalty() {
                let term = self.penalty(real, fake, weight);
                penalty = Some(term.clone().detach());
                value = value + term;
            }
            let grads = GradientsParams::from_grads(value.backward(), &self.discriminator);
            self.discriminator = self.optim_d.step(
                self.config.optimizer_d.lr,
                self.discriminator.clone(),
                grads,
            );
            if let Some(limit) = self.config.clip() {
                self.discriminator = clip_weights(self.discriminator.clone(), limit);
            }
            loss_d = Some(value.detach());
        }
        // (2) Update G: maximise log D(G(z)) (non-saturating; see GanLoss for the others),
        // D held fixed
        let mut loss_g = None;
        if mode != StepMode::DiscriminatorOnly {
            let z = self.noise(); // [B, noise_dim]
            let fake = self.generate(z); // [B, 2]
            let frozen = self.discriminator.clone().no_grad();
            let scores = self.score(&frozen, fake); // [B, 1]
            d_fake.get_or_insert_with(|| loss.mean_output(scores.clone()).detach());
            let value = loss.generator(scores);
            let grads = GradientsParams::from_grads(value.backward(), &self.generator);
            self.generator =
                self.optim_g
                    .step(self.config.optimizer_g.lr, self.generator.clone(), grads);
            loss_g = Some(value.detach());
        }
        self.step += 1;
        StepLosses {
            loss_d,
            loss_g,
            d_real,
            d_fake: d_fake.expect("a step updates at least one network"),
            penalty,
            balance: None,
            convergence: None,
        }
    }

    /// The views of the run as it stands, still on the device: read them with
    /// [`PendingView::read`] or [`PendingView::read_async`].
    pub fn view(&self) -> PendingView {
        let device = self.device.clone().inner();
        let (g_act, d_act) = (
            self.config.generator.activation,
            self.config.discriminator.activation,
        );
        let generator = self.generator.valid();
        let discriminator = self.discriminator.valid();
        let inputs = &self.view_inputs;

        let fake = generator.forward(inputs.display_z.clone(), g_act); // [DISPLAY_POINTS, 2]
        let heatmap = self
            .config
            .loss
            .output(discriminator.forward(inputs.plane.clone(), d_act)); // [side², 1]
        let manifold = generator.forward(inputs.manifold_z.clone(), g_act); // [rows·cols, 2]

        // D's push on each point: −∇x of G's loss, summed so each point gets its own gradient
        let points = fake
            .clone()
            .narrow(0, 0, ARROW_POINTS)
            .autodiff()
            .require_grad(); // [ARROW_POINTS, 2]
        let scores = self.score(&self.discriminator.clone().no_grad(), points.clone()); // [m, 1]
        let total = self.config.loss.generator(scores) * ARROW_POINTS as f32;
        let arrows = points
            .grad(&total.backward())
            .map(|g| g.neg()) // [m, 2]
            .unwrap_or_else(|| Tensor::zeros([ARROW_POINTS, 2], &device));

        PendingView {
            step: self.step,
            flat: Tensor::cat(
                vec![
                    fake.reshape([-1]),
                    heatmap.reshape([-1]),
                    manifold.reshape([-1]),
                    arrows.reshape([-1]),
                ],
                0,
            ),
            manifold_rows: inputs.manifold_rows,
            manifold_cols: inputs.manifold_cols,
            bounded: self.config.loss.output_is_probability(),
            real_density: self.real_density.clone(),
            modes: self.data.shape().modes(),
        }
    }
}

/// What every view of a run feeds its networks, made once on the device the views run on
/// (the networks' inference copies): the same z every frame, so the points move smoothly.
struct ViewInputs {
    /// The displayed points' z `[DISPLAY_POINTS, noise_dim]` (the first [`ARROW_POINTS`]
    /// also get arrows).
    display_z: Tensor<2>,
    /// The centres of the heatmap's cells, row 0 at the top `[HEATMAP_SIDE², 2]`.
    plane: Tensor<2>,
    /// A regular grid of z `[rows·cols, noise_dim]`: G's image of it is the manifold.
    manifold_z: Tensor<2>,
    manifold_rows: usize,
    manifold_cols: usize,
}

impl ViewInputs {
    fn new(config: &LabConfig, device: &Device) -> Self {
        let dim = config.noise_dim;
        let display_z = config.noise.sample(
            &mut stream(config.seed, STREAM_DISPLAY_Z),
            DISPLAY_POINTS,
            dim,
        );
        let side = HEATMAP_SIDE;
        let cell = |i: usize| (i as f32 + 0.5) * 2.0 / side as f32;
        let plane = (0..side * side)
            .flat_map(|k| [-1.0 + cell(k % side), 1.0 - cell(k / side)])
            .collect();
        let (manifold_rows, manifold_cols) = match dim {
            1 => (1, MANIFOLD_SIDE_1D),
            _ => (MANIFOLD_SIDE_2D, MANIFOLD_SIDE_2D),
        };
        Self {
            display_z: rows_tensor(display_z, dim, device),
            plane: rows_tensor(plane, 2, device),
            manifold_z: rows_tensor(config.noise.grid(manifold_cols, dim), dim, device),
            manifold_rows,
            manifold_cols,
        }
    }
}

/// A view computed on the device and not yet read.
pub struct PendingView {
    step: u64,
    /// fake, heatmap, manifold and arrows, flattened one after the other.
    flat: Tensor<1>,
    manifold_rows: usize,
    manifold_cols: usize,
    /// Whether the heatmap holds probabilities (the BCE losses).
    bounded: bool,
    real_density: Density,
    modes: Option<(Vec<[f32; 2]>, f32)>,
}

/// What the page draws for a run at one step.
#[derive(Debug, Clone)]
pub struct LabView {
    /// Steps taken.
    pub step: u64,
    /// The generated points of the fixed display z, `[DISPLAY_POINTS, 2]`.
    pub fake: Vec<f32>,
    /// D's output over the plane, `[HEATMAP_SIDE, HEATMAP_SIDE]`, row 0 at the top (y = 1):
    /// a probability for the BCE losses, the raw score for the others.
    pub heatmap: Vec<f32>,
    /// The range to colour the heatmap over: [0, 1] for probabilities, else its min and max.
    pub heatmap_range: (f32, f32),
    /// G on a regular grid of z, `[rows, cols, 2]`.
    pub manifold: Vec<f32>,
    /// Rows of the manifold's grid (1 for 1-D noise).
    pub manifold_rows: usize,
    /// Columns of the manifold's grid.
    pub manifold_cols: usize,
    /// −∇x of G's loss at the first [`ARROW_POINTS`] generated points, `[m, 2]`.
    pub arrows: Vec<f32>,
    /// KL(real ‖ generated) on the measure's grid, in nats.
    pub kl: f64,
    /// JS(real, generated) on the measure's grid, in nats (at most ln 2).
    pub js: f64,
    /// Modes covered and the mixture's modes, for the ring and the grid.
    pub modes: Option<(usize, usize)>,
}

impl PendingView {
    /// Reads the view (native backends; on the web use [`PendingView::read_async`]).
    pub fn read(self) -> Result<LabView, String> {
        let values = self.flat.clone().into_data();
        self.finish(values)
    }

    /// Reads the view with one asynchronous transfer.
    pub async fn read_async(self) -> Result<LabView, String> {
        let values = self
            .flat
            .clone()
            .into_data_async()
            .await
            .map_err(|e| format!("reading the lab's view failed: {e:?}"))?;
        self.finish(values)
    }

    fn finish(self, data: TensorData) -> Result<LabView, String> {
        let values: Vec<f32> = data
            .try_to_vec()
            .map_err(|e| format!("reading the lab's view failed: {e:?}"))?;
        let manifold_len = 2 * self.manifold_rows * self.manifold_cols;
        let mut rest = values.as_slice();
        let mut take = |n: usize| {
            let (head, tail) = rest.split_at(n);
            rest = tail;
            head.to_vec()
        };
        let fake = take(2 * DISPLAY_POINTS);
        let heatmap = take(HEATMAP_SIDE * HEATMAP_SIDE);
        let manifold = take(manifold_len);
        let arrows = take(2 * ARROW_POINTS);
        let heatmap_range = if self.bounded {
            (0.0, 1.0)
        } else {
            heatmap
                .iter()
                .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
                    (lo.min(v), hi.max(v))
                })
        };
        let generated = Density::of(&fake);
        Ok(LabView {
            step: self.step,
            kl: self.real_density.kl(&generated),
            js: self.real_density.js(&generated),
            modes: self
                .modes
                .map(|(centres, std)| (modes_covered(&fake, &centres, std), centres.len())),
            fake,
            heatmap,
            heatmap_range,
            manifold,
            manifold_rows: self.manifold_rows,
            manifold_cols: self.manifold_cols,
            arrows,
        })
    }
}
