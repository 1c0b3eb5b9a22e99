use super::*;

fn enc(json: &str) -> String {
    b64_encode(json.as_bytes())
}

fn token(header: &str, payload: &str) -> String {
    format!("{}.{}.c2ln", enc(header), enc(payload))
}

#[test]
fn decodes_a_jws_with_bearer_prefix_and_line_breaks() {
    let t = token(
        r#"{"alg":"RS256","kid":"k1"}"#,
        r#"{"sub":"u1","exp":1700000000}"#,
    );
    let pasted = format!("  Bearer {}\r\n{}  ", &t[..10], &t[10..]);
    let d = decode(&pasted).unwrap();
    assert_eq!(d.kind, TokenKind::Jws);
    assert_eq!(d.header_str("kid"), Some("k1"));
    assert_eq!(d.claim_str("sub"), Some("u1"));
    assert_eq!(d.signature_len, 3);
    assert_eq!(d.part_lengths.len(), 3);
}

#[test]
fn unsigned_jwe_and_opaque_are_recognised() {
    let d = decode(&format!("{}.{}.", enc(r#"{"alg":"none"}"#), enc("{}"))).unwrap();
    assert_eq!(d.kind, TokenKind::Unsigned);
    let jwe = format!(
        "{}.a.b.c.d",
        enc(r#"{"alg":"RSA-OAEP","enc":"A256GCM","kid":"e1"}"#)
    );
    let d = decode(&jwe).unwrap();
    assert_eq!(d.kind, TokenKind::Jwe);
    assert_eq!(d.header_str("enc"), Some("A256GCM"));
    assert!(d.payload.is_empty());
    assert_eq!(decode("AbC-dEf_123").unwrap().kind, TokenKind::Opaque);
}

#[test]
fn malformed_inputs_name_the_part() {
    let cases: Vec<(String, Part, &str)> = vec![
        ("a.b".into(), Part::Input, "2 dot-separated parts"),
        ("".into(), Part::Input, "empty"),
        ("abc.d$f.ghi".into(), Part::Input, "position 6"),
        (
            format!("{}.{}.x", enc("{"), enc("{}")),
            Part::Header,
            "not valid JSON",
        ),
        (
            format!("{}.{}.x", enc(r#"{"alg":"RS256"}"#), enc("[1]")),
            Part::Payload,
            "array",
        ),
        (
            format!(
                "{}.{}.x",
                enc(r#"{"alg":"RS256"}"#),
                enc(r#"{"a":1,"a":2}"#)
            ),
            Part::Payload,
            "duplicate member name `a`",
        ),
        (
            format!(
                "{}.{}.x",
                enc(r#"{"alg":"RS256"}"#),
                enc(r#"{"o":{"b":1,"b":1}}"#)
            ),
            Part::Payload,
            "duplicate",
        ),
        (
            format!(
                "{}.{}.x",
                enc(r#"{"alg":"RS256"}"#),
                enc(r#"{"exp":1e999}"#)
            ),
            Part::Payload,
            "not valid JSON",
        ),
        (
            format!("{}.{}.x", enc(r#"{"typ":"JWT"}"#), enc("{}")),
            Part::Header,
            "alg",
        ),
        ("eyJ.eyJ.x".into(), Part::Header, ""),
        (
            format!("{}.{}.x", enc(r#"{"alg":"RS256"}"#), "AAAA"),
            Part::Payload,
            "",
        ),
    ];
    for (input, part, needle) in cases {
        let e = decode(&input).expect_err(&input);
        assert_eq!(e.part, part, "{input}: {e}");
        assert!(e.to_string().contains(needle), "{input}: {e}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let e = decode(&format!("{}.{}.x", enc(r#"{"alg":"RS256"}"#), enc(&deep))).unwrap_err();
    assert_eq!(e.part, Part::Payload);
    assert!(e.message.contains("recursion"), "{e}");
}

#[test]
fn oversized_input_is_refused_before_decoding() {
    let big = "a".repeat(MAX_INPUT + 1);
    let e = decode(&big).unwrap_err();
    assert_eq!(e.part, Part::Input);
    assert!(e.message.contains("64 KiB"), "{e}");
}

#[test]
fn without_whitespace_drops_every_kind_of_whitespace_and_keeps_the_rest() {
    for text in [
        "eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.",
        "eyJh bGci\tOiJu\r\nb25l\x0BIn0\x0C.e30.",
        "a\u{a0}b\u{2028}c\u{3000}d",
        "héllo wörld",
        "",
        " \t\n",
    ] {
        let expected: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(without_whitespace(text), expected, "{text:?}");
    }
}
