//! A webhook receiver for tests: a small HTTP/1.1 server on loopback that keeps every request
//! it gets (headers and body, when it came) and answers from a script: the next scripted reply,
//! or the standing one (200 unless changed), each after an optional delay.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// How the receiver answers one request.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    delay: Duration,
    headers: Vec<(String, String)>,
}

impl Reply {
    /// An answer with this status, at once.
    pub fn status(status: u16) -> Self {
        Self {
            status,
            delay: Duration::ZERO,
            headers: Vec::new(),
        }
    }

    /// Answered only after `delay`.
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// With a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A request the receiver got.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Headers, names in lower case.
    pub headers: HashMap<String, String>,
    /// The body as sent.
    pub body: String,
    /// When it arrived.
    pub at: Instant,
}

impl Hit {
    /// A header's value ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or("")
    }

    /// `webhook-id`.
    pub fn id(&self) -> &str {
        self.header("webhook-id")
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

/// The receiver: where it listens, what it got, how it will answer.
#[derive(Clone)]
pub struct Receiver {
    /// Its port on 127.0.0.1.
    pub port: u16,
    hits: Arc<Mutex<Vec<Hit>>>,
    script: Arc<Mutex<VecDeque<Reply>>>,
    standing: Arc<Mutex<Reply>>,
}

impl Receiver {
    /// Listens on a free port of 127.0.0.1.
    pub async fn start() -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind the receiver");
        let r = Self {
            port: listener.local_addr().unwrap().port(),
            hits: Arc::default(),
            script: Arc::default(),
            standing: Arc::new(Mutex::new(Reply::status(200))),
        };
        let served = r.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let served = served.clone();
                tokio::spawn(async move {
                    let _ = served.serve(socket).await;
                });
            }
        });
        r
    }

    /// `http://127.0.0.1:<port>/hook`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    /// Answers the next request (after those scripted before) so.
    pub fn then(&self, reply: Reply) {
        self.script.lock().unwrap().push_back(reply);
    }

    /// Answers every unscripted request so.
    pub fn always(&self, reply: Reply) {
        *self.standing.lock().unwrap() = reply;
    }

    /// The requests so far.
    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// Waits (up to `secs`) for `n` requests, and returns those there are.
    pub async fn wait_for(&self, n: usize, secs: u64) -> Vec<Hit> {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let got = self.hits();
            if got.len() >= n || Instant::now() > end {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn serve(&self, socket: TcpStream) -> std::io::Result<()> {
        let mut reader = BufReader::new(socket);
        let mut line = String::new();
        reader.read_line(&mut line).await?;
        if !line.starts_with("POST ") {
            return Ok(());
        }
        let mut headers = HashMap::new();
        loop {
            line.clear();
            reader.read_line(&mut line).await?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
            }
        }
        let length: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).await?;
        self.hits.lock().unwrap().push(Hit {
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
            at: Instant::now(),
        });
        let reply = self
            .script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| self.standing.lock().unwrap().clone());
        tokio::time::sleep(reply.delay).await;
        let mut out = format!(
            "HTTP/1.1 {} Scripted\r\ncontent-length: 0\r\nconnection: close\r\n",
            reply.status
        );
        for (k, v) in &reply.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        let mut socket = reader.into_inner();
        socket.write_all(out.as_bytes()).await?;
        socket.shutdown().await
    }
}
