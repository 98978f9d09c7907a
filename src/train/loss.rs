//! GAN objectives, written on the discriminator's logits in numerically stable forms.
//!
//! With `s` a logit and σ the sigmoid: −log σ(s) = softplus(−s) and −log(1 − σ(s)) =
//! softplus(s); Burn's `log_sigmoid` computes log σ without forming σ, so no log of a
//! clamped probability appears anywhere. The hinge and Wasserstein losses read the raw
//! score (the critic's output) and no sigmoid at all.

use burn::prelude::*;
use burn::tensor::activation::{log_sigmoid, log_softmax, relu, sigmoid};
use serde::{Deserialize, Serialize};

use super::{OptimizerKind, TrainConfig};
use crate::model::{ModelConfig, Output};

/// The generator's objective (the discriminator's follows from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum GanLoss {
    /// BCE; G maximises log D(G(z)). Strong gradients early on: the practical default.
    #[default]
    NonSaturating,
    /// BCE; G minimises log(1 − D(G(z))), the literal minimax term, which saturates early.
    Saturating,
    /// Least squares (LSGAN) on the raw score: D: ½E[(D(x)−1)²] + ½E[D(G(z))²],
    /// G: ½E[(D(G(z))−1)²].
    LeastSquares,
    /// Hinge (Lim & Ye; SN-GAN): D: E[max(0, 1 − D(x))] + E[max(0, 1 + D(G(z)))],
    /// G: −E[D(G(z))].
    Hinge,
    /// WGAN (Arjovsky et al.): a critic without the sigmoid, D: E[D(G(z))] − E[D(x)],
    /// G: −E[D(G(z))]; its weights clipped to [−c, c] after each update (c = 0.01), 5
    /// critic updates per generator update and RMSprop at 5e-5, the paper's settings.
    WganClip,
    /// The Wasserstein loss with the critic's Lipschitz bound kept by spectral
    /// normalisation (Miyato et al.) instead of clipping; Adam 1e-4, betas (0, 0.9) and 5
    /// critic updates per generator update.
    WganSn,
    /// WGAN-GP (Gulrajani et al.): the Wasserstein loss with a gradient penalty
    /// λ·E[(‖∇D(x̂)‖₂ − 1)²] on points between real and generated images (λ = 10), for a
    /// critic that writes out its input gradient; the paper's Adam 1e-4, betas (0.5, 0.9)
    /// and 5 critic updates per generator update.
    WganGp,
    /// BEGAN (Berthelot et al.), on an autoencoder's energies L(v) = mean |v − D(v)|:
    /// D: L(x) − k_t·L(G(z)), G: L(G(z)), with the balance k_t kept by the step so that
    /// E[L(G(z))] stays at γ·E[L(x)] (src/train/balance.rs); the paper's Adam 1e-4, betas
    /// (0.5, 0.999), γ 0.5.
    Began,
}

impl GanLoss {
    /// Every loss, in the order menus and `--help` list them.
    pub const ALL: &'static [GanLoss] = &[
        GanLoss::NonSaturating,
        GanLoss::Saturating,
        GanLoss::LeastSquares,
        GanLoss::Hinge,
        GanLoss::WganClip,
        GanLoss::WganSn,
        GanLoss::WganGp,
        GanLoss::Began,
    ];

    /// The name used on the command line and in checkpoints.
    pub fn name(self) -> &'static str {
        match self {
            GanLoss::NonSaturating => "non-saturating",
            GanLoss::Saturating => "saturating",
            GanLoss::LeastSquares => "least-squares",
            GanLoss::Hinge => "hinge",
            GanLoss::WganClip => "wgan-clip",
            GanLoss::WganSn => "wgan-sn",
            GanLoss::WganGp => "wgan-gp",
            GanLoss::Began => "began",
        }
    }

    /// How menus show the loss.
    pub fn title(self) -> &'static str {
        match self {
            GanLoss::NonSaturating => "non-saturating",
            GanLoss::Saturating => "saturating (minimax)",
            GanLoss::LeastSquares => "least squares (LSGAN)",
            GanLoss::Hinge => "hinge",
            GanLoss::WganClip => "WGAN, weight clipping",
            GanLoss::WganSn => "WGAN, spectral normalisation",
            GanLoss::WganGp => "WGAN-GP, gradient penalty",
            GanLoss::Began => "BEGAN, equilibrium (autoencoder D)",
        }
    }

    /// Parses a name from [`GanLoss::name`] (also `ns`, `minimax`, `lsgan`, `wgan`).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "non-saturating" | "ns" => Some(GanLoss::NonSaturating),
            "saturating" | "minimax" => Some(GanLoss::Saturating),
            "least-squares" | "lsgan" => Some(GanLoss::LeastSquares),
            "hinge" => Some(GanLoss::Hinge),
            "wgan-clip" | "wgan" => Some(GanLoss::WganClip),
            "wgan-sn" => Some(GanLoss::WganSn),
            "wgan-gp" => Some(GanLoss::WganGp),
            "began" => Some(GanLoss::Began),
            _ => None,
        }
    }

    /// Whether the discriminator is a Wasserstein critic: its score estimates the distance
    /// between the real and generated distributions (E[D(x)] − E[D(G(z))]).
    pub fn is_wasserstein(self) -> bool {
        matches!(self, GanLoss::WganClip | GanLoss::WganSn | GanLoss::WganGp)
    }

    /// Whether the loss needs the critic under spectral normalisation.
    pub fn needs_spectral_critic(self) -> bool {
        self == GanLoss::WganSn
    }

    /// What the loss reads from the discriminator's first output.
    pub fn reads(self) -> Output {
        match self {
            GanLoss::Began => Output::Energy,
            _ => Output::Score,
        }
    }

    /// `model` made fit to train with this loss where the architecture can be: `wgan-sn`
    /// puts its critic under spectral normalisation ([`GanLoss::check`] says when no model
    /// fits).
    pub fn adapt(self, model: ModelConfig) -> ModelConfig {
        if self.needs_spectral_critic() {
            model.with_spectral(true).unwrap_or(model)
        } else {
            model
        }
    }

    /// Whether `model` can train with this loss; a message saying why not otherwise.
    pub fn check(self, model: &ModelConfig) -> Result<(), String> {
        let info = model.info();
        if info.output != self.reads() {
            return Err(match info.output {
                Output::Energy => format!(
                    "the {}'s discriminator is an autoencoder; {} reads a score",
                    info.name,
                    self.name()
                ),
                Output::Score => format!(
                    "{} reads an autoencoder's energy; the {}'s discriminator gives a score",
                    self.name(),
                    info.name
                ),
            });
        }
        if self.needs_spectral_critic() && !model.spectral() {
            return Err(match model.with_spectral(true) {
                Some(_) => format!(
                    "{} trains a critic under spectral normalisation; this {}'s discriminator has BatchNorm (start a new run with it)",
                    self.name(),
                    info.name
                ),
                None => {
                    let offered: Vec<&str> = crate::model::ModelKind::ALL
                        .iter()
                        .filter(|&&kind| {
                            ModelConfig::default_for(kind).with_spectral(true).is_some()
                        })
                        .map(|kind| kind.name())
                        .collect();
                    format!(
                        "{} trains a critic under spectral normalisation, which the {} does not offer (the {} does)",
                        self.name(),
                        info.name,
                        offered.join(", the ")
                    )
                }
            });
        }
        Ok(())
    }

    /// `base` (whose loss is this one) with the settings this loss was published with, where
    /// it has its own: the original WGAN's RMSprop at 5e-5, 5 critic updates per step and
    /// clipping at 0.01; for WGAN with spectral normalisation Adam at 1e-4 with betas (0,
    /// 0.9) and 5 critic updates; for WGAN-GP its Adam at 1e-4 with betas (0.5, 0.9), 5 critic
    /// updates and the penalty's λ = 10; for BEGAN its Adam at 1e-4 with betas (0.5, 0.999)
    /// and γ = 0.5. Other losses keep `base` (without clipping, a penalty or a balance's γ).
    pub fn published(self, base: TrainConfig) -> TrainConfig {
        let base = TrainConfig {
            clip: None,
            gradient_penalty: None,
            gamma: None,
            ..base
        };
        match self {
            GanLoss::WganClip => TrainConfig {
                optimizer: OptimizerKind::Rmsprop,
                lr_g: 5e-5,
                lr_d: 5e-5,
                d_steps: 5,
                clip: Some(0.01),
                ..base
            },
            GanLoss::WganSn => TrainConfig {
                optimizer: OptimizerKind::Adam,
                lr_g: 1e-4,
                lr_d: 1e-4,
                beta1: 0.0,
                beta2: 0.9,
                d_steps: 5,
                ..base
            },
            GanLoss::WganGp => TrainConfig {
                optimizer: OptimizerKind::Adam,
                lr_g: 1e-4,
                lr_d: 1e-4,
                beta1: 0.5,
                beta2: 0.9,
                d_steps: 5,
                gradient_penalty: Some(super::penalty::PAPER_WEIGHT),
                ..base
            },
            GanLoss::Began => TrainConfig {
                optimizer: OptimizerKind::Adam,
                lr_g: 1e-4,
                lr_d: 1e-4,
                beta1: 0.5,
                beta2: 0.999,
                d_steps: 1,
                gamma: Some(super::balance::GAMMA),
                ..base
            },
            _ => base,
        }
    }

    /// Whether the loss keeps a balance between its terms (BEGAN's k_t,
    /// [`super::balance`]).
    pub fn is_equilibrium(self) -> bool {
        self == GanLoss::Began
    }

    /// The discriminator's loss from its logits on real `[B, 1]` and fake `[B, 1]` images
    /// (and, for an equilibrium loss, its balance k_t `[1]`).
    pub fn discriminator(
        self,
        real: Tensor<2>,
        fake: Tensor<2>,
        balance: Option<Tensor<1>>,
    ) -> Tensor<1> {
        match self {
            // BCE(real, 1) + BCE(fake, 0) = −log σ(r) − log σ(−f)
            GanLoss::NonSaturating | GanLoss::Saturating => {
                log_sigmoid(real).mean().neg() - log_sigmoid(fake.neg()).mean()
            }
            GanLoss::LeastSquares => {
                (real - 1.0).square().mean() * 0.5 + fake.square().mean() * 0.5
            }
            // E[max(0, 1 − r)] + E[max(0, 1 + f)]
            GanLoss::Hinge => relu(real.neg() + 1.0).mean() + relu(fake + 1.0).mean(),
            // E[f] − E[r]: minimising it maximises the critic's distance estimate
            GanLoss::WganClip | GanLoss::WganSn | GanLoss::WganGp => fake.mean() - real.mean(),
            // L(x) − k_t·L(G(z)) on the energies
            GanLoss::Began => {
                let k = balance.expect("an equilibrium loss's step keeps its balance");
                real.mean() - fake.mean() * k
            }
        }
    }

    /// The generator's loss from the discriminator's logits on fake images `[B, 1]`.
    pub fn generator(self, fake: Tensor<2>) -> Tensor<1> {
        match self {
            // BCE(fake, 1) = −log σ(f)
            GanLoss::NonSaturating => log_sigmoid(fake).mean().neg(),
            // log(1 − σ(f)) = log σ(−f)
            GanLoss::Saturating => log_sigmoid(fake.neg()).mean(),
            GanLoss::LeastSquares => (fake - 1.0).square().mean() * 0.5,
            // −E[f]
            GanLoss::Hinge | GanLoss::WganClip | GanLoss::WganSn | GanLoss::WganGp => {
                fake.mean().neg()
            }
            // L(G(z))
            GanLoss::Began => fake.mean(),
        }
    }

    /// What the discriminator "says" about images, averaged: the probability σ(s) for the BCE
    /// losses, the raw score for the others (LSGAN's targets are 1 for real and 0 for fake;
    /// a critic's mean scores differ by its Wasserstein estimate).
    pub fn mean_output(self, logits: Tensor<2>) -> Tensor<1> {
        self.output(logits).mean()
    }

    /// What the discriminator "says" about each input `[B, 1]`: σ(s) for the BCE losses,
    /// the raw score for the others (see [`GanLoss::mean_output`]).
    pub fn output(self, logits: Tensor<2>) -> Tensor<2> {
        if self.output_is_probability() {
            sigmoid(logits)
        } else {
            logits
        }
    }

    /// Whether [`GanLoss::output`] is a probability in [0, 1] (the BCE losses).
    pub fn output_is_probability(self) -> bool {
        matches!(self, GanLoss::NonSaturating | GanLoss::Saturating)
    }
}

/// Mean cross-entropy of `logits` `[B, K]` against one-hot (or soft) `targets` `[B, K]`:
/// `−mean Σ targets · log_softmax(logits)`, the loss of every classifier here (the quality
/// meter's, ACGAN's digit head, InfoGAN's categorical code). `log_softmax` subtracts the
/// largest logit before exponentiating, so nothing overflows or takes log 0.
pub fn cross_entropy(logits: Tensor<2>, targets: Tensor<2>) -> Tensor<1> {
    let batch = logits.dims()[0];
    let log_probs = log_softmax(logits, 1); // [B, K]
    (log_probs * targets).sum().neg().div_scalar(batch as f32) // [1]
}
