//! CS231N's convolutional GAN ("DC-GAN" in its GAN assignment) on MNIST's own 28x28 images,
//! with z uniform in [−1, 1] of size 96: a discriminator of 5x5 convolutions and max
//! pooling, and the InfoGAN paper's generator (two fully connected layers, then two
//! transposed convolutions), each layer followed by its ReLU and then its BatchNorm, in the
//! assignment's order.

use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{BatchNorm, Linear};
use burn::prelude::*;
use burn::tensor::activation::{relu, tanh};
use serde::{Deserialize, Serialize};

use super::activation::leaky_relu;
use super::init::{InitScheme, K4_S2_P1, Kernel, batch_norm, conv, conv_transpose, linear};
use super::norm;
use super::variant::{
    Architecture, Codes, DiscriminatorNet, GeneratorNet, Heads, NGF_NDF, Output, TorchLayout,
    VariantInfo,
};
use crate::latent::Prior;

/// Side of the images: MNIST's own.
const SIDE: usize = 28;
/// The assignment's LeakyReLU slope.
pub const LEAKY_SLOPE: f64 = 0.01;
/// The discriminator's 5x5 convolutions, stride 1, no padding.
const K5_S1_P0: Kernel = Kernel {
    size: 5,
    stride: 1,
    padding: 0,
};

/// Settings of CS231N's convolutional GAN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cs231nConfig {
    /// Size of z; the assignment's 96.
    pub nz: usize,
    /// Generator width: its transposed convolutions have 2·ngf and ngf channels and its fully
    /// connected layers 16·ngf and 7·7·2·ngf outputs; the assignment's 64 gives 128, 64, 1024
    /// and 7·7·128.
    pub ngf: usize,
    /// Discriminator width: its convolutions have ndf and 2·ndf channels and its hidden fully
    /// connected layer 4·4·2·ndf units; the assignment's 32 gives 32, 64 and 1024.
    pub ndf: usize,
    /// Parameter initialisation: the assignment's Xavier-uniform weights.
    pub init: InitScheme,
    /// The distribution z is drawn from: the assignment's uniform in [−1, 1].
    pub prior: Prior,
}

impl Default for Cs231nConfig {
    fn default() -> Self {
        Self {
            nz: 96,
            ngf: 64,
            ndf: 32,
            init: InitScheme::Xavier,
            prior: Prior::Uniform,
        }
    }
}

impl Architecture for Cs231nConfig {
    const INFO: VariantInfo = VariantInfo {
        name: "cs231n",
        title: "CS231N's DC-GAN (28×28)",
        image_size: SIDE,
        image_sizes: &[SIDE],
        codes: Codes::None,
        discriminator_reads_labels: false,
        output: Output::Score,
        heads: Heads::NONE,
        input_gradient: false,
        settings: NGF_NDF,
        torch: TorchLayout {
            // Linear, ReLU, BatchNorm1d, Linear, ReLU, BatchNorm1d, Unflatten,
            // ConvTranspose2d, ReLU, BatchNorm2d, ConvTranspose2d, Tanh
            keys: &["0", "2", "3", "5", "7", "9", "10"],
            ..TorchLayout::SEQUENTIAL
        },
    };
    type Generator = Cs231nGenerator;
    type Discriminator = Cs231nDiscriminator;

    fn nz(&self) -> usize {
        self.nz
    }

    fn prior(&self) -> Prior {
        self.prior
    }

    fn init(&self) -> InitScheme {
        self.init
    }

    fn init_generator(&self, device: &Device) -> Cs231nGenerator {
        let (nz, ngf, init) = (self.nz, self.ngf, self.init);
        let (hidden, grid) = (16 * ngf, 7 * 7 * 2 * ngf);
        Cs231nGenerator {
            fc1: linear(nz, hidden, init, device),
            bn1: batch_norm(hidden, init, device),
            fc2: linear(hidden, grid, init, device),
            bn2: batch_norm(grid, init, device),
            conv1: conv_transpose([2 * ngf, ngf], K4_S2_P1, true, init, device),
            bn3: batch_norm(ngf, init, device),
            conv2: conv_transpose([ngf, 1], K4_S2_P1, true, init, device),
        }
    }

    fn init_discriminator(&self, device: &Device) -> Cs231nDiscriminator {
        let (ndf, init) = (self.ndf, self.init);
        let flat = 4 * 4 * 2 * ndf;
        Cs231nDiscriminator {
            conv1: conv([1, ndf], K5_S1_P0, true, init, device),
            conv2: conv([ndf, 2 * ndf], K5_S1_P0, true, init, device),
            pool: MaxPool2dConfig::new([2, 2]).init(),
            fc1: linear(flat, flat, init, device),
            fc2: linear(flat, 1, init, device),
        }
    }
}

/// CS231N's generator: z [B, nz] -> image [B, 1, 28, 28] in [-1, 1].
#[derive(Module, Debug)]
pub struct Cs231nGenerator {
    fc1: Linear,
    bn1: BatchNorm,
    fc2: Linear,
    bn2: BatchNorm,
    conv1: ConvTranspose2d,
    bn3: BatchNorm,
    conv2: ConvTranspose2d,
}

impl GeneratorNet for Cs231nGenerator {
    fn generate(&self, z: Tensor<2>, _codes: Option<Tensor<2>>) -> Tensor<4> {
        let batch = z.dims()[0];
        let channels = self.conv1.weight.dims()[0];
        let x = norm::batch_norm_1d(&self.bn1, relu(self.fc1.forward(z))); // [B, 16ngf]
        let x = norm::batch_norm_1d(&self.bn2, relu(self.fc2.forward(x))); // [B, 7·7·2ngf]
        let x = x.reshape([batch, channels, 7, 7]); // [B, 2ngf, 7, 7]
        let x = norm::batch_norm(&self.bn3, relu(self.conv1.forward(x))); // [B, ngf, 14, 14]
        tanh(self.conv2.forward(x)) // [B, 1, 28, 28]
    }
}

/// CS231N's discriminator: image [B, 1, 28, 28] -> logit [B, 1].
#[derive(Module, Debug)]
pub struct Cs231nDiscriminator {
    conv1: Conv2d,
    conv2: Conv2d,
    pool: MaxPool2d,
    fc1: Linear,
    fc2: Linear,
}

impl DiscriminatorNet for Cs231nDiscriminator {
    fn discriminate(&self, images: Tensor<4>, _labels: Option<Tensor<2>>) -> Tensor<2> {
        let x = leaky_relu(self.conv1.forward(images), LEAKY_SLOPE); // [B, ndf, 24, 24]
        let x = self.pool.forward(x); // [B, ndf, 12, 12]
        let x = leaky_relu(self.conv2.forward(x), LEAKY_SLOPE); // [B, 2ndf, 8, 8]
        let x = self.pool.forward(x).flatten(1, 3); // [B, 4·4·2ndf]
        let x = leaky_relu(self.fc1.forward(x), LEAKY_SLOPE); // [B, 4·4·2ndf]
        self.fc2.forward(x) // [B, 1]
    }
}
