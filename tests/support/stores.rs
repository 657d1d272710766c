//! The two stores every store test runs on: SQLite in a data folder, and a team store on the
//! throwaway PostgreSQL cluster README's test command starts (`QUALKIT_TEST_DATABASE_URL`, its
//! superuser's URL), a database of its own for each test, dropped afterwards.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)] // each test file uses part of it

use std::path::{Path, PathBuf};
use std::process::Command;

use qualkit::store::Store;

pub const TEST_DATABASE_VAR: &str = "QUALKIT_TEST_DATABASE_URL";

/// A fresh database on the test cluster, dropped when this is.
pub struct TeamDb {
    pub url: String,
    admin: String,
    name: String,
}

impl TeamDb {
    /// `None` (and a note on stderr) when no test cluster is set, unless
    /// `QUALKIT_REQUIRE_POSTGRES` says one must be: README's test command sets both.
    pub fn create() -> Option<TeamDb> {
        let Ok(admin) = std::env::var(TEST_DATABASE_VAR) else {
            assert!(
                std::env::var_os("QUALKIT_REQUIRE_POSTGRES").is_none(),
                "{TEST_DATABASE_VAR} is not set: start a cluster with scripts/throwaway-postgres.sh"
            );
            eprintln!("skipped: no PostgreSQL test cluster ({TEST_DATABASE_VAR} unset)");
            return None;
        };
        let mut bytes = [0u8; 6];
        getrandom::fill(&mut bytes).expect("random");
        let name = format!("qk_{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("connect to the test cluster");
        client.batch_execute(&format!("CREATE DATABASE {name}")).expect("create database");
        let (base, _) = admin.rsplit_once('/').expect("a database in the URL");
        Some(TeamDb { url: format!("{base}/{name}"), admin, name })
    }

    /// The same database through a URL with another password.
    pub fn url_with_password(&self, password: &str) -> String {
        let (scheme, rest) = self.url.split_once("://").unwrap();
        let (_, host) = rest.split_once('@').unwrap();
        format!("{scheme}://qualkit:{password}@{host}")
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("connect")
    }

    pub fn password(&self) -> String {
        let (_, rest) = self.url.split_once("://qualkit:").unwrap();
        rest.split_once('@').unwrap().0.to_string()
    }
}

impl Drop for TeamDb {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

/// Where a test's cases live: a data folder, and the team store when on PostgreSQL.
pub struct Place {
    pub team: Option<TeamDb>,
}

impl Place {
    pub fn sqlite() -> Place {
        Place { team: None }
    }

    pub fn postgres() -> Option<Place> {
        TeamDb::create().map(|db| Place { team: Some(db) })
    }

    /// The store a desktop with data folder `data` sees.
    pub fn open(&self, data: &Path) -> Store {
        match &self.team {
            None => Store::open(data).expect("open the SQLite store"),
            Some(db) => {
                let url = qualkit::store::TeamUrl::parse(&db.url).expect("url");
                Store::open_team(data, &url).expect("open the team store")
            }
        }
    }

    /// Points a qualkit process at this place, with `data` as its data folder.
    pub fn env<'c>(&self, command: &'c mut Command, data: &Path) -> &'c mut Command {
        command.env("QUALKIT_DATA_DIR", data);
        match &self.team {
            None => command.env_remove("QUALKIT_DATABASE_URL"),
            Some(db) => command.env("QUALKIT_DATABASE_URL", &db.url),
        }
    }

    /// The data folder of desktop `n` under `root`: one shared folder on SQLite (its cases live
    /// there), a folder each on a team store (each desktop its own cache of the files).
    pub fn desktop(&self, root: &Path, n: usize) -> PathBuf {
        if self.team.is_some() { root.join(format!("desktop-{n}")) } else { root.join("data") }
    }

    pub fn name(&self) -> &'static str {
        if self.team.is_some() { "postgres" } else { "sqlite" }
    }
}

/// `on_both_stores!(f, g)`: tests `f::sqlite`, `f::postgres`, … calling `f(&Place)`.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name(&super::stores::Place::sqlite());
            }
            #[test]
            fn postgres() {
                if let Some(place) = super::stores::Place::postgres() {
                    super::$name(&place);
                }
            }
        }
    )*};
}

pub fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yunfan")
}
