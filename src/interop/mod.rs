//! PyTorch interop: generators from PyTorch state dicts, and generators as SafeTensors files
//! that a plain PyTorch module of the course's layers loads.
//!
//! Both directions share one list: [`layers::generator_layers`], our generator's layers in
//! the course's order, each with its PyTorch type, its parameters' PyTorch names and shapes,
//! and its key in the layout we export (`"0"`, `"1"`, `"3"`, ... of an `nn.Sequential`).
//!
//! - [`pytorch`]: a `torch.save(G.state_dict(), path)` file mapped onto our generator by layer
//!   order and shape, whatever the student named the modules;
//! - [`state_dict`]: the file read into tensors in PyTorch's registration order;
//! - [`safetensors`]: our generator as a SafeTensors file with an `nn.Sequential`'s keys;
//! - [`samples`]: reference samples (z, labels and images another framework drew) and how far
//!   ours are from them.
//!
//! Native only: Burn's PyTorch reader reads files, never bytes in memory, so the page cannot
//! use it (the page should point to `gan import`).

pub mod layers;
pub mod pytorch;
pub mod safetensors;
pub mod samples;
pub mod state_dict;
