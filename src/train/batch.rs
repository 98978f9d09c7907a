//! Real batches: the digits a step trains on, shaped for the model.

use burn::prelude::*;

use crate::data::MnistSet;
use crate::latent;
use crate::model::ModelConfig;
use crate::model::sample::codes_tensor;

/// A batch of real images `[B, 1, H, W]` and, for the models that take a digit, labels
/// `[B, 10]`.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Images in [-1, 1].
    pub images: Tensor<4>,
    /// One-hot labels (the models that take a label only).
    pub labels: Option<Tensor<2>>,
}

impl Batch {
    /// Builds the batch of `indices` from the dataset, shaped for `model`.
    pub fn from_dataset(
        set: &MnistSet,
        indices: &[usize],
        model: &ModelConfig,
        device: &Device,
    ) -> Self {
        let size = model.image_size();
        let pixels = real_images(set, indices, size);
        let images = Tensor::from_data(
            TensorData::new(pixels, [indices.len(), 1, size, size]),
            device,
        );
        let labels = model.kind().is_conditional().then(|| {
            let digits: Vec<u8> = indices.iter().map(|&i| set.label(i)).collect();
            codes_tensor(&latent::one_hot(&digits), latent::DIGITS, device)
        });
        Self { images, labels }
    }
}

/// The items `indices` of `set` at side `size`, `[n, size, size]` row-major in [-1, 1]:
/// MNIST's own 28x28, or resized (32x32, 64x64) as the convolutional models see them.
pub fn real_images(set: &MnistSet, indices: &[usize], size: usize) -> Vec<f32> {
    let mut pixels = Vec::with_capacity(indices.len() * size * size);
    for &i in indices {
        set.push_at(i, size, &mut pixels);
    }
    pixels
}
