//! Confidentiality by design: fields a dataset marks `secret` never reach any output, and with `--redact`
//! fields marked `personal` (names, usernames, email addresses) become stable keyed pseudonyms, so reports can
//! be shared beyond the people entitled to see the evidence.
//!
//! Pseudonyms are HMAC-SHA256 of the value under a key the organisation keeps (`ASSURE_REDACT_KEY`): the same
//! person gets the same pseudonym in every run and every output, and nobody without the key can reverse or
//! recompute them.

use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;

/// Environment variable holding the pseudonymisation key.
pub const KEY_VAR: &str = "ASSURE_REDACT_KEY";
/// What a secret value is replaced with.
pub const SECRET: &str = "[secret]";

/// A pseudonymisation key.
#[derive(Clone)]
pub struct Redaction {
    key: Vec<u8>,
}

impl std::fmt::Debug for Redaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redaction(key hidden)")
    }
}

impl Redaction {
    /// The key from `ASSURE_REDACT_KEY`; at least 16 characters.
    pub fn from_env() -> Result<Redaction, String> {
        let key = std::env::var(KEY_VAR).unwrap_or_default();
        if key.chars().count() < 16 {
            return Err(format!(
                "--redact needs a key of at least 16 characters in {KEY_VAR}, kept by the organisation, so pseudonyms are stable and cannot be recomputed by others"
            ));
        }
        Ok(Redaction { key: key.into_bytes() })
    }

    pub fn with_key(key: &[u8]) -> Redaction {
        Redaction { key: key.to_vec() }
    }

    /// `anon-` and the first 12 hex digits of HMAC-SHA256(key, value).
    pub fn pseudonym(&self, value: &str) -> String {
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key) else {
            return "anon-unavailable".to_string();
        };
        mac.update(value.as_bytes());
        let digest = mac.finalize().into_bytes();
        format!("anon-{}", crate::core::hash::hex(&digest[..6]))
    }

    /// Replaces a JSON value (recursively, for lists) with its pseudonym.
    pub fn value(&self, v: &Value) -> Value {
        match v {
            Value::Null => Value::Null,
            Value::Array(items) => Value::Array(items.iter().map(|i| self.value(i)).collect()),
            Value::String(s) => Value::String(self.pseudonym(s)),
            other => Value::String(self.pseudonym(&other.to_string())),
        }
    }
}

/// A copy of a record with secret fields replaced and, given a key, personal fields pseudonymised.
pub fn sanitise(record: &Value, secret: &[String], personal: &[String], redaction: Option<&Redaction>) -> Value {
    let Value::Object(map) = record else {
        return record.clone();
    };
    let mut out = map.clone();
    for (k, v) in out.iter_mut() {
        if secret.contains(k) && !v.is_null() {
            *v = Value::String(SECRET.to_string());
        } else if let Some(r) = redaction.filter(|_| personal.contains(k)) {
            *v = r.value(v);
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pseudonyms_are_stable_and_keyed() {
        let a = Redaction::with_key(b"0123456789abcdef");
        let b = Redaction::with_key(b"fedcba9876543210");
        assert_eq!(a.pseudonym("a.patel@nhs.net"), a.pseudonym("a.patel@nhs.net"));
        assert_ne!(a.pseudonym("a.patel@nhs.net"), b.pseudonym("a.patel@nhs.net"));
        assert!(a.pseudonym("x").starts_with("anon-") && a.pseudonym("x").len() == 17);
    }

    #[test]
    fn sanitise_hides_secret_and_personal_fields() {
        let r = Redaction::with_key(b"0123456789abcdef");
        let rec = json!({"upn": "a@b", "pin": "1234", "os": "Windows"});
        let s = sanitise(&rec, &["pin".into()], &["upn".into()], Some(&r));
        assert_eq!(s["pin"], SECRET);
        assert_eq!(s["upn"], r.pseudonym("a@b"));
        assert_eq!(s["os"], "Windows");
        let s = sanitise(&rec, &["pin".into()], &["upn".into()], None);
        assert_eq!(s["upn"], "a@b");
    }
}
