//! A latent point as `gan invert` saves it (`z.json`) and `gan sample --z` reads it.

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use super::{InversionProgress, InvertError};
use crate::model::sample::{check_inputs, sample};
use crate::model::{Generator, ModelConfig, ModelKind};

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
