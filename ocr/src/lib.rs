//! qualkit-ocr: text lines from a document image, read by PaddleOCR's PP-OCR models in-process.
//!
//! The stages, each a module: [`models`] finds and loads the detection and recognition models
//! (ONNX, from the `rapidocr` wheel on PyPI; the recognition dictionary is in the model's own
//! metadata) → [`detect`] finds text lines as rotated rectangles (DB, as PaddleOCR and RapidOCR
//! post-process it) → [`recognize`] reads each line (CTC) with every character's probability and
//! where along the line it stands. The crate knows nothing of cases, vendors or stores: it takes
//! pixels and gives lines.
//!
//! ```no_run
//! let reader = qualkit_ocr::Reader::new(qualkit_ocr::Models::locate()?)?;
//! let page = image::open("licence.jpg").map_err(|e| qualkit_ocr::Error::Image(e.to_string()))?;
//! for line in reader.read(&page.to_rgb8())? {
//!     println!("{} ({:.2})", line.text(), line.score);
//! }
//! # Ok::<(), qualkit_ocr::Error>(())
//! ```

pub mod codes;
pub mod detect;
pub mod fields;
pub mod models;
pub mod recognize;

use std::path::PathBuf;

pub use detect::{DetectOptions, Quad};
pub use models::Models;

/// What can go wrong reading a page. The core turns these into messages in the user's language.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No models folder holds both model files.
    #[error("the PP-OCR models are not installed (looked in {})", searched_list(.searched))]
    ModelsMissing { searched: Vec<PathBuf> },
    /// A model file that cannot be loaded (truncated, or not a PP-OCR model).
    #[error("cannot load the OCR model {path}: {reason}")]
    Model { path: PathBuf, reason: String },
    /// The runtime failed on an input (a bug or an image the models cannot take).
    #[error("the OCR model failed: {0}")]
    Run(String),
    /// An image that cannot be decoded (only from the examples and benchmarks: the core decodes).
    #[error("cannot read the image: {0}")]
    Image(String),
}

fn searched_list(dirs: &[PathBuf]) -> String {
    dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
}

pub type Result<T> = std::result::Result<T, Error>;

/// One recognised character (a token of the model's dictionary: almost always one `char`).
#[derive(Clone, Debug, PartialEq)]
pub struct Char {
    pub text: String,
    /// The model's probability for this character at its most confident frame, 0–1.
    pub prob: f32,
    /// Where the character stands along its line, as fractions of the line's length (0 = the
    /// line's left edge, 1 = its right edge), from the frames that emitted it.
    pub span: (f32, f32),
}

/// A line of text as detected and read: its corners on the page, its characters in reading
/// order, and the detector's confidence that it is text.
#[derive(Clone, Debug, PartialEq)]
pub struct TextLine {
    /// Corners on the page, in the input image's pixels: top-left, top-right, bottom-right,
    /// bottom-left of the text as it reads.
    pub quad: Quad,
    pub chars: Vec<Char>,
    /// The detector's mean text probability inside the line, 0–1.
    pub score: f32,
}

impl TextLine {
    pub fn text(&self) -> String {
        self.chars.iter().map(|c| c.text.as_str()).collect()
    }

    /// The lowest character probability (1 for an empty line).
    pub fn min_prob(&self) -> f32 {
        self.chars.iter().map(|c| c.prob).fold(1.0, f32::min)
    }

    /// The page corners of the characters `from..to` (indices into [`TextLine::chars`]): the
    /// line's quad cut at their spans.
    pub fn quad_of(&self, from: usize, to: usize) -> Option<Quad> {
        let first = self.chars.get(from)?;
        let last = self.chars.get(to.checked_sub(1)?)?;
        Some(self.quad.cut(first.span.0, last.span.1))
    }
}

/// Models loaded once, kept warm across pages. `Sync`: one reader serves every thread.
pub struct Reader {
    models: Models,
    detect: DetectOptions,
}

impl Reader {
    pub fn new(models: Models) -> Result<Reader> {
        Ok(Reader { models, detect: DetectOptions::default() })
    }

    /// A reader whose detector sees the page at another size (for benchmarks and tuning).
    pub fn with_detect_options(mut self, options: DetectOptions) -> Reader {
        self.detect = options;
        self
    }

    pub fn models(&self) -> &Models {
        &self.models
    }

    /// Every text line of `page`, top to bottom, then left to right.
    pub fn read(&self, page: &image::RgbImage) -> Result<Vec<TextLine>> {
        let quads = detect::detect(&self.models, page, &self.detect)?;
        recognize::recognize(&self.models, page, quads)
    }

    /// Reads one already cut line image (a crop of a field, read again on its own).
    pub fn read_line(&self, line: &image::RgbImage) -> Result<TextLine> {
        let (w, h) = line.dimensions();
        let quad = Quad([(0.0, 0.0), (w as f32, 0.0), (w as f32, h as f32), (0.0, h as f32)]);
        let mut lines = recognize::recognize(&self.models, line, vec![(quad, 1.0)])?;
        lines.pop().ok_or_else(|| Error::Run("no output for a line".into()))
    }
}
