//! PyTorch interop: generators imported from PyTorch state dicts draw what PyTorch drew, and
//! the SafeTensors export has the keys and shapes of the course's PyTorch modules.
//!
//! The fixtures in `tests/fixtures/pytorch/` were made once by
//! `tools/pytorch/make_fixtures.py` (PyTorch is not needed here): four small generators
//! written as students write them, with PyTorch's samples for a fixed z.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use burn::prelude::*;
use burn_store::pytorch_reader::PytorchReader;
use gan_studio::checkpoint::Checkpoint;
use gan_studio::interop::pytorch::{
    ImportError, ImportSettings, StateDict, StateTensor, TensorOrder, import_generator,
};
use gan_studio::interop::safetensors::export_generator;
use gan_studio::interop::samples::ReferenceSamples;
use gan_studio::model::sample::{codes_for, sample};
use gan_studio::model::{CdcganConfig, DcganConfig, MlpGanConfig, ModelConfig, ModelKind, Sizes};
use gan_studio::preset::preset;
use serde_json::Value;

/// Our samples must match PyTorch's this closely.
const TOLERANCE: f32 = 1e-4;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/pytorch/{name}"))
}

fn state_dict(name: &str) -> StateDict {
    let path = fixture(&format!("{name}.pt"));
    let reader = PytorchReader::new(&path).expect("the fixture reads");
    StateDict::read(&reader, &std::fs::read(&path).unwrap()).expect("the fixture's tensors read")
}

fn reference(name: &str) -> ReferenceSamples {
    let text = std::fs::read_to_string(fixture(&format!("{name}.json"))).unwrap();
    ReferenceSamples::from_json(&text).unwrap()
}

fn preset_model(name: &str) -> ModelConfig {
    preset(name).unwrap().model
}

#[test]
fn each_fixture_imports_and_draws_what_pytorch_drew() {
    let device = Device::flex();
    // (fixture, --model, nz, the settings as the mapping names them, a tensor's destination)
    let cases = [
        (
            "dcgan",
            "dcgan",
            "nz 8, ngf 4",
            ("main.3.weight", "conv2.weight"),
        ),
        (
            "cdcgan-half",
            "cdcgan-half",
            "nz 8, ngf 4",
            ("deconv1_2_bn.running_var", "y_bn.running_var"),
        ),
        (
            "cdcgan-label-first",
            "cdcgan",
            "nz 12, ngf 2",
            ("label_branch.0.weight", "y_conv.weight"),
        ),
        (
            "mlp",
            "mlp",
            "nz 8, hidden 16",
            ("to_pixels.weight", "fc3.weight"),
        ),
        // CS231N's own nn.Sequential: ReLU before each BatchNorm1d/2d, an Unflatten.
        (
            "cs231n",
            "cs231n",
            "nz 8, ngf 4",
            ("G.5.running_var", "bn2.running_var"),
        ),
    ];
    for (name, model, settings, (from, to)) in cases {
        let state = state_dict(name);
        assert_eq!(state.order, TensorOrder::File, "{name}");
        let batch_norms = state
            .tensors
            .iter()
            .filter(|t| t.name.ends_with("running_mean"))
            .count();
        assert_eq!(
            state.ignored.len(),
            batch_norms,
            "{name}: one num_batches_tracked per BN"
        );

        let imported = import_generator(
            preset_model(model),
            ImportSettings::default(),
            &state,
            &device,
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            imported
                .notes
                .iter()
                .any(|n| n.contains(settings.split(',').next().unwrap())),
            "{name}: {:?}",
            imported.notes
        );
        assert_eq!(
            imported.mapping.len(),
            state.tensors.len(),
            "{name}: every tensor used"
        );
        assert!(
            imported
                .mapping
                .iter()
                .any(|m| m.from == from && m.to == to),
            "{name}: {from} -> {to} in {:#?}",
            imported.mapping
        );
        let samples = reference(name);
        let diff = samples
            .max_abs_diff(&imported.model, &imported.generator, &device)
            .unwrap();
        assert!(
            diff <= TOLERANCE,
            "{name}: ours differ from PyTorch's by {diff}"
        );

        // Through the checkpoint, as `gan import` writes it and `gan sample` reads it.
        let checkpoint =
            pollster::block_on(imported.checkpoint(&gan_studio::data::sets::MNIST)).unwrap();
        assert!(checkpoint.discriminator.is_none() && checkpoint.training.is_none());
        let checkpoint = Checkpoint::from_bytes(&checkpoint.to_bytes()).unwrap();
        let generator = checkpoint.load_generator(&device).unwrap();
        let diff = samples
            .max_abs_diff(&checkpoint.model, &generator, &device)
            .unwrap();
        assert!(diff <= TOLERANCE, "{name}: from the checkpoint, {diff}");
    }
}

#[test]
fn the_label_branch_first_is_told_apart_by_its_ten_inputs() {
    let imported = import_generator(
        preset_model("cdcgan"),
        ImportSettings::default(),
        &state_dict("cdcgan-label-first"),
        &Device::flex(),
    )
    .unwrap();
    assert!(
        imported
            .notes
            .iter()
            .any(|n| n.contains("label branch comes first"))
    );
    let to = |from: &str| {
        imported
            .mapping
            .iter()
            .find(|m| m.from == from)
            .map(|m| m.to.as_str())
    };
    assert_eq!(to("noise_branch.0.weight"), Some("z_conv.weight"));
    assert_eq!(to("noise_branch.1.running_mean"), Some("z_bn.running_mean"));
    assert_eq!(to("label_branch.1.weight"), Some("y_bn.gamma"));
    assert_eq!(to("body.0.weight"), Some("conv2.weight"));
}

#[test]
fn mismatches_list_the_expected_and_found_shapes() {
    let device = Device::flex();
    let state = state_dict("dcgan");
    let settings = ImportSettings {
        nz: Some(9),
        ..ImportSettings::default()
    };
    match import_generator(preset_model("dcgan"), settings, &state, &device).unwrap_err() {
        ImportError::Mismatch {
            model,
            problems,
            expected,
            found,
        } => {
            assert_eq!(model, "dcgan (nz 9, ngf 4)");
            assert_eq!(
                problems,
                ["conv1.weight: expected weight [9, 16, 4, 4], found main.0.weight [8, 16, 4, 4]"]
            );
            assert_eq!(expected.len(), 7, "{expected:#?}");
            assert!(expected[0].contains("ConvTranspose2d weight [9, 16, 4, 4]"));
            assert_eq!(found.len(), 16, "num_batches_tracked left out");
            assert_eq!(found[0], "main.0.weight [8, 16, 4, 4]");
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }

    // A layer missing: the counts differ.
    let short = StateDict::new(
        state
            .tensors
            .iter()
            .filter(|t| t.name != "main.9.weight")
            .cloned()
            .collect(),
    );
    let error = import_generator(
        preset_model("dcgan"),
        ImportSettings::default(),
        &short,
        &device,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("expected 4 weight layers and 3 BatchNorm2d, found 3 and 3"),
        "{error}"
    );
    assert!(
        error.contains("expected (the course's layers, in order):\n  conv1"),
        "{error}"
    );

    // The wrong architecture.
    let error = import_generator(
        preset_model("mlp"),
        ImportSettings::default(),
        &state,
        &device,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("fc1: expected a Linear, found main.0.weight [8, 16, 4, 4]"),
        "{error}"
    );
}

/// A SafeTensors file's tensors: key -> (shape, f32 values).
type Tensors = BTreeMap<String, (Vec<usize>, Vec<f32>)>;

/// The tensors of a SafeTensors file, and its metadata.
fn read_safetensors(bytes: &[u8]) -> (Tensors, Value) {
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: Value = serde_json::from_slice(&bytes[8..8 + header_len]).unwrap();
    let data = &bytes[8 + header_len..];
    let mut tensors = BTreeMap::new();
    for (key, info) in header.as_object().unwrap() {
        if key == "__metadata__" {
            continue;
        }
        assert_eq!(info["dtype"], "F32", "{key}");
        let shape = info["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_u64().unwrap() as usize)
            .collect();
        let [start, end] = [0, 1].map(|i| info["data_offsets"][i].as_u64().unwrap() as usize);
        let values = data[start..end]
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
            .collect();
        tensors.insert(key.clone(), (shape, values));
    }
    (tensors, header["__metadata__"].clone())
}

fn shapes(tensors: &Tensors) -> Vec<(String, Vec<usize>)> {
    tensors
        .iter()
        .map(|(k, (s, _))| (k.clone(), s.clone()))
        .collect()
}

/// The keys and shapes of a BatchNorm2d of `c` features at `prefix`, as PyTorch names them
/// (without num_batches_tracked).
fn batch_norm(prefix: &str, c: usize) -> Vec<(String, Vec<usize>)> {
    ["weight", "bias", "running_mean", "running_var"]
        .iter()
        .map(|p| (format!("{prefix}.{p}"), vec![c]))
        .collect()
}

fn sorted(mut keys: Vec<(String, Vec<usize>)>) -> Vec<(String, Vec<usize>)> {
    keys.sort();
    keys
}

#[test]
fn the_export_has_the_keys_and_shapes_of_the_sequential() {
    let device = Device::flex();
    // DCGAN, nz 8, ngf 4: nn.Sequential(ConvT, BN, ReLU, ConvT, BN, ReLU, ConvT, BN, ReLU, ConvT, Tanh).
    let model = ModelConfig::Dcgan(DcganConfig {
        nz: 8,
        ngf: 4,
        ..DcganConfig::default()
    });
    let generator = model.init_generator(&device);
    let (tensors, metadata) = read_safetensors(&export_generator(&model, &generator).unwrap());
    let mut expected = vec![("0.weight".to_string(), vec![8, 16, 4, 4])];
    expected.extend(batch_norm("1", 16));
    expected.push(("3.weight".into(), vec![16, 8, 4, 4]));
    expected.extend(batch_norm("4", 8));
    expected.push(("6.weight".into(), vec![8, 4, 4, 4]));
    expected.extend(batch_norm("7", 4));
    expected.push(("9.weight".into(), vec![4, 1, 4, 4]));
    assert_eq!(shapes(&tensors), sorted(expected));
    assert_eq!(metadata["gan_studio.model"], "dcgan");
    assert_eq!(metadata["gan_studio.nz"], "8");
    assert_eq!(metadata["gan_studio.ngf"], "4");
    assert_eq!(metadata["gan_studio.image_size"], "32");
    // BatchNorm's running variance starts at 1 and its gamma near 1 (DCGAN init).
    assert!(tensors["1.running_var"].1.iter().all(|&v| v == 1.0));

    // MLP, nz 8, hidden 16: Linear weights [out, in], the transpose of Burn's.
    let model = ModelConfig::Mlp(MlpGanConfig {
        nz: 8,
        hidden: 16,
        ..MlpGanConfig::default()
    });
    let generator = model.init_generator(&device);
    let (tensors, metadata) = read_safetensors(&export_generator(&model, &generator).unwrap());
    let expected = [
        ("0.weight", vec![16, 8]),
        ("0.bias", vec![16]),
        ("2.weight", vec![16, 16]),
        ("2.bias", vec![16]),
        ("4.weight", vec![784, 16]),
        ("4.bias", vec![784]),
    ]
    .map(|(k, s)| (k.to_string(), s));
    assert_eq!(shapes(&tensors), sorted(expected.to_vec()));
    assert_eq!(metadata["gan_studio.hidden"], "16");
    // Row o of PyTorch's weight is output o: z = e_i gives 0.bias + column i of 0.weight
    // after the first layer; check it on the raw values instead, against Burn's [in, out].
    let burn_weight = burn_linear_weight(&generator, "fc1");
    let torch_weight = &tensors["0.weight"].1;
    for o in 0..16 {
        for i in 0..8 {
            assert_eq!(torch_weight[o * 8 + i], burn_weight[i * 16 + o]);
        }
    }

    // Conditional DCGAN, nz 8, ngf 4: the z, y and main sequentials.
    let model = ModelConfig::Cdcgan(CdcganConfig {
        nz: 8,
        ngf: 4,
        ..CdcganConfig::default()
    });
    let generator = model.init_generator(&device);
    let (tensors, _) = read_safetensors(&export_generator(&model, &generator).unwrap());
    let mut expected = vec![("z.0.weight".to_string(), vec![8, 8, 4, 4])];
    expected.extend(batch_norm("z.1", 8));
    expected.push(("y.0.weight".into(), vec![10, 8, 4, 4]));
    expected.extend(batch_norm("y.1", 8));
    expected.push(("main.0.weight".into(), vec![16, 8, 4, 4]));
    expected.extend(batch_norm("main.1", 8));
    expected.push(("main.3.weight".into(), vec![8, 4, 4, 4]));
    expected.extend(batch_norm("main.4", 4));
    expected.push(("main.6.weight".into(), vec![4, 1, 4, 4]));
    expected.push(("main.6.bias".into(), vec![1]));
    assert_eq!(shapes(&tensors), sorted(expected));
}

/// The MLP generator's Linear weight at `layer`, as Burn stores it (`[in, out]`).
fn burn_linear_weight(generator: &gan_studio::model::Generator, layer: &str) -> Vec<f32> {
    use burn::module::{Module, ModuleVisitor, Param};
    struct Find<'a> {
        path: Vec<String>,
        want: &'a str,
        found: Vec<f32>,
    }
    impl ModuleVisitor for Find<'_> {
        fn enter_module(&mut self, name: &str, _: &str) {
            self.path.push(name.to_string());
        }
        fn exit_module(&mut self, _: &str, _: &str) {
            self.path.pop();
        }
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            if self
                .path
                .ends_with(&[self.want.to_string(), "weight".to_string()])
            {
                self.found = param.val().into_data().try_to_vec().unwrap();
            }
        }
    }
    let mut find = Find {
        path: Vec::new(),
        want: layer,
        found: Vec::new(),
    };
    generator.visit(&mut find);
    find.found
}

/// Exporting, then importing the export's tensors in its modules' order, gives back a
/// generator that draws the same images: for every kind of model.
#[test]
fn export_then_import_draws_the_same_images() {
    let device = Device::flex();
    // Every architecture in the registry, with nz 6 and a generator of width 3.
    let models = ModelKind::ALL.iter().map(|&kind| {
        ModelConfig::default_for(kind)
            .with_setting("nz", 6)
            .and_then(|model| model.with_width(Sizes::Generator, 3))
            .unwrap()
    });
    for model in models {
        let kind = model.kind();
        let generator = model.init_generator(&device);
        let (tensors, _) = read_safetensors(&export_generator(&model, &generator).unwrap());
        // The modules' registration order: z, y, then main (the snippet's class), by index.
        let rank = |key: &str| {
            let mut parts = key.split('.');
            let first = parts.next().unwrap();
            let (group, index) = match first {
                "z" => (0, parts.next().unwrap()),
                "y" => (1, parts.next().unwrap()),
                "main" => (2, parts.next().unwrap()),
                index => (0, index),
            };
            (group, index.parse::<usize>().unwrap())
        };
        let mut keys: Vec<&String> = tensors.keys().collect();
        keys.sort_by_key(|k| rank(k));
        let state = StateDict::new(
            keys.into_iter()
                .map(|k| StateTensor {
                    name: k.clone(),
                    shape: tensors[k].0.clone(),
                    values: tensors[k].1.clone(),
                })
                .collect(),
        );
        let imported = import_generator(model.clone(), ImportSettings::default(), &state, &device)
            .unwrap_or_else(|e| panic!("{}: {e}", kind.name()));
        assert_eq!(
            imported.model,
            model,
            "{}: the settings read back",
            kind.name()
        );

        let count = 4;
        let z: Vec<f32> = (0..count * model.nz())
            .map(|i| (i as f32 * 0.37).sin())
            .collect();
        let digits: Vec<u8> = (0..count as u8).map(|d| d * 3 % 10).collect();
        let codes = codes_for(kind, &digits, None);
        let images: Vec<f32> = sample(&generator, &model, &z, codes.as_deref(), &device)
            .into_data()
            .try_to_vec()
            .unwrap();
        let reference = ReferenceSamples {
            model: kind.name().into(),
            nz: model.nz(),
            count,
            labels: (kind.code_size() > 0).then_some(digits),
            z,
            images,
            source: "our generator before export".into(),
        };
        let diff = reference
            .max_abs_diff(&imported.model, &imported.generator, &device)
            .unwrap();
        assert_eq!(
            diff,
            0.0,
            "{}: the same weights draw the same images",
            kind.name()
        );
    }
}

#[test]
fn the_cli_imports_compares_samples_and_exports() {
    let dir = std::env::temp_dir().join(format!("gan-pytorch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let gan = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_gan"))
            .args(args)
            .output()
            .unwrap()
    };
    let path = |p: &Path| p.to_str().unwrap().to_string();
    let (pt, json) = (fixture("cdcgan-half.pt"), fixture("cdcgan-half.json"));
    let bpk = dir.join("imported.bpk");

    let out = gan(&[
        "import",
        "--pytorch",
        &path(&pt),
        "--model",
        "cdcgan-half",
        "--out",
        &path(&bpk),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("deconv1_1.weight [8, 8, 4, 4]"));
    assert!(
        line.is_some_and(|l| l.ends_with("-> z_conv.weight")),
        "{stdout}"
    );
    assert!(stdout.contains("4 num_batches_tracked ignored"), "{stdout}");

    let out = gan(&[
        "compare",
        "--weights",
        &path(&bpk),
        "--samples",
        &path(&json),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("max |ours - reference|"));

    let png = dir.join("rows.png");
    let out = gan(&[
        "sample",
        "--weights",
        &path(&bpk),
        "--grid",
        "10x2",
        "--label-rows",
        "--out",
        &path(&png),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::metadata(&png).unwrap().len() > 0);

    // The wrong model: exit status 1, the expected and found shapes.
    let out = gan(&[
        "import",
        "--pytorch",
        &path(&pt),
        "--model",
        "dcgan",
        "--out",
        &path(&bpk),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("expected (the course's layers, in order):"),
        "{stderr}"
    );
    assert!(stderr.contains("deconv4.bias [1]"), "{stderr}");

    // Samples of another model than the checkpoint's.
    let out = gan(&[
        "compare",
        "--weights",
        &path(&bpk),
        "--samples",
        &path(&fixture("mlp.json")),
    ]);
    assert_eq!(out.status.code(), Some(1));

    let st = dir.join("G.safetensors");
    let out = gan(&[
        "export",
        "--safetensors",
        "--weights",
        &path(&bpk),
        "--out",
        &path(&st),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (tensors, metadata) = read_safetensors(&std::fs::read(&st).unwrap());
    assert_eq!(tensors["y.0.weight"].0, [10, 8, 4, 4]);
    assert_eq!(metadata["gan_studio.layout"], "z, y and main sequentials");
    let _ = std::fs::remove_dir_all(&dir);
}
