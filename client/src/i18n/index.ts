/**
 * Interface strings: one message catalogue per locale, English complete. A Ukrainian or Korean
 * interface is one more file typed by `MessageSchema` and one more entry in `messages`.
 * Messages are compiled to an AST at run time without eval (vue-i18n's JIT path), so the build
 * keeps working under the server's `script-src 'self'`.
 */
import { createI18n } from 'vue-i18n';
import { en, type MessageSchema } from './en.js';

export type Locale = 'en';
export const LOCALES: Locale[] = ['en'];

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en },
});

declare module 'vue-i18n' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  export interface DefineLocaleMessage extends MessageSchema {}
}
