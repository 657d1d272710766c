//! What a document shows: the fields read from one material (by OCR, or confirmed by a person),
//! keyed as in shared/spec/cli.md (`qualkit ocr`). The store caches one reading per file content
//! (SHA-256) and document kind, so a material is read once however many cases use it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::case::{Role, kebab_enum};

kebab_enum!(
    /// The document kinds qualkit reads, with the field keys of shared/spec/cli.md.
    DocKind {
        BusinessLicense = "business-license",
        TrademarkCertificate = "trademark-certificate",
        IcpRecord = "icp-record",
        AppListing = "app-listing",
        AuthorizationLetter = "authorization-letter",
    }
);

impl DocKind {
    /// The field keys a reading of this kind may hold (shared/spec/cli.md, `qualkit ocr`; the
    /// authorization letter's keys are qualkit's own).
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            DocKind::BusinessLicense => {
                &["name", "uscc", "type", "legal_rep", "registered_capital", "established", "term", "address", "scope"]
            }
            DocKind::TrademarkCertificate => {
                &["reg_number", "mark", "registrant", "address", "classes", "valid_from", "valid_to"]
            }
            DocKind::IcpRecord => &["name", "icp_number", "site_name", "domain", "approved"],
            DocKind::AppListing => &["app_name", "developer"],
            DocKind::AuthorizationLetter => {
                &["authorizer", "authorizer_uscc", "authorized", "signatures", "valid_from", "valid_to"]
            }
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
            _ => None,
        }
    }
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
}

impl Reading {
    pub fn new(kind: DocKind, origin: Origin) -> Reading {
        Reading { kind, origin, fields: BTreeMap::new(), text: String::new() }
    }

    pub fn with(mut self, key: &str, field: Field) -> Reading {
        self.fields.insert(key.to_string(), field);
        self
    }

    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.get(key).filter(|f| !f.value.trim().is_empty())
    }
}
