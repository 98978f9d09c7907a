//! The `gan` command line, run as a user would: train, resume, inspect, sample, interpolate,
//! list the presets, and clear errors for bad input.

use std::path::{Path, PathBuf};

mod common;
use common::{fails, gan, ok};

/// Runs `gan` with arguments clap rejects (exit status 2, as for any usage error); its stderr.
fn usage_error(args: &[&str]) -> String {
    let out = gan(args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "gan {args:?} should be a usage error"
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gan-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Width, height and pixels of a grayscale PNG.
fn read_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn train_resume_inspect_sample_and_interpolate_a_dcgan() {
    let dir = scratch("dcgan");
    let weights = dir.join("dcgan.bpk");
    let samples = dir.join("progress");
    ok(&[
        "train",
        "--model",
        "dcgan",
        "--steps",
        "2",
        "--batch",
        "4",
        "--seed",
        "5",
        "--out",
        s(&weights),
        "--samples",
        s(&samples),
        "--log-every",
        "1",
    ]);
    assert!(weights.exists());
    let (w, h, _) = read_png(&samples.join("step-000002.png"));
    assert_eq!((w, h), ((8 * 32 + 9) * 2, (8 * 32 + 9) * 2));

    let info = ok(&["inspect", s(&weights)]);
    assert!(info.contains("model:         dcgan"), "{info}");
    assert!(
        info.contains("369600"),
        "trainable generator parameters: {info}"
    );
    assert!(info.contains("step 2"), "{info}");

    // Resuming continues the step count from the checkpoint.
    ok(&[
        "train",
        "--resume",
        s(&weights),
        "--steps",
        "3",
        "--out",
        s(&weights),
    ]);
    assert!(ok(&["inspect", s(&weights)]).contains("step 3"));

    let grid = dir.join("grid.png");
    ok(&[
        "sample",
        "--weights",
        s(&weights),
        "--grid",
        "3x4",
        "--seed",
        "7",
        "--scale",
        "1",
        "--out",
        s(&grid),
    ]);
    let (w, h, pixels) = read_png(&grid);
    assert_eq!((w, h), (4 * 32 + 5, 3 * 32 + 4));
    // the gap between cells is black, the cells are not
    assert_eq!(pixels[0], 0);
    let cell: Vec<u8> = (1..33)
        .flat_map(|y| pixels[y * w as usize + 1..y * w as usize + 33].to_vec())
        .collect();
    assert!(cell.iter().any(|&p| p != cell[0]), "a cell is flat");

    // The same seed gives the same picture; another seed another one.
    let again = dir.join("again.png");
    let other = dir.join("other.png");
    ok(&[
        "sample",
        "--weights",
        s(&weights),
        "--grid",
        "3x4",
        "--seed",
        "7",
        "--scale",
        "1",
        "--out",
        s(&again),
    ]);
    ok(&[
        "sample",
        "--weights",
        s(&weights),
        "--grid",
        "3x4",
        "--seed",
        "8",
        "--scale",
        "1",
        "--out",
        s(&other),
    ]);
    assert_eq!(read_png(&again).2, pixels);
    assert_ne!(read_png(&other).2, pixels);

    let strip = dir.join("strip.png");
    ok(&[
        "interpolate",
        "--weights",
        s(&weights),
        "--from-seed",
        "1",
        "--to-seed",
        "2",
        "--steps",
        "6",
        "--slerp",
        "--scale",
        "1",
        "--out",
        s(&strip),
    ]);
    let (w, h, strip_pixels) = read_png(&strip);
    assert_eq!((w, h), (6 * 32 + 7, 32 + 2));
    // The first image of the strip is the image of seed 1's vector: cell 0 of a 1x1 grid.
    let single = dir.join("single.png");
    ok(&[
        "sample",
        "--weights",
        s(&weights),
        "--grid",
        "1x1",
        "--seed",
        "1",
        "--scale",
        "1",
        "--out",
        s(&single),
    ]);
    let (sw, _, single_pixels) = read_png(&single);
    for y in 1..33 {
        assert_eq!(
            strip_pixels[y * w as usize + 1..y * w as usize + 33],
            single_pixels[y * sw as usize + 1..y * sw as usize + 33]
        );
    }

    // Labels make no sense for an unconditional model.
    let err = fails(&[
        "sample",
        "--weights",
        s(&weights),
        "--label",
        "3",
        "--out",
        s(&grid),
    ]);
    assert!(err.contains("takes no label"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn sample_writes_the_raw_values_its_png_rounds() {
    let dir = scratch("raw");
    let (png, raw) = (dir.join("grid.png"), dir.join("grid.f32"));
    let args = [
        "sample",
        "--weights",
        "weights/mlp.bpk",
        "--grid",
        "2x3",
        "--seed",
        "4",
        "--scale",
        "1",
        "--out",
        s(&png),
        "--raw",
        s(&raw),
    ];
    let printed = ok(&args);
    assert!(printed.contains("raw f32 values"), "{printed}");
    let bytes = std::fs::read(&raw).unwrap();
    let values: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
        .collect();
    // Six square images, [count, 1, H, W] row-major, in the generator's range.
    let size = ((values.len() / 6) as f64).sqrt() as usize;
    assert_eq!(bytes.len(), 6 * size * size * 4);
    assert!(values.iter().all(|v| (-1.0..=1.0).contains(v)));
    // The PNG's first cell (one black pixel in from the corner) is the first image, rounded.
    let (w, _, pixels) = read_png(&png);
    for y in 0..size {
        for x in 0..size {
            let pixel = pixels[(y + 1) * w as usize + x + 1];
            assert_eq!(pixel, gan_studio::image::to_byte(values[y * size + x]));
        }
    }
    // The same seed gives the same values.
    ok(&args);
    assert_eq!(std::fs::read(&raw).unwrap(), bytes);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn conditional_label_rows_draw_one_digit_per_row() {
    let dir = scratch("cdcgan");
    let weights = dir.join("c.bpk");
    ok(&[
        "train",
        "--model",
        "cdcgan-half",
        "--steps",
        "1",
        "--batch",
        "4",
        "--out",
        s(&weights),
    ]);
    let info = ok(&["inspect", s(&weights)]);
    assert!(
        info.contains("cdcgan") && info.contains("\"ngf\":64"),
        "{info}"
    );
    let grid = dir.join("rows.png");
    ok(&[
        "sample",
        "--weights",
        s(&weights),
        "--grid",
        "10x3",
        "--label-rows",
        "--scale",
        "1",
        "--out",
        s(&grid),
    ]);
    let (w, h, _) = read_png(&grid);
    assert_eq!((w, h), (3 * 32 + 4, 10 * 32 + 11));
    let err = fails(&[
        "sample",
        "--weights",
        s(&weights),
        "--grid",
        "4x4",
        "--label-rows",
        "--out",
        s(&grid),
    ]);
    assert!(err.contains("10 rows"), "{err}");
    let err = fails(&[
        "sample",
        "--weights",
        s(&weights),
        "--label",
        "12",
        "--out",
        s(&grid),
    ]);
    assert!(err.contains("digit"), "{err}");
    ok(&[
        "interpolate",
        "--weights",
        s(&weights),
        "--label",
        "1",
        "--to-label",
        "7",
        "--steps",
        "4",
        "--out",
        s(&dir.join("labels.png")),
    ]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_files_and_values_get_clear_errors() {
    let dir = scratch("bad");
    let junk = dir.join("junk.bpk");
    std::fs::write(&junk, b"this is not a checkpoint at all").unwrap();
    let out = dir.join("x.png");
    let err = fails(&["sample", "--weights", s(&junk), "--out", s(&out)]);
    assert!(err.contains("not a GAN Studio checkpoint"), "{err}");
    let err = fails(&["inspect", s(&dir.join("missing.bpk"))]);
    assert!(err.contains("cannot read"), "{err}");
    let err = fails(&[
        "sample",
        "--weights",
        s(&junk),
        "--grid",
        "0x5",
        "--out",
        s(&out),
    ]);
    assert!(err.contains("grid must look like"), "{err}");
    let err = fails(&["train", "--steps", "1", "--lr-g=-1", "--out", s(&out)]);
    assert!(err.contains("lr_g"), "{err}");
    // clap rejects a name outside a fixed set as a usage error, naming the flag and the names.
    let err = usage_error(&[
        "train",
        "--steps",
        "1",
        "--loss",
        "wasserstein",
        "--out",
        s(&out),
    ]);
    assert!(
        err.contains("invalid value 'wasserstein' for '--loss <LOSS>'")
            && err.contains(
                "[possible values: non-saturating, saturating, least-squares, hinge, wgan-clip, wgan-sn, wgan-gp, began]"
            ),
        "{err}"
    );
    let err = usage_error(&["train", "--init", "kaiming", "--out", s(&out)]);
    assert!(
        err.contains("'--init <INIT>'")
            && err.contains("[possible values: dcgan, default, xavier]"),
        "{err}"
    );
    let err = fails(&["train", "--steps", "1", "--nz", "0", "--out", s(&out)]);
    assert!(err.contains("nz"), "{err}");
    // Out-of-range settings name the setting and its range.
    for (flag, value, says) in [
        ("--batch", "0", "batch size must be 1 to 1024"),
        ("--batch", "100000", "batch size must be 1 to 1024"),
        ("--lr-g", "1e9", "lr_g must be in (0, 1]"),
        ("--lr-d=-0.5", "", "lr_d must be in (0, 1]"),
        ("--d-steps", "0", "D steps per step must be 1 to 10"),
        ("--clip=-1", "", "clip must be in (0, 1]"),
        (
            "--gradient-penalty=-1",
            "",
            "the gradient penalty's λ must be in (0, 1000]",
        ),
        ("--gamma", "2", "γ must be in (0, 1]"),
        ("--steps", "0", "--steps is the step to train until"),
    ] {
        let mut args = vec!["train", "--model", "mlp", "--out", s(&out)];
        if value.is_empty() {
            args.push(flag);
        } else {
            args.extend([flag, value]);
        }
        if flag != "--steps" {
            args.extend(["--steps", "1"]);
        }
        let err = fails(&args);
        assert!(err.contains(says), "{flag} {value}: {err}");
    }
    for grid in ["0x0", "33x33", "10x0", "x", "4x4x4"] {
        let err = fails(&[
            "sample",
            "--weights",
            s(&junk),
            "--grid",
            grid,
            "--out",
            s(&out),
        ]);
        assert!(
            err.contains("grid must look like 10x10 (1 to 32 each)"),
            "{grid}: {err}"
        );
    }
    assert!(!out.exists(), "nothing is written on bad input");

    // A truncated checkpoint names the problem.
    let good = dir.join("good.bpk");
    ok(&[
        "train",
        "--model",
        "mlp",
        "--steps",
        "1",
        "--batch",
        "2",
        "--out",
        s(&good),
    ]);
    let bytes = std::fs::read(&good).unwrap();
    let cut = dir.join("cut.bpk");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let err = fails(&["inspect", s(&cut)]);
    assert!(err.contains("truncated"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn presets_json_is_the_registry_with_its_shipped_files() {
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["presets", "--json"])).expect("gan presets --json is JSON");
    assert_eq!(json["default"], "dcgan", "{json}");
    let presets = json["presets"].as_array().expect("a list of presets");
    let names: Vec<&str> = presets
        .iter()
        .map(|p| p["name"].as_str().expect("a name"))
        .collect();
    for name in [
        "dcgan",
        "cdcgan",
        "cdcgan-half",
        "mlp",
        "wgan",
        "wgan-sn",
        "acgan",
        "infogan",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    let weights = Path::new(env!("CARGO_MANIFEST_DIR")).join("weights");
    for preset in presets {
        let files = preset["shipped_files"]
            .as_object()
            .expect("files by data set");
        assert_eq!(
            files["mnist"], preset["shipped"],
            "MNIST's is weights/<shipped>.bpk"
        );
        for stem in files.values() {
            let file = weights.join(format!("{}.bpk", stem.as_str().unwrap()));
            assert!(file.is_file(), "{} is not there", file.display());
        }
    }
    let data_sets: Vec<&str> = json["data_sets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|set| set["name"].as_str().unwrap())
        .collect();
    assert_eq!(data_sets, ["mnist", "fashion"]);
    assert_eq!(json["data_sets"][1]["classes"][0], "T-shirt/top");

    // The table names every preset and its shipped file.
    let table = ok(&["presets"]);
    for name in names {
        assert!(table.contains(name), "{table}");
    }
    assert!(table.contains("weights/cdcgan-half.bpk"), "{table}");
}

/// The image in cell (`row`, `col`) of a grid PNG of `side`-pixel images with 1-pixel gaps,
/// each pixel `scale` wide.
fn png_cell(
    png: &(u32, u32, Vec<u8>),
    row: usize,
    col: usize,
    side: usize,
    scale: usize,
) -> Vec<u8> {
    let width = png.0 as usize;
    let mut cell = Vec::with_capacity(side * side);
    for y in 0..side {
        for x in 0..side {
            let py = (1 + row * (side + 1) + y) * scale;
            let px = (1 + col * (side + 1) + x) * scale;
            cell.push(png.2[py * width + px]);
        }
    }
    cell
}

#[test]
fn the_gan_family_trains_and_samples_from_the_command_line() {
    let dir = scratch("family");
    // One training step with `flags`; the log, which names the run's settings.
    let wgan = dir.join("wgan.bpk");
    let train_log = |flags: &[&str]| {
        let mut args = vec!["train"];
        args.extend(flags);
        args.extend(["--steps", "1", "--batch", "4", "--save-every", "0"]);
        args.extend(["--out", s(&wgan)]);
        let out = gan(&args);
        let log = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{log}");
        log
    };
    // WGAN with its paper's settings, named in the log; flags given still win.
    let log = train_log(&["--model", "dcgan", "--loss", "wgan-clip", "--d-steps", "2"]);
    assert!(
        log.contains("\"optimizer\":\"rmsprop\"")
            && log.contains("\"d_steps\":2")
            && log.contains("\"clip\":0.01")
            && log.contains("\"lr_g\":0.00005"),
        "{log}"
    );
    // BEGAN's γ and WGAN-GP's λ are settings of their runs too.
    let log = train_log(&["--model", "began", "--gamma", "0.7"]);
    assert!(log.contains("\"gamma\":0.7"), "{log}");
    let log = train_log(&[
        "--model",
        "wgan-gp",
        "--gradient-penalty",
        "5",
        "--d-steps",
        "1",
    ]);
    assert!(log.contains("\"gradient_penalty\":5.0"), "{log}");
    // wgan-sn gives the DCGAN its spectral critic; another model cannot take it.
    let sn = dir.join("sn.bpk");
    ok(&[
        "train",
        "--model",
        "dcgan",
        "--loss",
        "wgan-sn",
        "--steps",
        "1",
        "--d-steps",
        "1",
        "--batch",
        "4",
        "--save-every",
        "0",
        "--out",
        s(&sn),
    ]);
    assert!(ok(&["inspect", s(&sn)]).contains("spectral"));
    let err = fails(&[
        "train",
        "--model",
        "acgan",
        "--loss",
        "wgan-sn",
        "--steps",
        "1",
        "--out",
        s(&sn),
    ]);
    assert!(
        err.contains("which the acgan does not offer (the dcgan does)"),
        "{err}"
    );

    // ACGAN (32x32) and InfoGAN (the paper's 28x28) draw a row per digit (code); InfoGAN
    // sweeps a continuous code.
    for (model, side) in [("acgan", 32), ("infogan", 28)] {
        let weights = dir.join(format!("{model}.bpk"));
        ok(&[
            "train",
            "--model",
            model,
            "--steps",
            "1",
            "--batch",
            "4",
            "--save-every",
            "0",
            "--out",
            s(&weights),
        ]);
        let rows = dir.join(format!("{model}-rows.png"));
        ok(&[
            "sample",
            "--weights",
            s(&weights),
            "--grid",
            "10x3",
            "--label-rows",
            "--scale",
            "1",
            "--out",
            s(&rows),
        ]);
        let png = read_png(&rows);
        let cell = side as u32 + 1;
        assert_eq!((png.0, png.1), (3 * cell + 1, 10 * cell + 1), "{model}");
        // each column keeps its z down the rows; rows differ by their digit (code)
        assert_ne!(
            png_cell(&png, 0, 0, side, 1),
            png_cell(&png, 1, 0, side, 1),
            "{model}"
        );
    }
    let infogan = dir.join("infogan.bpk");
    let sweep = dir.join("sweep.png");
    ok(&[
        "sample",
        "--weights",
        s(&infogan),
        "--grid",
        "2x5",
        "--code-sweep",
        "1",
        "--label",
        "4",
        "--scale",
        "1",
        "--out",
        s(&sweep),
    ]);
    let png = read_png(&sweep);
    assert_eq!((png.0, png.1), (5 * 29 + 1, 2 * 29 + 1));
    assert_ne!(
        png_cell(&png, 0, 0, 28, 1),
        png_cell(&png, 0, 4, 28, 1),
        "c1 at -2 and at 2 draw differently"
    );
    let err = fails(&[
        "sample",
        "--weights",
        s(&wgan),
        "--code-sweep",
        "1",
        "--out",
        s(&sweep),
    ]);
    assert!(
        err.contains(
            "--code-sweep needs a checkpoint of a model with latent codes (infogan, infogan-paper)"
        ),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn lab_takes_a_gradient_penalty_for_its_wgan_critic() {
    // the clipped pane of the comparison preset, penalised instead, with λ = 1
    let out = ok(&[
        "lab",
        "--preset",
        "wgan-clip-vs-gp",
        "--gradient-penalty",
        "1",
        "--steps",
        "2",
        "--every",
        "1",
    ]);
    assert!(
        out.contains(r#""lipschitz":"gradient-penalty","penalty_weight":1.0"#),
        "{out}"
    );
    assert!(out.contains("step      2 loss_D"), "{out}");
    let err = fails(&["lab", "--gradient-penalty", "10", "--steps", "1"]);
    assert!(err.contains("for the WGAN loss"), "{err}");
    let err = fails(&[
        "lab",
        "--preset",
        "wgan-clip-vs-gp",
        "--gradient-penalty=-1",
    ]);
    assert!(err.contains("penalty's weight"), "{err}");
}

#[test]
fn every_preset_trains_samples_inspects_and_exports_from_the_command_line() {
    // The registry's presets, new ones included, with nothing named here.
    let registry: serde_json::Value = serde_json::from_str(&ok(&["presets", "--json"])).unwrap();
    let dir = scratch("every-preset");
    for preset in registry["presets"].as_array().unwrap() {
        let name = preset["name"].as_str().unwrap();
        let kind = preset["model"]["kind"].as_str().unwrap();
        let variant = registry["variants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == kind)
            .unwrap();
        // The preset's own size where its model has one (dcgan-64), else the variant's.
        let side = preset["model"]["image_size"]
            .as_u64()
            .or_else(|| variant["image_size"].as_u64())
            .unwrap() as u32;
        let weights = dir.join(format!("{name}.bpk"));
        let log = gan(&[
            "train",
            "--model",
            name,
            "--steps",
            "10",
            "--batch",
            "4",
            "--d-steps",
            "1",
            "--log-every",
            "1",
            "--save-every",
            "0",
            "--out",
            s(&weights),
        ]);
        assert!(
            log.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&log.stderr)
        );
        // The progress line names the loss's own figures where it has them.
        let log = String::from_utf8_lossy(&log.stderr);
        let line = log
            .lines()
            .find(|l| l.starts_with("step 10/10"))
            .unwrap_or_else(|| panic!("{name}: {log}"));
        let penalty = preset["train"]["gradient_penalty"].is_number();
        assert_eq!(line.contains("gradient penalty"), penalty, "{name}: {line}");
        let balance = preset["train"]["gamma"].is_number();
        assert_eq!(
            line.contains("k_t") && line.contains("M_global"),
            balance,
            "{name}: {line}"
        );

        let grid = dir.join(format!("{name}.png"));
        ok(&[
            "sample",
            "--weights",
            s(&weights),
            "--grid",
            "2x3",
            "--scale",
            "1",
            "--out",
            s(&grid),
        ]);
        let png = read_png(&grid);
        assert_eq!(
            (png.0, png.1),
            (3 * (side + 1) + 1, 2 * (side + 1) + 1),
            "{name}"
        );
        assert_ne!(
            png_cell(&png, 0, 0, side as usize, 1),
            png_cell(&png, 1, 2, side as usize, 1),
            "{name}"
        );

        let inspected = ok(&["inspect", s(&weights)]);
        assert!(
            inspected.contains(&format!("model:         {kind}")),
            "{name}: {inspected}"
        );
        let exported = dir.join(format!("{name}.safetensors"));
        ok(&[
            "export",
            "--safetensors",
            "--weights",
            s(&weights),
            "--out",
            s(&exported),
        ]);
        assert!(std::fs::metadata(&exported).unwrap().len() > 1000, "{name}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn train_writes_tensorboard_events_with_every_figure_and_the_progress_grid() {
    let dir = scratch("tensorboard");
    let log = dir.join("log");
    let out = dir.join("run.bpk");
    ok(&[
        "train",
        "--model",
        "began",
        "--steps",
        "20",
        "--batch",
        "4",
        "--log-every",
        "5",
        "--save-every",
        "10",
        "--log",
        s(&log),
        "--out",
        s(&out),
    ]);
    let files: Vec<_> = std::fs::read_dir(&log)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("events.out.tfevents."), "{name}");
    // TFRecords: a u64 length, 4 bytes of its CRC, the event, 4 bytes of its CRC.
    let bytes = std::fs::read(&files[0]).unwrap();
    let mut events = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let len = u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
        events.push(&bytes[at + 12..at + 12 + len]);
        at += 16 + len;
    }
    assert_eq!(at, bytes.len(), "whole records");
    // The version, four steps of scalars (5, 10, 15, 20) and two grids (10, 20).
    assert_eq!(events.len(), 1 + 4 + 2);
    let has = |event: &[u8], text: &[u8]| event.windows(text.len()).any(|w| w == text);
    assert!(has(events[0], b"brain.Event:2"));
    let scalars = events.iter().filter(|e| has(e, b"loss_d")).count();
    assert_eq!(scalars, 4);
    assert!(
        events
            .iter()
            .filter(|e| has(e, b"loss_d"))
            .all(|e| has(e, b"balance") && has(e, b"convergence") && !has(e, b"penalty")),
        "BEGAN's figures, no penalty"
    );
    let grids = events
        .iter()
        .filter(|e| has(e, b"samples") && has(e, b"\x89PNG"))
        .count();
    assert_eq!(grids, 2);
    let _ = std::fs::remove_dir_all(dir);
}
