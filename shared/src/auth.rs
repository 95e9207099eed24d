//! Login, tokens and password changes.

use serde::{Deserialize, Serialize};

use crate::user::User;

/// Body of `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Username (any case).
    #[cfg_attr(feature = "openapi", schema(example = "admin"))]
    pub username: String,
    /// Password.
    #[cfg_attr(feature = "openapi", schema(example = "a long passphrase"))]
    pub password: String,
    /// Browsers set this: the refresh token then travels in an `HttpOnly` cookie, not the body.
    #[serde(default)]
    pub refresh_token_in_cookie: bool,
    /// The 6-digit code of the authenticator app, for an account with a second factor (the
    /// answer without it is 401 `totp_required`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "492039"))]
    pub totp_code: Option<String>,
    /// Instead of `totp_code`: one of the recovery codes, each good once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_code: Option<String>,
}

/// Answer of login and refresh.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenPair {
    /// JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    #[cfg_attr(feature = "openapi", schema(example = "Bearer"))]
    pub token_type: String,
    /// Seconds until the access token expires.
    #[cfg_attr(feature = "openapi", schema(example = 900))]
    pub expires_in: i64,
    /// Opaque, single-use refresh token (absent when it was set as a cookie).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// When the session ends however active it is (then log in again); it also ends after
    /// the idle timeout without a refresh.
    pub session_expires_at: chrono::DateTime<chrono::Utc>,
    /// The account logged in.
    pub user: User,
}

/// Body of `POST /api/v1/auth/refresh` and `/logout`; empty when the token is in the cookie.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token (partners); browsers send the cookie instead.
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// Body of `POST /api/v1/auth/token` (OAuth 2 client credentials; form-encoded or JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClientTokenRequest {
    /// Must be `client_credentials`.
    #[cfg_attr(feature = "openapi", schema(example = "client_credentials"))]
    pub grant_type: String,
    /// The client id (or HTTP Basic user).
    pub client_id: Option<String>,
    /// The client secret (or HTTP Basic password).
    pub client_secret: Option<String>,
    /// Space-separated scopes wanted; default all the client has.
    pub scope: Option<String>,
}

/// Answer of `POST /api/v1/auth/token`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientToken {
    /// JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until expiry.
    pub expires_in: i64,
    /// Space-separated scopes granted.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "municipalities:read desks:read")
    )]
    pub scope: String,
}

/// Body of `PUT /api/v1/me/password`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    /// The password in use now (the temporary one after a reset).
    pub current_password: String,
    /// At least 12 characters, different from the current one.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 256))]
    pub new_password: String,
}

/// Answer of `POST /api/v1/me/totp`: what the authenticator app needs. Nothing changes for the
/// account until a code from the app is confirmed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpEnrolment {
    /// The secret in base32, for typing into the app by hand (`null` in a replay for an
    /// `Idempotency-Key`: secrets are shown once and never stored).
    #[cfg_attr(feature = "openapi", schema(nullable))]
    pub secret: String,
    /// The `otpauth://` address the QR code holds (`null` in a replay).
    #[cfg_attr(feature = "openapi", schema(nullable))]
    pub otpauth_url: String,
    /// The QR code, as an SVG `data:` address for an `<img>` (`null` in a replay).
    #[cfg_attr(feature = "openapi", schema(nullable))]
    pub qr_code: String,
}

/// Body of `POST /api/v1/me/totp/confirm`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TotpConfirm {
    /// The code the app shows now.
    #[cfg_attr(feature = "openapi", schema(example = "492039"))]
    pub code: String,
}

/// Answer of `POST /api/v1/me/totp/confirm`: the recovery codes, shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodes {
    /// Each signs in once in place of a code from the app (`null` in a replay for an
    /// `Idempotency-Key`: shown once, never stored).
    #[cfg_attr(feature = "openapi", schema(nullable))]
    pub codes: Vec<String>,
}
