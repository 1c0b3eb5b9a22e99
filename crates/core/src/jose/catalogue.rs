//! Claim and JOSE header-parameter catalogue: plain-language descriptions of JWT payload claims
//! and header parameters (standard, Microsoft Entra ID, Azure AD B2C, OAuth, itsme), with the
//! source, value shape and whether a value is personal data to mask in a redacted copy.

use std::borrow::Cow;

/// The JSON shape a claim's value is expected to have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    /// A JSON string.
    String,
    /// A string holding a URI or URL.
    Uri,
    /// A JSON number of seconds since 1970-01-01T00:00:00Z (RFC 7519 §2).
    NumericDate,
    /// A JSON number that is not a date.
    Number,
    /// A JSON boolean (some providers send the strings `"true"`/`"false"` instead).
    Boolean,
    /// Either a single string or an array of strings.
    StringOrArray,
    /// A JSON array.
    Array,
    /// A JSON object with known members.
    Object,
    /// A string that is itself a compact JWT (worth decoding in turn).
    Jwt,
    /// Any JSON value; the shape depends on the issuer or configuration.
    Json,
}

/// Where a claim or header parameter is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// RFC 7519 (JSON Web Token) registered claims.
    Rfc7519,
    /// OpenID Connect Core 1.0 and its companion OpenID specifications.
    OidcCore,
    /// Microsoft Entra ID (Azure AD) tokens.
    Entra,
    /// Azure AD B2C tokens.
    B2c,
    /// OAuth 2.0 and related IETF specifications (RFC 8693, 9068, 7800, 9449, 8417, ...).
    #[serde(rename = "oauth")]
    OAuth,
    /// itsme (Belgian Mobile ID) URI-named claims.
    Itsme,
    /// JOSE header parameters (RFC 7515, 7516, 7518, 7797).
    Jose,
    /// Anything else (other vendors, other specifications).
    Other,
}

/// One static catalogue entry.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct ClaimInfo {
    /// The claim or header-parameter name exactly as it appears in the token.
    pub name: &'static str,
    /// One plain-language line for testers and support staff.
    pub description: &'static str,
    /// Where the claim is defined.
    pub source: Source,
    /// The defining document, e.g. "RFC 7519 §4.1.4".
    pub reference: &'static str,
    /// The expected JSON shape of the value.
    pub value_type: ValueType,
    /// Whether the value is personal data that a redacted copy must mask.
    pub personal: bool,
}

/// A looked-up description: either a copy of a static entry or one built from a name pattern
/// (such as a B2C `extension_<app id>_<attribute>` custom attribute).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClaimDescription {
    /// The claim name as looked up.
    pub name: Cow<'static, str>,
    /// One plain-language line for testers and support staff.
    pub description: Cow<'static, str>,
    /// Where the claim is defined.
    pub source: Source,
    /// The defining document.
    pub reference: Cow<'static, str>,
    /// The expected JSON shape of the value.
    pub value_type: ValueType,
    /// Whether the value is personal data that a redacted copy must mask.
    pub personal: bool,
    /// True for a B2C custom attribute recognised by its `extension_` name pattern.
    pub custom_attribute: bool,
}

impl From<&ClaimInfo> for ClaimDescription {
    fn from(info: &ClaimInfo) -> Self {
        Self {
            // Borrowed from the static catalogue: a lookup copies no text.
            name: Cow::Borrowed(info.name),
            description: Cow::Borrowed(info.description),
            source: info.source,
            reference: Cow::Borrowed(info.reference),
            value_type: info.value_type,
            personal: info.personal,
            custom_attribute: false,
        }
    }
}

/// Looks up a payload claim. Exact names first (case-sensitive); then patterns:
/// `extension_<32-hex app id>_<attribute>` (an Azure AD B2C custom attribute),
/// other `http://itsme.services/v2/claim/…` names, and other `xms_…` Microsoft claims.
pub fn claim(name: &str) -> Option<ClaimDescription> {
    if let Some(info) = static_claim(name) {
        return Some(info.into());
    }
    if let Some((app_id, attribute)) = parse_b2c_extension(name) {
        return Some(ClaimDescription {
            name: Cow::Owned(name.to_owned()),
            description: Cow::Owned(format!(
                "Azure AD B2C or Entra External ID custom attribute \"{attribute}\" (stored \
                 on the tenant's b2c-extensions-app, app ID {app_id}); its meaning is set by \
                 this tenant, not by a standard, and it is masked in redacted copies to be safe."
            )),
            source: Source::B2c,
            reference: Cow::Borrowed("Azure AD B2C custom attributes"),
            value_type: ValueType::Json,
            personal: true,
            custom_attribute: true,
        });
    }
    if let Some(attribute) = parse_b2c_short_extension(name) {
        return Some(ClaimDescription {
            name: Cow::Owned(name.to_owned()),
            description: Cow::Owned(format!(
                "Azure AD B2C custom attribute \"{attribute}\", named as user flows and custom \
                 policies put it in tokens (Microsoft Graph calls it \
                 extension_<app id>_{attribute}); its meaning is set by this tenant, not by a \
                 standard, and it is masked in redacted copies to be safe."
            )),
            source: Source::B2c,
            reference: Cow::Borrowed("Azure AD B2C custom attributes"),
            value_type: ValueType::Json,
            personal: true,
            custom_attribute: true,
        });
    }
    if let Some(rest) = name.strip_prefix(ITSME_CLAIM_PREFIX) {
        if !rest.is_empty() {
            return Some(ClaimDescription {
                name: Cow::Owned(name.to_owned()),
                description: Cow::Owned(format!(
                    "itsme-specific claim \"{rest}\" that this catalogue does not describe; \
                     it may carry identity data, so it is treated as personal."
                )),
                source: Source::Itsme,
                reference: Cow::Borrowed("itsme OpenID Connect documentation"),
                value_type: ValueType::Json,
                personal: true,
                custom_attribute: false,
            });
        }
    }
    if let Some(rest) = name.strip_prefix("xms_") {
        if !rest.is_empty() {
            return Some(ClaimDescription {
                name: Cow::Owned(name.to_owned()),
                description: Cow::Borrowed(
                    "Microsoft extension claim (xms_ prefix) not described here; Entra ID uses \
                     these for optional or internal token data.",
                ),
                source: Source::Entra,
                reference: Cow::Borrowed("Microsoft identity platform optional claims"),
                value_type: ValueType::Json,
                personal: false,
                custom_attribute: false,
            });
        }
    }
    None
}

/// Looks up a JOSE header parameter (alg, kid, typ, cty, x5t, x5t#S256, x5c, x5u, jku, jwk,
/// crit, enc, zip, epk, apu, apv, iv, tag, p2s, p2c, b64, nonce, ...). Exact, case-sensitive.
pub fn header(name: &str) -> Option<ClaimDescription> {
    HEADERS
        .iter()
        .find(|h| h.name == name)
        .map(ClaimDescription::from)
}

/// Claims whose value is a NumericDate (seconds since epoch): exp, nbf, iat, auth_time,
/// updated_at, pwd_exp, ... Uses the catalogue's value type.
pub fn is_numeric_date(name: &str) -> bool {
    // As `claim(name)`'s value type, without building the description: only static entries
    // can be dates (the name patterns describe JSON values).
    static_claim(name).is_some_and(|c| c.value_type == ValueType::NumericDate)
}

/// The static catalogue entry of a payload claim named exactly `name`.
fn static_claim(name: &str) -> Option<&'static ClaimInfo> {
    CLAIMS.iter().find(|c| c.name == name)
}

/// All static claim entries (for tests, export, the UI's reference list).
pub fn all_claims() -> &'static [ClaimInfo] {
    CLAIMS
}

/// All static header-parameter entries.
pub fn all_headers() -> &'static [ClaimInfo] {
    HEADERS
}

const ITSME_CLAIM_PREFIX: &str = "http://itsme.services/v2/claim/";

/// Splits `extension_<32 hex digits>_<attribute>` into (app ID, attribute).
fn parse_b2c_extension(name: &str) -> Option<(&str, &str)> {
    let rest = name.strip_prefix("extension_")?;
    let app_id = rest.get(..32)?;
    if !app_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let attribute = rest.get(32..)?.strip_prefix('_')?;
    let valid = !attribute.is_empty()
        && attribute
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then_some((app_id, attribute))
}

/// `extension_<attribute>`, the form B2C user flows and custom policies write in tokens: an
/// identifier starting with a letter (the long Graph form, with the app ID, is handled above).
fn parse_b2c_short_extension(name: &str) -> Option<&str> {
    let attribute = name.strip_prefix("extension_")?;
    let first = attribute.chars().next()?;
    let valid = first.is_ascii_alphabetic()
        && attribute
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !attribute.ends_with('_');
    valid.then_some(attribute)
}

const fn e(
    name: &'static str,
    source: Source,
    reference: &'static str,
    value_type: ValueType,
    personal: bool,
    description: &'static str,
) -> ClaimInfo {
    ClaimInfo {
        name,
        description,
        source,
        reference,
        value_type,
        personal,
    }
}

use Source::{B2c, Entra, Itsme, Jose, OAuth, OidcCore, Other, Rfc7519};
use ValueType::{
    Array, Boolean, Json, Number, NumericDate, Object, String as Str, StringOrArray, Uri,
};

const ENTRA_ID: &str = "Microsoft identity platform ID token claims";
const ENTRA_AT: &str = "Microsoft identity platform access token claims";
const ENTRA_OPT: &str = "Microsoft identity platform optional claims";
const B2C_TOKENS: &str = "Azure AD B2C tokens overview";
const B2C_ATTRS: &str = "Azure AD B2C user profile attributes";
const ITSME: &str = "itsme OpenID Connect documentation (claims)";
const OIDC_STD: &str = "OpenID Connect Core 1.0 §5.1";
const OIDC_ADDR: &str = "OpenID Connect Core 1.0 §5.1.1";

#[rustfmt::skip]
static CLAIMS: &[ClaimInfo] = &[
    // RFC 7519 registered claims.
    e("iss", Rfc7519, "RFC 7519 §4.1.1", Uri, false,
        "Issuer: who minted the token; must exactly match the issuer the app trusts (B2C uses the tenant GUID form, not the discovery URL)."),
    e("sub", Rfc7519, "RFC 7519 §4.1.2", Str, false,
        "Subject: the stable identifier of the user (or app) the token is about, unique within the issuer."),
    e("aud", Rfc7519, "RFC 7519 §4.1.3", StringOrArray, false,
        "Audience: who the token is meant for; an ID token's audience must include the app's client ID."),
    e("exp", Rfc7519, "RFC 7519 §4.1.4", NumericDate, false,
        "Expiry time: the token must not be accepted at or after this moment."),
    e("nbf", Rfc7519, "RFC 7519 §4.1.5", NumericDate, false,
        "Not-before time: the token must not be accepted before this moment (allow a little clock skew)."),
    e("iat", Rfc7519, "RFC 7519 §4.1.6", NumericDate, false,
        "Issued-at time: when the token was minted; a value in the future points to clock problems."),
    e("jti", Rfc7519, "RFC 7519 §4.1.7", Str, false,
        "Token ID: a unique identifier for this token, used to detect replays (also required in DPoP proofs)."),
    // OpenID Connect ID token claims.
    e("auth_time", OidcCore, "OpenID Connect Core 1.0 §2", NumericDate, false,
        "Authentication time: when the user last actively signed in, which can be earlier than the token's issue time."),
    e("nonce", OidcCore, "OpenID Connect Core 1.0 §2", Str, false,
        "Nonce: the random value the app sent in the sign-in request, echoed back to stop token replay; it must match what was sent."),
    e("acr", OidcCore, "OpenID Connect Core 1.0 §2", Str, false,
        "Authentication context class: how strongly the user was authenticated; in older Azure AD B2C set-ups it holds the policy name instead."),
    e("amr", OidcCore, "OpenID Connect Core 1.0 §2; RFC 8176", Array, false,
        "Authentication methods: a list of how the user proved their identity, such as pwd, mfa, otp or fido."),
    e("azp", OidcCore, "OpenID Connect Core 1.0 §2", Str, false,
        "Authorized party: the client ID the token was issued to; if present in an ID token it must equal the app's client ID."),
    e("at_hash", OidcCore, "OpenID Connect Core 1.0 §3.1.3.6", Str, false,
        "Access token hash: the left half of a hash of the access token issued alongside, proving the two belong together."),
    e("c_hash", OidcCore, "OpenID Connect Core 1.0 §3.3.2.11", Str, false,
        "Code hash: the left half of a hash of the authorization code, binding the code to this ID token (hybrid flow)."),
    e("s_hash", Other, "Financial-grade API Security Profile 1.0 Part 2 §5.1", Str, false,
        "State hash: the left half of a hash of the state value, binding the sign-in response to this ID token (FAPI)."),
    e("sid", OidcCore, "OpenID Connect Front-Channel Logout 1.0 §3", Str, false,
        "Session ID: identifies the sign-in session at the provider, used to match logout requests to sessions."),
    e("_claim_names", OidcCore, "OpenID Connect Core 1.0 §5.6.2", Object, false,
        "Claim names map: says which claims were left out and where to fetch them; Entra ID uses it when a user is in too many groups."),
    e("_claim_sources", OidcCore, "OpenID Connect Core 1.0 §5.6.2", Object, false,
        "Claim sources: the endpoints (and optional tokens) from which the claims listed in _claim_names can be fetched."),
    // OpenID Connect standard profile claims.
    e("name", OidcCore, OIDC_STD, Str, true,
        "Full name: the user's display name, ready to show on screen."),
    e("given_name", OidcCore, OIDC_STD, Str, true,
        "Given name: the user's first name or names."),
    e("family_name", OidcCore, OIDC_STD, Str, true,
        "Family name: the user's surname or last names."),
    e("middle_name", OidcCore, OIDC_STD, Str, true,
        "Middle name: the user's middle name or names, if any."),
    e("nickname", OidcCore, OIDC_STD, Str, true,
        "Nickname: a casual name the user goes by, which may differ from the given name."),
    e("preferred_username", OidcCore, OIDC_STD, Str, true,
        "Preferred username: the name the user signs in with or wants to be known by; not guaranteed unique or stable, so never use it as a key."),
    e("profile", OidcCore, OIDC_STD, Uri, true,
        "Profile page: URL of the user's profile page."),
    e("picture", OidcCore, OIDC_STD, Uri, true,
        "Picture: URL of a photo or avatar of the user."),
    e("website", OidcCore, OIDC_STD, Uri, true,
        "Website: URL of the user's web page or blog."),
    e("email", OidcCore, OIDC_STD, Str, true,
        "Email address: the user's email; check email_verified before trusting it, and never use it as the user key."),
    e("email_verified", OidcCore, OIDC_STD, Boolean, false,
        "Email verified: true when the provider has confirmed the user controls the email address."),
    e("gender", OidcCore, OIDC_STD, Str, true,
        "Gender: the user's gender as held by the provider, such as female or male."),
    e("birthdate", OidcCore, OIDC_STD, Str, true,
        "Birth date: the user's date of birth as YYYY-MM-DD (the year may be 0000 or the value just a year)."),
    e("zoneinfo", OidcCore, OIDC_STD, Str, false,
        "Time zone: the user's time zone as an IANA name, such as Europe/Brussels."),
    e("locale", OidcCore, OIDC_STD, Str, false,
        "Locale: the user's preferred language and region, such as nl-BE or en-US."),
    e("phone_number", OidcCore, OIDC_STD, Str, true,
        "Phone number: the user's phone number, ideally in international E.164 form such as +32 470 12 34 56."),
    e("phone_number_verified", OidcCore, OIDC_STD, Boolean, false,
        "Phone verified: true when the provider has confirmed the user controls the phone number."),
    e("address", OidcCore, OIDC_STD, Object, true,
        "Postal address: an object with the user's address parts (formatted, street_address, locality, region, postal_code, country)."),
    e("updated_at", OidcCore, OIDC_STD, NumericDate, false,
        "Profile updated: when the user's profile information was last changed."),
    e("address.formatted", OidcCore, OIDC_ADDR, Str, true,
        "Formatted address: the full postal address as display text, possibly over several lines."),
    e("address.street_address", OidcCore, OIDC_ADDR, Str, true,
        "Street address: street, house number and any apartment or box number."),
    e("address.locality", OidcCore, OIDC_ADDR, Str, true,
        "Locality: the city or town of the postal address."),
    e("address.region", OidcCore, OIDC_ADDR, Str, true,
        "Region: the state, province or region of the postal address."),
    e("address.postal_code", OidcCore, OIDC_ADDR, Str, true,
        "Postal code: the ZIP or postal code of the address."),
    e("address.country", OidcCore, OIDC_ADDR, Str, true,
        "Country: the country part of the postal address."),
    // Microsoft Entra ID.
    e("oid", Entra, ENTRA_ID, Str, false,
        "Object ID: the user's (or service principal's) immutable GUID in the directory, the same across all apps in the tenant."),
    e("tid", Entra, ENTRA_ID, Str, false,
        "Tenant ID: the GUID of the directory (tenant) the user signed in to."),
    e("upn", Entra, ENTRA_ID, Str, true,
        "User principal name: the user's sign-in name, such as jan@contoso.com; it can change, so never use it as a key."),
    e("unique_name", Entra, ENTRA_ID, Str, true,
        "Unique name (v1.0 tokens): a human-readable name for the user, usually the UPN or email; display only."),
    e("scp", Entra, ENTRA_AT, Str, false,
        "Scopes: the space-separated delegated permissions the app was granted for this API, such as User.Read or api.read."),
    e("roles", Entra, ENTRA_AT, Array, false,
        "Roles: the app roles granted to the user or app for this resource; also the RFC 9068 roles claim."),
    e("groups", Entra, ENTRA_ID, Array, false,
        "Groups: the IDs of the groups the user belongs to; missing when there are too many (see hasgroups and _claim_names)."),
    e("hasgroups", Entra, ENTRA_ID, Boolean, false,
        "Has groups: true when the user is in more groups than fit in the token, so they must be fetched from Microsoft Graph."),
    e("wids", Entra, ENTRA_AT, Array, false,
        "Directory roles: template IDs of the tenant-wide admin roles the user holds, such as Global Administrator."),
    e("idtyp", Entra, ENTRA_OPT, Str, false,
        "Identity type: whether the token represents a user or an app (app-only token), so an API can tell them apart."),
    e("uti", Entra, ENTRA_AT, Str, false,
        "Token identifier: Microsoft's internal ID for this token, useful to quote when asking Microsoft support about it."),
    e("rh", Entra, ENTRA_AT, Str, false,
        "Refresh hint: an opaque internal value Entra ID uses to revalidate tokens; ignore it."),
    e("aio", Entra, ENTRA_AT, Str, false,
        "Internal data: an opaque value Entra ID records for token reuse; ignore it."),
    e("appid", Entra, ENTRA_AT, Str, false,
        "Application ID (v1.0 tokens): the client ID of the app that requested the token; v2.0 tokens use azp instead."),
    e("appidacr", Entra, ENTRA_AT, Str, false,
        "Client authentication (v1.0): how the app proved itself: 0 public client, 1 client secret, 2 certificate."),
    e("azpacr", Entra, ENTRA_AT, Str, false,
        "Client authentication (v2.0): how the app proved itself: 0 public client, 1 client secret, 2 certificate."),
    e("ver", Entra, ENTRA_AT, Str, false,
        "Token version: the token format version; Entra ID uses 1.0 or 2.0, Entra External ID 2.0 and Azure AD B2C 1.0."),
    e("ipaddr", Entra, ENTRA_AT, Str, true,
        "IP address: the client IP address the user signed in from."),
    e("fwd", Entra, ENTRA_OPT, Str, true,
        "Forwarded IP: the original client IP address when the request passed through a proxy or VPN."),
    e("onprem_sid", Entra, ENTRA_OPT, Str, false,
        "On-premises SID: the user's Windows security identifier synced from on-premises Active Directory."),
    e("pwd_exp", Entra, ENTRA_ID, NumericDate, false,
        "Password expiry: when the user's password will expire (v1.0 tokens)."),
    e("pwd_url", Entra, ENTRA_ID, Uri, false,
        "Password change URL: where the user can go to change their password (v1.0 tokens)."),
    e("in_corp", Entra, ENTRA_OPT, Boolean, false,
        "Inside corporate network: true when the sign-in came from a network the tenant marks as trusted."),
    e("login_hint", Entra, ENTRA_OPT, Str, true,
        "Login hint: an opaque value that can be sent back as login_hint to sign the same user in again without asking who they are."),
    e("acct", Entra, ENTRA_OPT, Number, false,
        "Account status: 0 for a member of the tenant, 1 for a guest."),
    e("ctry", Entra, ENTRA_OPT, Str, false,
        "Country: the user's two-letter country or region code."),
    e("tenant_ctry", Entra, ENTRA_OPT, Str, false,
        "Tenant country: the two-letter country code set by the tenant's administrator."),
    e("tenant_region_scope", Entra, ENTRA_OPT, Str, false,
        "Tenant region: the geographic region of the user's tenant, such as EU or NA."),
    e("verified_primary_email", Entra, ENTRA_OPT, Array, true,
        "Verified primary email: the user's primary email address as verified by the directory."),
    e("verified_secondary_email", Entra, ENTRA_OPT, Array, true,
        "Verified secondary email: the user's other verified email addresses."),
    e("xms_pl", Entra, ENTRA_OPT, Str, false,
        "User preferred language: the language the user chose, such as en-US."),
    e("xms_tpl", Entra, ENTRA_OPT, Str, false,
        "Tenant preferred language: the tenant's default language, such as en-GB."),
    e("xms_pdl", Entra, ENTRA_OPT, Str, false,
        "Preferred data location: the geographic region where the user's data is kept in multi-geo tenants."),
    e("xms_tcdt", Entra, ENTRA_OPT, NumericDate, false,
        "Tenant creation time: when the user's tenant was created."),
    e("xms_cc", Entra, ENTRA_AT, Array, false,
        "Client capabilities: features the client app said it supports, such as cp1 for handling claims challenges."),
    e("xms_mirid", Entra, ENTRA_AT, Str, false,
        "Managed identity resource ID: the Azure resource path of the managed identity the token was issued to."),
    e("acrs", Entra, ENTRA_AT, Array, false,
        "Authentication contexts: the Conditional Access authentication context IDs the user satisfied, such as c1."),
    e("signin_state", Entra, ENTRA_OPT, Array, false,
        "Sign-in state: extra facts about the sign-in, such as dvc_mngd (managed device), dvc_cmp (compliant device) or kmsi (kept signed in)."),
    e("deviceid", Entra, ENTRA_AT, Str, false,
        "Device ID: the directory ID of the registered device the user signed in from."),
    e("app_displayname", Entra, ENTRA_AT, Str, false,
        "App display name: the name of the application that requested the token."),
    e("altsecid", Entra, ENTRA_ID, Str, false,
        "Alternative security ID: an identifier Entra ID keeps for users from other identity systems, such as guests."),
    e("idp", B2c, B2C_TOKENS, Str, false,
        "Identity provider: who authenticated the user (B2C and External ID), such as live.com, google.com or an upstream issuer like itsme; absent for local accounts."),
    // Azure AD B2C.
    e("tfp", B2c, B2C_TOKENS, Str, false,
        "Trust framework policy: the name of the B2C user flow or custom policy that issued the token, such as B2C_1_susi."),
    e("emails", B2c, B2C_ATTRS, Array, true,
        "Email addresses: the list of the user's email addresses held by B2C (a local account's sign-in email comes first)."),
    e("idp_access_token", B2c, "Azure AD B2C: pass an identity provider access token", ValueType::Jwt, true,
        "Upstream access token: the token the external identity provider gave B2C, passed through; a live credential, often itself a JWT worth decoding."),
    e("newUser", B2c, B2C_TOKENS, Boolean, false,
        "New user: true when this sign-in created the account (the user just signed up)."),
    e("isForgotPassword", B2c, B2C_TOKENS, Boolean, false,
        "Forgot password: true when the token comes from a password-reset journey."),
    e("authenticationSource", B2c, B2C_TOKENS, Str, false,
        "Authentication source: whether a custom policy signed the user in with a local account or a social/enterprise provider."),
    e("city", B2c, B2C_ATTRS, Str, true,
        "City: the city from the user's B2C profile."),
    e("country", B2c, B2C_ATTRS, Str, true,
        "Country: the country from the user's B2C profile."),
    e("postalCode", B2c, B2C_ATTRS, Str, true,
        "Postal code: the postal code from the user's B2C profile."),
    e("state", B2c, B2C_ATTRS, Str, true,
        "State or province: the region from the user's B2C profile."),
    e("streetAddress", B2c, B2C_ATTRS, Str, true,
        "Street address: the street address from the user's B2C profile."),
    e("jobTitle", B2c, B2C_ATTRS, Str, true,
        "Job title: the user's job title from the B2C profile."),
    e("signInNames.emailAddress", B2c, B2C_ATTRS, Str, true,
        "Sign-in email: the email address a local account signs in with."),
    e("signInNames.phoneNumber", B2c, B2C_ATTRS, Str, true,
        "Sign-in phone number: the phone number a local account signs in with."),
    e("signInNames.userName", B2c, B2C_ATTRS, Str, true,
        "Sign-in username: the username a local account signs in with."),
    // OAuth 2.0 and related IETF specifications.
    e("client_id", OAuth, "RFC 8693 §4.3; RFC 9068 §2.2", Str, false,
        "Client ID: the OAuth client the access token was issued to."),
    e("scope", OAuth, "RFC 8693 §4.2; RFC 9068 §2.2.3", Str, false,
        "Scope: the space-separated permissions granted with this access token."),
    e("cnf", OAuth, "RFC 7800 §3.1", Object, false,
        "Confirmation: the key the token is bound to; only the holder of that key may use the token (proof of possession)."),
    e("cnf.jkt", OAuth, "RFC 9449 §6.1", Str, false,
        "DPoP key thumbprint: the SHA-256 thumbprint of the key whose DPoP proofs must accompany this token."),
    e("cnf.x5t#S256", OAuth, "RFC 8705 §3.1", Str, false,
        "Certificate thumbprint: the SHA-256 thumbprint of the client certificate (mutual TLS) this token is bound to."),
    e("cnf.jwk", OAuth, "RFC 7800 §3.2", Object, false,
        "Confirmation key: the public key itself, written as a JWK, that the token is bound to."),
    e("cnf.kid", OAuth, "RFC 7800 §3.4", Str, false,
        "Confirmation key ID: names the key the token is bound to, known to both sides in advance."),
    e("act", OAuth, "RFC 8693 §4.1", Object, false,
        "Actor: who is acting on the subject's behalf after a token exchange (delegation); may nest earlier actors."),
    e("may_act", OAuth, "RFC 8693 §4.4", Object, false,
        "May act: who is allowed to act on the subject's behalf in a later token exchange."),
    e("htm", OAuth, "RFC 9449 §4.2", Str, false,
        "HTTP method (DPoP proof): the method of the request this proof was made for, such as POST."),
    e("htu", OAuth, "RFC 9449 §4.2", Uri, false,
        "HTTP URI (DPoP proof): the URL of the request this proof was made for, without query or fragment."),
    e("ath", OAuth, "RFC 9449 §4.2", Str, false,
        "Access token hash (DPoP proof): a SHA-256 hash of the access token sent with the proof, tying the two together."),
    e("entitlements", OAuth, "RFC 9068 §2.2.3.1", Array, false,
        "Entitlements: rights the user holds, as defined by the resource (SCIM-style)."),
    e("events", OAuth, "RFC 8417 §2.2", Object, false,
        "Events: what a security event token reports, keyed by event type; a back-channel logout token carries a logout event here."),
    e("txn", OAuth, "RFC 8417 §2.2", Str, false,
        "Transaction ID: links this token to a wider transaction, useful when tracing one request across systems."),
    e("active", OAuth, "RFC 7662 §2.2", Boolean, false,
        "Active: the introspection endpoint's verdict; true means the token is valid now (issued by this server, not expired, not revoked); false says nothing more, on purpose."),
    e("token_type", OAuth, "RFC 7662 §2.2", Str, false,
        "Token type: how the introspected access token is sent, e.g. Bearer (RFC 6750)."),
    e("toe", OAuth, "RFC 8417 §2.2", NumericDate, false,
        "Time of event: when the reported security event happened (as opposed to when the token was issued)."),
    e("sub_id", OAuth, "RFC 9493 §4.1", Object, false,
        "Subject identifier: a structured description of the subject of a security event, such as an email or issuer-and-subject pair."),
    e("authorization_details", OAuth, "RFC 9396 §9.1", Array, false,
        "Authorization details: fine-grained permissions granted (rich authorization requests), such as a specific payment or account."),
    // itsme.
    e("http://itsme.services/v2/claim/BENationalNumber", Itsme, ITSME, Str, true,
        "Belgian national register number: the user's national identification number; highly sensitive, always masked."),
    e("http://itsme.services/v2/claim/claim_citizenship", Itsme, ITSME, Str, true,
        "Nationality: the user's nationality as written on their identity document."),
    e("http://itsme.services/v2/claim/claim_citizenship_as_iso", Itsme, ITSME, Str, true,
        "Nationality (ISO code): the user's nationality as a three-letter ISO 3166 country code, such as BEL."),
    e("http://itsme.services/v2/claim/place_of_birth", Itsme, ITSME, Json, true,
        "Place of birth: where the user was born, as recorded from the identity document."),
    e("http://itsme.services/v2/claim/physical_person_photo", Itsme, ITSME, Str, true,
        "Identity photo: the user's photo taken from the identity document."),
    e("http://itsme.services/v2/claim/birthdate_as_string", Itsme, ITSME, Str, true,
        "Birth date as written: the date of birth exactly as printed on the identity document, unprocessed."),
    e("http://itsme.services/v2/claim/BEeidSn", Itsme, ITSME, Str, true,
        "Belgian eID card number: the serial number of the user's Belgian electronic identity card."),
    e("http://itsme.services/v2/claim/IDDocumentSN", Itsme, ITSME, Str, true,
        "Identity document number: the serial number of the document the itsme account was created from."),
    e("http://itsme.services/v2/claim/IDDocumentType", Itsme, ITSME, Str, false,
        "Identity document type: a code for the kind of document the account was created from, such as an identity card."),
    e("http://itsme.services/v2/claim/IDIssuingCountry", Itsme, ITSME, Json, false,
        "Document issuing country: the country that issued the user's identity document."),
    e("http://itsme.services/v2/claim/issuance_locality", Itsme, ITSME, Json, false,
        "Document issue place: the locality where the user's identity document was issued."),
    e("http://itsme.services/v2/claim/validityFrom", Itsme, ITSME, Json, false,
        "Document valid from: the start of the identity document's validity period."),
    e("http://itsme.services/v2/claim/validityTo", Itsme, ITSME, Json, false,
        "Document valid to: the end of the identity document's validity period."),
    e("http://itsme.services/v2/claim/verificationDate", Itsme, ITSME, Json, false,
        "Verification date: when itsme last verified the data (returned with the address scope)."),
    e("http://itsme.services/v2/claim/claim_device", Itsme, ITSME, Json, true,
        "Device: details of the phone and itsme app used to confirm, which can include device identifiers."),
    e("http://itsme.services/v2/claim/transaction_info", Itsme, ITSME, Json, false,
        "Transaction info: details itsme records about this confirmation; its content is set by itsme."),
    e("http://itsme.services/v2/claim/transaction_ip", Itsme, ITSME, Str, true,
        "Transaction IP: the IP address itsme recorded for this confirmation."),
    e("http://itsme.services/v2/claim/app", Itsme, ITSME, Json, false,
        "App: information about the itsme app installation used for this confirmation."),
    e("http://itsme.services/v2/claim/account", Itsme, ITSME, Json, false,
        "Account: information about the user's itsme account itself."),
    // Other widely seen claims.
    e("verified_claims", Other, "OpenID Connect for Identity Assurance 1.0 §5", Object, true,
        "Verified claims: identity data together with how and when it was verified (for regulated identity checks)."),
    e("session_state", Other, "OpenID Connect Session Management 1.0 §2; Keycloak", Str, false,
        "Session state: an opaque value describing the user's session at the provider (Keycloak and session-management set-ups)."),
    e("realm_access", Other, "Keycloak server documentation", Object, false,
        "Realm roles (Keycloak): the roles the user holds across the whole realm, under a roles list."),
    e("resource_access", Other, "Keycloak server documentation", Object, false,
        "Client roles (Keycloak): the roles the user holds per client, keyed by client ID."),
    e("allowed-origins", Other, "Keycloak server documentation", Array, false,
        "Allowed origins (Keycloak): the web origins allowed to call with this token (CORS)."),
    e("typ", Other, "Keycloak server documentation", Str, false,
        "Token kind (Keycloak): a payload hint saying what the token is, such as Bearer, ID or Refresh."),
    e("hd", Other, "Google Identity: OpenID Connect", Str, false,
        "Hosted domain (Google): the Google Workspace domain of the user; absent for personal Google accounts."),
    e("token_use", Other, "Amazon Cognito user pool tokens", Str, false,
        "Token use (Cognito): whether this is an id or an access token."),
    e("cognito:username", Other, "Amazon Cognito user pool tokens", Str, true,
        "Username (Cognito): the user's username in the Cognito user pool."),
    e("cognito:groups", Other, "Amazon Cognito user pool tokens", Array, false,
        "Groups (Cognito): the user-pool groups the user belongs to."),
    e("username", Other, "Amazon Cognito user pool tokens", Str, true,
        "Username: the user's sign-in name (Cognito access tokens and other providers)."),
    e("cid", Other, "Okta tokens reference", Str, false,
        "Client ID (Okta): the client the access token was issued to."),
    e("uid", Other, "Okta tokens reference", Str, false,
        "User ID (Okta): Okta's internal identifier for the user."),
    e("org_id", Other, "Auth0 Organizations", Str, false,
        "Organization ID (Auth0): the organization the user signed in through."),
];

#[rustfmt::skip]
static HEADERS: &[ClaimInfo] = &[
    e("alg", Jose, "RFC 7515 §4.1.1", Str, false,
        "Algorithm: how the token is signed (or the key encrypted), such as RS256; a validator must reject none and unexpected algorithms."),
    e("kid", Jose, "RFC 7515 §4.1.4", Str, false,
        "Key ID: which key from the issuer's JWKS signed the token; an unknown kid usually means the keys rotated, so refetch the JWKS."),
    e("typ", Jose, "RFC 7515 §4.1.9", Str, false,
        "Type: the kind of token, such as JWT, at+jwt (access token), dpop+jwt (DPoP proof) or logout+jwt."),
    e("cty", Jose, "RFC 7515 §4.1.10", Str, false,
        "Content type: the type of the payload; JWT means the payload is another token (a nested, e.g. signed-then-encrypted, JWT)."),
    e("x5t", Jose, "RFC 7515 §4.1.7", Str, false,
        "Certificate thumbprint (SHA-1): identifies the signing certificate; Entra ID sets it to the same value as kid."),
    e("x5t#S256", Jose, "RFC 7515 §4.1.8", Str, false,
        "Certificate thumbprint (SHA-256): identifies the signing certificate by its SHA-256 hash."),
    e("x5c", Jose, "RFC 7515 §4.1.6", Array, false,
        "Certificate chain: the signing certificate and its chain, base64 encoded, leaf first."),
    e("x5u", Jose, "RFC 7515 §4.1.5", Uri, false,
        "Certificate URL: where to download the signing certificate chain; never fetch it from an untrusted token."),
    e("jku", Jose, "RFC 7515 §4.1.2", Uri, false,
        "JWK Set URL: where the signing keys can be found; a validator must not trust a URL taken from the token itself."),
    e("jwk", Jose, "RFC 7515 §4.1.3", Object, false,
        "Embedded key: the public key that signed the token; normal for DPoP proofs, but never a reason to trust an ID token."),
    e("crit", Jose, "RFC 7515 §4.1.11", Array, false,
        "Critical: header parameters the receiver must understand, or else reject the token."),
    e("enc", Jose, "RFC 7516 §4.1.2", Str, false,
        "Content encryption: the algorithm that encrypts the payload of an encrypted token (JWE), such as A256GCM."),
    e("zip", Jose, "RFC 7516 §4.1.3", Str, false,
        "Compression: the payload was compressed before encryption; DEF means DEFLATE."),
    e("epk", Jose, "RFC 7518 §4.6.1.1", Object, false,
        "Ephemeral public key: the one-time key the sender generated for ECDH key agreement in an encrypted token."),
    e("apu", Jose, "RFC 7518 §4.6.1.2", Str, false,
        "Agreement PartyUInfo: information about the sender fed into ECDH key derivation."),
    e("apv", Jose, "RFC 7518 §4.6.1.3", Str, false,
        "Agreement PartyVInfo: information about the recipient fed into ECDH key derivation."),
    e("iv", Jose, "RFC 7518 §4.7.1.1", Str, false,
        "Initialization vector: the IV used when the content key was wrapped with AES-GCM key wrap."),
    e("tag", Jose, "RFC 7518 §4.7.1.2", Str, false,
        "Authentication tag: the tag from AES-GCM key wrapping of the content key."),
    e("p2s", Jose, "RFC 7518 §4.8.1.1", Str, false,
        "PBES2 salt: the salt input for password-based key encryption."),
    e("p2c", Jose, "RFC 7518 §4.8.1.2", Number, false,
        "PBES2 count: the iteration count for password-based key encryption."),
    e("b64", Jose, "RFC 7797 §3", Boolean, false,
        "Base64 payload: false means the payload is not base64url encoded (unencoded payload option)."),
    e("nonce", Entra, ENTRA_AT, Str, false,
        "Nonce (Entra ID access tokens): present in tokens meant for Microsoft APIs such as Graph; such tokens are not meant for your app to validate and their signature will not check out."),
    e("url", Other, "RFC 8555 §6.4", Uri, false,
        "URL (ACME): the URL the signed request is addressed to."),
    e("ppt", Other, "RFC 8225 §8.1", Str, false,
        "PASSporT extension: names the extension used by a telephony identity token (STIR/SHAKEN)."),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn at_least_ninety_unique_claims_and_no_duplicates() {
        let names: HashSet<&str> = all_claims().iter().map(|c| c.name).collect();
        assert_eq!(names.len(), all_claims().len(), "duplicate claim names");
        assert!(names.len() >= 90, "only {} claims", names.len());
        let headers: HashSet<&str> = all_headers().iter().map(|c| c.name).collect();
        assert_eq!(headers.len(), all_headers().len(), "duplicate header names");
    }

    #[test]
    fn descriptions_are_single_sensible_lines() {
        for c in all_claims().iter().chain(all_headers()) {
            let d = c.description;
            assert!(!d.trim().is_empty(), "{}: empty description", c.name);
            assert_eq!(d, d.trim(), "{}: stray whitespace", c.name);
            assert!(
                !d.contains('\n') && !d.contains("  "),
                "{}: not one clean line",
                c.name
            );
            assert!(
                d.ends_with('.') && !d.ends_with(".."),
                "{}: should end with a full stop",
                c.name
            );
            assert!(
                d.chars().next().is_some_and(|ch| ch.is_uppercase()),
                "{}: capital",
                c.name
            );
            assert!(d.len() <= 200, "{}: too long ({} chars)", c.name, d.len());
            assert!(!c.reference.trim().is_empty(), "{}: no reference", c.name);
        }
    }

    #[rustfmt::skip]
    const REQUIRED: &[&str] = &[
        "iss", "sub", "aud", "exp", "nbf", "iat", "jti",
        "auth_time", "nonce", "acr", "amr", "azp", "at_hash", "c_hash", "s_hash", "sid",
        "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username",
        "profile", "picture", "website", "email", "email_verified", "gender", "birthdate",
        "zoneinfo", "locale", "phone_number", "phone_number_verified", "address", "updated_at",
        "address.formatted", "address.street_address", "address.locality", "address.region",
        "address.postal_code", "address.country",
        "oid", "tid", "upn", "unique_name", "scp", "roles", "groups", "hasgroups",
        "_claim_names", "_claim_sources", "wids", "idtyp", "uti", "rh", "appid", "appidacr",
        "azpacr", "ver", "ipaddr", "onprem_sid", "pwd_exp", "pwd_url", "in_corp", "login_hint",
        "acct", "ctry", "tenant_ctry", "tenant_region_scope", "verified_primary_email",
        "verified_secondary_email", "xms_pl", "xms_tpl", "deviceid", "app_displayname", "aio",
        "tfp", "emails", "idp", "idp_access_token", "newUser", "isForgotPassword", "city",
        "country", "postalCode", "state", "streetAddress", "jobTitle",
        "signInNames.emailAddress",
        "client_id", "scope", "cnf", "cnf.jkt", "act", "may_act", "htm", "htu", "ath",
        "entitlements", "events", "txn", "toe",
        "http://itsme.services/v2/claim/BENationalNumber",
        "http://itsme.services/v2/claim/claim_citizenship",
        "http://itsme.services/v2/claim/place_of_birth",
        "http://itsme.services/v2/claim/physical_person_photo",
        "http://itsme.services/v2/claim/claim_device",
        "http://itsme.services/v2/claim/transaction_info",
    ];

    #[test]
    fn required_claims_are_present() {
        for &name in REQUIRED {
            let found = claim(name).unwrap_or_else(|| panic!("{name} missing"));
            assert!(!found.custom_attribute, "{name}");
            assert!(
                all_claims().iter().any(|c| c.name == name),
                "{name} not a static entry"
            );
        }
        assert_eq!(
            claim("idp_access_token").unwrap().value_type,
            ValueType::Jwt
        );
        assert_eq!(claim("aud").unwrap().value_type, ValueType::StringOrArray);
        assert_eq!(claim("tfp").unwrap().source, Source::B2c);
        assert!(claim("EXP").is_none(), "lookups are case-sensitive");
        assert!(claim("not_a_claim").is_none());
    }

    /// The claims of an Entra External ID ID token and access token (v2.0), as its
    /// documentation lists them and the test provider's External ID tenant issues them.
    const EXTERNAL_ID: &[&str] = &[
        "aud",
        "iss",
        "iat",
        "nbf",
        "exp",
        "aio",
        "rh",
        "uti",
        "sub",
        "oid",
        "tid",
        "ver",
        "name",
        "preferred_username",
        "email",
        "nonce",
        "sid",
        "login_hint",
        "auth_time",
        "at_hash",
        "idp",
        "amr",
        "azp",
        "azpacr",
        "scp",
        "roles",
        "wids",
        "idtyp",
        "acct",
        "ctry",
        "tenant_ctry",
        "xms_pl",
        "xms_tpl",
        "acrs",
        "groups",
        "hasgroups",
    ];

    #[test]
    fn every_claim_of_an_external_id_token_is_explained() {
        for name in EXTERNAL_ID {
            assert!(static_claim(name).is_some(), "{name} not in the catalogue");
        }
        assert!(claim("ver")
            .unwrap()
            .description
            .contains("External ID 2.0"));
        assert!(claim("idp").unwrap().description.contains("External ID"));
        let custom = claim("extension_3fa85f6457174562b3fc2c963f66afa6_loyaltyNumber").unwrap();
        assert!(
            custom.description.contains("External ID"),
            "{}",
            custom.description
        );
    }

    #[test]
    fn b2c_extension_pattern() {
        let name = "extension_3fa85f6457174562b3fc2c963f66afa6_loyaltyNumber";
        let c = claim(name).expect("extension attribute recognised");
        assert!(c.custom_attribute);
        assert_eq!(c.source, Source::B2c);
        assert_eq!(c.name, name);
        assert!(c.description.contains("loyaltyNumber"));
        assert!(c.description.contains("3fa85f6457174562b3fc2c963f66afa6"));
        assert!(c.personal);
        let short = claim("extension_loyaltyId").expect("user-flow form recognised");
        assert!(short.custom_attribute && short.personal);
        assert!(short.description.contains("\"loyaltyId\""));
        assert!(claim("extension_foo").is_some());
        for bad in [
            "extension_",
            "extension_9lives",
            "extension_foo_",
            "extension_3fa85f6457174562b3fc2c963f66afa6",
            "extension_3fa85f6457174562b3fc2c963f66afa6_",
            "extension_3fa85f6457174562b3fc2c963f66afaZ_x",
            "extension_3fa85f6457174562b3fc2c963f66afa6x",
            "extension_3fa85f64-5717-4562-b3fc-2c963f66afa6_x",
        ] {
            assert!(claim(bad).is_none(), "{bad} should not be recognised");
        }
    }

    #[test]
    fn other_patterns() {
        let c = claim("http://itsme.services/v2/claim/IBANBE").expect("itsme fallback");
        assert_eq!(c.source, Source::Itsme);
        assert!(c.personal && !c.custom_attribute);
        assert!(claim("http://itsme.services/v2/claim/").is_none());
        let x = claim("xms_something_new").expect("xms fallback");
        assert_eq!(x.source, Source::Entra);
        assert!(claim("xms_").is_none());
        // Exact entries win over patterns.
        assert_eq!(
            claim("xms_pl").unwrap().description,
            "User preferred language: the language the user chose, such as en-US."
        );
    }

    #[test]
    fn numeric_dates() {
        for name in [
            "exp",
            "iat",
            "nbf",
            "auth_time",
            "updated_at",
            "pwd_exp",
            "toe",
        ] {
            assert!(is_numeric_date(name), "{name}");
        }
        for name in [
            "sub",
            "iss",
            "birthdate",
            "extension_3fa85f6457174562b3fc2c963f66afa6_x",
            "nope",
        ] {
            assert!(!is_numeric_date(name), "{name}");
        }
        // The same answer as the value type of the full lookup, for every name there is.
        let names = all_claims().iter().chain(all_headers()).map(|c| c.name);
        let patterns = [
            "extension_3fa85f6457174562b3fc2c963f66afa6_x",
            "extension_loyalty",
            "http://itsme.services/v2/claim/anything",
            "xms_anything",
            "",
        ];
        for name in names.chain(patterns) {
            assert_eq!(
                is_numeric_date(name),
                claim(name).is_some_and(|c| c.value_type == ValueType::NumericDate),
                "{name}"
            );
        }
    }

    #[test]
    fn headers() {
        for name in [
            "alg", "kid", "typ", "cty", "x5t", "x5t#S256", "x5c", "x5u", "jku", "jwk", "crit",
            "enc", "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c", "b64", "nonce",
        ] {
            assert!(header(name).is_some(), "header {name} missing");
        }
        assert_eq!(header("alg").unwrap().source, Source::Jose);
        assert!(header("exp").is_none());
    }

    #[test]
    fn personal_flags() {
        for name in [
            "email",
            "name",
            "phone_number",
            "upn",
            "unique_name",
            "preferred_username",
            "ipaddr",
            "birthdate",
            "address",
            "emails",
            "http://itsme.services/v2/claim/BENationalNumber",
        ] {
            assert!(claim(name).unwrap().personal, "{name} should be personal");
        }
        for name in ["exp", "iss", "aud", "tfp", "scp", "email_verified"] {
            assert!(
                !claim(name).unwrap().personal,
                "{name} should not be personal"
            );
        }
        assert!(all_headers().iter().all(|h| !h.personal));
    }

    #[test]
    fn serializes_snake_case() {
        assert_eq!(ser(&ValueType::NumericDate), "\"numeric_date\"");
        assert_eq!(ser(&ValueType::StringOrArray), "\"string_or_array\"");
        assert_eq!(ser(&Source::OAuth), "\"oauth\"");
        assert_eq!(ser(&Source::OidcCore), "\"oidc_core\"");
        assert_eq!(ser(&Source::B2c), "\"b2c\"");
    }

    fn ser<T: serde::Serialize>(value: &T) -> String {
        serde_json::to_string(value).unwrap()
    }
}
