//! The original WGAN's Lipschitz constraint: after each critic update, every trained weight
//! is clipped to [−c, c]. State that is not trained (BatchNorm's running statistics, the
//! power iteration's vectors: fields named `running_*`) is left as it is.

use burn::module::{Module, ModuleMapper, Param};
use burn::prelude::*;

/// Clips each trained float parameter, keeping it a gradient-tracking leaf.
struct Clip {
    limit: f32,
    path: Vec<String>,
}

impl ModuleMapper for Clip {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let state = self
            .path
            .last()
            .is_some_and(|name| name.starts_with("running_"));
        if state {
            return param;
        }
        let limit = self.limit;
        param.map(|tensor| {
            let tracked = tensor.is_require_grad();
            let clipped = tensor.clamp(-limit, limit).detach(); // a new leaf
            if tracked {
                clipped.require_grad()
            } else {
                clipped
            }
        })
    }
}

/// `module` with every trained weight clipped to [−`limit`, `limit`].
pub fn clip_weights<M: Module>(module: M, limit: f32) -> M {
    module.map(&mut Clip {
        limit,
        path: Vec::new(),
    })
}
