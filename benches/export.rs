//! Export benchmark: a case holding ten 4–6 MB phone photos (JPEG, 12 MP, grained like a phone
//! sensor), exported for Huawei (2 MB per file, so every photo is re-encoded) as a folder and as
//! a zip. Wall time and peak memory (the child's ru_maxrss) of `qualkit case export`, beside
//! `cp` of the same ten files, in the same run.
//!
//! `cargo bench --bench export -- [--runs N]` (default 3 runs each; the median time and the
//! largest peak are printed).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]
// wait4 is the one way to get a child's own peak memory; the two unsafe blocks are plain FFI.
#![allow(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use qualkit_fixtures::{Condition, Document, Page, Rng, corpus};

const PHOTOS: usize = 10;
const ROLES: [&str; PHOTOS] = [
    "business-license",
    "handler-id-front",
    "handler-id-back",
    "handler-id-handheld",
    "legal-rep-id-front",
    "legal-rep-id-back",
    "other",
    "other",
    "other",
    "other",
];

/// A licence rendered, doubled to 12 MP, grained, and saved as a JPEG of 4–6 MB, as a phone
/// camera writes it.
fn phone_photo(seed: u64, path: &Path) -> u64 {
    let page = Page::new(Document::Licence2019(corpus::licence(&mut Rng::new(seed))), Condition::Clean, seed).unwrap();
    let small = image::load_from_memory(&page.bytes).unwrap().to_rgb8();
    let big = qualkit_fixtures::phone_sized(&small, 28.0, seed + 100);
    let mut best = Vec::new();
    for quality in [92, 90, 88, 85, 80, 75, 95, 97] {
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality).encode_image(&big).unwrap();
        let mb = bytes.len() as f64 / 1048576.0;
        best = bytes;
        if (4.0..=6.0).contains(&mb) {
            break;
        }
    }
    std::fs::write(path, &best).unwrap();
    best.len() as u64
}

/// Runs a command to its end; returns its wall time in ms and its peak resident memory in MB.
#[allow(clippy::zombie_processes)] // wait4 reaps the child, which std's wait cannot see
fn measured(command: &mut Command) -> (f64, f64) {
    let start = Instant::now();
    let child = command.stdout(std::process::Stdio::null()).spawn().unwrap();
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; both pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(waited, pid);
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "{command:?} failed: {status}");
    (ms, usage.ru_maxrss as f64 / 1024.0) // Linux reports kilobytes
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn size_of_tree(path: &Path) -> u64 {
    if path.is_file() {
        return std::fs::metadata(path).map_or(0, |m| m.len());
    }
    std::fs::read_dir(path).unwrap().map(|e| size_of_tree(&e.unwrap().path())).sum()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // The photos are made by a child process: a child's peak memory counts the pages it shares
    // with this process until it execs, so this process must stay small.
    if let Some(dir) = args.iter().position(|a| a == "--make-photos").and_then(|i| args.get(i + 1)) {
        for i in 0..PHOTOS {
            let path = Path::new(dir).join(format!("IMG_{:04}.jpg", 2000 + i));
            phone_photo(i as u64 + 1, &path);
        }
        return;
    }
    let runs: usize =
        args.iter().position(|a| a == "--runs").and_then(|i| args.get(i + 1)).and_then(|n| n.parse().ok()).unwrap_or(3);
    let tmp = tempfile::tempdir().unwrap();
    let qualkit = env!("CARGO_BIN_EXE_qualkit");
    let data = tmp.path().join("data");

    let folder = tmp.path().join("case");
    std::fs::create_dir_all(&folder).unwrap();
    let mut toml =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yunfan/case.toml"))
            .unwrap()
            .split("[[materials]]")
            .next()
            .unwrap()
            .to_string();
    let made = Command::new(std::env::current_exe().unwrap()).arg("--make-photos").arg(&folder).status().unwrap();
    assert!(made.success());
    let mut photos: Vec<PathBuf> = Vec::new();
    let mut sizes = Vec::new();
    for (i, role) in ROLES.iter().enumerate() {
        let name = format!("IMG_{:04}.jpg", 2000 + i);
        sizes.push(std::fs::metadata(folder.join(&name)).unwrap().len());
        toml.push_str(&format!("[[materials]]\nrole = \"{role}\"\nfile = \"{name}\"\n\n"));
        photos.push(folder.join(name));
    }
    std::fs::write(folder.join("case.toml"), toml).unwrap();
    let import =
        Command::new(qualkit).args(["case", "import"]).arg(&folder).env("QUALKIT_DATA_DIR", &data).output().unwrap();
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    let id = String::from_utf8(import.stdout).unwrap().trim().to_string();
    // Read the licence once, so the runs below time the export, not the first OCR.
    Command::new(qualkit).args(["case", "check", &id]).env("QUALKIT_DATA_DIR", &data).output().unwrap();

    let total: u64 = sizes.iter().sum();
    let (min, max) = sizes.iter().fold((u64::MAX, 0), |(lo, hi), s| (lo.min(*s), hi.max(*s)));
    println!(
        "export of {PHOTOS} phone photos, {:.1}–{:.1} MB each, {:.1} MB in all ({runs} runs: median time, largest peak)",
        min as f64 / 1048576.0,
        max as f64 / 1048576.0,
        total as f64 / 1048576.0
    );
    println!("{:<40}{:>10}{:>12}{:>12}", "", "ms", "peak MB", "output MB");
    let row = |label: &str, make: &dyn Fn(usize) -> (Command, PathBuf)| {
        let mut times = Vec::new();
        let mut peak: f64 = 0.0;
        let mut output = 0;
        for run in 0..runs {
            let (mut command, out) = make(run);
            let (ms, mb) = measured(&mut command);
            times.push(ms);
            peak = peak.max(mb);
            output = size_of_tree(&out);
        }
        println!("{label:<40}{:>10.0}{:>12.1}{:>12.1}", median(times), peak, output as f64 / 1048576.0);
    };
    row("cp of the ten files (baseline)", &|run| {
        let out = tmp.path().join(format!("copy-{run}"));
        std::fs::create_dir_all(&out).unwrap();
        let mut command = Command::new("cp");
        command.args(&photos).arg(&out);
        (command, out)
    });
    for (label, extension) in [("qualkit case export, folder", ""), ("qualkit case export, zip", ".zip")] {
        row(&format!("{label} (huawei)"), &|run| {
            let out = tmp.path().join(format!("bundle-{run}{extension}"));
            let mut command = Command::new(qualkit);
            command
                .args(["case", "export", &id, "--vendor", "huawei", "--force", "--date", "2026-11-22", "--out"])
                .arg(&out)
                .env("QUALKIT_DATA_DIR", &data);
            (command, out)
        });
    }
}
