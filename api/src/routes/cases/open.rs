//! `POST /api/v1/cases`: opening a case.

use actix_web::{post, web, HttpResponse};
use lumit_shared::case::{Case, NewCase};

use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult, StoreError};
use crate::extract::{Body, RequestMeta};
use crate::models::case::{self as model, CaseFields};
use crate::routes::created;
use crate::state::AppState;

/// Open a case for a person at a municipality's desk. Permission: admin, coordinator, operator
/// (their municipalities), clients with `cases:write` (their municipality).
///
/// Beyond the schema: the person, the municipality (one of the caller's), the desk (of that
/// municipality), the category and sub-category and the operator must exist (422).
#[utoipa::path(
    operation_id = "createCase",
    tag = "cases",
    request_body = NewCase,
    security(("bearer" = []), ("oauth2" = ["cases:write"])),
    responses((status = 201, description = "Opened", body = Case))
)]
#[post("/cases")]
pub async fn create(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WriteCases)?;
    let input: NewCase = body.json().await?;
    lumit_shared::case::check_new(&input).map_err(ApiError::Validation)?;
    if !actor.covers(&input.municipality_id) {
        return Err(ApiError::field(
            "municipality_id",
            "not_yours",
            "is not a municipality you work for",
        ));
    }
    let fields = CaseFields {
        desk_id: input.desk_id.clone().filter(|s| !s.is_empty()),
        category_id: input.category_id.clone(),
        subcategory_id: input.subcategory_id.clone().filter(|s| !s.is_empty()),
        channel: input.channel.as_str().into(),
        priority: input.priority.as_str().into(),
        assigned_to_id: input.assigned_to_id.clone().filter(|s| !s.is_empty()),
        summary: input.summary.trim().to_owned(),
        language: lumit_shared::case::language(input.language.as_deref()).unwrap_or_default(),
        mediator_present: input.mediator_present,
    };
    let ctx = AuditCtx::new(&actor, &meta);
    let author = actor.id.clone();
    let case = state
        .db
        .write(move |c| {
            // A person outside the caller's scope is "no such person", exactly as one that does
            // not exist: opening a case must not be a way to reach another desk's people.
            let person = match crate::models::person::find(c, &input.person_id) {
                Ok(p) => Some(p),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            };
            let reachable = match &person {
                Some(p) => {
                    actor.sees_all()
                        || crate::models::person::in_scope(c, p, &actor.municipality_ids)?
                }
                None => false,
            };
            if !reachable {
                return Err(ApiError::field(
                    "person_id",
                    "invalid_reference",
                    "no such person",
                ));
            }
            model::check_references(c, &input.municipality_id, &fields, None)?;
            let row = model::insert(
                c,
                &input.person_id,
                &input.municipality_id,
                &fields,
                &author,
            )?;
            let (row, name) = model::find(c, &row.id)?;
            let api = row.clone().into_api(name);
            audit::record(
                c,
                &ctx,
                Event::new("case.create", "case", &api.id)
                    .municipality(Some(&api.municipality_id))
                    .changes(audit::diff(None, Some(&api))),
            )?;
            Ok((row.version, api))
        })
        .await?;
    Ok(created(
        &format!("/api/v1/cases/{}", case.1.id),
        case.0,
        &case.1,
    ))
}
