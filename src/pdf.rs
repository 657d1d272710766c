//! A4 documents of Chinese text: a small flow layout (paragraphs, rows of cells, boxes,
//! images) with line breaking for Chinese, rendered to PDF by krilla with the text embedded
//! as a font subset, so it stays real, selectable text.
//!
//! Layout and rendering are separate stages: [`Layout`] places items on pages in points from
//! the top-left corner; [`Layout::to_pdf`] only draws them.

use std::ops::Range;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::text::TextDirection;

use image::ImageEncoder;

use crate::error::{Error, Result};
use crate::font::{Face, Fonts};

/// A4 in PDF points (1/72 in).
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
/// About 25 mm on every side: room for a binding and for the seal to overlap the text.
pub const MARGIN: f32 = 70.0;

pub type Rgb = (u8, u8, u8);
pub const BLACK: Rgb = (0, 0, 0);
pub const GREY: Rgb = (110, 110, 110);
pub const RED: Rgb = (200, 30, 30);
pub const GREEN: Rgb = (20, 130, 60);
pub const AMBER: Rgb = (180, 110, 0);

/// Characters that may not start a line (kinsoku shori, as in GB/T 15834 and JIS X 4051):
/// closing brackets and quotes, sentence and clause punctuation, iteration and prolonged marks.
const NO_LINE_START: &str = "。，、；：？！）」』】〕〗〙〛》〉’”…‥—～·．，．：；？！）］｝%‰℃°、ーゝゞ々";
/// Characters that may not end a line: opening brackets and quotes.
const NO_LINE_END: &str = "（「『【〔〖〘〚《〈‘“([{［｛";

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Align {
    Left,
    Centre,
    Right,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
    pub colour: Rgb,
    pub align: Align,
    /// First-line indent in ems (Chinese letters indent each paragraph by two characters).
    pub indent: f32,
    /// Line height as a multiple of the size.
    pub leading: f32,
}

impl Style {
    pub const fn body() -> Style {
        Style { size: 12.0, bold: false, colour: BLACK, align: Align::Left, indent: 0.0, leading: 1.8 }
    }
    pub const fn title() -> Style {
        Style { size: 20.0, bold: true, align: Align::Centre, ..Style::body() }
    }
    pub const fn heading() -> Style {
        Style { size: 14.0, bold: true, leading: 1.6, ..Style::body() }
    }
    pub const fn small() -> Style {
        Style { size: 9.0, leading: 1.5, ..Style::body() }
    }
    pub const fn indented(self) -> Style {
        Style { indent: 2.0, ..self }
    }
    pub const fn aligned(self, align: Align) -> Style {
        Style { align, ..self }
    }
    pub const fn coloured(self, colour: Rgb) -> Style {
        Style { colour, ..self }
    }
    pub const fn bolded(self) -> Style {
        Style { bold: true, ..self }
    }
    fn line_height(&self) -> f32 {
        self.size * self.leading
    }
}

/// A piece of a paragraph with its own colour and weight (a mismatched character in red).
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub text: String,
    pub colour: Rgb,
    pub bold: bool,
}

impl Span {
    pub fn new(text: impl Into<String>, colour: Rgb) -> Span {
        Span { text: text.into(), colour, bold: false }
    }
}

/// A picture for the page: JPEG bytes, or RGBA pixels.
#[derive(Clone)]
pub enum Picture {
    Jpeg(Vec<u8>),
    Rgba { pixels: Vec<u8>, width: u32, height: u32 },
}

/// A wrapped line: its indent in points and its spans.
type Line = (f32, Vec<Span>);

#[derive(Clone)]
enum Item {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        colour: Rgb,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        stroke: Option<Rgb>,
        fill: Option<Rgb>,
        dashed: bool,
    },
    Picture {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        picture: Picture,
    },
}

/// Pages being filled from the top; `y` is the cursor, in points from the top edge.
pub struct Layout {
    fonts: Fonts,
    /// Finished pages, and the page being filled.
    pages: Vec<Vec<Item>>,
    page: Vec<Item>,
    y: f32,
    title: String,
}

impl Layout {
    pub fn new(fonts: Fonts, title: impl Into<String>) -> Layout {
        Layout { fonts, pages: Vec::new(), page: Vec::new(), y: MARGIN, title: title.into() }
    }

    /// Width between the margins.
    pub fn width(&self) -> f32 {
        PAGE_WIDTH - 2.0 * MARGIN
    }

    pub fn y(&self) -> f32 {
        self.y
    }

    pub fn page_count(&self) -> usize {
        self.pages.len() + 1
    }

    pub fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.page));
        self.y = MARGIN;
    }

    /// Starts a new page unless `height` still fits on this one.
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > PAGE_HEIGHT - MARGIN && self.y > MARGIN {
            self.new_page();
        }
    }

    pub fn space(&mut self, height: f32) {
        self.y += height;
    }

    /// Characters of `text` the font cannot draw.
    pub fn missing_glyphs(&self, text: &str) -> Vec<char> {
        self.fonts.regular.missing(text)
    }

    fn face(&self, bold: bool) -> &Face {
        if bold { &self.fonts.bold } else { &self.fonts.regular }
    }

    /// A paragraph across the text width; lines flow onto the next page.
    pub fn paragraph(&mut self, text: &str, style: Style) {
        self.spans(&[Span { text: text.to_string(), colour: style.colour, bold: style.bold }], style);
    }

    /// A paragraph of differently coloured pieces across the text width.
    pub fn spans(&mut self, spans: &[Span], style: Style) {
        let lines = self.wrap(spans, self.width(), style);
        for (indent, line) in lines {
            self.ensure(style.line_height());
            let (x, y) = (MARGIN + indent, self.y);
            self.place_line(&line, x, y, self.width() - indent, style);
            self.y += style.line_height();
        }
    }

    /// One row of cells side by side (`widths` in points, summing to at most the text width);
    /// the row moves to a new page whole. Returns the row's height.
    pub fn row(&mut self, cells: &[(Vec<Span>, Style)], widths: &[f32], gap: f32) -> f32 {
        let wrapped: Vec<(Vec<Line>, Style)> = cells
            .iter()
            .zip(widths)
            .map(|((spans, style), width)| (self.wrap(spans, *width, *style), *style))
            .collect();
        let height =
            wrapped.iter().map(|(lines, style)| lines.len().max(1) as f32 * style.line_height()).fold(0.0, f32::max);
        self.ensure(height);
        let mut x = MARGIN;
        for ((lines, style), width) in wrapped.iter().zip(widths) {
            let mut y = self.y;
            for (indent, line) in lines {
                self.place_line(line, x + indent, y, width - indent, *style);
                y += style.line_height();
            }
            x += width + gap;
        }
        self.y += height;
        height
    }

    /// A row of empty, captioned boxes for a seal, a signature or a fingerprint.
    pub fn boxes(&mut self, captions: &[&str], height: f32) {
        if captions.is_empty() {
            return;
        }
        let caption = Style::small().coloured(GREY);
        let total = height + caption.line_height() + 4.0;
        self.ensure(total);
        let gap = 16.0;
        let count = captions.len() as f32;
        let w = (self.width() - gap * (count - 1.0)) / count;
        for (i, text) in captions.iter().enumerate() {
            let (x, y) = (MARGIN + i as f32 * (w + gap), self.y);
            self.current().push(Item::Rect { x, y, w, h: height, stroke: Some(GREY), fill: None, dashed: true });
            let line = vec![Span::new(*text, GREY)];
            self.place_line(&line, x, self.y + height + 4.0, w, caption.aligned(Align::Centre));
        }
        self.y += total;
    }

    /// A picture scaled into `max_w` × `max_h` at the cursor's left margin plus `x`, keeping its
    /// aspect ratio; returns its placed size. The cursor does not move (place text beside it).
    pub fn picture(&mut self, x: f32, picture: Picture, aspect: f32, max_w: f32, max_h: f32) -> (f32, f32) {
        let (w, h) = if max_w / aspect <= max_h { (max_w, max_w / aspect) } else { (max_h * aspect, max_h) };
        let y = self.y;
        self.current().push(Item::Picture { x: MARGIN + x, y, w, h, picture });
        (w, h)
    }

    /// A rectangle relative to the left margin and the cursor (frames, highlights).
    pub fn rect(&mut self, x: f32, dy: f32, w: f32, h: f32, stroke: Option<Rgb>, fill: Option<Rgb>) {
        let y = self.y + dy;
        self.current().push(Item::Rect { x: MARGIN + x, y, w, h, stroke, fill, dashed: false });
    }

    /// A thin rule across the text width.
    pub fn rule(&mut self) {
        let (y, w) = (self.y, self.width());
        self.current().push(Item::Rect { x: MARGIN, y, w, h: 0.0, stroke: Some(GREY), fill: None, dashed: false });
    }

    fn current(&mut self) -> &mut Vec<Item> {
        &mut self.page
    }

    /// Draws one wrapped line whose top is at `top`, aligned inside `[x, x + width]`.
    fn place_line(&mut self, line: &[Span], x: f32, top: f32, width: f32, style: Style) {
        let line_width: f32 = line.iter().map(|s| self.face(s.bold).width(&s.text, style.size)).sum();
        let mut cursor = match style.align {
            Align::Left => x,
            Align::Centre => x + (width - line_width).max(0.0) / 2.0,
            Align::Right => x + (width - line_width).max(0.0),
        };
        // The baseline sits about 0.88 em below the top of the em box in CJK fonts; centre the
        // em box in the line height.
        let baseline = top + (style.line_height() - style.size) / 2.0 + style.size * 0.88;
        for span in line {
            if span.text.is_empty() {
                continue;
            }
            let advance = self.face(span.bold).width(&span.text, style.size);
            self.current().push(Item::Text {
                x: cursor,
                y: baseline,
                size: style.size,
                bold: span.bold,
                colour: span.colour,
                text: span.text.clone(),
            });
            cursor += advance;
        }
    }

    /// Breaks spans into lines no wider than `width`, each with its indent; explicit newlines
    /// end a line; the first line of each paragraph is indented by `style.indent` ems.
    fn wrap(&self, spans: &[Span], width: f32, style: Style) -> Vec<Line> {
        // Characters with the span each came from.
        let mut chars: Vec<(char, usize)> = Vec::new();
        for (i, span) in spans.iter().enumerate() {
            chars.extend(span.text.chars().map(|c| (c, i)));
        }
        let mut lines = Vec::new();
        for paragraph in chars.split(|(c, _)| *c == '\n') {
            let text: Vec<char> = paragraph.iter().map(|(c, _)| *c).collect();
            // Measured once per face: regular advances, replaced by bold ones where a span is bold.
            let regular = self.fonts.regular.advances(text.iter().copied(), style.size);
            let bold = if spans.iter().any(|s| s.bold) {
                self.fonts.bold.advances(text.iter().copied(), style.size)
            } else {
                Vec::new()
            };
            let advances: Vec<f32> = paragraph
                .iter()
                .enumerate()
                .map(|(k, (_, i))| {
                    let source = if spans.get(*i).is_some_and(|s| s.bold) { &bold } else { &regular };
                    source.get(k).copied().unwrap_or(style.size)
                })
                .collect();
            let indent = style.indent * style.size;
            for range in break_lines(&text, &advances, width, indent) {
                let offset = if range.start == 0 { indent } else { 0.0 };
                let mut line: Vec<Span> = Vec::new();
                for (c, i) in paragraph.get(range).unwrap_or_default() {
                    let Some(span) = spans.get(*i) else { continue };
                    match line.last_mut() {
                        Some(last) if last.colour == span.colour && last.bold == span.bold => last.text.push(*c),
                        _ => line.push(Span { text: c.to_string(), colour: span.colour, bold: span.bold }),
                    }
                }
                lines.push((offset, line));
            }
        }
        lines
    }

    /// The finished PDF.
    pub fn to_pdf(&self) -> Result<Vec<u8>> {
        let regular = self.fonts.regular.krilla()?;
        let bold = self.fonts.bold.krilla()?;
        let mut document = krilla::Document::new();
        document.set_metadata(
            krilla::metadata::Metadata::new()
                .title(self.title.clone())
                .language("zh-CN".to_string())
                .creator("qualkit".to_string()),
        );
        for items in self.pages.iter().chain(std::iter::once(&self.page)) {
            let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or_else(|| pdf_error("page size"))?;
            let mut page = document.start_page_with(settings);
            let mut surface = page.surface();
            for item in items {
                draw(&mut surface, item, &regular, &bold)?;
            }
            surface.finish();
            page.finish();
        }
        document.finish().map_err(|e| pdf_error(&format!("{e:?}")))
    }
}

impl Layout {
    /// The pages as SVG, for the app's preview: WebKitGTK shows no PDF inline, so the same placed
    /// items are drawn again as SVG in the same font family. Positions are the PDF's; glyph
    /// shapes come from the viewer's copy of the font.
    pub fn to_svg_pages(&self) -> Result<Vec<String>> {
        self.pages.iter().chain(std::iter::once(&self.page)).map(|items| self.svg_page(items)).collect()
    }

    fn svg_page(&self, items: &[Item]) -> Result<String> {
        use std::fmt::Write;
        let mut svg = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_WIDTH}" height="{PAGE_HEIGHT}" viewBox="0 0 {PAGE_WIDTH} {PAGE_HEIGHT}"><rect width="100%" height="100%" fill="#fff"/>"##
        );
        let hex = |c: Rgb| format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2);
        for item in items {
            // Writing to a String cannot fail.
            let _ = match item {
                Item::Text { x, y, size, bold, colour: c, text } => write!(
                    svg,
                    r#"<text x="{x:.2}" y="{y:.2}" font-size="{size}" font-family="{}" font-weight="{}" fill="{}" xml:space="preserve">{}</text>"#,
                    escape_xml(&self.face(*bold).family),
                    if *bold { "bold" } else { "normal" },
                    hex(*c),
                    escape_xml(text)
                ),
                Item::Rect { x, y, w, h, stroke, fill, dashed } => {
                    let fill = fill.map(hex).unwrap_or_else(|| "none".into());
                    let stroke = stroke.map(hex).unwrap_or_else(|| "none".into());
                    let dash = if *dashed { r#" stroke-dasharray="4 3""# } else { "" };
                    if *h == 0.0 {
                        write!(
                            svg,
                            r#"<line x1="{x:.2}" y1="{y:.2}" x2="{:.2}" y2="{y:.2}" stroke="{stroke}" stroke-width="0.8"{dash}/>"#,
                            x + w
                        )
                    } else {
                        write!(
                            svg,
                            r#"<rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" fill="{fill}" stroke="{stroke}" stroke-width="0.8"{dash}/>"#
                        )
                    }
                }
                Item::Picture { x, y, w, h, picture } => {
                    let uri = picture_uri(picture)?;
                    write!(
                        svg,
                        r#"<image x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" preserveAspectRatio="none" href="{uri}"/>"#
                    )
                }
            };
        }
        svg.push_str("</svg>");
        Ok(svg)
    }
}

fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot carry most control characters even escaped.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn picture_uri(picture: &Picture) -> Result<String> {
    use base64::Engine;
    let base64 = base64::engine::general_purpose::STANDARD;
    let (mime, encoded) = match picture {
        Picture::Jpeg(bytes) => ("image/jpeg", base64.encode(bytes)),
        Picture::Rgba { pixels, width, height } => {
            let mut png = Vec::new();
            image::codecs::png::PngEncoder::new(&mut png)
                .write_image(pixels, *width, *height, image::ExtendedColorType::Rgba8)
                .map_err(|e| pdf_error(&e.to_string()))?;
            ("image/png", base64.encode(png))
        }
    };
    Ok(format!("data:{mime};base64,{encoded}"))
}

fn pdf_error(detail: &str) -> Error {
    Error::input(format!("无法生成 PDF：{detail}"), format!("cannot write the PDF: {detail}"))
}

fn colour(c: Rgb) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

fn draw(
    surface: &mut krilla::surface::Surface<'_>,
    item: &Item,
    regular: &krilla::text::Font,
    bold: &krilla::text::Font,
) -> Result<()> {
    match item {
        Item::Text { x, y, size, bold: is_bold, colour: c, text } => {
            surface.set_fill(Some(Fill { paint: colour(*c), ..Default::default() }));
            surface.set_stroke(None);
            let font = if *is_bold { bold } else { regular };
            surface.draw_text(Point::from_xy(*x, *y), font.clone(), *size, text, false, TextDirection::Auto);
        }
        Item::Rect { x, y, w, h, stroke, fill, dashed } => {
            let mut builder = PathBuilder::new();
            if *h == 0.0 {
                builder.move_to(*x, *y);
                builder.line_to(x + w, *y);
            } else {
                let rect = Rect::from_xywh(*x, *y, *w, *h).ok_or_else(|| pdf_error("rectangle"))?;
                builder.push_rect(rect);
            }
            let Some(path) = builder.finish() else { return Ok(()) };
            surface.set_fill(fill.map(|c| Fill { paint: colour(c), ..Default::default() }));
            surface.set_stroke(stroke.map(|c| Stroke {
                paint: colour(c),
                width: 0.8,
                dash: dashed.then(|| StrokeDash { array: vec![4.0, 3.0], offset: 0.0 }),
                opacity: NormalizedF32::ONE,
                ..Default::default()
            }));
            surface.draw_path(&path);
        }
        Item::Picture { x, y, w, h, picture } => {
            let image = match picture {
                Picture::Jpeg(bytes) => {
                    krilla::image::Image::from_jpeg(bytes.clone().into(), true).map_err(|e| pdf_error(&e))?
                }
                Picture::Rgba { pixels, width, height } => {
                    krilla::image::Image::from_rgba8(pixels.clone(), *width, *height)
                }
            };
            let size = Size::from_wh(*w, *h).ok_or_else(|| pdf_error("image size"))?;
            surface.push_transform(&Transform::from_translate(*x, *y));
            surface.draw_image(image, size);
            surface.pop();
        }
    }
    Ok(())
}

/// Line ranges of `text` (one paragraph) that fit `width`, given each character's advance; the
/// first line is `indent` narrower. Breaks fall between any two Han characters, at spaces, and
/// never inside a run of Latin letters and digits (a credit code or a domain stays whole unless
/// it alone is wider than the line). Kinsoku: no line starts with a closing mark or ends with an
/// opening one; the offending character moves with its neighbour.
pub fn break_lines(text: &[char], advances: &[f32], width: f32, indent: f32) -> Vec<Range<usize>> {
    if text.is_empty() {
        // An empty paragraph is one empty line.
        return std::iter::once(0..0).collect();
    }
    let mut lines = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let limit = if lines.is_empty() { width - indent } else { width };
        // The furthest end that fits (at least one character, so a narrow column still advances).
        let mut end = start;
        let mut used = 0.0;
        while end < text.len() {
            let advance = advances.get(end).copied().unwrap_or(0.0);
            // A space may hang past the margin: it is not drawn at a line end.
            if used + advance > limit && end > start && !text.get(end).is_some_and(|c| c.is_whitespace()) {
                break;
            }
            used += advance;
            end += 1;
        }
        if end < text.len() {
            end = break_before(text, start, end);
        }
        // A line broken at a space does not show the space.
        let mut shown = end;
        while shown > start && text.get(shown - 1).is_some_and(|c| *c == ' ') {
            shown -= 1;
        }
        lines.push(start..shown);
        start = end;
        // A space at the start of a continuation line is the break itself.
        while start < text.len() && text.get(start) == Some(&' ') {
            start += 1;
        }
    }
    lines
}

/// The best break at or before `end` (exclusive line end) for a line starting at `start`.
fn break_before(text: &[char], start: usize, end: usize) -> usize {
    let at = |i: usize| text.get(i).copied().unwrap_or(' ');
    let allowed = |i: usize| {
        let (before, after) = (at(i - 1), at(i));
        if after.is_whitespace() || before.is_whitespace() {
            return true;
        }
        if NO_LINE_START.contains(after) || NO_LINE_END.contains(before) {
            return false;
        }
        // Inside a word of Latin letters, digits and the joiners of codes, domains and numbers.
        let wordish = |c: char| c.is_ascii_alphanumeric() || "-_./@:%".contains(c);
        !(wordish(before) && wordish(after))
    };
    let mut i = end;
    while i > start + 1 {
        if allowed(i) {
            return i;
        }
        i -= 1;
    }
    // No allowed break (one long code): break where it fits, but still keep a closing mark with
    // its character, hanging it past the margin.
    let mut end = end;
    while end < text.len() && NO_LINE_START.contains(at(end)) {
        end += 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, chars_per_line: usize) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let advances: Vec<f32> = chars.iter().map(|c| if c.is_ascii() { 0.5 } else { 1.0 }).collect();
        break_lines(&chars, &advances, chars_per_line as f32, 0.0)
            .into_iter()
            .map(|r| chars.get(r).unwrap_or_default().iter().collect())
            .collect()
    }

    #[test]
    fn no_line_starts_with_closing_punctuation() {
        // Five per line would start line two with "，".
        assert_eq!(lines("甲乙丙丁戊，己庚辛", 5), ["甲乙丙丁", "戊，己庚辛"]);
        assert_eq!(lines("甲乙丙丁戊。」己", 5), ["甲乙丙丁", "戊。」己"]);
        assert_eq!(lines("甲乙丙丁。」己", 4), ["甲乙丙", "丁。」己"]);
    }

    #[test]
    fn no_line_ends_with_an_opening_bracket() {
        assert_eq!(lines("甲乙丙丁（戊己）", 5), ["甲乙丙丁", "（戊己）"]);
    }

    #[test]
    fn codes_and_domains_stay_whole() {
        assert_eq!(lines("代码91350205MA2Y0LQ12U", 10), ["代码", "91350205MA2Y0LQ12U"]);
        // Alone wider than the line, a code breaks where it must.
        assert_eq!(lines("91350205MA2Y0LQ12U", 8), ["91350205MA2Y0LQ1", "2U"]);
        assert_eq!(lines("网址 yunfan.example.cn 已备案", 9), ["网址", "yunfan.example.cn", "已备案"]);
    }

    #[test]
    fn every_character_is_kept() {
        let text = "本公司承诺：所发送短信内容真实、合法，不发送营销、诈骗、赌博等违法信息（含链接）。";
        for width in 3..20 {
            let joined: String = lines(text, width).concat();
            assert_eq!(joined, text, "width {width}");
        }
    }
}
