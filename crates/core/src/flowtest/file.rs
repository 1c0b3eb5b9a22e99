//! The test file (`*.tokenscope.toml`): its model and its parser.
//!
//! The parser reads the TOML document with spans and walks it by hand, so that every refusal
//! names the file, the line and the key: an unknown key, a value of the wrong type, a literal
//! username or password (they must be `env:NAME` or `keyring:NAME`), an unknown driver or
//! action, an invalid regular expression or duration. Nothing runs when a file is refused.

use regex::Regex;
use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Largest test file read (a test file is hand-written; this is far above any real one).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// A value and the line it was written on.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// 1-based line in the file.
    pub line: usize,
}

/// How a case's pages are completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Driver {
    /// The profile's browser command (or the system browser): a person or a script completes
    /// the pages.
    Browser,
    /// Tokenscope drives a headless Chromium through B2C's built-in pages.
    B2cPages,
    /// B2C's resource-owner-password flow (`grant_type=password`), no pages at all.
    Ropc,
}

impl Driver {
    /// The name written in files.
    pub fn name(self) -> &'static str {
        match self {
            Driver::Browser => "browser",
            Driver::B2cPages => "b2c-pages",
            Driver::Ropc => "ropc",
        }
    }
}

/// What the b2c-pages driver does on the sign-in page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Action {
    /// Types the username and password and presses the sign-in button.
    #[default]
    SignIn,
    /// Presses "Forgot your password?" (B2C answers AADB2C90118 to the app).
    ForgotPassword,
    /// Presses Cancel (B2C answers AADB2C90091).
    Cancel,
}

impl Action {
    /// The name written in files.
    pub fn name(self) -> &'static str {
        match self {
            Action::SignIn => "sign-in",
            Action::ForgotPassword => "forgot-password",
            Action::Cancel => "cancel",
        }
    }
}

/// Where a username or password comes from: never the file itself.
#[derive(Clone, PartialEq, Eq)]
pub enum CredentialRef {
    /// An environment variable (a CI pipeline's secret variable).
    Env(String),
    /// An item of the OS keyring under the service `tokenscope`.
    Keyring(String),
}

impl fmt::Debug for CredentialRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string())
    }
}

impl fmt::Display for CredentialRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialRef::Env(n) => write!(f, "env:{n}"),
            CredentialRef::Keyring(n) => write!(f, "keyring:{n}"),
        }
    }
}

/// The settings a case signs in with; `[defaults]` gives them to every case, a case may
/// override each.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// A saved profile's name.
    pub profile: Option<Located<String>>,
    /// An authority (any form `signin --authority` takes), instead of or over the profile's.
    pub authority: Option<String>,
    /// The client ID.
    pub client_id: Option<String>,
    /// Scopes besides `openid`.
    pub scope: Option<Vec<String>>,
    /// The redirect URI (loopback).
    pub redirect_uri: Option<String>,
    /// The browser command of the `browser` driver.
    pub browser: Option<String>,
    /// How the pages are completed.
    pub driver: Option<Driver>,
    /// The username's source.
    pub username: Option<CredentialRef>,
    /// The password's source.
    pub password: Option<CredentialRef>,
}

impl Settings {
    /// `self` with every setting `over` gives replaced.
    pub fn merged(&self, over: &Settings) -> Settings {
        Settings {
            profile: over.profile.clone().or_else(|| self.profile.clone()),
            authority: over.authority.clone().or_else(|| self.authority.clone()),
            client_id: over.client_id.clone().or_else(|| self.client_id.clone()),
            scope: over.scope.clone().or_else(|| self.scope.clone()),
            redirect_uri: over
                .redirect_uri
                .clone()
                .or_else(|| self.redirect_uri.clone()),
            browser: over.browser.clone().or_else(|| self.browser.clone()),
            driver: over.driver.or(self.driver),
            username: over.username.clone().or_else(|| self.username.clone()),
            password: over.password.clone().or_else(|| self.password.clone()),
        }
    }

    /// The driver, `browser` when none is named.
    pub fn driver(&self) -> Driver {
        self.driver.unwrap_or(Driver::Browser)
    }
}

/// CSS selectors of the b2c-pages driver, overridable per case for customised pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selectors {
    /// The container of B2C's content (`div#api`): a page without it is not a B2C page.
    pub api: String,
    /// The username field (`#signInName` or `#email`).
    pub username: String,
    /// The password field.
    pub password: String,
    /// The sign-in button.
    pub next: String,
    /// The "Forgot your password?" link.
    pub forgot_password: String,
    /// The cancel button.
    pub cancel: String,
    /// The self-asserted pages' Continue button.
    pub continue_button: String,
    /// The page-level error.
    pub error: String,
}

impl Default for Selectors {
    fn default() -> Self {
        Self {
            api: "div#api".into(),
            username: "#signInName, #email".into(),
            password: "#password".into(),
            next: "#next".into(),
            forgot_password: "#forgotPassword".into(),
            cancel: "#cancel".into(),
            continue_button: "#continue".into(),
            error: ".error.pageLevel".into(),
        }
    }
}

/// What is expected of a claim of the ID token.
#[derive(Debug, Clone)]
pub enum ClaimExpectation {
    /// Exactly this value (a string, number, boolean or array).
    Equals(serde_json::Value),
    /// The claim is there (`true`) or not (`false`).
    Present(bool),
    /// The claim's text matches this regular expression (anywhere; anchor with `^…$`).
    Matches(Regex),
    /// The claim (an array, or a string) contains this value.
    Contains(serde_json::Value),
}

impl PartialEq for ClaimExpectation {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Equals(a), Self::Equals(b)) | (Self::Contains(a), Self::Contains(b)) => a == b,
            (Self::Present(a), Self::Present(b)) => a == b,
            (Self::Matches(a), Self::Matches(b)) => a.as_str() == b.as_str(),
            _ => false,
        }
    }
}

/// What a case expects.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    /// Every validation check must pass (`checks = "all"`, the default); `"none"` ignores them.
    pub all_checks: bool,
    /// Claim expectations, in file order: (claim name, expectation).
    pub claims: Vec<(String, ClaimExpectation)>,
    /// `exp - iat` of the ID token.
    pub id_token_lifetime: Option<Duration>,
    /// `exp - iat` of the access token (`expires_in` when it is not a JWT).
    pub access_token_lifetime: Option<Duration>,
    /// `refresh_token_expires_in` of the token response.
    pub refresh_token_lifetime: Option<Duration>,
    /// A refresh succeeds afterwards and keeps `sub`.
    pub refresh: bool,
    /// The case passes when exactly this error code (`AADB2C90118`) comes back.
    pub error: Option<String>,
}

impl Default for Expect {
    fn default() -> Self {
        Self {
            all_checks: true,
            claims: Vec::new(),
            id_token_lifetime: None,
            access_token_lifetime: None,
            refresh_token_lifetime: None,
            refresh: false,
            error: None,
        }
    }
}

/// One case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Its name (unique in the file).
    pub name: String,
    /// The line of its `[[case]]`.
    pub line: usize,
    /// The settings, `[defaults]` merged with the case's own.
    pub settings: Settings,
    /// Another policy of the profile's tenant.
    pub policy: Option<String>,
    /// What the b2c-pages driver does.
    pub action: Action,
    /// The b2c-pages driver's selectors.
    pub selectors: Selectors,
    /// What must come back.
    pub expect: Expect,
}

/// A parsed test file.
#[derive(Debug, Clone, PartialEq)]
pub struct TestFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// `[defaults]`.
    pub defaults: Settings,
    /// The cases, in file order.
    pub cases: Vec<Case>,
}

/// One reason a file is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line.
    pub line: usize,
    /// The key (`case[2].expect.claims.idp`), empty for the document itself.
    pub key: String,
    /// What is wrong.
    pub message: String,
}

/// A refused file: every problem found, each with its line and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong, in file order.
    pub problems: Vec<Problem>,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}:{}: ", self.path.display(), p.line)?;
            if !p.key.is_empty() {
                write!(f, "{}: ", p.key)?;
            }
            write!(f, "{}", p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for FileError {}

impl FileError {
    /// A file error with one problem.
    pub fn one(path: &Path, line: usize, key: &str, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            problems: vec![Problem {
                line,
                key: key.to_owned(),
                message: message.into(),
            }],
        }
    }
}

/// Reads and parses a test file.
pub fn load(path: &Path) -> Result<TestFile, FileError> {
    let refuse = |m: String| FileError::one(path, 0, "", m);
    let meta = std::fs::metadata(path).map_err(|e| refuse(format!("cannot read it: {e}")))?;
    if !meta.is_file() {
        return Err(refuse("is not a file".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(refuse(format!(
            "is {} bytes; a test file may be at most {MAX_FILE_BYTES}",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| refuse(format!("cannot read it: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| refuse("is not UTF-8 text".into()))?;
    parse(path, &text)
}

/// Parses a test file's text (`path` names it in errors).
pub fn parse(path: &Path, text: &str) -> Result<TestFile, FileError> {
    let mut p = Parser {
        src: text,
        problems: Vec::new(),
    };
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let line = e.span().map_or(0, |s| p.line(&s));
            return Err(FileError::one(
                path,
                line,
                "",
                format!("not valid TOML: {}", e.message().trim()),
            ));
        }
    };
    let file = p.document(path, doc.get_ref());
    if p.problems.is_empty() {
        Ok(file)
    } else {
        p.problems.sort_by_key(|x| x.line);
        Err(FileError {
            path: path.to_owned(),
            problems: p.problems,
        })
    }
}

type Value<'i> = Spanned<DeValue<'i>>;

struct Parser<'s> {
    src: &'s str,
    problems: Vec<Problem>,
}

const SETTINGS_KEYS: &[&str] = &[
    "profile",
    "authority",
    "client_id",
    "scope",
    "redirect_uri",
    "browser",
    "driver",
    "username",
    "password",
];
const CASE_KEYS: &[&str] = &["name", "policy", "action", "selectors", "expect"];
const EXPECT_KEYS: &[&str] = &[
    "checks",
    "claims",
    "id_token_lifetime",
    "access_token_lifetime",
    "refresh_token_lifetime",
    "refresh",
    "error",
];
const SELECTOR_KEYS: &[&str] = &[
    "api",
    "username",
    "password",
    "next",
    "forgot_password",
    "cancel",
    "continue",
    "error",
];
const CLAIM_KEYS: &[&str] = &["equals", "present", "absent", "matches", "contains"];

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn join(parent: &str, key: &str) -> String {
    let key = if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        Cow::Borrowed(key)
    } else {
        Cow::Owned(format!("{key:?}"))
    };
    if parent.is_empty() {
        key.into_owned()
    } else {
        format!("{parent}.{key}")
    }
}

impl<'s> Parser<'s> {
    fn line(&self, span: &Range<usize>) -> usize {
        let end = span.start.min(self.src.len());
        self.src.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    fn problem(&mut self, span: Range<usize>, key: &str, message: impl Into<String>) {
        let line = self.line(&span);
        self.problems.push(Problem {
            line,
            key: key.to_owned(),
            message: message.into(),
        });
    }

    /// The entries of a table, each with its full key; unknown keys are reported.
    fn entries<'t, 'i>(
        &mut self,
        table: &'t DeTable<'i>,
        path: &str,
        known: &[&[&str]],
    ) -> Vec<(String, &'t str, &'t Value<'i>, Range<usize>)> {
        let mut out = Vec::new();
        for (k, v) in table.iter() {
            let name: &str = k.get_ref();
            let full = join(path, name);
            if known.iter().any(|set| set.contains(&name)) {
                out.push((full, name, v, k.span()));
            } else {
                let expected: Vec<&str> = known.iter().flat_map(|s| s.iter().copied()).collect();
                self.problem(
                    k.span(),
                    &full,
                    format!("unknown key (expected one of: {})", expected.join(", ")),
                );
            }
        }
        out
    }

    fn wrong_type(&mut self, key: &str, v: &Value<'_>, want: &str) {
        let got = type_name(v.get_ref());
        self.problem(v.span(), key, format!("must be {want}, not {got}"));
    }

    fn string(&mut self, key: &str, v: &Value<'_>) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                self.wrong_type(key, v, "a string");
                None
            }
        }
    }

    fn nonempty(&mut self, key: &str, v: &Value<'_>) -> Option<String> {
        let s = self.string(key, v)?;
        if s.trim().is_empty() {
            self.problem(v.span(), key, "must not be empty");
            return None;
        }
        Some(s)
    }

    fn boolean(&mut self, key: &str, v: &Value<'_>) -> Option<bool> {
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(key, v, "true or false");
                None
            }
        }
    }

    fn table<'t, 'i>(&mut self, key: &str, v: &'t Value<'i>) -> Option<&'t DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.wrong_type(key, v, "a table");
                None
            }
        }
    }

    fn document(&mut self, path: &Path, doc: &DeTable<'_>) -> TestFile {
        let mut defaults = Settings::default();
        let mut cases = Vec::new();
        let mut saw_cases = false;
        for (key, name, v, span) in self.entries(doc, "", &[&["defaults", "case"]]) {
            match name {
                "defaults" => {
                    if let Some(t) = self.table(&key, v) {
                        for (k, n, v, _) in self.entries(t, &key, &[SETTINGS_KEYS]) {
                            self.setting(&mut defaults, &k, n, v);
                        }
                    }
                }
                _ => {
                    saw_cases = true;
                    let DeValue::Array(items) = v.get_ref() else {
                        self.problem(
                            span,
                            &key,
                            "must be an array of tables: write each case as [[case]]",
                        );
                        continue;
                    };
                    for (i, item) in items.iter().enumerate() {
                        let key = format!("case[{}]", i + 1);
                        if let Some(t) = self.table(&key, item) {
                            let line = self.line(&item.span());
                            cases.push((key, line, t));
                        }
                    }
                }
            }
        }
        if !saw_cases {
            self.problems.push(Problem {
                line: 1,
                key: String::new(),
                message: "the file has no [[case]]".into(),
            });
        }
        let mut out = Vec::new();
        for (key, line, t) in cases {
            if let Some(case) = self.case(&key, line, t, &defaults) {
                if out.iter().any(|c: &Case| c.name == case.name) {
                    self.problems.push(Problem {
                        line,
                        key: join(&key, "name"),
                        message: format!("another case is already named {:?}", case.name),
                    });
                }
                out.push(case);
            }
        }
        TestFile {
            path: path.to_owned(),
            defaults,
            cases: out,
        }
    }

    fn setting(&mut self, s: &mut Settings, key: &str, name: &str, v: &Value<'_>) {
        match name {
            "profile" => {
                if let Some(p) = self.nonempty(key, v) {
                    s.profile = Some(Located {
                        value: p,
                        line: self.line(&v.span()),
                    });
                }
            }
            "authority" => s.authority = self.nonempty(key, v),
            "client_id" => s.client_id = self.nonempty(key, v),
            "redirect_uri" => s.redirect_uri = self.nonempty(key, v),
            "browser" => s.browser = self.string(key, v),
            "scope" => s.scope = self.scope(key, v),
            "driver" => {
                let Some(d) = self.string(key, v) else { return };
                s.driver = match d.as_str() {
                    "browser" => Some(Driver::Browser),
                    "b2c-pages" => Some(Driver::B2cPages),
                    "ropc" => Some(Driver::Ropc),
                    other => {
                        self.problem(
                            v.span(),
                            key,
                            format!(
                                "unknown driver {other:?} (expected \"browser\", \"b2c-pages\" \
                                 or \"ropc\")"
                            ),
                        );
                        None
                    }
                }
            }
            "username" => s.username = self.credential(key, v),
            "password" => s.password = self.credential(key, v),
            _ => {}
        }
    }

    fn scope(&mut self, key: &str, v: &Value<'_>) -> Option<Vec<String>> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.split_whitespace().map(str::to_owned).collect()),
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    out.push(self.nonempty(&format!("{key}[{}]", i + 1), item)?);
                }
                Some(out)
            }
            _ => {
                self.wrong_type(key, v, "a string or an array of strings");
                None
            }
        }
    }

    /// `env:NAME` or `keyring:NAME`. Anything else is refused without repeating the value (it
    /// may be a real password).
    fn credential(&mut self, key: &str, v: &Value<'_>) -> Option<CredentialRef> {
        let DeValue::String(s) = v.get_ref() else {
            self.wrong_type(key, v, "a string (env:NAME or keyring:NAME)");
            return None;
        };
        let valid_name = valid_credential_name;
        if let Some(n) = s.strip_prefix("env:").filter(|n| valid_name(n)) {
            return Some(CredentialRef::Env(n.to_owned()));
        }
        if let Some(n) = s.strip_prefix("keyring:").filter(|n| valid_name(n)) {
            return Some(CredentialRef::Keyring(n.to_owned()));
        }
        self.problem(
            v.span(),
            key,
            "must be env:NAME (an environment variable, e.g. a CI secret variable) or \
             keyring:NAME (the OS keyring); a literal value is refused, a secret never goes in \
             a test file",
        );
        None
    }

    fn case(
        &mut self,
        key: &str,
        line: usize,
        t: &DeTable<'_>,
        defaults: &Settings,
    ) -> Option<Case> {
        let before = self.problems.len();
        let mut own = Settings::default();
        let mut name = None;
        let mut policy = None;
        let mut action = None;
        let mut selectors = Selectors::default();
        let mut expect = Expect::default();
        let mut action_span = None;
        for (k, n, v, _) in self.entries(t, key, &[CASE_KEYS, SETTINGS_KEYS]) {
            match n {
                "name" => name = self.nonempty(&k, v),
                "policy" => policy = self.nonempty(&k, v),
                "action" => {
                    action_span = Some(v.span());
                    let Some(a) = self.string(&k, v) else {
                        continue;
                    };
                    action = match a.as_str() {
                        "sign-in" => Some(Action::SignIn),
                        "forgot-password" => Some(Action::ForgotPassword),
                        "cancel" => Some(Action::Cancel),
                        other => {
                            self.problem(
                                v.span(),
                                &k,
                                format!(
                                    "unknown action {other:?} (expected \"sign-in\", \
                                     \"forgot-password\" or \"cancel\")"
                                ),
                            );
                            None
                        }
                    };
                }
                "selectors" => {
                    if let Some(t) = self.table(&k, v) {
                        self.selectors(&k, t, &mut selectors);
                    }
                }
                "expect" => {
                    if let Some(t) = self.table(&k, v) {
                        expect = self.expect(&k, t);
                    }
                }
                _ => self.setting(&mut own, &k, n, v),
            }
        }
        let settings = defaults.merged(&own);
        let action = action.unwrap_or_default();
        let at = |p: &Self, span: Option<Range<usize>>| span.map_or(line, |s| p.line(&s));
        if name.is_none()
            && !self.problems[before..]
                .iter()
                .any(|p| p.key.ends_with(".name"))
        {
            self.problems.push(Problem {
                line,
                key: join(key, "name"),
                message: "every case needs a name".into(),
            });
        }
        if settings.profile.is_none()
            && (settings.authority.is_none() || settings.client_id.is_none())
        {
            self.problems.push(Problem {
                line,
                key: key.to_owned(),
                message: "no profile: give `profile` (a saved profile) or `authority` and \
                          `client_id`, in [defaults] or in the case"
                    .into(),
            });
        }
        let driver = settings.driver();
        if action != Action::SignIn && driver != Driver::B2cPages {
            self.problems.push(Problem {
                line: at(self, action_span.clone()),
                key: join(key, "action"),
                message: format!(
                    "action {:?} needs driver \"b2c-pages\" (this case's driver is {:?})",
                    action.name(),
                    driver.name()
                ),
            });
        }
        let needs_credentials = match driver {
            Driver::Ropc => true,
            Driver::B2cPages => action == Action::SignIn,
            Driver::Browser => false,
        };
        if needs_credentials {
            for (what, given) in [
                ("username", settings.username.is_some()),
                ("password", settings.password.is_some()),
            ] {
                if !given {
                    self.problems.push(Problem {
                        line,
                        key: join(key, what),
                        message: format!(
                            "driver {:?} signs in with a {what}: give `{what} = \"env:NAME\"` \
                             (or keyring:NAME) in [defaults] or in the case",
                            driver.name()
                        ),
                    });
                }
            }
        }
        if action == Action::Cancel && expect.error.is_none() {
            expect.error = Some("AADB2C90091".into());
        }
        if expect.error.is_some()
            && (!expect.claims.is_empty()
                || expect.refresh
                || expect.id_token_lifetime.is_some()
                || expect.access_token_lifetime.is_some()
                || expect.refresh_token_lifetime.is_some())
        {
            self.problems.push(Problem {
                line,
                key: format!("{key}.expect.error"),
                message: "a case that expects an error gets no tokens: it cannot also expect \
                          claims, lifetimes or a refresh"
                    .into(),
            });
        }
        if self.problems.len() > before {
            return None;
        }
        Some(Case {
            name: name?,
            line,
            settings,
            policy,
            action,
            selectors,
            expect,
        })
    }

    fn selectors(&mut self, key: &str, t: &DeTable<'_>, s: &mut Selectors) {
        for (k, n, v, _) in self.entries(t, key, &[SELECTOR_KEYS]) {
            let Some(value) = self.nonempty(&k, v) else {
                continue;
            };
            let slot = match n {
                "api" => &mut s.api,
                "username" => &mut s.username,
                "password" => &mut s.password,
                "next" => &mut s.next,
                "forgot_password" => &mut s.forgot_password,
                "cancel" => &mut s.cancel,
                "continue" => &mut s.continue_button,
                _ => &mut s.error,
            };
            *slot = value;
        }
    }

    fn expect(&mut self, key: &str, t: &DeTable<'_>) -> Expect {
        let mut e = Expect::default();
        for (k, n, v, _) in self.entries(t, key, &[EXPECT_KEYS]) {
            match n {
                "checks" => match self.string(&k, v).as_deref() {
                    Some("all") => e.all_checks = true,
                    Some("none") => e.all_checks = false,
                    Some(other) => self.problem(
                        v.span(),
                        &k,
                        format!("must be \"all\" or \"none\", not {other:?}"),
                    ),
                    None => {}
                },
                "claims" => {
                    if let Some(t) = self.table(&k, v) {
                        e.claims = self.claims(&k, t);
                    }
                }
                "id_token_lifetime" => e.id_token_lifetime = self.duration(&k, v),
                "access_token_lifetime" => e.access_token_lifetime = self.duration(&k, v),
                "refresh_token_lifetime" => e.refresh_token_lifetime = self.duration(&k, v),
                "refresh" => e.refresh = self.boolean(&k, v).unwrap_or(false),
                _ => {
                    let Some(code) = self.nonempty(&k, v) else {
                        continue;
                    };
                    let code = code.trim().to_owned();
                    let catalogued = code.starts_with("AADB2C") || code.starts_with("AADSTS");
                    let oauth = code.chars().all(|c| c.is_ascii_lowercase() || c == '_');
                    if !catalogued && !oauth {
                        self.problem(
                            v.span(),
                            &k,
                            format!(
                                "{code:?} is not an error code: write a B2C or Entra code \
                                 (AADB2C90118, AADSTS50011) or an OAuth error (access_denied)"
                            ),
                        );
                        continue;
                    }
                    e.error = Some(code);
                }
            }
        }
        e
    }

    fn claims(&mut self, key: &str, t: &DeTable<'_>) -> Vec<(String, ClaimExpectation)> {
        let mut out = Vec::new();
        for (claim, v) in t.iter() {
            let name = claim.get_ref().to_string();
            let k = join(key, &name);
            match v.get_ref() {
                DeValue::Table(m) => {
                    if m.is_empty() {
                        self.problem(
                            v.span(),
                            &k,
                            "an empty table expects nothing: write { present = true }, \
                             { absent = true }, { matches = \"…\" }, { contains = … } or a value",
                        );
                    }
                    for (kk, n, vv, _) in self.entries(m, &k, &[CLAIM_KEYS]) {
                        let e =
                            match n {
                                "equals" => self.json(&kk, vv).map(ClaimExpectation::Equals),
                                "present" => self.boolean(&kk, vv).map(ClaimExpectation::Present),
                                "absent" => {
                                    self.boolean(&kk, vv).map(|b| ClaimExpectation::Present(!b))
                                }
                                "matches" => self.nonempty(&kk, vv).and_then(|re| {
                                    match regex::RegexBuilder::new(&re).size_limit(1 << 20).build()
                                    {
                                        Ok(r) => Some(ClaimExpectation::Matches(r)),
                                        Err(e) => {
                                            let msg = e.to_string();
                                            let first = msg.lines().last().unwrap_or("").trim();
                                            self.problem(
                                                vv.span(),
                                                &kk,
                                                format!("not a valid regular expression: {first}"),
                                            );
                                            None
                                        }
                                    }
                                }),
                                _ => self.json(&kk, vv).map(ClaimExpectation::Contains),
                            };
                        if let Some(e) = e {
                            out.push((name.clone(), e));
                        }
                    }
                }
                _ => {
                    if let Some(j) = self.json(&k, v) {
                        out.push((name, ClaimExpectation::Equals(j)));
                    }
                }
            }
        }
        out
    }

    /// A claim value: string, integer, float, boolean, or an array of those.
    fn json(&mut self, key: &str, v: &Value<'_>) -> Option<serde_json::Value> {
        use serde_json::Value as J;
        match v.get_ref() {
            DeValue::String(s) => Some(J::String(s.to_string())),
            DeValue::Boolean(b) => Some(J::Bool(*b)),
            DeValue::Integer(i) => {
                match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
                    Ok(n) => Some(J::from(n)),
                    Err(_) => {
                        self.problem(v.span(), key, "integer out of range");
                        None
                    }
                }
            }
            DeValue::Float(f) => match f.as_str().replace('_', "").parse::<f64>() {
                Ok(x) if x.is_finite() => serde_json::Number::from_f64(x).map(J::Number),
                _ => {
                    self.problem(v.span(), key, "must be a finite number");
                    None
                }
            },
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    out.push(self.json(&format!("{key}[{}]", i + 1), item)?);
                }
                Some(J::Array(out))
            }
            _ => {
                self.wrong_type(key, v, "a string, number, boolean or array");
                None
            }
        }
    }

    /// `"5m"`, `"3600s"`, `"1h30m"`, `"14d"`, or a number of seconds.
    fn duration(&mut self, key: &str, v: &Value<'_>) -> Option<Duration> {
        let text = match v.get_ref() {
            DeValue::Integer(i) => i.as_str().replace('_', ""),
            DeValue::String(s) => s.trim().to_owned(),
            _ => {
                self.wrong_type(key, v, "a duration (\"5m\", \"1h\", \"14d\", \"90s\")");
                return None;
            }
        };
        match parse_duration(&text) {
            Some(d) => Some(d),
            None => {
                self.problem(
                    v.span(),
                    key,
                    format!(
                        "{text:?} is not a duration: write a number with s, m, h or d \
                         (\"5m\", \"1h\", \"14d\", \"1h30m\")"
                    ),
                );
                None
            }
        }
    }
}

/// A name after `env:` or `keyring:`: 1-200 characters of letters, digits and `_-.:@/`.
pub fn valid_credential_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 200
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.:@/".contains(c))
}

/// Parses `"90"`, `"90s"`, `"5m"`, `"1h30m"`, `"14d"`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    if text.is_empty() {
        return None;
    }
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return None,
        };
        let n: u64 = number.parse().ok()?;
        total = total.checked_add(n.checked_mul(unit)?)?;
        number.clear();
    }
    if !number.is_empty() {
        return None;
    }
    Some(Duration::from_secs(total))
}

/// A duration as files write it (`5m`, `1h30m`, `14d`, `45s`).
pub fn format_duration(d: Duration) -> String {
    let mut s = d.as_secs();
    if s == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if s >= size {
            out.push_str(&format!("{}{unit}", s / size));
            s %= size;
        }
    }
    out
}
