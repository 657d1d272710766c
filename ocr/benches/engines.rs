//! Engine benchmark: qualkit-ocr beside RapidOCR (Python + ONNX Runtime, the same PP-OCRv6 small
//! models) and the plain `tesseract` command, in one run on the same images: the real licences of
//! `../shared/corpus/real-licences` (skipped, with a message, when that folder is absent),
//! licences rendered now by `qualkit-fixtures` in every condition, and resident ID cards as people
//! upload them (photo side, emblem side, both on a photocopy, held in hand) in every condition
//! (`--ids N`, default 8; their sets are named `id-<condition>`).
//!
//! Per engine: for each field, on how many images the exact value (NFKC, whitespace removed, as
//! the corpus README says) appears anywhere in the page's text — what any layout can at best
//! find — and the median and total time per page (file decoding included) and peak memory.
//!
//! `cargo bench -p qualkit-ocr --bench engines -- [--real DIR] [--docs N] [--seed S]
//!  [--max-side PX] [--min-side PX] [--colour] [--only qualkit|rapidocr|tesseract] [--show] [--times] [--keep DIR]` (`--colour`: lines
//!  read in their colours, seals and watermarks left in)
//!
//! RapidOCR runs when `target/rapidocr-venv` holds it (`python3 -m venv target/rapidocr-venv &&
//! target/rapidocr-venv/bin/pip install rapidocr==3.10.0 onnxruntime==1.32.0`) or
//! `QUALKIT_RAPIDOCR_PYTHON` names a Python that has it; `tesseract` when it is on the PATH.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use qualkit_fixtures::{Condition, Document, Page, Rng, corpus};
use unicode_normalization::UnicodeNormalization;

/// Field groups, as the corpus and the issue count them.
const FIELDS: [&str; 8] = ["name", "code", "person", "address", "type", "established", "birth", "valid_to"];

struct Sample {
    path: PathBuf,
    /// `real`, the rendered condition, or `id-` and the condition.
    set: &'static str,
    truth: BTreeMap<&'static str, String>,
    id_card: bool,
}

fn normalise(text: &str) -> String {
    text.nfkc().filter(|c| !c.is_whitespace()).collect()
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The real licences with every field whose value was read with certainty by the transcriber.
fn real_samples(dir: &Path) -> Vec<Sample> {
    let Ok(text) = std::fs::read_to_string(dir.join("truth.json")) else { return Vec::new() };
    let records: Vec<serde_json::Value> = serde_json::from_str(&text).expect("truth.json");
    records
        .iter()
        .map(|record| {
            let mut truth = BTreeMap::new();
            let fields = record["fields"].as_object().cloned().unwrap_or_default();
            for (key, field) in fields {
                let (Some(value), false) = (field["value"].as_str(), field["unsure"].as_bool().unwrap_or(true)) else {
                    continue;
                };
                let group = match key.as_str() {
                    "name" => "name",
                    "uscc" | "reg_no" => "code",
                    "legal_rep" | "operator" | "responsible_person" => "person",
                    "address" => "address",
                    "entity_type" => "type",
                    "established" => "established",
                    _ => continue,
                };
                truth.insert(group, normalise(value));
            }
            Sample { path: dir.join(record["file"].as_str().expect("file")), set: "real", truth, id_card: false }
        })
        .collect()
}

/// `docs` licences (2019, 2015 and individual forms in turn), each in every condition.
fn rendered_samples(dir: &Path, docs: usize, seed: u64) -> Vec<Sample> {
    let mut rng = Rng::new(seed);
    let mut samples = Vec::new();
    for i in 0..docs {
        let document = match i % 3 {
            0 => Document::Licence2019(corpus::licence(&mut rng)),
            1 => Document::Licence2015(corpus::licence(&mut rng)),
            _ => Document::IndividualLicence(corpus::individual_licence(&mut rng)),
        };
        let truth: BTreeMap<&'static str, String> = document
            .truth()
            .into_iter()
            .filter_map(|(key, value)| {
                let group = match key {
                    "name" => "name",
                    "uscc" => "code",
                    "legal_rep" => "person",
                    "address" => "address",
                    "type" => "type",
                    _ => return None,
                };
                Some((group, normalise(&value)))
            })
            .collect();
        for condition in Condition::ALL {
            let page = Page::new(document.clone(), condition, seed + i as u64).expect("render");
            let path = dir.join(page.file_name(&format!("licence-{i:02}")));
            std::fs::write(&path, &page.bytes).expect("write page");
            samples.push(Sample { path, set: condition.label(), truth: truth.clone(), id_card: false });
        }
    }
    samples
}

/// The set an ID card rendered in `condition` is counted in.
fn id_set(condition: Condition) -> &'static str {
    match condition {
        Condition::Clean => "id-clean",
        Condition::Scanned => "id-scanned",
        Condition::Photo => "id-photo",
        Condition::LowRes => "id-low-res",
        Condition::Sealed => "id-sealed",
        Condition::Angled => "id-angled",
    }
}

/// `docs` ID cards (photo side, emblem side, photocopy of both, handheld in turn), each in every
/// condition. Truth as the card prints it (the reader's raw fields, before qualkit makes dates
/// ISO): the birth date as 1990年1月1日, the validity's end as 2035.06.18 or 长期.
fn id_samples(dir: &Path, docs: usize, seed: u64) -> Vec<Sample> {
    let mut samples = Vec::new();
    for (i, document) in corpus::identity_documents(docs, seed).into_iter().enumerate() {
        let card = match &document {
            Document::IdCardFront(c)
            | Document::IdCardBack(c)
            | Document::IdCardPhotocopy(c)
            | Document::IdCardHandheld(c) => c.clone(),
            _ => continue,
        };
        let printed_birth = format!("{}年{}月{}日", card.birth.year, card.birth.month, card.birth.day);
        let printed_end = card.validity().split_once('-').map(|(_, end)| end.to_string()).unwrap_or_default();
        let truth: BTreeMap<&'static str, String> = document
            .truth()
            .into_iter()
            .filter_map(|(key, value)| {
                let (group, value) = match key {
                    "name" => ("name", value),
                    "id_number" => ("code", value),
                    "address" => ("address", value),
                    "birth" => ("birth", printed_birth.clone()),
                    "valid_to" => ("valid_to", printed_end.clone()),
                    _ => return None,
                };
                Some((group, normalise(&value)))
            })
            .collect();
        for condition in Condition::ALL {
            let page = Page::new(document.clone(), condition, seed + i as u64).expect("render");
            let path = dir.join(page.file_name(&format!("id-{i:02}")));
            std::fs::write(&path, &page.bytes).expect("write page");
            samples.push(Sample { path, set: id_set(condition), truth: truth.clone(), id_card: true });
        }
    }
    samples
}

/// What one engine read from each sample: its text and the seconds it took.
struct Run {
    engine: &'static str,
    pages: Vec<Option<(String, f64)>>,
    peak_mb: Option<f64>,
    /// qualkit-ocr's fields per page, by field group.
    fields: Vec<BTreeMap<&'static str, qualkit_ocr::fields::Field>>,
}

/// How a field was read against the truth, as the checks would take it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Outcome {
    Exact,
    /// Wrong only in characters the reader doubted: a person is asked.
    Unsure,
    Absent,
    /// Wrong at a character read without doubt: a mismatch the document does not have.
    Confident,
}

fn outcome(want: &str, got: Option<&qualkit_ocr::fields::Field>) -> Outcome {
    let Some(field) = got else { return Outcome::Absent };
    let read = normalise(&field.value);
    if read == want {
        return Outcome::Exact;
    }
    // A card's birth date is stored as the date it names (qualkit's ISO form): 1997年2月9 with
    // its 日 lost is that date still.
    if field.key == "birth" && date_numbers(&read) == date_numbers(want) && !date_numbers(want).is_empty() {
        return Outcome::Exact;
    }
    let doubted = |i: usize| field.uncertain.contains(&i);
    let diff = similar::TextDiff::from_chars(want, read.as_str());
    for op in diff.ops() {
        let new = op.new_range();
        let covered = match op.tag() {
            similar::DiffTag::Equal => true,
            // A character missing from the read: blamed on either neighbour.
            similar::DiffTag::Delete => doubted(new.start) || new.start.checked_sub(1).is_some_and(doubted),
            _ => new.clone().all(doubted),
        };
        if !covered {
            return Outcome::Confident;
        }
    }
    Outcome::Unsure
}

/// The numbers of a date as printed (1997年2月9日 → [1997, 2, 9]).
fn date_numbers(text: &str) -> Vec<u32> {
    text.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect()
}

fn group(key: &str) -> Option<&'static str> {
    Some(match key {
        "id_number" => "code",
        "birth" => "birth",
        "valid_to" => "valid_to",
        "name" => "name",
        "uscc" | "reg_no" => "code",
        "legal_rep" => "person",
        "address" => "address",
        "type" => "type",
        "established" => "established",
        _ => return None,
    })
}

fn qualkit(samples: &[Sample], options: qualkit_ocr::DetectOptions, colour: bool) -> Option<Run> {
    let models = match qualkit_ocr::Models::locate() {
        Ok(models) => models,
        Err(e) => {
            println!("qualkit-ocr skipped: {e}");
            return None;
        }
    };
    println!(
        "qualkit-ocr runs the models in {} ({}=onnxruntime|rten picks one)",
        models.runtime().name(),
        qualkit_ocr::models::RUNTIME_ENV
    );
    // The peak counts from here: rendering the fixtures earlier in this process is not reading.
    // (Linux: writing 5 to clear_refs resets VmHWM.)
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let reader =
        qualkit_ocr::Reader::new(models).expect("reader").with_detect_options(options).with_colour_removed(!colour);
    let (pages, fields) = samples
        .iter()
        .map(|sample| {
            let started = Instant::now();
            let image = image::ImageReader::open(&sample.path).ok()?.with_guessed_format().ok()?.decode().ok()?;
            let lines = reader.read(&image.to_rgb8()).ok()?.lines;
            let read = if sample.id_card {
                qualkit_ocr::fields::id_card(&lines)
            } else {
                qualkit_ocr::fields::business_licence(&lines)
            };
            let seconds = started.elapsed().as_secs_f64();
            let fields: BTreeMap<&'static str, qualkit_ocr::fields::Field> =
                read.into_iter().filter_map(|f| Some((group(f.key)?, f))).collect();
            let text = lines.iter().map(qualkit_ocr::TextLine::text).collect::<Vec<_>>().join("\n");
            Some(((text, seconds), fields))
        })
        .map(|page| match page {
            Some((page, fields)) => (Some(page), fields),
            None => (None, BTreeMap::new()),
        })
        .unzip();
    let in_bench = std::fs::read_to_string("/proc/self/status").ok().and_then(|status| {
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? / 1024.0)
    });
    // The reader's own peak, as RapidOCR's is its process's: read again in a child process.
    let peak_mb = reader_peak_mb(samples, options, colour);
    println!(
        "qualkit-ocr peak: {} MB in a process of its own; {} MB in the bench's, which rendered the fixtures first",
        peak_mb.map_or("?".into(), |p| format!("{p:.0}")),
        in_bench.map_or("?".into(), |p| format!("{p:.0}"))
    );
    Some(Run { engine: "qualkit-ocr", pages, peak_mb: peak_mb.or(in_bench), fields })
}

fn tesseract(samples: &[Sample]) -> Option<Run> {
    if Command::new("tesseract").arg("--version").output().is_err() {
        println!("tesseract skipped: not on the PATH");
        return None;
    }
    let pages = samples
        .iter()
        .map(|sample| {
            let started = Instant::now();
            let output = Command::new("tesseract")
                .arg(&sample.path)
                .args(["stdout", "-l", "chi_sim", "--psm", "6"])
                .env("OMP_THREAD_LIMIT", "1")
                .stderr(Stdio::null())
                .output()
                .ok()?;
            Some((String::from_utf8_lossy(&output.stdout).into_owned(), started.elapsed().as_secs_f64()))
        })
        .collect();
    Some(Run { engine: "tesseract", pages, peak_mb: None, fields: Vec::new() })
}

fn rapidocr(samples: &[Sample]) -> Option<Run> {
    let python = std::env::var_os("QUALKIT_RAPIDOCR_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/rapidocr-venv/bin/python"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/rapidocr_lines.py");
    let Ok(mut child) =
        Command::new(&python).arg(&script).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn()
    else {
        println!("RapidOCR skipped: no {} (see this benchmark's header)", python.display());
        return None;
    };
    let mut stdin = child.stdin.take().expect("stdin");
    let paths: String = samples.iter().map(|s| format!("{}\n", s.path.display())).collect();
    let writer = std::thread::spawn(move || stdin.write_all(paths.as_bytes()));
    let mut by_path = BTreeMap::new();
    let mut peak_mb = None;
    for line in BufReader::new(child.stdout.take().expect("stdout")).lines().map_while(Result::ok) {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
        if let Some(peak) = value["peak_rss_mb"].as_f64() {
            peak_mb = Some(peak);
            continue;
        }
        let text =
            value["lines"].as_array().map(|l| l.iter().filter_map(|t| t.as_str()).collect::<Vec<_>>().join("\n"));
        if let (Some(path), Some(text), Some(seconds)) = (value["path"].as_str(), text, value["seconds"].as_f64()) {
            by_path.insert(PathBuf::from(path), (text, seconds));
        }
    }
    let _ = writer.join();
    let status = child.wait().ok()?;
    if by_path.is_empty() {
        println!("RapidOCR skipped: {} has no rapidocr ({status})", python.display());
        return None;
    }
    let pages = samples.iter().map(|s| by_path.get(&s.path).cloned()).collect();
    Some(Run { engine: "RapidOCR", pages, peak_mb, fields: Vec::new() })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The reader alone in a process of its own, as RapidOCR runs: every page read, then the
/// process's peak resident memory printed. `qualkit()` runs this beside its timed run, so the
/// peak is the reader's, not the bench's (which rendered the fixtures first).
fn peak_of_reader(args: &[String], options: qualkit_ocr::DetectOptions, colour: bool) {
    let models = qualkit_ocr::Models::locate().expect("models");
    let reader =
        qualkit_ocr::Reader::new(models).expect("reader").with_detect_options(options).with_colour_removed(!colour);
    for path in args.iter().skip_while(|a| *a != "--pages").skip(1) {
        if let Some(image) =
            image::ImageReader::open(path).ok().and_then(|r| r.with_guessed_format().ok()?.decode().ok())
        {
            let _ = reader.read(&image.to_rgb8());
        }
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)).unwrap_or("0");
    println!("peak_kb {kb}");
}

/// [`peak_of_reader`] in a child process over the samples' pages.
fn reader_peak_mb(samples: &[Sample], options: qualkit_ocr::DetectOptions, colour: bool) -> Option<f64> {
    let mut command = std::process::Command::new(std::env::current_exe().ok()?);
    command.args([
        "--peak-of-reader",
        "--max-side",
        &options.max_side.to_string(),
        "--min-side",
        &options.min_side.to_string(),
    ]);
    if colour {
        command.arg("--colour");
    }
    command.arg("--pages").args(samples.iter().map(|s| &s.path));
    let out = command.output().ok()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let kb: f64 = stdout.lines().find_map(|l| l.strip_prefix("peak_kb "))?.trim().parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let real =
        value("--real").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("../shared/corpus/real-licences"));
    let docs: usize = value("--docs").and_then(|d| d.parse().ok()).unwrap_or(6);
    let ids: usize = value("--ids").and_then(|d| d.parse().ok()).unwrap_or(8);
    let seed: u64 = value("--seed").and_then(|s| s.parse().ok()).unwrap_or(2026);
    let show = args.iter().any(|a| a == "--show");
    let mut options = qualkit_ocr::DetectOptions::default();
    if let Some(side) = value("--max-side").and_then(|s| s.parse().ok()) {
        options.max_side = side;
        options.min_side = options.min_side.min(side);
    }
    if let Some(side) = value("--min-side").and_then(|s| s.parse().ok()) {
        options.min_side = side;
    }
    if args.iter().any(|a| a == "--peak-of-reader") {
        peak_of_reader(&args, options, args.iter().any(|a| a == "--colour"));
        return;
    }

    let mut samples = real_samples(&real);
    if samples.is_empty() {
        println!(
            "real licences skipped: no {} (the corpus lives beside the repository, never in it)",
            real.join("truth.json").display()
        );
    }
    let rendered = tempfile::tempdir().expect("temp dir");
    // `--keep DIR` writes the rendered pages there instead, to look at them.
    let keep = value("--keep").map(PathBuf::from);
    if let Some(dir) = &keep {
        std::fs::create_dir_all(dir).expect("--keep DIR");
    }
    samples.extend(rendered_samples(keep.as_deref().unwrap_or(rendered.path()), docs, seed));
    samples.extend(id_samples(keep.as_deref().unwrap_or(rendered.path()), ids, seed));
    println!(
        "{} pages: {} real, {} rendered ({docs} licences and {ids} ID cards × {} conditions, seed {seed}); qualkit-ocr detector {}–{} px",
        samples.len(),
        samples.iter().filter(|s| s.set == "real").count(),
        samples.iter().filter(|s| s.set != "real").count(),
        Condition::ALL.len(),
        options.min_side,
        options.max_side
    );

    let only = value("--only");
    let wanted = |engine: &str| only.as_deref().is_none_or(|o| o == engine);
    let runs: Vec<Run> = [
        wanted("qualkit").then(|| qualkit(&samples, options, args.iter().any(|a| a == "--colour"))).flatten(),
        wanted("rapidocr").then(|| rapidocr(&samples)).flatten(),
        wanted("tesseract").then(|| tesseract(&samples)).flatten(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let sets: Vec<&str> = ["real"]
        .into_iter()
        .chain(Condition::ALL.iter().map(|c| c.label()))
        .chain(Condition::ALL.iter().map(|c| id_set(*c)))
        .collect();
    for set in sets {
        let indices: Vec<usize> = (0..samples.len()).filter(|&i| samples[i].set == set).collect();
        if indices.is_empty() {
            continue;
        }
        println!("\n## {set} ({} pages): the value found in the page's text", indices.len());
        print!("{:<12}", "engine");
        for field in FIELDS {
            let total = indices.iter().filter(|&&i| samples[i].truth.contains_key(field)).count();
            if total > 0 {
                print!("{:>12}", format!("{field} /{total}"));
            }
        }
        println!("{:>10}{:>10}{:>10}", "median s", "total s", "peak MB");
        for run in &runs {
            print!("{:<12}", run.engine);
            for field in FIELDS {
                let with: Vec<usize> =
                    indices.iter().copied().filter(|&i| samples[i].truth.contains_key(field)).collect();
                if with.is_empty() {
                    continue;
                }
                let found = with
                    .iter()
                    .filter(|&&i| {
                        let text = run.pages[i].as_ref().map(|(t, _)| normalise(t)).unwrap_or_default();
                        let hit = text.contains(&samples[i].truth[field]);
                        if !hit && show && run.engine == "qualkit-ocr" {
                            println!("  miss {field} {}: {}", samples[i].path.display(), samples[i].truth[field]);
                        }
                        hit
                    })
                    .count();
                print!("{found:>12}");
            }
            let times: Vec<f64> = indices.iter().filter_map(|&i| run.pages[i].as_ref().map(|p| p.1)).collect();
            let peak = run.peak_mb.map_or("–".to_string(), |p| format!("{p:.0}"));
            println!("{:>10.2}{:>10.1}{peak:>10}", median(times.clone()), times.iter().sum::<f64>());
        }
        if args.iter().any(|a| a == "--times") {
            println!("seconds per page:");
            for &i in &indices {
                let times: Vec<String> = runs
                    .iter()
                    .map(|run| run.pages[i].as_ref().map_or("–".into(), |p| format!("{} {:.2}", run.engine, p.1)))
                    .collect();
                println!(
                    "  {}: {}",
                    samples[i].path.file_name().map_or_else(String::new, |f| f.to_string_lossy().into_owned()),
                    times.join(", ")
                );
            }
        }
        for run in runs.iter().filter(|r| !r.fields.is_empty()) {
            println!("{} fields (exact / unsure / absent / confidently wrong):", run.engine);
            for field in FIELDS {
                let with: Vec<usize> =
                    indices.iter().copied().filter(|&i| samples[i].truth.contains_key(field)).collect();
                if with.is_empty() {
                    continue;
                }
                let mut counts = BTreeMap::new();
                for &i in &with {
                    let got = run.fields.get(i).and_then(|f| f.get(field));
                    let result = outcome(&samples[i].truth[field], got);
                    *counts.entry(result).or_insert(0) += 1;
                    if show && result != Outcome::Exact {
                        let read = got.map(|f| format!("{} {:?}", f.value, f.uncertain)).unwrap_or_default();
                        println!(
                            "  {result:?} {field} {}: want {} read {read}",
                            samples[i].path.display(),
                            samples[i].truth[field]
                        );
                    }
                }
                let n = |o| counts.get(&o).copied().unwrap_or(0);
                println!(
                    "  {field:<12}{:>4} /{:<4}{:>4}{:>4}{:>4}",
                    n(Outcome::Exact),
                    with.len(),
                    n(Outcome::Unsure),
                    n(Outcome::Absent),
                    n(Outcome::Confident)
                );
            }
        }
    }
}
