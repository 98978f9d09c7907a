//! ACGAN (Odena et al. 2017): the conditional DCGAN's generator, which takes z and the digit,
//! and a DCGAN discriminator that takes the image alone and answers twice from one body:
//! real or fake, and which digit.

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use super::cdcgan::{CdcganConfig, CdcganGenerator, NUM_CLASSES};
use super::dcgan::{DcganConfig, DcganDiscriminator};
use super::init::InitScheme;

/// The discriminator's outputs: one real/fake logit, then one logit per digit.
pub const OUTPUTS: usize = 1 + NUM_CLASSES;

/// Settings of the ACGAN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcganConfig {
    /// Size of the latent vector z; 100 as in the course.
    pub nz: usize,
    /// Generator width, as the conditional DCGAN's; 64 is its half width (4x cheaper than
    /// the course's 128).
    pub ngf: usize,
    /// Discriminator width, as the DCGAN's (ndf, 2·ndf, 4·ndf channels); 32 as the DCGAN.
    pub ndf: usize,
    /// Parameter initialisation.
    pub init: InitScheme,
}

impl Default for AcganConfig {
    fn default() -> Self {
        Self {
            nz: 100,
            ngf: 64,
            ndf: 32,
            init: InitScheme::Dcgan,
        }
    }
}

impl AcganConfig {
    /// Builds the generator on `device`: the conditional DCGAN's, at this width.
    pub fn init_generator(&self, device: &Device) -> CdcganGenerator {
        CdcganConfig {
            nz: self.nz,
            ngf: self.ngf,
            ndf: self.ndf,
            init: self.init,
        }
        .init_generator(device)
    }

    /// Builds the discriminator on `device`: the DCGAN's layers with [`OUTPUTS`] outputs.
    pub fn init_discriminator(&self, device: &Device) -> DcganDiscriminator {
        DcganConfig {
            nz: self.nz,
            ngf: self.ngf,
            ndf: self.ndf,
            init: self.init,
            ..DcganConfig::default()
        }
        .init_discriminator_with_outputs(OUTPUTS, device)
    }
}
