//! qualkit-ocr on licences rendered now by qualkit-fixtures, read by the real PP-OCR models.
//! Without the models (README's set-up installs them) the tests say so and pass, unless
//! `QUALKIT_REQUIRE_MODELS=1` (set by `./dev.sh test`) makes their absence a failure.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::sync::OnceLock;

use qualkit_fixtures::{Condition, Document, Page, Rng, corpus};
use qualkit_ocr::models::{ONNXRUNTIME_FILE, Runtime};
use qualkit_ocr::{Error, Models, Reader, TextLine};

/// One reader for every test: the models load once per process, as in the app.
fn reader() -> Option<&'static Reader> {
    static READER: OnceLock<Option<Reader>> = OnceLock::new();
    READER
        .get_or_init(|| match Models::locate() {
            Ok(models) => Some(Reader::new(models).expect("reader")),
            Err(e) if std::env::var("QUALKIT_REQUIRE_MODELS").is_ok_and(|v| v == "1") => panic!("{e}"),
            Err(e) => {
                eprintln!("skipping: {e}");
                None
            }
        })
        .as_ref()
}

fn read(document: &Document, condition: Condition) -> Vec<TextLine> {
    let page = Page::new(document.clone(), condition, 11).expect("render");
    let image = image::load_from_memory(&page.bytes).expect("decode").to_rgb8();
    reader().expect("reader").read(&image).expect("read").lines
}

/// A clean 2019 licence rendered from `seed`, and its pixels.
fn clean_licence(seed: u64) -> (qualkit_fixtures::Licence, image::RgbImage) {
    let licence = corpus::licence(&mut Rng::new(seed));
    let page = Page::new(Document::Licence2019(licence.clone()), Condition::Clean, seed).expect("render");
    (licence, image::load_from_memory(&page.bytes).expect("decode").to_rgb8())
}

/// The line holding `value`, and where in it `value` starts (in characters).
fn find<'a>(lines: &'a [TextLine], value: &str) -> Option<(&'a TextLine, usize)> {
    lines.iter().find_map(|line| {
        let text = line.text();
        let at = text.find(value)?;
        Some((line, text.get(..at)?.chars().count()))
    })
}

#[test]
fn a_licence_reads_its_name_and_code_exactly_clean_and_scanned() {
    if reader().is_none() {
        return;
    }
    let licence = corpus::licence(&mut Rng::new(5));
    let document = Document::Licence2019(licence.clone());
    for condition in [Condition::Clean, Condition::Scanned, Condition::Photo] {
        let lines = read(&document, condition);
        let all: Vec<String> = lines.iter().map(TextLine::text).collect();
        let (name_line, at) =
            find(&lines, &licence.name).unwrap_or_else(|| panic!("{condition:?}: no {} in {all:#?}", licence.name));
        assert!(find(&lines, &licence.uscc).is_some(), "{condition:?}: no {} in {all:#?}", licence.uscc);
        // Each character of the name stands inside its line, left to right, and the model is
        // sure of it on a page this legible.
        let chars = &name_line.chars[at..at + licence.name.chars().count()];
        assert!(chars.windows(2).all(|w| w[0].span.0 <= w[1].span.0), "{chars:?}");
        assert!(chars.iter().all(|c| c.prob > 0.5), "{condition:?}: {chars:?}");
        let (x0, _, x1, _) = name_line.quad.bounds();
        let (n0, _, n1, _) = name_line.quad_of(at, at + chars.len()).expect("the name's quad").bounds();
        assert!(n0 >= x0 - 1.0 && n1 <= x1 + 1.0 && n1 - n0 < x1 - x0, "{n0}..{n1} within {x0}..{x1}");
    }
}

#[test]
fn a_page_turned_on_its_side_or_upside_down_is_read_upright() {
    let Some(reader) = reader() else { return };
    let (licence, image) = clean_licence(8);
    let upright = reader.read(&image).expect("read").lines;
    let (name_line, _) = find(&upright, &licence.name).expect("the name upright");
    let (x, y) = name_line.quad.centre();
    let (w, h) = (image.width() as f32, image.height() as f32);
    // Where the name's centre lands on each turned page (turned clockwise by 90, 180, 270°).
    let turns = [
        (image::imageops::rotate90(&image), (h - y, x)),
        (image::imageops::rotate180(&image), (w - x, h - y)),
        (image::imageops::rotate270(&image), (y, w - x)),
    ];
    for (turned, expected) in turns {
        let text = reader.read(&turned).expect("read");
        let texts: Vec<String> = text.lines.iter().map(TextLine::text).collect();
        assert!(find(&text.lines, &licence.uscc).is_some(), "{texts:#?}");
        let (line, _) = find(&text.lines, &licence.name).unwrap_or_else(|| panic!("no {} in {texts:#?}", licence.name));
        // On the page as given, the name's line is where the turn put it.
        let (tx, ty) = text.on_page(&line.quad).centre();
        assert!((tx - expected.0).abs() < 40.0 && (ty - expected.1).abs() < 40.0, "{tx},{ty} vs {expected:?}");
    }
}

#[test]
fn lines_come_in_reading_order() {
    if reader().is_none() {
        return;
    }
    let licence = corpus::licence(&mut Rng::new(6));
    let lines = read(&Document::Licence2015(licence.clone()), Condition::Clean);
    let texts: Vec<String> = lines.iter().map(TextLine::text).collect();
    let position =
        |value: &str| texts.iter().position(|t| t.contains(value)).unwrap_or_else(|| panic!("{value} in {texts:#?}"));
    // The 2015 form prints the name above the address, the address above the legal representative.
    assert!(position(&licence.name) < position(&licence.legal_rep), "{texts:#?}");
    for pair in lines.windows(2) {
        let (a, b) = (pair[0].quad.bounds(), pair[1].quad.bounds());
        assert!(a.1 <= b.1 + 10.0, "top to bottom: {texts:#?}");
    }
}

#[test]
fn a_cut_line_is_read_on_its_own() {
    let Some(reader) = reader() else { return };
    let (licence, image) = clean_licence(7);
    let lines = reader.read(&image).expect("read").lines;
    let (line, _) = find(&lines, &licence.name).expect("the name's line");
    let (x0, y0, x1, y1) = line.quad.bounds();
    let crop = image::imageops::crop_imm(&image, x0 as u32, y0 as u32, (x1 - x0) as u32, (y1 - y0) as u32).to_image();
    let again = reader.read_line(&crop).expect("read the crop");
    assert_eq!(again.text(), line.text());
}

#[test]
fn a_missing_or_broken_model_is_a_clear_error() {
    let empty = tempfile::tempdir().expect("tmp");
    match Models::load(empty.path()) {
        Err(Error::Model { path, .. }) => assert!(path.ends_with("PP-OCRv6_det_small.onnx"), "{}", path.display()),
        other => panic!("{:?}", other.err()),
    }
    std::fs::write(empty.path().join("PP-OCRv6_det_small.onnx"), b"not a model").expect("write");
    std::fs::write(empty.path().join("PP-OCRv6_rec_small.onnx"), b"not a model").expect("write");
    let error = Models::load(empty.path()).err().expect("a broken model is refused");
    assert!(error.to_string().contains("PP-OCRv6_det_small.onnx"), "{error}");
}

#[test]
fn onnx_runtime_reads_when_installed_and_both_runtimes_read_alike() {
    let Some(reader) = reader() else { return };
    let dir = reader.models().dir().to_path_buf();
    let installed = dir.join(ONNXRUNTIME_FILE).is_file();
    if std::env::var("QUALKIT_REQUIRE_MODELS").is_ok_and(|v| v == "1") {
        assert!(installed, "README's set-up puts {ONNXRUNTIME_FILE} beside the models in {}", dir.display());
    }
    if !installed {
        eprintln!("skipping: no {ONNXRUNTIME_FILE} in {}", dir.display());
        return;
    }
    // The faster runtime is the one chosen when nothing else is asked for.
    assert_eq!(reader.models().runtime(), Runtime::OnnxRuntime);
    let rten = Reader::new(Models::load_in(&dir, Runtime::Rten).expect("rten loads the same files")).expect("reader");
    let licence = corpus::licence(&mut Rng::new(12));
    for condition in [Condition::Clean, Condition::Scanned] {
        let page = Page::new(Document::Licence2019(licence.clone()), condition, 12).expect("render");
        let image = image::load_from_memory(&page.bytes).expect("decode").to_rgb8();
        let by_onnx = reader.read(&image).expect("onnxruntime");
        let by_rten = rten.read(&image).expect("rten");
        let texts = |page: &qualkit_ocr::PageText| page.lines.iter().map(TextLine::text).collect::<Vec<_>>();
        assert_eq!(texts(&by_onnx), texts(&by_rten), "{condition:?}");
        for (a, b) in by_onnx.lines.iter().flat_map(|l| &l.chars).zip(by_rten.lines.iter().flat_map(|l| &l.chars)) {
            assert!((a.prob - b.prob).abs() < 0.02, "{condition:?}: {a:?} against {b:?}");
        }
    }
}
