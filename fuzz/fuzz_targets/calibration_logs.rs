//! Fuzz target: see `calibration_logs` in ../harness.rs.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::calibration_logs(data);
});
