//! qualkit-ocr: text lines from a document image, read by PaddleOCR's PP-OCR models in-process.
//!
//! The stages, each a module: [`models`] finds and loads the detection and recognition models
//! (ONNX, from the `rapidocr` wheel on PyPI; the recognition dictionary is in the model's own
//! metadata) → [`flatten`] undoes the perspective of a document photographed at an angle →
//! [`detect`] finds text lines as rotated rectangles (DB, as PaddleOCR and RapidOCR
//! post-process it) → [`recognize`] reads each line (CTC) with every character's probability
//! and where along the line it stands, in simplified script (the mainland's: `script`) →
//! [`fields`] (business licences) and [`forms`] (trademark certificates, ICP pages, app
//! listings) find each field by its printed label. The crate knows nothing of cases, vendors or
//! stores: it takes pixels and gives lines and fields.
//!
//! ```no_run
//! let reader = qualkit_ocr::Reader::new(qualkit_ocr::Models::locate()?)?;
//! let page = image::open("licence.jpg").map_err(|e| qualkit_ocr::Error::Image(e.to_string()))?;
//! for line in reader.read(&page.to_rgb8())?.lines {
//!     println!("{} ({:.2})", line.text(), line.score);
//! }
//! # Ok::<(), qualkit_ocr::Error>(())
//! ```

pub mod codes;
pub mod detect;
pub mod fields;
pub mod flatten;
pub mod forms;
pub mod models;
pub mod recognize;
mod script;

use std::path::PathBuf;

use imageproc::geometric_transformations::Projection;

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
    /// The next most probable tokens at that frame, most probable first, with their
    /// probabilities: where a field's alphabet is known (a credit code has no S), the reading
    /// in that alphabet is the most probable of these that belongs to it.
    pub alternatives: Vec<(String, f32)>,
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

/// A page whose characters average less than this probability may be upside down.
const POOR_READING: f32 = 0.75;

fn mean_prob(lines: &[TextLine]) -> f32 {
    let (sum, n) = lines.iter().flat_map(|l| &l.chars).fold((0.0, 0usize), |(s, n), c| (s + c.prob, n + 1));
    if n == 0 { 0.0 } else { sum / n as f32 }
}

/// The text of a page: its lines on the page seen flat and turned upright.
#[derive(Clone, Debug)]
pub struct PageText {
    pub lines: Vec<TextLine>,
    /// How far the page was turned, clockwise, to read it.
    pub turn: Turn,
    /// The size of the page that was turned: the page as given, or the document cut from it
    /// and seen flat.
    size: (u32, u32),
    /// From the page that was read back onto the page as given, when that was a document cut
    /// out of it: seen flat (photographed at an angle), or a small document's region.
    back: Option<Projection>,
    /// Whether the document was photographed at an angle and read flat.
    flattened: bool,
}

impl PageText {
    /// The lines of an upright page of `size` that another reader read (a benchmark's baseline
    /// given the same layout).
    pub fn from_lines(lines: Vec<TextLine>, size: (u32, u32)) -> PageText {
        PageText { lines, turn: Turn::None, size, back: None, flattened: false }
    }

    /// A quad of the upright page on the page as given.
    pub fn on_page(&self, quad: &Quad) -> Quad {
        Quad(quad.0.map(|p| {
            let p = self.turn.back(p, self.size);
            self.back.map_or(p, |back| back * p)
        }))
    }

    /// Whether the page was a document photographed at an angle, read flat.
    pub fn was_flattened(&self) -> bool {
        self.flattened
    }

    /// The page's width and height once turned upright, as its lines' corners are.
    pub fn upright_size(&self) -> (u32, u32) {
        let (w, h) = self.size;
        match self.turn {
            Turn::Quarter | Turn::ThreeQuarters => (h, w),
            Turn::None | Turn::Half => (w, h),
        }
    }

    /// The lines' text, one line a row.
    pub fn text(&self) -> String {
        self.lines.iter().map(TextLine::text).collect::<Vec<_>>().join("\n")
    }
}

/// How far a page is turned (clockwise) to read it upright.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Turn {
    None,
    Quarter,
    Half,
    ThreeQuarters,
}

impl Turn {
    fn apply(self, page: &image::RgbImage) -> image::RgbImage {
        use image::imageops::{rotate90, rotate180, rotate270};
        match self {
            Turn::None => page.clone(),
            Turn::Quarter => rotate90(page),
            Turn::Half => rotate180(page),
            Turn::ThreeQuarters => rotate270(page),
        }
    }

    /// A point of the turned page back on the page as given (`size` is the given page's).
    fn back(self, (u, v): (f32, f32), (w, h): (u32, u32)) -> (f32, f32) {
        let (w, h) = (w as f32, h as f32);
        match self {
            Turn::None => (u, v),
            Turn::Quarter => (v, h - 1.0 - u),
            Turn::Half => (w - 1.0 - u, h - 1.0 - v),
            Turn::ThreeQuarters => (w - 1.0 - v, u),
        }
    }
}

/// Models loaded once, kept warm across pages. `Sync`: one reader serves every thread.
pub struct Reader {
    models: Models,
    detect: DetectOptions,
    see_through_colour: bool,
    flatten: bool,
}

impl Reader {
    pub fn new(models: Models) -> Result<Reader> {
        Ok(Reader { models, detect: DetectOptions::default(), see_through_colour: true, flatten: true })
    }

    /// A reader whose detector sees the page at another size (for benchmarks and tuning).
    pub fn with_detect_options(mut self, options: DetectOptions) -> Reader {
        self.detect = options;
        self
    }

    /// Whether lines are read with coloured marks (seals, watermarks) lightened away: on by
    /// default; off reads the colours as they are (for benchmarks).
    pub fn with_colour_removed(mut self, on: bool) -> Reader {
        self.see_through_colour = on;
        self
    }

    /// Whether a document photographed at an angle is seen flat before it is read: on by
    /// default; off reads every photo as it is (for benchmarks).
    pub fn with_flattening(mut self, on: bool) -> Reader {
        self.flatten = on;
        self
    }

    pub fn models(&self) -> &Models {
        &self.models
    }

    /// Every text line of `page`, top to bottom, then left to right as the text reads. A
    /// document photographed at an angle is seen flat first, and one that fills little of the
    /// frame (a card held up to the camera) is read from its own region; a page turned on its side (most
    /// lines taller than wide) is read turned upright, and a page read poorly is read again
    /// upside down, the better reading kept: the lines' corners are on the flat, upright page,
    /// and [`PageText::on_page`] puts them back on `page`.
    pub fn read(&self, page: &image::RgbImage) -> Result<PageText> {
        let quads = detect::detect(&self.models, page, &self.detect)?;
        let flat = if self.flatten { flatten::flatten(page, &quads) } else { None };
        let (page, quads) = match &flat {
            Some(flat) => (&flat.image, detect::detect(&self.models, &flat.image, &self.detect)?),
            None => (page, quads),
        };
        let region = detect::small_document(page.dimensions(), &quads, &self.detect);
        let cut = region.map(|(x, y, w, h)| (image::imageops::crop_imm(page, x, y, w, h).to_image(), (x, y)));
        let (page, quads) = match &cut {
            Some((document, _)) => (document, detect::detect(&self.models, document, &self.detect)?),
            None => (page, quads),
        };
        let tall = quads.iter().filter(|(q, _)| q.height() > 1.5 * q.width()).count();
        let sideways = quads.len() >= 4 && 2 * tall > quads.len();
        let (first, second) = if sideways { (Turn::Quarter, Turn::ThreeQuarters) } else { (Turn::None, Turn::Half) };
        let mut best = match first {
            Turn::None => (recognize::recognize(&self.models, page, quads, self.see_through_colour)?, first),
            turn => (self.read_turned(page, turn)?, turn),
        };
        if mean_prob(&best.0) < POOR_READING {
            let again = self.read_turned(page, second)?;
            if mean_prob(&again) > mean_prob(&best.0) {
                best = (again, second);
            }
        }
        let (mut lines, turn) = best;
        script::in_simplified(&mut lines);
        let size = page.dimensions();
        let flattened = flat.is_some();
        let back = match (flat.map(|f| f.back), cut.map(|(_, (x, y))| Projection::translate(x as f32, y as f32))) {
            (Some(flat), Some(cut)) => Some(flat * cut),
            (flat, cut) => flat.or(cut),
        };
        Ok(PageText { lines, turn, size, back, flattened })
    }

    fn read_turned(&self, page: &image::RgbImage, turn: Turn) -> Result<Vec<TextLine>> {
        let turned = turn.apply(page);
        let quads = detect::detect(&self.models, &turned, &self.detect)?;
        recognize::recognize(&self.models, &turned, quads, self.see_through_colour)
    }

    /// Reads one already cut line image (a crop of a field, read again on its own).
    pub fn read_line(&self, line: &image::RgbImage) -> Result<TextLine> {
        let (w, h) = line.dimensions();
        let quad = Quad([(0.0, 0.0), (w as f32, 0.0), (w as f32, h as f32), (0.0, h as f32)]);
        let mut lines = recognize::recognize(&self.models, line, vec![(quad, 1.0)], self.see_through_colour)?;
        script::in_simplified(&mut lines);
        lines.pop().ok_or_else(|| Error::Run("no output for a line".into()))
    }
}
