//! InfoGAN on the InfoGAN paper's own MNIST networks (Chen et al. 2016, appendix C.1), at
//! MNIST's 28x28: a generator of two fully connected layers then two transposed
//! convolutions, and a discriminator of two 4x4 stride-2 convolutions and a fully connected
//! layer of 1024, whose Q head has a hidden layer of its own. The codes and the information
//! term are [`super::infogan`]'s; only the networks differ. On these networks the categorical
//! code came to mean the digit (seed 1: 91.7% purity over all ten digits; seeds 2 to 4 at
//! 79-88%), where on the DCGAN's (32x32, all-convolutional) it merged look-alike digits
//! (64.6%, 7 digits; weights/README.md has every run).

use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::nn::{BatchNorm, Linear};
use burn::prelude::*;
use burn::tensor::activation::{relu, tanh};
use serde::{Deserialize, Serialize};

use super::activation::leaky_relu;
use super::infogan::{CODE_SIZE, CODES, HEADS};
use super::init::{InitScheme, K4_S2_P1, batch_norm, conv, conv_transpose, linear};
use super::norm;
use super::variant::{
    Architecture, DiscriminatorNet, GeneratorNet, NGF_NDF, Output, TorchLayout, VariantInfo,
};
use crate::latent::Prior;

/// Side of the images: MNIST's own.
const SIDE: usize = 28;
/// Side of the generator's first feature map and the discriminator's last (28 / 4).
const GRID: usize = SIDE / 4;
/// The discriminator's LeakyReLU slope.
pub const LEAKY_SLOPE: f64 = 0.1;

/// Settings of the paper's InfoGAN networks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InfoganPaperConfig {
    /// Size of the noise z (beside the codes); the paper's 62.
    pub nz: usize,
    /// Generator width: its transposed convolutions have 2·ngf and ngf channels and its fully
    /// connected layers 16·ngf and 7·7·2·ngf outputs; the paper's 64 gives 128, 64, 1024 and
    /// 7·7·128.
    pub ngf: usize,
    /// Discriminator width: its convolutions have ndf and 2·ndf channels, its fully
    /// connected layer 16·ndf units and its Q head's hidden layer 2·ndf; the paper's 64 gives
    /// 64, 128, 1024 and 128.
    pub ndf: usize,
    /// Parameter initialisation.
    pub init: InitScheme,
    /// The distribution z is drawn from: the paper's code draws it uniform in [−1, 1].
    pub prior: Prior,
}

impl Default for InfoganPaperConfig {
    fn default() -> Self {
        Self {
            nz: 62,
            ngf: 64,
            ndf: 64,
            init: InitScheme::Dcgan,
            prior: Prior::Uniform,
        }
    }
}

impl Architecture for InfoganPaperConfig {
    const INFO: VariantInfo = VariantInfo {
        name: "infogan-paper",
        title: "InfoGAN, the paper's networks (28×28)",
        image_size: SIDE,
        image_sizes: &[SIDE],
        codes: CODES,
        discriminator_reads_labels: false,
        output: Output::Score,
        heads: HEADS,
        input_gradient: false,
        settings: NGF_NDF,
        torch: TorchLayout {
            // Linear, BatchNorm1d, ReLU, Linear, BatchNorm1d, ReLU, Unflatten,
            // ConvTranspose2d, BatchNorm2d, ReLU, ConvTranspose2d, Tanh
            keys: &["0", "1", "3", "4", "7", "8", "10"],
            ..TorchLayout::SEQUENTIAL
        },
    };
    type Generator = InfoganPaperGenerator;
    type Discriminator = InfoganPaperDiscriminator;

    fn nz(&self) -> usize {
        self.nz
    }

    fn prior(&self) -> Prior {
        self.prior
    }

    fn init(&self) -> InitScheme {
        self.init
    }

    fn init_generator(&self, device: &Device) -> InfoganPaperGenerator {
        let (ngf, init) = (self.ngf, self.init);
        let (hidden, grid) = (16 * ngf, GRID * GRID * 2 * ngf);
        InfoganPaperGenerator {
            fc1: linear(self.nz + CODE_SIZE, hidden, init, device),
            bn1: batch_norm(hidden, init, device),
            fc2: linear(hidden, grid, init, device),
            bn2: batch_norm(grid, init, device),
            conv1: conv_transpose([2 * ngf, ngf], K4_S2_P1, false, init, device),
            bn3: batch_norm(ngf, init, device),
            conv2: conv_transpose([ngf, 1], K4_S2_P1, true, init, device),
        }
    }

    fn init_discriminator(&self, device: &Device) -> InfoganPaperDiscriminator {
        let (ndf, init) = (self.ndf, self.init);
        let (flat, hidden, q_hidden) = (GRID * GRID * 2 * ndf, 16 * ndf, 2 * ndf);
        InfoganPaperDiscriminator {
            conv1: conv([1, ndf], K4_S2_P1, true, init, device),
            conv2: conv([ndf, 2 * ndf], K4_S2_P1, false, init, device),
            bn2: batch_norm(2 * ndf, init, device),
            fc: linear(flat, hidden, init, device),
            bn3: batch_norm(hidden, init, device),
            score: linear(hidden, 1, init, device),
            q_fc: linear(hidden, q_hidden, init, device),
            q_bn: batch_norm(q_hidden, init, device),
            q_out: linear(q_hidden, CODE_SIZE, init, device),
        }
    }
}

/// The paper's generator: (z [B, nz], codes [B, 12]) -> image [B, 1, 28, 28] in [-1, 1],
/// each hidden layer followed by its BatchNorm and then ReLU.
#[derive(Module, Debug)]
pub struct InfoganPaperGenerator {
    fc1: Linear,
    bn1: BatchNorm,
    fc2: Linear,
    bn2: BatchNorm,
    conv1: ConvTranspose2d,
    bn3: BatchNorm,
    conv2: ConvTranspose2d,
}

impl GeneratorNet for InfoganPaperGenerator {
    fn generate(&self, z: Tensor<2>, codes: Option<Tensor<2>>) -> Tensor<4> {
        let batch = z.dims()[0];
        let channels = self.conv1.weight.dims()[0];
        let codes = codes.expect("InfoGAN's generator takes its codes beside z");
        let x = Tensor::cat(vec![z, codes], 1); // [B, nz + 12]
        let x = relu(norm::batch_norm_1d(&self.bn1, self.fc1.forward(x))); // [B, 16ngf]
        let x = relu(norm::batch_norm_1d(&self.bn2, self.fc2.forward(x))); // [B, 7·7·2ngf]
        let x = x.reshape([batch, channels, GRID, GRID]); // [B, 2ngf, 7, 7]
        let x = relu(norm::batch_norm(&self.bn3, self.conv1.forward(x))); // [B, ngf, 14, 14]
        tanh(self.conv2.forward(x)) // [B, 1, 28, 28]
    }
}

/// The paper's discriminator with its Q head: image [B, 1, 28, 28] -> [B, 13], the
/// real/fake logit then Q's 10 categorical logits and 2 continuous estimates.
#[derive(Module, Debug)]
pub struct InfoganPaperDiscriminator {
    conv1: Conv2d,
    conv2: Conv2d,
    bn2: BatchNorm,
    fc: Linear,
    bn3: BatchNorm,
    score: Linear,
    q_fc: Linear,
    q_bn: BatchNorm,
    q_out: Linear,
}

impl DiscriminatorNet for InfoganPaperDiscriminator {
    fn discriminate(&self, images: Tensor<4>, _labels: Option<Tensor<2>>) -> Tensor<2> {
        let x = leaky_relu(self.conv1.forward(images), LEAKY_SLOPE); // [B, ndf, 14, 14]
        let x = self.conv2.forward(x); // [B, 2ndf, 7, 7]
        let x = leaky_relu(norm::batch_norm(&self.bn2, x), LEAKY_SLOPE).flatten(1, 3); // [B, 7·7·2ndf]
        let x = leaky_relu(
            norm::batch_norm_1d(&self.bn3, self.fc.forward(x)),
            LEAKY_SLOPE,
        ); // [B, 16ndf]
        let score = self.score.forward(x.clone()); // [B, 1]
        let q = norm::batch_norm_1d(&self.q_bn, self.q_fc.forward(x)); // [B, 2ndf]
        let codes = self.q_out.forward(leaky_relu(q, LEAKY_SLOPE)); // [B, 12]
        Tensor::cat(vec![score, codes], 1) // [B, 13]
    }
}
