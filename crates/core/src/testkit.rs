//! Test helpers: sign tokens with the fixture keys in `tests/fixtures/keys` and serve their
//! JWKS. Compiled for tests and under the `testkit` feature only.

use crate::jose::jwt::b64_encode;
use crate::oidc::metadata::Jwks;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::Value;
use std::path::PathBuf;

/// A file under `tests/fixtures`.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name))
        .unwrap_or_else(|e| panic!("fixture {name} missing: {e}"))
}

/// The public keys of all fixture keys (kids `rsa1`, `rsa2`, `ec256`, `ec384`, `ed25519`).
pub fn jwks() -> Jwks {
    serde_json::from_str(&read("keys/jwks.json")).expect("fixture JWKS parses")
}

/// Only the keys with these kids.
pub fn jwks_of(kids: &[&str]) -> Jwks {
    let mut all = jwks();
    all.keys
        .retain(|k| kids.contains(&k.get("kid").and_then(Value::as_str).unwrap_or_default()));
    all
}

/// The fixture key file used for an algorithm.
pub fn key_for(alg: &str) -> &'static str {
    match alg {
        "ES256" => "ec256",
        "ES384" => "ec384",
        "EdDSA" => "ed25519",
        _ => "rsa1",
    }
}

/// Signs `claims` with `alg` and the fixture key `key` (`rsa1`, `ec256`, ...), using exactly
/// `header` as the JOSE header. HS* algorithms sign with the secret `"secret"`.
pub fn sign_raw(header: &Value, claims: &Value, key: &str) -> String {
    let alg: Algorithm = serde_json::from_value(header["alg"].clone()).expect("known alg");
    let message = format!(
        "{}.{}",
        b64_encode(header.to_string().as_bytes()),
        b64_encode(claims.to_string().as_bytes())
    );
    let pem = read(&format!("keys/{key}.pem"));
    let encoding = match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
            EncodingKey::from_secret(b"secret")
        }
        Algorithm::ES256 | Algorithm::ES384 => EncodingKey::from_ec_pem(pem.as_bytes()).unwrap(),
        Algorithm::EdDSA => EncodingKey::from_ed_pem(pem.as_bytes()).unwrap(),
        _ => EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
    };
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &encoding, alg).unwrap();
    format!("{message}.{signature}")
}

/// Signs with `alg`, the fixture key for it, and `kid` = that key's name.
pub fn sign(alg: &str, claims: &Value) -> String {
    let key = key_for(alg);
    sign_raw(
        &serde_json::json!({"alg": alg, "kid": key, "typ": "JWT"}),
        claims,
        key,
    )
}

/// The real B2C-shaped test provider (`tests/idp/server.mjs`, oidc-provider from npm), started
/// on 127.0.0.1 for one test binary and stopped when dropped.
pub mod idp {
    use serde_json::Value;
    use std::io::{BufRead, BufReader};
    use std::path::PathBuf;
    use std::process::{Child, Command, Stdio};
    use std::sync::{mpsc, OnceLock};
    use std::time::Duration;

    /// A running provider and what its ready line said.
    pub struct TestIdp {
        child: Child,
        /// The ready line (`base`, `tenant`, `tenant_id`, `client_id`, `api_scope`, ...).
        pub info: Value,
    }

    /// The repository root.
    pub fn repo_root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    /// The browser stand-in command (`node tests/idp/browser.mjs`), for `--browser`.
    pub fn browser_command(extra: &str) -> String {
        let script = repo_root().join("tests/idp/browser.mjs");
        format!("node '{}' {extra}", script.display())
    }

    /// The "browser" for the policies that show no page: curl following the redirects.
    pub const CURL_BROWSER: &str = "curl -sS -L -o /dev/null --max-time 20";

    /// The provider started once for the whole test binary (on first use) and shared by its tests.
    pub fn shared() -> &'static TestIdp {
        static IDP: OnceLock<TestIdp> = OnceLock::new();
        IDP.get_or_init(TestIdp::start)
    }

    impl TestIdp {
        /// Starts the provider and waits for its ready line (panics with the reason if it
        /// does not come: these are test fixtures).
        pub fn start() -> TestIdp {
            let script = repo_root().join("tests/idp/server.mjs");
            let mut child = Command::new("node")
                .arg(&script)
                .args(["--port", "0"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start node {}: {e}", script.display()));
            let stdout = child.stdout.take().expect("stdout piped");
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                let mut line = String::new();
                let _ = BufReader::new(stdout).read_line(&mut line);
                let _ = tx.send(line);
            });
            let line = match rx.recv_timeout(Duration::from_secs(30)) {
                Ok(line) if !line.trim().is_empty() => line,
                other => {
                    let _ = child.kill();
                    panic!(
                        "the test provider did not start ({other:?}); run `npm ci --prefix tests/idp`"
                    )
                }
            };
            let info: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("bad ready line {line:?}: {e}"));
            TestIdp { child, info }
        }

        fn s(&self, key: &str) -> String {
            self.info[key].as_str().unwrap_or_default().to_owned()
        }

        /// `http://127.0.0.1:PORT`.
        pub fn base(&self) -> String {
            self.s("base")
        }
        /// The registered public client.
        pub fn client_id(&self) -> String {
            self.s("client_id")
        }
        /// `tokenscopedemo.onmicrosoft.com`.
        pub fn tenant(&self) -> String {
            self.s("tenant")
        }
        /// The tenant GUID.
        pub fn tenant_id(&self) -> String {
            self.s("tenant_id")
        }
        /// The API scope that yields a JWT access token.
        pub fn api_scope(&self) -> String {
            self.s("api_scope")
        }
        /// The API's app ID (the access token's audience).
        pub fn api_app_id(&self) -> String {
            self.s("api_app_id")
        }
        /// The External ID tenant's metadata URL (tenant ID form).
        pub fn external_id_metadata_url(&self) -> String {
            self.info["external_id"]["metadata"][0]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
        /// The External ID tenant's authority in MSAL's form: `{base}/<tenant ID>/v2.0`.
        pub fn external_id_authority(&self) -> String {
            format!("{}/{}/v2.0", self.base(), self.external_id_tenant_id())
        }
        /// The External ID tenant's ID.
        pub fn external_id_tenant_id(&self) -> String {
            self.info["external_id"]["tenant_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
        /// The External ID tenant's issuer (`http://<tenant-id>.localhost:PORT/<tenant-id>/v2.0`).
        pub fn external_id_issuer(&self) -> String {
            self.info["external_id"]["issuer"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
        /// The generic (non-Microsoft) provider's metadata URL: the one with revocation and
        /// introspection endpoints.
        pub fn generic_metadata_url(&self) -> String {
            self.info["generic"]["metadata"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
        /// The generic provider's DPoP client whose proofs need a nonce (RFC 9449 §8).
        pub fn dpop_nonce_client_id(&self) -> String {
            self.info["generic"]["dpop_nonce_client_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
        /// The generic provider's DPoP-bound API: `[GET /dpop-api/me, GET /dpop-api/nonce/me]`.
        pub fn dpop_api(&self) -> Vec<String> {
            self.info["generic"]["dpop_api"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        }
        /// Path-form metadata URL of a policy.
        pub fn metadata_url(&self, policy: &str) -> String {
            format!(
                "{}/{}/{policy}/v2.0/.well-known/openid-configuration",
                self.base(),
                self.tenant()
            )
        }
    }

    impl Drop for TestIdp {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The checks a good sign-in does not make: made only when the ID token is missing or does not
/// decode, only when `crit` refuses it, only as a warning (scope), only by the inspector, only on refresh, or only with DPoP. A new
/// [`CheckId`](crate::validate::CheckId) made on every sign-in needs no line here: the tests
/// that iterate `CheckId::ALL` expect it in a good sign-in and a hostile case that fails it.
pub const NOT_IN_A_GOOD_SIGN_IN: &[crate::validate::CheckId] = {
    use crate::validate::CheckId::*;
    &[
        Format,
        IdToken,
        Crit,
        Scope,
        Keys,
        Issuer,
        SameSubject,
        SameAud,
        SameAuthTime,
        NewIat,
        Response,
        AccessToken,
        // Only for a profile with DPoP on.
        DpopTokenType,
        DpopBinding,
        CnfX5t,
    ]
};

/// Every check a good sign-in makes, in the order of `CheckId::ALL` (the report's order).
pub fn checks_of_a_good_sign_in() -> Vec<crate::validate::CheckId> {
    crate::validate::CheckId::ALL
        .iter()
        .copied()
        .filter(|id| !NOT_IN_A_GOOD_SIGN_IN.contains(id))
        .collect()
}
