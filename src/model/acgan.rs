//! ACGAN (Odena et al. 2017): a generator that takes z and the digit (its one-hot
//! concatenated to z, as in the paper), and a DCGAN discriminator that takes the image alone
//! and answers twice from one body: real or fake, and which digit.
//!
//! The conditional DCGAN's generator (z and the digit in branches of their own) was tried
//! first: under ACGAN's class loss it learned to ignore z, one drawing per digit, within a
//! few hundred steps, and never left it. Fed z and the one-hot together, z keeps its say.

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use super::cdcgan::NUM_CLASSES;
use super::dcgan::{CodedGenerator, DcganConfig, DcganDiscriminator};
use super::init::InitScheme;
use super::variant::{Architecture, Codes, Heads, NGF_NDF, Output, TorchLayout, VariantInfo};
use crate::latent::Prior;

/// The discriminator's outputs: one real/fake logit, then one logit per digit.
pub const OUTPUTS: usize = 1 + NUM_CLASSES;

/// Settings of the ACGAN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcganConfig {
    /// Size of the latent vector z; 100 as in the course.
    pub nz: usize,
    /// Generator width, as the DCGAN's (4·ngf, 2·ngf, ngf channels); 64, as wide as the
    /// half-width conditional DCGAN it is compared with.
    pub ngf: usize,
    /// Discriminator width, as the DCGAN's (ndf, 2·ndf, 4·ndf channels); 32 as the DCGAN.
    pub ndf: usize,
    /// Parameter initialisation.
    pub init: InitScheme,
    /// The distribution z is drawn from (files from before it was a setting: Gaussian).
    #[serde(default)]
    pub prior: Prior,
}

impl Default for AcganConfig {
    fn default() -> Self {
        Self {
            nz: 100,
            ngf: 64,
            ndf: 32,
            init: InitScheme::Dcgan,
            prior: Prior::Gaussian,
        }
    }
}

impl Architecture for AcganConfig {
    const INFO: VariantInfo = VariantInfo {
        name: "acgan",
        title: "ACGAN (32×32)",
        image_size: 32,
        image_sizes: &[32],
        codes: Codes::Label,
        discriminator_reads_labels: false,
        output: Output::Score,
        heads: Heads {
            classes: NUM_CLASSES,
            continuous: 0,
        },
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
        AcganConfig::init_generator(self, device)
    }

    fn init_discriminator(&self, device: &Device) -> DcganDiscriminator {
        AcganConfig::init_discriminator(self, device)
    }
}

impl AcganConfig {
    fn dcgan(&self) -> DcganConfig {
        DcganConfig {
            nz: self.nz + NUM_CLASSES,
            ngf: self.ngf,
            ndf: self.ndf,
            init: self.init,
            prior: self.prior,
            ..DcganConfig::default()
        }
    }

    /// Builds the generator on `device`: the DCGAN's, taking the digit's one-hot beside z.
    pub fn init_generator(&self, device: &Device) -> CodedGenerator {
        CodedGenerator::new(self.dcgan().init_generator(device))
    }

    /// Builds the discriminator on `device`: the DCGAN's layers with [`OUTPUTS`] outputs.
    pub fn init_discriminator(&self, device: &Device) -> DcganDiscriminator {
        self.dcgan()
            .init_discriminator_with_outputs(OUTPUTS, device)
    }
}
