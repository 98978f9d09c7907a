//! `gan train-classifier`: trains the MNIST digit classifier that `gan eval` scores
//! generators with, and writes it.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Error, Result, bail};
use burn::prelude::*;
use clap::Args;
use gan_studio::eval::{
    ClassifierConfig, ClassifierFile, ClassifierTrainConfig, ClassifierTrainer, ClassifierTraining,
    accuracy,
};
use pollster::block_on;

use crate::data_args::DataArgs;
use crate::files::write_atomically;
use gan_studio::data::sets::MNIST;

/// `gan train-classifier`'s flags.
#[derive(Args)]
pub struct TrainClassifierArgs {
    /// Classifier file to write.
    #[arg(long)]
    out: PathBuf,
    /// Passes over the 9,001 training digits.
    #[arg(long, default_value_t = ClassifierTrainConfig::default().epochs)]
    epochs: usize,
    /// Seed of the weights, the batch order and the augmentation.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The data set to classify, and where its images are.
    #[command(flatten)]
    data: DataArgs,
}

/// Runs `gan train-classifier`.
pub fn run(args: TrainClassifierArgs) -> Result<()> {
    let data = args.data.load(&MNIST)?;
    let config = ClassifierTrainConfig {
        epochs: args.epochs,
        seed: args.seed,
        ..ClassifierTrainConfig::default()
    };
    config.validate().map_err(Error::msg)?;
    let device = Device::flex();
    let classifier_config = ClassifierConfig::default();
    let mut trainer = ClassifierTrainer::new(classifier_config.clone(), config, &data, &device);
    let heldout = data.heldout_indices();
    eprintln!(
        "training the classifier ({}) for {} epochs on {} digits, seed {}",
        serde_json::to_string(&classifier_config).unwrap_or_default(),
        args.epochs,
        data.train_indices().len(),
        args.seed
    );
    let started = Instant::now();
    let mut heldout_accuracy = 0.0;
    for epoch in 1..=args.epochs {
        let loss = block_on(trainer.train_epoch(&data))?;
        if !loss.is_finite() {
            bail!("training diverged in epoch {epoch}: loss {loss}");
        }
        heldout_accuracy = block_on(accuracy(&trainer.classifier(), &data, &heldout, &device))?;
        println!(
            "epoch {epoch}/{}: train loss {loss:.4}, held-out accuracy {:.2}% ({} of {}), {:.0} s",
            args.epochs,
            100.0 * heldout_accuracy,
            (heldout_accuracy * heldout.len() as f64).round(),
            heldout.len(),
            started.elapsed().as_secs_f64()
        );
    }
    let training = ClassifierTraining {
        epochs: args.epochs,
        seed: args.seed,
        heldout_accuracy,
    };
    let file = block_on(ClassifierFile::of_classifier(
        &trainer.classifier(),
        &classifier_config,
        Some(training),
    ))?;
    let bytes = file.to_bytes();
    write_atomically(&args.out, &bytes)?;
    println!(
        "wrote {} ({} bytes) after {:.0} s; held-out accuracy {:.2}%",
        args.out.display(),
        bytes.len(),
        started.elapsed().as_secs_f64(),
        100.0 * heldout_accuracy
    );
    Ok(())
}
