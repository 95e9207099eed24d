//! HTTP handlers, one module per resource. Handlers are thin: permission check first, then parse,
//! call the model in a transaction, answer.

pub mod api_clients;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod desks;
pub mod health;
pub mod me;
pub mod mediators;
pub mod municipalities;
pub mod outbox;
pub mod people;
pub mod referrals;
pub mod reports;
pub mod requests;
pub mod summary;
pub mod training;
pub mod users;
pub mod webhooks;

use actix_web::dev::ResourceDef;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

use crate::error::ApiError;
use crate::extract::etag;
use crate::state::AppState;

/// Registers every endpoint. The path and method of each are written once, on its handler
/// (`#[get("/cases")]`); the OpenAPI document is collected from these same calls
/// (`crate::openapi`), so an endpoint can't be served without being documented or the other
/// way round. Order matters where a literal segment and a parameter could both match
/// (`/audit/verify` before `/audit/{id}`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(
            scope("/api/v1")
                .service(auth::login)
                .service(auth::refresh)
                .service(auth::logout)
                .service(auth::token)
                .service(me::get)
                .service(me::change_password)
                .service(me::start_totp)
                .service(me::confirm_totp)
                .service(me::mediator)
                .service(me::assignments)
                .service(me::assignments_ics)
                .service(me::calendar_feed)
                .service(summary::get)
                .service(reports::indicators)
                .service(reports::catalogue)
                .service(reports::frozen::freeze)
                .service(reports::frozen::list)
                .service(reports::frozen::get)
                .service(reports::drill::drill)
                .service(reports::dashboard::dashboard)
                .service(mediators::list)
                .service(mediators::create)
                .service(mediators::get)
                .service(mediators::update)
                .service(mediators::availability)
                .service(mediators::set_availability)
                .service(mediators::calendar)
                .service(mediators::timesheet)
                .service(requests::list)
                .service(requests::create)
                .service(requests::get)
                .service(requests::history)
                .service(requests::transition)
                .service(requests::suggestions)
                .service(municipalities::list)
                .service(municipalities::create)
                .service(municipalities::get)
                .service(municipalities::update)
                .service(desks::list)
                .service(desks::create)
                .service(desks::get)
                .service(desks::update)
                .service(cases::categories)
                .service(cases::create_category)
                .service(cases::update_category)
                .service(cases::list)
                .service(cases::create)
                .service(cases::get)
                .service(cases::update)
                .service(cases::transition)
                .service(cases::events)
                .service(cases::add_event)
                .service(cases::edit_event)
                .service(people::list)
                .service(people::create)
                .service(people::get)
                .service(people::update)
                .service(people::access_log)
                .service(people::export)
                .service(people::merge)
                .service(people::anonymise)
                .service(people::link)
                .service(referrals::list)
                .service(referrals::create)
                .service(referrals::answer)
                .service(referrals::deadlines)
                .service(users::list)
                .service(users::create)
                .service(users::get)
                .service(users::update)
                .service(users::reset_password)
                .service(users::end_sessions)
                .service(users::reset_totp)
                .service(api_clients::list)
                .service(api_clients::create)
                .service(api_clients::get)
                .service(api_clients::revoke)
                .service(audit::list)
                .service(audit::verify)
                .service(audit::security)
                .service(audit::get)
                .service(outbox::list)
                .service(outbox::summary)
                .service(outbox::retry)
                .service(webhooks::list)
                .service(webhooks::create)
                .service(webhooks::get)
                .service(webhooks::update)
                .service(webhooks::remove)
                .service(webhooks::rotate_secret)
                .service(webhooks::list_deliveries)
                .service(webhooks::redeliver)
                .service(training::list_topics)
                .service(training::create_topic)
                .service(training::update_topic)
                .service(training::list_courses)
                .service(training::create_course)
                .service(training::get_course)
                .service(training::update_course)
                .service(training::course_sessions)
                .service(training::create_session)
                .service(training::list_enrolments)
                .service(training::enrol)
                .service(training::calendar)
                .service(training::get_session)
                .service(training::update_session)
                .service(training::withdraw)
                .service(training::session_attendance)
                .service(training::mark_attendance)
                .service(training::course_attendance)
                .service(training::anonymise_participant)
                .service(training::send_questionnaire)
                .service(training::questionnaire_results)
                .service(training::open_questionnaire)
                .service(training::answer_questionnaire)
                .service(training::sign_in_sheet)
                .service(training::issue_certificates)
                .service(training::list_certificates)
                .service(training::certificate_pdf)
                .service(training::check_certificate),
        );
}

/// The methods of each endpoint's path, read from the document the registration built: each
/// handler registers its own method, so a path served with another method reaches no resource,
/// and [`fallback`] answers 405 with `Allow` from this table.
pub struct Endpoints(Vec<(ResourceDef, String)>);

impl Endpoints {
    /// The paths and methods of a document.
    pub fn of(api: &utoipa::openapi::OpenApi) -> Self {
        let table = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ];
                let allow: Vec<&str> = methods
                    .iter()
                    .filter(|(_, on)| *on)
                    .map(|(m, _)| *m)
                    .collect();
                (ResourceDef::new(path.as_str()), allow.join(", "))
            })
            .collect();
        Self(table)
    }

    /// The `Allow` of the endpoint at this path, if there is one.
    pub fn allowed(&self, path: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, allow)| allow.as_str())
    }
}

/// What no endpoint took: a known path with another method is a 405 naming the allowed ones;
/// anything else is the web app's (its files, its pages, or a 404 under `/api`).
pub async fn fallback(
    req: HttpRequest,
    state: web::Data<AppState>,
    endpoints: web::Data<Endpoints>,
) -> Result<HttpResponse, ApiError> {
    if let Some(allow) = endpoints.allowed(req.path()) {
        return Ok(HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, allow))
            .finish());
    }
    crate::web_app::fallback(req, state).await
}

/// 200 with the body and its `ETag`.
pub fn with_etag<T: Serialize>(version: i64, body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag(version)))
        .json(body)
}

/// 201 with the body, its `ETag` and `Location`.
pub fn created<T: Serialize>(location: &str, version: i64, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .insert_header((header::ETAG, etag(version)))
        .json(body)
}
