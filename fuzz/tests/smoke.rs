#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic on bad data
//! A short run of every fuzz target in every test run: its seeds, then mutations of them (bytes
//! flipped, inserted, removed, runs repeated, cut short) from a fixed seed, so a failure here
//! replays. The long runs are libFuzzer's (docs/FUZZING.md); this keeps the targets building
//! and catches what a change breaks at once. `QUALKIT_FUZZ_SMOKE=N` runs N mutations a seed.

use std::io::Write;
use std::path::Path;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/yunfan").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A bundle zip as `case export` writes one: the case file and its two pictures.
fn bundle() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for name in ["case.toml", "license.png", "ids/handler-front.png"] {
        zip.start_file(format!("bundle/{name}"), options).unwrap();
        zip.write_all(&fixture(name)).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The seeds of a target: valid inputs of its kind, so mutations start near what parses.
pub fn seeds(target: &str) -> Vec<Vec<u8>> {
    let texts = |list: &[&str]| list.iter().map(|s| s.as_bytes().to_vec()).collect();
    match target {
        "case_toml" => {
            vec![fixture("case.toml"), b"vendors = []\n[applicant]\nkind = \"individual\"\nname = \"\"\n".to_vec()]
        }
        // The first byte picks the vendor and the message type (qualkit_fuzz::template).
        "template" => [
            "您的验证码为${code}，5分钟内有效，请勿泄露于他人。",
            "尊敬的{1}，您的订单{2}已发货。拒收请回复R",
            "${a}${b_1}${ 坏}{x}${}",
        ]
        .iter()
        .flat_map(|text| (0..15u8).map(move |pick| [&[pick][..], text.as_bytes()].concat()))
        .collect(),
        "identifier" => {
            let mut seeds: Vec<Vec<u8>> =
                texts(&["91350205MA2Y0LQ12U", "110105199001011232", "闽ICP备12345678号-1", "第12345678号", "９１３５"]);
            // Found by libFuzzer: NFKC turned U+FE72 into a space and a mark; folding was not idempotent.
            seeds.push(b"\xef\xef\xb9\xef\xbc\xbc\xbc\xd9\x91\xef\xb9\xb2\xbc\x99\xd9\xef\xef\xb9\xbc".to_vec());
            seeds
        }
        "bundle_zip" => vec![bundle()],
        "image" => vec![fixture("license.png"), fixture("ids/handler-front.png"), tiny_jpeg()],
        other => panic!("no seeds for {other}"),
    }
}

fn tiny_jpeg() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(16, 12, |x, y| image::Rgb([(x * 15) as u8, (y * 20) as u8, 128]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut bytes, image::ImageFormat::Jpeg).unwrap();
    bytes.into_inner()
}

struct Mutator(u64);

impl Mutator {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 as usize
    }

    fn mutate(&mut self, input: &mut Vec<u8>) {
        for _ in 0..1 + self.next() % 4 {
            let at = if input.is_empty() { 0 } else { self.next() % input.len() };
            match self.next() % 6 {
                0 if !input.is_empty() => input[at] ^= 1 << (self.next() % 8),
                1 => input.insert(at, self.next() as u8),
                2 if !input.is_empty() => {
                    input.remove(at);
                }
                3 if !input.is_empty() => {
                    let end = (at + 1 + self.next() % 16).min(input.len());
                    let run = input[at..end].to_vec();
                    input.splice(at..at, run.iter().copied().cycle().take(run.len() * (1 + self.next() % 8)));
                }
                4 => input.truncate(at),
                _ if !input.is_empty() => input[at] = [b'$', b'{', b'}', b'"', b'\n', b'=', 0xFF, 0][self.next() % 8],
                _ => input.push(self.next() as u8),
            }
        }
    }
}

fn smoke(name: &str, default_runs: usize) {
    let (_, target) = qualkit_fuzz::TARGETS.iter().find(|(n, _)| *n == name).expect("a target");
    let runs = std::env::var("QUALKIT_FUZZ_SMOKE").ok().and_then(|v| v.parse().ok()).unwrap_or(default_runs);
    let mut mutator = Mutator(0x9E37_79B9_7F4A_7C15);
    for seed in seeds(name) {
        target(&seed);
        let mut input = seed.clone();
        for run in 0..runs {
            // Every so often from the seed again, so mutations do not drift into noise.
            if run % 16 == 0 {
                input.clone_from(&seed);
            }
            mutator.mutate(&mut input);
            target(&input);
        }
    }
}

#[test]
fn case_toml() {
    smoke("case_toml", 1500);
}

#[test]
fn template() {
    smoke("template", 100);
}

#[test]
fn identifier() {
    smoke("identifier", 3000);
}

#[test]
fn bundle_zip() {
    smoke("bundle_zip", 400);
}

#[test]
fn image() {
    smoke("image", 1500);
}

/// Writes every target's seeds to fuzz/corpus/TARGET, where cargo fuzz starts from them:
/// `cargo test -p qualkit-fuzz -- --ignored write_seed_corpus`.
#[test]
#[ignore]
fn write_seed_corpus() {
    for (name, _) in qualkit_fuzz::TARGETS {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(name);
        std::fs::create_dir_all(&dir).unwrap();
        for (i, seed) in seeds(name).into_iter().enumerate() {
            std::fs::write(dir.join(format!("seed-{i}")), seed).unwrap();
        }
    }
}
