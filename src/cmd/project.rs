use townledger::error::Result;
use townledger::funds::project::{
    add_project, added_lines, parse_money, parse_rate, NewProject, ProjectKind,
};
use townledger::report::document::{Align, Cell, Column, Document, Row, Table};
use townledger::report::tr;

use super::{emit, Context, OutputArgs};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Add an industry project and its income account 收入:投资收益:<name>.
    Add(AddArgs),
    /// List the projects with their investment, rate and expected yearly income.
    List(#[command(flatten)] OutputArgs),
}

#[derive(clap::Args, Debug)]
pub struct AddArgs {
    /// Project id: lower-case ASCII letters, digits, '-' or '_' (oyster).
    pub id: String,
    /// Chinese name (程村蚝养殖与加工); names the income account.
    #[arg(long)]
    pub name: String,
    /// Amount invested, yuan (1130000 or 1,130,000.00).
    #[arg(long)]
    pub invested: String,
    /// Expected annual rate: dividend or rent ÷ investment (0.12 or 12%).
    #[arg(long)]
    pub rate: String,
    /// The owning village or the town; the town if omitted.
    #[arg(long)]
    pub owner: Option<String>,
    /// dividend or rent.
    #[arg(long, default_value = "dividend")]
    pub kind: ProjectKind,
}

pub fn run(ctx: &Context, command: Command) -> Result<i32> {
    match command {
        Command::Add(args) => {
            let new = NewProject {
                invested: parse_money("--invested", &args.invested)?,
                rate: parse_rate(&args.rate).map_err(|e| {
                    townledger::Error::rule(townledger::tr!(
                        "option-refused",
                        option = "--rate",
                        reason = e.to_string()
                    ))
                })?,
                id: args.id,
                name: args.name,
                owner: args.owner,
                kind: args.kind,
            };
            let mut ledger = ctx.open()?;
            let project = ledger.write(&ctx.operator, |w| add_project(w, &new))?;
            for line in added_lines(&project) {
                outln!("{line}");
            }
            Ok(0)
        }
        Command::List(out) => {
            let ledger = ctx.open()?;
            let lang = out.lang;
            let mut doc = Document::new(tr(lang, "产业项目", "Projects"));
            doc.lang = lang;
            let mut table = Table {
                columns: vec![
                    Column::text("id", tr(lang, "项目", "Project"), 2),
                    Column::text("name", tr(lang, "项目名称", "Name"), 4),
                    Column::text("owner", tr(lang, "所属", "Owner"), 2),
                    Column::text("kind", tr(lang, "类型", "Kind"), 1),
                    Column::money("invested", tr(lang, "投资额", "Invested")),
                    Column::new("rate", tr(lang, "收益率", "Rate"), Align::Right, 1),
                    Column::money("expected", tr(lang, "年应收", "Expected a year")),
                    Column::text("account", tr(lang, "收入科目", "Income account"), 5),
                ],
                ..Default::default()
            };
            for p in ledger.projects()? {
                table.rows.push(Row::new(vec![
                    Cell::text(p.id.clone()),
                    Cell::text(p.name.clone()),
                    Cell::text(p.owner.clone()),
                    Cell::text(p.kind.as_str()),
                    Cell::Money(p.invested),
                    Cell::text(p.rate.to_string()),
                    Cell::Money(p.expected()),
                    Cell::text(p.account.clone()),
                ]));
            }
            doc.tables.push(table);
            emit(&doc, &out)?;
            Ok(0)
        }
    }
}
