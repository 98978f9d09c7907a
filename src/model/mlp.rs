//! The MLP GAN: fully connected networks on flat 28x28 = 784 vectors.

use burn::nn::Linear;
use burn::prelude::*;
use burn::tensor::activation::{relu, tanh};

use super::activation::leaky_relu;
use serde::{Deserialize, Serialize};

use super::init::{InitScheme, linear};

/// Pixels of one flat MNIST image.
pub const IMAGE_PIXELS: usize = 28 * 28;
/// Slope of the MLP discriminator's LeakyReLU (the course uses 0.1 here).
pub const LEAKY_SLOPE: f64 = 0.1;

/// Settings of the MLP GAN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MlpGanConfig {
    /// Size of the latent vector z; 100 as in the course.
    pub nz: usize,
    /// Width of both hidden layers in G and D; 256 is small and fast, 1024 the other classic.
    pub hidden: usize,
    /// Parameter initialisation; the framework default suits plain MLPs.
    pub init: InitScheme,
}

impl Default for MlpGanConfig {
    fn default() -> Self {
        Self {
            nz: 100,
            hidden: 256,
            init: InitScheme::Default,
        }
    }
}

impl MlpGanConfig {
    /// Builds the generator on `device`.
    pub fn init_generator(&self, device: &Device) -> MlpGenerator {
        let (h, init) = (self.hidden, self.init);
        MlpGenerator {
            fc1: linear(self.nz, h, init, device),
            fc2: linear(h, h, init, device),
            fc3: linear(h, IMAGE_PIXELS, init, device),
        }
    }

    /// Builds the discriminator on `device`.
    pub fn init_discriminator(&self, device: &Device) -> MlpDiscriminator {
        let (h, init) = (self.hidden, self.init);
        MlpDiscriminator {
            fc1: linear(IMAGE_PIXELS, h, init, device),
            fc2: linear(h, h, init, device),
            fc3: linear(h, 1, init, device),
        }
    }
}

/// MLP generator: z [B, nz] -> flat image [B, 784] in [-1, 1].
#[derive(Module, Debug)]
pub struct MlpGenerator {
    fc1: Linear,
    fc2: Linear,
    fc3: Linear,
}

impl MlpGenerator {
    /// Generates flat 28x28 images.
    pub fn forward(&self, z: Tensor<2>) -> Tensor<2> {
        let x = relu(self.fc1.forward(z)); // [B, hidden]
        let x = relu(self.fc2.forward(x)); // [B, hidden]
        tanh(self.fc3.forward(x)) // [B, 784]
    }
}

/// MLP discriminator: flat image [B, 784] -> logit [B, 1].
#[derive(Module, Debug)]
pub struct MlpDiscriminator {
    fc1: Linear,
    fc2: Linear,
    fc3: Linear,
}

impl MlpDiscriminator {
    /// Scores flat images.
    pub fn forward(&self, images: Tensor<2>) -> Tensor<2> {
        let x = leaky_relu(self.fc1.forward(images), LEAKY_SLOPE); // [B, hidden]
        let x = leaky_relu(self.fc2.forward(x), LEAKY_SLOPE); // [B, hidden]
        self.fc3.forward(x) // [B, 1]
    }
}
