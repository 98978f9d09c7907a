//! Real batches: the digits a step trains on, shaped for the model.

use burn::prelude::*;

use crate::data::MnistSet;
use crate::latent;
use crate::model::ModelKind;
use crate::model::sample::codes_tensor;

/// A batch of real images `[B, 1, H, W]` and, for the models that take a digit, labels
/// `[B, 10]`.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Images in [-1, 1].
    pub images: Tensor<4>,
    /// One-hot labels (conditional DCGAN and ACGAN only).
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
            codes_tensor(&latent::one_hot(&digits), latent::DIGITS, device)
        });
        Self { images, labels }
    }
}

/// The digits `indices` of `set` as a model of `kind` sees them, `[n, size, size]` row-major
/// in [-1, 1]: MNIST's own 28x28, or resized to 32x32.
///
/// # Panics
/// If the model's images are neither size.
pub fn real_images(set: &MnistSet, indices: &[usize], kind: ModelKind) -> Vec<f32> {
    let size = kind.image_size();
    let mut pixels = Vec::with_capacity(indices.len() * size * size);
    for &i in indices {
        match size {
            28 => set.push_flat_28(i, &mut pixels),
            32 => set.push_resized_32(i, &mut pixels),
            _ => panic!("{}x{size} images are not MNIST's", kind.name()),
        }
    }
    pixels
}
