use townledger::error::{Error, Result};
use townledger::ledger::AccountKind;
use townledger::report::document::{Cell, Column, Document, Row, Table};
use townledger::report::tr;

use super::{emit, Context, OutputArgs};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// List every account with its code and type.
    List(#[command(flatten)] OutputArgs),
    /// Add an account.
    Add {
        /// Full name, segments joined by ':' (资产:银行存款:储备金专户).
        name: String,
        /// asset, liability, net_assets, income or expense; taken from the top segment if omitted.
        #[arg(long = "type")]
        kind: Option<AccountKind>,
        /// Account code (e.g. 10201); usable wherever a name is.
        #[arg(long)]
        code: Option<String>,
    },
}

pub fn run(ctx: &Context, command: Command) -> Result<i32> {
    match command {
        Command::List(out) => {
            let ledger = ctx.open()?;
            let lang = out.lang;
            let mut doc = Document::new(tr(lang, "会计科目", "Accounts"));
            doc.lang = lang;
            let mut table = Table {
                columns: vec![
                    Column::text("code", tr(lang, "代码", "Code"), 1),
                    Column::text("account", tr(lang, "账户", "Account"), 5),
                    Column::text("type", tr(lang, "类型", "Type"), 1),
                ],
                ..Default::default()
            };
            let mut accounts = ledger.accounts()?;
            accounts.sort_by(|a, b| {
                (a.kind, a.code.is_none(), &a.code, &a.name).cmp(&(
                    b.kind,
                    b.code.is_none(),
                    &b.code,
                    &b.name,
                ))
            });
            for a in accounts {
                table.rows.push(Row::new(vec![
                    a.code.map(Cell::Text).unwrap_or(Cell::Empty),
                    Cell::Text(a.name),
                    Cell::text(a.kind.as_str()),
                ]));
            }
            doc.tables.push(table);
            emit(&doc, &out)?;
            Ok(0)
        }
        Command::Add { name, kind, code } => {
            let kind = kind
                .or_else(|| AccountKind::from_top_segment(&name))
                .ok_or_else(|| {
                    Error::rule(townledger::tr!("accounts-type-unknown", name = &name))
                })?;
            let mut ledger = ctx.open()?;
            let account = ledger.write(&ctx.operator, |w| {
                w.add_account(&name, kind, code.as_deref())
            })?;
            outln!(
                "{}",
                townledger::tr!(
                    "accounts-added",
                    name = &account.name,
                    kind = townledger::tr!(&format!("account-kind-{}", account.kind.as_str()))
                )
            );
            Ok(0)
        }
    }
}
