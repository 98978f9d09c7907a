//! Module weights as burnpack bytes, read from the device with asynchronous transfers only,
//! so that writing a checkpoint works in the browser as it does natively.

use burn::module::{Module, ModuleVisitor, Param};
use burn::prelude::*;
use burn::tensor::DType;

use super::CheckpointError;

/// A parameter found while walking a module, not yet read from the device.
struct PendingTensor {
    path: String,
    id: u64,
    shape: Vec<usize>,
    flat: Tensor<1>,
}

/// Collects every float parameter (and running statistic) with its path, as Burn's own
/// record collector does, but leaves the reading to the caller.
#[derive(Default)]
struct PendingCollector {
    path: Vec<String>,
    tensors: Vec<PendingTensor>,
}

impl ModuleVisitor for PendingCollector {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let tensor = param.transform_for_save().val();
        let shape = tensor.dims().to_vec();
        let n = shape.iter().product::<usize>();
        self.tensors.push(PendingTensor {
            path: self.path.join("."),
            id: param.id.val(),
            shape,
            flat: tensor.reshape([n]),
        });
    }
}

/// Burnpack bytes of `module`'s weights, read with asynchronous transfers only, so it works
/// in the browser (where Burn's synchronous `into_record` panics) and natively alike.
/// The bytes load with `ModuleRecord::from_bytes` + `try_load_record`.
pub async fn record_bytes_async<M: Module>(module: &M) -> Result<Vec<u8>, CheckpointError> {
    record_bytes_async_as(module, Precision::F32).await
}

/// How a checkpoint stores its weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// 32-bit floats, as trained.
    F32,
    /// 16-bit floats: half the bytes to download; loading casts them back to f32.
    F16,
}

/// [`record_bytes_async`] with the weights stored at `precision`.
pub async fn record_bytes_async_as<M: Module>(
    module: &M,
    precision: Precision,
) -> Result<Vec<u8>, CheckpointError> {
    let mut collector = PendingCollector::default();
    module.valid().visit(&mut collector);
    let mut packed = Vec::with_capacity(collector.tensors.len());
    for pending in collector.tensors {
        let data = pending
            .flat
            .into_data_async()
            .await
            .map_err(|e| CheckpointError::Read(format!("{}: {e:?}", pending.path)))?;
        let data = match precision {
            Precision::F32 => data,
            Precision::F16 => data.convert_dtype(DType::F16),
        };
        let (bytes, _, dtype) = data.into_parts();
        packed.push(burn_pack::Tensor::new(
            pending.path,
            dtype,
            pending.shape,
            Some(pending.id),
            bytes,
        ));
    }
    let bytes = burn_pack::Writer::new(packed)
        .into_bytes()
        .map_err(|e| CheckpointError::Read(e.to_string()))?;
    Ok(bytes.to_vec())
}

/// Collects the path of every float parameter (and running statistic) of a module, as the
/// record writer names them.
#[derive(Default)]
struct PathCollector {
    path: Vec<String>,
    paths: Vec<String>,
}

impl ModuleVisitor for PathCollector {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn visit_float<const D: usize>(&mut self, _param: &Param<Tensor<D>>) {
        self.paths.push(self.path.join("."));
    }
}

/// A tensor's path without the names of the enum cases it sits in: Burn names an enum's
/// case in the path (`Dcgan.conv1.weight`), and its cases are CamelCase where fields are
/// snake_case, so the fields alone (`conv1.weight`) say which parameter it is.
fn fields_of(path: &str) -> String {
    let fields: Vec<&str> = path
        .split('.')
        .filter(|part| !part.starts_with(|c: char| c.is_ascii_uppercase()))
        .collect();
    fields.join(".")
}

/// `bytes` (a burnpack record) with each tensor renamed to `module`'s path for the same
/// fields, where the two differ only in enum case names: files written before a network
/// moved to another case of an enum (the ACGAN's discriminator was the `Dcgan` case of the
/// old discriminator enum, and is now the `Acgan` case) load into the network they hold.
/// Tensors already named as the module names them, or matching none of its fields, are left
/// as they are (the loader reports those).
pub(crate) fn named_for<M: Module>(module: &M, bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut collector = PathCollector::default();
    module.visit(&mut collector);
    let expected: std::collections::HashMap<String, &String> = collector
        .paths
        .iter()
        .map(|path| (fields_of(path), path))
        .collect();
    let reader = burn_pack::Reader::from_bytes(burn::tensor::Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| e.to_string())?;
    let tensors = reader.into_tensors().map_err(|e| e.to_string())?;
    let mut renamed = false;
    let mut packed = Vec::with_capacity(tensors.len());
    for tensor in tensors {
        let (name, dtype, shape, id, data) = tensor.into_parts().map_err(|e| e.to_string())?;
        let name = match expected.get(&fields_of(&name)) {
            Some(path) if **path != name => {
                renamed = true;
                (*path).clone()
            }
            _ => name,
        };
        packed.push(burn_pack::Tensor::new(name, dtype, shape, id, data));
    }
    if !renamed {
        return Ok(bytes.to_vec());
    }
    let bytes = burn_pack::Writer::new(packed)
        .into_bytes()
        .map_err(|e| e.to_string())?;
    Ok(bytes.to_vec())
}
