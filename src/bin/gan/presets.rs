//! `gan presets`: lists the preset registry (every model the CLI and the page offer) as a
//! table, or as the JSON the page reads.

use anyhow::Result;
use clap::Args;
use gan_studio::model::ModelConfig;
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
        preset
            .shipped_files()
            .iter()
            .map(|(_, file)| format!("weights/{file}.bpk"))
            .collect::<Vec<_>>()
            .join(", "),
    ]
}

/// A model's settings in words: latent size and prior, widths, initialisation and, for a
/// spectrally normalised critic, that.
fn settings(model: &ModelConfig) -> String {
    let info = model.info();
    let mut words = vec![format!("nz {} ({})", model.nz(), model.prior().name())];
    words.extend(info.settings.iter().map(|setting| {
        let value = model.setting(setting.key).unwrap_or_default();
        format!("{} {value}", setting.key)
    }));
    words.push(format!("init {}", model.init().name()));
    if model.spectral() {
        words.push("D norm spectral".to_owned());
    }
    words.join(", ")
}
