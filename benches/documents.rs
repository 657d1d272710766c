//! Documents benchmark: the time and size of a one-page letter and of the review report, and
//! the time to fit a phone-sized licence photo under a vendor's 2 MB limit beside the time to
//! merely copy and to merely decode the same file, in the same run.
//!
//! `cargo bench --bench documents -- [--runs N]` (default 10 runs of each letter).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::Path;
use std::time::Instant;

use qualkit::case::{Role, Vendor};
use qualkit::letter::LetterOptions;
use qualkit::profile::VendorProfile;
use qualkit::{DocumentKind, Lang, Store};
use qualkit_fixtures::{Condition, Document, Page, Rng, corpus};

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed().as_secs_f64() * 1000.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    // The sample case, for third-party use, with a rendered licence.
    let folder = tmp.path().join("case");
    std::fs::create_dir_all(folder.join("ids")).unwrap();
    let toml = std::fs::read_to_string(root.join("tests/fixtures/yunfan/case.toml")).unwrap().replace(
        "use = \"self\"",
        "use = \"third-party\"\nowner = \"厦门云帆控股集团有限公司\"\nowner_uscc = \"91350200MA2XN5YX6A\"",
    );
    std::fs::write(folder.join("case.toml"), toml).unwrap();
    std::fs::copy(root.join("tests/fixtures/yunfan/ids/handler-front.png"), folder.join("ids/handler-front.png"))
        .unwrap();
    let licence = Page::new(
        Document::Licence2019(corpus::yunfan_licence("厦门市海沧区云帆网络科技有限公司")),
        Condition::Clean,
        4,
    )
    .unwrap();
    std::fs::write(folder.join("license.png"), &licence.bytes).unwrap();
    let mut store = Store::open(&tmp.path().join("data")).unwrap();
    let id = store.import_folder(&folder).unwrap();
    let options = LetterOptions::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());

    println!("documents, {runs} runs each (median)");
    println!("{:<34}{:>10}{:>10}{:>8}", "document", "ms", "bytes", "pages");
    let (_, font_ms) = timed(|| qualkit::font::cjk().unwrap());
    println!("{:<34}{:>10.1}{:>10}{:>8}", "(font search, once per process)", font_ms, "", "");
    for (name, kind, vendor) in [
        ("authorization letter (aliyun)", DocumentKind::AuthorizationLetter, Some(Vendor::Aliyun)),
        ("commitment letter (tencent)", DocumentKind::CommitmentLetter, Some(Vendor::Tencent)),
    ] {
        let mut times = Vec::new();
        let mut last = None;
        for _ in 0..runs {
            let (generated, ms) =
                timed(|| qualkit::generate_document(&mut store, &id, kind, vendor, &options, Lang::Zh).unwrap());
            times.push(ms);
            last = Some(generated);
        }
        let generated = last.unwrap();
        println!("{name:<34}{:>10.1}{:>10}{:>8}", median(times), generated.pdf.len(), generated.pages);
    }
    // The first report OCRs the licence; later ones find the reading cached.
    let (report, first_ms) = timed(|| {
        qualkit::generate_document(&mut store, &id, DocumentKind::ReviewReport, None, &options, Lang::Zh).unwrap()
    });
    println!("{:<34}{:>10.1}{:>10}{:>8}", "review report (first, with OCR)", first_ms, report.pdf.len(), report.pages);
    let times: Vec<f64> = (0..runs)
        .map(|_| {
            timed(|| {
                qualkit::generate_document(&mut store, &id, DocumentKind::ReviewReport, None, &options, Lang::Zh)
                    .unwrap()
            })
            .1
        })
        .collect();
    println!(
        "{:<34}{:>10.1}{:>10}{:>8}",
        "review report (cached reading)",
        median(times),
        report.pdf.len(),
        report.pages
    );

    // A phone-sized photo: the licence doubled and grained, as PNG.
    let small = image::load_from_memory(
        &Page::new(Document::Licence2019(corpus::licence(&mut Rng::new(21))), Condition::Clean, 21).unwrap().bytes,
    )
    .unwrap()
    .to_rgb8();
    let big = qualkit_fixtures::phone_sized(&small, 24.0, 5);
    let photo = tmp.path().join("photo.png");
    big.save(&photo).unwrap();
    let photo_bytes = std::fs::metadata(&photo).unwrap().len();
    let huawei = VendorProfile::get(Vendor::Huawei).unwrap();
    let runs = runs.clamp(1, 3);
    let copy =
        median((0..runs).map(|_| timed(|| std::fs::copy(&photo, tmp.path().join("copy.png")).unwrap()).1).collect());
    let decode = median((0..runs).map(|_| timed(|| image::open(&photo).unwrap()).1).collect());
    let mut fitted_bytes = 0;
    let fit = median(
        (0..runs)
            .map(|_| {
                let (fitted, ms) = timed(|| {
                    qualkit::upload::fit_for_vendor(&photo, Role::BusinessLicense, huawei, &Default::default()).unwrap()
                });
                fitted_bytes = fitted.bytes.len();
                ms
            })
            .collect(),
    );
    println!();
    println!(
        "fitting a {}×{} PNG of {:.1} MB under Huawei's 2 MB ({runs} runs, median)",
        big.width(),
        big.height(),
        photo_bytes as f64 / 1048576.0
    );
    println!("{:<34}{:>10.1}", "copy the file (baseline)", copy);
    println!("{:<34}{:>10.1}", "decode the file (baseline)", decode);
    println!("{:<34}{:>10.1}  → {:.2} MB JPEG", "qualkit fit_for_vendor", fit, fitted_bytes as f64 / 1048576.0);
}
