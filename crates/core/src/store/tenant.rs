//! B2C tenants and their policies. A profile whose authority names a B2C tenant belongs to that
//! tenant (host + tenant name or GUID); the tenant's policies (sign-up/sign-in, profile edit,
//! password reset, custom policies) are those of every profile on it plus those the user added,
//! kept in `tenants.json` next to the profiles. Switching a profile to another policy rewrites
//! only the policy in its authority, in the form it was given, and keeps everything else (client
//! ID, scopes, redirect, parameters). Each policy has its own metadata and keys, so the engine
//! fetches and caches them per policy (its cache is keyed by the metadata URL, which names the
//! policy).

use crate::error::{Error, Result};
use crate::oidc::authority::{is_policy, Authority, B2cPolicy};
use crate::store::config_file::{read_json, update_json, Change};
use crate::store::profile::{Profile, ProfileStore};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use url::Url;

/// What a policy is for, guessed from its name (B2C does not say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    /// Sign-up and sign-in, or sign-in only.
    SignIn,
    /// Profile editing.
    ProfileEdit,
    /// Password reset.
    PasswordReset,
    /// A custom policy (`B2C_1A_`) whose name says nothing more.
    Custom,
    /// A user flow whose name says nothing more.
    Other,
}

/// Guesses what a policy is for from its name.
pub fn policy_kind(name: &str) -> PolicyKind {
    let n = name.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| n.contains(w));
    if has(&["reset", "password", "sspr", "forgotpw"]) {
        PolicyKind::PasswordReset
    } else if has(&["edit", "profile"]) {
        PolicyKind::ProfileEdit
    } else if has(&["susi", "signup", "signin", "sign_in", "sign_up", "login"]) {
        PolicyKind::SignIn
    } else if n.starts_with("b2c_1a_") {
        PolicyKind::Custom
    } else {
        PolicyKind::Other
    }
}

/// The authority `authority` with its B2C policy replaced by `policy`, in the same form
/// (path, `?p=`, custom domain, MSAL `tfp`, tenant/policy, portal URL).
pub fn with_policy(authority: &str, policy: &str) -> Result<String> {
    let policy = policy.trim();
    if !is_policy(policy) {
        return Err(Error::Authority(format!(
            "`{policy}` is not a B2C policy name (user flows start with B2C_1_, custom policies \
             with B2C_1A_)"
        )));
    }
    let parsed = Authority::parse(authority)?;
    let Some(b2c) = parsed.b2c.clone() else {
        return Err(Error::Authority(format!(
            "`{}` is not a B2C authority: only B2C tenants have policies to switch{}",
            authority.trim(),
            parsed
                .policy_note()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        )));
    };
    let text = authority.trim();
    let out = if text.contains("://") {
        let mut url = Url::parse(text)
            .map_err(|e| Error::Authority(format!("`{text}` is not a valid URL: {e}")))?;
        let in_query = url
            .query_pairs()
            .any(|(k, v)| k.eq_ignore_ascii_case("p") && v.eq_ignore_ascii_case(&b2c.policy));
        if in_query {
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| {
                    if k.eq_ignore_ascii_case("p") {
                        (k.into_owned(), policy.to_owned())
                    } else {
                        (k.into_owned(), v.into_owned())
                    }
                })
                .collect();
            url.query_pairs_mut().clear().extend_pairs(pairs);
        } else {
            let segments: Vec<String> = url
                .path_segments()
                .map(|s| {
                    s.map(|seg| {
                        if seg.eq_ignore_ascii_case(&b2c.policy) {
                            policy.to_owned()
                        } else {
                            seg.to_owned()
                        }
                    })
                    .collect()
                })
                .unwrap_or_default();
            url.path_segments_mut()
                .map_err(|_| Error::Authority(format!("`{text}` cannot have a path")))?
                .clear()
                .extend(segments);
        }
        url.to_string()
    } else {
        Authority::b2c(&b2c.tenant, policy)?.input
    };
    // The result must be the same tenant on the new policy, or the rewrite went wrong.
    let check = Authority::parse(&out)?;
    match check.b2c {
        Some(b) if b.policy.eq_ignore_ascii_case(policy) && same_tenant(&b, &b2c) => Ok(out),
        _ => Err(Error::Authority(format!(
            "cannot switch `{text}` to {policy}: the policy is not a part of its own"
        ))),
    }
}

fn same_tenant(a: &B2cPolicy, b: &B2cPolicy) -> bool {
    a.host.eq_ignore_ascii_case(&b.host) && a.tenant.eq_ignore_ascii_case(&b.tenant)
}

/// The key of a tenant: lower-case `host/tenant`.
pub fn tenant_key(b2c: &B2cPolicy) -> String {
    format!(
        "{}/{}",
        b2c.host.to_ascii_lowercase(),
        b2c.tenant.to_ascii_lowercase()
    )
}

/// What Tokenscope remembers about a tenant (no secrets).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSettings {
    /// Policies the user added (besides those of the profiles).
    #[serde(default)]
    pub policies: Vec<String>,
    /// The password-reset policy chosen for AADB2C90118.
    #[serde(default)]
    pub reset_policy: Option<String>,
}

/// One policy of a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PolicyEntry {
    /// Name as written.
    pub name: String,
    /// What it is for (guessed from the name).
    pub kind: PolicyKind,
    /// The profile uses it now.
    pub current: bool,
    /// Profiles on this tenant that use it.
    pub profiles: Vec<String>,
}

/// A profile's tenant and its policies, for the policy picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TenantView {
    /// `host/tenant`, lower case.
    pub key: String,
    /// Host (b2clogin.com or a custom domain).
    pub host: String,
    /// Tenant name or GUID as written.
    pub tenant: String,
    /// The policy the profile uses.
    pub current_policy: String,
    /// Every known policy, sign-in first, then profile edit, reset, custom, other; by name.
    pub policies: Vec<PolicyEntry>,
    /// The password-reset policy to offer on AADB2C90118: the chosen one, else the first
    /// policy whose name says reset.
    pub reset_policy: Option<String>,
}

/// `tenants.json` in the profile store's directory.
#[derive(Debug, Clone)]
pub struct TenantStore {
    profiles: ProfileStore,
}

impl TenantStore {
    /// The tenants of a profile store.
    pub fn new(profiles: ProfileStore) -> Self {
        Self { profiles }
    }

    fn path(&self) -> std::path::PathBuf {
        self.profiles.dir().join("tenants.json")
    }

    fn all(&self) -> Result<BTreeMap<String, TenantSettings>> {
        read_json(&self.path())
    }

    /// The settings of one tenant (default when none).
    pub fn settings(&self, key: &str) -> Result<TenantSettings> {
        Ok(self.all()?.remove(key).unwrap_or_default())
    }

    fn update(&self, key: &str, change: impl FnOnce(&mut TenantSettings)) -> Result<()> {
        update_json(
            &self.path(),
            |all: &mut BTreeMap<String, TenantSettings>| {
                change(all.entry(key.to_owned()).or_default());
                Change::Write(())
            },
        )
    }

    /// The tenant of a profile with all its known policies; an error when the profile is not
    /// on B2C.
    pub fn view(&self, profile: &Profile) -> Result<TenantView> {
        let b2c = b2c_of(profile)?;
        let key = tenant_key(&b2c);
        let settings = self.settings(&key)?;
        let mut entries: Vec<PolicyEntry> = Vec::new();
        let mut add = |name: &str, user: Option<&str>| {
            let i = match entries
                .iter()
                .position(|e| e.name.eq_ignore_ascii_case(name))
            {
                Some(i) => i,
                None => {
                    entries.push(PolicyEntry {
                        name: name.to_owned(),
                        kind: policy_kind(name),
                        current: name.eq_ignore_ascii_case(&b2c.policy),
                        profiles: Vec::new(),
                    });
                    entries.len() - 1
                }
            };
            if let Some(u) = user {
                if !entries[i].profiles.iter().any(|p| p == u) {
                    entries[i].profiles.push(u.to_owned());
                }
            }
        };
        add(&b2c.policy, Some(&profile.name));
        for other in self.profiles.list()? {
            if let Ok(o) = b2c_of(&other) {
                if tenant_key(&o) == key {
                    add(&o.policy, Some(&other.name));
                }
            }
        }
        for p in &settings.policies {
            add(p, None);
        }
        if let Some(r) = &settings.reset_policy {
            add(r, None);
        }
        let order = |k: PolicyKind| match k {
            PolicyKind::SignIn => 0,
            PolicyKind::ProfileEdit => 1,
            PolicyKind::PasswordReset => 2,
            PolicyKind::Custom => 3,
            PolicyKind::Other => 4,
        };
        entries.sort_by(|a, b| {
            (order(a.kind), a.name.to_ascii_lowercase())
                .cmp(&(order(b.kind), b.name.to_ascii_lowercase()))
        });
        let reset_policy = settings.reset_policy.clone().or_else(|| {
            entries
                .iter()
                .find(|e| e.kind == PolicyKind::PasswordReset)
                .map(|e| e.name.clone())
        });
        Ok(TenantView {
            key,
            host: b2c.host,
            tenant: b2c.tenant,
            current_policy: b2c.policy,
            policies: entries,
            reset_policy,
        })
    }

    /// Adds a policy to the profile's tenant; with `reset`, it becomes the tenant's
    /// password-reset policy.
    pub fn add_policy(&self, profile: &Profile, policy: &str, reset: bool) -> Result<TenantView> {
        let policy = policy.trim();
        // Checks the name and that the tenant's authority can carry it.
        with_policy(&profile.authority, policy)?;
        let key = tenant_key(&b2c_of(profile)?);
        self.update(&key, |s| {
            if !s.policies.iter().any(|p| p.eq_ignore_ascii_case(policy)) {
                s.policies.push(policy.to_owned());
            }
            if reset {
                s.reset_policy = Some(policy.to_owned());
            }
        })?;
        self.view(profile)
    }

    /// Switches the profile to another policy of its tenant (see [`switch_policy`]) and keeps
    /// both policies in the tenant's list, so the one left stays one click away. The caller
    /// saves the returned profile.
    pub fn switch(&self, profile: &Profile, policy: &str) -> Result<Profile> {
        let switched = switch_policy(profile, policy)?;
        let key = tenant_key(&b2c_of(profile)?);
        let old = b2c_of(profile)?.policy;
        let new = b2c_of(&switched)?.policy;
        self.update(&key, |s| {
            for p in [old, new] {
                if !s.policies.iter().any(|q| q.eq_ignore_ascii_case(&p)) {
                    s.policies.push(p);
                }
            }
        })?;
        Ok(switched)
    }

    /// Forgets a policy the user added (the profiles' own policies stay listed).
    pub fn remove_policy(&self, profile: &Profile, policy: &str) -> Result<TenantView> {
        let key = tenant_key(&b2c_of(profile)?);
        self.update(&key, |s| {
            s.policies.retain(|p| !p.eq_ignore_ascii_case(policy));
            if s.reset_policy
                .as_deref()
                .is_some_and(|r| r.eq_ignore_ascii_case(policy))
            {
                s.reset_policy = None;
            }
        })?;
        self.view(profile)
    }
}

/// The profile switched to another policy of its tenant (nothing else changes); saved by the
/// caller.
pub fn switch_policy(profile: &Profile, policy: &str) -> Result<Profile> {
    let mut out = profile.clone();
    out.authority = with_policy(&profile.authority, policy)?;
    Ok(out)
}

fn b2c_of(profile: &Profile) -> Result<B2cPolicy> {
    let authority = Authority::parse(&profile.authority)?;
    let note = authority.policy_note();
    authority.b2c.ok_or_else(|| {
        Error::Authority(match note {
            Some(note) => format!("profile {:?} is on Entra External ID: {note}", profile.name),
            None => format!(
                "profile {:?} is not on a B2C tenant: its authority names no policy",
                profile.name
            ),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUID: &str = "81659f24-f1c7-4ca5-8a9b-494bf0b206a5";

    #[test]
    fn every_authority_form_switches_policy_and_keeps_its_form() {
        let cases = [
            (
                "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi/v2.0/.well-known/openid-configuration",
                "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_edit/v2.0/.well-known/openid-configuration",
            ),
            (
                "https://contoso.b2clogin.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration?p=B2C_1_susi",
                "https://contoso.b2clogin.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration?p=B2C_1_edit",
            ),
            (
                &format!("https://login.contoso.com/{GUID}/b2c_1_susi/v2.0/"),
                &format!("https://login.contoso.com/{GUID}/B2C_1_edit/v2.0/"),
            ),
            (
                "https://contoso.b2clogin.com/tfp/contoso.onmicrosoft.com/B2C_1_susi",
                "https://contoso.b2clogin.com/tfp/contoso.onmicrosoft.com/B2C_1_edit",
            ),
            ("contoso/B2C_1_susi", "contoso.onmicrosoft.com/B2C_1_edit"),
            (
                "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?p=B2C_1_susi&client_id=abc&scope=openid",
                "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?p=B2C_1_edit&client_id=abc&scope=openid",
            ),
        ];
        for (from, to) in cases {
            let got = with_policy(from, "B2C_1_edit").unwrap_or_else(|e| panic!("{from}: {e}"));
            assert_eq!(got, to, "from {from}");
            let before = Authority::parse(from).unwrap();
            let after = Authority::parse(&got).unwrap();
            assert_eq!(before.form, after.form, "{from}");
            assert_ne!(before.metadata_url, after.metadata_url, "{from}");
        }
    }

    #[test]
    fn bad_policies_and_non_b2c_authorities_are_refused() {
        let e = with_policy("contoso/B2C_1_susi", "susi").unwrap_err();
        assert!(e.to_string().contains("not a B2C policy name"), "{e}");
        let e = with_policy("https://login.example.org/realms/test", "B2C_1_edit").unwrap_err();
        assert!(e.to_string().contains("not a B2C authority"), "{e}");
        assert!(with_policy("contoso/B2C_1_susi", "B2C_1_a/b").is_err());
    }

    #[test]
    fn kinds_are_guessed_from_names() {
        assert_eq!(policy_kind("B2C_1_susi"), PolicyKind::SignIn);
        assert_eq!(policy_kind("B2C_1_SignUpSignIn"), PolicyKind::SignIn);
        assert_eq!(policy_kind("B2C_1_edit"), PolicyKind::ProfileEdit);
        assert_eq!(policy_kind("B2C_1A_ProfileEdit"), PolicyKind::ProfileEdit);
        assert_eq!(policy_kind("B2C_1_reset"), PolicyKind::PasswordReset);
        assert_eq!(
            policy_kind("B2C_1A_PasswordReset"),
            PolicyKind::PasswordReset
        );
        assert_eq!(policy_kind("B2C_1A_tfp"), PolicyKind::Custom);
        assert_eq!(policy_kind("B2C_1_auto"), PolicyKind::Other);
    }

    #[test]
    fn a_tenant_lists_the_policies_of_its_profiles_and_those_added() {
        let dir = std::env::temp_dir().join(format!(
            "tokenscope-tenants-{}",
            crate::oidc::pkce::random_token()
        ));
        let profiles = ProfileStore::new(&dir);
        let tenants = TenantStore::new(profiles.clone());
        let susi = Profile::new("susi", "contoso/B2C_1_susi", "c1");
        profiles.save(&susi).unwrap();
        profiles
            .save(&Profile::new("custom", "contoso/B2C_1A_signin", "c2"))
            .unwrap();
        profiles
            .save(&Profile::new("elsewhere", "fabrikam/B2C_1_edit", "c3"))
            .unwrap();
        profiles
            .save(&Profile::new("oidc", "https://login.example.org/", "c4"))
            .unwrap();

        let v = tenants.view(&susi).unwrap();
        assert_eq!(v.key, "contoso.b2clogin.com/contoso.onmicrosoft.com");
        assert_eq!(v.current_policy, "B2C_1_susi");
        let names: Vec<&str> = v.policies.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["B2C_1_susi", "B2C_1A_signin"]);
        assert!(v.policies[0].current && !v.policies[1].current);
        assert_eq!(v.policies[1].profiles, ["custom"]);
        assert_eq!(v.reset_policy, None);

        let v = tenants.add_policy(&susi, "B2C_1_reset", false).unwrap();
        assert_eq!(v.reset_policy.as_deref(), Some("B2C_1_reset"));
        tenants.add_policy(&susi, "B2C_1_edit", false).unwrap();
        let v = tenants.add_policy(&susi, "B2C_1_sspr2", true).unwrap();
        assert_eq!(v.reset_policy.as_deref(), Some("B2C_1_sspr2"));
        let names: Vec<&str> = v.policies.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "B2C_1_susi",
                "B2C_1A_signin",
                "B2C_1_edit",
                "B2C_1_reset",
                "B2C_1_sspr2"
            ]
        );
        assert!(tenants.add_policy(&susi, "nope", false).is_err());
        let v = tenants.remove_policy(&susi, "b2c_1_sspr2").unwrap();
        assert_eq!(v.reset_policy.as_deref(), Some("B2C_1_reset"));

        // Switching keeps client ID and scopes and the tenant's list.
        let mut with_scopes = susi.clone();
        with_scopes.scopes = vec!["offline_access".into()];
        let edit = switch_policy(&with_scopes, "B2C_1_edit").unwrap();
        assert_eq!(edit.authority, "contoso.onmicrosoft.com/B2C_1_edit");
        assert_eq!(edit.client_id, "c1");
        assert_eq!(edit.scopes, ["offline_access"]);
        let v = tenants.view(&edit).unwrap();
        assert!(v
            .policies
            .iter()
            .any(|p| p.name == "B2C_1_edit" && p.current));

        // Through the store, the policy left stays listed once no profile uses it.
        let custom = profiles.get("custom").unwrap();
        let moved = tenants.switch(&custom, "B2C_1A_profileedit").unwrap();
        profiles.save(&moved).unwrap();
        let v = tenants.view(&moved).unwrap();
        assert!(v
            .policies
            .iter()
            .any(|p| p.name == "B2C_1A_signin" && !p.current));
        assert!(v
            .policies
            .iter()
            .any(|p| p.name == "B2C_1A_profileedit" && p.current));

        let e = tenants
            .view(&Profile::new("oidc", "https://login.example.org/", "c4"))
            .unwrap_err();
        assert!(e.to_string().contains("not on a B2C tenant"), "{e}");
        std::fs::remove_dir_all(dir).ok();
    }
}
