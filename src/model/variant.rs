//! What each architecture tells the rest of GAN Studio: the [`Architecture`] trait its config
//! implements, the [`GeneratorNet`] and [`DiscriminatorNet`] traits its networks implement,
//! and the static [`VariantInfo`] the registry, the CLI and the page read (its images, its
//! codes and heads, its settings and their limits, its layers' PyTorch grouping).
//!
//! Nothing here knows losses or files: a loss asks a model what it can do
//! ([`VariantInfo::output`], [`DiscriminatorNet::input_gradient`], a spectral critic) and
//! decides for itself whether it fits.

use burn::module::Module;
use burn::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::init::InitScheme;
use crate::latent::Prior;

/// What the generator takes beside z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Codes {
    /// Nothing: z alone.
    None,
    /// The digit, as a one-hot of ten (or a mix of two when interpolating between digits).
    Label,
    /// Latent codes learned without labels (InfoGAN): a categorical code of `categories`
    /// values as a one-hot, then `continuous` codes uniform in [−1, 1].
    Latent {
        /// Values of the categorical code.
        categories: usize,
        /// Continuous codes after it.
        continuous: usize,
    },
}

impl Codes {
    /// Values per image of the code (0: none).
    pub const fn size(self) -> usize {
        match self {
            Codes::None => 0,
            Codes::Label => crate::latent::DIGITS,
            Codes::Latent {
                categories,
                continuous,
            } => categories + continuous,
        }
    }
}

/// What a discriminator answers beside its real/fake score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Heads {
    /// Class logits (ACGAN's digit, InfoGAN's categorical code); 0 for none.
    pub classes: usize,
    /// Continuous code estimates (InfoGAN); 0 for none.
    pub continuous: usize,
}

impl Heads {
    /// No heads: the score alone.
    pub const NONE: Heads = Heads {
        classes: 0,
        continuous: 0,
    };
}

/// What the first column of a discriminator's output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Output {
    /// A score: larger means "more like the real digits" (a logit, or a critic's raw score).
    Score,
    /// An energy: the discriminator is an autoencoder and answers how badly it reconstructs
    /// the image, L(v) = mean |v − D(v)| (BEGAN); smaller means "more like the real digits".
    Energy,
}

/// Which network a width setting sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sizes {
    /// The generator (`gan train --ngf`).
    Generator,
    /// The discriminator (`gan train --ndf`).
    Discriminator,
    /// Both (the MLP GAN's hidden width; `--ngf`).
    Both,
}

/// A whole-number setting of an architecture beyond nz, the prior and the initialisation:
/// its config's JSON key, what it sizes and its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Setting {
    /// The config's field (and the page's JSON key).
    pub key: &'static str,
    /// How forms label it.
    pub title: &'static str,
    /// What it sizes.
    pub sizes: Sizes,
    /// Smallest value.
    pub min: usize,
    /// Largest value.
    pub max: usize,
}

impl Setting {
    /// A width of `sizes`, from 1 to [`MAX_WIDTH`].
    pub const fn width(key: &'static str, title: &'static str, sizes: Sizes) -> Self {
        Setting {
            key,
            title,
            sizes,
            min: 1,
            max: MAX_WIDTH,
        }
    }
}

/// The latent size's limits, every architecture's.
pub const NZ: Setting = Setting {
    key: "nz",
    title: "nz",
    sizes: Sizes::Generator,
    min: 1,
    max: 4096,
};

/// The largest width any network may have.
pub const MAX_WIDTH: usize = 4096;

/// The usual pair of widths: the generator's `ngf` and the discriminator's `ndf`.
pub const NGF_NDF: &[Setting] = &[
    Setting::width("ngf", "ngf", Sizes::Generator),
    Setting::width("ndf", "ndf", Sizes::Discriminator),
];

/// Which of a generator's weighted layers (in PyTorch order) shows its width as its weight's
/// first dimension: a Linear's outputs, a ConvTranspose2d's inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WidthLayer {
    /// The first (the MLP GAN's hidden width: its first Linear's outputs).
    First,
    /// The last (the DCGANs' ngf: their last ConvTranspose2d's inputs).
    Last,
}

/// How a generator's layers map to PyTorch's: layers whose path starts with a branch's prefix
/// go to that branch's `nn.Sequential`, the others to `body` (`""`: the generator is one
/// sequential whose keys start with the layer index). Within a sequential a layer's index
/// counts the parameterless activation after every layer not followed by a BatchNorm, unless
/// `keys` lists each layer's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TorchLayout {
    /// `(path prefix, sequential name)` of each input branch, in registration order.
    pub branches: &'static [(&'static str, &'static str)],
    /// The sequential of the layers after the branches (`""` without branches).
    pub body: &'static str,
    /// Where `gan import` reads the generator's width.
    pub width_layer: WidthLayer,
    /// Each layer's key prefix in order, for a layout the rule above does not number
    /// (activations before BatchNorm, reshapes); empty: the rule.
    pub keys: &'static [&'static str],
}

impl TorchLayout {
    /// One `nn.Sequential` of ConvTranspose2d, BatchNorm2d and activations, keys
    /// `0.weight`, `1.weight`, `3.weight`, ...
    pub const SEQUENTIAL: TorchLayout = TorchLayout {
        branches: &[],
        body: "",
        width_layer: WidthLayer::Last,
        keys: &[],
    };

    /// The sequential a layer at `path` (our module path, `z_conv`) belongs to.
    pub fn sequential_of(&self, path: &str) -> &'static str {
        self.branches
            .iter()
            .find(|(prefix, _)| path.starts_with(prefix))
            .map_or(self.body, |(_, name)| name)
    }

    /// In words, as exported files' metadata says: "sequential" or "z, y and main
    /// sequentials".
    pub fn describe(&self) -> String {
        if self.branches.is_empty() {
            return "sequential".to_owned();
        }
        let names: Vec<&str> = self.branches.iter().map(|(_, name)| *name).collect();
        format!("{} and {} sequentials", names.join(", "), self.body)
    }
}

/// Everything static the registry knows of an architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VariantInfo {
    /// The name on the command line, in checkpoints (`"kind"`) and in the page.
    pub name: &'static str,
    /// A short title.
    pub title: &'static str,
    /// Side of the square images it makes and judges by default (28: MNIST's own; 32 and 64:
    /// resized).
    pub image_size: usize,
    /// Every side it offers (its config's `image_size` setting), the default first.
    pub image_sizes: &'static [usize],
    /// What the generator takes beside z.
    pub codes: Codes,
    /// Whether the discriminator reads the digit beside the image (the conditional DCGAN).
    pub discriminator_reads_labels: bool,
    /// What the first column of the discriminator's output is.
    pub output: Output,
    /// The discriminator's answers beside it.
    pub heads: Heads,
    /// Whether the discriminator writes out its input gradient
    /// ([`DiscriminatorNet::input_gradient`]), so that a gradient penalty can train it.
    pub input_gradient: bool,
    /// Its whole-number settings beyond [`NZ`] (its widths).
    pub settings: &'static [Setting],
    /// How its generator's layers group into PyTorch sequentials.
    pub torch: TorchLayout,
}

impl VariantInfo {
    /// Values per image of the code the generator takes (0: none).
    pub const fn code_size(&self) -> usize {
        self.codes.size()
    }

    /// Columns of the discriminator's output: the score (or energy), then the heads.
    pub const fn outputs(&self) -> usize {
        1 + self.heads.classes + self.heads.continuous
    }

    /// The setting that sizes `sizes` (`Both` counts for either), if it has one.
    pub fn width_for(&self, sizes: Sizes) -> Option<&'static Setting> {
        self.settings
            .iter()
            .find(|s| s.sizes == sizes || s.sizes == Sizes::Both)
    }
}

/// A generator network.
pub trait GeneratorNet: Module + core::fmt::Debug {
    /// Images `[B, 1, H, W]` in [-1, 1] from z `[B, nz]` and, for an architecture that takes
    /// one, codes `[B, code size]` (ignored by the others).
    ///
    /// # Panics
    /// If the architecture takes a code and `codes` is `None`.
    fn generate(&self, z: Tensor<2>, codes: Option<Tensor<2>>) -> Tensor<4>;
}

/// A discriminator network.
pub trait DiscriminatorNet: Module + core::fmt::Debug {
    /// Judges images `[B, 1, H, W]` (and, where [`VariantInfo::discriminator_reads_labels`],
    /// their digits `[B, 10]`): `[B, outputs]`, the score or energy first, then the heads.
    ///
    /// # Panics
    /// If it reads labels and `labels` is `None`.
    fn discriminate(&self, images: Tensor<4>, labels: Option<Tensor<2>>) -> Tensor<2>;

    /// ∂D(x_b)/∂x_b of the first output column for each image `[B, 1, H, W]`, written with
    /// differentiable operations (so that first-order autodiff differentiates a penalty on
    /// it exactly), where the network can: `None` elsewhere.
    fn input_gradient(&self, images: Tensor<4>) -> Option<Tensor<4>> {
        let _ = images;
        None
    }
}

/// An architecture: its config is the checkpoint's model header, and builds its networks.
///
/// Implemented by one config type per file of `src/model/`, and listed once in the
/// registry's table (`src/model/registry.rs`).
pub trait Architecture:
    core::fmt::Debug + Clone + PartialEq + Default + Serialize + DeserializeOwned
{
    /// What the registry, the CLI and the page know of it.
    const INFO: VariantInfo;
    /// Its generator.
    type Generator: GeneratorNet;
    /// Its discriminator.
    type Discriminator: DiscriminatorNet;

    /// Size of z (without any codes).
    fn nz(&self) -> usize;
    /// The distribution z is drawn from.
    fn prior(&self) -> Prior;
    /// How its parameters are initialised.
    fn init(&self) -> InitScheme;
    /// Side of the images it makes: [`VariantInfo::image_size`] unless the architecture
    /// offers other sizes.
    fn image_size(&self) -> usize {
        Self::INFO.image_size
    }
    /// Builds the generator on `device`.
    fn init_generator(&self, device: &Device) -> Self::Generator;
    /// Builds the discriminator on `device`.
    fn init_discriminator(&self, device: &Device) -> Self::Discriminator;

    /// Whether its discriminator is a critic under spectral normalisation.
    fn spectral(&self) -> bool {
        false
    }

    /// This model with its discriminator under spectral normalisation (`true`) or as its
    /// paper has it (`false`), if it offers that choice.
    fn with_spectral(&self, spectral: bool) -> Option<Self> {
        (spectral == self.spectral()).then(|| self.clone())
    }
}
