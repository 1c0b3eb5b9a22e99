//! `openidconnect` as an oracle for Tokenscope's ID-token verdict.
//!
//! Every hostile-provider case (`hostile/cases.rs`, the same list `hostile.rs` runs) and every
//! good case below is signed in end to end with the real engine against the hand-made provider;
//! then the ID token it received goes through `openidconnect`'s `IdTokenVerifier`, fed what the
//! engine had: the provider's metadata (`issuer`, `id_token_signing_alg_values_supported`), the
//! key set it served, the nonce sent, the client ID and the same clock. `at_hash` is checked the
//! way the library's documentation does it (`AccessTokenHash::from_token` against the access
//! token received). The two verdicts must agree, except for the cases in [`DIFFERENCES`], each
//! with its reason; a listed difference that disappears fails the test too, so the list stays
//! true. Why Tokenscope does not use the library itself: `docs/decisions/0001-*.md`.
//!
//! Run with `cargo test -p tokenscope-core --test oracle`.

#[path = "hostile/cases.rs"]
#[allow(dead_code)]
mod cases;
#[path = "hostile/util.rs"]
#[allow(dead_code)]
mod util;

use chrono::{DateTime, Utc};
use openidconnect::core::{
    CoreIdToken, CoreIdTokenVerifier, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
};
use openidconnect::{AccessToken, AccessTokenHash, ClientId, IssuerUrl, Nonce};
use serde_json::{json, Value};
use tokenscope_core::oidc::metadata::Jwks;
use tokenscope_core::testkit;
use util::*;

/// A case where Tokenscope and `openidconnect` part ways on purpose.
struct Difference {
    case: &'static str,
    /// Whether Tokenscope passes the sign-in (the library does the opposite).
    tokenscope_passes: bool,
    why: &'static str,
}

/// Every intended difference. Tokenscope is stricter where the library leaves a check to the
/// caller or skips it, and more lenient only on the clock.
const DIFFERENCES: &[Difference] = &[
    Difference {
        case: "azp of another client",
        tokenscope_passes: false,
        why: "the library does not check azp (OIDC Core 3.1.3.7 steps 4-5 are left out of its \
              verifier on purpose); Tokenscope refuses an ID token whose authorized party is \
              another client",
    },
    Difference {
        case: "nbf an hour ahead",
        tokenscope_passes: false,
        why:
            "the library's ID-token claims have no nbf and ignore it; Tokenscope applies RFC 7519 \
              4.1.5 (with the clock skew) to every JWT it reports on",
    },
    Difference {
        case: "iat an hour ahead",
        tokenscope_passes: false,
        why: "the library accepts any iat unless the caller sets set_issue_time_verifier_fn; \
              Tokenscope refuses a token issued in the future beyond the clock skew",
    },
    Difference {
        case: "max_age sent, auth_time missing",
        tokenscope_passes: false,
        why: "the library leaves auth_time to the caller (set_auth_time_verifier_fn); Tokenscope \
              applies OIDC Core 3.1.2.1: with max_age sent, auth_time is required",
    },
    Difference {
        case: "max_age sent, auth_time older",
        tokenscope_passes: false,
        why: "the library leaves auth_time to the caller; Tokenscope refuses an authentication \
              older than the max_age it sent (OIDC Core 3.1.3.7 step 13)",
    },
    Difference {
        case: "sub of 256 characters",
        tokenscope_passes: false,
        why: "OIDC Core 2: sub MUST NOT exceed 255 ASCII characters; the library takes any \
              string, Tokenscope fails its sub check",
    },
    Difference {
        case: "sub with non-ASCII characters",
        tokenscope_passes: false,
        why: "OIDC Core 2: sub is ASCII; the library takes any string, Tokenscope fails its sub \
              check",
    },
    Difference {
        case: "sub empty",
        tokenscope_passes: false,
        why: "OIDC Core 2: sub is a locally unique identifier, and an empty one identifies \
              nobody; the library takes any string, Tokenscope fails its sub check",
    },
    Difference {
        case: "expired two minutes ago, within the clock skew",
        tokenscope_passes: true,
        why:
            "the library allows no clock skew on exp; Tokenscope allows 5 minutes, as Microsoft's \
              libraries do for B2C, and says so in the exp check's detail",
    },
];

/// One sign-in to put to both verifiers.
struct Run {
    name: &'static str,
    setup: fn(&mut Harness),
    token: TokenFn,
}

/// Sign-ins that should pass, and edge cases that pin the differences above.
fn good_cases() -> Vec<Run> {
    vec![
        Run {
            name: "the well-behaved provider",
            setup: |_| {},
            token: issue(|_, _| {}),
        },
        Run {
            name: "max_age sent, auth_time within it",
            setup: |h| h.profile.params.max_age = Some(3600),
            token: issue(|_, _| {}),
        },
        Run {
            name: "ES256, which the provider announces",
            setup: |_| {},
            token: issue_signed(|c| testkit::sign("ES256", c), |_, _| {}),
        },
        Run {
            name: "keys rotated: the kid is only in the second key set",
            setup: |h| {
                h.provider
                    .configure(|c| c.jwks = vec![testkit::jwks_of(&["rsa2"]), testkit::jwks()])
            },
            token: issue(|_, _| {}),
        },
        Run {
            name: "azp the client ID",
            setup: |_| {},
            token: issue(|_, c| c["azp"] = json!(CLIENT_ID)),
        },
        Run {
            name: "no at_hash",
            setup: |_| {},
            token: issue(|_, c| cases::remove(c, "at_hash")),
        },
        // Edges where verifiers commonly differ.
        Run {
            name: "crit naming an extension nobody understands",
            setup: |_| {},
            token: issue_signed(
                |c| {
                    testkit::sign_raw(
                        &json!({"alg": "RS256", "kid": "rsa1", "crit": ["urn:x:ext"], "urn:x:ext": 1}),
                        c,
                        "rsa1",
                    )
                },
                |_, _| {},
            ),
        },
        Run {
            name: "two audiences, azp the client",
            setup: |_| {},
            token: issue(|_, c| {
                c["aud"] = json!([CLIENT_ID, CLIENT_ID]);
                c["azp"] = json!(CLIENT_ID);
            }),
        },
        Run {
            name: "expired two minutes ago, within the clock skew",
            setup: |_| {},
            token: issue(|_, c| c["exp"] = json!(now() - 120)),
        },
    ]
}

/// What the engine had when it judged the ID token.
struct Seen {
    id_token: String,
    access_token: Option<String>,
    metadata: Value,
    jwks: Jwks,
    nonce: String,
    now: DateTime<Utc>,
}

/// Signs in; Tokenscope's verdict (whether the sign-in passed, and the checks that failed) and
/// what the library gets, or the error that ended the sign-in.
async fn sign_in(run: &Run) -> Result<(bool, Vec<String>, Seen), String> {
    let mut h = Harness::new().await;
    (run.setup)(&mut h);
    h.provider.set_token(run.token.clone());
    let outcome = h
        .sign_in()
        .await
        .map_err(|e| format!("the sign-in ended in an error: {e}"))?;
    let now = Utc::now();
    let id_token = outcome
        .id_token
        .as_ref()
        .ok_or("no ID token came back")?
        .raw
        .expose()
        .to_owned();
    let access_token = outcome
        .access_token
        .as_ref()
        .map(|t| t.raw.expose().to_owned());
    let (mut metadata, mut jwks) = (Value::Null, Jwks::default());
    h.provider.configure(|c| {
        metadata = c.metadata.clone();
        // The n-th fetch gets the n-th set and the last repeats: the engine ends on the last.
        jwks = c.jwks.last().cloned().unwrap_or_default();
    });
    let nonce = h
        .provider
        .last_authorize()
        .get("nonce")
        .cloned()
        .unwrap_or_default();
    let failed = outcome
        .report
        .failures()
        .map(|c| format!("{}: {}", c.name, c.detail))
        .collect();
    Ok((
        outcome.passed(),
        failed,
        Seen {
            id_token,
            access_token,
            metadata,
            jwks,
            nonce,
            now,
        },
    ))
}

/// `openidconnect`'s verdict on what the engine saw: `Ok` when it accepts the ID token.
fn library_verdict(seen: &Seen) -> Result<(), String> {
    let token: CoreIdToken = seen
        .id_token
        .parse()
        .map_err(|e| format!("does not parse: {e}"))?;
    let issuer = seen.metadata["issuer"].as_str().unwrap_or_default();
    let issuer = IssuerUrl::new(issuer.to_owned()).map_err(|e| format!("issuer: {e}"))?;
    let keys: CoreJsonWebKeySet = serde_json::from_value(json!({ "keys": seen.jwks.keys }))
        .map_err(|e| format!("keys: {e}"))?;
    // The algorithms the metadata announces (the library's default is RS256 alone).
    let algs: Vec<CoreJwsSigningAlgorithm> = seen.metadata["id_token_signing_alg_values_supported"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| serde_json::from_value(a.clone()).ok())
        .collect();
    let now = seen.now;
    let verifier =
        CoreIdTokenVerifier::new_public_client(ClientId::new(CLIENT_ID.into()), issuer, keys)
            .set_allowed_algs(algs)
            .set_time_fn(move || now);
    let nonce = Nonce::new(seen.nonce.clone());
    let claims = token
        .claims(&verifier, &nonce)
        .map_err(|e| format!("refused: {e}"))?;
    if let Some(expected) = claims.access_token_hash() {
        let at = seen
            .access_token
            .as_deref()
            .ok_or("at_hash without an access token")?;
        let alg = token.signing_alg().map_err(|e| e.to_string())?;
        let key = token.signing_key(&verifier).map_err(|e| e.to_string())?;
        let actual = AccessTokenHash::from_token(&AccessToken::new(at.to_owned()), alg, key)
            .map_err(|e| e.to_string())?;
        if actual != *expected {
            return Err("at_hash does not match the access token".into());
        }
    }
    Ok(())
}

/// Puts one sign-in to both; describes a disagreement that is not listed, or a listed one that
/// did not happen.
async fn compare(run: Run) -> Result<(), String> {
    let name = run.name;
    let (tokenscope, failed, seen) = sign_in(&run).await.map_err(|e| format!("{name}: {e}"))?;
    let library = library_verdict(&seen);
    let listed = DIFFERENCES.iter().find(|d| d.case == name);
    let word = |passes: bool| if passes { "accepts" } else { "refuses" };
    match (listed, tokenscope == library.is_ok()) {
        (None, true) => Ok(()),
        (None, false) => Err(format!(
            "{name}: Tokenscope {} the ID token {failed:?}, openidconnect {} it ({library:?}); \
             list it in DIFFERENCES with its reason if this is intended",
            word(tokenscope),
            word(library.is_ok())
        )),
        (Some(d), false) if d.tokenscope_passes == tokenscope => Ok(()),
        (Some(d), _) => Err(format!(
            "{name}: listed as a difference ({}), but Tokenscope {} {failed:?} and \
             openidconnect {} ({library:?}): update DIFFERENCES",
            d.why,
            word(tokenscope),
            word(library.is_ok())
        )),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openidconnect_agrees_with_every_verdict_but_the_listed_differences() {
    let mut runs: Vec<Run> = cases::validation_cases()
        .into_iter()
        .chain(cases::subject_cases())
        .map(|c| Run {
            name: c.name,
            setup: c.setup,
            token: c.token,
        })
        .collect();
    runs.extend(good_cases());
    // Every listed difference names a case that runs.
    for d in DIFFERENCES {
        assert!(
            runs.iter().any(|r| r.name == d.case),
            "DIFFERENCES names {:?}, which no case runs",
            d.case
        );
    }
    let count = runs.len();
    // One at a time: the provider signs with RSA in a debug build, and the engine's HTTP
    // limits here are 2 s.
    let mut failures = Vec::new();
    for run in runs {
        if let Err(e) = compare(run).await {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} cases:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
