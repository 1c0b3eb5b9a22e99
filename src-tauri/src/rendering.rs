//! How the window's web view draws. Tokenscope shows text, tables and a few colours: WebKitGTK
//! draws that with the CPU without the compositor's GL context, layer textures and tiles, and the
//! window holds far less memory for a start-up a little slower (figures, round by round:
//! docs/benchmark.md, "Drawing on the CPU"). On the CPU a box shadow blurred by less than 4 px
//! costs tens of ms a frame (ui/src/tests/styles.test.ts). So the main window asks WebKit never
//! to composite on the GPU, unless `TOKENSCOPE_GPU_COMPOSITING=1` keeps WebKit's own default (to
//! compare, or where a GPU helps). Through the settings, not `WEBKIT_DISABLE_COMPOSITING_MODE`,
//! which delayed the empty window's page load (same document).

use tauri::{Runtime, WebviewWindow};

/// Set to `1` to keep WebKit's default hardware acceleration policy.
pub const GPU_ENV: &str = "TOKENSCOPE_GPU_COMPOSITING";

/// Whether the web view should draw without GPU compositing, given `TOKENSCOPE_GPU_COMPOSITING`.
pub fn software_only(gpu_env: Option<&str>) -> bool {
    gpu_env.map(str::trim) != Some("1")
}

/// Applies the drawing policy to a window's web view (on Linux; elsewhere nothing changes).
pub fn apply<R: Runtime>(window: &WebviewWindow<R>) -> tauri::Result<()> {
    if !software_only(std::env::var(GPU_ENV).ok().as_deref()) {
        return Ok(());
    }
    #[cfg(target_os = "linux")]
    window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = WebViewExt::settings(&webview.inner()) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    })?;
    #[cfg(not(target_os = "linux"))]
    let _ = window;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::software_only;

    #[test]
    fn draws_without_gpu_compositing_unless_asked() {
        assert!(software_only(None));
        assert!(software_only(Some("")));
        assert!(software_only(Some("0")));
        assert!(!software_only(Some("1")));
        assert!(!software_only(Some(" 1\n")));
    }
}
