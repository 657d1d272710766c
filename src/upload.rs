//! Material files made ready for a vendor's upload form: a format the vendor accepts, under its
//! size limit while staying legible, a file name it takes, no camera metadata, and on request a
//! diagonal watermark that limits what a copy can be used for.
//!
//! Rules: each vendor profile's `[files]` (formats, max_bytes, ascii_names, max_name_chars,
//! letter_formats) with their sources; shared/domain/vendors.md.

use std::path::Path;

use ab_glyph::{FontRef, PxScale};
use image::{DynamicImage, GrayImage, Luma, RgbImage};
use unicode_normalization::UnicodeNormalization;

use crate::case::Role;
use crate::error::{Error, Result};
use crate::font;
use crate::i18n::Text;
use crate::profile::VendorProfile;

/// Below this many pixels on the long side a licence's small print (the scope, the seal's
/// ring text) stops being legible; an image is never scaled below it (or below its own size).
pub const MIN_LONG_SIDE: u32 = 1600;
/// JPEG qualities, best first: the best that fits is used, at the largest scale where any fits.
const QUALITIES: [u8; 4] = [92, 85, 75, 65];
/// Each step down in scale when no quality fits.
const SCALE_STEP: f32 = 0.85;

/// The characters Huawei's upload page refuses in file names (H6/H7), the widest vendor list;
/// the file-name rule (`checks`) and [`safe_file_name`] both use it.
pub const NAME_CHARS_REFUSED: &str = " \"#'$%&*/|<>{}[];?!";
/// Further characters [`safe_file_name`] drops: path separators and shell or URL specials.
const NAME_CHARS_DROPPED: &str = "\\:,`~^=+@";

/// What was done to a file and why.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Fitted {
    pub bytes: Vec<u8>,
    /// Lower-case extension of the output format.
    pub extension: String,
    pub width: u32,
    pub height: u32,
    /// The input's bytes were kept as they were.
    pub unchanged: bool,
    /// Why the file was re-encoded, in the user's words (empty when unchanged).
    pub changes: Vec<Text>,
}

#[derive(Clone, Debug, Default)]
pub struct FitOptions {
    /// Text of a diagonal watermark, e.g. 仅供阿里云短信签名报备使用.
    pub watermark: Option<String>,
}

/// The default watermark for identity copies sent to `profile`'s vendor.
pub fn default_watermark(profile: &VendorProfile) -> String {
    format!("仅供{}短信签名报备使用", profile.name.zh)
}

/// Makes the material at `path`, of `role`, ready for `profile`'s vendor.
pub fn fit_for_vendor(path: &Path, role: Role, profile: &VendorProfile, options: &FitOptions) -> Result<Fitted> {
    let rules = &profile.files;
    let max = rules.max_bytes.value;
    let original = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let accepted: Vec<&String> = rules
        .formats
        .value
        .iter()
        .chain(rules.letter_formats.iter().flat_map(|f| f.value.iter()).filter(|_| role == Role::AuthorizationLetter))
        .collect();
    let cite = profile.cite(&rules.max_bytes.source);

    if original.starts_with(b"%PDF") {
        return pdf_as_is(path, original, &accepted, max, profile);
    }
    let (picture, has_exif) = crate::scan::decode_image(&original, path)?;
    let format = image::guess_format(&original).ok();
    let extension = format.and_then(|f| f.extensions_str().first().copied()).unwrap_or("bin").to_string();
    let format_ok = accepted.iter().any(|a| **a == extension || (extension == "jpg" && *a == "jpeg"));

    let mut changes = Vec::new();
    if !format_ok {
        changes.push(Text::new(
            format!("{}不收 {extension} 格式，已转为 JPEG（{}）", profile.name.zh, profile.cite(&rules.formats.source)),
            format!(
                "{} does not take {extension} files; converted to JPEG ({})",
                profile.name.en,
                profile.cite(&rules.formats.source)
            ),
        ));
    }
    if original.len() as u64 > max {
        changes.push(Text::new(
            format!(
                "文件 {} 超过{}的上限 {}，已压缩（{cite}）",
                size_text(original.len() as u64),
                profile.name.zh,
                size_text(max)
            ),
            format!(
                "the file ({}) is over {}'s limit of {}; compressed ({cite})",
                size_text(original.len() as u64),
                profile.name.en,
                size_text(max)
            ),
        ));
    }
    if has_exif {
        changes.push(Text::new(
            "去掉了照片里的 EXIF 信息（拍摄设备、时间、可能含 GPS 位置）",
            "removed the photo's EXIF data (camera, time, possibly the GPS position)",
        ));
    }
    if let Some(text) = &options.watermark {
        changes.push(Text::new(format!("加了水印“{text}”"), format!("added the watermark “{text}”")));
    }
    if changes.is_empty() {
        return Ok(Fitted {
            bytes: original,
            extension,
            width: picture.width(),
            height: picture.height(),
            unchanged: true,
            changes,
        });
    }

    let mut rgb = flatten(&picture);
    drop(picture); // a 12 MP photo is 36 MB decoded: hold one copy, not two, while encoding
    if let Some(text) = &options.watermark {
        watermark(&mut rgb, text)?;
    }
    let (bytes, width, height) = shrink_to_fit(&rgb, max).ok_or_else(|| {
        Error::input(
            format!(
                "{} 无法在保持清晰（长边不小于 {MIN_LONG_SIDE} 像素）的同时压到 {} 以下：请重新扫描或裁掉空白（{cite}）",
                path.display(),
                size_text(max)
            ),
            format!(
                "{} cannot be brought under {} while staying legible (long side at least {MIN_LONG_SIDE} px): rescan it or crop the margins ({cite})",
                path.display(),
                size_text(max)
            ),
        )
    })?;
    if (width, height) != (rgb.width(), rgb.height()) {
        changes.push(Text::new(format!("缩小到 {width}×{height} 像素"), format!("scaled down to {width}×{height} px")));
    }
    Ok(Fitted { bytes, extension: "jpg".to_string(), width, height, unchanged: false, changes })
}

/// A PDF is passed through where the vendor takes PDF for this role (Huawei's letters); it is
/// never rasterised here.
fn pdf_as_is(
    path: &Path,
    original: Vec<u8>,
    accepted: &[&String],
    max: u64,
    profile: &VendorProfile,
) -> Result<Fitted> {
    if !accepted.iter().any(|a| *a == "pdf") {
        return Err(Error::input(
            format!(
                "{}此处只收图片（{}），{} 是 PDF：请扫描或截图成 JPG/PNG",
                profile.name.zh,
                join(accepted),
                path.display()
            ),
            format!(
                "{} takes only images here ({}), and {} is a PDF: scan or capture it as JPG/PNG",
                profile.name.en,
                join(accepted),
                path.display()
            ),
        ));
    }
    if original.len() as u64 > max {
        return Err(Error::input(
            format!(
                "PDF {} 有 {}，超过{}的上限 {}",
                path.display(),
                size_text(original.len() as u64),
                profile.name.zh,
                size_text(max)
            ),
            format!(
                "the PDF {} is {}, over {}'s limit of {}",
                path.display(),
                size_text(original.len() as u64),
                profile.name.en,
                size_text(max)
            ),
        ));
    }
    Ok(Fitted {
        bytes: original,
        extension: "pdf".to_string(),
        width: 0,
        height: 0,
        unchanged: true,
        changes: Vec::new(),
    })
}

fn join(formats: &[&String]) -> String {
    formats.iter().map(|f| f.as_str()).collect::<Vec<_>>().join("/")
}

/// Sizes as people read them: 1.5 MB, 820 KB.
pub fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// RGB on white: a transparent PNG must not turn black as a JPEG.
fn flatten(picture: &DynamicImage) -> RgbImage {
    if !picture.color().has_alpha() {
        return picture.to_rgb8();
    }
    let rgba = picture.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let a = u16::from(a);
        let over_white = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
        image::Rgb([over_white(r), over_white(g), over_white(b)])
    })
}

/// The largest, best JPEG under `max` bytes: full size at falling qualities, then smaller
/// scales, never below [`MIN_LONG_SIDE`] (or the image's own size). `None` when nothing fits.
fn shrink_to_fit(rgb: &RgbImage, max: u64) -> Option<(Vec<u8>, u32, u32)> {
    let long = rgb.width().max(rgb.height());
    let floor = MIN_LONG_SIDE.min(long);
    let mut scale = 1.0_f32;
    loop {
        let target = ((long as f32) * scale).round() as u32;
        if target < floor {
            return None;
        }
        let scaled = if scale >= 1.0 {
            std::borrow::Cow::Borrowed(rgb)
        } else {
            let (w, h) = (
                ((rgb.width() as f32) * scale).round().max(1.0) as u32,
                ((rgb.height() as f32) * scale).round().max(1.0) as u32,
            );
            std::borrow::Cow::Owned(image::imageops::resize(rgb, w, h, image::imageops::FilterType::CatmullRom))
        };
        // The lowest quality says whether this size can fit at all, in one encoding; at a size
        // that can, the best quality that fits is found by halving the list (sizes grow with
        // quality), two more encodings instead of up to four.
        let (lowest, better) = QUALITIES.split_last()?;
        let smallest = encode_jpeg(&scaled, *lowest)?;
        if smallest.len() as u64 <= max {
            let bytes = best_fitting(&scaled, better, max, smallest)?;
            return Some((bytes, scaled.width(), scaled.height()));
        }
        scale *= SCALE_STEP;
    }
}

/// The encoding at the best of `qualities` (best first) that fits under `max`: a binary search,
/// since sizes grow with quality. `None` only when encoding fails; `smallest` (the lowest
/// quality, known to fit) when none of the better ones does.
fn best_fitting(rgb: &RgbImage, qualities: &[u8], max: u64, smallest: Vec<u8>) -> Option<Vec<u8>> {
    let (mut fits_from, mut too_big_to) = (qualities.len(), 0);
    let mut best = smallest;
    while too_big_to < fits_from {
        let middle = (too_big_to + fits_from) / 2;
        let bytes = encode_jpeg(rgb, *qualities.get(middle)?)?;
        if bytes.len() as u64 <= max {
            best = bytes;
            fits_from = middle;
        } else {
            too_big_to = middle + 1;
        }
    }
    Some(best)
}

/// Baseline JPEG with 4:2:0 chroma averaged over each block as libjpeg does (so a red seal keeps
/// its edges). Huffman tables are the standard ones: optimised tables made the files 12%
/// smaller but doubled peak memory (95 → 207 MB exporting ten 12 MP photos) and cost 15% more
/// time, and no file needed them to fit.
pub(crate) fn encode_jpeg(rgb: &RgbImage, quality: u8) -> Option<Vec<u8>> {
    let width = u16::try_from(rgb.width()).ok()?;
    let height = u16::try_from(rgb.height()).ok()?;
    let mut bytes = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, quality);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    encoder.set_chroma_subsampling_method(jpeg_encoder::ChromaSubsamplingMethod::Average);
    encoder.encode(rgb.as_raw(), width, height, jpeg_encoder::ColorType::Rgb).ok()?;
    Some(bytes)
}

/// Repeats `text` in diagonal rows (rising at 30°) across the image, in translucent grey, so a
/// copy cannot be reused for another purpose without visibly tampering with it.
fn watermark(rgb: &mut RgbImage, text: &str) -> Result<()> {
    let fonts = font::cjk()?;
    let face = &fonts.regular;
    let font = FontRef::try_from_slice_and_index(&face.data, face.index).map_err(|_| {
        Error::input(
            format!("字体 {} 无法绘制水印", face.family),
            format!("the font {} cannot draw the watermark", face.family),
        )
    })?;
    let (w, h) = (rgb.width(), rgb.height());
    let px = (w.min(h) as f32 / 16.0).max(18.0);
    let scale = PxScale::from(px);
    // A square layer covering the image at any rotation; text drawn level, then turned.
    let side = ((w as f32).hypot(h as f32)).ceil() as u32;
    let mut layer = GrayImage::new(side, side);
    let (text_w, _) = imageproc::drawing::text_size(scale, &font, text);
    let step_x = text_w as f32 + px * 2.0;
    let step_y = px * 4.0;
    let mut row = 0;
    let mut y = 0.0;
    while y < side as f32 {
        // Alternate rows are offset by half a repeat, like a brick wall.
        let mut x = if row % 2 == 0 { 0.0 } else { -step_x / 2.0 };
        while x < side as f32 {
            imageproc::drawing::draw_text_mut(&mut layer, Luma([255]), x as i32, y as i32, scale, &font, text);
            x += step_x;
        }
        y += step_y;
        row += 1;
    }
    let turned = imageproc::geometric_transformations::rotate_about_center(
        &layer,
        -30f32.to_radians(),
        imageproc::geometric_transformations::Interpolation::Bilinear,
        Luma([0]),
    );
    let (ox, oy) = ((side - w) / 2, (side - h) / 2);
    const INK: f32 = 120.0;
    const OPACITY: f32 = 0.35;
    for (x, y, pixel) in rgb.enumerate_pixels_mut() {
        let Some(Luma([coverage])) = turned.get_pixel_checked(x + ox, y + oy) else { continue };
        if *coverage == 0 {
            continue;
        }
        let alpha = OPACITY * f32::from(*coverage) / 255.0;
        for channel in pixel.0.iter_mut() {
            *channel = (f32::from(*channel) * (1.0 - alpha) + INK * alpha).round() as u8;
        }
    }
    Ok(())
}

/// A file name every vendor form takes: NFKC (full-width letters and digits become ASCII), no
/// separators, spaces or the characters vendors refuse, no leading dot, ASCII only where the
/// vendor demands it, and within the vendor's length limit (extension included). `fallback`
/// (ASCII) is used when nothing of `stem` survives.
pub fn safe_file_name(stem: &str, extension: &str, profile: &VendorProfile, fallback: &str) -> String {
    let ascii = profile.files.ascii_names.value;
    let mut name: String = stem
        .nfkc()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .filter(|c| {
            !crate::case::is_hidden_char(*c) && !NAME_CHARS_REFUSED.contains(*c) && !NAME_CHARS_DROPPED.contains(*c)
        })
        .filter(|c| !ascii || c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .collect();
    // No hidden files, no "..", no runs of separators.
    while name.contains("..") || name.contains("--") {
        name = name.replace("..", ".").replace("--", "-");
    }
    let mut name = name.trim_matches(|c| c == '.' || c == '-' || c == '_').to_string();
    if name.is_empty() {
        name = fallback.to_string();
    }
    let extension: String = extension.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
    let limit = profile.files.max_name_chars.as_ref().map(|m| m.value as usize).unwrap_or(100);
    let room = limit.saturating_sub(extension.chars().count() + 1).max(1);
    let stem: String = name.chars().take(room).collect();
    format!("{stem}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Vendor;

    fn profile(vendor: Vendor) -> &'static VendorProfile {
        VendorProfile::get(vendor).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn names_are_safe_for_each_vendor() {
        let aliyun = profile(Vendor::Aliyun); // ASCII names (A9)
        let huawei = profile(Vendor::Huawei); // no spaces or "#'$%&*/|<>{}[];?!, ≤ 64 (H6)
        assert_eq!(safe_file_name("营业执照 (1)", "JPG", huawei, "x"), "营业执照-(1).jpg");
        assert_eq!(safe_file_name("营业执照 (1)", "jpg", aliyun, "business-license"), "1.jpg");
        assert_eq!(safe_file_name("身份证", "png", aliyun, "handler-id-front"), "handler-id-front.png");
        assert_eq!(safe_file_name("../../etc/passwd", "jpg", huawei, "x"), "etcpasswd.jpg");
        assert_eq!(safe_file_name("ＡＢＣ１２３#?!", "jpg", aliyun, "x"), "ABC123.jpg");
        assert_eq!(safe_file_name("...", "jpg", huawei, "material"), "material.jpg");
        assert_eq!(safe_file_name("报告\u{202E}gpj.exe", "p\u{200B}ng", huawei, "x"), "报告gpj.exe.png");
        let long = safe_file_name(&"长".repeat(100), "jpeg", huawei, "x");
        assert_eq!(long.chars().count(), 64, "{long}");
        assert!(long.ends_with(".jpeg"));
    }
}
