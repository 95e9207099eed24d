//! Access tokens: HS256 JWTs with issuer, audience and expiry, algorithm fixed on verify.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// Issuer of every token.
pub const ISSUER: &str = "lumit";
/// Audience of every token.
pub const AUDIENCE: &str = "lumit-api";
/// Lifetime of an access token, in seconds.
pub const ACCESS_TTL_SECS: i64 = 15 * 60;

/// What an access token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// User id or API client row id.
    pub sub: String,
    /// Expiry (Unix seconds).
    pub exp: i64,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Issued at (Unix milliseconds): compared with the account's "sessions valid after"
    /// instant, which a logout in the same second as a new login must not confuse.
    #[serde(default)]
    pub iat_ms: i64,
    /// Token id.
    pub jti: String,
    /// The session (refresh-token family) of a user's token: logging out ends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// `user` or `client`.
    pub kind: String,
    /// The user's role (users only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Space-separated scopes (clients only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// Signing and verifying keys.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtKeys {
    /// Keys from the shared secret.
    pub fn new(secret: &str) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
        }
    }

    /// Signs a token for a subject, valid for [`ACCESS_TTL_SECS`] but never past the end of
    /// the `session` it belongs to (its id, and its end in Unix seconds). Returns it with its
    /// lifetime.
    pub fn issue(
        &self,
        sub: &str,
        kind: &str,
        role: Option<&str>,
        scope: Option<&str>,
        session: Option<(&str, i64)>,
    ) -> anyhow::Result<(String, i64)> {
        let ends_by = session.map(|(_, end)| end);
        let now = chrono::Utc::now();
        let (secs, ms) = (now.timestamp(), now.timestamp_millis());
        let exp = (secs + ACCESS_TTL_SECS).min(ends_by.unwrap_or(i64::MAX));
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: sub.into(),
            exp,
            iat: secs,
            iat_ms: ms,
            jti: uuid::Uuid::new_v4().to_string(),
            sid: session.map(|(id, _)| id.to_owned()),
            kind: kind.into(),
            role: role.map(str::to_owned),
            scope: scope.map(str::to_owned),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map(|t| (t, (exp - secs).max(0)))
            .map_err(|e| anyhow::anyhow!("signing a token: {e}"))
    }

    /// Verifies signature, algorithm, issuer, audience and expiry.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|d| d.claims)
    }
}
