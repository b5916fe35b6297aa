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
    let mut rng = Rng::new(seed);
    writeln!(out, "txn_id,date,account,amount,memo,household,ref")?;
    let per_day = transactions.div_ceil(365).max(1);
    for t in 0..transactions {
        let day = (t / per_day).min(364) as i64;
        let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid")
            + chrono::Duration::days(day);
        let bank = BANKS[rng.below(3) as usize];
        let fen = (rng.below(500_000) + 100) as i64;
        match rng.below(3) {
            0 => {
                let project = PROJECTS[rng.below(6) as usize];
                let a = Amount::from_fen(fen);
                writeln!(out, "T{t},{date},{bank},{a},{project}分红,,")?;
                writeln!(
                    out,
                    "T{t},{date},收入:投资收益:{project},{},{project}分红,,",
                    -a
                )?;
            }
            1 => {
                let h1 = rng.below(households);
                let h2 = rng.below(households);
                let (a, b) = (Amount::from_fen(fen), Amount::from_fen(fen / 2 + 1));
                writeln!(
                    out,
                    "T{t},{date},{},{},发放帮扶金,H{h1:06},",
                    household_account(h1),
                    a
                )?;
                writeln!(
                    out,
                    "T{t},{date},{},{},发放帮扶金,H{h2:06},",
                    household_account(h2),
                    b
                )?;
                writeln!(out, "T{t},{date},{bank},{},发放帮扶金,,B{t}", -(a + b))?;
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
                    "T{t},{date},负债:专项应付款:动态帮扶,{a},分配动态帮扶,,"
                )?;
                writeln!(out, "T{t},{date},支出:公益支出:防贫保,{b},防贫保,H{h:06},")?;
                writeln!(
                    out,
                    "T{t},{date},{},{},分配动态帮扶,H{h:06},",
                    household_account(h),
                    -(a + b + c)
                )?;
                writeln!(out, "T{t},{date},支出:管理费用,{c},手续费,,")?;
            }
        }
    }
    Ok(())
}
