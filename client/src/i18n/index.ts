/**
 * Interface strings: one message catalogue per locale, English complete. A Ukrainian or Korean
 * interface is one more file typed by `MessageSchema` and one more entry in `messages`.
 * Messages are compiled to an AST at run time without eval (vue-i18n's JIT path), so the build
 * keeps working under the server's `script-src 'self'`.
 */
import { createI18n } from 'vue-i18n';
import { en, type MessageSchema } from './en.js';
import { bindText } from './text.js';

/** Every interface language the dashboard ships. */
export const messages = { en } satisfies Record<string, MessageSchema>;
export type Locale = keyof typeof messages;
export const LOCALES = Object.keys(messages) as Locale[];

/**
 * The vue-i18n instance over a set of catalogues, English as the fallback. It also becomes the
 * voice of the plain modules (lib/format.ts, the rule form, the API client, the live socket), so
 * their words follow the same language as the templates.
 */
export function createInterfaceI18n(catalogues: { en: MessageSchema } & Record<string, MessageSchema>, locale: string) {
  const instance = createI18n<[MessageSchema], string, false>({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: catalogues,
  });
  bindText((key, values) => instance.global.t(key, values ?? {}));
  return instance;
}

export const i18n = createInterfaceI18n(messages, 'en' satisfies Locale);

declare module 'vue-i18n' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  export interface DefineLocaleMessage extends MessageSchema {}
}
