//! What a person sets once for a data folder: their name as the history shows it, and the team
//! store the cases live on (absent: the data folder's own SQLite). Kept in
//! `settings.json` beside the database, written through a temporary file and a rename; the CLI
//! and the app read the same file, and `QUALKIT_STAFF` overrides it for one process.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

const FILE: &str = "settings.json";
/// The longest staff name kept, as `handler.name` (case::LIMITS).
pub const MAX_STAFF_CHARS: usize = 50;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Who this desktop's changes are recorded as; absent: the OS user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    /// The team store, `postgres://user:password@host:port/database`. The file is the user's
    /// own (0600 where the system has modes); the password is shown nowhere else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

impl Settings {
    /// The data folder's settings; none saved yet, or a file that cannot be read, is the default
    /// (a broken settings file must not keep anyone from their cases).
    pub fn load(data_dir: &Path) -> Settings {
        std::fs::read(data_dir.join(FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, data_dir: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::input(e.to_string(), e.to_string()))?;
        std::fs::create_dir_all(data_dir).map_err(|e| Error::io(data_dir, e))?;
        let path = data_dir.join(FILE);
        crate::write_file_atomically(&path, &json)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }

    /// Sets the team store once it answers at `url`, with `data_dir` as this desktop's data
    /// folder; empty goes back to the data folder's own store. A store that does not answer is
    /// not set: every command after the save would fail on it.
    pub fn set_database_url(&mut self, data_dir: &Path, url: &str) -> Result<()> {
        let url = url.trim();
        if url.is_empty() {
            self.database_url = None;
            return Ok(());
        }
        crate::store::Store::open_team(data_dir, &crate::store::TeamUrl::parse(url)?)?;
        self.database_url = Some(url.to_string());
        Ok(())
    }

    /// The team store's address with its password masked, for showing.
    pub fn database_url_shown(&self) -> Option<String> {
        self.database_url.as_deref().map(crate::store::mask_password)
    }

    /// Sets the staff name (trimmed; empty clears it), refusing one longer than a name can be.
    pub fn set_staff(&mut self, name: &str) -> Result<()> {
        let name = name.trim();
        let len = name.chars().count();
        if len > MAX_STAFF_CHARS {
            return Err(Error::input(
                format!("姓名有 {len} 个字，最多 {MAX_STAFF_CHARS} 个"),
                format!("the name has {len} characters; at most {MAX_STAFF_CHARS}"),
            ));
        }
        self.staff = (!name.is_empty()).then(|| name.to_string());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_staff_name_is_kept_and_a_broken_file_is_the_default() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Settings::load(dir.path()), Settings::default());
        let mut settings = Settings::default();
        settings.set_staff("  李娜 ").unwrap_or_else(|e| panic!("{e}"));
        settings.save(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Settings::load(dir.path()).staff.as_deref(), Some("李娜"));
        assert!(settings.set_staff(&"名".repeat(51)).is_err());
        std::fs::write(dir.path().join(FILE), b"{not json").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Settings::load(dir.path()), Settings::default());
    }
}
