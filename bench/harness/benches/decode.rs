//! In-process decode + explain throughput (what `tokenscope decode` and the inspector do with a
//! pasted token): `inspect::inspect` then the JSON export, on the tokens `tokenscope-bench
//! tokens` wrote (`TOKENSCOPE_BENCH_TOKENS`, default target/bench/tokens).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::path::PathBuf;
use tokenscope_core::inspect::{self, export, InspectOptions};

fn decode_explain(c: &mut Criterion) {
    let dir = std::env::var_os("TOKENSCOPE_BENCH_TOKENS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/bench/tokens"));
    let options = InspectOptions::at(chrono::Utc::now());
    let mut group = c.benchmark_group("decode_explain");
    for (id, file) in [
        ("b2c", "b2c.jwt"),
        ("big", "big.jwt"),
        ("claims500", "claims500.jwt"),
    ] {
        let path = dir.join(file);
        let token = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run tokenscope-bench tokens first)",
                path.display()
            )
        });
        group.throughput(Throughput::Bytes(token.len() as u64));
        group.bench_function(id, |b| {
            b.iter(|| {
                let inspection = inspect::inspect(black_box(&token), &options).expect("decodes");
                black_box(export::json(&inspection, false))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, decode_explain);
criterion_main!(benches);
