//! `townledger user add|list|disable`: roles, password rules, duplicates, disabling.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::{Run, Town};

fn add(town: &Town, name: &str, role: &str, password: &str) -> Run {
    let mut child = town
        .cmd()
        .args(["user", "add", name, "--role", role, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("write password");
    let out = child.wait_with_output().expect("wait");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn users_are_added_listed_and_disabled_with_their_passwords_hashed() {
    let town = Town::new();
    add(&town, "李会计", "town", "correct-horse-battery").ok();
    add(&town, "村委王", "village", "another-long-one").ok();
    let list = town.run(&["user", "list"]).ok().stdout;
    assert!(list.contains("李会计\ttown\tactive"), "{list}");
    assert!(list.contains("村委王\tvillage\tactive"), "{list}");
    // Stored as an Argon2id hash, never the password.
    let hash = town.text("SELECT hash FROM users WHERE name = '李会计'");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("correct-horse-battery"));
    assert_eq!(
        town.text("SELECT created_by FROM users WHERE name = '李会计'"),
        "出纳张"
    );

    town.run(&["user", "disable", "李会计"]).ok();
    let list = town.run(&["user", "list"]).ok().stdout;
    assert!(list.contains("李会计\ttown\tdisabled"), "{list}");
    // The row stays; disabling twice is refused.
    assert_eq!(town.count("SELECT count(*) FROM users"), 2);
    let again = town.run(&["user", "disable", "李会计"]).fails(1);
    assert!(
        again.stderr.contains("disabled already"),
        "{}",
        again.stderr
    );
    // Each write is in the event log.
    assert_eq!(
        town.count("SELECT count(*) FROM web_events WHERE action = 'user-add'"),
        2
    );
    assert_eq!(
        town.count("SELECT count(*) FROM web_events WHERE action = 'user-disable'"),
        1
    );
    town.run(&["verify"]).ok();
}

#[test]
fn short_passwords_duplicates_and_unknown_roles_are_refused() {
    let town = Town::new();
    let short = add(&town, "李会计", "town", "short").fails(1);
    assert!(short.stderr.contains("at least 8"), "{}", short.stderr);
    let empty = add(&town, "李会计", "town", "").fails(1);
    assert!(empty.stderr.contains("too short"), "{}", empty.stderr);
    let role = add(&town, "李会计", "boss", "long-enough-pw").fails(1);
    assert!(
        role.stderr.contains("unknown role 'boss'"),
        "{}",
        role.stderr
    );
    assert_eq!(town.count("SELECT count(*) FROM users"), 0);
    add(&town, "李会计", "town", "long-enough-pw").ok();
    let dup = add(&town, "李会计", "cashier", "other-long-pw").fails(1);
    assert!(dup.stderr.contains("exists already"), "{}", dup.stderr);
    assert_eq!(town.count("SELECT count(*) FROM users"), 1);
    let unknown = town.run(&["user", "disable", "nobody"]).fails(1);
    assert!(
        unknown.stderr.contains("no user named nobody"),
        "{}",
        unknown.stderr
    );
}
