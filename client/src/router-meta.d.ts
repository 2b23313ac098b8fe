import 'vue-router';

declare module 'vue-router' {
  interface RouteMeta {
    /** Message key of the view's title (document title, not-yet views). */
    title?: string;
    public?: boolean;
    /** Admins only (others are sent to the overview; the server refuses them anyway). */
    admin?: boolean;
    endpoint?: string;
    /** Message key of what the not-yet view shows. */
    what?: string;
  }
}
