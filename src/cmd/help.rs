//! The command line in the clerk's language: the help of every command and argument comes from
//! the catalogs (keys from the command's path: `help-allocate-plan`, `help-allocate-plan-policy`;
//! an argument shared by many commands falls back to `help-arg-<name>`), and clap's own
//! messages are said again in the process language.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches};
use townledger::i18n::{self, Lang};
use townledger::tr;

use super::Cli;

/// The language asked for before the arguments are parsed (the help depends on it):
/// `--lang X` or `--lang=X` on the command line, else `TOWNLEDGER_LANG`, else Chinese. The
/// first of the pair says whether it was given on the command line.
pub fn language(args: &[OsString]) -> (Option<Lang>, Lang) {
    let mut on_line = None;
    let mut iter = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = iter.next() {
        if a == "--" {
            break;
        }
        if a == "--lang" {
            on_line = iter.next().and_then(|v| i18n::parse_lang(&v));
        } else if let Some(v) = a.strip_prefix("--lang=") {
            on_line = i18n::parse_lang(v);
        }
    }
    let env = std::env::var("TOWNLEDGER_LANG")
        .ok()
        .and_then(|v| i18n::parse_lang(&v));
    (on_line, on_line.or(env).unwrap_or(Lang::Zh))
}

/// The catalog key of a command: `help-townledger` for the program, `help-allocate-plan` for
/// `townledger allocate plan`.
pub fn command_key(path: &[&str]) -> String {
    if path.is_empty() {
        "help-townledger".to_string()
    } else {
        format!("help-{}", path.join("-"))
    }
}

/// The catalog keys tried for an argument, most particular first.
pub fn arg_keys(path: &[&str], id: &str) -> [String; 2] {
    let id = id.replace('_', "-");
    let command = command_key(path);
    [format!("{command}-{id}"), format!("help-arg-{id}")]
}

/// The help of an argument from the catalogs, with its long form when there is one.
pub fn arg_help(path: &[&str], id: &str) -> Option<(String, Option<String>)> {
    arg_keys(path, id).iter().find_map(|key| {
        i18n::lookup(key).map(|short| (short, i18n::lookup(&format!("{key}-long"))))
    })
}

/// A text to set, or none to clear the derived English one.
fn reset(text: Option<String>) -> clap::builder::Resettable<clap::builder::StyledStr> {
    match text {
        Some(t) => clap::builder::Resettable::Value(t.into()),
        None => clap::builder::Resettable::Reset,
    }
}

/// clap's layout with the usage heading in the process language.
fn template() -> String {
    let heading = tr!("help-heading-usage");
    // "Usage: townledger", "用法：townledger"
    let space = if heading.ends_with(':') { " " } else { "" };
    format!("{{before-help}}{{about-with-newline}}\n{heading}{space}{{usage}}\n\n{{all-args}}{{after-help}}")
}

/// `Cli::command()` with every text from the catalogs.
pub fn command() -> clap::Command {
    localize(Cli::command(), &mut Vec::new())
}

fn localize(mut cmd: clap::Command, path: &mut Vec<String>) -> clap::Command {
    let names: Vec<&str> = path.iter().map(String::as_str).collect();
    let key = command_key(&names);
    cmd = cmd
        .about(reset(i18n::lookup(&key)))
        .long_about(reset(i18n::lookup(&format!("{key}-long"))))
        .help_template(template())
        .subcommand_help_heading(tr!("help-heading-commands"))
        .subcommand_value_name(tr!("help-value-command"))
        .disable_help_flag(true)
        .disable_help_subcommand(true);
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let help = arg_help(&names, &id);
        cmd = cmd.mut_arg(&id, |a| {
            let heading = if a.is_positional() {
                tr!("help-heading-arguments")
            } else if a.is_global_set() {
                tr!("help-heading-global")
            } else {
                tr!("help-heading-options")
            };
            let a = a.help_heading(heading);
            // clap's own `[default: …]`, `[env: …]` and `[possible values: …]` are English:
            // they are written after the help text from the catalog instead.
            let notes = annotations(&a);
            let a = if a.get_action().takes_values() {
                a.hide_default_value(true).hide_possible_values(true)
            } else {
                a
            }
            .hide_env(true);
            match help {
                Some((short, long)) => a
                    .help(format!("{short}{notes}"))
                    .long_help(reset(long.map(|l| format!("{l}{notes}")))),
                None => a,
            }
        });
    }
    cmd = cmd.arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help(tr!("help-flag-help"))
            .help_heading(tr!("help-heading-options")),
    );
    if path.is_empty() {
        cmd = cmd
            .disable_version_flag(true)
            .arg(
                Arg::new("version")
                    .short('V')
                    .long("version")
                    .action(ArgAction::Version)
                    .help(tr!("help-flag-version"))
                    .help_heading(tr!("help-heading-options")),
            )
            .subcommand(
                clap::Command::new("help")
                    .about(tr!("help-help"))
                    .arg(
                        Arg::new("command")
                            .num_args(0..)
                            .value_name(tr!("help-value-command"))
                            .help(tr!("help-help-command"))
                            .help_heading(tr!("help-heading-arguments")),
                    )
                    .help_template(template())
                    .disable_help_flag(true),
            );
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .filter(|n| !(path.is_empty() && n == "help"))
        .collect();
    for name in subs {
        path.push(name.clone());
        cmd = cmd.mut_subcommand(&name, |s| localize(s, path));
        path.pop();
    }
    cmd
}

/// An argument's default, environment variable and possible values, in the process language:
/// `（默认：zh；环境变量：TOWNLEDGER_LANG）` / ` [default: zh] [env: TOWNLEDGER_LANG]`; empty when it
/// has none.
fn annotations(a: &Arg) -> String {
    let mut notes = Vec::new();
    if a.get_action().takes_values() {
        let defaults: Vec<String> = a
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        if !defaults.is_empty() {
            notes.push(tr!("help-note-default", value = defaults.join(", ")));
        }
        let possible: Vec<String> = a
            .get_possible_values()
            .iter()
            .filter(|p| !p.is_hide_set())
            .map(|p| p.get_name().to_string())
            .collect();
        if !possible.is_empty() {
            notes.push(tr!("help-note-possible", values = possible.join(", ")));
        }
    }
    if let Some(env) = a.get_env() {
        notes.push(tr!(
            "help-note-env",
            name = env.to_string_lossy().into_owned()
        ));
    }
    if notes.is_empty() {
        String::new()
    } else {
        tr!(
            "help-notes",
            notes = notes.join(&tr!("help-note-separator"))
        )
    }
}

/// Parse the command line: help, version and usage errors are printed here in the process
/// language (usage errors exit 2, as clap's do).
pub fn parse(args: Vec<OsString>) -> Cli {
    let mut cmd = command();
    let matches = match cmd.try_get_matches_from_mut(args) {
        Ok(m) => m,
        Err(e) => exit_with(e, &mut cmd),
    };
    if let Some(("help", sub)) = matches.subcommand() {
        let path: Vec<String> = sub
            .get_many::<String>("command")
            .map(|v| v.cloned().collect())
            .unwrap_or_default();
        print_help_of(&mut cmd, &path);
    }
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => exit_with(e.with_cmd(&cmd), &mut cmd),
    }
}

/// `townledger help allocate plan`: the help of `allocate plan`.
fn print_help_of(cmd: &mut clap::Command, path: &[String]) -> ! {
    cmd.build();
    let mut target = cmd.clone();
    for name in path {
        match target.find_subcommand(name) {
            Some(sub) => target = sub.clone(),
            None => {
                eprintln!(
                    "{}",
                    tr!(
                        "cli-error",
                        message = tr!("cli-unknown-command", name = name.as_str())
                    )
                );
                std::process::exit(2);
            }
        }
    }
    let _ = target.print_help();
    std::process::exit(0)
}

/// Print a parse error in the process language (help and version as they are) and exit.
fn exit_with(e: clap::Error, cmd: &mut clap::Command) -> ! {
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
        _ if i18n::lang() == Lang::En => e.exit(),
        _ => {}
    }
    let _ = cmd;
    eprintln!("{}", describe(&e));
    std::process::exit(e.exit_code())
}

fn context(e: &clap::Error, kind: ContextKind) -> String {
    match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(v)) => v
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join("、"),
        Some(ContextValue::Number(n)) => n.to_string(),
        Some(ContextValue::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

/// A usage error in the catalog's words: what is wrong, a suggestion when clap has one, the
/// usage and where to read more.
pub fn describe(e: &clap::Error) -> String {
    let arg = context(e, ContextKind::InvalidArg);
    let value = context(e, ContextKind::InvalidValue);
    let message = match e.kind() {
        ErrorKind::InvalidValue => {
            let valid = context(e, ContextKind::ValidValue);
            if value.is_empty() {
                tr!("cli-missing-value", arg = arg)
            } else if valid.is_empty() {
                tr!("cli-invalid-value", arg = arg, value = value)
            } else {
                tr!(
                    "cli-invalid-value-one-of",
                    arg = arg,
                    value = value,
                    valid = valid
                )
            }
        }
        ErrorKind::ValueValidation => {
            let reason = e.source().map(|s| s.to_string()).unwrap_or_default();
            tr!(
                "cli-value-refused",
                arg = arg,
                value = value,
                reason = reason
            )
        }
        ErrorKind::UnknownArgument => tr!("cli-unknown-argument", arg = arg),
        ErrorKind::InvalidSubcommand => tr!(
            "cli-unknown-command",
            name = context(e, ContextKind::InvalidSubcommand)
        ),
        ErrorKind::MissingRequiredArgument => tr!("cli-missing-argument", arg = arg),
        ErrorKind::MissingSubcommand => tr!(
            "cli-missing-command",
            name = context(e, ContextKind::InvalidSubcommand)
        ),
        ErrorKind::ArgumentConflict => tr!(
            "cli-conflict",
            arg = arg,
            other = context(e, ContextKind::PriorArg)
        ),
        ErrorKind::NoEquals => tr!("cli-no-equals", arg = arg),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            tr!("cli-value-count", arg = arg)
        }
        ErrorKind::InvalidUtf8 => tr!("cli-invalid-utf8"),
        _ => tr!("cli-other", detail = e.kind().to_string()),
    };
    let mut out = tr!("cli-error", message = message);
    let suggested_arg = context(e, ContextKind::SuggestedArg);
    let suggested_cmd = context(e, ContextKind::SuggestedSubcommand);
    for s in [suggested_arg, suggested_cmd] {
        if !s.is_empty() {
            out.push_str(&format!("\n\n  {}", tr!("cli-suggestion", suggestion = s)));
        }
    }
    let usage = context(e, ContextKind::Usage);
    if !usage.is_empty() {
        let usage = usage.trim_start_matches("Usage:").trim();
        out.push_str(&format!("\n\n{}", tr!("cli-usage", usage = usage)));
    }
    out.push_str(&format!("\n\n{}", tr!("cli-more-help")));
    out
}

use std::error::Error as _;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and every argument, walked from the top.
    fn walk(
        cmd: &clap::Command,
        path: &mut Vec<String>,
        out: &mut Vec<(Vec<String>, Option<String>)>,
    ) {
        out.push((path.clone(), None));
        for a in cmd.get_arguments() {
            let id = a.get_id().to_string();
            if id == "help" || id == "version" {
                continue;
            }
            out.push((path.clone(), Some(id)));
        }
        for s in cmd.get_subcommands() {
            path.push(s.get_name().to_string());
            walk(s, path, out);
            path.pop();
        }
    }

    /// Every command and every argument has help in both languages, and the program's help is
    /// the catalog's.
    #[test]
    fn every_command_and_argument_is_described_in_both_languages() {
        let mut all = Vec::new();
        walk(&Cli::command(), &mut Vec::new(), &mut all);
        let mut missing = Vec::new();
        for lang in [Lang::Zh, Lang::En] {
            i18n::set_lang(lang);
            for (path, arg) in &all {
                let names: Vec<&str> = path.iter().map(String::as_str).collect();
                let text = match arg {
                    None => i18n::lookup(&command_key(&names)),
                    Some(id) => arg_help(&names, id).map(|(short, _)| short),
                };
                if text.is_none_or(|t| t.trim().is_empty()) {
                    missing.push(format!("{lang:?} {names:?} {arg:?}"));
                }
            }
        }
        i18n::set_lang(Lang::Zh);
        assert!(missing.is_empty(), "no help for: {missing:#?}");
    }

    /// A key in the help catalog that names no command or argument is a leftover.
    #[test]
    fn every_help_key_names_a_command_or_argument() {
        let mut all = Vec::new();
        walk(&Cli::command(), &mut Vec::new(), &mut all);
        let mut keys: Vec<String> = Vec::new();
        for (path, arg) in &all {
            let names: Vec<&str> = path.iter().map(String::as_str).collect();
            match arg {
                None => keys.push(command_key(&names)),
                Some(id) => keys.extend(arg_keys(&names, id)),
            }
        }
        let stray: Vec<String> = i18n::message_ids(Lang::En)
            .into_iter()
            .filter(|id| id.starts_with("help-") && !id.starts_with("help-heading-"))
            .filter(|id| !id.starts_with("help-flag-") && !id.starts_with("help-help"))
            .filter(|id| !id.starts_with("help-note"))
            .filter(|id| id != "help-value-command")
            .map(|id| id.trim_end_matches("-long").to_string())
            .filter(|id| !keys.contains(id))
            .collect();
        assert!(stray.is_empty(), "help for nothing: {stray:?}");
    }

    #[test]
    fn the_localized_command_is_valid() {
        for lang in [Lang::Zh, Lang::En] {
            i18n::set_lang(lang);
            command().debug_assert();
        }
        i18n::set_lang(Lang::Zh);
    }
}
