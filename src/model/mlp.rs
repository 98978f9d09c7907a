//! The MLP GAN: fully connected networks on flat 28x28 = 784 vectors.

use burn::nn::Linear;
use burn::prelude::*;
use burn::tensor::activation::{relu, tanh};

use super::activation::leaky_relu;
use serde::{Deserialize, Serialize};

use super::init::{InitScheme, linear};
use super::variant::{
    Architecture, Codes, DiscriminatorNet, GeneratorNet, Heads, Output, Setting, Sizes,
    TorchLayout, VariantInfo, WidthLayer,
};
use crate::latent::Prior;

/// Side of the MNIST images it makes.
const SIDE: usize = 28;
/// Pixels of one flat MNIST image.
pub const IMAGE_PIXELS: usize = SIDE * SIDE;
/// Slope of the MLP discriminator's LeakyReLU (the course uses 0.1 here, CS231N 0.01).
pub const LEAKY_SLOPE: f64 = 0.1;

fn leaky_slope() -> f64 {
    LEAKY_SLOPE
}

/// Settings of the MLP GAN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MlpGanConfig {
    /// Size of the latent vector z; 100 as in the course.
    pub nz: usize,
    /// Width of both hidden layers in G and D; 256 is small and fast, 1024 the other classic.
    pub hidden: usize,
    /// Parameter initialisation; the framework default suits plain MLPs.
    pub init: InitScheme,
    /// The distribution z is drawn from (files from before it was a setting: Gaussian).
    #[serde(default)]
    pub prior: Prior,
    /// Slope of the discriminator's LeakyReLU below zero: 0.1 in the course's MLP GAN,
    /// 0.01 in CS231N's.
    #[serde(default = "leaky_slope")]
    pub slope: f64,
}

impl Default for MlpGanConfig {
    fn default() -> Self {
        Self {
            nz: 100,
            hidden: 256,
            init: InitScheme::Default,
            prior: Prior::Gaussian,
            slope: LEAKY_SLOPE,
        }
    }
}

impl Architecture for MlpGanConfig {
    const INFO: VariantInfo = VariantInfo {
        name: "mlp",
        title: "MLP GAN (28×28)",
        image_size: SIDE,
        image_sizes: &[SIDE],
        codes: Codes::None,
        discriminator_reads_labels: false,
        output: Output::Score,
        heads: Heads::NONE,
        input_gradient: false,
        settings: &[Setting::width("hidden", "hidden width", Sizes::Both)],
        torch: TorchLayout {
            width_layer: WidthLayer::First,
            ..TorchLayout::SEQUENTIAL
        },
    };
    type Generator = MlpGenerator;
    type Discriminator = MlpDiscriminator;

    fn nz(&self) -> usize {
        self.nz
    }

    fn prior(&self) -> Prior {
        self.prior
    }

    fn init(&self) -> InitScheme {
        self.init
    }

    fn init_generator(&self, device: &Device) -> MlpGenerator {
        MlpGanConfig::init_generator(self, device)
    }

    fn init_discriminator(&self, device: &Device) -> MlpDiscriminator {
        MlpGanConfig::init_discriminator(self, device)
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
            slope: self.slope,
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
    slope: f64,
}

impl MlpDiscriminator {
    /// Scores flat images.
    pub fn forward(&self, images: Tensor<2>) -> Tensor<2> {
        let x = leaky_relu(self.fc1.forward(images), self.slope); // [B, hidden]
        let x = leaky_relu(self.fc2.forward(x), self.slope); // [B, hidden]
        self.fc3.forward(x) // [B, 1]
    }
}

impl GeneratorNet for MlpGenerator {
    fn generate(&self, z: Tensor<2>, _codes: Option<Tensor<2>>) -> Tensor<4> {
        let batch = z.dims()[0];
        self.forward(z).reshape([batch, 1, SIDE, SIDE]) // [B, 1, 28, 28]
    }
}

impl DiscriminatorNet for MlpDiscriminator {
    fn discriminate(&self, images: Tensor<4>, _labels: Option<Tensor<2>>) -> Tensor<2> {
        self.forward(images.flatten(1, 3)) // [B, 784] -> [B, 1]
    }
}
