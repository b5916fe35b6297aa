//! `bench --web`: the web pages' times on a generated ledger, and the load test.

use super::*;

/// One GET over HTTP/1.1 (the connection closed after it): the status, the body and the time
/// from connecting to the last byte.
pub(super) fn http_get(host: &str, path: &str, cookie: &str) -> Result<(u16, Vec<u8>, f64)> {
    use std::io::{Read, Write};
    let start = Instant::now();
    let mut stream = std::net::TcpStream::connect(host).map_err(|e| Error::io(host, e))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| Error::io(host, e))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| Error::io(host, e))?;
    let seconds = start.elapsed().as_secs_f64();
    let status = String::from_utf8_lossy(raw.get(9..12).unwrap_or_default())
        .parse()
        .unwrap_or(0);
    let body = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or_else(Vec::new, |i| raw[i + 4..].to_vec());
    Ok((status, body, seconds))
}

/// A `serve` process, stopped when dropped.
pub(super) struct Served(std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(super) fn web_bench(args: &Args) -> Result<i32> {
    use std::io::BufRead;
    std::fs::create_dir_all(&args.dir).map_err(|e| Error::io(&args.dir, e))?;
    let journal = args.dir.join(format!("town-{}.csv", args.transactions));
    let db = args.dir.join("web.db");
    write_journal(&journal, args.transactions, args.households)?;
    let import = import_fresh(&db, &journal.display().to_string())?;
    outln!(
        "import postings: {} transactions in {:.3} s",
        args.transactions,
        import.seconds
    );
    // A user for the benchmark, with a random password used only here.
    let password = townledger::users::random_password()?;
    let mut ledger = townledger::store::Ledger::open(&db)?;
    let readers = args.clients.unwrap_or(0);
    ledger.write("bench", |w| {
        townledger::users::add(w, "bench", townledger::users::Role::Inspector, &password)?;
        if readers > 0 {
            townledger::users::add(w, "clerk", townledger::users::Role::Town, &password)?;
            for i in 0..readers {
                let name = format!("reader{i:02}");
                townledger::users::add(w, &name, townledger::users::Role::Inspector, &password)?;
            }
        }
        Ok(())
    })?;
    let bank = "资产:银行存款";
    let first = ledger.register_page(&ledger.account_and_descendants(bank)?, None, None, 0, 1)?;
    let voucher = first
        .lines
        .first()
        .map(|l| l.voucher.clone())
        .unwrap_or_default();
    // A page half-way through the bank accounts' register.
    let middle = first.total / 100 / 2 + 1;
    // The clerk's vouchers move 1.00 between the first voucher's first two accounts.
    let pair = ledger
        .transaction_by_voucher(&voucher)?
        .map(|t| t.postings)
        .unwrap_or_default();
    let date = first
        .lines
        .first()
        .map(|l| l.date.to_string())
        .unwrap_or_default();
    drop(ledger);
    let exe = std::env::current_exe().map_err(|e| Error::io("townledger", e))?;
    let mut child = Command::new(exe)
        .args(["serve", "--addr", "127.0.0.1:0", "--ledger"])
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| Error::io("townledger serve", e))?;
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        std::io::BufReader::new(out)
            .read_line(&mut line)
            .map_err(|e| Error::io("townledger serve", e))?;
    }
    let served = Served(child);
    let host = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .ok_or_else(|| Error::rule(format!("serve said {line:?}")))?
        .to_string();
    let cookie = sign_in(&host, "bench", &password)?;
    let account = synth::household_account(1);
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    let pages = [
        ("/ (overview)".to_string(), "/".to_string()),
        ("/balance".to_string(), "/balance".to_string()),
        (
            format!("/register {bank}, page 1"),
            format!("/register?account={}", enc(bank)),
        ),
        (
            format!("/register {bank}, page {middle}"),
            format!("/register?account={}&page={middle}", enc(bank)),
        ),
        (
            "/register one household".to_string(),
            format!("/register?account={}", enc(&account)),
        ),
        (
            format!("/voucher {voucher}"),
            format!("/voucher?v={}", enc(&voucher)),
        ),
    ];
    if let Some(clients) = args.clients {
        let load = Load {
            host: &host,
            password: &password,
            clients,
            seconds: args.seconds,
            pages: vec![
                ("/ (overview)".to_string(), "/".to_string()),
                ("/balance".to_string(), "/balance".to_string()),
                (
                    format!("/register {bank}, page 1"),
                    format!("/register?account={}", enc(bank)),
                ),
                (
                    "/voucher".to_string(),
                    format!("/voucher?v={}", enc(&voucher)),
                ),
                ("/runs".to_string(), "/runs".to_string()),
                ("/households".to_string(), "/households".to_string()),
            ],
            pair: &pair,
            date: &date,
        };
        let ok = load_test(&load, &db)?;
        drop(served);
        return Ok(if ok { 0 } else { 1 });
    }
    outln!(
        "{:<48} {:>10} {:>10} {:>10}",
        "page",
        "median s",
        "p95 s",
        "kB"
    );
    for (name, path) in &pages {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..args.runs.max(1) {
            let (status, body, seconds) = http_get(&host, path, &cookie)?;
            if status != 200 {
                return Err(Error::rule(format!("{path}: HTTP {status}")));
            }
            size = body.len();
            times.push(seconds);
        }
        times.sort_by(f64::total_cmp);
        outln!(
            "{name:<48} {:>10.3} {:>10.3} {:>10.1}",
            times[times.len() / 2],
            percentile(&times, 0.95),
            size as f64 / 1024.0
        );
    }
    drop(served);
    Ok(0)
}

/// Sign in through the form as a script would; the session cookie.
pub(super) fn sign_in(host: &str, name: &str, password: &str) -> Result<String> {
    use std::io::{Read, Write};
    let (_, form, _) = http_get(host, "/login", "")?;
    let form = String::from_utf8_lossy(&form).into_owned();
    let csrf = form
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string();
    let body = format!("name={name}&password={password}&csrf={csrf}");
    let mut stream = std::net::TcpStream::connect(host).map_err(|e| Error::io(host, e))?;
    write!(
        stream,
        "POST /login HTTP/1.1\r\nHost: {host}\r\nCookie: tl_login={csrf}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| Error::io(host, e))?;
    let mut raw = String::new();
    stream
        .read_to_string(&mut raw)
        .map_err(|e| Error::io(host, e))?;
    raw.lines()
        .filter_map(|l| l.strip_prefix("set-cookie: tl_session="))
        .map(|v| format!("tl_session={}", v.split(';').next().unwrap_or_default()))
        .next()
        .ok_or_else(|| Error::rule("the benchmark's user could not sign in".to_string()))
}

/// A keep-alive HTTP/1.1 connection to the server (127.0.0.1 only), reopened when the server
/// closes it.
pub(super) struct KeepAlive {
    host: String,
    stream: Option<std::net::TcpStream>,
}

impl KeepAlive {
    fn new(host: &str) -> KeepAlive {
        KeepAlive {
            host: host.to_string(),
            stream: None,
        }
    }

    /// Send one request; its status, headers (lower case) and body length, or `None` when the
    /// connection failed (counted as an error by the caller).
    fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &str,
        body: &[u8],
    ) -> Option<(u16, String, usize)> {
        for _attempt in 0..2 {
            if self.stream.is_none() {
                let stream = std::net::TcpStream::connect(&self.host).ok()?;
                stream.set_nodelay(true).ok()?;
                stream
                    .set_read_timeout(Some(std::time::Duration::from_secs(60)))
                    .ok()?;
                self.stream = Some(stream);
            }
            let fresh = self.send(method, path, headers, body);
            match fresh {
                Some(r) => return Some(r),
                None => self.stream = None,
            }
        }
        None
    }

    fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &str,
        body: &[u8],
    ) -> Option<(u16, String, usize)> {
        use std::io::{Read, Write};
        let stream = self.stream.as_mut()?;
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{headers}Content-Length: {}\r\n\r\n",
            self.host,
            body.len()
        );
        stream.write_all(head.as_bytes()).ok()?;
        stream.write_all(body).ok()?;
        let mut raw = Vec::with_capacity(16 * 1024);
        let mut buf = [0u8; 64 * 1024];
        let split = loop {
            if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let n = stream.read(&mut buf).ok()?;
            if n == 0 {
                return None;
            }
            raw.extend_from_slice(&buf[..n]);
        };
        let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        let status: u16 = head.get(9..12)?.parse().ok()?;
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok());
        let mut body_bytes = raw.len() - split;
        if let Some(length) = length {
            while body_bytes < length {
                let n = stream.read(&mut buf).ok()?;
                if n == 0 {
                    return None;
                }
                body_bytes += n;
            }
        } else if head.contains("transfer-encoding: chunked") {
            let mut tail = raw[split..].to_vec();
            while !tail.ends_with(b"0\r\n\r\n") {
                let n = stream.read(&mut buf).ok()?;
                if n == 0 {
                    return None;
                }
                tail.extend_from_slice(&buf[..n]);
            }
            body_bytes = tail.len();
        }
        if head.contains("connection: close") {
            self.stream = None;
        }
        Some((status, head, body_bytes))
    }
}

/// What the load test is given.
pub(super) struct Load<'a> {
    host: &'a str,
    password: &'a str,
    clients: usize,
    seconds: u64,
    /// (name, path) of the pages the clients read in turn.
    pages: Vec<(String, String)>,
    /// The postings of a voucher whose first two accounts the clerk's vouchers use.
    pair: &'a [townledger::ledger::transaction::Posting],
    date: &'a str,
}

/// The session cookie and the CSRF token of a signed-in user.
pub(super) fn session(host: &str, name: &str, password: &str) -> Result<(String, String)> {
    let cookie = sign_in(host, name, password)?;
    let (_, page, _) = http_get(host, "/import", &cookie)?;
    let page = String::from_utf8_lossy(&page).into_owned();
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string();
    Ok((cookie, csrf))
}

pub(super) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// `clients` readers loop over the pages for `seconds` while one clerk posts voucher files
/// (one voucher each, its own txn_id) through `/import`; then every accepted voucher must be
/// in the ledger exactly once and no other, and no response an error. Prints requests, errors
/// and p50/p95/p99 per page and overall; whether everything held.
pub(super) fn load_test(load: &Load<'_>, db: &std::path::Path) -> Result<bool> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let (first, second) = match (load.pair.first(), load.pair.get(1)) {
        (Some(a), Some(b)) => (a, b),
        _ => return Err(Error::rule("no voucher to copy for the clerk".to_string())),
    };
    let sessions: Vec<(String, String)> = (0..load.clients)
        .map(|i| session(load.host, &format!("reader{i:02}"), load.password))
        .collect::<Result<_>>()?;
    let clerk = session(load.host, "clerk", load.password)?;
    let before = townledger::store::Ledger::open(db)?.counts()?.0;
    outln!(
        "load: {} clients reading for {} s, one clerk posting vouchers (127.0.0.1, keep-alive)",
        load.clients,
        load.seconds
    );
    let stop = AtomicBool::new(false);
    let deadline = Instant::now() + std::time::Duration::from_secs(load.seconds);
    // (page index, seconds, ok) per request, per client.
    type Timing = (usize, f64, bool);
    let (timings, uploads): (Vec<Vec<Timing>>, (Vec<String>, usize, f64)) = std::thread::scope(
        |scope| {
            let readers: Vec<_> = sessions
                .iter()
                .enumerate()
                .map(|(c, (cookie, _))| {
                    let stop = &stop;
                    scope.spawn(move || {
                        let mut conn = KeepAlive::new(load.host);
                        let mut out = Vec::new();
                        let headers = format!("Cookie: {cookie}\r\n");
                        let mut i = c;
                        // Bounded: stops at the deadline, and after a million requests anyway.
                        while !stop.load(Ordering::Relaxed)
                            && Instant::now() < deadline
                            && out.len() < 1_000_000
                        {
                            let page = i % load.pages.len();
                            i += 1;
                            let start = Instant::now();
                            let r = conn.request("GET", &load.pages[page].1, &headers, b"");
                            let ok = matches!(r, Some((200, _, _)));
                            out.push((page, start.elapsed().as_secs_f64(), ok));
                        }
                        out
                    })
                })
                .collect();
            let clerk_thread = scope.spawn(|| {
                let mut conn = KeepAlive::new(load.host);
                let mut accepted = Vec::new();
                let mut failed = 0usize;
                let mut slowest = 0f64;
                let boundary = "----townledger-load-7f3a";
                let headers = format!(
                    "Cookie: {}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n",
                    clerk.0
                );
                let mut n = 0u64;
                while Instant::now() < deadline && n < 100_000 {
                    n += 1;
                    let id = format!("LOAD-{n:06}");
                    let household = |p: &townledger::ledger::transaction::Posting| {
                        p.household.clone().unwrap_or_default()
                    };
                    let (plus, minus) = if first.amount.is_negative() {
                        (second, first)
                    } else {
                        (first, second)
                    };
                    let csv = format!(
                        "txn_id,date,account,amount,memo,household\n\
                         {id},{date},{},1.00,load test,{}\n{id},{date},{},-1.00,load test,{}\n",
                        plus.account,
                        household(plus),
                        minus.account,
                        household(minus),
                        date = load.date
                    );
                    let body = format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n\
                         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{id}.csv\"\r\n\
                         Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n",
                        clerk.1
                    );
                    let start = Instant::now();
                    let r = conn.request("POST", "/import", &headers, body.as_bytes());
                    slowest = slowest.max(start.elapsed().as_secs_f64());
                    match r {
                        Some((303, head, _)) if head.contains("location: /import?posted=1") => {
                            accepted.push(id)
                        }
                        _ => failed += 1,
                    }
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                (accepted, failed, slowest)
            });
            let timings = readers
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect();
            stop.store(true, Ordering::Relaxed);
            let uploads = clerk_thread.join().unwrap_or((Vec::new(), usize::MAX, 0.0));
            (timings, uploads)
        },
    );
    let (accepted, refused, slowest_upload) = uploads;
    // The ledger afterwards: exactly the accepted vouchers were added, each once.
    let ledger = townledger::store::Ledger::open(db)?;
    let after = ledger.counts()?.0;
    let mut missing = 0usize;
    for id in &accepted {
        if ledger.transaction_named(id)?.is_none() {
            missing += 1;
        }
    }
    let added = after - before;
    let all: Vec<Timing> = timings.into_iter().flatten().collect();
    let errors = all.iter().filter(|t| !t.2).count();
    outln!(
        "{:<40} {:>9} {:>7} {:>8} {:>8} {:>8}",
        "page",
        "requests",
        "errors",
        "p50 s",
        "p95 s",
        "p99 s"
    );
    let line = |name: &str, picked: Vec<&Timing>| -> Result<()> {
        let mut times: Vec<f64> = picked.iter().map(|t| t.1).collect();
        times.sort_by(f64::total_cmp);
        outln!(
            "{name:<40} {:>9} {:>7} {:>8.3} {:>8.3} {:>8.3}",
            times.len(),
            picked.iter().filter(|t| !t.2).count(),
            percentile(&times, 0.50),
            percentile(&times, 0.95),
            percentile(&times, 0.99)
        );
        Ok(())
    };
    for (p, (name, _)) in load.pages.iter().enumerate() {
        line(name, all.iter().filter(|t| t.0 == p).collect())?;
    }
    line("all pages", all.iter().collect())?;
    outln!(
        "{:.1} requests/s; the clerk: {} voucher files accepted, {} refused or failed (slowest {:.3} s); \
         the ledger: {} transactions added, {} accepted vouchers missing",
        all.len() as f64 / load.seconds.max(1) as f64,
        accepted.len(),
        refused,
        slowest_upload,
        added,
        missing
    );
    let ok = errors == 0 && refused == 0 && missing == 0 && added == accepted.len() as i64;
    outln!(
        "{}",
        if ok {
            "load test: no error, no lost or doubled write"
        } else {
            "load test: FAILED"
        }
    );
    Ok(ok)
}
