//! The `townledger` command: parse arguments, run one command, map errors to exit codes.

mod cmd;

/// mimalloc: the import's two threads allocate and free many small strings, often on
/// different threads, where it is much faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    townledger::store::configure_sqlite();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let (on_line, lang) = cmd::help::language(&args);
    townledger::i18n::set_lang(lang);
    cmd::set_report_lang(on_line);
    let cli = cmd::help::parse(args);
    let result = cmd::run(cli);
    if std::env::var_os("TOWNLEDGER_PEAK_MEMORY").is_some() {
        report_peak_memory();
    }
    match result {
        Ok(code) => std::process::exit(code),
        Err(townledger::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            std::process::exit(0)
        }
        Err(e) => {
            match &e {
                townledger::Error::Input(_) => eprintln!("{e}"),
                _ => eprintln!("{}", townledger::tr!("error-line", message = e.to_string())),
            }
            std::process::exit(e.exit_code());
        }
    }
}

/// For `townledger bench`: print this process's peak resident memory (Linux).
fn report_peak_memory() {
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(kb) = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            eprintln!("peak memory kB: {kb}");
        }
    }
}
