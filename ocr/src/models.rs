//! Finding and loading the PP-OCR models: PP-OCRv6 small detection and recognition, the ONNX
//! files of the `rapidocr` 3.10.0 wheel on PyPI (Apache-2.0 weights by PaddlePaddle). README's
//! set-up downloads the wheel with pip, checks its SHA-256 and unpacks the two files into
//! [`INSTALLED`]; `QUALKIT_MODELS` names another folder.
//!
//! Two runtimes run the same files. ONNX Runtime, when its library lies beside the models (the
//! set-up unpacks it from the `onnxruntime` wheel on PyPI), is the faster by about half a page's
//! time; rten, pure Rust and built in, reads them wherever that library is absent or fails to
//! load. Both give the same characters (tests/read.rs compares them).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use crate::{Error, Result};

pub const DETECTION_FILE: &str = "PP-OCRv6_det_small.onnx";
pub const RECOGNITION_FILE: &str = "PP-OCRv6_rec_small.onnx";
/// ONNX Runtime's library as the `onnxruntime` 1.32.0 wheel ships it for this platform.
pub const ONNXRUNTIME_FILE: &str = if cfg!(windows) {
    "onnxruntime.dll"
} else if cfg!(target_os = "macos") {
    "libonnxruntime.1.32.0.dylib"
} else {
    "libonnxruntime.so.1.32.0"
};
/// The variable that names a models folder of one's own.
pub const MODELS_ENV: &str = "QUALKIT_MODELS";
/// The variable that picks a runtime (`onnxruntime` or `rten`) instead of the best available.
pub const RUNTIME_ENV: &str = "QUALKIT_OCR_RUNTIME";
/// Where README's set-up puts the models.
pub const INSTALLED: &str = "/usr/local/share/qualkit/models";

/// What runs the models.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runtime {
    /// Microsoft's ONNX Runtime, loaded from [`ONNXRUNTIME_FILE`] in the models folder.
    OnnxRuntime,
    /// rten, a pure-Rust runtime compiled into qualkit.
    Rten,
}

impl Runtime {
    pub fn name(self) -> &'static str {
        match self {
            Runtime::OnnxRuntime => "onnxruntime",
            Runtime::Rten => "rten",
        }
    }

    fn from_name(name: &str) -> Option<Runtime> {
        [Runtime::OnnxRuntime, Runtime::Rten].into_iter().find(|r| r.name() == name)
    }
}

/// A batch of images in, a tensor out: its shape and its values in row-major order.
pub(crate) struct Tensor {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

/// One loaded model in the runtime that runs it.
enum Network {
    // ONNX Runtime's `run` takes the session mutably; a reader is shared between threads.
    Onnx(Mutex<ort::session::Session>),
    Rten(Box<rten::Model>),
}

pub struct Models {
    detection: Network,
    recognition: Network,
    /// The recognition model's tokens: class `i + 1` is `dictionary[i]`; class 0 is the CTC
    /// blank and the class after the last token a space.
    pub(crate) dictionary: Vec<String>,
    runtime: Runtime,
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
        from_env
            .into_iter()
            .chain(user)
            .chain([PathBuf::from(INSTALLED), PathBuf::from("/usr/share/qualkit/models")])
            .collect()
    }

    /// Loads the models from the first folder of [`Models::search_path`] that holds both.
    pub fn locate() -> Result<Models> {
        let searched = Models::search_path();
        match searched.iter().find(|dir| dir.join(DETECTION_FILE).is_file() && dir.join(RECOGNITION_FILE).is_file()) {
            Some(dir) => Models::load(dir),
            None => Err(Error::ModelsMissing { searched }),
        }
    }

    /// Loads the models of `dir` in ONNX Runtime when its library is there and loads, else in
    /// rten; `QUALKIT_OCR_RUNTIME` insists on one (and then its failure is an error).
    pub fn load(dir: &Path) -> Result<Models> {
        let chosen = std::env::var(RUNTIME_ENV).ok().filter(|v| !v.is_empty());
        match chosen.as_deref().map(|name| (name, Runtime::from_name(name))) {
            Some((_, Some(runtime))) => Models::load_in(dir, runtime),
            Some((name, None)) => Err(Error::Model {
                path: dir.to_path_buf(),
                reason: format!("{RUNTIME_ENV}={name} names no runtime (onnxruntime or rten)"),
            }),
            None if dir.join(ONNXRUNTIME_FILE).is_file() => {
                Models::load_in(dir, Runtime::OnnxRuntime).or_else(|_| Models::load_in(dir, Runtime::Rten))
            }
            None => Models::load_in(dir, Runtime::Rten),
        }
    }

    /// Loads the models of `dir` in `runtime`.
    pub fn load_in(dir: &Path, runtime: Runtime) -> Result<Models> {
        let load = |file: &str| {
            let path = dir.join(file);
            let network = match runtime {
                Runtime::OnnxRuntime => {
                    onnx_session(dir, &path, file == RECOGNITION_FILE).map(|s| Network::Onnx(Mutex::new(s)))
                }
                Runtime::Rten => {
                    rten::Model::load_file(&path).map(|m| Network::Rten(Box::new(m))).map_err(|e| e.to_string())
                }
            };
            network.map_err(|reason| Error::Model { path, reason })
        };
        let detection = load(DETECTION_FILE)?;
        let recognition = load(RECOGNITION_FILE)?;
        let tokens = match &recognition {
            Network::Onnx(session) => session.lock().ok().and_then(|s| s.metadata().ok()?.custom("character")),
            Network::Rten(model) => model.metadata().get("character").map(str::to_string),
        };
        let dictionary: Vec<String> = tokens.unwrap_or_default().lines().map(str::to_string).collect();
        if dictionary.is_empty() {
            return Err(Error::Model {
                path: dir.join(RECOGNITION_FILE),
                reason: "the model carries no character dictionary".into(),
            });
        }
        Ok(Models { detection, recognition, dictionary, runtime, dir: dir.to_path_buf() })
    }

    pub(crate) fn detect(&self, shape: [usize; 4], data: Vec<f32>) -> Result<Tensor> {
        self.detection.run(shape, data)
    }

    pub(crate) fn recognize(&self, shape: [usize; 4], data: Vec<f32>) -> Result<Tensor> {
        self.recognition.run(shape, data)
    }

    /// The folder the models were loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What runs them.
    pub fn runtime(&self) -> Runtime {
        self.runtime
    }
}

impl Network {
    /// Runs the model on a batch of images, [n, 3, h, w], and returns its one output.
    fn run(&self, shape: [usize; 4], data: Vec<f32>) -> Result<Tensor> {
        let failed = |e: &dyn std::fmt::Display| Error::Run(e.to_string());
        match self {
            Network::Onnx(session) => {
                let input = ort::value::Tensor::from_array((shape, data)).map_err(|e| failed(&e))?;
                let mut session = session.lock().map_err(|e| failed(&e))?;
                let outputs = session.run(ort::inputs![input]).map_err(|e| failed(&e))?;
                let output = outputs.values().next().ok_or_else(|| Error::Run("the model gave no output".into()))?;
                let (dims, values) = output.try_extract_tensor::<f32>().map_err(|e| failed(&e))?;
                let shape = dims.iter().map(|&d| usize::try_from(d).unwrap_or(0)).collect();
                Ok(Tensor { shape, data: values.to_vec() })
            }
            Network::Rten(model) => {
                use rten_tensor::prelude::*;
                let input = rten_tensor::NdTensor::from_data(shape, data);
                let output: rten_tensor::Tensor<f32> = model
                    .run_one(input.view().into(), None)
                    .map_err(|e| failed(&e))?
                    .try_into()
                    .map_err(|e: rten::TryFromValueError| failed(&e))?;
                Ok(Tensor { shape: output.shape().to_vec(), data: output.into_data() })
            }
        }
    }
}

/// ONNX Runtime 1.29 and later send usage events to Microsoft from Linux and macOS unless this
/// is `1` in the environment when the library initialises (onnxruntime pull request 27379:
/// "a full non-Windows opt-out when set before initialization"); `DisableTelemetryEvents`, which
/// `with_telemetry(false)` calls, only drops the non-essential ones. Licences never leave the
/// machine, so ONNX Runtime is not started without it: the process must have it from its start
/// (setting it later is unsound with other threads running), and rten reads instead.
pub const TELEMETRY_OFF_ENV: &str = "ORT_DISABLE_TELEMETRY";

/// ONNX Runtime is loaded once per process, from the first models folder that asks for it.
static ONNXRUNTIME: OnceLock<std::result::Result<ort::environment::Environment, String>> = OnceLock::new();

/// A session of `model` in ONNX Runtime, configured by measurement over the real licences in one
/// process (docs/PERFORMANCE.md). RapidOCR's set-up (every graph optimisation, no memory arena)
/// peaked at 540 MB. The memory pattern is planned per input shape, and every page and line has
/// its own: off, 508 MB. The layout optimisations (NCHWc copies of weights and activations) cost
/// the detector 110 MB and bought it nothing measurable; the recogniser runs 9 % faster with them
/// for 10 MB. So: the detector without them, the recogniser with them, 390 MB at peak.
fn onnx_session(dir: &Path, model: &Path, layout: bool) -> std::result::Result<ort::session::Session, String> {
    use ort::session::builder::GraphOptimizationLevel;
    let environment = ONNXRUNTIME
        .get_or_init(|| {
            if cfg!(unix) && !std::env::var(TELEMETRY_OFF_ENV).is_ok_and(|v| v == "1") {
                return Err(format!(
                    "ONNX Runtime is started only with {TELEMETRY_OFF_ENV}=1 in the environment from the process's start, \
                     which turns its telemetry off; this process has not got it"
                ));
            }
            ort::init_from(dir.join(ONNXRUNTIME_FILE))
                .map_err(|e| e.to_string())?
                .with_name("qualkit")
                .with_telemetry(false)
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)?;
    let cpu = ort::ep::CPU::default().with_arena_allocator(false).build();
    ort::session::Session::builder(environment)
        .map_err(|e| e.to_string())?
        .with_execution_providers([cpu])
        .map_err(|e| e.to_string())?
        .with_memory_pattern(false)
        .map_err(|e| e.to_string())?
        .with_optimization_level(if layout { GraphOptimizationLevel::All } else { GraphOptimizationLevel::Level2 })
        .map_err(|e| e.to_string())?
        .commit_from_file(model)
        .map_err(|e| e.to_string())
}
