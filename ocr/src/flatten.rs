//! A document photographed at an angle, seen flat: its outline found on the photo and its
//! perspective undone before the lines are detected and read.
//!
//! The rotated text boxes of [`crate::detect`] absorb a page that is only turned; an oblique
//! photo also narrows the far edge, so rows converge, columns lean and characters shrink along a
//! line, which the layout's rows and columns (and the recogniser) do not expect. The outline is
//! found as scanning apps find it: edges of a reduced copy, the largest convex four-sided
//! outline, and a projective warp of that quadrilateral onto a rectangle (Zhang and He,
//! "Whiteboard scanning and image enhancement", Digital Signal Processing 17(2), 2007, take the
//! same route). The warp is applied only when the outline is really oblique and holds the text
//! the detector found, so a printed frame, a second document or a turned flat scan changes
//! nothing.

use image::imageops::{self, FilterType};
use image::{GrayImage, Rgb, RgbImage};
use imageproc::contours::{BorderType, find_contours};
use imageproc::distance_transform::Norm;
use imageproc::geometric_transformations::{Interpolation, Projection, warp_into};
use imageproc::geometry::{approximate_polygon_dp, arc_length, contour_area, convex_hull};
use imageproc::point::Point;

use crate::detect::{Quad, distance, ordered};

/// The outline is looked for on a copy at most this many pixels on its long side: enough for a
/// page's edges, a fraction of the detector's time.
const OUTLINE_SIDE: u32 = 512;
/// A document smaller than this share of the photo is not looked for as an outline (the page
/// itself then fills too little of the picture to be read flat with any gain).
const MIN_AREA: f64 = 0.2;
/// A corner further than this from a right angle, or opposite sides whose lengths differ by more
/// than [`MIN_SIDE_RATIO`], make an outline oblique enough to flatten. Below that the page is
/// read as it is: a page only turned (a scan 1–3° askew) the rotated text boxes read, and on
/// rendered licences whose far edge was up to a quarter shorter every field was read the same
/// unflattened, a second faster (docs/PERFORMANCE.md); at a third shorter the rows of the 2019
/// form no longer line up with their labels, and the name and type were lost.
const MAX_CORNER_DEGREES: f32 = 6.0;
const MIN_SIDE_RATIO: f32 = 0.88;
/// The share of the detected text (by area) that must lie inside the outline for it to be the
/// document's.
const TEXT_INSIDE: f32 = 0.9;
/// The border kept around the flattened document, as a share of its longer side: text printed
/// to the page's edge stays whole.
const MARGIN: f32 = 0.02;

/// A page seen flat, and how a point on it maps back onto the photo.
pub(crate) struct Flat {
    pub image: RgbImage,
    pub back: Projection,
}

/// `page` flattened, when it shows an oblique document holding the text the detector found in
/// `lines`; `None` leaves the page as it is.
pub(crate) fn flatten(page: &RgbImage, lines: &[(Quad, f32)]) -> Option<Flat> {
    let corners = document_corners(page)?;
    if !is_oblique(&corners) || !holds_the_text(&corners, lines) {
        return None;
    }
    let (width, height) = (corners.width(), corners.height());
    let margin = MARGIN * width.max(height);
    let rect =
        [(margin, margin), (margin + width, margin), (margin + width, margin + height), (margin, margin + height)];
    let to_flat = Projection::from_control_points(corners.0, rect)?;
    let size = |v: f32| (v + 2.0 * margin).round() as u32;
    let mut image = RgbImage::new(size(width), size(height));
    warp_into(page, &to_flat, Interpolation::Bilinear, Rgb([255, 255, 255]), &mut image);
    Some(Flat { image, back: to_flat.invert() })
}

/// The corners of the document on `page` (top-left, top-right, bottom-right, bottom-left), when
/// its outline stands out from what it lies on.
pub fn document_corners(page: &RgbImage) -> Option<Quad> {
    let (w, h) = page.dimensions();
    if w < 32 || h < 32 {
        return None;
    }
    let scale = (OUTLINE_SIDE as f32 / w.max(h) as f32).min(1.0);
    let (sw, sh) = (((w as f32 * scale) as u32).max(1), ((h as f32 * scale) as u32).max(1));
    let small: GrayImage = imageops::grayscale(&imageops::resize(page, sw, sh, FilterType::Triangle));
    let smooth = imageproc::filter::gaussian_blur_f32(&small, 1.5);
    // Edges joined across the gaps a seal, a shadow or a low-contrast stretch leaves.
    let edges = imageproc::morphology::dilate(&imageproc::edges::canny(&smooth, 15.0, 45.0), Norm::LInf, 2);
    let photo_area = f64::from(sw) * f64::from(sh);
    let quad = find_contours::<i32>(&edges)
        .into_iter()
        .filter(|c| c.border_type == BorderType::Outer && c.parent.is_none())
        .filter_map(|c| outline_quad(c.points, photo_area))
        .max_by(|a, b| a.1.total_cmp(&b.1))?
        .0;
    if sides(&quad).into_iter().any(|(a, b)| along_the_frame(a, b, sw, sh)) {
        return None;
    }
    let corners = ordered(quad.map(|p| (p.x as f32 / scale, p.y as f32 / scale)));
    // Four distinct corners, each side a fair part of the photo: a triangle or a sliver has
    // no perspective to undo.
    let shortest = w.min(h) as f32 / 4.0;
    sides(&corners.0).iter().all(|(a, b)| distance(*a, *b) >= shortest).then_some(corners)
}

/// The four-sided outline of a contour and its area, when the contour is large and its convex
/// hull is close to a quadrilateral.
fn outline_quad(points: Vec<Point<i32>>, photo_area: f64) -> Option<([Point<i32>; 4], f64)> {
    let hull = convex_hull(points);
    let area = contour_area(&hull).abs();
    if area < MIN_AREA * photo_area {
        return None;
    }
    let simple = approximate_polygon_dp(&hull, 0.01 * arc_length(&hull, true), true);
    let quad = largest_quad(&simple)?;
    let quad_area = contour_area(&quad).abs();
    // Rounded or torn corners cut off a little; a shape that is not four-sided, much more.
    (quad_area >= 0.94 * area).then_some((quad, quad_area))
}

/// The four vertices of a convex polygon that enclose the most area.
fn largest_quad(polygon: &[Point<i32>]) -> Option<[Point<i32>; 4]> {
    // A page's simplified hull has a handful of vertices; a few dozen bounds the search.
    if polygon.len() < 4 || polygon.len() > 40 {
        return None;
    }
    let mut best: Option<([Point<i32>; 4], f64)> = None;
    for (i, &a) in polygon.iter().enumerate() {
        for (j, &b) in polygon.iter().enumerate().skip(i + 1) {
            for (k, &c) in polygon.iter().enumerate().skip(j + 1) {
                for &d in polygon.iter().skip(k + 1) {
                    let quad = [a, b, c, d];
                    let area = contour_area(&quad).abs();
                    if best.as_ref().is_none_or(|(_, most)| area > *most) {
                        best = Some((quad, area));
                    }
                }
            }
        }
    }
    best.map(|(quad, _)| quad)
}

/// Whether a side runs along the photo's own edge: there the document goes on out of the
/// picture (or fills it), and its real outline, so its perspective, is not seen.
fn along_the_frame(a: Point<i32>, b: Point<i32>, w: u32, h: u32) -> bool {
    let near = |v: i32, edge: i32| (v - edge).abs() <= 3;
    let (right, bottom) = (w as i32 - 1, h as i32 - 1);
    [0, right].iter().any(|&x| near(a.x, x) && near(b.x, x))
        || [0, bottom].iter().any(|&y| near(a.y, y) && near(b.y, y))
}

fn is_oblique(corners: &Quad) -> bool {
    let [tl, tr, br, bl] = corners.0;
    let ratio = |a: f32, b: f32| a.min(b) / a.max(b).max(f32::EPSILON);
    let sides_differ = ratio(distance(tl, tr), distance(bl, br)) < MIN_SIDE_RATIO
        || ratio(distance(tl, bl), distance(tr, br)) < MIN_SIDE_RATIO;
    let angle = |prev: (f32, f32), at: (f32, f32), next: (f32, f32)| {
        let (u, v) = ((prev.0 - at.0, prev.1 - at.1), (next.0 - at.0, next.1 - at.1));
        let cos = (u.0 * v.0 + u.1 * v.1) / (distance(prev, at) * distance(next, at)).max(f32::EPSILON);
        cos.clamp(-1.0, 1.0).acos().to_degrees()
    };
    let corners_skew = [(bl, tl, tr), (tl, tr, br), (tr, br, bl), (br, bl, tl)]
        .into_iter()
        .any(|(p, a, n)| (angle(p, a, n) - 90.0).abs() > MAX_CORNER_DEGREES);
    sides_differ || corners_skew
}

/// Whether nearly all the detected text (by area) has its centre inside the outline.
fn holds_the_text(corners: &Quad, lines: &[(Quad, f32)]) -> bool {
    let area = |q: &Quad| q.width() * q.height();
    let total: f32 = lines.iter().map(|(q, _)| area(q)).sum();
    let inside: f32 = lines.iter().filter(|(q, _)| contains(corners, q.centre())).map(|(q, _)| area(q)).sum();
    lines.len() >= 4 && inside >= TEXT_INSIDE * total
}

/// Whether `p` lies inside the convex quadrilateral `corners` (in order, either winding).
fn contains(corners: &Quad, p: (f32, f32)) -> bool {
    let cross = |a: (f32, f32), b: (f32, f32)| (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
    let signs = sides(&corners.0).map(|(a, b)| cross(a, b));
    signs.iter().all(|s| *s >= 0.0) || signs.iter().all(|s| *s <= 0.0)
}

/// The four sides of a quadrilateral, each from one corner to the next.
fn sides<P: Copy>(&[a, b, c, d]: &[P; 4]) -> [(P, P); 4] {
    [(a, b), (b, c), (c, d), (d, a)]
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use imageproc::drawing::draw_polygon_mut;

    /// A white sheet with grey lines of "text" on a brown desk, its corners at `corners`.
    fn sheet_on_desk(corners: [(i32, i32); 4]) -> RgbImage {
        let mut photo = RgbImage::from_pixel(800, 600, Rgb([112, 100, 86]));
        let poly = corners.map(|(x, y)| Point::new(x, y));
        draw_polygon_mut(&mut photo, &poly, Rgb([236, 234, 228]));
        let (cx, cy) = (corners.iter().map(|c| c.0).sum::<i32>() / 4, corners.iter().map(|c| c.1).sum::<i32>() / 4);
        for row in -3..=3 {
            let rect = imageproc::rect::Rect::at(cx - 150, cy + 40 * row).of_size(300, 14);
            imageproc::drawing::draw_filled_rect_mut(&mut photo, rect, Rgb([60, 60, 60]));
        }
        photo
    }

    fn near(a: (f32, f32), b: (i32, i32)) -> bool {
        (a.0 - b.0 as f32).abs() < 8.0 && (a.1 - b.1 as f32).abs() < 8.0
    }

    #[test]
    fn an_oblique_sheet_is_found_by_its_corners() {
        let corners = [(170, 90), (640, 110), (730, 540), (80, 520)];
        let found = document_corners(&sheet_on_desk(corners)).expect("an outline");
        for (f, c) in found.0.iter().zip(corners) {
            assert!(near(*f, c), "{found:?} against {corners:?}");
        }
        assert!(is_oblique(&found));
    }

    #[test]
    fn a_sheet_only_turned_is_not_oblique() {
        // A 400 × 300 sheet turned 2°: right angles, equal opposite sides.
        let (c, s) = (2f32.to_radians().cos(), 2f32.to_radians().sin());
        let corners = [(-200.0, -150.0), (200.0, -150.0), (200.0, 150.0), (-200.0, 150.0)]
            .map(|(x, y): (f32, f32)| ((400.0 + x * c - y * s) as i32, (300.0 + x * s + y * c) as i32));
        let found = document_corners(&sheet_on_desk(corners)).expect("an outline");
        assert!(!is_oblique(&found), "{found:?}");
    }

    #[test]
    fn a_page_that_fills_the_photo_has_no_outline() {
        let photo = RgbImage::from_pixel(800, 600, Rgb([236, 234, 228]));
        assert_eq!(document_corners(&photo), None);
    }

    #[test]
    fn text_outside_the_outline_keeps_the_page_as_it_is() {
        let corners = Quad([(170.0, 90.0), (640.0, 110.0), (730.0, 540.0), (80.0, 520.0)]);
        let line = |x: f32, y: f32| (Quad([(x, y), (x + 100.0, y), (x + 100.0, y + 20.0), (x, y + 20.0)]), 0.9);
        let inside: Vec<_> = (0..5).map(|i| line(250.0, 150.0 + 60.0 * i as f32)).collect();
        assert!(holds_the_text(&corners, &inside));
        let mut spilling = inside.clone();
        spilling.extend((0..5).map(|i| line(10.0, 10.0 + 100.0 * i as f32)));
        assert!(!holds_the_text(&corners, &spilling));
    }
}
