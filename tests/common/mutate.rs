//! Mutations for the adversarial suite: seeded, reproducible edits of JSON documents, text and
//! bytes, in the spirit of a structure-aware fuzzer. Shared (by `#[path]`) by the in-process
//! fuzz loop (`tests/fuzz.rs`) and the service's (`crates/cli/tests/fuzz_http.rs`).

use serde_json::{json, Value};

/// SplitMix64: small, fast and the same on every machine, so that a seed names an input.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Values that break parsers and validators: extremes, wrong types, odd text.
fn interesting(rng: &mut Rng) -> Value {
    let long = "长".repeat(1 + rng.below(5000));
    let pool = [
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1),
        json!(2),
        json!(13),
        json!(255),
        json!(4_294_967_296u64),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1e308),
        json!(-1e308),
        json!(0.5),
        json!(f64::MIN_POSITIVE),
        json!(""),
        json!(" "),
        json!("\u{0}\u{7}\u{1b}[31m"),
        json!("=HYPERLINK(\"http://x\")"),
        json!("2027-13"),
        json!("2027-02"),
        json!("2026-12-31"),
        json!("9999-12-31"),
        json!("370000"),
        json!("999999"),
        json!("河口区"),
        json!("P001"),
        json!("senior"),
        json!(long),
        json!([]),
        json!({}),
        json!([[[[[[[[]]]]]]]]),
        json!({"a": {"b": {"c": {}}}}),
    ];
    rng.pick(&pool).clone()
}

/// JSON pointers of every node of `v` (the root is "").
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                pointers(x, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn parent(pointer: &str) -> Option<(&str, &str)> {
    pointer.rfind('/').map(|i| (&pointer[..i], &pointer[i + 1..]))
}

/// One to `most` structural edits of `doc`: a node replaced by an extreme value or by another
/// node of the document (which makes duplicate ids and codes from elsewhere), a number
/// nudged, a string cut or grown, an object member or array element deleted or repeated.
pub fn mutate_json(rng: &mut Rng, doc: &Value, most: usize) -> Value {
    let mut doc = doc.clone();
    for _ in 0..1 + rng.below(most.max(1)) {
        let mut all = Vec::new();
        pointers(&doc, String::new(), &mut all);
        let target = rng.pick(&all).clone();
        let donor = doc.pointer(rng.pick(&all).as_str()).cloned().unwrap_or(Value::Null);
        let choice = rng.below(8);
        let Some(node) = doc.pointer_mut(&target) else { continue };
        match choice {
            0 | 1 => *node = interesting(rng),
            2 => {
                // Keep donors small, so that the document does not double at each edit.
                if donor.to_string().len() < 4096 {
                    *node = donor;
                }
            }
            3 => {
                if let Some(n) = node.as_f64() {
                    let nudged = *rng.pick(&[n + 1.0, n - 1.0, -n, n * 1000.0, n / 7.0, n.trunc()]);
                    *node = serde_json::Number::from_f64(nudged).map_or(Value::Null, Value::Number);
                } else if let Some(s) = node.as_str() {
                    let chars: Vec<char> = s.chars().collect();
                    let cut = rng.below(chars.len() + 1);
                    *node = Value::String(if rng.chance(0.5) {
                        chars[..cut].iter().collect()
                    } else {
                        format!("{s}{}", rng.pick(&["0", "x", " ", "县", "\n", "\"", "\\"]))
                    });
                }
            }
            4 | 5 => {
                // Delete the node from its parent.
                if let Some((p, key)) = parent(&target) {
                    match doc.pointer_mut(p) {
                        Some(Value::Object(m)) => {
                            m.remove(&key.replace("~1", "/").replace("~0", "~"));
                        }
                        Some(Value::Array(a)) => {
                            if let Ok(i) = key.parse::<usize>() {
                                if i < a.len() {
                                    a.remove(i);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            6 => {
                // Repeat an array element (a duplicate id, township, month …).
                if let Some((p, key)) = parent(&target) {
                    if let (Some(Value::Array(a)), Ok(i)) = (doc.pointer_mut(p), key.parse::<usize>()) {
                        if i < a.len() && a.len() < 100_000 {
                            let copy = a[i].clone();
                            a.insert(i, copy);
                        }
                    }
                }
            }
            _ => {
                // A member the schema does not know, or an object where a value was.
                match node {
                    Value::Object(m) => {
                        m.insert("unknown_field".into(), interesting(rng));
                    }
                    other => *other = json!({ "value": other.clone() }),
                }
            }
        }
    }
    doc
}

/// Byte-level edits of `bytes`: flips, cuts, repeats and random insertions.
pub fn mutate_bytes(rng: &mut Rng, bytes: &[u8], most: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..1 + rng.below(most.max(1)) {
        if out.is_empty() {
            out.push(rng.next() as u8);
            continue;
        }
        let at = rng.below(out.len());
        match rng.below(6) {
            0 => out[at] ^= 1 << rng.below(8),
            1 => out[at] = rng.next() as u8,
            2 => {
                let end = (at + 1 + rng.below(64)).min(out.len());
                out.drain(at..end);
            }
            3 => {
                let end = (at + 1 + rng.below(64)).min(out.len());
                let copy = out[at..end].to_vec();
                out.splice(at..at, copy);
            }
            4 => out.truncate(at),
            _ => {
                let junk = *rng.pick(&[&b"\xff\xfe"[..], b"\0", b"\"", b",", b"\r\n", b"\xe5\x8e", b"{", b"]"]);
                out.splice(at..at, junk.iter().copied());
            }
        }
    }
    out
}

/// Cell-level edits of a CSV text: a cell replaced by odd content, a row repeated or dropped,
/// a column added or cut.
pub fn mutate_csv(rng: &mut Rng, text: &str, most: usize) -> String {
    let mut rows: Vec<Vec<String>> = text.lines().map(|l| l.split(',').map(str::to_string).collect()).collect();
    for _ in 0..1 + rng.below(most.max(1)) {
        if rows.is_empty() {
            rows.push(vec![String::new()]);
        }
        let r = rng.below(rows.len());
        match rng.below(5) {
            0 | 1 => {
                let len = rows[r].len();
                if len > 0 {
                    let c = rng.below(len);
                    let v = match interesting(rng) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    rows[r][c] = if rng.chance(0.3) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v };
                }
            }
            2 => {
                if rows.len() < 10_000 {
                    let copy = rows[r].clone();
                    rows.insert(r, copy);
                }
            }
            3 => {
                rows.remove(r);
            }
            _ => {
                if rng.chance(0.5) {
                    rows[r].push("多余".into());
                } else {
                    rows[r].pop();
                }
            }
        }
    }
    rows.iter().map(|r| r.join(",")).collect::<Vec<_>>().join("\n")
}
