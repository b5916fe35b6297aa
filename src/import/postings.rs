//! `import postings FILE`: a voucher file (`txn_id,date,account,amount,memo[,household][,ref]`, CSV or
//! the first sheet of a workbook)
//! into the journal, all or nothing.
//!
//! The file is streamed: rows sharing a `txn_id` (one after another) form a transaction, which
//! must balance to 0.00. Every bad row is collected; if there is any, nothing is posted.
//! Transactions whose `txn_id` was posted before are skipped, so importing the same file twice
//! posts nothing the second time.

use std::path::Path;

use chrono::Datelike;
use std::sync::atomic::Ordering;

use crate::error::{Error, Result, RowError};
use crate::funds::movement::{FundBook, FundTag, Movement};
use crate::import::sheet::{first_sheet, Cell};
use crate::import::{open_text, progress_bar, DecodeError, Encoding};
use crate::ledger::account::validate_account_name;
use crate::ledger::transaction::parse_date;
use crate::ledger::transaction::{NewHead, PostingContent};
use crate::ledger::AccountKind;
use crate::money::{Amount, Total};
use crate::render::csv::unescape_text;
use crate::store::{Bulk, BulkOutcome, FastMap, Pending, Prepared, Writer, ROWS_PER_INSERT};
use crate::text::{check_household_id, check_stored_text, excerpt, MEMO_MAX, NAME_MAX};
use std::sync::mpsc::{sync_channel, SyncSender};

#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    pub encoding: Option<Encoding>,
    /// Create unknown accounts, their type taken from the top segment of the name.
    pub create_accounts: bool,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub posted: u64,
    pub postings: u64,
    pub already_posted: u64,
    pub first_voucher: Option<String>,
    pub last_voucher: Option<String>,
    pub accounts_created: Vec<String>,
}

/// Where a row's amount is: one signed column, or debit and credit columns (借方/贷方) as
/// accounting software exports them.
#[derive(Clone, Copy)]
enum AmountColumns {
    Signed(usize),
    DebitCredit { debit: usize, credit: usize },
}

#[derive(Clone, Copy)]
struct Columns {
    txn_id: usize,
    date: usize,
    /// The account's name; the code column stands in where there is no name.
    account: Option<usize>,
    account_code: Option<usize>,
    amount: AmountColumns,
    memo: usize,
    household: Option<usize>,
    reference: Option<usize>,
    /// The fund columns: fund, purpose, source, donor, project (see `funds::movement`).
    fund: [Option<usize>; 5],
}

impl Columns {
    fn has_fund_columns(&self) -> bool {
        self.fund.iter().any(Option::is_some)
    }
}

/// The fund columns' names, in [`Columns::fund`]'s order.
const FUND_COLUMNS: [&str; 5] = ["fund", "purpose", "source", "donor", "project"];

fn canonical_header(h: &str) -> String {
    let h = h.trim().trim_start_matches('\u{feff}').to_lowercase();
    match h.as_str() {
        "交易号" | "凭证号" | "凭证字号" | "凭证编号" | "txn" | "transaction" => {
            "txn_id".into()
        }
        "日期" | "记账日期" | "凭证日期" | "业务日期" => "date".into(),
        "科目" | "账户" | "会计科目" | "科目名称" | "科目全称" => "account".into(),
        "科目编码" | "科目代码" | "code" => "account_code".into(),
        "金额" => "amount".into(),
        "借方" | "借方金额" | "借" => "debit".into(),
        "贷方" | "贷方金额" | "贷" => "credit".into(),
        "摘要" | "备注" | "description" => "memo".into(),
        "户编号" | "农户" => "household".into(),
        "参考号" | "单据号" | "reference" => "ref".into(),
        "资金" | "资金名称" | "专项资金" => "fund".into(),
        "用途" | "资金用途" => "purpose".into(),
        "来源" | "资金来源" => "source".into(),
        "捐赠方" | "捐赠人" | "捐赠单位" => "donor".into(),
        "项目" | "项目名称" => "project".into(),
        _ => h,
    }
}

/// The columns the import reads; any other column is ignored.
const KNOWN_COLUMNS: [&str; 15] = [
    "txn_id",
    "date",
    "account",
    "account_code",
    "amount",
    "debit",
    "credit",
    "memo",
    "household",
    "ref",
    "fund",
    "purpose",
    "source",
    "donor",
    "project",
];

fn find_columns(file: &str, headers: &csv::StringRecord) -> Result<Columns> {
    let names: Vec<String> = headers.iter().map(canonical_header).collect();
    let find = |n: &str| names.iter().position(|h| h == n);
    // A column the import reads, given twice, would be read from one of its places only.
    let twice: Vec<RowError> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| KNOWN_COLUMNS.contains(&n.as_str()))
        .filter_map(|(at, n)| {
            let first = find(n).filter(|&first| first < at)?;
            let written = |i: usize| {
                headers
                    .get(i)
                    .unwrap_or("")
                    .trim()
                    .trim_start_matches('\u{feff}')
            };
            Some(RowError::new(
                file,
                1,
                crate::tr!(
                    "import-column-twice",
                    name = n,
                    first = first + 1,
                    first_header = excerpt(written(first)),
                    second = at + 1,
                    second_header = excerpt(written(at))
                ),
            ))
        })
        .collect();
    if !twice.is_empty() {
        return Err(Error::Input(twice));
    }
    let amount = match (find("amount"), find("debit"), find("credit")) {
        (Some(at), _, _) => Some(AmountColumns::Signed(at)),
        (None, Some(debit), Some(credit)) => Some(AmountColumns::DebitCredit { debit, credit }),
        _ => None,
    };
    let has_account = find("account").is_some() || find("account_code").is_some();
    let missing: Vec<&str> = ["txn_id", "date", "account", "memo"]
        .into_iter()
        .filter(|n| find(n).is_none() && !(*n == "account" && has_account))
        .chain(amount.is_none().then_some("amount"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Input(vec![RowError::new(
            file,
            1,
            crate::tr!(
                "import-missing-columns",
                count = missing.len(),
                columns = missing.join(", ")
            ),
        )]));
    }
    Ok(Columns {
        txn_id: find("txn_id").unwrap_or_default(),
        date: find("date").unwrap_or_default(),
        account: find("account"),
        account_code: find("account_code"),
        amount: amount.expect("checked"),
        memo: find("memo").unwrap_or_default(),
        household: find("household"),
        reference: find("ref"),
        fund: FUND_COLUMNS.map(find),
    })
}

/// One transaction being gathered from consecutive rows.
struct Group {
    txn_id: String,
    first_line: u64,
    last_line: u64,
    date: Option<chrono::NaiveDate>,
    /// The postings' texts (account name, memo, household, ref), one after another.
    text: String,
    postings: Vec<GroupPosting>,
    /// The fund columns of some postings, by posting.
    tags: Vec<(usize, FundTag)>,
    /// A row of this group was bad (already reported).
    bad: bool,
}

/// One posting of a [`Group`]: its account's id and its amount; its texts are in the group's
/// `text`, text `i` from `bounds[i]` to `bounds[i + 1]`.
struct GroupPosting {
    account: i64,
    amount: Amount,
    bounds: [u32; 5],
    has_household: bool,
    has_reference: bool,
    line: u64,
}

impl Group {
    fn new(txn_id: &str, line: u64) -> Group {
        let mut g = Group {
            txn_id: String::new(),
            first_line: 0,
            last_line: 0,
            date: None,
            text: String::with_capacity(256),
            postings: Vec::with_capacity(4),
            tags: Vec::new(),
            bad: false,
        };
        g.reset(txn_id, line);
        g
    }

    /// Start gathering the transaction `txn_id` at `line`, keeping the memory held.
    fn reset(&mut self, txn_id: &str, line: u64) {
        self.txn_id.clear();
        self.txn_id.push_str(txn_id);
        self.first_line = line;
        self.last_line = line;
        self.date = None;
        self.text.clear();
        self.postings.clear();
        self.tags.clear();
        self.bad = false;
    }

    fn push(
        &mut self,
        account: &crate::ledger::Account,
        amount: Amount,
        texts: [Option<&str>; 3],
        line: u64,
    ) {
        let mut bounds = [self.text.len() as u32; 5];
        self.text.push_str(&account.name);
        bounds[1] = self.text.len() as u32;
        for (i, t) in texts.iter().enumerate() {
            self.text.push_str(t.unwrap_or(""));
            bounds[i + 2] = self.text.len() as u32;
        }
        self.postings.push(GroupPosting {
            account: account.id,
            amount,
            bounds,
            has_household: texts[1].is_some(),
            has_reference: texts[2].is_some(),
            line,
        });
    }

    /// Each posting's content, with its account's id; `movements` (in line order) give the
    /// fund tags of some.
    fn postings<'s>(
        &'s self,
        movements: &'s [Movement],
    ) -> impl ExactSizeIterator<Item = (PostingContent<'s>, i64)> + Clone + 's {
        self.postings.iter().enumerate().map(move |(line, p)| {
            let part = |i: usize| &self.text[p.bounds[i] as usize..p.bounds[i + 1] as usize];
            let content = PostingContent {
                account: part(0),
                fen: p.amount.fen(),
                memo: part(1),
                household: p.has_household.then(|| part(2)),
                reference: p.has_reference.then(|| part(3)),
                tag: movements
                    .binary_search_by_key(&line, |m| m.line)
                    .ok()
                    .map(|at| movements[at].content()),
            };
            (content, p.account)
        })
    }
}

/// Files up to this size are read whole and grouped by txn_id wherever their rows are (a
/// little under test, so that a test file of a few hundred rows is streamed).
const IN_MEMORY_BYTES: u64 = if cfg!(test) { 16 << 10 } else { 32 << 20 };

/// What reading the rows has found so far.
struct Rows<'a> {
    file: &'a str,
    cols: Columns,
    options: &'a ImportOptions,
    /// Resolves accounts and prepares transactions, on the reading thread.
    bulk: Bulk,
    /// Prepared transactions (and the accounts they need) not yet sent to the writer.
    batch: Vec<ToWrite>,
    send: SyncSender<Vec<ToWrite>>,
    /// The writer has stopped: reading stops too.
    writer_gone: bool,
    errors: Vec<RowError>,
    /// Unknown accounts, listed once each at their first row, with the other rows named.
    unknown: Vec<(String, u64, Vec<u64>)>,
    /// The households of the ledger's register, which household tags must name; empty when
    /// the ledger has no register yet (then a tag is checked for its form only).
    register: &'a rustc_hash::FxHashSet<String>,
    /// The funds and their rules, when the file has fund columns.
    book: Option<&'a FundBook>,
    unknown_at: FastMap<String, usize>,
    summary: ImportSummary,
}

impl Rows<'_> {
    /// Check one row of `g` and add its posting.
    fn add(&mut self, g: &mut Group, record: &Fields<'_>, line: u64) -> Result<()> {
        let file = self.file;
        let cols = self.cols;
        let field = |i: usize| trim(record.get(i).unwrap_or(""));
        g.last_line = g.last_line.max(line);
        let before = self.errors.len();
        let date = match parse_date(field(cols.date)) {
            Ok(d) => Some(d),
            Err(reason) => {
                self.errors.push(RowError::new(file, line, reason));
                None
            }
        };
        if let (Some(d), Some(first)) = (date, g.date) {
            if d != first {
                self.errors.push(RowError::new(
                    file,
                    line,
                    crate::tr!(
                        "import-date-differs",
                        date = d,
                        first = first,
                        line = g.first_line,
                        txn = &*g.txn_id,
                        month_hint = if (d.year(), d.month()) != (first.year(), first.month()) {
                            crate::tr!("import-month-hint")
                        } else {
                            String::new()
                        }
                    ),
                ));
            }
        }
        if g.date.is_none() {
            g.date = date;
        }
        let amount = match row_amount(cols.amount, &field) {
            Ok(a) => Some(a),
            Err(reason) => {
                self.errors.push(RowError::new(file, line, reason));
                None
            }
        };
        // Text columns as an export wrote them: `'=x` is `=x` (see `render::csv::escape_text`).
        let text = |i: usize| unescape_text(field(i));
        let optional = |i: Option<usize>| i.map(text).filter(|s| !s.is_empty());
        let memo = text(cols.memo);
        let household = optional(cols.household);
        let reference = optional(cols.reference);
        self.check_texts(g, record, line, memo, household, reference);
        let tag = self.fund_tag(&text, line);
        let account_text = match cols.account.map(text).filter(|t| !t.is_empty()) {
            Some(name) => name,
            None => cols.account_code.map(text).unwrap_or(""),
        };
        let account = match resolve_account(&mut self.bulk, account_text, self.options) {
            Ok((account, created)) => {
                if created {
                    self.summary.accounts_created.push(account.name.clone());
                }
                Some(account)
            }
            Err(Unresolved::Unknown) => {
                match self.unknown_at.get(account_text) {
                    Some(&at) => self.unknown[at].2.push(line),
                    None => {
                        self.unknown_at
                            .insert(account_text.to_string(), self.unknown.len());
                        self.unknown
                            .push((account_text.to_string(), line, Vec::new()));
                    }
                }
                g.bad = true;
                None
            }
            Err(Unresolved::Invalid(reason)) => {
                self.errors.push(RowError::new(file, line, reason));
                None
            }
        };
        match (account, amount) {
            (Some(account), Some(amount)) if self.errors.len() == before => {
                if let Some(tag) = tag {
                    g.tags.push((g.postings.len(), tag));
                }
                g.push(account, amount, [Some(memo), household, reference], line);
            }
            _ => g.bad = true,
        }
        Ok(())
    }

    /// Check what a row stores besides its account and amount (see [`crate::text`]): the
    /// txn_id (on a transaction's first row), the memo, the reference and the household tag,
    /// which must be a household id as written (no spaces around it) and, when the ledger has
    /// a household register, one of its households.
    fn check_texts(
        &mut self,
        g: &Group,
        record: &Fields<'_>,
        line: u64,
        memo: &str,
        household: Option<&str>,
        reference: Option<&str>,
    ) {
        let mut results = [Ok(()), Ok(()), Ok(()), Ok(())];
        if line == g.first_line {
            results[0] = check_stored_text("txn_id", &g.txn_id, NAME_MAX);
        }
        results[1] = check_stored_text("memo", memo, MEMO_MAX);
        if let Some(reference) = reference {
            results[2] = check_stored_text("ref", reference, NAME_MAX);
        }
        if household.is_some() {
            // As written, spaces and all.
            let raw = self
                .cols
                .household
                .and_then(|i| record.get(i))
                .unwrap_or("");
            results[3] = check_household_id("household", raw).and_then(|()| {
                if self.register.is_empty() || self.register.contains(raw) {
                    Ok(())
                } else {
                    Err(crate::tr!(
                        "import-household-not-registered",
                        household = excerpt(raw)
                    ))
                }
            });
        }
        for reason in results.into_iter().filter_map(std::result::Result::err) {
            self.errors.push(RowError::new(self.file, line, reason));
        }
    }

    /// The fund columns of a row, each checked as stored text; `None` when it has none.
    fn fund_tag<'t>(&mut self, text: &impl Fn(usize) -> &'t str, line: u64) -> Option<FundTag> {
        if !self.cols.has_fund_columns() {
            return None;
        }
        let mut values: [Option<String>; 5] = Default::default();
        for (i, col) in self.cols.fund.iter().enumerate() {
            let Some(value) = col.map(text).filter(|v| !v.is_empty()) else {
                continue;
            };
            match check_stored_text(FUND_COLUMNS[i], value, NAME_MAX) {
                Ok(()) => values[i] = Some(value.to_string()),
                Err(reason) => self.errors.push(RowError::new(self.file, line, reason)),
            }
        }
        let [fund, purpose, source, donor, project] = values;
        let tag = FundTag {
            fund,
            purpose,
            source,
            donor,
            project,
        };
        (!tag.is_empty()).then_some(tag)
    }

    fn finish(&mut self, g: &Group) -> Result<()> {
        let Some(prepared) = finish_group(
            &mut self.bulk,
            self.file,
            g,
            self.book,
            &mut self.errors,
            &mut self.summary,
        )?
        else {
            return Ok(());
        };
        let created = self.bulk.take_created();
        if !created.is_empty() {
            self.batch.push(ToWrite::Accounts(created));
        }
        self.batch.push(prepared);
        if let Some(index) = self.bulk.take_index(false) {
            self.batch.push(ToWrite::Index(index));
        }
        if self.batch.len() >= BATCH {
            self.send_batch(false);
        }
        Ok(())
    }

    /// Send what is ready; at the `end`, everything still held.
    fn send_batch(&mut self, end: bool) {
        let created = self.bulk.take_created();
        if !created.is_empty() {
            self.batch.push(ToWrite::Accounts(created));
        }
        if end {
            if let Some(index) = self.bulk.take_index(true) {
                self.batch.push(ToWrite::Index(index));
            }
        }
        if self.batch.is_empty() || self.writer_gone {
            return;
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        if self.send.send(batch).is_err() {
            self.writer_gone = true;
        }
    }
}

/// What the reading thread hands the writing thread, in order.
enum ToWrite {
    Accounts(Vec<crate::ledger::Account>),
    /// Month totals and index entries of the transactions sent before.
    Index(Pending),
    Transaction {
        prepared: Prepared,
        first_line: u64,
        /// What its postings say about fund money, with their (account id, fen).
        movements: Option<Box<Movements>>,
    },
}

/// A transaction's fund movements, with its postings' (account id, fen) in order.
struct Movements {
    postings: Vec<(i64, i64)>,
    movements: Vec<Movement>,
}

/// Write the transaction rows gathered in `rows`, and empty it. A row refused by a rule
/// (a txn_id posted twice) is reported by its first line.
fn write_rows(
    writer: &mut Writer<'_>,
    rows: &mut Vec<(Prepared, u64)>,
    file: &str,
    errors: &mut Vec<RowError>,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let written =
        rows.len() == ROWS_PER_INSERT && writer.write_rows(rows.iter().map(|(p, _)| p))?;
    let result = if written {
        Ok(())
    } else {
        rows.iter()
            .try_for_each(|(prepared, line)| match writer.write_row(prepared) {
                Err(Error::Rule(reason)) => {
                    errors.push(RowError::new(file, *line, reason));
                    Ok(())
                }
                other => other,
            })
    };
    rows.clear();
    result
}

/// Write the movements gathered in `moved` (their transactions written) and empty it: all of
/// them at the `end`, else once they fill a few statements.
fn write_movements(
    writer: &mut Writer<'_>,
    moved: &mut Vec<(i64, chrono::NaiveDate, Box<Movements>)>,
    end: bool,
) -> Result<()> {
    if !end
        && moved
            .iter()
            .map(|(_, _, m)| m.movements.len())
            .sum::<usize>()
            < 256
    {
        return Ok(());
    }
    let items: Vec<crate::store::TransactionMovements<'_>> = moved
        .iter()
        .map(|(txn, date, m)| (*txn, *date, &m.postings[..], &m.movements[..]))
        .collect();
    writer.write_movement_batch(&items)?;
    drop(items);
    moved.clear();
    Ok(())
}

/// Items per message between the threads, and messages in flight: enough to keep both
/// busy, little enough memory.
const BATCH: usize = 512;
const IN_FLIGHT: usize = 8;

/// What the reading thread found.
struct Read {
    bulk: Bulk,
    errors: Vec<RowError>,
    unknown: Vec<(String, u64, Vec<u64>)>,
    summary: ImportSummary,
    count: u64,
}

/// Import `path` through `writer`. On any bad row, returns all of them as [`Error::Input`];
/// the caller's write transaction then rolls back, so nothing is posted.
pub fn import_postings(
    writer: &mut Writer<'_>,
    path: &Path,
    options: &ImportOptions,
) -> Result<ImportSummary> {
    let file = path.display().to_string();
    let mut source = Source::open(path, &file, options)?;
    let bar = progress_bar(source.size(), "importing");
    let headers = source.headers(&file)?;
    let cols = find_columns(&file, &headers)?;
    // One thread reads, checks and prepares (numbers, hashes, encodes) the transactions; this
    // one writes them, so both halves of the work run at once.
    let register = writer.household_ids()?;
    let book: Option<FundBook> = if cols.has_fund_columns() {
        Some(FundBook::clone(&*writer.fund_book()?))
    } else {
        None
    };
    let bulk = writer.begin_bulk()?;
    let (send, receive) = sync_channel::<Vec<ToWrite>>(IN_FLIGHT);
    let (read, mut write_errors, failed) = std::thread::scope(|scope| {
        let reader = std::thread::Builder::new()
            .name("import-reader".into())
            .spawn_scoped(scope, || {
                let rows = Rows {
                    file: &file,
                    cols,
                    options,
                    bulk,
                    batch: Vec::with_capacity(BATCH),
                    send,
                    writer_gone: false,
                    errors: Vec::new(),
                    unknown: Vec::new(),
                    unknown_at: FastMap::default(),
                    register: &register,
                    book: book.as_ref(),
                    summary: ImportSummary::default(),
                };
                read_rows(rows, &mut source, &bar)
            });
        let reader = match reader {
            Ok(reader) => reader,
            Err(e) => return (Err(Error::io(&file, e)), Vec::new(), None),
        };
        let mut write_errors = Vec::new();
        let mut failed = None;
        let mut rows: Vec<(Prepared, u64)> = Vec::with_capacity(ROWS_PER_INSERT);
        // Movements wait for their transactions' rows.
        let mut moved: Vec<(i64, chrono::NaiveDate, Box<Movements>)> = Vec::new();
        'write: for batch in receive.iter() {
            for item in batch {
                let written = match item {
                    ToWrite::Accounts(accounts) => writer.write_accounts(&accounts),
                    ToWrite::Index(pending) => writer.write_index(pending),
                    ToWrite::Transaction {
                        prepared,
                        first_line,
                        movements,
                    } => {
                        if let Some(m) = movements {
                            moved.push((prepared.id, prepared.date, m));
                        }
                        rows.push((prepared, first_line));
                        if rows.len() == ROWS_PER_INSERT {
                            write_rows(writer, &mut rows, &file, &mut write_errors)
                                .and_then(|()| write_movements(writer, &mut moved, false))
                        } else {
                            Ok(())
                        }
                    }
                };
                if let Err(e) = written {
                    failed = Some(e);
                    break 'write;
                }
            }
        }
        if failed.is_none() {
            if let Err(e) = write_rows(writer, &mut rows, &file, &mut write_errors)
                .and_then(|()| write_movements(writer, &mut moved, true))
            {
                failed = Some(e);
            }
        }
        drop(receive);
        let read = reader.join().expect("the reading thread does not panic");
        (read, write_errors, failed)
    });
    bar.finish_and_clear();
    let Read {
        bulk,
        mut errors,
        unknown,
        summary,
        count,
    } = read?;
    writer.end_bulk(bulk);
    if let Some(e) = failed {
        return Err(e);
    }
    errors.append(&mut write_errors);
    for (name, first, more) in unknown {
        let also = match more.len() {
            0 => String::new(),
            n if n <= 5 => crate::tr!(
                "import-also-on-lines",
                count = n,
                lines = more
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            n => crate::tr!(
                "import-also-on-lines-more",
                lines = more[..5]
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                more = n - 5
            ),
        };
        errors.push(RowError::new(
            &file,
            first,
            crate::tr!("import-unknown-account", name = &*name, also = also),
        ));
    }
    if count == 0 && errors.is_empty() {
        errors.push(RowError::new(&file, 0, crate::tr!("import-header-only")));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(Error::Input(errors));
    }
    Ok(summary)
}

/// Read every row from `source`, group, check and prepare the transactions, sending them to
/// the writer as they are ready.
fn read_rows(
    mut rows: Rows<'_>,
    source: &mut Source,
    bar: &indicatif::ProgressBar,
) -> Result<Read> {
    let file = rows.file;
    let cols = rows.cols;
    // A file that fits in memory is grouped by txn_id wherever its rows are (a clerk's
    // spreadsheet may be sorted by date or account); a larger one is streamed, its transactions
    // taken from consecutive rows.
    let in_memory = source.size() <= IN_MEMORY_BYTES;
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of: FastMap<String, usize> = FastMap::default();
    let mut group: Option<Group> = None;
    let mut record = csv::ByteRecord::new();
    let mut count = 0u64;
    while let Some(line) = source.next_record(&mut record, file, &mut rows.errors) {
        let Some(record) = Fields::checked(&record) else {
            rows.errors.push(RowError::new(file, line, not_utf8()));
            continue;
        };
        if rows.writer_gone {
            break;
        }
        count += 1;
        if count.is_multiple_of(8192) {
            bar.set_position(source.position());
        }
        let txn_id = unescape_text(trim(record.get(cols.txn_id).unwrap_or("")));
        if txn_id.is_empty() {
            if record.is_blank() {
                continue;
            }
            rows.errors
                .push(RowError::new(file, line, crate::tr!("import-txn-id-empty")));
            continue;
        }
        let g = if in_memory {
            let at = match group_of.get(txn_id) {
                Some(&at) => at,
                None => {
                    group_of.insert(txn_id.to_string(), groups.len());
                    groups.push(Group::new(txn_id, line));
                    groups.len() - 1
                }
            };
            &mut groups[at]
        } else {
            match &mut group {
                Some(g) if g.txn_id != txn_id => {
                    rows.finish(g)?;
                    g.reset(txn_id, line);
                    g
                }
                Some(g) => g,
                None => group.insert(Group::new(txn_id, line)),
            }
        };
        rows.add(g, &record, line)?;
    }
    if !source.broken() {
        for g in groups.iter().chain(&group) {
            rows.finish(g)?;
        }
    }
    rows.send_batch(true);
    let Rows {
        bulk,
        errors,
        unknown,
        summary,
        ..
    } = rows;
    Ok(Read {
        bulk,
        errors,
        unknown,
        summary,
        count,
    })
}

/// Where the rows come from: a CSV stream, or the first sheet of a workbook read whole.
enum Source {
    Csv {
        reader: csv::Reader<Box<dyn std::io::Read + Send>>,
        bytes_read: std::sync::Arc<std::sync::atomic::AtomicU64>,
        size: u64,
        /// The reading stopped at a byte that is not text (reported).
        broken: bool,
    },
    Sheet {
        header: csv::StringRecord,
        rows: std::vec::IntoIter<(u64, csv::StringRecord)>,
        size: u64,
        /// Rows in all, for the progress bar.
        total: u64,
    },
}

/// Workbook files, read with their first sheet as the table.
fn is_workbook(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "xlsx" | "xlsm" | "xlsb" | "xls" | "ods"
        )
    })
}

/// A workbook cell as the text a CSV row would hold. A number too long to be exact is kept
/// as a word the checks refuse by its column ("not an amount"), never as a rounded number.
fn sheet_text(cell: Cell) -> String {
    match cell {
        Cell::Text(t) => t,
        Cell::Inexact => "#INEXACT-NUMBER".into(),
        Cell::Error(e) => e,
    }
}

impl Source {
    fn open(path: &Path, file: &str, options: &ImportOptions) -> Result<Source> {
        if !is_workbook(path) {
            let input = open_text(path, options.encoding.unwrap_or_default())?;
            let reader = csv::ReaderBuilder::new()
                .flexible(true)
                .has_headers(true)
                .from_reader(input.reader);
            return Ok(Source::Csv {
                reader,
                bytes_read: input.bytes_read,
                size: input.size,
                broken: false,
            });
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let size = bytes.len() as u64;
        let mut rows: Vec<(u64, csv::StringRecord)> = first_sheet(bytes, file)?
            .into_iter()
            .map(|r| (r.line, r.cells.into_iter().map(sheet_text).collect()))
            .collect();
        let (_, header) = rows.remove(0);
        Ok(Source::Sheet {
            header,
            total: rows.len() as u64,
            rows: rows.into_iter(),
            size,
        })
    }

    fn size(&self) -> u64 {
        match self {
            Source::Csv { size, .. } | Source::Sheet { size, .. } => *size,
        }
    }

    /// How far the reading has come, in bytes of the file (for the progress bar).
    fn position(&self) -> u64 {
        match self {
            Source::Csv { bytes_read, .. } => bytes_read.load(Ordering::Relaxed),
            Source::Sheet {
                rows, size, total, ..
            } => size * (*total - rows.len() as u64) / (*total).max(1),
        }
    }

    fn headers(&mut self, file: &str) -> Result<csv::StringRecord> {
        match self {
            Source::Csv { reader, .. } => {
                Ok(reader.headers().map_err(|e| csv_error(file, e))?.clone())
            }
            Source::Sheet { header, .. } => Ok(header.clone()),
        }
    }

    /// Whether the reading stopped at a byte that is not text: the rows after it are not
    /// read, so the transaction it cut is not checked.
    fn broken(&self) -> bool {
        matches!(self, Source::Csv { broken: true, .. })
    }

    /// The next row into `record`, and its line (spreadsheet row) as the user sees it; `None` at
    /// the end. Unreadable rows are reported into `errors` and skipped (or end the reading,
    /// when the rest cannot be read). The row may still not be text: see [`Fields::checked`].
    fn next_record(
        &mut self,
        record: &mut csv::ByteRecord,
        file: &str,
        errors: &mut Vec<RowError>,
    ) -> Option<u64> {
        match self {
            Source::Csv { reader, broken, .. } => loop {
                match reader.read_byte_record(record) {
                    // The reader has checked the bytes are text (see [`crate::import::decode`]).
                    Ok(true) => return Some(record.position().map(|p| p.line()).unwrap_or(0)),
                    Ok(false) => return None,
                    Err(e) => {
                        let fatal = !matches!(e.kind(), csv::ErrorKind::Utf8 { .. });
                        *broken = DecodeError::of_csv(&e).is_some();
                        errors.push(csv_row_error(file, &e));
                        if fatal {
                            return None;
                        }
                    }
                }
            },
            Source::Sheet { rows, .. } => {
                let (line, next) = rows.next()?;
                *record = next.into_byte_record();
                Some(line)
            }
        }
    }
}

/// A row's signed amount (debits positive): from the amount column, or debit − credit, where
/// exactly one of the two is filled in.
fn row_amount<'r>(
    columns: AmountColumns,
    field: &impl Fn(usize) -> &'r str,
) -> std::result::Result<Amount, String> {
    match columns {
        AmountColumns::Signed(at) => Amount::parse(field(at)).map_err(|e| e.to_string()),
        AmountColumns::DebitCredit { debit, credit } => {
            let side = |at: usize, name: &str| {
                let text = field(at);
                if text.is_empty() {
                    Ok(None)
                } else {
                    Amount::parse(text)
                        .map(Some)
                        .map_err(|e| format!("{}: {e}", crate::tr!(name)))
                }
            };
            match (side(debit, "import-debit")?, side(credit, "import-credit")?) {
                (Some(d), None) => Ok(d),
                (None, Some(c)) => Ok(-c),
                (Some(d), Some(c)) if c.is_zero() => Ok(d),
                (Some(d), Some(c)) if d.is_zero() => Ok(-c),
                (None, None) => Err(crate::tr!("import-debit-credit-empty")),
                (Some(_), Some(_)) => Err(crate::tr!("import-debit-credit-both")),
            }
        }
    }
}

enum Unresolved {
    Unknown,
    Invalid(String),
}

/// Resolve an account by name or code, creating it when allowed; with whether this import
/// created it.
fn resolve_account<'b>(
    bulk: &'b mut Bulk,
    text: &str,
    options: &ImportOptions,
) -> std::result::Result<(&'b crate::ledger::Account, bool), Unresolved> {
    if text.is_empty() {
        return Err(Unresolved::Invalid(crate::tr!("import-account-empty")));
    }
    if let Some(at) = bulk.find(text) {
        return Ok((bulk.account_at(at), false));
    }
    if !options.create_accounts {
        return Err(Unresolved::Unknown);
    }
    validate_account_name(text).map_err(Unresolved::Invalid)?;
    let kind = AccountKind::from_top_segment(text)
        .ok_or_else(|| Unresolved::Invalid(crate::tr!("import-new-account-type", name = text)))?;
    let account = bulk
        .create_account(text, kind)
        .map_err(|e| Unresolved::Invalid(e.to_string()))?;
    Ok((account, true))
}

/// Check a gathered transaction and prepare it; `None` when there is nothing to write.
fn finish_group(
    bulk: &mut Bulk,
    file: &str,
    g: &Group,
    book: Option<&FundBook>,
    errors: &mut Vec<RowError>,
    summary: &mut ImportSummary,
) -> Result<Option<ToWrite>> {
    if g.bad {
        return Ok(None);
    }
    if g.postings.len() < 2 {
        errors.push(RowError::new(
            file,
            g.first_line,
            crate::tr!("import-single-posting", txn = &*g.txn_id),
        ));
        return Ok(None);
    }
    // Summed exactly, whatever the number of postings.
    let off: Total = g.postings.iter().map(|p| p.amount).collect();
    let lines = || {
        if g.first_line == g.last_line {
            crate::tr!("import-line", line = g.first_line)
        } else {
            crate::tr!("import-lines", first = g.first_line, last = g.last_line)
        }
    };
    if !off.is_zero() {
        let lines = lines();
        errors.push(RowError::new(
            file,
            g.first_line,
            crate::tr!(
                "import-unbalanced",
                txn = &*g.txn_id,
                lines = lines,
                sum = off.to_string()
            ),
        ));
        return Ok(None);
    }
    if g.postings.iter().all(|p| p.amount.is_zero()) {
        errors.push(RowError::new(
            file,
            g.first_line,
            crate::tr!("import-no-money", txn = &*g.txn_id, lines = lines()),
        ));
        return Ok(None);
    }
    let movements = match book.filter(|_| !g.tags.is_empty()) {
        Some(book) => {
            let postings: Vec<(&str, Amount)> = g
                .postings(&[])
                .map(|(p, _)| (p.account, Amount::from_fen(p.fen)))
                .collect();
            let tags: Vec<(usize, &FundTag)> = g.tags.iter().map(|(i, t)| (*i, t)).collect();
            let (movements, refused) = book.movements(&postings, &tags);
            if !refused.is_empty() {
                errors.extend(
                    refused
                        .into_iter()
                        .map(|(i, reason)| RowError::new(file, g.postings[i].line, reason)),
                );
                return Ok(None);
            }
            (!movements.is_empty()).then(|| {
                Box::new(Movements {
                    postings: g
                        .postings
                        .iter()
                        .map(|p| (p.account, p.amount.fen()))
                        .collect(),
                    movements,
                })
            })
        }
        None => None,
    };
    if !errors.is_empty() {
        // Nothing will be posted; keep checking rows only.
        return Ok(None);
    }
    let tags: &[Movement] = movements.as_ref().map_or(&[], |m| &m.movements);
    let memo = g
        .postings(&[])
        .map(|(p, _)| p.memo)
        .find(|m| !m.is_empty())
        .unwrap_or("");
    let count = g.postings.len() as u64;
    let head = NewHead {
        date: g.date.expect("a good group has a date"),
        memo,
        external_id: Some(&g.txn_id),
        reverses: None,
        reason: None,
    };
    match bulk.prepare(head, g.postings(tags)) {
        Ok(BulkOutcome::Prepared(prepared)) => {
            summary.posted += 1;
            summary.postings += count;
            if summary.first_voucher.is_none() {
                summary.first_voucher = Some(prepared.voucher().to_string());
            }
            // The same string each time, not a new one per transaction.
            let last = summary.last_voucher.get_or_insert_with(String::new);
            last.clear();
            last.push_str(prepared.voucher());
            Ok(Some(ToWrite::Transaction {
                prepared,
                first_line: g.first_line,
                movements,
            }))
        }
        Ok(BulkOutcome::AlreadyPosted(_)) => {
            summary.already_posted += 1;
            Ok(None)
        }
        Err(Error::Rule(reason)) => {
            errors.push(RowError::new(file, g.first_line, reason));
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

/// `s` without surrounding white space. A field whose first and last characters cannot be
/// white space (most fields: visible ASCII, Chinese) is returned as it is without looking
/// further.
fn trim(s: &str) -> &str {
    // The lead bytes of Unicode's white space: ASCII up to ' ', then C2 (U+0085, U+00A0),
    // E1 (U+1680), E2 (U+2000–U+205F) and E3 (U+3000).
    let never_space =
        |lead: u8| (0x21..0x80).contains(&lead) || (lead >= 0xc3 && !(0xe1..=0xe3).contains(&lead));
    let b = s.as_bytes();
    let last_lead = b.iter().rev().take(4).find(|&&c| c & 0xc0 != 0x80);
    match (b.first(), last_lead) {
        (Some(&first), Some(&last)) if never_space(first) && never_space(last) => s,
        _ => s.trim(),
    }
}

fn not_utf8() -> String {
    crate::tr!("import-not-utf8")
}

/// A row's fields as text. The row's bytes are checked as text once, as a whole, with SIMD
/// (checking Chinese text byte by byte costs more than all the rest of reading a row).
struct Fields<'r> {
    text: &'r str,
    record: &'r csv::ByteRecord,
}

impl<'r> Fields<'r> {
    /// `None` when the row is not valid UTF-8.
    fn checked(record: &'r csv::ByteRecord) -> Option<Fields<'r>> {
        let text = simdutf8::basic::from_utf8(record.as_slice()).ok()?;
        let fields = Fields { text, record };
        // The whole is text; each field is too if it starts and ends on a character.
        (0..record.len())
            .all(|i| fields.get(i).is_some())
            .then_some(fields)
    }

    fn get(&self, i: usize) -> Option<&'r str> {
        self.text.get(self.record.range(i)?)
    }

    fn is_blank(&self) -> bool {
        (0..self.record.len()).all(|i| self.get(i).unwrap_or("").trim().is_empty())
    }
}

fn csv_row_error(file: &str, e: &csv::Error) -> RowError {
    if let Some(bad) = DecodeError::of_csv(e) {
        return bad.row_error(file);
    }
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    let reason = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => not_utf8(),
        _ => crate::tr!("import-unreadable-csv", reason = e.to_string()),
    };
    RowError::new(file, line, reason)
}

fn csv_error(file: &str, e: csv::Error) -> Error {
    let row = csv_row_error(file, &e);
    if DecodeError::of_csv(&e).is_some() {
        return Error::Input(vec![row]);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(file, io),
        _ => Error::Input(vec![row]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Ledger;
    use std::fmt::Write as _;

    /// `n` two-row transactions `T0` … for a streamed file; with `Some((again, at))`,
    /// `T{again}` once more in place `at` (its rows on lines `2 * at + 2` and on).
    fn vouchers(n: usize, repeat: Option<(usize, usize)>) -> String {
        let mut csv = String::from("txn_id,date,account,amount,memo\n");
        let (again, at) = repeat.map_or((Vec::new(), n), |(again, at)| (vec![again], at));
        for i in (0..at).chain(again).chain(at..n) {
            let _ = writeln!(csv, "T{i},2024-03-01,资产:银行存款,{i}.50,光伏分红");
            let _ = writeln!(csv, "T{i},2024-03-01,收入:投资收益,-{i}.50,光伏分红");
        }
        csv
    }

    /// Import `csv` (streamed: it must be larger than [`IN_MEMORY_BYTES`]) into a new ledger.
    fn import(csv: &str) -> (tempfile::TempDir, Ledger, Result<ImportSummary>) {
        assert!(csv.len() as u64 > IN_MEMORY_BYTES);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vouchers.csv");
        std::fs::write(&path, csv).unwrap();
        let mut ledger = Ledger::create(&dir.path().join("t.db")).unwrap();
        let options = ImportOptions {
            encoding: None,
            create_accounts: true,
        };
        let imported = ledger.write_bulk("clerk", |w| import_postings(w, &path, &options));
        (dir, ledger, imported)
    }

    #[test]
    fn a_txn_id_repeated_far_apart_is_named_at_its_second_place_and_nothing_is_posted() {
        // Inside the second full batch of rows written at once.
        let (n, again, at) = (3 * ROWS_PER_INSERT, 5, ROWS_PER_INSERT + 9);
        let (_dir, ledger, imported) = import(&vouchers(n, Some((again, at))));
        let err = imported.unwrap_err();
        let Error::Input(rows) = err else {
            panic!("expected row errors, got {err:?}")
        };
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0].line, 2 * at as u64 + 2);
        assert!(
            rows[0].reason.contains("txn_id T5 appears twice"),
            "{}",
            rows[0].reason
        );
        assert!(!ledger.has_external_ids().unwrap());
    }

    #[test]
    fn fields_are_trimmed_as_str_trim_trims_them() {
        let parts = [
            "", "a", "光伏", " ", "\t", "\u{3000}", "\u{a0}", "\u{85}", "\u{2003}", "\u{1680}",
            "é", "\u{205f}", "H004363", "\u{feff}",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    let s = format!("{a}{b}{c}");
                    assert_eq!(trim(&s), s.trim(), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn a_streamed_file_posts_every_transaction_in_order() {
        let n = 3 * ROWS_PER_INSERT + 7;
        let (_dir, ledger, imported) = import(&vouchers(n, None));
        let summary = imported.unwrap();
        assert_eq!(summary.posted, n as u64);
        assert_eq!(summary.last_voucher.as_deref(), Some("2024-03-0391"));
        let last = ledger
            .transaction_by_voucher("2024-03-0391")
            .unwrap()
            .unwrap();
        assert_eq!(last.external_id.as_deref(), Some("T390"));
        assert_eq!(last.postings[0].amount, Amount::parse("390.50").unwrap());
        assert_eq!(last.memo, "光伏分红");
    }
}
