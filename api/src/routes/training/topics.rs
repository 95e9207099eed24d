//! `/api/v1/training/topics`: the editable list of training topics.

use actix_web::{get, patch, post, web, HttpResponse};
use lumit_shared::training::{NewTopic, Topic, TopicPatch};

use crate::audit::{self, AuditCtx, Event};
use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, RequestMeta};
use crate::models::training::topic as model;
use crate::state::AppState;

/// List the training topics, in the list's order (inactive ones included, marked). Permission:
/// any staff account.
#[utoipa::path(
    operation_id = "listTopics",
    tag = "training",
    security(("bearer" = [])),
    responses((status = 200, description = "Every topic", body = Vec<Topic>))
)]
#[get("/training/topics")]
pub async fn list_topics(actor: Actor, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::ReadTraining)?;
    let rows = state.db.read(|c| Ok(model::list(c)?)).await?;
    let list: Vec<Topic> = rows.into_iter().map(model::TopicRow::into_api).collect();
    Ok(HttpResponse::Ok().json(list))
}

/// Add a topic at the end of the list. Permission: admin, coordinator.
#[utoipa::path(
    operation_id = "createTopic",
    tag = "training",
    request_body = NewTopic,
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Topic))
)]
#[post("/training/topics")]
pub async fn create_topic(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::PlanTraining)?;
    let input: NewTopic = body.json().await?;
    let valid = input.parse().map_err(ApiError::Validation)?;
    let ctx = AuditCtx::new(&actor, &meta);
    let topic = state
        .db
        .write(move |c| {
            let t = model::insert(c, &valid)?.into_api();
            audit::record(
                c,
                &ctx,
                Event::new("training.topic.create", "training_topic", &t.id)
                    .changes(audit::diff(None, Some(&t))),
            )?;
            Ok(t)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", "/api/v1/training/topics"))
        .json(topic))
}

/// Rename a topic, or stop offering it for new courses (`active: false`). Permission: admin,
/// coordinator.
#[utoipa::path(
    operation_id = "updateTopic",
    tag = "training",
    params(("id" = String, Path, description = "Topic id")),
    request_body = TopicPatch,
    security(("bearer" = [])),
    responses((status = 200, description = "Updated", body = Topic))
)]
#[patch("/training/topics/{id}")]
pub async fn update_topic(
    actor: Actor,
    meta: RequestMeta,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    authz::require(&actor, Action::PlanTraining)?;
    let patch: TopicPatch = body.json().await?;
    let id = id.into_inner();
    let ctx = AuditCtx::new(&actor, &meta);
    let topic = state
        .db
        .write(move |c| {
            let before = model::find(c, &id)?.into_api();
            let valid = patch.apply(&before).map_err(ApiError::Validation)?;
            let after = model::update(c, &id, &valid)?.into_api();
            audit::record(
                c,
                &ctx,
                Event::new("training.topic.update", "training_topic", &id)
                    .changes(audit::diff(Some(&before), Some(&after))),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(topic))
}
