/** Views and their URLs; every view but Login needs a session when the server has authentication. */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { i18n } from './i18n/index.js';
import { useSessionStore } from './stores/session.js';
import AlertRuleEditView from './views/AlertRuleEditView.vue';
import AlertRulesView from './views/AlertRulesView.vue';
import AlertsView from './views/AlertsView.vue';
import BriefingView from './views/BriefingView.vue';
import BriefingsView from './views/BriefingsView.vue';
import CodebookView from './views/CodebookView.vue';
import FramingView from './views/FramingView.vue';
import ItemView from './views/ItemView.vue';
import LoginView from './views/LoginView.vue';
import MarkersView from './views/MarkersView.vue';
import NotYetView from './views/NotYetView.vue';
import OverviewView from './views/OverviewView.vue';
import ReleaseView from './views/ReleaseView.vue';
import ReleasesView from './views/ReleasesView.vue';
import SavedViewsView from './views/SavedViewsView.vue';
import SearchView from './views/SearchView.vue';
import SourcesView from './views/SourcesView.vue';
import UsersView from './views/UsersView.vue';

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'overview', component: OverviewView, meta: { title: 'routes.overview' } },
  { path: '/search', name: 'search', component: SearchView, meta: { title: 'routes.search' } },
  { path: '/framing', name: 'framing', component: FramingView, meta: { title: 'routes.framing' } },
  { path: '/releases/:id', name: 'release', component: ReleaseView, meta: { title: 'routes.release' } },
  { path: '/items/:id', name: 'item', component: ItemView, meta: { title: 'routes.item' } },
  { path: '/sources', name: 'sources', component: SourcesView, meta: { title: 'routes.sources' } },
  { path: '/releases', name: 'releases', component: ReleasesView, meta: { title: 'routes.releases' } },
  { path: '/alerts', name: 'alerts', component: AlertsView, meta: { title: 'routes.alerts' } },
  { path: '/alerts/rules', name: 'alert-rules', component: AlertRulesView, meta: { title: 'routes.alertRules' } },
  { path: '/alerts/rules/new', name: 'alert-rule-new', component: AlertRuleEditView, meta: { title: 'routes.newRule' } },
  { path: '/alerts/rules/:id/edit', name: 'alert-rule-edit', component: AlertRuleEditView, meta: { title: 'routes.editRule' } },
  { path: '/briefings', name: 'briefings', component: BriefingsView, meta: { title: 'routes.briefings' } },
  { path: '/briefings/:id', name: 'briefing', component: BriefingView, meta: { title: 'routes.briefing' } },
  { path: '/codebook', name: 'codebook', component: CodebookView, meta: { title: 'routes.codebook' } },
  { path: '/users', name: 'users', component: UsersView, meta: { title: 'routes.users', admin: true } },
  { path: '/saved-views', name: 'saved-views', component: SavedViewsView, meta: { title: 'routes.savedViews' } },
  { path: '/markers', name: 'markers', component: MarkersView, meta: { title: 'routes.markers' } },
  { path: '/login', name: 'login', component: LoginView, meta: { title: 'routes.login', public: true } },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: NotYetView,
    meta: { title: 'routes.notFound', endpoint: '/__none__', what: 'routes.notFoundWhat' },
  },
];

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory(), routes });
  router.beforeEach(async (to) => {
    const session = useSessionStore();
    if (session.state === 'unknown') {
      try {
        await session.load();
      } catch {
        // The server is unreachable: let the view show the error state.
        return true;
      }
    }
    if (to.meta.admin && session.state === 'signed-in' && !session.isAdmin) return { name: 'overview' };
    if (to.meta.public || session.state !== 'signed-out') return true;
    return { name: 'login', query: { redirect: to.fullPath } };
  });
  router.afterEach((to) => {
    document.title = `${to.meta.title ? i18n.global.t(to.meta.title) : ''} · ${i18n.global.t('app.brand')}`;
  });
  return router;
}
