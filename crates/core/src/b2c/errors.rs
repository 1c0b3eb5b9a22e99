//! What Azure AD B2C's `AADB2Cnnnnn` error codes and the standard OAuth 2.0 / OpenID Connect
//! error codes any provider sends (`login_required`, `invalid_scope`, ...) mean, and what a
//! tester can do about each; the lookups also answer the `AADSTS` codes of Entra ID and External
//! ID (their list is in `b2c/aadsts.rs`). Written for Tokenscope, in its own words; the
//! provider's own message is always shown next to it. What the request sent is added by
//! `sent.rs`.

use serde::Serialize;

/// What part of the set-up an error points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorArea {
    /// The user did something in the pages (cancelled, forgot the password, ...).
    User,
    /// The app registration (redirect URIs, client type, permissions).
    Registration,
    /// The request Tokenscope sent (parameters, scopes, PKCE).
    Request,
    /// A code or refresh token (expired, revoked, used twice).
    Grant,
    /// The user flow or custom policy itself.
    Policy,
    /// An upstream identity provider or a REST API called by the policy.
    Upstream,
    /// The account (locked, unknown, disabled).
    Account,
    /// The service (throttling, outage).
    Service,
}

/// Something Tokenscope can offer to do about an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorAction {
    /// Start the tenant's password-reset policy, then return to sign-in.
    PasswordReset,
    /// Show the exact `redirect_uri` sent and the registration rules for desktop apps.
    CheckRedirectUri,
    /// The grant is gone: sign in again in the browser.
    SignInAgain,
}

/// One catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorAdvice {
    /// `AADB2C90118`, `AADSTS50011`, ...
    pub code: String,
    /// What it means, in one or two sentences.
    pub meaning: String,
    /// What to do.
    pub advice: String,
    /// What it points at.
    pub area: ErrorArea,
    /// What Tokenscope can do about it, if anything.
    pub action: Option<ErrorAction>,
    /// Rules that go with the advice (for redirect URI errors: how desktop apps register them).
    pub details: Vec<String>,
    /// The values of the request this error concerns, as they were sent (`client_id`,
    /// `redirect_uri`, `scope`, `prompt`, ...); empty when the request is not known.
    pub sent: Vec<SentValue>,
    /// What the request sent says about this error ("This request sent prompt=none, which
    /// needs an existing session ..."), when the request is known and it says something.
    pub note: Option<String>,
}

/// One parameter of a request, as it was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SentValue {
    /// The parameter's name (`client_id`, `redirect_uri`, ...).
    pub name: String,
    /// Its value, decoded from the URL.
    pub value: String,
}

use ErrorAction::{CheckRedirectUri, PasswordReset, SignInAgain};
use ErrorArea::{Account, Grant, Policy, Registration, Request, Service, Upstream, User};

/// A catalogue row: (code, area, action, meaning, advice).
pub(super) type Row = (
    &'static str,
    ErrorArea,
    Option<ErrorAction>,
    &'static str,
    &'static str,
);

/// The AADB2C catalogue: (code, area, action, meaning, advice).
const ROWS: &[Row] = &[
    ("AADB2C90001", Policy, None,
     "The sign-up step found an account that already exists, and the policy does not allow creating it twice.",
     "Sign in with the existing account, or delete the test user in the tenant before signing up again."),
    ("AADB2C90002", Policy, None,
     "The custom page content (HTML template) the policy points at answered 404.",
     "Check the page URL (LoadUri / page layout) in the policy and that the storage serving it allows CORS from b2clogin.com."),
    ("AADB2C90006", Registration, Some(CheckRedirectUri),
     "The redirect_uri sent is not registered for this client ID.",
     "Add the exact redirect URI Tokenscope sent to the app registration (Authentication › Mobile and desktop applications), or change the profile's redirect settings to one that is registered."),
    ("AADB2C90007", Registration, Some(CheckRedirectUri),
     "The app registration has no redirect URI at all.",
     "Add a redirect URI to the app registration; for Tokenscope, `http://localhost` under Mobile and desktop applications."),
    ("AADB2C90008", Request, None,
     "The request carried no client_id.",
     "Fill in the profile's client ID (the app registration's Application (client) ID)."),
    ("AADB2C90010", Request, None,
     "The request carried no scope parameter.",
     "Tokenscope always sends `openid`; if this appears, an extra parameter may be overriding `scope`: check the profile's extra parameters."),
    ("AADB2C90011", Request, None,
     "The client ID sent does not match the client ID the custom policy expects.",
     "Use the app registration the policy is wired to, or update the policy's client ID."),
    ("AADB2C90012", Request, None,
     "A scope in the request is not supported by B2C.",
     "Remove scopes B2C does not know; API scopes must be full URIs such as https://contoso.onmicrosoft.com/api/read."),
    ("AADB2C90013", Request, None,
     "The response_type asked for is not supported.",
     "Tokenscope uses the code flow; check the profile's extra parameters for a response_type override."),
    ("AADB2C90014", Request, None,
     "The response_mode asked for is not supported.",
     "Use query (default) or form_post; remove other response_mode values from the extra parameters."),
    ("AADB2C90016", Request, None,
     "The client assertion type sent is not the one expected.",
     "Confidential clients using certificates must send urn:ietf:params:oauth:client-assertion-type:jwt-bearer."),
    ("AADB2C90017", Request, None,
     "The client assertion sent is not valid.",
     "Check the certificate or key used to sign the client assertion and its audience (the token endpoint)."),
    ("AADB2C90018", Registration, None,
     "The client ID is not registered in this tenant.",
     "Copy the Application (client) ID from the app registration of this same B2C tenant; an app from another tenant does not work."),
    ("AADB2C90019", Policy, None,
     "A key container the policy refers to is not valid.",
     "Check the policy keys (Identity Experience Framework › Policy keys) named by the policy."),
    ("AADB2C90021", Policy, None,
     "A technical profile the policy refers to does not exist.",
     "Upload the base and extension policy files in order and check the technical profile IDs."),
    ("AADB2C90022", Policy, None,
     "B2C could not build the metadata for this policy.",
     "Check the policy name in the authority and that the policy is uploaded and valid."),
    ("AADB2C90027", Upstream, None,
     "The basic credentials configured for a REST API call are not valid.",
     "Update the policy key holding the REST API's user name and password."),
    ("AADB2C90028", Upstream, None,
     "The client certificate configured for a REST API call is not valid.",
     "Upload a valid certificate (with its private key) to the policy key used by the REST technical profile."),
    ("AADB2C90031", Policy, None,
     "The policy has no default user journey.",
     "Set DefaultUserJourney in the relying party policy."),
    ("AADB2C90035", Service, None,
     "The service is temporarily unavailable.",
     "Try again in a moment; if it persists, quote the Correlation ID and Timestamp to support."),
    ("AADB2C90036", Request, None,
     "The logout request has no usable post-logout redirect URI.",
     "Register the post_logout_redirect_uri on the app registration, or send none."),
    ("AADB2C90037", Policy, None,
     "An error occurred while processing the request (a generic policy failure).",
     "Look up the Correlation ID in Application Insights (custom policies) or quote it to support."),
    ("AADB2C90039", Policy, None,
     "A client assertion was sent, but the policy has no client secret configured for the relying party.",
     "Configure the relying party's client secret in the policy, or send no client assertion."),
    ("AADB2C90040", Policy, None,
     "The user journey has no step that sends claims back to the app.",
     "Add a SendClaims orchestration step as the journey's last step."),
    ("AADB2C90043", Request, None,
     "The prompt parameter has a value B2C does not accept.",
     "Use none, login, consent or select_account (or leave prompt empty)."),
    ("AADB2C90044", Policy, None,
     "A claim referenced by a key or a claims transformation is not defined.",
     "Add the claim to the policy's ClaimsSchema."),
    ("AADB2C90046", User, None,
     "B2C lost the state of the user's session (a page was reloaded, cookies were blocked or the session expired).",
     "Start the sign-in again; allow cookies for the b2clogin.com domain in the browser."),
    ("AADB2C90047", Policy, None,
     "The custom page contains script errors that stop it from loading.",
     "Fix the JavaScript of the custom page template, or switch JavaScript off in the page layout."),
    ("AADB2C90048", Service, None,
     "An unhandled exception occurred on B2C's side.",
     "Try again; quote the Correlation ID and Timestamp to support if it repeats."),
    ("AADB2C90051", Policy, None,
     "No suitable identity provider (claims provider) was found for this step.",
     "Check the claims provider selection and the technical profiles enabled in the journey."),
    ("AADB2C90053", Account, None,
     "No user with the credential that was typed exists.",
     "Check the user name, or sign up first."),
    ("AADB2C90054", Account, None,
     "The user name or password is wrong.",
     "Type the password again, or use “Forgot your password?”."),
    ("AADB2C90055", Request, None,
     "An ID token was asked for without the openid scope.",
     "Keep openid in the scopes (Tokenscope adds it unless an extra parameter replaces the scope)."),
    ("AADB2C90057", Registration, None,
     "The app is not allowed to use the implicit flow.",
     "Tokenscope uses the code flow; remove response_type=token/id_token overrides, or enable implicit grant only if you really test it."),
    ("AADB2C90058", Registration, None,
     "The app registration does not allow public clients.",
     "Enable “Allow public client flows” on the app registration, or use a confidential client with its secret."),
    ("AADB2C90067", Request, None,
     "The post-logout redirect URI is not well formed (it must be https, or localhost).",
     "Use an https post_logout_redirect_uri registered on the app."),
    ("AADB2C90068", Registration, None,
     "The client ID belongs to an application that cannot be used with B2C.",
     "Register the app in the B2C tenant (App registrations) for Azure AD B2C users."),
    ("AADB2C90075", Upstream, None,
     "A claims exchange (REST API or identity provider call) did not complete as expected.",
     "Check the technical profile's endpoint and what it returned; Application Insights shows the call."),
    ("AADB2C90077", User, None,
     "prompt=none was sent but the user has no session at B2C.",
     "Sign in without prompt=none first, or remove prompt=none from the profile."),
    ("AADB2C90079", Registration, None,
     "The grant was issued to a confidential client, so the token request needs the client secret.",
     "Give the profile the client secret, or register the redirect URI under Mobile and desktop applications (public client)."),
    ("AADB2C90080", Grant, Some(SignInAgain),
     "The code or refresh token has expired (refresh tokens also expire at the end of their sliding window).",
     "Sign in again in the browser; the user flow's token lifetime settings decide how long refresh tokens live."),
    ("AADB2C90081", Registration, None,
     "The client secret sent is wrong for this client.",
     "Copy a current secret from the app registration (Certificates & secrets); expired secrets fail too."),
    ("AADB2C90083", Request, None,
     "The token request has no grant_type.",
     "This is a client bug; Tokenscope always sends it, so check a proxy in between."),
    ("AADB2C90084", Registration, None,
     "A public client sent a client secret when redeeming a grant it got as a public client.",
     "Remove the client secret from the profile for this registration."),
    ("AADB2C90085", Service, Some(SignInAgain),
     "B2C hit an internal error while redeeming the grant.",
     "Sign in again; quote the Correlation ID if it repeats."),
    ("AADB2C90086", Request, None,
     "The grant_type sent is not supported.",
     "Use authorization_code or refresh_token."),
    ("AADB2C90087", Grant, Some(SignInAgain),
     "The grant was not issued for this endpoint (another policy or tenant).",
     "Refresh tokens belong to the policy that issued them: sign in again with this policy."),
    ("AADB2C90088", Grant, Some(SignInAgain),
     "The grant was issued for another endpoint than the one it was redeemed at.",
     "Redeem codes and refresh tokens at the token endpoint of the policy that issued them, or sign in again."),
    ("AADB2C90090", Request, None,
     "A token that should be an encrypted JWE is not one.",
     "Check the id_token_hint or client assertion that was sent."),
    ("AADB2C90091", User, None,
     "The user cancelled in the B2C pages.",
     "Nothing is wrong with the set-up; sign in again and complete the pages."),
    ("AADB2C90111", Account, None,
     "The account is locked.",
     "An administrator must unlock it (reset the password or unblock the user)."),
    ("AADB2C90114", Account, None,
     "The account is temporarily locked after too many failed attempts.",
     "Wait for the lockout to pass (smart lockout), then try again."),
    ("AADB2C90117", Request, None,
     "A scope in the request is not supported.",
     "Check the scopes against the API's exposed scopes and the permissions granted to the app."),
    ("AADB2C90118", User, Some(PasswordReset),
     "The user chose “Forgot your password?” in a sign-in flow that has no self-service password reset built in.",
     "Start the tenant's password-reset policy, then return to sign-in (the desktop app does both in one click; on the command line, `signin --policy` with the reset policy)."),
    ("AADB2C90129", Grant, Some(SignInAgain),
     "The grant has been revoked (password changed, sessions revoked by an administrator).",
     "Sign in again in the browser."),
    ("AADB2C90145", Policy, None,
     "The policy needs a verified phone number but the user has none and cannot add one.",
     "Let the policy collect a phone number, or give the test user one."),
    ("AADB2C90146", Request, None,
     "The scopes name more than one resource (API); one access token is for one API.",
     "Keep scopes of a single API in the profile, and sign in once per API."),
    ("AADB2C90151", User, None,
     "The user went over the allowed number of verification attempts.",
     "Wait and try again later."),
    ("AADB2C90157", User, None,
     "The user went over the allowed number of retries for a step of the flow.",
     "Start the sign-in again."),
    ("AADB2C90182", Request, None,
     "The code_verifier sent to the token endpoint does not match the code_challenge of the authorization request.",
     "The verifier belongs to another attempt: sign in again (Tokenscope makes a new pair for each sign-in)."),
    ("AADB2C90183", Request, None,
     "The code_verifier is not valid (wrong length or characters).",
     "Sign in again; a verifier is 43–128 characters of the PKCE alphabet."),
    ("AADB2C90205", Registration, None,
     "The app has no permission to the API it asked a token for.",
     "Add the API permission to the app registration and grant admin consent."),
    ("AADB2C90208", Request, None,
     "The id_token_hint sent has expired.",
     "Sign in again to get a fresh ID token before using it as a hint."),
    ("AADB2C90224", Registration, None,
     "The resource owner password flow is not enabled for the app.",
     "Use the code flow, or enable ROPC in the app registration and policy."),
    ("AADB2C90225", Account, None,
     "The user name or password sent in a resource owner password request is wrong.",
     "Check the credentials."),
    ("AADB2C90232", Request, None,
     "The id_token_hint has an audience this policy does not accept.",
     "Use an ID token issued to this app."),
    ("AADB2C90244", Service, None,
     "Too many requests: B2C is throttling.",
     "Wait a moment before trying again."),
    ("AADB2C90272", Request, None,
     "The policy needs an id_token_hint and none was sent.",
     "Add id_token_hint as an extra parameter, or use a policy that does not require it."),
    ("AADB2C90273", Upstream, None,
     "The upstream identity provider sent back an error (often the user cancelled there).",
     "Read the embedded error in the message; check the federation (client ID, secret, redirect URI) at that provider."),
    ("AADB2C90289", Upstream, None,
     "B2C could not reach the identity provider.",
     "Check that the identity provider's metadata and token endpoints are up and reachable from the internet."),
    ("AADB2C99002", Account, None,
     "The user does not exist and this policy cannot create users.",
     "Sign up first, or use a sign-up-or-sign-in policy."),
    ("AADB2C99005", Request, None,
     "The scope parameter contains a character that is not allowed.",
     "Remove stray characters (commas, quotes) from the scopes; separate scopes with spaces."),
    ("AADB2C99006", Policy, None,
     "B2C cannot find the b2c-extensions-app used for custom attributes.",
     "Do not delete the b2c-extensions-app; check its IDs in the policy's AAD-Common technical profile."),
    ("AADB2C99013", Request, None,
     "The grant_type and token type sent do not go together.",
     "Check the token request parameters."),
    ("AADB2C99059", Request, None,
     "The request must carry a code_challenge (PKCE is required for this app).",
     "Tokenscope always sends one; check a proxy or an extra parameter that removes it."),
    // The standard OAuth 2.0 (RFC 6749 §4.1.2.1, §5.2) and OpenID Connect (Core §3.1.2.6)
    // error codes, for any provider, and for B2C when the description carries no code.
    // RFC 8628 §3.5: how the token endpoint answers a device flow's poll.
    ("authorization_pending", User, None,
     "The user has not entered the code at the verification URI yet.",
     "Nothing to do: the device keeps polling until the user completes or the code expires."),
    ("slow_down", Service, None,
     "The device polls too often: the provider asks it to wait 5 s more between polls.",
     "Nothing to do: Tokenscope adds 5 s to its interval and keeps polling."),
    ("use_dpop_nonce", Request, None,
     "The server wants a nonce it chose in the DPoP proof (RFC 9449 §8): it sent one in its DPoP-Nonce header. Tokenscope signs a new proof with it and sends the request once more; this error after that retry means the server refused its own nonce too.",
     "Try again once; when it repeats, the server does not accept the nonces it hands out (a clock or nonce-secret problem on the server side, or a proxy that drops the DPoP-Nonce header)."),
    ("invalid_dpop_proof", Request, None,
     "The server refused the DPoP proof (RFC 9449 §7.1): its signature, typ, htm/htu (method and URL without query), iat, jti or ath did not satisfy it.",
     "Read which part the description names; check the computer's clock (iat) and that the URL is the one the server sees (a proxy that rewrites it breaks htu)."),
    ("expired_token", User, None,
     "The device code expired before the user entered the user code and completed the sign-in.",
     "Start the device sign-in again for a new code, and enter it at the verification URI before it expires."),
    ("access_denied", User, None,
     "The user or the provider refused the request: the user cancelled, did not consent, or a step of the sign-in denied access.",
     "Sign in again and complete the pages; when it repeats, the provider's description (and any code in it) says which step refused."),
    ("consent_required", Registration, None,
     "The user (or an admin) has not consented to the scopes asked for, and the request did not let the provider ask.",
     "Sign in without prompt=none so the consent page can be shown, or grant admin consent to the app's API permissions."),
    ("interaction_required", Request, None,
     "The provider needs to show the user a page (sign-in, consent, MFA or another step), but the request forbade any page.",
     "Sign in without prompt=none, complete what the page asks, then try prompt=none again."),
    ("invalid_client", Registration, None,
     "The provider does not accept the client: an unknown client ID, or a wrong or missing client secret at the token endpoint.",
     "Check the client ID against the app registration of this tenant; for a confidential client, check the secret and the authentication method."),
    ("invalid_request", Request, None,
     "The request misses a required parameter, repeats one, or has one with a value the provider does not accept.",
     "Read which parameter the provider's description names and compare it with the values sent."),
    ("invalid_scope", Request, None,
     "A scope asked for is unknown, malformed, or not granted to this client.",
     "Check each scope sent: API scopes are the full URIs an API exposes and the app has permission to; remove those the provider does not know."),
    ("login_required", User, None,
     "The provider needs the user to sign in, but the request did not let it show a sign-in page, or the session has ended.",
     "Sign in without prompt=none first; with a session in this browser, prompt=none then works."),
    ("temporarily_unavailable", Service, None,
     "The provider is overloaded or down for maintenance and could not handle the request.",
     "Try again in a moment; when it persists, quote the time and any correlation ID to the provider's support."),
    ("unauthorized_client", Registration, None,
     "The client is not allowed to use this grant or response type (e.g. the code flow, or public client flows are not enabled).",
     "Enable the flow on the app registration (for a desktop app: the redirect URI under Mobile and desktop applications), or use a client registered for it."),
];

fn advice_of(row: &Row) -> ErrorAdvice {
    let (code, area, action, meaning, advice) = *row;
    ErrorAdvice {
        code: code.to_owned(),
        meaning: meaning.to_owned(),
        advice: advice.to_owned(),
        area,
        action,
        details: match action {
            Some(CheckRedirectUri) => DESKTOP_REDIRECT_RULES
                .iter()
                .map(|r| (*r).to_owned())
                .collect(),
            _ => Vec::new(),
        },
        sent: Vec::new(),
        note: None,
    }
}

/// The entry of a code (`AADB2C90118`, `aadb2c90118`, `AADSTS50011`), if the catalogue has it.
pub fn lookup(code: &str) -> Option<ErrorAdvice> {
    let code = code.trim();
    rows()
        .find(|r| r.0.eq_ignore_ascii_case(code))
        .map(advice_of)
}

/// Both lists: AADB2C, then AADSTS.
fn rows() -> impl Iterator<Item = &'static Row> {
    ROWS.iter().chain(super::aadsts::ROWS)
}

/// Every entry, in code order.
pub fn all() -> Vec<ErrorAdvice> {
    let mut out: Vec<ErrorAdvice> = rows().map(advice_of).collect();
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out
}

/// The registration rules for a desktop (public, loopback) app's redirect URI, for
/// AADB2C90006-like errors.
pub const DESKTOP_REDIRECT_RULES: &[&str] = &[
    "Register the redirect URI under Authentication › Mobile and desktop applications (a public client).",
    "`http://localhost` registered without a port accepts any port: Tokenscope's default (`http://localhost:<free port>`) matches it.",
    "With any other form (`http://127.0.0.1:8400/callback`, a path, a fixed port) the registered URI must match exactly: scheme, host, port and path.",
    "`localhost` and `127.0.0.1` are different hosts for the comparison; a trailing slash counts.",
    EXACT_REDIRECT_ADVICE,
    "The portal's `https://jwt.ms` cannot be used by a desktop app: it is a web redirect.",
];

/// For a sign-in that never came back (a timeout, or the provider's error page in the browser):
/// providers that match redirect URIs exactly, and how to use a fixed port with them.
pub const EXACT_REDIRECT_ADVICE: &str = "Some providers match redirect URIs exactly, port \
    included: they do not apply RFC 8252 §7.3's \"any port on loopback\" rule, so the free port \
    Tokenscope picks is never registered and the provider shows an error page instead of \
    redirecting. Register a fixed port (for example `http://127.0.0.1:8400/callback`) and use it: \
    `--redirect-uri http://127.0.0.1:8400/callback` on the command line, or the profile's port \
    field (Redirect) in the app.";

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_catalogue_has_forty_b2c_codes_each_once_and_well_formed() {
        let all = all();
        let b2c = all.iter().filter(|e| e.code.starts_with("AADB2C")).count();
        assert!(b2c >= 40, "only {b2c} AADB2C codes");
        assert!(all.iter().any(|e| e.code.starts_with("AADSTS")));
        let mut seen = HashSet::new();
        for e in &all {
            assert!(seen.insert(e.code.clone()), "{} twice", e.code);
            let digits = e
                .code
                .strip_prefix("AADB2C")
                .or_else(|| e.code.strip_prefix("AADSTS"));
            let oauth = e.code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
            assert!(
                oauth
                    || digits
                        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())),
                "{}",
                e.code
            );
            assert!(e.meaning.ends_with('.'), "{}: {}", e.code, e.meaning);
            assert!(e.advice.len() > 10, "{}", e.code);
        }
    }

    #[test]
    fn the_catalogue_has_sixty_aadsts_codes_in_their_own_list() {
        let all = all();
        let aadsts = all.iter().filter(|e| e.code.starts_with("AADSTS")).count();
        assert!(aadsts >= 60, "only {aadsts} AADSTS codes");
        // The B2C list holds B2C codes and the standard OAuth ones, never an AADSTS code.
        assert!(ROWS.iter().all(|r| !r.0.starts_with("AADSTS")));
        assert!(super::super::aadsts::ROWS
            .iter()
            .all(|r| r.0.starts_with("AADSTS")));
        let e = lookup("aadsts50126").expect("wrong password");
        assert_eq!(e.area, ErrorArea::Account);
        assert!(e.meaning.contains("password is wrong"), "{}", e.meaning);
        assert_eq!(
            lookup("AADSTS70000").and_then(|e| e.action),
            Some(ErrorAction::SignInAgain)
        );
        assert!(lookup("AADSTS500113").is_some_and(|e| !e.details.is_empty()));
    }

    #[test]
    fn lookups_ignore_case_and_space_and_carry_the_actions() {
        let e = lookup(" aadb2c90118 ").expect("forgot password");
        assert_eq!(e.code, "AADB2C90118");
        assert_eq!(e.action, Some(ErrorAction::PasswordReset));
        assert_eq!(
            lookup("AADB2C90006").and_then(|e| e.action),
            Some(ErrorAction::CheckRedirectUri)
        );
        assert_eq!(
            lookup("AADSTS50011").and_then(|e| e.action),
            Some(ErrorAction::CheckRedirectUri)
        );
        assert_eq!(
            lookup("AADB2C90080").and_then(|e| e.action),
            Some(ErrorAction::SignInAgain)
        );
        assert_eq!(lookup("AADB2C90091").map(|e| e.area), Some(ErrorArea::User));
        let rules = lookup("AADB2C90006").map(|e| e.details).unwrap_or_default();
        assert!(rules.iter().any(|r| r.contains("any port")), "{rules:?}");
        let exact = rules
            .iter()
            .find(|r| r.contains("match redirect URIs exactly"))
            .expect("the exact-match providers are named");
        assert!(exact.contains("RFC 8252 §7.3"), "{exact}");
        assert!(
            exact.contains("--redirect-uri http://127.0.0.1:8400/callback"),
            "{exact}"
        );
        assert!(exact.contains("port field"), "{exact}");
        assert!(lookup("AADB2C90118").is_some_and(|e| e.details.is_empty()));
        assert_eq!(lookup("AADB2C00000"), None);
        assert_eq!(lookup(""), None);
    }
}
