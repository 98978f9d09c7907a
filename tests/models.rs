//! The architectures: parameter counts from the course's layer lists, output shapes and
//! ranges, the discriminators' heads, spectral normalisation, and the losses against
//! hand-computed values.

use burn::prelude::*;
use gan_studio::latent;
use gan_studio::model::cs231n::Cs231nConfig;
use gan_studio::model::init::{materialize, seeded_init as seeded};
use gan_studio::model::sample::{codes_for, codes_tensor, z_tensor};
use gan_studio::model::spectral::SpectralConv2d;
use gan_studio::model::{
    AcganConfig, CdcganConfig, DcganConfig, DiscriminatorNorm, InfoganConfig, InfoganPaperConfig,
    InitScheme, MlpGanConfig, ModelConfig, ModelKind, trainable_params,
};
use gan_studio::train::GanLoss;

fn device() -> Device {
    Device::flex()
}

// Every draw from the device's RNG in this file happens under the seeded-init lock: the RNG
// is process-wide, and the tests run on threads of their own, so an unlocked draw could fall
// between another test's seeding and its draws. (Counting parameters draws nothing.)

#[test]
fn parameter_counts_match_the_hand_computed_layer_lists() {
    let device = device();
    // (config, generator, discriminator): computed by hand from shared/DESIGN.md
    let cases = [
        (ModelConfig::Dcgan(DcganConfig::default()), 369_600, 166_848),
        (
            ModelConfig::Cdcgan(CdcganConfig::default()),
            3_075_841,
            2_642_561,
        ),
        (ModelConfig::Mlp(MlpGanConfig::default()), 293_136, 267_009),
        // CS231N's DC-GAN: G 96·1024 + 1024, BN 2·1024, 1024·6272 + 6272, BN 2·6272,
        // ConvT 128·64·16 + 64, BN 2·64, ConvT 64·16 + 1; D 25·32 + 32, 32·64·25 + 64,
        // 1024·1024 + 1024, 1024 + 1 (the assignment's 1,102,721).
        (
            ModelConfig::Cs231n(Cs231nConfig::default()),
            6_675_009,
            1_102_721,
        ),
        // The InfoGAN paper's MNIST networks: G (62 + 12)·1024 + 1024, BN 2·1024,
        // 1024·6272 + 6272, BN 2·6272, ConvT 128·64·16, BN 2·64, ConvT 64·16 + 1; D 16·64 + 64,
        // 64·128·16, BN 2·128, 6272·1024 + 1024, BN 2·1024, score 1024 + 1, Q 1024·128 + 128,
        // BN 2·128, 128·12 + 12.
        (
            ModelConfig::InfoganPaper(InfoganPaperConfig::default()),
            6_652_417,
            6_692_045,
        ),
        // The DCGAN at 64x64, one block more each way: G 100·256·16, BN 512, 256·128·16,
        // BN 256, 128·64·16, BN 128, 64·32·16, BN 64, 32·16; D 16·32, BN 64, 32·64·16, BN 128,
        // 64·128·16, BN 256, 128·256·16, BN 512, 256·16.
        (
            ModelConfig::Dcgan(DcganConfig {
                image_size: 64,
                ..DcganConfig::default()
            }),
            1_099_200,
            693_696,
        ),
    ];
    for (config, g, d) in cases {
        let name = config.kind().name();
        assert_eq!(
            trainable_params(&config.init_generator(&device)),
            g,
            "{name} G"
        );
        assert_eq!(
            trainable_params(&config.init_discriminator(&device)),
            d,
            "{name} D"
        );
    }
    // The half-width conditional preset keeps the structure with a quarter of the weights.
    let half = ModelConfig::Cdcgan(CdcganConfig::half_width());
    let g = trainable_params(&half.init_generator(&device));
    assert!(g < 3_075_841 / 3, "half-width G has {g} parameters");
}

fn shapes_and_range(config: ModelConfig) {
    let device = device();
    let kind = config.kind();
    let batch = 3;
    let (generator, discriminator) = seeded(&device, 1, || {
        let generator = config.init_generator(&device);
        let discriminator = config.init_discriminator(&device);
        materialize(&generator);
        materialize(&discriminator);
        (generator, discriminator)
    });
    let z = z_tensor(
        &latent::sample_z(1, batch, config.nz()),
        config.nz(),
        &device,
    );
    let codes = codes_for(
        kind,
        &[0, 4, 9],
        Some(&[[0.5, -0.5], [1.0, 0.0], [0.0, 1.0]]),
    )
    .map(|codes| codes_tensor(&codes, kind.code_size(), &device));
    let images = generator.forward(z, codes.clone());
    let side = config.image_size();
    assert_eq!(images.dims(), [batch, 1, side, side], "{}", kind.name());
    let values: Vec<f32> = images.clone().into_data().try_to_vec().unwrap();
    assert!(values.iter().all(|v| (-1.0..=1.0).contains(v)));
    assert!(values.iter().any(|v| *v != values[0]), "output is constant");
    let labels = codes.filter(|_| kind.is_conditional());
    let heads = kind.heads();
    let outputs = discriminator.forward(images.clone(), labels.clone());
    assert_eq!(
        outputs.dims(),
        [batch, 1 + heads.classes + heads.continuous]
    );
    let scores = discriminator.scores(kind, images, labels);
    assert_eq!(scores.logits.dims(), [batch, 1]);
    assert_eq!(
        scores.classes.map(|c| c.dims()),
        (heads.classes > 0).then_some([batch, heads.classes])
    );
    assert_eq!(
        scores.continuous.map(|c| c.dims()),
        (heads.continuous > 0).then_some([batch, heads.continuous])
    );
}

#[test]
fn every_registered_architecture_makes_its_images_and_answers_its_heads() {
    // A new architecture's line in the registry's table brings it here.
    for &kind in ModelKind::ALL {
        let config = ModelConfig::default_for(kind);
        config.validate().unwrap();
        assert_eq!(
            config.info().outputs(),
            1 + kind.heads().classes + kind.heads().continuous
        );
        shapes_and_range(config);
    }
}

#[test]
fn every_critic_that_writes_out_its_input_gradient_agrees_with_autodiff() {
    let device = device().autodiff();
    let critics: Vec<ModelKind> = ModelKind::ALL
        .iter()
        .copied()
        .filter(|kind| kind.info().input_gradient)
        .collect();
    assert!(!critics.is_empty(), "WGAN-GP's critic at least");
    for kind in critics {
        let config = ModelConfig::default_for(kind);
        let critic = seeded(&device, 6, || {
            let critic = config.init_discriminator(&device);
            materialize(&critic);
            critic
        });
        let side = kind.image_size();
        let images = Tensor::<4>::from_data(
            TensorData::new(latent::sample_z(8, 3, side * side), [3, 1, side, side]),
            &device,
        )
        .require_grad();
        let scores = critic.forward(images.clone(), None); // [3, 1]
        let autodiff = images.grad(&scores.sum().backward()).unwrap();
        let explicit = critic.input_gradient(images).unwrap();
        let difference = (explicit - autodiff.clone())
            .abs()
            .max()
            .into_scalar::<f32>();
        let scale = autodiff.abs().max().into_scalar::<f32>();
        assert!(
            scale > 0.0 && difference <= 1e-5 * scale.max(1.0),
            "{kind:?}: {difference} at {scale}"
        );
    }
}

#[test]
fn the_dcgan_at_64_makes_64x64_images_and_reads_them_and_other_sizes_are_refused() {
    let big = ModelConfig::Dcgan(DcganConfig::default())
        .with_image_size(64)
        .unwrap();
    assert_eq!(big.image_size(), 64);
    shapes_and_range(big.clone());
    let err = big.clone().with_image_size(48).unwrap_err();
    assert_eq!(err, "the dcgan makes images of 32x32 or 64x64, not 48");
    let err = ModelConfig::default_for(ModelKind::Cdcgan)
        .with_image_size(64)
        .unwrap_err();
    assert!(err.contains("the cdcgan makes images of 32x32"), "{err}");
    // A 64x64 model's JSON names its size; a file from before sizes reads as 32.
    let json = serde_json::to_value(&big).unwrap();
    assert_eq!(json["image_size"], 64);
    let old: ModelConfig =
        serde_json::from_str(r#"{"kind":"dcgan","nz":100,"ngf":32,"ndf":32,"init":"dcgan"}"#)
            .unwrap();
    assert_eq!(old.image_size(), 32);
    let mut bad = json;
    bad["image_size"] = serde_json::json!(40);
    let bad: ModelConfig = serde_json::from_value(bad).unwrap();
    assert_eq!(
        bad.validate().unwrap_err(),
        "image size must be 32x32 or 64x64, got 40"
    );
}

#[test]
fn dcgan_makes_32x32_images_and_one_score_each() {
    shapes_and_range(ModelConfig::Dcgan(DcganConfig::default()));
}

#[test]
fn conditional_dcgan_makes_32x32_images_and_one_score_each() {
    shapes_and_range(ModelConfig::Cdcgan(CdcganConfig::half_width()));
}

#[test]
fn acgan_scores_real_or_fake_and_the_digit() {
    assert_eq!(ModelKind::Acgan.heads().classes, 10);
    shapes_and_range(ModelConfig::Acgan(AcganConfig::default()));
}

#[test]
fn infogan_takes_its_codes_and_its_q_head_answers_them() {
    // On the DCGAN's networks (32x32) and on the paper's own (28x28).
    for config in [
        ModelConfig::Infogan(InfoganConfig::default()),
        ModelConfig::InfoganPaper(InfoganPaperConfig::default()),
    ] {
        let kind = config.kind();
        assert_eq!(kind.code_size(), 12, "10 categories and 2 continuous codes");
        assert_eq!((kind.heads().classes, kind.heads().continuous), (10, 2));
        shapes_and_range(config);
    }
}

#[test]
fn the_spectral_critic_scores_without_batchnorm() {
    let config = ModelConfig::Dcgan(DcganConfig {
        norm: DiscriminatorNorm::Spectral,
        ..DcganConfig::default()
    });
    shapes_and_range(config.clone());
    // The same layers as the DCGAN's discriminator, with biases and without BatchNorm.
    let d = trainable_params(&config.init_discriminator(&device()));
    assert_eq!(d, 166_848 - 2 * (32 + 64 + 128) + (32 + 64 + 128 + 1));
}

/// The two largest singular values of `rows` x `cols` matrix `m` and its first left singular
/// vector, from the eigenvalues of `m mᵀ` (`rows` x `rows`) by power iteration and deflation
/// in f64.
fn top_singular_values(m: &[f32], rows: usize, cols: usize) -> (f64, f64, Vec<f64>) {
    let gram: Vec<f64> = (0..rows * rows)
        .map(|k| {
            let (i, j) = (k / rows, k % rows);
            (0..cols)
                .map(|c| f64::from(m[i * cols + c]) * f64::from(m[j * cols + c]))
                .sum()
        })
        .collect();
    let top_eigen = |a: &[f64]| {
        let mut x = vec![1.0f64; rows];
        let mut lambda = 0.0;
        for _ in 0..5000 {
            let y: Vec<f64> = (0..rows)
                .map(|i| (0..rows).map(|j| a[i * rows + j] * x[j]).sum())
                .collect();
            lambda = y.iter().map(|v| v * v).sum::<f64>().sqrt();
            x = y.iter().map(|v| v / lambda).collect();
        }
        (lambda, x)
    };
    let (lambda1, u1) = top_eigen(&gram);
    let deflated: Vec<f64> = (0..rows * rows)
        .map(|k| gram[k] - lambda1 * u1[k / rows] * u1[k % rows])
        .collect();
    let (lambda2, _) = top_eigen(&deflated);
    (lambda1.sqrt(), lambda2.sqrt(), u1)
}

#[test]
fn spectral_normalisation_brings_the_largest_singular_value_to_one() {
    // Weights and the starting u come from the test's own seeded generator, not from the
    // device's RNG, which is process-wide: other tests in this binary draw from it on their
    // own threads, so draws from it differ from run to run.
    let (out_channels, in_channels) = (16, 8);
    let cols = in_channels * 16;
    let mut rng = gan_studio::rng::SplitMix64::new(5);
    let raw: Vec<f32> = (0..out_channels * cols)
        .map(|_| (rng.next_f64() * 2.0 - 1.0) as f32)
        .collect();
    let u0: Vec<f32> = (0..out_channels)
        .map(|_| rng.next_normal() as f32)
        .collect();
    let device = device().autodiff();
    let mut conv = gan_studio::model::init::conv(
        [in_channels, out_channels],
        gan_studio::model::init::K4_S2_P1,
        true,
        InitScheme::Default,
        &device,
    );
    conv.weight = burn::module::Param::from_tensor(Tensor::from_data(
        TensorData::new(raw.clone(), [out_channels, in_channels, 4, 4]),
        &device,
    ));
    let mut layer = SpectralConv2d::new(conv);
    layer.running_u = burn::module::RunningState::new(Tensor::from_data(
        TensorData::new(u0.clone(), [out_channels]),
        &device,
    ));

    // Power iteration converges at the rate of the gap between the two largest singular
    // values: after k steps from u0, σ's relative error is at most about
    // tan²θ₀·(σ₂/σ₁)^(4k−2), θ₀ the angle between u0 and the first singular vector. A random
    // 16x128 matrix can have σ₂/σ₁ near 0.9, and then 30 steps leave an error of 1e-2
    // (measured: 31% of random draws stay above 1e-3 after 30 steps). So the steps are
    // taken from this matrix's own gap, enough for an error under 1e-6.
    let (sigma1, sigma2, top) = top_singular_values(&raw, out_channels, cols);
    let norm = u0.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>().sqrt();
    let cos = u0
        .iter()
        .zip(&top)
        .map(|(&x, t)| f64::from(x) * t)
        .sum::<f64>()
        / norm;
    let tan_squared = (1.0 - cos * cos) / (cos * cos);
    let ratio = sigma2 / sigma1;
    let steps = ((1e-6 / tan_squared).ln() / ratio.ln() + 2.0) / 4.0;
    let steps = steps.ceil().max(1.0) as usize;
    assert!(
        steps <= 200,
        "σ₂/σ₁ = {ratio}: {steps} steps is not a matrix to test convergence on"
    );
    assert!((sigma1 - 1.0).abs() > 0.1, "the raw weight's σ is {sigma1}");

    // Each training forward pass (on an autodiff device) takes one power-iteration step.
    let mut weight = layer.weight();
    for _ in 1..steps {
        weight = layer.weight();
    }
    let normalised: Vec<f32> = weight.into_data().try_to_vec().unwrap();
    let (after, _, _) = top_singular_values(&normalised, out_channels, cols);
    assert!(
        (after - 1.0).abs() < 1e-4,
        "σ after {steps} steps (σ₂/σ₁ = {ratio:.3}): {after}"
    );
    // The output goes through the normalised weight.
    let x = Tensor::<4>::ones([1, in_channels, 4, 4], &device);
    assert_eq!(layer.forward(x).dims(), [1, out_channels, 2, 2]);
}

#[test]
fn mlp_gan_makes_28x28_images_from_784_vectors() {
    let config = MlpGanConfig::default();
    let device = device();
    let g = seeded(&device, 2, || {
        let g = config.init_generator(&device);
        materialize(&g);
        g
    });
    let flat = g.forward(z_tensor(&latent::sample_z(2, 4, 100), 100, &device));
    assert_eq!(flat.dims(), [4, 784]);
    shapes_and_range(ModelConfig::Mlp(config));
}

#[test]
fn xavier_init_draws_uniform_weights_within_the_glorot_bound() {
    let device = device();
    let layer = seeded(&device, 4, || {
        let layer = gan_studio::model::init::linear(100, 300, InitScheme::Xavier, &device);
        materialize(&layer);
        layer
    });
    let weights: Vec<f32> = layer.weight.val().into_data().try_to_vec().unwrap();
    let bound = (6.0f32 / 400.0).sqrt();
    assert!(weights.iter().all(|w| w.abs() <= bound));
    let variance = weights.iter().map(|w| w * w).sum::<f32>() / weights.len() as f32;
    // Uniform on [-a, a] has variance a²/3 = 2 / (fan_in + fan_out).
    assert!((variance / (2.0 / 400.0) - 1.0).abs() < 0.05, "{variance}");
}

#[test]
fn dcgan_init_draws_weights_with_std_002_and_batchnorm_gamma_near_one() {
    let device = device();
    let config = DcganConfig {
        init: InitScheme::Dcgan,
        ..DcganConfig::default()
    };
    let g = seeded(&device, 3, || {
        let g = config.init_generator(&device);
        materialize(&g);
        g
    });
    let mut weights = Vec::new();
    let mut gammas = Vec::new();
    struct Collect<'a>(&'a mut Vec<f32>, &'a mut Vec<f32>, Vec<String>);
    impl burn::module::ModuleVisitor for Collect<'_> {
        fn enter_module(&mut self, name: &str, _: &str) {
            self.2.push(name.to_string());
        }
        fn exit_module(&mut self, _: &str, _: &str) {
            self.2.pop();
        }
        fn visit_float<const D: usize>(&mut self, p: &burn::module::Param<Tensor<D>>) {
            let values: Vec<f32> = p.val().into_data().try_to_vec().unwrap();
            match self.2.last().map(String::as_str) {
                Some("weight") => self.0.extend(values),
                Some("gamma") => self.1.extend(values),
                _ => {}
            }
        }
    }
    burn::module::Module::visit(&g, &mut Collect(&mut weights, &mut gammas, Vec::new()));
    let stats = |v: &[f32]| {
        let mean = v.iter().sum::<f32>() / v.len() as f32;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / v.len() as f32;
        (mean, var.sqrt())
    };
    let (mean, std) = stats(&weights);
    assert!(
        mean.abs() < 0.002 && (std - 0.02).abs() < 0.002,
        "weights {mean} {std}"
    );
    let (mean, std) = stats(&gammas);
    assert!(
        (mean - 1.0).abs() < 0.01 && (std - 0.02).abs() < 0.01,
        "gamma {mean} {std}"
    );
}

fn scalar(t: Tensor<1>) -> f32 {
    t.into_scalar::<f32>()
}

fn logits(values: &[f32]) -> Tensor<2> {
    Tensor::from_data(
        TensorData::new(values.to_vec(), [values.len(), 1]),
        &device(),
    )
}

#[test]
fn losses_match_hand_computed_values() {
    let real = [2.0, -1.0];
    let fake = [0.0, 3.0];
    // softplus(x) = ln(1 + e^x); BCE(s, 1) = softplus(-s), BCE(s, 0) = softplus(s)
    let sp = |x: f64| (1.0 + x.exp()).ln();
    let bce_d = (sp(-2.0) + sp(1.0)) / 2.0 + (sp(0.0) + sp(3.0)) / 2.0;
    let ns_g = (sp(-0.0) + sp(-3.0)) / 2.0;
    let sat_g = -(sp(0.0) + sp(3.0)) / 2.0; // mean log(1 - σ(f)) = -mean softplus(f)
    let ls_d = 0.5 * ((1.0 + 4.0) / 2.0) + 0.5 * ((0.0 + 9.0) / 2.0);
    let ls_g = 0.5 * ((1.0 + 4.0) / 2.0);
    // hinge: D mean(max(0, 1 − r)) + mean(max(0, 1 + f)) = (0 + 2)/2 + (1 + 4)/2; G −mean f
    let hinge_d = 1.0 + 2.5;
    // Wasserstein: D mean f − mean r = 1.5 − 0.5; G −mean f
    let wgan_d = 1.5 - 0.5;
    let cases = [
        (GanLoss::NonSaturating, bce_d, ns_g),
        (GanLoss::Saturating, bce_d, sat_g),
        (GanLoss::LeastSquares, ls_d, ls_g),
        (GanLoss::Hinge, hinge_d, -1.5),
        (GanLoss::WganClip, wgan_d, -1.5),
        (GanLoss::WganSn, wgan_d, -1.5),
    ];
    for (loss, d, g) in cases {
        let got_d = scalar(loss.discriminator(logits(&real), logits(&fake), None));
        let got_g = scalar(loss.generator(logits(&fake)));
        assert!((got_d as f64 - d).abs() < 1e-5, "{loss:?} D {got_d} vs {d}");
        assert!((got_g as f64 - g).abs() < 1e-5, "{loss:?} G {got_g} vs {g}");
    }
}

#[test]
fn bce_losses_stay_finite_for_extreme_logits() {
    // A clamped-probability implementation would give inf or a flat 100 here.
    let d = scalar(GanLoss::NonSaturating.discriminator(logits(&[-200.0]), logits(&[200.0]), None));
    assert!((d - 400.0).abs() < 1e-2, "D loss {d}");
    let g = scalar(GanLoss::NonSaturating.generator(logits(&[-150.0])));
    assert!((g - 150.0).abs() < 1e-2, "G loss {g}");
}

#[test]
fn non_saturating_gradient_is_strong_where_the_saturating_one_vanishes() {
    let device = device().autodiff();
    let grad_of = |loss: GanLoss| {
        let s =
            Tensor::<2>::from_data(TensorData::new(vec![-8.0f32], [1, 1]), &device).require_grad();
        let grads = loss.generator(s.clone()).backward();
        s.grad(&grads).unwrap().into_scalar::<f32>()
    };
    // d/ds −log σ(s) = σ(s) − 1 ≈ −1 ; d/ds log(1 − σ(s)) = −σ(s) ≈ −0.000335
    let ns = grad_of(GanLoss::NonSaturating);
    let sat = grad_of(GanLoss::Saturating);
    assert!(
        (ns + 0.999_665).abs() < 1e-4,
        "non-saturating gradient {ns}"
    );
    assert!((sat + 0.000_335).abs() < 1e-5, "saturating gradient {sat}");
}

#[test]
fn kinds_report_their_image_sizes() {
    assert_eq!(ModelKind::Mlp.image_size(), 28);
    assert_eq!(ModelKind::Dcgan.image_size(), 32);
    assert!(ModelKind::Cdcgan.is_conditional());
    assert!(!ModelKind::Dcgan.is_conditional());
}
