//! Material images: decoded with the `image` crate under limits (a hostile or broken file is an
//! error, never an out-of-memory), and measured for the rules that look at pixels.

use std::path::Path;

use image::{ImageReader, Limits};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// No scan or phone photo comes near this; a header claiming more is refused before decoding.
pub const MAX_DIMENSION: u32 = 20_000;
pub const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// Decodes an image file under [`MAX_DIMENSION`] and [`MAX_DECODE_BYTES`].
pub fn open_image(path: &Path) -> Result<image::DynamicImage> {
    let unreadable = |detail: String| {
        Error::input(
            format!("无法读取图片 {}：{detail}", path.display()),
            format!("cannot read the image {}: {detail}", path.display()),
        )
    };
    let reader = ImageReader::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = reader.with_guessed_format().map_err(|e| Error::io(path, e))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    reader.decode().map_err(|e| unreadable(e.to_string()))
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
    let picture = open_image(path)?.into_rgb8();
    let (width, height) = picture.dimensions();
    let total = u64::from(width) * u64::from(height);
    let step = ((total / 1_000_000) as f64).sqrt().max(1.0) as u32;
    let (mut sampled, mut red, mut colour) = (0u64, 0u64, 0u64);
    for y in (0..height).step_by(step as usize) {
        for x in (0..width).step_by(step as usize) {
            let [r, g, b] = picture.get_pixel(x, y).0.map(i32::from);
            sampled += 1;
            let spread = r.max(g).max(b) - r.min(g).min(b);
            if r >= 140 && r - g >= 60 && r - b >= 50 {
                red += 1;
            } else if spread >= 40 {
                colour += 1;
            }
        }
    }
    let share = |n: u64| if sampled == 0 { 0.0 } else { n as f32 / sampled as f32 };
    Ok(ColourStats { width, height, red_fraction: share(red), colour_fraction: share(colour) })
}
