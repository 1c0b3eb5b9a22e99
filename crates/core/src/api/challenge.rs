//! `WWW-Authenticate` challenges (RFC 9110 §11.6.1, the syntax of RFC 7235): every challenge of
//! every header, with the Bearer parameters of RFC 6750 §3 and the ones Entra ID adds
//! (`authorization_uri`, `resource_id`, `client_id`). Parsing never fails: what does not follow
//! the syntax is skipped, and sizes are capped (the header comes from the API).

use serde::Serialize;

/// At most this many challenges are kept from one response.
const MAX_CHALLENGES: usize = 16;
/// At most this many parameters per challenge.
const MAX_PARAMS: usize = 32;
/// Header text looked at, per header.
const MAX_HEADER: usize = 16 * 1024;

/// One challenge: a scheme and its parameters (names in lower case, values unquoted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Challenge {
    /// The scheme as sent (`Bearer`, `Basic`, `Negotiate`...).
    pub scheme: String,
    /// A token68 instead of parameters (`Negotiate abc==`).
    pub token68: Option<String>,
    /// `name=value` parameters, in order.
    pub params: Vec<ChallengeParam>,
}

/// One `name=value` parameter of a challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChallengeParam {
    /// Lower-case name.
    pub name: String,
    /// The value, unquoted.
    pub value: String,
}

impl Challenge {
    /// The first parameter of this name (any case).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .map(|p| p.value.as_str())
    }

    /// Whether this is a Bearer challenge.
    pub fn is_bearer(&self) -> bool {
        self.scheme.eq_ignore_ascii_case("bearer")
    }
}

/// What a Bearer challenge says (RFC 6750 §3, plus Entra's parameters).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BearerChallenge {
    /// `realm`.
    pub realm: Option<String>,
    /// `error`: `invalid_request`, `invalid_token`, `insufficient_scope` (or another word).
    pub error: Option<String>,
    /// `error_description`, as sent.
    pub error_description: Option<String>,
    /// `error_uri`.
    pub error_uri: Option<String>,
    /// `scope`: the scopes the API needs, split on spaces.
    pub scope: Vec<String>,
    /// Entra ID: the authority the API trusts.
    pub authorization_uri: Option<String>,
    /// Entra ID: the resource (App ID or App ID URI) the API is.
    pub resource_id: Option<String>,
    /// Entra ID: the client the API expects tokens for (Graph names its own app ID).
    pub client_id: Option<String>,
}

impl BearerChallenge {
    /// The Bearer view of a challenge; `None` for another scheme.
    pub fn of(challenge: &Challenge) -> Option<Self> {
        if !challenge.is_bearer() {
            return None;
        }
        let get = |n: &str| {
            challenge
                .param(n)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Some(Self {
            realm: challenge.param("realm").map(str::to_owned),
            error: get("error"),
            error_description: get("error_description"),
            error_uri: get("error_uri"),
            scope: challenge
                .param("scope")
                .map(|s| s.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
            authorization_uri: get("authorization_uri"),
            resource_id: get("resource_id"),
            client_id: get("client_id"),
        })
    }
}

/// Every challenge of the given `WWW-Authenticate` header values, in order.
pub fn parse<'a>(headers: impl IntoIterator<Item = &'a str>) -> Vec<Challenge> {
    let mut out: Vec<Challenge> = Vec::new();
    for header in headers {
        let header = cut(header, MAX_HEADER);
        // A parameter belongs to the challenge before it in the same header only.
        let mut current: Option<usize> = None;
        for item in split_items(header) {
            match parse_item(&item) {
                Item::Challenge(c) => {
                    if out.len() == MAX_CHALLENGES {
                        return out;
                    }
                    out.push(c);
                    current = Some(out.len() - 1);
                }
                Item::Param(p) => {
                    if let Some(c) = current.and_then(|i| out.get_mut(i)) {
                        if c.token68.is_none() && c.params.len() < MAX_PARAMS {
                            c.params.push(p);
                        }
                    }
                }
                Item::Nothing => {}
            }
        }
    }
    out
}

/// The text cut at a character boundary at most `max` bytes in.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The header split at commas outside quoted strings.
fn split_items(header: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut item = String::new();
    let mut chars = header.chars();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                item.push(c);
            }
            '\\' if quoted => {
                item.push(c);
                if let Some(next) = chars.next() {
                    item.push(next);
                }
            }
            ',' if !quoted => items.push(std::mem::take(&mut item)),
            _ => item.push(c),
        }
    }
    items.push(item);
    items
}

enum Item {
    Challenge(Challenge),
    Param(ChallengeParam),
    Nothing,
}

/// RFC 9110 `tchar`.
fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

fn is_token68_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~+/".contains(c)
}

/// A leading token and the rest after it.
fn token(text: &str) -> (&str, &str) {
    let end = text.find(|c: char| !is_tchar(c)).unwrap_or(text.len());
    text.split_at(end)
}

fn parse_item(item: &str) -> Item {
    let text = item.trim_matches([' ', '\t']);
    let (first, rest) = token(text);
    if first.is_empty() {
        return Item::Nothing;
    }
    let after = rest.trim_start_matches([' ', '\t']);
    if let Some(value) = after.strip_prefix('=') {
        return param(first, value).map_or(Item::Nothing, Item::Param);
    }
    if after.is_empty() {
        return Item::Challenge(Challenge {
            scheme: first.to_owned(),
            token68: None,
            params: Vec::new(),
        });
    }
    if rest.len() == after.len() {
        // Something other than a space right after the scheme: not a challenge.
        return Item::Nothing;
    }
    let mut challenge = Challenge {
        scheme: first.to_owned(),
        token68: None,
        params: Vec::new(),
    };
    let (name, value) = token(after);
    let value = value.trim_start_matches([' ', '\t']);
    match value.strip_prefix('=').and_then(|v| param(name, v)) {
        Some(p) if !name.is_empty() => challenge.params.push(p),
        _ if is_token68(after) => challenge.token68 = Some(after.to_owned()),
        _ => {}
    }
    Item::Challenge(challenge)
}

fn is_token68(text: &str) -> bool {
    let body = text.trim_end_matches('=');
    !body.is_empty() && body.chars().all(is_token68_char)
}

/// `name = value` once the `=` is taken: a quoted string or a token, nothing after it.
fn param(name: &str, value: &str) -> Option<ChallengeParam> {
    let value = value.trim_matches([' ', '\t']);
    let value = if let Some(inner) = value.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = inner.chars();
        let mut closed = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' => out.push(chars.next()?),
                '"' => {
                    closed = true;
                    break;
                }
                _ => out.push(c),
            }
        }
        if !closed || !chars.as_str().trim().is_empty() {
            return None;
        }
        out
    } else {
        if value.is_empty() || !value.chars().all(is_tchar) {
            return None;
        }
        value.to_owned()
    };
    Some(ChallengeParam {
        name: name.to_ascii_lowercase(),
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(header: &str) -> Challenge {
        let all = parse([header]);
        assert_eq!(all.len(), 1, "{all:?}");
        all.into_iter().next().unwrap()
    }

    #[test]
    fn rfc_6750_bearer_challenge_with_quoted_commas_and_escapes() {
        let c = one(
            r#"Bearer realm="example", error="invalid_token", error_description="The access token expired, \"really\"", scope="read write""#,
        );
        let b = BearerChallenge::of(&c).unwrap();
        assert_eq!(b.realm.as_deref(), Some("example"));
        assert_eq!(b.error.as_deref(), Some("invalid_token"));
        assert_eq!(
            b.error_description.as_deref(),
            Some(r#"The access token expired, "really""#)
        );
        assert_eq!(b.scope, ["read", "write"]);
    }

    #[test]
    fn entra_challenge_with_authorization_uri_and_resource_id() {
        let c = one(
            r#"Bearer authorization_uri="https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/authorize", error="invalid_token", error_description="The audience is invalid", resource_id="api://7f3f3b66-4f3a-4b5e-9a0e-0b0f4bb0f2a1""#,
        );
        let b = BearerChallenge::of(&c).unwrap();
        assert!(b
            .authorization_uri
            .as_deref()
            .unwrap()
            .ends_with("/oauth2/authorize"));
        assert_eq!(
            b.resource_id.as_deref(),
            Some("api://7f3f3b66-4f3a-4b5e-9a0e-0b0f4bb0f2a1")
        );
        // Graph's form: realm empty, client_id.
        let c = one(
            r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000""#,
        );
        let b = BearerChallenge::of(&c).unwrap();
        assert_eq!(b.realm.as_deref(), Some(""));
        assert_eq!(
            b.client_id.as_deref(),
            Some("00000003-0000-0000-c000-000000000000")
        );
        assert_eq!(b.error, None);
    }

    #[test]
    fn several_challenges_in_one_header_and_across_headers() {
        let all = parse([
            r#"Negotiate, Basic realm="legacy", charset="UTF-8", bearer error=insufficient_scope"#,
            "Negotiate YIIabc==",
        ]);
        let schemes: Vec<&str> = all.iter().map(|c| c.scheme.as_str()).collect();
        assert_eq!(schemes, ["Negotiate", "Basic", "bearer", "Negotiate"]);
        assert_eq!(all[1].param("charset"), Some("UTF-8"));
        assert_eq!(all[1].param("realm"), Some("legacy"));
        assert!(all[2].is_bearer());
        assert_eq!(all[2].param("error"), Some("insufficient_scope"));
        assert_eq!(all[3].token68.as_deref(), Some("YIIabc=="));
        assert!(all[3].params.is_empty());
    }

    #[test]
    fn nonsense_is_skipped_never_a_panic() {
        for header in [
            "",
            ",,,",
            "=",
            "Bearer error=\"unterminated",
            "\"quoted\" first",
            "Bearer =x, error=",
            "Bearer error=\"a\" trailing",
            "ü, Bearer ü=ü",
            "Bearer \\",
        ] {
            let _ = parse([header]);
        }
        // A lost parameter before any scheme belongs to nothing.
        assert!(parse(["error=\"x\""]).is_empty());
        // An unterminated quote does not give a parameter.
        assert!(one("Bearer error=\"unterminated").params.is_empty());
        // Huge headers are cut, and the number of challenges is capped.
        let many = "Basic, ".repeat(10_000);
        assert_eq!(parse([many.as_str()]).len(), MAX_CHALLENGES);
    }

    #[test]
    fn a_parameter_does_not_join_a_challenge_of_another_header() {
        let all = parse(["Bearer", "error=\"invalid_token\""]);
        assert_eq!(all.len(), 1);
        assert!(all[0].params.is_empty());
    }
}
