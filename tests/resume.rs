//! Resuming: a run continued from a checkpoint (weights, optimiser state, step, batch order)
//! matches one that never stopped, also when the settings change at the resume.
//!
//! In its own test binary, with one test, on purpose: Burn's backends keep process-wide state
//! (the seeded RNG among it), so runs training on parallel test threads of one process are
//! not bit-reproducible; the product runs one trainer per process (CLI) or per page.

use burn::prelude::*;
use gan_studio::checkpoint::Checkpoint;
use gan_studio::data::MnistSet;
use gan_studio::latent;
use gan_studio::lifecycle::ResumeOptions;
use gan_studio::model::{MlpGanConfig, ModelConfig};
use gan_studio::train::{GanLoss, GanTrainer, StepMode, TrainConfig};
use pollster::block_on;

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

/// Trains 3 steps with `before`, then 3 with `after`: once straight through (changing the
/// settings in the running run) and once through a checkpoint written after step 3 and
/// resumed with `after`. Returns the largest difference of a fixed sample.
fn resume_gap(data: &MnistSet, device: &Device, before: &TrainConfig, after: &TrainConfig) -> f32 {
    let model = ModelConfig::Mlp(MlpGanConfig::default());
    let mut straight = GanTrainer::new(model.clone(), before.clone(), data, device);
    let mut first = GanTrainer::new(model, before.clone(), data, device);
    for _ in 0..3 {
        straight.train_step(data, StepMode::Both);
        first.train_step(data, StepMode::Both);
    }
    straight.set_config(after.clone()).unwrap();
    for _ in 0..3 {
        straight.train_step(data, StepMode::Both);
    }

    let bytes = block_on(first.to_checkpoint(true)).unwrap().to_bytes();
    let checkpoint = Checkpoint::from_bytes(&bytes).unwrap();
    let options = ResumeOptions {
        config: Some(after.clone()),
        restore_optimizers: true,
    };
    let resumed = GanTrainer::resume(&checkpoint, options, data, device).unwrap();
    assert!(!resumed.optimizers_skipped);
    let mut resumed = resumed.trainer;
    assert_eq!((resumed.step(), resumed.config()), (3, after));
    for _ in 0..3 {
        resumed.train_step(data, StepMode::Both);
    }
    assert_eq!(resumed.step(), 6);
    let (a, b) = (fixed_sample(&straight), fixed_sample(&resumed));
    a.iter()
        .zip(&b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[test]
fn a_resumed_run_matches_an_uninterrupted_one() {
    single_threaded();
    let data = MnistSet::from_bytes(MNIST).unwrap();
    let device = Device::flex();
    let config = TrainConfig {
        batch_size: 8,
        loss: GanLoss::NonSaturating,
        seed: 3,
        ..TrainConfig::default()
    };
    let same = resume_gap(&data, &device, &config, &config);
    assert!(same < 1e-4, "resumed run differs by {same}");

    // A new batch size (and learning rate) at the resume: the batches go on where they
    // stood, as in the run that changed them without stopping.
    let changed = TrainConfig {
        batch_size: 13,
        lr_g: config.lr_g / 2.0,
        ..config.clone()
    };
    let gap = resume_gap(&data, &device, &config, &changed);
    assert!(gap < 1e-4, "resumed run with new settings differs by {gap}");
}
