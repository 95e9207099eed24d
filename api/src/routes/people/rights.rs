//! The data subject's rights and their guardians: who read the record, the export, merging duplicates, anonymisation.

use actix_web::{get, post, web, HttpResponse};
use futures_util::{StreamExt, TryStreamExt};
use lumit_shared::audit::AccessEntry;
use lumit_shared::person::Person;
use lumit_shared::Page;

use crate::access;
use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Query, RequestMeta};
use crate::models::case::Cursor as CaseCursor;
use crate::models::person as model;
use crate::pagination::{self, Pager};
use crate::routes::with_etag;
use crate::state::AppState;

use super::*;

/// Who read this person's record or one of their cases (or exported them), newest first.
/// Permission: admin, coordinator.
///
/// Beyond the schema: `cursor` must be a `next_cursor` this list gave out (400 `invalid_cursor`
/// otherwise).
#[utoipa::path(
    operation_id = "getPersonAccessLog",
    tag = "people",
    params(("id" = String, Path, description = "Person id"), ("limit" = Option<i64>, Query, description = "Page size, 1–200", minimum = 1, maximum = 200), ("cursor" = Option<String>, Query, description = "Cursor")),
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
    operation_id = "exportPerson",
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
///
/// Beyond the schema: `duplicate_id` must name another person the caller sees (422
/// `invalid_reference`).
#[utoipa::path(
    operation_id = "mergePeople",
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
    operation_id = "anonymisePerson",
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
