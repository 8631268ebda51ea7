// Playground bootstrap: GraphiQL from the gateway's own files (no CDN), with the first query and the
// demo patients filled in. Identity numbers go in the variables (the POST body), never in the URL.
(async function main() {
  const defaults = await fetch('/playground/defaults.json').then((r) => r.json());
  const select = document.getElementById('demo-patients');
  for (const p of defaults.demoPatients) {
    const option = document.createElement('option');
    option.value = p.nin;
    option.textContent = `${p.name} (${p.key})`;
    select.appendChild(option);
  }
  const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  // GraphiQL keeps tabs, variables and history in localStorage by default: on a shared clinical workstation
  // that would keep identity numbers after the page is closed. This storage lives only as long as the page.
  const memory = new Map();
  const storage = {
    getItem: (key) => (memory.has(key) ? memory.get(key) : null),
    setItem: (key, value) => void memory.set(key, String(value)),
    removeItem: (key) => void memory.delete(key),
    clear: () => memory.clear(),
    get length() {
      return memory.size;
    },
  };
  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  let variables = JSON.stringify({ nin: defaults.demoPatients[0]?.nin ?? '' }, null, 2);
  const render = () =>
    root.render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultQuery: defaults.query,
        variables,
        defaultEditorToolsVisibility: 'variables',
        shouldPersistHeaders: false,
        storage,
        key: variables,
      }),
    );
  select.addEventListener('change', () => {
    variables = JSON.stringify({ nin: select.value }, null, 2);
    render();
  });
  render();
})();
