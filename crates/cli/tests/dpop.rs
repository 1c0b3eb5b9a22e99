//! `--dpop` and `tokenscope profiles dpop` against the test provider's generic OpenID provider
//! (`tests/idp`, `/oidc`, DPoP on) and its DPoP-bound API, the key in the real keyring.
//!
//! Ignored by a plain `cargo test`:
//! `scripts/with-keyring.sh cargo test -p tokenscope-cli --test dpop -- --include-ignored`.

mod common;

use common::{keyring_value, run, temp_config, text};
use serde_json::Value;
use std::path::Path;
use std::process::Output;
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};

fn ts(config: &Path, args: &[&str]) -> Output {
    run(args, None, Some(config))
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)))
}

fn check(v: &Value, name: &str) -> Value {
    v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no {name} check: {v}"))
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn signin_with_dpop_binds_the_tokens_and_call_sends_proofs() {
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "run through scripts/with-keyring.sh"
    );
    let config = temp_config();
    let profile = format!("dpop-{}", tokenscope_core::oidc::pkce::random_token());
    let scope = format!("offline_access {}", idp().api_scope());
    let out = ts(
        &config,
        &[
            "signin",
            "--authority",
            &idp().generic_metadata_url(),
            "--client-id",
            &idp().client_id(),
            "--scope",
            &scope,
            "--browser",
            CURL_BROWSER,
            "--timeout",
            "30",
            "--profile",
            &profile,
            "--dpop",
            "--json",
        ],
    );
    assert!(out.status.success(), "signin: {}", text(&out.stderr));
    let v = json(&out);
    assert_eq!(v["token_type"], "DPoP", "{v}");
    assert_eq!(check(&v, "dpop_token_type")["ok"], true);
    assert_eq!(check(&v, "dpop_binding")["ok"], true);

    // The setting was saved with the profile, the key is in the keyring, shown without `d`.
    let out = ts(&config, &["profiles", "dpop", "show", &profile, "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = json(&out);
    assert_eq!(shown["dpop"], true);
    let thumb = shown["key"]["thumbprint"].as_str().expect("a thumbprint");
    assert!(shown["key"]["created"].is_string(), "{shown}");
    // The sign-in's JSON names the key its token request was bound to.
    assert_eq!(v["sender"]["dpop_jkt"], thumb, "{}", v["sender"]);
    assert!(check(&v, "dpop_binding")["detail"]
        .as_str()
        .unwrap()
        .contains(thumb));
    let stored = keyring_value(&format!("dpop-key:{profile}")).expect("the key in the keyring");
    let envelope: Value = serde_json::from_str(stored.trim()).expect("an envelope");
    let private: Value = serde_json::from_str(envelope["value"].as_str().unwrap()).unwrap();
    let d = private["d"]
        .as_str()
        .expect("the private key in the keyring");
    let out = ts(&config, &["profiles", "dpop", "show", &profile]);
    let shown_text = text(&out.stdout);
    assert!(
        shown_text.contains(thumb) && shown_text.contains("Made: ") && !shown_text.contains(d),
        "{shown_text}"
    );

    // The bound API answers a call with a proof.
    let api = &idp().dpop_api()[0];
    let out = ts(&config, &["call", "--profile", &profile, api, "--json"]);
    assert!(out.status.success(), "call: {}", text(&out.stderr));
    let c = json(&out);
    assert_eq!(c["response"]["body"]["jkt"], thumb);
    assert!(!text(&out.stdout).contains(d));

    // Off: the bound refresh token cannot be redeemed without a proof; it is kept and the error
    // says why. `--dpop` on the call sends the proofs again.
    let out = ts(&config, &["profiles", "dpop", "off", &profile]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = ts(&config, &["call", "--profile", &profile, api]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let said = text(&out.stderr);
    assert!(
        said.contains("DPoP is off") && said.contains("kept"),
        "{said}"
    );
    let out = ts(&config, &["call", "--profile", &profile, api, "--dpop"]);
    assert!(out.status.success(), "call --dpop: {}", text(&out.stdout));

    // Rotate: a new thumbprint; the refresh token bound to the old key is refused.
    let out = ts(&config, &["profiles", "dpop", "rotate", &profile]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains(thumb));
    let out = ts(&config, &["call", "--profile", &profile, api, "--dpop"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("sign in again"),
        "{}",
        text(&out.stderr)
    );

    let out = ts(&config, &["profiles", "dpop", "remove", &profile]);
    assert!(
        text(&out.stdout).contains("Deleted"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(keyring_value(&format!("dpop-key:{profile}")), None);
    let _ = ts(&config, &["signout", "--profile", &profile]);
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn token_dpop_binds_an_app_token_and_the_trace_shows_the_proofs_and_the_nonce_retry() {
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "run through scripts/with-keyring.sh"
    );
    let config = temp_config();
    let profile = format!("dpop-app-{}", tokenscope_core::oidc::pkce::random_token());
    let client = &idp().info["service_client"];
    let out = ts(
        &config,
        &[
            "profiles",
            "add",
            &profile,
            "--authority",
            &idp().generic_metadata_url(),
            "--client-id",
            client["client_id"].as_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(
        &["profiles", "secret", "set", &profile],
        Some(&format!("{}\n", client["client_secret"].as_str().unwrap())),
        Some(&config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let scope = idp().api_scope();
    let out = ts(
        &config,
        &[
            "token",
            "--profile",
            &profile,
            "--grant",
            "client-credentials",
            "--scope",
            &scope,
            "--dpop",
            "--trace",
            "--json",
        ],
    );
    assert!(out.status.success(), "token: {}", text(&out.stderr));
    let v = json(&out);
    assert_eq!(v["token_type"], "DPoP", "{v}");
    assert_eq!(check(&v, "dpop_token_type")["ok"], true);
    assert_eq!(check(&v, "dpop_binding")["ok"], true);

    // The trace: the first token request answered use_dpop_nonce with a nonce, then the retry,
    // each with its proof (header and claims readable, the signature masked).
    let trace = text(&out.stderr);
    let blocks: Vec<&str> = trace
        .split("\n#")
        .filter(|b| b.contains(" token  POST "))
        .collect();
    assert_eq!(blocks.len(), 2, "{trace}");
    assert!(
        blocks[0].contains("→ 400") && blocks[0].contains("use_dpop_nonce"),
        "{trace}"
    );
    assert!(blocks[0].contains("< dpop-nonce: "), "{trace}");
    assert!(blocks[1].contains("→ 200"), "{trace}");
    for b in &blocks {
        assert!(b.contains("> DPoP: ey") && b.contains(".[redacted]"), "{b}");
        assert!(b.contains(r#"(the proof: header {"typ":"dpop+jwt""#), "{b}");
    }
    assert!(blocks[1].contains(r#""nonce":"#), "{}", blocks[1]);
    // The same in --json's exchanges.
    let tokens: Vec<&Value> = v["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["step"] == "token")
        .collect();
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0]["status"], 400);
    assert!(tokens.iter().all(|e| e["request_headers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["name"] == "DPoP")));

    // Without --dpop (and DPoP off in the profile) the same grant sends no proof.
    let out = ts(
        &config,
        &[
            "token",
            "--profile",
            &profile,
            "--grant",
            "client-credentials",
            "--scope",
            &scope,
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(json(&out)["token_type"], "Bearer");
    let _ = ts(&config, &["profiles", "dpop", "remove", &profile]);
    let _ = ts(&config, &["profiles", "secret", "remove", &profile]);
}
