//! Profiles: named, non-secret sign-in settings (authority, client ID, scopes, redirect,
//! parameters) in the user's config directory as pretty JSON people can read and edit, plus a
//! small state file (who the last ID token was about, when). Secrets never go here.

use crate::error::{Error, Result};
use crate::oidc::authorize::AuthParams;
use crate::oidc::redirect::RedirectConfig;
use crate::oidc::request::ClientAuthMethod;
use crate::oidc::request_form::RequestForm;
use crate::store::config_file::{read_json, update_json, Change};
use crate::validate::Identity;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Environment variable that moves the config directory (tests, portable use).
pub const CONFIG_DIR_ENV: &str = "TOKENSCOPE_CONFIG_DIR";

/// One profile's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Profile {
    /// Unique name.
    pub name: String,
    /// Authority in any accepted form.
    pub authority: String,
    /// Application (client) ID.
    pub client_id: String,
    /// Scopes besides `openid` (added always).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Redirect URI settings.
    #[serde(default)]
    pub redirect: RedirectConfig,
    /// Optional authorization parameters.
    #[serde(default)]
    pub params: AuthParams,
    /// Command that opens the browser (empty = the system browser).
    #[serde(default)]
    pub browser_command: Option<String>,
    /// How a confidential client authenticates (used only when a client secret is stored in the
    /// keyring under [`crate::oidc::request::client_secret_account`]; never in this file).
    #[serde(default)]
    pub client_auth: ClientAuthMethod,
    /// How the browser sign-in's authorization request travels: pushed (PAR) and/or as a
    /// signed (and encrypted) request object (JAR). Profiles from before it read as the
    /// default: PAR when the provider requires it, no request object.
    #[serde(default)]
    pub request_form: RequestForm,
    /// DPoP (RFC 9449): proofs with the profile's key (kept in the keyring under
    /// [`crate::oidc::dpop::key_account`], made on first use) on the token request, refresh,
    /// API and userinfo calls, and the `cnf.jkt` of the tokens checked against it.
    #[serde(default)]
    pub dpop: bool,
    /// Mutual TLS (RFC 8705): the certificate and key files presented to the provider (paths
    /// only; the key stays in its file). `None`: no client certificate.
    #[serde(default)]
    pub client_certificate: Option<crate::oidc::mtls::ClientCertificate>,
}

impl Profile {
    /// A profile with defaults for everything but the essentials.
    pub fn new(name: &str, authority: &str, client_id: &str) -> Self {
        Self {
            name: name.to_owned(),
            authority: authority.to_owned(),
            client_id: client_id.to_owned(),
            scopes: Vec::new(),
            redirect: RedirectConfig::default(),
            params: AuthParams::default(),
            browser_command: None,
            client_auth: ClientAuthMethod::default(),
            request_form: RequestForm::default(),
            dpop: false,
            client_certificate: None,
        }
    }

    /// Vault account of this profile's refresh token.
    pub fn refresh_account(&self) -> String {
        refresh_account(&self.name)
    }

    /// Checks the name.
    pub fn check_name(name: &str) -> Result<()> {
        if name.trim().is_empty() || name.len() > 80 || name.chars().any(char::is_control) {
            return Err(Error::Profile(format!(
                "profile name {name:?} must be 1–80 printable characters"
            )));
        }
        Ok(())
    }
}

/// Vault account of a profile's refresh token.
pub fn refresh_account(profile: &str) -> String {
    format!("refresh-token:{profile}")
}

/// What Tokenscope remembers about a profile between runs (no secrets).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProfileState {
    /// `iss` and `sub` of the last valid ID token.
    pub last_identity: Option<Identity>,
    /// Last completed sign-in.
    pub last_sign_in: Option<DateTime<Utc>>,
    /// Last refresh token rotation.
    pub last_rotation: Option<DateTime<Utc>>,
    /// The API calls made with the profile's token, newest first (at most
    /// [`MAX_RECENT_CALLS`]).
    #[serde(default)]
    pub recent_calls: Vec<RecentCall>,
}

/// How many calls a profile's state remembers.
pub const MAX_RECENT_CALLS: usize = 10;

/// A request body longer than this is not remembered (the call is, without its body).
pub const MAX_RECENT_BODY: usize = 16 * 1024;

/// An API call made with the profile's token, remembered to be made again: what the user
/// typed and what came back, never a token (`Authorization` is Tokenscope's, not the user's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecentCall {
    /// When it was sent.
    pub at: DateTime<Utc>,
    /// HTTP method.
    pub method: String,
    /// The URL as typed.
    pub url: String,
    /// The headers typed, as `[name, value]`.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The body typed (none when there was none or it was over [`MAX_RECENT_BODY`]).
    #[serde(default)]
    pub body: Option<String>,
    /// The ID token was sent instead of the access token.
    #[serde(default)]
    pub id_token: bool,
    /// The answer's status.
    pub status: u16,
    /// How long the answer took.
    pub elapsed_ms: u64,
}

impl RecentCall {
    /// The same request (whatever came back).
    fn same_request(&self, other: &RecentCall) -> bool {
        (
            &self.method,
            &self.url,
            &self.headers,
            &self.body,
            self.id_token,
        ) == (
            &other.method,
            &other.url,
            &other.headers,
            &other.body,
            other.id_token,
        )
    }
}

impl ProfileState {
    /// Puts `call` first: the same request made before moves up instead of being listed twice,
    /// and the oldest beyond [`MAX_RECENT_CALLS`] are forgotten.
    pub fn remember_call(&mut self, call: RecentCall) {
        self.recent_calls.retain(|c| !c.same_request(&call));
        self.recent_calls.insert(0, call);
        self.recent_calls.truncate(MAX_RECENT_CALLS);
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct AppSettings {
    last_profile: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ProfilesFile {
    profiles: Vec<Profile>,
}

/// Reads and writes `profiles.json` and `state.json` in one directory.
#[derive(Debug, Clone)]
pub struct ProfileStore {
    dir: PathBuf,
}

impl ProfileStore {
    /// The store in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The user's store: `$TOKENSCOPE_CONFIG_DIR`, else the platform config dir
    /// (`~/.config/tokenscope` on Linux).
    pub fn default_location() -> Result<Self> {
        if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
            return Ok(Self::new(dir));
        }
        directories::ProjectDirs::from("", "", "tokenscope")
            .map(|d| Self::new(d.config_dir()))
            .ok_or_else(|| Error::Profile("no home directory to keep profiles in".into()))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn profiles_path(&self) -> PathBuf {
        self.dir.join("profiles.json")
    }

    fn state_path(&self) -> PathBuf {
        self.dir.join("state.json")
    }

    /// All profiles (none when the file does not exist yet).
    pub fn list(&self) -> Result<Vec<Profile>> {
        Ok(read_json::<ProfilesFile>(&self.profiles_path())?.profiles)
    }

    /// One profile by name.
    pub fn get(&self, name: &str) -> Result<Profile> {
        self.list()?
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| Error::Profile(format!("no profile named {name:?}")))
    }

    /// Adds or replaces a profile (by name). A portal "Run user flow" URL given as the
    /// authority is kept as its policy's metadata URL (`oidc::portal`).
    pub fn save(&self, profile: &Profile) -> Result<()> {
        Profile::check_name(&profile.name)?;
        let mut profile = profile.clone();
        profile.authority = crate::oidc::portal::stored_authority(&profile.authority);
        update_json(&self.profiles_path(), |file: &mut ProfilesFile| {
            match file.profiles.iter_mut().find(|p| p.name == profile.name) {
                Some(existing) => *existing = profile.clone(),
                None => file.profiles.push(profile.clone()),
            }
            Change::Write(())
        })
    }

    /// Removes a profile and its state; true when it existed.
    pub fn delete(&self, name: &str) -> Result<bool> {
        let removed = update_json(&self.profiles_path(), |file: &mut ProfilesFile| {
            let before = file.profiles.len();
            file.profiles.retain(|p| p.name != name);
            if file.profiles.len() != before {
                Change::Write(true)
            } else {
                Change::Keep(false)
            }
        })?;
        update_json(
            &self.state_path(),
            |state: &mut BTreeMap<String, ProfileState>| match state.remove(name) {
                Some(_) => Change::Write(()),
                None => Change::Keep(()),
            },
        )?;
        Ok(removed)
    }

    fn app_path(&self) -> PathBuf {
        self.dir.join("app.json")
    }

    /// The profile used last (the desktop app opens on it).
    pub fn last_profile(&self) -> Result<Option<String>> {
        Ok(read_json::<AppSettings>(&self.app_path())?.last_profile)
    }

    /// Remembers the profile used last.
    pub fn set_last_profile(&self, name: Option<&str>) -> Result<()> {
        update_json(&self.app_path(), |settings: &mut AppSettings| {
            settings.last_profile = name.map(str::to_owned);
            Change::Write(())
        })
    }

    fn all_state(&self) -> Result<BTreeMap<String, ProfileState>> {
        read_json(&self.state_path())
    }

    /// A profile's state (default when none).
    pub fn state(&self, name: &str) -> Result<ProfileState> {
        Ok(self.all_state()?.remove(name).unwrap_or_default())
    }

    /// Changes a profile's state.
    pub fn update_state(&self, name: &str, change: impl FnOnce(&mut ProfileState)) -> Result<()> {
        update_json(
            &self.state_path(),
            |all: &mut BTreeMap<String, ProfileState>| {
                change(all.entry(name.to_owned()).or_default());
                Change::Write(())
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_file_written_before_dpop_loads_with_dpop_off_and_keeps_it_on_when_set() {
        let old = r#"{"name":"p","authority":"https://idp.example","client_id":"c"}"#;
        let p: Profile = serde_json::from_str(old).expect("an old profile file loads");
        assert!(!p.dpop);
        let mut on = p.clone();
        on.dpop = true;
        let json = serde_json::to_string(&on).unwrap();
        assert!(json.contains(r#""dpop":true"#), "{json}");
        assert!(serde_json::from_str::<Profile>(&json).unwrap().dpop);
    }

    fn store() -> (ProfileStore, PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "tokenscope-profiles-{}",
            crate::oidc::pkce::random_token()
        ));
        (ProfileStore::new(&dir), dir)
    }

    #[test]
    fn save_list_replace_delete() {
        let (s, dir) = store();
        assert!(s.list().unwrap().is_empty());
        let mut p = Profile::new("demo", "contoso/B2C_1_susi", "cid");
        s.save(&p).unwrap();
        p.scopes = vec!["offline_access".into()];
        s.save(&p).unwrap();
        s.save(&Profile::new("other", "https://x/", "c2")).unwrap();
        let all = s.list().unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(s.get("demo").unwrap().scopes, vec!["offline_access"]);
        s.update_state("demo", |st| {
            st.last_identity = Some(Identity {
                iss: "i".into(),
                sub: "s".into(),
                ..Default::default()
            })
        })
        .unwrap();
        assert_eq!(s.state("demo").unwrap().last_identity.unwrap().sub, "s");
        assert_eq!(s.last_profile().unwrap(), None);
        s.set_last_profile(Some("demo")).unwrap();
        assert_eq!(s.last_profile().unwrap().as_deref(), Some("demo"));
        assert!(s.delete("demo").unwrap());
        assert!(!s.delete("demo").unwrap());
        assert_eq!(s.state("demo").unwrap(), ProfileState::default());
        assert!(s.get("demo").is_err());
        // Readable JSON, no secrets.
        let text = std::fs::read_to_string(dir.join("profiles.json")).unwrap();
        assert!(text.contains("\"client_id\": \"c2\""), "{text}");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_portal_run_user_flow_url_is_saved_as_its_policys_metadata_url() {
        let (s, dir) = store();
        let portal = "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize\
                      ?p=B2C_1_susi&client_id=cid&nonce=defaultNonce&redirect_uri=https%3A%2F%2Fjwt.ms\
                      &scope=openid&response_type=id_token&prompt=login";
        s.save(&Profile::new("portal", portal, "cid")).unwrap();
        assert_eq!(
            s.get("portal").unwrap().authority,
            "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi/v2.0/.well-known/openid-configuration"
        );
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_corrupt_file_is_reported_and_never_overwritten() {
        let (s, dir) = store();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("profiles.json"), "{ oops").unwrap();
        let e = s.save(&Profile::new("demo", "x/B2C_1_a", "c")).unwrap_err();
        assert!(e.to_string().contains("will not overwrite"), "{e}");
        assert_eq!(
            std::fs::read_to_string(dir.join("profiles.json")).unwrap(),
            "{ oops"
        );
        std::fs::remove_dir_all(dir).ok();
    }

    fn recent(url: &str, status: u16) -> RecentCall {
        RecentCall {
            at: Utc::now(),
            method: "GET".into(),
            url: url.into(),
            headers: vec![("Accept".into(), "application/json".into())],
            body: None,
            id_token: false,
            status,
            elapsed_ms: 3,
        }
    }

    #[test]
    fn recent_calls_newest_first_without_repeats_at_most_ten_and_kept_in_state_json() {
        let (s, dir) = store();
        for i in 0..12 {
            s.update_state("demo", |st| {
                st.remember_call(recent(&format!("https://api/{i}"), 200))
            })
            .unwrap();
        }
        // The same request again: moved to the top with its new answer, not listed twice.
        s.update_state("demo", |st| st.remember_call(recent("https://api/5", 403)))
            .unwrap();
        let calls = s.state("demo").unwrap().recent_calls;
        let urls: Vec<&str> = calls.iter().map(|c| c.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://api/5",
                "https://api/11",
                "https://api/10",
                "https://api/9",
                "https://api/8",
                "https://api/7",
                "https://api/6",
                "https://api/4",
                "https://api/3",
                "https://api/2"
            ]
        );
        assert_eq!(calls[0].status, 403);
        assert!(s.state("other").unwrap().recent_calls.is_empty());
        // A state file from before recent calls still reads.
        std::fs::write(
            dir.join("state.json"),
            r#"{"old":{"last_identity":null,"last_sign_in":null,"last_rotation":null}}"#,
        )
        .unwrap();
        assert!(s.state("old").unwrap().recent_calls.is_empty());
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_profile_file_from_before_request_forms_loads_unchanged_and_keeps_a_new_form() {
        let (s, dir) = store();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("profiles.json"),
            r#"{"profiles":[{"name":"old","authority":"contoso/B2C_1_susi","client_id":"cid",
                "scopes":["offline_access"],"client_auth":"auto"}]}"#,
        )
        .unwrap();
        let old = s.get("old").unwrap();
        assert_eq!(old.request_form, RequestForm::default());
        assert_eq!(old.scopes, vec!["offline_access"]);
        let mut p = old.clone();
        p.request_form = RequestForm {
            par: crate::oidc::request_form::ParMode::Always,
            jar: crate::oidc::request_form::JarMode::SignedEncrypted,
        };
        s.save(&p).unwrap();
        let text = std::fs::read_to_string(dir.join("profiles.json")).unwrap();
        assert!(text.contains("\"jar\": \"signed+encrypted\""), "{text}");
        assert_eq!(s.get("old").unwrap().request_form, p.request_form);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn bad_names_are_refused() {
        assert!(Profile::check_name("").is_err());
        assert!(Profile::check_name("a\nb").is_err());
        assert!(Profile::check_name("Local demo (B2C-shaped)").is_ok());
    }

    #[test]
    fn a_profile_file_from_before_client_certificates_loads_and_keeps_paths_only() {
        let (s, dir) = store();
        std::fs::create_dir_all(&dir).unwrap();
        // A profile as written before the field existed.
        std::fs::write(
            dir.join("profiles.json"),
            r#"{"profiles":[{"name":"old","authority":"https://x/","client_id":"c",
                "scopes":[],"client_auth":"auto"}]}"#,
        )
        .unwrap();
        let old = s.get("old").unwrap();
        assert_eq!(old.client_certificate, None);
        let mut p = old.clone();
        p.client_certificate = Some(crate::oidc::mtls::ClientCertificate {
            cert_file: "/etc/client.crt".into(),
            key_file: "/etc/client.key".into(),
            ca_file: None,
        });
        s.save(&p).unwrap();
        assert_eq!(s.get("old").unwrap(), p);
        let text = std::fs::read_to_string(dir.join("profiles.json")).unwrap();
        assert!(text.contains("\"key_file\": \"/etc/client.key\""), "{text}");
        std::fs::remove_dir_all(dir).ok();
    }
}
