// Copy to the clipboard: the async Clipboard API when the webview offers it, else the older
// select-and-copy, which WebKitGTK allows from a click. WebKit allows clipboard writes only
// while a click is being handled: text that first needs an IPC round trip goes through
// `copyWhenReady`, which starts the write during the click with the text still to come.

export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the selection-based copy
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.appendChild(area);
  const previous = document.activeElement as HTMLElement | null;
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  previous?.focus();
  return ok;
}

/** Copies text that is still being made (an export from the shell). Call it from the click
 *  handler before any `await`: the clipboard write starts there, with a `ClipboardItem` whose
 *  data is the promise (the way WebKit allows it); elsewhere it copies once the text is there. */
export async function copyWhenReady(text: Promise<string>): Promise<boolean> {
  const clipboard = navigator.clipboard;
  if (typeof ClipboardItem === 'function' && typeof clipboard?.write === 'function') {
    try {
      const blob = text.then((t) => new Blob([t], { type: 'text/plain' }));
      await clipboard.write([new ClipboardItem({ 'text/plain': blob })]);
      return true;
    } catch {
      // fall through: copy the finished text the ordinary way
    }
  }
  try {
    return await copyText(await text);
  } catch {
    return false;
  }
}
