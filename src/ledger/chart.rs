//! The standard chart that `init` seeds: the village collective economic organisation
//! accounting system of 2023 (村集体经济组织会计制度, 财会〔2023〕14号, in force from 2024-01-01).
//!
//! Names are `type:科目名称` so the hierarchy reads naturally (`资产:银行存款`), codes are the
//! system's 3-digit codes; sub-accounts (`资产:银行存款:储备金专户`) are added by users.

use super::account::AccountKind;

/// (code, name, type) of every account in the standard chart, in the system's order.
pub const VILLAGE_COLLECTIVE_2023: &[(&str, &str, AccountKind)] = &[
    ("101", "资产:库存现金", AccountKind::Asset),
    ("102", "资产:银行存款", AccountKind::Asset),
    ("111", "资产:短期投资", AccountKind::Asset),
    ("112", "资产:应收款", AccountKind::Asset),
    ("113", "资产:坏账准备", AccountKind::Asset),
    ("121", "资产:库存物资", AccountKind::Asset),
    ("131", "资产:消耗性生物资产", AccountKind::Asset),
    ("132", "资产:生产性生物资产", AccountKind::Asset),
    ("133", "资产:生产性生物资产累计折旧", AccountKind::Asset),
    ("134", "资产:公益性生物资产", AccountKind::Asset),
    ("141", "资产:长期投资", AccountKind::Asset),
    ("151", "资产:固定资产", AccountKind::Asset),
    ("152", "资产:累计折旧", AccountKind::Asset),
    ("153", "资产:在建工程", AccountKind::Asset),
    ("154", "资产:固定资产清理", AccountKind::Asset),
    ("161", "资产:无形资产", AccountKind::Asset),
    ("162", "资产:累计摊销", AccountKind::Asset),
    ("171", "资产:长期待摊费用", AccountKind::Asset),
    ("181", "资产:待处理财产损溢", AccountKind::Asset),
    ("201", "负债:短期借款", AccountKind::Liability),
    ("211", "负债:应付款", AccountKind::Liability),
    ("212", "负债:应付工资", AccountKind::Liability),
    ("213", "负债:应付劳务费", AccountKind::Liability),
    ("214", "负债:应交税费", AccountKind::Liability),
    ("221", "负债:长期借款及应付款", AccountKind::Liability),
    ("241", "负债:专项应付款", AccountKind::Liability),
    ("301", "净资产:资本", AccountKind::NetAssets),
    ("311", "净资产:公积公益金", AccountKind::NetAssets),
    ("321", "净资产:本年收益", AccountKind::NetAssets),
    ("322", "净资产:收益分配", AccountKind::NetAssets),
    ("401", "支出:生产（劳务）成本", AccountKind::Expense),
    ("501", "收入:经营收入", AccountKind::Income),
    ("502", "收入:投资收益", AccountKind::Income),
    ("503", "收入:补助收入", AccountKind::Income),
    ("504", "收入:其他收入", AccountKind::Income),
    ("511", "支出:经营支出", AccountKind::Expense),
    ("512", "支出:税金及附加", AccountKind::Expense),
    ("513", "支出:管理费用", AccountKind::Expense),
    ("514", "支出:公益支出", AccountKind::Expense),
    ("515", "支出:其他支出", AccountKind::Expense),
    ("521", "支出:所得税费用", AccountKind::Expense),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::account::validate_account_name;

    #[test]
    fn chart_is_consistent() {
        let mut codes = std::collections::HashSet::new();
        for (code, name, kind) in VILLAGE_COLLECTIVE_2023 {
            assert!(codes.insert(code), "duplicate code {code}");
            validate_account_name(name).unwrap();
            assert_eq!(AccountKind::from_top_segment(name), Some(*kind), "{name}");
        }
        for (code, name) in [
            ("101", "资产:库存现金"),
            ("102", "资产:银行存款"),
            ("241", "负债:专项应付款"),
            ("514", "支出:公益支出"),
        ] {
            assert!(VILLAGE_COLLECTIVE_2023
                .iter()
                .any(|(c, n, _)| *c == code && *n == name));
        }
    }
}
