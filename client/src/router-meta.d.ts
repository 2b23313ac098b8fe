import 'vue-router';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    public?: boolean;
    endpoint?: string;
    what?: string;
  }
}
