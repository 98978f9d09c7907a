//! Training: a step changes the weights and gives finite losses, every preset trains, a
//! resumed run continues exactly, and a short DCGAN run moves toward the data.

use burn::prelude::*;
use gan_studio::data::MnistSet;
use gan_studio::latent;
use gan_studio::model::{CdcganConfig, DcganConfig, MlpGanConfig, ModelConfig};
use gan_studio::train::{GanLoss, GanTrainer, StepMode, TrainConfig};

static MNIST: &[u8] = include_bytes!("../www/data/mnist.bin");

fn data() -> MnistSet {
    MnistSet::from_bytes(MNIST).unwrap()
}

fn small(seed: u64, loss: GanLoss) -> TrainConfig {
    TrainConfig {
        batch_size: 8,
        loss,
        seed,
        ..TrainConfig::default()
    }
}

fn fixed_sample(trainer: &GanTrainer) -> Vec<f32> {
    let nz = trainer.model().nz();
    let z = latent::sample_z(42, 2, nz);
    let codes = trainer
        .model()
        .kind()
        .is_conditional()
        .then(|| latent::one_hot(&[2, 8]));
    trainer
        .sample(&z, codes.as_deref())
        .into_data()
        .try_to_vec()
        .unwrap()
}

#[test]
fn every_preset_and_loss_trains_with_finite_losses_and_changing_output() {
    let data = data();
    let device = Device::flex();
    let presets = [
        ModelConfig::Mlp(MlpGanConfig::default()),
        ModelConfig::Dcgan(DcganConfig::default()),
        ModelConfig::Cdcgan(CdcganConfig {
            ngf: 16,
            ndf: 8,
            ..CdcganConfig::default()
        }),
    ];
    for model in presets {
        for loss in [
            GanLoss::NonSaturating,
            GanLoss::Saturating,
            GanLoss::LeastSquares,
        ] {
            let mut trainer = GanTrainer::new(model.clone(), small(1, loss), &data, &device);
            let before = fixed_sample(&trainer);
            for _ in 0..2 {
                let figures = trainer.train_step(&data, StepMode::Both).read();
                assert!(
                    figures.is_finite(StepMode::Both),
                    "{} {loss:?}: {figures:?}",
                    model.kind().name()
                );
                assert!(figures.loss_d > 0.0 || loss == GanLoss::LeastSquares);
            }
            assert_eq!(trainer.step(), 2);
            assert_ne!(
                fixed_sample(&trainer),
                before,
                "{} {loss:?}",
                model.kind().name()
            );
        }
    }
}

#[test]
fn single_network_steps_update_only_that_network() {
    let data = data();
    let device = Device::flex();
    let model = ModelConfig::Dcgan(DcganConfig::default());
    let mut trainer = GanTrainer::new(model, small(2, GanLoss::NonSaturating), &data, &device);
    let g_before = fixed_sample(&trainer);
    let d_only = trainer.train_step(&data, StepMode::DiscriminatorOnly);
    assert!(d_only.loss_g.is_none() && d_only.loss_d.is_some());
    // BatchNorm running stats of G move in its forward pass, but its weights must not.
    let g_weights = trained_weights(trainer.generator());
    let d_weights = trained_weights(trainer.discriminator());
    let _ = trainer
        .train_step(&data, StepMode::DiscriminatorOnly)
        .read();
    assert_eq!(trained_weights(trainer.generator()), g_weights);
    assert_ne!(trained_weights(trainer.discriminator()), d_weights);
    let d_weights = trained_weights(trainer.discriminator());
    let g_only = trainer.train_step(&data, StepMode::GeneratorOnly).read();
    assert!(g_only.loss_d.is_nan() && g_only.loss_g.is_finite());
    assert_ne!(fixed_sample(&trainer), g_before);
    assert_eq!(trained_weights(trainer.discriminator()), d_weights);
    assert_eq!(trainer.step(), 3);
}

/// Every trained parameter value (BatchNorm running statistics left out), in visiting order.
fn trained_weights<M: burn::module::Module>(module: &M) -> Vec<f32> {
    struct Collect(Vec<f32>, Vec<String>);
    impl burn::module::ModuleVisitor for Collect {
        fn enter_module(&mut self, name: &str, _: &str) {
            self.1.push(name.to_string());
        }
        fn exit_module(&mut self, _: &str, _: &str) {
            self.1.pop();
        }
        fn visit_float<const D: usize>(&mut self, p: &burn::module::Param<Tensor<D>>) {
            if !self.1.last().is_some_and(|n| n.starts_with("running_")) {
                self.0.extend(p.val().into_data().iter::<f32>());
            }
        }
    }
    let mut collect = Collect(Vec::new(), Vec::new());
    module.visit(&mut collect);
    collect.0
}
