#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]
//! Every rule of assets/rules.toml, both ways: a failing example that must raise it and a
//! passing example that must not. The last test checks the table covers the whole catalog.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use qualkit::case::{
    ApplicantKind, CaseData, CompanyStatus, Industry, LandingKind, Role, SignatureSource, SignatureUse, TemplateType,
    VarType, Vendor,
};
use qualkit::lint::{self, SignatureContext, TemplateInput};
use qualkit::profile::VendorProfile;
use qualkit::reading::{DocKind, Field, Origin, Reading};
use qualkit::requirements::Finding;
use qualkit::rules::Catalog;
use qualkit::{Store, check_case};

const COMPANY: &str = "厦门市海沧区云帆网络科技有限公司";

// ── Signatures ─────────────────────────────────────────────────────────────────────────────

fn sig(vendor: Vendor, name: &str, context: SignatureContext<'_>) -> Vec<String> {
    let profile = VendorProfile::get(vendor).unwrap();
    ids(&lint::lint_signature(profile, name, &context).unwrap().findings)
}

fn company() -> SignatureContext<'static> {
    SignatureContext { source: Some(SignatureSource::Company), company: Some(COMPANY), ..Default::default() }
}

fn ids(findings: &[Finding]) -> Vec<String> {
    findings.iter().map(|f| f.rule.clone()).collect()
}

/// `(rule, vendor, failing name, passing name, context)`
fn signature_table() -> Vec<(&'static str, Vendor, &'static str, &'static str, SignatureContext<'static>)> {
    use Vendor::*;
    let app =
        SignatureContext { source: Some(SignatureSource::App), app_name: Some("云帆快送"), ..Default::default() };
    let mark =
        SignatureContext { source: Some(SignatureSource::Trademark), mark: Some("帆哥"), ..Default::default() };
    vec![
        ("signature.length", Aliyun, "厦门市海沧区云帆网络科技有限公司", "云帆网络", company()),
        ("signature.length", Huawei, "云", "云帆", SignatureContext::default()),
        // Huawei's Chinese FAQ takes up to 16 characters, the others 12.
        (
            "signature.length",
            Huawei,
            "云帆网络科技云帆网络科技云帆网络科技",
            "云帆网络科技云帆网络科技云帆",
            SignatureContext::default(),
        ),
        (
            "signature.length",
            Tencent,
            "云帆网络科技云帆网络科技云帆",
            "云帆网络科技云帆网络科技",
            SignatureContext::default(),
        ),
        ("signature.charset", Tencent, "云帆 网络", "云帆网络", company()),
        ("signature.charset", Aliyun, "【云帆网络】", "云帆网络", company()),
        ("signature.all_digits", Aliyun, "12306", "云帆12306", SignatureContext::default()),
        ("signature.latin_only", Aliyun, "YunFan", "云帆YunFan", SignatureContext::default()),
        ("signature.traditional", Aliyun, "雲帆網絡", "云帆网络", SignatureContext::default()),
        ("signature.neutral", Tencent, "客服通知", "云帆客服", SignatureContext::default()),
        ("signature.test_word", Aliyun, "云帆测试", "云帆网络", SignatureContext::default()),
        ("signature.test_word", Baidu, "YunFan test", "YunFan fastest", SignatureContext::default()),
        ("signature.company_part", Aliyun, "帆云网络", "云帆网络", company()),
        ("signature.company_part", Tencent, "云帆科技", "云帆网络科技", company()),
        ("signature.company_generic", Aliyun, "网络科技", "云帆网络科技", company()),
        ("signature.app_name", Aliyun, "云帆", "云帆快送", app),
        ("signature.trademark_mark", Huawei, "帆哥哥", "帆哥", mark),
        ("signature.acronym", Aliyun, "YFWL", "云帆网络", company()),
        // Initials that are the registered mark itself are the mark.
        (
            "signature.acronym",
            Tencent,
            "YFWL",
            "YFKJ",
            SignatureContext { source: Some(SignatureSource::Trademark), mark: Some("YFKJ"), ..Default::default() },
        ),
    ]
}

#[test]
fn signature_rules_both_ways() {
    for (rule, vendor, failing, passing, context) in signature_table() {
        let failed = sig(vendor, failing, context.clone());
        assert!(failed.iter().any(|r| r == rule), "{rule} should flag {failing:?} for {vendor}: got {failed:?}");
        let passed = sig(vendor, passing, context);
        assert!(!passed.iter().any(|r| r == rule), "{rule} should pass {passing:?} for {vendor}: got {passed:?}");
    }
}

#[test]
fn company_signature_suggestion_is_a_contiguous_part() {
    let profile = VendorProfile::get(Vendor::Aliyun).unwrap();
    let lint = lint::lint_signature(profile, "云帆科技", &company()).unwrap();
    let finding = lint.findings.iter().find(|f| f.rule == "signature.company_part").unwrap();
    let suggestion = finding.expected.as_deref().unwrap();
    assert_eq!(suggestion, "云帆网络科技");
    assert!(COMPANY.contains(suggestion));
    assert!(sig(Vendor::Aliyun, suggestion, company()).is_empty());
}

// ── Templates ──────────────────────────────────────────────────────────────────────────────

#[derive(Clone, Copy)]
struct Tpl {
    vendor: Vendor,
    kind: TemplateType,
    applicant: ApplicantKind,
    values: &'static [(&'static str, &'static str)],
    types: &'static [(&'static str, VarType)],
}

fn tpl(vendor: Vendor, kind: TemplateType) -> Tpl {
    Tpl { vendor, kind, applicant: ApplicantKind::Enterprise, values: &[], types: &[] }
}

fn lint_template(t: &Tpl, text: &str) -> lint::TemplateLint {
    let profile = VendorProfile::get(t.vendor).unwrap();
    let values: BTreeMap<String, String> = t.values.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let types: BTreeMap<String, VarType> = t.types.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    let input = TemplateInput {
        kind: t.kind,
        text,
        applicant: t.applicant,
        signature: Some("云帆网络"),
        values: &values,
        types: &types,
    };
    lint::lint_template(profile, &input).unwrap()
}

const CODE: &str = "您的验证码为${code}，5分钟内有效，请勿泄露于他人。";

/// `(rule, template kind, failing text, passing text)`; the passing side may use other settings.
type TplRow = (&'static str, Tpl, String, Tpl, String);

/// A table row's values for the test's lifetime.
fn leak(values: &[(&'static str, &'static str)]) -> &'static [(&'static str, &'static str)] {
    Box::leak(values.to_vec().into_boxed_slice())
}

fn row(rule: &'static str, t: Tpl, failing: &str, passing: &str) -> TplRow {
    (rule, t, failing.to_string(), t, passing.to_string())
}

fn template_table() -> Vec<TplRow> {
    use TemplateType::*;
    use Vendor::*;
    let long = "您的订单已发货，".repeat(70);
    let individual = |kind| Tpl { applicant: ApplicantKind::Individual, ..tpl(Aliyun, kind) };
    let code8 = Tpl { values: &[("code", "12345678")], ..tpl(Tencent, Verification) };
    let code6 = Tpl { values: &[("code", "123456")], ..tpl(Tencent, Verification) };
    let letters = Tpl { values: &[("code", "ab12")], ..tpl(Tencent, Verification) };
    let huawei8 = Tpl { values: &[("code", "12345678")], ..tpl(Huawei, Verification) };
    let huawei9 = Tpl { values: &[("code", "123456789")], ..tpl(Huawei, Verification) };
    let name36 = Tpl {
        values: &[("name", "云帆网络科技云帆网络科技云帆网络科技云帆网络科技云帆网络科技云帆网络科技")],
        ..tpl(Volcengine, Notification)
    };
    let name35 = Tpl {
        values: &[("name", "云帆网络科技云帆网络科技云帆网络科技云帆网络科技云帆网络科技云帆网络科")],
        ..tpl(Volcengine, Notification)
    };
    let tencent7 = Tpl { values: &[("1", "1234567")], ..tpl(Tencent, Marketing) };
    let tencent6 = Tpl { values: &[("1", "123456")], ..tpl(Tencent, Marketing) };
    // Typed variables: an example against the vendor's attribute for its type.
    let huawei_money = |value| Tpl { values: leak(&[("amount", value)]), ..tpl(Huawei, Notification) };
    let aliyun_phone = |value| Tpl { values: leak(&[("tel", value)]), ..tpl(Aliyun, Notification) };
    let declared_money = Tpl { types: &[("x", VarType::Money)], ..huawei_money("12.50") };
    let declared_money_bad =
        Tpl { values: &[("x", "十二元五角ab")], types: &[("x", VarType::Money)], ..tpl(Huawei, Notification) };
    let order_example = Tpl { values: &[("order_no", "A12345")], ..tpl(Tencent, Notification) };
    let tencent_url = |value| Tpl { values: leak(&[("page", value)]), ..tpl(Tencent, Notification) };
    let declared_name = Tpl { types: &[("x", VarType::Name)], ..tpl(Aliyun, Notification) };
    let misspelt = Tpl { values: &[("amout", "12.50")], ..tpl(Aliyun, Notification) };
    let spelt = Tpl { values: &[("amount", "12.50")], ..tpl(Aliyun, Notification) };
    let eleven: String = (1..=11).map(|i| format!("第{i}项${{v{i}}}，")).collect();
    let ten: String = (1..=10).map(|i| format!("第{i}项${{v{i}}}，")).collect();
    vec![
        (
            "template.type_not_allowed",
            individual(Marketing),
            "尊敬的会员，新品上市。拒收请回复R".into(),
            individual(Verification),
            CODE.into(),
        ),
        row("template.variable_malformed", tpl(Aliyun, Verification), "您的验证码为${code，5分钟内有效", CODE),
        row("template.variable_syntax", tpl(Aliyun, Verification), "您的验证码为{1}，5分钟内有效", CODE),
        row(
            "template.variable_numbering",
            tpl(Tencent, Notification),
            "您的订单{2}已发货，单号{3}",
            "您的订单{1}已发货，单号{2}",
        ),
        row("template.variable_count", tpl(Volcengine, Notification), &eleven, &ten),
        row(
            "template.variable_repeated",
            tpl(Aliyun, Notification),
            "订单${no}已发货，订单${no}请查收",
            "订单${no}已发货，请查收",
        ),
        row(
            "template.adjacent_variables",
            tpl(Huawei, Notification),
            "尊敬的${name}${title}，您好",
            "尊敬的${name}，${title}，您好",
        ),
        row("template.all_variables", tpl(Tencent, Notification), "${a}，${b}。", "订单${a}已发货，${b}。"),
        row(
            "template.variable_in_link",
            tpl(Tencent, Notification),
            "详情见 www.${site}.com/a 谢谢",
            "订单${no}已发货，详情见 www.yunfan.cn/a 谢谢",
        ),
        row("template.brackets", tpl(Baidu, Notification), "【云帆】您的订单已发货", "您的订单已发货"),
        row("template.symbols", tpl(Tencent, Notification), "您的订单已发货★", "您的订单已发货。"),
        // The full-width ￥ is the ¥ Tencent lists.
        row("template.symbols", tpl(Tencent, Notification), "您的订单已支付￥100", "您的订单已支付100元"),
        row("template.symbols", tpl(Aliyun, Notification), "您的订单#123已发货「顺丰」", "您的订单123已由顺丰发出"),
        row("template.edge_brackets", tpl(Aliyun, Notification), "[云帆]您的订单已发货", "您的订单已发货"),
        row("template.traditional", tpl(Aliyun, Notification), "您的訂單已發貨", "您的订单已发货"),
        row("template.too_long", tpl(Aliyun, Notification), &long, "您的订单已发货"),
        row("template.verification_keyword", tpl(Aliyun, Verification), "您的口令为${code}，5分钟内有效", CODE),
        row("template.verification_variables", tpl(Huawei, Verification), "验证码${code}，${minutes}分钟内有效", CODE),
        ("template.verification_code_length", code8, CODE.into(), code6, CODE.into()),
        ("template.verification_code_length", huawei9, CODE.into(), huawei8, CODE.into()),
        ("template.verification_code_digits", letters, CODE.into(), code6, CODE.into()),
        // 动态密码 is a keyword of its own (动态码 is not inside it).
        row(
            "template.verification_keyword",
            tpl(Aliyun, Verification),
            "您的口令为${code}，5分钟内有效",
            "您的动态密码为${code}，5分钟内有效。",
        ),
        (
            "template.variable_value_length",
            name36,
            "尊敬的${name}，您的订单已发货".into(),
            name35,
            "尊敬的${name}，您的订单已发货".into(),
        ),
        (
            "template.variable_value_length",
            tencent7,
            "尊敬的会员{1}，新品上市，拒收请回复R".into(),
            tencent6,
            "尊敬的会员{1}，新品上市，拒收请回复R".into(),
        ),
        row("template.notification_variables", tpl(Tencent, Notification), "您的订单{1}已发货", "您的订单已发货"),
        // Huawei's MONEY takes no currency sign; Aliyun's phone_number2 takes a number only.
        (
            "template.variable_value",
            huawei_money("¥12.50"),
            "您已支付${amount}元".into(),
            huawei_money("12.50"),
            "您已支付${amount}元".into(),
        ),
        (
            "template.variable_value",
            aliyun_phone("客服热线"),
            "如有疑问请致电${tel}".into(),
            aliyun_phone("0571-88886666"),
            "如有疑问请致电${tel}".into(),
        ),
        // A declared type wins over the name: ${x} is money here.
        ("template.variable_value", declared_money_bad, "您已支付${x}".into(), declared_money, "您已支付${x}".into()),
        // An order number is usually longer than the 6 characters Tencent takes; an example settles it.
        (
            "template.variable_typical",
            tpl(Tencent, Notification),
            "您的订单${order_no}已发货".into(),
            order_example,
            "您的订单${order_no}已发货".into(),
        ),
        (
            "template.variable_value_content",
            tpl(Volcengine, Notification),
            "如有疑问请致电${tel}".into(),
            tpl(Volcengine, Notification),
            "如有疑问请致电400-800-1234".into(),
        ),
        (
            "template.variable_value_content",
            tencent_url("https://yunfan.cn/a"),
            "详情见${page}".into(),
            tencent_url("a1"),
            "详情见${page}".into(),
        ),
        // Aliyun's TemplateRule names no attribute for other text; a person's name has one.
        (
            "template.variable_type_unmapped",
            tpl(Aliyun, Notification),
            "您关注的${x}已到货".into(),
            declared_name,
            "您关注的${x}已到货".into(),
        ),
        // A verification template states its purpose or expiry (Aliyun, Volcengine) and no contact (Aliyun).
        row("template.verification_context", tpl(Aliyun, Verification), "您的验证码为${code}，请勿告诉他人。", CODE),
        row(
            "template.verification_context",
            tpl(Volcengine, Verification),
            "验证码${code}，请勿泄露。",
            "您正在登录，验证码${code}。",
        ),
        row(
            "template.verification_contact",
            tpl(Aliyun, Verification),
            "您的验证码为${code}，5分钟内有效，客服微信 yunfan01",
            CODE,
        ),
        row(
            "template.verification_contact",
            tpl(Aliyun, Verification),
            "您的验证码为${code}，5分钟内有效，疑问请致电 0592-5551234",
            CODE,
        ),
        row(
            "template.verification_contact",
            tpl(Aliyun, Verification),
            "您的验证码为${code}，5分钟内有效，反馈 help@yunfan.cn",
            CODE,
        ),
        // Aliyun notifications: official landlines only, at most two.
        row(
            "template.notification_contact",
            tpl(Aliyun, Notification),
            "您的订单已发货，售后请加QQ群 123456",
            "您的订单已发货，售后请致电 400-800-1234",
        ),
        row(
            "template.contact_count",
            tpl(Aliyun, Notification),
            "您的订单已发货，客服 400-800-1234、0592-5551234、95588",
            "您的订单已发货，客服 400-800-1234、0592-5551234",
        ),
        // Invitations and joining groups are refused in marketing templates too.
        row(
            "template.invitation",
            tpl(Tencent, Marketing),
            "会员专享新品，扫码进群领取，拒收请回复R",
            "会员专享新品上市，拒收请回复R",
        ),
        row("template.invitation", tpl(Baidu, Notification), "邀请您注册云帆账号", "您的云帆账号已开通"),
        // Each vendor's refused topics, for that vendor (and type) only.
        row("template.banned_topic", tpl(Huawei, Notification), "您预约的体检套餐明日生效", "您预约的服务明日生效"),
        (
            "template.banned_topic",
            tpl(Aliyun, Marketing),
            "尊敬的会员，楼盘开盘特惠，拒收请回复R".into(),
            tpl(Aliyun, Notification),
            "尊敬的业主，楼盘明日停水检修".into(),
        ),
        (
            "template.banned_topic",
            tpl(Baidu, Notification),
            "您的保险续费……移民顾问".into(),
            tpl(Tencent, Notification),
            "您的订单已发货，移民咨询请回电".into(),
        ),
        (
            "template.variable_not_in_template",
            misspelt,
            "您已支付${amount}元".into(),
            spelt,
            "您已支付${amount}元".into(),
        ),
        row(
            "template.opt_out_not_marketing",
            tpl(Aliyun, Notification),
            "您的订单已发货。拒收请回复R",
            "您的订单已发货",
        ),
        row(
            "template.opt_out_not_marketing",
            tpl(Volcengine, Verification),
            "您的验证码为${code}，5分钟内有效。回T退订",
            CODE,
        ),
        row(
            "template.verification_link",
            tpl(Aliyun, Verification),
            "您的验证码为${code}，登录 https://yunfan.cn 使用",
            CODE,
        ),
        row(
            "template.link",
            tpl(Aliyun, Notification),
            "您的订单已发货，详见 yunfan.cn/o",
            "您的订单已发货，版本 1.2.3",
        ),
        row(
            "template.short_link",
            tpl(Huawei, Notification),
            "您的订单已发货，详见 t.cn/Ab3",
            "您的订单已发货，详见 yunfan.cn/o",
        ),
        row(
            "template.mobile_number",
            tpl(Volcengine, Notification),
            "您的订单已发货，有疑问请致电 138 0013 8000",
            "您的订单已发货，有疑问请致电 400-800-1234",
        ),
        row("template.marketing_words", tpl(Tencent, Notification), "您的订单已发货，领取红包", "您的订单已发货"),
        row("template.marketing_words", tpl(Aliyun, Verification), "恭喜！您的验证码为${code}", CODE),
        row(
            "template.marketing_opt_out",
            tpl(Huawei, Marketing),
            "尊敬的会员，新品上市，回TD退订",
            "尊敬的会员，新品上市，拒收请回复R",
        ),
        row(
            "template.marketing_opt_out",
            tpl(Tencent, Marketing),
            "尊敬的会员，新品上市，回TD退订",
            "尊敬的会员，新品上市，拒收请回复R",
        ),
        row(
            "template.marketing_opt_out_position",
            tpl(Aliyun, Marketing),
            "拒收请回复R。尊敬的会员，新品上市",
            "尊敬的会员，新品上市。拒收请回复R。",
        ),
        row(
            "template.marketing_member",
            tpl(Aliyun, Marketing),
            "新品上市，拒收请回复R",
            "尊敬的会员，新品上市，拒收请回复R",
        ),
        row(
            "template.marketing_variables",
            tpl(Aliyun, Marketing),
            "尊敬的会员${name}，新品上市，拒收请回复R",
            "尊敬的会员，新品上市，拒收请回复R",
        ),
        row("template.segments", tpl(Aliyun, Notification), &"您的订单已发货，".repeat(9), "您的订单已发货"),
        row("template.rendered", tpl(Tencent, Verification), CODE, "您的验证码为{1}，5分钟内有效，请勿泄露于他人。"),
        row("redline.industry", tpl(Aliyun, Notification), "您申请的小额贷款已到账", "您的订单已发货"),
        row(
            "template.variant_spelling",
            tpl(Aliyun, Notification),
            "您的订单已发货，可在威信公众号查看物流",
            "您的订单已发货，可在微信公众号查看物流",
        ),
        row(
            "template.variant_spelling",
            tpl(Baidu, Notification),
            "您的订单已发货，售后请联系扣扣客服",
            "您的订单已发货，请注意查收",
        ),
        row(
            "template.interference_symbols",
            tpl(Volcengine, Marketing),
            "尊敬的会员，免.费.领.取新品试用，拒收请回复R",
            "尊敬的会员，免费领取新品试用，拒收请回复R",
        ),
        row(
            "template.interference_symbols",
            tpl(Aliyun, Notification),
            "您的订单已发货，退 换 货请在App内申请",
            "您的订单已发货，退换货请在App内申请",
        ),
        row(
            "template.little_fixed_text",
            tpl(Huawei, Notification),
            "${name}您好${content}",
            "您的订单${no}已发货，请注意查收",
        ),
        row(
            "template.little_fixed_text",
            tpl(Tencent, Verification),
            "${code}为验证码",
            "您的验证码为${code}，5分钟内有效",
        ),
        row(
            "template.beta_link",
            tpl(Volcengine, Notification),
            "您申请的内测版已就绪，下载地址 https://www.pgyer.com/yunfan",
            "您申请的内测版已就绪，下载地址 https://yunfan.example.cn/app",
        ),
        row(
            "template.notification_marketing_link",
            tpl(Aliyun, Notification),
            "您的订单已发货，限时优惠详见 yunfan.example.cn",
            "您的订单已发货，物流详见 yunfan.example.cn",
        ),
        (
            "template.send_window",
            tpl(Tencent, Marketing),
            "尊敬的会员，新品上市，拒收请回复R".to_string(),
            tpl(Tencent, Notification),
            "您的订单已发货，请注意查收".to_string(),
        ),
        (
            "template.member_proof",
            tpl(Huawei, Marketing),
            "尊敬的会员，新品上市，拒收请回复R".to_string(),
            tpl(Aliyun, Marketing),
            "尊敬的会员，新品上市，拒收请回复R".to_string(),
        ),
    ]
}

#[test]
fn template_rules_both_ways() {
    for (rule, fail_tpl, failing, pass_tpl, passing) in template_table() {
        let failed = ids(&lint_template(&fail_tpl, &failing).findings);
        assert!(
            failed.iter().any(|r| r == rule),
            "{rule} should flag {failing:?} for {}: got {failed:?}",
            fail_tpl.vendor
        );
        let passed = ids(&lint_template(&pass_tpl, &passing).findings);
        assert!(
            !passed.iter().any(|r| r == rule),
            "{rule} should pass {passing:?} for {}: got {passed:?}",
            pass_tpl.vendor
        );
    }
}

#[test]
fn a_clean_verification_template_passes_every_vendor() {
    for vendor in Vendor::ALL {
        let lint = lint_template(&tpl(*vendor, TemplateType::Verification), CODE);
        let blocking: Vec<_> = lint.findings.iter().filter(|f| f.rule != "template.rendered").collect();
        assert!(blocking.is_empty(), "{vendor}: {blocking:?}");
        // 【云帆网络】 (6) + the text with the code at the vendor's longest (6, Huawei's 8).
        let code =
            VendorProfile::get(*vendor).unwrap().templates.verification_code_length.as_ref().map_or(6, |r| r.max);
        assert_eq!(lint.length.chars, 6 + CODE.chars().count() - "${code}".len() + code as usize, "{vendor}");
        assert_eq!(lint.length.segments, 1);
    }
    assert_eq!(
        lint_template(&tpl(Vendor::Tencent, TemplateType::Verification), CODE).rendered,
        CODE.replace("${code}", "{1}")
    );
    assert_eq!(
        lint_template(&tpl(Vendor::Huawei, TemplateType::Verification), CODE).rendered,
        CODE.replace("${code}", "${1}")
    );
}

#[test]
fn billed_segments_count_the_signature() {
    // 【云帆网络】 is 6; 64 + 6 = 70 → 1 message; 65 + 6 = 71 → 2.
    let t = tpl(Vendor::Aliyun, TemplateType::Notification);
    let lint = lint_template(&t, &"订".repeat(64));
    assert_eq!((lint.length.chars, lint.length.segments), (70, 1));
    let lint = lint_template(&t, &"订".repeat(65));
    assert_eq!((lint.length.chars, lint.length.segments), (71, 2));
    let lint = lint_template(&t, &"订".repeat(128));
    assert_eq!((lint.length.chars, lint.length.segments), (134, 2));
    let lint = lint_template(&t, &"订".repeat(129));
    assert_eq!((lint.length.chars, lint.length.segments), (135, 3));
}

// ── Whole cases ────────────────────────────────────────────────────────────────────────────

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yunfan")
}

/// A test store holding the fixture case, changed by `edit`, with extra materials (rendered
/// now) and what each material shows.
struct Setup {
    edit: fn(&mut CaseData),
    materials: Vec<(Role, &'static str, Picture)>,
    readings: Vec<(Role, Reading)>,
}

#[derive(Clone, Copy)]
enum Picture {
    /// A grey scan, no colour at all.
    Grey,
    /// A colour licence: a red seal on a tinted page.
    Colour,
    /// A noisy photo over 2 MB.
    Large,
    /// A BMP, which no vendor takes.
    Bmp,
}

fn render(picture: Picture, path: &Path) {
    let (w, h) = match picture {
        Picture::Large => (1400, 1400),
        _ => (400, 300),
    };
    let mut seed = 7u32;
    let img = image::RgbImage::from_fn(w, h, |x, y| match picture {
        Picture::Grey | Picture::Bmp => {
            let v = 200 + ((x + y) % 40) as u8;
            image::Rgb([v, v, v])
        }
        Picture::Colour => {
            let (dx, dy) = (x as i32 - 300, y as i32 - 200);
            if dx * dx + dy * dy < 50 * 50 { image::Rgb([210, 30, 40]) } else { image::Rgb([250, 240, 215]) }
        }
        Picture::Large => {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let [a, b, c, _] = seed.to_le_bytes();
            image::Rgb([a, b, c])
        }
    });
    let format = if matches!(picture, Picture::Bmp) { image::ImageFormat::Bmp } else { image::ImageFormat::Png };
    img.save_with_format(path, format).unwrap();
}

fn case_rules(vendor: Vendor, setup: Setup) -> Vec<Finding> {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("data")).unwrap();
    let id = store.import_folder(&fixture()).unwrap();
    let mut data = store.case(&id).unwrap().data;
    (setup.edit)(&mut data);
    store.update_case(&id, &data).unwrap();
    for (i, (role, name, picture)) in setup.materials.iter().enumerate() {
        let folder = dir.path().join(format!("m{i}"));
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join(name);
        render(*picture, &path);
        store.add_material(&id, *role, &path).unwrap();
    }
    let case = store.case(&id).unwrap();
    for (role, reading) in &setup.readings {
        let material = case.materials.iter().find(|m| m.role == *role).expect("a material of the role");
        store.save_reading(&material.sha256, reading).unwrap();
    }
    let report = check_case(&store, &id, Some(vendor)).unwrap();
    report.vendors[&vendor].findings.clone()
}

fn nothing(_: &mut CaseData) {}

fn licence(fields: &[(&str, &str)]) -> (Role, Reading) {
    let mut reading = Reading::new(DocKind::BusinessLicense, Origin::Ocr);
    for (key, value) in fields {
        reading = reading.with(key, Field::confirmed(*value));
    }
    (Role::BusinessLicense, reading)
}

fn days_from_today(days: i64) -> String {
    (chrono::Local::now().date_naive() + chrono::Duration::days(days)).format("%Y-%m-%d").to_string()
}

/// The licence, read with a term ending `days` from today.
fn licence_term(days: i64) -> Setup {
    let end = days_from_today(days).replacen('-', "年", 1).replacen('-', "月", 1) + "日";
    let (role, reading) = licence(&[("term", &format!("2016年01月01日至{end}"))]);
    Setup { edit: nothing, materials: Vec::new(), readings: vec![(role, reading)] }
}

/// A material of `role` read valid until `days` from today (and from `from` days, if given).
fn dated(role: Role, kind: DocKind, days: i64, from: Option<i64>) -> Setup {
    let mut reading = Reading::new(kind, Origin::Ocr).with("valid_to", Field::confirmed(days_from_today(days)));
    if let Some(from) = from {
        reading = reading.with("valid_from", Field::confirmed(days_from_today(from)));
    }
    Setup { edit: nothing, materials: vec![(role, "doc.png", Picture::Colour)], readings: vec![(role, reading)] }
}

fn plain(edit: fn(&mut CaseData)) -> Setup {
    Setup { edit, materials: Vec::new(), readings: Vec::new() }
}

/// A trademark signature whose certificate reads with the title `document`.
fn trademark_document(document: &'static str) -> Setup {
    let reading = Reading::new(DocKind::TrademarkCertificate, Origin::Ocr).with("document", Field::confirmed(document));
    Setup {
        edit: |d| d.signature.as_mut().unwrap().source = SignatureSource::Trademark,
        materials: vec![(Role::TrademarkCertificate, "mark.png", Picture::Colour)],
        readings: vec![(Role::TrademarkCertificate, reading)],
    }
}

/// The licence read with business scope `scope`, the case edited by `edit`.
fn scope(scope: &'static str, edit: fn(&mut CaseData)) -> Setup {
    Setup { edit, materials: Vec::new(), readings: vec![licence(&[("scope", scope)])] }
}

fn notification_with(text: &str) -> qualkit::case::Template {
    qualkit::case::Template {
        kind: TemplateType::Notification,
        text: text.into(),
        name: None,
        variables: Default::default(),
        examples: Default::default(),
    }
}

/// The signature made third-party, for its owner.
fn third_party(d: &mut CaseData) {
    let signature = d.signature.as_mut().unwrap();
    signature.usage = SignatureUse::ThirdParty;
    signature.owner = Some("厦门市思明区海鸥贸易有限公司".into());
}

/// The handler's ID card, as `role`, read with `fields` (confirmed values).
fn card(role: Role, fields: &[(&str, &str)]) -> Setup {
    let mut reading = Reading::new(DocKind::IdCard, Origin::Ocr);
    for (key, value) in fields {
        reading = reading.with(key, Field::confirmed(*value));
    }
    let materials = if role == Role::HandlerIdFront { Vec::new() } else { vec![(role, "card.png", Picture::Colour)] };
    Setup { edit: nothing, materials, readings: vec![(role, reading)] }
}

/// The fixture's handler, 李娜, as her card's photo side prints her (the number is GB 11643-valid
/// and odd at digit 17: a man's, so her card here says 男).
const HANDLER_FRONT: &[(&str, &str)] = &[
    ("document", "居民身份证"),
    ("name", "李娜"),
    ("sex", "男"),
    ("birth", "1990-01-01"),
    ("id_number", "110105199001011232"),
];

/// `HANDLER_FRONT` with `key` read as `value`.
fn handler_front_with(key: &'static str, value: &'static str) -> Vec<(&'static str, &'static str)> {
    HANDLER_FRONT.iter().map(|&(k, v)| if k == key { (k, value) } else { (k, v) }).collect()
}

fn id_card_rows() -> Vec<(&'static str, Vendor, Setup, Setup)> {
    use Vendor::*;
    let back = [("document", "居民身份证"), ("authority", "北京市公安局朝阳分局"), ("valid_from", "2016-01-01")];
    let unsure_number = || {
        let mut setup = card(Role::HandlerIdFront, &handler_front_with("id_number", "110105199001011233"));
        if let Some(f) = setup.readings[0].1.fields.get_mut("id_number") {
            f.uncertain = vec![17];
        }
        setup
    };
    vec![
        (
            "id_card.other_document",
            Aliyun,
            card(Role::HandlerIdFront, &[("document", "港澳居民来往内地通行证")]),
            card(Role::HandlerIdFront, HANDLER_FRONT),
        ),
        ("id_card.wrong_side", Huawei, card(Role::HandlerIdFront, &back), card(Role::HandlerIdFront, HANDLER_FRONT)),
        ("id_card.wrong_side", Aliyun, card(Role::HandlerIdBack, HANDLER_FRONT), card(Role::HandlerIdBack, &back)),
        (
            "id_card.side_missing",
            Volcengine,
            Setup {
                edit: nothing,
                materials: vec![(Role::ResponsibleIdBack, "back.png", Picture::Colour)],
                readings: Vec::new(),
            },
            Setup {
                edit: nothing,
                materials: vec![
                    (Role::ResponsibleIdBack, "back.png", Picture::Colour),
                    (Role::ResponsibleIdFront, "front.png", Picture::Grey),
                ],
                readings: Vec::new(),
            },
        ),
        (
            "id_card.number_invalid",
            Aliyun,
            card(Role::HandlerIdFront, &handler_front_with("id_number", "110105199001011233")),
            card(Role::HandlerIdFront, HANDLER_FRONT),
        ),
        ("id_card.number_unsure", Aliyun, unsure_number(), card(Role::HandlerIdFront, HANDLER_FRONT)),
        (
            "id_card.number_disagrees",
            Huawei,
            card(Role::HandlerIdFront, &handler_front_with("birth", "1990-01-02")),
            card(Role::HandlerIdFront, HANDLER_FRONT),
        ),
        (
            "id_card.number_disagrees",
            Tencent,
            card(Role::HandlerIdFront, &handler_front_with("sex", "女")),
            card(Role::HandlerIdFront, HANDLER_FRONT),
        ),
        ("id_card.expired", Aliyun, dated(Role::HandlerIdBack, DocKind::IdCard, -3, None), {
            // A card that never expires.
            card(Role::HandlerIdBack, &[("authority", "北京市公安局朝阳分局"), ("valid_to", "长期")])
        }),
        (
            "id_card.expiring",
            Huawei,
            dated(Role::HandlerIdBack, DocKind::IdCard, 20, Some(-3650)),
            dated(Role::HandlerIdBack, DocKind::IdCard, 400, Some(-3650)),
        ),
    ]
}

fn case_table() -> Vec<(&'static str, Vendor, Setup, Setup)> {
    use Vendor::*;
    let icp = |name: &'static str| {
        let reading = Reading::new(DocKind::IcpRecord, Origin::Ocr)
            .with("name", Field::confirmed(name))
            .with("icp_number", Field::confirmed("闽ICP备12345678号"))
            .with("domain", Field::confirmed("yunfan.example.cn"));
        Setup {
            edit: nothing,
            materials: vec![(Role::IcpRecord, "icp.png", Picture::Grey)],
            readings: vec![(Role::IcpRecord, reading)],
        }
    };
    let unsure = {
        let mut field = Field::confirmed("厦门市海沧区云航网络科技有限公司");
        field.confidence = 0.6;
        field.uncertain = vec![7];
        field.bbox = Some([120, 80, 600, 40]);
        Setup {
            edit: nothing,
            materials: Vec::new(),
            readings: vec![(
                Role::BusinessLicense,
                Reading::new(DocKind::BusinessLicense, Origin::Ocr).with("name", field),
            )],
        }
    };
    vec![
        (
            "match.mismatch",
            Aliyun,
            Setup {
                edit: nothing,
                materials: Vec::new(),
                readings: vec![licence(&[("name", "厦门市海沧区云帆网络科技有限责任公司")])],
            },
            Setup {
                edit: nothing,
                materials: Vec::new(),
                readings: vec![licence(&[("name", COMPANY), ("uscc", "91350205MA2Y0LQ12U")])],
            },
        ),
        ("match.mismatch", Tencent, icp("厦门市海沧区云帆网络科技(有限)公司"), icp(COMPANY)),
        (
            "match.unsure",
            Aliyun,
            unsure,
            Setup { edit: nothing, materials: Vec::new(), readings: vec![licence(&[("name", COMPANY)])] },
        ),
        (
            "binding.subject",
            Aliyun,
            plain(|d| d.landing.as_mut().unwrap().operator = Some("厦门云帆科技有限公司".into())),
            plain(|d| d.landing.as_mut().unwrap().operator = Some(COMPANY.into())),
        ),
        (
            "redline.industry",
            Aliyun,
            Setup {
                edit: nothing,
                materials: Vec::new(),
                readings: vec![licence(&[("scope", "网络技术服务；区块链技术相关软件和服务")])],
            },
            Setup {
                edit: nothing,
                materials: Vec::new(),
                readings: vec![licence(&[("scope", "软件开发；信息技术咨询服务")])],
            },
        ),
        (
            "redline.industry",
            Huawei,
            plain(|d| d.landing.as_mut().unwrap().scenario = Some("同城交友 App 的注册验证码".into())),
            plain(nothing),
        ),
        (
            "risk.revoked",
            Aliyun,
            plain(|d| d.applicant.status = Some(CompanyStatus::Revoked)),
            plain(|d| d.applicant.status = Some(CompanyStatus::Normal)),
        ),
        (
            "risk.abnormal_list",
            Tencent,
            plain(|d| d.applicant.status = Some(CompanyStatus::AbnormalList)),
            plain(nothing),
        ),
        (
            "risk.new_company",
            Aliyun,
            plain(|d| d.applicant.established = Some(chrono::Local::now().date_naive() - chrono::Days::new(10))),
            plain(|d| d.applicant.established = Some(chrono::Local::now().date_naive() - chrono::Days::new(40))),
        ),
        // Dates that end, as read: the licence's term, a trademark, a letter.
        ("expiry.ended", Aliyun, licence_term(-1), licence_term(400)),
        ("expiry.ending", Tencent, licence_term(30), licence_term(90)),
        ("expiry.ending", Tencent, licence_term(30), {
            let mut long = licence_term(30);
            long.readings = vec![licence(&[("term", "2019年03月12日至长期")])];
            long
        }),
        (
            "expiry.ended",
            Huawei,
            dated(Role::TrademarkCertificate, DocKind::TrademarkCertificate, -3, None),
            dated(Role::TrademarkCertificate, DocKind::TrademarkCertificate, 3000, None),
        ),
        (
            "expiry.letter_too_short",
            Huawei,
            dated(Role::AuthorizationLetter, DocKind::AuthorizationLetter, 100, Some(-20)),
            dated(Role::AuthorizationLetter, DocKind::AuthorizationLetter, 200, Some(-20)),
        ),
        (
            "expiry.old_licence",
            Aliyun,
            Setup { edit: nothing, materials: Vec::new(), readings: vec![licence(&[("reg_no", "350205200012345")])] },
            Setup { edit: nothing, materials: Vec::new(), readings: vec![licence(&[("uscc", "91350205MA2Y0LQ12U")])] },
        ),
        (
            "material.monochrome_licence",
            Aliyun,
            Setup {
                edit: nothing,
                materials: vec![(Role::OwnerBusinessLicense, "owner.png", Picture::Grey)],
                readings: Vec::new(),
            },
            Setup {
                edit: nothing,
                materials: vec![(Role::OwnerBusinessLicense, "owner.png", Picture::Colour)],
                readings: Vec::new(),
            },
        ),
        (
            "material.format",
            Huawei,
            Setup { edit: nothing, materials: vec![(Role::IcpRecord, "icp.bmp", Picture::Bmp)], readings: Vec::new() },
            Setup { edit: nothing, materials: vec![(Role::IcpRecord, "icp.png", Picture::Grey)], readings: Vec::new() },
        ),
        (
            "material.size",
            Aliyun,
            Setup {
                edit: nothing,
                materials: vec![(Role::IcpRecord, "icp.png", Picture::Large)],
                readings: Vec::new(),
            },
            Setup { edit: nothing, materials: vec![(Role::IcpRecord, "icp.png", Picture::Grey)], readings: Vec::new() },
        ),
        (
            "material.file_name",
            Aliyun,
            Setup {
                edit: nothing,
                materials: vec![(Role::IcpRecord, "备案截图.png", Picture::Grey)],
                readings: Vec::new(),
            },
            Setup { edit: nothing, materials: vec![(Role::IcpRecord, "icp.png", Picture::Grey)], readings: Vec::new() },
        ),
        (
            "landing.scenario_vague",
            Aliyun,
            plain(|d| d.landing.as_mut().unwrap().scenario = Some("验证码".into())),
            plain(nothing),
        ),
        (
            "landing.anti_abuse",
            Aliyun,
            plain(nothing),
            plain(|d| {
                d.templates.iter_mut().for_each(|t| {
                    t.kind = TemplateType::Notification;
                    t.text = "您的订单已发货，请注意查收。".into();
                })
            }),
        ),
        (
            "applicant.business_form",
            Huawei,
            plain(|d| d.applicant.name = "厦门市海沧区云帆网络科技合伙企业（有限合伙）".into()),
            plain(nothing),
        ),
        (
            "applicant.business_form",
            Huawei,
            Setup { edit: nothing, materials: Vec::new(), readings: vec![licence(&[("type", "个人独资企业")])] },
            Setup {
                edit: nothing,
                materials: Vec::new(),
                readings: vec![licence(&[("type", "有限责任公司(自然人投资或控股)")])],
            },
        ),
        (
            "applicant.public_body",
            Aliyun,
            plain(|d| d.applicant.uscc = Some("12350200MB01234567".into())),
            plain(nothing),
        ),
        (
            "applicant.name_symbols",
            Aliyun,
            plain(|d| d.applicant.name = "厦门市海沧区云帆网络科技有限公司/海沧".into()),
            plain(|d| d.applicant.name = "厦门市海沧区云帆网络科技有限公司（海沧）".into()),
        ),
        (
            "material.licence_fields",
            Aliyun,
            Setup {
                edit: nothing,
                materials: Vec::new(),
                readings: vec![licence(&[("name", COMPANY), ("uscc", "91350205MA2Y0LQ12U")])],
            },
            Setup {
                edit: nothing,
                materials: Vec::new(),
                readings: vec![licence(&[
                    ("name", COMPANY),
                    ("uscc", "91350205MA2Y0LQ12U"),
                    ("term", "2019年03月12日至长期"),
                ])],
            },
        ),
        (
            "material.letter_seal",
            Aliyun,
            Setup {
                edit: nothing,
                materials: vec![(Role::AuthorizationLetter, "letter.png", Picture::Grey)],
                readings: Vec::new(),
            },
            Setup {
                edit: nothing,
                materials: vec![(Role::AuthorizationLetter, "letter.png", Picture::Colour)],
                readings: Vec::new(),
            },
        ),
        (
            "signature.personal_name",
            Aliyun,
            plain(|d| d.signature.as_mut().unwrap().name = "王伟".into()),
            plain(nothing),
        ),
        (
            "signature.personal_name",
            Tencent,
            plain(|d| d.signature.as_mut().unwrap().name = "李娜".into()),
            plain(nothing),
        ),
        (
            "signature.mixed_types",
            Huawei,
            plain(|d| {
                let mut notice = d.templates[0].clone();
                notice.kind = TemplateType::Notification;
                notice.text = "您的订单已发货，请注意查收。".into();
                d.templates.push(notice);
            }),
            plain(nothing),
        ),
        (
            "landing.app_download_link",
            Aliyun,
            plain(|d| {
                d.signature.as_mut().unwrap().source = SignatureSource::App;
                d.landing.as_mut().unwrap().kind = LandingKind::App;
            }),
            plain(|d| {
                d.signature.as_mut().unwrap().source = SignatureSource::App;
                let landing = d.landing.as_mut().unwrap();
                landing.kind = LandingKind::App;
                landing.store_url = Some("https://appgallery.huawei.com/app/C100000001".into());
            }),
        ),
        ("trademark.acceptance_notice", Tencent, trademark_document("受理通知书"), trademark_document("商标注册证")),
        (
            "template.other_company",
            Huawei,
            plain(|d| {
                d.templates[0].text = "您的验证码为${code}，用于登录星河网络科技有限公司平台，5分钟内有效。".into()
            }),
            plain(|d| {
                d.templates[0].text = "您的验证码为${code}，用于登录云帆网络科技有限公司平台，5分钟内有效。".into()
            }),
        ),
        (
            "template.third_party_finance",
            Aliyun,
            plain(|d| {
                third_party(d);
                d.templates[0].text = "您的验证码为${code}，用于信用卡还款确认，5分钟内有效。".into();
            }),
            plain(|d| d.templates[0].text = "您的验证码为${code}，用于信用卡还款确认，5分钟内有效。".into()),
        ),
        (
            "template.link_domain",
            Tencent,
            plain(|d| d.templates[0] = notification_with("您的订单已发货，物流详见 https://shop.other.example.com/t")),
            plain(|d| d.templates[0] = notification_with("您的订单已发货，物流详见 https://m.yunfan.example.cn/t")),
        ),
        (
            "industry.template_type",
            Tencent,
            plain(|d| {
                d.applicant.industry = Some(Industry::Games);
                d.templates[0] = notification_with("您的账号已完成实名认证，请注意查收。");
            }),
            plain(|d| d.applicant.industry = Some(Industry::Games)),
        ),
        (
            "industry.template_type",
            Tencent,
            plain(|d| d.applicant.industry = Some(Industry::Finance)),
            plain(|d| d.applicant.industry = Some(Industry::Education)),
        ),
        (
            "industry.template_type",
            Volcengine,
            plain(|d| {
                d.applicant.industry = Some(Industry::RealEstate);
                d.templates[0] = notification_with("您预约的看房时间为明天上午十点，请准时到场。");
            }),
            plain(|d| d.applicant.industry = Some(Industry::RealEstate)),
        ),
        (
            "industry.suggested",
            Huawei,
            scope("房地产经纪；房地产咨询；物业管理。", |d| {
                d.templates[0] = notification_with("您预约的看房时间为明天上午十点。")
            }),
            scope("软件开发；教育咨询服务（不含涉许可审批的教育培训活动）。", |d| {
                d.templates[0] = notification_with("您预约的看房时间为明天上午十点。")
            }),
        ),
        (
            "industry.suggested",
            Baidu,
            scope("教育咨询；文化艺术培训。", |d| {
                d.templates[0] = notification_with("您报名的课程明天开课，请准时参加。")
            }),
            scope("教育咨询；文化艺术培训。", |d| {
                d.applicant.industry = Some(Industry::Other);
                d.templates[0] = notification_with("您报名的课程明天开课，请准时参加。");
            }),
        ),
    ]
}

#[test]
fn case_rules_both_ways() {
    for (rule, vendor, failing, passing) in case_table().into_iter().chain(id_card_rows()) {
        let failed = case_rules(vendor, failing);
        assert!(failed.iter().any(|f| f.rule == rule), "{rule} should fire for {vendor}: got {:?}", ids(&failed));
        let passed = case_rules(vendor, passing);
        assert!(!passed.iter().any(|f| f.rule == rule), "{rule} should not fire for {vendor}: got {:?}", ids(&passed));
    }
}

#[test]
fn a_mismatch_names_its_kind_and_diff() {
    let setup = Setup {
        edit: nothing,
        materials: Vec::new(),
        readings: vec![licence(&[("name", "厦门市海沧区云帆网络科技有限责任公司"), ("uscc", "91350205MA2Y0LQ12U")])],
    };
    let findings = case_rules(Vendor::Aliyun, setup);
    let f = findings.iter().find(|f| f.rule == "match.mismatch").expect("a mismatch");
    assert_eq!(f.material, Some(Role::BusinessLicense));
    assert_eq!(f.field.as_deref(), Some("name"));
    assert_eq!(f.expected.as_deref(), Some(COMPANY));
    assert_eq!(f.found.as_deref(), Some("厦门市海沧区云帆网络科技有限责任公司"));
    let json = serde_json::to_value(f).unwrap();
    assert_eq!(json["difference"], serde_json::json!(["company_form"]));
    assert_eq!(json["diff"][1], serde_json::json!({"op": "insert", "text": "责任"}));
    assert!(f.message.zh.contains("有限责任公司"), "{}", f.message.zh);
    // The credit code agrees, so it is not reported.
    assert_eq!(findings.iter().filter(|f| f.rule.starts_with("match.")).count(), 1);
}

#[test]
fn an_uncertain_character_asks_instead_of_blocking() {
    let mut field = Field::confirmed("厦门市海沧区云航网络科技有限公司");
    field.uncertain = vec![7];
    field.bbox = Some([120, 80, 600, 40]);
    let reading = Reading::new(DocKind::BusinessLicense, Origin::Ocr).with("name", field);
    let setup = Setup { edit: nothing, materials: Vec::new(), readings: vec![(Role::BusinessLicense, reading)] };
    let findings = case_rules(Vendor::Aliyun, setup);
    let f = findings.iter().find(|f| f.rule.starts_with("match.")).unwrap();
    assert_eq!(f.rule, "match.unsure");
    assert_eq!(f.severity, qualkit::requirements::Severity::Warn);
    assert_eq!(f.bbox, Some([120, 80, 600, 40]));

    // Codes too: a credit code whose check character OCR could not settle asks; one read
    // without doubt that differs blocks. The case declares 91350205MA2Y0LQ12U.
    let code_rule = |uncertain: Vec<usize>| {
        let mut field = Field::confirmed("91350205MA2Y0LQ72U");
        field.uncertain = uncertain;
        let reading = Reading::new(DocKind::BusinessLicense, Origin::Ocr)
            .with("name", Field::confirmed(COMPANY))
            .with("uscc", field);
        let setup = Setup { edit: nothing, materials: Vec::new(), readings: vec![(Role::BusinessLicense, reading)] };
        let findings = case_rules(Vendor::Aliyun, setup);
        findings.iter().find(|f| f.rule.starts_with("match.")).map(|f| (f.rule.clone(), f.field.clone()))
    };
    assert_eq!(code_rule(vec![15]), Some(("match.unsure".to_string(), Some("uscc".to_string()))));
    assert_eq!(code_rule(vec![]), Some(("match.mismatch".to_string(), Some("uscc".to_string()))));
}

/// The person on the handler's ID card is the case's handler: a name one character off is a
/// mismatch with its diff, a number one digit off one too (named masked), and the clean card
/// raises neither.
#[test]
fn the_handlers_id_card_is_compared_with_the_handler() {
    let mismatches = |fields: &[(&str, &str)]| {
        let findings = case_rules(Vendor::Aliyun, card(Role::HandlerIdFront, fields));
        findings
            .into_iter()
            .filter(|f| f.rule == "match.mismatch" && f.material == Some(Role::HandlerIdFront))
            .collect::<Vec<_>>()
    };
    let name = mismatches(&handler_front_with("name", "李那"));
    assert_eq!(name.len(), 1, "{name:?}");
    assert_eq!((name[0].expected.as_deref(), name[0].found.as_deref()), (Some("李娜"), Some("李那")));
    assert!(name[0].diff.is_some());
    let number = mismatches(&handler_front_with("id_number", "110105199001021238"));
    assert_eq!(number.len(), 1, "{number:?}");
    assert_eq!(number[0].field.as_deref(), Some("id_number"));
    // The message names the numbers masked, never whole.
    assert!(number[0].message.zh.contains("110***********1232"), "{}", number[0].message.zh);
    assert!(!number[0].message.zh.contains("110105199001011232"), "{}", number[0].message.zh);
    assert!(mismatches(HANDLER_FRONT).is_empty());
}

#[test]
fn third_party_compares_the_owner_and_the_letter() {
    let setup = Setup {
        edit: |d| {
            let s = d.signature.as_mut().unwrap();
            s.usage = SignatureUse::ThirdParty;
            s.owner = Some("厦门帆船文化传媒有限公司".into());
            s.owner_uscc = Some("91350200MA2XYZ1234".into());
            s.name = "帆船文化".into();
        },
        materials: vec![
            (Role::OwnerBusinessLicense, "owner.png", Picture::Colour),
            (Role::AuthorizationLetter, "letter.png", Picture::Grey),
        ],
        readings: vec![
            (
                Role::OwnerBusinessLicense,
                Reading::new(DocKind::BusinessLicense, Origin::Ocr)
                    .with("name", Field::confirmed("厦门帆船文化传媒有限公司")),
            ),
            (
                Role::AuthorizationLetter,
                Reading::new(DocKind::AuthorizationLetter, Origin::Ocr)
                    .with("authorizer", Field::confirmed("厦门帆船文化传媒有限公司"))
                    .with("authorized", Field::confirmed("厦门市海沧区云帆网络有限公司")),
            ),
        ],
    };
    let findings = case_rules(Vendor::Aliyun, setup);
    let matches: Vec<_> = findings.iter().filter(|f| f.rule == "match.mismatch").collect();
    assert_eq!(matches.len(), 1, "{:?}", ids(&findings));
    assert_eq!(matches[0].material, Some(Role::AuthorizationLetter));
    assert_eq!(matches[0].field.as_deref(), Some("authorized"));
    // The signature is checked against the owner's name, not the applicant's.
    assert!(!findings.iter().any(|f| f.rule == "signature.company_part"), "{:?}", ids(&findings));
}

#[test]
fn the_fixture_case_has_no_blocking_finding() {
    for vendor in Vendor::ALL {
        let findings = case_rules(*vendor, plain(nothing));
        let blocking: Vec<_> =
            findings.iter().filter(|f| f.severity == qualkit::requirements::Severity::Block).collect();
        assert!(blocking.is_empty(), "{vendor}: {:?}", ids(&findings));
    }
}

// ── The catalog ────────────────────────────────────────────────────────────────────────────

#[test]
fn every_rule_is_tested_both_ways_and_every_used_id_exists() {
    let catalog = Catalog::get().unwrap();
    let mut tested: BTreeSet<&str> = BTreeSet::new();
    tested.extend(signature_table().iter().map(|r| r.0));
    tested.extend(template_table().iter().map(|r| r.0));
    tested.extend(case_table().iter().map(|r| r.0));
    tested.extend(id_card_rows().iter().map(|r| r.0));
    tested.extend(cross_case_table().iter().map(|r| r.0));
    let defined: BTreeSet<&str> = catalog.rules().map(|r| r.id.as_str()).collect();
    let untested: Vec<_> = defined.difference(&tested).collect();
    assert!(untested.is_empty(), "rules without a both-ways example: {untested:?}");

    // Every id the code names is in the catalog: the first argument of `add(`, and the rule
    // ids chosen in `if` branches, which stand alone on their line.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for file in ["lint.rs", "checks.rs"] {
        let code = std::fs::read_to_string(src.join(file)).unwrap();
        let mut named: Vec<&str> = code.split("add(\"").skip(1).filter_map(|rest| rest.split('"').next()).collect();
        let is_id = |s: &&str| s.contains('.') && s.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '_');
        let alone = code.lines().map(|l| l.trim().trim_end_matches(','));
        named.extend(alone.filter_map(|l| l.strip_prefix('"')?.strip_suffix('"')).filter(is_id));
        assert!(named.len() > 10, "{file}: found only {named:?}");
        for id in named {
            assert!(defined.contains(id), "{file} names {id}, which assets/rules.toml does not define");
        }
    }
    // Every rule has both languages and a source.
    for rule in catalog.rules() {
        assert!(!rule.message.zh.is_empty() && !rule.message.en.is_empty() && !rule.fix.en.is_empty(), "{}", rule.id);
        assert!(!rule.source.is_empty(), "{}", rule.id);
    }
}

/// `(rule, vendor, other failing, other passing)`: rules over a firm's cases, checked on the
/// fixture case with a second case, edited so, in the same store.
type CrossCaseRow = (&'static str, Vendor, fn(&mut CaseData), fn(&mut CaseData));

fn cross_case_table() -> Vec<CrossCaseRow> {
    vec![(
        "handler.other_company",
        Vendor::Aliyun,
        |d| {
            d.applicant.name = "厦门市思明区海鸥贸易有限公司".into();
            d.applicant.uscc = None;
        },
        // Another case of the same company may share its handler.
        |_| {},
    )]
}

#[test]
fn cross_case_rules_both_ways() {
    for (rule, vendor, failing, passing) in cross_case_table() {
        for (edit, fires) in [(failing, true), (passing, false)] {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open(&dir.path().join("data")).unwrap();
            let id = store.import_folder(&fixture()).unwrap();
            let other = store.import_folder(&fixture()).unwrap();
            let mut data = store.case(&other).unwrap().data;
            edit(&mut data);
            store.update_case(&other, &data).unwrap();
            let report = check_case(&store, &id, Some(vendor)).unwrap();
            let found: Vec<&Finding> = report.vendors[&vendor].findings.iter().filter(|f| f.rule == rule).collect();
            assert_eq!(!found.is_empty(), fires, "{rule} for {vendor} ({fires}): {found:?}");
            if let Some(f) = found.first() {
                assert!(f.message.zh.contains(&other) && f.message.zh.contains("海鸥贸易"), "{}", f.message.zh);
                assert!(!f.message.zh.contains("110105199001011232"), "the ID is masked: {}", f.message.zh);
            }
        }
    }
}

/// A mismatch names the case field and the material it came from, and either fix clears it:
/// take the document's value into the case, or confirm that OCR misread the document.
#[test]
fn a_mismatch_is_fixed_either_way() {
    let mismatches = |store: &Store, id: &str| -> Vec<Finding> {
        let report = check_case(store, id, Some(Vendor::Aliyun)).unwrap();
        report.vendors[&Vendor::Aliyun].findings.iter().filter(|f| f.rule == "match.mismatch").cloned().collect()
    };
    let long_form = "厦门市海沧区云帆网络科技有限责任公司";
    for document_is_right in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("data")).unwrap();
        let id = store.import_folder(&fixture()).unwrap();
        let case = store.case(&id).unwrap();
        let licence_material = case.materials.iter().find(|m| m.role == Role::BusinessLicense).unwrap().clone();
        let (_, reading) = licence(&[("name", long_form)]);
        store.save_reading(&licence_material.sha256, &reading).unwrap();

        let found = mismatches(&store, &id);
        let [finding] = found.as_slice() else { panic!("one mismatch: {found:#?}") };
        assert_eq!(finding.declared.as_deref(), Some("applicant.name"));
        assert_eq!(finding.material_id, Some(licence_material.id));
        assert_eq!(finding.found.as_deref(), Some(long_form));

        if document_is_right {
            qualkit::accept_document_value(&mut store, &id, "applicant.name", long_form).unwrap();
            assert_eq!(store.case(&id).unwrap().data.applicant.name, long_form);
        } else {
            let expected = finding.expected.clone().unwrap();
            store.confirm_fields(&id, licence_material.id, &[("name".to_string(), expected)]).unwrap();
        }
        assert!(mismatches(&store, &id).is_empty(), "fixed ({document_is_right})");
    }
    // A field the catalog does not declare is refused with a message, not silently ignored.
    let mut case = qualkit::case::read_case_folder(&fixture()).unwrap().data;
    assert!(qualkit::checks::set_declared(&mut case, "handler.phone", "1").is_err());
    qualkit::checks::set_declared(&mut case, "applicant.established", "2019-03-13").unwrap();
    assert!(qualkit::checks::set_declared(&mut case, "applicant.established", "13/03/2019").is_err());
}

// ── Sources ────────────────────────────────────────────────────────────────────────────────

/// What a user reads as a source is public: a vendor's page, a standard, a regulation, a named
/// article, or our own stated method. Never a path of this repository or of our notes.
#[test]
fn every_source_an_asset_cites_is_public_and_dated() {
    let sources = qualkit::sources::all().unwrap();
    let today = chrono::Local::now().date_naive();
    for (id, source) in sources {
        let public = ["http://", "https://", "GB ", "GS ", "《", "“", "安全圈", "工信部", "ICP ", "qualkit: "];
        assert!(public.iter().any(|p| source.cite.contains(p)), "{id}: {} is no public source", source.cite);
        assert!(source.checked <= today, "{id} checked in the future");
    }
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let mut files = vec![];
    let mut folders = vec![assets];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { folders.push(path) } else { files.push(path) }
        }
    }
    assert!(files.len() > 10, "{files:?}");
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else { continue };
        for path in ["shared/", "seeds/", "vendors.md", "identifiers-and-text", "coverage-2026", "seed 00"] {
            assert!(!text.contains(path), "{} cites `{path}`, a path of our notes", file.display());
        }
    }
    // Every id resolves: rules (checked as the catalog loads), profiles, word lists.
    let catalog = Catalog::get().unwrap();
    for profile in VendorProfile::load_all().unwrap() {
        profile.check_sources().unwrap();
    }
    let words = &catalog.words;
    let lists = [
        &words.neutral_signatures,
        &words.test_words,
        &words.generic_name_parts,
        &words.member_words,
        &words.opt_out,
        &words.short_link_hosts,
        &words.link_tlds,
    ];
    for source in lists.iter().map(|l| &l.source).chain(words.marketing.iter().chain(&words.redline).map(|c| &c.source))
    {
        assert_eq!(qualkit::sources::undefined(source), None, "{source}");
    }
}

#[test]
fn the_rules_listing_cites_and_dates_every_entry_and_finds_the_stale_ones() {
    let all = qualkit::rules::listing(None).unwrap();
    let catalog = Catalog::get().unwrap();
    for rule in catalog.rules() {
        assert!(all.iter().any(|e| e.rule == rule.id), "{} is not listed", rule.id);
    }
    for entry in &all {
        assert!(entry.checked.is_some(), "{entry:?}");
        assert!(!entry.source.is_empty() && !entry.source.contains("profile:"), "{entry:?}");
    }
    // A vendor's own value is listed with its source: Tencent's App signatures since 2026-04-21.
    let app = all.iter().find(|e| e.rule == "signature.sources.app" && e.vendor == Some(Vendor::Tencent)).unwrap();
    assert_eq!(app.value.as_deref(), Some("false"));
    assert!(app.source.contains("tencentcloud-sdk-python"), "{}", app.source);
    let length = all.iter().find(|e| e.rule == "signature.length" && e.vendor == Some(Vendor::Huawei)).unwrap();
    assert_eq!(length.value.as_deref(), Some("2–16"));
    // Stale: nothing was checked a year before it; everything is older than tomorrow.
    let checked = all.iter().filter_map(|e| e.checked).min().unwrap();
    let year_later = checked.checked_add_months(chrono::Months::new(12)).unwrap();
    assert!(!all.iter().any(|e| qualkit::rules::stale(e, 12, checked)));
    assert!(all.iter().all(|e| qualkit::rules::stale(e, 11, year_later)));
}
