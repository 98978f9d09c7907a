//! Learning: a short DCGAN run moves the generator from gray noise toward MNIST-like images,
//! and D-only steps teach the discriminator to tell digits from the generator's noise.
//!
//! In its own test binary, as one test, on one CPU thread: GAN training amplifies the tiniest
//! float difference over hundreds of steps, and runs sharing a process or a loaded machine
//! were seen to take different trajectories. One sequential test on a one-thread pool makes
//! the run the same every time.

use burn::prelude::*;
use gan_studio::data::MnistSet;
use gan_studio::latent;
use gan_studio::model::{DcganConfig, ModelConfig};
use gan_studio::train::{GanTrainer, StepMode, TrainConfig};

static MNIST: &[u8] = include_bytes!("../www/data/mnist.bin");

/// Pins Burn's CPU backend to one worker thread (before its thread pool starts).
fn single_threaded() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: called first thing in the only test of this binary, before any thread
        // that could read the environment (Burn's pool) exists.
        unsafe { std::env::set_var("RAYON_NUM_THREADS", "1") };
    });
}

#[test]
fn the_discriminator_and_then_the_generator_learn() {
    single_threaded();
    discriminator_only_steps_learn_to_separate_digits_from_noise();
    a_short_dcgan_run_learns_dark_backgrounds_and_bright_strokes();
}

fn data() -> MnistSet {
    MnistSet::from_bytes(MNIST).unwrap()
}

fn discriminator_only_steps_learn_to_separate_digits_from_noise() {
    let data = data();
    let config = TrainConfig {
        batch_size: 16,
        seed: 2,
        ..TrainConfig::default()
    };
    let model = ModelConfig::Dcgan(DcganConfig::default());
    let mut trainer = GanTrainer::new(model, config, &data, &Device::flex());
    let mut last = None;
    for _ in 0..30 {
        last = Some(
            trainer
                .train_step(&data, StepMode::DiscriminatorOnly)
                .read(),
        );
    }
    let f = last.unwrap();
    assert!(f.d_real > 0.9, "D(x) = {}", f.d_real);
    assert!(f.d_fake < 0.1, "D(G(z)) = {}", f.d_fake);
    assert!(f.loss_d < 0.3, "loss_D = {}", f.loss_d);
}

fn a_short_dcgan_run_learns_dark_backgrounds_and_bright_strokes() {
    // At initialisation the generator paints mid-gray noise; 250 steps at batch 32 (measured:
    // 53% background, mean -0.41; real digits: 78%, mean -0.65) move it toward MNIST's
    // mostly-black images with a minority of bright ink.
    let data = data();
    let device = Device::flex();
    let model = ModelConfig::Dcgan(DcganConfig::default());
    let config = TrainConfig {
        batch_size: 32,
        seed: 7,
        ..TrainConfig::default()
    };
    let mut trainer = GanTrainer::new(model, config, &data, &device);
    let z = latent::sample_z(5, 64, trainer.model().nz());
    let stats = |trainer: &GanTrainer| {
        let images: Vec<f32> = trainer.sample(&z, None).into_data().try_to_vec().unwrap();
        let n = images.len() as f32;
        let dark = images.iter().filter(|v| **v < -0.5).count() as f32 / n;
        let bright = images.iter().filter(|v| **v > 0.5).count() as f32 / n;
        (dark, bright, images.iter().sum::<f32>() / n)
    };
    let (dark0, _, _) = stats(&trainer);
    assert!(
        dark0 < 0.1,
        "untrained generator already has {dark0:.2} background"
    );
    for _ in 0..250 {
        trainer.train_step(&data, StepMode::Both);
    }
    let (dark, bright, mean) = stats(&trainer);
    eprintln!("after 250 steps: background {dark:.4}, ink {bright:.4}, mean {mean:.4}");
    assert!(dark > 0.3, "only {dark:.2} of pixels are background");
    assert!(mean < -0.25, "mean pixel {mean:.2}");
    assert!(
        bright > 0.005 && bright < 0.4,
        "{bright:.3} of pixels are ink"
    );
}
