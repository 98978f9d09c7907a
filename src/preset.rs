//! The preset registry: every model GAN Studio offers, in one place.
//!
//! A preset names a model (architecture and settings), its default training settings, its
//! shipped checkpoint and how its progress grid is laid out. The CLI takes its `--model`
//! names and defaults from here, and the page reads the same list, with every architecture's
//! description and every limit, through the wasm API ([`registry_json`]), so neither holds
//! numbers of its own. A new GAN variant is one model file (its [`Architecture`], listed in
//! the table of `src/model/registry.rs`) plus its entry in [`presets`].
//!
//! [`Architecture`]: crate::model::Architecture

use serde::Serialize;

use crate::latent::{self, Prior};
use crate::model::began::BeganConfig;
use crate::model::cs231n::Cs231nConfig;
use crate::model::sample::codes_for;
use crate::model::variant::NZ;
use crate::model::wgan_gp::WganGpConfig;
use crate::model::{
    AcganConfig, CdcganConfig, DcganConfig, DiscriminatorNorm, InfoganConfig, InfoganPaperConfig,
    InitScheme, MlpGanConfig, ModelConfig, ModelKind,
};
use crate::train::figures::FIGURES;
use crate::train::{GanLoss, OptimizerKind, TRAIN_LIMITS, TrainConfig};

/// The preset the page and the CLI start with.
pub const DEFAULT_PRESET: &str = "dcgan";

/// A model GAN Studio offers by name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preset {
    /// The name on the command line, in URLs and in the page's menus.
    pub name: &'static str,
    /// Other names that mean this preset (older URLs and scripts).
    pub aliases: &'static [&'static str],
    /// The explorer's URL-hash name for this model before the registry (`#m=...`), when the
    /// names differed: `m=cdcgan` was the half width there.
    pub legacy_explorer_name: &'static str,
    /// A short title for menus.
    pub title: &'static str,
    /// The architecture and its widths.
    pub model: ModelConfig,
    /// The training settings a new run of this preset starts with.
    pub train: TrainConfig,
    /// Steps a run trains for unless told otherwise (`gan train --steps`, the page's budget).
    pub steps: u64,
    /// The shipped checkpoint, `weights/<shipped>.bpk` (trained on MNIST).
    pub shipped: &'static str,
    /// The other data sets it has shipped weights for: `weights/<data set>-<shipped>.bpk`
    /// ([`Preset::shipped_file`]).
    pub also_shipped_for: &'static [&'static str],
    /// Columns of the progress grid (see [`progress_grid`]); its rows follow from the model.
    pub progress_cols: usize,
}

impl Preset {
    /// The stem of its shipped checkpoint for the data set called `data_set`
    /// (`weights/<stem>.bpk`), if it has one: `shipped` for MNIST, `<data set>-<shipped>` for
    /// the others it lists.
    pub fn shipped_file(&self, data_set: &str) -> Option<String> {
        if data_set == crate::data::sets::MNIST.name {
            Some(self.shipped.to_owned())
        } else {
            self.also_shipped_for
                .contains(&data_set)
                .then(|| format!("{data_set}-{}", self.shipped))
        }
    }

    /// Every shipped checkpoint's stem, by data set name.
    pub fn shipped_files(&self) -> Vec<(&'static str, String)> {
        crate::data::sets::DATA_SETS
            .iter()
            .filter_map(|set| self.shipped_file(set.name).map(|file| (set.name, file)))
            .collect()
    }
}

/// Every preset, in the order the page's menus list them.
pub fn presets() -> Vec<Preset> {
    vec![
        Preset {
            name: "dcgan",
            aliases: &[],
            legacy_explorer_name: "dcgan",
            title: "DCGAN (32×32)",
            model: ModelConfig::Dcgan(DcganConfig::default()),
            train: TrainConfig::default(),
            steps: 1500,
            shipped: "dcgan",
            also_shipped_for: &["fashion"],
            progress_cols: 8,
        },
        Preset {
            name: "dcgan-64",
            aliases: &[],
            legacy_explorer_name: "dcgan-64",
            title: "DCGAN (64×64)",
            // The course's 64x64 experiment: one more block in G and in D, real images
            // resized to 64x64.
            model: ModelConfig::Dcgan(DcganConfig {
                image_size: 64,
                ..DcganConfig::default()
            }),
            // G at 1e-3 (InfoGAN's rate): at 2e-4 the 64x64 discriminator won from the first
            // steps (D(G(z)) 0.001 at step 200) and the generator's output did not move from
            // its initial grey in 250 steps; at 1e-3 the two stay level (D(G(z)) 0.1 at 100).
            train: TrainConfig {
                lr_g: 1e-3,
                ..TrainConfig::default()
            },
            steps: 1500,
            shipped: "dcgan-64",
            also_shipped_for: &[],
            progress_cols: 8,
        },
        Preset {
            name: "cdcgan-half",
            aliases: &[],
            legacy_explorer_name: "cdcgan",
            title: "Conditional DCGAN, half width (4× cheaper)",
            model: ModelConfig::Cdcgan(CdcganConfig::half_width()),
            train: TrainConfig::default(),
            steps: 1500,
            shipped: "cdcgan-half",
            also_shipped_for: &["fashion"],
            progress_cols: 8,
        },
        Preset {
            name: "cdcgan",
            aliases: &["cdcgan-course"],
            legacy_explorer_name: "cdcgan-course",
            title: "Conditional DCGAN, the course's width",
            model: ModelConfig::Cdcgan(CdcganConfig::default()),
            train: TrainConfig::default(),
            steps: 1500,
            shipped: "cdcgan",
            also_shipped_for: &[],
            progress_cols: 8,
        },
        Preset {
            name: "mlp",
            aliases: &[],
            legacy_explorer_name: "mlp",
            title: "MLP GAN (28×28)",
            model: ModelConfig::Mlp(MlpGanConfig::default()),
            train: TrainConfig::default(),
            steps: 1500,
            shipped: "mlp",
            also_shipped_for: &[],
            progress_cols: 8,
        },
        Preset {
            name: "wgan",
            aliases: &["wgan-clip"],
            legacy_explorer_name: "wgan",
            title: "WGAN, weight clipping (DCGAN layers)",
            model: ModelConfig::Dcgan(DcganConfig::default()),
            train: TrainConfig::default().with_loss(GanLoss::WganClip),
            steps: 1500,
            shipped: "wgan",
            also_shipped_for: &[],
            progress_cols: 8,
        },
        Preset {
            name: "wgan-sn",
            aliases: &[],
            legacy_explorer_name: "wgan-sn",
            title: "WGAN, spectral normalisation (DCGAN layers)",
            model: ModelConfig::Dcgan(DcganConfig {
                norm: DiscriminatorNorm::Spectral,
                ..DcganConfig::default()
            }),
            train: TrainConfig::default().with_loss(GanLoss::WganSn),
            steps: 1500,
            shipped: "wgan-sn",
            also_shipped_for: &[],
            progress_cols: 8,
        },
        Preset {
            name: "wgan-gp",
            aliases: &[],
            legacy_explorer_name: "wgan-gp",
            title: "WGAN-GP, gradient penalty (DCGAN layers, no BatchNorm in the critic)",
            model: ModelConfig::WganGp(WganGpConfig::default()),
            train: TrainConfig::default().with_loss(GanLoss::WganGp),
            steps: 1500,
            shipped: "wgan-gp",
            also_shipped_for: &[],
            progress_cols: 8,
        },
        Preset {
            name: "began",
            aliases: &[],
            legacy_explorer_name: "began",
            title: "BEGAN (autoencoder discriminator, balance k_t)",
            model: ModelConfig::Began(BeganConfig::default()),
            // γ 1 and Adam at 2e-4 (PyTorch-GAN's rate), where the paper has γ 0.5 and 1e-4
            // (`--loss began`): on MNIST's mostly blank images the fakes' energy stayed above
            // 0.5·L(x), so k_t never left 0 and the generator drew stripes the autoencoder
            // reconstructs well; at γ 1, k_t rises from the start and it draws digits
            // (weights/README.md).
            train: TrainConfig {
                lr_g: 2e-4,
                lr_d: 2e-4,
                gamma: Some(1.0),
                ..TrainConfig::default().with_loss(GanLoss::Began)
            },
            steps: 1500,
            shipped: "began",
            also_shipped_for: &[],
            progress_cols: 8,
        },
        Preset {
            name: "acgan",
            aliases: &[],
            legacy_explorer_name: "acgan",
            title: "ACGAN (names the digit it judges)",
            model: ModelConfig::Acgan(AcganConfig::default()),
            train: TrainConfig::default(),
            steps: 1500,
            shipped: "acgan",
            also_shipped_for: &[],
            progress_cols: 8,
        },
        Preset {
            name: "infogan",
            aliases: &[],
            legacy_explorer_name: "infogan",
            title: "InfoGAN (latent codes it learns to use)",
            // The paper's own MNIST networks: on the DCGAN's, the categorical code merged
            // look-alike digits (weights/README.md).
            model: ModelConfig::InfoganPaper(InfoganPaperConfig::default()),
            // The InfoGAN paper's MNIST rates: G (which the information term also trains)
            // at 1e-3, D at 2e-4.
            train: TrainConfig {
                lr_g: 1e-3,
                ..TrainConfig::default()
            },
            steps: 1500,
            shipped: "infogan",
            also_shipped_for: &[],
            progress_cols: 8,
        },
        Preset {
            name: "infogan-dcgan",
            aliases: &[],
            legacy_explorer_name: "infogan-dcgan",
            title: "InfoGAN on the DCGAN's networks (32×32)",
            // The infogan preset until its codes were found to merge look-alike digits
            // here; its files still load, and a run compares the two networks.
            model: ModelConfig::Infogan(InfoganConfig::default()),
            train: TrainConfig {
                lr_g: 1e-3,
                ..TrainConfig::default()
            },
            steps: 1500,
            shipped: "infogan-dcgan",
            also_shipped_for: &[],
            progress_cols: 8,
        },
        Preset {
            name: "cs231n",
            aliases: &["cs231n-dc"],
            legacy_explorer_name: "cs231n",
            title: "CS231N's DC-GAN (28×28, uniform z)",
            model: ModelConfig::Cs231n(Cs231nConfig::default()),
            // The assignment's Adam at 1e-3, betas (0.5, 0.999), batch 128.
            train: TrainConfig {
                lr_g: 1e-3,
                lr_d: 1e-3,
                batch_size: 128,
                ..TrainConfig::default()
            },
            steps: 1500,
            shipped: "cs231n",
            also_shipped_for: &[],
            progress_cols: 8,
        },
        Preset {
            name: "cs231n-mlp",
            aliases: &[],
            legacy_explorer_name: "cs231n-mlp",
            title: "CS231N's MLP GAN (1024 units, uniform z)",
            model: ModelConfig::Mlp(MlpGanConfig {
                nz: 96,
                hidden: 1024,
                init: InitScheme::Xavier,
                prior: Prior::Uniform,
                slope: 0.01,
            }),
            // The assignment's Adam at 1e-3, betas (0.5, 0.999), batch 128.
            train: TrainConfig {
                lr_g: 1e-3,
                lr_d: 1e-3,
                batch_size: 128,
                ..TrainConfig::default()
            },
            steps: 1500,
            shipped: "cs231n-mlp",
            also_shipped_for: &[],
            progress_cols: 8,
        },
    ]
}

/// The registry as the page reads it (the wasm `presets()`) and `gan presets --json` prints
/// it: `{"default": DEFAULT_PRESET, "presets": [...], "data_sets": [...], "variants": [...],
/// "losses": [...],
/// "optimizers": [...], "inits": [...], "priors": [...], "nz": {...}, "limits": {...}}`.
/// Each preset has its `shipped_files`, the stem of its shipped checkpoint for each data set
/// (`weights/<stem>.bpk`); each data set its `classes`, `file` and `classifier`.
/// Each variant is an architecture's [`crate::model::VariantInfo`]: its image size, codes,
/// heads, settings with their ranges and PyTorch layout. Each loss has its `name`, `title`,
/// whether it is `wasserstein` (its critic's mean scores differ by a distance estimate), what
/// it `reads` from the discriminator (`score`, or an autoencoder's `energy`) and,
/// for the losses published with settings of their own (the WGANs'), those `settings`
/// ([`TrainConfig::with_loss`]). `limits` are the training settings' ranges, `figures` what
/// a step measures, in the order the wasm Trainer's arrays give them.
pub fn registry_json() -> String {
    let losses: Vec<_> = GanLoss::ALL
        .iter()
        .map(|&loss| {
            let base = TrainConfig {
                loss,
                ..TrainConfig::default()
            };
            let published = base.clone().with_loss(loss);
            let settings = (published != base).then_some(published);
            serde_json::json!({
                "name": loss.name(),
                "title": loss.title(),
                "wasserstein": loss.is_wasserstein(),
                "reads": loss.reads(),
                "settings": settings,
            })
        })
        .collect();
    let optimizers: Vec<_> = OptimizerKind::ALL.iter().map(|o| o.name()).collect();
    let variants: Vec<_> = ModelKind::ALL.iter().map(|kind| kind.info()).collect();
    let inits: Vec<_> = InitScheme::ALL
        .iter()
        .map(|init| serde_json::json!({ "name": init.name(), "title": init.title() }))
        .collect();
    let priors: Vec<_> = Prior::ALL
        .iter()
        .map(|prior| {
            serde_json::json!({
                "name": prior.name(),
                "title": prior.title(),
                "range": prior.slider_range(),
            })
        })
        .collect();
    let presets: Vec<_> = presets()
        .iter()
        .map(|preset| {
            let mut json = serde_json::to_value(preset).expect("a preset serialises");
            let files: serde_json::Map<String, serde_json::Value> = preset
                .shipped_files()
                .into_iter()
                .map(|(set, file)| (set.to_owned(), file.into()))
                .collect();
            json["shipped_files"] = files.into();
            json
        })
        .collect();
    serde_json::json!({
        "default": DEFAULT_PRESET,
        "presets": presets,
        "data_sets": crate::data::sets::DATA_SETS,
        "variants": variants,
        "losses": losses,
        "optimizers": optimizers,
        "inits": inits,
        "priors": priors,
        "nz": NZ,
        "limits": TRAIN_LIMITS,
        "figures": FIGURES,
    })
    .to_string()
}

/// The preset called `name` (or one of its aliases).
pub fn preset(name: &str) -> Option<Preset> {
    presets()
        .into_iter()
        .find(|p| p.name == name || p.aliases.contains(&name))
}

/// The preset a model belongs to: the one with exactly these settings, else the first of its
/// kind (a run with other widths or nz still shows under its architecture's preset).
pub fn preset_of(model: &ModelConfig) -> Preset {
    preset_of_run(model, None)
}

/// The preset a run of `model` with `loss` belongs to: as [`preset_of`], preferring among
/// presets of this very model the one trained with `loss` (a DCGAN run with `wgan-clip` is
/// the `wgan` preset's).
pub fn preset_of_run(model: &ModelConfig, loss: Option<GanLoss>) -> Preset {
    let all = presets();
    let same_loss = |p: &Preset| loss.is_some_and(|loss| p.train.loss == loss);
    let exact_with_loss = all.iter().position(|p| &p.model == model && same_loss(p));
    let exact = all.iter().position(|p| &p.model == model);
    let same_kind = all.iter().position(|p| p.model.kind() == model.kind());
    let index = exact_with_loss
        .or(exact)
        .or(same_kind)
        .expect("every model kind has a preset");
    all.into_iter().nth(index).expect("index from the list")
}

/// A run's progress grid: fixed noise drawn from the run's seed, so that each grid of a run
/// shows the same cells as the generator learns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgressGrid {
    /// Rows of cells.
    pub rows: usize,
    /// Columns of cells.
    pub cols: usize,
    /// Latent vectors `[rows · cols, nz]`, row-major.
    pub z: Vec<f32>,
    /// The codes `[rows · cols, code size]` of the models that take one (the digit's one-hot;
    /// InfoGAN's categorical code with its continuous codes at 0).
    pub codes: Option<Vec<f32>>,
}

/// The progress grid of a run of `model` with seed `run_seed` and `cols` columns, as
/// `gan train --samples` writes it and the trainer panel draws it: `cols` x `cols` samples,
/// or for the models that take a digit (or InfoGAN's categorical code) the style grid: row r
/// is digit (code) r, each column one z.
pub fn progress_grid(model: &ModelConfig, run_seed: u64, cols: usize) -> ProgressGrid {
    let seed = run_seed ^ 0xF1ED; // not the run's own noise stream
    let nz = model.nz();
    let kind = model.kind();
    if kind.code_size() > 0 {
        let (z, digits) = latent::style_grid(model.prior(), seed, cols, nz);
        ProgressGrid {
            rows: latent::DIGITS,
            cols,
            z,
            codes: codes_for(kind, &digits, None),
        }
    } else {
        ProgressGrid {
            rows: cols,
            cols,
            z: model.prior().sample(seed, cols * cols, nz),
            codes: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_are_unique_and_every_kind_has_a_preset() {
        for &kind in ModelKind::ALL {
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, kind.name(), "serde's name is the registry's");
            assert_eq!(ModelKind::parse(kind.name()), Some(kind));
            assert_eq!(ModelConfig::default_for(kind).kind(), kind);
        }
        let all = presets();
        let mut names: Vec<&str> = all
            .iter()
            .flat_map(|p| std::iter::once(p.name).chain(p.aliases.iter().copied()))
            .collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "a name or alias is used twice");
        for &kind in ModelKind::ALL {
            assert!(all.iter().any(|p| p.model.kind() == kind), "{kind:?}");
        }
        assert!(preset(DEFAULT_PRESET).is_some());
        for p in &all {
            p.model.validate().unwrap();
            p.train.validate().unwrap();
        }
    }

    #[test]
    fn cdcgan_is_the_course_width_and_cdcgan_course_an_alias_of_it() {
        let course = preset("cdcgan").unwrap();
        assert_eq!(course.model, ModelConfig::Cdcgan(CdcganConfig::default()));
        assert_eq!(preset("cdcgan-course").unwrap(), course);
        let half = preset("cdcgan-half").unwrap();
        assert_eq!(half.model, ModelConfig::Cdcgan(CdcganConfig::half_width()));
        assert_eq!(half.legacy_explorer_name, "cdcgan");
        assert!(preset("nope").is_none());
    }

    #[test]
    fn a_model_maps_back_to_its_preset() {
        for p in presets() {
            assert_eq!(preset_of_run(&p.model, Some(p.train.loss)).name, p.name);
        }
        let dcgan = preset("dcgan").unwrap().model;
        assert_eq!(
            preset_of(&dcgan).name,
            "dcgan",
            "without a loss, the first preset"
        );
        assert_eq!(preset_of_run(&dcgan, Some(GanLoss::WganClip)).name, "wgan");
        assert_eq!(preset_of_run(&dcgan, Some(GanLoss::Hinge)).name, "dcgan");
        let narrow = ModelConfig::Cdcgan(CdcganConfig {
            ngf: 16,
            ..CdcganConfig::default()
        });
        assert_eq!(preset_of(&narrow).model.kind(), ModelKind::Cdcgan);
    }

    #[test]
    fn the_progress_grid_is_square_or_one_row_per_digit() {
        let dcgan = preset("dcgan").unwrap().model;
        let g = progress_grid(&dcgan, 1, 4);
        assert_eq!((g.rows, g.cols, g.z.len()), (4, 4, 16 * dcgan.nz()));
        assert!(g.codes.is_none());
        assert_eq!(g, progress_grid(&dcgan, 1, 4), "fixed for the run");
        assert_ne!(
            g.z,
            progress_grid(&dcgan, 2, 4).z,
            "another seed, other noise"
        );

        let cdcgan = preset("cdcgan-half").unwrap().model;
        let g = progress_grid(&cdcgan, 1, 3);
        assert_eq!((g.rows, g.cols), (10, 3));
        let labels = g.codes.unwrap();
        // Row r (cells 3r..3r+3) is digit r; each column keeps its z down the rows.
        for cell in 0..30 {
            assert_eq!(labels[cell * 10 + cell / 3], 1.0);
        }
        let nz = cdcgan.nz();
        assert_eq!(g.z[..nz], g.z[3 * nz..4 * nz]);
    }
}
