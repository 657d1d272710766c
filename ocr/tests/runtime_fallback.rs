//! A broken ONNX Runtime library beside the models costs speed, never the reading: rten reads
//! instead. Its own test binary, since ONNX Runtime loads once per process.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use qualkit_ocr::models::{DETECTION_FILE, ONNXRUNTIME_FILE, RECOGNITION_FILE, RUNTIME_ENV, Runtime};
use qualkit_ocr::{Error, Models};

#[test]
fn a_broken_onnx_runtime_falls_back_to_rten_unless_it_was_asked_for() {
    // Found, not loaded: loading them would load the good library first, for the whole process.
    let installed = Models::search_path()
        .into_iter()
        .find(|d| d.join(DETECTION_FILE).is_file() && d.join(RECOGNITION_FILE).is_file());
    let Some(installed) = installed else {
        assert!(!std::env::var("QUALKIT_REQUIRE_MODELS").is_ok_and(|v| v == "1"), "no models installed");
        return eprintln!("skipping: no models installed");
    };
    let dir = tempfile::tempdir().expect("tmp");
    for file in [DETECTION_FILE, RECOGNITION_FILE] {
        std::fs::copy(installed.join(file), dir.path().join(file)).expect("copy the model");
    }
    std::fs::write(dir.path().join(ONNXRUNTIME_FILE), b"\x7fELF but not a library").expect("write");
    if std::env::var_os(RUNTIME_ENV).is_none() {
        let fallen_back = Models::load(dir.path()).expect("rten reads when the library is broken");
        assert_eq!(fallen_back.runtime(), Runtime::Rten);
    }
    match Models::load_in(dir.path(), Runtime::OnnxRuntime) {
        Err(Error::Model { path, reason }) => {
            assert!(path.ends_with(DETECTION_FILE), "{}", path.display());
            assert!(!reason.is_empty());
        }
        other => panic!("a broken library asked for by name is an error, got {:?}", other.map(|m| m.runtime())),
    }
}
