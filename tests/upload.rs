#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic on bad data
//! `qualkit prepare`: material files fitted to a vendor's upload rules, on real images rendered
//! at test time; legibility is proven by reading the shrunk licence back with the real OCR
//! models (where installed; `QUALKIT_REQUIRE_MODELS=1` makes their absence a failure).

use std::path::{Path, PathBuf};
use std::process::Command;

use image::{DynamicImage, ImageDecoder, RgbImage};
use qualkit::reading::DocKind;
use qualkit_fixtures::{Condition, Document, Page, Rng, corpus};
use serde_json::Value;

fn prepare(args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_qualkit")).arg("prepare").args(args).arg("--json").output().unwrap();
    let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!("not JSON: {} {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code().unwrap_or(-1), value)
}

/// A phone-sized photo of a licence: the clean rendering doubled and grained, saved as PNG
/// (which grain makes large).
fn big_licence_photo(dir: &Path) -> (PathBuf, qualkit_fixtures::Licence) {
    let licence = corpus::licence(&mut Rng::new(21));
    let page = Page::new(Document::Licence2019(licence.clone()), Condition::Clean, 21).unwrap();
    let small = image::load_from_memory(&page.bytes).unwrap().to_rgb8();
    let big = qualkit_fixtures::phone_sized(&small, 24.0, 5);
    let path = dir.join("营业执照 拍照.png");
    big.save(&path).unwrap();
    (path, licence)
}

#[test]
fn a_large_photo_is_shrunk_under_the_limit_and_still_reads_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let (photo, truth) = big_licence_photo(tmp.path());
    let input_bytes = std::fs::metadata(&photo).unwrap().len();
    assert!(input_bytes > 4 * 1024 * 1024, "the test photo should be phone-sized: {input_bytes}");
    let out = tmp.path().join("huawei");
    let (code, v) = prepare(&[
        "--vendor",
        "huawei",
        "--role",
        "business-license",
        "--out",
        out.to_str().unwrap(),
        photo.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{v}");
    let row = &v[0];
    let path = PathBuf::from(row["path"].as_str().unwrap());
    // Huawei keeps Chinese names but no spaces (H6); the output is a JPEG under 2 MB (H6, H7).
    assert_eq!(path.file_name().unwrap().to_str().unwrap(), "营业执照-拍照.jpg");
    let bytes = std::fs::metadata(&path).unwrap().len();
    assert!(bytes <= 2 * 1024 * 1024, "{bytes}");
    assert_eq!(row["bytes"], bytes);
    let decoded = image::open(&path).unwrap();
    assert!(decoded.width().max(decoded.height()) >= qualkit::upload::MIN_LONG_SIDE);
    println!("{input_bytes} bytes → {bytes} bytes, {}×{}", decoded.width(), decoded.height());

    // Legible: OCR reads the shrunk file as it reads the original, and the code exactly.
    if !qualkit::ocr::models_installed() {
        assert!(!std::env::var("QUALKIT_REQUIRE_MODELS").is_ok_and(|v| v == "1"), "the OCR models are not installed");
        eprintln!("legibility not checked: the OCR models are not installed (./dev.sh installs them)");
        return;
    }
    let shrunk = qualkit::ocr::read_file(&path, DocKind::BusinessLicense).unwrap().reading;
    let original = qualkit::ocr::read_file(&photo, DocKind::BusinessLicense).unwrap().reading;
    assert_eq!(shrunk.field("uscc").map(|f| f.value.as_str()), Some(truth.uscc.as_str()));
    for key in ["name", "uscc", "legal_rep", "established"] {
        let value = |r: &qualkit::reading::Reading| r.field(key).map(|f| f.value.clone());
        assert_eq!(value(&shrunk), value(&original), "{key}");
    }
}

/// Inserts a minimal EXIF block (APP1) after the JPEG's SOI marker, as a phone would.
fn with_exif(jpeg: &[u8]) -> Vec<u8> {
    let tiff: &[u8] = b"Exif\0\0II*\0\x08\0\0\0\0\0\0\0\0\0";
    let length = (tiff.len() + 2) as u16;
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn has_exif(path: &Path) -> bool {
    let mut decoder = image::ImageReader::open(path).unwrap().with_guessed_format().unwrap().into_decoder().unwrap();
    decoder.exif_metadata().unwrap().is_some()
}

#[test]
fn compliant_files_pass_unchanged_and_others_are_converted_named_and_cleaned() {
    let tmp = tempfile::tempdir().unwrap();
    let page = Page::new(Document::Licence2019(corpus::licence(&mut Rng::new(2))), Condition::Scanned, 2).unwrap();
    assert_eq!(page.extension, "jpg");
    let plain = tmp.path().join("licence.jpg");
    std::fs::write(&plain, &page.bytes).unwrap();
    let exif = tmp.path().join("licence-exif.jpg");
    std::fs::write(&exif, with_exif(&page.bytes)).unwrap();
    assert!(has_exif(&exif));
    let bmp = tmp.path().join("营业执照 副本.bmp");
    image::load_from_memory(&page.bytes).unwrap().save(&bmp).unwrap();
    let out = tmp.path().join("aliyun");
    let (code, v) = prepare(&[
        "--vendor",
        "aliyun",
        "--role",
        "business-license",
        "--out",
        out.to_str().unwrap(),
        plain.to_str().unwrap(),
        exif.to_str().unwrap(),
        bmp.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{v}");

    // Accepted and small enough: the very same bytes.
    assert_eq!(v[0]["unchanged"], true, "{v}");
    assert_eq!(std::fs::read(out.join("licence.jpg")).unwrap(), page.bytes);
    // EXIF never travels.
    assert_eq!(v[1]["unchanged"], false);
    assert!(v[1]["changes"][0].as_str().unwrap().contains("EXIF"), "{v}");
    assert!(!has_exif(&out.join("licence-exif.jpg")));
    // BMP is not accepted by Aliyun (A6): converted; Aliyun wants ASCII names (A9), so the
    // Chinese stem gives way to the role.
    assert_eq!(v[2]["path"].as_str().unwrap(), out.join("business-license.jpg").to_str().unwrap(), "{v}");
    assert!(v[2]["changes"][0].as_str().unwrap().contains("bmp"), "{v}");
    assert_eq!(image::ImageFormat::from_path(out.join("business-license.jpg")).unwrap(), image::ImageFormat::Jpeg);
    assert_eq!(
        image::guess_format(&std::fs::read(out.join("business-license.jpg")).unwrap()).unwrap(),
        image::ImageFormat::Jpeg
    );
}

#[test]
fn identity_copies_get_a_diagonal_watermark() {
    let tmp = tempfile::tempdir().unwrap();
    let page = Page::new(Document::Licence2019(corpus::licence(&mut Rng::new(3))), Condition::Clean, 3).unwrap();
    let input = tmp.path().join("id.png");
    std::fs::write(&input, &page.bytes).unwrap();
    let out = tmp.path().join("out");
    let (code, v) = prepare(&[
        "--vendor",
        "tencent",
        "--role",
        "handler-id-front",
        "--watermark",
        "--out",
        out.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{v}");
    assert!(v[0]["changes"].to_string().contains("仅供腾讯云短信签名报备使用"), "{v}");
    let before = image::open(&input).unwrap().to_rgb8();
    let after = image::open(v[0]["path"].as_str().unwrap()).unwrap().to_rgb8();
    assert_eq!(before.dimensions(), after.dimensions());
    // The marks cover a fair share of the page, in every quarter, without hiding it.
    let (w, h) = before.dimensions();
    for (qx, qy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
        let mut changed = 0;
        let mut total = 0;
        for y in (qy * h / 2)..((qy + 1) * h / 2) {
            for x in (qx * w / 2)..((qx + 1) * w / 2) {
                total += 1;
                let (a, b) = (before.get_pixel(x, y).0, after.get_pixel(x, y).0);
                if a.iter().zip(b).any(|(p, q)| p.abs_diff(q) > 24) {
                    changed += 1;
                }
            }
        }
        let share = changed as f64 / total as f64;
        assert!((0.02..0.5).contains(&share), "quarter {qx},{qy}: {share:.3} of pixels changed");
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts/upload");
    std::fs::create_dir_all(&dir).unwrap();
    DynamicImage::ImageRgb8(after).thumbnail(900, 900).save(dir.join("watermark.png")).unwrap();
}

#[test]
fn pdfs_and_hopeless_files_get_their_own_error_and_the_rest_are_written() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("letter.pdf");
    std::fs::write(&pdf, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").unwrap();
    // Pure black-and-white grain cannot be compressed: 1880 px on the long side is barely above
    // the legibility floor, so it cannot be shrunk either. Grey grain, because JPEG keeps
    // brightness at full resolution and averages colour over 2×2 blocks.
    let mut rng = Rng::new(9);
    let noise = RgbImage::from_fn(1880, 1880, |_, _| {
        let v = if rng.unit() < 0.5 { 0 } else { 255 };
        image::Rgb([v, v, v])
    });
    let hopeless = tmp.path().join("noise.png");
    noise.save(&hopeless).unwrap();
    let fine = tmp.path().join("fine.png");
    RgbImage::from_pixel(400, 300, image::Rgb([240, 240, 240])).save(&fine).unwrap();
    let out = tmp.path().join("out");

    let (code, v) = prepare(&[
        "--vendor",
        "huawei",
        "--role",
        "business-license",
        "--out",
        out.to_str().unwrap(),
        pdf.to_str().unwrap(),
        hopeless.to_str().unwrap(),
        fine.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{v}");
    assert!(v[0]["error"].as_str().unwrap().contains("PDF"), "{v}");
    assert!(v[1]["error"].as_str().is_some_and(|e| e.contains("保持清晰")), "{v}");
    assert_eq!(v[2]["unchanged"], true, "{v}");
    assert!(out.join("fine.png").exists());
    assert!(!out.join("noise.jpg").exists() && !out.join("letter.pdf").exists());

    // Huawei takes a PDF for the authorization letter (H8): passed through untouched.
    let (code, v) = prepare(&[
        "--vendor",
        "huawei",
        "--role",
        "authorization-letter",
        "--out",
        out.to_str().unwrap(),
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(std::fs::read(out.join("letter.pdf")).unwrap(), std::fs::read(&pdf).unwrap());
}
