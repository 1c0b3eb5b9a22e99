use super::*;
use crate::http::Method;
use std::sync::atomic::{AtomicUsize, Ordering};

fn decode_part(part: &str) -> Value {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("json")
}

fn verify(proof: &str, jwk: &Value) -> (Value, Value) {
    let parts: Vec<&str> = proof.split('.').collect();
    assert_eq!(parts.len(), 3);
    let key = jsonwebtoken::DecodingKey::from_ec_components(
        jwk["x"].as_str().unwrap(),
        jwk["y"].as_str().unwrap(),
    )
    .unwrap();
    let message = format!("{}.{}", parts[0], parts[1]);
    assert!(
        jsonwebtoken::crypto::verify(
            parts[2],
            message.as_bytes(),
            &key,
            jsonwebtoken::Algorithm::ES256
        )
        .unwrap(),
        "the proof's signature verifies with the jwk of its header"
    );
    (decode_part(parts[0]), decode_part(parts[1]))
}

#[test]
fn the_thumbprint_is_rfc_7638_as_in_rfc_9449s_example() {
    // RFC 9449 §4.1's proof key and the `cnf.jkt` of its bound token (§6.1).
    let jwk = serde_json::json!({
        "kty": "EC",
        "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs",
        "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA",
        "crv": "P-256"
    });
    assert_eq!(
        thumbprint(&jwk).as_deref(),
        Some("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")
    );
    // RFC 7638 §3.1's RSA example.
    let rsa = serde_json::json!({
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29"
    });
    assert_eq!(
        thumbprint(&rsa).as_deref(),
        Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    );
    assert_eq!(
        thumbprint(&serde_json::json!({"kty": "oct", "k": "AA"})),
        None
    );
}

#[test]
fn a_proof_names_method_url_time_token_and_nonce_and_is_signed_by_its_jwk() {
    let key = DpopKey::generate();
    let url = Url::parse("https://api.example/v1/me?x=1#frag").unwrap();
    let proof = key
        .proof("GET", &url, Some("the-token"), Some("n-1"), 1_700_000_000)
        .unwrap();
    let (header, claims) = verify(&proof, key.public_jwk());
    assert_eq!(header["typ"], "dpop+jwt");
    assert_eq!(header["alg"], "ES256");
    assert_eq!(&header["jwk"], key.public_jwk());
    assert!(header["jwk"].get("d").is_none(), "never the private key");
    assert_eq!(claims["htm"], "GET");
    assert_eq!(claims["htu"], "https://api.example/v1/me");
    assert_eq!(claims["iat"], 1_700_000_000);
    assert_eq!(claims["nonce"], "n-1");
    assert_eq!(claims["ath"], ath("the-token"));
    assert_eq!(
        ath("the-token"),
        b64_encode(&Sha256::digest(b"the-token")),
        "ath is SHA-256 of the token"
    );
    let again = key.proof("GET", &url, None, None, 1).unwrap();
    let (_, other) = verify(&again, key.public_jwk());
    assert_ne!(claims["jti"], other["jti"], "jti is unique");
    assert!(other.get("ath").is_none() && other.get("nonce").is_none());
    assert_eq!(
        thumbprint(key.public_jwk()).as_deref(),
        Some(key.thumbprint())
    );
}

#[test]
fn the_stored_key_reads_back_and_debug_hides_it() {
    let key = DpopKey::generate();
    let stored = key.to_stored();
    let back = DpopKey::from_stored(&stored).unwrap();
    assert_eq!(back.thumbprint(), key.thumbprint());
    let d: Value = serde_json::from_str(stored.expose()).unwrap();
    let d = d["d"].as_str().unwrap().to_owned();
    assert!(!format!("{key:?}").contains(&d));
    assert!(format!("{key:?}").contains("redacted"));
    for bad in ["", "{}", "not json", r#"{"kty":"oct","k":"AAAA"}"#] {
        assert!(DpopKey::from_stored(&Secret::new(bad)).is_err(), "{bad}");
    }
}

/// A server that asks for a nonce `demands` times, then answers 200; it records every request.
fn server(demands: usize, resource: bool) -> (Arc<dyn HttpClient>, Arc<Mutex<Vec<HttpRequest>>>) {
    let seen: Arc<Mutex<Vec<HttpRequest>>> = Arc::default();
    let count = Arc::new(AtomicUsize::new(0));
    let log = seen.clone();
    let client = move |request: HttpRequest| {
        let log = log.clone();
        let count = count.clone();
        async move {
            log.lock().unwrap().push(request);
            let n = count.fetch_add(1, Ordering::SeqCst);
            let nonce = format!("nonce-{n}");
            if n < demands {
                return Ok(if resource {
                    HttpResponse {
                        status: 401,
                        headers: vec![
                            (
                                "www-authenticate".into(),
                                r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#.into(),
                            ),
                            ("dpop-nonce".into(), nonce),
                        ],
                        body: Vec::new(),
                    }
                } else {
                    HttpResponse {
                        status: 400,
                        headers: vec![("dpop-nonce".into(), nonce)],
                        body: br#"{"error":"use_dpop_nonce","error_description":"nonce is required in the DPoP proof"}"#.to_vec(),
                    }
                });
            }
            Ok(HttpResponse {
                status: 200,
                headers: Vec::new(),
                body: b"{}".to_vec(),
            })
        }
    };
    (Arc::new(client), seen)
}

fn client(inner: Arc<dyn HttpClient>, bound: bool) -> (DpopClient, Arc<DpopKey>, Arc<Nonces>) {
    let key = Arc::new(DpopKey::generate());
    let nonces = Arc::new(Nonces::default());
    let c = DpopClient::new(
        inner,
        key.clone(),
        nonces.clone(),
        Some(Url::parse("https://idp.example/token").unwrap()),
        bound,
        Arc::new(|| 1_700_000_000),
    );
    (c, key, nonces)
}

fn proof_of(request: &HttpRequest) -> Option<String> {
    request
        .headers
        .iter()
        .find(|(n, _)| n == "DPoP")
        .map(|(_, v)| v.clone())
}

#[tokio::test]
async fn the_token_endpoints_nonce_demand_is_answered_once_and_remembered() {
    let (inner, seen) = server(1, false);
    let (c, key, nonces) = client(inner, false);
    let token = Url::parse("https://idp.example/token").unwrap();
    let r = c
        .send(HttpRequest::form(token.clone(), &[("grant_type", "x")]))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "one retry");
    let (_, first) = verify(&proof_of(&seen[0]).unwrap(), key.public_jwk());
    let (_, second) = verify(&proof_of(&seen[1]).unwrap(), key.public_jwk());
    assert!(first.get("nonce").is_none());
    assert_eq!(second["nonce"], "nonce-0");
    assert_eq!(second["htm"], "POST");
    assert_eq!(second["htu"], "https://idp.example/token");
    assert!(second.get("ath").is_none(), "no ath at the token endpoint");
    assert_eq!(nonces.for_url(&token).as_deref(), Some("nonce-0"));
}

#[tokio::test]
async fn a_server_that_asks_for_a_nonce_again_gets_no_third_request() {
    for resource in [false, true] {
        let (inner, seen) = server(usize::MAX, resource);
        let (c, _, _) = client(inner, true);
        let mut request = HttpRequest::get(Url::parse("https://api.example/me").unwrap());
        if resource {
            request
                .headers
                .push(("authorization".into(), "Bearer tok".into()));
        } else {
            request = HttpRequest::form(Url::parse("https://idp.example/token").unwrap(), &[]);
        }
        let r = c.send(request).await.unwrap();
        assert!(asks_for_nonce(&r), "the second demand comes back as it is");
        assert_eq!(
            seen.lock().unwrap().len(),
            2,
            "resource {resource}: two requests, no loop"
        );
    }
}

#[tokio::test]
async fn a_resource_request_carries_ath_and_the_dpop_scheme_when_bound() {
    let (inner, seen) = server(1, true);
    let (c, key, _) = client(inner, true);
    let mut request = HttpRequest::get(Url::parse("https://api.example/me?q=1").unwrap());
    request.method = Method::Get;
    request
        .headers
        .push(("authorization".into(), "Bearer tok".into()));
    assert_eq!(c.send(request).await.unwrap().status, 200);
    let seen = seen.lock().unwrap().clone();
    for r in seen.iter() {
        let auth = r
            .headers
            .iter()
            .find(|(n, _)| n == "authorization")
            .unwrap();
        assert_eq!(auth.1, "DPoP tok");
        let (_, claims) = verify(&proof_of(r).unwrap(), key.public_jwk());
        assert_eq!(claims["ath"], ath("tok"));
        assert_eq!(claims["htu"], "https://api.example/me");
    }
    let (_, claims) = verify(&proof_of(&seen[1]).unwrap(), key.public_jwk());
    assert_eq!(claims["nonce"], "nonce-0");

    // Not bound (the server issued a Bearer token): the scheme stays Bearer, the proof is sent.
    let (inner, seen) = server(0, true);
    let (c, _, _) = client(inner, false);
    let mut request = HttpRequest::get(Url::parse("https://api.example/me").unwrap());
    request
        .headers
        .push(("authorization".into(), "Bearer tok".into()));
    c.send(request).await.unwrap();
    let r = &seen.lock().unwrap()[0];
    assert!(r
        .headers
        .contains(&("authorization".into(), "Bearer tok".into())));
    assert!(proof_of(r).is_some());
}

#[tokio::test]
async fn metadata_and_keys_go_without_a_proof() {
    let (inner, seen) = server(0, false);
    let (c, _, _) = client(inner, true);
    c.send(HttpRequest::get(
        Url::parse("https://idp.example/.well-known/openid-configuration").unwrap(),
    ))
    .await
    .unwrap();
    c.send(HttpRequest::form(
        Url::parse("https://idp.example/revoke").unwrap(),
        &[],
    ))
    .await
    .unwrap();
    assert!(seen.lock().unwrap().iter().all(|r| proof_of(r).is_none()));
}

#[tokio::test]
async fn the_log_shows_each_request_as_sent_with_its_proof_and_the_nonce_retry_apart() {
    let (inner, seen) = server(1, false);
    let (c, key, _) = client(inner, false);
    let token = Url::parse("https://idp.example/token").unwrap();
    let (r, log) = crate::exchange::record(crate::http::send(
        &c,
        HttpRequest::form(token, &[("grant_type", "client_credentials")]),
    ))
    .await;
    assert_eq!(r.unwrap().status, 200);
    // Two entries: the first answer (400 use_dpop_nonce, the nonce) and the retry with it.
    assert_eq!(log.entries.len(), 2, "{}", log.timeline(500));
    assert_eq!(log.entries[0].status, Some(400));
    assert!(log.entries[0]
        .response_body
        .as_deref()
        .unwrap()
        .contains("use_dpop_nonce"));
    assert!(log.entries[0]
        .response_headers
        .iter()
        .any(|h| h.name == "dpop-nonce" && h.value == "nonce-0"));
    assert_eq!(log.entries[1].status, Some(200));
    let sent = seen.lock().unwrap().clone();
    for (entry, request) in log.entries.iter().zip(&sent) {
        let shown = entry
            .request_headers
            .iter()
            .find(|h| h.name == "DPoP")
            .expect("the proof is in the log")
            .value
            .clone();
        // Header and claims as sent; the signature masked, never shown.
        let proof = proof_of(request).unwrap();
        let (signed, signature) = proof.rsplit_once('.').unwrap();
        assert_eq!(shown, format!("{signed}.{}", crate::mask::SCRUBBED));
        let all = format!(
            "{log:?}{}{}",
            serde_json::to_string(&log).unwrap(),
            log.timeline(usize::MAX)
        );
        assert!(!all.contains(signature), "the signature is never shown");
        assert!(
            entry.curl.contains("\"DPoP: $DPOP_PROOF\""),
            "{}",
            entry.curl
        );
        // In the clear (copy as curl), the proof as it was sent.
        assert!(entry.curl(crate::exchange::Reveal::Clear).contains(&proof));
    }
    let (_, retried) = verify(&proof_of(&sent[1]).unwrap(), key.public_jwk());
    assert_eq!(retried["nonce"], "nonce-0");
    // The timeline decodes the proof: the retry's carries the nonce.
    let timeline = log.timeline(usize::MAX);
    assert!(timeline.contains(r#""typ":"dpop+jwt""#), "{timeline}");
    assert!(timeline.contains(r#""nonce":"nonce-0""#), "{timeline}");
}
