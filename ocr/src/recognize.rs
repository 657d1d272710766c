//! Line recognition: each detected line cut out along its rotated rectangle, scaled to the
//! recogniser's 48 px height, read, and decoded greedily (CTC) with each character's
//! probability and position, as RapidOCR's `ch_ppocr_rec` does.

use image::imageops::{self, FilterType};
use image::{Rgb, RgbImage};
use imageproc::geometric_transformations::{Interpolation, Projection, warp_into};

use crate::detect::{Quad, normalised};
use crate::models::Models;
use crate::{Char, Result, TextLine};

/// The recogniser's input height.
const HEIGHT: u32 = 48;
/// The narrowest input: shorter lines are padded to it, as PaddleOCR pads to its 3×48×320
/// input (a lone label character read at its own 48 px was read as nothing).
const MIN_WIDTH: u32 = 320;
/// A line longer than this ratio is read in one piece all the same, but no wider: beyond it the
/// recogniser's memory grows without a licence's line needing it.
const MAX_RATIO: f32 = 80.0;

/// Each line is read on its own at its own width. RapidOCR batches six lines padded to the
/// widest; on our pages that padding was a third of the recogniser's work, and reading lines
/// alone took 0.59 s a page instead of 0.66 in ONNX Runtime (0.92 instead of 1.01 in rten)
/// with the same fields read (docs/PERFORMANCE.md).
pub(crate) fn recognize(
    models: &Models,
    page: &RgbImage,
    quads: Vec<(Quad, f32)>,
    see_through_colour: bool,
) -> Result<Vec<TextLine>> {
    let mut lines = Vec::with_capacity(quads.len());
    for (quad, score) in quads {
        let Some((crop, quad)) = cut(page, &quad, see_through_colour) else { continue };
        let ratio = (crop.width() as f32 / crop.height().max(1) as f32).min(MAX_RATIO);
        let width = ((HEIGHT as f32 * ratio).ceil() as u32).max(1);
        let resized = imageops::resize(&crop, width, HEIGHT, FilterType::Triangle);
        let input_w = width.max(MIN_WIDTH);
        let output = models.recognize([1, 3, HEIGHT as usize, input_w as usize], normalised(&resized, input_w))?;
        let classes = match output.shape[..] {
            [1, steps, classes] if steps * classes > 0 => classes,
            _ => return Err(crate::Error::Run(format!("the recogniser gave an output of shape {:?}", output.shape))),
        };
        let chars = decode(&output.data, classes, &models.dictionary, input_w as f32 / width as f32);
        if !chars.is_empty() {
            lines.push(TextLine { quad, chars, score });
        }
    }
    Ok(lines)
}

/// The line cut out of the page and straightened, and its quad in reading order. A line much
/// taller than wide is vertical text or a page turned on its side: it is turned to read left to
/// right (RapidOCR's `get_rotate_crop_image`), and its quad with it.
fn cut(page: &RgbImage, quad: &Quad, see_through_colour: bool) -> Option<(RgbImage, Quad)> {
    let (w, h) = (quad.width().round().max(1.0) as u32, quad.height().round().max(1.0) as u32);
    let target = [(0.0, 0.0), (w as f32, 0.0), (w as f32, h as f32), (0.0, h as f32)];
    let projection = Projection::from_control_points(quad.0, target)?;
    let mut crop = RgbImage::new(w, h);
    // Bicubic, as PaddleOCR's `get_rotate_crop_image` cuts (INTER_CUBIC): on the real licences
    // it read one name more than bilinear and lost none (docs/PERFORMANCE.md).
    warp_into(page, &projection, Interpolation::Bicubic, Rgb([255, 255, 255]), &mut crop);
    if see_through_colour && seal_ink(&crop) {
        return None;
    }
    if see_through_colour {
        // Licences print their text in black and are sealed in red over it. A clearly red
        // pixel takes its red channel in all three (the seal turns as light as the paper, the
        // black print under it stays dark); every other pixel is left as it is.
        for pixel in crop.pixels_mut() {
            let [r, g, b] = pixel.0;
            if u16::from(r) > u16::from(g.max(b)) + 40 {
                *pixel = Rgb([r; 3]);
            }
        }
    }
    if h as f32 >= 1.5 * w as f32 {
        let [tl, tr, br, bl] = quad.0;
        // Turned a quarter anticlockwise, the crop's right edge becomes its top.
        return Some((imageops::rotate270(&crop), Quad([tr, br, bl, tl])));
    }
    Some((crop, *quad))
}

/// Whether a line is printed in seal red: most of its ink (pixels well darker than paper in
/// some channel) clearly red. A seal's own text (市场监督管理局 round a licence's or a
/// certificate's seal) is never a value; a line of black print under a seal has black ink.
fn seal_ink(crop: &RgbImage) -> bool {
    let (mut ink, mut red) = (0u32, 0u32);
    for pixel in crop.pixels() {
        let [r, g, b] = pixel.0.map(u32::from);
        if r.min(g).min(b) < 150 {
            ink += 1;
            // Saturated and light enough to be ink, not black print under a coloured cast.
            if r > 120 && 5 * r > 8 * g.max(b) {
                red += 1;
            }
        }
    }
    ink > 0 && 2 * red > ink
}

/// Greedy CTC: the most probable class at each frame, repeats merged, blanks dropped. `stretch`
/// is the input's width over the line's, so frame positions become fractions of the line.
fn decode(frames: &[f32], classes: usize, dictionary: &[String], stretch: f32) -> Vec<Char> {
    let steps = frames.len() / classes.max(1);
    let mut chars: Vec<Char> = Vec::new();
    let mut previous = 0usize;
    for (t, frame) in frames.chunks_exact(classes.max(1)).enumerate() {
        let (best, prob) =
            frame.iter().copied().enumerate().fold((0, f32::NEG_INFINITY), |a, b| if b.1 > a.1 { b } else { a });
        let position = |frame: usize| (frame as f32 * stretch / steps as f32).clamp(0.0, 1.0);
        if best != 0 && best == previous {
            if let Some(last) = chars.last_mut() {
                if prob > last.prob {
                    last.prob = prob;
                    last.alternatives = runner_ups(frame, best, dictionary);
                }
                last.span.1 = position(t + 1);
            }
        } else if best != 0 {
            chars.push(Char {
                text: token(dictionary, best),
                prob,
                span: (position(t), position(t + 1)),
                alternatives: runner_ups(frame, best, dictionary),
            });
        }
        previous = best;
    }
    chars
}

/// How many runner-up tokens each character keeps: enough for a code's alphabet to find its
/// reading (the true one was second or third wherever a code character was misread).
const RUNNER_UPS: usize = 3;

/// The most probable tokens of a frame after `best`, blank left out.
fn runner_ups(frame: &[f32], best: usize, dictionary: &[String]) -> Vec<(String, f32)> {
    let mut top: Vec<(usize, f32)> = Vec::with_capacity(RUNNER_UPS + 1);
    for (class, &p) in frame.iter().enumerate().skip(1) {
        if class == best || top.len() == RUNNER_UPS && top.last().is_some_and(|l| l.1 >= p) {
            continue;
        }
        let at = top.iter().position(|t| t.1 < p).unwrap_or(top.len());
        top.insert(at, (class, p));
        top.truncate(RUNNER_UPS);
    }
    top.into_iter().map(|(class, p)| (token(dictionary, class), p)).collect()
}

/// Class `class` of the recogniser's output: the dictionary's token before it (class 0 is the
/// blank), and the space PaddleOCR appends after the dictionary.
fn token(dictionary: &[String], class: usize) -> String {
    match class.checked_sub(1).and_then(|i| dictionary.get(i)) {
        Some(token) => token.clone(),
        None => " ".to_string(),
    }
}
