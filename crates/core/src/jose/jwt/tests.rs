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

/// The decoder as it was, checking every character before anything else: the checks made only
/// when something fails must give the same result for every input.
fn decode_checking_first(token: &str) -> Result<Decoded, DecodeError> {
    if let Some((i, c)) = token
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=')))
    {
        return Err(DecodeError::new(
            Part::Input,
            format!(
                "character {:?} at position {} is not allowed in a token (base64url and dots only)",
                c,
                i + 1
            ),
        ));
    }
    decode_parts(token)
}

fn b64_checking_first(part: &str, which: Part) -> Result<Vec<u8>, DecodeError> {
    let unpadded = part.trim_end_matches('=');
    if let Some(i) = unpadded
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    {
        return Err(DecodeError::new(
            which,
            format!("invalid base64url character at position {}", i + 1),
        ));
    }
    URL_SAFE_NO_PAD
        .decode(unpadded)
        .map_err(|e| DecodeError::new(which, format!("invalid base64url: {e}")))
}

fn outcome(r: Result<Decoded, DecodeError>) -> String {
    match r {
        Ok(d) => format!(
            "{:?} {:?} {:?} {} {:?}",
            d.kind, d.header, d.payload, d.signature_len, d.part_lengths
        ),
        Err(e) => format!("error {e:?}"),
    }
}

#[test]
fn characters_checked_only_on_failure_give_the_same_outcomes() {
    use rand::{Rng, SeedableRng};
    let jws = token(r#"{"alg":"RS256","kid":"k1"}"#, r#"{"sub":"u1","n":[1,2]}"#);
    let unsigned = format!("{}.{}.", enc(r#"{"alg":"none"}"#), enc("{}"));
    let jwe = format!("{}.a.b.c.d", enc(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#));
    let seeds = [
        jws,
        unsigned,
        jwe,
        "AbC-dEf_123".to_owned(),
        "a.b".to_owned(),
    ];
    let odd = [
        '$', '=', '.', '!', ' ', '+', '/', 'é', '😀', '\u{0}', '\u{7f}', 'A', '-', '_',
    ];
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x6a77);
    let mut checked = 0;
    for seed in &seeds {
        for _ in 0..400 {
            let mut chars: Vec<char> = seed.chars().collect();
            for _ in 0..rng.gen_range(1..4) {
                let at = rng.gen_range(0..=chars.len());
                match rng.gen_range(0..3) {
                    0 if at < chars.len() => {
                        chars.remove(at);
                    }
                    1 if at < chars.len() => chars[at] = odd[rng.gen_range(0..odd.len())],
                    _ => chars.insert(at, odd[rng.gen_range(0..odd.len())]),
                }
            }
            let text: String = chars.into_iter().collect();
            assert_eq!(
                outcome(decode_cleaned(&text)),
                outcome(decode_checking_first(&text)),
                "{text:?}"
            );
            for part in text.split('.') {
                assert_eq!(
                    b64(part, Part::Payload),
                    b64_checking_first(part, Part::Payload),
                    "{part:?}"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 2000);
}

#[test]
fn printable_ascii_is_exact() {
    let mut rng = {
        use rand::SeedableRng;
        rand::rngs::StdRng::seed_from_u64(7)
    };
    for len in 0..40 {
        for _ in 0..200 {
            use rand::Rng;
            let bytes: Vec<u8> = (0..len)
                .map(|_| match rng.gen_range(0..4) {
                    0 => rng.gen_range(0..=255),
                    _ => rng.gen_range(0x21..0x80),
                })
                .collect();
            let expected = bytes.iter().all(|b| (0x21..0x80).contains(b));
            assert_eq!(printable_ascii(&bytes), expected, "{bytes:?}");
        }
    }
}

#[test]
fn clean_owned_is_clean_input_without_the_copy() {
    let big = "a".repeat(MAX_INPUT + 1);
    for text in [
        "eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.",
        "  Bearer eyJh.e30.\r\n",
        "bearer\teyJh.e30.",
        "BEARER eyJh",
        "Bearer",
        "Bearerx.y.z",
        "",
        " \t\n",
        "héllo wörld",
        "a\u{1}b",
        big.as_str(),
    ] {
        assert_eq!(
            clean_owned(text.to_owned()),
            clean_input(text),
            "{text:.40?}"
        );
    }
    let token = "eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.".to_owned();
    let at = token.as_ptr();
    let cleaned = clean_owned(token).unwrap();
    assert_eq!(cleaned.as_ptr(), at, "not copied");
}
