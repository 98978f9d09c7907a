//! Data sets beyond the shipped digits: IDX files (MNIST's own format, gzipped or not) read
//! into sets, with errors that name the file and what is wrong; `gan convert`; `gan train
//! --data DIR --dataset fashion`; and the shipped Fashion-MNIST file.

mod common;

use std::path::{Path, PathBuf};

use common::{fails, gan, ok};
use gan_studio::data::idx::{
    IdxError, IdxFile, IdxProblem, Labelled, stratified_split, write_images, write_labels,
};
use gan_studio::data::sets::{DATA_SETS, FASHION, MNIST, data_set};
use gan_studio::data::{IMAGE_PIXELS, MnistSet};

/// `n` items: item i has label `i % 10` and pixels `(i * 3 + k) % 256`.
fn items(n: usize) -> (Vec<u8>, Vec<u8>) {
    let labels = (0..n).map(|i| (i % 10) as u8).collect();
    let pixels = (0..n * IMAGE_PIXELS)
        .map(|k| ((k / IMAGE_PIXELS * 3 + k) % 256) as u8)
        .collect();
    (labels, pixels)
}

/// `bytes` as a gzip member (RFC 1952), with a file name in its header as gzip writes it.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3];
    out.extend_from_slice(b"data\0");
    out.extend(miniz_oxide::deflate::compress_to_vec(bytes, 6));
    out.extend_from_slice(&crc32fast::hash(bytes).to_le_bytes());
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out
}

fn read(images: &[u8], labels: &[u8]) -> Result<Labelled, IdxError> {
    Labelled::read(
        IdxFile {
            name: "imgs",
            bytes: images,
        },
        IdxFile {
            name: "lbls",
            bytes: labels,
        },
    )
}

#[test]
fn idx_files_gzipped_or_not_read_into_a_sorted_stratified_set() {
    let (labels, pixels) = items(50);
    let plain = read(&write_images(&pixels), &write_labels(&labels)).unwrap();
    let zipped = read(&gzip(&write_images(&pixels)), &gzip(&write_labels(&labels))).unwrap();
    assert_eq!(plain, zipped);
    assert_eq!(plain.labels, labels);
    assert_eq!(plain.pixels, pixels);

    let set = plain.into_set();
    assert_eq!(set.len(), 50);
    // Sorted by label, stably: the first items are item 0, 10, 20, ... (label 0).
    assert_eq!(set.label(0), 0);
    assert_eq!(set.pixels(1), &pixels[10 * IMAGE_PIXELS..11 * IMAGE_PIXELS]);
    // round(5 / 10) = 1 of each class's 5 held out, as the shipped files' rule says.
    let heldout = set.heldout_indices();
    assert_eq!(set.counts_per_digit(&heldout), [1; 10]);
    assert_eq!(
        stratified_split(&[3; 25]).iter().filter(|&&h| h).count(),
        3,
        "round(2.5) = 3"
    );

    // A data set's own test files as its held-out part.
    let (test_labels, test_pixels) = items(20);
    let test = read(&write_images(&test_pixels), &write_labels(&test_labels)).unwrap();
    let set = Labelled::into_set_with_heldout(
        read(&write_images(&pixels), &write_labels(&labels)).unwrap(),
        test,
    );
    assert_eq!(
        (set.train_indices().len(), set.heldout_indices().len()),
        (50, 20)
    );
    assert!(set.heldout_indices().iter().all(|&i| i >= 50));
}

#[test]
fn bad_idx_files_say_which_file_and_what_is_wrong() {
    let (labels, pixels) = items(12);
    let images = write_images(&pixels);
    let label_bytes = write_labels(&labels);
    let problem = |images: &[u8], labels: &[u8]| read(images, labels).unwrap_err();

    // The files swapped: the image file is a label file.
    let err = problem(&label_bytes, &images);
    assert!(matches!(
        err,
        IdxError::File { ref file, problem: IdxProblem::BadMagic { found: 0x0801, expected: 0x0803, .. } } if file == "imgs"
    ));
    assert!(
        err.to_string()
            .starts_with("imgs: wrong magic number 0x00000801"),
        "{err}"
    );
    // Truncated: 100 bytes short.
    let err = problem(&images[..images.len() - 100], &label_bytes);
    assert_eq!(
        err.to_string(),
        format!(
            "imgs: truncated: its header promises {} bytes, the file has {}",
            images.len(),
            images.len() - 100
        )
    );
    // A label that is not a class.
    let mut mislabelled = label_bytes.clone();
    mislabelled[8 + 5] = 12;
    let err = problem(&images, &mislabelled);
    assert_eq!(
        err.to_string(),
        "lbls: label 12 of item 5 is not a class 0..9"
    );
    // Counts that disagree.
    let err = problem(&images, &write_labels(&labels[..11]));
    assert_eq!(
        err.to_string(),
        "imgs holds 12 images but lbls holds 11 labels"
    );
    // Images that are not 28x28.
    let mut wide = images.clone();
    wide[12..16].copy_from_slice(&32u32.to_be_bytes());
    let err = problem(&wide, &label_bytes);
    assert!(
        err.to_string().contains("its images are 28x32, not 28x28"),
        "{err}"
    );
    // A damaged gzip stream.
    let mut zipped = gzip(&images);
    let middle = zipped.len() / 2;
    zipped[middle] ^= 0x5a;
    let err = problem(&zipped, &label_bytes);
    assert!(
        err.to_string()
            .starts_with("imgs: its gzip stream is damaged"),
        "{err}"
    );
    // Bytes after the data.
    let mut long = images.clone();
    long.extend_from_slice(&[0; 7]);
    assert_eq!(
        problem(&long, &label_bytes).to_string(),
        "imgs: 7 bytes follow the data its header describes"
    );
}

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gan-data-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes an IDX pair `<prefix>-images-idx3-ubyte[.gz]` / labels into `dir`.
fn write_pair(dir: &Path, prefix: &str, n: usize, gzipped: bool) {
    let (labels, pixels) = items(n);
    let (images, labels) = (write_images(&pixels), write_labels(&labels));
    let (images, labels, suffix) = if gzipped {
        (gzip(&images), gzip(&labels), ".gz")
    } else {
        (images, labels, "")
    };
    std::fs::write(
        dir.join(format!("{prefix}-images-idx3-ubyte{suffix}")),
        images,
    )
    .unwrap();
    std::fs::write(
        dir.join(format!("{prefix}-labels-idx1-ubyte{suffix}")),
        labels,
    )
    .unwrap();
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn the_cli_trains_on_an_idx_folder_converts_it_and_refuses_bad_files_writing_nothing() {
    let dir = scratch("cli");
    let idx = dir.join("idx");
    std::fs::create_dir_all(&idx).unwrap();
    write_pair(&idx, "train", 40, true);
    write_pair(&idx, "t10k", 10, false);

    // A few steps on the folder's items, recorded as Fashion-MNIST's run; the run says
    // which images it reads.
    let out = dir.join("run.bpk");
    let train = |more: &[&str]| {
        let args = [&["train", "--batch", "4"][..], more].concat();
        let run = gan(&args);
        assert!(run.status.success(), "gan {args:?}");
        String::from_utf8_lossy(&run.stderr).into_owned()
    };
    let printed = train(&[
        "--model",
        "mlp",
        "--dataset",
        "fashion",
        "--data",
        s(&idx),
        "--steps",
        "2",
        "--save-every",
        "0",
        "--out",
        s(&out),
    ]);
    assert!(
        printed.contains(&format!(
            "data: Fashion-MNIST, 40 training images from {}",
            s(&idx)
        )),
        "{printed}"
    );
    assert!(ok(&["inspect", s(&out)]).contains("data set:      fashion"));
    // Resumed without --data, it reads the shipped file of the set it learned, and says so.
    let resumed = dir.join("resumed.bpk");
    let printed = train(&["--resume", s(&out), "--steps", "3", "--out", s(&resumed)]);
    assert!(
        printed.contains("data: Fashion-MNIST, 9000 training images from the shipped file"),
        "{printed}"
    );
    // Resumed, it goes on with the data set it learned; the data must be that set's.
    let err = fails(&[
        "train",
        "--resume",
        s(&out),
        "--dataset",
        "mnist",
        "--steps",
        "3",
        "--out",
        s(&out),
    ]);
    assert!(
        err.contains("this checkpoint learned fashion; the data given is mnist"),
        "{err}"
    );

    // The converter: the folder's 50 items, 5 of each class, 1 of each held out.
    let bin = dir.join("set.bin");
    let printed = ok(&["convert", "--data", s(&idx), "--out", s(&bin)]);
    assert!(
        printed.contains("50 items (40 train, 10 held out)"),
        "{printed}"
    );
    let set = MnistSet::from_bytes(&std::fs::read(&bin).unwrap()).unwrap();
    assert_eq!(set.counts_per_digit(&set.heldout_indices()), [1; 10]);
    let printed = ok(&[
        "convert",
        "--data",
        s(&idx),
        "--per-class",
        "2",
        "--out",
        s(&bin),
    ]);
    assert!(printed.contains("20 items"), "{printed}");

    // A damaged file: an error naming it and what is wrong, and no checkpoint.
    let bad = dir.join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    write_pair(&bad, "train", 20, false);
    let labels = bad.join("train-labels-idx1-ubyte");
    let mut bytes = std::fs::read(&labels).unwrap();
    bytes[8 + 3] = 200;
    std::fs::write(&labels, bytes).unwrap();
    let never = dir.join("never.bpk");
    let err = fails(&[
        "train",
        "--model",
        "mlp",
        "--data",
        s(&bad),
        "--steps",
        "1",
        "--out",
        s(&never),
    ]);
    assert!(
        err.contains(&format!(
            "{}: label 200 of item 3 is not a class 0..9",
            s(&labels)
        )),
        "{err}"
    );
    assert!(!never.exists(), "nothing is written");
    let err = fails(&[
        "train",
        "--model",
        "mlp",
        "--data",
        s(&dir),
        "--steps",
        "1",
        "--out",
        s(&never),
    ]);
    assert!(
        err.contains("no train-images-idx3-ubyte[.gz] in it"),
        "{err}"
    );
    assert!(!never.exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_shipped_fashion_file_has_a_thousand_of_each_class_and_names_them() {
    assert_eq!(DATA_SETS[0], MNIST, "MNIST first: the default");
    assert_eq!(data_set("fashion"), Some(&FASHION));
    assert_eq!(FASHION.classes[9], "Ankle boot");
    let bytes =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("www/data/fashion.bin")).unwrap();
    let set = MnistSet::from_bytes(&bytes).unwrap();
    assert_eq!(set.len(), 10_000);
    assert_eq!(set.counts_per_digit(&set.train_indices()), [900; 10]);
    assert_eq!(set.counts_per_digit(&set.heldout_indices()), [100; 10]);
    // Clothes, not digits: far more ink than MNIST's 33 / 255 on average.
    let mean = (0..set.len())
        .flat_map(|i| set.pixels(i))
        .map(|&p| f64::from(p))
        .sum::<f64>()
        / (set.len() * IMAGE_PIXELS) as f64;
    assert!(mean > 60.0, "mean grey level {mean}");
}
