//! Who `assure collect` signs in as, and where: client credentials and API base URLs from the environment.
//!
//! The app registration's tenant, client id and secret come from `ASSURE_TENANT_ID`, `ASSURE_CLIENT_ID` and
//! `ASSURE_CLIENT_SECRET`, or else from the `AZURE_*` names Azure tooling (`EnvironmentCredential`, the Azure
//! CLI's pipelines) already sets. The secret and every token live in [`Secret`], whose `Debug` prints nothing
//! of them, and [`Redactor`] removes them from any text shown (an API's error body may echo a request).
//!
//! Base URLs default to Microsoft's and can be pointed elsewhere (`ASSURE_LOGIN_URL`, `ASSURE_GRAPH_URL`,
//! `ASSURE_DEFENDER_URL`: a national cloud, a regional Defender host, a test server). They must be `https`,
//! except on a loopback address, so the secret never crosses a network in clear.

use super::sources::Api;
use std::fmt;

/// Text that must never be shown: a client secret or an access token.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// The app registration assure signs in as.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub tenant: String,
    pub client_id: String,
    pub secret: Secret,
}

/// Base URLs of the token endpoint and the APIs, without a trailing `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub login: String,
    pub graph: String,
    pub defender: String,
}

impl Endpoints {
    /// The base URL of `api`.
    pub fn base(&self, api: Api) -> &str {
        match api {
            Api::Graph => &self.graph,
            Api::Defender => &self.defender,
        }
    }

    /// The endpoints from the environment (`get` reads a variable), Microsoft's by default.
    pub fn from_env(get: &dyn Fn(&str) -> Option<String>) -> Result<Endpoints, String> {
        let url = |name: &str, default: &str| -> Result<String, String> {
            let value = get(name).filter(|v| !v.trim().is_empty());
            let url = value
                .as_deref()
                .unwrap_or(default)
                .trim()
                .trim_end_matches('/')
                .to_string();
            check_base_url(&url).map_err(|e| format!("{name}: {e}"))?;
            Ok(url)
        };
        Ok(Endpoints {
            login: url("ASSURE_LOGIN_URL", "https://login.microsoftonline.com")?,
            graph: url("ASSURE_GRAPH_URL", "https://graph.microsoft.com")?,
            defender: url("ASSURE_DEFENDER_URL", "https://api.securitycenter.microsoft.com")?,
        })
    }
}

impl Credentials {
    /// The credentials from the environment: each of the three from its `ASSURE_` name, else its `AZURE_` one.
    pub fn from_env(get: &dyn Fn(&str) -> Option<String>) -> Result<Credentials, String> {
        let mut missing = Vec::new();
        let mut read = |suffix: &str| {
            let value = ["ASSURE_", "AZURE_"]
                .iter()
                .find_map(|prefix| get(&format!("{prefix}{suffix}")).filter(|v| !v.trim().is_empty()));
            if value.is_none() {
                missing.push(format!("ASSURE_{suffix} (or AZURE_{suffix})"));
            }
            value.map(|v| v.trim().to_string()).unwrap_or_default()
        };
        let tenant = read("TENANT_ID");
        let client_id = read("CLIENT_ID");
        let secret = Secret::new(read("CLIENT_SECRET"));
        if !missing.is_empty() {
            return Err(format!(
                "no credentials to sign in with: set {} to an app registration's tenant, client id and client secret (docs/exports.md)",
                missing.join(", ")
            ));
        }
        // The tenant is part of the token URL's path: a GUID or a domain name, nothing that could change it.
        if !tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        {
            return Err(
                "the tenant id holds characters a tenant id or domain cannot: give its GUID or primary domain".into(),
            );
        }
        Ok(Credentials {
            tenant,
            client_id,
            secret,
        })
    }
}

/// `Err` unless `url` is `https://host[:port][/path]`, or `http://` to a loopback address.
fn check_base_url(url: &str) -> Result<(), String> {
    let uri: ureq::http::Uri = url.parse().map_err(|_| format!("`{url}` is not a URL"))?;
    let host = uri.host().ok_or_else(|| format!("`{url}` names no host"))?;
    if uri.query().is_some() {
        return Err(format!("`{url}` has a query; give the base URL only"));
    }
    match uri.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if is_loopback(host) => Ok(()),
        Some("http") => Err(format!(
            "`{url}` is plain http: credentials and evidence must travel over https (http is accepted only for a loopback address)"
        )),
        _ => Err(format!("`{url}` is not an https URL")),
    }
}

/// Whether `host` (as a URL writes it) is this machine.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Removes the secret and every token handed out from text before it is shown.
#[derive(Debug, Default, Clone)]
pub struct Redactor {
    secrets: Vec<Secret>,
}

impl Redactor {
    /// Adds a value to remove.
    pub fn add(&mut self, secret: &Secret) {
        if !secret.0.is_empty() && !self.secrets.contains(secret) {
            self.secrets.push(secret.clone());
            // Longest first, so a secret inside another is not left half shown.
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.0.len()));
        }
    }

    /// `text` with every secret replaced by `[redacted]` and made safe for a terminal, on one line.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            out = out.replace(&s.0, "[redacted]");
        }
        crate::render::text::visible(&out).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: BTreeMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn credentials_come_from_assure_names_then_azure_names() {
        let get = env(&[
            ("ASSURE_TENANT_ID", "contoso.onmicrosoft.com"),
            ("AZURE_TENANT_ID", "other"),
            ("AZURE_CLIENT_ID", "app-id"),
            ("AZURE_CLIENT_SECRET", "s3cret-value"),
        ]);
        let c = Credentials::from_env(&get).unwrap();
        assert_eq!(c.tenant, "contoso.onmicrosoft.com");
        assert_eq!(c.client_id, "app-id");
        assert_eq!(c.secret.expose(), "s3cret-value");
        // Debug output holds no secret.
        assert!(!format!("{c:?}").contains("s3cret"), "{c:?}");
    }

    #[test]
    fn missing_credentials_are_named_and_a_tenant_cannot_reshape_the_url() {
        let e = Credentials::from_env(&env(&[("ASSURE_CLIENT_ID", "x")])).unwrap_err();
        assert!(e.contains("ASSURE_TENANT_ID (or AZURE_TENANT_ID)"), "{e}");
        assert!(e.contains("ASSURE_CLIENT_SECRET"), "{e}");
        assert!(!e.contains("ASSURE_CLIENT_ID "), "{e}");
        let e = Credentials::from_env(&env(&[
            ("ASSURE_TENANT_ID", "../evil?x="),
            ("ASSURE_CLIENT_ID", "x"),
            ("ASSURE_CLIENT_SECRET", "y"),
        ]))
        .unwrap_err();
        assert!(e.contains("tenant id"), "{e}");
    }

    #[test]
    fn base_urls_are_https_or_loopback_http() {
        let defaults = Endpoints::from_env(&env(&[])).unwrap();
        assert_eq!(defaults.graph, "https://graph.microsoft.com");
        let local = Endpoints::from_env(&env(&[("ASSURE_GRAPH_URL", "http://127.0.0.1:8080/")])).unwrap();
        assert_eq!(local.graph, "http://127.0.0.1:8080");
        for ok in [
            "http://localhost:1",
            "http://[::1]:2",
            "https://uk.api.security.microsoft.com",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://graph.example.org",
            "http://10.0.0.1",
            "ftp://x",
            "https://x/?a=b",
            "nonsense",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
        let e = Endpoints::from_env(&env(&[("ASSURE_DEFENDER_URL", "http://192.168.1.2")])).unwrap_err();
        assert!(e.starts_with("ASSURE_DEFENDER_URL: "), "{e}");
    }

    #[test]
    fn redaction_removes_secrets_and_terminal_controls() {
        let mut r = Redactor::default();
        r.add(&Secret::new("s3cret-value"));
        r.add(&Secret::new(""));
        assert_eq!(
            r.redact("bad secret s3cret-value\x1b[2J s3cret-value"),
            "bad secret [redacted]\\u{1b}[2J [redacted]"
        );
    }
}
