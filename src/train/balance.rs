//! An equilibrium loss's balance (BEGAN, Berthelot et al. 2017): the weight k_t of the
//! fakes' term in the discriminator's loss L(x) − k_t·L(G(z)), moved after every
//! discriminator update so that E[L(G(z))] stays at γ·E[L(x)]:
//!
//! k_{t+1} = clip(k_t + λ_k·(γ·L(x) − L(G(z))), 0, 1), from k_0 = 0,
//!
//! and the convergence measure M_global = L(x) + |γ·L(x) − L(G(z))|, which falls as the
//! generator improves (the paper's curve to watch). L is the autoencoder's reconstruction
//! error, the discriminator's energy. Everything stays on the device: nothing here reads a
//! tensor back.

use burn::prelude::*;

/// λ_k, how fast k_t moves: the paper's 0.001.
pub const RATE: f64 = 0.001;
/// γ, the diversity ratio kept when a run does not set one: the and a common
/// MNIST choice, 0.5 (the paper tried 0.3 to 0.7; lower is sharper and less varied).
pub const GAMMA: f64 = 0.5;

/// k_0 = 0 `[1]` on `device` (the run's; never tracked: k_t is state, not a parameter).
pub fn initial(device: &Device) -> Tensor<1> {
    Tensor::zeros([1], device)
}

/// One update from the mean energies of the real batch and the fakes `[1]`:
/// `(k_{t+1}, M_global)`.
pub fn update(
    k: Tensor<1>,
    real: Tensor<1>,
    fake: Tensor<1>,
    gamma: f64,
) -> (Tensor<1>, Tensor<1>) {
    let (real, fake) = (real.detach(), fake.detach()); // [1], [1]
    let imbalance = real.clone().mul_scalar(gamma) - fake; // [1]
    let k = (k.detach() + imbalance.clone().mul_scalar(RATE)).clamp(0.0, 1.0); // [1]
    let measure = real + imbalance.abs(); // [1]
    (k, measure)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(t: Tensor<1>) -> f32 {
        t.into_scalar::<f32>()
    }

    #[test]
    fn k_moves_by_the_imbalance_and_stays_in_zero_to_one() {
        let device = Device::flex();
        let scalar = |v: f32| Tensor::<1>::from_floats([v], &device);
        // γ·L(x) − L(G(z)) = 0.5·0.2 − 0.04 = 0.06: k grows by 0.001 · 0.06.
        let (k, m) = update(scalar(0.3), scalar(0.2), scalar(0.04), 0.5);
        assert!((value(k) - 0.30006).abs() < 1e-7);
        assert!((value(m) - 0.26).abs() < 1e-7, "M = 0.2 + |0.06|");
        // The fakes' energy far above γ·L(x): k falls, and stops at 0.
        let (k, m) = update(scalar(0.0), scalar(0.2), scalar(0.5), 0.5);
        assert_eq!(value(k), 0.0);
        assert!((value(m) - 0.6).abs() < 1e-7, "M = 0.2 + |0.1 − 0.5|");
        let (k, _) = update(scalar(1.0), scalar(100.0), scalar(0.0), 0.5);
        assert_eq!(value(k), 1.0);
    }
}
