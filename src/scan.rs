//! Material images: decoded with the `image` crate under limits (a hostile or broken file is an
//! error, never an out-of-memory), and measured for the rules that look at pixels.

use std::path::Path;

use image::{GrayImage, ImageDecoder, ImageReader, Limits, Luma, RgbImage};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// No scan or phone photo comes near this; a header claiming more is refused before decoding.
pub const MAX_DIMENSION: u32 = 20_000;
pub const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// Decodes an image file under [`MAX_DIMENSION`] and [`MAX_DECODE_BYTES`], turned upright by its
/// EXIF orientation (phones store portrait photos sideways and say so there).
pub fn open_image(path: &Path) -> Result<image::DynamicImage> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    decode_image(&bytes, path).map(|(picture, _)| picture)
}

/// [`open_image`] for bytes already read (`path` names the file in errors), and whether the
/// file carries EXIF metadata (camera, time, often the GPS position), which must not travel to
/// a vendor.
pub fn decode_image(bytes: &[u8], path: &Path) -> Result<(image::DynamicImage, bool)> {
    let unreadable = |(zh, en): (&str, String)| {
        Error::input(
            format!("无法读取图片 {}：{zh}", path.display()),
            format!("cannot read the image {}: {en}", path.display()),
        )
    };
    let mut reader =
        ImageReader::new(std::io::Cursor::new(bytes)).with_guessed_format().map_err(|e| Error::io(path, e))?;
    let Some(format) = reader.format() else { return Err(unreadable(not_an_image(bytes))) };
    // The JPEG decoder fills a cut-off file with grey instead of failing; a half-copied scan
    // would then be read as if whole. A JPEG ends with its EOI marker (FF D9).
    if format == image::ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(unreadable((
            "文件不完整（JPEG 被截断），请重新拷贝或重新拍摄",
            "the JPEG file is cut off: copy or take it again".into(),
        )));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| unreadable(decode_failure(&e)))?;
    // A broken EXIF block is no reason to refuse the pixels.
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let has_exif = decoder.exif_metadata().ok().flatten().is_some_and(|exif| !exif.is_empty());
    let mut picture = image::DynamicImage::from_decoder(decoder).map_err(|e| unreadable(decode_failure(&e)))?;
    picture.apply_orientation(orientation);
    Ok((picture, has_exif))
}

/// What a file that is no image is, in both languages: the decoders only say they cannot tell.
fn not_an_image(bytes: &[u8]) -> (&'static str, String) {
    let head = bytes.get(..bytes.len().min(4096)).unwrap_or_default();
    if bytes.is_empty() {
        ("文件是空的（0 字节）", "the file is empty (0 bytes)".into())
    } else if bytes.starts_with(b"%PDF") {
        (
            "这是 PDF 文件，不是图片：请把它导出或截图为 JPG 或 PNG",
            "this is a PDF, not an image: export or capture its page as JPG or PNG".into(),
        )
    } else if is_text(head) {
        ("这是文本文件，不是图片", "this is a text file, not an image".into())
    } else {
        (
            "不是可读取的图片格式（支持 JPG、PNG、GIF、BMP、TIFF、WebP）",
            "not an image format qualkit reads (JPG, PNG, GIF, BMP, TIFF, WebP)".into(),
        )
    }
}

/// Whether the start of a file reads as text: UTF-8 (a character cut at the end aside), no NUL.
fn is_text(head: &[u8]) -> bool {
    let utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        // `error_len` is None for a character cut off at the end of the slice.
        Err(e) => e.error_len().is_none(),
    };
    utf8 && !head.contains(&0)
}

/// A decoder's failure in both languages; the decoder's own words only in English, after ours.
fn decode_failure(e: &image::ImageError) -> (&'static str, String) {
    use image::ImageError;
    let (zh, en) = match e {
        ImageError::Limits(_) => (
            "图片太大，超出可读取的尺寸（请缩小后再试）",
            "the image is larger than qualkit reads: shrink it and try again",
        ),
        ImageError::Unsupported(_) => {
            ("这种图片编码不受支持，请另存为 JPG 或 PNG", "this image encoding is not supported: save it as JPG or PNG")
        }
        ImageError::Decoding(_) | ImageError::IoError(_) | ImageError::Parameter(_) | ImageError::Encoding(_) => {
            ("图片已损坏或不完整，请重新拷贝或重新拍摄", "the image is damaged or incomplete: copy or take it again")
        }
    };
    (zh, format!("{en} ({e})"))
}

/// Whether the last kilobytes of a JPEG hold its end-of-image marker (some cameras append data
/// after it, so the very last bytes are not required to be the marker).
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let tail = bytes.get(bytes.len().saturating_sub(64 * 1024)..).unwrap_or_default();
    tail.windows(2).any(|w| w == [0xFF, 0xD9])
}

/// How much colour an image has: the share of seal-red pixels and of other saturated pixels.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColourStats {
    pub width: u32,
    pub height: u32,
    pub red_fraction: f32,
    pub colour_fraction: f32,
}

/// Below both thresholds an image is black-and-white with no red seal: a grey scan's JPEG noise
/// stays far below them, while a seal the size of a coin on an A4 scan is about 1% red.
pub const RED_SEAL_MIN: f32 = 0.000_5;
pub const COLOUR_MIN: f32 = 0.002;

impl ColourStats {
    pub fn is_monochrome_without_seal(&self) -> bool {
        self.red_fraction < RED_SEAL_MIN && self.colour_fraction < COLOUR_MIN
    }
}

/// Measures colour on a sample of about a million pixels.
pub fn colour_stats(path: &Path) -> Result<ColourStats> {
    Ok(ColourStats::of(&open_image(path)?.into_rgb8()))
}

impl ColourStats {
    pub fn of(picture: &RgbImage) -> ColourStats {
        let (width, height) = picture.dimensions();
        let total = u64::from(width) * u64::from(height);
        let step = ((total / 1_000_000) as f64).sqrt().max(1.0) as u32;
        let (mut sampled, mut red, mut colour) = (0u64, 0u64, 0u64);
        for y in (0..height).step_by(step as usize) {
            for x in (0..width).step_by(step as usize) {
                let pixel = picture.get_pixel(x, y).0;
                let [r, g, b] = pixel.map(i32::from);
                sampled += 1;
                if is_seal_red(pixel) {
                    red += 1;
                } else if r.max(g).max(b) - r.min(g).min(b) >= 40 {
                    colour += 1;
                }
            }
        }
        let share = |n: u64| if sampled == 0 { 0.0 } else { n as f32 / sampled as f32 };
        ColourStats { width, height, red_fraction: share(red), colour_fraction: share(colour) }
    }
}

fn is_seal_red([r, g, b]: [u8; 3]) -> bool {
    let [r, g, b] = [r, g, b].map(i32::from);
    r >= 140 && r - g >= 60 && r - b >= 50
}

// ---------------------------------------------------------------------------------------------
// Preparing a page for Tesseract (shared/engineering/ocr.md §3 and §7): grey, seal-free, dark text
// on an even light background, upright, glyphs near the height Tesseract reads best, a margin.

/// Glyph height (a text line's ink, in pixels) that Tesseract reads best: CJK glyphs of 21–33 px
/// scored better than 50–67 px in our probe, and it wants an x-height of 20 px or more.
pub const TARGET_GLYPH_PX: f32 = 24.0;
const MARGIN: u32 = 24;
/// The skew a scan or a hand-held photo has; more than this is a rotated page, not skew.
const MAX_SKEW_DEGREES: f32 = 5.0;

/// A page ready for OCR, and how to map its coordinates back onto the material image.
pub struct Prepared {
    pub image: GrayImage,
    pub transform: Transform,
}

/// prepared = margin + scale · rotate(crop(original), angle) about the crop's centre, where the
/// crop is the paper found on a photo (the whole image otherwise).
#[derive(Clone, Copy, Debug)]
pub struct Transform {
    pub scale: f32,
    pub angle_degrees: f32,
    pub margin: u32,
    /// `[x, y, w, h]` of the part of the original that was kept.
    pub crop: [u32; 4],
    pub original: (u32, u32),
}

impl Transform {
    /// A rectangle of the prepared page as `[x, y, w, h]` on the material image.
    pub fn to_original(&self, [x, y, w, h]: [u32; 4]) -> [u32; 4] {
        let (ow, oh) = (self.original.0 as f32, self.original.1 as f32);
        let [crop_x, crop_y, crop_w, crop_h] = self.crop.map(|v| v as f32);
        let (cx, cy) = (crop_w / 2.0, crop_h / 2.0);
        let (sin, cos) = (-self.angle_degrees).to_radians().sin_cos();
        let corners = [(x, y), (x + w, y), (x, y + h), (x + w, y + h)].map(|(px, py)| {
            let rx = (px as f32 - self.margin as f32) / self.scale;
            let ry = (py as f32 - self.margin as f32) / self.scale;
            // rotate_about_center keeps the image size, so undo the rotation about the centre.
            let (dx, dy) = (rx - cx, ry - cy);
            let (ux, uy) = (cx + dx * cos - dy * sin, cy + dx * sin + dy * cos);
            ((ux + crop_x).clamp(0.0, ow), (uy + crop_y).clamp(0.0, oh))
        });
        let left = corners.iter().map(|c| c.0).fold(f32::MAX, f32::min);
        let top = corners.iter().map(|c| c.1).fold(f32::MAX, f32::min);
        let right = corners.iter().map(|c| c.0).fold(0.0, f32::max);
        let bottom = corners.iter().map(|c| c.1).fold(0.0, f32::max);
        [left as u32, top as u32, (right - left).round() as u32, (bottom - top).round() as u32]
    }
}

/// What the page is, for the steps that only some pages need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageStyle {
    /// A printed document, scanned or photographed: dark text on paper, perhaps on a desk.
    Paper,
    /// A screenshot: may hold white text on coloured bars (an app's header, its buttons).
    Screen,
}

/// Grey → seal removal → local inversion (screens) → even background → deskew → scale → margin.
pub fn prepare(picture: &image::DynamicImage, style: PageStyle) -> Prepared {
    let rgb = picture.to_rgb8();
    let original = rgb.dimensions();
    let grey = seal_free_grey(&rgb);
    // On a photo the desk around the page is dark too; inverting it block by block leaves
    // axis-aligned black blocks along the page edge, which then outvote the text in deskewing.
    let grey = if style == PageStyle::Screen { invert_dark_regions(grey) } else { grey };
    let (grey, crop) = match style {
        PageStyle::Paper => paper_only(grey),
        PageStyle::Screen => {
            let (w, h) = grey.dimensions();
            (grey, [0, 0, w, h])
        }
    };
    let grey = flatten_background(&grey);
    let angle = skew_degrees(&grey);
    let grey = if angle.abs() >= 0.2 {
        imageproc::geometric_transformations::rotate_about_center(
            &grey,
            angle.to_radians(),
            imageproc::geometric_transformations::Interpolation::Bilinear,
            Luma([255]),
        )
    } else {
        grey
    };
    let scale = match text_line_height(&grey) {
        Some(height) => {
            let scale = (TARGET_GLYPH_PX / height).clamp(0.4, 3.0);
            if (0.75..=1.4).contains(&scale) { 1.0 } else { scale }
        }
        None => 1.0,
    };
    let grey = if scale == 1.0 {
        grey
    } else {
        let (w, h) = grey.dimensions();
        let size = |v: u32| ((v as f32 * scale).round() as u32).max(1);
        image::imageops::resize(&grey, size(w), size(h), image::imageops::FilterType::CatmullRom)
    };
    let (w, h) = grey.dimensions();
    let mut page = GrayImage::from_pixel(w + 2 * MARGIN, h + 2 * MARGIN, Luma([255]));
    image::imageops::replace(&mut page, &grey, i64::from(MARGIN), i64::from(MARGIN));
    Prepared { image: page, transform: Transform { scale, angle_degrees: angle, margin: MARGIN, crop, original } }
}

/// Luma, except on the red of a seal, where the red channel is taken: red ink turns as light as
/// paper there, while black text under it stays dark. Only reddish pixels take it: a JPEG keeps
/// colour at half resolution, so the red channel of the whole page blurs the black print
/// (法定代表人 came back as 法证K二人 on sealed JPEGs).
fn seal_free_grey(rgb: &RgbImage) -> GrayImage {
    let has_seal = ColourStats::of(rgb).red_fraction >= RED_SEAL_MIN;
    let (w, h) = rgb.dimensions();
    let grey = rgb
        .pixels()
        .map(|p| {
            let [r, g, b] = p.0.map(u32::from);
            let luma = ((r * 299 + g * 587 + b * 114) / 1000) as u8;
            if has_seal && r >= g + 40 && r >= b + 40 { (r as u8).max(luma) } else { luma }
        })
        .collect();
    GrayImage::from_raw(w, h, grey).unwrap_or_else(|| GrayImage::new(w, h))
}

/// Tesseract reads dark text on light ground only: app-store headers (white on blue) vanish
/// unless inverted, and inverting the whole page does not help (ocr.md §3). Blocks whose
/// background is dark are inverted where they stand.
fn invert_dark_regions(mut grey: GrayImage) -> GrayImage {
    const BLOCK: u32 = 48;
    let (w, h) = grey.dimensions();
    for by in (0..h).step_by(BLOCK as usize) {
        for bx in (0..w).step_by(BLOCK as usize) {
            let (bw, bh) = (BLOCK.min(w - bx), BLOCK.min(h - by));
            // The background is the majority: the median of the block.
            let mut histogram = [0u32; 256];
            for y in by..by + bh {
                for x in bx..bx + bw {
                    if let Some(count) = histogram.get_mut(usize::from(grey.get_pixel(x, y).0[0])) {
                        *count += 1;
                    }
                }
            }
            let half = bw * bh / 2;
            let mut seen = 0;
            let median = histogram.iter().position(|&n| {
                seen += n;
                seen > half
            });
            if median.is_some_and(|m| m < 110) {
                for y in by..by + bh {
                    for x in bx..bx + bw {
                        let p = grey.get_pixel_mut(x, y);
                        p.0[0] = 255 - p.0[0];
                    }
                }
            }
        }
    }
    grey
}

/// The paper of a photographed page, without the desk around it: the desk is darker than paper
/// under any light, and Tesseract spends seconds reading its texture as text (a 2.4 MP photo took
/// 4 s instead of 1). Cells of the brightness map (the brightest pixel of each 24 px cell) are
/// split into paper and desk by Otsu's level when the two differ clearly, and the image is cropped
/// to the rows and columns that are at least half as papery as the most papery one (a tilted
/// page keeps thin triangles of desk in its corners). A scan, all paper, is returned whole.
fn paper_only(grey: GrayImage) -> (GrayImage, [u32; 4]) {
    const CELL: u32 = 24;
    let (w, h) = grey.dimensions();
    let whole = [0, 0, w, h];
    let cells = max_pool(&grey, CELL);
    let (cw, ch) = cells.dimensions();
    let level = imageproc::contrast::otsu_level(&cells);
    let (mut paper, mut desk) = ((0u64, 0u64), (0u64, 0u64));
    for p in cells.pixels() {
        let v = u64::from(p.0[0]);
        if p.0[0] > level { paper = (paper.0 + v, paper.1 + 1) } else { desk = (desk.0 + v, desk.1 + 1) }
    }
    let total = u64::from(cw) * u64::from(ch);
    // A desk worth removing: at least 5% of the picture, and clearly darker than the paper.
    if desk.1 * 20 < total || paper.1 == 0 || desk.1 == 0 || paper.0 / paper.1 < desk.0 / desk.1 + 50 {
        return (grey, whole);
    }
    let is_paper = |x: u32, y: u32| cells.get_pixel(x, y).0[0] > level;
    let row_counts: Vec<u32> = (0..ch).map(|y| (0..cw).filter(|&x| is_paper(x, y)).count() as u32).collect();
    let col_counts: Vec<u32> = (0..cw).map(|x| (0..ch).filter(|&y| is_paper(x, y)).count() as u32).collect();
    // The longest run of papery rows (columns): bright bits of desk apart from the page, such as
    // a corner the camera's rotation filled, are not the page.
    let span = |counts: &[u32]| {
        let most = counts.iter().copied().max().unwrap_or(0);
        let mut best: Option<(u32, u32)> = None;
        let mut start = None;
        for (i, &n) in counts.iter().chain(std::iter::once(&0)).enumerate() {
            match (n * 2 >= most && n > 0, start) {
                (true, None) => start = Some(i as u32),
                (false, Some(s)) => {
                    let run = (s, i as u32 - 1);
                    if best.is_none_or(|(a, b)| run.1 - run.0 > b - a) {
                        best = Some(run);
                    }
                    start = None;
                }
                _ => {}
            }
        }
        best
    };
    let (Some((top, bottom)), Some((left, right))) = (span(&row_counts), span(&col_counts)) else {
        return (grey, whole);
    };
    let (x, y) = (left * CELL, top * CELL);
    let crop = [x, y, ((right + 1) * CELL).min(w) - x, ((bottom + 1) * CELL).min(h) - y];
    let [_, _, crop_w, crop_h] = crop;
    let kept = image::imageops::crop_imm(&grey, x, y, crop_w, crop_h).to_image();
    (kept, crop)
}

/// The brightest pixel of each `cell`×`cell` block.
fn max_pool(grey: &GrayImage, cell: u32) -> GrayImage {
    let (w, h) = grey.dimensions();
    let (pw, ph) = (w.div_ceil(cell).max(1), h.div_ceil(cell).max(1));
    let mut pooled = vec![0u8; (pw * ph) as usize];
    for (y, row) in grey.as_raw().chunks(w.max(1) as usize).enumerate() {
        let start = (y as u32 / cell * pw) as usize;
        let Some(cells) = pooled.get_mut(start..start + pw as usize) else { continue };
        for (block, pooled) in row.chunks(cell as usize).zip(cells.iter_mut()) {
            *pooled = block.iter().copied().fold(*pooled, u8::max);
        }
    }
    GrayImage::from_raw(pw, ph, pooled).unwrap_or_else(|| GrayImage::new(pw, ph))
}

/// Divides out the paper's brightness (estimated by a max-pool that drops the thin dark text,
/// then smoothed and interpolated between cell centres), so uneven phone lighting does not
/// defeat Tesseract's global Otsu threshold.
fn flatten_background(grey: &GrayImage) -> GrayImage {
    const CELL: u32 = 24;
    let (w, h) = grey.dimensions();
    let pooled = image::imageops::blur(&max_pool(grey, CELL), 1.5);
    let (pw, ph) = pooled.dimensions();
    // For a pixel coordinate: the two cells whose centres bracket it, and the far one's weight.
    let between = |v: u32, cells: u32| {
        let f = ((v as f32 + 0.5) / CELL as f32 - 0.5).max(0.0);
        let low = (f as u32).min(cells - 1);
        (low, (low + 1).min(cells - 1), (f - low as f32).min(1.0))
    };
    let columns: Vec<(u32, u32, f32)> = (0..w).map(|x| between(x, pw)).collect();
    let paper_at = |x: u32, y: u32| f32::from(pooled.get_pixel(x, y).0[0]);
    let mut out = vec![0u8; grey.as_raw().len()];
    for (y, (row, flat)) in grey.as_raw().chunks(w.max(1) as usize).zip(out.chunks_mut(w.max(1) as usize)).enumerate() {
        let (top, bottom, fy) = between(y as u32, ph);
        for ((&v, flat), &(left, right, fx)) in row.iter().zip(flat.iter_mut()).zip(&columns) {
            let upper = paper_at(left, top) * (1.0 - fx) + paper_at(right, top) * fx;
            let lower = paper_at(left, bottom) * (1.0 - fx) + paper_at(right, bottom) * fx;
            let paper = (upper * (1.0 - fy) + lower * fy).max(40.0);
            // Squaring the relative brightness darkens grey print (labels on screenshots, thin
            // serif strokes) that Otsu would otherwise count as paper next to black text.
            let relative = (f32::from(v) / paper).min(1.0);
            *flat = (relative * relative * 255.0) as u8;
        }
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| grey.clone())
}

/// The skew of the text lines: the angle whose projection of ink onto the vertical axis is the
/// most peaked (lines of text become narrow, dense rows), searched within ±5°.
fn skew_degrees(grey: &GrayImage) -> f32 {
    let (w, h) = grey.dimensions();
    let step = ((u64::from(w) * u64::from(h) / 400_000) as f64).sqrt().max(1.0) as u32;
    let ink: Vec<(f32, f32)> = (0..h)
        .step_by(step as usize)
        .flat_map(|y| (0..w).step_by(step as usize).map(move |x| (x, y)))
        // Strokes, not areas: ink with paper a few pixels above or below it. A dark bar or the
        // desk cut off by the image's edge would otherwise vote for the image's own axes.
        .filter(|&(x, y)| {
            let light = |y: u32| y < h && grey.get_pixel(x, y).0[0] >= 160;
            grey.get_pixel(x, y).0[0] < 128 && (y.checked_sub(4).is_some_and(light) || light(y + 4))
        })
        .map(|(x, y)| (x as f32, y as f32))
        .collect();
    if ink.len() < 200 {
        return 0.0;
    }
    let score = |degrees: f32| {
        let (sin, cos) = degrees.to_radians().sin_cos();
        let mut rows = vec![0i64; (h + w) as usize / step as usize + 2];
        for &(x, y) in &ink {
            // The row this pixel falls on once the page is turned by `degrees`.
            let row = ((y * cos - x * sin + w as f32 / 2.0) / step as f32).max(0.0) as usize;
            if let Some(n) = rows.get_mut(row) {
                *n += 1;
            }
        }
        // Sharp edges between text rows and the gaps between them; unlike the plain variance,
        // this does not grow as the projection merely narrows.
        rows.windows(2)
            .map(|pair| match pair {
                [a, b] => (a - b) * (a - b),
                _ => 0,
            })
            .sum::<i64>()
    };
    let mut best = (0.0f32, score(0.0));
    let mut degrees = -MAX_SKEW_DEGREES;
    while degrees <= MAX_SKEW_DEGREES {
        let s = score(degrees);
        if s > best.1 {
            best = (degrees, s);
        }
        degrees += 0.25;
    }
    // The projection found the skew of the ink; turning by its opposite makes the rows level.
    -best.0
}

/// The median height of the page's text lines: runs of inked rows within vertical strips, so
/// that a frame's vertical rules or a second column do not merge lines into one run.
fn text_line_height(grey: &GrayImage) -> Option<f32> {
    const STRIP: u32 = 160;
    let (w, h) = grey.dimensions();
    let mut runs = Vec::new();
    for left in (0..w).step_by(STRIP as usize) {
        let right = (left + STRIP).min(w);
        // A glyph has rows without ink between its strokes (二, 三): a run ends after a few.
        let (mut run, mut blank) = (0u32, 0u32);
        for y in 0..=h {
            let dark =
                if y < h { (left..right).filter(|&x| grey.get_pixel(x, y).0[0] < 160).count() as u32 } else { 0 };
            // Text rows are partly inked; a rule or a filled box inks most of the strip.
            if dark >= 2 && dark * 10 < (right - left) * 6 {
                run += blank + 1;
                blank = 0;
            } else if run > 0 && blank < 4 && y < h {
                blank += 1;
            } else {
                if (6..=400).contains(&run) {
                    runs.push(run);
                }
                (run, blank) = (0, 0);
            }
        }
    }
    if runs.len() < 5 {
        return None;
    }
    runs.sort_unstable();
    runs.get(runs.len() / 2).map(|&r| r as f32)
}
