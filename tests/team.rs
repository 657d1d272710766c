#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic on bad data
//! The team store's own failures, on the real binary and a real PostgreSQL: a malformed
//! address, a wrong password, a server that is not there, a connection cut in the middle of an
//! import, a material whose bytes on the server were damaged. Each is a clear error that never
//! shows the password, and none leaves anything half-written.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use qualkit::case::Role;
use qualkit::store::{Store, TeamUrl};

#[path = "support/stores.rs"]
mod stores;
use stores::{TeamDb, fixture_dir};

fn qualkit(data: &Path, url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qualkit"))
        .env("QUALKIT_DATA_DIR", data)
        .env("QUALKIT_DATABASE_URL", url)
        .args(args)
        .output()
        .expect("run qualkit")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn count(db: &TeamDb, table: &str) -> i64 {
    db.client().query_one(&format!("SELECT count(*) FROM {table}"), &[]).unwrap().get(0)
}

/// Files in a data folder's blob cache, `blobs/tmp` included.
fn cached_files(data: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(dirs) = std::fs::read_dir(data.join("blobs")) else { return out };
    for dir in dirs.flatten().filter(|d| d.path().is_dir()) {
        for file in std::fs::read_dir(dir.path()).unwrap().flatten() {
            out.push(file.path().display().to_string());
        }
    }
    out
}

#[test]
fn a_malformed_address_is_refused_without_showing_its_password() {
    let tmp = tempfile::tempdir().unwrap();
    for url in [
        "mysql://staff:Secret-Pw-91@db.example/qualkit",
        "postgres://staff:Secret-Pw-91@/qualkit",
        "postgres://:Secret-Pw-91@db.example/qualkit",
        "postgres://staff:Secret-Pw-91@db.example:notaport/qualkit",
        "Secret-Pw-91",
    ] {
        let out = qualkit(tmp.path(), url, &["case", "list"]);
        assert_eq!(out.status.code(), Some(2), "{url}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("postgres://用户名:密码@主机:端口/数据库"), "{url}: {err}");
        assert!(!err.contains("Secret-Pw-91"), "{url}: {err}");
    }
    // Nothing was opened in the data folder instead.
    assert!(!tmp.path().join("qualkit.db").exists());
}

#[test]
fn a_wrong_password_is_named_and_never_printed() {
    let Some(db) = TeamDb::create() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let url = db.url_with_password("Wrong-Pw-4417");
    for lang in ["zh", "en"] {
        let out = qualkit(tmp.path(), &url, &["--lang", lang, "case", "list"]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(!err.contains("Wrong-Pw-4417"), "{err}");
        let named = if lang == "zh" { "用户名或密码不对" } else { "the user name or password is wrong" };
        assert!(err.contains(named), "{err}");
    }
}

#[test]
fn a_server_that_is_not_there_is_an_error_not_the_desktops_old_cases() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // The desktop has a case of its own in SQLite…
    let out = Command::new(env!("CARGO_BIN_EXE_qualkit"))
        .env("QUALKIT_DATA_DIR", &data)
        .env_remove("QUALKIT_DATABASE_URL")
        .args(["case", "import", fixture_dir().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // …and is set to a team store whose server is not running (an empty socket folder).
    let nowhere = tmp.path().join("no-server");
    std::fs::create_dir_all(&nowhere).unwrap();
    let socket = nowhere.display().to_string().replace('/', "%2F");
    let url = format!("postgres://staff:Gone-Pw-552@{socket}:5432/firm");
    let started = Instant::now();
    let out = qualkit(&data, &url, &["--json", "case", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(started.elapsed() < Duration::from_secs(15), "gave up only after {:?}", started.elapsed());
    let err = stderr(&out);
    assert!(err.contains("无法连接团队数据库") && err.contains("案卷未被读取或更改"), "{err}");
    assert!(!err.contains("Gone-Pw-552"), "{err}");
    assert!(out.stdout.is_empty(), "no stale list is printed: {}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn a_connection_cut_mid_import_leaves_no_half_case() {
    let Some(db) = TeamDb::create() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // The schema exists before the import starts.
    Store::open_team(&data, &TeamUrl::parse(&db.url).unwrap()).unwrap();

    // Another session holds the materials table, so the import stops inside its transaction
    // after the case row and the blobs went in, waiting to add its materials.
    let mut holder = db.client();
    let mut hold = holder.transaction().unwrap();
    hold.batch_execute("LOCK TABLE materials IN SHARE MODE").unwrap();

    let import = Command::new(env!("CARGO_BIN_EXE_qualkit"))
        .env("QUALKIT_DATA_DIR", &data)
        .env("QUALKIT_DATABASE_URL", &db.url)
        .args(["case", "import", fixture_dir().to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut watcher = db.client();
    let deadline = Instant::now() + Duration::from_secs(10);
    let waiting: i32 = loop {
        let row = watcher
            .query_opt(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'qualkit'
                 AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO materials%'",
                &[],
            )
            .unwrap();
        if let Some(row) = row {
            break row.get(0);
        }
        assert!(Instant::now() < deadline, "the import never reached its materials");
        std::thread::sleep(Duration::from_millis(20));
    };
    // The import's transaction has written its case row and the blobs by now.
    let terminated: bool = watcher.query_one("SELECT pg_terminate_backend($1)", &[&waiting]).unwrap().get(0);
    assert!(terminated);
    let out = import.wait_with_output().unwrap();
    hold.rollback().unwrap();

    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("连接") && err.contains("未写入任何内容"), "{err}");
    assert!(!err.contains(&db.password()), "{err}");
    for table in ["cases", "materials", "blobs", "blob_chunks", "case_events"] {
        assert_eq!(count(&db, table), 0, "{table} holds part of the import");
    }
    assert_eq!(cached_files(&data), Vec::<String>::new(), "the import's copies are left in the cache");

    // The same import, the server back to normal, goes through whole.
    let out = qualkit(&data, &db.url, &["case", "import", fixture_dir().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(&db, "cases"), 1);
}

#[test]
fn another_desktop_gets_a_material_only_as_its_hash_says() {
    let Some(db) = TeamDb::create() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let url = TeamUrl::parse(&db.url).unwrap();
    let licence = fixture_dir().join("license.png");
    let original = std::fs::read(&licence).unwrap();

    let mut first = Store::open_team(&tmp.path().join("desk-1"), &url).unwrap();
    let id = first.import_folder(&fixture_dir()).unwrap();
    let case = first.case(&id).unwrap();
    let material = case.materials_with_role(Role::BusinessLicense).next().unwrap();

    // A second desktop has never had the file: it comes from the server, whole.
    let second = Store::open_team(&tmp.path().join("desk-2"), &url).unwrap();
    let fetched = second.material_file(&material.sha256).unwrap();
    assert!(fetched.starts_with(tmp.path().join("desk-2")));
    assert_eq!(std::fs::read(&fetched).unwrap(), original);

    // Bytes damaged on the server are refused, and nothing lands in a third desktop's cache.
    db.client()
        .execute("UPDATE blob_chunks SET data = overlay(data placing '\\x00'::bytea from 100) WHERE seq = 0", &[])
        .unwrap();
    let third_root = tmp.path().join("desk-3");
    let third = Store::open_team(&third_root, &url).unwrap();
    let err = third.material_file(&material.sha256).unwrap_err();
    assert!(err.message(qualkit::Lang::Zh).contains("不完整或已损坏"), "{err}");
    assert_eq!(cached_files(&third_root), Vec::<String>::new());
}

#[test]
fn the_password_is_in_no_history_list_or_message() {
    let Some(db) = TeamDb::create() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let password = db.password();
    let mut outputs = Vec::new();
    let out = qualkit(&data, &db.url, &["--json", "case", "import", fixture_dir().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let id = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["id"].as_str().unwrap().to_string();
    outputs.push(out);
    for args in [
        vec!["--json", "case", "history", &id],
        vec!["case", "history", &id],
        vec!["--json", "case", "list"],
        vec!["--json", "portfolio"],
        vec!["--json", "settings"],
        vec!["case", "show", &id],
        vec!["case", "show", "NO-SUCH-CASE"],
    ] {
        outputs.push(qualkit(&data, &db.url, &args));
    }
    for out in &outputs {
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(!text.contains(&password), "{text}");
        }
    }
    let settings: serde_json::Value = serde_json::from_slice(&outputs[5].stdout).unwrap();
    assert!(settings["team_store"].as_str().unwrap().contains("qualkit:***@"), "{settings}");
    let events: String = db
        .client()
        .query("SELECT concat_ws(' ', who, what, field, old, new, detail) FROM case_events", &[])
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect();
    assert!(!events.contains(&password));
}

/// Everything a case is, as a store gives it back, without what a copy may renumber (material
/// and submission row ids) or add (its own "copied" entry), and without the clock.
fn snapshot(store: &Store, id: &str) -> serde_json::Value {
    let case = store.case(id).unwrap();
    let mut materials = serde_json::to_value(&case.materials).unwrap();
    for m in materials.as_array_mut().unwrap() {
        m.as_object_mut().unwrap().remove("id");
    }
    let history: Vec<_> = store.history(id).unwrap().into_iter().filter(|e| e.what.as_str() != "copied").collect();
    let readings: Vec<_> = store.case_readings(&case).unwrap().into_iter().map(|(m, r)| (m.sha256, r)).collect();
    let mut tracker = serde_json::to_value(store.icp_tracker(id).unwrap()).unwrap();
    tracker.as_object_mut().unwrap().remove("now");
    let mut submissions = serde_json::to_value(store.submissions(id).unwrap()).unwrap();
    for s in submissions.as_array_mut().unwrap() {
        s.as_object_mut().unwrap().remove("id");
    }
    for m in tracker["messages"].as_array_mut().into_iter().flatten() {
        m.as_object_mut().unwrap().remove("seconds_left");
    }
    serde_json::json!({
        "data": case.data,
        "version": case.version,
        "created": case.created_at,
        "updated": case.updated_at,
        "materials": materials,
        "history": history,
        "submissions": submissions,
        "readings": readings,
        "icp": tracker,
    })
}

/// The CLI on a desktop whose own store is SQLite in `data`.
fn on_desktop(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qualkit"))
        .env("QUALKIT_DATA_DIR", data)
        .env_remove("QUALKIT_DATABASE_URL")
        .env("QUALKIT_STAFF", "李娜")
        .args(args)
        .output()
        .expect("run qualkit")
}

fn ok_json(out: Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A case with something in every table: a changed field, a confirmed reading, a submission
/// and its answer, a verification-SMS plan with a message sent.
fn busy_case(data: &Path, folder: &Path) -> String {
    let v = ok_json(on_desktop(data, &["--json", "case", "import", folder.to_str().unwrap()]));
    let id = v["id"].as_str().unwrap().to_string();
    for args in [
        vec!["case", "set", &id, "applicant.legal_rep=张伟"],
        vec!["case", "confirm", &id, "--role", "business-license", "--set", "term=2019年03月12日至长期"],
        vec!["case", "submit", &id, "--vendor", "huawei", "--items", "signature,templates"],
        vec!["case", "decide", &id, "--vendor", "huawei", "--rejected", "资料不清晰，请重新上传"],
        vec![
            "icp",
            "plan",
            "--type",
            "first",
            "--subject-phone",
            "13800000001",
            "--site-phone",
            "13900000002",
            "--case",
            &id,
        ],
        vec!["icp", "mark", &id, "--role", "site", "--event", "sent"],
    ] {
        let mut all = vec!["--json"];
        all.extend(args);
        ok_json(on_desktop(data, &all));
    }
    id
}

#[test]
fn a_desktops_cases_go_to_the_team_store_and_back_whole_and_resumably() {
    let Some(db) = TeamDb::create() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let desk = tmp.path().join("desk");
    let first = busy_case(&desk, &fixture_dir());
    // A second client, with a licence file of its own.
    let other = tmp.path().join("other");
    std::fs::create_dir_all(other.join("ids")).unwrap();
    for file in ["case.toml", "ids/handler-front.png"] {
        std::fs::copy(fixture_dir().join(file), other.join(file)).unwrap();
    }
    let mut licence = image::open(fixture_dir().join("license.png")).unwrap().to_rgb8();
    licence.put_pixel(0, 0, image::Rgb([1, 2, 3]));
    licence.save(other.join("license.png")).unwrap();
    let second = busy_case(&desk, &other);
    let desk_store = Store::open(&desk).unwrap();
    let before: Vec<_> = [&first, &second].iter().map(|id| snapshot(&desk_store, id)).collect();

    // The second case's licence is damaged on disk: the copy stops there, the first case over.
    let licence_sha =
        desk_store.case(&second).unwrap().materials_with_role(Role::BusinessLicense).next().unwrap().sha256.clone();
    let licence_file = desk_store.blob_path(&licence_sha);
    let good = std::fs::read(&licence_file).unwrap();
    let mut bad = good.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0xff;
    std::fs::write(&licence_file, &bad).unwrap();
    let out = on_desktop(&desk, &["store", "copy", "--to", &db.url]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("已损坏") && err.contains(&second), "{err}");
    assert!(!err.contains(&db.password()), "{err}");
    let on_server: Vec<String> =
        db.client().query("SELECT id FROM cases", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(on_server, std::slice::from_ref(&first));
    let half: i64 =
        db.client().query_one("SELECT count(*) FROM materials WHERE case_id = $1", &[&second]).unwrap().get(0);
    assert_eq!(half, 0);

    // Repaired, the same command finishes the job and leaves the first case alone.
    std::fs::write(&licence_file, &good).unwrap();
    let report = ok_json(on_desktop(&desk, &["--json", "store", "copy", "--to", &db.url]));
    assert_eq!(report["copied"], serde_json::json!([second]));
    assert_eq!(report["already_there"], serde_json::json!([first]));

    // Another desktop on the team store sees both cases as they were, and the copy in the history.
    let url = TeamUrl::parse(&db.url).unwrap();
    let team = Store::open_team(&tmp.path().join("desk-2"), &url).unwrap();
    for (id, was) in [&first, &second].iter().zip(&before) {
        assert_eq!(&snapshot(&team, id), was, "{id} changed on the way");
        let last = team.history(id).unwrap().pop().unwrap();
        assert_eq!(last.what.as_str(), "copied");
        assert!(last.detail.unwrap().contains(&desk.display().to_string()));
        for m in team.case(id).unwrap().materials {
            assert_eq!(
                std::fs::read(team.material_file(&m.sha256).unwrap()).unwrap(),
                std::fs::read(desk_store.blob_path(&m.sha256)).unwrap()
            );
        }
    }

    // And back, from the team store to a new data folder.
    let back = tmp.path().join("back");
    let report = ok_json(on_desktop(
        &tmp.path().join("desk-3"),
        &["--json", "store", "copy", "--from", &db.url, "--to", back.to_str().unwrap()],
    ));
    assert_eq!(report["copied"].as_array().unwrap().len(), 2, "{report}");
    assert_eq!(report["materials"], 4);
    let returned = Store::open(&back).unwrap();
    for (id, was) in [&first, &second].iter().zip(&before) {
        assert_eq!(&snapshot(&returned, id), was, "{id} changed on the way back");
        let shown = returned.history(id).unwrap().pop().unwrap().detail.unwrap();
        assert!(shown.contains(":***@") && !shown.contains(&db.password()), "{shown}");
    }
}

#[test]
fn a_team_store_is_saved_in_the_settings_only_once_it_answers() {
    let Some(db) = TeamDb::create() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let desk = tmp.path().join("desk");
    let settings_file = desk.join("settings.json");

    let out = on_desktop(&desk, &["settings", "--database-url", &db.url_with_password("Wrong-Pw-8810")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("用户名或密码不对") && !stderr(&out).contains("Wrong-Pw-8810"), "{}", stderr(&out));
    assert!(!settings_file.exists(), "a store that does not answer was saved");

    let shown = ok_json(on_desktop(&desk, &["--json", "settings", "--database-url", &db.url]));
    assert!(shown["database_url"].as_str().unwrap().contains("qualkit:***@"), "{shown}");
    assert_eq!(shown["database_url"], shown["team_store"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&settings_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the settings hold the password: only their owner may read them");
    }
    // From now on this desktop's cases are the team's, with nothing in the environment.
    let id = ok_json(on_desktop(&desk, &["--json", "case", "import", fixture_dir().to_str().unwrap()]))["id"].clone();
    assert_eq!(count(&db, "cases"), 1);
    assert!(!desk.join("qualkit.db").exists());
    let listed = ok_json(on_desktop(&desk, &["--json", "case", "list"]));
    assert_eq!(listed[0]["id"], id);

    // Cleared, the desktop is back on its own (empty) store.
    let shown = ok_json(on_desktop(&desk, &["--json", "settings", "--database-url", ""]));
    assert_eq!((&shown["database_url"], &shown["team_store"]), (&serde_json::Value::Null, &serde_json::Value::Null));
    assert_eq!(ok_json(on_desktop(&desk, &["--json", "case", "list"])), serde_json::json!([]));
}
