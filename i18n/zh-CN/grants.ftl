# 防止返贫储备金临时救助：三关审核（townledger grant …）。

## 帮助

help-grant = 防止返贫储备金临时救助（三关审核）：申请、审核、发放、列表
help-grant-apply = 为一户申请临时救助；最后一行单独打印救助编号（G1、G2 …）
help-grant-apply-household = 农户（名册中的户编号）
help-grant-apply-fund = 支付的储备金，可用代号、别名、名称或科目（储备金）
help-grant-apply-amount = 申请金额，元（不超过损失的规定比例和单笔上限）
help-grant-apply-cause = 原因（因病、因灾、因意外、因学、因残、因失业 …）
help-grant-apply-loss = 农户的损失，元
help-grant-apply-note = 情况说明（写入发放凭证的摘要）
help-grant-apply-date = 申请日期（默认今天）
help-grant-review = 登记一关的审核结论：--pass 通过，或 --reject 驳回并给出 --reason（驳回即终止）
help-grant-review-grant = 救助编号（G1、G2 …）
help-grant-review-all-pending = 不指定编号：在此关等待的全部救助（全部登记或一个不登记）
help-grant-review-gate = 关卡：village（村级核实）、data（部门数据比对）或 sector（行业稽核），依次审核
help-grant-review-pass = 本关审核通过
help-grant-review-reject = 本关驳回（须有 --reason）；救助终止
help-grant-review-by = 审核人（申请人不得审核；同一救助的两关不得由同一人通过）
help-grant-review-reason = 驳回理由
help-grant-review-note = 审核意见
help-grant-review-date = 审核日期（默认今天）
help-grant-pay = 发放已通过各关的救助：从该资金的银行账户支付，一张凭证
help-grant-pay-grant = 救助编号（G1、G2 …）
help-grant-pay-all-passed = 不指定编号：发放所有已通过各关、尚未发放的救助（全部发放或一个不发）
help-grant-pay-date = 发放日期（默认今天）
help-grant-pay-by = 发放人（默认为操作员）；不得是申请人或任何一关的审核人
help-grant-list = 全部救助：农户、资金、金额、原因、损失、状态、已过关卡、发放凭证
help-grant-list-status = 只列此状态的救助：pending（待审核）、passed（已通过）、rejected（已驳回）或 paid（已发放）
help-grant-show = 一项救助：申请、各关结论（审核人、日期、意见）、发放凭证
help-grant-show-grant = 救助编号（G1、G2 …）
help-grant-import = 从 CSV 或 XLSX 文件批量申请（户编号、资金、金额、原因、损失、说明）；列出每一处错误，有错则不写入
help-grant-import-file = 申请文件（.csv 或 .xlsx）
help-grant-import-date = 申请日期（默认今天）
help-grant-import-encoding = CSV 的编码：utf-8 或 gbk；不给则自动识别
help-bench-grants = 改为测量临时救助：导入这么多份申请，依次通过三关并发放

## 关卡、状态、规则

grant-gate-label = { $name }
grant-gate-unknown = 未知关卡 “{ $gate }”（关卡：{ $known }）
grant-status-unknown = 未知状态 “{ $status }”（{ $known }）
grant-rules-empty = 救助规则没有列出任何 { $key }
grant-rules-gate-twice = 救助规则两次列出关卡 { $gate }
grant-rules-share-range = share_of_loss { $share } 须大于 0% 且不超过 100%
grant-rules-cap-range = { $key } 须大于 0.00（不能是 { $cap }）
grant-rules-share-text = “{ $text }” 不是比例（写作 "15%" 或 "0.15"）
grant-rules-share-expected = 以文字写的比例："15%" 或 "0.15"
grant-rules-amount-expected = 金额（元）："5000"、"5,000.00" 或 5000
grant-rules-invalid = 资金 { $fund } 的救助规则：{ $reason }
grant-id-bad = “{ $text }” 不是救助编号（G1、G2 …）
grant-not-found = 没有救助 { $grant }（救助按申请先后编号 G1、G2 …）
grant-unreadable = 救助记录无法读取（{ $what }）：账簿在 townledger 之外被改动过

## 申请

grant-field-household = 户编号
grant-field-cause = 原因
grant-field-note = 说明
grant-field-reason = 驳回理由（--reason）
grant-field-reviewer = 审核人（--by）
grant-field-payer = 发放人（--by 或操作员）
grant-fund-unknown = 没有名为 “{ $fund }” 的资金（储备金：{ $known }）
grant-fund-not-reserve = 资金 { $fund }（{ $name }）是 { $kind } 类资金：临时救助只从储备金支付
grant-fund-gone = 救助 { $grant }：其资金 { $fund } 已不在登记之中
grant-household-unknown = 农户 { $household } 不在监测户名册中
grant-category-ineligible = 农户 { $household } 属于{ $category }：{ $fund }的救助只给{ $allowed }
grant-category-none = 不属于任何监测类别
grant-cause-ineligible = 原因 “{ $cause }” 不在{ $fund }的救助范围内（{ $causes }）
grant-amount-not-positive = 金额须大于 0.00（不能是 { $amount }）
grant-loss-not-positive = 损失须大于 0.00（不能是 { $loss }）
grant-cap-per-grant = { $amount } 超过损失 { $loss } 可得的上限：每笔救助不超过损失的 { $share }，且不超过 { $max }，此处为 { $cap }
grant-over-year-cap = { $amount } 超过每户每年可得的上限（{ $max }）
grant-date-future = 日期 { $date } 晚于今天（{ $today }）
grant-applied = 救助 { $grant }：{ $household } 申请从{ $fund }救助 { $amount }（{ $cause }，损失 { $loss }）；审核关卡：{ $gates }
grant-imported = 已申请 { $count } 项救助：{ $first } 至 { $last }
grant-import-empty = 文件中没有申请
grant-import-unreadable-row = 无法读取的行：{ $reason }
grant-import-missing-column = 缺少列 “{ $name }”（{ $chinese }）
grant-import-inexact = { $field }：此单元格中的数字过长，无法精确保存（请将单元格设为文本）
grant-import-cell-error = { $field }：单元格为错误值 { $error }

## 审核

grant-review-needs-by = 须写明审核人（--by）
grant-reject-needs-reason = 驳回须写明理由（--reason）
grant-paid-already = 救助 { $grant } 已发放（凭证 { $voucher }，{ $date }）
grant-rejected-ended = 救助 { $grant } 已在{ $gate }关被 { $by } 驳回（{ $reason }）：驳回即终止
grant-gate-not-required = 救助 { $grant } 不经过{ $gate }关（其关卡：{ $gates }）
grant-gate-decided = 救助 { $grant } 的{ $gate }关已审核，审核人 { $by }，日期 { $on }
grant-gate-order = 救助 { $grant } 的{ $gate }关须在{ $before }关之后，而{ $before }关尚未通过：各关依次审核
grant-applicant-reviews = { $by } 是救助 { $grant } 的申请人：申请人不得审核
grant-same-reviewer = { $by } 已通过救助 { $grant } 的{ $gate }关：同一救助的两关不得由同一人通过
grant-review-before-gate = 救助 { $grant } 的{ $gate }关不能在 { $on } 审核：早于{ $before }关通过的日期 { $date }
grant-review-before-application = 救助 { $grant } 的{ $gate }关不能在 { $on } 审核：早于申请日期 { $date }
grant-none-waiting = 没有在{ $gate }关等待审核的救助
grant-refused-more = …… 另有 { $count } 项
grant-reviewed-next = 救助 { $grant }：{ $gate }关由 { $by } 于 { $on } 审核通过；下一关：{ $next }
grant-reviewed-all = 救助 { $grant }：{ $gate }关由 { $by } 于 { $on } 审核通过；各关均已通过，可以发放
grant-reviewed-rejected = 救助 { $grant }：{ $gate }关由 { $by } 于 { $on } 驳回（{ $reason }）；救助终止
grant-reviewed-many = { $count } 项救助的{ $gate }关由 { $by } 于 { $on } { $passed ->
    [true] 审核通过
   *[false] 驳回
}

## 发放

grant-pay-needs-by = 须写明发放人（--by 或操作员）
grant-none-passed = 没有已通过各关、等待发放的救助
grant-not-passed = 救助 { $grant } 不能发放：{ $gate }关尚未通过
grant-payer-reviewer = { $payer } 审核通过了救助 { $grant } 的{ $gate }关：发放人不得是审核人
grant-pay-too-early = 救助 { $grant } 不能在 { $date } 发放：早于其{ $gate }关通过的日期（{ $on }）
grant-cap-household-year = 救助 { $grant }：农户 { $household } 在 { $year } 年已领取救助 { $paid }，再加 { $amount } 超过每户每年上限（{ $max }）
grant-paid = 救助 { $grant }：{ $date } 从 { $bank } 向 { $household } 发放 { $amount }，凭证 { $voucher }
reverse-grant-passed-again = 救助 { $grant } 恢复为已通过，可再次发放（款项退回）
reverse-grant-reversal = { $voucher } 冲销的是救助 { $grant } 的发放凭证 { $original }：请重新发放该救助（townledger grant pay { $grant }）
bench-grants-run = 临时救助：{ $households } 户符合条件的农户，{ $grants } 份申请；发放 { $paid } 项

## 示例镇

demo-grant-paid = 储备金救助 { $grant }：{ $household } 于 { $applied } 由 { $applicant } 申请 { $amount } 元（{ $cause }，损失 { $loss } 元）；审核：{ $gates }；{ $date } 由 { $payer } 从 { $bank } 发放，凭证 { $voucher }
demo-grant-rejected = 救助 { $grant }：{ $household } 于 { $applied } 申请 { $amount } 元（{ $cause }，损失 { $loss } 元）；{ $on } 在{ $gate }关被 { $by } 驳回（{ $reason }）
