//! Conditional DCGAN: the label y (one-hot of 10) enters both networks as its own branch.

use burn::nn::BatchNorm;
use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::prelude::*;
use burn::tensor::activation::{relu, tanh};

use super::activation::leaky_relu;
use super::{conv, norm};
use serde::{Deserialize, Serialize};

use super::dcgan::LEAKY_SLOPE;
use super::init::{InitScheme, K4_S1_P0, K4_S2_P1, batch_norm, conv, conv_transpose};
use super::variant::{
    Architecture, Codes, DiscriminatorNet, GeneratorNet, Heads, NGF_NDF, Output, TorchLayout,
    VariantInfo,
};
use crate::latent::Prior;

/// Number of classes (digits) the conditional model knows.
pub const NUM_CLASSES: usize = 10;

/// Settings of the conditional DCGAN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CdcganConfig {
    /// Size of the latent vector z; 100 as in the course.
    pub nz: usize,
    /// Generator width: branches of 2·ngf each, then 2·ngf, ngf; the course's 128 gives 256/512.
    pub ngf: usize,
    /// Discriminator width: branches of ndf each, then 4·ndf, 8·ndf; the course's 64 gives 256/512.
    pub ndf: usize,
    /// Parameter initialisation.
    pub init: InitScheme,
    /// The distribution z is drawn from (files from before it was a setting: Gaussian).
    #[serde(default)]
    pub prior: Prior,
}

impl Default for CdcganConfig {
    fn default() -> Self {
        Self {
            nz: 100,
            ngf: 128,
            ndf: 64,
            init: InitScheme::Dcgan,
            prior: Prior::Gaussian,
        }
    }
}

impl Architecture for CdcganConfig {
    const INFO: VariantInfo = VariantInfo {
        name: "cdcgan",
        title: "Conditional DCGAN (32×32)",
        image_size: 32,
        image_sizes: &[32],
        codes: Codes::Label,
        discriminator_reads_labels: true,
        output: Output::Score,
        heads: Heads::NONE,
        input_gradient: false,
        settings: NGF_NDF,
        torch: TorchLayout {
            // The z and y branches (`z_conv`, `y_bn`, ...), then the body after their
            // concatenation.
            branches: &[("z_", "z"), ("y_", "y")],
            body: "main",
            ..TorchLayout::SEQUENTIAL
        },
    };
    type Generator = CdcganGenerator;
    type Discriminator = CdcganDiscriminator;

    fn nz(&self) -> usize {
        self.nz
    }

    fn prior(&self) -> Prior {
        self.prior
    }

    fn init(&self) -> InitScheme {
        self.init
    }

    fn init_generator(&self, device: &Device) -> CdcganGenerator {
        CdcganConfig::init_generator(self, device)
    }

    fn init_discriminator(&self, device: &Device) -> CdcganDiscriminator {
        CdcganConfig::init_discriminator(self, device)
    }
}

impl CdcganConfig {
    /// The half-width preset: the same layers with half the channels, about 4x cheaper to train.
    pub fn half_width() -> Self {
        Self {
            ngf: 64,
            ndf: 32,
            ..Self::default()
        }
    }

    /// Builds the generator on `device`.
    pub fn init_generator(&self, device: &Device) -> CdcganGenerator {
        let (nz, ngf, init) = (self.nz, self.ngf, self.init);
        CdcganGenerator {
            z_conv: conv_transpose([nz, 2 * ngf], K4_S1_P0, false, init, device),
            z_bn: batch_norm(2 * ngf, init, device),
            y_conv: conv_transpose([NUM_CLASSES, 2 * ngf], K4_S1_P0, false, init, device),
            y_bn: batch_norm(2 * ngf, init, device),
            conv2: conv_transpose([4 * ngf, 2 * ngf], K4_S2_P1, false, init, device),
            bn2: batch_norm(2 * ngf, init, device),
            conv3: conv_transpose([2 * ngf, ngf], K4_S2_P1, false, init, device),
            bn3: batch_norm(ngf, init, device),
            conv4: conv_transpose([ngf, 1], K4_S2_P1, true, init, device),
        }
    }

    /// Builds the discriminator on `device`.
    pub fn init_discriminator(&self, device: &Device) -> CdcganDiscriminator {
        let (ndf, init) = (self.ndf, self.init);
        CdcganDiscriminator {
            x_conv: conv([1, ndf], K4_S2_P1, true, init, device),
            y_conv: conv([NUM_CLASSES, ndf], K4_S2_P1, true, init, device),
            conv2: conv([2 * ndf, 4 * ndf], K4_S2_P1, false, init, device),
            bn2: batch_norm(4 * ndf, init, device),
            conv3: conv([4 * ndf, 8 * ndf], K4_S2_P1, false, init, device),
            bn3: batch_norm(8 * ndf, init, device),
            conv4: conv([8 * ndf, 1], K4_S1_P0, true, init, device),
        }
    }
}

/// Conditional generator: (z [B, nz], y [B, 10]) -> image [B, 1, 32, 32] in [-1, 1].
#[derive(Module, Debug)]
pub struct CdcganGenerator {
    z_conv: ConvTranspose2d,
    z_bn: BatchNorm,
    y_conv: ConvTranspose2d,
    y_bn: BatchNorm,
    conv2: ConvTranspose2d,
    bn2: BatchNorm,
    conv3: ConvTranspose2d,
    bn3: BatchNorm,
    conv4: ConvTranspose2d,
}

impl CdcganGenerator {
    /// Generates images of the digits `labels` (one-hot, or a mix of two for interpolation).
    pub fn forward(&self, z: Tensor<2>, labels: Tensor<2>) -> Tensor<4> {
        let [batch, nz] = z.dims();
        let z = z.reshape([batch, nz, 1, 1]); // [B, nz, 1, 1]
        let y = labels.reshape([batch, NUM_CLASSES, 1, 1]); // [B, 10, 1, 1]
        let z = relu(norm::batch_norm(
            &self.z_bn,
            conv::conv_transpose_1x1_to_4x4(&self.z_conv, z),
        )); // [B, 2ngf, 4, 4]
        let y = relu(norm::batch_norm(
            &self.y_bn,
            conv::conv_transpose_1x1_to_4x4(&self.y_conv, y),
        )); // [B, 2ngf, 4, 4]
        let x = Tensor::cat(vec![z, y], 1); // [B, 4ngf, 4, 4]
        let x = relu(norm::batch_norm(&self.bn2, self.conv2.forward(x))); // [B, 2ngf, 8, 8]
        let x = relu(norm::batch_norm(&self.bn3, self.conv3.forward(x))); // [B, ngf, 16, 16]
        tanh(self.conv4.forward(x)) // [B, 1, 32, 32]
    }
}

/// Conditional discriminator: (image [B, 1, 32, 32], y [B, 10]) -> logit [B, 1].
#[derive(Module, Debug)]
pub struct CdcganDiscriminator {
    x_conv: Conv2d,
    y_conv: Conv2d,
    conv2: Conv2d,
    bn2: BatchNorm,
    conv3: Conv2d,
    bn3: BatchNorm,
    conv4: Conv2d,
}

impl CdcganDiscriminator {
    /// Scores images as real examples of the digits `labels`.
    pub fn forward(&self, images: Tensor<4>, labels: Tensor<2>) -> Tensor<2> {
        let [batch, _, height, width] = images.dims();
        let y =
            labels
                .reshape([batch, NUM_CLASSES, 1, 1])
                .expand([batch, NUM_CLASSES, height, width]); // [B, 10, 32, 32]
        let x = leaky_relu(self.x_conv.forward(images), LEAKY_SLOPE); // [B, ndf, 16, 16]
        let y = leaky_relu(self.y_conv.forward(y), LEAKY_SLOPE); // [B, ndf, 16, 16]
        let x = Tensor::cat(vec![x, y], 1); // [B, 2ndf, 16, 16]
        let x = leaky_relu(
            norm::batch_norm(&self.bn2, self.conv2.forward(x)),
            LEAKY_SLOPE,
        ); // [B, 4ndf, 8, 8]
        let x = leaky_relu(
            norm::batch_norm(&self.bn3, self.conv3.forward(x)),
            LEAKY_SLOPE,
        ); // [B, 8ndf, 4, 4]
        conv::conv_4x4_to_1x1(&self.conv4, x).reshape([batch, 1]) // [B, 1]
    }
}

impl GeneratorNet for CdcganGenerator {
    fn generate(&self, z: Tensor<2>, codes: Option<Tensor<2>>) -> Tensor<4> {
        self.forward(z, codes.expect("the conditional model needs labels"))
    }
}

impl DiscriminatorNet for CdcganDiscriminator {
    fn discriminate(&self, images: Tensor<4>, labels: Option<Tensor<2>>) -> Tensor<2> {
        self.forward(images, labels.expect("the conditional model needs labels"))
    }
}
