#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic on bad data
//! `qualkit doc`: real PDFs from the real binary, read back with poppler (pdftotext, pdffonts,
//! pdfinfo, pdfimages) and checked with qpdf. Each document is kept, with a PNG of each page,
//! under test-artifacts/documents/ for a person to look at.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use qualkit_fixtures::{Condition, Document, Page, corpus};
use serde_json::Value;

const CASE_TOML: &str = include_str!("fixtures/yunfan/case.toml");
const OWNER: &str = "厦门云帆控股集团有限公司";
const OWNER_USCC: &str = "91350200MA2XN5YX6A";

struct Env {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Env {
    fn new() -> Env {
        let tmp = tempfile::tempdir().unwrap();
        Env { root: tmp.path().to_path_buf(), _tmp: tmp }
    }

    fn qualkit(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_qualkit"))
            .args(args)
            .env("QUALKIT_DATA_DIR", self.root.join("data"))
            .env("ORT_DISABLE_TELEMETRY", "1")
            .output()
            .unwrap()
    }

    fn json(&self, args: &[&str]) -> (i32, Value, String) {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.qualkit(&all);
        let value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.code().unwrap_or(-1), value, String::from_utf8_lossy(&out.stderr).into_owned())
    }

    /// Imports the sample case with `edit` applied to its case.toml; `licence` replaces the 1×1
    /// licence image.
    fn import(&self, name: &str, edit: impl Fn(String) -> String, licence: Option<&[u8]>) -> String {
        let dir = self.root.join(name);
        std::fs::create_dir_all(dir.join("ids")).unwrap();
        std::fs::write(dir.join("case.toml"), edit(CASE_TOML.to_string())).unwrap();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yunfan");
        for file in ["license.png", "ids/handler-front.png"] {
            std::fs::copy(fixture.join(file), dir.join(file)).unwrap();
        }
        if let Some(bytes) = licence {
            std::fs::write(dir.join("license.png"), bytes).unwrap();
        }
        let (code, v, err) = self.json(&["case", "import", dir.to_str().unwrap()]);
        assert_eq!(code, 0, "import: {v} {err}");
        v["id"].as_str().unwrap().to_string()
    }

    fn out(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }
}

fn third_party(toml: String) -> String {
    toml.replace(
        "use = \"self\"",
        &format!("use = \"third-party\"\nowner = \"{OWNER}\"\nowner_uscc = \"{OWNER_USCC}\""),
    )
}

fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn text_of(pdf: &Path) -> String {
    tool("pdftotext", &[pdf.to_str().unwrap(), "-"])
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// qpdf finds no damage; the font is embedded as a subset; the page is A4; and a PNG of each
/// page lands in test-artifacts/documents/ (rendered by pdftoppm, to be looked at).
fn assert_sound_pdf(pdf: &Path, artifact: &str) {
    tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts: {fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type… emb sub uni object ID: the three flags are the 5th–3rd from the end.
        let n = cols.len();
        assert!(cols[0].contains('+') && cols[0].contains("CJK"), "not a CJK subset: {row}");
        assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "not embedded, subset and mapped: {row}");
    }
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("595.28 x 841.89 pts (A4)"), "{info}");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts/documents");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(pdf, dir.join(format!("{artifact}.pdf"))).unwrap();
    tool("pdftoppm", &["-r", "70", "-png", pdf.to_str().unwrap(), dir.join(artifact).to_str().unwrap()]);
}

#[test]
fn authorization_letter_prints_the_case_exactly_in_an_embedded_subset() {
    let env = Env::new();
    let id = env.import("case", third_party, None);
    let pdf = env.out("aliyun.pdf");
    let (code, v, err) = env.json(&[
        "doc",
        "authorization-letter",
        &id,
        "--vendor",
        "aliyun",
        "--out",
        pdf.to_str().unwrap(),
        "--date",
        "2026-11-22",
        "--signature",
        "云帆科技",
    ]);
    assert_eq!(code, 0, "{v} {err}");
    assert_eq!(v["pages"], 1);
    let bytes = std::fs::metadata(&pdf).unwrap().len();
    assert_eq!(v["bytes"], bytes);
    // A one-page letter with two subset faces stays small (measured: about 27 KB).
    assert!(bytes < 80_000, "{bytes} bytes");
    // Aliyun wants its own template: the user is told so.
    assert!(v["warnings"][0].as_str().unwrap().contains("--template"), "{v}");

    let text = squeeze(&text_of(&pdf));
    for expected in [
        "短信签名授权委托书",
        &format!("委托方（签名归属方）：{OWNER}"),
        &format!("委托方统一社会信用代码：{OWNER_USCC}"),
        "被委托方（短信服务使用方）：厦门市海沧区云帆网络科技有限公司",
        "授权签名：云帆网络、云帆科技",
        "授权有效期：2026年11月22日至2027年11月22日",
        "委托方盖章",
        "委托方法定代表人或负责人签字",
        "日期：2026年11月22日",
    ] {
        assert!(text.contains(expected), "missing {expected} in {text}");
    }
    assert_sound_pdf(&pdf, "authorization-aliyun");

    // The same case and date give the same bytes (bundles of issue 6 must be reproducible).
    let again = env.out("again.pdf");
    let (code, _, _) = env.json(&[
        "doc",
        "authorization-letter",
        &id,
        "--vendor",
        "aliyun",
        "--out",
        again.to_str().unwrap(),
        "--date",
        "2026-11-22",
        "--signature",
        "云帆科技",
    ]);
    assert_eq!(code, 0);
    assert_eq!(std::fs::read(&again).unwrap(), std::fs::read(&pdf).unwrap());
}

#[test]
fn every_vendor_has_a_letter_whose_fixed_text_prints_unchanged() {
    let env = Env::new();
    let id = env.import("case", third_party, None);
    for vendor in ["aliyun", "tencent", "huawei", "volcengine", "baidu"] {
        let pdf = env.out(&format!("{vendor}.pdf"));
        let (code, v, err) = env.json(&[
            "doc",
            "authorization-letter",
            &id,
            "--vendor",
            vendor,
            "--out",
            pdf.to_str().unwrap(),
            "--date",
            "2026-11-22",
        ]);
        assert_eq!(code, 0, "{vendor}: {v} {err}");
        let printed = squeeze(&text_of(&pdf));
        let template = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("assets/letters/authorization-{vendor}.txt")),
        )
        .unwrap();
        // Every piece of fixed text between placeholders is printed, in order.
        let mut at = 0;
        for line in template.lines().filter(|l| !l.starts_with("@source") && !l.starts_with("@comment")) {
            let line = line.trim_start_matches("@title").trim_start_matches("@right");
            let line = line.replace("@boxes", "").replace('|', "");
            for piece in line.split("{{").map(|p| p.rsplit("}}").next().unwrap_or(p)) {
                let piece = squeeze(piece);
                if piece.is_empty() {
                    continue;
                }
                let found = printed[at..]
                    .find(&piece)
                    .unwrap_or_else(|| panic!("{vendor}: «{piece}» not printed after {at}: {printed}"));
                at += found + piece.len();
            }
        }
        assert!(printed.contains(OWNER) && printed.contains("云帆网络"), "{vendor}: {printed}");
        if vendor == "huawei" {
            assert_sound_pdf(&pdf, "authorization-huawei");
        }
    }
}

#[test]
fn a_vendor_template_is_filled_without_changing_its_fixed_text() {
    let env = Env::new();
    let id = env.import("case", third_party, None);
    // A letter as a user might paste it from the vendor's console: odd punctuation, half-width
    // brackets, ASCII, full-width indents, a Chinese placeholder alias, a long paragraph.
    let fixed_paragraph = "本公司（授权方）确认：上述签名仅用于本公司及本公司关联业务，不得转授权第三方使用；如因签名使用产生的一切纠纷，由被授权方承担责任（含投诉、赔偿等）。本授权书自签署之日起生效，“有效期”届满自动失效。";
    let template = format!(
        "@title 短信签名授权书 (SMS-2026 v3)\n\
         授权方：{{{{授权方}}}}\n\
         授权方社会信用代码：{{{{ owner_uscc }}}}\n\
         被授权方：{{{{applicant_name}}}}, 签名【{{{{signatures}}}}】\n\
         \u{3000}\u{3000}{fixed_paragraph}\n\
         @@注意: 本行以 @ 开头\n\
         有效期 valid: {{{{valid_from}}}} — {{{{valid_to}}}}\n\
         @boxes 授权方公章 | 法人签字\n\
         @right {{{{日期}}}}\n"
    );
    let template_path = env.out("vendor-letter.txt");
    std::fs::write(&template_path, &template).unwrap();
    let pdf = env.out("filled.pdf");
    let (code, v, err) = env.json(&[
        "doc",
        "authorization-letter",
        &id,
        "--vendor",
        "huawei",
        "--out",
        pdf.to_str().unwrap(),
        "--template",
        template_path.to_str().unwrap(),
        "--date",
        "2026-11-22",
        "--valid-from",
        "2026-12-01",
        "--valid-to",
        "2027-06-01",
    ]);
    assert_eq!(code, 0, "{v} {err}");
    assert_eq!(v["warnings"], serde_json::json!([]), "the user's own template needs no warning");
    let expected = format!(
        "短信签名授权书 (SMS-2026 v3)\
         授权方：{OWNER}\
         授权方社会信用代码：{OWNER_USCC}\
         被授权方：厦门市海沧区云帆网络科技有限公司, 签名【云帆网络】\
         {fixed_paragraph}\
         @注意: 本行以 @ 开头\
         有效期 valid: 2026年12月1日 — 2027年6月1日\
         授权方公章法人签字\
         2026年11月22日"
    );
    assert_eq!(squeeze(&text_of(&pdf)), squeeze(&expected));

    // Line breaking: no printed line starts with closing punctuation or ends with an opening one.
    let layout = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    let lines: Vec<&str> = layout.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert!(lines.len() >= 10, "the long paragraph should wrap: {layout}");
    for line in &lines {
        let first = line.chars().next().unwrap();
        let last = line.chars().last().unwrap();
        assert!(!"，。、；：）」』】”".contains(first), "line starts with {first}: {line}");
        assert!(!"（「『【“".contains(last), "line ends with {last}: {line}");
    }
    assert_sound_pdf(&pdf, "authorization-vendor-template");
}

#[test]
fn letters_that_cannot_be_made_say_why_and_write_nothing() {
    let env = Env::new();
    let own = env.import("own", |t| t, None);
    let third = env.import("third", third_party, None);
    let pdf = env.out("never.pdf");
    let out = pdf.to_str().unwrap();
    let run = |args: &[&str]| {
        let o = env.qualkit(args);
        (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
    };

    let (code, err) = run(&["doc", "authorization-letter", &own, "--vendor", "aliyun", "--out", out]);
    assert_eq!(code, Some(2));
    assert!(err.contains("自用") && err.contains("third-party"), "{err}");

    // Huawei: at least six months (H8).
    let (code, err) = run(&[
        "doc",
        "authorization-letter",
        &third,
        "--vendor",
        "huawei",
        "--out",
        out,
        "--valid-from",
        "2026-11-22",
        "--valid-to",
        "2027-03-01",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("不少于 6 个月") && err.contains("2027-05-22") && err.contains("huaweicloud.com"), "{err}");

    // A placeholder the case cannot fill, and one that does not exist, are both named.
    let template = env.out("t.txt");
    std::fs::write(&template, "授权方：{{owner_name}}\n经办人电话：{{handler_phone}}\n{{stamp_here}}\n").unwrap();
    let (code, err) = run(&[
        "doc",
        "commitment-letter",
        &third,
        "--vendor",
        "tencent",
        "--out",
        out,
        "--template",
        template.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("{{stamp_here}} 不认识"), "{err}");
    assert!(!err.contains("{{handler_phone}} 无法填写"), "the case has a handler phone: {err}");

    let toml_without_phone = |t: String| third_party(t).replace("phone = \"13800000000\"\n", "");
    let no_phone = env.import("no-phone", toml_without_phone, None);
    let (code, err) = run(&[
        "doc",
        "commitment-letter",
        &no_phone,
        "--vendor",
        "tencent",
        "--out",
        out,
        "--template",
        template.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("第 2 行的占位符 {{handler_phone}} 无法填写：案卷缺少 handler.phone"), "{err}");

    // A template that is not UTF-8 (a GBK export) is refused with the reason.
    std::fs::write(&template, [0xCA, 0xDA, 0xC8, 0xA8]).unwrap();
    let (code, err) = run(&[
        "doc",
        "commitment-letter",
        &third,
        "--vendor",
        "tencent",
        "--out",
        out,
        "--template",
        template.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("UTF-8"), "{err}");

    // No CJK font: the error names the package to install.
    let o = Command::new(env!("CARGO_BIN_EXE_qualkit"))
        .args(["doc", "commitment-letter", &third, "--vendor", "tencent", "--out", out])
        .env("QUALKIT_DATA_DIR", env.root.join("data"))
        .env("QUALKIT_FONT", env.root.join("no-such-font.ttc"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("fonts-noto-cjk"), "{}", String::from_utf8_lossy(&o.stderr));

    assert!(!pdf.exists(), "a failed document must leave no file");
}

#[test]
fn commitment_letters_have_the_boxes_seed_001_names() {
    let env = Env::new();
    let enterprise = env.import("enterprise", |t| t, None);
    let individual = env.import(
        "individual",
        |t| {
            t.replace("kind = \"enterprise\"", "kind = \"individual\"")
                .replace(
                    "name = \"厦门市海沧区云帆网络科技有限公司\"",
                    "name = \"张三\"\nid_number = \"11010519491231002X\"",
                )
                .replace("uscc = \"91350205MA2Y0LQ12U\"\n", "")
                .replace("legal_rep = \"王伟\"\n", "")
                .replace("established = 2019-03-12\n", "")
        },
        None,
    );
    let pdf = env.out("enterprise.pdf");
    let (code, v, err) = env.json(&[
        "doc",
        "commitment-letter",
        &enterprise,
        "--vendor",
        "tencent",
        "--out",
        pdf.to_str().unwrap(),
        "--date",
        "2026-11-22",
    ]);
    assert_eq!(code, 0, "{v} {err}");
    let text = squeeze(&text_of(&pdf));
    for expected in [
        "短信服务合规使用承诺函",
        "致：腾讯云",
        "承诺单位：厦门市海沧区云帆网络科技有限公司",
        "统一社会信用代码：91350205MA2Y0LQ12U",
        "法定代表人：王伟",
        "单位公章",
        "法定代表人签字",
    ] {
        assert!(text.contains(expected), "missing {expected}: {text}");
    }
    assert_sound_pdf(&pdf, "commitment-enterprise");

    let pdf = env.out("individual.pdf");
    let (code, v, err) = env.json(&[
        "doc",
        "commitment-letter",
        &individual,
        "--vendor",
        "tencent",
        "--out",
        pdf.to_str().unwrap(),
        "--date",
        "2026-11-22",
    ]);
    assert_eq!(code, 0, "{v} {err}");
    let text = squeeze(&text_of(&pdf));
    for expected in ["承诺人：张三", "身份证号码：11010519491231002X", "本人签名", "本人手印"] {
        assert!(text.contains(expected), "missing {expected}: {text}");
    }
    assert!(!text.contains("单位公章"), "{text}");
    assert_sound_pdf(&pdf, "commitment-individual");

    // Aliyun lists no commitment letter: generated anyway, with a note.
    let (code, v, _) =
        env.json(&["doc", "commitment-letter", &enterprise, "--vendor", "aliyun", "--out", pdf.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(v["warnings"][0].as_str().unwrap().contains("没有合规使用承诺函"), "{v}");
}

#[test]
fn the_review_report_shows_checklists_thumbnails_and_the_mismatch_diff() {
    let env = Env::new();
    // The licence prints 有限责任公司 where the case declares 有限公司.
    let licence = corpus::yunfan_licence("厦门市海沧区云帆网络科技有限责任公司");
    let page = Page::new(Document::Licence2019(licence), Condition::Clean, 4).unwrap();
    let id = env.import("case", |t| t, Some(&page.bytes));
    let pdf = env.out("report.pdf");
    let (code, v, err) =
        env.json(&["doc", "review-report", &id, "--out", pdf.to_str().unwrap(), "--date", "2026-11-22"]);
    assert_eq!(code, 0, "{v} {err}");
    assert!(v["pages"].as_u64().unwrap() >= 2, "{v}");

    let plain = text_of(&pdf);
    let text = squeeze(&plain);
    for expected in [
        "短信资质审核报告",
        "案卷概要",
        "阿里云尚不能提交",
        "腾讯云尚不能提交",
        "材料与识别结果",
        "营业执照license.png",
        // The mismatch: the document's value and the case's, both printed in full.
        "材料：厦门市海沧区云帆网络科技有限责任公司",
        "案卷：厦门市海沧区云帆网络科技有限公司",
        "统一社会信用代码91350205MA2Y0LQ12U",
        // The handler's phone is masked.
        "李娜138****0000",
        // Approval is not the launch: the carriers' real-name reporting follows.
        "审核通过之后",
        "5–10个工作日",
    ] {
        assert!(text.contains(expected), "missing {expected}: {plain}");
    }
    assert!(!text.contains("13800000000"), "an unmasked phone number: {plain}");
    // The thumbnails are embedded images.
    let images = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert!(images.lines().skip(2).count() >= 2, "{images}");
    assert_sound_pdf(&pdf, "review-report");
}

/// The characters of a page's text, sorted: the same multiset means the same text was printed,
/// whatever order a text extractor reads the cells in.
fn sorted_chars(text: &str) -> Vec<char> {
    let mut chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    chars.sort_unstable();
    chars
}

/// The text of an SVG page's `<text>` elements, unescaped.
fn svg_text(svg: &str) -> String {
    svg.split("<text ")
        .skip(1)
        .filter_map(|part| part.split_once('>').and_then(|(_, rest)| rest.split_once("</text>")).map(|(t, _)| t))
        .collect::<Vec<_>>()
        .join("")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[test]
fn the_app_preview_draws_the_same_pages_as_the_pdf() {
    let env = Env::new();
    let id = env.import("case", third_party, None);
    let mut store = qualkit::Store::open(&env.root.join("data")).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let options = qualkit::letter::LetterOptions::new(date);
    for (kind, vendor) in [
        (qualkit::DocumentKind::AuthorizationLetter, qualkit::case::Vendor::Aliyun),
        (qualkit::DocumentKind::CommitmentLetter, qualkit::case::Vendor::Tencent),
    ] {
        let generated =
            qualkit::generate_document(&mut store, &id, kind, Some(vendor), &options, qualkit::Lang::Zh).unwrap();
        let pages = generated.layout.to_svg_pages().unwrap();
        assert_eq!(pages.len(), generated.pages);
        let pdf = env.out(&format!("{vendor}.pdf"));
        std::fs::write(&pdf, &generated.pdf).unwrap();
        for (n, svg) in pages.iter().enumerate() {
            assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{svg}");
            let page = (n + 1).to_string();
            let printed = tool("pdftotext", &["-f", &page, "-l", &page, pdf.to_str().unwrap(), "-"]);
            assert_eq!(sorted_chars(&svg_text(svg)), sorted_chars(&printed), "page {page} of {vendor}: {printed}");
            // The dashed signature and seal boxes are drawn too.
            assert!(svg.contains("stroke-dasharray"), "{svg}");
        }
        let all: String = pages.concat();
        assert!(all.contains(OWNER) || kind == qualkit::DocumentKind::CommitmentLetter, "the owner is named");
    }
}

#[test]
fn the_owners_credit_code_is_taken_from_the_owners_licence_when_the_case_has_none() {
    let env = Env::new();
    let without_code = |toml: String| third_party(toml).replace(&format!("\nowner_uscc = \"{OWNER_USCC}\""), "");
    let id = env.import("case", without_code, None);
    let pdf = env.out("letter.pdf");
    let letter = |env: &Env| {
        env.json(&["doc", "authorization-letter", &id, "--vendor", "tencent", "--out", pdf.to_str().unwrap()])
    };
    // Nothing declared, nothing read: the letter cannot be filled and says which key is missing.
    let (code, _, err) = letter(&env);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("signature.owner_uscc"), "{err}");

    // The owner's licence, read: its code fills the letter, which says it was read.
    let licence = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yunfan/license.png");
    let licence = licence.to_str().unwrap();
    let (code, v, err) = env.json(&["case", "add", &id, "--role", "owner-business-license", licence]);
    assert_eq!(code, 0, "{v} {err}");
    let (code, v, err) =
        env.json(&["case", "confirm", &id, "--role", "owner-business-license", "--set", &format!("uscc={OWNER_USCC}")]);
    assert_eq!(code, 0, "{v} {err}");
    let (code, v, err) = letter(&env);
    assert_eq!(code, 0, "{v} {err}");
    assert!(squeeze(&text_of(&pdf)).contains(OWNER_USCC), "the code is printed");
    let warnings = v["warnings"].to_string();
    assert!(warnings.contains("取自授权方营业执照的识别结果"), "{warnings}");
}
