//! Drawing from a generator: latent vectors and label codes as tensors, checked against the
//! model that takes them.

use burn::prelude::*;
use thiserror::Error;

use super::{Generator, ModelConfig};
use crate::latent;

/// Why latent vectors or label codes do not fit a model.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SampleError {
    /// No vectors, or a length that is not a multiple of the latent size.
    #[error("z holds {got} values, not a multiple of nz = {nz}")]
    BadZ {
        /// Values given.
        got: usize,
        /// The model's latent size.
        nz: usize,
    },
    /// The conditional model was given no label codes.
    #[error("the conditional model needs labels")]
    MissingLabels,
    /// Label codes of the wrong length.
    #[error("{got} label values for {count} images (10 per image)")]
    BadLabels {
        /// Values given.
        got: usize,
        /// Images asked for.
        count: usize,
    },
}

/// Latent vectors `[B, nz]` as a tensor.
pub fn z_tensor(z: &[f32], nz: usize, device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(z.to_vec(), [z.len() / nz, nz]), device)
}

/// Label codes `[B, 10]` as a tensor.
pub fn labels_tensor(codes: &[f32], device: &Device) -> Tensor<2> {
    let n = codes.len() / latent::DIGITS;
    Tensor::from_data(TensorData::new(codes.to_vec(), [n, latent::DIGITS]), device)
}

/// Runs `generator` (already in inference mode, on `device`) on z `[B, nz]` and label codes
/// `[B, 10]`, returning images `[B, 1, H, W]` in [-1, 1]. The sizes must fit (see
/// [`check_inputs`] for inputs from outside).
pub fn sample(
    generator: &Generator,
    nz: usize,
    z: &[f32],
    labels: Option<&[f32]>,
    device: &Device,
) -> Tensor<4> {
    let z = z_tensor(z, nz, device);
    let labels = labels.map(|codes| labels_tensor(codes, device));
    generator.forward(z, labels)
}

/// Checks z `[n, nz]` and label codes `[n, 10]` against `model` and returns `n` with the
/// codes the model takes (a model without labels ignores any given).
pub fn check_inputs<'a>(
    model: &ModelConfig,
    z: &[f32],
    labels: Option<&'a [f32]>,
) -> Result<(usize, Option<&'a [f32]>), SampleError> {
    let nz = model.nz();
    let count = z.len() / nz.max(1);
    if count == 0 || z.len() != count * nz {
        return Err(SampleError::BadZ { got: z.len(), nz });
    }
    if !model.kind().is_conditional() {
        return Ok((count, None));
    }
    match labels {
        None => Err(SampleError::MissingLabels),
        Some(codes) if codes.len() != count * latent::DIGITS => Err(SampleError::BadLabels {
            got: codes.len(),
            count,
        }),
        Some(codes) => Ok((count, Some(codes))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CdcganConfig, DcganConfig};

    #[test]
    fn inputs_are_checked_against_the_model() {
        let dcgan = ModelConfig::Dcgan(DcganConfig::default());
        let nz = dcgan.nz();
        let z = vec![0.0; 3 * nz];
        assert_eq!(check_inputs(&dcgan, &z, None), Ok((3, None)));
        assert_eq!(
            check_inputs(&dcgan, &z, Some(&[1.0; 30])),
            Ok((3, None)),
            "an unconditional model ignores labels"
        );
        assert_eq!(
            check_inputs(&dcgan, &z[..nz + 1], None),
            Err(SampleError::BadZ { got: nz + 1, nz })
        );
        assert_eq!(
            check_inputs(&dcgan, &[], None),
            Err(SampleError::BadZ { got: 0, nz })
        );

        let cdcgan = ModelConfig::Cdcgan(CdcganConfig::default());
        let z = vec![0.0; 2 * cdcgan.nz()];
        assert_eq!(
            check_inputs(&cdcgan, &z, None),
            Err(SampleError::MissingLabels)
        );
        assert_eq!(
            check_inputs(&cdcgan, &z, Some(&[0.0; 10])),
            Err(SampleError::BadLabels { got: 10, count: 2 })
        );
        let codes = [0.0; 20];
        assert_eq!(
            check_inputs(&cdcgan, &z, Some(&codes)),
            Ok((2, Some(&codes[..])))
        );
    }
}
