//! Reading the register from CSV or a spreadsheet, and checking every row.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::path::Path;

use super::id_number::check_id_number;
use super::{mask_bank_card, mask_id_number, split_risk_causes, Category, HouseholdRecord, Labour};
use crate::error::{Error, Result, RowError};
use crate::import::sheet::{first_sheet, Cell};
use crate::money::Amount;
use crate::text::{check_household_id, check_stored_text, check_village, NAME_MAX};

/// Text encoding of a CSV register: the one rule of [`crate::import::decode`].
pub use crate::import::Encoding as TextEncoding;

/// Read a register file, choosing CSV or spreadsheet by the file's extension (`.xlsx`, `.xlsm`,
/// `.xlsb`, `.xls`, `.ods` are spreadsheets, `.csv` and `.txt` are CSV) or, for any other
/// extension, by its first bytes; CSV encoding is detected.
pub fn read_households(path: &Path) -> Result<Vec<HouseholdRecord>> {
    read_households_with(path, TextEncoding::Auto)
}

/// As [`read_households`], with the CSV encoding given (ignored for spreadsheets).
pub fn read_households_with(path: &Path, encoding: TextEncoding) -> Result<Vec<HouseholdRecord>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let file = path.display().to_string();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let spreadsheet = match ext.as_deref() {
        Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods") => true,
        Some("csv" | "txt") => false,
        _ => bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]),
    };
    if spreadsheet {
        read_households_spreadsheet(bytes, &file)
    } else {
        read_households_csv(bytes, &file, encoding)
    }
}

/// Read a CSV register from its bytes; `file` names it in error messages. The rows are
/// checked as they are read, so only the records are held, not the file's rows as well.
pub fn read_households_csv(
    bytes: Vec<u8>,
    file: &str,
    encoding: TextEncoding,
) -> Result<Vec<HouseholdRecord>> {
    let text = decode(bytes, file, encoding)?;
    check_csv(&text, file)
}

/// Read the first sheet of a spreadsheet register (xlsx, xlsm, xlsb, xls, ods) from its bytes.
pub fn read_households_spreadsheet(bytes: Vec<u8>, file: &str) -> Result<Vec<HouseholdRecord>> {
    let table = spreadsheet_table(bytes, file)?;
    check_table(file, table)
}

fn file_error(file: &str, reason: impl Into<String>) -> Error {
    Error::Input(vec![RowError::new(file, 0, reason)])
}

/// The text of `bytes` (which it takes over: UTF-8 text is not copied), decoded by the one
/// rule of [`crate::import::decode`].
fn decode(bytes: Vec<u8>, file: &str, encoding: TextEncoding) -> Result<String> {
    crate::import::decode::decode_bytes(bytes, encoding)
        .map_err(|e| Error::Input(vec![e.row_error(file)]))
}

struct Row {
    /// 1-based line or spreadsheet row as the user sees it.
    line: u64,
    cells: Vec<Cell>,
}

struct Table {
    header: Row,
    rows: Vec<Row>,
}

/// Read and check a CSV register row by row. Unreadable rows are reported alone (all of
/// them); then a bad header; then every bad row.
fn check_csv(text: &str, file: &str) -> Result<Vec<HouseholdRecord>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut unreadable = Vec::new();
    let mut check: Option<Result<RegisterCheck<'_>>> = None;
    // Room for a record per line, made once: growing a vector of 100,000 records would hold
    // the old and the new one at once.
    let lines = text.bytes().filter(|&b| b == b'\n').count();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = crate::import::rows::record_line(record.position(), text);
                let row = Row {
                    line,
                    cells: record.iter().map(|c| Cell::Text(c.to_string())).collect(),
                };
                match &mut check {
                    None => check = Some(RegisterCheck::new(file, &row, lines)),
                    Some(Ok(check)) => check.row(&row),
                    Some(Err(_)) => {}
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                unreadable.push(RowError::new(
                    file,
                    line,
                    crate::tr!("register-unreadable-row", reason = e.to_string()),
                ));
            }
        }
    }
    if !unreadable.is_empty() {
        return Err(Error::Input(unreadable));
    }
    check
        .ok_or_else(|| file_error(file, crate::tr!("register-file-empty")))??
        .finish()
}

fn spreadsheet_table(bytes: Vec<u8>, file: &str) -> Result<Table> {
    let mut rows: Vec<Row> = first_sheet(bytes, file)?
        .into_iter()
        .map(|r| Row {
            line: r.line,
            cells: r.cells,
        })
        .collect();
    let header = rows.remove(0);
    Ok(Table { header, rows })
}

/// The columns of the register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Id,
    Village,
    Name,
    IdNumber,
    Members,
    Income,
    Category,
    RiskLevel,
    RiskCauses,
    Labour,
    BankCard,
}

impl Field {
    const ALL: [Field; 11] = [
        Field::Id,
        Field::Village,
        Field::Name,
        Field::IdNumber,
        Field::Members,
        Field::Income,
        Field::Category,
        Field::RiskLevel,
        Field::RiskCauses,
        Field::Labour,
        Field::BankCard,
    ];

    fn english(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Village => "village",
            Field::Name => "name",
            Field::IdNumber => "id_number",
            Field::Members => "members",
            Field::Income => "per_capita_income",
            Field::Category => "category",
            Field::RiskLevel => "risk_level",
            Field::RiskCauses => "risk_causes",
            Field::Labour => "labour",
            Field::BankCard => "bank_card",
        }
    }

    fn chinese(self) -> &'static str {
        match self {
            Field::Id => "户编号",
            Field::Village => "村",
            Field::Name => "户主姓名",
            Field::IdNumber => "身份证号",
            Field::Members => "人口",
            Field::Income => "人均纯收入",
            Field::Category => "类别",
            Field::RiskLevel => "风险等级",
            Field::RiskCauses => "风险类型",
            Field::Labour => "劳动能力",
            Field::BankCard => "一卡通账号",
        }
    }

    fn required(self) -> bool {
        !matches!(
            self,
            Field::RiskLevel | Field::RiskCauses | Field::Labour | Field::BankCard
        )
    }

    /// Other headers that monitoring systems and clerks' spreadsheets use for the field.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Id => &["户号", "农户编号", "家庭编号", "household_id", "household"],
            Field::Village => &["村名", "所在村", "行政村", "村委会", "村（社区）"],
            Field::Name => &["户主", "户主名", "姓名", "head"],
            Field::IdNumber => &["身份证号码", "户主身份证号", "户主身份证号码", "证件号码"],
            Field::Members => &["家庭人口", "人口数", "家庭人口数", "户籍人口", "家庭成员数"],
            Field::Income => &[
                "人均收入",
                "家庭人均纯收入",
                "人均纯收入（元）",
                "年人均纯收入",
            ],
            Field::Category => &[
                "监测类型",
                "监测对象类别",
                "监测对象类型",
                "人员类别",
                "户类型",
            ],
            Field::RiskLevel => &["风险级别", "预警等级"],
            Field::RiskCauses => &[
                "风险原因",
                "致贫返贫风险",
                "返贫致贫风险",
                "主要风险",
                "风险类别",
            ],
            Field::Labour => &["劳动力状况", "劳动能力状况"],
            Field::BankCard => &["一卡通", "一卡通卡号", "社保卡号", "银行卡号", "银行账号"],
        }
    }

    fn from_header(h: &str) -> Option<Field> {
        let h = h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        // A unit in brackets is not part of the name: 人均纯收入（元）, 人口(人).
        let bare = match h.find(['（', '(']) {
            Some(at) if at > 0 && h.ends_with(['）', ')']) => h[..at].trim(),
            _ => h,
        };
        Field::ALL.into_iter().find(|f| {
            [h, bare].iter().any(|name| {
                f.chinese() == *name
                    || f.english().eq_ignore_ascii_case(name)
                    || f.aliases().iter().any(|a| a.eq_ignore_ascii_case(name))
            })
        })
    }
}

/// Where each field is in the file, and its header as written there.
struct Columns {
    index: HashMap<usize, (usize, String)>,
}

impl Columns {
    fn from_header(file: &str, header: &Row) -> Result<Columns> {
        let mut index: HashMap<usize, (usize, String)> = HashMap::new();
        let mut errors = Vec::new();
        for (col, cell) in header.cells.iter().enumerate() {
            let Cell::Text(text) = cell else { continue };
            let Some(field) = Field::from_header(text) else {
                continue;
            };
            let key = field as usize;
            if let Some((first, first_name)) = index.get(&key) {
                errors.push(RowError::new(
                    file,
                    header.line,
                    crate::tr!(
                        "import-column-twice",
                        name = field.english(),
                        first = first + 1,
                        first_header = first_name,
                        second = col + 1,
                        second_header = text.trim()
                    ),
                ));
            } else {
                index.insert(key, (col, text.trim().to_string()));
            }
        }
        for field in Field::ALL {
            if field.required() && !index.contains_key(&(field as usize)) {
                errors.push(RowError::new(
                    file,
                    header.line,
                    crate::tr!(
                        "register-missing-column",
                        name = field.english(),
                        chinese = field.chinese()
                    ),
                ));
            }
        }
        if errors.is_empty() {
            Ok(Columns { index })
        } else {
            Err(Error::Input(errors))
        }
    }
}

/// Checks one row, collecting every problem.
struct RowCheck<'a> {
    file: &'a str,
    columns: &'a Columns,
    row: &'a Row,
    errors: Vec<RowError>,
}

impl RowCheck<'_> {
    fn error(&mut self, reason: String) {
        self.errors
            .push(RowError::new(self.file, self.row.line, reason));
    }

    /// The header of `field` as written in the file, for messages.
    fn label(&self, field: Field) -> String {
        self.columns
            .index
            .get(&(field as usize))
            .map_or_else(|| field.english().to_string(), |(_, name)| name.clone())
    }

    /// The trimmed text of `field`; empty when the column is absent or the row is short.
    /// `None` (with the error recorded) for a cell that holds no usable text.
    fn text(&mut self, field: Field) -> Option<String> {
        let Some((col, _)) = self.columns.index.get(&(field as usize)) else {
            return Some(String::new());
        };
        match self.row.cells.get(*col) {
            None => Some(String::new()),
            // As `households list --format csv` wrote it: `'=x` is `=x`.
            Some(Cell::Text(t)) => Some(crate::render::csv::unescape_text(t.trim()).to_string()),
            Some(Cell::Inexact) => {
                let label = self.label(field);
                self.error(crate::tr!("register-inexact-number", label = label));
                None
            }
            Some(Cell::Error(e)) => {
                let label = self.label(field);
                self.error(crate::tr!(
                    "register-cell-error",
                    label = label,
                    error = e.to_string()
                ));
                None
            }
        }
    }

    /// Check `value`, the text of `field`, with `check` (see [`crate::text`]), recording its
    /// error under the column's label.
    fn checked(
        &mut self,
        field: Field,
        value: Option<String>,
        check: impl FnOnce(&str, &str) -> std::result::Result<(), String>,
    ) -> Option<String> {
        let value = value?;
        let label = self.label(field);
        match check(&label, &value) {
            Ok(()) => Some(value),
            Err(reason) => {
                self.error(reason);
                None
            }
        }
    }

    /// The text of `field` as written, spaces and all (for the checks of ids and villages,
    /// which refuse spaces around them); empty when the column is absent or the row short.
    fn raw_text(&mut self, field: Field) -> Option<String> {
        let Some((col, _)) = self.columns.index.get(&(field as usize)) else {
            return Some(String::new());
        };
        match self.row.cells.get(*col) {
            Some(Cell::Text(t)) => Some(t.clone()),
            _ => self.text(field),
        }
    }

    /// A text that must not be empty.
    fn required_text(&mut self, field: Field) -> Option<String> {
        let t = self.text(field)?;
        if t.is_empty() {
            let label = self.label(field);
            self.error(crate::tr!("text-empty", field = label));
            return None;
        }
        Some(t)
    }

    /// Apply `parse` to the text of `field`, recording its error under the column's label.
    fn parsed<T>(
        &mut self,
        field: Field,
        parse: impl FnOnce(&str) -> std::result::Result<T, String>,
    ) -> Option<T> {
        let t = self.text(field)?;
        match parse(&t) {
            Ok(v) => Some(v),
            Err(msg) => {
                let label = self.label(field);
                self.error(format!("{label}: {msg}"));
                None
            }
        }
    }

    fn record(&mut self) -> Option<HouseholdRecord> {
        // Ids and villages name the files and folders of a statement batch.
        let id = match self.raw_text(Field::Id) {
            Some(raw) if raw.trim().is_empty() => self.required_text(Field::Id),
            raw => self.checked(Field::Id, raw, check_household_id),
        };
        let village = self.raw_text(Field::Village);
        let village = match village {
            Some(v) if v.is_empty() => Some(v),
            v => self.checked(Field::Village, v, check_village),
        };
        let name = self.required_text(Field::Name);
        let name = self.checked(Field::Name, name, |l, v| check_stored_text(l, v, NAME_MAX));
        let id_number = self.parsed(Field::IdNumber, |t| {
            check_id_number(t).map_err(|e| e.to_string())
        });
        let members = self.parsed(Field::Members, parse_members);
        let per_capita_income = self.parsed(Field::Income, parse_income);
        let category = self.parsed(Field::Category, Category::from_cell);
        let stored = |l: &str, v: &str| check_stored_text(l, v, NAME_MAX);
        let risk_level = self.text(Field::RiskLevel);
        let risk_level = self.checked(Field::RiskLevel, risk_level, stored);
        let risk_causes = self.text(Field::RiskCauses);
        let risk_causes = self
            .checked(Field::RiskCauses, risk_causes, stored)
            .map(|t| split_risk_causes(&t));
        let labour = self.parsed(Field::Labour, Labour::from_cell);
        let bank_card = self
            .text(Field::BankCard)
            .map(|t| t.chars().filter(|c| !c.is_whitespace()).collect());
        let bank_card = self.checked(Field::BankCard, bank_card, stored);
        Some(HouseholdRecord {
            id: id?,
            village: village?,
            name: name?,
            id_number: id_number?,
            members: members?,
            per_capita_income: per_capita_income?,
            category: category?,
            risk_level: risk_level?,
            risk_causes: risk_causes?,
            labour: labour?,
            bank_card: bank_card?,
        })
    }
}

fn parse_members(t: &str) -> std::result::Result<u32, String> {
    if t.is_empty() {
        return Err(crate::tr!("register-members-empty"));
    }
    match t.parse::<i64>() {
        Ok(n) if n < 1 => Err(crate::tr!("register-members-below-one", count = n)),
        Ok(n) => u32::try_from(n).map_err(|_| crate::tr!("register-members-too-large", count = n)),
        Err(_) => Err(crate::tr!("register-members-not-a-number", text = t)),
    }
}

fn parse_income(t: &str) -> std::result::Result<Amount, String> {
    let a = Amount::parse(t).map_err(|e| e.to_string())?;
    if a.is_negative() {
        return Err(crate::tr!(
            "register-income-negative",
            amount = a.to_string()
        ));
    }
    Ok(a)
}

fn check_table(file: &str, table: Table) -> Result<Vec<HouseholdRecord>> {
    let mut check = RegisterCheck::new(file, &table.header, table.rows.len())?;
    for row in &table.rows {
        check.row(row);
    }
    check.finish()
}

/// Checks a register's rows one by one, keeping the good records and every problem, and
/// what must be unique across rows: household ids, ID numbers and bank cards.
struct RegisterCheck<'f> {
    file: &'f str,
    columns: Columns,
    records: Vec<HouseholdRecord>,
    errors: Vec<RowError>,
    seen: HashMap<String, u64>,
    /// For ID numbers and bank cards: the first row with each value and the record it went
    /// into, found through the record's own value (no copy of it is kept).
    first_rows: [hashbrown::HashTable<(u64, usize)>; 2],
    keys: std::hash::RandomState,
}

/// The values no two households may share, with how messages call them.
const UNIQUE: [(Field, &str); 2] = [
    (Field::IdNumber, "register-what-id-number"),
    (Field::BankCard, "register-what-card"),
];

fn unique_value(field: Field, r: &HouseholdRecord) -> &str {
    match field {
        Field::IdNumber => &r.id_number,
        _ => &r.bank_card,
    }
}

impl<'f> RegisterCheck<'f> {
    /// A check of a register of about `rows` rows under `header`.
    fn new(file: &'f str, header: &Row, rows: usize) -> Result<RegisterCheck<'f>> {
        Ok(RegisterCheck {
            file,
            columns: Columns::from_header(file, header)?,
            records: Vec::with_capacity(rows),
            errors: Vec::new(),
            seen: HashMap::with_capacity(rows),
            first_rows: [(); 2].map(|()| hashbrown::HashTable::with_capacity(rows)),
            keys: std::hash::RandomState::new(),
        })
    }

    fn row(&mut self, row: &Row) {
        if row.cells.iter().all(Cell::is_blank) {
            return;
        }
        let columns = &self.columns;
        let mut check = RowCheck {
            file: self.file,
            columns,
            row,
            errors: Vec::new(),
        };
        let record = check.record();
        // Duplicates are checked on the id alone, so a row with other faults still claims it.
        if let Some(Cell::Text(id)) = columns
            .index
            .get(&(Field::Id as usize))
            .and_then(|(col, _)| row.cells.get(*col))
        {
            let id = id.trim();
            if !id.is_empty() {
                if let Some(first) = self.seen.get(id) {
                    let label = check.label(Field::Id);
                    check.error(crate::tr!(
                        "register-duplicate-id",
                        label = label,
                        id = id,
                        first = *first,
                        line = row.line
                    ));
                } else {
                    self.seen.insert(id.to_string(), row.line);
                }
            }
        }
        // One person heads one household, and a card is paid to one household only: the
        // hash of each value this record is the first to have.
        let mut firsts = [None; 2];
        if let Some(r) = &record {
            for (k, (field, what)) in UNIQUE.into_iter().enumerate() {
                let value = unique_value(field, r);
                if value.is_empty() {
                    continue;
                }
                let hash = self.keys.hash_one(value);
                let records = &self.records;
                let first = self.first_rows[k]
                    .find(hash, |&(_, i)| unique_value(field, &records[i]) == value);
                match first {
                    Some(&(line, other)) => {
                        let label = check.label(field);
                        let shown = match field {
                            Field::IdNumber => mask_id_number(value),
                            _ => mask_bank_card(value),
                        };
                        let other = &records[other].id;
                        check.error(crate::tr!(
                            "register-shared-value",
                            label = label,
                            what = crate::tr!(what),
                            shown = shown,
                            other = other,
                            line = line
                        ));
                    }
                    None => firsts[k] = Some(hash),
                }
            }
        }
        self.errors.append(&mut check.errors);
        if let Some(r) = record {
            let at = self.records.len();
            self.records.push(r);
            let (records, keys) = (&self.records, &self.keys);
            for (k, hash) in firsts.into_iter().enumerate() {
                let Some(hash) = hash else { continue };
                let field = UNIQUE[k].0;
                self.first_rows[k].insert_unique(hash, (row.line, at), |&(_, i)| {
                    keys.hash_one(unique_value(field, &records[i]))
                });
            }
        }
    }

    fn finish(self) -> Result<Vec<HouseholdRecord>> {
        if self.errors.is_empty() {
            Ok(self.records)
        } else {
            Err(Error::Input(self.errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::households::check_digit;

    const EN_HEADER: &str =
        "id,village,name,id_number,members,per_capita_income,category,risk_level,risk_causes,labour,bank_card";
    const ZH_HEADER: &str =
        "户编号,村,户主姓名,身份证号,人口,人均纯收入,类别,风险等级,风险类型,劳动能力,一卡通账号";

    /// A valid ID number for a birth date and sequence number.
    fn id_no(birth: &str, seq: u32) -> String {
        let first = format!("441721{birth}{seq:03}");
        let c = check_digit(&first).unwrap();
        format!("{first}{c}")
    }

    fn csv(text: &str) -> Result<Vec<HouseholdRecord>> {
        read_households_csv(text.as_bytes().to_vec(), "hh.csv", TextEncoding::Auto)
    }

    fn errors(result: Result<Vec<HouseholdRecord>>) -> Vec<(u64, String)> {
        match result {
            Err(Error::Input(errs)) => {
                assert!(errs
                    .iter()
                    .all(|e| e.file == "hh.csv" || e.file.ends_with(".xlsx")));
                errs.into_iter().map(|e| (e.line, e.reason)).collect()
            }
            other => panic!("expected input errors, got {other:?}"),
        }
    }

    fn good_rows() -> String {
        format!(
            "{EN_HEADER}\n\
             H0001,胡荔村,叶建国,{},4,3210.50,脱贫不稳定户,红,因病;因残,无劳动能力,6217995800012345678\n\
             H0002,西一村,刘䶮,{},1,\"5,800\",marginal,黄,因学；务工就业不稳、,weak,\n\
             H0003,西一村,陈某,{},3,12000,,,,,\n",
            id_no("19740312", 11),
            id_no("19860920", 232),
            id_no("19550101", 17),
        )
    }

    #[test]
    fn reads_the_headers_and_categories_that_monitoring_systems_export() {
        let text = format!(
            "序号,户号,所在村,户主,户主身份证号码,家庭人口(人),人均纯收入（元）,监测类型,风险级别,致贫返贫风险,劳动力状况,社保卡号\n\
             1,H0001,胡荔村,叶建国,{},4,\"8,960.00\",突发严重困难人口,红,因病、因学,无劳动力,6217995067313489437\n\
             2,H0002,胡荔村,冯培强,{},3,8960,边缘易致贫,蓝,因残,弱劳动力,\n",
            id_no("19710516", 403),
            id_no("19570213", 349),
        );
        let recs = csv(&text).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].id, "H0001");
        assert_eq!(recs[0].name, "叶建国");
        assert_eq!(recs[0].members, 4);
        assert_eq!(recs[0].per_capita_income, Amount::from_yuan(8960));
        assert_eq!(recs[0].category, Some(Category::Sudden));
        assert_eq!(recs[0].labour, Labour::None);
        assert_eq!(recs[0].bank_card, "6217995067313489437");
        assert_eq!(recs[1].category, Some(Category::Marginal));
        assert_eq!(recs[1].labour, Labour::Weak);
    }

    #[test]
    fn reads_english_header() {
        let recs = csv(&good_rows()).unwrap();
        assert_eq!(recs.len(), 3);
        let r = &recs[0];
        assert_eq!(r.id, "H0001");
        assert_eq!(r.village, "胡荔村");
        assert_eq!(r.name, "叶建国");
        assert_eq!(r.members, 4);
        assert_eq!(r.per_capita_income, Amount::from_fen(321_050));
        assert_eq!(r.category, Some(Category::Unstable));
        assert_eq!(r.risk_level, "红");
        assert_eq!(r.risk_causes, vec!["因病", "因残"]);
        assert_eq!(r.labour, Labour::None);
        assert_eq!(r.bank_card, "6217995800012345678");
        assert_eq!(recs[1].name, "刘䶮");
        assert_eq!(recs[1].per_capita_income, Amount::from_yuan(5800));
        assert_eq!(recs[1].category, Some(Category::Marginal));
        assert_eq!(recs[1].risk_causes, vec!["因学", "务工就业不稳"]);
        assert_eq!(recs[1].labour, Labour::Weak);
        assert_eq!(recs[1].bank_card, "");
        assert_eq!(recs[2].category, None);
        assert_eq!(recs[2].labour, Labour::Full, "empty labour reads as full");
        assert!(recs[2].risk_causes.is_empty());
    }

    #[test]
    fn reads_chinese_header_in_any_order_with_extra_columns() {
        let text = format!(
            " 户主姓名 ,联系电话,户编号,村,身份证号,人口,人均纯收入,类别,家庭住址\n\
             叶建国,13800000000,H0001,胡荔村,{},4,3210.5,突发严重困难户,胡荔村3号\n",
            id_no("19740312", 11)
        );
        let recs = csv(&text).unwrap();
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].name, "叶建国");
        assert_eq!(recs[0].id, "H0001");
        assert_eq!(recs[0].category, Some(Category::Sudden));
        // Optional columns absent: empty values, labour full.
        assert_eq!(recs[0].risk_level, "");
        assert_eq!(recs[0].labour, Labour::Full);
        assert_eq!(recs[0].bank_card, "");
        // English headers match without regard to case, and the two languages mix.
        let mixed = format!(
            "ID,Village,户主姓名,ID_Number,members,人均纯收入,Category\nH1,西一村,李四,{},2,100,\n",
            id_no("19900101", 5)
        );
        assert_eq!(csv(&mixed).unwrap()[0].members, 2);
    }

    #[test]
    fn missing_and_repeated_columns_are_named() {
        let errs = errors(csv(
            "id,村,name,members,category,户编号\nH1,胡荔村,叶,1,,H1\n",
        ));
        assert_eq!(
            errs,
            vec![
                (
                    1,
                    "column 'id' given twice: column 1 'id' and column 6 '户编号'".into()
                ),
                (1, "missing required column 'id_number' (身份证号)".into()),
                (
                    1,
                    "missing required column 'per_capita_income' (人均纯收入)".into()
                ),
            ]
        );
        assert_eq!(
            errors(csv("")),
            vec![(0, "the file is empty: expected a header row".into())]
        );
    }

    #[test]
    fn every_rule_reported_with_its_row() {
        let ok = id_no("19740312", 11);
        let wrong_check = {
            let mut s = id_no("19800101", 123);
            let last = s.pop().unwrap();
            s.push(if last == '0' { '1' } else { '0' });
            s
        };
        let text = format!(
            "{EN_HEADER}\n\
             H0001,胡荔村,叶建国,{ok},4,3210.50,脱贫不稳定户,,,,\n\
             H0001,胡荔村,叶建华,{},2,3000,,,,,\n\
             H0003,胡荔村,张三,{},2,3000,低保户,,,,\n\
             H0004,胡荔村,张四,{wrong_check},2,3000,,,,,\n\
             H0005,胡荔村,张五,4417211980010112,2,3000,,,,,\n\
             H0006,胡荔村,张六,44172119800101123A,2,3000,,,,,\n\
             H0007,胡荔村,张七,{},2,3000,,,,,\n\
             H0008,胡荔村,张八,{},2,-1.00,,,,,\n\
             H0009,胡荔村,张九,{},0,3000,,,,,\n\
             H0010,胡荔村,张十,{},2.5,3000,,,,,\n\
             H0011,胡荔村,张十一,{},2,12.345,,,,,\n\
             H0012,胡荔村,张十二,{},2,abc,,,,,\n\
             ,胡荔村,张十三,{},2,3000,,,,,\n\
             H0014,胡荔村,  ,{},2,3000,,,,,\n\
             H0015,胡荔村,张十五,{},2,3000,,,,不知道,\n\
             H0016,胡荔村,张十六,{},2,,,,,,\n\
             H0017,胡荔村,张十七,,,3000,,,,,\n",
            id_no("19700101", 2),
            id_no("19700101", 3),
            id_no("19701301", 7),
            id_no("19700101", 8),
            id_no("19700101", 9),
            id_no("19700101", 10),
            id_no("19700101", 11),
            id_no("19700101", 12),
            id_no("19700101", 13),
            id_no("19700101", 14),
            id_no("19700101", 15),
            id_no("19700101", 16),
        );
        let expected_check = check_digit(&wrong_check[..17]).unwrap();
        let found_check = wrong_check.chars().last().unwrap();
        let errs = errors(csv(&text));
        let want: Vec<(u64, String)> = vec![
            (3, "id: duplicate household id 'H0001' (rows 2 and 3)".into()),
            (
                4,
                "category: unknown category '低保户' (allowed: 脱贫不稳定户, 边缘易致贫户, \
                 突发严重困难户, 关注户 or empty; also unstable, marginal, sudden, watch)"
                    .into(),
            ),
            (
                5,
                format!(
                    "id_number: ID number has a wrong check digit: last character is \
                     {found_check}, expected {expected_check}"
                ),
            ),
            (
                6,
                "id_number: ID number must have 18 characters, this one has 16".into(),
            ),
            (
                7,
                "id_number: ID number must be 17 digits followed by a digit or X".into(),
            ),
            (
                8,
                "id_number: ID number has an impossible birth date 19701301".into(),
            ),
            (9, "per_capita_income: income -1.00 is negative".into()),
            (
                10,
                "members: household size must be at least 1, found 0".into(),
            ),
            (11, "members: '2.5' is not a whole number of people".into()),
            (
                12,
                "per_capita_income: '12.345' has more than 2 decimals (amounts are yuan to the fen)"
                    .into(),
            ),
            (
                13,
                "per_capita_income: 'abc' is not an amount (expected yuan like 1234.56, \
                 1,234.56 or ¥1,234.56)"
                    .into(),
            ),
            (14, "id is empty".into()),
            (15, "name is empty".into()),
            (
                16,
                "labour: unknown labour capacity '不知道' (accepted: full: \
                 有劳动能力/有/劳动力/普通劳动力/技能劳动力/full/yes; weak: \
                 弱劳动能力/弱/半劳动力/弱劳动力/弱劳动力或半劳动力/weak; none: \
                 无劳动能力/丧失劳动能力/无/无劳动力/丧失劳动力/none/no; empty means full)"
                    .into(),
            ),
            (17, "per_capita_income: amount is empty".into()),
            (18, "id_number: ID number is empty".into()),
            (18, "members: household size is empty".into()),
        ];
        assert_eq!(errs, want);
    }

    #[test]
    fn one_row_reports_all_its_faults_and_blank_rows_are_skipped() {
        let text = format!(
            "{EN_HEADER}\n\
             ,,,\n\
             \n\
             H0001,胡荔村,,441721198001011234,-2,x,其他,,,maybe,\n\
             H0001,胡荔村,叶某,{},1,1,,,,,\n",
            id_no("19800101", 1)
        );
        let errs = errors(csv(&text));
        assert_eq!(
            errs.iter().map(|e| e.0).collect::<Vec<_>>(),
            vec![4, 4, 4, 4, 4, 4, 5]
        );
        assert!(errs[0].1.starts_with("name is empty"));
        assert!(errs[1]
            .1
            .starts_with("id_number: ID number has a wrong check digit"));
        assert!(errs[2]
            .1
            .starts_with("members: household size must be at least 1"));
        assert!(errs[3]
            .1
            .starts_with("per_capita_income: 'x' is not an amount"));
        assert!(errs[4].1.starts_with("category: unknown category '其他'"));
        assert!(errs[5]
            .1
            .starts_with("labour: unknown labour capacity 'maybe'"));
        assert_eq!(
            errs[6].1,
            "id: duplicate household id 'H0001' (rows 4 and 5)"
        );
    }

    #[test]
    fn messages_never_repeat_id_numbers() {
        let errs = errors(csv(&format!(
            "{EN_HEADER}\nH1,胡荔村,叶某,441721198001011234,1,1,,,,,\n"
        )));
        assert!(!errs[0].1.contains("441721198001011234"));
        assert!(!errs[0].1.contains("198001"));
    }

    #[test]
    fn blank_lines_keep_line_numbers() {
        for nl in ["\n", "\r\n"] {
            let text = format!(
                "{EN_HEADER}{nl}{nl}{nl}H1,胡荔村,叶某,x,1,1,,,,,{nl}{nl}H2,胡荔村,叶某,y,1,1,,,,,{nl}{nl}"
            );
            let lines: Vec<u64> = errors(csv(&text)).iter().map(|e| e.0).collect();
            assert_eq!(lines, vec![4, 6], "{nl:?}");
        }
    }

    #[test]
    fn quoted_multiline_cells_keep_line_numbers() {
        let text = format!(
            "{EN_HEADER}\n\
             H0001,\"胡荔\n村\",叶建国,{},4,100,,,,,\n\
             H0002,胡荔村,叶建华,{},4,bad,,,,,\n",
            id_no("19800101", 1),
            id_no("19800101", 2)
        );
        // The line break is refused where it is; the next row keeps its line.
        let errs = errors(csv(&text));
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!(
            errs[0],
            (
                2,
                "village: character 3 is a line break (U+000A), which a stored text may not contain"
                    .to_string()
            )
        );
        assert_eq!(errs[1].0, 4);
    }

    #[test]
    fn csv_with_bom_and_crlf() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(good_rows().replace('\n', "\r\n").as_bytes());
        let recs = read_households_csv(bytes.clone(), "hh.csv", TextEncoding::Auto).unwrap();
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[0].id, "H0001");
        let recs = read_households_csv(bytes.clone(), "hh.csv", TextEncoding::Utf8).unwrap();
        assert_eq!(recs[0].id, "H0001");
    }

    #[test]
    fn gbk_csv_detected_and_explicit() {
        let text = format!(
            "{ZH_HEADER}\nH0001,胡荔村,叶建国,{},4,3210.50,边缘易致贫户,黄,因病、因学,弱劳动能力,\n",
            id_no("19740312", 11)
        );
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&gbk).is_err(), "really GBK bytes");
        for enc in [TextEncoding::Auto, TextEncoding::Gbk] {
            let recs = read_households_csv(gbk.to_vec(), "hh.csv", enc).unwrap();
            assert_eq!(recs[0].name, "叶建国");
            assert_eq!(recs[0].village, "胡荔村");
            assert_eq!(recs[0].category, Some(Category::Marginal));
            assert_eq!(recs[0].risk_causes, vec!["因病", "因学"]);
            assert_eq!(recs[0].labour, Labour::Weak);
        }
        let errs = errors(read_households_csv(
            gbk.to_vec(),
            "hh.csv",
            TextEncoding::Utf8,
        ));
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, 1);
        assert!(
            errs[0].1.starts_with("not valid UTF-8: byte 0xBB at byte offset 0 (if the file was saved as GBK, pass --encoding gbk)"),
            "{}",
            errs[0].1
        );
        // The rare 䶮 (U+4DAE) is outside classic GBK; a GB 18030 export writes it as FE 9F,
        // which the reader's decoder (GB 18030, a superset of GBK) maps back.
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode("户主姓名\n刘䶮\n");
        assert!(!unmappable);
        assert!(bytes.windows(2).any(|w| w == [0xFE, 0x9F]));
        assert_eq!(
            decode(bytes.to_vec(), "hh.csv", TextEncoding::Auto).unwrap(),
            "户主姓名\n刘䶮\n"
        );
        // Bytes that are neither encoding.
        let errs = errors(read_households_csv(
            b"id\xff\xff".to_vec(),
            "hh.csv",
            TextEncoding::Auto,
        ));
        assert_eq!(
            errs,
            vec![(
                1,
                "neither UTF-8 nor GBK/GB 18030 text: byte 0xFF at byte offset 2".to_string()
            )]
        );
    }

    #[test]
    fn encoding_labels() {
        assert_eq!("GBK".parse(), Ok(TextEncoding::Gbk));
        assert_eq!("gb18030".parse(), Ok(TextEncoding::Gbk));
        assert_eq!("UTF8".parse(), Ok(TextEncoding::Utf8));
        assert_eq!("auto".parse(), Ok(TextEncoding::Auto));
        assert!("latin1".parse::<TextEncoding>().is_err());
    }

    fn write_xlsx(path: &Path, rows: &[Vec<XCell>]) {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    XCell::S(s) => {
                        ws.write_string(r, c, *s).unwrap();
                    }
                    XCell::O(s) => {
                        ws.write_string(r, c, s.as_str()).unwrap();
                    }
                    XCell::N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    XCell::E => {}
                }
            }
        }
        wb.save(path).unwrap();
    }

    enum XCell {
        S(&'static str),
        O(String),
        N(f64),
        E,
    }

    #[test]
    fn xlsx_with_chinese_headers() {
        use XCell::*;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("台账.xlsx");
        let header: Vec<XCell> = ZH_HEADER.split(',').map(|h| O(h.to_string())).collect();
        write_xlsx(
            &path,
            &[
                header,
                vec![
                    S("H0001"),
                    S("胡荔村"),
                    S("叶建国"),
                    O(id_no("19740312", 11)),
                    N(4.0),
                    N(3210.5),
                    S("脱贫不稳定户"),
                    S("红"),
                    S("因病；因残"),
                    S("无劳动能力"),
                    S("6217995800012345678"),
                ],
                vec![E, E, E],
                vec![
                    S("H0002"),
                    S("西一村"),
                    S("刘䶮"),
                    O(id_no("19860920", 232)),
                    N(2.0),
                    N(6000.25),
                    E,
                    E,
                    E,
                    S("有劳动能力"),
                    E,
                ],
            ],
        );
        let recs = read_households(&path).unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].members, 4);
        assert_eq!(recs[0].per_capita_income, Amount::from_fen(321_050));
        assert_eq!(recs[0].risk_causes, vec!["因病", "因残"]);
        assert_eq!(recs[0].labour, Labour::None);
        assert_eq!(recs[0].bank_card, "6217995800012345678");
        assert_eq!(recs[1].name, "刘䶮");
        assert_eq!(recs[1].per_capita_income, Amount::from_fen(600_025));
        assert_eq!(recs[1].category, None);
        // The same file is recognised by its bytes under another name.
        let other = dir.path().join("register.dat");
        std::fs::copy(&path, &other).unwrap();
        assert_eq!(read_households(&other).unwrap(), recs);
    }

    #[test]
    fn xlsx_errors_use_spreadsheet_rows() {
        use XCell::*;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.xlsx");
        let header: Vec<XCell> = EN_HEADER.split(',').map(|h| O(h.to_string())).collect();
        write_xlsx(
            &path,
            &[
                header,
                vec![
                    S("H0001"),
                    S("胡荔村"),
                    S("叶建国"),
                    N(441_721_197_403_120_117.0),
                    N(4.0),
                    N(0.1 + 0.2),
                    E,
                    E,
                    E,
                    E,
                    N(6_217_995_800_012_345_678.0),
                ],
                vec![
                    S("H0002"),
                    S("西一村"),
                    S("刘䶮"),
                    O(id_no("19860920", 232)),
                    N(2.5),
                    N(-3.0),
                ],
            ],
        );
        let file = path.display().to_string();
        let errs = match read_households(&path) {
            Err(Error::Input(e)) => e,
            other => panic!("{other:?}"),
        };
        assert!(errs.iter().all(|e| e.file == file));
        let got: Vec<(u64, String)> = errs.into_iter().map(|e| (e.line, e.reason)).collect();
        assert_eq!(
            got,
            vec![
                (
                    2,
                    "id_number: the number has more digits than a spreadsheet keeps exactly \
                     (15); format the column as text and enter it again"
                        .into()
                ),
                (
                    2,
                    "per_capita_income: '0.30000000000000004' has more than 2 decimals \
                     (amounts are yuan to the fen)"
                        .into()
                ),
                (
                    2,
                    "bank_card: the number has more digits than a spreadsheet keeps exactly \
                     (15); format the column as text and enter it again"
                        .into()
                ),
                (3, "members: '2.5' is not a whole number of people".into()),
                (3, "per_capita_income: income -3.00 is negative".into()),
            ]
        );
    }

    #[test]
    fn unreadable_spreadsheet_is_a_file_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("broken.xlsx");
        std::fs::write(&path, b"not a zip").unwrap();
        match read_households(&path) {
            Err(Error::Input(e)) => {
                assert_eq!(e.len(), 1);
                assert_eq!(e[0].line, 0);
                assert!(e[0].reason.starts_with("cannot read the spreadsheet"));
            }
            other => panic!("{other:?}"),
        }
        match read_households(&dir.path().join("absent.csv")) {
            Err(Error::Io { .. }) => {}
            other => panic!("{other:?}"),
        }
    }

    /// The demo town's register, in both forms, reads cleanly and identically.
    #[test]
    fn demo_register_reads() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("ledgers/demo");
        let from_csv = read_households(&dir.join("households.csv")).unwrap();
        let from_xlsx = read_households(&dir.join("households.xlsx")).unwrap();
        assert_eq!(from_csv, from_xlsx);
        let count = |c: Option<Category>| from_csv.iter().filter(|r| r.category == c).count();
        assert_eq!(count(Some(Category::Unstable)), 10);
        assert_eq!(count(Some(Category::Marginal)), 22);
        assert_eq!(count(Some(Category::Sudden)), 4);
        assert!(from_csv.iter().any(|r| r.name.contains('䶮')));
        assert!(from_csv.iter().any(|r| r.village == "胡荔村"
            && r.name.starts_with('叶')
            && r.labour == Labour::None));
    }
}
