//! Which column is which: the header's names matched against the fields, the three built-in
//! layouts and a mapping file's.

use super::*;

/// The columns of a statement file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Field {
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

pub(super) const FIELDS: usize = 11;

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
    pub(super) fn names(self) -> &'static [&'static str] {
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
pub(super) enum Kind {
    DebitCredit,
    Signed,
    Direction,
}

/// Where the fields are, and how to read them.
pub(super) struct Layout {
    pub(super) name: String,
    pub(super) kind: Kind,
    pub(super) cols: [Option<usize>; FIELDS],
    /// The text columns, joined in this order.
    pub(super) text: Vec<usize>,
    /// The header's names of the columns (for messages).
    pub(super) headers: Vec<String>,
    pub(super) date_format: Option<String>,
    pub(super) out_marks: Vec<String>,
    pub(super) in_marks: Vec<String>,
    /// Whether the expense column prints money out as negative numbers (every figure in it
    /// is), so that its sign is not a second minus.
    pub(super) expense_negative: bool,
}

impl Layout {
    pub(super) fn header(&self, field: Field) -> &str {
        self.cols[field as usize]
            .and_then(|c| self.headers.get(c))
            .map_or("", String::as_str)
    }
}

pub(super) const OUT_MARKS: &[&str] = &[
    "借", "借方", "支出", "支", "出", "付", "付出", "转出", "D", "DR", "DEBIT", "-",
];
pub(super) const IN_MARKS: &[&str] = &[
    "贷", "贷方", "收入", "收", "入", "存入", "转入", "C", "CR", "CREDIT", "+",
];

pub(super) type Row = (u64, Vec<String>, Vec<Cell>);

/// A header cell as compared: no spaces, ASCII lower case, full-width brackets as ASCII and
/// a unit in brackets at the end (`(元)`, `（元）`) left out.
pub(super) fn header_key(h: &str) -> String {
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
pub(super) fn builtin_columns(header: &[String]) -> [Option<usize>; FIELDS] {
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
pub(super) fn builtin_layout(rows: &[Row]) -> Option<(usize, Layout)> {
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

pub(super) fn no_header_message() -> String {
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
pub(super) fn mapped_layout(
    file: &str,
    rows: &[Row],
    m: &ColumnMapping,
) -> Result<(usize, Layout)> {
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
