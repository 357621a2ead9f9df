/** The two small HTML pages of the queue dashboard's sign-in: no script, no external resource. */

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; background: #f4f5f7; margin: 0; }
main { max-width: 22rem; margin: 12vh auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
h1 { font-size: 1.25rem; margin: 0 0 1.25rem; }
label { display: block; margin: 0 0 .9rem; font-size: .9rem; }
input { display: block; width: 100%; box-sizing: border-box; margin-top: .3rem; padding: .5rem; font-size: 1rem; }
button { width: 100%; padding: .6rem; font-size: 1rem; cursor: pointer; }
.message { padding: .6rem; margin: 0 0 1rem; border-radius: 4px; background: #fdecea; color: #8a1c12; }
.message.info { background: #e8f4fd; color: #0c4a6e; }
</style>
</head>
<body><main>${body}</main></body>
</html>
`;
}

/** The sign-in form: phone number and PIN, posted (never in the URL) to `<route>/session`. */
export function signInPage(route: string, message?: { text: string; kind: 'error' | 'info' }): string {
  const notice = message ? `<p class="message${message.kind === 'info' ? ' info' : ''}" role="alert">${escapeHtml(message.text)}</p>` : '';
  return page(
    'Dompet queues: sign in',
    `<h1>Dompet queues</h1>
${notice}<form method="post" action="${escapeHtml(route)}/session" autocomplete="on">
<label>Administrator phone number<input name="phone_number" type="tel" inputmode="tel" autocomplete="username" required maxlength="20"></label>
<label>PIN<input name="pin" type="password" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>`,
  );
}

/** A signed-in user who is not an administrator. */
export function forbiddenPage(route: string): string {
  return page(
    'Dompet queues: not allowed',
    `<h1>Dompet queues</h1>
<p class="message" role="alert">Only administrators can see the queues.</p>
<form method="post" action="${escapeHtml(route)}/logout"><button type="submit">Sign out</button></form>`,
  );
}
