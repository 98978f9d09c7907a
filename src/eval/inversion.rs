//! The inversion benchmark: how well Find z draws held-out items of a data set, against the
//! best of many random z (`gan invert --eval-heldout`, weights/README.md's table).

use burn::prelude::*;

use crate::data::MnistSet;
use crate::invert::{
    Inversion, InversionConfig, InversionProgress, InvertError, MAX_STEPS_PER_CALL, RandomBest,
    best_random,
};
use crate::latent::DIGITS;
use crate::model::{Generator, ModelConfig};
use crate::picture::dataset_target;

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
