//! The lab's presets: settings that pose the course's questions about the GAN game. The
//! page's preset menu and `gan lab --preset` read them from here.

use serde::Serialize;

use super::{LabConfig, Lipschitz, OptimizerKind, OptimizerSettings};
use crate::train::{GanLoss, StepMode};

/// A preset: one or two runs (two are shown side by side, from one seed) and the networks
/// its play button trains.
#[derive(Debug, Clone, Serialize)]
pub struct LabPreset {
    /// The name in links and on the command line.
    pub name: &'static str,
    /// How the menu shows it.
    pub title: &'static str,
    /// The question it asks, and what to look for.
    pub question: &'static str,
    /// What a step trains: `both`, `d` (D only) or `g` (G only).
    pub mode: &'static str,
    /// The runs' settings: one pane, or two side by side.
    pub panes: Vec<LabConfig>,
    /// The panes' titles.
    pub titles: Vec<&'static str>,
}

impl LabPreset {
    /// What a step trains, as the trainer takes it.
    pub fn step_mode(&self) -> StepMode {
        match self.mode {
            "d" => StepMode::DiscriminatorOnly,
            "g" => StepMode::GeneratorOnly,
            _ => StepMode::Both,
        }
    }
}

/// Every preset, the default first.
pub fn all() -> Vec<LabPreset> {
    let ring = LabConfig::default();
    // G on SGD against an Adam D: from seed 2, D rejects G's first points so surely that the
    // saturating G's loss goes flat (`gan lab --preset saturating-vs-non-saturating`).
    let saturation = LabConfig {
        optimizer_g: OptimizerSettings {
            kind: OptimizerKind::Sgd,
            lr: 0.02,
        },
        seed: 2,
        ..ring.clone()
    };
    // WGAN on the ring, as the WGAN-GP authors' toy code trains it: 5 critic steps per G
    // step, Adam at a few 1e-4, and λ = 0.1 ("smaller lambda makes things faster for toy
    // tasks"). With these, from seeds 1 to 3, the penalised critic's G covered all 8 modes
    // by step 1,000 and the clipped one's at most 3 by step 2,000; λ = 10 covered at most 3.
    let adam = OptimizerSettings {
        kind: OptimizerKind::Adam,
        lr: 5e-4,
    };
    let wgan = LabConfig {
        loss: GanLoss::WganClip,
        penalty_weight: 0.1,
        optimizer_g: adam,
        optimizer_d: adam,
        d_steps: 5,
        ..ring.clone()
    };
    let one = |name, title, question, mode, config: LabConfig| LabPreset {
        name,
        title,
        question,
        mode,
        panes: vec![config],
        titles: vec![title],
    };
    vec![
        one(
            "ring",
            "A ring of 8 Gaussians",
            "Can G spread its noise over all eight modes? Watch D's field pull G's sheet \
             towards the real points.",
            "both",
            ring.clone(),
        ),
        one(
            "train-only-d",
            "Train only D",
            "What if only the discriminator learns? D's field sharpens around the real points \
             and away from G's, which never move: D wins, and nothing is generated.",
            "d",
            ring.clone(),
        ),
        one(
            "train-only-g",
            "Train only G",
            "What if only the generator learns, against a D that never changes? G's points \
             run together to wherever this fixed D scores highest: no distribution is learned, \
             only D's favourite spot.",
            "g",
            ring.clone(),
        ),
        LabPreset {
            name: "saturating-vs-non-saturating",
            title: "Saturating vs non-saturating",
            question: "Why the non-saturating loss? One seed, two losses for G. Where D is sure \
                       a point is fake, log(1 − D(G(z))) is flat: its arrows vanish and G can \
                       stall for good (first pane: its points flee \
                       the plane, marked on its border, and stay there), while −log D(G(z)) pushes hardest exactly \
                       there (second pane). G uses plain SGD here, so the gradient's size is the step's \
                       size; Adam would rescale it.",
            mode: "both",
            panes: vec![
                LabConfig {
                    loss: GanLoss::Saturating,
                    ..saturation.clone()
                },
                LabConfig {
                    loss: GanLoss::NonSaturating,
                    ..saturation
                },
            ],
            titles: vec![
                "saturating: log(1 − D(G(z)))",
                "non-saturating: −log D(G(z))",
            ],
        },
        LabPreset {
            name: "wgan-clip-vs-gp",
            title: "WGAN: clipping vs gradient penalty",
            question: "How should a Wasserstein critic be kept 1-Lipschitz? One seed, two \
                       critics. Clipping every weight to ±0.01 (first pane) leaves a critic \
                       whose scores differ by a few hundredths across the plane: too weak to \
                       point G at each mode, it covers few of them. The gradient penalty \
                       (second pane) only asks that D's slope be 1 between real and generated \
                       points: its field leans towards every mode and G covers all eight. \
                       λ is 0.1, as in the WGAN-GP authors' own code for these toy data; the \
                       paper's 10, chosen for images, holds this small critic so stiffly that \
                       G learns far more slowly (try it).",
            mode: "both",
            panes: vec![
                LabConfig {
                    lipschitz: Lipschitz::Clip,
                    ..wgan.clone()
                },
                LabConfig {
                    lipschitz: Lipschitz::GradientPenalty,
                    ..wgan
                },
            ],
            titles: vec!["weight clipping (±0.01)", "gradient penalty (λ = 0.1)"],
        },
        one(
            "mode-collapse",
            "Mode collapse on the ring",
            "Why do GANs drop modes? Here G learns ten times faster than D, both on plain \
             SGD: G's points pile up where D is weakest, D moves its field there, and G \
             chases it; at most one or two of the eight modes are covered at a time.",
            "both",
            LabConfig {
                optimizer_g: OptimizerSettings {
                    kind: OptimizerKind::Sgd,
                    lr: 0.1,
                },
                optimizer_d: OptimizerSettings {
                    kind: OptimizerKind::Sgd,
                    lr: 0.01,
                },
                ..ring
            },
        ),
    ]
}

/// The preset named `name`.
pub fn find(name: &str) -> Option<LabPreset> {
    all().into_iter().find(|preset| preset.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_and_named_once() {
        let presets = all();
        for preset in &presets {
            assert_eq!(preset.panes.len(), preset.titles.len(), "{}", preset.name);
            for pane in &preset.panes {
                assert_eq!(pane.validate(), Ok(()), "{}", preset.name);
            }
            assert_eq!(presets.iter().filter(|p| p.name == preset.name).count(), 1);
        }
        let compare = find("saturating-vs-non-saturating").unwrap();
        assert_eq!(compare.panes[0].seed, compare.panes[1].seed);
        assert_eq!(
            find("train-only-d").unwrap().step_mode(),
            StepMode::DiscriminatorOnly
        );
    }
}
