//! The inspector's tests: malformed input.

use super::*;

#[test]
fn malformed_inputs_give_precise_errors() {
    let big = "a".repeat(jwt::MAX_INPUT + 1);
    let cases: Vec<(String, Part, &str)> = vec![
        (String::new(), Part::Input, "empty"),
        ("   \n ".into(), Part::Input, "empty"),
        (big, Part::Input, "64 KiB"),
        ("a.b".into(), Part::Input, "2 dot-separated parts"),
        ("a.b.c.d".into(), Part::Input, "4 dot-separated parts"),
        ("abc.d$f.ghi".into(), Part::Input, "position 6"),
        (
            format!("{}.e30.x", enc("{")),
            Part::Header,
            "not valid JSON",
        ),
        (
            format!("{}.{}.x", enc(r#"{"alg":"RS256"}"#), enc("[]")),
            Part::Payload,
            "array",
        ),
        (
            format!(
                "{}.{}.x",
                enc(r#"{"alg":"RS256"}"#),
                enc(r#"{"a":1,"a":1}"#)
            ),
            Part::Payload,
            "duplicate member name `a`",
        ),
        (
            format!("{}.{}.x", enc(r#"{"alg":"RS256"}"#), enc(r#"{"n":1e400}"#)),
            Part::Payload,
            "not valid JSON",
        ),
        (
            format!("{}.{}.x!", enc(r#"{"alg":"RS256"}"#), enc("{}")),
            Part::Input,
            "not allowed",
        ),
        (
            format!("{}.{}.x", enc(r#"{"alg":"RS256"}"#), "e30$"),
            Part::Input,
            "position",
        ),
        (
            "https://jwt.ms/#state=only".into(),
            Part::Input,
            "no id_token",
        ),
        (
            "https://exa mple.com:99999/#id_token=x".into(),
            Part::Input,
            "not one",
        ),
        (
            r#"{"sub":"u1","name":"Ada"}"#.into(),
            Part::Input,
            "not a token response",
        ),
        (
            r#"{"id_token": 5}"#.into(),
            Part::Input,
            "`id_token` is not a string",
        ),
        (
            r#"{"id_token":"a","id_token":"b"}"#.into(),
            Part::Input,
            "duplicate",
        ),
        ("{not json".into(), Part::Input, "JSON token response"),
    ];
    for (input, part, needle) in cases {
        let e = inspect(&input, &opts()).expect_err(&input[..input.len().min(60)]);
        assert_eq!(e.part, part, "{input:.60}: {e}");
        assert!(e.to_string().contains(needle), "{input:.60}: {e}");
    }
}

#[test]
fn deeply_nested_json_is_an_error() {
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(5000), "]".repeat(5000));
    let e = inspect(
        &format!("{}.{}.x", enc(r#"{"alg":"RS256"}"#), enc(&deep)),
        &opts(),
    )
    .unwrap_err();
    assert_eq!(e.part, Part::Payload);
    let e = inspect(&deep, &opts()).unwrap_err();
    assert_eq!(e.part, Part::Input);
}
