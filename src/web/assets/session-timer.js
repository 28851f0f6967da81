/* global document, window, fetch */
// The bank site's only script (the CSP allows no inline script): a minute before a signed-in
// page's idle timeout it says so in #session-warning (an assertive live region, announced by screen
// readers) with 「ログインを延長する」, which asks GET <base>session/keep-alive (204: the session
// was touched; the answer's Mamori-Session-Ends-At header is its new end) and shows the new end;
// at the end it says the session has ended, with a link to the login page. Without it the page
// still says when it ends (.session-end, rendered by src/web/personal-web/layout.ts, whose data
// attributes carry the times, the URLs and every word in the page's language).
//
// The times: data-session-ends-at is the end by the bank's clock, data-remaining-ms the time
// left when the page was made. Counting down from this browser's clock at load keeps the
// warning right even when the browser's clock and the bank's disagree.
(function sessionTimer() {
  const WARN_BEFORE_MS = 60_000;
  const notice = document.querySelector('.session-end[data-session-ends-at]');
  const box = document.getElementById('session-warning');
  if (!notice || !box) return;
  const data = notice.dataset;
  const shownTime = notice.querySelector('.session-end__time');
  let endsAtMs = Number(data.sessionEndsAt);
  // The bank's clock minus this browser's, from the page's own figures.
  const offsetMs = endsAtMs - Number(data.remainingMs) - Date.now();
  const bankNow = () => Date.now() + offsetMs;
  let state = 'quiet'; // quiet → warned → (extended → quiet) | ended

  // YYYY/MM/DD HH:MM in Japan time, as every date of the site (src/shared/japan-time.ts; this
  // file is served as it is, not bundled, so it cannot import that module).
  function japanDateTime(ms) {
    const iso = new Date(ms + 9 * 3600_000).toISOString();
    return `${iso.slice(0, 10).replaceAll('-', '/')} ${iso.slice(11, 16)}`;
  }

  function paragraph(text, className) {
    const p = document.createElement('p');
    p.textContent = text;
    if (className) p.className = className;
    return p;
  }

  function show(...children) {
    box.replaceChildren(...children);
    box.classList.toggle('session-warning--shown', children.length > 0);
  }

  function warn(extra) {
    state = 'warned';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button';
    button.textContent = data.extend;
    button.addEventListener('click', extend);
    const actions = document.createElement('div');
    actions.className = 'actions';
    actions.append(button);
    show(paragraph(data.warning, 'notice__title'), ...(extra ? [paragraph(extra)] : []), actions);
  }

  function end() {
    state = 'ended';
    const link = document.createElement('a');
    link.href = data.loginUrl;
    link.textContent = data.toLogin;
    const p = document.createElement('p');
    p.append(link);
    show(paragraph(data.ended, 'notice__title'), p);
  }

  async function extend() {
    let answer;
    try {
      answer = await fetch(data.keepAlive, { method: 'GET', credentials: 'same-origin', cache: 'no-store', headers: { Accept: '*/*' } });
    } catch {
      if (state === 'warned') warn(data.extendFailed);
      return;
    }
    if (answer.status === 204) {
      const next = Number(answer.headers.get('Mamori-Session-Ends-At'));
      if (Number.isFinite(next) && next > 0) endsAtMs = next;
      if (shownTime) {
        shownTime.textContent = japanDateTime(endsAtMs);
        shownTime.setAttribute('datetime', new Date(endsAtMs).toISOString());
      }
      state = 'quiet';
      show(paragraph(data.extended));
      window.setTimeout(() => {
        if (state === 'quiet') show();
      }, 5000);
      return;
    }
    if (answer.status === 401) end();
    else if (state === 'warned') warn(data.extendFailed);
  }

  function tick() {
    const left = endsAtMs - bankNow();
    if (left <= 0) {
      if (state !== 'ended') end();
      return;
    }
    if (left <= WARN_BEFORE_MS && state === 'quiet') warn();
  }

  tick();
  window.setInterval(tick, 1000);
  // Timers sleep with a closed laptop lid; look again as soon as the page is seen.
  document.addEventListener('visibilitychange', tick);
})();
