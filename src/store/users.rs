//! The web application's users and its event log (migration 19): the `users` and `web_events`
//! tables. The rules (roles, passwords, who may do what) are in `crate::users`.

use rusqlite::{params, Connection, OptionalExtension};

use super::{Ledger, Writer};
use crate::error::Result;

/// A user as kept: the password only as its Argon2id hash (PHC string).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredUser {
    pub name: String,
    pub role: String,
    pub hash: String,
    pub disabled: bool,
    pub created_at: String,
    pub created_by: String,
}

/// One sign-in, refused sign-in or write, as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebEvent {
    pub id: i64,
    pub at: String,
    pub user: String,
    pub address: String,
    pub action: String,
    pub detail: String,
    pub outcome: String,
}

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredUser> {
    Ok(StoredUser {
        name: r.get(0)?,
        role: r.get(1)?,
        hash: r.get(2)?,
        disabled: r.get::<_, i64>(3)? != 0,
        created_at: r.get(4)?,
        created_by: r.get(5)?,
    })
}

const USER_COLUMNS: &str = "name, role, hash, disabled, created_at, created_by";

fn user(conn: &Connection, name: &str) -> Result<Option<StoredUser>> {
    Ok(conn
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE name = ?1"),
            [name],
            user_row,
        )
        .optional()?)
}

impl Writer<'_> {
    pub fn user(&self, name: &str) -> Result<Option<StoredUser>> {
        user(self.sql(), name)
    }

    /// Keep a new user (the name must be free: see `users::add`).
    pub fn insert_user(&mut self, name: &str, role: &str, hash: &str) -> Result<()> {
        let at = self.posted_at().to_string();
        let by = self.operator().to_string();
        self.sql().execute(
            "INSERT INTO users (name, role, hash, disabled, created_at, created_by)
             VALUES (?1, ?2, ?3, 0, ?4, ?5)",
            params![name, role, hash, at, by],
        )?;
        Ok(())
    }

    /// Mark a user disabled; whether a row was changed.
    pub fn disable_user(&mut self, name: &str) -> Result<bool> {
        let n = self.sql().execute(
            "UPDATE users SET disabled = 1 WHERE name = ?1 AND disabled = 0",
            [name],
        )?;
        Ok(n == 1)
    }

    /// Keep one event: the writer's operator is who did it.
    pub fn insert_web_event(
        &mut self,
        address: &str,
        action: &str,
        detail: &str,
        outcome: &str,
    ) -> Result<()> {
        let at = self.posted_at().to_string();
        let user = self.operator().to_string();
        self.sql().execute(
            "INSERT INTO web_events (at, user, address, action, detail, outcome)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![at, user, address, action, detail, outcome],
        )?;
        Ok(())
    }
}

impl Ledger {
    pub fn user(&self, name: &str) -> Result<Option<StoredUser>> {
        user(&self.conn, name)
    }

    /// Every user, by name.
    pub fn users(&self) -> Result<Vec<StoredUser>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY name"))?;
        let rows = stmt.query_map([], user_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest `limit` events, newest first.
    pub fn web_events(&self, limit: usize) -> Result<Vec<WebEvent>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, user, address, action, detail, outcome FROM web_events
             ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(WebEvent {
                id: r.get(0)?,
                at: r.get(1)?,
                user: r.get(2)?,
                address: r.get(3)?,
                action: r.get(4)?,
                detail: r.get(5)?,
                outcome: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
