//! Checkpoints: every model round-trips with identical generator output, and bad bytes give
//! errors that name the problem instead of panics.

use burn::prelude::*;
use gan_studio::checkpoint::{
    Checkpoint, CheckpointError, Precision, record_bytes_async, record_bytes_async_as,
};
use gan_studio::latent;
use gan_studio::model::init::{materialize, seeded_init};
use gan_studio::model::sample::{codes_for, sample};
use gan_studio::model::{
    AcganConfig, CdcganConfig, DcganConfig, DiscriminatorNorm, InfoganConfig, InfoganPaperConfig,
    MlpGanConfig, ModelConfig, ModelKind,
};
use gan_studio::preset::{preset_of_run, presets};
use pollster::block_on;

fn device() -> Device {
    Device::flex()
}

fn checkpoint_of(config: &ModelConfig, seed: u64) -> (Checkpoint, Vec<f32>) {
    let device = device();
    // Under the seeded-init lock: the device RNG is process-wide, and the other tests in this
    // file draw from it on their own threads.
    let (generator, discriminator) = seeded_init(&device, seed, || {
        let generator = config.init_generator(&device);
        let discriminator = config.init_discriminator(&device);
        materialize(&generator);
        materialize(&discriminator);
        (generator, discriminator)
    });
    let output = outputs(&generator, config);
    let checkpoint = Checkpoint {
        model: config.clone(),
        data_set: "mnist".into(),
        training: None,
        generator: block_on(record_bytes_async(&generator)).unwrap(),
        discriminator: Some(block_on(record_bytes_async(&discriminator)).unwrap()),
        optimizers: None,
    };
    (checkpoint, output)
}

fn outputs(generator: &gan_studio::model::Generator, config: &ModelConfig) -> Vec<f32> {
    let n = 4;
    let z = latent::sample_z(11, n, config.nz());
    let codes = codes_for(
        config.kind(),
        &[1, 3, 5, 7],
        Some(&[[0.5, 0.0], [0.0, -1.0], [1.0, 1.0], [0.0, 0.0]]),
    );
    sample(generator, config, &z, codes.as_deref(), &device())
        .into_data()
        .try_to_vec()
        .unwrap()
}

fn all_models() -> Vec<ModelConfig> {
    vec![
        ModelConfig::Mlp(MlpGanConfig::default()),
        ModelConfig::Dcgan(DcganConfig::default()),
        ModelConfig::Dcgan(DcganConfig {
            norm: DiscriminatorNorm::Spectral,
            ..DcganConfig::default()
        }),
        ModelConfig::Cdcgan(CdcganConfig::half_width()),
        ModelConfig::Acgan(AcganConfig::default()),
        ModelConfig::Infogan(InfoganConfig::default()),
        ModelConfig::InfoganPaper(InfoganPaperConfig::default()),
    ]
}

#[test]
fn half_precision_weights_are_half_the_size_and_draw_nearly_the_same() {
    for config in all_models() {
        let (checkpoint, expected) = checkpoint_of(&config, 6);
        let generator = checkpoint.load_generator(&device()).unwrap();
        let half = block_on(record_bytes_async_as(&generator, Precision::F16)).unwrap();
        let ratio = half.len() as f64 / checkpoint.generator.len() as f64;
        assert!((0.45..0.55).contains(&ratio), "f16/f32 size ratio {ratio}");
        let loaded = Checkpoint {
            generator: half,
            ..checkpoint
        };
        let restored = Checkpoint::from_bytes(&loaded.to_bytes())
            .unwrap()
            .load_generator(&device())
            .unwrap();
        let got = outputs(&restored, &config);
        let worst = got
            .iter()
            .zip(&expected)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        // f16 keeps ~3 decimal digits; pixels are in [-1, 1], so this is under a grey level.
        assert!(
            worst < 4e-3,
            "{}: worst pixel error {worst}",
            config.kind().name()
        );
        assert_ne!(got, vec![0.0; got.len()]);
    }
}

#[test]
fn every_model_round_trips_with_identical_output() {
    for config in all_models() {
        let (checkpoint, expected) = checkpoint_of(&config, 5);
        let bytes = checkpoint.to_bytes();
        let loaded = Checkpoint::from_bytes(&bytes).unwrap();
        assert_eq!(loaded, checkpoint);
        assert_eq!(loaded.model, config);
        let generator = loaded.load_generator(&device()).unwrap();
        assert_eq!(
            outputs(&generator, &config),
            expected,
            "{}",
            config.kind().name()
        );
        loaded.load_discriminator(&device()).unwrap();
    }
}

/// `bytes` (a burnpack record) with every tensor's first path component replaced by `case`.
fn renamed_case(bytes: &[u8], case: &str) -> Vec<u8> {
    let reader =
        burn_pack::Reader::from_bytes(burn::tensor::Bytes::from_bytes_vec(bytes.to_vec())).unwrap();
    let tensors = reader
        .into_tensors()
        .unwrap()
        .into_iter()
        .map(|tensor| {
            let (name, dtype, shape, id, data) = tensor.into_parts().unwrap();
            let (_, rest) = name.split_once('.').unwrap();
            burn_pack::Tensor::new(format!("{case}.{rest}"), dtype, shape, id, data)
        })
        .collect();
    burn_pack::Writer::new(tensors)
        .into_bytes()
        .unwrap()
        .to_vec()
}

#[test]
fn weights_written_under_an_older_enum_case_load_into_the_same_fields() {
    // Before the registry, the ACGAN's discriminator was the `Dcgan` case of the
    // discriminator enum (`Dcgan.conv1.weight`); it is the `Acgan` case now. The fields
    // decide which parameter a tensor is.
    let device = device();
    let config = ModelConfig::Acgan(AcganConfig::default());
    let (mut checkpoint, _) = checkpoint_of(&config, 9);
    let images = Tensor::<4>::from_data(
        TensorData::new(latent::sample_z(3, 2 * 32 * 32, 1), [2, 1, 32, 32]),
        &device,
    );
    let expected: Vec<f32> = checkpoint
        .load_discriminator(&device)
        .unwrap()
        .forward(images.clone(), None)
        .into_data()
        .try_to_vec()
        .unwrap();
    let old = renamed_case(checkpoint.discriminator.as_ref().unwrap(), "Dcgan");
    assert_ne!(&old, checkpoint.discriminator.as_ref().unwrap());
    checkpoint.discriminator = Some(old);
    let scores: Vec<f32> = checkpoint
        .load_discriminator(&device)
        .unwrap()
        .forward(images, None)
        .into_data()
        .try_to_vec()
        .unwrap();
    assert_eq!(scores, expected);
}

#[test]
fn async_export_matches_burns_own_record_bytes() {
    // The async path (used in the browser) must load exactly like Burn's synchronous record.
    let config = ModelConfig::Dcgan(DcganConfig::default());
    let device = device();
    let generator = seeded_init(&device, 4, || {
        let generator = config.init_generator(&device);
        materialize(&generator);
        generator
    });
    let expected = outputs(&generator, &config);
    let sync_bytes = burn::module::Module::into_record(generator.valid())
        .into_bytes()
        .unwrap()
        .to_vec();
    let checkpoint = Checkpoint {
        model: config.clone(),
        data_set: "mnist".into(),
        training: None,
        generator: sync_bytes,
        discriminator: None,
        optimizers: None,
    };
    let loaded = checkpoint.load_generator(&device).unwrap();
    assert_eq!(outputs(&loaded, &config), expected);
}

#[test]
fn a_generator_only_checkpoint_loads_but_has_no_discriminator() {
    let config = ModelConfig::Dcgan(DcganConfig::default());
    let (mut checkpoint, _) = checkpoint_of(&config, 1);
    checkpoint.discriminator = None;
    let loaded = Checkpoint::from_bytes(&checkpoint.to_bytes()).unwrap();
    loaded.load_generator(&device()).unwrap();
    assert_eq!(
        loaded.load_discriminator(&device()).unwrap_err(),
        CheckpointError::MissingSection("discriminator")
    );
}

#[test]
fn truncated_foreign_and_random_bytes_are_rejected_with_a_reason() {
    let config = ModelConfig::Dcgan(DcganConfig::default());
    let bytes = checkpoint_of(&config, 2).0.to_bytes();

    for cut in [3, 12, 40, bytes.len() / 2, bytes.len() - 1] {
        let err = Checkpoint::from_bytes(&bytes[..cut]).unwrap_err();
        assert!(
            matches!(
                err,
                CheckpointError::Truncated { .. } | CheckpointError::BadHeader(_)
            ),
            "cut at {cut}: {err:?}"
        );
        assert!(!err.to_string().is_empty());
    }
    assert!(matches!(
        Checkpoint::from_bytes(&bytes[..bytes.len() - 1]).unwrap_err(),
        CheckpointError::Truncated { .. }
    ));

    // random bytes, a PNG, and empty input are not checkpoints
    let mut rng = gan_studio::rng::SplitMix64::new(9);
    let random: Vec<u8> = (0..5000).map(|_| rng.next_u64() as u8).collect();
    assert_eq!(
        Checkpoint::from_bytes(&random).unwrap_err(),
        CheckpointError::NotACheckpoint
    );
    let png = b"\x89PNG\r\n\x1a\n0000000000000000";
    assert_eq!(
        Checkpoint::from_bytes(png).unwrap_err(),
        CheckpointError::NotACheckpoint
    );
    assert_eq!(
        Checkpoint::from_bytes(&[]).unwrap_err(),
        CheckpointError::NotACheckpoint
    );

    // a future format version
    let mut future = bytes.clone();
    future[8..12].copy_from_slice(&7u32.to_le_bytes());
    assert_eq!(
        Checkpoint::from_bytes(&future).unwrap_err(),
        CheckpointError::UnsupportedVersion(7)
    );
    assert!(
        Checkpoint::from_bytes(&future)
            .unwrap_err()
            .to_string()
            .contains("version 7")
    );
}

#[test]
fn corrupt_weights_fail_at_load_not_with_a_panic() {
    let config = ModelConfig::Dcgan(DcganConfig::default());
    let (mut checkpoint, _) = checkpoint_of(&config, 3);
    let len = checkpoint.generator.len();
    checkpoint.generator[..len / 2].fill(0xAB);
    let loaded = Checkpoint::from_bytes(&checkpoint.to_bytes()).unwrap();
    let err = loaded.load_generator(&device()).unwrap_err();
    assert!(
        matches!(
            err,
            CheckpointError::BadWeights {
                section: "generator",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn weights_of_another_model_are_refused_by_kind_and_by_shape() {
    let dcgan = ModelConfig::Dcgan(DcganConfig::default());
    let (checkpoint, _) = checkpoint_of(&dcgan, 4);
    assert_eq!(
        checkpoint.expect_kind(ModelKind::Cdcgan).unwrap_err(),
        CheckpointError::WrongModel {
            expected: ModelKind::Cdcgan,
            found: ModelKind::Dcgan
        }
    );
    checkpoint.expect_kind(ModelKind::Dcgan).unwrap();

    // DCGAN weights under an MLP header: the loader must say they do not fit.
    let mut forged = checkpoint.clone();
    forged.model = ModelConfig::Mlp(MlpGanConfig::default());
    let err = forged.load_generator(&device()).unwrap_err();
    assert!(matches!(err, CheckpointError::BadWeights { .. }), "{err:?}");

    // A wider DCGAN header over narrower weights: shapes differ.
    let mut wider = checkpoint;
    wider.model = ModelConfig::Dcgan(DcganConfig {
        ngf: 64,
        ..DcganConfig::default()
    });
    let err = wider.load_generator(&device()).unwrap_err();
    assert!(err.to_string().contains("shape"), "{err}");
}

/// A file with `bytes`' sections under its header changed by `edit`, framed as `version`
/// (1: no checksums; 2: checksums recomputed, so only the edit is wrong).
fn reframed(bytes: &[u8], version: u32, edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    let mut header: serde_json::Value = serde_json::from_slice(&bytes[16..16 + len]).unwrap();
    let body = &bytes[20 + len..]; // after the version 2 header's checksum
    header["format_version"] = version.into();
    if version == 1 {
        header.as_object_mut().unwrap().remove("checksums");
    }
    edit(&mut header);
    let header = serde_json::to_vec(&header).unwrap();
    let mut out = b"GANSTDIO".to_vec();
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&header);
    if version >= 2 {
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_le_bytes());
    }
    out.extend_from_slice(body);
    out
}

#[test]
fn a_header_with_nonsense_settings_is_rejected() {
    let config = ModelConfig::Dcgan(DcganConfig::default());
    let bytes = checkpoint_of(&config, 6).0.to_bytes();
    let forged = reframed(&bytes, 2, |h| h["model"]["nz"] = 0.into());
    let err = Checkpoint::from_bytes(&forged).unwrap_err();
    assert!(matches!(err, CheckpointError::BadHeader(_)), "{err:?}");
    assert!(err.to_string().contains("nz"), "{err}");
}

#[test]
fn version_1_files_without_checksums_still_load() {
    let config = ModelConfig::Dcgan(DcganConfig::default());
    let (checkpoint, expected) = checkpoint_of(&config, 8);
    let v1 = reframed(&checkpoint.to_bytes(), 1, |_| {});
    assert_eq!(u32::from_le_bytes(v1[8..12].try_into().unwrap()), 1);
    let loaded = Checkpoint::from_bytes(&v1).unwrap();
    assert_eq!(loaded, checkpoint);
    let generator = loaded.load_generator(&device()).unwrap();
    assert_eq!(outputs(&generator, &config), expected);
}

#[test]
fn any_flipped_bit_is_refused_and_the_message_says_where() {
    // One bit flipped at each of 200 seeded positions of a small checkpoint: every copy is
    // refused when read or when its networks load, never drawn.
    let config = ModelConfig::Mlp(MlpGanConfig {
        hidden: 8,
        ..MlpGanConfig::default()
    });
    let bytes = checkpoint_of(&config, 9).0.to_bytes();
    let sections_start = 20 + u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    let mut rng = gan_studio::rng::SplitMix64::new(200);
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for _ in 0..200 {
        let position = rng.below(bytes.len());
        let bit = rng.below(8);
        let mut damaged = bytes.clone();
        damaged[position] ^= 1 << bit;
        let refused = Checkpoint::from_bytes(&damaged).and_then(|c| {
            c.load_generator(&device())?;
            c.load_discriminator(&device())
        });
        let err = refused.expect_err(&format!(
            "a flipped bit {bit} at byte {position} was accepted"
        ));
        let kind = format!("{err:?}");
        *seen
            .entry(kind[..kind.find([' ', '(', '{']).unwrap_or(kind.len())].to_string())
            .or_default() += 1;
        assert!(!err.to_string().is_empty());
        if position >= sections_start {
            // Past the header, the message names the damaged section.
            assert!(
                err.to_string().contains("section"),
                "byte {position}: {err}"
            );
        }
    }
    println!("200 flips refused as: {seen:?}");
}

#[test]
fn a_nan_written_into_the_weights_is_refused_at_load() {
    let config = ModelConfig::Dcgan(DcganConfig::default());
    let (mut checkpoint, _) = checkpoint_of(&config, 10);
    // The last four bytes of the generator's record are the last f32 of a tensor.
    let len = checkpoint.generator.len();
    checkpoint.generator[len - 4..].copy_from_slice(&f32::NAN.to_le_bytes());
    // Written with matching checksums (a bug in the writer, not damage in transit).
    let file = Checkpoint::from_bytes(&checkpoint.to_bytes()).unwrap();
    let err = file.load_generator(&device()).unwrap_err();
    assert!(
        matches!(
            err,
            CheckpointError::NonFinite {
                section: "generator",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("not finite"), "{err}");
}

#[test]
fn every_shipped_checkpoint_loads_its_declared_model_and_draws() {
    // The page and the CLI offer each preset's shipped weights for each data set: the file
    // must hold exactly that preset's model, trained on that data set (both networks, so the
    // trainer can fine-tune it), and draw.
    let shipped = presets().into_iter().flat_map(|preset| {
        let files = preset.shipped_files();
        files.into_iter().map(move |file| (preset.clone(), file))
    });
    for (preset, (data_set, file)) in shipped {
        let path = format!("weights/{file}.bpk");
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let checkpoint = Checkpoint::from_bytes(&bytes).unwrap();
        assert_eq!(
            checkpoint.model, preset.model,
            "{path} holds the {} preset",
            preset.name
        );
        assert_eq!(checkpoint.data_set, data_set, "{path}");
        let loss = checkpoint.training.as_ref().map(|t| t.config.loss);
        assert_eq!(
            preset_of_run(&checkpoint.model, loss).name,
            preset.name,
            "{path}"
        );
        assert!(
            checkpoint.training.is_some(),
            "{path} says how far it was trained"
        );
        checkpoint.load_discriminator(&device()).unwrap();
        let generator = checkpoint.load_generator(&device()).unwrap();
        let pixels = outputs(&generator, &checkpoint.model);
        let mean = pixels.iter().sum::<f32>() / pixels.len() as f32;
        let spread = pixels.iter().map(|p| (p - mean).abs()).sum::<f32>() / pixels.len() as f32;
        assert!(
            spread > 0.1,
            "{path} draws a flat picture (spread {spread})"
        );
    }
}
