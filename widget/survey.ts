/**
 * The "how likely are you to recommend us" question: a 0–10 scale of radios (arrow keys move along
 * it) and an optional comment, sent to `member/feedback`. Asked once per customer and browser.
 */
import type { StorefrontApi } from './api.ts';
import { h, type Child } from './dom.ts';
import type { Messages } from './messages.ts';

export interface Survey {
  score?: number;
  comment: string;
  state: 'open' | 'sending' | 'failed' | 'sent';
}

/** What the survey needs from the widget around it. */
export interface SurveyHost {
  t: Messages;
  api: StorefrontApi;
  customerId: string;
  render: () => void;
  announce: (text: string) => void;
  focusNext: (key: string) => void;
}

export function surveyView(survey: Survey, host: SurveyHost): Child {
  const { t } = host;
  const answeredKey = `loyalty-widget:survey:${host.customerId}`;
  if (survey.state === 'sent') return h('p', { role: 'status', style: 'margin-top:1.25em' }, t.thanks);
  if (remembered(answeredKey)) return null;
  const send = h('button', { type: 'button', 'data-k': 'send', 'aria-disabled': survey.score === undefined || survey.state === 'sending' ? 'true' : undefined }, t.send);
  send.addEventListener('click', async () => {
    if (survey.score === undefined || survey.state === 'sending') return;
    survey.state = 'sending';
    host.render();
    try {
      await host.api.feedback(survey.score, survey.comment.trim());
      survey.state = 'sent';
      remember(answeredKey);
      host.announce(t.thanks);
    } catch {
      survey.state = 'failed';
      host.focusNext('send');
    }
    host.render();
  });
  return h('form', { onsubmit: (event: Event) => event.preventDefault() },
    h('fieldset', {},
      h('legend', {}, t.survey),
      h('div', { class: 'scale' },
        Array.from({ length: 11 }, (_, score) =>
          h('label', {},
            h('input', {
              type: 'radio', name: 'score', value: score, 'data-k': `score-${score}`, checked: survey.score === score,
              onchange: () => {
                survey.score = score;
                send.removeAttribute('aria-disabled');
              },
            }),
            h('span', {}, String(score)),
          ),
        ),
      ),
      h('p', { class: 'mu row', style: 'margin:.25em 0 .75em' }, h('span', {}, t.surveyLow), h('span', {}, t.surveyHigh)),
    ),
    h('label', { for: 'comment' }, t.comment),
    h('textarea', { id: 'comment', maxlength: 1000, 'data-k': 'comment', oninput: (event: Event) => (survey.comment = (event.target as HTMLTextAreaElement).value) }, survey.comment),
    survey.state === 'failed' && h('p', { class: 'er', role: 'alert' }, t.surveyFailed),
    send,
  );
}

function remembered(key: string): boolean {
  try {
    return localStorage.getItem(key) !== null;
  } catch {
    return false;
  }
}

function remember(key: string) {
  try {
    localStorage.setItem(key, new Date().toISOString());
  } catch {
    // Storage blocked: the question comes again next time, which is harmless.
  }
}
