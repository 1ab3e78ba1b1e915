/**
 * Docker does not run in CI, so docker-compose.yml, Dockerfile and .dockerignore are checked by
 * structure: the ZooKeeper ensemble is consistent, the brokers' KAFKA_CFG_* settings are real
 * broker keys that KafkaConfig accepts, host clients reach every broker through an advertised
 * localhost listener whose port is published, health checks and start order are in place, and
 * every named volume is declared. The compose file is read with a small reader for the YAML subset
 * it keeps to (see readYamlSubset), which rejects anything outside that subset.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KafkaConfig } from '../../lib/config/kafka-config.js';
import { BROKER_CONFIG_DEF } from '../../lib/config/broker-configs.js';
import { parseEnvOverrides } from '../../lib/config/properties.js';
import { BROKER_MALLOC_ENV } from '../../lib/server/heap-tuning.js';

type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };

// ------------------------------------------------------------------------------------------------
// A reader for the YAML subset docker-compose.yml uses: block mappings and block sequences by
// indentation (spaces), `# comments`, plain / "double" / 'single' quoted scalars, integers,
// booleans, null, and JSON-style flow collections ([...] / {...}). Anchors, aliases, tags,
// multi-line (| >) scalars and tabs are rejected, so the file cannot drift into YAML this reader
// would misread.

interface Line { indent: number; text: string; no: number }

function stripComment(s: string): string {
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === '\'') {
      quote = c;
    } else if (c === '#' && (i === 0 || s[i - 1] === ' ')) {
      return s.slice(0, i);
    }
  }
  return s;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s"'#\-[\]{}][^:]*?|-[^\s:][^:]*?)\s*:(?:\s+(.*))?$/;

export function readYamlSubset(text: string): Yaml {
  const lines: Line[] = [];
  text.split('\n').forEach((raw, i) => {
    if (/^\s*\t/.test(raw)) throw new Error(`line ${i + 1}: tab indentation`);
    const body = stripComment(raw).replace(/\s+$/, '');
    if (body.trim().length === 0) return;
    if (body === '---') throw new Error(`line ${i + 1}: multiple documents are not in the subset`);
    lines.push({ indent: body.length - body.trimStart().length, text: body.trimStart(), no: i + 1 });
  });
  let pos = 0;

  const isItem = (l: Line): boolean => l.text === '-' || l.text.startsWith('- ');

  function scalar(s: string, no: number): Yaml {
    if (/^[&*!|>%@`]/.test(s)) throw new Error(`line ${no}: "${s}" is outside the YAML subset`);
    if (s.startsWith('"')) return JSON.parse(s) as string;
    if (s.startsWith('\'')) {
      if (!s.endsWith('\'') || s.length < 2) throw new Error(`line ${no}: unterminated quote`);
      return s.slice(1, -1).replace(/''/g, '\'');
    }
    if (s.startsWith('[') || s.startsWith('{')) return JSON.parse(s) as Yaml;
    if (s === 'true' || s === 'false') return s === 'true';
    if (s === 'null' || s === '~') return null;
    if (/^-?\d+$/.test(s)) return Number(s);
    return s;
  }

  function key(s: string, no: number): string {
    const k = scalar(s, no);
    if (typeof k !== 'string' && typeof k !== 'number') throw new Error(`line ${no}: unsupported key ${s}`);
    return String(k);
  }

  function block(indent: number): Yaml {
    const first = lines[pos];
    if (first === undefined || first.indent !== indent) throw new Error(`line ${first?.no ?? 'EOF'}: bad indentation`);
    return isItem(first) ? sequence(indent) : mapping(indent);
  }

  /** The value after `key:` when it is empty: a nested block, a same-indent sequence, or null. */
  function nested(indent: number): Yaml {
    const next = lines[pos];
    if (next && next.indent > indent) return block(next.indent);
    if (next && next.indent === indent && isItem(next)) return sequence(indent);
    return null;
  }

  function mapping(indent: number): Yaml {
    const out: { [key: string]: Yaml } = {};
    while (pos < lines.length) {
      const l = lines[pos] as Line;
      if (l.indent < indent || isItem(l)) break;
      if (l.indent > indent) throw new Error(`line ${l.no}: unexpected indentation`);
      const m = KEY.exec(l.text);
      if (!m) throw new Error(`line ${l.no}: expected "key: value", got "${l.text}"`);
      const k = key(m[1] as string, l.no);
      if (Object.prototype.hasOwnProperty.call(out, k)) throw new Error(`line ${l.no}: duplicate key ${k}`);
      pos++;
      out[k] = m[2] === undefined || m[2].length === 0 ? nested(indent) : scalar(m[2], l.no);
    }
    return out;
  }

  function sequence(indent: number): Yaml {
    const out: Yaml[] = [];
    while (pos < lines.length) {
      const l = lines[pos] as Line;
      if (l.indent !== indent || !isItem(l)) break;
      const content = l.text === '-' ? '' : l.text.slice(2).trimStart();
      if (content.length === 0) {
        pos++;
        out.push(nested(indent + 1));
      } else if (KEY.test(content) && !content.startsWith('"') && !content.startsWith('\'')) {
        // "- key: value" starts a mapping whose keys sit where `key` does.
        const inner = indent + (l.text.length - content.length);
        lines[pos] = { indent: inner, text: content, no: l.no };
        out.push(mapping(inner));
      } else {
        pos++;
        out.push(scalar(content, l.no));
      }
    }
    return out;
  }

  const doc = lines.length === 0 ? null : block(lines[0]!.indent);
  if (pos < lines.length) throw new Error(`line ${lines[pos]!.no}: unexpected content`);
  return doc;
}

// ------------------------------------------------------------------------------------------------

type Obj = { [key: string]: Yaml };

function obj(v: Yaml | undefined, what: string): Obj {
  if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${what} is not a mapping`);
  return v;
}

function list(v: Yaml | undefined, what: string): Yaml[] {
  if (!Array.isArray(v)) throw new Error(`${what} is not a list`);
  return v;
}

/** Compose's `environment` as a mapping or as a list of KEY=VALUE. */
function environment(service: Obj, name: string): Record<string, string> {
  const env = service.environment;
  const out: Record<string, string> = {};
  if (Array.isArray(env)) {
    for (const item of env) {
      const s = String(item);
      const eq = s.indexOf('=');
      out[eq < 0 ? s : s.slice(0, eq)] = eq < 0 ? '' : s.slice(eq + 1);
    }
  } else {
    for (const [k, v] of Object.entries(obj(env, `${name}.environment`))) out[k] = v === null ? '' : String(v);
  }
  return out;
}

/** Short port syntax "HOST:CONTAINER" (optionally "IP:HOST:CONTAINER") → [host, container]. */
function publishedPorts(service: Obj): Array<[number, number]> {
  return list(service.ports ?? [], 'ports').map((p) => {
    const parts = String(p).split(':');
    return [Number(parts[parts.length - 2]), Number(parts[parts.length - 1])];
  });
}

const ROOT = new URL('../../', import.meta.url);
const read = (file: string): string => readFileSync(new URL(file, ROOT), 'utf8');

describe('readYamlSubset (the reader the compose checks rely on)', () => {
  it('reads nested mappings, sequences of scalars and of mappings, quotes, comments and flow lists', () => {
    const doc = readYamlSubset([
      '# comment',
      'a:',
      '  b: "x: # not a comment"   # a comment',
      '  c: \'it\'\'s\'',
      '  n: 42',
      '  t: true',
      '  e:',
      '  list:',
      '  - one',
      '  - "two:2"',
      '  items:',
      '    - name: x',
      '      port: 1',
      '    - plain:/path',
      '  flow: ["CMD", "a b"]',
    ].join('\n'));
    expect(doc).to.deep.equal({
      a: {
        b: 'x: # not a comment', c: 'it\'s', n: 42, t: true, e: null, list: ['one', 'two:2'],
        items: [{ name: 'x', port: 1 }, 'plain:/path'], flow: ['CMD', 'a b'],
      },
    });
  });

  it('rejects anchors, block scalars, tabs and duplicate keys', () => {
    expect(() => readYamlSubset('a: &x 1')).to.throw(/outside the YAML subset/);
    expect(() => readYamlSubset('a: |\n  text')).to.throw(/outside the YAML subset/);
    expect(() => readYamlSubset('a:\n\tb: 1')).to.throw(/tab/);
    expect(() => readYamlSubset('a: 1\na: 2')).to.throw(/duplicate key a/);
  });
});

/**
 * Runs a health-check shell command with its port pointed at a local stand-in for the broker's
 * /metrics server, which answers /health with `status` (200 healthy, 503 starting) and 404 otherwise.
 */
async function healthCheckExitCode(command: string, port: number, status = 200): Promise<number | null> {
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/health' ? status : 404).end(req.url === '/health' && status === 200 ? 'ok' : 'no');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const local = (server.address() as AddressInfo).port;
    const script = command.replaceAll(`/${port}`, `/${local}`).replaceAll('${KAFKA_CFG_KAFKATS_METRICS_PORT:-${KAFKA_KAFKATS_METRICS_PORT:-9404}}', String(local));
    // spawnSync would block the server in this process: run bash asynchronously.
    return await new Promise((resolve) => {
      const child = spawn('bash', ['-c', script], { stdio: 'ignore' });
      child.on('exit', (code) => resolve(code));
    });
  } finally {
    server.close();
  }
}

describe('docker-compose.yml', () => {
  const compose = obj(readYamlSubset(read('docker-compose.yml')), 'docker-compose.yml');
  const services = obj(compose.services, 'services');
  const zookeepers = Object.entries(services).filter(([, s]) => String(obj(s, 'service').image ?? '').startsWith('zookeeper:'));
  const brokers = Object.entries(services).filter(([, s]) => obj(s, 'service').build !== undefined);

  it('has exactly three ZooKeeper services and three kafkats brokers', () => {
    expect(zookeepers.map(([n]) => n)).to.have.length(3);
    expect(brokers.map(([n]) => n)).to.have.length(3);
    expect(Object.keys(services)).to.have.length(6);
  });

  it('configures one consistent ZooKeeper ensemble: distinct ids, identical ZOO_SERVERS naming every member', () => {
    const ids = new Map<number, string>();
    const serverLists = new Set<string>();
    for (const [name, s] of zookeepers) {
      const env = environment(obj(s, name), name);
      const id = Number(env.ZOO_MY_ID);
      expect(id, `${name} ZOO_MY_ID`).to.be.within(1, 255);
      expect(ids.has(id), `duplicate ZOO_MY_ID ${id}`).to.equal(false);
      ids.set(id, name);
      serverLists.add(env.ZOO_SERVERS ?? '');
    }
    expect(serverLists.size, 'ZOO_SERVERS differs between members').to.equal(1);
    const entries = [...serverLists][0]!.split(/\s+/).filter((x) => x.length > 0);
    expect(entries).to.have.length(3);
    for (const entry of entries) {
      const m = /^server\.(\d+)=([^:]+):(\d+):(\d+)(?::(?:participant|observer))?;(?:[^:]+:)?(\d+)$/.exec(entry);
      expect(m, entry).to.not.equal(null);
      const [, id, host, quorumPort, electionPort, clientPort] = m!;
      const service = ids.get(Number(id));
      expect(service, `server.${id} has no service with that ZOO_MY_ID`).to.not.equal(undefined);
      const s = obj(services[service!], service!);
      expect([service, s.hostname]).to.include(host);
      expect([Number(quorumPort), Number(electionPort), Number(clientPort)]).to.deep.equal([2888, 3888, 2181]);
    }
  });

  it('gives every ZooKeeper a health check that asks the server itself with a whitelisted four-letter word', () => {
    for (const [name, s] of zookeepers) {
      const test = list(obj(obj(s, name).healthcheck, `${name}.healthcheck`).test, `${name}.healthcheck.test`).map(String);
      const cmd = test.join(' ');
      const word = /echo (\w{4}) \| nc /.exec(cmd)?.[1];
      expect(word, `${name}: healthcheck should pipe a four-letter word to nc`).to.be.a('string');
      const whitelist = (environment(obj(s, name), name).ZOO_4LW_COMMANDS_WHITELIST ?? 'srvr').split(',').map((x) => x.trim());
      expect(whitelist, `${name}: ${word} must be whitelisted`).to.include(word);
      expect(cmd).to.include('2181');
    }
  });

  describe('brokers', () => {
    const configs = brokers.map(([name, s]) => {
      const env = environment(obj(s, name), name);
      return { name, service: obj(s, name), env, config: KafkaConfig.fromProps({}, { env }) };
    });

    it('build from the repository\'s Dockerfile', () => {
      for (const { name, service } of configs) {
        const build = service.build;
        const context = typeof build === 'string' ? build : obj(build, `${name}.build`).context;
        expect(context, name).to.equal('.');
        if (typeof build !== 'string') expect(obj(build, 'build').dockerfile ?? 'Dockerfile').to.equal('Dockerfile');
      }
    });

    it('use only KAFKA_CFG_* variables that name known broker config keys, which KafkaConfig accepts without warnings', () => {
      for (const { name, env, config } of configs) {
        const kafkaEnv = Object.keys(env).filter((k) => k.startsWith('KAFKA_CFG_'));
        expect(kafkaEnv.length, name).to.be.greaterThan(5);
        for (const key of parseEnvOverrides(env).keys()) {
          expect(BROKER_CONFIG_DEF.keyIgnoringCase(key), `${name}: ${key} is not a broker config key`).to.not.equal(undefined);
        }
        expect(config.warnings, name).to.deep.equal([]);
      }
    });

    it('keep acks=all writes on at least two of three replicas (min.insync.replicas=2, replication factor 3)', () => {
      for (const { name, config } of configs) {
        expect(config.getNumber('min.insync.replicas'), name).to.equal(2);
        expect(config.getNumber('default.replication.factor'), name).to.equal(3);
        expect(config.getNumber('offsets.topic.replication.factor'), name).to.equal(3);
      }
    });

    it('have distinct broker ids', () => {
      const ids = configs.map((c) => c.config.brokerId);
      expect(ids.every((id) => id >= 0)).to.equal(true);
      expect(new Set(ids).size).to.equal(3);
    });

    it('connect to every ZooKeeper of the ensemble on its client port', () => {
      const expected = zookeepers.map(([n]) => `${n}:2181`).sort();
      for (const { name, config } of configs) {
        const hosts = config.zkConnect.replace(/\/.*$/, '').split(',').sort();
        expect(hosts, name).to.deep.equal(expected);
      }
    });

    it('advertise a localhost listener on a distinct published port (host port = container port) for host clients', () => {
      const external: number[] = [];
      for (const { name, service, config } of configs) {
        const interBroker = config.interBrokerListenerName;
        const forHost = config.advertisedListeners.filter((e) => e.host === 'localhost' && e.listenerName !== interBroker);
        expect(forHost, `${name}: no localhost listener`).to.have.length(1);
        const ep = forHost[0]!;
        const bound = config.listeners.find((l) => l.listenerName === ep.listenerName);
        expect(bound?.port, `${name}: ${ep.listenerName} must listen on the advertised port`).to.equal(ep.port);
        expect(bound?.host, `${name}: ${ep.listenerName} must bind every interface in the container`).to.equal('');
        expect(publishedPorts(service), `${name}: publish ${ep.port}:${ep.port}`).to.deep.include([ep.port, ep.port]);
        external.push(ep.port);
      }
      expect(external.sort()).to.deep.equal([9092, 9093, 9094]);
    });

    it('talk to each other over an INTERNAL listener advertised under their compose service name', () => {
      for (const { name, service, config } of configs) {
        expect(config.interBrokerListenerName, name).to.equal('INTERNAL');
        const internal = config.advertisedListeners.find((e) => e.listenerName === 'INTERNAL');
        expect(internal, name).to.not.equal(undefined);
        expect([name, service.hostname]).to.include(internal!.host);
        expect(config.listeners.find((l) => l.listenerName === 'INTERNAL')?.port).to.equal(internal!.port);
        expect(config.listenerSecurityProtocolMap.get('INTERNAL')).to.equal('PLAINTEXT');
      }
    });

    it('start only after every ZooKeeper is healthy', () => {
      for (const { name, service } of configs) {
        const deps = obj(service.depends_on, `${name}.depends_on`);
        for (const [zk] of zookeepers) {
          expect(obj(deps[zk], `${name}.depends_on.${zk}`).condition, `${name} → ${zk}`).to.equal('service_healthy');
        }
      }
    });

    it('serve metrics and have a cheap health check (no Node process) that asks /health on the metrics port', async () => {
      const hostPorts: number[] = [];
      for (const { name, service, config } of configs) {
        const port = config.getNumber('kafkats.metrics.port');
        expect(port, name).to.be.greaterThan(0);
        const test = list(obj(service.healthcheck, `${name}.healthcheck`).test, 'test').map(String);
        expect(test.slice(0, 3), name).to.deep.equal(['CMD', 'bash', '-c']);
        expect(test[3], name).to.include(`/dev/tcp/127.0.0.1/${port}`);
        expect(await healthCheckExitCode(test[3]!, port), `${name}: healthy broker`).to.equal(0);
        expect(await healthCheckExitCode(test[3]!, port, 503), `${name}: starting broker`).to.not.equal(0);
        const published = publishedPorts(service).find(([, container]) => container === port);
        expect(published, `${name}: metrics port published`).to.not.equal(undefined);
        hostPorts.push(published![0]);
      }
      expect(new Set(hostPorts).size).to.equal(3);
    });

    it('keep their log.dirs on a named volume', () => {
      for (const { name, service, config } of configs) {
        const mounts = list(service.volumes, `${name}.volumes`).map(String);
        for (const dir of config.logDirs) {
          expect(mounts.some((m) => /^[\w.-]+:/.test(m) && m.split(':')[1] === dir), `${name}: ${dir} on a named volume`).to.equal(true);
        }
      }
    });
  });

  it('publishes every host port once', () => {
    const all = Object.entries(services).flatMap(([n, s]) => publishedPorts(obj(s, n)).map(([host]) => host));
    expect(new Set(all).size).to.equal(all.length);
  });

  it('declares every named volume the services mount, and ZooKeeper keeps /data on one', () => {
    const declared = Object.keys(obj(compose.volumes, 'volumes'));
    for (const [name, s] of Object.entries(services)) {
      for (const m of list(obj(s, name).volumes ?? [], `${name}.volumes`).map(String)) {
        const source = m.split(':')[0]!;
        if (source.startsWith('/') || source.startsWith('.') || source.startsWith('~')) continue;
        expect(declared, `${name} mounts undeclared volume ${source}`).to.include(source);
      }
    }
    for (const [name, s] of zookeepers) {
      expect(list(obj(s, name).volumes, name).map(String).some((m) => m.endsWith(':/data')), name).to.equal(true);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

  it('builds on an official Node 24 (LTS) image, installs with npm ci and checks the build output', () => {
    const froms = instructions.filter((l) => /^FROM /i.test(l));
    expect(froms.length).to.be.greaterThan(0);
    for (const f of froms) expect(f).to.match(/^FROM node:24[\w.-]*( AS \w+)?$/i);
    expect(dockerfile).to.match(/RUN npm ci\b/);
    expect(dockerfile).to.include('dist/cli/main.js');
  });

  it('starts `kafkats server-start` through bin/kafkats.js', () => {
    const entry = instructions.find((l) => l.startsWith('ENTRYPOINT '));
    const argv = JSON.parse(entry!.slice('ENTRYPOINT '.length)) as string[];
    expect(argv.slice(-3)).to.deep.equal(['node', 'bin/kafkats.js', 'server-start']);
  });

  it('sets its broker defaults in the Confluent form, so that KAFKA_CFG_* and KAFKA_* names both override them', () => {
    const envLines = instructions.filter((l) => /^ENV /i.test(l)).join(' ');
    const env = Object.fromEntries([...envLines.matchAll(/\b(KAFKA_\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(env)).to.include.members(['KAFKA_LOG_DIRS', 'KAFKA_KAFKATS_METRICS_PORT']);
    expect(Object.keys(env).filter((k) => k.startsWith('KAFKA_CFG_')), 'a KAFKA_CFG_* default would beat a user\'s KAFKA_* name').to.deep.equal([]);
    const ZK = { 'zookeeper.connect': 'zk:2181' };
    const defaults = KafkaConfig.fromProps(ZK, { env });
    expect(defaults.warnings).to.deep.equal([]);
    expect(defaults.logDirs).to.deep.equal(['/var/lib/kafkats/data']);
    expect(defaults.getNumber('kafkats.metrics.port')).to.equal(9404);
    // Every interface: the published port and the health check on 127.0.0.1 reach it whatever the listeners' host.
    expect(defaults.getString('kafkats.metrics.host')).to.equal('0.0.0.0');
    expect(KafkaConfig.fromProps(ZK, { env: { ...env, KAFKA_LOG_DIRS: '/confluent' } }).logDirs).to.deep.equal(['/confluent']);
    expect(KafkaConfig.fromProps(ZK, { env: { ...env, KAFKA_CFG_LOG_DIRS: '/cfg' } }).logDirs).to.deep.equal(['/cfg']);
  });

  it('gives the broker the malloc settings every other launcher gives it (BROKER_MALLOC_ENV)', () => {
    const env = Object.fromEntries([...dockerfile.replace(/\\\n/g, ' ').matchAll(/\b(MALLOC_\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
    expect(env).to.deep.equal(BROKER_MALLOC_ENV);
  });

  it('installs from the npm registry alone: no toolchain, nothing but npm ci in the build', () => {
    expect(dockerfile).to.not.match(/\b(g\+\+|make|python3|build-essential|curl|wget|git)\b/);
    const runs = instructions.filter((l) => /^RUN /i.test(l));
    expect(runs.filter((l) => /apt-get install/.test(l)).join(' ')).to.not.match(/install -y --no-install-recommends (?!tini\b)/);
  });

  it('has a cheap health check (no Node process) asking /health on the metrics port', async () => {
    const line = instructions.find((l) => l.startsWith('HEALTHCHECK '));
    const argv = JSON.parse(line!.slice(line!.indexOf('CMD ') + 4)) as string[];
    expect(argv.slice(0, 2)).to.deep.equal(['bash', '-c']);
    expect(argv[2]).to.include('/dev/tcp/127.0.0.1/${KAFKA_CFG_KAFKATS_METRICS_PORT:-${KAFKA_KAFKATS_METRICS_PORT:-9404}}');
    expect(await healthCheckExitCode(argv[2]!, 9404)).to.equal(0);
    expect(await healthCheckExitCode(argv[2]!, 9404, 503)).to.not.equal(0);
  });

  it('has a .dockerignore keeping host dependencies, build output and git data out of the context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    expect(ignored).to.include.members(['node_modules', 'dist', '.git']);
  });
});
