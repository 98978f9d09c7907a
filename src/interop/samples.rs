//! Reference samples: latent vectors, labels and the images another framework's generator
//! drew from them, to compare ours with.
//!
//! The JSON (what `tools/pytorch/make_fixtures.py` and `tools/pytorch/check_export.py`
//! write):
//! ```json
//! {"model": "dcgan", "nz": 8, "count": 3, "labels": [3, 7, 0],
//!  "z": [count·nz values], "images": [count·H·W values], "source": "torch 2.15.0"}
//! ```
//! `labels` (digits, one per image) only for the models that take one; `images` are the
//! generator's outputs `[count, 1, H, W]` row-major (the MLP's `[count, 784]` is the same
//! order).

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::sample::{check_inputs, codes_for, sample};
use crate::model::{Generator, ModelConfig};

/// Samples another framework drew, as the JSON above holds them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceSamples {
    /// The model's name (`dcgan`, `cdcgan`, `mlp`, ...), for messages.
    pub model: String,
    /// Latent size.
    pub nz: usize,
    /// Number of images.
    pub count: usize,
    /// The digit of each image, for the models that take one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<u8>>,
    /// The latent vectors, `[count, nz]` row-major.
    pub z: Vec<f32>,
    /// The images, `[count, 1, H, W]` row-major.
    pub images: Vec<f32>,
    /// What drew them (`torch 2.15.0`).
    #[serde(default)]
    pub source: String,
}

impl ReferenceSamples {
    /// Parses the JSON above.
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    /// Draws `generator` (of `model`, in inference mode on `device`) for the same z and labels
    /// and returns the largest absolute difference to the reference images; an error when
    /// the sizes do not fit the model.
    pub fn max_abs_diff(
        &self,
        model: &ModelConfig,
        generator: &Generator,
        device: &Device,
    ) -> Result<f32, String> {
        if self.nz != model.nz() || self.z.len() != self.count * self.nz {
            return Err(format!(
                "the samples' z is {} values of nz {}, the model's nz is {}",
                self.z.len(),
                self.nz,
                model.nz()
            ));
        }
        let kind = model.kind();
        let digits = self.labels.clone().unwrap_or_default();
        if kind.code_size() > 0 && digits.len() != self.count {
            return Err(format!(
                "the {} model needs one label per image: {} labels for {} images",
                kind.name(),
                digits.len(),
                self.count
            ));
        }
        let codes = codes_for(kind, &digits, None);
        let (_, codes) =
            check_inputs(model, &self.z, codes.as_deref()).map_err(|e| e.to_string())?;
        let ours: Vec<f32> = sample(generator, model, &self.z, codes, device)
            .into_data()
            .try_into_vec()
            .map_err(|e| format!("{e:?}"))?;
        if ours.len() != self.images.len() {
            return Err(format!(
                "the reference holds {} pixel values, the model draws {}",
                self.images.len(),
                ours.len()
            ));
        }
        Ok(ours
            .iter()
            .zip(&self.images)
            .map(|(a, b)| (a - b).abs())
            // A NaN anywhere is the answer (f32::max would pass over it).
            .fold(0.0, |max, d| if d.is_nan() || d > max { d } else { max }))
    }
}
