//! A call as a curl command line to replay it. The token is `$TOKEN` (a shell variable the
//! reader sets) unless the caller hands it over to write in the clear.

use super::call::PreparedCall;
use crate::http::Method;
use crate::secret::Secret;

/// The curl command for `call`: with `token` written in the clear when given, else with
/// `"Authorization: Bearer $TOKEN"` for the shell to fill in.
pub fn command(call: &PreparedCall, token: Option<&Secret>) -> String {
    let mut parts: Vec<String> = vec!["curl".into()];
    match call.method {
        Method::Get => {}
        Method::Head => parts.push("--head".into()),
        other => {
            parts.push("-X".into());
            parts.push(other.as_str().into());
        }
    }
    parts.push(quote(call.url.as_str()));
    parts.push("-H".into());
    parts.push(match token {
        Some(t) => quote(&format!("Authorization: Bearer {}", t.expose())),
        None => "\"Authorization: Bearer $TOKEN\"".into(),
    });
    for h in &call.headers {
        parts.push("-H".into());
        parts.push(quote(&format!("{}: {}", h.name, h.value)));
    }
    if !call.body.is_empty() {
        parts.push("--data-raw".into());
        parts.push(quote(&String::from_utf8_lossy(&call.body)));
    }
    parts.join(" ")
}

/// POSIX shell quoting: bare when safe, else single quotes.
fn quote(text: &str) -> String {
    shell_words::quote(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::call::{prepare, CallInput, Header};

    fn call(method: &str, body: Option<&str>) -> PreparedCall {
        prepare(&CallInput {
            method: method.into(),
            url: "https://api.example.com/orders?id=1&x=it's".into(),
            headers: vec![Header {
                name: "X-Trace".into(),
                value: "a b".into(),
            }],
            body: body.map(str::to_owned),
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn the_token_is_a_shell_variable_unless_asked_for() {
        let c = call("post", Some(r#"{"n":"it's"}"#));
        let masked = command(&c, None);
        assert_eq!(
            masked,
            r#"curl -X POST 'https://api.example.com/orders?id=1&x=it%27s' -H "Authorization: Bearer $TOKEN" -H 'X-Trace: a b' -H 'Content-Type: application/json' -H 'Accept: application/json, */*;q=0.8' --data-raw '{"n":"it'\''s"}'"#
        );
        let clear = command(&c, Some(&Secret::new("eyJ.secret.sig")));
        assert!(
            clear.contains("'Authorization: Bearer eyJ.secret.sig'"),
            "{clear}"
        );
        assert!(!masked.contains("eyJ"));
    }

    #[test]
    fn get_and_head_need_no_method_flag() {
        assert!(command(&call("GET", None), None).starts_with("curl 'https://"));
        assert!(command(&call("head", None), None).starts_with("curl --head 'https://"));
    }
}
