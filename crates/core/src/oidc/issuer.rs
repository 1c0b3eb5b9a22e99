//! The issuer forms of Microsoft's customer-identity services, none of which is the URL its
//! metadata was discovered at: B2C's tenant-GUID form and its `tfp` compatibility form, and
//! Entra External ID's form with the tenant ID as the host's first label
//! (`https://<tenant-id>.ciamlogin.com/<tenant-id>/v2.0`). What the validation report and the
//! session history say about a token's `iss`.

use crate::oidc::authority::is_guid;
use serde::Serialize;
use url::Url;

/// The shape of the issuer in a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum IssuerForm {
    /// `https://<host>/<tenant GUID>/v2.0/` (B2C's default).
    Guid,
    /// `https://<host>/tfp/<tenant>/<policy>/v2.0/` (the compatibility form).
    Tfp,
    /// `https://<tenant-id>.ciamlogin.com/<tenant-id>/v2.0` (Entra External ID): the tenant ID
    /// is the host's first label and the first path segment.
    ExternalId,
    /// Anything else (not B2C or External ID, or a form Tokenscope does not know).
    Other,
}

/// The form of `issuer` and the tenant it names.
pub fn issuer_form(issuer: &str) -> (IssuerForm, Option<String>) {
    let Ok(url) = Url::parse(issuer) else {
        return (IssuerForm::Other, None);
    };
    let segs: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    if let Some(i) = segs.iter().position(|s| s.eq_ignore_ascii_case("tfp")) {
        if segs.len() > i + 2 {
            return (IssuerForm::Tfp, Some(segs[i + 1].to_owned()));
        }
    }
    let label = url
        .host_str()
        .and_then(|h| h.split('.').next())
        .unwrap_or_default();
    match segs.as_slice() {
        [t, v] if *v == "v2.0" && is_guid(t) && label.eq_ignore_ascii_case(t) => {
            (IssuerForm::ExternalId, Some((*t).to_owned()))
        }
        [t, v] if *v == "v2.0" && is_guid(t) => (IssuerForm::Guid, Some((*t).to_owned())),
        _ => (IssuerForm::Other, None),
    }
}

/// Why an issuer of a known form is not the discovery base, for the `iss` check: `None` for
/// any other issuer.
pub fn explain(issuer: &str) -> Option<String> {
    let (form, tenant) = issuer_form(issuer);
    let tenant = tenant.unwrap_or_default();
    match form {
        IssuerForm::Guid => Some(format!(
            "B2C's default issuer names the tenant GUID ({tenant}), not the policy's discovery \
             URL: Tokenscope takes the issuer from the metadata, not from where it was found"
        )),
        IssuerForm::Tfp => Some(format!(
            "B2C's tfp compatibility issuer (tenant {tenant} and the policy), not the discovery \
             URL: Tokenscope takes the issuer from the metadata"
        )),
        IssuerForm::ExternalId => Some(format!(
            "Entra External ID's issuer has the tenant ID ({tenant}) as its host, not the \
             <subdomain>.ciamlogin.com host the metadata came from: Tokenscope takes the issuer \
             from the metadata, where strict discovery would fail"
        )),
        IssuerForm::Other => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "81659f24-f1c7-4ca5-8a9b-494bf0b206a5";

    #[test]
    fn the_external_id_issuer_has_the_tenant_id_as_host_and_path() {
        let iss = format!("https://{T}.ciamlogin.com/{T}/v2.0");
        assert_eq!(issuer_form(&iss), (IssuerForm::ExternalId, Some(T.into())));
        // Host-independent: the test provider's `<tenant-id>.localhost` form is the same shape.
        let local = format!("http://{T}.localhost:41481/{T}/v2.0");
        assert_eq!(issuer_form(&local).0, IssuerForm::ExternalId);
        let why = explain(&iss).expect("explained");
        assert!(why.contains("tenant ID") && why.contains(T), "{why}");
        assert!(
            why.contains("ciamlogin.com host the metadata came from"),
            "{why}"
        );
    }

    #[test]
    fn b2c_forms_stay_b2c_and_others_are_not_explained() {
        let guid = format!("https://contoso.b2clogin.com/{T}/v2.0/");
        assert_eq!(issuer_form(&guid), (IssuerForm::Guid, Some(T.into())));
        assert!(explain(&guid).unwrap().contains("B2C's default issuer"));
        let tfp = format!("https://contoso.b2clogin.com/tfp/{T}/b2c_1_susi/v2.0/");
        assert_eq!(issuer_form(&tfp), (IssuerForm::Tfp, Some(T.into())));
        // Another GUID as host label is not the External ID form.
        let other = format!("https://a1b2c3d4-0000-4000-8000-000000000000.ciamlogin.com/{T}/v2.0");
        assert_eq!(issuer_form(&other).0, IssuerForm::Guid);
        for plain in ["https://login.example.org/realms/x", "not a url", ""] {
            assert_eq!(issuer_form(plain), (IssuerForm::Other, None));
            assert_eq!(explain(plain), None);
        }
    }
}
