//! Whole-system tests and benchmarks for sanlian live in `tests/` and `benches/`.
