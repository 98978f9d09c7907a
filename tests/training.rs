//! Training: a step changes the weights and gives finite losses, every preset trains, a
//! resumed run continues exactly, and a short DCGAN run moves toward the data.

use burn::prelude::*;
use gan_studio::data::MnistSet;
use gan_studio::latent;
use gan_studio::model::{CdcganConfig, DcganConfig, MlpGanConfig, ModelConfig};
use gan_studio::train::{GanLoss, GanTrainer, StepMode, TrainConfig, ema_update, read_steps_async};
use pollster::block_on;

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

#[test]
fn a_chunk_of_steps_reads_back_as_the_steps_one_by_one() {
    // The page trains in chunks and reads all their figures with one transfer: it must see
    // what reading each step on its own gives, in order, NaN where a network sat still.
    let data = data();
    let device = Device::flex();
    let model = ModelConfig::Mlp(MlpGanConfig::default());
    let config = small(3, GanLoss::NonSaturating);
    let modes = [
        StepMode::Both,
        StepMode::DiscriminatorOnly,
        StepMode::GeneratorOnly,
    ];
    let mut one_by_one = GanTrainer::new(model.clone(), config.clone(), &data, &device);
    let expected: Vec<_> = modes
        .iter()
        .map(|&mode| one_by_one.train_step(&data, mode).read())
        .collect();
    let mut chunked = GanTrainer::new(model, config, &data, &device);
    let losses = modes
        .iter()
        .map(|&mode| chunked.train_step(&data, mode))
        .collect();
    let figures = block_on(read_steps_async(losses)).unwrap();
    assert_eq!(figures.len(), 3);
    for (got, want) in figures.iter().zip(&expected) {
        for (g, w) in [
            (got.loss_d, want.loss_d),
            (got.loss_g, want.loss_g),
            (got.d_real, want.d_real),
            (got.d_fake, want.d_fake),
        ] {
            // Equal up to float noise (CPU threads may split sums differently between runs).
            let same = (g.is_nan() && w.is_nan()) || (g - w).abs() <= 1e-4 * w.abs().max(1.0);
            assert!(same, "{got:?} vs {want:?}");
        }
    }
    assert!(figures[1].loss_g.is_nan() && figures[1].loss_d.is_finite());
    assert!(figures[2].loss_d.is_nan() && figures[2].d_real.is_nan());
    assert!(figures[2].loss_g.is_finite() && figures[2].d_fake.is_finite());
    assert!(block_on(read_steps_async(Vec::new())).unwrap().is_empty());
}

#[test]
fn the_weight_average_blends_every_parameter() {
    let data = data();
    let device = Device::flex();
    let model = ModelConfig::Dcgan(DcganConfig::default());
    let mut trainer = GanTrainer::new(model, small(4, GanLoss::NonSaturating), &data, &device);
    let start = trainer.generator().valid();
    let _ = trainer.train_step(&data, StepMode::Both).read();
    // valid() syncs BatchNorm's running statistics and gives independent copies of them
    // (mapping a module rewrites its running statistics in place, clones included).
    let copy_of_start = || start.valid();
    let (old, new) = (all_floats(&start), all_floats(&trainer.generator().valid()));
    assert_ne!(old, new);

    let all_new = ema_update(copy_of_start(), trainer.generator(), 0.0);
    assert_eq!(all_floats(&all_new), new);
    let all_old = ema_update(copy_of_start(), trainer.generator(), 1.0);
    assert_eq!(all_floats(&all_old), old);
    let half = all_floats(&ema_update(copy_of_start(), trainer.generator(), 0.75));
    assert_eq!(half.len(), old.len());
    for ((h, o), n) in half.iter().zip(&old).zip(&new) {
        let want = 0.75 * o + 0.25 * n;
        assert!(
            (h - want).abs() <= 1e-6 * want.abs().max(1.0),
            "{h} vs {want}"
        );
    }
}

/// Every float value of a module (running statistics included), in visiting order.
fn all_floats<M: burn::module::Module>(module: &M) -> Vec<f32> {
    struct Collect(Vec<f32>);
    impl burn::module::ModuleVisitor for Collect {
        fn visit_float<const D: usize>(&mut self, p: &burn::module::Param<Tensor<D>>) {
            self.0.extend(p.val().into_data().iter::<f32>());
        }
    }
    let mut collect = Collect(Vec::new());
    module.visit(&mut collect);
    collect.0
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
