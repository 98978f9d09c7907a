//! DCGAN for 1x32x32 MNIST, with the course's layer list (see shared DESIGN.md), and at
//! 64x64 with one more block in each network, as the course suggests for larger images (the
//! layers of pytorch/examples' DCGAN: 8·ngf, 4·ngf, 2·ngf, ngf and ndf, 2·ndf, 4·ndf, 8·ndf).

use burn::nn::BatchNorm;
use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::prelude::*;
use burn::tensor::activation::{relu, tanh};

use super::activation::leaky_relu;
use super::{conv, norm};
use serde::{Deserialize, Serialize};

use super::init::{InitScheme, K4_S1_P0, K4_S2_P1, batch_norm, conv, conv_transpose};
use super::spectral::SpectralDiscriminator;
use super::variant::{
    Architecture, Codes, DiscriminatorNet, GeneratorNet, Heads, NGF_NDF, Output, TorchLayout,
    VariantInfo,
};
use crate::latent::Prior;

/// Slope of the discriminator's LeakyReLU, as in the DCGAN paper.
pub const LEAKY_SLOPE: f64 = 0.2;

/// Settings of the DCGAN generator and discriminator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DcganConfig {
    /// Size of the latent vector z; 100 is the DCGAN paper's and the course's choice.
    pub nz: usize,
    /// Generator width: its layers have 4·ngf, 2·ngf, ngf channels; 32 keeps MNIST cheap.
    pub ngf: usize,
    /// Discriminator width: its layers have ndf, 2·ndf, 4·ndf channels; 32 mirrors ngf.
    pub ndf: usize,
    /// Parameter initialisation; DCGAN's N(0, 0.02) is what the architecture was tuned with.
    pub init: InitScheme,
    /// How the discriminator keeps its layers in range: BatchNorm, the DCGAN paper's, or
    /// spectral normalisation (a Wasserstein critic's Lipschitz bound, for `wgan-sn`).
    #[serde(default, skip_serializing_if = "DiscriminatorNorm::is_batch")]
    pub norm: DiscriminatorNorm,
    /// The distribution z is drawn from (files from before it was a setting: Gaussian).
    #[serde(default)]
    pub prior: Prior,
    /// Side of the images: 32, or 64 with one more block in each network (files from
    /// before it was a setting: 32).
    #[serde(default = "thirty_two")]
    pub image_size: usize,
}

fn thirty_two() -> usize {
    32
}

impl Default for DcganConfig {
    fn default() -> Self {
        Self {
            nz: 100,
            ngf: 32,
            ndf: 32,
            init: InitScheme::Dcgan,
            norm: DiscriminatorNorm::Batch,
            prior: Prior::Gaussian,
            image_size: 32,
        }
    }
}

impl Architecture for DcganConfig {
    const INFO: VariantInfo = VariantInfo {
        name: "dcgan",
        title: "DCGAN (32×32 or 64×64)",
        image_size: 32,
        image_sizes: &[32, 64],
        codes: Codes::None,
        discriminator_reads_labels: false,
        output: Output::Score,
        heads: Heads::NONE,
        input_gradient: false,
        settings: NGF_NDF,
        torch: TorchLayout::SEQUENTIAL,
    };
    type Generator = DcganGenerator;
    type Discriminator = DcganCritic;

    fn nz(&self) -> usize {
        self.nz
    }

    fn prior(&self) -> Prior {
        self.prior
    }

    fn init(&self) -> InitScheme {
        self.init
    }

    fn image_size(&self) -> usize {
        self.image_size
    }

    fn init_generator(&self, device: &Device) -> DcganGenerator {
        DcganConfig::init_generator(self, device)
    }

    fn init_discriminator(&self, device: &Device) -> DcganCritic {
        match self.norm {
            DiscriminatorNorm::Batch => {
                DcganCritic::Batch(DcganConfig::init_discriminator(self, device))
            }
            DiscriminatorNorm::Spectral => {
                DcganCritic::Spectral(SpectralDiscriminator::new(self.ndf, self.init, device))
            }
        }
    }

    fn spectral(&self) -> bool {
        self.norm == DiscriminatorNorm::Spectral
    }

    fn with_spectral(&self, spectral: bool) -> Option<Self> {
        let norm = if spectral {
            DiscriminatorNorm::Spectral
        } else {
            DiscriminatorNorm::Batch
        };
        Some(Self {
            norm,
            ..self.clone()
        })
    }
}

/// The DCGAN's discriminator: with BatchNorm as the paper, or its layers under spectral
/// normalisation as a Wasserstein critic.
#[allow(clippy::large_enum_variant)] // one per run
#[derive(Module, Debug)]
pub enum DcganCritic {
    /// The paper's, with BatchNorm.
    Batch(DcganDiscriminator),
    /// Every convolution under spectral normalisation, no BatchNorm.
    Spectral(SpectralDiscriminator),
}

impl DiscriminatorNet for DcganCritic {
    fn discriminate(&self, images: Tensor<4>, _labels: Option<Tensor<2>>) -> Tensor<2> {
        match self {
            DcganCritic::Batch(d) => d.forward(images),
            DcganCritic::Spectral(d) => d.forward(images),
        }
    }
}

/// The DCGAN discriminator's normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DiscriminatorNorm {
    /// BatchNorm after the inner convolutions, as the DCGAN paper.
    #[default]
    Batch,
    /// Spectral normalisation of every convolution and no BatchNorm
    /// ([`super::spectral::SpectralDiscriminator`]).
    Spectral,
}

impl DiscriminatorNorm {
    /// Every normalisation, in the order menus and `--help` list them.
    pub const ALL: &'static [DiscriminatorNorm] =
        &[DiscriminatorNorm::Batch, DiscriminatorNorm::Spectral];

    /// The name used on the command line and in checkpoints.
    pub fn name(self) -> &'static str {
        match self {
            DiscriminatorNorm::Batch => "batch",
            DiscriminatorNorm::Spectral => "spectral",
        }
    }

    /// Parses a name from [`DiscriminatorNorm::name`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|n| n.name() == name)
    }

    fn is_batch(&self) -> bool {
        *self == DiscriminatorNorm::Batch
    }
}

impl DcganConfig {
    /// Whether the networks have the 64x64 images' extra block.
    fn larger(&self) -> bool {
        self.image_size == 64
    }

    /// Builds the generator on `device`.
    pub fn init_generator(&self, device: &Device) -> DcganGenerator {
        let (nz, ngf, init) = (self.nz, self.ngf, self.init);
        // The widths from the first block down to ngf: 4, 2, 1 (·ngf), or 8, 4, 2, 1.
        let top = if self.larger() { 8 } else { 4 };
        let up = |from: usize, to: usize| conv_transpose([from, to], K4_S2_P1, false, init, device);
        let (conv4, bn4, conv5) = if self.larger() {
            (
                up(2 * ngf, ngf),
                Some(batch_norm(ngf, init, device)),
                Some(up(ngf, 1)),
            )
        } else {
            (up(ngf, 1), None, None)
        };
        DcganGenerator {
            conv1: conv_transpose([nz, top * ngf], K4_S1_P0, false, init, device),
            bn1: batch_norm(top * ngf, init, device),
            conv2: up(top * ngf, top / 2 * ngf),
            bn2: batch_norm(top / 2 * ngf, init, device),
            conv3: up(top / 2 * ngf, top / 4 * ngf),
            bn3: batch_norm(top / 4 * ngf, init, device),
            conv4,
            bn4,
            conv5,
        }
    }

    /// Builds the discriminator (with BatchNorm) on `device`: one logit per image.
    pub fn init_discriminator(&self, device: &Device) -> DcganDiscriminator {
        self.init_discriminator_with_outputs(1, device)
    }

    /// The discriminator's layers with `outputs` values per image from its last layer: the
    /// real/fake logit, then any heads sharing its body (ACGAN's digit, InfoGAN's codes).
    pub fn init_discriminator_with_outputs(
        &self,
        outputs: usize,
        device: &Device,
    ) -> DcganDiscriminator {
        let (ndf, init) = (self.ndf, self.init);
        let down = |from: usize, to: usize| conv([from, to], K4_S2_P1, false, init, device);
        let (conv4, bn4, conv5) = if self.larger() {
            (
                down(4 * ndf, 8 * ndf),
                Some(batch_norm(8 * ndf, init, device)),
                Some(conv([8 * ndf, outputs], K4_S1_P0, false, init, device)),
            )
        } else {
            (
                conv([4 * ndf, outputs], K4_S1_P0, false, init, device),
                None,
                None,
            )
        };
        DcganDiscriminator {
            conv1: down(1, ndf),
            bn1: batch_norm(ndf, init, device),
            conv2: down(ndf, 2 * ndf),
            bn2: batch_norm(2 * ndf, init, device),
            conv3: down(2 * ndf, 4 * ndf),
            bn3: batch_norm(4 * ndf, init, device),
            conv4,
            bn4,
            conv5,
        }
    }
}

/// DCGAN generator: z [B, nz] -> image [B, 1, 32, 32] in [-1, 1], or [B, 1, 64, 64] with the
/// extra block (`bn4`, `conv5`).
#[derive(Module, Debug)]
pub struct DcganGenerator {
    conv1: ConvTranspose2d,
    bn1: BatchNorm,
    conv2: ConvTranspose2d,
    bn2: BatchNorm,
    conv3: ConvTranspose2d,
    bn3: BatchNorm,
    conv4: ConvTranspose2d,
    bn4: Option<BatchNorm>,
    conv5: Option<ConvTranspose2d>,
}

impl DcganGenerator {
    /// Generates images from latent vectors.
    pub fn forward(&self, z: Tensor<2>) -> Tensor<4> {
        let [batch, nz] = z.dims();
        let x = z.reshape([batch, nz, 1, 1]); // [B, nz, 1, 1]
        let x = relu(norm::batch_norm(
            &self.bn1,
            conv::conv_transpose_1x1_to_4x4(&self.conv1, x),
        )); // [B, 4ngf (8ngf), 4, 4]
        let x = relu(norm::batch_norm(&self.bn2, self.conv2.forward(x))); // [B, 2ngf (4ngf), 8, 8]
        let x = relu(norm::batch_norm(&self.bn3, self.conv3.forward(x))); // [B, ngf (2ngf), 16, 16]
        match (&self.bn4, &self.conv5) {
            (Some(bn4), Some(conv5)) => {
                let x = relu(norm::batch_norm(bn4, self.conv4.forward(x))); // [B, ngf, 32, 32]
                tanh(conv5.forward(x)) // [B, 1, 64, 64]
            }
            _ => tanh(self.conv4.forward(x)), // [B, 1, 32, 32]
        }
    }
}

/// DCGAN discriminator: image [B, 1, 32, 32] (or [B, 1, 64, 64] with the extra block, `bn4`
/// and `conv5`) -> logit [B, 1] (the sigmoid is in the loss), or [B, outputs] with heads
/// beside the logit.
#[derive(Module, Debug)]
pub struct DcganDiscriminator {
    conv1: Conv2d,
    bn1: BatchNorm,
    conv2: Conv2d,
    bn2: BatchNorm,
    conv3: Conv2d,
    bn3: BatchNorm,
    conv4: Conv2d,
    bn4: Option<BatchNorm>,
    conv5: Option<Conv2d>,
}

impl DcganDiscriminator {
    /// Scores images; a larger logit (the first output) means "more likely real".
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let batch = images.dims()[0];
        let block = |conv: &Conv2d, bn: &BatchNorm, x| {
            leaky_relu(norm::batch_norm(bn, conv.forward(x)), LEAKY_SLOPE)
        };
        let x = block(&self.conv1, &self.bn1, images); // [B, ndf, 16 (32), 16 (32)]
        let x = block(&self.conv2, &self.bn2, x); // [B, 2ndf, 8 (16), 8 (16)]
        let x = block(&self.conv3, &self.bn3, x); // [B, 4ndf, 4 (8), 4 (8)]
        let (last, x) = match (&self.bn4, &self.conv5) {
            (Some(bn4), Some(conv5)) => (conv5, block(&self.conv4, bn4, x)), // [B, 8ndf, 4, 4]
            _ => (&self.conv4, x),
        };
        let outputs = last.weight.dims()[0];
        conv::conv_4x4_to_1x1(last, x).reshape([batch, outputs]) // [B, outputs]
    }
}

impl GeneratorNet for DcganGenerator {
    fn generate(&self, z: Tensor<2>, _codes: Option<Tensor<2>>) -> Tensor<4> {
        self.forward(z) // [B, 1, 32, 32]
    }
}

impl DiscriminatorNet for DcganDiscriminator {
    fn discriminate(&self, images: Tensor<4>, _labels: Option<Tensor<2>>) -> Tensor<2> {
        self.forward(images) // [B, outputs]
    }
}

/// The DCGAN generator taking a code beside z: (z [B, nz], code [B, k]) -> image
/// [B, 1, 32, 32], the code concatenated to z as its first layer's input (built with nz + k
/// inputs). This is how the ACGAN paper's generator takes the class and InfoGAN's takes its
/// latent codes.
#[derive(Module, Debug)]
pub struct CodedGenerator {
    dcgan: DcganGenerator,
}

impl CodedGenerator {
    /// Wraps a DCGAN generator built for nz + k inputs.
    pub fn new(dcgan: DcganGenerator) -> Self {
        Self { dcgan }
    }

    /// Generates images from noise and codes.
    pub fn forward(&self, z: Tensor<2>, code: Tensor<2>) -> Tensor<4> {
        let input = Tensor::cat(vec![z, code], 1); // [B, nz + k]
        self.dcgan.forward(input) // [B, 1, 32, 32]
    }
}

impl GeneratorNet for CodedGenerator {
    fn generate(&self, z: Tensor<2>, codes: Option<Tensor<2>>) -> Tensor<4> {
        self.forward(z, codes.expect("this generator takes a code beside z"))
    }
}
