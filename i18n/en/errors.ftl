rows-nothing-written = { $count ->
    [one] 1 error in input; nothing was written
   *[other] { $count } errors in input; nothing was written
}
