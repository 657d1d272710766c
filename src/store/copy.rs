//! `qualkit store copy`: moves a desktop's cases into a team store, or a team store's back into a
//! data folder. Each case goes over whole in one transaction of the destination — its values,
//! version and dates, materials, history, submissions, verification-SMS tracking and the
//! readings of its files — every material file checked against its SHA-256 on the way. A case
//! the destination already has is left as it is there, so a copy that was interrupted is run
//! again and finishes.

use serde::Serialize;

use super::db::{Db, args};
use super::{Blob, EventKind, Lock, Store, record_now};
use crate::error::{Error, Result};

/// What a copy did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CopyReport {
    /// The cases copied, by id.
    pub copied: Vec<String>,
    /// The cases the destination had already (from an earlier, interrupted copy, or the other
    /// way round), left untouched.
    pub already_there: Vec<String>,
    /// Material files carried over (each counted once per case).
    pub materials: u64,
    pub bytes: u64,
}

/// The tables holding a case's rows besides `cases`, with the columns copied
/// (a row's own id is given anew by the destination), in the order their rows were made.
const CASE_TABLES: &[(&str, &str, &str)] = &[
    ("materials", "case_id, role, original_name, size, mime, sha256, added_at", "id"),
    ("case_events", "case_id, at, who, what, version, field, old, new, detail", "id"),
    ("submissions", "case_id, vendor, items, submitted_at, submitted_by, outcome, reason, decided_at", "id"),
    ("icp_plans", "case_id, filing_type, subject_phone, site_phone, created_at", "case_id"),
    ("icp_messages", "case_id, phone, first_sent_at, verified_at, resends_used", "phone"),
];

/// Copies every case of `from` into `to`, oldest first; `progress` hears of each case as it is
/// done. Stops at the first case that cannot be copied: the cases before it are in `to`, that
/// one is not, and running the copy again carries on from it.
pub fn copy_cases(from: &Store, to: &mut Store, mut progress: impl FnMut(&str, usize, usize)) -> Result<CopyReport> {
    let ids = super::texts(from.db.query("SELECT id FROM cases ORDER BY created_at, id", &[])?)?;
    let mut report = CopyReport::default();
    for (done, id) in ids.iter().enumerate() {
        if to.db.query_opt("SELECT 1 FROM cases WHERE id = ?1", args![id])?.is_some() {
            report.already_there.push(id.clone());
        } else {
            let (materials, bytes) = copy_case(from, to, id)?;
            report.copied.push(id.clone());
            report.materials += materials;
            report.bytes += bytes;
        }
        progress(id, done + 1, ids.len());
    }
    Ok(report)
}

/// One case, in one transaction of `to`; returns the materials and bytes carried.
fn copy_case(from: &Store, to: &mut Store, id: &str) -> Result<(u64, u64)> {
    let materials =
        from.db.query("SELECT original_name, mime, sha256 FROM materials WHERE case_id = ?1 ORDER BY id", args![id])?;
    // The files first, into the destination's folder, each proven to be what its row says;
    // one that fails stops the case before anything of it is in the destination's database.
    let _unfinished = to.unfinished(Lock::Shared)?;
    let mut blobs = Vec::with_capacity(materials.len());
    let mut created = Vec::new();
    let carried = (|| {
        for row in &materials {
            let (name, sha256) = (row.text(0)?, row.text(2)?);
            let source = from.material_file(&sha256)?;
            let (blob, new) = to.put_blob(&source)?;
            if new {
                created.push(blob.sha256.clone());
            }
            if blob.sha256 != sha256 {
                return Err(damaged(id, &name, &sha256));
            }
            blobs.push(Blob { mime: row.text(1)?, ..blob });
        }
        let tx = to.db.begin()?;
        copy_rows(
            &from.db,
            &tx,
            "cases",
            "id, applicant_kind, applicant_name, data, created_at, updated_at, version",
            "id",
            id,
        )?;
        // A material's row refers to its blob, which must be on a team store first.
        for blob in &blobs {
            to.upload_blob(&tx, blob)?;
        }
        for (table, columns, order) in CASE_TABLES {
            copy_rows(&from.db, &tx, table, columns, order, id)?;
        }
        for blob in &blobs {
            copy_readings(&from.db, &tx, &blob.sha256)?;
        }
        let detail = match from.team_url() {
            Some(url) => url.shown().to_string(),
            None => from.root.display().to_string(),
        };
        record_now(&tx, id, &to.staff, EventKind::Copied, &detail)?;
        tx.commit()
    })();
    if let Err(e) = carried {
        for sha in created {
            let _ = std::fs::remove_file(to.blob_path(&sha));
        }
        return Err(e);
    }
    Ok((blobs.len() as u64, blobs.iter().map(|b| b.size).sum()))
}

/// Copies the rows of `table` that belong to case `id`, in `order`.
fn copy_rows(from: &Db, to: &Db, table: &str, columns: &str, order: &str, id: &str) -> Result<()> {
    let key = if table == "cases" { "id" } else { "case_id" };
    let rows = from.query(&format!("SELECT {columns} FROM {table} WHERE {key} = ?1 ORDER BY {order}"), args![id])?;
    let width = columns.split(',').count();
    let placeholders: Vec<String> = (1..=width).map(|i| format!("?{i}")).collect();
    let insert = format!("INSERT INTO {table} ({columns}) VALUES ({})", placeholders.join(", "));
    for row in rows {
        let values = (0..width).map(|i| row.value(i)).collect::<Result<Vec<_>>>()?;
        to.execute(&insert, &values)?;
    }
    Ok(())
}

/// What the file `sha256` was read as, and its colour statistics; where the destination has a
/// reading of the same file too (another case with the same scan), the later one is kept.
fn copy_readings(from: &Db, to: &Db, sha256: &str) -> Result<()> {
    for row in from.query("SELECT sha256, kind, data, updated_at FROM readings WHERE sha256 = ?1", args![sha256])? {
        to.execute(
            "INSERT INTO readings (sha256, kind, data, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (sha256, kind) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at
             WHERE readings.updated_at < excluded.updated_at",
            &[row.value(0)?, row.value(1)?, row.value(2)?, row.value(3)?],
        )?;
    }
    for row in from.query("SELECT sha256, data FROM image_stats WHERE sha256 = ?1", args![sha256])? {
        to.execute(
            "INSERT INTO image_stats (sha256, data) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            &[row.value(0)?, row.value(1)?],
        )?;
    }
    Ok(())
}

fn damaged(id: &str, name: &str, sha256: &str) -> Error {
    Error::input(
        format!(
            "案卷 {id} 的材料 {name} 已损坏：其内容与记录的 SHA-256 {sha256} 不符。该案卷未复制；之前的案卷已复制完成"
        ),
        format!(
            "case {id}'s material {name} is damaged: its bytes do not hash to the recorded SHA-256 {sha256}. \
             That case was not copied; the cases before it were"
        ),
    )
}
