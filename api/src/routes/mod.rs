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
pub mod people;
pub mod referrals;
pub mod requests;
pub mod summary;
pub mod users;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::extract::etag;

/// Registers every API route. Resources (not bare routes) so that a wrong method answers 405.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/healthz").get(health::healthz))
        .service(web::resource("/readyz").get(health::readyz))
        .service(
            web::scope("/api/v1")
                .service(web::resource("/auth/login").post(auth::login))
                .service(web::resource("/auth/refresh").post(auth::refresh))
                .service(web::resource("/auth/logout").post(auth::logout))
                .service(web::resource("/auth/token").post(auth::token))
                .service(web::resource("/me").get(me::get))
                .service(web::resource("/me/password").put(me::change_password))
                .service(web::resource("/me/totp").post(me::start_totp))
                .service(web::resource("/me/totp/confirm").post(me::confirm_totp))
                .service(web::resource("/me/mediator").get(me::mediator))
                .service(web::resource("/me/assignments").get(me::assignments))
                .service(web::resource("/me/assignments.ics").get(me::assignments_ics))
                .service(web::resource("/me/calendar-feed").post(me::calendar_feed))
                .service(web::resource("/summary").get(summary::get))
                .service(
                    web::resource("/mediators")
                        .get(mediators::list)
                        .post(mediators::create),
                )
                .service(
                    web::resource("/mediators/{id}")
                        .get(mediators::get)
                        .patch(mediators::update),
                )
                .service(
                    web::resource("/mediators/{id}/availability")
                        .get(mediators::availability)
                        .put(mediators::set_availability),
                )
                .service(web::resource("/mediators/{id}/calendar").get(mediators::calendar))
                .service(web::resource("/mediators/{id}/timesheet").get(mediators::timesheet))
                .service(
                    web::resource("/requests")
                        .get(requests::list)
                        .post(requests::create),
                )
                .service(web::resource("/requests/{id}").get(requests::get))
                .service(web::resource("/requests/{id}/history").get(requests::history))
                .service(web::resource("/requests/{id}/transitions").post(requests::transition))
                .service(web::resource("/requests/{id}/suggestions").get(requests::suggestions))
                .service(
                    web::resource("/municipalities")
                        .get(municipalities::list)
                        .post(municipalities::create),
                )
                .service(
                    web::resource("/municipalities/{id}")
                        .get(municipalities::get)
                        .patch(municipalities::update),
                )
                .service(
                    web::resource("/municipalities/{id}/desks")
                        .get(desks::list)
                        .post(desks::create),
                )
                .service(
                    web::resource("/desks/{id}")
                        .get(desks::get)
                        .patch(desks::update),
                )
                .service(
                    web::resource("/case-categories")
                        .get(cases::categories)
                        .post(cases::create_category),
                )
                .service(web::resource("/case-categories/{id}").patch(cases::update_category))
                .service(web::resource("/cases").get(cases::list).post(cases::create))
                .service(
                    web::resource("/cases/{id}")
                        .get(cases::get)
                        .patch(cases::update),
                )
                .service(web::resource("/cases/{id}/transitions").post(cases::transition))
                .service(
                    web::resource("/cases/{id}/events")
                        .get(cases::events)
                        .post(cases::add_event),
                )
                .service(web::resource("/cases/{id}/events/{event_id}").patch(cases::edit_event))
                .service(
                    web::resource("/people")
                        .get(people::list)
                        .post(people::create),
                )
                .service(
                    web::resource("/people/{id}")
                        .get(people::get)
                        .patch(people::update),
                )
                .service(web::resource("/people/{id}/access-log").get(people::access_log))
                .service(web::resource("/people/{id}/export").get(people::export))
                .service(web::resource("/people/{id}/merge").post(people::merge))
                .service(web::resource("/people/{id}/anonymise").post(people::anonymise))
                .service(web::resource("/people/{id}/links").post(people::link))
                .service(
                    web::resource("/cases/{id}/referrals")
                        .get(referrals::list)
                        .post(referrals::create),
                )
                .service(
                    web::resource("/cases/{id}/referrals/{referral_id}/answer")
                        .post(referrals::answer),
                )
                .service(web::resource("/deadlines").get(referrals::deadlines))
                .service(web::resource("/users").get(users::list).post(users::create))
                .service(
                    web::resource("/users/{id}")
                        .get(users::get)
                        .patch(users::update),
                )
                .service(web::resource("/users/{id}/password-reset").post(users::reset_password))
                .service(web::resource("/users/{id}/end-sessions").post(users::end_sessions))
                .service(web::resource("/users/{id}/totp").delete(users::reset_totp))
                .service(
                    web::resource("/api-clients")
                        .get(api_clients::list)
                        .post(api_clients::create),
                )
                .service(
                    web::resource("/api-clients/{id}")
                        .get(api_clients::get)
                        .delete(api_clients::revoke),
                )
                .service(web::resource("/audit").get(audit::list))
                .service(web::resource("/audit/verify").get(audit::verify))
                .service(web::resource("/security-log").get(audit::security))
                .service(web::resource("/audit/{id}").get(audit::get)),
        );
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
