//! Drawing from a generator: latent vectors and codes (a digit's one-hot, InfoGAN's latent
//! codes) as tensors, checked against the model that takes them.

use burn::prelude::*;
use thiserror::Error;

use super::{Generator, ModelConfig, ModelKind};
use crate::latent::{self, CONTINUOUS_CODES};

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
    /// A model that takes codes was given none.
    #[error("the {0} model needs its codes (labels)")]
    MissingLabels(&'static str),
    /// Codes of the wrong length.
    #[error("{got} code values for {count} images ({per_image} per image)")]
    BadLabels {
        /// Values given.
        got: usize,
        /// Images asked for.
        count: usize,
        /// Values the model takes per image.
        per_image: usize,
    },
}

/// Latent vectors `[B, nz]` as a tensor.
pub fn z_tensor(z: &[f32], nz: usize, device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(z.to_vec(), [z.len() / nz, nz]), device)
}

/// Codes `[B, width]` as a tensor.
pub fn codes_tensor(codes: &[f32], width: usize, device: &Device) -> Tensor<2> {
    let n = codes.len() / width;
    Tensor::from_data(TensorData::new(codes.to_vec(), [n, width]), device)
}

/// The codes a model of kind `kind` takes for images of `digits` (the digit, or InfoGAN's
/// categorical code) with InfoGAN's continuous codes `continuous` (zeros when `None`):
/// `[n, code size]`, or `None` for a model that takes no code.
pub fn codes_for(
    kind: ModelKind,
    digits: &[u8],
    continuous: Option<&[[f32; CONTINUOUS_CODES]]>,
) -> Option<Vec<f32>> {
    if kind.is_conditional() {
        Some(latent::one_hot(digits))
    } else if kind.has_latent_codes() {
        let zeros = vec![[0.0; CONTINUOUS_CODES]; digits.len()];
        Some(latent::info_codes(digits, continuous.unwrap_or(&zeros)))
    } else {
        None
    }
}

/// Runs `generator` of `model` (already in inference mode, on `device`) on z `[B, nz]` and
/// codes `[B, code size]`, returning images `[B, 1, H, W]` in [-1, 1]. The sizes must fit
/// (see [`check_inputs`] for inputs from outside).
pub fn sample(
    generator: &Generator,
    model: &ModelConfig,
    z: &[f32],
    codes: Option<&[f32]>,
    device: &Device,
) -> Tensor<4> {
    let z = z_tensor(z, model.nz(), device);
    let width = model.kind().code_size();
    let codes = codes.map(|codes| codes_tensor(codes, width, device));
    generator.forward(z, codes)
}

/// Checks z `[n, nz]` and codes `[n, code size]` against `model` and returns `n` with the
/// codes the model takes (a model without codes ignores any given).
pub fn check_inputs<'a>(
    model: &ModelConfig,
    z: &[f32],
    codes: Option<&'a [f32]>,
) -> Result<(usize, Option<&'a [f32]>), SampleError> {
    let nz = model.nz();
    let count = z.len() / nz.max(1);
    if count == 0 || z.len() != count * nz {
        return Err(SampleError::BadZ { got: z.len(), nz });
    }
    let per_image = model.kind().code_size();
    if per_image == 0 {
        return Ok((count, None));
    }
    match codes {
        None => Err(SampleError::MissingLabels(model.kind().name())),
        Some(codes) if codes.len() != count * per_image => Err(SampleError::BadLabels {
            got: codes.len(),
            count,
            per_image,
        }),
        Some(codes) => Ok((count, Some(codes))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CdcganConfig, DcganConfig, InfoganConfig};

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
            Err(SampleError::MissingLabels("cdcgan"))
        );
        assert_eq!(
            check_inputs(&cdcgan, &z, Some(&[0.0; 10])),
            Err(SampleError::BadLabels {
                got: 10,
                count: 2,
                per_image: 10
            })
        );
        let codes = [0.0; 20];
        assert_eq!(
            check_inputs(&cdcgan, &z, Some(&codes)),
            Ok((2, Some(&codes[..])))
        );

        let infogan = ModelConfig::Infogan(InfoganConfig::default());
        let z = vec![0.0; infogan.nz()];
        assert_eq!(
            check_inputs(&infogan, &z, Some(&[0.0; 10])),
            Err(SampleError::BadLabels {
                got: 10,
                count: 1,
                per_image: 12
            }),
            "InfoGAN takes 10 + 2 code values per image"
        );
    }

    #[test]
    fn codes_follow_the_kind() {
        assert_eq!(codes_for(ModelKind::Dcgan, &[3], None), None);
        let label = codes_for(ModelKind::Acgan, &[3], None).unwrap();
        assert_eq!(label, latent::one_hot(&[3]));
        let info = codes_for(
            ModelKind::Infogan,
            &[3, 0],
            Some(&[[0.5, -1.0], [0.0, 0.25]]),
        )
        .unwrap();
        assert_eq!(info.len(), 24);
        assert_eq!(
            &info[..12],
            &[0., 0., 0., 1., 0., 0., 0., 0., 0., 0., 0.5, -1.0]
        );
        assert_eq!(
            &info[12..],
            &[1., 0., 0., 0., 0., 0., 0., 0., 0., 0., 0.0, 0.25]
        );
        let zeros = codes_for(ModelKind::Infogan, &[9], None).unwrap();
        assert_eq!(&zeros[10..], &[0.0, 0.0], "continuous codes default to 0");
    }
}
