//! "Find z" (`gan_studio::invert`): inverting images the generator drew itself from a known z
//! and held-out digits, against the best of many random z; the frozen generator in inference
//! mode; a batch of targets moving as each alone; pictures of any size made MNIST digits; the
//! saved latent point.

use burn::prelude::*;
use gan_studio::checkpoint::Checkpoint;
use gan_studio::data::{IMAGE_PIXELS, MnistSet};
use gan_studio::eval::inversion::{HeldoutPlan, invert_heldout, spread_heldout};
use gan_studio::invert::{Inversion, InversionConfig, InvertError, LatentPoint, best_random};
use gan_studio::latent;
use gan_studio::model::sample::{codes_for, sample};
use gan_studio::model::{Generator, ModelConfig};
use gan_studio::picture::{PictureError, dataset_target, digit_from_gray, to_model_resolution};
use pollster::block_on;

static MNIST: &[u8] = include_bytes!("../www/data/mnist.bin");
static DCGAN: &[u8] = include_bytes!("../weights/dcgan.bpk");
static CDCGAN_HALF: &[u8] = include_bytes!("../weights/cdcgan-half.bpk");
static INFOGAN: &[u8] = include_bytes!("../weights/infogan.bpk");
static MLP: &[u8] = include_bytes!("../weights/mlp.bpk");

fn device() -> Device {
    Device::flex()
}

fn load(bytes: &[u8]) -> (ModelConfig, Generator) {
    let checkpoint = Checkpoint::from_bytes(bytes).unwrap();
    let generator = checkpoint.load_generator(&device()).unwrap().valid();
    (checkpoint.model, generator)
}

fn values(images: Tensor<4>) -> Vec<f32> {
    images.into_data().try_to_vec().unwrap()
}

fn config(starts: usize) -> InversionConfig {
    InversionConfig {
        starts,
        ..InversionConfig::default()
    }
}

/// G's image of seed `seed`'s z with label `label` (where the model takes codes), and its
/// z and codes.
fn drawn(model: &ModelConfig, generator: &Generator, seed: u64, label: u8) -> Vec<f32> {
    let z = latent::sample_z(seed, 1, model.nz());
    let codes = codes_for(model.kind(), &[label], None);
    values(sample(generator, model, &z, codes.as_deref(), &device()))
}

/// Inverting G's own image: far below the best of 1,000 random z.
fn own_image_is_found(bytes: &[u8], label: Option<u8>, steps: usize) {
    let (model, generator) = load(bytes);
    let target = drawn(&model, &generator, 1234, label.unwrap_or(0));
    let baseline = block_on(best_random(
        &generator,
        &model,
        &target,
        &[label],
        1000,
        99,
        &device(),
    ))
    .unwrap();
    let mut inversion = block_on(Inversion::start(
        &generator,
        &model,
        &target,
        &[label],
        &config(16),
        &device(),
    ))
    .unwrap();
    let progress = block_on(inversion.step(steps)).unwrap();
    let (error, random) = (progress.errors[0], baseline.errors[0]);
    assert!(
        error < random / 10.0,
        "{}: inverted error {error} should be far below the best of 1,000 random z's {random}",
        model.kind().name()
    );
    assert!(error < inversion.start_errors()[0] / 10.0);
    assert_eq!(progress.steps, steps);
    assert_eq!(progress.z.len(), model.nz());
    // The reconstruction is G's image of the z (and codes) the progress reports.
    let redrawn = values(sample(
        &generator,
        &model,
        &progress.z,
        progress.codes.as_deref(),
        &device(),
    ));
    let gap = redrawn
        .iter()
        .zip(&progress.images)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    assert!(gap < 1e-4, "the reported image is G(z): off by {gap}");
}

#[test]
fn a_dcgan_image_is_found_far_below_random_z() {
    own_image_is_found(DCGAN, None, 150);
}

#[test]
fn a_conditional_image_is_found_with_its_digit() {
    own_image_is_found(CDCGAN_HALF, Some(7), 150);
}

#[test]
fn an_infogan_image_is_found_choosing_its_category() {
    own_image_is_found(INFOGAN, None, 150);
}

#[test]
fn the_start_is_the_best_random_draw_and_g_stays_in_inference_mode() {
    let (model, generator) = load(DCGAN);
    let target = drawn(&model, &generator, 5, 0);
    let inversion = block_on(Inversion::start(
        &generator,
        &model,
        &target,
        &[None],
        &config(32),
        &device(),
    ))
    .unwrap();
    let best = block_on(best_random(
        &generator,
        &model,
        &target,
        &[None],
        32,
        0,
        &device(),
    ))
    .unwrap();
    let at_start = block_on(inversion.progress()).unwrap();
    assert_eq!(at_start.steps, 0);
    assert_eq!(at_start.z, best.z, "step 0 is the best random z");
    // The error through the frozen generator on the autodiff device equals the one of the
    // inference-mode generator (BatchNorm's running statistics: a batch of one would
    // otherwise normalise to a blank image).
    assert!((at_start.errors[0] - best.errors[0]).abs() < 1e-4);
    let expected: f32 = values(sample(&generator, &model, &best.z, None, &device()))
        .iter()
        .zip(&target)
        .map(|(a, b)| (a - b) * (a - b))
        .sum::<f32>()
        / target.len() as f32;
    assert!((at_start.errors[0] - expected).abs() < 1e-5);
    // The objective adds λ·mean(z²).
    let prior = best.z.iter().map(|v| v * v).sum::<f32>() / best.z.len() as f32;
    let objective = expected + 0.01 * prior;
    assert!((at_start.objectives[0] - objective).abs() < 1e-5);
    // The best of 32 is no worse than each of them.
    for j in 0..32 {
        let z = latent::sample_z(0, 32, model.nz())[j * model.nz()..(j + 1) * model.nz()].to_vec();
        let image = values(sample(&generator, &model, &z, None, &device()));
        let error = image
            .iter()
            .zip(&target)
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f32>()
            / target.len() as f32;
        assert!(best.errors[0] <= error + 1e-5);
    }
}

#[test]
fn targets_inverted_together_move_as_each_alone() {
    let (model, generator) = load(DCGAN);
    let data = MnistSet::from_bytes(MNIST).unwrap();
    let heldout = data.heldout_indices();
    let a = dataset_target(model.image_size(), &data, heldout[10]);
    let b = dataset_target(model.image_size(), &data, heldout[500]);
    let both: Vec<f32> = a.iter().chain(&b).copied().collect();
    let run = |targets: &[f32], n: usize| {
        let mut inversion = block_on(Inversion::start(
            &generator,
            &model,
            targets,
            &vec![None; n],
            &config(8),
            &device(),
        ))
        .unwrap();
        block_on(inversion.step(20)).unwrap()
    };
    let together = run(&both, 2);
    let alone = [run(&a, 1), run(&b, 1)];
    let nz = model.nz();
    for (t, single) in alone.iter().enumerate() {
        assert!((together.errors[t] - single.errors[0]).abs() < 1e-3);
        let drift = together.z[t * nz..(t + 1) * nz]
            .iter()
            .zip(&single.z)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max);
        assert!(drift < 1e-3, "target {t}'s z differs by {drift} in a batch");
    }
}

#[test]
fn held_out_digits_are_reconstructed_better_than_by_random_z() {
    let (model, generator) = load(MLP);
    let data = MnistSet::from_bytes(MNIST).unwrap();
    let plan = HeldoutPlan {
        indices: spread_heldout(&data, 10),
        steps: 100,
        baseline_draws: 200,
    };
    let labels: Vec<u8> = plan.indices.iter().map(|&i| data.label(i)).collect();
    assert_eq!(labels, (0..10).collect::<Vec<u8>>(), "one of each digit");
    let result = block_on(invert_heldout(
        &generator,
        &model,
        &data,
        &plan,
        &config(16),
        &device(),
    ))
    .unwrap();
    assert_eq!(result.inverted.errors.len(), 10);
    assert_eq!(result.inverted.images.len(), 10 * IMAGE_PIXELS);
    assert!(result.inverted.mean_error() < 0.75 * result.baseline.mean_error());
}

#[test]
fn a_28x28_picture_is_taken_as_it_is_and_a_light_background_inverted() {
    let data = MnistSet::from_bytes(MNIST).unwrap();
    let pixels = data.pixels(3);
    let digit = digit_from_gray(28, 28, pixels).unwrap();
    let mut expected = Vec::new();
    data.push_flat_28(3, &mut expected);
    assert_eq!(digit, expected);
    let negative: Vec<u8> = pixels.iter().map(|p| 255 - p).collect();
    assert_eq!(digit_from_gray(28, 28, &negative).unwrap(), expected);
    // At a conv model's resolution it is the dataset's own 32x32 image.
    let resized = to_model_resolution(32, &digit);
    let dataset = dataset_target(32, &data, 3);
    assert!(
        resized
            .iter()
            .zip(&dataset)
            .all(|(a, b)| (a - b).abs() < 1e-5)
    );
}

#[test]
fn a_large_picture_is_cropped_scaled_and_centred_as_mnist() {
    // A dark 40x80 bar on a light 200x120 canvas, off centre.
    let (width, height) = (200, 120);
    let mut picture = vec![230u8; width * height];
    for y in 10..90 {
        for x in 20..60 {
            picture[y * width + x] = 20;
        }
    }
    let digit = digit_from_gray(width, height, &picture).unwrap();
    let ink: Vec<(usize, usize)> = (0..IMAGE_PIXELS)
        .filter(|&p| digit[p] > 0.0)
        .map(|p| (p % 28, p / 28))
        .collect();
    let (xs, ys): (Vec<usize>, Vec<usize>) = ink.iter().copied().unzip();
    let (w, h) = (
        xs.iter().max().unwrap() - xs.iter().min().unwrap() + 1,
        ys.iter().max().unwrap() - ys.iter().min().unwrap() + 1,
    );
    assert_eq!(
        (w, h),
        (10, 20),
        "the longer side scaled to 20, the aspect kept"
    );
    let centre = |v: &[usize]| v.iter().sum::<usize>() as f32 / v.len() as f32;
    assert!((centre(&xs) - 13.5).abs() <= 0.5 && (centre(&ys) - 13.5).abs() <= 0.5);
    assert!(digit.iter().all(|v| (-1.0..=1.0).contains(v)));
    assert!(
        digit.iter().any(|&v| v > 0.99),
        "the ink stretched to white"
    );

    let blank = vec![200u8; 50 * 50];
    assert!(matches!(
        digit_from_gray(50, 50, &blank),
        Err(PictureError(_))
    ));
    assert!(matches!(
        digit_from_gray(10, 10, &[0; 99]),
        Err(PictureError(_))
    ));
}

#[test]
fn bad_inputs_are_refused_with_their_reason() {
    let (model, generator) = load(CDCGAN_HALF);
    let target = vec![0.0; 1024];
    let start = |targets: &[f32], labels: &[Option<u8>], config: InversionConfig| {
        block_on(Inversion::start(
            &generator,
            &model,
            targets,
            labels,
            &config,
            &device(),
        ))
        .err()
    };
    assert_eq!(
        start(&target[..1000], &[None], config(4)),
        Some(InvertError::BadTargets {
            got: 1000,
            per_image: 1024,
            model: "cdcgan"
        })
    );
    assert_eq!(
        start(&target, &[None, None], config(4)),
        Some(InvertError::LabelCount {
            labels: 2,
            targets: 1
        })
    );
    assert_eq!(
        start(&target, &[Some(10)], config(4)),
        Some(InvertError::BadLabel(10))
    );
    assert!(matches!(
        start(
            &target,
            &[None],
            InversionConfig {
                learning_rate: 0.0,
                ..config(4)
            }
        ),
        Some(InvertError::BadSetting(_))
    ));
}

#[test]
fn a_saved_point_draws_its_image_and_fits_only_its_model() {
    let (model, generator) = load(CDCGAN_HALF);
    let target = drawn(&model, &generator, 8, 2);
    let mut inversion = block_on(Inversion::start(
        &generator,
        &model,
        &target,
        &[Some(2)],
        &config(4),
        &device(),
    ))
    .unwrap();
    let progress = block_on(inversion.step(5)).unwrap();
    let point = LatentPoint::from_progress(model.kind(), &progress, 0);
    assert_eq!(point.label, Some(2));
    assert_eq!(point.codes.as_deref(), Some(&latent::one_hot(&[2])[..]));
    let json = serde_json::to_string(&point).unwrap();
    let read: LatentPoint = serde_json::from_str(&json).unwrap();
    assert_eq!(read, point);
    let image = values(read.draw(&generator, &model, &device()).unwrap());
    assert!(
        image
            .iter()
            .zip(&progress.images)
            .all(|(a, b)| (a - b).abs() < 1e-4)
    );

    let (dcgan, _) = load(DCGAN);
    assert!(matches!(
        point.check(&dcgan),
        Err(InvertError::BadLatent(_))
    ));
    let short = LatentPoint {
        z: point.z[..10].to_vec(),
        ..point.clone()
    };
    assert!(matches!(
        short.check(&model),
        Err(InvertError::BadLatent(_))
    ));
    let no_codes = LatentPoint {
        codes: None,
        ..point
    };
    assert!(matches!(
        no_codes.check(&model),
        Err(InvertError::BadLatent(_))
    ));
}
