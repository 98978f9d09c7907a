//! Our generators as SafeTensors files that PyTorch loads into the course's layers.
//!
//! Burn's SafeTensors store writes the file: its Burn-to-PyTorch adapter transposes the
//! Linear weights and names BatchNorm's `gamma`/`beta` `weight`/`bias`, and a key remapping
//! puts each layer at its index in an `nn.Sequential` of the course's layers
//! ([`super::layers`]): `0.weight`, `1.weight`, `1.bias`, `1.running_mean`,
//! `1.running_var`, `3.weight`, ... The conditional DCGAN's keys are those of three
//! sequentials, `z.*`, `y.*` and `main.*`. BatchNorm's `num_batches_tracked` is not written:
//! PyTorch's `load_state_dict` fills it in (0) for a state dict without it, strict or not.
//!
//! The file's metadata names the model and its settings (`gan_studio.model`,
//! `gan_studio.nz`, `gan_studio.ngf`, `gan_studio.image_size`, `gan_studio.layout`), so a
//! loader can build the right module.

use burn_store::{BurnToPyTorchAdapter, ModuleSnapshot, SafetensorsStore};
use thiserror::Error;

use super::layers::generator_layers;
use crate::model::{Generator, ModelConfig, ModelKind};

/// Why a generator could not be written as SafeTensors.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("cannot write the SafeTensors file: {0}")]
pub struct ExportError(String);

/// How the exported keys are laid out, as the metadata's `gan_studio.layout` says.
pub fn layout(kind: ModelKind) -> String {
    kind.info().torch.describe()
}

/// `generator` (of `model`) as SafeTensors bytes with the keys of the course's PyTorch layers.
pub fn export_generator(
    model: &ModelConfig,
    generator: &Generator,
) -> Result<Vec<u8>, ExportError> {
    let kind = model.kind();
    let mut store = SafetensorsStore::from_bytes(None)
        .with_to_adapter(BurnToPyTorchAdapter)
        .skip_enum_variants(true)
        .metadata("gan_studio.model", kind.name())
        .metadata("gan_studio.nz", model.nz().to_string())
        .metadata("gan_studio.prior", model.prior().name())
        .metadata("gan_studio.code_size", kind.code_size().to_string())
        .metadata("gan_studio.image_size", model.image_size().to_string())
        .metadata("gan_studio.layout", layout(kind));
    for setting in kind.info().settings {
        let value = model.setting(setting.key).unwrap_or_default();
        store = store.metadata(format!("gan_studio.{}", setting.key), value.to_string());
    }
    for layer in generator_layers(kind, generator) {
        let from = format!("^{}\\.", layer.path.replace('.', "\\."));
        store = store.with_key_remapping(from, format!("{}.", layer.torch_key));
    }
    generator
        .save_into(&mut store)
        .map_err(|e| ExportError(e.to_string()))?;
    store.get_bytes().map_err(|e| ExportError(e.to_string()))
}
