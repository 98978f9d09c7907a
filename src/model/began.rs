//! BEGAN (Berthelot et al. 2017, "Boundary Equilibrium GAN"): the DCGAN's generator and a
//! discriminator that is an autoencoder. The discriminator answers with its energy, how badly
//! it reconstructs an image, L(v) = mean |v − D(v)| over the pixels: it learns to reconstruct
//! real digits well and generated ones badly, and the generator learns to make digits it
//! reconstructs well. The balance between the two terms of its loss (k_t) is the training
//! step's (src/train/balance.rs); the loss is `began` (src/train/loss.rs).
//!
//! The autoencoder follows the paper's shape at MNIST's size: three stride-2 convolutions
//! with ELU down to 4x4, a linear bottleneck of `hidden` values, and the mirror image back up.
//! Its two fully connected layers are followed by BatchNorm, as PyTorch-GAN's BEGAN has them:
//! without it, the generator's first move is to draw blank images, which any autoencoder of
//! MNIST reconstructs almost perfectly (their energy fell to 0.004 while real digits' stayed
//! at 0.07), and k_t, growing by 0.001 of the gap each step, could not pull it out in 1,300
//! steps. With batch statistics, a batch of identical images normalises to one fixed code and
//! reconstructs as that code's image, not as the blank it was, so a collapsed batch has a
//! high energy.
//!
//! Its reconstruction is the last transposed convolution's output itself, with no tanh, as
//! in the paper's decoder and PyTorch-GAN's: behind a tanh the autoencoder reaches the
//! background's −1 only by saturating, and the generator, pushed toward what it reconstructs
//! well, fell into drawing blank images within 250 steps and never left (its own tanh
//! saturated too: energy 0.088 against the real digits' 0.066 at 1,000 steps, k_t at 0).

use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::nn::{BatchNorm, Linear};
use burn::prelude::*;
use burn::tensor::activation::relu;
use serde::{Deserialize, Serialize};

use super::dcgan::{DcganConfig, DcganGenerator};
use super::init::{InitScheme, K4_S2_P1, batch_norm, conv, conv_transpose, linear};
use super::norm;
use super::variant::{
    Architecture, Codes, DiscriminatorNet, Heads, Output, Setting, Sizes, TorchLayout, VariantInfo,
};
use crate::latent::Prior;

/// Side of the images.
const SIDE: usize = 32;
/// Side of the encoder's last feature map.
const BOTTOM: usize = 4;

/// Settings of BEGAN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BeganConfig {
    /// Size of z; the paper's 64 (it uses the same size for z and the bottleneck).
    pub nz: usize,
    /// Generator width, as the DCGAN's (4·ngf, 2·ngf, ngf channels).
    pub ngf: usize,
    /// Autoencoder width: ndf, 2·ndf, 4·ndf channels at 16x16, 8x8 and 4x4, each way.
    pub ndf: usize,
    /// Values in the autoencoder's bottleneck; the paper's 64.
    pub hidden: usize,
    /// Parameter initialisation: the framework's (Kaiming-uniform). DCGAN's N(0, 0.02) left
    /// the autoencoder reconstructing every image as blank background for 1,000 steps (L(x)
    /// stuck at 0.26, the mean ink of a digit), and G with nothing to learn from.
    pub init: InitScheme,
    /// The distribution z is drawn from: the paper's uniform in [−1, 1].
    pub prior: Prior,
}

impl Default for BeganConfig {
    fn default() -> Self {
        Self {
            nz: 64,
            ngf: 32,
            ndf: 32,
            hidden: 64,
            init: InitScheme::Default,
            prior: Prior::Uniform,
        }
    }
}

impl Architecture for BeganConfig {
    const INFO: VariantInfo = VariantInfo {
        name: "began",
        title: "BEGAN (32×32)",
        image_size: SIDE,
        image_sizes: &[SIDE],
        codes: Codes::None,
        discriminator_reads_labels: false,
        output: Output::Energy,
        heads: Heads::NONE,
        input_gradient: false,
        settings: &[
            Setting::width("ngf", "ngf", Sizes::Generator),
            Setting::width("ndf", "ndf", Sizes::Discriminator),
            Setting::width("hidden", "bottleneck h", Sizes::Discriminator),
        ],
        torch: TorchLayout::SEQUENTIAL,
    };
    type Generator = DcganGenerator;
    type Discriminator = BeganDiscriminator;

    fn nz(&self) -> usize {
        self.nz
    }

    fn prior(&self) -> Prior {
        self.prior
    }

    fn init(&self) -> InitScheme {
        self.init
    }

    fn init_generator(&self, device: &Device) -> DcganGenerator {
        DcganConfig {
            nz: self.nz,
            ngf: self.ngf,
            init: self.init,
            ..DcganConfig::default()
        }
        .init_generator(device)
    }

    fn init_discriminator(&self, device: &Device) -> BeganDiscriminator {
        let (ndf, init) = (self.ndf, self.init);
        let flat = 4 * ndf * BOTTOM * BOTTOM;
        BeganDiscriminator {
            down1: conv([1, ndf], K4_S2_P1, true, init, device),
            down2: conv([ndf, 2 * ndf], K4_S2_P1, true, init, device),
            down3: conv([2 * ndf, 4 * ndf], K4_S2_P1, true, init, device),
            encode: linear(flat, self.hidden, init, device),
            encode_bn: batch_norm(self.hidden, init, device),
            decode: linear(self.hidden, flat, init, device),
            decode_bn: batch_norm(flat, init, device),
            up1: conv_transpose([4 * ndf, 2 * ndf], K4_S2_P1, true, init, device),
            up2: conv_transpose([2 * ndf, ndf], K4_S2_P1, true, init, device),
            up3: conv_transpose([ndf, 1], K4_S2_P1, true, init, device),
        }
    }
}

/// ELU(x) = x above 0, exp(x) − 1 below, as relu(x) + exp(−relu(−x)) − 1: ReLU's and exp's
/// own backward kernels under autodiff, where Burn's `elu` is a masked select.
fn elu<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    relu(x.clone()) + relu(x.neg()).neg().exp().sub_scalar(1.0)
}

/// BEGAN's discriminator, an autoencoder: image [B, 1, 32, 32] -> its energy [B, 1], the mean
/// absolute difference between the image and its reconstruction.
#[derive(Module, Debug)]
pub struct BeganDiscriminator {
    down1: Conv2d,
    down2: Conv2d,
    down3: Conv2d,
    encode: Linear,
    encode_bn: BatchNorm,
    decode: Linear,
    decode_bn: BatchNorm,
    up1: ConvTranspose2d,
    up2: ConvTranspose2d,
    up3: ConvTranspose2d,
}

impl BeganDiscriminator {
    /// The autoencoder's reconstruction of `images` `[B, 1, 32, 32]` (unbounded: no tanh).
    pub fn reconstruct(&self, images: Tensor<4>) -> Tensor<4> {
        let batch = images.dims()[0];
        let channels = self.up1.weight.dims()[0];
        let x = elu(self.down1.forward(images)); // [B, ndf, 16, 16]
        let x = elu(self.down2.forward(x)); // [B, 2ndf, 8, 8]
        let x: Tensor<2> = elu(self.down3.forward(x)).flatten(1, 3); // [B, 4ndf·4·4]
        let h = norm::batch_norm_1d(&self.encode_bn, self.encode.forward(x)); // [B, hidden]
        let x = elu(norm::batch_norm_1d(&self.decode_bn, self.decode.forward(h))); // [B, 4ndf·4·4]
        let x = x.reshape([batch, channels, BOTTOM, BOTTOM]); // [B, 4ndf, 4, 4]
        let x = elu(self.up1.forward(x)); // [B, 2ndf, 8, 8]
        let x = elu(self.up2.forward(x)); // [B, ndf, 16, 16]
        self.up3.forward(x) // [B, 1, 32, 32]
    }
}

impl DiscriminatorNet for BeganDiscriminator {
    fn discriminate(&self, images: Tensor<4>, _labels: Option<Tensor<2>>) -> Tensor<2> {
        let batch = images.dims()[0];
        let error = (self.reconstruct(images.clone()) - images).abs(); // [B, 1, 32, 32]
        error.reshape([batch, SIDE * SIDE]).mean_dim(1) // [B, 1]
    }
}
