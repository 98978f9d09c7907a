//! The 2-D lab in the page: a [`Lab`] wraps one [`LabTrainer`] on the CPU (Burn's flex:
//! the lab's networks are too small for a GPU to pay for its dispatches) and hands the page
//! one [`LabFrame`] per animation frame: the steps it trained and everything to draw.

use std::cell::RefCell;
use std::rc::Rc;

use burn::prelude::Device;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::js_error;
use super::trainer::parse_mode;
use crate::lab::{LabConfig, LabTrainer, LabView, PlaneData, options_json};
use crate::train::read_steps_async;

/// The most steps one `frame` call may train: bounds the work behind one await.
const MAX_STEPS_PER_FRAME: u32 = 200;

/// Everything the page's lab form needs (defaults, menus, ranges, presets), as JSON.
#[wasm_bindgen(js_name = labOptions)]
pub fn lab_options() -> String {
    options_json().to_string()
}

/// A lab run in the page.
#[wasm_bindgen]
pub struct Lab {
    run: Rc<RefCell<LabTrainer>>,
}

#[wasm_bindgen]
impl Lab {
    /// A fresh run of `settings` (a lab config, JSON) on the CPU; `drawn` holds x, y pairs
    /// in [-1, 1]², the real points of the "draw your own" data. Bad settings throw an error
    /// naming the setting.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: &str, drawn: Vec<f32>) -> Result<Lab, JsValue> {
        let config: LabConfig =
            serde_json::from_str(settings).map_err(|e| js_error(format!("lab settings: {e}")))?;
        let data = PlaneData::new(config.data, &drawn).map_err(js_error)?;
        let run = LabTrainer::new(config, data, &Device::flex()).map_err(js_error)?;
        Ok(Lab {
            run: Rc::new(RefCell::new(run)),
        })
    }

    /// The settings in use, JSON.
    pub fn settings(&self) -> String {
        serde_json::to_string(self.run.borrow().config()).expect("the config serialises")
    }

    /// Steps taken so far.
    #[wasm_bindgen(getter)]
    pub fn step(&self) -> f64 {
        self.run.borrow().step() as f64
    }

    /// The real points drawn on the plane, x, y pairs.
    #[wasm_bindgen(js_name = realPoints)]
    pub fn real_points(&self) -> Vec<f32> {
        self.run.borrow().real_points().to_vec()
    }

    /// Trains `steps` steps (0: none; at most 200) of `mode` (`"both"`, `"d"` or `"g"`),
    /// then resolves to a [`LabFrame`] of the run as it then stands.
    pub fn frame(&self, steps: u32, mode: &str) -> Result<Promise, JsValue> {
        let mode = parse_mode(mode)?;
        if steps > MAX_STEPS_PER_FRAME {
            return Err(js_error(format!(
                "a frame trains at most {MAX_STEPS_PER_FRAME} steps, not {steps}"
            )));
        }
        let (losses, view) = {
            let mut run = self.run.borrow_mut();
            let losses: Vec<_> = (0..steps).map(|_| run.train_step(mode)).collect();
            (losses, run.view())
        };
        Ok(future_to_promise(async move {
            let figures = read_steps_async(losses).await.map_err(js_error)?;
            let view = view.read_async().await.map_err(js_error)?;
            let losses = figures
                .iter()
                .flat_map(|f| [f.loss_d, f.loss_g, f.d_real, f.d_fake])
                .collect();
            Ok(LabFrame { losses, view }.into())
        }))
    }
}

/// One frame of the lab: the figures of the steps just trained and the views to draw (all
/// coordinates in the plane [-1, 1]², x to the right, y up).
#[wasm_bindgen]
pub struct LabFrame {
    losses: Vec<f32>,
    view: LabView,
}

#[wasm_bindgen]
impl LabFrame {
    /// Steps taken so far.
    #[wasm_bindgen(getter)]
    pub fn step(&self) -> f64 {
        self.view.step as f64
    }

    /// Four figures per step trained: loss D, loss G, mean D(x), mean D(G(z)) (NaN where that
    /// network was not updated).
    #[wasm_bindgen(getter)]
    pub fn losses(&self) -> Vec<f32> {
        self.losses.clone()
    }

    /// Generated points of the fixed display z, x, y pairs.
    #[wasm_bindgen(getter)]
    pub fn fake(&self) -> Vec<f32> {
        self.view.fake.clone()
    }

    /// D's output over the plane, `heatmapRes`² cells, row-major, row 0 at the top (y = 1).
    #[wasm_bindgen(getter)]
    pub fn heatmap(&self) -> Vec<f32> {
        self.view.heatmap.clone()
    }

    /// Cells per side of the heatmap.
    #[wasm_bindgen(getter, js_name = heatmapRes)]
    pub fn heatmap_res(&self) -> u32 {
        crate::lab::trainer::HEATMAP_SIDE as u32
    }

    /// The low end of the heatmap's colour range (0 for probabilities).
    #[wasm_bindgen(getter, js_name = heatmapLo)]
    pub fn heatmap_lo(&self) -> f32 {
        self.view.heatmap_range.0
    }

    /// The high end of the heatmap's colour range (1 for probabilities).
    #[wasm_bindgen(getter, js_name = heatmapHi)]
    pub fn heatmap_hi(&self) -> f32 {
        self.view.heatmap_range.1
    }

    /// G on a regular grid of z, x, y pairs, row-major `[manifoldRows, manifoldCols]`.
    #[wasm_bindgen(getter)]
    pub fn manifold(&self) -> Vec<f32> {
        self.view.manifold.clone()
    }

    /// Rows of the manifold's grid (1 for 1-D noise).
    #[wasm_bindgen(getter, js_name = manifoldRows)]
    pub fn manifold_rows(&self) -> u32 {
        self.view.manifold_rows as u32
    }

    /// Columns of the manifold's grid.
    #[wasm_bindgen(getter, js_name = manifoldCols)]
    pub fn manifold_cols(&self) -> u32 {
        self.view.manifold_cols as u32
    }

    /// D's push on the first generated points (−∇x of G's loss), x, y pairs.
    #[wasm_bindgen(getter)]
    pub fn arrows(&self) -> Vec<f32> {
        self.view.arrows.clone()
    }

    /// KL(real ‖ generated) on a 20x20 grid, in nats.
    #[wasm_bindgen(getter)]
    pub fn kl(&self) -> f64 {
        self.view.kl
    }

    /// JS(real, generated) on a 20x20 grid, in nats.
    #[wasm_bindgen(getter)]
    pub fn js(&self) -> f64 {
        self.view.js
    }

    /// Modes the generated points cover (-1 when the data is not a mixture).
    #[wasm_bindgen(getter, js_name = modesCovered)]
    pub fn modes_covered(&self) -> i32 {
        self.view.modes.map_or(-1, |(covered, _)| covered as i32)
    }

    /// The mixture's modes (0 when the data is not a mixture).
    #[wasm_bindgen(getter, js_name = modeCount)]
    pub fn mode_count(&self) -> u32 {
        self.view.modes.map_or(0, |(_, count)| count as u32)
    }
}
