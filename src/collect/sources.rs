//! The Microsoft APIs `assure collect` reads, one [`Source`] per dataset it can refresh.
//!
//! Each source is named like the preset that reads what it writes (`preset: intune-managed-devices` is read
//! from what the `intune-managed-devices` source writes), asks only for the fields the pack's checks and
//! reports read (`$select`, or the columns a hunting query projects), and writes the API's own response shape:
//! a Graph or Defender collection (`{"@odata.context", "value": [...]}`, every page merged) or an advanced
//! hunting result (`{"@odata.context", "schema", "results": [...]}`).

/// Which API a source calls; each has its own base URL and token audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Api {
    /// Microsoft Graph (`https://graph.microsoft.com`).
    Graph,
    /// Microsoft Defender for Endpoint (`https://api.securitycenter.microsoft.com`).
    Defender,
}

impl Api {
    /// The OAuth2 scope of a client-credentials token for this API.
    pub fn scope(self) -> &'static str {
        match self {
            Api::Graph => "https://graph.microsoft.com/.default",
            Api::Defender => "https://api.securitycenter.microsoft.com/.default",
        }
    }

    /// How the API is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            Api::Graph => "Microsoft Graph",
            Api::Defender => "Defender for Endpoint",
        }
    }
}

/// What a source sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `GET` a collection (path and query from the API's base URL), following `@odata.nextLink` to the end.
    Collection(&'static str),
    /// `POST` an advanced hunting query (KQL) to Graph's `security/runHuntingQuery`: one response, no pages.
    Hunting(&'static str),
}

/// Where Graph runs advanced hunting queries.
pub const HUNTING_PATH: &str = "/v1.0/security/runHuntingQuery";

/// Advanced hunting returns at most this many rows; a result of this size may have been cut.
pub const HUNTING_ROW_LIMIT: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    /// Source id, also the id of the preset that reads what it writes.
    pub id: &'static str,
    /// The dataset it provides.
    pub dataset: &'static str,
    pub api: Api,
    pub call: Call,
    /// The application permission the app registration needs (admin consent granted).
    pub permission: &'static str,
}

impl Source {
    /// The HTTP method and path (with query) it starts with.
    pub fn request_line(&self) -> (&'static str, &'static str) {
        match self.call {
            Call::Collection(path) => ("GET", path),
            Call::Hunting(_) => ("POST", HUNTING_PATH),
        }
    }
}

/// Every source, in the order the docs list them.
pub const SOURCES: &[Source] = &[
    Source {
        id: "intune-managed-devices",
        dataset: "devices",
        api: Api::Graph,
        // What the device checks read; v1.0 has no `skuFamily` (the Windows edition), so none is asked for.
        // Identifiers of the phone (IMEI, number, MAC) are not collected at all.
        call: Call::Collection(
            "/v1.0/deviceManagement/managedDevices?$select=id,deviceName,userPrincipalName,managedDeviceOwnerType,operatingSystem,osVersion,complianceState,isEncrypted,lastSyncDateTime",
        ),
        permission: "DeviceManagementManagedDevices.Read.All",
    },
    Source {
        id: "entra-sign-in-activity",
        dataset: "sign_in_activity",
        api: Api::Graph,
        call: Call::Collection("/v1.0/users?$select=userPrincipalName,accountEnabled,signInActivity"),
        permission: "User.Read.All and AuditLog.Read.All",
    },
    Source {
        id: "entra-registration-details",
        dataset: "mfa_registration",
        api: Api::Graph,
        // The API takes only $filter and $orderby, so every field it has comes back (none is secret).
        call: Call::Collection("/v1.0/reports/authenticationMethods/userRegistrationDetails"),
        permission: "AuditLog.Read.All",
    },
    Source {
        id: "defender-machines-api",
        dataset: "edr_devices",
        api: Api::Defender,
        // The machines API takes no $select; its records hold no personal data beyond the device's names.
        call: Call::Collection("/api/machines"),
        permission: "Machine.Read.All (WindowsDefenderATP)",
    },
    Source {
        id: "defender-vulnerabilities-hunting",
        dataset: "vulnerabilities",
        api: Api::Graph,
        // The query docs/exports.md gives for the portal export: the KB join brings CvssScore, and the CVE's
        // publication date stands in for the fix's release date (the TVM export APIs carry neither).
        call: Call::Hunting(
            "DeviceTvmSoftwareVulnerabilities | join kind=leftouter (DeviceTvmSoftwareVulnerabilitiesKB | project CveId, CvssScore, PublishedDate, IsExploitAvailable) on CveId | extend SecurityUpdateReleaseDate = PublishedDate | project DeviceId, DeviceName, OSPlatform, OSVersion, SoftwareVendor, SoftwareName, SoftwareVersion, CveId, VulnerabilitySeverityLevel, CvssScore, IsExploitAvailable, RecommendedSecurityUpdate, SecurityUpdateReleaseDate",
        ),
        permission: "ThreatHunting.Read.All",
    },
    Source {
        id: "defender-software-hunting",
        dataset: "software",
        api: Api::Graph,
        call: Call::Hunting(
            "DeviceTvmSoftwareInventory | project DeviceName, SoftwareVendor, SoftwareName, SoftwareVersion, EndOfSupportStatus, EndOfSupportDate",
        ),
        permission: "ThreatHunting.Read.All",
    },
];

/// The source with this id.
pub fn find(id: &str) -> Option<&'static Source> {
    SOURCES.iter().find(|s| s.id == id)
}

/// Every source id, for messages.
pub fn ids() -> String {
    SOURCES.iter().map(|s| s.id).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_is_read_by_the_preset_of_its_name_for_its_dataset() {
        let pack = crate::standards::load_files_for_run(crate::standards::embedded_files()).0;
        for source in SOURCES {
            let preset = pack
                .presets
                .get(source.id)
                .unwrap_or_else(|| panic!("no preset {}", source.id));
            assert_eq!(preset.dataset, source.dataset, "{}", source.id);
            assert_eq!(
                preset.format,
                Some(crate::evidence::manifest::Format::Json),
                "{}",
                source.id
            );
        }
    }

    #[test]
    fn collections_select_every_field_their_dataset_requires() {
        let pack = crate::standards::load_files_for_run(crate::standards::embedded_files()).0;
        for source in SOURCES {
            let Call::Collection(path) = source.call else { continue };
            let Some((_, select)) = path.split_once("$select=") else {
                continue;
            };
            let selected: Vec<&str> = select.split('&').next().unwrap_or_default().split(',').collect();
            let schema = pack.datasets[source.dataset].schema.clone().unwrap_or_default();
            let required = schema
                .get("required")
                .and_then(|r| r.as_array())
                .cloned()
                .unwrap_or_default();
            assert!(!required.is_empty(), "{}", source.dataset);
            // Graph's own names are the dataset's (the preset's renames are for the PowerShell SDK's).
            for field in required.iter().filter_map(|f| f.as_str()) {
                assert!(selected.contains(&field), "{} does not select {field}", source.id);
            }
        }
    }
}
