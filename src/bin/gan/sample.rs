//! `gan sample`: draws a grid of samples from a checkpoint's generator into a PNG.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use gan_studio::invert::LatentPoint;
use gan_studio::latent::{self, CONTINUOUS_CODES};
use gan_studio::model::sample::{codes_for, sample};
use gan_studio::model::{ModelConfig, ModelKind};

use crate::files::{named, read, write_raw};
use crate::render::{RenderArgs, check_digit};

/// `gan sample`'s flags.
#[derive(Args)]
pub struct SampleArgs {
    /// Which cells the grid shows.
    #[command(flatten)]
    layout: GridLayout,
    /// Draw the one latent point saved in this file (`gan invert --out`) instead of a grid.
    #[arg(long, conflicts_with_all = ["label", "label_rows", "code_sweep"])]
    z: Option<PathBuf>,
    /// Also write the generator's output values, `[count, 1, H, W]` row-major, to this file as
    /// little-endian f32: the exact values, where the PNG rounds them to 256 grey levels
    /// (scripts/gpu-check.sh compares backends with it).
    #[arg(long)]
    raw: Option<PathBuf>,
    /// The checkpoint, the PNG and the backend.
    #[command(flatten)]
    render: RenderArgs,
}

/// A grid's layout: what `gan sample` draws and `gan neighbours` picks a cell of.
#[derive(Args)]
pub struct GridLayout {
    /// Grid size as ROWSxCOLS, e.g. 10x10.
    #[arg(long, default_value = "8x8")]
    grid: String,
    /// Seed of the latent vectors.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Conditional models: draw only this digit; InfoGAN: only this categorical code.
    #[arg(long, conflicts_with = "label_rows")]
    label: Option<u8>,
    /// Conditional models: row r shows digit r, each column one z (needs 10 rows); InfoGAN:
    /// row r has categorical code r.
    #[arg(long)]
    label_rows: bool,
    /// InfoGAN: vary continuous code 1 or 2 along each row, from -2 to 2 (the others at 0),
    /// with one z per row.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=2))]
    code_sweep: Option<u8>,
}

/// The latent vectors and codes of a grid, row-major by cell.
pub struct GridInputs {
    /// Rows of the grid.
    pub rows: usize,
    /// Columns of the grid.
    pub cols: usize,
    /// z `[rows · cols, nz]`.
    pub z: Vec<f32>,
    /// Codes `[rows · cols, code size]`, for the models that take them.
    pub codes: Option<Vec<f32>>,
}

/// Runs `gan sample`.
pub fn run(args: SampleArgs) -> Result<()> {
    // The flags first: a bad grid or digit fails before the checkpoint is read.
    parse_grid(&args.layout.grid)?;
    check_digit(args.layout.label)?;
    let (model, generator, device) = args.render.load()?;
    let (images, rows, cols, what) = match &args.z {
        Some(path) => {
            let point = read_point(path)?;
            let image = point
                .draw(&generator, &model, &device)
                .with_context(|| named(path))?;
            (image, 1, 1, format!("the point in {}", path.display()))
        }
        None => {
            let grid = grid_inputs(&args.layout, &model)?;
            let images = sample(&generator, &model, &grid.z, grid.codes.as_deref(), &device);
            let what = format!("{}x{}, seed {}", grid.rows, grid.cols, args.layout.seed);
            (images, grid.rows, grid.cols, what)
        }
    };
    if let Some(raw) = &args.raw {
        write_raw(&images, raw)?;
        println!("wrote {} (raw f32 values)", raw.display());
    }
    args.render.write(images, rows, cols)?;
    println!("wrote {} ({what})", args.render.out.display());
    Ok(())
}

impl GridLayout {
    /// The seed of the grid's latent vectors.
    pub fn seed(&self) -> u64 {
        self.seed
    }
}

/// The latent point saved in `path` (JSON, as `gan invert --out` writes it).
pub fn read_point(path: &Path) -> Result<LatentPoint> {
    serde_json::from_slice(&read(path)?).with_context(|| named(path))
}

/// The z and codes of the grid `args` lays out for `model`, checked against it.
pub fn grid_inputs(args: &GridLayout, model: &ModelConfig) -> Result<GridInputs> {
    let (rows, cols) = parse_grid(&args.grid)?;
    check_digit(args.label)?;
    let kind = model.kind();
    // The architectures that take a code, and those whose code is learned: from the registry.
    let kinds = |wanted: fn(ModelKind) -> bool| {
        let names: Vec<&str> = ModelKind::ALL
            .iter()
            .filter(|&&k| wanted(k))
            .map(|k| k.name())
            .collect();
        names.join(", ")
    };
    if kind.code_size() == 0 && (args.label.is_some() || args.label_rows) {
        bail!(
            "the {} model takes no label; --label and --label-rows need a checkpoint of a model that takes one ({})",
            kind.name(),
            kinds(|k| k.code_size() > 0)
        );
    }
    if args.code_sweep.is_some() && !kind.has_latent_codes() {
        bail!(
            "--code-sweep needs a checkpoint of a model with latent codes ({}), not {}",
            kinds(ModelKind::has_latent_codes),
            kind.name()
        );
    }
    if args.label_rows && rows != 10 {
        bail!("--label-rows needs 10 rows (one per digit), got {rows}");
    }
    let nz = model.nz();
    let count = rows * cols;
    let row_digit = |row: usize| {
        if args.label_rows {
            row as u8
        } else {
            args.label.unwrap_or((row % 10) as u8)
        }
    };
    let (z, digits, continuous) = match args.code_sweep {
        Some(code) => {
            // One z and one categorical code per row; the continuous code along it.
            let row_z = model.prior().sample(args.seed, rows, nz);
            let z = (0..count)
                .flat_map(|cell| row_z[(cell / cols) * nz..(cell / cols + 1) * nz].to_vec())
                .collect();
            let digits = (0..count).map(|cell| row_digit(cell / cols)).collect();
            let values = latent::code_sweep(cols);
            let continuous = (0..count)
                .map(|cell| {
                    let mut pair = [0.0; CONTINUOUS_CODES];
                    pair[usize::from(code) - 1] = values[cell % cols];
                    pair
                })
                .collect::<Vec<_>>();
            (z, digits, Some(continuous))
        }
        None if args.label_rows => {
            let (z, digits) = latent::style_grid(model.prior(), args.seed, cols, nz);
            (z, digits, None)
        }
        None => {
            let z = model.prior().sample(args.seed, count, nz);
            let digits = (0..count)
                .map(|i| args.label.unwrap_or((i % cols % 10) as u8))
                .collect();
            (z, digits, None)
        }
    };
    let codes = codes_for(kind, &digits, continuous.as_deref());
    Ok(GridInputs {
        rows,
        cols,
        z,
        codes,
    })
}

/// `--grid`'s ROWSxCOLS, each 1 to 32.
fn parse_grid(text: &str) -> Result<(usize, usize)> {
    let bad = || anyhow!("grid must look like 10x10 (1 to 32 each), got {text:?}");
    let (r, c) = text.split_once(['x', 'X']).ok_or_else(bad)?;
    let (rows, cols) = (
        r.trim().parse::<usize>().map_err(|_| bad())?,
        c.trim().parse::<usize>().map_err(|_| bad())?,
    );
    if !(1..=32).contains(&rows) || !(1..=32).contains(&cols) {
        return Err(bad());
    }
    Ok((rows, cols))
}
