//! The registry of architectures: one line per architecture in the table at the end of this
//! file makes its [`ModelKind`], its [`ModelConfig`] case and its [`Generator`] and
//! [`Discriminator`] cases, and everything else about it is asked of its config's
//! [`Architecture`] implementation.
//!
//! Each case is named after the architecture; serde spells it in kebab case (`WganGp` is
//! `"wgan-gp"`), which must be its [`VariantInfo::name`] (a test checks).

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use super::variant::{
    Architecture, DiscriminatorNet, GeneratorNet, NZ, Setting, Sizes, VariantInfo,
};
use super::{
    acgan::AcganConfig, began::BeganConfig, cdcgan::CdcganConfig, cs231n::Cs231nConfig,
    dcgan::DcganConfig, infogan::InfoganConfig, infogan_paper::InfoganPaperConfig,
    mlp::MlpGanConfig, wgan_gp::WganGpConfig,
};
use crate::latent::Prior;
use crate::model::InitScheme;

/// Writes the registry's types from the table of `Case => Config` lines.
macro_rules! registry {
    ($( $(#[$doc:meta])* $case:ident => $config:ty, )*) => {
        /// Which architecture a model is.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum ModelKind {
            $( $(#[$doc])* $case, )*
        }

        impl ModelKind {
            /// Every architecture, in the registry's order.
            pub const ALL: &'static [ModelKind] = &[$( ModelKind::$case, )*];

            /// What the registry knows of this architecture.
            pub fn info(self) -> &'static VariantInfo {
                match self {
                    $( ModelKind::$case => &<$config as Architecture>::INFO, )*
                }
            }
        }

        /// A model's architecture and settings: everything needed to rebuild it before
        /// loading weights (a checkpoint's model header).
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "kind", rename_all = "kebab-case")]
        pub enum ModelConfig {
            $( $(#[$doc])* $case($config), )*
        }

        impl ModelConfig {
            /// The default settings of `kind` (its paper's or the course's).
            pub fn default_for(kind: ModelKind) -> Self {
                match kind {
                    $( ModelKind::$case => ModelConfig::$case(<$config>::default()), )*
                }
            }

            /// The architecture.
            pub fn kind(&self) -> ModelKind {
                match self {
                    $( ModelConfig::$case(_) => ModelKind::$case, )*
                }
            }

            /// Size of the latent vector z (without any codes).
            pub fn nz(&self) -> usize {
                match self {
                    $( ModelConfig::$case(c) => Architecture::nz(c), )*
                }
            }

            /// The distribution z is drawn from.
            pub fn prior(&self) -> Prior {
                match self {
                    $( ModelConfig::$case(c) => Architecture::prior(c), )*
                }
            }

            /// How the parameters are initialised.
            pub fn init(&self) -> InitScheme {
                match self {
                    $( ModelConfig::$case(c) => Architecture::init(c), )*
                }
            }

            /// Side of the images the model makes and judges.
            pub fn image_size(&self) -> usize {
                match self {
                    $( ModelConfig::$case(c) => Architecture::image_size(c), )*
                }
            }

            /// Whether the discriminator is a critic under spectral normalisation.
            pub fn spectral(&self) -> bool {
                match self {
                    $( ModelConfig::$case(c) => Architecture::spectral(c), )*
                }
            }

            /// This model with its discriminator under spectral normalisation or not, if the
            /// architecture offers that choice.
            pub fn with_spectral(&self, spectral: bool) -> Option<Self> {
                match self {
                    $( ModelConfig::$case(c) => Architecture::with_spectral(c, spectral).map(ModelConfig::$case), )*
                }
            }

            /// Builds the generator on `device`.
            pub fn init_generator(&self, device: &Device) -> Generator {
                match self {
                    $( ModelConfig::$case(c) => Generator::$case(Architecture::init_generator(c, device)), )*
                }
            }

            /// Builds the discriminator on `device`.
            pub fn init_discriminator(&self, device: &Device) -> Discriminator {
                match self {
                    $( ModelConfig::$case(c) => Discriminator::$case(Architecture::init_discriminator(c, device)), )*
                }
            }
        }

        /// Any of the generators.
        // One generator lives per run or page; boxing the larger cases would buy nothing.
        #[allow(clippy::large_enum_variant)]
        #[derive(Module, Debug)]
        pub enum Generator {
            $( $(#[$doc])* $case(<$config as Architecture>::Generator), )*
        }

        impl Generator {
            /// Generates images `[B, 1, H, W]` in [-1, 1] from z `[B, nz]` and, for the models
            /// that take one, codes `[B, code size]` (ignored by the others).
            ///
            /// # Panics
            /// If the model takes a code and `codes` is `None`.
            pub fn forward(&self, z: Tensor<2>, codes: Option<Tensor<2>>) -> Tensor<4> {
                match self {
                    $( Generator::$case(g) => GeneratorNet::generate(g, z, codes), )*
                }
            }
        }

        /// Any of the discriminators.
        #[allow(clippy::large_enum_variant)] // as for Generator
        #[derive(Module, Debug)]
        pub enum Discriminator {
            $( $(#[$doc])* $case(<$config as Architecture>::Discriminator), )*
        }

        impl Discriminator {
            /// Judges images `[B, 1, H, W]` (and, for a discriminator that reads them, labels
            /// `[B, 10]`; the others ignore them): `[B, outputs]`, the score (or energy)
            /// first, then the heads [`VariantInfo::heads`] names.
            ///
            /// # Panics
            /// If the discriminator reads labels and `labels` is `None`.
            pub fn forward(&self, images: Tensor<4>, labels: Option<Tensor<2>>) -> Tensor<2> {
                match self {
                    $( Discriminator::$case(d) => DiscriminatorNet::discriminate(d, images, labels), )*
                }
            }

            /// The first output's gradient with respect to each image, written with
            /// differentiable operations, where the discriminator has one
            /// ([`DiscriminatorNet::input_gradient`]).
            pub fn input_gradient(&self, images: Tensor<4>) -> Option<Tensor<4>> {
                match self {
                    $( Discriminator::$case(d) => DiscriminatorNet::input_gradient(d, images), )*
                }
            }
        }
    };
}

impl ModelKind {
    /// The name used on the command line, in checkpoints and in the page.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The architecture called `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// Side of the square images this architecture makes.
    pub fn image_size(self) -> usize {
        self.info().image_size
    }

    /// Whether the generator takes a digit label (its code is the digit's one-hot).
    pub fn is_conditional(self) -> bool {
        self.info().codes == super::variant::Codes::Label
    }

    /// Whether the generator takes latent codes learned without labels (InfoGAN's).
    pub fn has_latent_codes(self) -> bool {
        matches!(self.info().codes, super::variant::Codes::Latent { .. })
    }

    /// Values per image of the code the generator takes beside z (0: none).
    pub fn code_size(self) -> usize {
        self.info().code_size()
    }

    /// How the discriminator's outputs split beside the score.
    pub fn heads(self) -> super::variant::Heads {
        self.info().heads
    }
}

impl ModelConfig {
    /// What the registry knows of this model's architecture.
    pub fn info(&self) -> &'static VariantInfo {
        self.kind().info()
    }

    /// The config as its JSON object (the checkpoint header's and the page's form).
    fn to_object(&self) -> serde_json::Map<String, serde_json::Value> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(object)) => object,
            _ => unreachable!("a model config serialises to an object"),
        }
    }

    /// The whole-number setting `key` (`"nz"` or one of [`VariantInfo::settings`]).
    pub fn setting(&self, key: &str) -> Option<usize> {
        self.to_object()
            .get(key)
            .and_then(serde_json::Value::as_u64)
            .map(|value| value as usize)
    }

    /// This model with its setting `key` (`"nz"` or one of [`VariantInfo::settings`]) set to
    /// `value`; a message when the architecture has no such setting.
    pub fn with_setting(self, key: &str, value: usize) -> Result<Self, String> {
        self.with_field(key, serde_json::json!(value))
    }

    /// This model with the field `key` of its JSON form replaced, if it has that field.
    fn with_field(self, key: &str, value: serde_json::Value) -> Result<Self, String> {
        let mut object = self.to_object();
        match object.get_mut(key) {
            Some(slot) => *slot = value,
            None => return Err(format!("the {} has no setting {key}", self.kind().name())),
        }
        serde_json::from_value(serde_json::Value::Object(object)).map_err(|e| format!("{key}: {e}"))
    }

    /// This model with the width that sizes `sizes` set to `width` (`--ngf` sizes the
    /// generator, `--ndf` the discriminator; a width that sizes both answers to `--ngf`).
    pub fn with_width(self, sizes: Sizes, width: usize) -> Result<Self, String> {
        let info = self.info();
        let setting = info.settings.iter().find(|s| s.sizes == sizes).or_else(|| {
            (sizes == Sizes::Generator)
                .then(|| info.width_for(Sizes::Both))
                .flatten()
        });
        match setting {
            Some(setting) => self.with_setting(setting.key, width),
            None => Err(format!(
                "the {} has no {} width of its own{}",
                info.name,
                match sizes {
                    Sizes::Discriminator => "discriminator",
                    _ => "generator",
                },
                match info.width_for(Sizes::Both) {
                    Some(both) => format!(" (its {} sizes both networks)", both.title),
                    None => String::new(),
                }
            )),
        }
    }

    /// This model initialised with `init`.
    pub fn with_init(self, init: InitScheme) -> Self {
        self.with_field("init", serde_json::json!(init))
            .expect("every model has an initialisation")
    }

    /// This model drawing z from `prior`.
    pub fn with_prior(self, prior: Prior) -> Self {
        self.with_field("prior", serde_json::json!(prior))
            .expect("every model has a prior")
    }

    /// This model making images of side `size`, if its architecture offers that size.
    pub fn with_image_size(self, size: usize) -> Result<Self, String> {
        let offered = self.info().image_sizes;
        if !offered.contains(&size) {
            return Err(format!(
                "the {} makes images of {}, not {size}",
                self.kind().name(),
                sizes_in_words(offered)
            ));
        }
        if offered.len() == 1 {
            return Ok(self);
        }
        self.with_field("image_size", serde_json::json!(size))
    }

    /// Checks that every size is in its range; returns a message naming the bad setting.
    pub fn validate(&self) -> Result<(), String> {
        let offered = self.info().image_sizes;
        if !offered.contains(&self.image_size()) {
            return Err(format!(
                "image size must be {}, got {}",
                sizes_in_words(offered),
                self.image_size()
            ));
        }
        let check = |setting: &Setting| {
            let value = self.setting(setting.key).unwrap_or(0);
            if (setting.min..=setting.max).contains(&value) {
                Ok(())
            } else {
                Err(format!(
                    "{} must be between {} and {}, got {value}",
                    setting.title, setting.min, setting.max
                ))
            }
        };
        std::iter::once(&NZ)
            .chain(self.info().settings)
            .try_for_each(check)
    }
}

/// Image sides in words: "32 or 64".
fn sizes_in_words(sizes: &[usize]) -> String {
    let words: Vec<String> = sizes.iter().map(|s| format!("{s}x{s}")).collect();
    words.join(" or ")
}

registry! {
    /// Fully connected GAN on flat 28x28 images.
    Mlp => MlpGanConfig,
    /// DCGAN on 32x32 images (its critic under spectral normalisation for `wgan-sn`).
    Dcgan => DcganConfig,
    /// Conditional DCGAN on 32x32 images and digit labels.
    Cdcgan => CdcganConfig,
    /// ACGAN: a generator taking the digit, a discriminator that also names it.
    Acgan => AcganConfig,
    /// InfoGAN: a DCGAN with latent codes that its discriminator's Q head recovers.
    Infogan => InfoganConfig,
    /// InfoGAN on the paper's own MNIST networks at 28x28.
    InfoganPaper => InfoganPaperConfig,
    /// CS231N's convolutional GAN on 28x28 images.
    Cs231n => Cs231nConfig,
    /// WGAN-GP: the DCGAN's generator and a critic without BatchNorm whose input gradient a
    /// gradient penalty reads.
    WganGp => WganGpConfig,
    /// BEGAN: the DCGAN's generator and an autoencoder discriminator.
    Began => BeganConfig,
}
