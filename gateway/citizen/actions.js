// @ts-check
/**
 * What the graph answered an action, in words for the person who did it, and which field it is about: a refused
 * action names its input field in `extensions.argument` (`input.subject`), so the error is shown at that field.
 */

/** @typedef {import('./graphql.js').GraphQLResult} GraphQLResult */

/** @type {Record<string, string>} */
const CODES = {
  BAD_USER_INPUT: 'Noe i skjemaet er ikke riktig fylt ut.',
  GRAPHQL_VALIDATION_FAILED: 'Tjenesten kjenner ikke denne handlingen ennå.',
  MESSAGE_RECIPIENT_NOT_IN_CARE_TEAM: 'Mottakeren er ikke blant dem som har ansvar for deg nå.',
  MESSAGE_RECIPIENT_UNKNOWN: 'Mottakeren kan ikke ta imot meldinger herfra.',
  MESSAGE_THREAD_UNKNOWN: 'Vi fant ikke meldingen du svarer på.',
  IDEMPOTENCY_KEY_REUSED: 'Skjemaet ble endret mens det ble sendt. Send igjen.',
  AUDIT_UNAVAILABLE: 'Handlingen kunne ikke skrives i loggen, og da gjør vi den ikke. Ingenting ble endret. Prøv igjen litt senere.',
  OUTBOX_UNAVAILABLE: 'Meldingen kunne ikke lagres. Prøv igjen: den blir ikke sendt to ganger.',
  SOURCE_UNAVAILABLE: 'Systemet som skal ta imot, svarer ikke nå. Ingenting ble endret. Prøv igjen senere.',
  SOURCE_TIMEOUT: 'Systemet som skal ta imot, svarte ikke i tide. Prøv igjen: det blir ikke gjort to ganger.',
  SUBGRAPH_UNAVAILABLE: 'Tjenesten svarer ikke nå. Prøv igjen senere.',
  RATE_LIMITED: 'Du har gjort dette mange ganger på kort tid. Vent litt og prøv igjen.',
};

/**
 * @param {GraphQLResult} result
 * @param {string} field the mutation's field (`sendMessage`)
 * @returns {{ ok: true, payload: any } | { ok: false, expired: boolean, text: string, field: string | null, code: string | null, reason: string | null, unknownOutcome: boolean }}
 */
export function actionOutcome(result, field) {
  const payload = result.data?.[field];
  if (payload && result.errors.length === 0) return { ok: true, payload };
  const error = result.errors[0];
  const code = error?.extensions?.code ?? null;
  const reason = error?.extensions?.reason ?? null;
  const argument = typeof error?.extensions?.argument === 'string' ? error.extensions.argument.split('.').pop() ?? null : null;
  if (result.status === 401 || code === 'UNAUTHENTICATED') {
    return { ok: false, expired: true, text: 'Innloggingen din er utløpt. Logg inn igjen.', field: null, code, reason, unknownOutcome: false };
  }
  if (result.status === 0 || code === 'NETWORK_ERROR' || code === 'BAD_RESPONSE' || result.status >= 500) {
    const known = code && CODES[code];
    return {
      ok: false,
      expired: false,
      text: known || 'Vi fikk ikke svar fra tjenesten. Prøv igjen: det du sendte, blir ikke gjort to ganger.',
      field: null,
      code,
      reason,
      unknownOutcome: !known,
    };
  }
  let text = (code && CODES[code]) || `Tjenesten avviste det${code ? ` (${code})` : ''}. Ingenting ble endret.`;
  if (code === 'FORBIDDEN') {
    text = reason === 'ROLE' ? 'Dette kan du ikke gjøre herfra ennå.' : 'Du har ikke lov til å gjøre dette. Ingenting ble endret.';
  }
  return { ok: false, expired: false, text, field: argument, code, reason, unknownOutcome: false };
}
