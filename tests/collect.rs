//! `assure collect` against a loopback HTTP server started by each test, serving responses in the shapes the
//! real APIs send (token endpoint, Graph and Defender collections with `@odata.nextLink`, a hunting result):
//! paging, a 429 with `Retry-After`, an expired token, a server error, and the secret never shown. No other
//! network is used: every base URL points at the server.

use assert_cmd::Command;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};

const SECRET: &str = "client-secret-Zq8~value";
const TENANT: &str = "00000000-0000-4000-8000-000000000001";

/// A request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    authorization: Option<String>,
    body: String,
}

/// A response to send: status, extra headers, body.
type Reply = (u16, Vec<(&'static str, String)>, String);

/// A loopback server answering each request with `route(request, requests seen so far)`.
struct Server {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Starts a server whose routes `make` builds from its base URL.
    fn start<R: Fn(&Seen, &[Seen]) -> Reply + Send + 'static>(make: impl FnOnce(String) -> R) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let route = make(base.clone());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let Some(request) = read_request(&stream) else { continue };
                let reply = {
                    let mut log = log.lock().unwrap();
                    let reply = route(&request, &log);
                    log.push(request);
                    reply
                };
                write_reply(stream, reply);
            }
        });
        Server { base, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn read_request(stream: &TcpStream) -> Option<Seen> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let (mut length, mut authorization) = (0, None);
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "authorization" => authorization = Some(value.trim().to_string()),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Seen {
        method,
        target,
        authorization,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn write_reply(mut stream: TcpStream, (status, headers, body): Reply) {
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
}

fn ok(body: Value) -> Reply {
    (200, vec![], body.to_string())
}

/// The token endpoint's answer: a new token for the scope asked, numbered by how many were handed out.
fn token(request: &Seen, before: &[Seen]) -> Reply {
    let audience = if request.body.contains("graph.microsoft.com") {
        "graph"
    } else {
        "defender"
    };
    let n = before.iter().filter(|r| r.target.ends_with("/token")).count() + 1;
    ok(
        json!({ "token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": format!("eyJ0eXAi.{audience}-token-{n}.sig") }),
    )
}

fn device(name: &str) -> Value {
    json!({
        "id": format!("id-{name}"), "deviceName": name, "userPrincipalName": format!("{name}@example.nhs.uk"),
        "managedDeviceOwnerType": "company", "operatingSystem": "Windows", "osVersion": "10.0.26100.7171",
        "complianceState": "compliant", "isEncrypted": true, "lastSyncDateTime": "2026-10-30T08:00:00Z"
    })
}

fn registration(upn: &str) -> Value {
    json!({
        "id": format!("id-{upn}"), "userPrincipalName": upn, "userDisplayName": upn, "userType": "member",
        "isAdmin": false, "isMfaCapable": true, "isMfaRegistered": true, "methodsRegistered": ["microsoftAuthenticatorPush"]
    })
}

/// Serves a whole tenant: the device list throttles once, registration details meet an expired token, the
/// users list fails with a 500 whose body echoes the secret and a token.
fn tenant(base: String) -> impl Fn(&Seen, &[Seen]) -> Reply + Send + 'static {
    move |r, before| {
        let path = r.target.split('?').next().unwrap_or_default();
        let hits = before.iter().filter(|b| b.target == r.target).count();
        match path {
            p if p == format!("/{TENANT}/oauth2/v2.0/token") => token(r, before),
            "/v1.0/deviceManagement/managedDevices" if r.target.contains("$skiptoken") => ok(json!({
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices(id,deviceName)",
                "value": [device("NSH-LT-0003")]
            })),
            "/v1.0/deviceManagement/managedDevices" if hits == 0 => (
                429,
                vec![("Retry-After", "1".into())],
                json!({"error": {"code": "TooManyRequests", "message": "Too many requests"}}).to_string(),
            ),
            "/v1.0/deviceManagement/managedDevices" => ok(json!({
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices(id,deviceName)",
                "@odata.count": 3,
                "value": [device("NSH-LT-0001"), device("NSH-LT-0002")],
                "@odata.nextLink": format!("{base}/v1.0/deviceManagement/managedDevices?$select=id&$skiptoken=page2")
            })),
            "/v1.0/reports/authenticationMethods/userRegistrationDetails"
                if r.authorization.as_deref() == Some("Bearer eyJ0eXAi.graph-token-1.sig") =>
            {
                (
                    401,
                    vec![("WWW-Authenticate", "Bearer error=\"invalid_token\"".into())],
                    json!({"error": {"code": "InvalidAuthenticationToken", "message": "Lifetime validation failed, the token is expired."}}).to_string(),
                )
            }
            "/v1.0/reports/authenticationMethods/userRegistrationDetails" if r.target.contains("skiptoken") => ok(json!({
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#reports/authenticationMethods/userRegistrationDetails",
                "value": [registration("c@example.nhs.uk"), registration("d@example.nhs.uk")]
            })),
            "/v1.0/reports/authenticationMethods/userRegistrationDetails" => ok(json!({
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#reports/authenticationMethods/userRegistrationDetails",
                "value": [registration("a@example.nhs.uk"), registration("b@example.nhs.uk")],
                "@odata.nextLink": format!("{base}/v1.0/reports/authenticationMethods/userRegistrationDetails?$skiptoken=2")
            })),
            "/v1.0/users" => (
                500,
                vec![],
                json!({"error": {"code": "generalException", "message": format!("failed for {SECRET} with {}", r.authorization.clone().unwrap_or_default())}}).to_string(),
            ),
            "/mde/api/machines" => ok(json!({
                "@odata.context": "https://api.securitycenter.microsoft.com/api/$metadata#Machines",
                "value": [
                    {"id": "m1", "computerDnsName": "nsh-lt-0001.northshire.local", "onboardingStatus": "Onboarded", "healthStatus": "Active", "lastSeen": "2026-10-31T10:00:00Z", "osPlatform": "Windows11"},
                    {"id": "m2", "computerDnsName": "nsh-lt-0002.northshire.local", "onboardingStatus": "Onboarded", "healthStatus": "Inactive", "lastSeen": "2026-09-01T10:00:00Z", "osPlatform": "Windows11"}
                ]
            })),
            "/v1.0/security/runHuntingQuery" if r.body.contains("DeviceTvmSoftwareVulnerabilities") => ok(json!({
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults",
                "schema": [{"name": "DeviceName", "type": "String"}, {"name": "CveId", "type": "String"}],
                "results": [
                    {"DeviceId": "d1", "DeviceName": "nsh-lt-0001.northshire.local", "SoftwareName": "edge", "CveId": "CVE-2026-0001", "VulnerabilitySeverityLevel": "Critical", "CvssScore": 9.8, "SecurityUpdateReleaseDate": "2026-09-01T00:00:00Z"},
                    {"DeviceId": "d2", "DeviceName": "nsh-lt-0002.northshire.local", "SoftwareName": "edge", "CveId": "CVE-2026-0002", "VulnerabilitySeverityLevel": "Low", "CvssScore": 3.1, "SecurityUpdateReleaseDate": "2026-10-30T00:00:00Z"},
                    {"DeviceId": "d2", "DeviceName": "nsh-lt-0002.northshire.local", "SoftwareName": "chrome", "CveId": "CVE-2026-0003", "VulnerabilitySeverityLevel": "High", "CvssScore": 8.8, "SecurityUpdateReleaseDate": null}
                ]
            })),
            _ => (404, vec![], json!({"error": {"code": "NotFound", "message": r.target}}).to_string()),
        }
    }
}

const MANIFEST: &str = "organisation: { name: Test Trust, ods_code: RXX }
as_of: 2026-11-01
datasets:
  devices:
    files: exports/intune/managedDevices.json
    preset: intune-managed-devices
    collect: true
  mfa_registration:
    files: exports/entra/userRegistrationDetails.json
    preset: entra-registration-details
    collect: true
  sign_in_activity:
    files: exports/entra/signInActivity.json
    preset: entra-sign-in-activity
    collect: true
  edr_devices:
    files: exports/defender/machines.json
    preset: defender-machines-api
    collect: true
  vulnerabilities:
    files: exports/defender/vulnerabilities*.json
    preset: defender-vulnerabilities-hunting
    collect: { file: exports/defender/vulnerabilities.json }
";

/// The users export from last month, which a failed collection must leave as it was.
const LAST_MONTH: &str = r#"{"value": [{"userPrincipalName": "old@example.nhs.uk", "signInActivity": null}]}"#;

fn repo(manifest: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("assure.yaml"), manifest).unwrap();
    std::fs::create_dir_all(dir.path().join("exports/entra")).unwrap();
    std::fs::write(dir.path().join("exports/entra/signInActivity.json"), LAST_MONTH).unwrap();
    dir
}

/// `assure ARGS` with nothing from this process's environment but what it is given: no proxy, no real
/// credentials, no real endpoints.
fn assure(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::cargo_bin("assure").unwrap();
    cmd.env_clear().env("NO_COLOR", "1").env("COLUMNS", "400").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn credentials(base: &str) -> Vec<(&'static str, String)> {
    vec![
        ("ASSURE_TENANT_ID", TENANT.to_string()),
        ("ASSURE_CLIENT_ID", "11111111-2222-4333-8444-555555555555".to_string()),
        ("AZURE_CLIENT_SECRET", SECRET.to_string()),
        ("ASSURE_LOGIN_URL", base.to_string()),
        ("ASSURE_GRAPH_URL", base.to_string()),
        ("ASSURE_DEFENDER_URL", format!("{base}/mde/")),
    ]
}

fn collect(dir: &Path, env: &[(&'static str, String)], extra: &[&str]) -> (i32, String, String) {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut args = vec!["collect", dir.to_str().unwrap()];
    args.extend(extra);
    assure(&args, &env)
}

fn json_file(dir: &Path, rel: &str) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join(rel)).unwrap()).unwrap()
}

#[test]
fn collects_every_page_through_throttling_and_an_expired_token_and_check_reads_it() {
    let server = Server::start(tenant);
    let dir = repo(MANIFEST);
    let (code, stdout, stderr) = collect(dir.path(), &credentials(&server.base), &[]);

    // The users list failed, so the run is incomplete (3); the rest was written.
    assert_eq!(code, 3, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stdout.contains("devices: 3 records from 2 pages -> exports/intune/managedDevices.json"),
        "{stdout}"
    );
    assert!(
        stdout.contains("mfa_registration: 4 records from 2 pages -> exports/entra/userRegistrationDetails.json"),
        "{stdout}"
    );
    assert!(
        stdout.contains("edr_devices: 2 records from 1 page -> exports/defender/machines.json"),
        "{stdout}"
    );
    assert!(
        stdout.contains("vulnerabilities: 3 records from 1 page -> exports/defender/vulnerabilities.json"),
        "{stdout}"
    );
    assert!(
        stderr.contains("error: sign_in_activity (entra-sign-in-activity): GET ")
            && stderr.contains("/v1.0/users?$select=userPrincipalName,accountEnabled,signInActivity answered 500 Internal Server Error: generalException")
            && stderr.contains("exports/entra/signInActivity.json was left as it was"),
        "{stderr}"
    );
    assert!(stderr.contains("1 of 5 datasets could not be collected"), "{stderr}");
    // Neither the secret nor any token reaches the output, though the 500's body quoted both.
    for text in [&stdout, &stderr] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains("-token-"), "{text}");
    }
    assert!(
        stderr.contains("failed for [redacted] with Bearer [redacted]"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("exports/entra/signInActivity.json")).unwrap(),
        LAST_MONTH
    );

    // The pages are merged in order under the first page's context, with no next link left.
    let devices = json_file(dir.path(), "exports/intune/managedDevices.json");
    let names: Vec<&str> = devices["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["deviceName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["NSH-LT-0001", "NSH-LT-0002", "NSH-LT-0003"]);
    assert!(
        devices["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("#deviceManagement/managedDevices(id,deviceName)")
    );
    assert!(devices.get("@odata.nextLink").is_none() && devices.get("@odata.count").is_none());
    let hunting = json_file(dir.path(), "exports/defender/vulnerabilities.json");
    assert_eq!(hunting["schema"][0]["name"], "DeviceName");
    assert_eq!(hunting["results"][2]["CveId"], "CVE-2026-0003");

    // What was asked, and with which credentials.
    let seen = server.seen();
    let tokens: Vec<&Seen> = seen.iter().filter(|r| r.target.ends_with("/token")).collect();
    // Datasets go in name order: Graph's first token (devices), Defender's own (edr_devices), a fresh Graph one
    // after the 401 (mfa_registration).
    assert_eq!(tokens.len(), 3, "{tokens:#?}");
    for t in &tokens {
        assert_eq!(t.method, "POST");
        assert!(t.body.contains("grant_type=client_credentials"), "{}", t.body);
        assert!(t.body.contains("client_secret=client-secret-Zq8~value"), "{}", t.body);
        assert!(t.authorization.is_none());
    }
    assert!(
        tokens[0]
            .body
            .contains("scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"),
        "{}",
        tokens[0].body
    );
    let devices_asked: Vec<&Seen> = seen
        .iter()
        .filter(|r| {
            r.target
                .starts_with("/v1.0/deviceManagement/managedDevices?$select=id,deviceName,")
        })
        .collect();
    assert_eq!(devices_asked.len(), 2, "the 429 is retried once");
    let registration: Vec<Option<&str>> = seen
        .iter()
        .filter(|r| r.target.starts_with("/v1.0/reports/"))
        .map(|r| r.authorization.as_deref())
        .collect();
    assert_eq!(
        registration,
        [
            Some("Bearer eyJ0eXAi.graph-token-1.sig"),
            Some("Bearer eyJ0eXAi.graph-token-3.sig"),
            Some("Bearer eyJ0eXAi.graph-token-3.sig")
        ]
    );
    let machines = seen.iter().find(|r| r.target == "/mde/api/machines").unwrap();
    assert_eq!(
        machines.authorization.as_deref(),
        Some("Bearer eyJ0eXAi.defender-token-2.sig")
    );
    let hunt = seen
        .iter()
        .find(|r| r.target == "/v1.0/security/runHuntingQuery")
        .unwrap();
    let query: Value = serde_json::from_str(&hunt.body).unwrap();
    assert!(
        query["Query"]
            .as_str()
            .unwrap()
            .starts_with("DeviceTvmSoftwareVulnerabilities | join")
    );

    // `assure check` reads every collected file, with the right number of records.
    let (_, report, errors) = assure(&["check", dir.path().to_str().unwrap(), "--format", "json"], &[]);
    let report: Value = serde_json::from_str(&report).unwrap_or_else(|e| panic!("{e}: {errors}"));
    let records = |path: &str| {
        report["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("{path} not read: {errors}"))["records"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(records("exports/intune/managedDevices.json"), 3);
    assert_eq!(records("exports/entra/userRegistrationDetails.json"), 4);
    assert_eq!(records("exports/defender/machines.json"), 2);
    assert_eq!(records("exports/defender/vulnerabilities.json"), 3);
    assert_eq!(records("exports/entra/signInActivity.json"), 1);
    // The checks see the renamed Defender fields: the sensor that went quiet fails NDG6's EDR check.
    let edr = report["results"].as_array().unwrap().iter().find(|r| {
        r["findings"].as_array().is_some_and(|f| {
            f.iter()
                .any(|f| f["message"].as_str().is_some_and(|m| m.contains("sensor Inactive")))
        })
    });
    assert!(edr.is_some(), "no EDR finding for NSH-LT-0002");
    assert!(
        !errors.contains("exports/defender") && !errors.contains("exports/intune"),
        "{errors}"
    );

    // `assure init` recognises each collected file by the preset that reads it.
    let (code, drafted, errors) = assure(&["init", dir.path().to_str().unwrap(), "--force"], &[]);
    assert_eq!(code, 0, "{errors}");
    for line in [
        "exports/intune/managedDevices.json  ->  intune-managed-devices: matched by file name *manageddevice*.json",
        "exports/entra/userRegistrationDetails.json  ->  entra-registration-details: matched by file name",
        "exports/defender/machines.json  ->  defender-machines-api: matched by file name *machine*.json and fields computerDnsName, onboardingStatus, healthStatus",
        "exports/defender/vulnerabilities.json  ->  defender-vulnerabilities-hunting: matched by file name *vulnerabilit*.json and fields DeviceName, CveId, VulnerabilitySeverityLevel",
    ] {
        assert!(drafted.contains(line), "{line}\n{drafted}");
    }
}

#[test]
fn collecting_twice_from_the_same_responses_writes_the_same_bytes() {
    let route = |r: &Seen, before: &[Seen]| match r.target.as_str() {
        t if t.ends_with("/token") => token(r, before),
        // Written by hand: the keys' order is the server's, which the file must keep.
        _ => (
            200,
            vec![],
            r#"{"@odata.context": "ctx", "value": [{"b": 1, "a": [2, 3]}, {"z": "é \"q\""}]}"#.to_string(),
        ),
    };
    let server = Server::start(|_| route);
    let manifest = "organisation: { name: T, ods_code: RXX }
datasets:
  devices: { files: d.json, preset: intune-managed-devices, collect: true }
";
    let dir = repo(manifest);
    let mut outputs = Vec::new();
    for _ in 0..2 {
        let (code, stdout, stderr) = collect(dir.path(), &credentials(&server.base), &[]);
        assert_eq!(code, 0, "{stdout}{stderr}");
        outputs.push(std::fs::read(dir.path().join("d.json")).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(
        String::from_utf8(outputs[0].clone()).unwrap(),
        "{\n  \"@odata.context\": \"ctx\",\n  \"value\": [\n    {\"b\": 1, \"a\": [2, 3]},\n    {\"z\": \"é \\\"q\\\"\"}\n  ]\n}\n"
    );
}

#[test]
fn a_rejected_sign_in_fails_every_dataset_clearly_without_showing_the_secret() {
    let server = Server::start(|_| {
        |r: &Seen, _: &[Seen]| {
            let echo = r.body.clone();
            (
            401,
            vec![],
            json!({"error": "invalid_client", "error_description": format!("AADSTS7000215: Invalid client secret provided. Request: {echo}\r\nTrace ID: 1")}).to_string(),
        )
        }
    });
    let dir = repo(MANIFEST);
    let (code, stdout, stderr) = collect(dir.path(), &credentials(&server.base), &["--dataset", "devices"]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("error: devices (intune-managed-devices): signing in to Microsoft Graph failed: POST ")
            && stderr.contains("/oauth2/v2.0/token answered 401 Unauthorized: invalid_client: AADSTS7000215: Invalid client secret provided."),
        "{stderr}"
    );
    assert!(!stderr.contains(SECRET) && !stderr.contains("Zq8"), "{stderr}");
    assert!(!dir.path().join("exports/intune").exists());
    // Only the token endpoint was asked, once: --dataset picked one dataset.
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn a_throttled_api_that_never_relents_fails_after_bounded_retries() {
    let server = Server::start(|_| {
        |r: &Seen, before: &[Seen]| match r.target.as_str() {
            t if t.ends_with("/token") => token(r, before),
            _ => (503, vec![("Retry-After", "0".into())], String::new()),
        }
    });
    let dir = repo(MANIFEST);
    let (code, _, stderr) = collect(dir.path(), &credentials(&server.base), &["--dataset", "edr_devices"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("/mde/api/machines answered 503 Service Unavailable: (no body) (still, after 5 retries honouring Retry-After); run again later"),
        "{stderr}"
    );
    assert_eq!(
        server.seen().iter().filter(|r| r.target == "/mde/api/machines").count(),
        6
    );
}

#[test]
fn a_next_link_to_another_host_is_not_followed() {
    let server = Server::start(|_| {
        |r: &Seen, before: &[Seen]| match r.target.as_str() {
            t if t.ends_with("/token") => token(r, before),
            _ => ok(json!({"value": [registration("a@x")], "@odata.nextLink": "http://127.0.0.2:9/steal"})),
        }
    });
    let dir = repo(MANIFEST);
    let (code, _, stderr) = collect(
        dir.path(),
        &credentials(&server.base),
        &["--dataset", "mfa_registration"],
    );
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("gave a next page on another host (http://127.0.0.2:9/steal)"),
        "{stderr}"
    );
    assert!(!dir.path().join("exports/entra/userRegistrationDetails.json").exists());
}

#[test]
fn without_credentials_or_with_a_plain_http_endpoint_nothing_is_sent() {
    let dir = repo(MANIFEST);
    let (code, stdout, stderr) = assure(&["collect", dir.path().to_str().unwrap()], &[]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("ASSURE_TENANT_ID (or AZURE_TENANT_ID), ASSURE_CLIENT_ID (or AZURE_CLIENT_ID), ASSURE_CLIENT_SECRET (or AZURE_CLIENT_SECRET)"),
        "{stderr}"
    );
    let mut env = credentials("https://login.example");
    env.push(("ASSURE_GRAPH_URL", "http://graph.example.org".into()));
    let (code, _, stderr) = collect(dir.path(), &env, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("ASSURE_GRAPH_URL: `http://graph.example.org` is plain http"),
        "{stderr}"
    );
}

#[test]
fn dry_run_lists_each_dataset_s_request_and_file_without_signing_in() {
    let dir = repo(MANIFEST);
    let (code, stdout, stderr) = assure(&["collect", dir.path().to_str().unwrap(), "--dry-run"], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(
        "devices: GET https://graph.microsoft.com/v1.0/deviceManagement/managedDevices?$select=id,deviceName,userPrincipalName,managedDeviceOwnerType,operatingSystem,osVersion,complianceState,isEncrypted,lastSyncDateTime -> exports/intune/managedDevices.json (preset intune-managed-devices; permission DeviceManagementManagedDevices.Read.All)"
    ), "{stdout}");
    assert!(
        stdout.contains(
            "edr_devices: GET https://api.securitycenter.microsoft.com/api/machines -> exports/defender/machines.json"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("vulnerabilities: POST https://graph.microsoft.com/v1.0/security/runHuntingQuery -> exports/defender/vulnerabilities.json"), "{stdout}");
    assert_eq!(stdout.lines().count(), 5, "{stdout}");
}

#[test]
fn manifest_mistakes_are_unusable_input_at_their_line() {
    let cases = [
        (
            "  devices: { files: d.json, collect: true }\n",
            "dataset `devices`: `collect: true` needs a `preset:`",
        ),
        (
            "  devices: { files: 'd-*.json', preset: intune-managed-devices, collect: true }\n",
            "`files` is a glob or a list, so collect cannot tell which file to write",
        ),
        (
            "  devices: { files: 'd-*.json', preset: intune-managed-devices, collect: { file: other.json } }\n",
            "`other.json` is not matched by `files`",
        ),
        (
            "  vulnerabilities: { files: v.csv, preset: defender-vulnerabilities, collect: true }\n",
            "`defender-vulnerabilities` is not an export assure can collect",
        ),
        (
            "  vulnerabilities: { files: v.json, preset: defender-vulnerabilities, collect: { source: defender-vulnerabilities-hunting } }\n",
            "collect writes Microsoft Graph's response, which preset `defender-vulnerabilities-hunting` reads, but this dataset reads preset `defender-vulnerabilities`",
        ),
        (
            "  devices: { files: d.json, preset: intune-managed-devices, collect: { source: defender-machines-api } }\n",
            "source `defender-machines-api` provides the `edr_devices` dataset, not `devices`",
        ),
        (
            "  devices: { files: d.json, preset: intune-managed-devices, collect: { file: ../d.json } }\n",
            "contains `..`",
        ),
        (
            "  devices: { files: d.json, preset: intune-managed-devices }\n",
            "nothing to collect",
        ),
    ];
    for (dataset, expected) in cases {
        let manifest = format!("organisation: {{ name: T, ods_code: RXX }}\ndatasets:\n{dataset}");
        let dir = repo(&manifest);
        let (code, _, stderr) = assure(&["collect", dir.path().to_str().unwrap(), "--dry-run"], &[]);
        assert_eq!(code, 2, "{dataset}: {stderr}");
        assert!(stderr.contains(expected), "{dataset}: {stderr}");
        if !expected.starts_with("nothing") {
            assert!(stderr.contains("assure.yaml:3"), "{dataset}: no line in {stderr}");
        }
    }
    let dir = repo(MANIFEST);
    let (code, _, stderr) = assure(&["collect", dir.path().to_str().unwrap(), "--dataset", "accounts"], &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--dataset accounts: assure.yaml has no dataset `accounts` with `collect:`"),
        "{stderr}"
    );
}

#[test]
fn a_hunting_result_at_the_row_limit_is_refused_and_one_row_below_is_written() {
    let rows = Arc::new(Mutex::new(99_999usize));
    let served = rows.clone();
    let server = Server::start(move |_| {
        move |r: &Seen, before: &[Seen]| match r.target.as_str() {
            t if t.ends_with("/token") => token(r, before),
            _ => {
                let n = *served.lock().unwrap();
                let row = r#"{"DeviceName":"d","CveId":"CVE-1","VulnerabilitySeverityLevel":"Low"}"#;
                let results = vec![row; n].join(",");
                (200, vec![], format!(r#"{{"schema":[],"results":[{results}]}}"#))
            }
        }
    });
    let dir = repo(MANIFEST);
    let args = ["--dataset", "vulnerabilities"];
    let (code, stdout, stderr) = collect(dir.path(), &credentials(&server.base), &args);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("vulnerabilities: 99999 records from 1 page"),
        "{stdout}"
    );
    let before = std::fs::read(dir.path().join("exports/defender/vulnerabilities.json")).unwrap();
    *rows.lock().unwrap() = 100_000;
    let (code, _, stderr) = collect(dir.path(), &credentials(&server.base), &args);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains(
            "returned 100000 rows, advanced hunting's limit, so rows may be missing; the file was not replaced"
        ),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("exports/defender/vulnerabilities.json")).unwrap(),
        before
    );
}

#[test]
fn a_missing_permission_is_named_and_stale_page_files_are_pointed_out() {
    let server = Server::start(|_| {
        |r: &Seen, before: &[Seen]| {
            match r.target.as_str() {
            t if t.ends_with("/token") => token(r, before),
            t if t.starts_with("/v1.0/deviceManagement") => (
                403,
                vec![],
                json!({"error": {"code": "Forbidden", "message": "Application is not authorized to perform this operation."}})
                    .to_string(),
            ),
            _ => ok(json!({"value": [registration("a@x")]})),
        }
        }
    });
    let manifest = "organisation: { name: T, ods_code: RXX }
datasets:
  devices: { files: d.json, preset: intune-managed-devices, collect: true }
  mfa_registration:
    files: exports/entra/registration-*.json
    preset: entra-registration-details
    collect: { file: exports/entra/registration-all.json }
";
    let dir = repo(manifest);
    std::fs::write(dir.path().join("exports/entra/registration-01.json"), "{}").unwrap();
    let (code, stdout, stderr) = collect(dir.path(), &credentials(&server.base), &[]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(
        stderr.contains("answered 403 Forbidden: Forbidden: Application is not authorized to perform this operation.; the app registration needs the DeviceManagementManagedDevices.Read.All application permission, with admin consent"),
        "{stderr}"
    );
    assert!(
        stdout.contains("mfa_registration: 1 record from 1 page -> exports/entra/registration-all.json"),
        "{stdout}"
    );
    assert!(
        stderr.contains("warning: mfa_registration: `files` also matches exports/entra/registration-01.json, which `assure check` reads as well"),
        "{stderr}"
    );
}

#[test]
fn a_token_rejected_again_after_a_refresh_fails_clearly() {
    let server = Server::start(|_| {
        |r: &Seen, before: &[Seen]| match r.target.as_str() {
            t if t.ends_with("/token") => token(r, before),
            _ => (
                401,
                vec![],
                json!({"error": {"code": "InvalidAuthenticationToken", "message": "Access token validation failure."}})
                    .to_string(),
            ),
        }
    });
    let dir = repo(MANIFEST);
    let (code, _, stderr) = collect(dir.path(), &credentials(&server.base), &["--dataset", "edr_devices"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("/mde/api/machines answered 401 Unauthorized again, with a token fetched just now: InvalidAuthenticationToken: Access token validation failure.; the app registration needs the Machine.Read.All (WindowsDefenderATP) application permission"),
        "{stderr}"
    );
    // One refresh, not a loop: two tokens, two requests.
    let seen = server.seen();
    assert_eq!(seen.iter().filter(|r| r.target.ends_with("/token")).count(), 2);
    assert_eq!(seen.iter().filter(|r| r.target == "/mde/api/machines").count(), 2);
}
