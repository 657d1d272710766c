//! What a document shows: the fields read from one material (by OCR, or confirmed by a person),
//! keyed as in shared/spec/cli.md (`qualkit ocr`). The store caches one reading per file content
//! (SHA-256) and document kind, so a material is read once however many cases use it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::case::{Role, kebab_enum};
use crate::i18n::Text;

kebab_enum!(
    /// The document kinds qualkit reads, with the field keys of shared/spec/cli.md.
    DocKind {
        BusinessLicense = "business-license",
        TrademarkCertificate = "trademark-certificate",
        IcpRecord = "icp-record",
        AppListing = "app-listing",
        AuthorizationLetter = "authorization-letter",
        IdCard = "id-card",
    }
);

impl DocKind {
    /// The field keys a reading of this kind may hold (shared/spec/cli.md, `qualkit ocr`; the
    /// authorization letter's keys are qualkit's own).
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            DocKind::BusinessLicense => &[
                "name",
                "uscc",
                "reg_no",
                "type",
                "legal_rep",
                "registered_capital",
                "established",
                "term",
                "address",
                "scope",
            ],
            DocKind::TrademarkCertificate => {
                &["reg_number", "mark", "registrant", "address", "classes", "valid_from", "valid_to", "document"]
            }
            DocKind::IcpRecord => &["name", "icp_number", "site_name", "domain", "approved"],
            DocKind::AppListing => &["app_name", "developer"],
            DocKind::AuthorizationLetter => {
                &["authorizer", "authorizer_uscc", "authorized", "signatures", "valid_from", "valid_to"]
            }
            // Either side or both; `document` says what the page is (居民身份证, or another
            // identity document that is not read).
            DocKind::IdCard => &[
                "document",
                "name",
                "sex",
                "ethnicity",
                "birth",
                "address",
                "id_number",
                "authority",
                "valid_from",
                "valid_to",
            ],
        }
    }

    /// The kind of document a material of `role` is, when qualkit reads that role.
    pub fn for_role(role: Role) -> Option<DocKind> {
        match role {
            Role::BusinessLicense | Role::OwnerBusinessLicense => Some(DocKind::BusinessLicense),
            Role::TrademarkCertificate => Some(DocKind::TrademarkCertificate),
            Role::IcpRecord => Some(DocKind::IcpRecord),
            Role::AppListing => Some(DocKind::AppListing),
            Role::AuthorizationLetter => Some(DocKind::AuthorizationLetter),
            role if role.is_id_card() => Some(DocKind::IdCard),
            _ => None,
        }
    }
}

/// Whether a field of a document of `kind` identifies a person (an ID card's number and home
/// address): shown masked wherever it is listed (findings, the review report, logs).
pub fn is_private(kind: DocKind, key: &str) -> bool {
    kind == DocKind::IdCard && matches!(key, "id_number" | "address")
}

/// A field key's name for people, as a document of `kind` prints it (a card's `name` is the
/// person's 姓名, a licence's the company's 名称).
pub fn field_label_of(kind: DocKind, key: &str) -> Text {
    match (kind, key) {
        (DocKind::IdCard, "name") => Text::new("姓名", "name"),
        (DocKind::IdCard, "address") => Text::new("住址", "address"),
        (DocKind::IdCard, "valid_from") => Text::new("有效期限起", "valid from"),
        (DocKind::IdCard, "valid_to") => Text::new("有效期限止", "valid to"),
        (DocKind::BusinessLicense, "legal_rep") => Text::new("法定代表人/经营者", "legal representative"),
        _ => field_label(key),
    }
}

/// A field key's name for people, as the documents print it.
pub fn field_label(key: &str) -> Text {
    let (zh, en) = match key {
        "name" => ("名称", "name"),
        "uscc" => ("统一社会信用代码", "credit code"),
        "reg_no" => ("注册号", "registration number"),
        "type" => ("类型", "type"),
        "legal_rep" => ("法定代表人", "legal representative"),
        "registered_capital" => ("注册资本", "registered capital"),
        "established" => ("成立日期", "established"),
        "term" => ("营业期限", "term"),
        "address" => ("住所", "address"),
        "scope" => ("经营范围", "business scope"),
        "reg_number" => ("注册号", "registration number"),
        "mark" => ("商标", "mark"),
        "registrant" => ("注册人", "registrant"),
        "classes" => ("核定使用商品/服务类别", "classes"),
        "valid_from" => ("有效期起", "valid from"),
        "valid_to" => ("有效期止", "valid to"),
        "icp_number" => ("备案号", "ICP number"),
        "site_name" => ("网站名称", "site name"),
        "domain" => ("域名", "domain"),
        "approved" => ("审核通过日期", "approved"),
        "app_name" => ("应用名称", "app name"),
        "developer" => ("开发者", "developer"),
        "authorizer" => ("授权方", "authoriser"),
        "authorizer_uscc" => ("授权方信用代码", "authoriser's credit code"),
        "authorized" => ("被授权方", "authorised party"),
        "signatures" => ("签名", "signatures"),
        "document" => ("证件/文件类型", "document"),
        "sex" => ("性别", "sex"),
        "ethnicity" => ("民族", "ethnicity"),
        "birth" => ("出生", "date of birth"),
        "id_number" => ("公民身份号码", "ID number"),
        "authority" => ("签发机关", "issuing authority"),
        other => (other, other),
    };
    Text::new(zh, en)
}

kebab_enum!(
    /// Who produced a reading: OCR, or a person who confirmed or corrected it.
    Origin { Ocr = "ocr", Person = "person" }
);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// As printed on the document (full-width brackets kept).
    pub value: String,
    /// 0.0–1.0; 1.0 for a value a person confirmed.
    pub confidence: f32,
    /// `[x, y, w, h]` in pixels of the material image, for highlighting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[u32; 4]>,
    /// Character indices of `value` the reader was unsure of; a mismatch confined to them asks
    /// a person to confirm instead of claiming a difference.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uncertain: Vec<usize>,
}

impl Field {
    pub fn confirmed(value: impl Into<String>) -> Field {
        Field { value: value.into(), confidence: 1.0, bbox: None, uncertain: Vec::new() }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub kind: DocKind,
    pub origin: Origin,
    pub fields: BTreeMap<String, Field>,
    /// The full text, for rules that search a document (a licence's 经营范围 too).
    #[serde(default)]
    pub text: String,
    /// Which version of qualkit's OCR reader made an OCR reading ([`crate::ocr::READER_VERSION`];
    /// 0 before versions were kept). A cached reading from an older reader is read again, since
    /// a newer one reads better; a person's reading is kept whatever its version.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reader: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Reading {
    pub fn new(kind: DocKind, origin: Origin) -> Reading {
        Reading { kind, origin, fields: BTreeMap::new(), text: String::new(), reader: 0 }
    }

    /// An OCR reading made by an older reader than this one, worth reading again.
    pub fn is_stale(&self) -> bool {
        self.origin == Origin::Ocr && self.reader < crate::ocr::READER_VERSION
    }

    pub fn with(mut self, key: &str, field: Field) -> Reading {
        self.fields.insert(key.to_string(), field);
        self
    }

    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.get(key).filter(|f| !f.value.trim().is_empty())
    }
}
