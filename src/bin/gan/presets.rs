//! `gan presets`: lists the preset registry (every model the CLI and the page offer) as a
//! table, or as the JSON the page reads.

use anyhow::Result;
use clap::Args;
use gan_studio::model::{DiscriminatorNorm, ModelConfig};
use gan_studio::preset::{DEFAULT_PRESET, Preset, presets, registry_json};

/// `gan presets`'s flags.
#[derive(Args)]
pub struct PresetsArgs {
    /// Print the registry as JSON, as the page reads it: {"default", "presets", "losses"}.
    #[arg(long)]
    json: bool,
}

/// The table's column headings.
const HEADINGS: [&str; 10] = [
    "name", "aliases", "model", "settings", "loss", "batch", "lr_g", "lr_d", "steps", "shipped",
];

/// Runs `gan presets`.
pub fn run(args: PresetsArgs) -> Result<()> {
    if args.json {
        println!("{}", registry_json());
        return Ok(());
    }
    let all = presets();
    let rows: Vec<[String; 10]> = all.iter().map(row).collect();
    let widths: Vec<usize> = (0..HEADINGS.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([HEADINGS[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>, title: &str| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        println!("{}  {title}", padded.join("  "));
    };
    line(HEADINGS.to_vec(), "title");
    for (preset, cells) in all.iter().zip(&rows) {
        line(cells.iter().map(String::as_str).collect(), preset.title);
    }
    println!("default: {DEFAULT_PRESET}");
    Ok(())
}

/// A preset's cells, in the order of [`HEADINGS`].
fn row(preset: &Preset) -> [String; 10] {
    let aliases = if preset.aliases.is_empty() {
        "-".to_owned()
    } else {
        preset.aliases.join(", ")
    };
    [
        preset.name.to_owned(),
        aliases,
        preset.model.kind().name().to_owned(),
        settings(&preset.model),
        preset.train.loss.name().to_owned(),
        preset.train.batch_size.to_string(),
        preset.train.lr_g.to_string(),
        preset.train.lr_d.to_string(),
        preset.steps.to_string(),
        format!("weights/{}.bpk", preset.shipped),
    ]
}

/// A model's settings in words: latent size, widths and initialisation.
fn settings(model: &ModelConfig) -> String {
    let conv = |ngf: usize, ndf: usize| format!("ngf {ngf}, ndf {ndf}");
    let (nz, widths, init) = match model {
        ModelConfig::Mlp(c) => (c.nz, format!("hidden {}", c.hidden), c.init),
        ModelConfig::Dcgan(c) => (c.nz, conv(c.ngf, c.ndf), c.init),
        ModelConfig::Cdcgan(c) => (c.nz, conv(c.ngf, c.ndf), c.init),
        ModelConfig::Acgan(c) => (c.nz, conv(c.ngf, c.ndf), c.init),
        ModelConfig::Infogan(c) => (c.nz, conv(c.ngf, c.ndf), c.init),
    };
    let norm = match model {
        ModelConfig::Dcgan(c) if c.norm != DiscriminatorNorm::Batch => {
            format!(", D norm {}", c.norm.name())
        }
        _ => String::new(),
    };
    format!("nz {nz}, {widths}, init {}{norm}", init.name())
}
