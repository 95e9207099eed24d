//! The OpenAPI document: the paths as registered, schemas, security schemes and the standard
//! problem answers.

use lumit_shared::api_client::Scope;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{
    ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::routes;

/// What the document says besides its paths: info, shared schemas, security schemes, tags. The
/// paths come from the registration of the endpoints ([`api`]).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "LUMIT API",
        version = "1.0.0",
        description = "Case management of the Lucca Migration Task Force: municipalities, help desks, \
staff accounts, mediation requests, training for public offices, partner API clients and the audit log.\n\nErrors are RFC 9457 `application/problem+json` \
with a stable `code` and per-field `errors`. Lists are cursor-paginated (`limit`, `cursor` → `next_cursor`). \
Writes to existing resources honour `If-Match` with the resource's `ETag`.",
        license(name = "EUPL-1.2")
    ),
    components(schemas(lumit_shared::Problem, lumit_shared::FieldError)),
    modifiers(&Security),
    tags(
        (name = "auth", description = "Login, tokens, client credentials"),
        (name = "me", description = "The caller's own account"),
        (name = "municipalities", description = "Comuni, Unioni, Prefettura, Questura"),
        (name = "desks", description = "Help desks and opening hours"),
        (name = "cases", description = "Cases, their workflow and timeline; every read is logged"),
        (name = "people", description = "People helped at the desks; every read is logged"),
        (name = "mediators", description = "Mediators and translators: languages, coverage, availability, calendar, hours"),
        (name = "requests", description = "Translation and mediation requests, their life cycle and matching"),
        (name = "training", description = "Training for public offices: topics, courses, sessions, enrolments, attendance, questionnaires, sign-in sheets and certificates"),
        (name = "users", description = "Staff accounts"),
        (name = "api-clients", description = "Partner systems"),
        (name = "audit", description = "Tamper-evident audit log"),
        (name = "outbox", description = "E-mail sent by LUMIT, with retries"),
        (name = "reports", description = "The programme's indicators for the fund (FAMI), as JSON, CSV and XLSX"),
        (name = "health", description = "Probes")
    )
)]
pub struct ApiDoc;

/// Bearer JWTs for staff and OAuth 2 client credentials (with every scope) for partners.
struct Security;

impl Modify for Security {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        let scopes = Scopes::from_iter(
            Scope::ALL
                .iter()
                .map(|(s, d)| (s.as_str().to_owned(), (*d).to_owned())),
        );
        components.add_security_scheme(
            "oauth2",
            SecurityScheme::OAuth2(OAuth2::with_description(
                [Flow::ClientCredentials(ClientCredentials::new(
                    "/api/v1/auth/token",
                    scopes,
                ))],
                "Partner systems: client id and secret for a token carrying the client's scopes.",
            )),
        );
    }
}

/// Adds the problem answers every operation can give, so each handler declares only its own.
struct ProblemAnswers;

fn problem(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

fn add(op: &mut Operation, status: &str, description: &str) {
    op.responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| problem(description).into());
}

impl Modify for ProblemAnswers {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        for (path, item) in api.paths.paths.iter_mut() {
            let ops = [
                item.get.as_mut(),
                item.put.as_mut(),
                item.post.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ];
            for op in ops.into_iter().flatten() {
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                if secured {
                    add(op, "401", "Missing, invalid or expired token");
                    add(
                        op,
                        "403",
                        "Not allowed for this role or scope, or a password change is required",
                    );
                }
                if path.contains('{') {
                    add(op, "404", "No such resource, or not visible to the caller");
                }
                let has_query = op.parameters.as_ref().is_some_and(|ps| {
                    ps.iter().any(|p| {
                        matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query)
                    })
                });
                if has_query {
                    add(op, "400", "Invalid query parameter");
                }
                if op.request_body.is_some() {
                    add(op, "400", "Malformed JSON");
                    add(op, "413", "Body too large");
                    add(op, "415", "Wrong content type");
                    add(
                        op,
                        "422",
                        "Invalid fields (see `errors`), including unknown fields",
                    );
                }
                if !path.starts_with("/healthz") {
                    add(op, "503", "Database unavailable or connection lost: retry after `Retry-After` seconds");
                }
            }
            if let Some(op) = item.post.as_mut() {
                if path.starts_with("/api/v1/") && !path.starts_with("/api/v1/auth/") {
                    idempotent(op);
                }
            }
        }
    }
}

/// Documents `Idempotency-Key` on a `POST` (see [`crate::idempotency`]).
fn idempotent(op: &mut Operation) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let key = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(utoipa::openapi::Required::False)
        .description(Some(
            "A key of your choice (a UUID) that makes a retry safe: the same key from the same \
             caller within 24 hours gets the first answer again (status and body, with \
             `Idempotent-Replayed: true`) instead of a second record. The same key with another \
             request is a 422 naming `Idempotency-Key`; while the first request still runs, a \
             retry waits for its answer, or gets a 409 `idempotency_key_in_use` after 5 seconds.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                .pattern(Some("^[!-~]+$")),
        ))
        .build();
    op.parameters.get_or_insert_with(Vec::new).push(key);
    add(
        op,
        "400",
        "Malformed request, or an invalid `Idempotency-Key`",
    );
    add(
        op,
        "409",
        "Conflicts with the current state, or the `Idempotency-Key` is in use",
    );
    add(
        op,
        "422",
        "Invalid fields (see `errors`), or an `Idempotency-Key` used for another request",
    );
}

/// The document as pretty JSON with a final newline (what `lumit openapi` prints).
/// The API description served at `/api/openapi.json` and committed as `openapi/openapi.json`:
/// the paths collected from `routes::configure` (the calls that serve them), then the problem
/// answers every operation can give.
pub fn api() -> utoipa::openapi::OpenApi {
    let (_, mut api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .split_for_parts();
    ProblemAnswers.modify(&mut api);
    Indicators.modify(&mut api);
    api
}

/// The indicators' catalogue, written into the description of the report that computes them, so
/// the document defines every code the fund's sheet is filled from.
struct Indicators;

impl Modify for Indicators {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        use lumit_shared::report::INDICATORS;
        use lumit_shared::training::MessageLanguage;
        let Some(op) = api
            .paths
            .paths
            .get_mut("/api/v1/reports/indicators")
            .and_then(|item| item.get.as_mut())
        else {
            return;
        };
        let mut table =
            String::from("\n\n| code | unit | breakdowns | definition |\n|---|---|---|---|\n");
        for i in INDICATORS {
            let dims: Vec<&str> = i.dimensions.iter().map(|d| d.as_str()).collect();
            table.push_str(&format!(
                "| `{}` | {}{} | {} | {} |\n",
                i.code,
                i.unit.as_str(),
                if i.at_end {
                    ", at the period's end"
                } else {
                    ""
                },
                dims.join(", "),
                i.definition(MessageLanguage::En)
            ));
        }
        let description = op.description.get_or_insert_with(String::new);
        description.push_str(&table);
    }
}

/// [`api`] as pretty JSON, ending with a newline.
pub fn document() -> String {
    let mut s = api().to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    /// `docs/INDICATORS.md` defines every code the API computes, with today's definition.
    #[test]
    fn the_indicators_page_lists_every_code_with_its_definition() {
        use lumit_shared::training::MessageLanguage;
        let page = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../docs/INDICATORS.md"
        ))
        .expect("docs/INDICATORS.md");
        for i in lumit_shared::report::INDICATORS {
            let row = page
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", i.code)))
                .unwrap_or_else(|| panic!("docs/INDICATORS.md lacks `{}`", i.code));
            assert!(
                row.contains(i.definition(MessageLanguage::En)),
                "docs/INDICATORS.md has an old definition of `{}`",
                i.code
            );
        }
    }
}
