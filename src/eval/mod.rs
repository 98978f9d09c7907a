//! The quality meter: a small MNIST classifier that scores generators.
//!
//! - [`classifier`]: a LeNet-style digit classifier on `[B, 1, 32, 32]` and its file format;
//! - [`training`]: training it on the 9,001 training digits, with shifts and rotations;
//! - [`images`]: the 28 -> 32 resize (for the MLP GAN) and the augmentation;
//! - [`frechet`]: Gaussian statistics of feature vectors and the Fréchet distance between them;
//! - [`report`]: the figures of a generator's samples (or of real digits): label accuracy,
//!   class histogram and coverage, mean confidence, and the Fréchet distance of the
//!   classifier's features to those of the 999 held-out digits.
//!
//! Results are read back with asynchronous transfers only, so evaluation runs in the page
//! (WebGPU) as well as natively, where callers block on it (`pollster::block_on`).

pub mod classifier;
pub mod frechet;
pub mod images;
pub mod inversion;
pub mod report;
pub mod training;

use burn::prelude::*;
use thiserror::Error;

pub use crate::train::loss::cross_entropy;
pub use classifier::{Classifier, ClassifierConfig, ClassifierFile, ClassifierTraining};
pub use frechet::{GaussianStats, SymmetricEigen, frechet_distance, sqrt_psd};
pub use images::{Augmentation, halve_64, resize_28_to_32, to_classifier_input};
pub use report::{
    COVERAGE_THRESHOLD, ClassifierOutputs, EvalReport, Evaluator, classify_digits, classify_images,
    evaluate,
};
pub use training::{ClassifierTrainConfig, ClassifierTrainer, accuracy};

/// Images per forward pass when generating or classifying many images: bounds the memory of
/// one pass without making the passes many.
pub(crate) const EVAL_BATCH: usize = 250;

/// Why a classifier file cannot be used, or an evaluation cannot run.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum EvalError {
    /// Shorter than its own header says: the file was cut off.
    #[error("classifier file is truncated: {got} bytes, at least {needed} needed")]
    Truncated {
        /// Bytes needed.
        needed: usize,
        /// Bytes present.
        got: usize,
    },
    /// Does not start with the magic bytes: not a classifier file at all.
    #[error("not a GAN Studio classifier file (wrong magic bytes)")]
    NotAClassifier,
    /// Written by an incompatible version of the format.
    #[error(
        "classifier format version {0} is not supported (this build reads version {current})",
        current = classifier::FORMAT_VERSION
    )]
    UnsupportedVersion(u32),
    /// The JSON header is unreadable or inconsistent.
    #[error("classifier header is invalid: {0}")]
    BadHeader(String),
    /// The weights do not decode or do not fit the classifier the header describes.
    #[error("classifier weights do not fit the model: {0}")]
    BadWeights(String),
    /// Reading a tensor from the device failed.
    #[error("reading from the device failed: {0}")]
    Read(String),
    /// The request cannot be met (too few samples, too few digits).
    #[error("{0}")]
    BadRequest(String),
}

/// Reads a tensor back as `f32` values with one asynchronous transfer (every backend).
pub(crate) async fn read_floats<const D: usize>(tensor: Tensor<D>) -> Result<Vec<f32>, EvalError> {
    tensor
        .into_data_async()
        .await
        .map_err(|e| EvalError::Read(format!("{e:?}")))?
        .try_to_vec()
        .map_err(|e| EvalError::Read(format!("{e:?}")))
}
