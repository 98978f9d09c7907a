//! Our generators' layers in the course's order, as PyTorch types, names and shapes them.
//!
//! The list is read from the generator itself (Burn visits a module's fields in declaration
//! order, which is the course's layer order), so it follows the model code: the DCGAN's
//! `conv1, bn1, ..., conv4`, the conditional DCGAN's z branch, y branch and body, the MLP's
//! `fc1, fc2, fc3`.
//!
//! The PyTorch layout we export numbers the layers as an `nn.Sequential` of the course's
//! layers does, activations included: ConvT, BN, ReLU, ConvT, ... gives `0`, `1`, `3`, `4`,
//! ... (the ReLUs at 2, 5, 8 hold no parameters). The conditional DCGAN has two input
//! branches, which a single `nn.Sequential` cannot concatenate: its layers go to three
//! sequentials, `z` (the z branch), `y` (the label branch) and `main` (the body after the
//! concatenation), as in the module class `weights/README.md` shows.

use burn::module::{Module, ModuleVisitor, Param};
use burn::prelude::*;

use crate::model::variant::TorchLayout;
use crate::model::{Generator, ModelKind};

/// The PyTorch type of one of our layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerKind {
    /// `nn.ConvTranspose2d` (Burn's `ConvTranspose2d`; both store the weight as
    /// `[in, out, k, k]`).
    ConvTranspose,
    /// `nn.BatchNorm2d` (Burn's `BatchNorm`: `gamma`, `beta` are PyTorch's `weight`, `bias`).
    BatchNorm,
    /// `nn.Linear` (PyTorch stores the weight as `[out, in]`, Burn as `[in, out]`).
    Linear,
}

impl LayerKind {
    /// The PyTorch class name.
    pub fn torch_name(self) -> &'static str {
        match self {
            LayerKind::ConvTranspose => "ConvTranspose2d",
            LayerKind::BatchNorm => "BatchNorm2d",
            LayerKind::Linear => "Linear",
        }
    }

    /// The layer Burn's container type names (`"Struct:BatchNorm"`), if it is one of ours.
    fn from_container(container: &str) -> Option<Self> {
        match container.strip_prefix("Struct:")? {
            "ConvTranspose2d" => Some(LayerKind::ConvTranspose),
            "BatchNorm" => Some(LayerKind::BatchNorm),
            "Linear" => Some(LayerKind::Linear),
            _ => None,
        }
    }

    /// PyTorch's name of Burn's parameter `burn` of this kind of layer.
    fn torch_param(self, burn: &str) -> Option<&'static str> {
        match (self, burn) {
            (_, "weight") => Some("weight"),
            (_, "bias") => Some("bias"),
            (LayerKind::BatchNorm, "gamma") => Some("weight"),
            (LayerKind::BatchNorm, "beta") => Some("bias"),
            (LayerKind::BatchNorm, "running_mean") => Some("running_mean"),
            (LayerKind::BatchNorm, "running_var") => Some("running_var"),
            _ => None,
        }
    }
}

/// One tensor of one of our layers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerParam {
    /// Burn's name within the layer: `weight`, `bias`, `gamma`, `beta`, `running_mean`,
    /// `running_var`.
    pub burn: String,
    /// PyTorch's name within the layer: `weight`, `bias`, `running_mean`, `running_var`.
    pub torch: &'static str,
    /// The shape Burn stores.
    pub burn_shape: Vec<usize>,
    /// The shape PyTorch stores (a Linear's weight is the transpose of Burn's).
    pub torch_shape: Vec<usize>,
}

impl LayerParam {
    /// Whether PyTorch stores this tensor transposed (a Linear layer's weight).
    pub fn transposed(&self) -> bool {
        self.burn_shape.len() == 2 && self.burn == "weight"
    }
}

/// One layer of our generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// Its path in our module, without the `Generator` variant (`"conv1"`, `"dcgan.conv1"`).
    pub path: String,
    /// Its PyTorch type.
    pub kind: LayerKind,
    /// Its tensors, in Burn's order.
    pub params: Vec<LayerParam>,
    /// Its key prefix in the layout we export (`"0"`, `"main.3"`).
    pub torch_key: String,
}

impl Layer {
    /// The layer's input size: channels in (ConvTranspose2d), features in (Linear) or
    /// features (BatchNorm2d).
    pub fn inputs(&self) -> usize {
        let weight = &self.params[0].burn_shape;
        weight[0]
    }

    /// The layer as PyTorch would print it: `ConvTranspose2d weight [100, 128, 4, 4]`.
    pub fn describe(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|p| format!("{} {:?}", p.torch, p.torch_shape))
            .collect();
        format!("{} {}", self.kind.torch_name(), params.join(", "))
    }
}

/// Collects every float tensor with its path (enum variants left out), its layer's type
/// and its shape.
#[derive(Default)]
struct Collector {
    /// (name, container type) of each module entered.
    stack: Vec<(String, String)>,
    /// (layer path, layer type, Burn's parameter name, shape), in visiting order.
    found: Vec<(String, Option<LayerKind>, String, Vec<usize>)>,
}

impl ModuleVisitor for Collector {
    fn enter_module(&mut self, name: &str, container_type: &str) {
        self.stack
            .push((name.to_string(), container_type.to_string()));
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.stack.pop();
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let names: Vec<&str> = self
            .stack
            .iter()
            .filter(|(_, container)| !container.starts_with("Enum:"))
            .map(|(name, _)| name.as_str())
            .collect();
        let Some((param_name, layer)) = names.split_last() else {
            return;
        };
        let kind = self
            .stack
            .last()
            .and_then(|(_, container)| LayerKind::from_container(container));
        self.found.push((
            layer.join("."),
            kind,
            param_name.to_string(),
            param.shape().dims::<D>().to_vec(),
        ));
    }
}

/// `generator`'s layers in the course's order, with their PyTorch names, shapes and keys.
///
/// # Panics
/// If the generator holds a layer other than a transposed convolution, BatchNorm or Linear
/// (none of ours does).
pub fn generator_layers(kind: ModelKind, generator: &Generator) -> Vec<Layer> {
    let mut collector = Collector::default();
    generator.visit(&mut collector);
    let mut layers: Vec<Layer> = Vec::new();
    for (path, layer_kind, burn, burn_shape) in collector.found {
        let layer_kind = layer_kind.unwrap_or_else(|| panic!("{path}: not a course layer"));
        let torch = layer_kind
            .torch_param(&burn)
            .unwrap_or_else(|| panic!("{path}.{burn}: not a course parameter"));
        let mut torch_shape = burn_shape.clone();
        if layer_kind == LayerKind::Linear && burn == "weight" {
            torch_shape.reverse();
        }
        let param = LayerParam {
            burn,
            torch,
            burn_shape,
            torch_shape,
        };
        match layers.last_mut() {
            Some(layer) if layer.path == path => layer.params.push(param),
            _ => layers.push(Layer {
                path,
                kind: layer_kind,
                params: vec![param],
                torch_key: String::new(),
            }),
        }
    }
    number_like_sequentials(&kind.info().torch, &mut layers);
    layers
}

/// Sets each layer's key: the layout's own list, or its index in its `nn.Sequential`,
/// counting the parameterless activation after every layer not followed by a BatchNorm
/// (ReLU, or the final Tanh).
fn number_like_sequentials(layout: &TorchLayout, layers: &mut [Layer]) {
    if !layout.keys.is_empty() {
        assert_eq!(layout.keys.len(), layers.len(), "one key per layer");
        for (layer, key) in layers.iter_mut().zip(layout.keys) {
            layer.torch_key = (*key).to_owned();
        }
        return;
    }
    let groups: Vec<&'static str> = layers
        .iter()
        .map(|l| layout.sequential_of(&l.path))
        .collect();
    let names = layout.branches.iter().map(|(_, name)| *name);
    for group in names.chain([layout.body]) {
        let members: Vec<usize> = (0..layers.len()).filter(|&i| groups[i] == group).collect();
        let mut index = 0;
        for (n, &i) in members.iter().enumerate() {
            layers[i].torch_key = if group.is_empty() {
                index.to_string()
            } else {
                format!("{group}.{index}")
            };
            index += 1;
            let next_is_norm = members
                .get(n + 1)
                .is_some_and(|&j| layers[j].kind == LayerKind::BatchNorm);
            if !next_is_norm {
                index += 1; // the activation
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CdcganConfig, DcganConfig, MlpGanConfig, ModelConfig};

    fn layers(model: ModelConfig) -> Vec<(String, String, String)> {
        let generator = model.init_generator(&Device::flex());
        generator_layers(model.kind(), &generator)
            .into_iter()
            .map(|l| (l.path.clone(), l.torch_key.clone(), l.describe()))
            .collect()
    }

    fn row(path: &str, key: &str, what: &str) -> (String, String, String) {
        (path.into(), key.into(), what.into())
    }

    #[test]
    fn the_dcgan_is_a_sequential_with_relus_at_2_5_8() {
        let model = ModelConfig::Dcgan(DcganConfig {
            nz: 8,
            ngf: 4,
            ..DcganConfig::default()
        });
        let bn = |c: usize| {
            format!("BatchNorm2d weight [{c}], bias [{c}], running_mean [{c}], running_var [{c}]")
        };
        assert_eq!(
            layers(model),
            vec![
                row("conv1", "0", "ConvTranspose2d weight [8, 16, 4, 4]"),
                row("bn1", "1", &bn(16)),
                row("conv2", "3", "ConvTranspose2d weight [16, 8, 4, 4]"),
                row("bn2", "4", &bn(8)),
                row("conv3", "6", "ConvTranspose2d weight [8, 4, 4, 4]"),
                row("bn3", "7", &bn(4)),
                row("conv4", "9", "ConvTranspose2d weight [4, 1, 4, 4]"),
            ]
        );
    }

    #[test]
    fn the_mlp_weights_are_transposed_and_numbered_0_2_4() {
        let model = ModelConfig::Mlp(MlpGanConfig {
            nz: 8,
            hidden: 16,
            ..MlpGanConfig::default()
        });
        assert_eq!(
            layers(model),
            vec![
                row("fc1", "0", "Linear weight [16, 8], bias [16]"),
                row("fc2", "2", "Linear weight [16, 16], bias [16]"),
                row("fc3", "4", "Linear weight [784, 16], bias [784]"),
            ]
        );
    }

    #[test]
    fn the_conditional_dcgan_has_z_y_and_main_sequentials() {
        let model = ModelConfig::Cdcgan(CdcganConfig {
            nz: 8,
            ngf: 4,
            ..CdcganConfig::default()
        });
        let keys: Vec<(String, String)> = layers(model)
            .into_iter()
            .map(|(path, key, _)| (path, key))
            .collect();
        let expected = [
            ("z_conv", "z.0"),
            ("z_bn", "z.1"),
            ("y_conv", "y.0"),
            ("y_bn", "y.1"),
            ("conv2", "main.0"),
            ("bn2", "main.1"),
            ("conv3", "main.3"),
            ("bn3", "main.4"),
            ("conv4", "main.6"),
        ]
        .map(|(p, k)| (p.to_string(), k.to_string()));
        assert_eq!(keys, expected);
    }
}
