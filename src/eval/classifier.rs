//! The MNIST digit classifier that scores generators, and its file format.
//!
//! A LeNet-style network on `[B, 1, 32, 32]` images in [-1, 1]:
//!
//! ```text
//! conv 5x5, 1 -> 32, ReLU, max-pool 2     [B, 32, 14, 14]
//! conv 5x5, 32 -> 64, ReLU, max-pool 2    [B, 64, 5, 5]
//! linear 1600 -> 128, ReLU                [B, 128]   the "features" of the Fréchet distance
//! linear 128 -> 10                        [B, 10]    logits
//! ```
//!
//! A classifier file (little-endian) mirrors a model checkpoint (see [`crate::checkpoint`]):
//! ```text
//! b"GANCLSFR"  magic, 8 bytes
//! u32          format version (FORMAT_VERSION)
//! u32          header length N
//! N bytes      header, JSON: classifier config, how it was trained, weights length
//! weights      one burnpack record (Burn's own format)
//! ```

use std::fmt;

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;
use burn::tensor::activation::relu;
use serde::{Deserialize, Serialize};

use crate::checkpoint::frame::{FrameError, FrameSpec};
use crate::data::{NUM_CLASSES, RESIZED_SIDE};
use crate::eval::EvalError;

/// First bytes of every classifier file.
pub const MAGIC: &[u8; 8] = b"GANCLSFR";
/// Version of the layout in the module docs; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// The classifier file's frame (one version, no header checksum).
const FRAME: FrameSpec = FrameSpec {
    magic: MAGIC,
    current: FORMAT_VERSION,
    oldest: FORMAT_VERSION,
    checksummed_from: None,
};
/// Side of the convolution kernels.
const KERNEL: usize = 5;
/// Side of the feature maps after the second pooling: (((32 − 4) / 2) − 4) / 2.
const POOLED_SIDE: usize = ((RESIZED_SIDE - (KERNEL - 1)) / 2 - (KERNEL - 1)) / 2;

/// The classifier's widths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifierConfig {
    /// Channels of the first convolution; 32 as in the classic Keras/PyTorch MNIST nets.
    pub conv1_channels: usize,
    /// Channels of the second convolution; 64, likewise.
    pub conv2_channels: usize,
    /// Width of the penultimate layer: the length of the feature vectors that the Fréchet
    /// distance compares; 128 keeps its covariances small (128x128).
    pub features: usize,
}

impl Default for ClassifierConfig {
    fn default() -> Self {
        Self {
            conv1_channels: 32,
            conv2_channels: 64,
            features: 128,
        }
    }
}

impl ClassifierConfig {
    /// Checks that every width is usable; returns a message naming the bad setting.
    pub fn validate(&self) -> Result<(), String> {
        for (name, width) in [
            ("conv1_channels", self.conv1_channels),
            ("conv2_channels", self.conv2_channels),
            ("features", self.features),
        ] {
            if !(1..=1024).contains(&width) {
                return Err(format!("{name} must be between 1 and 1024, got {width}"));
            }
        }
        Ok(())
    }

    /// Builds the classifier on `device` with Burn's default initialisers (Kaiming-uniform,
    /// as PyTorch's), drawn from the device's RNG.
    pub fn init(&self, device: &Device) -> Classifier {
        let flat = self.conv2_channels * POOLED_SIDE * POOLED_SIDE;
        Classifier {
            conv1: Conv2dConfig::new([1, self.conv1_channels], [KERNEL, KERNEL]).init(device),
            conv2: Conv2dConfig::new([self.conv1_channels, self.conv2_channels], [KERNEL, KERNEL])
                .init(device),
            pool: MaxPool2dConfig::new([2, 2]).init(),
            hidden: LinearConfig::new(flat, self.features).init(device),
            output: LinearConfig::new(self.features, NUM_CLASSES).init(device),
        }
    }
}

/// The digit classifier: images `[B, 1, 32, 32]` in [-1, 1] -> logits `[B, 10]`.
#[derive(Module, Debug)]
pub struct Classifier {
    conv1: Conv2d,
    conv2: Conv2d,
    pool: MaxPool2d,
    hidden: Linear,
    output: Linear,
}

impl Classifier {
    /// The penultimate activations `[B, features]` (after the ReLU): what the Fréchet
    /// distance compares.
    pub fn features(&self, images: Tensor<4>) -> Tensor<2> {
        let x = self.pool.forward(relu(self.conv1.forward(images))); // [B, c1, 14, 14]
        let x = self.pool.forward(relu(self.conv2.forward(x))); // [B, c2, 5, 5]
        let x = x.flatten(1, 3); // [B, c2 * 25]
        relu(self.hidden.forward(x)) // [B, features]
    }

    /// Logits `[B, 10]` (before the softmax) of each image being each digit.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        self.forward_with_features(images).0
    }

    /// Logits `[B, 10]` and features `[B, features]` from one pass.
    pub fn forward_with_features(&self, images: Tensor<4>) -> (Tensor<2>, Tensor<2>) {
        let features = self.features(images); // [B, features]
        let logits = self.output.forward(features.clone()); // [B, 10]
        (logits, features)
    }
}

/// How a classifier was trained, stored in its file for the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifierTraining {
    /// Passes over the 9,001 training digits.
    pub epochs: usize,
    /// Seed of the weights, the batch order and the augmentation.
    pub seed: u64,
    /// Accuracy on the 999 held-out digits after the last epoch, in [0, 1].
    pub heldout_accuracy: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Header {
    format_version: u32,
    config: ClassifierConfig,
    training: Option<ClassifierTraining>,
    weights_len: usize,
}

/// A decoded classifier file: its header fields and the raw burnpack weights.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassifierFile {
    /// The classifier's widths.
    pub config: ClassifierConfig,
    /// How it was trained, if it was.
    pub training: Option<ClassifierTraining>,
    /// Weights (burnpack), as [`crate::checkpoint::record_bytes_async`] writes them.
    pub weights: Vec<u8>,
}

impl From<FrameError> for EvalError {
    fn from(error: FrameError) -> Self {
        match error {
            FrameError::Truncated { needed, got } => EvalError::Truncated { needed, got },
            FrameError::WrongMagic => EvalError::NotAClassifier,
            FrameError::UnsupportedVersion(v) => EvalError::UnsupportedVersion(v),
            FrameError::BadHeader(why) => EvalError::BadHeader(why),
            // The classifier's frame has no header checksum.
            FrameError::HeaderChecksum { .. } => EvalError::BadHeader(error.to_string()),
        }
    }
}

impl ClassifierFile {
    /// The file of `classifier` (built from `config`), its weights read with asynchronous
    /// transfers (natively, block on it with `pollster::block_on`).
    pub async fn of_classifier(
        classifier: &Classifier,
        config: &ClassifierConfig,
        training: Option<ClassifierTraining>,
    ) -> Result<Self, EvalError> {
        let weights = crate::checkpoint::record_bytes_async(classifier)
            .await
            .map_err(|e| EvalError::Read(e.to_string()))?;
        Ok(Self {
            config: config.clone(),
            training,
            weights,
        })
    }

    /// Serialises to the layout in the module docs.
    pub fn to_bytes(&self) -> Vec<u8> {
        let header = Header {
            format_version: FORMAT_VERSION,
            config: self.config.clone(),
            training: self.training.clone(),
            weights_len: self.weights.len(),
        };
        let header = serde_json::to_vec(&header).expect("the header always serialises");
        let mut out = Vec::with_capacity(16 + header.len() + self.weights.len());
        FRAME.write(&header, &mut out);
        out.extend_from_slice(&self.weights);
        out
    }

    /// Parses and checks the container (not yet the weights: see [`ClassifierFile::load`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, EvalError> {
        let frame = FRAME.split(bytes)?;
        let body = bytes.len() - frame.body.len();
        let header: Header = serde_json::from_slice(frame.header)
            .map_err(|e| EvalError::BadHeader(e.to_string()))?;
        if header.format_version != FORMAT_VERSION {
            return Err(EvalError::BadHeader(format!(
                "header says version {}, container says {FORMAT_VERSION}",
                header.format_version
            )));
        }
        header.config.validate().map_err(EvalError::BadHeader)?;
        let needed = body.saturating_add(header.weights_len);
        if bytes.len() < needed {
            return Err(EvalError::Truncated {
                needed,
                got: bytes.len(),
            });
        }
        if bytes.len() > needed {
            return Err(EvalError::BadHeader(format!(
                "{} bytes after the weights",
                bytes.len() - needed
            )));
        }
        Ok(Self {
            config: header.config,
            training: header.training,
            weights: bytes[body..].to_vec(),
        })
    }

    /// Builds the classifier the header describes and loads its weights, on `device`.
    pub fn load(&self, device: &Device) -> Result<Classifier, EvalError> {
        let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(self.weights.clone()))
            .map_err(|e| EvalError::BadWeights(e.to_string()))?;
        self.config
            .init(device)
            .try_load_record(record)
            .map_err(|e| EvalError::BadWeights(e.to_string()))
    }
}

impl fmt::Display for ClassifierTraining {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} epochs, seed {}, held-out accuracy {:.2}%",
            self.epochs,
            self.seed,
            100.0 * self.heldout_accuracy
        )
    }
}
