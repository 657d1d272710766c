//! Line recognition: each detected line cut out along its rotated rectangle, scaled to the
//! recogniser's 48 px height, read in batches, and decoded greedily (CTC) with each character's
//! probability and position, as RapidOCR's `ch_ppocr_rec` does.

use image::imageops::{self, FilterType};
use image::{Rgb, RgbImage};
use imageproc::geometric_transformations::{Interpolation, Projection, warp_into};
use rten_tensor::NdTensor;
use rten_tensor::prelude::*;

use crate::detect::Quad;
use crate::models::Models;
use crate::{Char, Result, TextLine};

/// The recogniser's input height.
const HEIGHT: u32 = 48;
/// Lines read at once (RapidOCR's `rec_batch_num`): lines of similar length share a batch, so
/// little of it is padding.
const BATCH: usize = 6;
/// The narrowest batch, as a width-to-height ratio (RapidOCR's 320 / 48).
const MIN_RATIO: f32 = 320.0 / 48.0;
/// A line longer than this ratio is read in one piece all the same, but no wider: beyond it the
/// recogniser's memory grows without a licence's line needing it.
const MAX_RATIO: f32 = 80.0;

pub(crate) fn recognize(
    models: &Models,
    page: &RgbImage,
    quads: Vec<(Quad, f32)>,
    see_through_colour: bool,
) -> Result<Vec<TextLine>> {
    let crops: Vec<(RgbImage, Quad, f32)> = quads
        .into_iter()
        .filter_map(|(quad, score)| {
            let (crop, quad) = cut(page, &quad, see_through_colour)?;
            Some((crop, quad, score))
        })
        .collect();
    let ratio = |image: &RgbImage| image.width() as f32 / image.height().max(1) as f32;
    let mut order: Vec<usize> = (0..crops.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (crops.get(a).map_or(0.0, |c| ratio(&c.0)), crops.get(b).map_or(0.0, |c| ratio(&c.0)));
        ra.total_cmp(&rb)
    });
    let mut read: Vec<Option<Vec<Char>>> = vec![None; crops.len()];
    for batch in order.chunks(BATCH) {
        let images: Vec<&RgbImage> = batch.iter().filter_map(|&i| crops.get(i).map(|c| &c.0)).collect();
        let max_ratio = images.iter().map(|i| ratio(i)).fold(MIN_RATIO, f32::max).min(MAX_RATIO);
        let input_w = (HEIGHT as f32 * max_ratio) as u32;
        let mut data = vec![0.0f32; images.len() * 3 * (HEIGHT * input_w) as usize];
        let mut widths = Vec::with_capacity(images.len());
        for (n, image) in images.iter().enumerate() {
            let w = ((HEIGHT as f32 * ratio(image)).ceil() as u32).clamp(1, input_w);
            let resized = imageops::resize(*image, w, HEIGHT, FilterType::Triangle);
            write_normalised(&resized, &mut data, n, input_w);
            widths.push(w);
        }
        let input = NdTensor::from_data([images.len(), 3, HEIGHT as usize, input_w as usize], data);
        let output: NdTensor<f32, 3> = Models::run(&models.recognition, input)?;
        let [_, steps, classes] = output.shape();
        let probabilities = output.to_contiguous();
        let frames = probabilities.data().chunks_exact(steps * classes);
        for ((&index, &width), frames) in batch.iter().zip(&widths).zip(frames) {
            let chars = decode(frames, classes, &models.dictionary, input_w as f32 / width as f32);
            if let Some(slot) = read.get_mut(index) {
                *slot = Some(chars);
            }
        }
    }
    Ok(crops
        .into_iter()
        .zip(read)
        .filter_map(|((_, quad, score), chars)| {
            let chars = chars?;
            (!chars.is_empty()).then_some(TextLine { quad, chars, score })
        })
        .collect())
}

/// The line cut out of the page and straightened, and its quad in reading order. A line much
/// taller than wide is vertical text or a page turned on its side: it is turned to read left to
/// right (RapidOCR's `get_rotate_crop_image`), and its quad with it.
fn cut(page: &RgbImage, quad: &Quad, see_through_colour: bool) -> Option<(RgbImage, Quad)> {
    let (w, h) = (quad.width().round().max(1.0) as u32, quad.height().round().max(1.0) as u32);
    let target = [(0.0, 0.0), (w as f32, 0.0), (w as f32, h as f32), (0.0, h as f32)];
    let projection = Projection::from_control_points(quad.0, target)?;
    let mut crop = RgbImage::new(w, h);
    warp_into(page, &projection, Interpolation::Bilinear, Rgb([255, 255, 255]), &mut crop);
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

/// Writes `image` (48 px high, at most `input_w` wide) into item `n` of a [n, 3, 48, input_w]
/// batch as BGR scaled to −1…1; the rest of the row stays 0, the padding PaddleOCR uses.
fn write_normalised(image: &RgbImage, data: &mut [f32], n: usize, input_w: u32) {
    let plane = (HEIGHT * input_w) as usize;
    let base = n * 3 * plane;
    for (x, y, pixel) in image.enumerate_pixels() {
        let [r, g, b] = pixel.0;
        for (channel, value) in [b, g, r].into_iter().enumerate() {
            let at = base + channel * plane + (y * input_w + x) as usize;
            if let Some(slot) = data.get_mut(at) {
                *slot = f32::from(value) / 127.5 - 1.0;
            }
        }
    }
}

/// Greedy CTC: the most probable class at each frame, repeats merged, blanks dropped. `stretch`
/// is the batch width over this line's width, so frame positions become fractions of the line.
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
                last.prob = last.prob.max(prob);
                last.span.1 = position(t + 1);
            }
        } else if best != 0 {
            let text = match dictionary.get(best - 1) {
                Some(token) => token.clone(),
                None => " ".to_string(),
            };
            chars.push(Char { text, prob, span: (position(t), position(t + 1)) });
        }
        previous = best;
    }
    chars
}
