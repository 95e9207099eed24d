//! `GET` and `PATCH /api/v1/cases/{id}`: reading a case and changing its fields.

use actix_web::{get, patch, web, HttpResponse};
use lumit_shared::case::{Case, CasePatch};

use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, IfMatch, RequestMeta};
use crate::models::case::{self as model, CaseFields};
use crate::routes::with_etag;
use crate::state::AppState;

use super::{check_access, visible};

/// Read one case; the read is logged. Permission: as the list, on the actor's municipalities.
#[utoipa::path(
    operation_id = "getCase",
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    security(("bearer" = []), ("oauth2" = ["cases:read"])),
    responses((status = 200, description = "The case; `ETag` carries its version", body = Case))
)]
#[get("/cases/{id}")]
pub async fn get(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadCases)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let (version, case) = state
        .db
        .append(move |c| {
            let (row, name) = visible(c, &actor, Action::ReadCases, &id)?;
            crate::access::record(
                c,
                &ctx,
                crate::access::Read {
                    action: "case.read",
                    entity_type: "case",
                    entity_id: &row.id,
                    person_id: &row.person_id,
                    municipality_id: Some(&row.municipality_id),
                },
            )?;
            Ok((row.version, row.into_api(name)))
        })
        .await?;
    Ok(with_etag(version, &case))
}

/// Change a case's fields (status changes go through transitions). Honours `If-Match`.
/// Permission: as for opening, on the actor's municipalities.
///
/// Beyond the schema: `If-Match` must be the case's current `ETag` (412 otherwise); the desk (of
/// the case's municipality), category, sub-category and operator must exist (422
/// `invalid_reference`).
#[utoipa::path(
    operation_id = "updateCase",
    tag = "cases",
    params(("id" = String, Path, description = "Case id"), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
    request_body = CasePatch,
    security(("bearer" = []), ("oauth2" = ["cases:write"])),
    responses(
        (status = 200, description = "Updated", body = Case),
        (status = 412, description = "Stale `If-Match`", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[patch("/cases/{id}")]
pub async fn update(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: IfMatch,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteCases)?;
    let id = id.into_inner();
    check_access(&state, &actor, Action::WriteCases, &id).await?;
    let patch: CasePatch = body.json().await?;
    let mut errs = lumit_shared::validate::Errors::default();
    let summary = patch
        .summary
        .as_deref()
        .map(|s| errs.take("summary", lumit_shared::case::summary(s)));
    let language = patch
        .language
        .as_ref()
        .map(|l| errs.take("language", lumit_shared::case::language(l.as_deref())));
    if !errs.is_empty() {
        return Err(ApiError::Validation(errs.0));
    }
    let ctx = AuditCtx::new(&actor, &meta);
    let (version, case) = state
        .db
        .write(move |c| {
            let (cur, name) = visible(c, &actor, Action::WriteCases, &id)?;
            if_match.check(cur.version)?;
            let before = cur.clone().into_api(name.clone());
            let fields = CaseFields {
                desk_id: patch.desk_id.clone().unwrap_or(cur.desk_id.clone()),
                category_id: patch.category_id.clone().unwrap_or(cur.category_id.clone()),
                subcategory_id: patch
                    .subcategory_id
                    .clone()
                    .unwrap_or(cur.subcategory_id.clone()),
                channel: patch
                    .channel
                    .map(|c| c.as_str().to_owned())
                    .unwrap_or(cur.channel.clone()),
                priority: patch
                    .priority
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or(cur.priority.clone()),
                assigned_to_id: patch
                    .assigned_to_id
                    .clone()
                    .unwrap_or(cur.assigned_to_id.clone()),
                summary: summary.flatten().unwrap_or(cur.summary.clone()),
                language: language.flatten().unwrap_or(cur.language.clone()),
                mediator_present: patch.mediator_present.unwrap_or(cur.mediator_present),
            };
            model::check_references(
                c,
                &cur.municipality_id,
                &fields,
                cur.assigned_to_id.as_deref(),
            )?;
            model::update(c, &cur, &fields)?;
            let (row, name) = model::find(c, &cur.id)?;
            let after = row.clone().into_api(name);
            audit::record(
                c,
                &ctx,
                Event::new("case.update", "case", &row.id)
                    .municipality(Some(&row.municipality_id))
                    .changes(audit::diff(Some(&before), Some(&after))),
            )?;
            Ok((row.version, after))
        })
        .await?;
    Ok(with_etag(version, &case))
}
