//! The case store: a database plus a content-addressed folder of material files.
//!
//! The database is SQLite in the data folder (one desktop, the default), or a firm's PostgreSQL
//! server (the team store, [`Store::open_team`]); [`db`] hides which. On a team store the
//! materials' bytes live in the database too (`blobs`, in chunks, stored once per SHA-256), and
//! the data folder's blob files are this desktop's cache of them, fetched and verified on use.
//!
//! Layout of the data directory:
//! - `qualkit.db` — cases, materials (role, original name, size, type, SHA-256), ICP tracking;
//! - `blobs/ab/cdef…` — each material's bytes, named by SHA-256, written to `blobs/tmp/` first
//!   and renamed into place, so a crash never leaves a half-written file under a real name;
//! - `blobs.lock` — taken by whoever writes or removes blobs (see `Store::lock_blobs`).
//!
//! Every change is one transaction that takes the write lock as it begins; a failed import
//! removes the blobs it wrote, and one killed half-way is cleaned up by the next start. Several
//! processes may use one data folder at once (the app and the CLI): they wait for each other's
//! writes, and a change that reads what it writes runs in [`Store::exclusive`].

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::case::{ApplicantKind, CaseData, Role, Vendor, read_case_folder};
use crate::error::{Error, Result};
use crate::history::{Change, Event, EventKind};
use crate::icp::{FilingType, IcpPlan, IcpTracker, MessageState};
use crate::reading::{DocKind, Field, Origin, Reading};
use crate::scan::ColourStats;
use crate::submission::{Item as SubmissionItem, Outcome as SubmissionOutcome, Submission};

mod copy;
mod db;
mod team;

pub use copy::{CopyReport, copy_cases};

use db::{Db, Row, Value, args};
pub use db::{MAX_URL_CHARS, TeamUrl, mask_password};

const DB_FILE: &str = "qualkit.db";
/// See [`Store::lock_blobs`].
const BLOB_LOCK_FILE: &str = "blobs.lock";
/// A material larger than this is refused: no vendor accepts anything near it, and it is more
/// likely a wrong file than a real scan (the legal representative's video is the largest).
pub const MAX_MATERIAL_BYTES: u64 = 1 << 30;

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            "CREATE TABLE cases (
            id TEXT PRIMARY KEY,
            applicant_kind TEXT NOT NULL,
            applicant_name TEXT NOT NULL,
            data TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE materials (
            id INTEGER PRIMARY KEY,
            case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            original_name TEXT NOT NULL,
            size INTEGER NOT NULL,
            mime TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            added_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX materials_by_case ON materials(case_id);
        CREATE INDEX materials_by_hash ON materials(sha256);
        CREATE TABLE icp_plans (
            case_id TEXT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
            filing_type TEXT NOT NULL,
            subject_phone TEXT,
            site_phone TEXT,
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE icp_messages (
            case_id TEXT NOT NULL REFERENCES icp_plans(case_id) ON DELETE CASCADE,
            phone TEXT NOT NULL,
            first_sent_at TEXT,
            verified_at TEXT,
            resends_used INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (case_id, phone)
        ) STRICT;",
        ),
        // What each file shows, by content: OCR runs once per file, and a person's confirmation
        // survives re-imports of the same scan.
        M::up(
            "CREATE TABLE readings (
                sha256 TEXT NOT NULL,
                kind TEXT NOT NULL,
                data TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (sha256, kind)
            ) STRICT;
            CREATE TABLE image_stats (
                sha256 TEXT PRIMARY KEY,
                data TEXT NOT NULL
            ) STRICT;",
        ),
        // Staff share cases: each change is recorded with who made it, a save based on an old
        // version is refused, and what was submitted to which vendor is logged with the answer.
        M::up(
            "ALTER TABLE cases ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
            CREATE TABLE case_events (
                id INTEGER PRIMARY KEY,
                case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
                at TEXT NOT NULL,
                who TEXT NOT NULL,
                what TEXT NOT NULL,
                version INTEGER NOT NULL,
                field TEXT,
                old TEXT,
                new TEXT,
                detail TEXT
            ) STRICT;
            CREATE INDEX case_events_by_case ON case_events(case_id, id);
            CREATE TABLE submissions (
                id INTEGER PRIMARY KEY,
                case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
                vendor TEXT NOT NULL,
                items TEXT NOT NULL,
                submitted_at TEXT NOT NULL,
                submitted_by TEXT NOT NULL,
                outcome TEXT,
                reason TEXT,
                decided_at TEXT
            ) STRICT;
            CREATE INDEX submissions_by_case ON submissions(case_id, id);",
        ),
    ])
}

/// A material as the store keeps it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Material {
    pub id: i64,
    pub role: Role,
    pub original_name: String,
    pub size: u64,
    pub mime: String,
    pub sha256: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Case {
    pub id: String,
    pub data: CaseData,
    pub materials: Vec<Material>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Counts the saves of `data`: a save based on an older version is refused.
    pub version: i64,
}

impl Case {
    /// The material `material_id` of this case, or an error that names both.
    pub fn material(&self, material_id: i64) -> Result<&Material> {
        self.materials.iter().find(|m| m.id == material_id).ok_or_else(|| {
            Error::input(
                format!("案卷 {} 中没有编号为 {material_id} 的材料", self.id),
                format!("case {} has no material {material_id}", self.id),
            )
        })
    }

    pub fn materials_with_role(&self, role: Role) -> impl Iterator<Item = &Material> {
        self.materials.iter().filter(move |m| m.role == role)
    }

    pub fn has_material(&self, role: Role) -> bool {
        self.materials_with_role(role).next().is_some()
    }
}

/// One row of the case list.
#[derive(Clone, Debug, Serialize)]
pub struct CaseSummary {
    pub id: String,
    pub applicant_kind: ApplicantKind,
    pub applicant_name: String,
    pub vendors: Vec<Vendor>,
    pub material_count: u64,
    pub updated_at: DateTime<Utc>,
}

/// Another case with the same handler (see [`Store::cases_with_handler`]).
#[derive(Clone, Debug)]
pub struct HandlerElsewhere {
    pub case_id: String,
    pub applicant_name: String,
    pub uscc: Option<String>,
}

pub struct Store {
    db: Db,
    root: PathBuf,
    /// Who the history names for this store's changes ([`crate::history::staff`]).
    staff: String,
}

/// What a killed process leaves in `blobs/tmp`: a copy not yet renamed into place, or the mark
/// of an import or removal that had not finished (its blobs may be written and unused).
const UNFINISHED_MARK: &str = ".unfinished";

struct Blob {
    sha256: String,
    size: u64,
    mime: String,
}

/// The environment variable that puts the case store on a team server, over the settings.
pub const DATABASE_URL_VAR: &str = "QUALKIT_DATABASE_URL";

impl Store {
    /// Opens (creating if needed) the SQLite store in `root`, bringing the schema up to date.
    pub fn open(root: &Path) -> Result<Store> {
        std::fs::create_dir_all(root.join("blobs").join("tmp")).map_err(|e| Error::io(root, e))?;
        let path = root.join(DB_FILE);
        let mut conn = Connection::open(&path)?;
        // WAL is set outside the migrations, as rusqlite_migration's docs ask.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations().to_latest(&mut conn)?;
        Store::with_db(Db::sqlite(conn), root)
    }

    /// Opens the team store at `url`, with `root` as this desktop's data folder (its settings and
    /// its cache of material files), bringing the server's schema up to date.
    pub fn open_team(root: &Path, url: &TeamUrl) -> Result<Store> {
        std::fs::create_dir_all(root.join("blobs").join("tmp")).map_err(|e| Error::io(root, e))?;
        Store::with_db(Db::postgres(url, team::MIGRATIONS)?, root)
    }

    /// The store this desktop is set to use: the team store named by `QUALKIT_DATABASE_URL` or
    /// the settings, else SQLite in `root`. A team store that cannot be reached is an error,
    /// never a silent fall-back to the desktop's own (stale) cases.
    pub fn open_configured(root: &Path) -> Result<Store> {
        match configured_team_url(root)? {
            Some(url) => Store::open_team(root, &url),
            None => Store::open(root),
        }
    }

    fn with_db(db: Db, root: &Path) -> Result<Store> {
        let store = Store { db, root: root.to_path_buf(), staff: crate::history::staff(root) };
        store.clean_up_after_a_crash()?;
        Ok(store)
    }

    /// The team store this store is on, `None` for the desktop's SQLite.
    pub fn team_url(&self) -> Option<&TeamUrl> {
        self.db.team_url()
    }

    /// Removes what an import, a removal or a bundle import killed half-way left behind: copies
    /// in `blobs/tmp`, blobs no material uses, unpacked bundles. Only when there is something to
    /// clean (a store that was closed properly costs one directory listing) and no other
    /// process is writing blobs (it would hold the lock shared); else the next start does it.
    fn clean_up_after_a_crash(&self) -> Result<()> {
        let tmp = self.root.join("blobs").join("tmp");
        let staged_imports: Vec<PathBuf> = list_dir(&self.root)?
            .into_iter()
            .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(IMPORT_STAGING_PREFIX)))
            .collect();
        let leftovers = list_dir(&tmp)?;
        if leftovers.is_empty() && staged_imports.is_empty() {
            return Ok(());
        }
        let Some(_alone) = self.lock_blobs(Lock::ExclusiveIfFree)? else {
            return Ok(());
        };
        for path in staged_imports.iter().chain(&leftovers) {
            let removed = if path.is_dir() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) };
            match removed {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::io(path, e)),
                _ => {}
            }
        }
        let used: std::collections::HashSet<String> = self
            .db
            .query("SELECT DISTINCT sha256 FROM materials", &[])?
            .iter()
            .map(|r| r.text(0))
            .collect::<Result<_>>()?;
        let unused: Vec<String> = self.stored_blobs()?.into_iter().filter(|sha| !used.contains(sha)).collect();
        self.remove_unused(&unused)
    }

    /// `blobs.lock`, held shared while blobs are written and the rows that use them committed,
    /// exclusive while unused blobs are removed: a blob another process is about to use is never
    /// taken for unused, and after a crash the next start tells leftovers (nobody holds the lock)
    /// from another process's work in progress. Released when the file is closed, by a killed
    /// process too. `None`: `ExclusiveIfFree` and another process holds it.
    fn lock_blobs(&self, how: Lock) -> Result<Option<File>> {
        let path = self.root.join(BLOB_LOCK_FILE);
        let file =
            File::options().create(true).truncate(false).write(true).open(&path).map_err(|e| Error::io(&path, e))?;
        match how {
            Lock::Shared => file.lock_shared().map_err(|e| Error::io(&path, e))?,
            Lock::Exclusive => file.lock().map_err(|e| Error::io(&path, e))?,
            Lock::ExclusiveIfFree => match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
                Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            },
        }
        Ok(Some(file))
    }

    /// The SHA-256 of every blob file on disk.
    fn stored_blobs(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for dir in list_dir(&self.root.join("blobs"))? {
            let Some(prefix) = dir.file_name().map(|n| n.to_string_lossy().into_owned()) else { continue };
            if prefix.len() != 2 || !dir.is_dir() {
                continue;
            }
            for file in list_dir(&dir)? {
                if let Some(rest) = file.file_name().map(|n| n.to_string_lossy().into_owned()) {
                    out.push(format!("{prefix}{rest}"));
                }
            }
        }
        Ok(out)
    }

    /// Marks a change that writes (`Lock::Shared`) or removes (`Lock::Exclusive`) blobs as under
    /// way, holding the blob lock until the mark is dropped. A process killed meanwhile leaves
    /// the mark, and the next start cleans up.
    pub(crate) fn unfinished(&self, how: Lock) -> Result<Unfinished> {
        let lock = self.lock_blobs(how)?;
        let tmp_dir = self.root.join("blobs").join("tmp");
        let mark = tempfile::Builder::new()
            .suffix(UNFINISHED_MARK)
            .tempfile_in(&tmp_dir)
            .map_err(|e| Error::io(&tmp_dir, e))?;
        Ok(Unfinished { _mark: mark, _lock: lock })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Names who makes this store's changes from now on (the app's settings).
    pub fn set_staff(&mut self, name: &str) {
        let name = name.trim();
        self.staff = if name.is_empty() {
            crate::history::staff(&self.root)
        } else {
            name.chars().take(crate::settings::MAX_STAFF_CHARS).collect()
        };
    }

    /// Where a material's bytes live on this desktop. On a team store the file may not be here
    /// yet: [`Store::material_file`] fetches it.
    pub fn blob_path(&self, sha256: &str) -> PathBuf {
        let (dir, rest) = sha256.split_at(sha256.len().min(2));
        self.root.join("blobs").join(dir).join(rest)
    }

    /// A material's file on this desktop, fetched from the team store (and checked against its
    /// SHA-256) when this desktop has not had it yet.
    pub fn material_file(&self, sha256: &str) -> Result<PathBuf> {
        let path = self.blob_path(sha256);
        if self.db.is_team() && !path.is_file() {
            team::fetch_blob(&self.db, sha256, &path, &self.root.join("blobs").join("tmp"))?;
        }
        Ok(path)
    }

    /// Imports a case folder (case.toml + files). All or nothing: on any error no case row
    /// exists and the blobs this import created are removed again.
    pub fn import_folder(&mut self, dir: &Path) -> Result<String> {
        let folder = read_case_folder(dir)?;
        let mut created = Vec::new();
        let _unfinished = self.unfinished(Lock::Shared)?;
        let result = (|| {
            let mut blobs = Vec::with_capacity(folder.materials.len());
            for file in &folder.materials {
                let (blob, new) = self.put_blob(&file.path)?;
                if new {
                    created.push(blob.sha256.clone());
                }
                blobs.push(blob);
            }
            let tx = self.db.begin()?;
            let id = insert_case(&tx, &folder.data)?;
            let who = self.staff.as_str();
            record(&tx, &id, who, EventKind::Imported, 1, None, Some(&dir.display().to_string()))?;
            for (file, blob) in folder.materials.iter().zip(&blobs) {
                self.upload_blob(&tx, blob)?;
                insert_material(&tx, &id, file.role, &file.name, blob)?;
            }
            tx.commit()?;
            Ok(id)
        })();
        if result.is_err() {
            for sha in created {
                let _ = std::fs::remove_file(self.blob_path(&sha));
            }
        }
        result
    }

    /// On a team store, puts a blob this desktop has into the database, in the caller's
    /// transaction, unless it is there already (another staff member's copy of the same file).
    fn upload_blob(&self, db: &Db, blob: &Blob) -> Result<()> {
        if db.is_team() {
            team::upload_blob(db, &blob.sha256, blob.size, &self.blob_path(&blob.sha256))
        } else {
            Ok(())
        }
    }

    pub fn create_case(&mut self, data: &CaseData) -> Result<String> {
        let tx = self.db.begin()?;
        let id = insert_case(&tx, data)?;
        record(&tx, &id, &self.staff, EventKind::Created, 1, None, None)?;
        tx.commit()?;
        Ok(id)
    }

    /// Saves the case's declared values, whatever version they were based on.
    pub fn update_case(&mut self, id: &str, data: &CaseData) -> Result<()> {
        self.update_case_from(id, data, None).map(|_| ())
    }

    /// Saves the case's declared values if they are based on version `base` (when given) and
    /// records each changed field; returns the new version. A save based on an older version is
    /// refused with the fields changed since, never written over them.
    pub fn update_case_from(&mut self, id: &str, data: &CaseData, base: Option<i64>) -> Result<i64> {
        let json = to_json(data)?;
        let tx = self.db.begin()?;
        let row = tx.query_opt("SELECT data, version FROM cases WHERE id = ?1", args![id])?;
        let Some(row) = row else {
            return Err(Error::CaseNotFound(id.to_string()));
        };
        let (stored, version) = (row.text(0)?, row.int(1)?);
        if let Some(base) = base.filter(|b| *b != version) {
            let mut changed: Vec<String> = tx
                .query(
                    "SELECT DISTINCT field FROM case_events WHERE case_id = ?1 AND version > ?2 AND field IS NOT NULL",
                    args![id, base],
                )?
                .iter()
                .map(|r| r.text(0))
                .collect::<Result<_>>()?;
            changed.sort();
            return Err(Error::Conflict { case: id.to_string(), base, current: version, changed });
        }
        let changes = crate::history::changes(&parse_data(id, &stored)?, data);
        if changes.is_empty() {
            return Ok(version);
        }
        let next = version + 1;
        tx.execute(
            "UPDATE cases SET applicant_kind = ?2, applicant_name = ?3, data = ?4, updated_at = ?5, version = ?6 WHERE id = ?1",
            args![id, data.applicant.kind.as_str(), data.applicant.name.as_str(), json, now(), next],
        )?;
        for change in &changes {
            record(&tx, id, &self.staff, EventKind::Changed, next, Some(change), None)?;
        }
        tx.commit()?;
        Ok(next)
    }

    /// What happened to the case, oldest first.
    pub fn history(&self, id: &str) -> Result<Vec<Event>> {
        self.case_exists(id)?;
        let rows = self.db.query(
            "SELECT at, who, what, version, field, old, new, detail FROM case_events WHERE case_id = ?1 ORDER BY id",
            args![id],
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let Some(what) = EventKind::parse(&r.text(2)?) else { continue };
            out.push(Event {
                at: parse_time(&r.text(0)?),
                who: r.text(1)?,
                what,
                version: r.int(3)?,
                field: r.opt_text(4)?,
                old: r.opt_text(5)?,
                new: r.opt_text(6)?,
                detail: r.opt_text(7)?,
            });
        }
        Ok(out)
    }

    /// Records that the case was submitted to `vendor` (its `items`) at `at` (default now).
    pub fn record_submission(
        &mut self,
        id: &str,
        vendor: Vendor,
        items: &[SubmissionItem],
        at: Option<DateTime<Utc>>,
    ) -> Result<Submission> {
        if items.is_empty() {
            return Err(Error::input(
                "请写明提交了什么（资质、签名、模板）",
                "say what was submitted (qualification, signature, templates)",
            ));
        }
        let at = at.unwrap_or_else(Utc::now);
        let items_json = to_json(items)?;
        let tx = self.db.begin()?;
        tx.query_opt("SELECT 1 FROM cases WHERE id = ?1", args![id])?
            .ok_or_else(|| Error::CaseNotFound(id.to_string()))?;
        tx.execute(
            "INSERT INTO submissions (case_id, vendor, items, submitted_at, submitted_by) VALUES (?1, ?2, ?3, ?4, ?5)",
            args![id, vendor.as_str(), items_json, at.to_rfc3339(), self.staff.as_str()],
        )?;
        let shown: Vec<&str> = items.iter().map(|i| i.as_str()).collect();
        record_now(&tx, id, &self.staff, EventKind::Submitted, &format!("{vendor}: {}", shown.join(", ")))?;
        tx.commit()?;
        self.submissions(id)?.into_iter().last().ok_or_else(|| Error::CaseNotFound(id.to_string()))
    }

    /// Records the vendor's answer to the case's latest submission to it still waiting for one.
    pub fn record_outcome(
        &mut self,
        id: &str,
        vendor: Vendor,
        outcome: SubmissionOutcome,
        reason: Option<&str>,
        at: Option<DateTime<Utc>>,
    ) -> Result<Submission> {
        let reason = match (outcome, reason) {
            (SubmissionOutcome::Rejected, reason) => Some(crate::submission::tidy_reason(reason.unwrap_or_default())?),
            (SubmissionOutcome::Approved, Some(note)) if !note.trim().is_empty() => {
                Some(crate::submission::tidy_reason(note)?)
            }
            (SubmissionOutcome::Approved, _) => None,
        };
        let at = at.unwrap_or_else(Utc::now);
        let tx = self.db.begin()?;
        let pending = tx.query_opt(
            "SELECT id FROM submissions WHERE case_id = ?1 AND vendor = ?2 AND outcome IS NULL ORDER BY id DESC LIMIT 1",
            args![id, vendor.as_str()],
        )?;
        let Some(pending) = pending else {
            return Err(Error::input(
                format!("案卷 {id} 没有等待{vendor}答复的提交：先记录提交（qualkit case submit）"),
                format!(
                    "case {id} has no submission to {vendor} awaiting an answer: record the submission first (qualkit case submit)"
                ),
            ));
        };
        let submission = pending.int(0)?;
        tx.execute(
            "UPDATE submissions SET outcome = ?2, reason = ?3, decided_at = ?4 WHERE id = ?1",
            args![submission, outcome.as_str(), reason.as_deref(), at.to_rfc3339()],
        )?;
        let detail = match &reason {
            Some(reason) => format!("{vendor}: {outcome}: {reason}"),
            None => format!("{vendor}: {outcome}"),
        };
        record_now(&tx, id, &self.staff, EventKind::Decided, &detail)?;
        tx.commit()?;
        self.submissions(id)?
            .into_iter()
            .find(|s| s.id == submission)
            .ok_or_else(|| Error::CaseNotFound(id.to_string()))
    }

    /// The case's submissions, oldest first, each rejection matched to the rules behind it.
    pub fn submissions(&self, id: &str) -> Result<Vec<Submission>> {
        self.case_exists(id)?;
        Ok(submissions_where(&self.db, "case_id = ?1", args![id])?.into_iter().map(|(_, s)| s).collect())
    }

    /// Every submission of the store with its case, oldest first (the portfolio, the reasons).
    pub fn all_submissions(&self) -> Result<Vec<(String, Submission)>> {
        submissions_where(&self.db, "1 = 1", &[])
    }

    /// What the store's materials of these roles read, with their case: the portfolio's dates,
    /// in one query instead of one a material.
    pub fn readings_of_roles(&self, roles: &[Role]) -> Result<Vec<(String, Role, Reading)>> {
        let mut out = Vec::new();
        for role in roles {
            let Some(kind) = DocKind::for_role(*role) else { continue };
            let rows = self.db.query(
                "SELECT m.case_id, r.data FROM materials m JOIN readings r ON r.sha256 = m.sha256 AND r.kind = ?2
                 WHERE m.role = ?1 ORDER BY m.id",
                args![role.as_str(), kind.as_str()],
            )?;
            for row in rows {
                if let Ok(reading) = serde_json::from_str::<Reading>(&row.text(1)?) {
                    out.push((row.text(0)?, *role, reading));
                }
            }
        }
        Ok(out)
    }

    /// The cases that have a verification-SMS plan.
    pub fn cases_with_icp_plans(&self) -> Result<Vec<String>> {
        texts(self.db.query("SELECT case_id FROM icp_plans ORDER BY case_id", &[])?)
    }

    /// The cases `who` changed or submitted.
    pub fn cases_touched_by(&self, who: &str) -> Result<Vec<String>> {
        texts(self.db.query(
            "SELECT case_id FROM case_events WHERE who = ?1 UNION SELECT case_id FROM submissions WHERE submitted_by = ?1",
            args![who],
        )?)
    }

    /// Records an event that changes no stored value of the case (an export made).
    pub fn record_event(&mut self, id: &str, what: EventKind, detail: &str) -> Result<()> {
        let tx = self.db.begin()?;
        let version = tx.query_opt("SELECT version FROM cases WHERE id = ?1", args![id])?;
        let version = version.ok_or_else(|| Error::CaseNotFound(id.to_string()))?.int(0)?;
        record(&tx, id, &self.staff, what, version, None, Some(detail))?;
        tx.commit()
    }

    /// The other cases whose handler has this ID number, with their applicants: carriers take
    /// one handler per company, so one person handling two companies is flagged.
    pub fn cases_with_handler(&self, id_number: &str, except: &str) -> Result<Vec<HandlerElsewhere>> {
        let handler = self.db.json_text("data", &["handler", "id_number"]);
        let rows = self.db.query(
            &format!("SELECT id, data FROM cases WHERE id != ?2 AND {handler} = ?1 ORDER BY id"),
            args![id_number, except],
        )?;
        let mut out = Vec::new();
        for row in rows {
            let id = row.text(0)?;
            let data = parse_data(&id, &row.text(1)?)?;
            out.push(HandlerElsewhere { case_id: id, applicant_name: data.applicant.name, uscc: data.applicant.uscc });
        }
        Ok(out)
    }

    pub fn list_cases(&self) -> Result<Vec<CaseSummary>> {
        self.summaries("", &[])
    }

    /// The cases whose applicant name, id or credit code contains `query` (case-insensitive for
    /// Latin letters), most recently changed first.
    pub fn search_cases(&self, query: &str) -> Result<Vec<CaseSummary>> {
        let query = query.trim();
        if query.is_empty() {
            return self.list_cases();
        }
        let escaped = query.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        let (like, uscc) = (self.db.like(), self.db.json_text("c.data", &["applicant", "uscc"]));
        self.summaries(
            &format!(
                "WHERE c.applicant_name {like} ?1 ESCAPE '\\' OR c.id {like} ?1 ESCAPE '\\'
                   OR {uscc} {like} ?1 ESCAPE '\\'"
            ),
            args![pattern],
        )
    }

    fn summaries(&self, condition: &str, args: &[Value]) -> Result<Vec<CaseSummary>> {
        let rows = self.db.query(
            &format!(
                "SELECT c.id, c.data, c.updated_at, (SELECT count(*) FROM materials m WHERE m.case_id = c.id)
                 FROM cases c {condition} ORDER BY c.updated_at DESC, c.id"
            ),
            args,
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let id = row.text(0)?;
            let data = parse_data(&id, &row.text(1)?)?;
            out.push(CaseSummary {
                id,
                applicant_kind: data.applicant.kind,
                applicant_name: data.applicant.name,
                vendors: data.vendors,
                material_count: u64::try_from(row.int(3)?).unwrap_or(0),
                updated_at: parse_time(&row.text(2)?),
            });
        }
        Ok(out)
    }

    pub fn case(&self, id: &str) -> Result<Case> {
        let row =
            self.db.query_opt("SELECT data, created_at, updated_at, version FROM cases WHERE id = ?1", args![id])?;
        let Some(row) = row else {
            return Err(Error::CaseNotFound(id.to_string()));
        };
        let materials = self
            .db
            .query(
                "SELECT id, role, original_name, size, mime, sha256 FROM materials WHERE case_id = ?1 ORDER BY id",
                args![id],
            )?
            .iter()
            .map(|m| {
                Ok(Material {
                    id: m.int(0)?,
                    role: Role::parse(&m.text(1)?).unwrap_or(Role::Other),
                    original_name: m.text(2)?,
                    size: u64::try_from(m.int(3)?).unwrap_or(0),
                    mime: m.text(4)?,
                    sha256: m.text(5)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Case {
            id: id.to_string(),
            data: parse_data(id, &row.text(0)?)?,
            materials,
            created_at: parse_time(&row.text(1)?),
            updated_at: parse_time(&row.text(2)?),
            version: row.int(3)?,
        })
    }

    /// Copies a case and its materials (the files are shared by content, so nothing is copied on
    /// disk), for a sibling package: another signature or vendor for the same client. The copy
    /// starts without the original's verification-SMS tracking, which belongs to one filing.
    pub fn duplicate_case(&mut self, id: &str) -> Result<String> {
        let case = self.case(id)?;
        let tx = self.db.begin()?;
        let copy = insert_case(&tx, &case.data)?;
        record(&tx, &copy, &self.staff, EventKind::Duplicated, 1, None, Some(id))?;
        tx.execute(
            "INSERT INTO materials (case_id, role, original_name, size, mime, sha256, added_at)
             SELECT CAST(?2 AS TEXT), role, original_name, size, mime, sha256, added_at FROM materials WHERE case_id = ?1 ORDER BY id",
            args![id, copy.as_str()],
        )?;
        tx.commit()?;
        Ok(copy)
    }

    /// Adds one material file to a case.
    pub fn add_material(&mut self, id: &str, role: Role, file: &Path) -> Result<Material> {
        self.case_exists(id)?;
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).ok_or_else(|| {
            Error::input(format!("{} 不是文件", file.display()), format!("{} is not a file", file.display()))
        })?;
        let _unfinished = self.unfinished(Lock::Shared)?;
        let (blob, new) = self.put_blob(file)?;
        let result = (|| {
            let tx = self.db.begin()?;
            self.upload_blob(&tx, &blob)?;
            let material_id = insert_material(&tx, id, role, &name, &blob)?;
            tx.execute("UPDATE cases SET updated_at = ?2 WHERE id = ?1", args![id, now()])?;
            let detail = format!("{} #{material_id} {name}", role.as_str());
            record_now(&tx, id, &self.staff, EventKind::MaterialAdded, &detail)?;
            tx.commit()?;
            Ok(material_id)
        })();
        match result {
            Ok(material_id) => Ok(Material {
                id: material_id,
                role,
                original_name: name,
                size: blob.size,
                mime: blob.mime,
                sha256: blob.sha256,
            }),
            Err(e) => {
                if new {
                    let _ = std::fs::remove_file(self.blob_path(&blob.sha256));
                }
                Err(e)
            }
        }
    }

    pub fn remove_material(&mut self, id: &str, material_id: i64) -> Result<()> {
        let row = self.db.query_opt(
            "SELECT sha256, role, original_name FROM materials WHERE id = ?1 AND case_id = ?2",
            args![material_id, id],
        )?;
        let Some(row) = row else {
            return Err(Error::input(
                format!("案卷 {id} 中没有编号为 {material_id} 的材料"),
                format!("case {id} has no material {material_id}"),
            ));
        };
        let (sha, role, name) = (row.text(0)?, row.text(1)?, row.text(2)?);
        let tx = self.db.begin()?;
        tx.execute("DELETE FROM materials WHERE id = ?1", args![material_id])?;
        tx.execute("UPDATE cases SET updated_at = ?2 WHERE id = ?1", args![id, now()])?;
        record_now(&tx, id, &self.staff, EventKind::MaterialRemoved, &format!("{role} #{material_id} {name}"))?;
        tx.commit()?;
        self.collect_garbage(&[sha])
    }

    pub fn delete_case(&mut self, id: &str) -> Result<()> {
        let case = self.case(id)?;
        let tx = self.db.begin()?;
        tx.execute("DELETE FROM cases WHERE id = ?1", args![id])?;
        tx.commit()?;
        let hashes: Vec<String> = case.materials.into_iter().map(|m| m.sha256).collect();
        self.collect_garbage(&hashes)
    }

    /// Removes blob files that no material references any more, alone: no other process is
    /// between writing a blob and committing the material that uses it.
    fn collect_garbage(&self, hashes: &[String]) -> Result<()> {
        let _alone = self.unfinished(Lock::Exclusive)?;
        let mut unused = Vec::new();
        for sha in hashes {
            let used = self.db.query_opt("SELECT 1 FROM materials WHERE sha256 = ?1 LIMIT 1", args![sha])?;
            if used.is_none() {
                unused.push(sha.clone());
            }
        }
        self.remove_unused(&unused)
    }

    /// Removes unused blobs with what was cached about them. The caller holds the blob lock. On
    /// a team store another desktop may have used the blob meanwhile: the rows go only if still
    /// unused, in one write, and this desktop's file (a cache) goes either way.
    fn remove_unused(&self, hashes: &[String]) -> Result<()> {
        for sha in hashes {
            let tx = self.db.begin()?;
            let unused = "NOT EXISTS (SELECT 1 FROM materials WHERE sha256 = ?1)";
            tx.execute(&format!("DELETE FROM readings WHERE sha256 = ?1 AND {unused}"), args![sha])?;
            tx.execute(&format!("DELETE FROM image_stats WHERE sha256 = ?1 AND {unused}"), args![sha])?;
            if tx.is_team() {
                tx.execute(&format!("DELETE FROM blobs WHERE sha256 = ?1 AND {unused}"), args![sha])?;
            }
            tx.commit()?;
            match std::fs::remove_file(self.blob_path(sha)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(self.blob_path(sha), e)),
            }
        }
        Ok(())
    }

    /// Runs `change` as one transaction that holds the write lock from its start: a change that
    /// reads what it then writes (a confirmation added to a reading, a resend counted) cannot
    /// be interleaved with another process's, so neither is lost. The store's own writes inside
    /// it join it.
    pub fn exclusive<T>(&mut self, change: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        let depth = self.db.begin()?.keep_open();
        match change(self) {
            Ok(value) => {
                self.db.resume(depth).commit()?;
                Ok(value)
            }
            Err(e) => {
                drop(self.db.resume(depth));
                Err(e)
            }
        }
    }

    /// Records what the file with this content shows, replacing an earlier reading of the kind.
    pub fn save_reading(&mut self, sha256: &str, reading: &Reading) -> Result<()> {
        save_reading_in(&self.db, sha256, reading)
    }

    /// Records an OCR reading unless the file was read or confirmed meanwhile (by another window
    /// or process while this one read it): a person's confirmation is never replaced by a
    /// machine reading that started before it. Returns whether it was recorded.
    pub fn save_new_reading(&mut self, sha256: &str, reading: &Reading) -> Result<bool> {
        self.exclusive(|store| {
            if store.reading(sha256, reading.kind)?.is_some_and(|r| !r.is_stale()) {
                return Ok(false);
            }
            store.save_reading(sha256, reading)?;
            Ok(true)
        })
    }

    /// The cached reading of a file, if it was read (or confirmed) before.
    pub fn reading(&self, sha256: &str, kind: DocKind) -> Result<Option<Reading>> {
        reading_in(&self.db, sha256, kind)
    }

    /// The colour measurements of a stored file, measured on first use and then cached.
    pub fn colour_stats(&self, sha256: &str) -> Result<ColourStats> {
        let cached = self.db.query_opt("SELECT data FROM image_stats WHERE sha256 = ?1", args![sha256])?;
        if let Some(stats) = cached.and_then(|row| serde_json::from_str(&row.text(0).ok()?).ok()) {
            return Ok(stats);
        }
        let stats = crate::scan::colour_stats(&self.material_file(sha256)?)?;
        self.db.execute(
            "INSERT INTO image_stats (sha256, data) VALUES (?1, ?2)
             ON CONFLICT (sha256) DO UPDATE SET data = excluded.data",
            args![sha256, to_json(&stats)?],
        )?;
        Ok(stats)
    }

    /// Records what a person read on a material: each `(key, value)` replaces the field with a
    /// confirmed value (confidence 1, nothing uncertain); other fields OCR read are kept.
    pub fn confirm_fields(&mut self, id: &str, material_id: i64, fields: &[(String, String)]) -> Result<Reading> {
        let case = self.case(id)?;
        let material = case.material(material_id)?;
        let kind = DocKind::for_role(material.role).ok_or_else(|| {
            Error::input(
                format!("{}不是需要识别字段的材料", material.role.label().zh),
                format!("the {} has no fields to read", material.role.label().en),
            )
        })?;
        if let Some((key, _)) = fields.iter().find(|(key, _)| !kind.fields().contains(&key.as_str())) {
            let known = kind.fields().join(", ");
            return Err(Error::input(
                format!("{}没有字段“{key}”；可用字段：{known}", material.role.label().zh),
                format!("a {} has no field `{key}`; fields: {known}", material.role.label().en),
            ));
        }
        let sha256 = material.sha256.clone();
        self.exclusive(|store| {
            let mut reading = store.reading(&sha256, kind)?.unwrap_or_else(|| Reading::new(kind, Origin::Person));
            for (key, value) in fields {
                reading.fields.insert(key.clone(), Field::confirmed(value.clone()));
            }
            reading.origin = Origin::Person;
            store.save_reading(&sha256, &reading)?;
            let keys: Vec<&str> = fields.iter().map(|(key, _)| key.as_str()).collect();
            let detail = format!("{} #{material_id}: {}", kind.as_str(), keys.join(", "));
            record_now(&store.db, id, &store.staff, EventKind::ReadingConfirmed, &detail)?;
            Ok(reading)
        })
    }

    /// The readings of a case's materials, in material order.
    pub fn case_readings(&self, case: &Case) -> Result<Vec<(Material, Reading)>> {
        let mut out = Vec::new();
        for material in &case.materials {
            let Some(kind) = DocKind::for_role(material.role) else { continue };
            if let Some(reading) = self.reading(&material.sha256, kind)? {
                out.push((material.clone(), reading));
            }
        }
        Ok(out)
    }

    fn case_exists(&self, id: &str) -> Result<()> {
        let found = self.db.query_opt("SELECT 1 FROM cases WHERE id = ?1", args![id])?;
        found.map(|_| ()).ok_or_else(|| Error::CaseNotFound(id.to_string()))
    }

    /// Copies `source` into the blob folder, hashing as it goes. Returns whether the blob is new.
    fn put_blob(&self, source: &Path) -> Result<(Blob, bool)> {
        let mut input = File::open(source).map_err(|e| Error::io(source, e))?;
        let meta = input.metadata().map_err(|e| Error::io(source, e))?;
        if !meta.is_file() {
            return Err(Error::input(
                format!("{} 不是普通文件", source.display()),
                format!("{} is not a regular file", source.display()),
            ));
        }
        if meta.len() == 0 {
            return Err(Error::input(
                format!("{} 是空文件", source.display()),
                format!("{} is empty", source.display()),
            ));
        }
        if meta.len() > MAX_MATERIAL_BYTES {
            return Err(Error::input(
                format!("{} 超过 1 GiB，不像是一份材料", source.display()),
                format!("{} is larger than 1 GiB, which no material should be", source.display()),
            ));
        }
        let tmp_dir = self.root.join("blobs").join("tmp");
        let mut tmp = tempfile::NamedTempFile::new_in(&tmp_dir).map_err(|e| Error::io(&tmp_dir, e))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut size = 0u64;
        let mut head = Vec::new();
        loop {
            let n = input.read(&mut buf).map_err(|e| Error::io(source, e))?;
            if n == 0 {
                break;
            }
            let chunk = buf.get(..n).unwrap_or_default();
            if head.len() < 8192 {
                head.extend_from_slice(chunk.get(..chunk.len().min(8192 - head.len())).unwrap_or_default());
            }
            hasher.update(chunk);
            tmp.write_all(chunk).map_err(|e| Error::io(tmp.path(), e))?;
            size += n as u64;
        }
        tmp.as_file().sync_all().map_err(|e| Error::io(tmp.path(), e))?;
        let sha256 = hex(&hasher.finalize());
        let mime =
            infer::get(&head).map(|t| t.mime_type().to_string()).unwrap_or_else(|| "application/octet-stream".into());
        let final_path = self.blob_path(&sha256);
        let new = !final_path.exists();
        if new {
            if let Some(parent) = final_path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            tmp.persist(&final_path).map_err(|e| Error::io(&final_path, e.error))?;
        }
        Ok((Blob { sha256, size, mime }, new))
    }

    // --- MIIT filing verification SMS ------------------------------------------------------

    /// Stores (replacing any earlier one) the verification plan of the case's filing.
    pub fn set_icp_plan(&mut self, id: &str, plan: &IcpPlan) -> Result<()> {
        self.case_exists(id)?;
        let tx = self.db.begin()?;
        tx.execute("DELETE FROM icp_plans WHERE case_id = ?1", args![id])?;
        tx.execute(
            "INSERT INTO icp_plans (case_id, filing_type, subject_phone, site_phone, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            args![id, plan.filing_type.as_str(), plan.subject_phone.as_deref(), plan.site_phone.as_deref(), now()],
        )?;
        for message in &plan.messages {
            tx.execute("INSERT INTO icp_messages (case_id, phone) VALUES (?1, ?2)", args![id, message.phone.as_str()])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The stored plan with each message's state, or `None` when the case has no plan.
    pub fn icp_tracker(&self, id: &str) -> Result<Option<IcpTracker>> {
        self.case_exists(id)?;
        let plan = self
            .db
            .query_opt("SELECT filing_type, subject_phone, site_phone FROM icp_plans WHERE case_id = ?1", args![id])?;
        let Some(plan) = plan else {
            return Ok(None);
        };
        let (filing_type, subject_phone, site_phone) = (plan.text(0)?, plan.opt_text(1)?, plan.opt_text(2)?);
        let filing_type = FilingType::parse(&filing_type).ok_or_else(|| Error::Asset {
            name: DB_FILE.into(),
            detail: format!("unknown filing type {filing_type}"),
        })?;
        let plan = IcpPlan::new(filing_type, subject_phone.as_deref(), site_phone.as_deref())?;
        let states = self
            .db
            .query(
                "SELECT phone, first_sent_at, verified_at, resends_used FROM icp_messages WHERE case_id = ?1",
                args![id],
            )?
            .iter()
            .map(|r| {
                Ok(MessageState {
                    phone: r.text(0)?,
                    first_sent_at: r.opt_text(1)?.map(|t| parse_time(&t)),
                    verified_at: r.opt_text(2)?.map(|t| parse_time(&t)),
                    resends_used: u32::try_from(r.int(3)?).unwrap_or(0),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(IcpTracker::new(plan, states, Utc::now())))
    }

    /// Saves a message's new state after [`IcpTracker::record`] accepted an event.
    pub fn save_icp_message(&mut self, id: &str, state: &MessageState) -> Result<()> {
        let changed = self.db.execute(
            "UPDATE icp_messages SET first_sent_at = ?3, verified_at = ?4, resends_used = ?5 WHERE case_id = ?1 AND phone = ?2",
            args![
                id,
                state.phone.as_str(),
                state.first_sent_at.map(|t| t.to_rfc3339()),
                state.verified_at.map(|t| t.to_rfc3339()),
                i64::from(state.resends_used)
            ],
        )?;
        if changed == 0 {
            return Err(Error::input(
                "该号码不在案卷的核验计划中",
                "that phone number is not in the case's verification plan",
            ));
        }
        Ok(())
    }
}

/// An unfinished change's mark, and the blob lock it holds; dropped, it removes the mark, then
/// unlocks (fields drop in order).
pub(crate) struct Unfinished {
    _mark: tempfile::NamedTempFile,
    _lock: Option<File>,
}

pub(crate) enum Lock {
    Shared,
    Exclusive,
    ExclusiveIfFree,
}

/// Where a bundle zip is unpacked inside the data folder while it is imported.
pub(crate) const IMPORT_STAGING_PREFIX: &str = ".qualkit-import-";

/// The entries of `dir` (none when it does not exist).
fn list_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.map(|e| e.path()).map_err(|e| Error::io(dir, e))).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Error::io(dir, e)),
    }
}

fn save_reading_in(db: &Db, sha256: &str, reading: &Reading) -> Result<()> {
    db.execute(
        "INSERT INTO readings (sha256, kind, data, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (sha256, kind) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
        args![sha256, reading.kind.as_str(), to_json(reading)?, now()],
    )?;
    Ok(())
}

fn reading_in(db: &Db, sha256: &str, kind: DocKind) -> Result<Option<Reading>> {
    let row =
        db.query_opt("SELECT data FROM readings WHERE sha256 = ?1 AND kind = ?2", args![sha256, kind.as_str()])?;
    // A reading that no longer parses (an older format) is read again rather than trusted.
    Ok(row.and_then(|r| serde_json::from_str(&r.text(0).ok()?).ok()))
}

fn insert_case(db: &Db, data: &CaseData) -> Result<String> {
    let json = to_json(data)?;
    let time = now();
    loop {
        let id = new_case_id()?;
        let inserted = db.execute(
            "INSERT INTO cases (id, applicant_kind, applicant_name, data, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT DO NOTHING",
            args![
                id.as_str(),
                data.applicant.kind.as_str(),
                data.applicant.name.as_str(),
                json.as_str(),
                time.as_str()
            ],
        )?;
        if inserted == 1 {
            return Ok(id);
        }
    }
}

fn submissions_where(db: &Db, condition: &str, args: &[Value]) -> Result<Vec<(String, Submission)>> {
    let sql = format!(
        "SELECT id, vendor, items, submitted_at, submitted_by, outcome, reason, decided_at, case_id
         FROM submissions WHERE {condition} ORDER BY id"
    );
    let mut out = Vec::new();
    for r in db.query(&sql, args)? {
        let Some(vendor) = Vendor::parse(&r.text(1)?) else { continue };
        out.push((
            r.text(8)?,
            Submission {
                id: r.int(0)?,
                vendor,
                items: serde_json::from_str(&r.text(2)?).unwrap_or_default(),
                submitted_at: parse_time(&r.text(3)?),
                submitted_by: r.text(4)?,
                outcome: r.opt_text(5)?.as_deref().and_then(SubmissionOutcome::parse),
                reason: r.opt_text(6)?,
                decided_at: r.opt_text(7)?.as_deref().map(parse_time),
                matched: Vec::new(),
            },
        ));
    }
    for (_, submission) in &mut out {
        if let (Some(SubmissionOutcome::Rejected), Some(reason)) = (submission.outcome, &submission.reason) {
            submission.matched = crate::submission::match_reason(submission.vendor, reason)?;
        }
    }
    Ok(out)
}

/// Adds one entry to a case's history, in the caller's transaction.
fn record(
    tx: &Db,
    case_id: &str,
    who: &str,
    what: EventKind,
    version: i64,
    change: Option<&Change>,
    detail: Option<&str>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO case_events (case_id, at, who, what, version, field, old, new, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        args![
            case_id,
            now(),
            who,
            what.as_str(),
            version,
            change.map(|c| c.field.as_str()),
            change.and_then(|c| c.old.as_deref()),
            change.and_then(|c| c.new.as_deref()),
            detail
        ],
    )?;
    Ok(())
}

/// [`record`] at the case's current version: a change that is not a save of its values.
fn record_now(tx: &Db, case_id: &str, who: &str, what: EventKind, detail: &str) -> Result<()> {
    let version = tx.query_opt("SELECT version FROM cases WHERE id = ?1", args![case_id])?;
    let version = version.ok_or_else(|| Error::CaseNotFound(case_id.to_string()))?.int(0)?;
    record(tx, case_id, who, what, version, None, Some(detail))
}

fn insert_material(tx: &Db, case_id: &str, role: Role, name: &str, blob: &Blob) -> Result<i64> {
    let row = tx.query_opt(
        "INSERT INTO materials (case_id, role, original_name, size, mime, sha256, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        args![
            case_id,
            role.as_str(),
            name,
            i64::try_from(blob.size).unwrap_or(i64::MAX),
            blob.mime.as_str(),
            blob.sha256.as_str(),
            now()
        ],
    )?;
    row.ok_or_else(|| Error::Asset { name: "store".into(), detail: "no material id returned".into() })?.int(0)
}

/// The first column of each row.
fn texts(rows: Vec<Row>) -> Result<Vec<String>> {
    rows.iter().map(|r| r.text(0)).collect()
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::input(e.to_string(), e.to_string()))
}

fn parse_data(id: &str, json: &str) -> Result<CaseData> {
    serde_json::from_str(json).map_err(|e| Error::Asset { name: format!("case {id}"), detail: e.to_string() })
}

fn now() -> String {
    Utc::now().to_rfc3339()
}

fn parse_time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

/// Eight lower-case characters from an alphabet without look-alikes (no 0/o, 1/l/i): short
/// enough to type in a terminal, random enough for one user's cases.
fn new_case_id() -> Result<String> {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::input(format!("无法取得随机数：{e}"), format!("no randomness: {e}")))?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET.get(usize::from(*b) % ALPHABET.len()).copied().unwrap_or(b'a')))
        .collect())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of `bytes` in lower-case hex, as blobs are named.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// `QUALKIT_DATABASE_URL`, when set: it decides the store whatever the settings say.
pub fn database_url_from_env() -> Option<String> {
    std::env::var(DATABASE_URL_VAR).ok()
}

/// The team store this desktop is set to use, if any: `QUALKIT_DATABASE_URL` over the settings'
/// `database_url`. An empty variable means the desktop's own store, whatever the settings say.
pub fn configured_team_url(root: &Path) -> Result<Option<TeamUrl>> {
    let text = match database_url_from_env() {
        Some(text) => text,
        None => crate::settings::Settings::load(root).database_url.unwrap_or_default(),
    };
    let text = text.trim();
    if text.is_empty() { Ok(None) } else { TeamUrl::parse(text).map(Some) }
}
