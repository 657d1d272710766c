//! Finding and loading the PP-OCR models: PP-OCRv6 small detection and recognition, the ONNX
//! files of the `rapidocr` 3.10.0 wheel on PyPI (Apache-2.0 weights by PaddlePaddle). README's
//! set-up downloads the wheel with pip, checks its SHA-256 and unpacks the two files into
//! [`INSTALLED`]; `QUALKIT_MODELS` names another folder.

use std::path::{Path, PathBuf};

use rten::Model;

use crate::{Error, Result};

pub const DETECTION_FILE: &str = "PP-OCRv6_det_small.onnx";
pub const RECOGNITION_FILE: &str = "PP-OCRv6_rec_small.onnx";
/// The variable that names a models folder of one's own.
pub const MODELS_ENV: &str = "QUALKIT_MODELS";
/// Where README's set-up puts the models.
pub const INSTALLED: &str = "/usr/local/share/qualkit/models";

pub struct Models {
    pub(crate) detection: Model,
    pub(crate) recognition: Model,
    /// The recognition model's tokens: class `i + 1` is `dictionary[i]`; class 0 is the CTC
    /// blank and the class after the last token a space.
    pub(crate) dictionary: Vec<String>,
    dir: PathBuf,
}

impl Models {
    /// The folders searched for the models, in order.
    pub fn search_path() -> Vec<PathBuf> {
        let from_env = std::env::var_os(MODELS_ENV).filter(|d| !d.is_empty()).map(PathBuf::from);
        let user = std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .map(|d| d.join("qualkit/models"));
        from_env.into_iter().chain(user).chain([PathBuf::from(INSTALLED), PathBuf::from("/usr/share/qualkit/models")]).collect()
    }

    /// Loads the models from the first folder of [`Models::search_path`] that holds both.
    pub fn locate() -> Result<Models> {
        let searched = Models::search_path();
        match searched.iter().find(|dir| dir.join(DETECTION_FILE).is_file() && dir.join(RECOGNITION_FILE).is_file()) {
            Some(dir) => Models::load(dir),
            None => Err(Error::ModelsMissing { searched }),
        }
    }

    pub fn load(dir: &Path) -> Result<Models> {
        let load = |file: &str| {
            let path = dir.join(file);
            Model::load_file(&path).map_err(|e| Error::Model { path: path.clone(), reason: e.to_string() })
        };
        let detection = load(DETECTION_FILE)?;
        let recognition = load(RECOGNITION_FILE)?;
        let dictionary: Vec<String> = recognition
            .metadata()
            .get("character")
            .map(|tokens| tokens.lines().map(str::to_string).collect())
            .unwrap_or_default();
        if dictionary.is_empty() {
            return Err(Error::Model {
                path: dir.join(RECOGNITION_FILE),
                reason: "the model carries no character dictionary".into(),
            });
        }
        Ok(Models { detection, recognition, dictionary, dir: dir.to_path_buf() })
    }

    /// Runs `model` (one of these) on a batch of images, [n, 3, h, w], and returns its one
    /// output as a tensor of rank `N`.
    pub(crate) fn run<const N: usize>(
        model: &Model,
        input: rten_tensor::NdTensor<f32, 4>,
    ) -> Result<rten_tensor::NdTensor<f32, N>> {
        use rten_tensor::prelude::*;
        model
            .run_one(input.view().into(), None)
            .map_err(|e| Error::Run(e.to_string()))?
            .try_into()
            .map_err(|e: rten::TryFromValueError| Error::Run(e.to_string()))
    }

    /// The folder the models were loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}
