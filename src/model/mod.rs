//! The three GAN architectures behind one interface.
//!
//! [`ModelConfig`] names a model and its settings; it builds a [`Generator`] and a
//! [`Discriminator`] on any device. Both work on image tensors `[B, 1, H, W]` in [-1, 1]
//! (H = W = 28 for the MLP GAN, 32 for the DCGANs) and, for the conditional model, label
//! tensors `[B, 10]` (one-hot, or a mix of two one-hots when interpolating between digits).

pub mod activation;
pub mod cdcgan;
pub mod conv;
pub mod dcgan;
pub mod init;
pub mod mlp;
pub mod norm;
pub mod sample;

use burn::prelude::*;
use serde::{Deserialize, Serialize};

pub use cdcgan::{CdcganConfig, CdcganDiscriminator, CdcganGenerator, NUM_CLASSES};
pub use dcgan::{DcganConfig, DcganDiscriminator, DcganGenerator};
pub use init::InitScheme;
pub use mlp::{MlpDiscriminator, MlpGanConfig, MlpGenerator};

/// Which architecture a model is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Fully connected GAN on flat 28x28 images.
    Mlp,
    /// DCGAN on 32x32 images.
    Dcgan,
    /// Conditional DCGAN on 32x32 images and digit labels.
    Cdcgan,
}

impl ModelKind {
    /// The name used on the command line, in checkpoints and in the page.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Mlp => "mlp",
            ModelKind::Dcgan => "dcgan",
            ModelKind::Cdcgan => "cdcgan",
        }
    }

    /// Side of the square images this kind of model makes.
    pub fn image_size(self) -> usize {
        match self {
            ModelKind::Mlp => 28,
            ModelKind::Dcgan | ModelKind::Cdcgan => 32,
        }
    }

    /// Whether the model takes a digit label.
    pub fn is_conditional(self) -> bool {
        self == ModelKind::Cdcgan
    }
}

/// A model's kind and settings: everything needed to rebuild it before loading weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ModelConfig {
    /// The MLP GAN.
    Mlp(MlpGanConfig),
    /// The DCGAN.
    Dcgan(DcganConfig),
    /// The conditional DCGAN.
    Cdcgan(CdcganConfig),
}

impl ModelConfig {
    /// The default settings of `kind` (the course's).
    pub fn default_for(kind: ModelKind) -> Self {
        match kind {
            ModelKind::Mlp => ModelConfig::Mlp(MlpGanConfig::default()),
            ModelKind::Dcgan => ModelConfig::Dcgan(DcganConfig::default()),
            ModelKind::Cdcgan => ModelConfig::Cdcgan(CdcganConfig::default()),
        }
    }

    /// The architecture.
    pub fn kind(&self) -> ModelKind {
        match self {
            ModelConfig::Mlp(_) => ModelKind::Mlp,
            ModelConfig::Dcgan(_) => ModelKind::Dcgan,
            ModelConfig::Cdcgan(_) => ModelKind::Cdcgan,
        }
    }

    /// Size of the latent vector z.
    pub fn nz(&self) -> usize {
        match self {
            ModelConfig::Mlp(c) => c.nz,
            ModelConfig::Dcgan(c) => c.nz,
            ModelConfig::Cdcgan(c) => c.nz,
        }
    }

    /// This model with some settings replaced (`None` keeps one): the latent size, the
    /// generator's and the discriminator's widths (the MLP GAN's hidden width is `ngf`; it has
    /// no `ndf`) and the initialisation.
    pub fn with_settings(
        mut self,
        nz: Option<usize>,
        ngf: Option<usize>,
        ndf: Option<usize>,
        init: Option<InitScheme>,
    ) -> Self {
        let keep = |value: &mut usize, new: Option<usize>| *value = new.unwrap_or(*value);
        match &mut self {
            ModelConfig::Mlp(c) => {
                keep(&mut c.nz, nz);
                keep(&mut c.hidden, ngf);
                c.init = init.unwrap_or(c.init);
            }
            ModelConfig::Dcgan(c) => {
                keep(&mut c.nz, nz);
                keep(&mut c.ngf, ngf);
                keep(&mut c.ndf, ndf);
                c.init = init.unwrap_or(c.init);
            }
            ModelConfig::Cdcgan(c) => {
                keep(&mut c.nz, nz);
                keep(&mut c.ngf, ngf);
                keep(&mut c.ndf, ndf);
                c.init = init.unwrap_or(c.init);
            }
        }
        self
    }

    /// Checks that every size is usable; returns a message naming the bad setting.
    pub fn validate(&self) -> Result<(), String> {
        let (nz, widths): (usize, [(&str, usize); 2]) = match self {
            ModelConfig::Mlp(c) => (c.nz, [("hidden", c.hidden), ("hidden", c.hidden)]),
            ModelConfig::Dcgan(c) => (c.nz, [("ngf", c.ngf), ("ndf", c.ndf)]),
            ModelConfig::Cdcgan(c) => (c.nz, [("ngf", c.ngf), ("ndf", c.ndf)]),
        };
        if !(1..=4096).contains(&nz) {
            return Err(format!("nz must be between 1 and 4096, got {nz}"));
        }
        for (name, width) in widths {
            if !(1..=4096).contains(&width) {
                return Err(format!("{name} must be between 1 and 4096, got {width}"));
            }
        }
        Ok(())
    }

    /// Builds the generator on `device`.
    pub fn init_generator(&self, device: &Device) -> Generator {
        match self {
            ModelConfig::Mlp(c) => Generator::Mlp(c.init_generator(device)),
            ModelConfig::Dcgan(c) => Generator::Dcgan(c.init_generator(device)),
            ModelConfig::Cdcgan(c) => Generator::Cdcgan(c.init_generator(device)),
        }
    }

    /// Builds the discriminator on `device`.
    pub fn init_discriminator(&self, device: &Device) -> Discriminator {
        match self {
            ModelConfig::Mlp(c) => Discriminator::Mlp(c.init_discriminator(device)),
            ModelConfig::Dcgan(c) => Discriminator::Dcgan(c.init_discriminator(device)),
            ModelConfig::Cdcgan(c) => Discriminator::Cdcgan(c.init_discriminator(device)),
        }
    }
}

/// Any of the three generators.
// One generator lives per run or page; boxing the larger variants would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Module, Debug)]
pub enum Generator {
    /// MLP GAN generator.
    Mlp(MlpGenerator),
    /// DCGAN generator.
    Dcgan(DcganGenerator),
    /// Conditional DCGAN generator.
    Cdcgan(CdcganGenerator),
}

impl Generator {
    /// Generates images `[B, 1, H, W]` in [-1, 1] from z `[B, nz]` and, for the conditional
    /// model, labels `[B, 10]` (ignored by the others).
    ///
    /// # Panics
    /// If the model is conditional and `labels` is `None`.
    pub fn forward(&self, z: Tensor<2>, labels: Option<Tensor<2>>) -> Tensor<4> {
        match self {
            Generator::Mlp(g) => {
                let batch = z.dims()[0];
                g.forward(z).reshape([batch, 1, 28, 28]) // [B, 1, 28, 28]
            }
            Generator::Dcgan(g) => g.forward(z),
            Generator::Cdcgan(g) => {
                g.forward(z, labels.expect("the conditional model needs labels"))
            }
        }
    }
}

/// Any of the three discriminators.
#[allow(clippy::large_enum_variant)] // as for Generator
#[derive(Module, Debug)]
pub enum Discriminator {
    /// MLP GAN discriminator.
    Mlp(MlpDiscriminator),
    /// DCGAN discriminator.
    Dcgan(DcganDiscriminator),
    /// Conditional DCGAN discriminator.
    Cdcgan(CdcganDiscriminator),
}

impl Discriminator {
    /// Scores images `[B, 1, H, W]` (and labels `[B, 10]` for the conditional model), returning
    /// one logit per image `[B, 1]`: the raw score before the sigmoid.
    ///
    /// # Panics
    /// If the model is conditional and `labels` is `None`.
    pub fn forward(&self, images: Tensor<4>, labels: Option<Tensor<2>>) -> Tensor<2> {
        match self {
            Discriminator::Mlp(d) => d.forward(images.flatten(1, 3)), // [B, 784] -> [B, 1]
            Discriminator::Dcgan(d) => d.forward(images),
            Discriminator::Cdcgan(d) => {
                d.forward(images, labels.expect("the conditional model needs labels"))
            }
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
