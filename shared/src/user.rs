//! Staff accounts and their roles.

use serde::{Deserialize, Serialize};

use crate::validate::{new_password, optional_email, required_text, Errors};
use crate::FieldError;

/// What a person does in LUMIT; decides what they may see and change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Programme office / Prefettura IT: manages everything.
    Admin,
    /// Prefettura immigration office: oversees all desks and requests.
    Coordinator,
    /// Desk operator: works the cases of their municipalities.
    Operator,
    /// Municipal officer: requests translation and mediation.
    MunicipalOfficer,
    /// Linguistic-cultural mediator or translator.
    Mediator,
    /// Expert of the university partner: sees only the courses they teach.
    Trainer,
}

impl Role {
    /// All roles.
    pub const ALL: [Role; 6] = [
        Self::Admin,
        Self::Coordinator,
        Self::Operator,
        Self::MunicipalOfficer,
        Self::Mediator,
        Self::Trainer,
    ];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Coordinator => "coordinator",
            Self::Operator => "operator",
            Self::MunicipalOfficer => "municipal_officer",
            Self::Mediator => "mediator",
            Self::Trainer => "trainer",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Admins and coordinators work across every municipality.
    pub fn sees_all_municipalities(self) -> bool {
        matches!(self, Self::Admin | Self::Coordinator)
    }
}

/// A staff account as the API returns it (never a password or hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// Identifier (UUID).
    pub id: String,
    /// Login name, unique without regard to case.
    #[cfg_attr(feature = "openapi", schema(example = "m.rossi"))]
    pub username: String,
    /// Full name.
    #[cfg_attr(feature = "openapi", schema(example = "Maria Rossi"))]
    pub full_name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Role.
    pub role: Role,
    /// Municipalities assigned (an Unione covers its members).
    pub municipality_ids: Vec<String>,
    /// Deactivated accounts cannot log in.
    pub active: bool,
    /// True until the person replaces a temporary password.
    pub must_change_password: bool,
    /// Signs in with a second factor (an authenticator app).
    #[serde(default)]
    pub totp_enabled: bool,
    /// The role must sign in with a second factor (`LUMIT_TOTP_REQUIRED_ROLES`): until it is
    /// set up, only the set-up is open to the account.
    #[serde(default)]
    pub totp_required: bool,
}

/// Body of `POST /api/v1/users`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Login name: 3–64 of letters, digits, `.`, `_`, `-`, `@`.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:username"))]
    pub username: String,
    /// Full name.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:200"))]
    pub full_name: String,
    /// E-mail.
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:email?"))]
    pub email: Option<String>,
    /// Role.
    pub role: Role,
    /// Municipalities assigned.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub municipality_ids: Vec<String>,
    /// Temporary password (at least 12 characters); generated and returned once when omitted.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 256))]
    pub password: Option<String>,
}

/// Answer of `POST /api/v1/users`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedUser {
    /// The new account.
    pub user: User,
    /// The generated temporary password, shown this once; absent when the admin chose one.
    pub temporary_password: Option<String>,
}

/// Body of `PATCH /api/v1/users/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// Full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "lumit:line:200"))]
    pub full_name: Option<String>,
    /// E-mail; `null` clears it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::patch"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "lumit:email?"))]
    pub email: Option<Option<String>>,
    /// Role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Replaces the assigned municipalities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub municipality_ids: Option<Vec<String>>,
    /// Deactivate or reactivate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// Answer of `POST /api/v1/users/{id}/password-reset`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordReset {
    /// One-time temporary password; the person must change it at next login (`null` in a
    /// replay for an `Idempotency-Key`: shown once, never stored).
    #[cfg_attr(feature = "openapi", schema(nullable))]
    pub temporary_password: String,
}

/// A checked new account.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidNewUser {
    /// Username as typed (trimmed).
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Role.
    pub role: Role,
    /// Distinct municipality ids (existence is checked by the server).
    pub municipality_ids: Vec<String>,
    /// Chosen temporary password, if any.
    pub password: Option<String>,
}

/// A username: 3–64 characters of letters, digits, `.`, `_`, `-`, `@`.
pub fn username(s: &str) -> Result<String, (&'static str, String)> {
    let t = s.trim();
    let ok_chars = t
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c));
    if !(3..=64).contains(&t.len()) || !ok_chars {
        return Err((
            "invalid_username",
            "must be 3–64 letters, digits, `.`, `_`, `-` or `@`".into(),
        ));
    }
    Ok(t.to_owned())
}

fn municipality_ids(ids: &[String], e: &mut Errors) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if ids.len() > 100 {
        e.add("municipality_ids", "too_many", "at most 100 municipalities");
        return out;
    }
    for id in ids {
        let id = id.trim().to_owned();
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

impl NewUser {
    /// Parses the body into a checked account, or every field error.
    pub fn parse(&self) -> Result<ValidNewUser, Vec<FieldError>> {
        let mut e = Errors::default();
        let username = e.take("username", username(&self.username));
        let full_name = e.take("full_name", required_text(&self.full_name, 200));
        let email = e.take("email", optional_email(self.email.as_deref()));
        let password = match &self.password {
            Some(p) => e.take("password", new_password(p)).map(Some),
            None => Some(None),
        };
        let ids = municipality_ids(&self.municipality_ids, &mut e);
        e.finish(|| ValidNewUser {
            username: username.unwrap_or_default(),
            full_name: full_name.unwrap_or_default(),
            email: email.flatten(),
            role: self.role,
            municipality_ids: ids,
            password: password.flatten(),
        })
    }
}

/// A checked account patch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValidUserPatch {
    /// New full name.
    pub full_name: Option<String>,
    /// New e-mail (`Some(None)` clears).
    pub email: Option<Option<String>>,
    /// New role.
    pub role: Option<Role>,
    /// New municipalities.
    pub municipality_ids: Option<Vec<String>>,
    /// New active flag.
    pub active: Option<bool>,
}

impl UserPatch {
    /// Parses the patch, or every field error.
    pub fn parse(&self) -> Result<ValidUserPatch, Vec<FieldError>> {
        let mut e = Errors::default();
        let full_name = match &self.full_name {
            Some(n) => e.take("full_name", required_text(n, 200)),
            None => None,
        };
        let email = match &self.email {
            Some(v) => e.take("email", optional_email(v.as_deref())).map(Some),
            None => None,
        };
        let ids = self
            .municipality_ids
            .as_ref()
            .map(|ids| municipality_ids(ids, &mut e));
        e.finish(|| ValidUserPatch {
            full_name,
            email: email.map(Option::flatten),
            role: self.role,
            municipality_ids: ids,
            active: self.active,
        })
    }
}

/// Text the web app can show for an optional value.
pub fn or_dash(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("—")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(username(" m.rossi ").unwrap(), "m.rossi");
        assert!(username("ab").is_err());
        assert!(username("has space").is_err());
    }

    #[test]
    fn new_user_collects_all_errors() {
        let u = NewUser {
            username: "x".into(),
            full_name: " ".into(),
            email: Some("bad".into()),
            role: Role::Operator,
            municipality_ids: vec![],
            password: Some("short".into()),
        };
        let errs = u.parse().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["username", "full_name", "email", "password"]);
    }
}
