//! An exponential moving average (EMA) of a network's weights: `avg ← decay·avg + (1−decay)·w`
//! after each step. Sampling from the average of the last few hundred generators smooths out
//! the step-to-step wobble of adversarial training, a standard way to get cleaner samples
//! (Yazıcı et al., "The unusual effectiveness of averaging in GAN training", 2019).

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::prelude::*;

/// Every float parameter (and BatchNorm running statistic) of a module, flattened, in the
/// order Burn visits them.
struct Flatten(Vec<Tensor<1>>);

impl ModuleVisitor for Flatten {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let tensor = param.val();
        let n = tensor.dims().iter().product::<usize>();
        self.0.push(tensor.reshape([n]));
    }
}

/// Blends each visited parameter with the next tensor of `current`, in the same order.
struct Blend {
    current: std::vec::IntoIter<Tensor<1>>,
    decay: f32,
}

impl ModuleMapper for Blend {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let current = self
            .current
            .next()
            .expect("the average and the network have the same parameters");
        let decay = self.decay;
        param.map(|average| {
            let current = current.reshape(average.dims()); // [same shape as the parameter]
            average
                .mul_scalar(decay)
                .add(current.mul_scalar(1.0 - decay))
        })
    }
}

/// One EMA update: returns `decay · average + (1 − decay) · current`, parameter by parameter.
/// `current` may live on the autodiff device; the result stays on `average`'s (plain) device.
///
/// # Panics
/// If the two modules do not have the same parameters (they must be the same architecture).
pub fn ema_update<M: Module>(average: M, current: &M, decay: f32) -> M {
    let mut flatten = Flatten(Vec::new());
    current.valid().visit(&mut flatten);
    let count = flatten.0.len();
    let mut blend = Blend {
        current: flatten.0.into_iter(),
        decay,
    };
    let average = average.map(&mut blend);
    assert_eq!(
        blend.current.len(),
        0,
        "the average had fewer parameters than the network ({count})"
    );
    average
}
