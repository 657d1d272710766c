//! OCR: reading a material image into a [`Reading`], field by field.
//!
//! Where PaddleOCR's PP-OCR models are installed (README's set-up), every kind is read by them
//! through `qualkit-ocr`: licences by its own label layout ([`qualkit_ocr::fields`]), trademark
//! certificates, ICP pages and app listings by the label layout of [`crate::layout`], fed
//! PP-OCR's characters as it was fed Tesseract's. Elsewhere (or with
//! `QUALKIT_OCR_ENGINE=tesseract`) Tesseract reads (libtesseract 5, chi_sim + eng): decode under
//! limits ([`scan::open_image`]) → prepare the page ([`scan::prepare`]) → one Tesseract pass for
//! word boxes → fields anchored on their printed labels ([`crate::layout`]) → a second,
//! whitelisted pass on codes and a re-read of names, whose disagreements mark characters as
//! uncertain. Facts behind each step: shared/engineering/ocr.md. A value is returned as printed
//! or not at all; a character the reader is unsure of is listed in [`Field::uncertain`] so the
//! checks ask a person instead of claiming a mismatch.

use std::path::{Path, PathBuf};
use std::time::Instant;

use image::GrayImage;
use serde::Serialize;
use tesseract::{OcrEngineMode, PageSegMode, Tesseract};

use crate::error::{Error, Result};
use crate::i18n::Text;
use crate::layout;
use crate::reading::{DocKind, Field, Origin, Reading};
use crate::scan;

/// The version of the reader below, kept with each OCR reading: raise it when a change reads
/// documents better, and cached readings of older versions are read again (a person's
/// confirmations are kept). 2: names voted from crop reads (organisations' by the better model
/// when installed), photos cropped to their paper. 3: every field read twice, disagreements
/// doubted; exact labels before near ones; wrapped rows kept; Chinese punctuation full-width.
/// 4: business licences read by PP-OCR (qualkit-ocr) where its models are installed. 5: each
/// line recognised at its own width (in ONNX Runtime where installed); short rows level. 6:
/// trademark certificates, ICP pages and app listings read by PP-OCR too; seal lines dropped.
/// 7: lines cut bicubic from whole-pixel corners, as PaddleOCR cuts them; a credit code read a
/// character short is doubted, never cut down to a registration number. 8: codes read in their
/// alphabet (a credit code's S is the model's runner-up that passes the check); a code whose
/// check holds with one character doubted is settled.
pub const READER_VERSION: u32 = 8;

/// PP-OCR's models, loaded once per process and shared by every engine (a [`qualkit_ocr::Reader`]
/// is `Sync`): `None` where they are not installed, and Tesseract reads every kind as before.
fn pp_ocr() -> Option<&'static qualkit_ocr::Reader> {
    static READER: std::sync::OnceLock<Option<qualkit_ocr::Reader>> = std::sync::OnceLock::new();
    READER.get_or_init(|| qualkit_ocr::Models::locate().and_then(qualkit_ocr::Reader::new).ok()).as_ref()
}

/// One recognised glyph (chi_sim reports each Chinese character as a word; a Latin word is split
/// into characters with its box divided evenly), in prepared-page coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct Glyph {
    pub ch: char,
    /// Tesseract's word confidence, 0–100.
    pub conf: f32,
    pub rect: Rect,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

impl Rect {
    pub fn right(&self) -> u32 {
        self.x + self.w
    }
    pub fn bottom(&self) -> u32 {
        self.y + self.h
    }
    pub fn centre_y(&self) -> u32 {
        self.y + self.h / 2
    }
    pub fn centre_x(&self) -> u32 {
        self.x + self.w / 2
    }
    /// Whether `other`'s centre lies inside this rectangle.
    pub fn holds_centre_of(&self, other: &Rect) -> bool {
        (self.x..self.right()).contains(&other.centre_x()) && (self.y..self.bottom()).contains(&other.centre_y())
    }
    pub fn union(&self, other: &Rect) -> Rect {
        if self.w == 0 && self.h == 0 {
            return *other;
        }
        let (x, y) = (self.x.min(other.x), self.y.min(other.y));
        Rect { x, y, w: self.right().max(other.right()) - x, h: self.bottom().max(other.bottom()) - y }
    }
    pub fn grown(&self, by: u32, limit: (u32, u32)) -> Rect {
        let (x, y) = (self.x.saturating_sub(by), self.y.saturating_sub(by));
        Rect { x, y, w: (self.right() + by).min(limit.0) - x, h: (self.bottom() + by).min(limit.1) - y }
    }
}

/// A line of text as Tesseract segmented it, glyphs left to right.
#[derive(Clone, Debug, Default)]
pub struct Line {
    pub glyphs: Vec<Glyph>,
}

impl Line {
    pub fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.ch).collect()
    }
    pub fn rect(&self) -> Rect {
        self.glyphs.iter().fold(Rect::default(), |r, g| r.union(&g.rect))
    }
}

/// What `qualkit ocr` returns for one file (shared/spec/cli.md).
#[derive(Clone, Debug, Serialize)]
pub struct OcrOutput {
    pub reading: Reading,
    pub warnings: Vec<Text>,
    pub elapsed_ms: u64,
}

/// Tesseract engines kept warm: loading chi_sim costs about 0.15 s, more than reading a field.
/// Not `Sync` (Tesseract instances must not be shared across threads): one per worker.
pub struct Engine {
    chinese: Slot,
    codes: Slot,
    /// A better chi_sim model, when installed ([`better_chinese_model`]): it reads the crops of
    /// organisations' names.
    names: Option<Slot>,
}

/// Tesseract's builder methods consume the engine and drop it on error; a slot reloads it then.
struct Slot {
    language: &'static str,
    /// A tessdata folder of our own; `None` for the system's (Debian's) language data.
    datapath: Option<PathBuf>,
    api: Option<Tesseract>,
}

impl Slot {
    fn new(language: &'static str, datapath: Option<PathBuf>) -> Result<Slot> {
        let api = load(language, datapath.as_deref())?;
        Ok(Slot { language, datapath, api: Some(api) })
    }

    fn take(&mut self) -> Result<Tesseract> {
        match self.api.take() {
            Some(api) => Ok(api),
            None => load(self.language, self.datapath.as_deref()),
        }
    }
}

/// The folder `./dev.sh` installs a better Chinese model into: the integerised best LSTM of
/// tessdata 4.0.0 (npm package @tesseract.js-data/chi_sim; Debian ships only the fast model,
/// ocr.md §2–§3), reduced to its LSTM parts. On the benchmark's hold-out set the fast model read
/// 睿 as 贮/寄/寡 in every condition; this one read it right. Its legacy config is left out on
/// purpose: it sets process-wide layout parameters (textord_*, edges_*) that changed how the
/// fast model's engine in the same process segmented pages (credit codes 24/24 → 21/24).
/// `QUALKIT_TESSDATA` names another folder.
pub const TESSDATA_ENV: &str = "QUALKIT_TESSDATA";

/// The folder holding the better chi_sim model, if one is installed.
pub fn better_chinese_model() -> Option<PathBuf> {
    let from_env = std::env::var_os(TESSDATA_ENV).filter(|d| !d.is_empty()).map(PathBuf::from);
    let installed = ["/usr/local/share/qualkit/tessdata", "/usr/share/qualkit/tessdata"].map(PathBuf::from);
    from_env
        .into_iter()
        .chain(dirs::data_dir().map(|d| d.join("qualkit").join("tessdata")))
        .chain(installed)
        .find(|dir| dir.join("chi_sim.traineddata").is_file())
}

fn load(language: &str, datapath: Option<&Path>) -> Result<Tesseract> {
    let missing = |detail: String| {
        Error::input(
            format!(
                "无法启动 Tesseract OCR（语言 {language}）：{detail}。请安装 tesseract-ocr 和 tesseract-ocr-chi-sim。"
            ),
            format!(
                "cannot start Tesseract OCR (language {language}): {detail}. Install tesseract-ocr and tesseract-ocr-chi-sim."
            ),
        )
    };
    let api = match datapath {
        Some(dir) => Tesseract::new_with_oem(Some(&dir.to_string_lossy()), Some(language), OcrEngineMode::LstmOnly),
        None => Tesseract::new(None, Some(language)),
    }
    .map_err(|e| missing(e.to_string()))?;
    // Tesseract's diagnostics ("Estimating resolution…") are not for our users' terminals.
    let api = api.set_variable("debug_file", "/dev/null").map_err(|e| missing(e.to_string()))?;
    // Tesseract re-reads every doubtful line inverted, in case it is light on dark; the page
    // preparation has already turned such regions dark on light, so that is wasted time.
    api.set_variable("tessedit_do_invert", "0").map_err(|e| missing(e.to_string()))
}

fn tesseract_failed(detail: impl std::fmt::Display) -> Error {
    Error::input(format!("OCR 失败：{detail}"), format!("OCR failed: {detail}"))
}

impl Engine {
    pub fn new() -> Result<Engine> {
        // A broken extra model is no reason to stop reading: Debian's reads every field.
        let names = better_chinese_model().and_then(|dir| Slot::new("chi_sim", Some(dir)).ok());
        Ok(Engine { chinese: Slot::new("chi_sim", None)?, codes: Slot::new("eng", None)?, names })
    }

    /// Reads one image file as a document of `kind`.
    pub fn read_file(&mut self, path: &Path, kind: DocKind) -> Result<OcrOutput> {
        let started = Instant::now();
        if kind == DocKind::AuthorizationLetter {
            return Err(Error::input(
                "授权委托书不做 OCR：请用“确认字段”录入它的内容",
                "authorization letters are not read by OCR: confirm their fields by hand",
            ));
        }
        let picture = scan::open_image(path)?;
        if let Some(reader) = pp_ocr().filter(|_| !tesseract_only()) {
            return match kind {
                DocKind::BusinessLicense => read_licence(reader, &picture, started),
                _ => read_by_layout(reader, &picture, kind, started),
            };
        }
        let style = if kind == DocKind::AppListing { scan::PageStyle::Screen } else { scan::PageStyle::Paper };
        let prepared = scan::prepare(&picture, style);
        // What Tesseract is given, for whoever tunes the preparation (like tessedit_write_images).
        let dump = std::env::var_os("QUALKIT_OCR_DUMP");
        if let Some(dir) = &dump {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let _best_effort = prepared.image.save(Path::new(&dir).join(format!("{name}.prepared.png")));
        }
        let psm = match kind {
            // Screenshots are sparse text in boxes; psm 6 misread 闽 as 冰 where 11 did not.
            DocKind::AppListing | DocKind::IcpRecord => PageSegMode::PsmSparseText,
            _ => PageSegMode::PsmSingleBlock,
        };
        let page_started = Instant::now();
        let lines = self.lines(&prepared.image, psm)?;
        if dump.is_some() {
            let (w, h) = prepared.image.dimensions();
            let ms = |d: std::time::Duration| d.as_millis();
            eprintln!(
                "decoded and prepared {w}×{h} in {} ms, page read in {} ms",
                ms(page_started - started),
                ms(page_started.elapsed())
            );
            for line in &lines {
                let r = line.rect();
                eprintln!("{:>5},{:<5} h{:<3} {}", r.x, r.y, r.h, line.text());
            }
        }
        let page = layout::Page { lines, image: &prepared.image };
        let mut extracted = layout::extract(kind, &page);
        let mut warnings = Vec::new();
        for field in &mut extracted {
            let field_started = Instant::now();
            self.second_opinion(&prepared.image, prepared.transform.scale, field, &mut warnings)?;
            if dump.is_some() {
                let (key, rows) = (field.key, field.rows().len());
                eprintln!("second read of {key} ({rows} rows) in {} ms", field_started.elapsed().as_millis());
            }
        }
        let mut reading = Reading::new(kind, Origin::Ocr);
        reading.reader = READER_VERSION;
        reading.text = page.lines.iter().map(Line::text).collect::<Vec<_>>().join("\n");
        for field in extracted {
            let (value, uncertain) = field.finish();
            if value.is_empty() {
                continue;
            }
            let confidence = field.glyphs.iter().map(|g| g.conf).fold(100.0f32, f32::min) / 100.0;
            let rect = field.glyphs.iter().fold(Rect::default(), |r, g| r.union(&g.rect));
            let bbox = prepared.transform.to_original([rect.x, rect.y, rect.w, rect.h]);
            let confidence = if uncertain.is_empty() { confidence.clamp(0.0, 1.0) } else { confidence.min(0.5) };
            reading.fields.insert(field.key.to_string(), Field { value, confidence, bbox: Some(bbox), uncertain });
        }
        warnings.extend(layout::missing_warnings(kind, &reading));
        Ok(OcrOutput { reading, warnings, elapsed_ms: started.elapsed().as_millis() as u64 })
    }

    /// Recognises a prepared page (or a crop of it) and returns its lines of glyphs.
    pub fn lines(&mut self, image: &GrayImage, psm: PageSegMode) -> Result<Vec<Line>> {
        let tsv = recognise(&mut self.chinese, image, psm, None)?;
        Ok(parse_tsv(&tsv, (0, 0)))
    }

    /// Every field read again from its crop, apart from the page, where Tesseract errs
    /// differently; characters the reads disagree on are doubted. A credit code is read by the
    /// eng model restricted to the code's alphabet (exact codes rose from 18/24 to 21/24 in our
    /// probe), then settled by the check character; a one-row name is voted from three reads.
    fn second_opinion(
        &mut self,
        page: &GrayImage,
        page_scale: f32,
        field: &mut layout::Extracted,
        warnings: &mut Vec<Text>,
    ) -> Result<()> {
        let limit = page.dimensions();
        let crop_of =
            |area: Rect| with_margin(&image::imageops::crop_imm(page, area.x, area.y, area.w, area.h).to_image());
        match (field.key, field.area(limit)) {
            ("uscc", Some(area)) => {
                let crop = crop_of(area);
                let tsv =
                    recognise(&mut self.codes, &crop, PageSegMode::PsmSingleLine, Some(crate::ident::USCC_CHARSET))?;
                let second: String = parse_tsv(&tsv, (0, 0)).iter().map(Line::text).collect();
                layout::settle_uscc(field, &second, warnings);
            }
            (key, Some(area)) if layout::is_name(key) => {
                let crop = crop_of(area);
                // The value alone on a line, at the page's scale, larger and smaller: read apart
                // from the page, Tesseract gets characters right that it got wrong in the page's
                // context (云帆 read as 云由, 宏达 as 安达), and each scale errs differently.
                // With the better model, an organisation's name (or a mark, often its trade name)
                // is read by it at two scales, then by the fast model; on small images it read
                // people's names worse.
                // A trademark's mark is printed far larger than the text the page was scaled for
                // (睿智 came back as 5苹矢口, 智 split in two): its crop is scaled to its own size.
                let glyph_height = area.h.saturating_sub(2 * (area.h / 5)).max(1) as f32;
                let [first, second, third] = if key == "mark" {
                    let fit = (scan::TARGET_GLYPH_PX / glyph_height).clamp(0.1, 3.0);
                    [fit, fit * 1.33, fit * 0.8]
                } else {
                    name_read_scales(page_scale)
                };
                let better = self.names.is_some() && (layout::is_organisation(key) || key == "mark");
                let plan = if better {
                    [(true, first), (true, second), (false, first)]
                } else {
                    [(false, first), (false, second), (false, third)]
                };
                let mut reads = Vec::with_capacity(plan.len());
                for (better, scale) in plan {
                    // Two crop reads that agree outvote any other pair (ties go to the first).
                    if let [first, second] = reads.as_slice()
                        && first == second
                    {
                        break;
                    }
                    let image = if scale == 1.0 { crop.clone() } else { scaled(&crop, scale) };
                    let slot = match (better, self.names.as_mut()) {
                        (true, Some(names)) => names,
                        _ => &mut self.chinese,
                    };
                    let lines = parse_tsv(&recognise(slot, &image, PageSegMode::PsmSingleLine, None)?, (0, 0));
                    reads.push(lines.iter().map(Line::text).collect::<String>());
                }
                field.vote(&reads);
            }
            // Anything else, a wrapped name or a credit code across rows included: each row once
            // more on its own, by the better model where it is installed, since the same model
            // repeats its mistakes (凭 read as 赁 on the page and on the crop). It cannot correct,
            // only doubt, so the page's reading stands.
            _ => {
                let rows: Vec<_> = field.rows().into_iter().filter(|row| !field.row_doubted(row.clone())).collect();
                for row in rows {
                    let Some(area) = field.row_area(row.clone(), limit) else { continue };
                    let slot = self.names.as_mut().unwrap_or(&mut self.chinese);
                    let lines = parse_tsv(&recognise(slot, &crop_of(area), PageSegMode::PsmSingleLine, None)?, (0, 0));
                    field.compare_row(row, &lines.iter().map(Line::text).collect::<String>());
                }
            }
        }
        Ok(())
    }
}

/// A business licence read by PP-OCR: text lines, then the fields by their labels
/// (qualkit-ocr), each value finished as every reading is (dates ISO, punctuation as printed).
fn read_licence(reader: &qualkit_ocr::Reader, picture: &image::DynamicImage, started: Instant) -> Result<OcrOutput> {
    let page = reader.read(&picture.to_rgb8()).map_err(reader_failed)?;
    let mut reading = Reading::new(DocKind::BusinessLicense, Origin::Ocr);
    reading.reader = READER_VERSION;
    reading.text = page.text();
    for found in qualkit_ocr::fields::business_licence(&page.lines) {
        let glyphs: Vec<Glyph> = found
            .value
            .chars()
            .zip(&found.probs)
            .map(|(ch, prob)| Glyph { ch, conf: prob * 100.0, rect: Rect::default() })
            .collect();
        let doubt = (0..glyphs.len()).map(|i| found.uncertain.contains(&i)).collect();
        let (value, uncertain) = layout::Extracted::found(found.key, glyphs, doubt).finish();
        if value.is_empty() {
            continue;
        }
        let confidence = found.probs.iter().copied().fold(1.0f32, f32::min);
        let confidence = if uncertain.is_empty() { confidence } else { confidence.min(0.5) };
        let bbox = found
            .quads
            .iter()
            .map(|q| page.on_page(q).bounds())
            .reduce(|a, b| (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)));
        let bbox =
            bbox.map(|(x0, y0, x1, y1)| [x0 as u32, y0 as u32, (x1 - x0).max(1.0) as u32, (y1 - y0).max(1.0) as u32]);
        reading.fields.insert(found.key.to_string(), Field { value, confidence, bbox, uncertain });
    }
    let warnings = layout::missing_warnings(DocKind::BusinessLicense, &reading);
    Ok(OcrOutput { reading, warnings, elapsed_ms: started.elapsed().as_millis() as u64 })
}

/// `QUALKIT_OCR_ENGINE=tesseract` reads every kind with Tesseract, as before PP-OCR (for
/// benchmarks, and for whoever needs the old reader back).
fn tesseract_only() -> bool {
    std::env::var("QUALKIT_OCR_ENGINE").is_ok_and(|v| v == "tesseract")
}

/// A trademark certificate, an ICP page or an app listing read by PP-OCR: its lines given to
/// the label layout ([`crate::layout`]) as Tesseract's would be, each character boxed where it
/// stands. A certificate's rows are whole lines, as Tesseract's single-block mode reads them;
/// screenshots keep their pieces apart, as its sparse mode does. A character PP-OCR is less
/// sure of than [`qualkit_ocr::fields::UNSURE_BELOW`] is doubted, as on licences.
fn read_by_layout(
    reader: &qualkit_ocr::Reader,
    picture: &image::DynamicImage,
    kind: DocKind,
    started: Instant,
) -> Result<OcrOutput> {
    let page = reader.read(&picture.to_rgb8()).map_err(reader_failed)?;
    let height = upright_height(picture, page.turn);
    let lines = glyph_lines(&page.lines, kind == DocKind::TrademarkCertificate);
    // The layout reads only the page's height from its image (an app name sits in its top part).
    let column = GrayImage::new(1, height.max(1));
    let layout_page = layout::Page { lines, image: &column };
    let mut reading = Reading::new(kind, Origin::Ocr);
    reading.reader = READER_VERSION;
    reading.text = page.text();
    for field in layout::extract(kind, &layout_page) {
        let doubt = field.glyphs.iter().map(|g| g.conf < qualkit_ocr::fields::UNSURE_BELOW * 100.0).collect();
        let glyphs = field.glyphs.clone();
        let (value, uncertain) = layout::Extracted::found(field.key, glyphs, doubt).finish();
        if value.is_empty() {
            continue;
        }
        let confidence = field.glyphs.iter().map(|g| g.conf).fold(100.0f32, f32::min) / 100.0;
        let confidence = if uncertain.is_empty() { confidence.clamp(0.0, 1.0) } else { confidence.min(0.5) };
        let rect = field.glyphs.iter().fold(Rect::default(), |r, g| r.union(&g.rect));
        let corners =
            [(rect.x, rect.y), (rect.right(), rect.y), (rect.right(), rect.bottom()), (rect.x, rect.bottom())];
        let quad = qualkit_ocr::Quad(corners.map(|(x, y)| (x as f32, y as f32)));
        let (x0, y0, x1, y1) = page.on_page(&quad).bounds();
        let bbox = [x0 as u32, y0 as u32, (x1 - x0).max(1.0) as u32, (y1 - y0).max(1.0) as u32];
        reading.fields.insert(field.key.to_string(), Field { value, confidence, bbox: Some(bbox), uncertain });
    }
    let warnings = layout::missing_warnings(kind, &reading);
    Ok(OcrOutput { reading, warnings, elapsed_ms: started.elapsed().as_millis() as u64 })
}

/// The page's height as read: turned a quarter, its width is its height.
fn upright_height(picture: &image::DynamicImage, turn: qualkit_ocr::Turn) -> u32 {
    match turn {
        qualkit_ocr::Turn::Quarter | qualkit_ocr::Turn::ThreeQuarters => picture.width(),
        qualkit_ocr::Turn::None | qualkit_ocr::Turn::Half => picture.height(),
    }
}

/// PP-OCR's lines as the layout's lines of glyphs, on the upright page. A character's span
/// covers only the frames that emitted it, far narrower than the glyph: each box is as wide as
/// the line is high, centred on its span, and never past the middle between two neighbours.
/// With `rows`, lines side by side on one row become one line, left to right.
fn glyph_lines(lines: &[qualkit_ocr::TextLine], rows: bool) -> Vec<Line> {
    let mut out: Vec<(f32, f32, Line)> = Vec::new();
    for line in lines {
        let height = line.quad.height();
        let centres: Vec<(f32, f32)> =
            (0..line.chars.len()).filter_map(|i| line.quad_of(i, i + 1)).map(|q| q.centre()).collect();
        let glyphs: Vec<Glyph> = line
            .chars
            .iter()
            .zip(&centres)
            .enumerate()
            .filter_map(|(i, (c, &(x, y)))| {
                let ch = c.text.chars().next()?;
                let before =
                    i.checked_sub(1).and_then(|j| centres.get(j)).map_or(f32::INFINITY, |p| (x - p.0).abs() / 2.0);
                let after = centres.get(i + 1).map_or(f32::INFINITY, |p| (p.0 - x).abs() / 2.0);
                let half = (height / 2.0).min(before).min(after).max(1.0);
                let rect = Rect {
                    x: (x - half).max(0.0) as u32,
                    y: (y - height / 2.0).max(0.0) as u32,
                    w: (2.0 * half) as u32,
                    h: height.max(1.0) as u32,
                };
                Some(Glyph { ch, conf: c.prob * 100.0, rect })
            })
            .collect();
        if glyphs.is_empty() {
            continue;
        }
        let (_, cy) = line.quad.centre();
        let joined = rows.then(|| out.iter_mut().find(|(y, h, _)| (cy - *y).abs() < 0.5 * h.max(height))).flatten();
        match joined {
            Some((_, _, row)) => {
                row.glyphs.extend(glyphs);
                row.glyphs.sort_by_key(|g| g.rect.x);
            }
            None => out.push((cy, height, Line { glyphs })),
        }
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out.into_iter().map(|(_, _, line)| line).collect()
}

/// The reader's error in the user's language: what failed, and what to do.
fn reader_failed(e: qualkit_ocr::Error) -> Error {
    match e {
        qualkit_ocr::Error::ModelsMissing { .. } => Error::input(
            "未安装 PP-OCR 模型：请运行 ./dev.sh 安装，或用 QUALKIT_MODELS 指定模型目录",
            "the PP-OCR models are not installed: run ./dev.sh, or name their folder with QUALKIT_MODELS",
        ),
        qualkit_ocr::Error::Model { path, .. } => Error::input(
            format!("PP-OCR 模型文件已损坏：{}。请删除后运行 ./dev.sh 重新安装", path.display()),
            format!(
                "the PP-OCR model file {} is damaged: delete it and run ./dev.sh to install it again",
                path.display()
            ),
        ),
        qualkit_ocr::Error::Run(detail) | qualkit_ocr::Error::Image(detail) => Error::input(
            format!("识别文字失败（模型无法处理这张图片）：{detail}"),
            format!("OCR failed (the model could not process this image): {detail}"),
        ),
    }
}

/// The scales a name's crop is read at again, besides its reading on the page. A page that was
/// enlarged more than 1.5 times (a small image) holds no detail at the larger scale, and reads
/// better nearer its own size: on our low-resolution set, 0.6 read 瑞丰 and 云帆 where 1.33 read
/// 珊丰 and 云机.
fn name_read_scales(page_scale: f32) -> [f32; 3] {
    if page_scale > 1.5 { [1.0, 0.6, 0.8] } else { [1.0, 1.33, 0.8] }
}

fn scaled(image: &GrayImage, scale: f32) -> GrayImage {
    let size = |v: u32| ((v as f32 * scale).round() as u32).max(1);
    image::imageops::resize(image, size(image.width()), size(image.height()), image::imageops::FilterType::CatmullRom)
}

/// A white border around a crop: Tesseract misreads text that touches the image edge.
fn with_margin(crop: &GrayImage) -> GrayImage {
    const PAD: u32 = 16;
    let mut padded = GrayImage::from_pixel(crop.width() + 2 * PAD, crop.height() + 2 * PAD, image::Luma([255]));
    image::imageops::replace(&mut padded, crop, i64::from(PAD), i64::from(PAD));
    padded
}

fn recognise(slot: &mut Slot, image: &GrayImage, psm: PageSegMode, whitelist: Option<&str>) -> Result<String> {
    let (w, h) = image.dimensions();
    let (wi, hi) = (i32::try_from(w).map_err(tesseract_failed)?, i32::try_from(h).map_err(tesseract_failed)?);
    let mut api = slot.take()?;
    api.set_page_seg_mode(psm);
    let api = api.set_variable("tessedit_char_whitelist", whitelist.unwrap_or("")).map_err(tesseract_failed)?;
    let api = api.set_frame(image.as_raw(), wi, hi, 1, wi).map_err(tesseract_failed)?;
    // The prepared page is about 300 dpi for a licence; saying so stops Tesseract guessing.
    let api = api.set_source_resolution(300);
    let mut api = api.recognize().map_err(tesseract_failed)?;
    let tsv = api.get_tsv_text(0).map_err(tesseract_failed)?;
    slot.api = Some(api);
    Ok(tsv)
}

/// Tesseract's TSV: level, page, block, paragraph, line, word, left, top, width, height, conf,
/// text. Words (level 5) are grouped by line and split into glyphs; whitespace is dropped, as
/// chi_sim puts spaces between characters (ocr.md §3).
pub fn parse_tsv(tsv: &str, offset: (u32, u32)) -> Vec<Line> {
    let mut lines: Vec<((u32, u32, u32), Line)> = Vec::new();
    for row in tsv.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        let [level, _page, block, par, line, _word, left, top, width, height, conf, text] = cols.as_slice() else {
            continue;
        };
        if *level != "5" {
            continue;
        }
        let num = |s: &str| s.trim().parse::<u32>().ok();
        let (Some(x), Some(y), Some(w), Some(h)) = (num(left), num(top), num(width), num(height)) else { continue };
        let key = (num(block).unwrap_or(0), num(par).unwrap_or(0), num(line).unwrap_or(0));
        let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
        if chars.is_empty() {
            continue;
        }
        let conf = conf.trim().parse::<f32>().unwrap_or(0.0).max(0.0);
        let each = w / chars.len() as u32;
        let glyphs = chars.iter().enumerate().map(|(i, &ch)| Glyph {
            ch,
            conf,
            rect: Rect { x: offset.0 + x + each * i as u32, y: offset.1 + y, w: each.max(1), h },
        });
        match lines.last_mut() {
            Some((k, line)) if *k == key => line.glyphs.extend(glyphs),
            _ => lines.push((key, Line { glyphs: glyphs.collect() })),
        }
    }
    lines.into_iter().map(|(_, line)| line).collect()
}

/// One file's outcome in a batch: a bad file is an error of its own, never the batch's.
pub struct FileResult {
    pub path: std::path::PathBuf,
    pub result: Result<OcrOutput>,
}

/// Reads `paths` as documents of `kind` on up to `available_parallelism` threads, one warm engine
/// per thread, results in the order given.
pub fn read_files(paths: &[std::path::PathBuf], kind: DocKind) -> Result<Vec<FileResult>> {
    let jobs: Vec<(std::path::PathBuf, DocKind)> = paths.iter().map(|p| (p.clone(), kind)).collect();
    read_jobs(&jobs)
}

/// Like [`read_files`], each file with its own kind.
pub fn read_jobs(jobs: &[(std::path::PathBuf, DocKind)]) -> Result<Vec<FileResult>> {
    read_jobs_with_progress(jobs, &|_| {})
}

/// [`read_jobs`], calling `done` with the number of files finished after each one (from the
/// worker threads), for a progress bar.
pub fn read_jobs_with_progress(
    jobs: &[(std::path::PathBuf, DocKind)],
    done: &(dyn Fn(usize) + Sync),
) -> Result<Vec<FileResult>> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(jobs.len()).max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::with_capacity(jobs.len()));
    std::thread::scope(|scope| -> Result<()> {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    let mut engine = Engine::new()?;
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((path, kind)) = jobs.get(i) else { return Ok(()) };
                        let result = engine.read_file(path, *kind);
                        let finished = match results.lock() {
                            Ok(mut finished) => {
                                finished.push((i, FileResult { path: path.clone(), result }));
                                finished.len()
                            }
                            Err(_) => continue,
                        };
                        done(finished);
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().map_err(|_| tesseract_failed("an OCR worker stopped"))??;
        }
        Ok(())
    })?;
    let mut results = results.into_inner().map_err(|_| tesseract_failed("an OCR worker stopped"))?;
    results.sort_by_key(|(i, _)| *i);
    Ok(results.into_iter().map(|(_, r)| r).collect())
}

/// Sets up a process that reads documents, before anything else runs. Two settings are read
/// once, when their library loads, so they must be in the environment from the start:
/// - `OMP_THREAD_LIMIT=1`: Tesseract's OpenMP threads make a page about twice as slow (ocr.md §1);
/// - `ORT_DISABLE_TELEMETRY=1`: ONNX Runtime 1.29 and later send usage events to Microsoft from
///   Linux and macOS unless it is set before the library initialises (onnxruntime pull request
///   27379); the API switch `ort` calls only drops some of them. qualkit-ocr refuses to start
///   ONNX Runtime without it, and reads with rten instead.
///
/// Without them the binary re-executes itself with them (Unix; on failure it carries on as it
/// is, and the reader falls back to rten). A binary that OCRs calls this first.
pub fn set_up_reading_process() {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let telemetry = qualkit_ocr::models::TELEMETRY_OFF_ENV;
        let threads_limited = std::env::var_os("OMP_THREAD_LIMIT").is_some();
        let telemetry_off = std::env::var(telemetry).is_ok_and(|v| v == "1");
        if threads_limited && telemetry_off {
            return;
        }
        let Ok(exe) = std::env::current_exe() else { return };
        let mut command = std::process::Command::new(exe);
        command.args(std::env::args_os().skip(1)).env(telemetry, "1");
        if !threads_limited {
            command.env("OMP_THREAD_LIMIT", "1");
        }
        let _exec_failed = command.exec();
    }
}
