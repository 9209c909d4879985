//! A small W3C WebDriver client over reqwest JSON, enough to drive headless Chromium through
//! ChromeDriver in tests: start ChromeDriver, open a session, navigate, find elements, type,
//! click, read text, run a script, press keys.
//!
//! Failures panic with what WebDriver answered, since this only runs inside tests. Both guards
//! clean up on drop, panics included: a [`Session`] closes its browser, a [`ChromeDriver`] kills
//! its process group (ChromeDriver and any Chromium it left behind) and removes its temporary
//! directory.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::Method;
use serde_json::{Value, json};

/// The key of a web element reference in WebDriver JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long ChromeDriver may take to say it is ready.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest any one WebDriver command may take (page loads included).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// The Tab key, as WebDriver spells it.
pub const TAB: char = '\u{E004}';

/// An error answer of a WebDriver command.
#[derive(Debug)]
pub struct WebDriverError {
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// The WebDriver error code (`no such element`, ...), or `transport`.
    pub error: String,
    /// What ChromeDriver said.
    pub message: String,
}

impl std::fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            Some(s) => write!(f, "{} (HTTP {s}): {}", self.error, self.message),
            None => write!(f, "{}: {}", self.error, self.message),
        }
    }
}

/// A ChromeDriver process on a free port of 127.0.0.1, killed (with its process group) on drop.
pub struct ChromeDriver {
    child: Child,
    /// Set once the child was waited for: its id may then belong to another process.
    reaped: bool,
    port: u16,
    base: String,
    dir: PathBuf,
    http: reqwest::Client,
}

impl ChromeDriver {
    /// Starts `chromedriver --port=P` and waits until `GET /status` says it is ready.
    pub async fn start(chromedriver: &Path) -> ChromeDriver {
        let dir = temp_dir();
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(COMMAND_TIMEOUT)
            .build()
            .expect("an HTTP client for WebDriver");
        let mut last_failure = String::new();
        // The free port is found by binding and releasing it; another process may take it in
        // between, so a ChromeDriver that exits at once is started again on another port.
        for _ in 0..3 {
            let port = free_port();
            let log = dir.join(format!("chromedriver-{port}.log"));
            let child = Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                // Its own process group, so that Chromium is killed with it if it must be.
                .process_group(0)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
            let mut driver = ChromeDriver {
                child,
                reaped: false,
                port,
                base: format!("http://127.0.0.1:{port}"),
                dir: dir.clone(),
                http: http.clone(),
            };
            match driver.wait_ready().await {
                Ok(()) => return driver,
                Err(why) => {
                    let log = std::fs::read_to_string(&log).unwrap_or_default();
                    last_failure = format!("{why}\n--- chromedriver log ---\n{log}");
                    // Dropping `driver` kills it; keep the directory for the next try.
                    driver.dir = PathBuf::new();
                }
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        panic!(
            "ChromeDriver ({}) did not become ready: {last_failure}",
            chromedriver.display()
        );
    }

    async fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.reaped = true;
                return Err(format!("chromedriver exited at start ({status})"));
            }
            let answer = self
                .http
                .get(format!("{}/status", self.base))
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            if let Ok(r) = answer
                && let Ok(body) = r.json::<Value>().await
                && body.pointer("/value/ready") == Some(&Value::Bool(true))
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("GET /status not ready after {READY_TIMEOUT:?}"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Opens a headless Chromium session with a fresh profile.
    pub async fn new_session(&self, chromium: &Path) -> Session<'_> {
        static PROFILES: AtomicUsize = AtomicUsize::new(0);
        let profile = self.dir.join(format!(
            "profile-{}",
            PROFILES.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&profile).expect("a Chromium profile directory");
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "timeouts": {"implicit": 0, "pageLoad": 30_000, "script": 10_000},
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        }}});
        let value = send(
            &self.http,
            &self.base,
            Method::POST,
            "/session",
            Some(capabilities),
        )
        .await
        .unwrap_or_else(|e| {
            panic!(
                "cannot open a Chromium session ({}): {e}",
                chromium.display()
            )
        });
        let id = value["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("POST /session answered without a sessionId: {value}"))
            .to_string();
        Session {
            driver: self,
            id,
            open: true,
        }
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // Until it is waited for, its id (and so its process group's) cannot be reused.
        if !self.reaped {
            // The whole group: ChromeDriver, and any Chromium a failed session left running.
            let _ = Command::new("sh")
                .args(["-c", r#"kill -KILL -- "-$1" 2>/dev/null"#, "sh"])
                .arg(self.child.id().to_string())
                .status();
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if !self.dir.as_os_str().is_empty() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// One browser session; closed on drop if [`quit`](Self::quit) was not called.
pub struct Session<'d> {
    driver: &'d ChromeDriver,
    id: String,
    open: bool,
}

impl Session<'_> {
    async fn command(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, WebDriverError> {
        let path = format!("/session/{}{path}", self.id);
        send(&self.driver.http, &self.driver.base, method, &path, body).await
    }

    async fn must(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let what = format!("{method} {path}");
        self.command(method, path, body)
            .await
            .unwrap_or_else(|e| panic!("WebDriver {what} failed: {e}"))
    }

    /// Navigates to `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.must(Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    /// The browser's Back button.
    pub async fn back(&self) {
        self.must(Method::POST, "/back", Some(json!({}))).await;
    }

    /// The URL of the current page.
    pub async fn current_url(&self) -> String {
        string(self.must(Method::GET, "/url", None).await)
    }

    /// The title of the current page.
    pub async fn title(&self) -> String {
        string(self.must(Method::GET, "/title", None).await)
    }

    /// The HTML of the current page.
    pub async fn source(&self) -> String {
        string(self.must(Method::GET, "/source", None).await)
    }

    /// Polls until the current URL is `expected`; panics with the page after `timeout`.
    pub async fn wait_for_url(&self, expected: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let url = self.current_url().await;
            if url == expected {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "the browser is at {url}, expected {expected} within {timeout:?}; the page:\n{}",
                    self.source().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The first element matching the CSS selector, or `None`.
    pub async fn try_find(&self, css: &str) -> Option<Element<'_>> {
        let query = json!({"using": "css selector", "value": css});
        match self.command(Method::POST, "/element", Some(query)).await {
            Ok(value) => Some(self.element(&value)),
            Err(e) if e.error == "no such element" => None,
            Err(e) => panic!("WebDriver: finding {css:?} failed: {e}"),
        }
    }

    /// Polls until an element matches the CSS selector (e.g. on a page a click is loading);
    /// panics with the page after `timeout`.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Element<'_> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(element) = self.try_find(css).await {
                return element;
            }
            if Instant::now() > deadline {
                panic!(
                    "no element matches {css:?} after {timeout:?}; the page:\n{}",
                    self.source().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The first element matching the CSS selector; panics (with the page) if there is none.
    pub async fn find(&self, css: &str) -> Element<'_> {
        match self.try_find(css).await {
            Some(element) => element,
            None => panic!(
                "no element matches {css:?} on this page:\n{}",
                self.source().await
            ),
        }
    }

    fn element(&self, value: &Value) -> Element<'_> {
        let id = value[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("not a web element reference: {value}"))
            .to_string();
        Element { session: self, id }
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns what it returns.
    pub async fn execute(&self, script: &str, args: Value) -> Value {
        let body = json!({"script": script, "args": args});
        self.must(Method::POST, "/execute/sync", Some(body)).await
    }

    /// Presses and releases one key (e.g. [`TAB`]) on whatever has the focus.
    pub async fn press_key(&self, key: char) {
        let key = key.to_string();
        let actions = json!({"actions": [{
            "type": "key",
            "id": "keyboard",
            "actions": [{"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}],
        }]});
        self.must(Method::POST, "/actions", Some(actions)).await;
    }

    /// Closes the browser (`DELETE /session/{id}`).
    pub async fn quit(mut self) {
        self.open = false;
        self.must(Method::DELETE, "", None).await;
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        if self.open {
            // A test failed half-way: close Chromium before ChromeDriver is killed. Drop cannot
            // await, so this is a blocking HTTP/1.1 request on a plain socket.
            delete_session_blocking(self.driver.port, &self.id);
        }
    }
}

/// An element of the current page.
pub struct Element<'s> {
    session: &'s Session<'s>,
    id: String,
}

impl Element<'_> {
    fn path(&self, rest: &str) -> String {
        format!("/element/{}{rest}", self.id)
    }

    /// Types `text` into it (after what it already holds).
    pub async fn send_keys(&self, text: &str) {
        let body = json!({"text": text});
        self.session
            .must(Method::POST, &self.path("/value"), Some(body))
            .await;
    }

    /// Clicks it (scrolling it into view first).
    pub async fn click(&self) {
        self.session
            .must(Method::POST, &self.path("/click"), Some(json!({})))
            .await;
    }

    /// Its rendered text.
    pub async fn text(&self) -> String {
        string(
            self.session
                .must(Method::GET, &self.path("/text"), None)
                .await,
        )
    }

    /// An attribute as written in the HTML, or `None`.
    pub async fn attribute(&self, name: &str) -> Option<String> {
        let path = self.path(&format!("/attribute/{name}"));
        self.session
            .must(Method::GET, &path, None)
            .await
            .as_str()
            .map(str::to_string)
    }

    /// The current value of an input (what the user typed).
    pub async fn value(&self) -> String {
        string(
            self.session
                .must(Method::GET, &self.path("/property/value"), None)
                .await,
        )
    }
}

/// Sends one command and unwraps WebDriver's `{"value": ...}` envelope.
async fn send(
    http: &reqwest::Client,
    base: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Result<Value, WebDriverError> {
    let mut request = http.request(method, format!("{base}{path}"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let transport = |e: reqwest::Error| WebDriverError {
        status: None,
        error: "transport".into(),
        message: e.to_string(),
    };
    let response = request.send().await.map_err(transport)?;
    let status = response.status();
    let mut envelope: Value = response.json().await.map_err(transport)?;
    let value = envelope["value"].take();
    if status.is_success() {
        return Ok(value);
    }
    let field = |name: &str| value[name].as_str().unwrap_or_default().to_string();
    Err(WebDriverError {
        status: Some(status.as_u16()),
        error: field("error"),
        message: field("message"),
    })
}

fn string(value: Value) -> String {
    match value {
        Value::String(s) => s,
        other => panic!("WebDriver answered {other}, expected a string"),
    }
}

/// `DELETE /session/{id}` without an async runtime, for `Drop`. Best effort.
fn delete_session_blocking(port: u16, id: &str) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
        return;
    };
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let _ = stream.set_read_timeout(Some(Duration::from_secs(15)));
    let request = format!(
        "DELETE /session/{id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_ok() {
        // ChromeDriver answers once Chromium has quit; it may keep the connection open, so
        // wait for the start of the answer rather than for the end of the stream.
        let mut answer = [0u8; 512];
        let _ = stream.read(&mut answer);
    }
}

/// A port of 127.0.0.1 that was free a moment ago.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// A new, empty directory under the system's temporary directory.
fn temp_dir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!(
        "po-hpp-browser-{}-{}-{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("a temporary directory for the browser");
    dir
}
