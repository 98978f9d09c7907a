//! GAN objectives, written on the discriminator's logits in numerically stable forms.
//!
//! With `s` a logit and σ the sigmoid: −log σ(s) = softplus(−s) and −log(1 − σ(s)) =
//! softplus(s); Burn's `log_sigmoid` computes log σ without forming σ, so no log of a
//! clamped probability appears anywhere.

use burn::prelude::*;
use burn::tensor::activation::{log_sigmoid, sigmoid};
use serde::{Deserialize, Serialize};

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
}

impl GanLoss {
    /// Every loss, in the order menus and `--help` list them.
    pub const ALL: &'static [GanLoss] = &[
        GanLoss::NonSaturating,
        GanLoss::Saturating,
        GanLoss::LeastSquares,
    ];

    /// The name used on the command line and in checkpoints.
    pub fn name(self) -> &'static str {
        match self {
            GanLoss::NonSaturating => "non-saturating",
            GanLoss::Saturating => "saturating",
            GanLoss::LeastSquares => "least-squares",
        }
    }

    /// How menus show the loss.
    pub fn title(self) -> &'static str {
        match self {
            GanLoss::NonSaturating => "non-saturating",
            GanLoss::Saturating => "saturating (minimax)",
            GanLoss::LeastSquares => "least squares (LSGAN)",
        }
    }

    /// Parses a name from [`GanLoss::name`] (also `ns`, `minimax`, `lsgan`).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "non-saturating" | "ns" => Some(GanLoss::NonSaturating),
            "saturating" | "minimax" => Some(GanLoss::Saturating),
            "least-squares" | "lsgan" => Some(GanLoss::LeastSquares),
            _ => None,
        }
    }

    /// The discriminator's loss from its logits on real `[B, 1]` and fake `[B, 1]` images.
    pub fn discriminator(self, real: Tensor<2>, fake: Tensor<2>) -> Tensor<1> {
        match self {
            // BCE(real, 1) + BCE(fake, 0) = −log σ(r) − log σ(−f)
            GanLoss::NonSaturating | GanLoss::Saturating => {
                log_sigmoid(real).mean().neg() - log_sigmoid(fake.neg()).mean()
            }
            GanLoss::LeastSquares => {
                (real - 1.0).square().mean() * 0.5 + fake.square().mean() * 0.5
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
        }
    }

    /// What the discriminator "says" about images, averaged: the probability σ(s) for the BCE
    /// losses, the raw score for LSGAN (whose targets are 1 for real, 0 for fake).
    pub fn mean_output(self, logits: Tensor<2>) -> Tensor<1> {
        match self {
            GanLoss::NonSaturating | GanLoss::Saturating => sigmoid(logits).mean(),
            GanLoss::LeastSquares => logits.mean(),
        }
    }
}
