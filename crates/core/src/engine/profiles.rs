//! Saving a profile: the one set of rules both front ends apply (the desktop's profile form and
//! `tokenscope profiles add`). A profile is checked whole before anything is written, a new one
//! never replaces another of the same name, and replacing or renaming is asked for explicitly.

use super::Engine;
use crate::engine::browser::Browser;
use crate::error::{Error, Result};
use crate::oidc::authority::Authority;
use crate::oidc::{authorize, request};
use crate::store::profile::Profile;

/// How a save treats a profile already saved under the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveMode {
    /// A new profile: refused when one of that name exists.
    New,
    /// Replaces the profile of that name, or adds it when there is none (an edit that keeps the
    /// name; `profiles add --replace`).
    Replace,
    /// An edit of the profile named `from`. When the name changed, the new name must be free;
    /// `from` is then removed, its refresh token deleted (sign in again) and its client secret
    /// moved to the new name.
    Edit {
        /// The name the profile had.
        from: String,
    },
}

/// Every check a profile must pass to be saved: a valid name, an authority Tokenscope
/// understands, a client ID, a valid `prompt` and `claims` request, a browser command that parses.
pub fn check_profile(profile: &Profile) -> Result<()> {
    Profile::check_name(&profile.name)?;
    Authority::parse(&profile.authority)?;
    if profile.client_id.trim().is_empty() {
        return Err(Error::Config("the client ID is empty".into()));
    }
    if let Some(prompt) = &profile.params.prompt {
        authorize::check_prompt(prompt)?;
    }
    if let Some(claims) = profile.params.claims.as_deref() {
        if !claims.trim().is_empty() {
            request::check_claims(claims)?;
        }
    }
    Browser::from_command(profile.browser_command.as_deref())?;
    Ok(())
}

impl Engine {
    /// Checks and saves `profile` as `mode` says. Nothing is written when a check fails or the
    /// name is taken.
    pub async fn save_profile(&self, profile: &Profile, mode: SaveMode) -> Result<()> {
        check_profile(profile)?;
        self.check_certificate(profile, &mode)?;
        let renamed = match &mode {
            SaveMode::Edit { from } if *from != profile.name => Some(from.as_str()),
            _ => None,
        };
        let taken = self
            .profiles()
            .list()?
            .iter()
            .any(|p| p.name == profile.name);
        if taken && (mode == SaveMode::New || renamed.is_some()) {
            return Err(Error::Profile(format!(
                "a profile named {:?} exists",
                profile.name
            )));
        }
        self.profiles().save(profile)?;
        if let Some(old) = renamed {
            if let Ok(old_profile) = self.profiles().get(old) {
                let _ = self.sign_out(&old_profile).await;
            }
            self.rename_client_secret(old, &profile.name).await?;
            self.rename_dpop_key(old, &profile.name).await?;
            self.profiles().delete(old)?;
        }
        Ok(())
    }
}

impl Engine {
    /// A client certificate new to the profile (or on a new profile) must be usable now: both
    /// files named and readable, the key its certificate's, the certificate in date. One the
    /// saved profile already has is not judged again on an edit that keeps it (it may have
    /// expired since: the sign-in says so, and other fields can still be changed).
    fn check_certificate(&self, profile: &Profile, mode: &SaveMode) -> Result<()> {
        let Some(files) = &profile.client_certificate else {
            return Ok(());
        };
        let before = match mode {
            SaveMode::Edit { from } => self
                .profiles()
                .get(from)
                .ok()
                .and_then(|p| p.client_certificate),
            _ => None,
        };
        if before.as_ref() == Some(files) {
            return Ok(());
        }
        if files.cert_file.trim().is_empty() || files.key_file.trim().is_empty() {
            return Err(Error::Config(
                "a client certificate needs both files: the certificate (PEM) and its private \
                 key (PEM); the profile was not saved"
                    .into(),
            ));
        }
        match files.describe(self.clock.now()).problem {
            Some(problem) => Err(Error::Config(format!(
                "{problem} (the profile was not saved)"
            ))),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SystemClock;
    use crate::http::{HttpLimits, ReqwestClient};
    use crate::store::profile::ProfileStore;
    use crate::store::vault::Vault;
    use std::sync::Arc;

    fn engine() -> (Engine, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "tokenscope-save-{}",
            crate::oidc::pkce::random_token()
        ));
        let http = ReqwestClient::new(HttpLimits::default()).expect("client");
        let engine = Engine::new(
            Arc::new(http),
            Arc::new(SystemClock),
            Vault::session_only("test"),
            ProfileStore::new(&dir),
        );
        (engine, dir)
    }

    fn names(engine: &Engine) -> Vec<(String, String)> {
        let list = engine.profiles().list().expect("list");
        list.into_iter().map(|p| (p.name, p.client_id)).collect()
    }

    #[tokio::test]
    async fn a_client_certificate_that_cannot_be_used_is_refused_and_one_kept_unchanged_is_not_judged_again(
    ) {
        let (engine, dir) = engine();
        let mut p = Profile::new("tls", "https://login.example.org/realms/test", "client");
        p.client_certificate = Some(crate::oidc::mtls::ClientCertificate {
            cert_file: dir.join("missing-cert.pem").to_string_lossy().into_owned(),
            key_file: dir.join("missing-key.pem").to_string_lossy().into_owned(),
            ca_file: None,
        });
        let e = engine
            .save_profile(&p, SaveMode::New)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("missing-cert.pem") && e.contains("not saved"),
            "{e}"
        );
        assert!(names(&engine).is_empty(), "nothing saved");

        let mut half = p.clone();
        half.client_certificate.as_mut().unwrap().key_file = " ".into();
        let e = engine
            .save_profile(&half, SaveMode::New)
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("needs both files"), "{e}");

        // Saved once (as the files were then), an edit that keeps the certificate as it is
        // and changes another field is not refused for it.
        engine.profiles().save(&p).unwrap();
        let mut edited = p.clone();
        edited.client_id = "other".into();
        engine
            .save_profile(&edited, SaveMode::Edit { from: "tls".into() })
            .await
            .expect("an unchanged certificate is not judged again");
        assert_eq!(names(&engine), [("tls".to_owned(), "other".to_owned())]);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn a_new_profile_never_replaces_one_of_the_same_name() {
        let (engine, dir) = engine();
        let first = Profile::new("demo", "contoso/B2C_1_susi", "first");
        engine.save_profile(&first, SaveMode::New).await.unwrap();
        let second = Profile::new("demo", "contoso/B2C_1_susi", "second");
        let e = engine
            .save_profile(&second, SaveMode::New)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::Profile);
        assert!(e.to_string().contains("\"demo\" exists"), "{e}");
        assert_eq!(names(&engine), [("demo".into(), "first".into())]);
        // Asked for, it replaces.
        engine
            .save_profile(&second, SaveMode::Replace)
            .await
            .unwrap();
        assert_eq!(names(&engine), [("demo".into(), "second".into())]);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn an_edit_may_keep_its_name_or_take_a_free_one_but_not_another_profiles() {
        let (engine, dir) = engine();
        for name in ["a", "b"] {
            let p = Profile::new(name, "contoso/B2C_1_susi", name);
            engine.save_profile(&p, SaveMode::New).await.unwrap();
        }
        let edit = |name: &str, client: &str, from: &str| {
            let p = Profile::new(name, "contoso/B2C_1_susi", client);
            let mode = SaveMode::Edit { from: from.into() };
            let engine = &engine;
            async move { engine.save_profile(&p, mode).await }
        };
        edit("a", "a2", "a").await.unwrap();
        let e = edit("b", "a3", "a").await.unwrap_err();
        assert!(e.to_string().contains("\"b\" exists"), "{e}");
        edit("c", "a4", "a").await.unwrap();
        assert_eq!(
            names(&engine),
            [("b".into(), "b".into()), ("c".into(), "a4".into())]
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn a_profile_failing_a_check_is_not_written() {
        let (engine, dir) = engine();
        let mut bad = [
            Profile::new("x", "ftp://nope", "c"),
            Profile::new("x", "contoso/B2C_1_susi", " "),
            Profile::new("x", "contoso/B2C_1_susi", "c"),
            Profile::new("x", "contoso/B2C_1_susi", "c"),
        ];
        bad[2].params.prompt = Some("sometimes".into());
        bad[3].params.claims = Some("{not json".into());
        for p in &bad {
            assert!(
                engine.save_profile(p, SaveMode::New).await.is_err(),
                "{p:?}"
            );
        }
        assert!(names(&engine).is_empty());
        let _ = std::fs::remove_dir_all(dir);
    }
}
