import 'vue-router';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    public?: boolean;
    /** Admins only (others are sent to the overview; the server refuses them anyway). */
    admin?: boolean;
    endpoint?: string;
    what?: string;
  }
}
