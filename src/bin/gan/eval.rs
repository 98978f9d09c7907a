//! `gan eval`: scores a generator (or real digits) with the digit classifier and prints the
//! report, as text or JSON.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use burn::prelude::*;
use clap::Args;
use gan_studio::eval::{Classifier, ClassifierFile, Evaluator};
use pollster::block_on;

use crate::data_args::{DataArgs, named_data_set};
use crate::files::{named, read_generator};
use gan_studio::data::sets::MNIST;

/// `gan eval`'s flags.
#[derive(Args)]
pub struct EvalArgs {
    /// Checkpoint whose generator to score.
    #[arg(long, required_unless_present = "real", conflicts_with = "real")]
    weights: Option<PathBuf>,
    /// Score real training digits instead: the floor a perfect generator would reach.
    #[arg(long)]
    real: bool,
    /// Number of samples (or real digits) to score.
    #[arg(long, default_value_t = 1000)]
    n: usize,
    /// Seed of the latent vectors and labels (or of the choice of real digits).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Classifier file (written by `gan train-classifier`; default: the data set's,
    /// `weights/classifier.bpk` for MNIST).
    #[arg(long)]
    classifier: Option<PathBuf>,
    /// The data set whose held-out part is the reference (default: the one the checkpoint
    /// learned; with --real, MNIST unless given), and where its images are.
    #[command(flatten)]
    data: DataArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `gan eval`.
pub fn run(args: EvalArgs) -> Result<()> {
    let device = Device::flex();
    // Read the checkpoint before the slower reference pass, so a bad file fails at once.
    let (model, learned) = match &args.weights {
        Some(path) => {
            let (checkpoint, generator) = read_generator(path, &device)?;
            let learned = named_data_set(&checkpoint.data_set)?;
            (Some((checkpoint.model, generator)), learned)
        }
        None => (None, &MNIST),
    };
    let data = args.data.load(learned)?;
    let classifier_path = args
        .classifier
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("weights/{}.bpk", data.data_set().classifier)));
    let (classifier, file) = read_classifier(&classifier_path, &device)?;
    if let Some(training) = &file.training {
        eprintln!("classifier {}: {training}", classifier_path.display());
    }
    let evaluator = block_on(Evaluator::new(classifier, &data, &device))?;
    let report = match &model {
        Some((config, generator)) => {
            block_on(evaluator.evaluate_generator(generator, config, args.n, args.seed))
        }
        None => block_on(evaluator.evaluate_real(&data, args.n, args.seed)),
    }?;
    if args.json {
        let json = serde_json::to_string_pretty(&report).context("writing the report as JSON")?;
        println!("{json}");
    } else {
        println!("{report}");
    }
    Ok(())
}

/// The classifier in `path`, loaded on `device`, and its file (for its training record).
fn read_classifier(path: &Path, device: &Device) -> Result<(Classifier, ClassifierFile)> {
    let bytes = std::fs::read(path).map_err(|e| {
        anyhow!(
            "cannot read classifier {}: {e} (train one with `gan train-classifier --out {}`)",
            path.display(),
            path.display()
        )
    })?;
    let file = ClassifierFile::from_bytes(&bytes).with_context(|| named(path))?;
    let classifier = file.load(device).with_context(|| named(path))?;
    Ok((classifier, file))
}
