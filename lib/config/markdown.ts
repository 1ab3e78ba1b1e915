/**
 * Renders the configuration tables as Markdown for README's configuration reference
 * (`renderConfigurationReference()`), or one table (`renderConfigMarkdown(def)`).
 */
import { renderValue, type ConfigDef, type ConfigKey } from './config-def.js';
import { BROKER_CONFIG_DEF } from './broker-configs.js';
import { TOPIC_CONFIG_DEF } from './topic-configs.js';

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function defaultText(key: ConfigKey): string {
  if (key.type === 'password') return key.defaultValue === null ? 'null' : '[hidden]';
  const v = renderValue(key.type, key.defaultValue);
  if (v === null) return 'null';
  return v === '' ? '""' : v;
}

function relation(key: ConfigKey): string {
  if (key.topicKey) return `topic: \`${key.topicKey}\``;
  if (key.brokerKeys.length > 0) return key.brokerKeys.map((b) => `\`${b}\``).join(', ');
  return '';
}

/** One Markdown table: name, type, default, valid values, importance, broker/topic synonym, description. */
export function renderConfigMarkdown(def: ConfigDef, options: { topic?: boolean } = {}): string {
  const relHeader = options.topic ? 'Broker default from' : 'Topic key';
  const lines = [
    `| Name | Type | Default | Valid values | Importance | ${relHeader} | Description |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const key of def.keys()) {
    const doc = key.deprecated && !key.doc.startsWith('Deprecated') ? `Deprecated. ${key.doc}` : key.doc;
    lines.push(`| \`${key.name}\` | ${key.type} | \`${cell(defaultText(key))}\` | ${cell(key.validator?.description ?? '')} `
      + `| ${key.importance} | ${relation(key)} | ${cell(doc)} |`);
  }
  return lines.join('\n');
}

/** Both tables with headings, ready to paste into README. */
export function renderConfigurationReference(): string {
  return [
    '### Broker configuration (server.properties)',
    '',
    'Precedence: Kafka default < server.properties < environment (`KAFKA_CFG_*`, or the Confluent image\'s `KAFKA_*` names for known keys; `KAFKA_CFG_*` wins) < `--override k=v`.',
    '',
    renderConfigMarkdown(BROKER_CONFIG_DEF),
    '',
    '### Topic configuration',
    '',
    'Set per topic with CreateTopics / AlterConfigs; unset keys take the broker key shown.',
    '',
    renderConfigMarkdown(TOPIC_CONFIG_DEF, { topic: true }),
    '',
  ].join('\n');
}
