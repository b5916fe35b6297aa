//! A statement whose texts and blobs are bound without a copy, for the statement a large
//! import runs a million times (a transaction's row).
//!
//! rusqlite binds every text as `SQLITE_TRANSIENT`, so SQLite copies it before it copies it
//! again into the row. Here values are bound as `SQLITE_STATIC`: they are borrowed only for
//! the duration of [`StaticStatement::execute`], which binds them, runs the statement and
//! clears the bindings before it returns, so SQLite never holds a pointer past the borrow.

use std::ffi::{c_int, CStr, CString};
use std::marker::PhantomData;

use rusqlite::{ffi, Connection};

/// A value to bind.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Value<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl<'a> From<Option<&'a str>> for Value<'a> {
    fn from(v: Option<&'a str>) -> Value<'a> {
        v.map_or(Value::Null, Value::Text)
    }
}

impl From<Option<i64>> for Value<'_> {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Value::Null, Value::Int)
    }
}

/// A prepared statement of `conn`, run with borrowed values.
pub(crate) struct StaticStatement<'c> {
    stmt: *mut ffi::sqlite3_stmt,
    db: *mut ffi::sqlite3,
    _conn: PhantomData<&'c Connection>,
}

fn error(db: *mut ffi::sqlite3, code: c_int) -> rusqlite::Error {
    // SAFETY: `db` is an open connection; the message is copied at once.
    let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)) }
        .to_string_lossy()
        .into_owned();
    rusqlite::Error::SqliteFailure(ffi::Error::new(code), Some(message))
}

/// Where `bytes` start, as SQLite is given them: an empty value points at a real (empty)
/// string, not at a dangling address, so that it is bound as empty and not as NULL.
fn start(bytes: &[u8]) -> *const u8 {
    if bytes.is_empty() {
        c"".as_ptr().cast()
    } else {
        bytes.as_ptr()
    }
}

impl<'c> StaticStatement<'c> {
    pub(crate) fn prepare(conn: &'c Connection, sql: &str) -> rusqlite::Result<Self> {
        let sql = CString::new(sql)?;
        // SAFETY: the handle is used only while `conn` is borrowed (`'c`), on this thread.
        let db = unsafe { conn.handle() };
        let mut stmt = std::ptr::null_mut();
        // SAFETY: `sql` is a NUL-terminated string; `stmt` receives the statement.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut stmt, std::ptr::null_mut())
        };
        if rc != ffi::SQLITE_OK {
            return Err(error(db, rc));
        }
        if stmt.is_null() {
            return Err(rusqlite::Error::InvalidQuery);
        }
        Ok(StaticStatement {
            stmt,
            db,
            _conn: PhantomData,
        })
    }

    /// Bind `values` to `?1`, `?2`, … and run the statement to its end.
    pub(crate) fn execute(&mut self, values: &[Value<'_>]) -> rusqlite::Result<()> {
        let result = self.bind_and_step(values);
        // SAFETY: the statement is valid; clearing the bindings drops every borrowed pointer
        // before `values` can go away.
        unsafe {
            ffi::sqlite3_reset(self.stmt);
            ffi::sqlite3_clear_bindings(self.stmt);
        }
        result
    }

    fn bind_and_step(&mut self, values: &[Value<'_>]) -> rusqlite::Result<()> {
        // SAFETY (every call below): the statement is valid, and each text or blob outlives
        // this call, after which `execute` clears the bindings.
        for (i, value) in values.iter().enumerate() {
            let at = (i + 1) as c_int;
            let rc = unsafe {
                match *value {
                    Value::Null => ffi::sqlite3_bind_null(self.stmt, at),
                    Value::Int(n) => ffi::sqlite3_bind_int64(self.stmt, at, n),
                    Value::Text(t) => ffi::sqlite3_bind_text64(
                        self.stmt,
                        at,
                        start(t.as_bytes()).cast(),
                        t.len() as ffi::sqlite3_uint64,
                        ffi::SQLITE_STATIC(),
                        ffi::SQLITE_UTF8 as std::ffi::c_uchar,
                    ),
                    Value::Blob(b) => ffi::sqlite3_bind_blob64(
                        self.stmt,
                        at,
                        start(b).cast(),
                        b.len() as ffi::sqlite3_uint64,
                        ffi::SQLITE_STATIC(),
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(error(self.db, rc));
            }
        }
        match unsafe { ffi::sqlite3_step(self.stmt) } {
            ffi::SQLITE_DONE | ffi::SQLITE_ROW => Ok(()),
            rc => Err(error(self.db, rc)),
        }
    }
}

impl Drop for StaticStatement<'_> {
    fn drop(&mut self) {
        // SAFETY: the statement was prepared by `prepare` and is finalized once.
        unsafe {
            ffi::sqlite3_finalize(self.stmt);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_stored_as_bound_and_errors_carry_their_code() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (a INTEGER, b TEXT UNIQUE, c BLOB, d TEXT)")
            .unwrap();
        let mut insert =
            StaticStatement::prepare(&conn, "INSERT INTO t VALUES (?1, ?2, ?3, ?4)").unwrap();
        for (a, b) in [(1, "程村蚝"), (2, "")] {
            let text = String::from(b); // dropped right after the call
            insert
                .execute(&[
                    Value::Int(a),
                    Value::Text(&text),
                    Value::Blob(&[0, 1, 2]),
                    Value::from(None::<&str>),
                ])
                .unwrap();
        }
        let again = insert
            .execute(&[
                Value::Int(3),
                Value::Text("程村蚝"),
                Value::Null,
                Value::Null,
            ])
            .unwrap_err();
        assert_eq!(
            again.sqlite_error_code(),
            Some(rusqlite::ErrorCode::ConstraintViolation)
        );
        let rows: Vec<(i64, String, Vec<u8>, Option<String>)> = conn
            .prepare("SELECT a, b, c, d FROM t ORDER BY a")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            rows,
            vec![
                (1, "程村蚝".into(), vec![0, 1, 2], None),
                (2, String::new(), vec![0, 1, 2], None)
            ]
        );
        assert!(StaticStatement::prepare(&conn, "INSERT INTO nowhere VALUES (1)").is_err());
    }
}
