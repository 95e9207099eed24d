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
        (name = "webhooks", description = "Events for partner systems, signed as the Standard Webhooks specification says, with each subscription's delivery log"),
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
                let conditional = op
                    .parameters
                    .as_ref()
                    .is_some_and(|ps| ps.iter().any(|p| p.name == "If-Match"));
                if conditional {
                    add(
                        op,
                        "412",
                        "`If-Match` names another version than the current one (`stale_write`); \
                         checked before the body, as RFC 9110 has preconditions come first",
                    );
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

/// Documents the request budget (`crate::limits`): the 429, and the `RateLimit-*` headers on
/// every answer.
fn budgeted(op: &mut Operation) {
    use utoipa::openapi::header::HeaderBuilder;
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::RefOr;
    add(
        op,
        "429",
        "The caller's request budget is spent (`rate_limited`): retry after `Retry-After` seconds",
    );
    let number = |description: &str| {
        HeaderBuilder::new()
            .schema(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(0)),
            )
            .description(Some(description))
            .build()
    };
    for (status, response) in op.responses.responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        let h = &mut response.headers;
        h.insert(
            "RateLimit-Limit".into(),
            number("Requests the caller may make per minute"),
        );
        h.insert(
            "RateLimit-Remaining".into(),
            number("Requests left in the budget now"),
        );
        h.insert(
            "RateLimit-Reset".into(),
            number("Seconds until the whole budget is back"),
        );
        if status == "429" {
            h.insert(
                "Retry-After".into(),
                number("Seconds until the budget allows another request"),
            );
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
    for (path, item) in api.paths.paths.iter_mut() {
        if path.starts_with("/api/v1/") {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.patch,
                &mut item.delete,
            ];
            ops.into_iter().flatten().for_each(budgeted);
        }
    }
    Indicators.modify(&mut api);
    Texts.modify(&mut api);
    NoNul.modify(&mut api);
    api
}

/// The text rules of `lumit_shared::validate`, as patterns. A field names its rule with a
/// placeholder, `#[schema(pattern = "lumit:line:200")]` (utoipa takes only a literal there), and
/// this pass writes the exact pattern, so that the document accepts what the server accepts and
/// nothing else:
/// - `line:N`: required single line (`required_text`): blank refused, trimmed, at most N
///   characters, no control characters;
/// - `line?:N`: optional single line (`optional_text`): blank is the same as none;
/// - `text:N`: required paragraphs (`required_paragraphs`): line breaks and tabs allowed;
///   `text?:N` the same or blank;
/// - `any?:N`: optional free text, trimmed, at most N characters, any character but NUL;
/// - `email?`, `phone?`: `optional_email`, `optional_phone`; `email` a required address; `language`: ISO 639 (`language`),
///   `language?` the same or blank (`lumit_shared::case::language`);
/// - `digits?:N`: an optional code of N digits (`optional_digits`);
/// - `clock`: a time written `HH:MM` (`clock`); `time`: a time of day as `time_of_day` reads it
///   (`9:00` too, and `24:00` for the end of a day);
/// - `username`: `lumit_shared::user::username`;
/// - `https?:N`: an optional `https://` link of at most N characters, without spaces (a session's
///   link);
/// - `country?`, `citizenship?`: an ISO 3166-1 country code `lumit_shared::person::country`
///   knows, in either case, or blank; a citizenship may be `stateless`;
/// - `tax-code?`: the layout of a codice fiscale (`lumit_shared::person::tax_code`; its check
///   character is the server's to check);
/// - `local-datetime`: the shape of a local date and time (`lumit_shared::time::local_date_time`:
///   whether the day exists is the server's to say);
/// - `statuses:case`, `statuses:request`: a list filter of statuses separated by commas;
/// - `url:N`: an absolute `http(s)://` address of at most N characters, without blanks
///   (`lumit_shared::webhook::url`);
/// - `month`: `YYYY-MM` (`lumit_shared::mediation::month`);
/// - `id`: a required reference: anything but blank (whether it exists is the server's to say).
struct Texts;

/// What `str::trim` removes: Unicode's White_Space.
const SPACE: &str = "\\t\\n\\u000b\\u000c\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
/// `char::is_control`.
const CONTROL: &str = "\\u0000-\\u001f\\u007f-\\u009f";
/// Control characters but line breaks and tabs.
const CONTROL_BUT_BREAKS: &str = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f";

/// The pattern a placeholder stands for.
pub fn text_pattern(placeholder: &str) -> Option<String> {
    let rule = placeholder.strip_prefix("lumit:")?;
    let (kind, arg) = rule.split_once(':').unwrap_or((rule, ""));
    if kind == "statuses" {
        return statuses(arg);
    }
    let max = match arg {
        "" => 0,
        n => n.parse::<usize>().ok().filter(|n| *n >= 1)?,
    };
    // A first and last character leave `max - 2` between them.
    if matches!(kind, "line" | "line?" | "text" | "text?" | "any?") && max < 2 {
        return None;
    }
    let ws = format!("[{SPACE}]*");
    // A first and last character: neither blank nor a control character.
    let edge = format!("[^{SPACE}{CONTROL}]");
    let between = |inner: &str| format!("{edge}(?:[^{inner}]{{0,{}}}{edge})?", max - 2);
    Some(match kind {
        "line" => format!("^{ws}{}{ws}$", between(CONTROL)),
        "line?" => format!("^{ws}(?:{}{ws})?$", between(CONTROL)),
        "text" => format!("^{ws}{}{ws}$", between(CONTROL_BUT_BREAKS)),
        "text?" => format!("^{ws}(?:{}{ws})?$", between(CONTROL_BUT_BREAKS)),
        "email?" | "email" => {
            let c = format!("[^{SPACE}{CONTROL}@]");
            let end = format!("[^{SPACE}{CONTROL}@.]");
            let address = format!("{c}+@{end}{c}*\\.{c}*{end}");
            if kind == "email" {
                format!("^{ws}{address}{ws}$")
            } else {
                format!("^{ws}(?:{address}{ws})?$")
            }
        }
        "phone?" => {
            let sep = "[ +\\-()/.]{0,2}";
            format!("^{ws}(?:{sep}(?:[0-9]{sep}){{5,20}}{ws})?$")
        }
        "any?" => {
            // Free text: the edges may be control characters too, NUL aside.
            let edge = format!("[^{SPACE}\\u0000]");
            let inner = format!("[^\\u0000]{{0,{}}}", max - 2);
            format!("^{ws}(?:{edge}(?:{inner}{edge})?{ws})?$")
        }
        "language" => format!("^{ws}[A-Za-z]{{2,3}}{ws}$"),
        "language?" => format!("^{ws}(?:[A-Za-z]{{2,3}}{ws})?$"),
        "digits?" => format!("^{ws}(?:[0-9]{{{max}}}{ws})?$"),
        "https?" => {
            // `https://` and at least one more character, no space, trimmed.
            let last = format!("[^{SPACE}{CONTROL}]");
            let inner = format!("[^ {CONTROL}]{{0,{}}}", max.checked_sub(9)?);
            format!("^{ws}(?:https://{inner}{last}{ws})?$")
        }
        "country?" | "citizenship?" => {
            let mut codes = one_of_caseless(&lumit_shared::person::country_codes());
            if kind == "citizenship?" {
                codes.push('|');
                codes.push_str(&caseless(lumit_shared::person::STATELESS));
            }
            format!("^{ws}(?:(?:{codes}){ws})?$")
        }
        "tax-code?" => {
            let (l, d) = ("[A-Za-z]", "[0-9LMNPQRSTUVlmnpqrstuv]");
            format!("^{ws}(?:{l}{{6}}{d}{{2}}{l}{d}{{2}}{l}{d}{{3}}{l}{ws})?$")
        }
        "local-datetime" => {
            let day = "[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])";
            let time = "(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,9})?)?";
            format!("^{day}T{time}$")
        }
        "month" => format!("^{ws}[0-9]{{4}}-(?:0[1-9]|1[0-2]){ws}$"),
        "url" => {
            // `http(s)://`, any case, then no blank or control character, not `/` first.
            let c = format!("[^{SPACE}{CONTROL}]");
            let first = format!("[^/{SPACE}{CONTROL}]");
            let (s, p) = (max.checked_sub(9)?, max.checked_sub(8)?);
            format!(
                "^{ws}(?:[Hh][Tt][Tt][Pp][Ss]://{first}{c}{{0,{s}}}|[Hh][Tt][Tt][Pp]://{first}{c}{{0,{p}}}){ws}$"
            )
        }
        "clock" => "^(?:[01][0-9]|2[0-3]):[0-5][0-9]$".to_owned(),
        "time" => format!("^{ws}(?:(?:[01]?[0-9]|2[0-3]):{ws}[0-5]?[0-9]|24:00){ws}$"),
        "username" => format!("^{ws}[A-Za-z0-9._@-]{{3,64}}{ws}$"),
        "id" => format!("^[^\\u0000]*[^{SPACE}\\u0000][^\\u0000]*$"),
        _ => return None,
    })
}

/// `statuses:case` and `statuses:request`: a list filter (`pagination::statuses`), names
/// separated by commas, each trimmed, empty ones skipped.
fn statuses(of: &str) -> Option<String> {
    let names: Vec<&str> = match of {
        "case" => lumit_shared::case::CaseStatus::ALL
            .iter()
            .map(|s| s.as_str())
            .collect(),
        "request" => lumit_shared::mediation::RequestStatus::ALL
            .iter()
            .map(|s| s.as_str())
            .collect(),
        _ => return None,
    };
    let one = format!("[{SPACE}]*(?:{})?[{SPACE}]*", names.join("|"));
    Some(format!("^{one}(?:,{one})*$"))
}

/// `ab` as `[Aa][Bb]`: the letters in either case.
fn caseless(s: &str) -> String {
    s.chars()
        .map(|c| {
            let (l, u) = (c.to_ascii_lowercase(), c.to_ascii_uppercase());
            if l == u {
                c.to_string()
            } else {
                format!("[{u}{l}]")
            }
        })
        .collect()
}

/// A pattern matching any of `words` (letters), in either case: the words that differ only in
/// their last letter share one branch (`[Aa][Dd]` and `[Aa][Ee]` as `[Aa][DdEe]`).
fn one_of_caseless(words: &[&str]) -> String {
    let mut groups: std::collections::BTreeMap<&str, String> = Default::default();
    for w in words {
        let Some(last) = w.chars().last() else {
            continue;
        };
        let head = &w[..w.len() - last.len_utf8()];
        let class = groups.entry(head).or_default();
        class.push(last.to_ascii_uppercase());
        class.push(last.to_ascii_lowercase());
    }
    groups
        .iter()
        .map(|(head, last)| format!("{}[{last}]", caseless(head)))
        .collect::<Vec<_>>()
        .join("|")
}

fn texts(schema: &mut utoipa::openapi::schema::Schema) {
    use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema};
    use utoipa::openapi::RefOr;
    let mut inner = |r: &mut RefOr<Schema>| {
        if let RefOr::T(s) = r {
            texts(s);
        }
    };
    match schema {
        Schema::Object(o) => {
            if let Some(p) = o.pattern.as_deref().and_then(text_pattern) {
                o.pattern = Some(p);
            }
            o.properties.values_mut().for_each(&mut inner);
            if let Some(AdditionalProperties::RefOr(r)) = o.additional_properties.as_deref_mut() {
                inner(r);
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(r) = &mut a.items {
                inner(r);
            }
        }
        Schema::OneOf(x) => x.items.iter_mut().for_each(inner),
        Schema::AllOf(x) => x.items.iter_mut().for_each(inner),
        Schema::AnyOf(x) => x.items.iter_mut().for_each(inner),
        _ => {}
    }
}

impl Modify for Texts {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        each_schema(api, texts);
    }
}

/// Runs `f` on every schema of the document written in place (components, parameters, bodies
/// and answers); `$ref`s are reached through the components.
fn each_schema(api: &mut utoipa::openapi::OpenApi, f: fn(&mut utoipa::openapi::schema::Schema)) {
    use utoipa::openapi::RefOr;
    if let Some(components) = api.components.as_mut() {
        for schema in components.schemas.values_mut() {
            if let RefOr::T(s) = schema {
                f(s);
            }
        }
    }
    for item in api.paths.paths.values_mut() {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.patch,
            &mut item.delete,
        ];
        for op in ops.into_iter().flatten() {
            for p in op.parameters.iter_mut().flatten() {
                if let Some(RefOr::T(s)) = p.schema.as_mut() {
                    f(s);
                }
            }
            let bodies = op
                .request_body
                .iter_mut()
                .flat_map(|b| b.content.values_mut());
            let answers = op.responses.responses.values_mut().flat_map(|r| match r {
                RefOr::T(r) => r.content.values_mut().collect::<Vec<_>>(),
                RefOr::Ref(_) => Vec::new(),
            });
            for content in bodies.chain(answers) {
                if let Some(RefOr::T(s)) = content.schema.as_mut() {
                    f(s);
                }
            }
        }
    }
}

/// No text the API takes may hold a NUL character (PostgreSQL refuses one;
/// `crate::middleware::refuse_nul`, `crate::extract`): said on every string of the document that
/// has no stricter pattern, format or list of values, and on the keys of free-form objects.
struct NoNul;

const NO_NUL: &str = "^[^\\u0000]*$";

fn no_nul(schema: &mut utoipa::openapi::schema::Schema) {
    use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema, SchemaType, Type};
    use utoipa::openapi::RefOr;
    let mut inner = |r: &mut RefOr<Schema>| {
        if let RefOr::T(s) = r {
            no_nul(s);
        }
    };
    match schema {
        Schema::Object(o) => {
            let text = match &o.schema_type {
                SchemaType::Type(t) => *t == Type::String,
                SchemaType::Array(ts) => ts.contains(&Type::String),
                SchemaType::AnyValue => false,
            };
            if text && o.pattern.is_none() && o.format.is_none() && o.enum_values.is_none() {
                o.pattern = Some(NO_NUL.to_owned());
            }
            // A free-form object (a case event's `data`): its keys. (Its texts at any depth too,
            // which its description says: a recursive schema for them is one that
            // openapi-python-client, which the contract test runs, can't read.)
            let free_form = o.schema_type == SchemaType::Type(Type::Object)
                && o.properties.is_empty()
                && o.additional_properties.is_none()
                && o.property_names.is_none();
            if free_form {
                o.property_names = Some(Box::new(
                    utoipa::openapi::schema::ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some(NO_NUL))
                        .into(),
                ));
            }
            o.properties.values_mut().for_each(&mut inner);
            if let Some(AdditionalProperties::RefOr(r)) = o.additional_properties.as_deref_mut() {
                inner(r);
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(r) = &mut a.items {
                inner(r);
            }
        }
        Schema::OneOf(x) => x.items.iter_mut().for_each(inner),
        Schema::AllOf(x) => x.items.iter_mut().for_each(inner),
        Schema::AnyOf(x) => x.items.iter_mut().for_each(inner),
        _ => {}
    }
}

impl Modify for NoNul {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        each_schema(api, no_nul);
    }
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
