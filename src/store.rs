//! The case store: one SQLite database plus a content-addressed folder of material files.
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
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
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
    conn: Connection,
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

impl Store {
    /// Opens (creating if needed) the store in `root`, bringing the schema up to date.
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
        let store = Store { conn, root: root.to_path_buf(), staff: crate::history::staff(root) };
        store.clean_up_after_a_crash()?;
        Ok(store)
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
            .conn
            .prepare("SELECT DISTINCT sha256 FROM materials")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
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

    /// Where a material's bytes live.
    pub fn blob_path(&self, sha256: &str) -> PathBuf {
        let (dir, rest) = sha256.split_at(sha256.len().min(2));
        self.root.join("blobs").join(dir).join(rest)
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
            let tx = WriteTx::begin(&mut self.conn)?;
            let id = insert_case(&tx, &folder.data)?;
            let who = self.staff.as_str();
            record(&tx, &id, who, EventKind::Imported, 1, None, Some(&dir.display().to_string()))?;
            for (file, blob) in folder.materials.iter().zip(&blobs) {
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

    pub fn create_case(&mut self, data: &CaseData) -> Result<String> {
        let tx = WriteTx::begin(&mut self.conn)?;
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
        let json = serde_json::to_string(data).map_err(|e| Error::input(e.to_string(), e.to_string()))?;
        let staff = self.staff.clone();
        let tx = WriteTx::begin(&mut self.conn)?;
        let row: Option<(String, i64)> = tx
            .query_row("SELECT data, version FROM cases WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((stored, version)) = row else {
            return Err(Error::CaseNotFound(id.to_string()));
        };
        if let Some(base) = base.filter(|b| *b != version) {
            let mut changed: Vec<String> = tx
                .prepare(
                    "SELECT DISTINCT field FROM case_events WHERE case_id = ?1 AND version > ?2 AND field IS NOT NULL",
                )?
                .query_map(params![id, base], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
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
            params![id, data.applicant.kind.as_str(), data.applicant.name, json, now(), next],
        )?;
        for change in &changes {
            record(&tx, id, &staff, EventKind::Changed, next, Some(change), None)?;
        }
        tx.commit()?;
        Ok(next)
    }

    /// What happened to the case, oldest first.
    pub fn history(&self, id: &str) -> Result<Vec<Event>> {
        self.case_exists(id)?;
        let mut stmt = self.conn.prepare(
            "SELECT at, who, what, version, field, old, new, detail FROM case_events WHERE case_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([id], |r| {
            let Some(what) = EventKind::parse(&r.get::<_, String>(2)?) else { return Ok(None) };
            Ok(Some(Event {
                at: parse_time(&r.get::<_, String>(0)?),
                who: r.get(1)?,
                what,
                version: r.get(3)?,
                field: r.get(4)?,
                old: r.get(5)?,
                new: r.get(6)?,
                detail: r.get(7)?,
            }))
        })?;
        let out = rows.filter_map(|row| row.transpose()).collect::<rusqlite::Result<Vec<_>>>()?;
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
        let items_json = serde_json::to_string(items).map_err(|e| Error::input(e.to_string(), e.to_string()))?;
        let staff = self.staff.clone();
        let tx = WriteTx::begin(&mut self.conn)?;
        tx.query_row("SELECT 1 FROM cases WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .ok_or_else(|| Error::CaseNotFound(id.to_string()))?;
        tx.execute(
            "INSERT INTO submissions (case_id, vendor, items, submitted_at, submitted_by) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, vendor.as_str(), items_json, at.to_rfc3339(), staff],
        )?;
        let shown: Vec<&str> = items.iter().map(|i| i.as_str()).collect();
        record_now(&tx, id, &staff, EventKind::Submitted, &format!("{vendor}: {}", shown.join(", ")))?;
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
        let staff = self.staff.clone();
        let tx = WriteTx::begin(&mut self.conn)?;
        let pending: Option<i64> = tx
            .query_row(
                "SELECT id FROM submissions WHERE case_id = ?1 AND vendor = ?2 AND outcome IS NULL ORDER BY id DESC LIMIT 1",
                params![id, vendor.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        let Some(submission) = pending else {
            return Err(Error::input(
                format!("案卷 {id} 没有等待{vendor}答复的提交：先记录提交（qualkit case submit）"),
                format!(
                    "case {id} has no submission to {vendor} awaiting an answer: record the submission first (qualkit case submit)"
                ),
            ));
        };
        tx.execute(
            "UPDATE submissions SET outcome = ?2, reason = ?3, decided_at = ?4 WHERE id = ?1",
            params![submission, outcome.as_str(), reason, at.to_rfc3339()],
        )?;
        let detail = match &reason {
            Some(reason) => format!("{vendor}: {outcome}: {reason}"),
            None => format!("{vendor}: {outcome}"),
        };
        record_now(&tx, id, &staff, EventKind::Decided, &detail)?;
        tx.commit()?;
        self.submissions(id)?
            .into_iter()
            .find(|s| s.id == submission)
            .ok_or_else(|| Error::CaseNotFound(id.to_string()))
    }

    /// The case's submissions, oldest first, each rejection matched to the rules behind it.
    pub fn submissions(&self, id: &str) -> Result<Vec<Submission>> {
        self.case_exists(id)?;
        Ok(submissions_where(&self.conn, "case_id = ?1", [id])?.into_iter().map(|(_, s)| s).collect())
    }

    /// Every submission of the store with its case, oldest first (the portfolio, the reasons).
    pub fn all_submissions(&self) -> Result<Vec<(String, Submission)>> {
        submissions_where(&self.conn, "1 = 1", [])
    }

    /// What the store's materials of these roles read, with their case: the portfolio's dates,
    /// in one query instead of one a material.
    pub fn readings_of_roles(&self, roles: &[Role]) -> Result<Vec<(String, Role, Reading)>> {
        let mut out = Vec::new();
        for role in roles {
            let Some(kind) = DocKind::for_role(*role) else { continue };
            let mut stmt = self.conn.prepare(
                "SELECT m.case_id, r.data FROM materials m JOIN readings r ON r.sha256 = m.sha256 AND r.kind = ?2
                 WHERE m.role = ?1 ORDER BY m.id",
            )?;
            let rows = stmt.query_map(params![role.as_str(), kind.as_str()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            for row in rows {
                let (case_id, data) = row?;
                if let Ok(reading) = serde_json::from_str::<Reading>(&data) {
                    out.push((case_id, *role, reading));
                }
            }
        }
        Ok(out)
    }

    /// The cases that have a verification-SMS plan.
    pub fn cases_with_icp_plans(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT case_id FROM icp_plans ORDER BY case_id")?;
        let ids = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    }

    /// The cases `who` changed or submitted.
    pub fn cases_touched_by(&self, who: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT case_id FROM case_events WHERE who = ?1 UNION SELECT case_id FROM submissions WHERE submitted_by = ?1",
        )?;
        let ids = stmt.query_map([who], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    }

    /// Records an event that changes no stored value of the case (an export made).
    pub fn record_event(&mut self, id: &str, what: EventKind, detail: &str) -> Result<()> {
        let staff = self.staff.clone();
        let tx = WriteTx::begin(&mut self.conn)?;
        let version: Option<i64> =
            tx.query_row("SELECT version FROM cases WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        let version = version.ok_or_else(|| Error::CaseNotFound(id.to_string()))?;
        record(&tx, id, &staff, what, version, None, Some(detail))?;
        tx.commit()
    }

    /// The other cases whose handler has this ID number, with their applicants: carriers take
    /// one handler per company, so one person handling two companies is flagged.
    pub fn cases_with_handler(&self, id_number: &str, except: &str) -> Result<Vec<HandlerElsewhere>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, data FROM cases WHERE id != ?2 AND json_extract(data, '$.handler.id_number') = ?1 ORDER BY id",
        )?;
        let rows =
            stmt.query_map(params![id_number, except], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, data) = row?;
            let data = parse_data(&id, &data)?;
            out.push(HandlerElsewhere { case_id: id, applicant_name: data.applicant.name, uscc: data.applicant.uscc });
        }
        Ok(out)
    }

    pub fn list_cases(&self) -> Result<Vec<CaseSummary>> {
        self.summaries("", [])
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
        self.summaries(
            "WHERE c.applicant_name LIKE ?1 ESCAPE '\\' OR c.id LIKE ?1 ESCAPE '\\'
               OR json_extract(c.data, '$.applicant.uscc') LIKE ?1 ESCAPE '\\'",
            [pattern],
        )
    }

    fn summaries(&self, condition: &str, args: impl rusqlite::Params) -> Result<Vec<CaseSummary>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT c.id, c.data, c.updated_at, (SELECT count(*) FROM materials m WHERE m.case_id = c.id)
             FROM cases c {condition} ORDER BY c.updated_at DESC, c.id"
        ))?;
        let rows = stmt.query_map(args, |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?, row.get::<_, i64>(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, data, updated, count) = row?;
            let data = parse_data(&id, &data)?;
            out.push(CaseSummary {
                id,
                applicant_kind: data.applicant.kind,
                applicant_name: data.applicant.name,
                vendors: data.vendors,
                material_count: u64::try_from(count).unwrap_or(0),
                updated_at: parse_time(&updated),
            });
        }
        Ok(out)
    }

    pub fn case(&self, id: &str) -> Result<Case> {
        let row = self
            .conn
            .query_row("SELECT data, created_at, updated_at, version FROM cases WHERE id = ?1", [id], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, i64>(3)?,
                ))
            })
            .optional()?;
        let Some((data, created, updated, version)) = row else {
            return Err(Error::CaseNotFound(id.to_string()));
        };
        let mut stmt = self.conn.prepare(
            "SELECT id, role, original_name, size, mime, sha256 FROM materials WHERE case_id = ?1 ORDER BY id",
        )?;
        let materials = stmt
            .query_map([id], |row| {
                let role: String = row.get(1)?;
                Ok(Material {
                    id: row.get(0)?,
                    role: Role::parse(&role).unwrap_or(Role::Other),
                    original_name: row.get(2)?,
                    size: u64::try_from(row.get::<_, i64>(3)?).unwrap_or(0),
                    mime: row.get(4)?,
                    sha256: row.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Case {
            id: id.to_string(),
            data: parse_data(id, &data)?,
            materials,
            created_at: parse_time(&created),
            updated_at: parse_time(&updated),
            version,
        })
    }

    /// Copies a case and its materials (the files are shared by content, so nothing is copied on
    /// disk), for a sibling package: another signature or vendor for the same client. The copy
    /// starts without the original's verification-SMS tracking, which belongs to one filing.
    pub fn duplicate_case(&mut self, id: &str) -> Result<String> {
        let case = self.case(id)?;
        let tx = WriteTx::begin(&mut self.conn)?;
        let copy = insert_case(&tx, &case.data)?;
        record(&tx, &copy, &self.staff, EventKind::Duplicated, 1, None, Some(id))?;
        tx.execute(
            "INSERT INTO materials (case_id, role, original_name, size, mime, sha256, added_at)
             SELECT ?2, role, original_name, size, mime, sha256, added_at FROM materials WHERE case_id = ?1 ORDER BY id",
            params![id, copy],
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
            let tx = WriteTx::begin(&mut self.conn)?;
            let material_id = insert_material(&tx, id, role, &name, &blob)?;
            tx.execute("UPDATE cases SET updated_at = ?2 WHERE id = ?1", params![id, now()])?;
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
        let row: Option<(String, String, String)> = self
            .conn
            .query_row(
                "SELECT sha256, role, original_name FROM materials WHERE id = ?1 AND case_id = ?2",
                params![material_id, id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((sha, role, name)) = row else {
            return Err(Error::input(
                format!("案卷 {id} 中没有编号为 {material_id} 的材料"),
                format!("case {id} has no material {material_id}"),
            ));
        };
        let tx = WriteTx::begin(&mut self.conn)?;
        tx.execute("DELETE FROM materials WHERE id = ?1", [material_id])?;
        tx.execute("UPDATE cases SET updated_at = ?2 WHERE id = ?1", params![id, now()])?;
        record_now(&tx, id, &self.staff, EventKind::MaterialRemoved, &format!("{role} #{material_id} {name}"))?;
        tx.commit()?;
        self.collect_garbage(&[sha])
    }

    pub fn delete_case(&mut self, id: &str) -> Result<()> {
        let case = self.case(id)?;
        let tx = WriteTx::begin(&mut self.conn)?;
        tx.execute("DELETE FROM cases WHERE id = ?1", [id])?;
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
            let used: i64 =
                self.conn.query_row("SELECT count(*) FROM materials WHERE sha256 = ?1", [sha], |r| r.get(0))?;
            if used == 0 {
                unused.push(sha.clone());
            }
        }
        self.remove_unused(&unused)
    }

    /// Removes unused blobs with what was cached about them. The caller holds the blob lock.
    fn remove_unused(&self, hashes: &[String]) -> Result<()> {
        for sha in hashes {
            self.conn.execute("DELETE FROM readings WHERE sha256 = ?1", [sha])?;
            self.conn.execute("DELETE FROM image_stats WHERE sha256 = ?1", [sha])?;
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
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        match change(self) {
            Ok(value) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(value)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Records what the file with this content shows, replacing an earlier reading of the kind.
    pub fn save_reading(&mut self, sha256: &str, reading: &Reading) -> Result<()> {
        save_reading_in(&self.conn, sha256, reading)
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
        reading_in(&self.conn, sha256, kind)
    }

    /// The colour measurements of a stored file, measured on first use and then cached.
    pub fn colour_stats(&self, sha256: &str) -> Result<ColourStats> {
        let cached: Option<String> =
            self.conn.query_row("SELECT data FROM image_stats WHERE sha256 = ?1", [sha256], |r| r.get(0)).optional()?;
        if let Some(stats) = cached.and_then(|json| serde_json::from_str(&json).ok()) {
            return Ok(stats);
        }
        let stats = crate::scan::colour_stats(&self.blob_path(sha256))?;
        let json = serde_json::to_string(&stats).map_err(|e| Error::input(e.to_string(), e.to_string()))?;
        self.conn
            .execute("INSERT OR REPLACE INTO image_stats (sha256, data) VALUES (?1, ?2)", params![sha256, json])?;
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
            let staff = store.staff.clone();
            record_now(&store.conn, id, &staff, EventKind::ReadingConfirmed, &detail)?;
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
        let found: Option<i64> =
            self.conn.query_row("SELECT 1 FROM cases WHERE id = ?1", [id], |r| r.get(0)).optional()?;
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
        let tx = WriteTx::begin(&mut self.conn)?;
        tx.execute("DELETE FROM icp_plans WHERE case_id = ?1", [id])?;
        tx.execute(
            "INSERT INTO icp_plans (case_id, filing_type, subject_phone, site_phone, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, plan.filing_type.as_str(), plan.subject_phone, plan.site_phone, now()],
        )?;
        for message in &plan.messages {
            tx.execute("INSERT INTO icp_messages (case_id, phone) VALUES (?1, ?2)", params![id, message.phone])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The stored plan with each message's state, or `None` when the case has no plan.
    pub fn icp_tracker(&self, id: &str) -> Result<Option<IcpTracker>> {
        self.case_exists(id)?;
        let plan = self
            .conn
            .query_row("SELECT filing_type, subject_phone, site_phone FROM icp_plans WHERE case_id = ?1", [id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?))
            })
            .optional()?;
        let Some((filing_type, subject_phone, site_phone)) = plan else {
            return Ok(None);
        };
        let filing_type = FilingType::parse(&filing_type).ok_or_else(|| Error::Asset {
            name: DB_FILE.into(),
            detail: format!("unknown filing type {filing_type}"),
        })?;
        let plan = IcpPlan::new(filing_type, subject_phone.as_deref(), site_phone.as_deref())?;
        let mut stmt = self
            .conn
            .prepare("SELECT phone, first_sent_at, verified_at, resends_used FROM icp_messages WHERE case_id = ?1")?;
        let states = stmt
            .query_map([id], |r| {
                Ok(MessageState {
                    phone: r.get(0)?,
                    first_sent_at: r.get::<_, Option<String>>(1)?.map(|t| parse_time(&t)),
                    verified_at: r.get::<_, Option<String>>(2)?.map(|t| parse_time(&t)),
                    resends_used: u32::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some(IcpTracker::new(plan, states, Utc::now())))
    }

    /// Saves a message's new state after [`IcpTracker::record`] accepted an event.
    pub fn save_icp_message(&mut self, id: &str, state: &MessageState) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE icp_messages SET first_sent_at = ?3, verified_at = ?4, resends_used = ?5 WHERE case_id = ?1 AND phone = ?2",
            params![
                id,
                state.phone,
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

/// A write: a transaction that takes the write lock as it begins, so a second writer waits for
/// the busy timeout instead of failing with "database is locked" (a deferred transaction that
/// reads first cannot wait for the lock when it then writes); inside [`Store::exclusive`], a
/// savepoint of that transaction.
enum WriteTx<'c> {
    Transaction(rusqlite::Transaction<'c>),
    Savepoint(rusqlite::Savepoint<'c>),
}

impl WriteTx<'_> {
    fn begin(conn: &mut Connection) -> Result<WriteTx<'_>> {
        Ok(if conn.is_autocommit() {
            WriteTx::Transaction(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
        } else {
            WriteTx::Savepoint(conn.savepoint()?)
        })
    }

    fn commit(self) -> Result<()> {
        match self {
            WriteTx::Transaction(tx) => tx.commit()?,
            WriteTx::Savepoint(sp) => sp.commit()?,
        }
        Ok(())
    }
}

impl std::ops::Deref for WriteTx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match self {
            WriteTx::Transaction(tx) => tx,
            WriteTx::Savepoint(sp) => sp,
        }
    }
}

fn save_reading_in(conn: &Connection, sha256: &str, reading: &Reading) -> Result<()> {
    let json = serde_json::to_string(reading).map_err(|e| Error::input(e.to_string(), e.to_string()))?;
    conn.execute(
        "INSERT INTO readings (sha256, kind, data, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (sha256, kind) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
        params![sha256, reading.kind.as_str(), json, now()],
    )?;
    Ok(())
}

fn reading_in(conn: &Connection, sha256: &str, kind: DocKind) -> Result<Option<Reading>> {
    let json: Option<String> = conn
        .query_row("SELECT data FROM readings WHERE sha256 = ?1 AND kind = ?2", params![sha256, kind.as_str()], |r| {
            r.get(0)
        })
        .optional()?;
    // A reading that no longer parses (an older format) is read again rather than trusted.
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
}

fn insert_case(tx: &Connection, data: &CaseData) -> Result<String> {
    let json = serde_json::to_string(data).map_err(|e| Error::input(e.to_string(), e.to_string()))?;
    let time = now();
    loop {
        let id = new_case_id()?;
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO cases (id, applicant_kind, applicant_name, data, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![id, data.applicant.kind.as_str(), data.applicant.name, json, time],
        )?;
        if inserted == 1 {
            return Ok(id);
        }
    }
}

fn submissions_where(
    conn: &Connection,
    condition: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<(String, Submission)>> {
    let sql = format!(
        "SELECT id, vendor, items, submitted_at, submitted_by, outcome, reason, decided_at, case_id
         FROM submissions WHERE {condition} ORDER BY id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(args, |r| {
        let Some(vendor) = Vendor::parse(&r.get::<_, String>(1)?) else { return Ok(None) };
        let case_id: String = r.get(8)?;
        Ok(Some((
            case_id,
            Submission {
                id: r.get(0)?,
                vendor,
                items: serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or_default(),
                submitted_at: parse_time(&r.get::<_, String>(3)?),
                submitted_by: r.get(4)?,
                outcome: r.get::<_, Option<String>>(5)?.as_deref().and_then(SubmissionOutcome::parse),
                reason: r.get(6)?,
                decided_at: r.get::<_, Option<String>>(7)?.as_deref().map(parse_time),
                matched: Vec::new(),
            },
        )))
    })?;
    let mut out = rows.filter_map(|row| row.transpose()).collect::<rusqlite::Result<Vec<_>>>()?;
    for (_, submission) in &mut out {
        if let (Some(SubmissionOutcome::Rejected), Some(reason)) = (submission.outcome, &submission.reason) {
            submission.matched = crate::submission::match_reason(submission.vendor, reason)?;
        }
    }
    Ok(out)
}

/// Adds one entry to a case's history, in the caller's transaction.
fn record(
    tx: &Connection,
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
        params![
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
fn record_now(tx: &Connection, case_id: &str, who: &str, what: EventKind, detail: &str) -> Result<()> {
    let version: i64 = tx.query_row("SELECT version FROM cases WHERE id = ?1", [case_id], |r| r.get(0))?;
    record(tx, case_id, who, what, version, None, Some(detail))
}

fn insert_material(tx: &Connection, case_id: &str, role: Role, name: &str, blob: &Blob) -> Result<i64> {
    tx.execute(
        "INSERT INTO materials (case_id, role, original_name, size, mime, sha256, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![case_id, role.as_str(), name, i64::try_from(blob.size).unwrap_or(i64::MAX), blob.mime, blob.sha256, now()],
    )?;
    Ok(tx.last_insert_rowid())
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
