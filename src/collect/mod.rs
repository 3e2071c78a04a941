//! `assure collect`: refresh a config repo's Microsoft-sourced evidence from the APIs that hold it.
//!
//! The manifest says which datasets to collect (`collect:` on a dataset, docs/manifest.md) and each is served
//! by a [`sources::Source`]: a Microsoft Graph or Defender for Endpoint call, the fields it selects, and the
//! preset of the same name that reads what it writes. [`plan()`] turns the manifest into [`Job`]s without any
//! network, so every mistake in it is reported (exit 2) before anything is fetched. [`auth`] reads the app
//! registration's client credentials and the base URLs from the environment; [`http`] sends the requests
//! (OAuth2 client-credentials tokens, 429/503 `Retry-After` within bounds, one token refresh on a 401);
//! [`fetch`] follows `@odata.nextLink` through every page; [`write`] merges the pages into one response in the
//! shape the preset reads and replaces the file atomically, inside the repo. A dataset that cannot be
//! collected keeps its previous file and the others are still collected.
//!
//! This is the only module of assure that uses the network. The client secret and tokens never appear in
//! output: every message quoting a response is redacted first.

pub mod auth;
pub mod http;
pub mod sources;
pub mod write;

mod plan;

pub use plan::{Job, Plan, plan};

use http::{Body, Client, Failure};
use serde::Deserialize;
use serde_json::value::RawValue;
use sources::{Call, HUNTING_PATH, HUNTING_ROW_LIMIT, Source};
use write::Collected;

/// Pages followed before a collection is taken to be looping: ten million records at Graph's smallest
/// default page size (100); Intune and Defender pages hold 1,000 to 10,000.
const MAX_PAGES: usize = 100_000;

/// One page of a Graph or Defender collection.
#[derive(Deserialize)]
struct Page {
    #[serde(rename = "@odata.context")]
    context: Option<String>,
    value: Option<Vec<Box<RawValue>>>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
}

/// Graph's advanced hunting response.
#[derive(Deserialize)]
struct Hunting {
    #[serde(rename = "@odata.context")]
    context: Option<String>,
    schema: Option<Box<RawValue>>,
    results: Option<Vec<Box<RawValue>>>,
}

/// Fetches everything `source` provides: every page of a collection, or a hunting query's result.
pub fn fetch(client: &mut Client, source: &Source) -> Result<Collected, String> {
    let base = client.endpoints.base(source.api).to_string();
    let hint = |f: Failure| match f.status {
        Some(401 | 403) => format!(
            "{}; the app registration needs the {} application permission, with admin consent",
            f.message, source.permission
        ),
        _ => f.message,
    };
    match source.call {
        Call::Collection(path) => {
            let first = format!("{base}{path}");
            let collected = follow(&first, &base, MAX_PAGES, |url| {
                client.send(source.api, "GET", url, &Body::Empty).map_err(&hint)
            });
            collected.map_err(|e| client.redact(&e))
        }
        Call::Hunting(query) => {
            let url = format!("{base}{HUNTING_PATH}");
            let body = serde_json::to_vec(&serde_json::json!({ "Query": query })).map_err(|e| e.to_string())?;
            let bytes = client
                .send(source.api, "POST", &url, &Body::Json(&body))
                .map_err(&hint)?;
            let result: Hunting = serde_json::from_slice(&bytes).map_err(|e| {
                client.redact(&format!(
                    "POST {url} answered with JSON that is not a hunting result: {e}"
                ))
            })?;
            let records = result
                .results
                .ok_or_else(|| client.redact(&format!("POST {url} answered without a `results` list")))?;
            objects(&records).map_err(|i| client.redact(&format!("POST {url}: result {i} is not an object")))?;
            if records.len() >= HUNTING_ROW_LIMIT {
                return Err(format!(
                    "POST {url} returned {} rows, advanced hunting's limit, so rows may be missing; the file was not replaced (export from the portal instead, docs/exports.md)",
                    records.len()
                ));
            }
            Ok(Collected {
                context: result.context,
                schema: result.schema,
                records,
                key: "results",
                pages: 1,
            })
        }
    }
}

/// Reads a collection from `first` through every `@odata.nextLink` (each on `base`'s host, at most `max_pages`,
/// none visited twice), `get` fetching each page's body.
fn follow(
    first: &str,
    base: &str,
    max_pages: usize,
    mut get: impl FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<Collected, String> {
    let mut collected = Collected {
        context: None,
        schema: None,
        records: Vec::new(),
        key: "value",
        pages: 0,
    };
    let mut visited = std::collections::HashSet::new();
    let mut url = first.to_string();
    loop {
        let bytes = get(&url)?;
        let page: Page = serde_json::from_slice(&bytes)
            .map_err(|e| format!("GET {url} answered with JSON that is not a collection page: {e}"))?;
        let records = page
            .value
            .ok_or_else(|| format!("GET {url} answered without a `value` list of records"))?;
        objects(&records).map_err(|i| format!("GET {url}: record {i} is not an object"))?;
        collected.pages += 1;
        collected.context = collected.context.or(page.context);
        collected.records.extend(records);
        visited.insert(url.clone());
        let Some(next) = page.next_link else {
            return Ok(collected);
        };
        if !same_origin(&next, base) {
            return Err(format!(
                "GET {url} gave a next page on another host ({next}); the token is sent only to {base}, so the collection stops"
            ));
        }
        if visited.contains(&next) || collected.pages >= max_pages {
            return Err(format!(
                "GET {url}: the pages do not end ({} read, the next one {}); collect again, and report it if it persists",
                collected.pages,
                if visited.contains(&next) {
                    "seen before"
                } else {
                    "past the limit"
                }
            ));
        }
        url = next;
    }
}

/// `Err(n)` naming the first record (1-based) that is not a JSON object.
fn objects(records: &[Box<RawValue>]) -> Result<(), usize> {
    match records.iter().position(|r| !r.get().trim_start().starts_with('{')) {
        Some(i) => Err(i + 1),
        None => Ok(()),
    }
}

/// Whether `link` has the scheme, host and port of `base`.
fn same_origin(link: &str, base: &str) -> bool {
    let origin = |u: &str| {
        let uri: ureq::http::Uri = u.parse().ok()?;
        Some((
            uri.scheme_str()?.to_ascii_lowercase(),
            uri.host()?.to_ascii_lowercase(),
            uri.port_u16(),
        ))
    };
    origin(link).is_some_and(|o| Some(o) == origin(base))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_are_followed_only_on_the_api_s_own_host() {
        let base = "https://graph.microsoft.com";
        assert!(same_origin("https://graph.microsoft.com/v1.0/users?$skiptoken=x", base));
        assert!(same_origin("https://GRAPH.microsoft.com/v1.0/users", base));
        assert!(!same_origin("https://graph.microsoft.com.evil.example/v1.0", base));
        assert!(!same_origin("http://graph.microsoft.com/v1.0/users", base));
        assert!(!same_origin("https://graph.microsoft.com:8443/v1.0", base));
        assert!(!same_origin("/v1.0/users", base));
        assert!(same_origin("http://127.0.0.1:4000/next", "http://127.0.0.1:4000"));
        assert!(!same_origin("http://127.0.0.1:4001/next", "http://127.0.0.1:4000"));
    }

    /// Pages served from a list: page `i` links to `{base}/p{i+1}` when `more(i)`.
    fn pages(
        base: &str,
        n: usize,
        link: impl Fn(usize) -> Option<String>,
    ) -> impl FnMut(&str) -> Result<Vec<u8>, String> {
        let base = base.to_string();
        let mut served = 0;
        move |url: &str| {
            served += 1;
            assert!(served <= n + 1, "asked for more pages than exist");
            let i: usize = url.rsplit('p').next().and_then(|i| i.parse().ok()).unwrap_or(0);
            let next = link(i).map_or(String::new(), |l| format!(r#","@odata.nextLink":"{base}{l}""#));
            Ok(format!(r#"{{"@odata.context":"c{i}","value":[{{"page":{i}}}]{next}}}"#).into_bytes())
        }
    }

    #[test]
    fn a_collection_is_followed_to_its_last_page_within_the_page_limit() {
        let base = "https://graph.microsoft.com";
        let more = |last: usize| move |i: usize| (i < last).then(|| format!("/p{}", i + 1));
        // Three pages: within a limit of 3.
        let c = follow(&format!("{base}/p0"), base, 3, pages(base, 3, more(2))).unwrap();
        assert_eq!((c.pages, c.records.len(), c.context.as_deref()), (3, 3, Some("c0")));
        assert_eq!(c.records[2].get(), r#"{"page":2}"#);
        // A fourth page is past it.
        let e = follow(&format!("{base}/p0"), base, 3, pages(base, 4, more(3))).unwrap_err();
        assert!(
            e.contains("the pages do not end (3 read, the next one past the limit)"),
            "{e}"
        );
        // A link back to a page already read.
        let e = follow(
            &format!("{base}/p0"),
            base,
            10,
            pages(base, 2, |i| Some(format!("/p{}", (i + 1) % 2))),
        )
        .unwrap_err();
        assert!(e.contains("(2 read, the next one seen before)"), "{e}");
        // A page that is no collection.
        let e = follow(base, base, 3, |_| Ok(br#"{"error":{}}"#.to_vec())).unwrap_err();
        assert!(e.ends_with("answered without a `value` list of records"), "{e}");
    }

    #[test]
    fn records_must_be_objects() {
        let raw = |s: &str| RawValue::from_string(s.to_string()).unwrap();
        assert_eq!(objects(&[raw("{}"), raw(" {\"a\":1}")]), Ok(()));
        assert_eq!(objects(&[raw("{}"), raw("[1]"), raw("2")]), Err(2));
    }
}
