//! The TypeScript declarations of everything that crosses IPC, rendered from the Rust types
//! (ts-rs) into `ui/src/lib/bindings.ts`. A test fails when the committed file differs; run
//! `UPDATE_BINDINGS=1 cargo test -p tokenscope-desktop bindings` to regenerate it.

use crate::api_commands::ApiRequest;
use crate::b2c::HistoryView;
use crate::device_commands::DevicePoll;
use crate::flow_commands::{CaseSummary, TestFileView};
use crate::views::{
    AppInfo, AuthorityPreview, ExportFormat, InspectionView, InspectorOptions, IpcError,
    ProfileEntry, SignInExtras, SignOutView,
};
use tokenscope_core::api::challenge::ChallengeParam;
use tokenscope_core::api::introspect::{IntrospectToken, Introspection};
use tokenscope_core::api::revoke::{EndpointError, Revocation, RevokeToken};
use tokenscope_core::api::save::SavedBody;
use tokenscope_core::api::userinfo::UserInfo;
use tokenscope_core::api::{
    ApiCall, ApiResponse, BearerChallenge, Challenge, Finding, FindingCode, Header, SentRequest,
    TokenChoice,
};
use tokenscope_core::b2c::errors::{ErrorAction, ErrorAdvice, ErrorArea, SentValue};
use tokenscope_core::engine::client_credentials::AppTokenOffer;
use tokenscope_core::engine::client_key::ClientKeyInfo;
use tokenscope_core::engine::device::{DeviceCode, DeviceSupport};
use tokenscope_core::engine::dpop::DpopKeyInfo;
use tokenscope_core::engine::history::{
    HistoryEntry, IssuerForm, Purpose, RefreshAge, TenantFacts,
};
use tokenscope_core::engine::outcome::{
    Flow, RefreshTokenStatus, SenderConstraint, SignInView, TokenPanel,
};
use tokenscope_core::engine::response_fields::ResponseField;
use tokenscope_core::engine::{EndpointSupport, WireOf};
use tokenscope_core::engine::{LogoutReport, RequestPreview};
use tokenscope_core::engine::{Progress, StoredRefresh};
use tokenscope_core::error::ErrorKind;
use tokenscope_core::exchange::{Exchange, Step, WireHeader};
use tokenscope_core::flowtest::draft::{CaseDraft, ClaimPick};
use tokenscope_core::flowtest::run::CaseTokens;
use tokenscope_core::flowtest::{CaseReport, Failure};
use tokenscope_core::inspect::diff::{ChangeKind, ClaimChange, TokenDiff};
use tokenscope_core::inspect::explain::ClaimRow;
use tokenscope_core::inspect::make::{EncryptRequest, Made, MakeRequest, TimeChange};
use tokenscope_core::inspect::migration::{Migration, MigrationNote};
use tokenscope_core::inspect::role::{RoleGuess, TokenRole};
use tokenscope_core::inspect::{
    AuthorizationCode, InputForm, Inspection, JweInfo, Parameter, TokenInspection, Verification,
};
use tokenscope_core::jose::catalogue::{ClaimDescription, Source, ValueType};
use tokenscope_core::jose::jwt::{DecodeError, Part, TokenKind};
use tokenscope_core::loopback::LogoutReturn;
use tokenscope_core::oidc::authority::{AuthorityForm, AuthorityKind, B2cPolicy, ExternalIdTenant};
use tokenscope_core::oidc::authorize::AuthParams;
use tokenscope_core::oidc::mtls::{CertificateView, ClientCertificate};
use tokenscope_core::oidc::portal::{PortalParam, PortalParams};
use tokenscope_core::oidc::provider_error::{ErrorOrigin, ProviderError};
use tokenscope_core::oidc::redirect::{RedirectConfig, RedirectHost, ResponseMode};
use tokenscope_core::oidc::request::{ClientAuthMethod, ScopeAdvice, ScopeInfo, ScopeKind};
use tokenscope_core::oidc::request_form::{JarMode, ParMode, RequestForm, RequestFormUsed};
use tokenscope_core::oidc::sent::BrowserErrorHelp;
use tokenscope_core::qr::QrCode;
use tokenscope_core::store::profile::{Profile, RecentCall};
use tokenscope_core::store::tenant::{PolicyEntry, PolicyKind, TenantView};
use tokenscope_core::store::vault::VaultLocation;
use tokenscope_core::validate::{Check, CheckId, KeyUsed, RelativeTime, Warning};
use ts_rs::TS;

/// Path of the generated file, relative to the repository root.
pub const PATH: &str = "ui/src/lib/bindings.ts";

/// The whole generated file.
pub fn render() -> String {
    let cfg = ts_rs::Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from the Rust types by src-tauri/src/bindings.rs (ts-rs). Do not edit:\n\
         // run `UPDATE_BINDINGS=1 cargo test -p tokenscope-desktop bindings` instead.\n\n\
         export type JsonValue = number | string | boolean | Array<JsonValue> | \
         { [key in string]?: JsonValue } | null;\n",
    );
    macro_rules! declare {
        ($($t:ty),* $(,)?) => {$(
            out.push_str("\nexport ");
            out.push_str(&<$t as TS>::decl(&cfg));
            out.push('\n');
        )*};
    }
    declare!(
        Profile,
        ClientCertificate,
        CertificateView,
        RedirectConfig,
        RedirectHost,
        ResponseMode,
        AuthParams,
        RequestForm,
        ParMode,
        JarMode,
        RequestFormUsed,
        SenderConstraint,
        Progress,
        Flow,
        RefreshTokenStatus,
        StoredRefresh,
        VaultLocation,
        Check,
        RelativeTime,
        Warning,
        CheckId,
        ClaimRow,
        ClaimDescription,
        Source,
        ValueType,
        TokenKind,
        ProviderError,
        ErrorOrigin,
        ErrorAdvice,
        SentValue,
        BrowserErrorHelp,
        ErrorArea,
        ErrorAction,
        AuthorityForm,
        AuthorityKind,
        B2cPolicy,
        ExternalIdTenant,
        TokenPanel,
        SignInView,
        ProfileEntry,
        AuthorityPreview,
        PortalParams,
        PortalParam,
        AppInfo,
        SignOutView,
        IpcError,
        ErrorKind,
        InspectorOptions,
        ExportFormat,
        InspectionView,
        Inspection,
        InputForm,
        Parameter,
        AuthorizationCode,
        TokenInspection,
        RoleGuess,
        TokenRole,
        JweInfo,
        Verification,
        KeyUsed,
        DecodeError,
        Part,
        TokenDiff,
        MakeRequest,
        EncryptRequest,
        TimeChange,
        Made,
        ClaimChange,
        ChangeKind,
        TenantView,
        PolicyEntry,
        PolicyKind,
        HistoryView,
        HistoryEntry,
        Purpose,
        TenantFacts,
        IssuerForm,
        RefreshAge,
        // The request builder, confidential clients, the logout test.
        ClientAuthMethod,
        SignInExtras,
        RequestPreview,
        ScopeAdvice,
        ScopeInfo,
        ScopeKind,
        LogoutReport,
        LogoutReturn,
        // User-flow tests.
        TestFileView,
        CaseSummary,
        CaseReport,
        Failure,
        CaseTokens,
        CaseDraft,
        ClaimPick,
        // The token response's other fields; the "Call API" panel; userinfo.
        ResponseField,
        ApiRequest,
        TokenChoice,
        ApiCall,
        SentRequest,
        ApiResponse,
        Header,
        Challenge,
        ChallengeParam,
        BearerChallenge,
        Finding,
        FindingCode,
        RecentCall,
        UserInfo,
        // Revocation, introspection; the saved body of a call.
        EndpointSupport,
        RevokeToken,
        Revocation,
        EndpointError,
        IntrospectToken,
        Introspection,
        SavedBody,
        // What went over the wire.
        Exchange,
        Step,
        WireHeader,
        WireOf,
        // The device flow; the client's private key; the B2C → External ID migration view; the
        // profile's DPoP key; the client credentials grant offered to a confidential client.
        DeviceCode,
        QrCode,
        DevicePoll,
        DeviceSupport,
        ClientKeyInfo,
        Migration,
        MigrationNote,
        DpopKeyInfo,
        AppTokenOffer,
    );
    // The values themselves, for what the UI checks at run time (an error's kind) and for its
    // one door to the shell (a command name outside this list does not type-check).
    let list = |names: &mut dyn Iterator<Item = &str>| {
        names.map(|n| format!("\n  {n:?},")).collect::<String>()
    };
    out.push_str(&format!(
        "\n/** Every error kind (`ErrorKind::ALL`). */\n\
         export const ERROR_KINDS: readonly ErrorKind[] = [{}\n];\n",
        list(&mut ErrorKind::ALL.iter().map(|k| k.as_str()))
    ));
    out.push_str(&format!(
        "\n/** Every check a report can hold (`CheckId::ALL`). */\n\
         export const CHECK_IDS: readonly CheckId[] = [{}\n];\n",
        list(&mut CheckId::ALL.iter().map(|c| c.as_str()))
    ));
    out.push_str(&format!(
        "\n/** Every IPC command the shell registers (`src-tauri/src/command_list.rs`). */\n\
         export const COMMANDS = [{}\n] as const;\n\n\
         /** The name of an IPC command. */\n\
         export type Command = (typeof COMMANDS)[number];\n",
        list(&mut crate::command_names::ALL.iter().copied())
    ));
    out
}
