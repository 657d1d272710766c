//! Identifier checks: unified social credit code, resident ID number, ICP numbers, trademark
//! registration numbers. Algorithms, tables and pitfalls: shared/domain/identifiers-and-text.md
//! (cited below as "ids §N").

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;

use crate::i18n::Text;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IdKind {
    Uscc,
    Ric,
    Icp,
    Trademark,
}

impl IdKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "uscc" => Some(IdKind::Uscc),
            "ric" => Some(IdKind::Ric),
            "icp" => Some(IdKind::Icp),
            "trademark" => Some(IdKind::Trademark),
            _ => None,
        }
    }
}

/// The outcome of checking one value; the JSON shape is fixed by shared/spec/cli.md.
#[derive(Clone, Debug, Serialize)]
pub struct Validation {
    pub kind: IdKind,
    pub input: String,
    pub normalized: String,
    pub valid: bool,
    pub warnings: Vec<Text>,
    pub error: Option<Text>,
    pub details: BTreeMap<String, Value>,
}

impl Validation {
    fn new(kind: IdKind, input: &str, normalized: String) -> Self {
        Validation {
            kind,
            input: input.to_string(),
            normalized,
            valid: true,
            warnings: Vec::new(),
            error: None,
            details: BTreeMap::new(),
        }
    }

    fn fail(mut self, error: Text) -> Self {
        self.valid = false;
        self.error = Some(error);
        self
    }

    fn detail(&mut self, key: &str, value: impl Into<Value>) {
        self.details.insert(key.to_string(), value.into());
    }
}

pub fn validate(kind: IdKind, input: &str) -> Validation {
    match kind {
        IdKind::Uscc => uscc(input),
        IdKind::Ric => ric(input),
        IdKind::Icp => icp(input),
        IdKind::Trademark => trademark(input),
    }
}

/// NFKC (full-width digits, letters and `－` become ASCII), no white space, upper case: how
/// identifiers are compared. Repeated until nothing changes, so folding a folded code changes
/// nothing: NFKC can yield a space (U+FE72 becomes a space and a combining mark), and once the
/// space is gone the mark composes with the character before it (found by the `identifier` fuzz
/// target).
pub fn fold_code(input: &str) -> String {
    let fold_once =
        |s: &str| -> String { s.nfkc().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect() };
    let mut folded = fold_once(input);
    // Each round only removes characters or recomposes them; a few rounds settle any input.
    for _ in 0..8 {
        let again = fold_once(&folded);
        if again == folded {
            break;
        }
        folded = again;
    }
    folded
}

// ---------------------------------------------------------------------------------------------
// Unified social credit code, GB 32100-2015 (ids §1)

// The credit code's charset and check character live with the reader, which finds codes on a
// page by them (qualkit-ocr's `codes`).
pub use qualkit_ocr::codes::{USCC_CHARSET, uscc_check_char};

/// GB 11714-1997 organization-code weights over positions 9–16.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// GB 11714 check digit over the 8-character organization-code body (letters A=10 … Z=35).
fn org_code_check_char(body: &[char]) -> Option<char> {
    let mut sum = 0u32;
    for (c, w) in body.iter().zip(ORG_WEIGHTS) {
        sum += c.to_digit(36)? * w;
    }
    match 11 - sum % 11 {
        10 => Some('X'),
        11 => Some('0'),
        d => char::from_digit(d, 10),
    }
}

/// Registration authority (position 1) and the categories it issues (position 2), ids §1 table.
/// A category code with its Chinese and English names.
type Category = (char, &'static str, &'static str);

fn uscc_authority(c: char) -> Option<(Text, &'static [Category])> {
    let (zh, en, cats): (&str, &str, &'static [Category]) = match c {
        '1' => (
            "机构编制",
            "institutional establishment",
            &[
                ('1', "机关", "government organ"),
                ('2', "事业单位", "public institution"),
                ('3', "中央编办直接管理机构编制的群众团体", "mass organisation under the central establishment office"),
                ('9', "其他", "other"),
            ],
        ),
        '2' => (
            "外交",
            "foreign affairs",
            &[('1', "外国常驻新闻机构", "resident foreign news agency"), ('9', "其他", "other")],
        ),
        '3' => (
            "司法行政",
            "judicial administration",
            &[
                ('1', "律师执业机构", "law firm"),
                ('2', "公证处", "notary office"),
                ('3', "基层法律服务所", "grassroots legal service office"),
                ('4', "司法鉴定机构", "judicial expertise institution"),
                ('5', "仲裁委员会", "arbitration commission"),
                ('9', "其他", "other"),
            ],
        ),
        '4' => (
            "文化",
            "culture",
            &[('1', "外国在华文化中心", "foreign cultural centre in China"), ('9', "其他", "other")],
        ),
        '5' => (
            "民政",
            "civil affairs",
            &[
                ('1', "社会团体", "social organisation"),
                ('2', "民办非企业单位", "private non-enterprise unit"),
                ('3', "基金会", "foundation"),
                ('9', "其他", "other"),
            ],
        ),
        '6' => (
            "旅游",
            "tourism",
            &[
                ('1', "外国旅游部门常驻代表机构", "resident office of a foreign tourism authority"),
                (
                    '2',
                    "港澳台地区旅游部门常驻内地（大陆）代表机构",
                    "resident mainland office of a HK/Macao/Taiwan tourism authority",
                ),
                ('9', "其他", "other"),
            ],
        ),
        '7' => (
            "宗教",
            "religion",
            &[
                ('1', "宗教活动场所", "place of religious activity"),
                ('2', "宗教院校", "religious school"),
                ('9', "其他", "other"),
            ],
        ),
        '8' => ("工会", "trade union", &[('1', "基层工会", "grassroots trade union"), ('9', "其他", "other")]),
        '9' => (
            "工商",
            "industry and commerce",
            &[
                ('1', "企业", "enterprise"),
                ('2', "个体工商户", "individual business"),
                ('3', "农民专业合作社", "farmers' cooperative"),
            ],
        ),
        'A' => (
            "中央军委改革和编制办公室",
            "CMC reform and establishment office",
            &[('1', "军队事业单位", "military public institution"), ('9', "其他", "other")],
        ),
        'N' => (
            "农业",
            "agriculture",
            &[
                ('1', "组级集体经济组织", "group-level collective economic organisation"),
                ('2', "村级集体经济组织", "village-level collective economic organisation"),
                ('3', "乡镇级集体经济组织", "township-level collective economic organisation"),
                ('9', "其他", "other"),
            ],
        ),
        'Y' => ("其他", "other", &[('1', "其他", "other")]),
        _ => return None,
    };
    Some((Text::new(zh, en), cats))
}

/// Provincial-level divisions by the first two digits of a GB/T 2260 code.
fn province(code: &str) -> Option<Text> {
    let (zh, en) = match code {
        "11" => ("北京市", "Beijing"),
        "12" => ("天津市", "Tianjin"),
        "13" => ("河北省", "Hebei"),
        "14" => ("山西省", "Shanxi"),
        "15" => ("内蒙古自治区", "Inner Mongolia"),
        "21" => ("辽宁省", "Liaoning"),
        "22" => ("吉林省", "Jilin"),
        "23" => ("黑龙江省", "Heilongjiang"),
        "31" => ("上海市", "Shanghai"),
        "32" => ("江苏省", "Jiangsu"),
        "33" => ("浙江省", "Zhejiang"),
        "34" => ("安徽省", "Anhui"),
        "35" => ("福建省", "Fujian"),
        "36" => ("江西省", "Jiangxi"),
        "37" => ("山东省", "Shandong"),
        "41" => ("河南省", "Henan"),
        "42" => ("湖北省", "Hubei"),
        "43" => ("湖南省", "Hunan"),
        "44" => ("广东省", "Guangdong"),
        "45" => ("广西壮族自治区", "Guangxi"),
        "46" => ("海南省", "Hainan"),
        "50" => ("重庆市", "Chongqing"),
        "51" => ("四川省", "Sichuan"),
        "52" => ("贵州省", "Guizhou"),
        "53" => ("云南省", "Yunnan"),
        "54" => ("西藏自治区", "Tibet"),
        "61" => ("陕西省", "Shaanxi"),
        "62" => ("甘肃省", "Gansu"),
        "63" => ("青海省", "Qinghai"),
        "64" => ("宁夏回族自治区", "Ningxia"),
        "65" => ("新疆维吾尔自治区", "Xinjiang"),
        "71" => ("台湾省", "Taiwan"),
        "81" => ("香港特别行政区", "Hong Kong"),
        "82" => ("澳门特别行政区", "Macao"),
        "83" => ("台湾居民居住证", "Taiwan resident permit"),
        _ => return None,
    };
    Some(Text::new(zh, en))
}

pub fn uscc(input: &str) -> Validation {
    let code = fold_code(input);
    let mut v = Validation::new(IdKind::Uscc, input, code.clone());
    let chars: Vec<char> = code.chars().collect();

    if chars.len() == 15 && chars.iter().all(char::is_ascii_digit) {
        let check_ok = gs15_check_ok(&chars);
        v.detail("old_registration_number", true);
        v.detail("old_registration_check_ok", check_ok);
        return v.fail(Text::new(
            "这是 15 位旧工商注册号（GS 15-2006），不是统一社会信用代码；请填写营业执照上 18 位的统一社会信用代码",
            "this is an old 15-digit registration number (GS 15-2006), not a unified social credit code; use the 18-character code on the licence",
        ));
    }
    if chars.len() != 18 {
        return v.fail(Text::new(
            format!("统一社会信用代码应为 18 位，实为 {} 位", chars.len()),
            format!("a unified social credit code has 18 characters, this one has {}", chars.len()),
        ));
    }
    if let Some((pos, c)) = chars.iter().enumerate().find(|(_, c)| !USCC_CHARSET.contains(**c)) {
        let hint = match c {
            'O' => "（字母 O 不在字符集中，多半是数字 0）",
            'I' => "（字母 I 不在字符集中，多半是数字 1）",
            'Z' => "（字母 Z 不在字符集中，多半是数字 2）",
            'S' => "（字母 S 不在字符集中，多半是数字 5）",
            'V' => "（字母 V 不在字符集中）",
            _ => "",
        };
        return v.fail(Text::new(
            format!("第 {} 位的字符 `{c}` 不允许出现在统一社会信用代码中{hint}", pos + 1),
            format!("character `{c}` at position {} is not allowed (the code uses digits and capitals without I, O, Z, S, V)", pos + 1),
        ));
    }

    let (Some(&c1), Some(&c2), Some(division), Some(org), Some(&check)) =
        (chars.first(), chars.get(1), chars.get(2..8), chars.get(8..17), chars.get(17))
    else {
        return v.fail(Text::new("代码长度有误", "code has a wrong length"));
    };

    if !division.iter().all(char::is_ascii_digit) {
        return v.fail(Text::new(
            "第 3–8 位（登记管理机关行政区划码）必须全是数字",
            "positions 3–8 (administrative division of the registering authority) must be digits",
        ));
    }
    let division: String = division.iter().collect();

    let Some((authority, categories)) = uscc_authority(c1) else {
        return v.fail(Text::new(
            format!("第 1 位登记管理部门代码 `{c1}` 不存在"),
            format!("position 1: no registration authority has code `{c1}`"),
        ));
    };
    v.detail("registration_authority", json!({"code": c1.to_string(), "name": authority}));
    match categories.iter().find(|(code, _, _)| *code == c2) {
        Some((_, zh, en)) => v.detail("category", json!({"code": c2.to_string(), "name": Text::new(*zh, *en)})),
        None => {
            v.detail("category", json!({"code": c2.to_string(), "name": null}));
            v.warnings.push(Text::new(
                format!("第 2 位机构类别代码 `{c2}` 不在 {} 的类别表中", authority.zh),
                format!("position 2: category `{c2}` is not in the table of authority {}", authority.en),
            ));
        }
    }
    let province_name = division.get(..2).and_then(province);
    v.detail("division", json!({"code": division, "province": province_name}));
    if province_name.is_none() {
        v.warnings.push(Text::new(
            format!("行政区划码 {division} 的省级部分未知"),
            format!("the provincial part of division code {division} is unknown"),
        ));
    }

    let org_code: String = org.iter().collect();
    v.detail("organization_code", org_code.clone());
    let (Some(org_body), Some(&org_check)) = (org.get(..8), org.get(8)) else {
        return v.fail(Text::new("代码长度有误", "code has a wrong length"));
    };
    let expected_org = org_code_check_char(org_body);
    if expected_org != Some(org_check) {
        return v.fail(Text::new(
            format!(
                "第 9–17 位组织机构代码 {org_code} 的校验位（GB 11714）应为 {}",
                expected_org.map(String::from).unwrap_or_else(|| "?".into())
            ),
            format!(
                "the organization code {org_code} (positions 9–17) fails its GB 11714 check: expected {}",
                expected_org.map(String::from).unwrap_or_else(|| "?".into())
            ),
        ));
    }

    let body = chars.get(..17).unwrap_or_default();
    let expected = uscc_check_char(body);
    v.detail("check_character", check.to_string());
    if expected != Some(check) {
        let expected = expected.map(String::from).unwrap_or_else(|| "?".into());
        // Early Fujian/Xiamen pilot codes predate the standard's check character; they are
        // legal and must not be turned away (ids §1, "Non-conforming but real codes").
        let pilot = (division.starts_with("3501") || division.starts_with("3502")) && org_code.starts_with("M000");
        if pilot {
            v.detail("pilot_region_code", true);
            v.warnings.push(Text::new(
                format!("末位校验码按国标应为 {expected}；该代码属福建/厦门早期试点格式，试点代码的校验码早于国标，视为有效，请与营业执照原件核对"),
                format!("the check character should be {expected} by the standard; this is an early Fujian/Xiamen pilot code whose check character predates it, so it is accepted: compare it with the original licence"),
            ));
            return v;
        }
        return v.fail(Text::new(
            format!("末位校验码错误：应为 {expected}，实为 {check}（请核对每一位，常见混淆：0/D、1/7、2/Z、5/S、8/B）"),
            format!("wrong check character: expected {expected}, found {check} (check every character; common confusions 0/D, 1/7, 2/Z, 5/S, 8/B)"),
        ));
    }
    v
}

/// GS 15-2006 registration number: ISO 7064 MOD 11,10 (ids §1, "Old 15-digit registration number").
fn gs15_check_ok(digits: &[char]) -> bool {
    qualkit_ocr::codes::mod_11_10_ok(digits)
}

// ---------------------------------------------------------------------------------------------
// Resident identity card number, GB 11643-1999 (ids §2)

pub fn ric(input: &str) -> Validation {
    let code = fold_code(input);
    let mut v = Validation::new(IdKind::Ric, input, code.clone());
    let chars: Vec<char> = code.chars().collect();

    if chars.len() == 15 && chars.iter().all(char::is_ascii_digit) {
        return v.fail(Text::new(
            "这是 15 位第一代身份证号码，请使用 18 位号码",
            "this is a first-generation 15-digit ID number; use the 18-digit number",
        ));
    }
    if chars.len() != 18 {
        return v.fail(Text::new(
            format!("身份证号码应为 18 位，实为 {} 位", chars.len()),
            format!("an ID number has 18 characters, this one has {}", chars.len()),
        ));
    }
    let (body, check) = chars.split_at(17);
    if !body.iter().all(char::is_ascii_digit) || !check.iter().all(|c| c.is_ascii_digit() || *c == 'X') {
        return v.fail(Text::new(
            "身份证号码前 17 位必须是数字，末位是数字或 X",
            "the first 17 characters must be digits and the last a digit or X",
        ));
    }
    let digits: String = body.iter().collect();
    let Some(province_name) = digits.get(..2).and_then(province) else {
        return v.fail(Text::new(
            format!("前两位 {} 不是已知的省级行政区划代码", digits.get(..2).unwrap_or_default()),
            format!("the first two digits {} are not a known province code", digits.get(..2).unwrap_or_default()),
        ));
    };
    v.detail("province", json!({"code": digits.get(..2), "name": province_name}));
    v.detail("address_code", digits.get(..6));

    let birth = digits.get(6..14).and_then(|d| NaiveDate::parse_from_str(d, "%Y%m%d").ok());
    let today = chrono::Local::now().date_naive();
    match birth {
        Some(date) if date <= today && date.year() >= 1880 => v.detail("birth_date", date.to_string()),
        _ => {
            return v.fail(Text::new(
                format!("第 7–14 位出生日期 {} 不是真实的日期", digits.get(6..14).unwrap_or_default()),
                format!("positions 7–14, birth date {}, is not a real date", digits.get(6..14).unwrap_or_default()),
            ));
        }
    }
    let sequence_odd = digits.get(16..17).and_then(|d| d.parse::<u32>().ok()).is_some_and(|d| d % 2 == 1);
    v.detail("gender", json!(if sequence_odd { Text::new("男", "male") } else { Text::new("女", "female") }));

    // ISO 7064 MOD 11-2, as the OCR reader checks a number it reads.
    let expected = qualkit_ocr::codes::ric_check_char(body).unwrap_or('?');
    let found = check.first().copied().unwrap_or('?');
    if expected != found {
        return v.fail(Text::new(
            format!("末位校验码错误：应为 {expected}，实为 {found}"),
            format!("wrong check character: expected {expected}, found {found}"),
        ));
    }
    v
}

// ---------------------------------------------------------------------------------------------
// ICP filing and ICP licence numbers (ids §3)

/// Province abbreviations, both forms where real filings use both (川/蜀, 黔/贵, 滇/云, 甘/陇).
const ICP_PROVINCES: &[(char, &str, &str)] = &[
    ('京', "北京", "Beijing"),
    ('津', "天津", "Tianjin"),
    ('冀', "河北", "Hebei"),
    ('晋', "山西", "Shanxi"),
    ('蒙', "内蒙古", "Inner Mongolia"),
    ('辽', "辽宁", "Liaoning"),
    ('吉', "吉林", "Jilin"),
    ('黑', "黑龙江", "Heilongjiang"),
    ('沪', "上海", "Shanghai"),
    ('苏', "江苏", "Jiangsu"),
    ('浙', "浙江", "Zhejiang"),
    ('皖', "安徽", "Anhui"),
    ('闽', "福建", "Fujian"),
    ('赣', "江西", "Jiangxi"),
    ('鲁', "山东", "Shandong"),
    ('豫', "河南", "Henan"),
    ('鄂', "湖北", "Hubei"),
    ('湘', "湖南", "Hunan"),
    ('粤', "广东", "Guangdong"),
    ('桂', "广西", "Guangxi"),
    ('琼', "海南", "Hainan"),
    ('渝', "重庆", "Chongqing"),
    ('川', "四川", "Sichuan"),
    ('蜀', "四川", "Sichuan"),
    ('黔', "贵州", "Guizhou"),
    ('贵', "贵州", "Guizhou"),
    ('滇', "云南", "Yunnan"),
    ('云', "云南", "Yunnan"),
    ('藏', "西藏", "Tibet"),
    ('陕', "陕西", "Shaanxi"),
    ('甘', "甘肃", "Gansu"),
    ('陇', "甘肃", "Gansu"),
    ('青', "青海", "Qinghai"),
    ('宁', "宁夏", "Ningxia"),
    ('新', "新疆", "Xinjiang"),
];

pub fn icp(input: &str) -> Validation {
    // NFKC turns full-width digits, `－` and `（` into ASCII; case-fold only the Latin part.
    let code: String = input.nfkc().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
    let mut v = Validation::new(IdKind::Icp, input, code.clone());
    let mut rest = code.chars();
    let Some(abbr) = rest.next() else {
        return v.fail(Text::new("ICP 编号为空", "the ICP number is empty"));
    };
    let Some((_, zh, en)) = ICP_PROVINCES.iter().find(|(a, _, _)| *a == abbr) else {
        return v.fail(Text::new(
            format!("开头的 `{abbr}` 不是省级简称（应形如 京ICP备12345678号-1）"),
            format!("`{abbr}` is not a province abbreviation (expected e.g. 京ICP备12345678号-1)"),
        ));
    };
    v.detail("province", json!({"abbreviation": abbr.to_string(), "name": Text::new(*zh, *en)}));
    let rest: String = rest.collect();

    let (is_filing, after) = if let Some(after) = rest.strip_prefix("ICP备") {
        (true, after)
    } else if let Some(after) = rest.strip_prefix("ICP证") {
        (false, after)
    } else {
        return v.fail(Text::new(
            "省级简称后应为 `ICP备`（备案号）或 `ICP证`（经营许可证号）",
            "the province abbreviation must be followed by `ICP备` (filing) or `ICP证` (licence)",
        ));
    };
    v.detail("type", if is_filing { "filing" } else { "licence" });

    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    let Some(tail) = after.get(digits.len()..) else {
        return v.fail(Text::new("ICP 编号格式有误", "malformed ICP number"));
    };
    let Some(suffix) = tail.strip_prefix('号') else {
        return v.fail(Text::new("数字之后应为 `号`", "the digits must be followed by `号`"));
    };
    if is_filing {
        if digits.len() != 8 && digits.len() != 10 {
            return v.fail(Text::new(
                format!("备案号数字部分应为 8 位（旧）或 10 位（新），实为 {} 位", digits.len()),
                format!("a filing number has 8 (older) or 10 (newer) digits, this one has {}", digits.len()),
            ));
        }
        v.detail("entity_number", format!("{abbr}ICP备{digits}号"));
        if suffix.is_empty() {
            v.warnings.push(Text::new(
                "这是主体备案号；网站备案号还带 `-序号`（如 -1），请核对是否填了网站的备案号",
                "this is the entity number; a website's number carries `-N` (e.g. -1): check you meant the entity",
            ));
        } else {
            let site = suffix.strip_prefix('-').filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            match site.and_then(|n| n.parse::<u32>().ok()).filter(|n| *n >= 1) {
                Some(n) => v.detail("site_index", n),
                None => {
                    return v.fail(Text::new(
                        format!("`号` 之后只能是 `-序号`（如 -1），实为 `{suffix}`"),
                        format!("after `号` only a site suffix `-N` (e.g. -1) may follow, found `{suffix}`"),
                    ));
                }
            }
        }
    } else {
        if digits.len() != 6 {
            return v.fail(Text::new(
                format!("经营许可证号数字部分应为 6 位，实为 {} 位", digits.len()),
                format!("an ICP licence number has 6 digits, this one has {}", digits.len()),
            ));
        }
        if !suffix.is_empty() {
            return v.fail(Text::new(
                format!("经营许可证号在 `号` 之后不应再有内容，实为 `{suffix}`"),
                format!("nothing may follow `号` in an ICP licence number, found `{suffix}`"),
            ));
        }
    }
    v
}

// ---------------------------------------------------------------------------------------------
// Trademark registration numbers (ids §4)

/// What kind of body an applicant is, as far as its credit code, name and licence type tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Organisation {
    Company,
    /// 个体工商户: credit code 92….
    IndividualBusiness,
    /// 农民专业合作社: 93….
    Cooperative,
    /// 个人独资企业: a 91… code; only the licence's 类型 or the name says so.
    SoleProprietorship,
    /// 合伙企业 (普通合伙, 有限合伙).
    Partnership,
    /// 机关: 11….
    Government,
    /// 事业单位 and the other bodies registered with the staffing authority: 12…, 13…, 19….
    PublicInstitution,
    /// 社会团体, 民办非企业单位, 基金会: registered with civil affairs, 5….
    SocialOrganisation,
}

impl Organisation {
    /// From the credit code's registering authority and category (GB 32100-2015, the first two
    /// characters), then the licence's 类型 or the name for the forms a 91 code shares.
    pub fn of(uscc: Option<&str>, name: &str, licence_type: Option<&str>) -> Option<Organisation> {
        let code: Vec<char> = uscc.map(fold_code).unwrap_or_default().chars().collect();
        let by_code = match (code.first(), code.get(1)) {
            (Some('1'), Some('1')) => Some(Organisation::Government),
            (Some('1'), Some(_)) => Some(Organisation::PublicInstitution),
            (Some('5'), Some(_)) => Some(Organisation::SocialOrganisation),
            (Some('9'), Some('2')) => Some(Organisation::IndividualBusiness),
            (Some('9'), Some('3')) => Some(Organisation::Cooperative),
            _ => None,
        };
        if by_code.is_some() {
            return by_code;
        }
        let says =
            |words: &[&str]| words.iter().any(|w| name.contains(w) || licence_type.is_some_and(|t| t.contains(w)));
        if says(&["个人独资"]) {
            Some(Organisation::SoleProprietorship)
        } else if says(&["普通合伙", "有限合伙", "合伙企业"]) {
            Some(Organisation::Partnership)
        } else if code.first() == Some(&'9') || licence_type.is_some() {
            Some(Organisation::Company)
        } else {
            None
        }
    }

    pub fn label(self) -> Text {
        let (zh, en) = match self {
            Organisation::Company => ("企业", "company"),
            Organisation::IndividualBusiness => ("个体工商户", "individual business"),
            Organisation::Cooperative => ("农民专业合作社", "farmers' cooperative"),
            Organisation::SoleProprietorship => ("个人独资企业", "sole proprietorship"),
            Organisation::Partnership => ("合伙企业", "partnership"),
            Organisation::Government => ("机关", "government body"),
            Organisation::PublicInstitution => ("事业单位", "public institution"),
            Organisation::SocialOrganisation => ("社会组织（社会团体、民办非企业单位或基金会）", "social organisation"),
        };
        Text::new(zh, en)
    }

    /// A government body, public institution or social organisation: a type of its own at
    /// Aliyun (NON_PROFIT_ORGANIZATION) and Tencent (SignType 5), proved by its own certificate.
    pub fn public_body(self) -> bool {
        matches!(self, Organisation::Government | Organisation::PublicInstitution | Organisation::SocialOrganisation)
    }
}

pub fn trademark(input: &str) -> Validation {
    let mut code = fold_code(input);
    // Certificates print the number as 第12345678号.
    if let Some(inner) = code.strip_prefix('第').and_then(|c| c.strip_suffix('号')) {
        code = inner.to_string();
    }
    let mut v = Validation::new(IdKind::Trademark, input, code.clone());
    let (prefix, rest) = match code.chars().next() {
        Some(p @ ('G' | 'H')) => (Some(p), code.get(1..).unwrap_or_default()),
        _ => (None, code.as_str()),
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let suffix = rest.get(digits.len()..).unwrap_or_default();
    let suffix_ok = suffix.is_empty() || (suffix.len() == 1 && suffix.chars().all(|c| c.is_ascii_uppercase()));
    if digits.is_empty() || !suffix_ok {
        return v.fail(Text::new(
            "商标注册号应为阿拉伯数字，可带国际注册前缀 G 或分割申请后缀字母（如 A）",
            "a trademark registration number is Arabic digits, optionally with the international prefix G or a divisional suffix letter (e.g. A)",
        ));
    }
    v.detail("international", prefix.is_some());
    if prefix == Some('H') {
        v.detail("subsequent_designation", true);
    }
    if suffix == "A" {
        v.detail("divisional", true);
    } else if !suffix.is_empty() {
        v.warnings.push(Text::new(
            format!("后缀 `{suffix}` 不常见（分割申请为 A），请核对商标注册证"),
            format!("suffix `{suffix}` is unusual (divisional applications use A): check the certificate"),
        ));
    }
    v
}
