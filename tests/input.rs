//! What comes in is checked before anything is written: amounts within the documented limit
//! and sums that never wrap, one decoding rule for every file, and stored texts without
//! control characters, invisible controls or runaway lengths. Every refusal names its rows
//! (`FILE:LINE: reason`), exits 1 and leaves the ledger as it was.

mod common;

use std::fmt::Write as _;

use common::Town;

const HEADER: &str = "txn_id,date,account,amount,memo,household,ref\n";

/// Import `csv` as `v.csv` (creating accounts).
fn import(town: &Town, csv: impl AsRef<[u8]>) -> common::Run {
    town.write("v.csv", csv);
    town.run(&["import", "postings", "v.csv", "--create-accounts"])
}

/// The ledger holds no transaction and no account beyond the standard chart.
#[track_caller]
fn untouched(town: &Town, accounts: i64) {
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), 0);
    assert_eq!(town.count("SELECT COUNT(*) FROM accounts"), accounts);
    assert_eq!(town.count("SELECT COUNT(*) FROM account_postings"), 0);
}

/// A valid resident ID number, a different one for each `i`.
fn id_number(i: u64) -> String {
    townledger::synth::distinct_id_number(i)
}

fn chart(town: &Town) -> i64 {
    town.count("SELECT COUNT(*) FROM accounts")
}

#[track_caller]
fn has(stderr: &str, expected: &str) {
    assert!(
        stderr.contains(expected),
        "missing {expected:?} in:\n{stderr}"
    );
}

// ---------------------------------------------------------------- money never wraps

#[test]
fn an_amount_above_the_largest_is_refused_naming_the_limit() {
    let town = Town::new();
    let accounts = chart(&town);
    let r = import(
        &town,
        format!(
            "{HEADER}\
             T1,2024-03-01,资产:库存现金,\"1,000,000,000,000,000.00\",x,,\n\
             T1,2024-03-01,收入:其他收入,\"-1,000,000,000,000,000.00\",x,,\n\
             T2,2024-03-01,资产:库存现金,1000000000000,x,,\n\
             T2,2024-03-01,收入:其他收入,-1000000000000,x,,\n"
        ),
    )
    .fails(1);
    has(
        &r.stderr,
        "v.csv:2: '1,000,000,000,000,000.00' exceeds the largest amount townledger accepts, ±999,999,999,999.99",
    );
    has(
        &r.stderr,
        "v.csv:3: '-1,000,000,000,000,000.00' exceeds the largest amount townledger accepts, ±999,999,999,999.99",
    );
    has(
        &r.stderr,
        "v.csv:4: '1000000000000' exceeds the largest amount townledger accepts, ±999,999,999,999.99",
    );
    has(&r.stderr, "4 errors in input; nothing was written");
    untouched(&town, accounts);
    // The largest itself is an amount, to the fen.
    import(
        &town,
        format!(
            "{HEADER}\
             T1,2024-03-01,资产:库存现金,999999999999.99,x,,\n\
             T1,2024-03-01,收入:其他收入,\"-999,999,999,999.99\",x,,\n"
        ),
    )
    .ok();
    assert_eq!(
        town.balances(),
        [
            ("收入:其他收入".to_string(), "-999999999999.99".to_string()),
            ("资产:库存现金".to_string(), "999999999999.99".to_string()),
        ]
    );
}

const MAX: &str = "999999999999.99";

#[test]
fn sums_beyond_what_a_ledger_keeps_are_errors_never_wrapped() {
    let town = Town::new();
    // Two months of 46,200 transactions moving the largest amount: each month's total fits an
    // i64 of fen, the balance over both does not.
    let mut csv = HEADER.to_string();
    for (month, date) in [("J", "2024-01-15"), ("F", "2024-02-15")] {
        for i in 0..46_200 {
            let _ = write!(
                csv,
                "{month}{i},{date},资产:库存现金,{MAX},x,,\n{month}{i},{date},收入:其他收入,-{MAX},x,,\n"
            );
        }
    }
    import(&town, &csv).ok();
    let limit = "beyond the largest total a ledger keeps (±92,233,720,368,547,758.07)";
    let r = town.run(&["balance", "--style", "plain"]).fails(1);
    assert_eq!(
        r.stderr.trim(),
        format!("error: the balance of 收入:其他收入 would be -92,399,999,999,999,076.00, {limit}")
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    // The 科目余额表 sums the period's debits and credits apart: those pass the limit first.
    let r = town.run(&["balance"]).fails(1);
    assert_eq!(
        r.stderr.trim(),
        format!("error: the debits of 资产:库存现金 would be 92,399,999,999,999,076.00, {limit}")
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    // The running balance passes the limit at the 92,234th posting.
    let r = town.run(&["register", "资产:库存现金"]).fails(1);
    assert_eq!(
        r.stderr.trim(),
        format!("error: the running balance of 资产:库存现金 would be 92,233,999,999,999,077.66, {limit}")
    );
    // What was posted is intact, and each month can be shown.
    town.run(&["verify"]).ok();
    town.run(&["balance", "--from", "2024-02-01", "--style", "plain"])
        .ok();

    // A month whose stored total would go beyond an i64 of fen: the write is refused whole.
    let before = town.count("SELECT COUNT(*) FROM transactions");
    let mut more = HEADER.to_string();
    for (account, sign) in [("资产:库存现金", ""), ("收入:其他收入", "-")] {
        for _ in 0..46_100 {
            let _ = writeln!(more, "MAR,2024-01-20,{account},{sign}{MAX},x,,");
        }
    }
    let r = import(&town, &more).fails(1);
    assert_eq!(
        r.stderr.trim(),
        format!(
            "error: the total of 资产:库存现金 for 2024-01 would be 92,299,999,999,999,077.00, {limit}; nothing was written"
        )
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), before);
    town.run(&["verify"]).ok();
}

#[test]
fn a_zero_transaction_is_refused() {
    let town = Town::new();
    let accounts = chart(&town);
    let r = import(
        &town,
        format!(
            "{HEADER}\
             T1,2024-03-01,资产:库存现金,0.00,nothing,,\n\
             T1,2024-03-01,收入:其他收入,-0.00,nothing,,\n"
        ),
    )
    .fails(1);
    assert_eq!(
        r.stderr.trim(),
        "v.csv:2: transaction T1 moves no money: every posting (lines 2-3) is 0.00\n\
         1 error in input; nothing was written"
    );
    untouched(&town, accounts);
}

// ---------------------------------------------------------------- decoding is strict

const VOUCHERS: &str = "txn_id,date,account,amount,memo\n\
    T1,2024-03-01,资产:库存现金,100.00,发放补助\n\
    T1,2024-03-01,收入:补助收入,-100.00,发放补助\n";

#[test]
fn a_utf8_file_with_a_stray_byte_is_refused_never_read_as_gbk() {
    let town = Town::new();
    let accounts = chart(&town);
    let mut bytes = VOUCHERS.as_bytes().to_vec();
    let at = VOUCHERS.rfind("补助").unwrap();
    bytes.insert(at, 0xB2);
    let r = import(&town, &bytes).fails(1);
    assert_eq!(
        r.stderr.trim(),
        format!(
            "v.csv:3: not valid UTF-8: byte 0xB2 at byte offset {at}, in a file that is UTF-8 elsewhere (a stray or damaged byte: correct it and read the file again; it is not read as GBK)\n\
             1 error in input; nothing was written"
        )
    );
    untouched(&town, accounts);
    // The register reads by the same rule.
    let mut register = format!(
        "id,village,name,id_number,members,per_capita_income,category\n\
         H0001,胡荔村,叶建国,{},4,3210.50,脱贫不稳定户\n",
        id_number(1)
    )
    .into_bytes();
    let at = register.len() - 10;
    register.insert(at, 0xFF);
    town.write("hh.csv", &register);
    let r = town.run(&["households", "import", "hh.csv"]).fails(1);
    assert_eq!(
        r.stderr.trim(),
        format!(
            "hh.csv:2: not valid UTF-8: byte 0xFF at byte offset {at}, in a file that is UTF-8 elsewhere (a stray or damaged byte: correct it and read the file again; it is not read as GBK)\n\
             1 error in input; nothing was written"
        )
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM households"), 0);
}

#[test]
fn a_bad_byte_far_into_a_large_file_stops_the_import_with_nothing_written() {
    let town = Town::new();
    let accounts = chart(&town);
    let mut csv = String::from("txn_id,date,account,amount,memo\n");
    for i in 0..3000 {
        let _ = write!(
            csv,
            "T{i},2024-03-01,资产:库存现金,1.00,发放补助\nT{i},2024-03-01,收入:补助收入,-1.00,发放补助\n"
        );
    }
    let mut bytes = csv.into_bytes();
    // On line 5001, far past the first 64 KiB.
    let at = bytes
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .nth(4999)
        .unwrap()
        .0
        + 3;
    bytes[at] = 0xC3;
    let r = import(&town, &bytes).fails(1);
    assert_eq!(
        r.stderr.trim(),
        format!(
            "v.csv:5001: not valid UTF-8: byte 0xC3 at byte offset {at}, in a file that is UTF-8 elsewhere (a stray or damaged byte: correct it and read the file again; it is not read as GBK)\n\
             1 error in input; nothing was written"
        )
    );
    untouched(&town, accounts);
    // Asked for UTF-8, the message says what else it may be.
    let r = town
        .run(&["import", "postings", "v.csv", "--encoding", "utf-8"])
        .fails(1);
    has(
        &r.stderr,
        &format!("v.csv:5001: not valid UTF-8: byte 0xC3 at byte offset {at} (if the file was saved as GBK, pass --encoding gbk)"),
    );
    untouched(&town, accounts);
}

#[test]
fn gbk_files_still_read_whole_and_exact() {
    let town = Town::new();
    let gbk = encoding_rs::GBK.encode(VOUCHERS).0.into_owned();
    import(&town, &gbk).ok();
    assert_eq!(
        town.text("SELECT memo FROM transactions WHERE external_id = 'T1'"),
        "发放补助"
    );
    // One byte that is not GBK either: refused, naming it.
    let town = Town::new();
    let accounts = chart(&town);
    let mut bad = gbk.clone();
    let end = bad.len() - 1;
    bad.insert(end, 0xFF);
    let r = import(&town, &bad).fails(1);
    has(
        &r.stderr,
        &format!("v.csv:3: neither UTF-8 nor GBK/GB 18030 text: byte 0xFF at byte offset {end}"),
    );
    untouched(&town, accounts);
}

// ---------------------------------------------------------------- stored texts

#[test]
fn control_characters_and_bidi_overrides_are_refused_in_every_stored_text() {
    let town = Town::new();
    let accounts = chart(&town);
    let r = import(
        &town,
        format!(
            "{HEADER}\
             T1,2024-03-01,资产:库存现金,1.00,发放\0补助,,\n\
             T1,2024-03-01,收入:补助收入,-1.00,发放补助,,B1\u{202e}2\n\
             T2,2024-03-01,资产:库存现金\u{200f},1.00,x,,\n\
             T2,2024-03-01,收入:补助收入,-1.00,\"two\nlines\",,\n"
        ),
    )
    .fails(1);
    assert_eq!(
        r.stderr.trim(),
        "v.csv:2: memo: character 3 is a NUL byte (U+0000), which a stored text may not contain\n\
         v.csv:3: ref: character 3 is a bidirectional-text control (U+202E), which a stored text may not contain\n\
         v.csv:4: account name '资产:库存现金\\u{200f}': character 8 is a bidirectional-text control (U+200F), which a stored text may not contain\n\
         v.csv:5: memo: character 4 is a line break (U+000A), which a stored text may not contain\n\
         4 errors in input; nothing was written"
    );
    untouched(&town, accounts);
    // From the command line too.
    import(
        &town,
        format!(
            "{HEADER}T1,2024-03-01,资产:库存现金,1.00,x,,\nT1,2024-03-01,收入:补助收入,-1.00,x,,\n"
        ),
    )
    .ok();
    let r = town
        .run(&["reverse", "2024-03-0001", "--reason", "重复\u{202e}记账"])
        .fails(1);
    assert_eq!(
        r.stderr.trim(),
        "error: the reason (--reason): character 3 is a bidirectional-text control (U+202E), which a stored text may not contain"
    );
    let r = town
        .run(&["accounts", "add", "资产:银行存款:\u{2066}专户"])
        .fails(1);
    has(
        &r.stderr,
        "character 9 is a bidirectional-text control (U+2066)",
    );
    let r = town
        .run(&[
            "project",
            "add",
            "oyster",
            "--name",
            "程村蚝\u{200b}",
            "--invested",
            "1130000",
            "--rate",
            "0.12",
        ])
        .fails(1);
    assert_eq!(
        r.stderr.trim(),
        "error: the project name (--name): character 4 is an invisible format character (U+200B), which a stored text may not contain"
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), 1);
}

#[test]
fn overlong_texts_are_refused_at_input() {
    let town = Town::new();
    let accounts = chart(&town);
    let memo = "补".repeat(10 * 1024 * 1024 / 3);
    let name = format!("资产:{}", "x".repeat(9 * 1024 * 1024));
    let r = import(
        &town,
        format!(
            "{HEADER}\
             T1,2024-03-01,资产:库存现金,1.00,{memo},,\n\
             T1,2024-03-01,{name},-1.00,x,,\n"
        ),
    )
    .fails(1);
    assert_eq!(
        r.stderr.trim(),
        format!(
            "v.csv:2: memo is {} characters long; at most 1000 are allowed\n\
             v.csv:3: account name '资产:{}…' is 9437187 characters long; at most 200 are allowed\n\
             2 errors in input; nothing was written",
            memo.chars().count(),
            "x".repeat(37)
        )
    );
    untouched(&town, accounts);
    // At the limits, accepted.
    import(
        &town,
        format!(
            "{HEADER}\
             T1,2024-03-01,资产:库存现金,1.00,{},,\n\
             T1,2024-03-01,资产:{},-1.00,x,,\n",
            "补".repeat(1000),
            "户".repeat(197)
        ),
    )
    .ok();
}

/// A voucher file tagging households `tags`, a transaction each.
fn tagged(prefix: &str, tags: &[&str]) -> String {
    let mut csv = HEADER.to_string();
    for (i, tag) in tags.iter().enumerate() {
        let _ = write!(
            csv,
            "{prefix}{i},2024-03-01,支出:公益支出,1.00,x,\"{tag}\",\n{prefix}{i},2024-03-01,资产:库存现金,-1.00,x,,\n"
        );
    }
    csv
}

#[test]
fn household_tags_are_checked_as_written() {
    let town = Town::new();
    let accounts = chart(&town);
    let r = import(&town, tagged("T", &[" H0001 ", "H 0001", "../H1", "H0001"])).fails(1);
    assert_eq!(
        r.stderr.trim(),
        "v.csv:2: household ' H0001 ' has spaces around it (write the household id alone)\n\
         v.csv:4: household 'H 0001' contains a space; a household id has none\n\
         v.csv:6: household '../H1' contains '/'; a household id may not contain / \\ : ; or \"\n\
         3 errors in input; nothing was written"
    );
    untouched(&town, accounts);
    // Without a register (as the demo imports its vouchers first), any well-formed id.
    import(&town, tagged("T", &["H0001", "H9999"])).ok();
}

#[test]
fn household_tags_must_name_a_registered_household() {
    let town = Town::new();
    town.write(
        "hh.csv",
        format!(
            "id,village,name,id_number,members,per_capita_income,category\n\
             H0001,胡荔村,叶建国,{},4,3210.50,脱贫不稳定户\n",
            id_number(1)
        ),
    );
    town.run(&["households", "import", "hh.csv"]).ok();
    let r = import(&town, tagged("T", &["H0001", "H0002"])).fails(1);
    assert_eq!(
        r.stderr.trim(),
        "v.csv:4: household 'H0002' is not in the household register (a tag names a registered household: import the register first, or correct the tag)\n\
         1 error in input; nothing was written"
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), 0);
    import(&town, tagged("T", &["H0001"])).ok();
}

#[test]
fn a_column_given_twice_is_refused_naming_it() {
    let town = Town::new();
    let accounts = chart(&town);
    let r = import(
        &town,
        "txn_id,date,account,amount,memo,金额\n\
         T1,2024-03-01,资产:库存现金,1.00,x,5.00\n\
         T1,2024-03-01,收入:其他收入,-1.00,x,-5.00\n",
    )
    .fails(1);
    assert_eq!(
        r.stderr.trim(),
        "v.csv:1: column 'amount' given twice: column 4 'amount' and column 6 '金额'\n\
         1 error in input; nothing was written"
    );
    untouched(&town, accounts);
}

#[test]
fn household_ids_and_villages_are_safe_as_file_names() {
    let town = Town::new();
    let rows = [
        "../H1,胡荔村,叶建国",
        "H0002,../../etc,刘䶮",
        "H0003,西一村/东,陈某",
        ".,西一村,陈某甲",
        "\" H0005\",西一村,陈某乙",
        "H0006,\"西一村 \",陈某丙",
        "H0007,西一村,\"陈\u{202e}某\"",
    ];
    let mut csv = String::from("id,village,name,id_number,members,per_capita_income,category\n");
    for (i, row) in rows.iter().enumerate() {
        let _ = writeln!(csv, "{row},{},3,12000,", id_number(i as u64 + 1));
    }
    town.write("hh.csv", csv);
    let r = town.run(&["households", "import", "hh.csv"]).fails(1);
    let e = &r.stderr;
    for expected in [
        "hh.csv:2: id '../H1' contains '/'; a household id may not contain / \\ : ; or \"",
        "hh.csv:3: village '../../etc' contains '/'; a village names a folder and may not contain / or \\",
        "hh.csv:4: village '西一村/东' contains '/'",
        "hh.csv:5: id '.' is '.' or contains '..'; a household id names a file",
        "hh.csv:6: id ' H0005' has spaces around it (write the household id alone)",
        "hh.csv:7: village '西一村 ' has spaces around it",
        "hh.csv:8: name: character 2 is a bidirectional-text control (U+202E), which a stored text may not contain",
        "7 errors in input; nothing was written",
    ] {
        has(e, expected);
    }
    assert_eq!(town.count("SELECT COUNT(*) FROM households"), 0);
}
