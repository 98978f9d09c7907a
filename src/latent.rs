//! Latent vectors and labels: seeded sampling, interpolation, one-hot codes and grid layouts.
//!
//! Everything here is plain `f32` data computed on the CPU with [`SplitMix64`], so a seed
//! names the same vectors natively and in the browser, on every backend.

use serde::{Deserialize, Serialize};

use crate::rng::SplitMix64;

/// Number of digit classes.
pub const DIGITS: usize = 10;
/// Continuous codes an InfoGAN sample takes beside its categorical one.
pub const CONTINUOUS_CODES: usize = 2;

/// The distribution a model's z is drawn from: a setting of every model, since the course
/// material uses both (the DCGAN papers a Gaussian, CS231N's assignment a uniform cube).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Prior {
    /// N(0, I): the DCGAN paper's and the course's default.
    #[default]
    Gaussian,
    /// Uniform in [−1, 1] in every dimension, as CS231N's GANs draw their noise.
    Uniform,
}

impl Prior {
    /// Every prior, in the order menus and `--help` list them.
    pub const ALL: &'static [Prior] = &[Prior::Gaussian, Prior::Uniform];

    /// The name used on the command line, in checkpoints and in the page.
    pub fn name(self) -> &'static str {
        match self {
            Prior::Gaussian => "gaussian",
            Prior::Uniform => "uniform",
        }
    }

    /// How menus show the prior.
    pub fn title(self) -> &'static str {
        match self {
            Prior::Gaussian => "Gaussian N(0, 1)",
            Prior::Uniform => "uniform in [−1, 1]",
        }
    }

    /// Parses a name from [`Prior::name`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.name() == name)
    }

    /// Where a slider over one dimension of z should reach on each side of 0: ±3 standard
    /// deviations for the Gaussian, the cube's ±1 for the uniform prior.
    pub fn slider_range(self) -> f32 {
        match self {
            Prior::Gaussian => 3.0,
            Prior::Uniform => 1.0,
        }
    }

    /// `count` latent vectors of size `nz` drawn from this prior with `seed`, row-major
    /// `[count, nz]`; cell `i` of a grid drawn with `seed` is vector `i`.
    pub fn sample(self, seed: u64, count: usize, nz: usize) -> Vec<f32> {
        match self {
            Prior::Gaussian => sample_z(seed, count, nz),
            Prior::Uniform => {
                let mut rng = SplitMix64::new(seed);
                (0..count * nz)
                    .map(|_| (2.0 * rng.next_f64() - 1.0) as f32)
                    .collect()
            }
        }
    }
}

/// `count` latent vectors of size `nz` drawn from N(0, I), row-major `[count, nz]`.
///
/// Cell `i` of a grid drawn with `seed` is `sample_z(seed, count, nz)[i * nz..(i + 1) * nz]`,
/// and the first vector equals [`latent_vector`]`(seed, nz)`.
pub fn sample_z(seed: u64, count: usize, nz: usize) -> Vec<f32> {
    let mut rng = SplitMix64::new(seed);
    (0..count * nz).map(|_| rng.next_normal() as f32).collect()
}

/// The single latent vector named by `seed`.
pub fn latent_vector(seed: u64, nz: usize) -> Vec<f32> {
    sample_z(seed, 1, nz)
}

/// Linear interpolation: `from` at `t = 0`, `to` at `t = 1`.
pub fn lerp(from: &[f32], to: &[f32], t: f32) -> Vec<f32> {
    assert_eq!(
        from.len(),
        to.len(),
        "interpolated vectors differ in length"
    );
    from.iter().zip(to).map(|(a, b)| a + t * (b - a)).collect()
}

/// Spherical interpolation (along the great circle, with the norm interpolated linearly);
/// falls back to [`lerp`] for (anti)parallel vectors. `from` at `t = 0`, `to` at `t = 1`.
///
/// For Gaussian z, slerp keeps intermediate vectors at a typical norm, where the generator
/// was trained, while lerp passes through the lower-norm middle.
pub fn slerp(from: &[f32], to: &[f32], t: f32) -> Vec<f32> {
    assert_eq!(
        from.len(),
        to.len(),
        "interpolated vectors differ in length"
    );
    let norm = |v: &[f32]| v.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    let (na, nb) = (norm(from), norm(to));
    if na == 0.0 || nb == 0.0 {
        return lerp(from, to, t);
    }
    let dot: f64 = from
        .iter()
        .zip(to)
        .map(|(a, b)| *a as f64 * *b as f64)
        .sum();
    let cos = (dot / (na * nb)).clamp(-1.0, 1.0);
    let omega = cos.acos();
    let sin = omega.sin();
    if sin.abs() < 1e-6 {
        return lerp(from, to, t);
    }
    let t = t as f64;
    let wa = ((1.0 - t) * omega).sin() / sin;
    let wb = (t * omega).sin() / sin;
    from.iter()
        .zip(to)
        .map(|(a, b)| (wa * *a as f64 + wb * *b as f64) as f32)
        .collect()
}

/// One-hot codes `[labels.len(), 10]`.
///
/// # Panics
/// If a label is not a digit.
pub fn one_hot(labels: &[u8]) -> Vec<f32> {
    let mut codes = vec![0.0; labels.len() * DIGITS];
    for (row, &label) in labels.iter().enumerate() {
        assert!((label as usize) < DIGITS, "label {label} is not a digit");
        codes[row * DIGITS + label as usize] = 1.0;
    }
    codes
}

/// A mix of two one-hot codes: digit `from` at `t = 0`, digit `to` at `t = 1`.
pub fn mixed_label(from: u8, to: u8, t: f32) -> [f32; DIGITS] {
    let mut code = [0.0; DIGITS];
    code[from as usize] += 1.0 - t;
    code[to as usize] += t;
    code
}

/// InfoGAN codes `[n, 10 + 2]`: row i is the one-hot of categorical code `categories[i]`
/// followed by continuous codes `continuous[i]`.
pub fn info_codes(categories: &[u8], continuous: &[[f32; CONTINUOUS_CODES]]) -> Vec<f32> {
    assert_eq!(
        categories.len(),
        continuous.len(),
        "one continuous pair per code"
    );
    let one_hot = one_hot(categories);
    one_hot
        .chunks_exact(DIGITS)
        .zip(continuous)
        .flat_map(|(category, values)| category.iter().chain(values).copied())
        .collect()
}

/// `count` pairs of continuous codes drawn uniformly from [−1, 1], as InfoGAN trains them.
pub fn random_continuous(rng: &mut SplitMix64, count: usize) -> Vec<[f32; CONTINUOUS_CODES]> {
    (0..count)
        .map(|_| std::array::from_fn(|_| (2.0 * rng.next_f64() - 1.0) as f32))
        .collect()
}

/// How far `gan sample --code-sweep` and the explorer's sliders take a continuous code: to
/// ±2, past the [−1, 1] it was trained on, as the InfoGAN paper shows its codes.
pub const CODE_SWEEP_RANGE: f32 = 2.0;

/// `count` values evenly spaced over [−CODE_SWEEP_RANGE, CODE_SWEEP_RANGE] (0 for one).
pub fn code_sweep(count: usize) -> Vec<f32> {
    if count < 2 {
        return vec![0.0; count];
    }
    (0..count)
        .map(|i| CODE_SWEEP_RANGE * (2.0 * i as f32 / (count - 1) as f32 - 1.0))
        .collect()
}

/// `count` labels drawn uniformly from the ten digits.
pub fn random_labels(rng: &mut SplitMix64, count: usize) -> Vec<u8> {
    (0..count).map(|_| rng.below(DIGITS) as u8).collect()
}

/// The "style grid" of the conditional model: 10 rows (row r is digit r) by `cols` columns,
/// each column one z from `prior` (the handwriting style). Returns `(z [10·cols, nz], labels
/// [10·cols])`.
pub fn style_grid(prior: Prior, seed: u64, cols: usize, nz: usize) -> (Vec<f32>, Vec<u8>) {
    let styles = prior.sample(seed, cols, nz);
    let mut z = Vec::with_capacity(DIGITS * cols * nz);
    let mut labels = Vec::with_capacity(DIGITS * cols);
    for digit in 0..DIGITS {
        z.extend_from_slice(&styles);
        labels.extend(std::iter::repeat_n(digit as u8, cols));
    }
    (z, labels)
}

/// `steps` points from `from` to `to` inclusive (`steps` ≥ 2), with lerp or slerp,
/// row-major `[steps, nz]`.
pub fn interpolation_path(from: &[f32], to: &[f32], steps: usize, spherical: bool) -> Vec<f32> {
    assert!(
        steps >= 2,
        "an interpolation needs at least its two endpoints"
    );
    (0..steps)
        .flat_map(|i| {
            let t = i as f32 / (steps - 1) as f32;
            if spherical {
                slerp(from, to, t)
            } else {
                lerp(from, to, t)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_vectors_are_reproducible_and_distinct() {
        assert_eq!(sample_z(5, 3, 4), sample_z(5, 3, 4));
        assert_ne!(sample_z(5, 1, 4), sample_z(6, 1, 4));
        assert_eq!(latent_vector(9, 8), sample_z(9, 4, 8)[..8].to_vec());
    }

    #[test]
    fn the_uniform_prior_fills_the_cube_and_the_gaussian_is_sample_z() {
        let z = Prior::Uniform.sample(4, 1000, 3);
        assert!(z.iter().all(|v| (-1.0..1.0).contains(v)));
        let mean = z.iter().sum::<f32>() / z.len() as f32;
        let below = z.iter().filter(|v| **v < -0.5).count() as f32 / z.len() as f32;
        assert!(
            mean.abs() < 0.05 && (below - 0.25).abs() < 0.03,
            "{mean} {below}"
        );
        assert_eq!(Prior::Gaussian.sample(4, 2, 3), sample_z(4, 2, 3));
        assert_eq!(Prior::parse("uniform"), Some(Prior::Uniform));
    }

    #[test]
    fn lerp_and_slerp_hit_their_endpoints() {
        let a = latent_vector(1, 16);
        let b = latent_vector(2, 16);
        for f in [lerp, slerp] {
            let start = f(&a, &b, 0.0);
            let end = f(&a, &b, 1.0);
            for i in 0..16 {
                assert!((start[i] - a[i]).abs() < 1e-5);
                assert!((end[i] - b[i]).abs() < 1e-5);
            }
        }
        assert_eq!(lerp(&[0.0, 2.0], &[4.0, 6.0], 0.25), vec![1.0, 3.0]);
    }

    #[test]
    fn slerp_of_orthogonal_unit_vectors_stays_on_the_circle() {
        let mid = slerp(&[1.0, 0.0], &[0.0, 1.0], 0.5);
        let h = std::f32::consts::FRAC_1_SQRT_2;
        assert!((mid[0] - h).abs() < 1e-6 && (mid[1] - h).abs() < 1e-6);
        // lerp's midpoint is shorter: the reason slerp exists.
        let lin = lerp(&[1.0, 0.0], &[0.0, 1.0], 0.5);
        assert_eq!(lin, vec![0.5, 0.5]);
    }

    #[test]
    fn one_hot_and_mixed_labels() {
        let codes = one_hot(&[3, 0]);
        assert_eq!(codes.len(), 20);
        assert_eq!(codes[3], 1.0);
        assert_eq!(codes[10], 1.0);
        assert_eq!(codes.iter().sum::<f32>(), 2.0);
        let mix = mixed_label(2, 7, 0.25);
        assert_eq!(mix[2], 0.75);
        assert_eq!(mix[7], 0.25);
        assert_eq!(mixed_label(4, 4, 0.3)[4], 1.0);
    }

    #[test]
    fn style_grid_shares_z_down_each_column() {
        let (z, labels) = style_grid(Prior::Gaussian, 3, 4, 5);
        assert_eq!(z.len(), 10 * 4 * 5);
        assert_eq!(labels[..4], [0, 0, 0, 0]);
        assert_eq!(labels[36..], [9, 9, 9, 9]);
        // cell (row 7, col 2) uses the same z as cell (row 0, col 2)
        assert_eq!(z[(7 * 4 + 2) * 5..(7 * 4 + 3) * 5], z[2 * 5..3 * 5]);
    }

    #[test]
    fn interpolation_path_has_the_endpoints_at_its_ends() {
        let a = latent_vector(1, 3);
        let b = latent_vector(2, 3);
        let path = interpolation_path(&a, &b, 5, false);
        assert_eq!(path.len(), 15);
        assert_eq!(path[..3], a[..]);
        for i in 0..3 {
            assert!((path[12 + i] - b[i]).abs() < 1e-6);
        }
    }
}
