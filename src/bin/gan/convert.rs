//! `gan convert`: any MNIST-format data (IDX image/label files, gzipped or not) as GAN
//! Studio's data file, the format of the page's `www/data/*.bin`: sorted by label, with the
//! stratified train / held-out split the shipped files have.

use std::path::PathBuf;

use anyhow::{Result, anyhow};
use clap::Args;
use gan_studio::data::NUM_CLASSES;
use gan_studio::data::idx::Labelled;

use crate::files::{idx_pair, named, read_data, write_atomically};

/// `gan convert`'s flags.
#[derive(Args)]
pub struct ConvertArgs {
    /// IDX files: a folder with `train-images-idx3-ubyte[.gz]` and its labels (and the
    /// `t10k-*` pair, whose items join the pool after the training file's), or an image file
    /// with its label file beside it.
    #[arg(long)]
    data: PathBuf,
    /// Keep only the first N items of each class, in the files' order (the page's files keep
    /// 1,000 of each).
    #[arg(long)]
    per_class: Option<usize>,
    /// The data file to write.
    #[arg(long)]
    out: PathBuf,
}

/// Runs `gan convert`.
pub fn run(args: ConvertArgs) -> Result<()> {
    let pool = if args.data.is_dir() {
        let train = idx_pair(&args.data, "train")?.ok_or_else(|| {
            anyhow!(
                "{}: no train-images-idx3-ubyte[.gz] in it",
                named(&args.data)
            )
        })?;
        match idx_pair(&args.data, "t10k")? {
            Some(test) => train.append(test),
            None => train,
        }
    } else {
        // One pair: read as `gan train --data` reads it, then pooled again.
        let set = read_data(&args.data)?;
        Labelled {
            labels: (0..set.len()).map(|i| set.label(i)).collect(),
            pixels: (0..set.len())
                .flat_map(|i| set.pixels(i).to_vec())
                .collect(),
        }
    };
    let pool = match args.per_class {
        Some(n) => pool.first_of_each_class(n),
        None => pool,
    };
    let set = pool.into_set();
    let bytes = set.encode();
    write_atomically(&args.out, &bytes)?;
    let train = set.counts_per_digit(&set.train_indices());
    let heldout = set.counts_per_digit(&set.heldout_indices());
    println!("class  train  held-out");
    for class in 0..NUM_CLASSES {
        println!("{class:>5}  {:>5}  {:>8}", train[class], heldout[class]);
    }
    println!(
        "wrote {}: {} items ({} train, {} held out), {} bytes, payload CRC32 {:#010x}",
        args.out.display(),
        set.len(),
        train.iter().sum::<usize>(),
        heldout.iter().sum::<usize>(),
        bytes.len(),
        u32::from_le_bytes(bytes[28..32].try_into().expect("4 bytes"))
    );
    Ok(())
}
