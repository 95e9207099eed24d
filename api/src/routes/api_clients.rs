//! `/api/v1/api-clients`: partner systems' credentials, managed by admins.

use actix_web::{delete, get, post, web, HttpResponse};
use lumit_shared::api_client::{ApiClient, NewApiClient};
use lumit_shared::Page;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::audit::{self, AuditCtx, Event};
use crate::auth::{random_token, sha256_hex, Actor};
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Query, RequestMeta};
use crate::models::{api_client as model, municipality};
use crate::pagination::Pager;
use crate::state::AppState;

/// Filters of the client list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Include revoked clients.
    pub include_revoked: Option<bool>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
}

/// List API clients, newest first. Permission: admin.
///
/// Beyond the schema: `cursor` must be a `next_cursor` this list gave out (400 `invalid_cursor`
/// otherwise).
#[utoipa::path(
    operation_id = "listApiClients",
    tag = "api-clients",
    params(ListQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of clients", body = Page<ApiClient>))
)]
#[get("/api-clients")]
pub async fn list(
    actor: Actor,
    state: web::Data<AppState>,
    q: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ManageApiClients)?;
    let q = q.0;
    let mut pager = Pager::<String>::new(q.limit, q.cursor.as_deref())?;
    let (limit, before) = pager.query();
    let include_revoked = q.include_revoked.unwrap_or(false);
    let rows = state
        .db
        .read(move |c| Ok(model::list(c, include_revoked, before, limit)?))
        .await?;
    let page = pager.page(rows, |r| r.id.clone(), model::ApiClientRow::into_api);
    Ok(HttpResponse::Ok().json(page))
}

/// Read one client (never its secret). Permission: admin.
#[utoipa::path(
    operation_id = "getApiClient",
    tag = "api-clients",
    params(("id" = String, Path, description = "API client id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The client", body = ApiClient))
)]
#[get("/api-clients/{id}")]
pub async fn get(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ManageApiClients)?;
    let id = id.into_inner();
    let row = state.db.read(move |c| Ok(model::find(c, &id)?)).await?;
    Ok(HttpResponse::Ok().json(row.into_api()))
}

/// Create a client for a municipality with scopes. The answer carries `client_secret` this once;
/// only its hash is stored. Permission: admin.
///
/// Beyond the schema: the municipality must exist (422 `invalid_reference`).
#[utoipa::path(
    operation_id = "createApiClient",
    tag = "api-clients",
    request_body = NewApiClient,
    security(("bearer" = [])),
    responses((status = 201, description = "Created; `client_secret` is shown only now", body = ApiClient))
)]
#[post("/api-clients")]
pub async fn create(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ManageApiClients)?;
    let input: NewApiClient = body.json().await?;
    let valid = input.parse().map_err(ApiError::Validation)?;
    let client_id = format!("lumit_{}", random_token(12));
    let secret = random_token(32);
    let secret_hash = sha256_hex(&secret);
    let ctx = AuditCtx::new(&actor, &meta);
    let creator = actor.id.clone();
    let row = state
        .db
        .write(move |c| {
            if municipality::existing_ids(c, std::slice::from_ref(&valid.municipality_id))?
                .is_empty()
            {
                return Err(ApiError::field(
                    "municipality_id",
                    "invalid_reference",
                    "no such municipality",
                ));
            }
            let row = model::insert(c, &valid, &client_id, &secret_hash, &creator)?;
            let api = row.clone().into_api();
            audit::record(
                c,
                &ctx,
                Event::new("api_client.create", "api_client", &row.id)
                    .municipality(Some(&row.municipality_id))
                    .changes(audit::diff(None, Some(&api))),
            )?;
            Ok(row)
        })
        .await?;
    let mut api = row.into_api();
    api.client_secret = Some(secret);
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/api-clients/{}", api.id)))
        .insert_header(("Cache-Control", "no-store"))
        .json(api))
}

/// Revoke a client: it can't get tokens any more, and tokens it holds stop working at once.
/// Permission: admin.
#[utoipa::path(
    operation_id = "revokeApiClient",
    tag = "api-clients",
    params(("id" = String, Path, description = "API client id")),
    security(("bearer" = [])),
    responses((status = 204, description = "Revoked"))
)]
#[delete("/api-clients/{id}")]
pub async fn revoke(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ManageApiClients)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    state
        .db
        .write(move |c| {
            let row = model::find(c, &id)?;
            if row.revoked_at.is_none() {
                model::revoke(c, &row.id)?;
                audit::record(
                    c,
                    &ctx,
                    Event::new("api_client.revoke", "api_client", &row.id)
                        .municipality(Some(&row.municipality_id)),
                )?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
