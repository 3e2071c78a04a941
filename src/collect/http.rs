//! Requests to Microsoft's APIs: tokens, throttling, an expired token, errors that say what went wrong.
//!
//! One blocking [`ureq`] agent (rustls, proxies from `HTTPS_PROXY`/`NO_PROXY`) sends every request in turn, so
//! the APIs' own ordering is kept and their rate limits are not raced. A `429 Too Many Requests` or `503 Service
//! Unavailable` is retried after its `Retry-After` seconds (at most [`Retry::max_wait`] each time, and at most
//! [`Retry::attempts`] times); a `401` refreshes the token once, since tokens expire within the hour and a long
//! collection can outlive one. Redirects are not followed, so a bearer token goes only where it was sent.
//! Every message quoting a response goes through the [`Redactor`] first.

use super::auth::{Credentials, Endpoints, Redactor, Secret};
use super::sources::Api;
use std::collections::BTreeMap;
use std::time::Duration;

/// How throttled requests are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Retries after a 429 or 503 before giving up.
    pub attempts: u32,
    /// The longest wait honoured: a longer `Retry-After` is cut to this.
    pub max_wait: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 5,
            max_wait: Duration::from_secs(120),
        }
    }
}

impl Retry {
    /// How long to wait before retry number `attempt` (0-based): the server's `Retry-After` seconds when it
    /// gave them, else 1, 2, 4 ... seconds; never more than `max_wait`.
    pub fn wait(&self, retry_after: Option<&str>, attempt: u32) -> Duration {
        let asked = retry_after
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs)
            .unwrap_or_else(|| Duration::from_secs(1u64 << attempt.min(6)));
        asked.min(self.max_wait)
    }
}

/// A failed request: the HTTP status when there was a response, and a message naming the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: Option<u16>,
    pub message: String,
}

/// A request body.
pub enum Body<'a> {
    Empty,
    Form(&'a [(&'a str, &'a str)]),
    Json(&'a [u8]),
}

/// Sends requests as the app registration, holding one token per API.
pub struct Client {
    agent: ureq::Agent,
    credentials: Credentials,
    pub endpoints: Endpoints,
    retry: Retry,
    tokens: BTreeMap<Api, Secret>,
    redactor: Redactor,
    /// Largest response body read, in bytes (the manifest's evidence limit).
    body_limit: u64,
}

impl Client {
    pub fn new(credentials: Credentials, endpoints: Endpoints, retry: Retry, body_limit: u64) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(concat!("assure/", env!("CARGO_PKG_VERSION")))
            .accept("application/json")
            .timeout_connect(Some(Duration::from_secs(30)))
            // A hunting query may run for 200 seconds before it answers.
            .timeout_recv_response(Some(Duration::from_secs(300)))
            .timeout_recv_body(Some(Duration::from_secs(600)))
            .build()
            .into();
        let mut redactor = Redactor::default();
        redactor.add(&credentials.secret);
        Client {
            agent,
            credentials,
            endpoints,
            retry,
            tokens: BTreeMap::new(),
            redactor,
            body_limit,
        }
    }

    /// `text` with the secret and tokens removed, safe to show.
    pub fn redact(&self, text: &str) -> String {
        self.redactor.redact(text)
    }

    /// Sends `method url` to `api` with a bearer token and returns the body of a 2xx response. A 401 fetches a
    /// new token and tries once more.
    pub fn send(&mut self, api: Api, method: &str, url: &str, body: &Body<'_>) -> Result<Vec<u8>, Failure> {
        let mut refreshed = false;
        loop {
            let token = self.token(api)?;
            let (status, bytes) = self.exchange(method, url, Some(&token), body)?;
            match status {
                200..=299 => return Ok(bytes),
                401 if !refreshed => {
                    // Expired or revoked: sign in again, once.
                    self.tokens.remove(&api);
                    refreshed = true;
                }
                _ => {
                    let again = if status == 401 {
                        " again, with a token fetched just now"
                    } else {
                        ""
                    };
                    return Err(self.failure(status, method, url, again, &bytes));
                }
            }
        }
    }

    /// A token for `api`, fetched with the client credentials when none is held.
    fn token(&mut self, api: Api) -> Result<Secret, Failure> {
        if let Some(token) = self.tokens.get(&api) {
            return Ok(token.clone());
        }
        let url = format!("{}/{}/oauth2/v2.0/token", self.endpoints.login, self.credentials.tenant);
        let secret = self.credentials.secret.clone();
        let form = [
            ("client_id", self.credentials.client_id.as_str()),
            ("client_secret", secret.expose()),
            ("scope", api.scope()),
            ("grant_type", "client_credentials"),
        ];
        let (status, bytes) = self.exchange("POST", &url, None, &Body::Form(&form))?;
        if !(200..=299).contains(&status) {
            let mut f = self.failure(status, "POST", &url, "", &bytes);
            f.message = format!("signing in to {} failed: {}", api.name(), f.message);
            return Err(f);
        }
        let token = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.get("access_token")?.as_str().map(Secret::new))
            .ok_or_else(|| Failure {
                status: Some(status),
                message: format!(
                    "signing in to {} failed: POST {url} answered {status} without an access_token",
                    api.name()
                ),
            })?;
        self.redactor.add(&token);
        self.tokens.insert(api, token.clone());
        Ok(token)
    }

    /// One request, retried while the server answers 429 or 503 (within [`Retry`]): the final status and body.
    fn exchange(
        &self,
        method: &str,
        url: &str,
        token: Option<&Secret>,
        body: &Body<'_>,
    ) -> Result<(u16, Vec<u8>), Failure> {
        let mut attempt = 0;
        loop {
            let bearer = token.map(|t| format!("Bearer {}", t.expose()));
            let sent = match (method, body) {
                ("GET", _) => {
                    let mut req = self.agent.get(url);
                    if let Some(b) = &bearer {
                        req = req.header("Authorization", b);
                    }
                    req.call()
                }
                (_, body) => {
                    let mut req = self.agent.post(url);
                    if let Some(b) = &bearer {
                        req = req.header("Authorization", b);
                    }
                    match body {
                        Body::Form(form) => req.send_form(form.iter().copied()),
                        Body::Json(json) => req.content_type("application/json; charset=utf-8").send(*json),
                        Body::Empty => req.send_empty(),
                    }
                }
            };
            let mut response = sent.map_err(|e| Failure {
                status: None,
                message: self.redact(&format!("{method} {url} failed: {e}")),
            })?;
            let status = response.status().as_u16();
            if matches!(status, 429 | 503) && attempt < self.retry.attempts {
                let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok());
                std::thread::sleep(self.retry.wait(retry_after, attempt));
                attempt += 1;
                continue;
            }
            let bytes = response
                .body_mut()
                .with_config()
                .limit(self.body_limit)
                .read_to_vec()
                .map_err(|e| Failure {
                    status: Some(status),
                    message: self.redact(&format!("{method} {url}: reading the response failed: {e}")),
                })?;
            if matches!(status, 429 | 503) {
                let mut f = self.failure(status, method, url, "", &bytes);
                f.message = format!(
                    "{} (still, after {} retries honouring Retry-After); run again later",
                    f.message, self.retry.attempts
                );
                return Err(f);
            }
            return Ok((status, bytes));
        }
    }

    /// A failure naming the request, its status and what the response said.
    fn failure(&self, status: u16, method: &str, url: &str, again: &str, body: &[u8]) -> Failure {
        let reason = ureq::http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .map(|r| format!(" {r}"))
            .unwrap_or_default();
        Failure {
            status: Some(status),
            message: self.redact(&format!(
                "{method} {url} answered {status}{reason}{again}: {}",
                detail(body)
            )),
        }
    }
}

/// What an error response says, briefly: Graph's and Defender's `{"error": {"code", "message"}}`, the token
/// endpoint's `{"error", "error_description"}` (its first line), or the start of the body.
fn detail(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let said = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| match v.get("error")? {
            serde_json::Value::Object(e) => {
                let code = e.get("code").and_then(|c| c.as_str()).unwrap_or("error");
                let message = e.get("message").and_then(|m| m.as_str()).unwrap_or_default();
                Some(format!("{code}: {message}"))
            }
            serde_json::Value::String(code) => {
                let description = v.get("error_description").and_then(|d| d.as_str()).unwrap_or_default();
                Some(format!("{code}: {}", description.lines().next().unwrap_or_default()))
            }
            _ => None,
        });
    let said = said.unwrap_or_else(|| text.trim().to_string());
    if said.is_empty() {
        return "(no body)".into();
    }
    match said.char_indices().nth(300) {
        Some((cut, _)) => format!("{} ...", &said[..cut]),
        None => said,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_follow_retry_after_within_the_cap() {
        let retry = Retry {
            attempts: 3,
            max_wait: Duration::from_secs(10),
        };
        assert_eq!(retry.wait(Some("0"), 0), Duration::ZERO);
        assert_eq!(retry.wait(Some(" 7 "), 2), Duration::from_secs(7));
        assert_eq!(retry.wait(Some("10"), 0), Duration::from_secs(10));
        assert_eq!(retry.wait(Some("11"), 0), Duration::from_secs(10));
        // No (or an HTTP-date) Retry-After: 1, 2, 4 ... seconds, capped.
        assert_eq!(retry.wait(None, 0), Duration::from_secs(1));
        assert_eq!(
            retry.wait(Some("Wed, 21 Oct 2026 07:28:00 GMT"), 2),
            Duration::from_secs(4)
        );
        assert_eq!(retry.wait(None, 9), Duration::from_secs(10));
    }

    #[test]
    fn error_details_quote_what_each_api_says() {
        let graph = br#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges"}}"#;
        assert_eq!(detail(graph), "Authorization_RequestDenied: Insufficient privileges");
        let aad =
            br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret.\r\nTrace ID: 1"}"#;
        assert_eq!(detail(aad), "invalid_client: AADSTS7000215: Invalid client secret.");
        assert_eq!(detail(b"  "), "(no body)");
        assert_eq!(detail(b"<html>gateway</html>"), "<html>gateway</html>");
        let long = "x".repeat(400);
        assert_eq!(detail(long.as_bytes()).len(), 304);
    }
}
