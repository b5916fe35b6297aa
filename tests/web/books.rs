//! The books: a register's pages and the trial balance.

use super::*;

/// A register page is the same postings and running balances as the whole register's slice.
#[test]
fn a_register_page_is_the_slice_of_the_whole_register() {
    let demo = Demo::new();
    let ledger = townledger::store::Ledger::open(&demo.ledger()).expect("open");
    let accounts = ledger.account_and_descendants("资产").expect("accounts");
    let whole =
        townledger::report::register::register(&ledger, "资产", None, None).expect("register");
    let all: Vec<_> = (0..whole.lines.len())
        .map(|i| whole.lines.line(i).expect("line"))
        .collect();
    assert!(all.len() > 120, "{}", all.len());
    for (offset, limit) in [
        (0, 50),
        (50, 50),
        (100, 1000),
        (all.len() - 1, 10),
        (all.len(), 10),
    ] {
        let page = ledger
            .register_page(&accounts, None, None, offset, limit)
            .expect("page");
        assert_eq!(page.total, all.len());
        let end = (offset + limit).min(all.len());
        assert_eq!(page.lines, all[offset..end].to_vec(), "{offset}+{limit}");
        let before = if offset == 0 {
            townledger::Amount::ZERO
        } else {
            all[offset - 1].running
        };
        assert_eq!(page.opening, before);
    }
}

/// The trial balance page is drawn again after any write: never a page of books since changed.
#[test]
fn the_trial_balance_page_follows_every_write() {
    let demo = Demo::new();
    let server = demo.serve();
    let reader = sign_in(&server, "督查周", demo.password("督查周"))
        .ok()
        .expect("signed in");
    let get = || {
        http(
            "GET",
            &server.url("/balance"),
            &[("Cookie", &reader.cookie)],
            b"",
        )
        .body
    };
    let before = get();
    assert_eq!(before, get());
    let vouchers = demo.town.write(
        "v.csv",
        "txn_id,date,account,amount,memo\nW1,2025-01-20,资产:库存现金,9876.54,测试\nW1,2025-01-20,收入:其他收入,-9876.54,测试\n",
    );
    demo.town
        .run(&[
            "--ledger",
            LEDGER,
            "import",
            "postings",
            vouchers.to_str().unwrap(),
        ])
        .ok();
    // 库存现金's debits of the year: 7,000.00 before, 16,876.54 after.
    let after = get();
    assert_ne!(before, after);
    assert!(
        !before.contains("16,876.54") && after.contains("16,876.54"),
        "{after}"
    );
}
