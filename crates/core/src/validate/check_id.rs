//! The names of the checks a report can hold, one enum: the report, the journal, `--json` and the
//! UI all name a check by it, and tests iterate [`CheckId::ALL`] instead of copying names.

crate::error::named_values! {
    /// Which check a [`Check`](super::Check) is. Serialized as its name (`"at_hash"`).
    #[non_exhaustive]
    pub enum CheckId {
        /// The ID token is a signed JWT that decodes (made only when it is not).
        Format = "format",
        /// The token response holds an ID token (made only when it does not).
        IdToken = "id_token",
        /// The inspector found the issuer's keys through its metadata.
        Keys = "keys",
        /// The header's `alg` is allowed: never `none`, never HMAC with a provider's key.
        Alg = "alg",
        /// A key for the header's `kid` is known (after fetching the keys again once).
        Kid = "kid",
        /// The signature is valid with that key.
        Signature = "signature",
        /// `iss` is the metadata's issuer.
        Iss = "iss",
        /// The inspector: the token's `iss` is the issuer its metadata names.
        Issuer = "issuer",
        /// `sub` is present: a string of at most 255 ASCII characters (OIDC Core §2).
        Sub = "sub",
        /// `aud` holds the client ID and no untrusted audience.
        Aud = "aud",
        /// `azp`, when present, is the client ID.
        Azp = "azp",
        /// `exp` is in the future, within the clock skew.
        Exp = "exp",
        /// `nbf`, when present, has passed, within the clock skew.
        Nbf = "nbf",
        /// `iat` is not in the future, within the clock skew.
        Iat = "iat",
        /// `nonce` is the one sent with the sign-in.
        Nonce = "nonce",
        /// `at_hash` matches the access token received with the ID token.
        AtHash = "at_hash",
        /// `auth_time` is present and within `max_age` when one was sent.
        AuthTime = "auth_time",
        /// The granted `scope` of the token response (a warning only: empty or absent).
        Scope = "scope",
        /// The JWS header's `crit` names no extension Tokenscope does not implement (made only
        /// when it does).
        Crit = "crit",
        /// On refresh: the same `iss` and `sub` as the previous ID token.
        SameSubject = "same_subject",
        /// On refresh: the same `aud` as the previous ID token.
        SameAud = "same_aud",
        /// On refresh: the same `auth_time` as the previous ID token, when both have one.
        SameAuthTime = "same_auth_time",
        /// On refresh: `iat` not older than the previous ID token's.
        NewIat = "new_iat",
        /// On a refresh without an ID token: the token response's shape.
        Response = "response",
        /// On a refresh without an ID token: the access token (not expired when it is a JWT).
        AccessToken = "access_token",
        /// DPoP (RFC 9449): the token response's `token_type` is `DPoP`.
        DpopTokenType = "dpop_token_type",
        /// DPoP: a JWT access token's `cnf.jkt` is the thumbprint of the profile's key.
        DpopBinding = "dpop_binding",
        /// The access token's `cnf` `x5t#S256` is the thumbprint of the client certificate
        /// presented (RFC 8705; made only when the token is bound to a certificate).
        CnfX5t = "cnf_x5t",
    }
}

#[cfg(test)]
mod tests {
    use super::CheckId;

    #[test]
    fn every_check_id_serializes_as_its_name_and_reads_back() {
        let mut names = std::collections::BTreeSet::new();
        for id in CheckId::ALL {
            let json = serde_json::to_value(id).expect("serializes");
            assert_eq!(json, id.as_str(), "{id:?}");
            assert_eq!(serde_json::from_value::<CheckId>(json).expect("reads"), *id);
            assert!(names.insert(id.as_str()), "{id} twice");
        }
        assert!(serde_json::from_str::<CheckId>("\"signatur\"").is_err());
    }
}
