//! A firm's store at scale: 5 000 cases of 10 materials each, imported through the store, then
//! the case list, a search and the portfolio, each beside a baseline measured in the same run —
//! the bare SQL read of the same rows through a second connection, with no decoding. On SQLite
//! and, when `QUALKIT_TEST_DATABASE_URL` names a PostgreSQL cluster (scripts/throwaway-postgres.sh
//! starts one), on a team store in a database of its own there, the same cases in both.
//!
//! `cargo bench --bench store -- [--cases N] [--runs N]` (default 5 000 cases, 5 runs each).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::Utc;
use qualkit::Store;
use qualkit::case::{Role, Vendor};
use qualkit::portfolio::{Filter, portfolio};
use qualkit::reading::{DocKind, Field, Origin, Reading};
use qualkit::submission::{Item, Outcome};

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn time_ms(runs: usize, mut f: impl FnMut() -> usize) -> (f64, usize) {
    let mut times = Vec::new();
    let mut n = 0;
    for _ in 0..runs {
        let start = Instant::now();
        n = f();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    (median(times), n)
}

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|n| n.parse().ok()).unwrap_or(default)
}

const ROLES: [Role; 10] = [
    Role::BusinessLicense,
    Role::LegalRepIdFront,
    Role::LegalRepIdBack,
    Role::HandlerIdFront,
    Role::HandlerIdBack,
    Role::HandlerIdHandheld,
    Role::CommitmentLetter,
    Role::AuthorizationLetter,
    Role::TrademarkCertificate,
    Role::IcpRecord,
];

#[path = "../tests/support/stores.rs"]
mod stores;

/// The second connection the baselines read through.
enum Bare {
    Sqlite(rusqlite::Connection),
    Postgres(postgres::Client),
}

impl Bare {
    /// The rows of `sql`, their first column read as text.
    fn count(&mut self, sql: &str) -> usize {
        match self {
            Bare::Sqlite(conn) => {
                let mut stmt = conn.prepare(sql).unwrap();
                stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().count()
            }
            Bare::Postgres(client) => {
                let rows = client.query(sql, &[]).unwrap();
                rows.iter().for_each(|r| {
                    std::hint::black_box(r.get::<_, &str>(0));
                });
                rows.len()
            }
        }
    }
}

/// One folder per client: the fixture case with its own name and ten materials. Every
/// hundredth client has its own licence file, so readings differ between cases.
fn write_folders(root: &Path, cases: usize) -> Vec<PathBuf> {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yunfan");
    let case_toml = std::fs::read_to_string(fixture.join("case.toml")).unwrap();
    (0..cases)
        .map(|i| {
            let dir = root.join(i.to_string());
            std::fs::create_dir_all(&dir).unwrap();
            let name = format!("厦门市第{i}号网络科技有限公司");
            let mut toml = case_toml.replace("厦门市海沧区云帆网络科技有限公司", &name);
            toml.truncate(toml.find("[[materials]]").unwrap_or(toml.len()));
            let licence = if i % 100 == 0 {
                let mut image = image::open(fixture.join("license.png")).unwrap().to_rgb8();
                image.put_pixel(0, 0, image::Rgb([(i / 100 % 250) as u8, 1, 2]));
                let path = dir.join("license.png");
                image.save(&path).unwrap();
                path
            } else {
                fixture.join("license.png")
            };
            for (n, role) in ROLES.iter().enumerate() {
                let file = format!("m{n}.png");
                let source = if *role == Role::BusinessLicense {
                    licence.clone()
                } else {
                    fixture.join("ids/handler-front.png")
                };
                std::fs::copy(&source, dir.join(&file)).unwrap();
                toml.push_str(&format!("\n[[materials]]\nrole = \"{role}\"\nfile = \"{file}\"\n"));
            }
            std::fs::write(dir.join("case.toml"), toml).unwrap();
            dir
        })
        .collect()
}

/// Imports the folders into `store`, then gives the cases their dates: licence terms as read,
/// ending at different dates; every fifth case submitted to Aliyun and every tenth approved.
/// Returns the import's seconds.
fn fill(store: &mut Store, folders: &[PathBuf]) -> f64 {
    let start = Instant::now();
    let ids: Vec<String> = folders.iter().map(|dir| store.import_folder(dir).unwrap()).collect();
    let import_s = start.elapsed().as_secs_f64();
    for (i, id) in ids.iter().enumerate().filter(|(i, _)| i % 100 == 0) {
        let case = store.case(id).unwrap();
        let licence = case.materials_with_role(Role::BusinessLicense).next().unwrap();
        let end = (Utc::now().date_naive() + chrono::Duration::days(i as i64 / 10)).format("%Y年%m月%d日");
        let reading = Reading::new(DocKind::BusinessLicense, Origin::Ocr)
            .with("term", Field::confirmed(format!("2016年01月01日至{end}")));
        store.save_reading(&licence.sha256, &reading).unwrap();
    }
    for (i, id) in ids.iter().enumerate().filter(|(i, _)| i % 5 == 0) {
        store.record_submission(id, Vendor::Aliyun, &[Item::Signature], None).unwrap();
        if i % 10 == 0 {
            store.record_outcome(id, Vendor::Aliyun, Outcome::Approved, None, None).unwrap();
        }
    }
    import_s
}

/// The table's rows for one store.
fn measure(backend: &str, store: &Store, bare: &mut Bare, runs: usize, cases: usize, import_s: f64) {
    let (raw_list, _) = time_ms(runs, || bare.count("SELECT data FROM cases ORDER BY updated_at DESC"));
    let (list, listed) = time_ms(runs, || store.list_cases().unwrap().len());
    let (search, found) = time_ms(runs, || store.search_cases("第42").unwrap().len());
    let (raw_search, _) = time_ms(runs, || bare.count("SELECT id FROM cases WHERE applicant_name LIKE '%第42%'"));
    let now = Utc::now();
    let (all, entries) = time_ms(runs, || portfolio(store, now, &Filter::default()).unwrap().len());
    let due = Filter { due_within: Some(chrono::Duration::days(30)), ..Filter::default() };
    let (soon, due_entries) = time_ms(runs, || portfolio(store, now, &due).unwrap().len());
    let (raw_portfolio, _) = time_ms(runs, || {
        bare.count(
            "SELECT r.data FROM materials m JOIN readings r ON r.sha256 = m.sha256
             WHERE m.role IN ('business-license', 'authorization-letter', 'trademark-certificate')",
        )
    });
    println!(
        "| {backend}: import (case.toml + 10 files each) | {:.0} cases/s ({import_s:.1} s) | – | {cases} |",
        cases as f64 / import_s
    );
    println!("| {backend}: list | {list:.1} ms | {raw_list:.1} ms | {listed} |");
    println!("| {backend}: search “第42” | {search:.1} ms | {raw_search:.1} ms | {found} |");
    println!("| {backend}: portfolio, all | {all:.1} ms | {raw_portfolio:.1} ms (the readings alone) | {entries} |");
    println!("| {backend}: portfolio, due in 30 days | {soon:.1} ms | – | {due_entries} |");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let cases = arg(&args, "--cases", 5000);
    let runs = arg(&args, "--runs", 5);
    let tmp = tempfile::tempdir().unwrap();
    let folders = write_folders(&tmp.path().join("folders"), cases);

    let mut sqlite = Store::open(&tmp.path().join("data")).unwrap();
    let import_s = fill(&mut sqlite, &folders);
    let mut bare = Bare::Sqlite(rusqlite::Connection::open(tmp.path().join("data/qualkit.db")).unwrap());
    let team = std::env::var_os(stores::TEST_DATABASE_VAR).and_then(|_| stores::TeamDb::create());
    println!("store: {cases} cases × {} materials ({runs} runs, median)", ROLES.len());
    println!("| what | qualkit | baseline (bare SQL, same rows) | rows |");
    println!("| --- | --- | --- | --- |");
    measure("SQLite", &sqlite, &mut bare, runs, cases, import_s);
    drop(sqlite);
    match team {
        Some(db) => {
            let url = qualkit::store::TeamUrl::parse(&db.url).unwrap();
            let mut store = Store::open_team(&tmp.path().join("desktop"), &url).unwrap();
            let import_s = fill(&mut store, &folders);
            let mut bare = Bare::Postgres(db.client());
            measure("PostgreSQL", &store, &mut bare, runs, cases, import_s);
        }
        None => println!("(no PostgreSQL figures: {} is not set)", stores::TEST_DATABASE_VAR),
    }
}
