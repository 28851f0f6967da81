/* global document, window, Element, HTMLFormElement */
// The console's only script (the CSP allows no inline script): 「印刷する」 buttons print the page.
// Everything works without it; Ctrl+P prints the same.
document.addEventListener('click', (event) => {
  const target = event.target;
  if (target instanceof Element && target.closest('[data-print]')) window.print();
});

// A form marked data-submit-once (新規契約) is sent once per page: a second click while the
// first answer is on its way would only get the answer to a resubmission, and for 新規契約 that
// answer cannot show the passwords again. The server refuses the duplicate on its own (the
// form's idempotency key); this only keeps the first answer on screen.
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-submit-once')) return;
  if (form.dataset.submitted === 'true') event.preventDefault();
  else form.dataset.submitted = 'true';
});

// Back to the form from the browser's page cache: it may be sent again (the server then shows
// the first answer's outcome).
window.addEventListener('pageshow', (event) => {
  if (!event.persisted) return;
  for (const form of document.querySelectorAll('form[data-submit-once]')) delete form.dataset.submitted;
});
