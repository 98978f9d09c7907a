//! The Fréchet distance between two Gaussians fitted to sets of feature vectors.
//!
//! With means μ1, μ2 and covariances Σ1, Σ2:
//!
//! ```text
//! FD = |μ1 − μ2|² + Tr(Σ1 + Σ2 − 2 (Σ1^½ Σ2 Σ1^½)^½)
//! ```
//!
//! (the squared 2-Wasserstein distance between the Gaussians; FID is this on Inception
//! features, GAN Studio uses its own MNIST classifier's). Everything is `f64` and pure Rust:
//! the matrix square roots come from a cyclic Jacobi eigendecomposition, which is exact enough
//! and fast enough for the 128x128 covariances here, and needs no linear-algebra crate.

/// Jacobi sweeps before giving up (a 128x128 covariance converges in about 10).
const MAX_SWEEPS: usize = 100;
/// Size of the off-diagonal part, relative to the whole matrix (Frobenius norms), at which a
/// Jacobi decomposition counts as converged; Jacobi converges quadratically, so this costs a
/// sweep or two more than a loose tolerance would.
const JACOBI_TOLERANCE: f64 = 1e-13;

/// Mean and covariance of a set of vectors: a Gaussian fitted to it.
#[derive(Debug, Clone, PartialEq)]
pub struct GaussianStats {
    /// Length of each vector.
    pub dim: usize,
    /// Mean vector, `dim` values.
    pub mean: Vec<f64>,
    /// Covariance, row-major `dim x dim`, symmetric positive semi-definite.
    pub covariance: Vec<f64>,
}

impl GaussianStats {
    /// A Gaussian with the given mean and covariance (row-major `dim x dim`).
    ///
    /// # Panics
    /// If the covariance does not have `mean.len()²` entries.
    pub fn from_moments(mean: Vec<f64>, covariance: Vec<f64>) -> Self {
        let dim = mean.len();
        assert_eq!(
            covariance.len(),
            dim * dim,
            "a {dim}-dimensional covariance has {} entries",
            dim * dim
        );
        Self {
            dim,
            mean,
            covariance,
        }
    }

    /// The sample mean and the unbiased sample covariance (divided by n − 1, as NumPy's `cov`
    /// and every FID implementation) of `vectors`, row-major `[n, dim]`.
    ///
    /// # Panics
    /// If `dim` is 0, `vectors.len()` is not a multiple of `dim`, or there are fewer than two
    /// vectors (a covariance needs two).
    pub fn of_vectors(vectors: &[f32], dim: usize) -> Self {
        assert!(dim > 0, "vectors need at least one component");
        assert_eq!(vectors.len() % dim, 0, "not a whole number of vectors");
        let n = vectors.len() / dim;
        assert!(n >= 2, "a covariance needs at least two vectors, got {n}");

        let mut mean = vec![0.0; dim];
        for row in vectors.chunks_exact(dim) {
            for (m, &x) in mean.iter_mut().zip(row) {
                *m += f64::from(x);
            }
        }
        for m in &mut mean {
            *m /= n as f64;
        }

        // Upper triangle of Σ (x − μ)(x − μ)ᵀ, then mirrored.
        let mut covariance = vec![0.0; dim * dim];
        let mut centred = vec![0.0; dim];
        for row in vectors.chunks_exact(dim) {
            for ((c, &x), m) in centred.iter_mut().zip(row).zip(&mean) {
                *c = f64::from(x) - m;
            }
            for i in 0..dim {
                let ci = centred[i];
                if ci == 0.0 {
                    continue;
                }
                let out = &mut covariance[i * dim..(i + 1) * dim];
                for j in i..dim {
                    out[j] += ci * centred[j];
                }
            }
        }
        for i in 0..dim {
            for j in i..dim {
                let value = covariance[i * dim + j] / (n - 1) as f64;
                covariance[i * dim + j] = value;
                covariance[j * dim + i] = value;
            }
        }
        Self {
            dim,
            mean,
            covariance,
        }
    }
}

/// Eigenvalues and eigenvectors of a symmetric matrix: `A = V diag(values) Vᵀ`.
#[derive(Debug, Clone, PartialEq)]
pub struct SymmetricEigen {
    /// Side of the matrix.
    pub dim: usize,
    /// Eigenvalues, largest first.
    pub values: Vec<f64>,
    /// Orthonormal eigenvectors as the columns of a row-major `dim x dim` matrix: column `k`
    /// (entries `vectors[i * dim + k]`) belongs to `values[k]`.
    pub vectors: Vec<f64>,
}

impl SymmetricEigen {
    /// Decomposes the symmetric matrix `matrix` (row-major `dim x dim`) with the cyclic Jacobi
    /// method: plane rotations that zero one off-diagonal pair at a time, swept until the
    /// off-diagonal part is negligible. Only the symmetric part of `matrix` matters.
    ///
    /// # Panics
    /// If `matrix` does not have `dim²` entries.
    pub fn of(matrix: &[f64], dim: usize) -> Self {
        assert_eq!(matrix.len(), dim * dim, "a {dim}x{dim} matrix");
        let n = dim;
        // Start from the symmetric part, so rounding asymmetry in the input does no harm.
        let mut a: Vec<f64> = (0..n * n)
            .map(|k| 0.5 * (matrix[k] + matrix[(k % n) * n + k / n]))
            .collect();
        let mut v = vec![0.0; n * n];
        for i in 0..n {
            v[i * n + i] = 1.0;
        }

        let total: f64 = a.iter().map(|x| x * x).sum();
        for _ in 0..MAX_SWEEPS {
            let off_diagonal: f64 = (0..n)
                .flat_map(|p| (p + 1..n).map(move |q| (p, q)))
                .map(|(p, q)| 2.0 * a[p * n + q] * a[p * n + q])
                .sum();
            if off_diagonal <= JACOBI_TOLERANCE * JACOBI_TOLERANCE * total {
                break;
            }
            for p in 0..n {
                for q in p + 1..n {
                    let apq = a[p * n + q];
                    if apq == 0.0 {
                        continue;
                    }
                    // The rotation angle φ with tan φ = t zeroes a[p][q]: θ = cot 2φ.
                    let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                    let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                    let c = 1.0 / (t * t + 1.0).sqrt();
                    let s = t * c;
                    // A ← Jᵀ A J and V ← V J, J the rotation in the (p, q) plane.
                    for k in 0..n {
                        let (akp, akq) = (a[k * n + p], a[k * n + q]);
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for k in 0..n {
                        let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                    for k in 0..n {
                        let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                        v[k * n + p] = c * vkp - s * vkq;
                        v[k * n + q] = s * vkp + c * vkq;
                    }
                }
            }
        }

        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&i, &j| a[j * n + j].total_cmp(&a[i * n + i]));
        let values = order.iter().map(|&k| a[k * n + k]).collect();
        let mut vectors = vec![0.0; n * n];
        for (new, &old) in order.iter().enumerate() {
            for i in 0..n {
                vectors[i * n + new] = v[i * n + old];
            }
        }
        Self {
            dim,
            values,
            vectors,
        }
    }

    /// `V diag(f(values)) Vᵀ`, row-major: the matrix function `f` of the decomposed matrix.
    pub fn map_values(&self, f: impl Fn(f64) -> f64) -> Vec<f64> {
        let n = self.dim;
        let mapped: Vec<f64> = self.values.iter().map(|&x| f(x)).collect();
        let mut out = vec![0.0; n * n];
        for i in 0..n {
            for j in i..n {
                let value: f64 = (0..n)
                    .map(|k| self.vectors[i * n + k] * mapped[k] * self.vectors[j * n + k])
                    .sum();
                out[i * n + j] = value;
                out[j * n + i] = value;
            }
        }
        out
    }
}

/// The square root of a symmetric positive semi-definite matrix (row-major `dim x dim`): the
/// symmetric PSD `S` with `S S = matrix`. Eigenvalues that rounding made slightly negative
/// count as 0.
pub fn sqrt_psd(matrix: &[f64], dim: usize) -> Vec<f64> {
    SymmetricEigen::of(matrix, dim).map_values(|x| x.max(0.0).sqrt())
}

/// `a · b` for row-major `dim x dim` matrices.
fn matmul(a: &[f64], b: &[f64], dim: usize) -> Vec<f64> {
    let mut out = vec![0.0; dim * dim];
    for i in 0..dim {
        let row = &mut out[i * dim..(i + 1) * dim];
        for k in 0..dim {
            let aik = a[i * dim + k];
            if aik == 0.0 {
                continue;
            }
            for (o, &bkj) in row.iter_mut().zip(&b[k * dim..(k + 1) * dim]) {
                *o += aik * bkj;
            }
        }
    }
    out
}

/// The Fréchet distance between two Gaussians (see the module docs); 0 for identical ones,
/// symmetric in its arguments. Rounding can push the exact value slightly below 0; the result
/// is clamped at 0.
///
/// # Panics
/// If the two have different dimensions.
pub fn frechet_distance(a: &GaussianStats, b: &GaussianStats) -> f64 {
    assert_eq!(a.dim, b.dim, "Gaussians of different dimensions");
    let dim = a.dim;
    let mean_term: f64 = a
        .mean
        .iter()
        .zip(&b.mean)
        .map(|(x, y)| (x - y).powi(2))
        .sum();
    let trace = |m: &[f64]| (0..dim).map(|i| m[i * dim + i]).sum::<f64>();

    // Tr((Σa^½ Σb Σa^½)^½) is the sum of the square roots of the eigenvalues of the symmetric
    // PSD matrix Σa^½ Σb Σa^½: no second square root needs forming.
    let root_a = sqrt_psd(&a.covariance, dim);
    let inner = matmul(&matmul(&root_a, &b.covariance, dim), &root_a, dim);
    let cross_trace: f64 = SymmetricEigen::of(&inner, dim)
        .values
        .iter()
        .map(|&x| x.max(0.0).sqrt())
        .sum();

    (mean_term + trace(&a.covariance) + trace(&b.covariance) - 2.0 * cross_trace).max(0.0)
}

/// The Fréchet distance between the Gaussians fitted to two sets of vectors, row-major
/// `[n, dim]` each (see [`GaussianStats::of_vectors`]).
pub fn frechet_distance_of_vectors(a: &[f32], b: &[f32], dim: usize) -> f64 {
    frechet_distance(
        &GaussianStats::of_vectors(a, dim),
        &GaussianStats::of_vectors(b, dim),
    )
}
