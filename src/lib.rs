//! GAN Studio: generative adversarial networks on MNIST that run natively and in the browser.
//!
//! One crate serves the page (wasm, WebGPU), the native CLI (`gan`) and the tests:
//! - [`model`]: the course's GAN family behind one trait, each architecture one file and one
//!   line in its registry's table (the MLP GAN, DCGAN, conditional DCGAN, ACGAN, InfoGAN,
//!   WGAN-GP's critic, BEGAN, CS231N's convolutional GAN);
//! - [`train`]: the GAN losses, penalties and balances, one D + G step and the state of a run;
//! - [`lifecycle`]: a run continued from a checkpoint, and written to one;
//! - [`preset`]: the registry of models the CLI and the page offer, with their defaults;
//! - [`data`]: the shipped MNIST digits (bytes in, batches out);
//! - [`latent`]: seeded z, interpolation, one-hot labels and grid layouts;
//! - [`image`]: grids of pixels and PNG encoding;
//! - [`checkpoint`]: model config + weights to and from bytes, versioned and validated;
//! - [`eval`]: the quality meter: an MNIST classifier that scores generators (Fréchet distance);
//! - [`invert`]: "Find z": the latent vector from which a generator draws a given digit;
//! - [`neighbours`]: the training digits nearest to an image (classifier features, pixels);
//! - [`lab`]: the 2-D lab: a GAN on points in the plane, and the views that show its game;
//! - [`rng`]: the portable seeded generator behind every random draw that must reproduce;
//! - `interop` (native only): generators from PyTorch state dicts, and to SafeTensors files
//!   that PyTorch loads;
//! - `web` (wasm only): the browser API the page's script calls.
//!
//! Nothing here touches files, stdout or the DOM: the CLI (`src/bin`) and the web layer own those.

pub mod checkpoint;
pub mod data;
pub mod eval;
pub mod image;
#[cfg(not(target_arch = "wasm32"))]
pub mod interop;
pub mod invert;
pub mod lab;
pub mod latent;
pub mod lifecycle;
pub mod model;
pub mod neighbours;
pub mod picture;
pub mod preset;
pub mod rng;
pub mod train;
#[cfg(target_arch = "wasm32")]
pub mod web;
