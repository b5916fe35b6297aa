//! Reading a bank's own statement file (对账单 / 账户明细) into a checked list of bank lines.
//!
//! The file is a CSV (UTF-8 or GBK, told apart by [`crate::import::decode`]) or the first sheet
//! of a workbook, read by [`crate::import::rows::read_rows`]. Banks print a few title rows
//! first (`中国农业银行账户明细`, `账号：…`, `户名：…`, `期初余额：…`); the header is the first
//! row naming a date column and an amount column (or income/expense columns). Below the lines,
//! summary rows (合计, 本页小计, 共 N 笔 …) and trailer text (打印时间：…, 注：…) are skipped.
//!
//! Three layouts are recognised by their headers, and a TOML [`ColumnMapping`] names the columns
//! of any other:
//!
//! | layout | columns |
//! | --- | --- |
//! | `debit-credit` | income 收入金额/贷方发生额/存入 … and expense 支出金额/借方发生额/支取 … |
//! | `signed-amount` | one amount 交易金额/发生额/金额, negative for money out |
//! | `amount-direction` | one amount and a direction 借贷标志/收支方向 … (借/贷, 支出/收入, D/C, 出/入) |
//!
//! Amounts are from the account holder's side: 贷 (credit) is money in, 借 (debit) money out, as
//! a bank prints a customer's statement. Every line's printed balance is checked against the one
//! before it; a file listed newest first is turned round so that the lines come oldest first.
//! Every bad row is reported, all at once, as `FILE:ROW: reason`.

use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::error::{Error, Result, RowError};
use crate::import::rows::read_rows;
use crate::import::sheet::Cell;
use crate::import::Encoding;
use crate::money::Amount;

/// A bank statement file as read and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementFile {
    /// The file's name as messages give it (`path.display()`).
    pub file: String,
    /// 账号 found in the title rows above the header, if any (as printed, trimmed).
    pub account_number: Option<String>,
    /// 户名 / 账户名称 found in the title rows, if any.
    pub account_name: Option<String>,
    /// The layout used: `debit-credit`, `signed-amount`, `amount-direction`, or `mapping FILE`.
    pub layout: String,
    /// The balance before the first line: a stated 期初余额 / 上期余额, else the first line's
    /// balance less its amount.
    pub opening: Option<Amount>,
    /// The balance after the last line.
    pub closing: Option<Amount>,
    /// The lines in the order money moved, oldest first.
    pub lines: Vec<BankLine>,
    /// The row of the header (the file's line or the sheet's row).
    pub header_row: u64,
    /// Whether the file listed its lines newest first (and they were turned round).
    pub newest_first: bool,
}

/// One line of a bank statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankLine {
    /// The file's line (CSV, 1-based) or the sheet's row number.
    pub row: u64,
    pub date: NaiveDate,
    /// Signed from the account holder's side: + money in, − money out.
    pub amount: Amount,
    /// The running balance printed on this line, if the file has one.
    pub balance: Option<Amount>,
    /// 摘要 and/or 用途/附言, joined with a space when both are there and differ.
    pub text: String,
    /// 对方户名, empty if none.
    pub counterparty: String,
    /// 对方账号, empty if none.
    pub counterparty_account: String,
    /// 交易流水号 / 凭证号 …, `None` when blank.
    pub serial: Option<String>,
}

/// The columns of a layout the built-in ones miss, from a TOML file:
///
/// ```toml
/// date = "交易时间"          # required
/// date_format = "%Y%m%d"     # optional chrono format
/// amount = "发生额"           # signed; or income = "贷方" / expense = "借方"
/// direction = "借贷"          # optional, with amount (+ out_marks = ["借"], in_marks = ["贷"])
/// balance = "余额"
/// text = ["摘要", "附言"]     # or one name
/// counterparty = "对方户名"
/// counterparty_account = "对方账号"
/// serial = "流水号"
/// header_row = 3             # optional: the header is this row (1-based)
/// ```
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ColumnMapping {
    pub date: String,
    #[serde(default)]
    pub date_format: Option<String>,
    #[serde(default)]
    pub amount: Option<String>,
    #[serde(default)]
    pub income: Option<String>,
    #[serde(default)]
    pub expense: Option<String>,
    #[serde(default)]
    pub direction: Option<String>,
    #[serde(default)]
    pub out_marks: Option<Vec<String>>,
    #[serde(default)]
    pub in_marks: Option<Vec<String>>,
    #[serde(default)]
    pub balance: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub text: Vec<String>,
    #[serde(default)]
    pub counterparty: Option<String>,
    #[serde(default)]
    pub counterparty_account: Option<String>,
    #[serde(default)]
    pub serial: Option<String>,
    #[serde(default)]
    pub header_row: Option<u64>,
    /// The mapping file's name as messages give it (set by [`ColumnMapping::load`]).
    #[serde(skip)]
    pub source: String,
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

impl ColumnMapping {
    /// The mapping in the TOML file at `path`; an unreadable file, an unknown key or a
    /// mapping that names no amount is an error naming the file.
    pub fn load(path: &Path) -> Result<ColumnMapping> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let source = path.display().to_string();
        let mut mapping: ColumnMapping = toml::from_str(&text).map_err(|e| {
            Error::Input(vec![RowError::new(
                &source,
                0,
                crate::tr!("bank-mapping-unreadable", reason = e.to_string()),
            )])
        })?;
        mapping.source = source;
        mapping.check()?;
        Ok(mapping)
    }

    /// Whether the mapping names its amount one way and only one, and a usable date format.
    fn check(&self) -> Result<()> {
        let fail = |reason: String| Err(Error::Input(vec![RowError::new(&self.source, 0, reason)]));
        if self.date.trim().is_empty() {
            return fail(crate::tr!("bank-mapping-no-date"));
        }
        let sides = self.income.is_some() || self.expense.is_some();
        match (&self.amount, sides) {
            (None, false) => return fail(crate::tr!("bank-mapping-no-amount")),
            (Some(_), true) => return fail(crate::tr!("bank-mapping-amount-twice")),
            _ => {}
        }
        if self.direction.is_some() && self.amount.is_none() {
            return fail(crate::tr!("bank-mapping-direction-alone"));
        }
        if let Some(f) = &self.date_format {
            let bad = f.trim().is_empty()
                || chrono::format::StrftimeItems::new(f)
                    .any(|i| matches!(i, chrono::format::Item::Error));
            if bad {
                return fail(crate::tr!("bank-mapping-date-format", format = f.as_str()));
            }
        }
        Ok(())
    }

    fn layout_name(&self) -> String {
        if self.source.is_empty() {
            "mapping".to_string()
        } else {
            format!("mapping {}", self.source)
        }
    }
}

/// The statement in the file at `path` (CSV in `encoding`, or a workbook), its columns found
/// by the built-in layouts or by `mapping`. Every bad row is an error, all reported together.
pub fn read_statement(
    path: &Path,
    encoding: Encoding,
    mapping: Option<&ColumnMapping>,
) -> Result<StatementFile> {
    if let Some(m) = mapping {
        m.check()?;
    }
    let workbook = is_workbook(path);
    let (file, rows) = read_rows(path, encoding)?;
    let rows: Vec<(u64, Vec<String>, Vec<Cell>)> = rows
        .into_iter()
        .map(|(line, cells)| {
            let texts = cells
                .iter()
                .map(|c| match c {
                    Cell::Text(t) => clean(t),
                    _ => String::new(),
                })
                .collect();
            (line, texts, cells)
        })
        .collect();
    if rows
        .iter()
        .all(|(_, texts, _)| texts.iter().all(String::is_empty))
    {
        return Err(Error::Input(vec![RowError::new(
            &file,
            0,
            crate::tr!("bank-empty"),
        )]));
    }
    let (header_at, mut layout) = match mapping {
        Some(m) => mapped_layout(&file, &rows, m)?,
        None => builtin_layout(&rows)
            .ok_or_else(|| Error::Input(vec![RowError::new(&file, 0, no_header_message())]))?,
    };
    if let Some(c) = layout.cols[Field::Expense as usize] {
        let (mut negative, mut positive) = (0usize, 0usize);
        for (_, texts, _) in &rows[header_at + 1..] {
            if let Some(Ok(Some(a))) = texts.get(c).map(|t| parse_money(t, workbook)) {
                if a.is_negative() {
                    negative += 1;
                } else if !a.is_zero() {
                    positive += 1;
                }
            }
        }
        layout.expense_negative = negative > 0 && positive == 0;
    }
    let mut reader = Reader {
        file: &file,
        layout: &layout,
        workbook,
        errors: Vec::new(),
        opening: None,
        lines_read: 0,
        account_number: None,
        account_name: None,
    };
    for (line, texts, _) in &rows[..header_at] {
        reader.title_row(*line, texts);
    }
    let header_key_of_date = layout.cols[Field::Date as usize]
        .and_then(|c| rows[header_at].1.get(c))
        .map(|t| header_key(t));
    let mut lines = Vec::new();
    for (line, texts, cells) in &rows[header_at + 1..] {
        if let (Some(key), Some(c)) = (&header_key_of_date, layout.cols[Field::Date as usize]) {
            // A header repeated on every page of a printed export.
            if texts.get(c).map(|t| header_key(t)).as_ref() == Some(key) {
                continue;
            }
        }
        if let Some(l) = reader.data_row(*line, texts, cells) {
            lines.push(l);
        }
    }
    let parse_failed = !reader.errors.is_empty();
    let newest_first = newest_first(&lines);
    if newest_first {
        lines.reverse();
    }
    let opening = reader.opening;
    if !parse_failed {
        check_balances(&file, &lines, opening, &mut reader.errors);
    }
    let opening = opening.or_else(|| {
        let first = lines.first()?;
        first.balance?.checked_add(-first.amount)
    });
    // The last printed balance, carried on by the amounts of any lines after it.
    let mut closing = opening;
    for l in &lines {
        closing = match (l.balance, closing) {
            (Some(b), _) => Some(b),
            // A sum beyond what an amount holds was reported by the check of the balances.
            (None, Some(c)) => c.checked_add(l.amount),
            (None, None) => None,
        };
    }
    let Reader {
        mut errors,
        account_number,
        account_name,
        ..
    } = reader;
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(Error::Input(errors));
    }
    let header_row = rows[header_at].0;
    Ok(StatementFile {
        file,
        account_number,
        account_name,
        layout: layout.name,
        opening,
        closing,
        lines,
        header_row,
        newest_first,
    })
}

/// The columns of a statement file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Date,
    Summary,
    Remark,
    Income,
    Expense,
    Amount,
    Direction,
    Balance,
    Counterparty,
    CounterpartyAccount,
    Serial,
}

const FIELDS: usize = 11;

impl Field {
    const ALL: [Field; FIELDS] = [
        Field::Date,
        Field::Summary,
        Field::Remark,
        Field::Income,
        Field::Expense,
        Field::Amount,
        Field::Direction,
        Field::Balance,
        Field::Counterparty,
        Field::CounterpartyAccount,
        Field::Serial,
    ];

    /// The headers banks print for the field, the most telling first: when a file has two of
    /// them (交易日期 and 交易时间), the earlier one is the column read.
    fn names(self) -> &'static [&'static str] {
        match self {
            Field::Date => &[
                "交易日期",
                "记账日期",
                "入账日期",
                "交易时间",
                "日期",
                "记账时间",
                "入账时间",
                "交易日",
                "发生日期",
                "date",
            ],
            Field::Summary => &["摘要", "交易摘要", "摘要说明", "summary"],
            Field::Remark => &[
                "用途",
                "附言",
                "交易附言",
                "交易用途",
                "备注",
                "附加信息",
                "memo",
            ],
            Field::Income => &[
                "收入金额",
                "贷方发生额",
                "贷方金额",
                "存入金额",
                "存入",
                "收入",
                "贷方",
                "credit",
            ],
            Field::Expense => &[
                "支出金额",
                "借方发生额",
                "借方金额",
                "支取金额",
                "支取",
                "支出",
                "借方",
                "debit",
            ],
            Field::Amount => &["交易金额", "发生额", "金额", "交易额", "amount"],
            Field::Direction => &[
                "借贷标志",
                "借贷方向",
                "收支方向",
                "方向",
                "借贷",
                "借/贷",
                "收支标志",
                "收/支",
                "借贷标识",
            ],
            Field::Balance => &[
                "余额",
                "账户余额",
                "联机余额",
                "当前余额",
                "交易后余额",
                "本次余额",
                "balance",
            ],
            Field::Counterparty => &[
                "对方户名",
                "对方账户名称",
                "对方名称",
                "收(付)款人名称",
                "对方账户名",
                "对方单位",
                "收付款人名称",
                "对方单位名称",
            ],
            Field::CounterpartyAccount => &[
                "对方账号",
                "对方账户",
                "收(付)款人账号",
                "对方卡号",
                "收付款人账号",
                "对方账户账号",
            ],
            Field::Serial => &[
                "交易流水号",
                "流水号",
                "凭证号",
                "交易参考号",
                "柜员流水号",
                "凭证号码",
                "交易序号",
            ],
        }
    }
}

/// How the amount of a line is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    DebitCredit,
    Signed,
    Direction,
}

/// Where the fields are, and how to read them.
struct Layout {
    name: String,
    kind: Kind,
    cols: [Option<usize>; FIELDS],
    /// The text columns, joined in this order.
    text: Vec<usize>,
    /// The header's names of the columns (for messages).
    headers: Vec<String>,
    date_format: Option<String>,
    out_marks: Vec<String>,
    in_marks: Vec<String>,
    /// Whether the expense column prints money out as negative numbers (every figure in it
    /// is), so that its sign is not a second minus.
    expense_negative: bool,
}

impl Layout {
    fn header(&self, field: Field) -> &str {
        self.cols[field as usize]
            .and_then(|c| self.headers.get(c))
            .map_or("", String::as_str)
    }
}

const OUT_MARKS: &[&str] = &[
    "借", "借方", "支出", "支", "出", "付", "付出", "转出", "D", "DR", "DEBIT", "-",
];
const IN_MARKS: &[&str] = &[
    "贷", "贷方", "收入", "收", "入", "存入", "转入", "C", "CR", "CREDIT", "+",
];

type Row = (u64, Vec<String>, Vec<Cell>);

/// A header cell as compared: no spaces, ASCII lower case, full-width brackets as ASCII and
/// a unit in brackets at the end (`(元)`, `（元）`) left out.
fn header_key(h: &str) -> String {
    let t: String = h
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control() && *c != '\u{feff}' && *c != '*')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    match t.rfind('(') {
        Some(at) if at > 0 && t.ends_with(')') => t[..at].to_string(),
        _ => t,
    }
}

/// Which field each column of `header` is, by the built-in names.
fn builtin_columns(header: &[String]) -> [Option<usize>; FIELDS] {
    let mut at = [None; FIELDS];
    let mut rank = [usize::MAX; FIELDS];
    for (col, text) in header.iter().enumerate() {
        let key = header_key(text);
        if key.is_empty() {
            continue;
        }
        for f in Field::ALL {
            if let Some(r) = f.names().iter().position(|n| header_key(n) == key) {
                if r < rank[f as usize] {
                    rank[f as usize] = r;
                    at[f as usize] = Some(col);
                }
            }
        }
    }
    at
}

/// The header row (its index in `rows`) and layout, by the built-in names.
fn builtin_layout(rows: &[Row]) -> Option<(usize, Layout)> {
    rows.iter().enumerate().find_map(|(i, (_, texts, _))| {
        let cols = builtin_columns(texts);
        let has = |f: Field| cols[f as usize].is_some();
        if !has(Field::Date) {
            return None;
        }
        let (kind, name) = if has(Field::Income) && has(Field::Expense) {
            (Kind::DebitCredit, "debit-credit")
        } else if has(Field::Amount) && has(Field::Direction) {
            (Kind::Direction, "amount-direction")
        } else if has(Field::Amount) {
            (Kind::Signed, "signed-amount")
        } else if has(Field::Income) || has(Field::Expense) {
            (Kind::DebitCredit, "debit-credit")
        } else {
            return None;
        };
        let mut cols = cols;
        if kind == Kind::DebitCredit {
            cols[Field::Amount as usize] = None;
            cols[Field::Direction as usize] = None;
        }
        let text = [Field::Summary, Field::Remark]
            .iter()
            .filter_map(|f| cols[*f as usize])
            .collect();
        Some((
            i,
            Layout {
                name: name.to_string(),
                kind,
                cols,
                text,
                headers: texts.clone(),
                date_format: None,
                out_marks: OUT_MARKS.iter().map(|s| s.to_string()).collect(),
                in_marks: IN_MARKS.iter().map(|s| s.to_string()).collect(),
                expense_negative: false,
            },
        ))
    })
}

fn no_header_message() -> String {
    let names = |f: Field| f.names().join("/");
    crate::tr!(
        "bank-no-header",
        dates = names(Field::Date),
        amounts = names(Field::Amount),
        incomes = names(Field::Income),
        expenses = names(Field::Expense)
    )
}

/// The header row and layout that `mapping` names.
fn mapped_layout(file: &str, rows: &[Row], m: &ColumnMapping) -> Result<(usize, Layout)> {
    let fail = |line: u64, reason: String| Error::Input(vec![RowError::new(file, line, reason)]);
    let find = |texts: &[String], name: &str| {
        let key = header_key(name);
        texts.iter().position(|t| header_key(t) == key)
    };
    let header_at = match m.header_row {
        Some(n) => rows
            .iter()
            .position(|(line, _, _)| *line == n)
            .ok_or_else(|| {
                fail(
                    0,
                    crate::tr!(
                        "bank-mapping-header-row",
                        row = n,
                        mapping = m.source.as_str()
                    ),
                )
            })?,
        None => {
            let needed: Vec<&String> = std::iter::once(&m.date)
                .chain(m.amount.iter())
                .chain(m.income.iter())
                .chain(m.expense.iter())
                .collect();
            rows.iter()
                .position(|(_, texts, _)| needed.iter().all(|n| find(texts, n).is_some()))
                .ok_or_else(|| {
                    let columns = needed
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    fail(
                        0,
                        crate::tr!(
                            "bank-mapping-no-header",
                            columns = columns,
                            mapping = m.source.as_str()
                        ),
                    )
                })?
        }
    };
    let (line, texts, _) = &rows[header_at];
    let mut cols = [None; FIELDS];
    let mut missing = Vec::new();
    let mut take = |field: Field, name: &Option<String>, key: &str| {
        if let Some(name) = name {
            match find(texts, name) {
                Some(c) => cols[field as usize] = Some(c),
                None => missing.push(RowError::new(
                    file,
                    *line,
                    crate::tr!(
                        "bank-mapping-column-missing",
                        column = name.as_str(),
                        key = key,
                        mapping = m.source.as_str()
                    ),
                )),
            }
        }
    };
    take(Field::Date, &Some(m.date.clone()), "date");
    take(Field::Amount, &m.amount, "amount");
    take(Field::Income, &m.income, "income");
    take(Field::Expense, &m.expense, "expense");
    take(Field::Direction, &m.direction, "direction");
    take(Field::Balance, &m.balance, "balance");
    take(Field::Counterparty, &m.counterparty, "counterparty");
    take(
        Field::CounterpartyAccount,
        &m.counterparty_account,
        "counterparty_account",
    );
    take(Field::Serial, &m.serial, "serial");
    let mut text = Vec::new();
    for name in &m.text {
        match find(texts, name) {
            Some(c) => text.push(c),
            None => missing.push(RowError::new(
                file,
                *line,
                crate::tr!(
                    "bank-mapping-column-missing",
                    column = name.as_str(),
                    key = "text",
                    mapping = m.source.as_str()
                ),
            )),
        }
    }
    if !missing.is_empty() {
        return Err(Error::Input(missing));
    }
    let kind = if m.amount.is_none() {
        Kind::DebitCredit
    } else if m.direction.is_some() {
        Kind::Direction
    } else {
        Kind::Signed
    };
    let marks = |given: &Option<Vec<String>>, default: &[&str]| match given {
        Some(v) => v.iter().map(|s| s.trim().to_string()).collect(),
        None => default.iter().map(|s| s.to_string()).collect(),
    };
    Ok((
        header_at,
        Layout {
            name: m.layout_name(),
            kind,
            cols,
            text,
            headers: texts.clone(),
            date_format: m.date_format.clone(),
            out_marks: marks(&m.out_marks, OUT_MARKS),
            in_marks: marks(&m.in_marks, IN_MARKS),
            expense_negative: false,
        },
    ))
}

/// Reads the rows of one file, collecting what the title rows say and every error.
struct Reader<'a> {
    file: &'a str,
    layout: &'a Layout,
    workbook: bool,
    errors: Vec<RowError>,
    opening: Option<Amount>,
    /// Lines read so far (a carried balance counts as the opening only before the first).
    lines_read: usize,
    account_number: Option<String>,
    account_name: Option<String>,
}

const ACCOUNT_KEYS: &[&str] = &[
    "账号",
    "帐号",
    "账户号码",
    "账户号",
    "账户",
    "卡号",
    "客户账号",
    "查询账号",
    "本方账号",
];
const NAME_KEYS: &[&str] = &[
    "户名",
    "账户名称",
    "帐户名称",
    "账户名",
    "客户名称",
    "单位名称",
    "本方户名",
];
const OPENING_KEYS: &[&str] = &["期初余额", "上期余额", "上日余额", "承前余额", "起始余额"];
/// Words that make a row a summary or a carried balance, not a line.
const SUMMARY_MARKS: &[&str] = &[
    "合计",
    "小计",
    "累计",
    "总计",
    "期末余额",
    "本期余额",
    "过次页",
    "承前页",
    "总笔数",
];
/// Words of a row after the header that states the opening balance instead of a line.
const OPENING_MARKS: &[&str] = &[
    "期初余额",
    "上期余额",
    "上日余额",
    "承前余额",
    "上期结转",
    "起始余额",
];

impl Reader<'_> {
    fn error(&mut self, line: u64, reason: String) {
        self.errors.push(RowError::new(self.file, line, reason));
    }

    /// A row above the header: 账号, 户名 and 期初余额 are taken from it.
    fn title_row(&mut self, line: u64, texts: &[String]) {
        for (key, value) in labelled_values(texts) {
            let key = key.as_str();
            if ACCOUNT_KEYS.contains(&key) {
                if self.account_number.is_none() && !value.is_empty() {
                    self.account_number = Some(value);
                }
            } else if NAME_KEYS.contains(&key) {
                if self.account_name.is_none() && !value.is_empty() {
                    self.account_name = Some(value);
                }
            } else if OPENING_KEYS.contains(&key) && self.opening.is_none() && !value.is_empty() {
                match parse_money(&value, false) {
                    Ok(Some(a)) => self.opening = Some(a),
                    Ok(None) => {}
                    Err(reason) => {
                        self.error(
                            line,
                            crate::tr!("bank-opening-unreadable", text = value, reason = reason),
                        );
                    }
                }
            }
        }
    }

    fn text(&mut self, line: u64, texts: &[String], cells: &[Cell], field: Field) -> String {
        let Some(c) = self.layout.cols[field as usize] else {
            return String::new();
        };
        self.text_at(line, texts, cells, c)
    }

    fn text_at(&mut self, line: u64, texts: &[String], cells: &[Cell], c: usize) -> String {
        let header = self.layout.headers.get(c).cloned().unwrap_or_default();
        match cells.get(c) {
            Some(Cell::Inexact) => {
                self.error(line, crate::tr!("grant-import-inexact", field = header));
                String::new()
            }
            Some(Cell::Error(e)) => {
                self.error(
                    line,
                    crate::tr!(
                        "grant-import-cell-error",
                        field = header,
                        error = e.as_str()
                    ),
                );
                String::new()
            }
            _ => texts.get(c).cloned().unwrap_or_default(),
        }
    }

    /// A row below the header: a line, or nothing (a blank, summary or trailer row, or a row
    /// with errors, which are collected).
    fn data_row(&mut self, line: u64, texts: &[String], cells: &[Cell]) -> Option<BankLine> {
        let layout = self.layout;
        if texts.iter().all(String::is_empty) {
            return None;
        }
        let first = texts
            .iter()
            .find(|t| !t.is_empty())
            .map_or("", String::as_str);
        let date_cell = layout.cols[Field::Date as usize]
            .and_then(|c| texts.get(c))
            .map_or("", String::as_str);
        let is_summary = |t: &str| {
            SUMMARY_MARKS.iter().any(|m| t.contains(m)) || (t.starts_with('共') && t.contains('笔'))
        };
        let summary_cell = layout.cols[Field::Summary as usize]
            .and_then(|c| texts.get(c))
            .map(|t| without_spaces(t))
            .unwrap_or_default();
        let subtotal = summary_cell.chars().count() <= 6
            && ["合计", "小计", "累计", "总计"]
                .iter()
                .any(|m| summary_cell.ends_with(m));
        if is_summary(first) || is_summary(date_cell) || subtotal {
            return None;
        }
        let before = self.errors.len();
        let date_text = self.text(line, texts, cells, Field::Date);
        // The money cells of the line, as written.
        let money_fields: &[Field] = match layout.kind {
            Kind::DebitCredit => &[Field::Income, Field::Expense],
            Kind::Signed | Kind::Direction => &[Field::Amount],
        };
        let money_texts: Vec<(Field, String)> = money_fields
            .iter()
            .map(|f| (*f, self.text(line, texts, cells, *f)))
            .collect();
        let no_money = money_texts.iter().all(|(_, t)| is_blank_money(t));
        if no_money
            && OPENING_MARKS
                .iter()
                .any(|m| texts.iter().any(|t| t.contains(m)))
        {
            // 上期结转 / 承前页: a row that carries the opening balance.
            let balance = self.text(line, texts, cells, Field::Balance);
            if let Ok(Some(b)) = parse_money(&balance, self.workbook) {
                if self.opening.is_none() && self.lines_read == 0 {
                    self.opening = Some(b);
                }
            }
            return None;
        }
        let date = parse_date(&date_text, layout.date_format.as_deref(), self.workbook);
        if date.is_none() && no_money {
            // Trailer text (打印时间：…, 注：…, 2024年10月8日打印): neither a date nor money.
            return None;
        }
        if date.is_none() {
            self.error(
                line,
                crate::tr!(
                    "bank-date-unreadable",
                    column = layout.header(Field::Date),
                    text = date_text.as_str()
                ),
            );
        }
        let amount = self.amount(line, texts, cells, &money_texts);
        let balance_text = self.text(line, texts, cells, Field::Balance);
        let balance = match parse_money(&balance_text, self.workbook) {
            Ok(b) => b,
            Err(reason) => {
                self.error(
                    line,
                    crate::tr!(
                        "bank-amount-unreadable",
                        column = layout.header(Field::Balance),
                        text = balance_text.as_str(),
                        reason = reason
                    ),
                );
                None
            }
        };
        let mut text: Vec<String> = Vec::new();
        for c in layout.text.clone() {
            let t = self.text_at(line, texts, cells, c);
            if !t.is_empty() && !text.contains(&t) {
                text.push(t);
            }
        }
        let counterparty = self.text(line, texts, cells, Field::Counterparty);
        let counterparty_account = self.text(line, texts, cells, Field::CounterpartyAccount);
        let serial = self.text(line, texts, cells, Field::Serial);
        self.lines_read += 1;
        if self.errors.len() > before {
            return None;
        }
        Some(BankLine {
            row: line,
            date: date?,
            amount: amount?,
            balance,
            text: text.join(" "),
            counterparty,
            counterparty_account,
            serial: (!serial.is_empty()).then_some(serial),
        })
    }

    /// The line's signed amount, or `None` with the reason collected.
    fn amount(
        &mut self,
        line: u64,
        texts: &[String],
        cells: &[Cell],
        money: &[(Field, String)],
    ) -> Option<Amount> {
        let layout = self.layout;
        let read = |this: &mut Self, field: Field, text: &str| -> Option<Option<Amount>> {
            match parse_money(text, this.workbook) {
                Ok(a) => Some(a),
                Err(reason) => {
                    this.error(
                        line,
                        crate::tr!(
                            "bank-amount-unreadable",
                            column = layout.header(field),
                            text = text,
                            reason = reason
                        ),
                    );
                    None
                }
            }
        };
        let values: Vec<Option<Option<Amount>>> =
            money.iter().map(|(f, t)| read(self, *f, t)).collect();
        if values.iter().any(Option::is_none) {
            return None;
        }
        let values: Vec<Option<Amount>> = values.into_iter().flatten().collect();
        if values.iter().all(Option::is_none) {
            self.error(line, crate::tr!("bank-no-amount"));
            return None;
        }
        match layout.kind {
            Kind::DebitCredit => {
                let income = values[0].unwrap_or(Amount::ZERO);
                let mut expense = values.get(1).copied().flatten().unwrap_or(Amount::ZERO);
                if layout.expense_negative {
                    expense = -expense;
                }
                if !income.is_zero() && !expense.is_zero() {
                    self.error(
                        line,
                        crate::tr!(
                            "bank-both-sides",
                            income = layout.header(Field::Income),
                            expense = layout.header(Field::Expense),
                            credit = income.grouped(),
                            debit = expense.grouped()
                        ),
                    );
                    return None;
                }
                Some(if expense.is_zero() { income } else { -expense })
            }
            Kind::Signed => values[0],
            Kind::Direction => {
                let amount = values[0]?;
                let mark = self.text(line, texts, cells, Field::Direction);
                let is = |marks: &[String]| {
                    marks
                        .iter()
                        .any(|m| m.to_uppercase() == mark.to_uppercase() && !m.is_empty())
                };
                let out = if mark.is_empty() {
                    self.error(
                        line,
                        crate::tr!(
                            "bank-direction-empty",
                            column = layout.header(Field::Direction)
                        ),
                    );
                    return None;
                } else if is(&layout.out_marks) {
                    true
                } else if is(&layout.in_marks) {
                    false
                } else {
                    let marks = layout
                        .out_marks
                        .iter()
                        .chain(&layout.in_marks)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ");
                    self.error(
                        line,
                        crate::tr!(
                            "bank-direction-unknown",
                            text = mark.as_str(),
                            marks = marks
                        ),
                    );
                    return None;
                };
                if out {
                    Some(-amount.abs())
                } else if amount.is_negative() {
                    self.error(
                        line,
                        crate::tr!(
                            "bank-direction-sign",
                            amount = amount.grouped(),
                            mark = mark.as_str()
                        ),
                    );
                    None
                } else {
                    Some(amount)
                }
            }
        }
    }
}

/// The `label：value` pairs of a title row, labels without spaces: `账号：6228 4800`, `户名:
/// 某某镇` in one cell or several, or a label in one cell and its value in the next.
fn labelled_values(texts: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let cells: Vec<&String> = texts.iter().filter(|t| !t.is_empty()).collect();
    for (i, cell) in cells.iter().enumerate() {
        // The value in the next cell, unless that cell is a `label：value` of its own.
        let next = || {
            cells
                .get(i + 1)
                .filter(|s| !s.contains([':', '：']))
                .map(|s| s.to_string())
                .unwrap_or_default()
        };
        let colons: Vec<(usize, usize)> = cell
            .char_indices()
            .filter(|(_, c)| matches!(c, ':' | '：'))
            .map(|(at, c)| (at, at + c.len_utf8()))
            .collect();
        if colons.is_empty() {
            let label = key_of(&without_spaces(cell));
            if is_key(&label) {
                out.push((label, next()));
            }
            continue;
        }
        // Each colon's label starts after the previous value's end: at the last separator
        // before it that is not inside a spaced-out label (`账  号：`).
        let mut starts = Vec::new();
        let mut from = 0;
        for (k, (at, after)) in colons.iter().enumerate() {
            let before = &cell[from..*at];
            let label_start = from + label_start(before);
            starts.push((label_start, *at, *after));
            from = if k + 1 < colons.len() {
                *after
            } else {
                cell.len()
            };
        }
        for (k, (label_start, at, after)) in starts.iter().enumerate() {
            let label = key_of(&without_spaces(&cell[*label_start..*at]));
            let end = starts.get(k + 1).map_or(cell.len(), |s| s.0);
            let value = cell[*after..end]
                .trim_matches(|c: char| {
                    c.is_whitespace() || matches!(c, ',' | '，' | ';' | '；' | '|')
                })
                .to_string();
            let value = if value.is_empty() && k + 1 == starts.len() {
                next()
            } else if k + 1 == starts.len() && OPENING_KEYS.contains(&label.as_str()) {
                // `期初余额：1,234.00` in a CSV row without quotes: the comma split the amount.
                glue_groups(value, &cells[i + 1..])
            } else {
                value
            };
            out.push((label, value));
        }
    }
    out
}

/// An amount's first digits (`1`) with the groups of three digits that a comma split off it
/// into the following cells (`234.00`) put back: `1,234.00`.
fn glue_groups(value: String, following: &[&String]) -> String {
    let digits = value.trim_start_matches(['¥', '￥', '-']);
    if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return value;
    }
    let mut out = value;
    for cell in following {
        let (whole, rest) = cell.split_at(cell.find(['.', '元']).unwrap_or(cell.len()));
        if whole.len() != 3 || !whole.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        out.push(',');
        out.push_str(cell);
        if !rest.is_empty() {
            break;
        }
    }
    out
}

/// Where the label before a colon begins in `before` (the text from the previous value to the
/// colon): its last word, or its last few words when together they make a label spaced out
/// for alignment (`账  号`).
fn label_start(before: &str) -> usize {
    let mut words: Vec<(usize, usize, bool)> = Vec::new();
    let mut start: Option<usize> = None;
    let mut separated = false;
    for (at, c) in before.char_indices() {
        if c.is_whitespace() || is_separator(c) {
            if let Some(s) = start.take() {
                words.push((s, at, separated));
                separated = false;
            }
            separated |= is_separator(c);
        } else if start.is_none() {
            start = Some(at);
        }
    }
    if let Some(s) = start {
        words.push((s, before.len(), separated));
    }
    let Some(&(last, _, _)) = words.last() else {
        return before.len();
    };
    let mut best = last;
    for k in 2..=4.min(words.len()) {
        let run = &words[words.len() - k..];
        if run[1..].iter().any(|w| w.2) {
            break;
        }
        if is_key(&without_spaces(&before[run[0].0..])) {
            best = run[0].0;
        }
    }
    best
}

fn is_separator(c: char) -> bool {
    matches!(c, ',' | '，' | ';' | '；' | '|' | '、')
}

/// A label as a key: `账号/卡号` is `账号`.
fn key_of(label: &str) -> String {
    label
        .split(['/', '／'])
        .find(|part| is_key(part))
        .unwrap_or(label)
        .to_string()
}

fn is_key(label: &str) -> bool {
    [ACCOUNT_KEYS, NAME_KEYS, OPENING_KEYS]
        .iter()
        .any(|keys| keys.contains(&label))
}

fn without_spaces(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A cell's text as data: control characters (but tab) dropped, trimmed, an Excel text guard
/// (`="0123"`, a leading `'`) taken off.
fn clean(s: &str) -> String {
    let kept: String = s
        .chars()
        .filter(|c| !c.is_control() || *c == '\t')
        .collect();
    let t = kept.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let t = t
        .strip_prefix("=\"")
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(t);
    let t = t.strip_prefix('\'').unwrap_or(t);
    t.trim().to_string()
}

fn is_blank_money(t: &str) -> bool {
    matches!(t.trim(), "" | "-" | "--" | "—" | "－" | "/")
}

/// An amount cell: `1,234.50`, `¥1,234.50`, `-50.00`, `(50.00)`, `1234.50元`; `None` when
/// blank (or `-`). A workbook's number cell carrying a float's noise (`10250.000000000002`)
/// is taken to the fen it stands for; any other third decimal is an error.
fn parse_money(text: &str, workbook: bool) -> std::result::Result<Option<Amount>, String> {
    let t = text.trim();
    if is_blank_money(t) {
        return Ok(None);
    }
    let mut t: String = t
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '－' { '-' } else { c })
        .collect();
    for prefix in ["人民币", "RMB", "CNY"] {
        if let Some(r) = t.strip_prefix(prefix) {
            t = r.to_string();
        }
    }
    if let Some(r) = t.strip_suffix('元') {
        t = r.trim().to_string();
    }
    let bracketed = t
        .strip_prefix(['(', '（'])
        .and_then(|r| r.strip_suffix([')', '）']))
        .map(|r| r.trim().to_string());
    let (negative, t) = match bracketed {
        Some(inner) if !inner.starts_with(['-', '+']) => (true, inner),
        Some(_) => return Err(crate::money::AmountError::NotANumber(t).to_string()),
        None => (false, t),
    };
    let parsed = match Amount::parse(&t) {
        Ok(a) => a,
        Err(crate::money::AmountError::TooManyDecimals(_)) if workbook => float_noise(&t)
            .ok_or_else(|| crate::money::AmountError::TooManyDecimals(t.clone()).to_string())?,
        Err(e) => return Err(e.to_string()),
    };
    Ok(Some(if negative { -parsed } else { parsed }))
}

/// A number cell's decimal text that is a whole number of fen but for a float's last digits.
fn float_noise(t: &str) -> Option<Amount> {
    let plain = t.strip_prefix('-').unwrap_or(t);
    if !plain.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let d = Decimal::from_str_exact(t).ok()?;
    let fen = d.round_dp(2);
    if (d - fen).abs() >= Decimal::new(1, 6) {
        return None;
    }
    Amount::from_decimal_exact(fen).filter(|a| a.within_posting_limit())
}

/// A date cell: `2024-09-03`, `2024/9/3`, `2024.09.03`, `20240903`, `2024年9月3日`, any of
/// them with a time after it; in a workbook also a date serial number; with `format` first.
fn parse_date(text: &str, format: Option<&str>, workbook: bool) -> Option<NaiveDate> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(f) = format {
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            return Some(d);
        }
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(t, f) {
            return Some(dt.date());
        }
    }
    let head = t
        .split(|c: char| c.is_whitespace() || c == 'T')
        .next()
        .unwrap_or(t);
    // After the date only a time may follow (`10:22:01`, `T10:22:01.000+08:00`), not words.
    let time_like = t[head.len()..].chars().all(|c| {
        c.is_ascii_digit() || c.is_whitespace() || matches!(c, ':' | '.' | '-' | '+' | 'T' | 'Z')
    });
    if !time_like {
        return None;
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits(head) && (head.len() == 8 || head.len() == 14) {
        return NaiveDate::parse_from_str(&head[..8], "%Y%m%d").ok();
    }
    if workbook {
        let whole = head
            .split_once('.')
            .map_or(head, |(w, f)| if digits(f) { w } else { "" });
        if digits(whole) && whole.len() <= 7 {
            let serial: i64 = whole.parse().ok()?;
            if (1..=2_958_465).contains(&serial) {
                return NaiveDate::from_ymd_opt(1899, 12, 30)?
                    .checked_add_signed(chrono::TimeDelta::try_days(serial)?);
            }
        }
    }
    let head = if head.contains('年') {
        head.replace(['年', '月'], "-").replace('日', "")
    } else {
        head.to_string()
    };
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(&head, f).ok())
        .filter(|d| {
            use chrono::Datelike;
            (1900..=9999).contains(&d.year())
        })
}

/// Whether the file at `path` is a workbook, by the rule of [`read_rows`].
fn is_workbook(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods") => true,
        Some("csv" | "txt") => false,
        _ => {
            use std::io::Read;
            let mut head = [0u8; 4];
            std::fs::File::open(path)
                .and_then(|mut f| f.read_exact(&mut head))
                .is_ok()
                && (head == *b"PK\x03\x04" || head == [0xD0, 0xCF, 0x11, 0xE0])
        }
    }
}

/// Whether `lines` (as the file lists them) run newest first: by their balances where those
/// tell (each balance follows from the one below it rather than the one above), else by their
/// dates.
fn newest_first(lines: &[BankLine]) -> bool {
    let (mut forward, mut backward) = (0usize, 0usize);
    for pair in lines.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if let (Some(ab), Some(bb)) = (a.balance, b.balance) {
            if ab.checked_add(b.amount) == Some(bb) {
                forward += 1;
            }
            if bb.checked_add(a.amount) == Some(ab) {
                backward += 1;
            }
        }
    }
    if forward != backward {
        return backward > forward;
    }
    match (lines.first(), lines.last()) {
        (Some(first), Some(last)) => first.date > last.date,
        _ => false,
    }
}

/// Each printed balance against the one before plus the line's amount (the first against a
/// stated opening balance). After a mismatch the next line may follow either from the printed
/// balance (the amount was wrong) or from the expected one (the balance was misprinted): one
/// typo is one error.
fn check_balances(
    file: &str,
    lines: &[BankLine],
    opening: Option<Amount>,
    errors: &mut Vec<RowError>,
) {
    let mut printed = opening;
    let mut alternative: Option<Amount> = None;
    for l in lines {
        let expected = match printed.map(|p| p.checked_add(l.amount)) {
            Some(None) => {
                errors.push(RowError::new(
                    file,
                    l.row,
                    crate::tr!("bank-balance-overflow"),
                ));
                printed = l.balance;
                alternative = None;
                continue;
            }
            Some(Some(e)) => Some(e),
            None => None,
        };
        let expected_alternative = alternative.and_then(|a| a.checked_add(l.amount));
        match (expected, l.balance) {
            (Some(e), Some(b)) => {
                if e == b || expected_alternative == Some(b) {
                    alternative = None;
                } else {
                    errors.push(RowError::new(
                        file,
                        l.row,
                        crate::tr!(
                            "bank-balance-mismatch",
                            expected = e.grouped(),
                            found = b.grouped()
                        ),
                    ));
                    alternative = Some(e);
                }
                printed = Some(b);
            }
            (None, Some(b)) => {
                printed = Some(b);
                alternative = None;
            }
            (e, None) => {
                printed = e;
                alternative = expected_alternative;
            }
        }
    }
}

/// The sample statements under `tests/fixtures/bank/`, for tests across the crate: (file name,
/// bytes). Regenerate them with `cargo test --lib write_bank_fixtures -- --ignored`.
#[cfg(test)]
pub(crate) fn fixtures() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("abc-debit-credit-gbk.csv", abc_csv()),
        (
            "signed-direction-utf8.csv",
            signed_direction_csv().into_bytes(),
        ),
        ("rcb-newest-first.xlsx", rcb_xlsx()),
    ]
}

/// 农业银行 style, GBK: title rows, 交易日期 as 20240902 with a separate 交易时间, debit and
/// credit columns, a 合计 row and a 打印时间 trailer.
#[cfg(test)]
fn abc_csv() -> Vec<u8> {
    let text = "\
中国农业银行账户明细,,,,,,,,,
账号：6228 4800 1234 5678 901,,,,,,,,,
户名：阳西县程村镇防止返贫储备金专户,,,,,,,,,
起止日期：2024-09-01 至 2024-09-30,,,,,,,,,
\"期初余额：800,000.00\",,,,,,,,,
交易日期,交易时间,摘要,收入金额,支出金额,账户余额,对方户名,对方账号,交易流水号,用途
20240902,093015,转账,\"120,000.00\",,\"920,000.00\",阳西县光伏电站管理有限公司,4400 1234 5678 9000 111,ABC20240902001,光伏超额分红
20240905,101122,转账,,\"3,000.00\",\"917,000.00\",张某某,6217 0000 1111 2222 333,ABC20240905017,防贫救助金
20240910,152003,转账,\"45,600.00\",,\"962,600.00\",程村蚝产业合作社,4400 5555 6666 7777 888,ABC20240910004,产业收益倾斜
20240912,090501,转账,,\"12,000.00\",\"950,600.00\",中国人寿阳西支公司,4400 8888 9999 0000 123,ABC20240912009,防贫保保费
20240918,113045,转账,,\"1,500.00\",\"949,100.00\",李某某,6217 0000 4444 5555 666,ABC20240918002,助学补助
20240921,000000,结息,\"1,234.56\",,\"950,334.56\",,,ABC20240921000,
20240925,143318,转账,,\"2,000.00\",\"948,334.56\",王某某,6217 0000 7777 8888 999,ABC20240925011,就业奖补
20240930,170000,手续费,,15.00,\"948,319.56\",,,ABC20240930031,
合计,,,\"166,834.56\",\"18,515.00\",,,,,
打印时间：2024-10-08 09:12:33,,,,,,,,,
";
    encoding_rs::GBK.encode(text).0.into_owned()
}

/// A signed 交易金额 with a 借贷标志 beside it, UTF-8 with a byte-order mark: the account and
/// name in two cells each, no stated opening balance, dates with times, `共 N 笔` and a note.
#[cfg(test)]
fn signed_direction_csv() -> String {
    "\u{feff}账户明细查询\n\
账号,9400 0012 3456 7890 12\n\
账户名称,资兴市防贫帮扶基金专户\n\
查询期间,2024-10-01至2024-10-31\n\
交易日期,摘要,交易金额,借贷标志,余额,对方账户名称,对方账号,交易参考号,附言\n\
2024-10-09 09:10:11,财政拨款,\"1,000,000.00\",贷,\"6,000,000.00\",资兴市财政局,1908 0000 0000 0001,PSBC10090001,防贫帮扶基金注资\n\
2024-10-12 14:03:55,防贫救助,\"-3,000.00\",借,\"5,997,000.00\",李某某,6221 8800 1234 0001,PSBC10120007,鱼塘受灾救助\n\
2024-10-15 11:20:00,防贫救助,\"-2,500.00\",借,\"5,994,500.00\",陈某某,6221 8800 1234 0002,PSBC10150003,因病救助\n\
2024-10-21 16:45:30,保险理赔,\"30,000.00\",贷,\"6,024,500.00\",某某保险公司,4300 1111 2222 3333,PSBC10210011,防贫保理赔款\n\
2024-10-21 16:50:02,防贫救助,\"-30,000.00\",借,\"5,994,500.00\",刘某某,6221 8800 1234 0003,PSBC10210012,理赔款转付\n\
2024-10-31 23:59:59,手续费,-20.00,借,\"5,994,480.00\",,,PSBC10310099,\n\
共 6 笔,,,,,,,,\n\
注：本明细仅供参考，以银行记账为准。,,,,,,,,\n"
        .to_string()
}

/// 农商银行 style workbook, newest first: a stated opening balance as a number cell beside
/// its label, date cells, number cells, debit and credit columns, a 合计 row.
#[cfg(test)]
fn rcb_xlsx() -> Vec<u8> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let when = ExcelDateTime::from_ymd(2024, 12, 2)
        .unwrap()
        .and_hms(9, 0, 0)
        .unwrap();
    book.set_properties(&DocProperties::new().set_creation_datetime(&when));
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    sheet
        .write_string(0, 0, "广东阳西农村商业银行对账单")
        .unwrap();
    sheet
        .write_string(1, 0, "账号： 8001 0000 1234 5678")
        .unwrap();
    sheet
        .write_string(1, 3, "户名：程村镇“631”资金专户")
        .unwrap();
    sheet.write_string(2, 0, "期初余额：").unwrap();
    sheet.write_number(2, 1, 2_000_000.0).unwrap();
    sheet.write_string(2, 3, "币种：人民币").unwrap();
    let header = [
        "序号",
        "记账日期",
        "凭证号",
        "摘要",
        "借方发生额",
        "贷方发生额",
        "余额",
        "对方户名",
        "对方账号",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(3, c as u16, *h).unwrap();
    }
    // Oldest first here; written newest first.
    type Line = (
        u8,
        &'static str,
        &'static str,
        f64,
        f64,
        f64,
        &'static str,
        &'static str,
    );
    let lines: [Line; 7] = [
        (
            1,
            "RCB1101001",
            "省级拨付",
            0.0,
            1_200_000.0,
            3_200_000.0,
            "广东省财政厅",
            "4400 0000 0000 0001",
        ),
        (
            4,
            "RCB1104002",
            "市级配套",
            0.0,
            600_000.0,
            3_800_000.0,
            "佛山市财政局",
            "4400 0000 0000 0002",
        ),
        (
            6,
            "RCB1106003",
            "县级配套",
            0.0,
            200_000.0,
            4_000_000.0,
            "阳西县财政局",
            "4400 0000 0000 0003",
        ),
        (
            15,
            "RCB1115004",
            "就业奖补",
            2_000.0,
            0.0,
            3_998_000.0,
            "黄某某",
            "6228 0000 0000 0004",
        ),
        (
            20,
            "RCB1120005",
            "贷款贴息",
            12_345.67,
            0.0,
            3_985_654.33,
            "阳西县某农业公司",
            "4400 0000 0000 0005",
        ),
        (
            28,
            "RCB1128006",
            "防贫保保费",
            9_600.0,
            0.0,
            3_976_054.33,
            "中国人寿阳西支公司",
            "4400 0000 0000 0006",
        ),
        (
            30,
            "RCB1130007",
            "结息",
            0.0,
            1_088.10,
            3_977_142.43,
            "",
            "",
        ),
    ];
    for (i, (day, voucher, text, debit, credit, balance, who, account)) in
        lines.iter().rev().enumerate()
    {
        let r = 4 + i as u32;
        sheet.write_number(r, 0, (i + 1) as f64).unwrap();
        let d = ExcelDateTime::from_ymd(2024, 11, *day).unwrap();
        sheet.write_datetime_with_format(r, 1, &d, &date).unwrap();
        sheet.write_string(r, 2, *voucher).unwrap();
        sheet.write_string(r, 3, *text).unwrap();
        if *debit != 0.0 {
            sheet.write_number(r, 4, *debit).unwrap();
        }
        if *credit != 0.0 {
            sheet.write_number(r, 5, *credit).unwrap();
        }
        sheet.write_number(r, 6, *balance).unwrap();
        sheet.write_string(r, 7, *who).unwrap();
        sheet.write_string(r, 8, *account).unwrap();
    }
    sheet.write_string(11, 0, "合计").unwrap();
    sheet.write_number(11, 4, 23_945.67).unwrap();
    sheet.write_number(11, 5, 2_001_088.10).unwrap();
    book.save_to_buffer().unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fen(s: &str) -> Amount {
        Amount::parse(s).unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn read(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> Result<StatementFile> {
        read_statement(&write(dir, name, bytes), Encoding::Auto, None)
    }

    fn row_errors(r: Result<StatementFile>) -> Vec<RowError> {
        match r {
            Err(Error::Input(e)) => e,
            Err(e) => panic!("not a row error: {e}"),
            Ok(s) => panic!("read without error: {s:?}"),
        }
    }

    #[test]
    fn gbk_debit_credit_with_title_rows_summary_and_trailer() {
        let dir = tempfile::tempdir().unwrap();
        let s = read(&dir, "abc.csv", &abc_csv()).unwrap();
        assert_eq!(s.layout, "debit-credit");
        assert_eq!(s.account_number.as_deref(), Some("6228 4800 1234 5678 901"));
        assert_eq!(
            s.account_name.as_deref(),
            Some("阳西县程村镇防止返贫储备金专户")
        );
        assert_eq!(s.header_row, 6);
        assert!(!s.newest_first);
        assert_eq!(s.opening, Some(fen("800000.00")));
        assert_eq!(s.closing, Some(fen("948319.56")));
        assert_eq!(s.lines.len(), 8);
        let first = &s.lines[0];
        assert_eq!(first.row, 7);
        assert_eq!(first.date, day("2024-09-02"));
        assert_eq!(first.amount, fen("120000.00"));
        assert_eq!(first.balance, Some(fen("920000.00")));
        assert_eq!(first.text, "转账 光伏超额分红");
        assert_eq!(first.counterparty, "阳西县光伏电站管理有限公司");
        assert_eq!(first.counterparty_account, "4400 1234 5678 9000 111");
        assert_eq!(first.serial.as_deref(), Some("ABC20240902001"));
        assert_eq!(s.lines[1].amount, fen("-3000.00"));
        assert_eq!(s.lines[5].amount, fen("1234.56"));
        assert_eq!(s.lines[5].text, "结息");
        assert_eq!(s.lines[5].counterparty, "");
        let last = s.lines.last().unwrap();
        assert_eq!((last.row, last.amount), (14, fen("-15.00")));
        let sum: i64 = s.lines.iter().map(|l| l.amount.fen()).sum();
        assert_eq!(sum, 14_831_956);
    }

    #[test]
    fn utf8_bom_amount_with_direction_and_two_cell_titles() {
        let dir = tempfile::tempdir().unwrap();
        let s = read(&dir, "psbc.csv", signed_direction_csv().as_bytes()).unwrap();
        assert_eq!(s.layout, "amount-direction");
        assert_eq!(s.account_number.as_deref(), Some("9400 0012 3456 7890 12"));
        assert_eq!(s.account_name.as_deref(), Some("资兴市防贫帮扶基金专户"));
        assert_eq!(s.opening, Some(fen("5000000.00")));
        assert_eq!(s.closing, Some(fen("5994480.00")));
        let amounts: Vec<i64> = s.lines.iter().map(|l| l.amount.fen()).collect();
        assert_eq!(
            amounts,
            [
                100_000_000,
                -300_000,
                -250_000,
                3_000_000,
                -3_000_000,
                -2_000
            ]
        );
        assert_eq!(s.lines[0].date, day("2024-10-09"));
        assert_eq!(s.lines[0].row, 6);
        assert_eq!(s.lines[1].text, "防贫救助 鱼塘受灾救助");
        assert_eq!(s.lines[5].serial.as_deref(), Some("PSBC10310099"));
    }

    #[test]
    fn direction_marks_d_c_and_unsigned_amounts() {
        let dir = tempfile::tempdir().unwrap();
        let csv = "记账日期,金额（元）,借贷方向,当前余额,备注\n\
2024/9/3,100.00,C,1100.00,存入\n\
2024/9/4,40.00,D,1060.00,\n\
2024/9/5,5.50,出,1054.50,\n\
2024/9/6,0.50,入,1055.00,\n";
        let s = read(&dir, "dc.csv", csv.as_bytes()).unwrap();
        assert_eq!(s.layout, "amount-direction");
        let amounts: Vec<i64> = s.lines.iter().map(|l| l.amount.fen()).collect();
        assert_eq!(amounts, [10_000, -4_000, -550, 50]);
        assert_eq!(s.opening, Some(fen("1000.00")));
        assert_eq!(s.closing, Some(fen("1055.00")));
        assert_eq!(s.lines[0].text, "存入");

        let bad =
            "记账日期,金额,借贷方向\n2024-09-03,1.00,X\n2024-09-04,1.00,\n2024-09-05,-1.00,贷\n";
        let errors = row_errors(read(&dir, "dc-bad.csv", bad.as_bytes()));
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4], "{errors:?}");
        assert!(errors[0].reason.contains("'X'"), "{}", errors[0].reason);
    }

    #[test]
    fn expenses_printed_negative() {
        let dir = tempfile::tempdir().unwrap();
        let csv = "交易日期,收入,支出,余额\n2024-09-01,100.00,,100.00\n2024-09-02,,-30.00,70.00\n2024-09-03,,-0.50,69.50\n";
        let s = read(&dir, "neg.csv", csv.as_bytes()).unwrap();
        let amounts: Vec<i64> = s.lines.iter().map(|l| l.amount.fen()).collect();
        assert_eq!(amounts, [10_000, -3_000, -50]);
        assert_eq!(s.opening, Some(Amount::ZERO));
    }

    #[test]
    fn signed_amount_forms_and_units() {
        let dir = tempfile::tempdir().unwrap();
        let csv = "日期,摘要,用途,发生额(元),余额（元）,对方户名,流水号\n\
2024年9月3日,分红,分红,\"¥1,234.50\",\"1,234.50\",某合作社,  \n\
2024-09-04 10:22:01,救助,,(50.00),\"1,184.50\",张某某,=\"000123\"\n\
2024.09.05,转出,,-84.50,\"1,100.00\",,'00124\n";
        let s = read(&dir, "signed.csv", csv.as_bytes()).unwrap();
        assert_eq!(s.layout, "signed-amount");
        let amounts: Vec<i64> = s.lines.iter().map(|l| l.amount.fen()).collect();
        assert_eq!(amounts, [123_450, -5_000, -8_450]);
        assert_eq!(s.opening, Some(Amount::ZERO));
        assert_eq!(s.closing, Some(fen("1100.00")));
        assert_eq!(s.lines[0].text, "分红");
        assert_eq!(s.lines[0].serial, None);
        assert_eq!(s.lines[1].serial.as_deref(), Some("000123"));
        assert_eq!(s.lines[2].serial.as_deref(), Some("00124"));
        assert_eq!(s.lines[1].date, day("2024-09-04"));
    }

    #[test]
    fn xlsx_newest_first_with_number_and_date_cells() {
        let dir = tempfile::tempdir().unwrap();
        let s = read(&dir, "rcb.xlsx", &rcb_xlsx()).unwrap();
        assert_eq!(s.layout, "debit-credit");
        assert!(s.newest_first);
        assert_eq!(s.account_number.as_deref(), Some("8001 0000 1234 5678"));
        assert_eq!(s.account_name.as_deref(), Some("程村镇“631”资金专户"));
        assert_eq!(s.opening, Some(fen("2000000.00")));
        assert_eq!(s.closing, Some(fen("3977142.43")));
        assert_eq!(s.lines.len(), 7);
        let first = &s.lines[0];
        assert_eq!((first.row, first.date), (11, day("2024-11-01")));
        assert_eq!(first.amount, fen("1200000.00"));
        assert_eq!(first.serial.as_deref(), Some("RCB1101001"));
        let interest = s.lines.last().unwrap();
        assert_eq!((interest.row, interest.amount), (5, fen("1088.10")));
        assert_eq!(s.lines[4].amount, fen("-12345.67"));
        assert_eq!(s.lines[4].balance, Some(fen("3985654.33")));
    }

    #[test]
    fn xlsx_float_noise_and_serial_dates() {
        use rust_xlsxwriter::Workbook;
        let dir = tempfile::tempdir().unwrap();
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["交易日期", "交易金额", "余额"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_number(1, 0, 45538.0).unwrap();
        sheet.write_number(1, 1, 0.1).unwrap();
        sheet.write_number(1, 2, 0.1).unwrap();
        sheet.write_number(2, 0, 20240904.0).unwrap();
        sheet.write_number(2, 1, 0.2).unwrap();
        sheet.write_number(2, 2, 0.1 + 0.2).unwrap();
        sheet.write_number(3, 0, 45540.0).unwrap();
        sheet.write_number(3, 1, 1.005).unwrap();
        sheet.write_number(3, 2, 1.305).unwrap();
        let s = read(&dir, "noise.xlsx", &book.save_to_buffer().unwrap());
        let errors = row_errors(s);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors.iter().all(|e| e.line == 4), "{errors:?}");

        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["交易日期", "交易金额", "余额"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_number(1, 0, 45538.0).unwrap();
        sheet.write_number(1, 1, 0.1).unwrap();
        sheet.write_number(1, 2, 0.1).unwrap();
        sheet.write_number(2, 0, 20240904.0).unwrap();
        sheet.write_number(2, 1, 0.2).unwrap();
        sheet.write_number(2, 2, 0.1 + 0.2).unwrap();
        let s = read(&dir, "noise2.xlsx", &book.save_to_buffer().unwrap()).unwrap();
        assert_eq!(s.lines[0].date, day("2024-09-03"));
        assert_eq!(s.lines[1].date, day("2024-09-04"));
        assert_eq!(s.lines[1].balance, Some(fen("0.30")));
        assert_eq!(s.closing, Some(fen("0.30")));
    }

    #[test]
    fn mapping_names_other_columns() {
        let dir = tempfile::tempdir().unwrap();
        let csv = "某银行流水,,,,,,,\n\
时间,收付,钱数,余额数,说明,附言,单号,对方\n\
20240903102201,I,500.00,1500.00,入账,分红款,S1,甲公司\n\
20240904080000,O,200.00,1300.00,出账,,S2,乙某\n";
        let path = write(&dir, "other.csv", csv.as_bytes());
        let map = write(
            &dir,
            "map.toml",
            "date = \"时间\"\ndate_format = \"%Y%m%d%H%M%S\"\namount = \"钱数\"\n\
direction = \"收付\"\nout_marks = [\"O\"]\nin_marks = [\"I\"]\nbalance = \"余额数\"\n\
text = [\"说明\", \"附言\"]\nserial = \"单号\"\ncounterparty = \"对方\"\n"
                .as_bytes(),
        );
        let mapping = ColumnMapping::load(&map).unwrap();
        let s = read_statement(&path, Encoding::Auto, Some(&mapping)).unwrap();
        assert_eq!(s.layout, format!("mapping {}", map.display()));
        assert_eq!(s.header_row, 2);
        assert_eq!(s.lines[0].date, day("2024-09-03"));
        assert_eq!(s.lines[0].amount, fen("500.00"));
        assert_eq!(s.lines[0].text, "入账 分红款");
        assert_eq!(s.lines[1].amount, fen("-200.00"));
        assert_eq!(s.lines[1].counterparty, "乙某");
        assert_eq!(s.opening, Some(fen("1000.00")));
        assert_eq!(s.closing, Some(fen("1300.00")));

        // header_row given, income/expense named.
        let csv = "日子,进,出\n2024-09-03,5.00,\n2024-09-04,,1.25\n";
        let path = write(&dir, "io.csv", csv.as_bytes());
        let map = write(
            &dir,
            "io.toml",
            b"date = \"\xe6\x97\xa5\xe5\xad\x90\"\nincome = \"\xe8\xbf\x9b\"\nexpense = \"\xe5\x87\xba\"\nheader_row = 1\n",
        );
        let mapping = ColumnMapping::load(&map).unwrap();
        let s = read_statement(&path, Encoding::Auto, Some(&mapping)).unwrap();
        let amounts: Vec<i64> = s.lines.iter().map(|l| l.amount.fen()).collect();
        assert_eq!(amounts, [500, -125]);
        assert_eq!((s.opening, s.closing), (None, None));

        // An unknown key names the mapping file; a missing column names the column.
        let bad = write(
            &dir,
            "bad.toml",
            "date = \"时间\"\namount = \"钱数\"\ncolour = 1\n".as_bytes(),
        );
        let errors = match ColumnMapping::load(&bad) {
            Err(Error::Input(e)) => e,
            other => panic!("{other:?}"),
        };
        assert_eq!(errors[0].file, bad.display().to_string());
        assert!(errors[0].reason.contains("colour"), "{}", errors[0].reason);
        let missing = ColumnMapping {
            date: "时间".into(),
            amount: Some("钱数".into()),
            balance: Some("结余".into()),
            header_row: Some(2),
            ..ColumnMapping::default()
        };
        let path = write(
            &dir,
            "other2.csv",
            "x\n时间,钱数\n20240903,1.00\n".as_bytes(),
        );
        let errors = row_errors(read_statement(&path, Encoding::Auto, Some(&missing)));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 2);
        assert!(errors[0].reason.contains("'结余'"), "{}", errors[0].reason);
        let both = ColumnMapping {
            date: "时间".into(),
            ..ColumnMapping::default()
        };
        assert!(read_statement(&path, Encoding::Auto, Some(&both)).is_err());
    }

    #[test]
    fn newest_first_by_dates_or_by_balances() {
        let dir = tempfile::tempdir().unwrap();
        let csv = "交易日期,交易金额\n2024-09-05,3.00\n2024-09-04,-2.00\n2024-09-04,1.00\n2024-09-01,10.00\n";
        let s = read(&dir, "desc.csv", csv.as_bytes()).unwrap();
        assert!(s.newest_first);
        let rows: Vec<u64> = s.lines.iter().map(|l| l.row).collect();
        assert_eq!(rows, [5, 4, 3, 2]);
        assert_eq!((s.opening, s.closing), (None, None));

        // All on one day: only the balances tell.
        let csv = "交易日期,交易金额,余额\n2024-09-05,3.00,12.00\n2024-09-05,-2.00,9.00\n2024-09-05,1.00,11.00\n2024-09-05,10.00,10.00\n";
        let s = read(&dir, "sameday.csv", csv.as_bytes()).unwrap();
        assert!(s.newest_first);
        let rows: Vec<u64> = s.lines.iter().map(|l| l.row).collect();
        assert_eq!(rows, [5, 4, 3, 2]);
        assert_eq!(s.opening, Some(Amount::ZERO));
        assert_eq!(s.closing, Some(fen("12.00")));
    }

    #[test]
    fn a_broken_balance_is_one_error_at_its_row() {
        let dir = tempfile::tempdir().unwrap();
        let head = "\"期初余额：10,000.00\"\n交易日期,摘要,收入,支出,余额\n";
        // The amount misprinted on line 4: one error there, checking goes on from the balance.
        let csv = format!(
            "{head}2024-09-01,a,250.00,,\"10,250.00\"\n2024-09-02,b,270.00,,\"10,520.00\"\n2024-09-03,c,,20.00,\"10,500.00\"\n"
        );
        let csv = csv.replace("2024-09-02,b,270.00", "2024-09-02,b,207.00");
        let errors = row_errors(read(&dir, "one.csv", csv.as_bytes()));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, 4);
        assert_eq!(
            errors[0].to_string(),
            format!(
                "{}:4: balance does not agree: expected 10,457.00, the file has 10,520.00",
                dir.path().join("one.csv").display()
            )
        );
        assert_eq!(
            crate::i18n::message_in(
                crate::i18n::Lang::Zh,
                "bank-balance-mismatch",
                &[
                    ("expected", crate::i18n::Arg::from("10,250.00")),
                    ("found", crate::i18n::Arg::from("10,520.00"))
                ]
            ),
            "余额不符：应为 10,250.00，文件为 10,520.00"
        );

        // The balance misprinted (a typo on line 3): one error, not two.
        let csv = format!(
            "{head}2024-09-01,a,250.00,,\"10,520.00\"\n2024-09-02,b,270.00,,\"10,520.00\"\n"
        );
        let errors = row_errors(read(&dir, "typo.csv", csv.as_bytes()));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, 3);
        assert!(errors[0]
            .reason
            .contains("expected 10,250.00, the file has 10,520.00"));

        // The stated opening balance is checked against the first line too; two broken lines
        // are exactly two errors.
        let csv = "期初余额：100.00\n交易日期,收入,支出,余额\n2024-09-01,1.00,,102.00\n2024-09-02,1.00,,103.00\n2024-09-03,,5.00,99.00\n2024-09-04,,1.00,97.00\n";
        let errors = row_errors(read(&dir, "two.csv", csv.as_bytes()));
        let found: Vec<(u64, bool)> = errors
            .iter()
            .map(|e| {
                (
                    e.line,
                    e.reason.contains("expected 101.00, the file has 102.00"),
                )
            })
            .collect();
        assert_eq!(found, [(3, true), (5, false)], "{errors:?}");
        assert!(errors[1]
            .reason
            .contains("expected 98.00, the file has 99.00"));
    }

    #[test]
    fn bad_rows_are_collected_together() {
        let dir = tempfile::tempdir().unwrap();
        let csv = "交易日期,摘要,贷方发生额,借方发生额,余额\n\
2024-13-40,a,1.00,,\n\
2024-09-02,b,12.345,,\n\
2024-09-03,c,abc,,\n\
2024-09-04,d,5.00,6.00,\n\
2024-09-05,e,,,\n\
2024-09-06,f,1.00,,1x\n\
,g,1.00,,\n\
2024-09-07,h,1.00,,\n\
\n\
本页小计,,8.00,6.00,\n\
共 8 笔,,,,\n\
打印时间：2024-10-01,,,,\n";
        let errors = row_errors(read(&dir, "bad.csv", csv.as_bytes()));
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4, 5, 6, 7, 8], "{errors:?}");
        assert!(errors[0].reason.contains("2024-13-40"));
        assert!(errors[1].reason.contains("12.345"));
        assert!(errors[2].reason.contains("abc"));
        assert!(errors[3].reason.contains("both"));
        assert!(errors[4].reason.contains("no amount"));
        assert!(errors[5].reason.contains("1x"));
        let file = dir.path().join("bad.csv").display().to_string();
        assert!(errors.iter().all(|e| e.file == file));
    }

    #[test]
    fn no_header_names_the_file_and_the_columns() {
        let dir = tempfile::tempdir().unwrap();
        let errors = row_errors(read(&dir, "none.csv", "a,b\n1,2\n".as_bytes()));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 0);
        assert!(errors[0].file.ends_with("none.csv"));
        assert!(errors[0].reason.contains("交易日期"));
        assert!(errors[0].reason.contains("贷方发生额"));
        let errors = row_errors(read(&dir, "empty.csv", b""));
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn hostile_cells_never_panic() {
        let dir = tempfile::tempdir().unwrap();
        let csv = "交易日期,交易金额,余额,摘要\n\
2024-09-01,999999999999.99,999999999999.99,a\u{7}b\n\
2024-09-02,999999999999.99,,\n\
2024-09-03,99999999999999999999,,\n\
99999999,1,,\n\
2024-09-04,((1)),,\n";
        let errors = row_errors(read(&dir, "huge.csv", csv.as_bytes()));
        assert_eq!(errors.len(), 3, "{errors:?}");
        // Enough of the largest amounts to pass what i64 fen hold: an error, not a wrap.
        let mut csv = String::from("期初余额：999999999999.99\n交易日期,交易金额\n");
        for _ in 0..92_234 {
            csv.push_str("2024-09-01,999999999999.99\n");
        }
        let errors = row_errors(read(&dir, "sum.csv", csv.as_bytes()));
        assert_eq!(errors.len(), 1, "{:?}", &errors[..errors.len().min(3)]);
        assert!(errors[0].reason.contains("beyond"), "{}", errors[0].reason);
        let csv = "交易日期,交易金额,余额,摘要\n2024-09-01,1.00,1.00,a\u{7}b\u{0}c\n";
        let s = read(&dir, "ctl.csv", csv.as_bytes()).unwrap();
        assert_eq!(s.lines[0].text, "abc");
    }

    #[test]
    fn dates_and_amounts_in_the_forms_banks_print() {
        for t in [
            "2024-09-03",
            "2024-9-3",
            "2024/9/3",
            "2024/09/03 10:22",
            "2024.09.03",
            "20240903",
            "20240903102201",
            "2024年9月3日",
            "2024-09-03T10:22:01",
        ] {
            assert_eq!(parse_date(t, None, false), Some(day("2024-09-03")), "{t}");
        }
        assert_eq!(parse_date("45538", None, true), Some(day("2024-09-03")));
        assert_eq!(parse_date("45538", None, false), None);
        assert_eq!(parse_date("2024-02-30", None, false), None);
        assert_eq!(parse_date("打印时间", None, false), None);
        let m = |t: &str| parse_money(t, false);
        assert_eq!(m("1,234.50"), Ok(Some(fen("1234.50"))));
        assert_eq!(m("¥1,234.50"), Ok(Some(fen("1234.50"))));
        assert_eq!(m("-50.00"), Ok(Some(fen("-50.00"))));
        assert_eq!(m("(50.00)"), Ok(Some(fen("-50.00"))));
        assert_eq!(m("（50.00）"), Ok(Some(fen("-50.00"))));
        assert_eq!(m("1234.50元"), Ok(Some(fen("1234.50"))));
        assert_eq!(m("RMB 7.00"), Ok(Some(fen("7.00"))));
        assert_eq!(m("-"), Ok(None));
        assert_eq!(m(""), Ok(None));
        assert_eq!(m("0"), Ok(Some(Amount::ZERO)));
        assert!(m("1.005").is_err());
        assert!(m("1e5").is_err());
        assert_eq!(
            parse_money("0.30000000000000004", true),
            Ok(Some(fen("0.30")))
        );
        assert!(parse_money("1.005", true).is_err());
    }

    #[test]
    fn unquoted_opening_daily_subtotals_and_dated_trailers() {
        let dir = tempfile::tempdir().unwrap();
        let csv = "期初余额: 1,234.00\n\
交易日期,摘要,收入,支出,余额\n\
2024-09-01,存入,10.00,,\"1,244.00\"\n\
2024-09-01,本日合计,10.00,0.00,\n\
2024-09-02,支取,,4.00,\"1,240.00\"\n\
2024-10-08 09:12:33 打印,,,,\n\
2024年10月8日打印,,,,\n";
        let s = read(&dir, "loose.csv", csv.as_bytes()).unwrap();
        assert_eq!(s.opening, Some(fen("1234.00")));
        assert_eq!(s.closing, Some(fen("1240.00")));
        assert_eq!(s.lines.len(), 2);
        assert_eq!(parse_money("¥ 1,234.50", false), Ok(Some(fen("1234.50"))));
    }

    #[test]
    fn headers_as_banks_print_them() {
        let header: Vec<String> = [
            " 交易 日期 ",
            "交易时间",
            "借方发生额(支取)",
            "贷方发生额（元）",
            "收（付）款人名称",
            "收(付)款人账号",
            "柜员流水号",
            "联机余额",
            "交易附言",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let at = builtin_columns(&header);
        let col = |f: Field| at[f as usize];
        assert_eq!(col(Field::Date), Some(0));
        assert_eq!(col(Field::Expense), Some(2));
        assert_eq!(col(Field::Income), Some(3));
        assert_eq!(col(Field::Counterparty), Some(4));
        assert_eq!(col(Field::CounterpartyAccount), Some(5));
        assert_eq!(col(Field::Serial), Some(6));
        assert_eq!(col(Field::Balance), Some(7));
        assert_eq!(col(Field::Remark), Some(8));
        assert_eq!(col(Field::Amount), None);
    }

    #[test]
    fn title_rows_in_their_forms() {
        let v = |cells: &[&str]| {
            labelled_values(&cells.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(
            v(&["账号：6228 4800 1234 5678 901  币种：人民币"]),
            [
                ("账号".to_string(), "6228 4800 1234 5678 901".to_string()),
                ("币种".to_string(), "人民币".to_string())
            ]
        );
        assert_eq!(v(&["账  号:", "", "123"])[0], ("账号".into(), "123".into()));
        assert_eq!(v(&["户名", "某某"])[0], ("户名".into(), "某某".into()));
        assert_eq!(v(&["账号/卡号：62 28"])[0], ("账号".into(), "62 28".into()));
        assert_eq!(v(&["户名：", "账号：1"])[0], ("户名".into(), "".into()));
        let m: ColumnMapping =
            toml::from_str("date = \"a\"\namount = \"b\"\ntext = \"c\"\n").unwrap();
        assert_eq!(m.text, ["c"]);
        assert_eq!(
            v(&["户名：某镇专户，账号：1 2"]),
            [
                ("户名".into(), "某镇专户".into()),
                ("账号".into(), "1 2".into())
            ]
        );
    }

    /// The fixtures under tests/fixtures/bank read as their descriptions say.
    #[test]
    fn the_shared_fixtures_read() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bank");
        let expect: [(&str, &str, &str, &str, usize); 3] = [
            (
                "abc-debit-credit-gbk.csv",
                "6228 4800 1234 5678 901",
                "800000.00",
                "948319.56",
                8,
            ),
            (
                "signed-direction-utf8.csv",
                "9400 0012 3456 7890 12",
                "5000000.00",
                "5994480.00",
                6,
            ),
            (
                "rcb-newest-first.xlsx",
                "8001 0000 1234 5678",
                "2000000.00",
                "3977142.43",
                7,
            ),
        ];
        for (name, account, opening, closing, count) in expect {
            let s = read_statement(&dir.join(name), Encoding::Auto, None).unwrap();
            assert_eq!(s.account_number.as_deref(), Some(account), "{name}");
            assert_eq!(s.opening, Some(fen(opening)), "{name}");
            assert_eq!(s.closing, Some(fen(closing)), "{name}");
            assert_eq!(s.lines.len(), count, "{name}");
        }
        for (name, bytes) in fixtures() {
            if name.ends_with(".csv") {
                assert_eq!(
                    std::fs::read(dir.join(name)).unwrap(),
                    bytes,
                    "{name} is stale"
                );
            }
        }
    }

    /// Writes the shared fixtures: `cargo test --lib write_bank_fixtures -- --ignored`.
    #[test]
    #[ignore]
    fn write_bank_fixtures() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bank");
        std::fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in fixtures() {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
    }
}
