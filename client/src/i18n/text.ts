/**
 * Interface text for the dashboard's plain TypeScript modules (formatters, the rule form, the API
 * client, the live socket), which have no component and so no `useI18n()`. They call `text(key,
 * values)`; the app binds it to its vue-i18n instance (i18n/index.ts), so their words follow the
 * interface language exactly as templates do. Unbound (unit tests, anything the server imports),
 * `text` answers from the English catalogue through the small formatter below.
 */
import { en, type MessageSchema } from './en.js';

/** Every dotted path of the catalogue that ends in a message ("item.untitled", "format.delay.minutes"). */
type MessagePaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : MessagePaths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

export type MessageKey = MessagePaths<MessageSchema>;
export type MessageValues = Record<string, string | number>;
export type Translate = (key: MessageKey, values?: MessageValues) => string;

/** `{name}` placeholders filled from `values`; unknown ones stay as written. */
export function fillPlaceholders(message: string, values: MessageValues = {}): string {
  return message.replace(/\{(\w+)\}/gu, (placeholder, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : placeholder,
  );
}

/** The English message at a dotted path, or undefined when the path names no message. */
export function englishMessage(key: string): string | undefined {
  let node: unknown = en;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** English text without vue-i18n: plain messages only (no plural forms, no linked messages). */
export const englishText: Translate = (key, values) => fillPlaceholders(englishMessage(key) ?? key, values);

let bound: Translate = englishText;

/** Routes `text` through the app's translate function (called once, where the vue-i18n instance is created). */
export function bindText(translate: Translate): void {
  bound = translate;
}

/** The interface text for `key` in the current language. */
export const text: Translate = (key, values) => bound(key, values);
