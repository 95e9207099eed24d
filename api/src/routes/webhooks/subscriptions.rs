//! Subscriptions: list, create, read, change, delete, and a new secret.

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::Duration;
use lumit_shared::webhook::{NewWebhook, ValidWebhook, Webhook, WebhookPatch};
use lumit_shared::Page;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{check, owner};
use crate::audit::{self, AuditCtx, Event};
use crate::auth::{Actor, ActorKind};
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{etag, Body, IfMatch, Query, RequestMeta};
use crate::models::webhook as model;
use crate::pagination::Pager;
use crate::routes::with_etag;
use crate::state::AppState;
use crate::webhooks::sign;

/// How long the secret before a rotation keeps signing deliveries.
const ROTATION_OVERLAP_HOURS: i64 = 24;

/// Pages of the subscription list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// A subscription's answer with its secret, which is never stored anywhere the caller can read
/// it again: not cached.
fn with_secret(status: actix_web::http::StatusCode, row: model::WebhookRow) -> HttpResponse {
    let (version, secret) = (row.version, row.secret.clone());
    let mut api = row.into_api();
    let location = format!("/api/v1/webhooks/{}", api.id);
    api.secret = Some(secret);
    HttpResponse::build(status)
        .insert_header((header::LOCATION, location))
        .insert_header((header::ETAG, etag(version)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(api)
}

/// The subscriptions, newest first: an admin's every one, an API client's its own. Permission:
/// admin, or an API client with `webhooks:manage`.
///
/// Beyond the schema: `cursor` must be a `next_cursor` this list gave out (400 `invalid_cursor`
/// otherwise).
#[utoipa::path(
    operation_id = "listWebhooks",
    tag = "webhooks",
    params(ListQuery),
    security(("bearer" = []), ("oauth2" = ["webhooks:manage"])),
    responses((status = 200, description = "A page of subscriptions (without secrets)", body = Page<Webhook>))
)]
#[get("/webhooks")]
pub async fn list(
    actor: Actor,
    state: web::Data<AppState>,
    q: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ManageWebhooks)?;
    let q = q.0;
    let mut pager = Pager::<String>::new(q.limit, q.cursor.as_deref())?;
    let (limit, before) = pager.query();
    let owner = owner(&actor);
    let rows = state
        .db
        .read(move |c| Ok(model::list(c, &owner, before, limit)?))
        .await?;
    Ok(HttpResponse::Ok().json(pager.page(rows, |r| r.id.clone(), model::WebhookRow::into_api)))
}

/// Subscribe a URL to event types. The answer carries the signing `secret` (`whsec_…`) this
/// once. The URL must be `https://` on a public address; an API client may subscribe only to
/// events its scopes can read (`case.*`, `person.*`: `cases:read`; `request.*`: `requests:read`;
/// `report.frozen`: `reports:read`; `training.*`: admins only) and receives only those of its
/// municipality. Permission: admin, or an API client with `webhooks:manage`.
///
/// Beyond the schema: the address must be a URL whose host is no private, local or reserved
/// address, over `https://` unless the server allows private receivers; an API client may subscribe
/// only to events its scopes can read (422).
#[utoipa::path(
    operation_id = "createWebhook",
    tag = "webhooks",
    request_body = NewWebhook,
    security(("bearer" = []), ("oauth2" = ["webhooks:manage"])),
    responses(
        (status = 201, description = "Subscribed; `secret` is shown only now", body = Webhook),
        (status = 422, description = "Invalid fields: `url` (`https_required`, `private_address`, `invalid_url`), `event_types[i]` (`insufficient_scope`)", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/webhooks")]
pub async fn create(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ManageWebhooks)?;
    let input: NewWebhook = body.json().await?;
    let valid = input.parse().map_err(ApiError::Validation)?;
    check(
        &actor,
        Some(&valid.url),
        Some(&input.event_types),
        state.settings.webhooks.allow_private,
    )?;
    let client = (actor.kind == ActorKind::Client).then(|| actor.id.clone());
    let ctx = AuditCtx::new(&actor, &meta);
    let by = actor.id.clone();
    let row = state
        .db
        .write(move |c| {
            let row = model::insert(c, &valid, client.as_deref(), &sign::new_secret(), &by)?;
            // The API shape holds no secret.
            let api = row.clone().into_api();
            audit::record(
                c,
                &ctx,
                Event::new("webhook.create", "webhook", &row.id)
                    .changes(audit::diff(None, Some(&api))),
            )?;
            Ok(row)
        })
        .await?;
    Ok(with_secret(actix_web::http::StatusCode::CREATED, row))
}

/// Read a subscription (never its secret). Permission: admin, or the API client that owns it.
#[utoipa::path(
    operation_id = "getWebhook",
    tag = "webhooks",
    params(("id" = String, Path, description = "Subscription id")),
    security(("bearer" = []), ("oauth2" = ["webhooks:manage"])),
    responses((status = 200, description = "The subscription", body = Webhook))
)]
#[get("/webhooks/{id}")]
pub async fn get(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ManageWebhooks)?;
    let (id, owner) = (id.into_inner(), owner(&actor));
    let row = state
        .db
        .read(move |c| Ok(model::find_for(c, &id, &owner)?))
        .await?;
    Ok(with_etag(row.version, &row.into_api()))
}

/// Change the URL, description or event types, or disable or enable the subscription (enabling
/// it clears `disabled_reason`; deliveries waiting meanwhile then go). Permission: admin, or the
/// API client that owns it.
///
/// Beyond the schema: `If-Match` must be the webhook's current `ETag` (412 otherwise); the address
/// must be a URL whose host is no private, local or reserved address, over `https://` unless the
/// server allows private receivers (422).
#[utoipa::path(
    operation_id = "updateWebhook",
    tag = "webhooks",
    params(
        ("id" = String, Path, description = "Subscription id"),
        ("If-Match" = Option<String>, Header, description = "ETag from a previous read")
    ),
    request_body = WebhookPatch,
    security(("bearer" = []), ("oauth2" = ["webhooks:manage"])),
    responses(
        (status = 200, description = "Changed", body = Webhook),
        (status = 412, description = "Stale `If-Match`", body = lumit_shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: `url` (`https_required`, `private_address`, `invalid_url`), `event_types[i]` (`insufficient_scope`)", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[patch("/webhooks/{id}")]
pub async fn update(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: IfMatch,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ManageWebhooks)?;
    let (id, owner) = (id.into_inner(), owner(&actor));
    let patch: WebhookPatch = body.json().await?;
    let allow_private = state.settings.webhooks.allow_private;
    let ctx = AuditCtx::new(&actor, &meta);
    let row = state
        .db
        .write(move |c| {
            let cur = model::find_for(c, &id, &owner)?;
            if_match.check(cur.version)?;
            let before = cur.clone().into_api();
            let valid: ValidWebhook = patch
                .apply(&ValidWebhook::from_current(&before))
                .map_err(ApiError::Validation)?;
            check(
                &actor,
                patch.url.as_ref().map(|_| valid.url.as_str()),
                patch.event_types.as_deref(),
                allow_private,
            )?;
            let row = model::update(c, &cur, &valid)?;
            let after = row.clone().into_api();
            audit::record(
                c,
                &ctx,
                Event::new("webhook.update", "webhook", &row.id)
                    .changes(audit::diff(Some(&before), Some(&after))),
            )?;
            Ok(row)
        })
        .await?;
    Ok(with_etag(row.version, &row.into_api()))
}

/// Delete a subscription, with its deliveries (those not yet sent are not sent). Permission:
/// admin, or the API client that owns it.
#[utoipa::path(
    operation_id = "deleteWebhook",
    tag = "webhooks",
    params(("id" = String, Path, description = "Subscription id")),
    security(("bearer" = []), ("oauth2" = ["webhooks:manage"])),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/webhooks/{id}")]
pub async fn remove(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ManageWebhooks)?;
    let (id, owner) = (id.into_inner(), owner(&actor));
    let ctx = AuditCtx::new(&actor, &meta);
    state
        .db
        .write(move |c| {
            let cur = model::find_for(c, &id, &owner)?;
            model::delete(c, &cur.id)?;
            let before = cur.clone().into_api();
            audit::record(
                c,
                &ctx,
                Event::new("webhook.delete", "webhook", &cur.id)
                    .changes(audit::diff(Some(&before), None)),
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A new signing secret, shown this once. For 24 hours deliveries are signed with the previous
/// secret too (both signatures in `webhook-signature`), so the receiver can switch without losing
/// any. Permission: admin, or the API client that owns it.
#[utoipa::path(
    operation_id = "rotateWebhookSecret",
    tag = "webhooks",
    params(("id" = String, Path, description = "Subscription id")),
    security(("bearer" = []), ("oauth2" = ["webhooks:manage"])),
    responses((status = 200, description = "Rotated; the new `secret` is shown only now", body = Webhook))
)]
#[post("/webhooks/{id}/secret")]
pub async fn rotate_secret(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ManageWebhooks)?;
    let (id, owner) = (id.into_inner(), owner(&actor));
    let ctx = AuditCtx::new(&actor, &meta);
    let row = state
        .db
        .write(move |c| {
            let cur = model::find_for(c, &id, &owner)?;
            let keep_until = crate::db::now() + Duration::hours(ROTATION_OVERLAP_HOURS);
            let row = model::rotate(c, &cur, &sign::new_secret(), keep_until)?;
            // Neither secret enters the log: only when the old one stops signing.
            audit::record(
                c,
                &ctx,
                Event::new("webhook.rotate_secret", "webhook", &row.id).changes(audit::diff(
                    Some(&cur.into_api()),
                    Some(&row.clone().into_api()),
                )),
            )?;
            Ok(row)
        })
        .await?;
    Ok(with_secret(actix_web::http::StatusCode::OK, row))
}
