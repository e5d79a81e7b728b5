/* global document */
// The contact form's script: checks each field with the rules the server uses (serialised into
// the page), posts JSON with an Idempotency-Key, and on 429/503 (or 409 with a fresh form token)
// keeps what was typed and retries after Retry-After. Without it the form still posts (urlencoded) and the server answers in HTML.
'use strict';

(() => {
  const form = document.getElementById('contact-form');
  const rulesElement = document.getElementById('lead-rules');
  if (!form || !rulesElement) return;
  const rules = JSON.parse(rulesElement.textContent);
  const notice = document.getElementById('form-notice');
  const submit = document.getElementById('submit');
  const confirmation = document.getElementById('confirmation');
  const names = Object.keys(rules.fields);
  // eslint-disable-next-line security/detect-non-literal-regexp -- the patterns are the lead rules' own constants, never input
  const control = new RegExp(rules.controlCharacters, 'u');
  // eslint-disable-next-line security/detect-non-literal-regexp -- the patterns are the lead rules' own constants, never input
  const controlExceptLineBreaks = new RegExp(rules.controlCharactersExceptLineBreaks, 'u');
  // eslint-disable-next-line security/detect-non-literal-regexp -- the patterns are the lead rules' own constants, never input
  const format = new RegExp(rules.formatCharacters, 'u');
  // eslint-disable-next-line security/detect-non-literal-regexp -- the patterns are the lead rules' own constants, never input
  const visibleLetter = new RegExp(rules.visibleLetter, 'u');
  // eslint-disable-next-line security/detect-non-literal-regexp -- the patterns are the lead rules' own constants, never input
  const visibleLetterOrDigit = new RegExp(rules.visibleLetterOrDigit, 'u');
  let idempotencyKey = null;
  let pending = null;
  let retryTimer = null;

  form.noValidate = true;

  function newKey() {
    if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function valueOf(name) {
    const element = form.elements.namedItem(name);
    if (rules.fields[name].kind === 'consent') return element.checked;
    return element.value;
  }

  function problemWith(name, value) {
    const rule = rules.fields[name];
    const message = `Expected ${rule.expected}.`;
    if (rule.kind === 'consent') return value === true ? '' : message;
    const raw = String(value);
    if ((rule.kind === 'textarea' ? controlExceptLineBreaks : control).test(raw)) return message;
    if (format.test(raw)) return message;
    const text = raw.normalize('NFC').trim();
    const length = Array.from(rule.kind === 'textarea' ? text : text.replace(/\s+/gu, ' ')).length;
    if (text.length === 0) return message;
    if (rule.kind === 'text' && !visibleLetter.test(text)) return message;
    if (rule.kind === 'textarea' && !visibleLetterOrDigit.test(text)) return message;
    if (rule.minLength !== undefined && length < rule.minLength) return message;
    if (rule.maxLength !== undefined && length > rule.maxLength) return message;
    // eslint-disable-next-line security/detect-non-literal-regexp -- the patterns are the lead rules' own constants, never input
    if (rule.pattern !== undefined && !new RegExp(rule.pattern).test(text)) return message;
    if (rule.kind === 'country' && !rules.countries.includes(text.toUpperCase())) return message;
    if (rule.kind === 'urgency' && !rules.urgencies.includes(text)) return message;
    return '';
  }

  function show(name, message) {
    const element = form.elements.namedItem(name);
    const slot = document.getElementById(`e-${name}`);
    if (!element || !slot) return;
    slot.textContent = message;
    if (message) element.setAttribute('aria-invalid', 'true');
    else element.removeAttribute('aria-invalid');
  }

  function say(message) {
    notice.textContent = message;
    notice.hidden = message === '';
  }

  function checkAll() {
    let first = null;
    for (const name of names) {
      const message = problemWith(name, valueOf(name));
      show(name, message);
      if (message && !first) first = name;
    }
    return first;
  }

  for (const name of names) {
    const element = form.elements.namedItem(name);
    element.addEventListener('blur', () => show(name, problemWith(name, valueOf(name))));
    element.addEventListener('change', () => {
      if (element.getAttribute('aria-invalid') === 'true') show(name, problemWith(name, valueOf(name)));
    });
  }

  function payload() {
    const data = {};
    for (const name of names) data[name] = valueOf(name);
    data.form_token = form.elements.namedItem('form_token').value;
    data.privacy_policy_version = form.elements.namedItem('privacy_policy_version').value;
    const honeypot = form.elements.namedItem(rules.honeypotField);
    if (honeypot && honeypot.value !== '') data[rules.honeypotField] = honeypot.value;
    return data;
  }

  function retryLater(seconds, why) {
    let left = seconds;
    const tick = () => {
      say(`${why} What you typed is kept; sending again in ${left} s.`);
      if (left <= 0) {
        send();
        return;
      }
      left -= 1;
      retryTimer = setTimeout(tick, 1000);
    };
    tick();
  }

  async function send() {
    clearTimeout(retryTimer);
    submit.disabled = true;
    say('Sending…');
    let response;
    try {
      response = await fetch(form.action, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'idempotency-key': idempotencyKey,
        },
        body: JSON.stringify(pending),
      });
    } catch {
      retryLater(5, 'We could not reach our server.');
      return;
    }
    const answer = await response.json().catch(() => ({}));
    if (response.status === 201 || response.status === 200) {
      form.hidden = true;
      say('');
      document.getElementById('lead-ref').textContent = answer.lead_id;
      confirmation.hidden = false;
      confirmation.focus();
      idempotencyKey = null;
      return;
    }
    submit.disabled = false;
    // The page's token expired (or already brought a lead): send the same fields with the fresh one.
    if (response.status === 409 && answer.error && typeof answer.error.form_token === 'string') {
      form.elements.namedItem('form_token').value = answer.error.form_token;
      pending.form_token = answer.error.form_token;
      submit.disabled = true;
      retryLater(Number(response.headers.get('retry-after')) || 3, 'This page was open for a long time.');
      return;
    }
    if (response.status === 429 || response.status === 503) {
      const seconds = Number(response.headers.get('retry-after')) || 5;
      submit.disabled = true;
      retryLater(
        seconds,
        response.status === 429 ? 'Too many requests right now.' : 'We could not store your request yet.',
      );
      return;
    }
    idempotencyKey = null;
    if (response.status === 400 && answer.error && Array.isArray(answer.error.fields)) {
      let first = null;
      for (const problem of answer.error.fields) {
        if (names.includes(problem.field)) {
          show(problem.field, `Expected ${problem.expected}.`);
          first = first || problem.field;
        }
      }
      say('Please correct the fields marked below.');
      if (first) form.elements.namedItem(first).focus();
      return;
    }
    say(
      answer.error && answer.error.message
        ? `Not sent: ${answer.error.message}.`
        : 'Not sent: please try again.',
    );
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const first = checkAll();
    if (first) {
      say('Please correct the fields marked below.');
      form.elements.namedItem(first).focus();
      return;
    }
    idempotencyKey = newKey();
    pending = payload();
    void send();
  });
})();
