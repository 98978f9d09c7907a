//! A run's optimisation settings ([`TrainConfig`]), their ranges and the optimisers.

use burn::optim::{AdamConfig, ModuleOptimizer, RmsPropConfig};
use serde::{Deserialize, Serialize};

use super::GanLoss;
use crate::model::{ModelConfig, ModelKind};

/// The optimiser that updates both networks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    /// Adam with the run's betas: the DCGAN paper's choice.
    #[default]
    Adam,
    /// RMSprop (smoothing 0.99, no momentum): the original WGAN's, whose critic a momentum
    /// optimiser made unstable.
    Rmsprop,
}

impl OptimizerKind {
    /// Every optimiser, in the order menus and `--help` list them.
    pub const ALL: &'static [OptimizerKind] = &[OptimizerKind::Adam, OptimizerKind::Rmsprop];

    /// The name used on the command line and in checkpoints.
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Adam => "adam",
            OptimizerKind::Rmsprop => "rmsprop",
        }
    }

    /// Parses a name from [`OptimizerKind::name`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|o| o.name() == name)
    }
}

fn one() -> usize {
    1
}

/// Optimisation settings of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Generator learning rate; 2e-4 is the DCGAN paper's value.
    pub lr_g: f64,
    /// Discriminator learning rate; equal to G's by default, as in the paper.
    pub lr_d: f64,
    /// Adam β1; 0.5 instead of 0.9 damps the oscillation of the adversarial game.
    pub beta1: f64,
    /// Adam β2; 0.999 is Adam's standard.
    pub beta2: f64,
    /// Images per batch; 64 balances gradient noise and speed on small GPUs and CPUs.
    pub batch_size: usize,
    /// The generator objective; non-saturating gives G gradients while D is winning.
    pub loss: GanLoss,
    /// Seed of the initial weights, the batch order and every noise draw.
    pub seed: u64,
    /// The optimiser of both networks (files from before it was a setting used Adam).
    #[serde(default)]
    pub optimizer: OptimizerKind,
    /// Discriminator updates per training step (each on its own batch), the last one
    /// followed by the generator's; 1 for the standard GAN, 5 for the WGANs, whose critic
    /// must be near its optimum for its estimate of the distance to mean anything.
    #[serde(default = "one")]
    pub d_steps: usize,
    /// After each discriminator update, every one of its weights is clipped to
    /// [−clip, clip]: the original WGAN's way to keep the critic Lipschitz (0.01 there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clip: Option<f64>,
    /// λ of a gradient penalty on the discriminator, λ·E[(‖∇D(x̂)‖₂ − 1)²] on points between
    /// real and generated images (WGAN-GP's way to keep the critic Lipschitz, 10 there); for
    /// a discriminator that writes out its input gradient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gradient_penalty: Option<f64>,
    /// γ of an equilibrium loss (BEGAN's diversity ratio E[L(G(z))] / E[L(x)] that its
    /// balance k_t keeps; 0.5 by default: lower is sharper and less varied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gamma: Option<f64>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            lr_g: 2e-4,
            lr_d: 2e-4,
            beta1: 0.5,
            beta2: 0.999,
            batch_size: 64,
            loss: GanLoss::NonSaturating,
            seed: 1,
            optimizer: OptimizerKind::Adam,
            d_steps: 1,
            clip: None,
            gradient_penalty: None,
            gamma: None,
        }
    }
}

/// The ranges of the training settings, which [`TrainConfig::validate`] checks and the
/// page's form shows (`[low, high]`; which ends are open is said per field).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrainLimits {
    /// Learning rates: in (low, high].
    pub lr: [f64; 2],
    /// Adam's betas: in [low, high).
    pub beta: [f64; 2],
    /// Images per batch: low to high.
    pub batch_size: [usize; 2],
    /// Discriminator updates per step: low to high.
    pub d_steps: [usize; 2],
    /// Weight clipping: in (low, high].
    pub clip: [f64; 2],
    /// A gradient penalty's λ: in (low, high].
    pub gradient_penalty: [f64; 2],
    /// An equilibrium loss's γ: in (low, high].
    pub gamma: [f64; 2],
    /// A run's seed: low to high (the page keeps seeds to 32 bits).
    pub seed: [u64; 2],
}

/// The training settings' ranges.
pub const TRAIN_LIMITS: TrainLimits = TrainLimits {
    lr: [0.0, 1.0],
    beta: [0.0, 1.0],
    batch_size: [1, 1024],
    d_steps: [1, MAX_D_STEPS],
    clip: [0.0, 1.0],
    gradient_penalty: [0.0, 1000.0],
    gamma: [0.0, 1.0],
    seed: [0, u32::MAX as u64],
};

impl TrainConfig {
    /// Checks ranges ([`TRAIN_LIMITS`]); returns a message naming the bad setting.
    pub fn validate(&self) -> Result<(), String> {
        let limits = TRAIN_LIMITS;
        let [low, high] = limits.lr;
        for (name, lr) in [("lr_g", self.lr_g), ("lr_d", self.lr_d)] {
            if !(lr.is_finite() && lr > low && lr <= high) {
                return Err(format!("{name} must be in ({low}, {high}], got {lr}"));
            }
        }
        let [low, high] = limits.beta;
        for (name, beta) in [("beta1", self.beta1), ("beta2", self.beta2)] {
            if !(low..high).contains(&beta) {
                return Err(format!("{name} must be in [{low}, {high}), got {beta}"));
            }
        }
        let [low, high] = limits.batch_size;
        if !(low..=high).contains(&self.batch_size) {
            return Err(format!(
                "batch size must be {low} to {high}, got {}",
                self.batch_size
            ));
        }
        let [low, high] = limits.d_steps;
        if !(low..=high).contains(&self.d_steps) {
            return Err(format!(
                "D steps per step must be {low} to {high}, got {}",
                self.d_steps
            ));
        }
        for (name, value, [low, high]) in [
            ("clip", self.clip, limits.clip),
            (
                "the gradient penalty's λ",
                self.gradient_penalty,
                limits.gradient_penalty,
            ),
            ("γ", self.gamma, limits.gamma),
        ] {
            if let Some(value) = value
                && !(value.is_finite() && value > low && value <= high)
            {
                return Err(format!("{name} must be in ({low}, {high}], got {value}"));
            }
        }
        Ok(())
    }

    /// These settings with the ones `loss` was published with, where it has its own
    /// ([`GanLoss::published`]).
    pub fn with_loss(self, loss: GanLoss) -> Self {
        loss.published(Self { loss, ..self })
    }

    /// Whether `model` can train with these settings: with the loss ([`GanLoss::check`]) and,
    /// for a gradient penalty, with a discriminator that writes out its input gradient; a
    /// message saying why not otherwise.
    pub fn check_model(&self, model: &ModelConfig) -> Result<(), String> {
        self.loss.check(model)?;
        let info = model.info();
        if self.gradient_penalty.is_some() && !info.input_gradient {
            let offered: Vec<&str> = ModelKind::ALL
                .iter()
                .filter(|kind| kind.info().input_gradient)
                .map(|kind| kind.name())
                .collect();
            return Err(format!(
                "a gradient penalty needs a critic that writes out its input gradient, which the {}'s does not (the {} does)",
                info.name,
                offered.join(", the ")
            ));
        }
        Ok(())
    }

    /// `model` made fit for these settings' loss ([`GanLoss::adapt`]), or why no such model
    /// can train with them ([`TrainConfig::check_model`]).
    pub fn fit(&self, model: ModelConfig) -> Result<ModelConfig, String> {
        let model = self.loss.adapt(model);
        self.check_model(&model)?;
        Ok(model)
    }

    /// Whether `other` needs a fresh optimiser state (another optimiser, or other betas,
    /// which take effect on a fresh state).
    pub(crate) fn optimizer_differs(&self, other: &Self) -> bool {
        (self.optimizer, self.beta1, self.beta2) != (other.optimizer, other.beta1, other.beta2)
    }

    /// A fresh optimiser of this kind with these betas.
    pub(crate) fn optimizer(&self) -> ModuleOptimizer {
        match self.optimizer {
            OptimizerKind::Adam => AdamConfig::new()
                .with_beta_1(self.beta1 as f32)
                .with_beta_2(self.beta2 as f32)
                .with_epsilon(1e-8)
                .init(),
            OptimizerKind::Rmsprop => RmsPropConfig::new()
                .with_alpha(0.99)
                .with_momentum(0.0)
                .with_epsilon(1e-8)
                .init(),
        }
    }
}

/// The most discriminator updates a step may take.
pub const MAX_D_STEPS: usize = 10;
