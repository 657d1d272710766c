#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| qualkit_fuzz::template(data));
