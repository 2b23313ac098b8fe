/** An alert as words: plain text, Slack-compatible text and HTML (collected content escaped). */
import type { Alert, AlertRule } from '../store/alerts/port.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Slack's own escaping: only &, < and > are control characters in its text. */
export function escapeSlack(text: string): string {
  return text.replace(/[&<>]/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);
}

const verb = (event: 'fired' | 'escalated', alert: Alert) =>
  event === 'escalated' ? `escalated to level ${alert.level}` : alert.digest ? 'digest' : 'fired';

export function subject(alert: Alert, rule: AlertRule, event: 'fired' | 'escalated'): string {
  return `[Framewatch ${alert.severity}] ${rule.name}: ${verb(event, alert)}`.slice(0, 200).replace(/[\r\n]+/gu, ' ');
}

function numbers(alert: Alert): string[] {
  return Object.entries(alert.metrics).map(([k, v]) =>
    alert.thresholds[k] !== undefined ? `${k}: ${v} (threshold ${alert.thresholds[k]})` : `${k}: ${v}`,
  );
}

export function plainText(alert: Alert, rule: AlertRule, event: 'fired' | 'escalated', url: string): string {
  return [
    `${rule.name} (${rule.type}) ${verb(event, alert)}`,
    '',
    alert.summary,
    '',
    ...numbers(alert),
    ...(alert.itemIds.length > 0 ? ['', `items: ${alert.itemIds.length}`] : []),
    '',
    `Open: ${url}`,
  ].join('\n');
}

export function slackText(alert: Alert, rule: AlertRule, event: 'fired' | 'escalated', url: string): string {
  return `*${escapeSlack(rule.name)}* ${verb(event, alert)} (${alert.severity}): ${escapeSlack(alert.summary)} <${escapeSlack(url)}|open>`;
}

export function html(alert: Alert, rule: AlertRule, event: 'fired' | 'escalated', url: string): string {
  const rows = numbers(alert)
    .map((line) => `<li>${escapeHtml(line)}</li>`)
    .join('');
  return [
    '<!doctype html><html><body>',
    `<h2>${escapeHtml(rule.name)} <small>(${escapeHtml(rule.type)}, ${escapeHtml(alert.severity)})</small></h2>`,
    `<p>${escapeHtml(verb(event, alert))}: ${escapeHtml(alert.summary)}</p>`,
    rows ? `<ul>${rows}</ul>` : '',
    `<p><a href="${escapeHtml(url)}">Open in Framewatch</a></p>`,
    '</body></html>',
  ].join('');
}
