//! A PyTorch state dict (`torch.save(G.state_dict(), path)`) read into f32 tensors in the
//! file's order: Burn's reader hands them over unordered, and the order is PyTorch's module
//! registration order, which [`super::pytorch`] maps by.

use std::collections::{HashMap, HashSet};

use burn::tensor::{DType, TensorData};
use burn_store::pytorch_reader::{self, PytorchReader};

use super::pytorch::ImportError;

/// One tensor of a state dict, as f32.
#[derive(Debug, Clone, PartialEq)]
pub struct StateTensor {
    /// Its key in the state dict (`"main.0.weight"`).
    pub name: String,
    /// Its shape, as PyTorch stores it.
    pub shape: Vec<usize>,
    /// Its values, row-major.
    pub values: Vec<f32>,
}

impl StateTensor {
    /// `name [d0, d1, ...]`.
    pub(crate) fn describe(&self) -> String {
        format!("{} {:?}", self.name, self.shape)
    }

    /// The part of the name after the module's prefix (`weight`, `running_mean`).
    pub(crate) fn param(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(&self.name)
    }

    /// The module's prefix (`main.0`; empty for a top-level tensor).
    pub(crate) fn prefix(&self) -> &str {
        self.name.rsplit_once('.').map_or("", |(prefix, _)| prefix)
    }
}

/// How a state dict's tensors were put in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TensorOrder {
    /// The file's own order (PyTorch's module registration order).
    File,
    /// By name, numbers compared as numbers (`main.2` before `main.10`): the names could not
    /// all be found in the file's pickle (a compressed archive, say).
    ByName,
}

/// A state dict's tensors in order, `num_batches_tracked` left out.
#[derive(Debug, Clone, PartialEq)]
pub struct StateDict {
    /// The tensors, in `order`.
    pub tensors: Vec<StateTensor>,
    /// The names left out (BatchNorm's `num_batches_tracked`).
    pub ignored: Vec<String>,
    /// How `tensors` were put in order.
    pub order: TensorOrder,
}

impl StateDict {
    /// The tensors of a state dict, already in its order (`num_batches_tracked` is dropped).
    pub fn new(tensors: Vec<StateTensor>) -> Self {
        let (ignored, tensors): (Vec<_>, Vec<_>) = tensors
            .into_iter()
            .partition(|t| t.param() == "num_batches_tracked");
        Self {
            tensors,
            ignored: ignored.into_iter().map(|t| t.name).collect(),
            order: TensorOrder::File,
        }
    }

    /// The tensors `reader` (Burn's PyTorch reader, opened on a `.pt` file) found, in the
    /// order of `file`, that file's bytes: each name's first appearance as a pickled string.
    /// Burn's reader reads files only, which is why the caller opens it.
    pub fn read(reader: &PytorchReader, file: &[u8]) -> Result<Self, ImportError> {
        let mut names: Vec<&String> = reader.tensors().keys().collect();
        if names.is_empty() {
            return Err(ImportError::Empty);
        }
        let places = pickled_string_places(file, names.iter().map(|n| n.as_str()).collect());
        let order = if places.len() == names.len() {
            names.sort_by_key(|name| places[name.as_str()]);
            TensorOrder::File
        } else {
            names.sort_by_key(|name| natural_key(name));
            TensorOrder::ByName
        };
        let mut tensors = Vec::with_capacity(names.len());
        for name in names {
            let tensor = &reader.tensors()[name];
            let dtype = burn_dtype(tensor.dtype());
            let bytes = tensor
                .read()
                .map_err(|e| ImportError::Read(e.to_string()))?;
            let values = TensorData::from_bytes_vec(bytes, tensor.shape().to_vec(), dtype)
                .try_cast(DType::F32)
                .and_then(|data| data.try_into_vec::<f32>())
                .map_err(|_| ImportError::UnsupportedDtype {
                    name: name.clone(),
                    dtype: format!("{:?}", tensor.dtype()),
                })?;
            tensors.push(StateTensor {
                name: name.clone(),
                shape: tensor.shape().to_vec(),
                values,
            });
        }
        Ok(Self {
            order,
            ..Self::new(tensors)
        })
    }
}

/// Burn's element type for one of the reader's (a bool as a byte).
fn burn_dtype(dtype: pytorch_reader::DType) -> DType {
    use pytorch_reader::DType as T;
    match dtype {
        T::F64 => DType::F64,
        T::F32 => DType::F32,
        T::F16 => DType::F16,
        T::BF16 => DType::BF16,
        T::I64 => DType::I64,
        T::I32 => DType::I32,
        T::I16 => DType::I16,
        T::I8 => DType::I8,
        T::U64 => DType::U64,
        T::U32 => DType::U32,
        T::U16 => DType::U16,
        T::U8 | T::Bool => DType::U8,
    }
}

/// Where each of `names` first appears in `file` as a pickled string (the opcodes
/// `BINUNICODE`, which `torch.save`'s protocol 2 writes, `SHORT_BINUNICODE` and
/// `BINUNICODE8`, each followed by the length and the UTF-8 bytes). A state dict's keys are
/// pickled in its order, before any tensor data, so the scan stops early.
fn pickled_string_places<'a>(file: &[u8], names: HashSet<&'a str>) -> HashMap<&'a str, usize> {
    let mut places = HashMap::new();
    let length = |from: usize, width: usize| -> Option<usize> {
        let bytes = file.get(from..from + width)?;
        let mut value = 0usize;
        for (i, &b) in bytes.iter().enumerate() {
            value |= usize::from(b).checked_shl(8 * i as u32)?;
        }
        Some(value)
    };
    for at in 0..file.len() {
        let (len, start) = match file[at] {
            0x8c => (length(at + 1, 1), at + 2),
            b'X' => (length(at + 1, 4), at + 5),
            0x8d => (length(at + 1, 8), at + 9),
            _ => continue,
        };
        let Some(text) = len
            .and_then(|len| file.get(start..start.checked_add(len)?))
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
        else {
            continue;
        };
        if let Some(&name) = names.get(text) {
            places.entry(name).or_insert(at);
            if places.len() == names.len() {
                break;
            }
        }
    }
    places
}

/// A name split into text and numbers, so that `main.2` sorts before `main.10`.
fn natural_key(name: &str) -> Vec<(String, u64)> {
    name.split('.')
        .map(|part| match part.parse::<u64>() {
            Ok(n) => (String::new(), n),
            Err(_) => (part.to_string(), 0),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pickled_strings_are_found_in_their_order() {
        // BINUNICODE "b.weight", SHORT_BINUNICODE "a.bias", and "a.bias" inside another string.
        let mut file = vec![0u8, 1, 2];
        file.push(b'X');
        file.extend_from_slice(&8u32.to_le_bytes());
        file.extend_from_slice(b"b.weight");
        file.extend_from_slice(&[0x8c, 6]);
        file.extend_from_slice(b"a.bias");
        let places = pickled_string_places(&file, ["a.bias", "b.weight"].into());
        assert_eq!(places["b.weight"], 3);
        assert_eq!(places["a.bias"], 16);
        assert!(pickled_string_places(&file, ["weight"].into()).is_empty());
    }

    #[test]
    fn names_sort_with_numbers_as_numbers() {
        let mut names = vec!["main.10.weight", "main.2.weight", "main.1.bias"];
        names.sort_by_key(|n| natural_key(n));
        assert_eq!(names, ["main.1.bias", "main.2.weight", "main.10.weight"]);
    }
}
