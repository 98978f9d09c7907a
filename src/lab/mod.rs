//! The 2-D lab: a GAN whose data are points in the plane, small enough to watch everything
//! it does (the discriminator's output over the whole plane, the generator's manifold, the
//! gradient D gives each generated point) and to answer the course's first questions by
//! experiment.
//!
//! It trains with the image models' losses ([`GanLoss`]), their step order (k D updates,
//! then G's), and weight clipping or WGAN-GP's gradient penalty for the Wasserstein critic
//! ([`Lipschitz`]); only the networks (small MLPs, [`net`]) and the data ([`data`]) are its
//! own.
//! - [`data`]: the shapes of real points and the noise z;
//! - [`net`]: the generator's and discriminator's MLPs;
//! - [`trainer`]: a run, its steps and the views the page draws;
//! - [`measure`]: KL and JS divergence on a grid, modes covered;
//! - [`presets`]: the settings that pose the course's questions.

pub mod data;
pub mod measure;
pub mod net;
pub mod presets;
pub mod trainer;

use serde::{Deserialize, Serialize};

use crate::train::GanLoss;
pub use data::{Noise, PlaneData, Shape};
pub use net::{Activation, NetConfig};
pub use trainer::{LabTrainer, LabView};

/// The optimiser of one network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    /// Adam with betas (0.5, 0.999), the DCGAN's.
    #[default]
    Adam,
    /// Plain stochastic gradient descent, no momentum: the textbook update.
    Sgd,
}

impl OptimizerKind {
    /// Every optimiser, in the order menus list them.
    pub const ALL: &'static [OptimizerKind] = &[OptimizerKind::Adam, OptimizerKind::Sgd];

    /// The name in settings and links.
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Adam => "adam",
            OptimizerKind::Sgd => "sgd",
        }
    }

    /// How menus show it.
    pub fn title(self) -> &'static str {
        match self {
            OptimizerKind::Adam => "Adam",
            OptimizerKind::Sgd => "SGD",
        }
    }
}

/// One network's optimiser and learning rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OptimizerSettings {
    /// The update rule.
    pub kind: OptimizerKind,
    /// The learning rate.
    pub lr: f64,
}

impl Default for OptimizerSettings {
    fn default() -> Self {
        // 2e-3: the ring's modes are all covered within 1,500 steps (1e-3 took twice as
        // long), and the run still settles.
        Self {
            kind: OptimizerKind::Adam,
            lr: 2e-3,
        }
    }
}

/// The smallest learning rate the lab takes.
pub const MIN_LR: f64 = 1e-5;
/// The largest learning rate the lab takes.
pub const MAX_LR: f64 = 1.0;
/// The most D updates per G update.
pub const MAX_D_STEPS: usize = crate::train::MAX_D_STEPS;
/// The largest batch.
pub const MAX_BATCH: usize = 1024;
/// Weight clipping of the WGAN critic, the paper's 0.01.
pub const WGAN_CLIP: f32 = 0.01;
/// The largest gradient-penalty weight λ the lab takes (the paper's is 10).
pub const MAX_PENALTY_WEIGHT: f64 = 100.0;

/// How the lab keeps a Wasserstein critic Lipschitz, as the WGAN loss needs (the other
/// losses ignore it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Lipschitz {
    /// Every weight clipped to ±[`WGAN_CLIP`] after each update: the WGAN paper's.
    #[default]
    Clip,
    /// λ·E[(‖∇D(x̂)‖₂ − 1)²] added to the critic's loss at points x̂ between real and
    /// generated ones ([`crate::train::penalty`]): WGAN-GP's.
    GradientPenalty,
}

impl Lipschitz {
    /// Every constraint, in the order menus list them.
    pub const ALL: &'static [Lipschitz] = &[Lipschitz::Clip, Lipschitz::GradientPenalty];

    /// The name in settings and links.
    pub fn name(self) -> &'static str {
        match self {
            Lipschitz::Clip => "clip",
            Lipschitz::GradientPenalty => "gradient-penalty",
        }
    }

    /// How menus show it.
    pub fn title(self) -> &'static str {
        match self {
            Lipschitz::Clip => "weight clipping (±0.01)",
            Lipschitz::GradientPenalty => "gradient penalty (WGAN-GP)",
        }
    }
}

fn paper_penalty_weight() -> f64 {
    crate::train::penalty::PAPER_WEIGHT
}

/// Every setting of a lab run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabConfig {
    /// The real points' distribution.
    pub data: Shape,
    /// z's distribution.
    pub noise: Noise,
    /// z's dimension: 1 (G draws a curve) or 2 (G folds a sheet).
    pub noise_dim: usize,
    /// The generator's shape.
    pub generator: NetConfig,
    /// The discriminator's shape.
    pub discriminator: NetConfig,
    /// The loss (every image-model loss but the spectral WGAN).
    pub loss: GanLoss,
    /// How the WGAN loss's critic is kept Lipschitz; clipping, the original WGAN's, unless
    /// chosen otherwise (and in links from before this was a setting).
    #[serde(default)]
    pub lipschitz: Lipschitz,
    /// λ, the gradient penalty's weight; 10 is the WGAN-GP paper's, for every data set it
    /// tried.
    #[serde(default = "paper_penalty_weight")]
    pub penalty_weight: f64,
    /// The generator's optimiser.
    pub optimizer_g: OptimizerSettings,
    /// The discriminator's optimiser.
    pub optimizer_d: OptimizerSettings,
    /// D updates per G update (k in the GAN paper's algorithm).
    pub d_steps: usize,
    /// Points per batch, real and generated alike; 256 keeps the gradients calm.
    pub batch_size: usize,
    /// Seed of the weights, the batches and the noise.
    pub seed: u64,
}

impl Default for LabConfig {
    fn default() -> Self {
        Self {
            data: Shape::Ring,
            noise: Noise::Uniform,
            noise_dim: 2,
            generator: NetConfig::default(),
            discriminator: NetConfig::default(),
            loss: GanLoss::NonSaturating,
            lipschitz: Lipschitz::Clip,
            penalty_weight: paper_penalty_weight(),
            optimizer_g: OptimizerSettings::default(),
            optimizer_d: OptimizerSettings::default(),
            d_steps: 1,
            batch_size: 256,
            seed: 1,
        }
    }
}

impl LabConfig {
    /// Checks ranges; returns a message naming the bad setting.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=2).contains(&self.noise_dim) {
            return Err(format!(
                "the noise must have 1 or 2 dimensions, got {}",
                self.noise_dim
            ));
        }
        self.generator.validate("generator")?;
        self.discriminator.validate("discriminator")?;
        if self.loss == GanLoss::WganSn {
            return Err(
                "the lab has no spectral normalisation: pick WGAN, with weight clipping or the \
                 gradient penalty"
                    .into(),
            );
        }
        let weight = self.penalty_weight;
        if !(weight.is_finite() && (0.0..=MAX_PENALTY_WEIGHT).contains(&weight)) {
            return Err(format!(
                "the gradient penalty's weight must be 0 to {MAX_PENALTY_WEIGHT}, got {weight}"
            ));
        }
        for (which, optimizer) in [("G", self.optimizer_g), ("D", self.optimizer_d)] {
            let lr = optimizer.lr;
            if !(lr.is_finite() && (MIN_LR..=MAX_LR).contains(&lr)) {
                return Err(format!(
                    "{which}'s learning rate must be {MIN_LR} to {MAX_LR}, got {lr}"
                ));
            }
        }
        if !(1..=MAX_D_STEPS).contains(&self.d_steps) {
            return Err(format!(
                "D steps per G step must be 1 to {MAX_D_STEPS}, got {}",
                self.d_steps
            ));
        }
        if !(1..=MAX_BATCH).contains(&self.batch_size) {
            return Err(format!(
                "the batch must be 1 to {MAX_BATCH} points, got {}",
                self.batch_size
            ));
        }
        Ok(())
    }

    /// Whether D's weights are clipped after each update (WGAN with clipping).
    pub fn clip(&self) -> Option<f32> {
        (self.loss == GanLoss::WganClip && self.lipschitz == Lipschitz::Clip).then_some(WGAN_CLIP)
    }

    /// λ, when D's loss carries the gradient penalty (WGAN with the penalty).
    pub fn gradient_penalty(&self) -> Option<f64> {
        (self.loss.is_wasserstein() && self.lipschitz == Lipschitz::GradientPenalty)
            .then_some(self.penalty_weight)
    }
}

/// The losses the lab offers: every image-model loss that reads a score (the lab's critic is
/// no autoencoder), but the spectral WGAN (its critic needs convolutions) and WGAN-GP, which
/// is the WGAN loss with the gradient penalty chosen as its constraint here ([`Lipschitz`]).
pub fn losses() -> impl Iterator<Item = GanLoss> {
    GanLoss::ALL.iter().copied().filter(|&loss| {
        loss.reads() == crate::model::Output::Score
            && !matches!(loss, GanLoss::WganSn | GanLoss::WganGp)
    })
}

/// How the lab's menu shows `loss`: its own title, but the WGAN loss's without "weight
/// clipping", which is one of its two constraints here ([`Lipschitz`]).
fn loss_title(loss: GanLoss) -> &'static str {
    match loss {
        GanLoss::WganClip => "WGAN (Wasserstein critic)",
        other => other.title(),
    }
}

/// Everything the page's lab form needs, as JSON: the defaults, each menu's names and
/// titles (the losses say which are Wasserstein), the ranges, and the presets.
pub fn options_json() -> serde_json::Value {
    fn menu<T: Copy>(
        items: impl IntoIterator<Item = T>,
        name: fn(T) -> &'static str,
        title: fn(T) -> &'static str,
    ) -> serde_json::Value {
        items
            .into_iter()
            .map(|item| serde_json::json!({ "name": name(item), "title": title(item) }))
            .collect()
    }
    serde_json::json!({
        "defaults": LabConfig::default(),
        "datasets": menu(Shape::ALL.iter().copied(), Shape::name, Shape::title),
        "losses": losses()
            .map(|loss| serde_json::json!({
                "name": loss.name(),
                "title": loss_title(loss),
                "wasserstein": loss.is_wasserstein(),
            }))
            .collect::<Vec<_>>(),
        "lipschitz": menu(Lipschitz::ALL.iter().copied(), Lipschitz::name, Lipschitz::title),
        "activations": menu(Activation::ALL.iter().copied(), Activation::name, Activation::title),
        "optimizers": menu(OptimizerKind::ALL.iter().copied(), OptimizerKind::name, OptimizerKind::title),
        "noises": menu(Noise::ALL.iter().copied(), Noise::name, Noise::title),
        "limits": {
            "layers": [1, net::MAX_LAYERS],
            "units": [1, net::MAX_UNITS],
            "d_steps": [1, MAX_D_STEPS],
            "batch_size": [1, MAX_BATCH],
            "lr": [MIN_LR, MAX_LR],
            "noise_dim": [1, 2],
            "penalty_weight": [0.0, MAX_PENALTY_WEIGHT],
        },
        "presets": presets::all(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_settings_are_named() {
        assert_eq!(LabConfig::default().validate(), Ok(()));
        let bad = |edit: fn(&mut LabConfig)| {
            let mut config = LabConfig::default();
            edit(&mut config);
            config.validate().unwrap_err()
        };
        assert!(bad(|c| c.noise_dim = 3).contains("noise"));
        assert!(bad(|c| c.generator.layers = 0).contains("generator"));
        assert!(bad(|c| c.discriminator.units = 1000).contains("discriminator"));
        assert!(bad(|c| c.optimizer_d.lr = -1.0).contains("D's learning rate"));
        assert!(bad(|c| c.optimizer_g.lr = f64::NAN).contains("G's learning rate"));
        assert!(bad(|c| c.batch_size = 0).contains("batch"));
        assert!(bad(|c| c.d_steps = 11).contains("D steps"));
        assert!(bad(|c| c.loss = GanLoss::WganSn).contains("spectral"));
        assert!(bad(|c| c.penalty_weight = -1.0).contains("penalty"));
        assert!(bad(|c| c.penalty_weight = f64::INFINITY).contains("penalty"));
    }

    #[test]
    fn settings_read_back_from_the_json_the_page_sends() {
        let json = r#"{"data":"spiral","noise":"gaussian","noise_dim":1,
            "generator":{"layers":3,"units":16,"activation":"tanh"},
            "discriminator":{"layers":1,"units":64,"activation":"leaky-relu"},
            "loss":"wgan-clip","optimizer_g":{"kind":"sgd","lr":0.01},
            "optimizer_d":{"kind":"adam","lr":0.0001},"d_steps":5,"batch_size":128,"seed":7}"#;
        let config: LabConfig = serde_json::from_str(json).unwrap();
        assert_eq!(config.data, Shape::Spiral);
        assert_eq!(config.generator.activation, Activation::Tanh);
        assert_eq!(config.optimizer_g.kind, OptimizerKind::Sgd);
        assert_eq!(config.clip(), Some(WGAN_CLIP));
        assert_eq!(config.gradient_penalty(), None, "settings without it clip");
        assert_eq!(config.penalty_weight, 10.0);
        assert_eq!(config.validate(), Ok(()));
        let penalised = LabConfig {
            lipschitz: Lipschitz::GradientPenalty,
            penalty_weight: 5.0,
            ..config.clone()
        };
        assert_eq!(
            (penalised.clip(), penalised.gradient_penalty()),
            (None, Some(5.0))
        );
        let json = serde_json::to_string(&penalised).unwrap();
        assert!(json.contains(r#""lipschitz":"gradient-penalty","penalty_weight":5.0"#));
        let other_loss = LabConfig {
            loss: GanLoss::Hinge,
            ..penalised
        };
        assert_eq!(
            other_loss.gradient_penalty(),
            None,
            "only a WGAN critic has one"
        );
        let options = options_json();
        assert_eq!(options["losses"].as_array().unwrap().len(), 5);
        assert_eq!(options["losses"][4]["wasserstein"], true);
        assert_eq!(options["lipschitz"][1]["name"], "gradient-penalty");
        assert_eq!(options["datasets"][5]["name"], "drawn");
    }
}
