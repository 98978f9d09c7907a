//! Starting a compute device by the name the page gives it.
//!
//! The page measures which device is faster for each job (the explorer's renders, the
//! trainer's steps) and names it here; nothing in this module guesses. A device that cannot
//! start fails with one plain sentence for the page, and the browser's own words go to the
//! console for whoever debugs it.

use burn::prelude::Device;
use wasm_bindgen::JsValue;

use super::js_error;

/// The name of WebGPU (Burn's wgpu runtime on the browser's GPU adapter).
pub const WEBGPU: &str = "webgpu";
/// The name of the CPU (Burn's flex backend, in the wasm module itself).
pub const CPU: &str = "cpu";

/// Starts the device named `name` (`"webgpu"` or `"cpu"`); returns it with its name.
pub async fn start(name: &str) -> Result<(Device, &'static str), JsValue> {
    match name {
        #[cfg(not(target_feature = "atomics"))]
        WEBGPU => match Device::wgpu_options().init_async().await {
            Ok(device) => Ok((device, WEBGPU)),
            Err(e) => {
                web_sys::console::warn_1(&format!("WebGPU did not start: {e}").into());
                Err(js_error(
                    "WebGPU could not start: this browser gave no usable GPU device",
                ))
            }
        },
        #[cfg(target_feature = "atomics")]
        WEBGPU => Err(js_error(
            "the threaded CPU module has no WebGPU: the page's main module runs WebGPU",
        )),
        CPU => Ok((Device::flex(), CPU)),
        other => Err(js_error(format!(
            "the device must be \"webgpu\" or \"cpu\", not \"{other}\""
        ))),
    }
}
