//! `/api/v1/municipalities`: admins write, every authenticated caller reads.

use actix_web::{get, patch, post, web, HttpResponse};
use lumit_shared::municipality::{
    Municipality, MunicipalityKind, MunicipalityPatch, NewMunicipality, ValidMunicipality,
};
use lumit_shared::Page;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, IfMatch, Query, RequestMeta};
use crate::models::municipality as model;
use crate::pagination::Pager;
use crate::routes::{created, with_etag};
use crate::state::AppState;

/// Filters of the municipality list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Part of the name (case and accents ignored), or the start of an ISTAT code.
    pub q: Option<String>,
    /// Kind of office.
    pub kind: Option<MunicipalityKind>,
    /// Only active (true) or inactive (false) ones.
    pub active: Option<bool>,
    /// Only the members of this Unione.
    pub member_of_id: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// List municipalities and offices, sorted by name. Permission: any authenticated caller
/// (`municipalities:read` for clients).
///
/// Beyond the schema: `cursor` must be a `next_cursor` this list gave out (400 `invalid_cursor`
/// otherwise).
#[utoipa::path(
    operation_id = "listMunicipalities",
    tag = "municipalities",
    params(ListQuery),
    security(("bearer" = []), ("oauth2" = ["municipalities:read"])),
    responses((status = 200, description = "A page of municipalities", body = Page<Municipality>))
)]
#[get("/municipalities")]
pub async fn list(
    actor: Actor,
    state: web::Data<AppState>,
    q: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadMunicipalities)?;
    let q = q.0;
    let mut pager = Pager::<model::Cursor>::new(q.limit, q.cursor.as_deref())?;
    let (limit, after) = pager.query();
    let filter = model::Filter {
        q: q.q,
        kind: q.kind,
        active: q.active,
        member_of_id: q.member_of_id,
    };
    let rows = state
        .db
        .read(move |c| Ok(model::list(c, &filter, after, limit)?))
        .await?;
    let page = pager.page(
        rows,
        |r| model::Cursor(r.name_folded.clone(), r.id.clone()),
        model::MunicipalityRow::into_api,
    );
    Ok(HttpResponse::Ok().json(page))
}

/// Read one municipality. Permission: any authenticated caller (`municipalities:read`).
#[utoipa::path(
    operation_id = "getMunicipality",
    tag = "municipalities",
    params(("id" = String, Path, description = "Municipality id")),
    security(("bearer" = []), ("oauth2" = ["municipalities:read"])),
    responses((status = 200, description = "The municipality; `ETag` carries its version", body = Municipality))
)]
#[get("/municipalities/{id}")]
pub async fn get(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadMunicipalities)?;
    let id = id.into_inner();
    let row = state.db.read(move |c| Ok(model::find(c, &id)?)).await?;
    Ok(with_etag(row.version, &row.clone().into_api()))
}

/// Create a municipality or office. Permission: admin.
///
/// Beyond the schema: a comune needs an ISTAT code starting with its province code; only a comune
/// belongs to an Unione, which must exist (422).
#[utoipa::path(
    operation_id = "createMunicipality",
    tag = "municipalities",
    request_body = NewMunicipality,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Municipality),
        (status = 409, description = "Duplicate ISTAT code", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/municipalities")]
pub async fn create(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteMunicipalities)?;
    let input: NewMunicipality = body.json().await?;
    let valid = input.parse().map_err(ApiError::Validation)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let row = state
        .db
        .write(move |c| {
            let row = model::insert(c, &valid)?;
            let api = row.clone().into_api();
            audit::record(
                c,
                &ctx,
                Event::new("municipality.create", "municipality", &row.id)
                    .municipality(Some(&row.id))
                    .changes(audit::diff(None, Some(&api))),
            )?;
            Ok(row)
        })
        .await?;
    Ok(created(
        &format!("/api/v1/municipalities/{}", row.id),
        row.version,
        &row.clone().into_api(),
    ))
}

/// Change a municipality (only the fields sent; `null` clears; `active: false` deactivates).
/// Honours `If-Match`. Permission: admin.
///
/// Beyond the schema: `If-Match` must be the record's current `ETag` (412 otherwise); a comune
/// needs an ISTAT code starting with its province code, and only a comune belongs to an Unione,
/// which must exist (422).
#[utoipa::path(
    operation_id = "updateMunicipality",
    tag = "municipalities",
    params(
        ("id" = String, Path, description = "Municipality id"),
        ("If-Match" = Option<String>, Header, description = "ETag from a previous read")
    ),
    request_body = MunicipalityPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = Municipality),
        (status = 409, description = "Duplicate ISTAT code", body = lumit_shared::Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale `If-Match`", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[patch("/municipalities/{id}")]
pub async fn update(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: IfMatch,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteMunicipalities)?;
    let patch: MunicipalityPatch = body.json().await?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let row = state
        .db
        .write(move |c| {
            let cur = model::find(c, &id)?;
            if_match.check(cur.version)?;
            let before = cur.clone().into_api();
            let valid = patch
                .apply(&ValidMunicipality::from_current(&before))
                .map_err(ApiError::Validation)?;
            let row = model::update(c, &cur, &valid)?;
            let after = row.clone().into_api();
            let action = match (before.active, after.active) {
                (true, false) => "municipality.deactivate",
                (false, true) => "municipality.reactivate",
                _ => "municipality.update",
            };
            audit::record(
                c,
                &ctx,
                Event::new(action, "municipality", &row.id)
                    .municipality(Some(&row.id))
                    .changes(audit::diff(Some(&before), Some(&after))),
            )?;
            Ok(row)
        })
        .await?;
    Ok(with_etag(row.version, &row.clone().into_api()))
}
