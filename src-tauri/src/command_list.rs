// The app's IPC commands, written once (`module::command`). Included by `build.rs`, which
// declares the names in the app manifest (so capabilities can grant them one by one), and by
// `lib.rs`, which registers the handlers and keeps the names for `bindings.rs` (the UI's
// `COMMANDS` and `Command` type). `app_commands!(m)` hands the list to the macro `m`.
macro_rules! app_commands {
    ($then:ident) => {
        $then! {
            commands::app_info,
            commands::list_profiles,
            commands::save_profile,
            commands::delete_profile,
            commands::preview_authority,
            commands::sign_in,
            commands::cancel_sign_in,
            commands::refresh,
            commands::sign_out,
            commands::inspect,
            commands::export_inspection,
            commands::diff_tokens,
            commands::make_token,
            commands::set_last_profile,
            b2c::tenant_policies,
            b2c::add_policy,
            b2c::remove_policy,
            b2c::switch_policy,
            b2c::reset_password,
            b2c::session_history,
            b2c::support_bundle,
            request_commands::preview_request,
            request_commands::set_client_secret,
            request_commands::delete_client_secret,
            request_commands::logout_test,
            request_commands::scope_advice,
            flow_commands::read_test_file,
            flow_commands::run_test_file,
            flow_commands::test_case_sign_in,
            flow_commands::save_test_case,
            api_commands::call_api,
            api_commands::api_curl,
            api_commands::call_api_with_token,
            api_commands::api_curl_with_token,
            api_commands::recent_calls,
            api_commands::userinfo,
            endpoint_commands::provider_endpoints,
            endpoint_commands::revoke_token,
            endpoint_commands::introspect_token,
            endpoint_commands::save_api_body,
            api_commands::exchange_curl,
            request_commands::browser_error_help,
            request_commands::describe_client_certificate,
            request_commands::set_client_key,
            request_commands::delete_client_key,
            device_commands::device_support,
            device_commands::sign_in_device,
            migration_commands::migration_compare,
            dpop_commands::dpop_key,
            dpop_commands::rotate_dpop_key,
            dpop_commands::remove_dpop_key,
            app_token_commands::client_credentials,
        }
    };
}

/// The names of the commands in a list of `module::command` paths.
macro_rules! command_names {
    ($($module:ident :: $command:ident),* $(,)?) => {
        &[$(stringify!($command)),*]
    };
}
