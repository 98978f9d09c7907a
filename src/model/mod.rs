//! The GAN architectures behind one interface.
//!
//! Each architecture is one file here whose config implements [`Architecture`]
//! ([`variant`]): its generator and discriminator, image size, codes and heads, settings and
//! PyTorch layout. The table in [`registry`] lists them once and makes [`ModelKind`],
//! [`ModelConfig`] (a model's architecture and settings, a checkpoint's header), and the
//! [`Generator`] and [`Discriminator`] that hold any of the networks. Networks work on image
//! tensors `[B, 1, H, W]` in [-1, 1] and, for the architectures that take one, code tensors
//! `[B, code size]` (a digit's one-hot, or latent codes).

pub mod acgan;
pub mod activation;
pub mod began;
pub mod cdcgan;
pub mod conv;
pub mod cs231n;
pub mod dcgan;
pub mod infogan;
pub mod infogan_paper;
pub mod init;
pub mod mlp;
pub mod norm;
pub mod registry;
pub mod sample;
pub mod spectral;
pub mod variant;
pub mod wgan_gp;

use burn::prelude::*;

pub use acgan::AcganConfig;
pub use cdcgan::{CdcganConfig, CdcganDiscriminator, CdcganGenerator, NUM_CLASSES};
pub use dcgan::{
    CodedGenerator, DcganConfig, DcganDiscriminator, DcganGenerator, DiscriminatorNorm,
};
pub use infogan::InfoganConfig;
pub use infogan_paper::InfoganPaperConfig;
pub use init::InitScheme;
pub use mlp::{MlpDiscriminator, MlpGanConfig, MlpGenerator};
pub use registry::{Discriminator, Generator, ModelConfig, ModelKind};
pub use spectral::SpectralDiscriminator;
pub use variant::{Architecture, Codes, Heads, Output, Sizes, VariantInfo};

/// A discriminator's answer for a batch, split by head.
#[derive(Debug, Clone)]
pub struct Scores {
    /// The real/fake logit `[B, 1]`: the raw score before any sigmoid (an autoencoder
    /// discriminator's energy, [`Output::Energy`]).
    pub logits: Tensor<2>,
    /// ACGAN's digit logits or InfoGAN's categorical code logits `[B, 10]`.
    pub classes: Option<Tensor<2>>,
    /// InfoGAN's estimates of the continuous codes `[B, 2]`.
    pub continuous: Option<Tensor<2>>,
}

impl Discriminator {
    /// [`Discriminator::forward`], split into the heads of a model of kind `kind`.
    pub fn scores(&self, kind: ModelKind, images: Tensor<4>, labels: Option<Tensor<2>>) -> Scores {
        let out = self.forward(images, labels); // [B, 1 + classes + continuous]
        let heads = kind.heads();
        let [batch, _] = out.dims();
        let column = |from: usize, width: usize| {
            (width > 0).then(|| out.clone().slice([0..batch, from..from + width]))
        };
        Scores {
            classes: column(1, heads.classes),
            continuous: column(1 + heads.classes, heads.continuous),
            logits: out.clone().slice([0..batch, 0..1]), // [B, 1]
        }
    }
}

/// Number of trained parameters of `module`: every float tensor except BatchNorm's running
/// statistics (which Burn's `num_params` includes, and which the optimiser never touches).
pub fn trainable_params<M: Module>(module: &M) -> usize {
    struct Counter {
        path: Vec<String>,
        count: usize,
    }
    impl burn::module::ModuleVisitor for Counter {
        fn enter_module(&mut self, name: &str, _container_type: &str) {
            self.path.push(name.to_string());
        }
        fn exit_module(&mut self, _name: &str, _container_type: &str) {
            self.path.pop();
        }
        fn visit_float<const D: usize>(&mut self, param: &burn::module::Param<Tensor<D>>) {
            let running = self
                .path
                .last()
                .is_some_and(|name| name.starts_with("running_"));
            if !running {
                self.count += param.shape().num_elements();
            }
        }
    }
    let mut counter = Counter {
        path: Vec::new(),
        count: 0,
    };
    module.visit(&mut counter);
    counter.count
}
