//! Harness for driving the real desktop app: starts `tauri-driver` (which starts
//! WebKitWebDriver, which starts the app) against a private data directory, and opens a
//! WebDriver session. Facts behind the set-up: shared/engineering/build-facts.md §5.
//!
//! Nothing here can hang. Every WebDriver call is bounded by [`CALL_LIMIT`], every wait by
//! [`WAIT_LIMIT`] (or its own stated limit), and a whole test by [`within`]. A stuck app fails
//! the test with a screenshot and a message that says what never happened. Waits are for the
//! state a test then asserts (text shown, a value in the store, the page's check counter), never
//! for an element's absence alone.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test harness: failing loudly is its job

use std::fmt::Display;
use std::future::Future;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::error::NewSessionError;
use fantoccini::{Client, ClientBuilder, Locator};
use tokio::sync::{Mutex, MutexGuard};

/// How long one WebDriver call may take before the app counts as stuck. A call that takes this
/// long is not slowness: even with both cores busy the slowest calls here take a few seconds.
pub const CALL_LIMIT: Duration = Duration::from_secs(45);
/// How long a state may take to appear after the action that causes it.
pub const WAIT_LIMIT: Duration = Duration::from_secs(60);
/// How long the driver, WebKit and the app may take to open a session.
const START_LIMIT: Duration = Duration::from_secs(90);
/// How long a screenshot may take.
const SCREENSHOT_LIMIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(25);

/// One app at a time: two apps with their WebKit processes at once double the load on a
/// two-core machine and make each test's timing depend on the other's.
static ONE_APP: Mutex<()> = Mutex::const_new(());

/// Where screenshots of each step go; CI keeps the folder as test artifacts.
pub fn artifacts_dir() -> PathBuf {
    let dir = workspace_root().join("test-artifacts").join("e2e");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Why the end-to-end tests cannot run here, if they cannot. With `QUALKIT_E2E=1` (set by
/// `./dev.sh test`) a missing prerequisite is a failure rather than a skip.
pub fn unavailable() -> Option<String> {
    let app = app_binary();
    let reason = if std::env::var_os("DISPLAY").is_none() {
        Some("no DISPLAY (run under xvfb-run)".to_string())
    } else if !app.is_file() {
        Some(format!("{} is not built", app.display()))
    } else if which("tauri-driver").is_none() {
        Some("tauri-driver is not installed (cargo install tauri-driver --locked)".to_string())
    } else {
        None
    };
    if let Some(reason) = &reason {
        if std::env::var("QUALKIT_E2E").is_ok_and(|v| v == "1") {
            panic!("end-to-end tests required but cannot run: {reason}");
        }
        eprintln!("skipping end-to-end test: {reason}");
    }
    reason
}

/// Runs a whole test within `limit`: a test that loops or waits past it fails instead of
/// running CI into its own time limit.
pub async fn within<T>(limit: Duration, test: impl Future<Output = T>) -> T {
    match tokio::time::timeout(limit, test).await {
        Ok(value) => value,
        Err(_) => panic!("the test did not finish within {} s", limit.as_secs()),
    }
}

/// The app under test: `$QUALKIT_APP` (e.g. a release build for the benchmark), or the debug
/// build.
pub fn app_binary() -> PathBuf {
    if let Some(app) = std::env::var_os("QUALKIT_APP").filter(|a| !a.is_empty()) {
        return PathBuf::from(app);
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"));
    target.join("debug").join("qualkit-app")
}

/// The `qualkit` command-line tool built beside the app: a colleague's desktop in the tests.
pub fn cli_binary() -> PathBuf {
    app_binary().with_file_name("qualkit")
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// A port nobody listens on now. Fixed ports collide with a driver left over from a killed run.
fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0)).and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free local port")
}

/// tauri-driver on free ports for the app on `data_dir`, once it listens; panics past `deadline`.
async fn start_driver(data_dir: &Path, deadline: Instant) -> (Child, u16) {
    let port = free_port();
    // Two free ports asked one after the other may be the same one, released in between.
    let native_port = std::iter::repeat_with(free_port).find(|p| *p != port).unwrap_or(port + 1);
    let driver_bin = which("tauri-driver").expect("tauri-driver");
    let mut driver = Command::new(driver_bin)
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .env("QUALKIT_DATA_DIR", data_dir)
        .env("QUALKIT_EXPORT_DIR", data_dir.join("exports"))
        .env("NO_AT_BRIDGE", "1")
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start tauri-driver");
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline || !matches!(driver.try_wait(), Ok(None)) {
            stop(&mut driver);
            panic!("tauri-driver did not listen on {port} within {} s", START_LIMIT.as_secs());
        }
        tokio::time::sleep(POLL).await;
    }
    (driver, port)
}

/// A running app with its own data directory. Dropping it ends the session and the driver.
pub struct App {
    pub client: Client,
    pub data_dir: tempfile::TempDir,
    driver: Child,
    _one_app: MutexGuard<'static, ()>,
}

impl App {
    /// Starts the app on a data directory prepared by `prepare` (e.g. cases imported through
    /// the core library, exactly as a user's earlier work would have left them).
    pub async fn start(prepare: impl FnOnce(&Path)) -> App {
        let one_app = ONE_APP.lock().await;
        let data_dir = tempfile::tempdir().expect("temp data dir");
        prepare(data_dir.path());
        let deadline = Instant::now() + START_LIMIT;
        // A session request the driver drops before answering (seen once in a CI run:
        // "webdriver server did not respond (legacy client): SendRequest") created nothing, so it
        // is asked again of a new driver on new ports, until the start limit.
        let mut attempt = 1;
        loop {
            let (mut driver, port) = start_driver(data_dir.path(), deadline).await;
            let mut caps = serde_json::Map::new();
            caps.insert(
                "tauri:options".into(),
                serde_json::json!({ "application": app_binary().display().to_string() }),
            );
            let mut builder = ClientBuilder::native();
            builder.capabilities(caps);
            let url = format!("http://127.0.0.1:{port}");
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, builder.connect(&url)).await {
                Ok(Ok(client)) => return App { client, data_dir, driver, _one_app: one_app },
                Ok(Err(e @ (NewSessionError::Failed(_) | NewSessionError::FailedC(_) | NewSessionError::Lost(_))))
                    if Instant::now() < deadline =>
                {
                    eprintln!("qualkit-e2e: session request {attempt} not answered ({e}); asking a new driver");
                    stop(&mut driver);
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Ok(Err(e)) => {
                    stop(&mut driver);
                    panic!("no WebDriver session with the app: {e}");
                }
                Err(_) => {
                    stop(&mut driver);
                    panic!("the app did not open a WebDriver session within {} s", START_LIMIT.as_secs());
                }
            }
        }
    }

    /// Fails the test: a screenshot of what the app shows (if it still answers), then the panic.
    pub async fn fail(&self, why: impl Display) -> ! {
        let path = artifacts_dir().join("failure.png");
        let shot = match capture_screen(&path).await {
            Ok(()) => format!("screenshot: {}", path.display()),
            Err(e) => format!("no screenshot: {e}"),
        };
        panic!("{why} ({shot})");
    }

    /// One WebDriver call, bounded by [`CALL_LIMIT`]; an error or a stuck app fails the test.
    async fn call<T, E: Display>(&self, what: impl Display, call: impl Future<Output = Result<T, E>>) -> T {
        match tokio::time::timeout(CALL_LIMIT, call).await {
            Ok(Ok(value)) => value,
            Ok(Err(e)) => self.fail(format!("{what}: {e}")).await,
            Err(_) => self.fail(format!("{what}: no answer from the app within {} s", CALL_LIMIT.as_secs())).await,
        }
    }

    /// Polls `check` until it gives a value, for at most `limit`; then fails saying `what`
    /// never happened.
    pub async fn wait_for<T>(
        &self,
        what: impl Display,
        limit: Duration,
        mut check: impl AsyncFnMut() -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(value) = check().await {
                return value;
            }
            if Instant::now() > deadline {
                self.fail(format!("{what}: not within {} s", limit.as_secs())).await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Polls the app's store (the one its data folder is set to use, the team store once the
    /// settings name one, opened as the CLI would) until `check` gives a value: the state a save
    /// should have reached.
    pub async fn wait_store<T>(&self, what: impl Display, mut check: impl FnMut(&qualkit::Store) -> Option<T>) -> T {
        let dir = self.data_dir.path().to_path_buf();
        self.wait_for(format!("in the store: {what}"), WAIT_LIMIT, async || {
            // The team store's client blocks on a runtime of its own, which tokio allows only
            // off its worker threads' async context.
            tokio::task::block_in_place(|| qualkit::Store::open_configured(&dir).ok().and_then(|store| check(&store)))
        })
        .await
    }

    /// The elements `css` matches now (none is an answer, not an error).
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.call(format!("find `{css}`"), self.client.find_all(Locator::Css(css))).await
    }

    /// Waits for `css` to match an element and returns it.
    pub async fn find(&self, css: &str) -> Element {
        self.wait_for(format!("an element `{css}`"), WAIT_LIMIT, async || self.find_all(css).await.into_iter().next())
            .await
    }

    /// Waits for `css` to match an element whose text contains `text`; returns that text.
    pub async fn wait_text(&self, css: &str, text: &str) -> String {
        self.wait_text_within(css, text, WAIT_LIMIT).await
    }

    /// [`App::wait_text`] with its own limit, for slow work such as OCR on a loaded machine.
    pub async fn wait_text_within(&self, css: &str, text: &str, limit: Duration) -> String {
        let element = self
            .wait_for(format!("`{css}` containing {text:?}"), limit, async || self.with_text(css, text).await)
            .await;
        element.1
    }

    /// The first element `css` matches whose text contains `text`, with that text. An element
    /// replaced between the find and the read is stale and skipped: the next poll looks again.
    async fn with_text(&self, css: &str, text: &str) -> Option<(Element, String)> {
        for element in self.find_all(css).await {
            if let Ok(Ok(t)) = tokio::time::timeout(CALL_LIMIT, element.text()).await
                && t.contains(text)
            {
                return Some((element, t));
            }
        }
        None
    }

    /// Runs `script` in the page and returns its value.
    pub async fn execute(&self, script: &str) -> serde_json::Value {
        self.call(format!("script {script:?}"), self.client.execute(script, Vec::new())).await
    }

    /// Scrolls the first element `css` matches into the middle of the window (for screenshots).
    pub async fn scroll_to(&self, css: &str) {
        self.execute(&format!("document.querySelector({css:?})?.scrollIntoView({{block: 'center'}})")).await;
    }

    /// Waits until the `<img>` matched by `css` has loaded; returns its natural width.
    pub async fn wait_image(&self, css: &str) -> u64 {
        let script = format!("const i = document.querySelector({css:?}); return i ? i.naturalWidth : 0;");
        self.wait_for(format!("the image `{css}` loaded"), WAIT_LIMIT, async || {
            self.execute(&script).await.as_u64().filter(|w| *w > 0)
        })
        .await
    }

    /// Clicks the element `css` matches (waiting for it to appear).
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.call(format!("click `{css}`"), element.click()).await;
    }

    /// Clicks the element matched by `css` whose text contains `text` (waiting for it).
    pub async fn click_text(&self, css: &str, text: &str) {
        let (element, _) = self
            .wait_for(format!("`{css}` containing {text:?}"), WAIT_LIMIT, async || self.with_text(css, text).await)
            .await;
        self.call(format!("click `{css}` containing {text:?}"), element.click()).await;
    }

    /// Types `text` into the input `css` matches, replacing what it held.
    pub async fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.call(format!("clear `{css}`"), element.clear()).await;
        self.call(format!("type into `{css}`"), element.send_keys(text)).await;
    }

    /// Chooses the option `value` of the `<select>` `css` matches.
    pub async fn select(&self, css: &str, value: &str) {
        let element = self.find(css).await;
        self.call(format!("select {value:?} in `{css}`"), element.select_by_value(value)).await;
    }

    /// How many times the page has loaded and checked the open case (`data-checks`).
    pub async fn checks(&self) -> u64 {
        let script = "return Number(document.getElementById('detail')?.dataset.checks ?? 0);";
        self.execute(script).await.as_u64().unwrap_or(0)
    }

    /// Clicks `css` and waits until the page has checked the case again since: what the click
    /// saved or fixed is then in the store and in every panel that shows the checks.
    pub async fn click_and_recheck(&self, css: &str) {
        let before = self.checks().await;
        self.click(css).await;
        self.wait_for(format!("the case checked again after clicking `{css}`"), WAIT_LIMIT, async || {
            (self.checks().await > before).then_some(())
        })
        .await;
    }

    /// How many elements `css` matches now.
    pub async fn count(&self, css: &str) -> usize {
        self.find_all(css).await.len()
    }

    /// Goes to a step of the case wizard and waits until it shows.
    pub async fn step(&self, step: &str) {
        self.click(&format!("#step-{step}")).await;
        self.find(&format!("#step-{step}.current")).await;
    }

    /// The DOM text of the first element `css` matches, hidden or clipped parts included (the
    /// WebDriver text leaves out the small source lines).
    pub async fn text_content(&self, css: &str) -> String {
        let script = format!("const e = document.querySelector({css:?}); return e ? e.textContent : '';");
        self.execute(&script).await.as_str().unwrap_or_default().to_string()
    }

    /// The value of the form field `css` matches, once there is one.
    pub async fn value_of(&self, css: &str) -> String {
        let element = self.find(css).await;
        self.call(format!("the value of `{css}`"), element.prop("value")).await.unwrap_or_default()
    }

    /// Waits for the form field `css` to hold `value` (a form reloaded, say).
    pub async fn wait_value(&self, css: &str, value: &str) {
        self.wait_for(format!("`{css}` holding {value:?}"), WAIT_LIMIT, async || {
            (self.value_of(css).await == value).then_some(())
        })
        .await;
    }

    /// Saves a screenshot of the display for people to look at. It is an artifact, not an
    /// assertion: one that fails is reported and the test goes on.
    pub async fn screenshot(&self, name: &str) {
        // A few frames' time for the page to draw what the test last waited for. (Waiting for
        // a frame from the page would be the very wait that can hang, see `capture_screen`.)
        tokio::time::sleep(Duration::from_millis(150)).await;
        let path = artifacts_dir().join(format!("{name}.png"));
        if let Err(e) = capture_screen(&path).await {
            eprintln!("screenshot {name}: {e}");
        }
    }

    pub async fn close(mut self) {
        let _ = tokio::time::timeout(CALL_LIMIT, self.client.clone().close()).await;
        stop(&mut self.driver);
    }
}

/// Saves the X display (`$DISPLAY`, the app under Xvfb) as a PNG. Taken from the X server, not
/// over WebDriver: WebKitGTK's WebDriver screenshot waits for the page's next repaint, and on a
/// machine with both cores busy that wait sometimes never ended, leaving every later call of the
/// session queued behind it (every process idle, the test hung).
async fn capture_screen(path: &Path) -> Result<(), String> {
    let path = path.to_path_buf();
    let capture = tokio::task::spawn_blocking(move || -> Result<(), String> {
        use x11rb::connection::Connection;
        use x11rb::protocol::xproto::{ConnectionExt, ImageFormat};
        let (conn, screen) = x11rb::connect(None).map_err(|e| e.to_string())?;
        let root = conn.setup().roots.get(screen).ok_or("no X screen")?;
        let (w, h) = (root.width_in_pixels, root.height_in_pixels);
        let image = conn
            .get_image(ImageFormat::Z_PIXMAP, root.root, 0, 0, w, h, !0)
            .map_err(|e| e.to_string())?
            .reply()
            .map_err(|e| e.to_string())?;
        // Xvfb's 24-bit screens hold 32 bits a pixel, blue first (little-endian 0x00RRGGBB).
        let pixels: Vec<u8> = image
            .data
            .chunks_exact(4)
            .flat_map(|p| match *p {
                [b, g, r, _] => [r, g, b],
                _ => [0; 3],
            })
            .collect();
        let rgb = image::RgbImage::from_raw(u32::from(w), u32::from(h), pixels).ok_or("an X image of another depth")?;
        rgb.save(&path).map_err(|e| e.to_string())
    });
    match tokio::time::timeout(SCREENSHOT_LIMIT, capture).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("the X server did not answer within {} s", SCREENSHOT_LIMIT.as_secs())),
    }
}

/// Stops tauri-driver. SIGTERM lets it stop WebKitWebDriver too (SIGKILL would orphan it); one
/// that does not stop within a few seconds is killed.
fn stop(driver: &mut Child) {
    let _ = Command::new("kill").arg(driver.id().to_string()).status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while matches!(driver.try_wait(), Ok(None)) {
        if Instant::now() > deadline {
            let _ = driver.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = driver.wait();
}

impl Drop for App {
    fn drop(&mut self) {
        if matches!(self.driver.try_wait(), Ok(None)) {
            stop(&mut self.driver);
        }
    }
}
