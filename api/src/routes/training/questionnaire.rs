//! The questionnaire after a course: coordinators send the links once the last session is over
//! and read the results; participants answer at `/api/v1/questionnaire/{token}`, with no
//! account, once, within 60 days. Answers are stored without the participant's identity.

use actix_web::{get, post, web, HttpResponse};
use lumit_shared::rule::RuleError;
use lumit_shared::training::{feedback, Answers, Feedback, MessageLanguage, QuestionnaireInvite};

use super::{may_see_course, require_over};
use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, RequestMeta};
use crate::models::outbox;
use crate::models::training::{course, questionnaire as model};
use crate::state::AppState;

/// Send the questionnaire to everyone holding a place who has not had it yet, once the course's
/// last session is over. Permission: admin, coordinator.
#[utoipa::path(
    operation_id = "sendQuestionnaire",
    tag = "training",
    params(("id" = String, Path, description = "Course id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Sent; the results so far", body = Feedback),
        (status = 409, description = "The course is not over yet, or LUMIT_PUBLIC_URL is not set", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/training/courses/{id}/questionnaire")]
pub async fn send_questionnaire(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::PlanTraining)?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    // The link must open from the participant's mail: only the address people use will do.
    let Some(base) = state.settings.public_url.clone() else {
        return Err(RuleError::NotYet(
            "public_url_missing",
            "Set LUMIT_PUBLIC_URL, the address people open, before sending questionnaire links.",
        )
        .into());
    };
    let results = state
        .db
        .write(move |c| {
            let row = course::find(c, &id)?;
            require_over(
                c,
                &id,
                "The questionnaire goes out once the course's last session is over.",
            )?;
            let made = model::make_links(c, &id)?;
            for l in &made {
                let link = format!("{base}/questionario/{}", l.token);
                outbox::enqueue(
                    c,
                    &crate::mail::texts::questionnaire(&row, &l.participant, &link),
                )?;
            }
            audit::record(
                c,
                &ctx,
                Event::new("training.questionnaire.send", "training_course", &id).changes(
                    audit::diff(None, Some(&serde_json::json!({"links": made.len()}))),
                ),
            )?;
            let (sent, answers) = model::results(c, &id)?;
            Ok(feedback(sent, &answers))
        })
        .await?;
    Ok(HttpResponse::Ok().json(results))
}

/// A course's questionnaire results: links sent, answers, averages, distributions, comments.
/// Permission: admin, coordinator, the course's trainers.
#[utoipa::path(
    operation_id = "getQuestionnaireResults",
    tag = "training",
    params(("id" = String, Path, description = "Course id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The results", body = Feedback))
)]
#[get("/training/courses/{id}/questionnaire")]
pub async fn questionnaire_results(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadFeedback)?;
    let id = id.into_inner();
    let results = state
        .db
        .read(move |c| {
            course::find(c, &id)?;
            may_see_course(c, &actor, &id)?;
            let (sent, answers) = model::results(c, &id)?;
            Ok(feedback(sent, &answers))
        })
        .await?;
    Ok(HttpResponse::Ok().json(results))
}

/// What a questionnaire link is for: the course, and the language to ask in. No account needed;
/// the link itself is the key. A link used or expired is refused (409).
#[utoipa::path(
    operation_id = "openQuestionnaire",
    tag = "training",
    params(("token" = String, Path, description = "The secret of the personal link")),
    responses(
        (status = 200, description = "The questionnaire's course", body = QuestionnaireInvite),
        (status = 404, description = "No such link", body = lumit_shared::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already answered, or expired", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[get("/questionnaire/{token}")]
pub async fn open_questionnaire(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let token = token.into_inner();
    let invite = state
        .db
        .read(move |c| {
            let (course_id, language, expires_at, answered) = model::find(c, &token)?;
            model::usable(expires_at, answered)?;
            let row = course::find(c, &course_id)?;
            Ok(QuestionnaireInvite {
                course_title: row.title,
                organisation: row.organisation,
                language: MessageLanguage::parse(&language).unwrap_or_default(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(invite))
}

/// Answer a questionnaire, once: satisfaction and usefulness from 1 to 5, whether you would
/// recommend the course, a comment. Stored without your identity. No account needed.
#[utoipa::path(
    operation_id = "answerQuestionnaire",
    tag = "training",
    params(("token" = String, Path, description = "The secret of the personal link")),
    request_body = Answers,
    responses(
        (status = 204, description = "Thank you"),
        (status = 409, description = "Already answered, or expired", body = lumit_shared::Problem, content_type = "application/problem+json")
    )
)]
#[post("/questionnaire/{token}")]
pub async fn answer_questionnaire(
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    let input: Answers = body.json().await?;
    let valid = input.parse().map_err(ApiError::Validation)?;
    let token = token.into_inner();
    // No address, no request id: nothing in the audit row to tell who answered.
    let ctx = AuditCtx::system("questionnaire");
    state
        .db
        .write(move |c| {
            let course_id = model::answer(c, &token, &valid)?;
            // The course only: neither who answered nor what.
            audit::record(
                c,
                &ctx,
                Event::new(
                    "training.questionnaire.answer",
                    "training_course",
                    &course_id,
                ),
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
