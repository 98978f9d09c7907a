//! The `gan` command line's parser and dispatch: which command runs, and how its error is
//! printed. Each command's flags and code are in its own module.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::{
    bench, compare, convert, eval, export, import, inspect, interpolate, invert, lab, neighbours,
    presets, sample, train, train_classifier,
};

/// The whole command line: one subcommand.
#[derive(Parser)]
#[command(
    name = "gan",
    version,
    about = "Train, sample and inspect GAN Studio models"
)]
struct Cli {
    /// The command to run.
    #[command(subcommand)]
    command: Command,
}

/// The commands, each with its flags.
#[derive(Subcommand)]
enum Command {
    /// Train a model on the shipped MNIST digits and write a checkpoint.
    Train(Box<train::TrainArgs>),
    /// Write a grid of samples as a PNG.
    Sample(sample::SampleArgs),
    /// Write a strip interpolating between two seeds (or two digits) as a PNG.
    Interpolate(interpolate::InterpolateArgs),
    /// Print a checkpoint's model kind, settings, parameter counts and training state.
    Inspect(inspect::InspectArgs),
    /// Time training steps (median ms per step) on a backend; prints figures, asserts nothing.
    Bench(bench::BenchArgs),
    /// Copy a checkpoint without its optimiser state (and, optionally, its discriminator):
    /// the smaller files shipped to the page.
    Export(export::ExportArgs),
    /// A generator from a PyTorch state dict (the course's layers, mapped by order and
    /// shape), written as a generator-only checkpoint.
    Import(import::ImportArgs),
    /// Draw a checkpoint's generator for reference samples' z (and labels), e.g. PyTorch's,
    /// and print the largest difference to their images.
    Compare(compare::CompareArgs),
    /// Train the MNIST digit classifier that `gan eval` scores generators with.
    TrainClassifier(train_classifier::TrainClassifierArgs),
    /// Score a generator (or, with --real, real digits) with the classifier: label accuracy,
    /// digit coverage, confidence and the Fréchet distance to the held-out digits.
    Eval(eval::EvalArgs),
    /// List the model presets: names, settings, training defaults and shipped weights.
    Presets(presets::PresetsArgs),
    /// Find z: the latent vector from which a generator draws a given digit (a PNG or a
    /// held-out digit); or, with --eval-heldout, measure inversion on held-out digits.
    Invert(Box<invert::InvertArgs>),
    /// The training digits nearest to a generated image, by classifier features and by pixels.
    Neighbours(neighbours::NeighboursArgs),
    /// Write MNIST-format data (IDX image/label files, gzipped or not) as GAN Studio's data
    /// file, sorted by label with a stratified train / held-out split.
    Convert(convert::ConvertArgs),
    /// Train a 2-D lab run (points in the plane) and print its losses, divergences, modes
    /// covered and speed.
    Lab(lab::LabArgs),
}

/// Parses the command line, runs the command and prints its error, if any, as `error: ...`.
pub fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Train(args) => train::run(*args),
        Command::Sample(args) => sample::run(args),
        Command::Interpolate(args) => interpolate::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Export(args) => export::run(args),
        Command::Import(args) => import::run(args),
        Command::Compare(args) => compare::run(args),
        Command::TrainClassifier(args) => train_classifier::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Presets(args) => presets::run(args),
        Command::Lab(args) => lab::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Invert(args) => invert::run(*args),
        Command::Neighbours(args) => neighbours::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}` joins the context and its cause: "cannot read FILE: No such file ...".
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
