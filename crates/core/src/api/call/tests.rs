use super::*;
use crate::api::diagnose::FindingCode;
use crate::http::{HttpError, HttpResponse};
use std::sync::{Arc, Mutex};

fn input(method: &str, url: &str) -> CallInput {
    CallInput {
        method: method.into(),
        url: url.into(),
        ..Default::default()
    }
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

#[test]
fn bad_input_gets_a_clear_error() {
    let cases: Vec<(CallInput, &str)> = vec![
        (
            input("FETCH", "https://a/"),
            "method `FETCH` is not one of GET, POST",
        ),
        (input("GET", "  "), "the URL is empty"),
        (input("GET", "api/orders"), "not an absolute URL"),
        (input("GET", "http://api.example.com/"), "plain http"),
        (input("GET", "ftp://api.example.com/"), "`ftp:`"),
        (
            input("GET", "https://u:p@api.example.com/"),
            "user name or password",
        ),
        (
            CallInput {
                headers: vec![Header {
                    name: "Authorization".into(),
                    value: "Basic x".into(),
                }],
                ..input("GET", "https://a/")
            },
            "sends the token in Authorization itself",
        ),
        (
            CallInput {
                headers: vec![Header {
                    name: "X Bad".into(),
                    value: "1".into(),
                }],
                ..input("GET", "https://a/")
            },
            "is not a header name",
        ),
        (
            CallInput {
                headers: vec![Header {
                    name: "X-A".into(),
                    value: "1\r\nX-B: 2".into(),
                }],
                ..input("GET", "https://a/")
            },
            "line break",
        ),
        (
            CallInput {
                body: Some("x".repeat(MAX_REQUEST_BODY + 1)),
                ..input("POST", "https://a/")
            },
            "the body is",
        ),
    ];
    for (i, needle) in cases {
        let e = prepare(&i).unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::Config);
        assert!(e.to_string().contains(needle), "{needle}: {e}");
    }
    assert!(Header::parse_line("no colon").is_err());
    let h = Header::parse_line(" X-Id :  a:b ").unwrap();
    assert_eq!((h.name.as_str(), h.value.as_str()), ("X-Id", "a:b"));
}

#[test]
fn loopback_http_is_allowed_and_a_json_body_gets_its_content_type() {
    let p = prepare(&CallInput {
        body: Some(r#"{"a":1}"#.into()),
        ..input("patch", "http://127.0.0.1:8080/api#frag")
    })
    .unwrap();
    assert_eq!(p.method, Method::Patch);
    assert_eq!(p.url.as_str(), "http://127.0.0.1:8080/api");
    let ct = p.headers.iter().find(|h| h.name == "Content-Type").unwrap();
    assert_eq!(ct.value, "application/json");
    let p = prepare(&CallInput {
        body: Some("plain".into()),
        headers: vec![Header {
            name: "content-type".into(),
            value: "text/csv".into(),
        }],
        ..input("POST", "https://a/")
    })
    .unwrap();
    let types: Vec<&str> = p
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("content-type"))
        .map(|h| h.value.as_str())
        .collect();
    assert_eq!(
        types,
        ["text/csv"],
        "the user's own content type is kept alone"
    );
}

#[test]
fn debug_never_shows_header_values_or_the_body() {
    let i = CallInput {
        headers: vec![Header {
            name: "X-Api-Key".into(),
            value: "k-secret".into(),
        }],
        body: Some("b-secret".into()),
        ..input("POST", "https://a/")
    };
    let shown = format!("{i:?} {:?}", prepare(&i).unwrap());
    assert!(
        !shown.contains("k-secret") && !shown.contains("b-secret"),
        "{shown}"
    );
    assert!(shown.contains("X-Api-Key"));
}

type Seen = Arc<Mutex<Vec<HttpRequest>>>;

/// An API that echoes what it got (headers and body), with this status and extra headers.
fn echo(status: u16, extra: Vec<(String, String)>, seen: Seen) -> impl HttpClient {
    move |request: HttpRequest| {
        let extra = extra.clone();
        seen.lock().unwrap().push(request.clone());
        async move {
            let echoed: Vec<String> = request
                .headers
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            let body = serde_json::json!({
                "headers": echoed,
                "body": String::from_utf8_lossy(&request.body),
            });
            let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
            headers.extend(extra);
            Ok::<_, HttpError>(HttpResponse {
                status,
                headers,
                body: body.to_string().into_bytes(),
            })
        }
    }
}

#[tokio::test]
async fn the_token_goes_in_authorization_and_nowhere_in_what_is_shown() {
    let seen = Seen::default();
    let token = Secret::new("eyJ0eXAi.the-token.sig");
    let api = echo(
        200,
        vec![("x-echo".into(), "Bearer eyJ0eXAi.the-token.sig".into())],
        seen.clone(),
    );
    let call = prepare(&CallInput {
        body: Some(r#"{"q":1}"#.into()),
        ..input("POST", "https://api.example.com/echo")
    })
    .unwrap();
    let c = send(&api, &call, &token, &Hints::default(), now())
        .await
        .unwrap();
    let sent = seen.lock().unwrap()[0].clone();
    assert_eq!(sent.method, Method::Post);
    assert!(sent.headers.contains(&(
        "authorization".into(),
        "Bearer eyJ0eXAi.the-token.sig".into()
    )));
    assert_eq!(sent.body, br#"{"q":1}"#);
    assert!(c.succeeded());
    assert_eq!(c.response.reason, "OK");
    let everything = format!(
        "{} {:?} {}",
        c.json(),
        c,
        String::from_utf8_lossy(&c.raw_body)
    );
    assert!(!everything.contains("the-token"), "{everything}");
    assert_eq!(
        c.json()["request"]["headers"]["Authorization"],
        "Bearer [redacted]"
    );
    assert_eq!(
        c.json()["response"]["headers"]["x-echo"],
        "Bearer [redacted]"
    );
    assert_eq!(
        c.json()["response"]["body"]["body"],
        r#"{"q":1}"#,
        "JSON bodies as values"
    );
    assert!(
        c.response.body.contains("\n  \"headers\""),
        "pretty-printed: {}",
        c.response.body
    );
    assert!(c.curl.contains("$TOKEN"), "{}", c.curl);
}

#[tokio::test]
async fn a_refusal_is_diagnosed_from_its_challenge() {
    let api = echo(
        403,
        vec![(
            "www-authenticate".into(),
            r#"Bearer error="insufficient_scope", scope="write""#.into(),
        )],
        Seen::default(),
    );
    let call = prepare(&input("GET", "https://api.example.com/orders")).unwrap();
    let c = send(
        &api,
        &call,
        &Secret::new("opaque"),
        &Hints::default(),
        now(),
    )
    .await
    .unwrap();
    assert!(!c.succeeded());
    assert_eq!(c.bearer.as_ref().unwrap().scope, ["write"]);
    let codes: Vec<FindingCode> = c.diagnosis.iter().map(|f| f.code).collect();
    assert_eq!(codes, [FindingCode::InsufficientScope]);
    assert_eq!(c.json()["diagnosis"][0]["code"], "insufficient_scope");
}

#[tokio::test]
async fn large_and_binary_bodies_are_capped_for_display_and_kept_for_saving() {
    let big = "x".repeat(DISPLAY_BODY + 10);
    let body = big.clone().into_bytes();
    let api = move |_r: HttpRequest| {
        let body = body.clone();
        async move {
            Ok::<_, HttpError>(HttpResponse {
                status: 200,
                headers: vec![("content-type".into(), "text/plain".into())],
                body,
            })
        }
    };
    let call = prepare(&input("GET", "https://a/")).unwrap();
    let c = send(&api, &call, &Secret::new("t"), &Hints::default(), now())
        .await
        .unwrap();
    assert!(c.response.body_truncated);
    assert_eq!(c.response.body.len(), DISPLAY_BODY);
    assert_eq!(c.response.body_bytes, big.len());
    assert_eq!(c.raw_body.len(), big.len());
    let binary = |_r: HttpRequest| async {
        Ok::<_, HttpError>(HttpResponse {
            status: 200,
            headers: vec![],
            body: vec![0x89, b'P', b'N', b'G', 0, 0xff],
        })
    };
    let c = send(&binary, &call, &Secret::new("t"), &Hints::default(), now())
        .await
        .unwrap();
    assert!(c.response.binary);
    assert_eq!(c.response.body, "[6 bytes of binary data]");
}

#[tokio::test]
async fn a_transport_failure_is_an_error_without_the_token() {
    let down = |r: HttpRequest| async move {
        let auth = r.headers[0].1.clone();
        Err::<HttpResponse, _>(HttpError::Connect(format!("refused while sending {auth}")))
    };
    let call = prepare(&input("GET", "https://a/")).unwrap();
    let e = send(
        &down,
        &call,
        &Secret::new("tok-123"),
        &Hints::default(),
        now(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), crate::error::ErrorKind::Network);
    assert!(!e.to_string().contains("tok-123"), "{e}");
    let e = send(&down, &call, &Secret::new(""), &Hints::default(), now())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("access token is empty"), "{e}");
}

#[test]
fn a_given_token_loses_its_header_name_and_scheme_and_nothing_else() {
    for text in [
        "eyJ0.eyJ1.sig",
        "  eyJ0.eyJ1.sig\n",
        "Bearer eyJ0.eyJ1.sig",
        "bearer   eyJ0.eyJ1.sig",
        "Authorization: Bearer eyJ0.eyJ1.sig",
        "AUTHORIZATION:bearer\teyJ0.eyJ1.sig\r\n",
    ] {
        assert_eq!(
            given_token(text).unwrap().expose(),
            "eyJ0.eyJ1.sig",
            "{text:?}"
        );
    }
    // An opaque token with padding; a token that merely starts with "Bearer".
    assert_eq!(
        given_token("abc+/~_-.x==").unwrap().expose(),
        "abc+/~_-.x=="
    );
    assert_eq!(given_token("Bearertoken").unwrap().expose(), "Bearertoken");
}

#[test]
fn a_given_token_that_would_change_the_header_is_refused_without_being_repeated() {
    let cases = [
        ("", "the token is empty"),
        ("Bearer ", "the token is empty"),
        ("eyJ0.secretpart\r\nX-Admin: 1", "white space"),
        ("eyJ0.secretpart eyJ9", "white space"),
        ("eyJ0.secret\u{0}part", "a control character"),
        ("eyJ0.secret\"part", "`\"`"),
        ("eyJ0=.secretpart", "`=`"),
        ("jéton", "`é` at character 2"),
    ];
    for (text, want) in cases {
        let e = given_token(text).unwrap_err().to_string();
        assert!(e.contains(want), "{text:?}: {e}");
        assert!(!e.contains("secretpart"), "{text:?} repeated: {e}");
    }
    let long = "a".repeat(crate::jose::jwt::MAX_INPUT + 1);
    assert!(given_token(&long)
        .unwrap_err()
        .to_string()
        .contains("bytes"));
}

#[tokio::test]
async fn the_advice_for_a_pasted_token_names_the_app_not_a_profile() {
    let api = echo(
        403,
        vec![(
            "www-authenticate".into(),
            r#"Bearer error="insufficient_scope", scope="https://t.example/api/write""#.into(),
        )],
        Seen::default(),
    );
    let call = prepare(&input("GET", "https://api.example.com/orders")).unwrap();
    let token = Secret::new("opaque");
    let profile = send(&api, &call, &token, &Hints::default(), now())
        .await
        .unwrap();
    let pasted = send(
        &api,
        &call,
        &token,
        &Hints {
            scopes: &[],
            pasted: true,
            dpop: false,
        },
        now(),
    )
    .await
    .unwrap();
    assert!(
        profile.diagnosis[0]
            .message
            .contains("to the profile's scopes"),
        "{}",
        profile.diagnosis[0].message
    );
    let said = &pasted.diagnosis[0].message;
    assert!(said.contains("`https://t.example/api/write`"), "{said}");
    assert!(
        said.contains("the scopes the app that got this token requests"),
        "{said}"
    );
    assert!(!said.contains("profile"), "{said}");
}
