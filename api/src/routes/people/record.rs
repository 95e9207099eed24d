//! A person's record: reading, registering (with the duplicate check), changing, linking to another municipality.

use actix_web::{get, patch, post, web, HttpResponse};
use lumit_shared::person::{
    NewPerson, NewPersonLink, Person, PersonLink, PersonPatch, ValidPerson,
};

use crate::access;
use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, IfMatch, RequestMeta};
use crate::models::{municipality, person as model};
use crate::routes::{created, with_etag};
use crate::state::AppState;

use super::*;

/// Read one person; the read is written to the person's access log. Permission: as the list.
#[utoipa::path(
    operation_id = "getPerson",
    tag = "people",
    params(("id" = String, Path, description = "Person id")),
    security(("bearer" = []), ("oauth2" = ["cases:read"])),
    responses((status = 200, description = "The person; `ETag` carries its version", body = Person))
)]
#[get("/people/{id}")]
pub async fn get(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadPeople)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let actor_view = actor.clone();
    let row = state
        .db
        .append(move |c| {
            let row = visible(c, &actor, &id)?;
            access::record(
                c,
                &ctx,
                access::Read {
                    action: "person.read",
                    entity_type: "person",
                    entity_id: &row.id,
                    person_id: &row.id,
                    municipality_id: Some(&row.created_municipality_id),
                },
            )?;
            Ok(row)
        })
        .await?;
    Ok(with_etag(row.version, &shown(&actor_view, row)))
}

/// Register a person at a municipality's desk. A person with the same name (whatever the case,
/// accents, spaces and order) and birth date answers 409 with the `candidates`, unless
/// `confirm_new` is true. Permission: admin, coordinator, operator (their municipalities), clients
/// with `cases:write` (their municipality).
///
/// Beyond the schema: the municipality must be one of the caller's and the residence one must
/// exist; the birth date is not in the future nor before 1900 and agrees with the birth year (at
/// most this year); each language is a known ISO 639 code; the codice fiscale's check character is
/// right (422).
#[utoipa::path(
    operation_id = "createPerson",
    tag = "people",
    request_body = NewPerson,
    security(("bearer" = []), ("oauth2" = ["cases:write"])),
    responses(
        (status = 201, description = "Registered", body = Person),
        (status = 409, description = "Possible duplicates, in `candidates`", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/people")]
pub async fn create(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WritePeople)?;
    let input: NewPerson = body.json().await?;
    let valid = input.parse(today()).map_err(ApiError::Validation)?;
    if !actor.covers(&input.municipality_id) {
        return Err(ApiError::field(
            "municipality_id",
            "not_yours",
            "is not a municipality you work for",
        ));
    }
    let ctx = AuditCtx::new(&actor, &meta);
    let (municipality_id, confirm_new) = (input.municipality_id.clone(), input.confirm_new);
    let written = state
        .db
        .write({
            let ctx = ctx.clone();
            move |c| {
                check_references(c, &valid, Some(&municipality_id))?;
                if !confirm_new {
                    possible_duplicates(c, &actor, &valid)?;
                }
                let row = model::insert(c, &valid, &municipality_id)?;
                let api = row.clone().into_api();
                audit::record(
                    c,
                    &ctx,
                    Event::new("person.create", "person", &row.id)
                        .municipality(Some(&municipality_id))
                        .changes(audit::diff(None, Some(&api))),
                )?;
                Ok(row)
            }
        })
        .await;
    let row = match written {
        Err(e) => {
            // The candidates a 409 shows are a read of their data.
            let shown = candidates_in(&e);
            state
                .access
                .wait_written(access::Shown::page(
                    &ctx,
                    "person.duplicate_check",
                    "people",
                    shown,
                ))
                .await?;
            return Err(e);
        }
        Ok(row) => row,
    };
    Ok(created(
        &format!("/api/v1/people/{}", row.id),
        row.version,
        &row.clone().into_api(),
    ))
}

/// Link a person registered elsewhere to a municipality, so that its desks serve her as their
/// own (cases, requests, search); the reason is kept with the link and the link is on her access
/// log. Permission: admin, coordinator.
///
/// Beyond the schema: the municipality must exist (422 `invalid_reference`).
#[utoipa::path(
    operation_id = "linkPeople",
    tag = "people",
    params(("id" = String, Path, description = "Person id")),
    request_body = NewPersonLink,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Linked", body = PersonLink),
        (status = 409, description = "Already linked to that municipality", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/people/{id}/links")]
pub async fn link(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::LinkPeople)?;
    let input: NewPersonLink = body.json().await?;
    let reason = input.parse().map_err(ApiError::Validation)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let (by, by_name) = (actor.id.clone(), actor.name.clone());
    let link = state
        .db
        .write(move |c| {
            let person = visible(c, &actor, &id)?;
            if municipality::existing_ids(c, std::slice::from_ref(&input.municipality_id))?
                .is_empty()
            {
                return Err(ApiError::field(
                    "municipality_id",
                    "invalid_reference",
                    "no such municipality",
                ));
            }
            if !model::link(c, &person.id, &input.municipality_id, &reason, &by)? {
                return Err(ApiError::conflict(
                    "already_linked",
                    "The person is already linked to that municipality.",
                ));
            }
            // The reason is free text about her: it stays with the link, out of the chain.
            audit::record(
                c,
                &ctx,
                Event::new("person.link", "person", &person.id)
                    .municipality(Some(&input.municipality_id)),
            )?;
            access::record(
                c,
                &ctx,
                access::Read {
                    action: "person.link",
                    entity_type: "person",
                    entity_id: &person.id,
                    person_id: &person.id,
                    municipality_id: Some(&input.municipality_id),
                },
            )?;
            Ok(PersonLink {
                person_id: person.id,
                municipality_id: input.municipality_id,
                reason,
                linked_by_name: by_name,
                linked_at: chrono::Utc::now(),
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(link))
}

/// Change a person's data (only the fields sent; `null` clears). Honours `If-Match`.
/// Permission: as for registering, on a person the actor can see.
///
/// Beyond the schema: `If-Match` must be the person's current `ETag` (412 otherwise); the residence
/// municipality must exist, the birth date is not in the future nor before 1900 and agrees with the
/// birth year (at most this year), each language is a known ISO 639 code, the codice fiscale's
/// check character is right (422).
#[utoipa::path(
    operation_id = "updatePerson",
    tag = "people",
    params(
        ("id" = String, Path, description = "Person id"),
        ("If-Match" = Option<String>, Header, description = "ETag from a previous read")
    ),
    request_body = PersonPatch,
    security(("bearer" = []), ("oauth2" = ["cases:write"])),
    responses(
        (status = 200, description = "Updated", body = Person),
        (status = 412, description = "Stale `If-Match`", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[patch("/people/{id}")]
pub async fn update(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: IfMatch,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::WritePeople)?;
    let id = id.into_inner();
    let probe = actor.clone();
    let pid = id.clone();
    state
        .db
        .read(move |c| visible(c, &probe, &pid).map(|_| ()))
        .await?;
    let patch: PersonPatch = body.json().await?;
    let ctx = AuditCtx::new(&actor, &meta);
    let actor_view = actor.clone();
    let row = state
        .db
        .write(move |c| {
            let cur = visible(c, &actor, &id)?;
            // Another desk keeps her identity up to date, not what it cannot see.
            if !actor.covers(&cur.created_municipality_id) {
                let kept = patch.kept_fields();
                if !kept.is_empty() {
                    return Err(ApiError::Validation(
                        kept.into_iter()
                            .map(|f| {
                                lumit_shared::FieldError::new(
                                    f,
                                    "kept_by_registering_desk",
                                    "only the municipality that registered her keeps this",
                                )
                            })
                            .collect(),
                    ));
                }
            }
            if_match.check(cur.version)?;
            let before = cur.clone().into_api();
            let valid = patch
                .apply(&ValidPerson::from_current(&before), today())
                .map_err(ApiError::Validation)?;
            check_references(c, &valid, None)?;
            let row = model::update(c, &cur, &valid)?;
            let after = row.clone().into_api();
            audit::record(
                c,
                &ctx,
                Event::new("person.update", "person", &row.id)
                    .municipality(Some(&row.created_municipality_id))
                    .changes(audit::diff(Some(&before), Some(&after))),
            )?;
            Ok(row)
        })
        .await?;
    Ok(with_etag(row.version, &shown(&actor_view, row)))
}
