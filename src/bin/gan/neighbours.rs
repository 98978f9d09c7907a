//! `gan neighbours`: the training digits nearest to a generated image, in the classifier's
//! feature space and in pixels, with their distances: does the GAN copy its training set?

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use burn::prelude::*;
use clap::Args;
use gan_studio::data::{MnistSet, RESIZED_PIXELS, RESIZED_SIDE};
use gan_studio::eval::inversion::spread_heldout;
use gan_studio::eval::{Classifier, ClassifierFile};
use gan_studio::image::grid;
use gan_studio::model::sample::sample;
use gan_studio::neighbours::{DigitIndex, Neighbour, Neighbours};
use pollster::block_on;

use crate::backend::BackendArg;
use crate::data_args::learned_data;
use crate::files::{named, read, read_generator, write_atomically};
use crate::sample::{GridLayout, grid_inputs, read_point};

/// `gan neighbours`' flags.
#[derive(Args)]
pub struct NeighboursArgs {
    /// Checkpoint whose generator draws the sample.
    #[arg(long)]
    weights: PathBuf,
    /// The grid the sample is a cell of, as `gan sample` draws it (same flags).
    #[command(flatten)]
    layout: GridLayout,
    /// The cell of the grid (row-major, from 0).
    #[arg(long, default_value_t = 0)]
    cell: usize,
    /// The point saved in this file (`gan invert --out`) instead of a grid's cell.
    #[arg(long, conflicts_with_all = ["cell", "label", "label_rows", "code_sweep"])]
    z: Option<PathBuf>,
    /// Neighbours to show by each measure.
    #[arg(long, default_value_t = 5)]
    k: usize,
    /// Write a PNG: the sample, then its neighbours by features (top row) and by pixels
    /// (bottom row).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Integer pixel scale of --out.
    #[arg(long, default_value_t = 3)]
    scale: usize,
    /// Classifier file (written by `gan train-classifier`; default: the data set's,
    /// `weights/classifier.bpk` for MNIST).
    #[arg(long)]
    classifier: Option<PathBuf>,
    /// Also measure how far this many held-out digits lie from their nearest training digit
    /// (the distance of a digit that is new, not a copy); 0 skips it.
    #[arg(long, default_value_t = 100)]
    reference: usize,
    /// The backend that computes.
    #[command(flatten)]
    compute: BackendArg,
}

/// Runs `gan neighbours`.
pub fn run(args: NeighboursArgs) -> Result<()> {
    if !(1..=64).contains(&args.k) {
        bail!("--k must be 1 to 64, got {}", args.k);
    }
    if args.reference > 999 {
        bail!(
            "--reference takes 0 to 999 held-out digits, got {}",
            args.reference
        );
    }
    let device = args.compute.device()?;
    let (checkpoint, generator) = read_generator(&args.weights, &device)?;
    let data = learned_data(&checkpoint)?;
    let model = checkpoint.model;
    let (image, what) = match &args.z {
        Some(path) => {
            let point = read_point(path)?;
            let image = point
                .draw(&generator, &model, &device)
                .with_context(|| named(path))?;
            (image, format!("the point in {}", path.display()))
        }
        None => {
            let inputs = grid_inputs(&args.layout, &model)?;
            let count = inputs.rows * inputs.cols;
            if args.cell >= count {
                bail!(
                    "--cell must be 0 to {} in a {}x{} grid, got {}",
                    count - 1,
                    inputs.rows,
                    inputs.cols,
                    args.cell
                );
            }
            let nz = model.nz();
            let width = model.kind().code_size();
            let z = &inputs.z[args.cell * nz..(args.cell + 1) * nz];
            let codes = inputs
                .codes
                .as_ref()
                .map(|c| &c[args.cell * width..(args.cell + 1) * width]);
            let image = sample(&generator, &model, z, codes, &device);
            let what = format!(
                "cell {} of the {}x{} grid, seed {}",
                args.cell,
                inputs.rows,
                inputs.cols,
                args.layout.seed()
            );
            (image, what)
        }
    };
    let side = model.image_size();
    let pixels: Vec<f32> = image
        .into_data()
        .try_to_vec()
        .map_err(|e| anyhow::anyhow!("reading the image: {e:?}"))?;

    let classifier_path = args
        .classifier
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("weights/{}.bpk", data.data_set().classifier)));
    let classifier = read_classifier(&classifier_path, &device)?;
    let index = block_on(DigitIndex::build(
        &classifier,
        &data,
        &data.train_indices(),
        &device,
    ))?;
    let found = block_on(index.nearest(&classifier, &pixels, side, args.k, &device))?.remove(0);
    println!(
        "{} ({}), against the {} training digits:",
        what,
        model.kind().name(),
        index.len()
    );
    print_list("by classifier features", &found.by_features);
    print_list("by pixels (32x32 in [-1, 1])", &found.by_pixels);
    if args.reference > 0 {
        print_reference(&index, &classifier, &data, args.reference, &device)?;
    }
    if let Some(out) = &args.out {
        write_strip(&index, &pixels, side, &found, args.scale, out)?;
        println!(
            "wrote {} (the sample, then by features; the sample, then by pixels)",
            out.display()
        );
    }
    Ok(())
}

/// The classifier in `path`, loaded on `device`.
fn read_classifier(path: &std::path::Path, device: &Device) -> Result<Classifier> {
    let bytes = read(path).with_context(|| {
        format!(
            "the classifier (train one with `gan train-classifier --out {}`)",
            path.display()
        )
    })?;
    let file = ClassifierFile::from_bytes(&bytes).with_context(|| named(path))?;
    file.load(device).with_context(|| named(path))
}

fn print_list(title: &str, neighbours: &[Neighbour]) {
    println!("  nearest {title}:");
    for (rank, n) in neighbours.iter().enumerate() {
        println!(
            "    {}. digit #{} (a {}), distance {:.3}",
            rank + 1,
            n.index,
            n.label,
            n.distance
        );
    }
}

/// Prints the median distance of `count` held-out digits to their nearest training digit.
fn print_reference(
    index: &DigitIndex,
    classifier: &Classifier,
    data: &MnistSet,
    count: usize,
    device: &Device,
) -> Result<()> {
    let heldout = spread_heldout(data, count);
    let mut pixels = Vec::with_capacity(heldout.len() * RESIZED_PIXELS);
    for &i in &heldout {
        data.push_resized_32(i, &mut pixels);
    }
    let found = block_on(index.nearest(classifier, &pixels, RESIZED_SIDE, 1, device))?;
    let median = |pick: fn(&Neighbours) -> f32| {
        let mut values: Vec<f32> = found.iter().map(pick).collect();
        values.sort_by(f32::total_cmp);
        values[values.len() / 2]
    };
    println!(
        "  for scale: {} held-out digits (real, and not in the training split) lie a median {:.3} (features) and {:.3} (pixels) from their nearest training digit",
        heldout.len(),
        median(|n| n.by_features[0].distance),
        median(|n| n.by_pixels[0].distance)
    );
    Ok(())
}

/// Two rows: the sample then its neighbours by features; the sample then by pixels.
fn write_strip(
    index: &DigitIndex,
    sample: &[f32],
    side: usize,
    found: &Neighbours,
    scale: usize,
    out: &std::path::Path,
) -> Result<()> {
    let sample = if side == RESIZED_SIDE {
        sample.to_vec()
    } else {
        gan_studio::eval::resize_28_to_32(sample)
    };
    let k = found.by_features.len();
    let mut cells = Vec::with_capacity(2 * (k + 1) * RESIZED_PIXELS);
    for row in [&found.by_features, &found.by_pixels] {
        cells.extend_from_slice(&sample);
        for n in row {
            let pixels = index
                .pixels_of(n.index)
                .expect("a neighbour is a digit of the index");
            cells.extend_from_slice(pixels);
        }
    }
    let image = grid(&cells, RESIZED_SIDE, 2, k + 1, 1).and_then(|g| g.scaled(scale))?;
    write_atomically(out, &image.to_png()?)
}
