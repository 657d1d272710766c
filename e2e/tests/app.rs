#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic on bad data
//! The real desktop app, driven over WebDriver: it shows the cases the core stored, their
//! per-vendor checklist and findings (a name mismatch with its diff), generates the review
//! report, refuses and then force-exports a vendor bundle that is checked on disk, fixes the
//! mismatch by taking the document's value, lints a template live, checks an identifier,
//! switches language and deletes a case. On a team store (PostgreSQL) it shares the cases with
//! a colleague's desktop: their saves refuse a stale one here, their readings reach the portfolio.

use std::io::Read;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use qualkit::case::Role;
use qualkit::reading::{DocKind, Field, Origin, Reading};
use qualkit_e2e::{App, WAIT_LIMIT, within};

#[path = "../../tests/support/stores.rs"]
mod stores;

const PNG_1X1: &[u8] = include_bytes!("../../tests/fixtures/yunfan/license.png");

fn write_case_folder(dir: &std::path::Path, name: &str, uscc: &str) {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(dir.join("license.png"), PNG_1X1).expect("png");
    std::fs::write(
        dir.join("case.toml"),
        format!(
            r#"vendors = ["aliyun", "huawei"]
[applicant]
kind = "enterprise"
name = "{name}"
uscc = "{uscc}"
legal_rep = "王伟"
[signature]
name = "云帆网络"
source = "company"
[[materials]]
role = "business-license"
file = "license.png"
"#
        ),
    )
    .expect("case.toml");
}

/// A whole test's limit: about ten times what it takes on a busy machine.
const TEST_LIMIT: Duration = Duration::from_secs(600);
/// OCR of a licence in the debug app, with both cores kept busy by other work.
const OCR_LIMIT: Duration = Duration::from_secs(180);
/// The wizard's handler's ID number: 1990-01-01, a woman's (digit 17 even), its check holding.
const HANDLER_ID: &str = "110105199001011240";

#[tokio::test(flavor = "multi_thread")]
async fn case_list_checklist_validator_language_and_delete() {
    if qualkit_e2e::unavailable().is_some() {
        return;
    }
    within(TEST_LIMIT, imported_cases_through_review_documents_and_export()).await;
}

async fn imported_cases_through_review_documents_and_export() {
    let folders = tempfile::tempdir().expect("tmp");
    let first = folders.path().join("yunfan");
    write_case_folder(&first, "厦门市海沧区云帆网络科技有限公司", "91350205MA2Y0LQ12U");
    let second = folders.path().join("bad-code");
    write_case_folder(&second, "北京某某科技有限公司", "91350205MA2Y0LQ12A");

    let app = App::start(|data| {
        let mut store = qualkit::Store::open(data).expect("store");
        let id = store.import_folder(&first).expect("import");
        // What the licence shows (OCR's result, as the OCR issue will store it): the long form
        // of the company name, which the case does not declare.
        let case = store.case(&id).expect("case");
        let licence = case.materials.iter().find(|m| m.role == Role::BusinessLicense).expect("licence");
        let reading = Reading::new(DocKind::BusinessLicense, Origin::Ocr)
            .with("name", Field::confirmed("厦门市海沧区云帆网络科技有限责任公司"));
        store.save_reading(&licence.sha256, &reading).expect("reading");
    })
    .await;

    // The case stored by the core is listed, with its per-vendor readiness.
    let row = app.wait_text("#case-list .case", "云帆网络科技").await;
    assert!(row.contains("aliyun") && row.contains("huawei"), "{row}");
    app.screenshot("01-case-list").await;

    // Import a second case through the UI.
    app.type_into("#import-path", second.to_str().expect("path")).await;
    app.click("#import-button").await;
    app.wait_text("#message", "已导入案卷").await;
    app.wait_text("#case-title", "北京某某科技有限公司").await;
    // Its wrong credit code is reported with the expected check character.
    let uscc = app.wait_text("tr[data-item='applicant.uscc']", "有误").await;
    assert!(uscc.contains("应为 U"), "{uscc}");
    app.screenshot("02-imported-checklist").await;

    // Open the first case: the checklist shows what each vendor still needs.
    app.click_text("#case-list button.case", "云帆网络科技").await;
    app.wait_text("#case-title", "云帆网络科技").await;
    let handheld =
        app.wait_text("article[data-vendor='huawei'] tr[data-item='material.handler-id-handheld']", "缺少").await;
    assert!(handheld.contains("手持"), "{handheld}");
    app.wait_text("article[data-vendor='aliyun'] tr[data-item='material.business-license']", "已具备").await;

    // The licence's name differs from the declared one: a blocking finding with its diff.
    let mismatch = app.wait_text("article[data-vendor='aliyun'] li[data-rule='match.mismatch']", "有限责任公司").await;
    assert!(mismatch.contains("阻断") && mismatch.contains("营业执照"), "{mismatch}");
    app.scroll_to("article[data-vendor='aliyun'] li[data-rule='match.mismatch']").await;
    app.screenshot("03-mismatch-diff").await;
    let inserted =
        app.text_content("article[data-vendor='aliyun'] li[data-rule='match.mismatch'] [data-diff] .insert").await;
    assert_eq!(inserted, "责任");

    // Documents: the review report is written as a PDF where the panel says.
    app.step("documents").await;
    app.click("#doc-report").await;
    let written = app.wait_text("#document-written", "已生成").await;
    let exports = app.data_dir.path().join("exports");
    let report = exports.join("厦门市海沧区云帆网络科技有限公司-审核报告.pdf");
    assert!(written.contains(report.to_str().expect("path")), "{written}");
    assert!(std::fs::read(&report).expect("report on disk").starts_with(b"%PDF"));
    // Its pages are previewed in the app (SVG of the same layout; WebKitGTK shows no PDF).
    app.wait_image("#document-preview img[data-page='1']").await;
    let ratio = app
        .execute("const i = document.querySelector(\"#document-preview img[data-page='1']\"); return i.naturalHeight / i.naturalWidth;")
        .await
        .as_f64()
        .expect("a number");
    assert!((ratio - 841.89 / 595.28).abs() < 0.01, "an A4 page: {ratio}");
    let pages = app.count("#document-preview img").await;
    assert!(written.contains(&format!("{pages} 页")), "one preview per page: {pages}, {written}");
    app.screenshot("03b-document-preview").await;

    // Export for Huawei: refused while blocks remain, nothing written.
    let bundle = exports.join("yunfan-huawei.zip");
    app.step("export").await;
    app.select("#export-vendor", "huawei").await;
    app.type_into("#export-path", bundle.to_str().expect("path")).await;
    app.click("#export-button").await;
    let refused = app.wait_text("#export-refused", "未导出").await;
    assert!(refused.contains("手持"), "the missing handheld photo blocks Huawei: {refused}");
    assert!(!bundle.exists());
    app.screenshot("04-export-refused").await;

    // With "export despite blocks" it is written, and the bundle proves itself on disk.
    app.click("#export-force").await;
    app.click("#export-button").await;
    let done = app.wait_text("#export-written", "已导出到").await;
    assert!(done.contains("materials/01-营业执照.png") && done.contains("fields.json"), "{done}");
    app.screenshot("05-exported").await;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&bundle).expect("bundle on disk")).expect("zip");
    let mut text = String::new();
    archive.by_name("manifest.json").expect("manifest").read_to_string(&mut text).expect("read");
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(manifest["vendor"], "huawei");
    assert_eq!(manifest["forced"], true);
    for file in manifest["files"].as_array().expect("files") {
        let name = file["path"].as_str().expect("path");
        let mut bytes = Vec::new();
        archive.by_name(name).expect("listed file in the zip").read_to_end(&mut bytes).expect("read");
        assert_eq!(file["bytes"], bytes.len(), "{name}");
        assert_eq!(file["sha256"], qualkit::store::sha256_hex(&bytes), "{name}");
    }
    let mut fields = String::new();
    archive.by_name("fields.json").expect("field sheet").read_to_string(&mut fields).expect("read");
    assert!(fields.contains("\"signature_name\"") && fields.contains("云帆网络"), "{fields}");

    // Fix the mismatch: the licence is right, so the case takes its long form. The check runs
    // again and the finding is gone; the case is renamed in the list too.
    app.step("review").await;
    app.click_and_recheck("article[data-vendor='aliyun'] li[data-rule='match.mismatch'] button[data-fix='document']")
        .await;
    app.wait_text("#case-title", "有限责任公司").await;
    app.wait_text("#case-list .case.selected", "有限责任公司").await;
    assert_eq!(
        app.count("article[data-vendor='aliyun'] li[data-rule='match.mismatch']").await,
        0,
        "the mismatch is gone"
    );
    app.wait_store("the case renamed to the licence's name", |store| {
        store.list_cases().ok()?.into_iter().find(|c| c.applicant_name == "厦门市海沧区云帆网络科技有限责任公司")
    })
    .await;
    app.screenshot("06-mismatch-fixed").await;

    // A colleague saves the case from another process while it is open here: the app's save,
    // based on the version it loaded, is refused with what changed, and the reload shows theirs.
    app.step("applicant").await;
    app.find("#applicant-legal-rep").await;
    let id = app
        .wait_store("the open case", |store| {
            store.list_cases().ok()?.into_iter().find(|c| c.applicant_name.ends_with("有限责任公司")).map(|c| c.id)
        })
        .await;
    let mut colleague = qualkit::Store::open(app.data_dir.path()).expect("store");
    colleague.set_staff("王芳");
    let mut data = colleague.case(&id).expect("case").data;
    data.applicant.legal_rep = Some("张伟".into());
    colleague.update_case(&id, &data).expect("the colleague's save");
    app.type_into("#applicant-legal-rep", "李四").await;
    app.click("#save-step").await;
    let refused = app.wait_text("#conflict", "已被他人修改").await;
    assert!(refused.contains("applicant.legal_rep"), "{refused}");
    let stored = colleague.case(&id).expect("case").data.applicant.legal_rep;
    assert_eq!(stored.as_deref(), Some("张伟"), "the refused save wrote nothing");
    app.scroll_to("#conflict").await;
    app.screenshot("06b-conflict").await;
    app.click_and_recheck("#conflict-reload").await;
    app.wait_value("#applicant-legal-rep", "张伟").await;
    assert_eq!(app.count("#conflict").await, 0, "the refusal is gone after the reload");
    app.type_into("#applicant-legal-rep", "李四").await;
    app.click_and_recheck("#save-step").await;
    app.wait_store("the app's save after the reload", |store| {
        let case = store.case(&id).ok()?;
        (case.data.applicant.legal_rep.as_deref() == Some("李四")).then_some(())
    })
    .await;
    // The history names both saves and who made them.
    app.step("review").await;
    app.click("#history summary").await;
    let colleagues = app.wait_text("#history li[data-field='applicant.legal_rep']", "王芳").await;
    assert!(colleagues.contains("王伟 → 张伟"), "{colleagues}");
    app.wait_text("#history", "张伟 → 李四").await;

    // The portfolio lists the licence whose term ends within 30 days, soonest first.
    let licence = colleague.case(&id).expect("case").materials.into_iter().find(|m| m.role == Role::BusinessLicense);
    let licence = licence.expect("licence");
    let end = chrono::Local::now().date_naive() + chrono::Duration::days(20);
    let term = format!("2016年01月01日至{}", end.format("%Y年%m月%d日"));
    let reading = colleague.reading(&licence.sha256, DocKind::BusinessLicense).expect("read").expect("a reading");
    colleague.save_reading(&licence.sha256, &reading.with("term", Field::confirmed(term))).expect("term");
    app.click("#open-portfolio").await;
    let row = app.wait_text(&format!("#portfolio tr[data-case='{id}'][data-what='licence-term']"), "营业执照").await;
    assert!(row.contains("还有 19 天") || row.contains("还有 20 天"), "{row}");
    app.screenshot("06c-portfolio").await;
    // Filtered to rejected submissions: this case has none, and the portfolio says nothing is due.
    app.select("#portfolio-status", "rejected").await;
    app.wait_text("#portfolio[data-rows='0'] .empty", "没有到期事项").await;
    app.select("#portfolio-status", "").await;
    app.wait_text(&format!("#portfolio tr[data-case='{id}'][data-what='licence-term']"), "营业执照").await;
    app.click(&format!("#portfolio tr[data-case='{id}'] button.link")).await;
    app.wait_text("#case-title", "有限责任公司").await;

    // Lint a template live: the case's vendors side by side, Huawei with its numbered variables.
    app.step("templates").await;
    app.type_into("#template-text", "恭喜！您的验证码为${code}，点击领取红包").await;
    let huawei = app.wait_text("#template-lint article[data-vendor='huawei']", "${1}").await;
    assert!(huawei.contains("红包") && huawei.contains("template.marketing_words"), "{huawei}");
    app.wait_text("#template-lint article[data-vendor='aliyun'] li[data-rule='template.marketing_words']", "恭喜")
        .await;
    assert_eq!(
        app.count("#template-lint article[data-vendor='tencent']").await,
        0,
        "only the case's vendors are linted"
    );
    app.scroll_to("#template-lint").await;
    app.screenshot("07-template-lint").await;

    // Variables get types: inferred and shown with each vendor's attribute; an example is
    // checked against that attribute; choosing a type declares it.
    app.select("#template-type", "notification").await;
    app.type_into("#template-text", "您的订单已支付${amount}元，感谢惠顾").await;
    app.wait_text("#template-variables tr[data-var='amount'][data-type='money'][data-by='name']", "${amount}").await;
    app.wait_for("Huawei's attribute for ${amount}", WAIT_LIMIT, async || {
        let attributes = app.text_content("#template-lint article[data-vendor='huawei'] .attributes").await;
        attributes.contains("amount: MONEY").then_some(())
    })
    .await;
    app.type_into("#template-variables tr[data-var='amount'] input", "¥12.50").await;
    app.wait_text("#template-lint article[data-vendor='huawei'] li[data-rule='template.variable_value']", "MONEY")
        .await;
    app.select("#template-variables tr[data-var='amount'] select", "text").await;
    app.wait_text("#template-variables tr[data-var='amount'][data-type='text'][data-by='declared']", "${amount}").await;
    app.wait_text("#template-lint article[data-vendor='huawei'] li[data-rule='template.variable_value']", "TEXT").await;

    // The identifier check runs in the core.
    app.type_into("#id-value", "91440300MA00000820").await;
    app.click("#id-check").await;
    app.wait_text("#id-result", "有效").await;

    // English switch.
    app.click("#lang-en").await;
    app.step("review").await;
    app.wait_text("article[data-vendor='huawei'] tr[data-item='material.handler-id-handheld']", "Missing").await;
    app.screenshot("08-english").await;

    // Delete with confirmation.
    app.click("#delete-case").await;
    app.click("#delete-confirm").await;
    app.wait_text("#detail .empty", "Select a case").await;
    app.wait_store("one case left after the delete", |store| (store.list_cases().ok()?.len() == 1).then_some(())).await;
    app.screenshot("09-after-delete").await;
    app.close().await;
}

/// A case created step by step in the wizard from a licence rendered now: the app adds the
/// licence, reads it with the real OCR models (progress bar), flags the name the licence prints
/// differently with its diff and a red box on the image, and the fix clears it. A template is
/// linted and saved into the case, the landing app declared, the MIIT verification SMS tracked,
/// and the bundle exported and checked on disk.
#[tokio::test(flavor = "multi_thread")]
async fn a_case_built_in_the_wizard_is_read_fixed_and_exported() {
    if qualkit_e2e::unavailable().is_some() {
        return;
    }
    within(TEST_LIMIT, a_case_built_in_the_wizard()).await;
}

async fn a_case_built_in_the_wizard() {
    let folders = tempfile::tempdir().expect("tmp");
    // The licence prints the long company form; the user types the short one.
    let printed = "厦门市海沧区云帆网络科技有限责任公司";
    let page = qualkit_fixtures::Page::new(
        qualkit_fixtures::Document::Licence2019(qualkit_fixtures::corpus::yunfan_licence(printed)),
        qualkit_fixtures::Condition::Clean,
        3,
    )
    .expect("render the licence");
    let licence = folders.path().join("营业执照.png");
    std::fs::write(&licence, &page.bytes).expect("licence");
    // The handler's ID card, photographed: 李娜, whose number is GB 11643-valid.
    let card = qualkit_fixtures::IdCard {
        name: "李娜".into(),
        sex: "女".into(),
        id_number: HANDLER_ID.into(),
        birth: qualkit_fixtures::Date { year: 1990, month: 1, day: 1 },
        ..qualkit_fixtures::corpus::id_card(&mut qualkit_fixtures::Rng::new(3))
    };
    let card = qualkit_fixtures::Page::new(
        qualkit_fixtures::Document::IdCardFront(card),
        qualkit_fixtures::Condition::Photo,
        3,
    )
    .expect("render the ID card");
    let id_card = folders.path().join("经办人身份证.jpg");
    std::fs::write(&id_card, &card.bytes).expect("ID card");

    let app = App::start(|_| {}).await;
    // The one case of this data folder, once `done` holds for it.
    let stored_case = async |what: &str, done: &dyn Fn(&qualkit::store::Case) -> bool| {
        app.wait_store(what, |store| {
            let id = store.list_cases().ok()?.first()?.id.clone();
            store.case(&id).ok().filter(|case| done(case))
        })
        .await
    };

    // Step 1, a new case: the applicant kinds with what each can and cannot do.
    app.click("#new-case").await;
    let individual = app.wait_text(".kind[data-kind='individual']", "第三方 App").await;
    assert!(individual.contains("不能为任何公司"), "{individual}");
    let cited = app.text_content(".kind[data-kind='individual'] li .source").await;
    assert!(cited.contains("The latest audit specification"), "each fact cites its public source: {cited}");
    app.type_into("#applicant-name", "厦门市海沧区云帆网络科技有限公司").await;
    app.type_into("#applicant-uscc", "91350205MA2Y0LQ12U").await;
    app.type_into("#applicant-legal-rep", "王伟").await;
    // The industry some vendors restrict to verification templates (education, here).
    app.select("#applicant-industry", "education").await;
    app.screenshot("10-wizard-new-case").await;
    app.click("#create-case").await;
    app.wait_text("#case-title", "云帆网络科技有限公司").await;
    stored_case("the industry declared", &|c| c.data.applicant.industry == Some(qualkit::case::Industry::Education))
        .await;

    // Step 2, vendors: none chosen yet, and the guide says so.
    app.find("#step-vendors.current").await;
    app.wait_text("#guide li[data-item='vendors']", "请选择要提交的厂商").await;
    app.wait_text(".vendor-choice label[data-vendor='huawei']", "推广").await;
    let cited = app.text_content(".vendor-choice label[data-vendor='huawei'] .source").await;
    assert!(cited.starts_with("依据: https://"), "each vendor's stance cites its public source: {cited}");
    // Huawei takes no new customers since 2025-01-10, and says so before anyone chooses it.
    let closed = app.wait_text(".vendor-choice [data-closed='huawei']", "暂停受理新用户").await;
    assert!(closed.contains("2025-01-10"), "{closed}");
    let closed_source = app.text_content(".vendor-choice [data-closed='huawei'] .source").await;
    assert!(closed_source.contains("huaweicloud.com"), "the change cites Huawei's page: {closed_source}");
    assert_eq!(app.count(".vendor-choice [data-closed]").await, 1, "only Huawei is closed");
    app.click("#vendor-aliyun").await;
    app.click_and_recheck("#save-step").await;
    app.wait_text("#step-vendors .todo", "✓").await;
    stored_case("Aliyun chosen", &|c| c.data.vendors == vec![qualkit::case::Vendor::Aliyun]).await;
    app.screenshot("11-wizard-vendors").await;

    // Step 3, signature: what is missing is listed with why and the rule's source.
    app.click("#step-next").await;
    app.wait_text("#guide li[data-item='signature']", "签名").await;
    app.type_into("#signature-name", "云帆网络").await;
    app.click_and_recheck("#save-step").await;
    stored_case("the signature", &|c| c.data.signature.as_ref().is_some_and(|s| s.name == "云帆网络")).await;
    assert_eq!(app.count("#guide li[data-item='signature']").await, 0, "the guide no longer asks for a signature");

    // Step 4, landing app: declared, then the MIIT verification SMS of a first filing.
    app.step("landing").await;
    app.select("#landing-kind", "website").await;
    app.type_into("#landing-name", "云帆官网").await;
    app.type_into("#landing-domain", "yunfan.example.cn").await;
    app.type_into("#landing-icp", "闽ICP备12345678号-1").await;
    app.type_into("#landing-scenario", "用户注册与登录时发送验证码").await;
    app.type_into("#landing-test-account", "demo / demo1234").await;
    app.click_and_recheck("#save-step").await;
    let case = stored_case("the landing website", &|c| {
        c.data.landing.as_ref().is_some_and(|l| l.icp_number.as_deref() == Some("闽ICP备12345678号-1"))
    })
    .await;
    let landing = case.data.landing.expect("landing");
    assert_eq!(landing.scenario.as_deref(), Some("用户注册与登录时发送验证码"));
    assert_eq!(app.count("#guide li[data-item='landing.scenario']").await, 0, "the guide has the scenario");
    app.select("#icp-type", "first").await;
    app.type_into("#icp-subject-phone", "138 0000 0000").await;
    app.type_into("#icp-site-phone", "13900000000").await;
    app.click("#icp-plan").await;
    let subject = app.wait_text("#icp-tracker tr[data-roles='subject']", "138****0000").await;
    assert!(subject.contains("等待短信") && subject.contains("可重发 2"), "{subject}");
    let tracker_text = app.wait_text("#icp-tracker", "139****0000").await;
    assert!(!tracker_text.contains("13800000000") && !tracker_text.contains("13900000000"), "phones are masked");
    let row = "#icp-tracker tr[data-roles='subject']";
    for (event, expect) in [("sent", "23:59:"), ("resent", "可重发 1"), ("verified", "已核验")] {
        app.click(&format!("{row} button[data-event='{event}']")).await;
        app.wait_text(row, expect).await;
    }
    app.wait_text("#icp-tracker tr[data-roles='site']", "等待短信").await;
    let subject = app
        .wait_store("the subject's SMS verified", |store| {
            let id = store.list_cases().ok()?.first()?.id.clone();
            let tracker = store.icp_tracker(&id).ok()??;
            tracker
                .messages
                .into_iter()
                .find(|m| m.state.phone == "13800000000" && m.status == qualkit::icp::MessageStatus::Verified)
        })
        .await;
    assert_eq!(subject.resends_left, 1);
    app.scroll_to("#icp-tracker").await;
    app.screenshot("12-wizard-landing-icp").await;

    // Step 5, materials: the licence is asked for; added by path, it is listed, not read yet.
    app.step("materials").await;
    app.wait_text("#guide li[data-item='material.business-license']", "营业执照").await;
    app.type_into("#material-path", licence.to_str().expect("path")).await;
    app.click_and_recheck("#material-add").await;
    app.wait_text("#materials .material", "尚未识别").await;
    assert_eq!(app.count("#guide li[data-item='material.business-license']").await, 0, "the licence is there");

    // Read it: the OCR models run in the app; the mismatch appears in this step with its diff.
    app.click("#ocr-button").await;
    let mismatch = app.wait_text_within("#guide li[data-rule='match.mismatch']", "有限责任公司", OCR_LIMIT).await;
    assert!(mismatch.contains("营业执照"), "{mismatch}");
    app.wait_text("#materials .material", "个字段已识别").await;

    // The viewer draws the name's box in red on the licence, and lists the value read.
    app.click("#materials .material").await;
    app.find("#material-viewer .box.mismatch[data-field='name']").await;
    let row = app.wait_text("#material-viewer tr.mismatch[data-field='name']", printed).await;
    assert!(row.contains(printed), "{row}");
    // The licence itself is shown (a JPEG the core made, through a blob: URL the CSP allows).
    assert_eq!(app.wait_image("#material-viewer img").await, 1200, "a 1200 px view of the 1980 px licence");
    app.scroll_to("#material-viewer .box.mismatch").await;
    app.screenshot("13-ocr-viewer-mismatch").await;

    // Fix: the case takes the licence's form; the box is no longer red and the finding goes.
    app.click_and_recheck("#guide li[data-rule='match.mismatch'] button[data-fix='document']").await;
    app.wait_text("#case-title", "有限责任公司").await;
    app.find("#material-viewer .box:not(.mismatch)[data-field='name']").await;
    assert_eq!(app.count("#material-viewer .box.mismatch, #guide li[data-rule='match.mismatch']").await, 0);
    stored_case("the licence's name taken", &|c| c.data.applicant.name == printed).await;
    app.scroll_to("#material-viewer .box").await;
    app.screenshot("14-ocr-viewer-fixed").await;

    // The handler, typed one character off (李那); their ID card prints 李娜. Read, the card is
    // compared with the case and the difference shown; the fix takes the card's name.
    app.step("applicant").await;
    app.type_into("#handler-name", "李那").await;
    app.type_into("#handler-id-number", HANDLER_ID).await;
    app.click_and_recheck("#save-step").await;
    stored_case("the handler typed", &|c| c.data.handler.as_ref().is_some_and(|h| h.name == "李那")).await;
    app.step("materials").await;
    app.select("#material-role", "handler-id-front").await;
    app.type_into("#material-path", id_card.to_str().expect("path")).await;
    app.click_and_recheck("#material-add").await;
    app.wait_text("#materials .material", "尚未识别").await;
    app.click("#ocr-button").await;
    let rule = "#guide li[data-rule='match.mismatch']";
    let mismatch = app.wait_text_within(rule, "经办人身份证", OCR_LIMIT).await;
    assert!(mismatch.contains("李娜") && mismatch.contains("李那"), "{mismatch}");
    app.screenshot("14b-handler-id-mismatch").await;
    app.click_and_recheck(&format!("{rule} button[data-fix='document']")).await;
    stored_case("the card's name taken", &|c| c.data.handler.as_ref().is_some_and(|h| h.name == "李娜")).await;
    app.wait_text("#materials", "个字段已识别").await;
    assert_eq!(app.count(rule).await, 0, "no mismatch left once the card's name is taken");

    // Step 6, templates: one is linted live for the case's vendor and saved into the case.
    app.step("templates").await;
    app.wait_text("#guide li[data-item='templates']", "至少需要一个模板").await;
    let template = "您的验证码为${code}，5分钟内有效，请勿泄露于他人。";
    app.type_into("#template-text", template).await;
    app.wait_text("#template-lint article[data-vendor='aliyun'] .rendered", "${code}").await;
    app.click_and_recheck("#template-add").await;
    app.wait_text("#case-templates li", "5分钟内有效").await;
    assert_eq!(app.count("#guide li[data-item='templates']").await, 0, "the guide has its template");
    let templates = stored_case("the template saved", &|c| !c.data.templates.is_empty()).await.data.templates;
    assert_eq!(templates.len(), 1);
    assert_eq!(templates[0].text, template);
    app.screenshot("15-wizard-templates").await;

    // Step 9, export for Aliyun (the ID photos are still missing, so forced) and check on disk.
    app.step("export").await;
    let bundle = app.data_dir.path().join("exports").join("wizard-aliyun.zip");
    app.type_into("#export-path", bundle.to_str().expect("path")).await;
    app.click("#export-force").await;
    app.click("#export-button").await;
    let done = app.wait_text("#export-written", "已导出到").await;
    assert!(done.contains("templates.txt"), "{done}");
    app.screenshot("16-wizard-exported").await;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&bundle).expect("bundle on disk")).expect("zip");
    let mut text = String::new();
    archive.by_name("templates.txt").expect("templates").read_to_string(&mut text).expect("read");
    assert!(text.contains(template), "{text}");
    let mut case_toml = String::new();
    archive.by_name("case.toml").expect("case.toml").read_to_string(&mut case_toml).expect("read");
    assert!(case_toml.contains(printed) && case_toml.contains("闽ICP备12345678号-1"), "{case_toml}");
    assert!(case_toml.contains("industry = \"education\""), "{case_toml}");
    let mut manifest = String::new();
    archive.by_name("manifest.json").expect("manifest").read_to_string(&mut manifest).expect("read");
    let manifest: serde_json::Value = serde_json::from_str(&manifest).expect("json");
    let entry = manifest["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["role"] == "business-license")
        .and_then(|f| f["path"].as_str())
        .expect("the licence in the manifest")
        .to_string();
    let mut bytes = Vec::new();
    archive.by_name(&entry).expect("licence in the zip").read_to_end(&mut bytes).expect("read");
    assert_eq!(
        manifest["files"].as_array().expect("files").iter().find(|f| f["path"] == entry.as_str()).expect("entry")["sha256"],
        qualkit::store::sha256_hex(&bytes)
    );
    assert!(bytes.len() > 10_000, "the licence itself, {} bytes", bytes.len());

    // The person names themselves in the settings; the submission and Aliyun's rejection are
    // logged under that name, and the reason is matched to the rule that catches it.
    app.type_into("#staff-name", "李娜").await;
    app.click("#staff-save").await;
    app.wait_text("#recorded-as", "李娜").await;
    app.click("#submission-record").await;
    let pending = "#submissions li[data-vendor='aliyun'][data-outcome='pending']";
    app.wait_text(pending, "李娜").await;
    app.type_into(&format!("{pending} textarea"), "模板驳回：固定文本太少，变量过多").await;
    app.click(&format!("{pending} button[data-decide='rejected']")).await;
    let rejected = "#submissions li[data-vendor='aliyun'][data-outcome='rejected']";
    app.wait_text(&format!("{rejected} li[data-rule='template.little_fixed_text']"), "template.little_fixed_text")
        .await;
    app.wait_text(rejected, "固定文本太少").await;
    let logged = stored_case("the rejection logged", &|_| true).await;
    let submissions = app
        .wait_store("the submission in the store", |store| {
            let log = store.submissions(&logged.id).ok()?;
            log.first().filter(|s| s.outcome.is_some()).cloned()
        })
        .await;
    assert_eq!(submissions.submitted_by, "李娜");
    assert_eq!(submissions.reason.as_deref(), Some("模板驳回：固定文本太少，变量过多"));
    app.scroll_to("#submissions").await;
    app.screenshot("17-submission-rejected").await;
    app.close().await;
}

/// A firm's two desktops on one team store: this one moves its cases there in the settings (a
/// wrong password refused, nothing moved), sees what a colleague's desktop (the `qualkit` CLI, a
/// process and data folder of its own) imported, has a save based on a stale version refused
/// after the colleague's, and lists the licence term the colleague confirmed in the portfolio.
#[tokio::test(flavor = "multi_thread")]
async fn a_team_store_is_shared_with_a_colleagues_desktop() {
    if qualkit_e2e::unavailable().is_some() {
        return;
    }
    // PostgreSQL's client blocks on a runtime of its own: off tokio's async context.
    let Some(team) = tokio::task::block_in_place(stores::TeamDb::create) else {
        return;
    };
    within(TEST_LIMIT, a_team_store_shared(&team)).await;
    tokio::task::block_in_place(|| drop(team));
}

/// The colleague's desktop: `qualkit` with its own data folder, on the team store, as 王芳.
fn colleague(desk: &Path, team: &stores::TeamDb, args: &[&str]) -> String {
    let mut command = Command::new(qualkit_e2e::cli_binary());
    command.arg("--data-dir").arg(desk).args(args).env("QUALKIT_DATABASE_URL", &team.url).env("QUALKIT_STAFF", "王芳");
    let out = tokio::task::block_in_place(|| command.output()).expect("run qualkit");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "qualkit {args:?}: {}{stdout}", String::from_utf8_lossy(&out.stderr));
    stdout
}

async fn a_team_store_shared(team: &stores::TeamDb) {
    let folders = tempfile::tempdir().expect("tmp");
    let theirs = folders.path().join("yunfan");
    write_case_folder(&theirs, "厦门市海沧区云帆网络科技有限公司", "91350205MA2Y0LQ12U");
    let ours = folders.path().join("local");
    write_case_folder(&ours, "北京某某科技有限公司", "91350205MA2Y0LQ12A");
    let desk = folders.path().join("colleague");
    let imported = colleague(&desk, team, &["--json", "case", "import", theirs.to_str().expect("path")]);
    let id = serde_json::from_str::<serde_json::Value>(&imported).expect("json")["id"]
        .as_str()
        .expect("the imported case's id")
        .to_string();

    let app = App::start(|data| {
        let mut store = qualkit::Store::open(data).expect("store");
        store.import_folder(&ours).expect("import");
    })
    .await;
    app.wait_text("#case-list .case", "北京某某科技").await;
    app.wait_text("#case-store[data-team='no']", "本机").await;

    // A wrong password: refused with the reason, and the cases stay where they were.
    app.type_into("#team-url", &team.url_with_password("wrong")).await;
    app.click("#team-save").await;
    let refused = app.wait_text("#error", "用户名或密码不对").await;
    assert!(!refused.contains("wrong"), "the password typed is not shown: {refused}");
    app.wait_text("#team-save", "连接并使用").await;
    app.wait_text("#case-store[data-team='no']", "本机").await;
    app.wait_text("#case-list .case", "北京某某科技").await;
    app.screenshot("20-team-store-refused").await;

    // The right one: the list is the team store's, the address shown without its password.
    app.type_into("#team-url", &team.url).await;
    app.click("#team-save").await;
    let shown = app.wait_text("#case-store[data-team='yes']", "qualkit:***@").await;
    app.wait_text("#case-list .case", "云帆网络科技").await;
    assert_eq!(app.count("#case-list .case").await, 1, "only the team store's case is listed");
    let page = app.execute("return document.body.innerText;").await;
    assert!(!page.as_str().unwrap_or_default().contains(&team.password()), "the password shows nowhere: {shown}");
    app.wait_store("the team store, as the settings name it", |store| {
        store.team_url().is_some().then_some(())?;
        store.case(&id).ok()
    })
    .await;
    app.screenshot("21-team-store").await;

    // The colleague saves the case while it is open here: this desktop's save is refused, and
    // after the reload it goes through on top of theirs.
    app.click_text("#case-list button.case", "云帆网络科技").await;
    app.wait_text("#case-title", "云帆网络科技").await;
    app.step("applicant").await;
    app.find("#applicant-legal-rep").await;
    colleague(&desk, team, &["case", "set", &id, "applicant.legal_rep=张伟"]);
    app.type_into("#applicant-legal-rep", "李四").await;
    app.click("#save-step").await;
    let refused = app.wait_text("#conflict", "已被他人修改").await;
    assert!(refused.contains("applicant.legal_rep"), "{refused}");
    app.screenshot("22-team-store-conflict").await;
    app.click_and_recheck("#conflict-reload").await;
    app.wait_value("#applicant-legal-rep", "张伟").await;
    app.type_into("#applicant-legal-rep", "李四").await;
    app.click_and_recheck("#save-step").await;
    app.wait_store("this desktop's save after the reload", |store| {
        (store.case(&id).ok()?.data.applicant.legal_rep.as_deref() == Some("李四")).then_some(())
    })
    .await;
    let seen = colleague(&desk, team, &["--json", "case", "show", &id]);
    assert!(seen.contains("李四"), "the colleague's desktop sees this one's save: {seen}");
    app.step("review").await;
    app.click("#history summary").await;
    let theirs = app.wait_text("#history li[data-field='applicant.legal_rep']", "王芳").await;
    assert!(theirs.contains("王伟 → 张伟"), "{theirs}");

    // The colleague confirms the licence's term: it ends in 20 days, and the portfolio says so.
    let end = chrono::Local::now().date_naive() + chrono::Duration::days(20);
    let term = format!("term=2016年01月01日至{}", end.format("%Y年%m月%d日"));
    colleague(&desk, team, &["case", "confirm", &id, "--role", "business-license", "--set", &term]);
    app.click("#open-portfolio").await;
    let row = app.wait_text(&format!("#portfolio tr[data-case='{id}'][data-what='licence-term']"), "营业执照").await;
    assert!(row.contains("还有 19 天") || row.contains("还有 20 天"), "{row}");
    app.screenshot("23-team-store-portfolio").await;

    // Back to this desktop's own store (the field was emptied when the address was saved, its
    // password with it): its own case again, untouched.
    assert_eq!(app.value_of("#team-url").await, "", "the address typed is not kept in the field");
    app.click("#team-save").await;
    app.wait_text("#case-store[data-team='no']", "本机").await;
    app.wait_text("#case-list .case", "北京某某科技").await;
    assert_eq!(app.count("#case-list .case").await, 1, "only this desktop's case is listed");
    app.close().await;
}
