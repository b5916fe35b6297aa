//! Failures injected into writes: a write interrupted anywhere, or whose commit is refused,
//! changes nothing and leaves the ledger usable.

use std::path::Path;

use townledger::ledger::chart::VILLAGE_COLLECTIVE_2023;
use townledger::ledger::AccountKind;
use townledger::store::Ledger;

fn charted(path: &Path) -> Ledger {
    let mut ledger = Ledger::create(path).unwrap();
    ledger
        .write("t", |w| {
            for (code, name, kind) in VILLAGE_COLLECTIVE_2023 {
                w.add_account(name, *kind, Some(code))?;
            }
            Ok(())
        })
        .unwrap();
    ledger
}

#[test]
fn an_interrupt_anywhere_in_a_small_write_leaves_the_ledger_usable() {
    // The first instructions of a write are its BEGIN: an interrupt reported as BEGIN ends
    // must not leave the transaction open.
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = charted(&dir.path().join("p.db"));
    let before = ledger.content_digest().unwrap();
    let mut ops = 1;
    loop {
        let fault = ledger.interrupt_after(ops).unwrap();
        let result = ledger.write("t", |w| {
            w.add_account("资产:银行存款:基本户", AccountKind::Asset, None)
        });
        let report = ledger.disarm(fault).unwrap();
        assert!(ledger.is_idle(), "interrupted after {ops} instructions");
        if !report.fired {
            result.unwrap();
            break;
        }
        assert!(result.is_err());
        assert_eq!(ledger.content_digest().unwrap(), before, "after {ops}");
        ops += 1;
    }
    assert!(ops > 10, "{ops}");
}
