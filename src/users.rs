//! The people who sign in to the web application (`townledger serve`): their roles, what each
//! role may do, and their passwords, kept only as Argon2id hashes. The same functions serve the
//! command line (`townledger user …`), the demo and the web.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::{Error, Result};
use crate::store::users::StoredUser;
use crate::store::{Ledger, Writer};
use crate::tr;

/// The shortest password accepted, in characters.
pub const PASSWORD_MIN: usize = 8;
/// The longest password accepted, in bytes (hashing a huge one would be a denial of service).
pub const PASSWORD_MAX: usize = 1024;

/// What a user is there for. Each role may read every page; the writes each may make are
/// listed by [`Role::may`]. The library's own rules (the proposer never approves, the village
/// before the town, …) still apply to every write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// The village committee 村委会: approves a run at the village level.
    Village,
    /// The town finance office 镇财务/农办: approves at the town level, publishes the notice,
    /// posts the run, reviews grant gates, imports vouchers, the household register and bank
    /// statements.
    Town,
    /// The cashier 出纳: pays posted runs, imports bank statements.
    Cashier,
    /// The inspector 督查/审计: reads everything, changes nothing.
    Inspector,
    /// The administrator: sees the users and the sign-in log; moves no money.
    Admin,
}

/// A write a role may make through the web.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    ApproveVillage,
    ApproveTown,
    Notice,
    Post,
    Pay,
    ReviewGrant,
    Import,
    /// Import a bank's statement of an account (for reconciliation).
    ImportBank,
    SeeUsers,
    /// Match bank lines with the books, and undo a match.
    Reconcile,
    /// Lock a reconciled bank statement, or unlock it.
    LockStatement,
}

impl Action {
    /// The action's name in the event log (`approve-village`).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ApproveVillage => "approve-village",
            Action::ApproveTown => "approve-town",
            Action::Notice => "notice",
            Action::Post => "post",
            Action::Pay => "pay",
            Action::ReviewGrant => "review-grant",
            Action::Import => "import",
            Action::ImportBank => "import-bank",
            Action::SeeUsers => "see-users",
            Action::Reconcile => "reconcile",
            Action::LockStatement => "lock-statement",
        }
    }
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Village,
        Role::Town,
        Role::Cashier,
        Role::Inspector,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Village => "village",
            Role::Town => "town",
            Role::Cashier => "cashier",
            Role::Inspector => "inspector",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Result<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| {
                Error::rule(tr!(
                    "user-unknown-role",
                    role = s,
                    known = Role::ALL.map(Role::as_str).join(", ")
                ))
            })
    }

    /// Whether this role may make `action`.
    pub fn may(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Village => matches!(action, ApproveVillage),
            Role::Town => matches!(
                action,
                ApproveTown
                    | Notice
                    | Post
                    | ReviewGrant
                    | Import
                    | ImportBank
                    | Reconcile
                    | LockStatement
            ),
            Role::Cashier => matches!(action, Pay | ImportBank | Reconcile),
            Role::Inspector => false,
            Role::Admin => matches!(action, SeeUsers),
        }
    }
}

/// A user as the web sees it: no hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: String,
    pub created_by: String,
}

impl TryFrom<StoredUser> for User {
    type Error = Error;
    fn try_from(s: StoredUser) -> Result<User> {
        Ok(User {
            role: Role::parse(&s.role).map_err(|e| Error::Tampered(e.to_string()))?,
            name: s.name,
            disabled: s.disabled,
            created_at: s.created_at,
            created_by: s.created_by,
        })
    }
}

/// The password's Argon2id hash (PHC string, a fresh random salt).
pub fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| Error::rule(format!("no random numbers: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| Error::rule(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::rule(e.to_string()))
}

/// Whether `password` matches the stored hash (a malformed hash matches nothing).
pub fn password_matches(password: &str, hash: &str) -> bool {
    if password.len() > PASSWORD_MAX {
        return false;
    }
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash that matches no password, checked against when the name is unknown so that a
/// refused sign-in takes as long whoever was named.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("no user has this password").unwrap_or_default())
}

/// Refuse a password that is empty, too short or too long.
pub fn check_password(password: &str) -> Result<()> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN {
        return Err(Error::rule(tr!("user-password-short", min = PASSWORD_MIN)));
    }
    if password.len() > PASSWORD_MAX {
        return Err(Error::rule(tr!("user-password-long", max = PASSWORD_MAX)));
    }
    Ok(())
}

/// Add a user; refused: a name taken (even by a disabled user), a bad name, a short password.
pub fn add(w: &mut Writer<'_>, name: &str, role: Role, password: &str) -> Result<User> {
    let name = name.trim();
    crate::text::check_stored_rule(&tr!("user-name-field"), name, crate::text::NAME_MAX)?;
    if name.is_empty() {
        return Err(Error::rule(tr!("user-name-empty")));
    }
    check_password(password)?;
    if w.user(name)?.is_some() {
        return Err(Error::rule(tr!("user-exists", name = name)));
    }
    let hash = hash_password(password)?;
    w.insert_user(name, role.as_str(), &hash)?;
    w.insert_web_event(
        "cli",
        "user-add",
        &format!("{name} {}", role.as_str()),
        "ok",
    )?;
    let stored = w
        .user(name)?
        .ok_or_else(|| Error::NotFound(tr!("user-unknown", name = name)))?;
    User::try_from(stored)
}

/// Disable a user: the row stays, the user can no longer sign in.
pub fn disable(w: &mut Writer<'_>, name: &str) -> Result<()> {
    let name = name.trim();
    let Some(user) = w.user(name)? else {
        return Err(Error::NotFound(tr!("user-unknown", name = name)));
    };
    if user.disabled {
        return Err(Error::rule(tr!("user-already-disabled", name = name)));
    }
    w.disable_user(name)?;
    w.insert_web_event("cli", "user-disable", name, "ok")?;
    Ok(())
}

/// Every user, by name.
pub fn list(ledger: &Ledger) -> Result<Vec<User>> {
    ledger.users()?.into_iter().map(User::try_from).collect()
}

/// The user `name` if `password` is theirs and they are not disabled. Takes as long whether
/// or not the name exists.
pub fn authenticate(ledger: &Ledger, name: &str, password: &str) -> Result<Option<User>> {
    let stored = ledger.user(name.trim())?;
    let hash = stored
        .as_ref()
        .map_or_else(|| decoy_hash().to_string(), |s| s.hash.clone());
    let matches = password_matches(password, &hash);
    match stored {
        Some(s) if matches && !s.disabled => Ok(Some(User::try_from(s)?)),
        _ => Ok(None),
    }
}

/// The user `name` as now kept, if enabled (a session's user is looked up on every request, so
/// that disabling a user ends their sessions).
pub fn active(ledger: &Ledger, name: &str) -> Result<Option<User>> {
    match ledger.user(name)? {
        Some(s) if !s.disabled => Ok(Some(User::try_from(s)?)),
        _ => Ok(None),
    }
}

/// Record one event in a write of its own: a sign-in (`sign-in`, outcome `ok`, `refused`,
/// `rate-limited`) or a refused write. `who` is the name given; one that could not be kept as
/// an operator (empty, too long, control characters) is kept as `?`.
pub fn record_event(
    ledger: &mut Ledger,
    who: &str,
    address: &str,
    action: &str,
    detail: &str,
    outcome: &str,
) -> Result<()> {
    let who = who.trim();
    let who = if who.is_empty()
        || crate::text::check_stored_rule("name", who, crate::text::NAME_MAX).is_err()
    {
        "?"
    } else {
        who
    };
    let clip = |s: &str| -> String { s.chars().take(crate::text::NAME_MAX).collect() };
    ledger.write(who, |w| {
        w.insert_web_event(&clip(address), action, &clip(detail), &clip(outcome))
    })
}

/// A random password of 16 letters and digits (for the demo's users).
pub fn random_password() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|e| Error::rule(format!("no random numbers: {e}")))?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect())
}

/// The demo town's users, one of each role: (name, role). Two town users, so that a run can
/// be approved at the town level by someone other than who planned it.
pub const DEMO_USERS: [(&str, Role); 6] = [
    ("村委王", Role::Village),
    ("镇财务李", Role::Town),
    ("镇农办陈", Role::Town),
    ("出纳赵", Role::Cashier),
    ("督查周", Role::Inspector),
    ("管理员", Role::Admin),
];

/// Add the demo's users with random passwords; returns (name, role, password) to print once.
pub fn add_demo_users(ledger: &mut Ledger, operator: &str) -> Result<Vec<(String, Role, String)>> {
    let mut made = Vec::new();
    for (name, role) in DEMO_USERS {
        made.push((name.to_string(), role, random_password()?));
    }
    ledger.write(operator, |w| {
        for (name, role, password) in &made {
            add(w, name, *role, password)?;
        }
        Ok(())
    })?;
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_matches_its_password_only() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(password_matches("correct horse", &h));
        assert!(!password_matches("correct horsf", &h));
        assert!(!password_matches("correct horse", "not a hash"));
    }

    #[test]
    fn roles_parse_and_the_inspector_may_do_nothing() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        assert!(Role::parse("boss").is_err());
        for a in [
            Action::ApproveVillage,
            Action::ApproveTown,
            Action::Notice,
            Action::Post,
            Action::Pay,
            Action::ReviewGrant,
            Action::Import,
            Action::ImportBank,
            Action::SeeUsers,
        ] {
            assert!(!Role::Inspector.may(a));
        }
    }
}
