//! Where an inversion starts: the best of a set of random (z, code) draws for each target,
//! which is also the "best of N random z" baseline it is measured against.

use burn::prelude::*;

use super::{InvertError, read};
use crate::latent::{self, CONTINUOUS_CODES, DIGITS};
use crate::model::sample::{codes_for, sample};
use crate::model::{Generator, ModelConfig, ModelKind};
use crate::picture::pixels_per_image;
use crate::rng::SplitMix64;

/// Candidate images per generator pass in [`best_random`]: bounds one pass's memory.
const CANDIDATE_BATCH: usize = 250;
/// Mixed into the seed for the candidates' continuous codes (InfoGAN), so they do not reuse
/// z's bits.
const CODE_STREAM: u64 = 0xC0DE_5EED_0000_0003;

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

pub(crate) fn mean(values: &[f32]) -> f32 {
    values.iter().sum::<f32>() / values.len().max(1) as f32
}

/// Checks targets (`[n, pixels]` at the model's resolution) and labels (one per target; for
/// a model without codes they are ignored) and returns `n`.
pub(crate) fn check_targets(
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
