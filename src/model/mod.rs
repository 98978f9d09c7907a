//! The GAN architectures behind one interface.
//!
//! [`ModelConfig`] names a model and its settings; it builds a [`Generator`] and a
//! [`Discriminator`] on any device. Both work on image tensors `[B, 1, H, W]` in [-1, 1]
//! (H = W = 28 for the MLP GAN, 32 for the others) and, for the models that take one, code
//! tensors `[B, code size]`: the digit's one-hot (or a mix of two when interpolating between
//! digits) for the conditional DCGAN and the ACGAN, InfoGAN's categorical and continuous
//! codes for the InfoGAN.

pub mod acgan;
pub mod activation;
pub mod cdcgan;
pub mod conv;
pub mod dcgan;
pub mod infogan;
pub mod init;
pub mod mlp;
pub mod norm;
pub mod sample;
pub mod spectral;

use burn::prelude::*;
use serde::{Deserialize, Serialize};

pub use acgan::AcganConfig;
pub use cdcgan::{CdcganConfig, CdcganDiscriminator, CdcganGenerator, NUM_CLASSES};
pub use dcgan::{
    CodedGenerator, DcganConfig, DcganDiscriminator, DcganGenerator, DiscriminatorNorm,
};
pub use infogan::InfoganConfig;
pub use init::InitScheme;
pub use mlp::{MlpDiscriminator, MlpGanConfig, MlpGenerator};
pub use spectral::SpectralDiscriminator;

use crate::latent::CONTINUOUS_CODES;
use crate::train::GanLoss;

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
    /// ACGAN: the conditional generator, and a discriminator that also names the digit.
    Acgan,
    /// InfoGAN: a DCGAN with latent codes that its discriminator's Q head recovers.
    Infogan,
}

impl ModelKind {
    /// The name used on the command line, in checkpoints and in the page.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Mlp => "mlp",
            ModelKind::Dcgan => "dcgan",
            ModelKind::Cdcgan => "cdcgan",
            ModelKind::Acgan => "acgan",
            ModelKind::Infogan => "infogan",
        }
    }

    /// Side of the square images this kind of model makes.
    pub fn image_size(self) -> usize {
        match self {
            ModelKind::Mlp => 28,
            _ => 32,
        }
    }

    /// Whether the generator takes a digit label (its code is the digit's one-hot).
    pub fn is_conditional(self) -> bool {
        matches!(self, ModelKind::Cdcgan | ModelKind::Acgan)
    }

    /// Whether the generator takes InfoGAN's latent codes (a categorical code of ten
    /// values, then [`CONTINUOUS_CODES`] continuous ones).
    pub fn has_latent_codes(self) -> bool {
        self == ModelKind::Infogan
    }

    /// Values per image of the code the generator takes beside z (0: none).
    pub fn code_size(self) -> usize {
        if self.is_conditional() {
            NUM_CLASSES
        } else if self.has_latent_codes() {
            infogan::CODE_SIZE
        } else {
            0
        }
    }

    /// How the discriminator's outputs split: the real/fake logit, then (ACGAN, InfoGAN)
    /// ten class logits, then (InfoGAN) the continuous codes' estimates.
    pub fn heads(self) -> Heads {
        match self {
            ModelKind::Acgan => Heads {
                classes: NUM_CLASSES,
                continuous: 0,
            },
            ModelKind::Infogan => Heads {
                classes: infogan::CATEGORIES,
                continuous: CONTINUOUS_CODES,
            },
            _ => Heads {
                classes: 0,
                continuous: 0,
            },
        }
    }
}

/// What a discriminator answers beside its real/fake logit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heads {
    /// Class logits (ACGAN's digit, InfoGAN's categorical code); 0 for none.
    pub classes: usize,
    /// Continuous code estimates (InfoGAN); 0 for none.
    pub continuous: usize,
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
    /// The ACGAN.
    Acgan(AcganConfig),
    /// The InfoGAN.
    Infogan(InfoganConfig),
}

impl ModelConfig {
    /// The default settings of `kind` (the course's).
    pub fn default_for(kind: ModelKind) -> Self {
        match kind {
            ModelKind::Mlp => ModelConfig::Mlp(MlpGanConfig::default()),
            ModelKind::Dcgan => ModelConfig::Dcgan(DcganConfig::default()),
            ModelKind::Cdcgan => ModelConfig::Cdcgan(CdcganConfig::default()),
            ModelKind::Acgan => ModelConfig::Acgan(AcganConfig::default()),
            ModelKind::Infogan => ModelConfig::Infogan(InfoganConfig::default()),
        }
    }

    /// The architecture.
    pub fn kind(&self) -> ModelKind {
        match self {
            ModelConfig::Mlp(_) => ModelKind::Mlp,
            ModelConfig::Dcgan(_) => ModelKind::Dcgan,
            ModelConfig::Cdcgan(_) => ModelKind::Cdcgan,
            ModelConfig::Acgan(_) => ModelKind::Acgan,
            ModelConfig::Infogan(_) => ModelKind::Infogan,
        }
    }

    /// Size of the latent vector z (InfoGAN's noise, without its codes).
    pub fn nz(&self) -> usize {
        match self {
            ModelConfig::Mlp(c) => c.nz,
            ModelConfig::Dcgan(c) => c.nz,
            ModelConfig::Cdcgan(c) => c.nz,
            ModelConfig::Acgan(c) => c.nz,
            ModelConfig::Infogan(c) => c.nz,
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
            ModelConfig::Acgan(c) => {
                keep(&mut c.nz, nz);
                keep(&mut c.ngf, ngf);
                keep(&mut c.ndf, ndf);
                c.init = init.unwrap_or(c.init);
            }
            ModelConfig::Infogan(c) => {
                keep(&mut c.nz, nz);
                keep(&mut c.ngf, ngf);
                keep(&mut c.ndf, ndf);
                c.init = init.unwrap_or(c.init);
            }
        }
        self
    }

    /// This model with its discriminator normalised by `norm` (the DCGAN's setting; the
    /// other models have BatchNorm or none, and stay as they are).
    pub fn with_norm(mut self, norm: DiscriminatorNorm) -> Self {
        if let ModelConfig::Dcgan(c) = &mut self {
            c.norm = norm;
        }
        self
    }

    /// This model made fit to train with `loss`: the DCGAN gets the spectrally normalised
    /// critic that `wgan-sn` needs ([`ModelConfig::check_loss`] says when no model fits).
    pub fn for_loss(self, loss: GanLoss) -> Self {
        if loss.needs_spectral_critic() {
            self.with_norm(DiscriminatorNorm::Spectral)
        } else {
            self
        }
    }

    /// This model made fit for `loss` ([`ModelConfig::for_loss`]), or why no such model can
    /// train with it.
    pub fn fit_for(self, loss: GanLoss) -> Result<Self, String> {
        let model = self.for_loss(loss);
        model.check_loss(loss)?;
        Ok(model)
    }

    /// Whether this model can train with `loss`; a message saying why not otherwise.
    pub fn check_loss(&self, loss: GanLoss) -> Result<(), String> {
        if !loss.needs_spectral_critic() {
            return Ok(());
        }
        match self {
            ModelConfig::Dcgan(c) if c.norm == DiscriminatorNorm::Spectral => Ok(()),
            ModelConfig::Dcgan(_) => Err(format!(
                "{} trains a critic under spectral normalisation; this DCGAN's discriminator has BatchNorm (start a new run with it)",
                loss.name()
            )),
            other => Err(format!(
                "{} is for the DCGAN (its critic under spectral normalisation), not the {}",
                loss.name(),
                other.kind().name()
            )),
        }
    }

    /// Checks that every size is usable; returns a message naming the bad setting.
    pub fn validate(&self) -> Result<(), String> {
        let (nz, widths): (usize, [(&str, usize); 2]) = match self {
            ModelConfig::Mlp(c) => (c.nz, [("hidden", c.hidden), ("hidden", c.hidden)]),
            ModelConfig::Dcgan(c) => (c.nz, [("ngf", c.ngf), ("ndf", c.ndf)]),
            ModelConfig::Cdcgan(c) => (c.nz, [("ngf", c.ngf), ("ndf", c.ndf)]),
            ModelConfig::Acgan(c) => (c.nz, [("ngf", c.ngf), ("ndf", c.ndf)]),
            ModelConfig::Infogan(c) => (c.nz, [("ngf", c.ngf), ("ndf", c.ndf)]),
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
            ModelConfig::Acgan(c) => Generator::Acgan(c.init_generator(device)),
            ModelConfig::Infogan(c) => Generator::Infogan(c.init_generator(device)),
        }
    }

    /// Builds the discriminator on `device`.
    pub fn init_discriminator(&self, device: &Device) -> Discriminator {
        match self {
            ModelConfig::Mlp(c) => Discriminator::Mlp(c.init_discriminator(device)),
            ModelConfig::Dcgan(c) => match c.norm {
                DiscriminatorNorm::Batch => Discriminator::Dcgan(c.init_discriminator(device)),
                DiscriminatorNorm::Spectral => {
                    Discriminator::Spectral(SpectralDiscriminator::new(c.ndf, c.init, device))
                }
            },
            ModelConfig::Cdcgan(c) => Discriminator::Cdcgan(c.init_discriminator(device)),
            ModelConfig::Acgan(c) => Discriminator::Dcgan(c.init_discriminator(device)),
            ModelConfig::Infogan(c) => Discriminator::Dcgan(c.init_discriminator(device)),
        }
    }
}

/// Any of the generators.
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
    /// ACGAN generator: the DCGAN's, taking the digit's one-hot beside z.
    Acgan(CodedGenerator),
    /// InfoGAN generator: the DCGAN's, taking the codes beside z.
    Infogan(CodedGenerator),
}

impl Generator {
    /// Generates images `[B, 1, H, W]` in [-1, 1] from z `[B, nz]` and, for the models that
    /// take one, codes `[B, code size]` (see [`ModelKind::code_size`]; ignored by the others).
    ///
    /// # Panics
    /// If the model takes a code and `codes` is `None`.
    pub fn forward(&self, z: Tensor<2>, codes: Option<Tensor<2>>) -> Tensor<4> {
        match self {
            Generator::Mlp(g) => {
                let batch = z.dims()[0];
                g.forward(z).reshape([batch, 1, 28, 28]) // [B, 1, 28, 28]
            }
            Generator::Dcgan(g) => g.forward(z),
            Generator::Cdcgan(g) => g.forward(z, codes.expect("the model needs labels")),
            Generator::Acgan(g) => g.forward(z, codes.expect("the ACGAN needs labels")),
            Generator::Infogan(g) => g.forward(z, codes.expect("the InfoGAN needs its codes")),
        }
    }
}

/// Any of the discriminators (the ACGAN's and the InfoGAN's are DCGAN discriminators with
/// heads beside the logit).
#[allow(clippy::large_enum_variant)] // as for Generator
#[derive(Module, Debug)]
pub enum Discriminator {
    /// MLP GAN discriminator.
    Mlp(MlpDiscriminator),
    /// DCGAN discriminator.
    Dcgan(DcganDiscriminator),
    /// Conditional DCGAN discriminator.
    Cdcgan(CdcganDiscriminator),
    /// The DCGAN's critic under spectral normalisation.
    Spectral(SpectralDiscriminator),
}

/// A discriminator's answer for a batch, split by head.
#[derive(Debug, Clone)]
pub struct Scores {
    /// The real/fake logit `[B, 1]`: the raw score before any sigmoid.
    pub logits: Tensor<2>,
    /// ACGAN's digit logits or InfoGAN's categorical code logits `[B, 10]`.
    pub classes: Option<Tensor<2>>,
    /// InfoGAN's estimates of the continuous codes `[B, 2]`.
    pub continuous: Option<Tensor<2>>,
}

impl Discriminator {
    /// Scores images `[B, 1, H, W]` (and, for the conditional DCGAN, labels `[B, 10]`; the
    /// others ignore them), returning `[B, outputs]`: the logit, then the heads `heads` names.
    ///
    /// # Panics
    /// If the model is the conditional DCGAN and `labels` is `None`.
    pub fn forward(&self, images: Tensor<4>, labels: Option<Tensor<2>>) -> Tensor<2> {
        match self {
            Discriminator::Mlp(d) => d.forward(images.flatten(1, 3)), // [B, 784] -> [B, 1]
            Discriminator::Dcgan(d) => d.forward(images),
            Discriminator::Cdcgan(d) => {
                d.forward(images, labels.expect("the conditional model needs labels"))
            }
            Discriminator::Spectral(d) => d.forward(images),
        }
    }

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
