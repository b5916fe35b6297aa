//! Where an account stands at a statement's end: what the 银行存款余额调节表 prints.
//!
//! At the statement's last day `E`:
//! - the book balance is every posting to the account (and the accounts under it) up to `E`;
//!   the bank balance is the statement's closing balance;
//! - a bank line up to `E` is *outstanding* unless it is matched and every line and posting of
//!   its match is dated up to `E`: the bank has it, the books not yet (银行已收、企业未收 when
//!   money came in, 银行已付、企业未付 when it went out);
//! - a posting from the account's first statement up to `E` is outstanding on the same terms:
//!   the books have it, the bank not yet (企业已收、银行未收 / 企业已付、银行未付). Postings
//!   before the first statement are taken as agreed with the bank.
//!
//! adjusted book = book + outstanding bank lines; adjusted bank = bank + outstanding postings.
//! Every match sums to the same fen on both sides, so whatever is matched or unmatched the two
//! differ by the same amount: what the bank's opening balance and the books disagreed by when
//! reconciliation began. When that is not nothing, the report says by how much.

use chrono::NaiveDate;

use crate::error::Result;
use crate::money::{Amount, Total};
use crate::store::bank::{BankReads, BankStatement, BookItem, StoredBankLine};

/// The reconciliation of one statement.
#[derive(Clone, Debug)]
pub struct Position {
    pub account: String,
    pub statement: BankStatement,
    /// The first day reconciled: the account's first statement's.
    pub start: NaiveDate,
    pub book_balance: Amount,
    pub bank_balance: Amount,
    /// 银行已收、企业未收 and 银行已付、企业未付.
    pub bank_received: Vec<StoredBankLine>,
    pub bank_paid: Vec<StoredBankLine>,
    /// 企业已收、银行未收 and 企业已付、银行未付.
    pub book_received: Vec<BookItem>,
    pub book_paid: Vec<BookItem>,
    pub adjusted_book: Total,
    pub adjusted_bank: Total,
    /// Lines of the statement's period, and how many of them are matched.
    pub lines_in_period: usize,
    pub matched_in_period: usize,
    /// The bank's opening balance at `start` less the books' balance the day before.
    pub opening_difference: Total,
}

impl Position {
    /// Adjusted bank less adjusted book: nothing when the two agree.
    pub fn difference(&self) -> Total {
        Total::default().plus_fen(self.adjusted_bank.fen() - self.adjusted_book.fen())
    }

    pub fn agrees(&self) -> bool {
        self.difference().is_zero()
    }

    pub fn bank_received_total(&self) -> Total {
        self.bank_received.iter().map(|l| l.amount).collect()
    }

    pub fn bank_paid_total(&self) -> Total {
        self.bank_paid.iter().map(|l| l.amount).collect()
    }

    pub fn book_received_total(&self) -> Total {
        self.book_received.iter().map(|b| b.amount).collect()
    }

    pub fn book_paid_total(&self) -> Total {
        self.book_paid.iter().map(|b| b.amount).collect()
    }
}

/// The position of `account` (id, name) at the end of `statement`.
pub fn position(
    reads: &impl BankReads,
    account: (i64, &str),
    statement: &BankStatement,
) -> Result<Position> {
    let end = statement.to;
    let statements = reads.bank_statements(account.0)?;
    let first = statements
        .iter()
        .min_by_key(|s| s.from)
        .unwrap_or(statement);
    let start = first.from;
    let last_dates = reads.bank_match_last_dates(account.0)?;
    let cleared = |m: Option<i64>| m.is_some_and(|m| last_dates.get(&m).is_some_and(|&d| d <= end));
    let lines = reads.bank_lines(account.0, Some(end))?;
    let lines_in_period = lines.iter().filter(|l| statement.covers(l.date)).count();
    let matched_in_period = lines
        .iter()
        .filter(|l| statement.covers(l.date) && l.match_id.is_some())
        .count();
    let (bank_received, bank_paid): (Vec<_>, Vec<_>) = lines
        .into_iter()
        .filter(|l| !cleared(l.match_id))
        .partition(|l| !l.amount.is_negative());
    let items = reads.bank_book_items(account.0, Some(start), end)?;
    let (book_received, book_paid): (Vec<_>, Vec<_>) = items
        .into_iter()
        .filter(|b| !cleared(b.match_id))
        .partition(|b| !b.amount.is_negative());
    let book_balance = reads.bank_book_balance(account.0, end)?;
    let bank_balance = statement.closing;
    let mut adjusted_book = Total::default();
    adjusted_book.add(book_balance);
    let mut adjusted_bank = Total::default();
    adjusted_bank.add(bank_balance);
    let mut position = Position {
        account: account.1.to_string(),
        statement: statement.clone(),
        start,
        book_balance,
        bank_balance,
        bank_received,
        bank_paid,
        book_received,
        book_paid,
        adjusted_book,
        adjusted_bank,
        lines_in_period,
        matched_in_period,
        opening_difference: Total::default(),
    };
    position
        .adjusted_book
        .add_total(position.bank_received_total());
    position.adjusted_book.add_total(position.bank_paid_total());
    position
        .adjusted_bank
        .add_total(position.book_received_total());
    position.adjusted_bank.add_total(position.book_paid_total());
    let book_before = match start.pred_opt() {
        Some(day) => reads.bank_book_balance(account.0, day)?,
        None => Amount::ZERO,
    };
    position.opening_difference =
        Total::default().plus_fen(i128::from(first.opening.fen()) - i128::from(book_before.fen()));
    Ok(position)
}
