//! A run's optimisation settings ([`TrainConfig`]), their ranges and the optimisers.

use burn::optim::{AdamConfig, ModuleOptimizer, RmsPropConfig};
use serde::{Deserialize, Serialize};

use super::GanLoss;

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
        let [low, high] = limits.clip;
        if let Some(clip) = self.clip
            && !(clip.is_finite() && clip > low && clip <= high)
        {
            return Err(format!("clip must be in ({low}, {high}], got {clip}"));
        }
        Ok(())
    }

    /// These settings with the ones `loss` was published with, where it has its own: the
    /// original WGAN's RMSprop at 5e-5, 5 critic updates per step and clipping at 0.01;
    /// for WGAN with spectral normalisation WGAN-GP's Adam at 1e-4 with betas (0, 0.9) and 5
    /// critic updates. Other losses keep these settings (and no clipping).
    pub fn with_loss(self, loss: GanLoss) -> Self {
        let base = Self { loss, ..self };
        match loss {
            GanLoss::WganClip => Self {
                optimizer: OptimizerKind::Rmsprop,
                lr_g: 5e-5,
                lr_d: 5e-5,
                d_steps: 5,
                clip: Some(0.01),
                ..base
            },
            GanLoss::WganSn => Self {
                optimizer: OptimizerKind::Adam,
                lr_g: 1e-4,
                lr_d: 1e-4,
                beta1: 0.0,
                beta2: 0.9,
                d_steps: 5,
                clip: None,
                ..base
            },
            _ => Self { clip: None, ..base },
        }
    }

    /// Whether `other` needs a fresh optimiser state (another optimiser, or other betas,
    /// which take effect on a fresh state).
    pub(super) fn optimizer_differs(&self, other: &Self) -> bool {
        (self.optimizer, self.beta1, self.beta2) != (other.optimizer, other.beta1, other.beta2)
    }

    /// A fresh optimiser of this kind with these betas.
    pub(super) fn optimizer(&self) -> ModuleOptimizer {
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
