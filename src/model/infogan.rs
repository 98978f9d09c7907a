//! InfoGAN (Chen et al. 2016): a DCGAN whose generator takes, beside the noise z, a
//! categorical code of ten values and two continuous codes, and whose discriminator also
//! guesses those codes back from the image (the Q head, sharing the discriminator's body).
//! Maximising how well Q recovers the codes makes each code control something visible,
//! learned without labels: on MNIST the categorical code tends to pick the digit.

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use super::dcgan::{CodedGenerator, DcganConfig, DcganDiscriminator};
use super::init::InitScheme;
use super::variant::{Architecture, Codes, Heads, NGF_NDF, Output, TorchLayout, VariantInfo};
use crate::latent::Prior;
use crate::latent::{CONTINUOUS_CODES, DIGITS};

/// Values of the categorical code (ten, one per digit it may learn).
pub const CATEGORIES: usize = DIGITS;
/// Width of the code the generator takes beside z: the categorical code one-hot, then the
/// continuous codes.
pub const CODE_SIZE: usize = CATEGORIES + CONTINUOUS_CODES;
/// The discriminator's outputs: the real/fake logit, the categorical code's logits and the
/// continuous codes' estimates.
pub const OUTPUTS: usize = 1 + CATEGORIES + CONTINUOUS_CODES;
/// The codes an InfoGAN generator takes, whichever its networks.
pub const CODES: Codes = Codes::Latent {
    categories: CATEGORIES,
    continuous: CONTINUOUS_CODES,
};
/// The Q head an InfoGAN discriminator answers with, whichever its networks.
pub const HEADS: Heads = Heads {
    classes: CATEGORIES,
    continuous: CONTINUOUS_CODES,
};

/// Settings of the InfoGAN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InfoganConfig {
    /// Size of the noise z (beside the codes); 62 as in the InfoGAN paper's MNIST model.
    pub nz: usize,
    /// Generator width, as the DCGAN's; 32 keeps MNIST cheap.
    pub ngf: usize,
    /// Discriminator width, as the DCGAN's.
    pub ndf: usize,
    /// Parameter initialisation.
    pub init: InitScheme,
    /// The distribution z is drawn from (files from before it was a setting: Gaussian).
    #[serde(default)]
    pub prior: Prior,
}

impl Default for InfoganConfig {
    fn default() -> Self {
        Self {
            nz: 62,
            ngf: 32,
            ndf: 32,
            init: InitScheme::Dcgan,
            prior: Prior::Gaussian,
        }
    }
}

impl Architecture for InfoganConfig {
    const INFO: VariantInfo = VariantInfo {
        name: "infogan",
        title: "InfoGAN (32×32)",
        image_size: 32,
        image_sizes: &[32],
        codes: CODES,
        discriminator_reads_labels: false,
        output: Output::Score,
        heads: HEADS,
        input_gradient: false,
        settings: NGF_NDF,
        torch: TorchLayout::SEQUENTIAL,
    };
    type Generator = CodedGenerator;
    type Discriminator = DcganDiscriminator;

    fn nz(&self) -> usize {
        self.nz
    }

    fn prior(&self) -> Prior {
        self.prior
    }

    fn init(&self) -> InitScheme {
        self.init
    }

    fn init_generator(&self, device: &Device) -> CodedGenerator {
        InfoganConfig::init_generator(self, device)
    }

    fn init_discriminator(&self, device: &Device) -> DcganDiscriminator {
        InfoganConfig::init_discriminator(self, device)
    }
}

impl InfoganConfig {
    fn dcgan(&self) -> DcganConfig {
        DcganConfig {
            nz: self.nz + CODE_SIZE,
            ngf: self.ngf,
            ndf: self.ndf,
            init: self.init,
            prior: self.prior,
            ..DcganConfig::default()
        }
    }

    /// Builds the generator on `device`: the DCGAN's, taking the codes beside z.
    pub fn init_generator(&self, device: &Device) -> CodedGenerator {
        CodedGenerator::new(self.dcgan().init_generator(device))
    }

    /// Builds the discriminator with its Q head on `device`.
    pub fn init_discriminator(&self, device: &Device) -> DcganDiscriminator {
        self.dcgan()
            .init_discriminator_with_outputs(OUTPUTS, device)
    }
}
