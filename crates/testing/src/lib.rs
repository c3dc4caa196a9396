//! Locates `shared/`, the read-only test data that sits beside the repository (or at
//! `TAOKIT_SHARED_DIR`). Tests that need it skip, saying why, when it is absent.

use std::path::PathBuf;

/// `shared/<sub>`, or `None` after printing why the calling test skips.
pub fn shared_dir(sub: &str) -> Option<PathBuf> {
    let root = std::env::var_os("TAOKIT_SHARED_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        PathBuf::from,
    );
    let dir = root.join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: shared test data not found at {} (clone the repo beside shared/, or set TAOKIT_SHARED_DIR)",
            dir.display()
        );
        None
    }
}
