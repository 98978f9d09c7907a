//! Resuming: a run continued from a checkpoint (weights, optimiser state, step) matches one
//! that never stopped.
//!
//! In its own test binary on purpose: Burn's backends keep process-wide state (the seeded
//! RNG among it), so runs training on parallel test threads of one process are not
//! bit-reproducible; the product runs one trainer per process (CLI) or per page.

use burn::prelude::*;
use gan_studio::checkpoint::{Checkpoint, TrainingState, block_on, record_bytes_async};
use gan_studio::data::MnistSet;
use gan_studio::latent;
use gan_studio::model::{MlpGanConfig, ModelConfig};
use gan_studio::train::{GanLoss, GanTrainer, StepMode, TrainConfig};

static MNIST: &[u8] = include_bytes!("../www/data/mnist.bin");

/// Pins Burn's CPU backend to one worker thread, so both runs reduce in the same order.
fn single_threaded() {
    // SAFETY: called first thing in the only test of this binary, before any thread that
    // could read the environment (Burn's pool) exists.
    unsafe { std::env::set_var("RAYON_NUM_THREADS", "1") };
}

fn fixed_sample(trainer: &GanTrainer) -> Vec<f32> {
    let z = latent::sample_z(42, 2, trainer.model().nz());
    trainer.sample(&z, None).into_data().try_to_vec().unwrap()
}

#[test]
fn a_resumed_run_matches_an_uninterrupted_one() {
    single_threaded();
    let data = MnistSet::from_bytes(MNIST).unwrap();
    let device = Device::flex();
    let model = ModelConfig::Mlp(MlpGanConfig::default());
    let config = TrainConfig {
        batch_size: 8,
        loss: GanLoss::NonSaturating,
        seed: 3,
        ..TrainConfig::default()
    };

    let mut straight = GanTrainer::new(model.clone(), config.clone(), &data, &device);
    for _ in 0..4 {
        straight.train_step(&data, StepMode::Both);
    }

    let mut first = GanTrainer::new(model.clone(), config.clone(), &data, &device);
    for _ in 0..2 {
        first.train_step(&data, StepMode::Both);
    }
    let (og, od) = first.optimizers();
    let checkpoint = Checkpoint {
        model: model.clone(),
        training: Some(TrainingState {
            config: config.clone(),
            step: first.step(),
        }),
        generator: block_on(record_bytes_async(first.generator())).unwrap(),
        discriminator: Some(block_on(record_bytes_async(first.discriminator())).unwrap()),
        optimizers: Some((
            og.into_bytes().unwrap().to_vec(),
            od.into_bytes().unwrap().to_vec(),
        )),
    };
    let checkpoint = Checkpoint::from_bytes(&checkpoint.to_bytes()).unwrap();
    let state = checkpoint.training.clone().unwrap();
    let mut resumed = GanTrainer::with_networks(
        model,
        state.config,
        checkpoint.load_generator(&device).unwrap(),
        checkpoint.load_discriminator(&device).unwrap(),
        state.step,
        &data,
        &device,
    );
    let (g, d) = checkpoint.optimizers.clone().unwrap();
    let load = |bytes: Vec<u8>| {
        resumed
            .new_optimizer()
            .from_bytes(burn::tensor::Bytes::from_bytes_vec(bytes))
            .unwrap()
    };
    let (g, d) = (load(g), load(d));
    resumed.set_optimizers(g, d);
    for _ in 0..2 {
        resumed.train_step(&data, StepMode::Both);
    }
    assert_eq!(resumed.step(), 4);
    let (a, b) = (fixed_sample(&straight), fixed_sample(&resumed));
    let max_diff = a
        .iter()
        .zip(&b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max);
    assert!(max_diff < 1e-4, "resumed run differs by {max_diff}");
}
