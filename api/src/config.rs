//! Settings: defaults, overridden by `LUMIT_*` environment variables (see the README table).

use std::path::PathBuf;

use std::time::Duration;

use anyhow::{bail, Context};

use lumit_shared::user::Role;

use crate::db::{DbOptions, Synchronous};

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// PostgreSQL: the owner's URL, for migrations (`LUMIT_MIGRATION_DATABASE_URL`). When set,
    /// the server itself connects with `database_url` as a role that may not change or remove
    /// audit rows, and gets its grants at each start (docs/OPERATIONS.md).
    pub migration_database_url: Option<String>,
    /// Address to listen on.
    pub bind: String,
    /// Folder for generated secrets (and the default SQLite file).
    pub data_dir: PathBuf,
    /// HMAC secret for access tokens; generated into `data_dir` when unset.
    pub jwt_secret: Option<String>,
    /// Key of the audit chain's links (`LUMIT_AUDIT_KEY`); generated into `data_dir` when unset.
    /// Never stored in the database, so whoever can edit the table cannot forge links.
    pub audit_key: Option<String>,
    /// Password for the first admin; random when unset.
    pub admin_password: Option<String>,
    /// `tracing` filter, e.g. `info` or `lumit_api=debug`.
    pub log_level: String,
    /// `json` for JSON logs, anything else for text.
    pub log_format: String,
    /// Origins allowed by CORS; none by default.
    pub cors_origins: Vec<String>,
    /// Folder with the built web app.
    pub web_dir: PathBuf,
    /// Database connections per instance.
    pub pool_size: u32,
    /// HTTP worker threads (0: one per database connection, so that each connection has a
    /// worker to run its short reads; see [`crate::db::Db::read_short`]).
    pub workers: usize,
    /// Trust `X-Forwarded-For` for the client IP (only behind a proxy you run).
    pub trust_proxy: bool,
    /// Minutes needed between on-site jobs in different municipalities.
    pub travel_buffer_minutes: i64,
    /// Longest wait to open a database connection or get one from the pool.
    pub db_connect_timeout: Duration,
    /// Longest a PostgreSQL statement may run.
    pub db_statement_timeout: Duration,
    /// SQLite's durability level.
    pub sqlite_synchronous: Synchronous,
    /// On SIGTERM, how long requests in flight may take to finish before the process exits.
    pub shutdown_timeout: Duration,
    /// The address people open, e.g. `https://lumit.prefettura.lucca.it` (`LUMIT_PUBLIC_URL`):
    /// decides whether cookies are `Secure`.
    pub public_url: Option<String>,
    /// Failed sign-ins from one address, whatever the account, before it is refused for the
    /// rest of the 15-minute window (`LUMIT_SIGNIN_FAILURES_PER_ADDRESS`).
    pub signin_failures_per_address: usize,
    /// A staff session ends this long after its login, however active (`LUMIT_SESSION_HOURS`).
    pub session_lifetime: Duration,
    /// A staff session ends after this long without a refresh, i.e. with the app closed or the
    /// laptop asleep (`LUMIT_SESSION_IDLE_MINUTES`).
    pub session_idle: Duration,
    /// Roles that must sign in with a second factor (`LUMIT_TOTP_REQUIRED_ROLES`, default
    /// `admin,coordinator`; `none` for none). Other roles may set one up.
    pub totp_required_roles: Vec<Role>,
    /// Sending e-mail (`LUMIT_SMTP_URL`, `LUMIT_MAIL_…`).
    pub mail: MailSettings,
    /// How indicators are counted (`LUMIT_PROGRAMME_START`, `LUMIT_REPORT_…`).
    pub reports: ReportSettings,
    /// Request budgets (`LUMIT_RATE_LIMIT_…`).
    pub rate_limits: RateLimits,
    /// Who may read the metrics (`LUMIT_METRICS_…`).
    pub metrics: MetricsSettings,
    /// Webhook deliveries (`LUMIT_WEBHOOK_…`).
    pub webhooks: WebhookSettings,
}

mod mail;
mod partners;
mod reports;
mod webhooks;
pub use mail::MailSettings;
pub use partners::{MetricsSettings, RateLimits};
pub use reports::ReportSettings;
pub use webhooks::{WebhookSettings, STANDARD_SCHEDULE};

/// Two connections per core, at least 4 and at most 32. Queries are short and CPU-bound, often
/// on the same machine as the database: more connections than that only queue inside the
/// database and the kernel (docs/PERFORMANCE.md, "Connections, threads and memory"). The ceiling keeps a few instances on a large machine inside PostgreSQL's default of 100
/// connections.
pub fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    u32::try_from(cores * 2).unwrap_or(u32::MAX).clamp(4, 32)
}

/// `LUMIT_DB_POOL_SIZE`: a number of at least 1 (a pool of none could never answer).
fn pool_size(v: Option<&str>) -> anyhow::Result<u32> {
    match v {
        Some(v) => Ok(v
            .trim()
            .parse::<std::num::NonZeroU32>()
            .context("LUMIT_DB_POOL_SIZE must be a number of at least 1")?
            .get()),
        None => Ok(default_pool_size()),
    }
}

/// A whole number of `unit`s between `min` and `max` from the variable `name`, or `default`.
pub(crate) fn bounded(
    name: &str,
    min: u64,
    max: u64,
    default: u64,
    unit: &str,
) -> anyhow::Result<u64> {
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .with_context(|| format!("{name} must be a number of {unit} from {min} to {max}")),
    }
}

/// `LUMIT_TOTP_REQUIRED_ROLES`: roles separated by commas, or `none`.
fn totp_required_roles(v: Option<&str>) -> anyhow::Result<Vec<Role>> {
    let Some(v) = v.map(str::trim) else {
        return Ok(vec![Role::Admin, Role::Coordinator]);
    };
    if v.eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    v.split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| {
            Role::parse(&r.to_ascii_lowercase()).with_context(|| {
                format!(
                    "LUMIT_TOTP_REQUIRED_ROLES: `{r}` is not a role (admin, coordinator, \
                     operator, municipal_officer, mediator, trainer; or `none`)"
                )
            })
        })
        .collect()
}

pub(crate) fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Settings {
    /// Reads the environment.
    pub fn from_env() -> anyhow::Result<Self> {
        let pool_size = pool_size(var("LUMIT_DB_POOL_SIZE").as_deref())?;
        let workers = match var("LUMIT_WORKERS") {
            Some(v) => v.parse().context("LUMIT_WORKERS must be a number")?,
            None => 0,
        };
        let travel_buffer_minutes = match var("LUMIT_TRAVEL_BUFFER_MINUTES") {
            Some(v) => v
                .parse()
                .ok()
                .filter(|m: &i64| (0..=240).contains(m))
                .context("LUMIT_TRAVEL_BUFFER_MINUTES must be a number of minutes, 0 to 240")?,
            None => 30,
        };
        let db_connect_timeout =
            Duration::from_secs(bounded("LUMIT_DB_CONNECT_TIMEOUT", 1, 60, 5, "seconds")?);
        let db_statement_timeout = Duration::from_millis(bounded(
            "LUMIT_DB_STATEMENT_TIMEOUT_MS",
            100,
            3_600_000,
            30_000,
            "milliseconds",
        )?);
        let shutdown_timeout =
            Duration::from_secs(bounded("LUMIT_SHUTDOWN_TIMEOUT", 1, 3600, 30, "seconds")?);
        let sqlite_synchronous = match var("LUMIT_SQLITE_SYNCHRONOUS").as_deref().map(str::trim) {
            None => Synchronous::Full,
            Some(v) if v.eq_ignore_ascii_case("full") => Synchronous::Full,
            Some(v) if v.eq_ignore_ascii_case("normal") => Synchronous::Normal,
            Some(_) => bail!("LUMIT_SQLITE_SYNCHRONOUS must be `full` or `normal`"),
        };
        let public_url = match var("LUMIT_PUBLIC_URL") {
            None => None,
            Some(v) => Some(public_url(&v)?),
        };
        let signin_failures_per_address = usize::try_from(bounded(
            "LUMIT_SIGNIN_FAILURES_PER_ADDRESS",
            1,
            10_000,
            20,
            "failures",
        )?)?;
        let session_lifetime =
            Duration::from_secs(3600 * bounded("LUMIT_SESSION_HOURS", 1, 720, 12, "hours")?);
        let session_idle = Duration::from_secs(
            60 * bounded("LUMIT_SESSION_IDLE_MINUTES", 5, 1440, 120, "minutes")?,
        );
        let totp_required_roles = totp_required_roles(var("LUMIT_TOTP_REQUIRED_ROLES").as_deref())?;
        let mail = MailSettings::from_env()?;
        let reports = ReportSettings::from_env()?;
        let rate_limits = RateLimits::from_env()?;
        let metrics = MetricsSettings::from_env()?;
        let webhooks = WebhookSettings::from_env()?;
        let s = Self {
            database_url: var("LUMIT_DATABASE_URL")
                .unwrap_or_else(|| "sqlite://data/lumit.db".into()),
            migration_database_url: var("LUMIT_MIGRATION_DATABASE_URL"),
            bind: var("LUMIT_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            data_dir: var("LUMIT_DATA_DIR")
                .unwrap_or_else(|| "data".into())
                .into(),
            jwt_secret: var("LUMIT_JWT_SECRET"),
            audit_key: var("LUMIT_AUDIT_KEY"),
            admin_password: var("LUMIT_ADMIN_PASSWORD"),
            log_level: var("LUMIT_LOG").unwrap_or_else(|| "info".into()),
            log_format: var("LUMIT_LOG_FORMAT").unwrap_or_else(|| "text".into()),
            cors_origins: var("LUMIT_CORS_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            web_dir: var("LUMIT_WEB_DIR")
                .unwrap_or_else(|| "web/dist".into())
                .into(),
            pool_size,
            workers,
            trust_proxy: matches!(
                var("LUMIT_TRUST_PROXY").as_deref(),
                Some("1" | "true" | "yes")
            ),
            travel_buffer_minutes,
            db_connect_timeout,
            db_statement_timeout,
            sqlite_synchronous,
            shutdown_timeout,
            public_url,
            signin_failures_per_address,
            session_lifetime,
            session_idle,
            totp_required_roles,
            mail,
            reports,
            rate_limits,
            metrics,
            webhooks,
        };
        if let Some(secret) = &s.jwt_secret {
            if secret.len() < 32 {
                bail!("LUMIT_JWT_SECRET must be at least 32 characters");
            }
        }
        if s.migration_database_url.is_some() && !s.database_url.starts_with("postgres") {
            bail!("LUMIT_MIGRATION_DATABASE_URL is for PostgreSQL: SQLite has no roles");
        }
        if let Some(key) = &s.audit_key {
            if key.len() < 32 {
                bail!("LUMIT_AUDIT_KEY must be at least 32 characters");
            }
        }
        Ok(s)
    }

    /// Whether cookies carry `Secure`: decided by configuration, never by what a client sends
    /// (`Host`, `X-Forwarded-Proto`). Without `LUMIT_PUBLIC_URL`, a server bound to loopback is
    /// the plain-http local default and any other is assumed to be behind TLS.
    pub fn secure_cookies(&self) -> bool {
        match &self.public_url {
            Some(url) => url.starts_with("https://"),
            None => {
                !self.bind.starts_with("127.")
                    && !self.bind.starts_with("localhost:")
                    && !self.bind.starts_with("[::1]:")
            }
        }
    }

    /// Whether accounts of this role must sign in with a second factor.
    pub fn totp_required(&self, role: Role) -> bool {
        self.totp_required_roles.contains(&role)
    }

    /// An account as answered: with whether its role must use a second factor.
    pub fn shown(&self, mut user: lumit_shared::user::User) -> lumit_shared::user::User {
        user.totp_required = self.totp_required(user.role);
        user
    }

    /// How the database pool connects and how long it waits.
    pub fn db_options(&self) -> DbOptions {
        DbOptions {
            pool_size: self.pool_size,
            connect_timeout: self.db_connect_timeout,
            statement_timeout: self.db_statement_timeout,
            synchronous: self.sqlite_synchronous,
        }
    }

    /// The JWT secret: from the environment, or read from (or generated into) `data_dir/jwt_secret`
    /// with mode 0600. Never a constant in the code.
    pub fn resolve_jwt_secret(&self) -> anyhow::Result<String> {
        self.resolve_secret(self.jwt_secret.as_deref(), "jwt_secret", "JWT secret")
    }

    /// The audit chain's key, as the JWT secret: `LUMIT_AUDIT_KEY`, or `data_dir/audit_key`.
    pub fn resolve_audit_key(&self) -> anyhow::Result<String> {
        self.resolve_secret(self.audit_key.as_deref(), "audit_key", "audit key")
    }

    fn resolve_secret(&self, set: Option<&str>, file: &str, what: &str) -> anyhow::Result<String> {
        if let Some(s) = set {
            return Ok(s.to_owned());
        }
        let path = self.data_dir.join(file);
        if let Ok(existing) = std::fs::read_to_string(&path) {
            let existing = existing.trim().to_owned();
            if existing.len() >= 32 {
                return Ok(existing);
            }
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating {}", self.data_dir.display()))?;
        let secret = crate::crypto::random_token(48);
        write_private(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
        tracing::info!(path = %path.display(), "generated a new {what}");
        Ok(secret)
    }
}

/// `LUMIT_PUBLIC_URL`: an http(s) address with a host, without a trailing slash.
fn public_url(v: &str) -> anyhow::Result<String> {
    let v = v.trim().trim_end_matches('/');
    let host = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .unwrap_or("");
    if host.is_empty() || host.contains(char::is_whitespace) {
        bail!("LUMIT_PUBLIC_URL must be an http:// or https:// address, e.g. https://lumit.example.it");
    }
    Ok(v.to_owned())
}

/// Writes a file readable by its owner only.
pub(crate) fn write_private(path: &std::path::Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(content.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// The settings, for `lumit --help`.
pub const ENV_HELP: &str = "Configuration (environment):
  LUMIT_DATABASE_URL    sqlite://data/lumit.db (default) or postgres://user@host/db
  LUMIT_MIGRATION_DATABASE_URL   PostgreSQL: the owner's URL, for migrations (default: none)
  LUMIT_BIND            address to listen on (default 127.0.0.1:8080)
  LUMIT_DATA_DIR        folder for generated secrets (default data)
  LUMIT_JWT_SECRET      token signing secret, 32+ characters (default: generated into LUMIT_DATA_DIR)
  LUMIT_AUDIT_KEY       key of the audit chain, 32+ characters (default: generated into LUMIT_DATA_DIR)
  LUMIT_ADMIN_PASSWORD  password of the first admin (default: random, printed once)
  LUMIT_LOG             log filter (default info)
  LUMIT_LOG_FORMAT      text (default) or json
  LUMIT_CORS_ORIGINS    comma-separated origins allowed by CORS (default none)
  LUMIT_WEB_DIR         built web app (default web/dist)
  LUMIT_DB_POOL_SIZE    database connections (default: two per core, 4 to 32)
  LUMIT_WORKERS         HTTP worker threads (default: one per database connection)
  LUMIT_TRUST_PROXY     true to take the client IP from X-Forwarded-For
  LUMIT_PUBLIC_URL      the address people open; https:// makes the cookie Secure
  LUMIT_SESSION_HOURS   a session ends this long after its login (default 12)
  LUMIT_SESSION_IDLE_MINUTES     a session ends after this long unused (default 120)
  LUMIT_TOTP_REQUIRED_ROLES      roles that need a second factor (default admin,coordinator)
  LUMIT_SIGNIN_FAILURES_PER_ADDRESS  failed sign-ins per address before 429 (default 20)
  LUMIT_TRAVEL_BUFFER_MINUTES    minutes between on-site jobs in different towns (default 30)
  LUMIT_DB_CONNECT_TIMEOUT       seconds to connect or wait for a connection (default 5)
  LUMIT_DB_STATEMENT_TIMEOUT_MS  longest statement, either database (default 30000)
  LUMIT_SQLITE_SYNCHRONOUS       full (default: survives power loss) or normal
  LUMIT_SHUTDOWN_TIMEOUT         seconds to finish requests after SIGTERM (default 30)
  LUMIT_SMTP_URL        smtp://host:25, smtps://user:pass@host (default none: mail stays in the outbox)
  LUMIT_MAIL_FROM       sender, Name <address> (default LUMIT <lumit@localhost>)
  LUMIT_MAIL_RETRY_SECONDS       first wait before sending again, doubled each time (default 60)
  LUMIT_MAIL_MAX_ATTEMPTS        attempts before a message is marked failed (default 8)
  LUMIT_WEBHOOK_TIMEOUT_SECONDS  how long a webhook receiver has to answer (default 10)
  LUMIT_WEBHOOK_ALLOW_PRIVATE    true to allow http:// and private or loopback webhook addresses (default false)
  LUMIT_RATE_LIMIT_USER          requests per minute per staff account (default 600)
  LUMIT_RATE_LIMIT_CLIENT        requests per minute per API client (default 1200)
  LUMIT_RATE_LIMIT_ANONYMOUS     requests per minute per address without a token (default 300)
  LUMIT_METRICS_BIND    address serving only /metrics, no token (default none)
  LUMIT_METRICS_TOKEN   bearer token opening /metrics on the main address (default none)";

#[cfg(test)]
mod tests {
    #[test]
    fn the_help_names_every_setting() {
        let source = [
            include_str!("config.rs"),
            include_str!("config/mail.rs"),
            include_str!("config/webhooks.rs"),
        ]
        .concat();
        let named: std::collections::BTreeSet<&str> = source
            .match_indices("\"LUMIT_")
            .filter_map(|(at, _)| source[at + 1..].split('"').next())
            .filter(|v| v.len() > "LUMIT_".len())
            .filter(|v| v.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
            .collect();
        assert!(named.len() >= 24, "{named:?}");
        let missing: Vec<&&str> = named
            .iter()
            .filter(|v| !super::ENV_HELP.contains(&format!("  {v} ")))
            .collect();
        assert!(missing.is_empty(), "not in ENV_HELP: {missing:?}");
    }

    use super::*;

    #[test]
    fn pool_size_is_a_positive_number_or_follows_the_cores() {
        assert_eq!(pool_size(Some("12")).unwrap(), 12);
        assert_eq!(pool_size(Some(" 3 ")).unwrap(), 3);
        for bad in ["0", "-1", "eight", ""] {
            let err = pool_size(Some(bad)).unwrap_err().to_string();
            assert!(err.contains("LUMIT_DB_POOL_SIZE"), "{bad}: {err}");
        }
        let cores = std::thread::available_parallelism().unwrap().get() as u32;
        assert_eq!(pool_size(None).unwrap(), (cores * 2).clamp(4, 32));
    }

    #[test]
    fn secure_cookies_follow_the_configured_address_only() {
        let mut s = Settings {
            database_url: String::new(),
            migration_database_url: None,
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::new(),
            jwt_secret: None,
            audit_key: None,
            admin_password: None,
            log_level: String::new(),
            log_format: String::new(),
            cors_origins: vec![],
            web_dir: PathBuf::new(),
            pool_size: 1,
            workers: 1,
            trust_proxy: false,
            travel_buffer_minutes: 30,
            db_connect_timeout: Duration::from_secs(1),
            db_statement_timeout: Duration::from_secs(1),
            sqlite_synchronous: Synchronous::Full,
            shutdown_timeout: Duration::from_secs(1),
            public_url: None,
            signin_failures_per_address: 20,
            session_lifetime: Duration::from_secs(12 * 3600),
            session_idle: Duration::from_secs(2 * 3600),
            totp_required_roles: vec![],
            mail: MailSettings::default(),
            reports: ReportSettings::default(),
            rate_limits: RateLimits::default(),
            metrics: MetricsSettings::default(),
            webhooks: WebhookSettings::default(),
        };
        assert!(!s.secure_cookies(), "plain-http local default");
        s.bind = "0.0.0.0:8080".into();
        assert!(s.secure_cookies(), "exposed: assumed behind TLS");
        s.public_url = Some(public_url("http://lumit.test/").unwrap());
        assert_eq!(s.public_url.as_deref(), Some("http://lumit.test"));
        assert!(!s.secure_cookies());
        s.public_url = Some(public_url("https://lumit.test").unwrap());
        assert!(s.secure_cookies());
        for bad in ["lumit.test", "ftp://x", "https://", "https://a b"] {
            assert!(public_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn second_factor_roles() {
        assert_eq!(
            totp_required_roles(None).unwrap(),
            vec![Role::Admin, Role::Coordinator]
        );
        assert!(totp_required_roles(Some("none")).unwrap().is_empty());
        assert_eq!(
            totp_required_roles(Some(" Operator , mediator")).unwrap(),
            vec![Role::Operator, Role::Mediator]
        );
        assert!(totp_required_roles(Some("admin,boss")).is_err());
    }
}
