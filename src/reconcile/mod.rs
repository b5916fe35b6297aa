//! Reconciling a fund's bank account with the bank's own statement (银行对账): the statement
//! file as the bank exports it, read into checked bank lines (`statement_file`).

pub mod statement_file;
