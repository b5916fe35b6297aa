//! Signed checkpoints: the office signs the ledger's head with a key kept outside the ledger.
//!
//! The audit chains are plain SHA-256: whoever can write the file and knows the canonical form
//! could rebuild them whole. A checkpoint is an Ed25519 signature over the ledger's head at a
//! point of its two chains; `verify --public-key office.pub` recomputes the head at every
//! checkpoint and checks the signature, so a rebuilt chain is caught back to the last signed
//! head. The secret key never enters the ledger.

use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use crate::audit;
use crate::error::{Error, Result};
use crate::store::{Checkpoint, Ledger};

const SECRET_HEADER: &str = "townledger ed25519 secret key";
const PUBLIC_HEADER: &str = "townledger ed25519 public key";

/// The file holding a key's public half: `office.key` → `office.pub`.
pub fn public_path(key: &Path) -> PathBuf {
    if key.extension().is_some_and(|e| e == "key") {
        key.with_extension("pub")
    } else {
        let mut p = key.as_os_str().to_owned();
        p.push(".pub");
        PathBuf::from(p)
    }
}

/// Write a new key pair: the secret key to `path` (readable by its owner only) and the public
/// key beside it. Refuses to overwrite either file. Returns the public key's path and hex.
pub fn new_key(path: &Path) -> Result<(PathBuf, String)> {
    let public = public_path(path);
    for p in [path, public.as_path()] {
        if p.exists() {
            return Err(Error::rule(crate::tr!("key-exists", path = p.display())));
        }
    }
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed)
        .map_err(|e| Error::io(path, std::io::Error::other(e.to_string())))?;
    let key = SigningKey::from_bytes(&seed);
    let public_hex = hex::encode(key.verifying_key().as_bytes());
    write_new(
        path,
        &format!("{SECRET_HEADER}\n{}\n", hex::encode(seed)),
        true,
    )?;
    write_new(&public, &format!("{PUBLIC_HEADER}\n{public_hex}\n"), false)?;
    Ok((public, public_hex))
}

fn write_new(path: &Path, text: &str, secret: bool) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut file = options.open(path).map_err(|e| Error::io(path, e))?;
    file.write_all(text.as_bytes())
        .map_err(|e| Error::io(path, e))
}

/// The 32 bytes in a key file after its header line.
fn read_key_bytes(path: &Path, header: &str) -> Result<[u8; 32]> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let bad = || {
        Error::rule(crate::tr!(
            "key-file-invalid",
            path = path.display(),
            header = header
        ))
    };
    if lines.next() != Some(header) {
        return Err(bad());
    }
    let bytes = lines
        .next()
        .and_then(|l| hex::decode(l).ok())
        .ok_or_else(bad)?;
    bytes.try_into().map_err(|_| bad())
}

pub fn read_signing_key(path: &Path) -> Result<SigningKey> {
    Ok(SigningKey::from_bytes(&read_key_bytes(
        path,
        SECRET_HEADER,
    )?))
}

/// A public key file's key, as hex.
pub fn read_public_key(path: &Path) -> Result<String> {
    let bytes = read_key_bytes(path, PUBLIC_HEADER)?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| Error::rule(crate::tr!("key-public-invalid", path = path.display())))?;
    Ok(hex::encode(bytes))
}

/// What a checkpoint's signature covers: the head, where it stands in each chain, and when.
pub fn message(head: &str, journal_length: i64, records_length: i64, signed_at: &str) -> String {
    format!(
        "townledger checkpoint v1\nhead {head}\njournal {journal_length}\nrecords {records_length}\nsigned {signed_at}\n"
    )
}

/// Whether `c`'s signature is valid under its own public key.
pub fn signature_holds(c: &Checkpoint) -> bool {
    let Some(key) = hex::decode(&c.public_key)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
    else {
        return false;
    };
    let Some(signature) = hex::decode(&c.signature)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b))
    else {
        return false;
    };
    let text = message(&c.head, c.journal_length, c.records_length, &c.signed_at);
    key.verify_strict(text.as_bytes(), &signature).is_ok()
}

/// A short name for a public key: its first 8 bytes in hex.
pub fn key_id(public_hex: &str) -> &str {
    &public_hex[..16.min(public_hex.len())]
}

/// Verify the ledger, then sign its head with the key in `key_path` and store the checkpoint.
pub fn create(ledger: &mut Ledger, key_path: &Path, operator: &str) -> Result<Checkpoint> {
    let key = read_signing_key(key_path)?;
    let verified = audit::verify(ledger)?;
    let signed_at = chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string();
    let text = message(
        &verified.head,
        verified.transactions,
        verified.records,
        &signed_at,
    );
    let mut c = Checkpoint {
        id: 0,
        journal_length: verified.transactions,
        records_length: verified.records,
        head: verified.head.clone(),
        public_key: hex::encode(key.verifying_key().as_bytes()),
        signature: hex::encode(key.sign(text.as_bytes()).to_bytes()),
        signed_at,
        operator: operator.to_string(),
    };
    c.id = ledger.write(operator, |w| {
        // Nothing may have been written between the check and the signature.
        let now = w.ledger_head()?;
        if now.hex() != c.head {
            return Err(Error::rule(crate::tr!("checkpoint-ledger-changed")));
        }
        w.add_checkpoint(&c)
    })?;
    Ok(c)
}
