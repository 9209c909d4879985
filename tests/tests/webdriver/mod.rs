//! Headless Chromium for the browser test: the W3C WebDriver protocol is fantoccini's; what is
//! here is what fantoccini leaves to its user: starting ChromeDriver (and cleaning up after it),
//! the Chromium session's capabilities, and helpers that fail a test with the page in hand.
//!
//! Failures panic with what WebDriver answered, since this only runs inside tests. Both guards
//! clean up on drop, panics included: a [`Session`] closes its browser, a [`ChromeDriver`] kills
//! its process group (ChromeDriver and any Chromium it left behind) and removes its temporary
//! directory.

use std::future::Future;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub use fantoccini::key::Key;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// How long ChromeDriver may take to say it is ready.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest any one WebDriver command may take (page loads included).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// A ChromeDriver process on a free port of 127.0.0.1, killed (with its process group) on drop.
pub struct ChromeDriver {
    child: Child,
    /// Set once the child was waited for: its id may then belong to another process.
    reaped: bool,
    port: u16,
    base: String,
    dir: PathBuf,
}

impl ChromeDriver {
    /// Starts `chromedriver --port=P` and waits until `GET /status` says it is ready.
    pub async fn start(chromedriver: &Path) -> ChromeDriver {
        let dir = temp_dir();
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

    /// Polls `GET /status` (not a session command, so not fantoccini's) until it says ready.
    async fn wait_ready(&mut self) -> Result<(), String> {
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("an HTTP client for ChromeDriver's status");
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.reaped = true;
                return Err(format!("chromedriver exited at start ({status})"));
            }
            let answer = http.get(format!("{}/status", self.base)).send().await;
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
        let capabilities = json!({
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
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("the capabilities are an object")
        };
        // Plain HTTP: ChromeDriver is on 127.0.0.1, so fantoccini is built without TLS.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let connect = async {
            ClientBuilder::new(connector)
                .capabilities(capabilities)
                .connect(&self.base)
                .await
        };
        let Ok(connected) = tokio::time::timeout(COMMAND_TIMEOUT, connect).await else {
            panic!("no Chromium session within {COMMAND_TIMEOUT:?}")
        };
        let client = connected.unwrap_or_else(|e| {
            panic!(
                "cannot open a Chromium session ({}): {e}",
                chromium.display()
            )
        });
        let id = must("the session id", client.session_id())
            .await
            .expect("a session has an id");
        Session {
            driver: self,
            client,
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

/// Runs one WebDriver command: its answer, or a panic naming `what` and WebDriver's error.
async fn must<T>(what: &str, command: impl Future<Output = Result<T, CmdError>>) -> T {
    let Ok(answer) = tokio::time::timeout(COMMAND_TIMEOUT, command).await else {
        panic!("WebDriver {what}: no answer within {COMMAND_TIMEOUT:?}")
    };
    answer.unwrap_or_else(|e| panic!("WebDriver {what} failed: {e}"))
}

/// One browser session; closed on drop if [`quit`](Self::quit) was not called.
pub struct Session<'d> {
    driver: &'d ChromeDriver,
    client: Client,
    id: String,
    open: bool,
}

impl Session<'_> {
    /// Navigates to `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        must(&format!("goto {url}"), self.client.goto(url)).await;
    }

    /// The browser's Back button.
    pub async fn back(&self) {
        must("back", self.client.back()).await;
    }

    /// The URL of the current page.
    pub async fn current_url(&self) -> String {
        must("current url", self.client.current_url())
            .await
            .to_string()
    }

    /// The title of the current page.
    pub async fn title(&self) -> String {
        must("title", self.client.title()).await
    }

    /// The HTML of the current page.
    pub async fn source(&self) -> String {
        must("source", self.client.source()).await
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
    pub async fn try_find(&self, css: &str) -> Option<Element> {
        let finding = self.client.find(Locator::Css(css));
        let Ok(found) = tokio::time::timeout(COMMAND_TIMEOUT, finding).await else {
            panic!("WebDriver: finding {css:?} took over {COMMAND_TIMEOUT:?}")
        };
        match found {
            Ok(element) => Some(Element(element)),
            Err(e) if e.is_no_such_element() => None,
            Err(e) => panic!("WebDriver: finding {css:?} failed: {e}"),
        }
    }

    /// Polls until an element matches the CSS selector (e.g. on a page a click is loading);
    /// panics with the page after `timeout`.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Element {
        let found = self
            .client
            .wait()
            .at_most(timeout)
            .every(Duration::from_millis(50))
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(element) => Element(element),
            Err(e) => panic!(
                "no element matches {css:?} after {timeout:?} ({e}); the page:\n{}",
                self.source().await
            ),
        }
    }

    /// The first element matching the CSS selector; panics (with the page) if there is none.
    pub async fn find(&self, css: &str) -> Element {
        match self.try_find(css).await {
            Some(element) => element,
            None => panic!(
                "no element matches {css:?} on this page:\n{}",
                self.source().await
            ),
        }
    }

    /// Runs `script` (a function body; `arguments` holds the items of the array `args`) and
    /// returns what it returns.
    pub async fn execute(&self, script: &str, args: Value) -> Value {
        let Value::Array(args) = args else {
            panic!("the arguments of a script are an array: {args}")
        };
        must("execute", self.client.execute(script, args)).await
    }

    /// Presses and releases one key (e.g. [`Key::Tab`]) on whatever has the focus.
    pub async fn press_key(&self, key: Key) {
        let value = char::from(key);
        let actions = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
        must("press a key", self.client.perform_actions(actions)).await;
    }

    /// Closes the browser (`DELETE /session/{id}`).
    pub async fn quit(mut self) {
        self.open = false;
        must("quit", self.client.clone().close()).await;
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        if self.open {
            // A test failed half-way: close Chromium before ChromeDriver is killed. Drop cannot
            // await, and fantoccini leaves the session open when its client is dropped, so
            // this is a blocking HTTP/1.1 request on a plain socket.
            delete_session_blocking(self.driver.port, &self.id);
        }
    }
}

/// An element of the current page.
pub struct Element(fantoccini::elements::Element);

impl Element {
    /// Types `text` into it (after what it already holds).
    pub async fn send_keys(&self, text: &str) {
        must("send keys", self.0.send_keys(text)).await;
    }

    /// Clicks it (scrolling it into view first).
    pub async fn click(&self) {
        must("click", self.0.click()).await;
    }

    /// Its rendered text.
    pub async fn text(&self) -> String {
        must("text", self.0.text()).await
    }

    /// An attribute as written in the HTML, or `None`.
    pub async fn attribute(&self, name: &str) -> Option<String> {
        must(&format!("attribute {name}"), self.0.attr(name)).await
    }

    /// The current value of an input (what the user typed).
    pub async fn value(&self) -> String {
        must("property value", self.0.prop("value"))
            .await
            .unwrap_or_else(|| panic!("the element has no value property"))
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
