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

use burn::module::{Module, Param};
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::data::{COLS, IMAGE_PIXELS, MnistSet, ROWS};
use crate::latent::{self, CONTINUOUS_CODES, DIGITS};
use crate::model::sample::{check_inputs, codes_for, codes_tensor, sample};
use crate::model::{Generator, ModelConfig, ModelKind};
use crate::rng::SplitMix64;

/// Candidate images per generator pass in [`best_random`]: bounds one pass's memory.
const CANDIDATE_BATCH: usize = 250;
/// Mixed into the seed for the candidates' continuous codes (InfoGAN), so they do not reuse
/// z's bits.
const CODE_STREAM: u64 = 0xC0DE_5EED_0000_0003;
/// The most steps one [`Inversion::advance`] call may queue.
pub const MAX_STEPS_PER_CALL: usize = 10_000;
/// Side of the box MNIST scales each digit into (inside its 28x28 field).
const MNIST_BOX: usize = 20;

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
    /// A picture that cannot be made into a digit.
    #[error("{0}")]
    BadPicture(String),
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

/// Pixels per image of a model making images of side `side` (784 at 28, 1024 at 32, 4096
/// at 64).
pub fn pixels_per_image(side: usize) -> usize {
    side * side
}

/// A 28x28 digit (784 values in [-1, 1]) at side `side`: as it is at 28, resized as
/// [`crate::data`] resizes the data sets otherwise.
///
/// # Panics
/// If `digit` does not have 784 values.
pub fn to_model_resolution(side: usize, digit: &[f32]) -> Vec<f32> {
    assert_eq!(digit.len(), IMAGE_PIXELS, "a 28x28 digit has 784 values");
    if side == ROWS {
        digit.to_vec()
    } else {
        let mut out = Vec::with_capacity(side * side);
        crate::data::resize_28_with(side, |p| digit[p], |v| out.push(v));
        out
    }
}

/// Item `i` of `data` at side `side`, in [-1, 1], exactly as the models read the data set.
pub fn dataset_target(side: usize, data: &MnistSet, i: usize) -> Vec<f32> {
    let mut out = Vec::new();
    data.push_at(i, side, &mut out);
    out
}

/// A picture of a digit of any size (`width * height` grey levels, row-major) as an MNIST
/// digit: 784 values in [-1, 1], white ink on black.
///
/// A light background (the border's median above mid-grey) is inverted first. A 28x28
/// picture is then taken as it is; any other size is prepared as MNIST prepared its digits:
/// the background's level taken off, cropped to its ink, its ink stretched to full white,
/// scaled (area averaging) so that its longer side is 20 pixels, and placed in the 28x28
/// field with its centre of mass at the centre.
pub fn digit_from_gray(
    width: usize,
    height: usize,
    pixels: &[u8],
) -> Result<Vec<f32>, InvertError> {
    let bad = |text: String| Err(InvertError::BadPicture(text));
    if !(1..=4096).contains(&width) || !(1..=4096).contains(&height) {
        return bad(format!(
            "a picture of {width}x{height} pixels (1 to 4096 each)"
        ));
    }
    if pixels.len() != width * height {
        return bad(format!(
            "{} grey levels for a {width}x{height} picture ({} needed)",
            pixels.len(),
            width * height
        ));
    }
    let border: Vec<f32> = (0..height)
        .flat_map(|y| (0..width).map(move |x| (x, y)))
        .filter(|&(x, y)| x == 0 || y == 0 || x + 1 == width || y + 1 == height)
        .map(|(x, y)| f32::from(pixels[y * width + x]))
        .collect();
    let mut sorted = border.clone();
    sorted.sort_by(f32::total_cmp);
    // The border's median: the background, even where strokes touch the edge.
    let background = sorted[sorted.len() / 2];
    let light = background > 127.5;
    let ink: Vec<f32> = pixels
        .iter()
        .map(|&p| {
            if light {
                255.0 - f32::from(p)
            } else {
                f32::from(p)
            }
        })
        .collect();
    if (width, height) == (COLS, ROWS) {
        return Ok(ink.iter().map(|v| v / 127.5 - 1.0).collect());
    }

    // The background's level (after any inversion) is taken off, so a
    // grey paper does not become a grey field.
    let floor = if light {
        255.0 - background
    } else {
        background
    };
    let ink: Vec<f32> = ink.iter().map(|v| (v - floor).max(0.0)).collect();
    let brightest = ink.iter().copied().fold(0.0, f32::max);
    if brightest < 1.0 {
        return bad("the picture has no ink: it is all one shade".to_owned());
    }
    // The ink's bounding box: pixels above a quarter of the brightest.
    let threshold = brightest / 4.0;
    let inked = |x: usize, y: usize| ink[y * width + x] > threshold;
    let rows: Vec<usize> = (0..height)
        .filter(|&y| (0..width).any(|x| inked(x, y)))
        .collect();
    let cols: Vec<usize> = (0..width)
        .filter(|&x| (0..height).any(|y| inked(x, y)))
        .collect();
    let (top, bottom) = (rows[0], rows[rows.len() - 1] + 1);
    let (left, right) = (cols[0], cols[cols.len() - 1] + 1);
    let (crop_w, crop_h) = (right - left, bottom - top);
    let longest = crop_w.max(crop_h) as f32;
    let out_w = ((crop_w as f32 * MNIST_BOX as f32 / longest).round() as usize).clamp(1, MNIST_BOX);
    let out_h = ((crop_h as f32 * MNIST_BOX as f32 / longest).round() as usize).clamp(1, MNIST_BOX);
    let cropped: Vec<f32> = (top..bottom)
        .flat_map(|y| (left..right).map(move |x| (x, y)))
        .map(|(x, y)| ink[y * width + x] * 255.0 / brightest)
        .collect();
    let scaled = area_resize(&cropped, crop_w, crop_h, out_w, out_h);

    // Centre of mass to the field's centre (13.5, 13.5), by whole pixels, inside the field.
    let mass: f32 = scaled.iter().sum();
    let (mut cx, mut cy) = (0.0, 0.0);
    for (i, &v) in scaled.iter().enumerate() {
        cx += (i % out_w) as f32 * v;
        cy += (i / out_w) as f32 * v;
    }
    let place = |centre: f32, size: usize| -> usize {
        let offset = (13.5 - centre / mass).round().max(0.0) as usize;
        offset.min(ROWS - size)
    };
    let (ox, oy) = (place(cx, out_w), place(cy, out_h));
    let mut digit = vec![0.0f32; IMAGE_PIXELS];
    for y in 0..out_h {
        for x in 0..out_w {
            digit[(oy + y) * COLS + ox + x] = scaled[y * out_w + x];
        }
    }
    Ok(digit.iter().map(|v| v / 127.5 - 1.0).collect())
}

/// Resizes a `w` x `h` picture to `out_w` x `out_h` by area averaging: each output pixel is
/// the mean of the source over its footprint, partly covered pixels weighted by their share.
fn area_resize(src: &[f32], w: usize, h: usize, out_w: usize, out_h: usize) -> Vec<f32> {
    // The source pixels under output pixel `o` along one axis, with their weights.
    let taps = |from: usize, to: usize| -> Vec<Vec<(usize, f32)>> {
        let scale = from as f32 / to as f32;
        (0..to)
            .map(|o| {
                let (start, end) = (o as f32 * scale, (o + 1) as f32 * scale);
                let first = start.floor() as usize;
                let last = (end.ceil() as usize).min(from);
                (first..last)
                    .map(|s| {
                        let overlap = (end.min(s as f32 + 1.0) - start.max(s as f32)).max(0.0);
                        (s, overlap / scale)
                    })
                    .collect()
            })
            .collect()
    };
    let (xs, ys) = (taps(w, out_w), taps(h, out_h));
    let mut out = Vec::with_capacity(out_w * out_h);
    for row in &ys {
        for col in &xs {
            let mut value = 0.0;
            for &(sy, wy) in row {
                for &(sx, wx) in col {
                    value += src[sy * w + sx] * wy * wx;
                }
            }
            out.push(value);
        }
    }
    out
}

/// The best of a set of random (z, code) draws for each target: where an inversion starts,
/// and the "best of N random z" baseline it is measured against.
#[derive(Debug, Clone, PartialEq)]
pub struct RandomBest {
    /// The best z of each target, row-major `[n, nz]`.
    pub z: Vec<f32>,
    /// The label (digit, or InfoGAN category) each target's best draw used: the given one,
    /// or the best of the ten; `None` for a model without codes.
    pub labels: Vec<Option<u8>>,
    /// InfoGAN's continuous codes of each target's best draw (empty for other models).
    pub continuous: Vec<[f32; CONTINUOUS_CODES]>,
    /// Each target's pixel error (mean squared, in [-1, 1] units) at its best draw.
    pub errors: Vec<f32>,
}

impl RandomBest {
    /// The mean of [`RandomBest::errors`].
    pub fn mean_error(&self) -> f32 {
        mean(&self.errors)
    }
}

fn mean(values: &[f32]) -> f32 {
    values.iter().sum::<f32>() / values.len().max(1) as f32
}

/// Checks targets (`[n, pixels]` at the model's resolution) and labels (one per target; for
/// a model without codes they are ignored) and returns `n`.
fn check_targets(
    kind: ModelKind,
    side: usize,
    targets: &[f32],
    labels: &[Option<u8>],
) -> Result<usize, InvertError> {
    let per_image = pixels_per_image(side);
    let n = targets.len() / per_image;
    if n == 0 || n * per_image != targets.len() {
        return Err(InvertError::BadTargets {
            got: targets.len(),
            per_image,
            model: kind.name(),
        });
    }
    if labels.len() != n {
        return Err(InvertError::LabelCount {
            labels: labels.len(),
            targets: n,
        });
    }
    if let Some(bad) = labels.iter().flatten().find(|&&l| usize::from(l) >= DIGITS) {
        return Err(InvertError::BadLabel(*bad));
    }
    Ok(n)
}

/// Draws `count` random z (N(0, I), from `seed`; InfoGAN's continuous codes uniform in
/// [−1, 1], as in training) and, for each target (`[n, pixels]` at the model's resolution, in
/// [-1, 1]), keeps the one whose image is nearest in pixels. A conditional model (or InfoGAN)
/// draws each target with its label; a target without one is tried with each of the ten
/// labels, `count / 10` draws each (rounded up), so it also sees about `count` candidates.
/// `generator` must be in inference mode on `device`.
pub async fn best_random(
    generator: &Generator,
    model: &ModelConfig,
    targets: &[f32],
    labels: &[Option<u8>],
    count: usize,
    seed: u64,
    device: &Device,
) -> Result<RandomBest, InvertError> {
    let kind = model.kind();
    let n = check_targets(kind, model.image_size(), targets, labels)?;
    if count == 0 {
        return Err(InvertError::BadSetting(
            "at least one random draw is needed".to_owned(),
        ));
    }
    let (nz, pixels) = (model.nz(), pixels_per_image(model.image_size()));
    let takes_codes = kind.code_size() > 0;
    let z_all = model.prior().sample(seed, count, nz);
    let continuous_all = if kind.has_latent_codes() {
        latent::random_continuous(&mut SplitMix64::new(seed ^ CODE_STREAM), count)
    } else {
        Vec::new()
    };
    let per_label = count.div_ceil(DIGITS);

    // (candidate index, label) of each target's best draw so far, and its error.
    let mut best: Vec<(f32, usize, Option<u8>)> = vec![(f32::INFINITY, 0, None); n];
    let groups: Vec<Option<u8>> = if takes_codes {
        (0..DIGITS as u8).map(Some).collect()
    } else {
        vec![None]
    };
    for label in groups {
        // The targets drawn with this label, and how many candidates each of them compares.
        let members: Vec<(usize, usize)> = (0..n)
            .filter_map(|t| match (label, labels[t]) {
                (None, _) => Some((t, count)),
                (Some(l), Some(given)) => (l == given).then_some((t, count)),
                (Some(_), None) => Some((t, per_label)),
            })
            .collect();
        let Some(needed) = members.iter().map(|&(_, c)| c).max() else {
            continue;
        };
        let member_pixels: Vec<f32> = members
            .iter()
            .flat_map(|&(t, _)| targets[t * pixels..(t + 1) * pixels].iter().copied())
            .collect();
        let m = members.len();
        let target = Tensor::<2>::from_data(TensorData::new(member_pixels, [m, pixels]), device);
        let target_norms = target.clone().powi_scalar(2).sum_dim(1); // [m, 1]
        for start in (0..needed).step_by(CANDIDATE_BATCH) {
            let end = (start + CANDIDATE_BATCH).min(needed);
            let c = end - start;
            let codes = label.and_then(|l| {
                let continuous = kind.has_latent_codes().then(|| &continuous_all[start..end]);
                codes_for(kind, &vec![l; c], continuous)
            });
            let images = sample(
                generator,
                model,
                &z_all[start * nz..end * nz],
                codes.as_deref(),
                device,
            )
            .reshape([c, pixels]); // [c, P]
            let image_norms = images.clone().powi_scalar(2).sum_dim(1).transpose(); // [1, c]
            let cross = target.clone().matmul(images.transpose()); // [m, c]
            let errors = (target_norms.clone() + image_norms - cross * 2.0) / pixels as f32; // [m, c]
            let errors = read(errors).await?;
            for (row, &(t, limit)) in members.iter().enumerate() {
                for j in 0..c.min(limit.saturating_sub(start)) {
                    let error = errors[row * c + j].max(0.0);
                    if error < best[t].0 {
                        best[t] = (error, start + j, label);
                    }
                }
            }
        }
    }
    Ok(RandomBest {
        z: best
            .iter()
            .flat_map(|&(_, j, _)| z_all[j * nz..(j + 1) * nz].iter().copied())
            .collect(),
        labels: best.iter().map(|&(_, _, l)| l).collect(),
        continuous: if kind.has_latent_codes() {
            best.iter().map(|&(_, j, _)| continuous_all[j]).collect()
        } else {
            Vec::new()
        },
        errors: best.iter().map(|&(e, _, _)| e).collect(),
    })
}

/// Reads a tensor back as `f32` values with one asynchronous transfer.
async fn read<const D: usize>(tensor: Tensor<D>) -> Result<Vec<f32>, InvertError> {
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

/// A latent point as `gan invert` saves it (`z.json`) and `gan sample --z` reads it: enough
/// to draw the same image again from the same weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatentPoint {
    /// The model's kind (`dcgan`, `cdcgan`, ...).
    pub model: String,
    /// z, `nz` values.
    pub z: Vec<f32>,
    /// The digit (conditional models) or InfoGAN's category; `None` for the others.
    pub label: Option<u8>,
    /// The code the generator takes beside z (`[code size]`: the one-hot, InfoGAN's codes);
    /// `None` for a model without one.
    pub codes: Option<Vec<f32>>,
    /// Pixel error (mean squared, [-1, 1] units) of G(z) to the inverted target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<f32>,
    /// The pixel error of the best random start, for comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_error: Option<f32>,
    /// Adam steps the inversion took.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<usize>,
    /// What was inverted (a file name, a held-out digit), for the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

impl LatentPoint {
    /// Target `t`'s point from an inversion's progress, for a model of kind `kind`.
    pub fn from_progress(kind: ModelKind, progress: &InversionProgress, t: usize) -> Self {
        let nz = progress.z.len() / progress.errors.len();
        let width = kind.code_size();
        Self {
            model: kind.name().to_owned(),
            z: progress.z[t * nz..(t + 1) * nz].to_vec(),
            label: progress.labels[t],
            codes: progress
                .codes
                .as_ref()
                .map(|codes| codes[t * width..(t + 1) * width].to_vec()),
            error: Some(progress.errors[t]),
            start_error: None,
            steps: Some(progress.steps),
            target: None,
        }
    }

    /// Checks the point against `model` (its kind, z's length, the codes' length).
    pub fn check(&self, model: &ModelConfig) -> Result<(), InvertError> {
        let kind = model.kind();
        if self.model != kind.name() {
            return Err(InvertError::BadLatent(format!(
                "it is a point of a {} model, these weights are a {}",
                self.model,
                kind.name()
            )));
        }
        check_inputs(model, &self.z, self.codes.as_deref())
            .map_err(|e| InvertError::BadLatent(e.to_string()))?;
        if self.z.len() != model.nz() {
            return Err(InvertError::BadLatent(format!(
                "one z of {} values is needed, it has {}",
                model.nz(),
                self.z.len()
            )));
        }
        Ok(())
    }

    /// G's image of this point `[1, 1, H, W]`, after [`LatentPoint::check`].
    pub fn draw(
        &self,
        generator: &Generator,
        model: &ModelConfig,
        device: &Device,
    ) -> Result<Tensor<4>, InvertError> {
        self.check(model)?;
        let codes = (model.kind().code_size() > 0)
            .then_some(self.codes.as_deref())
            .flatten();
        Ok(sample(generator, model, &self.z, codes, device))
    }
}

/// The inversion benchmark's result on a set of held-out digits.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldoutInversion {
    /// The digits inverted (dataset indices).
    pub indices: Vec<usize>,
    /// Each digit's pixel error at the best of the baseline's random draws.
    pub baseline: RandomBest,
    /// Each digit's inversion after the descent.
    pub inverted: InversionProgress,
    /// Each digit's error at the inversion's own random start.
    pub start_errors: Vec<f32>,
}

/// `count` held-out digits of `data` (at most all of them), the same number of each digit
/// (the first `count % 10` digits one more), evenly spaced within each digit's held-out
/// ones; dataset indices, ascending.
pub fn spread_heldout(data: &MnistSet, count: usize) -> Vec<usize> {
    let mut by_digit: Vec<Vec<usize>> = vec![Vec::new(); DIGITS];
    for i in data.heldout_indices() {
        by_digit[usize::from(data.label(i))].push(i);
    }
    let mut quota = [0usize; DIGITS];
    let mut left = count.min(by_digit.iter().map(Vec::len).sum());
    // Round-robin over the digits that still have some to give.
    while left > 0 {
        for (d, q) in quota.iter_mut().enumerate() {
            if left > 0 && *q < by_digit[d].len() {
                *q += 1;
                left -= 1;
            }
        }
    }
    let mut picked: Vec<usize> = by_digit
        .iter()
        .zip(quota)
        .flat_map(|(list, q)| (0..q).map(move |j| list[j * list.len() / q]))
        .collect();
    picked.sort_unstable();
    picked
}

/// Which held-out digits [`invert_heldout`] inverts, for how long, against how many draws.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldoutPlan {
    /// The digits (dataset indices; see [`spread_heldout`]).
    pub indices: Vec<usize>,
    /// Adam steps of the inversion.
    pub steps: usize,
    /// Random z of the baseline ("best of 1,000 random z").
    pub baseline_draws: usize,
}

/// Inverts the held-out digits of `plan` in `data` with `generator` of `model` (the digit's
/// label for the conditional models; InfoGAN's category chosen by the random starts), and
/// measures the best of the plan's random draws for each digit as well.
pub async fn invert_heldout(
    generator: &Generator,
    model: &ModelConfig,
    data: &MnistSet,
    plan: &HeldoutPlan,
    config: &InversionConfig,
    device: &Device,
) -> Result<HeldoutInversion, InvertError> {
    let (indices, steps) = (&plan.indices, plan.steps);
    let kind = model.kind();
    let targets: Vec<f32> = indices
        .iter()
        .flat_map(|&i| dataset_target(model.image_size(), data, i))
        .collect();
    let labels: Vec<Option<u8>> = indices
        .iter()
        .map(|&i| kind.is_conditional().then(|| data.label(i)))
        .collect();
    let plain_device = device.clone().inner();
    let plain = generator.valid().to_device(&plain_device);
    // Another seed than the inversion's starts: the baseline's draws are its own.
    let baseline = best_random(
        &plain,
        model,
        &targets,
        &labels,
        plan.baseline_draws,
        config.seed ^ 0xBA5E_0000_0000_0001,
        &plain_device,
    )
    .await?;
    let mut inversion =
        Inversion::start(generator, model, &targets, &labels, config, device).await?;
    let mut left = steps;
    while left > 0 {
        let now = left.min(MAX_STEPS_PER_CALL);
        inversion.advance(now)?;
        left -= now;
    }
    let inverted = inversion.progress().await?;
    Ok(HeldoutInversion {
        indices: indices.clone(),
        baseline,
        start_errors: inversion.start_errors().to_vec(),
        inverted,
    })
}
