//! Hostile provider, DPoP (RFC 9449): a token bound to another key, a token endpoint that does
//! not bind at all, and one that asks for a nonce again and again.

use super::*;
use tokenscope_core::oidc::dpop;

/// The header and claims of the DPoP proof a token request carried.
fn proof(ex: &Exchange) -> (serde_json::Value, serde_json::Value) {
    let jwt = ex
        .dpop
        .as_deref()
        .expect("a DPoP proof on the token request");
    let d = tokenscope_core::jose::jwt::decode(jwt).expect("the proof is a JWT");
    (
        serde_json::to_value(&d.header).unwrap(),
        serde_json::Value::Object(d.payload),
    )
}

/// A well-behaved DPoP token endpoint, except that the access token's `cnf.jkt` is `jkt(ex)`.
fn bound_to(jkt: impl Fn(&Exchange) -> String + Send + Sync + 'static) -> TokenFn {
    Arc::new(move |ex: &Exchange| {
        if let Some(problem) = ex.grant_problem() {
            return Reply::oauth_error("invalid_grant", &problem);
        }
        let access = testkit::sign(
            "RS256",
            &json!({"iss": ex.issuer, "aud": "api", "sub": SUBJECT, "exp": now() + 3600,
                    "iat": now(), "cnf": {"jkt": jkt(ex)}}),
        );
        let mut claims = ex.claims();
        claims["at_hash"] = json!(tokenscope_core::validate::at_hash("RS256", &access));
        let mut body = ex.token_response(&testkit::sign("RS256", &claims));
        body["access_token"] = json!(access);
        body["token_type"] = json!("DPoP");
        Reply::Json(200, body)
    })
}

fn dpop_harness(h: &mut Harness) {
    h.profile.dpop = true;
}

fn check(o: &Outcome, id: CheckId) -> &tokenscope_core::validate::Check {
    o.report
        .checks
        .iter()
        .find(|c| c.name == id)
        .unwrap_or_else(|| panic!("no {id} check: {:#?}", o.report))
}

#[tokio::test]
async fn a_token_bound_to_the_proofs_key_passes_and_one_bound_to_another_key_fails_in_plain_words()
{
    let mut h = Harness::new().await;
    dpop_harness(&mut h);
    // The proof is well formed, and the provider binds to the key in its header.
    h.provider.set_token(bound_to(|ex| {
        let (header, claims) = proof(ex);
        assert_eq!(header["typ"], "dpop+jwt");
        assert_eq!(claims["htm"], "POST");
        assert!(claims["htu"].as_str().unwrap().ends_with(TOKEN_PATH));
        assert!(claims.get("ath").is_none());
        dpop::thumbprint(&header["jwk"]).unwrap()
    }));
    let o = h.sign_in_ok().await;
    let thumb = h
        .engine
        .dpop_key("hostile")
        .await
        .unwrap()
        .unwrap()
        .thumbprint;
    assert!(check(&o, CheckId::DpopBinding).detail.contains(&thumb));

    // Another key's thumbprint in cnf.jkt: a failed check that names both, nothing stored.
    let mut h = Harness::new().await;
    dpop_harness(&mut h);
    let other = dpop::DpopKey::generate().thumbprint().to_owned();
    let named = other.clone();
    h.provider.set_token(bound_to(move |_| named.clone()));
    let o = h.sign_in().await.unwrap();
    assert!(!o.passed());
    let c = check(&o, CheckId::DpopBinding);
    assert!(!c.ok);
    let thumb = h
        .engine
        .dpop_key("hostile")
        .await
        .unwrap()
        .unwrap()
        .thumbprint;
    assert!(
        c.detail.contains("bound to another key")
            && c.detail.contains(&other)
            && c.detail.contains(&thumb),
        "{}",
        c.detail
    );
    assert_eq!(h.stored_refresh_token(), None, "{}", o.refresh_token.note);
}

#[tokio::test]
async fn a_provider_that_ignores_the_proof_and_issues_bearer_fails_the_token_type_check() {
    let mut h = Harness::new().await;
    dpop_harness(&mut h);
    // The default endpoint: token_type Bearer, an opaque access token.
    let o = h.sign_in().await.unwrap();
    assert!(h.provider.token_requests().len() == 1);
    let c = check(&o, CheckId::DpopTokenType);
    assert!(!c.ok && c.detail.contains("`Bearer`"), "{}", c.detail);
    assert!(!o.passed());

    // Without DPoP on the profile: no proof, no DPoP check.
    let h = Harness::new().await;
    let seen = Arc::new(Mutex::new(None));
    let s = seen.clone();
    let inner = issue(|_, _| {});
    h.provider.set_token(Arc::new(move |ex: &Exchange| {
        *s.lock().unwrap() = Some(ex.dpop.clone());
        inner(ex)
    }));
    let o = h.sign_in_ok().await;
    assert_eq!(*seen.lock().unwrap(), Some(None), "no DPoP header");
    assert!(o
        .report
        .checks
        .iter()
        .all(|c| c.name != CheckId::DpopTokenType && c.name != CheckId::DpopBinding));
}

#[tokio::test]
async fn a_nonce_demand_is_answered_once_and_a_second_one_ends_with_a_clear_error() {
    // Once: the retry carries the nonce, and the sign-in passes.
    let mut h = Harness::new().await;
    dpop_harness(&mut h);
    let good = bound_to(|ex| dpop::thumbprint(&proof(ex).0["jwk"]).unwrap());
    h.provider.set_token(Arc::new(move |ex: &Exchange| {
        if proof(ex).1.get("nonce").and_then(|n| n.as_str()) != Some("n-1") {
            return Reply::Headed(
                vec![("DPoP-Nonce", "n-1".into())],
                Box::new(Reply::oauth_error(
                    "use_dpop_nonce",
                    "Authorization server requires nonce in DPoP proof",
                )),
            );
        }
        good(ex)
    }));
    h.sign_in_ok().await;
    assert_eq!(h.provider.token_requests().len(), 2);

    // Always: two requests, then the provider's error with what it means; no loop.
    let mut h = Harness::new().await;
    dpop_harness(&mut h);
    h.provider.set_token(Arc::new(|ex: &Exchange| {
        Reply::Headed(
            vec![("DPoP-Nonce", format!("n-{}", ex.call))],
            Box::new(Reply::oauth_error(
                "use_dpop_nonce",
                "Authorization server requires nonce in DPoP proof",
            )),
        )
    }));
    let started = Instant::now();
    let e = expect_err(
        h.sign_in().await,
        "a provider that always wants a new nonce",
    );
    assert!(started.elapsed() < PROMPT);
    assert_eq!(h.provider.token_requests().len(), 2, "one retry, no loop");
    let Error::Provider(p) = &e else {
        panic!("a provider error: {e:?}")
    };
    assert_eq!(p.error, "use_dpop_nonce");
    let advice = p
        .advice
        .as_ref()
        .expect("the catalogue explains use_dpop_nonce");
    assert!(advice.meaning.contains("retry"), "{}", advice.meaning);
}
