/// Every IPC command the desktop shell exposes; `build.rs` declares them, capabilities grant them.
pub const ALL: &[&str] = &[
    "app_info",
    "list_profiles",
    "save_profile",
    "delete_profile",
    "preview_authority",
    "sign_in",
    "cancel_sign_in",
    "refresh",
    "sign_out",
    "inspect",
    "export_inspection",
    "diff_tokens",
    "set_last_profile",
];
