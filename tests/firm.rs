#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic on bad data
//! A firm's staff on one store, through the real binary: the history of each case (who, when,
//! what), a save based on an old version refused with what changed since, the submission log
//! with rejection reasons matched to the rules, and the portfolio of deadlines. Each test runs on
//! a SQLite data folder the staff share and on a team store, each staff member at a desktop of
//! their own.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

#[path = "support/stores.rs"]
mod stores;
use stores::Place;

const CASE_TOML: &str = include_str!("fixtures/yunfan/case.toml");

on_both_stores!(
    each_change_is_recorded_with_who_made_it_and_numbers_masked,
    a_save_based_on_an_old_version_is_refused_with_what_changed_since,
    two_processes_saving_the_same_version_at_once_never_both_win,
    submissions_and_answers_are_logged_and_a_rejection_finds_its_rules,
    the_portfolio_lists_what_comes_due_soonest_first,
);

struct Firm<'p> {
    _tmp: tempfile::TempDir,
    place: &'p Place,
    root: PathBuf,
}

impl Firm<'_> {
    fn new(place: &Place) -> Firm<'_> {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().to_path_buf();
        Firm { place, root, _tmp: tmp }
    }

    fn command(&self, staff: &str, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_qualkit"));
        let desk = if staff == "李娜" { 0 } else { 1 };
        self.place.env(&mut command, &self.place.desktop(&self.root, desk)).args(args).env("QUALKIT_STAFF", staff);
        command
    }

    fn run(&self, staff: &str, args: &[&str]) -> Output {
        self.command(staff, args).output().expect("run qualkit")
    }

    /// Runs with `--json`; the exit code and stdout parsed.
    fn json(&self, staff: &str, args: &[&str]) -> (i32, Value) {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.run(staff, &all);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let value = serde_json::from_str(&stdout).unwrap_or(Value::Null);
        (out.status.code().unwrap_or(-1), value)
    }

    /// Imports the fixture case with `name` as its applicant.
    fn import(&self, staff: &str, name: &str) -> String {
        let dir = self.root.join(name);
        std::fs::create_dir_all(dir.join("ids")).unwrap();
        std::fs::write(dir.join("case.toml"), CASE_TOML.replace("厦门市海沧区云帆网络科技有限公司", name)).unwrap();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yunfan");
        std::fs::copy(fixture.join("ids/handler-front.png"), dir.join("ids/handler-front.png")).unwrap();
        // Each client's own licence file: readings are kept per file content.
        let mut licence = image::open(fixture.join("license.png")).unwrap().to_rgb8();
        let shade = name.chars().map(u32::from).sum::<u32>() % 200;
        licence.put_pixel(0, 0, image::Rgb([shade as u8, 0, 0]));
        licence.save(dir.join("license.png")).unwrap();
        let (code, v) = self.json(staff, &["case", "import", dir.to_str().unwrap()]);
        assert_eq!(code, 0, "{v}");
        v["id"].as_str().unwrap().to_string()
    }
}

fn day(offset: i64) -> String {
    (chrono::Local::now().date_naive() + chrono::Duration::days(offset)).format("%Y-%m-%d").to_string()
}

fn each_change_is_recorded_with_who_made_it_and_numbers_masked(place: &Place) {
    let firm = Firm::new(place);
    let id = firm.import("李娜", "厦门市海沧区云帆网络科技有限公司");
    let (code, v) = firm.json("王芳", &["case", "set", &id, "applicant.legal_rep=张伟", "handler.phone=13900000000"]);
    assert_eq!((code, v["version"].as_i64()), (0, Some(2)), "{v}");
    firm.json("王芳", &["case", "confirm", &id, "--role", "business-license", "--set", "term=2019年03月12日至长期"]);

    let (code, history) = firm.json("李娜", &["case", "history", &id]);
    assert_eq!(code, 0, "{history}");
    let events = history.as_array().unwrap();
    let whats: Vec<&str> = events.iter().map(|e| e["what"].as_str().unwrap()).collect();
    assert_eq!(whats, ["imported", "changed", "changed", "reading-confirmed"], "{history:#}");
    assert_eq!(events[0]["who"], "李娜");
    let legal_rep = events.iter().find(|e| e["field"] == "applicant.legal_rep").unwrap();
    assert_eq!(
        (&legal_rep["old"], &legal_rep["new"], &legal_rep["who"]),
        (&"王伟".into(), &"张伟".into(), &"王芳".into())
    );
    let phone = events.iter().find(|e| e["field"] == "handler.phone").unwrap();
    assert_eq!((&phone["old"], &phone["new"]), (&"138****0000".into(), &"139****0000".into()));
    assert!(!history.to_string().contains("13900000000"), "the history masks phone numbers");
    // The readable history says the same.
    let text = String::from_utf8(firm.run("李娜", &["case", "history", &id]).stdout).unwrap();
    assert!(text.contains("王芳  修改 applicant.legal_rep: 王伟 → 张伟"), "{text}");

    // A field that does not exist, or a value the case cannot hold, changes nothing.
    let out = firm.run("王芳", &["case", "set", &id, "applicant.nmae=x"]);
    assert_eq!(out.status.code(), Some(2));
    let out = firm.run("王芳", &["case", "set", &id, "applicant.kind=company"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("修改后的案卷无效"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, after) = firm.json("李娜", &["case", "history", &id]);
    assert_eq!(after.as_array().unwrap().len(), 4);
}

fn a_save_based_on_an_old_version_is_refused_with_what_changed_since(place: &Place) {
    let firm = Firm::new(place);
    let id = firm.import("李娜", "厦门市海沧区云帆网络科技有限公司");
    let (_, case) = firm.json("李娜", &["case", "show", &id]);
    assert_eq!(case["version"], 1);

    // Two staff start from version 1; the first save wins, the second is refused.
    let (code, _) = firm.json("李娜", &["case", "set", &id, "--base", "1", "applicant.legal_rep=张伟"]);
    assert_eq!(code, 0);
    let out = firm.run("王芳", &["case", "set", &id, "--base", "1", "landing.domain=other.example.cn"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("已被他人修改") && stderr.contains("applicant.legal_rep"), "{stderr}");
    let (_, case) = firm.json("李娜", &["case", "show", &id]);
    assert_eq!(case["data"]["landing"]["domain"], "yunfan.example.cn", "nothing of the refused save was written");
    assert_eq!(case["data"]["applicant"]["legal_rep"], "张伟");
    // Reloaded (version 2), the same change goes through.
    let (code, v) = firm.json("王芳", &["case", "set", &id, "--base", "2", "landing.domain=other.example.cn"]);
    assert_eq!((code, v["version"].as_i64()), (0, Some(3)));
}

fn two_processes_saving_the_same_version_at_once_never_both_win(place: &Place) {
    let firm = Firm::new(place);
    let id = firm.import("李娜", "厦门市海沧区云帆网络科技有限公司");
    for round in 0..5 {
        let (_, case) = firm.json("李娜", &["case", "show", &id]);
        let base = case["version"].as_i64().unwrap().to_string();
        let a = format!("applicant.legal_rep=甲{round}");
        let b = format!("applicant.legal_rep=乙{round}");
        let first = firm.command("李娜", &["case", "set", &id, "--base", &base, &a]).spawn().unwrap();
        let second = firm.command("王芳", &["case", "set", &id, "--base", &base, &b]).spawn().unwrap();
        let codes = [first.wait_with_output().unwrap(), second.wait_with_output().unwrap()]
            .map(|o| o.status.code().unwrap_or(-1));
        let mut sorted = codes;
        sorted.sort();
        assert_eq!(sorted, [0, 2], "round {round}: exactly one save wins: {codes:?}");
        let (_, case) = firm.json("李娜", &["case", "show", &id]);
        let winner = if codes[0] == 0 { format!("甲{round}") } else { format!("乙{round}") };
        assert_eq!(case["data"]["applicant"]["legal_rep"], winner.as_str());
    }
}

fn submissions_and_answers_are_logged_and_a_rejection_finds_its_rules(place: &Place) {
    let firm = Firm::new(place);
    let id = firm.import("李娜", "厦门市海沧区云帆网络科技有限公司");
    // No answer without a submission.
    let out = firm.run("李娜", &["case", "decide", &id, "--vendor", "huawei", "--approved"]);
    assert_eq!(out.status.code(), Some(2));

    let (code, s) = firm.json("李娜", &["case", "submit", &id, "--vendor", "huawei", "--items", "signature,templates"]);
    assert_eq!(code, 0, "{s}");
    assert_eq!(s["items"], serde_json::json!(["signature", "templates"]));
    let reason = "模板驳回：固定文本太少，变量过多，请修改后重新提交";
    let (code, s) = firm.json("王芳", &["case", "decide", &id, "--vendor", "huawei", "--rejected", reason]);
    assert_eq!(code, 0, "{s}");
    assert_eq!((&s["outcome"], &s["reason"]), (&"rejected".into(), &reason.into()));
    let rules: Vec<&str> = s["matched"][0]["rules"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert!(rules.contains(&"template.little_fixed_text"), "{s}");
    assert!(s["matched"][0]["source"].as_str().unwrap().contains("huaweicloud.com"), "{s}");

    // A reason no rule knows is kept verbatim and counted.
    firm.json("李娜", &["case", "submit", &id, "--vendor", "huawei"]);
    firm.json("王芳", &["case", "decide", &id, "--vendor", "huawei", "--rejected", "资料不清晰，请重新上传"]);
    firm.json("李娜", &["case", "submit", &id, "--vendor", "huawei"]);
    firm.json("王芳", &["case", "decide", &id, "--vendor", "huawei", "--rejected", "资料不清晰，请重新上传"]);
    let (_, counted) = firm.json("李娜", &["rejections"]);
    assert_eq!(counted[0]["reason"], "资料不清晰，请重新上传", "the unknown reasons first: {counted:#}");
    assert_eq!((counted[0]["count"].as_u64(), counted[0]["rules"].as_array().map(Vec::len)), (Some(2), Some(0)));
    assert_eq!(counted[1]["count"], 1);

    let (_, log) = firm.json("李娜", &["case", "submissions", &id]);
    assert_eq!(log.as_array().unwrap().len(), 3);
    let (_, history) = firm.json("李娜", &["case", "history", &id]);
    let whats: Vec<&str> = history.as_array().unwrap().iter().map(|e| e["what"].as_str().unwrap()).collect();
    assert_eq!(whats.iter().filter(|w| **w == "submitted").count(), 3);
    assert_eq!(whats.iter().filter(|w| **w == "decided").count(), 3);
    // An empty reason is refused.
    firm.json("李娜", &["case", "submit", &id, "--vendor", "aliyun"]);
    let out = firm.run("李娜", &["case", "decide", &id, "--vendor", "aliyun", "--rejected", "  "]);
    assert_eq!(out.status.code(), Some(2));
}

fn the_portfolio_lists_what_comes_due_soonest_first(place: &Place) {
    let firm = Firm::new(place);
    let soon = firm.import("李娜", "厦门市海沧区云帆网络科技有限公司");
    let later = firm.import("李娜", "厦门市思明区海鸥贸易有限公司");
    let quiet = firm.import("王芳", "厦门市湖里区白鹭软件有限公司");
    let term =
        |days: i64| format!("term=2016年01月01日至{}", day(days).replacen('-', "年", 1).replacen('-', "月", 1) + "日");
    firm.json("李娜", &["case", "confirm", &soon, "--role", "business-license", "--set", &term(20)]);
    firm.json("李娜", &["case", "confirm", &later, "--role", "business-license", "--set", &term(200)]);
    firm.json("李娜", &["case", "submit", &later, "--vendor", "aliyun", "--items", "signature"]);
    firm.json("李娜", &["case", "decide", &later, "--vendor", "aliyun", "--approved", "--at", &day(-1)]);

    let (code, all) = firm.json("李娜", &["portfolio"]);
    assert_eq!(code, 0, "{all}");
    let ids: Vec<&str> = all.as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    // The carriers' reporting after yesterday's approval comes due before the licence in 20 days.
    assert_eq!(ids, [later.as_str(), soon.as_str(), quiet.as_str()], "{all:#}");
    let first = &all[0]["deadlines"][0];
    assert_eq!((&first["what"], &first["vendor"]), (&"carrier-reporting".into(), &"aliyun".into()), "{all:#}");
    assert_eq!(all[0]["submissions"][0]["status"], "approved");

    let (_, due) = firm.json("李娜", &["portfolio", "--due", "30d"]);
    let due = due.as_array().unwrap();
    assert_eq!(due.len(), 2, "{due:#?}");
    let licence = due.iter().find(|e| e["id"] == soon.as_str()).unwrap();
    assert_eq!(licence["deadlines"][0]["what"], "licence-term");
    let days = licence["deadlines"][0]["days"].as_i64().unwrap();
    assert!((19..=20).contains(&days), "{days}");
    assert!(licence["deadlines"][0]["due"].as_str().unwrap().starts_with(&day(20)[..4]));

    let (_, filtered) = firm.json("李娜", &["portfolio", "--status", "approved"]);
    assert_eq!(filtered.as_array().unwrap().len(), 1);
    let (_, by_staff) = firm.json("王芳", &["portfolio", "--staff", "王芳"]);
    assert_eq!(by_staff[0]["id"], quiet.as_str());
    assert_eq!(by_staff.as_array().unwrap().len(), 1);

    let csv = String::from_utf8(firm.run("李娜", &["portfolio", "--due", "30d", "--csv"]).stdout).unwrap();
    assert!(csv.starts_with("id,name,what,label,due,days,vendor\n"), "{csv}");
    assert!(
        csv.lines().any(|l| l.starts_with(&format!("{soon},厦门市海沧区云帆网络科技有限公司,licence-term,"))),
        "{csv}"
    );
    let out = firm.run("李娜", &["portfolio", "--due", "soon"]);
    assert_eq!(out.status.code(), Some(2));
}
