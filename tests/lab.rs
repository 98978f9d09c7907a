//! The 2-D lab's runs: seeded runs cover the ring, one-sided steps move one side only,
//! drawn data trains, D's arrows are its gradient, the presets show what they claim, the
//! critic's explicit input gradient (WGAN-GP's) is its true gradient, and the gradient
//! penalty covers the ring.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::prelude::*;
use burn::tensor::{DType, Gradients};
use gan_studio::lab::net::PlaneNet;
use gan_studio::lab::presets::find;
use gan_studio::lab::{
    Activation, LabConfig, LabTrainer, LabView, Lipschitz, NetConfig, PlaneData, Shape,
};
use gan_studio::model::init::{materialize, seeded_init};
use gan_studio::rng::SplitMix64;
use gan_studio::train::penalty::{PAPER_WEIGHT, gradient_penalty};
use gan_studio::train::{GanLoss, StepMode};

fn run(config: LabConfig, drawn: &[f32]) -> LabTrainer {
    let data = PlaneData::new(config.data, drawn).unwrap();
    LabTrainer::new(config, data, &Device::flex()).unwrap()
}

fn train(run: &mut LabTrainer, steps: usize, mode: StepMode) -> LabView {
    for _ in 0..steps {
        run.train_step(mode);
    }
    run.view().read().unwrap()
}

fn max_change(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[test]
fn a_seeded_ring_run_covers_the_modes() {
    let mut lab = run(LabConfig::default(), &[]);
    let start = train(&mut lab, 0, StepMode::Both);
    assert_eq!(start.modes, Some((0, 8)));
    let view = train(&mut lab, 1500, StepMode::Both);
    let (covered, of) = view.modes.unwrap();
    assert!(covered >= 6, "{covered} of {of} modes after 1,500 steps");
    assert!(view.js < start.js * 0.6, "JS {} → {}", start.js, view.js);
    assert_eq!(view.step, 1500);
}

#[test]
fn one_sided_steps_move_one_side_only() {
    let mut lab = run(LabConfig::default(), &[]);
    let before = train(&mut lab, 0, StepMode::Both);
    let after_d = train(&mut lab, 5, StepMode::DiscriminatorOnly);
    assert_eq!(after_d.fake, before.fake, "a D step moved G's points");
    assert_eq!(after_d.manifold, before.manifold);
    assert!(
        max_change(&after_d.heatmap, &before.heatmap) > 1e-3,
        "D did not change"
    );
    let after_g = train(&mut lab, 5, StepMode::GeneratorOnly);
    assert_eq!(after_g.heatmap, after_d.heatmap, "a G step changed D");
    assert!(
        max_change(&after_g.fake, &after_d.fake) > 1e-3,
        "G's points did not move"
    );
    assert_eq!(after_g.step, 10);
}

#[test]
fn drawn_data_trains() {
    // two clusters of drawn points, upper left and lower right
    let drawn = [
        -0.5, 0.5, -0.45, 0.55, -0.55, 0.45, 0.5, -0.5, 0.55, -0.45, 0.45, -0.55,
    ];
    let config = LabConfig {
        data: Shape::Drawn,
        ..LabConfig::default()
    };
    let mut lab = run(config, &drawn);
    assert!(
        lab.real_points()
            .chunks_exact(2)
            .all(|p| (p[0] * p[1]) < 0.0)
    );
    let start = train(&mut lab, 0, StepMode::Both);
    let view = train(&mut lab, 1000, StepMode::Both);
    assert!(view.js < start.js * 0.7, "JS {} → {}", start.js, view.js);
    let near = view
        .fake
        .chunks_exact(2)
        .filter(|p| (p[0].abs() - 0.5).abs() < 0.2 && (p[1].abs() - 0.5).abs() < 0.2)
        .count();
    assert!(
        near > view.fake.len() / 4,
        "{near} points near the clusters"
    );
}

#[test]
fn arrows_are_ds_push_on_each_point() {
    // With the non-saturating loss the arrow is ∇x log σ(D(x)): a step along it raises D's
    // output there. Checked against the heatmap's cells: the arrow points uphill.
    let mut lab = run(LabConfig::default(), &[]);
    let view = train(&mut lab, 200, StepMode::Both);
    assert!(view.arrows.iter().all(|v| v.is_finite()));
    let side = (view.heatmap.len() as f64).sqrt() as usize;
    let at = |x: f32, y: f32| {
        let col = (((x + 1.0) / 2.0 * side as f32) as usize).min(side - 1);
        let row = (((1.0 - y) / 2.0 * side as f32) as usize).min(side - 1);
        view.heatmap[row * side + col]
    };
    let (mut uphill, mut counted) = (0, 0);
    for (point, arrow) in view.fake.chunks_exact(2).zip(view.arrows.chunks_exact(2)) {
        let length = arrow[0].hypot(arrow[1]);
        if length < 1e-3 || point.iter().any(|v| v.abs() > 0.8) {
            continue;
        }
        let step = 0.1 / length;
        let (x, y) = (point[0] + arrow[0] * step, point[1] + arrow[1] * step);
        counted += 1;
        if at(x, y) >= at(point[0], point[1]) {
            uphill += 1;
        }
    }
    assert!(counted > 50, "{counted} arrows to check");
    assert!(
        uphill * 10 >= counted * 8,
        "{uphill} of {counted} arrows point uphill"
    );
}

#[test]
fn the_heatmap_is_a_probability_only_for_the_bce_losses() {
    for loss in gan_studio::lab::losses() {
        let mut lab = run(
            LabConfig {
                loss,
                ..LabConfig::default()
            },
            &[],
        );
        let view = train(&mut lab, 20, StepMode::Both);
        let (lo, hi) = view.heatmap_range;
        if loss.output_is_probability() {
            assert_eq!((lo, hi), (0.0, 1.0));
            assert!(view.heatmap.iter().all(|v| (0.0..=1.0).contains(v)));
        } else {
            assert!(
                view.heatmap.iter().all(|v| (lo..=hi).contains(v)),
                "{loss:?}"
            );
            assert!(hi > lo, "{loss:?}");
        }
    }
}

#[test]
fn one_dimensional_noise_draws_a_curve() {
    let config = LabConfig {
        noise_dim: 1,
        data: Shape::Line,
        ..LabConfig::default()
    };
    let view = train(&mut run(config, &[]), 10, StepMode::Both);
    assert_eq!(view.manifold_rows, 1);
    assert_eq!(view.manifold.len(), 2 * view.manifold_cols);
    assert_eq!(view.modes, None);
}

#[test]
fn wgan_clipping_keeps_the_critic_small() {
    let config = LabConfig {
        loss: GanLoss::WganClip,
        ..LabConfig::default()
    };
    let view = train(&mut run(config, &[]), 50, StepMode::Both);
    // weights within ±0.01 and 64-unit layers: a score of at most a few hundredths
    let (lo, hi) = view.heatmap_range;
    assert!(lo.abs() < 0.1 && hi.abs() < 0.1, "critic scores {lo}..{hi}");
}

#[test]
fn the_gradient_penalty_covers_the_ring_where_clipping_does_not() {
    // one seed, the same batches and z: the clipped critic's G covered 0 of 8 modes at step
    // 1,000 (JS 0.41), the penalised one's all 8 (JS 0.23)
    let compare = find("wgan-clip-vs-gp").unwrap();
    assert_eq!(compare.panes[0].clip(), Some(gan_studio::lab::WGAN_CLIP));
    assert_eq!(compare.panes[1].lipschitz, Lipschitz::GradientPenalty);
    assert_eq!(compare.panes[1].gradient_penalty(), Some(0.1));
    let mut views = Vec::new();
    for pane in &compare.panes {
        let mut lab = run(pane.clone(), &[]);
        let start = train(&mut lab, 0, StepMode::Both);
        views.push((start.js, train(&mut lab, 1000, StepMode::Both)));
    }
    let (clipped, _) = views[0].1.modes.unwrap();
    let (start_js, penalised) = &views[1];
    let (covered, of) = penalised.modes.unwrap();
    assert!(covered >= 6, "{covered} of {of} modes after 1,000 steps");
    assert!(
        penalised.js < start_js * 0.6,
        "JS {start_js} → {}",
        penalised.js
    );
    assert!(
        clipped + 3 <= covered && penalised.js < views[0].1.js - 0.1,
        "clipping covered {clipped} modes (JS {}), the penalty {covered} (JS {})",
        views[0].1.js,
        penalised.js
    );
}

#[test]
fn the_presets_show_what_they_claim() {
    // saturating vs non-saturating, one seed: the saturating G stalls, the other learns
    let compare = find("saturating-vs-non-saturating").unwrap();
    let views: Vec<LabView> = compare
        .panes
        .iter()
        .map(|pane| train(&mut run(pane.clone(), &[]), 800, StepMode::Both))
        .collect();
    assert!(views[0].js > 0.55, "saturating JS {}", views[0].js);
    assert!(
        views[1].js < views[0].js - 0.1,
        "non-saturating JS {}",
        views[1].js
    );
    // mode collapse: never more than two of the eight modes at a time
    let collapse = find("mode-collapse").unwrap();
    let mut lab = run(collapse.panes[0].clone(), &[]);
    for _ in 0..4 {
        let (covered, _) = train(&mut lab, 500, StepMode::Both).modes.unwrap();
        assert!(
            covered <= 2,
            "mode collapse covers {covered} modes at step {}",
            lab.step()
        );
    }
}

/// A discriminator of `activation` (3 hidden layers of 16) drawn from `seed`, and `count`
/// points uniform in the plane, on the autodiff CPU device.
fn critic_and_points(activation: Activation, seed: u64, count: usize) -> (PlaneNet, Vec<f64>) {
    let device = Device::flex().autodiff();
    let config = NetConfig {
        layers: 3,
        units: 16,
        activation,
    };
    let net = seeded_init(&device, seed, || {
        let net = config.init(2, 1, &device);
        materialize(&net);
        net
    });
    let mut rng = SplitMix64::new(seed + 1);
    let points = (0..2 * count).map(|_| 2.0 * rng.next_f64() - 1.0).collect();
    (net, points)
}

fn values<const D: usize>(tensor: Tensor<D>) -> Vec<f64> {
    tensor
        .into_data()
        .convert::<f64>()
        .try_to_vec::<f64>()
        .expect("float data")
}

#[test]
fn the_critic_s_explicit_input_gradient_is_autodiffs() {
    let device = Device::flex().autodiff();
    for (i, &activation) in Activation::ALL.iter().enumerate() {
        let (net, points) = critic_and_points(activation, 30 + i as u64, 64);
        let x = Tensor::<2>::from_data(TensorData::new(points, [64, 2]), (&device, DType::F32));
        let explicit = values(net.input_gradient(x.clone(), activation)); // [64, 2]
        let x = x.require_grad();
        let grads = net.forward(x.clone(), activation).sum().backward();
        let autodiff = values(x.grad(&grads).expect("x is tracked")); // [64, 2]
        let difference = explicit
            .iter()
            .zip(&autodiff)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        let largest = autodiff.iter().map(|g| g.abs()).fold(0.0, f64::max);
        println!(
            "{activation:?}: max |explicit − autodiff| {difference:.3e}, max |∇x D| {largest:.3e}"
        );
        assert!(
            largest > 1e-3,
            "{activation:?}: a vanishing gradient checks nothing"
        );
        assert!(
            difference <= 1e-5,
            "{activation:?}: differ by {difference:e}"
        );
    }
}

/// Every parameter's direction: values N(0, 1) from a stream per parameter (in visiting
/// order), so a mapper and a visitor see the same one.
fn direction(index: usize, count: usize) -> Vec<f64> {
    let mut rng = SplitMix64::new(1000 + index as u64);
    (0..count).map(|_| rng.next_normal()).collect()
}

/// Moves every parameter by `step`·direction, as f64 leaves (tracked on an autodiff device).
struct Shift {
    step: f64,
    seen: usize,
}

impl ModuleMapper for Shift {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (index, step) = (self.seen, self.step);
        self.seen += 1;
        param.map(|tensor| {
            let (shape, device) = (tensor.dims(), tensor.device());
            let moved: Vec<f64> = values(tensor)
                .iter()
                .zip(direction(index, shape.iter().product()))
                .map(|(v, d)| v + step * d)
                .collect();
            let moved = Tensor::from_data(TensorData::new(moved, shape), (&device, DType::F64));
            if device.is_autodiff() {
                moved.require_grad()
            } else {
                moved
            }
        })
    }
}

/// Σ gradient·direction over every parameter.
struct Along<'a> {
    grads: &'a Gradients,
    seen: usize,
    total: f64,
}

impl ModuleVisitor for Along<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val();
        let count = value.shape().num_elements();
        let direction = direction(self.seen, count);
        self.seen += 1;
        if let Some(gradient) = value.grad(self.grads) {
            self.total += values(gradient)
                .iter()
                .zip(direction)
                .map(|(g, d)| g * d)
                .sum::<f64>();
        }
    }
}

#[test]
fn the_lab_penalty_s_gradient_is_its_directional_derivative() {
    // in f64: the penalty along a random direction of all the weights and biases at once,
    // by central differences, against autodiff's gradient dotted with that direction (for
    // tanh this includes the derivative of 1 − tanh², the second-order term)
    let device = Device::flex().autodiff();
    for (i, &activation) in Activation::ALL.iter().enumerate() {
        let (net, points) = critic_and_points(activation, 40 + i as u64, 32);
        let net = net.map(&mut Shift { step: 0.0, seen: 0 }); // to f64
        let x = |device: &Device| {
            Tensor::<2>::from_data(
                TensorData::new(points.clone(), [32, 2]),
                (device, DType::F64),
            )
        };
        let penalty = |net: &PlaneNet, device: &Device| {
            gradient_penalty(net.input_gradient(x(device), activation), PAPER_WEIGHT)
        };
        let grads = penalty(&net, &device).backward();
        let mut along = Along {
            grads: &grads,
            seen: 0,
            total: 0.0,
        };
        net.visit(&mut along);
        let plain = net.valid();
        let h = 1e-6;
        let at = |step| {
            values(penalty(
                &plain.clone().map(&mut Shift { step, seen: 0 }),
                &device.clone().inner(),
            ))[0]
        };
        let fd = (at(h) - at(-h)) / (2.0 * h);
        let relative = (fd - along.total).abs() / along.total.abs();
        println!(
            "{activation:?}: directional derivative {:.6e}, finite difference {fd:.6e}, relative {relative:.2e}",
            along.total
        );
        assert!(relative < 1e-5, "{activation:?}: {} vs {fd}", along.total);
    }
}
