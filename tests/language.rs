//! townledger speaks Chinese by default and English with `--lang en` (or `TOWNLEDGER_LANG=en`):
//! errors keep their `FILE:LINE: reason` shape in both, rule refusals and usage errors keep
//! their exit codes, and the help is the catalog's.

mod common;

use common::{Run, Town};

/// Run `args` with no language set (the default) or with `TOWNLEDGER_LANG` set to `lang`.
fn run(town: &Town, lang: Option<&str>, args: &[&str]) -> Run {
    let mut cmd = town.cmd();
    match lang {
        Some(l) => cmd.env("TOWNLEDGER_LANG", l),
        None => cmd.env_remove("TOWNLEDGER_LANG"),
    };
    let o = cmd.args(args).output().expect("run");
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn chinese(town: &Town, args: &[&str]) -> Run {
    run(town, None, args)
}

fn english(town: &Town, args: &[&str]) -> Run {
    let mut all = vec!["--lang", "en"];
    all.extend_from_slice(args);
    run(town, None, &all)
}

#[track_caller]
fn has(text: &str, expected: &str) {
    assert!(text.contains(expected), "expected {expected:?} in:\n{text}");
}

const BAD: &str = "txn_id,date,account,amount,memo\n\
    A1,2024-01-01,资产:库存现金,10,x\n\
    A1,2024-01-01,收入:其他收入,-10,x\n\
    A2,2024-13-01,资产:库存现金,10,x\n\
    A2,2024-13-01,收入:其他收入,-10,x\n\
    A3,2024-01-02,资产:库存现金,5,x\n\
    A3,2024-01-02,收入:其他收入,-4,x\n";

#[test]
fn input_errors_keep_file_line_reason_in_both_languages() {
    let town = Town::new();
    town.write("v.csv", BAD);
    let zh = chinese(&town, &["import", "postings", "v.csv"]).fails(1);
    has(&zh.stderr, "v.csv:4: “2024-13-01” 不是有效的日历日期");
    has(&zh.stderr, "v.csv:6: 凭证 A3 借贷不平");
    assert!(
        zh.stderr
            .trim_end()
            .ends_with("共 3 处错误，未写入任何内容"),
        "{}",
        zh.stderr
    );
    let en = english(&town, &["import", "postings", "v.csv"]).fails(1);
    has(
        &en.stderr,
        "v.csv:4: '2024-13-01' is not a valid calendar date",
    );
    has(&en.stderr, "v.csv:6: transaction A3 does not balance");
    assert!(
        en.stderr
            .trim_end()
            .ends_with("3 errors in input; nothing was written"),
        "{}",
        en.stderr
    );
    // The environment says the same as the flag.
    let env = run(&town, Some("en"), &["import", "postings", "v.csv"]).fails(1);
    assert_eq!(env.stderr, en.stderr);
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), 0);
}

#[test]
fn rule_refusals_in_both_languages() {
    let town = Town::new();
    let zh = chinese(&town, &["accounts", "add", "杂项:其他"]).fails(1);
    assert_eq!(
        zh.stderr.trim_end(),
        "错误：无法从一级科目判断 “杂项:其他” 的类型：请给出 --type"
    );
    let en = english(&town, &["accounts", "add", "杂项:其他"]).fails(1);
    assert_eq!(
        en.stderr.trim_end(),
        "error: cannot tell the type of '杂项:其他' from its top segment: pass --type"
    );
    let zh = chinese(&town, &["reverse", "2024-01-0001", "--reason", "错账"]).fails(1);
    has(&zh.stderr, "错误：账套中没有凭证 2024-01-0001");
    let en = english(&town, &["reverse", "2024-01-0001", "--reason", "x"]).fails(1);
    has(&en.stderr, "error: no voucher 2024-01-0001 in the ledger");
}

#[test]
fn success_lines_in_both_languages() {
    let town = Town::empty();
    let zh = chinese(&town, &["init"]).ok();
    has(&zh.stdout, "已新建账套 townledger.db");
    let zh = chinese(&town, &["accounts", "add", "资产:银行存款:新户"]).ok();
    assert_eq!(
        zh.stdout.trim_end(),
        "已新增科目 资产:银行存款:新户（资产）"
    );
    let en = english(&town, &["accounts", "add", "资产:银行存款:另户"]).ok();
    assert_eq!(
        en.stdout.trim_end(),
        "added account 资产:银行存款:另户 (asset)"
    );
    town.write("v.csv", &BAD[..BAD.find("A2").unwrap()]);
    let zh = chinese(&town, &["import", "postings", "v.csv", "--dry-run"]).ok();
    has(&zh.stdout, "v.csv：试运行：将过账 1 笔凭证");
    let zh = chinese(&town, &["import", "postings", "v.csv"]).ok();
    has(&zh.stdout, "v.csv：已过账 1 笔凭证、2 条分录");
    let zh = chinese(&town, &["verify"]).ok();
    has(&zh.stdout, "通过：1 笔凭证、2 条分录");
    let en = english(&town, &["verify"]).ok();
    has(&en.stdout, "ok: 1 transactions, 2 postings");
}

#[test]
fn help_in_both_languages() {
    let town = Town::empty();
    let zh = chinese(&town, &["--help"]).ok();
    has(&zh.stdout, "防返贫资金复式记账");
    has(&zh.stdout, "用法：townledger");
    has(&zh.stdout, "命令:");
    has(&zh.stdout, "选项:");
    has(&zh.stdout, "显示帮助");
    let en = english(&town, &["--help"]).ok();
    has(
        &en.stdout,
        "Double-entry ledger for anti-poverty-return funds",
    );
    has(&en.stdout, "Usage: townledger");

    let zh = chinese(&town, &["allocate", "plan", "--help"]).ok();
    has(&zh.stdout, "测算一个分配批次");
    has(&zh.stdout, "分配方案文件（TOML）");
    let en = english(&town, &["allocate", "plan", "--help"]).ok();
    has(&en.stdout, "The policy file (TOML)");

    // Defaults, environment variables and possible values in the help's own language.
    let zh = chinese(&town, &["balance", "--help"]).ok();
    has(
        &zh.stdout,
        "默认：townledger.db；环境变量：TOWNLEDGER_LEDGER",
    );
    has(&zh.stdout, "可选：cn, plain");
    assert!(!zh.stdout.contains("[default:"), "{}", zh.stdout);
    assert!(!zh.stdout.contains("[env:"), "{}", zh.stdout);
    let en = english(&town, &["balance", "--help"]).ok();
    has(
        &en.stdout,
        "[default: townledger.db] [env: TOWNLEDGER_LEDGER]",
    );

    // Every export format has a line of its own.
    let zh = chinese(&town, &["export", "--help"]).ok();
    for line in [
        "ledger     hledger",
        "beancount  Beancount",
        "csv        `import postings`",
    ] {
        has(&zh.stdout, line);
    }
    has(&zh.stdout, "-o, --out");

    // The Chinese headers a voucher file may have.
    let zh = chinese(&town, &["import", "postings", "--help"]).ok();
    for header in [
        "凭证号",
        "日期",
        "科目",
        "金额",
        "借方",
        "贷方",
        "摘要",
        "户编号",
    ] {
        has(&zh.stdout, header);
    }

    // One household's statement offers no batch options; the batches do.
    let one = chinese(&town, &["statement", "household", "--help"]).ok();
    assert!(!one.stdout.contains("--threads"), "{}", one.stdout);
    has(&one.stdout, "-o, --out");
    let village = chinese(&town, &["statement", "village", "--help"]).ok();
    has(&village.stdout, "--threads");

    // `help COMMAND` is the command's help.
    let zh = chinese(&town, &["help", "verify"]).ok();
    has(&zh.stdout, "重新核算两条审计链");
}

#[test]
fn usage_errors_in_both_languages_exit_2() {
    let town = Town::empty();
    let zh = chinese(&town, &["allocate", "plan", "--fund", "631"]).fails(2);
    has(&zh.stderr, "错误：缺少必需的参数：--policy <POLICY>");
    has(&zh.stderr, "用法：townledger allocate plan");
    let en = english(&town, &["allocate", "plan", "--fund", "631"]).fails(2);
    has(
        &en.stderr,
        "error: the following required arguments were not provided",
    );
    let zh = chinese(&town, &["balans"]).fails(2);
    has(&zh.stderr, "错误：无法识别的命令 “balans”");
    has(&zh.stderr, "balance");
    let zh = chinese(&town, &["balance", "--as-of", "2024-02-30"]).fails(2);
    has(&zh.stderr, "“2024-02-30” 不是有效的日历日期");
    let zh = chinese(&town, &["--lang", "fr", "verify"]).fails(2);
    has(&zh.stderr, "未知语言 “fr”");
}

/// The report printed keeps the language asked for on the command line; the environment
/// sets the messages only.
#[test]
fn reports_follow_lang_on_the_command_line() {
    let town = Town::new();
    let zh = run(&town, Some("en"), &["accounts", "list"]).ok();
    has(&zh.stdout, "会计科目");
    let en = english(&town, &["accounts", "list"]).ok();
    has(&en.stdout, "Accounts");
}
