//! The flags that choose a run's data: a data set by name (`--dataset`, from the registry in
//! `gan_studio::data::sets`) and, optionally, where its images are (`--data`).

use std::path::PathBuf;

use anyhow::{Result, anyhow};
use clap::Args;
use clap::builder::{PossibleValue, PossibleValuesParser};
use gan_studio::checkpoint::Checkpoint;
use gan_studio::data::MnistSet;
use gan_studio::data::sets::{DATA_SETS, DataSet, data_set};

use crate::files::{load_shipped, read_data};

/// `--dataset`'s values: the registry's data sets, with their titles as help.
fn data_set_names() -> PossibleValuesParser {
    PossibleValuesParser::new(
        DATA_SETS
            .iter()
            .map(|set| PossibleValue::new(set.name).help(set.title)),
    )
}

/// The data set by name.
pub fn named_data_set(name: &str) -> Result<&'static DataSet> {
    data_set(name).ok_or_else(|| anyhow!("no data set called {name:?} in this build"))
}

/// The shipped items of the data set `checkpoint` learned.
pub fn learned_data(checkpoint: &Checkpoint) -> Result<MnistSet> {
    let set = named_data_set(&checkpoint.data_set)?;
    Ok(load_shipped(set)?.with_data_set(set))
}

/// Which data, and from where.
#[derive(Args, Clone)]
pub struct DataArgs {
    /// The data set (default: MNIST, or a resumed run's); its shipped 10,000 items unless
    /// --data gives others.
    #[arg(long, value_parser = data_set_names())]
    dataset: Option<String>,
    /// Where the data set's images are: a GAN Studio data file, or IDX files (gzipped or not):
    /// a folder with train-images-idx3-ubyte and train-labels-idx1-ubyte (its t10k-* pair held
    /// out), or an image file with its label file beside it.
    #[arg(long)]
    data: Option<PathBuf>,
}

impl DataArgs {
    /// The data set named by `--dataset`, else `default`.
    pub fn data_set(&self, default: &'static DataSet) -> Result<&'static DataSet> {
        self.dataset.as_deref().map_or(Ok(default), named_data_set)
    }

    /// The data: `--data`'s files, or the data set's shipped file; known as that data set.
    pub fn load(&self, default: &'static DataSet) -> Result<MnistSet> {
        let set = self.data_set(default)?;
        let data = match &self.data {
            Some(path) => read_data(path)?,
            None => load_shipped(set)?,
        };
        Ok(data.with_data_set(set))
    }

    /// Where [`DataArgs::load`] reads the images from, for the run's first line: `--data`'s
    /// path, or the shipped file.
    pub fn source(&self) -> String {
        match &self.data {
            Some(path) => path.display().to_string(),
            None => "the shipped file (--data gives others)".into(),
        }
    }
}
