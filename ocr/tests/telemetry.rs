//! ONNX Runtime is never started with its telemetry on: a process without
//! `ORT_DISABLE_TELEMETRY=1` from its start reads with rten, and asking for ONNX Runtime by name
//! is an error that says why. Run in a child process started without the variable (cargo sets
//! it for every test, .cargo/config.toml), since ONNX Runtime loads once per process.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use qualkit_ocr::models::{
    DETECTION_FILE, ONNXRUNTIME_FILE, RECOGNITION_FILE, RUNTIME_ENV, Runtime, TELEMETRY_OFF_ENV,
};
use qualkit_ocr::{Error, Models};

const CHILD: &str = "QUALKIT_TELEMETRY_TEST_CHILD";

#[test]
fn without_telemetry_turned_off_onnx_runtime_is_not_started() {
    let installed = Models::search_path().into_iter().find(|d| {
        d.join(DETECTION_FILE).is_file() && d.join(RECOGNITION_FILE).is_file() && d.join(ONNXRUNTIME_FILE).is_file()
    });
    let Some(installed) = installed else {
        assert!(
            !std::env::var("QUALKIT_REQUIRE_MODELS").is_ok_and(|v| v == "1"),
            "no models or ONNX Runtime installed"
        );
        return eprintln!("skipping: no models or ONNX Runtime installed");
    };
    if std::env::var_os(CHILD).is_none() {
        let status = std::process::Command::new(std::env::current_exe().expect("this test"))
            .args(["--exact", "without_telemetry_turned_off_onnx_runtime_is_not_started", "--nocapture"])
            .env(CHILD, "1")
            .env_remove(TELEMETRY_OFF_ENV)
            .env_remove(RUNTIME_ENV)
            .status()
            .expect("run the child");
        assert!(status.success(), "the child process failed");
        return;
    }
    assert!(std::env::var_os(TELEMETRY_OFF_ENV).is_none());
    let models = Models::load(&installed).expect("rten reads instead");
    assert_eq!(models.runtime(), Runtime::Rten);
    match Models::load_in(&installed, Runtime::OnnxRuntime) {
        Err(Error::Model { reason, .. }) => assert!(reason.contains(TELEMETRY_OFF_ENV), "{reason}"),
        other => panic!("ONNX Runtime started with its telemetry on: {:?}", other.map(|m| m.runtime())),
    }
}
