//! The store's database: SQLite in the data folder (one desktop), or a firm's PostgreSQL server
//! (the team store). The store writes its SQL once, with `?1`-style parameters, and asks this
//! module for the few phrases the two dialects spell differently; values cross as [`Value`]s and
//! come back as [`Row`]s, so no store method knows which database it talks to.
//!
//! Writes are serialised the same way on both: a write transaction takes the database's one
//! write lock as it begins (SQLite's `BEGIN IMMEDIATE`; on PostgreSQL a transaction-scoped
//! advisory lock), so a change that reads what it then writes is never interleaved with another
//! staff member's. Nested writes (inside [`super::Store::exclusive`]) are savepoints.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use postgres::types::{IsNull, ToSql, Type};

use crate::error::{Error, Result};
use crate::i18n::Text;

/// The advisory lock every write transaction on a team store takes; any constant would do, as
/// long as every qualkit uses the same one ("qualkit" in ASCII).
const WRITE_LOCK: i64 = 0x0071_7561_6c6b_6974;
/// The advisory lock held while the schema is brought up to date, so two desktops starting at
/// once do not both create it.
const MIGRATION_LOCK: i64 = WRITE_LOCK + 1;
/// How long a write waits for another staff member's to finish before it gives up with a clear
/// error (SQLite's busy timeout is 5 s; a server across the office network gets longer).
const LOCK_TIMEOUT: &str = "15s";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A server that stops answering mid-request (unplugged, not shut down) is given up after this,
/// instead of the minutes TCP would otherwise retry for.
const SERVER_SILENCE: Duration = Duration::from_secs(20);

/// A parameter or a column value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(v.clone())
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Value {
        Value::Bytes(v.to_vec())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// `args![a, b]`: the parameters of one statement.
macro_rules! args {
    ($($value:expr),* $(,)?) => { &[$($crate::store::db::Value::from($value)),*][..] };
}
pub(crate) use args;

/// One result row.
#[derive(Debug)]
pub(crate) struct Row(Vec<Value>);

impl Row {
    fn at(&self, i: usize) -> Result<&Value> {
        self.0.get(i).ok_or_else(|| Error::Asset { name: "store".into(), detail: format!("no column {i}") })
    }

    /// Column `i` as it came, to be written elsewhere unchanged.
    pub(crate) fn value(&self, i: usize) -> Result<Value> {
        self.at(i).cloned()
    }

    pub(crate) fn text(&self, i: usize) -> Result<String> {
        Ok(self.opt_text(i)?.unwrap_or_default())
    }

    pub(crate) fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self.at(i)? {
            Value::Null => Ok(None),
            Value::Text(t) => Ok(Some(t.clone())),
            Value::Int(n) => Ok(Some(n.to_string())),
            Value::Bytes(b) => Ok(Some(String::from_utf8_lossy(b).into_owned())),
        }
    }

    pub(crate) fn int(&self, i: usize) -> Result<i64> {
        Ok(self.opt_int(i)?.unwrap_or_default())
    }

    pub(crate) fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        match self.at(i)? {
            Value::Null => Ok(None),
            Value::Int(n) => Ok(Some(*n)),
            other => {
                Err(Error::Asset { name: "store".into(), detail: format!("column {i} is not a number: {other:?}") })
            }
        }
    }

    pub(crate) fn bytes(&self, i: usize) -> Result<Vec<u8>> {
        match self.at(i)? {
            Value::Bytes(b) => Ok(b.clone()),
            Value::Text(t) => Ok(t.clone().into_bytes()),
            Value::Null => Ok(Vec::new()),
            Value::Int(_) => Err(Error::Asset { name: "store".into(), detail: format!("column {i} is not bytes") }),
        }
    }
}

/// A team store's address, `postgres://user:password@host:port/database`. Shown (in errors,
/// logs, the app's settings) only with the password masked; the text itself is kept for
/// connecting and for the settings file.
#[derive(Clone)]
pub struct TeamUrl {
    text: String,
    shown: String,
    config: postgres::Config,
}

/// The longest team store address accepted (the settings field's limit).
pub const MAX_URL_CHARS: usize = 2000;

impl TeamUrl {
    /// Reads a connection URL; anything else is refused with the form expected, the password
    /// masked in the message.
    pub fn parse(text: &str) -> Result<TeamUrl> {
        let text = text.trim();
        let shown = mask_password(text);
        let refused = |zh: &str, en: &str| {
            Error::input(
                format!("团队数据库地址 {shown} 无法使用：{zh}。格式：postgres://用户名:密码@主机:端口/数据库"),
                format!(
                    "the team store address {shown} cannot be used: {en}. Expected postgres://user:password@host:port/database"
                ),
            )
        };
        if !TeamUrl::is_address(text) {
            return Err(refused("应以 postgres:// 开头", "it must start with postgres://"));
        }
        if text.chars().count() > MAX_URL_CHARS {
            return Err(refused("地址过长", "it is too long"));
        }
        // The parser's own message may quote a part of the text: it is not passed on.
        let mut config: postgres::Config =
            text.parse().map_err(|_| refused("地址的格式不对", "it is not a well-formed URL"))?;
        if config.get_hosts().is_empty() {
            return Err(refused("缺少主机", "it names no host"));
        }
        if config.get_user().is_none_or(str::is_empty) {
            return Err(refused("缺少用户名", "it names no user"));
        }
        if config.get_dbname().is_none_or(str::is_empty) {
            return Err(refused("缺少数据库名", "it names no database"));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.keepalives_idle(SERVER_SILENCE).tcp_user_timeout(SERVER_SILENCE).application_name("qualkit");
        Ok(TeamUrl { text: text.to_string(), shown, config })
    }

    /// Whether `text` is meant as a team store's address (a postgres:// URL), well-formed or not.
    pub fn is_address(text: &str) -> bool {
        text.starts_with("postgres://") || text.starts_with("postgresql://")
    }

    /// The address with its password masked.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The whole address, password included: for the settings file and nothing else.
    pub fn secret_text(&self) -> &str {
        &self.text
    }

    /// `host:port/database` (or the socket folder), for messages that need no user name.
    fn server(&self) -> String {
        let host = match self.config.get_hosts().first() {
            Some(postgres::config::Host::Tcp(h)) => h.clone(),
            Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
            None => String::new(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        format!("{host}:{port}/{}", self.config.get_dbname().unwrap_or_default())
    }
}

impl std::fmt::Debug for TeamUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl std::fmt::Display for TeamUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

/// `postgres://user:secret@host/db?password=secret` → `postgres://user:***@host/db?password=***`.
pub fn mask_password(url: &str) -> String {
    // Not a URL (a password pasted alone, key=value settings): nothing of it is shown.
    let Some((scheme, rest)) = url.split_once("://") else {
        return "***".to_string();
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let authority = match authority.rfind('@') {
        Some(at) => {
            let (userinfo, host) = authority.split_at(at);
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{user}:***{host}"),
                None => authority.to_string(),
            }
        }
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                    _ => pair.to_string(),
                })
                .collect();
            format!("{path}?{}", pairs.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

// One `Conn` per open store, so the size difference between the variants costs nothing.
#[allow(clippy::large_enum_variant)]
enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres { client: RefCell<postgres::Client>, url: TeamUrl },
}

pub(crate) struct Db {
    conn: Conn,
    /// Open write transactions and savepoints.
    depth: Cell<u32>,
}

impl Db {
    pub(crate) fn sqlite(conn: rusqlite::Connection) -> Db {
        Db { conn: Conn::Sqlite(conn), depth: Cell::new(0) }
    }

    /// Connects to a team store and brings its schema up to date.
    pub(crate) fn postgres(url: &TeamUrl, migrations: &[(&str, &str)]) -> Result<Db> {
        let mut client = connect(url)?;
        migrate(&mut client, url, migrations)?;
        Ok(Db { conn: Conn::Postgres { client: RefCell::new(client), url: url.clone() }, depth: Cell::new(0) })
    }

    pub(crate) fn is_team(&self) -> bool {
        matches!(self.conn, Conn::Postgres { .. })
    }

    pub(crate) fn team_url(&self) -> Option<&TeamUrl> {
        match &self.conn {
            Conn::Postgres { url, .. } => Some(url),
            Conn::Sqlite(_) => None,
        }
    }

    /// Runs one statement; returns the rows it changed.
    pub(crate) fn execute(&self, sql: &str, args: &[Value]) -> Result<u64> {
        match &self.conn {
            Conn::Sqlite(conn) => {
                let changed = conn.execute(sql, rusqlite::params_from_iter(args.iter().map(sqlite_value)))?;
                Ok(u64::try_from(changed).unwrap_or(0))
            }
            Conn::Postgres { .. } => {
                let sql = dollar_parameters(sql);
                self.with_client(|client| client.execute(sql.as_str(), &pg_args(args)))
            }
        }
    }

    pub(crate) fn query(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>> {
        match &self.conn {
            Conn::Sqlite(conn) => {
                let mut stmt = conn.prepare_cached(sql)?;
                let width = stmt.column_count();
                let rows = stmt.query_map(rusqlite::params_from_iter(args.iter().map(sqlite_value)), |row| {
                    (0..width).map(|i| row.get_ref(i).map(from_sqlite)).collect::<rusqlite::Result<Vec<_>>>()
                })?;
                Ok(rows.map(|r| r.map(Row)).collect::<rusqlite::Result<Vec<_>>>()?)
            }
            Conn::Postgres { url, .. } => {
                let sql = dollar_parameters(sql);
                let rows = self.with_client(|client| client.query(sql.as_str(), &pg_args(args)))?;
                rows.iter().map(|row| from_postgres(row).map_err(|e| team_error(url, e))).collect()
            }
        }
    }

    /// The first row, if any.
    pub(crate) fn query_opt(&self, sql: &str, args: &[Value]) -> Result<Option<Row>> {
        Ok(self.query(sql, args)?.into_iter().next())
    }

    /// Statements without parameters or results, separated by `;`.
    pub(crate) fn batch(&self, sql: &str) -> Result<()> {
        match &self.conn {
            Conn::Sqlite(conn) => Ok(conn.execute_batch(sql)?),
            Conn::Postgres { .. } => self.with_client(|client| client.batch_execute(sql)),
        }
    }

    /// Begins a write: a transaction holding the write lock, or a savepoint inside one.
    pub(crate) fn begin(&self) -> Result<Tx<'_>> {
        let depth = self.depth.get();
        if depth == 0 {
            match &self.conn {
                Conn::Sqlite(_) => self.batch("BEGIN IMMEDIATE")?,
                Conn::Postgres { .. } => {
                    self.batch("BEGIN")?;
                    if let Err(e) = self.execute(&format!("SELECT pg_advisory_xact_lock({WRITE_LOCK})"), &[]) {
                        let _ = self.batch("ROLLBACK");
                        return Err(e);
                    }
                }
            }
        } else {
            self.batch(&format!("SAVEPOINT write_{depth}"))?;
        }
        self.depth.set(depth + 1);
        Ok(Tx { db: self, depth, done: false })
    }

    /// The write [`Tx::keep_open`] left open.
    pub(crate) fn resume(&self, depth: u32) -> Tx<'_> {
        Tx { db: self, depth, done: false }
    }

    /// `json_extract`: the text at `path` in the JSON of `column`.
    pub(crate) fn json_text(&self, column: &str, path: &[&str]) -> String {
        match self.conn {
            Conn::Sqlite(_) => format!("json_extract({column}, '$.{}')", path.join(".")),
            Conn::Postgres { .. } => format!("({column}::jsonb #>> '{{{}}}')", path.join(",")),
        }
    }

    /// `LIKE` that ignores the case of Latin letters, as SQLite's does.
    pub(crate) fn like(&self) -> &'static str {
        match self.conn {
            Conn::Sqlite(_) => "LIKE",
            Conn::Postgres { .. } => "ILIKE",
        }
    }

    /// Runs `work` on the team store's client; a connection that was lost is made again first,
    /// when no transaction was open on it (one that was is lost, and its change with it).
    fn with_client<T>(&self, work: impl FnOnce(&mut postgres::Client) -> Result<T, postgres::Error>) -> Result<T> {
        let Conn::Postgres { client, url } = &self.conn else {
            return Err(Error::Asset { name: "store".into(), detail: "not a team store".into() });
        };
        let mut client =
            client.try_borrow_mut().map_err(|e| Error::Asset { name: "store".into(), detail: e.to_string() })?;
        if client.is_closed() && self.depth.get() == 0 {
            *client = connect(url)?;
        }
        work(&mut client).map_err(|e| team_error(url, e))
    }
}

/// An open write; rolled back when dropped uncommitted.
pub(crate) struct Tx<'d> {
    db: &'d Db,
    depth: u32,
    done: bool,
}

impl Tx<'_> {
    /// Leaves the write open past this guard, for [`Db::resume`] to finish: the store's
    /// `exclusive` hands itself, mutably, to the change that runs inside it.
    pub(crate) fn keep_open(mut self) -> u32 {
        self.done = true;
        self.depth
    }

    pub(crate) fn commit(mut self) -> Result<()> {
        self.done = true;
        self.db.depth.set(self.depth);
        if self.depth == 0 { self.db.batch("COMMIT") } else { self.db.batch(&format!("RELEASE write_{}", self.depth)) }
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        self.db.depth.set(self.depth);
        let _ = if self.depth == 0 {
            self.db.batch("ROLLBACK")
        } else {
            self.db.batch(&format!("ROLLBACK TO write_{0}; RELEASE write_{0}", self.depth))
        };
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Db;
    fn deref(&self) -> &Db {
        self.db
    }
}

fn connect(url: &TeamUrl) -> Result<postgres::Client> {
    // No TLS: the team store is on the firm's own network (or reached through a tunnel); a
    // server that insists on TLS is refused at connect with a message saying so.
    let mut client = url.config.connect(postgres::NoTls).map_err(|e| connect_error(url, e))?;
    client.batch_execute(&format!("SET lock_timeout = '{LOCK_TIMEOUT}'")).map_err(|e| team_error(url, e))?;
    Ok(client)
}

/// Brings the team store's schema up to date, one process at a time, once a process.
fn migrate(client: &mut postgres::Client, url: &TeamUrl, migrations: &[(&str, &str)]) -> Result<()> {
    static DONE: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let key = url.secret_text().to_string();
    if DONE.lock().is_ok_and(|done| done.contains(&key)) {
        return Ok(());
    }
    let migrations = migrations
        .iter()
        .map(|(name, sql)| refinery::Migration::unapplied(name, sql))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::Asset { name: "team store migrations".into(), detail: e.to_string() })?;
    client.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})")).map_err(|e| team_error(url, e))?;
    let report = refinery::Runner::new(&migrations).set_grouped(true).run(client);
    let unlocked = client.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"));
    report.map_err(|e| {
        Error::Team(Text::new(
            format!("团队数据库 {} 的结构无法升级：{e}", url.server()),
            format!("the team store {} could not be brought up to date: {e}", url.server()),
        ))
    })?;
    unlocked.map_err(|e| team_error(url, e))?;
    if let Ok(mut done) = DONE.lock() {
        done.push(key);
    }
    Ok(())
}

fn connect_error(url: &TeamUrl, e: postgres::Error) -> Error {
    if e.as_db_error().is_some() {
        return team_error(url, e);
    }
    let server = url.server();
    let reason = e.to_string();
    let (zh, en) = if reason.contains("TLS") {
        ("服务器要求加密连接（TLS），本程序只用不加密的连接：请在地址后加 ?sslmode=disable，或经 SSH 隧道连接".to_string(),
         "the server requires TLS, which qualkit does not speak: add ?sslmode=disable, or connect through an SSH tunnel".to_string())
    } else if reason.contains("timed out") || reason.contains("timeout") {
        ("连接超时：服务器没有应答".to_string(), "timed out: the server did not answer".to_string())
    } else if reason.contains("refused") || reason.contains("No such file") {
        (
            "服务器拒绝连接：数据库服务没有运行，或主机、端口不对".to_string(),
            "connection refused: the database server is not running there, or the host or port is wrong".to_string(),
        )
    } else {
        (reason.clone(), reason)
    };
    Error::Team(Text::new(
        format!("无法连接团队数据库 {server}：{zh}。案卷未被读取或更改"),
        format!("cannot reach the team store {server}: {en}. No case was read or changed"),
    ))
}

/// A team store's error in words a person can act on. The server's messages never hold the
/// password; the address is shown without it.
fn team_error(url: &TeamUrl, e: postgres::Error) -> Error {
    let server = url.server();
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        let (zh, en) = match code {
            "28P01" | "28000" => (
                "用户名或密码不对：请检查设置中的团队数据库地址".to_string(),
                "the user name or password is wrong: check the team store address in the settings".to_string(),
            ),
            "3D000" => ("数据库不存在".to_string(), "the database does not exist".to_string()),
            "42501" => ("该用户没有所需的权限".to_string(), "the user lacks the privileges needed".to_string()),
            "55P03" => (
                "其他同事正在保存，等待超时：请稍后再试".to_string(),
                "another staff member's save held the store too long: try again".to_string(),
            ),
            "57P01" | "57P02" | "57P03" => (
                "服务器断开了连接（正在关闭、重启，或被管理员中止）：这次操作没有完成，未写入任何内容；恢复后重试".to_string(),
                "the server ended the connection (shutting down, restarting, or stopped by an administrator): nothing of this change was written; try again once it is back".to_string(),
            ),
            _ => (db.message().to_string(), db.message().to_string()),
        };
        return Error::Team(Text::new(format!("团队数据库 {server}：{zh}"), format!("team store {server}: {en}")));
    }
    if e.is_closed() || std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>()) {
        return Error::Team(Text::new(
            format!("与团队数据库 {server} 的连接中断：这次操作没有完成，未写入任何内容；恢复连接后重试"),
            format!(
                "the connection to the team store {server} was lost: nothing of this change was written; try again once it is back"
            ),
        ));
    }
    Error::Team(Text::new(format!("团队数据库 {server}：{e}"), format!("team store {server}: {e}")))
}

/// `?1` → `$1`: the store writes SQLite's numbered parameters, PostgreSQL reads dollars. The
/// store's SQL has no `?` inside string literals.
fn dollar_parameters(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

fn sqlite_value(v: &Value) -> rusqlite::types::Value {
    match v {
        Value::Null => rusqlite::types::Value::Null,
        Value::Int(n) => rusqlite::types::Value::Integer(*n),
        Value::Text(t) => rusqlite::types::Value::Text(t.clone()),
        Value::Bytes(b) => rusqlite::types::Value::Blob(b.clone()),
    }
}

fn from_sqlite(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::Int(n),
        ValueRef::Real(f) => Value::Text(f.to_string()),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
    }
}

fn pg_args(args: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|a| a as &(dyn ToSql + Sync)).collect()
}

fn from_postgres(row: &postgres::Row) -> Result<Row, postgres::Error> {
    let mut out = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let value = match *column.type_() {
            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::Int),
            Type::INT4 => row.try_get::<_, Option<i32>>(i)?.map(|n| Value::Int(i64::from(n))),
            Type::INT2 => row.try_get::<_, Option<i16>>(i)?.map(|n| Value::Int(i64::from(n))),
            Type::BOOL => row.try_get::<_, Option<bool>>(i)?.map(|b| Value::Int(i64::from(b))),
            Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Bytes),
            Type::VOID => None,
            _ => row.try_get::<_, Option<String>>(i)?.map(Value::Text),
        };
        out.push(value.unwrap_or(Value::Null));
    }
    Ok(Row(out))
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(n) => match *ty {
                Type::INT2 => i16::try_from(*n)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*n)?.to_sql(ty, out),
                Type::BOOL => (*n != 0).to_sql(ty, out),
                _ => n.to_sql(ty, out),
            },
            Value::Text(t) => t.as_str().to_sql(ty, out),
            Value::Bytes(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked_wherever_they_are_written() {
        assert_eq!(
            mask_password("postgres://li:s3cr%40t@db.lan:5432/qualkit"),
            "postgres://li:***@db.lan:5432/qualkit"
        );
        assert_eq!(mask_password("postgres://li@db.lan/qualkit"), "postgres://li@db.lan/qualkit");
        assert_eq!(
            mask_password("postgresql://db.lan/q?user=li&password=hunter2&sslmode=disable"),
            "postgresql://db.lan/q?user=li&password=***&sslmode=disable"
        );
    }

    #[test]
    fn a_malformed_address_is_refused_without_its_password() {
        for bad in
            ["mysql://li:hunter2@db/q", "postgres://li:hunter2@db:notaport/q", "postgres://li:hunter2@db", "hunter2"]
        {
            let Err(e) = TeamUrl::parse(bad) else { panic!("{bad} was accepted") };
            let shown = format!("{} {}", e.message(crate::Lang::Zh), e.message(crate::Lang::En));
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains("postgres://"), "{shown}");
        }
        let url = TeamUrl::parse("postgres://li:hunter2@db.lan:6543/firm").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(format!("{url} {url:?}"), "postgres://li:***@db.lan:6543/firm postgres://li:***@db.lan:6543/firm");
        assert_eq!(url.server(), "db.lan:6543/firm");
    }

    #[test]
    fn parameters_are_numbered_for_postgres() {
        assert_eq!(
            dollar_parameters("a = ?1 AND b = ?12 OR c LIKE ?1 ESCAPE '\\'"),
            "a = $1 AND b = $12 OR c LIKE $1 ESCAPE '\\'"
        );
    }
}
