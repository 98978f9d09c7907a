//! `gan invert`, `gan sample --z` and `gan neighbours`, run as a user would, on the shipped
//! weights: a held-out digit and a PNG inverted and drawn again, a grid's cell reproduced from
//! its saved point, the held-out table, the neighbours of a sample, and clear errors.

use std::path::{Path, PathBuf};

use gan_studio::data::MnistSet;
use gan_studio::image::GrayImage;
use gan_studio::invert::LatentPoint;
use gan_studio::latent;

static MNIST: &[u8] = include_bytes!("../www/data/mnist.bin");

mod common;
use common::{fails, gan, ok};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gan-invert-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Width, height and grey levels of a grayscale PNG.
fn read_png(path: &Path) -> (usize, usize, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width as usize, info.height as usize, buf)
}

/// The `side` x `side` cell at (`top`, `left`) of a picture `width` wide.
fn crop(pixels: &[u8], width: usize, top: usize, left: usize, side: usize) -> Vec<u8> {
    (top..top + side)
        .flat_map(|y| pixels[y * width + left..y * width + left + side].to_vec())
        .collect()
}

fn largest_gap(a: &[u8], b: &[u8]) -> u8 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| x.abs_diff(*y)).max().unwrap()
}

fn read_point(path: &Path) -> LatentPoint {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn a_held_out_digit_is_inverted_saved_and_drawn_again() {
    let dir = scratch("heldout");
    let (z, png, drawn) = (dir.join("z.json"), dir.join("pair.png"), dir.join("z.png"));
    let out = ok(&[
        "invert",
        "--weights",
        "weights/dcgan.bpk",
        "--heldout",
        "7",
        "--steps",
        "200",
        "--out",
        s(&z),
        "--png",
        s(&png),
        "--scale",
        "1",
    ]);
    for line in ["step 0: error", "step 100: error", "step 200: error"] {
        assert!(out.contains(line), "{out}");
    }
    let point = read_point(&z);
    assert_eq!(point.model, "dcgan");
    assert_eq!(point.z.len(), 100);
    assert_eq!((point.label, point.codes.as_ref()), (None, None));
    assert_eq!(point.steps, Some(200));
    let (error, start) = (point.error.unwrap(), point.start_error.unwrap());
    assert!(error < start / 4.0, "error {error} from {start}");
    assert!(point.target.unwrap().contains("held-out digit 7"));

    // The picture: the target, then the reconstruction; `gan sample --z` draws the latter.
    let (w, h, pair) = read_png(&png);
    assert_eq!((w, h), (2 * 32 + 3, 32 + 2));
    let data = MnistSet::from_bytes(MNIST).unwrap();
    let mut target = Vec::new();
    data.push_resized_32(data.heldout_indices()[7], &mut target);
    let target: Vec<u8> = target.into_iter().map(gan_studio::image::to_byte).collect();
    assert!(largest_gap(&crop(&pair, w, 1, 1, 32), &target) <= 1);
    ok(&[
        "sample",
        "--weights",
        "weights/dcgan.bpk",
        "--z",
        s(&z),
        "--scale",
        "1",
        "--out",
        s(&drawn),
    ]);
    let (dw, dh, again) = read_png(&drawn);
    assert_eq!((dw, dh), (34, 34));
    assert!(largest_gap(&crop(&again, dw, 1, 1, 32), &crop(&pair, w, 1, 34, 32)) <= 1);
}

#[test]
fn sample_z_reproduces_a_cell_of_sample() {
    let dir = scratch("cell");
    let (grid, point_path, one) = (
        dir.join("grid.png"),
        dir.join("cell.json"),
        dir.join("one.png"),
    );
    ok(&[
        "sample",
        "--weights",
        "weights/cdcgan-half.bpk",
        "--grid",
        "2x3",
        "--seed",
        "7",
        "--scale",
        "1",
        "--out",
        s(&grid),
    ]);
    // Cell 4 (row 1, column 1): the grid's fifth z, and digit 4 % 3 = 1.
    let nz = 100;
    let point = LatentPoint {
        model: "cdcgan".to_owned(),
        z: latent::sample_z(7, 6, nz)[4 * nz..5 * nz].to_vec(),
        label: Some(1),
        codes: Some(latent::one_hot(&[1])),
        error: None,
        start_error: None,
        steps: None,
        target: None,
    };
    std::fs::write(&point_path, serde_json::to_vec(&point).unwrap()).unwrap();
    ok(&[
        "sample",
        "--weights",
        "weights/cdcgan-half.bpk",
        "--z",
        s(&point_path),
        "--scale",
        "1",
        "--out",
        s(&one),
    ]);
    let (w, _, grid_pixels) = read_png(&grid);
    let (ow, _, one_pixels) = read_png(&one);
    let cell = crop(&grid_pixels, w, 1 + 33, 1 + 33, 32);
    assert!(largest_gap(&cell, &crop(&one_pixels, ow, 1, 1, 32)) <= 1);
    assert!(cell.iter().any(|&p| p > 128), "the cell has ink");

    // A point of one model does not draw with another's weights.
    let err = fails(&[
        "sample",
        "--weights",
        "weights/dcgan.bpk",
        "--z",
        s(&point_path),
        "--out",
        s(&one),
    ]);
    assert!(
        err.contains("cdcgan model") && err.contains("dcgan"),
        "{err}"
    );
}

#[test]
fn a_png_of_any_size_is_inverted_with_its_digit() {
    let dir = scratch("png");
    // A held-out 4, three times larger, dark on light: as someone might draw it.
    let data = MnistSet::from_bytes(MNIST).unwrap();
    let index = data
        .heldout_indices()
        .into_iter()
        .find(|&i| data.label(i) == 4)
        .unwrap();
    let small = data.pixels(index);
    let big = GrayImage {
        width: 28,
        height: 28,
        pixels: small.iter().map(|p| 255 - p).collect(),
    }
    .scaled(3)
    .unwrap();
    let picture = dir.join("four.png");
    std::fs::write(&picture, big.to_png().unwrap()).unwrap();
    let z = dir.join("z.json");
    let out = ok(&[
        "invert",
        "--weights",
        "weights/cdcgan-half.bpk",
        "--image",
        s(&picture),
        "--label",
        "4",
        "--steps",
        "100",
        "--out",
        s(&z),
    ]);
    assert!(out.contains("step 100: error"), "{out}");
    let point = read_point(&z);
    assert_eq!(point.label, Some(4));
    assert_eq!(point.codes, Some(latent::one_hot(&[4])));
    assert!(point.error.unwrap() < 0.06, "{point:?}");
}

#[test]
fn the_held_out_table_has_a_row_per_checkpoint() {
    let out = ok(&[
        "invert",
        "--eval-heldout",
        "10",
        "--steps",
        "30",
        "--baseline",
        "100",
        "--starts",
        "8",
        "--weights",
        "weights/mlp.bpk",
        "weights/dcgan.bpk",
    ]);
    assert!(out.contains("| model | best of 100 random z"), "{out}");
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("| `")).collect();
    assert_eq!(rows.len(), 2, "{out}");
    for (row, name) in rows.iter().zip(["`mlp`", "`dcgan`"]) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert_eq!(cells[1], name);
        let random: f32 = cells[2].parse().unwrap();
        let inverted: f32 = cells[4].parse().unwrap();
        assert!(inverted < random, "{row}");
    }
}

#[test]
fn neighbours_of_a_sample_are_listed_and_drawn() {
    let dir = scratch("neighbours");
    let strip = dir.join("strip.png");
    let out = ok(&[
        "neighbours",
        "--weights",
        "weights/cdcgan-half.bpk",
        "--seed",
        "7",
        "--cell",
        "3",
        "--k",
        "3",
        "--reference",
        "20",
        "--out",
        s(&strip),
        "--scale",
        "1",
    ]);
    assert!(out.contains("cell 3 of the 8x8 grid, seed 7"), "{out}");
    let lines: Vec<&str> = out.lines().filter(|l| l.contains(". digit #")).collect();
    assert_eq!(lines.len(), 6, "3 by features, 3 by pixels: {out}");
    // Cell 3 of an 8-wide grid asks for a 3; its nearest real digits by features are 3s.
    assert!(lines[..3].iter().all(|l| l.contains("(a 3)")), "{out}");
    let distance = |line: &str| -> f32 { line.rsplit(' ').next().unwrap().parse().unwrap() };
    for list in [&lines[..3], &lines[3..]] {
        assert!(
            list.windows(2).all(|w| distance(w[0]) <= distance(w[1])),
            "{out}"
        );
        assert!(distance(list[0]) > 0.0);
    }
    assert!(out.contains("20 held-out digits"), "{out}");
    let (w, h, _) = read_png(&strip);
    assert_eq!((w, h), (4 * 33 + 1, 2 * 33 + 1));
}

#[test]
fn bad_requests_say_what_is_wrong() {
    let dir = scratch("bad");
    let z = dir.join("z.json");
    let err = fails(&[
        "invert",
        "--weights",
        "weights/dcgan.bpk",
        "--heldout",
        "3",
        "--label",
        "3",
        "--out",
        s(&z),
    ]);
    assert!(err.contains("takes no label"), "{err}");
    let err = fails(&[
        "invert",
        "--weights",
        "weights/dcgan.bpk",
        "--heldout",
        "5000",
        "--out",
        s(&z),
    ]);
    assert!(err.contains("--heldout must be 0 to 998"), "{err}");
    let err = fails(&["invert", "--weights", "weights/dcgan.bpk", "--heldout", "3"]);
    assert!(err.contains("--out"), "{err}");
    // no target: clap's usage error (exit status 2) names the flags
    let out = gan(&["invert", "--weights", "weights/dcgan.bpk"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--image"), "{err}");
    let not_png = dir.join("not.png");
    std::fs::write(&not_png, b"hello").unwrap();
    let err = fails(&[
        "invert",
        "--weights",
        "weights/dcgan.bpk",
        "--image",
        s(&not_png),
        "--out",
        s(&z),
    ]);
    assert!(
        err.contains("not.png") && err.contains("not a PNG"),
        "{err}"
    );
    let err = fails(&[
        "neighbours",
        "--weights",
        "weights/dcgan.bpk",
        "--cell",
        "64",
        "--reference",
        "0",
    ]);
    assert!(err.contains("--cell must be 0 to 63"), "{err}");
}
