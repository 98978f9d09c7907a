//! The quality meter: Fréchet distance and eigendecomposition against hand-computed values,
//! the resize and augmentation helpers, the classifier's shapes and file format, and the
//! shipped classifier (`weights/classifier.bpk`): its held-out accuracy, real digits against
//! noise, and reports on the shipped generators.

use burn::prelude::*;
use gan_studio::checkpoint::Checkpoint;
use gan_studio::data::{IMAGE_PIXELS, MnistSet, RESIZED_PIXELS};
use gan_studio::eval::frechet::frechet_distance_of_vectors;
use gan_studio::eval::images::push_augmented_32;
use gan_studio::eval::{
    Augmentation, ClassifierConfig, ClassifierFile, EvalError, EvalReport, Evaluator,
    GaussianStats, SymmetricEigen, accuracy, classify_digits, classify_images, cross_entropy,
    frechet_distance, resize_28_to_32, sqrt_psd, to_classifier_input,
};
use gan_studio::rng::SplitMix64;
use pollster::block_on;

static MNIST: &[u8] = include_bytes!("../www/data/mnist.bin");
static SHIPPED_CLASSIFIER: &[u8] = include_bytes!("../weights/classifier.bpk");
static SHIPPED_CDCGAN: &[u8] = include_bytes!("../weights/cdcgan-half.bpk");
static SHIPPED_MLP: &[u8] = include_bytes!("../weights/mlp.bpk");

fn device() -> Device {
    Device::flex()
}

fn data() -> MnistSet {
    MnistSet::from_bytes(MNIST).unwrap()
}

fn close(got: f64, want: f64, tolerance: f64) -> bool {
    (got - want).abs() <= tolerance * want.abs().max(1.0)
}

/// `count` vectors of size `dim` with correlated components: x = A g, g ~ N(0, I), plus a
/// per-component offset.
fn correlated_vectors(seed: u64, count: usize, dim: usize) -> Vec<f32> {
    let mut rng = SplitMix64::new(seed);
    let mixing: Vec<f64> = (0..dim * dim).map(|_| rng.next_normal() * 0.5).collect();
    let mut out = Vec::with_capacity(count * dim);
    for _ in 0..count {
        let g: Vec<f64> = (0..dim).map(|_| rng.next_normal()).collect();
        for i in 0..dim {
            let x: f64 = (0..dim).map(|k| mixing[i * dim + k] * g[k]).sum();
            out.push((x + i as f64) as f32);
        }
    }
    out
}

fn diagonal(values: &[f64]) -> Vec<f64> {
    let n = values.len();
    let mut m = vec![0.0; n * n];
    for (i, &v) in values.iter().enumerate() {
        m[i * n + i] = v;
    }
    m
}

fn matmul(a: &[f64], b: &[f64], n: usize) -> Vec<f64> {
    let mut out = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            out[i * n + j] = (0..n).map(|k| a[i * n + k] * b[k * n + j]).sum();
        }
    }
    out
}

fn max_abs_difference(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

#[test]
fn frechet_distance_of_diagonal_gaussians_matches_the_closed_form() {
    // Per dimension: (μ1 − μ2)² + σ1² + σ2² − 2 σ1 σ2 = (μ1 − μ2)² + (σ1 − σ2)².
    let (mu1, mu2) = (vec![0.0, 1.0, -2.0], vec![3.0, 1.0, 0.5]);
    let (sigma1, sigma2) = ([1.0, 2.0, 0.5], [2.0, 2.0, 3.0]);
    let a = GaussianStats::from_moments(mu1.clone(), diagonal(&sigma1.map(|s| s * s)));
    let b = GaussianStats::from_moments(mu2.clone(), diagonal(&sigma2.map(|s| s * s)));
    let want: f64 = (0..3)
        .map(|i| (mu1[i] - mu2[i]).powi(2) + (sigma1[i] - sigma2[i]).powi(2))
        .sum();
    // 9 + 1 + 0 + 0 + 6.25 + 6.25
    assert!(close(want, 22.5, 1e-15));
    let got = frechet_distance(&a, &b);
    assert!(close(got, want, 1e-10), "{got} vs {want}");
    assert!(close(frechet_distance(&b, &a), want, 1e-10));

    // One dimension, from samples: the closed form on the sample mean and variance.
    let mut rng = SplitMix64::new(4);
    let xs: Vec<f32> = (0..4000)
        .map(|_| (2.0 + 0.5 * rng.next_normal()) as f32)
        .collect();
    let ys: Vec<f32> = (0..3000)
        .map(|_| (-1.0 + 1.5 * rng.next_normal()) as f32)
        .collect();
    let moments = |v: &[f32]| {
        let n = v.len() as f64;
        let mean = v.iter().map(|&x| f64::from(x)).sum::<f64>() / n;
        let var = v
            .iter()
            .map(|&x| (f64::from(x) - mean).powi(2))
            .sum::<f64>()
            / (n - 1.0);
        (mean, var)
    };
    let ((mx, vx), (my, vy)) = (moments(&xs), moments(&ys));
    let want = (mx - my).powi(2) + vx + vy - 2.0 * (vx * vy).sqrt();
    let got = frechet_distance_of_vectors(&xs, &ys, 1);
    assert!(close(got, want, 1e-9), "{got} vs {want}");
    // ... which is near the population value 9 + 0.25 + 2.25 − 2 · 0.75 = 10.
    assert!((got - 10.0).abs() < 0.3, "{got}");
}

#[test]
fn frechet_distance_of_a_non_diagonal_pair_matches_a_hand_computation() {
    // Σ1 = diag(1, 4), so Σ1^½ = diag(1, 2); Σ2 = [[2, 1], [1, 2]].
    // Σ1^½ Σ2 Σ1^½ = [[2, 2], [2, 8]]: trace 10, determinant 12, eigenvalues 5 ± √13.
    // Tr((...)^½) = √(5 + √13) + √(5 − √13) = √(10 + 2√12) = √(10 + 4√3).
    // FD = |(0, 0) − (1, 2)|² + Tr Σ1 + Tr Σ2 − 2 √(10 + 4√3) = 5 + 5 + 4 − 2 √(10 + 4√3).
    let a = GaussianStats::from_moments(vec![0.0, 0.0], vec![1.0, 0.0, 0.0, 4.0]);
    let b = GaussianStats::from_moments(vec![1.0, 2.0], vec![2.0, 1.0, 1.0, 2.0]);
    let want = 14.0 - 2.0 * (10.0 + 4.0 * 3f64.sqrt()).sqrt();
    assert!(close(want, 5.771_220_45, 1e-9), "{want}");
    let got = frechet_distance(&a, &b);
    assert!(close(got, want, 1e-12), "{got} vs {want}");
    // Symmetric, although Σ1^½ Σ2 Σ1^½ and Σ2^½ Σ1 Σ2^½ are different matrices.
    let swapped = frechet_distance(&b, &a);
    assert!(close(swapped, want, 1e-12), "{swapped} vs {want}");

    // Commuting covariances [[2, 1], [1, 2]] and [[2, −1], [−1, 2]]: Σ1 Σ2 = 3 I, so
    // FD = 4 + 4 − 2 · 2√3.
    let c = GaussianStats::from_moments(vec![0.0, 0.0], vec![2.0, -1.0, -1.0, 2.0]);
    let b0 = GaussianStats::from_moments(vec![0.0, 0.0], b.covariance.clone());
    let got = frechet_distance(&b0, &c);
    assert!(close(got, 8.0 - 4.0 * 3f64.sqrt(), 1e-12), "{got}");
}

#[test]
fn sample_statistics_match_a_hand_computation() {
    // Vectors (1, 2), (3, 6), (5, 4): mean (3, 4); centred (−2, −2), (0, 2), (2, 0);
    // Σ x² = 8, Σ xy = 4, Σ y² = 8, over n − 1 = 2.
    let stats = GaussianStats::of_vectors(&[1.0, 2.0, 3.0, 6.0, 5.0, 4.0], 2);
    assert_eq!(stats.dim, 2);
    assert_eq!(stats.mean, vec![3.0, 4.0]);
    assert_eq!(stats.covariance, vec![4.0, 2.0, 2.0, 4.0]);
}

#[test]
fn frechet_distance_of_a_set_with_itself_is_zero_and_it_is_symmetric() {
    let dim = 24;
    let a = correlated_vectors(1, 500, dim);
    let b = correlated_vectors(2, 400, dim);
    let self_distance = frechet_distance_of_vectors(&a, &a, dim);
    assert!(self_distance.abs() < 1e-8, "FD(a, a) = {self_distance}");
    let ab = frechet_distance_of_vectors(&a, &b, dim);
    let ba = frechet_distance_of_vectors(&b, &a, dim);
    assert!(ab > 1.0, "different mixings should be far apart: {ab}");
    assert!(close(ab, ba, 1e-9), "{ab} vs {ba}");
    // Shifting one set by a constant vector adds exactly |shift|² (here 24 · 0.5²).
    let shifted: Vec<f32> = a.iter().map(|x| x + 0.5).collect();
    let shift = frechet_distance_of_vectors(&a, &shifted, dim);
    assert!(close(shift, 6.0, 1e-5), "{shift}");
}

#[test]
fn eigendecomposition_reconstructs_its_matrix() {
    let pair = SymmetricEigen::of(&[2.0, 1.0, 1.0, 2.0], 2);
    assert!(close(pair.values[0], 3.0, 1e-14) && close(pair.values[1], 1.0, 1e-14));
    let h = std::f64::consts::FRAC_1_SQRT_2;
    assert!(close(pair.vectors[0].abs(), h, 1e-14) && close(pair.vectors[2].abs(), h, 1e-14));

    // A random PSD 128x128 covariance (rank 100, so 28 eigenvalues are 0), as in the meter.
    let n = 128;
    let features = correlated_vectors(7, 101, n);
    let covariance = GaussianStats::of_vectors(&features, n).covariance;
    let eigen = SymmetricEigen::of(&covariance, n);
    assert!(eigen.values.windows(2).all(|w| w[0] >= w[1]), "sorted");
    let scale = eigen.values[0];
    assert!(eigen.values[n - 1] > -1e-10 * scale, "PSD up to rounding");
    let rebuilt = eigen.map_values(|x| x);
    let error = max_abs_difference(&rebuilt, &covariance);
    assert!(error < 1e-10 * scale, "reconstruction error {error}");
    // Vᵀ V = I.
    let mut transposed = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            transposed[j * n + i] = eigen.vectors[i * n + j];
        }
    }
    let identity = diagonal(&vec![1.0; n]);
    let orthogonality = max_abs_difference(&matmul(&transposed, &eigen.vectors, n), &identity);
    assert!(orthogonality < 1e-12, "{orthogonality}");
    // The trace is the sum of the eigenvalues.
    let trace: f64 = (0..n).map(|i| covariance[i * n + i]).sum();
    assert!(close(eigen.values.iter().sum(), trace, 1e-12));

    // And the square root squares back.
    let root = sqrt_psd(&covariance, n);
    let error = max_abs_difference(&matmul(&root, &root, n), &covariance);
    assert!(error < 1e-9 * scale, "sqrt error {error}");
}

#[test]
fn resize_helpers_match_the_dataset_resize() {
    let data = data();
    for i in [0, 4321, 9999] {
        let mut want = Vec::new();
        data.push_resized_32(i, &mut want);

        // Grey levels, then x / 127.5 − 1: exactly the dataset's arithmetic.
        let grey: Vec<f32> = data.pixels(i).iter().map(|&p| f32::from(p)).collect();
        let got: Vec<f32> = resize_28_to_32(&grey)
            .into_iter()
            .map(|v| v / 127.5 - 1.0)
            .collect();
        assert_eq!(got, want, "digit {i}");
        let mut unaugmented = Vec::new();
        push_augmented_32(data.pixels(i), &Augmentation::NONE, &mut unaugmented);
        assert_eq!(unaugmented, want);

        // On [-1, 1] values (the MLP GAN's), the same up to rounding.
        let mut flat = Vec::new();
        data.push_flat_28(i, &mut flat);
        let resized = resize_28_to_32(&flat);
        assert_eq!(resized.len(), RESIZED_PIXELS);
        for (a, b) in resized.iter().zip(&want) {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }

        // On a device, with Burn's interpolation.
        let images = Tensor::<4>::from_data(TensorData::new(flat, [1, 1, 28, 28]), &device());
        let on_device = to_classifier_input(images);
        assert_eq!(on_device.dims(), [1, 1, 32, 32]);
        let on_device: Vec<f32> = on_device.into_data().try_to_vec().unwrap();
        for (a, b) in on_device.iter().zip(&want) {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
    }
    // 32x32 images pass through untouched.
    let images = Tensor::<4>::ones([2, 1, 32, 32], &device());
    let same: Vec<f32> = to_classifier_input(images)
        .into_data()
        .try_to_vec()
        .unwrap();
    assert!(same.iter().all(|&v| v == 1.0));
}

#[test]
fn augmentation_shifts_and_rotates_about_the_centre() {
    // One ink pixel at (x 20, y 13), 6.5 px right of the centre (13.5) and 0.5 above it.
    let mut dot = vec![0u8; IMAGE_PIXELS];
    dot[13 * 28 + 20] = 255;
    let at = |image: &[f32], x: usize, y: usize| image[y * 28 + x];

    let identity = Augmentation::NONE.apply(&dot);
    assert!(identity.iter().zip(&dot).all(|(&a, &b)| a == f32::from(b)));

    let shifted = Augmentation {
        shift_x: 1.0,
        shift_y: -2.0,
        angle: 0.0,
    }
    .apply(&dot);
    assert_eq!(at(&shifted, 21, 11), 255.0);
    assert_eq!(shifted.iter().sum::<f32>(), 255.0);

    // A quarter turn clockwise on screen takes "right of centre" to "below centre":
    // offset (6.5, −0.5) becomes (0.5, 6.5), the pixel (14, 20).
    let turned = Augmentation {
        shift_x: 0.0,
        shift_y: 0.0,
        angle: std::f64::consts::FRAC_PI_2,
    }
    .apply(&dot);
    assert!((at(&turned, 14, 20) - 255.0).abs() < 1e-3);
    assert!((turned.iter().sum::<f32>() - 255.0).abs() < 1e-3);

    // Half a pixel to the right splits the ink evenly.
    let half = Augmentation {
        shift_x: 0.5,
        shift_y: 0.0,
        angle: 0.0,
    }
    .apply(&dot);
    assert_eq!((at(&half, 20, 13), at(&half, 21, 13)), (127.5, 127.5));

    // Random draws: reproducible and within the limits.
    let mut a = SplitMix64::new(9);
    let mut b = SplitMix64::new(9);
    for _ in 0..1000 {
        let draw = Augmentation::random(&mut a);
        assert_eq!(draw, Augmentation::random(&mut b));
        assert!(draw.shift_x.abs() <= 2.0 && draw.shift_y.abs() <= 2.0);
        assert!(draw.angle.abs() <= 10f64.to_radians());
    }
}

#[test]
fn cross_entropy_matches_hand_values_and_survives_huge_logits() {
    let device = device();
    let tensor =
        |values: Vec<f32>| Tensor::<2>::from_data(TensorData::new(values, [2, 10]), &device);
    let one_hot = |a: usize, b: usize| {
        let mut t = vec![0.0; 20];
        t[a] = 1.0;
        t[10 + b] = 1.0;
        tensor(t)
    };
    // Equal logits: −log(1/10) for every row.
    let loss: f32 = cross_entropy(tensor(vec![0.0; 20]), one_hot(3, 7)).into_scalar();
    assert!((loss - 10f32.ln()).abs() < 1e-6, "{loss}");

    // Logits 1000 for the first class: rows right (loss 0) and wrong (loss 1000).
    let mut logits = vec![0.0; 20];
    logits[0] = 1000.0;
    logits[10] = 1000.0;
    let loss: f32 = cross_entropy(tensor(logits), one_hot(0, 1)).into_scalar();
    assert!((loss - 500.0).abs() < 1e-3, "{loss}");
}

#[test]
fn the_classifier_has_the_documented_shapes_and_round_trips_through_its_file() {
    let device = device();
    let config = ClassifierConfig::default();
    // Under the seeded-init lock: the device RNG is process-wide, and the other tests in this
    // file draw from it on their own threads.
    let (classifier, images) = gan_studio::model::init::seeded_init(&device, 3, || {
        let classifier = config.init(&device);
        gan_studio::model::init::materialize(&classifier);
        let images = Tensor::<4>::random(
            [3, 1, 32, 32],
            burn::tensor::Distribution::Uniform(-1.0, 1.0),
            &device,
        );
        (classifier, images)
    });
    let (logits, features) = classifier.forward_with_features(images.clone());
    assert_eq!(logits.dims(), [3, 10]);
    assert_eq!(features.dims(), [3, 128]);
    assert_eq!(classifier.features(images.clone()).dims(), [3, 128]);
    let features: Vec<f32> = features.into_data().try_to_vec().unwrap();
    assert!(
        features.iter().all(|&f| f >= 0.0),
        "features come after a ReLU"
    );
    // 28x28 images go through the resize.
    let small = Tensor::<4>::zeros([2, 1, 28, 28], &device);
    let outputs = block_on(classify_images(&classifier, small)).unwrap();
    assert_eq!((outputs.len(), outputs.feature_dim), (2, 128));

    let file = block_on(ClassifierFile::of_classifier(&classifier, &config, None)).unwrap();
    let bytes = file.to_bytes();
    let loaded = ClassifierFile::from_bytes(&bytes).unwrap();
    assert_eq!(loaded, file);
    let reloaded = loaded.load(&device).unwrap();
    let before: Vec<f32> = classifier
        .forward(images.clone())
        .into_data()
        .try_to_vec()
        .unwrap();
    let after: Vec<f32> = reloaded.forward(images).into_data().try_to_vec().unwrap();
    assert_eq!(before, after);

    // Bad bytes name the problem.
    assert_eq!(
        ClassifierFile::from_bytes(b"GANSTDIO and more"),
        Err(EvalError::NotAClassifier)
    );
    assert!(matches!(
        ClassifierFile::from_bytes(&bytes[..bytes.len() - 1]),
        Err(EvalError::Truncated { .. })
    ));
    assert!(matches!(
        ClassifierFile::from_bytes(&bytes[..5]),
        Err(EvalError::Truncated { .. })
    ));
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(matches!(
        ClassifierFile::from_bytes(&longer),
        Err(EvalError::BadHeader(_))
    ));
    let mut future = bytes.clone();
    future[8] = 9;
    assert_eq!(
        ClassifierFile::from_bytes(&future),
        Err(EvalError::UnsupportedVersion(9))
    );
    let narrower = ClassifierFile {
        config: ClassifierConfig {
            features: 64,
            ..config
        },
        ..file
    };
    assert!(matches!(
        narrower.load(&device),
        Err(EvalError::BadWeights(_))
    ));
}

fn shipped_classifier() -> (gan_studio::eval::Classifier, ClassifierFile) {
    let file = ClassifierFile::from_bytes(SHIPPED_CLASSIFIER).unwrap();
    (file.load(&device()).unwrap(), file)
}

#[test]
fn the_shipped_classifier_reaches_98_5_percent_on_the_held_out_digits() {
    let data = data();
    let (classifier, file) = shipped_classifier();
    let heldout = data.heldout_indices();
    assert_eq!(heldout.len(), 999);
    let measured = block_on(accuracy(&classifier, &data, &heldout, &device())).unwrap();
    assert!(measured >= 0.985, "held-out accuracy {measured}");
    // The file records what training measured; thread counts may move a borderline digit.
    let recorded = file
        .training
        .expect("the shipped file says how it was trained");
    assert!(
        (measured - recorded.heldout_accuracy).abs() <= 2.0 / 999.0,
        "{measured} vs {}",
        recorded.heldout_accuracy
    );
}

#[test]
fn real_digits_are_much_closer_to_each_other_than_to_noise() {
    let data = data();
    let (classifier, _) = shipped_classifier();
    let device = device();
    let train = data.train_indices();
    let mut shuffled = train.clone();
    SplitMix64::new(5).shuffle(&mut shuffled);
    let (first, second) = (&shuffled[..500], &shuffled[500..1000]);
    let a = block_on(classify_digits(&classifier, &data, first, &device)).unwrap();
    let b = block_on(classify_digits(&classifier, &data, second, &device)).unwrap();
    let real_vs_real = frechet_distance(&a.feature_stats(), &b.feature_stats());

    let mut rng = SplitMix64::new(6);
    let noise: Vec<f32> = (0..500 * 1024)
        .map(|_| (2.0 * rng.next_f64() - 1.0) as f32)
        .collect();
    let noise = Tensor::<4>::from_data(TensorData::new(noise, [500, 1, 32, 32]), &device);
    let noise = block_on(classify_images(&classifier, noise)).unwrap();
    let real_vs_noise = frechet_distance(&a.feature_stats(), &noise.feature_stats());
    assert!(
        real_vs_noise > 20.0 * real_vs_real,
        "real vs real {real_vs_real}, real vs noise {real_vs_noise}"
    );
    // Real digits are classified confidently, noise is not.
    let mean = |v: Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
    assert!(mean(a.confidences()) > 0.95, "{}", mean(a.confidences()));
    assert!(mean(noise.confidences()) < mean(a.confidences()));

    // The ten probabilities per image (what the explorer shows) agree with both.
    let probabilities = a.probabilities();
    assert_eq!(probabilities.len(), 10 * a.len());
    let rows = probabilities.chunks_exact(10);
    for ((row, digit), confidence) in rows.zip(a.predictions()).zip(a.confidences()) {
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{row:?}");
        let top = row.iter().copied().fold(0.0, f32::max);
        assert_eq!(row[usize::from(digit)], top, "{row:?} vs digit {digit}");
        assert!(
            (f64::from(top) - confidence).abs() < 1e-5,
            "{top} vs {confidence}"
        );
    }
}

#[test]
fn reports_on_real_digits_and_shipped_generators() {
    let data = data();
    let (classifier, _) = shipped_classifier();
    let device = device();
    let evaluator = block_on(Evaluator::new(classifier.clone(), &data, &device)).unwrap();

    let real = block_on(evaluator.evaluate_real(&data, 500, 1)).unwrap();
    assert_eq!((real.source.as_str(), real.samples), ("real", 500));
    assert_eq!(real.class_histogram.iter().sum::<usize>(), 500);
    assert_eq!(real.digits_covered, 10);
    assert!(real.label_accuracy.unwrap() > 0.98, "{real}");
    assert!(real.mean_confidence > 0.95, "{real}");
    assert_eq!(real.reference_samples, 999);
    // Reproducible, and the text and JSON forms carry the figures (JSON's decimal floats may
    // come back a unit in the last place off).
    assert_eq!(
        block_on(evaluator.evaluate_real(&data, 500, 1)).unwrap(),
        real
    );
    let json = serde_json::to_string(&real).unwrap();
    let parsed: EvalReport = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed.class_histogram, real.class_histogram);
    assert_eq!(parsed.label_accuracy, real.label_accuracy);
    assert!(close(parsed.frechet_distance, real.frechet_distance, 1e-14));
    assert!(close(parsed.mean_confidence, real.mean_confidence, 1e-14));
    let text = real.to_string();
    assert!(text.contains("digits covered:   10 of 10"), "{text}");
    assert!(
        text.contains(&format!("{:.2}", real.frechet_distance)),
        "{text}"
    );

    // The conditional model draws the digit it is asked for; the MLP GAN's 28x28 images are
    // resized; both sit farther from the held-out digits than real digits do.
    for (bytes, conditional) in [(SHIPPED_CDCGAN, true), (SHIPPED_MLP, false)] {
        let checkpoint = Checkpoint::from_bytes(bytes).unwrap();
        let generator = checkpoint.load_generator(&device).unwrap();
        let report =
            block_on(evaluator.evaluate_generator(&generator, &checkpoint.model, 300, 2)).unwrap();
        assert_eq!(report.source, checkpoint.model.kind().name());
        assert_eq!(report.class_histogram.iter().sum::<usize>(), 300);
        assert_eq!(report.label_accuracy.is_some(), conditional, "{report}");
        if conditional {
            assert!(report.label_accuracy.unwrap() > 0.5, "{report}");
        }
        assert!(report.frechet_distance > real.frechet_distance, "{report}");
        assert!((0.1..=1.0).contains(&report.mean_confidence), "{report}");
    }

    let too_few = block_on(evaluator.evaluate_real(&data, 1, 0));
    assert!(matches!(too_few, Err(EvalError::BadRequest(_))));
}

#[test]
fn gan_eval_names_bad_files() {
    let gan = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gan"))
            .args(args)
            .output()
            .expect("the gan binary runs");
        assert_eq!(out.status.code(), Some(1), "gan {args:?} should fail");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = gan(&["eval", "--real", "--classifier", "weights/README.md"]);
    assert!(
        err.contains("weights/README.md: not a GAN Studio classifier file"),
        "{err}"
    );
    let err = gan(&["eval", "--real", "--classifier", "no/such/classifier.bpk"]);
    assert!(
        err.contains("cannot read classifier no/such/classifier.bpk"),
        "{err}"
    );
    let err = gan(&[
        "eval",
        "--weights",
        "weights/classifier.bpk",
        "--classifier",
        "weights/classifier.bpk",
    ]);
    assert!(
        err.contains("weights/classifier.bpk: not a GAN Studio checkpoint"),
        "{err}"
    );
}
