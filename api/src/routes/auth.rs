//! `/api/v1/auth`: login, refresh-token rotation, logout, and OAuth 2 client credentials.
//! These are the public endpoints: they authenticate instead of checking a permission.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use base64::Engine;
use chrono::NaiveDateTime;
use lumit_shared::auth::{
    ClientToken, ClientTokenRequest, LoginRequest, RefreshRequest, TokenPair,
};
use lumit_shared::user::User;
use lumit_shared::FieldError;

use crate::audit::{self, AuditCtx, Event};
use crate::auth::throttle::{Attempt, Throttle};
use crate::auth::totp;
use crate::auth::{constant_time_eq, sha256_hex, verify_against_dummy, verify_password};
use crate::db::now;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, RequestMeta};
use crate::models::refresh_token::SessionLimits;
use crate::models::{api_client, refresh_token, second_factor, user};
use crate::security_log;
use crate::state::AppState;

/// Name of the refresh-token cookie browsers get.
pub const REFRESH_COOKIE: &str = "lumit_refresh";

/// The refresh cookie: `Secure` as configured (`LUMIT_PUBLIC_URL`), never from request headers.
/// It lives as long as the refresh token in it (`expires`: None to remove it).
fn refresh_cookie(
    state: &AppState,
    value: String,
    expires: Option<NaiveDateTime>,
) -> Cookie<'static> {
    let max_age = expires.map_or(0, |e| (e - now()).num_seconds().max(0));
    Cookie::build(REFRESH_COOKIE, value)
        .path("/api/v1/auth")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.secure_cookies())
        .max_age(CookieDuration::seconds(max_age))
        .finish()
}

fn session_limits(state: &AppState) -> SessionLimits {
    SessionLimits {
        lifetime: state.settings.session_lifetime,
        idle: state.settings.session_idle,
    }
}

/// A new session's or a refreshed session's answer: the access token never outlives the
/// session, and the refresh token goes in the body or in the cookie.
struct Issued {
    user: User,
    refresh: refresh_token::NewToken,
}

fn answer(state: &AppState, mut issued: Issued, in_cookie: bool) -> ApiResult<HttpResponse> {
    issued.user = state.settings.shown(issued.user);
    let ends = issued.refresh.session_ends_at.and_utc();
    let (access_token, expires_in) = state
        .jwt
        .issue(
            &issued.user.id,
            "user",
            Some(issued.user.role.as_str()),
            None,
            Some((&issued.refresh.session_id, ends.timestamp())),
        )
        .map_err(ApiError::Internal)?;
    let mut pair = TokenPair {
        access_token,
        token_type: "Bearer".into(),
        expires_in,
        refresh_token: None,
        session_expires_at: ends,
        user: issued.user,
    };
    let mut res = HttpResponse::Ok();
    if in_cookie {
        res.cookie(refresh_cookie(
            state,
            issued.refresh.token,
            Some(issued.refresh.expires_at),
        ));
    } else {
        pair.refresh_token = Some(issued.refresh.token);
    }
    Ok(res.json(pair))
}

/// Admits a sign-in attempt, counted before its secret is checked (a parallel burst gets no
/// more guesses), after the wait the account's failures call for; or 429.
async fn admitted(throttle: &Throttle, name: &str, meta: &RequestMeta) -> ApiResult<Attempt> {
    let attempt = throttle
        .admit(name, meta.client_ip.as_deref())
        .map_err(|r| ApiError::TooManyRequests {
            retry_after: r.retry_after,
        })?;
    if !attempt.delay.is_zero() {
        tokio::time::sleep(attempt.delay).await;
    }
    Ok(attempt)
}

/// A failed sign-in goes to the security log, never the audit chain: what was typed may be a
/// password (docs/ARCHITECTURE.md). `account` is (id, name) of the account it named, if any.
async fn record_failed(
    state: &AppState,
    meta: &RequestMeta,
    kind: &'static str,
    account: Option<(String, String)>,
) -> ApiResult<()> {
    let ctx = AuditCtx::anonymous(meta, None, "");
    state
        .db
        .write(move |c| {
            let (id, name) = account.unzip();
            security_log::record_failure(c, &ctx, kind, id.as_deref(), name.as_deref())
        })
        .await
}

/// Log in with username and password. Throttled (docs/ARCHITECTURE.md#sign-in-throttling):
/// after 5 failures of an account from one address, or 20 from one address whatever the account,
/// within 15 minutes, that address gets 429; an account failing from many addresses only makes
/// each attempt wait longer, so nobody can lock a user out. Permission: public.
#[utoipa::path(
    operation_id = "login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenPair),
        (status = 401, description = "Wrong username or password (`invalid_credentials`); the account has a second factor and no code was sent (`totp_required`: ask for it and send the same request with `totp_code` or `recovery_code`); a wrong or already used code (`invalid_totp`)", body = lumit_shared::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts from this address; see `Retry-After`", body = lumit_shared::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many sign-ins at once; see `Retry-After`", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/auth/login")]
pub async fn login(
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    let input: LoginRequest = body.json().await?;
    let username: String = input.username.trim().chars().take(128).collect();
    let attempt = admitted(&state.logins, &username, &meta).await?;

    let row = {
        let username = username.clone();
        state
            .db
            .read(move |c| Ok(user::find_by_username(c, &username)?))
            .await?
    };
    let password = input.password;
    let hash = row.as_ref().map(|u| u.password_hash.clone());
    let matches = state
        .password_checks
        .run(move || match hash {
            Some(h) => verify_password(&password, &h),
            None => {
                verify_against_dummy(&password);
                false
            }
        })
        .await?;

    let row = match row {
        Some(r) if matches && r.active => r,
        other => {
            attempt.failed();
            let account = other.map(|u| (u.id, u.username));
            record_failed(&state, &meta, "login_failed", account).await?;
            return Err(ApiError::Unauthorized("invalid_credentials"));
        }
    };
    // The second factor, checked under the same attempt: a wrong code counts as a failure.
    let given = |c: Option<String>| c.filter(|c| !c.trim().is_empty());
    let second = match (
        &row.totp_secret,
        given(input.totp_code),
        given(input.recovery_code),
    ) {
        (None, _, _) => SecondFactor::None,
        (Some(_), None, None) => {
            // The password was right: no failure, but no session either.
            drop(attempt);
            return Err(ApiError::Unauthorized("totp_required"));
        }
        (Some(_), _, Some(code)) => SecondFactor::Recovery(totp::recovery_code_hash(&code)),
        (Some(secret), Some(code), None) => {
            match totp::matching_step(secret, &code, totp::now_secs()) {
                Some(step) => SecondFactor::Step(step),
                None => SecondFactor::Wrong,
            }
        }
    };
    if second == SecondFactor::Wrong {
        attempt.failed();
        let account = Some((row.id.clone(), row.username.clone()));
        record_failed(&state, &meta, "totp_failed", account).await?;
        return Err(ApiError::Unauthorized("invalid_totp"));
    }

    let ctx = AuditCtx::anonymous(&meta, Some(row.id.clone()), &row.username);
    let account = (row.id.clone(), row.username.clone());
    let limits = session_limits(&state);
    let issued = state
        .db
        .write(move |c| {
            // Each code and each recovery code signs in once, whoever races with it.
            let taken = match &second {
                SecondFactor::None | SecondFactor::Wrong => true,
                SecondFactor::Step(step) => second_factor::take_step(c, &row.id, *step)?,
                SecondFactor::Recovery(hash) => {
                    let used = second_factor::use_recovery_code(c, &row.id, hash)?;
                    if used {
                        let e = Event::new("auth.recovery_code_used", "user", &row.id);
                        audit::record(c, &ctx, e)?;
                    }
                    used
                }
            };
            if !taken {
                return Ok(None);
            }
            let issued = refresh_token::issue(c, &row.id, None, limits)?;
            audit::record(c, &ctx, Event::new("auth.login", "user", &row.id))?;
            Ok(Some(Issued {
                user: user::to_api(c, row)?,
                refresh: issued,
            }))
        })
        .await?;
    let Some(issued) = issued else {
        // A replayed code, or one already used by a parallel login.
        attempt.failed();
        record_failed(&state, &meta, "totp_failed", Some(account)).await?;
        return Err(ApiError::Unauthorized("invalid_totp"));
    };
    attempt.succeeded();
    answer(&state, issued, input.refresh_token_in_cookie)
}

/// What a login brings besides the password.
#[derive(Debug, PartialEq, Eq)]
enum SecondFactor {
    /// The account has none.
    None,
    /// A code right for this step (still to be taken: it may have been used).
    Step(i64),
    /// A recovery code, by its hash (still to be used up).
    Recovery(String),
    /// A wrong code.
    Wrong,
}

enum Refreshed {
    Ok(Box<Issued>),
    Invalid,
}

/// Exchange a refresh token (body or cookie) for a new pair. Each refresh token works once; using
/// one again revokes its whole family (theft detection). Permission: public.
#[utoipa::path(
    operation_id = "refreshSession",
    tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "Empty when the token is in the `lumit_refresh` cookie"),
    responses(
        (status = 200, description = "A new pair", body = TokenPair),
        (status = 401, description = "Invalid, expired, reused or revoked", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    let input: RefreshRequest = body.json_or_empty().await?;
    let cookie = req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned());
    let (presented, from_cookie) = match (input.refresh_token, cookie) {
        (Some(t), _) => (t, false),
        (None, Some(c)) => (c, true),
        (None, None) => return Err(ApiError::Unauthorized("invalid_refresh_token")),
    };
    let limits = session_limits(&state);
    let outcome = state
        .db
        .write(move |c| {
            let Some(row) = refresh_token::find(c, &presented)? else {
                return Ok(Refreshed::Invalid);
            };
            if row.used_at.is_some() {
                // A used token presented again: someone kept a copy. Cut the whole family off.
                refresh_token::revoke_family(c, &row.family_id)?;
                let ctx = AuditCtx::anonymous(&meta, Some(row.user_id.clone()), "refresh token");
                audit::record(
                    c,
                    &ctx,
                    Event::new("auth.refresh_reuse", "user", &row.user_id),
                )?;
                return Ok(Refreshed::Invalid);
            }
            // Past the idle timeout or the session's absolute end (`expires_at` is the earlier
            // of the two when issued; the end is checked again in case the setting shrank).
            let t = now();
            if row.revoked_at.is_some()
                || row.expires_at <= t
                || limits.ends_at(row.session_started_at) <= t
            {
                return Ok(Refreshed::Invalid);
            }
            let u = user::find(c, &row.user_id)?;
            if !u.active {
                return Ok(Refreshed::Invalid);
            }
            refresh_token::mark_used(c, &row.id)?;
            let session = Some((row.family_id.as_str(), row.session_started_at));
            let refresh = refresh_token::issue(c, &u.id, session, limits)?;
            Ok(Refreshed::Ok(Box::new(Issued {
                user: user::to_api(c, u)?,
                refresh,
            })))
        })
        .await?;
    match outcome {
        Refreshed::Invalid => {
            let mut res = actix_web::ResponseError::error_response(&ApiError::Unauthorized(
                "invalid_refresh_token",
            ));
            if from_cookie {
                let _ = res.add_removal_cookie(&refresh_cookie(&state, String::new(), None));
            }
            Ok(res)
        }
        Refreshed::Ok(issued) => answer(&state, *issued, from_cookie),
    }
}

/// Log out: ends this session at once (its refresh tokens revoked, its access tokens already
/// issued refused from the next request) and clears the cookie; the account's sessions on other
/// devices go on. Always 204. Permission: public.
#[utoipa::path(
    operation_id = "logout",
    tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "Empty when the token is in the cookie"),
    responses((status = 204, description = "Logged out"))
)]
#[post("/auth/logout")]
pub async fn logout(
    req: HttpRequest,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    let input: RefreshRequest = body.json_or_empty().await?;
    let presented = input
        .refresh_token
        .or_else(|| req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()));
    if let Some(presented) = presented {
        state
            .db
            .write(move |c| {
                if let Some(row) = refresh_token::find(c, &presented)? {
                    if refresh_token::end_session(c, &row.family_id, &row.user_id)? > 0 {
                        let ctx = AuditCtx::anonymous(&meta, Some(row.user_id.clone()), "logout");
                        audit::record(c, &ctx, Event::new("auth.logout", "user", &row.user_id))?;
                    }
                }
                Ok(())
            })
            .await?;
    }
    let mut res = HttpResponse::NoContent().finish();
    let _ = res.add_removal_cookie(&refresh_cookie(&state, String::new(), None));
    Ok(res)
}

fn basic_credentials(req: &HttpRequest) -> Option<(String, String)> {
    let v = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, b64) = v.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let s = String::from_utf8(decoded).ok()?;
    let (id, secret) = s.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// OAuth 2 client credentials: a partner system exchanges its client id and secret (form fields,
/// JSON, or HTTP Basic) for an access token carrying its scopes. Permission: public.
#[utoipa::path(
    operation_id = "issueClientToken",
    tag = "auth",
    request_body(content = ClientTokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Access token", body = ClientToken),
        (status = 400, description = "Unsupported grant type", body = lumit_shared::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown or revoked client, or wrong secret", body = lumit_shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A scope the client does not hold", body = lumit_shared::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts from this address; see `Retry-After`", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/auth/token")]
pub async fn token(
    req: HttpRequest,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    let input: ClientTokenRequest = body.json_or_form().await?;
    if input.grant_type != "client_credentials" {
        return Err(ApiError::BadRequest {
            code: "unsupported_grant_type",
            detail:
                "Only `client_credentials` is supported here; staff log in at /api/v1/auth/login."
                    .into(),
            errors: vec![FieldError::new(
                "grant_type",
                "unsupported",
                "must be client_credentials",
            )],
        });
    }
    let (client_id, secret) = match (
        input.client_id,
        input.client_secret,
        basic_credentials(&req),
    ) {
        (Some(id), Some(secret), _) => (id, secret),
        (_, _, Some(basic)) => basic,
        _ => return Err(ApiError::Unauthorized("invalid_client")),
    };
    let client_id: String = client_id.chars().take(128).collect();
    let attempt = admitted(&state.clients, &client_id, &meta).await?;
    let row = {
        let client_id = client_id.clone();
        state
            .db
            .read(move |c| Ok(api_client::find_by_client_id(c, &client_id)?))
            .await?
    };
    let row = match row {
        Some(r)
            if r.revoked_at.is_none() && constant_time_eq(&sha256_hex(&secret), &r.secret_hash) =>
        {
            attempt.succeeded();
            r
        }
        other => {
            attempt.failed();
            let client = other.map(|r| (r.id, r.client_id));
            record_failed(&state, &meta, "client_failed", client).await?;
            return Err(ApiError::Unauthorized("invalid_client"));
        }
    };
    let held: Vec<&str> = row.scopes.split_whitespace().collect();
    let granted: Vec<&str> = match input
        .scope
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => held.clone(),
        Some(wanted) => {
            let wanted: Vec<&str> = wanted.split_whitespace().collect();
            if let Some(bad) = wanted.iter().find(|s| !held.contains(s)) {
                return Err(ApiError::field(
                    "scope",
                    "invalid_scope",
                    format!("the client does not hold `{bad}`"),
                ));
            }
            wanted
        }
    };
    let scope = granted.join(" ");
    let (access_token, expires_in) = state
        .jwt
        .issue(&row.id, "client", None, Some(&scope), None)
        .map_err(ApiError::Internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ClientToken {
            access_token,
            token_type: "Bearer".into(),
            expires_in,
            scope,
        }))
}
