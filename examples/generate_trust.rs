//! Generates a synthetic trust config repo at a chosen scale, deterministically from a seed, in the shapes of
//! real exports (Intune and Entra Graph JSON, Get-ADUser CSV, Defender CSV ...) read through the pack's presets.
//!
//! ```sh
//! cargo run --release --example generate_trust -- --scale 1 --out target/trusts/scale-1
//! ```
//!
//! Scale 1 is a mid-size trust: 4,000 devices, 6,000 accounts, 30,000 training rows, 400,000 vulnerability
//! rows and 2,000 firewall rules; scale 10 multiplies every count by ten. Roughly 3-10% of records fail
//! their checks, as in a real estate.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

struct Args {
    scale: f64,
    out: PathBuf,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        scale: 1.0,
        out: PathBuf::from("target/trusts/scale-1"),
        seed: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--scale" => args.scale = value()?.parse().map_err(|e| format!("--scale: {e}"))?,
            "--out" => args.out = PathBuf::from(value()?),
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            other => return Err(format!("unknown argument {other}; use --scale N --out DIR [--seed N]")),
        }
    }
    Ok(args)
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = generate(&args) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn n(base: usize, scale: f64) -> usize {
    ((base as f64) * scale).round().max(1.0) as usize
}

fn writer(root: &Path, rel: &str) -> std::io::Result<BufWriter<File>> {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    Ok(BufWriter::with_capacity(1 << 20, File::create(path)?))
}

/// A date `days` before 2026-11-01, as ISO.
fn day(days_before: i64) -> String {
    let base = jiff::civil::date(2026, 11, 1);
    base.checked_sub(jiff::Span::new().days(days_before))
        .unwrap_or(base)
        .to_string()
}

fn generate(a: &Args) -> std::io::Result<()> {
    let mut rng = fastrand::Rng::with_seed(a.seed);
    let root = &a.out;
    fs::create_dir_all(root)?;
    let devices = n(4_000, a.scale);
    let accounts = n(6_000, a.scale);
    let staff = n(5_000, a.scale);
    let vulns = n(400_000, a.scale);
    let rules = n(2_000, a.scale);

    // Intune managed devices (Graph JSON), 5% unencrypted, 8% on Windows 10 22H2.
    let mut w = writer(root, "exports/intune/managedDevices.json")?;
    writeln!(
        w,
        "{{\n  \"@odata.context\": \"https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices\",\n  \"value\": ["
    )?;
    for i in 0..devices {
        let win10 = rng.f64() < 0.08;
        let os_version = if win10 {
            format!("10.0.19045.{}", 4000 + rng.u32(0..1300))
        } else {
            format!("10.0.26100.{}", 1000 + rng.u32(0..2000))
        };
        let sep = if i + 1 == devices { "" } else { "," };
        writeln!(
            w,
            "    {{\"id\": \"{i:08x}-0000-4000-8000-000000000000\", \"deviceName\": \"NSH-LT-{i:06}\", \"userPrincipalName\": \"user{}@trust.nhs.uk\", \"managedDeviceOwnerType\": \"company\", \"operatingSystem\": \"Windows\", \"osVersion\": \"{os_version}\", \"complianceState\": \"{}\", \"isEncrypted\": {}, \"managementAgent\": \"mdm\", \"lastSyncDateTime\": \"{}T0{}:12:44.1234567Z\", \"serialNumber\": \"SN{:08}\"}}{sep}",
            rng.usize(0..accounts),
            if rng.f64() < 0.9 { "compliant" } else { "noncompliant" },
            rng.f64() >= 0.05,
            day(rng.i64(0..20)),
            rng.u8(0..10),
            rng.u32(..),
        )?;
    }
    writeln!(w, "  ]\n}}")?;
    w.flush()?;

    fs::write(
        root.join("os_lifecycle.csv"),
        "product,build,release,edition,end_of_support\nWindows,10.0.19045,Windows 10 22H2,Enterprise,2025-10-14\nWindows,10.0.22631,Windows 11 23H2,Enterprise,2026-11-10\nWindows,10.0.26100,Windows 11 24H2,Enterprise,2027-10-12\n",
    )?;

    // Active Directory users (Get-ADUser | Export-Csv): quoted, True/False, UK dates.
    let mut w = writer(root, "exports/ad/users.csv")?;
    writeln!(
        w,
        "\"SamAccountName\",\"UserPrincipalName\",\"Enabled\",\"EmployeeID\",\"LastLogonDate\",\"PasswordNotRequired\""
    )?;
    for i in 0..accounts {
        let d = day(rng.i64(0..120));
        let uk = format!("{}/{}/{} 09:{:02}:00", &d[8..10], &d[5..7], &d[0..4], rng.u8(0..60));
        writeln!(
            w,
            "\"user{i}\",\"user{i}@trust.nhs.uk\",\"{}\",\"E{i:06}\",\"{uk}\",\"False\"",
            if rng.f64() < 0.93 { "True" } else { "False" }
        )?;
    }
    w.flush()?;

    // HR leavers: 2% of accounts, some still enabled above.
    let mut w = writer(root, "exports/hr/leavers.csv")?;
    writeln!(w, "employee_id,leave_date")?;
    for _ in 0..n(120, a.scale) {
        writeln!(w, "E{:06},{}", rng.usize(0..accounts), day(rng.i64(2..200)))?;
    }
    w.flush()?;

    // Entra registration details (Graph JSON).
    let mut w = writer(root, "exports/entra/userRegistrationDetails.json")?;
    writeln!(w, "{{\"value\": [")?;
    for i in 0..accounts {
        let admin = i % 50 == 0;
        let methods = if rng.f64() < 0.9 {
            "[\"microsoftAuthenticatorPush\", \"softwareOneTimePasscode\"]"
        } else {
            "[\"mobilePhone\"]"
        };
        let sep = if i + 1 == accounts { "" } else { "," };
        writeln!(
            w,
            "  {{\"userPrincipalName\": \"user{i}@trust.nhs.uk\", \"isAdmin\": {admin}, \"isMfaRegistered\": true, \"methodsRegistered\": {methods}}}{sep}"
        )?;
    }
    writeln!(w, "]}}")?;
    w.flush()?;

    // Staff (TSV) and training (CSV, several courses per person).
    let mut w = writer(root, "exports/hr/staff.tsv")?;
    writeln!(w, "staff_id\tname\tstatus\tconfidentiality_signed_on")?;
    for i in 0..staff {
        writeln!(
            w,
            "S{i:06}\tStaff {i}\t{}\t{}",
            if rng.f64() < 0.97 { "active" } else { "left" },
            day(rng.i64(0..900))
        )?;
    }
    w.flush()?;
    let mut w = writer(root, "exports/lms/training.csv")?;
    writeln!(w, "staff_id,course,completed_on,score")?;
    for i in 0..n(30_000, a.scale) {
        let course = match i % 6 {
            0 => "Data Security Awareness Level 1",
            1 => "Fire safety",
            2 => "Safeguarding adults",
            3 => "Infection control",
            4 => "Moving and handling",
            _ => "Equality and diversity",
        };
        let age = if rng.f64() < 0.94 {
            rng.i64(0..360)
        } else {
            rng.i64(370..800)
        };
        writeln!(w, "S{:06},{course},{},{}", (i / 6) % staff, day(age), rng.u8(70..=100))?;
    }
    w.flush()?;

    // Defender vulnerabilities: the big one.
    let mut w = writer(root, "exports/defender/vulnerabilities.csv")?;
    writeln!(
        w,
        "DeviceId,DeviceName,OSPlatform,OSVersion,SoftwareName,SoftwareVersion,CveId,VulnerabilitySeverityLevel,CvssScore,RecommendedSecurityUpdate,SecurityUpdateReleaseDate"
    )?;
    let software = [
        "chrome",
        "edge",
        "7-zip",
        "office",
        "windows_11",
        "java_runtime",
        "adobe_reader",
        "zoom",
    ];
    let mut line = String::with_capacity(256);
    for i in 0..vulns {
        line.clear();
        let dev = rng.usize(0..devices);
        let sw = software[rng.usize(0..software.len())];
        let (sev, cvss) = match rng.u8(0..10) {
            0 => ("Critical", 9.0 + rng.f64()),
            1..=3 => ("High", 7.0 + rng.f64() * 2.0),
            4..=7 => ("Medium", 4.0 + rng.f64() * 3.0),
            _ => ("Low", 1.0 + rng.f64() * 3.0),
        };
        let released = if rng.f64() < 0.9 {
            rng.i64(0..14)
        } else {
            rng.i64(15..400)
        };
        let _ = write!(
            line,
            "{dev:040x},NSH-LT-{dev:06},Windows11,10.0.26100.2314,{sw},{}.{}.{},CVE-{}-{:05},{sev},{cvss:.1},Update {sw},{}",
            rng.u8(1..130),
            rng.u8(0..10),
            rng.u16(0..9999),
            2024 + (i % 3),
            i % 100_000,
            day(released)
        );
        writeln!(w, "{line}")?;
    }
    w.flush()?;

    // Firewall rules: a few exposed services among many.
    let mut w = writer(root, "network/firewall-rules.csv")?;
    writeln!(
        w,
        "name,direction,action,source,destination,port,justification,approver"
    )?;
    for i in 0..rules {
        let port = [443, 80, 4500, 22, 3389, 445, 8443, 1433][rng.usize(0..8)];
        let source = if rng.f64() < 0.97 {
            format!("10.{}.0.0/16", rng.u8(0..255))
        } else {
            "0.0.0.0/0".to_string()
        };
        writeln!(
            w,
            "rule-{i:06},inbound,allow,{source},10.1.{}.{},{port},Business need {i},CAB-{:04}",
            rng.u8(0..255),
            rng.u8(1..255),
            rng.u16(0..9999)
        )?;
    }
    w.flush()?;

    // Registers and logs.
    let mut w = writer(root, "registers/incidents.yaml")?;
    for i in 0..n(200, a.scale) {
        let detected = format!("{}T{:02}:00:00Z", day(rng.i64(1..300)), rng.u8(0..12));
        let hours = if rng.f64() < 0.9 { rng.u8(1..12) } else { rng.u8(13..48) };
        writeln!(
            w,
            "- id: INC-{i:05}\n  type: {}\n  severity: medium\n  status: closed\n  detected_at: {detected}\n  senior_notified_at: {}\n  root_cause: Cause {i}\n  lessons_learned: Lesson {i}",
            if i % 2 == 0 { "breach" } else { "near_miss" },
            jiff::Timestamp::strptime("%Y-%m-%dT%H:%M:%S%#z", detected.replace('Z', "+0000")).map_or(
                detected.clone(),
                |t| t
                    .checked_add(jiff::SignedDuration::from_hours(hours as i64))
                    .map_or(detected.clone(), |t| t.to_string())
            )
        )?;
    }
    w.flush()?;
    let mut w = writer(root, "logs/cyber-alerts.log")?;
    for i in 0..n(60, a.scale) {
        let hours = if rng.f64() < 0.9 {
            rng.u8(1..47)
        } else {
            rng.u8(49..120)
        };
        writeln!(
            w,
            "CC-{:04} HIGH issued=2026-10-01T08:00:00Z acknowledged={}",
            4000 + i,
            jiff::Timestamp::from_second(1_790_841_600 + hours as i64 * 3600)
                .map_or_else(|_| "2026-10-02T08:00:00Z".to_string(), |t| t.to_string())
        )?;
    }
    w.flush()?;
    for host in 0..n(20, a.scale) {
        let mut w = writer(root, &format!("configs/host{host:03}/sshd_config"))?;
        writeln!(
            w,
            "PermitRootLogin no\nPasswordAuthentication {}\nMaxAuthTries 3",
            if host % 10 == 0 { "yes" } else { "no" }
        )?;
        w.flush()?;
    }
    let mut w = writer(root, "registers/backups.json")?;
    writeln!(w, "[")?;
    let systems = n(100, a.scale);
    for i in 0..systems {
        let sep = if i + 1 == systems { "" } else { "," };
        writeln!(
            w,
            "  {{\"system\": \"SYS-{i:04}\", \"critical\": {}, \"last_success\": \"2026-10-31T2{}:00:00Z\", \"immutable_copy\": {}}}{sep}",
            i % 4 == 0,
            rng.u8(0..4),
            rng.f64() < 0.97
        )?;
    }
    writeln!(w, "]")?;
    w.flush()?;
    let mut w = writer(root, "registers/continuity-tests.yaml")?;
    for i in 0..n(20, a.scale) {
        writeln!(
            w,
            "- plan: BCP-{i:03}\n  service: Service {i}\n  tested_on: {}\n  reported_to: Board",
            day(rng.i64(10..420))
        )?;
    }
    w.flush()?;
    let mut w = writer(root, "registers/suppliers.yaml")?;
    for i in 0..n(300, a.scale) {
        writeln!(
            w,
            "- name: Supplier {i}\n  processes_pcd: {}\n  contract_end: {}\n  dspt_status: {}",
            i % 3 == 0,
            if rng.f64() < 0.95 { "2028-03-31" } else { "2026-06-30" },
            if rng.f64() < 0.9 {
                "Standards Met"
            } else {
                "Approaching Standards"
            }
        )?;
    }
    w.flush()?;

    fs::write(root.join("assure.yaml"), MANIFEST)?;
    Ok(())
}

const MANIFEST: &str = "organisation: { name: Synthetic NHS Trust, ods_code: RZZ }
as_of: 2026-11-01
datasets:
  devices: { files: exports/intune/managedDevices.json, preset: intune-managed-devices }
  os_lifecycle: { files: os_lifecycle.csv }
  accounts: { files: exports/ad/users.csv, preset: ad-users-csv }
  leavers: { files: exports/hr/leavers.csv }
  mfa_registration: { files: exports/entra/userRegistrationDetails.json, preset: entra-registration-details }
  staff: { files: exports/hr/staff.tsv }
  training: { files: exports/lms/training.csv }
  vulnerabilities: { files: exports/defender/vulnerabilities.csv, preset: defender-vulnerabilities }
  firewall_rules: { files: network/firewall-rules.csv }
  incidents: { files: registers/incidents.yaml }
  cyber_alerts: { files: logs/cyber-alerts.log, pattern: '^(?P<alert>CC-\\d+) (?P<severity>\\w+) issued=(?P<issued>\\S+) acknowledged=(?P<acknowledged>\\S+)' }
  sshd_config: { files: 'configs/*/sshd_config', format: keyvalue }
  backups: { files: registers/backups.json }
  continuity_tests: { files: registers/continuity-tests.yaml }
  suppliers: { files: registers/suppliers.yaml }
";
