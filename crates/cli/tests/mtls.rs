//! Mutual TLS on the command line (RFC 8705) against the test provider's generic provider and
//! the certificates it made at start: `profiles add/edit --tls-cert --tls-key --tls-ca`,
//! `profiles show`, and a client credentials token bound to the certificate.
//!
//! Ignored by a plain `cargo test` (they need node, `npm ci --prefix tests/idp` and openssl):
//! `cargo test -p tokenscope-cli --test mtls -- --include-ignored`.

mod common;

use common::{run, temp_config, text};
use serde_json::Value;
use std::path::Path;
use tokenscope_core::testkit::idp::shared as idp;

fn mtls(path: &[&str]) -> String {
    let mut v = &idp().info["mtls"];
    for p in path {
        v = &v[*p];
    }
    v.as_str()
        .unwrap_or_else(|| {
            panic!(
                "no mtls.{} in the ready line: is openssl installed?",
                path.join(".")
            )
        })
        .to_owned()
}

fn tokenscope(args: &[&str], config: &Path) -> (bool, String, String) {
    let out = run(args, None, Some(config));
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

/// `profiles add NAME` for the tls_client_auth client with the certificate files `which`.
fn add(config: &Path, name: &str, which: &str) -> (bool, String, String) {
    let (cert, key, ca) = (mtls(&[which, "cert"]), mtls(&[which, "key"]), mtls(&["ca"]));
    tokenscope(
        &[
            "profiles",
            "add",
            name,
            "--authority",
            &idp().generic_metadata_url(),
            "--client-id",
            &mtls(&["client_id"]),
            "--tls-cert",
            &cert,
            "--tls-key",
            &key,
            "--tls-ca",
            &ca,
        ],
        config,
    )
}

#[test]
#[ignore = "needs tests/idp (npm) and openssl: run scripts/test.sh"]
fn a_profile_with_a_client_certificate_gets_a_token_bound_to_it() {
    let config = temp_config();
    let (ok, _, err) = add(&config, "mtls", "client");
    assert!(ok, "{err}");
    assert!(!err.contains("warning"), "the key file is mode 600: {err}");
    // Shown with what reading the files found.
    let (ok, shown, err) = tokenscope(&["profiles", "show", "mtls"], &config);
    assert!(ok, "{err}");
    assert!(
        shown.contains(&format!("TLS cert        {}", mtls(&["client", "cert"]))),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("TLS key         {}", mtls(&["client", "key"]))),
        "{shown}"
    );
    assert!(shown.contains("x5t#S256 "), "{shown}");
    // The profile file keeps the paths, never the key.
    let file = std::fs::read_to_string(config.join("profiles.json")).unwrap();
    let key = std::fs::read_to_string(mtls(&["client", "key"])).unwrap();
    let key_body = key.lines().nth(1).unwrap();
    assert!(
        !file.contains(key_body) && file.contains("\"key_file\""),
        "{file}"
    );

    let (ok, out, err) = tokenscope(
        &[
            "token",
            "--profile",
            "mtls",
            "--grant",
            "client-credentials",
            "--scope",
            &idp().api_scope(),
            "--json",
        ],
        &config,
    );
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["passed"], true, "{v}");
    let cnf = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "cnf_x5t")
        .unwrap_or_else(|| panic!("no cnf_x5t check in {v}"));
    assert_eq!(cnf["ok"], true, "{cnf}");
    std::fs::remove_dir_all(config).ok();
}

#[test]
#[ignore = "needs tests/idp (npm) and openssl: run scripts/test.sh"]
fn a_certificate_that_cannot_be_used_is_refused_and_the_profile_kept() {
    let config = temp_config();
    // Expired: not saved, and the message says when.
    let (ok, _, err) = add(&config, "expired", "expired");
    assert!(!ok);
    assert!(
        err.contains("expired on 2025-01-02 00:00:00 UTC") && err.contains("not saved"),
        "{err}"
    );
    let (ok, _, _) = tokenscope(&["profiles", "show", "expired"], &config);
    assert!(!ok, "an expired certificate's profile was saved");
    // A key of another certificate: refused, the profile keeps its key.
    let (ok, _, err) = add(&config, "mtls", "client");
    assert!(ok, "{err}");
    let (ok, _, err) = tokenscope(
        &[
            "profiles",
            "edit",
            "mtls",
            "--tls-key",
            &mtls(&["self_signed", "key"]),
        ],
        &config,
    );
    assert!(!ok);
    assert!(err.contains("does not belong to the certificate"), "{err}");
    let (_, shown, _) = tokenscope(&["profiles", "show", "mtls"], &config);
    assert!(shown.contains(&mtls(&["client", "key"])), "{shown}");
    // Removed on request.
    let (ok, _, err) = tokenscope(&["profiles", "edit", "mtls", "--no-tls-cert"], &config);
    assert!(ok, "{err}");
    let (_, shown, _) = tokenscope(&["profiles", "show", "mtls"], &config);
    assert!(shown.contains("TLS cert        none"), "{shown}");
    std::fs::remove_dir_all(config).ok();
}
