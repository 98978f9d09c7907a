//! The data sets GAN Studio trains on, and how the models read them.
//!
//! Every set is MNIST-shaped: labelled 28x28 grey images of ten classes with a train /
//! held-out split. The shipped ones (MNIST's digits, Fashion-MNIST's clothes) are files in
//! GAN Studio's small binary format ([`format`]); any IDX image/label pair (the format of
//! MNIST's own files, as torchvision and Debian lay them out) converts to it ([`idx`]).
//! [`sets`] names the data sets and their classes.
//!
//! This module is plain Rust (no Burn types): [`MnistSet`] decodes and encodes the format and
//! turns images into `f32` model inputs in [-1, 1] ([`resize`] scales 28x28 to the
//! convolutional models' sizes); [`BatchOrder`] yields seeded, shuffled mini-batches that are
//! the same on every platform ([`batches`]).

pub mod batches;
pub mod format;
pub mod idx;
pub mod resize;
pub mod sets;

pub use batches::{BatchOrder, OrderPosition};
pub use format::{DataError, FORMAT_VERSION, MAGIC, MnistSet};
pub use resize::{resize_28_to_32_with, resize_28_with};

/// Image height in pixels.
pub const ROWS: usize = 28;
/// Image width in pixels.
pub const COLS: usize = 28;
/// Pixels (bytes) per stored image: 28 * 28 = 784.
pub const IMAGE_PIXELS: usize = ROWS * COLS;
/// Side of the resized images fed to the convolutional models.
pub const RESIZED_SIDE: usize = 32;
/// Values per resized image: 32 * 32 = 1024.
pub const RESIZED_PIXELS: usize = RESIZED_SIDE * RESIZED_SIDE;
/// Number of digit classes (labels are 0..=9).
pub const NUM_CLASSES: usize = 10;
