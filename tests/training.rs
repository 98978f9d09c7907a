//! Training: a step changes the weights and gives finite losses, every preset trains, a
//! resumed run continues exactly, and a short DCGAN run moves toward the data.

use burn::prelude::*;
use gan_studio::data::MnistSet;
use gan_studio::latent;
use gan_studio::model::sample::{codes_for, codes_tensor, sample};
use gan_studio::model::{
    AcganConfig, DcganConfig, DiscriminatorNorm, InfoganPaperConfig, MlpGanConfig, ModelConfig,
    ModelKind, Sizes,
};
use gan_studio::train::auxiliary::generator_term;
use gan_studio::train::{Batch, loss::cross_entropy};
use gan_studio::train::{
    GanLoss, GanTrainer, OptimizerKind, StepMode, TrainConfig, ema_update, read_steps_async,
};
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
    let codes = codes_for(trainer.model().kind(), &[2, 8], None);
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
    // Every architecture in the registry, narrowed to width 8 where it has widths.
    let presets: Vec<ModelConfig> = ModelKind::ALL
        .iter()
        .map(|&kind| {
            let mut model = ModelConfig::default_for(kind);
            for sizes in [Sizes::Generator, Sizes::Discriminator] {
                if let Ok(narrow) = model.clone().with_width(sizes, 8) {
                    model = narrow;
                }
            }
            model
        })
        .collect();
    for model in presets {
        for &loss in GanLoss::ALL {
            let config = TrainConfig {
                batch_size: 8,
                d_steps: 1,
                ..small(1, loss).with_loss(loss)
            };
            if config.fit(model.clone()).is_err() {
                continue; // wgan-sn is the DCGAN's
            }
            let penalised = config.gradient_penalty.is_some();
            let mut trainer = GanTrainer::new(model.clone(), config, &data, &device);
            let before = fixed_sample(&trainer);
            for _ in 0..2 {
                let figures = trainer.train_step(&data, StepMode::Both).read();
                assert!(
                    figures.is_finite(StepMode::Both),
                    "{} {loss:?}: {figures:?}",
                    model.kind().name()
                );
                // The BCE and hinge losses are positive; a critic's loss has no sign.
                assert!(
                    figures.loss_d > 0.0 || loss == GanLoss::LeastSquares || loss.is_wasserstein()
                );
                // A gradient penalty is measured where the run has one, and only there.
                assert_eq!(
                    figures.penalty >= 0.0,
                    penalised,
                    "{} {loss:?}: penalty {}",
                    model.kind().name(),
                    figures.penalty
                );
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
fn a_wgan_step_trains_the_critic_five_times_on_fresh_batches_and_clips_it() {
    let data = data();
    let device = Device::flex();
    let config = TrainConfig {
        batch_size: 8,
        ..small(5, GanLoss::NonSaturating).with_loss(GanLoss::WganClip)
    };
    assert_eq!(config.optimizer, OptimizerKind::Rmsprop);
    assert_eq!((config.d_steps, config.clip), (5, Some(0.01)));
    assert_eq!((config.lr_g, config.lr_d), (5e-5, 5e-5));
    let model = ModelConfig::Dcgan(DcganConfig::default());
    let mut trainer = GanTrainer::new(model, config, &data, &device);
    let figures = trainer.train_step(&data, StepMode::Both).read();
    assert!(figures.is_finite(StepMode::Both), "{figures:?}");
    assert_eq!(trainer.step(), 1);
    let order = trainer.training_state().order.unwrap();
    assert_eq!(
        order.pos,
        5 * 8,
        "five critic updates, each on its own batch: {order:?}"
    );
    // Every trained weight of the critic within ±0.01 (the DCGAN init drew some past it) ...
    let weights = trained_weights(trainer.discriminator());
    let largest = weights.iter().fold(0.0f32, |m, w| m.max(w.abs()));
    assert!(largest <= 0.01 + 1e-7, "a critic weight is {largest}");
    assert!(
        weights.iter().any(|w| w.abs() > 0.009),
        "clipped, not shrunk to nothing"
    );
    // ... but not its BatchNorm running variances, which are state, not weights.
    let all = all_floats(trainer.discriminator());
    assert!(
        all.iter().any(|v| v.abs() > 0.05),
        "running statistics were clipped"
    );
    // The critic's means are raw scores: the loss is their difference.
    assert!((figures.loss_d - (figures.d_fake - figures.d_real)).abs() < 1e-5);
}

#[test]
fn wgan_sn_trains_a_spectral_critic_and_refuses_a_batchnorm_one() {
    let data = data();
    let device = Device::flex();
    let config = TrainConfig {
        batch_size: 8,
        d_steps: 2,
        ..small(6, GanLoss::NonSaturating).with_loss(GanLoss::WganSn)
    };
    assert_eq!((config.beta1, config.beta2, config.lr_d), (0.0, 0.9, 1e-4));
    // A plain DCGAN is given the spectral critic the loss needs.
    let model = ModelConfig::Dcgan(DcganConfig::default());
    let mut trainer = GanTrainer::new(model, config.clone(), &data, &device);
    let ModelConfig::Dcgan(dcgan) = trainer.model().clone() else {
        panic!("a DCGAN")
    };
    assert_eq!(dcgan.norm, DiscriminatorNorm::Spectral);
    let figures = trainer.train_step(&data, StepMode::Both).read();
    assert!(figures.is_finite(StepMode::Both), "{figures:?}");

    // A BatchNorm critic cannot switch to it mid-run, nor can another model train with it.
    let plain = ModelConfig::Dcgan(DcganConfig::default());
    let mut bn_run = GanTrainer::new(plain, small(6, GanLoss::WganClip), &data, &device);
    let refused = bn_run.set_config(config.clone()).unwrap_err();
    assert!(refused.contains("spectral normalisation"), "{refused}");
    assert_eq!(
        bn_run.config().loss,
        GanLoss::WganClip,
        "the run keeps its loss"
    );
    let acgan = ModelConfig::Acgan(AcganConfig::default());
    assert!(GanLoss::WganSn.check(&acgan).unwrap_err().contains("acgan"));
}

/// The loss of a discriminator's extra head with both networks in inference mode: for the
/// ACGAN its class loss on 64 held-out real digits, for the InfoGAN its information loss on
/// 64 fakes of fixed noise and codes.
fn head_loss(trainer: &GanTrainer, data: &MnistSet) -> f32 {
    let device = Device::flex();
    let model = trainer.model();
    let kind = model.kind();
    let discriminator = trainer.discriminator().valid();
    let n = 64;
    if kind == ModelKind::Acgan {
        let real = Batch::from_dataset(data, &data.heldout_indices()[..n], model, &device);
        let labels = real.labels.expect("ACGAN batches carry their digits");
        let scores = discriminator.scores(kind, real.images, None);
        return cross_entropy(scores.classes.unwrap(), labels).into_scalar::<f32>();
    }
    let z = latent::sample_z(99, n, model.nz());
    let digits: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    let continuous = latent::random_continuous(&mut gan_studio::rng::SplitMix64::new(9), n);
    let codes = codes_for(kind, &digits, Some(&continuous)).unwrap();
    let codes_tensor = codes_tensor(&codes, kind.code_size(), &device);
    let images = sample(
        &trainer.generator().valid(),
        model,
        &z,
        Some(&codes),
        &device,
    );
    let scores = discriminator.scores(kind, images, None);
    generator_term(kind, &scores, Some(&codes_tensor))
        .unwrap()
        .into_scalar::<f32>()
}

#[test]
fn the_auxiliary_heads_learn_what_they_are_asked() {
    // ACGAN's class head learns to name real digits, InfoGAN's Q head to read back the codes
    // G was given: their losses fall from chance (ln 10 ≈ 2.3 for ten classes).
    let data = data();
    let device = Device::flex();
    // (model, steps): the ACGAN's head learns from labelled real digits at once; the
    // InfoGAN's codes mean something only once G and Q have agreed on them.
    for (model, steps) in [
        (
            ModelConfig::Acgan(AcganConfig {
                ngf: 16,
                ndf: 16,
                ..AcganConfig::default()
            }),
            40,
        ),
        (
            ModelConfig::InfoganPaper(InfoganPaperConfig::default()),
            150,
        ),
    ] {
        let kind = model.kind();
        let config = TrainConfig {
            batch_size: 32,
            ..small(7, GanLoss::NonSaturating)
        };
        let mut trainer = GanTrainer::new(model, config, &data, &device);
        let before = head_loss(&trainer, &data);
        for _ in 0..steps {
            let figures = trainer.train_step(&data, StepMode::Both).read();
            assert!(figures.is_finite(StepMode::Both), "{figures:?}");
        }
        let after = head_loss(&trainer, &data);
        println!("{}: head loss {before:.3} -> {after:.3}", kind.name());
        assert!(before > 2.0, "{} starts near chance: {before}", kind.name());
        assert!(
            after < 0.85 * before,
            "{}: {before} -> {after}",
            kind.name()
        );
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

#[test]
fn a_began_step_moves_its_balance_by_the_energies_and_a_checkpoint_keeps_it() {
    let data = data();
    let device = Device::flex();
    let model = ModelConfig::default_for(ModelKind::Began)
        .with_width(Sizes::Generator, 8)
        .unwrap()
        .with_width(Sizes::Discriminator, 8)
        .unwrap();
    let config = TrainConfig {
        batch_size: 8,
        ..small(3, GanLoss::NonSaturating).with_loss(GanLoss::Began)
    };
    let gamma = config.gamma.unwrap();
    assert_eq!(gamma, 0.5, "BEGAN's default γ");
    let mut trainer = GanTrainer::new(model, config, &data, &device);
    let mut k = 0.0f32;
    for _ in 0..3 {
        let f = trainer.train_step(&data, StepMode::Both).read();
        // k_{t+1} = clip(k_t + 0.001 (γ L(x) − L(G(z))), 0, 1) on the D update's energies,
        // and M_global = L(x) + |γ L(x) − L(G(z))|.
        let imbalance = gamma as f32 * f.d_real - f.d_fake;
        k = (k + 0.001 * imbalance).clamp(0.0, 1.0);
        assert!((f.balance - k).abs() < 1e-6, "{f:?}: k {k}");
        assert!(
            (f.convergence - (f.d_real + imbalance.abs())).abs() < 1e-5,
            "{f:?}"
        );
        assert!(
            f.d_real > 0.0 && f.d_fake > 0.0,
            "energies are mean absolute errors"
        );
        assert!(f.penalty.is_nan(), "no gradient penalty here");
    }
    assert!(k > 0.0, "k_t moved off 0 (γ·L(x) above L(G(z)) here): {k}");
    let checkpoint = block_on(trainer.to_checkpoint(false)).unwrap();
    let saved = checkpoint.training.as_ref().unwrap().balance.unwrap();
    assert!((saved - k).abs() < 1e-6);
    let resumed = GanTrainer::resume(
        &checkpoint,
        gan_studio::lifecycle::ResumeOptions {
            config: None,
            restore_optimizers: false,
        },
        &data,
        &device,
    )
    .unwrap()
    .trainer;
    let again = block_on(resumed.to_checkpoint(false)).unwrap();
    assert_eq!(again.training.unwrap().balance, Some(saved));
}
