//! Generates a synthetic trust config repo at a chosen scale, deterministically from a seed, in the shapes of
//! real exports (Intune and Entra Graph JSON, Get-ADUser CSV, Defender CSV ...) read through the pack's presets,
//! with evidence for every dataset the pack reads.
//!
//! ```sh
//! cargo run --release --example generate_trust -- --scale 1 --out target/trusts/scale-1
//! ```
//!
//! Scale 1 is a mid-size trust. Every count below is multiplied by `--scale` (scale 10 multiplies it by ten):
//!
//! - exports: 4,000 Intune devices, with per device a Defender software inventory of about 28 packages
//!   (about 110,000 rows), a Defender device inventory row and an Intune firewall status row; 6,000 Active
//!   Directory accounts (employees, administrators, second accounts, service, shared, contractor, agency, locum
//!   and supplier accounts) and their Entra registration details; 5,000 staff, 30,000 training rows, 120
//!   leavers; 400,000 Defender vulnerability rows;
//! - network and configs: 2,000 firewall rules, 6 firewall management interfaces, 20 sshd_config files and
//!   password policies for Active Directory, Entra ID and 4 local systems;
//! - registers and logs: 200 incidents, 60 cyber alerts, 500 privacy alerts, 200 risks, 60 pen test findings, 400 information
//!   assets, about 300 data flows, 150 processing activities, 300 suppliers, 100 backup systems with 1-2
//!   restore tests each, about 45 log sources, 20 continuity tests, about 85 registered service and third-party
//!   accounts, about 140 policy acknowledgements, 8 governance roles and 10 signed attestations.
//!
//! References join as a real trust's would: devices are `NSH-LT-{i:06}`, accounts `user{i}`, staff `E{i:06}`
//! (the accounts' EmployeeID), systems `SYS-{i:04}` (backups, restore tests, log sources, data flows),
//! suppliers `Supplier {i}`, assets `IA-{i:04}` and risks `RR-{i:05}` (cited by cyber alerts and pen test
//! findings). Roughly 3-10% of records fail their checks, as in a real estate; no check is left without
//! evidence. Everything is drawn from one seeded generator and dated relative to 2026-11-01, so the same seed
//! writes the same bytes.
//!
//! Two other shapes stress what the full trust does not:
//!
//! - `--json-heavy`: 40,000 Intune devices, 60,000 Active Directory accounts, 50,000 staff, 2,000 leavers and
//!   300,000 training rows (times `--scale`), every one a Graph-style JSON response (`{"value": [...]}`, one
//!   record a line), with the OS lifecycle table; the pack's checks on other datasets then error for want of
//!   evidence, which costs nothing;
//! - `--wide-header`: a leavers export whose header has 100,000 columns (1 MB), with a few rows.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

struct Args {
    scale: f64,
    out: PathBuf,
    seed: u64,
    shape: Shape,
}

/// Which trust to write.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Evidence for every dataset of the pack, most of its bytes CSV.
    Full,
    /// Devices, accounts, staff, leavers and training as Graph-style JSON (`--json-heavy`).
    JsonHeavy,
    /// A CSV export with a header of 100,000 columns (`--wide-header`).
    WideHeader,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        scale: 1.0,
        out: PathBuf::from("target/trusts/scale-1"),
        seed: 1,
        shape: Shape::Full,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--scale" => args.scale = value()?.parse().map_err(|e| format!("--scale: {e}"))?,
            "--out" => args.out = PathBuf::from(value()?),
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--json-heavy" => args.shape = Shape::JsonHeavy,
            "--wide-header" => args.shape = Shape::WideHeader,
            other => {
                return Err(format!(
                    "unknown argument {other}; use --scale N --out DIR [--seed N] [--json-heavy | --wide-header]"
                ));
            }
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
    let written = match args.shape {
        Shape::Full => generate(&args),
        Shape::JsonHeavy => generate_json_heavy(&args),
        Shape::WideHeader => generate_wide_header(&args),
    };
    if let Err(e) = written {
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

/// A date `days` after 2026-11-01, as ISO.
fn ahead(days: i64) -> String {
    day(-days)
}

/// An ISO date as Get-ADUser | Export-Csv writes it on a UK machine, with a time.
fn uk(iso: &str, time: &str) -> String {
    format!("{}/{}/{} {time}", &iso[8..10], &iso[5..7], &iso[0..4])
}

/// A UTC timestamp during the day `days_before` 2026-11-01 (never midnight).
fn stamp(rng: &mut fastrand::Rng, days_before: i64) -> String {
    format!("{}T{:02}:{:02}:00Z", day(days_before), rng.u8(1..24), rng.u8(0..60))
}

/// 2026-10-01T08:00:00Z, when every generated cyber alert was issued, plus `hours`.
fn after_issue(hours: i64) -> String {
    jiff::Timestamp::from_second(1_790_841_600 + hours * 3600)
        .map_or_else(|_| "2026-10-02T08:00:00Z".to_string(), |t| t.to_string())
}

/// What an Active Directory account is for; decides its columns and which registers name it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A member of staff's own account (`user{i}` with EmployeeID `E{i}`).
    Employee,
    /// A privileged account (AdminCount 1), held by a member of staff.
    Admin,
    /// A member of staff's second account (clinical system, smartcard ...).
    Second,
    /// A service account (no person, no EmployeeID).
    Service,
    /// A shared logon (ward or kiosk account): attributable to nobody.
    Shared,
    /// A contractor, agency, locum or supplier account (EmployeeType as given).
    Third(&'static str),
}

struct Account {
    kind: Kind,
    enabled: bool,
    employee_id: String,
}

/// A package in the Defender software inventory: the share of devices that have it, its current version
/// (a trailing `.*` becomes a random build number; empty when the variants cover every install) and versions
/// some installs have instead, each with its share of the installs, version, EndOfSupportStatus and
/// EndOfSupportDate.
struct Package {
    vendor: &'static str,
    name: &'static str,
    share: f64,
    version: &'static str,
    variants: &'static [(f64, &'static str, &'static str, &'static str)],
}

const fn pkg(
    vendor: &'static str,
    name: &'static str,
    share: f64,
    version: &'static str,
    variants: &'static [(f64, &'static str, &'static str, &'static str)],
) -> Package {
    Package {
        vendor,
        name,
        share,
        version,
        variants,
    }
}

/// About 28 packages per device; browsers are edge_chromium, chrome, firefox and internet_explorer. About 3%
/// of the browser installs and 2.5% of the other installs are out of support.
#[rustfmt::skip]
const PACKAGES: &[Package] = &[
    pkg("microsoft", "edge_chromium", 1.0, "130.0.2849.*", &[(0.01, "109.0.1518.140", "EOS Version", "2023-10-10")]),
    pkg("google", "chrome", 0.7, "130.0.6723.*", &[(0.02, "109.0.5414.120", "EOS Version", "2023-10-10")]),
    pkg("mozilla", "firefox", 0.2, "132.0.*", &[
        (0.1, "102.15.1", "EOS Version", "2023-09-26"),
        (0.1, "115.17.0", "Upcoming EOS Version", "2027-03-01"),
    ]),
    pkg("microsoft", "internet_explorer", 0.02, "", &[(1.0, "11.0.19041.4355", "EOS Software", "2022-06-15")]),
    pkg("microsoft", "office", 1.0, "16.0.17928.*", &[(0.015, "15.0.5589.1001", "EOS Version", "2023-04-11")]),
    pkg("microsoft", "teams", 1.0, "24295.605.*", &[]),
    pkg("microsoft", "onedrive", 1.0, "24.201.1006.*", &[]),
    pkg("microsoft", ".net_framework", 1.0, "4.8.09037", &[]),
    pkg("microsoft", "visual_c++_2015-2022_redistributable", 1.0, "14.40.33810.0", &[]),
    pkg("microsoft", "visual_c++_2010_redistributable", 0.25, "", &[(1.0, "10.0.40219.325", "EOS Software", "2020-07-14")]),
    pkg("microsoft", ".net_runtime", 0.6, "9.0.*", &[
        (0.3, "6.0.36", "EOS Version", "2024-11-12"),
        (0.6, "8.0.10", "Upcoming EOS Version", "2026-11-10"),
    ]),
    pkg("microsoft", "powershell", 0.9, "7.4.*", &[(0.03, "7.2.24", "EOS Version", "2024-11-08")]),
    pkg("microsoft", "remote_desktop", 0.8, "1.2.*", &[]),
    pkg("microsoft", "company_portal", 0.95, "11.2.*", &[]),
    pkg("microsoft", "intune_management_extension", 1.0, "1.83.*", &[]),
    pkg("microsoft", "update_health_tools", 0.9, "5.72.*", &[]),
    pkg("microsoft", "snipping_tool", 1.0, "11.2409.*", &[]),
    pkg("microsoft", "paint", 1.0, "11.2410.*", &[]),
    pkg("microsoft", "windows_terminal", 0.6, "1.21.*", &[]),
    pkg("microsoft", "windows_app_runtime", 0.9, "1.6.*", &[]),
    pkg("microsoft", "quick_assist", 0.8, "2.0.*", &[]),
    pkg("microsoft", "outlook_new", 0.5, "1.2024.*", &[]),
    pkg("microsoft", "msxml", 0.9, "6.30.*", &[]),
    pkg("microsoft", "odbc_driver_for_sql_server", 0.6, "18.4.*", &[]),
    pkg("microsoft", "teams_classic", 0.02, "", &[(1.0, "1.7.00.13456", "EOS Software", "2025-07-01")]),
    pkg("microsoft", "access_database_engine", 0.4, "16.0.*", &[]),
    pkg("microsoft", "visio_viewer", 0.3, "16.0.*", &[]),
    pkg("microsoft", "power_bi_desktop", 0.15, "2.137.*", &[]),
    pkg("microsoft", "sql_server_management_studio", 0.05, "20.2.*", &[]),
    pkg("microsoft", "azure_data_studio", 0.03, "", &[(1.0, "1.50.0", "EOS Software", "2026-02-28")]),
    pkg("microsoft", "visual_studio_code", 0.1, "1.95.*", &[]),
    pkg("microsoft", "silverlight", 0.01, "", &[(1.0, "5.1.50918.0", "EOS Software", "2021-10-12")]),
    pkg("adobe", "acrobat_reader_dc", 0.85, "24.004.*", &[(0.02, "15.007.20033", "EOS Version", "2020-04-07")]),
    pkg("adobe", "flash_player", 0.005, "", &[(1.0, "32.0.0.465", "EOS Software", "2020-12-31")]),
    pkg("igor_pavlov", "7-zip", 0.6, "24.08", &[]),
    pkg("oracle", "jre", 0.3, "1.8.0.431", &[(0.08, "1.8.0.202", "EOS Version", "2019-01-15")]),
    pkg("zoom", "zoom", 0.4, "6.2.*", &[]),
    pkg("citrix", "workspace", 0.5, "24.9.*", &[(0.04, "19.12.7000.10", "EOS Version", "2024-06-30")]),
    pkg("videolan", "vlc_media_player", 0.35, "3.0.21", &[]),
    pkg("notepad-plus-plus", "notepad++", 0.3, "8.7", &[]),
    pkg("simon_tatham", "putty", 0.15, "0.81", &[]),
    pkg("winscp", "winscp", 0.1, "6.3.5", &[]),
    pkg("python", "python", 0.08, "3.12.*", &[(0.1, "3.7.9", "EOS Version", "2023-06-27")]),
    pkg("agfa", "enterprise_imaging", 0.1, "8.2.*", &[]),
    pkg("ge_healthcare", "centricity_universal_viewer", 0.08, "7.0.*", &[(0.05, "6.0.3", "EOS Version", "2024-12-31")]),
    pkg("tracker_software", "pdf-xchange_editor", 0.1, "10.4.*", &[]),
    pkg("dell", "command_update", 0.5, "5.4.*", &[]),
    pkg("hp", "support_assistant", 0.2, "9.40.*", &[]),
    pkg("intel", "graphics_driver", 0.7, "31.0.101.*", &[]),
    pkg("realtek", "audio_driver", 0.6, "6.0.9700.*", &[]),
    pkg("cisco", "secure_client", 0.3, "5.1.6.*", &[(0.1, "5.0.05040", "Upcoming EOS Version", "2027-03-31")]),
    pkg("imprivata", "onesign_agent", 0.7, "7.12.*", &[]),
    pkg("nhs_england", "identity_agent", 0.6, "2.4.*", &[]),
    pkg("thales", "safenet_authentication_client", 0.4, "10.8.*", &[]),
    pkg("git", "git", 0.08, "2.47.*", &[]),
];

fn generate(a: &Args) -> std::io::Result<()> {
    let mut rng = fastrand::Rng::with_seed(a.seed);
    let root = &a.out;
    fs::create_dir_all(root)?;
    let devices = n(4_000, a.scale);
    let accounts = n(6_000, a.scale);
    let staff = n(5_000, a.scale);
    let vulns = n(400_000, a.scale);
    let rules = n(2_000, a.scale);
    let systems = n(100, a.scale);
    let suppliers = n(300, a.scale);

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

    // Active Directory users (Get-ADUser | Export-Csv): quoted, True/False, UK dates. Accounts below the staff
    // count are staff's own (every 50th privileged, 5% of those with a mailbox); the rest are second accounts of staff
    // (a tenth of them naming someone no longer in HR), service, shared and third-party accounts. About 5%
    // are idle for over 90 days, 1.5% of staff accounts have no EmployeeID, 0.4% need no password; third-party
    // accounts have a sponsor (Manager) and an expiry date, with a few missing or too far ahead.
    let third_types = ["Contractor", "Agency", "Locum", "Supplier", "Supplier"];
    let mut accts = Vec::with_capacity(accounts);
    // Policy acknowledgements: privileged access agreements of administrators (once per person) and
    // confidentiality agreements of third parties; about 6% never signed.
    let mut acks: Vec<(String, &str, String)> = Vec::new();
    let mut paa_decided = vec![false; staff];
    let mut w = writer(root, "exports/ad/users.csv")?;
    writeln!(
        w,
        "\"SamAccountName\",\"UserPrincipalName\",\"Enabled\",\"EmployeeID\",\"EmployeeType\",\"LastLogonDate\",\"whenCreated\",\"PasswordNotRequired\",\"AdminCount\",\"mail\",\"Manager\",\"AccountExpirationDate\""
    )?;
    for i in 0..accounts {
        let kind = if i % 50 == 0 {
            Kind::Admin
        } else if i < staff {
            Kind::Employee
        } else {
            let r = rng.f64();
            if r < 0.04 {
                Kind::Service
            } else if r < 0.09 {
                Kind::Third(third_types[rng.usize(..third_types.len())])
            } else if r < 0.10 {
                Kind::Shared
            } else {
                Kind::Second
            }
        };
        let enabled = rng.f64() < 0.93;
        let employee_id = match kind {
            Kind::Employee if rng.f64() < 0.015 => String::new(),
            Kind::Employee => format!("E{i:06}"),
            Kind::Admin => format!("E{:06}", i % staff),
            Kind::Second if rng.f64() < 0.1 => format!("E{:06}", staff + rng.usize(0..staff)),
            Kind::Second => format!("E{:06}", rng.usize(0..staff)),
            Kind::Service | Kind::Shared => String::new(),
            Kind::Third("Supplier") if rng.f64() < 0.08 => String::new(),
            Kind::Third(_) => format!("C{i:06}"),
        };
        let employee_type = match kind {
            Kind::Employee | Kind::Admin | Kind::Second => "Employee",
            Kind::Service => "Service",
            Kind::Shared => "",
            Kind::Third(t) => t,
        };
        let created = if rng.f64() < 0.03 {
            rng.i64(1..30)
        } else {
            rng.i64(60..4000)
        };
        let idle = if created < 30 {
            if rng.bool() { None } else { Some(rng.i64(0..=created)) }
        } else {
            let r = rng.f64();
            if r < 0.95 {
                Some(rng.i64(0..60))
            } else if r < 0.985 {
                Some(rng.i64(91..500).min(created))
            } else {
                None
            }
        };
        let last_logon = idle.map_or(String::new(), |d| {
            uk(&day(d), &format!("{:02}:{:02}:00", rng.u8(7..19), rng.u8(0..60)))
        });
        let mail = match kind {
            Kind::Employee | Kind::Third("Contractor" | "Agency" | "Locum") => format!("user{i}@trust.nhs.uk"),
            Kind::Admin if rng.f64() < 0.05 => format!("user{i}@trust.nhs.uk"),
            _ => String::new(),
        };
        let (manager, expires) = if let Kind::Third(_) = kind {
            let manager = if rng.f64() < 0.04 {
                String::new()
            } else {
                format!("CN=user{},OU=Users,DC=trust,DC=nhs,DC=uk", rng.usize(0..staff))
            };
            let r = rng.f64();
            let expires = if r < 0.03 {
                String::new()
            } else if r < 0.05 {
                uk(&ahead(rng.i64(400..1100)), "00:00:00")
            } else if r < 0.06 {
                uk(&day(rng.i64(1..60)), "00:00:00")
            } else {
                uk(&ahead(rng.i64(14..360)), "00:00:00")
            };
            (manager, expires)
        } else {
            (String::new(), String::new())
        };
        writeln!(
            w,
            "\"user{i}\",\"user{i}@trust.nhs.uk\",\"{}\",\"{employee_id}\",\"{employee_type}\",\"{last_logon}\",\"{}\",\"{}\",\"{}\",\"{mail}\",\"{manager}\",\"{expires}\"",
            if enabled { "True" } else { "False" },
            uk(&day(created), "09:00:00"),
            if rng.f64() < 0.004 { "True" } else { "False" },
            if kind == Kind::Admin { "1" } else { "" },
        )?;
        match kind {
            Kind::Admin if !paa_decided[i % staff] => {
                paa_decided[i % staff] = true;
                if rng.f64() < 0.94 {
                    acks.push((employee_id.clone(), "Privileged access agreement", day(rng.i64(5..700))));
                }
            }
            Kind::Third(_) if !employee_id.is_empty() && rng.f64() < 0.93 => {
                acks.push((
                    employee_id.clone(),
                    "Confidentiality and acceptable use",
                    day(rng.i64(5..400)),
                ));
            }
            _ => {}
        }
        accts.push(Account {
            kind,
            enabled,
            employee_id,
        });
    }
    w.flush()?;

    // HR leavers: 2% of staff, some still enabled above.
    let mut w = writer(root, "exports/hr/leavers.csv")?;
    writeln!(w, "employee_id,leave_date")?;
    for _ in 0..n(120, a.scale) {
        writeln!(w, "E{:06},{}", rng.usize(0..staff), day(rng.i64(2..200)))?;
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
    let mut active = Vec::with_capacity(staff);
    let mut w = writer(root, "exports/hr/staff.tsv")?;
    writeln!(w, "staff_id\tname\tstatus\tconfidentiality_signed_on")?;
    for i in 0..staff {
        let is_active = rng.f64() < 0.97;
        active.push(is_active);
        writeln!(
            w,
            "E{i:06}\tStaff {i}\t{}\t{}",
            if is_active { "active" } else { "left" },
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
        writeln!(w, "E{:06},{course},{},{}", (i / 6) % staff, day(age), rng.u8(70..=100))?;
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

    // Defender software inventory (DeviceTvmSoftwareInventory): about 26 packages per device.
    let mut w = writer(root, "exports/defender/software-inventory.csv")?;
    writeln!(
        w,
        "DeviceName,SoftwareVendor,SoftwareName,SoftwareVersion,EndOfSupportStatus,EndOfSupportDate"
    )?;
    for dev in 0..devices {
        for p in PACKAGES {
            if rng.f64() >= p.share {
                continue;
            }
            let mut r = rng.f64();
            let mut row = None;
            for v in p.variants {
                if r < v.0 {
                    row = Some((v.1.to_string(), v.2, v.3));
                    break;
                }
                r -= v.0;
            }
            let (version, status, date) = row.unwrap_or_else(|| {
                let version = match p.version.strip_suffix(".*") {
                    Some(prefix) => format!("{prefix}.{}", rng.u16(0..500)),
                    None => p.version.to_string(),
                };
                (version, "", "")
            });
            writeln!(w, "NSH-LT-{dev:06},{},{},{version},{status},{date}", p.vendor, p.name)?;
        }
    }
    w.flush()?;

    // Defender device inventory: 1% of devices missing, 2% not onboarded, 2.5% with an unhealthy sensor.
    let mut w = writer(root, "exports/defender/machines.csv")?;
    writeln!(w, "DeviceName,OnboardingStatus,HealthStatus,LastSeen")?;
    for dev in 0..devices {
        let r = rng.f64();
        if r < 0.01 {
            continue;
        }
        let (onboarding, health, seen) = if r < 0.03 {
            ("Can be onboarded", "", rng.i64(1..10))
        } else if r < 0.055 {
            let health = ["Inactive", "ImpairedCommunication", "NoSensorData"][rng.usize(0..3)];
            ("Onboarded", health, rng.i64(8..60))
        } else {
            ("Onboarded", "Active", rng.i64(1..3))
        };
        writeln!(w, "NSH-LT-{dev:06},{onboarding},{health},{}", stamp(&mut rng, seen))?;
    }
    w.flush()?;

    // Intune firewall status: 0.5% of devices unreported, 3% with a profile off (mostly public).
    let mut w = writer(root, "exports/intune/firewall-status.csv")?;
    writeln!(w, "DeviceName,DomainProfile,PrivateProfile,PublicProfile")?;
    for dev in 0..devices {
        let r = rng.f64();
        if r < 0.005 {
            continue;
        }
        let mut on = [true; 3];
        if r < 0.035 {
            let off = rng.f64();
            let profile = if off < 0.1 {
                0
            } else if off < 0.3 {
                1
            } else {
                2
            };
            on[profile] = false;
        }
        let tf = |b: bool| if b { "True" } else { "False" };
        writeln!(w, "NSH-LT-{dev:06},{},{},{}", tf(on[0]), tf(on[1]), tf(on[2]))?;
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

    // Firewall management interfaces: a fifth internet-facing (mostly behind MFA and an allow list), a
    // tenth with a rule review over a year old.
    let firewalls = n(6, a.scale);
    let fw_name = |j: usize| {
        format!(
            "{}-{:02}",
            ["fw-edge", "fw-dmz", "fw-core", "fw-remote"][j % 4],
            j / 4 + 1
        )
    };
    let mut w = writer(root, "network/firewall-admin.yaml")?;
    writeln!(w, "# Perimeter firewall management")?;
    for j in 0..firewalls {
        let internet_facing = rng.f64() < 0.2;
        let (mfa, allow_list) = if internet_facing {
            (rng.f64() < 0.9, rng.f64() < 0.8)
        } else {
            (rng.f64() < 0.5, true)
        };
        let reviewed = if rng.f64() < 0.9 {
            rng.i64(10..330)
        } else {
            rng.i64(380..800)
        };
        writeln!(
            w,
            "- device: {}\n  internet_facing: {internet_facing}\n  mfa: {mfa}\n  ip_allow_list: {allow_list}\n  rules_reviewed_on: {}",
            fw_name(j),
            day(reviewed)
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

    // Risk register: 80% open; 3% without an owner, 6% of open risks not reviewed for over 90 days.
    let risks = n(200, a.scale);
    let titles = [
        "Unsupported software on clinical devices",
        "Supplier remote access",
        "Backup console shares domain credentials",
        "Phishing of clinical staff",
        "Legacy PAS local accounts",
        "Medical devices on the clinical network",
        "Paper records in transit between sites",
        "Shared drive permissions",
        "Unencrypted removable media",
        "Single administrator for the EPR",
    ];
    let owners = [
        "SIRO",
        "Head of IM&T",
        "Head of IG",
        "CCIO",
        "Director of Finance",
        "Chief Nurse",
    ];
    let mut open_owned = Vec::new();
    let mut other_risks = Vec::new();
    let mut w = writer(root, "registers/risk-register.csv")?;
    writeln!(w, "risk_id,title,owner,status,rating,last_reviewed")?;
    for i in 0..risks {
        let id = format!("RR-{i:05}");
        let owner = if rng.f64() < 0.03 {
            ""
        } else {
            owners[rng.usize(0..owners.len())]
        };
        let open = rng.f64() < 0.8;
        let reviewed = if !open {
            rng.i64(30..700)
        } else if rng.f64() < 0.94 {
            rng.i64(0..85)
        } else {
            rng.i64(95..400)
        };
        let title = titles
            .get(i)
            .map_or_else(|| format!("Information risk {i}"), |t| (*t).to_string());
        writeln!(
            w,
            "{id},{title},{owner},{},{},{}",
            if open { "open" } else { "closed" },
            [4, 6, 8, 9, 12, 15, 16, 20][rng.usize(0..8)],
            day(reviewed)
        )?;
        if open && !owner.is_empty() {
            open_owned.push(id);
        } else {
            other_risks.push(id);
        }
    }
    w.flush()?;
    // A risk reference: nine in ten an open, owned risk; otherwise a closed or unowned one, or none at all.
    let risk_ref = |rng: &mut fastrand::Rng| -> String {
        if !open_owned.is_empty() && rng.f64() < 0.9 {
            open_owned[rng.usize(0..open_owned.len())].clone()
        } else if !other_risks.is_empty() && rng.bool() {
            other_risks[rng.usize(0..other_risks.len())].clone()
        } else {
            format!("RR-{:05}", risks + rng.usize(0..1000))
        }
    };

    // Cyber alerts: 10% acknowledged late; 5% not applicable; of the rest 4% mitigated late, 7% carried as a
    // risk and 3% still open.
    let mut w = writer(root, "logs/cyber-alerts.log")?;
    for i in 0..n(60, a.scale) {
        let hours = if rng.f64() < 0.9 {
            rng.u8(1..47)
        } else {
            rng.u8(49..120)
        };
        let r = rng.f64();
        let tail = if r < 0.05 {
            " applicable=false".to_string()
        } else if r < 0.86 {
            format!(" mitigated={}", after_issue(rng.i64(i64::from(hours) + 1..14 * 24)))
        } else if r < 0.9 {
            format!(" mitigated={}", after_issue(rng.i64(15 * 24..30 * 24)))
        } else if r < 0.97 {
            format!(" risk={}", risk_ref(&mut rng))
        } else {
            String::new()
        };
        writeln!(
            w,
            "CC-{:04} HIGH issued=2026-10-01T08:00:00Z acknowledged={}{tail}",
            4000 + i,
            after_issue(i64::from(hours))
        )?;
    }
    w.flush()?;

    // Pen test findings from four engagements: critical and high ones fixed within 14 days, except 6% carried
    // as a risk, 4.5% fixed late and 4.5% still open.
    let mut w = writer(root, "registers/pentest-findings.csv")?;
    writeln!(w, "finding_id,test_date,severity,reported_on,status,closed_on,risk_ref")?;
    for i in 0..n(60, a.scale) {
        let tested = [300, 210, 120, 40][i % 4];
        let reported = tested - 7;
        let severity = match rng.f64() {
            r if r < 0.08 => "critical",
            r if r < 0.3 => "high",
            r if r < 0.7 => "medium",
            _ => "low",
        };
        let r = rng.f64();
        let (fix_days, risk) = if severity == "critical" || severity == "high" {
            if r < 0.85 {
                (Some(rng.i64(1..=14)), String::new())
            } else if r < 0.91 {
                (None, risk_ref(&mut rng))
            } else if r < 0.955 {
                (Some(rng.i64(15..40)), String::new())
            } else {
                (None, String::new())
            }
        } else if r < 0.7 {
            (Some(rng.i64(10..60)), String::new())
        } else {
            (None, String::new())
        };
        // A fix dated after 2026-11-01 has not happened yet.
        let closed = fix_days.filter(|d| reported - d >= 1).map(|d| day(reported - d));
        writeln!(
            w,
            "PT-{i:04},{},{severity},{},{},{},{risk}",
            day(tested),
            day(reported),
            if closed.is_some() { "closed" } else { "open" },
            closed.unwrap_or_default()
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

    // Backups, restore tests (one or two per system; 4% of systems' last test failed, 4% only tested over a
    // year ago) and log sources (critical systems, 2% missing, 2% not forwarding, 2% silent; domain
    // controllers, firewalls, cloud services and a tenth of the other systems).
    let mut w = writer(root, "registers/backups.json")?;
    writeln!(w, "[")?;
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
    let mut w = writer(root, "registers/restore-tests.csv")?;
    writeln!(w, "system,tested_on,result,notes")?;
    for i in 0..systems {
        if rng.bool() {
            writeln!(w, "SYS-{i:04},{},success,Previous annual test", day(rng.i64(380..700)))?;
        }
        let r = rng.f64();
        let (tested, result, notes) = if r < 0.92 {
            (
                rng.i64(10..330),
                "success",
                "Full restore to the isolated environment within the RTO",
            )
        } else if r < 0.96 {
            (
                rng.i64(10..330),
                "failed",
                "Restore incomplete: encryption keys missing from the runbook",
            )
        } else {
            (rng.i64(366..379), "success", "Sample restore verified")
        };
        writeln!(w, "SYS-{i:04},{},{result},{notes}", day(tested))?;
    }
    w.flush()?;
    let mut w = writer(root, "registers/log-sources.yaml")?;
    writeln!(w, "# Systems forwarding security logs to the SIEM")?;
    let log_source = |w: &mut BufWriter<File>, rng: &mut fastrand::Rng, system: &str| -> std::io::Result<()> {
        let r = rng.f64();
        if r < 0.02 {
            return Ok(());
        }
        let (forwarding, silent) = if r < 0.04 {
            (false, rng.i64(30..200))
        } else if r < 0.06 {
            (true, rng.i64(3..20))
        } else {
            (true, 1)
        };
        let last_event = stamp(rng, silent);
        writeln!(
            w,
            "- system: {system}\n  forwarding: {forwarding}\n  last_event: \"{last_event}\""
        )
    };
    for i in 0..systems {
        if i % 4 == 0 || rng.f64() < 0.1 {
            log_source(&mut w, &mut rng, &format!("SYS-{i:04}"))?;
        }
    }
    for k in 0..n(4, a.scale) {
        log_source(&mut w, &mut rng, &format!("DC{:02}", k + 1))?;
    }
    for j in 0..firewalls {
        log_source(&mut w, &mut rng, &fw_name(j))?;
    }
    for system in ["Entra ID", "Exchange Online", "VPN gateway"] {
        log_source(&mut w, &mut rng, system)?;
    }
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
    let mut expired = Vec::with_capacity(suppliers);
    let mut w = writer(root, "registers/suppliers.yaml")?;
    for i in 0..suppliers {
        let current = rng.f64() < 0.95;
        expired.push(!current);
        writeln!(
            w,
            "- name: Supplier {i}\n  processes_pcd: {}\n  contract_end: {}\n  dspt_status: {}",
            i % 3 == 0,
            if current { "2028-03-31" } else { "2026-06-30" },
            if rng.f64() < 0.9 {
                "Standards Met"
            } else {
                "Approaching Standards"
            }
        )?;
    }
    w.flush()?;

    // Service and third-party account register: 95% of service accounts and 92% of third-party accounts
    // registered, each with an owner (the sponsor) and a purpose.
    let mut w = writer(root, "registers/service-accounts.yaml")?;
    writeln!(w, "# Service account register")?;
    let purposes = [
        ("Backup agent", "Infrastructure manager"),
        ("Integration engine", "Integration team lead"),
        ("SQL Server service", "Database administrator"),
        ("Scheduled reporting task", "Head of information"),
        ("Monitoring agent", "Infrastructure manager"),
        ("Scan to email", "Head of IM&T"),
    ];
    for (i, acct) in accts.iter().enumerate() {
        let (owner, purpose) = match acct.kind {
            Kind::Service if rng.f64() < 0.95 => {
                let (purpose, owner) = purposes[rng.usize(0..purposes.len())];
                (
                    owner.to_string(),
                    format!("{purpose} (SYS-{:04})", rng.usize(0..systems)),
                )
            }
            Kind::Third(t) if rng.f64() < 0.92 => {
                let purpose = match t {
                    "Supplier" => format!("Supplier {} remote support", 3 * rng.usize(0..suppliers.div_ceil(3))),
                    "Contractor" => "Contracted project work".to_string(),
                    _ => format!("{t} clinical staff access"),
                };
                (format!("user{} (sponsor)", rng.usize(0..staff)), purpose)
            }
            _ => continue,
        };
        writeln!(
            w,
            "- account: user{i}\n  owner: {owner}\n  purpose: {purpose}\n  approved_on: {}\n  review_due: {}",
            day(rng.i64(30..1500)),
            ahead(rng.i64(10..365))
        )?;
    }
    w.flush()?;

    let mut w = writer(root, "registers/acknowledgements.csv")?;
    writeln!(w, "staff_id,policy,signed_on")?;
    for (staff_id, policy, signed_on) in &acks {
        writeln!(w, "{staff_id},{policy},{signed_on}")?;
    }
    w.flush()?;

    // Governance roles, held by active staff with enabled accounts (a small chance, per role, of whoever).
    let holder = |rng: &mut fastrand::Rng| -> usize {
        if rng.f64() < 0.03 {
            return rng.usize(0..staff);
        }
        for _ in 0..10_000 {
            let k = rng.usize(0..staff);
            if active[k] && accts[k].enabled && accts[k].kind == Kind::Employee && !accts[k].employee_id.is_empty() {
                return k;
            }
        }
        0
    };
    let mut siro = 0;
    let mut w = writer(root, "registers/roles.yaml")?;
    writeln!(w, "# Key information governance roles")?;
    for role in [
        "SIRO",
        "Caldicott Guardian",
        "Data Protection Officer",
        "Deputy SIRO",
        "Information Governance Lead",
        "Chief Information Officer",
        "Head of Cyber Security",
        "Records Manager",
    ] {
        let k = holder(&mut rng);
        if role == "SIRO" {
            siro = k;
        }
        writeln!(
            w,
            "- role: {role}\n  holder_staff_id: E{k:06}\n  holder_account: user{k}\n  appointed_on: {}",
            day(rng.i64(100..2500))
        )?;
    }
    w.flush()?;

    // Password policies: Active Directory and Entra ID meet NCSC guidance; a fifth of the local system
    // policies do not.
    let mut w = writer(root, "configs/password-policy.yaml")?;
    writeln!(w, "# Password and lockout policies per directory")?;
    writeln!(
        w,
        "- scope: trust.nhs.uk (Active Directory)\n  min_length: 14\n  lockout_threshold: 10\n  mfa_enforced: true\n  deny_list: true"
    )?;
    writeln!(
        w,
        "- scope: Entra ID\n  min_length: 12\n  lockout_threshold: 10\n  mfa_enforced: true\n  deny_list: true"
    )?;
    for k in 0..n(4, a.scale) {
        let (min_length, lockout, mfa, deny) = if rng.f64() < 0.2 {
            (rng.u8(6..8), [0, 20][rng.usize(0..2)], false, false)
        } else {
            (rng.u8(8..16), rng.u8(3..=10), rng.bool(), true)
        };
        writeln!(
            w,
            "- scope: SYS-{:04} (local accounts)\n  min_length: {min_length}\n  lockout_threshold: {lockout}\n  mfa_enforced: {mfa}\n  deny_list: {deny}",
            (4 * k + 1) % systems
        )?;
    }
    w.flush()?;

    // Attestations: three years of board approvals of the cyber security strategy and of annual process
    // reviews, and the other board sign-offs no export shows.
    let mut w = writer(root, "registers/attestations.yaml")?;
    writeln!(w, "# Signed statements for what no export can show")?;
    for year in 0..3 {
        let ago = 365 * year;
        writeln!(
            w,
            "- statement: The board approved the cyber security strategy (CAF-aligned)\n  signed_by: Staff {siro}\n  role: SIRO\n  signed_on: {}\n  document_ref: Board paper BP-{}-03",
            day(ago + rng.i64(200..240)),
            2026 - year
        )?;
        let reference = if year == 0 && rng.f64() < 0.1 {
            String::new()
        } else {
            format!("IG group minutes {}-07", 2026 - year)
        };
        writeln!(
            w,
            "- statement: Annual process review of breaches, near misses and workarounds completed\n  signed_by: Staff {siro}\n  role: SIRO\n  signed_on: {}\n  document_ref: \"{reference}\"",
            day(ago + rng.i64(100..130))
        )?;
    }
    for (statement, role, ago) in [
        ("The board approved the DSPT submission", "SIRO", 150),
        ("The board approved the DSPT submission", "SIRO", 515),
        (
            "The information governance framework was approved",
            "Caldicott Guardian",
            300,
        ),
        ("The board received the annual SIRO report", "SIRO", 60),
    ] {
        writeln!(
            w,
            "- statement: {statement}\n  signed_by: Staff {siro}\n  role: {role}\n  signed_on: {}\n  document_ref: Board minutes {}",
            day(ago),
            day(ago + 2)
        )?;
    }
    w.flush()?;

    // Information asset register: 75% hold personal data, a quarter shared externally; 2% without an owner,
    // 1.5% without a lawful basis, 4% not reviewed for over a year.
    let named_assets = [
        "Electronic patient record",
        "Picture archiving (PACS)",
        "Pathology LIMS",
        "Patient administration system",
        "Maternity system",
        "Theatres system",
        "Pharmacy system",
        "Radiology information system",
        "Data warehouse",
        "HR system (ESR)",
        "Finance system",
        "Rostering system",
    ];
    let asset_owners = [
        "CCIO",
        "Chief Nurse",
        "Medical Director",
        "Director of Finance",
        "Head of IM&T",
        "Director of Workforce",
        "Chief Operating Officer",
    ];
    let bases = ["6(1)(e); 9(2)(h)", "6(1)(c); 9(2)(h)", "6(1)(b); 9(2)(b)"];
    let assets = n(400, a.scale);
    let mut asset_flags = Vec::with_capacity(assets);
    let mut w = writer(root, "registers/information-assets.csv")?;
    writeln!(
        w,
        "asset_id,name,owner,contains_pcd,lawful_basis,shared_externally,last_review"
    )?;
    for i in 0..assets {
        let name = named_assets.get(i).map_or_else(
            || match i % 3 {
                0 => format!("Shared drive {i}"),
                1 => format!("Departmental database {i}"),
                _ => format!("System {i}"),
            },
            |s| (*s).to_string(),
        );
        let pcd = rng.f64() < 0.75;
        let shared = rng.f64() < 0.25;
        let owner = if rng.f64() < 0.02 {
            ""
        } else {
            asset_owners[rng.usize(0..asset_owners.len())]
        };
        let basis = if !pcd || rng.f64() < 0.015 {
            ""
        } else {
            bases[rng.usize(0..bases.len())]
        };
        let reviewed = if rng.f64() < 0.96 {
            rng.i64(0..360)
        } else {
            rng.i64(370..900)
        };
        writeln!(w, "IA-{i:04},{name},{owner},{pcd},{basis},{shared},{}", day(reviewed))?;
        asset_flags.push((pcd, shared));
    }
    w.flush()?;

    // Data flows: an external flow (a fifth of the time two) for 95% of the assets shared externally, to a
    // partner or to a supplier processing personal data, under an agreement 95% of the time; internal flows
    // fill up to about 300. 3% unencrypted, 5% inactive; 1.5% of supplier flows go to a supplier missing from
    // the register and 5% to one whose contract has ended.
    let partners = [
        "GP practices",
        "ICB",
        "Shared care record",
        "NHS England",
        "Local authority",
        "Neighbouring trust",
    ];
    let shared_assets = asset_flags.iter().filter(|f| f.1).count();
    let internal_share = ((n(300, a.scale) as f64 - shared_assets as f64 * 0.95 * 1.2) / assets as f64).clamp(0.0, 1.0);
    let pcd_suppliers = suppliers.div_ceil(3);
    let mut w = writer(root, "registers/data-flows.csv")?;
    writeln!(
        w,
        "flow_id,asset_id,source,destination,external,contains_pcd,encrypted_in_transit,agreement_ref,supplier,status,\
         purpose,legal_basis,confidential_patient_information,opt_out_applied,opt_out_exemption"
    )?;
    let mut flow = 0;
    for (i, &(pcd, shared)) in asset_flags.iter().enumerate() {
        let externals = if shared && rng.f64() < 0.95 {
            if rng.f64() < 0.2 { 2 } else { 1 }
        } else {
            0
        };
        let internals = usize::from(rng.f64() < internal_share);
        for e in 0..externals + internals {
            let external = e < externals;
            let source = format!("SYS-{:04}", rng.usize(0..systems));
            let (destination, supplier, agreement) = if !external {
                let destination = if rng.bool() {
                    "Data warehouse".to_string()
                } else {
                    format!("SYS-{:04}", rng.usize(0..systems))
                };
                (destination, String::new(), String::new())
            } else if rng.f64() < 0.4 {
                let k = 3 * rng.usize(0..pcd_suppliers);
                let name = if rng.f64() < 0.015 {
                    format!("Unlisted Supplier {}", rng.u16(1..1000))
                } else {
                    format!("Supplier {k}")
                };
                (name.clone(), name, format!("DPA-{k:04}"))
            } else {
                let partner = partners[rng.usize(0..partners.len())];
                (
                    partner.to_string(),
                    String::new(),
                    format!("DSA-{}-{flow:05}", 2020 + rng.u16(0..7)),
                )
            };
            let agreement = if rng.f64() < 0.05 { String::new() } else { agreement };
            // Purpose and basis follow from the recipient (the national data opt-out): the warehouse receives
            // pseudonymised data, the ICB flows apply the opt-out, NHS England's are required by law.
            let opt_out = match destination.as_str() {
                "Data warehouse" => "planning,pseudonymised at source,false,false,".to_string(),
                "ICB" => format!("commissioning,section 251 support (Regulation 5 COPI),{pcd},true,"),
                "NHS England" => format!("planning,section 259 requirement,{pcd},false,legal requirement"),
                _ => format!("direct care,implied consent (direct care),{pcd},false,"),
            };
            writeln!(
                w,
                "DF-{flow:05},IA-{i:04},{source},{destination},{external},{pcd},{},{agreement},{supplier},{},{opt_out}",
                rng.f64() >= 0.03,
                if rng.f64() < 0.05 { "inactive" } else { "active" }
            )?;
            flow += 1;
        }
    }
    w.flush()?;

    // Record of processing activities: 30% started in the last year, 40% high risk, 8% of those without a DPIA.
    let activities = [
        "Virtual wards (remote monitoring)",
        "AI dictation pilot in outpatients",
        "Patient portal",
        "Population health analytics",
        "Staff wellbeing survey",
        "Clinical photography",
        "Research data extracts",
        "CCTV on wards",
    ];
    let mut w = writer(root, "registers/processing-activities.yaml")?;
    writeln!(w, "# Record of processing activities (UK GDPR Article 30)")?;
    for i in 0..n(150, a.scale) {
        let activity = activities
            .get(i)
            .map_or_else(|| format!("Processing activity {i}"), |s| (*s).to_string());
        let started = if rng.f64() < 0.3 {
            rng.i64(0..360)
        } else {
            rng.i64(370..3000)
        };
        let high_risk = rng.f64() < 0.4;
        let dpia = if high_risk && rng.f64() >= 0.08 {
            format!("DPIA-{i:04}")
        } else {
            String::new()
        };
        writeln!(
            w,
            "- activity: {activity}\n  created_on: {}\n  high_risk: {high_risk}\n  dpia_ref: \"{dpia}\"",
            day(started)
        )?;
    }
    w.flush()?;

    // Privacy monitoring alerts on patient records over 90 days: 95% reviewed 1-6 days later, 3% 8-19 days
    // later, 2% not reviewed, nor those whose review would fall after the assessment date (pending when raised
    // in the last 7 days, overdue before). Written last, so the files above are what they were before.
    let rules = [
        "Same surname",
        "Own record",
        "Colleague's record",
        "Same address",
        "Well-known patient",
    ];
    let mut w = writer(root, "exports/privacy-monitoring/alerts.csv")?;
    writeln!(w, "alert_id,raised_at,system,rule,user,reviewed_at,outcome")?;
    for i in 0..n(500, a.scale) {
        let raised = rng.i64(1..91);
        let r = rng.f64();
        let reviewed = if r < 0.02 {
            String::new()
        } else {
            let days = if r < 0.05 { rng.i64(8..20) } else { rng.i64(1..7) };
            if days >= raised {
                String::new()
            } else {
                stamp(&mut rng, raised - days)
            }
        };
        writeln!(
            w,
            "PA-{i:06},{},SYS-{:04},{},user{},{reviewed},{}",
            stamp(&mut rng, raised),
            rng.usize(0..systems),
            rules[rng.usize(0..rules.len())],
            rng.usize(0..accounts),
            if reviewed.is_empty() { "" } else { "No further action" }
        )?;
    }
    w.flush()?;

    fs::write(root.join("assure.yaml"), MANIFEST)?;
    Ok(())
}

/// A JSON-heavy trust (`--json-heavy`): the joins and ratios of the full trust over Graph-style JSON.
fn generate_json_heavy(a: &Args) -> std::io::Result<()> {
    let mut rng = fastrand::Rng::with_seed(a.seed);
    let root = &a.out;
    fs::create_dir_all(root)?;
    let devices = n(40_000, a.scale);
    let accounts = n(60_000, a.scale);
    let staff = n(50_000, a.scale);
    let open = |w: &mut BufWriter<File>, what: &str| {
        writeln!(
            w,
            "{{\n  \"@odata.context\": \"https://graph.microsoft.com/v1.0/$metadata#{what}\",\n  \"value\": ["
        )
    };
    let close = |w: &mut BufWriter<File>| writeln!(w, "  ]\n}}");
    let sep = |i: usize, count: usize| if i + 1 == count { "" } else { "," };

    // Intune devices: 8% on Windows 10 22H2 (past its end of support), 5% unencrypted.
    let mut w = writer(root, "exports/intune/managedDevices.json")?;
    open(&mut w, "deviceManagement/managedDevices")?;
    for i in 0..devices {
        let os_version = if rng.f64() < 0.08 {
            format!("10.0.19045.{}", 4000 + rng.u32(0..1300))
        } else {
            format!("10.0.26100.{}", 1000 + rng.u32(0..2000))
        };
        writeln!(
            w,
            "    {{\"id\": \"{i:08x}-0000-4000-8000-000000000000\", \"deviceName\": \"NSH-LT-{i:06}\", \"userPrincipalName\": \"user{}@trust.nhs.uk\", \"managedDeviceOwnerType\": \"company\", \"operatingSystem\": \"Windows\", \"osVersion\": \"{os_version}\", \"complianceState\": \"{}\", \"isEncrypted\": {}, \"totalStorageSpaceInBytes\": {}, \"lastSyncDateTime\": \"{}T0{}:12:44.1234567Z\", \"serialNumber\": \"SN{:08}\", \"notes\": null}}{}",
            rng.usize(0..accounts),
            if rng.f64() < 0.9 { "compliant" } else { "noncompliant" },
            rng.f64() >= 0.05,
            256_060_514_304u64,
            day(rng.i64(0..20)),
            rng.u8(0..10),
            rng.u32(..),
            sep(i, devices),
        )?;
    }
    close(&mut w)?;
    w.flush()?;
    fs::write(
        root.join("os_lifecycle.csv"),
        "product,build,release,edition,end_of_support\nWindows,10.0.19045,Windows 10 22H2,Enterprise,2025-10-14\nWindows,10.0.26100,Windows 11 24H2,Enterprise,2027-10-12\n",
    )?;

    // Accounts, as Get-ADUser's properties: the first `staff` are staff's own (every 50th privileged), the
    // rest service accounts; 7% disabled, 5% idle for over 90 days.
    let mut w = writer(root, "exports/ad/users.json")?;
    open(&mut w, "users")?;
    for i in 0..accounts {
        let own = i < staff;
        let employee_id = if own {
            format!("\"E{i:06}\"")
        } else {
            "null".to_string()
        };
        let idle = if rng.f64() < 0.95 {
            rng.i64(0..60)
        } else {
            rng.i64(91..500)
        };
        writeln!(
            w,
            "    {{\"SamAccountName\": \"user{i}\", \"UserPrincipalName\": \"user{i}@trust.nhs.uk\", \"Enabled\": {}, \"EmployeeID\": {employee_id}, \"EmployeeType\": \"{}\", \"LastLogonDate\": \"{}T08:30:00\", \"whenCreated\": \"{}T09:00:00\", \"PasswordNotRequired\": false, \"AdminCount\": {}, \"mail\": \"user{i}@trust.nhs.uk\"}}{}",
            rng.f64() < 0.93,
            if own { "Employee" } else { "Service" },
            day(idle),
            day(idle + rng.i64(100..3000)),
            if own && i % 50 == 0 { "1" } else { "null" },
            sep(i, accounts),
        )?;
    }
    close(&mut w)?;
    w.flush()?;

    // Staff (97% active), leavers (some still enabled above) and training, several courses a person.
    let mut w = writer(root, "exports/hr/staff.json")?;
    open(&mut w, "staff")?;
    for i in 0..staff {
        writeln!(
            w,
            "    {{\"staff_id\": \"E{i:06}\", \"name\": \"Staff {i}\", \"status\": \"{}\", \"confidentiality_signed_on\": \"{}\"}}{}",
            if rng.f64() < 0.97 { "active" } else { "left" },
            day(rng.i64(0..900)),
            sep(i, staff),
        )?;
    }
    close(&mut w)?;
    w.flush()?;
    let leavers = n(2_000, a.scale);
    let mut w = writer(root, "exports/hr/leavers.json")?;
    open(&mut w, "leavers")?;
    for i in 0..leavers {
        writeln!(
            w,
            "    {{\"employee_id\": \"E{:06}\", \"leave_date\": \"{}\"}}{}",
            rng.usize(0..staff),
            day(rng.i64(2..200)),
            sep(i, leavers),
        )?;
    }
    close(&mut w)?;
    w.flush()?;
    let training = n(300_000, a.scale);
    let mut w = writer(root, "exports/lms/training.json")?;
    open(&mut w, "training")?;
    for i in 0..training {
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
        writeln!(
            w,
            "    {{\"staff_id\": \"E{:06}\", \"course\": \"{course}\", \"completed_on\": \"{}\", \"score\": {}}}{}",
            (i / 6) % staff,
            day(age),
            rng.u8(70..=100),
            sep(i, training),
        )?;
    }
    close(&mut w)?;
    w.flush()?;
    fs::write(root.join("assure.yaml"), JSON_HEAVY_MANIFEST)
}

const JSON_HEAVY_MANIFEST: &str = "organisation: { name: Synthetic NHS Trust, ods_code: RZZ }
as_of: 2026-11-01
datasets:
  devices: { files: exports/intune/managedDevices.json, preset: intune-managed-devices }
  os_lifecycle: { files: os_lifecycle.csv }
  accounts: { files: exports/ad/users.json, format: json }
  staff: { files: exports/hr/staff.json }
  leavers: { files: exports/hr/leavers.json }
  training: { files: exports/lms/training.json }
";

/// A trust whose leavers export has a header of 100,000 columns (`--wide-header`): duplicate-header detection
/// and column lookup must stay linear in the header's width.
fn generate_wide_header(a: &Args) -> std::io::Result<()> {
    let root = &a.out;
    fs::create_dir_all(root)?;
    let extra = 100_000;
    let mut w = writer(root, "exports/hr/leavers.csv")?;
    write!(w, "employee_id,leave_date")?;
    for i in 0..extra {
        write!(w, ",extra_{i}")?;
    }
    writeln!(w)?;
    let empty = ",".repeat(extra);
    for i in 0..n(20, a.scale) {
        writeln!(w, "E{i:06},{}{empty}", day(i as i64 + 2))?;
    }
    w.flush()?;
    fs::write(
        root.join("assure.yaml"),
        "organisation: { name: Synthetic NHS Trust, ods_code: RZZ }\nas_of: 2026-11-01\ndatasets:\n  leavers: { files: exports/hr/leavers.csv }\n",
    )
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
  software: { files: exports/defender/software-inventory.csv, preset: defender-software-inventory }
  edr_devices: { files: exports/defender/machines.csv }
  firewall_status: { files: exports/intune/firewall-status.csv }
  firewall_rules: { files: network/firewall-rules.csv }
  firewall_admin: { files: network/firewall-admin.yaml }
  incidents: { files: registers/incidents.yaml }
  cyber_alerts: { files: logs/cyber-alerts.log, pattern: '^(?P<alert>CC-\\d+) (?P<severity>\\w+) issued=(?P<issued>\\S+) acknowledged=(?P<acknowledged>\\S+)(?: mitigated=(?P<mitigated>\\S+))?(?: risk=(?P<risk_ref>\\S+))?(?: applicable=(?P<applicable>\\S+))?' }
  sshd_config: { files: 'configs/*/sshd_config', format: keyvalue }
  password_policy: { files: configs/password-policy.yaml }
  backups: { files: registers/backups.json }
  restore_tests: { files: registers/restore-tests.csv }
  log_sources: { files: registers/log-sources.yaml }
  continuity_tests: { files: registers/continuity-tests.yaml }
  suppliers: { files: registers/suppliers.yaml }
  info_assets: { files: registers/information-assets.csv }
  data_flows: { files: registers/data-flows.csv }
  processing_activities: { files: registers/processing-activities.yaml }
  risk_register: { files: registers/risk-register.csv }
  pentest_findings: { files: registers/pentest-findings.csv }
  acknowledgements: { files: registers/acknowledgements.csv }
  roles: { files: registers/roles.yaml }
  service_accounts: { files: registers/service-accounts.yaml }
  attestations: { files: registers/attestations.yaml }
  privacy_alerts: { files: exports/privacy-monitoring/alerts.csv }
";
