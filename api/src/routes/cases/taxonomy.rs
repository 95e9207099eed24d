//! `/api/v1/case-categories`: the taxonomy.

use actix_web::{get, patch, post, web, HttpResponse};
use lumit_shared::case::CaseCategory;

use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, RequestMeta};
use crate::models::case as model;
use crate::state::AppState;

/// The case categories (two levels) with their document checklists. Permission: any staff
/// member, or a client with `cases:read`.
#[utoipa::path(
    operation_id = "listCaseCategories",
    tag = "cases",
    security(("bearer" = []), ("oauth2" = ["cases:read"])),
    responses((status = 200, description = "The taxonomy", body = Vec<CaseCategory>))
)]
#[get("/case-categories")]
pub async fn categories(actor: Actor, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadCategories)?;
    let all = state.db.read(|c| Ok(model::categories(c)?)).await?;
    Ok(HttpResponse::Ok().json(all))
}

/// Add a category or sub-category to the taxonomy. Permission: admin.
///
/// Beyond the schema: a `parent_id` must name a top-level category (422 `invalid_reference`).
#[utoipa::path(
    operation_id = "createCaseCategory",
    tag = "cases",
    request_body = lumit_shared::case::NewCategory,
    security(("bearer" = [])),
    responses((status = 201, description = "Added", body = CaseCategory))
)]
#[post("/case-categories")]
pub async fn create_category(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteCategories)?;
    let input: lumit_shared::case::NewCategory = body.json().await?;
    let cat = lumit_shared::case::CategoryInput::from(input)
        .apply(None)
        .map_err(ApiError::Validation)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let cat = state
        .db
        .write(move |c| {
            if let Some(parent) = &cat.parent_id {
                let top = model::categories(c)?
                    .into_iter()
                    .any(|p| &p.id == parent && p.parent_id.is_none());
                if !top {
                    return Err(ApiError::field(
                        "parent_id",
                        "invalid_reference",
                        "no such top-level category",
                    ));
                }
            }
            model::save_category(c, &cat, true)?;
            audit::record(
                c,
                &ctx,
                Event::new("case_category.create", "case_category", &cat.id)
                    .changes(audit::diff(None, Some(&cat))),
            )?;
            Ok(cat)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/case-categories/{}", cat.id),
        ))
        .json(cat))
}

/// Change a category: names, checklist, retention years, active. Permission: admin.
#[utoipa::path(
    operation_id = "updateCaseCategory",
    tag = "cases",
    params(("id" = String, Path, description = "Category id")),
    request_body = lumit_shared::case::CategoryPatch,
    security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = CaseCategory))
)]
#[patch("/case-categories/{id}")]
pub async fn update_category(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteCategories)?;
    let input = lumit_shared::case::CategoryInput::from(
        body.json::<lumit_shared::case::CategoryPatch>().await?,
    );
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let cat = state
        .db
        .write(move |c| {
            let cur = model::categories(c)?
                .into_iter()
                .find(|x| x.id == id)
                .ok_or(ApiError::NotFound)?;
            let cat = input.apply(Some(&cur)).map_err(ApiError::Validation)?;
            model::save_category(c, &cat, false)?;
            audit::record(
                c,
                &ctx,
                Event::new("case_category.update", "case_category", &cat.id)
                    .changes(audit::diff(Some(&cur), Some(&cat))),
            )?;
            Ok(cat)
        })
        .await?;
    Ok(HttpResponse::Ok().json(cat))
}
