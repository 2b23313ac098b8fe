/// <reference types="vite/client" />

// For tsc over the whole repository (vue-tsc reads the real components).
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
