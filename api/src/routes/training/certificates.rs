//! Paper for training: the sign-in sheet of a session (PDF), and certificates of attendance —
//! issued once a course is over to whoever reached its threshold, mailed as PDF, downloadable
//! by the course's staff, and checked by anyone at `/api/v1/certificates/{code}`.

use actix_web::{get, post, web, HttpResponse};
use lumit_shared::training::{
    initials, Certificate, CertificateCheck, CertificateCode, MessageLanguage,
};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use super::{may_see_course, participants_scope, require_over};
use crate::access;
use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, RequestMeta};
use crate::models::outbox;
use crate::models::training::{attendance, certificate as model, course, session};
use crate::pdf;
use crate::scheduling::local_now;
use crate::state::AppState;

/// A PDF file, as the document describes the body.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // Never built: it only names the body's schema.
pub struct PdfFile(Vec<u8>);

/// A PDF to download: never cached, it names people.
fn pdf_response(filename: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(bytes)
}

fn rendering_failed(e: String) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("the PDF could not be made: {e}"))
}

/// The language of a sheet.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SheetQuery {
    /// `it` (default) or `en`.
    pub lang: Option<MessageLanguage>,
}

/// A session's sign-in sheet as PDF: everyone holding a place, by name, with their office and
/// room to sign at arrival and departure, and empty rows for late additions. Permission: admin,
/// coordinator, the course's trainers.
#[utoipa::path(
    operation_id = "getSignInSheet",
    tag = "training",
    params(("id" = String, Path, description = "Session id"), SheetQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The sheet", content_type = "application/pdf", body = PdfFile),
        (status = 404, description = "No such session", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[get("/training/sessions/{id}/sign-in-sheet")]
pub async fn sign_in_sheet(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: Query<SheetQuery>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::TakeAttendance)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let language = q.0.lang.unwrap_or_default();
    let sid = id.clone();
    let (sheet, shown) = state
        .db
        .read(move |c| {
            let (s, _) = session::find(c, &sid)?;
            may_see_course(c, &actor, &s.course_id)?;
            let shown: Vec<String> = attendance::of_session(c, &s)?
                .into_iter()
                .map(|a| a.participant_id)
                .collect();
            Ok((pdf::sign_in::load(c, &sid, language)?, shown))
        })
        .await?;
    state
        .access
        .wait_written(access::Shown::page(
            &ctx,
            "training.sign_in_sheet",
            "training_attendance",
            shown,
        ))
        .await?;
    let bytes = web::block(move || pdf::sign_in::pdf(&sheet))
        .await
        .map_err(|e| rendering_failed(e.to_string()))?
        .map_err(rendering_failed)?;
    Ok(pdf_response(&format!("foglio-firme-{id}.pdf"), bytes))
}

/// What the audit log keeps of an issue: ids and minutes, no names.
#[derive(Serialize)]
struct Issued<'a> {
    certificate_id: &'a str,
    enrolment_id: &'a str,
    attended_minutes: i64,
}

/// Issue the certificates of a course that is over: one to every participant holding a place
/// whose attendance reached the threshold and who has none yet (hours as recorded now), each
/// mailed to its holder as PDF. Issuing again later only adds the missing ones. Permission:
/// admin, coordinator.
#[utoipa::path(
    operation_id = "issueCertificates",
    tag = "training",
    params(("id" = String, Path, description = "Course id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every certificate of the course", body = Vec<Certificate>),
        (status = 409, description = "The course is not over yet", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/training/courses/{id}/certificates")]
pub async fn issue_certificates(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::PlanTraining)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let ctx_read = ctx.clone();
    let by = actor.id.clone();
    let list = state
        .db
        .write(move |c| {
            let row = course::find(c, &id)?;
            require_over(
                c,
                &id,
                "Certificates are issued once the course's last session is over.",
            )?;
            // Two coordinators issuing at once: the second waits, then finds the first's.
            course::lock_enrolments(c, &id)?;
            let sessions = session::of_course(c, &id)?;
            let hours = attendance::of_course(
                c,
                &sessions,
                &id,
                row.min_attendance_percent,
                local_now(),
                None,
            )?;
            let api = course::one_to_api(c, row.clone())?;
            let today = local_now().date();
            let at_issue = model::CourseAtIssue {
                title: api.title,
                organisation: api.organisation,
                trainers: api
                    .trainers
                    .into_iter()
                    .map(|t| t.full_name)
                    .collect::<Vec<_>>()
                    .join("\n"),
                first_day: api.first_day.unwrap_or(today),
                last_day: api.last_day.unwrap_or(today),
                sessions: api.sessions,
                planned_minutes: hours.planned_minutes,
            };
            let made = model::issue(c, &id, &at_issue, &hours.participants, Some(&by))?;
            for cert in &made {
                let (_, p) = crate::models::training::enrolment::find(c, &cert.enrolment_id)?;
                outbox::enqueue(c, &crate::mail::texts::certificate(&row, &p, cert))?;
                audit::record(
                    c,
                    &ctx,
                    Event::new("training.certificate.issue", "training_course", &id).changes(
                        audit::diff(
                            None,
                            Some(&Issued {
                                certificate_id: &cert.id,
                                enrolment_id: &cert.enrolment_id,
                                attended_minutes: cert.attended_minutes,
                            }),
                        ),
                    ),
                )?;
            }
            Ok(model::of_course(c, &id, None)?)
        })
        .await?;
    let shown = list.iter().map(|c| c.participant_id.clone());
    state
        .access
        .wait_written(access::Shown::page(
            &ctx_read,
            "training.certificates",
            "training_certificates",
            shown,
        ))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// A course's certificates, by holder. Permission: admin, coordinator, the course's trainers;
/// municipal officers see those of their municipalities' staff.
#[utoipa::path(
    operation_id = "listCertificates",
    tag = "training",
    params(("id" = String, Path, description = "Course id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The certificates", body = Vec<Certificate>))
)]
#[get("/training/courses/{id}/certificates")]
pub async fn list_certificates(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadEnrolments)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let scope = participants_scope(&actor);
    let list = state
        .db
        .read(move |c| {
            course::find(c, &id)?;
            may_see_course(c, &actor, &id)?;
            Ok(model::of_course(c, &id, scope.as_deref())?)
        })
        .await?;
    let shown = list.iter().map(|c| c.participant_id.clone());
    state
        .access
        .wait_written(access::Shown::page(
            &ctx,
            "training.certificates",
            "training_certificates",
            shown,
        ))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// A certificate as PDF, in its holder's language. Permission: admin, coordinator, the course's
/// trainers, municipal officers for their municipalities' staff.
#[utoipa::path(
    operation_id = "getCertificatePdf",
    tag = "training",
    params(("id" = String, Path, description = "Certificate id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The certificate", content_type = "application/pdf", body = PdfFile),
        (status = 404, description = "No such certificate, or not one the caller may see", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[get("/training/certificates/{id}/pdf")]
pub async fn certificate_pdf(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadEnrolments)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let scope = participants_scope(&actor);
    let public_url = state.settings.public_url.clone();
    let (holder, name, doc) = state
        .db
        .read(move |c| {
            let (cert, p) = model::find(c, &id)?;
            may_see_course(c, &actor, &cert.course_id)?;
            if let Some(ms) = &scope {
                if !p.municipality_id.as_ref().is_some_and(|m| ms.contains(m)) {
                    return Err(ApiError::NotFound);
                }
            }
            let (name, doc) = pdf::certificate::load(c, &id, public_url.as_deref())?;
            Ok((p.id, name, doc))
        })
        .await?;
    state
        .access
        .wait_written(access::Shown::page(
            &ctx,
            "training.certificate",
            "training_certificates",
            [holder],
        ))
        .await?;
    let bytes = web::block(move || pdf::certificate::pdf(&doc))
        .await
        .map_err(|e| rendering_failed(e.to_string()))?
        .map_err(rendering_failed)?;
    Ok(pdf_response(&name, bytes))
}

/// Check a certificate by its code: confirms the holder's initials, the course and the hours,
/// and nothing else. No account needed. Lower case, spaces and missing dashes are forgiven.
#[utoipa::path(
    operation_id = "checkCertificate",
    tag = "training",
    params(("code" = String, Path, description = "The code printed on the certificate: 12 letters and digits (not U; O, I and L read as 0, 1, 1), in any case, dashes and spaces anywhere", example = "7KQ2-M9XD-4HTA", pattern = "^[- ]*(?:[0-9A-TV-Za-tv-z][- ]*){12}$")),
    responses(
        (status = 200, description = "A certificate LUMIT issued", body = CertificateCheck),
        (status = 400, description = "Not a code", body = lumit_shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No certificate has this code", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[get("/certificates/{code}")]
pub async fn check_certificate(
    meta: RequestMeta,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let code = CertificateCode::parse(&code).map_err(|e| ApiError::BadRequest {
        code: "invalid_code",
        detail: e.message.clone(),
        errors: vec![e],
    })?;
    // Whoever asks is anonymous; their address and request id say where a check came from.
    let ctx = AuditCtx::anonymous(&meta, None, "certificate check");
    let checked = code.clone();
    let (holder, name, course_title, minutes) = state
        .db
        .read(move |c| model::check(c, &checked)?.ok_or(ApiError::NotFound))
        .await?;
    state
        .access
        .wait_written(access::Shown::page(
            &ctx,
            "training.certificate.check",
            "training_certificates",
            [holder],
        ))
        .await?;
    Ok(HttpResponse::Ok().json(CertificateCheck {
        code: code.as_str().to_owned(),
        initials: initials(&name),
        course_title,
        attended_minutes: minutes,
    }))
}
