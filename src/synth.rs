//! Synthetic town journals for benchmarks and tests: deterministic, any size, streamed to disk.

use std::io::Write;

use crate::money::Amount;

/// A small deterministic generator (xorshift64*), so the same size gives the same journal.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

const PROJECTS: [&str; 6] = ["程村蚝", "光伏", "罗非鱼", "沉香", "东水茶场", "扶贫车间"];
const BANKS: [&str; 3] = [
    "资产:银行存款:基本户",
    "资产:银行存款:储备金专户",
    "资产:银行存款:631专户",
];

/// The register account of household `i`.
pub fn household_account(i: u64) -> String {
    format!("负债:应付款:农户:H{i:06}")
}

/// Write a postings CSV of `transactions` balanced transactions (2–4 postings each) spread over
/// one year, touching `households` household accounts.
pub fn write_town_journal(
    out: &mut impl Write,
    transactions: u64,
    households: u64,
    seed: u64,
) -> std::io::Result<()> {
    write_journal(out, transactions, households, seed, false)
}

/// [`write_town_journal`] with the fund columns (`fund,purpose`): the same transactions, a
/// tenth of them saying what the dynamic-assistance fund's money is spent on.
pub fn write_town_journal_with_funds(
    out: &mut impl Write,
    transactions: u64,
    households: u64,
    seed: u64,
) -> std::io::Result<()> {
    write_journal(out, transactions, households, seed, true)
}

/// The purposes a tagged spend of the generated journal names, in turn.
const PURPOSES: [&str; 3] = ["临时救助", "产业发展", "就业补贴"];

fn write_journal(
    out: &mut impl Write,
    transactions: u64,
    households: u64,
    seed: u64,
    funds: bool,
) -> std::io::Result<()> {
    let mut rng = Rng::new(seed);
    // The fund columns of a row: none, or (with `funds`) empty ones or a tag.
    let no_tag = if funds { ",," } else { "" };
    if funds {
        writeln!(
            out,
            "txn_id,date,account,amount,memo,household,ref,fund,purpose"
        )?;
    } else {
        writeln!(out, "txn_id,date,account,amount,memo,household,ref")?;
    }
    let per_day = transactions.div_ceil(365).max(1);
    for t in 0..transactions {
        let day = (t / per_day).min(364) as i64;
        let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid")
            + chrono::Duration::days(day);
        let bank = BANKS[rng.below(3) as usize];
        let fen = (rng.below(500_000) + 100) as i64;
        if t == 0 {
            // The year's money for dynamic assistance, set aside first: no later spend from
            // the fund (at most 5,000.99 each) overdraws it.
            let a = Amount::from_fen(500_100 * transactions as i64);
            writeln!(
                out,
                "T{t},{date},资产:银行存款:基本户,{a},提取动态帮扶资金,,{no_tag}"
            )?;
            writeln!(
                out,
                "T{t},{date},负债:专项应付款:动态帮扶,{},提取动态帮扶资金,,{no_tag}",
                -a
            )?;
            continue;
        }
        match rng.below(3) {
            0 => {
                let project = PROJECTS[rng.below(6) as usize];
                let a = Amount::from_fen(fen);
                writeln!(out, "T{t},{date},{bank},{a},{project}分红,,{no_tag}")?;
                writeln!(
                    out,
                    "T{t},{date},收入:投资收益:{project},{},{project}分红,,{no_tag}",
                    -a
                )?;
            }
            1 => {
                let h1 = rng.below(households);
                let h2 = rng.below(households);
                let (a, b) = (Amount::from_fen(fen), Amount::from_fen(fen / 2 + 1));
                writeln!(
                    out,
                    "T{t},{date},{},{},发放帮扶金,H{h1:06},{no_tag}",
                    household_account(h1),
                    a
                )?;
                writeln!(
                    out,
                    "T{t},{date},{},{},发放帮扶金,H{h2:06},{no_tag}",
                    household_account(h2),
                    b
                )?;
                writeln!(
                    out,
                    "T{t},{date},{bank},{},发放帮扶金,,B{t}{no_tag}",
                    -(a + b)
                )?;
            }
            _ => {
                let h = rng.below(households);
                let (a, b, c) = (
                    Amount::from_fen(fen),
                    Amount::from_fen(fen / 3 + 7),
                    Amount::from_fen(fen / 5 + 3),
                );
                writeln!(
                    out,
                    "T{t},{date},负债:专项应付款:动态帮扶,{a},分配动态帮扶,,{}",
                    if funds && t % 3 == 0 {
                        format!(",dynamic,{}", PURPOSES[(t / 3 % 3) as usize])
                    } else {
                        no_tag.to_string()
                    }
                )?;
                writeln!(
                    out,
                    "T{t},{date},支出:公益支出:防贫保,{b},防贫保,H{h:06},{no_tag}"
                )?;
                writeln!(
                    out,
                    "T{t},{date},{},{},分配动态帮扶,H{h:06},{no_tag}",
                    household_account(h),
                    -(a + b + c)
                )?;
                writeln!(out, "T{t},{date},支出:管理费用,{c},手续费,,{no_tag}")?;
            }
        }
    }
    Ok(())
}

/// An 18-digit resident ID number with a valid check digit (GB 11643).
pub fn id_number(rng: &mut Rng) -> String {
    let year = 1940 + rng.below(60);
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    let body = format!("441721{year:04}{month:02}{day:02}{:03}", rng.below(1000));
    let check = crate::households::check_digit(&body).expect("17 digits");
    format!("{body}{check}")
}

/// A valid ID number that no other `i` gets: a birth date `i / 1000` days after 1940-01-01 and
/// the sequence number `i % 1000` (a register never lists one person twice).
pub fn distinct_id_number(i: u64) -> String {
    let birth = chrono::NaiveDate::from_ymd_opt(1940, 1, 1).expect("valid")
        + chrono::Duration::days((i / 1000) as i64);
    let body = format!("441721{}{:03}", birth.format("%Y%m%d"), i % 1000);
    let check = crate::households::check_digit(&body).expect("17 digits");
    format!("{body}{check}")
}

/// The register's vocabularies, for generated households (the benchmarks' and the
/// simulation's): monitoring categories (the last: none), risk levels, causes, labour.
pub(crate) const CATEGORIES: [&str; 5] = [
    "脱贫不稳定户",
    "边缘易致贫户",
    "突发严重困难户",
    "关注户",
    "",
];
pub(crate) const LEVELS: [&str; 3] = ["红", "黄", "蓝"];
pub(crate) const CAUSES: [&str; 5] = ["因病", "因残", "因学", "因灾", "务工就业不稳"];
pub(crate) const LABOUR: [&str; 3] = ["full", "weak", "none"];

/// Write a household register CSV of `households` households in the import format, most of
/// them in a monitoring category.
pub fn write_household_register(
    out: &mut impl Write,
    households: u64,
    seed: u64,
) -> std::io::Result<()> {
    const VILLAGES: [&str; 5] = ["胡荔村", "西一村", "红光村", "蓝袍村", "莲塘村"];
    write_register(out, households, seed, |_, rng| {
        VILLAGES[rng.below(5) as usize]
    })
}

/// The names of `n` generated villages (at most 50): `东塘村`, `东岭村` … `小山村`.
pub fn village_names(n: usize) -> Vec<String> {
    const FIRST: [&str; 10] = ["东", "西", "南", "北", "中", "上", "下", "新", "大", "小"];
    const SECOND: [&str; 5] = ["塘", "岭", "坑", "湖", "山"];
    FIRST
        .iter()
        .flat_map(|a| SECOND.iter().map(move |b| format!("{a}{b}村")))
        .take(n)
        .collect()
}

/// The village of household `i` (`H000123`) in a register written by
/// [`write_village_register`].
pub fn village_of(i: u64, villages: &[String]) -> &str {
    &villages[(i % villages.len() as u64) as usize]
}

/// [`write_household_register`] over the villages given, household `i` in
/// [`village_of`]`(i)`.
pub fn write_village_register(
    out: &mut impl Write,
    households: u64,
    villages: &[String],
    seed: u64,
) -> std::io::Result<()> {
    write_register(out, households, seed, |i, _| village_of(i, villages))
}

fn write_register<'v>(
    out: &mut impl Write,
    households: u64,
    seed: u64,
    village: impl Fn(u64, &mut Rng) -> &'v str,
) -> std::io::Result<()> {
    let mut rng = Rng::new(seed);
    writeln!(
        out,
        "id,village,name,id_number,members,per_capita_income,category,risk_level,risk_causes,labour,bank_card"
    )?;
    for i in 1..=households {
        // In this order: the register `write_household_register` always wrote.
        let income = Amount::from_yuan(2_000 + rng.below(13_000) as i64);
        let village = village(i, &mut rng);
        writeln!(
            out,
            "H{i:06},{village},户主{i},{},{},{},{},{},{},{},62170{:014}",
            distinct_id_number(i),
            1 + rng.below(6),
            income,
            CATEGORIES[rng.below(5) as usize],
            LEVELS[rng.below(3) as usize],
            CAUSES[rng.below(5) as usize],
            LABOUR[rng.below(3) as usize],
            rng.below(100_000_000_000_000)
        )?;
    }
    Ok(())
}

/// Write a postings CSV of `transactions` transactions over one year for a town keeping its
/// villages' books (村账镇代管): each village with its own account tree (`资产:银行存款:东塘村`,
/// `收入:投资收益:光伏:东塘村`, `收入:补助收入:东塘村`, `支出:管理费用:东塘村` …), and
/// household postings tagged with households `1..=households` of a register written by
/// [`write_village_register`] (relief on the town's `支出:公益支出:临时救助`, owed on the
/// household's payable and paid from the village's bank; public-welfare job wages); a few
/// of the town's own costs.
pub fn write_village_journal(
    out: &mut impl Write,
    transactions: u64,
    households: u64,
    villages: &[String],
    seed: u64,
) -> std::io::Result<()> {
    let mut rng = Rng::new(seed);
    writeln!(out, "txn_id,date,account,amount,memo,household,ref")?;
    let per_day = transactions.div_ceil(365).max(1);
    for t in 0..transactions {
        let day = (t / per_day).min(364) as i64;
        let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid")
            + chrono::Duration::days(day);
        let a = Amount::from_fen((rng.below(500_000) + 100) as i64);
        let h = 1 + rng.below(households.max(1));
        let kind = rng.below(10);
        // A household's postings are its village's.
        let v = match kind {
            2..=4 => village_of(h, villages),
            _ => &villages[rng.below(villages.len() as u64) as usize],
        };
        let mut row = |account: &str, amount: Amount, memo: &str, household: bool| {
            let tag = if household {
                format!("H{h:06}")
            } else {
                String::new()
            };
            writeln!(out, "V{t},{date},{account},{amount},{memo},{tag},")
        };
        match kind {
            // Income four times the size of a payment, so that the villages' banks hold money.
            0 => {
                let a = Amount::from_fen(a.fen() * 4);
                let project = PROJECTS[rng.below(6) as usize];
                row(&format!("资产:银行存款:{v}"), a, "分红", false)?;
                row(&format!("收入:投资收益:{project}:{v}"), -a, "分红", false)?;
            }
            1 => {
                let a = Amount::from_fen(a.fen() * 4);
                row(&format!("资产:银行存款:{v}"), a, "补助", false)?;
                row(&format!("收入:补助收入:{v}"), -a, "补助", false)?;
            }
            2 => {
                row("支出:公益支出:临时救助", a, "临时救助", true)?;
                row(&household_account(h), -a, "临时救助", true)?;
            }
            3 => {
                row(&household_account(h), a, "发放救助", true)?;
                row(&format!("资产:银行存款:{v}"), -a, "发放救助", false)?;
            }
            4 => {
                row(
                    &format!("支出:公益支出:公益岗位工资:{v}"),
                    a,
                    "岗位工资",
                    true,
                )?;
                row(&format!("负债:应付工资:{v}"), -a, "岗位工资", true)?;
            }
            5 => {
                row(&format!("资产:应收款:{v}"), a, "借出", false)?;
                row(&format!("资产:银行存款:{v}"), -a, "借出", false)?;
            }
            6 => {
                row("支出:管理费用", a, "镇级管理费用", false)?;
                row(BANKS[0], -a, "镇级管理费用", false)?;
            }
            _ => {
                row(&format!("支出:管理费用:{v}"), a, "管理费用", false)?;
                row(&format!("资产:银行存款:{v}"), -a, "管理费用", false)?;
            }
        }
    }
    Ok(())
}

/// Write an applications file for `townledger grant import`: `n` applications from the
/// reserve fund, 1,000.00 each for a loss of 10,000.00, spread over `households` in turn.
pub fn write_grant_applications(
    out: &mut impl Write,
    households: &[String],
    n: u64,
) -> std::io::Result<()> {
    const CAUSES: [&str; 6] = ["因病", "因灾", "因意外", "因学", "因残", "因失业"];
    writeln!(out, "household,fund,amount,cause,loss,note")?;
    if households.is_empty() {
        return Ok(());
    }
    for i in 0..n {
        let household = &households[(i % households.len() as u64) as usize];
        writeln!(
            out,
            "{household},储备金,1000.00,{},10000.00,生成的申请第{}份",
            CAUSES[(i % 6) as usize],
            i + 1
        )?;
    }
    Ok(())
}

/// A year of one bank account for the reconciliation benchmark: a journal of `postings`
/// transactions to `资产:银行存款:储备金专户` through 2024 (after an opening transfer at the end
/// of 2023), and the bank's statement of the year in the agricultural bank's layout with
/// `lines` of them: every `postings / lines`-th, dated up to two days later, half quoting the
/// voucher's reference as their serial number and half naming the counterparty.
#[allow(clippy::inconsistent_digit_grouping)] // fen as yuan_fen
pub fn write_bank_year(
    journal: &mut impl Write,
    statement: &mut impl Write,
    postings: u64,
    lines: u64,
) -> std::io::Result<()> {
    const BANK: &str = "资产:银行存款:储备金专户";
    const OPENING: i64 = 10_000_000_00;
    let yuan = |fen: i64| {
        let sign = if fen < 0 { "-" } else { "" };
        format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
    };
    writeln!(journal, "txn_id,date,account,amount,memo,household,ref")?;
    writeln!(
        journal,
        "B0,2023-12-31,{BANK},{},县财政划入,,\nB0,2023-12-31,净资产:资本,{},县财政划入,,",
        yuan(OPENING),
        yuan(-OPENING)
    )?;
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
    let every = (postings / lines.max(1)).max(1);
    let mut bank: Vec<(chrono::NaiveDate, i64, String, String)> = Vec::new();
    for i in 0..postings {
        let date = start + chrono::Days::new(i * 366 / postings.max(1));
        let fen = (i as i64 * 7919) % 500_000 + 100;
        let amount = if i % 3 == 0 { fen } else { -fen };
        let name = format!("对方单位{}", i % 997);
        let reference = format!("NX{i:08}");
        writeln!(
            journal,
            "B{n},{date},{BANK},{a},往来款 {name},,{reference}\nB{n},{date},支出:公益支出,{b},往来款 {name},,",
            n = i + 1,
            a = yuan(amount),
            b = yuan(-amount)
        )?;
        if i % every == 0 && (bank.len() as u64) < lines {
            let day = (date + chrono::Days::new(i % 3))
                .min(chrono::NaiveDate::from_ymd_opt(2024, 12, 31).expect("a date"));
            let serial = if (i / every).is_multiple_of(2) {
                reference
            } else {
                String::new()
            };
            bank.push((day, amount, name, serial));
        }
    }
    bank.sort_by_key(|l| l.0);
    writeln!(
        statement,
        "中国农业银行账户交易明细\n账号：4467 0101 0400 1888 6"
    )?;
    writeln!(
        statement,
        "交易日期,摘要,借方发生额,贷方发生额,余额,对方账号,对方户名,交易流水号"
    )?;
    let mut balance = OPENING;
    for (date, amount, name, serial) in &bank {
        balance += amount;
        let (out, into) = if *amount < 0 {
            (yuan(-amount), String::new())
        } else {
            (String::new(), yuan(*amount))
        };
        writeln!(
            statement,
            "{},往来款,{out},{into},{},,{name},{serial}",
            date.format("%Y%m%d"),
            yuan(balance)
        )?;
    }
    writeln!(statement, "合计,共{}笔,,,,,,", bank.len())
}
