//! Hex digests, for the evidence trail (SHA-256 of every file read), fingerprints and pseudonyms.

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
