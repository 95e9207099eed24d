//! Builds the application from settings and binds a listener (tests bind port 0).

use std::net::TcpListener;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress, DefaultHeaders, ErrorHandlers};
use actix_web::{http::header, web, App, HttpResponse, HttpServer};
use anyhow::Context;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::callers::{Callers, Source};
use crate::auth::jwt::JwtKeys;
use crate::auth::throttle::{Limits, PasswordChecks, Throttle};
use crate::config::Settings;
use crate::db::Db;
use crate::extract::TrustProxy;
use crate::middleware::{problem_errors, refuse_nul, request_context};
use crate::state::AppState;
use crate::{routes, seed};

/// Content-Security-Policy of every answer: scripts only from us (wasm needs `wasm-unsafe-eval`),
/// no framing. Inline styles are allowed for Swagger UI and the app's dynamic widths.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Browser features no page of ours uses, switched off.
pub const PERMISSIONS: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
interest-cohort=()";

/// How often the audit chain's newest link is written to the checkpoint file.
pub const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// A running server and where it listens.
pub struct Application {
    port: u16,
    server: Server,
    db: Db,
    callers: Callers,
    settings: Settings,
    budgets: web::Data<crate::limits::Budgets>,
    /// `/metrics` on its own address, when `LUMIT_METRICS_BIND` asks for one.
    metrics: Option<Server>,
}

/// What happened during start-up that the operator must see.
pub struct Prepared {
    /// The database.
    pub db: Db,
    /// The generated admin password, if the admin was created just now.
    pub admin_password: Option<String>,
}

/// Connects, migrates, loads reference data, creates the first admin.
pub fn prepare(settings: &Settings) -> anyhow::Result<Prepared> {
    crate::files::make_private(settings)?;
    crate::audit::use_key(&settings.resolve_audit_key()?)?;
    let db = Db::open(&settings.database_url, settings.db_options())?;
    let applied = match &settings.migration_database_url {
        None => db.migrate()?,
        Some(owner_url) => {
            let owner = Db::open(
                owner_url,
                crate::db::DbOptions {
                    pool_size: 1,
                    statement_timeout: std::time::Duration::ZERO,
                    ..settings.db_options()
                },
            )?;
            let applied = owner.migrate()?;
            crate::db::grant_least_privilege(&owner, &db)?;
            applied
        }
    };
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    let added = seed::reference_data(&db)?;
    if added > 0 {
        tracing::info!(added, "reference municipalities loaded");
    }
    seed::case_categories(&db)?;
    let start = settings.reports.programme_start;
    let since = crate::models::report::Window::new(start, start, |t| {
        crate::scheduling::to_utc(t).naive_utc()
    })
    .from_utc;
    if let Some(rows) = crate::models::report::activity::ensure(&db, since)? {
        tracing::info!(rows, "first activities since the programme's start counted");
    }
    let admin_password = seed::first_admin(&db, settings.admin_password.as_deref())?;
    checkpoint(&db, settings);
    Ok(Prepared { db, admin_password })
}

/// Writes the audit checkpoint. A database out of reach only postpones it (a warning; the next
/// tick retries); any other failure is an error, since it means the chain lost rows or was
/// rewritten (or the data folder is not writable). Neither stops the service.
pub fn checkpoint(db: &Db, settings: &Settings) {
    let mut c = match db.conn() {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = format!("{e:#}"), "audit checkpoint postponed");
            return;
        }
    };
    if let Err(e) = crate::audit::write_checkpoint(&mut c, &settings.data_dir) {
        tracing::error!(error = format!("{e:#}"), "audit checkpoint not written");
    }
}

impl Application {
    /// Binds the listener and builds the server (not yet polled).
    pub fn build(settings: Settings, db: Db) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("binding {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let jwt = JwtKeys::new(&settings.resolve_jwt_secret()?);
        let workers = settings.workers;
        let pool_size = settings.pool_size;
        let trust = TrustProxy(settings.trust_proxy);
        let origins = settings.cors_origins.clone();
        let shutdown_timeout = settings.shutdown_timeout.as_secs();
        let callers = Callers::new(db.changes().clone());
        callers
            .watch(Source::of(&db))
            .context("starting the caller watcher")?;
        let access = crate::access::AccessLog::start(db.clone())
            .context("starting the access log writer")?;
        let limits = Limits {
            per_address: settings.signin_failures_per_address,
            ..Limits::default()
        };
        let (checkpoint_db, checkpoint_settings) = (db.clone(), settings.clone());
        let state = web::Data::new(AppState {
            db,
            access,
            callers: callers.clone(),
            jwt,
            logins: Throttle::new(limits),
            clients: Throttle::new(limits),
            password_checks: PasswordChecks::for_this_machine(),
            settings,
        });
        let budgets = web::Data::new(crate::limits::Budgets::new(state.settings.rate_limits));
        let app_budgets = budgets.clone();
        let metrics = match &state.settings.metrics.bind {
            Some(bind) => {
                let state = state.clone();
                let listener = TcpListener::bind(bind)
                    .with_context(|| format!("binding LUMIT_METRICS_BIND {bind}"))?;
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(state.clone())
                        .route("/metrics", web::get().to(crate::metrics::scrape))
                })
                .listen(listener)?
                .workers(1)
                // The main server answers the signals and stops this one after it.
                .disable_signals();
                Some(server.run())
            }
            None => None,
        };
        let openapi = crate::openapi::api();
        let endpoints = web::Data::new(routes::Endpoints::of(&openapi));
        let mut server = HttpServer::new(move || {
            let mut cors = Cors::default()
                .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
                .allowed_headers([
                    header::AUTHORIZATION,
                    header::CONTENT_TYPE,
                    header::IF_MATCH,
                    header::ACCEPT,
                ])
                .allowed_header("x-request-id")
                .allowed_header(crate::idempotency::IDEMPOTENCY_KEY)
                .expose_headers([header::ETAG, header::LOCATION, header::RETRY_AFTER])
                .expose_headers([crate::idempotency::REPLAYED])
                .expose_headers([
                    header::HeaderName::from_static("ratelimit-limit"),
                    header::HeaderName::from_static("ratelimit-remaining"),
                    header::HeaderName::from_static("ratelimit-reset"),
                ])
                .max_age(3600);
            for o in &origins {
                cors = cors.allowed_origin(o);
            }
            App::new()
                .app_data(state.clone())
                .app_data(app_budgets.clone())
                .app_data(trust)
                .wrap(from_fn(crate::idempotency::idempotency))
                .wrap(from_fn(refuse_nul))
                .wrap(from_fn(crate::limits::rate_limit))
                .wrap(ErrorHandlers::new().default_handler(problem_errors))
                .wrap(cors)
                .wrap(
                    DefaultHeaders::new()
                        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                        .add((header::REFERRER_POLICY, "no-referrer"))
                        .add((header::X_FRAME_OPTIONS, "DENY"))
                        .add((header::CONTENT_SECURITY_POLICY, CSP))
                        .add(("permissions-policy", PERMISSIONS))
                        .add((header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"))
                        // Tokens and personal data must not stay in a shared or browser cache;
                        // the web app's files set their own caching (`web_app`).
                        .add((header::CACHE_CONTROL, "no-store")),
                )
                // What may be compressed, and how: crate::compression.
                .wrap(from_fn(crate::compression::keep_as_is))
                .wrap(Compress::default())
                .wrap(from_fn(crate::compression::unmark))
                .wrap(from_fn(crate::metrics::record))
                .wrap(from_fn(request_context))
                .app_data(endpoints.clone())
                .into_utoipa_app()
                .configure(routes::configure)
                .into_app()
                .service(web::resource("/metrics").get(crate::metrics::scrape_with_token))
                .service(web::resource("/api/docs").get(|| async {
                    HttpResponse::PermanentRedirect()
                        .insert_header((header::LOCATION, "/api/docs/"))
                        .finish()
                }))
                .service(
                    SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", openapi.clone()),
                )
                .default_service(web::to(routes::fallback))
        })
        .listen(listener)?
        // On SIGTERM: stop accepting, let requests in flight finish (a write in flight either
        // commits and is answered, or is not answered), then exit.
        .shutdown_timeout(shutdown_timeout);
        // A short read runs on its worker (`Db::read_short`): one worker per connection keeps
        // every connection busy while the others' workers serve HTTP.
        server = server.workers(if workers > 0 {
            workers
        } else {
            pool_size as usize
        });
        Ok(Self {
            port,
            server: server.run(),
            db: checkpoint_db,
            callers,
            settings: checkpoint_settings,
            budgets,
            metrics,
        })
    }

    /// Its cache of callers.
    pub fn callers(&self) -> Callers {
        self.callers.clone()
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM / SIGINT, finishing requests in flight.
    /// Serves until SIGTERM / SIGINT, finishing requests in flight. Meanwhile, and once more at
    /// the end, writes the audit checkpoint.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let (db, settings) = (self.db, self.settings);
        let mailer = crate::mail::worker::start(
            db.clone(),
            settings.mail.clone(),
            settings.public_url.clone(),
        );
        let webhooks = crate::webhooks::worker::start(db.clone(), settings.webhooks.clone());
        let write = move || {
            let (db, settings) = (db.clone(), settings.clone());
            tokio::task::spawn_blocking(move || checkpoint(&db, &settings))
        };
        crate::limits::forget_idle(self.budgets);
        let metrics = self.metrics.map(|server| {
            let handle = server.handle();
            tokio::spawn(server);
            handle
        });
        let ticker = tokio::spawn({
            let write = write.clone();
            async move {
                let mut every = tokio::time::interval(CHECKPOINT_EVERY);
                every.tick().await;
                loop {
                    every.tick().await;
                    let _ = write().await;
                }
            }
        });
        let served = self.server.await;
        if let Some(metrics) = metrics {
            metrics.stop(true).await;
        }
        ticker.abort();
        mailer.abort();
        webhooks.abort();
        let _ = write().await;
        served
    }
}
