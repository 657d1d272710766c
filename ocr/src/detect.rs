//! Text-line detection: the PP-OCR detector's probability map, binarised and traced into rotated
//! rectangles, the post-processing PaddleOCR calls DB (differentiable binarisation) and RapidOCR
//! implements in `ch_ppocr_det/utils.py`. Rotated rectangles, not axis-aligned boxes: on a page
//! scanned 1.5° askew, axis-aligned boxes lost 8 of 15 lines (their corners dilute the score and
//! take in the neighbouring lines).

use image::RgbImage;
use image::imageops::{self, FilterType};
use imageproc::contours::{BorderType, find_contours};
use imageproc::geometry::min_area_rect;
use imageproc::point::Point;

use crate::Result;
use crate::models::Models;

/// Four corners: top-left, top-right, bottom-right, bottom-left, as the text reads.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quad(pub [(f32, f32); 4]);

impl Quad {
    /// The length along the text (the longer of the top and bottom edges).
    pub fn width(&self) -> f32 {
        let [a, b, c, d] = self.0;
        distance(a, b).max(distance(d, c))
    }

    /// The height across the text (the longer of the left and right edges).
    pub fn height(&self) -> f32 {
        let [a, b, c, d] = self.0;
        distance(a, d).max(distance(b, c))
    }

    /// The axis-aligned bounds: left, top, right, bottom.
    pub fn bounds(&self) -> (f32, f32, f32, f32) {
        let xs = self.0.map(|p| p.0);
        let ys = self.0.map(|p| p.1);
        let min = |v: [f32; 4]| v.into_iter().fold(f32::INFINITY, f32::min);
        let max = |v: [f32; 4]| v.into_iter().fold(f32::NEG_INFINITY, f32::max);
        (min(xs), min(ys), max(xs), max(ys))
    }

    pub fn centre(&self) -> (f32, f32) {
        let sum = self.0.iter().fold((0.0, 0.0), |s, p| (s.0 + p.0, s.1 + p.1));
        (sum.0 / 4.0, sum.1 / 4.0)
    }

    /// The part of the quad between fractions `from` and `to` of its length.
    pub fn cut(&self, from: f32, to: f32) -> Quad {
        let [tl, tr, br, bl] = self.0;
        let at = |p: (f32, f32), q: (f32, f32), t: f32| (p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t);
        let (from, to) = (from.clamp(0.0, 1.0), to.clamp(0.0, 1.0));
        Quad([at(tl, tr, from), at(tl, tr, to), at(bl, br, to), at(bl, br, from)])
    }
}

pub(crate) fn distance(a: (f32, f32), b: (f32, f32)) -> f32 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// How the detector sees the page: pages longer than `max_side` are shrunk to it, then pages
/// shorter than `min_side` on their short side are enlarged to it. RapidOCR shrinks to 2000;
/// 1280 found as many fields exact on the real licences and the rendered ones (more dates and
/// addresses), in 0.85 s a page instead of 0.95–1.5 s and 433 MB at peak instead of 743
/// (docs/PERFORMANCE.md).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DetectOptions {
    pub max_side: u32,
    pub min_side: u32,
    /// A pixel is text when its probability exceeds this.
    pub threshold: f32,
    /// A region is a line when its mean probability reaches this.
    pub box_threshold: f32,
    /// How far a region is grown back out (the detector sees text shrunk), as
    /// area × ratio / perimeter.
    pub unclip_ratio: f32,
}

impl Default for DetectOptions {
    fn default() -> Self {
        DetectOptions { max_side: 1280, min_side: 736, threshold: 0.3, box_threshold: 0.5, unclip_ratio: 1.6 }
    }
}

/// The most regions traced on one page (RapidOCR's `max_candidates`).
const MAX_CANDIDATES: usize = 1000;

/// The text lines of `page` with the detector's score for each, in reading order.
pub(crate) fn detect(models: &Models, page: &RgbImage, options: &DetectOptions) -> Result<Vec<(Quad, f32)>> {
    let (width, height) = page.dimensions();
    if width == 0 || height == 0 {
        return Ok(Vec::new());
    }
    let (input_w, input_h) = input_size(width, height, options);
    let resized = imageops::resize(page, input_w, input_h, FilterType::Triangle);
    let output = models.detect([1, 3, input_h as usize, input_w as usize], normalised(&resized, input_w))?;
    let (map_h, map_w) = match output.shape[..] {
        [_, _, h, w] => (h, w),
        _ => return Err(crate::Error::Run(format!("the detector gave a map of shape {:?}", output.shape))),
    };
    let map = Map { data: &output.data, w: map_w, h: map_h };
    let scale = (width as f32 / input_w as f32, height as f32 / input_h as f32);
    let mut lines = regions(map, options)
        .into_iter()
        .filter_map(|(quad, score)| {
            // Corners on whole pixels, as PaddleOCR rounds them: the recogniser is sensitive to
            // where a crop starts within a pixel (0555's 恋 read as 态 at 0.51 from unrounded
            // corners, as 恋 from rounded ones), and rounding reads as the reference does.
            let on_page = quad.0.map(|(x, y)| {
                (
                    (x * scale.0).round().clamp(0.0, (width - 1) as f32),
                    (y * scale.1).round().clamp(0.0, (height - 1) as f32),
                )
            });
            let quad = ordered(on_page);
            (quad.width() > 3.0 && quad.height() > 3.0).then_some((quad, score))
        })
        .collect::<Vec<_>>();
    sort_reading_order(&mut lines);
    Ok(lines)
}

/// The detector's input size: the page scaled within the options' limits, each side a multiple
/// of 32 as the network needs.
fn input_size(width: u32, height: u32, options: &DetectOptions) -> (u32, u32) {
    let (w, h) = (width as f32, height as f32);
    let mut ratio = (options.max_side as f32 / w.max(h)).min(1.0);
    let short = w.min(h) * ratio;
    if short < options.min_side as f32 {
        ratio *= options.min_side as f32 / short;
    }
    let round32 = |v: f32| (((v * ratio) / 32.0).round() as u32 * 32).max(32);
    (round32(w), round32(h))
}

/// A document that fills little of the frame, its text small to the detector: a card held up
/// to the camera beside a face, a licence on a wide desk. The region its lines cover, with a
/// margin of two lines, as (x, y, width, height) on the page, when that is under a quarter of
/// the page and its median line is under 20 px high as the detector sees the page: read from
/// that region alone, the detector sees it larger (a 14 px label becomes 25 px), and finds the
/// small labels it missed. Shapes far taller than the page's lines (a face, a shirt the
/// detector took for text) are not lines.
pub(crate) fn small_document(
    (width, height): (u32, u32),
    quads: &[(Quad, f32)],
    options: &DetectOptions,
) -> Option<(u32, u32, u32, u32)> {
    let mut heights: Vec<f32> = quads.iter().map(|(q, _)| q.height().min(q.width())).collect();
    heights.sort_by(f32::total_cmp);
    let median = *heights.get(heights.len() / 2)?;
    let lines: Vec<&Quad> =
        quads.iter().map(|(q, _)| q).filter(|q| q.height().min(q.width()) <= 3.0 * median).collect();
    if lines.len() < 3 {
        return None;
    }
    let (input_w, _) = input_size(width, height, options);
    let seen = median * input_w as f32 / width.max(1) as f32;
    let (x0, y0, x1, y1) = lines.iter().map(|q| q.bounds()).fold((f32::MAX, f32::MAX, f32::MIN, f32::MIN), |a, b| {
        (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3))
    });
    let margin = 2.0 * median;
    let x0 = (x0 - margin).max(0.0) as u32;
    let y0 = (y0 - margin).max(0.0) as u32;
    let x1 = ((x1 + margin) as u32).min(width);
    let y1 = ((y1 + margin) as u32).min(height);
    let (w, h) = (x1.saturating_sub(x0), y1.saturating_sub(y0));
    let small = u64::from(w) * u64::from(h) * 4 < u64::from(width) * u64::from(height);
    (small && seen < 20.0 && w > 0 && h > 0).then_some((x0, y0, w, h))
}

/// [1, 3, h, input_w]: `image` (h high, at most `input_w` wide) as BGR (the channel order
/// PaddleOCR trained with) scaled to −1…1, the rest of each row 0 (the padding PaddleOCR uses
/// for the recogniser's input).
pub(crate) fn normalised(image: &RgbImage, input_w: u32) -> Vec<f32> {
    let plane = (image.height() * input_w) as usize;
    let mut data = vec![0.0f32; 3 * plane];
    for (x, y, pixel) in image.enumerate_pixels() {
        let [r, g, b] = pixel.0;
        for (channel, value) in [b, g, r].into_iter().enumerate() {
            if let Some(slot) = data.get_mut(channel * plane + (y * input_w + x) as usize) {
                *slot = f32::from(value) / 127.5 - 1.0;
            }
        }
    }
    data
}

/// Traces the regions of the probability map above the threshold and keeps those that score as
/// text, grown back to the text's extent (in map coordinates).
/// The detector's text probability per pixel of its input, row by row.
struct Map<'a> {
    data: &'a [f32],
    w: usize,
    h: usize,
}

fn regions(map: Map<'_>, options: &DetectOptions) -> Vec<(Quad, f32)> {
    let (w, h) = (map.w, map.h);
    let at = |x: usize, y: usize| map.data.get(y * w + x).copied().unwrap_or(0.0);
    // Binarise, dilated by a 2×2 kernel (a pixel is on when it or its left, upper or upper-left
    // neighbour is), which joins characters the map shows a pixel apart.
    let mut bitmap = image::GrayImage::new(w as u32, h as u32);
    for y in 0..h {
        for x in 0..w {
            let on = |dx: usize, dy: usize| x >= dx && y >= dy && at(x - dx, y - dy) > options.threshold;
            if on(0, 0) || on(1, 0) || on(0, 1) || on(1, 1) {
                bitmap.put_pixel(x as u32, y as u32, image::Luma([255]));
            }
        }
    }
    find_contours::<i32>(&bitmap)
        .into_iter()
        .filter(|c| c.border_type == BorderType::Outer)
        .take(MAX_CANDIDATES)
        .filter_map(|contour| {
            let rect = rectangle(&contour.points)?;
            if short_side(&rect) < 3.0 {
                return None;
            }
            let score = mean_inside(&rect, w, h, at);
            if score < options.box_threshold {
                return None;
            }
            let grown = unclip(&rect, options.unclip_ratio);
            (short_side(&grown) >= 5.0).then_some((Quad(grown), score))
        })
        .collect()
}

/// The minimum-area rectangle around `points`, corners in order around it.
fn rectangle(points: &[Point<i32>]) -> Option<[(f32, f32); 4]> {
    if points.is_empty() {
        return None;
    }
    Some(min_area_rect(points).map(|p| (p.x as f32, p.y as f32)))
}

fn short_side(rect: &[(f32, f32); 4]) -> f32 {
    let [a, b, _, d] = *rect;
    distance(a, b).min(distance(a, d))
}

/// A rectangle grown on every side by area × ratio / perimeter: for a rectangle, what
/// PaddleOCR's polygon offset (pyclipper, round joins) followed by a new minimum rectangle gives.
fn unclip(rect: &[(f32, f32); 4], ratio: f32) -> [(f32, f32); 4] {
    let [a, b, _, d] = *rect;
    let (long, across) = (distance(a, b), distance(a, d));
    let grow = if long + across > 0.0 { long * across * ratio / (2.0 * (long + across)) } else { 0.0 };
    let centre = rect.iter().fold((0.0, 0.0), |s, p| (s.0 + p.0 / 4.0, s.1 + p.1 / 4.0));
    let unit = |p: (f32, f32), q: (f32, f32)| {
        let len = distance(p, q).max(f32::EPSILON);
        ((q.0 - p.0) / len, (q.1 - p.1) / len)
    };
    let (u, v) = (unit(a, b), unit(a, d));
    let (hu, hv) = (long / 2.0 + grow, across / 2.0 + grow);
    let corner =
        |su: f32, sv: f32| (centre.0 + su * hu * u.0 + sv * hv * v.0, centre.1 + su * hu * u.1 + sv * hv * v.1);
    [corner(-1.0, -1.0), corner(1.0, -1.0), corner(1.0, 1.0), corner(-1.0, 1.0)]
}

/// The mean of the map over the pixels inside a convex quadrilateral (RapidOCR's "fast" score).
fn mean_inside(rect: &[(f32, f32); 4], w: usize, h: usize, at: impl Fn(usize, usize) -> f32) -> f32 {
    let xs = rect.map(|p| p.0);
    let ys = rect.map(|p| p.1);
    let lo =
        |v: [f32; 4], limit: usize| (v.into_iter().fold(f32::INFINITY, f32::min).floor().max(0.0) as usize).min(limit);
    let hi = |v: [f32; 4], limit: usize| {
        (v.into_iter().fold(f32::NEG_INFINITY, f32::max).ceil().max(0.0) as usize).min(limit)
    };
    let (x0, x1, y0, y1) = (lo(xs, w - 1), hi(xs, w - 1), lo(ys, h - 1), hi(ys, h - 1));
    let (mut sum, mut count) = (0.0f64, 0u32);
    for y in y0..=y1 {
        for x in x0..=x1 {
            if inside(rect, (x as f32, y as f32)) {
                sum += f64::from(at(x, y));
                count += 1;
            }
        }
    }
    if count == 0 { 0.0 } else { (sum / f64::from(count)) as f32 }
}

/// Whether `p` lies inside (or on) a convex quadrilateral, corners in order either way round.
fn inside(quad: &[(f32, f32); 4], p: (f32, f32)) -> bool {
    let mut sign = 0.0f32;
    let [p0, p1, p2, p3] = *quad;
    for (a, b) in [(p0, p1), (p1, p2), (p2, p3), (p3, p0)] {
        let cross = (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
        if cross.abs() < 0.5 {
            continue;
        }
        if sign == 0.0 {
            sign = cross.signum();
        } else if cross.signum() != sign {
            return false;
        }
    }
    true
}

/// Corners as top-left, top-right, bottom-right, bottom-left: the two leftmost are the left
/// edge (the higher one on top), the two rightmost the right edge.
pub(crate) fn ordered(mut points: [(f32, f32); 4]) -> Quad {
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let [l1, l2, r1, r2] = points;
    let (tl, bl) = if l1.1 <= l2.1 { (l1, l2) } else { (l2, l1) };
    let (tr, br) = if r1.1 <= r2.1 { (r1, r2) } else { (r2, r1) };
    Quad([tl, tr, br, bl])
}

/// Top to bottom; lines whose tops are within 10 px of each other left to right (RapidOCR's
/// `sorted_boxes`).
fn sort_reading_order(lines: &mut [(Quad, f32)]) {
    lines.sort_by(|a, b| a.0.0[0].1.total_cmp(&b.0.0[0].1));
    let mut row = 0u32;
    let mut rows = Vec::with_capacity(lines.len());
    let mut previous = None;
    for (quad, _) in lines.iter() {
        let y = quad.0[0].1;
        if previous.is_some_and(|p: f32| y - p >= 10.0) {
            row += 1;
        }
        previous = Some(y);
        rows.push(row);
    }
    let mut keyed: Vec<(u32, (Quad, f32))> = rows.into_iter().zip(lines.iter().copied()).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.0.0[0].0.total_cmp(&b.1.0.0[0].0)));
    for (slot, (_, line)) in lines.iter_mut().zip(keyed) {
        *slot = line;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_sizes_stay_within_the_limits() {
        let options = DetectOptions::default();
        // Within the limits: rounded to multiples of 32 only.
        assert_eq!(input_size(1184, 900, &options), (1184, 896));
        // A scan or a phone photo is shrunk to 1280 on its long side.
        assert_eq!(input_size(1600, 1100, &options), (1280, 896));
        assert_eq!(input_size(4000, 3000, &options), (1280, 960));
        // A small screenshot is enlarged to 736 on its short side.
        assert_eq!(input_size(500, 368, &options), (992, 736));
    }

    #[test]
    fn a_rectangle_grows_by_area_over_perimeter() {
        let rect = [(10.0, 10.0), (110.0, 10.0), (110.0, 30.0), (10.0, 30.0)];
        // 100 × 20: grow = 2000 × 1.6 / 240 = 13.33 on every side.
        let grown = unclip(&rect, 1.6);
        assert!((distance(grown[0], grown[1]) - 126.67).abs() < 0.1, "{grown:?}");
        assert!((distance(grown[0], grown[3]) - 46.67).abs() < 0.1, "{grown:?}");
    }

    #[test]
    fn corners_are_ordered_as_the_text_reads() {
        let quad = ordered([(100.0, 42.0), (0.0, 40.0), (0.0, 10.0), (100.0, 12.0)]);
        assert_eq!(quad.0, [(0.0, 10.0), (100.0, 12.0), (100.0, 42.0), (0.0, 40.0)]);
        let half = quad.cut(0.5, 1.0);
        assert_eq!(half.0[0], (50.0, 11.0));
    }
}
