//! Municipalities (comuni, unioni) and state offices (Prefettura, Questura) that host desks.

use serde::{Deserialize, Serialize};

use crate::validate::{
    optional_digits, optional_email, optional_phone, optional_text, required_text, Errors,
};
use crate::FieldError;

/// What kind of office a municipality record is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MunicipalityKind {
    /// A comune.
    #[default]
    Comune,
    /// A union of comuni; its members are comuni too.
    Unione,
    /// A Prefettura (state office).
    Prefettura,
    /// A Questura (state police immigration office).
    Questura,
    /// Any other public office.
    Other,
}

impl MunicipalityKind {
    /// All kinds, in display order.
    pub const ALL: [MunicipalityKind; 5] = [
        Self::Comune,
        Self::Unione,
        Self::Prefettura,
        Self::Questura,
        Self::Other,
    ];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Comune => "comune",
            Self::Unione => "unione",
            Self::Prefettura => "prefettura",
            Self::Questura => "questura",
            Self::Other => "other",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A municipality or office, as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Municipality {
    /// Identifier (UUID).
    pub id: String,
    /// Official name.
    #[cfg_attr(feature = "openapi", schema(example = "Camaiore"))]
    pub name: String,
    /// Kind of office.
    pub kind: MunicipalityKind,
    /// ISTAT code, 6 digits (comuni).
    #[cfg_attr(feature = "openapi", schema(example = "046005"))]
    pub istat_code: Option<String>,
    /// ISTAT province code, 3 digits (Lucca: `046`).
    #[cfg_attr(feature = "openapi", schema(example = "046"))]
    pub province_code: Option<String>,
    /// The Unione this comune belongs to.
    pub member_of_id: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Contact e-mail.
    pub email: Option<String>,
    /// Contact phone.
    pub phone: Option<String>,
    /// Inactive records are kept for history but offered nowhere.
    pub active: bool,
}

/// Body of `POST /api/v1/municipalities`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMunicipality {
    /// Official name.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Comune di Camaiore", pattern = "lumit:line:200")
    )]
    pub name: String,
    /// Kind of office.
    pub kind: MunicipalityKind,
    /// ISTAT code, 6 digits; required for comuni.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "046005", pattern = "lumit:digits?:6")
    )]
    pub istat_code: Option<String>,
    /// ISTAT province code, 3 digits.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:digits?:3"))]
    pub province_code: Option<String>,
    /// The Unione this comune belongs to.
    pub member_of_id: Option<String>,
    /// Postal address.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line?:300"))]
    pub address: Option<String>,
    /// Contact e-mail.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:email?"))]
    pub email: Option<String>,
    /// Contact phone.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:phone?"))]
    pub phone: Option<String>,
    /// Defaults to true.
    pub active: Option<bool>,
}

/// Body of `PATCH /api/v1/municipalities/{id}`: only the fields present change; `null` clears.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MunicipalityPatch {
    /// Official name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:200"))]
    pub name: Option<String>,
    /// Kind of office.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MunicipalityKind>,
    /// ISTAT code; `null` clears it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:digits?:6"))]
    pub istat_code: Option<Option<String>>,
    /// ISTAT province code; `null` clears it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:digits?:3"))]
    pub province_code: Option<Option<String>>,
    /// The Unione; `null` clears it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub member_of_id: Option<Option<String>>,
    /// Postal address; `null` clears it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:line?:300"))]
    pub address: Option<Option<String>>,
    /// Contact e-mail; `null` clears it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:email?"))]
    pub email: Option<Option<String>>,
    /// Contact phone; `null` clears it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:phone?"))]
    pub phone: Option<Option<String>>,
    /// Deactivate (false) or reactivate (true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// A municipality whose every field was checked; what the database stores.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidMunicipality {
    /// Trimmed name.
    pub name: String,
    /// Kind.
    pub kind: MunicipalityKind,
    /// 6-digit ISTAT code.
    pub istat_code: Option<String>,
    /// 3-digit province code.
    pub province_code: Option<String>,
    /// Parent Unione id (existence is checked by the server).
    pub member_of_id: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Active flag.
    pub active: bool,
}

impl ValidMunicipality {
    /// The values of an existing municipality, as the base a patch applies to.
    pub fn from_current(m: &Municipality) -> Self {
        Self {
            name: m.name.clone(),
            kind: m.kind,
            istat_code: m.istat_code.clone(),
            province_code: m.province_code.clone(),
            member_of_id: m.member_of_id.clone(),
            address: m.address.clone(),
            email: m.email.clone(),
            phone: m.phone.clone(),
            active: m.active,
        }
    }
}

/// Checks a whole municipality: each field, then the rules between fields.
fn check(raw: RawMunicipality<'_>) -> Result<ValidMunicipality, Vec<FieldError>> {
    let mut e = Errors::default();
    let name = e.take("name", required_text(raw.name, 200));
    let istat = e.take("istat_code", optional_digits(raw.istat_code, 6));
    let province = e.take("province_code", optional_digits(raw.province_code, 3));
    let address = e.take("address", optional_text(raw.address, 300));
    let email = e.take("email", optional_email(raw.email));
    let phone = e.take("phone", optional_phone(raw.phone));
    let member_of_id = raw
        .member_of_id
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);

    if raw.kind == MunicipalityKind::Comune && matches!(istat, Some(None)) {
        e.add("istat_code", "required", "is required for a comune");
    }
    if let (Some(Some(i)), Some(Some(p))) = (&istat, &province) {
        if !i.starts_with(p.as_str()) {
            e.add(
                "istat_code",
                "province_mismatch",
                "must start with the province code",
            );
        }
    }
    if member_of_id.is_some() && raw.kind != MunicipalityKind::Comune {
        e.add(
            "member_of_id",
            "not_allowed",
            "only a comune can be a member of an Unione",
        );
    }
    // When the province code is omitted, derive it from the ISTAT code: its first 3 digits.
    let province = match (&istat, province) {
        (Some(Some(i)), Some(None)) => Some(Some(i[..3].to_owned())),
        (_, p) => p,
    };
    e.finish(|| ValidMunicipality {
        name: name.unwrap_or_default(),
        kind: raw.kind,
        istat_code: istat.flatten(),
        province_code: province.flatten(),
        member_of_id,
        address: address.flatten(),
        email: email.flatten(),
        phone: phone.flatten(),
        active: raw.active,
    })
}

struct RawMunicipality<'a> {
    name: &'a str,
    kind: MunicipalityKind,
    istat_code: Option<&'a str>,
    province_code: Option<&'a str>,
    member_of_id: Option<&'a str>,
    address: Option<&'a str>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    active: bool,
}

impl NewMunicipality {
    /// Parses the body into a checked municipality, or every field error.
    pub fn parse(&self) -> Result<ValidMunicipality, Vec<FieldError>> {
        check(RawMunicipality {
            name: &self.name,
            kind: self.kind,
            istat_code: self.istat_code.as_deref(),
            province_code: self.province_code.as_deref(),
            member_of_id: self.member_of_id.as_deref(),
            address: self.address.as_deref(),
            email: self.email.as_deref(),
            phone: self.phone.as_deref(),
            active: self.active.unwrap_or(true),
        })
    }
}

impl MunicipalityPatch {
    /// Applies the patch to the current values and checks the result as a whole.
    pub fn apply(&self, cur: &ValidMunicipality) -> Result<ValidMunicipality, Vec<FieldError>> {
        fn pick<'a>(p: &'a Option<Option<String>>, cur: &'a Option<String>) -> Option<&'a str> {
            match p {
                Some(v) => v.as_deref(),
                None => cur.as_deref(),
            }
        }
        check(RawMunicipality {
            name: self.name.as_deref().unwrap_or(&cur.name),
            kind: self.kind.unwrap_or(cur.kind),
            istat_code: pick(&self.istat_code, &cur.istat_code),
            province_code: pick(&self.province_code, &cur.province_code),
            member_of_id: pick(&self.member_of_id, &cur.member_of_id),
            address: pick(&self.address, &cur.address),
            email: pick(&self.email, &cur.email),
            phone: pick(&self.phone, &cur.phone),
            active: self.active.unwrap_or(cur.active),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comune(istat: &str) -> NewMunicipality {
        NewMunicipality {
            name: "Camaiore".into(),
            kind: MunicipalityKind::Comune,
            istat_code: Some(istat.into()),
            ..Default::default()
        }
    }

    #[test]
    fn comune_needs_six_digit_istat_and_gets_province() {
        let m = comune("046005").parse().unwrap();
        assert_eq!(m.province_code.as_deref(), Some("046"));
        let errs = comune("4605").parse().unwrap_err();
        assert_eq!(errs[0].field, "istat_code");
        let errs = NewMunicipality {
            istat_code: None,
            ..comune("x")
        }
        .parse()
        .unwrap_err();
        assert_eq!(errs[0].code, "required");
    }

    #[test]
    fn patch_clears_and_rechecks() {
        let cur = comune("046005").parse().unwrap();
        let p = MunicipalityPatch {
            istat_code: Some(None),
            ..Default::default()
        };
        assert_eq!(p.apply(&cur).unwrap_err()[0].field, "istat_code");
        let p = MunicipalityPatch {
            email: Some(Some("x@y.it".into())),
            ..Default::default()
        };
        assert_eq!(p.apply(&cur).unwrap().email.as_deref(), Some("x@y.it"));
    }
}
