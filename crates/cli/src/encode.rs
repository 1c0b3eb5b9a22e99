//! `tokenscope encode`: make a signed test token, optionally encrypted for a recipient, or change
//! a decoded token (`--from`) and sign it again, for negative tests. The rules live in
//! `tokenscope_core::inspect::make`; this file reads the arguments and files and prints the token.

use crate::{emit_text, fail, read_file, read_input};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tokenscope_core::inspect::keys::MAX_KEY_TEXT;
use tokenscope_core::inspect::make::{make, EncryptRequest, MakeRequest, TimeChange};

#[derive(Args)]
#[command(after_help = "Examples:\n  \
    tokenscope encode --alg HS256 --key secret.jwk --claims '{\"sub\":\"tester\",\"aud\":\"api\"}' --exp -1h\n  \
    tokenscope encode --alg RS256 --key rsa.pem --claims @claims.json --header '{\"kid\":\"rsa1\"}'\n  \
    tokenscope encode --alg ES256 --key ec.pem --enc A256GCM --key-alg ECDH-ES --encrypt-key recipient.pub.pem\n  \
    tokenscope encode --from @token.txt --set aud=other-api --exp -1h --key rogue.pem\n\n\
    A fresh token without `iat` or `exp` gets `iat` now and `exp` in one hour; `--iat none` \
    removes one. Times: +5m, -1h, +30s, +2d, +1w, now, none, or seconds since 1970. With \
    `--from`, the token's header and claims are kept (a JWE is decrypted first with \
    --from-decrypt-key), its `kid` is replaced by the new key's, and `--alg` defaults to the \
    token's. The token is printed on one line; nothing else goes to stdout. Exit 1 with one \
    line on stderr when a key or argument is unusable.")]
pub struct EncodeArgs {
    /// Signing algorithm: HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512,
    /// ES256, ES384, ES512 or EdDSA (Ed25519). With --from, default: the token's.
    #[arg(long, value_name = "ALG")]
    alg: Option<String>,
    /// Signing key file: a private JWK, a JWKS (the key named by the header's `kid`, else the
    /// only one that fits ALG), or PEM (`PRIVATE KEY` PKCS#8, `RSA PRIVATE KEY`,
    /// `EC PRIVATE KEY`). HS* take an `oct` JWK: {"kty":"oct","k":"<secret, base64url>"}.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// Claims: a JSON object, or @FILE. With --from, replaces the token's claims.
    #[arg(long, value_name = "JSON")]
    claims: Option<String>,
    /// Header members to add or replace: a JSON object (`{"kid":"k1","typ":"at+jwt"}`), or
    /// @FILE. `alg` is --alg's.
    #[arg(long, value_name = "JSON")]
    header: Option<String>,
    /// `exp`: +5m, -1h (relative to now), now, EPOCH seconds, or none (removed).
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    exp: Option<String>,
    /// `nbf`, as --exp.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    nbf: Option<String>,
    /// `iat`, as --exp.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    iat: Option<String>,
    /// Set a claim: NAME=VALUE, VALUE as JSON when it parses (`roles=["a","b"]`, `n=5`), else
    /// as a string; `NAME=` removes it. Repeatable.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    set: Vec<String>,
    /// Start from this token (text, @FILE or - for stdin): keep its header and claims, apply the
    /// changes, sign again with --key ("mutate": expired, wrong aud, rogue key).
    #[arg(long, value_name = "TOKEN")]
    from: Option<String>,
    /// Private key that decrypts --from when it is a JWE (as `decode --decrypt-key`).
    #[arg(long, value_name = "FILE", requires = "from")]
    from_decrypt_key: Option<PathBuf>,
    /// Encrypt the signed token (nested JWE, cty JWT) with this content encryption: A128GCM,
    /// A192GCM, A256GCM, A128CBC-HS256, A192CBC-HS384 or A256CBC-HS512.
    #[arg(long, value_name = "ENC", requires_all = ["key_alg", "encrypt_key"])]
    enc: Option<String>,
    /// Key management for --enc: RSA-OAEP, RSA-OAEP-256, RSA1_5, dir, ECDH-ES,
    /// ECDH-ES+A128KW/A192KW/A256KW, A128KW/A192KW/A256KW, A128GCMKW/A192GCMKW/A256GCMKW,
    /// PBES2-HS256+A128KW/HS384+A192KW/HS512+A256KW.
    #[arg(long, value_name = "ALG", requires = "enc")]
    key_alg: Option<String>,
    /// The recipient's key for --enc: a public (or private) JWK/JWKS or PEM (RSA; EC
    /// P-256/384/521 or X25519 for ECDH-ES), an `oct` JWK (dir, A*KW, A*GCMKW), or a file
    /// holding only a password (PBES2).
    #[arg(long, value_name = "FILE", requires = "enc")]
    encrypt_key: Option<PathBuf>,
}

/// Runs `encode`.
pub fn run(args: EncodeArgs) -> ExitCode {
    match encode(args) {
        Ok(code) => code,
        Err(message) => fail(&message.replace(['\r', '\n'], " ")),
    }
}

fn key_text(path: &Path, option: &str) -> Result<String, String> {
    read_file(path, MAX_KEY_TEXT as u64 + 1).map_err(|e| format!("{option}: {e}"))
}

fn json_arg(arg: Option<String>, option: &str) -> Result<String, String> {
    match arg {
        None => Ok(String::new()),
        Some(text) => match text.strip_prefix('@') {
            Some(path) => {
                read_file(Path::new(path), 1024 * 1024).map_err(|e| format!("{option}: {e}"))
            }
            None => Ok(text),
        },
    }
}

fn encode(args: EncodeArgs) -> Result<ExitCode, String> {
    let key = key_text(&args.key, &format!("--key {}", args.key.display()))?;
    let mut set = Vec::new();
    for item in &args.set {
        let (name, value) = item
            .split_once('=')
            .ok_or_else(|| format!("--set {item}: write NAME=VALUE"))?;
        set.push((name.to_owned(), value.to_owned()));
    }
    let times = [("exp", args.exp), ("nbf", args.nbf), ("iat", args.iat)]
        .into_iter()
        .filter_map(|(claim, value)| {
            value.map(|value| TimeChange {
                claim: claim.to_owned(),
                value,
            })
        })
        .collect();
    let encrypt = match (args.enc, args.key_alg, args.encrypt_key) {
        (Some(enc), Some(key_alg), Some(path)) => Some(EncryptRequest {
            key_alg,
            enc,
            key: key_text(&path, &format!("--encrypt-key {}", path.display()))?,
        }),
        _ => None,
    };
    let from = args.from.map(|f| read_input(Some(f))).transpose()?;
    let from_decrypt_key = args
        .from_decrypt_key
        .as_deref()
        .map(|p| key_text(p, &format!("--from-decrypt-key {}", p.display())))
        .transpose()?;
    let request = MakeRequest {
        alg: args.alg.unwrap_or_default(),
        key,
        claims: json_arg(args.claims, "--claims")?,
        header: json_arg(args.header, "--header")?,
        times,
        set,
        from,
        from_decrypt_key,
        encrypt,
    };
    let made = make(&request, chrono::Utc::now())?;
    emit_text(&format!("{}\n", made.token))?;
    Ok(ExitCode::SUCCESS)
}
