//! Harness for driving the real desktop app: starts `tauri-driver` (which starts
//! WebKitWebDriver, which starts the app) against a private data directory, and opens a
//! WebDriver session. Facts behind the set-up: shared/engineering/build-facts.md §5.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test harness: failing loudly is its job

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

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

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// A running app with its own data directory. Dropping it ends the session and the driver.
pub struct App {
    pub client: Client,
    pub data_dir: tempfile::TempDir,
    driver: Child,
}

impl App {
    /// Starts the app on a data directory prepared by `prepare` (e.g. cases imported through
    /// the core library, exactly as a user's earlier work would have left them).
    pub async fn start(port: u16, prepare: impl FnOnce(&Path)) -> App {
        let data_dir = tempfile::tempdir().expect("temp data dir");
        prepare(data_dir.path());
        let driver_bin = which("tauri-driver").expect("tauri-driver");
        let driver = Command::new(driver_bin)
            .args(["--port", &port.to_string(), "--native-port", &(port + 1).to_string()])
            .env("QUALKIT_DATA_DIR", data_dir.path())
            .env("QUALKIT_EXPORT_DIR", data_dir.path().join("exports"))
            .env("NO_AT_BRIDGE", "1")
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start tauri-driver");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not listen on {port}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut caps = serde_json::Map::new();
        caps.insert("tauri:options".into(), serde_json::json!({ "application": app_binary().display().to_string() }));
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("WebDriver session");
        App { client, data_dir, driver }
    }

    /// Waits for `css` to match an element whose text contains `text`.
    pub async fn wait_text(&self, css: &str, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(elements) = self.client.find_all(Locator::Css(css)).await {
                for e in elements {
                    if let Ok(t) = e.text().await
                        && t.contains(text)
                    {
                        return t;
                    }
                }
            }
            if Instant::now() > deadline {
                let _ = self.screenshot("timeout").await;
                panic!("no `{css}` containing {text:?} within 20 s");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the `<img>` matched by `css` has loaded; returns its natural width.
    pub async fn wait_image(&self, css: &str) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(60);
        let script = format!("const i = document.querySelector({css:?}); return i ? i.naturalWidth : 0;");
        loop {
            let width = self.client.execute(&script, Vec::new()).await.ok().and_then(|w| w.as_u64()).unwrap_or(0);
            if width > 0 {
                return width;
            }
            assert!(Instant::now() < deadline, "the image `{css}` did not load within 60 s");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Clicks the element `css` matches (waiting for it to appear).
    pub async fn click(&self, css: &str) {
        let element =
            self.client.wait().for_element(Locator::Css(css)).await.unwrap_or_else(|e| panic!("`{css}`: {e}"));
        element.click().await.unwrap_or_else(|e| panic!("click `{css}`: {e}"));
    }

    /// Types `text` into the input `css` matches, replacing what it held.
    pub async fn type_into(&self, css: &str, text: &str) {
        let element =
            self.client.wait().for_element(Locator::Css(css)).await.unwrap_or_else(|e| panic!("`{css}`: {e}"));
        element.clear().await.unwrap_or_else(|e| panic!("clear `{css}`: {e}"));
        element.send_keys(text).await.unwrap_or_else(|e| panic!("type into `{css}`: {e}"));
    }

    /// Goes to a step of the case wizard and waits until it shows.
    pub async fn step(&self, step: &str) {
        self.click(&format!("#step-{step}")).await;
        self.client
            .wait()
            .for_element(Locator::Css(&format!("#step-{step}.current")))
            .await
            .unwrap_or_else(|e| panic!("step {step}: {e}"));
    }

    /// The DOM text of the first element `css` matches, hidden or clipped parts included (the
    /// WebDriver text leaves out the small source lines).
    pub async fn text_content(&self, css: &str) -> String {
        let script = format!("const e = document.querySelector({css:?}); return e ? e.textContent : '';");
        let value = self.client.execute(&script, Vec::new()).await.unwrap_or_else(|e| panic!("`{css}`: {e}"));
        value.as_str().unwrap_or_default().to_string()
    }

    /// Waits until nothing matches `css`.
    pub async fn wait_gone(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.client.find_all(Locator::Css(css)).await.map(|v| v.is_empty()).unwrap_or(false) {
            assert!(Instant::now() < deadline, "`{css}` is still shown after 20 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let path = artifacts_dir().join(format!("{name}.png"));
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        self.stop_driver();
    }

    fn stop_driver(&mut self) {
        // SIGTERM lets tauri-driver stop WebKitWebDriver too; SIGKILL would orphan it.
        let _ = Command::new("kill").arg(self.driver.id().to_string()).status();
        let _ = self.driver.wait();
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if matches!(self.driver.try_wait(), Ok(None)) {
            self.stop_driver();
        }
    }
}
