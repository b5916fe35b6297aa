rows-nothing-written = 共 { $count } 处错误，未写入任何内容
rows-more = ……另有 { $count } 处
error-line = 错误：{ $message }
error-busy = 账套 { $ledger } 正忙：另一个 townledger 进程正在写入；请稍后再试
error-database = 账套数据库：{ $reason }
error-wrong-type = 所存的一个值类型不对（{ $reason }）：账套在 townledger 之外被改动过
