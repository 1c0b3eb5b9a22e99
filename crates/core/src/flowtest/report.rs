//! Reports of a run: the `--json` object and JUnit XML (one `testsuite` per file, one
//! `testcase` per case, a `failure` listing the expectations that failed; with `--trace`, a
//! failed case's `system-out` has what went over the wire, masked), as GitLab, Jenkins and Azure
//! DevOps read it.

use super::run::FileReport;
use crate::exchange::ExchangeLog;
use serde_json::{json, Value};

/// Characters of a body a case's trace shows (the command line's and JUnit's).
pub const TRACE_BODY: usize = 2000;

/// What a case's trace starts with.
pub const TRACE_HEADING: &str = "What went over the wire (secrets masked):";

/// A case's exchange log as text: [`TRACE_HEADING`], then one block per exchange
/// ([`ExchangeLog::timeline`]); `None` without `--trace`.
pub fn trace(case: &super::CaseReport) -> Option<String> {
    let entries = case.exchanges.as_ref()?;
    let log = ExchangeLog {
        entries: entries.clone(),
    };
    let timeline = if entries.is_empty() {
        "  nothing\n".to_owned()
    } else {
        log.timeline(TRACE_BODY)
    };
    Some(format!("{TRACE_HEADING}\n{timeline}"))
}

/// The `--json` object: `{"passed", "failed", "cases": [{"name", "ok", "duration_ms",
/// "failures": [{"expectation", "expected", "actual"}], …}]}`.
pub fn json(files: &[FileReport]) -> Value {
    let cases: Vec<_> = files.iter().flat_map(|f| f.cases.iter()).collect();
    let passed = cases.iter().filter(|c| c.ok).count();
    json!({
        "passed": passed,
        "failed": cases.len() - passed,
        "cases": cases,
    })
}

/// The failure lines of a case, as the command line and JUnit show them.
pub fn failure_lines(case: &super::CaseReport) -> Vec<String> {
    case.failures
        .iter()
        .map(|f| {
            format!(
                "{}: expected {}, got {}",
                f.expectation, f.expected, f.actual
            )
        })
        .collect()
}

/// JUnit XML of a run.
pub fn junit(files: &[FileReport], timestamp: chrono::DateTime<chrono::Utc>) -> String {
    let total: usize = files.iter().map(|f| f.cases.len()).sum();
    let failed: usize = files.iter().map(FileReport::failed).sum();
    let time: u64 = files.iter().map(|f| f.duration_ms).sum();
    let stamp = timestamp.format("%Y-%m-%dT%H:%M:%S").to_string();
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<testsuites name=\"tokenscope\" tests=\"{total}\" failures=\"{failed}\" errors=\"0\" time=\"{}\">\n",
        seconds(time)
    ));
    for (i, f) in files.iter().enumerate() {
        x.push_str(&format!(
            "  <testsuite name=\"{}\" id=\"{i}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"{}\" timestamp=\"{stamp}\">\n",
            attr(&f.file),
            f.cases.len(),
            f.failed(),
            seconds(f.duration_ms)
        ));
        for c in &f.cases {
            x.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"",
                attr(&c.name),
                attr(&classname(&f.file)),
                seconds(c.duration_ms)
            ));
            if c.ok && c.warnings.is_empty() {
                x.push_str("/>\n");
                continue;
            }
            x.push_str(">\n");
            if !c.ok {
                let lines = failure_lines(c);
                let message = match lines.as_slice() {
                    [one] => one.clone(),
                    many => format!("{} expectations failed", many.len()),
                };
                x.push_str(&format!(
                    "      <failure message=\"{}\" type=\"expectation\">{}</failure>\n",
                    attr(&message),
                    text(&lines.join("\n"))
                ));
            }
            // The warnings, and a failed case's trace: what a CI reader needs to see why.
            let mut out: Vec<String> = c.warnings.clone();
            if !c.ok {
                out.extend(trace(c));
            }
            if !out.is_empty() {
                x.push_str(&format!(
                    "      <system-out>{}</system-out>\n",
                    text(&out.join("\n"))
                ));
            }
            x.push_str("    </testcase>\n");
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

/// The file name without `.tokenscope.toml` / `.toml`, dots kept out (CI tools split
/// class names on dots).
fn classname(file: &str) -> String {
    let name = std::path::Path::new(file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.to_owned());
    let name = name
        .strip_suffix(".tokenscope.toml")
        .or_else(|| name.strip_suffix(".toml"))
        .unwrap_or(&name);
    format!("tokenscope.{}", name.replace('.', "_"))
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// Characters XML 1.0 cannot carry at all are dropped.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| xml_char(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| xml_char(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flowtest::{CaseReport, Failure};

    #[test]
    fn hostile_names_are_escaped_and_control_characters_dropped() {
        assert_eq!(attr("a\"<&>\n\u{1}b"), "a&quot;&lt;&amp;&gt;&#10;b");
        assert_eq!(text("x<]]>&\u{0}"), "x&lt;]]&gt;&amp;");
        assert_eq!(classname("flows/demo.tokenscope.toml"), "tokenscope.demo");
        assert_eq!(classname("a.b.toml"), "tokenscope.a_b");
        let f = FileReport {
            file: "x.toml".into(),
            duration_ms: 1500,
            cases: vec![CaseReport {
                name: "n\"".into(),
                file: "x.toml".into(),
                ok: false,
                duration_ms: 1234,
                failures: vec![Failure {
                    expectation: "claims.idp".into(),
                    expected: "matches /itsme/".into(),
                    actual: "\"local\"".into(),
                }],
                driver: "browser".into(),
                warnings: vec![],
                tokens: None,
                exchanges: None,
            }],
        };
        let x = junit(&[f], chrono::DateTime::UNIX_EPOCH);
        assert!(x.contains("time=\"1.234\""), "{x}");
        assert!(x.contains(
            "<failure message=\"claims.idp: expected matches /itsme/, got &quot;local&quot;\""
        ));
    }
}
