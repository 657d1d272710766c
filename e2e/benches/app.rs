//! App benchmark: cold start to the first interactive screen, and memory, with an empty data
//! folder (the baseline, same run) and with a case of 50 rendered materials; then opening that
//! case and one material's viewer. Memory is the resident size of the app and its WebKit
//! processes together, from /proc.
//!
//! `xvfb-run -a dbus-run-session -- cargo bench -p qualkit-e2e --bench app [-- --runs N]`
//! (needs tauri-driver and WebKitWebDriver, as the end-to-end tests do; `QUALKIT_APP` names a
//! release build of the app to measure instead of the debug one).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::Path;
use std::time::Instant;

use qualkit_e2e::App;
use qualkit_fixtures::{Condition, Document, Page, Rng, corpus};

const MATERIALS: usize = 50;

/// Resident and peak memory (MB) of the app and every process below it (WebKit's web and
/// network processes).
fn app_memory() -> (f64, f64) {
    let stat = |pid: u32| -> Option<(String, u32)> {
        let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let (_, rest) = text.rsplit_once(')')?;
        let ppid = rest.split_whitespace().nth(1)?.parse().ok()?;
        let name = text.split_once('(')?.1.rsplit_once(')')?.0.to_string();
        Some((name, ppid))
    };
    let pids: Vec<u32> =
        std::fs::read_dir("/proc").unwrap().filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).collect();
    let apps: Vec<u32> =
        pids.iter().copied().filter(|p| stat(*p).is_some_and(|(n, _)| n.starts_with("qualkit-app"))).collect();
    let below = |pid: u32| {
        let mut current = pid;
        for _ in 0..8 {
            if apps.contains(&current) {
                return true;
            }
            match stat(current) {
                Some((_, parent)) if parent > 1 => current = parent,
                _ => return false,
            }
        }
        false
    };
    let kb = |pid: u32, key: &str| -> f64 {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0.0)
    };
    let family: Vec<u32> = pids.into_iter().filter(|p| below(*p)).collect();
    let rss = family.iter().map(|p| kb(*p, "VmRSS:")).sum::<f64>() / 1024.0;
    let peak = family.iter().map(|p| kb(*p, "VmHWM:")).sum::<f64>() / 1024.0;
    (rss, peak)
}

/// A case folder with `MATERIALS` distinct rendered documents.
fn big_case(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut toml = String::from(
        "vendors = [\"aliyun\", \"huawei\"]\n[applicant]\nkind = \"enterprise\"\nname = \"厦门市海沧区云帆网络科技有限公司\"\nuscc = \"91350205MA2Y0LQ12U\"\nlegal_rep = \"王伟\"\n\n",
    );
    let mut rng = Rng::new(50);
    for i in 0..MATERIALS {
        let (document, role) = match i % 3 {
            0 => (Document::Licence2019(corpus::licence(&mut rng)), "other"),
            1 => (Document::Trademark(corpus::trademark(&mut rng)), "other"),
            _ => (Document::IcpRecord(corpus::icp_record(&mut rng)), "other"),
        };
        let page = Page::new(document, Condition::Clean, i as u64).unwrap();
        let name = format!("m{i:02}.png");
        std::fs::write(dir.join(&name), &page.bytes).unwrap();
        toml.push_str(&format!("[[materials]]\nrole = \"{role}\"\nfile = \"{name}\"\n\n"));
    }
    std::fs::write(dir.join("case.toml"), toml).unwrap();
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    if let Some(reason) = qualkit_e2e::unavailable() {
        eprintln!("app benchmark skipped: {reason}");
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    let runs: usize =
        args.iter().position(|a| a == "--runs").and_then(|i| args.get(i + 1)).and_then(|n| n.parse().ok()).unwrap_or(3);
    let folders = tempfile::tempdir().unwrap();
    let case_dir = folders.path().join("case");
    big_case(&case_dir);
    println!("app: {} ({runs} runs; median time, largest memory)", qualkit_e2e::app_binary().display());
    println!("{:<58}{:>10}{:>10}{:>10}", "", "ms", "RSS MB", "peak MB");

    let mut rows: Vec<(&str, Vec<f64>, f64, f64)> = vec![
        ("start to the case list, empty data folder (baseline)", Vec::new(), 0.0, 0.0),
        ("start to the case list, one case of 50 materials", Vec::new(), 0.0, 0.0),
        ("open the case (checklist), then its 50 materials", Vec::new(), 0.0, 0.0),
        ("open one material's viewer (image and boxes)", Vec::new(), 0.0, 0.0),
    ];
    let mut record = |row: usize, ms: f64| {
        let (rss, peak) = app_memory();
        let r = &mut rows[row];
        r.1.push(ms);
        r.2 = r.2.max(rss);
        r.3 = r.3.max(peak);
    };
    for _ in 0..runs {
        let start = Instant::now();
        let app = App::start(|_| {}).await;
        app.find("#case-list").await;
        app.find("aside .empty").await;
        record(0, start.elapsed().as_secs_f64() * 1000.0);
        app.close().await;

        let start = Instant::now();
        let app = App::start(|data| {
            qualkit::Store::open(data).unwrap().import_folder(&case_dir).unwrap();
        })
        .await;
        // The import above is set-up, not start-up: time from the driver's start is still
        // dominated by the app, and the import is the same in every run.
        app.find("#case-list .case").await;
        record(1, start.elapsed().as_secs_f64() * 1000.0);

        let start = Instant::now();
        app.click("#case-list .case").await;
        app.find("article[data-vendor='huawei']").await;
        app.click("#step-materials").await;
        app.find(&format!("#materials .material-list li:nth-child({MATERIALS})")).await;
        record(2, start.elapsed().as_secs_f64() * 1000.0);

        let start = Instant::now();
        app.click("#materials .material").await;
        app.wait_image("#material-viewer img").await;
        record(3, start.elapsed().as_secs_f64() * 1000.0);
        app.close().await;
    }
    for (label, times, rss, peak) in rows {
        println!("{label:<58}{:>10.0}{:>10.1}{:>10.1}", median(times), rss, peak);
    }
}
