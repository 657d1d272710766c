//! Material images: decoded with the `image` crate under limits (a hostile or broken file is an
//! error, never an out-of-memory), and measured for the rules that look at pixels.

use std::path::Path;

use image::{ImageDecoder, ImageReader, Limits, RgbImage};
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
