//! The real `lumit` binary as a child process, and the few calls the fault tests make to it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

/// The first admin's password in these tests.
pub const ADMIN_PASSWORD: &str = "reliability admin password 1";

/// A running `lumit serve`.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    data_dir: PathBuf,
    /// HTTP client with short timeouts: a fault must never hang a test.
    pub http: reqwest::Client,
}

/// A free port on loopback (bound then released; the server binds it right after).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl Server {
    /// Starts the server on `database_url` with its secrets in `data_dir`, and waits until it is
    /// ready.
    pub async fn start(database_url: &str, data_dir: &Path, env: &[(&str, &str)]) -> Server {
        let port = free_port();
        std::fs::create_dir_all(data_dir).expect("data folder");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(data_dir.join("server.log"))
            .expect("server log");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lumit"));
        cmd.arg("serve")
            .env("LUMIT_DATABASE_URL", database_url)
            .env("LUMIT_BIND", format!("127.0.0.1:{port}"))
            .env("LUMIT_DATA_DIR", data_dir)
            .env(
                "LUMIT_JWT_SECRET",
                "reliability tests secret, 32+ characters",
            )
            // The deployment's key, as a restore onto a new machine must bring it along.
            .env(
                "LUMIT_AUDIT_KEY",
                "reliability tests audit key, 32+ characters",
            )
            .env("LUMIT_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("LUMIT_WEB_DIR", data_dir.join("no-web"))
            .env("LUMIT_LOG", "warn")
            .env("LUMIT_TOTP_REQUIRED_ROLES", "none")
            .env("LUMIT_DB_POOL_SIZE", "4")
            // Eight writers as one account, as fast as the database lets them: far past a desk's
            // request budget, which these tests are not about.
            .env("LUMIT_RATE_LIMIT_USER", "1000000")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("start lumit");
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            data_dir: data_dir.to_owned(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .expect("client"),
        };
        server.wait_ready(Duration::from_secs(90)).await;
        server
    }

    /// Waits for `/readyz` to answer 200.
    pub async fn wait_ready(&self, within: Duration) {
        let started = Instant::now();
        loop {
            if let Ok(res) = self.http.get(format!("{}/readyz", self.base)).send().await {
                if res.status() == StatusCode::OK {
                    return;
                }
            }
            assert!(
                started.elapsed() < within,
                "server not ready within {within:?}; log:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// What the server logged.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data_dir.join("server.log")).unwrap_or_default()
    }

    /// `kill -9`: no chance to finish anything.
    pub fn kill9(&mut self) {
        self.child.kill().expect("kill -9");
        self.child.wait().expect("reaped");
    }

    /// SIGTERM, then waits for the process to exit (at most `within`).
    pub fn terminate(&mut self, within: Duration) -> ExitStatus {
        let pid = self.child.id().to_string();
        let ok = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill -TERM");
        assert!(ok.success());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                started.elapsed() < within,
                "still running {within:?} after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A request; `None` when no answer came (connection refused or reset, timeout).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Option<(StatusCode, reqwest::header::HeaderMap, Value)> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.ok()?;
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.ok()?;
        Some((
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::Null),
        ))
    }

    /// Logs in; `None` unless 200.
    pub async fn login(&self, username: &str, password: &str) -> Option<String> {
        let (status, _, body) = self
            .call(
                reqwest::Method::POST,
                "/api/v1/auth/login",
                None,
                Some(&json!({"username": username, "password": password})),
            )
            .await?;
        (status == StatusCode::OK).then(|| body["access_token"].as_str().map(str::to_owned))?
    }

    /// The admin's token.
    pub async fn admin(&self) -> String {
        self.login("admin", ADMIN_PASSWORD)
            .await
            .expect("admin login")
    }

    /// A POST that must answer 201; returns the body.
    pub async fn create(&self, token: &str, path: &str, body: Value) -> Value {
        let (status, _, answer) = self
            .call(reqwest::Method::POST, path, Some(token), Some(&body))
            .await
            .expect("an answer");
        assert_eq!(status, StatusCode::CREATED, "POST {path}: {answer}");
        answer
    }

    /// The id of a municipality by ISTAT code.
    pub async fn municipality(&self, token: &str, istat: &str) -> String {
        let (_, _, list) = self
            .call(
                reqwest::Method::GET,
                "/api/v1/municipalities?limit=200",
                Some(token),
                None,
            )
            .await
            .expect("municipalities");
        list["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|m| m["istat_code"] == istat)
            .and_then(|m| m["id"].as_str())
            .expect("the municipality")
            .to_owned()
    }

    /// A person and `n` cases of hers at Gallicano; returns the case ids.
    pub async fn cases(&self, token: &str, n: usize) -> Vec<String> {
        let gallicano = self.municipality(token, "046015").await;
        let person = self
            .create(
                token,
                "/api/v1/people",
                json!({"first_name": "Amina", "last_name": "Diallo", "birth_date": "1990-05-04",
                       "sex": "F", "citizenship": "SN", "municipality_id": gallicano}),
            )
            .await;
        let mut ids = Vec::new();
        for i in 0..n {
            let case = self
                .create(
                    token,
                    "/api/v1/cases",
                    json!({"person_id": person["id"], "municipality_id": gallicano,
                           "category_id": "residence_permit", "summary": format!("Rinnovo {i}")}),
                )
                .await;
            ids.push(case["id"].as_str().expect("case id").to_owned());
        }
        ids
    }

    /// The audit chain verifies from the first row to the last.
    pub async fn assert_audit_verifies(&self, token: &str) -> i64 {
        let (status, _, v) = self
            .call(
                reqwest::Method::GET,
                "/api/v1/audit/verify",
                Some(token),
                None,
            )
            .await
            .expect("verify answers");
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["ok"], true, "audit chain: {v}");
        v["rows_checked"].as_i64().expect("rows checked")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Note writers: `writers` tasks add notes to `cases` (one each, round robin) until `stop`;
/// every answer's status is counted, and the id of every acknowledged (201) note is kept.
pub struct Writers {
    handles: Vec<tokio::task::JoinHandle<Outcome>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// What the writers saw.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Ids of notes answered 201.
    pub acknowledged: Vec<String>,
    /// Answers by status.
    pub statuses: std::collections::BTreeMap<u16, usize>,
    /// Requests without an answer (connection refused or reset).
    pub no_answer: usize,
    /// Each 503 carried `Retry-After` and problem+json.
    pub unavailable_well_formed: bool,
}

impl Writers {
    /// Starts them.
    pub fn start(server: &Server, token: &str, cases: &[String], writers: usize) -> Writers {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let handles = (0..writers)
            .map(|w| {
                let (base, http, token, stop) = (
                    server.base.clone(),
                    server.http.clone(),
                    token.to_owned(),
                    stop.clone(),
                );
                let case = cases[w % cases.len()].clone();
                tokio::spawn(async move {
                    let mut out = Outcome {
                        unavailable_well_formed: true,
                        ..Outcome::default()
                    };
                    let mut n = 0;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        n += 1;
                        let res = http
                            .post(format!("{base}/api/v1/cases/{case}/events"))
                            .bearer_auth(&token)
                            .json(&json!({"kind": "note", "note": format!("writer {w} note {n}")}))
                            .send()
                            .await;
                        let Ok(res) = res else {
                            out.no_answer += 1;
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        };
                        let status = res.status().as_u16();
                        *out.statuses.entry(status).or_default() += 1;
                        if status == 503 {
                            let retry = res.headers().contains_key("retry-after");
                            let problem = res.headers().get("content-type").is_some_and(|v| {
                                v.as_bytes().starts_with(b"application/problem+json")
                            });
                            out.unavailable_well_formed &= retry && problem;
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                        if status == 201 {
                            if let Ok(v) = res.json::<Value>().await {
                                if let Some(id) = v["id"].as_str() {
                                    out.acknowledged.push(id.to_owned());
                                }
                            }
                        }
                    }
                    out
                })
            })
            .collect();
        Writers { handles, stop }
    }

    /// Stops them and adds up what they saw.
    pub async fn stop(self) -> Outcome {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let mut all = Outcome {
            unavailable_well_formed: true,
            ..Outcome::default()
        };
        for h in self.handles {
            let o = h.await.expect("writer");
            all.acknowledged.extend(o.acknowledged);
            for (s, n) in o.statuses {
                *all.statuses.entry(s).or_default() += n;
            }
            all.no_answer += o.no_answer;
            all.unavailable_well_formed &= o.unavailable_well_formed;
        }
        all
    }
}

/// The ids of every entry on the cases' timelines, read back through the API.
pub async fn notes_on(
    server: &Server,
    token: &str,
    cases: &[String],
) -> std::collections::HashSet<String> {
    let mut ids = std::collections::HashSet::new();
    for case in cases {
        let path = format!("/api/v1/cases/{case}/events");
        let (status, _, timeline) = server
            .call(reqwest::Method::GET, &path, Some(token), None)
            .await
            .expect("timeline");
        assert_eq!(status, StatusCode::OK, "{timeline}");
        for e in timeline.as_array().expect("a timeline") {
            if let Some(id) = e["id"].as_str() {
                ids.insert(id.to_owned());
            }
        }
    }
    ids
}
