// Playground bootstrap: GraphiQL from the gateway's own files (no CDN). Every request carries a bearer token:
// with the development identity provider on, the persona picker fetches one for the chosen persona; without
// it, the reader pastes their own in GraphiQL's headers tab. Identity numbers go in the variables (the POST
// body), never in the URL; nothing is kept in the browser's storage.
(async function main() {
  const defaults = await fetch('/playground/defaults.json').then((r) => r.json());
  const personaSelect = document.getElementById('personas');
  const patientSelect = document.getElementById('demo-patients');
  const reasonLabel = document.getElementById('reason-label');
  const reasonInput = document.getElementById('reason');

  const personas = defaults.personas ? await fetch('/dev-idp/personas').then((r) => r.json()) : [];
  if (personas.length === 0) personaSelect.closest('label').hidden = true;
  for (const p of personas) {
    const option = document.createElement('option');
    option.value = p.name;
    option.textContent = `${p.name}: ${p.displayName}`;
    option.title = p.shows;
    personaSelect.appendChild(option);
  }
  for (const p of defaults.demoPatients) {
    const option = document.createElement('option');
    option.value = p.nin;
    option.textContent = `${p.name} (${p.key})`;
    patientSelect.appendChild(option);
  }

  const state = {
    persona: personas[0],
    token: null,
    query: defaults.query,
    variables: JSON.stringify({ nin: defaults.demoPatients[0]?.nin ?? '' }, null, 2),
    generation: 0,
  };

  async function fetchToken() {
    if (!state.persona) return;
    const body = { persona: state.persona.name };
    if (state.persona.purpose === 'ETREAT') body.reason = reasonInput.value.trim() || null;
    const response = await fetch('/dev-idp/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    state.token = (await response.json()).access_token;
  }

  const fetcher = async (params, options) => {
    const headers = { 'content-type': 'application/json', accept: 'application/json', ...(options && options.headers) };
    const own = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
    if (!own && state.token) headers.authorization = `Bearer ${state.token}`;
    const response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify(params) });
    return response.json();
  };

  // GraphiQL keeps tabs, variables and history in localStorage by default: on a shared clinical workstation
  // that would keep identity numbers after the page is closed. This storage lives only as long as the page.
  const memoryStorage = () => {
    const memory = new Map();
    return {
      getItem: (key) => (memory.has(key) ? memory.get(key) : null),
      setItem: (key, value) => void memory.set(key, String(value)),
      removeItem: (key) => void memory.delete(key),
      clear: () => memory.clear(),
      get length() {
        return memory.size;
      },
    };
  };

  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  const render = () => {
    state.generation += 1;
    root.render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultQuery: state.query,
        query: state.query,
        variables: state.variables,
        onEditQuery: (q) => {
          state.query = q;
        },
        onEditVariables: (v) => {
          state.variables = v;
        },
        defaultEditorToolsVisibility: 'variables',
        shouldPersistHeaders: false,
        storage: memoryStorage(),
        key: state.generation,
      }),
    );
  };

  const showPersona = () => {
    const citizen = state.persona && state.persona.kind === 'CITIZEN';
    reasonLabel.hidden = !(state.persona && state.persona.purpose === 'ETREAT');
    if (reasonLabel.hidden === false && !reasonInput.value) reasonInput.value = state.persona.emergencyReason || '';
    // A citizen reads their own record through `me`: no patient to pick.
    patientSelect.disabled = citizen;
  };

  personaSelect.addEventListener('change', async () => {
    const before = state.persona;
    state.persona = personas.find((p) => p.name === personaSelect.value);
    reasonInput.value = '';
    showPersona();
    await fetchToken();
    if (before && state.persona && before.kind !== state.persona.kind) {
      state.query = state.persona.kind === 'CITIZEN' ? defaults.citizenQuery : defaults.query;
      state.variables = state.persona.kind === 'CITIZEN' ? '{}' : JSON.stringify({ nin: patientSelect.value }, null, 2);
    }
    render();
  });
  reasonInput.addEventListener('change', () => void fetchToken());
  patientSelect.addEventListener('change', () => {
    state.variables = JSON.stringify({ nin: patientSelect.value }, null, 2);
    render();
  });

  showPersona();
  await fetchToken();
  render();
})();
