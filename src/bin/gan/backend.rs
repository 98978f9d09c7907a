//! The compute backends `--backend` chooses from, and the device of each.

use anyhow::{Result, bail};
use burn::prelude::Device;
use clap::{Args, ValueEnum};

/// Compute backends this build can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// burn-flex: pure-Rust CPU kernels with SIMD and threads (the default).
    Flex,
    /// burn-ndarray: the older pure-Rust CPU backend (needs `--features ndarray`).
    Ndarray,
    /// burn-cpu: CubeCL kernels compiled through LLVM (needs `--features cpu`).
    Cpu,
    /// LibTorch on the CPU (needs `--features tch` and PyTorch's library).
    Tch,
    /// burn-wgpu on Vulkan (a GPU, or lavapipe on the CPU; needs `--features vulkan`).
    Vulkan,
    /// burn-wgpu with the page's WGSL kernels, on Vulkan (needs `--features wgpu`, without
    /// `vulkan`); prints the adapter it runs on.
    Wgpu,
}

/// The `--backend` flag of the commands that compute on a chosen backend.
#[derive(Args, Clone, Copy)]
pub struct BackendArg {
    /// Compute backend.
    #[arg(long, value_enum, default_value = "flex")]
    pub backend: Backend,
}

impl BackendArg {
    /// The device of the chosen backend, or an error saying how to build one this build lacks.
    pub fn device(self) -> Result<Device> {
        device_for(self.backend)
    }
}

/// The device of `backend`, or an error saying which feature to rebuild with.
#[allow(deprecated)] // ndarray and tch are deprecated in Burn 0.22 but still measured here
fn device_for(backend: Backend) -> Result<Device> {
    let missing = |feature: &str| -> Result<Device> {
        bail!(
            "this build has no {feature} backend: rebuild with `cargo build --release --features {feature}`"
        )
    };
    match backend {
        Backend::Flex => Ok(Device::flex()),
        #[cfg(feature = "ndarray")]
        Backend::Ndarray => Ok(Device::ndarray()),
        #[cfg(not(feature = "ndarray"))]
        Backend::Ndarray => missing("ndarray"),
        #[cfg(feature = "cpu")]
        Backend::Cpu => Ok(Device::cpu()),
        #[cfg(not(feature = "cpu"))]
        Backend::Cpu => missing("cpu"),
        #[cfg(feature = "tch")]
        Backend::Tch => Ok(Device::libtorch()),
        #[cfg(not(feature = "tch"))]
        Backend::Tch => missing("tch"),
        #[cfg(feature = "vulkan")]
        Backend::Vulkan => Ok(Device::vulkan(burn::tensor::DeviceKind::DefaultDevice)),
        #[cfg(not(feature = "vulkan"))]
        Backend::Vulkan => missing("vulkan"),
        #[cfg(all(feature = "wgpu", not(feature = "vulkan")))]
        Backend::Wgpu => wgsl_on_vulkan(),
        #[cfg(all(feature = "wgpu", feature = "vulkan"))]
        Backend::Wgpu => bail!(
            "this build has the vulkan feature, which compiles every Vulkan kernel to SPIR-V: build with `--features wgpu` alone for the WGSL kernels"
        ),
        #[cfg(not(feature = "wgpu"))]
        Backend::Wgpu => missing("wgpu"),
    }
}

/// A wgpu device pinned to Vulkan; without the `vulkan` feature its kernels are WGSL. Prints
/// the adapter on stderr, so that a run shows which GPU (or CPU driver) it measured.
#[cfg(all(feature = "wgpu", not(feature = "vulkan")))]
fn wgsl_on_vulkan() -> Result<Device> {
    use burn::tensor::wgpu::WgpuBackend;
    let (device, setup) = Device::wgpu_options()
        .graphics_api(WgpuBackend::Vulkan)
        .init_with_setup()
        .map_err(|e| anyhow::anyhow!("no wgpu device on Vulkan: {e}"))?;
    let info = setup.adapter.get_info();
    eprintln!(
        "wgpu: {} ({:?}, {:?}, driver {} {}), WGSL kernels",
        info.name, info.device_type, info.backend, info.driver, info.driver_info
    );
    Ok(device)
}
