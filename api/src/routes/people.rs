//! `/api/v1/people`: the people helped at the desks. Operators see the people of their
//! municipalities; coordinators and admins see all. Every read of a record is logged.

use actix_web::{get, patch, post, web, HttpResponse};
use futures_util::{StreamExt, TryStreamExt};
use lumit_shared::audit::AccessEntry;
use lumit_shared::person::{
    DuplicateElsewhere, NewPerson, NewPersonLink, Person, PersonLink, PersonPatch, ValidPerson,
};
use lumit_shared::Page;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access;
use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, IfMatch, Query, RequestMeta};
use crate::models::case::Cursor as CaseCursor;
use crate::models::{municipality, person as model};
use crate::pagination::{self, Pager};
use crate::routes::{created, with_etag};
use crate::state::AppState;

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Filters of the people list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Name search: case, accents and common spelling variants are ignored ("Mohamed" finds
    /// "Mohammed", "nguyen" finds "Nguyễn").
    pub q: Option<String>,
    /// Registered by this municipality.
    pub municipality_id: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
}

/// Find people, sorted by last name. Permission: admin, coordinator, operator (their
/// municipalities), clients with `cases:read` (their municipality).
#[utoipa::path(
    tag = "people",
    params(ListQuery),
    security(("bearer" = []), ("oauth2" = ["cases:read"])),
    responses((status = 200, description = "A page of people", body = Page<Person>))
)]
#[get("/people")]
pub async fn list(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    q: Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadPeople)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let q = q.0;
    let mut pager = Pager::<model::Cursor>::new(q.limit, q.cursor.as_deref())?;
    let (limit, after) = pager.query();
    let scope = (!actor.sees_all()).then(|| actor.municipality_ids.clone());
    let filter = model::Filter {
        q: q.q,
        municipality_id: q.municipality_id,
        scope,
    };
    let rows = state
        .db
        .read(move |c| Ok(model::list(c, &filter, after, limit)?))
        .await?;
    let page = pager.page(
        rows,
        |r| model::Cursor(r.last_name.clone(), r.id.clone()),
        |r| shown(&actor, r),
    );
    let on_page = page.items.iter().map(|p| p.id.clone());
    state
        .access
        .wait_written(access::Shown::page(&ctx, "person.list", "people", on_page))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The person if the actor may see it (registered in, or with a case in, one of the actor's
/// municipalities); another municipality's person is "not found".
fn visible(c: &mut DbConn, actor: &Actor, id: &str) -> ApiResult<model::PersonRow> {
    authz::require(actor, Action::ReadPeople)?;
    let row = model::find(c, id)?;
    if actor.sees_all() || model::in_scope(c, &row, &actor.municipality_ids)? {
        Ok(row)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Read one person; the read is written to the person's access log. Permission: as the list.
#[utoipa::path(
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

/// What the actor sees of a person she may see: the whole record at the municipality that
/// registered her (and for those who see every municipality); elsewhere her identity only.
fn shown(actor: &Actor, row: model::PersonRow) -> Person {
    let p = row.into_api();
    if actor.covers(&p.created_municipality_id) {
        p
    } else {
        p.identity()
    }
}

/// Register a person at a municipality's desk. A person with the same name (whatever the case,
/// accents, spaces and order) and birth date answers 409 with the `candidates`, unless
/// `confirm_new` is true. Permission: admin, coordinator, operator (their municipalities), clients
/// with `cases:write` (their municipality).
#[utoipa::path(
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

/// The ids of the candidates a `possible_duplicate` answer lists.
fn candidates_in(e: &ApiError) -> Vec<String> {
    match e {
        ApiError::Conflict { extra, .. } => extra
            .get("candidates")
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
            .filter_map(|c| c["id"].as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// A 409 when the person may be registered already. Candidates the caller may see are listed;
/// of the others only the municipalities that registered them are named — no id, no data — so
/// that a common name and a birth year reveal nobody outside the caller's scope. A coordinator
/// can link such a person to the caller's municipality (`POST /api/v1/people/{id}/links`).
fn possible_duplicates(c: &mut DbConn, actor: &Actor, p: &ValidPerson) -> ApiResult<()> {
    let rows = model::duplicates(c, p)?;
    if rows.is_empty() {
        return Ok(());
    }
    let mut candidates = Vec::new();
    let mut elsewhere: Vec<String> = Vec::new();
    for row in rows {
        if actor.sees_all() || model::in_scope(c, &row, &actor.municipality_ids)? {
            candidates.push(model::candidate(row));
        } else if !elsewhere.contains(&row.created_municipality_id) {
            elsewhere.push(row.created_municipality_id);
        }
    }
    let elsewhere: Vec<DuplicateElsewhere> = municipality::names(c, &elsewhere)?
        .into_iter()
        .map(|(municipality_id, municipality_name)| DuplicateElsewhere {
            municipality_id,
            municipality_name,
        })
        .collect();
    let detail = if candidates.is_empty() {
        "A person with the same name and birth date is registered in another municipality: a \
         coordinator can link her to yours, or send confirm_new: true."
    } else {
        "A person with the same name and birth date exists: use them, or send confirm_new: true."
    };
    let mut err = ApiError::conflict("possible_duplicate", detail);
    if let ApiError::Conflict { extra, .. } = &mut err {
        extra.insert(
            "candidates".into(),
            serde_json::to_value(&candidates).unwrap_or_default(),
        );
        extra.insert(
            "elsewhere".into(),
            serde_json::to_value(&elsewhere).unwrap_or_default(),
        );
    }
    Err(err)
}

/// Link a person registered elsewhere to a municipality, so that its desks serve her as their
/// own (cases, requests, search); the reason is kept with the link and the link is on her access
/// log. Permission: admin, coordinator.
#[utoipa::path(
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

/// Refuses municipality references that don't exist, naming the field.
fn check_references(c: &mut DbConn, p: &ValidPerson, registered_at: Option<&str>) -> ApiResult<()> {
    let mut errors = Vec::new();
    for (field, id) in [
        (
            "residence_municipality_id",
            p.residence_municipality_id.as_deref(),
        ),
        ("municipality_id", registered_at),
    ] {
        if let Some(id) = id {
            if municipality::existing_ids(c, &[id.to_owned()])?.is_empty() {
                errors.push(lumit_shared::FieldError::new(
                    field,
                    "invalid_reference",
                    "no such municipality",
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Change a person's data (only the fields sent; `null` clears). Honours `If-Match`.
/// Permission: as for registering, on a person the actor can see.
#[utoipa::path(
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

/// Who read this person's record or one of their cases (or exported them), newest first.
/// Permission: admin, coordinator.
#[utoipa::path(
    tag = "people",
    params(("id" = String, Path, description = "Person id"), ("limit" = Option<i64>, Query, description = "Page size, 1–200"), ("cursor" = Option<String>, Query, description = "Cursor")),
    security(("bearer" = [])),
    responses((status = 200, description = "Reads of the person's record and cases", body = Page<AccessEntry>))
)]
#[get("/people/{id}/access-log")]
pub async fn access_log(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: Query<pagination::PageQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadAccessLog)?;
    let mut pager = Pager::<i64>::new(q.0.limit, q.0.cursor.as_deref())?;
    let (limit, before_id) = pager.query();
    let id = id.into_inner();
    let rows = state
        .db
        .read(move |c| {
            model::find(c, &id)?;
            access::for_person(c, &id, before_id, limit + 1)
        })
        .await?;
    Ok(HttpResponse::Ok().json(pager.page(rows, |e| e.id, |e| e)))
}

/// Everything LUMIT holds about a person — data, cases, timelines, referrals — as JSON (the GDPR
/// right of access), written out as it is read, a page of cases at a time, however many there
/// are. The export itself is audited. Permission: admin, coordinator.
#[utoipa::path(
    tag = "people",
    params(("id" = String, Path, description = "Person id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The export", body = lumit_shared::case::PersonExport))
)]
#[get("/people/{id}/export")]
pub async fn export(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ExportOrMergePeople)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    // Recorded first, in a short write; the reading, which may be long, runs outside the
    // writers' lock, so an export never holds up the desks' work.
    let id = state
        .db
        .write(move |c| {
            let person = model::find(c, &id)?;
            audit::record(
                c,
                &ctx,
                Event::new("person.export", "person", &person.id)
                    .municipality(Some(&person.created_municipality_id)),
            )?;
            // Also in the person's access log, with their other reads.
            access::record(
                c,
                &ctx,
                access::Read {
                    action: "person.export",
                    entity_type: "person",
                    entity_id: &person.id,
                    person_id: &person.id,
                    municipality_id: Some(&person.created_municipality_id),
                },
            )?;
            Ok(person.id)
        })
        .await?;
    let person_id = id.clone();
    let db = state.db.clone();
    // The document up to its list of cases, and the first page of them, read before answering:
    // what fails here still gets its own status. Later pages follow as they are read.
    let (head, next) = db
        .read({
            let id = id.clone();
            move |c| {
                let export = lumit_shared::case::PersonExport {
                    exported_at: chrono::Utc::now(),
                    person: model::find(c, &id)?.into_api(),
                    cases: Vec::new(),
                };
                let json =
                    serde_json::to_string(&export).map_err(|e| ApiError::Internal(e.into()))?;
                let head = json
                    .strip_suffix("[]}")
                    .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("cases are not last")))?;
                let (first, next) = export_page(c, &id, None, true)?;
                let mut out = format!("{head}[").into_bytes();
                out.extend(first);
                Ok((out, next))
            }
        })
        .await?;
    let pages = futures_util::stream::try_unfold(next, move |after: Option<CaseCursor>| {
        let db = db.clone();
        let id = id.clone();
        async move {
            let Some(after) = after else {
                return Ok(None);
            };
            let (chunk, next) = db
                .read(move |c| export_page(c, &id, Some(after), false))
                .await?;
            Ok::<_, ApiError>(Some((web::Bytes::from(chunk), next)))
        }
    });
    let body = futures_util::stream::once(async move { Ok(web::Bytes::from(head)) })
        .chain(pages)
        .inspect_err(|e| tracing::error!(error = %e, "the export was cut short"));
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"lumit-person-{person_id}.json\""),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .streaming(body))
}

/// Cases of an export read at a time: the export is written out page by page, so neither its
/// size nor a slow reader holds memory, a connection or a transaction for long.
pub const EXPORT_PAGE: i64 = 25;

/// One page of an export's cases, as the JSON that follows what was written before, and where
/// the next page starts (`None` after the last, whose JSON closes the document).
fn export_page(
    c: &mut DbConn,
    person_id: &str,
    after: Option<CaseCursor>,
    first: bool,
) -> ApiResult<(Vec<u8>, Option<CaseCursor>)> {
    let filter = crate::models::case::Filter {
        person_id: Some(person_id.to_owned()),
        ..Default::default()
    };
    let mut rows = crate::models::case::list(c, &filter, Default::default(), after, EXPORT_PAGE)?;
    let more = rows.len() as i64 > EXPORT_PAGE;
    rows.truncate(EXPORT_PAGE as usize);
    let next = more
        .then(|| rows.last())
        .flatten()
        .map(|(row, _, _)| CaseCursor(row.opened_at, row.id.clone()));
    let mut out = Vec::new();
    for (i, (row, first_name, last_name)) in rows.into_iter().enumerate() {
        let events = crate::models::case::events(c, &row.id)?;
        let referrals = crate::models::referral::for_case(c, &row.id)?;
        if !(first && i == 0) {
            out.push(b',');
        }
        let case = lumit_shared::case::CaseExport {
            case: row.into_api(format!("{first_name} {last_name}")),
            events,
            referrals,
        };
        serde_json::to_writer(&mut out, &case).map_err(|e| ApiError::Internal(e.into()))?;
    }
    if next.is_none() {
        out.extend_from_slice(b"]}");
    }
    Ok((out, next))
}

/// Merge a duplicate record into this person: the duplicate's cases move here and the duplicate
/// disappears from lists (it is kept, marked merged). Permission: admin, coordinator.
#[utoipa::path(
    tag = "people",
    params(("id" = String, Path, description = "The person to keep")),
    request_body = lumit_shared::case::MergePeople,
    security(("bearer" = [])),
    responses((status = 200, description = "Merged; the kept person", body = Person))
)]
#[post("/people/{id}/merge")]
pub async fn merge(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ExportOrMergePeople)?;
    let input: lumit_shared::case::MergePeople = body.json().await?;
    let id = id.into_inner();
    if input.duplicate_id == id {
        return Err(ApiError::field(
            "duplicate_id",
            "same_person",
            "must be another person",
        ));
    }
    let ctx = AuditCtx::new(&actor, &meta);
    let kept = state
        .db
        .write(move |c| {
            let keep = model::find(c, &id)?;
            let dup = model::find(c, &input.duplicate_id).map_err(|_| {
                ApiError::field("duplicate_id", "invalid_reference", "no such person")
            })?;
            let moved = model::merge(c, &keep.id, &dup.id)?;
            let change = lumit_shared::audit::FieldChange {
                field: "merged_from".into(),
                old: serde_json::Value::Null,
                new: serde_json::json!({"person_id": dup.id, "cases_moved": moved}),
            };
            audit::record(
                c,
                &ctx,
                Event::new("person.merge", "person", &keep.id)
                    .municipality(Some(&keep.created_municipality_id))
                    .changes(vec![change]),
            )?;
            audit::record(
                c,
                &ctx,
                Event::new("person.merged_into", "person", &dup.id)
                    .municipality(Some(&dup.created_municipality_id)),
            )?;
            Ok(model::find(c, &keep.id)?)
        })
        .await?;
    Ok(with_etag(kept.version, &kept.clone().into_api()))
}

/// Anonymise a person for good: identifying fields are replaced, statistical ones (sex, birth
/// year, citizenship, municipalities, categories, dates) kept so reports stay true. Permission:
/// admin.
#[utoipa::path(
    tag = "people",
    params(("id" = String, Path, description = "Person id")),
    security(("bearer" = [])),
    responses((status = 200, description = "Anonymised", body = Person))
)]
#[post("/people/{id}/anonymise")]
pub async fn anonymise(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::AnonymisePeople)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let row = state
        .db
        .write(move |c| {
            let p = model::find(c, &id)?;
            model::anonymise(c, &p.id)?;
            audit::record(
                c,
                &ctx,
                Event::new("person.anonymise", "person", &p.id)
                    .municipality(Some(&p.created_municipality_id)),
            )?;
            Ok(model::find(c, &p.id)?)
        })
        .await?;
    Ok(with_etag(row.version, &row.clone().into_api()))
}
