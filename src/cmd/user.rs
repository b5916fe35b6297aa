//! `townledger user add|list|disable`: the people who sign in to `townledger serve`.

use std::io::BufRead;

use townledger::error::{Error, Result};
use townledger::tr;
use townledger::users::{self, Role};

use super::Context;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Add a user with a role; the password is asked twice (or read from standard input).
    Add {
        name: String,
        /// village, town, cashier, inspector or admin.
        #[arg(long)]
        role: String,
        /// Read the password from the first line of standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Every user with their role and whether disabled.
    List,
    /// Disable a user: kept on record, can no longer sign in.
    Disable { name: String },
}

pub fn run(ctx: &Context, command: Command) -> Result<i32> {
    match command {
        Command::Add {
            name,
            role,
            password_stdin,
        } => {
            let role = Role::parse(&role)?;
            let password = if password_stdin {
                read_stdin_line()?
            } else {
                prompt_twice()?
            };
            users::check_password(&password)?;
            let mut ledger = ctx.open()?;
            let user = ledger.write(&ctx.operator, |w| users::add(w, &name, role, &password))?;
            outln!(
                "{}",
                tr!("user-added", name = &user.name, role = role_name(user.role))
            );
            Ok(0)
        }
        Command::List => {
            let ledger = ctx.open()?;
            let all = users::list(&ledger)?;
            if all.is_empty() {
                outln!("{}", tr!("user-none"));
            }
            for u in all {
                let state = if u.disabled {
                    tr!("user-state-disabled")
                } else {
                    tr!("user-state-active")
                };
                outln!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.name,
                    u.role.as_str(),
                    state,
                    u.created_at,
                    u.created_by
                );
            }
            Ok(0)
        }
        Command::Disable { name } => {
            let mut ledger = ctx.open()?;
            ledger.write(&ctx.operator, |w| users::disable(w, &name))?;
            outln!("{}", tr!("user-disabled", name = name.trim()));
            Ok(0)
        }
    }
}

/// The role's name in the process language.
pub fn role_name(role: Role) -> String {
    tr!(&format!("role-{}", role.as_str()))
}

fn read_stdin_line() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::io(tr!("standard-input"), e))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn prompt_twice() -> Result<String> {
    let first = rpassword::prompt_password(tr!("user-password-prompt"))
        .map_err(|e| Error::io(tr!("standard-input"), e))?;
    users::check_password(&first)?;
    let second = rpassword::prompt_password(tr!("user-password-again"))
        .map_err(|e| Error::io(tr!("standard-input"), e))?;
    if first != second {
        return Err(Error::rule(tr!("user-password-mismatch")));
    }
    Ok(first)
}
