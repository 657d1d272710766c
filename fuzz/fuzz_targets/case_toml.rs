#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| qualkit_fuzz::case_toml(data));
