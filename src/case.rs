//! The case: one applicant's package. Its portable form is a folder with `case.toml`
//! (shared/spec/case-file.md); this module reads that form and defines the model.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};
use crate::i18n::Text;

macro_rules! kebab_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use kebab_enum;

kebab_enum!(Vendor {
    Aliyun = "aliyun",
    Tencent = "tencent",
    Huawei = "huawei",
    Volcengine = "volcengine",
    Baidu = "baidu",
});

kebab_enum!(
    /// What a template variable holds, in qualkit's one vocabulary (assets/variables.toml);
    /// each vendor's own attribute names and limits for these are in its profile.
    VarType {
        Code = "code",
        AlnumCode = "alnum-code",
        Phone = "phone",
        Time = "time",
        Money = "money",
        Name = "name",
        Number = "number",
        Text = "text",
    }
);

kebab_enum!(ApplicantKind { Enterprise = "enterprise", Individual = "individual" });

kebab_enum!(CompanyStatus { Normal = "normal", AbnormalList = "abnormal-list", Revoked = "revoked" });

kebab_enum!(
    /// The industries some vendors take only verification templates from (or no templates at
    /// all); `other` says the applicant is in none of them, which silences the suggestion the
    /// checks make from the licence's 经营范围.
    Industry {
        Finance = "finance",
        RealEstate = "real-estate",
        Education = "education",
        Games = "games",
        Social = "social",
        Recruitment = "recruitment",
        Immigration = "immigration",
        Other = "other",
    }
);

impl Industry {
    pub fn label(self) -> Text {
        let (zh, en) = match self {
            Industry::Finance => ("金融", "finance"),
            Industry::RealEstate => ("房地产", "real estate"),
            Industry::Education => ("教育培训", "education"),
            Industry::Games => ("游戏", "games"),
            Industry::Social => ("社交婚恋", "social and dating"),
            Industry::Recruitment => ("招聘与人力资源", "recruitment"),
            Industry::Immigration => ("移民与留学中介", "immigration and study abroad"),
            Industry::Other => ("其他行业", "another industry"),
        };
        Text::new(zh, en)
    }
}

kebab_enum!(SignatureSource { Company = "company", App = "app", Trademark = "trademark", Website = "website" });

kebab_enum!(SignatureUse { SelfUse = "self", ThirdParty = "third-party" });

kebab_enum!(TemplateType { Verification = "verification", Notification = "notification", Marketing = "marketing" });

kebab_enum!(LandingKind { Website = "website", App = "app", MiniProgram = "mini-program" });

impl ApplicantKind {
    pub fn label(self) -> Text {
        match self {
            ApplicantKind::Enterprise => Text::new("企业", "enterprise"),
            ApplicantKind::Individual => Text::new("个人", "individual"),
        }
    }
}

impl SignatureSource {
    pub fn label(self) -> Text {
        match self {
            SignatureSource::Company => Text::new("企业名称", "company name"),
            SignatureSource::App => Text::new("App 名称", "app name"),
            SignatureSource::Trademark => Text::new("商标", "trademark"),
            SignatureSource::Website => Text::new("网站名称", "website name"),
        }
    }
}

impl SignatureUse {
    pub fn label(self) -> Text {
        match self {
            SignatureUse::SelfUse => Text::new("自用", "own use"),
            SignatureUse::ThirdParty => Text::new("他用", "third-party use"),
        }
    }
}

impl TemplateType {
    pub fn label(self) -> Text {
        match self {
            TemplateType::Verification => Text::new("验证码", "verification"),
            TemplateType::Notification => Text::new("通知", "notification"),
            TemplateType::Marketing => Text::new("推广", "marketing"),
        }
    }
}

kebab_enum!(
    /// What a material file is; the table in shared/spec/case-file.md.
    Role {
        BusinessLicense = "business-license",
        OwnerBusinessLicense = "owner-business-license",
        LegalRepIdFront = "legal-rep-id-front",
        LegalRepIdBack = "legal-rep-id-back",
        HandlerIdFront = "handler-id-front",
        HandlerIdBack = "handler-id-back",
        HandlerIdHandheld = "handler-id-handheld",
        ResponsibleIdFront = "responsible-id-front",
        ResponsibleIdBack = "responsible-id-back",
        CommitmentLetter = "commitment-letter",
        AuthorizationLetter = "authorization-letter",
        TrademarkCertificate = "trademark-certificate",
        IcpRecord = "icp-record",
        AppListing = "app-listing",
        LegalRepVideo = "legal-rep-video",
        Other = "other",
    }
);

impl Role {
    /// A side of a person's resident ID card, or the photo of them holding it.
    pub fn is_id_card(self) -> bool {
        matches!(
            self,
            Role::LegalRepIdFront
                | Role::LegalRepIdBack
                | Role::HandlerIdFront
                | Role::HandlerIdBack
                | Role::HandlerIdHandheld
                | Role::ResponsibleIdFront
                | Role::ResponsibleIdBack
        )
    }

    pub fn label(self) -> Text {
        let (zh, en) = match self {
            Role::BusinessLicense => ("营业执照", "business licence"),
            Role::OwnerBusinessLicense => ("签名归属方营业执照", "signature owner's business licence"),
            Role::LegalRepIdFront => ("法定代表人身份证人像面", "legal representative's ID (photo side)"),
            Role::LegalRepIdBack => ("法定代表人身份证国徽面", "legal representative's ID (emblem side)"),
            Role::HandlerIdFront => ("经办人身份证人像面", "handler's ID (photo side)"),
            Role::HandlerIdBack => ("经办人身份证国徽面", "handler's ID (emblem side)"),
            Role::HandlerIdHandheld => ("经办人手持身份证照片", "handler holding the ID card"),
            Role::ResponsibleIdFront => ("责任人身份证人像面", "responsible person's ID (photo side)"),
            Role::ResponsibleIdBack => ("责任人身份证国徽面", "responsible person's ID (emblem side)"),
            Role::CommitmentLetter => ("合规使用承诺函", "compliance commitment letter"),
            Role::AuthorizationLetter => ("授权委托书", "authorization letter"),
            Role::TrademarkCertificate => ("商标注册证", "trademark registration certificate"),
            Role::IcpRecord => ("ICP 备案查询截图", "ICP filing record screenshot"),
            Role::AppListing => ("应用商店截图", "app store listing screenshot"),
            Role::LegalRepVideo => {
                ("法定代表人手持营业执照视频", "video of the legal representative holding the licence")
            }
            Role::Other => ("其他材料", "other material"),
        };
        Text::new(zh, en)
    }
}

/// Everything a case declares. Stored as JSON in the database; materials live in their own table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseData {
    #[serde(default)]
    pub vendors: Vec<Vendor>,
    pub applicant: Applicant,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
    #[serde(default)]
    pub templates: Vec<Template>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landing: Option<Landing>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    pub kind: ApplicantKind,
    /// Exactly as on the licence (or ID card); compared character for character.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uscc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_rep: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_rep_id_number: Option<String>,
    /// Individuals: the applicant's own ID number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, deserialize_with = "date_opt", skip_serializing_if = "Option::is_none")]
    pub established: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CompanyStatus>,
    /// Declared where the applicant is in an industry some vendors restrict; else suggested
    /// from the licence's business scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<Industry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub name: String,
    pub source: SignatureSource,
    #[serde(rename = "use", default = "self_use")]
    pub usage: SignatureUse,
    /// Third-party use: the company the signature belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_uscc: Option<String>,
}

fn self_use() -> SignatureUse {
    SignatureUse::SelfUse
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    #[serde(rename = "type")]
    pub kind: TemplateType,
    /// Written once with named `${var}` variables; each vendor's syntax is rendered from it.
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Each variable's type in qualkit's vocabulary (`code`, `money` …); the lint infers the
    /// undeclared ones and says from what.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, VarType>,
    /// Example values, checked against each vendor's rules for their type and counted in the
    /// length; a variable without one is checked at its type's typical value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub examples: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Landing {
    pub kind: LandingKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icp_number: Option<String>,
    /// The application description reviewers read (seed 000 §5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// How a reviewer reaches the send-code button (seed 000 §5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_account: Option<String>,
    /// Who operates the application, when it differs from what the ICP record names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// An App's download page in a store (with its developer shown), which Aliyun, Huawei
    /// and Baidu ask for with an App signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_url: Option<String>,
}

impl CaseData {
    /// Trims every text and drops the blank ones: a form's empty input means "not given".
    /// A section left entirely blank (handler, signature, landing) is dropped with it, and so is a
    /// template without text.
    pub fn tidy(&mut self) {
        let a = &mut self.applicant;
        a.name = a.name.trim().to_string();
        for field in [&mut a.uscc, &mut a.legal_rep, &mut a.legal_rep_id_number, &mut a.id_number, &mut a.phone] {
            tidy_opt(field);
        }
        if let Some(h) = &mut self.handler {
            h.name = h.name.trim().to_string();
            tidy_opt(&mut h.id_number);
            tidy_opt(&mut h.phone);
        }
        if self.handler.as_ref().is_some_and(|h| h.name.is_empty() && h.id_number.is_none() && h.phone.is_none()) {
            self.handler = None;
        }
        if let Some(s) = &mut self.signature {
            s.name = s.name.trim().to_string();
            tidy_opt(&mut s.owner);
            tidy_opt(&mut s.owner_uscc);
            if s.usage == SignatureUse::SelfUse {
                // Owner fields of a self-use signature would only confuse the letter and the sheet.
                s.owner = None;
                s.owner_uscc = None;
            }
        }
        if self.signature.as_ref().is_some_and(|s| s.name.is_empty() && s.owner.is_none()) {
            self.signature = None;
        }
        for t in &mut self.templates {
            t.text = t.text.trim().to_string();
            tidy_opt(&mut t.name);
            t.examples.retain(|name, value| !name.trim().is_empty() && !value.trim().is_empty());
        }
        self.templates.retain(|t| !t.text.is_empty());
        if let Some(l) = &mut self.landing {
            l.name = l.name.trim().to_string();
            for field in [
                &mut l.domain,
                &mut l.icp_number,
                &mut l.scenario,
                &mut l.test_account,
                &mut l.operator,
                &mut l.store_url,
            ] {
                tidy_opt(field);
            }
        }
        if self.landing.as_ref().is_some_and(|l| {
            l.name.is_empty()
                && l.domain.is_none()
                && l.icp_number.is_none()
                && l.scenario.is_none()
                && l.test_account.is_none()
                && l.operator.is_none()
                && l.store_url.is_none()
        }) {
            self.landing = None;
        }
        let mut seen = Vec::new();
        self.vendors.retain(|v| {
            let first = !seen.contains(v);
            seen.push(*v);
            first
        });
    }

    /// Every case names its applicant: the list, the letters and every comparison start there.
    /// Refuses a declared text longer than its limit, naming the field, the limit and where the
    /// limit comes from ([`LIMITS`]). Counted in characters, as the vendors count them.
    pub fn check_limits(&self) -> Result<()> {
        match self.over_limit() {
            Some(why) => Err(Error::Input(why)),
            None => Ok(()),
        }
    }

    /// The first declared text longer than its limit, said in both languages.
    fn over_limit(&self) -> Option<Text> {
        let a = &self.applicant;
        let mut texts: Vec<(&str, Option<&str>)> = vec![
            ("applicant.name", Some(&a.name)),
            ("applicant.uscc", a.uscc.as_deref()),
            ("applicant.legal_rep", a.legal_rep.as_deref()),
            ("applicant.legal_rep_id_number", a.legal_rep_id_number.as_deref()),
            ("applicant.id_number", a.id_number.as_deref()),
            ("applicant.phone", a.phone.as_deref()),
        ];
        if let Some(h) = &self.handler {
            texts.extend([
                ("handler.name", Some(h.name.as_str())),
                ("handler.id_number", h.id_number.as_deref()),
                ("handler.phone", h.phone.as_deref()),
            ]);
        }
        if let Some(sig) = &self.signature {
            texts.extend([
                ("signature.name", Some(sig.name.as_str())),
                ("signature.owner", sig.owner.as_deref()),
                ("signature.owner_uscc", sig.owner_uscc.as_deref()),
            ]);
        }
        for t in &self.templates {
            texts.extend([("templates.text", Some(t.text.as_str())), ("templates.name", t.name.as_deref())]);
            for (name, value) in &t.examples {
                texts
                    .extend([("templates.variable", Some(name.as_str())), ("templates.example", Some(value.as_str()))]);
            }
            texts.extend(t.variables.keys().map(|name| ("templates.variable", Some(name.as_str()))));
        }
        if let Some(l) = &self.landing {
            texts.extend([
                ("landing.name", Some(l.name.as_str())),
                ("landing.domain", l.domain.as_deref()),
                ("landing.icp_number", l.icp_number.as_deref()),
                ("landing.scenario", l.scenario.as_deref()),
                ("landing.test_account", l.test_account.as_deref()),
                ("landing.operator", l.operator.as_deref()),
                ("landing.store_url", l.store_url.as_deref()),
            ]);
        }
        for (field, value) in texts {
            let (Some(value), Some(limit)) = (value, LIMITS.iter().find(|l| l.field == field)) else { continue };
            let chars = value.chars().count();
            if chars > limit.max {
                return Some(Text::new(
                    format!("{field} 过长：{chars} 个字符，最多 {} 个（{}）", limit.max, limit.source.0),
                    format!("{field} is too long: {chars} characters, at most {} ({})", limit.max, limit.source.1),
                ));
            }
        }
        None
    }

    pub fn require_applicant_name(&self) -> Result<()> {
        if self.applicant.name.is_empty() {
            let (zh, en) = match self.applicant.kind {
                ApplicantKind::Enterprise => (
                    "请填写申请主体名称：与营业执照上的名称逐字一致",
                    "fill in the applicant's name exactly as on the business licence",
                ),
                ApplicantKind::Individual => {
                    ("请填写申请人姓名：与身份证上的姓名一致", "fill in the applicant's name as on the ID card")
                }
            };
            return Err(Error::input(zh, en));
        }
        Ok(())
    }
}

fn tidy_opt(field: &mut Option<String>) {
    *field = field.take().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
}

/// `case.toml` as written on disk: the case data plus the material files it names.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFileToml {
    #[serde(default)]
    vendors: Vec<Vendor>,
    applicant: Applicant,
    #[serde(default)]
    handler: Option<Person>,
    #[serde(default)]
    signature: Option<Signature>,
    #[serde(default)]
    templates: Vec<Template>,
    #[serde(default)]
    landing: Option<Landing>,
    #[serde(default)]
    materials: Vec<MaterialEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MaterialEntry {
    role: Role,
    file: toml::Spanned<String>,
}

/// A material file named by `case.toml`, resolved inside the case folder.
#[derive(Clone, Debug, PartialEq)]
pub struct MaterialFile {
    pub role: Role,
    pub path: PathBuf,
    /// The name as written in `case.toml`, kept as the material's original name.
    pub name: String,
}

/// A parsed case folder: what it declares and the files it brings.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseFolder {
    pub data: CaseData,
    pub materials: Vec<MaterialFile>,
}

pub const CASE_FILE_NAME: &str = "case.toml";

/// The longest value a declared text may hold.
pub struct Limit {
    pub field: &'static str,
    pub max: usize,
    /// Where the limit comes from, in Chinese and English.
    pub source: (&'static str, &'static str),
}

const fn limit(field: &'static str, max: usize, zh: &'static str, en: &'static str) -> Limit {
    Limit { field, max, source: (zh, en) }
}

/// Every text of a case has a limit: the strictest vendor's where one is published for the same
/// value, else a cap far above any real value (so a pasted page is refused, not stored).
pub const LIMITS: &[Limit] = &[
    limit(
        "applicant.name",
        150,
        "阿里云提交资质接口 CompanyName 最长 150 字符",
        "Aliyun SubmitSmsQualification: CompanyName ≤ 150",
    ),
    limit("applicant.uscc", 32, "统一社会信用代码 18 位，余量上限", "a credit code has 18 characters; a cap with room"),
    limit("applicant.legal_rep", 50, "姓名上限", "a cap for a person's name"),
    limit("applicant.legal_rep_id_number", 32, "证件号码上限", "a cap for an ID number"),
    limit("applicant.id_number", 32, "证件号码上限", "a cap for an ID number"),
    limit("applicant.phone", 32, "电话号码上限", "a cap for a phone number"),
    limit("handler.name", 50, "姓名上限", "a cap for a person's name"),
    limit("handler.id_number", 32, "证件号码上限", "a cap for an ID number"),
    limit("handler.phone", 32, "电话号码上限", "a cap for a phone number"),
    limit(
        "signature.name",
        32,
        "各厂商签名最长者：华为云 2–32 字符",
        "the longest any vendor takes: Huawei Cloud, 2–32 characters",
    ),
    limit(
        "signature.owner",
        150,
        "阿里云授权委托书 Authorization 最长 150 字符",
        "Aliyun CreateSmsAuthorizationLetter: Authorization ≤ 150",
    ),
    limit(
        "signature.owner_uscc",
        32,
        "统一社会信用代码 18 位，余量上限",
        "a credit code has 18 characters; a cap with room",
    ),
    limit(
        "templates.text",
        1000,
        "各厂商模板最长者：火山引擎 1000 字符",
        "the longest any vendor takes: Volcengine, 1000 characters",
    ),
    limit("templates.name", 30, "阿里云模板名称最长 30 字符", "Aliyun: TemplateName ≤ 30"),
    limit("templates.variable", 25, "变量名上限", "a cap for a variable's name"),
    limit(
        "templates.example",
        100,
        "变量示例值上限：最长的变量值（阿里云、火山引擎 35 字）之外留有余量",
        "a cap for an example value, with room above the longest any vendor takes (35)",
    ),
    limit("landing.name", 100, "网站或 App 名称上限", "a cap for a site's or app's name"),
    limit(
        "landing.domain",
        253,
        "域名最长 253 字符（RFC 1035）",
        "a domain name has at most 253 characters (RFC 1035)",
    ),
    limit("landing.icp_number", 64, "ICP 备案号上限", "a cap for an ICP number"),
    limit("landing.scenario", 500, "应用场景说明上限", "a cap for the scenario description"),
    limit("landing.test_account", 200, "测试账号说明上限", "a cap for the test account description"),
    limit("landing.operator", 150, "与 CompanyName 相同：150 字符", "as CompanyName: 150 characters"),
    limit("landing.store_url", 500, "应用商店链接上限", "a cap for a store link"),
];

/// Reads `DIR/case.toml` and checks that every material it names is a readable file inside DIR.
pub fn read_case_folder(dir: &Path) -> Result<CaseFolder> {
    let path = dir.join(CASE_FILE_NAME);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let parsed: CaseFileToml = toml::from_str(&text).map_err(|e| case_file_error(&path, &text, &e))?;

    let mut materials = Vec::with_capacity(parsed.materials.len());
    for entry in parsed.materials {
        let line = line_of(&text, entry.file.span().start);
        let name = entry.file.into_inner();
        let at = |detail: Text| Error::CaseFile { path: path.clone(), line, detail };
        if let Err(why) = check_relative_path(&name) {
            return Err(at(Text::new(format!("键 `file`：{}", why.zh), format!("key `file`: {}", why.en))));
        }
        let relative = Path::new(&name);
        let full = dir.join(relative);
        // A symlink could make a colleague's bundle pull any file of this machine into the case.
        let inside = match (full.canonicalize(), dir.canonicalize()) {
            (Ok(file), Ok(root)) => file.starts_with(root),
            _ => true, // missing: reported below
        };
        if !inside {
            return Err(at(Text::new(
                format!("键 `file`：`{name}` 是指向案卷目录以外的链接"),
                format!("key `file`: `{name}` is a link to a file outside the case folder"),
            )));
        }
        match std::fs::metadata(&full) {
            Ok(m) if m.is_file() => {}
            Ok(_) => {
                return Err(at(Text::new(
                    format!("键 `file`：`{name}` 不是文件"),
                    format!("key `file`: `{name}` is not a file"),
                )));
            }
            Err(_) => {
                return Err(at(Text::new(
                    format!("键 `file`：案卷目录中找不到文件 `{name}`"),
                    format!("key `file`: no file `{name}` in the case folder"),
                )));
            }
        }
        materials.push(MaterialFile { role: entry.role, path: full, name });
    }

    let data = CaseData {
        vendors: parsed.vendors,
        applicant: parsed.applicant,
        handler: parsed.handler,
        signature: parsed.signature,
        templates: parsed.templates,
        landing: parsed.landing,
    };
    if let Some(why) = data.over_limit() {
        let at = path.display();
        return Err(Error::input(format!("{at}：{}", why.zh), format!("{at}: {}", why.en)));
    }
    Ok(CaseFolder { data, materials })
}

/// Why a path from a case file or a bundle cannot be used inside the case folder: absolute, with
/// `..`, a drive or a backslash, or with characters that hide what a name says (controls, bidi
/// overrides, zero-width characters). Names stay in lists and bundles, so they must read true.
pub fn check_relative_path(name: &str) -> std::result::Result<(), Text> {
    let relative = Path::new(name);
    let escapes = relative.is_absolute()
        || name.starts_with('/')
        || name.contains('\\')
        || name.split('/').next().is_some_and(|first| first.len() == 2 && first.ends_with(':'))
        || relative.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if name.trim().is_empty() || escapes {
        return Err(Text::new(
            format!("`{name}` 必须是案卷目录内的相对路径（不能是绝对路径，不能含 .. 或反斜杠）"),
            format!("`{name}` must be a relative path inside the case folder (not absolute, no .. or backslash)"),
        ));
    }
    if let Some(c) = name.chars().find(|c| is_hidden_char(*c)) {
        return Err(Text::new(
            format!("{name:?} 含有不可见的控制字符 U+{:04X}，它会让文件名看起来像别的名字", c as u32),
            format!(
                "{name:?} holds the invisible control character U+{:04X}, which makes a name look like another",
                c as u32
            ),
        ));
    }
    if name.split('/').any(|part| part.len() > 255) {
        return Err(Text::new(
            format!("`{name}` 的某一段超过 255 字节"),
            format!("a part of `{name}` is longer than 255 bytes"),
        ));
    }
    Ok(())
}

/// A character that changes how a name reads without showing: controls, zero-width characters
/// and bidi overrides (`a\u{202E}gpj.exe` shows as `aexe.jpg`).
pub fn is_hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// Turns a TOML/serde error into one that names the line and key, in both languages.
fn case_file_error(path: &Path, text: &str, e: &toml::de::Error) -> Error {
    let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
    let message = e.message().trim().to_string();
    let key = backticked_after(&message, "unknown field").or_else(|| key_on_line(text, line)).unwrap_or_default();
    let detail = if message.starts_with("unknown field") {
        Text::new(
            format!("未知的键 `{key}`（是否拼写错误？可用的键见 README 的“案卷格式”一节）"),
            format!("unknown key `{key}` (a typo? README's \"Case folder\" section lists the keys): {message}"),
        )
    } else if let Some(missing) = backticked_after(&message, "missing field") {
        Text::new(format!("缺少必填的键 `{missing}`"), format!("missing required key `{missing}`"))
    } else if message.starts_with("unknown variant") {
        let value = backticked_after(&message, "unknown variant").unwrap_or_default();
        let choices = message.split_once("expected").map(|(_, c)| c.trim()).unwrap_or_default();
        Text::new(
            format!("键 `{key}` 的取值 `{value}` 无效，可选：{choices}"),
            format!("key `{key}`: `{value}` is not allowed, expected {choices}"),
        )
    } else if message.starts_with("invalid type") {
        Text::new(format!("键 `{key}` 的类型不对：{message}"), format!("key `{key}` has the wrong type: {message}"))
    } else {
        Text::new(format!("TOML 格式错误：{message}"), format!("TOML syntax error: {message}"))
    };
    Error::CaseFile { path: path.to_path_buf(), line, detail }
}

fn line_of(text: &str, byte: usize) -> usize {
    text.get(..byte).map(|t| t.matches('\n').count() + 1).unwrap_or(1)
}

fn backticked_after(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    let start = rest.find('`')? + 1;
    let end = start + rest.get(start..)?.find('`')?;
    rest.get(start..end).map(str::to_string)
}

/// The key assigned on `line` (`key = value`), for errors whose message does not name it.
fn key_on_line(text: &str, line: usize) -> Option<String> {
    let source_line = text.lines().nth(line.checked_sub(1)?)?;
    let (key, _) = source_line.split_once('=')?;
    Some(key.trim().trim_matches('"').to_string())
}

/// Accepts `established = 2019-03-12` (a TOML date) as well as `"2019-03-12"`.
fn date_opt<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Option<NaiveDate>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Date(toml::value::Datetime),
    }
    let raw = Option::<Raw>::deserialize(deserializer)?;
    let text = match raw {
        None => return Ok(None),
        Some(Raw::Text(s)) => s,
        Some(Raw::Date(d)) => d.to_string(),
    };
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map(Some)
        .map_err(|_| serde::de::Error::custom(format!("invalid type: `{text}`, expected a date written YYYY-MM-DD")))
}

/// Writes the case back into its portable form (the inverse of [`read_case_folder`] for data).
pub fn to_toml(data: &CaseData, materials: &[(Role, String)]) -> Result<String> {
    #[derive(Serialize)]
    struct Out<'a> {
        #[serde(flatten)]
        data: &'a CaseData,
        materials: Vec<MaterialOut<'a>>,
    }
    #[derive(Serialize)]
    struct MaterialOut<'a> {
        role: Role,
        file: &'a str,
    }
    let out = Out { data, materials: materials.iter().map(|(role, file)| MaterialOut { role: *role, file }).collect() };
    toml::to_string_pretty(&out)
        .map_err(|e| Error::input(format!("无法写出 case.toml：{e}"), format!("cannot write case.toml: {e}")))
}
