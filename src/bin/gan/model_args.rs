//! The flags that choose a model and its training settings (`--model`, `--nz`, `--loss`, ...),
//! with the preset registry's and the library's names as their allowed values.

use std::ffi::OsStr;

use anyhow::{Error, Result};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Arg, Args};
use gan_studio::latent::Prior;
use gan_studio::model::{DiscriminatorNorm, InitScheme, ModelConfig, Sizes};
use gan_studio::preset::{DEFAULT_PRESET, Preset, preset, presets};
use gan_studio::train::{GanLoss, OptimizerKind, TrainConfig};

/// `--model`'s values: every preset's name and aliases, with its title as help.
pub fn preset_names() -> PossibleValuesParser {
    PossibleValuesParser::new(presets().into_iter().map(|p| {
        PossibleValue::new(p.name)
            .aliases(p.aliases.iter().copied())
            .help(p.title)
    }))
}

/// A flag whose value is one of a library enum's names: the library's `parse` decides what
/// it accepts (its other spellings too), and `--help` and clap's error list the canonical
/// names.
#[derive(Clone)]
struct LibraryNames<T: 'static> {
    /// Every value, in the order `--help` lists them (the library's `ALL`).
    values: &'static [T],
    /// The canonical name of a value.
    name: fn(T) -> &'static str,
    /// The library's parser.
    parse: fn(&str) -> Option<T>,
}

impl<T: Copy + Send + Sync + 'static> TypedValueParser for LibraryNames<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&Arg>,
        value: &OsStr,
    ) -> clap::error::Result<T> {
        if let Some(parsed) = value.to_str().and_then(self.parse) {
            return Ok(parsed);
        }
        // Not a name the library knows: clap's own error, naming the flag and the values.
        let names = PossibleValuesParser::new(self.possible_values().into_iter().flatten());
        let name = names.parse_ref(cmd, arg, value)?;
        (self.parse)(&name)
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            self.values
                .iter()
                .map(|&v| PossibleValue::new((self.name)(v))),
        ))
    }
}

/// `--loss`'s values: the library's generator losses.
fn loss_names() -> LibraryNames<GanLoss> {
    LibraryNames {
        values: GanLoss::ALL,
        name: GanLoss::name,
        parse: GanLoss::parse,
    }
}

/// `--init`'s values: the library's initialisation schemes.
fn init_names() -> LibraryNames<InitScheme> {
    LibraryNames {
        values: InitScheme::ALL,
        name: InitScheme::name,
        parse: InitScheme::parse,
    }
}

/// `--prior`'s values: the distributions z may be drawn from.
fn prior_names() -> LibraryNames<Prior> {
    LibraryNames {
        values: Prior::ALL,
        name: Prior::name,
        parse: Prior::parse,
    }
}

/// `--norm`'s values: the DCGAN discriminator's normalisations.
fn norm_names() -> LibraryNames<DiscriminatorNorm> {
    LibraryNames {
        values: DiscriminatorNorm::ALL,
        name: DiscriminatorNorm::name,
        parse: DiscriminatorNorm::parse,
    }
}

/// `--optimizer`'s values: the library's optimisers.
fn optimizer_names() -> LibraryNames<OptimizerKind> {
    LibraryNames {
        values: OptimizerKind::ALL,
        name: OptimizerKind::name,
        parse: OptimizerKind::parse,
    }
}

/// The model: a preset and the settings that replace its own.
#[derive(Args, Clone)]
pub struct ModelArgs {
    /// Model preset; its widths and training settings are the defaults of the flags below.
    #[arg(long, default_value = DEFAULT_PRESET, value_parser = preset_names())]
    model: String,
    /// Latent size.
    #[arg(long)]
    nz: Option<usize>,
    /// Generator width: ngf for the convolutional models, hidden width for the MLP GAN
    /// (`gan presets` names each model's).
    #[arg(long)]
    ngf: Option<usize>,
    /// Discriminator width: ndf for the convolutional models (the MLP GAN uses --ngf for
    /// both).
    #[arg(long)]
    ndf: Option<usize>,
    /// Initialisation: dcgan is N(0, 0.02) (the DCGAN paper's), default is Burn's.
    #[arg(long, value_parser = init_names())]
    init: Option<InitScheme>,
    /// The distribution z is drawn from.
    #[arg(long, value_parser = prior_names())]
    prior: Option<Prior>,
    /// Side of the images, where the model offers several (the DCGAN: 32 or 64, with one
    /// more block in each network).
    #[arg(long)]
    image_size: Option<usize>,
    /// The DCGAN discriminator's normalisation: BatchNorm, or spectral normalisation of
    /// every layer (what --loss wgan-sn uses, and SN-GAN with --loss hinge).
    #[arg(long, value_parser = norm_names())]
    norm: Option<DiscriminatorNorm>,
}

impl ModelArgs {
    /// The preset named by `--model`.
    pub fn preset(&self) -> Preset {
        preset(&self.model).expect("clap accepts only preset names")
    }

    /// The preset's model with the settings given on the command line, made fit for the
    /// training settings `train` unless `--norm` says otherwise, validated against both.
    pub fn config(&self, train: &TrainConfig) -> Result<ModelConfig> {
        let loss = train.loss;
        let mut config = self.preset().model;
        if let Some(nz) = self.nz {
            config = config.with_setting("nz", nz).map_err(Error::msg)?;
        }
        for (sizes, width) in [
            (Sizes::Generator, self.ngf),
            (Sizes::Discriminator, self.ndf),
        ] {
            if let Some(width) = width {
                config = config.with_width(sizes, width).map_err(Error::msg)?;
            }
        }
        if let Some(init) = self.init {
            config = config.with_init(init);
        }
        if let Some(prior) = self.prior {
            config = config.with_prior(prior);
        }
        if let Some(size) = self.image_size {
            config = config.with_image_size(size).map_err(Error::msg)?;
        }
        config = match self.norm {
            Some(norm) => {
                let spectral = norm == DiscriminatorNorm::Spectral;
                config.with_spectral(spectral).ok_or_else(|| {
                    Error::msg(format!(
                        "--norm {}: the {} offers no choice of normalisation",
                        norm.name(),
                        config.kind().name()
                    ))
                })?
            }
            None => loss.adapt(config),
        };
        config.validate().map_err(Error::msg)?;
        train.check_model(&config).map_err(Error::msg)?;
        Ok(config)
    }
}

/// Training settings; each one not given keeps the preset's (or a resumed file's) value.
#[derive(Args, Clone)]
pub struct OptimArgs {
    /// Images per batch.
    #[arg(long)]
    batch: Option<usize>,
    /// Generator learning rate.
    #[arg(long)]
    lr_g: Option<f64>,
    /// Discriminator learning rate.
    #[arg(long)]
    lr_d: Option<f64>,
    /// Adam beta1.
    #[arg(long)]
    beta1: Option<f64>,
    /// Adam beta2.
    #[arg(long)]
    beta2: Option<f64>,
    /// Generator loss; the WGAN losses bring their papers' optimiser, learning rates, D
    /// steps and clipping (flags given still win).
    #[arg(long, value_parser = loss_names())]
    loss: Option<GanLoss>,
    /// Optimiser of both networks.
    #[arg(long, value_parser = optimizer_names())]
    optimizer: Option<OptimizerKind>,
    /// Discriminator (critic) updates per step.
    #[arg(long)]
    d_steps: Option<usize>,
    /// Clip the discriminator's weights to [-CLIP, CLIP] after each update (0: no clipping).
    #[arg(long)]
    clip: Option<f64>,
    /// λ of WGAN-GP's gradient penalty on the critic (`--loss wgan-gp` brings the paper's 10).
    #[arg(long)]
    gradient_penalty: Option<f64>,
    /// γ of BEGAN's equilibrium, E[L(G(z))] / E[L(x)] (`--loss began` brings 0.5).
    #[arg(long)]
    gamma: Option<f64>,
    /// Seed of the weights, batch order and noise (a resumed run keeps its own).
    #[arg(long)]
    seed: Option<u64>,
}

impl OptimArgs {
    /// `base` with the settings given on the command line, validated. A new `--loss` first
    /// brings its own settings ([`TrainConfig::with_loss`]).
    pub fn apply(&self, base: TrainConfig) -> Result<TrainConfig> {
        let base = match self.loss {
            Some(loss) if loss != base.loss => base.with_loss(loss),
            _ => base,
        };
        let config = TrainConfig {
            lr_g: self.lr_g.unwrap_or(base.lr_g),
            lr_d: self.lr_d.unwrap_or(base.lr_d),
            beta1: self.beta1.unwrap_or(base.beta1),
            beta2: self.beta2.unwrap_or(base.beta2),
            batch_size: self.batch.unwrap_or(base.batch_size),
            seed: self.seed.unwrap_or(base.seed),
            optimizer: self.optimizer.unwrap_or(base.optimizer),
            d_steps: self.d_steps.unwrap_or(base.d_steps),
            clip: match self.clip {
                Some(0.0) => None,
                Some(clip) => Some(clip),
                None => base.clip,
            },
            gradient_penalty: self.gradient_penalty.or(base.gradient_penalty),
            gamma: self.gamma.or(base.gamma),
            ..base
        };
        config.validate().map_err(Error::msg)?;
        Ok(config)
    }
}
