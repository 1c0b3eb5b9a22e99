//! A call as a curl command line to replay it. The token is `$TOKEN` (a shell variable the
//! reader sets) unless the caller hands it over to write in the clear.

use super::call::PreparedCall;
use crate::exchange::curl_line;
use crate::mask::SCRUBBED;
use crate::secret::Secret;

/// The curl command for `call`: with `token` written in the clear when given, else with
/// `"Authorization: Bearer $TOKEN"` for the shell to fill in. Written by the one curl writer of
/// the exchange log ([`crate::exchange::curl_line`]).
pub fn command(call: &PreparedCall, token: Option<&Secret>) -> String {
    let bearer = match token {
        Some(t) => format!("Bearer {}", t.expose()),
        None => format!("Bearer {SCRUBBED}"),
    };
    let mut headers = vec![("Authorization".to_owned(), bearer)];
    headers.extend(
        call.headers
            .iter()
            .map(|h| (h.name.clone(), h.value.clone())),
    );
    curl_line(
        call.method.as_str(),
        call.url.as_str(),
        &headers,
        &String::from_utf8_lossy(&call.body),
    )
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
