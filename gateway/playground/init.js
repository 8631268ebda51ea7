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
    variables: JSON.stringify({ nin: defaults.demoPatients[0]?.nin ?? '' }, null, 2),
  };

  async function fetchToken() {
    if (!state.persona) return;
    const body = { persona: state.persona.name };
    if (state.persona.purpose === 'ETREAT') body.reason = reasonInput.value.trim() || null;
    const response = await fetch('/dev-idp/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    state.token = (await response.json()).access_token;
  }

  // GraphiQL works out the operation name a moment after an edit: a Run right after renaming the operation
  // would send the old name. The name sent is checked against the text sent: when it names no operation
  // there and the text holds one, that one runs.
  const operationNames = (query) => {
    try {
      return GraphiQL.GraphQL.parse(query)
        .definitions.filter((d) => d.kind === 'OperationDefinition')
        .map((d) => (d.name ? d.name.value : null));
    } catch {
      return null;
    }
  };
  const withCurrentName = (params) => {
    const names = typeof params.query === 'string' ? operationNames(params.query) : null;
    if (!names || names.includes(params.operationName)) return params;
    return names.length === 1 ? { ...params, operationName: names[0] ?? undefined } : params;
  };

  // A research job (an aggregate or an export) that an answer names and that has not finished: the bar under the banner
  // follows it (researchJob every second, with the same token) until it is done, fails or is cancelled.
  const jobBox = document.getElementById('job-progress');
  const jobBar = document.getElementById('job-bar');
  const jobText = document.getElementById('job-text');
  let followed = null;
  const PROGRESS = 'query PlaygroundJobProgress($id: ID!) { researchJob(id: $id) { id kind status progress { patientsDone patientsTotal share } error { code message } } }';
  const showJob = (job) => {
    const { patientsDone, patientsTotal, share } = job.progress;
    jobBox.hidden = false;
    jobBar.value = job.status === 'COMPLETED' ? 1 : share;
    const what = job.kind === 'EXPORT' ? 'Export' : 'Aggregate';
    const where = `${patientsDone} of ${patientsTotal || '?'} persons read (${Math.round((job.status === 'COMPLETED' ? 1 : share) * 100)} %)`;
    const next = job.status === 'COMPLETED' ? ` Done: run ResearchJob with {"id": "${job.id}"} for the result.` : job.status === 'FAILED' ? ` Failed: ${job.error ? job.error.code : ''}` : '';
    jobText.textContent = `${what} job ${job.id.slice(0, 10)}…: ${job.status}, ${where}.${next}`;
  };
  const follow = async (id, headers) => {
    followed = id;
    while (followed === id) {
      const answer = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query: PROGRESS, variables: { id } }) }).then((r) => r.json()).catch(() => null);
      const job = answer && answer.data && answer.data.researchJob;
      if (!job || followed !== id) return;
      showJob(job);
      if (!['QUEUED', 'RUNNING'].includes(job.status)) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  const jobIn = (data) => {
    if (!data || typeof data !== 'object') return null;
    for (const value of [data.startAggregate && data.startAggregate.job, data.startExport && data.startExport.job, data.researchJob, data.cancelResearchJob]) {
      if (value && typeof value.id === 'string' && typeof value.status === 'string') return value;
    }
    return null;
  };

  const fetcher = async (sent, options) => {
    const params = withCurrentName(sent);
    const headers = { 'content-type': 'application/json', accept: 'application/json', ...(options && options.headers) };
    const own = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
    if (!own && state.token) headers.authorization = `Bearer ${state.token}`;
    const response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify(params) });
    const answer = await response.json();
    const job = jobIn(answer && answer.data);
    if (job && job.id !== followed) void follow(job.id, headers);
    return answer;
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

  // GraphiQL's own editors and runner, reached from inside it: picking a persona or a patient changes the
  // current tab (no new tab) and runs it. GraphiQL owns the query and its operation name, so an edited or
  // renamed operation runs as written.
  const bridge = {};
  function Bridge() {
    bridge.editor = GraphiQL.React.useEditorContext({ nonNull: true });
    bridge.execution = GraphiQL.React.useExecutionContext({ nonNull: true });
    return null;
  }
  const runCurrentTab = ({ query, variables }) => {
    const { editor, execution } = bridge;
    if (!editor || !execution) return;
    if (query !== undefined && editor.queryEditor && editor.queryEditor.getValue() !== query) editor.queryEditor.setValue(query);
    if (variables !== undefined && editor.variableEditor) editor.variableEditor.setValue(variables);
    if (execution.isFetching) execution.stop();
    execution.run();
  };

  /** Whom the page's example query is for: a citizen (`me`), research and administration (aggregates), or clinical personnel. */
  const audience = (p) => (p.kind === 'CITIZEN' ? 'citizen' : p.purpose === 'HRESCH' || p.purpose === 'HOPERAT' ? 'research' : 'clinical');

  const showPersona = () => {
    const citizen = state.persona && state.persona.kind === 'CITIZEN';
    reasonLabel.hidden = !(state.persona && state.persona.purpose === 'ETREAT');
    if (reasonLabel.hidden === false && !reasonInput.value) reasonInput.value = state.persona.emergencyReason || '';
    // A citizen reads their own record through `me`, and research asks about populations: no patient to pick.
    patientSelect.disabled = citizen || (state.persona && audience(state.persona) === 'research');
  };

  personaSelect.addEventListener('change', async () => {
    const before = state.persona;
    state.persona = personas.find((p) => p.name === personaSelect.value);
    reasonInput.value = '';
    showPersona();
    await fetchToken();
    // Between clinical personnel, citizens and research the query changes (`patient`, `me`, an aggregate); otherwise the
    // tab runs as it is. Research's example is not run by itself: it starts a job.
    if (before && state.persona && audience(before) !== audience(state.persona)) {
      const next = audience(state.persona);
      if (next === 'research') {
        const input = { idempotencyKey: `playground-${Date.now()}`, purpose: 'Utforsking i lekeplassen', groupBy: ['MUNICIPALITY', 'AGE_BAND'] };
        bridge.editor.queryEditor.setValue(defaults.researchQuery);
        bridge.editor.variableEditor.setValue(JSON.stringify({ input }, null, 2));
      } else runCurrentTab({ query: next === 'citizen' ? defaults.citizenQuery : defaults.query, variables: next === 'citizen' ? '{}' : JSON.stringify({ nin: patientSelect.value }, null, 2) });
    } else {
      runCurrentTab({});
    }
  });
  reasonInput.addEventListener('change', () => void fetchToken());
  patientSelect.addEventListener('change', () => {
    state.variables = JSON.stringify({ nin: patientSelect.value }, null, 2);
    runCurrentTab({ variables: state.variables });
  });

  showPersona();
  // The token first: GraphiQL asks for the schema as soon as it is drawn.
  await fetchToken();
  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery: defaults.query,
      query: defaults.query,
      variables: state.variables,
      defaultEditorToolsVisibility: 'variables',
      shouldPersistHeaders: false,
      storage: memoryStorage(),
      toolbar: { additionalComponent: Bridge },
    }),
  );
})();
