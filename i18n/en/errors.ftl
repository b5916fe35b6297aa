rows-nothing-written = { $count ->
    [one] 1 error in input; nothing was written
   *[other] { $count } errors in input; nothing was written
}
rows-more = … and { $count } more
error-line = error: { $message }
error-busy = the ledger { $ledger } is busy: another townledger process is writing to it; try again in a moment
error-database = ledger database: { $reason }
error-wrong-type = a stored value has the wrong type ({ $reason }): the ledger was altered outside townledger
