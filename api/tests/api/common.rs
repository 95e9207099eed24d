//! The test harness: every test starts the real server on a random port with its own database
//! (a temporary SQLite file, or a fresh PostgreSQL schema) and talks HTTP to it.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, RunQueryDsl};
use lumit_api::auth::callers::Callers;
use lumit_api::config::Settings;
use lumit_api::db::{Db, DbConn};
use lumit_api::startup::{prepare, Application};
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

/// The password of the first admin in every test.
pub const ADMIN_PASSWORD: &str = "test admin password 1";
/// The password test accounts end up with.
/// The audit chain's key: one per test process (it is process-wide in the server too).
pub const AUDIT_KEY: &str = "the audit key of the tests, long enough to be one";
pub const USER_PASSWORD: &str = "a user's own password";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one test per database for each scenario function `async fn name(app: TestApp)`.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::TestApp::spawn($crate::common::Backend::Sqlite).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::common::TestApp::spawn($crate::common::Backend::Postgres).await).await
            }
        }
    )*};
}

/// The PostgreSQL server tests use. Unreachable means failure, never a skip. Over loopback
/// without TLS unless the URL asks for it: TLS buys nothing there, and libpq's OpenSSL state,
/// torn down at process exit while test servers still close connections, has crashed a test
/// binary after every test had passed.
pub fn postgres_url() -> String {
    let url = std::env::var("LUMIT_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    if url.contains("sslmode=") {
        url
    } else if url.contains('?') {
        format!("{url}&sslmode=disable")
    } else {
        format!("{url}?sslmode=disable")
    }
}

/// Removes the test's PostgreSQL schema when the test ends.
struct PgSchema {
    name: String,
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut c) = PgConnection::establish(&postgres_url()) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}

/// A running server with its own database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// An HTTP client without cookies.
    pub http: reqwest::Client,
    /// Direct database access, for set-up and tampering.
    pub db: Db,
    /// The server's cache of callers.
    pub callers: Callers,
    /// Which backend.
    pub backend: Backend,
    /// Where the server looks for the web app (absent until a test writes it).
    pub web_dir: std::path::PathBuf,
    /// The first admin's password printed at start (when none was configured).
    pub printed_password: Option<String>,
    /// What the server was started with.
    settings: Settings,
    _dir: std::sync::Arc<tempfile::TempDir>,
    _schema: Option<std::sync::Arc<PgSchema>>,
}

impl TestApp {
    /// Starts a server on a fresh database.
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Starts a server on a fresh database with changed settings.
    pub async fn spawn_with(backend: Backend, change: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, schema) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}", dir.path().join("lumit.db").display()),
                None,
            ),
            Backend::Postgres => {
                let name = format!("t_{}", uuid::Uuid::new_v4().simple());
                let mut c = PgConnection::establish(&postgres_url()).unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is required for the tests ({}): {e}",
                        postgres_url()
                    )
                });
                // The trigram extension is one per database: create it once, before tests race
                // to create it from their migrations.
                static TRGM: std::sync::Once = std::sync::Once::new();
                TRGM.call_once(|| {
                    c.batch_execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
                        .expect("create the pg_trgm extension");
                });
                c.batch_execute(&format!("CREATE SCHEMA {name}"))
                    .expect("create schema");
                let sep = if postgres_url().contains('?') {
                    '&'
                } else {
                    '?'
                };
                (
                    format!("{}{sep}options=-csearch_path%3D{name}", postgres_url()),
                    Some(PgSchema { name }),
                )
            }
        };
        let mut settings = Settings {
            database_url: url,
            migration_database_url: None,
            bind: "127.0.0.1:0".into(),
            data_dir: dir.path().to_owned(),
            jwt_secret: Some(format!("test-secret-{}", uuid::Uuid::new_v4())),
            audit_key: Some(crate::common::AUDIT_KEY.into()),
            admin_password: Some(ADMIN_PASSWORD.into()),
            log_level: "warn".into(),
            log_format: "text".into(),
            cors_origins: vec![],
            web_dir: dir.path().join("no-web"),
            pool_size: 4,
            workers: 1,
            // As behind a proxy of ours, so tests can come from many addresses.
            trust_proxy: true,
            travel_buffer_minutes: 30,
            db_connect_timeout: std::time::Duration::from_secs(5),
            db_statement_timeout: std::time::Duration::from_secs(30),
            sqlite_synchronous: lumit_api::db::Synchronous::Full,
            shutdown_timeout: std::time::Duration::from_secs(5),
            public_url: None,
            signin_failures_per_address: 20,
            session_lifetime: std::time::Duration::from_secs(12 * 3600),
            session_idle: std::time::Duration::from_secs(2 * 3600),
            totp_required_roles: Vec::new(),
            mail: lumit_api::config::MailSettings::default(),
            reports: lumit_api::config::ReportSettings::default(),
            rate_limits: lumit_api::config::RateLimits::default(),
            metrics: lumit_api::config::MetricsSettings::default(),
            // Retries in milliseconds, so that a test sees a whole schedule; receivers the
            // tests start listen on loopback.
            webhooks: lumit_api::config::WebhookSettings {
                schedule: (1..=9)
                    .map(|i| std::time::Duration::from_millis(100 * i))
                    .collect(),
                poll: std::time::Duration::from_millis(100),
                timeout: std::time::Duration::from_secs(2),
                allow_private: true,
            },
        };
        change(&mut settings);
        let prepared = tokio::task::spawn_blocking({
            let s = settings.clone();
            move || prepare(&s)
        })
        .await
        .expect("join")
        .expect("prepare");
        let web_dir = dir.path().join("no-web");
        let (base, callers) = start(&settings, prepared.db.clone());
        Self {
            web_dir,
            printed_password: prepared.admin_password.clone(),
            base,
            callers,
            http: reqwest::Client::new(),
            db: prepared.db,
            backend,
            settings,
            _dir: std::sync::Arc::new(dir),
            _schema: schema.map(std::sync::Arc::new),
        }
    }

    /// A second server on the same database, as a deployment with two instances behind a
    /// balancer: same token keys, its own pool and caches.
    pub async fn another_instance(&self) -> TestApp {
        self.instance_with(|_| {}).await
    }

    /// Another server on the same database, started with changed settings.
    pub async fn instance_with(&self, change: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = self.settings.clone();
        change(&mut settings);
        let url = settings.database_url.clone();
        let db = tokio::task::spawn_blocking(move || Db::connect(&url, 4))
            .await
            .expect("join")
            .expect("connect");
        let (base, callers) = start(&settings, db.clone());
        TestApp {
            web_dir: self.web_dir.clone(),
            printed_password: None,
            base,
            callers,
            http: reqwest::Client::new(),
            db,
            backend: self.backend,
            settings,
            _dir: self._dir.clone(),
            _schema: self._schema.clone(),
        }
    }

    /// Runs the server's start-up preparation on this database again with changed settings, as
    /// a restart with a new configuration does.
    pub async fn prepare_again(&self, change: impl FnOnce(&mut Settings)) {
        let mut settings = self.settings.clone();
        change(&mut settings);
        tokio::task::spawn_blocking(move || prepare(&settings).map(|_| ()))
            .await
            .expect("join")
            .expect("prepare");
    }

    /// A request with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("request")
    }

    /// The server's data folder (secrets, the audit checkpoint).
    pub fn data_dir(&self) -> std::path::PathBuf {
        self.settings.data_dir.clone()
    }

    /// A POST of JSON without a token from a client address (as our proxy reports it).
    pub async fn post_from(&self, address: &str, path: &str, body: Value) -> Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header("x-forwarded-for", address)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    /// GET.
    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.call(Method::GET, path, Some(token), None).await
    }

    /// GET a 200 and its JSON body.
    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        let res = self.get(path, token).await;
        assert_eq!(res.status(), 200, "GET {path}");
        res.json().await.expect("a JSON body")
    }

    /// POST JSON.
    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// PATCH JSON.
    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Response {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    /// Logs in; panics unless 200. Returns the whole answer.
    pub async fn login(&self, username: &str, password: &str) -> Value {
        let res = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": username, "password": password})),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "login {username}");
        res.json().await.expect("json")
    }

    /// The admin's access token.
    pub async fn admin(&self) -> String {
        token_of(&self.login("admin", ADMIN_PASSWORD).await)
    }

    /// The id of a municipality by ISTAT code (or exact name for offices without one).
    pub async fn municipality(&self, key: &str) -> String {
        let admin = self.admin().await;
        let res: Value = self
            .get("/api/v1/municipalities?limit=200", &admin)
            .await
            .json()
            .await
            .unwrap();
        res["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["istat_code"] == key || m["name"] == key)
            .unwrap_or_else(|| panic!("no municipality {key}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Creates an account with a role and municipalities, replaces its temporary password, and
    /// returns (user id, access token).
    pub async fn user(
        &self,
        username: &str,
        role: &str,
        municipality_ids: &[String],
    ) -> (String, String) {
        let admin = self.admin().await;
        let res = self
            .post(
                "/api/v1/users",
                &admin,
                json!({"username": username, "full_name": format!("Test {username}"), "role": role,
                       "municipality_ids": municipality_ids, "password": "temporary password 1"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "create user {username}");
        let created: Value = res.json().await.unwrap();
        let first = token_of(&self.login(username, "temporary password 1").await);
        let res = self
            .call(
                Method::PUT,
                "/api/v1/me/password",
                Some(&first),
                Some(json!({"current_password": "temporary password 1", "new_password": USER_PASSWORD})),
            )
            .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let token = token_of(&self.login(username, USER_PASSWORD).await);
        (created["user"]["id"].as_str().unwrap().to_owned(), token)
    }

    /// Creates an API client for a municipality with scopes; returns (client row id, client_id, secret).
    pub async fn api_client(
        &self,
        municipality_id: &str,
        scopes: &[&str],
    ) -> (String, String, String) {
        let admin = self.admin().await;
        let res = self
            .post(
                "/api/v1/api-clients",
                &admin,
                json!({"name": "Protocollo", "municipality_id": municipality_id, "scopes": scopes}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let v: Value = res.json().await.unwrap();
        (
            v["id"].as_str().unwrap().to_owned(),
            v["client_id"].as_str().unwrap().to_owned(),
            v["client_secret"].as_str().unwrap().to_owned(),
        )
    }

    /// A client-credentials token (form-encoded, as OAuth 2 says).
    pub async fn client_token(&self, client_id: &str, secret: &str) -> Response {
        self.http
            .post(format!("{}/api/v1/auth/token", self.base))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", secret),
            ])
            .send()
            .await
            .expect("request")
    }

    /// The columns of a table, sorted.
    pub fn columns_of(&self, table: &str) -> Vec<String> {
        #[derive(diesel::QueryableByName)]
        struct Column {
            #[diesel(sql_type = diesel::sql_types::Text)]
            name: String,
        }
        use diesel::sql_types::Text;
        let mut c = self.db.conn().expect("conn");
        let found: Vec<Column> = match &mut **c {
            DbConn::Pg(pg) => diesel::sql_query(
                "SELECT column_name::text AS name FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1",
            )
            .bind::<Text, _>(table)
            .load(pg),
            DbConn::Sqlite(lite) => diesel::sql_query("SELECT name FROM pragma_table_info(?)")
                .bind::<Text, _>(table)
                .load(lite),
        }
        .expect("list columns");
        let mut names: Vec<String> = found.into_iter().map(|c| c.name).collect();
        names.sort();
        names
    }

    /// Every text column of every table of the test's database, as (table, column).
    pub fn text_columns(&self) -> Vec<(String, String)> {
        #[derive(diesel::QueryableByName)]
        struct Column {
            #[diesel(sql_type = diesel::sql_types::Text)]
            table_name: String,
            #[diesel(sql_type = diesel::sql_types::Text)]
            column_name: String,
        }
        let mut c = self.db.conn().expect("conn");
        let columns: Vec<Column> = match &mut **c {
            DbConn::Pg(pg) => diesel::sql_query(
                "SELECT table_name::text AS table_name, column_name::text AS column_name \
                 FROM information_schema.columns WHERE table_schema = current_schema() \
                 AND data_type IN ('text', 'character varying', 'json', 'jsonb')",
            )
            .load(pg),
            DbConn::Sqlite(lite) => diesel::sql_query(
                "SELECT m.name AS table_name, p.name AS column_name \
                 FROM (SELECT name, type FROM main.sqlite_master \
                       UNION ALL SELECT name, type FROM access.sqlite_master) m \
                 JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND upper(p.type) IN ('TEXT', 'VARCHAR', '')",
            )
            .load(lite),
        }
        .expect("list text columns");
        columns
            .into_iter()
            .map(|c| (c.table_name, c.column_name))
            .collect()
    }

    /// How many rows of `table` hold `needle` in `column`, ignoring case.
    pub fn rows_containing(&self, table: &str, column: &str, needle: &str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        use diesel::sql_types::Text;
        let mut c = self.db.conn().expect("conn");
        let counted = match &mut **c {
            DbConn::Pg(pg) => diesel::sql_query(format!(
                "SELECT count(*) AS n FROM \"{table}\" WHERE strpos(lower(\"{column}\"::text), lower($1)) > 0"
            ))
            .bind::<Text, _>(needle)
            .get_result::<Count>(pg),
            DbConn::Sqlite(lite) => diesel::sql_query(format!(
                "SELECT count(*) AS n FROM \"{table}\" WHERE instr(lower(CAST(\"{column}\" AS TEXT)), lower(?)) > 0"
            ))
            .bind::<Text, _>(needle)
            .get_result::<Count>(lite),
        };
        counted.expect("scan a column").n
    }

    /// PostgreSQL only: how many transactions last wrote the rows of `table` whose `column` is
    /// `value` (their `xmin`); `None` on SQLite, which keeps no such stamp.
    pub fn writers_of(&self, table: &str, column: &str, value: &str) -> Option<i64> {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut c = self.db.conn().expect("conn");
        match &mut **c {
            DbConn::Pg(pg) => Some(
                diesel::sql_query(format!(
                    "SELECT count(DISTINCT xmin::text) AS n FROM \"{table}\" WHERE \"{column}\" = $1"
                ))
                .bind::<diesel::sql_types::Text, _>(value)
                .get_result::<Count>(pg)
                .expect("count writers")
                .n,
            ),
            DbConn::Sqlite(_) => None,
        }
    }

    /// Runs SQL directly on the test's database.
    pub fn sql(&self, sql: &str) {
        let mut c = self.db.conn().expect("conn");
        c.batch_execute(sql).expect("sql");
    }

    /// Runs SQL that the database may refuse, with its message when it does.
    pub fn try_sql(&self, sql: &str) -> Result<(), String> {
        let mut c = self.db.conn().expect("conn");
        c.batch_execute(sql).map_err(|e| e.to_string())
    }
}

/// Starts a server in the background; returns its base URL and its cache of callers.
fn start(settings: &Settings, db: Db) -> (String, Callers) {
    let app = Application::build(settings.clone(), db).expect("build");
    let base = format!("http://127.0.0.1:{}", app.port());
    let callers = app.callers();
    tokio::spawn(app.run_until_stopped());
    (base, callers)
}

/// The access token of a login answer.
pub fn token_of(v: &Value) -> String {
    v["access_token"].as_str().expect("access_token").to_owned()
}

/// Asserts a problem+json answer with a status and code; returns the body.
pub async fn assert_problem(res: Response, status: u16, code: &str) -> Value {
    assert_eq!(res.status().as_u16(), status, "status");
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(
        ct.starts_with("application/problem+json"),
        "content type {ct}"
    );
    let body: Value = res.json().await.expect("problem body");
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["type"].is_string() && body["title"].is_string() && body["detail"].is_string(),
        "{body}"
    );
    body
}

/// The fields named in a problem's `errors`.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}
