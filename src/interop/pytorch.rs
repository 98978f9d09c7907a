//! Generators from PyTorch: a `torch.save(G.state_dict(), path)` file of one of the course's
//! generators, mapped onto ours by layer order and shape, whatever its modules are called.
//!
//! How the mapping works:
//! - The state dict's tensors are taken in the file's order, which is PyTorch's module
//!   registration order (Burn's reader hands them over unordered; [`StateDict::read`] finds
//!   each name's first place in the file's pickle). `num_batches_tracked` is left out.
//! - Tensors sharing a module prefix (`main.0.`, `deconv1_1.`) form a layer: a BatchNorm2d
//!   if it has running statistics, else a ConvTranspose2d (4-D weight) or a Linear (2-D).
//! - The file's convolutions (or linears) are matched to ours in order, and its BatchNorms to
//!   ours in order, so modules registered as `conv1, bn1, conv2, ...` or as all convolutions
//!   then all BatchNorms both map. Every shape is checked; on any mismatch the error lists
//!   the layers expected and the tensors found.
//! - The conditional DCGAN's z branch comes before its label branch in the course (and in
//!   ours). A file that registers the label branch first is recognised when the shapes tell
//!   (its first transposed convolution takes 10 channels and the second does not, i.e.
//!   nz ≠ 10); its first BatchNorm is then taken to be the label branch's too. The body must
//!   concatenate the branches as the course does, z's channels first.
//! - nz and the width (ngf, or the MLP's hidden width) are read from the shapes unless given.

use std::collections::HashMap;
use std::fmt::Write as _;

use burn::module::{Module, ModuleMapper, Param};
use burn::prelude::*;
use thiserror::Error;

use super::layers::{Layer, LayerKind, generator_layers};
pub use super::state_dict::{StateDict, StateTensor, TensorOrder};
use crate::checkpoint::{Checkpoint, CheckpointError, record_bytes_async};
use crate::data::sets::DataSet;
use crate::model::variant::WidthLayer;
use crate::model::{Generator, ModelConfig, ModelKind, Sizes};

/// Why a PyTorch file does not become one of our generators.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ImportError {
    /// Burn's reader could not read the file (not a PyTorch file, damaged, ...).
    #[error("cannot read it as a PyTorch file: {0}")]
    Read(String),
    /// The file holds no tensors.
    #[error("the file holds no tensors (is it a state dict saved with torch.save?)")]
    Empty,
    /// A tensor's element type is not a number.
    #[error("{name}: {dtype} tensors are not weights")]
    UnsupportedDtype {
        /// The tensor's name in the file.
        name: String,
        /// Its element type.
        dtype: String,
    },
    /// The settings read from the file or given make no model.
    #[error("the settings do not make a {model} model: {reason}")]
    Settings {
        /// The model asked for.
        model: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The file's tensors do not fit the model's layers.
    #[error("{}", mismatch_message(.model, .problems, .expected, .found))]
    Mismatch {
        /// The model and its settings ("dcgan (nz 8, ngf 4)").
        model: String,
        /// Each difference.
        problems: Vec<String>,
        /// Our layers, in the course's order, as PyTorch names and shapes them.
        expected: Vec<String>,
        /// The file's tensors, in its order.
        found: Vec<String>,
    },
}

fn mismatch_message(
    model: &str,
    problems: &[String],
    expected: &[String],
    found: &[String],
) -> String {
    let mut text = format!("the file does not fit the {model} generator:");
    for problem in problems {
        let _ = write!(text, "\n  - {problem}");
    }
    text.push_str("\nexpected (the course's layers, in order):");
    for line in expected {
        let _ = write!(text, "\n  {line}");
    }
    text.push_str("\nfound (the file's tensors, in order; num_batches_tracked left out):");
    for line in found {
        let _ = write!(text, "\n  {line}");
    }
    text
}

/// The settings an import may give; those left `None` are read from the file's shapes
/// (nz, ngf) or kept from the preset (ndf, which a generator-only file cannot tell).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSettings {
    /// Latent size.
    pub nz: Option<usize>,
    /// Generator width (the MLP's hidden width).
    pub ngf: Option<usize>,
    /// Discriminator width (recorded in the checkpoint; no discriminator is imported).
    pub ndf: Option<usize>,
}

/// One tensor of the file and where it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    /// Its name in the file.
    pub from: String,
    /// Its shape in the file.
    pub shape: Vec<usize>,
    /// Our parameter it became (`conv1.weight`, `bn1.gamma`).
    pub to: String,
    /// Whether it was transposed on the way (a Linear layer's weight).
    pub transposed: bool,
}

/// A generator made from a PyTorch state dict.
#[derive(Debug)]
pub struct Imported {
    /// The model, with the settings read from the file or given.
    pub model: ModelConfig,
    /// The generator, holding the file's weights and running statistics.
    pub generator: Generator,
    /// Every tensor used, in the file's order, with its destination.
    pub mapping: Vec<Mapped>,
    /// What the mapping had to assume or work out (a branch order, a setting read from the
    /// shapes), one sentence each.
    pub notes: Vec<String>,
}

impl Imported {
    /// A generator-only checkpoint of the imported model (no discriminator, no training
    /// state), as `gan export --generator-only` writes them, of a model that learned
    /// `data_set`.
    pub async fn checkpoint(&self, data_set: &DataSet) -> Result<Checkpoint, CheckpointError> {
        Ok(Checkpoint {
            model: self.model.clone(),
            data_set: data_set.name.to_owned(),
            training: None,
            generator: record_bytes_async(&self.generator).await?,
            discriminator: None,
            optimizers: None,
        })
    }
}

/// The tensors of one of the file's modules.
struct FileLayer<'a> {
    /// `None` when the tensors make no layer we know (a 3-D weight, a lone bias).
    kind: Option<LayerKind>,
    tensors: Vec<&'a StateTensor>,
}

impl FileLayer<'_> {
    fn tensor(&self, param: &str) -> Option<&StateTensor> {
        self.tensors.iter().copied().find(|t| t.param() == param)
    }

    /// Input size: the weight's first extent for a ConvTranspose2d, its second for a Linear.
    fn inputs(&self) -> Option<usize> {
        let weight = self.tensor("weight")?;
        match self.kind? {
            LayerKind::Linear => weight.shape.get(1).copied(),
            _ => weight.shape.first().copied(),
        }
    }

    /// The weight's extent `axis`.
    fn weight_dim(&self, axis: usize) -> Option<usize> {
        self.tensor("weight")?.shape.get(axis).copied()
    }
}

/// The file's tensors grouped by module, in order.
fn file_layers(state: &StateDict) -> Vec<FileLayer<'_>> {
    let mut layers: Vec<(String, Vec<&StateTensor>)> = Vec::new();
    for tensor in &state.tensors {
        match layers.last_mut() {
            Some((prefix, tensors)) if prefix == tensor.prefix() => tensors.push(tensor),
            _ => layers.push((tensor.prefix().to_string(), vec![tensor])),
        }
    }
    layers
        .into_iter()
        .map(|(_, tensors)| {
            let has = |name: &str| tensors.iter().any(|t| t.param() == name);
            let weight_rank = tensors
                .iter()
                .find(|t| t.param() == "weight")
                .map(|t| t.shape.len());
            let kind = if has("running_mean") || has("running_var") {
                Some(LayerKind::BatchNorm)
            } else {
                match weight_rank {
                    Some(4) => Some(LayerKind::ConvTranspose),
                    Some(2) => Some(LayerKind::Linear),
                    _ => None,
                }
            };
            FileLayer { kind, tensors }
        })
        .collect()
}

/// nz and the generator's width the file's shapes say, for a model of kind `kind` (`None`
/// where they say nothing usable: the shape check will then report the file's layers).
fn read_settings(kind: ModelKind, weighted: &[&FileLayer]) -> (Option<usize>, Option<usize>) {
    let info = kind.info();
    let width_layer = match info.torch.width_layer {
        WidthLayer::First => weighted.first(),
        WidthLayer::Last => weighted.last(),
    };
    let width = width_layer.and_then(|l| l.weight_dim(0));
    let nz = if info.torch.branches.is_empty() {
        // z and any code enter the first layer together, z first.
        weighted
            .first()
            .and_then(|l| l.inputs())
            .and_then(|inputs| inputs.checked_sub(kind.code_size()))
            .filter(|&nz| nz > 0)
    } else {
        // z and the code enter branches of their own: z's is the one that does not take the
        // code's width.
        weighted
            .iter()
            .take(2)
            .find(|l| l.inputs() != Some(kind.code_size()))
            .or(weighted.first())
            .and_then(|l| l.inputs())
    };
    (nz, width)
}

/// The model's settings, as the mapping and its errors name them: nz and the generator's
/// width.
fn settings_text(model: &ModelConfig) -> String {
    let width = model.info().width_for(Sizes::Generator);
    let mut text = format!("nz {}", model.nz());
    if let Some(setting) = width {
        let value = model.setting(setting.key).unwrap_or_default();
        text.push_str(&format!(", {} {value}", setting.key));
    }
    text
}

/// Maps the state dict `state` onto a generator of `base` (a preset's model) with `settings`,
/// on `device`. See the module docs for how.
pub fn import_generator(
    base: ModelConfig,
    settings: ImportSettings,
    state: &StateDict,
    device: &Device,
) -> Result<Imported, ImportError> {
    if state.tensors.is_empty() {
        return Err(ImportError::Empty);
    }
    let kind = base.kind();
    let file = file_layers(state);
    let weighted: Vec<&FileLayer> = file
        .iter()
        .filter(|l| matches!(l.kind, Some(LayerKind::ConvTranspose | LayerKind::Linear)))
        .collect();
    let norms: Vec<&FileLayer> = file
        .iter()
        .filter(|l| l.kind == Some(LayerKind::BatchNorm))
        .collect();

    let mut notes = Vec::new();
    if state.order == TensorOrder::ByName {
        notes.push(
            "the file's tensor order could not be read: layers were taken in name order".into(),
        );
    }
    let (file_nz, file_ngf) = read_settings(kind, &weighted);
    let width = kind
        .info()
        .width_for(Sizes::Generator)
        .map_or("width", |setting| setting.key);
    for (name, given, read) in [
        ("nz", settings.nz, file_nz),
        (width, settings.ngf, file_ngf),
    ] {
        if let (None, Some(value)) = (given, read) {
            notes.push(format!("{name} {value}: read from the file's shapes"));
        }
    }
    let bad_settings = |reason: String| ImportError::Settings {
        model: kind.name(),
        reason,
    };
    let mut model = base;
    if let Some(nz) = settings.nz.or(file_nz) {
        model = model.with_setting("nz", nz).map_err(bad_settings)?;
    }
    for (sizes, width) in [
        (Sizes::Generator, settings.ngf.or(file_ngf)),
        (Sizes::Discriminator, settings.ndf),
    ] {
        if let Some(width) = width {
            model = model.with_width(sizes, width).map_err(bad_settings)?;
        }
    }
    model.validate().map_err(bad_settings)?;
    let generator = model.init_generator(device);
    let ours = generator_layers(kind, &generator);
    let our_weighted: Vec<&Layer> = ours
        .iter()
        .filter(|l| l.kind != LayerKind::BatchNorm)
        .collect();
    let our_norms: Vec<&Layer> = ours
        .iter()
        .filter(|l| l.kind == LayerKind::BatchNorm)
        .collect();

    let mut problems = Vec::new();
    for layer in file.iter().filter(|l| l.kind.is_none()) {
        let names: Vec<String> = layer.tensors.iter().map(|t| t.describe()).collect();
        problems.push(format!(
            "{}: not a ConvTranspose2d, BatchNorm2d or Linear layer",
            names.join(", ")
        ));
    }
    if weighted.len() != our_weighted.len() || norms.len() != our_norms.len() {
        problems.push(format!(
            "expected {} weight layers and {} BatchNorm2d, found {} and {}",
            our_weighted.len(),
            our_norms.len(),
            weighted.len(),
            norms.len()
        ));
    }

    // The conditional DCGAN's branches: the course's order is z, then the label.
    let (mut weighted, mut norms) = (weighted, norms);
    let code = kind.code_size();
    let label_first = !kind.info().torch.branches.is_empty()
        && weighted.len() >= 2
        && weighted[0].inputs() == Some(code)
        && weighted[1].inputs() != Some(code);
    if label_first {
        weighted.swap(0, 1);
        if norms.len() >= 2 {
            norms.swap(0, 1);
        }
        notes.push(
            "the file's label branch comes first (its first transposed convolution takes 10 \
             channels): mapped to our y branch, with the file's first BatchNorm2d"
                .into(),
        );
    }

    let mut values: HashMap<String, TensorData> = HashMap::new();
    let mut mapping = Vec::new();
    let pairs = our_weighted
        .iter()
        .zip(&weighted)
        .chain(our_norms.iter().zip(&norms));
    for (our, theirs) in pairs {
        if theirs.kind != Some(our.kind) {
            problems.push(format!(
                "{}: expected a {}, found {}",
                our.path,
                our.kind.torch_name(),
                theirs
                    .tensors
                    .iter()
                    .map(|t| t.describe())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            continue;
        }
        for param in &our.params {
            let Some(tensor) = theirs.tensor(param.torch) else {
                problems.push(format!(
                    "{}.{}: expected {} {:?}, the file's layer ({}) has none",
                    our.path,
                    param.burn,
                    param.torch,
                    param.torch_shape,
                    theirs.tensors[0].prefix()
                ));
                continue;
            };
            if tensor.shape != param.torch_shape {
                problems.push(format!(
                    "{}.{}: expected {} {:?}, found {}",
                    our.path,
                    param.burn,
                    param.torch,
                    param.torch_shape,
                    tensor.describe()
                ));
                continue;
            }
            let data = if param.transposed() {
                transposed(&tensor.values, &tensor.shape)
            } else {
                tensor.values.clone()
            };
            let to = format!("{}.{}", our.path, param.burn);
            values.insert(to.clone(), TensorData::new(data, param.burn_shape.clone()));
            mapping.push(Mapped {
                from: tensor.name.clone(),
                shape: tensor.shape.clone(),
                to,
                transposed: param.transposed(),
            });
        }
        for tensor in &theirs.tensors {
            if !our.params.iter().any(|p| p.torch == tensor.param()) {
                problems.push(format!(
                    "{}: unexpected, {} has no {}",
                    tensor.describe(),
                    our.path,
                    tensor.param()
                ));
            }
        }
    }

    let label = format!("{} ({})", kind.name(), settings_text(&model));
    if !problems.is_empty() {
        return Err(ImportError::Mismatch {
            model: label,
            problems,
            expected: ours
                .iter()
                .map(|l| format!("{:<8} {}", l.path, l.describe()))
                .collect(),
            found: state.tensors.iter().map(StateTensor::describe).collect(),
        });
    }

    let order: HashMap<&str, usize> = state
        .tensors
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    mapping.sort_by_key(|m| order[m.from.as_str()]);
    let generator = generator.map(&mut Assign {
        stack: Vec::new(),
        values,
        device: device.clone(),
    });
    Ok(Imported {
        model,
        generator,
        mapping,
        notes,
    })
}

/// `values` `[rows, cols]` as `[cols, rows]`.
fn transposed(values: &[f32], shape: &[usize]) -> Vec<f32> {
    let (rows, cols) = (shape[0], shape[1]);
    let mut out = vec![0.0; values.len()];
    for r in 0..rows {
        for c in 0..cols {
            out[c * rows + r] = values[r * cols + c];
        }
    }
    out
}

/// Replaces each float tensor of a module by the value stored under its path (enum variants
/// left out of the path, as in [`generator_layers`]).
struct Assign {
    stack: Vec<(String, bool)>,
    values: HashMap<String, TensorData>,
    device: Device,
}

impl ModuleMapper for Assign {
    fn enter_module(&mut self, name: &str, container_type: &str) {
        self.stack
            .push((name.to_string(), container_type.starts_with("Enum:")));
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.stack.pop();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let path: Vec<&str> = self
            .stack
            .iter()
            .filter(|(_, variant)| !variant)
            .map(|(name, _)| name.as_str())
            .collect();
        let data = self
            .values
            .remove(&path.join("."))
            .expect("every parameter was matched before assigning");
        let device = self.device.clone();
        param.map(|_| Tensor::from_data(data, &device))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transposing_swaps_rows_and_columns() {
        assert_eq!(
            transposed(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]),
            [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]
        );
    }
}
