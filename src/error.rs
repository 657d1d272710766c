//! The one error type of the core. Every variant can explain itself in Chinese and English.

use std::path::PathBuf;

use crate::i18n::{Lang, Text};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user's input cannot be used (a usage error in CLI terms: exit 2).
    #[error("{}", .0.en)]
    Input(Text),

    /// `case.toml` (or a file it names) is wrong at a known place.
    #[error("{}: line {line}: {}", .path.display(), .detail.en)]
    CaseFile { path: PathBuf, line: usize, detail: Text },

    #[error("no case with id `{0}`")]
    CaseNotFound(String),

    /// A save based on version `base` of a case that is now at `current`: somebody else saved
    /// it meanwhile. Nothing was written.
    #[error(
        "case {case} was changed by someone else since version {base} (now {current}; changed: {}): reload it, then save again",
        .changed.join(", ")
    )]
    Conflict { case: String, base: i64, current: i64, changed: Vec<String> },

    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },

    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),

    /// The team store (PostgreSQL) could not be reached or refused the change; the text never
    /// holds the connection's password.
    #[error("{}", .0.en)]
    Team(Text),

    #[error("database migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),

    /// A bundled asset (vendor profile, word list) is malformed: a bug in the release.
    #[error("asset {name}: {detail}")]
    Asset { name: String, detail: String },
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }

    pub fn input(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error::Input(Text::new(zh, en))
    }

    /// The message in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (Error::Input(text), Lang::Zh) => text.zh.clone(),
            (Error::CaseFile { path, line, detail }, Lang::Zh) => {
                format!("{} 第 {line} 行：{}", path.display(), detail.zh)
            }
            (Error::CaseNotFound(id), Lang::Zh) => format!("找不到编号为 `{id}` 的案卷"),
            (Error::Conflict { case, base, current, changed }, Lang::Zh) => format!(
                "案卷 {case} 在版本 {base} 之后已被他人修改（现为版本 {current}，改动：{}）：未保存，请重新载入后再改",
                changed.join("、")
            ),
            (Error::Io { path, source }, Lang::Zh) => {
                format!("无法读写 {}：{}", path.display(), io_reason_zh(source))
            }
            (Error::Database(e), Lang::Zh) => format!("数据库错误：{e}"),
            (Error::Team(text), Lang::Zh) => text.zh.clone(),
            (Error::Migration(e), Lang::Zh) => format!("数据库升级失败：{e}"),
            (Error::Asset { name, detail }, Lang::Zh) => format!("内置数据 {name} 有误：{detail}"),
        }
    }

    /// True when the fault is in what the user gave us rather than in the machine.
    pub fn is_user_input(&self) -> bool {
        matches!(self, Error::Input(_) | Error::CaseFile { .. } | Error::CaseNotFound(_))
    }
}

fn io_reason_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "文件或目录不存在".into(),
        ErrorKind::PermissionDenied => "没有权限".into(),
        ErrorKind::AlreadyExists => "已存在".into(),
        ErrorKind::StorageFull => "磁盘已满".into(),
        _ => e.to_string(),
    }
}
