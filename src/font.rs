//! The CJK font every generated document uses: found on the system by family name with fontdb,
//! measured with skrifa (for line breaking), embedded by krilla as a subset.
//!
//! Engineering facts: shared/engineering/desktop.md §4 (candidate order, TTC face index by name).

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use crate::error::{Error, Result};

/// Families tried in order. Noto and Source Han are OFL; YaHei and PingFang are what Windows and
/// macOS users already have.
pub const FAMILIES: &[&str] =
    &["Noto Sans CJK SC", "Source Han Sans SC", "思源黑体", "Source Han Sans CN", "Microsoft YaHei", "PingFang SC"];

/// A file that overrides the search: `QUALKIT_FONT=/path/font.ttc` (face 0) or `…ttc#2`. For
/// reproducible output, and for machines whose CJK font has another name.
pub const FONT_ENV: &str = "QUALKIT_FONT";

/// One face: its bytes (shared), the face index inside a collection, and where it came from.
#[derive(Clone)]
pub struct Face {
    pub data: Arc<Vec<u8>>,
    pub index: u32,
    pub family: String,
    pub path: Option<PathBuf>,
}

/// The regular and bold faces of the chosen family (bold falls back to regular).
#[derive(Clone)]
pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

impl Face {
    /// Advance of `text` at `size` points: the sum of the glyph advances, without kerning (CJK
    /// text has none; a few points of Latin kerning only make a line a little shorter).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        self.advances(text.chars(), size).into_iter().sum()
    }

    /// The advance of each character at `size` points (a character without a glyph counts one
    /// em), with the font's tables parsed once for the whole run.
    pub fn advances(&self, text: impl Iterator<Item = char>, size: f32) -> Vec<f32> {
        let Ok(font) = FontRef::from_index(&self.data, self.index) else { return text.map(|_| 0.0).collect() };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        text.map(|c| charmap.map(c).and_then(|g| metrics.advance_width(g)).unwrap_or(size)).collect()
    }

    /// Characters of `text` the face has no glyph for (they would print as empty boxes).
    pub fn missing(&self, text: &str) -> Vec<char> {
        let Ok(font) = FontRef::from_index(&self.data, self.index) else { return text.chars().collect() };
        let charmap = font.charmap();
        let mut out: Vec<char> = text.chars().filter(|c| !c.is_whitespace() && charmap.map(*c).is_none()).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The face as krilla wants it.
    pub fn krilla(&self) -> Result<krilla::text::Font> {
        krilla::text::Font::new(krilla::Data::from(self.data.clone()), self.index).ok_or_else(|| {
            Error::input(
                format!("字体 {} 无法用于 PDF", self.family),
                format!("the font {} cannot be used for PDF", self.family),
            )
        })
    }
}

/// The system's CJK fonts, searched once per process (a scan of the font directories takes
/// tens of milliseconds).
pub fn cjk() -> Result<Fonts> {
    static FONTS: OnceLock<std::result::Result<Fonts, String>> = OnceLock::new();
    FONTS.get_or_init(find).clone().map_err(|family_list| not_found(&family_list))
}

fn not_found(family_list: &str) -> Error {
    Error::input(
        format!(
            "找不到中文字体（{family_list}）。请安装 Noto Sans CJK SC：Debian/Ubuntu 运行 \
             sudo apt install fonts-noto-cjk；或设置 {FONT_ENV}=字体文件路径"
        ),
        format!(
            "no Chinese font found ({family_list}). Install Noto Sans CJK SC: on Debian/Ubuntu run \
             sudo apt install fonts-noto-cjk; or set {FONT_ENV}=path/to/font"
        ),
    )
}

fn find() -> std::result::Result<Fonts, String> {
    if let Some(spec) = std::env::var_os(FONT_ENV).filter(|s| !s.is_empty()) {
        let spec = spec.to_string_lossy().into_owned();
        let (path, index) = match spec.rsplit_once('#') {
            Some((path, index)) => (path.to_string(), index.parse().unwrap_or(0)),
            None => (spec.clone(), 0),
        };
        let data = std::fs::read(&path).map_err(|e| format!("{FONT_ENV}={spec}: {e}"))?;
        FontRef::from_index(&data, index).map_err(|e| format!("{FONT_ENV}={spec}: {e}"))?;
        let face = Face { data: Arc::new(data), index, family: spec, path: Some(PathBuf::from(path)) };
        return Ok(Fonts { regular: face.clone(), bold: face });
    }
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    for family in FAMILIES {
        let Some(regular) = load(&db, family, fontdb::Weight::NORMAL) else { continue };
        let bold = load(&db, family, fontdb::Weight::BOLD)
            .filter(|f| f.path != regular.path || f.index != regular.index)
            .unwrap_or_else(|| regular.clone());
        return Ok(Fonts { regular, bold });
    }
    Err(FAMILIES.join(", "))
}

fn load(db: &fontdb::Database, family: &str, weight: fontdb::Weight) -> Option<Face> {
    let families = [fontdb::Family::Name(family)];
    let id = db.query(&fontdb::Query { families: &families, weight, ..Default::default() })?;
    let info = db.face(id)?;
    // A query falls back to the nearest weight; a "bold" that is the regular face is no bold.
    if weight == fontdb::Weight::BOLD && info.weight.0 < 600 {
        return None;
    }
    let path = match &info.source {
        fontdb::Source::File(path) => Some(path.clone()),
        _ => None,
    };
    let (data, index) = db.with_face_data(id, |data, index| (data.to_vec(), index))?;
    Some(Face { data: Arc::new(data), index, family: family.to_string(), path })
}
