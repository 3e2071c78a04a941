#!/usr/bin/env python3
"""Writes the bundled example config repos, deterministically:

- examples/northshire: a fictional mid-size acute trust (about 1,500 staff and devices, thousands of records in
  the shapes of real exports, read through the pack's presets) with failures planted across the standards;
- examples/exemplar: a fictional community trust whose evidence passes every check;
- examples/northshire/history: Northshire's earlier monthly results (`assure check --format json`), assessed
  by assure itself on earlier states of the same evidence, so `assure report --history` shows a real trend.

Run from the repository root:  python3 examples/tools/generate_examples.py
(the history needs an assure binary: $ASSURE, else target/debug/assure or target/release/assure, else
`cargo run`; the same binary and pack give the same files.)
Names and identifiers are invented. The planted records are listed in each example's README.md, and
tests/examples.rs snapshots the results, so a change here shows up as a reviewed snapshot diff.
"""

import csv
import io
import json
import os
import random
import shutil
import subprocess
import tempfile

AS_OF = "2026-11-01"
FIRST = ["Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Arthur", "Ivy", "Leo", "Grace", "Oscar",
         "Freya", "Harry", "Lily", "Jack", "Rosie", "Muhammad", "Ella", "Theo", "Sofia", "Alfie", "Evie", "Jacob",
         "Poppy", "Finley", "Aisha", "Ravi", "Chloe", "Kwame", "Nadia", "Tariq", "Megan", "Owen", "Siobhan", "Dylan"]
LAST = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
        "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Thomas", "Clarke", "Jackson",
        "Wood", "Harris", "Edwards", "Turner", "Martin", "Cooper", "Hill", "Ward", "Hughes", "Begum", "Khan",
        "Okoro", "Murphy", "Kaur", "Nowak"]


def date(y, m, d):
    return f"{y:04d}-{m:02d}-{d:02d}"


def days_before(n, base=(2026, 11, 1)):
    """ISO date n days before the base date (proleptic, good enough for fixture data)."""
    import datetime
    return (datetime.date(*base) - datetime.timedelta(days=n)).isoformat()


def uk(iso, time="09:00:00"):
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y} {time}"


def write(root, rel, text, newline="\n"):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text.replace("\n", newline) if newline != "\n" else text)


def csv_text(header, rows, quote_all=False, delimiter=","):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n",
                   quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(h, "") for h in header])
    return buf.getvalue()


def yaml_list(records, comment):
    """A YAML list of flat records (values JSON-quoted where needed)."""
    out = [f"# {comment}"]
    for r in records:
        first = True
        for k, v in r.items():
            if isinstance(v, bool):
                s = "true" if v else "false"
            elif isinstance(v, (int, float)):
                s = str(v)
            else:
                s = json.dumps(v) if (v == "" or any(c in str(v) for c in ":#{}[],&*!|>'\"%@`") or str(v).strip() != str(v)) else str(v)
            out.append(("- " if first else "  ") + f"{k}: {s}")
            first = False
    return "\n".join(out) + "\n"


class Trust:
    def __init__(self, name, ods, domain, prefix, size, seed, planted):
        self.name, self.ods, self.domain, self.prefix = name, ods, domain, prefix
        self.size, self.rng, self.planted = size, random.Random(seed), planted
        self.staff, self.accounts, self.training, self.devices = [], [], [], []
        self.mfa, self.acks, self.vulns, self.software = [], [], [], []
        self.edr, self.fw_status = [], []
        self.exceptions = []


def people(t, start_id):
    """Background staff: active, trained, signed, each with an enabled account and MFA."""
    used = set()
    for i in range(t.size):
        rng = t.rng
        first, last = rng.choice(FIRST), rng.choice(LAST)
        sam = f"{first[0].lower()}.{last.lower()}"
        n = 1
        while sam in used:
            n += 1
            sam = f"{first[0].lower()}.{last.lower()}{n}"
        used.add(sam)
        emp = f"E{start_id + i}"
        signed = days_before(rng.randint(30, 900))
        t.staff.append({"staff_id": emp, "name": f"{first} {last}", "status": "active",
                        "role": rng.choice(["Clinical", "Clinical", "Clinical", "Admin", "Estates", "Corporate"]),
                        "confidentiality_signed_on": signed, "tna_course": "", "board_member": "false"})
        t.training.append({"staff_id": emp, "course": "Data Security Awareness Level 1",
                           "completed_on": days_before(rng.randint(5, 330)), "score": rng.randint(80, 100)})
        t.accounts.append({"SamAccountName": sam, "UserPrincipalName": f"{sam}@{t.domain}", "Enabled": "True",
                           "EmployeeID": emp, "EmployeeType": "Employee",
                           "LastLogonDate": uk(days_before(rng.randint(0, 40)), f"{rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}:00"),
                           "whenCreated": uk(days_before(rng.randint(200, 2500))), "PasswordNotRequired": "False",
                           "AdminCount": "", "mail": f"{sam}@{t.domain}", "Manager": "", "AccountExpirationDate": "",
                           "DistinguishedName": f"CN={sam},OU=Users,OU={t.prefix},DC={t.domain.split('.')[0]},DC=nhs,DC=uk"})
        t.mfa.append({"userPrincipalName": f"{sam}@{t.domain}", "userDisplayName": f"{first} {last}",
                      "userType": "member", "isAdmin": False, "isMfaCapable": True, "isMfaRegistered": True,
                      "methodsRegistered": ["microsoftAuthenticatorPush"]})


def devices(t, count, start):
    for i in range(count):
        rng = t.rng
        kind = "LT" if i % 3 else "DT"
        name = f"{t.prefix}-{kind}-{start + i:05d}"
        build = rng.choice(["10.0.26100.6899", "10.0.26100.7019", "10.0.26100.7171"])
        t.devices.append(windows_device(t, name, build, f"user{start + i}@{t.domain}",
                                        compliant="compliant" if rng.random() > 0.02 else "noncompliant"))
        t.software.append({"DeviceName": name, "SoftwareVendor": "microsoft", "SoftwareName": "office", "SoftwareVersion": "16.0.18129.20158", "EndOfSupportStatus": "", "EndOfSupportDate": ""})
        t.software.append({"DeviceName": name, "SoftwareVendor": "microsoft", "SoftwareName": "edge_chromium", "SoftwareVersion": "141.0.3537.92", "EndOfSupportStatus": "", "EndOfSupportDate": ""})
        if rng.random() < 0.4:
            t.software.append({"DeviceName": name, "SoftwareVendor": "igor_pavlov", "SoftwareName": "7-zip", "SoftwareVersion": "25.01", "EndOfSupportStatus": "", "EndOfSupportDate": ""})
        if rng.random() < 0.3:
            sev, released = rng.choice([("Medium", days_before(rng.randint(20, 200))), ("Low", days_before(rng.randint(20, 300))),
                                        ("High", days_before(rng.randint(1, 12))), ("Critical", days_before(rng.randint(1, 10)))])
            t.vulns.append(vuln(name, build, "windows_11", f"CVE-2026-{rng.randint(20000, 49999)}", sev, released))


def windows_device(t, name, build, upn, compliant="compliant", encrypted=True, owner="company"):
    rng = t.rng
    return {"id": f"{rng.getrandbits(32):08x}-0000-4000-8000-{rng.getrandbits(48):012x}", "deviceName": name,
            "userPrincipalName": upn, "managedDeviceOwnerType": owner, "operatingSystem": "Windows", "osVersion": build,
            "skuFamily": "Enterprise", "complianceState": compliant, "isEncrypted": encrypted, "jailBroken": "Unknown", "managementAgent": "mdm",
            "lastSyncDateTime": f"{days_before(rng.randint(0, 6))}T{rng.randint(6, 20):02d}:{rng.randint(0, 59):02d}:12Z",
            "enrolledDateTime": f"{days_before(rng.randint(100, 900))}T10:00:00Z", "serialNumber": f"SN{rng.randint(100000, 999999)}"}


def vuln(device, build, software, cve, sev, released):
    score = {"Critical": 9.1, "High": 7.8, "Medium": 5.4, "Low": 3.1}[sev]
    return {"DeviceId": f"d-{device.lower()}", "DeviceName": device, "OSPlatform": "Windows11", "OSVersion": build,
            "SoftwareName": software, "SoftwareVersion": build, "CveId": cve, "VulnerabilitySeverityLevel": sev,
            "CvssScore": score, "RecommendedSecurityUpdate": "Monthly security update", "SecurityUpdateReleaseDate": released}


def security_tooling(t, skip_edr=(), inactive=(), fw_off=(), fw_missing=()):
    for d in t.devices:
        if d["managedDeviceOwnerType"] != "company":
            continue
        name = d["deviceName"]
        if name not in skip_edr:
            t.edr.append({"DeviceName": name, "OnboardingStatus": "Onboarded",
                          "HealthStatus": "Inactive" if name in inactive else "Active",
                          "LastSeen": f"{days_before(0 if name not in inactive else 21)}T08:00:00Z"})
        if d["operatingSystem"] == "Windows" and name not in fw_missing:
            public = "False" if name in fw_off else "True"
            t.fw_status.append({"DeviceName": name, "DomainProfile": "True", "PrivateProfile": "True", "PublicProfile": public})


def write_common(t, root):
    """Files every example has, from the trust's records."""
    write(root, "exports/intune/managedDevices.json", json.dumps(
        {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices", "value": t.devices},
        indent=2) + "\n")
    acct_cols = ["SamAccountName", "UserPrincipalName", "Enabled", "EmployeeID", "EmployeeType", "LastLogonDate",
                 "whenCreated", "PasswordNotRequired", "AdminCount", "mail", "Manager", "AccountExpirationDate",
                 "DistinguishedName"]
    write(root, "exports/ad/users.csv", csv_text(acct_cols, t.accounts, quote_all=True), newline="\r\n")
    write(root, "exports/hr/staff.tsv", csv_text(["staff_id", "name", "status", "role", "confidentiality_signed_on",
                                                  "tna_course", "board_member"], t.staff, delimiter="\t"))
    write(root, "exports/lms/training.csv", csv_text(["staff_id", "course", "completed_on", "score"], t.training))
    write(root, "exports/entra/userRegistrationDetails.json", json.dumps(
        {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#reports/authenticationMethods/userRegistrationDetails",
         "value": [dict(m, id=str(i + 1)) for i, m in enumerate(t.mfa)]}, indent=2) + "\n")
    write(root, "exports/defender/vulnerabilities.csv", csv_text(
        ["DeviceId", "DeviceName", "OSPlatform", "OSVersion", "SoftwareName", "SoftwareVersion", "CveId",
         "VulnerabilitySeverityLevel", "CvssScore", "RecommendedSecurityUpdate", "SecurityUpdateReleaseDate"], t.vulns))
    write(root, "exports/defender/software-inventory.csv", csv_text(
        ["DeviceName", "SoftwareVendor", "SoftwareName", "SoftwareVersion", "EndOfSupportStatus", "EndOfSupportDate"], t.software))
    write(root, "exports/defender/machines.csv", csv_text(["DeviceName", "OnboardingStatus", "HealthStatus", "LastSeen"], t.edr))
    write(root, "exports/intune/firewall-status.csv", csv_text(["DeviceName", "DomainProfile", "PrivateProfile", "PublicProfile"], t.fw_status))
    write(root, "registers/acknowledgements.csv", csv_text(["staff_id", "policy", "signed_on"], t.acks))
    write(root, "registers/device-exceptions.csv", csv_text(
        ["deviceName", "medical_device", "reason", "network_segment", "isolated", "supplier_plan", "owner", "expires",
         "risk_ref"], t.exceptions))


MANIFEST = """# {name} (fictional): the manifest assure reads.
organisation:
  name: {name}
  ods_code: {ods}
  type: trust                    # answers the CAF-aligned DSPT{critical}
as_of: {as_of}

datasets:
  devices:                       # Intune: Graph managedDevices, committed as exported
    files: exports/intune/managedDevices.json
    preset: intune-managed-devices
    collect: true                # `assure collect` refreshes it from Microsoft Graph
  accounts:                      # Get-ADUser ... | Export-Csv
    files: exports/ad/*.csv
    preset: ad-users-csv
  leavers:                       # ESR leavers report, columns renamed for the checks
    files: exports/hr/leavers.csv
    fields: {{ employee_id: Employee Number, leave_date: Leaving Date }}
  staff:
    files: exports/hr/staff.tsv
  training:
    files: exports/lms/training.csv
  mfa_registration:              # Entra: userRegistrationDetails
    files: exports/entra/userRegistrationDetails.json
    preset: entra-registration-details
    collect: true
  incidents:
    files: registers/incidents.yaml
  cyber_alerts:                  # one line per alert; named groups become fields (an alert not yet acknowledged has none)
    files: logs/cyber-alerts.log
    pattern: '^(?P<alert>CC-\\d+) (?P<severity>\\w+) issued=(?P<issued>\\S+)(?: acknowledged=(?P<acknowledged>\\S+))?(?: mitigated=(?P<mitigated>\\S+))?(?: risk=(?P<risk_ref>\\S+))?(?: applicable=(?P<applicable>\\S+))?'
  vulnerabilities:               # Defender for Endpoint: DeviceTvmSoftwareVulnerabilities
    files: exports/defender/vulnerabilities.csv
    preset: defender-vulnerabilities
  software:                      # Defender for Endpoint: DeviceTvmSoftwareInventory
    files: exports/defender/software-inventory.csv
    preset: defender-software-inventory
  edr_devices:                   # Defender for Endpoint device inventory
    files: exports/defender/machines.csv
  firewall_status:               # Intune firewall status report
    files: exports/intune/firewall-status.csv
  firewall_rules:
    files: network/firewall-rules.csv
  firewall_admin:
    files: network/firewall-admin.yaml
  sshd_config:
    files: configs/*/sshd_config
    format: keyvalue
  backups:
    files: registers/backups.json
  restore_tests:
    files: registers/restore-tests.csv
  log_sources:
    files: registers/log-sources.yaml
  continuity_tests:
    files: registers/continuity-tests.yaml
  suppliers:
    files: registers/suppliers.yaml
  info_assets:
    files: registers/information-assets.csv
  data_flows:
    files: registers/data-flows.csv
  processing_activities:
    files: registers/processing-activities.yaml
  risk_register:
    files: registers/risk-register.csv
  pentest_findings:
    files: registers/pentest-findings.csv
  acknowledgements:
    files: registers/acknowledgements.csv
  device_exceptions:             # equipment that cannot be upgraded, managed as exceptions (NDG8)
    files: registers/device-exceptions.csv{exceptions_empty}
  roles:
    files: registers/roles.yaml
  service_accounts:
    files: registers/service-accounts.yaml
  password_policy:
    files: configs/password-policy.yaml
  attestations:
    files: registers/attestations.yaml
  privacy_alerts:                # privacy (access) monitoring alerts on patient records
    files: exports/privacy-monitoring/alerts.csv
{params}"""


DIRECT_CARE = {"purpose": "direct care", "legal_basis": "implied consent (direct care)", "confidential_patient_information": "true",
               "opt_out_applied": "false", "opt_out_exemption": ""}
OPT_OUT_BY_DESTINATION = {
    "Data warehouse": {"purpose": "planning", "legal_basis": "pseudonymised at source", "confidential_patient_information": "false",
                       "opt_out_applied": "false", "opt_out_exemption": ""},
    "ICB": {"purpose": "commissioning", "legal_basis": "section 251 support (Regulation 5 COPI)", "confidential_patient_information": "true",
            "opt_out_applied": "true", "opt_out_exemption": ""},
}


def privacy_alerts(root, users, planted):
    """Privacy monitoring alerts on access to patient records by current staff, and their review (NDG4-PRIVACY-ALERTS)."""
    alerts = [
        ("PA-2026-0398", "2026-09-28T11:05:00Z", "EPR", "Same surname as the patient", "2026-09-29T10:20:00Z", "No further action: treating clinician"),
        ("PA-2026-0405", "2026-10-02T16:40:00Z", "Summary Care Record", "Patient outside the trust's area", "2026-10-05T09:15:00Z",
         "No further action: referral from another trust"),
        ("PA-2026-0412", "2026-10-09T08:30:00Z", "EPR", "Own record", "2026-10-12T14:00:00Z", "Referred to line manager; policy reminder"),
        ("PA-2026-0418", "2026-10-15T13:20:00Z", "PAS", "Colleague's record", "2026-10-21T16:45:00Z", "No further action: occupational health booking"),
    ]
    if planted:
        alerts += [
            ("PA-2026-0431", "2026-10-20T14:30:00Z", "EPR", "Well-known patient's record", "", ""),
            ("PA-2026-0440", "2026-10-29T09:10:00Z", "EPR", "Same address as the patient", "", ""),
        ]
    rows = [{"alert_id": a, "raised_at": raised, "system": system, "rule": rule, "user": users[i % len(users)], "reviewed_at": reviewed,
             "reviewed_by": "Privacy officer" if reviewed else "", "outcome": outcome}
            for i, (a, raised, system, rule, reviewed, outcome) in enumerate(alerts)]
    write(root, "exports/privacy-monitoring/alerts.csv", csv_text(
        ["alert_id", "raised_at", "system", "rule", "user", "reviewed_at", "reviewed_by", "outcome"], rows))


def registers(t, root, planted):
    rng = t.rng
    # Information assets and flows.
    assets = []
    for i in range(1, 61):
        assets.append({"asset_id": f"IA-{i:03d}", "name": f"System {i}", "owner": rng.choice(["CCIO", "Head of IM&T", "Chief Nurse", "Director of Finance", "Medical Director"]),
                       "contains_pcd": "true" if i % 4 else "false", "lawful_basis": "6(1)(e); 9(2)(h)", "shared_externally": "false",
                       "last_review": days_before(rng.randint(10, 300))})
    names = {1: "Electronic patient record", 2: "Picture archiving (PACS)", 3: "Pathology LIMS", 4: "Patient administration system"}
    for i, n in names.items():
        assets[i - 1]["name"] = n
    for a in assets[:3]:
        a["shared_externally"] = "true"
    if planted:
        assets[40].update(name="Audiology shared drive", owner="", contains_pcd="true")
        assets[41].update(name="Legacy maternity database", last_review="2024-09-30", contains_pcd="true")
    write(root, "registers/information-assets.csv", csv_text(
        ["asset_id", "name", "owner", "contains_pcd", "lawful_basis", "shared_externally", "last_review"], assets))
    flows = []
    for i in range(1, 41):
        flows.append({"flow_id": f"DF-{i:03d}", "asset_id": f"IA-{rng.randint(1, 60):03d}", "source": rng.choice(["EPR", "PAS", "PACS", "LIMS"]),
                      "destination": rng.choice(["Data warehouse", "GP practices", "ICB", "Shared care record"]),
                      "external": "true" if i % 2 else "false", "contains_pcd": "true", "encrypted_in_transit": "true",
                      "agreement_ref": f"DSA-{2020 + i % 6}-{i:02d}" if i % 2 else "", "supplier": "", "status": "active"})
    flows[0].update(asset_id="IA-001")
    flows[4].update(asset_id="IA-003")
    epr = "Acme Health Systems (EPR)" if planted else "Community EPR Ltd"
    flows[2].update(destination=f"{epr} hosting", supplier=epr, external="true", agreement_ref="DPA-EPR-2023", asset_id="IA-002")
    if planted:
        flows[9].update(flow_id="DF-010", source="Pathology analysers", destination="PathLink Diagnostics", supplier="PathLink Diagnostics",
                        external="true", agreement_ref="DPA-PATHLINK-2021")
        flows[17].update(source="Maternity", destination="Ward printers (fax-to-email)", external="false", encrypted_in_transit="false", agreement_ref="")
    # What each flow is for and on what basis (the national data opt-out): from the destination, so the random
    # draws above, and every other file, stay as they were.
    for f in flows:
        f.update(name=f"{f['source']} to {f['destination']}", **OPT_OUT_BY_DESTINATION.get(f["destination"], DIRECT_CARE))
    flows += [
        {"flow_id": "DF-041", "name": "Clinical trial follow-up", "asset_id": "IA-001", "source": "EPR", "destination": "Trial sponsor",
         "external": "true", "contains_pcd": "true", "encrypted_in_transit": "true", "agreement_ref": "CTA-2025-03", "supplier": "", "status": "active",
         "purpose": "research", "legal_basis": "consent", "confidential_patient_information": "true", "opt_out_applied": "false", "opt_out_exemption": "consent"},
        {"flow_id": "DF-042", "name": "Infection surveillance", "asset_id": "IA-003", "source": "LIMS", "destination": "UK Health Security Agency",
         "external": "true", "contains_pcd": "true", "encrypted_in_transit": "true", "agreement_ref": "UKHSA-SGSS", "supplier": "", "status": "active",
         "purpose": "public health", "legal_basis": "COPI regulation 3", "confidential_patient_information": "true", "opt_out_applied": "false",
         "opt_out_exemption": "COPI regulation 3"},
    ]
    # A research extract under section 251 support (Regulation 5 COPI): the opt-out applies, and Northshire's
    # extract does not apply it.
    research = {"flow_id": "DF-043", "asset_id": "IA-001", "source": "EPR", "external": "true", "contains_pcd": "true",
                "encrypted_in_transit": "true", "supplier": "", "status": "active", "purpose": "Research" if planted else "research",
                "legal_basis": "section 251 support (Regulation 5 COPI)", "confidential_patient_information": "true",
                "opt_out_applied": "false" if planted else "true", "opt_out_exemption": ""}
    if planted:
        research.update(name="Cancer outcomes research extract", destination="University of Northshire", agreement_ref="DSA-2025-RES-02")
    else:
        research.update(name="Community nursing outcomes research", destination="Regional research network", agreement_ref="DSA-2025-RES-01")
    flows.append(research)
    write(root, "registers/data-flows.csv", csv_text(
        ["flow_id", "name", "asset_id", "source", "destination", "external", "contains_pcd", "encrypted_in_transit", "agreement_ref", "supplier", "status",
         "purpose", "legal_basis", "confidential_patient_information", "opt_out_applied", "opt_out_exemption"], flows))
    # Processing, risks, pentest.
    acts = [{"activity": f"Processing activity {i}", "created_on": days_before(rng.randint(30, 2000)), "high_risk": i % 3 == 0,
             "dpia_ref": f"DPIA-{i:03d}" if i % 3 == 0 else ""} for i in range(1, 26)]
    acts[0].update(activity="Virtual wards (remote monitoring)", created_on="2026-02-10", high_risk=True, dpia_ref="DPIA-2026-004")
    if planted:
        acts[1].update(activity="AI dictation pilot in outpatients", created_on="2026-08-17", high_risk=True, dpia_ref="")
    write(root, "registers/processing-activities.yaml", yaml_list(acts, "Record of processing activities (UK GDPR Article 30)"))
    risks = [{"risk_id": f"RR-2026-{i:03d}", "title": f"Information risk {i}", "owner": rng.choice(["SIRO", "Head of IM&T", "Head of IG"]),
              "status": "open" if i % 5 else "closed", "rating": rng.choice([6, 8, 9, 12, 16]), "last_reviewed": days_before(rng.randint(5, 80))}
             for i in range(1, 31)]
    risks[0].update(risk_id="RR-2026-044", title="Pathology analyser on Windows 10 (isolated VLAN, ESU)", owner="SIRO")
    if planted:
        risks[6].update(title="Supplier remote access", owner="", status="open")
        risks[7].update(title="Backup console shares domain credentials", last_reviewed="2026-04-20", status="open")
    write(root, "registers/risk-register.csv", csv_text(["risk_id", "title", "owner", "status", "rating", "last_reviewed"], risks))
    findings = [{"finding_id": f"PT-2026-{i:02d}", "test_date": "2026-05-12", "severity": rng.choice(["high", "medium", "low", "critical"]),
                 "reported_on": "2026-05-20", "status": "closed", "closed_on": "2026-05-29", "risk_ref": ""} for i in range(1, 13)]
    if planted:
        findings[4].update(severity="high", status="open", closed_on="", risk_ref="")
    write(root, "registers/pentest-findings.csv", csv_text(
        ["finding_id", "test_date", "severity", "reported_on", "status", "closed_on", "risk_ref"], findings))


def northshire(root):
    t = Trust("Northshire Hospitals NHS Foundation Trust", "RNS", "northshire.nhs.uk", "NSH", 1500, 20261101, True)
    # Named people first (planted records), then background staff.
    named = [
        ("E1001", "Asha Patel", "a.patel", "active"), ("E1002", "John Okafor", "j.okafor", "active"),
        ("E1003", "Claire Hughes", "c.hughes", "active"), ("E1004", "Mark Smith", "m.smith", "active"),
        ("E1005", "Ruth Evans", "r.evans", "left"), ("E1006", "Tom Brown", "t.brown", "left"),
        ("E1007", "Sara Ali", "s.ali", "active"), ("E1008", "Kevin Wright", "k.wright", "active"),
        ("E1009", "Priya Nair", "p.nair", "active"), ("E1010", "Emma Cole", "e.cole", "active"),
        ("E1011", "Greg Hall", "g.hall", "active"), ("E1012", "Raj Shah", "r.shah", "active"),
        ("E1013", "Dev Shah", "d.shah", "active"), ("E1014", "Helen Ford", "h.ford", "active"),
        ("E1015", "Omar Khan", "o.khan", "active"), ("E1016", "Lucy Grant", "l.grant", "active"),
        ("E1017", "Jim Old", "j.old", "active"),
    ]
    for emp, name, sam, status in named:
        t.staff.append({"staff_id": emp, "name": name, "status": status, "role": "Clinical",
                        "confidentiality_signed_on": "2024-06-12", "tna_course": "", "board_member": "false"})
        t.training.append({"staff_id": emp, "course": "Data Security Awareness Level 1", "completed_on": "2026-03-13", "score": 95})
        enabled = "False" if sam == "t.brown" else "True"
        last = {"r.evans": "2026-09-02", "t.brown": "2026-08-01", "j.old": "2026-05-02"}.get(sam, "2026-10-28")
        t.accounts.append({"SamAccountName": sam, "UserPrincipalName": f"{sam}@{t.domain}", "Enabled": enabled, "EmployeeID": emp,
                           "EmployeeType": "Employee", "LastLogonDate": uk(last, "08:55:10"), "whenCreated": uk("2021-04-01"),
                           "PasswordNotRequired": "False", "AdminCount": "", "mail": f"{sam}@{t.domain}", "Manager": "",
                           "AccountExpirationDate": "", "DistinguishedName": f"CN={sam},OU=Users,OU=Northshire,DC=northshire,DC=nhs,DC=uk"})
        t.mfa.append({"userPrincipalName": f"{sam}@{t.domain}", "userDisplayName": name, "userType": "member", "isAdmin": False,
                      "isMfaCapable": True, "isMfaRegistered": sam != "m.smith", "methodsRegistered": [] if sam == "m.smith" else ["microsoftAuthenticatorPush"]})
    # Planted training: Priya Nair and Emma Cole stale, Greg Hall never.
    for tr in t.training:
        if tr["staff_id"] in ("E1009", "E1010"):
            tr["completed_on"] = "2025-05-15"
    t.training = [tr for tr in t.training if tr["staff_id"] != "E1011"]
    # Board members and specialist roles.
    for s in t.staff:
        if s["staff_id"] in ("E1014", "E1015", "E1016", "E1001"):
            s["board_member"] = "true"
        if s["staff_id"] in ("E1002", "E1003"):
            s["tna_course"] = "Information Asset Owner training"
    t.training.append({"staff_id": "E1014", "course": "Board cyber security session", "completed_on": "2026-01-22", "score": ""})
    t.training.append({"staff_id": "E1015", "course": "Board cyber security session", "completed_on": "2026-01-22", "score": ""})
    t.training.append({"staff_id": "E1016", "course": "Board cyber security session", "completed_on": "2025-01-20", "score": ""})
    t.training.append({"staff_id": "E1002", "course": "Information Asset Owner training", "completed_on": "2026-02-03", "score": ""})
    # Privileged and special accounts.
    special = [
        ("adm-a.patel", "E1001", "1", "", "Employee", "", ""), ("adm-r.shah", "E1012", "1", "", "Employee", "", ""),
        ("d.shah-admin", "E1013", "1", "d.shah-admin@northshire.nhs.uk", "Employee", "", ""),
        ("svc-backup", "", "", "", "Service", "", ""), ("svc-pacs", "", "", "", "Service", "", ""),
        ("ward3.shared", "", "", "", "Employee", "", ""),
        ("sup-acme1", "C90001", "", "", "Supplier", "CN=h.ford,OU=Users,OU=Northshire,DC=northshire,DC=nhs,DC=uk", "31/03/2027 00:00:00"),
        ("sup-pathlink", "", "", "", "Supplier", "", ""),
    ]
    for sam, emp, admin, mail, etype, manager, expiry in special:
        t.accounts.append({"SamAccountName": sam, "UserPrincipalName": f"{sam}@{t.domain}", "Enabled": "True", "EmployeeID": emp,
                           "EmployeeType": etype, "LastLogonDate": uk("2026-10-31", "07:30:00"), "whenCreated": uk("2022-01-10"),
                           "PasswordNotRequired": "False", "AdminCount": admin, "mail": mail, "Manager": manager,
                           "AccountExpirationDate": expiry, "DistinguishedName": f"CN={sam},OU=Users,OU=Northshire,DC=northshire,DC=nhs,DC=uk"})
    t.mfa += [
        {"userPrincipalName": "adm-a.patel@northshire.nhs.uk", "userDisplayName": "Asha Patel (admin)", "userType": "member", "isAdmin": True,
         "isMfaCapable": True, "isMfaRegistered": True, "methodsRegistered": ["fido2", "microsoftAuthenticatorPush"]},
        {"userPrincipalName": "adm-r.shah@northshire.nhs.uk", "userDisplayName": "Raj Shah (admin)", "userType": "member", "isAdmin": True,
         "isMfaCapable": True, "isMfaRegistered": True, "methodsRegistered": ["mobilePhone"]},
        {"userPrincipalName": "d.shah-admin@northshire.nhs.uk", "userDisplayName": "Dev Shah (admin)", "userType": "member", "isAdmin": True,
         "isMfaCapable": True, "isMfaRegistered": True, "methodsRegistered": ["windowsHelloForBusiness", "microsoftAuthenticatorPush"]},
        {"userPrincipalName": "sup-acme1@northshire.nhs.uk", "userDisplayName": "Acme support 1", "userType": "member", "isAdmin": False,
         "isMfaCapable": True, "isMfaRegistered": True, "methodsRegistered": ["microsoftAuthenticatorPush"]},
        {"userPrincipalName": "sup-pathlink@northshire.nhs.uk", "userDisplayName": "PathLink support", "userType": "member", "isAdmin": False,
         "isMfaCapable": False, "isMfaRegistered": False, "methodsRegistered": []},
        {"userPrincipalName": "visitor@partner.nhs.uk", "userDisplayName": "Partner guest", "userType": "guest", "isAdmin": False,
         "isMfaCapable": False, "isMfaRegistered": False, "methodsRegistered": []},
    ]
    t.acks = [{"staff_id": "C90001", "policy": "Confidentiality and acceptable use", "signed_on": "2026-04-01"},
              {"staff_id": "E1001", "policy": "Privileged access agreement", "signed_on": "2026-01-15"},
              {"staff_id": "E1013", "policy": "Privileged access agreement", "signed_on": "2025-11-02"}]
    people(t, 20001)
    # Background training gap: about 12% of background staff last trained over a year ago.
    rng = t.rng
    for tr in t.training:
        if tr["staff_id"].startswith("E2") and rng.random() < 0.12:
            tr["completed_on"] = days_before(rng.randint(380, 700))
    # Devices: the named ones, then the fleet.
    d = []
    for i in range(1, 9):
        d.append(windows_device(t, f"NSH-LT-{i:05d}", "10.0.26100.7171", f"staff{i}@northshire.nhs.uk"))
    d.append(windows_device(t, "NSH-LT-00009", "10.0.26100.7171", "a.patel@northshire.nhs.uk", compliant="noncompliant", encrypted=False))
    mac = windows_device(t, "NSH-LT-00010", "15.1", "j.okafor@northshire.nhs.uk", encrypted=False)
    mac["operatingSystem"] = "macOS"
    d.append(mac)
    d.append(windows_device(t, "NSH-DT-00101", "10.0.19045.5247", "ward7.shared@northshire.nhs.uk"))
    d.append(windows_device(t, "NSH-DT-00102", "10.0.19045.5011", "pharmacy.shared@northshire.nhs.uk"))
    d.append(windows_device(t, "NSH-LAB-0001", "10.0.19045.4894", "lab.analyser@northshire.nhs.uk"))
    # The pathology analyser's PC is a complete managed exception (its NDG8-OS finding is accepted); the pharmacy
    # desktop's exception has no supplier plan, so it accepts nothing and NDG8-MEDICAL-EXCEPTIONS fails.
    t.exceptions.append({"deviceName": "NSH-LAB-0001", "medical_device": "True",
                         "reason": "Analyser control software certified on Windows 10 only",
                         "network_segment": "VLAN 310 (pathology, no internet)", "isolated": "True",
                         "supplier_plan": "SUP-2291: Windows 11 build due 2027-03", "owner": "Head of Pathology",
                         "expires": "2027-03-31", "risk_ref": "RR-0412"})
    t.exceptions.append({"deviceName": "NSH-DT-00102", "medical_device": "False",
                         "reason": "Dispensing robot client", "network_segment": "VLAN 220 (pharmacy)",
                         "isolated": "True", "supplier_plan": "", "owner": "Chief Pharmacist",
                         "expires": "2027-01-31", "risk_ref": ""})
    d.append(windows_device(t, "NSH-DT-00103", "10.0.22631.4460", "radiology.shared@northshire.nhs.uk"))
    # The radiology shared desktop has not checked in for 45 days either (set after the draw, so the rest of
    # the example is unchanged).
    d[-1]["lastSyncDateTime"] = f"{days_before(45)}T08:30:12Z"
    ios = windows_device(t, "NSH-MB-00201", "18.1", "c.hughes@northshire.nhs.uk")
    ios["operatingSystem"] = "iOS"
    d.append(ios)
    byod = windows_device(t, "NSH-BYOD-0301", "15", "m.smith@northshire.nhs.uk", encrypted=False, owner="personal")
    byod["operatingSystem"] = "Android"
    d.append(byod)
    t.devices = d
    devices(t, 1480, 10001)
    t.vulns = [
        vuln("NSH-LT-00001", "10.0.26100.7171", "windows_11", "CVE-2026-21001", "Critical", "2026-10-14"),
        vuln("NSH-DT-00101", "10.0.19045.5247", "windows_10", "CVE-2026-20415", "Critical", "2026-09-09"),
        vuln("NSH-DT-00102", "10.0.19045.5011", "chrome", "CVE-2026-7112", "High", "2026-09-17"),
        vuln("NSH-LT-00003", "10.0.26100.7171", "7-zip", "CVE-2025-0411", "Medium", "2025-11-30"),
        vuln("NSH-LT-00004", "10.0.26100.7171", "edge", "CVE-2026-8801", "Low", "2026-06-01"),
        vuln("NSH-LT-00005", "10.0.26100.7171", "windows_11", "CVE-2026-21077", "High", "2026-10-30"),
    ] + t.vulns
    for v in t.vulns[:6]:
        v["CvssScore"] = {"CVE-2026-21001": 9.8, "CVE-2026-20415": 9.1, "CVE-2026-7112": 8.8, "CVE-2025-0411": 7.0, "CVE-2026-8801": 3.1, "CVE-2026-21077": 7.8}[v["CveId"]]
    t.software = [
        {"DeviceName": "NSH-DT-00101", "SoftwareVendor": "microsoft", "SoftwareName": "internet_explorer", "SoftwareVersion": "11.0.19041.4355", "EndOfSupportStatus": "EOS Software", "EndOfSupportDate": "2022-06-15"},
        {"DeviceName": "NSH-DT-00102", "SoftwareVendor": "oracle", "SoftwareName": "jre", "SoftwareVersion": "1.8.0.202", "EndOfSupportStatus": "EOS Version", "EndOfSupportDate": "2019-01-15"},
        {"DeviceName": "NSH-LT-00006", "SoftwareVendor": "microsoft", "SoftwareName": "office", "SoftwareVersion": "15.0.5589.1001", "EndOfSupportStatus": "EOS Version", "EndOfSupportDate": "2023-04-11"},
        {"DeviceName": "NSH-LT-00007", "SoftwareVendor": "mozilla", "SoftwareName": "firefox", "SoftwareVersion": "115.16.0", "EndOfSupportStatus": "Upcoming EOS Version", "EndOfSupportDate": "2027-03-01"},
    ] + t.software
    security_tooling(t, skip_edr={"NSH-DT-00102", "NSH-LT-10008"}, inactive={"NSH-LT-10032"}, fw_off={"NSH-LT-10044"})
    write_common(t, root)
    write(root, "exports/hr/leavers.csv", "Employee Number,Surname,Leaving Date,Reason\nE1005,Evans,31/08/2026,Resignation\nE1006,Brown,31/07/2026,Retirement\nE1008,Wright,31/10/2026,End of fixed term\n")
    write(root, "logs/cyber-alerts.log", """# NHS England cyber alert handling log: alert severity issued acknowledged [mitigated] [risk] [applicable]
CC-4581 HIGH issued=2026-09-03T09:15:00Z acknowledged=2026-09-03T15:40:00Z mitigated=2026-09-08T17:00:00Z
CC-4590 MEDIUM issued=2026-09-18T11:00:00Z acknowledged=2026-09-25T09:00:00Z applicable=false
CC-4598 HIGH issued=2026-09-24T10:00:00Z acknowledged=2026-09-24T16:20:00Z risk=RR-2026-044
CC-4602 HIGH issued=2026-10-09T17:30:00Z acknowledged=2026-10-13T10:05:00Z mitigated=2026-10-28T16:00:00Z
CC-4611 HIGH issued=2026-10-22T08:45:00Z acknowledged=2026-10-22T12:10:00Z
CC-4614 HIGH issued=2026-10-27T10:00:00Z
""")
    write(root, "network/firewall-rules.csv", """name,direction,action,source,destination,port,justification,approver
web-https,inbound,allow,0.0.0.0/0,203.0.113.10,443,Public website and patient portal,CAB-2024-113
vpn-ipsec,inbound,allow,0.0.0.0/0,203.0.113.11,4500,Remote access VPN,CAB-2023-044
lan-rdp-admin,inbound,allow,10.20.0.0/16,10.1.1.5,3389,Admin jump host from the management VLAN,CAB-2025-009
smb-block,inbound,deny,0.0.0.0/0,203.0.113.0/24,445,Explicit block,CAB-2022-001
pathlink-sftp,inbound,allow,198.51.100.20,203.0.113.12,22,,
default-deny,inbound,deny,any,any,any,Default rule,CAB-2022-001
""")
    write(root, "network/firewall-admin.yaml", yaml_list([
        {"device": "fw-edge-01", "internet_facing": False, "mfa": True, "ip_allow_list": True, "rules_reviewed_on": "2026-02-14"},
        {"device": "fw-edge-02", "internet_facing": False, "mfa": True, "ip_allow_list": True, "rules_reviewed_on": "2026-02-14"},
    ], "Perimeter firewall management"))
    # The global settings are hardened, but a Match block re-enables passwords for contractors: sshd applies the
    # block's value to them, so NDG9-SSH fails at the Match line.
    write(root, "configs/bastion01/sshd_config", "# Managed by Ansible: bastion hardening baseline\nPort 22\nProtocol 2\nPermitRootLogin no\nPasswordAuthentication no\nMaxAuthTries 3\nAllowGroups ssh-admins contractors\n\nMatch Group contractors\n    PasswordAuthentication yes\n")
    write(root, "configs/sftp01/sshd_config", "# SFTP gateway for the pathology supplier\nPort 22\nPermitRootLogin prohibit-password\nPasswordAuthentication yes\nMaxAuthTries 6\nSubsystem sftp internal-sftp\n")
    write(root, "configs/password-policy.yaml", yaml_list([
        {"scope": "northshire.nhs.uk (Active Directory)", "min_length": 14, "lockout_threshold": 10, "mfa_enforced": True, "deny_list": True},
        {"scope": "Entra ID", "min_length": 12, "lockout_threshold": 10, "mfa_enforced": True, "deny_list": True},
        {"scope": "Legacy PAS (local accounts)", "min_length": 6, "lockout_threshold": 0, "mfa_enforced": False, "deny_list": False},
    ], "Password and lockout policies per directory"))
    write(root, "registers/incidents.yaml", yaml_list([
        {"id": "INC-2026-031", "type": "breach", "severity": "high", "status": "closed", "detected_at": "2026-09-14T10:20:00Z",
         "senior_notified_at": "2026-09-14T13:05:00Z", "reportable": True, "ico_reported_at": "2026-09-16T09:30:00Z",
         "root_cause": "Discharge letter sent to a previous address held in a stale PAS record",
         "lessons_learned": "Address check added to the discharge checklist; PAS demographics synced nightly from PDS"},
        {"id": "INC-2026-037", "type": "near_miss", "severity": "medium", "status": "closed", "detected_at": "2026-10-02T16:45:00Z",
         "senior_notified_at": "2026-10-03T11:30:00Z", "reportable": False,
         "root_cause": "Spreadsheet of clinic patients attached to an external email, caught by DLP",
         "lessons_learned": "DLP rule now blocks NHS numbers to external domains without encryption"},
        {"id": "INC-2026-040", "type": "outage", "severity": "low", "status": "open", "detected_at": "2026-10-20T08:00:00Z", "reportable": False},
    ], "Incident log (exported from the incident management system)"))
    write(root, "registers/suppliers.yaml", yaml_list([
        {"name": "Acme Health Systems (EPR)", "processes_pcd": True, "contract_end": "2028-03-31", "dspt_status": "Standards Exceeded", "certification": "ISO 27001"},
        {"name": "PathLink Diagnostics", "processes_pcd": True, "contract_end": "2026-09-30", "dspt_status": "Standards Met"},
        {"name": "Northern Shredding Ltd", "processes_pcd": True, "contract_end": "2027-06-30", "dspt_status": "Approaching Standards"},
        {"name": "Hospital Catering Co", "processes_pcd": False, "contract_end": "2027-01-31"},
    ], "Supplier register"))
    backups_and_continuity(root, lims_restore="failed")
    write(root, "registers/roles.yaml", yaml_list([
        {"role": "SIRO", "holder_staff_id": "E1014", "holder_account": "h.ford", "appointed_on": "2023-04-01"},
        {"role": "Caldicott Guardian", "holder_staff_id": "E1015", "holder_account": "o.khan", "appointed_on": "2022-09-01"},
        {"role": "Data Protection Officer", "holder_staff_id": "E1016", "holder_account": "l.grant", "appointed_on": "2024-01-08"},
    ], "Key information governance roles"))
    write(root, "registers/service-accounts.yaml", yaml_list([
        {"account": "svc-backup", "owner": "Infrastructure manager", "purpose": "Backup server agent", "approved_on": "2023-03-01"},
        {"account": "svc-pacs", "owner": "Radiology IT lead", "purpose": "PACS integration engine", "approved_on": "2022-11-15"},
        {"account": "sup-acme1", "owner": "Head of IM&T (sponsor)", "purpose": "Acme EPR supplier support, expires with the contract", "approved_on": "2026-04-01"},
    ], "Service account register"))
    write(root, "registers/attestations.yaml", yaml_list([
        {"statement": "The board approved the cyber security strategy (CAF-aligned)", "signed_by": "Dr H. Ford", "role": "SIRO",
         "signed_on": "2026-03-26", "document_ref": "Board paper BP-2026-03-07"},
        {"statement": "Annual process review of breaches, near misses and workarounds completed", "signed_by": "Dr H. Ford", "role": "SIRO",
         "signed_on": "2026-07-09", "document_ref": "IG group minutes 2026-07-08, item 5"},
    ], "Signed statements for what no export can show"))
    registers(t, root, True)
    privacy_alerts(root, ["s.ali", "e.cole", "c.hughes", "g.hall", "p.nair", "a.patel"], True)
    write(root, "reviews.yaml", """# Assessor reviews: verdicts on manual checks, and disputes
reviews:
  - check: NDG4-DORMANT
    records: [j.old]
    verdict: disputed
    comment: On long-term leave since May with HR's agreement; the account is needed on return in January
    assessor: IG lead
    date: 2026-10-30
    evidence: HR case 2026-118
""")
    write(root, "waivers.yaml", """# Accepted risks, approved by the SIRO, each with an expiry date.
waivers:
  # (The pathology analyser's unsupported Windows is not a waiver: it is a managed exception, in
  # registers/device-exceptions.csv, which NDG8-OS reads as data.)
  - check: NDG10-ASSURED
    records: [PathLink Diagnostics]
    reason: >-
      PathLink's renewed contract (Article 28 clauses unchanged) was signed on 2026-10-28 and awaits the
      supplier's countersignature; the register is updated when it returns.
    risk_ref: RR-2026-051
    approver: Dr H. Ford, SIRO
    expires: 2027-01-31
""")
    write(root, "assure.yaml", MANIFEST.format(name=t.name, ods=t.ods, as_of=AS_OF,
                                               critical="\n  critical: Major trauma centre  # shown on the report's cover",
                                               exceptions_empty="", params="""
params:
  NDG3-ANNUAL: { threshold: 90 }  # the trust's training needs analysis sets 90% for this year
"""))


def backups_and_continuity(root, lims_restore):
    write(root, "registers/backups.json", json.dumps([
        {"system": "EPR", "critical": True, "last_success": "2026-10-31T23:40:00Z", "immutable_copy": True, "copies": 3},
        {"system": "PACS", "critical": True, "last_success": "2026-10-31T22:10:00Z", "immutable_copy": True, "copies": 2},
        {"system": "Pathology LIMS", "critical": True, "last_success": "2026-10-31T21:55:00Z", "immutable_copy": True, "copies": 2},
        {"system": "Intranet", "critical": False, "last_success": "2026-10-25T01:00:00Z", "immutable_copy": False, "copies": 1},
    ], indent=2) + "\n")
    write(root, "registers/restore-tests.csv", f"""system,tested_on,result,notes
EPR,2026-04-22,success,Full restore to the DR environment in 5h 10m
PACS,2026-06-30,success,Sample of 2 TB restored and verified
Pathology LIMS,2026-07-14,{lims_restore},{"Database restored but the analyser interface keys were missing" if lims_restore == "failed" else "Restored with interface keys from escrow"}
""")
    write(root, "registers/log-sources.yaml", yaml_list([
        {"system": "EPR", "forwarding": True, "last_event": "2026-10-31T23:58:00Z"},
        {"system": "PACS", "forwarding": True, "last_event": "2026-10-31T23:51:00Z"},
        {"system": "Pathology LIMS", "forwarding": True, "last_event": "2026-10-31T23:40:00Z"},
    ], "Systems forwarding security logs to the SIEM"))
    write(root, "registers/continuity-tests.yaml", yaml_list([
        {"plan": "BCP-EPR", "service": "Electronic patient record", "tested_on": "2026-03-18",
         "scenario": "Ransomware encrypts the EPR database servers", "reported_to": "Board (Audit and Risk Committee, April 2026)"},
        {"plan": "BCP-PACS", "service": "Picture archiving (radiology)", "tested_on": "2026-06-05",
         "scenario": "Loss of the primary data centre", "reported_to": "Executive Management Team"},
    ], "Business continuity exercises"))


def exemplar(root):
    t = Trust("Exemplar Community Health NHS Trust", "RXE", "exemplar.nhs.uk", "EXC", 300, 7, False)
    people(t, 30001)
    for s in t.staff[:6]:
        s["board_member"] = "true"
        t.training.append({"staff_id": s["staff_id"], "course": "Board cyber security session", "completed_on": "2026-02-10", "score": ""})
    for s in t.staff[6:12]:
        s["tna_course"] = "Information Asset Owner training"
        t.training.append({"staff_id": s["staff_id"], "course": "Information Asset Owner training", "completed_on": "2026-05-05", "score": ""})
    roles = [("SIRO", t.staff[0]), ("Caldicott Guardian", t.staff[1]), ("Data Protection Officer", t.staff[2])]
    by_emp = {a["EmployeeID"]: a for a in t.accounts}
    admin = dict(by_emp[t.staff[3]["staff_id"]])
    admin.update(SamAccountName="adm-" + admin["SamAccountName"], UserPrincipalName="adm-" + admin["UserPrincipalName"], AdminCount="1", mail="")
    t.accounts.append(admin)
    t.mfa.append({"userPrincipalName": admin["UserPrincipalName"], "userDisplayName": "Administrator", "userType": "member", "isAdmin": True,
                  "isMfaCapable": True, "isMfaRegistered": True, "methodsRegistered": ["fido2"]})
    t.acks.append({"staff_id": admin["EmployeeID"], "policy": "Privileged access agreement", "signed_on": "2026-01-10"})
    t.acks.append({"staff_id": "C90001", "policy": "Confidentiality and acceptable use", "signed_on": "2026-01-05"})
    t.accounts.append({"SamAccountName": "sup-epr1", "UserPrincipalName": "sup-epr1@exemplar.nhs.uk", "Enabled": "True", "EmployeeID": "C90001",
                       "EmployeeType": "Supplier", "LastLogonDate": uk("2026-10-20"), "whenCreated": uk("2026-01-05"), "PasswordNotRequired": "False",
                       "AdminCount": "", "mail": "", "Manager": "CN=IT manager,OU=Users,DC=exemplar,DC=nhs,DC=uk",
                       "AccountExpirationDate": uk("2027-01-31", "00:00:00"), "DistinguishedName": "CN=sup-epr1,OU=Suppliers,DC=exemplar,DC=nhs,DC=uk"})
    t.mfa.append({"userPrincipalName": "sup-epr1@exemplar.nhs.uk", "userDisplayName": "EPR supplier support", "userType": "member", "isAdmin": False,
                  "isMfaCapable": True, "isMfaRegistered": True, "methodsRegistered": ["microsoftAuthenticatorPush"]})
    devices(t, 320, 1)
    t.vulns = [v for v in t.vulns if v["VulnerabilitySeverityLevel"] in ("Medium", "Low") or v["SecurityUpdateReleaseDate"] > days_before(14)]
    security_tooling(t)
    write_common(t, root)
    write(root, "exports/hr/leavers.csv", "Employee Number,Surname,Leaving Date,Reason\nE39990,Former,31/03/2026,Retirement\n")
    write(root, "logs/cyber-alerts.log", "# NHS England cyber alert handling log\nCC-4581 HIGH issued=2026-09-03T09:15:00Z acknowledged=2026-09-03T11:00:00Z mitigated=2026-09-05T17:00:00Z\nCC-4602 HIGH issued=2026-10-09T17:30:00Z acknowledged=2026-10-10T09:05:00Z mitigated=2026-10-16T12:00:00Z\nCC-4607 HIGH issued=2026-10-12T10:00:00Z acknowledged=2026-10-12T15:00:00Z risk=RR-2026-044\n")
    write(root, "network/firewall-rules.csv", "name,direction,action,source,destination,port,justification,approver\nweb-https,inbound,allow,0.0.0.0/0,203.0.113.40,443,Public website,CAB-2025-031\ndefault-deny,inbound,deny,any,any,any,Default rule,CAB-2022-001\n")
    write(root, "network/firewall-admin.yaml", yaml_list([{"device": "fw-01", "internet_facing": False, "rules_reviewed_on": "2026-06-01"}], "Firewall management"))
    write(root, "configs/bastion01/sshd_config", "Port 22\nPermitRootLogin no\nPasswordAuthentication no\nMaxAuthTries 3\n\nMatch Address 10.0.0.0/8\n    X11Forwarding no\n")
    write(root, "configs/password-policy.yaml", yaml_list([
        {"scope": "exemplar.nhs.uk", "min_length": 14, "lockout_threshold": 10, "mfa_enforced": True, "deny_list": True}], "Password policy"))
    write(root, "registers/incidents.yaml", yaml_list([
        {"id": "INC-2026-004", "type": "breach", "severity": "medium", "status": "closed", "detected_at": "2026-05-11T09:00:00Z",
         "senior_notified_at": "2026-05-11T12:00:00Z", "reportable": True, "ico_reported_at": "2026-05-12T16:00:00Z",
         "root_cause": "Letter printed with another patient's label", "lessons_learned": "Label printers moved to the clerk's desk"}],
        "Incident log"))
    write(root, "registers/suppliers.yaml", yaml_list([
        {"name": "Community EPR Ltd", "processes_pcd": True, "contract_end": "2028-03-31", "dspt_status": "Standards Met", "certification": "ISO 27001"}],
        "Supplier register"))
    backups_and_continuity(root, lims_restore="success")
    write(root, "registers/roles.yaml", yaml_list([
        {"role": r, "holder_staff_id": s["staff_id"], "holder_account": by_emp[s["staff_id"]]["SamAccountName"], "appointed_on": "2024-04-01"}
        for r, s in roles], "Key roles"))
    write(root, "registers/service-accounts.yaml", yaml_list([
        {"account": "svc-backup", "owner": "IT manager", "purpose": "Backups"},
        {"account": "sup-epr1", "owner": "IT manager", "purpose": "EPR supplier support (sponsored, expiring)"}], "Service accounts"))
    write(root, "reviews.yaml", """# Assessor reviews: verdicts on manual checks, and disputes
reviews:
  - check: NDG7-CONTACTS
    verdict: met
    comment: Printed list seen in the incident room and with the on-call managers; updated 2026-09-01, printed 2026-09-02
    assessor: A. Auditor, internal audit
    date: 2026-10-15
    evidence: Photo EV-2026-17
""")
    write(root, "registers/attestations.yaml", yaml_list([
        {"statement": "The board approved the cyber security strategy", "signed_by": t.staff[0]["name"], "role": "SIRO",
         "signed_on": "2026-04-30", "document_ref": "Board paper 2026-04-12"},
        {"statement": "Annual process review completed", "signed_by": t.staff[0]["name"], "role": "SIRO",
         "signed_on": "2026-06-15", "document_ref": "IG committee minutes 2026-06-14"}], "Attestations"))
    registers(t, root, False)
    privacy_alerts(root, [a["SamAccountName"] for a in t.accounts[10:16]], False)
    write(root, "assure.yaml", MANIFEST.format(name=t.name, ods=t.ods, as_of=AS_OF, critical="",
                                               exceptions_empty="\n    allow_empty: true            # no equipment needs one",
                                               params=""))
    write(root, "README.md", """# Exemplar Community Health NHS Trust (fictional)

A config repo whose evidence meets every check in the pack: what good looks like, and a regression test that
no check fails on clean evidence. Generated by `python3 examples/tools/generate_examples.py`; names and
identifiers are invented.

```sh
cargo run --release -- check examples/exemplar     # exits 0
```
""")


# Northshire's earlier months: what was different then, oldest first. Each month's evidence is today's with
# these changes, assessed as of the first of that month; what a month fixes stays fixed in the months after.
HISTORY = ["2026-08-01", "2026-09-01", "2026-10-01"]


def edit_csv(path, change, delimiter=","):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=delimiter))
        header = list(rows[0].keys()) if rows else []
    rows = change(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(csv_text(header, rows, delimiter=delimiter))


def edit_json_values(path, change):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    doc["value"] = change(doc["value"])
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, indent=2) + "\n")


def drop_lines(path, starts):
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(line for line in lines if not line.startswith(tuple(starts)))


def edit_json_list(path, change):
    with open(path, encoding="utf-8") as f:
        records = json.load(f)
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(change(records), indent=2) + "\n")


def edit_text(path, old, new):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new))


def earlier_northshire(root, as_of):
    """Turns a copy of today's Northshire evidence into its state at `as_of` (one of HISTORY)."""
    month = HISTORY.index(as_of)
    p = lambda rel: os.path.join(root, rel)
    # Not yet issued or raised: the cyber alerts and privacy alerts of October.
    drop_lines(p("logs/cyber-alerts.log"), ["CC-4602", "CC-4611", "CC-4614"])
    edit_csv(p("exports/privacy-monitoring/alerts.csv"),
             lambda rows: [r for r in rows if r["reviewed_at"] or r["raised_at"] < as_of])
    # Fixed in September: Tom Brown (who left in June) still had an enabled account.
    if month < 1:
        edit_csv(p("exports/ad/users.csv"),
                 lambda rows: [dict(r, Enabled="True") if r["SamAccountName"] == "t.brown" else r for r in rows])
        edit_text(p("exports/hr/leavers.csv"), "E1006,Brown,31/07/2026", "E1006,Brown,30/06/2026")
    # Fixed in October: an account needed no password; the SFTP gateway allowed root logins.
    if month < 2:
        edit_csv(p("exports/ad/users.csv"),
                 lambda rows: [dict(r, PasswordNotRequired="True") if r["SamAccountName"] == "svc-pacs" else r for r in rows])
        edit_text(p("configs/sftp01/sshd_config"), "PermitRootLogin prohibit-password", "PermitRootLogin yes")
    # Fixed in November: RDP open to the internet for a supplier, a firewall managed without MFA, laptops out of
    # compliance (three of them unencrypted), PACS backups without an immutable copy, the EPR not forwarding its
    # logs, two desktops not onboarded to Defender, and training further behind (most of it in August).
    late = {f"NSH-LT-{10001 + i:05d}" for i in range(1, 1480, 3)[:120 - 30 * month]}
    unencrypted = {"NSH-LT-10101", "NSH-LT-10102", "NSH-LT-10104"}
    edit_json_values(p("exports/intune/managedDevices.json"),
                     lambda ds: [dict(d, complianceState="noncompliant", isEncrypted=d["deviceName"] not in unencrypted)
                                 if d["deviceName"] in late | unencrypted else d for d in ds])
    with open(p("network/firewall-rules.csv"), "a", encoding="utf-8") as f:
        f.write("supplier-rdp,inbound,allow,0.0.0.0/0,203.0.113.14,3389,,\n")
    edit_text(p("network/firewall-admin.yaml"), "- device: fw-edge-02\n  internet_facing: false\n  mfa: true",
              "- device: fw-edge-02\n  internet_facing: false\n  mfa: false")
    edit_json_list(p("registers/backups.json"),
                   lambda bs: [dict(b, immutable_copy=False) if b["system"] == "PACS" else b for b in bs])
    edit_text(p("registers/log-sources.yaml"), "- system: EPR\n  forwarding: true", "- system: EPR\n  forwarding: false")
    edit_csv(p("exports/defender/machines.csv"),
             lambda rows: [r for r in rows if r["DeviceName"] not in ("NSH-DT-10004", "NSH-DT-10007")])
    behind = {f"E{20001 + i}" for i in range(0, 1500, 5 + 2 * month)}
    edit_csv(p("exports/lms/training.csv"),
             lambda rows: [dict(r, completed_on="2025-01-15") if r["staff_id"] in behind and "Awareness" in r["course"] else r
                           for r in rows])


def assure_command():
    if os.environ.get("ASSURE"):
        return [os.environ["ASSURE"]]
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    for build in ("debug", "release"):
        exe = os.path.join(target, build, "assure")
        if os.path.exists(exe):
            return [exe]
    return ["cargo", "run", "--quiet", "--"]


def northshire_history(root):
    out = os.path.join(root, "history")
    os.makedirs(out)
    for as_of in HISTORY:
        with tempfile.TemporaryDirectory() as tmp:
            copy = os.path.join(tmp, "northshire")
            shutil.copytree(root, copy, ignore=shutil.ignore_patterns("history"))
            earlier_northshire(copy, as_of)
            target = os.path.join(out, f"{as_of[:7]}.json")
            run = subprocess.run(assure_command() + ["check", copy, "--as-of", as_of, "--format", "json", "-o", target],
                                 capture_output=True, text=True)
            if run.returncode not in (0, 1):
                raise SystemExit(f"assure check failed for {as_of} ({run.returncode}):\n{run.stderr}")


def main():
    for name, build in (("northshire", northshire), ("exemplar", exemplar)):
        root = os.path.join("examples", name)
        keep = os.path.join(root, "README.md") if name == "northshire" else None
        readme = open(keep).read() if keep and os.path.exists(keep) else None
        if os.path.isdir(root):
            shutil.rmtree(root)
        os.makedirs(root)
        build(root)
        if readme is not None:
            write(root, "README.md", readme)
    northshire_history(os.path.join("examples", "northshire"))


if __name__ == "__main__":
    main()
