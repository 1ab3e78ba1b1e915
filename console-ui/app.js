// The kafkats console page: Preact components written with htm tagged templates (no build step).
// Routes live in the URL hash (#/topics/orders); the cluster overview arrives by Server-Sent Events
// from /api/events, and every push also makes the open page read its data again.
import { h, render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import htm from 'htm';

const html = htm.bind(h);

async function api(path, options = {}) {
  const init = { method: options.method ?? 'GET', headers: {} };
  if (options.body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    throw new Error(`the console server does not answer (${err.message})`);
  }
  const data = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw new Error(data.error ?? `HTTP ${res.status}`);
  return data;
}

const enc = encodeURIComponent;

function useRoute() {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash.slice(1).split('/').filter(Boolean).map(decodeURIComponent);
}

/** Data from `path`, read again whenever `tick` changes (each live push). */
function useData(path, tick) {
  const [state, setState] = useState({ data: null, error: null });
  const reload = useCallback(() => {
    let alive = true;
    api(path).then((data) => alive && setState({ data, error: null }), (err) => alive && setState((s) => ({ data: s.data, error: err.message })));
    return () => { alive = false; };
  }, [path]);
  useEffect(() => { setState({ data: null, error: null }); }, [path]);
  useEffect(reload, [path, tick]);
  return [state.data, state.error, reload];
}

const ErrorBox = ({ error }) => (error ? html`<div class="error" role="alert" data-testid="error">${error}</div>` : null);

function fmtRate(v) {
  if (v === null || v === undefined) return '–';
  if (v >= 1048576) return `${(v / 1048576).toFixed(1)} MB/s`;
  if (v >= 1024) return `${(v / 1024).toFixed(1)} KB/s`;
  return `${v.toFixed(0)} B/s`;
}

function Chart({ points, series, testid }) {
  const w = 600, hgt = 120;
  const max = Math.max(1, ...points.flatMap((p) => series.map((s) => p[s.key] ?? 0)));
  const line = (key) => points.map((p, i) => `${(i / Math.max(1, points.length - 1)) * w},${hgt - 4 - ((p[key] ?? 0) / max) * (hgt - 12)}`).join(' ');
  return html`<div class="chart" data-testid=${testid}>
    <div class="legend">${series.map((s) => html`<span class=${s.cls}>■ ${s.label}: ${s.format(points.at(-1)?.[s.key])}</span>`)}<span class="muted">max ${series[0].format(max)}</span></div>
    <svg viewBox="0 0 ${w} ${hgt}" preserveAspectRatio="none">
      ${series.map((s) => html`<polyline fill="none" stroke=${s.color} stroke-width="2" points=${line(s.key)} />`)}
    </svg></div>`;
}

const partitionRow = (p, extra = []) => html`<tr class=${p.leader < 0 || p.isr.length < p.replicas.length ? 'bad' : ''} data-testid="partition-row">
  <td>${p.topic}</td><td class="num">${p.partition}</td><td class="num">${p.leader < 0 ? 'none' : p.leader}</td>
  <td>${p.replicas.join(',')}</td><td>${p.isr.join(',')}</td>${extra}</tr>`;

const SHOWN_PARTITIONS = 20;

/** Unhealthy partitions, the cluster's own topics first (internal topics, e.g. __consumer_offsets, last), the first 20 of them. */
function PartitionList({ partitions, testid }) {
  const internal = (t) => t.startsWith('__');
  const sorted = [...partitions].sort((a, b) => internal(a.topic) - internal(b.topic) || a.topic.localeCompare(b.topic) || a.partition - b.partition);
  const rest = sorted.length - SHOWN_PARTITIONS;
  return html`<table data-testid=${testid}><thead><tr><th>Topic</th><th class="num">Partition</th><th class="num">Leader</th><th>Replicas</th><th>ISR</th></tr></thead>
    <tbody>${sorted.slice(0, SHOWN_PARTITIONS).map((p) => partitionRow(p))}</tbody></table>
    ${rest > 0 ? html`<p class="muted">… and ${rest} more (the Topics page counts them per topic).</p>` : null}`;
}

function ClusterPage({ cluster, error }) {
  if (!cluster) return html`<h1>Cluster</h1><${ErrorBox} error=${error} /><p class="muted">Loading…</p>`;
  const c = cluster;
  return html`<h1>Cluster <span class="muted">${c.clusterId ?? ''}</span></h1>
    <${ErrorBox} error=${error} />
    <div class="cards">
      <div class="card"><div class="label">Brokers</div><div class="value" data-testid="broker-count">${c.brokers.length}</div></div>
      <div class="card"><div class="label">Controller</div><div class="value" data-testid="controller">${c.controllerId < 0 ? 'none' : c.controllerId}</div></div>
      <div class="card"><div class="label">Topics</div><div class="value">${c.topics}</div></div>
      <div class="card"><div class="label">Partitions</div><div class="value">${c.partitions}</div></div>
      <div class=${`card ${c.underReplicated.length ? 'bad' : ''}`}><div class="label">Under-replicated</div><div class="value" data-testid="under-replicated-count">${c.underReplicated.length}</div></div>
      <div class=${`card ${c.offline.length ? 'bad' : ''}`}><div class="label">Offline</div><div class="value" data-testid="offline-count">${c.offline.length}</div></div>
    </div>
    <h2>Bytes in / out (all brokers)</h2>
    ${c.rates.length ? html`<${Chart} testid="bytes-chart" points=${c.rates} series=${[
      { key: 'bytesInPerSec', label: 'in', cls: 'in', color: '#2456c6', format: fmtRate },
      { key: 'bytesOutPerSec', label: 'out', cls: 'out', color: '#d0721b', format: fmtRate }]} />`
      : html`<p class="muted">No broker serves /metrics (set kafkats.metrics.port), or the first sample is being taken.</p>`}
    <h2>Brokers</h2>
    <table data-testid="brokers"><thead><tr><th>ID</th><th>Host</th><th class="num">Port</th><th>Rack</th><th class="num">Partitions</th><th class="num">Leaders</th><th class="num">Bytes in</th><th class="num">Bytes out</th></tr></thead>
    <tbody>${c.offlineBrokers.map((id) => html`<tr class="bad" data-testid="offline-broker"><td>${id}</td><td colspan="7">offline: named as a replica but not alive</td></tr>`)}
      ${c.brokers.map((b) => html`<tr><td>${b.id}${b.id === c.controllerId ? html` <span class="tag">controller</span>` : ''}</td><td>${b.host}</td><td class="num">${b.port}</td><td>${b.rack ?? ''}</td>
      <td class="num">${b.partitions}</td><td class="num">${b.leaders}</td><td class="num">${fmtRate(b.bytesInPerSec)}</td><td class="num">${fmtRate(b.bytesOutPerSec)}</td></tr>`)}</tbody></table>
    <h2>Under-replicated partitions</h2>
    ${c.underReplicated.length === 0 ? html`<p class="ok" data-testid="no-under-replicated">None: every partition's ISR holds all its replicas.</p>`
      : html`<${PartitionList} testid="under-replicated" partitions=${c.underReplicated} />`}
    <h2>Offline partitions</h2>
    ${c.offline.length === 0 ? html`<p class="ok">None.</p>`
      : html`<${PartitionList} testid="offline" partitions=${c.offline} />`}
    ${c.zookeeper ? html`<${ZooKeeperSection} zk=${c.zookeeper} />` : null}`;
}

/** What only ZooKeeper knows (kafkats console --zookeeper). */
function ZooKeeperSection({ zk }) {
  return html`<h2>ZooKeeper <span class="muted">${zk.connect}</span></h2>
    ${zk.error ? html`<${ErrorBox} error=${zk.error} />` : html`<div data-testid="zookeeper">
      <div class="cards">
        <div class="card"><div class="label">Controller epoch</div><div class="value" data-testid="zk-controller-epoch">${zk.controllerEpoch ?? 'none'}</div></div>
        <div class=${`card ${zk.topicsPendingDeletion.length ? 'bad' : ''}`}><div class="label">Topics marked for deletion</div><div class="value" data-testid="zk-pending-deletions">${zk.topicsPendingDeletion.length}</div></div>
      </div>
      <table data-testid="zk-brokers"><thead><tr><th>Registered broker</th><th class="num">Broker epoch (czxid)</th></tr></thead>
      <tbody>${zk.brokers.map((b) => html`<tr data-testid="zk-broker"><td>${b.id}</td><td class="num">${b.epoch}</td></tr>`)}</tbody></table>
      ${zk.topicsPendingDeletion.length ? html`<p class="muted">Marked for deletion: ${zk.topicsPendingDeletion.join(', ')}</p>` : null}</div>`}`;
}

function ReassignmentsPage({ tick }) {
  const [rows, error] = useData('/api/reassignments', tick);
  return html`<h1>Partition reassignments</h1><${ErrorBox} error=${error} />
    <p class="muted">In progress, as the controller lists them (ListPartitionReassignments); a row goes when its new replicas are in sync.</p>
    ${!rows ? html`<p class="muted">Loading…</p>` : rows.length === 0 ? html`<p class="ok" data-testid="no-reassignments">No reassignment in progress.</p>` : html`
    <table data-testid="reassignments"><thead><tr><th>Topic</th><th class="num">Partition</th><th>Replicas</th><th>Adding</th><th>Removing</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr data-testid="reassignment-row"><td><a href=${`#/topics/${enc(r.topic)}`}>${r.topic}</a></td><td class="num">${r.partition}</td>
      <td>${r.replicas.join(',')}</td><td>${r.adding.join(',') || '–'}</td><td>${r.removing.join(',') || '–'}</td></tr>`)}</tbody></table>`}`;
}

function useAction(onDone) {
  const [state, setState] = useState({ busy: false, error: null, message: null });
  const run = async (fn) => {
    setState({ busy: true, error: null, message: null });
    try {
      const message = await fn();
      setState({ busy: false, error: null, message: message ?? null });
      onDone?.();
    } catch (err) {
      setState({ busy: false, error: err.message, message: null });
    }
  };
  return [state, run];
}

// Form fields are uncontrolled (defaultValue): a live refresh re-renders the page every second and
// must never overwrite what the user is typing.
const formValues = (e) => Object.fromEntries(new FormData(e.target));

function TopicsPage({ tick, readOnly }) {
  const [topics, error, reload] = useData('/api/topics', tick);
  const [action, run] = useAction(reload);
  const create = (e) => {
    e.preventDefault();
    const v = formValues(e);
    run(async () => {
      await api('/api/topics', { method: 'POST', body: { name: v.name, partitions: v.partitions, replicationFactor: v.replicationFactor } });
      e.target.reset();
      return `Created topic ${v.name}.`;
    });
  };
  return html`<h1>Topics</h1><${ErrorBox} error=${error} />
    ${readOnly ? null : html`<form class="inline" onSubmit=${create} data-testid="create-topic">
      <label>Name<input name="name" required placeholder="orders" /></label>
      <label>Partitions<input name="partitions" type="number" min="1" defaultValue="1" /></label>
      <label>Replication factor<input name="replicationFactor" type="number" min="1" placeholder="broker default" /></label>
      <button disabled=${action.busy}>Create topic</button></form>`}
    <${ErrorBox} error=${action.error} />${action.message ? html`<div class="notice" data-testid="notice">${action.message}</div>` : null}
    ${topics ? html`<table data-testid="topics"><thead><tr><th>Name</th><th class="num">Partitions</th><th class="num">Replication</th><th class="num">Under-replicated</th><th class="num">Offline</th><th></th></tr></thead>
      <tbody>${topics.map((t) => html`<tr class=${t.underReplicated || t.offline ? 'bad' : ''} data-testid="topic-row" data-topic=${t.name}>
        <td><a href=${`#/topics/${enc(t.name)}`}>${t.name}</a>${t.internal ? html` <span class="tag">internal</span>` : ''}</td>
        <td class="num">${t.partitions}</td><td class="num">${t.replicationFactor}</td><td class="num">${t.underReplicated}</td><td class="num">${t.offline}</td>
        <td><a href=${`#/topics/${enc(t.name)}/messages`}>messages</a></td></tr>`)}</tbody></table>` : html`<p class="muted">Loading…</p>`}`;
}

function TopicPage({ name, tick, readOnly }) {
  const [t, error, reload] = useData(`/api/topics/${enc(name)}`, tick);
  const [action, run] = useAction(reload);
  const addPartitions = (e) => {
    e.preventDefault();
    const v = formValues(e);
    run(async () => { await api(`/api/topics/${enc(name)}/partitions`, { method: 'POST', body: { count: v.count } }); return `${name} now has ${v.count} partitions.`; });
  };
  const remove = () => {
    if (!confirm(`Delete topic ${name} and all its records?`)) return;
    run(async () => { await api(`/api/topics/${enc(name)}`, { method: 'DELETE' }); location.hash = '#/topics'; });
  };
  return html`<h1>Topic ${name} <a href=${`#/topics/${enc(name)}/messages`} style="font-size:14px">browse messages</a></h1>
    <${ErrorBox} error=${error} /><${ErrorBox} error=${action.error} />${action.message ? html`<div class="notice">${action.message}</div>` : null}
    ${!t ? html`<p class="muted">Loading…</p>` : html`
      <p class="muted">Topic id ${t.topicId}${t.internal ? ' · internal topic' : ''}</p>
      ${readOnly ? null : html`<form class="inline" onSubmit=${addPartitions}>
        <label>Partition count<input name="count" type="number" min=${t.partitions.length + 1} defaultValue=${t.partitions.length + 1} /></label>
        <button disabled=${action.busy}>Add partitions</button>
        <button type="button" class="danger" onClick=${remove} disabled=${action.busy}>Delete topic</button></form>`}
      <h2>Partitions</h2>
      <table data-testid="partitions"><thead><tr><th>Topic</th><th class="num">Partition</th><th class="num">Leader</th><th>Replicas</th><th>ISR</th><th class="num">Earliest offset</th><th class="num">Latest offset</th><th class="num">Records</th></tr></thead>
      <tbody>${t.partitions.map((p) => partitionRow(p, [html`<td class="num">${p.earliest ?? '–'}</td>`, html`<td class="num" data-testid="latest-offset">${p.latest ?? '–'}</td>`,
        html`<td class="num">${p.latest !== null ? String(BigInt(p.latest) - BigInt(p.earliest)) : '–'}</td>`]))}</tbody></table>
      <h2>Configs</h2>
      <table data-testid="configs"><thead><tr><th>Name</th><th>Value</th><th>Source</th></tr></thead>
      <tbody>${t.configs.map((c) => html`<tr><td>${c.name}</td><td>${c.sensitive ? html`<span class="muted">(sensitive)</span>` : html`<pre>${c.value ?? 'null'}</pre>`}</td><td class=${c.source === 'DEFAULT_CONFIG' ? 'muted' : ''}>${c.source}</td></tr>`)}</tbody></table>`}`;
}

function Bytes({ view, format }) {
  if (view === null) return html`<span class="muted">null</span>`;
  if (format === 'hex' || view.text === null) return html`<pre>${view.hex}</pre>`;
  if (format === 'json' && view.json !== null) return html`<pre>${view.json}</pre>`;
  return html`<pre>${view.text}</pre>`;
}

function MessagesPage({ name, readOnly }) {
  const [query, setQuery] = useState({ partition: '0', offset: 'earliest', time: '', limit: '50' });
  const [format, setFormat] = useState('text');
  const [result, setResult] = useState({ data: null, error: null });
  const [produced, produce] = useAction(null);
  const load = useCallback(async (q) => {
    const params = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== ''));
    try {
      setResult({ data: await api(`/api/topics/${enc(name)}/records?${params}`), error: null });
    } catch (err) {
      setResult({ data: null, error: err.message });
    }
  }, [name]);
  useEffect(() => { load(query); }, [name]);
  const submit = (e) => { e.preventDefault(); const q = formValues(e); setQuery(q); load(q); };
  const send = (e) => {
    e.preventDefault();
    const v = formValues(e);
    produce(async () => {
      const headers = {};
      for (const line of (v.headers ?? '').split('\n').map((l) => l.trim()).filter(Boolean)) {
        const i = line.indexOf('=');
        if (i <= 0) throw new Error(`header '${line}': expected name=value`);
        headers[line.slice(0, i)] = line.slice(i + 1);
      }
      const r = await api(`/api/topics/${enc(name)}/records`, { method: 'POST', body: { key: v.key, value: v.value, headers, partition: v.partition } });
      await load(query);
      return `Produced to ${name}-${r.partition} at offset ${r.offset}.`;
    });
  };
  const records = result.data?.records ?? [];
  return html`<h1>Messages of <a href=${`#/topics/${enc(name)}`}>${name}</a></h1>
    <form class="inline" onSubmit=${submit} data-testid="browse">
      <label>Partition<input name="partition" type="number" min="0" defaultValue=${query.partition} /></label>
      <label>From offset<input name="offset" defaultValue=${query.offset} placeholder="earliest, latest or a number" /></label>
      <label>or from time<input name="time" defaultValue=${query.time} placeholder="2026-01-31T12:00:00Z" /></label>
      <label>Max records<input name="limit" type="number" min="1" max="500" defaultValue=${query.limit} /></label>
      <label>Show as<select value=${format} onChange=${(e) => setFormat(e.target.value)} data-testid="format">
        <option value="text">text</option><option value="json">JSON</option><option value="hex">hex</option></select></label>
      <button>Read</button></form>
    <${ErrorBox} error=${result.error} />
    ${result.data ? html`<p class="muted">${records.length} record(s) of partition ${result.data.partition} from offset ${result.data.from}</p>
      <table data-testid="records"><thead><tr><th class="num">Offset</th><th>Timestamp</th><th>Key</th><th>Value</th><th>Headers</th></tr></thead>
      <tbody>${records.map((r) => html`<tr data-testid="record"><td class="num">${r.offset}</td><td>${r.timestamp}<div class="muted">${r.timestampType}</div></td>
        <td><${Bytes} view=${r.key} format=${format} /></td><td data-testid="record-value"><${Bytes} view=${r.value} format=${format} /></td>
        <td>${r.headers.map((hd) => html`<div><b>${hd.key}</b>: <${Bytes} view=${hd.value} format=${format} /></div>`)}</td></tr>`)}</tbody></table>` : null}
    ${readOnly ? null : html`<h2>Produce a test record</h2>
      <form class="inline" onSubmit=${send} data-testid="produce">
        <label>Partition<input name="partition" type="number" min="0" placeholder="by key" /></label>
        <label>Key<input name="key" placeholder="(null)" /></label>
        <label>Value<textarea name="value"></textarea></label>
        <label>Headers (name=value per line)<textarea name="headers"></textarea></label>
        <button disabled=${produced.busy}>Produce</button></form>
      <${ErrorBox} error=${produced.error} />${produced.message ? html`<div class="notice" data-testid="notice">${produced.message}</div>` : null}`}`;
}

function GroupsPage({ tick }) {
  const [groups, error] = useData('/api/groups', tick);
  return html`<h1>Consumer groups</h1><${ErrorBox} error=${error} />
    ${!groups ? html`<p class="muted">Loading…</p>` : groups.length === 0 ? html`<p class="muted">No consumer groups.</p>` : html`
    <table data-testid="groups"><thead><tr><th>Group</th><th>State</th><th>Protocol type</th><th class="num">Members</th></tr></thead>
    <tbody>${groups.map((g) => html`<tr data-testid="group-row"><td><a href=${`#/groups/${enc(g.groupId)}`}>${g.groupId}</a></td><td><span class=${`tag ${g.state}`}>${g.state}</span></td><td>${g.protocolType}</td><td class="num">${g.members}</td></tr>`)}</tbody></table>`}`;
}

function GroupPage({ id, tick, readOnly }) {
  const [g, error, reload] = useData(`/api/groups/${enc(id)}`, tick);
  const [lagHistory, setLagHistory] = useState([]);
  const [action, run] = useAction(reload);
  useEffect(() => { setLagHistory([]); }, [id]);
  useEffect(() => { if (g) setLagHistory((h0) => [...h0.slice(-59), { lag: Number(g.totalLag) }]); }, [g]);
  const reset = (e) => {
    e.preventDefault();
    const v = formValues(e);
    run(async () => {
      const r = await api(`/api/groups/${enc(id)}/offsets`, { method: 'POST', body: v });
      return `Offsets of ${id} on ${v.topic} reset: ${r.map((p) => `${p.partition}→${p.offset}`).join(', ')}.`;
    });
  };
  const maxLag = Math.max(1, ...(g?.offsets ?? []).map((o) => Number(o.lag ?? 0)));
  return html`<h1>Consumer group ${id}</h1><${ErrorBox} error=${error} />
    ${!g ? html`<p class="muted">Loading…</p>` : html`
    <div class="cards">
      <div class="card"><div class="label">State</div><div class="value" data-testid="group-state">${g.state}</div></div>
      <div class="card"><div class="label">Members</div><div class="value">${g.members.length}</div></div>
      <div class="card"><div class="label">Total lag</div><div class="value" data-testid="total-lag">${g.totalLag}</div></div>
      <div class="card"><div class="label">Assignor</div><div class="value">${g.protocol || '–'}</div></div>
    </div>
    <h2>Lag</h2>
    <${Chart} testid="lag-chart" points=${lagHistory} series=${[{ key: 'lag', label: 'total lag', cls: 'out', color: '#d0721b', format: (v) => String(v ?? 0) }]} />
    <h2>Offsets</h2>
    <table data-testid="group-offsets"><thead><tr><th>Topic</th><th class="num">Partition</th><th class="num">Committed</th><th class="num">Log end</th><th class="num">Lag</th><th></th><th>Member</th></tr></thead>
    <tbody>${g.offsets.map((o) => html`<tr data-testid="lag-row"><td>${o.topic}</td><td class="num">${o.partition}</td><td class="num">${o.committed ?? '–'}</td><td class="num">${o.logEnd ?? '–'}</td>
      <td class="num" data-testid="lag">${o.lag ?? '–'}</td><td style="width:120px"><span class="bar" style=${`width:${Math.round((Number(o.lag ?? 0) / maxLag) * 100)}px`}></span></td><td>${o.owner ?? ''}</td></tr>`)}</tbody></table>
    <h2>Members</h2>
    ${g.members.length === 0 ? html`<p class="muted">No active members.</p>` : html`<table data-testid="members"><thead><tr><th>Member</th><th>Client id</th><th>Host</th><th>Assigned partitions</th></tr></thead>
      <tbody>${g.members.map((m) => html`<tr><td>${m.memberId}</td><td>${m.clientId}</td><td>${m.host}</td><td>${m.partitions.join(', ')}</td></tr>`)}</tbody></table>`}
    ${readOnly ? null : html`<h2>Reset offsets</h2>
      <form class="inline" onSubmit=${reset} data-testid="reset-offsets">
        <label>Topic<input name="topic" required defaultValue=${g.offsets[0]?.topic ?? ''} /></label>
        <label>To<select name="to"><option value="earliest">earliest</option><option value="latest">latest</option><option value="offset">offset</option></select></label>
        <label>Offset<input name="offset" type="number" min="0" placeholder="with 'offset'" /></label>
        <button disabled=${action.busy}>Reset (group must be inactive)</button></form>
      <${ErrorBox} error=${action.error} />${action.message ? html`<div class="notice">${action.message}</div>` : null}`}`}`;
}

function AclsPage({ tick }) {
  const [r, error] = useData('/api/acls', tick);
  return html`<h1>ACLs</h1><${ErrorBox} error=${error} />
    ${!r ? html`<p class="muted">Loading…</p>` : r.note ? html`<div class="notice" data-testid="acl-note">${r.note}</div>` : r.acls.length === 0 ? html`<p class="muted">No ACLs.</p>` : html`
    <table data-testid="acls"><thead><tr><th>Resource type</th><th>Name</th><th>Pattern</th><th>Principal</th><th>Host</th><th>Operation</th><th>Permission</th></tr></thead>
    <tbody>${r.acls.map((a) => html`<tr><td>${a.resourceType}</td><td>${a.name}</td><td>${a.patternType}</td><td>${a.principal}</td><td>${a.host}</td><td>${a.operation}</td><td>${a.permission}</td></tr>`)}</tbody></table>`}`;
}

function App() {
  const route = useRoute();
  const [cluster, setCluster] = useState(null);
  const [streamError, setStreamError] = useState(null);
  const [live, setLive] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const events = new EventSource('/api/events');
    events.addEventListener('cluster', (e) => { setCluster(JSON.parse(e.data)); setStreamError(null); setLive(true); setTick((t) => t + 1); });
    events.addEventListener('failure', (e) => { setStreamError(JSON.parse(e.data).error); setTick((t) => t + 1); });
    events.onerror = () => setLive(false);
    return () => events.close();
  }, []);
  const readOnly = cluster?.readOnly ?? true;
  const [page, arg, sub] = route;
  let body;
  if (page === 'topics' && arg && sub === 'messages') body = html`<${MessagesPage} name=${arg} readOnly=${readOnly} />`;
  else if (page === 'topics' && arg) body = html`<${TopicPage} name=${arg} tick=${tick} readOnly=${readOnly} />`;
  else if (page === 'topics') body = html`<${TopicsPage} tick=${tick} readOnly=${readOnly} />`;
  else if (page === 'groups' && arg) body = html`<${GroupPage} id=${arg} tick=${tick} readOnly=${readOnly} />`;
  else if (page === 'groups') body = html`<${GroupsPage} tick=${tick} />`;
  else if (page === 'acls') body = html`<${AclsPage} tick=${tick} />`;
  else if (page === 'reassignments') body = html`<${ReassignmentsPage} tick=${tick} />`;
  else body = html`<${ClusterPage} cluster=${cluster} error=${streamError} />`;
  const nav = (href, label, key) => html`<a href=${href} class=${(page ?? 'cluster') === key ? 'active' : ''}>${label}</a>`;
  return html`<header><span class="brand">kafkats console</span>
      <nav>${nav('#/', 'Cluster', 'cluster')}${nav('#/topics', 'Topics', 'topics')}${nav('#/groups', 'Consumer groups', 'groups')}${nav('#/reassignments', 'Reassignments', 'reassignments')}${nav('#/acls', 'ACLs', 'acls')}</nav>
      <span class="status" data-testid="status">${cluster?.readOnly ? 'read-only · ' : ''}${live ? html`<span class="live">● live</span>` : html`<span class="down">● reconnecting</span>`}</span></header>
    <main data-tick=${tick}>${body}</main>`;
}

render(html`<${App} />`, document.getElementById('app'));
