//! Partner systems calling the API with client credentials, and the scopes they may hold.

use serde::{Deserialize, Serialize};

use crate::validate::{required_text, Errors};
use crate::FieldError;

/// What an API client may do: `resource:read` or `resource:write`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Scope {
    /// Read municipalities and offices.
    #[serde(rename = "municipalities:read")]
    MunicipalitiesRead,
    /// Read desks.
    #[serde(rename = "desks:read")]
    DesksRead,
    /// Create and change the desks of the client's municipality.
    #[serde(rename = "desks:write")]
    DesksWrite,
    /// Read cases of the client's municipality.
    #[serde(rename = "cases:read")]
    CasesRead,
    /// Create and change cases of the client's municipality.
    #[serde(rename = "cases:write")]
    CasesWrite,
    /// Read the client's municipality's service requests.
    #[serde(rename = "requests:read")]
    RequestsRead,
    /// File and change service requests for the client's municipality.
    #[serde(rename = "requests:write")]
    RequestsWrite,
    /// Read programme statistics.
    #[serde(rename = "reports:read")]
    ReportsRead,
    /// Subscribe the client's own webhooks to events of its municipality that its other scopes
    /// let it read.
    #[serde(rename = "webhooks:manage")]
    WebhooksManage,
}

impl Scope {
    /// Every scope, with a description (used in the OpenAPI document and the web app).
    pub const ALL: [(Scope, &'static str); 9] = [
        (Self::MunicipalitiesRead, "Read municipalities and offices"),
        (Self::DesksRead, "Read help desks"),
        (
            Self::DesksWrite,
            "Create and change the desks of the client's municipality",
        ),
        (Self::CasesRead, "Read cases of the client's municipality"),
        (
            Self::CasesWrite,
            "Create and change cases of the client's municipality",
        ),
        (
            Self::RequestsRead,
            "Read the client's municipality's service requests",
        ),
        (
            Self::RequestsWrite,
            "File and change service requests for the client's municipality",
        ),
        (Self::ReportsRead, "Read programme statistics"),
        (
            Self::WebhooksManage,
            "Manage the client's own webhooks: events of its municipality that its other scopes can read",
        ),
    ];

    /// The wire name, e.g. `municipalities:read`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MunicipalitiesRead => "municipalities:read",
            Self::DesksRead => "desks:read",
            Self::DesksWrite => "desks:write",
            Self::CasesRead => "cases:read",
            Self::CasesWrite => "cases:write",
            Self::RequestsRead => "requests:read",
            Self::RequestsWrite => "requests:write",
            Self::ReportsRead => "reports:read",
            Self::WebhooksManage => "webhooks:manage",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().map(|(s, _)| *s).find(|x| x.as_str() == s)
    }
}

/// An API client as the API returns it (the secret only once, on creation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiClient {
    /// Identifier (UUID).
    pub id: String,
    /// What the client is, e.g. "Protocollo Comune di Camaiore".
    pub name: String,
    /// The municipality or organisation it acts for.
    pub municipality_id: String,
    /// Scopes granted.
    pub scopes: Vec<Scope>,
    /// The public client id used to get tokens.
    pub client_id: String,
    /// Shown once, in the answer to the creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// Revoked clients can't get tokens and their tokens stop working.
    pub revoked: bool,
    /// When it was created.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Body of `POST /api/v1/api-clients`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewApiClient {
    /// What the client is.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:200"))]
    pub name: String,
    /// The municipality or organisation it acts for.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:id"))]
    pub municipality_id: String,
    /// Scopes granted (at least one).
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub scopes: Vec<Scope>,
}

/// A checked new client.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidNewApiClient {
    /// Name.
    pub name: String,
    /// Municipality id.
    pub municipality_id: String,
    /// Sorted distinct scopes.
    pub scopes: Vec<Scope>,
}

impl NewApiClient {
    /// Parses the body, or every field error.
    pub fn parse(&self) -> Result<ValidNewApiClient, Vec<FieldError>> {
        let mut e = Errors::default();
        let name = e.take("name", required_text(&self.name, 200));
        if self.municipality_id.trim().is_empty() {
            e.add("municipality_id", "required", "must not be empty");
        }
        let mut scopes = self.scopes.clone();
        scopes.sort();
        scopes.dedup();
        if scopes.is_empty() {
            e.add("scopes", "required", "at least one scope");
        }
        e.finish(|| ValidNewApiClient {
            name: name.unwrap_or_default(),
            municipality_id: self.municipality_id.trim().to_owned(),
            scopes,
        })
    }
}
